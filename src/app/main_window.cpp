#include "app/main_window.h"
#include "app/reveal.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QInputDialog>
#include <QPainter>
#include <QScrollArea>
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
#include <QPointer>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

#include <set>

#include "app/attribute_table.h"
#include "app/change_watcher.h"
#include "app/floor_plan_view.h"
#include "app/grid_editing.h"
#include "app/grid_panel.h"
#include "app/grid_plans_dock.h"
#include "storage/grid_codes.h"
#include "storage/grid_plans.h"
#include "storage/grid_propose.h"
#include "app/history_panel.h"
#include "app/grid_properties_dialog.h"
#include "app/coverage_dock.h"
#include "app/identify_panel.h"
#include "app/import_wizard.h"
#include "app/roster_wizard.h"
#include "app/map_canvas.h"
#include "app/print_dialog.h"
#include "app/style_dialog.h"
#include "model/support/error.h"
#include "storage/change_feed.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/schema.h"
#include "storage/backup.h"
#include "storage/layer_cache.h"
#include "render/legend.h"
#include "render/map_settings.h"
#include "render/style.h"
#include "storage/atlas.h"
#include "storage/crs.h"
#include "storage/gdal_raster.h"
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
    buildGridEditing();
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

    // A write that waits for another process says so (connections call this on any thread).
    QPointer<MainWindow> self(this);
    storage::setBusyNotifier([self](const std::string&) {
        QMetaObject::invokeMethod(
            self, [self] {
                if (self) self->showMessage(tr("The atlas is busy (another process is writing); waiting..."), false);
            },
            Qt::QueuedConnection);
    });

    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry")) resize(1280, 800);
}

MainWindow::~MainWindow() { storage::setBusyNotifier({}); }

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Atlas..."), this, &MainWindow::chooseAtlas);
    file->addAction(tr("Open &Server Atlas..."), this, &MainWindow::chooseServerAtlas);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Map Document..."), this, &MainWindow::chooseMap);
    QAction* save = file->addAction(tr("&Save Map Document"), this, [this] { saveMap(m_mapPath); });
    save->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save Map Document &As..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Map Document"), m_mapPath, tr("Map documents (*.json)"));
        if (!path.isEmpty()) saveMap(path);
    });
    file->addAction(tr("Add Raster &Basemap..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Add Raster Basemap"), QString(),
                                                          tr("Rasters (*.tif *.tiff *.mbtiles *.jpg *.png *.img *.vrt);;All files (*)"));
        if (!path.isEmpty()) addRasterBasemap(path);
    });
    file->addSeparator();
    // Imports run in their wizards on their own connections; the map reloads when they wrote.
    file->addAction(tr("&Import Layer (Shapefile, GeoJSON, GeoPackage, KML, DXF, OSM, CSV)..."), this, [this] {
        if (!m_atlas) return showMessage(tr("Open an atlas first"), true);
        auto* w = new ImportWizard(QString::fromStdString(m_atlas->path()), this);
        w->setAttribute(Qt::WA_DeleteOnClose);
        connect(w, &ImportWizard::importFinished, this, [this] { m_canvas->reloadData(); });
        w->open();
    });
    file->addAction(tr("Import &Roster (Excel/CSV)..."), this, [this] {
        if (!m_atlas) return showMessage(tr("Open an atlas first"), true);
        auto* w = new RosterWizard(QString::fromStdString(m_atlas->path()), this);
        w->setAttribute(Qt::WA_DeleteOnClose);
        connect(w, &RosterWizard::importFinished, this, [this](bool written) {
            if (written) m_canvas->reloadData();
        });
        w->open();
    });
    file->addSeparator();
    QAction* printLayout = file->addAction(tr("&Print / Export Layout..."), this, [this] { showPrintDialog(); });
    printLayout->setShortcut(QKeySequence::Print);
    file->addSeparator();
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
    add(tr("Zoom to Selection"), QKeySequence(Qt::CTRL | Qt::Key_J), [this] { zoomToFeature(m_canvas->highlight()); });
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
    // Drag to reorder (top of the list draws last); right-click for zoom, opacity and style.
    m_layers->setDragDropMode(QAbstractItemView::InternalMove);
    m_layers->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_layers, &QListWidget::customContextMenuRequested, this, &MainWindow::showLayerMenu);
    connect(m_layers->model(), &QAbstractItemModel::rowsMoved, this, [this] { applyLayerOrderFromPanel(); });

    auto* legendDock = new QDockWidget(tr("Legend"), this);
    legendDock->setObjectName("LegendDock");
    auto* legendScroll = new QScrollArea(legendDock);
    m_legend = new QLabel(legendScroll);
    m_legend->setObjectName("Legend");
    m_legend->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    legendScroll->setWidget(m_legend);
    legendScroll->setWidgetResizable(true);
    legendDock->setWidget(legendScroll);
    addDockWidget(Qt::LeftDockWidgetArea, legendDock);
    connect(m_canvas, &MapCanvas::legendChanged, this, &MainWindow::refreshLegend);

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
            [this](const QString& layer, qint64 id, double x0, double y0, double x1, double y1) {
                m_canvas->setHighlight(model::Rect{x0, y0, x1, y1});
                // The table follows the map: the identified feature is selected there too.
                if (m_table->currentLayer() == layer) m_table->selectFeature(layer, id);
            });

    m_table = new AttributeTableDock(m_canvas, this);
    m_table->setObjectName("AttributeTableDock");
    addDockWidget(Qt::BottomDockWidgetArea, m_table);
    connect(m_table, &AttributeTableDock::selectionBoundsChanged, this, [this](const model::Rect& r) { m_canvas->setHighlight(r); });
    connect(m_table, &AttributeTableDock::zoomRequested, this, [this](const model::Rect& r) { zoomToFeature(r); });
    connect(m_canvas, &MapCanvas::documentChanged, this, [this] { m_table->setDocument(m_canvas->document()); });

    // The floor plan of a building (楼盘表 and drawn floors): double-click the building on the
    // map. Selections follow both ways: a household picked in the plan is highlighted on the map
    // and identified; a household clicked on the map is selected in the plan.
    m_floorPlan = new FloorPlanDock(this);
    m_floorPlan->setObjectName("FloorPlanDock");
    addDockWidget(Qt::RightDockWidgetArea, m_floorPlan);
    tabifyDockWidget(identifyDock, m_floorPlan);
    m_floorPlan->hide();
    identifyDock->raise();
    connect(m_canvas, &MapCanvas::doubleClicked, this, [this](double x, double y, bool* handled) {
        if (openFloorPlanAt(x, y)) *handled = true;
    });
    connect(m_floorPlan, &FloorPlanDock::householdSelected, this, [this](qint64 id) {
        if (!m_atlas) return;
        try {
            if (auto r = storage::describeHousehold(*m_atlas, id)) {
                m_canvas->setHighlight(r->bounds);
                m_identify->setResults({*r});
            }
        } catch (const std::exception& e) {
            showMessage(QString::fromUtf8(e.what()), true);
        }
    });
}

