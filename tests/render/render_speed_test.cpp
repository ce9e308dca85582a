// What the renderer does to stay fast on dense atlases without changing what is drawn: raster
// halos by dilation (the same pixels as an outline stroke), layers out of scale never opened,
// streets handing over to the overview style at small scales.
#include <gtest/gtest.h>

#include <QImage>
#include <QPainter>
#include <QPicture>

#include <cstdlib>
#include <string>

#include "render/fonts.h"
#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/render_test_support.h"
#include "render/text_face.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

using testing::MemoryLayer;
using testing::MemoryProvider;
using testing::sourcePath;

/// The halo's pixels: where it is at least half opaque.
std::vector<bool> haloPixels(const QImage& image) {
    std::vector<bool> out;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) out.push_back(qAlpha(image.pixel(x, y)) >= 128);
    return out;
}

/// Draws one halo on a raster image directly, and through a vector device (a QPicture, where it
/// is an outline stroke) replayed onto an image; returns both.
std::pair<QImage, QImage> rasterAndVectorHalo(const QString& text, double pt, bool bold, double radiusPx, double angleDeg, bool antialias) {
    ensureFontsLoaded();
    const QSize size(360, 160);
    QImage raster(size, QImage::Format_ARGB32_Premultiplied);
    raster.fill(Qt::transparent);
    const TextFace face(pt, bold, 96.0, &raster);
    const QPointF centre(180.3, 80.6); // a fractional position: the mask must follow it
    auto draw = [&](QPainter& p) {
        p.setRenderHint(QPainter::Antialiasing, antialias);
        p.translate(centre);
        p.rotate(angleDeg);
        face.drawHalo(p, QPointF(-face.advance(text) / 2, face.ascent() / 2), text, QColor(255, 255, 255), radiusPx);
    };
    {
        QPainter p(&raster);
        draw(p);
    }
    QPicture picture;
    {
        QPainter p(&picture);
        draw(p);
    }
    QImage vector(size, QImage::Format_ARGB32_Premultiplied);
    vector.fill(Qt::transparent);
    {
        QPainter p(&vector);
        p.setRenderHint(QPainter::Antialiasing, antialias);
        picture.play(&p);
    }
    return {raster, vector};
}

struct HaloCase {
    double pt;
    bool bold;
    double radiusPx;
    double angleDeg;
    bool antialias;
};

class HaloMatchesTheOutlineStroke : public ::testing::TestWithParam<HaloCase> {};

TEST_P(HaloMatchesTheOutlineStroke, OnRasterImages) {
    const HaloCase c = GetParam();
    const auto [raster, vector] = rasterAndVectorHalo(QStringLiteral("华夏四社区第二网格 12栋"), c.pt, c.bold, c.radiusPx, c.angleDeg, c.antialias);
    const auto a = haloPixels(raster), b = haloPixels(vector);
    std::size_t both = 0, either = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        both += a[i] && b[i];
        either += a[i] || b[i];
    }
    ASSERT_GT(either, 500u) << "no halo drawn";
    // The same shape up to the rounding of its edge: the pixels that differ lie on the rim.
    EXPECT_GT(static_cast<double>(both) / static_cast<double>(either), 0.86)
        << "pt " << c.pt << ", radius " << c.radiusPx << " px, angle " << c.angleDeg << ": " << both << " of " << either;
}

INSTANTIATE_TEST_SUITE_P(Halo, HaloMatchesTheOutlineStroke,
                         ::testing::Values(HaloCase{13, true, 2.65, 0, true}, HaloCase{7, false, 1.3, 0, true},
                                           HaloCase{9, false, 1.9, 0, false}, HaloCase{8, false, 1.7, 35, true}));

