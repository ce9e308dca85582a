#include "model/masking.h"

#include <array>

namespace gridatlas::model {

namespace {
std::size_t seqLen(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c >> 5) == 0x6) return 2;
    if ((c >> 4) == 0xE) return 3;
    if ((c >> 3) == 0x1E) return 4;
    return 1; // invalid lead byte: count it as one, never read past the end
}
constexpr std::array<std::string_view, 12> kCompoundSurnames{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫",
                                                             "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒"};
} // namespace

std::size_t utf8Length(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); i += seqLen(static_cast<unsigned char>(s[i]))) ++n;
    return n;
}

std::string utf8Prefix(std::string_view s, std::size_t n) {
    std::size_t i = 0;
    for (std::size_t k = 0; k < n && i < s.size(); ++k) i += seqLen(static_cast<unsigned char>(s[i]));
    return std::string(s.substr(0, std::min(i, s.size())));
}

std::string maskName(std::string_view name) {
    if (name.empty()) return {};
    std::size_t keep = 1;
    for (auto cs : kCompoundSurnames)
        if (name.substr(0, cs.size()) == cs && utf8Length(name) > 2) keep = 2;
    const std::size_t len = utf8Length(name);
    std::string out = utf8Prefix(name, keep);
    out.append(len > keep ? len - keep : 1, '*');
    return out;
}

std::string maskPhone(std::string_view phone) {
    std::string digits;
    for (char c : phone)
        if (c != ' ' && c != '-') digits += c;
    const std::size_t n = digits.size();
    if (n == 0) return {};
    if (n >= 11) return digits.substr(0, 3) + std::string(n - 7, '*') + digits.substr(n - 4);
    if (n > 4) return std::string(n - 4, '*') + digits.substr(n - 4);
    return std::string(n, '*');
}

std::string maskIdNumber(std::string_view id) {
    const std::size_t n = id.size();
    if (n == 0) return {};
    if (n <= 8) return std::string(n, '*');
    return std::string(id.substr(0, 4)) + std::string(n - 8, '*') + std::string(id.substr(n - 4));
}

std::string mask(std::string_view text, Sensitivity kind, bool reveal) {
    if (reveal) return std::string(text);
    switch (kind) {
    case Sensitivity::None: return std::string(text);
    case Sensitivity::Name: return maskName(text);
    case Sensitivity::Phone: return maskPhone(text);
    case Sensitivity::IdNumber: return maskIdNumber(text);
    case Sensitivity::Detail: return text.empty() ? std::string() : std::string("***");
    }
    return std::string(text);
}

Sensitivity sensitivityOfField(std::string_view field) {
    if (field == "name" || field == "resident_name" || field == "staff_name" || field == "manager" ||
        field == "supervisor" || field == "assistant")
        return Sensitivity::Name;
    if (field == "phone" || field.ends_with("_phone")) return Sensitivity::Phone;
    if (field == "id_number") return Sensitivity::IdNumber;
    if (field == "disability_detail" || field == "hardship_detail") return Sensitivity::Detail;
    return Sensitivity::None;
}

} // namespace gridatlas::model
