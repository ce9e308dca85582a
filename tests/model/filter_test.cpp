#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "model/filter.h"

using namespace gridatlas::model;

namespace {

const std::vector<Field> kFields{
    {"id", FieldType::Integer},      {"name", FieldType::Text, true}, {"floors", FieldType::Integer},
    {"use", FieldType::Text},        {"members", FieldType::Integer}, {"vulnerable", FieldType::Integer},
    {"room", FieldType::Text},       {"has_member", FieldType::Integer}, {"grid_id", FieldType::Integer},
    {"address", FieldType::Text},    {"area", FieldType::Real},
};

using I = std::int64_t;
const Value N; // NULL

// Five sample rows; row 4 is all NULL but its id.
const std::vector<std::vector<Value>> kRows{
    {I{1}, "王建国", I{18}, "residential", I{2}, I{0}, "501", I{1}, I{1}, "湖西路12号", 85.5},
    {I{2}, "李华", I{6}, "residential", I{0}, I{1}, "502", I{0}, N, "湖东路3号", 60.0},
    {I{3}, "王芳", I{24}, "commercial", I{0}, I{0}, "1201", I{0}, I{2}, "湖西路8号", N},
    {I{4}, N, N, N, N, N, N, N, N, N, N},
    {I{5}, "Wang Wei", I{3}, "school", I{1}, I{1}, "A01", I{1}, I{3}, "Lakeside 7", 120.25},
};

std::set<I> matching(const std::string& text) {
    const Filter f = Filter::parse(text, kFields);
    std::set<I> ids;
    for (const auto& row : kRows)
        if (f.matches(row)) ids.insert(std::get<I>(row[0]));
    return ids;
}

/// The error a filter raises; fails the test when it parses.
FilterError errorOf(const std::string& text, const FilterLimits& limits = {}) {
    try {
        (void)Filter::parse(text, kFields, limits);
    } catch (const FilterError& e) {
        return e;
    }
    ADD_FAILURE() << "'" << text << "' parsed but should not";
    return FilterError(0, FilterMessage{});
}

} // namespace

TEST(Filter, ExpressionsMatchTheExpectedRows) {
    struct Case {
        std::string text;
        std::set<I> ids;
    };
    const std::vector<Case> cases{
        {"floors >= 18 and use = 'residential'", {1}},
        {"members > 0 or vulnerable = 1", {1, 2, 5}},
        {"name like '王%'", {1, 3}},
        {"name like '王_'", {3}},   // '_' is one character, not one byte
        {"name like '王__'", {1}},
        {"name like 'wang%'", {5}}, // ASCII case ignored, like SQLite
        {"name like '%'", {1, 2, 3, 5}},
        {"room in ('501', '502')", {1, 2}},
        {"room in (501, 502)", {1, 2}}, // text that reads as a number compares as one
        {"room not in ('501')", {2, 3, 5}},
        {"not has_member", {2, 3}},
        {"has_member", {1, 5}},
        {"grid_id is null", {2, 4}},
        {"grid_id is not null", {1, 3, 5}},
        {"address contains '湖西'", {1, 3}},
        {"address not contains '湖西'", {2, 5}},
        {"address contains 'LAKE'", {5}},
        {"address like '%路_号'", {2, 3}},
        {"floors >= 18 且 use = 'residential'", {1}},
        {"members > 0 或 vulnerable = 1", {1, 2, 5}},
        {"非 has_member", {2, 3}},
        {"members > 0 || vulnerable = 1", {1, 2, 5}},
        {"floors > 5 && floors < 20", {1, 2}},
        {"!has_member", {2, 3}},
        {"(members > 0 or vulnerable = 1) and floors < 10", {2, 5}},
        {"floors >= 18 or vulnerable = 1 and floors > 100", {1, 3}}, // 'and' binds tighter
        {"not floors > 10 and members = 0", {2}},                     // 'not' binds tighter still
        {"use <> 'residential'", {3, 5}},
        {"use != 'residential'", {3, 5}},
        {"use == 'school'", {5}},
        {"not (grid_id = 1)", {3, 5}}, // NULL grid: unknown, and so is its negation
        {"grid_id != 1", {3, 5}},
        {"grid_id = 1 or grid_id is null", {1, 2, 4}},
        {"area > 80", {1, 5}},
        {"area = 85.5", {1}},
        {"area < 1e3", {1, 2, 5}},
        {"area >= .5", {1, 2, 5}},
        {"floors = '6'", {2}}, // a quoted number for a number field
        {"floors > -1", {1, 2, 3, 5}},
        {"id = -1", {}},
        {"id >= 3 and id <= 4", {3, 4}},
        {"FLOORS >= 18 AND Use = 'residential'", {1}}, // keywords and field names ignore ASCII case
        {"name = '王建国'", {1}},
        {"name = “王芳”", {3}},
        {"name = \"李华\"", {2}},
        {"（floors ＞＝ 18）", {1, 3}}, // full-width punctuation from an input method
        {"room in （'501'，'1201'）", {1, 3}},
        {"room in ('501'、'502')", {1, 2}},
        {"room like '5%'", {1, 2}},
        {"floors like '1%'", {1}},
        {"vulnerable = true", {2, 5}},
        {"vulnerable = false", {1, 3}},
        {"room < '510'", {1, 2, 3}}, // text against text compares as text
        {"use = 'Residential'", {}}, // '=' is exact
        {"name like '王%' and not (floors < 20)", {3}},
        {"((((has_member))))", {1, 5}},
        {"members>0且vulnerable=1", {5}},
        {"floors = 99999999999999999999", {}}, // beyond int64: read as a double
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        try {
            EXPECT_EQ(matching(c.text), c.ids);
        } catch (const FilterError& e) {
            ADD_FAILURE() << e.what();
        }
    }
}

