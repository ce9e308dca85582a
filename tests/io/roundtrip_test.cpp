// Round trips: atlas -> each export format -> import into a new atlas keeps counts, attributes
// (Chinese intact) and coordinates within 1 mm. Plus export masking, filters and CRS options.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "io/io_test_util.h"
#include "io/vector_export.h"
#include "io/vector_import.h"
#include "model/support/error.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"
#include "storage/spatialite_blob.h"

using namespace gridatlas;
using namespace gridatlas::testing;
namespace fs = std::filesystem;

namespace {

struct Row {
    std::string attributes;
    model::Geometry geometry;
};

/// Every row of a table by a natural key, attributes as text, in a form that does not depend
/// on atlas ids.
std::map<std::string, Row> rowsOf(storage::Atlas& atlas, const std::string& table) {
    static const std::map<std::string, std::pair<std::string, std::string>> kQueries{
        {"communities", {"code", "SELECT code, name || '|' || street_office, geom FROM communities"}},
        {"grids",
         {"code", "SELECT g.code, g.name || '|' || c.code || '|' || COALESCE(CAST(g.target_households AS TEXT), ''), g.geom FROM grids g JOIN "
                  "communities c ON c.id = g.community_id"}},
        {"buildings",
         {"number", "SELECT b.number, COALESCE(CAST(b.name AS TEXT), '') || '|' || COALESCE(CAST(b.compound AS TEXT), '') || '|' || COALESCE(CAST(b.address AS TEXT), '') || '|' "
                    "|| b.floors || '|' || "
                    "b.unit_count || '|' || COALESCE(CAST(b.flats_per_floor AS TEXT), '') || '|' || b.use || '|' || c.code || '|' || "
                    "COALESCE(CAST(g.code AS TEXT), ''), b.geom "
                    "FROM buildings b JOIN communities c ON c.id = b.community_id LEFT JOIN grids g ON g.id = b.grid_id"}},
        {"units", {"", "SELECT b.number || '/' || u.number, '', u.geom FROM units u JOIN buildings b ON b.id = u.building_id"}},
        {"households",
         {"", "SELECT b.number || '/' || u.number || '/' || h.room, h.floor || '|' || h.hardship || h.minimum_income || "
              "h.elderly_alone || "
              "h.left_behind_children || h.vacant, h.geom FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON "
              "b.id = u.building_id"}},
        {"service_posts",
         {"", "SELECT p.name, p.type || '|' || COALESCE(CAST(p.hours AS TEXT), '') || '|' || COALESCE(CAST(c.code AS TEXT), ''), p.geom FROM service_posts p "
              "LEFT JOIN communities c ON c.id = p.community_id"}},
        {"streets", {"", "SELECT name, class || '|' || COALESCE(CAST(width_m AS TEXT), ''), geom FROM streets"}},
    };
    std::map<std::string, Row> out;
    auto& c = atlas.connection();
    // The geometry column (", x.geom FROM") in the engine's exchange format.
    std::string sql = kQueries.at(table).second;
    const auto from = sql.find(" FROM ");
    const auto comma = sql.rfind(", ", from);
    sql = sql.substr(0, comma + 2) + storage::geomSelect(c, sql.substr(comma + 2, from - comma - 2)) + sql.substr(from);
    storage::Statement st(c, sql);
    while (st.step()) {
        Row r;
        r.attributes = st.columnText(1);
        if (!st.isNull(2)) storage::decodeGeometry(c, st.columnBlob(2), r.geometry);
        out[st.columnText(0)] = std::move(r);
    }
    return out;
}

/// Largest distance from a vertex of one geometry to the nearest vertex of the other (both ways):
/// independent of ring orientation and start vertex, which Shapefile and KML change.
double vertexDistance(const model::Geometry& a, const model::Geometry& b) {
    const auto oneWay = [](const model::Geometry& x, const model::Geometry& y) {
        double worst = 0;
        for (const auto& p : x.coords) {
            double best = INFINITY;
            for (const auto& q : y.coords) best = std::min(best, std::hypot(p.x - q.x, p.y - q.y));
            worst = std::max(worst, best);
        }
        return worst;
    };
    return std::max(oneWay(a, b), oneWay(b, a));
}

const char* kTables[] = {"communities", "grids", "buildings", "units", "households", "service_posts", "streets"};

/// Adds a second community's worth of Chinese text that formats like to mangle.
void enrich(storage::Atlas& atlas) {
    atlas.connection().exec("UPDATE buildings SET name = '湖西·幸福里“一号”楼', compound = '湖西小区（一期）', address = "
                            "'内蒙古呼和浩特市湖西路1号' WHERE id = 1");
    atlas.connection().exec("UPDATE service_posts SET hours = '周一至周五 8:00-17:30'");
}

void roundTrip(const std::string& ext) {
    // Through the library (the CLI adds only option parsing, tested elsewhere): keeps the suite fast.
    SmallWorld w;
    enrich(*w.atlas);
    FixtureAtlas target(4548);
    const bool oneFile = ext == "gpkg";
    if (oneFile) {
        io::ExportOptions e;
        e.out = w.dir.file("all.gpkg");
        e.reveal = true;
        io::exportAtlas(*w.atlas, e);
    }
    for (const char* table : kTables) {
        std::string file = oneFile ? w.dir.file("all.gpkg") : w.dir.file(std::string(table) + "." + ext);
        if (!oneFile) {
            io::ExportOptions e;
            e.out = file;
            e.layer = table;
            e.reveal = true;
            io::exportAtlas(*w.atlas, e);
        }
        io::ImportOptions i;
        i.source = file;
        i.layer = oneFile ? table : "";
        i.target = *io::parseImportTarget(table);
        if (ext == "csv" || ext == "xlsx") i.srs = io::CrsSpec::epsg(4548); // no CRS in the format
        const auto sum = io::importVector(*target.atlas, i);
        ASSERT_TRUE(sum.committed) << ext << " " << table << ": " << sum.report();
        ASSERT_EQ(sum.rejected, 0) << sum.report();
    }
    target.atlas->updateStatistics();
    target.atlas.reset();
    auto a = storage::Atlas::open(w.path, storage::OpenMode::ReadOnly);
    auto b = storage::Atlas::open(target.path, storage::OpenMode::ReadOnly);
    for (const char* table : kTables) {
        const auto ra = rowsOf(*a, table);
        const auto rb = rowsOf(*b, table);
        ASSERT_EQ(ra.size(), rb.size()) << ext << " " << table;
        for (const auto& [key, row] : ra) {
            auto it = rb.find(key);
            ASSERT_NE(it, rb.end()) << ext << " " << table << " lost '" << key << "'";
            EXPECT_EQ(it->second.attributes, row.attributes) << ext << " " << table << " '" << key << "'";
            EXPECT_EQ(it->second.geometry.coords.empty(), row.geometry.coords.empty());
            EXPECT_LT(vertexDistance(row.geometry, it->second.geometry), 0.001) << ext << " " << table << " '" << key << "'";
        }
    }
}

} // namespace

