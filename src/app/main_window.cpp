#include "app/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

#include "app/identify_panel.h"
#include "app/map_canvas.h"
#include "model/support/error.h"
#include "render/map_settings.h"
#include "storage/atlas.h"
#include "storage/crs.h"
#include "storage/identify.h"
#include "storage/search.h"
#include "model/masking.h"

namespace gridatlas::app {

namespace {
constexpr int kMaxRecent = 8;
QString fromStd(const std::string& s) { return QString::fromStdString(s); }
} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("GridAtlas"));
    setObjectName("MainWindow");
    setAcceptDrops(true);
    m_canvas = new MapCanvas(this);
    m_canvas->setObjectName("MapCanvas");
    setCentralWidget(m_canvas);
    buildMenus();
    buildLayerPanel();
    buildStatusBar();
    connect(m_canvas, &MapCanvas::cursorMoved, this, &MainWindow::onCursorMoved);
    connect(m_canvas, &MapCanvas::clicked, this, &MainWindow::identifyAt);
    connect(m_canvas, &MapCanvas::viewChanged, this, &MainWindow::updateScaleField);
    connect(m_canvas, &MapCanvas::renderStarted, this, [this] { m_progress->setVisible(true); });
    connect(m_canvas, &MapCanvas::renderFinished, this, [this](int ms, const QStringList& errors) {
        m_progress->setVisible(m_canvas->isRendering());
        m_renderTime->setText(tr("%1 ms").arg(ms));
        if (!errors.isEmpty()) showMessage(errors.join("; "), true);
    });
    connect(m_canvas, &MapCanvas::renderCancelled, this, [this] { m_progress->setVisible(m_canvas->isRendering()); });

    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry")) resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Atlas..."), this, &MainWindow::chooseAtlas);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Map Document..."), this, &MainWindow::chooseMap);
    m_recentMenu = file->addMenu(tr("Recent Atlases"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QToolBar* tools = addToolBar(tr("Navigation"));
    tools->setObjectName("NavigationToolbar");
    auto add = [&](const QString& text, const QKeySequence& key, auto slot) {
        QAction* a = view->addAction(text, this, slot);
        if (!key.isEmpty()) a->setShortcut(key);
        tools->addAction(a);
        return a;
    };
    add(tr("Zoom to Full Extent"), QKeySequence(Qt::CTRL | Qt::Key_0), [this] { m_canvas->zoomFull(); });
    add(tr("Zoom In"), QKeySequence::ZoomIn, [this] { m_canvas->zoomIn(); });
    add(tr("Zoom Out"), QKeySequence::ZoomOut, [this] { m_canvas->zoomOut(); });
    add(tr("Previous View"), QKeySequence(Qt::ALT | Qt::Key_Left), [this] { m_canvas->previousView(); });
    add(tr("Next View"), QKeySequence(Qt::ALT | Qt::Key_Right), [this] { m_canvas->nextView(); });

    tools->addSeparator();
    m_searchBox = new QLineEdit(this);
    m_searchBox->setObjectName("SearchBox");
    m_searchBox->setPlaceholderText(tr("Search: building (3栋), address, name, post, grid code"));
    m_searchBox->setClearButtonEnabled(true);
    m_searchBox->setMinimumWidth(320);
    tools->addWidget(m_searchBox);
    connect(m_searchBox, &QLineEdit::returnPressed, this, [this] { search(m_searchBox->text()); });
    QAction* find = view->addAction(tr("Search"), this, [this] { m_searchBox->setFocus(); m_searchBox->selectAll(); });
    find->setShortcut(QKeySequence::Find);

    QMenu* lang = menuBar()->addMenu(tr("&Language"));
    auto* group = new QActionGroup(this);
    const QString current = QSettings().value("ui/language", "zh_CN").toString();
    for (const auto& [code, name] : {std::pair{QString("zh_CN"), QString::fromUtf8("中文")}, std::pair{QString("en"), QString("English")}}) {
        QAction* a = lang->addAction(name, this, [this, c = code] { setLanguage(c); });
        a->setCheckable(true);
        a->setChecked(code == current);
        group->addAction(a);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About GridAtlas"), this, [this] {
        QMessageBox::about(this, tr("About GridAtlas"),
                           tr("GridAtlas %1: buildings, households, members, grids and service posts of a community, "
                              "on one map.")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::buildLayerPanel() {
    auto* dock = new QDockWidget(tr("Layers"), this);
    dock->setObjectName("LayersDock");
    m_layers = new QListWidget(dock);
    m_layers->setObjectName("LayerList");
    dock->setWidget(m_layers);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    connect(m_layers, &QListWidget::itemChanged, this, &MainWindow::onLayerItemChanged);

    auto* searchDock = new QDockWidget(tr("Search results"), this);
    searchDock->setObjectName("SearchDock");
    m_searchResults = new QListWidget(searchDock);
    m_searchResults->setObjectName("SearchResults");
    searchDock->setWidget(m_searchResults);
    addDockWidget(Qt::LeftDockWidgetArea, searchDock);
    connect(m_searchResults, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const QRectF r = item->data(Qt::UserRole + 1).toRectF();
        zoomToFeature(model::Rect{r.left(), r.top(), r.right(), r.bottom()});
    });
    connect(m_searchResults, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!item) return;
        const QRectF r = item->data(Qt::UserRole + 1).toRectF();
        m_canvas->setHighlight(model::Rect{r.left(), r.top(), r.right(), r.bottom()});
    });

    auto* identifyDock = new QDockWidget(tr("Identify"), this);
    identifyDock->setObjectName("IdentifyDock");
    m_identify = new IdentifyPanel(identifyDock);
    identifyDock->setWidget(m_identify);
    addDockWidget(Qt::RightDockWidgetArea, identifyDock);
    connect(m_identify, &IdentifyPanel::featureSelected, this,
            [this](const QString&, qint64, double x0, double y0, double x1, double y1) {
                m_canvas->setHighlight(model::Rect{x0, y0, x1, y1});
            });
}

int MainWindow::search(const QString& text) {
    m_searchResults->clear();
    if (!m_atlas) return 0;
    try {
        const auto hits = storage::search(*m_atlas, text.toStdString());
        for (const auto& h : hits) {
            // Names of people are masked in the list like everywhere else.
            const std::string title = h.titleIsPersonName ? model::maskName(h.title) : h.title;
            auto* item = new QListWidgetItem(QString::fromStdString(title + "  " + h.detail), m_searchResults);
            item->setData(Qt::UserRole, QString::fromStdString(h.layer));
            item->setData(Qt::UserRole + 1, QRectF(QPointF(h.bounds.xmin, h.bounds.ymin), QPointF(h.bounds.xmax, h.bounds.ymax)));
        }
        if (hits.empty()) {
            showMessage(tr("Nothing found for \"%1\"").arg(text), false);
        } else {
            m_searchResults->setCurrentRow(0);
            zoomToFeature(hits.front().bounds);
        }
        return static_cast<int>(hits.size());
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
        return 0;
    }
}

void MainWindow::zoomToFeature(const model::Rect& bounds) {
    if (bounds.isEmpty()) return;
    // At least 150 m across, so a point or a single building shows its surroundings.
    const double side = std::max({bounds.width(), bounds.height(), 150.0}) * 1.5;
    const model::Vec2 c = bounds.center();
    m_canvas->zoomToRect(model::Rect{c.x - side / 2, c.y - side / 2, c.x + side / 2, c.y + side / 2});
    m_canvas->setHighlight(bounds);
}

void MainWindow::identifyAt(double x, double y) {
    if (!m_atlas) return;
    try {
        // Five pixels of slack around the click, in metres.
        const double tolerance = 5.0 * m_canvas->view().metresPerPixel;
        auto results = storage::identifyAt(*m_atlas, {x, y}, tolerance);
        if (results.empty()) m_canvas->setHighlight({});
        m_identify->setResults(std::move(results));
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
    }
}

void MainWindow::buildStatusBar() {
    m_coords = new QLabel(this);
    m_coords->setMinimumWidth(420);
    m_scale = new QLineEdit(this);
    m_scale->setObjectName("ScaleField");
    m_scale->setFixedWidth(120);
    m_scale->setToolTip(tr("Map scale: type a number and press Enter"));
    connect(m_scale, &QLineEdit::returnPressed, this, [this] {
        QString t = m_scale->text().trimmed();
        if (t.startsWith("1:")) t = t.mid(2);
        bool ok = false;
        const double n = t.remove(',').toDouble(&ok);
        if (ok && n > 0) m_canvas->setScaleDenominator(n);
        else updateScaleField();
    });
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy indicator while a frame renders
    m_progress->setFixedWidth(80);
    m_progress->setVisible(false);
    m_renderTime = new QLabel(this);
    statusBar()->addPermanentWidget(m_coords);
    statusBar()->addPermanentWidget(new QLabel(tr("Scale"), this));
    statusBar()->addPermanentWidget(m_scale);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_renderTime);
}

