// PROJ transforms against cs2cs (proj-bin), and the offset systems in the pipeline.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "io/coordinates.h"
#include "model/support/error.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::io;

namespace {

/// Runs cs2cs on points given as (a, b) in the source CRS's authority axis order and returns the
/// answers in the target's authority order (lat/lon for 4326/4490, northing/easting for the
/// Gauss-Kruger CRSs, easting/northing for 3857). One process per CRS pair: proj.db loads once.
bool cs2cs(const std::string& from, const std::string& to, const std::vector<model::Vec2>& in, std::vector<model::Vec2>& out) {
    std::ostringstream cmd;
    cmd.precision(12);
    cmd << "printf '";
    for (const auto& p : in) cmd << p.x << " " << p.y << "\\n";
    cmd << "' | cs2cs -f %.6f " << from << " " << to;
    std::string text;
    if (gridatlas::testing::runCommand(cmd.str(), &text) != 0) return false;
    std::istringstream lines(text);
    std::string line;
    out.clear();
    while (std::getline(lines, line)) {
        std::istringstream ls(line);
        model::Vec2 v;
        if (ls >> v.x >> v.y) out.push_back(v);
    }
    return out.size() == in.size();
}

bool hasCs2cs() {
    return gridatlas::testing::runCommand("command -v cs2cs") == 0;
}

} // namespace

TEST(Coordinates, ProjMatchesCs2csForChineseAndWebCrs) {
    if (!hasCs2cs()) GTEST_SKIP() << "cs2cs (proj-bin) is not installed";
    // Recorded once for reference (PROJ 9.1.1):
    //   echo "39.9 116.4" | cs2cs -f %.4f EPSG:4326 EPSG:4547  ->  4421184.0393  705254.6597
    //   echo "39.9 116.4" | cs2cs -f %.4f EPSG:4326 EPSG:3857  ->  12957588.7283 4851421.1752
    struct Case {
        int from, to;
        bool toNorthingFirst;
    };
    const Case cases[] = {{4326, 4547, true}, {4490, 4547, true}, {4326, 3857, false}, {4490, 3857, false}, {4326, 4490, false}};
    const LonLat points[] = {{116.4, 39.9}, {114.3, 30.5}, {113.26, 23.13}, {111.75, 40.84}};
    for (const auto& c : cases) {
        const CoordinatePipeline t(CrsSpec::epsg(c.from), CrsSpec::epsg(c.to));
        std::vector<model::Vec2> latLon, answers;
        for (const auto& p : points) latLon.push_back({p.y, p.x});
        ASSERT_TRUE(cs2cs("EPSG:" + std::to_string(c.from), "EPSG:" + std::to_string(c.to), latLon, answers));
        for (std::size_t i = 0; i < std::size(points); ++i) {
            const auto& p = points[i];
            const double a = answers[i].x, b = answers[i].y;
            const model::Vec2 ours = t.apply(p);
            // cs2cs answers in authority order: 4490 as lat/lon, GK as northing/easting.
            const bool geographicOut = c.to == 4490;
            const double x = geographicOut ? b : (c.toNorthingFirst ? b : a);
            const double y = geographicOut ? a : (c.toNorthingFirst ? a : b);
            const double tol = geographicOut ? 1e-6 : 0.001; // 1 mm (or 1e-6 degrees: cs2cs prints 6 decimals)
            EXPECT_NEAR(ours.x, x, tol) << c.from << "->" << c.to << " at " << p.x << "," << p.y;
            EXPECT_NEAR(ours.y, y, tol) << c.from << "->" << c.to << " at " << p.x << "," << p.y;
        }
    }
}

TEST(Coordinates, ProjectedToProjectedMatchesCs2cs) {
    if (!hasCs2cs()) GTEST_SKIP() << "cs2cs (proj-bin) is not installed";
    const CoordinatePipeline t(CrsSpec::epsg(4547), CrsSpec::epsg(3857));
    const model::Vec2 p{705254.6597, 4421184.0393};
    std::vector<model::Vec2> answers;
    ASSERT_TRUE(cs2cs("EPSG:4547", "EPSG:3857", {{p.y, p.x}}, answers));
    const auto ours = t.apply(p);
    EXPECT_NEAR(ours.x, answers[0].x, 0.001);
    EXPECT_NEAR(ours.y, answers[0].y, 0.001);
}

TEST(Coordinates, GcjSourceLandsOnTheWgsPosition) {
    // A GCJ-02 point from Amap, into an atlas in EPSG:4547: equals the WGS84 point through PROJ.
    const LonLat wgs{116.377817, 39.911954};
    const LonLat gcj{116.38404722455657, 39.91334545536069};
    const CoordinatePipeline fromGcj(parseCrsOption("gcj02"), CrsSpec::epsg(4547));
    const CoordinatePipeline fromWgs(CrsSpec::epsg(4326), CrsSpec::epsg(4547));
    const auto a = fromGcj.apply(gcj);
    const auto b = fromWgs.apply(wgs);
    EXPECT_LT(std::hypot(a.x - b.x, a.y - b.y), 0.5);
    EXPECT_GE(fromGcj.errorBoundMetres(), 1.0);
    // And back out to GCJ-02 for Amap (export --srs gcj02).
    const CoordinatePipeline toGcj(CrsSpec::epsg(4547), parseCrsOption("gcj02"));
    const auto back = toGcj.apply(a);
    EXPECT_LT(haversineMetres(back, gcj), 0.01);
}

TEST(Coordinates, ErrorBoundsFollowTheOperation) {
    EXPECT_EQ(CoordinatePipeline(CrsSpec::epsg(4548), CrsSpec::epsg(4548)).errorBoundMetres(), 0.0);
    EXPECT_TRUE(CoordinatePipeline(CrsSpec::epsg(4548), CrsSpec::epsg(4548)).isIdentity());
    // Same datum (CGCS2000 geographic -> CGCS2000 GK): a conversion, exact.
    EXPECT_EQ(CoordinatePipeline(CrsSpec::epsg(4490), CrsSpec::epsg(4547)).errorBoundMetres(), 0.0);
    // WGS84 -> CGCS2000: PROJ's ballpark, taken as 1 m.
    EXPECT_GT(CoordinatePipeline(CrsSpec::epsg(4326), CrsSpec::epsg(4547)).errorBoundMetres(), 0.0);
}

TEST(Coordinates, SrsOptionsParseOrFailClearly) {
    EXPECT_EQ(parseCrsOption("EPSG:4490").label, "EPSG:4490");
    EXPECT_EQ(parseCrsOption("4547").definition, "EPSG:4547");
    EXPECT_EQ(parseCrsOption("GCJ-02").offset, OffsetSystem::Gcj02);
    EXPECT_EQ(parseCrsOption("bd09").offset, OffsetSystem::Bd09);
    try {
        (void)parseCrsOption("EPSG:999999");
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("EPSG:999999"), std::string::npos) << e.what();
    }
}
