#include "app/grid_editing.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QUndoCommand>

#include <algorithm>
#include <cmath>
#include <set>

#include "app/map_canvas.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/layer_cache.h"

namespace gridatlas::app {

using model::Vec2;

std::optional<double> GridTotals::deviationPercent() const {
    if (!target || *target <= 0) return std::nullopt;
    return 100.0 * static_cast<double>(households - *target) / static_cast<double>(*target);
}

namespace {

// One edit on the undo stack: the edit already happened when it is pushed; undo applies its
// record, redo applies the record undo returned.
class GridEditCommand : public QUndoCommand {
public:
    GridEditCommand(GridEditSession* session, const QString& text, storage::GridEditUndo record)
        : QUndoCommand(text), m_session(session), m_undo(std::move(record)) {}
    void undo() override { m_redo = m_session->replay(m_undo); }
    void redo() override {
        if (m_first) {
            m_first = false;
            return;
        }
        m_undo = m_session->replay(m_redo);
    }

private:
    GridEditSession* m_session;
    storage::GridEditUndo m_undo;
    storage::GridEditUndo m_redo;
    bool m_first = true;
};

QPointF px(MapCanvas& c, Vec2 p) { return c.toPixel(p); }

void drawSnapMarker(MapCanvas& c, QPainter& p, const storage::SnapResult& s) {
    if (!s.snapped()) return;
    const QPointF at = px(c, s.point);
    p.setPen(QPen(QColor(220, 0, 180), 2));
    p.setBrush(Qt::NoBrush);
    if (s.kind == storage::SnapResult::Kind::Vertex)
        p.drawRect(QRectF(at.x() - 6, at.y() - 6, 12, 12));
    else
        p.drawEllipse(at, 6, 6);
}

} // namespace

// --- GridEditSession ----------------------------------------------------------------------------

GridEditSession::GridEditSession(const std::string& atlasPath, MapCanvas* canvas, QObject* parent)
    : QObject(parent), m_atlas(storage::Atlas::open(atlasPath, storage::OpenMode::ReadWrite)),
      m_editor(std::make_unique<storage::GridEditor>(*m_atlas)), m_canvas(canvas) {}

GridEditSession::~GridEditSession() = default;

std::optional<storage::GridEditResult> GridEditSession::apply(const QString& text,
                                                              const std::function<storage::GridEditResult(storage::GridEditor&)>& edit) {
    try {
        storage::GridEditResult result = edit(*m_editor);
        if (!result.undo.isEmpty()) m_undo.push(new GridEditCommand(this, text, result.undo));
        m_canvas->reloadData();
        emit edited();
        return result;
    } catch (const std::exception& e) {
        emit editFailed(QString::fromUtf8(e.what()));
        return std::nullopt;
    }
}

storage::GridEditUndo GridEditSession::replay(const storage::GridEditUndo& record) {
    try {
        storage::GridEditUndo reverse = m_editor->undo(record);
        m_canvas->reloadData();
        emit edited();
        return reverse;
    } catch (const std::exception& e) {
        emit editFailed(QString::fromUtf8(e.what()));
        return {};
    }
}

void GridEditSession::discard() {
    while (!m_undo.isClean() && m_undo.canUndo()) m_undo.undo();
}

std::shared_ptr<const storage::LayerSnapshot> GridEditSession::layer(const char* name) const {
    auto cache = m_canvas->layerCache();
    if (!cache) return nullptr;
    try {
        return cache->layer(name);
    } catch (const std::exception&) {
        return nullptr;
    }
}

storage::Snapper GridEditSession::snapper() const {
    storage::Snapper s;
    s.setLayers({layer("grids"), layer("buildings"), layer("streets")});
    return s;
}

double GridEditSession::snapTolerance() const { return kSnapPixels * m_canvas->view().metresPerPixel; }

std::int64_t GridEditSession::gridAt(Vec2 p) const {
    auto grids = layer("grids");
    if (!grids) return 0;
    std::vector<std::uint32_t> hits;
    grids->query(model::Rect{p.x, p.y, p.x, p.y}, hits);
    model::Geometry g;
    for (auto i : hits) {
        grids->geometry(i, g);
        if (model::contains(g, p)) return grids->id(i);
    }
    return 0;
}

std::vector<std::int64_t> GridEditSession::buildingsAt(Vec2 p) const {
    std::vector<std::int64_t> out;
    auto buildings = layer("buildings");
    if (!buildings) return out;
    std::vector<std::uint32_t> hits;
    buildings->query(model::Rect{p.x, p.y, p.x, p.y}, hits);
    model::Geometry g;
    for (auto i : hits) {
        buildings->geometry(i, g);
        if (model::contains(g, p)) out.push_back(buildings->id(i));
    }
    return out;
}

model::Geometry GridEditSession::gridPolygon(std::int64_t gridId) const {
    model::Geometry g;
    auto grids = layer("grids");
    if (!grids) return g;
    for (std::size_t i = 0; i < grids->size(); ++i)
        if (grids->id(i) == gridId) {
            grids->geometry(i, g);
            break;
        }
    return g;
}

GridTotals GridEditSession::totals(std::int64_t gridId, const std::vector<std::int64_t>& extraBuildings) const {
    GridTotals t;
    t.gridId = gridId;
    auto grids = layer("grids");
    auto buildings = layer("buildings");
    if (!grids || !buildings) return t;
    const int nameCol = grids->columnIndex("name"), targetCol = grids->columnIndex("target_households");
    for (std::size_t i = 0; i < grids->size(); ++i)
        if (grids->id(i) == gridId) {
            t.name = QString::fromStdString(model::toText(grids->value(i, nameCol)));
            const model::Value v = grids->value(i, targetCol);
            if (!model::isNull(v)) t.target = static_cast<std::int64_t>(model::toNumber(v).value_or(0));
        }
    const std::set<std::int64_t> extra(extraBuildings.begin(), extraBuildings.end());
    const int gridCol = buildings->columnIndex("grid_id"), hhCol = buildings->columnIndex("households"),
              memCol = buildings->columnIndex("members"), vulCol = buildings->columnIndex("vulnerable_households");
    for (std::size_t i = 0; i < buildings->size(); ++i) {
        const model::Value g = buildings->value(i, gridCol);
        const bool inGrid = !model::isNull(g) && static_cast<std::int64_t>(model::toNumber(g).value_or(0)) == gridId;
        if (!inGrid && !extra.count(buildings->id(i))) continue;
        t.households += static_cast<std::int64_t>(model::toNumber(buildings->value(i, hhCol)).value_or(0));
        t.members += static_cast<std::int64_t>(model::toNumber(buildings->value(i, memCol)).value_or(0));
        t.vulnerable += static_cast<std::int64_t>(model::toNumber(buildings->value(i, vulCol)).value_or(0));
    }
    return t;
}

std::string GridEditSession::nextGridCode(std::int64_t fromGrid) const {
    auto grids = layer("grids");
    std::string base = "GRID";
    std::set<std::string> codes;
    if (grids) {
        const int codeCol = grids->columnIndex("code");
        for (std::size_t i = 0; i < grids->size(); ++i) {
            const std::string code = model::toText(grids->value(i, codeCol));
            codes.insert(code);
            if (grids->id(i) == fromGrid) {
                const auto dash = code.rfind('-');
                base = dash == std::string::npos ? code : code.substr(0, dash);
            }
        }
    }
    for (int n = 1; n < 1000; ++n) {
        char suffix[8];
        std::snprintf(suffix, sizeof suffix, "-%02d", n);
        if (!codes.count(base + suffix)) return base + suffix;
    }
    return base + "-new";
}

// --- GridVertexTool -----------------------------------------------------------------------------

std::optional<Vec2> GridVertexTool::vertexNear(MapCanvas& c, QPointF at) const {
    auto snapper = m_session->snapper();
    snapper.setLayers({c.layerCache() ? c.layerCache()->layer("grids") : nullptr});
    const auto s = snapper.snap(c.toMap(at), m_session->snapTolerance());
    if (s.kind != storage::SnapResult::Kind::Vertex) return std::nullopt;
    return s.point;
}

bool GridVertexTool::mousePress(MapCanvas& c, QMouseEvent* e) {
    const auto v = vertexNear(c, e->position());
    if (e->button() == Qt::RightButton && v) {
        m_session->apply(tr("Remove vertex"), [p = *v](storage::GridEditor& ed) { return ed.removeSharedVertex(p); });
        m_hover.reset();
        return true;
    }
    if (e->button() != Qt::LeftButton || !v) return false; // elsewhere a drag pans as usual
    m_dragFrom = v;
    m_target = {};
    return true;
}

bool GridVertexTool::mouseMove(MapCanvas& c, QMouseEvent* e) {
    if (m_dragFrom) {
        auto snapper = m_session->snapper();
        m_target = snapper.snap(c.toMap(e->position()), m_session->snapTolerance());
        // The vertex itself is no target.
        if (m_target.snapped() && std::hypot(m_target.point.x - m_dragFrom->x, m_target.point.y - m_dragFrom->y) < 1e-9)
            m_target = {};
        if (!m_target.snapped()) m_target.point = c.toMap(e->position());
        c.update();
        return true;
    }
    const auto v = vertexNear(c, e->position());
    if (v != m_hover) {
        m_hover = v;
        c.update();
    }
    return false;
}

bool GridVertexTool::mouseRelease(MapCanvas& c, QMouseEvent* e) {
    if (!m_dragFrom || e->button() != Qt::LeftButton) return false;
    const Vec2 from = *m_dragFrom;
    const Vec2 to = m_target.snapped() ? m_target.point : c.toMap(e->position());
    m_dragFrom.reset();
    m_target = {};
    if (std::hypot(to.x - from.x, to.y - from.y) > 1e-9)
        m_session->apply(tr("Move vertex"), [from, to](storage::GridEditor& ed) { return ed.moveSharedVertex(from, to); });
    m_hover.reset();
    c.update();
    return true;
}

bool GridVertexTool::mouseDoubleClick(MapCanvas& c, QMouseEvent* e) {
    // On a grid edge: a new vertex there (in every grid sharing the edge).
    auto snapper = m_session->snapper();
    snapper.setLayers({c.layerCache() ? c.layerCache()->layer("grids") : nullptr});
    const auto s = snapper.snap(c.toMap(e->position()), m_session->snapTolerance());
    if (s.kind != storage::SnapResult::Kind::Edge) return s.kind == storage::SnapResult::Kind::Vertex;
    m_session->apply(tr("Insert vertex"), [p = s.point](storage::GridEditor& ed) { return ed.insertSharedVertex(p); });
    return true;
}

bool GridVertexTool::keyPress(MapCanvas& c, QKeyEvent* e) {
    if ((e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) && m_hover) {
        const Vec2 v = *m_hover;
        m_session->apply(tr("Remove vertex"), [v](storage::GridEditor& ed) { return ed.removeSharedVertex(v); });
        m_hover.reset();
        c.update();
        return true;
    }
    return false;
}

void GridVertexTool::paint(MapCanvas& c, QPainter& p) {
    p.setRenderHint(QPainter::Antialiasing);
    // The vertices of the grids in view, so the user sees what can be dragged.
    if (auto cache = c.layerCache()) {
        std::shared_ptr<const storage::LayerSnapshot> grids;
        try {
            grids = cache->layer("grids");
        } catch (const std::exception&) {
        }
        if (grids) {
            std::vector<std::uint32_t> hits;
            grids->query(c.visibleExtent(), hits);
            model::Geometry g;
            p.setPen(QPen(QColor(20, 60, 160), 1));
            p.setBrush(QColor(255, 255, 255));
            std::size_t drawn = 0;
            for (auto i : hits) {
                grids->geometry(i, g);
                for (const Vec2& v : g.coords) {
                    if (++drawn > 20000) break;
                    const QPointF at = px(c, v);
                    p.drawRect(QRectF(at.x() - 3, at.y() - 3, 6, 6));
                }
            }
        }
    }
    if (m_hover && !m_dragFrom) {
        p.setPen(QPen(QColor(255, 120, 0), 2));
        p.setBrush(QColor(255, 200, 0));
        const QPointF at = px(c, *m_hover);
        p.drawRect(QRectF(at.x() - 5, at.y() - 5, 10, 10));
    }
    if (m_dragFrom) {
        p.setPen(QPen(QColor(255, 120, 0), 2, Qt::DashLine));
        p.drawLine(px(c, *m_dragFrom), px(c, m_target.point));
        drawSnapMarker(c, p, m_target);
    }
}

void GridVertexTool::deactivated(MapCanvas& c) {
    m_hover.reset();
    m_dragFrom.reset();
    c.update();
}

// --- PolylineTool -------------------------------------------------------------------------------

void PolylineTool::addPoint(MapCanvas& c, Vec2 p) {
    auto snapper = m_session->snapper();
    snapper.setExtraVertices(m_points);
    const auto s = snapper.snap(p, m_session->snapTolerance());
    m_points.push_back(s.snapped() ? s.point : p);
    c.update();
}

void PolylineTool::finish(MapCanvas& c) {
    const std::size_t need = m_polygon ? 3 : 2;
    if (m_points.size() < need) return;
    model::Geometry g;
    g.coords = m_points;
    if (m_polygon) {
        g.type = model::GeomType::Polygon;
        g.coords.push_back(m_points.front());
        g.ringEnds = {static_cast<std::uint32_t>(g.coords.size())};
        g.partEnds = {1};
        if (model::area(g) < 0) std::reverse(g.coords.begin(), g.coords.end());
    } else {
        g.type = model::GeomType::LineString;
        g.ringEnds = {static_cast<std::uint32_t>(g.coords.size())};
    }
    m_points.clear();
    m_cursor.reset();
    c.update();
    emit finished(g);
}

bool PolylineTool::mousePress(MapCanvas&, QMouseEvent* e) { return e->button() == Qt::LeftButton; }

bool PolylineTool::mouseRelease(MapCanvas& c, QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return false;
    addPoint(c, c.toMap(e->position()));
    return true;
}

bool PolylineTool::mouseMove(MapCanvas& c, QMouseEvent* e) {
    auto snapper = m_session->snapper();
    snapper.setExtraVertices(m_points);
    m_snap = snapper.snap(c.toMap(e->position()), m_session->snapTolerance());
    m_cursor = m_snap.snapped() ? m_snap.point : c.toMap(e->position());
    c.update();
    return false;
}

bool PolylineTool::mouseDoubleClick(MapCanvas& c, QMouseEvent*) {
    // The double-click's first click already added its corner.
    finish(c);
    return true;
}

bool PolylineTool::keyPress(MapCanvas& c, QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter: finish(c); return true;
    case Qt::Key_Backspace:
        if (!m_points.empty()) m_points.pop_back();
        c.update();
        return true;
    case Qt::Key_Escape:
        m_points.clear();
        c.update();
        return true;
    default: return false;
    }
}

