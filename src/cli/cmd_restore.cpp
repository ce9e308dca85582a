// gridatlas-cli restore: replaces an atlas by a backup, keeping the replaced atlas as a backup.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "storage/backup.h"

namespace gridatlas::cli {

namespace {

int runRestore(const ArgList& argv) {
    const Args args("restore", argv, {"atlas", "from"}, {});
    const std::string atlasPath = args.required("atlas");
    const std::string from = args.required("from");
    const std::string saved = storage::restoreAtlas(atlasPath, from);
    std::printf("restored %s from %s\n", atlasPath.c_str(), from.c_str());
    if (!saved.empty()) std::printf("the replaced atlas is kept as %s\n", saved.c_str());
    return 0;
}

} // namespace

GRIDATLAS_CLI_COMMAND("restore", R"(  restore --atlas FILE --from BACKUP.sqlite
          replaces the atlas by a backup (checked to be an intact atlas first); the replaced
          atlas is kept in FILE.backups/
)", runRestore, 81);

} // namespace gridatlas::cli
