// Map documents and styles: valid files parse, and every mistake names the file and the line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/support/error.h"
#include "render/map_document.h"
#include "render/style.h"
#include "storage/atlas.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

using testing::SmallWorld;
using testing::sourcePath;
using testing::TempDir;

/// A map folder like the repository's: <dir>/maps/<name> and <dir>/styles/<name>.
struct MapFolder {
    TempDir dir;
    MapFolder() {
        std::filesystem::create_directories(dir.path() / "maps");
        std::filesystem::create_directories(dir.path() / "styles");
    }
    std::string map(const std::string& name, const std::string& text) const { return write("maps/" + name, text); }
    std::string style(const std::string& name, const std::string& text) const { return write("styles/" + name, text); }
    std::string write(const std::string& rel, const std::string& text) const {
        const auto p = dir.path() / rel;
        std::ofstream(p) << text;
        return p.string();
    }
};

const char* kPolygonStyle = R"({
  "geometry": "polygon",
  "symbol": {"fill": "#eeeeee", "stroke": "#333333", "stroke_width_mm": 0.3},
  "label": {"field": "number", "size_pt": 7}
})";

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(MapDocument, RepositoryMapsParseAndMatchTheAtlas) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    for (const char* name : {"maps/member-residence.json", "maps/grids.json", "maps/posts.json", "maps/density.json"}) {
        SCOPED_TRACE(name);
        const MapDocument doc = loadMapDocument(sourcePath(name));
        EXPECT_FALSE(doc.layers.empty());
        EXPECT_TRUE(doc.warnings.empty());
        for (const auto& l : doc.layers) EXPECT_NE(l.style, nullptr) << l.name;
        EXPECT_NO_THROW(validateMapDocument(doc, provider));
    }
}

TEST(MapDocument, MemberResidenceHasTheLayersOfTheChart) {
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    std::vector<std::string> sources;
    for (const auto& l : doc.layers) sources.push_back(l.source);
    for (const char* s : {"grids", "communities", "streets", "buildings", "households", "service_posts"})
        EXPECT_NE(std::find(sources.begin(), sources.end(), s), sources.end()) << s;
    const auto* vulnerable = doc.findLayer("vulnerable");
    ASSERT_NE(vulnerable, nullptr);
    ASSERT_EQ(vulnerable->filter.size(), 1u);
    EXPECT_EQ(vulnerable->filter[0].field, "vulnerable");
    EXPECT_EQ(vulnerable->filter[0].values, std::vector<std::string>{"1"});
    EXPECT_EQ(doc.page.size, PageSize::A3);
    EXPECT_EQ(doc.page.orientation, PageOrientation::Landscape);
}

TEST(MapDocument, UnknownLayerKeyNamesFileLineLayerAndKnownKeys) {
    MapFolder f;
    f.style("b.json", kPolygonStyle);
    const auto path = f.map("demo.json", R"({
  "title": "测试",
  "layers": [
    {"name": "buildings",
     "source": "buildings",
     "style": "b.json",
     "fil": "#ff0000"}
  ]
})");
    const std::string msg = errorOf([&] { (void)loadMapDocument(path); });
    EXPECT_NE(msg.find(path + ", line 7: unknown key 'fil' in layer 'buildings'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(known: name, title, source, style"), std::string::npos) << msg;
    EXPECT_NE(msg.find("did you mean 'filter'?"), std::string::npos) << msg;
}

TEST(MapDocument, UnknownTopLevelKeyIsRefused) {
    MapFolder f;
    const auto path = f.map("x.json", "{\n  \"title\": \"t\",\n  \"layres\": []\n}");
    const std::string msg = errorOf([&] { (void)loadMapDocument(path); });
    EXPECT_NE(msg.find(path + ", line 3: unknown key 'layres' in the map document: did you mean 'layers'?"), std::string::npos) << msg;
}

TEST(MapDocument, UnknownLayerSourceNamesLineAndAtlasLayers) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    MapFolder f;
    f.style("b.json", kPolygonStyle);
    const auto path = f.map("x.json", R"({
  "title": "测试",
  "layers": [
    {"name": "buildings",
     "style": "b.json",
     "source": "bulidings"}
  ]
})");
    const MapDocument doc = loadMapDocument(path);
    const std::string msg = errorOf([&] { validateMapDocument(doc, provider); });
    EXPECT_NE(msg.find(path + ", line 6: layer source 'bulidings' does not exist in the atlas (layers: communities, grids, buildings"),
              std::string::npos)
        << msg;
}

