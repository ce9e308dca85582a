// The in-memory layers hold exactly what the atlas's views say, feature by feature.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "model/support/error.h"
#include "storage/fixture_atlas.h"
#include "storage/layer_cache.h"

using namespace gridatlas;
using namespace gridatlas::testing;

namespace {

// Every feature and field of `layer`, read through the SQL views and through the cache, agree.
void expectSameAsViews(storage::Atlas& atlas, const std::string& layer) {
    auto direct = atlas.openLayer(layer);
    auto cached = storage::makeSnapshotSource(storage::loadLayerSnapshot(atlas, layer));
    std::vector<std::string> names;
    for (const auto& f : direct->fields()) names.push_back(f.name);
    std::vector<std::string> cachedNames;
    for (const auto& f : cached->fields()) cachedNames.push_back(f.name);
    ASSERT_EQ(cachedNames, names) << layer;
    model::FeatureRequest all;
    all.fields = names;
    std::map<std::int64_t, model::Feature> byId;
    auto dc = direct->features(all);
    model::Feature f;
    while (dc->next(f)) byId[f.id] = f;
    auto cc = cached->features(all);
    std::size_t n = 0;
    while (cc->next(f)) {
        ++n;
        auto it = byId.find(f.id);
        ASSERT_NE(it, byId.end()) << layer << " id " << f.id;
        EXPECT_EQ(f.geometry.coords, it->second.geometry.coords) << layer << " id " << f.id;
        for (std::size_t k = 0; k < names.size(); ++k)
            EXPECT_EQ(model::toText(f.values[k]), model::toText(it->second.values[k])) << layer << " id " << f.id << " field " << names[k];
    }
    EXPECT_EQ(n, byId.size()) << layer;
    // The R*Tree keeps float32 boxes rounded outwards: the direct extent is only that exact.
    EXPECT_NEAR(cached->extent().xmin, direct->extent().xmin, 0.5) << layer;
}

} // namespace

TEST(LayerCache, SmallWorldLayersEqualTheViews) {
    SmallWorld world;
    auto& c = world.atlas->connection();
    c.exec("UPDATE residents SET disability = 1 WHERE id = 10");
    c.exec("UPDATE households SET hardship = 1 WHERE id = 40");
    for (const auto& layer : storage::Atlas::layerNames()) expectSameAsViews(*world.atlas, layer);
}

TEST(LayerCache, DemoDistrictLayersEqualTheViews) {
    TempDir dir;
    const std::string path = dir.file("demo.sqlite");
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " demo --scale S --out " + path, &out), 0) << out;
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
    for (const auto& layer : storage::Atlas::layerNames()) expectSameAsViews(*atlas, layer);
}

TEST(LayerCache, BoundingBoxQueriesMatchABruteForceScan) {
    SmallWorld world;
    auto snap = storage::loadLayerSnapshot(*world.atlas, "households");
    const double x0 = SmallWorld::kX0, y0 = SmallWorld::kY0;
    for (const model::Rect r : {model::Rect{x0, y0, x0 + 150, y0 + 300}, model::Rect{x0 + 209, y0 + 158, x0 + 216, y0 + 161},
                                model::Rect{x0 - 100, y0 - 100, x0 - 50, y0 - 50}, model::Rect{x0 - 1e6, y0 - 1e6, x0 + 1e6, y0 + 1e6}}) {
        std::vector<std::uint32_t> hits;
        snap->query(r, hits);
        std::size_t brute = 0;
        for (std::size_t i = 0; i < snap->size(); ++i) brute += r.intersects(snap->bounds(i)) ? 1 : 0;
        EXPECT_EQ(hits.size(), brute);
    }
    auto buildings = storage::loadLayerSnapshot(*world.atlas, "buildings");
    std::vector<std::uint32_t> hits;
    // A box touching only the east edge of building 1 still finds it.
    buildings->query(model::Rect{x0 + 109, y0 + 55, x0 + 111, y0 + 56}, hits);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(buildings->id(hits[0]), 1);
}

