// Grid codes after CJ/T 349-2010: the 20 digits and their parts, and the reading order
// (left to right, top to bottom) that numbers a community's grids.
#include <gtest/gtest.h>

#include "model/grid_code.h"
#include "model/support/error.h"

namespace gridatlas::model {
namespace {

TEST(GridCode, MakesAndParsesTheTwentyDigits) {
    const std::string code = makeCjt349("100000", "150781001001", 3);
    EXPECT_EQ(code, "10000015078100100103");
    std::string why;
    const auto parsed = parseCjt349(code, &why);
    ASSERT_TRUE(parsed) << why;
    EXPECT_EQ(parsed->object, "100000");
    EXPECT_EQ(parsed->county, "150781");
    EXPECT_EQ(parsed->street, "001");
    EXPECT_EQ(parsed->community, "001");
    EXPECT_EQ(parsed->sequence, 3);
    EXPECT_EQ(parsed->communityCode(), "150781001001");
    EXPECT_EQ(parsed->text(), code);
    EXPECT_EQ(makeCjt349("100000", "150781001001", 0), "10000015078100100100"); // an undivided community
}

TEST(GridCode, RefusesWhatIsNotOneAndSaysWhy) {
    std::string why;
    EXPECT_FALSE(parseCjt349("150781001001-01", &why));
    EXPECT_NE(why.find("20 digits"), std::string::npos) << why;
    EXPECT_FALSE(parseCjt349("1000001507810010010a", &why));
    EXPECT_NE(why.find("digits only"), std::string::npos) << why;
    EXPECT_FALSE(parseCjt349("10000000078100100101", &why));
    EXPECT_NE(why.find("GB/T 2260"), std::string::npos) << why;
    EXPECT_THROW(makeCjt349("10000", "150781001001", 1), InputError);
    EXPECT_THROW(makeCjt349("100000", "150781001", 1), InputError);
    EXPECT_THROW(makeCjt349("100000", "150781001001", 100), InputError);
    try {
        makeCjt349("1000x0", "150781001001", 1);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("1000x0"), std::string::npos);
    }
}

TEST(GridCode, ReadingOrderIsRowsFromTheTopEachLeftToRight) {
    const std::vector<Vec2> points{{0, 10}, {10, 10.5}, {5, 0}, {-5, 0.2}, {20, 9.6}};
    const auto order = readingOrder(points, 1.0);
    EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 4, 3, 2}));
    EXPECT_TRUE(readingOrder({}, 1.0).empty());
}

} // namespace
} // namespace gridatlas::model
