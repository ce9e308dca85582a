// gridatlas-cli grids: grid planning from the command line (网格规划): checks, per-grid statistics,
// proposals saved as plan versions, and saving, comparing and restoring plans.
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/grid_checks.h"
#include "storage/grid_edit.h"
#include "storage/grid_plans.h"
#include "storage/grid_codes.h"
#include "storage/grid_propose.h"
#include "storage/grid_stats.h"

namespace gridatlas::cli {

namespace {

std::atomic<Feedback*> g_gridsCancel{nullptr};

extern "C" void onGridsInterrupt(int) {
    if (Feedback* f = g_gridsCancel.load()) f->cancel();
}

/// Progress on stderr, one line per tenth; Ctrl-C cancels (the work stops at its next check and
/// nothing is written).
class StderrProgress {
public:
    StderrProgress(const StderrProgress&) = delete;
    StderrProgress& operator=(const StderrProgress&) = delete;
    StderrProgress(StderrProgress&&) = delete;
    StderrProgress& operator=(StderrProgress&&) = delete;
    ~StderrProgress() {
        std::signal(SIGINT, m_previous == SIG_ERR ? SIG_DFL : m_previous);
        g_gridsCancel.store(nullptr);
    }
    explicit StderrProgress(Feedback& f) {
        g_gridsCancel.store(&f);
        m_previous = std::signal(SIGINT, onGridsInterrupt);
        f.setProgressCallback([this](double p, const std::string& stage) {
            const int decile = static_cast<int>(p / 10);
            if (decile == m_last && stage == m_stage) return;
            m_last = decile;
            m_stage = stage;
            std::fprintf(stderr, "  %3.0f%% %s\n", p, stage.c_str());
        });
    }

private:
    int m_last = -1;
    std::string m_stage;
    void (*m_previous)(int) = SIG_DFL;
};

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string percent(std::optional<double> v) {
    if (!v) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f%%", *v * 100);
    return buf;
}

/// Takes every "--plan X" out of argv (compare wants two).
std::vector<std::string> takeRepeated(ArgList& argv, const std::string& option) {
    std::vector<std::string> values;
    ArgList rest;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == option) {
            if (i + 1 >= argv.size()) throw InputError("gridatlas-cli grids: " + option + " needs a value");
            values.push_back(argv[++i]);
        } else {
            rest.push_back(argv[i]);
        }
    }
    argv = std::move(rest);
    return values;
}

int runCheck(const ArgList& argv) {
    const Args args("grids check", argv, {"atlas", "min-area"}, {});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    storage::GridCheckOptions options;
    if (auto v = args.value("min-area")) {
        try {
            options.minArea = std::stod(*v);
        } catch (const std::exception&) {
            throw InputError("gridatlas-cli grids check: --min-area '" + *v + "' is not a number (m2)");
        }
    }
    Feedback feedback;
    StderrProgress progress(feedback);
    const auto t0 = std::chrono::steady_clock::now();
    const auto problems = storage::checkGrids(*atlas, options, &feedback);
    std::map<std::string, int> perKind;
    for (const auto& p : problems) {
        ++perKind[storage::problemKindName(p.kind)];
        std::printf("%s\t%s\tat %.2f,%.2f\tbox %.2f,%.2f,%.2f,%.2f\n", storage::problemKindName(p.kind), p.message.c_str(),
                    p.location.x, p.location.y, p.bounds.xmin, p.bounds.ymin, p.bounds.xmax, p.bounds.ymax);
    }
    std::fprintf(stderr, "%zu problem(s) in %.2f s", problems.size(), seconds(t0));
    for (const auto& [k, n] : perKind) std::fprintf(stderr, "; %s %d", k.c_str(), n);
    std::fprintf(stderr, "\n");
    return problems.empty() ? 0 : 1;
}