TEST(LayerCache, SharedCacheLoadsOnceAndServesProviders) {
    SmallWorld world;
    world.atlas.reset();
    auto cache = std::make_shared<storage::LayerCache>(world.path);
    storage::CachedAtlasProvider a(cache, "x", 4548), b(cache, "x", 4548);
    auto s1 = a.open("households");
    auto s2 = b.open("households");
    EXPECT_EQ(cache->layer("households").get(), cache->layer("households").get());
    EXPECT_GT(cache->memoryBytes(), 60u * 16);
    model::FeatureRequest req;
    req.fields = {"nope"};
    EXPECT_THROW(s1->features(req), gridatlas::InputError);
    EXPECT_THROW(a.open("bulidings"), gridatlas::InputError);
}

TEST(LayerCache, OpeningASourceForItsTypeLoadsNothing) {
    SmallWorld world;
    world.atlas.reset();
    auto cache = std::make_shared<storage::LayerCache>(world.path);
    storage::CachedAtlasProvider provider(cache, "x", 4548);
    auto households = provider.open("households");
    EXPECT_EQ(households->geometryType(), model::GeomType::Point);
    EXPECT_EQ(cache->memoryBytes(), 0u); // a layer out of its scale range costs nothing
    EXPECT_EQ(households->fields().front().name, "id");
    EXPECT_GT(cache->memoryBytes(), 0u);
}

TEST(LayerCache, PrefetchedLayersEqualDirectLoadsAndComeOnce) {
    TempDir dir;
    const std::string path = dir.file("demo.sqlite");
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " demo --scale S --out " + path, &out), 0) << out;
    auto cache = std::make_shared<storage::LayerCache>(path);
    // Everything at once: the summary layers share one census computed while the others load.
    cache->prefetch({"grids", "buildings", "households", "streets", "service_posts", "communities"});
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
    for (const std::string layer : {"households", "buildings", "grids", "streets"}) {
        const auto cached = cache->layer(layer);
        const auto direct = storage::loadLayerSnapshot(*atlas, layer);
        ASSERT_EQ(cached->size(), direct->size()) << layer;
        for (const auto& f : direct->fields()) {
            const int k = direct->columnIndex(f.name);
            const int kc = cached->columnIndex(f.name);
            ASSERT_GE(kc, storage::LayerSnapshot::kIdColumn) << layer << "." << f.name;
            for (std::size_t i = 0; i < direct->size(); i += 7)
                ASSERT_EQ(model::toText(cached->value(i, kc)), model::toText(direct->value(i, k))) << layer << "." << f.name << " #" << i;
        }
        EXPECT_EQ(cache->layer(layer).get(), cached.get()) << layer << " is loaded once";
    }
    // The households are split into two halves by id while loading: none lost, none twice,
    // still in id order.
    const auto households = cache->layer("households");
    for (std::size_t i = 1; i < households->size(); ++i) ASSERT_LT(households->id(i - 1), households->id(i));
}

TEST(LayerCache, AFailedLoadIsReportedToEveryCallerAndRetried) {
    GRIDATLAS_SPATIALITE_ONLY("the atlas file moved away and back");
    SmallWorld world;
    world.atlas.reset();
    auto cache = std::make_shared<storage::LayerCache>(world.path);
    const std::string moved = world.path + ".away";
    std::filesystem::rename(world.path, moved);
    cache->prefetch({"households"});
    EXPECT_THROW((void)cache->layer("households"), gridatlas::Error);
    EXPECT_THROW((void)cache->layer("households"), gridatlas::Error);
    std::filesystem::rename(moved, world.path);
    EXPECT_GT(cache->layer("households")->size(), 0u); // not kept failed
}

TEST(LayerCache, ClearWhileLoadingLeavesACacheThatReloads) {
    SmallWorld world;
    world.atlas.reset();
    auto cache = std::make_shared<storage::LayerCache>(world.path);
    cache->prefetch({"households", "buildings", "grids"});
    cache->clear();
    {
        auto atlas = storage::Atlas::open(world.path, storage::OpenMode::ReadWrite);
        atlas->connection().exec("UPDATE households SET hardship = 1 WHERE id = 40");
    }
    const auto households = cache->layer("households");
    const int k = households->columnIndex("hardship");
    bool found = false;
    for (std::size_t i = 0; i < households->size(); ++i)
        if (households->id(i) == 40) {
            found = true;
            EXPECT_EQ(model::toText(households->value(i, k)), "1") << "reloaded after clear(), not the old load";
        }
    EXPECT_TRUE(found);
}