void PolylineTool::paint(MapCanvas& c, QPainter& p) {
    p.setRenderHint(QPainter::Antialiasing);
    if (!m_points.empty()) {
        QPolygonF line;
        for (const Vec2& v : m_points) line << px(c, v);
        if (m_cursor) line << px(c, *m_cursor);
        if (m_polygon && line.size() >= 3) {
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(255, 140, 0, 50));
            p.drawPolygon(line);
        }
        p.setPen(QPen(QColor(255, 120, 0), 2));
        p.setBrush(Qt::NoBrush);
        p.drawPolyline(line);
        p.setBrush(QColor(255, 255, 255));
        for (const Vec2& v : m_points) {
            const QPointF at = px(c, v);
            p.drawRect(QRectF(at.x() - 3, at.y() - 3, 6, 6));
        }
    }
    drawSnapMarker(c, p, m_snap);
}

void PolylineTool::deactivated(MapCanvas& c) {
    m_points.clear();
    m_cursor.reset();
    m_snap = {};
    c.update();
}

// --- GridPickTool -------------------------------------------------------------------------------

bool GridPickTool::mousePress(MapCanvas&, QMouseEvent* e) { return e->button() == Qt::LeftButton; }

bool GridPickTool::mouseRelease(MapCanvas& c, QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return false;
    const std::int64_t id = m_session->gridAt(c.toMap(e->position()));
    if (id) emit picked(id);
    return true;
}

