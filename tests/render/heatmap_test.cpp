// Heat maps: the density is hottest where the points are, an empty layer draws nothing, a weight
// field moves the hot spot, the legend shows the ramp; style errors name the line.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <cmath>
#include <string>

#include "model/json.h"
#include "model/support/error.h"
#include "render/legend.h"
#include "render/map_renderer.h"
#include "render/render_test_support.h"
#include "render/units.h"

namespace gridatlas::render {
namespace {

using model::Field;
using model::FieldType;
using testing::MemoryLayer;
using testing::MemoryProvider;

std::shared_ptr<const Style> styleOf(const std::string& json) {
    return std::make_shared<const Style>(parseStyle(model::parseJson(json, "heat.json"), "heat.json"));
}

constexpr const char* kRedHeat = R"({"geometry": "point", "title": "密度",
  "renderer": {"type": "heatmap", "radius_mm": 5, "ramp": ["#ff000000", "#ff0000"], "label": "住户密度"}})";

/// A 1000 x 750 m view on 800 x 600 px (1.25 m per px), transparent, so the image's alpha is the
/// heat map's alone.
MapSettings view(std::shared_ptr<const Style> style, std::vector<FilterTerm> filter = {}) {
    MapSettings s;
    s.extent = model::Rect{0, 0, 1000, 750};
    s.outputSize = QSize(800, 600);
    s.dpi = 96.0;
    s.background = QColor(0, 0, 0, 0);
    s.layers.push_back(MapLayer{"households", "住户", "households", std::move(style), 1.0, 0, 0, std::move(filter), true});
    return s;
}

struct Rendered {
    RenderResult result;
    QImage image;
};

Rendered render(const MapSettings& s, model::SourceProvider& p) {
    Rendered out;
    out.image = QImage(s.outputSize, QImage::Format_ARGB32_Premultiplied);
    out.image.fill(Qt::transparent);
    QPainter painter(&out.image);
    out.result = renderMap(s, p, painter);
    return out;
}

/// The most opaque pixel.
QPoint hottest(const QImage& image) {
    QPoint best;
    int alpha = -1;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (qAlpha(image.pixel(x, y)) > alpha) {
                alpha = qAlpha(image.pixel(x, y));
                best = QPoint(x, y);
            }
    return best;
}

MemoryLayer points(const std::vector<std::pair<model::Vec2, int>>& clusters) {
    // Each cluster: `n` points within 4 m of its centre; weights 1, and `n` as the weight field.
    MemoryLayer l{"households", model::GeomType::Point,
                  {Field{"weight", FieldType::Integer, false}, Field{"vulnerable", FieldType::Integer, false}}, {}};
    std::int64_t id = 0;
    for (const auto& [c, n] : clusters)
        for (int i = 0; i < n; ++i)
            l.features.push_back({++id, model::Geometry::point({c.x + (i % 5) - 2.0, c.y + (i / 5 % 5) - 2.0}),
                                  {std::int64_t{n == 10 ? 5 : 1}, std::int64_t{i % 2}}});
    return l;
}

TEST(Heatmap, TheHotSpotIsWhereThePointsAre) {
    MemoryProvider p;
    p.add(points({{{300, 500}, 200}, {{800, 200}, 3}, {{100, 100}, 1}, {{600, 650}, 2}}));
    const MapSettings s = view(styleOf(kRedHeat));
    const Rendered r = render(s, p);
    ASSERT_TRUE(r.result.ok()) << r.result.errors[0].message;
    EXPECT_EQ(r.result.layers[0].drawn, 206u);
    const QPointF cluster = MapToPixel(s)({300, 500});
    const QPoint hot = hottest(r.image);
    EXPECT_LT(std::hypot(hot.x() - cluster.x(), hot.y() - cluster.y()), 4.0) << hot.x() << "," << hot.y();
    EXPECT_GE(qAlpha(r.image.pixel(hot)), 245); // the view's densest place takes the ramp's top (less the upsampling)
    // Warm within the radius (5 mm: 19 px), cold beyond it and far away.
    EXPECT_GT(qAlpha(r.image.pixel((cluster + QPointF(8, 0)).toPoint())), 100);
    EXPECT_EQ(qAlpha(r.image.pixel((cluster + QPointF(30, 0)).toPoint())), 0);
    EXPECT_EQ(qAlpha(r.image.pixel(MapToPixel(s)({550, 400}).toPoint())), 0);
    // The lone points are faint next to the cluster of 200.
    EXPECT_LT(qAlpha(r.image.pixel(MapToPixel(s)({100, 100}).toPoint())), 10);
}

