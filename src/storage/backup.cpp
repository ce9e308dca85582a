#include "storage/backup.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/audit.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/schema.h"

namespace gridatlas::storage {

namespace fs = std::filesystem;

namespace {

constexpr int kPagesPerStep = 1024;

// "20261123T162001.123Z": sorts by time, valid in file names everywhere.
std::string fileStamp() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

// "20261123T162001.123Z" -> "2026-11-23T16:20:01.123Z"
std::string isoFromStamp(const std::string& s) {
    if (s.size() < 20) return s;
    return s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" + s.substr(9, 2) + ":" + s.substr(11, 2) +
           ":" + s.substr(13);
}

std::string stemOf(const std::string& atlasPath) { return fs::path(atlasPath).stem().string(); }

void removeQuietly(const fs::path& p) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(p.string() + suffix, ec);
}

// Copies `source` into the open connection `dest` page by page. The caller holds a read
// transaction on `source`, so every step reads the same snapshot whatever others commit.
void copyPages(sqlite3* dest, Connection& source, const std::string& what, Feedback* feedback) {
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", source.handle(), "main");
    if (!b) throw StorageError(what + ": " + sqlite3_errmsg(dest));
    int rc = SQLITE_OK;
    while (true) {
        rc = sqlite3_backup_step(b, kPagesPerStep);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        if (feedback) {
            const int total = sqlite3_backup_pagecount(b);
            if (total > 0) feedback->setProgress(100.0 * (total - sqlite3_backup_remaining(b)) / total, "backup");
            if (feedback->isCancelled()) {
                sqlite3_backup_finish(b);
                throw CancelledError();
            }
        }
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        std::string msg = sqlite3_errmsg(dest);
        if ((rc & 0xFF) == SQLITE_READONLY)
            msg += " (the backup's page size differs from the atlas's: restore into a new file name instead)";
        throw StorageError(what + ": " + msg);
    }
}

struct ReadSnapshot {
    explicit ReadSnapshot(Connection& c) : conn(c) {
        conn.exec("BEGIN");
        conn.queryInt("SELECT COUNT(*) FROM sqlite_master"); // takes the snapshot now
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ReadSnapshot(ReadSnapshot&&) = delete;
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;
    ~ReadSnapshot() { sqlite3_exec(conn.handle(), "COMMIT", nullptr, nullptr, nullptr); }
    Connection& conn;
};

// Checks that `path` is an atlas this build can open (possibly after migration) and intact.
void validateBackup(const std::string& path) {
    try {
        auto atlas = Atlas::open(path, OpenMode::ReadOnly);
        const auto check = atlas->connection().queryText("PRAGMA quick_check");
        if (check != "ok") throw StorageError("integrity check failed: " + check.value_or("no result"));
    } catch (const StorageError& e) {
        const std::string msg = e.what();
        // An older atlas opens read-only only after migrating; restoring it is fine (it is
        // migrated on the first writable open).
        if (msg.find("older schema version") != std::string::npos) return;
        throw StorageError("cannot restore from '" + path + "': " + msg);
    }
}

} // namespace

void backupConnection(Connection& source, const std::string& outPath, Feedback* feedback) {
    if (source.engine() == Engine::PostgreSQL) throw InputError(serverAtlasBackupAdvice(source.path(), "backed up"));
    std::error_code ec;
    if (fs::exists(outPath, ec)) throw InputError("backup '" + outPath + "' already exists: choose another name");
    const fs::path partial = outPath + ".partial";
    removeQuietly(partial);
    sqlite3* dest = nullptr;
    if (sqlite3_open_v2(partial.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        const std::string msg = dest ? sqlite3_errmsg(dest) : "out of memory";
        sqlite3_close(dest);
        throw StorageError("cannot write backup '" + outPath + "': " + msg);
    }
    try {
        ReadSnapshot snapshot(source);
        copyPages(dest, source, "backup of '" + source.path() + "' into '" + outPath + "'", feedback);
    } catch (...) {
        sqlite3_close(dest);
        removeQuietly(partial);
        throw;
    }
    sqlite3_close(dest);
    fs::rename(partial, outPath, ec);
    if (ec) {
        removeQuietly(partial);
        throw StorageError("cannot write backup '" + outPath + "': " + ec.message());
    }
}

void backupAtlas(const std::string& atlasPath, const std::string& outPath, Feedback* feedback) {
    if (isPostgresLocation(atlasPath)) throw InputError(serverAtlasBackupAdvice(atlasPath, "backed up"));
    auto atlas = Atlas::open(atlasPath, OpenMode::ReadOnly);
    backupConnection(atlas->connection(), outPath, feedback);
}

std::string serverAtlasBackupAdvice(const std::string& location, const std::string& what) {
    return "'" + redactLocation(location) + "' is a PostgreSQL atlas: it is not " + what +
           " by gridatlas-cli (its backups are files of SQLite). Use the server's tools: pg_dump -Fc -f atlas.dump DBNAME, "
           "pg_restore -d DBNAME atlas.dump; or copy a community into a SpatiaLite atlas with gridatlas-cli checkout";
}

std::string backupFolder(const std::string& atlasPath) { return atlasPath + ".backups"; }

int backupKeep(Connection& conn) {
    const auto v = conn.queryText("SELECT value FROM atlas_meta WHERE key = 'backup_keep'");
    if (!v) return kDefaultBackupKeep;
    try {
        return std::max(1, std::stoi(*v));
    } catch (const std::exception&) {
        return kDefaultBackupKeep;
    }
}

void setBackupKeep(Connection& conn, int keep) {
    if (keep < 1) throw InputError("backups to keep must be at least 1 (got " + std::to_string(keep) + ")");
    Statement st(conn, "INSERT OR REPLACE INTO atlas_meta (key, value) VALUES ('backup_keep', ?)");
    st.bind(1, std::to_string(keep));
    st.run();
}

std::vector<BackupInfo> listBackups(const std::string& atlasPath) {
    if (isPostgresLocation(atlasPath)) throw InputError(serverAtlasBackupAdvice(atlasPath, "listed with automatic backups"));
    std::vector<BackupInfo> out;
    const fs::path folder = backupFolder(atlasPath);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return out;
    const std::string prefix = stemOf(atlasPath) + "-";
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file(ec) || entry.path().extension() != ".sqlite" || !name.starts_with(prefix)) continue;
        // <stem>-<stamp>-<reason>.sqlite
        const std::string rest = name.substr(prefix.size(), name.size() - prefix.size() - 7);
        const auto dash = rest.find('-');
        BackupInfo b;
        b.path = entry.path().string();
        b.createdAt = isoFromStamp(rest.substr(0, dash));
        b.reason = dash == std::string::npos ? std::string() : rest.substr(dash + 1);
        b.bytes = entry.file_size(ec);
        out.push_back(std::move(b));
    }
    std::sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) { return a.path < b.path; });
    return out;
}

