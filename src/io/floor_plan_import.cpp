#include "io/floor_plan_import.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <numbers>
#include <regex>
#include <set>

#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::io {

using model::Geometry;
using model::GeomType;
using model::Rect;
using model::Vec2;

namespace {

constexpr double kDegPerRad = 180.0 / std::numbers::pi;

void ensureGdalDrivers() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

/// Collects GDAL's messages on this thread while in scope, so errors quote them instead of GDAL
/// printing to stderr.
class GdalMessages {
public:
    GdalMessages() : m_pusher(&GdalMessages::handler, this) {}
    GdalMessages(const GdalMessages&) = delete;
    GdalMessages& operator=(const GdalMessages&) = delete;
    GdalMessages(GdalMessages&&) = delete;
    GdalMessages& operator=(GdalMessages&&) = delete;
    ~GdalMessages() = default;
    [[nodiscard]] std::string last() const { return m_last.empty() ? std::string() : ": " + m_last; }

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* message) {
        auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
        if (self && level >= CE_Warning && message) self->m_last = message;
    }
    std::string m_last;
    CPLErrorHandlerPusher m_pusher;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trimmed(std::string s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

/// MTEXT keeps formatting codes GDAL does not translate ("{\fSimSun|b0;卧室}", "\P"): plain text.
std::string plainText(const std::string& in) {
    static const std::regex codes(R"(\\[ACcFfHhQTWp][^;\\]*;|\\[LlOoKk]|[{}])");
    std::string s = std::regex_replace(in, codes, "");
    for (auto& ch : s)
        if (ch == '\n' || ch == '\r') ch = ' ';
    s = std::regex_replace(s, std::regex(R"(\\P)"), " ");
    return trimmed(s);
}

/// Floors named in a layer name: "2-18F", "F1", "1层", "标准层2-18;20层", "L3". "" when none.
std::string floorsFromLayerName(const std::string& layer) {
    static const std::regex listBefore(R"((-?\d+(?:\s*-\s*-?\d+)?(?:\s*[;,]\s*-?\d+(?:\s*-\s*-?\d+)?)*)\s*(?:F|f|层|楼))");
    static const std::regex letterBefore(R"((?:^|[^A-Za-z])[FfLl]\s*(\d+)(?:$|[^0-9]))");
    std::smatch m;
    if (std::regex_search(layer, m, listBefore)) return m[1].str();
    if (std::regex_search(layer, m, letterBefore)) return m[1].str();
    return {};
}

/// The angle of a LABEL style ("LABEL(f:\"Arial\",t:\"01\",a:30,...)"), 0 when none.
double textAngle(const char* style) {
    if (!style) return 0.0;
    static const std::regex angle(R"(LABEL\(.*[(,]a:(-?[0-9.]+))");
    std::cmatch m;
    if (!std::regex_search(style, m, angle)) return 0.0;
    return std::strtod(m[1].str().c_str(), nullptr);
}

bool nearlyEqual(Vec2 a, Vec2 b, double tol) {
    return std::abs(a.x - b.x) <= tol && std::abs(a.y - b.y) <= tol;
}

/// A ring from an OGR curve, Z dropped.
std::vector<Vec2> ringOf(const OGRSimpleCurve& c) {
    std::vector<Vec2> pts;
    pts.reserve(static_cast<std::size_t>(c.getNumPoints()));
    for (int i = 0; i < c.getNumPoints(); ++i) pts.push_back({c.getX(i), c.getY(i)});
    return pts;
}

/// Appends the polygons of an OGR geometry (closed lines count) to `out`; counts open lines.
void collectShapes(const OGRGeometry* g, std::vector<Geometry>& out, int& openShapes) {
    if (!g) return;
    switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon: {
        std::unique_ptr<OGRGeometry> linear;
        const auto* poly = g->toPolygon();
        std::vector<std::vector<Vec2>> rings;
        if (const auto* ext = poly->getExteriorRing(); ext && ext->getNumPoints() >= 4) rings.push_back(ringOf(*ext));
        if (rings.empty()) return;
        for (int i = 0; i < poly->getNumInteriorRings(); ++i)
            if (poly->getInteriorRing(i)->getNumPoints() >= 4) rings.push_back(ringOf(*poly->getInteriorRing(i)));
        out.push_back(Geometry::polygon(std::move(rings)));
        return;
    }
    case wkbLineString: {
        const auto* line = g->toLineString();
        auto pts = ringOf(*line);
        const Rect box = Geometry::lineString(pts).bounds();
        const double tol = 1e-9 * std::max({1.0, box.width(), box.height(), std::abs(box.xmax), std::abs(box.ymax)});
        if (pts.size() >= 4 && nearlyEqual(pts.front(), pts.back(), tol))
            out.push_back(Geometry::polygon({std::move(pts)}));
        else
            ++openShapes;
        return;
    }
    case wkbMultiPolygon:
    case wkbMultiLineString:
    case wkbGeometryCollection: {
        const auto* coll = g->toGeometryCollection();
        for (int i = 0; i < coll->getNumGeometries(); ++i) collectShapes(coll->getGeometryRef(i), out, openShapes);
        return;
    }
    case wkbCurvePolygon:
    case wkbCompoundCurve:
    case wkbCircularString:
    case wkbMultiSurface:
    case wkbMultiCurve: {
        std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
        collectShapes(linear.get(), out, openShapes);
        return;
    }
    default:
        return;
    }
}

std::string fieldText(OGRFeature& f, const char* name) {
    const int i = f.GetFieldIndex(name);
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return {};
    return f.GetFieldAsString(i);
}

std::string firstField(OGRFeature& f, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (auto v = fieldText(f, n); !v.empty()) return v;
    return {};
}

bool layerSelected(const DrawingOptions& o, const std::string& layer) {
    return o.layers.empty() || std::find(o.layers.begin(), o.layers.end(), layer) != o.layers.end();
}

/// Vertices of the exterior rings of polygons.
std::vector<Vec2> exteriorPoints(const Geometry& g) {
    if (g.ringEnds.empty()) return {};
    std::vector<Vec2> pts;
    std::size_t ring = 0;
    for (std::size_t part = 0; part < std::max<std::size_t>(1, g.partEnds.size()); ++part) {
        const std::size_t begin = g.ringBegin(ring);
        pts.insert(pts.end(), g.coords.begin() + static_cast<std::ptrdiff_t>(begin),
                   g.coords.begin() + static_cast<std::ptrdiff_t>(g.ringEnds[ring]));
        ring = g.partEnds.empty() ? g.ringEnds.size() : g.partEnds[part];
    }
    return pts;
}

Geometry transformed(const Geometry& g, const std::function<Vec2(Vec2)>& f) {
    Geometry out = g;
    for (auto& p : out.coords) p = f(p);
    return out;
}

double cross(Vec2 o, Vec2 a, Vec2 b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

std::vector<Vec2> convexHull(std::vector<Vec2> pts) {
    std::sort(pts.begin(), pts.end(), [](Vec2 a, Vec2 b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
    pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
    if (pts.size() < 3) return pts;
    std::vector<Vec2> hull(2 * pts.size());
    std::size_t k = 0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) --k;
        hull[k++] = pts[i];
    }
    for (std::size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
        while (k >= t && cross(hull[k - 2], hull[k - 1], pts[i - 1]) <= 0) --k;
        hull[k++] = pts[i - 1];
    }
    hull.resize(k - 1);
    return hull;
}

double normaliseDeg(double a) {
    while (a > 180.0) a -= 360.0;
    while (a <= -180.0) a += 360.0;
    return a;
}

bool containsLabel(const std::string& s, std::initializer_list<const char*> words) {
    const std::string l = lower(s);
    for (const char* w : words)
        if (l.find(w) != std::string::npos) return true;
    return false;
}

std::string kindOfName(const std::string& label) {
    if (containsLabel(label, {"梯", "stair", "lift", "elevator"})) return "stair";
    return "common";
}

struct BuildingInfo {
    std::string number;
    int floors = 0;
    std::optional<int> flatsPerFloor;
    Geometry footprint;
    std::map<int, std::int64_t> unitIds; ///< number -> id
    std::map<int, Vec2> entrances;       ///< number -> entrance point (where known)
};

BuildingInfo loadBuilding(storage::Atlas& atlas, std::int64_t buildingId) {
    auto& c = atlas.connection();
    BuildingInfo b;
    storage::Statement st(c, "SELECT number, floors, flats_per_floor, " + storage::geomSelect(c, "geom") + " FROM buildings WHERE id = ?");
    st.bind(1, buildingId);
    if (!st.step()) throw InputError("atlas '" + atlas.path() + "' has no building with id " + std::to_string(buildingId));
    b.number = st.columnText(0);
    b.floors = static_cast<int>(st.columnInt(1));
    if (!st.isNull(2)) b.flatsPerFloor = static_cast<int>(st.columnInt(2));
    if (!st.isNull(3)) storage::decodeGeometry(c, st.columnBlob(3), b.footprint);
    storage::Statement us(c, "SELECT id, number, " + storage::geomSelect(c, "geom") + " FROM units WHERE building_id = ? ORDER BY number");
    us.bind(1, buildingId);
    while (us.step()) {
        const int n = static_cast<int>(us.columnInt(1));
        b.unitIds[n] = us.columnInt(0);
        if (!us.isNull(2)) {
            Geometry p;
            storage::decodeGeometry(c, us.columnBlob(2), p);
            if (!p.coords.empty()) b.entrances[n] = p.coords.front();
        }
    }
    return b;
}

std::string nowUtc(storage::Connection& c) {
    return c.queryText("SELECT " + storage::nowText(c)).value_or("");
}

} // namespace

// ---- reading drawings ----------------------------------------------------------------------

Rect Drawing::bounds() const {
    Rect r;
    for (const auto& room : rooms) r.expand(room.polygon.bounds());
    return r;
}

Drawing readDrawing(const std::string& path, const DrawingOptions& options, Feedback* feedback) {
    ensureGdalDrivers();
    Drawing d;
    d.path = path;
    const std::string ext = lower(std::filesystem::path(path).extension().string());
    const char* driver = nullptr;
    if (ext == ".dxf") {
        d.format = "DXF";
        driver = "DXF";
    } else if (ext == ".geojson" || ext == ".json") {
        d.format = "GeoJSON";
        driver = "GeoJSON";
    } else {
        throw InputError("floor plan '" + path + "': unknown format '" + ext + "' (use a .dxf drawing or .geojson rooms)");
    }
    {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) throw InputError("floor plan '" + path + "' does not exist");
    }

