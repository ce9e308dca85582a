// gridatlas-cli render, run as a process: outputs exist only on success.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/fixture_atlas.h"

namespace gridatlas::testing {
namespace {

namespace fs = std::filesystem;

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string renderCommand(const std::string& atlas, const std::string& map, const std::string& out, const std::string& extra = "") {
    return cliPath() + " render --atlas " + quote(atlas) + " --map " + quote(map) + " --out " + quote(out) + " " + extra;
}

bool leftovers(const fs::path& dir) {
    // QSaveFile's temp files and the output itself: nothing may remain after a failure.
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename() != "fixture.sqlite" && e.path().filename().string().rfind("fixture.sqlite", 0) != 0) return true;
    return false;
}

TEST(RenderCli, WritesPdfPngAndSvgOfSmallWorld) {
    SmallWorld world;
    for (const char* ext : {"pdf", "png", "svg"}) {
        SCOPED_TRACE(ext);
        const std::string out = world.dir.file(std::string("chart.") + ext);
        std::string log;
        const int rc = runCommand(renderCommand(world.path, sourcePath("maps/member-residence.json"), out, "--dpi 60"), &log);
        EXPECT_EQ(rc, 0) << log;
        ASSERT_TRUE(fs::exists(out)) << log;
        EXPECT_GT(fs::file_size(out), 1000u);
        EXPECT_NE(log.find("render: wrote"), std::string::npos) << log;
        EXPECT_NE(log.find("personal data masked"), std::string::npos) << log;
    }
}

TEST(RenderCli, EveryRepositoryMapRendersAsA4Portrait) {
    SmallWorld world;
    for (const char* map : {"maps/member-residence.json", "maps/grids.json", "maps/posts.json", "maps/density.json"}) {
        SCOPED_TRACE(map);
        const std::string out = world.dir.file("a4.png");
        std::string log;
        EXPECT_EQ(runCommand(renderCommand(world.path, sourcePath(map), out, "--page A4 --portrait --dpi 40"), &log), 0) << log;
        EXPECT_NE(log.find("A4 portrait"), std::string::npos) << log;
        fs::remove(out);
    }
}

TEST(RenderCli, MissingAtlasExitsNonZeroAndWritesNothing) {
    TempDir dir;
    const std::string out = dir.file("x.pdf");
    std::string log;
    EXPECT_NE(runCommand(renderCommand(dir.file("nope.sqlite"), sourcePath("maps/member-residence.json"), out), &log), 0);
    EXPECT_NE(log.find("does not exist"), std::string::npos) << log;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(dir.file("nope.sqlite"))) << "a missing atlas must not be created";
}

TEST(RenderCli, UnknownExtensionExitsNonZeroAndWritesNothing) {
    SmallWorld world;
    const std::string out = world.dir.file("x.jpg");
    std::string log;
    EXPECT_NE(runCommand(renderCommand(world.path, sourcePath("maps/member-residence.json"), out), &log), 0);
    EXPECT_NE(log.find("unknown format '.jpg' (use .pdf, .png or .svg)"), std::string::npos) << log;
    EXPECT_FALSE(leftovers(world.dir.path()));
}

TEST(RenderCli, BadMapExitsNonZeroNamingTheLineAndWritesNothing) {
    SmallWorld world;
    const std::string map = world.dir.file("bad.json");
    std::ofstream(map) << "{\n  \"layers\": [\n    {\"name\": \"b\", \"source\": \"bulidings\", \"style\": \""
                       << sourcePath("styles/buildings-plain.json") << "\"}\n  ]\n}\n";
    const std::string out = world.dir.file("x.pdf");
    std::string log;
    EXPECT_NE(runCommand(renderCommand(world.path, map, out), &log), 0);
    EXPECT_NE(log.find("bad.json, line 3: layer source 'bulidings' does not exist in the atlas"), std::string::npos) << log;
    EXPECT_FALSE(fs::exists(out));
    fs::remove(map);
    EXPECT_FALSE(leftovers(world.dir.path()));
}

TEST(RenderCli, UnwritableOutputExitsNonZero) {
    SmallWorld world;
    std::string log;
    const std::string out = world.dir.file("no-such-folder/x.png");
    EXPECT_NE(runCommand(renderCommand(world.path, sourcePath("maps/member-residence.json"), out), &log), 0);
    EXPECT_NE(log.find("cannot write"), std::string::npos) << log;
    EXPECT_FALSE(fs::exists(out));
}

TEST(RenderCli, BadOptionsAreRefused) {
    SmallWorld world;
    const std::string out = world.dir.file("x.png");
    const std::string map = sourcePath("maps/member-residence.json");
    for (const char* extra : {"--page A5", "--dpi 5", "--landscape --portrait", "--colour red"}) {
        SCOPED_TRACE(extra);
        std::string log;
        EXPECT_NE(runCommand(renderCommand(world.path, map, out, extra), &log), 0) << log;
        EXPECT_FALSE(fs::exists(out));
    }
}

TEST(RenderCli, RevealIsStatedInTheLog) {
    SmallWorld world;
    const std::string out = world.dir.file("x.png");
    std::string log;
    EXPECT_EQ(runCommand(renderCommand(world.path, sourcePath("maps/grids.json"), out, "--reveal --dpi 40"), &log), 0) << log;
    EXPECT_NE(log.find("personal data REVEALED"), std::string::npos) << log;
}

} // namespace
} // namespace gridatlas::testing