TEST(Filter, NullFollowsSqlThreeValuedLogic) {
    const std::vector<Value> nullRow{I{9}};
    auto truth = [&](const std::string& text) { return Filter::parse(text, kFields).evaluate(nullRow); };
    EXPECT_EQ(truth("floors = 1"), Truth::Unknown);
    EXPECT_EQ(truth("floors != 1"), Truth::Unknown);
    EXPECT_EQ(truth("not floors = 1"), Truth::Unknown);
    EXPECT_EQ(truth("floors = 1 or id = 9"), Truth::True);
    EXPECT_EQ(truth("floors = 1 and id = 8"), Truth::False);
    EXPECT_EQ(truth("floors = 1 and id = 9"), Truth::Unknown);
    EXPECT_EQ(truth("floors is null"), Truth::True);
    EXPECT_EQ(truth("floors is not null"), Truth::False);
    EXPECT_EQ(truth("name like '%'"), Truth::Unknown);
    EXPECT_EQ(truth("room in ('1')"), Truth::Unknown);
    EXPECT_EQ(truth("has_member"), Truth::Unknown);
    // A NaN reads as NULL, never as a number that compares.
    std::vector<Value> nan{I{1}};
    nan.resize(kFields.size());
    nan[10] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(Filter::parse("area > 0", kFields).evaluate(nan), Truth::Unknown);
    EXPECT_EQ(Filter::parse("area is null", kFields).evaluate(nan), Truth::True);
}

TEST(Filter, DescribeShowsTheTreeAndUsedFields) {
    const Filter f = Filter::parse("floors >= 18 and use = 'residential' or not has_member", kFields);
    EXPECT_EQ(f.describe(), "(or (and (>= floors 18) (= use 'residential')) (not has_member))");
    EXPECT_EQ(f.usedFields(), (std::vector<std::size_t>{2, 3, 7}));
    EXPECT_EQ(Filter::parse("name = 'O''Brien'", kFields).describe(), "(= name 'O''Brien')");
    EXPECT_EQ(Filter::parse("room not in (501, '5''02')", kFields).describe(), "(not-in room 501 '5''02')");
    EXPECT_EQ(Filter::parse("grid_id is not null and name not like 'a%'", kFields).describe(),
              "(and (is-not-null grid_id) (not-like name 'a%'))");
    EXPECT_EQ(Filter::parse("floors = '7'", kFields).describe(), "(= floors 7)");
    EXPECT_EQ(Filter::parse("area < -2.5", kFields).describe(), "(< area -2.5)");
}

