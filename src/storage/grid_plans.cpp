#include "storage/grid_plans.h"

#include <sqlite3.h>

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <ctime>
#include <filesystem>
#include <mutex>
#include <map>
#include <set>

#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/backup.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

namespace {

// The same tables as kMigrationV2 in schema.cpp, for atlases written at v2 before they existed.
constexpr std::string_view kPlanTables = R"SQL(
CREATE TABLE IF NOT EXISTS grid_plans (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE CONSTRAINT grid_plan_name_nonempty CHECK (length(name) > 0),
  kind         TEXT NOT NULL CONSTRAINT grid_plan_kind_known CHECK (kind IN ('saved', 'proposal')),
  created_at   TEXT NOT NULL,
  community_id INTEGER REFERENCES communities(id) ON DELETE CASCADE,
  note         TEXT
);
CREATE TABLE IF NOT EXISTS grid_plan_grids (
  plan_id           INTEGER NOT NULL REFERENCES grid_plans(id) ON DELETE CASCADE,
  code              TEXT NOT NULL,
  name              TEXT NOT NULL,
  community_id      INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
  target_households INTEGER,
  geom              BLOB NOT NULL,
  PRIMARY KEY (plan_id, code)
);
CREATE TABLE IF NOT EXISTS grid_plan_staff (
  plan_id INTEGER NOT NULL REFERENCES grid_plans(id) ON DELETE CASCADE,
  code    TEXT NOT NULL,
  role    TEXT NOT NULL,
  name    TEXT NOT NULL,
  phone   TEXT,
  phone_enc BLOB,
  PRIMARY KEY (plan_id, code, role)
);
CREATE TABLE IF NOT EXISTS grid_plan_buildings (
  plan_id     INTEGER NOT NULL REFERENCES grid_plans(id) ON DELETE CASCADE,
  building_id INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
  code        TEXT NOT NULL,
  PRIMARY KEY (plan_id, building_id)
);
)SQL";

std::string nowUtc() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<std::int64_t> planId(Connection& c, const std::string& name) {
    Statement st(c, "SELECT id FROM grid_plans WHERE name = ?");
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return st.columnInt(0);
}

std::int64_t requirePlan(Connection& c, const std::string& name) {
    if (auto id = planId(c, name)) return *id;
    throw InputError("atlas '" + c.path() + "': no grid plan named '" + name + "' (see gridatlas-cli grids plans)");
}

/// Creates the plan row (replacing an existing one when allowed); caller holds the transaction.
std::int64_t newPlanRow(Connection& c, const std::string& name, const std::string& kind, std::optional<std::int64_t> communityId,
                        bool replace, const std::string& note) {
    if (name.empty()) throw InputError("a grid plan needs a name");
    if (name == kCurrentPlanName) throw InputError("'" + name + "' is reserved for the current grids");
    if (auto old = planId(c, name)) {
        if (!replace) throw InputError("atlas '" + c.path() + "': a grid plan named '" + name + "' exists already");
        Statement del(c, "DELETE FROM grid_plans WHERE id = ?");
        del.bind(1, *old);
        del.run();
    }
    Statement st(c, "INSERT INTO grid_plans (name, kind, created_at, community_id, note) VALUES (?, ?, ?, ?, ?)");
    st.bind(1, name).bind(2, kind).bind(3, nowUtc()).bind(4, communityId);
    if (note.empty())
        st.bindNull(5);
    else
        st.bind(5, note);
    st.run();
    return c.lastInsertId();
}

/// building id -> grid code, for a plan or the current grids.
std::map<std::int64_t, std::string> assignmentOf(Connection& c, const std::string& plan) {
    std::map<std::int64_t, std::string> out;
    if (plan == kCurrentPlanName) {
        Statement st(c, "SELECT b.id, g.code FROM buildings b JOIN grids g ON g.id = b.grid_id");
        while (st.step()) out[st.columnInt(0)] = st.columnText(1);
    } else {
        Statement st(c, "SELECT building_id, code FROM grid_plan_buildings WHERE plan_id = ?");
        st.bind(1, requirePlan(c, plan));
        while (st.step()) out[st.columnInt(0)] = st.columnText(1);
    }
    return out;
}

