#pragma once
// Siting new service posts. Demand is the households, grouped by where their walk starts (unit
// door, or the household's point), weighted by household count plus an optional extra weight per
// vulnerable household. Candidates are given points, every unit entrance and compound gate, or
// every building, minus places that already hold a post of the type. Models:
//  - MCLP (maximal covering): k new posts that cover the most demand not yet covered by the
//    existing posts. Greedy with lazy evaluation (exact for the greedy rule, fast); for small
//    instances also the exact optimum by branch and bound, to report greedy's gap.
//  - LSCP (set covering): the fewest new posts so that every household any candidate can cover is
//    covered (greedy; exact by branch and bound when small).
//  - p-median: k new posts minimising the average distance to the nearest post (existing posts
//    fixed), greedy with lazy evaluation; with a capacity, households are assigned nearest-first
//    without exceeding any post's capacity and the unserved are reported.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"
#include "storage/coverage.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class StreetNetwork;

enum class SitingModel { Mclp, Lscp, PMedian };
enum class CandidateSource { Entrances, Buildings, Points };

struct SitingOptions {
    std::string postType;
    SitingModel model = SitingModel::Mclp;
    int k = 3;
    DistanceMode mode = DistanceMode::Network;
    std::optional<double> meters;  ///< the standard of new posts (and existing ones), metres
    std::optional<double> minutes; ///< the same in walking minutes
    double walkSpeedKmh = kDefaultWalkSpeedKmh;
    double vulnerableWeight = 0; ///< extra weight of a vulnerable household (0: households count alike)
    CandidateSource candidates = CandidateSource::Entrances;
    std::vector<model::Vec2> candidatePoints; ///< for CandidateSource::Points
    std::optional<int> capacity;              ///< households per post (p-median)
    int exactLimit = 40;                      ///< run the exact solver when at most this many useful candidates
    std::int64_t exactNodeLimit = 5'000'000;  ///< branch-and-bound nodes before giving up proving
    double pmedianCutoffM = 3000;             ///< p-median: distances beyond this are not improved by a new post
    double maxSnapM = 300;
    int threads = 2;
};

struct SiteCandidate {
    model::Vec2 point;
    std::string label; ///< "3栋2单元", "xx南门", "(x, y)"
};

struct SiteProposal {
    std::int32_t candidate = -1;   ///< index into SitingResult::candidates
    std::int64_t newlyCovered = 0; ///< households this post adds (MCLP/LSCP), in order of choice
    double newlyCoveredWeight = 0;
    double coveragePctAfter = 0;     ///< share of all households covered once this post is added
    double averageDistanceAfter = 0; ///< p-median: mean distance to the nearest post after adding it
};

struct SitingResult {
    SitingOptions options;
    std::vector<SiteCandidate> candidates;
    std::int64_t households = 0;
    std::int64_t coveredBefore = 0;
    double coveragePctBefore = 0;
    std::vector<SiteProposal> proposals;
    // Greedy against exact (MCLP: covered weight; LSCP: posts), when the exact solver ran.
    bool exactRan = false;
    bool exactProven = false; ///< false when the node limit stopped it
    double greedyObjective = 0;
    double exactObjective = 0;
    std::vector<std::int32_t> exactChoice;
    /// Greedy's gap to the optimum in percent (0 when greedy is optimal).
    [[nodiscard]] double gapPercent() const;
    std::int64_t uncoverable = 0;     ///< LSCP: households no candidate or existing post covers
    double averageDistanceBefore = 0; ///< p-median (households with no reachable post excluded)
    std::int64_t unserved = 0;        ///< p-median with capacity: households left without a post
    double seconds = 0;
};

/// Proposes new posts. Throws InputError for an unknown type, k < 1, no candidates.
SitingResult proposeSites(const CoverageData& data, const SitingOptions& options, const StreetNetwork* network = nullptr,
                          Feedback* feedback = nullptr);

/// Exact maximal covering by branch and bound over explicit sets (exposed for tests): choose k
/// of `sets` (each a sorted list of element indices) maximising the total weight covered.
/// Returns the chosen set indices and the covered weight; `proven` is false when the node limit
/// stopped the search (the answer is then the best found).
struct ExactCover {
    std::vector<std::int32_t> chosen;
    double weight = 0;
    bool proven = true;
};
ExactCover exactMaxCover(const std::vector<std::vector<std::int32_t>>& sets, const std::vector<double>& weights, int k,
                         std::int64_t nodeLimit = 5'000'000);
/// Greedy with lazy evaluation over the same input.
ExactCover greedyMaxCover(const std::vector<std::vector<std::int32_t>>& sets, const std::vector<double>& weights, int k);
/// Exact minimum set cover of every element some set covers (branch and bound); proven=false
/// when stopped by the node limit.
ExactCover exactSetCover(const std::vector<std::vector<std::int32_t>>& sets, std::size_t elements,
                         std::int64_t nodeLimit = 5'000'000);

} // namespace gridatlas::storage