bool MainWindow::openFloorPlanAt(double x, double y) {
    if (!m_atlas) return false;
    try {
        const double tolerance = 3.0 * m_canvas->view().metresPerPixel;
        for (const auto& r : storage::identifyAt(*m_atlas, {x, y}, tolerance)) {
            if (r.layer != "buildings") continue;
            m_canvas->setHighlight(r.bounds);
            return openFloorPlan(r.id);
        }
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
    }
    return false;
}

bool MainWindow::openFloorPlan(qint64 buildingId) {
    if (!m_atlas) return false;
    const bool ok = m_floorPlan->showBuilding(QString::fromStdString(m_atlas->path()), buildingId);
    m_floorPlan->show();
    m_floorPlan->raise();
    if (!ok) showMessage(m_floorPlan->errorText(), true);
    return true;
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
        // A household of the building whose plan is open is selected in the plan too.
        if (m_floorPlan->isVisible())
            for (const auto& r : results)
                if (r.layer == "households") {
                    m_floorPlan->selectHousehold(r.id);
                    break;
                }
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
        // An atlas from an older GridAtlas is migrated once (after a backup) rather than refused.
        if (const auto from = storage::migrateIfOlder(atlasPath.toStdString()))
            showMessage(tr("Atlas upgraded from schema version %1 to %2; the original is kept in %3")
                            .arg(*from)
                            .arg(storage::kSchemaVersion)
                            .arg(QString::fromStdString(storage::backupFolder(atlasPath.toStdString()))),
                        false);
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
        stopGridEditing(false); // edits belong to the atlas they were made in
        m_atlasPath = atlasPath;
        m_mapPath = map;
        m_gridPanel->setAtlas(atlasPath);
        saveViewForAtlas(); // of the atlas shown until now
        m_canvas->setMap(atlasPath.toStdString(), doc, extent, provider.datasetName(), m_srid);
        m_coverage->setAtlas(atlasPath, m_canvas->layerCache()); // reuses the map's households in memory
        m_gridPlans->setAtlas(atlasPath, m_canvas->layerCache(), QFileInfo(map).absolutePath() + "/../styles");
        m_history->setAtlas(atlasPath);
        // A shared atlas on PostGIS tells of others' edits as they commit.
        delete m_changes;
        m_changes = nullptr;
        if (storage::supportsChangeNotices(atlasPath.toStdString())) {
            m_changes = new ChangeWatcher(atlasPath, this);
            connect(m_changes, &ChangeWatcher::changed, this, &MainWindow::onAtlasChanged);
            connect(m_changes, &ChangeWatcher::connectionLost, this, [this](const QString& why) {
                showMessage(tr("Others' changes cannot be followed (retrying): %1").arg(fromStd(storage::redactPasswordsIn(why.toStdString()))),
                            true);
            });
        }
        // Back where the user left this atlas last time.
        const QVariantList last =
            QSettings().value("views/" + QFileInfo(atlasPath).absoluteFilePath().replace('/', '|')).toList();
        if (last.size() == 3 && last[2].toDouble() > 0)
            m_canvas->setView(View{{last[0].toDouble(), last[1].toDouble()}, last[2].toDouble()}, false);
        setWindowTitle(tr("GridAtlas - %1").arg(fromStd(provider.datasetName())));
        refreshLayerPanel();
        addRecent(atlasPath);
        if (!doc->warnings.empty()) {
            QStringList w;
            for (const auto& s : doc->warnings) w << fromStd(s);
            showMessage(w.join("; "), false);
        } else {
            const bool server = storage::isPostgresLocation(atlasPath.toStdString());
            showMessage(tr("Opened %1 (EPSG:%2)")
                            .arg(server ? fromStd(storage::redactLocation(atlasPath.toStdString())) : QFileInfo(atlasPath).fileName())
                            .arg(m_srid),
                        false);
        }
        return true;
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
        if (isVisible()) {
            // Window-modal but not blocking: the caller (a drop, a recent file, a test) goes on.
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open the atlas"),
                                        fromStd(storage::redactPasswordsIn(e.what())),
                                        QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
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

bool MainWindow::saveMap(const QString& path) {
    auto doc = m_canvas->document();
    if (!doc || path.isEmpty()) return false;
    try {
        render::saveMapDocument(*doc, path.toStdString());
        m_mapPath = QFileInfo(path).absoluteFilePath();
        showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), false);
        return true;
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
        return false;
    }
}

