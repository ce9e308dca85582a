#include "storage/crs.h"

#include <proj.h>

#include <algorithm>
#include <cmath>

#include "model/support/error.h"

namespace gridatlas::storage {

int gaussKrugerZoneEpsg(double longitude) {
    int cm = static_cast<int>(std::lround(longitude / 3.0)) * 3;
    cm = std::clamp(cm, 75, 135);
    return 4534 + (cm - 75) / 3;
}

struct CoordinateTransform::Impl {
    PJ_CONTEXT* ctx = nullptr;
    PJ* pj = nullptr;
    std::string from, to;
    ~Impl() {
        if (pj) proj_destroy(pj);
        if (ctx) proj_context_destroy(ctx);
    }
};

CoordinateTransform::CoordinateTransform(const std::string& fromCrs, const std::string& toCrs) : m_impl(std::make_unique<Impl>()) {
    m_impl->from = fromCrs;
    m_impl->to = toCrs;
    m_impl->ctx = proj_context_create();
    PJ* raw = proj_create_crs_to_crs(m_impl->ctx, fromCrs.c_str(), toCrs.c_str(), nullptr);
    if (!raw)
        throw InputError("cannot transform " + fromCrs + " -> " + toCrs + ": " +
                         proj_context_errno_string(m_impl->ctx, proj_context_errno(m_impl->ctx)));
    m_impl->pj = proj_normalize_for_visualization(m_impl->ctx, raw);
    proj_destroy(raw);
    if (!m_impl->pj)
        throw InputError("cannot normalise " + fromCrs + " -> " + toCrs + ": " +
                         proj_context_errno_string(m_impl->ctx, proj_context_errno(m_impl->ctx)));
}

CoordinateTransform::~CoordinateTransform() = default;

model::Vec2 CoordinateTransform::apply(model::Vec2 p) const {
    const PJ_COORD out = proj_trans(m_impl->pj, PJ_FWD, proj_coord(p.x, p.y, 0, 0));
    if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y) || out.xy.x == HUGE_VAL)
        throw InputError("cannot transform (" + std::to_string(p.x) + ", " + std::to_string(p.y) + ") from " + m_impl->from +
                         " to " + m_impl->to);
    return {out.xy.x, out.xy.y};
}

} // namespace gridatlas::storage
