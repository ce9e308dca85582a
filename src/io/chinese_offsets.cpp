#include "io/chinese_offsets.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace gridatlas::io {

namespace {

constexpr double kPi = std::numbers::pi;
// Krasovsky 1940, as the published GCJ-02 formula uses it.
constexpr double kA = 6378245.0;
constexpr double kEe = 0.00669342162296594323;
// Baidu's "x_pi": the rotation term's frequency.
constexpr double kXPi = kPi * 3000.0 / 180.0;

double offsetLat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offsetLon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
    return r;
}

/// Solves f(x) = target for x, where f is close to the identity plus a smooth offset: each step
/// moves x by the remaining error. Converges geometrically because the offset's slope is tiny.
template <class Forward> LonLat invert(LonLat target, Forward&& forward) {
    LonLat x = target;
    for (int i = 0; i < 30; ++i) {
        const LonLat f = forward(x);
        const double dx = f.x - target.x;
        const double dy = f.y - target.y;
        x.x -= dx;
        x.y -= dy;
        if (std::fabs(dx) < 1e-10 && std::fabs(dy) < 1e-10) break;
    }
    return x;
}

} // namespace

bool insideChina(LonLat p) {
    return p.x >= 72.004 && p.x <= 137.8347 && p.y >= 0.8293 && p.y <= 55.8271;
}

LonLat wgs84ToGcj02(LonLat wgs) {
    if (!insideChina(wgs)) return wgs;
    double dLat = offsetLat(wgs.x - 105.0, wgs.y - 35.0);
    double dLon = offsetLon(wgs.x - 105.0, wgs.y - 35.0);
    const double radLat = wgs.y / 180.0 * kPi;
    double magic = std::sin(radLat);
    magic = 1 - kEe * magic * magic;
    const double sqrtMagic = std::sqrt(magic);
    dLat = (dLat * 180.0) / ((kA * (1 - kEe)) / (magic * sqrtMagic) * kPi);
    dLon = (dLon * 180.0) / (kA / sqrtMagic * std::cos(radLat) * kPi);
    return {wgs.x + dLon, wgs.y + dLat};
}

LonLat gcj02ToWgs84(LonLat gcj) {
    if (!insideChina(gcj)) return gcj;
    return invert(gcj, wgs84ToGcj02);
}

LonLat gcj02ToBd09(LonLat gcj) {
    const double x = gcj.x;
    const double y = gcj.y;
    const double z = std::sqrt(x * x + y * y) + 0.00002 * std::sin(y * kXPi);
    const double theta = std::atan2(y, x) + 0.000003 * std::cos(x * kXPi);
    return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat bd09ToGcj02(LonLat bd) {
    // Baidu's published inverse as the starting point, then iterate on the exact forward.
    const double x = bd.x - 0.0065;
    const double y = bd.y - 0.006;
    const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * kXPi);
    const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * kXPi);
    LonLat g{z * std::cos(theta), z * std::sin(theta)};
    for (int i = 0; i < 30; ++i) {
        const LonLat f = gcj02ToBd09(g);
        const double dx = f.x - bd.x;
        const double dy = f.y - bd.y;
        g.x -= dx;
        g.y -= dy;
        if (std::fabs(dx) < 1e-10 && std::fabs(dy) < 1e-10) break;
    }
    return g;
}

LonLat wgs84ToBd09(LonLat wgs) {
    return gcj02ToBd09(wgs84ToGcj02(wgs));
}
LonLat bd09ToWgs84(LonLat bd) {
    return gcj02ToWgs84(bd09ToGcj02(bd));
}

LonLat offsetToWgs84(OffsetSystem system, LonLat p) {
    switch (system) {
    case OffsetSystem::Gcj02:
        return gcj02ToWgs84(p);
    case OffsetSystem::Bd09:
        return bd09ToWgs84(p);
    case OffsetSystem::None:
        break;
    }
    return p;
}

LonLat wgs84ToOffset(OffsetSystem system, LonLat p) {
    switch (system) {
    case OffsetSystem::Gcj02:
        return wgs84ToGcj02(p);
    case OffsetSystem::Bd09:
        return wgs84ToBd09(p);
    case OffsetSystem::None:
        break;
    }
    return p;
}

const char* offsetSystemName(OffsetSystem system) {
    switch (system) {
    case OffsetSystem::Gcj02:
        return "GCJ-02";
    case OffsetSystem::Bd09:
        return "BD-09";
    case OffsetSystem::None:
        break;
    }
    return "";
}

double offsetErrorBoundMetres(OffsetSystem system) {
    switch (system) {
    case OffsetSystem::Gcj02:
        return 1.0;
    case OffsetSystem::Bd09:
        return 2.0;
    case OffsetSystem::None:
        break;
    }
    return 0.0;
}

double haversineMetres(LonLat a, LonLat b) {
    constexpr double kR = 6371008.8;
    const double p1 = a.y * kPi / 180.0;
    const double p2 = b.y * kPi / 180.0;
    const double dp = p2 - p1;
    const double dl = (b.x - a.x) * kPi / 180.0;
    const double h = std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2 * kR * std::asin(std::min(1.0, std::sqrt(h)));
}

} // namespace gridatlas::io