    GdalMessages messages;
    // The shapes of inserted blocks come out one by one where they are inserted, with their
    // texts, instead of merged per INSERT.
    CPLConfigOptionSetter inlineBlocks("DXF_INLINE_BLOCKS", "TRUE", false);
    CPLConfigOptionSetter mergeBlocks("DXF_MERGE_BLOCK_GEOMETRIES", "FALSE", false);
    std::optional<CPLConfigOptionSetter> encoding;
    if (!options.encoding.empty()) encoding.emplace("DXF_ENCODING", options.encoding.c_str(), false);
    const char* const drivers[] = {driver, nullptr};
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
    if (!ds) throw InputError("floor plan '" + path + "' is not a readable " + d.format + " file" + messages.last());

    std::set<std::string> layersSeen;
    std::vector<Geometry> shapes;
    for (OGRLayer* layer : ds->GetLayers()) {
        const GIntBig total = std::max<GIntBig>(1, layer->GetFeatureCount(FALSE));
        GIntBig n = 0;
        for (auto& feature : *layer) {
            if (feedback && ++n % 256 == 0) {
                feedback->throwIfCancelled();
                feedback->setProgress(std::min(60.0, 60.0 * static_cast<double>(n) / static_cast<double>(total)),
                                      "reading " + d.format);
            }
            const OGRGeometry* g = feature->GetGeometryRef();
            if (!g) continue;
            const std::string layerName =
                d.format == "DXF" ? fieldText(*feature, "Layer") : firstField(*feature, {"layer", "Layer"});
            if (!layerName.empty()) layersSeen.insert(layerName);
            const std::string key = d.format == "DXF" ? fieldText(*feature, "EntityHandle") : std::to_string(feature->GetFID());
            const auto type = wkbFlatten(g->getGeometryType());
            if (type == wkbPoint) {
                std::string text =
                    d.format == "DXF" ? fieldText(*feature, "Text") : firstField(*feature, {"label", "name", "ref", "text"});
                text = plainText(text);
                if (!text.empty())
                    d.texts.push_back({{g->toPoint()->getX(), g->toPoint()->getY()},
                                       text,
                                       layerName,
                                       d.format == "DXF" ? floorsFromLayerName(layerName) : std::string(),
                                       textAngle(feature->GetStyleString())});
                continue;
            }
            shapes.clear();
            int open = 0;
            collectShapes(g, shapes, open);
            if (!layerSelected(options, layerName)) continue;
            d.openShapes += open;
            for (auto& shape : shapes) {
                if (std::abs(model::area(shape)) <= 0.0) continue;
                DrawnRoom room;
                room.polygon = std::move(shape);
                room.layer = layerName;
                room.sourceKey = key;
                if (d.format == "GeoJSON") {
                    room.label = trimmed(firstField(*feature, {"label", "name", "ref", "room"}));
                    room.kind = lower(trimmed(fieldText(*feature, "kind")));
                    room.floors = trimmed(firstField(*feature, {"repeat_on", "floors", "floor", "level"}));
                    const std::string unit = trimmed(fieldText(*feature, "unit"));
                    if (!unit.empty()) {
                        char* end = nullptr;
                        const long u = std::strtol(unit.c_str(), &end, 10);
                        if (*end != '\0' || u < 1)
                            throw InputError("floor plan '" + path + "', feature " + key + ", property unit: \"" + unit +
                                             "\" is not a unit number (1, 2, ...)");
                        room.unit = static_cast<int>(u);
                    }
                    if (!room.kind.empty() && room.kind != "flat" && room.kind != "room" && room.kind != "stair" &&
                        room.kind != "common" && room.kind != "outline")
                        throw InputError("floor plan '" + path + "', feature " + key + ", property kind: \"" + room.kind +
                                         "\" is not flat, room, stair, common or outline");
                } else {
                    room.floors = floorsFromLayerName(room.layer);
                }
                d.rooms.push_back(std::move(room));
            }
        }
    }

