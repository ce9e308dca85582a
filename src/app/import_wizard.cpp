#include "app/import_wizard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QWizardPage>

#include <functional>

#include "io/coordinates.h"
#include "model/support/error.h"
#include "storage/atlas.h"

namespace gridatlas::app {

namespace {

/// A page whose "complete" state (Next/Finish enabled) is a function of the wizard's state.
class Page : public QWizardPage {
public:
    explicit Page(std::function<bool()> complete) : m_complete(std::move(complete)) {}
    [[nodiscard]] bool isComplete() const override { return m_complete(); }
    void refresh() { emit completeChanged(); }

private:
    std::function<bool()> m_complete;
};

QString q(const std::string& s) {
    return QString::fromStdString(s);
}
std::string s(const QString& q) {
    return q.toStdString();
}

const char* const kTargets[] = {"buildings", "grids", "communities", "service_posts", "streets", "units", "households"};

} // namespace

ImportWizard::ImportWizard(const QString& atlasPath, QWidget* parent) : QWizard(parent), m_atlasPath(atlasPath) {
    setWindowTitle(tr("Import data"));
    setOption(QWizard::DisabledBackButtonOnLastPage, true);
    setOption(QWizard::NoBackButtonOnLastPage, true);
    m_pool.setMaxThreadCount(1);

    // --- Source -----------------------------------------------------------------------------
    auto* source = new Page([this] { return m_sourcePreview.has_value(); });
    source->setTitle(tr("Source"));
    source->setSubTitle(tr("A Shapefile, GeoJSON, GeoPackage, KML, DXF, OpenStreetMap, CSV, XLSX, FlatGeobuf or MapInfo file."));
    m_file = new QLineEdit;
    m_file->setObjectName("sourceFile");
    auto* browse = new QPushButton(tr("Browse..."));
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);
    m_layer = new QComboBox;
    m_layer->setObjectName("layer");
    m_target = new QComboBox;
    m_target->setObjectName("target");
    const QString targetNames[] = {tr("Buildings"), tr("Grids"), tr("Communities"), tr("Service posts"),
                                   tr("Streets"),   tr("Units"), tr("Households")};
    for (std::size_t i = 0; i < std::size(kTargets); ++i) m_target->addItem(targetNames[i], QString(kTargets[i]));
    m_srs = new QComboBox;
    m_srs->setObjectName("srs");
    m_srs->setEditable(true);
    m_srs->addItem(tr("As stated in the file"), QString());
    m_srs->addItem(tr("EPSG:4326 (WGS84, GPS)"), QString("EPSG:4326"));
    m_srs->addItem(tr("EPSG:4490 (CGCS2000)"), QString("EPSG:4490"));
    m_srs->addItem(tr("GCJ-02 (Amap, Tencent)"), QString("gcj02"));
    m_srs->addItem(tr("BD-09 (Baidu)"), QString("bd09"));
    m_sourceInfo = new QLabel;
    m_sourceInfo->setObjectName("sourceInfo");
    m_sourceInfo->setWordWrap(true);
    auto* sourceForm = new QFormLayout(source);
    sourceForm->addRow(tr("File"), fileRow);
    sourceForm->addRow(tr("Layer"), m_layer);
    sourceForm->addRow(tr("Import into"), m_target);
    sourceForm->addRow(tr("Coordinate system"), m_srs);
    sourceForm->addRow(m_sourceInfo);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Import data"), m_file->text(),
                                                       tr("Vector data (*.shp *.geojson *.json *.gpkg *.kml *.kmz *.dxf *.osm "
                                                          "*.pbf *.csv *.xlsx *.fgb *.tab *.mif);;All files (*)"));
        if (!f.isEmpty()) setSourceFile(f);
    });
    connect(m_file, &QLineEdit::editingFinished, this, [this] { setSourceFile(m_file->text()); });
    connect(m_layer, &QComboBox::activated, this, [this] { refreshPreview(); });
    connect(m_target, &QComboBox::activated, this, [this] { refreshPreview(); });
    setPage(SourcePageId, source);

    // --- Mapping ----------------------------------------------------------------------------
    auto* mapping = new Page([this] { return !m_running; });
    mapping->setTitle(tr("Fields"));
    mapping->setSubTitle(tr("The first rows of the file and which atlas field each source field fills."));
    m_preview = new QTableWidget;
    m_preview->setObjectName("preview");
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_mapping = new QTableWidget(0, 2);
    m_mapping->setObjectName("mapping");
    m_mapping->setHorizontalHeaderLabels({tr("Atlas field"), tr("Source field")});
    m_mapping->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_mapping->horizontalHeader()->setStretchLastSection(true);
    m_mappingFile = new QLineEdit;
    m_mappingFile->setObjectName("mappingFile");
    m_mappingFile->setPlaceholderText(tr("optional JSON mapping file (see docs/import-export.md)"));
    auto* browseMapping = new QPushButton(tr("Browse..."));
    auto* mappingRow = new QHBoxLayout;
    mappingRow->addWidget(m_mappingFile, 1);
    mappingRow->addWidget(browseMapping);
    m_key = new QComboBox;
    m_key->setObjectName("key");
    m_partial = new QCheckBox(tr("Store the valid features even if others are rejected"));
    m_partial->setObjectName("partial");
    m_deleteMissing = new QCheckBox(tr("Delete rows an earlier import of this file brought that it no longer has (backed up first)"));
    m_deleteMissing->setObjectName("deleteMissing");
    m_dryRun = new QPushButton(tr("Dry run"));
    m_dryRun->setObjectName("dryRun");
    m_dryRunReport = new QPlainTextEdit;
    m_dryRunReport->setObjectName("dryRunReport");
    m_dryRunReport->setReadOnly(true);
    auto* mappingLayout = new QVBoxLayout(mapping);
    mappingLayout->addWidget(m_preview, 2);
    mappingLayout->addWidget(m_mapping, 2);
    auto* mappingForm = new QFormLayout;
    mappingForm->addRow(tr("Mapping file"), mappingRow);
    mappingForm->addRow(tr("Match existing rows by"), m_key);
    mappingForm->addRow(m_partial);
    mappingForm->addRow(m_deleteMissing);
    mappingLayout->addLayout(mappingForm);
    mappingLayout->addWidget(m_dryRun);
    mappingLayout->addWidget(m_dryRunReport, 1);
    connect(browseMapping, &QPushButton::clicked, this, [this] {
        const QString f =
            QFileDialog::getOpenFileName(this, tr("Mapping file"), m_mappingFile->text(), tr("Mapping files (*.json)"));
        if (!f.isEmpty()) {
            m_mappingFile->setText(f);
            refreshPreview();
        }
    });
    connect(m_mappingFile, &QLineEdit::editingFinished, this, [this] { refreshPreview(); });
    connect(m_dryRun, &QPushButton::clicked, this, &ImportWizard::startDryRun);
    setPage(MappingPageId, mapping);

    // --- Run --------------------------------------------------------------------------------
    auto* run = new Page([this] { return m_importDone && !m_running; });
    run->setTitle(tr("Import"));
    run->setFinalPage(true);
    m_progress = new QProgressBar;
    m_progress->setObjectName("progress");
    m_progress->setRange(0, 100);
    m_stage = new QLabel;
    m_cancel = new QPushButton(tr("Cancel import"));
    m_cancel->setObjectName("cancelImport");
    m_report = new QPlainTextEdit;
    m_report->setObjectName("report");
    m_report->setReadOnly(true);
    auto* runLayout = new QVBoxLayout(run);
    runLayout->addWidget(m_progress);
    runLayout->addWidget(m_stage);
    runLayout->addWidget(m_cancel);
    runLayout->addWidget(m_report, 1);
    connect(m_cancel, &QPushButton::clicked, this, &ImportWizard::cancelRun);
    setPage(RunPageId, run);
}

