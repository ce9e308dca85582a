#include "io/gdal_dataset.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <mutex>

#include "model/support/error.h"

namespace gridatlas::io {

using model::Geometry;
using model::GeomType;
using model::Vec2;

void ensureGdalRegistered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

GdalMessages::GdalMessages() {
    CPLPushErrorHandlerEx(&GdalMessages::handler, this);
}
GdalMessages::~GdalMessages() {
    CPLPopErrorHandler();
}

void CPL_STDCALL GdalMessages::handler(CPLErr level, CPLErrorNum, const char* message) {
    auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
    if (!self) return;
    if (level == CE_Failure || level == CE_Fatal)
        self->m_errors.emplace_back(message ? message : "");
    else if (level == CE_Warning)
        self->m_warnings.emplace_back(message ? message : "");
}

std::string GdalMessages::lastError() const {
    return m_errors.empty() ? std::string() : m_errors.back();
}

void GdalMessages::clear() {
    m_errors.clear();
    m_warnings.clear();
}

OptionList::OptionList(const std::vector<std::string>& items) : m_items(items) {
}
void OptionList::add(const std::string& item) {
    m_items.push_back(item);
}
char** OptionList::get() {
    m_ptrs.clear();
    for (auto& s : m_items) m_ptrs.push_back(s.data());
    m_ptrs.push_back(nullptr);
    return m_ptrs.data();
}

GDALDatasetUniquePtr openVectorDataset(const std::string& path, const std::vector<std::string>& openOptions) {
    ensureGdalRegistered();
    std::error_code ec;
    // /vsizip/ and other virtual paths are GDAL's business; plain paths are checked here so the
    // message says "does not exist" rather than GDAL's "not recognised as a supported file format".
    if (path.rfind("/vsi", 0) != 0 && !std::filesystem::exists(path, ec))
        throw InputError("cannot open '" + path + "': the file does not exist");
    GdalMessages messages;
    OptionList options(openOptions);
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, nullptr,
                                              options.get(), nullptr));
    if (!ds) {
        std::string reason = messages.lastError();
        if (reason.empty()) reason = "not a vector format GDAL can read";
        throw InputError("cannot open '" + path + "': " + reason);
    }
    return ds;
}

namespace {

void appendCurve(const OGRSimpleCurve& c, Geometry& out) {
    const int n = c.getNumPoints();
    for (int i = 0; i < n; ++i) out.coords.push_back(Vec2{c.getX(i), c.getY(i)});
    out.ringEnds.push_back(static_cast<std::uint32_t>(out.coords.size()));
}

void appendPolygon(const OGRPolygon& p, Geometry& out) {
    if (p.IsEmpty()) return;
    appendCurve(*p.getExteriorRing(), out);
    for (int i = 0; i < p.getNumInteriorRings(); ++i) appendCurve(*p.getInteriorRing(i), out);
    out.partEnds.push_back(static_cast<std::uint32_t>(out.ringEnds.size()));
}

int dimensionOf(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
    case wkbPoint:
    case wkbMultiPoint:
        return 0;
    case wkbLineString:
    case wkbMultiLineString:
        return 1;
    case wkbPolygon:
    case wkbMultiPolygon:
        return 2;
    default:
        return -1;
    }
}

// Collects the simple parts of a (linear, 2D) geometry, recursing into collections.
void collectParts(const OGRGeometry& g, std::vector<const OGRGeometry*>& parts) {
    const auto t = wkbFlatten(g.getGeometryType());
    if (t == wkbMultiPoint || t == wkbMultiLineString || t == wkbMultiPolygon || t == wkbGeometryCollection) {
        const auto& coll = *g.toGeometryCollection();
        for (const auto* part : coll) collectParts(*part, parts);
    } else if (!g.IsEmpty()) {
        parts.push_back(&g);
    }
}

} // namespace

