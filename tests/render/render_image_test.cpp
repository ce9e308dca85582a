// Rendered images compared with control images (tests/render/control_images/<case>/expected.png).
// Update a reference only on purpose: UPDATE_REFERENCES=1 ctest -L render, then look at it.
#include <gtest/gtest.h>

#include <QImage>
#include <QPainter>

#include <filesystem>
#include <fstream>

#include "model/support/error.h"
#include "render/chart.h"
#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/render_test_support.h"
#include "storage/atlas.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

using testing::compareWithControl;
using testing::MemoryLayer;
using testing::MemoryProvider;
using testing::SmallWorld;
using testing::sourcePath;
using testing::TempDir;

constexpr int kTolerance = 12;        // per channel, 0..255
constexpr double kBudget = 0.002;     // share of pixels that may differ more

QImage blankImage(QSize size, double dpi) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    const int dpm = static_cast<int>(std::lround(dpi / 0.0254));
    image.setDotsPerMeterX(dpm);
    image.setDotsPerMeterY(dpm);
    image.fill(Qt::white);
    return image;
}

int budget(const QImage& image) { return static_cast<int>(image.width() * image.height() * kBudget); }

/// Styles with chunky symbols (no 1-px lines) so the references are stable.
void writeTestStyles(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir / "styles");
    std::filesystem::create_directories(dir / "maps");
    auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir / "styles" / name) << text; };
    write("grid.json", R"({"geometry": "polygon", "symbol": {"fill": "#dcebd3", "stroke": "#2f5d8a", "stroke_width_mm": 0.8},
      "label": {"field": "name", "size_pt": 12, "bold": true, "color": "#24496e", "placement": "center", "priority": 90}})");
    write("street.json", R"({"geometry": "line", "symbol": {"stroke": "#ffffff", "stroke_width_mm": 2.5, "casing": "#8a7d6f", "casing_width_mm": 3.5},
      "label": {"field": "name", "size_pt": 8, "placement": "line", "priority": 40}})");
    write("building.json", R"({"geometry": "polygon", "obstacle": true, "symbol": {"stroke": "#5a4d40", "stroke_width_mm": 0.5},
      "renderer": {"type": "graduated", "field": "members", "ranges": [
        {"min": 0, "max": 0, "symbol": {"fill": "#efebe4"}}, {"min": 1, "symbol": {"fill": "#f5a989"}}]},
      "labels": [{"field": "number", "size_pt": 8, "placement": "center", "priority": 60},
                 {"template": "党员 {members}", "size_pt": 7, "bold": true, "color": "#ffffff", "background": "#c62828",
                  "placement": "below", "offset_mm": 2.5, "skip_empty": true, "priority": 55}]})");
    write("household.json", R"({"geometry": "point", "symbol": {"marker": "square", "stroke": "none", "stroke_width_mm": 0},
      "renderer": {"type": "categorized", "field": "has_member", "categories": [
        {"value": 0, "symbol": {"fill": "#777777", "size_mm": 0.9}}, {"value": 1, "symbol": {"fill": "#d7191c", "size_mm": 1.6}}]}})");
    write("post.json", R"({"geometry": "point", "obstacle": true, "symbol": {"stroke": "#ffffff", "stroke_width_mm": 0.4, "size_mm": 5},
      "renderer": {"type": "categorized", "field": "type", "categories": [
        {"value": "health_station", "symbol": {"marker": "cross", "fill": "#1a9850"}}]},
      "label": {"field": "name", "size_pt": 8, "placement": "around", "priority": 70}})");
    std::ofstream(dir / "maps" / "test.json") << R"({
      "extent": {"layer": "communities", "margin": 0.05},
      "background": "#f7f5f0",
      "layers": [
        {"name": "grids", "source": "grids", "style": "grid"},
        {"name": "streets", "source": "streets", "style": "street"},
        {"name": "buildings", "source": "buildings", "style": "building"},
        {"name": "households", "source": "households", "style": "household"},
        {"name": "posts", "source": "service_posts", "style": "post"}]})";
}

TEST(RenderImage, SmallWorldMap) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    TempDir dir;
    writeTestStyles(dir.path());
    const MapDocument doc = loadMapDocument((dir.path() / "maps" / "test.json").string());
    validateMapDocument(doc, provider);
    MapSettings s = makeMapSettings(doc, resolveExtent(doc, provider), QSize(400, 300), 96.0, false);
    s.antialiasing = false;
    QImage image = blankImage(s.outputSize, s.dpi);
    QPainter painter(&image);
    const RenderResult r = renderMap(s, provider, painter, nullptr);
    painter.end();
    EXPECT_TRUE(r.ok());
    EXPECT_GE(r.labels.size(), 4u); // grid, street, two buildings, the post, a badge
    const std::string report = compareWithControl(image, "smallworld_map", kTolerance, budget(image));
    EXPECT_TRUE(report.empty()) << report;
}

