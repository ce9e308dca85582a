#pragma once
// The viewer's main window: menus, the map canvas, a layer panel and the status bar.
#include <QMainWindow>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/geometry.h"
#include "render/map_document.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QProgressBar;
class QToolBar;

namespace gridatlas::storage {
class Atlas;
struct ChangeNotice;
class LayerSnapshot;
class CoordinateTransform;
} // namespace gridatlas::storage

namespace gridatlas::app {

class AttributeTableDock;
class ChangeWatcher;
class FloorPlanDock;
class GridEditSession;
class GridPanel;
class GridPlansDock;
class CoverageDock;
class HistoryPanel;
class MapTool;
class PaintTool;
class PolylineTool;
class GridPickTool;
class GridVertexTool;
struct GridTotals;
class IdentifyPanel;
class MapCanvas;
class PrintDialog;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    MainWindow(const MainWindow&) = delete;
    MainWindow& operator=(const MainWindow&) = delete;
    MainWindow(MainWindow&&) = delete;
    MainWindow& operator=(MainWindow&&) = delete;
    ~MainWindow() override;

    /// Opens an atlas with a map document (the default map when `mapPath` is empty).
    /// Errors are shown to the user and returned as false.
    bool openAtlas(const QString& atlasPath, const QString& mapPath = {});
    bool openMap(const QString& mapPath);
    /// Writes the shown map document (layers, order, visibility, opacity, styles) to `path`.
    bool saveMap(const QString& path);
    /// Adds an offline raster (GeoTIFF, MBTiles, any GDAL raster) under the vector layers.
    bool addRasterBasemap(const QString& path, double opacity = 0.8);
    [[nodiscard]] MapCanvas* canvas() const { return m_canvas; }
    [[nodiscard]] QString atlasPath() const { return m_atlasPath; }
    /// The message area's current text (errors and warnings land there).
    [[nodiscard]] QString lastMessage() const { return m_lastMessage; }
    [[nodiscard]] IdentifyPanel* identifyPanel() const { return m_identify; }
    [[nodiscard]] AttributeTableDock* attributeTable() const { return m_table; }
    [[nodiscard]] FloorPlanDock* floorPlan() const { return m_floorPlan; }
    /// Opens the floor-plan dock on a building (double-click on the map does it at a point).
    bool openFloorPlan(qint64 buildingId);
    bool openFloorPlanAt(double x, double y);
    /// Grid editing (网格编辑): starts a session on a writable connection (false, with a message,
    /// when the atlas cannot be written); the toolbar's tools then act on the map.
    bool startGridEditing();
    /// Ends the session; unsaved edits stay in the atlas unless `discard`.
    void stopGridEditing(bool discard = false);
    [[nodiscard]] GridEditSession* gridEditSession() const { return m_gridEdit; }
    [[nodiscard]] GridPanel* gridPanel() const { return m_gridPanel; }
    [[nodiscard]] CoverageDock* coverageDock() const { return m_coverage; }
    [[nodiscard]] GridPlansDock* gridPlansDock() const { return m_gridPlans; }
    /// Gives a community's grids CJ/T 349-2010 codes (object code + community code + sequence,
    /// left to right, top to bottom) in one transaction, after saving the old layout as a plan
    /// version. Asks for the community and object code (and confirmation) when they are empty.
    bool recodeGrids(QString community = {}, QString objectCode = {});
    [[nodiscard]] HistoryPanel* historyPanel() const { return m_history; }
    /// File > Print / Export Layout...: opens the print dialog (non-modal) on the current view,
    /// with `templatePath` chosen when given. Null without an open atlas.
    PrintDialog* showPrintDialog(const QString& templatePath = {});
    /// Shows analysis results (coverage gaps, service areas...) as map layers drawn with the given
    /// styles from styles/; a layer of the same name is replaced.
    void showAnalysisLayers(const std::vector<std::pair<std::shared_ptr<const storage::LayerSnapshot>, QString>>& layers);
    enum class GridTool { None, Vertex, Draw, Split, Merge, Delete, Paint, Properties };
    /// Activates a grid-editing tool (starting the session when needed).
    bool setGridTool(GridTool tool);
    /// The tool objects, for tests: the active one is also the canvas's tool.
    [[nodiscard]] MapTool* gridToolObject(GridTool tool) const;
    /// Tests and scripts answer the tools' questions (grid names, confirmations) with defaults.
    void setAskQuestions(bool ask) { m_askQuestions = ask; }
    /// Tests: called with the properties dialog instead of exec() when set (return true = OK).
    std::function<bool(class GridPropertiesDialog&)> propertiesDialogHook;
    /// Identifies what is at map point (x, y) and shows it in the identify panel.
    void identifyAt(double x, double y);
    /// Runs the search box's query; fills the result list and zooms to the first hit.
    /// Returns the number of hits.
    int search(const QString& text);
    [[nodiscard]] QListWidget* searchResults() const { return m_searchResults; }
    /// Zooms to a feature's box with some context around it.
    void zoomToFeature(const model::Rect& bounds);
    /// Zooms to the extent of a layer of the shown document.
    void zoomToLayer(const QString& layerName);
    [[nodiscard]] QListWidget* layerList() const { return m_layers; }
    /// On a PostGIS atlas: the connection told of others' committed edits (null on a file).
    [[nodiscard]] ChangeWatcher* changeWatcher() const { return m_changes; }
    /// How often others' edits refreshed the map so far (tests).
    [[nodiscard]] int remoteRefreshes() const { return m_remoteRefreshes; }
    /// File > Open Server Atlas...: asks for a PostgreSQL location (postgresql://host/db,
    /// pg:service=NAME) and opens it.
    void chooseServerAtlas();

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void buildMenus();
    void buildLayerPanel();
    void buildStatusBar();
    void refreshLayerPanel();
    void refreshLegend();
    void showLayerMenu(const QPoint& pos);
    void applyLayerOrderFromPanel();
    /// Replaces one layer of the shown document (a copy; documents are immutable snapshots).
    void editLayer(const std::string& name, const std::function<void(render::LayerSpec&)>& edit);
    void saveViewForAtlas();
    void onLayerItemChanged(QListWidgetItem* item);
    void onCursorMoved(double x, double y);
    void updateScaleField();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void showMessage(const QString& text, bool error);
    void chooseAtlas();
    /// Others' edits (ChangeWatcher): reload what they touch.
    void onAtlasChanged(const std::vector<storage::ChangeNotice>& notices);
    void chooseMap();
    void setLanguage(const QString& code);
    [[nodiscard]] QString defaultMapPath() const;

