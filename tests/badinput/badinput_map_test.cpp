// Hostile map documents: a map that names itself as a style or a raster, styles that are maps,
// links that loop, extents with huge, infinite or degenerate boxes. Each is an error naming the
// file (and line), never a crash, a hang or a chart with a nonsense scale.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "badinput/badinput_support.h"
#include "model/support/error.h"
#include "render/map_document.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::testing;
namespace fs = std::filesystem;

namespace {

std::string mapWith(const std::string& extent, const std::string& layers) {
    return "{\n  \"title\": \"测试\",\n  \"extent\": " + extent + ",\n  \"layers\": [\n" + layers + "\n  ]\n}\n";
}

std::string styleLayer(const std::string& style) {
    return "    {\"name\": \"buildings\", \"source\": \"buildings\", \"style\": \"" + style + "\"}";
}

/// loadMapDocument throws an InputError whose text holds every one of `parts`.
void expectLoadError(const std::string& path, const std::vector<std::string>& parts, const render::MapLoadOptions& options = {}) {
    try {
        (void)render::loadMapDocument(path, options);
        ADD_FAILURE() << path << " loaded";
    } catch (const InputError& e) {
        for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
}

} // namespace

TEST(BadMap, MapThatReferencesItself) {
    TempDir dir;
    const std::string buildingsStyle = sourcePath("styles/buildings-plain.json");
    // Its own file as the style of a layer: read as a style, a map is not one.
    const std::string self = dir.file("self.json");
    writeFile(self, mapWith("\"auto\"", styleLayer(self)));
    expectLoadError(self, {"self.json", "line"});
    // ... and in the viewer's lenient mode too (missing styles fall back, broken ones do not load).
    render::MapLoadOptions lenient;
    lenient.fallbackForMissingStyles = true;
    expectLoadError(self, {"self.json", "line"}, lenient);
    // Its own file as a raster basemap.
    const std::string raster = dir.file("raster-self.json");
    writeFile(raster, mapWith("\"auto\"", "    {\"name\": \"base\", \"kind\": \"raster\", \"file\": \"raster-self.json\"},\n" +
                                              styleLayer(buildingsStyle)));
    // Two maps naming each other as styles.
    writeFile(dir.file("a.json"), mapWith("\"auto\"", styleLayer(dir.file("b.json"))));
    writeFile(dir.file("b.json"), mapWith("\"auto\"", styleLayer(dir.file("a.json"))));
    expectLoadError(dir.file("a.json"), {"b.json"});
    // A style that is a symlink to itself: a link loop, not a file.
    fs::create_symlink(dir.file("loop.json"), dir.file("loop.json"));
    const std::string loop = dir.file("loop-map.json");
    writeFile(loop, mapWith("\"auto\"", styleLayer(dir.file("loop.json"))));
    expectLoadError(loop, {"loop-map.json", "line 5", "not found"});
    expectLoadError(dir.file("loop.json"), {"loop.json"});

    // Through the CLI: each fails cleanly and writes nothing.
    SmallWorld world;
    world.atlas.reset();
    const std::string before = fileChecksum(world.path);
    for (const auto& map : {self, raster, dir.file("a.json"), loop, dir.file("loop.json")}) {
        const std::string png = dir.file("out.png");
        const CliRun r = runCli("render --atlas " + shellQuote(world.path) + " --map " + shellQuote(map) + " --out " + shellQuote(png) + " --dpi 40");
        EXPECT_TRUE(failedCleanly(r, fs::path(map).filename().string())) << map;
        EXPECT_FALSE(fs::exists(png)) << map;
    }
    EXPECT_EQ(fileChecksum(world.path), before);
}

TEST(BadMap, ExtentsThatAreHugeInfiniteOrDegenerate) {
    TempDir dir;
    const std::string style = sourcePath("styles/buildings-plain.json");
    struct Case {
        std::string name, extent, message;
    };
    const std::vector<Case> cases = {
        {"inf.json", "[0, 0, 1e999, 1e999]", "is not a valid number"},
        {"huge.json", "[-1e308, -1e308, 1e308, 1e308]", "within ±1e9"},
        {"beyond.json", "{\"box\": [0, 0, 2e9, 10]}", "within ±1e9"},
        {"tiny.json", "[0, 0, 1e-300, 1e-300]", "at least 0.1 m"},
        {"flat.json", "[0, 0, 1000, 0]", "ymin below ymax"},
        {"inverted.json", "[10, 10, 0, 0]", "xmin must be below xmax"},
        {"margin.json", "{\"box\": [0, 0, 10, 10], \"margin\": 1e300}", "1e+300 is out of range"},
        {"nan-ish.json", "[0, 0, \"NaN\", 10]", "four numbers"},
    };
    SmallWorld world;
    world.atlas.reset();
    const std::string before = fileChecksum(world.path);
    for (const auto& c : cases) {
        const std::string path = dir.file(c.name);
        writeFile(path, mapWith(c.extent, styleLayer(style)));
        expectLoadError(path, {c.name, "line 3", c.message});
        const std::string png = dir.file("out.png");
        const CliRun r = runCli("render --atlas " + shellQuote(world.path) + " --map " + shellQuote(path) + " --out " + shellQuote(png) + " --dpi 40");
        EXPECT_TRUE(failedCleanly(r, c.name + ", line 3")) << c.name;
        EXPECT_FALSE(fs::exists(png)) << c.name;
    }
    EXPECT_EQ(fileChecksum(world.path), before);
}
