#pragma once
// Backups of an atlas: SQLite's online backup (a consistent snapshot while others keep writing),
// automatic copies before destructive operations into a folder next to the atlas (F.backups/,
// the newest N kept: atlas_meta 'backup_keep', default 5), and restore.
#include <cstdint>
#include <string>
#include <vector>

#include "model/support/feedback.h"

namespace gridatlas::storage {

class Atlas;
class Connection;

inline constexpr int kDefaultBackupKeep = 5;

struct BackupInfo {
    std::string path;
    std::string createdAt; ///< UTC, from the file name ("2026-11-23T16:20:01.123Z")
    std::string reason;    ///< "grids-restore", "before-restore", ...
    std::uintmax_t bytes = 0;
};

/// Copies the atlas `source` (a connection on it) into `outPath`, which must not exist, as one
/// consistent snapshot: writers in other connections go on meanwhile. The copy is written next to
/// `outPath` and renamed when complete, so a failure or a kill leaves no half file under that name.
void backupConnection(Connection& source, const std::string& outPath, Feedback* feedback = nullptr);
/// Opens `atlasPath` read-only and backs it up into `outPath`.
void backupAtlas(const std::string& atlasPath, const std::string& outPath, Feedback* feedback = nullptr);

/// PostgreSQL atlases (docs/postgis.md "Backups"): backup, restore and --list refuse them with
/// this advice (pg_dump/pg_restore, or checkout); autoBackup returns "" for them, the operation
/// relying on its transaction. `what`: "backed up", "restored"...
std::string serverAtlasBackupAdvice(const std::string& location, const std::string& what);

/// The automatic backups' folder: "<atlas>.backups" next to the atlas.
std::string backupFolder(const std::string& atlasPath);
/// How many automatic backups are kept (atlas_meta 'backup_keep', default kDefaultBackupKeep).
int backupKeep(Connection& conn);
/// Stores the number of automatic backups to keep (>= 1).
void setBackupKeep(Connection& conn, int keep);

/// Backs the atlas up into its backups folder before a destructive operation (`reason` names it,
/// e.g. "grids-restore"), then deletes the oldest automatic backups beyond backupKeep(). Returns
/// the new file ("" on a PostgreSQL atlas: no file backup there). Must not be called inside a transaction of `atlas`'s connection.
std::string autoBackup(Atlas& atlas, const std::string& reason);

/// The automatic backups of an atlas, oldest first.
std::vector<BackupInfo> listBackups(const std::string& atlasPath);

/// Replaces the atlas at `atlasPath` by the backup `fromPath`: checks first that `fromPath` is an
/// atlas (GridAtlas application id, schema not newer than this build, integrity ok), keeps the
/// replaced atlas as an automatic backup ("before-restore"), then copies the backup in through
/// SQLite (one transaction: other connections see the old or the new atlas). Returns the path of
/// the backup of the replaced atlas ("" when there was no atlas at `atlasPath`).
std::string restoreAtlas(const std::string& atlasPath, const std::string& fromPath);

} // namespace gridatlas::storage