TEST(Halo, ACachedHaloIsTheSameAsANewOneAndFollowsWholePixelMoves) {
    // Halos are kept per thread across frames: the second draw is a lookup, and must look the same.
    ensureFontsLoaded();
    auto draw = [](QPointF at, const QString& text) {
        QImage image(200, 80, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        const TextFace face(9, false, 96.0, &image);
        QPainter p(&image);
        face.drawHalo(p, at, text, QColor(255, 255, 255), 1.9);
        return image;
    };
    const QString text = QStringLiteral("缓存 %1").arg(std::rand()); // new to this thread's cache
    const QImage first = draw(QPointF(20.3, 40.6), text);
    const QImage second = draw(QPointF(20.3, 40.6), text);
    EXPECT_EQ(first, second);
    const QImage moved = draw(QPointF(23.3, 41.6), text);
    EXPECT_EQ(moved.copy(3, 1, 197, 79), first.copy(0, 0, 197, 79));
}

/// A provider that counts which layers were opened.
class CountingProvider : public model::SourceProvider {
public:
    explicit CountingProvider(MemoryProvider& inner) : m_inner(inner) {}
    std::vector<std::string> layerNames() const override { return m_inner.layerNames(); }
    std::unique_ptr<model::FeatureSource> open(const std::string& layer) override {
        opened.push_back(layer);
        return m_inner.open(layer);
    }
    std::string datasetName() const override { return m_inner.datasetName(); }
    int srid() const override { return m_inner.srid(); }
    std::vector<std::string> opened;

private:
    MemoryProvider& m_inner;
};

TEST(RenderMap, ALayerOutOfItsStylesScaleIsNeverOpened) {
    // The viewer's cache loads a layer on first open: a million households must not load for a
    // district view that does not draw them.
    MemoryProvider memory;
    MemoryLayer points{"households", model::GeomType::Point, {}, {}};
    points.features.push_back({1, model::Geometry::point({50, 50}), {}});
    memory.add(std::move(points));
    CountingProvider provider(memory);
    MapSettings s;
    s.extent = model::Rect{0, 0, 100000, 100000}; // ~1:500000 on 800 px
    s.outputSize = QSize(800, 800);
    auto style = std::make_shared<Style>(*loadStyle(sourcePath("styles/households-vulnerable.json")));
    ASSERT_GT(style->maxScale, 0.0);
    s.layers.push_back(MapLayer{"households", "住户", "households", style, 1.0, 0, 0, {}, true});
    QImage image(s.outputSize, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    const RenderResult far = renderMap(s, provider, painter);
    ASSERT_EQ(far.layers.size(), 1u);
    EXPECT_FALSE(far.layers[0].inScale);
    EXPECT_FALSE(countFeatures(s, provider)[0].inScale); // the legend's count, too
    EXPECT_TRUE(provider.opened.empty());

    s.extent = model::Rect{0, 0, 100, 100}; // ~1:500
    const RenderResult near = renderMap(s, provider, painter);
    EXPECT_TRUE(near.layers[0].inScale);
    EXPECT_EQ(near.layers[0].drawn, 1u);
    EXPECT_EQ(provider.opened, std::vector<std::string>{"households"});
}

TEST(RenderMap, StreetsHandOverToTheOverviewStyleBeyond1To5500) {
    // Every repository map draws streets with exactly one of the two styles at any scale, and
    // the overview leaves out the ~100 000 compound paths and footpaths of a district.
    for (const char* name : {"maps/member-residence.json", "maps/grids.json", "maps/posts.json"}) {
        const MapDocument doc = loadMapDocument(sourcePath(name));
        const LayerSpec* detail = doc.findLayer("streets");
        const LayerSpec* overview = doc.findLayer("streets_overview");
        ASSERT_TRUE(detail && overview) << name;
        for (double scale : {500.0, 2000.0, 5000.0, 5499.0, 5501.0, 8000.0, 20000.0, 40000.0, 100000.0}) {
            const bool a = inScaleRange(scale, detail->style->minScale, detail->style->maxScale);
            const bool b = inScaleRange(scale, overview->style->minScale, overview->style->maxScale);
            EXPECT_NE(a, b) << name << " at 1:" << scale;
        }
        const ClassMatcher overviewClasses(overview->style->renderer);
        EXPECT_LT(overviewClasses.classify(std::string("compound_path")), 0);
        EXPECT_LT(overviewClasses.classify(std::string("footpath")), 0);
        EXPECT_GE(overviewClasses.classify(std::string("arterial")), 0);
    }
}

} // namespace
} // namespace gridatlas::render
