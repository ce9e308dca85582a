// Siting: greedy against the exact optimum (hand-made and random instances, checked by brute
// force), LSCP, p-median with capacities, and proposals that agree with coverage on the demo.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <random>

#include "coverage/coverage_test_support.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/coverage.h"
#include "storage/fixture_atlas.h"
#include "storage/siting.h"

namespace gridatlas::storage {
namespace {

using Sets = std::vector<std::vector<std::int32_t>>;

double coveredWeight(const Sets& sets, const std::vector<double>& w, const std::vector<std::int32_t>& chosen) {
    std::vector<std::uint8_t> c(w.size(), 0);
    double total = 0;
    for (auto s : chosen)
        for (auto e : sets[static_cast<std::size_t>(s)])
            if (!c[static_cast<std::size_t>(e)]++) total += w[static_cast<std::size_t>(e)];
    return total;
}

double bruteForceMaxCover(const Sets& sets, const std::vector<double>& w, int k) {
    const int n = static_cast<int>(sets.size());
    double best = 0;
    std::vector<int> mask(static_cast<std::size_t>(n), 0);
    std::fill(mask.end() - std::min(k, n), mask.end(), 1);
    do {
        std::vector<std::int32_t> chosen;
        for (int i = 0; i < n; ++i)
            if (mask[static_cast<std::size_t>(i)]) chosen.push_back(i);
        best = std::max(best, coveredWeight(sets, w, chosen));
    } while (std::next_permutation(mask.begin(), mask.end()));
    return best;
}

TEST(Siting, GreedyMissesTheOptimumWhereExactFindsIt) {
    // A = {0,1,2,3}, B = {0,1,4}, C = {2,3,5}; k = 2: greedy takes A then one more (5), the
    // optimum B + C covers all 6.
    const Sets sets{{0, 1, 2, 3}, {0, 1, 4}, {2, 3, 5}};
    const std::vector<double> w(6, 1.0);
    const auto greedy = greedyMaxCover(sets, w, 2);
    EXPECT_EQ(greedy.chosen.front(), 0);
    EXPECT_DOUBLE_EQ(greedy.weight, 5.0);
    const auto exact = exactMaxCover(sets, w, 2);
    EXPECT_TRUE(exact.proven);
    EXPECT_DOUBLE_EQ(exact.weight, 6.0);
    EXPECT_EQ(exact.chosen, (std::vector<std::int32_t>{1, 2}));
}

TEST(Siting, ExactEqualsBruteForceAndGreedyGapIsReported) {
    std::mt19937_64 rng(7);
    double worstGap = 0, sumGap = 0;
    const int instances = 40;
    for (int inst = 0; inst < instances; ++inst) {
        const std::size_t elements = 30;
        Sets sets(14);
        for (auto& s : sets) {
            for (std::size_t e = 0; e < elements; ++e)
                if (rng() % 5 == 0) s.push_back(static_cast<std::int32_t>(e));
        }
        std::vector<double> w(elements);
        for (auto& x : w) x = 1.0 + static_cast<double>(rng() % 4);
        const int k = 2 + static_cast<int>(rng() % 3);
        const auto exact = exactMaxCover(sets, w, k);
        const auto greedy = greedyMaxCover(sets, w, k);
        ASSERT_TRUE(exact.proven);
        EXPECT_DOUBLE_EQ(exact.weight, bruteForceMaxCover(sets, w, k)) << "instance " << inst;
        EXPECT_DOUBLE_EQ(exact.weight, coveredWeight(sets, w, exact.chosen));
        EXPECT_DOUBLE_EQ(greedy.weight, coveredWeight(sets, w, greedy.chosen));
        EXPECT_LE(greedy.weight, exact.weight + 1e-9);
        // Greedy's (1 - 1/e) guarantee.
        EXPECT_GE(greedy.weight, (1 - 1 / std::exp(1.0)) * exact.weight - 1e-9);
        const double gap = exact.weight > 0 ? 100 * (exact.weight - greedy.weight) / exact.weight : 0;
        worstGap = std::max(worstGap, gap);
        sumGap += gap;
    }
    std::cout << "[ greedy vs exact ] " << instances << " random instances (14 sets, 30 elements, k 2-4): mean gap "
              << sumGap / instances << "%, worst " << worstGap << "%\n";
    RecordProperty("greedy_mean_gap_percent", std::to_string(sumGap / instances));
    RecordProperty("greedy_worst_gap_percent", std::to_string(worstGap));
}

TEST(Siting, ExactSetCoverIsMinimal) {
    std::mt19937_64 rng(11);
    for (int inst = 0; inst < 25; ++inst) {
        const std::size_t elements = 20;
        Sets sets(12);
        for (auto& s : sets)
            for (std::size_t e = 0; e < elements; ++e)
                if (rng() % 4 == 0) s.push_back(static_cast<std::int32_t>(e));
        const auto exact = exactSetCover(sets, elements);
        ASSERT_TRUE(exact.proven);
        // Everything coverable is covered.
        std::vector<std::uint8_t> coverable(elements, 0), covered(elements, 0);
        for (const auto& s : sets)
            for (auto e : s) coverable[static_cast<std::size_t>(e)] = 1;
        for (auto s : exact.chosen)
            for (auto e : sets[static_cast<std::size_t>(s)]) covered[static_cast<std::size_t>(e)] = 1;
        EXPECT_EQ(covered, coverable);
        // No smaller cover exists (brute force over all subsets).
        std::size_t smallest = sets.size();
        for (std::uint32_t mask = 0; mask < (1u << sets.size()); ++mask) {
            std::vector<std::uint8_t> c(elements, 0);
            for (std::size_t s = 0; s < sets.size(); ++s)
                if (mask & (1u << s))
                    for (auto e : sets[s]) c[static_cast<std::size_t>(e)] = 1;
            if (c == coverable) smallest = std::min<std::size_t>(smallest, static_cast<std::size_t>(__builtin_popcount(mask)));
        }
        EXPECT_EQ(exact.chosen.size(), smallest) << "instance " << inst;
    }
}

/// Ten households in a row along a street (x = 0, 100, ..., 900), one existing post at x = 0
/// covering 150 m, candidates at every household.
testing::CoverageDataBuilder rowWorld() {
    testing::CoverageDataBuilder b;
    b.community(1, "c");
    b.grid(1, 1, "g");
    b.street({{-100, 0}, {1000, 0}});
    for (int i = 0; i < 10; ++i) {
        const double x = 100.0 * i;
        const auto bi = b.building(1, 1, model::Vec2{x, 5}, model::Rect::of(x - 5, 5, x + 5, 15));
        b.household(bi, {x, 10}, i == 9 ? kCoverElderlyAlone : 0);
    }
    b.post("pioneer_post", {0, 0}, 1, std::nullopt, 2); // 2 minutes = 150 m walking
    return b;
}

TEST(Siting, MclpOnARowOfHouseholds) {
    auto b = rowWorld();
    SitingOptions o;
    o.postType = "pioneer_post";
    o.meters = 150;
    o.k = 2;
    o.candidates = CandidateSource::Points;
    for (int i = 0; i < 10; ++i) o.candidatePoints.push_back({100.0 * i, 0});
    const auto r = proposeSites(b.data(), o);
    // The existing post covers x = 0 and 100 (walk 100 + 5 m to the door); 200 is 205 m away.
    EXPECT_EQ(r.coveredBefore, 2);
    EXPECT_EQ(r.candidates.size(), 9u) << "the existing post's place is no candidate";
    ASSERT_EQ(r.proposals.size(), 2u);
    // Each new post covers 3 households (its own and the neighbours at 105 m); 8 are open:
    // 200..900 need ceil(8/3) = 3 posts, 2 posts cover 6.
    EXPECT_EQ(r.proposals[0].newlyCovered, 3);
    EXPECT_EQ(r.proposals[1].newlyCovered, 3);
    EXPECT_NEAR(r.proposals[1].coveragePctAfter, 80.0, 1e-9);
    EXPECT_TRUE(r.exactRan);
    EXPECT_DOUBLE_EQ(r.exactObjective, 6.0);
    EXPECT_DOUBLE_EQ(r.gapPercent(), 0.0);
    // Weighting the elderly household at x = 900 three times pulls a post to 800.
    o.vulnerableWeight = 2;
    o.k = 1;
    const auto w = proposeSites(b.data(), o);
    ASSERT_EQ(w.proposals.size(), 1u);
    EXPECT_DOUBLE_EQ(r.candidates[static_cast<std::size_t>(w.proposals[0].candidate)].point.x, 800.0);
    EXPECT_DOUBLE_EQ(w.proposals[0].newlyCoveredWeight, 5.0);
}

TEST(Siting, LscpFindsTheFewestPosts) {
    auto b = rowWorld();
    SitingOptions o;
    o.postType = "pioneer_post";
    o.model = SitingModel::Lscp;
    o.meters = 150;
    o.candidates = CandidateSource::Points;
    for (int i = 0; i < 10; ++i) o.candidatePoints.push_back({100.0 * i, 0});
    o.candidatePoints.push_back({5000, 0}); // reaches nobody
    const auto r = proposeSites(b.data(), o);
    ASSERT_TRUE(r.exactRan);
    EXPECT_DOUBLE_EQ(r.exactObjective, 3.0);
    EXPECT_GE(r.greedyObjective, 3.0);
    EXPECT_EQ(r.uncoverable, 0);
    std::int64_t added = 0;
    for (const auto& p : r.proposals) added += p.newlyCovered;
    EXPECT_EQ(added, 8);
}

TEST(Siting, PMedianShortensTheAverageWalkAndRespectsCapacity) {
    auto b = rowWorld();
    SitingOptions o;
    o.postType = "pioneer_post";
    o.model = SitingModel::PMedian;
    o.k = 1;
    o.candidates = CandidateSource::Points;
    for (int i = 0; i < 10; ++i) o.candidatePoints.push_back({100.0 * i, 0});
    const auto r = proposeSites(b.data(), o);
    // Now: walks of 100 i + 5 m (the door's leg), mean 455 m.
    EXPECT_NEAR(r.averageDistanceBefore, 455.0, 1e-9);
    ASSERT_EQ(r.proposals.size(), 1u);
    // The best second post is at 600 (700 ties; the first candidate wins): households 0..3 walk
    // to the old one, 4..9 to the new.
    EXPECT_DOUBLE_EQ(r.candidates[static_cast<std::size_t>(r.proposals[0].candidate)].point.x, 600.0);
    EXPECT_NEAR(r.proposals[0].averageDistanceAfter, (5 + 105 + 205 + 305 + 205 + 105 + 5 + 105 + 205 + 305) / 10.0, 1e-9);
    // Capacity 4 per post: two posts serve 8 of the 10.
    o.capacity = 4;
    const auto c = proposeSites(b.data(), o);
    EXPECT_EQ(c.unserved, 2);
}

TEST(Siting, BadOptionsAreRefused) {
    auto b = rowWorld();
    SitingOptions o;
    o.postType = "pioneer_post";
    o.k = 0;
    EXPECT_THROW(proposeSites(b.data(), o), InputError);
    o.k = 1;
    o.postType = "nail_salon";
    EXPECT_THROW(proposeSites(b.data(), o), InputError);
}

/// On the demo atlas: adding the proposed posts and re-running coverage adds exactly the
/// households the proposals claim; greedy against exact on 30 candidates.
TEST(SitingDemo, ProposalsAgreeWithCoverageAndGreedyGapIsReported) {
    auto atlas = Atlas::open(testing::demoAtlasPath(), OpenMode::ReadOnly);
    const auto data = loadCoverageData(*atlas);
    SitingOptions o;
    o.postType = "pioneer_post";
    o.mode = DistanceMode::Network;
    o.meters = 200;
    o.k = 3;
    o.exactLimit = 1000;
    o.candidates = CandidateSource::Points;
    // Every 7th unit entrance: a few dozen candidates.
    for (std::size_t u = 0; u < data->units.size(); u += 7)
        if (data->units[u].entrance) o.candidatePoints.push_back(*data->units[u].entrance);
    const auto r = proposeSites(*data, o);
    ASSERT_EQ(r.proposals.size(), 3u);
    ASSERT_TRUE(r.exactRan);
    EXPECT_TRUE(r.exactProven);
    EXPECT_LE(r.greedyObjective, r.exactObjective + 1e-9);
    std::cout << "[ demo siting ] " << r.candidates.size() << " candidates, k = 3: greedy " << r.greedyObjective << ", exact "
              << r.exactObjective << ", gap " << r.gapPercent() << "%\n";

    CoverageData copy = *data;
    std::int64_t added = 0;
    for (const auto& p : r.proposals) {
        CoveragePost post;
        post.id = 100000 + p.candidate;
        post.name = "new";
        post.type = o.postType;
        post.point = r.candidates[static_cast<std::size_t>(p.candidate)].point;
        copy.posts.push_back(post);
        added += p.newlyCovered;
    }
    CoverageOptions c;
    c.postType = o.postType;
    c.mode = DistanceMode::Network;
    c.meters = 200;
    const auto before = computeCoverage(*data, c);
    const auto after = computeCoverage(copy, c);
    EXPECT_EQ(before.coveredCount, r.coveredBefore);
    EXPECT_EQ(after.coveredCount, r.coveredBefore + added);
}

} // namespace
} // namespace gridatlas::storage