TEST(Heatmap, AnEmptyLayerDrawsNothing) {
    MemoryProvider p;
    p.add(points({}));
    const Rendered empty = render(view(styleOf(kRedHeat)), p);
    ASSERT_TRUE(empty.result.ok());
    EXPECT_EQ(empty.result.layers[0].drawn, 0u);
    EXPECT_EQ(hottest(empty.image), QPoint(0, 0));
    EXPECT_EQ(qAlpha(empty.image.pixel(0, 0)), 0);

    // Points the filter leaves out are no points either.
    MemoryProvider q;
    q.add(points({{{300, 500}, 1}})); // its one point has vulnerable = 0
    const Rendered filtered = render(view(styleOf(kRedHeat), {FilterTerm{"vulnerable", {"1"}, 0}}), q);
    EXPECT_EQ(filtered.result.layers[0].drawn, 0u);
    EXPECT_EQ(qAlpha(filtered.image.pixel(hottest(filtered.image))), 0);
}

TEST(Heatmap, AWeightFieldMovesTheHotSpot) {
    MemoryProvider p;
    p.add(points({{{250, 400}, 10}, {{750, 400}, 20}})); // 10 points of weight 5 against 20 of weight 1
    const auto plain = styleOf(kRedHeat);
    const auto weighted = styleOf(R"({"geometry": "point",
      "renderer": {"type": "heatmap", "radius_mm": 5, "weight": "weight", "ramp": ["#ff000000", "#ff0000"]}})");
    const MapSettings a = view(plain), b = view(weighted);
    const QPoint hotPlain = hottest(render(a, p).image), hotWeighted = hottest(render(b, p).image);
    EXPECT_NEAR(hotPlain.x(), MapToPixel(a)({750, 400}).x(), 4);
    EXPECT_NEAR(hotWeighted.x(), MapToPixel(b)({250, 400}).x(), 4);
}

TEST(Heatmap, AFixedMaximumKeepsColoursComparableBetweenViews) {
    MemoryProvider p;
    p.add(points({{{500, 375}, 1}}));
    // One point reads about 1; with "max": 4 it reaches about a quarter of the ramp.
    const Rendered r = render(view(styleOf(R"({"geometry": "point",
      "renderer": {"type": "heatmap", "radius_mm": 5, "max": 4, "ramp": ["#ff000000", "#ff0000"]}})")), p);
    const int a = qAlpha(r.image.pixel(hottest(r.image)));
    EXPECT_GT(a, 40);
    EXPECT_LT(a, 80);
}

TEST(Heatmap, TheLegendShowsTheRamp) {
    MemoryProvider p;
    p.add(points({{{300, 500}, 20}}));
    const MapSettings s = view(styleOf(kRedHeat));
    const Rendered r = render(s, p);
    const auto legend = buildLegend(s, r.result.layers);
    ASSERT_EQ(legend.size(), 1u);
    ASSERT_EQ(legend[0].rows.size(), 1u);
    const LegendRow& row = legend[0].rows[0];
    EXPECT_EQ(row.text, QStringLiteral("住户"));
    ASSERT_EQ(row.ramp.size(), 2u);
    EXPECT_EQ(row.ramp[1].color, QColor("#ff0000"));
    // Drawn as a bar from white (the transparent low end) to full red.
    const LegendLayout layout(legend, 1000, 96.0, nullptr, 1.0);
    QImage image(layout.size().toSize() + QSize(2, 2), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing, false);
    layout.draw(painter, QPointF(0, 0));
    painter.end();
    int reddest = 255, whitest = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb c = image.pixel(x, y);
            if (qRed(c) > 240) {
                reddest = std::min(reddest, qGreen(c)); // full red: green falls to 0
                if (qGreen(c) > 240 && x > 2) whitest = std::max(whitest, qGreen(c));
            }
        }
    EXPECT_LT(reddest, 20);
    EXPECT_GT(whitest, 240);
}