ImportWizard::~ImportWizard() {
    if (m_feedback) m_feedback->cancel();
    m_pool.waitForDone();
}

void ImportWizard::setSourceFile(const QString& path) {
    m_file->setText(path);
    m_layer->clear();
    m_sourcePreview.reset();
    if (!path.isEmpty()) {
        try {
            for (const auto& l : io::listVectorLayers(s(path))) m_layer->addItem(q(l));
        } catch (const std::exception& e) {
            m_sourceInfo->setText(q(e.what()));
        }
    }
    refreshPreview();
}

void ImportWizard::setTarget(const QString& table) {
    const int i = m_target->findData(table);
    if (i >= 0) m_target->setCurrentIndex(i);
    refreshPreview();
}

void ImportWizard::setSrs(const QString& srs) {
    const int i = m_srs->findData(srs);
    if (i >= 0)
        m_srs->setCurrentIndex(i);
    else
        m_srs->setEditText(srs);
}

void ImportWizard::refreshPreview() {
    m_sourcePreview.reset();
    const auto target = io::parseImportTarget(s(m_target->currentData().toString()));
    if (!m_file->text().isEmpty() && target) {
        try {
            // OSM files read several layers for some targets: let the source choose then.
            const bool osm =
                m_file->text().endsWith(".osm", Qt::CaseInsensitive) || m_file->text().endsWith(".pbf", Qt::CaseInsensitive);
            const std::string layer = osm ? "" : s(m_layer->currentText());
            m_sourcePreview = io::previewSource(s(m_file->text()), layer, *target, s(m_mappingFile->text()));
        } catch (const std::exception& e) {
            m_sourceInfo->setText(q(e.what()));
        }
    }
    if (m_sourcePreview) {
        const auto& p = *m_sourcePreview;
        QString info = tr("%1, layer %2, %3 features")
                           .arg(q(p.driver), q(p.layer))
                           .arg(p.featureCount < 0 ? tr("unknown number of") : QString::number(p.featureCount));
        info += "\n" + (p.crs.empty() ? tr("The file states no coordinate system: choose one below.")
                                      : tr("Coordinate system: %1").arg(q(p.crs)));
        info += "\n" + tr("Text encoding: %1").arg(q(p.encoding));
        if (!p.geometryOrigin.empty()) info += "\n" + tr("Geometry from %1").arg(q(p.geometryOrigin));
        m_sourceInfo->setText(info);

        m_preview->clear();
        m_preview->setColumnCount(static_cast<int>(p.fields.size()));
        m_preview->setRowCount(static_cast<int>(p.rows.size()));
        QStringList headers;
        for (const auto& f : p.fields) headers << q(f);
        m_preview->setHorizontalHeaderLabels(headers);
        for (std::size_t r = 0; r < p.rows.size(); ++r)
            for (std::size_t c = 0; c < p.rows[r].size(); ++c)
                m_preview->setItem(static_cast<int>(r), static_cast<int>(c), new QTableWidgetItem(q(p.rows[r][c])));
        m_mapping->setRowCount(static_cast<int>(p.mapping.size()));
        for (std::size_t i = 0; i < p.mapping.size(); ++i) {
            m_mapping->setItem(static_cast<int>(i), 0, new QTableWidgetItem(q(p.mapping[i].first)));
            m_mapping->setItem(static_cast<int>(i), 1, new QTableWidgetItem(q(p.mapping[i].second)));
        }
        m_key->clear();
        m_key->addItem(tr("Source feature id (re-imports of the same file)"), QString());
        static const std::pair<const char*, const char*> kKeys[] = {{"communities", "code"}, {"grids", "code"},
                                                                    {"buildings", "number"}, {"units", "number"},
                                                                    {"households", "room"},  {"service_posts", "name"}};
        for (const auto& [table, key] : kKeys)
            if (m_target->currentData().toString() == table) m_key->addItem(tr("Atlas field '%1'").arg(key), QString(key));
    }
    if (auto* p = dynamic_cast<Page*>(page(SourcePageId))) p->refresh();
}