QString MainWindow::defaultMapPath() const {
    // maps/ beside the executable's source tree (build/bin/../../maps) or the working folder.
    const QString appDir = QCoreApplication::applicationDirPath();
    for (const QString& candidate : {appDir + "/../../maps/member-residence.json", appDir + "/../share/gridatlas/maps/member-residence.json",
                                     QDir::currentPath() + "/maps/member-residence.json"}) {
        if (QFileInfo::exists(candidate)) return QFileInfo(candidate).canonicalFilePath();
    }
    return {};
}

bool MainWindow::openAtlas(const QString& atlasPath, const QString& mapPath) {
    try {
        // Opened on the GUI thread only to check it and read its CRS; rendering uses its own connections.
        storage::AtlasProvider provider(atlasPath.toStdString());
        const QString map = mapPath.isEmpty() ? (m_mapPath.isEmpty() ? defaultMapPath() : m_mapPath) : mapPath;
        if (map.isEmpty()) throw InputError("no map document found (maps/member-residence.json)");
        render::MapLoadOptions options;
        options.fallbackForMissingStyles = true; // the viewer falls back and warns
        auto doc = std::make_shared<render::MapDocument>(render::loadMapDocument(map.toStdString(), options));
        render::validateMapDocument(*doc, provider);
        const model::Rect extent = render::resolveExtent(*doc, provider);
        m_srid = provider.srid();
        m_atlas = storage::Atlas::open(atlasPath.toStdString(), storage::OpenMode::ReadOnly);
        m_toLonLat = std::make_unique<storage::CoordinateTransform>("EPSG:" + std::to_string(m_srid), "EPSG:4490");
        m_atlasPath = atlasPath;
        m_mapPath = map;
        m_canvas->setMap(atlasPath.toStdString(), doc, extent, provider.datasetName(), m_srid);
        setWindowTitle(tr("GridAtlas - %1").arg(fromStd(provider.datasetName())));
        refreshLayerPanel();
        addRecent(atlasPath);
        if (!doc->warnings.empty()) {
            QStringList w;
            for (const auto& s : doc->warnings) w << fromStd(s);
            showMessage(w.join("; "), false);
        } else {
            showMessage(tr("Opened %1 (EPSG:%2)").arg(QFileInfo(atlasPath).fileName()).arg(m_srid), false);
        }
        return true;
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
        if (isVisible()) QMessageBox::warning(this, tr("Cannot open the atlas"), QString::fromUtf8(e.what()));
        return false;
    }
}