void GridPickTool::paint(MapCanvas& c, QPainter& p) {
    p.setRenderHint(QPainter::Antialiasing);
    for (const std::int64_t id : m_marked) {
        const model::Geometry g = m_session->gridPolygon(id);
        QPainterPath path;
        std::size_t start = 0;
        for (const auto end : g.ringEnds) {
            QPolygonF ring;
            for (std::size_t k = start; k < end; ++k) ring << px(c, g.coords[k]);
            path.addPolygon(ring);
            start = end;
        }
        p.setPen(QPen(QColor(255, 120, 0), 3));
        p.setBrush(QColor(255, 140, 0, 60));
        p.drawPath(path);
    }
}

// --- PaintTool ----------------------------------------------------------------------------------

void PaintTool::setTargetGrid(std::int64_t gridId) {
    m_target = gridId;
    m_stroke.clear();
    emit totalsChanged(m_session->totals(gridId));
}

void PaintTool::addAt(MapCanvas& c, QPointF at) {
    bool added = false;
    for (const std::int64_t b : m_session->buildingsAt(c.toMap(at)))
        if (std::find(m_stroke.begin(), m_stroke.end(), b) == m_stroke.end()) {
            m_stroke.push_back(b);
            added = true;
        }
    if (added) {
        emit totalsChanged(m_session->totals(m_target, m_stroke));
        c.update();
    }
}

