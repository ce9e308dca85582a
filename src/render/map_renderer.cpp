#include "render/map_renderer.h"

#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <unordered_map>

#include "model/masking.h"
#include "model/support/error.h"
#include "render/feature_filter.h"
#include "render/fonts.h"
#include "render/painter_state.h"
#include "render/symbols.h"
#include "render/text_face.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

constexpr unsigned kCancelPollMask = 255; // poll the feedback every 256 features

/// A label waiting for placement: its text and how to draw it.
struct PendingLabel {
    QStringList lines;
    const LabelStyle* style = nullptr;
    std::shared_ptr<const TextFace> face;
    double padding = 0.0;
    std::vector<double> lineWidths;
};

/// Measures and draws label text for one label style on one device.
struct LabelFace {
    std::shared_ptr<const TextFace> text;
    double padding = 0.0;
    /// Widths already measured: street names, building numbers and badges repeat across a
    /// frame, and shaping CJK text costs far more than a lookup.
    std::unordered_map<QString, double> widths;

    double advance(const QString& line) {
        auto it = widths.find(line);
        if (it == widths.end()) it = widths.emplace(line, text->advance(line)).first;
        return it->second;
    }
};

/// Appends the device-pixel points of coords[b, e) to `out`, dropping vertices that move less
/// than a quarter pixel (they cannot show, and large layers at small scales have many).
void toPixels(const model::Geometry& g, std::uint32_t b, std::uint32_t e, const MapToPixel& xf, std::vector<QPointF>& out) {
    out.clear();
    for (std::uint32_t i = b; i < e; ++i) {
        const QPointF p = xf(g.coords[i]);
        if (!out.empty() && i + 1 < e && std::fabs(p.x() - out.back().x()) < 0.25 && std::fabs(p.y() - out.back().y()) < 0.25) continue;
        out.push_back(p);
    }
}

double polylineLength(const std::vector<QPointF>& pts) {
    double len = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) len += std::hypot(pts[i].x() - pts[i - 1].x(), pts[i].y() - pts[i - 1].y());
    return len;
}

/// The point at distance `at` along the polyline and the direction (degrees) there.
std::pair<QPointF, double> pointAlong(const std::vector<QPointF>& pts, double at) {
    for (std::size_t i = 1; i < pts.size(); ++i) {
        const QPointF d = pts[i] - pts[i - 1];
        const double seg = std::hypot(d.x(), d.y());
        if (seg > 0 && (at <= seg || i + 1 == pts.size())) {
            const double t = std::clamp(at / seg, 0.0, 1.0);
            return {pts[i - 1] + d * t, std::atan2(d.y(), d.x()) * 180.0 / M_PI};
        }
        at -= seg;
    }
    return {pts.empty() ? QPointF() : pts.front(), 0.0};
}

bool isEmptyValue(const model::Value& v) {
    if (model::isNull(v)) return true;
    if (const auto* s = std::get_if<std::string>(&v)) return s->empty();
    if (auto n = model::toNumber(v)) return *n == 0.0;
    return false;
}

class LayerRenderer {
public:
    LayerRenderer(const MapSettings& s, const MapLayer& layer, QPainter& painter, LabelEngine& labels,
                  std::vector<PendingLabel>& pending, Feedback* feedback, bool raster)
        : m_s(s), m_layer(layer), m_painter(painter), m_labels(labels), m_pending(pending), m_feedback(feedback),
          m_raster(raster), m_xf(s) {}