bool MainWindow::addRasterBasemap(const QString& path, double opacity) {
    auto doc = m_canvas->document();
    if (!doc) return false;
    try {
        // Opened once here only to report a bad file now rather than on every frame.
        (void)storage::openGdalRaster(path.toStdString());
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
        return false;
    }
    auto copy = std::make_shared<render::MapDocument>(*doc);
    render::LayerSpec layer;
    layer.kind = render::LayerKind::Raster;
    std::string name = "basemap";
    for (int i = 2; copy->findLayer(name); ++i) name = "basemap" + std::to_string(i);
    layer.name = name;
    layer.title = QFileInfo(path).completeBaseName().toStdString();
    layer.file = QFileInfo(path).absoluteFilePath().toStdString();
    layer.filePath = layer.file;
    layer.opacity = opacity;
    layer.legend = false;
    copy->layers.insert(copy->layers.begin(), layer); // drawn first: under the vector layers
    m_canvas->setDocument(copy);
    refreshLayerPanel();
    return true;
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
    const bool visible = item->checkState() == Qt::Checked;
    editLayer(item->data(Qt::UserRole).toString().toStdString(), [visible](render::LayerSpec& l) { l.visible = visible; });
}

void MainWindow::editLayer(const std::string& name, const std::function<void(render::LayerSpec&)>& edit) {
    auto doc = m_canvas->document();
    if (!doc) return;
    // Documents are immutable snapshots shared with render workers: edit a copy.
    auto copy = std::make_shared<render::MapDocument>(*doc);
    for (auto& layer : copy->layers)
        if (layer.name == name) edit(layer);
    m_canvas->setDocument(copy);
}

void MainWindow::applyLayerOrderFromPanel() {
    auto doc = m_canvas->document();
    if (!doc) return;
    auto copy = std::make_shared<render::MapDocument>(*doc);
    copy->layers.clear();
    // The panel lists the top layer first; the document draws in list order bottom-up.
    for (int row = m_layers->count() - 1; row >= 0; --row) {
        const std::string name = m_layers->item(row)->data(Qt::UserRole).toString().toStdString();
        if (const auto* layer = doc->findLayer(name)) copy->layers.push_back(*layer);
    }
    m_canvas->setDocument(copy);
}

void MainWindow::showLayerMenu(const QPoint& pos) {
    QListWidgetItem* item = m_layers->itemAt(pos);
    auto doc = m_canvas->document();
    if (!item || !doc) return;
    const QString name = item->data(Qt::UserRole).toString();
    const render::LayerSpec* layer = doc->findLayer(name.toStdString());
    if (!layer) return;
    QMenu menu(this);
    menu.addAction(tr("Zoom to Layer"), this, [this, name] { zoomToLayer(name); });
    menu.addAction(tr("Opacity..."), this, [this, name, layer] {
        bool ok = false;
        const int percent = QInputDialog::getInt(this, tr("Layer opacity"), tr("Opacity (%):"),
                                                 static_cast<int>(std::lround(layer->opacity * 100)), 0, 100, 10, &ok);
        if (ok) editLayer(name.toStdString(), [percent](render::LayerSpec& l) { l.opacity = percent / 100.0; });
    });
    if (layer->kind == render::LayerKind::Vector) menu.addAction(tr("Style..."), this, [this, name, layer] {
        // Styles of the same geometry kind from the styles folder beside the map document.
        const QDir dir(QFileInfo(m_mapPath).absolutePath() + "/../styles");
        QStringList choices;
        std::vector<std::shared_ptr<const render::Style>> styles;
        for (const QFileInfo& f : dir.entryInfoList({"*.json"}, QDir::Files, QDir::Name)) {
            try {
                auto style = render::loadStyle(f.absoluteFilePath().toStdString());
                if (layer->style && style->geometry != layer->style->geometry) continue;
                choices << f.fileName() + (style->title.empty() ? QString() : "  " + QString::fromStdString(style->title));
                styles.push_back(style);
            } catch (const std::exception& e) {
                showMessage(QString::fromUtf8(e.what()), true);
            }
        }
        if (choices.isEmpty()) return;
        bool ok = false;
        const QString picked = QInputDialog::getItem(this, tr("Layer style"), tr("Style:"), choices, 0, false, &ok);
        if (!ok) return;
        auto style = styles[static_cast<std::size_t>(choices.indexOf(picked))];
        editLayer(name.toStdString(), [style](render::LayerSpec& l) {
            l.style = style;
            l.stylePath = style->origin;
        });
    });
    if (layer->style && layer->kind == render::LayerKind::Vector) {
        menu.addAction(tr("Colours..."), this, [this, name, layer] {
            // "Add all values" offers the values of the renderer's field found in the layer.
            auto values = [cache = m_canvas->layerCache(), source = layer->source,
                           field = layer->style->renderer.field]() -> std::vector<std::string> {
                std::vector<std::string> out;
                if (!cache || field.empty()) return out;
                try {
                    const auto snapshot = cache->layer(source);
                    const int k = snapshot->columnIndex(field);
                    if (k < storage::LayerSnapshot::kIdColumn) return out;
                    std::set<std::string> seen;
                    for (std::size_t i = 0; i < snapshot->size() && seen.size() < 500; ++i) {
                        const model::Value v = snapshot->value(i, k);
                        if (!model::isNull(v)) seen.insert(model::toText(v));
                    }
                    out.assign(seen.begin(), seen.end());
                } catch (const std::exception&) {
                    // no values offered: the layer could not be read (its error shows on the map)
                }
                return out;
            };
            StyleDialog dialog(layer->style, QString::fromStdString(layer->displayTitle()), this, values);
            if (dialog.exec() != QDialog::Accepted) return;
            auto style = dialog.style();
            editLayer(name.toStdString(), [style](render::LayerSpec& l) { l.style = style; });
        });
    }
    menu.addAction(tr("Scale range..."), this, [this, name, layer] {
        bool ok = false;
        // Scale denominators; 0 leaves that end open.
        const int minScale = QInputDialog::getInt(this, tr("Scale range"), tr("Show from 1: (0 = no limit)"),
                                                  static_cast<int>(layer->minScale), 0, 100000000, 1000, &ok);
        if (!ok) return;
        const int maxScale = QInputDialog::getInt(this, tr("Scale range"), tr("Show up to 1: (0 = no limit)"),
                                                  static_cast<int>(layer->maxScale), 0, 100000000, 1000, &ok);
        if (!ok) return;
        editLayer(name.toStdString(), [minScale, maxScale](render::LayerSpec& l) {
            l.minScale = minScale;
            l.maxScale = maxScale;
        });
    });
    menu.exec(m_layers->viewport()->mapToGlobal(pos));
}

