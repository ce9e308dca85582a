// gridatlas-cli grids: exit codes, one line per problem, files written, plan round trip, errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "grids/grid_test_support.h"
#include "storage/connection.h"

namespace gridatlas::testing {
namespace {

std::string cli(const std::string& args) {
    return cliPath() + " " + args;
}

int countLines(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += line.rfind(prefix, 0) == 0;
    return n;
}

TEST(GridsCli, CheckExitsZeroOnCleanDataAndOneWithOneLinePerProblem) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const std::string path = atlas->path();
    std::string out;
    EXPECT_EQ(runCommand(cli("grids check --atlas " + path), &out), 0) << out;
    // Plant: a grid without staff, and a grid removed (a gap).
    atlas->connection().exec("DELETE FROM grid_staff WHERE grid_id = 1");
    atlas->connection().exec("DELETE FROM grids WHERE id = 2");
    atlas.reset();
    EXPECT_EQ(runCommand(cli("grids check --atlas " + path + " 2>/dev/null"), &out), 1) << out;
    EXPECT_EQ(countLines(out, "staff\t"), 1) << out;
    EXPECT_EQ(countLines(out, "gap\t"), 1) << out;
    EXPECT_EQ(countLines(out, "gap\t") + countLines(out, "staff\t") + countLines(out, "assignment\t"), 2)
        << out; // grid 2's buildings lost it with it: no stale assignment
}

TEST(GridsCli, StatsWritesCsv) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const std::string csv = dir.file("stats.csv");
    std::string out;
    ASSERT_EQ(runCommand(cli("grids stats --atlas " + atlas->path() + " --out " + csv), &out), 0) << out;
    std::ifstream in(csv);
    std::string line;
    int rows = -1;
    while (std::getline(in, line)) ++rows;
    EXPECT_EQ(rows, atlas->connection().queryInt("SELECT COUNT(*) FROM grids").value_or(0));
    EXPECT_NE(runCommand(cli("grids stats --atlas " + atlas->path() + " --out " + dir.file("x.pdf")), &out), 0);
    EXPECT_NE(out.find("unknown format"), std::string::npos) << out;
}

TEST(GridsCli, ProposeSavesAPlanAndWritesGeoJsonThenCompareAndRestore) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    const std::string path = atlas->path();
    const auto blobs = gridBlobs(atlas->connection());
    atlas.reset();
    const std::string geojson = dir.file("proposal.geojson");
    std::string out;
    ASSERT_EQ(runCommand(cli("grids propose --atlas " + path +
                             " --community 湖西社区 --target 400 --tolerance 0.2 "
                             "--respect-streets --plan 方案一 --out " +
                             geojson + " 2>/dev/null"),
                         &out),
              0)
        << out;
    EXPECT_NE(out.find("max deviation"), std::string::npos) << out;
    ASSERT_TRUE(std::filesystem::exists(geojson));
    std::ifstream in(geojson);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("\"households\""), std::string::npos);
    {
        auto again = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
        EXPECT_EQ(gridBlobs(again->connection()), blobs) << "a proposal never changes the current grids";
    }
    EXPECT_NE(runCommand(cli("grids propose --atlas " + path + " --community 湖西社区 --plan 方案一"), &out), 0);
    EXPECT_NE(out.find("exists already"), std::string::npos) << out;

    ASSERT_EQ(runCommand(cli("grids save --atlas " + path + " --plan 现状 2>/dev/null"), &out), 0) << out;
    ASSERT_EQ(runCommand(cli("grids plans --atlas " + path + " 2>/dev/null"), &out), 0) << out;
    EXPECT_NE(out.find("方案一\tproposal"), std::string::npos) << out;
    EXPECT_NE(out.find("现状\tsaved"), std::string::npos) << out;
    ASSERT_EQ(runCommand(cli("grids compare --atlas " + path + " --plan 现状 --plan 方案一 2>/dev/null"), &out), 0) << out;
    EXPECT_NE(out.find("households change grid"), std::string::npos) << out;
    EXPECT_NE(runCommand(cli("grids compare --atlas " + path + " --plan 现状"), &out), 0);

    ASSERT_EQ(runCommand(cli("grids restore --atlas " + path + " --plan 方案一 2>/dev/null"), &out), 0) << out;
    // The proposal reuses today's codes (and so their staff): it passes every check.
    EXPECT_EQ(runCommand(cli("grids check --atlas " + path + " 2>/dev/null"), &out), 0) << out;
    ASSERT_EQ(runCommand(cli("grids restore --atlas " + path + " --plan 现状 2>/dev/null"), &out), 0) << out;
    EXPECT_EQ(runCommand(cli("grids check --atlas " + path + " 2>/dev/null"), &out), 0) << out;
}

TEST(GridsCli, ErrorsNameTheProblem) {
    TempDir dir;
    auto atlas = demoCopy(dir);
    std::string out;
    EXPECT_NE(runCommand(cli("grids propose --atlas " + atlas->path() + " --community 无此社区 --plan x"), &out), 0);
    EXPECT_NE(out.find("无此社区"), std::string::npos) << out;
    EXPECT_NE(runCommand(cli("grids propose --atlas " + atlas->path() + " --community 湖西社区 --plan x --tolerance 2"), &out),
              0);
    EXPECT_NE(out.find("--tolerance"), std::string::npos) << out;
    EXPECT_NE(runCommand(cli("grids frobnicate --atlas " + atlas->path()), &out), 0);
    EXPECT_NE(out.find("frobnicate"), std::string::npos) << out;
    EXPECT_NE(runCommand(cli("grids restore --atlas " + atlas->path() + " --plan nope"), &out), 0);
    EXPECT_NE(out.find("nope"), std::string::npos) << out;
}

} // namespace
} // namespace gridatlas::testing
