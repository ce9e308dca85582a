#include "grids/grid_test_support.h"

#include <filesystem>

#include "model/entities.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/demo_generator.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::testing {

namespace fs = std::filesystem;
using model::Geometry;

Geometry TwoGrids::rect(double xa, double ya, double xb, double yb) {
    return Geometry::polygon({{{kX0 + xa, kY0 + ya}, {kX0 + xb, kY0 + ya}, {kX0 + xb, kY0 + yb}, {kX0 + xa, kY0 + yb}}});
}

TwoGrids::TwoGrids() {
    using namespace model;
    storage::Transaction tx(atlas->connection());
    storage::AtlasWriter w(*atlas);
    w.add(Community{1, "150781001001", "湖西社区", "兴华街道", rect(0, 0, 400, 300)});
    w.add(Grid{1, "150781001001-01", "湖西一网格", 1, 400, rect(0, 0, 200, 300)});
    w.add(Grid{2, "150781001001-02", "湖西二网格", 1, 400, rect(200, 0, 400, 300)});
    for (std::int64_t g : {1, 2}) {
        w.add(GridStaff{g, "manager", "王建国" + std::to_string(g), "1381234567" + std::to_string(g)});
        w.add(GridStaff{g, "supervisor", "李秀英" + std::to_string(g), "1391234567" + std::to_string(g)});
        w.add(GridStaff{g, "assistant", "张伟" + std::to_string(g), ""});
    }
    Building b1;
    b1.id = 1;
    b1.communityId = 1;
    b1.gridId = 1;
    b1.number = "1栋";
    b1.compound = "湖西小区";
    b1.floors = 6;
    b1.unitCount = 2;
    b1.flatsPerFloor = 2;
    b1.footprint = rect(50, 50, 110, 62);
    w.add(b1);
    Building b2 = b1;
    b2.id = 2;
    b2.gridId = 2;
    b2.number = "2栋";
    b2.compound = "东苑";
    b2.floors = 18;
    b2.unitCount = 1;
    b2.footprint = rect(250, 150, 275, 170);
    w.add(b2);
    w.add(Unit{1, 1, 1, std::nullopt});
    w.add(Unit{2, 1, 2, std::nullopt});
    w.add(Unit{3, 2, 1, std::nullopt});
    std::int64_t hid = 0, rid = 0;
    auto households = [&](std::int64_t unit, int floors, double cx, double cy) {
        for (int f = 1; f <= floors; ++f)
            for (int flat = 1; flat <= 2; ++flat) {
                Household h;
                h.id = ++hid;
                h.unitId = unit;
                h.floor = f;
                h.room = std::to_string(f * 100 + flat);
                h.hardship = hid % 5 == 0;
                h.elderlyAlone = hid % 7 == 0;
                h.location = Vec2{kX0 + cx + (flat == 1 ? -3 : 3), kY0 + cy + 0.3 * f};
                w.add(h);
                for (int k = 0; k < 2; ++k) {
                    Resident r;
                    r.id = ++rid;
                    r.householdId = h.id;
                    r.name = "住户" + std::to_string(rid);
                    r.gender = k ? "F" : "M";
                    r.disability = rid % 11 == 0;
                    if (rid % 9 == 0) {
                        r.isMember = true;
                        r.memberType = "full";
                    }
                    w.add(r);
                }
            }
    };
    households(1, 6, 65, 55);
    households(2, 6, 95, 55);
    households(3, 18, 262, 158);
    ServicePost p;
    p.id = 1;
    p.communityId = 1;
    p.name = "湖西社区卫生服务站";
    p.type = "health_station";
    p.location = {kX0 + 330, kY0 + 250};
    w.add(p);
    tx.commit();
}

void TwoGrids::setGrid(std::int64_t id, const Geometry& g) {
    auto& c = atlas->connection();
    const std::string blob = storage::encodeGeometry(c, g, atlas->srid());
    storage::Statement st(c, "UPDATE grids SET geom = " + storage::geomParam(c, atlas->srid()) + " WHERE id = ?");
    st.bindBlob(1, blob.data(), blob.size()).bind(2, id);
    st.run();
}