void MainWindow::zoomToLayer(const QString& layerName) {
    auto doc = m_canvas->document();
    if (!doc || !m_atlas) return;
    const render::LayerSpec* layer = doc->findLayer(layerName.toStdString());
    if (!layer) return;
    try {
        if (layer->kind == render::LayerKind::Raster) {
            const std::string file = layer->filePath.empty() ? layer->file : layer->filePath;
            m_canvas->zoomToRect(storage::openGdalRaster(file)->extent(m_srid));
            return;
        }
        m_canvas->zoomToRect(m_atlas->openLayer(layer->source)->extent());
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
    }
}

void MainWindow::refreshLegend() {
    const auto& groups = m_canvas->legend();
    if (groups.empty()) {
        m_legend->clear();
        return;
    }
    // The map's own legend, drawn at screen resolution: it matches the map because it is
    // built from the classes the frame on screen drew.
    const double dpr = devicePixelRatioF();
    const double dpi = logicalDpiX() * dpr;
    QImage probe(1, 1, QImage::Format_ARGB32_Premultiplied);
    render::LegendLayout layout(groups, 1e9, dpi, &probe, 1.0);
    const QSizeF size = layout.size();
    QImage image(static_cast<int>(std::ceil(size.width())) + 8, static_cast<int>(std::ceil(size.height())) + 8,
                 QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        layout.draw(painter, QPointF(4, 4));
    }
    image.setDevicePixelRatio(dpr);
    m_legend->setPixmap(QPixmap::fromImage(image));
}

void MainWindow::saveViewForAtlas() {
    if (m_atlasPath.isEmpty() || !m_canvas->hasMap()) return;
    const View v = m_canvas->view();
    QSettings settings;
    settings.setValue("views/" + QFileInfo(m_atlasPath).absoluteFilePath().replace('/', '|'),
                      QVariantList{v.center.x, v.center.y, v.metresPerPixel});
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
    const bool server = storage::isPostgresLocation(path.toStdString());
    // A server location is kept as typed, unless it holds a password (those belong in ~/.pgpass).
    if (server && storage::redactLocation(path.toStdString()) != path.toStdString()) return;
    const QString abs = server ? path : QFileInfo(path).absoluteFilePath();
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

void MainWindow::showMessage(const QString& rawText, bool error) {
    // A server location's password never reaches the screen, whatever path brought it here.
    const QString text = fromStd(storage::redactPasswordsIn(rawText.toStdString()));
    m_lastMessage = text;
    statusBar()->showMessage((error ? tr("Error: ") : QString()) + text, error ? 0 : 8000);
}

void MainWindow::chooseAtlas() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Atlas"), QString(), tr("Atlas (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty()) openAtlas(path);
}

void MainWindow::chooseServerAtlas() {
    bool ok = false;
    const QString last = QSettings().value("ui/lastServerAtlas").toString();
    const QString location = QInputDialog::getText(
        this, tr("Open Server Atlas"),
        tr("PostgreSQL atlas (postgresql://user@host/database or pg:service=NAME; passwords belong in ~/.pgpass):"),
        QLineEdit::Normal, last, &ok);
    if (!ok || location.trimmed().isEmpty()) return;
    if (!storage::isPostgresLocation(location.trimmed().toStdString())) {
        showMessage(tr("'%1' is not a PostgreSQL location (postgresql://..., pg:service=NAME)").arg(location), true);
        return;
    }
    if (openAtlas(location.trimmed())) QSettings().setValue("ui/lastServerAtlas", location.trimmed());
}