TEST(Heatmap, StyleErrorsNameTheLine) {
    auto message = [](const std::string& json) {
        try {
            styleOf(json);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message(R"({"geometry": "polygon",
      "renderer": {"type": "heatmap", "radius_mm": 5, "ramp": ["#ffffff00", "#ff0000"]}})").find("heat.json, line 2: a heatmap draws points"),
              std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "renderer": {"type": "heatmap", "ramp": ["#ffffff00", "#ff0000"]}})").find("'radius_mm'"),
              std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "renderer": {"type": "heatmap", "radius_m": 50,
      "ramp": [{"at": 0, "color": "#ffffff00"}, {"at": 0.8, "color": "#f00"}, {"at": 0.5, "color": "#00f"}, {"at": 1, "color": "#000"}]}})")
                  .find("line 2: 'ramp' must be"), std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "renderer": {"type": "heatmap", "radius_m": 50, "ramp": ["#ffffff00", "#ff0000"]},
      "label": {"field": "name"}})").find("line 2: a heatmap draws no labels"), std::string::npos);
    EXPECT_NE(message(R"({"geometry": "point", "renderer": {"type": "heatmap", "radius_m": 50, "ramp": ["#ffffff00", "#ff0000"], "field": "x"}})")
                  .find("unknown key 'field'"), std::string::npos);
    const auto weighted = styleOf(R"({"geometry": "point", "renderer": {"type": "heatmap", "radius_m": 50, "weight": "members",
      "ramp": ["#ffffff00", "#ff0000"]}})");
    ASSERT_EQ(weighted->fieldRefs.size(), 1u); // checked against the source like any field
    EXPECT_EQ(weighted->fieldRefs[0].name, "members");
}

TEST(Heatmap, RampInterpolatesPremultiplied) {
    HeatmapSpec h;
    h.ramp = {{0.0, QColor(255, 0, 0, 0)}, {1.0, QColor(0, 0, 255, 255)}};
    // Halfway: half opaque, and blue, not a muddy purple from the transparent red.
    const QColor c = h.colorAt(0.5);
    EXPECT_NEAR(c.alphaF(), 0.5, 0.01);
    EXPECT_EQ(c.red(), 0);
    EXPECT_EQ(c.blue(), 255);
    EXPECT_EQ(h.colorAt(-1).alpha(), 0);
    EXPECT_EQ(h.colorAt(2), h.ramp.back().color);
}

TEST(RenderPerformance, DISABLED_MillionPointHeatmapAtFullExtent) {
    MemoryProvider p;
    MemoryLayer l{"households", model::GeomType::Point, {}, {}};
    l.features.reserve(1'000'000);
    std::uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 1'000'000; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        l.features.push_back({i + 1, model::Geometry::point({double(x % 20000), double((x >> 20) % 15000)}), {}});
    }
    p.add(std::move(l));
    MapSettings s = view(styleOf(kRedHeat));
    s.extent = model::Rect{0, 0, 20000, 15000};
    s.outputSize = QSize(1920, 1080);
    QElapsedTimer t;
    t.start();
    const Rendered r = render(s, p);
    std::printf("1M points heat map at 1920x1080: %lld ms\n", static_cast<long long>(t.elapsed()));
    EXPECT_EQ(r.result.layers[0].drawn, 1'000'000u);
}

} // namespace
} // namespace gridatlas::render