    // A hatch usually fills its own boundary polyline: keep one shape of each.
    std::vector<DrawnRoom> unique;
    for (auto& room : d.rooms) {
        const Rect b = room.polygon.bounds();
        const double a = std::abs(model::area(room.polygon));
        const double tol = 1e-6 * std::max(b.width(), b.height());
        bool duplicate = false;
        for (auto& kept : unique) {
            const Rect k = kept.polygon.bounds();
            // The same shape drawn for other floors is another room; a hatch on a layer that names
            // no floor is the fill of its polyline.
            const bool sameFloors = kept.floors == room.floors || kept.floors.empty() || room.floors.empty();
            if (sameFloors && std::abs(k.xmin - b.xmin) <= tol && std::abs(k.ymin - b.ymin) <= tol &&
                std::abs(k.xmax - b.xmax) <= tol && std::abs(k.ymax - b.ymax) <= tol &&
                std::abs(std::abs(model::area(kept.polygon)) - a) <= 0.01 * a) {
                if (kept.label.empty()) kept.label = room.label;
                if (kept.floors.empty()) {
                    kept.floors = room.floors;
                    kept.layer = room.layer;
                }
                duplicate = true;
                break;
            }
        }
        if (duplicate)
            ++d.duplicateShapes;
        else
            unique.push_back(std::move(room));
    }
    d.rooms = std::move(unique);

    if (d.rooms.empty()) {
        std::string msg = "floor plan '" + path + "' has no closed shapes";
        msg += options.layers.empty() ? std::string(" (closed polylines, hatches or polygons)") : " on the layers asked for";
        if (!layersSeen.empty()) {
            msg += "; its layers:";
            for (const auto& l : layersSeen) msg += " " + l;
        }
        throw InputError(msg);
    }
    return d;
}

