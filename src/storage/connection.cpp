#include "storage/connection.h"

#include <sqlite3.h>
#include <spatialite.h>
#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "model/support/error.h"
#include "storage/connection_pg.h"

namespace gridatlas::storage {

namespace {
std::string errorText(sqlite3* db, int rc) {
    const char* msg = db ? sqlite3_errmsg(db) : nullptr;
    return msg ? msg : sqlite3_errstr(rc);
}
bool isConstraint(int rc) { return (rc & 0xFF) == SQLITE_CONSTRAINT; }

std::mutex& notifierMutex() {
    static std::mutex m;
    return m;
}
BusyNotifier& notifierSlot() {
    static BusyNotifier n;
    return n;
}
void notifyBusy(const std::string& path) {
    BusyNotifier n;
    {
        const std::lock_guard lock(notifierMutex());
        n = notifierSlot();
    }
    if (n) n(path);
}
} // namespace

void setBusyNotifier(BusyNotifier notifier) {
    const std::lock_guard lock(notifierMutex());
    notifierSlot() = std::move(notifier);
}

int busyTimeoutMs() {
    static const int timeout = [] {
        if (const char* env = std::getenv("GRIDATLAS_BUSY_TIMEOUT_MS")) {
            char* end = nullptr;
            const long v = std::strtol(env, &end, 10);
            if (end != env && v >= 0 && v <= 24L * 3600 * 1000) return static_cast<int>(v);
        }
        return 60000;
    }();
    return timeout;
}

// SQLite calls this while another connection holds the lock it needs. A writer waits for the
// other writer's transaction (an import can take a minute), says so once, and retries with a short
// back-off; returning 0 gives up with SQLITE_BUSY.
int Connection::onBusy(void* self, int attempt) {
    auto* conn = static_cast<Connection*>(self);
    constexpr int kStepsMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 50, 50, 100};
    constexpr int kSteps = static_cast<int>(std::size(kStepsMs));
    constexpr int kNotifyAttempt = 8;
    long waitedMs = 0;
    for (int i = 0; i < attempt && i < kSteps; ++i) waitedMs += kStepsMs[i];
    if (attempt >= kSteps) waitedMs += static_cast<long>(attempt - kSteps) * 100;
    if (waitedMs >= busyTimeoutMs()) return 0;
    // Say so once per wait, and only when it is a real wait (~0.1 s), not a checkpoint's blink.
    if (attempt == kNotifyAttempt) {
        ++conn->m_busyWaits;
        notifyBusy(conn->m_path);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kStepsMs[attempt < kSteps ? attempt : kSteps - 1]));
    return 1;
}

Connection::Connection(const std::string& path, OpenMode mode) : m_path(path), m_readOnly(mode == OpenMode::ReadOnly) {
    if (isPostgresLocation(path)) {
        m_pg = std::make_unique<pg::Session>(path, m_readOnly);
        return;
    }
    // SQLite counts every allocation under one process-wide mutex unless told not to: with the
    // viewer's loaders scanning on several connections at once that mutex serialises them.
    // Must precede sqlite3_initialize(); when another library already initialised SQLite the
    // call fails harmlessly.
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)configured;
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case OpenMode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    case OpenMode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
    case OpenMode::Create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    }
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = errorText(m_db, rc);
        sqlite3_close(m_db); // sqlite3_open_v2 may hand back a handle even when it fails
        m_db = nullptr;
        throw StorageError("cannot open '" + path + "': " + msg);
    }
    sqlite3_extended_result_codes(m_db, 1);
    m_spatialiteCache = spatialite_alloc_connection();
    spatialite_init_ex(m_db, m_spatialiteCache, 0);
    // After SpatiaLite's init, which may set a busy timeout of its own (that would replace ours).
    sqlite3_busy_handler(m_db, &Connection::onBusy, this);
    exec("PRAGMA foreign_keys = ON");
}

Connection::~Connection() {
    m_pg.reset();
    if (m_db) sqlite3_close_v2(m_db);
    if (m_spatialiteCache) spatialite_cleanup_ex(m_spatialiteCache);
}

void Connection::exec(std::string_view sql) {
    if (m_pg) {
        m_pg->exec(sql);
        return;
    }
    char* err = nullptr;
    const std::string s(sql);
    const int rc = sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        const std::string full = "'" + m_path + "': " + msg + " [SQL: " + s.substr(0, 300) + "]";
        if (isConstraint(rc)) throw ConstraintError(full);
        throw StorageError(full);
    }
}