TEST(MapDocument, MissingStyleIsAnErrorThatSaysWhereItLooked) {
    MapFolder f;
    const auto path = f.map("x.json", R"({
  "layers": [
    {"name": "buildings", "source": "buildings",
     "style": "no-such-style.json"}
  ]
})");
    const std::string msg = errorOf([&] { (void)loadMapDocument(path); });
    EXPECT_NE(msg.find(path + ", line 4: style 'no-such-style.json' of layer 'buildings' not found (looked in: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("styles/no-such-style.json"), std::string::npos) << msg;
}

TEST(MapDocument, MissingStyleFallsBackWithAWarningWhenAsked) {
    MapFolder f;
    const auto path = f.map("x.json", R"({"layers": [{"name": "buildings", "source": "buildings", "style": "gone"}]})");
    MapLoadOptions options;
    options.fallbackForMissingStyles = true;
    const MapDocument doc = loadMapDocument(path, options);
    ASSERT_EQ(doc.warnings.size(), 1u);
    EXPECT_NE(doc.warnings[0].find("style 'gone' of layer 'buildings' not found"), std::string::npos) << doc.warnings[0];
    EXPECT_EQ(doc.layers[0].style, nullptr);
}

TEST(MapDocument, StylesResolveFromTheMapsFolderWithoutExtension) {
    MapFolder f;
    f.write("maps/local.json", kPolygonStyle); // next to the map
    f.style("shared.json", kPolygonStyle);     // in ../styles
    const auto path = f.map("x.json", R"({"layers": [
      {"name": "a", "source": "buildings", "style": "shared"},
      {"name": "b", "source": "buildings", "style": "local.json"}]})");
    const MapDocument doc = loadMapDocument(path);
    EXPECT_NE(doc.layers[0].stylePath.find("styles/shared.json"), std::string::npos);
    EXPECT_NE(doc.layers[1].stylePath.find("maps/local.json"), std::string::npos);
}

TEST(MapDocument, DuplicateLayerNamesAreRefused) {
    MapFolder f;
    f.style("b.json", kPolygonStyle);
    const auto path = f.map("x.json", R"({"layers": [
      {"name": "a", "source": "buildings", "style": "b"},
      {"name": "a", "source": "grids", "style": "b"}]})");
    EXPECT_NE(errorOf([&] { (void)loadMapDocument(path); }).find("line 3: layer name 'a' is used twice"), std::string::npos);
}

TEST(MapDocument, ExtentFormsParse) {
    MapFolder f;
    f.style("b.json", kPolygonStyle);
    auto extentOf = [&](const std::string& extent) {
        const auto path = f.map("e.json", "{\"extent\": " + extent + ", \"layers\": [{\"name\": \"a\", \"source\": \"buildings\", \"style\": \"b\"}]}");
        return loadMapDocument(path).extent;
    };
    EXPECT_EQ(extentOf("\"auto\"").kind, ExtentSpec::Kind::Auto);
    const auto fixed = extentOf("[1, 2, 3, 4]");
    EXPECT_EQ(fixed.kind, ExtentSpec::Kind::Fixed);
    EXPECT_EQ(fixed.rect, (model::Rect{1, 2, 3, 4}));
    const auto layer = extentOf("{\"layer\": \"communities\", \"margin\": 0.1}");
    EXPECT_EQ(layer.kind, ExtentSpec::Kind::Layer);
    EXPECT_EQ(layer.layer, "communities");
    EXPECT_DOUBLE_EQ(layer.margin, 0.1);
    EXPECT_NE(errorOf([&] { (void)extentOf("[3, 2, 1, 4]"); }).find("xmin must be below xmax"), std::string::npos);
    EXPECT_NE(errorOf([&] { (void)extentOf("\"everything\""); }).find("is not \"auto\""), std::string::npos);
}

TEST(MapDocument, FilterIsEqualityTermsNotSql) {
    MapFolder f;
    f.style("b.json", kPolygonStyle);
    const auto ok = f.map("ok.json", R"({"layers": [{"name": "a", "source": "buildings", "style": "b",
      "filter": {"use": ["residential", "mixed"], "floors": 6}}]})");
    const auto doc = loadMapDocument(ok);
    ASSERT_EQ(doc.layers[0].filter.size(), 2u);
    EXPECT_EQ(doc.layers[0].filter[0].values, (std::vector<std::string>{"residential", "mixed"}));
    EXPECT_EQ(doc.layers[0].filter[1].values, std::vector<std::string>{"6"});
    const auto sql = f.map("sql.json", R"({"layers": [{"name": "a", "source": "buildings", "style": "b",
      "filter": "members > 0"}]})");
    EXPECT_NE(errorOf([&] { (void)loadMapDocument(sql); }).find("must be an object"), std::string::npos);
}

