// gridatlas-cli import: one vector layer of any GDAL format into one atlas table, in one
// transaction (see docs/import-export.md).
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "io/vector_import.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"

namespace gridatlas::cli {

namespace {

std::atomic<Feedback*> g_importCancel{nullptr};
extern "C" void onImportInterrupt(int) {
    if (Feedback* f = g_importCancel.load()) f->cancel();
    std::signal(SIGINT, SIG_DFL);
}

/// Ctrl-C cancels the import (the transaction rolls back) while this lives.
class ImportInterruptScope {
public:
    explicit ImportInterruptScope(Feedback& f) {
        g_importCancel.store(&f);
        m_previous = std::signal(SIGINT, onImportInterrupt);
    }
    ImportInterruptScope(const ImportInterruptScope&) = delete;
    ImportInterruptScope& operator=(const ImportInterruptScope&) = delete;
    ImportInterruptScope(ImportInterruptScope&&) = delete;
    ImportInterruptScope& operator=(ImportInterruptScope&&) = delete;
    ~ImportInterruptScope() {
        std::signal(SIGINT, m_previous == SIG_ERR ? SIG_DFL : m_previous);
        g_importCancel.store(nullptr);
    }

private:
    void (*m_previous)(int) = SIG_DFL;
};

} // namespace

int runImport(const ArgList& argv) {
    const Args args("import", argv, {"atlas", "layer", "as", "mapping", "srs", "key", "community", "where"},
                    {"dry-run", "partial", "delete-missing"});
    if (args.positional().size() != 1)
        throw InputError(args.positional().empty() ? "give the file to import (gridatlas-cli import --atlas F SOURCE --as TABLE)"
                                                   : "one source file at a time ('" + args.positional()[1] + "' is extra)");
    io::ImportOptions options;
    options.source = args.positional().front();
    const std::string as = args.required("as");
    const auto target = io::parseImportTarget(as);
    if (!target) throw InputError("--as '" + as + "' is not an atlas table (use " + io::targetNames() + ")");
    options.target = *target;
    options.layer = args.value("layer").value_or("");
    options.mappingFile = args.value("mapping").value_or("");
    if (const auto srs = args.value("srs")) options.srs = io::parseCrsOption(*srs);
    options.key = args.value("key").value_or("");
    options.community = args.value("community").value_or("");
    options.where = args.value("where").value_or("");
    options.dryRun = args.flag("dry-run");
    options.partial = args.flag("partial");
    options.deleteMissing = args.flag("delete-missing");
    if (options.deleteMissing && !options.where.empty())
        throw InputError("--delete-missing with --where would delete every row the filter leaves out: use one or the other");

    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadWrite);
    Feedback feedback;
    int lastDecile = -1;
    feedback.setProgressCallback([&lastDecile](double p, const std::string& stage) {
        const int d = static_cast<int>(std::floor(p / 10));
        if (d == lastDecile) return;
        lastDecile = d;
        std::fprintf(stderr, "[%3d%%] %s\n", static_cast<int>(p), stage.c_str());
    });
    io::ImportSummary summary;
    {
        ImportInterruptScope interrupts(feedback);
        summary = io::importVector(*atlas, options, &feedback);
    }
    if (summary.committed) atlas->updateStatistics();
    std::cout << summary.report();
    // A dry run that would succeed, or a stored import, is success; rejections without
    // --partial stop the import and fail the command.
    return (summary.rejected > 0 && !options.partial) ? 1 : 0;
}

GRIDATLAS_CLI_COMMAND("import",
                      R"(  import  --atlas FILE SOURCE --as buildings|grids|communities|service_posts|streets|units|households
          [--layer L] [--mapping FILE] [--srs EPSG:N|gcj02|bd09] [--key FIELD] [--community CODE]
          [--where FILTER] [--dry-run] [--partial] [--delete-missing]
          import a vector layer (Shapefile, GeoJSON, GeoPackage, KML/KMZ, DXF, OSM, CSV, XLSX,
          FlatGeobuf, MapInfo) into an atlas table in one transaction; re-imports update;
          --delete-missing also deletes rows an earlier import of the same file brought that it
          no longer has (after an automatic backup)
)",
                      runImport, 40);

} // namespace gridatlas::cli