int runStats(const ArgList& argv) {
    const Args args("grids stats", argv, {"atlas", "out", "community", "grid"}, {});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    Feedback feedback;
    StderrProgress progress(feedback);
    const auto t0 = std::chrono::steady_clock::now();
    // A community or some grids are counted from what lies in their box (indexes), not the whole atlas.
    storage::GridStatsScope scope;
    scope.community = args.value("community");
    if (auto g = args.value("grid")) {
        std::string rest = *g;
        for (std::size_t comma; (comma = rest.find(',')) != std::string::npos; rest.erase(0, comma + 1))
            if (comma > 0) scope.gridCodes.push_back(rest.substr(0, comma));
        if (!rest.empty()) scope.gridCodes.push_back(rest);
    }
    storage::GridStatsResult stats;
    try {
        stats = storage::computeGridStats(*atlas, scope, &feedback);
    } catch (const InputError& e) {
        throw InputError(std::string("gridatlas-cli grids stats: ") + e.what());
    }
    std::fprintf(stderr, "%zu grids in %.2f s\n", stats.grids.size(), seconds(t0));
    if (auto out = args.value("out")) {
        storage::writeGridStats(stats, *out);
        std::printf("wrote %s: %zu grids\n", out->c_str(), stats.grids.size());
        return 0;
    }
    std::printf("%-18s %-10s %5s %6s %6s %8s %8s %8s %10s %5s %6s %9s\n", "code", "target", "bldg", "hh", "dev", "resid",
                "members", "vulner.", "posts", "staff", "hh/st", "community");
    for (const auto& s : stats.grids) {
        const auto w = s.householdsPerStaff();
        std::printf("%-18s %-10s %5d %6d %6s %8d %8d %8d %10d %5d %6s %s\n", s.code.c_str(),
                    s.targetHouseholds ? std::to_string(*s.targetHouseholds).c_str() : "-", s.buildings, s.households,
                    percent(s.deviation()).c_str(), s.residents, s.members, s.vulnerableHouseholds, s.servicePosts, s.staff,
                    w ? std::to_string(static_cast<int>(std::lround(*w))).c_str() : "-", s.community.c_str());
    }
    if (stats.householdsOutsideGrids > 0) std::printf("households in no grid: %d\n", stats.householdsOutsideGrids);
    return 0;
}

int runPropose(const ArgList& argv) {
    const Args args("grids propose", argv, {"atlas", "community", "target", "tolerance", "plan", "out"},
                    {"respect-streets", "keep-current", "replace"});
    const std::string path = args.required("atlas");
    const std::string community = args.required("community");
    const std::string planName = args.required("plan");
    storage::ProposalOptions options;
    options.target = static_cast<int>(args.integer("target", 1, 100000).value_or(400));
    if (auto v = args.value("tolerance")) {
        try {
            options.tolerance = std::stod(*v);
        } catch (const std::exception&) {
            throw InputError("gridatlas-cli grids propose: --tolerance '" + *v + "' is not a number (e.g. 0.2)");
        }
        if (options.tolerance < 0 || options.tolerance >= 1)
            throw InputError("gridatlas-cli grids propose: --tolerance must be between 0 and 1 (e.g. 0.2), got " + *v);
    }
    options.respectStreets = args.flag("respect-streets");
    options.keepCurrent = args.flag("keep-current");
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadWrite);
    storage::ensurePlanTables(*atlas);
    for (const auto& p : storage::listPlans(*atlas))
        if (p.name == planName && !args.flag("replace"))
            throw InputError("gridatlas-cli grids propose: plan '" + planName + "' exists already (use --replace)");

    Feedback feedback;
    StderrProgress progress(feedback);
    const auto t0 = std::chrono::steady_clock::now();
    const auto input = storage::loadProposalInput(*atlas, community);
    const auto proposal = storage::proposeGrids(input, options, &feedback);
    feedback.throwIfCancelled(); // Ctrl-C after the last check still means "nothing saved"
    const double took = seconds(t0);

    std::vector<storage::GridPolygonRecord> records;
    for (const auto& g : proposal.grids) {
        if (g.polygon.type != model::GeomType::Polygon)
            std::fprintf(stderr, "warning: grid %s is in %zu parts\n", g.code.c_str(), g.polygon.partEnds.size());
        records.push_back({g.code, g.name, g.households, g.deviation, g.polygon});
    }
    if (auto out = args.value("out")) storage::writeGridPolygons(records, atlas->srid(), *out, "grid_proposal");
    storage::saveProposal(*atlas, planName, input, proposal, options, args.flag("replace"));

    std::printf("%-18s %6s %7s %6s %8s  %s\n", "code", "hh", "dev", "bldg", "compact", "");
    for (const auto& g : proposal.grids) {
        std::printf("%-18s %6d %7s %6d %8.2f  %s%s\n", g.code.c_str(), g.households, percent(g.deviation).c_str(), g.buildings,
                    g.compactness, g.kept ? "kept " : "", g.withinTolerance ? "ok" : ("MISSES: " + g.why).c_str());
    }
    std::printf("community %s: %d households in %zu grids (target %d±%.0f%%); within tolerance %d; max deviation %.1f%%; "
                "mean compactness %.2f; households moved %d; %.2f s\n",
                input.community.c_str(), proposal.households, proposal.grids.size(), options.target, options.tolerance * 100,
                proposal.gridsWithinTolerance, proposal.maxDeviation * 100, proposal.meanCompactness, proposal.householdsMoved,
                took);
    for (const auto& n : proposal.notes) std::printf("note: %s\n", n.c_str());
    std::printf("saved as plan '%s' (the current grids are unchanged; gridatlas-cli grids restore --plan %s applies it)\n",
                planName.c_str(), planName.c_str());
    if (auto out = args.value("out")) std::printf("wrote %s\n", out->c_str());
    return 0;
}