TEST(RoundTrip, GeoPackage) {
    roundTrip("gpkg");
}
TEST(RoundTrip, Shapefile) {
    roundTrip("shp");
}
TEST(RoundTrip, GeoJson) {
    roundTrip("geojson");
}
TEST(RoundTrip, Kml) {
    roundTrip("kml");
}
TEST(RoundTrip, Csv) {
    roundTrip("csv");
}
TEST(RoundTrip, Xlsx) {
    roundTrip("xlsx");
}
TEST(RoundTrip, FlatGeobuf) {
    roundTrip("fgb");
}

TEST(Export, PersonalFieldsMaskedUnlessRevealed) {
    SmallWorld w;
    std::string out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --layer grids --out " + q(w.dir.file("g.csv")), &out), 0) << out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --layer grids --out " + q(w.dir.file("r.csv")) + " --reveal", &out), 0)
        << out;
    std::string masked, revealed;
    runCommand("cat " + q(w.dir.file("g.csv")), &masked);
    runCommand("cat " + q(w.dir.file("r.csv")), &revealed);
    EXPECT_EQ(masked.find("王建国"), std::string::npos) << masked;
    EXPECT_NE(masked.find("王**"), std::string::npos) << masked;
    EXPECT_NE(revealed.find("王建国"), std::string::npos) << revealed;
    // Household hardship flags are sensitive too.
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --layer households --out " + q(w.dir.file("h.geojson")), &out), 0) << out;
    EXPECT_NE(out.find("personal value(s) masked"), std::string::npos) << out;
    std::string h;
    runCommand("cat " + q(w.dir.file("h.geojson")), &h);
    EXPECT_EQ(h.find("\"elderly_alone\": 1"), std::string::npos);
    EXPECT_NE(h.find("\"elderly_alone\": \"*\""), std::string::npos);
}

