#include "storage/grid_stats.h"

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <mutex>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <unordered_map>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

/// Grid polygons in buckets of a uniform raster over their extent: a point tests only the grids
/// whose box covers its bucket, and first the grid the previous point fell in (rows are stored in
/// building order, so consecutive households share a grid).
class GridLocator {
public:
    void add(std::int64_t id, model::Geometry g) {
        m_ids.push_back(id);
        m_bounds.push_back(g.bounds());
        m_geoms.push_back(std::move(g));
    }

    void build() {
        model::Rect ext;
        for (const auto& b : m_bounds) ext.expand(b);
        m_ext = ext;
        if (m_geoms.empty()) return;
        // About one grid per bucket.
        const double cell = std::max(1.0, std::sqrt(ext.width() * ext.height() / static_cast<double>(m_geoms.size())));
        m_cell = cell;
        m_nx = std::max(1, static_cast<int>(ext.width() / cell) + 1);
        m_ny = std::max(1, static_cast<int>(ext.height() / cell) + 1);
        m_buckets.assign(static_cast<std::size_t>(m_nx) * static_cast<std::size_t>(m_ny), {});
        for (std::uint32_t i = 0; i < m_geoms.size(); ++i) {
            const auto& b = m_bounds[i];
            for (int y = by(b.ymin); y <= by(b.ymax); ++y)
                for (int x = bx(b.xmin); x <= bx(b.xmax); ++x) m_buckets[static_cast<std::size_t>(y) * m_nx + x].push_back(i);
        }
    }

    /// Index of the grid holding `p` (strictly inside by the even-odd rule), or -1.
    int locate(model::Vec2 p, int hint) const {
        if (hint >= 0 && inside(static_cast<std::size_t>(hint), p)) return hint;
        if (m_buckets.empty() || !m_ext.contains(p)) return -1;
        for (auto i : m_buckets[static_cast<std::size_t>(by(p.y)) * m_nx + bx(p.x)])
            if (static_cast<int>(i) != hint && inside(i, p)) return static_cast<int>(i);
        return -1;
    }

    [[nodiscard]] std::size_t size() const { return m_ids.size(); }
    [[nodiscard]] std::int64_t id(std::size_t i) const { return m_ids[i]; }
    [[nodiscard]] const model::Rect& bounds(std::size_t i) const { return m_bounds[i]; }

private:
    bool inside(std::size_t i, model::Vec2 p) const { return m_bounds[i].contains(p) && model::contains(m_geoms[i], p); }
    int bx(double x) const { return std::clamp(static_cast<int>((x - m_ext.xmin) / m_cell), 0, m_nx - 1); }
    int by(double y) const { return std::clamp(static_cast<int>((y - m_ext.ymin) / m_cell), 0, m_ny - 1); }

    std::vector<std::int64_t> m_ids;
    std::vector<model::Rect> m_bounds;
    std::vector<model::Geometry> m_geoms;
    model::Rect m_ext;
    double m_cell = 1;
    int m_nx = 0, m_ny = 0;
    std::vector<std::vector<std::uint32_t>> m_buckets;
};

void loadGrids(Connection& c, GridLocator& loc) {
    Statement st(c, "SELECT id, " + geomSelect(c, "geom") + " FROM grids WHERE geom IS NOT NULL ORDER BY id");
    while (st.step()) {
        model::Geometry g;
        decodeGeometry(c, st.columnBlob(1), g);
        loc.add(st.columnInt(0), std::move(g));
    }
    loc.build();
}

/// Per-household facts from the residents table, indexed by household id.
struct ResidentTally {
    std::vector<std::uint16_t> residents;
    std::vector<std::uint16_t> members;
    std::vector<std::uint8_t> disability;
};

