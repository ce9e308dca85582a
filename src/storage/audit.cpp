#include "storage/audit.h"

#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cstdlib>

#include "model/masking.h"
#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/engine.h"

namespace gridatlas::storage {

namespace {

// Person tables: their name and phone columns are personal data (a grid's or building's name is not).
constexpr std::array<std::string_view, 3> kPersonTables{"residents", "grid_staff", "grid_plan_staff"};
// Health and hardship facts: stored as "*" so the log does not say who is vulnerable.
constexpr std::array<std::string_view, 6> kFlagFields{"disability",    "hardship",           "minimum_income",
                                                      "elderly_alone", "left_behind_children", "vulnerable"};

bool contains(const auto& list, std::string_view v) {
    for (const auto& x : list)
        if (x == v) return true;
    return false;
}

model::Sensitivity sensitivityOf(std::string_view table, std::string_view field) {
    if (contains(kFlagFields, field)) return model::Sensitivity::Detail;
    const auto s = model::sensitivityOfField(field);
    if (s == model::Sensitivity::Name) return contains(kPersonTables, table) ? s : model::Sensitivity::None;
    return s;
}

std::string_view argText(sqlite3_value* v) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return t ? std::string_view(t, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string_view();
}

// The stored form of one value; nullopt for NULL.
std::optional<std::string> valueText(std::string_view table, std::string_view field, sqlite3_value* v) {
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: return std::nullopt;
    case SQLITE_BLOB: {
        const std::string size = std::to_string(sqlite3_value_bytes(v)) + " bytes";
        return field == "geom" ? "(geometry, " + size + ")" : "(" + size + ")";
    }
    default: return auditValue(table, field, argText(v));
    }
}

// gridatlas_audit_rows(kind): whether the triggers record this row; kind 0 = insert, 1 = update or delete.
void fnRows(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* conn = static_cast<const Connection*>(sqlite3_user_data(ctx));
    const auto rows = conn->auditRows();
    const bool on = rows == Connection::AuditRows::All || (rows == Connection::AuditRows::NoInserts && sqlite3_value_int(argv[0]) != 0);
    sqlite3_result_int(ctx, on ? 1 : 0);
}

void fnActor(sqlite3_context* ctx, int, sqlite3_value**) {
    const std::string actor = auditActor();
    sqlite3_result_text(ctx, actor.c_str(), static_cast<int>(actor.size()), SQLITE_TRANSIENT);
}

void resultText(sqlite3_context* ctx, const std::optional<std::string>& s) {
    if (!s) sqlite3_result_null(ctx);
    else sqlite3_result_text(ctx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
}

// gridatlas_audit_value(table, field, value)
void fnValue(sqlite3_context* ctx, int, sqlite3_value** argv) {
    resultText(ctx, valueText(argText(argv[0]), argText(argv[1]), argv[2]));
}

// gridatlas_audit_row(table, field1, value1, field2, value2, ...): "field1=value1; field2=..." of
// the non-NULL values, masked: what an inserted or deleted row held.
void fnRow(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    const std::string_view table = argText(argv[0]);
    std::string out;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view field = argText(argv[i]);
        const auto v = valueText(table, field, argv[i + 1]);
        if (!v) continue;
        if (!out.empty()) out += "; ";
        out.append(field).append("=").append(*v);
    }
    resultText(ctx, out);
}

void registerFunctions(Connection& conn) {
    sqlite3* db = conn.handle();
    struct Fn {
        const char* name;
        int args;
        void (*fn)(sqlite3_context*, int, sqlite3_value**);
    };
    const std::array<Fn, 4> fns{{
        {"gridatlas_audit_rows", 1, fnRows},
        {"gridatlas_audit_actor", 0, fnActor},
        {"gridatlas_audit_value", 3, fnValue},
        {"gridatlas_audit_row", -1, fnRow},
    }};
    for (const auto& f : fns) {
        const int rc = sqlite3_create_function_v2(db, f.name, f.args, SQLITE_UTF8, &conn, f.fn, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) throw StorageError("'" + conn.path() + "': cannot register " + f.name + ": " + sqlite3_errstr(rc));
    }
}

std::vector<std::string> columnsOf(Connection& conn, const std::string& table) {
    Statement st(conn, "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid");
    st.bind(1, table);
    std::vector<std::string> out;
    while (st.step())
        if (st.columnText(0) != "row_version") out.push_back(st.columnText(0)); // bumped by every update: no news
    return out;
}

std::string literal(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

constexpr std::string_view kInsertHead =
    "INSERT INTO audit_log (at, actor, action, table_name, row_id, field, old_value, new_value) ";
constexpr std::string_view kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

std::string rowSummary(const std::string& table, const std::vector<std::string>& cols, const char* which) {
    std::string s = "gridatlas_audit_row(" + literal(table);
    for (const auto& c : cols) s += ", " + literal(c) + ", " + which + "." + quoteIdentifier(c);
    return s + ")";
}

std::string triggerName(const std::string& table, const char* what) { return quoteIdentifier("gridatlas_audit_" + table + "_" + what); }

void createTriggers(Connection& conn, const std::string& table) {
    const auto cols = columnsOf(conn, table);
    if (cols.empty()) return;
    const std::string t = literal(table);
    const std::string on = " ON main." + quoteIdentifier(table);
    std::string sql;
    sql += "CREATE TEMP TRIGGER " + triggerName(table, "insert") + " AFTER INSERT" + on +
           " WHEN gridatlas_audit_rows(0) BEGIN " + std::string(kInsertHead) + "VALUES (" + std::string(kNow) +
           ", gridatlas_audit_actor(), 'insert', " + t + ", NEW.rowid, NULL, NULL, " + rowSummary(table, cols, "NEW") +
           "); END;\n";
    sql += "CREATE TEMP TRIGGER " + triggerName(table, "delete") + " AFTER DELETE" + on + " WHEN gridatlas_audit_rows(1) BEGIN " +
           std::string(kInsertHead) + "VALUES (" + std::string(kNow) + ", gridatlas_audit_actor(), 'delete', " + t +
           ", OLD.rowid, NULL, " + rowSummary(table, cols, "OLD") + ", NULL); END;\n";
    sql += "CREATE TEMP TRIGGER " + triggerName(table, "update") + " AFTER UPDATE" + on + " WHEN gridatlas_audit_rows(1) BEGIN ";
    for (const auto& c : cols) {
        const std::string q = quoteIdentifier(c);
        sql += std::string(kInsertHead) + "SELECT " + std::string(kNow) + ", gridatlas_audit_actor(), 'update', " + t +
               ", NEW.rowid, " + literal(c) + ", gridatlas_audit_value(" + t + ", " + literal(c) + ", OLD." + q +
               "), gridatlas_audit_value(" + t + ", " + literal(c) + ", NEW." + q + ") WHERE OLD." + q + " IS NOT NEW." + q +
               ";\n";
    }
    sql += "END;\n";
    conn.exec(sql);
}

// The PostgreSQL triggers (audit_pg.cpp) read the setting from the session.
void syncPgAuditRows(Connection& conn) {
    if (conn.engine() != Engine::PostgreSQL) return;
    using Rows = Connection::AuditRows;
    const char* mode = conn.auditRows() == Rows::All ? "all" : conn.auditRows() == Rows::NoInserts ? "noinserts" : "none";
    Statement st(conn, "SELECT set_config('gridatlas.audit_rows', ?, false)");
    st.bind(1, mode);
    st.step();
}

} // namespace

const std::vector<std::string>& auditedTables() {
    // grid_plan_grids/_staff/_buildings are copies saved with a plan: the plan row is logged, not
    // its thousands of copied rows.
    static const std::vector<std::string> tables{"communities", "grids",      "grid_staff",  "buildings", "units",
                                                 "households",  "residents",  "service_posts", "streets", "rooms",
                                                 "assignments", "post_types", "floor_plans", "grid_plans"};
    return tables;
}

std::string auditActor() {
    if (const char* u = std::getenv("GRIDATLAS_USER"); u && *u) return u;
    static const std::string osUser = [] {
        if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name && *pw->pw_name) return std::string(pw->pw_name);
        if (const char* u = std::getenv("USER"); u && *u) return std::string(u);
        return "uid " + std::to_string(getuid());
    }();
    return osUser;
}