    MapCanvas* m_canvas = nullptr;
    IdentifyPanel* m_identify = nullptr;
    AttributeTableDock* m_table = nullptr;
    FloorPlanDock* m_floorPlan = nullptr;
    void buildGridEditing();
    void showPaintTotals(const GridTotals& t);
    QString askText(const QString& title, const QString& label, const QString& value);
    bool m_askQuestions = true;
    GridEditSession* m_gridEdit = nullptr;
    GridPanel* m_gridPanel = nullptr;
    CoverageDock* m_coverage = nullptr;
    GridPlansDock* m_gridPlans = nullptr;
    HistoryPanel* m_history = nullptr;
    QToolBar* m_gridToolbar = nullptr;
    QList<QAction*> m_gridActions;
    QLabel* m_paintTotals = nullptr;
    GridVertexTool* m_vertexTool = nullptr;
    PolylineTool* m_drawTool = nullptr;
    PolylineTool* m_splitTool = nullptr;
    GridPickTool* m_mergeTool = nullptr;
    GridPickTool* m_deleteTool = nullptr;
    PaintTool* m_paintTool = nullptr;
    GridPickTool* m_propertiesTool = nullptr;
    void editGridProperties(std::int64_t gridId);
    std::int64_t m_mergeKeep = 0;
    std::unique_ptr<storage::Atlas> m_atlas; ///< GUI-thread connection for identify (read-only)
    ChangeWatcher* m_changes = nullptr;
    int m_remoteRefreshes = 0;
    QListWidget* m_layers = nullptr;
    QLabel* m_legend = nullptr;
    QLineEdit* m_searchBox = nullptr;
    QListWidget* m_searchResults = nullptr;
    QLabel* m_coords = nullptr;
    QLineEdit* m_scale = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_renderTime = nullptr;
    QMenu* m_recentMenu = nullptr;
    QString m_atlasPath;
    QString m_mapPath;
    QString m_lastMessage;
    int m_srid = 0;
    std::unique_ptr<storage::CoordinateTransform> m_toLonLat;
    bool m_updatingLayers = false;
};

} // namespace gridatlas::app
