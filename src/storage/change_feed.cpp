#include "storage/change_feed.h"

#include <libpq-fe.h>
#include <poll.h>

#include <chrono>

#include "model/json.h"
#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/connection_pg.h"
#include "storage/engine.h"

namespace gridatlas::storage {

namespace {

// Tables whose changes a map or a panel shows, and where their rows lie.
struct Watched {
    const char* table;
    const char* place; // SQL over a transition-table row `t` giving its geometry; nullptr: no place
};
constexpr Watched kWatched[] = {
    {"communities", "t.geom"},
    {"grids", "t.geom"},
    {"grid_staff", "(SELECT g.geom FROM grids g WHERE g.id = t.grid_id)"},
    {"buildings", "t.geom"},
    {"units", "t.geom"},
    {"households", "t.geom"},
    {"residents", "(SELECT h.geom FROM households h WHERE h.id = t.household_id)"},
    {"service_posts", "t.geom"},
    {"streets", "t.geom"},
    {"assignments",
     "COALESCE((SELECT h.geom FROM households h WHERE h.id = t.household_id), (SELECT b.geom FROM buildings b WHERE b.id = t.building_id))"},
    {"post_types", nullptr},
    {"rooms", nullptr},
    {"floor_plans", nullptr},
};

// One function for every table and event: the transition tables ga_new / ga_old exist as the
// event has them (PostgreSQL allows them only on single-event triggers, hence three triggers).
// TG_ARGV[0] is the place expression. Statements that touched no row stay silent.
constexpr const char* kNotifyFunction = R"SQL(
CREATE OR REPLACE FUNCTION gridatlas_notify_change() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    n bigint := 0;
    q text := '';
    box box2d;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT count(*) INTO n FROM ga_new;
    ELSE
        SELECT count(*) INTO n FROM ga_old;
    END IF;
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    IF TG_NARGS > 0 THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            q := 'SELECT ' || TG_ARGV[0] || ' AS g FROM ga_new t';
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            q := q || CASE WHEN q = '' THEN '' ELSE ' UNION ALL ' END || 'SELECT ' || TG_ARGV[0] || ' AS g FROM ga_old t';
        END IF;
        EXECUTE 'SELECT ST_Extent(g) FROM (' || q || ') x' INTO box;
    END IF;
    PERFORM pg_notify('gridatlas_changes', json_build_object(
        'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'rows', n,
        'actor', COALESCE(NULLIF(current_setting('gridatlas.actor', true), ''), session_user),
        'pid', pg_backend_pid(),
        'bbox', CASE WHEN box IS NULL THEN NULL
                     ELSE json_build_array(ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)) END)::text);
    RETURN NULL;
END
$f$;
)SQL";

std::string quoteLiteral(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

} // namespace

void installChangeNotificationsPg(Connection& conn) {
    if (conn.engine() != Engine::PostgreSQL) return;
    std::string sql = kNotifyFunction;
    for (const auto& w : kWatched) {
        if (!conn.tableExists(w.table)) continue;
        const std::string t = w.table;
        const std::string args = w.place ? quoteLiteral(w.place) : "";
        sql += "DROP TRIGGER IF EXISTS " + t + "_notify_insert ON " + t + ";";
        sql += "DROP TRIGGER IF EXISTS " + t + "_notify_update ON " + t + ";";
        sql += "DROP TRIGGER IF EXISTS " + t + "_notify_delete ON " + t + ";";
        sql += "CREATE TRIGGER " + t + "_notify_insert AFTER INSERT ON " + t +
               " REFERENCING NEW TABLE AS ga_new FOR EACH STATEMENT EXECUTE FUNCTION gridatlas_notify_change(" + args + ");";
        sql += "CREATE TRIGGER " + t + "_notify_update AFTER UPDATE ON " + t +
               " REFERENCING OLD TABLE AS ga_old NEW TABLE AS ga_new FOR EACH STATEMENT EXECUTE FUNCTION gridatlas_notify_change(" +
               args + ");";
        sql += "CREATE TRIGGER " + t + "_notify_delete AFTER DELETE ON " + t +
               " REFERENCING OLD TABLE AS ga_old FOR EACH STATEMENT EXECUTE FUNCTION gridatlas_notify_change(" + args + ");";
    }
    conn.exec(sql);
}

std::optional<ChangeNotice> parseChangeNotice(const std::string& payload) {
    try {
        const model::JsonValue v = model::parseJson(payload, "notice");
        if (!v.isObject()) return std::nullopt;
        const auto* table = v.find("table");
        if (!table || !table->isString()) return std::nullopt;
        ChangeNotice n;
        n.table = table->string();
        if (const auto* op = v.find("op"); op && op->isString()) n.op = op->string();
        if (const auto* rows = v.find("rows"); rows && rows->isNumber()) n.rows = static_cast<long long>(rows->number());
        if (const auto* actor = v.find("actor"); actor && actor->isString()) n.actor = actor->string();
        if (const auto* pid = v.find("pid"); pid && pid->isNumber()) n.pid = static_cast<int>(pid->number());
        if (const auto* box = v.find("bbox"); box && box->isArray() && box->array().size() == 4) {
            const auto& a = box->array();
            bool numbers = true;
            for (const auto& x : a) numbers = numbers && x.isNumber();
            if (numbers) n.bbox = model::Rect{a[0].number(), a[1].number(), a[2].number(), a[3].number()};
        }
        return n;
    } catch (const InputError&) {
        return std::nullopt;
    }
}

bool supportsChangeNotices(const std::string& location) { return isPostgresLocation(location); }

ChangeListener::ChangeListener(const std::string& location) {
    if (!isPostgresLocation(location))
        throw StorageError("'" + location + "' is a SpatiaLite file: only a PostGIS atlas sends change notices");
    m_session = std::make_unique<pg::Session>(location, /*readOnly=*/true);
    m_session->exec(std::string("LISTEN ") + kChangeChannel);
}

ChangeListener::~ChangeListener() = default;

int ChangeListener::socket() const { return PQsocket(m_session->handle()); }

int ChangeListener::pid() const { return PQbackendPID(m_session->handle()); }

std::vector<ChangeNotice> ChangeListener::take() {
    PGconn* conn = m_session->handle();
    if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(conn);
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        throw StorageError("'" + m_session->where() + "': the connection listening for changes was lost: " + msg);
    }
    std::vector<ChangeNotice> out;
    while (PGnotify* n = PQnotifies(conn)) {
        if (auto notice = parseChangeNotice(n->extra ? n->extra : "")) out.push_back(std::move(*notice));
        PQfreemem(n);
    }
    return out;
}

std::vector<ChangeNotice> ChangeListener::wait(int timeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        auto got = take();
        if (!got.empty()) return got;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return got;
        pollfd p{socket(), POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(left));
    }
}

} // namespace gridatlas::storage
