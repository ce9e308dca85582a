// Saving map documents: load -> save -> load gives the same document, styles keep their names
// where they still resolve, and a failed save leaves nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/support/error.h"
#include "render/map_document.h"
#include "render/render_test_support.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

namespace fs = std::filesystem;
using testing::readFile;
using testing::sourcePath;
using testing::TempDir;

void expectSameDocument(const MapDocument& a, const MapDocument& b) {
    EXPECT_EQ(titleTemplateText(a.title), titleTemplateText(b.title));
    EXPECT_EQ(titleTemplateText(a.subtitle), titleTemplateText(b.subtitle));
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.extent.kind, b.extent.kind);
    EXPECT_EQ(a.extent.layer, b.extent.layer);
    EXPECT_EQ(a.extent.margin, b.extent.margin);
    EXPECT_EQ(a.extent.rect.xmin, b.extent.rect.xmin);
    EXPECT_EQ(a.extent.rect.ymin, b.extent.rect.ymin);
    EXPECT_EQ(a.extent.rect.xmax, b.extent.rect.xmax);
    EXPECT_EQ(a.extent.rect.ymax, b.extent.rect.ymax);
    EXPECT_EQ(a.page.size, b.page.size);
    EXPECT_EQ(a.page.orientation, b.page.orientation);
    EXPECT_EQ(a.page.dpi, b.page.dpi);
    EXPECT_EQ(a.page.scale, b.page.scale);
    EXPECT_EQ(a.background.rgba(), b.background.rgba());
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        const LayerSpec &x = a.layers[i], &y = b.layers[i];
        SCOPED_TRACE(x.name);
        EXPECT_EQ(x.name, y.name);
        EXPECT_EQ(x.title, y.title);
        EXPECT_EQ(x.source, y.source);
        std::error_code ec;
        EXPECT_TRUE(x.stylePath.empty() ? y.stylePath.empty() : fs::equivalent(x.stylePath, y.stylePath, ec))
            << x.stylePath << " vs " << y.stylePath;
        EXPECT_EQ(x.visible, y.visible);
        EXPECT_EQ(x.opacity, y.opacity);
        EXPECT_EQ(x.minScale, y.minScale);
        EXPECT_EQ(x.maxScale, y.maxScale);
        ASSERT_EQ(x.filter.size(), y.filter.size());
        for (std::size_t t = 0; t < x.filter.size(); ++t) {
            EXPECT_EQ(x.filter[t].field, y.filter[t].field);
            EXPECT_EQ(x.filter[t].values, y.filter[t].values);
        }
        EXPECT_EQ(x.legend, y.legend);
        EXPECT_EQ(x.legendGroup, y.legendGroup);
    }
}

/// <dir>/maps and <dir>/styles with copies of the repository's styles.
struct MapFolder {
    TempDir dir;
    MapFolder() {
        fs::create_directories(dir.path() / "maps");
        fs::copy(sourcePath("styles"), dir.path() / "styles");
    }
    [[nodiscard]] std::string map(const std::string& name) const { return (dir.path() / "maps" / name).string(); }
};

TEST(MapDocumentSave, RepositoryMapsRoundTripWithTheirStyleNames) {
    MapFolder folder;
    for (const char* name : {"member-residence.json", "grids.json", "posts.json", "density.json"}) {
        SCOPED_TRACE(name);
        fs::copy_file(sourcePath(std::string("maps/") + name), folder.map(name));
        const MapDocument loaded = loadMapDocument(folder.map(name));
        const std::string saved = folder.map(std::string("saved-") + name);
        saveMapDocument(loaded, saved);
        const MapDocument again = loadMapDocument(saved);
        expectSameDocument(loaded, again);
        for (std::size_t i = 0; i < loaded.layers.size(); ++i) EXPECT_EQ(again.layers[i].styleName, loaded.layers[i].styleName);
        // Saving what was loaded from a save changes nothing more: the format is stable.
        const std::string twice = folder.map(std::string("twice-") + name);
        saveMapDocument(again, twice);
        EXPECT_EQ(readFile(twice), readFile(saved));
    }
}

