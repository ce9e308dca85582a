#include "storage/gdal_raster.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "model/support/error.h"

namespace gridatlas::storage {

namespace {

void ensureGdalDrivers() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

/// Collects GDAL's messages on this thread while in scope, so an exception can quote them
/// instead of GDAL printing to stderr.
class GdalMessages {
public:
    GdalMessages() : m_pusher(&GdalMessages::handler, this) {}
    GdalMessages(const GdalMessages&) = delete;
    GdalMessages& operator=(const GdalMessages&) = delete;
    GdalMessages(GdalMessages&&) = delete;
    GdalMessages& operator=(GdalMessages&&) = delete;
    ~GdalMessages() = default;

    /// The last error (or warning) GDAL reported, for a message: "" or ": <text>".
    [[nodiscard]] std::string last() const { return m_last.empty() ? std::string() : ": " + m_last; }

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* message) {
        auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
        if (self && level >= CE_Warning && message) self->m_last = message;
    }
    std::string m_last;
    CPLErrorHandlerPusher m_pusher;
};

struct WarpOptionsFree {
    void operator()(GDALWarpAppOptions* o) const { GDALWarpAppOptionsFree(o); }
};
struct TranslateOptionsFree {
    void operator()(GDALTranslateOptions* o) const { GDALTranslateOptionsFree(o); }
};

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

class GdalRaster : public model::RasterSource {
public:
    explicit GdalRaster(std::string path) : m_path(std::move(path)) {
        ensureGdalDrivers();
        GdalMessages messages;
        m_dataset.reset(GDALDataset::Open(m_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
        if (!m_dataset) throw InputError("raster '" + m_path + "' cannot be opened" + messages.last());
        const OGRSpatialReference* srs = m_dataset->GetSpatialRef();
        if (!srs || srs->IsEmpty())
            throw InputError("raster '" + m_path + "' has no coordinate reference system (add one, e.g. gdal_edit.py -a_srs EPSG:4490)");
        m_srs = *srs;
        m_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const int bands = m_dataset->GetRasterCount();
        if (bands != 1 && bands != 3 && bands != 4)
            throw InputError("raster '" + m_path + "' has " + std::to_string(bands) +
                             " bands; a basemap needs 1 (grey or a colour table), 3 (RGB) or 4 (RGBA)");
        for (int b = 1; b <= bands; ++b)
            if (m_dataset->GetRasterBand(b)->GetRasterDataType() != GDT_Byte)
                throw InputError("raster '" + m_path + "' band " + std::to_string(b) + " is " +
                                 GDALGetDataTypeName(m_dataset->GetRasterBand(b)->GetRasterDataType()) +
                                 ", not 8-bit; convert it for a basemap with gdal_translate -ot Byte -scale");
        m_colourBands = bands == 1 ? 1 : 3;
        m_sourceAlpha = bands == 4;
        if (bands == 1 && m_dataset->GetRasterBand(1)->GetColorTable()) {
            // A colour table: expanded to RGBA in a virtual data set, then warped like any RGBA.
            CPLStringList argv;
            for (const char* a : {"-of", "VRT", "-expand", "rgba"}) argv.AddString(a);
            std::unique_ptr<GDALTranslateOptions, TranslateOptionsFree> options(GDALTranslateOptionsNew(argv.List(), nullptr));
            int usageError = 0;
            m_expanded.reset(GDALDataset::FromHandle(GDALTranslate("", GDALDataset::ToHandle(m_dataset.get()), options.get(), &usageError)));
            if (!m_expanded) throw InputError("raster '" + m_path + "': its colour table cannot be expanded" + messages.last());
            m_colourBands = 3;
            m_sourceAlpha = true;
        }
    }

    std::string name() const override { return m_path; }

    model::Rect extent(int srid) const override {
        GdalMessages messages;
        double gt[6];
        if (m_dataset->GetGeoTransform(gt) != CE_None) throw InputError("raster '" + m_path + "' has no geotransform" + messages.last());
        const double w = m_dataset->GetRasterXSize(), h = m_dataset->GetRasterYSize();
        // Bounds of the pixel grid in its own CRS (rotation terms included).
        model::Rect own;
        for (const auto& [px, py] : {std::pair{0.0, 0.0}, {w, 0.0}, {0.0, h}, {w, h}})
            own.expand(model::Vec2{gt[0] + px * gt[1] + py * gt[2], gt[3] + px * gt[4] + py * gt[5]});
        OGRSpatialReference target;
        if (target.importFromEPSG(srid) != OGRERR_NONE)
            throw InputError("raster '" + m_path + "': EPSG:" + std::to_string(srid) + " is unknown" + messages.last());
        target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&m_srs, &target));
        if (!ct) throw InputError("raster '" + m_path + "': no transformation to EPSG:" + std::to_string(srid) + messages.last());
        model::Rect out;
        // Transformed edges can bulge: densify them.
        if (!ct->TransformBounds(own.xmin, own.ymin, own.xmax, own.ymax, &out.xmin, &out.ymin, &out.xmax, &out.ymax, 21))
            throw InputError("raster '" + m_path + "': its bounds cannot be transformed to EPSG:" + std::to_string(srid) + messages.last());
        return out;
    }

