#pragma once
// Raster basemaps read with GDAL: any raster format GDAL opens (GeoTIFF, MBTiles, PNG or JPEG
// with a world file and .prj, ...), reprojected on the fly to the map's CRS.
#include <memory>
#include <string>

#include "model/raster.h"

namespace gridatlas::storage {

/// Opens a raster basemap for the calling thread. Bands: one grey band (with or without a colour
/// table), three (RGB) or four (RGBA), all of 8 bits; nodata values and an alpha band become
/// transparency. Throws InputError naming the file when it cannot be opened, has no coordinate
/// reference system, or bands a basemap cannot show (16-bit or float: convert with
/// gdal_translate -ot Byte -scale).
std::unique_ptr<model::RasterSource> openGdalRaster(const std::string& path);

} // namespace gridatlas::storage
