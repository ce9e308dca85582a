#pragma once
// Fonts: Noto Sans CJK loaded by path, so no output depends on what fontconfig picks.
// Every text the renderer draws goes through makeFont(), sized in points on paper.
#include <QFont>
#include <QString>

class QPaintDevice;

namespace gridatlas::render {

/// The family every map and chart uses. The .ttc lists the JP face first; SC has the
/// simplified Chinese glyph forms.
inline constexpr const char* kFontFamily = "Noto Sans CJK SC";

/// Loads NotoSansCJK-Regular.ttc and -Bold.ttc from /usr/share/fonts/opentype/noto (or the
/// folder in GRIDATLAS_FONT_DIR). Thread-safe, runs once; needs a QGuiApplication.
/// Throws RenderError naming the file when a font is missing or unusable.
void ensureFontsLoaded();

/// A font of `pt` points on paper for a device whose pixels are at `dpi`, whatever the device's
/// own logical DPI (QImage, QPdfWriter and QSvgGenerator each report their own).
/// Hinting is off so text measures the same on raster and vector devices.
QFont makeFont(double pt, bool bold, double dpi, const QPaintDevice* device);

} // namespace gridatlas::render
