// Raster basemaps: a GeoTIFF made here with GDAL, in longitude/latitude, drawn reprojected under
// a map in the atlas's Gauss-Kruger CRS, with opacity, colour tables and nodata; errors per layer.
#include <gtest/gtest.h>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <QImage>
#include <QPainter>

#include <array>
#include <filesystem>
#include <fstream>

#include "model/support/error.h"
#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/render_test_support.h"
#include "storage/crs.h"
#include "storage/fixture_atlas.h"
#include "storage/gdal_raster.h"

namespace gridatlas::render {
namespace {

namespace fs = std::filesystem;
using testing::MemoryProvider;
using testing::TempDir;

// 100 x 100 pixels of 0.0001 degrees from 117.00 E, 31.01 N (EPSG:4326, lon/lat order).
constexpr double kLon0 = 117.0, kLat0 = 31.01, kStep = 0.0001;
constexpr int kSize = 100;

struct Quadrants {
    // top-left red, top-right green, bottom-left blue, bottom-right yellow
    static std::array<std::uint8_t, 3> colour(int x, int y) {
        if (y < kSize / 2) return x < kSize / 2 ? std::array<std::uint8_t, 3>{255, 0, 0} : std::array<std::uint8_t, 3>{0, 255, 0};
        return x < kSize / 2 ? std::array<std::uint8_t, 3>{0, 0, 255} : std::array<std::uint8_t, 3>{255, 255, 0};
    }
};

/// Writes a GeoTIFF with `bands` bands of `type`; `fill(band, x, y)` gives each value.
template <class Fill>
void writeGeoTiff(const std::string& path, int bands, GDALDataType type, Fill fill, bool withCrs = true,
                  const GDALColorTable* palette = nullptr, std::optional<double> nodata = std::nullopt) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(driver, nullptr);
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), kSize, kSize, bands, type, nullptr));
    ASSERT_TRUE(ds);
    double gt[6] = {kLon0, kStep, 0, kLat0, 0, -kStep};
    ASSERT_EQ(ds->SetGeoTransform(gt), CE_None);
    if (withCrs) {
        OGRSpatialReference srs;
        ASSERT_EQ(srs.importFromEPSG(4326), OGRERR_NONE);
        ASSERT_EQ(ds->SetSpatialRef(&srs), CE_None);
    }
    for (int b = 1; b <= bands; ++b) {
        std::vector<double> values(static_cast<std::size_t>(kSize) * kSize);
        for (int y = 0; y < kSize; ++y)
            for (int x = 0; x < kSize; ++x) values[static_cast<std::size_t>(y) * kSize + x] = fill(b, x, y);
        GDALRasterBand* band = ds->GetRasterBand(b);
        ASSERT_EQ(band->RasterIO(GF_Write, 0, 0, kSize, kSize, values.data(), kSize, kSize, GDT_Float64, 0, 0, nullptr), CE_None);
        if (palette) {
            GDALColorTable copy(*palette); // SetColorTable takes a non-const table and copies it
            ASSERT_EQ(band->SetColorTable(&copy), CE_None);
        }
        if (nodata) {
            ASSERT_EQ(band->SetNoDataValue(*nodata), CE_None);
        }
    }
}

void writeQuadrants(const std::string& path) {
    writeGeoTiff(path, 3, GDT_Byte, [](int b, int x, int y) { return static_cast<double>(Quadrants::colour(x, y)[static_cast<std::size_t>(b - 1)]); });
}

/// The map coordinates (EPSG:4548, CGCS2000 / 3-degree Gauss-Kruger CM 117E) of a raster pixel's centre.
model::Vec2 mapPoint(double px, double py) {
    const storage::CoordinateTransform t("EPSG:4326", "EPSG:4548");
    return t.apply({kLon0 + (px + 0.5) * kStep, kLat0 - (py + 0.5) * kStep});
}

MapSettings rasterMap(const std::string& file, double opacity = 1.0) {
    MapSettings s;
    const auto source = storage::openGdalRaster(file);
    s.extent = source->extent(4548).buffered(50);
    s.outputSize = QSize(400, 400);
    s.dpi = 96;
    s.background = QColor(255, 255, 255);
    s.rasterOpener = storage::openGdalRaster;
    MapLayer l;
    l.name = "basemap";
    l.kind = LayerKind::Raster;
    l.file = file;
    l.opacity = opacity;
    s.layers.push_back(l);
    return s;
}

struct Rendered {
    RenderResult result;
    QImage image;
    QRgb at(const MapSettings& s, model::Vec2 p) const { return image.pixel(MapToPixel(s)(p).toPoint()); }
};

Rendered render(const MapSettings& s) {
    MemoryProvider provider; // srid 4548, no vector layers needed
    Rendered out;
    out.image = QImage(s.outputSize, QImage::Format_ARGB32_Premultiplied);
    out.image.fill(Qt::white);
    QPainter painter(&out.image);
    out.result = renderMap(s, provider, painter);
    return out;
}

