// gridatlas-cli encrypt: seals the ID numbers and phones of a clear atlas in place with a
// passphrase (storage/crypto.h, docs/personal-data.md): one transaction, then VACUUM and an
// emptied WAL so no clear value stays behind in the file.
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/crypto.h"

namespace gridatlas::cli {

int runEncrypt(const ArgList& argv) {
    const Args args("encrypt", argv, {"atlas"}, {});
    const std::string path = args.required("atlas");
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadWrite);
    if (storage::crypto::isEncrypted(atlas->connection()))
        throw InputError("'" + path + "' is encrypted already (gridatlas-cli passwd changes its passphrase)");
    const std::string passphrase = newPassphrase("GRIDATLAS_PASSPHRASE", "'" + path + "'");
    Feedback feedback;
    feedback.setProgressCallback([last = -1](double p, const std::string& stage) mutable {
        if (static_cast<int>(p) / 10 == last / 10) return;
        last = static_cast<int>(p);
        std::fprintf(stderr, "[%3d%%] %s\n", last, stage.c_str());
    });
    const auto r = storage::crypto::encryptAtlas(atlas->connection(), passphrase, &feedback);
    std::printf("encrypted %s: %lld residents and %lld staff rows sealed in %.2f s (ID numbers and phones; "
                "masked forms stay readable without the passphrase)\n",
                path.c_str(), static_cast<long long>(r.residents), static_cast<long long>(r.staff), r.seconds);
    return 0;
}

GRIDATLAS_CLI_COMMAND("encrypt", R"(  encrypt --atlas F
          encrypt the atlas's ID numbers and phones in place with a passphrase
          (GRIDATLAS_PASSPHRASE, else asked on the terminal)
)",
                      runEncrypt, 80);

} // namespace gridatlas::cli