/// code -> name of the grids in `communities`, for a plan or the current grids.
std::map<std::string, std::string> gridNamesOf(Connection& c, const std::string& plan,
                                               const std::set<std::int64_t>& communities) {
    std::map<std::string, std::string> out;
    const bool current = plan == kCurrentPlanName;
    Statement st(c, current ? "SELECT code, name, community_id FROM grids"
                            : "SELECT code, name, community_id FROM grid_plan_grids WHERE plan_id = ?");
    if (!current) st.bind(1, requirePlan(c, plan));
    while (st.step())
        if (communities.count(st.columnInt(2))) out[st.columnText(0)] = st.columnText(1);
    return out;
}

/// Communities a plan covers (all for the current grids).
std::set<std::int64_t> communitiesOf(Connection& c, const std::string& plan) {
    std::set<std::int64_t> out;
    if (plan == kCurrentPlanName) {
        Statement st(c, "SELECT id FROM communities");
        while (st.step()) out.insert(st.columnInt(0));
    } else {
        Statement st(c, "SELECT DISTINCT community_id FROM grid_plan_grids WHERE plan_id = ?");
        st.bind(1, requirePlan(c, plan));
        while (st.step()) out.insert(st.columnInt(0));
    }
    return out;
}

} // namespace

void ensurePlanTables(Atlas& atlas) {
    auto& c = atlas.connection();
    if (c.tableExists("grid_plans")) return;
    if (c.isReadOnly()) throw StorageError("atlas '" + c.path() + "' has no grid plan tables and is open read-only");
    c.exec(kPlanTables);
}

std::vector<PlanInfo> listPlans(Atlas& atlas) {
    ensurePlanTables(atlas);
    Statement st(atlas.connection(), "SELECT p.id, p.name, p.kind, p.created_at, p.community_id, COALESCE(p.note, ''), "
                                     "(SELECT COUNT(*) FROM grid_plan_grids g WHERE g.plan_id = p.id), "
                                     "(SELECT COUNT(*) FROM grid_plan_buildings b WHERE b.plan_id = p.id) "
                                     "FROM grid_plans p ORDER BY p.name");
    std::vector<PlanInfo> out;
    while (st.step()) {
        PlanInfo p;
        p.id = st.columnInt(0);
        p.name = st.columnText(1);
        p.kind = st.columnText(2);
        p.createdAt = st.columnText(3);
        if (!st.isNull(4)) p.communityId = st.columnInt(4);
        p.note = st.columnText(5);
        p.grids = static_cast<int>(st.columnInt(6));
        p.buildings = static_cast<int>(st.columnInt(7));
        out.push_back(std::move(p));
    }
    return out;
}

std::int64_t saveCurrentPlan(Atlas& atlas, const std::string& name, std::optional<std::int64_t> communityId, bool replace,
                             const std::string& note) {
    ensurePlanTables(atlas);
    auto& c = atlas.connection();
    Transaction tx(c);
    const std::int64_t id = newPlanRow(c, name, "saved", communityId, replace, note);
    const std::string where = communityId ? " WHERE g.community_id = " + std::to_string(*communityId) : "";
    {
        Statement st(c, "INSERT INTO grid_plan_grids (plan_id, code, name, community_id, target_households, geom) "
                        "SELECT ?, g.code, g.name, g.community_id, g.target_households, " + geomSelect(c, "g.geom") + " FROM grids g" +
                            where);
        st.bind(1, id);
        st.run();
    }
    {
        Statement st(c, "INSERT INTO grid_plan_staff (plan_id, code, role, name, phone, phone_enc) "
                        "SELECT ?, g.code, s.role, s.name, s.phone, s.phone_enc FROM grid_staff s JOIN grids g ON g.id = s.grid_id" +
                            where);
        st.bind(1, id);
        st.run();
    }
    {
        Statement st(c, "INSERT INTO grid_plan_buildings (plan_id, building_id, code) "
                        "SELECT ?, b.id, g.code FROM buildings b JOIN grids g ON g.id = b.grid_id" +
                            where);
        st.bind(1, id);
        st.run();
    }
    tx.commit();
    return id;
}

