#include "storage/grid_codes.h"

#include <algorithm>
#include <set>

#include "model/geometry.h"
#include "model/grid_code.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/grid_propose.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

std::vector<GridRecode> planCjt349Codes(Atlas& atlas, const std::string& community, const std::string& objectCode) {
    const auto ref = findCommunity(atlas, community);
    std::vector<GridRecode> grids;
    std::vector<model::Vec2> points;
    std::vector<double> heights;
    Statement st(atlas.connection(), "SELECT id, name, code, " + geomSelect(atlas.connection(), "geom") + " FROM grids WHERE community_id = ? ORDER BY id");
    st.bind(1, ref.id);
    model::Geometry g;
    while (st.step()) {
        grids.push_back({st.columnInt(0), st.columnText(1), st.columnText(2), {}});
        g = {};
        if (!st.isNull(3)) decodeGeometry(atlas.connection(), st.columnBlob(3), g);
        const auto box = g.bounds();
        points.push_back(g.isEmpty() ? model::Vec2{0, 0} : model::interiorPoint(g));
        heights.push_back(box.height());
    }
    if (grids.size() > 99)
        throw InputError("CJ/T 349-2010 numbers at most 99 grids per community; " + ref.name + " has " +
                         std::to_string(grids.size()));
    // A row holds the grids whose interior points lie within half a typical grid's height.
    std::vector<double> sorted = heights;
    std::sort(sorted.begin(), sorted.end());
    const double rowHeight = sorted.empty() ? 1.0 : std::max(1.0, sorted[sorted.size() / 2] / 2);
    const auto order = model::readingOrder(points, rowHeight);
    std::vector<GridRecode> out;
    out.reserve(grids.size());
    // An undivided community (one grid) ends in 00.
    int sequence = grids.size() == 1 ? 0 : 1;
    for (std::size_t i : order) {
        auto r = grids[i];
        r.newCode = model::makeCjt349(objectCode, ref.code, sequence++);
        out.push_back(std::move(r));
    }
    return out;
}

void applyGridCodes(Atlas& atlas, const std::vector<GridRecode>& recodes) {
    auto& c = atlas.connection();
    Transaction tx(c);
    std::set<std::int64_t> ids;
    for (const auto& r : recodes) ids.insert(r.gridId);
    {
        Statement taken(c, "SELECT id, name FROM grids WHERE code = ?");
        for (const auto& r : recodes) {
            taken.reset();
            taken.bind(1, r.newCode);
            if (taken.step() && !ids.count(taken.columnInt(0)))
                throw InputError("grid code " + r.newCode + " is already the code of grid '" + taken.columnText(1) +
                                 "', which is not being recoded");
        }
    }
    // Two steps, so codes can be swapped among the grids without breaking UNIQUE(code) midway.
    Statement park(c, "UPDATE grids SET code = '~recode~' || id WHERE id = ?");
    for (const auto& r : recodes) {
        park.reset();
        park.bind(1, r.gridId);
        park.run();
    }
    Statement set(c, "UPDATE grids SET code = ? WHERE id = ?");
    for (const auto& r : recodes) {
        set.reset();
        set.bind(1, r.newCode).bind(2, r.gridId);
        set.run();
    }
    tx.commit();
}

} // namespace gridatlas::storage
