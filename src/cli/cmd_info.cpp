#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "storage/atlas.h"
#include "storage/crypto.h"

namespace gridatlas::cli {

int runInfo(const ArgList& argv) {
    const Args args("info", argv, {"atlas"}, {});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    auto& c = atlas->connection();
    std::cout << "atlas: " << atlas->info().name << "\n"
              << "file: " << atlas->path() << "\n"
              << "crs: EPSG:" << atlas->srid() << "\n"
              << "schema_version: " << atlas->info().schemaVersion << "\n";
    for (const char* table : {"communities", "grids", "grid_staff", "buildings", "units", "households", "residents",
                              "service_posts", "streets", "rooms", "assignments"}) {
        std::cout << table << ": " << c.queryInt(std::string("SELECT COUNT(*) FROM ") + table).value_or(0) << "\n";
    }
    std::cout << "members: " << c.queryInt("SELECT COUNT(*) FROM residents WHERE is_member = 1").value_or(0) << "\n";
    std::cout << "personal_data: "
              << (storage::crypto::isEncrypted(c) ? "ID numbers and phones encrypted (a passphrase reveals them)"
                                                  : "clear (gridatlas-cli encrypt protects ID numbers and phones)")
              << "\n";
    return 0;
}

GRIDATLAS_CLI_COMMAND("info", R"(  info    --atlas FILE
          print the atlas's CRS, schema version and row counts
)", runInfo, 30);

} // namespace gridatlas::cli
