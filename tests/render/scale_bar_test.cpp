// Scale bars: round lengths, correct to 0.5 % on paper at the printed scale.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "render/map_settings.h"
#include "render/scale_bar.h"

namespace gridatlas::render {
namespace {

TEST(ScaleBar, PicksTheLongestNiceLengthThatFits) {
    EXPECT_DOUBLE_EQ(niceScaleBar(1000, 50).lengthM, 50);     // 50 mm = 50 m
    EXPECT_DOUBLE_EQ(niceScaleBar(2000, 50).lengthM, 100);    // 50 mm = 100 m
    EXPECT_DOUBLE_EQ(niceScaleBar(2500, 45).lengthM, 100);    // 45 mm = 112.5 m
    EXPECT_DOUBLE_EQ(niceScaleBar(5000, 45).lengthM, 200);    // 225 m
    EXPECT_DOUBLE_EQ(niceScaleBar(6000, 45).lengthM, 250);    // 270 m
    EXPECT_DOUBLE_EQ(niceScaleBar(500, 45).lengthM, 20);      // 22.5 m
    EXPECT_DOUBLE_EQ(niceScaleBar(600, 45).lengthM, 25);      // 27 m
    EXPECT_DOUBLE_EQ(niceScaleBar(25000, 45).lengthM, 1000);  // 1125 m
    EXPECT_DOUBLE_EQ(niceScaleBar(100, 45).lengthM, 2.5);     // 4.5 m
}

TEST(ScaleBar, LengthsAreTheNiceSeries) {
    const std::set<double> nice{1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000};
    for (double scale = 50; scale < 2e6; scale *= 1.07) {
        const auto bar = niceScaleBar(scale, 45);
        EXPECT_TRUE(nice.count(bar.lengthM)) << bar.lengthM << " at 1:" << scale;
        EXPECT_LE(bar.lengthMm, 45 + 1e-9);
        EXPECT_GT(bar.lengthMm, 45 / 2.5 - 1e-9) << "a shorter bar than needed at 1:" << scale;
    }
}

TEST(ScaleBar, PaperLengthMatchesThePrintedScaleToHalfAPercent) {
    // A map frame of 1000 x 700 px at 150 dpi showing a 500 m wide area: compute the scale from
    // the page geometry, independently of MapSettings, and compare the bar's ground length.
    MapSettings s;
    s.outputSize = QSize(1000, 700);
    s.dpi = 150;
    s.extent = model::Rect{0, 0, 500, 350};
    const double paperWidthM = 1000.0 / 150.0 * 0.0254;
    const double scale = 500.0 / paperWidthM;
    EXPECT_NEAR(s.scaleDenominator(), scale, scale * 1e-9);
    const auto bar = niceScaleBar(s.scaleDenominator(), 50);
    const double barPx = bar.lengthMm / 25.4 * 150.0;
    const double groundOfBar = barPx * s.metresPerPixel();
    EXPECT_NEAR(groundOfBar, bar.lengthM, bar.lengthM * 0.005);
}

TEST(ScaleBar, NiceScalesRoundUp) {
    EXPECT_DOUBLE_EQ(niceScaleDenominator(1873), 2000);
    EXPECT_DOUBLE_EQ(niceScaleDenominator(2000), 2000);
    EXPECT_DOUBLE_EQ(niceScaleDenominator(2001), 2500);
    EXPECT_DOUBLE_EQ(niceScaleDenominator(1212), 1250);
    EXPECT_DOUBLE_EQ(niceScaleDenominator(8100), 10000);
    EXPECT_EQ(formatScale(2500), QStringLiteral("1:2,500"));
}

TEST(MapSettings, VisibleExtentKeepsTheCentreAndTheOutputAspect) {
    MapSettings s;
    s.outputSize = QSize(400, 200);
    s.extent = model::Rect{0, 0, 100, 100};
    const auto v = s.visibleExtent();
    EXPECT_DOUBLE_EQ(v.width(), 200);
    EXPECT_DOUBLE_EQ(v.height(), 100);
    EXPECT_DOUBLE_EQ(v.center().x, 50);
    const MapToPixel xf(s);
    EXPECT_NEAR(xf({-50, 100}).x(), 0, 1e-9);
    EXPECT_NEAR(xf({-50, 100}).y(), 0, 1e-9);
    EXPECT_NEAR(xf({150, 0}).x(), 400, 1e-9);
    EXPECT_NEAR(xf({150, 0}).y(), 200, 1e-9);
}

} // namespace
} // namespace gridatlas::render
