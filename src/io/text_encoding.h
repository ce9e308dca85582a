#pragma once
// Text encodings of files users bring: UTF-8 (with or without the BOM Excel writes) and
// GB18030/GBK (what Excel on Chinese Windows saves as "CSV"). Decoding is strict: a byte
// sequence that is not valid in the detected encoding is an error naming the file and line,
// never a silent replacement character.
#include <cstddef>
#include <string>
#include <string_view>

namespace gridatlas::io {

enum class TextEncoding { Utf8, Utf8Bom, Gb18030 };

/// "UTF-8", "UTF-8 (BOM)", "GB18030".
const char* encodingName(TextEncoding e);

/// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates); otherwise the offset of
/// the first bad byte goes to `badOffset` when given.
bool isValidUtf8(std::string_view bytes, std::size_t* badOffset = nullptr);

/// UTF-8 BOM -> Utf8Bom; valid UTF-8 -> Utf8; anything else -> Gb18030 (GBK is a subset).
TextEncoding detectEncoding(std::string_view bytes);

/// Decodes `bytes` to UTF-8 (dropping a BOM). Throws InputError "'<file>', line N: bytes ... are
/// not valid <encoding>" on undecodable input.
std::string decodeToUtf8(std::string_view bytes, TextEncoding encoding, const std::string& fileName);

/// Detects and decodes in one go; `detected` receives the encoding when given.
std::string decodeAuto(std::string_view bytes, const std::string& fileName, TextEncoding* detected = nullptr);

/// UTF-8 -> GB18030 (tests and exports for Excel on Chinese Windows). Throws InputError on bad UTF-8.
std::string encodeGb18030(std::string_view utf8);

} // namespace gridatlas::io
