#pragma once
// Editing grids (网格) on the map: a session over a writable connection to the atlas, an undo
// stack, and the map tools that draw, reshape, split, merge, delete grids and paint buildings
// into a grid. Each edit is one transaction of storage::GridEditor (shared boundaries stay
// exact; buildings follow the grid holding most of their footprint); undo/redo replay its
// records, which refer to rows by id and so also work after the session has been marked saved.
// "Discard" undoes every edit since the last save.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QUndoStack>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "app/map_tool.h"
#include "model/geometry.h"
#include "storage/grid_edit.h"
#include "storage/snapping.h"

namespace gridatlas::storage {
class Atlas;
class LayerSnapshot;
} // namespace gridatlas::storage

namespace gridatlas::app {

class MapCanvas;

/// Live totals of a grid while painting.
struct GridTotals {
    std::int64_t gridId = 0;
    QString name;
    std::int64_t households = 0;
    std::int64_t members = 0;
    std::int64_t vulnerable = 0;
    std::optional<std::int64_t> target;
    /// Deviation from the target in percent (nullopt without a target).
    [[nodiscard]] std::optional<double> deviationPercent() const;
};

class GridEditSession : public QObject {
    Q_OBJECT
public:
    /// Opens `atlasPath` read-write for editing; the canvas shows the result of every edit.
    /// Throws gridatlas::Error when the atlas cannot be opened for writing.
    GridEditSession(const std::string& atlasPath, MapCanvas* canvas, QObject* parent = nullptr);
    ~GridEditSession() override;

    [[nodiscard]] QUndoStack* undoStack() { return &m_undo; }
    [[nodiscard]] MapCanvas* canvas() const { return m_canvas; }
    [[nodiscard]] storage::Atlas& atlas() { return *m_atlas; }

    /// Runs an edit (a call on the GridEditor) as one undoable step named `text`. Errors become
    /// a message (editFailed) and change nothing. Returns the result when it worked.
    std::optional<storage::GridEditResult> apply(const QString& text,
                                                 const std::function<storage::GridEditResult(storage::GridEditor&)>& edit);
    /// Marks the current state as saved (the undo stack's clean state).
    void markSaved() { m_undo.setClean(); }
    /// Undoes every edit since the last save.
    void discard();
    [[nodiscard]] bool hasUnsavedEdits() const { return !m_undo.isClean(); }

    /// The snapper over the cached grids, buildings and streets (the tolerance is the caller's).
    [[nodiscard]] storage::Snapper snapper() const;
    /// Map units per pixel of snapping tolerance.
    [[nodiscard]] double snapTolerance() const;
    static constexpr double kSnapPixels = 10.0;

    /// The grid under a map point (its id, 0 when none).
    [[nodiscard]] std::int64_t gridAt(model::Vec2 p) const;
    /// Buildings whose footprint contains `p`.
    [[nodiscard]] std::vector<std::int64_t> buildingsAt(model::Vec2 p) const;
    /// The polygon of a grid (empty geometry when unknown).
    [[nodiscard]] model::Geometry gridPolygon(std::int64_t gridId) const;
    /// Totals of a grid now, plus `extraBuildings` moved into it (painting preview).
    [[nodiscard]] GridTotals totals(std::int64_t gridId, const std::vector<std::int64_t>& extraBuildings = {}) const;
    /// A code for a new grid next to `fromGrid`'s (its code with the next free two-digit suffix).
    [[nodiscard]] std::string nextGridCode(std::int64_t fromGrid) const;

