// Import behaviour: mapping, validation, transactions, idempotence, encodings, geometry repair,
// OpenStreetMap, coordinates.
#include <gtest/gtest.h>
#include <iconv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <fstream>

#include "io/gdal_dataset.h"
#include "io/io_test_util.h"
#include "io/vector_import.h"
#include "model/support/error.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/crs.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::testing;
namespace fs = std::filesystem;

namespace {

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string toGbk(const std::string& utf8) {
    iconv_t cd = iconv_open("GBK", "UTF-8");
    std::string out(utf8.size() * 2 + 4, '\0');
    char* in = const_cast<char*>(utf8.data());
    std::size_t inLeft = utf8.size(), outLeft = out.size();
    char* o = out.data();
    iconv(cd, &in, &inLeft, &o, &outLeft);
    iconv_close(cd);
    out.resize(out.size() - outLeft);
    return out;
}

constexpr double kX = SmallWorld::kX0;
constexpr double kY = SmallWorld::kY0;

/// A GeoJSON FeatureCollection in EPSG:4548 from feature JSON snippets.
std::string geojson(const std::vector<std::string>& features) {
    std::string s =
        R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},"features":[)";
    for (std::size_t i = 0; i < features.size(); ++i) s += (i ? "," : "") + features[i];
    return s + "]}";
}

std::string square(double x, double y, double w, double h) {
    auto p = [](double a, double b) { return "[" + std::to_string(a) + "," + std::to_string(b) + "]"; };
    return R"({"type":"Polygon","coordinates":[[)" + p(x, y) + "," + p(x + w, y) + "," + p(x + w, y + h) + "," + p(x, y + h) +
           "," + p(x, y) + "]]}";
}

std::string building(int id, const std::string& props, double x, double y) {
    return R"({"type":"Feature","id":)" + std::to_string(id) + R"(,"properties":{)" + props + R"(},"geometry":)" +
           square(x, y, 20, 10) + "}";
}

} // namespace

TEST(Import, ChineseFieldNamesAreMappedAndValuesStored) {
    SmallWorld w;
    const std::string src = w.dir.file("buildings.geojson");
    writeFile(
        src, geojson({building(1, R"("楼号":"5栋","层数":"11层","单元数":3,"地址":"湖西路5号","类型":"住宅")", kX + 300, kY + 20),
                      building(2, R"("楼号":"6栋","层数":7,"单元数":2,"类型":"商住")", kX + 300, kY + 60)}));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("number <- 楼号"), std::string::npos) << out;
    EXPECT_NE(out.find("added 2"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    auto& c = atlas->connection();
    EXPECT_EQ(c.queryInt("SELECT floors FROM buildings WHERE number = '5栋'"), 11);
    EXPECT_EQ(c.queryInt("SELECT unit_count FROM buildings WHERE number = '5栋'"), 3);
    EXPECT_EQ(c.queryText("SELECT address FROM buildings WHERE number = '5栋'"), "湖西路5号");
    EXPECT_EQ(c.queryText("SELECT use FROM buildings WHERE number = '6栋'"), "mixed");
    // Placed in the community and grid that contain them.
    EXPECT_EQ(c.queryInt("SELECT community_id FROM buildings WHERE number = '6栋'"), 1);
    EXPECT_EQ(c.queryInt("SELECT grid_id FROM buildings WHERE number = '6栋'"), 1);
    // Provenance and the import log.
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM feature_sources WHERE table_name = 'buildings' AND source_crs = 'EPSG:4548' "
                         "AND error_bound_m = 0 AND source_key IN ('1', '2')"),
              2);
    EXPECT_EQ(c.queryInt("SELECT added FROM imports WHERE target = 'buildings'"), 2);
}

TEST(Import, ReimportIsIdempotentAndUpdatesChangedFeatures) {
    SmallWorld w;
    const std::string src = w.dir.file("b.geojson");
    writeFile(src, geojson({building(10, R"("number":"7栋","floors":5)", kX + 300, kY + 20),
                            building(11, R"("number":"8栋","floors":6)", kX + 300, kY + 60)}));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 0) << out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("added 0, updated 0, unchanged 2"), std::string::npos) << out;
    writeFile(src, geojson({building(10, R"("number":"7栋","floors":9)", kX + 300, kY + 20),
                            building(11, R"("number":"8栋","floors":6)", kX + 300, kY + 60)}));
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("added 0, updated 1, unchanged 1"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "buildings"), 4);
    EXPECT_EQ(atlas->connection().queryInt("SELECT floors FROM buildings WHERE number = '7栋'"), 9);
    EXPECT_EQ(countRows(*atlas, "imports"), 3);
}