void expectColour(QRgb c, int r, int g, int b, int tolerance = 8) {
    EXPECT_NEAR(qRed(c), r, tolerance);
    EXPECT_NEAR(qGreen(c), g, tolerance);
    EXPECT_NEAR(qBlue(c), b, tolerance);
}

TEST(RasterLayer, AGeoTiffInLonLatIsDrawnReprojectedUnderTheMap) {
    TempDir dir;
    const std::string tif = dir.file("quadrants.tif");
    writeQuadrants(tif);
    const MapSettings s = rasterMap(tif);
    const Rendered r = render(s);
    ASSERT_TRUE(r.result.ok()) << r.result.errors[0].message;
    EXPECT_EQ(r.result.layers[0].drawn, 1u);
    SCOPED_TRACE("quadrant centres, transformed to the map's CRS");
    expectColour(r.at(s, mapPoint(25, 25)), 255, 0, 0);
    expectColour(r.at(s, mapPoint(75, 25)), 0, 255, 0);
    expectColour(r.at(s, mapPoint(25, 75)), 0, 0, 255);
    expectColour(r.at(s, mapPoint(75, 75)), 255, 255, 0);
    // Beyond the raster the map's background shows.
    expectColour(r.at(s, mapPoint(-2, 50)), 255, 255, 255, 0);
    expectColour(r.at(s, mapPoint(50, 102)), 255, 255, 255, 0);
}

TEST(RasterLayer, OpacityLetsTheBackgroundThrough) {
    TempDir dir;
    const std::string tif = dir.file("quadrants.tif");
    writeQuadrants(tif);
    const MapSettings s = rasterMap(tif, 0.5);
    const Rendered r = render(s);
    ASSERT_TRUE(r.result.ok());
    expectColour(r.at(s, mapPoint(25, 25)), 255, 128, 128); // half red over white
}

TEST(RasterLayer, ColourTablesAndNodata) {
    TempDir dir;
    GDALColorTable palette;
    const GDALColorEntry teal{0, 128, 128, 255}, orange{255, 165, 0, 255};
    palette.SetColorEntry(1, &teal);
    palette.SetColorEntry(2, &orange);
    const std::string paletted = dir.file("paletted.tif");
    writeGeoTiff(paletted, 1, GDT_Byte, [](int, int x, int) { return x < kSize / 2 ? 1.0 : 2.0; }, true, &palette);
    const MapSettings a = rasterMap(paletted);
    const Rendered ra = render(a);
    ASSERT_TRUE(ra.result.ok()) << ra.result.errors[0].message;
    expectColour(ra.at(a, mapPoint(25, 50)), 0, 128, 128);
    expectColour(ra.at(a, mapPoint(75, 50)), 255, 165, 0);

    // Grey with nodata 0 on the left half: the background shows there.
    const std::string grey = dir.file("grey.tif");
    writeGeoTiff(grey, 1, GDT_Byte, [](int, int x, int) { return x < kSize / 2 ? 0.0 : 90.0; }, true, nullptr, 0.0);
    const MapSettings b = rasterMap(grey);
    const Rendered rb = render(b);
    ASSERT_TRUE(rb.result.ok()) << rb.result.errors[0].message;
    expectColour(rb.at(b, mapPoint(20, 50)), 255, 255, 255, 0);
    expectColour(rb.at(b, mapPoint(80, 50)), 90, 90, 90);
}

TEST(RasterLayer, ProblemsAreLayerErrorsThatNameTheFile) {
    TempDir dir;
    const std::string tif = dir.file("quadrants.tif");
    writeQuadrants(tif);
    MapSettings s = rasterMap(tif);
    // Another layer after it still draws: one bad layer does not blank the map.
    s.rasterOpener = nullptr;
    const Rendered none = render(s);
    ASSERT_EQ(none.result.errors.size(), 1u);
    EXPECT_EQ(none.result.errors[0].layer, "basemap");
    EXPECT_NE(none.result.errors[0].message.find("raster reader"), std::string::npos);

    const std::string floats = dir.file("dem.tif");
    writeGeoTiff(floats, 1, GDT_Float32, [](int, int x, int y) { return x + y * 0.5; });
    try {
        (void)storage::openGdalRaster(floats);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("dem.tif' band 1 is Float32, not 8-bit"), std::string::npos) << e.what();
    }
    const std::string nocrs = dir.file("nocrs.tif");
    writeGeoTiff(nocrs, 3, GDT_Byte, [](int, int, int) { return 1.0; }, false);
    try {
        (void)storage::openGdalRaster(nocrs);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("nocrs.tif' has no coordinate reference system"), std::string::npos) << e.what();
    }
    try {
        (void)storage::openGdalRaster(dir.file("missing.tif"));
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("missing.tif' cannot be opened"), std::string::npos) << e.what();
    }
}

