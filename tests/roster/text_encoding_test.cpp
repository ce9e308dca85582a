#include <gtest/gtest.h>

#include "io/text_encoding.h"
#include "model/support/error.h"

using namespace gridatlas::io;

TEST(TextEncoding, DetectsUtf8BomAndGb18030) {
    const std::string text = "姓名,住址\n张三,湖西社区3栋2单元501室\n";
    EXPECT_EQ(detectEncoding(text), TextEncoding::Utf8);
    EXPECT_EQ(detectEncoding("\xEF\xBB\xBF" + text), TextEncoding::Utf8Bom);
    const std::string gbk = encodeGb18030(text);
    EXPECT_NE(gbk, text);
    EXPECT_EQ(detectEncoding(gbk), TextEncoding::Gb18030);
    EXPECT_EQ(decodeAuto(gbk, "r.csv"), text);
    EXPECT_EQ(decodeAuto("\xEF\xBB\xBF" + text, "r.csv"), text);
    EXPECT_EQ(decodeAuto("plain ascii", "r.csv"), "plain ascii");
    // iconv turns a UTF-8 BOM into GB18030's 84 31 95 33: dropped like the UTF-8 one.
    EXPECT_EQ(decodeAuto(encodeGb18030("\xEF\xBB\xBF" + text), "r.csv"), text);
}

TEST(TextEncoding, Utf8Validation) {
    std::size_t bad = 0;
    EXPECT_TRUE(isValidUtf8("湖西社区 abc"));
    EXPECT_FALSE(isValidUtf8("ab\xC0\xAF", &bad)); // overlong '/'
    EXPECT_EQ(bad, 2u);
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80")); // a surrogate
    EXPECT_FALSE(isValidUtf8("\xE6\xB9"));     // truncated
}

TEST(TextEncoding, UndecodableBytesNameFileAndLine) {
    // 0x80 alone and 0xFF are not GB18030.
    const std::string bad = "姓名\nok\n\xFF\xFF\n";
    try {
        decodeAuto(bad, "roster.csv");
        FAIL() << "expected an error";
    } catch (const gridatlas::InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("'roster.csv', line 3"), std::string::npos) << m;
        EXPECT_NE(m.find("FF"), std::string::npos) << m;
    }
    EXPECT_THROW(decodeToUtf8("a\xFF", TextEncoding::Utf8, "x.csv"), gridatlas::InputError);
}

TEST(TextEncoding, BrokenUtf8IsNotMistakenForGbk) {
    // Real UTF-8 text with one stray byte on line 3: an error naming it, not GBK gibberish.
    const std::string text = "姓名,住址\n张三,湖西社区3栋2单元501室\n李四,湖西\xFF社区\n";
    try {
        decodeAuto(text, "r.csv");
        FAIL() << "expected an error";
    } catch (const gridatlas::InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("line 3"), std::string::npos) << m;
        EXPECT_NE(m.find("not valid UTF-8"), std::string::npos) << m;
    }
}
