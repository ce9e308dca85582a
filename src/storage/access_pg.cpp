#include "storage/access_pg.h"

#include <algorithm>

#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/engine.h"

namespace gridatlas::storage {

namespace {

// The communities the calling role may see, as an array: evaluated once per query (the policies
// wrap it in a scalar subquery). SECURITY DEFINER: it reads atlas_access and communities as the
// owner, whatever the caller may read; the caller's role comes in as the argument.
//
// The child tables (units, households, residents...) carry no community: their policies ask for
// the visible parents' ids, which these SECURITY DEFINER functions compute top-down through the
// parent indexes (a community's 3,800 households of a city's ten million in a few ms). A policy
// written as EXISTS over the parent table would instead be planned as a hashed subplan that scans
// the whole parent table, through the parent's own policy, on every query.
constexpr const char* kVisibleFunctions = R"SQL(
CREATE OR REPLACE FUNCTION gridatlas_visible_communities(who text) RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT COALESCE(array_agg(DISTINCT c.id), '{}'::bigint[])
    FROM atlas_access a JOIN pg_roles r ON r.rolname = a.role
    JOIN communities c ON c.id = a.community_id OR c.street_office = a.street_office
   WHERE pg_has_role(who, r.oid, 'MEMBER')
$$;
CREATE OR REPLACE FUNCTION gridatlas_visible_buildings(who text) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 500 AS $$
  SELECT b.id FROM buildings b WHERE b.community_id = ANY (gridatlas_visible_communities(who))
$$;
CREATE OR REPLACE FUNCTION gridatlas_visible_units(who text) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 2000 AS $$
  SELECT u.id FROM buildings b JOIN units u ON u.building_id = b.id
   WHERE b.community_id = ANY (gridatlas_visible_communities(who))
$$;
CREATE OR REPLACE FUNCTION gridatlas_visible_households(who text) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 20000 AS $$
  SELECT h.id FROM buildings b JOIN units u ON u.building_id = b.id JOIN households h ON h.unit_id = u.id
   WHERE b.community_id = ANY (gridatlas_visible_communities(who))
$$;
CREATE OR REPLACE FUNCTION gridatlas_visible_grids(who text) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 100 AS $$
  SELECT g.id FROM grids g WHERE g.community_id = ANY (gridatlas_visible_communities(who))
$$;
CREATE OR REPLACE FUNCTION gridatlas_visible_plans(who text) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 20 AS $$
  SELECT p.id FROM grid_plans p WHERE p.community_id = ANY (gridatlas_visible_communities(who))
$$;
)SQL";

const std::string kCommunities = "(SELECT gridatlas_visible_communities(current_user::text))::bigint[]";
std::string visible(const char* what) { return std::string("(SELECT gridatlas_visible_") + what + "(current_user::text))"; }

struct Policy {
    const char* table;
    std::string rule; // USING and WITH CHECK
};

const std::vector<Policy>& policies() {
    static const std::vector<Policy> p{
        {"communities", "id = ANY (" + kCommunities + ")"},
        {"grids", "community_id = ANY (" + kCommunities + ")"},
        {"buildings", "community_id = ANY (" + kCommunities + ")"},
        {"grid_plans", "community_id = ANY (" + kCommunities + ")"},
        {"service_posts", "community_id = ANY (" + kCommunities + ") OR (community_id IS NULL AND building_id IN " +
                              visible("buildings") + ")"},
        {"grid_staff", "grid_id IN " + visible("grids")},
        {"units", "building_id IN " + visible("buildings")},
        {"households", "unit_id IN " + visible("units")},
        {"residents", "household_id IN " + visible("households")},
        // Pairings and zones belong to the community of the households and buildings looked after.
        {"assignments", "household_id IN " + visible("households") + " OR building_id IN " + visible("buildings")},
        {"rooms", "building_id IN " + visible("buildings")},
        {"floor_plans", "building_id IN " + visible("buildings")},
        {"grid_plan_grids", "plan_id IN " + visible("plans")},
        {"grid_plan_staff", "plan_id IN " + visible("plans")},
        {"grid_plan_buildings", "plan_id IN " + visible("plans")},
    };
    return p;
}

// Columns only roles with the key may read.
struct Sensitive {
    const char* table;
    std::vector<std::string> columns;
};
const std::vector<Sensitive>& sensitiveColumns() {
    static const std::vector<Sensitive> s{
        {"residents", {"phone", "id_number", "phone_enc", "id_number_enc", "id_number_hash"}},
        {"grid_staff", {"phone", "phone_enc"}},
    };
    return s;
}

std::string literal(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

void requirePg(Connection& conn) {
    if (conn.engine() != Engine::PostgreSQL)
        throw InputError("access control is for a PostGIS atlas; a SpatiaLite file is protected by its file permissions and encryption");
}

bool roleExists(Connection& conn, const std::string& role) {
    Statement st(conn, "SELECT 1 FROM pg_roles WHERE rolname = ?");
    st.bind(1, role);
    return st.step();
}

// Roles belong to the cluster, not the atlas: another atlas (or a concurrent grant) may create
// the same one at the same moment, which is fine.
void ensureRole(Connection& conn, const std::string& role) {
    if (roleExists(conn, role)) return;
    conn.exec("DO $$ BEGIN CREATE ROLE " + quoteIdentifier(role) +
              " NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
}

} // namespace

void installAccessControlIn(Connection& conn) {
    requirePg(conn);
    ensureRole(conn, "gridatlas_user");
    ensureRole(conn, "gridatlas_sensitive");
    std::string sql = R"SQL(
CREATE TABLE IF NOT EXISTS atlas_access (
  role          TEXT NOT NULL,
  community_id  BIGINT REFERENCES communities(id) ON DELETE CASCADE,
  street_office TEXT,
  sensitive     BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT atlas_access_target CHECK ((community_id IS NULL) <> (street_office IS NULL)),
  UNIQUE (role, community_id),
  UNIQUE (role, street_office)
);
)SQL";
    sql += kVisibleFunctions;
    // Privileges: every data table to the group role; what only the owner writes, read only.
    const std::string user = "gridatlas_user";
    for (const auto& p : policies()) {
        if (!conn.tableExists(p.table)) continue;
        const std::string t = p.table;
        sql += "ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY;";
        sql += "DROP POLICY IF EXISTS gridatlas_community ON " + t + ";";
        sql += "CREATE POLICY gridatlas_community ON " + t + " FOR ALL TO " + user + " USING (" + p.rule + ") WITH CHECK (" + p.rule + ");";
        sql += "GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO " + user + ";";
    }
    for (const char* t : {"streets", "post_types", "atlas_meta", "atlas_crypto"})
        if (conn.tableExists(t)) sql += std::string("GRANT SELECT ON ") + t + " TO " + user + ";";
    // Provenance of imports: a worker's roster import records where its rows came from.
    for (const char* t : {"imports", "feature_sources"})
        if (conn.tableExists(t)) sql += std::string("GRANT SELECT, INSERT, UPDATE ON ") + t + " TO " + user + ";";
    for (const char* t : {"reveal_log", "audit_log"}) // write a record, never read or alter others'
        if (conn.tableExists(t)) sql += std::string("REVOKE ALL ON ") + t + " FROM " + user + "; GRANT INSERT ON " + t + " TO " + user + ";";
    sql += "REVOKE ALL ON atlas_access FROM " + user + ";";
    // Packed household blocks span communities: not for workers (they read households; the
    // blocks are the owner's, kept current by the SECURITY DEFINER triggers below).
    if (conn.tableExists("household_points")) sql += "REVOKE ALL ON household_points FROM " + user + ";";
    sql += "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO " + user + ";";
    // Sensitive columns: readable with the key only.
    for (const auto& s : sensitiveColumns()) {
        std::string readable;
        for (const auto& [name, type] : relationColumns(conn, s.table))
            if (std::find(s.columns.begin(), s.columns.end(), name) == s.columns.end())
                readable += (readable.empty() ? "" : ", ") + quoteIdentifier(name);
        sql += std::string("REVOKE SELECT ON ") + s.table + " FROM " + user + ";";
        sql += std::string("GRANT SELECT (") + readable + ") ON " + s.table + " TO " + user + ";";
        sql += std::string("GRANT SELECT ON ") + s.table + " TO gridatlas_sensitive;";
    }
    // The summary views read with the caller's rights, so they show what the caller may see.
    for (const char* v : {"household_summary", "building_summary", "grid_summary", "post_summary", "members"})
        if (conn.queryInt(std::string("SELECT 1 FROM pg_views WHERE viewname = '") + v + "'")) {
            sql += std::string("ALTER VIEW ") + v + " SET (security_invoker = true);";
            sql += std::string("GRANT SELECT ON ") + v + " TO " + user + ";";
        }
    // Triggers that keep the owner's derived tables current run with the owner's rights: a
    // worker's edit still drops the stale household blocks it cannot see.
    for (const char* f : {"household_points_invalidate()", "household_points_invalidate_resident()"})
        sql += std::string("ALTER FUNCTION ") + f + " SECURITY DEFINER SET search_path = public;";
    conn.exec(sql);
}

void installAccessControl(Connection& conn) {
    Transaction tx(conn);
    installAccessControlIn(conn);
    tx.commit();
}

void grantAccess(Connection& conn, const AccessGrant& grant) {
    requirePg(conn);
    if (grant.role.empty()) throw InputError("access grant: no role given");
    if (grant.community.has_value() == grant.streetOffice.has_value())
        throw InputError("access grant: give a community or a street office (one of them)");
    if (!conn.tableExists("atlas_access")) installAccessControl(conn);
    Transaction tx(conn);
    std::optional<std::int64_t> communityId;
    if (grant.community) {
        Statement st(conn, "SELECT id FROM communities WHERE name = ? OR code = ? ORDER BY id");
        st.bind(1, *grant.community).bind(2, *grant.community);
        if (!st.step()) throw InputError("access grant: no community '" + *grant.community + "'");
        communityId = st.columnInt(0);
    } else if (!conn.queryInt("SELECT 1 FROM communities WHERE street_office = " + literal(*grant.streetOffice))) {
        throw InputError("access grant: no community of street office '" + *grant.streetOffice + "'");
    }
    ensureRole(conn, grant.role);
    const std::string role = quoteIdentifier(grant.role);
    conn.exec("GRANT gridatlas_user TO " + role);
    if (grant.sensitive) conn.exec("GRANT gridatlas_sensitive TO " + role);
    Statement ins(conn, "INSERT INTO atlas_access (role, community_id, street_office, sensitive) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT DO NOTHING");
    ins.bind(1, grant.role).bind(2, communityId).bind(3, grant.streetOffice).bind(4, grant.sensitive ? 1 : 0);
    ins.run();
    tx.commit();
}

void revokeAccess(Connection& conn, const std::string& role, const std::optional<std::string>& community,
                  const std::optional<std::string>& streetOffice) {
    requirePg(conn);
    if (community && streetOffice) throw InputError("access revoke: give a community or a street office, not both");
    if (!conn.tableExists("atlas_access")) return;
    Transaction tx(conn);
    std::string where = "role = ?1";
    if (community) where += " AND community_id IN (SELECT id FROM communities WHERE name = ?2 OR code = ?2)";
    else if (streetOffice) where += " AND street_office = ?2";
    Statement del(conn, "DELETE FROM atlas_access WHERE " + where);
    del.bind(1, role);
    if (community) del.bind(2, *community);
    else if (streetOffice) del.bind(2, *streetOffice);
    del.run();
    // No grant left: out of the group roles too (the role itself is the DBA's).
    if (!conn.queryInt("SELECT 1 FROM atlas_access WHERE role = " + literal(role)) && roleExists(conn, role)) {
        conn.exec("REVOKE gridatlas_user FROM " + quoteIdentifier(role));
        conn.exec("REVOKE gridatlas_sensitive FROM " + quoteIdentifier(role));
    } else if (!conn.queryInt("SELECT 1 FROM atlas_access WHERE sensitive = 1 AND role = " + literal(role)) && roleExists(conn, role)) {
        conn.exec("REVOKE gridatlas_sensitive FROM " + quoteIdentifier(role));
    }
    tx.commit();
}

std::vector<AccessGrant> listAccess(Connection& conn) {
    requirePg(conn);
    std::vector<AccessGrant> out;
    if (!conn.tableExists("atlas_access")) return out;
    Statement st(conn, "SELECT a.role, c.name, a.street_office, a.sensitive FROM atlas_access a "
                       "LEFT JOIN communities c ON c.id = a.community_id ORDER BY a.role, c.name, a.street_office");
    while (st.step()) {
        AccessGrant g;
        g.role = st.columnText(0);
        if (!st.isNull(1)) g.community = st.columnText(1);
        if (!st.isNull(2)) g.streetOffice = st.columnText(2);
        g.sensitive = st.columnInt(3) != 0;
        out.push_back(std::move(g));
    }
    return out;
}

} // namespace gridatlas::storage
