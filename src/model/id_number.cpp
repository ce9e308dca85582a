#include "model/id_number.h"

#include <array>

namespace gridatlas::model {

namespace {

// Full-width digits (U+FF10..U+FF19) are EF BC 90..99 in UTF-8; full-width X/x are EF BC B8 / EF BD 98.
std::string foldAscii(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == 0xEF && i + 2 < s.size()) {
            const auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
            if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) {
                out += static_cast<char>('0' + (b2 - 0x90));
                i += 2;
                continue;
            }
            if ((b1 == 0xBC && b2 == 0xB8) || (b1 == 0xBD && b2 == 0x98)) {
                out += 'X';
                i += 2;
                continue;
            }
        }
        if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            static_cast<unsigned char>(s[i + 2]) == 0x80) {
            i += 2; // ideographic space
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\'' || c == '\r' || c == '\n') continue; // Excel's text-prefix quote too
        out += c == 'x' ? 'X' : static_cast<char>(c);
    }
    return out;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

int daysInMonth(int year, int month) {
    static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
    return kDays[static_cast<std::size_t>(month - 1)];
}

int digitsToInt(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

} // namespace

char idCheckCharacterOf(std::string_view first17) {
    static constexpr std::array<int, 17> kWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
    static constexpr std::string_view kCheck = "10X98765432";
    return kCheck[static_cast<std::size_t>(sum % 11)];
}

bool looksLikeIdNumber(std::string_view text) {
    const std::string s = foldAscii(text);
    if (s.size() < 15 || s.size() > 18) return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!isDigit(s[i]) && !(s[i] == 'X' && i + 1 == s.size())) return false;
    return true;
}

IdNumberInfo checkIdNumber(std::string_view text, int currentYear) {
    IdNumberInfo info;
    const std::string s = foldAscii(text);
    if (s.empty()) {
        info.error = "empty";
        return info;
    }
    // Excel shows long numbers as 1.10101E+17: the digits are gone for good.
    if (s.find('E') != std::string::npos || s.find('e') != std::string::npos || s.find('.') != std::string::npos) {
        info.error =
            "\"" + std::string(text) + "\" is a number in scientific notation (Excel lost the digits; format the column as text)";
        return info;
    }
    if (s.size() == 15) {
        bool allDigits = true;
        for (char c : s) allDigits = allDigits && isDigit(c);
        if (allDigits) {
            info.error = "15-digit ID number (the pre-1999 format); the 18-digit number is required";
            return info;
        }
    }
    if (s.size() != 18) {
        info.error = "has " + std::to_string(s.size()) + " characters, expected 18";
        return info;
    }
    for (std::size_t i = 0; i < 17; ++i)
        if (!isDigit(s[i])) {
            info.error = "character " + std::to_string(i + 1) + " is not a digit";
            return info;
        }
    if (!isDigit(s[17]) && s[17] != 'X') {
        info.error = "the last character must be a digit or X";
        return info;
    }
    info.normalized = s;
    // Region: province codes run 11..82 (11 Beijing .. 65 Xinjiang, 71 Taiwan, 81/82 HK/Macau).
    const int province = digitsToInt(std::string_view(s).substr(0, 2));
    if (province < 11 || province > 82) {
        info.error = "region code " + s.substr(0, 6) + " does not start with a province code (11-82)";
        return info;
    }
    const int year = digitsToInt(std::string_view(s).substr(6, 4));
    const int month = digitsToInt(std::string_view(s).substr(10, 2));
    const int day = digitsToInt(std::string_view(s).substr(12, 2));
    if (month < 1 || month > 12 || day < 1 || year < 1 || day > daysInMonth(year, month)) {
        info.error = "birth date " + s.substr(6, 8) + " is not a date";
        return info;
    }
    if (year > currentYear || year < currentYear - 130) {
        info.error = "birth year " + std::to_string(year) + " is not plausible";
        return info;
    }
    const char expected = idCheckCharacterOf(s);
    if (expected != s[17]) {
        info.error =
            std::string("check digit is ") + s[17] + ", expected " + expected + " (a typing error or a number damaged by Excel)";
        return info;
    }
    info.valid = true;
    info.birthYear = year;
    info.birthMonth = month;
    info.birthDay = day;
    info.gender = ((s[16] - '0') % 2 == 1) ? 'M' : 'F';
    return info;
}

} // namespace gridatlas::model
