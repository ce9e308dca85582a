#include "app/print_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPrintDialog>
#include <QPrinter>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QVBoxLayout>

#include <optional>

#include "io/layout_pages.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "render/layout.h"
#include "render/layout_writer.h"
#include "storage/atlas.h"
#include "storage/crypto.h"
#include "storage/gdal_raster.h"

namespace gridatlas::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

/// maps/ of the project: beside the executable's ../.. (build tree), or the working folder.
QString mapsFolder() {
    for (const QString& candidate : {QCoreApplication::applicationDirPath() + "/../../maps", QCoreApplication::applicationDirPath() + "/../maps",
                                     QDir::currentPath() + "/maps"})
        if (QFileInfo(candidate).isDir()) return QDir(candidate).canonicalPath();
    return QDir::currentPath() + "/maps";
}

constexpr double kPreviewWidthPx = 760.0;

} // namespace

/// What the worker is asked to do, and what it hands back.
struct PrintDialog::Request {
    enum class Kind { Pages, Preview, Export, Print } kind = Kind::Preview;
    std::string atlas, templ;
    render::LayoutEach each = render::LayoutEach::Grid;
    bool eachFromTemplate = true;
    int page = 0;
    std::optional<std::string> paper;
    std::optional<bool> landscape;
    bool reveal = false;
    bool useView = false;
    model::Rect view;
    std::string out;
    bool allPages = false;
    std::shared_ptr<QPrinter> printer;
    // Results.
    QStringList pageNames;
    render::LayoutEach usedEach = render::LayoutEach::Grid;
    QImage image;
    QString message;
    bool ok = false;
};

PrintDialog::PrintDialog(const QString& atlasPath, const model::Rect& currentView, QWidget* parent)
    : QDialog(parent), m_atlasPath(atlasPath), m_currentView(currentView) {
    setWindowTitle(tr("Print / Export Layout"));
    auto* form = new QFormLayout;
    m_template = new QComboBox;
    for (const QString& f : templateFiles()) {
        QString name = QFileInfo(f).completeBaseName();
        try {
            name = q(render::loadLayout(f.toStdString()).name);
        } catch (const std::exception&) {
        }
        m_template->addItem(name, f);
    }
    form->addRow(tr("Template"), m_template);
    m_each = new QComboBox;
    m_each->addItem(tr("As the template says"), QString());
    m_each->addItem(tr("One page per grid"), QStringLiteral("grid"));
    m_each->addItem(tr("One page per building"), QStringLiteral("building"));
    m_each->addItem(tr("One page per community"), QStringLiteral("community"));
    m_each->addItem(tr("One page for the whole atlas"), QStringLiteral("atlas"));
    form->addRow(tr("Pages"), m_each);
    m_page = new QComboBox;
    form->addRow(tr("Page"), m_page);
    m_paper = new QComboBox;
    m_paper->addItem(tr("As designed"), QString());
    for (const char* p : {"A4", "A3", "A2", "A1", "A0"}) m_paper->addItem(QString::fromLatin1(p), QString::fromLatin1(p));
    form->addRow(tr("Paper"), m_paper);
    m_orientation = new QComboBox;
    m_orientation->addItem(tr("As designed"), 0);
    m_orientation->addItem(tr("Portrait"), 1);
    m_orientation->addItem(tr("Landscape"), 2);
    form->addRow(tr("Orientation"), m_orientation);
    m_useView = new QCheckBox(tr("Use the current view as the map frame"));
    form->addRow(QString(), m_useView);
    m_reveal = new QCheckBox(tr("Print personal data unmasked"));
    form->addRow(QString(), m_reveal);
    m_allPages = new QCheckBox(tr("Export every page"));
    form->addRow(QString(), m_allPages);

    m_exportButton = new QPushButton(tr("Export PDF/PNG/SVG..."));
    m_printButton = new QPushButton(tr("Print..."));
    auto* close = new QPushButton(tr("Close"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_exportButton);
    buttons->addWidget(m_printButton);
    buttons->addStretch();
    buttons->addWidget(close);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 0);
    m_progress->setVisible(false);
    m_status = new QLabel;
    m_status->setWordWrap(true);

    auto* left = new QVBoxLayout;
    left->addLayout(form);
    left->addWidget(m_progress);
    left->addWidget(m_status);
    left->addStretch();
    left->addLayout(buttons);
    m_previewLabel = new QLabel;
    m_previewLabel->setAlignment(Qt::AlignCenter);
    m_previewLabel->setMinimumSize(560, 560);
    m_previewLabel->setStyleSheet(QStringLiteral("background: #8a8a8a;"));
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_previewLabel);
    scroll->setWidgetResizable(true);
    m_scroll = scroll;
    auto* main = new QHBoxLayout(this);
    main->addLayout(left, 0);
    main->addWidget(scroll, 1);
    resize(1180, 820);

    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_template, &QComboBox::currentIndexChanged, this, &PrintDialog::reloadPages);
    connect(m_each, &QComboBox::currentIndexChanged, this, &PrintDialog::reloadPages);
    connect(m_page, &QComboBox::currentIndexChanged, this, &PrintDialog::schedulePreview);
    connect(m_paper, &QComboBox::currentIndexChanged, this, &PrintDialog::schedulePreview);
    connect(m_orientation, &QComboBox::currentIndexChanged, this, &PrintDialog::schedulePreview);
    connect(m_useView, &QCheckBox::toggled, this, &PrintDialog::schedulePreview);
    connect(m_reveal, &QCheckBox::toggled, this, &PrintDialog::confirmReveal);
    connect(m_exportButton, &QPushButton::clicked, this, &PrintDialog::chooseExport);
    connect(m_printButton, &QPushButton::clicked, this, &PrintDialog::print);
    if (m_template->count() == 0) m_status->setText(tr("No layout templates found in %1").arg(mapsFolder()));
    reloadPages();
}