TEST(Import, ChosenKeyMatchesExistingRowsFromAnotherFile) {
    SmallWorld w;
    const std::string src = w.dir.file("update.geojson");
    // "1栋" already exists (from the fixture): without --key it collides, with --key number it updates.
    writeFile(src, geojson({building(1, R"("number":"1栋","floors":7,"unit_count":2)", kX + 50, kY + 50)}));
    std::string out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 1) << out;
    EXPECT_NE(out.find("already exists"), std::string::npos) << out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --key number", &out), 0) << out;
    EXPECT_NE(out.find("updated 1"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(atlas->connection().queryInt("SELECT floors FROM buildings WHERE id = 1"), 7);
    EXPECT_EQ(countRows(*atlas, "buildings"), 2);
}

TEST(Import, RejectionsNameFileFeatureAndFieldAndStopTheImport) {
    SmallWorld w;
    const std::string src = w.dir.file("bad.geojson");
    writeFile(src, geojson({building(1, R"("number":"9栋","floors":"abc")", kX + 300, kY + 20),
                            building(2, R"("number":"10栋","floors":500)", kX + 300, kY + 60),
                            building(3, R"("number":"11栋","floors":4,"use":"castle")", kX + 300, kY + 100),
                            building(4, R"("number":"12栋","floors":4)", kX + 300, kY + 140)}));
    std::string out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 1) << out;
    EXPECT_NE(out.find("file '" + src + "', layer 'bad', feature 1, field floors: 'abc' is not a number"), std::string::npos)
        << out;
    EXPECT_NE(out.find("feature 2, field floors: '500' is outside the allowed range 1-200"), std::string::npos) << out;
    EXPECT_NE(out.find("feature 3, field use: 'castle' is not a building use"), std::string::npos) << out;
    EXPECT_NE(out.find("nothing written"), std::string::npos) << out;
    {
        auto atlas = storage::Atlas::open(w.path);
        EXPECT_EQ(countRows(*atlas, "buildings"), 2); // nothing stored
        EXPECT_EQ(countRows(*atlas, "imports"), 0);
    }
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --partial", &out), 0) << out;
    EXPECT_NE(out.find("added 1"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "buildings", "number = '12栋'"), 1);
    EXPECT_EQ(atlas->connection().queryInt("SELECT rejected FROM imports"), 3);
    EXPECT_NE(atlas->connection().queryText("SELECT summary FROM imports").value_or("").find("'castle'"), std::string::npos);
}

TEST(Import, DryRunWritesNothing) {
    SmallWorld w;
    const std::string src = w.dir.file("b.geojson");
    writeFile(src, geojson({building(1, R"("number":"9栋","floors":3)", kX + 300, kY + 20)}));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --dry-run", &out), 0) << out;
    EXPECT_NE(out.find("dry run"), std::string::npos);
    EXPECT_NE(out.find("added 1"), std::string::npos);
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "buildings"), 2);
    EXPECT_EQ(countRows(*atlas, "imports"), 0);
    EXPECT_EQ(countRows(*atlas, "feature_sources"), 0);
}

TEST(Import, InvalidPolygonIsRepairedAndReported) {
    SmallWorld w;
    const std::string src = w.dir.file("bowtie.geojson");
    // A self-intersecting "bow tie": MakeValid turns it into two triangles, which become two buildings.
    const double x = kX + 300, y = kY + 20;
    const std::string bowtie = R"({"type":"Polygon","coordinates":[[[)" + std::to_string(x) + "," + std::to_string(y) + "],[" +
                               std::to_string(x + 20) + "," + std::to_string(y + 20) + "],[" + std::to_string(x + 20) + "," +
                               std::to_string(y) + "],[" + std::to_string(x) + "," + std::to_string(y + 20) + "],[" +
                               std::to_string(x) + "," + std::to_string(y) + "]]]}";
    writeFile(src, geojson({R"({"type":"Feature","id":5,"properties":{"number":"9栋","floors":3},"geometry":)" + bowtie + "}"}));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("feature 5: invalid polygon (Self-intersection"), std::string::npos) << out;
    EXPECT_NE(out.find("repaired with MakeValid"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "buildings", "number IN ('9栋', '9栋-2') AND ST_IsValid(geom)"), 2);
    EXPECT_NEAR(atlas->connection()
                    .queryInt("SELECT CAST(SUM(ST_Area(geom)) AS INTEGER) FROM buildings WHERE number LIKE '9栋%'")
                    .value_or(0),
                200, 1);
}

