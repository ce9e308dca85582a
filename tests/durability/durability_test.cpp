// Nothing lost: the audit log, backups and restore, and two processes writing and reading one
// atlas at once (the real CLI next to this test's own connections).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "durability_support.h"
#include "model/support/error.h"
#include "process.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/backup.h"
#include "storage/bulk_delete.h"
#include "storage/connection.h"
#include "storage/grid_plans.h"
#include "storage/household_points.h"

namespace gridatlas::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::int64_t count(storage::Connection& c, const std::string& sql) { return c.queryInt(sql).value_or(-1); }

int run(const std::string& args, std::string* out = nullptr) { return runCommand(cli() + " " + args + " 2>&1", out); }

struct ActorEnv {
    ActorEnv() { setenv("GRIDATLAS_USER", "网格员小王", 1); }
    ~ActorEnv() { unsetenv("GRIDATLAS_USER"); }
};

// ---------------------------------------------------------------------------------------------
// Audit log

TEST(AuditLog, RecordsEveryKindOfChangeWithSensitiveValuesMasked) {
    const ActorEnv actor;
    SmallWorld w;
    w.atlas.reset();
    auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadWrite);
    auto& c = atlas->connection();
    ASSERT_EQ(count(c, "SELECT COUNT(*) FROM audit_log"), 0);
    c.exec("UPDATE residents SET phone = '13812345678', name = '王大明', birth_year = 1961 WHERE id = 3");
    c.exec("UPDATE households SET hardship = 1 WHERE id = 4");
    c.exec("UPDATE grids SET name = '湖西新网格' WHERE id = 1");
    c.exec("INSERT INTO grid_staff (grid_id, role, name, phone) SELECT 1, 'assistant', '赵六', '13987654321' "
           "WHERE NOT EXISTS (SELECT 1 FROM grid_staff WHERE role = 'assistant')");
    c.exec("DELETE FROM grid_staff WHERE role = 'supervisor'");

    storage::Statement st(c, "SELECT actor, action, table_name, row_id, field, old_value, new_value, at FROM audit_log "
                             "WHERE action = 'update' ORDER BY id");
    std::map<std::string, std::pair<std::string, std::string>> updates; // table.field -> old, new
    while (st.step()) {
        EXPECT_EQ(st.columnText(0), "网格员小王");
        EXPECT_EQ(st.columnText(7).size(), 24u) << st.columnText(7); // 2026-11-23T16:20:01.123Z
        EXPECT_EQ(st.columnText(7).back(), 'Z');
        updates[st.columnText(2) + "#" + st.columnText(3) + "." + st.columnText(4)] = {st.columnText(5), st.columnText(6)};
    }
    ASSERT_EQ(updates.size(), 5u);
    EXPECT_EQ(updates.at("residents#3.phone"), std::make_pair(std::string("136****1111"), std::string("138****5678")));
    EXPECT_EQ(updates.at("residents#3.name"), std::make_pair(std::string("刘**"), std::string("王**")));
    EXPECT_EQ(updates.at("residents#3.birth_year").second, "1961");
    EXPECT_EQ(updates.at("households#4.hardship"), std::make_pair(std::string("***"), std::string("***")));
    EXPECT_EQ(updates.at("grids#1.name"), std::make_pair(std::string("湖西一网格"), std::string("湖西新网格"))); // not personal

    // The deleted supervisor: what the row held, masked; no clear name or phone anywhere.
    const auto deleted = c.queryText("SELECT old_value FROM audit_log WHERE action = 'delete' AND table_name = 'grid_staff'");
    ASSERT_TRUE(deleted);
    EXPECT_NE(deleted->find("name=李**"), std::string::npos) << *deleted;
    EXPECT_NE(deleted->find("phone=139****5678"), std::string::npos) << *deleted;
    for (const char* clear : {"李秀英", "13912345678", "13812345678", "王大明", "刘党员"})
        EXPECT_EQ(count(c, std::string("SELECT COUNT(*) FROM audit_log WHERE instr(coalesce(old_value, '') || "
                                       "coalesce(new_value, ''), '") + clear + "') > 0"), 0) << clear;
}

