#include "io/layout_pages.h"

#include <QDate>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "model/domain.h"
#include "model/masking.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/building_table.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/coverage.h"
#include "storage/coverage_data.h"
#include "storage/crypto.h"
#include "storage/grid_stats.h"

namespace gridatlas::io {

using render::LayoutEach;
using render::LayoutPageData;
using render::LayoutTable;

// ---- building member plans (shared with gridatlas-cli plan) ----------------------------------

namespace {

static_assert(static_cast<int>(storage::CellStatus::NoHousehold) == static_cast<int>(render::PlanStatus::NoHousehold) &&
                  static_cast<int>(storage::CellStatus::Care) == static_cast<int>(render::PlanStatus::Care) &&
                  static_cast<int>(storage::CellStatus::Member) == static_cast<int>(render::PlanStatus::Member),
              "storage::CellStatus and render::PlanStatus list the statuses in the same order");

render::PlanStatus planStatus(storage::CellStatus s) { return static_cast<render::PlanStatus>(static_cast<int>(s)); }

/// The statuses of a household beyond the one its cell is coloured by (masked: Care only).
std::vector<render::PlanStatus> furtherStatuses(const storage::BuildingTableCell& c, bool reveal) {
    std::vector<render::PlanStatus> out;
    if (!c.hasHousehold()) return out;
    const render::PlanStatus primary = planStatus(c.status(reveal));
    auto add = [&](render::PlanStatus s) {
        if (s != primary && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    if (reveal) {
        if (c.flags & storage::kFlagHardship) add(render::PlanStatus::Hardship);
        if (c.flags & storage::kFlagElderlyAlone) add(render::PlanStatus::ElderlyAlone);
        if (c.flags & storage::kFlagDisability) add(render::PlanStatus::Disability);
        if (c.flags & storage::kFlagLeftBehind) add(render::PlanStatus::LeftBehindChildren);
    } else if (storage::isVulnerable(c.flags)) {
        add(render::PlanStatus::Care);
    }
    if (c.flags & storage::kFlagVacant) add(render::PlanStatus::Vacant);
    return out;
}

render::PlanCount planCount(const storage::BuildingTableCount& c) { return {c.households, c.residents, c.members, c.memberHouseholds}; }

/// The rooms of `floor`, coloured by that floor's households.
render::PlanDrawing drawingOf(const storage::FloorPlan& plan, const storage::BuildingTable& table, int floor, bool reveal,
                              const std::string& title) {
    render::PlanDrawing d;
    d.title = title;
    for (const auto& room : plan.rooms) {
        if (!room.isOn(floor)) continue;
        render::PlanRoomShape s;
        s.polygon = room.geometry;
        s.label = room.label;
        s.kind = room.kind;
        if (room.kind == "flat") {
            const int unit = room.unit ? room.unit : (table.units.size() == 1 ? table.units.front().number : 0);
            if (const auto* cell = table.find(floor, unit, room.flatNumber())) {
                s.status = planStatus(cell->status(reveal));
                s.members = cell->members;
                // The room number on this floor says more than the drawing's flat label.
                if (cell->hasHousehold()) s.label = (table.units.size() > 1 ? std::to_string(unit) + "-" : std::string()) + cell->room;
            }
        }
        d.rooms.push_back(std::move(s));
    }
    return d;
}

std::string floorName(int floor) { return floor < 0 ? "地下" + std::to_string(-floor) + "层" : std::to_string(floor) + "层"; }

} // namespace

render::FloorPlanChartData floorPlanChartData(const std::string& atlasName, const storage::BuildingTable& t,
                                              const storage::FloorPlan& plan, std::optional<int> onlyFloor, bool reveal) {
    render::FloorPlanChartData d;
    d.reveal = reveal;
    d.atlasName = atlasName;
    d.title = t.community + " " + (t.compound.empty() ? "" : t.compound + " ") + t.number + " 党员居住平面图";
    d.subtitle = std::to_string(t.floors) + "层 · " + std::to_string(t.units.size()) + "个单元 · 住户 " + std::to_string(t.total.households) +
                 "户 · 居民 " + std::to_string(t.total.residents) + "人 · 党员 " + std::to_string(t.total.members) + "名（党员户 " +
                 std::to_string(t.total.memberHouseholds) + "户）· 重点关爱户 " + std::to_string(t.total.vulnerableHouseholds) + "户";
    d.floors = t.floorNumbers;
    for (const auto& u : t.units) d.units.push_back({u.number, u.flats, planCount(u.count)});
    d.cells.reserve(t.cells.size());
    for (const auto& c : t.cells) d.cells.push_back({c.room, planStatus(c.status(reveal)), furtherStatuses(c, reveal), c.residents, c.members});
    for (const auto& fc : t.floorCounts) d.floorCounts.push_back(planCount(fc));
    d.total = planCount(t.total);

    // Each drawing once, at the floor asked for, else its floor with the most member households.
    const auto drawings = plan.drawings();
    if (onlyFloor && !plan.rooms.empty()) {
        bool found = false;
        for (const auto& floors : drawings) found = found || std::binary_search(floors.begin(), floors.end(), *onlyFloor);
        if (!found)
            throw InputError("building " + t.number + " has no drawn plan for floor " + std::to_string(*onlyFloor) + " (drawn: " +
                             storage::formatFloorList(plan.floors()) + ")");
    }
    for (const auto& floors : drawings) {
        int floor = floors.front();
        if (onlyFloor) {
            if (!std::binary_search(floors.begin(), floors.end(), *onlyFloor)) continue;
            floor = *onlyFloor;
        } else {
            int best = -1;
            for (int f : floors) {
                const int row = t.rowOfFloor(f);
                const int m = row < 0 ? 0 : t.floorCounts[static_cast<std::size_t>(row)].memberHouseholds;
                if (m > best) best = m, floor = f;
            }
        }
        std::string title = floorName(floor) + "平面图";
        if (floors.size() > 1) title += "（标准层，用于 " + storage::formatFloorList(floors) + " 层）";
        d.drawings.push_back(drawingOf(plan, t, floor, reveal, title));
    }
    return d;
}

// ---- atlas pages ---------------------------------------------------------------------------

namespace {

struct Counts {
    long long buildings = 0, households = 0, residents = 0, members = 0, memberHouseholds = 0, vulnerable = 0, posts = 0;
    Counts& operator+=(const Counts& o) {
        buildings += o.buildings, households += o.households, residents += o.residents, members += o.members;
        memberHouseholds += o.memberHouseholds, vulnerable += o.vulnerable, posts += o.posts;
        return *this;
    }
};

struct Staff {
    std::string role, name, phone;
};

struct CommunityRec {
    std::int64_t id = 0;
    std::string code, name, streetOffice;
    model::Geometry geometry;
};

struct GridRec {
    std::int64_t id = 0, communityId = 0;
    std::string code, name;
    model::Geometry geometry;
    Counts counts;
    int staffCount = 0;
    std::vector<Staff> staff;
    std::optional<double> coverage; ///< percent
};

struct BuildingRec {
    std::int64_t id = 0, communityId = 0, gridId = 0;
    std::string number, compound;
    int floors = 0, units = 0;
    model::Geometry geometry;
    Counts counts;
};

struct HouseholdRec {
    std::int64_t buildingId = 0;
    std::string room, head, phone;
    int residents = 0, members = 0;
    std::string care; ///< revealed kinds, "" when none
    bool vulnerable = false;
};

struct GapRec {
    std::int64_t buildingId = 0;
    long long households = 0, uncovered = 0, vulnerableUncovered = 0;
    double nearestM = 0;
};

const char* roleName(const std::string& role) {
    if (role == "manager") return "网格长";
    if (role == "supervisor") return "专职网格员";
    if (role == "assistant") return "兼职网格员";
    return "网格员";
}

int roleOrder(const std::string& role) { return role == "manager" ? 0 : role == "supervisor" ? 1 : 2; }

std::string percentText(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", p);
    return buf;
}

model::Rect boundsOf(const model::Geometry& g) { return g.bounds(); }

} // namespace

struct AtlasLayoutPages::Data {
    storage::Atlas& atlas;
    const render::Layout& layout;
    AtlasLayoutPagesOptions options;
    std::string atlasName;
    std::string date;
    std::string postTypeName;
    std::vector<CommunityRec> communities;
    std::vector<GridRec> grids;
    std::vector<BuildingRec> buildings;
    std::vector<HouseholdRec> households; ///< vulnerable or member households, by building
    std::vector<GapRec> gaps;             ///< heaviest first
    std::map<std::int64_t, std::size_t> communityIndex, gridIndex, buildingIndex;
    std::map<std::int64_t, long long> postsPerCommunity;
    std::optional<double> atlasCoverage;
    std::map<std::int64_t, double> communityCoverage;
    std::vector<std::size_t> pages; ///< indices into communities / grids / buildings
    model::Rect atlasExtent;

    Data(storage::Atlas& a, const render::Layout& l, AtlasLayoutPagesOptions o) : atlas(a), layout(l), options(std::move(o)) {}

    [[nodiscard]] bool uses(const std::string& table) const {
        const auto t = layout.tablesUsed();
        return std::find(t.begin(), t.end(), table) != t.end();
    }
    [[nodiscard]] std::string name(const std::string& n) const { return model::mask(n, model::Sensitivity::Name, options.reveal); }
    [[nodiscard]] std::string phone(const std::string& p) const {
        return p.empty() ? std::string() : model::mask(p, model::Sensitivity::Phone, options.reveal);
    }

    void load(Feedback* feedback) {
        atlasName = atlas.info().name;
        auto& conn = atlas.connection();
        // A reveal in an encrypted atlas opens the sealed phones (needs the key); masked pages never ask.
        const storage::crypto::FieldCipher cipher(conn, options.reveal ? storage::crypto::FieldCipher::Need::Key
                                                                       : storage::crypto::FieldCipher::Need::Nothing);
        if (feedback) feedback->setProgress(2, "communities");
        auto geometries = [&](const std::string& layer, auto&& assign) {
            auto src = atlas.openLayer(layer);
            model::FeatureRequest req;
            auto cursor = src->features(req);
            model::Feature f;
            while (cursor->next(f)) assign(f.id, f.geometry);
        };
        {
            storage::Statement st(conn, "SELECT id, code, name, street_office FROM communities ORDER BY code");
            while (st.step()) {
                communityIndex[st.columnInt(0)] = communities.size();
                communities.push_back({st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3), {}});
            }
            geometries("communities", [&](std::int64_t id, const model::Geometry& g) {
                if (auto it = communityIndex.find(id); it != communityIndex.end()) communities[it->second].geometry = g;
            });
            for (const auto& c : communities) {
                const auto b = c.geometry.bounds();
                if (!b.isEmpty()) atlasExtent.expand(model::Vec2{b.xmin, b.ymin}), atlasExtent.expand(model::Vec2{b.xmax, b.ymax});
            }
        }
        if (feedback) feedback->setProgress(5, "grid statistics");
        {
            const storage::GridStatsResult stats = storage::computeGridStats(atlas);
            for (const auto& s : stats.grids) {
                GridRec g;
                g.id = s.gridId, g.communityId = s.communityId, g.code = s.code, g.name = s.name, g.staffCount = s.staff;
                g.counts = {s.buildings, s.households, s.residents, s.members, s.memberHouseholds, s.vulnerableHouseholds, s.servicePosts};
                gridIndex[g.id] = grids.size();
                grids.push_back(std::move(g));
            }
            geometries("grids", [&](std::int64_t id, const model::Geometry& geom) {
                if (auto it = gridIndex.find(id); it != gridIndex.end()) grids[it->second].geometry = geom;
            });
            storage::Statement st(conn, "SELECT grid_id, role, name, COALESCE(phone, ''), phone_enc FROM grid_staff");
            while (st.step())
                if (auto it = gridIndex.find(st.columnInt(0)); it != gridIndex.end()) {
                    const std::string name = st.columnText(2);
                    const std::string phone = options.reveal ? cipher.open(storage::crypto::Field::StaffPhone, name, st.columnText(3), st.columnBlob(4))
                                                             : st.columnText(3);
                    grids[it->second].staff.push_back({st.columnText(1), name, phone});
                }
            for (auto& g : grids)
                std::sort(g.staff.begin(), g.staff.end(), [](const Staff& a, const Staff& b) { return roleOrder(a.role) < roleOrder(b.role); });
        }
        if (feedback) feedback->setProgress(30, "buildings");
        {
            storage::Statement st(conn, "SELECT id, community_id, COALESCE(grid_id, 0), number, COALESCE(compound, ''), floors, unit_count "
                                        "FROM buildings ORDER BY community_id, grid_id, id");
            while (st.step()) {
                BuildingRec b;
                b.id = st.columnInt(0), b.communityId = st.columnInt(1), b.gridId = st.columnInt(2), b.number = st.columnText(3);
                b.compound = st.columnText(4), b.floors = static_cast<int>(st.columnInt(5)), b.units = static_cast<int>(st.columnInt(6));
                b.counts.buildings = 1;
                buildingIndex[b.id] = buildings.size();
                buildings.push_back(std::move(b));
            }
            storage::Statement hh(conn,
                                  // (CASE: flags are integers, and PostgreSQL does not OR or sum them as booleans)
                                  "SELECT u.building_id, COUNT(*), SUM(CASE WHEN h.hardship = 1 OR h.minimum_income = 1 OR h.elderly_alone = 1 OR "
                                  "h.left_behind_children = 1 OR EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND "
                                  "r.disability = 1) THEN 1 ELSE 0 END), SUM(CASE WHEN EXISTS (SELECT 1 FROM residents r WHERE "
                                  "r.household_id = h.id AND r.is_member = 1) THEN 1 ELSE 0 END) "
                                  "FROM households h JOIN units u ON u.id = h.unit_id GROUP BY u.building_id");
            while (hh.step())
                if (auto it = buildingIndex.find(hh.columnInt(0)); it != buildingIndex.end()) {
                    auto& c = buildings[it->second].counts;
                    c.households = hh.columnInt(1), c.vulnerable = hh.columnInt(2), c.memberHouseholds = hh.columnInt(3);
                }
            storage::Statement rs(conn, "SELECT u.building_id, COUNT(*), SUM(r.is_member) FROM residents r JOIN households h ON h.id = "
                                        "r.household_id JOIN units u ON u.id = h.unit_id GROUP BY u.building_id");
            while (rs.step())
                if (auto it = buildingIndex.find(rs.columnInt(0)); it != buildingIndex.end()) {
                    auto& c = buildings[it->second].counts;
                    c.residents = rs.columnInt(1), c.members = rs.columnInt(2);
                }
            geometries("buildings", [&](std::int64_t id, const model::Geometry& geom) {
                if (auto it = buildingIndex.find(id); it != buildingIndex.end()) buildings[it->second].geometry = geom;
            });
            storage::Statement posts(conn, "SELECT community_id, COUNT(*) FROM service_posts WHERE community_id IS NOT NULL GROUP BY community_id");
            while (posts.step()) postsPerCommunity[posts.columnInt(0)] = posts.columnInt(1);
        }
        if (uses("households")) {
            if (feedback) feedback->setProgress(50, "households");
            // The households a grid worker visits first: vulnerable ones and member households.
            storage::Statement st(
                conn,
                "SELECT u.building_id, h.room, h.hardship, h.minimum_income, h.elderly_alone, h.left_behind_children, "
                "(SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id), "
                "(SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id AND r.is_member = 1), "
                "EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.disability = 1), "
                "(SELECT r.name FROM residents r WHERE r.household_id = h.id ORDER BY (r.relation = '户主') DESC, r.id LIMIT 1), "
                "(SELECT r.id FROM residents r WHERE r.household_id = h.id ORDER BY (r.relation = '户主') DESC, r.id LIMIT 1) "
                "FROM households h JOIN units u ON u.id = h.unit_id "
                "WHERE h.hardship = 1 OR h.minimum_income = 1 OR h.elderly_alone = 1 OR h.left_behind_children = 1 OR "
                "EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND (r.disability = 1 OR r.is_member = 1)) "
                "ORDER BY u.building_id, h.floor, h.room");
            // (a role without the key has no phones: column privileges, storage/access_pg.h)
            storage::Statement phoneOf(conn, "SELECT COALESCE(" + storage::columnOrNull(conn, "residents", "phone") + ", ''), " +
                                                 storage::columnOrNull(conn, "residents", "phone_enc") + " FROM residents WHERE id = ?");
            while (st.step()) {
                HouseholdRec h;
                h.buildingId = st.columnInt(0), h.room = st.columnText(1);
                std::vector<std::string> kinds;
                if (st.columnInt(2)) kinds.emplace_back("困难");
                if (st.columnInt(3)) kinds.emplace_back("低保");
                if (st.columnInt(4)) kinds.emplace_back("独居老人");
                if (st.columnInt(5)) kinds.emplace_back("留守儿童");
                if (st.columnInt(8)) kinds.emplace_back("残疾");
                for (const auto& k : kinds) h.care += (h.care.empty() ? "" : "、") + k;
                h.vulnerable = !kinds.empty();
                h.residents = static_cast<int>(st.columnInt(6)), h.members = static_cast<int>(st.columnInt(7));
                h.head = st.isNull(9) ? std::string() : st.columnText(9);
                if (!st.isNull(10)) {
                    phoneOf.reset();
                    phoneOf.bind(1, st.columnInt(10));
                    if (phoneOf.step())
                        h.phone = options.reveal ? cipher.open(storage::crypto::Field::ResidentPhone, std::to_string(st.columnInt(10)),
                                                               phoneOf.columnText(0), phoneOf.columnBlob(1))
                                                 : phoneOf.columnText(0);
                }
                households.push_back(std::move(h));
            }
        }
        if (!layout.coveragePostType.empty()) {
            if (feedback) feedback->setProgress(60, "coverage");
            const auto type = std::find_if(model::kPostTypes.begin(), model::kPostTypes.end(),
                                           [&](const auto& p) { return p.code == layout.coveragePostType; });
            if (type == model::kPostTypes.end())
                throw InputError(layout.path + ": coverage post type '" + layout.coveragePostType + "' is not a known post type");
            postTypeName = std::string(type->nameZh);
            storage::CoverageLoadOptions load;
            load.streets = false; // straight-line standard: no network needed
            const auto data = storage::loadCoverageData(atlas, load);
            storage::CoverageOptions co;
            co.postType = layout.coveragePostType;
            const auto result = storage::computeCoverage(*data, co);
            for (const auto& row : result.byGrid)
                if (auto it = gridIndex.find(row.id); it != gridIndex.end()) grids[it->second].coverage = row.percent();
            for (const auto& row : result.byCommunity) communityCoverage[row.id] = row.percent();
            atlasCoverage = data->households.size() ? 100.0 * static_cast<double>(result.coveredCount) / static_cast<double>(data->households.size()) : 0.0;
            for (const auto& gap : result.gaps) {
                const auto& b = data->buildings[static_cast<std::size_t>(gap.building)];
                gaps.push_back({b.id, gap.households, gap.uncovered, gap.vulnerableUncovered, gap.nearestDistanceM});
            }
        }
        choosePages();
        if (feedback) feedback->setProgress(100, "pages");
    }

    [[nodiscard]] bool matches(const std::string& a, const std::string& b = {}) const {
        return !options.only || *options.only == a || (!b.empty() && *options.only == b);
    }

    void choosePages() {
        switch (options.each) {
        case LayoutEach::Atlas: pages.push_back(0); break;
        case LayoutEach::Community:
            for (std::size_t i = 0; i < communities.size(); ++i)
                if (matches(communities[i].name, communities[i].code)) pages.push_back(i);
            break;
        case LayoutEach::Grid:
            for (std::size_t i = 0; i < grids.size(); ++i)
                if (matches(grids[i].code, grids[i].name)) pages.push_back(i);
            break;
        case LayoutEach::Building:
            // Member plans are of homes: buildings without households (shops, schools) only by --only.
            for (std::size_t i = 0; i < buildings.size(); ++i)
                if ((options.only || buildings[i].counts.households > 0) && matches(buildings[i].number, std::to_string(buildings[i].id)))
                    pages.push_back(i);
            break;
        }
        if (options.only && pages.empty())
            throw InputError("--only '" + *options.only + "': no " + render::layoutEachName(options.each) + " of the atlas has that name or code");
    }

    // ---- page assembly

    template <class Pred>
    Counts sumBuildings(Pred pred) const {
        Counts c;
        for (const auto& b : buildings)
            if (pred(b)) c += b.counts;
        return c;
    }

    void putCounts(LayoutPageData& d, const Counts& c) const {
        d.fields["buildings"] = std::to_string(c.buildings);
        d.fields["households"] = std::to_string(c.households);
        d.fields["residents"] = std::to_string(c.residents);
        d.fields["members"] = std::to_string(c.members);
        d.fields["member_households"] = std::to_string(c.memberHouseholds);
        d.fields["vulnerable"] = std::to_string(c.vulnerable);
        d.fields["posts"] = std::to_string(c.posts);
    }

    template <class Pred>
    void putTables(LayoutPageData& d, Pred inScope, const std::vector<const GridRec*>& gridRows) const {
        if (uses("grids")) {
            LayoutTable t;
            t.columns = render::layoutTableColumns().at("grids");
            for (const GridRec* g : gridRows) {
                const auto c = communityIndex.find(g->communityId);
                const std::string manager = g->staff.empty() || g->staff.front().role != "manager" ? "" : name(g->staff.front().name);
                t.rows.push_back({g->code, g->name, c == communityIndex.end() ? "" : communities[c->second].name,
                                  std::to_string(g->counts.buildings), std::to_string(g->counts.households), std::to_string(g->counts.residents),
                                  std::to_string(g->counts.members), std::to_string(g->counts.vulnerable), std::to_string(g->counts.posts),
                                  std::to_string(g->staffCount), manager, g->coverage ? percentText(*g->coverage) : ""});
            }
            d.tables["grids"] = std::move(t);
        }
        if (uses("buildings")) {
            LayoutTable t;
            t.columns = render::layoutTableColumns().at("buildings");
            for (const auto& b : buildings) {
                if (!inScope(b)) continue;
                const auto g = gridIndex.find(b.gridId);
                t.rows.push_back({b.number, b.compound, g == gridIndex.end() ? "" : grids[g->second].code, std::to_string(b.floors),
                                  std::to_string(b.units), std::to_string(b.counts.households), std::to_string(b.counts.residents),
                                  std::to_string(b.counts.members), std::to_string(b.counts.vulnerable)});
            }
            d.tables["buildings"] = std::move(t);
        }
        if (uses("staff")) {
            LayoutTable t;
            t.columns = render::layoutTableColumns().at("staff");
            for (const GridRec* g : gridRows) {
                const std::string share = g->staff.empty() ? "" : std::to_string(static_cast<long long>(
                                                                      std::llround(static_cast<double>(g->counts.households) / static_cast<double>(g->staff.size()))));
                for (const auto& s : g->staff)
                    t.rows.push_back({(gridRows.size() > 1 ? g->code + " " : std::string()) + roleName(s.role), name(s.name), phone(s.phone), share});
            }
            d.tables["staff"] = std::move(t);
        }
        if (uses("households")) {
            LayoutTable t;
            t.columns = render::layoutTableColumns().at("households");
            for (const auto& h : households) {
                const auto b = buildingIndex.find(h.buildingId);
                if (b == buildingIndex.end() || !inScope(buildings[b->second])) continue;
                // The kinds of hardship are personal details: masked, they read "重点关爱".
                const std::string care = h.care.empty() ? "" : options.reveal ? h.care : "重点关爱";
                t.rows.push_back({buildings[b->second].number, h.room, h.head.empty() ? "" : name(h.head), phone(h.phone),
                                  std::to_string(h.residents), h.members ? std::to_string(h.members) : "", care});
            }
            d.tables["households"] = std::move(t);
        }
        if (uses("gaps")) {
            LayoutTable t;
            t.columns = render::layoutTableColumns().at("gaps");
            for (const auto& gap : gaps) {
                const auto b = buildingIndex.find(gap.buildingId);
                if (b == buildingIndex.end() || !inScope(buildings[b->second])) continue;
                const auto g = gridIndex.find(buildings[b->second].gridId);
                t.rows.push_back({buildings[b->second].number, g == gridIndex.end() ? "" : grids[g->second].code, std::to_string(gap.households),
                                  std::to_string(gap.uncovered), std::to_string(gap.vulnerableUncovered),
                                  std::isfinite(gap.nearestM) ? std::to_string(static_cast<long long>(std::llround(gap.nearestM))) : "无"});
            }
            d.tables["gaps"] = std::move(t);
        }
    }

    void putStaff(LayoutPageData& d, const GridRec& g) const {
        for (const char* role : {"manager", "supervisor", "assistant"}) {
            d.fields[role] = "—";
            d.fields[std::string(role) + "_phone"] = "—";
            for (const auto& s : g.staff)
                if (s.role == role) {
                    d.fields[role] = name(s.name);
                    d.fields[std::string(role) + "_phone"] = s.phone.empty() ? "—" : phone(s.phone);
                }
        }
    }

    LayoutPageData base() const {
        LayoutPageData d;
        d.fields["atlas"] = atlasName;
        d.fields["date"] = date;
        d.fields["post_type"] = postTypeName;
        d.fields["masking"] = options.reveal ? "含未脱敏个人信息" : "个人信息已脱敏";
        d.fields["grid"] = "";
        d.fields["grid_code"] = "";
        d.fields["building"] = "";
        d.fields["coverage"] = "";
        for (const char* role : {"manager", "supervisor", "assistant"}) {
            d.fields[role] = "—";
            d.fields[std::string(role) + "_phone"] = "—";
        }
        d.overviewExtent = atlasExtent;
        return d;
    }

    void putCommunity(LayoutPageData& d, std::int64_t id) const {
        const auto it = communityIndex.find(id);
        if (it == communityIndex.end()) return;
        const auto& c = communities[it->second];
        d.fields["community"] = c.name;
        d.fields["street_office"] = c.streetOffice;
    }

    LayoutPageData page(std::size_t index) const {
        LayoutPageData d = base();
        const std::size_t i = pages.at(index);
        switch (options.each) {
        case LayoutEach::Atlas: {
            d.name = atlasName;
            Counts c = sumBuildings([](const BuildingRec&) { return true; });
            for (const auto& [id, n] : postsPerCommunity) c.posts += n;
            putCounts(d, c);
            d.fields["community"] = communities.size() == 1 ? communities.front().name : std::to_string(communities.size()) + "个社区";
            d.fields["street_office"] = communities.empty() ? "" : communities.front().streetOffice;
            d.fields["grids"] = std::to_string(grids.size());
            if (atlasCoverage) d.fields["coverage"] = percentText(*atlasCoverage);
            std::vector<const GridRec*> rows;
            for (const auto& g : grids) rows.push_back(&g);
            putTables(d, [](const BuildingRec&) { return true; }, rows);
            d.featureExtent = atlasExtent;
            break;
        }
        case LayoutEach::Community: {
            const auto& c = communities[i];
            d.name = c.name;
            putCommunity(d, c.id);
            Counts counts = sumBuildings([&](const BuildingRec& b) { return b.communityId == c.id; });
            const auto posts = postsPerCommunity.find(c.id);
            counts.posts = posts == postsPerCommunity.end() ? 0 : posts->second;
            putCounts(d, counts);
            std::vector<const GridRec*> rows;
            for (const auto& g : grids)
                if (g.communityId == c.id) rows.push_back(&g);
            d.fields["grids"] = std::to_string(rows.size());
            if (auto cov = communityCoverage.find(c.id); cov != communityCoverage.end()) d.fields["coverage"] = percentText(cov->second);
            putTables(d, [&](const BuildingRec& b) { return b.communityId == c.id; }, rows);
            d.featureGeometry = c.geometry;
            d.featureExtent = boundsOf(c.geometry);
            break;
        }
        case LayoutEach::Grid: {
            const auto& g = grids[i];
            d.name = g.code;
            putCommunity(d, g.communityId);
            d.fields["grid"] = g.name;
            d.fields["grid_code"] = g.code;
            d.fields["grids"] = "1";
            putCounts(d, g.counts);
            putStaff(d, g);
            if (g.coverage) d.fields["coverage"] = percentText(*g.coverage);
            putTables(d, [&](const BuildingRec& b) { return b.gridId == g.id; }, {&g});
            d.featureGeometry = g.geometry;
            d.featureExtent = boundsOf(g.geometry);
            if (auto c = communityIndex.find(g.communityId); c != communityIndex.end()) d.overviewExtent = boundsOf(communities[c->second].geometry);
            break;
        }
        case LayoutEach::Building: {
            const auto& b = buildings[i];
            d.name = b.number;
            putCommunity(d, b.communityId);
            d.fields["building"] = (b.compound.empty() ? "" : b.compound + " ") + b.number;
            putCounts(d, b.counts);
            std::vector<const GridRec*> rows;
            if (auto g = gridIndex.find(b.gridId); g != gridIndex.end()) {
                const auto& grid = grids[g->second];
                rows.push_back(&grid);
                d.fields["grid"] = grid.name;
                d.fields["grid_code"] = grid.code;
                putStaff(d, grid);
                if (grid.coverage) d.fields["coverage"] = percentText(*grid.coverage);
                d.overviewExtent = boundsOf(grid.geometry);
            }
            d.fields["grids"] = std::to_string(rows.size());
            putTables(d, [&](const BuildingRec& x) { return x.id == b.id; }, rows);
            d.featureGeometry = b.geometry;
            d.featureExtent = boundsOf(b.geometry);
            if (std::any_of(layout.items.begin(), layout.items.end(), [](const auto& it) { return it.kind == render::LayoutItemKind::FloorPlans; })) {
                const auto table = storage::loadBuildingTable(atlas, b.id);
                const auto plan = storage::loadFloorPlan(atlas, b.id);
                d.floorPlan = floorPlanChartData(atlasName, table, plan, std::nullopt, options.reveal);
            }
            break;
        }
        }
        return d;
    }
};

AtlasLayoutPages::AtlasLayoutPages(storage::Atlas& atlas, const render::Layout& layout, const AtlasLayoutPagesOptions& options,
                                   Feedback* feedback)
    : m_d(std::make_unique<Data>(atlas, layout, options)) {
    const QDate today = QDate::currentDate();
    m_d->date = options.dateText.empty() ? QStringLiteral("%1年%2月%3日").arg(today.year()).arg(today.month()).arg(today.day()).toStdString()
                                         : options.dateText;
    m_d->load(feedback);
}

AtlasLayoutPages::~AtlasLayoutPages() = default;

std::size_t AtlasLayoutPages::count() const { return m_d->pages.size(); }

render::LayoutPageData AtlasLayoutPages::page(std::size_t index) { return m_d->page(index); }

std::vector<std::string> AtlasLayoutPages::pageNames() const {
    std::vector<std::string> names;
    for (std::size_t i : m_d->pages) {
        switch (m_d->options.each) {
        case LayoutEach::Atlas: names.push_back(m_d->atlasName); break;
        case LayoutEach::Community: names.push_back(m_d->communities[i].name); break;
        case LayoutEach::Grid: names.push_back(m_d->grids[i].code + " " + m_d->grids[i].name); break;
        case LayoutEach::Building: {
            const auto& b = m_d->buildings[i];
            const auto c = m_d->communityIndex.find(b.communityId);
            names.push_back((c == m_d->communityIndex.end() ? "" : m_d->communities[c->second].name + " ") +
                            (b.compound.empty() ? "" : b.compound + " ") + b.number);
            break;
        }
        }
    }
    return names;
}

} // namespace gridatlas::io
