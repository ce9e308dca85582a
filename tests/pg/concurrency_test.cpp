// Twenty editors at once on the same buildings (bench/editors_sim.h), on SpatiaLite and on
// PostGIS: no accepted edit is lost, every refused one was reported, the final state is the last
// accepted edit of each row. bench/bench_editors.sh runs the same for two minutes.
#include <gtest/gtest.h>

#include <memory>

#include "editors_sim.h"
#include "pg/pg_server.h"
#include "storage/demo_generator.h"
#include "storage/engine.h"
#include "storage/fixture_atlas.h"
#include "storage/publish_pg.h"

namespace gridatlas::storage {
void PrintTo(Engine engine, std::ostream* out); // backend_test.cpp: names read SpatiaLite / PostGIS
}

namespace gridatlas::testing {
namespace {

using storage::Engine;

class ConcurrentEditors : public ::testing::TestWithParam<Engine> {};

std::string atlasFor(Engine engine, TempDir& dir, std::unique_ptr<PgDatabase>& db, const std::string& server) {
    const std::string file = dir.file("demo.sqlite");
    storage::generateDemo(file, storage::DemoOptions{});
    if (engine == Engine::SQLite) return file;
    db = std::make_unique<PgDatabase>(server);
    storage::publishCommunity(file, db->url(), "湖西社区");
    return db->url();
}

TEST_P(ConcurrentEditors, TwentyEditorsLoseNoUpdate) {
    TempDir dir;
    const std::string file = dir.file("demo.sqlite");
    storage::generateDemo(file, storage::DemoOptions{});
    std::unique_ptr<PgDatabase> db;
    bench::EditorsOptions o;
    o.location = file;
    if (GetParam() == Engine::PostgreSQL) {
        GRIDATLAS_REQUIRE_PG(server);
        db = std::make_unique<PgDatabase>(server);
        storage::publishCommunity(file, db->url(), "湖西社区");
        o.location = db->url();
    }
    o.editors = 20;
    o.seconds = 6;
    o.hotRows = 8;
    const auto r = bench::runEditors(o);
    std::printf("%s\n", r.summary().c_str());
    EXPECT_TRUE(r.ok()) << r.summary();
    EXPECT_EQ(r.lost, 0);
    EXPECT_EQ(r.wrongFinal, 0);
    EXPECT_EQ(r.failed, 0);
    EXPECT_EQ(r.attempted, r.accepted + r.refused);
    // The editors really collided, and really got work done.
    EXPECT_GT(r.refused, 10);
    EXPECT_GT(r.accepted, 100);
}

// The same editors writing without the version check lose updates, and the check sees it: the
// test above can fail.
TEST_P(ConcurrentEditors, BlindWritesLoseUpdatesAndTheCheckFindsThem) {
    std::string server;
    if (GetParam() == Engine::PostgreSQL) {
        GRIDATLAS_REQUIRE_PG(url);
        server = url;
    }
    TempDir dir;
    std::unique_ptr<PgDatabase> db;
    bench::EditorsOptions o;
    o.location = atlasFor(GetParam(), dir, db, server);
    o.editors = 10;
    o.seconds = 2;
    o.hotRows = 3;
    o.blind = true;
    const auto r = bench::runEditors(o);
    EXPECT_FALSE(r.ok()) << r.summary();
    EXPECT_GT(r.lost, 0) << r.summary();
}

INSTANTIATE_TEST_SUITE_P(Engines, ConcurrentEditors, ::testing::Values(Engine::SQLite, Engine::PostgreSQL),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                             return std::string(info.param == Engine::SQLite ? "SpatiaLite" : "PostGIS");
                         });

} // namespace
} // namespace gridatlas::testing
