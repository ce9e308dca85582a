// The classic injection strings through every filter and search path (issue 9, "Nothing leaked"):
// the filter language (model/filter.h) as the attribute table uses it over a layer snapshot, the
// viewer's search box (storage/search.h), `export --where`, `import --where`, and the CLI options
// that name things (grids --community, coverage/site --type, plan/import-plan --building, residents --household). For each: no SQL
// error leaks, no row changes, and the result equals literal matching of the text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "badinput/badinput_support.h"
#include "model/filter.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"
#include "storage/layer_cache.h"
#include "storage/search.h"

using namespace gridatlas;
using namespace gridatlas::testing;

namespace {

/// The strings an attacker (or an unlucky user) types.
std::vector<std::string> injectionStrings() {
    return {
        "' OR 1=1 --",
        "' OR '1'='1",
        "\"; DROP TABLE residents; --",
        "'; DELETE FROM grids; --",
        "%'",
        "%",
        "_",
        "\\",
        "\\%",
        "a%b_c",
        "' UNION SELECT name, phone, id_number, 1 FROM residents --",
        std::string("a\0b", 3),
        std::string("\0", 1),
        "\u2019 OR 1=1 --",         // right single quotation mark
        "\u201C OR \u201D=\u201D",  // curly double quotes
        "\uFF07 OR 1=1",            // full-width apostrophe
        "\u02BC; DROP TABLE grids",  // modifier letter apostrophe
        "湖西'); DROP TABLE buildings; --",
        "1; ATTACH DATABASE '/tmp/x.sqlite' AS x; --",
        "*/ SELECT 1 /*",
        std::string(5000, '\''),
        std::string(3000, '%') + "x",
    };
}

bool containsFold(std::string_view hay, std::string_view needle) {
    auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [&](char a, char b) { return fold(a) == fold(b); }) !=
           hay.end();
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

/// The injection strings as a filter literal: single-quoted, quotes doubled.
std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

/// Every row of every table, as text: equal before and after means nothing changed.
std::string tablesDigest(storage::Connection& c) {
    std::vector<std::string> tables;
    {
        const bool pg = c.engine() == storage::Engine::PostgreSQL;
        storage::Statement st(c, pg ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'spatial_ref_sys' "
                                      "ORDER BY 1"
                                    : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        while (st.step()) tables.push_back(st.columnText(0));
    }
    std::string out;
    for (const auto& t : tables) {
        const std::string q = storage::quoteIdentifier(t);
        storage::Statement st(c, "SELECT * FROM " + q + (c.engine() == storage::Engine::PostgreSQL ? " ORDER BY " + q + "::text" : " ORDER BY rowid"));
        out += t + ":";
        while (st.step())
            for (int i = 0; i < st.columnCount(); ++i) out += st.columnText(i) + "|";
        out += "\n";
    }
    return out;
}

/// A SmallWorld whose names hold the injection strings (bound, so stored literally): a grid, a
/// service post, a building (number, name, compound, address), a community and a resident each.
struct InjectedWorld : SmallWorld {
    InjectedWorld() {
        auto& c = atlas->connection();
        storage::Transaction tx(c);
        int i = 0;
        for (const auto& s : injectionStrings()) {
            if (s.find('\0') != std::string::npos) continue; // NOT NULL text columns: stored text has no NUL
            ++i;
            const std::string n = std::to_string(i);
            storage::Statement(c, "INSERT INTO grids (code, name, community_id, geom) SELECT ?1, ?2, community_id, geom FROM grids WHERE id = 1")
                .bind(1, "150781001001-9" + n).bind(2, s).run();
            storage::Statement(c, "INSERT INTO service_posts (name, type, community_id, geom) "
                                  "SELECT ?1, type, community_id, geom FROM service_posts LIMIT 1")
                .bind(1, s).run();
            storage::Statement(c, "INSERT INTO buildings (community_id, number, name, compound, address, floors, unit_count, use, geom) "
                                  "SELECT community_id, ?1, ?2, ?2, ?2, floors, unit_count, use, geom FROM buildings WHERE id = 1")
                .bind(1, "I" + n + "栋").bind(2, s).run();
            storage::Statement(c, "INSERT INTO communities (code, name, street_office, geom) SELECT ?1, ?2, street_office, geom "
                                  "FROM communities WHERE id = 1")
                .bind(1, "9990000000" + n).bind(2, s).run();
            storage::Statement(c, "INSERT INTO residents (household_id, name) SELECT household_id, ?1 FROM residents LIMIT 1").bind(1, s).run();
        }
        tx.commit();
    }
};

std::set<std::int64_t> idsWhere(storage::Connection& c, const std::string& sql, const std::function<bool(const std::vector<std::string>&)>& keep) {
    std::set<std::int64_t> out;
    storage::Statement st(c, sql);
    while (st.step()) {
        std::vector<std::string> cols;
        for (int i = 1; i < st.columnCount(); ++i) cols.push_back(st.isNull(i) ? std::string() : st.columnText(i));
        if (keep(cols)) out.insert(st.columnInt(0));
    }
    return out;
}

std::size_t codePoints(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

} // namespace

TEST(Injection, FilterLiteralsMatchLiterallyOverALayerSnapshot) {
    InjectedWorld world;
    // What the attribute table does: the layer as a snapshot, the filter evaluated row by row.
    const auto snapshot = storage::loadLayerSnapshot(*world.atlas, "grids");
    const auto fields = snapshot->fields();
    const int nameColumn = snapshot->columnIndex("name");
    ASSERT_GE(nameColumn, 0);
    auto rowOf = [&](std::size_t f) {
        std::vector<model::Value> row;
        for (const auto& field : fields) row.push_back(snapshot->value(f, snapshot->columnIndex(field.name)));
        return row;
    };
    for (const auto& s : injectionStrings()) {
        for (const std::string& op : {std::string("="), std::string("contains")}) {
            const std::string text = "name " + op + " " + quoted(s);
            std::set<std::int64_t> got, want;
            try {
                const auto filter = model::Filter::parse(text, fields);
                for (std::size_t f = 0; f < snapshot->size(); ++f)
                    if (filter.matches(rowOf(f))) got.insert(snapshot->id(f));
            } catch (const model::FilterError& e) {
                // Only the length limit may refuse a literal; it says so.
                EXPECT_GT(codePoints(text), model::FilterLimits{}.maxLength) << e.what();
                EXPECT_NE(std::string(e.what()).find("long"), std::string::npos) << e.what();
                continue;
            }
            for (std::size_t f = 0; f < snapshot->size(); ++f) {
                const auto v = snapshot->value(f, nameColumn);
                const std::string name = std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "";
                if (op == "=" ? name == s : containsFold(name, s)) want.insert(snapshot->id(f));
            }
            EXPECT_EQ(got, want) << text;
            if (s.find('\0') == std::string::npos && op == "=") {
                EXPECT_EQ(got.size(), 1u) << text;
            }
        }
        // The raw string as the whole filter: a FilterError with a column, nothing else.
        try {
            (void)model::Filter::parse(s, fields);
        } catch (const model::FilterError& e) {
            EXPECT_NE(std::string(e.what()).find("filter"), std::string::npos) << e.what();
        }
    }
}

TEST(Injection, SearchBoxMatchesLiterallyAndChangesNothing) {
    InjectedWorld world;
    auto& c = world.atlas->connection();
    const std::string before = tablesDigest(c);
    for (const auto& s : injectionStrings()) {
        std::vector<storage::SearchHit> hits;
        ASSERT_NO_THROW(hits = storage::search(*world.atlas, s, 100000)) << s;
        std::map<std::string, std::set<std::int64_t>> got;
        for (const auto& h : hits) got[h.layer].insert(h.id);
        const std::string t = trim(s);
        std::map<std::string, std::set<std::int64_t>> want;
        if (t.find('\0') == std::string::npos) {
            auto like = [&](const std::vector<std::string>& cols) {
                return std::any_of(cols.begin(), cols.end(), [&](const std::string& v) { return containsFold(v, t); });
            };
            want["grids"] = idsWhere(c, "SELECT id, name FROM grids", like);
            for (auto id : idsWhere(c, "SELECT id, code FROM grids", [&](const auto& cols) { return cols[0] == t; })) want["grids"].insert(id);
            want["service_posts"] = idsWhere(c, "SELECT id, name FROM service_posts", like);
            want["communities"] = idsWhere(c, "SELECT id, name FROM communities", like);
            want["buildings"] = idsWhere(c, "SELECT id, address, compound, name FROM buildings", like);
            const std::string number = storage::normaliseBuildingNumber(t);
            for (auto id : idsWhere(c, "SELECT id, number FROM buildings", [&](const auto& cols) { return !number.empty() && cols[0] == number; }))
                want["buildings"].insert(id);
            want["households"] = idsWhere(c, "SELECT household_id, name FROM residents", [&](const auto& cols) {
                return cols[0] == t || (codePoints(t) >= 2 && containsFold(cols[0], t));
            });
        }
        for (auto it = want.begin(); it != want.end();) it = it->second.empty() ? want.erase(it) : std::next(it);
        EXPECT_EQ(got, want) << "search '" << s.substr(0, 80) << "'";
        if (t.size() < 100 && t.find('\0') == std::string::npos) {
            EXPECT_FALSE(got["grids"].empty()) << "the injected grid is found: " << s;
        }
    }
    EXPECT_EQ(tablesDigest(c), before);
}

TEST(Injection, CliFiltersAndNamesNeverReachSql) {
    InjectedWorld world;
    // Expected exports, by literal matching, before the atlas is closed.
    std::map<std::string, std::size_t> wantEqual;
    for (const auto& s : injectionStrings())
        wantEqual[s] = idsWhere(world.atlas->connection(), "SELECT id, name FROM grids", [&](const auto& cols) { return cols[0] == s; }).size();
    world.atlas.reset();
    const std::string atlas = shellQuote(world.path);
    const std::string before = fileChecksum(world.path);
    auto noSqlLeak = [](const CliRun& r, const std::string& what) {
        EXPECT_NE(r.code, -1) << what << "\n" << r.output;
        EXPECT_NE(r.code, 124) << what << "\n" << r.output;
        for (const char* leak : {"[SQL:", "SQLITE", "sqlite3", "syntax error", "near \"", "no such column", "unrecognized token"})
            EXPECT_EQ(r.output.find(leak), std::string::npos) << what << " leaks '" << leak << "':\n" << r.output;
    };
    // A source for import --where (dry runs: its own rows are beside the point).
    const std::string source = world.dir.file("source.geojson");
    writeFile(source, R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"number":"I1栋","name":"x"},)"
                      R"("geometry":{"type":"Polygon","coordinates":[[[560300,5495200],[560310,5495200],[560310,5495210],[560300,5495200]]]}}]})");
    int n = 0;
    for (const auto& s : injectionStrings()) {
        if (s.find('\0') != std::string::npos) continue; // a command line cannot hold NUL
        const std::string out = world.dir.file("out" + std::to_string(++n) + ".csv");
        // export --where: exactly the rows whose name is the string.
        CliRun r = runCli("export --atlas " + atlas + " --layer grids --out " + shellQuote(out) + " --where " +
                          shellQuote("name = " + quoted(s)));
        noSqlLeak(r, "export --where name = " + s.substr(0, 60));
        if (("name = " + quoted(s)).size() <= model::FilterLimits{}.maxLength) {
            EXPECT_EQ(r.code, 0) << r.output;
            std::ifstream in(out);
            std::size_t lines = 0;
            for (std::string line; std::getline(in, line);) ++lines;
            EXPECT_EQ(lines, wantEqual[s] + 1) << "header + matching rows for " << s.substr(0, 60);
        } else {
            EXPECT_NE(r.code, 0);
            EXPECT_NE(r.output.find("filter"), std::string::npos) << r.output;
        }
        // The raw string as the filter: refused as a filter error, or (if it parses) run as one.
        r = runCli("export --atlas " + atlas + " --layer grids --out " + shellQuote(out + "raw.csv") + " --where " + shellQuote(s));
        noSqlLeak(r, "export --where " + s.substr(0, 60));
        if (r.code != 0) {
            EXPECT_NE(r.output.find("filter"), std::string::npos) << r.output;
        }
        // Names given to commands: looked up as values, never spliced into SQL.
        for (const std::string& cmd : {"grids stats --atlas " + atlas + " --community " + shellQuote(s),
                                       "coverage --atlas " + atlas + " --type " + shellQuote(s),
                                       "site --atlas " + atlas + " --type " + shellQuote(s) + " --k 1",
                                       "plan --atlas " + atlas + " --building " + shellQuote(s) + " --out " + shellQuote(out + ".pdf"),
                                       "import-plan --atlas " + atlas + " --building " + shellQuote(s) + " --generate --dry-run",
                                       "residents --atlas " + atlas + " --household " + shellQuote(s),
                                       "import --atlas " + atlas + " " + shellQuote(source) +
                                           " --as buildings --srs EPSG:4548 --dry-run --where " + shellQuote("name = " + quoted(s))}) {
            r = runCli(cmd);
            noSqlLeak(r, cmd.substr(0, 200));
        }
    }
    EXPECT_EQ(fileChecksum(world.path), before);
}