TEST(Import, GbkShapefileWithoutCpgKeepsChinese) {
    SmallWorld w;
    const std::string shp = w.dir.file("gbk_buildings.shp");
    io::ensureGdalRegistered();
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        GDALDatasetUniquePtr ds(drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        ASSERT_TRUE(ds);
        OGRSpatialReference srs;
        srs.importFromEPSG(4548);
        io::OptionList lco({"ENCODING="}); // raw bytes, no .cpg
        OGRLayer* layer = ds->CreateLayer("gbk_buildings", &srs, wkbPolygon, lco.get());
        ASSERT_TRUE(layer);
        const std::string numberField = toGbk("楼号"), addressField = toGbk("地址"), floorsField = toGbk("层数");
        OGRFieldDefn f1(numberField.c_str(), OFTString), f2(addressField.c_str(), OFTString), f3(floorsField.c_str(), OFTInteger);
        f2.SetWidth(80);
        ASSERT_EQ(layer->CreateField(&f1), OGRERR_NONE);
        ASSERT_EQ(layer->CreateField(&f2), OGRERR_NONE);
        ASSERT_EQ(layer->CreateField(&f3), OGRERR_NONE);
        const char* numbers[] = {"甲3栋", "乙4栋"};
        for (int i = 0; i < 2; ++i) {
            OGRFeature feat(layer->GetLayerDefn());
            feat.SetField(0, toGbk(numbers[i]).c_str());
            feat.SetField(1, toGbk("内蒙古自治区呼和浩特市新城区湖西路" + std::to_string(i + 1) + "号").c_str());
            feat.SetField(2, 6 + i);
            OGRPolygon poly;
            OGRLinearRing ring;
            const double x = kX + 300, y = kY + 20 + 40 * i;
            ring.addPoint(x, y);
            ring.addPoint(x + 20, y);
            ring.addPoint(x + 20, y + 10);
            ring.addPoint(x, y + 10);
            ring.addPoint(x, y);
            poly.addRing(&ring);
            feat.SetGeometry(&poly);
            ASSERT_EQ(layer->CreateFeature(&feat), OGRERR_NONE);
        }
    }
    fs::remove(w.dir.file("gbk_buildings.cpg"));
    {
        // No code page byte either: exactly what planning bureaus send.
        std::fstream dbf(w.dir.file("gbk_buildings.dbf"), std::ios::in | std::ios::out | std::ios::binary);
        dbf.seekp(29);
        dbf.put(0);
    }
    ASSERT_FALSE(fs::exists(w.dir.file("gbk_buildings.cpg")));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(shp) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("GB18030/GBK (detected"), std::string::npos) << out;
    EXPECT_NE(out.find("number <- 楼号"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(atlas->connection().queryText("SELECT address FROM buildings WHERE number = '甲3栋'"),
              "内蒙古自治区呼和浩特市新城区湖西路1号");
    EXPECT_EQ(atlas->connection().queryInt("SELECT floors FROM buildings WHERE number = '乙4栋'"), 7);
}

TEST(Import, SourcesWithoutCrsNeedSrsAndGcjPointsArePlaced) {
    // An Amap point list: CSV with 经度/纬度 in GCJ-02. Atlas in the GK zone of Hohhot.
    const int srid = storage::gaussKrugerZoneEpsg(111.75);
    FixtureAtlas f(srid);
    const io::CrsSpec lonlat = io::CrsSpec::epsg(4326);
    const io::CoordinatePipeline toAtlas(lonlat, io::CrsSpec::epsg(srid));
    const auto centre = toAtlas.apply(model::Vec2{111.75, 40.84});
    addCommunity(*f.atlas, model::Rect::of(centre.x - 2000, centre.y - 2000, centre.x + 2000, centre.y + 2000));
    const io::LonLat wgs{111.7512, 40.8407};
    const io::LonLat gcj = io::wgs84ToGcj02(wgs);
    const std::string csv = f.dir.file("posts.csv");
    char line[200];
    std::snprintf(line, sizeof line, "名称,类型,经度,纬度\n湖西社区卫生服务站,社区卫生服务站,%.9f,%.9f\n", gcj.x, gcj.y);
    writeFile(csv, line);
    std::string out;
    EXPECT_EQ(cli("import --atlas " + q(f.path) + " " + q(csv) + " --as service_posts", &out), 1) << out;
    EXPECT_NE(out.find("states no coordinate system (geometry from columns 经度/纬度): give it with --srs"), std::string::npos)
        << out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(csv) + " --as service_posts --srs gcj02", &out), 0) << out;
    auto atlas = storage::Atlas::open(f.path);
    auto& c = atlas->connection();
    const auto expected = toAtlas.apply(wgs);
    EXPECT_NEAR(c.queryText("SELECT ST_X(geom) FROM service_posts").has_value()
                    ? std::stod(*c.queryText("SELECT ST_X(geom) FROM service_posts"))
                    : 0,
                expected.x, 0.05);
    EXPECT_NEAR(std::stod(*c.queryText("SELECT ST_Y(geom) FROM service_posts")), expected.y, 0.05);
    EXPECT_EQ(c.queryText("SELECT type FROM service_posts"), "health_station");
    EXPECT_EQ(c.queryText("SELECT source_crs FROM feature_sources"), "GCJ-02");
    EXPECT_GE(std::stod(*c.queryText("SELECT error_bound_m FROM feature_sources")), 1.0);
}