bool MainWindow::openMap(const QString& mapPath) {
    if (m_atlasPath.isEmpty()) {
        m_mapPath = mapPath;
        return true;
    }
    return openAtlas(m_atlasPath, mapPath);
}

void MainWindow::refreshLayerPanel() {
    m_updatingLayers = true;
    m_layers->clear();
    if (auto doc = m_canvas->document()) {
        // Top of the list draws last, as in every GIS.
        for (auto it = doc->layers.rbegin(); it != doc->layers.rend(); ++it) {
            auto* item = new QListWidgetItem(fromStd(it->displayTitle()), m_layers);
            item->setData(Qt::UserRole, fromStd(it->name));
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(it->visible ? Qt::Checked : Qt::Unchecked);
        }
    }
    m_updatingLayers = false;
}

void MainWindow::onLayerItemChanged(QListWidgetItem* item) {
    if (m_updatingLayers) return;
    auto doc = m_canvas->document();
    if (!doc) return;
    // Documents are immutable snapshots: toggle on a copy.
    auto copy = std::make_shared<render::MapDocument>(*doc);
    const std::string name = item->data(Qt::UserRole).toString().toStdString();
    for (auto& layer : copy->layers)
        if (layer.name == name) layer.visible = item->checkState() == Qt::Checked;
    m_canvas->setDocument(copy);
}

void MainWindow::onCursorMoved(double x, double y) {
    QString text = QString("EPSG:%1  %2, %3").arg(m_srid).arg(x, 0, 'f', 2).arg(y, 0, 'f', 2);
    if (m_toLonLat) {
        try {
            const model::Vec2 ll = m_toLonLat->apply({x, y});
            text += QString::fromUtf8("   CGCS2000 %1°E %2°N").arg(ll.x, 0, 'f', 6).arg(ll.y, 0, 'f', 6);
        } catch (const Error&) {
            // Outside the zone's domain: show projected coordinates only.
        }
    }
    m_coords->setText(text);
}

void MainWindow::updateScaleField() {
    if (!m_scale->hasFocus()) m_scale->setText(QString("1:%1").arg(std::llround(m_canvas->scaleDenominator())));
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("recent/atlases").toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue("recent/atlases", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = QSettings().value("recent/atlases").toStringList();
    for (const QString& path : recent) m_recentMenu->addAction(path, this, [this, path] { openAtlas(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::showMessage(const QString& text, bool error) {
    m_lastMessage = text;
    statusBar()->showMessage((error ? tr("Error: ") : QString()) + text, error ? 0 : 8000);
}

void MainWindow::chooseAtlas() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Atlas"), QString(), tr("Atlas (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty()) openAtlas(path);
}

void MainWindow::chooseMap() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Map Document"), QFileInfo(m_mapPath).absolutePath(),
                                                      tr("Map documents (*.json)"));
    if (!path.isEmpty()) openMap(path);
}

void MainWindow::setLanguage(const QString& code) {
    QSettings().setValue("ui/language", code);
    QMessageBox::information(this, tr("Language"), tr("The language changes when GridAtlas starts next time."));
}

void MainWindow::closeEvent(QCloseEvent* e) {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    for (const QUrl& url : e->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (path.endsWith(".json")) openMap(path);
        else if (!path.isEmpty()) openAtlas(path);
    }
}

} // namespace gridatlas::app