TEST(AuditLog, CascadedDeletesAndGeometryChangesAreRecorded) {
    SmallWorld w;
    w.atlas.reset();
    auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadWrite);
    auto& c = atlas->connection();
    c.exec("DELETE FROM households WHERE id = 1"); // its resident goes with it (ON DELETE CASCADE)
    EXPECT_EQ(count(c, "SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND table_name = 'residents' AND row_id = 1"), 1);
    c.exec("UPDATE buildings SET geom = ST_Translate(geom, 1, 0, 0) WHERE id = 1");
    const auto geom = c.queryText("SELECT new_value FROM audit_log WHERE table_name = 'buildings' AND field = 'geom'");
    ASSERT_TRUE(geom);
    EXPECT_EQ(geom->rfind("(geometry, ", 0), 0u) << *geom;
}

TEST(AuditLog, TriggersAreTemporarySoOtherToolsStillEditTheFile) {
    SmallWorld w;
    w.atlas.reset();
    { auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadWrite); }
    // A plain SQLite connection without GridAtlas's functions (QGIS, the sqlite3 shell) edits fine.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(w.path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, "UPDATE residents SET relation = '子女' WHERE id = 2", nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
    storage::Connection c(w.path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(count(c, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'gridatlas_audit%'"), 0);
    EXPECT_EQ(count(c, "SELECT COUNT(*) FROM audit_log"), 0); // not ours: not logged
}

TEST(AuditLog, ImportsLogOneSummaryRowAndTheHistoryCommandPrintsIt) {
    SmallWorld w;
    w.atlas.reset();
    const std::string roster = w.dir.file("r.csv");
    writeBigRoster(roster, 300);
    std::string out;
    ASSERT_EQ(run("import-roster --atlas " + w.path + " " + roster, &out), 0) << out;
    {
        auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadWrite);
        auto& c = atlas->connection();
        EXPECT_EQ(count(c, "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND table_name = 'residents'"), 1);
        EXPECT_EQ(count(c, "SELECT COUNT(*) FROM audit_log WHERE action = 'insert'"), 0);
        EXPECT_NE(c.queryText("SELECT new_value FROM audit_log WHERE action = 'import'").value_or("").find("300 added"),
                  std::string::npos);
        // An edit after it: the CLI lists newest first, filtered by table, limited.
        c.exec("UPDATE residents SET name = '张三丰' WHERE id = 5");
        c.exec("UPDATE streets SET name = '湖东路' WHERE id = 1");
    }
    ASSERT_EQ(run("history --atlas " + w.path, &out), 0) << out;
    const auto streets = out.find("streets#1.name\t湖西路 -> 湖东路");
    const auto renamed = out.find("residents#5.name\t住** -> 张**");
    const auto imported = out.find("import\tresidents#");
    ASSERT_NE(streets, std::string::npos) << out;
    ASSERT_NE(renamed, std::string::npos) << out;
    ASSERT_NE(imported, std::string::npos) << out;
    EXPECT_LT(streets, renamed);
    EXPECT_LT(renamed, imported);
    EXPECT_EQ(out.find("张三丰"), std::string::npos);
    ASSERT_EQ(run("history --atlas " + w.path + " --table residents --limit 1", &out), 0) << out;
    EXPECT_NE(out.find("residents#5.name"), std::string::npos) << out;
    EXPECT_EQ(out.find("streets"), std::string::npos) << out;
    EXPECT_EQ(out.find("import"), std::string::npos) << out;
}

// ---------------------------------------------------------------------------------------------
// Backup and restore

TEST(Backup, CopiesTheAtlasAndRefusesToOverwrite) {
    SmallWorld w;
    w.atlas.reset();
    const std::string out = w.dir.file("copy.sqlite");
    std::string text;
    ASSERT_EQ(run("backup --atlas " + w.path + " --out " + out, &text), 0) << text;
    EXPECT_EQ(residentFingerprint(out), residentFingerprint(w.path));
    EXPECT_EQ(gridFingerprint(out), gridFingerprint(w.path));
    EXPECT_EQ(atlasFaults(out), "");
    { auto copy = storage::Atlas::open(out, storage::OpenMode::ReadOnly); } // an atlas, not just a file
    EXPECT_NE(run("backup --atlas " + w.path + " --out " + out, &text), 0);
    EXPECT_NE(text.find("already exists"), std::string::npos) << text;
    EXPECT_FALSE(fs::exists(out + ".partial"));
}

TEST(Backup, RestoreChecksTheBackupAndKeepsTheReplacedAtlas) {
    SmallWorld w;
    w.atlas.reset();
    const std::string saved = w.dir.file("saved.sqlite");
    storage::backupAtlas(w.path, saved);
    const std::string before = residentFingerprint(w.path);
    {
        auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadWrite);
        atlas->connection().exec("DELETE FROM residents WHERE id > 10");
    }
    const std::string edited = residentFingerprint(w.path);
    ASSERT_NE(edited, before);

    // Not atlases: random bytes, a plain SQLite file. The atlas stays as it is.
    const std::string junk = w.dir.file("junk.sqlite"), plain = w.dir.file("plain.sqlite");
    {
        std::ofstream o(junk, std::ios::binary);
        for (int i = 0; i < 4096; ++i) o.put(static_cast<char>((i * 7919) & 0xFF));
    }
    {
        storage::Connection p(plain, storage::OpenMode::Create);
        p.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    }
    std::string text;
    EXPECT_NE(run("restore --atlas " + w.path + " --from " + junk, &text), 0);
    EXPECT_NE(text.find(junk), std::string::npos) << text;
    EXPECT_NE(run("restore --atlas " + w.path + " --from " + plain, &text), 0);
    EXPECT_NE(text.find("not a GridAtlas atlas"), std::string::npos) << text;
    EXPECT_EQ(residentFingerprint(w.path), edited);

    ASSERT_EQ(run("restore --atlas " + w.path + " --from " + saved, &text), 0) << text;
    EXPECT_EQ(residentFingerprint(w.path), before);
    EXPECT_EQ(atlasFaults(w.path), "");
    const auto backups = storage::listBackups(w.path);
    ASSERT_EQ(backups.size(), 1u);
    EXPECT_EQ(backups[0].reason, "before-restore");
    EXPECT_NE(text.find(backups[0].path), std::string::npos) << text;
    EXPECT_EQ(residentFingerprint(backups[0].path), edited); // the replaced atlas, kept
    auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(count(atlas->connection(), "SELECT COUNT(*) FROM audit_log WHERE action = 'restore'"), 1);
}