int ImportWizard::previewRowCount() const {
    return m_preview->rowCount();
}

QStringList ImportWizard::mappingLines() const {
    QStringList out;
    for (int r = 0; r < m_mapping->rowCount(); ++r) out << m_mapping->item(r, 0)->text() + " <- " + m_mapping->item(r, 1)->text();
    return out;
}

io::ImportOptions ImportWizard::options(bool dryRun) const {
    io::ImportOptions o;
    o.source = s(m_file->text());
    const bool osm = m_file->text().endsWith(".osm", Qt::CaseInsensitive) || m_file->text().endsWith(".pbf", Qt::CaseInsensitive);
    o.layer = osm ? "" : s(m_layer->currentText());
    o.target = io::parseImportTarget(s(m_target->currentData().toString())).value_or(io::ImportTarget::Buildings);
    o.mappingFile = s(m_mappingFile->text());
    const QString srs = m_srs->currentIndex() >= 0 && m_srs->currentText() == m_srs->itemText(m_srs->currentIndex())
                            ? m_srs->currentData().toString()
                            : m_srs->currentText();
    if (!srs.isEmpty()) o.srs = io::parseCrsOption(s(srs));
    o.key = s(m_key->currentData().toString());
    o.partial = m_partial->isChecked();
    o.deleteMissing = m_deleteMissing->isChecked();
    o.dryRun = dryRun;
    return o;
}

