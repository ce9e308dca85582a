#pragma once
// Masking of personal data: the one piece of code every view, chart and export goes through.
// Default is masked; revealing is an explicit choice of the caller.
#include <string>
#include <string_view>

namespace gridatlas::model {

enum class Sensitivity { None, Name, Phone, IdNumber, Detail };

/// "张三丰" -> "张**"; keeps the first character (the surname; two for compound surnames like 欧阳).
std::string maskName(std::string_view name);
/// "13812345678" -> "138****5678"; other lengths keep at most the first 3 and last 4 digits.
std::string maskPhone(std::string_view phone);
/// "110101199001011234" -> "1101**********1234".
std::string maskIdNumber(std::string_view id);
/// Masks by kind; `reveal` returns the text unchanged.
std::string mask(std::string_view text, Sensitivity kind, bool reveal = false);
/// Sensitivity of a column by its name (name, phone, id_number, ...).
Sensitivity sensitivityOfField(std::string_view field);

/// UTF-8 helpers.
std::size_t utf8Length(std::string_view s);
/// The first `n` code points of `s`.
std::string utf8Prefix(std::string_view s, std::size_t n);

} // namespace gridatlas::model