ResidentTally tallyResidents(const std::string& path, std::int64_t maxHousehold) {
    Connection c(path, OpenMode::ReadOnly);
    ResidentTally t;
    const auto n = static_cast<std::size_t>(maxHousehold + 1);
    t.residents.assign(n, 0);
    t.members.assign(n, 0);
    t.disability.assign(n, 0);
    // Three index-only scans instead of one pass over the wide residents table (names, phones,
    // ID numbers): residents_household covers the first, the partial indexes residents_members
    // and residents_disability hold exactly the rows of the other two.
    auto scan = [&](const char* sql, auto&& fn) {
        Statement st(c, sql);
        while (st.step()) {
            const auto h = st.columnInt(0);
            if (h >= 0 && h <= maxHousehold) fn(static_cast<std::size_t>(h));
        }
    };
    scan("SELECT household_id FROM residents", [&](std::size_t h) { ++t.residents[h]; });
    scan("SELECT household_id FROM residents WHERE is_member = 1", [&](std::size_t h) { ++t.members[h]; });
    scan("SELECT household_id FROM residents WHERE disability = 1", [&](std::size_t h) { t.disability[h] = 1; });
    return t;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

} // namespace

std::vector<std::pair<std::int64_t, std::int64_t>> countHouseholdsPerGrid(Atlas& atlas) {
    auto& c = atlas.connection();
    GridLocator loc;
    loadGrids(c, loc);
    std::vector<std::int64_t> counts(loc.size(), 0);
    Statement st(c, "SELECT " + geomSelect(c, "geom") + " FROM households WHERE geom IS NOT NULL");
    int hint = -1;
    while (st.step()) {
        const model::Rect b = geometryBounds(c, st.columnBlob(0)); // a point's MBR is the point
        hint = loc.locate({b.xmin, b.ymin}, hint);
        if (hint >= 0) ++counts[static_cast<std::size_t>(hint)];
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (std::size_t i = 0; i < counts.size(); ++i)
        if (counts[i] > 0) out.emplace_back(loc.id(i), counts[i]);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::pair<std::int64_t, BuildingTally>> tallyBuildings(Atlas& atlas, const std::vector<std::int64_t>& buildingIds) {
    std::vector<std::pair<std::int64_t, BuildingTally>> out;
    // building_summary computes each building's totals from its own units (indexed), the same
    // definitions as the statistics (vulnerable: a household flag or a resident with a disability).
    Statement st(atlas.connection(),
                 "SELECT households, residents, members, vulnerable_households FROM building_summary WHERE id = ?");
    for (auto id : buildingIds) {
        st.reset();
        st.bind(1, id);
        if (!st.step()) continue;
        out.emplace_back(id, BuildingTally{static_cast<int>(st.columnInt(0)), static_cast<int>(st.columnInt(1)),
                                           static_cast<int>(st.columnInt(2)), static_cast<int>(st.columnInt(3))});
    }
    return out;
}

GridStatsResult computeGridStats(Atlas& atlas, Feedback* feedback) {
    auto& c = atlas.connection();
    if (feedback) feedback->setProgress(0, "grids");
    const std::int64_t maxHousehold = c.queryInt("SELECT COALESCE(MAX(id), 0) FROM households").value_or(0);
    // Residents are the biggest table: read them on a second connection meanwhile.
    auto residentsFuture = std::async(std::launch::async, tallyResidents, atlas.path(), maxHousehold);

    GridStatsResult result;
    GridLocator loc;
    loadGrids(c, loc);
    std::unordered_map<std::int64_t, std::size_t> indexOf;
    {
        Statement st(c, "SELECT g.id, g.code, g.name, g.community_id, c.name, g.target_households, "
                        "(SELECT COUNT(DISTINCT role) FROM grid_staff s WHERE s.grid_id = g.id) "
                        "FROM grids g LEFT JOIN communities c ON c.id = g.community_id ORDER BY g.code");
        while (st.step()) {
            GridStats s;
            s.gridId = st.columnInt(0);
            s.code = st.columnText(1);
            s.name = st.columnText(2);
            s.communityId = st.columnInt(3);
            s.community = st.columnText(4);
            if (!st.isNull(5)) s.targetHouseholds = static_cast<int>(st.columnInt(5));
            s.staff = static_cast<int>(st.columnInt(6));
            indexOf[s.gridId] = result.grids.size();
            result.grids.push_back(std::move(s));
        }
    }
    // Locator index -> result index.
    std::vector<std::size_t> slot(loc.size());
    for (std::size_t i = 0; i < loc.size(); ++i) slot[i] = indexOf.at(loc.id(i));
    {
        Statement st(c, "SELECT grid_id, COUNT(*) FROM buildings WHERE grid_id IS NOT NULL GROUP BY grid_id");
        while (st.step()) {
            auto it = indexOf.find(st.columnInt(0));
            if (it != indexOf.end()) result.grids[it->second].buildings = static_cast<int>(st.columnInt(1));
        }
    }
    {
        Statement st(c, "SELECT " + geomSelect(c, "geom") + " FROM service_posts WHERE geom IS NOT NULL");
        int hint = -1;
        while (st.step()) {
            const model::Rect b = geometryBounds(c, st.columnBlob(0));
            hint = loc.locate({b.xmin, b.ymin}, hint);
            if (hint >= 0) ++result.grids[slot[static_cast<std::size_t>(hint)]].servicePosts;
        }
    }
    if (feedback) feedback->setProgress(5, "households");

    // Household -> result slot (or -1), kept for the residents.
    std::vector<std::int32_t> gridOfHousehold(static_cast<std::size_t>(maxHousehold + 1), -1);
    // Vulnerable: any household flag or a resident with a disability (as in household_summary).
    std::vector<std::uint8_t> flagged(gridOfHousehold.size(), 0);
    {
        Statement st(c, "SELECT id, " + geomSelect(c, "geom") + ", hardship, minimum_income, elderly_alone, left_behind_children, vacant "
                        "FROM households WHERE geom IS NOT NULL");
        int hint = -1;
        std::size_t row = 0;
        while (st.step()) {
            if (++row % 65536 == 0 && feedback) {
                feedback->throwIfCancelled();
                feedback->setProgress(5 + 70.0 * static_cast<double>(row) / static_cast<double>(maxHousehold + 1), "households");
            }
            const model::Rect b = geometryBounds(c, st.columnBlob(1));
            hint = loc.locate({b.xmin, b.ymin}, hint);
            if (hint < 0) {
                ++result.householdsOutsideGrids;
                continue;
            }
            const std::size_t g = slot[static_cast<std::size_t>(hint)];
            const auto id = st.columnInt(0);
            if (id >= 0 && id <= maxHousehold) gridOfHousehold[static_cast<std::size_t>(id)] = static_cast<std::int32_t>(g);
            auto& s = result.grids[g];
            const bool hardship = st.columnInt(2) != 0, income = st.columnInt(3) != 0, alone = st.columnInt(4) != 0,
                       children = st.columnInt(5) != 0;
            ++s.households;
            s.hardship += hardship;
            s.minimumIncome += income;
            s.elderlyAlone += alone;
            s.leftBehindChildren += children;
            s.vacant += st.columnInt(6) != 0;
            if (id >= 0 && id <= maxHousehold) flagged[static_cast<std::size_t>(id)] = hardship || income || alone || children;
        }
    }
    if (feedback) feedback->setProgress(75, "residents");
    const ResidentTally t = residentsFuture.get();
    for (std::size_t h = 0; h < gridOfHousehold.size(); ++h) {
        const auto g = gridOfHousehold[h];
        if (g < 0) continue;
        auto& s = result.grids[static_cast<std::size_t>(g)];
        s.residents += t.residents[h];
        s.members += t.members[h];
        s.memberHouseholds += t.members[h] > 0;
        s.disability += t.disability[h];
        s.vulnerableHouseholds += (flagged[h] || t.disability[h]) ? 1 : 0;
    }
    if (feedback) feedback->setProgress(100, "done");
    return result;
}

namespace {

// The grids of a scope: their rows (ordered by code) and polygons.
void loadScopedGrids(Connection& c, const GridStatsScope& scope, GridStatsResult& result, GridLocator& loc) {
    std::string where;
    std::vector<std::string> params;
    if (scope.community) {
        where += "(c.name = ? OR c.code = ?)";
        params.push_back(*scope.community);
        params.push_back(*scope.community);
    }
    if (!scope.gridCodes.empty()) {
        std::string list;
        for (const auto& code : scope.gridCodes) {
            list += list.empty() ? "?" : ", ?";
            params.push_back(code);
        }
        where += (where.empty() ? "" : " AND ") + std::string("g.code IN (") + list + ")";
    }
    Statement st(c, "SELECT g.id, g.code, g.name, g.community_id, c.name, g.target_households, "
                    "(SELECT COUNT(DISTINCT role) FROM grid_staff s WHERE s.grid_id = g.id), " +
                        geomSelect(c, "g.geom") + " FROM grids g LEFT JOIN communities c ON c.id = g.community_id WHERE " + where +
                        " ORDER BY g.code");
    for (std::size_t i = 0; i < params.size(); ++i) st.bind(static_cast<int>(i) + 1, params[i]);
    while (st.step()) {
        GridStats s;
        s.gridId = st.columnInt(0);
        s.code = st.columnText(1);
        s.name = st.columnText(2);
        s.communityId = st.columnInt(3);
        s.community = st.columnText(4);
        if (!st.isNull(5)) s.targetHouseholds = static_cast<int>(st.columnInt(5));
        s.staff = static_cast<int>(st.columnInt(6));
        if (!st.isNull(7)) {
            model::Geometry g;
            decodeGeometry(c, st.columnBlob(7), g);
            loc.add(s.gridId, std::move(g));
        }
        result.grids.push_back(std::move(s));
    }
    loc.build();
    for (const auto& code : scope.gridCodes)
        if (std::none_of(result.grids.begin(), result.grids.end(), [&](const GridStats& s) { return s.code == code; }))
            throw InputError("no grid with code '" + code + "'" + (scope.community ? " in community '" + *scope.community + "'" : ""));
    if (result.grids.empty() && scope.community) throw InputError("no grids in community '" + *scope.community + "'");
}

GridStatsResult computeScopedGridStats(Atlas& atlas, const GridStatsScope& scope, Feedback* feedback) {
    auto& c = atlas.connection();
    if (feedback) feedback->setProgress(0, "grids");
    GridStatsResult result;
    GridLocator loc;
    loadScopedGrids(c, scope, result, loc);
    std::unordered_map<std::int64_t, std::size_t> indexOf;
    for (std::size_t i = 0; i < result.grids.size(); ++i) indexOf[result.grids[i].gridId] = i;
    std::vector<std::size_t> slot(loc.size());
    for (std::size_t i = 0; i < loc.size(); ++i) slot[i] = indexOf.at(loc.id(i));
    model::Rect box;
    for (std::size_t i = 0; i < loc.size(); ++i) box.expand(loc.bounds(i));

    {
        std::string ids;
        for (const auto& g : result.grids) ids += (ids.empty() ? "" : ", ") + std::to_string(g.gridId);
        Statement st(c, "SELECT grid_id, COUNT(*) FROM buildings WHERE grid_id IN (" + ids + ") GROUP BY grid_id");
        while (st.step()) result.grids[indexOf.at(st.columnInt(0))].buildings = static_cast<int>(st.columnInt(1));
    }
    if (box.isEmpty()) return result; // grids without polygons hold no points
    auto bindBox = [&](Statement& st) { st.bind(1, box.xmin).bind(2, box.ymin).bind(3, box.xmax).bind(4, box.ymax); };
    {
        Statement st(c, "SELECT " + geomSelect(c, "geom") + " FROM service_posts WHERE " +
                            bboxFilter(c, "rowid", "service_posts", "geom", 1));
        bindBox(st);
        int hint = -1;
        while (st.step()) {
            const model::Rect b = geometryBounds(c, st.columnBlob(0));
            hint = loc.locate({b.xmin, b.ymin}, hint);
            if (hint >= 0) ++result.grids[slot[static_cast<std::size_t>(hint)]].servicePosts;
        }
    }
    if (feedback) feedback->setProgress(20, "households");
    // Household id -> (slot, flagged) for the households in the scope's grids.
    struct Place {
        std::size_t slot;
        bool flagged;
    };
    std::unordered_map<std::int64_t, Place> placed;
    {
        Statement st(c, "SELECT id, " + geomSelect(c, "geom") +
                            ", hardship, minimum_income, elderly_alone, left_behind_children, vacant FROM households WHERE " +
                            bboxFilter(c, "rowid", "households", "geom", 1));
        bindBox(st);
        int hint = -1;
        while (st.step()) {
            if (st.isNull(1)) continue;
            const model::Rect b = geometryBounds(c, st.columnBlob(1));
            hint = loc.locate({b.xmin, b.ymin}, hint);
            if (hint < 0) continue;
            const std::size_t g = slot[static_cast<std::size_t>(hint)];
            auto& s = result.grids[g];
            const bool hardship = st.columnInt(2) != 0, income = st.columnInt(3) != 0, alone = st.columnInt(4) != 0,
                       children = st.columnInt(5) != 0;
            ++s.households;
            s.hardship += hardship;
            s.minimumIncome += income;
            s.elderlyAlone += alone;
            s.leftBehindChildren += children;
            s.vacant += st.columnInt(6) != 0;
            placed.emplace(st.columnInt(0), Place{g, hardship || income || alone || children});
        }
    }
    if (feedback) feedback->setProgress(60, "residents");
    {
        // The residents of the households in the box (residents_household index), folded per household.
        Statement st(c, "SELECT r.household_id, r.is_member, r.disability FROM residents r WHERE r.household_id IN "
                        "(SELECT id FROM households WHERE " +
                            bboxFilter(c, "rowid", "households", "geom", 1) + ") ORDER BY r.household_id");
        bindBox(st);
        std::int64_t current = -1;
        int members = 0;
        bool disability = false;
        const Place* place = nullptr;
        auto flush = [&] {
            if (!place) return;
            auto& s = result.grids[place->slot];
            s.members += members;
            s.memberHouseholds += members > 0;
            s.disability += disability;
            s.vulnerableHouseholds += (place->flagged || disability) ? 1 : 0;
        };
        std::unordered_map<std::int64_t, bool> counted;
        while (st.step()) {
            const auto h = st.columnInt(0);
            if (h != current) {
                flush();
                current = h;
                members = 0;
                disability = false;
                const auto it = placed.find(h);
                place = it == placed.end() ? nullptr : &it->second;
                if (place) counted[h] = true;
            }
            if (!place) continue;
            ++result.grids[place->slot].residents;
            members += st.columnInt(1) != 0;
            disability = disability || st.columnInt(2) != 0;
        }
        flush();
        // Households without residents are vulnerable by their own flags only.
        for (const auto& [h, p] : placed)
            if (p.flagged && !counted.count(h)) ++result.grids[p.slot].vulnerableHouseholds;
    }
    if (feedback) feedback->setProgress(100, "done");
    return result;
}

} // namespace

GridStatsResult computeGridStats(Atlas& atlas, const GridStatsScope& scope, Feedback* feedback) {
    if (scope.empty()) return computeGridStats(atlas, feedback);
    return computeScopedGridStats(atlas, scope, feedback);
}

namespace {

const char* const kColumns[] = {"code",
                                "name",
                                "community",
                                "target_households",
                                "buildings",
                                "households",
                                "deviation",
                                "residents",
                                "members",
                                "member_households",
                                "vulnerable_households",
                                "hardship",
                                "minimum_income",
                                "elderly_alone",
                                "left_behind_children",
                                "disability",
                                "vacant",
                                "service_posts",
                                "staff",
                                "households_per_staff"};

void writeXlsx(const GridStatsResult& stats, const std::string& path) {
    namespace fs = std::filesystem;
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
    CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("XLSX");
    if (!driver) throw StorageError("GDAL has no XLSX driver");
    const fs::path final(path);
    // GDAL writes XLSX through /vsizip/, which takes the first ".xlsx" in a path as the archive:
    // the temporary name must hold it once.
    const fs::path tmp = final.parent_path() / ("." + final.stem().string() + ".part.xlsx");
    std::error_code ec;
    fs::remove(tmp, ec);
    auto fail = [&](const std::string& what) {
        fs::remove(tmp, ec);
        throw StorageError("cannot write '" + path + "': " + what + " (" + CPLGetLastErrorMsg() + ")");
    };
    {
        GDALDatasetUniquePtr ds(driver->Create(tmp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) fail("GDAL could not create the file");
        OGRLayer* layer = ds->CreateLayer("grid_stats", nullptr, wkbNone, nullptr);
        if (!layer) fail("GDAL could not create the sheet");
        for (int i = 0; i < 20; ++i) {
            const bool text = i < 3;
            const bool real = i == 6 || i == 19;
            OGRFieldDefn f(kColumns[i], text ? OFTString : real ? OFTReal : OFTInteger);
            if (layer->CreateField(&f) != OGRERR_NONE) fail("GDAL could not create the columns");
        }
        for (const auto& s : stats.grids) {
            OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            f->SetField(0, s.code.c_str());
            f->SetField(1, s.name.c_str());
            f->SetField(2, s.community.c_str());
            if (s.targetHouseholds) f->SetField(3, *s.targetHouseholds);
            f->SetField(4, s.buildings);
            f->SetField(5, s.households);
            if (auto d = s.deviation()) f->SetField(6, *d);
            const int ints[] = {s.residents,  s.members,       s.memberHouseholds, s.vulnerableHouseholds,
                                s.hardship,   s.minimumIncome, s.elderlyAlone,     s.leftBehindChildren,
                                s.disability, s.vacant,        s.servicePosts,     s.staff};
            for (int i = 0; i < 12; ++i) f->SetField(7 + i, ints[i]);
            if (auto w = s.householdsPerStaff()) f->SetField(19, *w);
            if (layer->CreateFeature(f.get()) != OGRERR_NONE) fail("GDAL could not write grid " + s.code);
        }
        CPLErrorReset();
        ds.reset(); // GDAL 3.6 has no Close(): closing flushes, errors land in CPLGetLastErrorType
        if (CPLGetLastErrorType() == CE_Failure) fail("GDAL could not finish the file");
    }
    fs::rename(tmp, final, ec);
    if (ec) fail(ec.message());
}

} // namespace

void writeGridStats(const GridStatsResult& stats, const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (ext == ".xlsx") return writeXlsx(stats, path);
    if (ext != ".csv") throw InputError("--out '" + path + "': unknown format (use .csv or .xlsx)");
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw InputError("cannot write '" + path + "'");
        out << "\xEF\xBB\xBF"
            << "code,name,community,target_households,buildings,households,deviation,residents,members,"
               "member_households,vulnerable_households,hardship,minimum_income,elderly_alone,left_behind_children,"
               "disability,vacant,service_posts,staff,households_per_staff\n";
        char buf[64];
        for (const auto& s : stats.grids) {
            out << csvField(s.code) << ',' << csvField(s.name) << ',' << csvField(s.community) << ','
                << (s.targetHouseholds ? std::to_string(*s.targetHouseholds) : "") << ',' << s.buildings << ',' << s.households
                << ',';
            if (auto d = s.deviation()) {
                std::snprintf(buf, sizeof buf, "%.4f", *d);
                out << buf;
            }
            out << ',' << s.residents << ',' << s.members << ',' << s.memberHouseholds << ',' << s.vulnerableHouseholds << ','
                << s.hardship << ',' << s.minimumIncome << ',' << s.elderlyAlone << ',' << s.leftBehindChildren << ','
                << s.disability << ',' << s.vacant << ',' << s.servicePosts << ',' << s.staff << ',';
            if (auto w = s.householdsPerStaff()) {
                std::snprintf(buf, sizeof buf, "%.1f", *w);
                out << buf;
            }
            out << '\n';
        }
        if (!out.flush()) throw InputError("cannot write '" + path + "'");
    }
    std::filesystem::rename(tmp, path);
}

} // namespace gridatlas::storage
