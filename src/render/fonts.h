#pragma once
// Fonts: Noto Sans CJK loaded by path, so no output depends on what fontconfig picks.
// The renderer draws all text through TextFace (text_face.h), sized in points on paper.
#include <QFont> // users build QFont(kFontFamily, ...) for their own widgets

namespace gridatlas::render {

/// The family every map and chart uses. The .ttc lists the JP face first; SC has the
/// simplified Chinese glyph forms.
inline constexpr const char* kFontFamily = "Noto Sans CJK SC";

/// Loads NotoSansCJK-Regular.ttc and -Bold.ttc from /usr/share/fonts/opentype/noto (or the
/// folder in GRIDATLAS_FONT_DIR). Thread-safe, runs once; needs a QGuiApplication.
/// Throws RenderError naming the file when a font is missing or unusable.
void ensureFontsLoaded();

} // namespace gridatlas::render
