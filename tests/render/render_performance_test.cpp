// How fast the hot loop is (run by hand: --gtest_also_run_disabled_tests --gtest_filter='*Performance*').
// Not a CI gate: timings depend on the machine and on sanitizers.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include "render/map_renderer.h"
#include "render/render_test_support.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

TEST(RenderPerformance, DISABLED_MillionHouseholdPointsAtFullExtent) {
    testing::MemoryProvider provider;
    testing::MemoryLayer l{"households", model::GeomType::Point,
                           {model::Field{"has_member", model::FieldType::Integer, false}, model::Field{"vulnerable", model::FieldType::Integer, false}}, {}};
    l.features.reserve(1'000'000);
    std::uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 1'000'000; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        l.features.push_back({i + 1, model::Geometry::point({double(x % 20000), double((x >> 20) % 15000)}),
                              {std::int64_t{(x >> 40) % 12 == 0}, std::int64_t{(x >> 44) % 9 == 0}}});
    }
    provider.add(std::move(l));
    MapSettings s;
    s.extent = model::Rect{0, 0, 20000, 15000};
    s.outputSize = QSize(1600, 1200);
    s.dpi = 96;
    s.layers.push_back(MapLayer{"households", "住户", "households", loadStyle(testing::sourcePath("styles/households-members.json")), 1.0, 0, 0, {}, true});
    s.layers.push_back(MapLayer{"vulnerable", "重点", "households", loadStyle(testing::sourcePath("styles/households-vulnerable.json")), 1.0, 0, 0,
                                {FilterTerm{"vulnerable", {"1"}, 0}}, true});
    // The styles stop at 1:6000; this view is ~1:500000, so lift the limit for the measurement.
    for (auto& layer : s.layers) {
        auto copy = std::make_shared<Style>(*layer.style);
        copy->maxScale = 0;
        copy->aggregates.clear();
        layer.style = copy;
    }
    QImage image(s.outputSize, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    QElapsedTimer t;
    t.start();
    const auto r = renderMap(s, provider, painter);
    const auto ms = t.elapsed();
    painter.end();
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.layers[0].drawn, 1'000'000u);
    std::printf("1M points + filtered rings: %lld ms\n", static_cast<long long>(ms));
}

} // namespace
} // namespace gridatlas::render