namespace {
std::string writeAutoBackup(Connection& source, const std::string& atlasPath, const std::string& reason, int keep) {
    const fs::path folder = backupFolder(atlasPath);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw StorageError("cannot create the backups folder '" + folder.string() + "': " + ec.message());
    // A backup cut short (the process killed) leaves its .partial copy: never a backup. Removed once
    // it is old enough not to be another process's copy in progress.
    const auto stale = fs::file_time_type::clock::now() - std::chrono::minutes(10);
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().string().find(".sqlite.partial") != std::string::npos && entry.last_write_time(ec) < stale)
            fs::remove(entry.path(), ec);
    const std::string out = (folder / (stemOf(atlasPath) + "-" + fileStamp() + "-" + reason + ".sqlite")).string();
    backupConnection(source, out);
    auto all = listBackups(atlasPath);
    for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i) removeQuietly(all[i].path);
    return out;
}
} // namespace

std::string autoBackup(Atlas& atlas, const std::string& reason) {
    auto& c = atlas.connection();
    // A server atlas: the operation is one transaction there, and the server's own backups
    // (pg_dump, archiving) are the way back; a file next to a URL would make no sense.
    if (c.engine() == Engine::PostgreSQL) return {};
    return writeAutoBackup(c, atlas.path(), reason, backupKeep(c));
}

std::string restoreAtlas(const std::string& atlasPath, const std::string& fromPath) {
    if (isPostgresLocation(atlasPath)) throw InputError(serverAtlasBackupAdvice(atlasPath, "restored"));
    if (isPostgresLocation(fromPath))
        throw InputError("restore: --from '" + redactLocation(fromPath) + "' is a PostgreSQL atlas, not a backup file");
    std::error_code ec;
    if (fs::equivalent(atlasPath, fromPath, ec))
        throw InputError("cannot restore '" + atlasPath + "' from itself");
    validateBackup(fromPath);
    Connection from(fromPath, OpenMode::ReadOnly);
    if (!fs::exists(atlasPath, ec)) {
        backupConnection(from, atlasPath);
        return {};
    }
    auto atlas = Atlas::open(atlasPath, OpenMode::ReadWrite);
    const int keep = backupKeep(atlas->connection());
    const std::string saved = writeAutoBackup(atlas->connection(), atlasPath, "before-restore", keep);
    {
        ReadSnapshot snapshot(from);
        copyPages(atlas->connection().handle(), from, "restore of '" + atlasPath + "' from '" + fromPath + "'", nullptr);
    }
    atlas.reset();
    // Record the restore in the restored atlas (its own log continues from the backup's).
    auto restored = Atlas::open(atlasPath, OpenMode::ReadWrite);
    auto& c = restored->connection();
    if (c.tableExists("audit_log")) {
        Transaction tx(c);
        logAudit(c, "restore", {}, {}, {}, std::nullopt, "from " + fromPath + "; replaced atlas kept as " + saved);
        setBackupKeep(c, keep);
        tx.commit();
    }
    return saved;
}

} // namespace gridatlas::storage
