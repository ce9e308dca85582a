#pragma once
// Shared by the coverage, site and reach commands: Ctrl-C cancellation through a Feedback,
// progress on stderr, and parsing of positive decimal options.
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "model/support/error.h"
#include "model/support/feedback.h"

namespace gridatlas::storage {
struct CoverageData;
struct CoverageResult;
} // namespace gridatlas::storage

namespace gridatlas::cli::coverage_support {

/// A4 portrait coverage report: title, the map (buildings by coverage, gap buildings in red,
/// posts), then the tables (coverage_pdf.cpp; in the full CLI only: it draws with Qt).
void writeCoveragePdf(const std::string& path, const storage::CoverageData& data, const storage::CoverageResult& r,
                      const std::string& title);

inline std::atomic<Feedback*>& cancelTarget() {
    static std::atomic<Feedback*> target{nullptr};
    return target;
}

extern "C" inline void onCoverageInterrupt(int) {
    if (Feedback* f = cancelTarget().load()) f->cancel();
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C gets the default action
}

/// Routes Ctrl-C to `f` while alive.
class InterruptScope {
public:
    explicit InterruptScope(Feedback& f) {
        cancelTarget().store(&f);
        m_previous = std::signal(SIGINT, onCoverageInterrupt);
    }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
    InterruptScope(InterruptScope&&) = delete;
    InterruptScope& operator=(InterruptScope&&) = delete;
    ~InterruptScope() {
        std::signal(SIGINT, m_previous == SIG_ERR ? SIG_DFL : m_previous);
        cancelTarget().store(nullptr);
    }

private:
    void (*m_previous)(int) = SIG_DFL;
};

/// Progress lines on stderr ("[ 40%] walking distances"), one per stage.
inline void attachProgress(Feedback& f, const std::string& command) {
    f.setProgressCallback([command, last = std::string()](double p, const std::string& stage) mutable {
        if (stage == last) return;
        last = stage;
        std::fprintf(stderr, "%s: [%3d%%] %s\n", command.c_str(), static_cast<int>(std::floor(p)), stage.c_str());
        std::fflush(stderr);
    });
}

/// A positive decimal option, or nullopt when absent; InputError naming the option otherwise.
inline std::optional<double> positiveNumber(const Args& args, const std::string& name) {
    const auto v = args.value(name);
    if (!v) return std::nullopt;
    try {
        std::size_t used = 0;
        const double d = std::stod(*v, &used);
        if (used == v->size() && std::isfinite(d) && d > 0) return d;
    } catch (const std::exception&) {
    }
    throw InputError("gridatlas-cli " + args.command() + ": --" + name + " '" + *v + "' is not a positive number");
}

} // namespace gridatlas::cli::coverage_support
