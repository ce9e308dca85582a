// Aggregates: dense point layers drawn as one circle per building (or map cell) beyond a scale,
// with counts equal to the data, and as individual symbols when zoomed in.
#include <gtest/gtest.h>

#include <QImage>
#include <QPainter>

#include <algorithm>
#include <map>
#include <set>

#include "model/json.h"
#include "model/support/error.h"
#include "render/legend.h"
#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/render_test_support.h"
#include "storage/atlas.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

using model::Field;
using model::FieldType;
using testing::MemoryLayer;
using testing::MemoryProvider;
using testing::SmallWorld;
using testing::sourcePath;

std::shared_ptr<const Style> styleOf(const std::string& json) {
    return std::make_shared<const Style>(parseStyle(model::parseJson(json, "test.json"), "test.json"));
}

/// Households in three buildings 200 m apart: 5, 3 and 7 households; members 0/1/2 by index;
/// every other household vulnerable. Building 3's households lie on a 2 x 4 m grid.
void addThreeBuildings(MemoryProvider& p) {
    MemoryLayer h{"households",
                  model::GeomType::Point,
                  {Field{"building_id", FieldType::Integer, false}, Field{"members", FieldType::Integer, false},
                   Field{"vulnerable", FieldType::Integer, false}},
                  {}};
    const std::pair<int, model::Vec2> buildings[] = {{5, {1800, 1700}}, {3, {2200, 1750}}, {7, {2000, 1900}}};
    std::int64_t id = 0;
    for (std::int64_t b = 0; b < 3; ++b) {
        const auto [n, at] = buildings[b];
        for (int i = 0; i < n; ++i) {
            ++id;
            h.features.push_back({id, model::Geometry::point({at.x + (i % 2) * 2.0, at.y + (i / 2) * 4.0}),
                                  {std::int64_t{b + 1}, std::int64_t{i % 3}, std::int64_t{i % 2}}});
        }
    }
    p.add(std::move(h));
}

constexpr const char* kAggregateStyle = R"({"geometry": "point",
  "symbol": {"marker": "circle", "fill": "#888888", "size_mm": 1},
  "aggregate": {"beyond_scale": 5000, "by": "building_id", "sum": "members",
                "symbol": {"fill": "#88888880"}, "min_mm": 2, "max_mm": 6, "max_value": 10,
                "labels": [{"template": "{count}", "size_pt": 7, "placement": "center"},
                           {"template": "党员 {sum}", "size_pt": 6, "placement": "below", "offset_mm": 3, "skip_empty": true}],
                "legend": {"label": "{value} 户", "values": [2, 8]}}})";

MapSettings settingsAt(double scaleDenominator, std::shared_ptr<const Style> style, std::vector<FilterTerm> filter = {}) {
    MapSettings s;
    s.outputSize = QSize(800, 600);
    s.dpi = 96.0;
    s.antialiasing = false;
    // 800 px at 96 dpi are 211.7 mm of paper: the view's width in metres at this scale.
    const double w = 800 / 96.0 * 0.0254 * scaleDenominator, h = w * 600 / 800;
    s.extent = model::Rect{2000 - w / 2, 1800 - h / 2, 2000 + w / 2, 1800 + h / 2};
    s.layers.push_back(MapLayer{"households", "住户", "households", std::move(style), 1.0, 0, 0, std::move(filter), true});
    return s;
}

