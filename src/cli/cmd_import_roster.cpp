// gridatlas-cli import-roster: residents from a community roster (CSV/XLSX) into the atlas.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "io/roster_import.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"

namespace gridatlas::cli {

namespace {

std::atomic<Feedback*> g_rosterCancel{nullptr};
extern "C" void onRosterInterrupt(int) {
    if (Feedback* f = g_rosterCancel.load()) f->cancel();
    std::signal(SIGINT, SIG_DFL);
}

constexpr std::size_t kRejectsShown = 20;

/// The address as echoed on the terminal: at most 100 code points (a hostile 10 MB cell must not
/// become a 10 MB line), cut at a character boundary; the rejects file keeps it whole.
std::string shownAddress(const std::string& address) {
    constexpr std::size_t kMaxCodePoints = 100;
    std::size_t codePoints = 0;
    for (std::size_t i = 0; i < address.size(); ++i) {
        if ((static_cast<unsigned char>(address[i]) & 0xC0) == 0x80) continue; // continuation byte
        if (++codePoints > kMaxCodePoints)
            return address.substr(0, i) + "... (" + std::to_string(address.size()) + " bytes)";
    }
    return address;
}

int runImportRoster(const ArgList& argv) {
    const Args args("import-roster", argv, {"atlas", "sheet", "mapping", "rejects", "threads"}, {"dry-run", "partial"});
    if (args.positional().size() != 1)
        throw InputError("gridatlas-cli import-roster: give exactly one roster file (.csv or .xlsx)");
    const std::string rosterPath = args.positional().front();
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);

    Feedback feedback;
    int lastPercent = -1;
    std::string lastStage;
    const auto t0 = std::chrono::steady_clock::now();
    feedback.setProgressCallback([&](double pct, const std::string& stage) {
        const int p = static_cast<int>(pct);
        if (p / 5 == lastPercent / 5 && stage == lastStage) return;
        lastPercent = p;
        lastStage = stage;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "[%3d%%] %s (%.2f s)\n", p, stage.c_str(), s);
    });
    g_rosterCancel.store(&feedback);
    auto* previous = std::signal(SIGINT, onRosterInterrupt);
    struct Restore {
        void (*prev)(int);
        ~Restore() {
            std::signal(SIGINT, prev == SIG_ERR ? SIG_DFL : prev);
            g_rosterCancel.store(nullptr);
        }
    } restore{previous};

    std::optional<io::MappingFile> mappingFile;
    if (auto m = args.value("mapping")) mappingFile = io::loadMappingFile(*m);
    io::RosterImportOptions options;
    options.dryRun = args.flag("dry-run");
    options.partial = args.flag("partial");
    if (const char* user = std::getenv("USER")) options.user = user;
    if (auto t = args.integer("threads", 1, 64)) options.threads = static_cast<int>(*t);
    io::RosterTable table;
    io::ColumnMapping mapping;
    const io::RosterImportResult result =
        io::importRosterFile(*atlas, rosterPath, args.value("sheet").value_or(""), mappingFile ? &*mappingFile : nullptr, options,
                             &feedback, &table, &mapping);
    std::fprintf(stderr, "roster '%s'%s: %s, header on row %d, %zu rows\n", rosterPath.c_str(),
                 table.sheet().empty() ? "" : (", sheet '" + table.sheet() + "'").c_str(), table.encoding().c_str(),
                 table.headerRow(), table.rowCount());
    for (std::size_t i = 0; i < table.headers().size() && i < mapping.columns.size(); ++i)
        if (mapping.columns[i] != io::RosterField::Ignore)
            std::fprintf(stderr, "  %s -> %s\n", table.headers()[i].c_str(), io::fieldCode(mapping.columns[i]));

    if (auto path = args.value("rejects")) io::writeRejects(*path, result);
    for (std::size_t i = 0; i < result.rejects.size() && i < kRejectsShown; ++i) {
        const auto& r = result.rejects[i];
        std::fprintf(stderr, "roster '%s', row %d: %s [address: %s]\n", rosterPath.c_str(), r.row, r.reason.c_str(),
                     shownAddress(r.address).c_str());
    }
    if (result.rejects.size() > kRejectsShown)
        std::fprintf(stderr, "... and %zu more rejected rows%s\n", result.rejects.size() - kRejectsShown,
                     args.value("rejects") ? " (all in the rejects file)" : " (list them all with --rejects FILE)");
    std::cout << result.summary() << "\n";
    // 0: no rejects; 2: rejects and nothing written; 3: --partial wrote the valid rows, some were rejected.
    if (result.rejected == 0) return 0;
    return result.written ? 3 : 2;
}

} // namespace

GRIDATLAS_CLI_COMMAND(
    "import-roster",
    R"(  import-roster --atlas FILE ROSTER.csv|xlsx [--sheet NAME] [--mapping FILE] [--dry-run] [--partial] [--rejects FILE.csv]
          import residents from a community roster (CSV in UTF-8 or GBK, or XLSX); one transaction:
          any rejected row writes nothing unless --partial; --dry-run writes nothing
)",
    runImportRoster, 60);

} // namespace gridatlas::cli
