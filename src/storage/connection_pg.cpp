#include "storage/connection_pg.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cctype>
#include <cstring>

#include "model/support/error.h"
#include "storage/engine.h"

namespace gridatlas::storage::pg {

namespace {
// Type OIDs of pg_type (stable across PostgreSQL versions).
constexpr unsigned kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701,
                   kNumeric = 1700;

std::string shortSql(std::string_view sql) { return std::string(sql.substr(0, 300)); }

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// bytea in text results: "\x" then two hex digits a byte (bytea_output = hex, set per session).
std::string decodeByteaHex(std::string_view text) {
    if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text);
    std::string out;
    out.resize((text.size() - 2) / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hexValue(text[2 + 2 * i]), lo = hexValue(text[3 + 2 * i]);
        if (hi < 0 || lo < 0) throw StorageError("malformed bytea value from PostgreSQL");
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return out;
}

// Messages from the server (NOTICEs of IF NOT EXISTS, ...) are not errors: keep them off stderr.
void ignoreNotice(void*, const char*) {}
} // namespace

std::string translatePlaceholders(std::string_view sql, int& paramCount) {
    std::string out;
    out.reserve(sql.size() + 16);
    paramCount = 0;
    int next = 0; // a bare ? takes the number after the highest used so far, as in SQLite
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            // Copy the literal or quoted name whole; doubled quotes stay inside it.
            const std::size_t end = sql.find(c, i + 1);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
            continue;
        }
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const std::size_t end = sql.find('\n', i);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
            continue;
        }
        if (c != '?') {
            out.push_back(c);
            continue;
        }
        std::size_t j = i + 1;
        int number = 0;
        while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') number = number * 10 + (sql[j++] - '0');
        if (j == i + 1) number = next + 1;
        next = std::max(next, number);
        paramCount = std::max(paramCount, number);
        out += "$" + std::to_string(number);
        i = j - 1;
    }
    return out;
}

// --- Session --------------------------------------------------------------------------------

Session::Session(const std::string& location, bool readOnly) : m_where(redactLocation(location)) {
    const std::string info = pgConninfo(location);
    m_conn = PQconnectdb(info.c_str());
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        std::string msg = m_conn ? PQerrorMessage(m_conn) : "out of memory";
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        PQfinish(m_conn);
        m_conn = nullptr;
        throw StorageError("cannot open PostgreSQL atlas '" + m_where + "': " + msg);
    }
    PQsetNoticeProcessor(m_conn, &ignoreNotice, nullptr);
    exec("SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET extra_float_digits = 1; "
         "SET client_min_messages = warning");
    if (readOnly) exec("SET default_transaction_read_only = on");
}

Session::~Session() {
    for (auto& [sql, p] : m_idle) PQclear(p.description);
    if (m_conn) PQfinish(m_conn);
}

std::optional<Session::Prepared> Session::takePrepared(const std::string& translatedSql) {
    for (auto it = m_idle.begin(); it != m_idle.end(); ++it) {
        if (it->first.size() == translatedSql.size() && it->first == translatedSql) {
            Prepared p = std::move(it->second);
            m_idle.erase(it);
            return p;
        }
    }
    return std::nullopt;
}

void Session::keepPrepared(std::string translatedSql, Prepared prepared) {
    m_idle.emplace_front(std::move(translatedSql), std::move(prepared));
    while (m_idle.size() > kPreparedCacheSize) {
        PQclear(m_idle.back().second.description);
        deallocateLater(std::move(m_idle.back().second.name));
        m_idle.pop_back();
    }
}

void Session::forgetPrepared() {
    for (auto& [sql, p] : m_idle) {
        PQclear(p.description);
        deallocateLater(std::move(p.name));
    }
    m_idle.clear();
}

bool Session::inFailedTransaction() const { return PQtransactionStatus(m_conn) == PQTRANS_INERROR; }

void Session::fail(pg_result* res, std::string_view sql) const {
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(m_conn);
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const bool constraint = state && std::strncmp(state, "23", 2) == 0;
    PQclear(res);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (msg.rfind("ERROR:  ", 0) == 0) msg.erase(0, 8);
    const std::string full = "'" + m_where + "': " + msg + " [SQL: " + shortSql(sql) + "]";
    if (constraint) throw ConstraintError(full);
    throw StorageError(full);
}

void Session::exec(std::string_view sql) {
    makeIdle();
    const std::string s(sql);
    // A kept statement whose tables change shape could fail ("cached plan must not change result
    // type"): schema changes start the statement cache afresh.
    if (!m_idle.empty()) {
        std::string upper(s);
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        for (const char* ddl : {"CREATE ", "ALTER ", "DROP ", "TRUNCATE "})
            if (upper.find(ddl) != std::string::npos) {
                forgetPrepared();
                break;
            }
    }
    PGresult* res = PQexec(m_conn, s.c_str());
    const auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(res, sql);
    // COMMIT of a transaction that already failed rolls back without an error: say so.
    const bool rolledBack = std::strcmp(PQcmdStatus(res), "ROLLBACK") == 0 && s.find("COMMIT") != std::string::npos;
    PQclear(res);
    if (rolledBack) throw StorageError("'" + m_where + "': the transaction was rolled back after an earlier error [SQL: " + s + "]");
}

