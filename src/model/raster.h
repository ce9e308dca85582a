#pragma once
// Raster basemaps (an offline GeoTIFF or MBTiles under the vector layers): a source that paints
// any extent, in any CRS, at any size, as RGBA bytes. storage reads them (GDAL); the renderer
// draws what read() returns and never sees GDAL. No Qt here either.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::model {

/// A picture: 4 bytes per pixel (R, G, B, A; alpha not premultiplied; 0 = nothing there), rows
/// from the top.
struct RgbaImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
};

/// One raster data set, opened for one thread.
class RasterSource {
public:
    RasterSource() = default;
    RasterSource(const RasterSource&) = delete;
    RasterSource& operator=(const RasterSource&) = delete;
    RasterSource(RasterSource&&) = delete;
    RasterSource& operator=(RasterSource&&) = delete;
    virtual ~RasterSource() = default;

    /// The file, for messages.
    [[nodiscard]] virtual std::string name() const = 0;
    /// The raster's bounds in EPSG `srid` (its edges transformed, not only its corners).
    [[nodiscard]] virtual Rect extent(int srid) const = 0;
    /// The raster resampled onto a `width` x `height` grid covering `extent` in EPSG `srid`
    /// (row 0 along extent.ymax). Where the raster has no data the pixels are transparent.
    /// \pre width > 0, height > 0, extent not empty. Throws an Error naming the file.
    [[nodiscard]] virtual RgbaImage read(const Rect& extent, int width, int height, int srid) = 0;
};

/// Opens a raster file for the calling thread (a data set is never shared between threads).
/// Executables pass storage's opener to the renderer; throws InputError naming the file.
using RasterOpener = std::unique_ptr<RasterSource> (*)(const std::string& path);

} // namespace gridatlas::model