void ImportWizard::initializePage(int id) {
    QWizard::initializePage(id);
    if (id == MappingPageId) refreshPreview();
    if (id == RunPageId) startRun(false);
}

bool ImportWizard::validateCurrentPage() {
    if (currentId() == SourcePageId) {
        try {
            (void)options(true); // a bad --srs text fails here, on the page where it was typed
        } catch (const std::exception& e) {
            m_sourceInfo->setText(q(e.what()));
            return false;
        }
    }
    return QWizard::validateCurrentPage();
}

void ImportWizard::reject() {
    cancelRun();
    QWizard::reject();
}

void ImportWizard::startDryRun() {
    startRun(true);
}

void ImportWizard::cancelRun() {
    if (m_feedback) m_feedback->cancel();
}

void ImportWizard::startRun(bool dryRun) {
    if (m_running) return;
    io::ImportOptions opt;
    try {
        opt = options(dryRun);
    } catch (const std::exception& e) {
        onRunDone(std::nullopt, q(e.what()), dryRun);
        return;
    }
    m_running = true;
    m_error.clear();
    m_dryRun->setEnabled(false);
    m_cancel->setEnabled(!dryRun);
    m_progress->setValue(0);
    (dryRun ? m_dryRunReport : m_report)->setPlainText(dryRun ? tr("Checking...") : tr("Importing..."));
    if (auto* p = dynamic_cast<Page*>(page(MappingPageId))) p->refresh();
    auto feedback = std::make_shared<Feedback>();
    m_feedback = feedback;
    QPointer<ImportWizard> self(this);
    feedback->setProgressCallback([this, self](double percent, const std::string& stage) {
        QMetaObject::invokeMethod(
            this,
            [self, percent, stage] {
                if (!self) return;
                self->m_progress->setValue(static_cast<int>(percent));
                self->m_stage->setText(q(stage));
            },
            Qt::QueuedConnection);
    });
    const std::string atlasPath = s(m_atlasPath);
    m_pool.start([this, self, feedback, opt, atlasPath, dryRun] {
        std::optional<io::ImportSummary> summary;
        QString error;
        try {
            auto atlas = storage::Atlas::open(atlasPath, storage::OpenMode::ReadWrite);
            summary = io::importVector(*atlas, opt, feedback.get());
            if (summary->committed) atlas->updateStatistics();
        } catch (const CancelledError&) {
            error = tr("Cancelled: nothing was written.");
        } catch (const std::exception& e) {
            error = q(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [self, summary, error, dryRun] {
                if (self) self->onRunDone(summary, error, dryRun);
            },
            Qt::QueuedConnection);
    });
}

QString ImportWizard::reportText(const io::ImportSummary& sum) const {
    return q(sum.report(200));
}

void ImportWizard::onRunDone(std::optional<io::ImportSummary> summary, QString error, bool dryRun) {
    m_running = false;
    m_dryRun->setEnabled(true);
    m_cancel->setEnabled(false);
    m_summary = std::move(summary);
    m_error = error;
    const QString text = m_summary ? reportText(*m_summary) : error;
    if (dryRun) {
        m_dryRunReport->setPlainText(text);
    } else {
        m_importDone = true;
        m_progress->setValue(m_summary && m_summary->committed ? 100 : m_progress->value());
        m_report->setPlainText(text);
    }
    for (int id : {MappingPageId, RunPageId})
        if (auto* p = dynamic_cast<Page*>(page(id))) p->refresh();
    const bool committed = m_summary && m_summary->committed;
    emit runFinished(committed);
    if (committed) emit importFinished();
}

} // namespace gridatlas::app
