#include "render/pdf_text_fix.h"

#include <QRawFont>

#include <mutex>
#include <unordered_map>
#include <vector>

#include "render/fonts.h"

namespace gridatlas::render {

namespace {

constexpr char32_t kRadicalsBegin = 0x2E80; // CJK Radicals Supplement, then Kangxi Radicals
constexpr char32_t kRadicalsEnd = 0x2FE0;

/// radical code point -> ideograph with the same glyph in Noto Sans CJK SC.
const std::unordered_map<char32_t, char32_t>& radicalMap() {
    static std::unordered_map<char32_t, char32_t> map;
    static std::once_flag once;
    std::call_once(once, [] {
        ensureFontsLoaded();
        QFont font(QString::fromLatin1(kFontFamily));
        font.setPixelSize(64);
        const QRawFont raw = QRawFont::fromFont(font);
        if (!raw.isValid()) return;
        auto glyphsOf = [&](char32_t from, char32_t to) {
            std::vector<QChar> chars;
            for (char32_t c = from; c < to; ++c) chars.emplace_back(static_cast<char16_t>(c));
            std::vector<quint32> glyphs(chars.size());
            int n = static_cast<int>(glyphs.size());
            raw.glyphIndexesForChars(chars.data(), static_cast<int>(chars.size()), glyphs.data(), &n);
            return glyphs;
        };
        std::unordered_map<quint32, char32_t> ideographOfGlyph;
        for (auto [from, to] : {std::pair<char32_t, char32_t>{0x4E00, 0xA000}, {0x3400, 0x4DC0}}) {
            const auto glyphs = glyphsOf(from, to);
            for (std::size_t i = 0; i < glyphs.size(); ++i)
                if (glyphs[i] != 0) ideographOfGlyph.emplace(glyphs[i], from + static_cast<char32_t>(i));
        }
        const auto radicals = glyphsOf(kRadicalsBegin, kRadicalsEnd);
        for (std::size_t i = 0; i < radicals.size(); ++i)
            if (auto it = ideographOfGlyph.find(radicals[i]); radicals[i] != 0 && it != ideographOfGlyph.end())
                map.emplace(kRadicalsBegin + static_cast<char32_t>(i), it->second);
    });
    return map;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/// Reads "<XXXX>" at pos; -1 when it is not a 4-digit hex token.
long token4(const QByteArray& s, qsizetype pos) {
    if (pos + 6 > s.size() || s[pos] != '<' || s[pos + 5] != '>') return -1;
    long v = 0;
    for (int i = 1; i <= 4; ++i) {
        const int d = hex(s[pos + i]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

void writeToken4(QByteArray& s, qsizetype pos, char32_t v) {
    static const char digits[] = "0123456789ABCDEF";
    for (int i = 4; i >= 1; --i) {
        s[pos + i] = digits[v & 0xF];
        v >>= 4;
    }
}

/// Fixes the destination code points of one CMap's bfrange/bfchar lines in [begin, end).
int fixCMap(QByteArray& pdf, qsizetype begin, qsizetype end, const std::unordered_map<char32_t, char32_t>& map) {
    int changed = 0;
    qsizetype lineStart = begin;
    while (lineStart < end) {
        qsizetype lineEnd = pdf.indexOf('\n', lineStart);
        if (lineEnd < 0 || lineEnd > end) lineEnd = end;
        // Tokens of the line: sources first, then destinations.
        std::vector<qsizetype> tokens;
        bool array = false;
        for (qsizetype p = lineStart; p < lineEnd; ++p) {
            if (pdf[p] == '[') array = true;
            if (pdf[p] == '<' && token4(pdf, p) >= 0) tokens.push_back(p);
        }
        // "<src> <dst>" (bfchar), "<lo> <hi> <dst>" (bfrange), "<lo> <hi> [<dst> ...]".
        std::vector<qsizetype> dest;
        if (array && tokens.size() >= 3) {
            dest.assign(tokens.begin() + 2, tokens.end());
        } else if (tokens.size() == 3 && token4(pdf, tokens[0]) == token4(pdf, tokens[1])) {
            dest.push_back(tokens[2]); // a one-glyph range; longer linear ranges cannot be fixed in place
        } else if (tokens.size() == 2) {
            dest.push_back(tokens[1]);
        }
        for (auto p : dest) {
            const auto v = static_cast<char32_t>(token4(pdf, p));
            if (v < kRadicalsBegin || v >= kRadicalsEnd) continue;
            if (auto it = map.find(v); it != map.end()) {
                writeToken4(pdf, p, it->second);
                ++changed;
            }
        }
        lineStart = lineEnd + 1;
    }
    return changed;
}

} // namespace

int fixPdfToUnicode(QByteArray& pdf) {
    const auto& map = radicalMap();
    if (map.empty()) return 0;
    int changed = 0;
    qsizetype pos = 0;
    while ((pos = pdf.indexOf("/ToUnicode ", pos)) >= 0) {
        pos += 11;
        const qsizetype numEnd = pdf.indexOf(' ', pos);
        if (numEnd < 0) break;
        const QByteArray objNum = pdf.mid(pos, numEnd - pos);
        const QByteArray header = "\n" + objNum + " 0 obj";
        const qsizetype obj = pdf.indexOf(header);
        if (obj < 0) continue;
        const qsizetype stream = pdf.indexOf("stream", obj);
        const qsizetype endstream = pdf.indexOf("endstream", stream + 6);
        if (stream < 0 || endstream < 0) continue;
        const qsizetype dict = pdf.indexOf("<<", obj);
        if (dict >= 0 && dict < stream && pdf.mid(dict, stream - dict).contains("/Filter")) continue; // compressed: leave it
        changed += fixCMap(pdf, stream + 6, endstream, map);
    }
    return changed;
}

} // namespace gridatlas::render
