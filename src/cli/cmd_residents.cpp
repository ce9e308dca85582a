// gridatlas-cli residents: the residents of one household, masked unless --reveal (which on an
// encrypted atlas needs the passphrase and is recorded in the atlas's reveal_log).
#include <cstdio>
#include <limits>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/building_table.h"

namespace gridatlas::cli {

int runResidents(const ArgList& argv) {
    const Args args("residents", argv, {"atlas", "household"}, {"reveal"});
    const std::string path = args.required("atlas");
    const auto household = args.integer("household", 1, std::numeric_limits<long long>::max());
    if (!household) throw InputError("gridatlas-cli residents: --household is required");
    const bool reveal = args.flag("reveal");
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
    if (reveal) authorizeReveal(path, "residents", "residents of household " + std::to_string(*household));
    const auto people = storage::loadHouseholdResidents(*atlas, *household, reveal);
    std::printf("id\tname\trelation\tgender\tbirth_year\tphone\tid_number\n");
    for (const auto& r : people)
        std::printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", static_cast<long long>(r.id), r.name.c_str(), r.relation.c_str(),
                    r.gender.c_str(), r.birthYear ? std::to_string(*r.birthYear).c_str() : "", r.phone.c_str(),
                    r.idNumber.c_str());
    std::fprintf(stderr, "%zu resident(s), personal data %s\n", people.size(), reveal ? "REVEALED" : "masked");
    return 0;
}

GRIDATLAS_CLI_COMMAND("residents", R"(  residents --atlas F --household ID [--reveal]
          list a household's residents (names, phones, ID numbers masked unless --reveal)
)",
                      runResidents, 82);

} // namespace gridatlas::cli
