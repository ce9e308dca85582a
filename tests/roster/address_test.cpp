// The address parser against a table of real-shaped roster addresses (data/address_cases.tsv:
// input, expected community, compound, building, unit, floor, room, confidence) and, for
// robustness, over 18k real free-text addresses.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/address.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using model::AddressConfidence;
using model::parseAddress;

namespace {

std::vector<std::string> splitTabs(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, '\t')) out.push_back(cell);
    if (!line.empty() && line.back() == '\t') out.emplace_back();
    return out;
}

AddressConfidence confidenceFrom(const std::string& s) {
    if (s == "High") return AddressConfidence::High;
    if (s == "Medium") return AddressConfidence::Medium;
    if (s == "Low") return AddressConfidence::Low;
    return AddressConfidence::None;
}

} // namespace

TEST(AddressParser, TableOfRosterAddresses) {
    const std::string path = gridatlas::testing::sourcePath("tests/roster/data/address_cases.tsv");
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    std::string line;
    int cases = 0, lowOrNone = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto f = splitTabs(line);
        f.resize(8);
        ++cases;
        const auto p = parseAddress(f[0]);
        SCOPED_TRACE("address '" + f[0] + "' (reason: " + p.reason + ")");
        EXPECT_EQ(p.community, f[1]);
        EXPECT_EQ(p.compound, f[2]);
        EXPECT_EQ(p.building, f[3]);
        EXPECT_EQ(p.unit, f[4].empty() ? 0 : std::stoi(f[4]));
        EXPECT_EQ(p.floor ? std::to_string(*p.floor) : std::string(), f[5]);
        EXPECT_EQ(p.room, f[6]);
        EXPECT_EQ(model::confidenceName(p.confidence), f[7]);
        const auto want = confidenceFrom(f[7]);
        if (want < AddressConfidence::High) {
            EXPECT_FALSE(p.reason.empty()) << "a reading below High must say why";
        }
        if (want <= AddressConfidence::Low) ++lowOrNone;
    }
    EXPECT_GE(cases, 200);
    EXPECT_GE(lowOrNone, 15) << "the table must hold malformed and ambiguous addresses too";
}

TEST(AddressParser, NeverGuessesSilently) {
    // Each of these has a plausible reading that is not certain: usable or not, it says why.
    for (const char* a : {"3-2-501", "3号2单元501", "湖西社区3楼501室", "3-501", "3幢010502"}) {
        const auto p = parseAddress(a);
        EXPECT_EQ(p.confidence, AddressConfidence::Medium) << a;
        EXPECT_FALSE(p.reason.empty()) << a;
    }
    for (const char* a : {"32501", "3栋5栋501", "703-704", "湖西社区3楼", "3栋2单元12"}) {
        const auto p = parseAddress(a);
        EXPECT_LE(p.confidence, AddressConfidence::Low) << a;
        EXPECT_FALSE(p.usable()) << a;
        EXPECT_FALSE(p.reason.empty()) << a;
    }
}

TEST(AddressParser, LevelsAndFloorsFromRooms) {
    EXPECT_EQ(parseAddress("湖西社区").level(), model::AddressLevel::Area);
    EXPECT_EQ(parseAddress("3栋").level(), model::AddressLevel::Building);
    EXPECT_EQ(parseAddress("3栋2单元").level(), model::AddressLevel::Unit);
    EXPECT_EQ(parseAddress("3栋2单元1203").level(), model::AddressLevel::Room);
    EXPECT_EQ(parseAddress("3栋2单元1203").floor, 12);
    EXPECT_EQ(parseAddress("3栋2单元0301").room, "301");
    EXPECT_EQ(parseAddress("3栋2单元0301").floor, 3);
    EXPECT_EQ(parseAddress("3栋2单元地下1层02").floor, -1);
}

TEST(AddressParser, BuildingKeys) {
    EXPECT_EQ(model::buildingKey("3栋"), "3");
    EXPECT_EQ(model::buildingKey("3号楼"), "3");
    EXPECT_EQ(model::buildingKey("三栋"), "3");
    EXPECT_EQ(model::buildingKey("十二幢"), "12");
    EXPECT_EQ(model::buildingKey("12#"), "12");
    EXPECT_EQ(model::buildingKey("A座"), "A");
    EXPECT_EQ(model::buildingKey("3"), "3");
    EXPECT_EQ(model::buildingKey("１２"), "12");
    EXPECT_EQ(model::buildingKey("商铺"), "");
}

TEST(AddressParser, GarbageNeverCrashes) {
    std::string s;
    std::uint32_t x = 12345;
    for (int i = 0; i < 20000; ++i) {
        x = x * 1664525u + 1013904223u;
        s.push_back(static_cast<char>(x >> 24));
        if (s.size() > 40) s.erase(0, 7);
        const auto p = parseAddress(s);
        EXPECT_TRUE(p.confidence <= AddressConfidence::High);
    }
    EXPECT_EQ(parseAddress(std::string(5000, '3')).confidence, AddressConfidence::None);
}

// Fuzz finding (tests/fuzz/corpus/fuzz_address/regression-unit-overflow): a dashed address whose
// unit part is a long run of digits overflowed the unit number (UB; caught by the UBSan build).
TEST(AddressParser, LongUnitNumberIsRejectedWithoutOverflow) {
    const auto p = parseAddress("4-26666666666666-501");
    EXPECT_EQ(p.unit, 0);
    EXPECT_FALSE(p.usable());
    EXPECT_NE(p.reason.find("not a unit number"), std::string::npos) << p.reason;
}

// 18,367 real free-text addresses (companies and offices, not rosters): no crash, and a count of
// how many reach building level, printed for the report.
TEST(AddressParser, RealAddressesParseWithoutCrash) {
    const std::string path = "/work/shared/realdata/cpca_tests_addr.csv";
    std::ifstream in(path);
    if (!in) GTEST_SKIP() << path << " is not on this machine";
    std::string line;
    std::getline(in, line); // header
    int total = 0, building = 0, usable = 0, withReason = 0;
    while (std::getline(in, line)) {
        const auto comma = line.rfind(',');
        const std::string addr = comma == std::string::npos ? line : line.substr(0, comma);
        const auto p = parseAddress(addr);
        ++total;
        if (p.level() >= model::AddressLevel::Building) ++building;
        if (p.usable() && p.level() >= model::AddressLevel::Building) ++usable;
        if (p.confidence < AddressConfidence::High && !p.reason.empty()) ++withReason;
        if (p.confidence < AddressConfidence::High) {
            EXPECT_FALSE(p.reason.empty()) << addr;
        }
    }
    std::cout << "cpca_tests_addr.csv: " << total << " addresses, " << building << " parse to building level, " << usable
              << " of them Medium/High\n";
    EXPECT_GT(total, 18000);
    EXPECT_GT(building, 2000);
}