TEST(Filter, RowsShorterThanTheFieldListReadAsNull) {
    const Filter f = Filter::parse("area is null and name is null", kFields);
    EXPECT_TRUE(f.matches({}));
    EXPECT_FALSE(Filter::parse("area > 1", kFields).matches({I{1}}));
}

TEST(Filter, ErrorsNameTheColumnAndWhatWasExpected) {
    EXPECT_STREQ(errorOf("members >= ").what(), "filter, column 12: expected a value after '>=' but found end of text");
    struct Case {
        std::string text;
        std::size_t column;
        std::string detail; ///< a part of the message
    };
    const std::vector<Case> cases{
        {"", 1, "expected a field name, 'not' or '(' but found end of text"},
        {"   ", 4, "expected a field name, 'not' or '(' but found end of text"},
        {"floors >= 18 and", 17, "expected a field name, 'not' or '(' but found end of text"},
        {"floors >= 18 and or", 18, "expected a field name, 'not' or '(' but found 'or'"},
        {"flor >= 1", 1, "unknown field 'flor'; did you mean 'floors'? (fields: id, name, floors, use"},
        {"xyz = 1", 1, "unknown field 'xyz' (fields: id, name"},
        {"(floors > 1", 12, "expected 'and', 'or' or ')' to close the '(' at column 1 but found end of text"},
        {"floors > 1)", 11, "expected 'and', 'or' or end of text but found ')'"},
        {"floors > 1 floors < 2", 12, "expected 'and', 'or' or end of text but found the word 'floors'"},
        {"name = '王", 8, "the text starting here has no closing quote"},
        {"name = “王", 8, "the text starting here has no closing quote"},
        {"use = residential", 7, "expected a value after '=' but found the word 'residential' (text goes in quotes: 'residential')"},
        {"use residential", 5, "expected an operator after 'use'"},
        {"floors > 'abc'", 10, "field 'floors' holds numbers, but 'abc' is not a number"},
        {"floors in (1, 'x')", 15, "field 'floors' holds numbers, but 'x' is not a number"},
        {"grid_id = null", 11, "nothing equals NULL, not even NULL; use 'grid_id is null'"},
        {"grid_id <> null", 12, "use 'grid_id is not null'"},
        {"grid_id > null", 11, "use 'is null' or 'is not null'"},
        {"grid_id is 5", 12, "expected 'null' after 'is' but found the number 5"},
        {"grid_id is not 5", 16, "expected 'null' after 'is not' but found the number 5"},
        {"room in '501'", 9, "expected '(' after 'in' but found the text '501'"},
        {"room in ('501' '502')", 16, "expected ',' or ')' in the list after 'in' but found the text '502'"},
        {"room in ()", 10, "expected a value after '(' but found ')'"},
        {"room in ('501',)", 16, "expected a value after ',' but found ')'"},
        {"room in ('501', null)", 17, "NULL cannot be in a list"},
        {"name not = 'x'", 10, "expected 'like', 'in' or 'contains' after 'name not' but found '='"},
        {"name like 5", 11, "expected a text in quotes after 'like' but found the number 5"},
        {"address contains", 17, "expected a text in quotes after 'contains' but found end of text"},
        {"floors > 5O1", 10, "'5O1' is not a number"},
        {"floors > 1.2.3", 10, "'1.2.3' is not a number"},
        {"floors > 1e999", 10, "the number '1e999' is out of range"},
        {"floors > - 'a'", 12, "expected a number after '-' but found the text 'a'"},
        {"floors & 1", 8, "unexpected character '&' (did you mean '&&' or 'and'?)"},
        {"floors | 1", 8, "unexpected character '|'"},
        {"floors = 1; drop", 11, "unexpected character ';'"},
        {"湖西", 1, "unexpected character '湖' (text goes in quotes"},
        {"address contains '湖西' and", 26, "found end of text"}, // columns count characters, not bytes
        {"floors = 1 # x", 12, "unexpected character '#'"},
        {std::string("floors\x01= 1"), 7, "unexpected control character 0x01"},
        {std::string("name = 'a\xff'"), 10, "not valid UTF-8 (byte 0xFF)"},
        {std::string("name = 'a\xe6\xb9"), 10, "not valid UTF-8"}, // cut-off sequence at the end
        {std::string("floors\xe0\x81\x96 = 1"), 7, "not valid UTF-8 (byte 0xE0)"}, // overlong 'V' (found by fuzzing)
        {std::string("name = '\xed\xa0\x80'"), 9, "not valid UTF-8 (byte 0xED)"},  // a UTF-16 surrogate
        {"1 = 1", 1, "expected a field name, 'not' or '(' but found the number 1"},
        {"not", 4, "found end of text"},
        {"()", 2, "found ')'"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const FilterError e = errorOf(c.text);
        EXPECT_EQ(e.column(), c.column) << e.what();
        EXPECT_NE(e.detail().find(c.detail), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()), "filter, column " + std::to_string(c.column) + ": " + e.detail());
    }
}