namespace {

/// Classifies the rooms `ri` of one floor group with the texts `ti` that apply to it.
void classifyGroup(Drawing& d, const std::vector<std::size_t>& ri, const std::vector<std::size_t>& ti,
                   std::optional<int> flatsPerFloor) {
    const std::size_t n = ri.size();
    auto room = [&](std::size_t i) -> DrawnRoom& { return d.rooms[ri[i]]; };
    auto text = [&](std::size_t t) -> const DrawnText& { return d.texts[ti[t]]; };
    std::vector<double> areas(n);
    std::vector<Vec2> inner(n);
    for (std::size_t i = 0; i < n; ++i) {
        areas[i] = std::abs(model::area(room(i).polygon));
        inner[i] = model::interiorPoint(room(i).polygon);
    }
    // Flat labels among the texts, and which shapes hold each text.
    std::vector<bool> isFlatText(ti.size());
    std::vector<std::vector<std::size_t>> holders(ti.size());
    std::vector<int> flatTextsIn(n, 0);
    for (std::size_t t = 0; t < ti.size(); ++t) {
        isFlatText[t] = storage::parseRoomLabel(text(t).text).has_value();
        for (std::size_t i = 0; i < n; ++i)
            if (room(i).polygon.bounds().contains(text(t).at) && model::contains(room(i).polygon, text(t).at)) {
                holders[t].push_back(i);
                if (isFlatText[t]) ++flatTextsIn[i];
            }
    }
    // A flat label names the largest shape holding no other flat label (the flat, not its kitchen).
    std::vector<bool> labelledFlat(n, false);
    for (std::size_t t = 0; t < ti.size(); ++t) {
        if (!isFlatText[t] || holders[t].empty()) continue;
        std::optional<std::size_t> best;
        for (std::size_t i : holders[t])
            if (flatTextsIn[i] == 1 && (!best || areas[i] > areas[*best])) best = i;
        if (!best) continue;
        auto& r = room(*best);
        if (!r.label.empty() || (!r.kind.empty() && r.kind != "flat")) continue;
        r.label = text(t).text;
        labelledFlat[*best] = true;
    }
    // Other texts name the smallest shape they are in.
    for (std::size_t t = 0; t < ti.size(); ++t) {
        if (isFlatText[t] || holders[t].empty()) continue;
        const std::size_t smallest = *std::min_element(holders[t].begin(), holders[t].end(),
                                                       [&](std::size_t a, std::size_t b) { return areas[a] < areas[b]; });
        auto& r = room(smallest);
        if (labelledFlat[smallest]) continue;
        r.label = r.label.empty() ? text(t).text : r.label + " " + text(t).text;
    }
    // Flat numbers are dense: a "flat" label above the flats drawn (parcel numbers, area texts) is a name.
    int flatLabels = 0;
    for (std::size_t i = 0; i < n; ++i)
        if ((room(i).kind.empty() || room(i).kind == "flat") && storage::parseRoomLabel(room(i).label)) ++flatLabels;
    const int maxFlat = std::max(flatsPerFloor.value_or(0), flatLabels);
    for (std::size_t i = 0; i < n; ++i) {
        auto& r = room(i);
        if (!r.kind.empty()) continue;
        if (flatTextsIn[i] >= 2) {
            r.kind = "outline";
            continue;
        }
        const auto label = storage::parseRoomLabel(r.label);
        if (label && label->flat <= maxFlat) {
            r.kind = "flat";
            if (r.unit == 0) r.unit = label->unit;
            continue;
        }
        // Inside a larger flat: one of its rooms.
        bool insideFlat = false;
        for (std::size_t j = 0; j < n && !insideFlat; ++j)
            insideFlat = j != i && areas[j] > areas[i] && labelledFlat[j] && model::contains(room(j).polygon, inner[i]);
        r.kind = insideFlat ? "room" : (r.label.empty() ? "common" : kindOfName(r.label));
        if (!r.label.empty() && !insideFlat && r.kind == "common" && label) r.kind = "room";
    }
}

} // namespace

void classifyRooms(Drawing& d, std::optional<int> flatsPerFloor) {
    // Floors drawn on their own layers ("1F", "2-6F") are classified apart, with their own texts
    // and the texts of layers that name no floor.
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < d.rooms.size(); ++i) groups[d.rooms[i].floors].push_back(i);
    for (const auto& [floors, rooms] : groups) {
        std::vector<std::size_t> texts;
        for (std::size_t t = 0; t < d.texts.size(); ++t)
            if (d.texts[t].floors.empty() || d.texts[t].floors == floors) texts.push_back(t);
        classifyGroup(d, rooms, texts, flatsPerFloor);
    }
}

// ---- placing drawings -----------------------------------------------------------------------

OrientedBox orientedBoundingBox(const std::vector<Vec2>& points) {
    OrientedBox best;
    const auto hull = convexHull(points);
    if (hull.empty()) return best;
    if (hull.size() < 3) {
        const Vec2 a = hull.front(), b = hull.back();
        best.center = {(a.x + b.x) / 2, (a.y + b.y) / 2};
        best.length = std::hypot(b.x - a.x, b.y - a.y);
        best.angleDeg = best.length > 0 ? std::atan2(b.y - a.y, b.x - a.x) * kDegPerRad : 0.0;
    } else {
        double bestArea = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < hull.size(); ++i) {
            const Vec2 a = hull[i], b = hull[(i + 1) % hull.size()];
            const double len = std::hypot(b.x - a.x, b.y - a.y);
            if (len <= 0) continue;
            const Vec2 u{(b.x - a.x) / len, (b.y - a.y) / len}, v{-u.y, u.x};
            double u0 = std::numeric_limits<double>::infinity(), u1 = -u0, v0 = u0, v1 = -u0;
            for (const Vec2 p : hull) {
                const double pu = p.x * u.x + p.y * u.y, pv = p.x * v.x + p.y * v.y;
                u0 = std::min(u0, pu), u1 = std::max(u1, pu), v0 = std::min(v0, pv), v1 = std::max(v1, pv);
            }
            const double area = (u1 - u0) * (v1 - v0);
            if (area < bestArea * (1 - 1e-9)) {
                bestArea = area;
                const double cu = (u0 + u1) / 2, cv = (v0 + v1) / 2;
                best.center = {cu * u.x + cv * v.x, cu * u.y + cv * v.y};
                const bool uLong = (u1 - u0) >= (v1 - v0);
                best.length = uLong ? u1 - u0 : v1 - v0;
                best.width = uLong ? v1 - v0 : u1 - u0;
                const Vec2 dir = uLong ? u : v;
                best.angleDeg = std::atan2(dir.y, dir.x) * kDegPerRad;
            }
        }
    }
    // The long side's direction, either way along it: keep it in (-90, 90].
    while (best.angleDeg > 90.0) best.angleDeg -= 180.0;
    while (best.angleDeg <= -90.0) best.angleDeg += 180.0;
    return best;
}

Vec2 DrawingPlacement::toWorld(Vec2 p) const {
    const double a = rotationDeg / kDegPerRad;
    const double ca = std::cos(a), sa = std::sin(a);
    return {anchor.x + scale * (ca * p.x - sa * p.y), anchor.y + scale * (sa * p.x + ca * p.y)};
}