TEST(Export, WhereFilterUsesTheSafeLanguage) {
    SmallWorld w;
    std::string out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --layer buildings --where " + q("floors >= 18") + " --out " +
                      q(w.dir.file("t.geojson")),
                  &out),
              0)
        << out;
    EXPECT_NE(out.find("buildings: 1 features"), std::string::npos) << out;
    EXPECT_EQ(cli("export --atlas " + q(w.path) + " --layer buildings --where " + q("floors >= 18; DROP TABLE buildings") +
                      " --out " + q(w.dir.file("x.geojson")),
                  &out),
              1);
    EXPECT_NE(out.find("filter, column"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(w.dir.file("x.geojson")));
    EXPECT_EQ(cli("export --atlas " + q(w.path) + " --layer buildings --where " + q("height > 3") + " --out " +
                      q(w.dir.file("y.geojson")),
                  &out),
              1);
    EXPECT_NE(out.find("height"), std::string::npos) << out;
}

TEST(Export, GcjOutputIsOffsetFromWgs) {
    SmallWorld w;
    std::string out;
    ASSERT_EQ(
        cli("export --atlas " + q(w.path) + " --layer service_posts --srs EPSG:4326 --out " + q(w.dir.file("wgs.csv")), &out), 0)
        << out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --layer service_posts --srs gcj02 --out " + q(w.dir.file("gcj.csv")), &out),
              0)
        << out;
    EXPECT_NE(out.find("GCJ-02"), std::string::npos) << out;
    // Importing the GCJ-02 file as gcj02 lands where the post is (within 1 cm).
    FixtureAtlas f(4548);
    addCommunity(*f.atlas, model::Rect::of(SmallWorld::kX0, SmallWorld::kY0, SmallWorld::kX0 + 400, SmallWorld::kY0 + 300),
                 "150781001001");
    ASSERT_EQ(cli("import --atlas " + q(f.path) + " " + q(w.dir.file("gcj.csv")) + " --as service_posts --srs gcj02", &out), 0)
        << out;
    auto& c = f.atlas->connection();
    EXPECT_NEAR(std::stod(*c.queryText("SELECT ST_X(geom) FROM service_posts")), SmallWorld::kX0 + 150, 0.01);
    EXPECT_NEAR(std::stod(*c.queryText("SELECT ST_Y(geom) FROM service_posts")), SmallWorld::kY0 + 120, 0.01);
}

TEST(Export, ExistingFilesAndUnknownFormatsAreRefused) {
    SmallWorld w;
    std::string out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --layer streets --out " + q(w.dir.file("s.geojson")), &out), 0) << out;
    EXPECT_EQ(cli("export --atlas " + q(w.path) + " --layer streets --out " + q(w.dir.file("s.geojson")), &out), 1);
    EXPECT_NE(out.find("already exists"), std::string::npos) << out;
    EXPECT_EQ(cli("export --atlas " + q(w.path) + " --layer streets --out " + q(w.dir.file("s.dwg")), &out), 1);
    EXPECT_NE(out.find("unknown format"), std::string::npos) << out;
    EXPECT_EQ(cli("export --atlas " + q(w.path) + " --out " + q(w.dir.file("all.shp")), &out), 1);
    EXPECT_NE(out.find("only a GeoPackage"), std::string::npos) << out;
    // No temp folders left behind by the failures.
    for (const auto& e : fs::directory_iterator(w.dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".gridatlas-export"), std::string::npos);
}

TEST(Export, MaskedHouseholdFlagsAreNotImportedAsData) {
    SmallWorld w;
    std::string out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --out " + q(w.dir.file("masked.gpkg")), &out), 0) << out;
    SmallWorld other; // same buildings and units: households collide by room unless keyed
    ASSERT_EQ(cli("import --atlas " + q(other.path) + " " + q(w.dir.file("masked.gpkg")) +
                      " --layer households --as households --key room",
                  &out),
              1)
        << out;
    EXPECT_NE(out.find("field hardship: '*' is a masked value: export with --reveal"), std::string::npos) << out;
}
