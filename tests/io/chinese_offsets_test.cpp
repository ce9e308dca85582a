// GCJ-02 / BD-09: published test points within 0.5 m, inverses round-trip within 1 cm.
#include <gtest/gtest.h>

#include "io/chinese_offsets.h"

using namespace gridatlas::io;

namespace {

struct Known {
    LonLat from;
    LonLat to;
    const char* where;
};

// googollee/eviltransform tests (wgsLat, wgsLng -> gcjLat, gcjLng), written here lon first.
constexpr Known kWgsToGcj[] = {
    {{121.5272106, 31.1774276}, {121.531541859215, 31.17530398364597}, "Shanghai"},
    {{113.912316, 22.543847}, {113.9171764808363, 22.540796131694766}, "Shenzhen"},
    {{116.377817, 39.911954}, {116.38404722455657, 39.91334545536069}, "Beijing"},
    // wandergis/coordtransform README: wgs84togcj02(116.404, 39.915).
    {{116.404, 39.915}, {116.41024449916938, 39.91640428150164}, "Beijing (coordtransform)"},
};
// wandergis/coordtransform README: gcj02tobd09(116.404, 39.915), bd09togcj02(116.404, 39.915).
constexpr Known kGcjToBd[] = {{{116.404, 39.915}, {116.41036949371029, 39.92133699351021}, "coordtransform"}};
constexpr Known kBdToGcj[] = {{{116.404, 39.915}, {116.39762729119315, 39.90865673957631}, "coordtransform"}};
// A BD-09 test vector from a JavaScript CRS library's test suite (BD09 (123, 45) -> GCJ-02
// (122.99363304, 44.99365430) -> WGS84 (122.98762210, 44.99171540), checked there to 1e-5 degrees).
// (eviltransform's TESTS_bd points are not used: they differ from every published formula by
// 10-40 m, presumably read from Baidu's service rather than computed.)
constexpr Known kBdToGcjJs[] = {{{123.0, 45.0}, {122.99363304, 44.99365430}, "js vector"}};
constexpr Known kBdToWgs[] = {{{123.0, 45.0}, {122.98762210, 44.99171540}, "js vector"}};

} // namespace

TEST(ChineseOffsets, WgsToGcjMatchesPublishedPointsWithinHalfMetre) {
    for (const auto& k : kWgsToGcj) EXPECT_LT(haversineMetres(wgs84ToGcj02(k.from), k.to), 0.5) << k.where;
}

TEST(ChineseOffsets, GcjToWgsMatchesPublishedPointsWithinHalfMetre) {
    for (const auto& k : kWgsToGcj) EXPECT_LT(haversineMetres(gcj02ToWgs84(k.to), k.from), 0.5) << k.where;
}

TEST(ChineseOffsets, BaiduConversionsMatchPublishedPoints) {
    for (const auto& k : kGcjToBd) EXPECT_LT(haversineMetres(gcj02ToBd09(k.from), k.to), 0.5) << k.where;
    // Baidu's own inverse formula is approximate: our iterated inverse must still land within 0.5 m of it.
    for (const auto& k : kBdToGcj) EXPECT_LT(haversineMetres(bd09ToGcj02(k.from), k.to), 0.5) << k.where;
    for (const auto& k : kBdToGcjJs) EXPECT_LT(haversineMetres(bd09ToGcj02(k.from), k.to), 0.5) << k.where;
    for (const auto& k : kBdToWgs) EXPECT_LT(haversineMetres(bd09ToWgs84(k.from), k.to), 0.5) << k.where;
}

TEST(ChineseOffsets, OffsetsAreHundredsOfMetresInChina) {
    // The whole point: GCJ-02 is far enough off to put a point in the wrong compound.
    const LonLat hohhot{111.75, 40.84};
    const double d = haversineMetres(hohhot, wgs84ToGcj02(hohhot));
    EXPECT_GT(d, 100.0);
    EXPECT_LT(d, 1000.0);
    EXPECT_GT(haversineMetres(hohhot, wgs84ToBd09(hohhot)), d);
}

TEST(ChineseOffsets, InversesRoundTripWithinOneCentimetreAcrossChina) {
    double worstGcj = 0, worstBd = 0;
    for (double lon = 74.0; lon <= 134.0; lon += 2.5) {
        for (double lat = 18.0; lat <= 53.0; lat += 2.5) {
            const LonLat p{lon + 0.123456, lat + 0.0654321};
            worstGcj = std::max(worstGcj, haversineMetres(gcj02ToWgs84(wgs84ToGcj02(p)), p));
            worstGcj = std::max(worstGcj, haversineMetres(wgs84ToGcj02(gcj02ToWgs84(p)), p));
            worstBd = std::max(worstBd, haversineMetres(bd09ToWgs84(wgs84ToBd09(p)), p));
            worstBd = std::max(worstBd, haversineMetres(gcj02ToBd09(bd09ToGcj02(p)), p));
        }
    }
    EXPECT_LT(worstGcj, 0.01);
    EXPECT_LT(worstBd, 0.01);
}

TEST(ChineseOffsets, PointsOutsideChinaAreUnchanged) {
    const LonLat london{-0.1275, 51.5072};
    EXPECT_EQ(wgs84ToGcj02(london), london);
    EXPECT_EQ(gcj02ToWgs84(london), london);
    EXPECT_FALSE(insideChina(london));
}
