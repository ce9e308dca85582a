// The demo district on a PostGIS atlas (`gridatlas-cli demo --out postgresql://...`): generated
// into a scratch SpatiaLite file by the same generator as a file demo (so both engines hold the
// same rows, ids included), then streamed up table by table with COPY in one transaction. COPY
// is what makes a big server atlas cheap to fill (the lead's city benchmarks start from one).
#include <chrono>
#include <string>
#include <vector>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/demo_generator.h"
#include "storage/engine.h"
#include "storage/publish_pg.h"

namespace gridatlas::storage {

namespace {

// Every table the generator can fill, parents before children (foreign keys are checked row by
// row during COPY). household_points goes last: the households' insert triggers empty it.
std::vector<std::string> tablesToCopy() {
    std::vector<std::string> out{"post_types", "streets", "imports"};
    for (auto& t : communityTables()) out.push_back(std::move(t));
    out.insert(out.end(), {"atlas_crypto", "household_points"});
    return out;
}

// The generator's atlas_meta keys (name, generator, census date...), not the server atlas's own
// schema version, CRS and creation time.
void copyMeta(Connection& lite, Connection& pg) {
    Statement src(lite, "SELECT key, value FROM atlas_meta WHERE key NOT IN ('schema_version', 'srid', 'created') ORDER BY key");
    while (src.step()) {
        Statement ins(pg, "INSERT INTO atlas_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
        ins.bind(1, src.columnText(0)).bind(2, src.columnText(1));
        ins.run();
    }
}

// Later inserts (the viewer, imports) continue after the copied ids.
void moveSequencesOn(Connection& pg, const std::vector<std::string>& tables) {
    for (const auto& t : tables) {
        Statement seq(pg, "SELECT pg_get_serial_sequence(?, 'id') FROM information_schema.columns "
                          "WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'id'");
        seq.bind(1, t).bind(2, t);
        if (!seq.step() || seq.isNull(0)) continue;
        pg.exec("SELECT setval('" + seq.columnText(0) + "', GREATEST((SELECT max(id) FROM " + t + "), 1))");
    }
}

} // namespace

DemoSummary generateDemoOnServer(const std::string& target, const std::string& scratchPath, const DemoOptions& options,
                                 Feedback* feedback) {
    if (!isPostgresLocation(target)) throw InputError("'" + target + "' is not a PostgreSQL location");
    const auto t0 = std::chrono::steady_clock::now();
    // An atlas without communities (a fresh `create`, or the schema a failed run left) is filled;
    // anything else is refused before the generator runs.
    bool exists = false;
    {
        Connection probe(target, OpenMode::ReadWrite);
        exists = probe.tableExists("atlas_meta");
        if (exists && probe.queryInt("SELECT COUNT(*) FROM communities").value_or(0) > 0)
            throw InputError("'" + redactLocation(target) +
                             "' already holds an atlas with communities: demo fills only an empty database or an empty "
                             "atlas (drop and create the database again: dropdb/createdb)");
    }
    DemoSummary summary = generateDemo(scratchPath, options, feedback);
    auto lite = Atlas::open(scratchPath, OpenMode::ReadOnly);
    auto server = exists ? Atlas::open(target, OpenMode::ReadWrite) : Atlas::create(target, lite->srid(), lite->info().name);
    if (server->srid() != lite->srid())
        throw InputError("'" + redactLocation(target) + "' is an atlas in EPSG:" + std::to_string(server->srid()) +
                         ", the demo district is in EPSG:" + std::to_string(lite->srid()));
    Connection& pg = server->connection();
    const auto tables = tablesToCopy();
    {
        Transaction tx(pg);
        pg.exec("SELECT set_config('gridatlas.audit_rows', 'none', true)"); // generated rows, not edits (audit_pg.h)
        copyMeta(lite->connection(), pg);
        // household_points is copied whole after the households and residents: the triggers that
        // drop a block on every household or resident insert would only cost a statement per row.
        const auto pointTriggers = [&pg](const char* action) {
            pg.exec(std::string("ALTER TABLE households ") + action + " TRIGGER household_points_insert");
            pg.exec(std::string("ALTER TABLE residents ") + action + " TRIGGER household_points_resident_insert");
        };
        pointTriggers("DISABLE");
        // The schema's default post types are replaced by the generator's (the same list today).
        pg.exec("DELETE FROM post_types");
        for (std::size_t i = 0; i < tables.size(); ++i) {
            if (feedback) {
                feedback->throwIfCancelled();
                feedback->setProgress(100.0 * static_cast<double>(i) / static_cast<double>(tables.size() + 1),
                                      "copying to the server: " + tables[i]);
            }
            copyWholeTable(lite->connection(), pg, tables[i], feedback);
        }
        pointTriggers("ENABLE");
        moveSequencesOn(pg, tables);
        tx.commit();
    }
    if (feedback) feedback->setProgress(100.0 * static_cast<double>(tables.size()) / static_cast<double>(tables.size() + 1),
                                        "server statistics");
    server->updateStatistics();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (feedback) feedback->setProgress(100, "done");
    return summary;
}

} // namespace gridatlas::storage
