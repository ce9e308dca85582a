// Member reach: the min-cost assignment (hand-made and against brute force), loads, nearby
// members and suggestions on hand-made data, and the reach command on a demo copy with some
// pairings removed (names masked unless --reveal).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <tuple>

#include "coverage/coverage_test_support.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"
#include "storage/member_reach.h"

namespace gridatlas::storage {
namespace {

using Pairs = std::vector<std::tuple<std::int32_t, std::int32_t, double>>;

TEST(MemberReach, AssignmentPairsMostThenShortest) {
    // Household 0 is next to member 0 (1 m) and near member 1 (2 m); household 1 can only reach
    // member 0. Greedy nearest-first would strand household 1; the optimum pairs both.
    const Pairs pairs{{0, 0, 1.0}, {0, 1, 2.0}, {1, 0, 1.5}};
    const auto chosen = minCostAssignment(2, {1, 1}, pairs);
    EXPECT_EQ(chosen, (std::vector<std::int32_t>{1, 0}));
    // With room for two at member 0, both go there (1 + 1.5 < 2 + 1.5).
    EXPECT_EQ(minCostAssignment(2, {2, 1}, pairs), (std::vector<std::int32_t>{0, 0}));
    // A member with no room takes nobody.
    EXPECT_EQ(minCostAssignment(2, {0, 1}, pairs), (std::vector<std::int32_t>{1, -1}));
}

TEST(MemberReach, AssignmentEqualsBruteForce) {
    std::mt19937_64 rng(3);
    for (int inst = 0; inst < 30; ++inst) {
        const std::size_t h = 6, m = 3;
        std::vector<int> cap(m);
        for (auto& c : cap) c = static_cast<int>(rng() % 3);
        Pairs pairs;
        std::vector<std::vector<double>> cost(h, std::vector<double>(m, -1));
        for (std::size_t i = 0; i < h; ++i)
            for (std::size_t j = 0; j < m; ++j)
                if (rng() % 2) {
                    cost[i][j] = static_cast<double>(rng() % 100);
                    pairs.emplace_back(static_cast<std::int32_t>(i), static_cast<std::int32_t>(j), cost[i][j]);
                }
        const auto got = minCostAssignment(h, cap, pairs);
        auto score = [&](const std::vector<std::int32_t>& a) {
            int n = 0;
            double c = 0;
            for (std::size_t i = 0; i < h; ++i)
                if (a[i] >= 0) {
                    ++n;
                    c += cost[i][static_cast<std::size_t>(a[i])];
                }
            return std::make_pair(n, -c);
        };
        // Brute force: every household picks a member it can reach or none.
        std::pair<int, double> best{-1, 0};
        std::vector<std::int32_t> a(h, -1);
        std::function<void(std::size_t, std::vector<int>&)> rec = [&](std::size_t i, std::vector<int>& left) {
            if (i == h) {
                best = std::max(best, score(a));
                return;
            }
            a[i] = -1;
            rec(i + 1, left);
            for (std::size_t j = 0; j < m; ++j)
                if (cost[i][j] >= 0 && left[j] > 0) {
                    --left[j];
                    a[i] = static_cast<std::int32_t>(j);
                    rec(i + 1, left);
                    ++left[j];
                }
            a[i] = -1;
        };
        std::vector<int> left = cap;
        rec(0, left);
        std::vector<int> used(m, 0);
        for (std::size_t i = 0; i < h; ++i)
            if (got[i] >= 0) {
                ASSERT_GE(cost[i][static_cast<std::size_t>(got[i])], 0) << "a pair that was not offered";
                ++used[static_cast<std::size_t>(got[i])];
            }
        for (std::size_t j = 0; j < m; ++j) EXPECT_LE(used[j], cap[j]);
        EXPECT_EQ(score(got).first, best.first) << "instance " << inst;
        EXPECT_NEAR(score(got).second, best.second, 1e-9) << "instance " << inst;
    }
}

TEST(MemberReach, LoadsNearbyMembersAndSuggestions) {
    testing::CoverageDataBuilder b;
    b.community(1, "c");
    b.grid(1, 1, "g");
    const auto bi = b.building(1, 1, std::nullopt, model::Rect::of(0, 0, 1000, 10));
    const auto v1 = b.household(bi, {0, 0}, kCoverHardship);       // paired with member 1
    const auto v2 = b.household(bi, {100, 0}, kCoverElderlyAlone); // unpaired
    const auto v3 = b.household(bi, {900, 0}, kCoverDisability);   // unpaired, nobody near
    const auto m1home = b.household(bi, {50, 0});
    const auto m2home = b.household(bi, {160, 0});
    const auto m3home = b.household(bi, {120, 0}); // a mobile member: not suggested
    MemberReachData reach;
    reach.members = {{1, m1home, "张三", "full"}, {2, m2home, "李四", "full"}, {3, m3home, "王五", "mobile"}};
    reach.pairings = {{1, v1}};
    MemberReachOptions o;
    o.radiusM = 100;
    o.maxLoad = 1;
    const auto r = computeMemberReach(b.data(), reach, o);
    ASSERT_EQ(r.vulnerable.size(), 3u);
    EXPECT_EQ(r.assigned, (std::vector<std::uint8_t>{1, 0, 0}));
    EXPECT_EQ(r.unassigned, 2);
    EXPECT_EQ(r.loads, (std::vector<std::int32_t>{1, 0, 0}));
    EXPECT_EQ(r.membersNearby, (std::vector<std::int32_t>{1, 3, 0})); // v2: 50, 60 and 20 m
    // Member 1 is full (load 1 = max); the mobile member is skipped: v2 goes to member 2.
    ASSERT_EQ(r.suggestions.size(), 1u);
    EXPECT_EQ(b.data().households.ids[static_cast<std::size_t>(r.suggestions[0].household)], v2);
    EXPECT_EQ(r.suggestions[0].member, 1);
    EXPECT_NEAR(r.suggestions[0].distanceM, 60.0, 1e-9);
    EXPECT_EQ(r.unmatched, 1);
    (void)v3;
    o.includeMobile = true;
    const auto withMobile = computeMemberReach(b.data(), reach, o);
    ASSERT_EQ(withMobile.suggestions.size(), 1u);
    EXPECT_EQ(withMobile.suggestions[0].member, 2) << "20 m beats 60 m";
    o.maxLoad = 0;
    EXPECT_THROW(computeMemberReach(b.data(), reach, o), InputError);
}

TEST(ReachCli, SuggestsForUnpairedHouseholdsWithMaskedNames) {
    testing::TempDir dir;
    // A copy of the demo of its own (a PostGIS database in the PostGIS run).
    const std::string copy = testing::demoCopyLocation(dir, "demo.sqlite", testing::demoAtlasPath(), DemoOptions{});
    std::int64_t removed = 0;
    {
        Connection c(copy, OpenMode::ReadWrite);
        removed = c.queryInt("SELECT count(*) FROM assignments WHERE kind = 'pairing' AND id % 3 = 0").value_or(0);
        c.exec("DELETE FROM assignments WHERE kind = 'pairing' AND id % 3 = 0");
    }
    ASSERT_GT(removed, 0);
    const std::string pairs = dir.file("pairs.csv");
    std::string out;
    ASSERT_EQ(
        testing::runCommand(testing::cliPath() + " reach --atlas " + copy + " --max-load 3 --radius 400 --out " + pairs, &out), 0)
        << out;
    EXPECT_NE(out.find("suggested pairings"), std::string::npos) << out;
    std::ifstream in(pairs);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "household_id,member_id,member_name,distance_m");
    int rows = 0, masked = 0;
    while (std::getline(in, line)) {
        ++rows;
        masked += line.find('*') != std::string::npos;
    }
    EXPECT_GT(rows, 0);
    EXPECT_EQ(masked, rows) << "names are masked by default";
    // Per vulnerable household: assigned or not and members nearby; per member: the load.
    const std::string households = dir.file("vulnerable.csv"), loads = dir.file("loads.csv");
    ASSERT_EQ(testing::runCommand(testing::cliPath() + " reach --atlas " + copy + " --radius 400 --households " + households +
                                      " --loads " + loads,
                                  &out),
              0)
        << out;
    {
        Connection c(copy, OpenMode::ReadOnly);
        std::ifstream v(households);
        std::getline(v, line);
        EXPECT_EQ(line, "household_id,assigned,members_nearby");
        std::int64_t vulnerable = 0, unassigned = 0;
        while (std::getline(v, line)) {
            ++vulnerable;
            unassigned += line.find(",0,") != std::string::npos;
        }
        EXPECT_EQ(vulnerable,
                  c.queryInt("SELECT COUNT(*) FROM household_summary WHERE vulnerable = 1 AND geom IS NOT NULL").value_or(-1));
        EXPECT_EQ(unassigned,
                  c.queryInt("SELECT COUNT(*) FROM household_summary s WHERE vulnerable = 1 AND geom IS NOT NULL AND NOT EXISTS "
                             "(SELECT 1 FROM assignments a WHERE a.kind = 'pairing' AND a.household_id = s.id)")
                      .value_or(-1));
        std::ifstream l(loads);
        std::getline(l, line);
        EXPECT_EQ(line, "member_id,member_name,member_type,load");
        std::int64_t total = 0, rowsL = 0;
        while (std::getline(l, line)) {
            ++rowsL;
            total += std::stoll(line.substr(line.rfind(',') + 1));
            EXPECT_NE(line.find('*'), std::string::npos) << line;
        }
        EXPECT_EQ(rowsL, c.queryInt("SELECT COUNT(*) FROM residents WHERE is_member = 1").value_or(-1));
        EXPECT_EQ(total, c.queryInt("SELECT COUNT(*) FROM assignments WHERE kind = 'pairing'").value_or(-1));
    }
    ASSERT_EQ(testing::runCommand(testing::cliPath() + " reach --atlas " + copy + " --radius 400 --reveal --out " + pairs, &out),
              0)
        << out;
    std::ifstream revealed(pairs);
    std::getline(revealed, line);
    std::getline(revealed, line);
    EXPECT_EQ(line.find('*'), std::string::npos) << line;
    EXPECT_NE(out.find("names revealed"), std::string::npos);
}

} // namespace
} // namespace gridatlas::storage
