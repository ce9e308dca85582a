// Files nobody on the project made (../shared/realdata, see its README): they import and render.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <ogrsf_frmts.h>

#include "io/gdal_dataset.h"
#include "io/io_test_util.h"
#include "io/vector_source.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::testing;
namespace fs = std::filesystem;

namespace {

/// Renders `layers` of the atlas through a map document written for the test; returns the PNG size.
std::uintmax_t render(const FixtureAtlas& f, const std::vector<std::pair<std::string, std::string>>& layers) {
    const std::string map = f.dir.file("map.json");
    {
        std::ofstream out(map);
        out << R"({"title": "导入测试", "extent": "auto", "page": {"size": "A4", "orientation": "landscape"}, "layers": [)";
        for (std::size_t i = 0; i < layers.size(); ++i)
            out << (i ? "," : "") << R"({"name": ")" << layers[i].first << i << R"(", "source": ")" << layers[i].first
                << R"(", "style": ")" << sourcePath("styles/" + layers[i].second) << R"("})";
        out << "]}";
    }
    const std::string png = f.dir.file("map.png");
    std::string out;
    EXPECT_EQ(cli("render --atlas " + q(f.path) + " --map " + q(map) + " --out " + q(png) + " --dpi 60", &out), 0) << out;
    std::error_code ec;
    return fs::exists(png) ? fs::file_size(png, ec) : 0;
}

} // namespace