TEST(Filter, NestingAndLengthAreBounded) {
    auto nested = [](int n) { return std::string(static_cast<std::size_t>(n), '(') + "has_member" + std::string(static_cast<std::size_t>(n), ')'); };
    EXPECT_NO_THROW((void)Filter::parse(nested(50), kFields));
    EXPECT_NE(errorOf(nested(51)).detail().find("nested too deeply (at most 50 levels"), std::string::npos);
    std::string nots;
    for (int i = 0; i < 60; ++i) nots += "not ";
    EXPECT_EQ(errorOf(nots + "has_member").column(), 201u); // the 51st 'not'
    // A hostile paste far beyond any depth the stack could take fails cleanly, before parsing.
    EXPECT_NE(errorOf(std::string(1'000'000, '(')).detail().find("too long (1000000 characters; at most 2000)"), std::string::npos);
    EXPECT_EQ(errorOf(std::string(2001, 'a')).column(), 0u);
    EXPECT_STREQ(errorOf(std::string(2001, 'a')).what(), "filter: too long (2001 characters; at most 2000)");
    // Limits count characters, not bytes: 1000 Chinese characters pass.
    std::string longText = "address = '";
    for (int i = 0; i < 1000; ++i) longText += "湖";
    longText += "'";
    EXPECT_NO_THROW((void)Filter::parse(longText, kFields));
    // A long flat chain is fine: 'and'/'or' chains are one node, not a deep tree.
    std::string chain = "floors = 1";
    while (chain.size() < 1980) chain += " or floors = 1";
    const Filter f = Filter::parse(chain, kFields);
    EXPECT_TRUE(f.matches({I{1}, N, I{1}}));
    // Custom limits.
    EXPECT_NE(errorOf("((has_member))", FilterLimits{100, 1}).detail().find("nested too deeply"), std::string::npos);
}

TEST(Filter, InjectionStringsFailOrMatchNothing) {
    // Filters are evaluated in C++, so SQL cannot run; still, none of these may quietly match
    // every row (the classic "' OR 1=1" goal).
    const std::vector<std::string> attacks{
        "' OR 1=1 --",
        "1; DROP TABLE residents",
        "\" OR \"\"=\"",
        "') OR ('1'='1",
        "' OR '1'='1",
        "name = '' OR 1=1 --",
        "name = 'x' OR 'a'='a'",
        "name = 'x' or true",
        "name = 'x' or 1",
        "admin'--",
        "1 OR 1=1",
        "name = 'x'; DELETE FROM households",
        "name = 'a' UNION SELECT * FROM residents",
        "name = 'x' -- comment",
        "name = 'x' /* */",
        "name = '1'' OR ''1''=''1'",
        "name = 'abc\\' OR 1=1 --",
        "); DROP TABLE residents; --",
        "name = \"\" or \"\"=\"\"",
        "name like '%' or 'x'='x'",
        "room in ('501') or 1",
        "room = 501 OR id IS NOT NULL --'",
        "%' OR '%'='",
        "name = '\\x27 OR 1=1'",
        "name = '王' or 'a' like '%'",
        "(select 1)",
        "name = char(39)",
        "exec xp_cmdshell 'dir'",
        std::string("name = 'x'\0 or 1=1", 18),
    };
    for (const auto& text : attacks) {
        SCOPED_TRACE(text);
        try {
            const Filter f = Filter::parse(text, kFields);
            for (const auto& row : kRows) EXPECT_FALSE(f.matches(row)) << f.describe();
        } catch (const FilterError& e) {
            EXPECT_EQ(std::string(e.what()).rfind("filter", 0), 0u) << e.what();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "escaped as another exception: " << e.what();
        }
    }
    // The quoted ones parse as plain text that matches itself and nothing else.
    const Filter quoted = Filter::parse("name = '1'' OR ''1''=''1'", kFields);
    std::vector<Value> row(kFields.size());
    row[1] = std::string("1' OR '1'='1");
    EXPECT_TRUE(quoted.matches(row));
}