TEST(Import, DataFarFromTheAtlasIsWarnedAbout) {
    SmallWorld w;
    const std::string src = w.dir.file("far.geojson");
    // Coordinates in the right CRS but 300 km away (a wrong --srs or zone).
    writeFile(src, geojson({building(1, R"("number":"99栋","floors":3)", kX + 300000, kY)}));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --community 150781001001", &out), 0) << out;
    EXPECT_NE(out.find("warning: the imported data lies"), std::string::npos) << out;
    EXPECT_NE(out.find("km from the atlas's area"), std::string::npos) << out;
}

TEST(Import, MappingFileRenamesFieldsAndMapsValues) {
    SmallWorld w;
    const std::string src = w.dir.file("cad.geojson");
    writeFile(src, geojson({building(1, R"("BLDG":"A1","LV":"4","KIND":"R")", kX + 300, kY + 20),
                            building(2, R"("BLDG":"A2","LV":"5","KIND":"S")", kX + 300, kY + 60)}));
    const std::string mapping = w.dir.file("mapping.json");
    writeFile(mapping, R"({
  "fields": {
    "number": "BLDG",
    "floors": "LV",
    "use": {"field": "KIND", "values": {"R": "residential", "S": "商业"}},
    "compound": {"value": "湖西小区"}
  }
})");
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --mapping " + q(mapping), &out), 0) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(atlas->connection().queryText("SELECT use FROM buildings WHERE number = 'A2'"), "commercial");
    EXPECT_EQ(atlas->connection().queryText("SELECT compound FROM buildings WHERE number = 'A1'"), "湖西小区");

    writeFile(mapping, "{\n  \"fields\": {\n    \"floor\": \"LV\"\n  }\n}");
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --mapping " + q(mapping), &out), 1);
    EXPECT_NE(out.find("mapping file '" + mapping + "', line 3: 'floor' is not a field of buildings"), std::string::npos) << out;
    writeFile(mapping, "{\n  \"fields\": {\n    \"floors\": \"LEVELS\"\n  }\n}");
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --mapping " + q(mapping), &out), 1);
    EXPECT_NE(out.find("line 3: the source has no field 'LEVELS'"), std::string::npos) << out;
}

