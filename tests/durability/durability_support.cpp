#include "durability_support.h"

#include <fstream>
#include <functional>

#include "storage/connection.h"
#include "storage/grid_edit.h"
#include "storage/grid_plans.h"

namespace gridatlas::testing {

PlanWorld::PlanWorld() {
    storage::saveCurrentPlan(*atlas, "one");
    storage::GridEditor editor(*atlas);
    editor.splitGrid(1, model::Geometry::lineString({{kX0 + 150, kY0 - 5}, {kX0 + 150, kY0 + 305}}),
                     {"150781001001-02", "湖西二网格", std::nullopt, 200});
    storage::saveCurrentPlan(*atlas, "two");
    atlas.reset();
    // Back to plan "one" through a writable open (as the CLI would), so both states are ones
    // restorePlan writes.
    auto a = storage::Atlas::open(path, storage::OpenMode::ReadWrite);
    storage::restorePlan(*a, "one");
}

void writeBigRoster(const std::string& path, int rows) {
    std::ofstream out(path, std::ios::binary);
    out << "姓名,住址\n";
    const char* rooms[] = {"101", "202", "303", "404", "505", "606"};
    for (int i = 0; i < rows; ++i) out << "居民" << i << ",湖西社区1栋" << (1 + i % 2) << "单元" << rooms[(i / 2) % 6] << "\n";
}

namespace {
std::string hashRows(storage::Connection& c, const std::string& sql) {
    storage::Statement st(c, sql);
    std::size_t h = 0;
    std::int64_t n = 0;
    while (st.step()) {
        ++n;
        for (int i = 0; i < st.columnCount(); ++i) {
            const std::string_view v = st.isNull(i) ? std::string_view("\x01NULL") : st.columnBlob(i);
            h = h * 1000003u ^ std::hash<std::string_view>{}(v);
        }
    }
    return std::to_string(n) + ":" + std::to_string(h);
}
} // namespace

std::string gridFingerprint(const std::string& atlasPath) {
    storage::Connection c(atlasPath, storage::OpenMode::ReadOnly);
    c.exec("BEGIN");
    std::string out = hashRows(c, "SELECT code, name, community_id, target_households, geom FROM grids ORDER BY code");
    out += "|" + hashRows(c, "SELECT g.code, s.role, s.name, s.phone FROM grid_staff s JOIN grids g ON g.id = s.grid_id "
                             "ORDER BY g.code, s.role");
    out += "|" + hashRows(c, "SELECT b.id, g.code FROM buildings b LEFT JOIN grids g ON g.id = b.grid_id ORDER BY b.id");
    c.exec("COMMIT");
    return out;
}

std::string residentFingerprint(const std::string& atlasPath) {
    storage::Connection c(atlasPath, storage::OpenMode::ReadOnly);
    c.exec("BEGIN");
    std::string out = hashRows(c, "SELECT id, household_id, name, relation, gender, birth_year, phone, id_number, disability, "
                                  "is_member FROM residents ORDER BY id");
    out += "|" + hashRows(c, "SELECT kind, target, added FROM imports ORDER BY id");
    out += "|" + hashRows(c, "SELECT id, unit_id, floor, room FROM households ORDER BY id");
    c.exec("COMMIT");
    return out;
}

std::string atlasFaults(const std::string& atlasPath) {
    storage::Connection c(atlasPath, storage::OpenMode::ReadWrite);
    std::string faults;
    const auto check = c.queryText("PRAGMA integrity_check");
    if (check != "ok") faults += "integrity_check: " + check.value_or("(none)") + "; ";
    storage::Statement st(c, "SELECT f_table_name, f_geometry_column FROM geometry_columns WHERE spatial_index_enabled = 1");
    while (st.step()) {
        const std::string table = st.columnText(0), column = st.columnText(1);
        storage::Statement chk(c, "SELECT CheckSpatialIndex(?, ?)");
        chk.bind(1, table).bind(2, column);
        if (!chk.step() || chk.isNull(0) || chk.columnInt(0) != 1) faults += "spatial index of " + table + " disagrees; ";
    }
    return faults;
}

std::string cli() { return cliPath(); }

} // namespace gridatlas::testing