    void render(model::SourceProvider& provider, LayerStats& stats) {
        // Out of the style's scale range: done before the source is opened, so a layer the
        // view does not show (households at a district's extent) is never loaded.
        if (m_layer.style && !inScaleRange(m_scale, m_layer.style->minScale, m_layer.style->maxScale)) {
            stats.inScale = false;
            return;
        }
        auto source = provider.open(m_layer.source);
        const auto kind = geometryKindOf(source->geometryType());
        if (!kind) throw RenderError("source '" + m_layer.source + "' has no geometry to draw");
        const std::shared_ptr<const Style> style = m_layer.style ? m_layer.style : fallbackStyle(*kind);
        if (style->geometry != *kind)
            throw RenderError("style '" + style->origin + "' draws " + geometryKindName(style->geometry) + "s but source '" +
                              m_layer.source + "' holds " + geometryKindName(*kind) + "s");
        if (!inScaleRange(m_scale, style->minScale, style->maxScale)) {
            stats.inScale = false;
            return;
        }
        const ClassMatcher matcher(style->renderer);
        stats.slotCounts.assign(static_cast<std::size_t>(matcher.slotCount()), 0);
        const FeatureFilter filter(m_layer.filter);
        if (const AggregateStyle* agg = style->aggregateAt(m_scale)) {
            stats.aggregate = static_cast<std::size_t>(agg - style->aggregates.data());
            renderAggregate(*source, *agg, filter, stats);
            return;
        }
        if (style->renderer.type == RendererType::Heatmap) {
            renderHeatmap(*source, style->renderer.heatmap, filter, stats);
            return;
        }

        // The request: renderer field, label fields, filter fields; each read once.
        model::FeatureRequest req;
        auto indexOf = [&](const std::string& f) {
            auto it = std::find(req.fields.begin(), req.fields.end(), f);
            if (it != req.fields.end()) return static_cast<std::size_t>(it - req.fields.begin());
            req.fields.push_back(f);
            return req.fields.size() - 1;
        };
        const bool classified = style->renderer.type != RendererType::Single;
        const std::size_t classField = classified ? indexOf(style->renderer.field) : 0;
        std::vector<const LabelStyle*> activeLabels;
        if (m_s.labels)
            for (const auto& l : style->labels)
                if (inScaleRange(m_scale, l.minScale, l.maxScale)) activeLabels.push_back(&l);
        std::vector<std::vector<std::size_t>> labelFieldIdx;
        for (const auto* l : activeLabels) {
            std::vector<std::size_t> idx;
            for (const auto& part : l->text.parts) idx.push_back(part.field.empty() ? 0 : indexOf(part.field));
            labelFieldIdx.push_back(std::move(idx));
        }
        // Filter fields go last and contiguous, as FeatureFilter expects.
        const std::size_t filterOffset = req.fields.size();
        for (const auto& f : filter.fields()) req.fields.push_back(f);

        const auto sourceFields = source->fields();
        std::vector<model::Sensitivity> sensitivity(req.fields.size(), model::Sensitivity::None);
        // The source marks personal fields (grid staff names, ...); a grid's or a post's "name"
        // is not personal, so the field's own flag decides, and its name only picks the mask.
        for (std::size_t i = 0; i < req.fields.size(); ++i)
            for (const auto& f : sourceFields)
                if (f.name == req.fields[i] && f.sensitive) {
                    const auto k = model::sensitivityOfField(f.name);
                    sensitivity[i] = k == model::Sensitivity::None ? model::Sensitivity::Name : k;
                }

        // Only what is in view, plus a margin so symbols and labels at the edges still show.
        const double marginPx = mmToPx(15.0, m_s.dpi);
        req.bbox = m_s.visibleExtent().buffered(marginPx * m_s.metresPerPixel());
        req.withGeometry = true;

        // Per-slot drawing state, built once.
        const int slotTotal = matcher.slotCount();
        std::vector<QPen> pens, casings;
        std::vector<QBrush> brushes;
        std::vector<QPainterPath> markers;
        std::vector<MarkerSprite> sprites(static_cast<std::size_t>(slotTotal));
        std::vector<QRectF> markerBoxes;
        bool anyCasing = false;
        for (int i = 0; i < slotTotal; ++i) {
            const Symbol& sym = matcher.symbol(i);
            pens.push_back(strokePen(sym, m_s.dpi, *kind == GeometryKind::Line));
            casings.push_back(casingPen(sym, m_s.dpi));
            anyCasing = anyCasing || casings.back().style() != Qt::NoPen;
            brushes.push_back(*kind == GeometryKind::Line ? QBrush(Qt::NoBrush) : fillBrush(sym));
            markers.push_back(markerPath(sym.marker, mmToPx(sym.sizeMm, m_s.dpi)));
            markerBoxes.push_back(markerBounds(sym, m_s.dpi));
        }

        // Label faces: one font and metrics per active label.
        std::vector<LabelFace> faces;
        for (const auto* l : activeLabels) faces.push_back(labelFace(*l));

        m_painter.setOpacity(m_layer.opacity);
        auto cursor = source->features(req);
        model::Feature feature;
        std::vector<QPointF> pts;
        // Lines are drawn once the layer is read (cased lines after every casing): their points
        // in one buffer, and per line its slot and where its points end.
        std::vector<QPointF> linePoints;
        std::vector<std::pair<int, std::size_t>> lineEnds;
        int currentSlot = -1;
        unsigned n = 0;
        while (cursor->next(feature)) {
            if ((++n & kCancelPollMask) == 0 && m_feedback) m_feedback->throwIfCancelled();
            if (!filter.isEmpty() && !filter.accepts(feature.values, filterOffset)) continue;
            const int slot = classified ? matcher.classify(feature.values[classField]) : 0;
            if (slot < 0 || feature.geometry.isEmpty()) continue;
            ++stats.slotCounts[static_cast<std::size_t>(slot)];
            ++stats.drawn;
            const auto& g = feature.geometry;
            if (slot != currentSlot) {
                m_painter.setPen(pens[static_cast<std::size_t>(slot)]);
                m_painter.setBrush(brushes[static_cast<std::size_t>(slot)]);
                currentSlot = slot;
            }
            switch (*kind) {
            case GeometryKind::Polygon: drawPolygon(g, pts); break;
            case GeometryKind::Line:
                for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
                    toPixels(g, g.ringBegin(r), g.ringEnds[r], m_xf, pts);
                    if (pts.size() < 2) continue;
                    linePoints.insert(linePoints.end(), pts.begin(), pts.end());
                    lineEnds.emplace_back(slot, linePoints.size());
                }
                break;
            case GeometryKind::Point:
                for (const auto& c : g.coords) {
                    const QPointF p = m_xf(c);
                    if (m_raster) {
                        auto& sprite = sprites[static_cast<std::size_t>(slot)];
                        if (sprite.isNull()) sprite = MarkerSprite(matcher.symbol(slot), m_s.dpi, m_s.antialiasing);
                        sprite.draw(m_painter, p);
                    } else {
                        m_painter.translate(p);
                        m_painter.drawPath(markers[static_cast<std::size_t>(slot)]);
                        m_painter.translate(-p);
                    }
                    if (style->obstacle) m_labels.addObstacle(markerBoxes[static_cast<std::size_t>(slot)].translated(p));
                }
                break;
            }
            if (style->obstacle && *kind != GeometryKind::Point) {
                const auto b = g.bounds();
                m_labels.addObstacle(QRectF(m_xf({b.xmin, b.ymax}), m_xf({b.xmax, b.ymin})), /*soft=*/true);
            }
            std::optional<std::size_t> previous;
            for (std::size_t li = 0; li < activeLabels.size(); ++li) {
                std::optional<std::size_t> attach;
                if (activeLabels[li]->attachToPrevious) {
                    if (!previous) continue; // what it follows was left out
                    attach = previous;
                }
                previous = addLabel(*activeLabels[li], faces[li], labelFieldIdx[li], sensitivity, feature, *kind,
                                    markerBoxes[static_cast<std::size_t>(slot)], !style->obstacle, attach);
            }
        }
        if (!lineEnds.empty()) drawLines(linePoints, lineEnds, anyCasing ? casings : std::vector<QPen>{}, pens);
        m_painter.setOpacity(1.0);
    }