DrawingPlacement fitPlacement(const OrientedBox& drawing, const OrientedBox& footprint, std::optional<double> scale,
                              const std::function<double(const DrawingPlacement&)>& prefer) {
    if (drawing.length <= 0 || footprint.length <= 0)
        throw InputError("cannot fit a floor plan: the drawing or the footprint has no extent");
    double s = 0;
    if (scale)
        s = *scale;
    else if (drawing.width > 0 && footprint.width > 0)
        s = std::sqrt((footprint.length * footprint.width) / (drawing.length * drawing.width));
    else
        s = footprint.length / drawing.length;
    // Nearly square boxes fit a quarter turn either way too.
    const bool square = drawing.width > 0.9 * drawing.length && footprint.width > 0.9 * footprint.length;
    std::vector<double> turns{0.0, 180.0};
    if (square) turns = {0.0, 90.0, 180.0, -90.0};
    DrawingPlacement best;
    double bestScore = std::numeric_limits<double>::infinity();
    for (double turn : turns) {
        DrawingPlacement p;
        p.scale = s;
        p.rotationDeg = normaliseDeg(footprint.angleDeg - drawing.angleDeg + turn);
        // Centre on centre: anchor = Cf - R * s * Cd.
        p.anchor = {0, 0};
        const Vec2 c = p.toWorld(drawing.center);
        p.anchor = {footprint.center.x - c.x, footprint.center.y - c.y};
        const double score = prefer ? prefer(p) : std::abs(p.rotationDeg);
        if (score < bestScore - 1e-9) {
            bestScore = score;
            best = p;
        }
    }
    return best;
}

// ---- importing into the atlas ---------------------------------------------------------------

PlanImportResult importFloorPlan(storage::Atlas& atlas, std::int64_t buildingId, const std::string& path,
                                 const PlanImportOptions& options, Feedback* feedback) {
    if (!options.fit && !options.anchor)
        throw InputError("floor plan '" + path + "': give where it goes (--scale S --rotation DEG --anchor X,Y) or --fit");
    Drawing drawing = readDrawing(path, options.drawing, feedback);
    return importDrawing(atlas, buildingId, std::move(drawing), options, feedback);
}

