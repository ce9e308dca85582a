#pragma once
// The libpq backend behind Connection/Statement (connection.h); internal to storage. See
// docs/postgis.md for how it maps the SQLite-shaped API onto PostgreSQL.
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/feature.h"

struct pg_conn;
struct pg_result;

namespace gridatlas::storage::pg {

class Cursor;

/// `?` and `?N` placeholders (outside literals, quoted names and comments) rewritten as `$N`;
/// `paramCount` receives the highest parameter number.
std::string translatePlaceholders(std::string_view sql, int& paramCount);

/// One libpq connection. At most one statement streams rows at a time (libpq's single-row mode
/// holds the connection); when another statement runs meanwhile, the streaming one first reads
/// the rest of its rows into memory (Cursor::buffer), so nested loops work as on SQLite.
class Session {
public:
    Session(const std::string& location, bool readOnly);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    [[nodiscard]] pg_conn* handle() const { return m_conn; }
    [[nodiscard]] const std::string& where() const { return m_where; }
    /// Runs statements without parameters or results (several, separated by ';').
    void exec(std::string_view sql);
    /// COPY ... FROM STDIN: `produce` appends COPY text rows to its buffer and returns false when
    /// it has no more; the rows stream to the server in chunks. Errors name the COPY and the line.
    void copyIn(std::string_view copySql, const std::function<bool(std::string& buffer)>& produce);
    /// Frees the connection for a new command: a streaming cursor buffers the rest of its rows.
    void makeIdle();
    void setActive(Cursor* c) { m_active = c; }
    void clearActive(const Cursor* c) {
        if (m_active == c) m_active = nullptr;
    }
    [[nodiscard]] std::string nextStatementName() { return "ga_" + std::to_string(++m_statements); }
    /// Prepared statements are freed when the connection is next idle (DEALLOCATE needs a round trip).
    void deallocateLater(std::string name) { m_toDeallocate.push_back(std::move(name)); }

    /// A statement prepared on the server and its description (owned by whoever holds it).
    struct Prepared {
        std::string name;
        pg_result* description = nullptr;
    };
    /// The statement prepared earlier for `translatedSql` and not in use now, if any. The server
    /// keeps prepared statements for the session, so a statement run again (every frame of the
    /// viewer reads the same layer queries) is neither parsed nor planned again: PostgreSQL
    /// switches a statement run often to a generic plan. Planning the summary views takes ~10 ms,
    /// their bounding-box query ~2 ms.
    std::optional<Prepared> takePrepared(const std::string& translatedSql);
    /// Keeps a statement for the next takePrepared; the least recently used beyond
    /// kPreparedCacheSize are freed.
    void keepPrepared(std::string translatedSql, Prepared prepared);
    static constexpr std::size_t kPreparedCacheSize = 64;
    [[nodiscard]] bool inFailedTransaction() const;
    /// Throws StorageError (ConstraintError for integrity violations) for a failed result, which it clears.
    [[noreturn]] void fail(pg_result* res, std::string_view sql) const;

private:
    void flushDeallocations();
    void forgetPrepared();
    pg_conn* m_conn = nullptr;
    std::list<std::pair<std::string, Prepared>> m_idle; // most recently used first
    std::string m_where; // the location without its password, for messages
    Cursor* m_active = nullptr;
    std::uint64_t m_statements = 0;
    std::vector<std::string> m_toDeallocate;
};

/// One prepared statement and its current result, read row by row.
class Cursor {
public:
    Cursor(Session& session, std::string_view sql);
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor();

    void bindText(int index, std::string_view text);
    void bindBinary(int index, const void* data, std::size_t size);
    void bindNull(int index);
    bool step();
    void reset();
    /// Reads every remaining row of the running query into memory (Session::makeIdle).
    void buffer();

    [[nodiscard]] int columnCount() const;
    [[nodiscard]] std::string columnName(int i) const;
    [[nodiscard]] bool isNull(int i) const;
    [[nodiscard]] std::int64_t columnInt(int i) const;
    [[nodiscard]] double columnDouble(int i) const;
    [[nodiscard]] std::string_view columnTextView(int i) const;
    [[nodiscard]] std::string_view columnBlob(int i) const;
    [[nodiscard]] model::Value columnValue(int i) const;

private:
    enum class State { Ready, Streaming, Buffered, Done };
    void checkIndex(int index) const;
    void execute();
    void finishStream();
    void clearRow();
    [[nodiscard]] unsigned columnType(int i) const;
    Session& m_session;
    std::string m_sql;  // as written, for messages
    std::string m_translated; // the SQL sent to the server (the statement cache's key)
    std::string m_name; // prepared statement name
    pg_result* m_description = nullptr;
    std::vector<std::optional<std::string>> m_values;
    std::vector<int> m_formats;
    State m_state = State::Ready;
    pg_result* m_row = nullptr;           // the current row (single-row result)
    std::deque<pg_result*> m_buffered;    // rows read ahead by buffer()
    std::optional<std::string> m_pendingError; // an error met while buffering, thrown when reached
    mutable std::vector<std::optional<std::string>> m_decoded; // bytea columns of the current row
};

} // namespace gridatlas::storage::pg