int runPlans(const ArgList& argv) {
    const Args args("grids plans", argv, {"atlas"}, {});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);
    const auto plans = storage::listPlans(*atlas);
    if (plans.empty()) std::printf("no grid plans saved\n");
    for (const auto& p : plans)
        std::printf("%s\t%s\t%s\t%d grids\t%d buildings\t%s\n", p.name.c_str(), p.kind.c_str(), p.createdAt.c_str(), p.grids,
                    p.buildings, p.note.c_str());
    return 0;
}

int runSave(const ArgList& argv) {
    const Args args("grids save", argv, {"atlas", "plan", "community", "note"}, {"replace"});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);
    std::optional<std::int64_t> community;
    if (auto c = args.value("community")) community = storage::loadProposalInput(*atlas, *c).communityId;
    const std::string name = args.required("plan");
    storage::saveCurrentPlan(*atlas, name, community, args.flag("replace"), args.value("note").value_or(""));
    for (const auto& p : storage::listPlans(*atlas))
        if (p.name == name) std::printf("saved plan '%s': %d grids, %d buildings\n", name.c_str(), p.grids, p.buildings);
    return 0;
}

int runCompare(const ArgList& argvIn) {
    ArgList argv = argvIn;
    const auto plans = takeRepeated(argv, "--plan");
    const Args args("grids compare", argv, {"atlas"}, {});
    if (plans.size() != 2)
        throw InputError("gridatlas-cli grids compare: give two plans, --plan A --plan B (" +
                         std::string(storage::kCurrentPlanName) + " = the current grids)");
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);
    const auto cmp = storage::comparePlans(*atlas, plans[0], plans[1]);
    std::printf("%-18s %10s %10s %8s\n", "code", plans[0].c_str(), plans[1].c_str(), "change");
    for (const auto& g : cmp.grids)
        std::printf("%-18s %10d %10d %+8d\n", g.code.c_str(), g.householdsBefore, g.householdsAfter,
                    g.householdsAfter - g.householdsBefore);
    for (const auto& m : cmp.moves)
        std::printf("move\tbuilding %s (id %lld)\t%s -> %s\t%d households\n", m.building.c_str(),
                    static_cast<long long>(m.buildingId), m.from.empty() ? "(none)" : m.from.c_str(),
                    m.to.empty() ? "(none)" : m.to.c_str(), m.households);
    std::printf("%zu buildings and %d households change grid\n", cmp.moves.size(), cmp.householdsMoved);
    return 0;
}