private:
    /// Draws the gathered lines: every casing first (when given), then the lines, each pass in
    /// the features' order. Runs of one class with an opaque round-capped pen go through
    /// RoundLineBatch on raster devices (one call instead of one stroke per street segment).
    void drawLines(const std::vector<QPointF>& points, const std::vector<std::pair<int, std::size_t>>& ends,
                   const std::vector<QPen>& casings, const std::vector<QPen>& pens) {
        m_painter.setBrush(Qt::NoBrush);
        std::vector<QLineF> segments;
        for (const auto* slotPens : {&casings, &pens}) {
            if (slotPens->empty()) continue;
            std::size_t begin = 0;
            for (std::size_t r = 0; r < ends.size();) {
                const int slot = ends[r].first;
                const QPen& pen = (*slotPens)[static_cast<std::size_t>(slot)];
                // The run: consecutive lines of this class.
                std::size_t e = r;
                while (e < ends.size() && ends[e].first == slot) ++e;
                const std::size_t runEnd = ends[e - 1].second;
                if (pen.style() == Qt::NoPen) {
                } else if (m_raster && RoundLineBatch::eligible(pen, m_layer.opacity)) {
                    segments.clear();
                    std::size_t b = begin;
                    for (std::size_t k = r; k < e; ++k) {
                        for (std::size_t i = b + 1; i < ends[k].second; ++i) segments.emplace_back(points[i - 1], points[i]);
                        b = ends[k].second;
                    }
                    RoundLineBatch::draw(m_painter, pen, segments, m_s.antialiasing);
                } else {
                    m_painter.setPen(pen);
                    std::size_t b = begin;
                    for (std::size_t k = r; k < e; ++k) {
                        m_painter.drawPolyline(points.data() + b, static_cast<int>(ends[k].second - b));
                        b = ends[k].second;
                    }
                }
                begin = runEnd;
                r = e;
            }
        }
    }

    /// One group of an aggregate: where its features are (summed, for the mean) and its totals.
    struct Group {
        double sx = 0.0;
        double sy = 0.0;
        std::size_t count = 0;
        double sum = 0.0;
    };

    /// Draws the layer as aggregates: features grouped by a field's value or by map cells,
    /// one circle per group at the mean position of its features.
    void renderAggregate(model::FeatureSource& source, const AggregateStyle& agg, const FeatureFilter& filter, LayerStats& stats) {
        model::FeatureRequest req;
        const bool byField = !agg.by.empty();
        if (byField) req.fields.push_back(agg.by);
        const std::size_t sumField = req.fields.size();
        if (!agg.sum.empty()) req.fields.push_back(agg.sum);
        const std::size_t filterOffset = req.fields.size();
        for (const auto& f : filter.fields()) req.fields.push_back(f);
        // Cells are squares of the map's coordinates (cellM, or cellMm on paper at this scale), so
        // panning keeps the groups; the request covers whole cells, so the view's edge cuts none.
        const double cell = agg.cellM > 0 ? agg.cellM : mmToPx(agg.cellMm, m_s.dpi) * m_s.metresPerPixel();
        const model::Rect view = m_s.visibleExtent().buffered(mmToPx(std::max(15.0, agg.maxMm), m_s.dpi) * m_s.metresPerPixel());
        req.bbox = model::Rect{std::floor(view.xmin / cell) * cell, std::floor(view.ymin / cell) * cell, std::ceil(view.xmax / cell) * cell,
                               std::ceil(view.ymax / cell) * cell};
        req.withGeometry = true;

        std::vector<Group> groups;
        std::unordered_map<std::int64_t, std::size_t> byInt, byCell;
        std::unordered_map<std::string, std::size_t> byText;
        auto groupOf = [&](auto& index, const auto& key) -> Group& {
            auto [it, added] = index.try_emplace(key, groups.size());
            if (added) groups.emplace_back();
            return groups[it->second];
        };
        auto cellKey = [&](model::Vec2 p) {
            const auto cx = static_cast<std::int64_t>(std::floor(p.x / cell)), cy = static_cast<std::int64_t>(std::floor(p.y / cell));
            return (cx << 32) ^ (cy & 0xffffffff);
        };
        auto cursor = source.features(req);
        model::Feature feature;
        unsigned n = 0;
        // Features come in spatial order, so runs share a group: remember the last integer key.
        std::int64_t lastKey = 0;
        std::size_t lastGroup = SIZE_MAX;
        auto intGroup = [&](std::int64_t key) -> Group& {
            if (lastGroup != SIZE_MAX && key == lastKey) return groups[lastGroup];
            Group& g = groupOf(byInt, key);
            lastKey = key;
            lastGroup = static_cast<std::size_t>(&g - groups.data());
            return g;
        };
        while (cursor->next(feature)) {
            if ((++n & kCancelPollMask) == 0 && m_feedback) m_feedback->throwIfCancelled();
            if (!filter.isEmpty() && !filter.accepts(feature.values, filterOffset)) continue;
            const auto& g = feature.geometry;
            if (g.isEmpty()) continue;
            const model::Vec2 p = g.type == model::GeomType::Point ? g.coords.front() : g.bounds().center();
            Group* group = nullptr;
            if (byField) {
                const model::Value& v = feature.values[0];
                if (const auto* i = std::get_if<std::int64_t>(&v))
                    group = &intGroup(*i);
                else if (const auto* d = std::get_if<double>(&v); d && *d == std::floor(*d) && std::fabs(*d) < 9e15)
                    group = &intGroup(static_cast<std::int64_t>(*d));
                else if (!model::isNull(v))
                    group = &groupOf(byText, model::toText(v));
            }
            if (!group) group = &groupOf(byCell, cellKey(p)); // by cell, or no value to group by
            group->sx += p.x;
            group->sy += p.y;
            ++group->count;
            if (!agg.sum.empty()) group->sum += model::toNumber(feature.values[sumField]).value_or(0.0);
            ++stats.drawn;
        }
        stats.groups = groups.size();

        // Large circles first, so the small ones on top stay visible.
        auto valueOf = [&](const Group& g) { return agg.sum.empty() ? static_cast<double>(g.count) : g.sum; };
        std::vector<std::size_t> order(groups.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return valueOf(groups[a]) > valueOf(groups[b]); });

        std::vector<const LabelStyle*> activeLabels;
        std::vector<LabelFace> faces;
        if (m_s.labels)
            for (const auto& l : agg.labels)
                if (inScaleRange(m_scale, l.minScale, l.maxScale)) {
                    activeLabels.push_back(&l);
                    faces.push_back(labelFace(l));
                }
        // Label templates read {count} (value 0) and {sum} (value 1).
        std::vector<std::vector<std::size_t>> labelFieldIdx;
        for (const auto* l : activeLabels) {
            std::vector<std::size_t> idx;
            for (const auto& part : l->text.parts) idx.push_back(part.field == "sum" ? 1 : 0);
            labelFieldIdx.push_back(std::move(idx));
        }
        const std::vector<model::Sensitivity> sensitivity(2, model::Sensitivity::None);

        m_painter.setOpacity(m_layer.opacity);
        // Circles by size in quarter pixels: a few sizes, each made once and blitted.
        struct Circle {
            MarkerSprite sprite;
            QRectF box;
        };
        std::unordered_map<int, Circle> circles;
        model::Feature groupFeature;
        groupFeature.values.resize(2);
        for (const std::size_t gi : order) {
            const Group& g = groups[gi];
            const double value = valueOf(g);
            const double sizeMm = agg.sizeMm(value);
            if (sizeMm <= 0) continue; // nothing to show: a sum of 0
            const model::Vec2 at{g.sx / static_cast<double>(g.count), g.sy / static_cast<double>(g.count)};
            const QPointF p = m_xf(at);
            Symbol sym = agg.symbol;
            const int quarterPx = static_cast<int>(std::lround(mmToPx(sizeMm, m_s.dpi) * 4));
            sym.sizeMm = pxToMm(quarterPx / 4.0, m_s.dpi);
            auto [circle, added] = circles.try_emplace(quarterPx);
            if (added) {
                circle->second.box = markerBounds(sym, m_s.dpi);
                if (m_raster) circle->second.sprite = MarkerSprite(sym, m_s.dpi, m_s.antialiasing);
            }
            if (m_raster)
                circle->second.sprite.draw(m_painter, p);
            else
                drawMarker(m_painter, sym, p, m_s.dpi);
            if (activeLabels.empty()) continue;
            groupFeature.geometry = model::Geometry::point(at);
            groupFeature.values[0] = static_cast<std::int64_t>(g.count);
            groupFeature.values[1] = g.sum == std::floor(g.sum) && std::fabs(g.sum) < 9e15 ? model::Value{static_cast<std::int64_t>(g.sum)}
                                                                                           : model::Value{g.sum};
            for (std::size_t li = 0; li < activeLabels.size(); ++li)
                addLabel(*activeLabels[li], faces[li], labelFieldIdx[li], sensitivity, groupFeature, GeometryKind::Point,
                         circle->second.box, true, std::nullopt);
        }
        m_painter.setOpacity(1.0);
    }

    /// Draws point density: the points splatted into a coarse float grid (a few pixels per
    /// cell), blurred by a Gaussian kernel of the style's radius, coloured through the ramp and
    /// drawn scaled up with bilinear filtering. A million points cost their reading, not pixels.
    void renderHeatmap(model::FeatureSource& source, const HeatmapSpec& spec, const FeatureFilter& filter, LayerStats& stats) {
        const double radiusPx = std::max(1.0, spec.radiusM > 0 ? spec.radiusM * m_xf.pixelsPerMetre() : mmToPx(spec.radiusMm, m_s.dpi));
        const int outW = m_s.outputSize.width(), outH = m_s.outputSize.height();
        // Cells of a quarter radius (at most 8 px), coarser when the grid would be huge.
        double cell = std::clamp(radiusPx / 4.0, 1.0, 8.0);
        while ((outW / cell) * (outH / cell) > 4.0e6) cell *= 1.5;
        const int pad = static_cast<int>(std::ceil(radiusPx / cell)) + 1; // points beyond the edge still warm it
        const int gw = static_cast<int>(std::ceil(outW / cell)) + 2 * pad, gh = static_cast<int>(std::ceil(outH / cell)) + 2 * pad;
        std::vector<float> grid(static_cast<std::size_t>(gw) * gh, 0.0f);

        model::FeatureRequest req;
        const bool weighted = !spec.weight.empty();
        if (weighted) req.fields.push_back(spec.weight);
        const std::size_t filterOffset = req.fields.size();
        for (const auto& f : filter.fields()) req.fields.push_back(f);
        req.bbox = m_s.visibleExtent().buffered((radiusPx + cell) * m_s.metresPerPixel());
        req.withGeometry = true;
        auto cursor = source.features(req);
        model::Feature feature;
        unsigned n = 0;
        const double padPx = pad * cell;
        while (cursor->next(feature)) {
            if ((++n & kCancelPollMask) == 0 && m_feedback) m_feedback->throwIfCancelled();
            if (!filter.isEmpty() && !filter.accepts(feature.values, filterOffset)) continue;
            const auto& g = feature.geometry;
            if (g.isEmpty()) continue;
            const double w = weighted ? model::toNumber(feature.values[0]).value_or(0.0) : 1.0;
            ++stats.drawn;
            ++stats.slotCounts[0];
            if (w == 0.0) continue;
            for (const auto& c : g.coords) {
                // Bilinear splat: cell centres at whole grid coordinates.
                const QPointF p = m_xf(c);
                const double gx = (p.x() + padPx) / cell - 0.5, gy = (p.y() + padPx) / cell - 0.5;
                const int x0 = static_cast<int>(std::floor(gx)), y0 = static_cast<int>(std::floor(gy));
                if (x0 < 0 || y0 < 0 || x0 + 1 >= gw || y0 + 1 >= gh) continue;
                const float fx = static_cast<float>(gx - x0), fy = static_cast<float>(gy - y0), fw = static_cast<float>(w);
                float* row = grid.data() + static_cast<std::size_t>(y0) * gw + x0;
                row[0] += fw * (1 - fx) * (1 - fy);
                row[1] += fw * fx * (1 - fy);
                row[gw] += fw * (1 - fx) * fy;
                row[gw + 1] += fw * fx * fy;
            }
        }
        if (stats.drawn == 0) return;

        // Separable Gaussian (sigma = radius / 2.5, cut at the radius), peak 1: a lone point
        // reads about 1, twenty coinciding points 20.
        const double rCells = radiusPx / cell;
        const int kr = std::max(1, static_cast<int>(std::ceil(rCells)));
        std::vector<float> kernel(static_cast<std::size_t>(2 * kr + 1));
        const double sigma = std::max(0.5, rCells / 2.5);
        for (int i = -kr; i <= kr; ++i) kernel[static_cast<std::size_t>(i + kr)] = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
        std::vector<float> tmp(grid.size(), 0.0f);
        for (int y = 0; y < gh; ++y) {
            const float* src = grid.data() + static_cast<std::size_t>(y) * gw;
            float* dst = tmp.data() + static_cast<std::size_t>(y) * gw;
            for (int x = 0; x < gw; ++x) {
                const float v = src[x];
                if (v == 0.0f) continue;
                const int a = std::max(0, x - kr), b = std::min(gw - 1, x + kr);
                for (int t = a; t <= b; ++t) dst[t] += v * kernel[static_cast<std::size_t>(t - x + kr)];
            }
        }
        std::fill(grid.begin(), grid.end(), 0.0f);
        for (int y = 0; y < gh; ++y) {
            const float* src = tmp.data() + static_cast<std::size_t>(y) * gw;
            const int a = std::max(0, y - kr), b = std::min(gh - 1, y + kr);
            for (int t = a; t <= b; ++t) {
                const float k = kernel[static_cast<std::size_t>(t - y + kr)];
                float* dst = grid.data() + static_cast<std::size_t>(t) * gw;
                for (int x = 0; x < gw; ++x) dst[x] += src[x] * k;
            }
        }
        double top = spec.max;
        if (top <= 0) { // the largest density in the view itself
            for (int y = pad; y < gh - pad; ++y)
                for (int x = pad; x < gw - pad; ++x) top = std::max(top, static_cast<double>(grid[static_cast<std::size_t>(y) * gw + x]));
        }
        if (!(top > 0)) return;
        QRgb lut[256];
        for (int i = 0; i < 256; ++i) lut[i] = qPremultiply(spec.colorAt(i / 255.0).rgba());
        QImage image(gw, gh, QImage::Format_ARGB32_Premultiplied);
        const float scale = static_cast<float>(255.0 / top);
        for (int y = 0; y < gh; ++y) {
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
            const float* src = grid.data() + static_cast<std::size_t>(y) * gw;
            for (int x = 0; x < gw; ++x) line[x] = lut[std::clamp(static_cast<int>(src[x] * scale + 0.5f), 0, 255)];
        }
        m_painter.save();
        m_painter.setOpacity(m_layer.opacity);
        m_painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        m_painter.drawImage(QRectF(-padPx, -padPx, gw * cell, gh * cell), image);
        m_painter.restore();
    }

    [[nodiscard]] LabelFace labelFace(const LabelStyle& l) const {
        LabelFace f;
        f.text = std::make_shared<const TextFace>(l.sizePt, l.bold, m_s.dpi, m_painter.device());
        f.padding = (l.background.alpha() > 0 ? mmToPx(l.paddingMm, m_s.dpi) : 0.0) +
                    (l.halo.alpha() > 0 ? mmToPx(l.haloWidthMm, m_s.dpi) : 0.0);
        return f;
    }

    void drawPolygon(const model::Geometry& g, std::vector<QPointF>& pts) {
        if (g.ringEnds.size() == 1) {
            toPixels(g, 0, g.ringEnds[0], m_xf, pts);
            if (pts.size() >= 3) m_painter.drawPolygon(pts.data(), static_cast<int>(pts.size()), Qt::OddEvenFill);
            return;
        }
        // Holes or several parts: one path, even-odd, so holes stay open.
        QPainterPath path;
        path.setFillRule(Qt::OddEvenFill);
        for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
            toPixels(g, g.ringBegin(r), g.ringEnds[r], m_xf, pts);
            if (pts.size() < 3) continue;
            path.moveTo(pts[0]);
            for (std::size_t i = 1; i < pts.size(); ++i) path.lineTo(pts[i]);
            path.closeSubpath();
        }
        m_painter.drawPath(path);
    }

    /// Other places for a large area's label, nearest the interior point first: a 7 x 7 grid
    /// over its bounds, kept where the whole label box lies inside the area's bounds and the
    /// point inside the area, so a grid name can step aside from what covers its centre.
    std::vector<LabelAnchor> alternativeAnchors(const model::Geometry& g, model::Vec2 inside, const QRectF& bounds, QSizeF size) const {
        std::vector<std::pair<double, QPointF>> found;
        const QPointF centre = m_xf(inside);
        const QRectF usable = bounds.adjusted(size.width() / 2, size.height() / 2, -size.width() / 2, -size.height() / 2);
        for (int i = 0; i < 7; ++i)
            for (int j = 0; j < 7; ++j) {
                const QPointF p(usable.left() + usable.width() * (i + 0.5) / 7, usable.top() + usable.height() * (j + 0.5) / 7);
                if (!model::contains(g, m_xf.toMap(p))) continue;
                const QPointF d = p - centre;
                found.emplace_back(d.x() * d.x() + d.y() * d.y(), p);
            }
        std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<LabelAnchor> out;
        for (const auto& f : found) out.push_back({f.second, 0.0});
        return out;
    }

    /// Adds the label requests of one label style for a feature; returns the first request's
    /// index (for labels attached to it), or nothing when the label is left out.
    std::optional<std::size_t> addLabel(const LabelStyle& l, LabelFace& face, const std::vector<std::size_t>& fieldIdx,
                                         const std::vector<model::Sensitivity>& sensitivity, const model::Feature& f, GeometryKind kind,
                                         const QRectF& markerBox, bool avoidSoftObstacles, std::optional<std::size_t> attachTo) {
        std::string text;
        for (std::size_t i = 0; i < l.text.parts.size(); ++i) {
            const auto& part = l.text.parts[i];
            if (part.field.empty()) {
                text += part.literal;
                continue;
            }
            const auto& v = f.values[fieldIdx[i]];
            if (l.skipEmpty && isEmptyValue(v)) return std::nullopt;
            const auto kindOfField = sensitivity[fieldIdx[i]];
            // Masked here, before any text is drawn: PDF text stays selectable under anything.
            text += kindOfField == model::Sensitivity::None ? model::toText(v) : model::mask(model::toText(v), kindOfField, m_s.reveal);
        }
        const QString qtext = QString::fromStdString(text).trimmed();
        if (qtext.isEmpty()) return std::nullopt;

        PendingLabel pl;
        pl.lines = qtext.split(QLatin1Char('\n'));
        pl.style = &l;
        pl.face = face.text;
        pl.padding = face.padding;
        double w = 0;
        for (const auto& line : pl.lines) {
            pl.lineWidths.push_back(face.advance(line));
            w = std::max(w, pl.lineWidths.back());
        }
        const QSizeF size(w + 2 * pl.padding, face.text->height() * pl.lines.size() + 2 * pl.padding);

        LabelRequest req;
        req.size = size;
        req.placement = l.placement;
        req.priority = l.priority;
        req.offset = mmToPx(l.offsetMm, m_s.dpi);
        req.avoidSoftObstacles = avoidSoftObstacles;
        req.attachTo = attachTo;
        const auto& g = f.geometry;
        std::vector<LabelRequest> requests;
        switch (kind) {
        case GeometryKind::Polygon: {
            const model::Vec2 inside = model::interiorPoint(g);
            req.anchor = m_xf(inside);
            const auto b = g.bounds();
            const QRectF bounds(m_xf({b.xmin, b.ymax}), m_xf({b.xmax, b.ymin}));
            if (l.fitInside) req.within = bounds;
            if (l.placement == LabelPlacement::Center && bounds.width() > 3 * size.width() && bounds.height() > 3 * size.height())
                req.alternatives = alternativeAnchors(g, inside, bounds, size);
            requests.push_back(req);
            break;
        }
        case GeometryKind::Point:
            req.anchor = m_xf(g.coords.front());
            if (l.placement != LabelPlacement::Center) {
                // Clear of the marker: its half size on the offset axis plus the style's gap.
                req.offset += std::max({markerBox.right(), -markerBox.left(), markerBox.bottom(), -markerBox.top()});
            }
            requests.push_back(req);
            break;
        case GeometryKind::Line: {
            // Along the line at its middle (or every repeat_mm), else a little up or down it.
            std::vector<QPointF> pts;
            auto anchorAt = [&](double at) {
                auto [p, angle] = pointAlong(pts, at);
                if (l.placement != LabelPlacement::Line) return LabelAnchor{p, 0.0};
                while (angle > 90.0) angle -= 180.0;
                while (angle <= -90.0) angle += 180.0;
                return LabelAnchor{p, angle};
            };
            for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
                toPixels(g, g.ringBegin(r), g.ringEnds[r], m_xf, pts);
                const double len = polylineLength(pts);
                if (len < size.width() * 1.2) continue;
                const double repeat = mmToPx(l.repeatMm, m_s.dpi);
                const double step = repeat > 0 && len > repeat ? repeat : len;
                for (double start = 0; start + step <= len + 1e-6; start += step) {
                    const LabelAnchor main = anchorAt(start + step / 2);
                    req.anchor = main.point;
                    req.angleDeg = main.angleDeg;
                    req.alternatives.clear();
                    for (double f : {0.35, 0.65, 0.2, 0.8}) {
                        const double at = start + step * f;
                        if (at > size.width() / 2 && at < len - size.width() / 2) req.alternatives.push_back(anchorAt(at));
                    }
                    requests.push_back(req);
                }
            }
            break;
        }
        }
        std::optional<std::size_t> first;
        for (const auto& r : requests) {
            const auto idx = m_labels.add(r);
            if (!first) first = idx;
            if (idx >= m_pending.size()) m_pending.resize(idx + 1);
            m_pending[idx] = pl;
        }
        return first;
    }

    const MapSettings& m_s;
    const MapLayer& m_layer;
    QPainter& m_painter;
    LabelEngine& m_labels;
    std::vector<PendingLabel>& m_pending;
    Feedback* m_feedback;
    bool m_raster;
    MapToPixel m_xf;
    double m_scale = m_s.scaleDenominator();
};