namespace gridatlas::storage {
namespace {

TEST(SiteCli, ProposalsCsvAndErrors) {
    testing::TempDir dir;
    const std::string out = dir.file("sites.csv");
    std::string text;
    ASSERT_EQ(testing::runCommand(testing::cliPath() + " site --atlas " + testing::demoAtlasPath() +
                                      " --type pioneer_post --k 2 --meters 200 --network --out " + out,
                                  &text),
              0)
        << text;
    EXPECT_NE(text.find(" 1. "), std::string::npos) << text;
    std::ifstream in(out);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "rank,candidate,x,y,newly_covered,coverage_pct_after,avg_distance_m_after");
    int rows = 0;
    while (std::getline(in, line)) ++rows;
    EXPECT_EQ(rows, 2);
    // Candidates from a CSV, and its errors named by line and column.
    const std::string cands = dir.file("cands.csv");
    {
        std::ofstream c(cands);
        c << "name,x,y\na,531000,5494600\nb,oops,5494600\n";
    }
    EXPECT_NE(testing::runCommand(testing::cliPath() + " site --atlas " + testing::demoAtlasPath() +
                                      " --type pioneer_post --k 1 --candidates " + cands,
                                  &text),
              0);
    EXPECT_NE(text.find("line 3, column x: 'oops' is not a number"), std::string::npos) << text;
    EXPECT_NE(testing::runCommand(testing::cliPath() + " site --atlas " + testing::demoAtlasPath() +
                                      " --type pioneer_post --k 1 --model best",
                                  &text),
              0);
    EXPECT_NE(text.find("--model 'best'"), std::string::npos) << text;
    EXPECT_NE(
        testing::runCommand(testing::cliPath() + " site --atlas " + testing::demoAtlasPath() + " --type pioneer_post", &text), 0);
    EXPECT_NE(text.find("--k is required"), std::string::npos) << text;
}

} // namespace
} // namespace gridatlas::storage