void addSyntheticWorld(MemoryProvider& p) {
    using model::Field;
    using model::FieldType;
    using model::Geometry;
    MemoryLayer areas{"areas", model::GeomType::Polygon, {Field{"name", FieldType::Text, false}, Field{"kind", FieldType::Integer, false}}, {}};
    // A square with a hole, and an L-shaped block.
    areas.features.push_back({1, Geometry::polygon({{{10, 10}, {150, 10}, {150, 140}, {10, 140}}, {{50, 50}, {110, 50}, {110, 100}, {50, 100}}}),
                              {std::string("有洞的区域"), std::int64_t{1}}});
    areas.features.push_back({2, Geometry::polygon({{{180, 20}, {290, 20}, {290, 60}, {220, 60}, {220, 140}, {180, 140}}}),
                              {std::string("L形"), std::int64_t{2}}});
    p.add(std::move(areas));
    MemoryLayer roads{"roads", model::GeomType::LineString, {Field{"name", FieldType::Text, false}, Field{"class", FieldType::Text, false}}, {}};
    roads.features.push_back({1, Geometry::lineString({{0, 165}, {300, 165}}), {std::string("东西大街"), std::string("arterial")}});
    roads.features.push_back({2, Geometry::lineString({{165, 0}, {165, 100}, {240, 200}}), {std::string("斜街"), std::string("local")}});
    roads.features.push_back({3, Geometry::lineString({{10, 195}, {290, 195}}), {std::string(""), std::string("footpath")}});
    p.add(std::move(roads));
    MemoryLayer marks{"marks", model::GeomType::Point, {Field{"shape", FieldType::Text, false}, Field{"name", FieldType::Text, false}}, {}};
    const char* shapes[] = {"circle", "square", "triangle", "diamond", "star", "cross", "pin", "heart"};
    for (int i = 0; i < 8; ++i)
        marks.features.push_back({i + 1, Geometry::point({25.0 + i * 36.0, 215.0}), {std::string(shapes[i]), std::string("点") + std::to_string(i + 1)}});
    p.add(std::move(marks));
}

std::shared_ptr<const Style> styleOf(const std::string& json) { return std::make_shared<const Style>(parseStyle(model::parseJson(json, "test"), "test")); }

MapSettings syntheticSettings(QSize size, double dpi) {
    MapSettings s;
    s.extent = model::Rect{0, -10, 300, 235};
    s.outputSize = size;
    s.dpi = dpi;
    s.background = QColor("#fbfaf7");
    s.antialiasing = false;
    s.layers.push_back(MapLayer{"areas", "区域", "areas", styleOf(R"({"geometry": "polygon",
        "symbol": {"stroke": "#334455", "stroke_width_mm": 0.6},
        "renderer": {"type": "categorized", "field": "kind", "palette": ["#a6cee3", "#fdbf6f"]},
        "label": {"field": "name", "size_pt": 9, "bold": true, "placement": "center", "priority": 80, "halo": "#ffffff"}})"),
                                1.0, 0, 0, {}, true});
    s.layers.push_back(MapLayer{"roads", "道路", "roads", styleOf(R"({"geometry": "line", "symbol": {"stroke": "#ffffff"},
        "renderer": {"type": "categorized", "field": "class", "categories": [
          {"value": "arterial", "symbol": {"stroke": "#ffe9a8", "stroke_width_mm": 2.4, "casing": "#9a7b3f", "casing_width_mm": 3.4}},
          {"value": "local", "symbol": {"stroke": "#ffffff", "stroke_width_mm": 1.6, "casing": "#777777", "casing_width_mm": 2.4}},
          {"value": "footpath", "symbol": {"stroke": "#555555", "stroke_width_mm": 0.6, "stroke_style": "dash"}}]},
        "label": {"field": "name", "size_pt": 8, "placement": "line", "priority": 50, "skip_empty": true}})"),
                                1.0, 0, 0, {}, true});
    s.layers.push_back(MapLayer{"marks", "符号", "marks", styleOf(R"({"geometry": "point",
        "symbol": {"fill": "#d7191c", "stroke": "#222222", "stroke_width_mm": 0.4, "size_mm": 6},
        "renderer": {"type": "categorized", "field": "shape", "categories": [
          {"value": "circle", "symbol": {"marker": "circle"}}, {"value": "square", "symbol": {"marker": "square"}},
          {"value": "triangle", "symbol": {"marker": "triangle"}}, {"value": "diamond", "symbol": {"marker": "diamond"}},
          {"value": "star", "symbol": {"marker": "star"}}, {"value": "cross", "symbol": {"marker": "cross", "fill": "#1a9850"}},
          {"value": "pin", "symbol": {"marker": "pin"}}, {"value": "heart", "symbol": {"marker": "heart", "fill": "#f28e2b"}}]},
        "label": {"field": "name", "size_pt": 7, "placement": "around", "offset_mm": 0.5, "priority": 60}})"),
                                1.0, 0, 0, {}, true});
    return s;
}

