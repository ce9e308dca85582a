// gridatlas-cli passwd: changes the passphrase of an encrypted atlas, re-encrypting every sealed
// value under the new key in one transaction (an interruption leaves the old passphrase valid).
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/crypto.h"

namespace gridatlas::cli {

int runPasswd(const ArgList& argv) {
    const Args args("passwd", argv, {"atlas"}, {});
    const std::string path = args.required("atlas");
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadWrite);
    if (!storage::crypto::isEncrypted(atlas->connection()))
        throw InputError("'" + path + "' is not encrypted (gridatlas-cli encrypt sets a passphrase)");
    const auto current = existingPassphrase("Current passphrase of '" + path + "': ");
    if (!current)
        throw InputError("the current passphrase of '" + path + "' is needed: set GRIDATLAS_PASSPHRASE or run on a terminal");
    storage::crypto::unlock(atlas->connection(), *current); // a wrong one stops here, before asking for the new one
    const std::string next = newPassphrase("GRIDATLAS_NEW_PASSPHRASE", "'" + path + "'");
    const auto r = storage::crypto::changePassphrase(atlas->connection(), *current, next);
    std::printf("changed the passphrase of %s: %lld residents and %lld staff rows re-encrypted in %.2f s\n", path.c_str(),
                static_cast<long long>(r.residents), static_cast<long long>(r.staff), r.seconds);
    return 0;
}

GRIDATLAS_CLI_COMMAND("passwd", R"(  passwd  --atlas F
          change the passphrase of an encrypted atlas (current: GRIDATLAS_PASSPHRASE, new:
          GRIDATLAS_NEW_PASSPHRASE, else both asked on the terminal)
)",
                      runPasswd, 81);

} // namespace gridatlas::cli
