// gridatlas-cli access: who sees and edits which communities of a PostGIS atlas (roles and
// row-level security, storage/access_pg.h).
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "model/support/error.h"
#include "storage/access_pg.h"
#include "storage/atlas.h"

namespace gridatlas::cli {

namespace {

constexpr const char* kSubcommands = "grant, revoke, list or install";

std::unique_ptr<storage::Atlas> openServerAtlas(const Args& args) {
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);
    if (atlas->connection().engine() != storage::Engine::PostgreSQL)
        throw InputError(args.required("atlas") +
                         " is a SpatiaLite file; access control is for a PostGIS atlas (protect a file with its permissions and "
                         "`gridatlas-cli encrypt`)");
    return atlas;
}

std::string describe(const storage::AccessGrant& g) {
    std::string what = g.community ? "community " + *g.community : "street office " + g.streetOffice.value_or("");
    return g.role + "\t" + what + "\t" + (g.sensitive ? "phones and ID numbers readable" : "personal numbers hidden");
}

int runGrant(const ArgList& argv) {
    const Args args("access grant", argv, {"atlas", "role", "community", "street"}, {"sensitive"});
    auto atlas = openServerAtlas(args);
    storage::AccessGrant g;
    g.role = args.required("role");
    g.community = args.value("community");
    g.streetOffice = args.value("street");
    g.sensitive = args.flag("sensitive");
    storage::grantAccess(atlas->connection(), g);
    std::printf("granted %s\n", describe(g).c_str());
    return 0;
}

int runRevoke(const ArgList& argv) {
    const Args args("access revoke", argv, {"atlas", "role", "community", "street"}, {});
    auto atlas = openServerAtlas(args);
    const std::string role = args.required("role");
    storage::revokeAccess(atlas->connection(), role, args.value("community"), args.value("street"));
    std::printf("revoked %s%s\n", role.c_str(),
                args.value("community") ? (" on community " + *args.value("community")).c_str()
                : args.value("street")  ? (" on street office " + *args.value("street")).c_str()
                                        : " (all grants)");
    return 0;
}

int runList(const ArgList& argv) {
    const Args args("access list", argv, {"atlas"}, {});
    auto atlas = openServerAtlas(args);
    const auto grants = storage::listAccess(atlas->connection());
    if (grants.empty()) std::printf("no grants: only the atlas owner reads and writes this atlas\n");
    for (const auto& g : grants) std::printf("%s\n", describe(g).c_str());
    return 0;
}

int runInstall(const ArgList& argv) {
    const Args args("access install", argv, {"atlas"}, {});
    auto atlas = openServerAtlas(args);
    storage::installAccessControl(atlas->connection());
    std::printf("access control installed: roles gridatlas_user and gridatlas_sensitive, row-level security per community\n");
    return 0;
}

int runAccess(const ArgList& argv) {
    if (argv.empty()) throw InputError(std::string("give a subcommand (") + kSubcommands + ")");
    const std::string sub = argv.front();
    const ArgList rest(argv.begin() + 1, argv.end());
    if (sub == "grant") return runGrant(rest);
    if (sub == "revoke") return runRevoke(rest);
    if (sub == "list") return runList(rest);
    if (sub == "install") return runInstall(rest);
    throw InputError("unknown subcommand '" + sub + "' (expected " + kSubcommands + ")");
}

} // namespace

GRIDATLAS_CLI_COMMAND("access", R"(  access grant   --atlas PG --role ROLE (--community NAME|CODE | --street NAME) [--sensitive]
          let a PostgreSQL role see and edit one community (or every community of a street
          office) and nothing else (row-level security); --sensitive also lets it read phones
          and ID numbers (without it they are withheld by column privileges)
  access revoke  --atlas PG --role ROLE [--community NAME|CODE | --street NAME]
  access list    --atlas PG
  access install --atlas PG      (re-apply roles, policies and privileges, e.g. after a migration)
)", runAccess, 88);

} // namespace gridatlas::cli
