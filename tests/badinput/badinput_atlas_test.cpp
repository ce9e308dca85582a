// Files that are not atlases, passed as one: each command refuses with a message naming the file,
// exits non-zero without crashing, and writes nothing (not even a -wal or -journal).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <sqlite3.h>

#include "badinput/badinput_support.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::testing;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The bad atlases, each a file in `dir`: name -> path.
std::vector<std::pair<std::string, std::string>> makeBadAtlases(const TempDir& dir) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string good;
    {
        SmallWorld world;
        world.atlas.reset(); // closed: the file is complete
        good = readAll(world.path);
    }
    EXPECT_GT(good.size(), 4096u);
    auto add = [&](const std::string& name, const std::string& bytes) {
        const std::string p = dir.file(name);
        writeFile(p, bytes);
        out.emplace_back(name, p);
    };
    add("zero.sqlite", "");
    add("header-only.sqlite", good.substr(0, 100));
    add("first-page.sqlite", good.substr(0, 4096));
    add("half.sqlite", good.substr(0, good.size() / 2));
    add("cut-last-page.sqlite", good.substr(0, good.size() - 4096));
    std::mt19937 rng(9);
    std::string random(200000, '\0');
    for (char& c : random) c = static_cast<char>(rng());
    add("random.sqlite", random);
    // The right magic followed by garbage.
    add("magic-then-noise.sqlite", std::string("SQLite format 3\0", 16) + random.substr(16));
    // A plain SQLite database and a GeoPackage (written by sqlite3 directly: application_id GPKG).
    for (const auto& [name, sql] : std::vector<std::pair<std::string, std::string>>{
             {"plain.sqlite", "CREATE TABLE t(a); INSERT INTO t VALUES (1);"},
             {"layers.gpkg", "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;"
                             "CREATE TABLE gpkg_spatial_ref_sys(srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,"
                             " organization_coordsys_id INTEGER, definition TEXT, description TEXT);"
                             "CREATE TABLE gpkg_contents(table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT);"
                             "CREATE TABLE buildings(fid INTEGER PRIMARY KEY, geom BLOB);"}}) {
        const std::string p = dir.file(name);
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << name;
        sqlite3_close(db);
        out.emplace_back(name, p);
    }
    // A folder named like an atlas.
    fs::create_directories(dir.file("folder.sqlite"));
    out.emplace_back("folder.sqlite", dir.file("folder.sqlite"));
    return out;
}

} // namespace

TEST(BadAtlas, EveryCommandRefusesWithoutWriting) {
    GRIDATLAS_SPATIALITE_ONLY("damaged atlas files");
    TempDir dir;
    const auto atlases = makeBadAtlases(dir);
    writeFile(dir.file("roster.csv"), "姓名,住址\n张三,湖西社区1栋1单元101室\n");
    writeFile(dir.file("b.geojson"),
              R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"number":"9栋"},)"
              R"("geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]})");
    const std::string maps = shellQuote(sourcePath("maps/grids.json"));
    for (const auto& [name, path] : atlases) {
        const std::string a = shellQuote(path);
        const std::string out = shellQuote(dir.file("out-" + name));
        const std::vector<std::string> commands = {
            "info --atlas " + a,
            "export --atlas " + a + " --layer buildings --out " + out + ".geojson",
            "render --atlas " + a + " --map " + maps + " --out " + out + ".png --dpi 40",
            "import --atlas " + a + " " + shellQuote(dir.file("b.geojson")) + " --as buildings --srs EPSG:4548",
            "import-roster --atlas " + a + " " + shellQuote(dir.file("roster.csv")),
            "grids check --atlas " + a,
            "plan --atlas " + a + " --building 1栋 --out " + out + ".pdf",
        };
        for (const auto& cmd : commands) {
            const std::string before = fs::is_directory(path) ? "" : fileChecksum(path);
            const CliRun r = runCli(cmd);
            EXPECT_TRUE(failedCleanly(r, name)) << cmd;
            if (!fs::is_directory(path)) {
                EXPECT_EQ(fileChecksum(path), before) << cmd << "\n" << r.output;
            }
        }
        EXPECT_FALSE(fs::exists(dir.file("out-" + name) + ".geojson")) << name;
        EXPECT_FALSE(fs::exists(dir.file("out-" + name) + ".png")) << name;
    }
}

TEST(BadAtlas, LibraryOpenThrowsAnErrorNamingTheFile) {
    GRIDATLAS_SPATIALITE_ONLY("damaged atlas files");
    TempDir dir;
    for (const auto& [name, path] : makeBadAtlases(dir)) {
        const std::string before = fs::is_directory(path) ? "" : fileChecksum(path);
        for (auto mode : {storage::OpenMode::ReadOnly, storage::OpenMode::ReadWrite}) {
            try {
                auto atlas = storage::Atlas::open(path, mode);
                ADD_FAILURE() << name << " opened as an atlas";
            } catch (const Error& e) {
                EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
            }
        }
        if (!fs::is_directory(path)) {
            EXPECT_EQ(fileChecksum(path), before) << name;
        }
    }
}