namespace {

const std::string& demoPath(storage::DemoScale scale) {
    static TempDir dir;
    static std::map<int, std::string> paths;
    auto& p = paths[static_cast<int>(scale)];
    if (p.empty()) {
        const std::string path = dir.file(scale == storage::DemoScale::S ? "S.sqlite" : "M.sqlite");
        storage::DemoOptions options;
        options.scale = scale;
        storage::generateDemo(path, options);
        p = path;
    }
    return p;
}

} // namespace

std::unique_ptr<storage::Atlas> demoCopy(const TempDir& dir, const std::string& name) {
    // (on PostGIS in the PostGIS run: fixture_atlas.h)
    const std::string location = demoCopyLocation(dir, name, demoPath(storage::DemoScale::S), storage::DemoOptions{});
    return storage::Atlas::open(location, storage::OpenMode::ReadWrite);
}

std::string demoMCopy(const TempDir& dir) {
    const std::string path = dir.file("M.sqlite");
    fs::copy_file(demoPath(storage::DemoScale::M), path, fs::copy_options::overwrite_existing);
    return path;
}

std::map<std::int64_t, std::string> gridBlobs(storage::Connection& c) {
    std::map<std::int64_t, std::string> out;
    storage::Statement st(c, "SELECT id, " + storage::geomSelect(c, "geom") + " FROM grids ORDER BY id");
    while (st.step()) out[st.columnInt(0)] = std::string(st.columnBlob(1));
    return out;
}

std::map<std::int64_t, std::optional<std::int64_t>> buildingGrids(storage::Connection& c) {
    std::map<std::int64_t, std::optional<std::int64_t>> out;
    storage::Statement st(c, "SELECT id, grid_id FROM buildings ORDER BY id");
    while (st.step()) out[st.columnInt(0)] = st.isNull(1) ? std::nullopt : std::optional<std::int64_t>(st.columnInt(1));
    return out;
}

std::map<std::int64_t, std::vector<std::string>> gridStaff(storage::Connection& c) {
    std::map<std::int64_t, std::vector<std::string>> out;
    storage::Statement st(c, "SELECT grid_id, role, name, COALESCE(phone, '') FROM grid_staff ORDER BY grid_id, role");
    while (st.step()) out[st.columnInt(0)].push_back(st.columnText(1) + ":" + st.columnText(2) + ":" + st.columnText(3));
    return out;
}

double sqlArea(storage::Connection& c, const std::string& expressionIn, const std::string& a, const std::string& b) {
    // The blobs are in the engine's exchange format (geomSelect): WKB on PostGIS.
    std::string expression = expressionIn;
    if (c.engine() == storage::Engine::PostgreSQL)
        for (const char* p : {"?1", "?2"})
            for (auto at = expression.find(p); at != std::string::npos; at = expression.find(p, at + 20))
                expression.replace(at, 2, std::string("ST_GeomFromWKB(") + p + ")");
    storage::Statement st(c, "SELECT COALESCE(ST_Area(" + expression + "), 0)");
    st.bindBlob(1, a.data(), a.size());
    if (expression.find("?2") != std::string::npos) st.bindBlob(2, b.data(), b.size());
    st.step();
    return st.columnDouble(0);
}

TilingReport tiling(storage::Connection& c, const std::string& boundary, const std::vector<std::string>& blobs) {
    TilingReport r;
    r.boundaryArea = sqlArea(c, "?1", boundary, {});
    for (std::size_t i = 0; i < blobs.size(); ++i) {
        r.sumOfAreas += sqlArea(c, "?1", blobs[i], {});
        r.outside += sqlArea(c, "ST_Difference(?1, ?2)", blobs[i], boundary);
        Geometry g;
        storage::decodeGeometry(c, blobs[i], g);
        if (g.type != model::GeomType::Polygon) ++r.multipart;
        for (std::size_t j = i + 1; j < blobs.size(); ++j) {
            if (!storage::geometryBounds(c, blobs[i]).intersects(storage::geometryBounds(c, blobs[j]))) continue;
            r.overlap += sqlArea(c, "ST_Intersection(?1, ?2)", blobs[i], blobs[j]);
        }
    }
    return r;
}

} // namespace gridatlas::testing
