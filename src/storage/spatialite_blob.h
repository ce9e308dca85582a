#pragma once
// SpatiaLite's internal BLOB geometry format, decoded and encoded in C++: reading points from
// the atlas must not go through a SQL function per row (see shared/peers/RESULTS.md).
#include <string>
#include <string_view>

#include "model/geometry.h"

namespace gridatlas::storage {

/// Decodes a SpatiaLite geometry BLOB (XY/XYZ/XYM/XYZM, plain or compressed) into `out`;
/// Z and M are dropped. Throws StorageError on a malformed blob.
void decodeSpatialiteBlob(std::string_view blob, model::Geometry& out);
/// Reads only the MBR stored in the blob's header (cheap).
model::Rect blobBounds(std::string_view blob);
/// Encodes an XY geometry for the given SRID.
std::string encodeSpatialiteBlob(const model::Geometry& g, int srid);

} // namespace gridatlas::storage