/// A raster layer: the basemap read for the view, at the map's size (at most 4096 px along the
/// longer side: a PDF page at print resolution needs no more) and drawn over the whole map.
void drawRasterLayer(const MapSettings& s, const MapLayer& layer, QPainter& painter, int srid, LayerStats& stats) {
    if (!s.rasterOpener) throw RenderError("raster layers need a raster reader, and none was given to the renderer");
    if (layer.file.empty()) throw RenderError("its raster file was not found");
    const auto source = s.rasterOpener(layer.file);
    const QSize out = s.outputSize;
    const double f = std::min(1.0, 4096.0 / std::max({out.width(), out.height(), 1}));
    const int w = std::max(1, static_cast<int>(std::lround(out.width() * f)));
    const int h = std::max(1, static_cast<int>(std::lround(out.height() * f)));
    const model::RgbaImage picture = source->read(s.visibleExtent(), w, h, srid);
    if (picture.width != w || picture.height != h || picture.pixels.size() != static_cast<std::size_t>(w) * h * 4)
        throw RenderError("raster '" + source->name() + "': the reader returned " + std::to_string(picture.width) + "x" +
                          std::to_string(picture.height) + " pixels for " + std::to_string(w) + "x" + std::to_string(h));
    const QImage image(picture.pixels.data(), w, h, w * 4, QImage::Format_RGBA8888);
    painter.save();
    painter.setOpacity(layer.opacity);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, w != out.width());
    painter.drawImage(QRectF(0, 0, out.width(), out.height()), image);
    painter.restore();
    stats.drawn = 1;
}