TEST(Import, OpenStreetMapBuildingsStreetsAndAmenities) {
    // tests/io/data/hohhot_compound.osm: a small OSM XML extract written for these tests (not
    // downloaded): a compound with buildings (levels, addresses, one with a courtyard as a
    // multipolygon relation), streets meeting at shared nodes, and amenities.
    const std::string osm = sourcePath("tests/io/data/hohhot_compound.osm");
    const int srid = storage::gaussKrugerZoneEpsg(111.75);
    FixtureAtlas f(srid);
    const io::CoordinatePipeline toAtlas(io::CrsSpec::epsg(4326), io::CrsSpec::epsg(srid));
    const auto centre = toAtlas.apply(model::Vec2{111.75, 40.84});
    addCommunity(*f.atlas, model::Rect::of(centre.x - 3000, centre.y - 3000, centre.x + 3000, centre.y + 3000));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(osm) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("OSM"), std::string::npos) << out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(osm) + " --as streets", &out), 0) << out;
    EXPECT_NE(out.find("split at junctions"), std::string::npos) << out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(osm) + " --as service_posts", &out), 0) << out;
    auto atlas = storage::Atlas::open(f.path);
    auto& c = atlas->connection();
    // Buildings: levels and address from the tags; the courtyard stays a hole.
    EXPECT_EQ(c.queryInt("SELECT floors FROM buildings WHERE number = '3'"), 6);
    EXPECT_EQ(c.queryText("SELECT address FROM buildings WHERE number = '3'"), "新华大街3号");
    EXPECT_EQ(c.queryText("SELECT use FROM buildings WHERE number = '3'"), "residential");
    EXPECT_EQ(c.queryInt(std::string("SELECT ") + (c.engine() == storage::Engine::PostgreSQL ? "ST_NumInteriorRings" : "NumInteriorRings") +
                         "(geom) FROM buildings WHERE name = '回字楼'"),
              1);
    EXPECT_EQ(countRows(*atlas, "buildings"), 4);
    // Streets: the residential street is split where the footway joins it; the bench way is skipped.
    EXPECT_EQ(countRows(*atlas, "streets", "name = '新华大街'"), 2);
    EXPECT_EQ(countRows(*atlas, "streets", "class = 'footpath'"), 1);
    EXPECT_EQ(countRows(*atlas, "streets", "class = 'compound_path'"), 1);
    EXPECT_EQ(
        c.queryInt("SELECT COUNT(*) FROM streets a JOIN streets b ON a.id < b.id WHERE ST_Touches(a.geom, b.geom)").value_or(0) >=
            2,
        true);
    // Amenities: clinic and doctors (a building outline) are health stations, the community centre an activity room.
    EXPECT_EQ(countRows(*atlas, "service_posts", "type = 'health_station'"), 2);
    EXPECT_EQ(countRows(*atlas, "service_posts", "type = 'activity_room'"), 1);
    EXPECT_EQ(countRows(*atlas, "service_posts"), 3);
    EXPECT_EQ(
        c.queryText("SELECT source_key FROM feature_sources WHERE table_name = 'service_posts' ORDER BY source_key LIMIT 1"),
        "n2001");
    // Re-importing the same extract changes nothing.
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(osm) + " --as streets", &out), 0) << out;
    EXPECT_NE(out.find("added 0, updated 0, unchanged 4"), std::string::npos) << out;
}

TEST(Import, LibraryApiReportsSummaryAndHonoursCancel) {
    SmallWorld w;
    const std::string src = w.dir.file("b.geojson");
    std::vector<std::string> features;
    for (int i = 0; i < 450; ++i)
        features.push_back(building(100 + i, R"("number":"N)" + std::to_string(i) + R"(","floors":3)", kX + 250 + (i % 10) * 2,
                                    kY + (i / 10) * 2));
    writeFile(src, geojson(features));
    io::ImportOptions opt;
    opt.source = src;
    opt.target = io::ImportTarget::Buildings;
    Feedback cancelled;
    cancelled.cancel();
    EXPECT_THROW(io::importVector(*w.atlas, opt, &cancelled), CancelledError);
    EXPECT_EQ(countRows(*w.atlas, "buildings"), 2);
    Feedback fb;
    double last = 0;
    fb.setProgressCallback([&last](double p, const std::string&) { last = p; });
    const auto sum = io::importVector(*w.atlas, opt, &fb);
    EXPECT_TRUE(sum.committed);
    EXPECT_EQ(sum.added, 450);
    EXPECT_EQ(last, 100.0);
    EXPECT_EQ(countRows(*w.atlas, "buildings"), 452);
}

TEST(Import, MultiPartBuildingsSplitAnd3dIsDropped) {
    SmallWorld w;
    const std::string src = w.dir.file("multi.geojson");
    const double x = kX + 300, y = kY + 20;
    auto ring = [](double x0, double y0, double z) {
        char buf[400];
        std::snprintf(buf, sizeof buf, "[[%.1f,%.1f,%.1f],[%.1f,%.1f,%.1f],[%.1f,%.1f,%.1f],[%.1f,%.1f,%.1f],[%.1f,%.1f,%.1f]]",
                      x0, y0, z, x0 + 20, y0, z, x0 + 20, y0 + 10, z, x0, y0 + 10, z, x0, y0, z);
        return std::string(buf);
    };
    writeFile(
        src,
        geojson(
            {R"({"type":"Feature","id":1,"properties":{"number":"20栋","floors":5},"geometry":{"type":"MultiPolygon","coordinates":[[)" +
             ring(x, y, 12) + "],[" + ring(x, y + 40, 12) + "]]}}"}));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("3D coordinates: Z/M dropped (the atlas is 2D): 1"), std::string::npos) << out;
    EXPECT_NE(out.find("multi-part footprints split into one building per part"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "buildings", "number IN ('20栋', '20栋-2') AND floors = 5"), 2);
    EXPECT_EQ(countRows(*atlas, "feature_sources", "source_key IN ('1', '1/2')"), 2);
}