    /// Undo/redo entry point for the commands (applies a record, returns the reverse record).
    storage::GridEditUndo replay(const storage::GridEditUndo& record);

signals:
    void edited();
    void editFailed(QString message);

private:
    [[nodiscard]] std::shared_ptr<const storage::LayerSnapshot> layer(const char* name) const;
    std::unique_ptr<storage::Atlas> m_atlas;
    std::unique_ptr<storage::GridEditor> m_editor;
    MapCanvas* m_canvas;
    QUndoStack m_undo;
};

/// Drag a grid vertex (moves it in every grid that has it, snapping to other vertices and
/// edges); double-click an edge to insert a vertex; Delete or right-click removes the vertex
/// under the cursor.
class GridVertexTool : public MapTool {
    Q_OBJECT
public:
    explicit GridVertexTool(GridEditSession* session, QObject* parent = nullptr) : MapTool(parent), m_session(session) {}
    bool mousePress(MapCanvas& c, QMouseEvent* e) override;
    bool mouseMove(MapCanvas& c, QMouseEvent* e) override;
    bool mouseRelease(MapCanvas& c, QMouseEvent* e) override;
    bool mouseDoubleClick(MapCanvas& c, QMouseEvent* e) override;
    bool keyPress(MapCanvas& c, QKeyEvent* e) override;
    void paint(MapCanvas& c, QPainter& p) override;
    void deactivated(MapCanvas& c) override;

private:
    [[nodiscard]] std::optional<model::Vec2> vertexNear(MapCanvas& c, QPointF px) const;
    GridEditSession* m_session;
    std::optional<model::Vec2> m_hover;
    std::optional<model::Vec2> m_dragFrom;
    storage::SnapResult m_target;
};

/// Click the corners of a polygon (snapped); double-click or Enter closes it. Backspace drops
/// the last corner, Escape starts over. `finished` receives the closed ring.
class PolylineTool : public MapTool {
    Q_OBJECT
public:
    PolylineTool(GridEditSession* session, bool polygon, QObject* parent = nullptr)
        : MapTool(parent), m_session(session), m_polygon(polygon) {}
    bool mousePress(MapCanvas& c, QMouseEvent* e) override;
    bool mouseMove(MapCanvas& c, QMouseEvent* e) override;
    bool mouseRelease(MapCanvas& c, QMouseEvent* e) override;
    bool mouseDoubleClick(MapCanvas& c, QMouseEvent* e) override;
    bool keyPress(MapCanvas& c, QKeyEvent* e) override;
    void paint(MapCanvas& c, QPainter& p) override;
    void deactivated(MapCanvas& c) override;
    [[nodiscard]] const std::vector<model::Vec2>& points() const { return m_points; }
    /// Adds a corner at a map point (snapped as a click would be).
    void addPoint(MapCanvas& c, model::Vec2 p);
    /// Closes the shape as a double-click would.
    void finish(MapCanvas& c);

signals:
    /// The drawn polygon (closed ring) or line.
    void finished(model::Geometry geometry);

private:
    GridEditSession* m_session;
    bool m_polygon;
    std::vector<model::Vec2> m_points;
    std::optional<model::Vec2> m_cursor;
    storage::SnapResult m_snap;
};

/// Click grids: emits the grid id clicked (merge, delete, choose the paint target).
class GridPickTool : public MapTool {
    Q_OBJECT
public:
    explicit GridPickTool(GridEditSession* session, QObject* parent = nullptr) : MapTool(parent), m_session(session) {}
    bool mousePress(MapCanvas& c, QMouseEvent* e) override;
    bool mouseRelease(MapCanvas& c, QMouseEvent* e) override;
    void paint(MapCanvas& c, QPainter& p) override;
    void setMarked(std::vector<std::int64_t> grids) { m_marked = std::move(grids); }

signals:
    void picked(std::int64_t gridId);

private:
    GridEditSession* m_session;
    std::vector<std::int64_t> m_marked;
};

/// Paint mode: click or drag over buildings to move them into the target grid; the totals of
/// the target grid (households, members, vulnerable, deviation from the target) update live.
class PaintTool : public MapTool {
    Q_OBJECT
public:
    explicit PaintTool(GridEditSession* session, QObject* parent = nullptr) : MapTool(parent), m_session(session) {}
    void setTargetGrid(std::int64_t gridId);
    [[nodiscard]] std::int64_t targetGrid() const { return m_target; }
    bool mousePress(MapCanvas& c, QMouseEvent* e) override;
    bool mouseMove(MapCanvas& c, QMouseEvent* e) override;
    bool mouseRelease(MapCanvas& c, QMouseEvent* e) override;
    void paint(MapCanvas& c, QPainter& p) override;
    void deactivated(MapCanvas& c) override;
    [[nodiscard]] const std::vector<std::int64_t>& stroke() const { return m_stroke; }

signals:
    /// The target grid's totals with the buildings painted so far in this stroke.
    void totalsChanged(GridTotals totals);

private:
    void addAt(MapCanvas& c, QPointF px);
    GridEditSession* m_session;
    std::int64_t m_target = 0;
    bool m_painting = false;
    std::vector<std::int64_t> m_stroke;
};

} // namespace gridatlas::app