RenderResult renderAt(const MapSettings& s, model::SourceProvider& provider) {
    QImage image(s.outputSize, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    return renderMap(s, provider, painter);
}

std::multiset<std::string> labelTexts(const RenderResult& r) {
    std::multiset<std::string> out;
    for (const auto& t : r.labelTexts) out.insert(t.toStdString());
    return out;
}

TEST(Aggregate, SwitchesFromIndividualSymbolsToCountsAcrossTheScale) {
    MemoryProvider provider;
    addThreeBuildings(provider);
    const auto style = styleOf(kAggregateStyle);

    const RenderResult near = renderAt(settingsAt(4000, style), provider);
    ASSERT_TRUE(near.ok()) << near.errors[0].message;
    EXPECT_FALSE(near.layers[0].aggregate);
    EXPECT_EQ(near.layers[0].drawn, 15u); // one symbol per household
    EXPECT_TRUE(near.labelTexts.empty());

    const RenderResult far = renderAt(settingsAt(6000, style), provider);
    ASSERT_TRUE(far.ok()) << far.errors[0].message;
    ASSERT_TRUE(far.layers[0].aggregate);
    EXPECT_EQ(*far.layers[0].aggregate, 0u);
    EXPECT_EQ(far.layers[0].drawn, 15u); // every household is in a group
    EXPECT_EQ(far.layers[0].groups, 3u);
    // Counts per building, and the members summed: building 1 has 0+1+2+0+1, building 2 0+1+2,
    // building 3 0+1+2+0+1+2+0.
    EXPECT_EQ(labelTexts(far), (std::multiset<std::string>{"5", "3", "7", "党员 4", "党员 3", "党员 6"}));
}

TEST(Aggregate, CountsOnlyWhatTheLayerFilterKeeps) {
    MemoryProvider provider;
    addThreeBuildings(provider);
    const RenderResult r = renderAt(settingsAt(8000, styleOf(kAggregateStyle), {FilterTerm{"vulnerable", {"1"}, 0}}), provider);
    ASSERT_TRUE(r.ok());
    // Vulnerable are the odd households: 2 of building 1, 1 of building 2, 3 of building 3;
    // their members 1+0, 1 and 1+0+2.
    EXPECT_EQ(r.layers[0].drawn, 6u);
    EXPECT_EQ(labelTexts(r), (std::multiset<std::string>{"2", "1", "3", "党员 1", "党员 1", "党员 3"}));
}

TEST(Aggregate, GroupCircleSitsAtTheMeanOfItsFeaturesAndGrowsWithTheValue) {
    const auto style = styleOf(kAggregateStyle); // keeps the style alive while `a` refers into it
    const AggregateStyle& a = style->aggregates.front();
    EXPECT_DOUBLE_EQ(a.sizeMm(10), 6.0);          // max_value: max_mm
    EXPECT_NEAR(a.sizeMm(2.5), 3.0, 1e-12);       // a quarter of the value: half the diameter
    EXPECT_DOUBLE_EQ(a.sizeMm(0.01), 2.0);        // never below min_mm
    EXPECT_DOUBLE_EQ(a.sizeMm(1000), 6.0);        // nor above max_mm
    EXPECT_DOUBLE_EQ(a.sizeMm(0), 0.0);           // nothing to draw

    MemoryProvider provider;
    addThreeBuildings(provider);
    const MapSettings s = settingsAt(6000, styleOf(kAggregateStyle));
    const RenderResult r = renderAt(s, provider);
    const MapToPixel xf(s);
    // Building 2's three households: x 2200, 2202, 2200; y 1750, 1750, 1754 -> mean (2200.67, 1751.33).
    const QPointF expected = xf({2200.0 + 2.0 / 3, 1750.0 + 4.0 / 3});
    bool found = false;
    for (std::size_t i = 0; i < r.labels.size(); ++i)
        if (r.labelTexts[i] == QStringLiteral("3")) {
            EXPECT_NEAR(r.labels[i].center.x(), expected.x(), 0.01);
            EXPECT_NEAR(r.labels[i].center.y(), expected.y(), 0.01);
            found = true;
        }
    EXPECT_TRUE(found);
}

TEST(Aggregate, CellsStayPutWhileTheViewPans) {
    // Points on a 10 m lattice over 600 x 400 m; 10 mm cells at 1:10000 are 100 m squares.
    MemoryProvider p;
    MemoryLayer l{"households", model::GeomType::Point, {}, {}};
    std::int64_t id = 0;
    for (int x = 0; x < 60; ++x)
        for (int y = 0; y < 40; ++y) l.features.push_back({++id, model::Geometry::point({1700 + x * 10.0 + 5, 1600 + y * 10.0 + 5}), {}});
    p.add(std::move(l));
    const auto style = styleOf(R"({"geometry": "point", "aggregate": {"beyond_scale": 2000, "by": "cell", "cell_mm": 10,
        "max_value": 100, "label": {"template": "{count}", "size_pt": 6, "placement": "center"}}})");
    MapSettings s = settingsAt(10000, style);
    const RenderResult a = renderAt(s, p);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.layers[0].drawn, 2400u);
    EXPECT_EQ(a.layers[0].groups, 24u); // 6 x 4 cells of 100 m, each with 100 points
    const std::vector<std::string> hundreds(24, "100");
    EXPECT_EQ(labelTexts(a), std::multiset<std::string>(hundreds.begin(), hundreds.end()));
    // Half a cell to the east: the same groups, shifted on screen by the pan.
    const double shift = 50.0;
    s.extent = model::Rect{s.extent.xmin + shift, s.extent.ymin, s.extent.xmax + shift, s.extent.ymax};
    const RenderResult b = renderAt(s, p);
    EXPECT_EQ(labelTexts(b), labelTexts(a));
    const double px = shift * MapToPixel(s).pixelsPerMetre();
    for (std::size_t i = 0; i < a.labels.size(); ++i) EXPECT_NEAR(b.labels[i].center.x(), a.labels[i].center.x() - px, 0.01);
}