std::string auditValue(std::string_view table, std::string_view field, std::string_view text) {
    return model::mask(text, sensitivityOf(table, field));
}

void removeAudit(Connection& conn) {
    for (const auto& t : auditedTables())
        for (const char* what : {"insert", "update", "delete"}) conn.exec("DROP TRIGGER IF EXISTS temp." + triggerName(t, what));
}

void installAudit(Connection& conn) {
    if (conn.isReadOnly() || conn.engine() == Engine::PostgreSQL || !conn.tableExists("audit_log")) return; // PG: server triggers (audit_pg.h)
    registerFunctions(conn);
    removeAudit(conn);
    for (const auto& t : auditedTables())
        if (conn.tableExists(t)) createTriggers(conn, t);
}

void logAudit(Connection& conn, std::string_view action, std::string_view table, std::optional<std::int64_t> rowId,
              std::string_view field, std::optional<std::string> oldValue, std::optional<std::string> newValue) {
    if (!conn.tableExists("audit_log")) return; // an atlas not yet migrated to schema 6
    const std::string now = conn.engine() == Engine::PostgreSQL
                                ? "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                                : std::string(kNow);
    Statement st(conn, std::string(kInsertHead) + "VALUES (" + now + ", ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, auditActor()).bind(2, action);
    if (table.empty()) st.bindNull(3);
    else st.bind(3, table);
    st.bind(4, rowId);
    if (field.empty()) st.bindNull(5);
    else st.bind(5, field);
    if (oldValue && !field.empty()) oldValue = auditValue(table, field, *oldValue);
    if (newValue && !field.empty()) newValue = auditValue(table, field, *newValue);
    st.bind(6, oldValue).bind(7, newValue);
    st.run();
}

std::vector<AuditEntry> readAudit(Connection& conn, const std::string& table, int limit) {
    if (!conn.tableExists("audit_log")) return {};
    // A role restricted to its community writes the shared log but does not read it (access_pg.h).
    if (conn.engine() == Engine::PostgreSQL && !conn.queryInt("SELECT 1 WHERE has_table_privilege('audit_log', 'SELECT')"))
        throw InputError("the history of this shared atlas is kept by its owner: role '" +
                         conn.queryText("SELECT session_user::text").value_or("?") +
                         "' writes to it but does not read it (ask the atlas owner, or read it with 'gridatlas-cli history' as the owner)");
    std::string sql = "SELECT id, at, actor, action, table_name, row_id, field, old_value, new_value FROM audit_log";
    if (!table.empty()) sql += " WHERE table_name = ?1";
    sql += " ORDER BY id DESC LIMIT " + std::to_string(limit < 0 ? 0 : limit);
    Statement st(conn, sql);
    if (!table.empty()) st.bind(1, table);
    std::vector<AuditEntry> out;
    while (st.step()) {
        AuditEntry e;
        e.id = st.columnInt(0);
        e.at = st.columnText(1);
        e.actor = st.columnText(2);
        e.action = st.columnText(3);
        e.table = st.columnText(4);
        if (!st.isNull(5)) e.rowId = st.columnInt(5);
        e.field = st.columnText(6);
        if (!st.isNull(7)) e.oldValue = st.columnText(7);
        if (!st.isNull(8)) e.newValue = st.columnText(8);
        out.push_back(std::move(e));
    }
    return out;
}

AuditBulkScope::AuditBulkScope(Connection& conn, bool everyRow) : m_conn(conn), m_was(static_cast<int>(conn.auditRows())) {
    using Rows = Connection::AuditRows;
    if (everyRow) conn.setAuditRows(Rows::None);
    else if (conn.auditRows() == Rows::All) conn.setAuditRows(Rows::NoInserts);
    syncPgAuditRows(conn);
}
AuditBulkScope::~AuditBulkScope() {
    m_conn.setAuditRows(static_cast<Connection::AuditRows>(m_was));
    try {
        syncPgAuditRows(m_conn);
    } catch (...) { // a destructor must not throw; the next scope sets it again
    }
}

} // namespace gridatlas::storage