std::optional<std::int64_t> Connection::queryInt(std::string_view sql) {
    Statement st(*this, sql);
    if (!st.step() || st.isNull(0)) return std::nullopt;
    return st.columnInt(0);
}

std::optional<std::string> Connection::queryText(std::string_view sql) {
    Statement st(*this, sql);
    if (!st.step() || st.isNull(0)) return std::nullopt;
    return st.columnText(0);
}

std::int64_t Connection::lastInsertId() const {
    if (m_pg) {
        // The value the session's last nextval() gave (identity columns draw from sequences).
        // lastval() fails when the session drew none, which would abort an open transaction: ask
        // inside a savepoint there. New code uses INSERT ... RETURNING id (both engines have it).
        auto& self = const_cast<Connection&>(*this);
        if (self.m_pg->inFailedTransaction()) return 0;
        const bool inTransaction = PQtransactionStatus(self.m_pg->handle()) == PQTRANS_INTRANS;
        if (inTransaction) self.m_pg->exec("SAVEPOINT ga_lastval");
        std::int64_t id = 0;
        try {
            Statement st(self, "SELECT lastval()");
            id = st.step() ? st.columnInt(0) : 0;
        } catch (const StorageError&) {
            if (inTransaction) self.m_pg->exec("ROLLBACK TO SAVEPOINT ga_lastval");
        }
        if (inTransaction) self.m_pg->exec("RELEASE SAVEPOINT ga_lastval");
        return id;
    }
    return sqlite3_last_insert_rowid(m_db);
}

bool Connection::tableExists(std::string_view name) {
    if (m_pg) {
        // The catalog, not information_schema: that one hides tables the role may not read,
        // and a table withheld by access control still exists.
        Statement st(*this, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = current_schema() AND c.relname = ? AND c.relkind IN ('r', 'v', 'm', 'p', 'f')");
        st.bind(1, name);
        return st.step();
    }
    Statement st(*this, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?");
    st.bind(1, name);
    return st.step();
}

Statement::Statement(Connection& conn, std::string_view sql) : m_conn(conn), m_sql(sql) {
    if (auto* session = conn.pgSession()) {
        m_pg = std::make_unique<pg::Cursor>(*session, m_sql);
        return;
    }
    const int rc = sqlite3_prepare_v2(conn.handle(), m_sql.data(), static_cast<int>(m_sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) fail(rc);
}

Statement::~Statement() {
    if (m_stmt) sqlite3_finalize(m_stmt);
}

void Statement::fail(int rc) const {
    const std::string msg = "'" + m_conn.path() + "': " + errorText(m_conn.handle(), rc) + " [SQL: " + m_sql.substr(0, 300) + "]";
    if (isConstraint(rc)) throw ConstraintError(msg);
    throw StorageError(msg);
}

Statement& Statement::bind(int index, std::int64_t v) {
    if (m_pg) {
        m_pg->bindText(index, std::to_string(v));
        return *this;
    }
    if (const int rc = sqlite3_bind_int64(m_stmt, index, v); rc != SQLITE_OK) fail(rc);
    return *this;
}
Statement& Statement::bind(int index, double v) {
    if (m_pg) {
        // Shortest text that reads back as the same double.
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        m_pg->bindText(index, std::string_view(buf, static_cast<std::size_t>(end - buf)));
        return *this;
    }
    if (const int rc = sqlite3_bind_double(m_stmt, index, v); rc != SQLITE_OK) fail(rc);
    return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
    if (m_pg) {
        m_pg->bindText(index, text);
        return *this;
    }
    if (const int rc = sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        rc != SQLITE_OK)
        fail(rc);
    return *this;
}
Statement& Statement::bindBlob(int index, const void* data, std::size_t size) {
    if (m_pg) {
        m_pg->bindBinary(index, data, size);
        return *this;
    }
    if (const int rc = sqlite3_bind_blob(m_stmt, index, data, static_cast<int>(size), SQLITE_TRANSIENT); rc != SQLITE_OK)
        fail(rc);
    return *this;
}
Statement& Statement::bindNull(int index) {
    if (m_pg) {
        m_pg->bindNull(index);
        return *this;
    }
    if (const int rc = sqlite3_bind_null(m_stmt, index); rc != SQLITE_OK) fail(rc);
    return *this;
}
Statement& Statement::bind(int index, const model::Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return bind(index, *i);
    if (const auto* d = std::get_if<double>(&v)) return bind(index, *d);
    if (const auto* s = std::get_if<std::string>(&v)) return bind(index, std::string_view(*s));
    return bindNull(index);
}

bool Statement::step() {
    if (m_pg) return m_pg->step();
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const int code = sqlite3_reset(m_stmt);
    fail(code != SQLITE_OK ? code : rc);
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    if (m_pg) {
        m_pg->reset();
        return;
    }
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int Statement::columnCount() const { return m_pg ? m_pg->columnCount() : sqlite3_column_count(m_stmt); }
std::string Statement::columnName(int i) const {
    if (m_pg) return m_pg->columnName(i);
    const char* n = sqlite3_column_name(m_stmt, i);
    return n ? n : "";
}
// The PostgreSQL test is one predictable branch: the SQLite path stays as fast as before.
bool Statement::isNull(int i) const {
    if (m_pg) [[unlikely]]
        return m_pg->isNull(i);
    return sqlite3_column_type(m_stmt, i) == SQLITE_NULL;
}
std::int64_t Statement::columnInt(int i) const {
    if (m_pg) [[unlikely]]
        return m_pg->columnInt(i);
    return sqlite3_column_int64(m_stmt, i);
}
double Statement::columnDouble(int i) const {
    if (m_pg) [[unlikely]]
        return m_pg->columnDouble(i);
    return sqlite3_column_double(m_stmt, i);
}
std::string Statement::columnText(int i) const {
    if (m_pg) [[unlikely]]
        return std::string(m_pg->columnTextView(i));
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
    return t ? std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, i))) : std::string();
}
std::string_view Statement::columnTextView(int i) const {
    if (m_pg) [[unlikely]]
        return m_pg->columnTextView(i);
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
    return t ? std::string_view(t, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, i))) : std::string_view();
}
std::string_view Statement::columnBlob(int i) const {
    if (m_pg) [[unlikely]]
        return m_pg->columnBlob(i);
    const void* p = sqlite3_column_blob(m_stmt, i);
    const int n = sqlite3_column_bytes(m_stmt, i);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string_view();
}
model::Value Statement::columnValue(int i) const {
    if (m_pg) [[unlikely]]
        return m_pg->columnValue(i);
    switch (sqlite3_column_type(m_stmt, i)) {
    case SQLITE_INTEGER: return columnInt(i);
    case SQLITE_FLOAT: return columnDouble(i);
    case SQLITE_TEXT: return columnText(i);
    case SQLITE_BLOB: return std::string(columnBlob(i));
    default: return std::monostate{};
    }
}