TEST(MapDocumentSave, EveryKeyRoundTrips) {
    MapFolder folder;
    const std::string original = folder.map("all.json");
    std::ofstream(original) << R"({
      "title": "{communities.values:name}的 \"测试\" 图 \\ {grids.count} 个网格",
      "subtitle": "住户 {buildings.sum:households} 户",
      "description": "line one\nline two",
      "extent": {"box": [560000.5, 5495000.25, 561234.125, 5496000], "margin": 0.1},
      "page": {"size": "A4", "orientation": "portrait", "dpi": 300, "scale": 2500},
      "background": "#f7f5f080",
      "layers": [
        {"name": "grid_fill", "title": "网格", "source": "grids", "style": "grid-fill.json", "legend": false, "opacity": 0.35},
        {"name": "streets", "source": "streets", "style": "streets", "max_scale": 12000, "min_scale": 500},
        {"name": "posts", "source": "service_posts", "style": "service-posts.json",
         "filter": {"type": ["pioneer_post", "aid_station"], "id": [1, 2.5], "code": "007"}, "visible": false},
        {"name": "vulnerable", "source": "households", "style": "households-vulnerable.json", "filter": {"vulnerable": true},
         "legend_group": "住户"}
      ]
    })";
    const MapDocument loaded = loadMapDocument(original);
    const std::string saved = folder.map("saved.json");
    saveMapDocument(loaded, saved);
    const MapDocument again = loadMapDocument(saved);
    expectSameDocument(loaded, again);
    EXPECT_EQ(again.layers[1].styleName, "streets"); // as written, without ".json"
    EXPECT_EQ(titleTemplateText(again.title), "{communities.values:name}的 \"测试\" 图 \\ {grids.count} 个网格");
    // Numbers stay numbers, text stays text: "007" is not 7.
    const std::string text = readFile(saved);
    EXPECT_NE(text.find(R"("filter": {"type": ["pioneer_post", "aid_station"], "id": [1, 2.5], "code": "007"})"), std::string::npos)
        << text;
    EXPECT_NE(text.find(R"("filter": {"vulnerable": 1})"), std::string::npos) << text;
    // An automatic extent and no page are written as nothing (the defaults).
    MapDocument plain = loaded;
    plain.extent = ExtentSpec{};
    plain.page = PageSpec{};
    plain.title = TitleTemplate{};
    saveMapDocument(plain, saved);
    const std::string plainText = readFile(saved);
    EXPECT_EQ(plainText.find("\"extent\""), std::string::npos);
    EXPECT_EQ(plainText.find("\"page\""), std::string::npos);
    EXPECT_EQ(plainText.find("\"title\": \"{"), std::string::npos);
    expectSameDocument(plain, loadMapDocument(saved));
}

TEST(MapDocumentSave, StylesThatNoLongerResolveFromTheNewPlaceGetAPath) {
    MapFolder folder;
    const MapDocument loaded = loadMapDocument(sourcePath("maps/member-residence.json"));
    // Elsewhere, with no styles folder beside it: the style names would not resolve any more.
    TempDir other;
    const std::string saved = (other.path() / "copy.json").string();
    saveMapDocument(loaded, saved);
    const MapDocument again = loadMapDocument(saved);
    expectSameDocument(loaded, again);
    // A path (relative when the source tree is near the temp folder, as in a clone under /tmp,
    // absolute otherwise) that leads from the new place to the same style file.
    const fs::path written(again.layers[0].styleName);
    const fs::path resolved = written.is_absolute() ? written : other.path() / written;
    EXPECT_NE(again.layers[0].styleName, "grid-fill.json");
    EXPECT_EQ(fs::canonical(resolved), fs::canonical(sourcePath("styles/grid-fill.json")));
    // Beside the styles folder rather than in maps/: a path relative to the map.
    fs::copy_file(sourcePath("maps/member-residence.json"), folder.map("m.json"));
    const std::string beside = (folder.dir.path() / "m.json").string();
    const MapDocument inFolder = loadMapDocument(folder.map("m.json"));
    saveMapDocument(inFolder, beside);
    const MapDocument besideDoc = loadMapDocument(beside);
    EXPECT_EQ(besideDoc.layers[0].styleName, "styles/grid-fill.json");
    expectSameDocument(inFolder, besideDoc);
}

TEST(MapDocumentSave, AFailedSaveNamesThePathAndLeavesNothing) {
    const MapDocument doc = loadMapDocument(sourcePath("maps/grids.json"));
    TempDir dir;
    const std::string missing = (dir.path() / "no" / "such" / "folder" / "map.json").string();
    try {
        saveMapDocument(doc, missing);
        FAIL() << "no error";
    } catch (const RenderError& e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(missing));
    try {
        saveMapDocument(doc, dir.path().string());
        FAIL() << "no error";
    } catch (const RenderError& e) {
        EXPECT_NE(std::string(e.what()).find("is a folder"), std::string::npos) << e.what();
    }
    // An earlier file is replaced whole, or not at all.
    const std::string existing = (dir.path() / "map.json").string();
    std::ofstream(existing) << "old";
    saveMapDocument(doc, existing);
    EXPECT_NE(readFile(existing).find("\"layers\""), std::string::npos);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1); // no temp file left
}

} // namespace
} // namespace gridatlas::render
