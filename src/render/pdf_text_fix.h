#pragma once
// Copy-paste fix for Qt's PDFs with Noto Sans CJK.
//
// Qt writes each glyph's ToUnicode entry as the lowest code point that maps to the glyph. Noto
// Sans CJK maps the Kangxi radicals (U+2F00..) and CJK radicals supplement (U+2E80..) to the
// very glyphs of the ideographs, so "平面图" would copy out as "平⾯图" and "一" as "⼀".
// The fix rewrites those ToUnicode entries in place to the ideographs (same byte length, so no
// offsets move).
#include <QByteArray>

namespace gridatlas::render {

/// Rewrites radical code points in the PDF's ToUnicode CMaps to the ideographs of the same
/// glyphs of "Noto Sans CJK SC". Returns the number of entries changed.
int fixPdfToUnicode(QByteArray& pdf);

} // namespace gridatlas::render
