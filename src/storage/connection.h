#pragma once
// RAII wrappers over sqlite3 + SpatiaLite. One Connection owns the sqlite3* and the SpatiaLite
// cache; Statements finalize in their destructors; Transactions roll back unless committed.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/feature.h"
#include "storage/engine.h"

struct sqlite3;
struct sqlite3_stmt;

namespace gridatlas::storage {

namespace pg {
class Session;
class Cursor;
} // namespace pg

enum class OpenMode { ReadOnly, ReadWrite, Create };

/// Called (on the waiting thread) when a connection finds the atlas locked by another writer and
/// starts waiting for it; `path` is the atlas. The CLI prints "atlas is busy ...; waiting...", the
/// viewer shows it in the status bar. Thread-safe to set; the receiver must be thread-safe.
using BusyNotifier = std::function<void(const std::string& path)>;
void setBusyNotifier(BusyNotifier notifier);
/// How long a connection waits for another writer before giving up (milliseconds). Default 60 s;
/// GRIDATLAS_BUSY_TIMEOUT_MS overrides it.
int busyTimeoutMs();

class Connection {
public:
    /// Opens `path`. ReadOnly/ReadWrite never create a file: a mistyped path is an error, not an
    /// empty atlas. Loads SpatiaLite into the connection, turns foreign keys on.
    /// A PostgreSQL location (engine.h: postgresql://..., pg:service=NAME, PG:conninfo) opens a
    /// libpq connection instead; the same API then runs on PostGIS (docs/postgis.md).
    Connection(const std::string& path, OpenMode mode);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&&) = delete;
    Connection& operator=(Connection&&) = delete;
    ~Connection();

    /// The SQLite handle; nullptr on PostgreSQL (code using it directly is SQLite-only).
    [[nodiscard]] sqlite3* handle() const { return m_db; }
    [[nodiscard]] Engine engine() const { return m_pg ? Engine::PostgreSQL : Engine::SQLite; }
    /// The libpq session (PostgreSQL only; nullptr on SQLite).
    [[nodiscard]] pg::Session* pgSession() const { return m_pg.get(); }
    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] bool isReadOnly() const { return m_readOnly; }

    /// Runs one or more statements without results; throws StorageError with the SQL.
    void exec(std::string_view sql);
    /// First column of the first row as integer / text (nullopt when no row or NULL).
    std::optional<std::int64_t> queryInt(std::string_view sql);
    std::optional<std::string> queryText(std::string_view sql);
    [[nodiscard]] std::int64_t lastInsertId() const;
    [[nodiscard]] bool tableExists(std::string_view name);
    /// BEGIN (IMMEDIATE on SQLite, which takes the write lock up front) / a ROLLBACK that never throws.
    void begin(bool immediate);
    void rollbackQuietly() noexcept;
    /// Whether a transaction is open on this connection (SQLite: not in autocommit mode).
    [[nodiscard]] bool inTransaction() const;

    /// Which row-level audit records the triggers write (audit.h): bulk imports switch inserts
    /// off, whole-table rewrites (re-encryption) everything, and log one summary row instead.
    enum class AuditRows { All, NoInserts, None };
    [[nodiscard]] AuditRows auditRows() const { return m_auditRows; }
    void setAuditRows(AuditRows rows) { m_auditRows = rows; }
    /// How often this connection has started waiting for another writer (for tests and messages).
    [[nodiscard]] int busyWaits() const { return m_busyWaits; }

private:
    static int onBusy(void* self, int attempt);
    sqlite3* m_db = nullptr;
    AuditRows m_auditRows = AuditRows::All;
    int m_busyWaits = 0;
    void* m_spatialiteCache = nullptr;
    std::unique_ptr<pg::Session> m_pg;
    std::string m_path;
    bool m_readOnly = false;
};

class Statement {
public:
    Statement(Connection& conn, std::string_view sql);
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    /// Binds by 1-based index.
    Statement& bind(int index, std::int64_t v);
    Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
    Statement& bind(int index, double v);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindBlob(int index, const void* data, std::size_t size);
    Statement& bindNull(int index);
    Statement& bind(int index, const model::Value& v);
    template <class T>
    Statement& bind(int index, const std::optional<T>& v) {
        return v ? bind(index, *v) : bindNull(index);
    }

    /// true for a row, false when done; throws on error with the SQL and file name.
    bool step();
    /// Runs a statement that returns no rows, then resets it for reuse.
    void run();
    void reset();

    [[nodiscard]] int columnCount() const;
    [[nodiscard]] std::string columnName(int i) const;
    [[nodiscard]] bool isNull(int i) const;
    [[nodiscard]] std::int64_t columnInt(int i) const;
    [[nodiscard]] double columnDouble(int i) const;
    [[nodiscard]] std::string columnText(int i) const;
    /// The text without a copy: valid until the next step() or column call on this column.
    [[nodiscard]] std::string_view columnTextView(int i) const;
    [[nodiscard]] std::string_view columnBlob(int i) const;
    [[nodiscard]] model::Value columnValue(int i) const;
    [[nodiscard]] Connection& connection() const { return m_conn; }
    /// The SQLite statement; nullptr on PostgreSQL.
    [[nodiscard]] sqlite3_stmt* handle() const { return m_stmt; }

private:
    Connection& m_conn;
    sqlite3_stmt* m_stmt = nullptr;
    std::unique_ptr<pg::Cursor> m_pg; // set instead of m_stmt on PostgreSQL
    std::string m_sql;
    [[noreturn]] void fail(int rc) const;
};

/// BEGIN in the constructor, ROLLBACK in the destructor unless commit() ran.
class Transaction {
public:
    explicit Transaction(Connection& conn, bool immediate = true);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction(Transaction&&) = delete;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    void commit();

private:
    Connection& m_conn;
    bool m_done = false;
};

/// A unit of work that nests: a SAVEPOINT inside the caller's transaction, else a transaction
/// of its own (both engines; PostgreSQL has no savepoint outside a transaction). Rolled back
/// unless release() is called. `begin` is what opens its own transaction (e.g. "BEGIN
/// ISOLATION LEVEL REPEATABLE READ" for a consistent read on PostgreSQL).
class Savepoint {
public:
    Savepoint(Connection& conn, std::string name, std::string_view begin = "BEGIN");
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    Savepoint(Savepoint&&) = delete;
    Savepoint& operator=(Savepoint&&) = delete;
    ~Savepoint();
    void release();

private:
    Connection& m_conn;
    std::string m_name;
    bool m_nested = false;
    bool m_done = false;
};

/// Quotes an identifier for SQL ("name" with doubled quotes).
std::string quoteIdentifier(std::string_view name);

} // namespace gridatlas::storage
