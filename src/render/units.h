#pragma once
// Paper units. Styles are in millimetres and points on paper, so a style looks the same at any
// dpi; the renderer converts to device pixels with these.
namespace gridatlas::render {

inline constexpr double kMmPerInch = 25.4;
inline constexpr double kPtPerInch = 72.0;

inline double mmToPx(double mm, double dpi) { return mm * dpi / kMmPerInch; }
inline double pxToMm(double px, double dpi) { return px * kMmPerInch / dpi; }
inline double ptToPx(double pt, double dpi) { return pt * dpi / kPtPerInch; }

} // namespace gridatlas::render
