#include <gtest/gtest.h>

#include "model/id_number.h"

using gridatlas::model::checkIdNumber;

TEST(IdNumber, ValidNumbersGiveBirthAndGender) {
    auto a = checkIdNumber("11010519491231002X", 2026);
    ASSERT_TRUE(a.valid) << a.error;
    EXPECT_EQ(a.birthYear, 1949);
    EXPECT_EQ(a.birthMonth, 12);
    EXPECT_EQ(a.birthDay, 31);
    EXPECT_EQ(a.gender, 'F');
    auto b = checkIdNumber("440524188001010014", 2026);
    EXPECT_FALSE(b.valid) << "born 1880: over 130 years ago";
    auto c = checkIdNumber("420111198506151236", 2026);
    ASSERT_TRUE(c.valid) << c.error;
    EXPECT_EQ(c.gender, 'M');
    EXPECT_EQ(c.birthYear, 1985);
    auto leap = checkIdNumber("320106200002294562", 2026);
    EXPECT_TRUE(leap.valid) << leap.error << " (29 Feb 2000 exists)";
}

TEST(IdNumber, NormalisesLowerXFullWidthAndSpaces) {
    auto a = checkIdNumber(" 11010519491231002x ", 2026);
    EXPECT_TRUE(a.valid) << a.error;
    EXPECT_EQ(a.normalized, "11010519491231002X");
    auto b = checkIdNumber("１１０１０５１９４９１２３１００２Ｘ", 2026);
    EXPECT_TRUE(b.valid) << b.error;
    auto c = checkIdNumber("'420111198506151236", 2026); // Excel's text prefix
    EXPECT_TRUE(c.valid) << c.error;
}

TEST(IdNumber, InvalidNumbersSayWhy) {
    auto check = checkIdNumber("420111198506151235", 2026);
    EXPECT_FALSE(check.valid);
    EXPECT_NE(check.error.find("check digit is 5, expected 6"), std::string::npos) << check.error;
    auto date = checkIdNumber("420111198502301230", 2026);
    EXPECT_FALSE(date.valid);
    EXPECT_NE(date.error.find("not a date"), std::string::npos) << date.error;
    auto future = checkIdNumber("110105203001010012", 2026);
    EXPECT_FALSE(future.valid);
    EXPECT_NE(future.error.find("plausible"), std::string::npos) << future.error;
    auto region = checkIdNumber("990105198001010012", 2026);
    EXPECT_FALSE(region.valid);
    EXPECT_NE(region.error.find("region"), std::string::npos) << region.error;
    auto excel = checkIdNumber("4.20111E+17", 2026);
    EXPECT_FALSE(excel.valid);
    EXPECT_NE(excel.error.find("Excel"), std::string::npos) << excel.error;
    auto old = checkIdNumber("420111850615123", 2026);
    EXPECT_FALSE(old.valid);
    EXPECT_NE(old.error.find("15-digit"), std::string::npos) << old.error;
    auto shortOne = checkIdNumber("4201111985061512", 2026);
    EXPECT_FALSE(shortOne.valid);
    EXPECT_NE(shortOne.error.find("16 characters"), std::string::npos) << shortOne.error;
    EXPECT_FALSE(checkIdNumber("42011119850615123A", 2026).valid);
    EXPECT_FALSE(checkIdNumber("", 2026).valid);
}

TEST(IdNumber, EveryCheckCharacterIsReachable) {
    // Changing the 17th digit walks the check character through its values; exactly one is right.
    std::string base = "42011119850615120";
    int valid = 0;
    for (char last : std::string("0123456789X")) {
        if (checkIdNumber(base + last, 2026).valid) ++valid;
    }
    EXPECT_EQ(valid, 1);
    EXPECT_EQ(gridatlas::model::idCheckCharacterOf("11010519491231002"), 'X');
}