PlanImportResult importDrawing(storage::Atlas& atlas, std::int64_t buildingId, Drawing drawing, const PlanImportOptions& options,
                               Feedback* feedback) {
    auto& c = atlas.connection();
    const BuildingInfo building = loadBuilding(atlas, buildingId);
    const std::string what = drawing.format == "generated" ? std::string("generated plan") : "floor plan '" + drawing.path + "'";
    PlanImportResult result;
    result.buildingId = buildingId;
    if (feedback) feedback->setProgress(60, "classifying rooms");
    classifyRooms(drawing, building.flatsPerFloor);

    // Floors of every room: --floors, else what the drawing says, else the whole building.
    auto checkFloors = [&](const std::vector<int>& floors, const std::string& where) {
        for (int f : floors)
            if (f > building.floors)
                throw InputError(where + ": floor " + std::to_string(f) + " is above the top floor of building " +
                                 building.number + " (" + std::to_string(building.floors) + " floors)");
    };
    std::vector<int> allFloors;
    for (int f = 1; f <= building.floors; ++f) allFloors.push_back(f);
    std::vector<std::vector<int>> roomFloors(drawing.rooms.size());
    std::optional<std::vector<int>> given;
    if (!options.floors.empty()) {
        given = storage::parseFloorList(options.floors, "--floors");
        checkFloors(*given, "--floors " + options.floors);
    }
    std::set<int> newFloors;
    for (std::size_t i = 0; i < drawing.rooms.size(); ++i) {
        const auto& room = drawing.rooms[i];
        if (given) {
            roomFloors[i] = *given;
        } else if (!room.floors.empty()) {
            const std::string where =
                what + ", " + (drawing.format == "DXF" ? "layer '" + room.layer + "'" : "feature " + room.sourceKey);
            roomFloors[i] = storage::parseFloorList(room.floors, where + " floors");
            checkFloors(roomFloors[i], where);
        } else {
            roomFloors[i] = allFloors;
        }
        newFloors.insert(roomFloors[i].begin(), roomFloors[i].end());
    }
    result.floors.assign(newFloors.begin(), newFloors.end());

    // Placement of drawing units on the map.
    DrawingPlacement placement;
    bool fitted = false;
    if (options.fit) {
        std::vector<Vec2> drawn;
        for (const auto& room : drawing.rooms) {
            const auto pts = exteriorPoints(room.polygon);
            drawn.insert(drawn.end(), pts.begin(), pts.end());
        }
        const auto footprintPts = exteriorPoints(building.footprint);
        if (footprintPts.empty()) throw InputError("building " + building.number + " has no footprint to fit the plan to");
        const OrientedBox db = orientedBoundingBox(drawn), fb = orientedBoundingBox(footprintPts);
        // With units drawn and entrances on the map, the turn that puts each unit by its entrance wins.
        std::function<double(const DrawingPlacement&)> prefer;
        std::map<int, std::vector<Vec2>> unitPoints;
        for (const auto& room : drawing.rooms)
            if (room.unit > 0 && building.entrances.count(room.unit))
                unitPoints[room.unit].push_back(model::centroid(room.polygon));
        if (unitPoints.size() < 2 && !drawing.texts.empty()) {
            // Texts stand upright in the drawing's own orientation: the turn that keeps them upright.
            std::vector<double> angles;
            for (const auto& t : drawing.texts) angles.push_back(t.angleDeg);
            std::nth_element(angles.begin(), angles.begin() + static_cast<std::ptrdiff_t>(angles.size() / 2), angles.end());
            const double textUp = angles[angles.size() / 2];
            prefer = [textUp](const DrawingPlacement& p) { return std::abs(normaliseDeg(p.rotationDeg + textUp)); };
        }
        if (unitPoints.size() >= 2) {
            prefer = [&](const DrawingPlacement& p) {
                double sum = 0;
                for (const auto& [unit, pts] : unitPoints) {
                    Vec2 m{0, 0};
                    for (Vec2 q : pts)
                        m = {m.x + q.x / static_cast<double>(pts.size()), m.y + q.y / static_cast<double>(pts.size())};
                    const Vec2 w = p.toWorld(m), e = building.entrances.at(unit);
                    sum += std::hypot(w.x - e.x, w.y - e.y);
                }
                return sum + 1e-6 * std::abs(p.rotationDeg);
            };
        }
        placement = fitPlacement(db, fb, options.scale, prefer);
        fitted = true;
        const double ra = db.width > 0 ? db.length / db.width : 0, rb = fb.width > 0 ? fb.length / fb.width : 0;
        result.fitMismatch = (ra > 0 && rb > 0) ? std::abs(ra - rb) / rb : 0;
        if (result.fitMismatch > 0.25)
            result.warnings.push_back(what + " does not have the footprint's shape (long/short side " +
                                      std::to_string(ra).substr(0, 4) + " against " + std::to_string(rb).substr(0, 4) +
                                      "): check the fit, or place it with --scale/--rotation/--anchor");
    } else {
        if (!options.anchor) throw InputError(what + ": give --anchor X,Y (with --scale and --rotation) or --fit");
        placement.scale = options.scale.value_or(1.0);
        placement.rotationDeg = options.rotationDeg.value_or(0.0);
        placement.anchor = *options.anchor;
    }
    if (!(placement.scale > 0) || !std::isfinite(placement.scale))
        throw InputError(what + ": the scale must be a positive number");
    if (drawing.format == "generated") fitted = true;

    // Units of flats the labels do not give: along the drawing's long axis (unit 1 first), or by
    // the nearest entrance along the footprint when the map has them.
    const int unitCount = static_cast<int>(building.unitIds.size());
    {
        std::vector<Vec2> drawn;
        for (const auto& room : drawing.rooms) {
            const auto pts = exteriorPoints(room.polygon);
            drawn.insert(drawn.end(), pts.begin(), pts.end());
        }
        const OrientedBox db = orientedBoundingBox(drawn);
        const double a = db.angleDeg / kDegPerRad;
        const Vec2 axis{std::cos(a), std::sin(a)};
        const bool byEntrance = static_cast<int>(building.entrances.size()) == unitCount && unitCount > 1;
        for (auto& room : drawing.rooms) {
            if (room.unit > 0 && !building.unitIds.count(room.unit)) {
                result.warnings.push_back(what + ": room \"" + room.label + "\" says unit " + std::to_string(room.unit) +
                                          ", which building " + building.number + " does not have");
                room.unit = 0;
            }
            if (room.unit > 0 || unitCount == 0 || room.kind == "outline") continue;
            if (unitCount == 1) {
                room.unit = building.unitIds.begin()->first;
                continue;
            }
            const Vec2 m = model::centroid(room.polygon);
            if (byEntrance) {
                const Vec2 w = placement.toWorld(m);
                double bestD = std::numeric_limits<double>::infinity();
                for (const auto& [unit, e] : building.entrances) {
                    const double d = std::hypot(w.x - e.x, w.y - e.y);
                    if (d < bestD) bestD = d, room.unit = unit;
                }
            } else {
                const double t = ((m.x - db.center.x) * axis.x + (m.y - db.center.y) * axis.y) / std::max(1e-12, db.length) + 0.5;
                const int index = std::clamp(static_cast<int>(std::floor(t * unitCount)), 0, unitCount - 1);
                room.unit = std::next(building.unitIds.begin(), index)->first;
            }
        }
    }

    if (feedback) {
        feedback->throwIfCancelled();
        feedback->setProgress(70, "storing rooms");
    }
    const std::string started = nowUtc(c);
    storage::Transaction tx(c);
    const storage::AuditBulkScope auditScope(c); // one summary record, not one per room

    // The building's local frame: kept when earlier rooms stay, else the drawing's lower-left corner.
    std::optional<storage::FloorPlanPlacement> frame;
    {
        storage::Statement st(
            c, "SELECT source, scale, rotation_deg, origin_x, origin_y, fitted FROM floor_plans WHERE building_id = ?");
        st.bind(1, buildingId);
        if (st.step()) {
            storage::FloorPlanPlacement p;
            p.scale = st.columnDouble(1);
            p.rotationDeg = st.columnDouble(2);
            p.originX = st.columnDouble(3);
            p.originY = st.columnDouble(4);
            frame = p;
        }
    }
    // Earlier rooms on the new floors go; those on other floors too keep those floors.
    int remaining = 0;
    {
        std::vector<std::tuple<std::int64_t, int, std::string>> existing;
        storage::Statement st(c, "SELECT id, floor, repeat_on FROM rooms WHERE building_id = ? ORDER BY id");
        st.bind(1, buildingId);
        while (st.step()) existing.emplace_back(st.columnInt(0), static_cast<int>(st.columnInt(1)), st.columnText(2));
        storage::Statement del(c, "DELETE FROM rooms WHERE id = ?");
        storage::Statement delSource(c, "DELETE FROM feature_sources WHERE table_name = 'rooms' AND row_id = ?");
        storage::Statement upd(c, "UPDATE rooms SET floor = ?, repeat_on = ?, household_id = NULL WHERE id = ?");
        for (const auto& [id, floor, repeatOn] : existing) {
            std::vector<int> floors =
                repeatOn.empty() ? std::vector<int>{floor} : storage::parseFloorList(repeatOn, "rooms.repeat_on");
            std::vector<int> left;
            std::set_difference(floors.begin(), floors.end(), newFloors.begin(), newFloors.end(), std::back_inserter(left));
            if (left.size() == floors.size()) {
                ++remaining;
                continue;
            }
            ++result.replacedRooms;
            if (left.empty()) {
                del.bind(1, id);
                del.run();
                delSource.bind(1, id);
                delSource.run();
            } else {
                ++remaining;
                upd.bind(1, left.front());
                if (left.size() > 1)
                    upd.bind(2, storage::formatFloorList(left));
                else
                    upd.bindNull(2);
                upd.bind(3, id);
                upd.run();
            }
        }
    }
    const Rect drawnBounds = drawing.bounds();
    storage::FloorPlanPlacement saved;
    if (frame && remaining > 0) {
        saved = *frame;
    } else if (const auto fpts = exteriorPoints(building.footprint); !fpts.empty()) {
        // The building's own frame: x along the footprint's long side, the origin at a corner of
        // its box, so every plan of the building (drawn or generated) stands the same way up.
        const OrientedBox box = orientedBoundingBox(fpts);
        const double a = box.angleDeg / kDegPerRad;
        const Vec2 u{std::cos(a), std::sin(a)}, v{-u.y, u.x};
        saved.rotationDeg = box.angleDeg;
        saved.originX = box.center.x - u.x * box.length / 2 - v.x * box.width / 2;
        saved.originY = box.center.y - u.y * box.length / 2 - v.y * box.width / 2;
    } else {
        const Vec2 origin = placement.toWorld({drawnBounds.xmin, drawnBounds.ymin});
        saved.rotationDeg = placement.rotationDeg;
        saved.originX = origin.x;
        saved.originY = origin.y;
    }
    saved.source =
        drawing.format == "generated" ? std::string("generated") : std::filesystem::path(drawing.path).filename().string();
    saved.scale = placement.scale;
    saved.fitted = fitted;
    {
        storage::Statement st(c, "INSERT INTO floor_plans (building_id, source, scale, rotation_deg, origin_x, origin_y, fitted) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (building_id) DO UPDATE SET source = ?2, "
                                 "scale = ?3, rotation_deg = ?4, origin_x = ?5, origin_y = ?6, fitted = ?7");
        st.bind(1, buildingId).bind(2, saved.source).bind(3, saved.scale).bind(4, saved.rotationDeg).bind(5, saved.originX);
        st.bind(6, saved.originY).bind(7, saved.fitted ? 1 : 0);
        st.run();
    }
    result.placement = saved;

    std::int64_t importId = 0;
    {
        storage::Statement st(c,
                              "INSERT INTO imports (kind, source, target, started_at, \"user\") VALUES ('floor_plan', ?, ?, ?, ?)");
        const char* user = std::getenv("USER");
        st.bind(1, drawing.format == "generated" ? std::string("generated") : drawing.path)
            .bind(2, "buildings/" + std::to_string(buildingId) + " " + building.number)
            .bind(3, started);
        if (user)
            st.bind(4, user);
        else
            st.bindNull(4);
        st.run();
        importId = c.lastInsertId();
    }

    // Households by unit, floor and flat, to link one-floor flats and to count coverage.
    std::map<std::tuple<int, int, int>, std::int64_t> households;
    {
        storage::Statement st(c, "SELECT h.id, u.number, h.floor, h.room FROM households h JOIN units u ON u.id = h.unit_id "
                                 "WHERE u.building_id = ? ORDER BY h.id");
        st.bind(1, buildingId);
        while (st.step()) {
            const auto label = storage::parseRoomLabel(st.columnText(3));
            const int floor = static_cast<int>(st.columnInt(2));
            if (label && (label->floor == 0 || label->floor == floor))
                households.emplace(std::make_tuple(static_cast<int>(st.columnInt(1)), floor, label->flat), st.columnInt(0));
        }
    }

    // Rooms are in the building's local metres, no CRS (SpatiaLite -1, PostGIS 0).
    storage::Statement ins(c, "INSERT INTO rooms (building_id, floor, unit_id, household_id, label, kind, repeat_on, geom) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, " + storage::geomParam(c, -1) + ")");
    storage::Statement src(c, storage::upsertSql(c, "feature_sources", "table_name, row_id, import_id, source_file, source_layer, source_key",
                                                 "table_name, row_id"));
    for (std::size_t i = 0; i < drawing.rooms.size(); ++i) {
        if (feedback && i % 64 == 0) {
            feedback->throwIfCancelled();
            feedback->setProgress(70 + 29 * static_cast<double>(i) / static_cast<double>(drawing.rooms.size()), "storing rooms");
        }
        const auto& room = drawing.rooms[i];
        const auto& floors = roomFloors[i];
        const Geometry local = transformed(room.polygon, [&](Vec2 p) { return saved.toLocal(placement.toWorld(p)); });
        std::int64_t household = 0;
        const bool flat = room.kind == "flat";
        if (flat) {
            ++result.flats;
            const auto label = storage::parseRoomLabel(room.label);
            if (!label)
                throw InputError(what + ", shape " + room.sourceKey +
                                 ": a flat needs a flat label such as \"01\", \"1-01\" or \"501\", not \"" + room.label + "\"");
            const int k = label->flat;
            bool linked = false;
            for (int f : floors)
                if (auto it = households.find({room.unit, f, k}); it != households.end()) {
                    linked = true;
                    ++result.households;
                    if (floors.size() == 1) household = it->second;
                }
            if (linked) ++result.linkedFlats;
        }
        ins.bind(1, buildingId).bind(2, floors.front());
        if (room.unit > 0)
            ins.bind(3, building.unitIds.at(room.unit));
        else
            ins.bindNull(3);
        if (household)
            ins.bind(4, household);
        else
            ins.bindNull(4);
        if (room.label.empty())
            ins.bindNull(5);
        else
            ins.bind(5, room.label);
        ins.bind(6, room.kind);
        if (floors.size() > 1)
            ins.bind(7, storage::formatFloorList(floors));
        else
            ins.bindNull(7);
        const std::string blob = storage::encodeGeometry(c, local, -1);
        ins.bindBlob(8, blob.data(), blob.size());
        try {
            ins.run();
        } catch (const Error& e) {
            throw InputError(what + ", shape " + room.sourceKey + " (\"" + room.label + "\"): " + e.what());
        }
        const std::int64_t roomId = c.lastInsertId();
        src.bind(1, "rooms").bind(2, roomId).bind(3, importId).bind(4, drawing.format == "generated" ? std::string("generated") : drawing.path);
        if (room.layer.empty())
            src.bindNull(5);
        else
            src.bind(5, room.layer);
        if (room.sourceKey.empty())
            src.bindNull(6);
        else
            src.bind(6, room.sourceKey);
        src.run();
        ++result.rooms;
    }
    {
        storage::Statement st(c, "UPDATE imports SET finished_at = ?, added = ?, updated = ?, summary = ? WHERE id = ?");
        const std::string summary = std::to_string(result.rooms) + " rooms (" + std::to_string(result.flats) +
                                    " flats) on floors " + storage::formatFloorList(result.floors) + " of building " +
                                    building.number;
        st.bind(1, nowUtc(c)).bind(2, result.rooms).bind(3, result.replacedRooms).bind(4, summary).bind(5, importId);
        st.run();
        storage::logAudit(c, "import", "rooms", importId, {}, std::nullopt, summary);
    }
    if (result.flats == 0)
        result.warnings.push_back(what +
                                  ": no shape has a flat label (\"01\", \"1-01\", \"501\"), so the plan shows no households");
    if (feedback) feedback->throwIfCancelled();
    if (!options.dryRun) {
        tx.commit();
        result.importId = importId;
    }
    if (feedback) feedback->setProgress(100, options.dryRun ? "dry run: nothing written" : "done");
    return result;
}