bool PaintTool::mousePress(MapCanvas& c, QMouseEvent* e) {
    if (e->button() == Qt::RightButton) {
        // Right-click a grid: it becomes the target.
        if (const std::int64_t g = m_session->gridAt(c.toMap(e->position()))) setTargetGrid(g);
        return true;
    }
    if (e->button() != Qt::LeftButton || !m_target) return false;
    m_painting = true;
    m_stroke.clear();
    addAt(c, e->position());
    return true;
}

bool PaintTool::mouseMove(MapCanvas& c, QMouseEvent* e) {
    if (!m_painting) return false;
    addAt(c, e->position());
    return true;
}

bool PaintTool::mouseRelease(MapCanvas& c, QMouseEvent* e) {
    if (!m_painting || e->button() != Qt::LeftButton) return false;
    m_painting = false;
    const std::vector<std::int64_t> stroke = std::move(m_stroke);
    m_stroke.clear();
    if (!stroke.empty())
        m_session->apply(tr("Paint %n building(s) into a grid", nullptr, static_cast<int>(stroke.size())),
                         [stroke, grid = m_target](storage::GridEditor& ed) { return ed.paintBuildings(stroke, grid); });
    emit totalsChanged(m_session->totals(m_target));
    c.update();
    return true;
}

void PaintTool::paint(MapCanvas& c, QPainter& p) {
    if (m_stroke.empty()) return;
    auto cache = c.layerCache();
    if (!cache) return;
    std::shared_ptr<const storage::LayerSnapshot> buildings;
    try {
        buildings = cache->layer("buildings");
    } catch (const std::exception&) {
        return;
    }
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(255, 120, 0), 2));
    p.setBrush(QColor(255, 140, 0, 110));
    model::Geometry g;
    const std::set<std::int64_t> stroke(m_stroke.begin(), m_stroke.end());
    for (std::size_t i = 0; i < buildings->size(); ++i) {
        if (!stroke.count(buildings->id(i))) continue;
        buildings->geometry(i, g);
        QPolygonF ring;
        const std::size_t end = g.ringEnds.empty() ? g.coords.size() : g.ringEnds.front();
        for (std::size_t k = 0; k < end; ++k) ring << px(c, g.coords[k]);
        p.drawPolygon(ring);
    }
}

void PaintTool::deactivated(MapCanvas& c) {
    m_painting = false;
    m_stroke.clear();
    c.update();
}

} // namespace gridatlas::app
