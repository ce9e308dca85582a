#include "io/text_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <cstdio>

#include "model/support/error.h"

namespace gridatlas::io {

namespace {

std::size_t lineOf(std::string_view bytes, std::size_t offset) {
    return 1 + static_cast<std::size_t>(
                   std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min(offset, bytes.size())), '\n'));
}

std::string hexBytes(std::string_view bytes, std::size_t offset, std::size_t n) {
    std::string out;
    for (std::size_t i = offset; i < std::min(bytes.size(), offset + n); ++i) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%s%02X", out.empty() ? "" : " ", static_cast<unsigned char>(bytes[i]));
        out += buf;
    }
    return out;
}

/// An iconv descriptor owned for one conversion.
class Iconv {
public:
    Iconv(const char* to, const char* from) : m_cd(iconv_open(to, from)) {
        if (m_cd == reinterpret_cast<iconv_t>(-1))
            throw Error(std::string("iconv cannot convert from ") + from + " to " + to + " on this system");
    }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;
    Iconv(Iconv&&) = delete;
    Iconv& operator=(Iconv&&) = delete;
    ~Iconv() { iconv_close(m_cd); }

    /// Converts all of `in`; on failure returns false with the offset of the bad input in `badOffset`.
    bool convert(std::string_view in, std::string& out, std::size_t& badOffset) {
        out.resize(in.size() * 2 + 16);
        char* inPtr = const_cast<char*>(in.data());
        std::size_t inLeft = in.size();
        std::size_t written = 0;
        while (inLeft > 0) {
            char* outPtr = out.data() + written;
            std::size_t outLeft = out.size() - written;
            const std::size_t rc = iconv(m_cd, &inPtr, &inLeft, &outPtr, &outLeft);
            written = out.size() - outLeft;
            if (rc != static_cast<std::size_t>(-1)) continue;
            if (errno == E2BIG) {
                out.resize(out.size() * 2);
                continue;
            }
            badOffset = in.size() - inLeft; // EILSEQ or EINVAL (truncated sequence at the end)
            return false;
        }
        out.resize(written);
        return true;
    }

private:
    iconv_t m_cd;
};

} // namespace

const char* encodingName(TextEncoding e) {
    switch (e) {
    case TextEncoding::Utf8:
        return "UTF-8";
    case TextEncoding::Utf8Bom:
        return "UTF-8 (BOM)";
    case TextEncoding::Gb18030:
        return "GB18030";
    }
    return "?";
}

bool isValidUtf8(std::string_view s, std::size_t* badOffset) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    auto bad = [&](std::size_t at) {
        if (badOffset) *badOffset = at;
        return false;
    };
    while (i < n) {
        // ASCII runs are most of a roster: skip 8 bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F; // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else
            return bad(i);
        if (i + len > n) return bad(i);
        if (p[i + 1] < lo || p[i + 1] > hi) return bad(i);
        for (std::size_t k = 2; k < len; ++k)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return bad(i);
        i += len;
    }
    return true;
}

TextEncoding detectEncoding(std::string_view bytes) {
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") return TextEncoding::Utf8Bom;
    return isValidUtf8(bytes) ? TextEncoding::Utf8 : TextEncoding::Gb18030;
}

std::string decodeToUtf8(std::string_view bytes, TextEncoding encoding, const std::string& fileName) {
    if (encoding == TextEncoding::Utf8Bom && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    if (encoding != TextEncoding::Gb18030) {
        std::size_t bad = 0;
        if (!isValidUtf8(bytes, &bad))
            throw InputError("'" + fileName + "', line " + std::to_string(lineOf(bytes, bad)) + ": bytes " +
                             hexBytes(bytes, bad, 4) + " are not valid UTF-8");
        return std::string(bytes);
    }
    // A UTF-8 file with one broken byte would decode as GBK gibberish: when the text before the
    // first invalid byte already holds real UTF-8 characters, report the byte instead.
    std::size_t bad = 0;
    if (!isValidUtf8(bytes, &bad)) {
        std::size_t multiByte = 0;
        for (std::size_t i = 0; i < bad; ++i) multiByte += (static_cast<unsigned char>(bytes[i]) & 0xC0) == 0xC0 ? 1 : 0;
        if (multiByte >= 8)
            throw InputError("'" + fileName + "', line " + std::to_string(lineOf(bytes, bad)) + ": bytes " +
                             hexBytes(bytes, bad, 4) + " are not valid UTF-8 (the text before them is UTF-8)");
    }
    Iconv cd("UTF-8", "GB18030");
    std::string out;
    if (!cd.convert(bytes, out, bad))
        throw InputError("'" + fileName + "', line " + std::to_string(lineOf(bytes, bad)) + ": bytes " + hexBytes(bytes, bad, 4) +
                         " are neither UTF-8 nor GB18030/GBK text");
    if (out.rfind("\xEF\xBB\xBF", 0) == 0) out.erase(0, 3); // a BOM converted to GB18030 (84 31 95 33)
    return out;
}

std::string decodeAuto(std::string_view bytes, const std::string& fileName, TextEncoding* detected) {
    // UTF-16 (Excel's "Unicode text") starts with its BOM; read as GB18030 it would fail on some
    // byte with a message that does not say why.
    if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
        throw InputError("'" + fileName + "' is UTF-16 text (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" or CSV");
    const TextEncoding e = detectEncoding(bytes);
    if (detected) *detected = e;
    return decodeToUtf8(bytes, e, fileName);
}

std::string encodeGb18030(std::string_view utf8) {
    Iconv cd("GB18030", "UTF-8");
    std::string out;
    std::size_t bad = 0;
    if (!cd.convert(utf8, out, bad)) throw InputError("text is not valid UTF-8 at byte " + std::to_string(bad));
    return out;
}

} // namespace gridatlas::io