TEST(RenderImage, SyntheticShapesLinesAndLabels) {
    MemoryProvider provider;
    addSyntheticWorld(provider);
    const MapSettings s = syntheticSettings(QSize(400, 300), 96.0);
    QImage image = blankImage(s.outputSize, s.dpi);
    QPainter painter(&image);
    const RenderResult r = renderMap(s, provider, painter, nullptr);
    painter.end();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.errors[0].layer + ": " + r.errors[0].message);
    EXPECT_EQ(r.labels.size(), 12u); // 2 areas, 2 named roads, 8 marks
    for (std::size_t i = 0; i < r.labels.size(); ++i)
        for (std::size_t j = i + 1; j < r.labels.size(); ++j) EXPECT_FALSE(r.labels[i].box.intersects(r.labels[j].box));
    // The hole stays open: the background shows in its middle.
    EXPECT_EQ(image.pixelColor(MapToPixel(s)({80, 75}).toPoint()), QColor("#fbfaf7"));
    const std::string report = compareWithControl(image, "synthetic_shapes", kTolerance, budget(image));
    EXPECT_TRUE(report.empty()) << report;
}

TEST(RenderImage, SameStyleSameLookAtAnyDpi) {
    // Twice the dpi on twice the pixels: every label box is twice as large, in the same place.
    MemoryProvider provider;
    addSyntheticWorld(provider);
    const MapSettings lo = syntheticSettings(QSize(400, 300), 96.0);
    const MapSettings hi = syntheticSettings(QSize(800, 600), 192.0);
    EXPECT_NEAR(lo.scaleDenominator(), hi.scaleDenominator(), 1e-6);
    QImage a = blankImage(lo.outputSize, lo.dpi), b = blankImage(hi.outputSize, hi.dpi);
    QPainter pa(&a), pb(&b);
    const auto ra = renderMap(lo, provider, pa, nullptr);
    const auto rb = renderMap(hi, provider, pb, nullptr);
    ASSERT_EQ(ra.labels.size(), rb.labels.size());
    for (std::size_t i = 0; i < ra.labels.size(); ++i) {
        EXPECT_EQ(ra.labelTexts[i], rb.labelTexts[i]);
        EXPECT_NEAR(rb.labels[i].box.width(), 2 * ra.labels[i].box.width(), 1.0) << ra.labelTexts[i].toStdString();
        EXPECT_NEAR(rb.labels[i].center.x(), 2 * ra.labels[i].center.x(), 2.0);
        EXPECT_NEAR(rb.labels[i].center.y(), 2 * ra.labels[i].center.y(), 2.0);
    }
}

TEST(RenderImage, SmallWorldChartOnA4) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    ChartOptions options;
    options.date = QDate(2024, 6, 1);
    options.antialiasing = false;
    ChartPage page;
    page.size = PageSize::A4;
    page.orientation = PageOrientation::Landscape;
    page.dpi = 36;
    QImage image = blankImage(page.sizePx(), page.dpi);
    QPainter painter(&image);
    const ChartResult r = renderChart(doc, provider, painter, page, options, nullptr);
    painter.end();
    EXPECT_TRUE(r.map.ok());
    EXPECT_EQ(r.title, QStringLiteral("湖西社区党员居住平面图"));
    const std::string report = compareWithControl(image, "smallworld_chart_a4", kTolerance, budget(image));
    EXPECT_TRUE(report.empty()) << report;
}

TEST(ControlImages, ADifferenceBeyondTheBudgetFailsAndWritesADiff) {
    // The harness itself: a reference compared with a damaged copy must fail, within tolerance pass.
    QImage reference;
    ASSERT_TRUE(reference.load(QString::fromStdString(testing::controlImagePath("synthetic_shapes"))));
    if (std::getenv("UPDATE_REFERENCES")) GTEST_SKIP() << "updating references";
    QImage slightly = reference.convertToFormat(QImage::Format_ARGB32);
    for (int x = 0; x < 20; ++x) slightly.setPixel(x, 0, qRgb(qRed(slightly.pixel(x, 0)) ^ 4, qGreen(slightly.pixel(x, 0)), qBlue(slightly.pixel(x, 0))));
    EXPECT_EQ(compareWithControl(slightly, "synthetic_shapes", kTolerance, 0, "harness_check"), "");
    QImage damaged = reference.convertToFormat(QImage::Format_ARGB32);
    {
        QPainter p(&damaged);
        p.fillRect(QRect(10, 10, 30, 30), Qt::black);
    }
    const std::string report = compareWithControl(damaged, "synthetic_shapes", kTolerance, 100, "harness_check");
    EXPECT_NE(report.find("pixels differ"), std::string::npos) << report;
    EXPECT_NE(report.find("diff.png"), std::string::npos) << report;
    EXPECT_EQ(compareWithControl(damaged, "no_such_case", kTolerance, 0, "harness_check").rfind("no reference image", 0), 0u);
}

} // namespace
} // namespace gridatlas::render
