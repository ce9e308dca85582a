// gridatlas-cli demo: writes the deterministic demo district to a temp file next to --out and
// renames it into place on success, so a failed or cancelled run leaves no file behind.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <system_error>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/demo_generator.h"
#include "storage/engine.h"

namespace gridatlas::cli {

namespace {

namespace fs = std::filesystem;

// Ctrl-C cancels through the Feedback (a lock-free atomic store is async-signal-safe); a second
// Ctrl-C gets the default action.
std::atomic<Feedback*> g_cancelTarget{nullptr};
extern "C" void onInterrupt(int) {
    if (Feedback* f = g_cancelTarget.load()) f->cancel();
    std::signal(SIGINT, SIG_DFL);
}

class InterruptScope {
public:
    explicit InterruptScope(Feedback& f) {
        g_cancelTarget.store(&f);
        m_previous = std::signal(SIGINT, onInterrupt);
    }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
    InterruptScope(InterruptScope&&) = delete;
    InterruptScope& operator=(InterruptScope&&) = delete;
    ~InterruptScope() {
        std::signal(SIGINT, m_previous == SIG_ERR ? SIG_DFL : m_previous);
        g_cancelTarget.store(nullptr);
    }

private:
    void (*m_previous)(int) = SIG_DFL;
};

/// Removes the temp atlas (and any SQLite side files) unless the run succeeded.
class TempAtlas {
public:
    explicit TempAtlas(fs::path path) : m_path(std::move(path)) { removeAll(); }
    TempAtlas(const TempAtlas&) = delete;
    TempAtlas& operator=(const TempAtlas&) = delete;
    TempAtlas(TempAtlas&&) = delete;
    TempAtlas& operator=(TempAtlas&&) = delete;
    ~TempAtlas() {
        if (!m_kept) removeAll();
    }
    [[nodiscard]] const fs::path& path() const { return m_path; }
    void moveTo(const fs::path& target) {
        std::error_code ec;
        fs::rename(m_path, target, ec);
        if (ec) throw Error("cannot move the new atlas to '" + target.string() + "': " + ec.message());
        m_kept = true;
        removeAll(); // side files only; the main file has moved
    }

private:
    void removeAll() const {
        std::error_code ec;
        for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(m_path.string() + suffix, ec);
        if (!m_kept) fs::remove(m_path, ec);
    }
    fs::path m_path;
    bool m_kept = false;
};

/// Progress on stderr: one line per stage and 10% step, or an updating line on a terminal.
class ProgressPrinter {
public:
    ProgressPrinter() : m_tty(isatty(STDERR_FILENO) != 0) {}
    void operator()(double percent, const std::string& stage) {
        const int p = static_cast<int>(std::floor(percent));
        if (m_tty) {
            if (p == m_last && stage == m_stage) return;
            std::fprintf(stderr, "\r[%3d%%] %-48s", p, stage.c_str());
            if (p >= 100) std::fputc('\n', stderr);
        } else {
            if (stage == m_stage && p / 10 == m_last / 10) return;
            std::fprintf(stderr, "[%3d%%] %s\n", p, stage.c_str());
        }
        std::fflush(stderr);
        m_last = p;
        m_stage = stage;
    }
    void abandon() const {
        if (m_tty && m_last >= 0 && m_last < 100) std::fputc('\n', stderr);
    }

private:
    bool m_tty;
    int m_last = -1;
    std::string m_stage;
};

std::string withThousands(std::int64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > (n < 0 ? 1 : 0); i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

void printSummary(const std::string& where, const storage::DemoOptions& options, const storage::DemoSummary& summary) {
    std::printf("wrote %s: demo district, scale %s, seed %llu, in %.2f s%s\n", where.c_str(),
                std::string(storage::demoScaleName(options.scale)).c_str(), static_cast<unsigned long long>(options.seed),
                summary.seconds, options.passphrase ? " (ID numbers and phones encrypted)" : "");
    for (const auto& [table, n] : summary.tableCounts) std::printf("  %-14s %12s\n", table.c_str(), withThousands(n).c_str());
    std::printf("  %-14s %12s\n", "adults", withThousands(summary.adults).c_str());
    std::printf("  %-14s %12s  (%.1f%% of adults)\n", "members", withThousands(summary.members).c_str(),
                100.0 * summary.memberShareOfAdults());
    if (summary.gridsOutsideTarget > 0)
        std::printf("  note: %d grid(s) outside 300-500 households, where one compound forces it\n", summary.gridsOutsideTarget);
}

/// demo --out postgresql://...: generated into a scratch file in the temp folder, copied up with
/// COPY (storage/demo_pg.cpp). A server database is never replaced: --force is refused.
int runDemoOnServer(const std::string& url, const Args& args, const storage::DemoOptions& options) {
    if (args.flag("force"))
        throw InputError("--force cannot replace a server atlas: demo fills only an empty PostgreSQL database "
                         "(drop and create it again: dropdb/createdb)");
    std::error_code ec;
    TempAtlas scratch(fs::temp_directory_path(ec) / (".gridatlas-demo-" + std::to_string(getpid()) + ".sqlite"));
    Feedback feedback;
    ProgressPrinter printer;
    feedback.setProgressCallback([&printer](double p, const std::string& stage) { printer(p, stage); });
    storage::DemoSummary summary;
    {
        InterruptScope interrupts(feedback);
        try {
            summary = storage::generateDemoOnServer(url, scratch.path().string(), options, &feedback);
        } catch (...) {
            printer.abandon();
            throw;
        }
    }
    printSummary(storage::redactLocation(url), options, summary);
    return 0;
}

} // namespace

int runDemo(const ArgList& argv) {
    const Args args("demo", argv, {"out", "scale", "seed", "name"}, {"force", "encrypt", "clear"});
    if (!args.positional().empty())
        throw InputError("unexpected argument '" + args.positional().front() + "' (use --out FILE)");
    const fs::path out = args.required("out");
    storage::DemoOptions options;
    if (const auto scale = args.value("scale")) {
        const auto parsed = storage::parseDemoScale(*scale);
        if (!parsed) throw InputError("--scale '" + *scale + "' is not S, M or L");
        options.scale = *parsed;
    }
    if (const auto seed = args.integer("seed", 0, std::numeric_limits<long long>::max()))
        options.seed = static_cast<std::uint64_t>(*seed);
    options.name = args.value("name").value_or("");
    // Encrypted when a passphrase is given (GRIDATLAS_PASSPHRASE) or asked for (--encrypt).
    if (args.flag("encrypt") && args.flag("clear")) throw InputError("--encrypt and --clear contradict each other");
    if (!args.flag("clear")) {
        const char* env = std::getenv("GRIDATLAS_PASSPHRASE");
        if (args.flag("encrypt") || (env && *env)) options.passphrase = newPassphrase("GRIDATLAS_PASSPHRASE", "the demo atlas");
    }

    if (storage::isPostgresLocation(args.required("out"))) return runDemoOnServer(args.required("out"), args, options);

    std::error_code ec;
    const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
    const std::string target = "cannot write '" + out.string() + "': ";
    if (!fs::exists(folder, ec)) throw InputError(target + "folder '" + folder.string() + "' does not exist");
    if (!fs::is_directory(folder, ec)) throw InputError(target + "'" + folder.string() + "' is not a folder");
    if (fs::is_directory(out, ec)) throw InputError("--out '" + out.string() + "' is a folder; give a file name");
    if (fs::exists(out, ec) && !args.flag("force"))
        throw InputError("'" + out.string() + "' already exists (use --force to replace it)");
    TempAtlas temp(folder / ("." + out.filename().string() + ".tmp-" + std::to_string(getpid())));
    {
        // Probe before any work: permissions (also for root on read-only mounts), quota, names.
        const int fd = ::open(temp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) throw InputError(target + "cannot create files in '" + folder.string() + "' (" + std::strerror(errno) + ")");
        ::close(fd);
        fs::remove(temp.path(), ec);
    }
    Feedback feedback;
    ProgressPrinter printer;
    feedback.setProgressCallback([&printer](double p, const std::string& stage) { printer(p, stage); });
    storage::DemoSummary summary;
    {
        InterruptScope interrupts(feedback);
        try {
            summary = storage::generateDemo(temp.path().string(), options, &feedback);
        } catch (...) {
            printer.abandon();
            throw;
        }
        feedback.throwIfCancelled(); // Ctrl-C after the last check still means "no file"
    }
    temp.moveTo(out);

    printSummary(out.string(), options, summary);
    return 0;
}

GRIDATLAS_CLI_COMMAND("demo", R"(  demo    --out FILE|URL --scale S|M|L [--seed N] [--name NAME] [--force] [--encrypt|--clear]
          generate a deterministic demo district atlas (URL: an empty PostGIS database, filled with COPY); ID numbers and phones encrypted when
          GRIDATLAS_PASSPHRASE is set or --encrypt asks for a passphrase (--clear: never)
)", runDemo, 10);

} // namespace gridatlas::cli
