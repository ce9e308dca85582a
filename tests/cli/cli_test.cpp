// gridatlas-cli as a user runs it: exit codes, messages, and no partial output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/fixture_atlas.h"

using namespace gridatlas::testing;
namespace fs = std::filesystem;

namespace {
std::string run(const std::string& args, int* code) {
    std::string out;
    *code = runCommand(cliPath() + " " + args, &out);
    return out;
}
} // namespace

TEST(Cli, NoArgumentsPrintsUsageAndFails) {
    int code = 0;
    const std::string out = run("", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("usage: gridatlas-cli"), std::string::npos);
    EXPECT_NE(out.find("render"), std::string::npos);
}

TEST(Cli, UnknownCommandAndOptionAreNamed) {
    int code = 0;
    EXPECT_NE(run("rendr", &code).find("unknown command 'rendr'"), std::string::npos);
    EXPECT_NE(code, 0);
    const std::string out = run("info --atlsa x.sqlite", &code);
    EXPECT_NE(code, 0);
    EXPECT_NE(out.find("unknown option '--atlsa'"), std::string::npos) << out;
    EXPECT_NE(run("info", &code).find("--atlas is required"), std::string::npos);
    EXPECT_NE(code, 0);
}

TEST(Cli, InfoReportsCrsAndCounts) {
    SmallWorld world;
    world.atlas.reset();
    int code = 0;
    const std::string out = run("info --atlas " + world.path, &code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("crs: EPSG:4548"), std::string::npos) << out;
    EXPECT_NE(out.find("households: 60"), std::string::npos) << out;
    EXPECT_NE(out.find("members: 1"), std::string::npos) << out;
}

TEST(Cli, MissingOrForeignAtlasIsAClearError) {
    TempDir dir;
    int code = 0;
    std::string out = run("info --atlas " + dir.file("missing.sqlite"), &code);
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("missing.sqlite' does not exist"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(dir.file("missing.sqlite")));
    std::ofstream(dir.file("text.sqlite")) << "hello, not a database";
    out = run("info --atlas " + dir.file("text.sqlite"), &code);
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("not a SQLite/SpatiaLite database"), std::string::npos) << out;
}

TEST(Cli, OgrinfoListsEveryLayerWithCrsAndCount) {
    if (runCommand("command -v ogrinfo") != 0) GTEST_SKIP() << "ogrinfo (gdal-bin) is not installed";
    SmallWorld world;
    world.atlas.reset();
    std::string out;
    ASSERT_EQ(runCommand("ogrinfo -ro -so -al " + world.path, &out), 0) << out;
    for (const char* layer : {"communities", "grids", "buildings", "units", "households", "service_posts", "streets",
                              "household_summary", "building_summary", "grid_summary", "post_summary"}) {
        EXPECT_NE(out.find(std::string("Layer name: ") + layer + "\n"), std::string::npos) << layer;
    }
    EXPECT_NE(out.find("Feature Count: 60"), std::string::npos);
    EXPECT_NE(out.find("ID[\"EPSG\",4548]"), std::string::npos);
}