void drawLabel(QPainter& painter, const PendingLabel& pl, const PlacedLabel& placed, double dpi) {
    const LabelStyle& l = *pl.style;
    const TextFace& face = *pl.face;
    painter.save();
    painter.translate(placed.center);
    if (placed.angleDeg != 0.0) painter.rotate(placed.angleDeg);
    double w = 0;
    for (double lw : pl.lineWidths) w = std::max(w, lw);
    const double lineHeight = face.height();
    const double textH = lineHeight * pl.lines.size();
    if (l.background.alpha() > 0) {
        const double pad = mmToPx(l.paddingMm, dpi);
        const QRectF box(-w / 2 - pad, -textH / 2 - pad, w + 2 * pad, textH + 2 * pad);
        painter.setBrush(l.background);
        QPen pen(Qt::NoPen);
        if (l.backgroundStroke.alpha() > 0) pen = QPen(l.backgroundStroke, mmToPx(0.2, dpi));
        painter.setPen(pen);
        const double radius = std::min(box.height() / 2, mmToPx(1.2, dpi));
        painter.drawRoundedRect(box, radius, radius);
    }
    for (int i = 0; i < pl.lines.size(); ++i) {
        const QPointF origin(-pl.lineWidths[static_cast<std::size_t>(i)] / 2, -textH / 2 + face.ascent() + i * lineHeight);
        // In PDF and SVG the halo is an outline path and the text stays real (selectable) text.
        face.drawWithHalo(painter, origin, pl.lines[i], l.color, l.halo, mmToPx(l.haloWidthMm, dpi));
    }
    painter.restore();
}

} // namespace