TEST(Aggregate, FeaturesWithoutAGroupValueFallBackToCells) {
    MemoryProvider p;
    MemoryLayer l{"households", model::GeomType::Point, {Field{"building_id", FieldType::Integer, false}}, {}};
    l.features.push_back({1, model::Geometry::point({2000, 1800}), {std::int64_t{4}}});
    l.features.push_back({2, model::Geometry::point({2001, 1800}), {model::Value{}}});
    l.features.push_back({3, model::Geometry::point({2002, 1800}), {model::Value{}}});
    p.add(std::move(l));
    const auto style = styleOf(R"({"geometry": "point", "aggregate": {"beyond_scale": 2000, "by": "building_id",
        "label": {"template": "{count}", "size_pt": 6, "placement": "around"}}})");
    const RenderResult r = renderAt(settingsAt(5000, style), p);
    EXPECT_EQ(r.layers[0].drawn, 3u);
    EXPECT_EQ(r.layers[0].groups, 2u);
    EXPECT_EQ(labelTexts(r), (std::multiset<std::string>{"1", "2"}));
}

TEST(Aggregate, LegendShowsCirclesOfItsValuesAtTheirSizeAndTheLabelSample) {
    MemoryProvider provider;
    addThreeBuildings(provider);
    const auto style = styleOf(R"({"geometry": "point", "title": "住户",
      "aggregate": {"beyond_scale": 5000, "by": "building_id", "min_mm": 2, "max_mm": 6, "max_value": 10,
                    "label": {"template": "{count}", "legend": {"label": "户数（标注）", "sample": "12"}},
                    "legend": {"label": "{value} 户", "values": [2.5, 10]}}})");
    const MapSettings s = settingsAt(6000, style);
    const RenderResult r = renderAt(s, provider);
    const auto legend = buildLegend(s, r.layers);
    ASSERT_EQ(legend.size(), 1u);
    ASSERT_EQ(legend[0].rows.size(), 3u);
    EXPECT_EQ(legend[0].rows[0].text, QStringLiteral("2.5 户"));
    EXPECT_DOUBLE_EQ(legend[0].rows[0].symbol.sizeMm, 3.0);
    EXPECT_TRUE(legend[0].rows[0].exactSize);
    EXPECT_EQ(legend[0].rows[1].text, QStringLiteral("10 户"));
    EXPECT_DOUBLE_EQ(legend[0].rows[1].symbol.sizeMm, 6.0);
    EXPECT_EQ(legend[0].rows[2].text, QStringLiteral("户数（标注）"));
    // Zoomed in, the layer's own symbol again.
    const MapSettings near = settingsAt(3000, style);
    const auto nearLegend = buildLegend(near, renderAt(near, provider).layers);
    ASSERT_EQ(nearLegend.size(), 1u);
    EXPECT_FALSE(nearLegend[0].rows[0].exactSize);
    // countFeatures (the legend before a render) knows the aggregate too.
    const auto counted = countFeatures(s, provider);
    ASSERT_TRUE(counted[0].aggregate);
    EXPECT_EQ(counted[0].drawn, 15u);
}