TEST(Filter, LikeMatchesByCodePoint) {
    EXPECT_TRUE(likeMatch("王建国", "王%"));
    EXPECT_TRUE(likeMatch("王建国", "%国"));
    EXPECT_TRUE(likeMatch("王建国", "_建_"));
    EXPECT_FALSE(likeMatch("王建国", "_建"));
    EXPECT_TRUE(likeMatch("", "%"));
    EXPECT_FALSE(likeMatch("", "_"));
    EXPECT_TRUE(likeMatch("abcabd", "%ab_"));
    EXPECT_TRUE(likeMatch("aaa", "%%a%%"));
    EXPECT_FALSE(likeMatch("ab", "a"));
    EXPECT_TRUE(likeMatch("ABC", "abc"));
    EXPECT_TRUE(likeMatch("湖西路12号", "%路__号"));
    EXPECT_FALSE(likeMatch("湖西路12号", "%路_号"));
    // Pathological pattern stays fast (single backtrack point).
    EXPECT_FALSE(likeMatch(std::string(2000, 'a'), std::string(200, '%') + "b"));
    // Invalid bytes in data are stepped over, never read past.
    EXPECT_TRUE(likeMatch(std::string("a\xe6"), "a_"));
    EXPECT_TRUE(likeMatch(std::string("\xff\xfe"), "__"));
}

TEST(Filter, RandomInputEitherParsesOrFailsCleanly) {
    // A seeded stand-in for the fuzz target: token soup and raw bytes.
    const std::vector<std::string> pieces{"floors", "name", "room", "grid_id", "has_member", "and", "or", "not", "like", "in", "is",
                                          "null", "contains", "(", ")", ",", "=", "!=", "<>", "<", "<=", ">", ">=", "'王%'", "'501'",
                                          "18", "-", "3.5", "且", "或", "非", "&&", "||", "!", "'", "\"", "“", "”", "（", "）", " ", "true"};
    std::mt19937_64 rng(20240611);
    int parsed = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text;
        const auto n = rng() % 12;
        for (std::uint64_t k = 0; k < n; ++k) {
            if (rng() % 16 == 0) text += static_cast<char>(rng() % 256);
            else text += pieces[rng() % pieces.size()] + (rng() % 2 ? " " : "");
        }
        try {
            const Filter f = Filter::parse(text, kFields);
            ++parsed;
            for (const auto& row : kRows) (void)f.evaluate(row);
            (void)f.describe();
        } catch (const FilterError&) {
        }
    }
    EXPECT_GT(parsed, 50);
}

// Messages keep their parts apart for translation: the template is one of the listed ones, the
// user's own words are literal arguments, and the English text is the template filled.
TEST(Filter, MessagesAreTemplatesWithLiteralArguments) {
    const auto& templates = filterMessageTemplates();
    const FilterError e = errorOf("floors = ");
    const FilterMessage& m = e.message();
    EXPECT_FALSE(m.literal);
    EXPECT_NE(std::find(templates.begin(), templates.end(), m.text), templates.end()) << m.text;
    ASSERT_EQ(m.args.size(), 2u);
    EXPECT_TRUE(m.args[0].literal);
    EXPECT_EQ(m.args[0].text, "'='");
    EXPECT_FALSE(m.args[1].literal); // "end of text" is translated too
    EXPECT_EQ(e.detail(), "expected a value after '=' but found end of text");
    const FilterError u = errorOf("flors = 3");
    EXPECT_EQ(u.message().args.at(1).text, "'floors'");
    EXPECT_NE(u.detail().find("did you mean 'floors'?"), std::string::npos) << u.detail();
    // Each template is listed once.
    std::set<std::string> unique(templates.begin(), templates.end());
    EXPECT_EQ(unique.size(), templates.size());
}