void MainWindow::onAtlasChanged(const std::vector<storage::ChangeNotice>& notices) {
    if (notices.empty() || m_atlasPath.isEmpty()) return;
    QStringList tables, actors;
    bool grids = false;
    for (const auto& n : notices) {
        const QString table = n.table.empty() ? tr("(unknown while disconnected)") : fromStd(n.table);
        if (!tables.contains(table)) tables << table;
        if (!n.actor.empty() && !actors.contains(fromStd(n.actor))) actors << fromStd(n.actor);
        grids = grids || n.table.empty() || n.table == "grids" || n.table == "grid_staff" || n.table == "buildings" ||
                n.table == "households" || n.table == "residents";
    }
    // The layer cache holds whole layers, so a change anywhere is shown somewhere: reload. A city
    // read view by view redraws only when a change lies in the view. (Reads happen on the render
    // workers; the GUI thread only schedules.)
    bool inView = !m_canvas->readsByView();
    const model::Rect view = m_canvas->visibleExtent();
    for (const auto& n : notices) inView = inView || !n.bbox || n.bbox->intersects(view);
    if (inView) m_canvas->reloadData();
    if (m_table && m_table->isVisible()) m_table->reload();
    if (grids && m_gridPanel && m_gridPanel->isVisible()) m_gridPanel->refresh();
    if (m_history && m_history->isVisible()) m_history->refresh();
    ++m_remoteRefreshes;
    showMessage(actors.isEmpty() ? tr("The atlas changed (%1): the map was refreshed").arg(tables.join(", "))
                                 : tr("%1 changed %2: the map was refreshed").arg(actors.join(", "), tables.join(", ")),
                false);
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
    saveViewForAtlas();
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

namespace gridatlas::app {

// --- Grid editing -------------------------------------------------------------------------------

void MainWindow::buildGridEditing() {
    m_gridToolbar = addToolBar(tr("Grid Editing"));
    m_gridToolbar->setObjectName("GridEditingToolbar");
    QMenu* edit = menuBar()->addMenu(tr("&Grids"));
    auto* group = new QActionGroup(this);
    group->setExclusionPolicy(QActionGroup::ExclusionPolicy::ExclusiveOptional);
    const std::pair<GridTool, QString> tools[] = {
        {GridTool::Vertex, tr("Edit Vertices")}, {GridTool::Draw, tr("Draw Grid")}, {GridTool::Split, tr("Split Grid")},
        {GridTool::Merge, tr("Merge Grids")},    {GridTool::Delete, tr("Delete Grid")}, {GridTool::Paint, tr("Paint Buildings")},
        {GridTool::Properties, tr("Grid Properties")},
    };
    for (const auto& [tool, text] : tools) {
        QAction* a = edit->addAction(text);
        a->setCheckable(true);
        a->setData(static_cast<int>(tool));
        group->addAction(a);
        m_gridToolbar->addAction(a);
        m_gridActions << a;
        connect(a, &QAction::toggled, this, [this, tool = tool](bool on) {
            if (on) {
                if (!setGridTool(tool)) {
                    const QSignalBlocker block(sender());
                    qobject_cast<QAction*>(sender())->setChecked(false);
                }
            } else if (m_canvas->tool() && m_canvas->tool() == gridToolObject(tool)) {
                m_canvas->setTool(nullptr);
            }
        });
    }
    edit->addSeparator();
    m_gridToolbar->addSeparator();
    QAction* undo = edit->addAction(tr("Undo Grid Edit"), this, [this] {
        if (m_gridEdit && m_gridEdit->undoStack()->canUndo()) m_gridEdit->undoStack()->undo();
    });
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = edit->addAction(tr("Redo Grid Edit"), this, [this] {
        if (m_gridEdit && m_gridEdit->undoStack()->canRedo()) m_gridEdit->undoStack()->redo();
    });
    redo->setShortcut(QKeySequence::Redo);
    m_gridToolbar->addAction(undo);
    m_gridToolbar->addAction(redo);
    QAction* save = edit->addAction(tr("Save Grid Edits"), this, [this] {
        if (!m_gridEdit) return;
        m_gridEdit->markSaved();
        showMessage(tr("Grid edits saved"), false);
    });
    QAction* discard = edit->addAction(tr("Discard Unsaved Grid Edits"), this, [this] {
        if (!m_gridEdit) return;
        if (m_askQuestions && QMessageBox::question(this, tr("Discard"), tr("Undo every grid edit since the last save?")) != QMessageBox::Yes)
            return;
        m_gridEdit->discard();
    });
    m_gridToolbar->addAction(save);
    m_gridToolbar->addAction(discard);
    edit->addAction(tr("Stop Editing"), this, [this] { stopGridEditing(false); });
    edit->addSeparator();
    m_gridPanel = new GridPanel(this);
    m_gridPanel->setObjectName("GridPanel");
    addDockWidget(Qt::BottomDockWidgetArea, m_gridPanel);
    if (m_table) tabifyDockWidget(m_table, m_gridPanel);
    m_gridPanel->hide();
    connect(m_gridPanel, &GridPanel::zoomRequested, this, [this](const model::Rect& r) { zoomToFeature(r); });
    // Coverage analysis (覆盖分析): its results come back as in-memory layers drawn over the map.
    QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
    m_coverage = new CoverageDock(this);
    m_coverage->setObjectName("CoverageDock");
    addDockWidget(Qt::RightDockWidgetArea, m_coverage);
    m_coverage->hide();
    analysis->addAction(m_coverage->toggleViewAction());
    // History (修改记录): the audit log of the atlas, under the Grids menu.
    m_history = new HistoryPanel(this);
    m_history->setObjectName("HistoryPanel");
    addDockWidget(Qt::BottomDockWidgetArea, m_history);
    m_history->hide();
    edit->addAction(m_history->toggleViewAction());
    connect(m_coverage, &CoverageDock::layersReady, this,
            [this](std::shared_ptr<const storage::LayerSnapshot> gaps, std::shared_ptr<const storage::LayerSnapshot> areas,
                   std::shared_ptr<const storage::LayerSnapshot> households, std::shared_ptr<const storage::LayerSnapshot> grids) {
                showAnalysisLayers({{grids, "coverage-grids.json"},
                                    {areas, "coverage-service-areas.json"},
                                    {households, "coverage-households.json"},
                                    {gaps, "coverage-gaps.json"}});
            });
    connect(m_coverage, &CoverageDock::buildingActivated, this, [this](qint64 id) {
        if (!m_atlas) return;
        try {
            if (auto b = storage::describeBuilding(*m_atlas, id, 0.0)) zoomToFeature(b->bounds);
        } catch (const std::exception& e) {
            showMessage(QString::fromUtf8(e.what()), true);
        }
    });
    // Plan versions and proposals (网格方案): saved layouts, compared side by side, restored.
    m_gridPlans = new GridPlansDock(this);
    m_gridPlans->setObjectName("GridPlansDock");
    addDockWidget(Qt::RightDockWidgetArea, m_gridPlans);
    // The whole right column: the compare view needs its height for the two maps.
    if (auto* identify = findChild<QDockWidget*>("IdentifyDock")) tabifyDockWidget(identify, m_gridPlans);
    m_gridPlans->hide();
    m_gridPlans->setWriteGuard([this] {
        if (m_gridEdit && m_gridEdit->hasUnsavedEdits()) {
            showMessage(tr("Save or discard the grid edits first"), true);
            return false;
        }
        stopGridEditing(false); // a restored plan replaces what the edit session holds
        return true;
    });
    connect(m_gridPlans, &GridPlansDock::planLayersReady, this,
            [this](std::shared_ptr<const storage::LayerSnapshot> grids, std::shared_ptr<const storage::LayerSnapshot> moves) {
                showAnalysisLayers({{grids, "plan-grids.json"}, {moves, "plan-moves.json"}});
            });
    connect(m_gridPlans, &GridPlansDock::gridsChanged, this, [this] {
        m_canvas->reloadData();
        if (m_gridPanel->isVisible()) m_gridPanel->refresh();
    });
    connect(m_gridPlans, &GridPlansDock::zoomRequested, this, [this](double x0, double y0, double x1, double y1) {
        zoomToFeature(model::Rect::of(x0, y0, x1, y1));
    });
    connect(m_gridPlans, &GridPlansDock::jobFinished, this, [this](bool ok, const QString& message) {
        if (!ok) showMessage(message, true);
    });
    QAction* plans = m_gridPlans->toggleViewAction();
    plans->setText(tr("Grid Plans and Proposals"));
    edit->addAction(plans);
    edit->addAction(tr("Recode Grids after CJ/T 349-2010..."), this, [this] { recodeGrids(); });
    edit->addAction(tr("Check Grids and Statistics"), this, [this] {
        m_gridPanel->show();
        m_gridPanel->raise();
        m_gridPanel->refresh();
    });
    m_paintTotals = new QLabel(this);
    m_paintTotals->setObjectName("PaintTotals");
    m_gridToolbar->addWidget(m_paintTotals);
    m_gridToolbar->hide();
    edit->addSeparator();
    edit->addAction(m_gridToolbar->toggleViewAction());
}

QString MainWindow::askText(const QString& title, const QString& label, const QString& value) {
    if (!m_askQuestions) return value;
    bool ok = false;
    const QString text = QInputDialog::getText(this, title, label, QLineEdit::Normal, value, &ok);
    return ok ? text.trimmed() : QString();
}

bool MainWindow::startGridEditing() {
    if (m_gridEdit) return true;
    if (!m_atlas) {
        showMessage(tr("Open an atlas first"), true);
        return false;
    }
    try {
        m_gridEdit = new GridEditSession(m_atlas->path(), m_canvas, this);
    } catch (const std::exception& e) {
        showMessage(tr("The atlas cannot be edited: %1").arg(QString::fromUtf8(e.what())), true);
        return false;
    }
    connect(m_gridEdit, &GridEditSession::editFailed, this, [this](const QString& message) { showMessage(message, true); });
    connect(m_gridEdit, &GridEditSession::edited, this, [this] {
        m_mergeKeep = 0;
        if (m_gridPanel->isVisible()) m_gridPanel->refresh(); // the checks follow the edits
        if (m_history->isVisible()) m_history->refresh();
        if (m_mergeTool) m_mergeTool->setMarked({});
        if (m_paintTool && m_paintTool->targetGrid()) showPaintTotals(m_gridEdit->totals(m_paintTool->targetGrid()));
    });
    m_vertexTool = new GridVertexTool(m_gridEdit, m_gridEdit);
    m_drawTool = new PolylineTool(m_gridEdit, true, m_gridEdit);
    m_splitTool = new PolylineTool(m_gridEdit, false, m_gridEdit);
    m_mergeTool = new GridPickTool(m_gridEdit, m_gridEdit);
    m_deleteTool = new GridPickTool(m_gridEdit, m_gridEdit);
    m_paintTool = new PaintTool(m_gridEdit, m_gridEdit);
    m_propertiesTool = new GridPickTool(m_gridEdit, m_gridEdit);
    connect(m_propertiesTool, &GridPickTool::picked, this, &MainWindow::editGridProperties);
    connect(m_drawTool, &PolylineTool::finished, this, [this](const model::Geometry& polygon) {
        const std::int64_t near = m_gridEdit->gridAt(model::interiorPoint(polygon));
        storage::NewGrid grid;
        grid.code = m_gridEdit->nextGridCode(near);
        grid.name = askText(tr("New grid"), tr("Name of the new grid (code %1):").arg(QString::fromStdString(grid.code)),
                            tr("New grid %1").arg(QString::fromStdString(grid.code)))
                        .toStdString();
        if (grid.name.empty()) return;
        if (!near) {
            // Outside every grid: it belongs to the community it lies in (the first grid's when unknown).
            showMessage(tr("Draw new grids over the community's grids: their area is taken from them"), true);
            return;
        }
        m_gridEdit->apply(tr("Draw grid"), [grid, polygon](storage::GridEditor& ed) { return ed.createGrid(grid, polygon); });
    });
    connect(m_splitTool, &PolylineTool::finished, this, [this](const model::Geometry& line) {
        // The grid the line cuts: the one holding the middle of the line.
        const auto& c = line.coords;
        const std::size_t mid = c.size() / 2;
        const model::Vec2 m = c.size() % 2 ? c[mid] : model::Vec2{(c[mid - 1].x + c[mid].x) / 2, (c[mid - 1].y + c[mid].y) / 2};
        const std::int64_t gridId = m_gridEdit->gridAt(m);
        if (!gridId) {
            showMessage(tr("Draw the split line across one grid"), true);
            return;
        }
        storage::NewGrid second;
        second.code = m_gridEdit->nextGridCode(gridId);
        second.name = askText(tr("Split grid"), tr("Name of the new part (code %1):").arg(QString::fromStdString(second.code)),
                              tr("New grid %1").arg(QString::fromStdString(second.code)))
                          .toStdString();
        if (second.name.empty()) return;
        m_gridEdit->apply(tr("Split grid"), [gridId, line, second](storage::GridEditor& ed) { return ed.splitGrid(gridId, line, second); });
    });
    connect(m_mergeTool, &GridPickTool::picked, this, [this](std::int64_t gridId) {
        if (!m_mergeKeep || m_mergeKeep == gridId) {
            m_mergeKeep = gridId;
            m_mergeTool->setMarked({gridId});
            m_canvas->update();
            showMessage(tr("Now click the grid to merge into the marked one"), false);
            return;
        }
        const std::int64_t keep = m_mergeKeep;
        m_gridEdit->apply(tr("Merge grids"), [keep, gridId](storage::GridEditor& ed) { return ed.mergeGrids(keep, {gridId}); });
    });
    connect(m_deleteTool, &GridPickTool::picked, this, [this](std::int64_t gridId) {
        if (m_askQuestions &&
            QMessageBox::question(this, tr("Delete grid"), tr("Delete this grid? Its area and buildings are left without a grid.")) !=
                QMessageBox::Yes)
            return;
        m_gridEdit->apply(tr("Delete grid"), [gridId](storage::GridEditor& ed) { return ed.deleteGrid(gridId); });
    });
    connect(m_paintTool, &PaintTool::totalsChanged, this, &MainWindow::showPaintTotals);
    m_gridToolbar->show();
    return true;
}

void MainWindow::stopGridEditing(bool discard) {
    if (!m_gridEdit) return;
    if (discard) m_gridEdit->discard();
    m_canvas->setTool(nullptr);
    for (QAction* a : m_gridActions) {
        const QSignalBlocker block(a);
        a->setChecked(false);
    }
    m_paintTotals->clear();
    delete m_gridEdit; // owns the tools
    m_gridEdit = nullptr;
    m_vertexTool = nullptr;
    m_drawTool = m_splitTool = nullptr;
    m_mergeTool = m_deleteTool = nullptr;
    m_paintTool = nullptr;
    m_propertiesTool = nullptr;
    m_mergeKeep = 0;
}

MapTool* MainWindow::gridToolObject(GridTool tool) const {
    switch (tool) {
    case GridTool::Vertex: return m_vertexTool;
    case GridTool::Draw: return m_drawTool;
    case GridTool::Split: return m_splitTool;
    case GridTool::Merge: return m_mergeTool;
    case GridTool::Delete: return m_deleteTool;
    case GridTool::Paint: return m_paintTool;
    case GridTool::Properties: return m_propertiesTool;
    case GridTool::None: break;
    }
    return nullptr;
}

bool MainWindow::setGridTool(GridTool tool) {
    if (tool == GridTool::None) {
        m_canvas->setTool(nullptr);
        return true;
    }
    if (!startGridEditing()) return false;
    m_canvas->setTool(gridToolObject(tool));
    for (QAction* a : m_gridActions) {
        const QSignalBlocker block(a);
        a->setChecked(a->data().toInt() == static_cast<int>(tool));
    }
    m_paintTotals->clear();
    if (tool == GridTool::Paint && !m_paintTool->targetGrid()) {
        // Paint into the grid at the centre of the view until another is chosen (right-click).
        const model::Rect v = m_canvas->visibleExtent();
        if (const std::int64_t g = m_gridEdit->gridAt(v.center())) m_paintTool->setTargetGrid(g);
    }
    if (tool == GridTool::Paint && m_paintTool->targetGrid()) showPaintTotals(m_gridEdit->totals(m_paintTool->targetGrid()));
    const char* hints[] = {"",
                           QT_TR_NOOP("Drag a vertex (it moves in every grid that has it); double-click an edge to add one; right-click or Delete removes one"),
                           QT_TR_NOOP("Click the corners of the new grid; double-click or Enter to finish, Backspace drops a corner"),
                           QT_TR_NOOP("Click along a line across a grid; double-click or Enter to split it there"),
                           QT_TR_NOOP("Click the grid to keep, then the grid to merge into it"),
                           QT_TR_NOOP("Click the grid to delete"),
                           QT_TR_NOOP("Click or drag over buildings to move them into the target grid; right-click a grid to make it the target"),
                           QT_TR_NOOP("Click a grid to edit its code, name, target and staff")};
    showMessage(tr(hints[static_cast<int>(tool)]), false);
    return true;
}

void MainWindow::editGridProperties(std::int64_t gridId) {
    if (!m_gridEdit) return;
    storage::GridProperties current;
    try {
        auto& c = m_gridEdit->atlas().connection();
        storage::Statement g(c, "SELECT code, name, target_households, row_version FROM grids WHERE id = ?");
        g.bind(1, gridId);
        if (!g.step()) return;
        current.code = g.columnText(0);
        current.name = g.columnText(1);
        if (!g.isNull(2)) current.targetHouseholds = static_cast<int>(g.columnInt(2));
        current.rowVersion = g.columnInt(3); // someone else's save meanwhile refuses ours, with what they changed
        current.staff = storage::loadGridStaff(c, gridId); // an encrypted atlas: masked phones and their ciphertexts
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
        return;
    }
    GridPropertiesDialog dialog(current, static_cast<int>(m_gridEdit->totals(gridId).households), this);
    const std::string atlasPath = m_gridEdit->atlas().path();
    dialog.setRevealGuard([this, atlasPath, gridId, &dialog](std::vector<storage::GridRowSnapshot::Staff>& staff) {
        if (!authorizeReveal(&dialog, atlasPath, QStringLiteral("grid %1 staff").arg(gridId))) return false;
        try {
            for (auto& s : staff)
                if (s.phoneSealed) {
                    s.phone = storage::crypto::openSealed(atlasPath, *s.phoneSealed);
                    s.phoneSealed.reset(); // edited in clear from here; sealed again when saved
                }
        } catch (const std::exception& e) {
            showMessage(QString::fromUtf8(e.what()), true);
            return false;
        }
        return true;
    });
    const bool ok = propertiesDialogHook ? propertiesDialogHook(dialog) : dialog.exec() == QDialog::Accepted;
    if (!ok) return;
    storage::GridProperties edited = dialog.properties();
    edited.rowVersion = current.rowVersion;
    m_gridEdit->apply(tr("Grid properties"), [gridId, edited](storage::GridEditor& ed) { return ed.setProperties(gridId, edited); });
}

void MainWindow::showPaintTotals(const GridTotals& t) {
    QString text = tr("%1: %2 households").arg(t.name).arg(t.households);
    if (t.target) {
        const double d = t.deviationPercent().value_or(0.0);
        text += tr(" / target %1 (%2%3%)").arg(*t.target).arg(d >= 0 ? "+" : "").arg(d, 0, 'f', 1);
    }
    text += tr(" · members %1 · households in care %2").arg(t.members).arg(t.vulnerable);
    m_paintTotals->setText(text);
}

} // namespace gridatlas::app

namespace gridatlas::app {

void MainWindow::showAnalysisLayers(const std::vector<std::pair<std::shared_ptr<const storage::LayerSnapshot>, QString>>& layers) {
    auto doc = m_canvas->document();
    auto cache = m_canvas->layerCache();
    if (!doc || !cache) return;
    auto copy = std::make_shared<render::MapDocument>(*doc);
    // Area layers (choropleths, service areas) go just above the grid fill so buildings and
    // households stay visible; point and building layers go just below the service posts.
    auto insertAt = [&copy](bool low) {
        if (low) {
            std::size_t at = 0;
            for (std::size_t i = 0; i < copy->layers.size(); ++i) {
                const auto& src = copy->layers[i].source;
                if (src == "grids" || src == "communities" || src == "coverage_grids" || src == "service_areas") at = i + 1;
                if (src == "buildings") break;
            }
            return at;
        }
        for (std::size_t i = 0; i < copy->layers.size(); ++i)
            if (copy->layers[i].source == "service_posts") return i;
        return copy->layers.size();
    };
    const QDir styles(QFileInfo(m_mapPath).absolutePath() + "/../styles");
    for (const auto& [snapshot, styleFile] : layers) {
        if (!snapshot) continue;
        const std::string name = snapshot->name();
        cache->setExtraLayer(name, snapshot);
        copy->layers.erase(std::remove_if(copy->layers.begin(), copy->layers.end(),
                                          [&name](const render::LayerSpec& l) { return l.source == name; }),
                           copy->layers.end());
        render::LayerSpec spec;
        spec.name = name;
        spec.source = name;
        spec.styleName = styleFile.toStdString();
        spec.stylePath = styles.absoluteFilePath(styleFile).toStdString();
        try {
            spec.style = render::loadStyle(spec.stylePath);
        } catch (const std::exception& e) {
            showMessage(QString::fromUtf8(e.what()), true);
            continue;
        }
        const bool low = snapshot->geometryType() == model::GeomType::Polygon && name != "coverage_gaps";
        copy->layers.insert(copy->layers.begin() + static_cast<std::ptrdiff_t>(insertAt(low)), std::move(spec));
    }
    m_canvas->setDocument(copy);
    refreshLayerPanel();
}

PrintDialog* MainWindow::showPrintDialog(const QString& templatePath) {
    if (m_atlasPath.isEmpty()) {
        QMessageBox::information(this, tr("Print / Export Layout"), tr("Open an atlas first."));
        return nullptr;
    }
    auto* dialog = new PrintDialog(m_atlasPath, m_canvas->visibleExtent(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!templatePath.isEmpty() && !dialog->setTemplate(templatePath))
        QMessageBox::warning(this, tr("Print / Export Layout"), tr("%1 is not a layout template").arg(templatePath));
    dialog->show();
    return dialog;
}

} // namespace gridatlas::app

namespace gridatlas::app {

bool MainWindow::recodeGrids(QString community, QString objectCode) {
    if (!m_atlas) {
        showMessage(tr("Open an atlas first"), true);
        return false;
    }
    if (m_gridEdit && m_gridEdit->hasUnsavedEdits()) {
        showMessage(tr("Save or discard the grid edits first"), true);
        return false;
    }
    try {
        if (community.isEmpty()) {
            QStringList names;
            storage::Statement st(m_atlas->connection(), "SELECT name FROM communities ORDER BY name");
            while (st.step()) names << QString::fromStdString(st.columnText(0));
            if (!m_askQuestions || names.isEmpty()) return false;
            bool ok = false;
            community = QInputDialog::getItem(this, tr("Recode Grids"), tr("Community:"), names, 0, false, &ok);
            if (!ok) return false;
        }
        if (objectCode.isEmpty()) {
            if (!m_askQuestions) return false;
            objectCode = askText(tr("Recode Grids"),
                                 tr("Management object code (digits 1-6 of a CJ/T 349-2010 grid code, after CJ/T 348-2010):"),
                                 QSettings().value("grids/cjt349Object", "100000").toString());
            if (objectCode.isEmpty()) return false;
        }
        auto atlas = storage::Atlas::open(m_atlas->path(), storage::OpenMode::ReadWrite);
        const auto recodes = storage::planCjt349Codes(*atlas, community.toStdString(), objectCode.toStdString());
        if (m_askQuestions) {
            QStringList lines;
            for (const auto& r : recodes)
                lines << QStringLiteral("%1: %2 → %3").arg(QString::fromStdString(r.name), QString::fromStdString(r.oldCode),
                                                           QString::fromStdString(r.newCode));
            if (QMessageBox::question(this, tr("Recode Grids"),
                                      tr("Give these grids their CJ/T 349-2010 codes? The layout with the old codes is "
                                         "saved as a plan version first.\n\n%1")
                                          .arg(lines.join('\n'))) != QMessageBox::Yes)
                return false;
        }
        stopGridEditing(false);
        const std::string backupPlan =
            tr("Before recoding %1").arg(QDateTime::currentDateTime().toString("yyyy-MM-dd HH:mm:ss")).toStdString();
        storage::saveCurrentPlan(*atlas, backupPlan, storage::findCommunity(*atlas, community.toStdString()).id);
        storage::applyGridCodes(*atlas, recodes);
        QSettings().setValue("grids/cjt349Object", objectCode);
        m_canvas->reloadData();
        m_gridPlans->refreshPlans();
        showMessage(tr("%n grid(s) recoded after CJ/T 349-2010; the old codes are in plan %1", nullptr,
                       static_cast<int>(recodes.size()))
                        .arg(QString::fromStdString(backupPlan)),
                    false);
        return true;
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()), true);
        return false;
    }
}

} // namespace gridatlas::app