Geometry fromOgr(const OGRGeometry& source, GeometryNotes* notes) {
    Geometry out;
    if (source.IsEmpty()) return out;
    std::unique_ptr<OGRGeometry> owned;
    const OGRGeometry* g = &source;
    if (g->hasCurveGeometry(TRUE)) {
        owned.reset(g->getLinearGeometry());
        if (!owned) return out;
        g = owned.get();
        if (notes) notes->linearised = true;
    }
    if (notes && (g->Is3D() || g->IsMeasured())) notes->droppedZ = true;

    std::vector<const OGRGeometry*> parts;
    collectParts(*g, parts);
    int dim = -1;
    for (const auto* p : parts) dim = std::max(dim, dimensionOf(p->getGeometryType()));
    std::vector<const OGRGeometry*> kept;
    for (const auto* p : parts) {
        if (dimensionOf(p->getGeometryType()) == dim)
            kept.push_back(p);
        else if (notes)
            notes->mixedDropped = true;
    }
    if (kept.empty()) return out;
    const bool multi = kept.size() > 1 || OGR_GT_IsSubClassOf(wkbFlatten(g->getGeometryType()), wkbGeometryCollection);
    for (const auto* p : kept) {
        switch (dim) {
        case 0: {
            const auto* pt = p->toPoint();
            out.coords.push_back(Vec2{pt->getX(), pt->getY()});
            out.ringEnds.push_back(static_cast<std::uint32_t>(out.coords.size()));
            break;
        }
        case 1:
            appendCurve(*p->toSimpleCurve(), out);
            break;
        case 2:
            appendPolygon(*p->toPolygon(), out);
            break;
        default:
            break;
        }
    }
    if (out.coords.empty()) return Geometry{};
    switch (dim) {
    case 0:
        out.type = multi ? GeomType::MultiPoint : GeomType::Point;
        break;
    case 1:
        out.type = multi ? GeomType::MultiLineString : GeomType::LineString;
        break;
    default:
        out.type = multi ? GeomType::MultiPolygon : GeomType::Polygon;
        break;
    }
    return out;
}

namespace {
std::unique_ptr<OGRLinearRing> ringOf(const Geometry& g, std::size_t ring) {
    auto r = std::make_unique<OGRLinearRing>();
    const auto b = g.ringBegin(ring);
    for (auto i = b; i < g.ringEnds[ring]; ++i) r->addPoint(g.coords[i].x, g.coords[i].y);
    return r;
}
std::unique_ptr<OGRLineString> lineOf(const Geometry& g, std::size_t ring) {
    auto l = std::make_unique<OGRLineString>();
    const auto b = g.ringBegin(ring);
    for (auto i = b; i < g.ringEnds[ring]; ++i) l->addPoint(g.coords[i].x, g.coords[i].y);
    return l;
}
std::unique_ptr<OGRPolygon> polygonOf(const Geometry& g, std::size_t firstRing, std::size_t endRing) {
    auto p = std::make_unique<OGRPolygon>();
    for (auto r = firstRing; r < endRing; ++r) p->addRingDirectly(ringOf(g, r).release());
    return p;
}
} // namespace

std::unique_ptr<OGRGeometry> toOgr(const Geometry& g) {
    switch (g.type) {
    case GeomType::None:
        return nullptr;
    case GeomType::Point:
        return std::make_unique<OGRPoint>(g.coords.at(0).x, g.coords.at(0).y);
    case GeomType::LineString:
        return lineOf(g, 0);
    case GeomType::Polygon:
        return polygonOf(g, 0, g.ringEnds.size());
    case GeomType::MultiPoint: {
        auto m = std::make_unique<OGRMultiPoint>();
        for (std::size_t i = 0; i < g.ringEnds.size(); ++i) {
            const auto& p = g.coords[g.ringBegin(i)];
            m->addGeometryDirectly(new OGRPoint(p.x, p.y));
        }
        return m;
    }
    case GeomType::MultiLineString: {
        auto m = std::make_unique<OGRMultiLineString>();
        for (std::size_t i = 0; i < g.ringEnds.size(); ++i) m->addGeometryDirectly(lineOf(g, i).release());
        return m;
    }
    case GeomType::MultiPolygon: {
        auto m = std::make_unique<OGRMultiPolygon>();
        std::size_t ring = 0;
        for (auto end : g.partEnds) {
            m->addGeometryDirectly(polygonOf(g, ring, end).release());
            ring = end;
        }
        return m;
    }
    }
    return nullptr;
}

OGRwkbGeometryType toOgrType(GeomType t) {
    switch (t) {
    case GeomType::Point:
        return wkbPoint;
    case GeomType::LineString:
        return wkbLineString;
    case GeomType::Polygon:
        return wkbPolygon;
    case GeomType::MultiPoint:
        return wkbMultiPoint;
    case GeomType::MultiLineString:
        return wkbMultiLineString;
    case GeomType::MultiPolygon:
        return wkbMultiPolygon;
    case GeomType::None:
        break;
    }
    return wkbNone;
}

} // namespace gridatlas::io
