// gridatlas-cli backup: an online backup of an atlas, the list of automatic backups, and how many
// of those are kept.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/backup.h"
#include "storage/engine.h"

namespace gridatlas::cli {

namespace {

int listAtlasBackups(const std::string& atlasPath) {
    // Opening checks the file is an atlas (a typo in --atlas is an error, not "no backups").
    auto atlas = storage::Atlas::open(atlasPath, storage::OpenMode::ReadOnly);
    const auto backups = storage::listBackups(atlasPath);
    std::printf("automatic backups in %s (keeping the newest %d):\n", storage::backupFolder(atlasPath).c_str(),
                storage::backupKeep(atlas->connection()));
    if (backups.empty()) std::printf("  (none)\n");
    for (const auto& b : backups)
        std::printf("  %s\t%s\t%.1f MB\t%s\n", b.createdAt.c_str(), b.reason.c_str(), static_cast<double>(b.bytes) / 1e6,
                    b.path.c_str());
    return 0;
}

int runBackup(const ArgList& argv) {
    const Args args("backup", argv, {"atlas", "out", "keep"}, {"list"});
    const std::string atlasPath = args.required("atlas");
    if (storage::isPostgresLocation(atlasPath)) throw InputError(storage::serverAtlasBackupAdvice(atlasPath, "backed up"));
    if (auto keep = args.integer("keep", 1, 1000)) {
        auto atlas = storage::Atlas::open(atlasPath, storage::OpenMode::ReadWrite);
        storage::setBackupKeep(atlas->connection(), static_cast<int>(*keep));
        std::printf("keeping the newest %lld automatic backups\n", *keep);
        if (!args.value("out") && !args.flag("list")) return 0;
    }
    if (args.flag("list")) return listAtlasBackups(atlasPath);
    const std::string out = args.required("out");
    Feedback feedback;
    storage::backupAtlas(atlasPath, out, &feedback);
    std::printf("backed up %s to %s\n", atlasPath.c_str(), out.c_str());
    return 0;
}

} // namespace

GRIDATLAS_CLI_COMMAND("backup", R"(  backup  --atlas FILE --out BACKUP.sqlite | --list  [--keep N]
          consistent copy of the atlas while others may write (SQLite online backup); --list
          shows the automatic backups in FILE.backups/ (made before destructive operations);
          --keep N sets how many of those are kept (default 5)
)", runBackup, 80);

} // namespace gridatlas::cli