TEST(Import, GbkCsvAndBaiduPointsImport) {
    // A Baidu-geocoded point list saved by Excel on Chinese Windows: GBK text, BD-09 lon/lat.
    const int srid = storage::gaussKrugerZoneEpsg(116.4);
    FixtureAtlas f(srid);
    const io::CoordinatePipeline toAtlas(io::CrsSpec::epsg(4326), io::CrsSpec::epsg(srid));
    const auto centre = toAtlas.apply(model::Vec2{116.40, 39.91});
    addCommunity(*f.atlas, model::Rect::of(centre.x - 3000, centre.y - 3000, centre.x + 3000, centre.y + 3000));
    const io::LonLat wgs{116.3975, 39.9087};
    const io::LonLat bd = io::wgs84ToBd09(wgs);
    char line[300];
    std::snprintf(line, sizeof line, "名称,类型,lng,lat\n东华门社区党群服务中心,党群活动室,%.9f,%.9f\n", bd.x, bd.y);
    const std::string csv = f.dir.file("baidu.csv");
    writeFile(csv, toGbk(line));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(csv) + " --as service_posts --srs bd09", &out), 0) << out;
    EXPECT_NE(out.find("GB18030/GBK (detected: CSV has no code page)"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(f.path);
    auto& c = atlas->connection();
    EXPECT_EQ(c.queryText("SELECT name FROM service_posts"), "东华门社区党群服务中心");
    EXPECT_EQ(c.queryText("SELECT type FROM service_posts"), "activity_room");
    const auto expected = toAtlas.apply(wgs);
    EXPECT_NEAR(std::stod(*c.queryText("SELECT ST_X(geom) FROM service_posts")), expected.x, 0.05);
    EXPECT_NEAR(std::stod(*c.queryText("SELECT ST_Y(geom) FROM service_posts")), expected.y, 0.05);
    EXPECT_EQ(c.queryText("SELECT source_crs FROM feature_sources"), "BD-09");
}

TEST(Import, UndecodableTextIsRejectedWithTheField) {
    SmallWorld w;
    // Neither UTF-8 nor GB18030: a lone 0x80 byte (not a GB18030 lead byte) in the name.
    const std::string csv = w.dir.file("bad.csv");
    writeFile(
        csv,
        std::string(
            "number,floors,name,WKT\nX1,3,ok,\"POLYGON ((560300 5495020,560320 5495020,560320 5495030,560300 5495030,560300 "
            "5495020))\"\n"
            "X2,3,bad\x80name,\"POLYGON ((560300 5495060,560320 5495060,560320 5495070,560300 5495070,560300 5495060))\"\n"));
    std::string out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(csv) + " --as buildings --srs EPSG:4548", &out), 1) << out;
    EXPECT_NE(out.find("feature 2: field name: bytes that are neither UTF-8 nor GB18030/GBK"), std::string::npos) << out;
}

TEST(Import, MapInfoAndKmzFromOgr2ogrImport) {
    if (runCommand("command -v ogr2ogr") != 0) GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
    SmallWorld w;
    const std::string src = w.dir.file("src.geojson");
    // MapInfo field names are ASCII (ogr2ogr launders Chinese ones); the values are Chinese.
    writeFile(src, geojson({building(1, R"("number":"甲1栋","floors":4,"address":"湖西路1号")", kX + 300, kY + 20),
                            building(2, R"("number":"甲2栋","floors":5,"address":"湖西路2号","flats_per_floor":2)", kX + 300,
                                     kY + 60)}));
    std::string out;
    // MapInfo with a Chinese code page (CP936 = GBK), and a zipped KML.
    ASSERT_EQ(runCommand("ogr2ogr -f 'MapInfo File' " + q(w.dir.file("b.tab")) + " " + q(src) + " -lco ENCODING=CP936", &out), 0)
        << out;
    ASSERT_EQ(runCommand("ogr2ogr -f LIBKML " + q(w.dir.file("b.kmz")) + " " + q(src), &out), 0) << out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(w.dir.file("b.tab")) + " --as buildings", &out), 0) << out;
    EXPECT_NE(out.find("added 2"), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(atlas->connection().queryText("SELECT address FROM buildings WHERE number = '甲2栋'"), "湖西路2号");
    EXPECT_EQ(atlas->connection().queryInt("SELECT flats_per_floor IS NULL FROM buildings WHERE number = '甲1栋'"), 1);
    EXPECT_EQ(atlas->connection().queryInt("SELECT flats_per_floor FROM buildings WHERE number = '甲2栋'"), 2);
    atlas.reset();
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(w.dir.file("b.kmz")) + " --as buildings --key number", &out), 0) << out;
    EXPECT_NE(out.find("read 2, added 0, updated 2"), std::string::npos) << out; // KML is WGS84: last digits move
}

