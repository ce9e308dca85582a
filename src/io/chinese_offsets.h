#pragma once
// GCJ-02 ("Mars coordinates", Amap/Tencent/Apple China) and BD-09 (Baidu) are obfuscated
// longitude/latitude systems that PROJ does not know. The forward conversions here are the
// published formulas (WGS84 -> GCJ-02: the Krasovsky-ellipsoid polynomial offset; GCJ-02 ->
// BD-09: Baidu's rotation and shift); the inverses are solved by fixed-point iteration to
// within 1e-9 degrees (about 0.1 mm), far below the 1 cm the atlas needs.
//
// WGS84 and CGCS2000 differ by centimetres, so the WGS84 side doubles as CGCS2000 here; the
// transform error bound recorded for such sources says so (see errorBoundMetres()).
#include "model/geometry.h"

namespace gridatlas::io {

/// Longitude/latitude in degrees, x = longitude.
using LonLat = model::Vec2;

/// True when the point lies in the rectangle the published GCJ-02 formula offsets (mainland
/// China and surroundings); points outside are left unchanged by every conversion, as the
/// Chinese map services do.
bool insideChina(LonLat p);

LonLat wgs84ToGcj02(LonLat wgs);
/// Inverse of wgs84ToGcj02 by iteration (converges to < 1e-9 degrees in a handful of steps).
LonLat gcj02ToWgs84(LonLat gcj);
LonLat gcj02ToBd09(LonLat gcj);
/// Inverse of gcj02ToBd09 by iteration (Baidu's published inverse is only approximate).
LonLat bd09ToGcj02(LonLat bd);
LonLat wgs84ToBd09(LonLat wgs);
LonLat bd09ToWgs84(LonLat bd);

/// Offset systems the import and export understand besides PROJ CRSs.
enum class OffsetSystem { None, Gcj02, Bd09 };

/// Converts a point of `system` to WGS84 (None: unchanged).
LonLat offsetToWgs84(OffsetSystem system, LonLat p);
/// Converts a WGS84 point to `system` (None: unchanged).
LonLat wgs84ToOffset(OffsetSystem system, LonLat p);
/// "GCJ-02", "BD-09" or "".
const char* offsetSystemName(OffsetSystem system);
/// How far (metres) a point converted from `system` may be from where the map service meant
/// it: the published formulas leave out the services' small random noise (GCJ-02) and BD-09
/// adds its rounding on top. 0 for None.
double offsetErrorBoundMetres(OffsetSystem system);

/// Great-circle distance in metres between two lon/lat points (spherical, for tests and bounds).
double haversineMetres(LonLat a, LonLat b);

} // namespace gridatlas::io
