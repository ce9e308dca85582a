#include "storage/identify.h"

#include <cstdio>

#include "storage/atlas.h"
#include "storage/engine.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

using model::Sensitivity;

namespace {

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void addColumn(IdentifyResult& r, Statement& st, int col, const std::string& key, Sensitivity s = Sensitivity::None) {
    if (st.isNull(col)) return;
    r.attributes.push_back({key, model::toText(st.columnValue(col)), s});
}

// A phone or ID number: the stored text, and in an encrypted atlas its ciphertext (column `enc`).
void addSensitive(IdentifyResult& r, Statement& st, int col, int enc, const std::string& key, Sensitivity s, crypto::Field field,
                  const std::string& identity) {
    if (st.isNull(col)) return;
    IdentifyAttribute a{key, st.columnText(col), s};
    if (!st.isNull(enc)) a.sealed = crypto::SealedRef{field, identity, std::string(st.columnBlob(enc))};
    r.attributes.push_back(std::move(a));
}

// The bounds of a geometry column selected through geomSelect() (either engine).
model::Rect boundsOf(Statement& st, int col) {
    return st.isNull(col) ? model::Rect{} : geometryBounds(st.connection(), st.columnBlob(col));
}

// Candidates from the R*Tree of `table` whose box is within tolerance of p, nearest first.
std::vector<std::int64_t> idsNear(Connection& c, const std::string& table, const std::string& exact, model::Vec2 p, double tol,
                                  int srid, int limit) {
    // ?1, ?2: the point; ?3: the tolerance; ?4: the CRS; ?5..?8: the box of the spatial index filter.
    const std::string sql = "SELECT t.id FROM " + table + " t WHERE " + bboxFilter(c, "t.rowid", table, "t.geom", 5) + " AND " +
                            exact + " ORDER BY ST_Distance(t.geom, " + pointSql(c, 1, 2, 4) + "), t.id LIMIT " + std::to_string(limit);
    Statement st(c, sql);
    st.bind(1, p.x).bind(2, p.y).bind(3, tol).bind(4, srid);
    st.bind(5, p.x - tol).bind(6, p.y - tol).bind(7, p.x + tol).bind(8, p.y + tol);
    std::vector<std::int64_t> ids;
    while (st.step()) ids.push_back(st.columnInt(0));
    return ids;
}

} // namespace

std::string revealedValue(const std::string& atlasPath, const IdentifyAttribute& a) {
    return a.sealed ? crypto::openSealed(atlasPath, *a.sealed) : a.value;
}

const IdentifyAttribute* IdentifyResult::find(const std::string& key) const {
    for (const auto& a : attributes)
        if (a.key == key) return &a;
    return nullptr;
}

