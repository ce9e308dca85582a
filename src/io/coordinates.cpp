#include "io/coordinates.h"

#include <ogr_spatialref.h>
#include <proj.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "model/support/error.h"

namespace gridatlas::io {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

struct ContextDeleter {
    void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct PjDeleter {
    void operator()(PJ* p) const { proj_destroy(p); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

std::string projError(PJ_CONTEXT* ctx) {
    return proj_context_errno_string(ctx, proj_context_errno(ctx));
}

} // namespace

CrsSpec CrsSpec::epsg(int code) {
    const std::string s = "EPSG:" + std::to_string(code);
    return CrsSpec{OffsetSystem::None, s, s};
}

CrsSpec parseCrsOption(const std::string& text) {
    const std::string l = lower(text);
    if (l == "gcj02" || l == "gcj-02" || l == "gcj") return CrsSpec{OffsetSystem::Gcj02, "EPSG:4326", "GCJ-02"};
    if (l == "bd09" || l == "bd-09" || l == "bd09ll" || l == "baidu") return CrsSpec{OffsetSystem::Bd09, "EPSG:4326", "BD-09"};
    std::string def = text;
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
        def = "EPSG:" + text;
    ContextPtr ctx(proj_context_create());
    proj_log_level(ctx.get(), PJ_LOG_NONE); // the InputError below says it
    PjPtr crs(proj_create(ctx.get(), def.c_str()));
    if (!crs || !proj_is_crs(crs.get()))
        throw InputError("--srs '" + text + "' is not a coordinate system PROJ knows (use EPSG:N, gcj02 or bd09)");
    std::string label = def;
    if (l.rfind("epsg:", 0) == 0)
        label = "EPSG:" + def.substr(5);
    else if (const char* name = proj_get_name(crs.get()))
        label = name;
    return CrsSpec{OffsetSystem::None, def, label};
}

CrsSpec crsFromOgr(const OGRSpatialReference* srs) {
    if (!srs || srs->IsEmpty()) return {};
    OGRSpatialReference copy(*srs);
    const char* auth = copy.GetAuthorityName(nullptr);
    if (!auth || std::string(auth) != "EPSG") {
        if (copy.AutoIdentifyEPSG() != OGRERR_NONE) {
            // Ask PROJ for a confident identification (100% match), as ogrinfo does.
            int n = 0;
            int* confidence = nullptr;
            OGRSpatialReferenceH* matches = copy.FindMatches(nullptr, &n, &confidence);
            if (matches && n > 0 && confidence[0] == 100) copy = *OGRSpatialReference::FromHandle(matches[0]);
            OSRFreeSRSArray(matches);
            CPLFree(confidence);
        }
        auth = copy.GetAuthorityName(nullptr);
    }
    if (auth && std::string(auth) == "EPSG" && copy.GetAuthorityCode(nullptr))
        return CrsSpec::epsg(std::atoi(copy.GetAuthorityCode(nullptr)));
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    if (copy.exportToWkt(&wkt, options) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return {};
    }
    CrsSpec spec{OffsetSystem::None, wkt, copy.GetName() ? copy.GetName() : "custom CRS"};
    CPLFree(wkt);
    return spec;
}

bool isGeographic(const CrsSpec& crs) {
    if (crs.offset != OffsetSystem::None) return true;
    ContextPtr ctx(proj_context_create());
    proj_log_level(ctx.get(), PJ_LOG_NONE);
    PjPtr pj(proj_create(ctx.get(), crs.definition.c_str()));
    if (!pj) return false;
    const auto type = proj_get_type(pj.get());
    return type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_GEOGRAPHIC_CRS;
}

struct CoordinatePipeline::Impl {
    ContextPtr ctx;
    PjPtr pj;
};

CoordinatePipeline::CoordinatePipeline(const CrsSpec& from, const CrsSpec& to)
    : m_impl(std::make_unique<Impl>()), m_from(from), m_to(to) {
    if (!from.isKnown()) throw InputError("the source has no coordinate system: give one with --srs (e.g. --srs EPSG:4490)");
    if (!to.isKnown()) throw InputError("no target coordinate system");
    m_errorBound = offsetErrorBoundMetres(from.offset) + offsetErrorBoundMetres(to.offset);
    if (from.definition == to.definition) {
        m_identity = from.offset == to.offset;
        return;
    }
    m_impl->ctx.reset(proj_context_create());
    PJ_CONTEXT* ctx = m_impl->ctx.get();
    proj_log_level(ctx, PJ_LOG_NONE); // failures are reported by the exceptions below, not on stderr
    PjPtr raw(proj_create_crs_to_crs(ctx, from.definition.c_str(), to.definition.c_str(), nullptr));
    if (!raw) throw InputError("cannot transform " + from.label + " -> " + to.label + ": " + projError(ctx));
    m_impl->pj.reset(proj_normalize_for_visualization(ctx, raw.get()));
    if (!m_impl->pj) throw InputError("cannot transform " + from.label + " -> " + to.label + ": " + projError(ctx));
    double accuracy = proj_coordoperation_get_accuracy(ctx, m_impl->pj.get());
    if (accuracy < 0) {
        // PROJ picks among several operations per point and states no single accuracy: look at
        // the operation it would use at the area's centre instead. Conversions within one datum
        // are exact; an unstated datum change (ballpark) is taken as 1 m.
        PjPtr src(proj_create(ctx, from.definition.c_str()));
        PjPtr dst(proj_create(ctx, to.definition.c_str()));
        PjPtr srcDatum(src ? proj_crs_get_datum_forced(ctx, src.get()) : nullptr);
        PjPtr dstDatum(dst ? proj_crs_get_datum_forced(ctx, dst.get()) : nullptr);
        const bool sameDatum = srcDatum && dstDatum && proj_is_equivalent_to(srcDatum.get(), dstDatum.get(), PJ_COMP_EQUIVALENT);
        accuracy = sameDatum ? 0.0 : 1.0;
    }
    m_errorBound += accuracy;
}

CoordinatePipeline::~CoordinatePipeline() = default;

void CoordinatePipeline::apply(model::Geometry& g) const {
    if (m_identity || g.coords.empty()) return;
    if (m_from.offset != OffsetSystem::None)
        for (auto& p : g.coords) p = offsetToWgs84(m_from.offset, p);
    if (m_impl->pj) {
        auto* x = &g.coords[0].x;
        auto* y = &g.coords[0].y;
        const auto n = g.coords.size();
        proj_trans_generic(m_impl->pj.get(), PJ_FWD, x, sizeof(model::Vec2), n, y, sizeof(model::Vec2), n, nullptr, 0, 0, nullptr,
                           0, 0);
        for (const auto& p : g.coords)
            if (!std::isfinite(p.x) || !std::isfinite(p.y) || std::fabs(p.x) == HUGE_VAL)
                throw InputError("a point cannot be transformed from " + m_from.label + " to " + m_to.label +
                                 " (outside the coordinate system's valid area?)");
    }
    if (m_to.offset != OffsetSystem::None)
        for (auto& p : g.coords) p = wgs84ToOffset(m_to.offset, p);
}

model::Vec2 CoordinatePipeline::apply(model::Vec2 p) const {
    model::Geometry g = model::Geometry::point(p);
    apply(g);
    return g.coords[0];
}

} // namespace gridatlas::io