    model::RgbaImage read(const model::Rect& extent, int width, int height, int srid) override {
        GdalMessages messages;
        // gdalwarp into memory: reprojection, resampling, overviews when zoomed out, and an
        // alpha band for what the raster does not cover (or marks as nodata).
        CPLStringList argv;
        for (const std::string& a :
             {std::string("-of"), std::string("MEM"), std::string("-t_srs"), "EPSG:" + std::to_string(srid), std::string("-te"),
              number(extent.xmin), number(extent.ymin), number(extent.xmax), number(extent.ymax), std::string("-ts"),
              std::to_string(width), std::to_string(height), std::string("-r"), std::string("bilinear"), std::string("-ovr"),
              std::string("AUTO"), std::string("-dstalpha")})
            argv.AddString(a.c_str());
        if (m_sourceAlpha) argv.AddString("-srcalpha");
        std::unique_ptr<GDALWarpAppOptions, WarpOptionsFree> options(GDALWarpAppOptionsNew(argv.List(), nullptr));
        if (!options) throw RenderError("raster '" + m_path + "': bad warp options" + messages.last());
        GDALDatasetH source = GDALDataset::ToHandle(m_expanded ? m_expanded.get() : m_dataset.get());
        int usageError = 0;
        GDALDatasetUniquePtr warped(GDALDataset::FromHandle(GDALWarp("", nullptr, 1, &source, options.get(), &usageError)));
        if (!warped) throw RenderError("raster '" + m_path + "' cannot be drawn" + messages.last());
        const int bands = warped->GetRasterCount(); // colour bands, then the alpha band
        if (bands != m_colourBands + 1)
            throw RenderError("raster '" + m_path + "': warping gave " + std::to_string(bands) + " bands, expected " +
                              std::to_string(m_colourBands + 1));
        model::RgbaImage image;
        image.width = width;
        image.height = height;
        image.pixels.assign(static_cast<std::size_t>(width) * height * 4, 0);
        auto readInto = [&](int band, int channel) {
            const CPLErr err = warped->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, width, height, image.pixels.data() + channel, width,
                                                                       height, GDT_Byte, 4, static_cast<GSpacing>(width) * 4, nullptr);
            if (err != CE_None) throw RenderError("raster '" + m_path + "': reading band " + std::to_string(band) + " failed" + messages.last());
        };
        if (m_colourBands == 1) {
            for (int c = 0; c < 3; ++c) readInto(1, c); // grey
        } else {
            for (int c = 0; c < 3; ++c) readInto(c + 1, c);
        }
        readInto(bands, 3);
        return image;
    }

private:
    std::string m_path;
    GDALDatasetUniquePtr m_dataset;
    GDALDatasetUniquePtr m_expanded; ///< the colour table expanded to RGBA (a VRT over m_dataset)
    OGRSpatialReference m_srs;
    int m_colourBands = 3;
    bool m_sourceAlpha = false;
};

} // namespace

std::unique_ptr<model::RasterSource> openGdalRaster(const std::string& path) { return std::make_unique<GdalRaster>(path); }

} // namespace gridatlas::storage
