// Coverage on the S demo atlas: straight-line results equal SpatiaLite SQL (ST_Distance with the
// spatial index), walking distances equal a plain Dijkstra over the unsplit street graph, and
// the coverage command's outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "coverage/coverage_test_support.h"
#include "storage/engine.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/coverage.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::storage {
namespace {

using testing::demoAtlasPath;

std::shared_ptr<const CoverageData> demoData() {
    static std::shared_ptr<const CoverageData> data = [] {
        auto atlas = Atlas::open(demoAtlasPath(), OpenMode::ReadOnly);
        return loadCoverageData(*atlas);
    }();
    return data;
}

TEST(CoverageDemo, LoaderReadsEveryPlacedHousehold) {
    auto atlas = Atlas::open(demoAtlasPath(), OpenMode::ReadOnly);
    const auto d = demoData();
    const auto placed = atlas->connection().queryInt("SELECT COUNT(*) FROM households WHERE geom IS NOT NULL").value_or(-1);
    EXPECT_EQ(static_cast<std::int64_t>(d->households.size()), placed);
    EXPECT_GT(d->households.size(), 1000u);
    const auto disabled =
        atlas->connection().queryInt("SELECT COUNT(DISTINCT household_id) FROM residents WHERE disability = 1").value_or(-1);
    std::int64_t n = 0;
    for (auto c : d->households.categories) n += (c & kCoverDisability) ? 1 : 0;
    EXPECT_EQ(n, disabled);
    EXPECT_FALSE(d->streets.empty());
    EXPECT_FALSE(d->posts.empty());
}

/// For every post type and two radii: the covered set and the nearest distances equal SQL's.
TEST(CoverageDemo, StraightLineEqualsSpatiaLiteSql) {
    auto atlas = Atlas::open(demoAtlasPath(), OpenMode::ReadOnly);
    auto& c = atlas->connection();
    const auto d = demoData();
    for (const char* type : {"pioneer_post", "health_station", "charity_shop"}) {
        for (double radius : {150.0, 400.0}) {
            CoverageOptions o;
            o.postType = type;
            o.meters = radius;
            const auto r = computeCoverage(*d, o);
            // The peers' formulation: SpatialIndex prefilter, exact ST_Distance (PostGIS: ST_DWithin
            // on the GiST index).
            Statement st(c, c.engine() == Engine::PostgreSQL
                                ? "SELECT DISTINCT h.id FROM service_posts AS p JOIN households AS h ON ST_DWithin(h.geom, p.geom, ?1) "
                                  "WHERE p.type = ?2 ORDER BY h.id"
                                : "SELECT DISTINCT h.id FROM service_posts AS p JOIN households AS h ON h.ROWID IN ("
                                  " SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'households' AND f_geometry_column = 'geom'"
                                  " AND search_frame = BuildCircleMbr(ST_X(p.geom), ST_Y(p.geom), ?1, ST_SRID(p.geom)))"
                                  " WHERE p.type = ?2 AND ST_Distance(h.geom, p.geom) <= ?1 ORDER BY h.id");
            st.bind(1, radius).bind(2, std::string(type));
            std::set<std::int64_t> sql;
            while (st.step()) sql.insert(st.columnInt(0));
            std::set<std::int64_t> ours;
            for (std::size_t i = 0; i < d->households.size(); ++i)
                if (r.covered[i]) ours.insert(d->households.ids[i]);
            EXPECT_EQ(ours, sql) << type << " " << radius;
            EXPECT_EQ(r.coveredCount, static_cast<std::int64_t>(sql.size()));
        }
        CoverageOptions o;
        o.postType = type;
        const auto r = computeCoverage(*d, o);
        Statement near(c, "SELECT h.id, MIN(ST_Distance(h.geom, p.geom)) FROM households h, service_posts p "
                          "WHERE p.type = ? AND h.geom IS NOT NULL GROUP BY h.id ORDER BY h.id");
        near.bind(1, std::string(type));
        std::size_t checked = 0;
        while (near.step()) {
            const auto i = d->householdIndex(near.columnInt(0));
            ASSERT_GE(i, 0);
            EXPECT_NEAR(r.distanceM[static_cast<std::size_t>(i)], near.columnDouble(1), 1e-3)
                << "household " << near.columnInt(0);
            ++checked;
        }
        EXPECT_EQ(checked, d->households.size());
    }
}

/// Walking distances: the multi-source search over the network with doors and posts joined
/// equals a plain Dijkstra over the unsplit graph for every household.
TEST(CoverageDemo, WalkingDistancesEqualPlainDijkstra) {
    const auto d = demoData();
    const auto net = StreetNetwork::fromStreets(d->streets);
    CoverageOptions o;
    o.postType = "pioneer_post";
    o.mode = DistanceMode::Network;
    const auto r = computeCoverage(*d, o, &net);

    const std::size_t n = net.nodeCount();
    std::vector<std::vector<std::pair<std::size_t, double>>> adj(n);
    for (const auto& e : net.edges()) {
        adj[e.a].emplace_back(e.b, e.length);
        adj[e.b].emplace_back(e.a, e.length);
    }
    std::vector<double> dist(n, StreetNetwork::kInfinity);
    std::set<std::pair<double, std::size_t>> q;
    auto relax = [&](std::size_t v, double c) {
        if (c < dist[v]) {
            q.erase({dist[v], v});
            dist[v] = c;
            q.insert({c, v});
        }
    };
    std::vector<StreetNetwork::Snap> posts;
    for (const auto& p : d->posts) {
        if (p.type != "pioneer_post") continue;
        const auto s = net.snap(p.point, o.maxSnapM);
        posts.push_back(s);
        if (s.edge < 0) continue;
        const auto& e = net.edge(static_cast<std::size_t>(s.edge));
        relax(e.a, s.distance + s.offset);
        relax(e.b, s.distance + e.length - s.offset);
    }
    while (!q.empty()) {
        const auto [c, v] = *q.begin();
        q.erase(q.begin());
        for (const auto& [w, len] : adj[v]) relax(w, c + len);
    }
    std::size_t reached = 0;
    for (std::size_t i = 0; i < d->households.size(); ++i) {
        const auto s = net.snap(d->doorOf(i), o.maxSnapM);
        double expected = StreetNetwork::kInfinity;
        if (s.edge >= 0) {
            const auto& e = net.edge(static_cast<std::size_t>(s.edge));
            expected = std::min(s.distance + dist[e.a] + s.offset, s.distance + dist[e.b] + e.length - s.offset);
            for (const auto& p : posts)
                if (p.edge == s.edge) expected = std::min(expected, p.distance + std::abs(p.offset - s.offset) + s.distance);
        }
        if (std::isinf(expected)) {
            EXPECT_TRUE(std::isinf(r.distanceM[i]));
            continue;
        }
        ++reached;
        ASSERT_NEAR(r.distanceM[i], expected, 1e-3) << "household " << d->households.ids[i];
        EXPECT_EQ(r.covered[i] != 0, r.distanceM[i] <= 750.0);
    }
    EXPECT_EQ(reached, d->households.size()) << "every demo door is on the network";
}

/// The demo street graph loaded into SpatiaLite's VirtualRouting (Dijkstra): node-to-node
/// walking distances equal ours.
TEST(CoverageDemo, NetworkDistancesEqualSpatiaLiteVirtualRouting) {
    const auto d = demoData();
    const auto net = StreetNetwork::fromStreets(d->streets);
    ASSERT_GT(net.edgeCount(), 100u);
    Connection c(":memory:", OpenMode::Create);
    c.exec("CREATE TABLE edges (id INTEGER PRIMARY KEY, node_from INTEGER, node_to INTEGER, cost DOUBLE)");
    {
        Transaction tx(c);
        Statement ins(c, "INSERT INTO edges (node_from, node_to, cost) VALUES (?, ?, ?)");
        for (const auto& e : net.edges()) {
            ins.bind(1, static_cast<std::int64_t>(e.a) + 1).bind(2, static_cast<std::int64_t>(e.b) + 1).bind(3, e.length);
            ins.run();
        }
        tx.commit();
    }
    ASSERT_EQ(c.queryInt("SELECT CreateRouting('edges_data', 'edges_net', 'edges', 'node_from', 'node_to', NULL, 'cost', "
                         "NULL, 0, 1)")
                  .value_or(0),
              1)
        << c.queryText("SELECT CreateRouting_GetLastError()").value_or("");
    std::vector<double> dist;
    std::vector<std::int32_t> label;
    std::size_t compared = 0;
    for (std::uint32_t from :
         {0u, static_cast<std::uint32_t>(net.nodeCount() / 3), static_cast<std::uint32_t>(net.nodeCount() - 1)}) {
        net.shortestPaths({{from, 0, 0}}, StreetNetwork::kInfinity, dist, label);
        for (std::size_t to = 1; to < net.nodeCount(); to += net.nodeCount() / 15) {
            if (to == from) continue;
            // The virtual table wants the node codes as literals; the first row is the route.
            Statement q(c, "SELECT Cost FROM edges_net WHERE NodeFrom = " + std::to_string(from + 1) +
                               " AND NodeTo = " + std::to_string(to + 1));
            if (std::isinf(dist[to])) {
                EXPECT_TRUE(!q.step() || q.isNull(0)) << from << " -> " << to << " is unreachable for us";
                continue;
            }
            ASSERT_TRUE(q.step()) << from << " -> " << to;
            EXPECT_NEAR(q.columnDouble(0), dist[to], 1e-6) << from << " -> " << to;
            ++compared;
        }
    }
    EXPECT_GT(compared, 30u);
}

TEST(CoverageCli, PerHouseholdCsvAndReports) {
    testing::TempDir dir;
    const std::string csv = dir.file("households.csv"), report = dir.file("report.xlsx"), pdf = dir.file("report.pdf"),
                      rcsv = dir.file("report.csv");
    std::string out;
    ASSERT_EQ(testing::runCommand(testing::cliPath() + " coverage --atlas " + demoAtlasPath() +
                                      " --type health_station --minutes 5 --network --per-household " + csv + " --out " + report,
                                  &out),
              0)
        << out;
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "household_id,nearest_post_id,distance_m,covered");
    std::size_t rows = 0, covered = 0;
    while (std::getline(in, line)) {
        ++rows;
        covered += line.back() == '1';
    }
    const auto d = demoData();
    EXPECT_EQ(rows, d->households.size());
    CoverageOptions o;
    o.postType = "health_station";
    o.mode = DistanceMode::Network;
    o.minutes = 5;
    const auto r = computeCoverage(*d, o);
    EXPECT_EQ(static_cast<std::int64_t>(covered), r.coveredCount);
    EXPECT_NE(out.find(std::to_string(r.coveredCount) + " of " + std::to_string(rows)), std::string::npos) << out;
    std::ifstream x(report, std::ios::binary);
    char magic[2] = {};
    x.read(magic, 2);
    EXPECT_EQ(std::string(magic, 2), "PK") << "an XLSX is a zip";
    ASSERT_EQ(testing::runCommand(
                  testing::cliPath() + " coverage --atlas " + demoAtlasPath() + " --type pioneer_post --out " + pdf, &out),
              0)
        << out;
    std::ifstream p(pdf, std::ios::binary);
    std::string head(5, '\0');
    p.read(head.data(), 5);
    EXPECT_EQ(head, "%PDF-");
    ASSERT_EQ(testing::runCommand(testing::cliPath() + " coverage --atlas " + demoAtlasPath() +
                                      " --type pioneer_post --meters 200 --out " + rcsv,
                                  &out),
              0)
        << out;
    std::ifstream rc(rcsv);
    std::stringstream all;
    all << rc.rdbuf();
    EXPECT_NE(all.str().find("categories,elderly_alone,独居老人"), std::string::npos);
    EXPECT_NE(all.str().find("summary,post_type,pioneer_post"), std::string::npos);
}