PlanImportResult generateFloorPlan(storage::Atlas& atlas, std::int64_t buildingId, const GenerateOptions& options,
                                   Feedback* feedback) {
    const BuildingInfo building = loadBuilding(atlas, buildingId);
    if (building.unitIds.empty()) throw InputError("building " + building.number + " has no units to generate a floor plan for");
    const auto footprintPts = exteriorPoints(building.footprint);
    if (footprintPts.empty()) throw InputError("building " + building.number + " has no footprint to generate a floor plan in");
    const storage::BuildingTable table = storage::loadBuildingTable(atlas, buildingId);

    int flats = options.flatsPerFloor.value_or(building.flatsPerFloor.value_or(0));
    if (flats == 0)
        for (const auto& u : table.units) flats = std::max(flats, u.flats);
    if (flats < 1 || flats > 50)
        throw InputError("building " + building.number + ": flats per floor must be 1..50, not " + std::to_string(flats));

    std::string floors = options.floors;
    if (floors.empty()) {
        std::vector<int> withHouseholds;
        for (std::size_t r = 0; r < table.floorNumbers.size(); ++r)
            if (table.floorCounts[r].households > 0) withHouseholds.push_back(table.floorNumbers[r]);
        floors = storage::formatFloorList(withHouseholds.empty() ? std::vector<int>{} : withHouseholds);
        if (floors.empty()) floors = "1-" + std::to_string(building.floors);
        if (building.floors == 1 && withHouseholds.empty()) floors = "1";
    }

    // The footprint's box in its own frame: x along the long side, y across, origin at a corner.
    const OrientedBox box = orientedBoundingBox(footprintPts);
    const double L = box.length, W = std::max(box.width, 1.0);
    Drawing d;
    d.format = "generated";
    d.path = "generated";
    auto rect = [](double x0, double y0, double x1, double y1) {
        return Geometry::polygon({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}});
    };
    auto twoDigits = [](int k) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02d", k);
        return std::string(buf);
    };
    const int units = static_cast<int>(building.unitIds.size());
    const double uw = L / units;
    int index = 0;
    for (const auto& [unit, id] : building.unitIds) {
        const double x0 = uw * index++, x1 = x0 + uw;
        const double core = std::min(std::clamp(uw * 0.18, 2.4, 3.6), uw / 3);
        DrawnRoom stair;
        stair.kind = "stair";
        stair.label = "楼梯";
        stair.unit = unit;
        stair.sourceKey = "unit " + std::to_string(unit) + " stair";
        if (flats == 1) {
            stair.polygon = rect(x1 - core, 0, x1, W);
            DrawnRoom f;
            f.kind = "flat";
            f.label = "01";
            f.unit = unit;
            f.sourceKey = "unit " + std::to_string(unit) + " flat 01";
            f.polygon = rect(x0, 0, x1 - core, W);
            d.rooms.push_back(std::move(f));
        } else {
            const double c0 = (x0 + x1) / 2 - core / 2, c1 = c0 + core;
            stair.polygon = rect(c0, 0, c1, W);
            const int left = (flats + 1) / 2, right = flats - left;
            int k = 1;
            for (int side = 0; side < 2; ++side) {
                const int count = side == 0 ? left : right;
                const double a = side == 0 ? x0 : c1, b = side == 0 ? c0 : x1;
                for (int row = 0; row < count; ++row) {
                    DrawnRoom f;
                    f.kind = "flat";
                    f.label = twoDigits(k);
                    f.unit = unit;
                    f.sourceKey = "unit " + std::to_string(unit) + " flat " + f.label;
                    // Top row first: flat 01 at the back left.
                    f.polygon = rect(a, W - W * (row + 1) / count, b, W - W * row / count);
                    d.rooms.push_back(std::move(f));
                    ++k;
                }
            }
        }
        d.rooms.push_back(std::move(stair));
    }
    PlanImportOptions o;
    o.floors = floors;
    o.dryRun = options.dryRun;
    o.scale = 1.0;
    o.rotationDeg = box.angleDeg;
    const double a = box.angleDeg / kDegPerRad;
    const Vec2 u{std::cos(a), std::sin(a)}, v{-u.y, u.x};
    o.anchor = Vec2{box.center.x - u.x * L / 2 - v.x * W / 2, box.center.y - u.y * L / 2 - v.y * W / 2};
    return importDrawing(atlas, buildingId, std::move(d), o, feedback);
}

} // namespace gridatlas::io
