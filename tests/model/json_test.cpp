#include <gtest/gtest.h>

#include <string>

#include "model/json.h"
#include "model/support/error.h"

using namespace gridatlas;
using namespace gridatlas::model;

namespace {
std::string errorOf(const std::string& text) {
    try {
        parseJson(text, "maps/x.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}
} // namespace

TEST(Json, ParsesNestedValuesAndRemembersLines) {
    const std::string text = "{\n  \"title\": \"湖西社区党员居住平面图\",\n  \"layers\": [\n    {\"name\": \"grids\", \"opacity\": 0.5},\n"
                             "    {\"visible\": false, \"n\": null}\n  ]\n}";
    const JsonValue v = parseJson(text, "t.json");
    ASSERT_TRUE(v.isObject());
    EXPECT_EQ(v.find("title")->string(), "湖西社区党员居住平面图");
    EXPECT_EQ(v.members()[0].keyLine, 2);
    const auto& layers = v.find("layers")->array();
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0].line(), 4);
    EXPECT_DOUBLE_EQ(layers[0].find("opacity")->number(), 0.5);
    EXPECT_EQ(layers[1].members()[0].keyLine, 5);
    EXPECT_FALSE(layers[1].find("visible")->boolean());
    EXPECT_TRUE(layers[1].find("n")->isNull());
    EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Json, DecodesEscapesAndSurrogatePairs) {
    const JsonValue v = parseJson(R"(["a\"b\\c\n", "\u6e56\u897f", "\ud83d\ude00"])", "t");
    EXPECT_EQ(v.array()[0].string(), "a\"b\\c\n");
    EXPECT_EQ(v.array()[1].string(), "湖西");
    EXPECT_EQ(v.array()[2].string(), "\xF0\x9F\x98\x80");
}

TEST(Json, AcceptsCommentsAndBom) {
    const JsonValue v = parseJson("\xEF\xBB\xBF// a map\n{\"a\": 1 // one\n}", "t");
    EXPECT_DOUBLE_EQ(v.find("a")->number(), 1.0);
}

TEST(Json, ErrorsNameFileLineAndColumn) {
    EXPECT_EQ(errorOf("{\n  \"a\": 1,\n  \"b\" 2\n}"), "maps/x.json, line 3, column 7: expected ':' but found '2'");
    EXPECT_NE(errorOf("{\"a\": 1, \"a\": 2}").find("duplicate key 'a'"), std::string::npos);
    EXPECT_NE(errorOf("[1, 2").find("expected ']' but the document ends"), std::string::npos);
    EXPECT_NE(errorOf("{\"a\": tru}").find("unknown word"), std::string::npos);
    EXPECT_NE(errorOf("\"abc").find("unterminated string"), std::string::npos);
    EXPECT_NE(errorOf("1e999").find("not a valid number"), std::string::npos);
    EXPECT_NE(errorOf("{} x").find("unexpected text"), std::string::npos);
    EXPECT_NE(errorOf("\"\\ud800\"").find("surrogate"), std::string::npos);
}

TEST(Json, RefusesDeepNestingInsteadOfOverflowingTheStack) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_NE(errorOf(deep).find("nesting deeper than 64"), std::string::npos);
    const std::string ok = std::string(60, '[') + std::string(60, ']');
    EXPECT_NO_THROW(parseJson(ok, "t"));
}

TEST(Json, MissingFileIsAnInputErrorNamingIt) {
    try {
        parseJsonFile("/nonexistent/map.json");
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/map.json"), std::string::npos);
    }
}