TEST(CoverageCli, ServiceAreasAsGeoJson) {
    testing::TempDir dir;
    const std::string path = dir.file("areas.geojson");
    std::string out;
    ASSERT_EQ(testing::runCommand(testing::cliPath() + " coverage --atlas " + demoAtlasPath() +
                                      " --type pioneer_post --network --minutes 5 --service-areas " + path,
                                  &out),
              0)
        << out;
    std::ifstream in(path);
    std::stringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    std::size_t features = 0;
    for (auto at = text.find("\"type\": \"Feature\""); at != std::string::npos; at = text.find("\"type\": \"Feature\"", at + 1))
        ++features;
    const auto d = demoData();
    std::size_t posts = 0;
    for (const auto& p : d->posts) posts += p.type == "pioneer_post";
    EXPECT_EQ(features, posts);
    EXPECT_NE(text.find("\"meters\": 375.0"), std::string::npos) << "5 minutes at 4.5 km/h";
    // WGS84 longitude/latitude of the demo district (满洲里, about 117.4E 49.6N).
    const auto first = text.find("[[[[");
    ASSERT_NE(first, std::string::npos);
    const double lon = std::stod(text.substr(first + 4));
    const double lat = std::stod(text.substr(text.find(", ", first) + 2));
    EXPECT_GT(lon, 110);
    EXPECT_LT(lon, 125);
    EXPECT_GT(lat, 40);
    EXPECT_LT(lat, 55);
}

