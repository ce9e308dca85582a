#include <gtest/gtest.h>

#include "model/masking.h"

using namespace gridatlas::model;

TEST(Masking, NamesKeepTheSurnameOnly) {
    EXPECT_EQ(maskName("张三"), "张*");
    EXPECT_EQ(maskName("王建国"), "王**");
    EXPECT_EQ(maskName("欧阳娜娜"), "欧阳**");
    EXPECT_EQ(maskName("欧阳"), "欧*"); // a two-character name is surname + given name
    EXPECT_EQ(maskName("李"), "李*");
    EXPECT_EQ(maskName(""), "");
}

TEST(Masking, PhonesKeepPrefixAndLastFour) {
    EXPECT_EQ(maskPhone("13812345678"), "138****5678");
    EXPECT_EQ(maskPhone("138-1234-5678"), "138****5678");
    EXPECT_EQ(maskPhone("04702345678"), "047****5678");
    EXPECT_EQ(maskPhone("2345678"), "***5678");
    EXPECT_EQ(maskPhone("123"), "***");
}

TEST(Masking, IdNumbersKeepRegionPrefixAndLastFour) {
    EXPECT_EQ(maskIdNumber("110101199001011234"), "1101**********1234");
    EXPECT_EQ(maskIdNumber("15078119500101123X"), "1507**********123X");
    EXPECT_EQ(maskIdNumber("1234"), "****");
}

TEST(Masking, RevealReturnsTextAndFieldsAreClassified) {
    EXPECT_EQ(mask("13812345678", Sensitivity::Phone, true), "13812345678");
    EXPECT_EQ(mask("13812345678", Sensitivity::Phone), "138****5678");
    EXPECT_EQ(mask("失明", Sensitivity::Detail), "***");
    EXPECT_EQ(sensitivityOfField("id_number"), Sensitivity::IdNumber);
    EXPECT_EQ(sensitivityOfField("phone"), Sensitivity::Phone);
    EXPECT_EQ(sensitivityOfField("manager"), Sensitivity::Name);
    EXPECT_EQ(sensitivityOfField("number"), Sensitivity::None);
}

TEST(Masking, Utf8Helpers) {
    EXPECT_EQ(utf8Length("湖西a"), 3u);
    EXPECT_EQ(utf8Prefix("湖西社区", 2), "湖西");
    EXPECT_EQ(utf8Prefix("ab", 5), "ab");
    EXPECT_EQ(utf8Length(std::string("\xE6\xB9", 2)), 1u); // truncated sequence must not read past the end
}