TEST(RasterLayer, ExtentCoversTheTransformedRaster) {
    TempDir dir;
    const std::string tif = dir.file("quadrants.tif");
    writeQuadrants(tif);
    const auto source = storage::openGdalRaster(tif);
    const model::Rect e = source->extent(4548);
    for (const auto& [px, py] : {std::pair{-0.5, -0.5}, {99.5, -0.5}, {-0.5, 99.5}, {99.5, 99.5}, {49.5, -0.5}}) {
        const model::Vec2 p = mapPoint(px, py);
        EXPECT_GE(p.x, e.xmin - 1e-6);
        EXPECT_LE(p.x, e.xmax + 1e-6);
        EXPECT_GE(p.y, e.ymin - 1e-6);
        EXPECT_LE(p.y, e.ymax + 1e-6);
    }
    EXPECT_NEAR(e.width(), 955, 10); // 0.01 degrees of longitude at 31 N
}

TEST(RasterLayer, MapDocumentsTakeRasterLayersAndSaveThem) {
    TempDir dir;
    fs::create_directories(dir.path() / "maps");
    fs::create_directories(dir.path() / "data");
    writeQuadrants((dir.path() / "data" / "basemap.tif").string());
    fs::copy(testing::sourcePath("styles"), dir.path() / "styles");
    const std::string map = (dir.path() / "maps" / "with-basemap.json").string();
    std::ofstream(map) << R"({"layers": [
      {"name": "basemap", "kind": "raster", "file": "../data/basemap.tif", "opacity": 0.6, "title": "影像底图"},
      {"name": "buildings", "source": "buildings", "style": "buildings-plain.json"}]})";
    const MapDocument doc = loadMapDocument(map);
    ASSERT_EQ(doc.layers.size(), 2u);
    EXPECT_EQ(doc.layers[0].kind, LayerKind::Raster);
    EXPECT_TRUE(fs::equivalent(doc.layers[0].filePath, dir.path() / "data" / "basemap.tif"));
    const MapSettings s = makeMapSettings(doc, model::Rect{0, 0, 10, 10}, QSize(10, 10), 96, false, storage::openGdalRaster);
    EXPECT_EQ(s.layers[0].kind, LayerKind::Raster);
    EXPECT_EQ(s.layers[0].opacity, 0.6);
    EXPECT_EQ(s.rasterOpener, &storage::openGdalRaster);
    // Saved elsewhere, the file is still found.
    const std::string saved = dir.file("saved.json");
    saveMapDocument(doc, saved);
    const MapDocument again = loadMapDocument(saved);
    EXPECT_EQ(again.layers[0].kind, LayerKind::Raster);
    EXPECT_TRUE(fs::equivalent(again.layers[0].filePath, doc.layers[0].filePath));
    EXPECT_EQ(again.layers[0].opacity, 0.6);
    EXPECT_EQ(again.layers[0].title, "影像底图");
    // A raster layer is not a vector layer: no style, source or filter; a missing file names the line.
    auto error = [&](const std::string& layer) {
        std::ofstream(map) << "{\"layers\": [\n" + layer + "]}";
        try {
            (void)loadMapDocument(map);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(error(R"({"name": "b", "kind": "raster", "file": "../data/basemap.tif", "style": "x.json"})")
                  .find("line 2: a raster layer takes 'file', not 'style'"), std::string::npos);
    EXPECT_NE(error(R"({"name": "b", "kind": "raster", "file": "../data/nope.tif"})").find("line 2: raster file '../data/nope.tif'"),
              std::string::npos);
    EXPECT_NE(error(R"({"name": "b", "source": "buildings", "style": "buildings-plain.json", "file": "x.tif"})")
                  .find("'file' belongs to raster layers"), std::string::npos);
}

TEST(RasterLayer, TheCommandLineDrawsRasterLayers) {
    // Without a raster reader the layer would fail, and a failed layer fails the chart.
    testing::SmallWorld world;
    fs::create_directories(world.dir.path() / "maps");
    writeQuadrants((world.dir.path() / "basemap.tif").string());
    fs::copy(testing::sourcePath("styles"), world.dir.path() / "styles");
    const std::string map = (world.dir.path() / "maps" / "m.json").string();
    std::ofstream(map) << R"({"layers": [{"name": "basemap", "kind": "raster", "file": "../basemap.tif"},
      {"name": "buildings", "source": "buildings", "style": "buildings-plain.json"}]})";
    const std::string out = world.dir.file("chart.png");
    std::string log;
    EXPECT_EQ(testing::runCommand(testing::cliPath() + " render --atlas '" + world.path + "' --map '" + map + "' --out '" + out + "' --dpi 40",
                                  &log),
              0)
        << log;
    EXPECT_TRUE(fs::exists(out)) << log;
}

} // namespace
} // namespace gridatlas::render