TEST(Aggregate, StyleErrorsNameTheLine) {
    auto message = [](const std::string& json) {
        try {
            styleOf(json);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message(R"({"geometry": "point",
      "aggregate": {"by": "building_id"}})").find("test.json, line 2: an aggregate needs 'beyond_scale'"), std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "aggregate": {"beyond_scale": 5000, "by": "building_id",
      "label": {"template": "{members}"}}})").find("line 2: an aggregate's label can use {count}, not {members}"), std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "aggregate": {"beyond_scale": 5000, "by": "cell",
      "label": {"template": "{sum}"}}})").find("set the aggregate's 'sum' to a field first"), std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "aggregate": [{"beyond_scale": 5000, "by": "cell"},
      {"beyond_scale": 5000, "by": "building_id"}]})").find("line 2: two aggregates start beyond the same scale"), std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "aggregate": {"beyond_scale": 5000, "by": "cell", "bye": 1}})")
                  .find("unknown key 'bye'"), std::string::npos);
    // The grouping and summed fields are checked against the source like any other.
    const auto style = styleOf(R"({"geometry": "point", "aggregate": {"beyond_scale": 5000, "by": "buliding_id", "sum": "members"}})");
    ASSERT_EQ(style->fieldRefs.size(), 2u);
    EXPECT_EQ(style->fieldRefs[0].name, "buliding_id");
    EXPECT_EQ(style->fieldRefs[1].name, "members");
}

TEST(Aggregate, NestedLevelsPickTheOneForTheScale) {
    const auto style = styleOf(R"({"geometry": "point", "aggregate": [
      {"beyond_scale": 15000, "by": "cell"}, {"beyond_scale": 6000, "by": "building_id"}]})");
    EXPECT_EQ(style->aggregateAt(6000), nullptr); // individual symbols at 1:6000 itself
    ASSERT_NE(style->aggregateAt(6001), nullptr);
    EXPECT_EQ(style->aggregateAt(6001)->by, "building_id");
    EXPECT_EQ(style->aggregateAt(15000)->by, "building_id");
    EXPECT_EQ(style->aggregateAt(40000)->by, "");
}

TEST(Aggregate, RepositoryHouseholdCountsEqualTheAtlas) {
    // The member chart's household and member circles per building carry the atlas's numbers.
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    std::map<std::int64_t, std::string> households, members; // per building, from the atlas's building layer
    {
        auto buildings = provider.open("buildings");
        model::FeatureRequest req;
        req.fields = {"households", "members"};
        auto cursor = buildings->features(req);
        model::Feature f;
        while (cursor->next(f)) {
            households[f.id] = model::toText(f.values[0]);
            members[f.id] = model::toText(f.values[1]);
        }
    }
    ASSERT_EQ(households.size(), 2u);
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    MapSettings s = makeMapSettings(doc, resolveExtent(doc, provider), QSize(1200, 900), 96.0, false);
    // 1:8000: per building, with labels; only the two household layers.
    const model::Vec2 c = s.extent.center();
    const double w = 1200 / 96.0 * 0.0254 * 8000, h = w * 0.75;
    s.extent = model::Rect{c.x - w / 2, c.y - h / 2, c.x + w / 2, c.y + h / 2};
    // Each layer on its own, so no label of one hides one of the other.
    const auto all = s.layers;
    auto only = [&](const std::string& name) {
        s.layers.clear();
        for (const auto& l : all)
            if (l.name == name) s.layers.push_back(l);
        EXPECT_EQ(s.layers.size(), 1u) << name;
        const RenderResult r = renderAt(s, provider);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.errors[0].message);
        EXPECT_TRUE(r.layers.at(0).aggregate) << name;
        return r;
    };
    const RenderResult hh = only("households");
    EXPECT_EQ(hh.layers[0].groups, 2u);
    std::multiset<std::string> expected;
    for (const auto& [id, n] : households) expected.insert(n);
    EXPECT_EQ(labelTexts(hh), expected);

    const RenderResult mm = only("member_households");
    expected.clear();
    for (const auto& [id, n] : members)
        if (n != "0") expected.insert(n);
    EXPECT_EQ(labelTexts(mm), expected);
}

} // namespace
} // namespace gridatlas::render
