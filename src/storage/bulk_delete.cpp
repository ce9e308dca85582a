#include "storage/bulk_delete.h"

#include <algorithm>
#include <iterator>

#include "model/feature.h"
#include "model/filter.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/backup.h"
#include "storage/connection.h"
#include "storage/household_points.h"

namespace gridatlas::storage {

namespace {
// Tables whose rows cascade from the deletable layers (schema.cpp: ON DELETE CASCADE).
constexpr const char* kDependents[] = {"units", "households", "residents", "rooms", "assignments", "grid_staff", "floor_plans"};

std::int64_t countRows(Connection& conn, const char* table) {
    if (!conn.tableExists(table)) return 0;
    return conn.queryInt(std::string("SELECT count(*) FROM ") + table).value_or(0);
}
} // namespace

std::string BulkDeleteResult::summary() const {
    std::string s = std::string(dryRun ? "dry run: would delete " : "deleted ") + std::to_string(ids.size()) + " " + layer;
    if (!ids.empty()) {
        s += " (id" + std::string(ids.size() > 1 ? "s " : " ");
        for (std::size_t i = 0; i < ids.size() && i < 20; ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
        if (ids.size() > 20) s += ", ...";
        s += ")";
    }
    for (std::size_t i = 0; i < cascaded.size(); ++i)
        s += (i ? ", " : " with ") + std::to_string(cascaded[i].second) + " " + cascaded[i].first;
    return s;
}

BulkDeleteResult deleteWhere(Atlas& atlas, const std::string& layer, const std::string& filter, bool dryRun,
                             Feedback* feedback) {
    BulkDeleteResult result;
    result.layer = layer;
    result.filter = filter;
    result.dryRun = dryRun;
    auto source = atlas.openLayer(layer); // unknown layer: InputError listing the layers
    if (filter.find_first_not_of(" \t\r\n") == std::string::npos)
        throw InputError("delete needs --where FILTER (to delete every " + layer + ", say so: --where \"id > 0\")");
    const auto fields = source->fields();
    const auto parsed = model::Filter::parse(filter, fields);
    model::FeatureRequest request;
    request.withGeometry = false;
    for (const auto& f : fields) request.fields.push_back(f.name);
    {
        auto cursor = source->features(request);
        model::Feature f;
        std::size_t n = 0;
        while (cursor->next(f)) {
            if (feedback && ++n % 5000 == 0) feedback->throwIfCancelled();
            if (parsed.matches(f.values)) result.ids.push_back(f.id);
        }
    }
    source.reset();
    std::sort(result.ids.begin(), result.ids.end());
    if (result.ids.empty()) return result;

    auto& conn = atlas.connection();
    if (!dryRun) result.backupPath = autoBackup(atlas, "before-delete-" + layer);
    Transaction tx(conn);
    std::vector<std::int64_t> before;
    for (const char* t : kDependents) before.push_back(countRows(conn, t));
    Statement del(conn, "DELETE FROM " + quoteIdentifier(layer) + " WHERE id = ?1");
    Statement delSource(conn, "DELETE FROM feature_sources WHERE table_name = ?1 AND row_id = ?2");
    for (std::size_t i = 0; i < result.ids.size(); ++i) {
        if (feedback && i % 500 == 0) {
            feedback->throwIfCancelled();
            feedback->setProgress(100.0 * static_cast<double>(i) / static_cast<double>(result.ids.size()), "deleting " + layer);
        }
        const std::int64_t id = result.ids[i];
        try {
            del.bind(1, id);
            del.run();
        } catch (const ConstraintError&) {
            throw InputError(layer + " row " + std::to_string(id) +
                             " cannot be deleted: other rows still refer to it (e.g. the buildings of a community, the "
                             "posts of a post type); delete or move those first. Nothing was deleted");
        }
        delSource.bind(1, layer).bind(2, id);
        delSource.run();
    }
    for (std::size_t i = 0; i < std::size(kDependents); ++i) {
        const std::int64_t gone = before[i] - countRows(conn, kDependents[i]);
        if (gone > 0 && layer != kDependents[i]) result.cascaded.emplace_back(kDependents[i], gone);
    }
    logAudit(conn, "delete", layer, std::nullopt, {}, std::nullopt, result.summary() + " where " + filter);
    if (feedback) feedback->throwIfCancelled();
    if (dryRun) return result; // rolled back: the counts were exact
    refreshHouseholdPoints(conn); // the blocks of deleted households were dropped by the triggers
    tx.commit();
    result.written = true;
    if (feedback) feedback->setProgress(100.0, "done");
    return result;
}

} // namespace gridatlas::storage