std::optional<IdentifyResult> describeBuilding(Atlas& atlas, std::int64_t id, double nearbyPostsWithinM) {
    auto& c = atlas.connection();
    Statement st(c, "SELECT b.number, b.name, b.compound, b.address, c.name, g.code, g.name, b.floors, b.unit_count, b.use, "
                    "s.households, s.residents, s.members, s.vulnerable_households, " + geomSelect(c, "b.geom") + " "
                    "FROM buildings b JOIN communities c ON c.id = b.community_id LEFT JOIN grids g ON g.id = b.grid_id "
                    "JOIN building_summary s ON s.id = b.id WHERE b.id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    IdentifyResult r;
    r.atlas = atlas.path();
    r.layer = "buildings";
    r.id = id;
    r.title = st.columnText(4) + " " + (st.isNull(2) ? "" : st.columnText(2) + " ") + st.columnText(0);
    addColumn(r, st, 0, "number");
    addColumn(r, st, 1, "building_name");
    addColumn(r, st, 2, "compound");
    addColumn(r, st, 3, "address");
    addColumn(r, st, 4, "community");
    addColumn(r, st, 5, "grid_code");
    addColumn(r, st, 6, "grid");
    addColumn(r, st, 7, "floors");
    addColumn(r, st, 8, "unit_count");
    addColumn(r, st, 9, "use");
    addColumn(r, st, 10, "households");
    addColumn(r, st, 11, "residents");
    addColumn(r, st, 12, "members");
    addColumn(r, st, 13, "vulnerable_households");
    r.bounds = boundsOf(st, 14);

    // Phones and ID numbers only where the role may read them (access_pg.h); else shown absent.
    Statement members(c, "SELECT r.id, r.name, u.number, h.room, r.member_type, r.branch, " + columnOrNull(c, "residents", "phone", "r") +
                             ", " + columnOrNull(c, "residents", "phone_enc", "r") +
                             " FROM residents r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id "
                         "WHERE u.building_id = ? AND r.is_member = 1 ORDER BY u.number, h.floor, h.room, r.id");
    members.bind(1, id);
    while (members.step()) {
        IdentifyResult m;
        m.layer = "residents";
        m.id = members.columnInt(0);
        m.title = members.columnText(1);
        addColumn(m, members, 1, "resident_name", Sensitivity::Name);
        addColumn(m, members, 2, "unit");
        addColumn(m, members, 3, "room");
        addColumn(m, members, 4, "member_type");
        addColumn(m, members, 5, "branch");
        addSensitive(m, members, 6, 7, "phone", Sensitivity::Phone, crypto::Field::ResidentPhone, std::to_string(m.id));
        r.children.push_back(std::move(m));
    }

    if (nearbyPostsWithinM > 0 && !r.bounds.isEmpty()) {
        Statement posts(c, "SELECT p.name, t.name_zh, ST_Distance(p.geom, b.geom) AS d FROM service_posts p "
                           "JOIN post_types t ON t.type = p.type JOIN buildings b ON b.id = ?1 "
                           "WHERE " + bboxFilter(c, "p.rowid", "service_posts", "p.geom", 2) +
                           " AND ST_Distance(p.geom, b.geom) <= ?6 ORDER BY d, p.id LIMIT 5");
        const model::Rect q = r.bounds.buffered(nearbyPostsWithinM);
        posts.bind(1, id).bind(2, q.xmin).bind(3, q.ymin).bind(4, q.xmax).bind(5, q.ymax).bind(6, nearbyPostsWithinM);
        while (posts.step())
            r.attributes.push_back({"nearby_post", posts.columnText(0) + " (" + posts.columnText(1) + ", " +
                                                        fmt(posts.columnDouble(2), 0) + " m)"});
    }
    return r;
}

std::optional<IdentifyResult> describeHousehold(Atlas& atlas, std::int64_t id) {
    auto& c = atlas.connection();
    Statement st(c, "SELECT b.number, u.number, h.floor, h.room, s.residents, s.members, h.hardship, h.minimum_income, "
                    "h.elderly_alone, h.left_behind_children, s.has_disability, " + geomSelect(c, "h.geom") + ", b.id "
                    "FROM household_summary s JOIN households h ON h.id = s.id JOIN units u ON u.id = h.unit_id "
                    "JOIN buildings b ON b.id = u.building_id WHERE s.id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    IdentifyResult r;
    r.atlas = atlas.path();
    r.layer = "households";
    r.id = id;
    r.title = st.columnText(0) + st.columnText(1) + "单元" + st.columnText(3) + "室";
    addColumn(r, st, 0, "building");
    addColumn(r, st, 1, "unit");
    addColumn(r, st, 2, "floor");
    addColumn(r, st, 3, "room");
    addColumn(r, st, 4, "residents");
    addColumn(r, st, 5, "members");
    const char* flags[] = {"hardship", "minimum_income", "elderly_alone", "left_behind_children", "has_disability"};
    for (int i = 0; i < 5; ++i)
        if (st.columnInt(6 + i) == 1) r.attributes.push_back({"flag", flags[i], Sensitivity::Detail});
    r.bounds = boundsOf(st, 11);
    Statement res(c, "SELECT id, name, relation, gender, birth_year, " + columnOrNull(c, "residents", "phone") + ", " +
                         columnOrNull(c, "residents", "id_number") + ", is_member, member_type, " + columnOrNull(c, "residents", "phone_enc") +
                         ", " + columnOrNull(c, "residents", "id_number_enc") + " FROM residents WHERE household_id = ? ORDER BY id");
    res.bind(1, id);
    while (res.step()) {
        IdentifyResult p;
        p.layer = "residents";
        p.id = res.columnInt(0);
        p.title = res.columnText(1);
        addColumn(p, res, 1, "resident_name", Sensitivity::Name);
        addColumn(p, res, 2, "relation");
        addColumn(p, res, 3, "gender");
        addColumn(p, res, 4, "birth_year");
        addSensitive(p, res, 5, 9, "phone", Sensitivity::Phone, crypto::Field::ResidentPhone, std::to_string(p.id));
        addSensitive(p, res, 6, 10, "id_number", Sensitivity::IdNumber, crypto::Field::ResidentIdNumber, std::to_string(p.id));
        addColumn(p, res, 7, "is_member");
        addColumn(p, res, 8, "member_type");
        r.children.push_back(std::move(p));
    }
    return r;
}

std::optional<IdentifyResult> describeGrid(Atlas& atlas, std::int64_t id) {
    auto& c = atlas.connection();
    Statement st(c, "SELECT s.code, s.name, s.community, s.target_households, s.buildings, s.households, s.members, " + geomSelect(c, "g.geom") + " "
                    "FROM grid_summary s JOIN grids g ON g.id = s.id WHERE s.id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    IdentifyResult r;
    r.atlas = atlas.path();
    r.layer = "grids";
    r.id = id;
    r.title = st.columnText(1);
    addColumn(r, st, 0, "code");
    addColumn(r, st, 1, "grid_name");
    addColumn(r, st, 2, "community");
    addColumn(r, st, 3, "target_households");
    addColumn(r, st, 4, "buildings");
    addColumn(r, st, 5, "households");
    addColumn(r, st, 6, "members");
    r.bounds = boundsOf(st, 7);
    Statement staff(c, "SELECT role, name, " + columnOrNull(c, "grid_staff", "phone") + ", " + columnOrNull(c, "grid_staff", "phone_enc") +
                           " FROM grid_staff WHERE grid_id = ? "
                       "ORDER BY CASE role WHEN 'manager' THEN 1 WHEN 'supervisor' THEN 2 ELSE 3 END");
    staff.bind(1, id);
    while (staff.step()) {
        r.attributes.push_back({staff.columnText(0), staff.columnText(1), Sensitivity::Name});
        addSensitive(r, staff, 2, 3, staff.columnText(0) + "_phone", Sensitivity::Phone, crypto::Field::StaffPhone, staff.columnText(1));
    }
    return r;
}

std::optional<IdentifyResult> describePost(Atlas& atlas, std::int64_t id) {
    Statement st(atlas.connection(), "SELECT s.name, s.type, s.type_name, s.hours, s.radius_m, s.walk_minutes, " + geomSelect(atlas.connection(), "p.geom") + " "
                                     "FROM post_summary s JOIN service_posts p ON p.id = s.id WHERE s.id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    IdentifyResult r;
    r.atlas = atlas.path();
    r.layer = "service_posts";
    r.id = id;
    r.title = st.columnText(0);
    addColumn(r, st, 0, "post_name");
    addColumn(r, st, 1, "type");
    addColumn(r, st, 2, "type_name");
    addColumn(r, st, 3, "hours");
    addColumn(r, st, 4, "radius_m");
    addColumn(r, st, 5, "walk_minutes");
    r.bounds = boundsOf(st, 6);
    return r;
}

std::vector<IdentifyResult> identifyAt(Atlas& atlas, model::Vec2 p, double tol, double nearbyPostsWithinM) {
    auto& c = atlas.connection();
    const int srid = atlas.srid();
    std::vector<IdentifyResult> out;
    const std::string point = pointSql(c, 1, 2, 4);
    const std::string near = "ST_Distance(t.geom, " + point + ") <= ?3";
    for (auto id : idsNear(c, "service_posts", near, p, tol, srid, 3))
        if (auto r = describePost(atlas, id)) out.push_back(std::move(*r));
    for (auto id : idsNear(c, "households", near, p, tol, srid, 1))
        if (auto r = describeHousehold(atlas, id)) out.push_back(std::move(*r));
    for (auto id : idsNear(c, "buildings", near, p, tol, srid, 1))
        if (auto r = describeBuilding(atlas, id, nearbyPostsWithinM)) out.push_back(std::move(*r));
    for (auto id : idsNear(c, "grids", "ST_Intersects(t.geom, " + point + ") AND ?3 >= 0", p, 0.0, srid, 1))
        if (auto r = describeGrid(atlas, id)) out.push_back(std::move(*r));
    return out;
}

} // namespace gridatlas::storage