int runRestore(const ArgList& argv) {
    const Args args("grids restore", argv, {"atlas", "plan"}, {});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);
    const std::string name = args.required("plan");
    storage::restorePlan(*atlas, name);
    std::printf("restored plan '%s'\n", name.c_str());
    return 0;
}

int runReassign(const ArgList& argv) {
    const Args args("grids reassign", argv, {"atlas"}, {});
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);
    storage::GridEditor editor(*atlas);
    const auto r = editor.reassignBuildings();
    std::printf("%zu buildings moved to the grid holding most of their footprint\n", r.movedBuildings.size());
    return 0;
}

int runRecode(const ArgList& argv) {
    const Args args("grids recode", argv, {"atlas", "community", "scheme", "object"}, {"dry-run"});
    const std::string scheme = args.value("scheme").value_or("cjt349");
    if (scheme != "cjt349")
        throw InputError("gridatlas-cli grids recode: --scheme '" + scheme + "' is not known (cjt349 = CJ/T 349-2010)");
    const bool dryRun = args.flag("dry-run");
    auto atlas = storage::Atlas::open(args.required("atlas"), dryRun ? storage::OpenMode::ReadOnly : storage::OpenMode::ReadWrite);
    const auto recodes = storage::planCjt349Codes(*atlas, args.required("community"), args.required("object"));
    for (const auto& r : recodes) std::printf("%s\t%s -> %s\n", r.name.c_str(), r.oldCode.c_str(), r.newCode.c_str());
    if (dryRun) {
        std::printf("dry run: %zu grids would be recoded; nothing was changed\n", recodes.size());
        return 0;
    }
    storage::applyGridCodes(*atlas, recodes);
    std::printf("recoded %zu grids after CJ/T 349-2010 (one transaction)\n", recodes.size());
    return 0;
}

int runGrids(const ArgList& argv) {
    if (argv.empty())
        throw InputError(
            "gridatlas-cli grids: give a subcommand (check, stats, propose, plans, save, compare, restore, reassign, recode)");
    const std::string sub = argv.front();
    const ArgList rest(argv.begin() + 1, argv.end());
    if (sub == "check") return runCheck(rest);
    if (sub == "stats") return runStats(rest);
    if (sub == "propose") return runPropose(rest);
    if (sub == "plans") return runPlans(rest);
    if (sub == "save") return runSave(rest);
    if (sub == "compare") return runCompare(rest);
    if (sub == "restore") return runRestore(rest);
    if (sub == "reassign") return runReassign(rest);
    if (sub == "recode") return runRecode(rest);
    throw InputError("gridatlas-cli grids: unknown subcommand '" + sub +
                     "' (expected check, stats, propose, plans, save, compare, restore, reassign or recode)");
}

} // namespace

GRIDATLAS_CLI_COMMAND("grids", R"(  grids check    --atlas FILE [--min-area M2]
          grid checks (overlaps, gaps, cut buildings, empty grids, staff, outside, invalid,
          assignment); one line per problem, exit 1 when any
  grids stats    --atlas FILE [--out x.csv|x.xlsx] [--community NAME] [--grid CODE[,CODE...]]
          per-grid buildings, households, residents, members, vulnerable, posts, staff workload
  grids propose  --atlas FILE --community NAME --plan NAME [--target 400] [--tolerance 0.2]
                 [--respect-streets] [--keep-current] [--out x.gpkg|x.geojson] [--replace]
          propose grids for a community, saved as a plan (never over the current grids)
  grids plans    --atlas FILE
  grids save     --atlas FILE --plan NAME [--community NAME] [--note TEXT] [--replace]
  grids compare  --atlas FILE --plan A --plan B      (@current = the grids as they are)
  grids restore  --atlas FILE --plan NAME
  grids reassign --atlas FILE
          buildings to the grid holding most of their footprint
  grids recode   --atlas FILE --community NAME --object NNNNNN [--scheme cjt349] [--dry-run]
          give the community's grids 20-digit codes after CJ/T 349-2010 (object code,
          community code, sequence left to right, top to bottom), in one transaction
)",
                      runGrids, 60);

} // namespace gridatlas::cli