TEST(MapDocument, TitleAggregatesParseAndAreChecked) {
    const auto t = parseTitleTemplate("{communities.values:name}党员 {buildings.sum:members} 名, {grids.count} 网格");
    ASSERT_EQ(t.parts.size(), 6u);
    EXPECT_EQ(t.parts[0].aggregate->op, Aggregate::Op::Values);
    EXPECT_EQ(t.parts[2].aggregate->field, "members");
    EXPECT_EQ(t.parts[4].aggregate->op, Aggregate::Op::Count);
    EXPECT_THROW(parseTitleTemplate("{grids}"), InputError);
    EXPECT_THROW(parseTitleTemplate("{grids.sum}"), InputError);
    EXPECT_THROW(parseTitleTemplate("{grids.count"), InputError);

    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    MapFolder f;
    f.style("b.json", kPolygonStyle);
    const auto path = f.map("x.json", "{\n\"title\": \"{buildings.sum:memebers}\",\n\"layers\": [{\"name\": \"a\", \"source\": \"buildings\", \"style\": \"b\"}]}");
    const auto doc = loadMapDocument(path);
    const std::string msg = errorOf([&] { validateMapDocument(doc, provider); });
    EXPECT_NE(msg.find(path + ", line 2: title aggregate: field 'memebers' does not exist in layer 'buildings'"), std::string::npos) << msg;
}

TEST(Style, ParsesRenderersLabelsAndInheritsTheBaseSymbol) {
    const Style s = parseStyle(model::parseJson(R"({
      "geometry": "point",
      "symbol": {"stroke": "#ffffff", "stroke_width_mm": 0.3, "size_mm": 4},
      "renderer": {"type": "categorized", "field": "type", "categories": [
        {"value": "pioneer_post", "label": "党员先锋岗", "symbol": {"marker": "star", "fill": "#d7191c"}},
        {"value": 1, "symbol": {"marker": "cross"}}]},
      "label": {"template": "{name}（{type}）", "placement": "around", "priority": 70}
    })", "s.json"), "s.json");
    EXPECT_EQ(s.geometry, GeometryKind::Point);
    ASSERT_EQ(s.renderer.classes.size(), 2u);
    const auto& star = s.renderer.classes[0];
    EXPECT_EQ(star.value, "pioneer_post");
    EXPECT_EQ(star.label, "党员先锋岗");
    EXPECT_EQ(star.symbol.marker, MarkerShape::Star);
    EXPECT_EQ(star.symbol.fill, QColor("#d7191c"));
    EXPECT_EQ(star.symbol.stroke, QColor("#ffffff")); // inherited
    EXPECT_DOUBLE_EQ(star.symbol.sizeMm, 4.0);
    EXPECT_EQ(s.renderer.classes[1].value, "1");
    ASSERT_EQ(s.labels.size(), 1u);
    EXPECT_EQ(s.labels[0].text.fields(), (std::vector<std::string>{"name", "type"}));
    EXPECT_EQ(s.labels[0].placement, LabelPlacement::Around);
    EXPECT_EQ(s.fields(), (std::vector<std::string>{"type", "name"}));
}

TEST(Style, RepositoryStylesAllParse) {
    for (const auto& entry : std::filesystem::directory_iterator(sourcePath("styles"))) {
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW((void)loadStyle(entry.path().string()));
    }
}

TEST(Style, UnknownSymbolKeyNamesLineAndSuggests) {
    const std::string msg = errorOf([] {
        (void)parseStyle(model::parseJson("{\n\"geometry\": \"polygon\",\n\"symbol\": {\n  \"fil\": \"#fff\"}\n}", "styles/b.json"),
                         "styles/b.json");
    });
    EXPECT_NE(msg.find("styles/b.json, line 4: unknown key 'fil' in the symbol: did you mean 'fill'?"), std::string::npos) << msg;
}

