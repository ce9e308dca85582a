#pragma once
// PRC resident ID numbers (居民身份证号码, GB 11643-1999): 6-digit region code, 8-digit birth date,
// 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character
// (0-9 or X). Rosters hold them typed by hand or damaged by Excel (15 significant digits), so
// every failure says exactly what is wrong instead of dropping the number.
#include <optional>
#include <string>
#include <string_view>

namespace gridatlas::model {

struct IdNumberInfo {
    bool valid = false;
    std::string normalized; ///< 18 characters, upper-case X, full-width digits folded (when shaped right)
    std::string error;      ///< why it is invalid ("check digit is 3, expected 7"), empty when valid
    int birthYear = 0;
    int birthMonth = 0;
    int birthDay = 0;
    char gender = 0; ///< 'M' or 'F' (from the 17th digit)
};

/// The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the first 17 digits.
/// \pre `first17` holds at least 17 ASCII digits.
char idCheckCharacterOf(std::string_view first17);

/// Validates an 18-character ID number. Trims spaces, folds full-width digits and 'x'.
/// `currentYear` bounds the birth date (not in the future, not over 130 years ago).
IdNumberInfo checkIdNumber(std::string_view text, int currentYear);

/// True when `text` looks like an attempt at an ID number (15-18 digits/X after trimming), so a
/// caller can tell "not an ID at all" from "a damaged ID".
bool looksLikeIdNumber(std::string_view text);

} // namespace gridatlas::model
