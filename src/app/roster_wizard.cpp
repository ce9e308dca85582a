#include "app/roster_wizard.h"
#include "app/reveal.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMetaObject>
#include <QPointer>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "model/masking.h"
#include "model/support/error.h"
#include "storage/atlas.h"

namespace gridatlas::app {

namespace {

constexpr int kPreviewRows = 20;

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// A wizard page whose Next and completeness are decided by the wizard.
class CallbackPage : public QWizardPage {
public:
    std::function<bool()> validate;
    std::function<bool()> complete;
    std::function<void()> enter;
    bool validatePage() override { return validate ? validate() : true; }
    bool isComplete() const override { return complete ? complete() : true; }
    void initializePage() override {
        if (enter) enter();
    }
    void refresh() { emit completeChanged(); }
};

model::Sensitivity sensitivityOf(io::RosterField f) {
    switch (f) {
    case io::RosterField::Name:
        return model::Sensitivity::Name;
    case io::RosterField::Phone:
        return model::Sensitivity::Phone;
    case io::RosterField::IdNumber:
        return model::Sensitivity::IdNumber;
    case io::RosterField::Disability:
    case io::RosterField::Hardship:
    case io::RosterField::MinimumIncome:
    case io::RosterField::ElderlyAlone:
    case io::RosterField::LeftBehindChildren:
        return model::Sensitivity::Detail;
    default:
        return model::Sensitivity::None;
    }
}

QString fieldLabel(io::RosterField f) {
    switch (f) {
    case io::RosterField::Ignore:
        return RosterWizard::tr("(not imported)");
    case io::RosterField::Name:
        return RosterWizard::tr("Name");
    case io::RosterField::Gender:
        return RosterWizard::tr("Sex");
    case io::RosterField::BirthDate:
        return RosterWizard::tr("Date of birth");
    case io::RosterField::IdNumber:
        return RosterWizard::tr("ID number");
    case io::RosterField::Phone:
        return RosterWizard::tr("Phone");
    case io::RosterField::Address:
        return RosterWizard::tr("Address");
    case io::RosterField::Community:
        return RosterWizard::tr("Community");
    case io::RosterField::Compound:
        return RosterWizard::tr("Compound");
    case io::RosterField::Building:
        return RosterWizard::tr("Building");
    case io::RosterField::Unit:
        return RosterWizard::tr("Unit");
    case io::RosterField::Floor:
        return RosterWizard::tr("Floor");
    case io::RosterField::Room:
        return RosterWizard::tr("Room");
    case io::RosterField::IsMember:
        return RosterWizard::tr("Party member (yes/no)");
    case io::RosterField::PoliticalStatus:
        return RosterWizard::tr("Political status");
    case io::RosterField::MemberType:
        return RosterWizard::tr("Member type");
    case io::RosterField::Branch:
        return RosterWizard::tr("Party branch");
    case io::RosterField::JoinedYear:
        return RosterWizard::tr("Joined the Party");
    case io::RosterField::Relation:
        return RosterWizard::tr("Relation to head of household");
    case io::RosterField::Disability:
        return RosterWizard::tr("Disability");
    case io::RosterField::MinimumIncome:
        return RosterWizard::tr("Minimum income");
    case io::RosterField::Hardship:
        return RosterWizard::tr("Hardship");
    case io::RosterField::ElderlyAlone:
        return RosterWizard::tr("Elderly living alone");
    case io::RosterField::LeftBehindChildren:
        return RosterWizard::tr("Left-behind children");
    }
    return {};
}

CallbackPage* callbackPage(QWizard* w, int id) {
    return static_cast<CallbackPage*>(w->page(id));
}

} // namespace

RosterWizard::RosterWizard(QString atlasPath, QWidget* parent) : QWizard(parent), m_atlasPath(std::move(atlasPath)) {
    setWindowTitle(tr("Import a roster"));
    setOption(QWizard::NoBackButtonOnLastPage, true);
    setOption(QWizard::NoCancelButtonOnLastPage, true);
    buildPages();
    resize(860, 600);
}

RosterWizard::~RosterWizard() {
    if (m_worker) {
        m_feedback->cancel();
        m_worker->wait();
        delete m_worker;
        m_worker = nullptr;
    }
}

void RosterWizard::buildPages() {
    // 1. File.
    auto* file = new CallbackPage;
    file->setTitle(tr("Roster file"));
    file->setSubTitle(tr("A CSV (UTF-8 or GBK) or Excel (.xlsx) roster with a header row such as 姓名, 身份证号, 住址."));
    {
        auto* form = new QFormLayout(file);
        auto* row = new QHBoxLayout;
        m_fileEdit = new QLineEdit;
        auto* browse = new QPushButton(tr("Browse…"));
        row->addWidget(m_fileEdit);
        row->addWidget(browse);
        form->addRow(tr("Roster:"), row);
        m_sheetBox = new QComboBox;
        m_sheetBox->setEnabled(false);
        form->addRow(tr("Sheet:"), m_sheetBox);
        auto* mrow = new QHBoxLayout;
        m_mappingEdit = new QLineEdit;
        m_mappingEdit->setPlaceholderText(tr("optional: a mapping file (header = field per line)"));
        auto* mbrowse = new QPushButton(tr("Browse…"));
        mrow->addWidget(m_mappingEdit);
        mrow->addWidget(mbrowse);
        form->addRow(tr("Mapping:"), mrow);
        m_fileError = new QLabel;
        m_fileError->setWordWrap(true);
        m_fileError->setStyleSheet("color: #b00020");
        form->addRow(m_fileError);
        connect(browse, &QPushButton::clicked, this, [this] {
            const QString p = QFileDialog::getOpenFileName(this, tr("Open a roster"), QString(),
                                                           tr("Rosters (*.csv *.xlsx *.txt);;All files (*)"));
            if (!p.isEmpty()) setRosterPath(p);
        });
        connect(mbrowse, &QPushButton::clicked, this, [this] {
            const QString p = QFileDialog::getOpenFileName(this, tr("Open a mapping file"));
            if (!p.isEmpty()) setMappingPath(p);
        });
        connect(m_fileEdit, &QLineEdit::textChanged, this, [this, file](const QString& t) {
            m_rosterPath = t;
            m_sheetBox->clear();
            m_sheetBox->setEnabled(false);
            if (t.endsWith(".xlsx", Qt::CaseInsensitive) && QFileInfo::exists(t)) {
                try {
                    for (const auto& s : io::rosterSheetNames(t.toStdString())) m_sheetBox->addItem(qs(s));
                    m_sheetBox->setEnabled(true);
                } catch (const Error& e) {
                    m_fileError->setText(qs(e.what()));
                }
            }
            file->refresh();
        });
        connect(m_mappingEdit, &QLineEdit::textChanged, this, [this](const QString& t) { m_mappingPath = t; });
        connect(m_sheetBox, &QComboBox::currentTextChanged, this, [this](const QString& t) { m_sheet = t; });
    }
    file->complete = [this] { return !m_rosterPath.isEmpty(); };
    file->validate = [this] { return loadRoster(); };
    setPage(FilePageId, file);

    // 2. Preview.
    auto* preview = new CallbackPage;
    preview->setTitle(tr("Preview"));
    {
        auto* v = new QVBoxLayout(preview);
        m_previewInfo = new QLabel;
        m_previewInfo->setWordWrap(true);
        v->addWidget(m_previewInfo);
        m_preview = new QTableWidget;
        m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
        v->addWidget(m_preview);
        m_revealBox = new QCheckBox(tr("Show personal data"));
        v->addWidget(m_revealBox);
        connect(m_revealBox, &QCheckBox::toggled, this, [this](bool on) { setRevealPersonalData(on); });
    }
    preview->enter = [this] { fillPreview(); };
    setPage(PreviewPageId, preview);

    // 3. Column mapping.
    auto* mapping = new CallbackPage;
    mapping->setTitle(tr("Columns"));
    mapping->setSubTitle(tr("What each column holds. The choices were detected from the headers."));
    {
        auto* v = new QVBoxLayout(mapping);
        m_mappingTable = new QTableWidget;
        m_mappingTable->setColumnCount(3);
        m_mappingTable->setHorizontalHeaderLabels({tr("Column"), tr("First value"), tr("Imported as")});
        m_mappingTable->horizontalHeader()->setStretchLastSection(true);
        m_mappingTable->verticalHeader()->setVisible(false);
        v->addWidget(m_mappingTable);
        m_mappingInfo = new QLabel;
        m_mappingInfo->setWordWrap(true);
        m_mappingInfo->setStyleSheet("color: #b00020");
        v->addWidget(m_mappingInfo);
    }
    mapping->enter = [this] { fillMapping(); };
    mapping->complete = [this] { return m_table && mappingProblems().isEmpty(); };
    setPage(MappingPageId, mapping);

    // 4. Dry run and import.
    auto* run = new CallbackPage;
    run->setTitle(tr("Import"));
    run->setSubTitle(tr("One transaction: unless partial import is on, any rejected row means nothing is written. "
                        "A dry run checks everything and writes nothing."));
    {
        auto* v = new QVBoxLayout(run);
        m_partialBox = new QCheckBox(tr("Partial import: write the valid rows even if some are rejected"));
        v->addWidget(m_partialBox);
        auto* buttons = new QHBoxLayout;
        m_dryRunButton = new QPushButton(tr("Dry run"));
        m_importButton = new QPushButton(tr("Import"));
        m_cancelButton = new QPushButton(tr("Cancel import"));
        m_cancelButton->setEnabled(false);
        buttons->addWidget(m_dryRunButton);
        buttons->addWidget(m_importButton);
        buttons->addWidget(m_cancelButton);
        buttons->addStretch();
        v->addLayout(buttons);
        m_progress = new QProgressBar;
        m_progress->setRange(0, 100);
        m_progress->setValue(0);
        v->addWidget(m_progress);
        m_stageLabel = new QLabel;
        v->addWidget(m_stageLabel);
        m_importSummary = new QLabel;
        m_importSummary->setWordWrap(true);
        v->addWidget(m_importSummary);
        v->addStretch();
        connect(m_dryRunButton, &QPushButton::clicked, this, [this] { startImport(true); });
        connect(m_importButton, &QPushButton::clicked, this, [this] { startImport(false); });
        connect(m_cancelButton, &QPushButton::clicked, this, [this] { cancelImport(); });
    }
    // Next leads to the result once an import (not a dry run) has finished.
    run->complete = [this] { return !m_worker && m_result && !m_lastWasDryRun; };
    setPage(ImportPageId, run);

    // 5. Result.
    auto* result = new CallbackPage;
    result->setTitle(tr("Result"));
    {
        auto* v = new QVBoxLayout(result);
        m_resultSummary = new QLabel;
        m_resultSummary->setWordWrap(true);
        v->addWidget(m_resultSummary);
        m_rejects = new QTableWidget;
        m_rejects->setColumnCount(3);
        m_rejects->setHorizontalHeaderLabels({tr("Row"), tr("Address"), tr("Reason")});
        m_rejects->horizontalHeader()->setStretchLastSection(true);
        m_rejects->verticalHeader()->setVisible(false);
        m_rejects->setEditTriggers(QAbstractItemView::NoEditTriggers);
        v->addWidget(m_rejects);
        m_saveRejects = new QPushButton(tr("Save rejected rows…"));
        v->addWidget(m_saveRejects, 0, Qt::AlignLeft);
        connect(m_saveRejects, &QPushButton::clicked, this, [this] {
            if (!m_result) return;
            const QString p = QFileDialog::getSaveFileName(this, tr("Save rejected rows"), QString(), tr("CSV (*.csv)"));
            if (p.isEmpty()) return;
            try {
                io::writeRejects(p.toStdString(), *m_result);
            } catch (const Error& e) {
                QMessageBox::warning(this, tr("Save rejected rows"), qs(e.what()));
            }
        });
    }
    result->enter = [this] { showResult(); };
    setPage(ResultPageId, result);
}

void RosterWizard::setRosterPath(const QString& path) {
    m_fileEdit->setText(path);
}
void RosterWizard::setMappingPath(const QString& path) {
    m_mappingEdit->setText(path);
}
void RosterWizard::setSheet(const QString& sheet) {
    m_sheet = sheet;
    const int i = m_sheetBox->findText(sheet);
    if (i >= 0) m_sheetBox->setCurrentIndex(i);
}
bool RosterWizard::partial() const {
    return m_partialBox->isChecked();
}
void RosterWizard::setPartial(bool on) {
    m_partialBox->setChecked(on);
}

bool RosterWizard::loadRoster() {
    m_error.clear();
    m_fileError->clear();
    // The file is read on a worker thread (a large workbook takes seconds); this loop keeps the
    // window painting and answering, with progress and a cancel, until it is in.
    struct Read {
        std::optional<io::MappingFile> mapping;
        std::unique_ptr<io::RosterTable> table;
        QString error;
        bool cancelled = false;
    };
    auto read = std::make_shared<Read>();
    auto feedback = std::make_shared<Feedback>();
    QProgressDialog progress(tr("Reading %1...").arg(QFileInfo(m_rosterPath).fileName()), tr("Cancel"), 0, 100, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300); // a small file never flashes a dialog
    progress.setValue(0);
    QEventLoop loop;
    feedback->setProgressCallback([&progress](double percent, const std::string&) {
        // Reading is the first 15% of an import's progress: here it is the whole bar.
        const int value = std::min(99, static_cast<int>(percent * 100.0 / 15.0));
        QMetaObject::invokeMethod(&progress, [&progress, value] { progress.setValue(value); }, Qt::QueuedConnection);
    });
    connect(&progress, &QProgressDialog::canceled, &loop, [feedback] { feedback->cancel(); });
    QTimer cancelPoll; // QProgressDialog::cancel() (Esc, or a program) sets wasCanceled without the signal
    connect(&cancelPoll, &QTimer::timeout, &loop, [&progress, feedback] {
        if (progress.wasCanceled()) feedback->cancel();
    });
    cancelPoll.start(20);
    std::thread worker([read, feedback, &loop, path = m_rosterPath.toStdString(), sheet = m_sheet.toStdString(),
                        mappingPath = m_mappingPath.toStdString()] {
        try {
            if (!mappingPath.empty()) read->mapping = io::loadMappingFile(mappingPath);
            read->table = std::make_unique<io::RosterTable>(
                io::readRoster(path, sheet, read->mapping ? &*read->mapping : nullptr, feedback.get()));
        } catch (const CancelledError&) {
            read->cancelled = true;
        } catch (const std::exception& e) {
            read->error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(&loop, [&loop] { loop.quit(); }, Qt::QueuedConnection);
    });
    loop.exec();
    worker.join();
    progress.reset();
    // The progress callback may still have queued updates for the dialog: drop them with it.
    feedback->setProgressCallback(nullptr);
    m_mappingFile = std::move(read->mapping);
    m_table = std::move(read->table);
    if (read->cancelled) m_error = tr("Reading the roster was cancelled.");
    else if (!m_table) m_error = read->error;
    m_fileError->setText(m_error);
    m_fieldBoxes.clear();
    m_result.reset();
    return m_table != nullptr;
}

void RosterWizard::fillPreview() {
    if (!m_table) return;
    const auto& t = *m_table;
    m_previewInfo->setText(
        tr("%1: %2, header on row %3, %4 rows%5")
            .arg(QFileInfo(qs(t.source())).fileName(), qs(t.encoding()))
            .arg(t.headerRow())
            .arg(t.rowCount())
            .arg(t.skippedTitleRows() > 0 ? tr(" (%1 title rows above it skipped)").arg(t.skippedTitleRows()) : QString()));
    const io::ColumnMapping m =
        m_fieldBoxes.empty() ? io::detectMapping(t.headers(), m_mappingFile ? &*m_mappingFile : nullptr) : mapping();
    const int rows = static_cast<int>(std::min<std::size_t>(t.rowCount(), kPreviewRows));
    m_preview->clear();
    m_preview->setColumnCount(static_cast<int>(t.columnCount()));
    m_preview->setRowCount(rows);
    QStringList headers;
    for (const auto& h : t.headers()) headers << qs(h);
    m_preview->setHorizontalHeaderLabels(headers);
    QStringList rowLabels;
    for (int r = 0; r < rows; ++r) {
        rowLabels << QString::number(t.rowNumber(static_cast<std::size_t>(r)));
        for (std::size_t c = 0; c < t.columnCount(); ++c) {
            const std::string_view cell = t.cell(static_cast<std::size_t>(r), c);
            const auto kind = c < m.columns.size() ? sensitivityOf(m.columns[c]) : model::Sensitivity::None;
            const std::string shown = model::mask(std::string(cell), kind, m_reveal);
            m_preview->setItem(r, static_cast<int>(c), new QTableWidgetItem(qs(shown)));
        }
    }
    m_preview->setVerticalHeaderLabels(rowLabels);
    m_preview->resizeColumnsToContents();
}

void RosterWizard::setRevealPersonalData(bool on) {
    m_reveal = on;
    if (m_revealBox->isChecked() != on) m_revealBox->setChecked(on);
    fillPreview();
}

void RosterWizard::fillMapping() {
    if (!m_table || !m_fieldBoxes.empty()) {
        updateMappingProblems();
        return;
    }
    const auto& t = *m_table;
    const io::ColumnMapping detected = io::detectMapping(t.headers(), m_mappingFile ? &*m_mappingFile : nullptr);
    m_mappingTable->setRowCount(static_cast<int>(t.columnCount()));
    for (std::size_t c = 0; c < t.columnCount(); ++c) {
        const int row = static_cast<int>(c);
        m_mappingTable->setItem(row, 0, new QTableWidgetItem(qs(t.headers()[c])));
        const auto kind = sensitivityOf(detected.columns[c]);
        const std::string first = t.rowCount() ? std::string(t.cell(0, c)) : std::string();
        m_mappingTable->setItem(row, 1, new QTableWidgetItem(qs(model::mask(first, kind, m_reveal))));
        auto* box = new QComboBox;
        box->addItem(fieldLabel(io::RosterField::Ignore), static_cast<int>(io::RosterField::Ignore));
        for (auto f : io::allRosterFields()) box->addItem(fieldLabel(f), static_cast<int>(f));
        box->setCurrentIndex(box->findData(static_cast<int>(detected.columns[c])));
        connect(box, &QComboBox::currentIndexChanged, this, [this] { updateMappingProblems(); });
        m_mappingTable->setCellWidget(row, 2, box);
        m_fieldBoxes.push_back(box);
    }
    m_mappingTable->resizeColumnsToContents();
    updateMappingProblems();
}

io::ColumnMapping RosterWizard::mapping() const {
    io::ColumnMapping m;
    for (auto* box : m_fieldBoxes) {
        auto f = static_cast<io::RosterField>(box->currentData().toInt());
        if (f != io::RosterField::Ignore && m.has(f)) {
            m.duplicates.push_back(std::string("two columns are imported as ") + io::fieldLabelZh(f));
            f = io::RosterField::Ignore;
        }
        m.columns.push_back(f);
    }
    return m;
}

void RosterWizard::setColumnField(int column, io::RosterField field) {
    if (column < 0 || column >= static_cast<int>(m_fieldBoxes.size())) return;
    auto* box = m_fieldBoxes[static_cast<std::size_t>(column)];
    box->setCurrentIndex(box->findData(static_cast<int>(field)));
}

QStringList RosterWizard::mappingProblems() const {
    QStringList out;
    if (m_fieldBoxes.empty()) return out;
    for (const auto& p : io::validateMapping(mapping())) out << qs(p);
    return out;
}

void RosterWizard::updateMappingProblems() {
    m_mappingInfo->setText(mappingProblems().join("\n"));
    callbackPage(this, MappingPageId)->refresh();
}

void RosterWizard::startImport(bool dryRun) {
    if (m_worker || !m_table) return;
    if (m_fieldBoxes.empty()) fillMapping();
    const io::ColumnMapping m = mapping();
    if (!io::validateMapping(m).empty()) return;
    // An encrypted atlas: the key is asked for here, on the GUI thread, before the worker needs it.
    if (!ensureUnlocked(this, m_atlasPath.toStdString())) return;
    m_lastWasDryRun = dryRun;
    m_result.reset();
    m_error.clear();
    m_workerResult.reset();
    m_workerError.clear();
    m_feedback = std::make_unique<Feedback>();
    QPointer<QProgressBar> bar = m_progress;
    QPointer<QLabel> stage = m_stageLabel;
    m_feedback->setProgressCallback([bar, stage](double pct, const std::string& text) {
        // Called on the worker: hand the numbers to the GUI thread.
        QMetaObject::invokeMethod(
            bar,
            [bar, stage, pct, t = qs(text)] {
                if (bar) bar->setValue(static_cast<int>(pct));
                if (stage) stage->setText(t);
            },
            Qt::QueuedConnection);
    });
    io::RosterImportOptions options;
    options.dryRun = dryRun;
    options.partial = m_partialBox->isChecked();
    options.user = qEnvironmentVariable("USER").toStdString();
    const std::string atlasPath = m_atlasPath.toStdString();
    const io::RosterTable* table = m_table.get();
    Feedback* feedback = m_feedback.get();
    m_worker = QThread::create([this, atlasPath, table, m, options, feedback] {
        // Everything the thread touches is owned by the wizard, which joins the thread before it goes.
        try {
            auto atlas = storage::Atlas::open(atlasPath, storage::OpenMode::ReadWrite);
            m_workerResult = io::importRoster(*atlas, *table, m, options, feedback);
        } catch (const CancelledError&) {
            m_workerError = tr("Cancelled: nothing was written.");
        } catch (const Error& e) {
            m_workerError = qs(e.what());
        } catch (const std::exception& e) {
            m_workerError = qs(e.what());
        }
    });
    connect(m_worker, &QThread::finished, this, &RosterWizard::onWorkerDone);
    m_progress->setValue(0);
    m_stageLabel->setText(dryRun ? tr("Dry run…") : tr("Importing…"));
    m_importSummary->clear();
    m_dryRunButton->setEnabled(false);
    m_importButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_partialBox->setEnabled(false);
    callbackPage(this, ImportPageId)->refresh();
    m_worker->start();
}

void RosterWizard::cancelImport() {
    if (m_feedback) m_feedback->cancel();
}

void RosterWizard::onWorkerDone() {
    if (!m_worker) return;
    m_worker->wait();
    m_worker->deleteLater();
    m_worker = nullptr;
    m_result = m_workerResult;
    m_error = m_workerError;
    m_dryRunButton->setEnabled(true);
    m_importButton->setEnabled(true);
    m_cancelButton->setEnabled(false);
    m_partialBox->setEnabled(true);
    m_importSummary->setText(summaryText());
    if (m_result) m_progress->setValue(100);
    callbackPage(this, ImportPageId)->refresh();
    emit importFinished(m_result && m_result->written);
}

QString RosterWizard::summaryText() const {
    if (!m_error.isEmpty()) return m_error;
    if (!m_result) return {};
    const auto& r = *m_result;
    QString s = tr("%1 rows: %2 added, %3 updated, %4 unchanged, %5 rejected.")
                    .arg(r.rows)
                    .arg(r.added)
                    .arg(r.updated)
                    .arg(r.unchanged)
                    .arg(r.rejected);
    if (r.householdsCreated || r.householdsUpdated)
        s += " " + tr("Households: %1 created, %2 updated.").arg(r.householdsCreated).arg(r.householdsUpdated);
    if (r.dryRun)
        s += " " + tr("Dry run: nothing was written.");
    else if (!r.written)
        s += " " + tr("Nothing was written: some rows were rejected and partial import is off.");
    else
        s += " " + tr("Written to the atlas.");
    return s;
}

void RosterWizard::showResult() {
    m_resultSummary->setText(summaryText());
    const int n = m_result ? static_cast<int>(m_result->rejects.size()) : 0;
    m_rejects->setRowCount(n);
    for (int i = 0; i < n; ++i) {
        const auto& r = m_result->rejects[static_cast<std::size_t>(i)];
        m_rejects->setItem(i, 0, new QTableWidgetItem(QString::number(r.row)));
        m_rejects->setItem(i, 1, new QTableWidgetItem(qs(r.address)));
        m_rejects->setItem(i, 2, new QTableWidgetItem(qs(r.reason)));
    }
    m_rejects->resizeColumnsToContents();
    m_saveRejects->setEnabled(n > 0);
}

} // namespace gridatlas::app