void Session::copyIn(std::string_view copySql, const std::function<bool(std::string& buffer)>& produce) {
    makeIdle();
    const std::string sql(copySql);
    PGresult* res = PQexec(m_conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COPY_IN) fail(res, sql);
    PQclear(res);
    constexpr std::size_t kChunk = 1 << 20;
    std::string buffer;
    buffer.reserve(kChunk + 4096);
    bool more = true;
    while (more) {
        try {
            more = produce(buffer);
        } catch (...) {
            // End the COPY with an error so the connection is usable again, then rethrow.
            PQputCopyEnd(m_conn, "cancelled by the client");
            while (PGresult* r = PQgetResult(m_conn)) PQclear(r);
            throw;
        }
        if (buffer.size() >= kChunk || (!more && !buffer.empty())) {
            if (PQputCopyData(m_conn, buffer.data(), static_cast<int>(buffer.size())) != 1) break;
            buffer.clear();
        }
    }
    PQputCopyEnd(m_conn, nullptr);
    PGresult* last = nullptr;
    while (PGresult* r = PQgetResult(m_conn)) {
        if (last) PQclear(last);
        last = r;
    }
    if (!last || PQresultStatus(last) != PGRES_COMMAND_OK) fail(last, sql);
    PQclear(last);
}

void Session::makeIdle() {
    if (m_active) {
        Cursor* c = m_active;
        m_active = nullptr;
        c->buffer();
    }
    if (!m_toDeallocate.empty() && !inFailedTransaction()) flushDeallocations();
}

void Session::flushDeallocations() {
    std::string sql;
    for (const auto& n : m_toDeallocate) sql += "DEALLOCATE " + n + ";";
    m_toDeallocate.clear();
    PQclear(PQexec(m_conn, sql.c_str())); // freeing is best effort: a lost statement only costs memory
}

// --- Cursor ---------------------------------------------------------------------------------

Cursor::Cursor(Session& session, std::string_view sql) : m_session(session), m_sql(sql) {
    int params = 0;
    m_translated = translatePlaceholders(sql, params);
    m_values.resize(static_cast<std::size_t>(params));
    m_formats.assign(static_cast<std::size_t>(params), 0);
    if (auto kept = m_session.takePrepared(m_translated)) {
        m_name = std::move(kept->name);
        m_description = kept->description;
        m_decoded.resize(static_cast<std::size_t>(PQnfields(m_description)));
        return;
    }
    m_session.makeIdle();
    m_name = m_session.nextStatementName();
    PGconn* conn = m_session.handle();
    PGresult* res = PQprepare(conn, m_name.c_str(), m_translated.c_str(), params, nullptr);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) m_session.fail(res, m_sql);
    PQclear(res);
    m_description = PQdescribePrepared(conn, m_name.c_str());
    if (PQresultStatus(m_description) != PGRES_COMMAND_OK) {
        PGresult* d = m_description;
        m_description = nullptr;
        m_session.fail(d, m_sql);
    }
    m_decoded.resize(static_cast<std::size_t>(PQnfields(m_description)));
}

Cursor::~Cursor() {
    try {
        reset();
    } catch (...) {
        // A destructor cannot report; the connection stays usable for the next statement.
    }
    if (m_description && m_state != State::Streaming) {
        m_session.keepPrepared(std::move(m_translated), Session::Prepared{std::move(m_name), m_description});
        return;
    }
    PQclear(m_description);
    m_session.deallocateLater(m_name);
}

void Cursor::checkIndex(int index) const {
    if (index < 1 || index > static_cast<int>(m_values.size()))
        throw StorageError("'" + m_session.where() + "': parameter " + std::to_string(index) + " out of range (the SQL has " +
                           std::to_string(m_values.size()) + ") [SQL: " + shortSql(m_sql) + "]");
}

void Cursor::bindText(int index, std::string_view text) {
    checkIndex(index);
    m_values[static_cast<std::size_t>(index - 1)] = std::string(text);
    m_formats[static_cast<std::size_t>(index - 1)] = 0;
}

void Cursor::bindBinary(int index, const void* data, std::size_t size) {
    checkIndex(index);
    m_values[static_cast<std::size_t>(index - 1)] = std::string(static_cast<const char*>(data), size);
    m_formats[static_cast<std::size_t>(index - 1)] = 1;
}

void Cursor::bindNull(int index) {
    checkIndex(index);
    m_values[static_cast<std::size_t>(index - 1)].reset();
}

