// Building-table speed: the 楼盘表 of a 33-floor, 6-unit tower (4 flats per floor, 792
// households, ~2,000 residents) opened from a demo atlas, against the target (100 ms) and a
// peer in the same run: the same facts read the way a GIS or a hand-written report would,
// through the household_summary view (one correlated subquery per household and column).
//
//   gridatlas-bench-building-table [--scale S|M] [--runs N] [--keep FILE]
//
// Each run opens the atlas afresh (a new connection, as the viewer does on double-click) and
// loads the table and the floor plan; the figures are the median and the worst of N runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "io/floor_plan_import.h"
#include "model/entities.h"
#include "storage/atlas.h"
#include "storage/building_table.h"
#include "storage/demo_generator.h"

using namespace gridatlas;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

/// Adds the tower (with its households and residents) to community 1; returns its id.
std::int64_t addTower(storage::Atlas& atlas) {
    using namespace model;
    auto& c = atlas.connection();
    storage::Transaction tx(c);
    storage::AtlasWriter w(atlas);
    const Rect ext = atlas.openLayer("communities")->extent();
    const double x0 = ext.xmin + 5, y0 = ext.ymin + 5;
    Building b;
    b.communityId = 1;
    b.number = "33层测试塔楼";
    b.floors = 33;
    b.unitCount = 6;
    b.flatsPerFloor = 4;
    b.footprint = Geometry::polygon({{{x0, y0}, {x0 + 96, y0}, {x0 + 96, y0 + 18}, {x0, y0 + 18}}});
    const std::int64_t id = w.add(b);
    std::uint64_t seed = 7;
    auto next = [&] { return (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
    for (int u = 1; u <= 6; ++u) {
        const std::int64_t unitId = w.add(Unit{0, id, u, Vec2{x0 + 16 * u - 8, y0}});
        for (int f = 1; f <= 33; ++f)
            for (int k = 1; k <= 4; ++k) {
                Household h;
                h.unitId = unitId;
                h.floor = f;
                h.room = std::to_string(f * 100 + k);
                h.hardship = next() % 20 == 0;
                h.elderlyAlone = next() % 25 == 0;
                h.vacant = next() % 30 == 0;
                const std::int64_t hid = w.add(h);
                const int people = h.vacant ? 0 : 1 + static_cast<int>(next() % 4);
                for (int p = 0; p < people; ++p) {
                    Resident r;
                    r.householdId = hid;
                    r.name = "测试居民" + std::to_string(hid) + "-" + std::to_string(p);
                    r.gender = p % 2 ? "F" : "M";
                    r.birthYear = 1940 + static_cast<int>(next() % 70);
                    r.disability = next() % 40 == 0;
                    if (next() % 12 == 0) {
                        r.isMember = true;
                        r.memberType = "full";
                        r.branch = "测试支部";
                    }
                    w.add(r);
                }
            }
    }
    tx.commit();
    return id;
}

} // namespace

int main(int argc, char** argv) {
    std::string scale = "S", keep;
    int runs = 21;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--scale" && i + 1 < argc)
            scale = argv[++i];
        else if (a == "--runs" && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "--keep" && i + 1 < argc)
            keep = argv[++i];
        else {
            std::cerr << "usage: gridatlas-bench-building-table [--scale S|M] [--runs N] [--keep FILE]\n";
            return 2;
        }
    }
    const auto demoScale = storage::parseDemoScale(scale);
    if (!demoScale) {
        std::cerr << "bench: --scale must be S or M\n";
        return 2;
    }
    const std::string path =
        keep.empty()
            ? (std::filesystem::temp_directory_path() / ("gridatlas-bench-table-" + std::to_string(::getpid()) + ".sqlite"))
                  .string()
            : keep;
    std::filesystem::remove(path);
    try {
        storage::DemoOptions o;
        o.scale = *demoScale;
        const auto t0 = Clock::now();
        storage::generateDemo(path, o);
        std::int64_t tower = 0;
        {
            auto atlas = storage::Atlas::open(path);
            tower = addTower(*atlas);
            io::GenerateOptions g;
            io::generateFloorPlan(*atlas, tower, g); // the typical floor drawn once, repeated on 1-33
        }
        std::cerr << "bench: demo " << scale << " atlas with the tower ready in " << ms(Clock::now() - t0) / 1000 << " s\n";

        std::vector<double> ours, peer;
        std::size_t cells = 0;
        int households = 0, members = 0;
        for (int i = 0; i < runs; ++i) {
            {
                const auto a = Clock::now();
                auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
                const auto table = storage::loadBuildingTable(*atlas, tower);
                const auto plan = storage::loadFloorPlan(*atlas, tower);
                ours.push_back(ms(Clock::now() - a));
                cells = table.cells.size();
                households = table.total.households;
                members = table.total.members;
                if (plan.rooms.empty()) throw std::runtime_error("the tower has no plan");
            }
            {
                const auto a = Clock::now();
                auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
                storage::Statement st(
                    atlas->connection(),
                    "SELECT id, unit, floor, room, hardship, minimum_income, elderly_alone, left_behind_children, "
                    "vacant, residents, members, has_disability FROM household_summary WHERE building_id = ? "
                    "ORDER BY unit, floor, room");
                st.bind(1, tower);
                int n = 0, m = 0;
                while (st.step()) ++n, m += static_cast<int>(st.columnInt(10));
                peer.push_back(ms(Clock::now() - a));
                if (n != households || m != members) throw std::runtime_error("the peer read other counts");
            }
        }
        const double ourMedian = median(ours), peerMedian = median(peer);
        std::printf("building table of a 33-floor, 6-unit tower (%zu cells, %d households, %d members), %d runs:\n", cells,
                    households, members, runs);
        std::printf("  gridatlas loadBuildingTable+loadFloorPlan  median %7.2f ms  worst %7.2f ms  (target < 100 ms: %s)\n",
                    ourMedian, *std::max_element(ours.begin(), ours.end()), ourMedian < 100 ? "met" : "MISSED");
        std::printf("  peer: household_summary view query         median %7.2f ms  worst %7.2f ms\n", peerMedian,
                    *std::max_element(peer.begin(), peer.end()));
        std::printf("  ratio peer/gridatlas: %.2fx\n", peerMedian / std::max(1e-9, ourMedian));
    } catch (const std::exception& e) {
        std::cerr << "bench: " << e.what() << "\n";
        if (keep.empty()) std::filesystem::remove(path);
        return 1;
    }
    if (keep.empty()) std::filesystem::remove(path);
    return 0;
}
