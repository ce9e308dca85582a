#include "storage/grid_plan_layers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "storage/atlas.h"
#include "storage/engine.h"
#include "storage/connection.h"
#include "storage/snapshot_builder.h"
#include "storage/spatialite_blob.h"

namespace gridatlas::storage {

using model::FieldType;
using namespace snapshot;

std::shared_ptr<const LayerSnapshot> makePlanGridsLayer(Atlas& atlas, const std::string& plan, const PlanComparison& comparison,
                                                        const std::string& layerName) {
    // Polygons and targets: the plan's own tables, or the grids as they are now.
    std::vector<PlanGrid> grids = planGrids(atlas, plan);
    std::map<std::string, const PlanComparison::GridRow*> rows;
    for (const auto& r : comparison.grids) rows[r.code] = &r;

    std::vector<LayerSnapshot::Column> cols{column("code", FieldType::Text),
                                            column("name", FieldType::Text),
                                            column("households", FieldType::Integer),
                                            column("buildings", FieldType::Integer),
                                            column("target_households", FieldType::Integer),
                                            column("deviation_pct", FieldType::Real),
                                            column("change", FieldType::Integer)};
    std::vector<std::int64_t> ids;
    std::vector<model::Geometry> geoms;
    std::int64_t nextId = 1;
    for (auto& g : grids) {
        // Only the communities the comparison covers: elsewhere the households are not counted.
        const auto it = rows.find(g.code);
        if (g.polygon.isEmpty() || it == rows.end()) continue;
        const int households = it->second->householdsAfter;
        const int before = it->second->householdsBefore;
        const int buildings = it->second->buildingsAfter;
        ids.push_back(nextId++);
        pushText(cols[0], g.code);
        pushText(cols[1], g.name);
        pushInt(cols[2], households);
        pushInt(cols[3], buildings);
        if (g.targetHouseholds && *g.targetHouseholds > 0) {
            pushInt(cols[4], *g.targetHouseholds);
            const double pct = 100.0 * (households - *g.targetHouseholds) / *g.targetHouseholds;
            pushReal(cols[5], std::round(pct * 10) / 10);
        } else {
            pushNull(cols[4]);
            pushNull(cols[5]);
        }
        pushInt(cols[6], households - before);
        geoms.push_back(std::move(g.polygon));
    }
    return std::make_shared<LayerSnapshot>(layerName, model::GeomType::Polygon, std::move(cols), std::move(ids),
                                           std::vector<model::Vec2>{}, std::move(geoms));
}

std::shared_ptr<const LayerSnapshot> makePlanMovesLayer(Atlas& atlas, const PlanComparison& comparison,
                                                        const std::string& layerName) {
    std::vector<LayerSnapshot::Column> cols{column("number", FieldType::Text), column("from_code", FieldType::Text),
                                            column("to_code", FieldType::Text), column("households", FieldType::Integer),
                                            column("to_short", FieldType::Text)};
    // Labels name the target grid by what distinguishes its code from its neighbours' ("-04" of
    // 150781001001-04, "04" of a 20-digit CJ/T 349 code).
    std::string prefix;
    bool first = true;
    for (const auto& g : comparison.grids) {
        if (first) {
            prefix = g.code;
            first = false;
            continue;
        }
        std::size_t n = 0;
        while (n < prefix.size() && n < g.code.size() && prefix[n] == g.code[n]) ++n;
        prefix.resize(n);
    }
    auto shortCode = [&prefix](const std::string& code) {
        // At least two characters: "04", not "4", when the codes share a leading zero.
        const std::size_t keep = std::min(code.size(), std::max<std::size_t>(2, code.size() - std::min(code.size(), prefix.size())));
        std::string s = code.substr(code.size() - keep);
        while (s.size() > 1 && (s.front() == '-' || s.front() == '_')) s.erase(s.begin());
        return s;
    };
    std::vector<std::int64_t> ids;
    std::vector<model::Geometry> geoms;
    Statement st(atlas.connection(), "SELECT " + geomSelect(atlas.connection(), "geom") + " FROM buildings WHERE id = ?");
    for (const auto& m : comparison.moves) {
        st.reset();
        st.bind(1, m.buildingId);
        if (!st.step() || st.isNull(0)) continue;
        model::Geometry footprint;
        decodeGeometry(atlas.connection(), st.columnBlob(0), footprint);
        if (footprint.isEmpty()) continue;
        ids.push_back(m.buildingId);
        pushText(cols[0], m.building);
        pushText(cols[1], m.from);
        pushText(cols[2], m.to);
        pushInt(cols[3], m.households);
        pushText(cols[4], m.to.empty() ? std::string() : shortCode(m.to));
        geoms.push_back(std::move(footprint));
    }
    return std::make_shared<LayerSnapshot>(layerName, model::GeomType::Polygon, std::move(cols), std::move(ids),
                                           std::vector<model::Vec2>{}, std::move(geoms));
}

} // namespace gridatlas::storage