std::int64_t savePlan(Atlas& atlas, const std::string& name, const std::string& kind, std::optional<std::int64_t> communityId,
                      const std::vector<PlanGrid>& grids, const std::vector<std::pair<std::int64_t, std::string>>& buildingCodes,
                      bool replace, const std::string& note) {
    ensurePlanTables(atlas);
    auto& c = atlas.connection();
    Transaction tx(c);
    const std::int64_t id = newPlanRow(c, name, kind, communityId, replace, note);
    std::set<std::string> codes;
    {
        // Plan tables keep geometry as bytes in the engine's exchange format (a BLOB / BYTEA column:
        // SpatiaLite blob, WKB on PostGIS), not as a geometry column.
        Statement st(c, "INSERT INTO grid_plan_grids (plan_id, code, name, community_id, target_households, geom) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
        for (const auto& g : grids) {
            if (!codes.insert(g.code).second) throw InputError("grid plan '" + name + "': grid code " + g.code + " twice");
            const std::string blob = encodeGeometry(c, g.polygon, atlas.srid());
            st.bind(1, id).bind(2, g.code).bind(3, g.name).bind(4, g.communityId).bind(5, g.targetHouseholds);
            st.bindBlob(6, blob.data(), blob.size());
            st.run();
        }
    }
    {
        Statement st(c, "INSERT INTO grid_plan_buildings (plan_id, building_id, code) VALUES (?, ?, ?)");
        for (const auto& [b, code] : buildingCodes) {
            if (!codes.count(code))
                throw InputError("grid plan '" + name + "': building " + std::to_string(b) + " in unknown grid " + code);
            st.bind(1, id).bind(2, b).bind(3, code);
            st.run();
        }
    }
    tx.commit();
    return id;
}

std::vector<PlanGrid> planGrids(Atlas& atlas, const std::string& name) {
    ensurePlanTables(atlas);
    auto& c = atlas.connection();
    const bool current = name == kCurrentPlanName;
    Statement st(c, current ? "SELECT code, name, community_id, target_households, " + geomSelect(c, "geom") + " FROM grids ORDER BY code"
                            : "SELECT code, name, community_id, target_households, geom FROM grid_plan_grids "
                              "WHERE plan_id = ? ORDER BY code");
    if (!current) st.bind(1, requirePlan(c, name));
    std::vector<PlanGrid> out;
    while (st.step()) {
        PlanGrid g;
        g.code = st.columnText(0);
        g.name = st.columnText(1);
        g.communityId = st.columnInt(2);
        if (!st.isNull(3)) g.targetHouseholds = static_cast<int>(st.columnInt(3));
        decodeGeometry(c, st.columnBlob(4), g.polygon);
        out.push_back(std::move(g));
    }
    return out;
}

PlanComparison comparePlans(Atlas& atlas, const std::string& a, const std::string& b) {
    ensurePlanTables(atlas);
    auto& c = atlas.connection();
    const auto before = assignmentOf(c, a);
    const auto after = assignmentOf(c, b);
    auto scope = communitiesOf(c, a);
    const auto scopeB = communitiesOf(c, b);
    std::set<std::int64_t> both;
    for (auto id : scope)
        if (scopeB.count(id)) both.insert(id);

    std::map<std::int64_t, std::pair<int, std::string>> building; // id -> households, number (in scope)
    {
        Statement st(c, "SELECT b.id, b.number, b.community_id, "
                        "(SELECT COUNT(*) FROM units u JOIN households h ON h.unit_id = u.id WHERE u.building_id = b.id) "
                        "FROM buildings b ORDER BY b.id");
        while (st.step())
            if (both.count(st.columnInt(2))) building[st.columnInt(0)] = {static_cast<int>(st.columnInt(3)), st.columnText(1)};
    }
    PlanComparison out;
    std::map<std::string, PlanComparison::GridRow> rows;
    const auto namesA = gridNamesOf(c, a, both);
    const auto namesB = gridNamesOf(c, b, both);
    for (const auto& [code, name] : namesA) rows[code].name = name;
    for (const auto& [code, name] : namesB) rows[code].name = name;
    for (const auto& [id, info] : building) {
        auto ia = before.find(id);
        auto ib = after.find(id);
        const std::string from = ia == before.end() ? std::string() : ia->second;
        const std::string to = ib == after.end() ? std::string() : ib->second;
        if (!from.empty()) {
            rows[from].householdsBefore += info.first;
            ++rows[from].buildingsBefore;
        }
        if (!to.empty()) {
            rows[to].householdsAfter += info.first;
            ++rows[to].buildingsAfter;
        }
        if (from != to) {
            out.moves.push_back({id, info.second, from, to, info.first});
            out.householdsMoved += info.first;
        }
    }
    for (auto& [code, row] : rows) {
        row.code = code;
        out.grids.push_back(row);
    }
    return out;
}

void restorePlan(Atlas& atlas, const std::string& name) {
    ensurePlanTables(atlas);
    auto& c = atlas.connection();
    // Replacing the grids is destructive: back the atlas up first (backup.h), once the plan is known.
    requirePlan(c, name);
    autoBackup(atlas, "grids-restore");
    Transaction tx(c);
    const std::int64_t plan = requirePlan(c, name);
    logAudit(c, "restore-plan", "grids", plan, {}, std::nullopt, "grid plan '" + name + "'");
    const auto scope = communitiesOf(c, name);
    if (scope.empty()) throw InputError("grid plan '" + name + "' holds no grids");
    std::string inList;
    for (auto id : scope) inList += (inList.empty() ? "" : ", ") + std::to_string(id);

    // Grids of those communities that the plan does not have go first (their staff with them).
    {
        Statement st(c, "DELETE FROM grids WHERE community_id IN (" + inList +
                            ") AND code NOT IN (SELECT code FROM grid_plan_grids WHERE plan_id = ?)");
        st.bind(1, plan);
        st.run();
    }
    {
        // (RETURNING: whether a grid had the code, on both engines)
        Statement up(c, "UPDATE grids SET name = ?, community_id = ?, target_households = ?, geom = " + geomParam(c, atlas.srid()) +
                            " WHERE code = ? RETURNING id");
        Statement ins(c, "INSERT INTO grids (code, name, community_id, target_households, geom) VALUES (?, ?, ?, ?, " +
                             geomParam(c, atlas.srid()) + ")");
        Statement st(c, "SELECT code, name, community_id, target_households, geom FROM grid_plan_grids WHERE plan_id = ? "
                        "ORDER BY code");
        st.bind(1, plan);
        while (st.step()) {
            const std::string code = st.columnText(0);
            const auto blob = st.columnBlob(4);
            up.bind(1, st.columnText(1)).bind(2, st.columnInt(2));
            if (st.isNull(3))
                up.bindNull(3);
            else
                up.bind(3, st.columnInt(3));
            up.bindBlob(4, blob.data(), blob.size()).bind(5, code);
            const bool updated = up.step();
            up.reset();
            if (!updated) {
                ins.bind(1, code).bind(2, st.columnText(1)).bind(3, st.columnInt(2));
                if (st.isNull(3))
                    ins.bindNull(4);
                else
                    ins.bind(4, st.columnInt(3));
                ins.bindBlob(5, blob.data(), blob.size());
                ins.run();
            }
        }
    }
    // Staff: where the plan knows a grid's staff, they replace today's.
    {
        Statement st(c, "DELETE FROM grid_staff WHERE grid_id IN (SELECT g.id FROM grids g JOIN grid_plan_staff s "
                        "ON s.code = g.code AND s.plan_id = ?)");
        st.bind(1, plan);
        st.run();
        Statement ins(c, "INSERT INTO grid_staff (grid_id, role, name, phone, phone_enc) SELECT g.id, s.role, s.name, s.phone, s.phone_enc "
                         "FROM grid_plan_staff s JOIN grids g ON g.code = s.code WHERE s.plan_id = ?");
        ins.bind(1, plan);
        ins.run();
    }
    {
        Statement st(c, "UPDATE buildings SET grid_id = (SELECT g.id FROM grid_plan_buildings pb JOIN grids g ON g.code = "
                        "pb.code WHERE pb.plan_id = ? AND pb.building_id = buildings.id) WHERE community_id IN (" +
                            inList + ")");
        st.bind(1, plan);
        st.run();
    }
    tx.commit();
}

void writeGridPolygons(const std::vector<GridPolygonRecord>& grids, int srid, const std::string& path,
                       const std::string& layerName) {
    namespace fs = std::filesystem;
    std::string ext = fs::path(path).extension().string();
    for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const bool geojson = ext == ".geojson" || ext == ".json";
    if (!geojson && ext != ".gpkg") throw InputError("--out '" + path + "': unknown format (use .gpkg or .geojson)");
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
    CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(geojson ? "GeoJSON" : "GPKG");
    if (!driver) throw StorageError(std::string("GDAL has no ") + (geojson ? "GeoJSON" : "GPKG") + " driver");
    const fs::path final(path);
    const fs::path tmp = final.parent_path() / ("." + final.filename().string() + ".part" + ext);
    std::error_code ec;
    fs::remove(tmp, ec);
    auto fail = [&](const std::string& what) -> void {
        fs::remove(tmp, ec);
        throw StorageError("cannot write '" + path + "': " + what + " (" + CPLGetLastErrorMsg() + ")");
    };
    {
        GDALDatasetUniquePtr ds(driver->Create(tmp.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) fail("GDAL could not create the file");
        OGRSpatialReference source;
        source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (source.importFromEPSG(srid) != OGRERR_NONE) fail("unknown EPSG:" + std::to_string(srid));
        OGRSpatialReference wgs84;
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        wgs84.importFromEPSG(4326);
        std::unique_ptr<OGRCoordinateTransformation> toWgs84;
        if (geojson) {
            toWgs84.reset(OGRCreateCoordinateTransformation(&source, &wgs84));
            if (!toWgs84) fail("no transformation from EPSG:" + std::to_string(srid) + " to WGS84");
        }
        OGRLayer* layer = ds->CreateLayer(layerName.c_str(), geojson ? &wgs84 : &source, wkbMultiPolygon, nullptr);
        if (!layer) fail("GDAL could not create layer " + layerName);
        OGRFieldDefn code("code", OFTString), name("name", OFTString), hh("households", OFTInteger), dev("deviation", OFTReal);
        if (layer->CreateField(&code) != OGRERR_NONE || layer->CreateField(&name) != OGRERR_NONE ||
            layer->CreateField(&hh) != OGRERR_NONE || layer->CreateField(&dev) != OGRERR_NONE)
            fail("GDAL could not create the fields");
        for (const auto& g : grids) {
            OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            f->SetField("code", g.code.c_str());
            f->SetField("name", g.name.c_str());
            f->SetField("households", g.households);
            if (g.deviation) f->SetField("deviation", *g.deviation);
            auto multi = std::make_unique<OGRMultiPolygon>();
            const auto& pg = g.polygon;
            const std::vector<std::uint32_t> ends =
                pg.partEnds.empty() ? std::vector<std::uint32_t>{static_cast<std::uint32_t>(pg.ringEnds.size())} : pg.partEnds;
            std::size_t ring = 0;
            for (auto end : ends) {
                OGRPolygon poly;
                for (; ring < end; ++ring) {
                    OGRLinearRing r;
                    for (std::size_t i = pg.ringBegin(ring); i < pg.ringEnds[ring]; ++i)
                        r.addPoint(pg.coords[i].x, pg.coords[i].y);
                    poly.addRing(&r);
                }
                multi->addGeometry(&poly);
            }
            if (toWgs84 && multi->transform(toWgs84.get()) != OGRERR_NONE) fail("reprojection of grid " + g.code + " failed");
            f->SetGeometryDirectly(multi.release());
            if (layer->CreateFeature(f.get()) != OGRERR_NONE) fail("GDAL could not write grid " + g.code);
        }
        CPLErrorReset();
        ds.reset(); // GDAL 3.6 has no Close(): closing flushes, errors land in CPLGetLastErrorType
        if (CPLGetLastErrorType() == CE_Failure) fail("GDAL could not finish the file");
    }
    fs::rename(tmp, final, ec);
    if (ec) fail(ec.message());
}

void deletePlan(Atlas& atlas, const std::string& name) {
    ensurePlanTables(atlas);
    auto& c = atlas.connection();
    Statement st(c, "DELETE FROM grid_plans WHERE id = ?");
    st.bind(1, requirePlan(c, name));
    st.run();
}

} // namespace gridatlas::storage