TEST(Backup, BulkDeleteBacksUpFirstAndTakesItsCascadesInOneTransaction) {
    ActorEnv actor;
    SmallWorld w;
    auto& c = w.atlas->connection();
    const auto households = count(c, "SELECT COUNT(*) FROM households");
    const auto residents = count(c, "SELECT COUNT(*) FROM residents");
    const auto tower = count(c, "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id WHERE u.building_id = 2");
    ASSERT_GT(tower, 0);
    w.atlas.reset();
    std::string text;
    // A dry run counts exactly and changes nothing, and makes no backup.
    ASSERT_EQ(run("delete --atlas " + w.path + " --layer buildings --where \"floors >= 18\" --dry-run", &text), 0) << text;
    EXPECT_NE(text.find("would delete 1 buildings (id 2) with 1 units, " + std::to_string(tower) + " households"), std::string::npos)
        << text;
    EXPECT_TRUE(storage::listBackups(w.path).empty());
    {
        auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadOnly);
        EXPECT_EQ(count(atlas->connection(), "SELECT COUNT(*) FROM households"), households);
    }
    // No filter, a bad filter, an injection attempt, a row others need: refused, nothing changes.
    EXPECT_NE(run("delete --atlas " + w.path + " --layer buildings --where \" \"", &text), 0);
    EXPECT_NE(text.find("--where \"id > 0\""), std::string::npos) << text;
    EXPECT_NE(run("delete --atlas " + w.path + " --layer buildings --where \"1=1; DROP TABLE residents; --\"", &text), 0);
    EXPECT_NE(text.find("filter, column"), std::string::npos) << text;
    EXPECT_NE(run("delete --atlas " + w.path + " --layer communities --where \"id = 1\"", &text), 0);
    EXPECT_NE(text.find("other rows still refer to it"), std::string::npos) << text;
    EXPECT_NE(run("delete --atlas " + w.path + " --layer residents --where \"id = 1\"", &text), 0);
    EXPECT_NE(text.find("unknown layer"), std::string::npos) << text;
    const auto before = storage::listBackups(w.path).size(); // the refused community delete backed up first
    {
        auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadOnly);
        auto& r = atlas->connection();
        EXPECT_EQ(count(r, "SELECT COUNT(*) FROM residents"), residents);
        EXPECT_EQ(count(r, "SELECT COUNT(*) FROM communities"), 1);
    }
    ASSERT_EQ(run("delete --atlas " + w.path + " --layer buildings --where \"floors >= 18\"", &text), 0) << text;
    EXPECT_NE(text.find("deleted 1 buildings (id 2)"), std::string::npos) << text;
    const auto backups = storage::listBackups(w.path);
    ASSERT_EQ(backups.size(), before + 1);
    EXPECT_EQ(backups.back().reason, "before-delete-buildings");
    EXPECT_NE(text.find(backups.back().path), std::string::npos) << text;
    {
        auto atlas = storage::Atlas::open(w.path, storage::OpenMode::ReadOnly);
        auto& r = atlas->connection();
        EXPECT_EQ(count(r, "SELECT COUNT(*) FROM buildings WHERE id = 2"), 0);
        EXPECT_EQ(count(r, "SELECT COUNT(*) FROM households"), households - tower);
        // The packed household points are rebuilt, without the tower's households.
        EXPECT_EQ(count(r, "SELECT COUNT(*) FROM household_points"), 1);
        storage::HouseholdPointRows rows;
        storage::Statement blocks(r, "SELECT block, data FROM household_points");
        while (blocks.step()) ASSERT_TRUE(storage::decodeHouseholdPoints(blocks.columnBlob(1), blocks.columnInt(0), rows));
        EXPECT_EQ(static_cast<std::int64_t>(rows.size()), households - tower);
        // Every row that went is in the log, with who did it; sensitive values masked.
        EXPECT_EQ(count(r, "SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND table_name = 'households'"), tower);
        EXPECT_EQ(count(r, "SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND table_name = 'buildings' AND row_id = 2 "
                           "AND actor = '网格员小王'"),
                  1);
    }
    EXPECT_EQ(atlasFaults(w.path), "");
    // The backup is the atlas before the delete; restoring it brings the tower back.
    auto saved = storage::Atlas::open(backups.back().path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(count(saved->connection(), "SELECT COUNT(*) FROM households"), households);
    saved.reset();
    ASSERT_EQ(run("restore --atlas " + w.path + " --from " + backups.back().path, &text), 0) << text;
    auto restored = storage::Atlas::open(w.path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(count(restored->connection(), "SELECT COUNT(*) FROM residents"), residents);
}

TEST(Backup, GridRestoreBacksUpFirstAndKeepsTheNewestN) {
    PlanWorld w; // its set-up restored plan "one" once: one automatic backup
    ASSERT_EQ(storage::listBackups(w.path).size(), 1u);
    std::string text;
    ASSERT_EQ(run("backup --atlas " + w.path + " --keep 3", &text), 0) << text;
    const std::string one = gridFingerprint(w.path);
    std::vector<std::string> states;
    for (int i = 0; i < 4; ++i) {
        states.push_back(gridFingerprint(w.path));
        ASSERT_EQ(run("grids restore --atlas " + w.path + " --plan " + (i % 2 ? "one" : "two"), &text), 0) << text;
    }
    const auto backups = storage::listBackups(w.path);
    ASSERT_EQ(backups.size(), 3u);
    for (std::size_t i = 0; i < backups.size(); ++i) {
        EXPECT_EQ(backups[i].reason, "grids-restore");
        EXPECT_EQ(gridFingerprint(backups[i].path), states[i + 1]) << i; // the state before each restore
    }
    EXPECT_NE(states[1], one);
    ASSERT_EQ(run("backup --atlas " + w.path + " --list", &text), 0) << text;
    for (const auto& b : backups) EXPECT_NE(text.find(b.path), std::string::npos) << text;
    EXPECT_NE(text.find("keeping the newest 3"), std::string::npos) << text;
}

// ---------------------------------------------------------------------------------------------
// Two processes

TEST(TwoProcesses, AWriterThatMustWaitSaysSoAndRetries) {
    PlanWorld w;
    const std::string err = w.dir.file("err.txt");
    storage::Connection holder(w.path, storage::OpenMode::ReadWrite);
    holder.exec("BEGIN IMMEDIATE");
    holder.exec("UPDATE streets SET name = '湖西大道' WHERE id = 1");
    ChildProcess save({cli(), "grids", "save", "--atlas", w.path, "--plan", "while-busy"}, {}, err);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_TRUE(save.running()) << readText(err);
    holder.exec("COMMIT");
    EXPECT_EQ(save.wait(), 0) << readText(err);
    EXPECT_NE(readText(err).find("atlas is busy (another process is writing); waiting..."), std::string::npos) << readText(err);
    storage::Connection c(w.path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(count(c, "SELECT COUNT(*) FROM grid_plans WHERE name = 'while-busy'"), 1);
    EXPECT_EQ(c.queryText("SELECT name FROM streets WHERE id = 1"), "湖西大道");
}

TEST(TwoProcesses, ReadersSeeAConsistentStateWhileTheCliImports) {
    PlanWorld w;
    const std::string roster = w.dir.file("big.csv"), err = w.dir.file("err.txt");
    writeBigRoster(roster, 100000);
    storage::Connection reader(w.path, storage::OpenMode::ReadOnly);
    const std::int64_t before = count(reader, "SELECT COUNT(*) FROM residents");
    ChildProcess import({cli(), "import-roster", "--atlas", w.path, roster}, {}, err);
    int reads = 0, mixed = 0;
    std::set<std::int64_t> seen;
    while (import.running()) {
        // One read transaction: the residents and the import log must agree.
        reader.exec("BEGIN");
        const std::int64_t residents = count(reader, "SELECT COUNT(*) FROM residents");
        const std::int64_t imports = count(reader, "SELECT COUNT(*) FROM imports");
        reader.exec("COMMIT");
        seen.insert(residents);
        if ((imports == 0) != (residents == before)) ++mixed;
        ++reads;
    }
    ASSERT_EQ(import.wait(), 0) << readText(err);
    EXPECT_EQ(mixed, 0);
    EXPECT_GT(reads, 10);
    for (auto n : seen) EXPECT_TRUE(n == before || n == before + 100000) << n;
    EXPECT_EQ(count(reader, "SELECT COUNT(*) FROM residents"), before + 100000);
    EXPECT_EQ(atlasFaults(w.path), "");
}

TEST(TwoProcesses, TwoClisWritingAtOnceBothLand) {
    PlanWorld w;
    const std::string roster = w.dir.file("big.csv");
    writeBigRoster(roster, 100000);
    const std::string errA = w.dir.file("a.txt"), errB = w.dir.file("b.txt"), errC = w.dir.file("c.txt");
    ChildProcess import({cli(), "import-roster", "--atlas", w.path, roster}, {}, errA);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ChildProcess restore({cli(), "grids", "restore", "--atlas", w.path, "--plan", "two"}, {}, errB);
    ChildProcess save({cli(), "grids", "save", "--atlas", w.path, "--plan", "third"}, {}, errC);
    EXPECT_EQ(import.wait(), 0) << readText(errA);
    EXPECT_EQ(restore.wait(), 0) << readText(errB);
    EXPECT_EQ(save.wait(), 0) << readText(errC);
    storage::Connection c(w.path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(count(c, "SELECT COUNT(*) FROM residents WHERE name LIKE '居民%'"), 100000);
    EXPECT_EQ(count(c, "SELECT COUNT(*) FROM grids"), 2); // plan "two"
    EXPECT_EQ(count(c, "SELECT COUNT(*) FROM grid_plans WHERE name = 'third'"), 1);
    EXPECT_EQ(atlasFaults(w.path), "");
}

TEST(TwoProcesses, ABackupTakenWhileTheCliImportsIsOneConsistentState) {
    PlanWorld w;
    const std::string roster = w.dir.file("big.csv"), err = w.dir.file("err.txt");
    writeBigRoster(roster, 100000);
    const std::string before = residentFingerprint(w.path);
    ChildProcess import({cli(), "import-roster", "--atlas", w.path, roster}, {}, err);
    std::vector<std::string> copies;
    for (int i = 0; import.running() && i < 20; ++i) {
        copies.push_back(w.dir.file("during" + std::to_string(i) + ".sqlite"));
        storage::backupAtlas(w.path, copies.back());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(import.wait(), 0) << readText(err);
    const std::string after = residentFingerprint(w.path);
    ASSERT_FALSE(copies.empty());
    for (const auto& copy : copies) {
        const std::string f = residentFingerprint(copy);
        EXPECT_TRUE(f == before || f == after) << copy;
        EXPECT_EQ(atlasFaults(copy), "") << copy;
    }
}

} // namespace
} // namespace gridatlas::testing