TEST(RealData, CadastralDxfBuildingsImportWithSrsAndRender) {
    const std::string dxf = realdataPath("dxf_cadastral_hatch_libspatialite.dxf");
    if (dxf.empty()) GTEST_SKIP() << "../shared/realdata is not present";
    // Italian cadastral drawing (Monte Mario / Gauss-Boaga west, EPSG:3003), no CRS in the file.
    FixtureAtlas f(32632);
    if (f.atlas->connection().engine() != storage::Engine::PostgreSQL) // (PostGIS knows every EPSG code already)
        f.atlas->connection().exec("SELECT InsertEpsgSrid(3003)");
    addCommunity(*f.atlas, model::Rect::of(660000, 4830000, 700000, 4870000), "IT01");
    f.atlas.reset();
    std::string out;
    EXPECT_EQ(cli("import --atlas " + q(f.path) + " " + q(dxf) + " --as buildings --where " + q("Layer = 'RetinoFabb'"), &out),
              1);
    EXPECT_NE(out.find("states no coordinate system: give it with --srs"), std::string::npos) << out;
    ASSERT_EQ(
        cli("import --atlas " + q(f.path) + " " + q(dxf) + " --as buildings --srs EPSG:3003 --where " + q("Layer = 'RetinoFabb'"),
            &out),
        0)
        << out;
    EXPECT_NE(out.find("added 4"), std::string::npos) << out;
    EXPECT_NE(out.find("skipped 4"), std::string::npos) << out;
    EXPECT_EQ(out.find("warning"), std::string::npos) << out;
    // The parcels are closed polylines: they become grids-like areas only when asked; here the
    // polyline parcels import as buildings too (closed lines read as polygons).
    ASSERT_EQ(
        cli("import --atlas " + q(f.path) + " " + q(dxf) + " --as buildings --srs EPSG:3003 --where " + q("Layer = 'Particelle'"),
            &out),
        0)
        << out;
    EXPECT_NE(out.find("closed lines read as polygons: 2"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(f.path);
    EXPECT_EQ(countRows(*atlas, "buildings"), 6);
    EXPECT_EQ(countRows(*atlas, "buildings", "ST_IsValid(geom) AND ST_Area(geom) > 1"), 6);
    EXPECT_EQ(countRows(*atlas, "feature_sources", "source_crs = 'EPSG:3003' AND source_key IS NOT NULL"), 6);
    atlas.reset();
    EXPECT_GT(render(f, {{"buildings", "buildings-plain.json"}}), 1000u);
}

TEST(RealData, GeoPackageWithCustomCrsImports) {
    const std::string gpkg = realdataPath("gpkg_buildings_soho_rcransf.gpkg");
    if (gpkg.empty()) GTEST_SKIP() << "../shared/realdata is not present";
    // 158 Soho footprints in an OSGB-like Transverse Mercator given only as WKT (no EPSG code).
    FixtureAtlas f(27700);
    addCommunity(*f.atlas, model::Rect::of(520000, 170000, 540000, 190000), "SOHO");
    f.atlas.reset();
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(gpkg) + " --as buildings --partial", &out), 0) << out;
    EXPECT_NE(out.find("read 158"), std::string::npos) << out;
    EXPECT_EQ(out.find("warning"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(f.path);
    const auto n = countRows(*atlas, "buildings");
    EXPECT_GE(n, 150); // every footprint, repaired where needed; multi-part ones split
    // The CRS is identified as (or equivalent to) British National Grid: coordinates barely move.
    EXPECT_NEAR(atlas->connection()
                    .queryInt(atlas->connection().engine() == storage::Engine::PostgreSQL
                                  ? "SELECT CAST(ST_XMin(ST_Extent(geom)) AS INTEGER) FROM buildings"
                                  : "SELECT CAST(MbrMinX(Extent(geom)) AS INTEGER) FROM buildings")
                    .value_or(0),
                528895,
                5);
    atlas.reset();
    EXPECT_GT(render(f, {{"buildings", "buildings-plain.json"}}), 1000u);
}

TEST(RealData, TaiwanUtf8ShapefilesWithoutCpgKeepTheirChinese) {
    const std::string dir = realdataPath("shp_taiwan_utf8_nocpg");
    if (dir.empty()) GTEST_SKIP() << "../shared/realdata is not present";
    // What GDAL itself reads when told the DBF is UTF-8: our detection must give the same text.
    std::vector<std::string> expected;
    {
        io::ensureGdalRegistered();
        auto ds = io::openVectorDataset(dir + "/route.shp", {"ENCODING=UTF-8"});
        for (auto& feat : *ds->GetLayer(0)) expected.emplace_back(feat->GetFieldAsString("name"));
    }
    ASSERT_FALSE(expected.empty());
    io::VectorSource src(dir + "/route.shp", "");
    EXPECT_NE(src.encoding().find("UTF-8 (detected"), std::string::npos) << src.encoding();

    FixtureAtlas f(3826); // TWD97 / TM2 zone 121
    addCommunity(*f.atlas, model::Rect::of(100000, 2400000, 400000, 2800000), "TW");
    f.atlas.reset();
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(dir + "/route.shp") + " --as streets", &out), 0) << out;
    // leisure.shp holds four records without a shape: they are rejected by feature id, the fifth stored.
    EXPECT_EQ(cli("import --atlas " + q(f.path) + " " + q(dir + "/leisure.shp") + " --as buildings", &out), 1) << out;
    EXPECT_NE(out.find("layer 'leisure', feature 0, field geometry: the feature has no geometry"), std::string::npos) << out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(dir + "/leisure.shp") + " --as buildings --partial", &out), 0) << out;
    EXPECT_NE(out.find("added 1, updated 0, unchanged 0, rejected 4"), std::string::npos) << out;
    const std::string mapping = f.dir.file("posts.json");
    std::ofstream(mapping) << R"({"fields": {"type": {"value": "activity_room"}}})";
    ASSERT_EQ(
        cli("import --atlas " + q(f.path) + " " + q(dir + "/hystoric.shp") + " --as service_posts --mapping " + q(mapping), &out),
        0)
        << out;
    auto atlas = storage::Atlas::open(f.path);
    // Bus routes are multi-part lines: one street per part, split again where parts meet.
    EXPECT_GE(countRows(*atlas, "streets"), static_cast<std::int64_t>(expected.size()));
    EXPECT_EQ(atlas->connection().queryInt("SELECT COUNT(DISTINCT name) FROM streets"),
              static_cast<std::int64_t>(std::set<std::string>(expected.begin(), expected.end()).size()));
    for (const auto& name : expected) {
        if (name.empty()) continue;
        storage::Statement st(atlas->connection(), "SELECT COUNT(*) FROM streets WHERE name = ?");
        st.bind(1, name);
        ASSERT_TRUE(st.step());
        EXPECT_GE(st.columnInt(0), 1) << name;
    }
    EXPECT_EQ(countRows(*atlas, "service_posts"), 15);
    EXPECT_EQ(countRows(*atlas, "buildings"), 1);
    atlas.reset();
    EXPECT_GT(render(f, {{"streets", "streets.json"}, {"buildings", "buildings-plain.json"}}), 1000u);
}

TEST(RealData, OpenStreetMapExtractRenders) {
    // No OSM file in ../shared/realdata: tests/io/data/hohhot_compound.osm is written by hand for
    // the tests (see import_test.cpp); this renders what it imports.
    const int srid = 4546; // CGCS2000 GK CM 111E
    FixtureAtlas f(srid);
    addCommunity(*f.atlas, model::Rect::of(300000, 4400000, 700000, 4600000), "HH");
    f.atlas.reset();
    const std::string osm = sourcePath("tests/io/data/hohhot_compound.osm");
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(osm) + " --as buildings", &out), 0) << out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(osm) + " --as streets", &out), 0) << out;
    EXPECT_GT(render(f, {{"streets", "streets.json"}, {"buildings", "buildings-plain.json"}}), 1000u);
}