RenderResult renderMap(const MapSettings& settings, model::SourceProvider& provider, QPainter& painter, Feedback* feedback) {
    ensureFontsLoaded();
    RenderResult result;
    result.scaleDenominator = settings.scaleDenominator();
    const QRectF frame(0, 0, settings.outputSize.width(), settings.outputSize.height());
    const PainterState state(painter);
    painter.setClipRect(frame, Qt::IntersectClip);
    painter.setRenderHint(QPainter::Antialiasing, settings.antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    if (settings.background.alpha() > 0) painter.fillRect(frame, settings.background);
    const bool raster = painter.paintEngine() && painter.paintEngine()->type() == QPaintEngine::Raster;

    LabelEngine labels(frame);
    std::vector<PendingLabel> pending;
    const std::size_t n = settings.layers.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto& layer = settings.layers[i];
        LayerStats stats;
        stats.layer = layer.name;
        if (feedback) {
            feedback->throwIfCancelled();
            feedback->setProgress(100.0 * static_cast<double>(i) / static_cast<double>(n + 1), layer.name);
        }
        if (!inScaleRange(result.scaleDenominator, layer.minScale, layer.maxScale)) {
            stats.inScale = false;
        } else {
            try {
                if (layer.kind == LayerKind::Raster)
                    drawRasterLayer(settings, layer, painter, provider.srid(), stats);
                else
                    LayerRenderer(settings, layer, painter, labels, pending, feedback, raster).render(provider, stats);
            } catch (const CancelledError&) {
                throw;
            } catch (const std::exception& e) {
                // One bad layer does not blank the map: report it and go on.
                painter.setOpacity(1.0);
                result.errors.push_back(LayerError{layer.name, e.what()});
            }
        }
        result.layers.push_back(std::move(stats));
    }
    if (feedback) {
        feedback->throwIfCancelled();
        feedback->setProgress(100.0 * static_cast<double>(n) / static_cast<double>(n + 1), "labels");
    }
    if (settings.labels) {
        result.labels = labels.run();
        for (const auto& placed : result.labels) {
            const auto& pl = pending[placed.request];
            drawLabel(painter, pl, placed, settings.dpi);
            result.labelTexts.push_back(pl.lines.join(QLatin1Char('\n')));
        }
    }
    if (feedback) feedback->setProgress(100.0, "done");
    return result;
}