TEST(CoverageCli, BadInputIsNamedAndWritesNothing) {
    testing::TempDir dir;
    const std::string csv = dir.file("h.csv");
    std::string out;
    EXPECT_NE(testing::runCommand(testing::cliPath() + " coverage --atlas " + demoAtlasPath() +
                                      " --type nail_salon --per-household " + csv,
                                  &out),
              0);
    EXPECT_NE(out.find("nail_salon"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(csv));
    EXPECT_NE(testing::runCommand(
                  testing::cliPath() + " coverage --atlas " + demoAtlasPath() + " --type pioneer_post --minutes -3", &out),
              0);
    EXPECT_NE(out.find("--minutes"), std::string::npos) << out;
    EXPECT_NE(testing::runCommand(
                  testing::cliPath() + " coverage --atlas " + demoAtlasPath() + " --type pioneer_post --out x.doc", &out),
              0);
    EXPECT_NE(out.find(".csv, .xlsx or .pdf"), std::string::npos) << out;
    EXPECT_NE(testing::runCommand(testing::cliPath() + " coverage --atlas " + dir.file("missing.sqlite") + " --type pioneer_post",
                                  &out),
              0);
    EXPECT_NE(out.find("missing.sqlite"), std::string::npos) << out;
}

} // namespace
} // namespace gridatlas::storage