TEST(Style, BadValuesNameTheKeyAndLine) {
    auto err = [](const std::string& text) {
        return errorOf([&] { (void)parseStyle(model::parseJson(text, "s.json"), "s.json"); });
    };
    EXPECT_NE(err("{\"geometry\": \"polygon\",\n\"symbol\": {\"fill\": \"red\"}}").find("line 2: 'fill' = \"red\" is not a colour"), std::string::npos);
    EXPECT_NE(err("{\"geometry\": \"blob\"}").find("is not one of: point, line, polygon"), std::string::npos);
    EXPECT_NE(err("{\"symbol\": {}}").find("needs 'geometry'"), std::string::npos);
    EXPECT_NE(err("{\"geometry\": \"point\", \"symbol\": {\"marker\": \"hexagon\"}}").find("circle, square, triangle, diamond, star, cross, pin"),
              std::string::npos);
    EXPECT_NE(err("{\"geometry\": \"point\", \"symbol\": {\"size_mm\": -1}}").find("'size_mm' = -1 is out of range"), std::string::npos);
    EXPECT_NE(err("{\"geometry\": \"point\", \"label\": {\"template\": \"{name\"}}").find("'{' without '}'"), std::string::npos);
    EXPECT_NE(err("{\"geometry\": \"point\", \"renderer\": {\"type\": \"graduated\"}}").find("needs the key 'field'"), std::string::npos);
    EXPECT_NE(err("{\"geometry\": \"point\", \"label\": {\"field\": \"n\", \"placement\": \"line\"}}").find("needs a line style"),
              std::string::npos);
}

TEST(Style, FieldMissingInTheSourceNamesTheStyleFileAndLine) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    MapFolder f;
    const auto style = f.style("b.json", "{\n\"geometry\": \"polygon\",\n\"renderer\": {\"type\": \"graduated\",\n \"field\": \"memebers\", \"ranges\": [{\"min\": 0}]}\n}");
    const auto path = f.map("x.json", R"({"layers": [{"name": "buildings", "source": "buildings", "style": "b"}]})");
    const auto doc = loadMapDocument(path);
    const std::string msg = errorOf([&] { validateMapDocument(doc, provider); });
    EXPECT_NE(msg.find("b.json, line 4: field 'memebers' does not exist in source 'buildings'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("fields: id, community_id"), std::string::npos) << msg;
}

TEST(Style, GeometryKindMustMatchTheSource) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    MapFolder f;
    f.style("p.json", R"({"geometry": "point"})");
    const auto path = f.map("x.json", R"({"layers": [{"name": "b", "source": "buildings", "style": "p"}]})");
    const auto doc = loadMapDocument(path);
    EXPECT_NE(errorOf([&] { validateMapDocument(doc, provider); }).find("draws points but source 'buildings' holds polygons"), std::string::npos);
}

TEST(Style, ClassMatcherFindsCategoriesRangesAndPalette) {
    Renderer cat;
    cat.type = RendererType::Categorized;
    cat.field = "type";
    cat.classes = {SymbolClass{"a", {}, "pioneer_post", 0, 0}, SymbolClass{"b", {}, "1", 0, 0}};
    const ClassMatcher m(cat);
    EXPECT_EQ(m.classify(model::Value{std::string("pioneer_post")}), 0);
    EXPECT_EQ(m.classify(model::Value{std::int64_t{1}}), 1);
    EXPECT_EQ(m.classify(model::Value{1.0}), 1);
    EXPECT_EQ(m.classify(model::Value{std::string("other")}), -1);
    EXPECT_EQ(m.classify(model::Value{}), -1);

    Renderer grad;
    grad.type = RendererType::Graduated;
    grad.classes = {SymbolClass{"0", {}, "", 0, 0}, SymbolClass{"1-2", {}, "", 1, 2}, SymbolClass{"3+", {}, "", 3, 1e300}};
    grad.other = SymbolClass{"?", {}, "", 0, 0};
    const ClassMatcher g(grad);
    EXPECT_EQ(g.classify(model::Value{std::int64_t{0}}), 0);
    EXPECT_EQ(g.classify(model::Value{std::int64_t{2}}), 1);
    EXPECT_EQ(g.classify(model::Value{std::int64_t{40}}), 2);
    EXPECT_EQ(g.classify(model::Value{}), g.otherSlot());

    Renderer pal;
    pal.type = RendererType::Categorized;
    pal.palette = {QColor("#111111"), QColor("#222222"), QColor("#333333")};
    const ClassMatcher p(pal);
    const int s4 = p.classify(model::Value{std::int64_t{4}});
    EXPECT_TRUE(p.isPaletteSlot(s4));
    EXPECT_EQ(p.symbol(s4).fill, QColor("#222222")); // 4 mod 3 = 1
    EXPECT_EQ(p.classify(model::Value{std::string("湖西")}), p.classify(model::Value{std::string("湖西")}));
}

} // namespace
} // namespace gridatlas::render