PrintDialog::~PrintDialog() {
    if (m_feedback) m_feedback->cancel(); // a running export or print finishes first
    for (auto& w : m_workers)
        if (w.thread.joinable()) w.thread.join();
}

QStringList PrintDialog::templateFiles() {
    QStringList out;
    const QDir dir(mapsFolder());
    for (const QString& f : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const QString path = dir.filePath(f);
        if (render::isLayoutFile(path.toStdString())) out << path;
    }
    return out;
}

bool PrintDialog::setTemplate(const QString& path) {
    if (!render::isLayoutFile(path.toStdString())) return false;
    const QString full = QFileInfo(path).absoluteFilePath();
    int index = -1;
    for (int i = 0; i < m_template->count(); ++i)
        if (QFileInfo(m_template->itemData(i).toString()).absoluteFilePath() == full) index = i;
    if (index < 0) {
        m_template->addItem(QFileInfo(path).completeBaseName(), full);
        index = m_template->count() - 1;
    }
    m_template->setCurrentIndex(index);
    reloadPages();
    return true;
}

void PrintDialog::showPreview() {
    if (m_preview.isNull()) return;
    // The whole page, as large as the preview area allows.
    const QSize room = m_scroll->viewport()->size() - QSize(16, 16);
    m_previewLabel->setPixmap(QPixmap::fromImage(m_preview).scaled(room, Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

void PrintDialog::resizeEvent(QResizeEvent* event) {
    QDialog::resizeEvent(event);
    showPreview();
}

void PrintDialog::setUseCurrentView(bool on) { m_useView->setChecked(on); }

void PrintDialog::confirmReveal(bool on) {
    if (on && QMessageBox::warning(this, tr("Print personal data"),
                                   tr("The pages will show full names, phone numbers and the kinds of hardship. Print them only "
                                      "for internal use and keep them safe. Continue?"),
                                   QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes) {
        const QSignalBlocker block(m_reveal);
        m_reveal->setChecked(false);
        return;
    }
    reloadPages(); // the page data is masked when it is read
}

std::shared_ptr<PrintDialog::Request> PrintDialog::makeRequest() const {
    auto r = std::make_shared<Request>();
    r->atlas = m_atlasPath.toStdString();
    r->templ = m_template->currentData().toString().toStdString();
    const QString each = m_each->currentData().toString();
    r->eachFromTemplate = each.isEmpty();
    if (!each.isEmpty()) r->each = render::parseLayoutEach(each.toStdString());
    r->page = std::max(0, m_page->currentIndex());
    if (!m_paper->currentData().toString().isEmpty()) r->paper = m_paper->currentData().toString().toStdString();
    if (m_orientation->currentData().toInt() != 0) r->landscape = m_orientation->currentData().toInt() == 2;
    r->reveal = m_reveal->isChecked();
    r->useView = m_useView->isChecked() && !m_currentView.isEmpty();
    r->view = m_currentView;
    return r;
}

void PrintDialog::reloadPages() {
    if (m_template->count() == 0) return;
    auto r = makeRequest();
    r->kind = Request::Kind::Pages;
    m_loadingPages = true;
    startWorker(r);
}

void PrintDialog::schedulePreview() {
    if (m_loadingPages || m_template->count() == 0 || m_page->count() == 0) return;
    auto r = makeRequest();
    r->kind = Request::Kind::Preview;
    startWorker(r);
}

void PrintDialog::chooseExport() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Layout"), QString(),
                                                      tr("PDF (*.pdf);;PNG image (*.png);;SVG drawing (*.svg)"));
    if (!path.isEmpty()) exportTo(path, m_allPages->isChecked());
}

void PrintDialog::exportTo(const QString& path, bool allPages) {
    auto r = makeRequest();
    r->kind = Request::Kind::Export;
    r->out = path.toStdString();
    r->allPages = allPages;
    if (allPages && !path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive) && !path.contains(QStringLiteral("{name}"))) {
        // Several PNG or SVG pages: one file each, named after the page.
        const QFileInfo info(path);
        r->out = (info.dir().filePath(info.completeBaseName() + QStringLiteral("-{name}.") + info.suffix())).toStdString();
    }
    startWorker(r);
}

void PrintDialog::print() {
    auto printer = std::make_shared<QPrinter>(QPrinter::HighResolution);
    QPrintDialog dialog(printer.get(), this);
    dialog.setWindowTitle(tr("Print Layout"));
    if (dialog.exec() != QDialog::Accepted) return;
    auto r = makeRequest();
    r->kind = Request::Kind::Print;
    r->printer = std::move(printer);
    r->allPages = m_allPages->isChecked();
    startWorker(r);
}

void PrintDialog::joinFinished() {
    for (auto it = m_workers.begin(); it != m_workers.end();) {
        if (it->done->load()) {
            it->thread.join();
            it = m_workers.erase(it);
        } else {
            ++it;
        }
    }
}

void PrintDialog::startWorker(std::shared_ptr<Request> request) {
    joinFinished();
    // Previews and page lists give way to newer requests; exports and printing run to the end.
    const bool interactive = request->kind == Request::Kind::Pages || request->kind == Request::Kind::Preview;
    if (m_feedback && interactive) m_feedback->cancel();
    auto feedback = std::make_shared<Feedback>();
    if (interactive) m_feedback = feedback;
    const std::uint64_t generation = ++m_generation;
    ++m_busy;
    m_progress->setVisible(true);
    m_exportButton->setEnabled(false);
    m_printButton->setEnabled(false);
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread worker([this, request, feedback, generation, done] {
        try {
            storage::AtlasProvider provider(request->atlas);
            const render::Layout layout = render::loadLayout(request->templ);
            for (const auto& item : layout.items)
                if (item.map) render::validateMapDocument(*item.map, provider);
            io::AtlasLayoutPagesOptions po;
            po.each = request->eachFromTemplate ? layout.each : request->each;
            po.reveal = request->reveal;
            request->usedEach = po.each;
            const bool output = request->kind == Request::Kind::Export || request->kind == Request::Kind::Print;
            if (request->reveal && output) // every reveal that leaves the screen is logged
                storage::crypto::recordReveal(request->atlas, "gridatlas print dialog", "layout " + request->templ + " (personal data unmasked)");
            io::AtlasLayoutPages pages(provider.atlas(), layout, po, feedback.get());
            render::LayoutOptions o;
            o.pageName = request->paper;
            o.landscape = request->landscape;
            o.reveal = request->reveal;
            o.rasterOpener = storage::openGdalRaster;
            o.allowLayerErrors = request->kind == Request::Kind::Preview;
            auto pageData = [&](std::size_t i) {
                render::LayoutPageData d = pages.page(i);
                d.fields["page"] = std::to_string(i + 1);
                d.fields["pages"] = std::to_string(pages.count());
                if (request->useView) {
                    d.featureExtent = request->view;
                    d.featureGeometry = {};
                }
                return d;
            };
            const std::size_t index = std::min<std::size_t>(static_cast<std::size_t>(request->page), pages.count() ? pages.count() - 1 : 0);
            switch (request->kind) {
            case Request::Kind::Pages:
                for (const auto& n : pages.pageNames()) request->pageNames << q(n);
                [[fallthrough]];
            case Request::Kind::Preview: {
                if (pages.count() == 0) throw InputError("the atlas has nothing to print with this template");
                render::LayoutPage page = render::resolveLayoutPage(layout, o);
                page.dpi = kPreviewWidthPx / (page.sizeMm.width() / 25.4);
                QImage img(page.sizePx(), QImage::Format_ARGB32_Premultiplied);
                const int dpm = static_cast<int>(std::lround(page.dpi / 0.0254));
                img.setDotsPerMeterX(dpm);
                img.setDotsPerMeterY(dpm);
                img.fill(Qt::white);
                {
                    QPainter painter(&img);
                    render::paintLayoutPage(layout, pageData(request->kind == Request::Kind::Pages ? 0 : index), provider, painter, page, o,
                                            feedback.get());
                }
                request->image = std::move(img);
                request->ok = true;
                break;
            }
            case Request::Kind::Export: {
                std::vector<render::LayoutPageData> list;
                if (request->allPages)
                    for (std::size_t i = 0; i < pages.count(); ++i) list.push_back(pageData(i));
                else
                    list.push_back(pageData(index));
                render::LayoutPageList source(std::move(list));
                const auto result = render::writeLayout(layout, source, provider, render::LayoutOutput{request->out}, o, feedback.get());
                request->message = QCoreApplication::translate("gridatlas::app::PrintDialog", "Wrote %1 page(s) to %2")
                                       .arg(result.pages)
                                       .arg(result.files.size() == 1 ? q(result.files.front()) : q(request->out));
                request->ok = true;
                break;
            }
            case Request::Kind::Print: {
                QPrinter& printer = *request->printer;
                render::LayoutPage page = render::resolveLayoutPage(layout, o);
                printer.setFullPage(true);
                printer.setPageSize(QPageSize(page.sizeMm, QPageSize::Millimeter));
                printer.setPageOrientation(QPageLayout::Portrait);
                page.dpi = printer.resolution();
                QPainter painter;
                if (!painter.begin(&printer)) throw RenderError("the printer cannot be started");
                const std::size_t first = request->allPages ? 0 : index, last = request->allPages ? pages.count() : index + 1;
                for (std::size_t i = first; i < last; ++i) {
                    if (i > first) printer.newPage();
                    render::paintLayoutPage(layout, pageData(i), provider, painter, page, o, feedback.get());
                }
                painter.end();
                request->message = QCoreApplication::translate("gridatlas::app::PrintDialog", "Sent %1 page(s) to the printer").arg(last - first);
                request->ok = true;
                break;
            }
            }
        } catch (const CancelledError&) {
            request->message.clear();
        } catch (const std::exception& e) {
            request->message = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, request, generation] {
                --m_busy;
                const bool latest = generation == m_generation;
                if (latest) {
                    m_progress->setVisible(false);
                    m_exportButton->setEnabled(true);
                    m_printButton->setEnabled(true);
                }
                if (!request->ok) {
                    m_error = request->message;
                    if (!request->message.isEmpty()) m_status->setText(request->message);
                    if (request->kind == Request::Kind::Pages) m_loadingPages = false;
                    if (request->kind == Request::Kind::Export || request->kind == Request::Kind::Print)
                        emit exportFinished(false, request->message);
                    return;
                }
                switch (request->kind) {
                case Request::Kind::Pages: {
                    const QSignalBlocker block(m_page);
                    m_page->clear();
                    m_page->addItems(request->pageNames);
                    m_pageCount = static_cast<int>(request->pageNames.size());
                    m_loadingPages = false;
                    [[fallthrough]];
                }
                case Request::Kind::Preview:
                    if (!latest) return;
                    m_error.clear();
                    m_preview = request->image;
                    showPreview();
                    m_status->setText(tr("%n page(s)", nullptr, m_pageCount) + (m_reveal->isChecked() ? tr(" · personal data unmasked") : QString()));
                    emit previewReady();
                    break;
                case Request::Kind::Export:
                case Request::Kind::Print:
                    m_status->setText(request->message);
                    emit exportFinished(true, request->message);
                    break;
                }
            },
            Qt::QueuedConnection);
        done->store(true);
    });
    m_workers.push_back(Worker{std::move(worker), done});
}

} // namespace gridatlas::app