std::vector<LayerStats> countFeatures(const MapSettings& settings, model::SourceProvider& provider, std::vector<LayerError>* errors,
                                      Feedback* feedback) {
    std::vector<LayerStats> out;
    const double scale = settings.scaleDenominator();
    for (const auto& layer : settings.layers) {
        LayerStats stats;
        stats.layer = layer.name;
        if (layer.kind == LayerKind::Raster) { // no features to count
            stats.inScale = inScaleRange(scale, layer.minScale, layer.maxScale);
            out.push_back(std::move(stats));
            continue;
        }
        try {
            if (feedback) feedback->throwIfCancelled();
            stats.inScale = inScaleRange(scale, layer.minScale, layer.maxScale) &&
                            (!layer.style || inScaleRange(scale, layer.style->minScale, layer.style->maxScale));
            if (stats.inScale) {
                // Opened only when in scale, like renderMap: a cache loads a layer on first open.
                auto source = provider.open(layer.source);
                const auto kind = geometryKindOf(source->geometryType());
                const auto style = layer.style ? layer.style : fallbackStyle(kind.value_or(GeometryKind::Polygon));
                const ClassMatcher matcher(style->renderer);
                stats.slotCounts.assign(static_cast<std::size_t>(matcher.slotCount()), 0);
                const FeatureFilter filter(layer.filter);
                if (const AggregateStyle* agg = style->aggregateAt(scale))
                    stats.aggregate = static_cast<std::size_t>(agg - style->aggregates.data());
                // Aggregated: the features the filter keeps, not per class (groups are left at 0).
                const bool classified =
                    style->renderer.type != RendererType::Single && style->renderer.type != RendererType::Heatmap && !stats.aggregate;
                model::FeatureRequest req;
                req.withGeometry = false;
                req.bbox = settings.visibleExtent();
                if (classified) req.fields.push_back(style->renderer.field);
                const std::size_t filterOffset = req.fields.size();
                for (const auto& f : filter.fields()) req.fields.push_back(f);
                auto cursor = source->features(req);
                model::Feature feature;
                unsigned n = 0;
                while (cursor->next(feature)) {
                    if ((++n & kCancelPollMask) == 0 && feedback) feedback->throwIfCancelled();
                    if (!filter.isEmpty() && !filter.accepts(feature.values, filterOffset)) continue;
                    const int slot = classified ? matcher.classify(feature.values[0]) : 0;
                    if (slot < 0) continue;
                    if (!stats.aggregate) ++stats.slotCounts[static_cast<std::size_t>(slot)];
                    ++stats.drawn;
                }
            }
        } catch (const CancelledError&) {
            throw;
        } catch (const std::exception& e) {
            if (errors) errors->push_back(LayerError{layer.name, e.what()});
        }
        out.push_back(std::move(stats));
    }
    return out;
}

} // namespace gridatlas::render