TEST(LayerCache, ExtraLayersAreServedByNameAndSurviveClear) {
    SmallWorld world;
    auto cache = std::make_shared<storage::LayerCache>(world.path);
    auto buildings = storage::loadLayerSnapshot(*world.atlas, "buildings");
    auto result = std::make_shared<storage::LayerSnapshot>("coverage_gaps", model::GeomType::Polygon,
                                                           std::vector<storage::LayerSnapshot::Column>{}, std::vector<std::int64_t>{2},
                                                           std::vector<model::Vec2>{}, std::vector<model::Geometry>{[&] {
                                                               model::Geometry g;
                                                               buildings->geometry(1, g);
                                                               return g;
                                                           }()});
    cache->setExtraLayer("coverage_gaps", result);
    storage::CachedAtlasProvider provider(cache, "x", 4548);
    const auto names = provider.layerNames();
    EXPECT_NE(std::find(names.begin(), names.end(), "coverage_gaps"), names.end());
    auto source = provider.open("coverage_gaps");
    EXPECT_EQ(source->geometryType(), model::GeomType::Polygon);
    cache->clear();
    EXPECT_EQ(cache->layer("coverage_gaps").get(), result.get());
    cache->setExtraLayer("coverage_gaps", nullptr);
    EXPECT_THROW(provider.open("coverage_gaps"), gridatlas::Error);
}

TEST(LayerCache, NarrowAndNullFreeColumnsReadAsIntegers) {
    // Flags kept as bytes and columns without null flags (the households layer's) read back as
    // the same integers; a column with null flags still gives nulls.
    storage::LayerSnapshot::Column flag;
    flag.field = model::Field{"vacant", model::FieldType::Integer, false};
    flag.narrow = true;
    flag.bytes = {0, 1, 255};
    storage::LayerSnapshot::Column floor;
    floor.field = model::Field{"floor", model::FieldType::Integer, false};
    floor.ints = {-1, 7, 33};
    storage::LayerSnapshot::Column grid;
    grid.field = model::Field{"grid_id", model::FieldType::Integer, false};
    grid.ints = {4, 0, 5};
    grid.isNull = {0, 1, 0};
    const storage::LayerSnapshot s("households", model::GeomType::Point, {flag, floor, grid}, {1, 2, 3},
                                   {model::Vec2{0, 0}, model::Vec2{1, 1}, model::Vec2{2, 2}}, {});
    EXPECT_EQ(s.value(1, s.columnIndex("vacant")), model::Value{std::int64_t{1}});
    EXPECT_EQ(s.value(2, s.columnIndex("vacant")), model::Value{std::int64_t{255}});
    EXPECT_EQ(s.value(0, s.columnIndex("floor")), model::Value{std::int64_t{-1}});
    EXPECT_TRUE(model::isNull(s.value(1, s.columnIndex("grid_id"))));
    EXPECT_EQ(s.value(2, s.columnIndex("grid_id")), model::Value{std::int64_t{5}});
    // A flag is an eighth of a wide integer.
    EXPECT_LT(s.memoryBytes(), 3 * (8 + 16 + 4) + 3 * 8 * 3 + 3 + 64);
}

TEST(LayerCache, HouseholdFlagsAreNarrow) {
    // The million-household layer: its flag columns take a byte per household, not eight.
    SmallWorld world;
    const auto snap = storage::loadLayerSnapshot(*world.atlas, "households");
    ASSERT_GT(snap->size(), 0u);
    auto source = storage::makeSnapshotSource(snap);
    model::FeatureRequest req;
    req.fields = {"hardship", "has_member", "vulnerable"};
    auto cursor = source->features(req);
    model::Feature f;
    ASSERT_TRUE(cursor->next(f));
    for (const auto& v : f.values) EXPECT_TRUE(std::holds_alternative<std::int64_t>(v));
    // 8 flag columns at a byte, 7 integers at 8 bytes, ids, points, index, rooms: under 120 bytes.
    EXPECT_LT(snap->memoryBytes() / snap->size(), 120u + 64u);
}