TEST(Import, OpenStreetMapPbfGivesTheSameAtlasAsXml) {
    if (runCommand("command -v osmium") != 0) GTEST_SKIP() << "osmium (osmium-tool) is not installed to write the PBF";
    const std::string osm = sourcePath("tests/io/data/hohhot_compound.osm");
    FixtureAtlas f(4546);
    addCommunity(*f.atlas, model::Rect::of(300000, 4400000, 700000, 4600000), "HH");
    f.atlas.reset();
    const std::string pbf = f.dir.file("hohhot_compound.osm.pbf");
    std::string out;
    ASSERT_EQ(runCommand("osmium cat " + q(osm) + " -o " + q(pbf), &out), 0) << out;
    for (const char* target : {"buildings", "streets", "service_posts"}) {
        ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(pbf) + " --as " + target, &out), 0) << out;
    }
    auto atlas = storage::Atlas::open(f.path);
    EXPECT_EQ(countRows(*atlas, "buildings"), 4);
    EXPECT_EQ(countRows(*atlas, "streets"), 4);
    EXPECT_EQ(countRows(*atlas, "service_posts"), 3);
    EXPECT_EQ(atlas->connection().queryText("SELECT address FROM buildings WHERE number = '3'"), "新华大街3号");
}

TEST(Import, TruncatedFileIsAnErrorNotAShorterLayer) {
    SmallWorld w;
    // A GeoJSON sequence whose third record is cut off mid-way.
    const std::string src = w.dir.file("cut.geojsonl");
    std::string rs;
    for (int i = 0; i < 3; ++i)
        rs += R"({"type":"Feature","properties":{"number":"S)" + std::to_string(i) + R"(","floors":3},"geometry":)" +
              square(kX + 300, kY + 20 + 30 * i, 20, 10) + "}\n";
    writeFile(src, rs.substr(0, rs.size() - 40));
    std::string out;
    EXPECT_NE(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --srs EPSG:4548", &out), 0) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "buildings"), 2); // nothing from the cut file
}

TEST(ImportCli, BadOptionsAreClearErrors) {
    SmallWorld w;
    w.atlas.reset();
    std::string out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " --as buildings", &out), 1);
    EXPECT_NE(out.find("give the file to import"), std::string::npos) << out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " x.geojson --as castles", &out), 1);
    EXPECT_NE(out.find("--as 'castles' is not an atlas table (use communities, grids, buildings"), std::string::npos) << out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(w.dir.file("missing.shp")) + " --as buildings", &out), 1);
    EXPECT_NE(out.find("missing.shp': the file does not exist"), std::string::npos) << out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " x.geojson --as buildings --srs EPSG:999999", &out), 1);
    EXPECT_NE(out.find("--srs 'EPSG:999999' is not a coordinate system PROJ knows"), std::string::npos) << out;
    // A GeoPackage with several layers needs --layer, and the message lists them.
    const std::string gpkg = w.dir.file("all.gpkg");
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --out " + q(gpkg), &out), 0) << out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(gpkg) + " --as buildings", &out), 1);
    EXPECT_NE(out.find("has several layers (communities, grids, buildings, units, households, service_posts, streets): choose "
                       "one with --layer"),
              std::string::npos)
        << out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(gpkg) + " --layer roads --as streets", &out), 1);
    EXPECT_NE(out.find("has no layer 'roads'"), std::string::npos) << out;
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(gpkg) + " --layer streets --as streets --key name", &out), 1);
    EXPECT_NE(out.find("streets have no natural key"), std::string::npos) << out;
    // The atlas is untouched by all of it.
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "imports"), 0);
}

