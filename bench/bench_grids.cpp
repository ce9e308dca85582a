// Grid planning speed (issue 5), against SpatiaLite SQL in the same run:
//  1. households per grid: countHouseholdsPerGrid and the full computeGridStats against the
//     peers' SpatialIndex + ST_Contains query (shared/peers/sql/households_per_grid.sql), with the
//     per-grid counts compared one by one (they must be identical);
//  2. every grid check on the L atlas (target: under 2 s);
//  3. a proposal for a community of about 5,000 buildings (every community of the M atlas as one;
//     target: under 10 s).
// Usage: gridatlas-bench-grids L.sqlite M.sqlite [runs]   (L.sqlite "-" skips parts 1 and 2)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/grid_checks.h"
#include "storage/grid_geos.h"
#include "storage/grid_propose.h"
#include "storage/grid_stats.h"

using namespace gridatlas;

namespace {

struct Timing {
    double median = 0, best = 0;
};

Timing timeIt(int runs, const std::function<void()>& fn) {
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], t.front()};
}

constexpr const char* kSqlPerGrid = R"SQL(
    SELECT g.id AS id, COUNT(*) AS n
    FROM grids AS g
    JOIN households AS h ON h.ROWID IN (
        SELECT ROWID FROM SpatialIndex
        WHERE f_table_name = 'households' AND f_geometry_column = 'geom'
          AND search_frame = g.geom)
    WHERE ST_Contains(g.geom, h.geom)
    GROUP BY g.id ORDER BY g.id)SQL";

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s L.sqlite M.sqlite [runs]\n", argv[0]);
        return 2;
    }
    const std::string lPath = argv[1], mPath = argv[2];
    const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
    try {
        bool identical = true;
        if (lPath != "-") {
            auto l = storage::Atlas::open(lPath, storage::OpenMode::ReadOnly);
            const auto households = l->connection().queryInt("SELECT COUNT(*) FROM households").value_or(0);
            const auto grids = l->connection().queryInt("SELECT COUNT(*) FROM grids").value_or(0);
            std::printf("L atlas %s: %lld households, %lld grids, %d runs (median, best)\n", lPath.c_str(),
                        static_cast<long long>(households), static_cast<long long>(grids), runs);

            std::vector<std::pair<std::int64_t, std::int64_t>> sql, ours;
            const Timing tSql = timeIt(runs, [&] {
                sql.clear();
                storage::Statement st(l->connection(), kSqlPerGrid);
                while (st.step()) sql.emplace_back(st.columnInt(0), st.columnInt(1));
            });
            const Timing tCount = timeIt(runs, [&] { ours = storage::countHouseholdsPerGrid(*l); });
            storage::GridStatsResult full;
            const Timing tFull = timeIt(runs, [&] { full = storage::computeGridStats(*l); });
            std::map<std::int64_t, int> fullCounts;
            for (const auto& s : full.grids)
                if (s.households > 0) fullCounts[s.gridId] = s.households;
            std::map<std::int64_t, int> sqlCounts;
            for (auto& [id, n] : sql) sqlCounts[id] = static_cast<int>(n);
            identical = sql == ours && fullCounts == sqlCounts;
            std::printf("households per grid, SpatiaLite SQL (SpatialIndex + ST_Contains): %.3f s (best %.3f)\n", tSql.median,
                        tSql.best);
            std::printf("households per grid, countHouseholdsPerGrid:                     %.3f s (best %.3f)  %.1fx faster\n",
                        tCount.median, tCount.best, tSql.median / tCount.median);
            std::printf("full per-grid statistics, computeGridStats:                      %.3f s (best %.3f)  %.1fx faster\n",
                        tFull.median, tFull.best, tSql.median / tFull.median);
            std::printf("counts identical to SQL for all %zu grids with households: %s\n", sql.size(), identical ? "yes" : "NO");

            std::size_t problems = 0;
            const Timing tChecks = timeIt(runs, [&] { problems = storage::checkGrids(*l).size(); });
            std::printf("all grid checks on L: %.3f s (best %.3f), %zu problems; target < 2 s: %s\n", tChecks.median,
                        tChecks.best, problems, tChecks.median < 2.0 ? "met" : "MISSED");
        }

        // One community of every building of the M atlas.
        auto m = storage::Atlas::open(mPath, storage::OpenMode::ReadOnly);
        storage::ProposalInput merged;
        std::vector<std::string> names;
        {
            storage::Statement st(m->connection(), "SELECT name FROM communities ORDER BY id");
            while (st.step()) names.push_back(st.columnText(0));
        }
        const storage::geos::Context ctx;
        std::vector<storage::geos::GeomPtr> boundaries;
        for (const auto& name : names) {
            auto in = storage::loadProposalInput(*m, name);
            if (merged.community.empty())
                merged = in;
            else {
                for (auto& b : in.buildings) merged.buildings.push_back(std::move(b));
                for (auto& s : in.streets) merged.streets.push_back(std::move(s));
                for (auto& g : in.currentGrids) merged.currentGrids.push_back(std::move(g));
            }
            boundaries.push_back(ctx.fromModel(in.boundary));
        }
        merged.boundary = ctx.toModel(ctx.unionAll(std::move(boundaries)).get());
        merged.community = "M (all communities)";
        int residential = 0;
        for (const auto& b : merged.buildings) residential += b.residential;
        storage::ProposalOptions options;
        options.respectStreets = true;
        storage::Proposal proposal;
        const Timing tPropose = timeIt(std::min(runs, 3), [&] { proposal = storage::proposeGrids(merged, options); });
        int multipart = 0;
        for (const auto& g : proposal.grids) multipart += g.polygon.type != model::GeomType::Polygon;
        std::printf("proposal for %zu buildings (%d residential, %d households, %zu streets): %.2f s (best %.2f); "
                    "%zu grids, %d within 400±20%%, max deviation %.1f%%, compactness %.2f, %d in several parts; "
                    "target < 10 s: %s\n",
                    merged.buildings.size(), residential, proposal.households, merged.streets.size(), tPropose.median,
                    tPropose.best, proposal.grids.size(), proposal.gridsWithinTolerance, proposal.maxDeviation * 100,
                    proposal.meanCompactness, multipart, tPropose.median < 10 ? "met" : "MISSED");
        return identical ? 0 : 1;
    } catch (const Error& e) {
        std::fprintf(stderr, "bench_grids: %s\n", e.what());
        return 1;
    }
}
