#include "storage/row_versions.h"

#include <algorithm>

#include "storage/audit.h"
#include "storage/connection.h"
#include "storage/engine.h"

namespace gridatlas::storage {

namespace {

std::optional<std::string> shown(std::string_view table, const std::string& column, const model::Value& v) {
    if (model::isNull(v)) return std::nullopt;
    return auditValue(table, column, model::toText(v));
}

std::string describe(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "NULL"; }

std::string message(const StaleEdit& e) {
    std::string m = e.table + " " + std::to_string(e.id);
    if (e.currentVersion == 0) {
        m += " was deleted after you read it (version " + std::to_string(e.baseVersion) + ")";
        if (!e.actor.empty()) m += " by " + e.actor + (e.at.empty() ? "" : " at " + e.at);
    } else {
        m += " was changed";
        if (!e.actor.empty()) m += " by " + e.actor + (e.at.empty() ? "" : " at " + e.at);
        m += " after you read it (version " + std::to_string(e.baseVersion) + ", now " + std::to_string(e.currentVersion) + ")";
        std::string fields;
        for (const auto& f : e.fields) {
            fields += fields.empty() ? ": " : "; ";
            fields += f.column + ": ";
            if (f.base || !f.changed) fields += "you saw " + describe(f.base) + ", ";
            fields += "you set " + describe(f.mine) + ", it is now " + describe(f.theirs);
        }
        m += fields;
    }
    return m + "; your edit was not saved (read the row again and redo it)";
}

void requireVersioned(std::string_view table) {
    const auto& t = versionedTables();
    if (std::find(t.begin(), t.end(), table) == t.end())
        throw InputError("table '" + std::string(table) + "' has no row versions (versioned: communities, grids, grid_staff, "
                         "buildings, units, households, residents, service_posts, streets, assignments)");
}

void requireColumn(Connection& conn, std::string_view table, const std::string& column) {
    if (column == "id" || column == "row_version")
        throw InputError("column '" + column + "' of " + std::string(table) + " is not edited directly");
    for (const auto& [name, type] : relationColumns(conn, table))
        if (name == column) return;
    throw InputError("table '" + std::string(table) + "' has no column '" + column + "'");
}

// Who last changed the row and when, from the audit log (SQLite records it; a PostGIS atlas
// without server audit triggers leaves it empty).
void lastChange(Connection& conn, StaleEdit& e) {
    if (!conn.tableExists("audit_log")) return;
    Statement st(conn, "SELECT actor, at FROM audit_log WHERE table_name = ? AND row_id = ? AND action IN ('update', 'delete') "
                       "ORDER BY id DESC LIMIT 1");
    st.bind(1, e.table).bind(2, e.id);
    if (st.step()) {
        e.actor = st.columnText(0);
        e.at = st.columnText(1);
    }
}

[[noreturn]] void refuse(Connection& conn, std::string_view table, std::int64_t id, std::int64_t expectedVersion,
                         const std::vector<ColumnValue>& values, const std::vector<ColumnValue>& base) {
    StaleEdit e;
    e.table = std::string(table);
    e.id = id;
    e.baseVersion = expectedVersion;
    std::string sql = "SELECT row_version";
    for (const auto& v : values) sql += ", " + quoteIdentifier(v.column);
    Statement st(conn, sql + " FROM " + quoteIdentifier(table) + " WHERE id = ?");
    st.bind(1, id);
    if (st.step()) {
        e.currentVersion = st.columnInt(0);
        for (std::size_t i = 0; i < values.size(); ++i) {
            FieldConflict f;
            f.column = values[i].column;
            f.mine = shown(table, f.column, values[i].value);
            const model::Value now = st.columnValue(static_cast<int>(i) + 1);
            f.theirs = shown(table, f.column, now);
            const auto b = std::find_if(base.begin(), base.end(), [&](const ColumnValue& c) { return c.column == f.column; });
            if (b != base.end()) {
                f.base = shown(table, f.column, b->value);
                f.changed = model::toText(b->value) != model::toText(now) || model::isNull(b->value) != model::isNull(now);
            }
            e.fields.push_back(std::move(f));
        }
        // Fields the other change touched come first: they are the news.
        std::stable_sort(e.fields.begin(), e.fields.end(), [](const FieldConflict& a, const FieldConflict& b) { return a.changed > b.changed; });
    }
    lastChange(conn, e);
    throw StaleEditError(std::move(e));
}

} // namespace

StaleEditError::StaleEditError(StaleEdit edit) : ConstraintError(message(edit)), m_edit(std::move(edit)) {}

const std::vector<std::string>& versionedTables() {
    static const std::vector<std::string> tables{"communities", "grids",         "grid_staff", "buildings",  "units",
                                                 "households",  "residents",     "service_posts", "streets", "assignments"};
    return tables;
}

std::optional<std::int64_t> rowVersion(Connection& conn, std::string_view table, std::int64_t id) {
    requireVersioned(table);
    Statement st(conn, "SELECT row_version FROM " + quoteIdentifier(table) + " WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return st.columnInt(0);
}

std::int64_t updateRow(Connection& conn, std::string_view table, std::int64_t id, std::int64_t expectedVersion,
                       const std::vector<ColumnValue>& values, const std::vector<ColumnValue>& base) {
    requireVersioned(table);
    if (values.empty()) throw InputError("an edit of " + std::string(table) + " " + std::to_string(id) + " changes no column");
    std::string sets;
    for (const auto& v : values) {
        requireColumn(conn, table, v.column);
        sets += (sets.empty() ? "" : ", ") + quoteIdentifier(v.column) + " = ?";
    }
    const int n = static_cast<int>(values.size());
    // The version check and the write are one statement: no other writer fits between them.
    // RETURNING reads the version the database gave the row (bumped by its trigger).
    Statement st(conn, "UPDATE " + quoteIdentifier(table) + " SET " + sets + " WHERE id = ?" + std::to_string(n + 1) +
                           " AND row_version = ?" + std::to_string(n + 2) + " RETURNING row_version");
    for (int i = 0; i < n; ++i) st.bind(i + 1, values[static_cast<std::size_t>(i)].value);
    st.bind(n + 1, id).bind(n + 2, expectedVersion);
    if (st.step()) {
        const std::int64_t version = st.columnInt(0);
        while (st.step()) {
        }
        // SQLite's AFTER trigger bumps after RETURNING has read the row: the version is one more.
        return conn.engine() == Engine::SQLite ? *rowVersion(conn, table, id) : version;
    }
    refuse(conn, table, id, expectedVersion, values, base);
}

void deleteRow(Connection& conn, std::string_view table, std::int64_t id, std::int64_t expectedVersion) {
    requireVersioned(table);
    bool deleted = false;
    {
        Statement st(conn, "DELETE FROM " + quoteIdentifier(table) + " WHERE id = ? AND row_version = ? RETURNING id");
        st.bind(1, id).bind(2, expectedVersion);
        deleted = st.step();
        while (st.step()) {
        }
    }
    if (!deleted) refuse(conn, table, id, expectedVersion, {}, {});
}

} // namespace gridatlas::storage