void Connection::begin(bool immediate) {
    // PostgreSQL takes row locks as it writes: there is no IMMEDIATE.
    exec(immediate && !m_pg ? "BEGIN IMMEDIATE" : "BEGIN");
}

void Connection::rollbackQuietly() noexcept {
    if (m_pg) {
        try {
            m_pg->exec("ROLLBACK");
        } catch (...) {
            // Nothing to roll back (the connection broke): the server discards the transaction.
        }
        return;
    }
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool Connection::inTransaction() const {
    if (m_pg) {
        const auto status = PQtransactionStatus(m_pg->handle());
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
    }
    return sqlite3_get_autocommit(m_db) == 0;
}

Savepoint::Savepoint(Connection& conn, std::string name, std::string_view begin)
    : m_conn(conn), m_name(std::move(name)), m_nested(conn.inTransaction()) {
    m_conn.exec(m_nested ? "SAVEPOINT " + m_name : std::string(begin));
}

void Savepoint::release() {
    m_conn.exec(m_nested ? "RELEASE " + m_name : std::string("COMMIT"));
    m_done = true;
}

Savepoint::~Savepoint() {
    if (m_done) return;
    if (!m_nested) {
        m_conn.rollbackQuietly();
        return;
    }
    try {
        m_conn.exec("ROLLBACK TO " + m_name);
        m_conn.exec("RELEASE " + m_name);
    } catch (...) {
        // A broken connection: the caller's transaction fails with it.
    }
}

Transaction::Transaction(Connection& conn, bool immediate) : m_conn(conn) { conn.begin(immediate); }

Transaction::~Transaction() {
    if (!m_done) m_conn.rollbackQuietly();
}

void Transaction::commit() {
    m_conn.exec("COMMIT");
    m_done = true;
}

std::string quoteIdentifier(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace gridatlas::storage