// Re-import with deletions (issue 9): rows an earlier import of the same file brought and the new
// version lacks are deleted after an automatic backup; other files' rows and rejected features stay.
TEST(Import, DeleteMissingRemovesRowsTheNewVersionLacksAfterABackup) {
    SmallWorld w;
    const std::string src = w.dir.file("b.geojson");
    const std::string other = w.dir.file("other.geojson");
    writeFile(src, geojson({building(10, R"("number":"7栋","floors":5)", kX + 300, kY + 20),
                            building(11, R"("number":"8栋","floors":6)", kX + 300, kY + 60),
                            building(12, R"("number":"9栋","floors":6)", kX + 300, kY + 100)}));
    writeFile(other, geojson({building(10, R"("number":"20栋","floors":3)", kX + 350, kY + 20)}));
    std::string out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings", &out), 0) << out;
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(other) + " --as buildings", &out), 0) << out;
    std::int64_t buildings = 0, units = 0;
    {
        auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadWrite);
        auto& c = atlas->connection();
        // A unit hangs on 8栋: it must go with it, and be reported.
        c.exec("INSERT INTO units (building_id, number) SELECT id, '1' FROM buildings WHERE number = '8栋'");
        buildings = countRows(*atlas, "buildings");
        units = countRows(*atlas, "units");
    }
    // The new version drops 8栋, changes 7栋, and has a feature that is rejected (not a number).
    writeFile(src, geojson({building(10, R"("number":"7栋","floors":9)", kX + 300, kY + 20),
                            building(12, R"("number":"9栋","floors":"很多")", kX + 300, kY + 100)}));
    // Without --partial the rejection stops everything: nothing deleted.
    EXPECT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --delete-missing", &out), 1) << out;
    {
        auto atlas = storage::Atlas::open(w.path);
        EXPECT_EQ(countRows(*atlas, "buildings"), buildings);
    }
    // A dry run reports the deletion and changes nothing.
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --delete-missing --partial --dry-run", &out), 0)
        << out;
    EXPECT_NE(out.find("deleted 1"), std::string::npos) << out;
    {
        auto atlas = storage::Atlas::open(w.path);
        EXPECT_EQ(countRows(*atlas, "buildings"), buildings);
    }
    ASSERT_EQ(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --delete-missing --partial", &out), 0) << out;
    EXPECT_NE(out.find("deleted 1"), std::string::npos) << out;
    EXPECT_NE(out.find("with 1 units"), std::string::npos) << out;
    const bool server = storage::isPostgresLocation(w.path); // (no file backups of a server atlas: its transaction)
    EXPECT_NE(out.find(server ? "no automatic backup on a server atlas" : "backup before deleting: "), std::string::npos) << out;
    auto atlas = storage::Atlas::open(w.path);
    EXPECT_EQ(countRows(*atlas, "buildings"), buildings - 1);
    EXPECT_EQ(countRows(*atlas, "buildings", "number = '8栋'"), 0);
    EXPECT_EQ(countRows(*atlas, "buildings", "number = '9栋'"), 1) << "a rejected feature is not missing";
    EXPECT_EQ(countRows(*atlas, "buildings", "number = '20栋'"), 1) << "another file's rows stay";
    EXPECT_EQ(countRows(*atlas, "units"), units - 1);
    EXPECT_EQ(atlas->connection().queryInt("SELECT floors FROM buildings WHERE number = '7栋'"), 9);
    EXPECT_EQ(countRows(*atlas, "feature_sources", "table_name = 'buildings' AND row_id NOT IN (SELECT id FROM buildings)"), 0);
    EXPECT_EQ(countRows(*atlas, "audit_log", "action = 'delete' AND table_name = 'buildings'"), 1);
    // The backup holds the atlas as it was before: 8栋 and its unit.
    if (!server) {
        const auto pos = out.find("backup before deleting: ");
        const std::string backup = out.substr(pos + 24, out.find('\n', pos) - pos - 24);
        ASSERT_TRUE(fs::exists(backup)) << backup;
        auto saved = storage::Atlas::open(backup);
        EXPECT_EQ(countRows(*saved, "buildings", "number = '8栋'"), 1);
        EXPECT_EQ(countRows(*saved, "units"), units);
    }
    // --where with --delete-missing is refused: it would delete whatever the filter leaves out.
    EXPECT_NE(cli("import --atlas " + q(w.path) + " " + q(src) + " --as buildings --delete-missing --where \"floors > 1\"", &out), 0);
    EXPECT_NE(out.find("--delete-missing with --where"), std::string::npos) << out;
}
