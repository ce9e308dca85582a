// demo --out postgresql://...: the server atlas holds the same rows as the file demo of the same
// scale and seed (ids, geometry, household_points blocks, meta), its sequences continue after the
// copied ids, an encrypted demo carries its key, and a database with communities is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include "model/support/error.h"
#include "pg/pg_server.h"
#include "storage/atlas.h"
#include "storage/backup.h"
#include "storage/connection.h"
#include "storage/crypto.h"
#include "storage/demo_generator.h"
#include "storage/engine.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::testing {
namespace {

using storage::Statement;

// Every row of `table` as text, sorted; geometries decoded to their vertices (their encodings
// differ between engines), doubles to the last bit, bytes as they are.
std::vector<std::string> tableRows(storage::Connection& c, const std::string& table) {
    std::vector<std::string> names;
    {
        Statement probe(c, "SELECT * FROM " + table + " LIMIT 0");
        for (int i = 0; i < probe.columnCount(); ++i) names.push_back(probe.columnName(i));
    }
    std::string select;
    for (const auto& n : names)
        select += (select.empty() ? "" : ", ") + (n == "geom" ? storage::geomSelect(c, "geom") : storage::quoteIdentifier(n));
    Statement st(c, "SELECT " + select + " FROM " + table);
    std::vector<std::string> out;
    while (st.step()) {
        std::string row;
        for (int i = 0; i < st.columnCount(); ++i) {
            row += names[static_cast<std::size_t>(i)] + "=";
            if (st.isNull(i)) {
                row += "NULL|";
                continue;
            }
            if (names[static_cast<std::size_t>(i)] == "geom") {
                model::Geometry g;
                storage::decodeGeometry(c, st.columnBlob(i), g);
                row += "G" + std::to_string(static_cast<int>(g.type)) + ":";
                for (auto p : g.coords) row += std::to_string(p.x) + "," + std::to_string(p.y) + ";";
                for (auto e : g.ringEnds) row += "r" + std::to_string(e);
                for (auto e : g.partEnds) row += "p" + std::to_string(e);
            } else {
                const model::Value v = st.columnValue(i);
                if (const auto* n = std::get_if<std::int64_t>(&v)) {
                    row += std::to_string(*n);
                } else if (const auto* d = std::get_if<double>(&v)) {
                    std::array<char, 40> buf{};
                    std::snprintf(buf.data(), buf.size(), "%.17g", *d);
                    row += buf.data();
                } else if (const auto* s = std::get_if<std::string>(&v)) {
                    row += *s;
                }
            }
            row += "|";
        }
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end());
    return out;
}

class DemoPgTest : public ::testing::Test {
protected:
    void SetUp() override {
        GRIDATLAS_REQUIRE_PG(server);
        m_db = std::make_unique<PgDatabase>(server);
    }
    [[nodiscard]] const std::string& pg() const { return m_db->url(); }
    TempDir dir;

private:
    std::unique_ptr<PgDatabase> m_db;
};

TEST_F(DemoPgTest, ServerDemoHoldsTheFileDemosRows) {
    const std::string file = dir.file("demo.sqlite");
    const auto fileSummary = storage::generateDemo(file, storage::DemoOptions{});
    const auto serverSummary = storage::generateDemoOnServer(pg(), dir.file("scratch.sqlite"), storage::DemoOptions{});
    EXPECT_EQ(serverSummary.tableCounts, fileSummary.tableCounts);
    EXPECT_EQ(serverSummary.members, fileSummary.members);

    auto lite = storage::Atlas::open(file, storage::OpenMode::ReadOnly);
    auto server = storage::Atlas::open(pg(), storage::OpenMode::ReadOnly);
    EXPECT_EQ(server->info().name, lite->info().name);
    EXPECT_EQ(server->srid(), lite->srid());
    for (const char* table : {"post_types", "streets", "communities", "grids", "grid_staff", "buildings", "units", "households",
                              "residents", "service_posts", "assignments", "household_points"}) {
        SCOPED_TRACE(table);
        const auto a = tableRows(lite->connection(), table);
        const auto b = tableRows(server->connection(), table);
        EXPECT_FALSE(a.empty());
        EXPECT_EQ(a.size(), b.size());
        EXPECT_TRUE(a == b) << "first row on SQLite: " << (a.empty() ? "" : a.front())
                            << "\nfirst row on PostGIS: " << (b.empty() ? "" : b.front());
    }
    for (const char* key : {"generator", "census_date", "street_offices", "city"}) {
        const std::string sql = std::string("SELECT value FROM atlas_meta WHERE key = '") + key + "'";
        EXPECT_EQ(server->connection().queryText(sql), lite->connection().queryText(sql)) << key;
    }
    // The scratch file is the caller's to remove; the library leaves it complete.
    EXPECT_TRUE(std::filesystem::exists(dir.file("scratch.sqlite")));
}

TEST_F(DemoPgTest, NewRowsContinueAfterTheCopiedIds) {
    storage::generateDemoOnServer(pg(), dir.file("scratch.sqlite"), storage::DemoOptions{});
    auto server = storage::Atlas::open(pg(), storage::OpenMode::ReadWrite);
    auto& c = server->connection();
    const auto maxId = c.queryInt("SELECT MAX(id) FROM households").value();
    const auto next = c.queryInt("SELECT nextval(pg_get_serial_sequence('households', 'id'))").value();
    EXPECT_EQ(next, maxId + 1);
    const auto maxStreet = c.queryInt("SELECT MAX(id) FROM streets").value();
    EXPECT_EQ(c.queryInt("SELECT nextval(pg_get_serial_sequence('streets', 'id'))").value(), maxStreet + 1);
}

TEST_F(DemoPgTest, EncryptedDemoCarriesItsKey) {
    storage::DemoOptions options;
    options.passphrase = "demo passphrase";
    options.kdfLimits = storage::crypto::KdfLimits::minimum();
    storage::generateDemoOnServer(pg(), dir.file("scratch.sqlite"), options);
    storage::Connection c(pg(), storage::OpenMode::ReadWrite);
    EXPECT_TRUE(storage::crypto::isEncrypted(c));
    EXPECT_THROW(storage::crypto::unlock(c, "wrong"), Error);
    EXPECT_NO_THROW(storage::crypto::unlock(c, "demo passphrase"));
    // Every phone is sealed on the server; the clear column holds only its masked form.
    EXPECT_GT(c.queryInt("SELECT COUNT(*) FROM residents WHERE phone_enc IS NOT NULL").value(), 1000);
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM residents WHERE phone IS NOT NULL AND (phone_enc IS NULL OR phone NOT LIKE '%*%')").value(), 0);
    storage::crypto::forget();
}

TEST_F(DemoPgTest, RefusesAnAtlasWithCommunitiesAndLeavesItAlone) {
    storage::generateDemoOnServer(pg(), dir.file("first.sqlite"), storage::DemoOptions{});
    storage::DemoOptions other;
    other.seed = 7;
    try {
        storage::generateDemoOnServer(pg(), dir.file("second.sqlite"), other);
        FAIL() << "a second demo into the same database was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("already holds an atlas with communities"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("second.sqlite"))) << "refused before generating";
    storage::Connection c(pg(), storage::OpenMode::ReadOnly);
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM communities").value(), 2);
}

// The CLI: a URL target prints the summary with the password redacted, --force is refused, and
// no scratch file is left in the temp folder.
TEST_F(DemoPgTest, CliFillsAServerAtlas) {
    const std::string tmp = dir.path().string();
    const std::string cli = std::string("TMPDIR=") + tmp + " " + GRIDATLAS_TEST_CLI;
    const auto run = [&](const std::string& args, std::string& out) {
        FILE* p = ::popen((cli + " " + args + " 2>&1").c_str(), "r");
        std::array<char, 4096> buf{};
        out.clear();
        while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
        return ::pclose(p);
    };
    std::string out;
    EXPECT_NE(run("demo --out '" + pg() + "' --force", out), 0);
    EXPECT_NE(out.find("--force cannot replace a server atlas"), std::string::npos) << out;
    EXPECT_EQ(run("demo --out '" + pg() + "'", out), 0) << out;
    EXPECT_NE(out.find("wrote postgresql://"), std::string::npos) << out;
    EXPECT_NE(out.find("households"), std::string::npos) << out;
    EXPECT_EQ(run("info --atlas '" + pg() + "'", out), 0) << out;
    EXPECT_NE(out.find("households: 2934"), std::string::npos) << out;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(entry.path().filename().string().find(".gridatlas-demo-"), std::string::npos) << entry.path();
}

// A server atlas has no file backups: backup, restore and --list say so and name pg_dump; an
// automatic backup before a destructive operation is skipped (""), and nothing is written locally.
TEST_F(DemoPgTest, BackupAndRestoreOfAServerAtlasNamePgDump) {
    storage::generateDemoOnServer(pg(), dir.file("scratch.sqlite"), storage::DemoOptions{});
    const std::string file = dir.file("demo.sqlite");
    storage::generateDemo(file, storage::DemoOptions{});
    const auto expectAdvice = [](const auto& call, const char* what) {
        try {
            call();
            ADD_FAILURE() << what << " of a server atlas was accepted";
        } catch (const InputError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("is a PostgreSQL atlas"), std::string::npos) << m;
            EXPECT_NE(m.find("pg_dump"), std::string::npos) << m;
        }
    };
    expectAdvice([&] { storage::backupAtlas(pg(), dir.file("b.sqlite")); }, "backup");
    expectAdvice([&] { storage::restoreAtlas(pg(), file); }, "restore");
    expectAdvice([&] { storage::listBackups(pg()); }, "backup --list");
    EXPECT_THROW(storage::restoreAtlas(dir.file("other.sqlite"), pg()), InputError);
    auto server = storage::Atlas::open(pg(), storage::OpenMode::ReadWrite);
    EXPECT_EQ(storage::autoBackup(*server, "before-delete-streets"), "");
    EXPECT_FALSE(std::filesystem::exists(dir.file("b.sqlite")));
    EXPECT_FALSE(std::filesystem::exists(dir.file("other.sqlite")));
    EXPECT_FALSE(std::filesystem::exists("postgresql:")) << "restore wrote a local file named after the URL";
    EXPECT_EQ(server->connection().queryInt("SELECT COUNT(*) FROM households").value(), 2934);
}

std::string runCli(const std::string& args) {
    FILE* p = ::popen((std::string(GRIDATLAS_TEST_CLI) + " " + args + " 2>&1").c_str(), "r");
    std::array<char, 4096> buf{};
    std::string out;
    while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
    const int rc = ::pclose(p);
    if (rc != 0) ADD_FAILURE() << args << " failed: " << out;
    return out;
}

// The data lines of a CSV export, sorted (row order is the engine's); without quotes when
// `unquoted` (the quotes say which type GDAL was given, see the note in docs/postgis.md).
std::vector<std::string> csvRows(const std::string& path, bool unquoted) {
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        if (unquoted) line.erase(std::remove(line.begin(), line.end(), '"'), line.end());
        out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Exports of the same demo from a file and from a server atlas hold the same rows, personal
// data masked on both; households, units, streets and communities are identical to the byte.
TEST_F(DemoPgTest, ExportsFromBothEnginesHoldTheSameRows) {
    const std::string file = dir.file("demo.sqlite");
    storage::generateDemo(file, storage::DemoOptions{});
    storage::generateDemoOnServer(pg(), dir.file("scratch.sqlite"), storage::DemoOptions{});
    for (const std::string layer : {"households", "units", "streets", "communities", "buildings", "grids", "service_posts"}) {
        SCOPED_TRACE(layer);
        const std::string a = dir.file("file-" + layer + ".csv"), b = dir.file("server-" + layer + ".csv");
        runCli("export --atlas '" + file + "' --layer " + layer + " --out '" + a + "'");
        runCli("export --atlas '" + pg() + "' --layer " + layer + " --out '" + b + "'");
        const bool typesAgree = layer == "households" || layer == "units" || layer == "streets" || layer == "communities";
        const auto ra = csvRows(a, !typesAgree), rb = csvRows(b, !typesAgree);
        EXPECT_GT(ra.size(), 1U);
        EXPECT_TRUE(ra == rb) << "first differing row:\n" << [&] {
            for (std::size_t i = 0; i < std::min(ra.size(), rb.size()); ++i)
                if (ra[i] != rb[i]) return ra[i] + "\n" + rb[i];
            return std::string("(sizes differ)");
        }();
        if (layer == "households") {
            // has_disability and vulnerable (the 16th and 17th cells after the WKT) masked as "*", not "0*"/"1*".
            for (const auto& row : ra) {
                std::vector<std::string> cells;
                std::stringstream ss(row.substr(row.find(")") + 3));
                for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
                ASSERT_GE(cells.size(), 19U) << row;
                EXPECT_EQ(cells[15], "*") << row;
                EXPECT_EQ(cells[16], "*") << row;
            }
        }
    }
}

} // namespace
} // namespace gridatlas::testing