void Cursor::execute() {
    m_session.makeIdle();
    std::vector<const char*> values(m_values.size());
    std::vector<int> lengths(m_values.size());
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        values[i] = m_values[i] ? m_values[i]->data() : nullptr;
        lengths[i] = m_values[i] ? static_cast<int>(m_values[i]->size()) : 0;
    }
    PGconn* conn = m_session.handle();
    if (!PQsendQueryPrepared(conn, m_name.c_str(), static_cast<int>(values.size()), values.data(), lengths.data(),
                             m_formats.data(), 0))
        m_session.fail(nullptr, m_sql);
    // Rows arrive one by one: a 10-million-row scan never sits in one PGresult.
    PQsetSingleRowMode(conn);
    m_state = State::Streaming;
    m_session.setActive(this);
}

void Cursor::clearRow() {
    PQclear(m_row);
    m_row = nullptr;
    for (auto& d : m_decoded) d.reset();
}

// Reads the results after the last row (the final status and the terminating NULL).
void Cursor::finishStream() {
    PGconn* conn = m_session.handle();
    while (PGresult* r = PQgetResult(conn)) PQclear(r);
    m_session.clearActive(this);
}

bool Cursor::step() {
    clearRow();
    if (m_state == State::Done) m_state = State::Ready; // like sqlite3_step after SQLITE_DONE: run again
    if (m_state == State::Ready) execute();
    if (m_state == State::Buffered) {
        if (m_buffered.empty()) {
            m_state = State::Done;
            return false;
        }
        PGresult* r = m_buffered.front();
        m_buffered.pop_front();
        if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
            m_row = r;
            return true;
        }
        for (auto* rest : m_buffered) PQclear(rest);
        m_buffered.clear();
        m_state = State::Done;
        m_session.fail(r, m_sql);
    }
    PGresult* r = PQgetResult(m_session.handle());
    const auto status = PQresultStatus(r);
    if (status == PGRES_SINGLE_TUPLE) {
        m_row = r;
        return true;
    }
    m_state = State::Done;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        PQclear(r);
        finishStream();
        return false;
    }
    finishStream();
    m_session.fail(r, m_sql);
}

void Cursor::buffer() {
    if (m_state != State::Streaming) return;
    PGconn* conn = m_session.handle();
    while (PGresult* r = PQgetResult(conn)) {
        const auto status = PQresultStatus(r);
        if (status == PGRES_SINGLE_TUPLE || (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)) m_buffered.push_back(r);
        else PQclear(r);
    }
    m_session.clearActive(this);
    m_state = State::Buffered;
}

void Cursor::reset() {
    clearRow();
    if (m_state == State::Streaming) finishStream();
    for (auto* r : m_buffered) PQclear(r);
    m_buffered.clear();
    m_state = State::Ready;
    for (auto& v : m_values) v.reset();
    std::fill(m_formats.begin(), m_formats.end(), 0);
}

int Cursor::columnCount() const { return PQnfields(m_description); }
std::string Cursor::columnName(int i) const {
    const char* n = PQfname(m_description, i);
    return n ? n : "";
}
unsigned Cursor::columnType(int i) const { return PQftype(m_description, i); }

bool Cursor::isNull(int i) const { return !m_row || i < 0 || i >= PQnfields(m_row) || PQgetisnull(m_row, 0, i); }

std::string_view Cursor::columnTextView(int i) const {
    if (isNull(i)) return {};
    if (columnType(i) == kBytea) return columnBlob(i);
    return {PQgetvalue(m_row, 0, i), static_cast<std::size_t>(PQgetlength(m_row, 0, i))};
}

std::int64_t Cursor::columnInt(int i) const {
    if (isNull(i)) return 0;
    const std::string_view t(PQgetvalue(m_row, 0, i), static_cast<std::size_t>(PQgetlength(m_row, 0, i)));
    if (columnType(i) == kBool) return t == "t" ? 1 : 0;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && end == t.data() + t.size()) return v;
    return static_cast<std::int64_t>(columnDouble(i)); // numeric or float text: truncated, as SQLite does
}

double Cursor::columnDouble(int i) const {
    if (isNull(i)) return 0.0;
    if (columnType(i) == kBool) return columnInt(i);
    const char* t = PQgetvalue(m_row, 0, i);
    return std::strtod(t, nullptr); // also reads "Infinity" and "NaN"
}

std::string_view Cursor::columnBlob(int i) const {
    if (isNull(i)) return {};
    const std::string_view t(PQgetvalue(m_row, 0, i), static_cast<std::size_t>(PQgetlength(m_row, 0, i)));
    if (columnType(i) != kBytea) return t;
    auto& slot = m_decoded[static_cast<std::size_t>(i)];
    if (!slot) slot = decodeByteaHex(t);
    return *slot;
}

model::Value Cursor::columnValue(int i) const {
    if (isNull(i)) return std::monostate{};
    switch (columnType(i)) {
    case kBool:
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: return columnInt(i);
    case kFloat4:
    case kFloat8:
    case kNumeric: return columnDouble(i);
    case kBytea: return std::string(columnBlob(i));
    default: return std::string(columnTextView(i));
    }
}

} // namespace gridatlas::storage::pg
