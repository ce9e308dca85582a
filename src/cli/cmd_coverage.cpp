// gridatlas-cli coverage: who each post type reaches (straight line or walking along streets),
// summaries by category, community and grid, the gap buildings, and why each uncovered household
// is not covered. Reports as CSV, XLSX or a one-page PDF (map + tables); a per-household CSV.

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/cmd_coverage_support.h"
#include "cli/commands.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/coverage.h"
#include "storage/coverage_data.h"
#include "storage/coverage_report.h"
#include "storage/isochrones.h"
#include "storage/street_network.h"

namespace gridatlas::cli {

namespace {

using storage::CoverageData;
using storage::CoverageResult;

std::string lowerExtension(const std::string& path) {
    const auto dot = path.rfind('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return {};
    std::string e = path.substr(dot + 1);
    for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}


} // namespace

int runCoverage(const ArgList& argv) {
    const Args args("coverage", argv,
                    {"atlas", "type", "minutes", "meters", "out", "per-household", "service-areas", "speed", "threads"},
                    {"network", "euclid"});
    if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional().front() + "'");
    if (args.flag("network") && args.flag("euclid"))
        throw InputError("gridatlas-cli coverage: give --network or --euclid, not both");
    storage::CoverageOptions options;
    options.postType = args.required("type");
    options.mode = args.flag("network") ? storage::DistanceMode::Network : storage::DistanceMode::Euclidean;
    options.minutes = coverage_support::positiveNumber(args, "minutes");
    options.meters = coverage_support::positiveNumber(args, "meters");
    if (const auto s = coverage_support::positiveNumber(args, "speed")) options.walkSpeedKmh = *s;
    if (const auto t = args.integer("threads", 1, 64)) options.threads = static_cast<int>(*t);
    const auto out = args.value("out");
    std::string format;
    if (out) {
        format = lowerExtension(*out);
        if (format != "csv" && format != "xlsx" && format != "pdf")
            throw InputError("gridatlas-cli coverage: --out '" + *out + "' must end in .csv, .xlsx or .pdf");
    }
    const auto areasPath = args.value("service-areas");
    if (areasPath && lowerExtension(*areasPath) != "geojson")
        throw InputError("gridatlas-cli coverage: --service-areas '" + *areasPath + "' must end in .geojson");
    const auto perHousehold = args.value("per-household");
    if (perHousehold && lowerExtension(*perHousehold) != "csv")
        throw InputError("gridatlas-cli coverage: --per-household '" + *perHousehold + "' must end in .csv");

    if (format == "pdf" && isLeanCli()) handOverToFullCli(); // the PDF is drawn with Qt
    const auto start = std::chrono::steady_clock::now();
    Feedback feedback;
    coverage_support::attachProgress(feedback, "coverage");
    coverage_support::InterruptScope interrupts(feedback);
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    storage::CoverageLoadOptions load;
    load.streets = options.mode == storage::DistanceMode::Network;
    load.footprints = format == "pdf";
    const auto data = storage::loadCoverageData(*atlas, load, &feedback);
    if (!data->postType(options.postType)) {
        std::string known;
        for (const auto& t : data->postTypes) known += (known.empty() ? "" : ", ") + t.type;
        throw InputError("gridatlas-cli coverage: --type '" + options.postType + "' is not a post type of '" + atlas->path() +
                         "' (known: " + known + ")");
    }
    if (options.mode == storage::DistanceMode::Network && data->streets.empty())
        throw InputError("gridatlas-cli coverage: '" + atlas->path() +
                         "' has no streets; walking distances need them (use --euclid)");
    std::optional<storage::StreetNetwork> network;
    if (options.mode == storage::DistanceMode::Network) network = storage::StreetNetwork::fromStreets(data->streets);
    const CoverageResult r = storage::computeCoverage(*data, options, network ? &*network : nullptr, &feedback);
    feedback.throwIfCancelled();
    if (areasPath) {
        // One service area per post at its own standard.
        std::map<double, std::vector<std::int32_t>> byStandard;
        for (std::size_t k = 0; k < r.posts.size(); ++k) byStandard[r.postStandardM[k]].push_back(r.posts[k]);
        std::vector<storage::Isochrone> areas;
        for (const auto& [meters, posts] : byStandard) {
            storage::IsochroneOptions io;
            io.mode = options.mode;
            io.meters = meters;
            auto part = storage::computeIsochrones(*data, posts, io, network ? &*network : nullptr, &feedback);
            areas.insert(areas.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
        }
        storage::writeServiceAreasGeoJson(*areasPath, *data, areas);
    }

    const auto* type = data->postType(options.postType);
    std::string standard;
    if (options.meters)
        standard = storage::formatNumber(*options.meters, 0) + " m";
    else if (options.minutes)
        standard = storage::formatNumber(*options.minutes, 0) + " min (" +
                   storage::formatNumber(*options.minutes * options.metersPerMinute(), 0) + " m)";
    else
        standard = "the post_types standard";
    const std::string mode = options.mode == storage::DistanceMode::Network ? "walking" : "straight-line";
    if (out) {
        const std::string title =
            std::string(type->nameZh) + (options.mode == storage::DistanceMode::Network ? " 步行覆盖" : " 直线覆盖") +
            (options.minutes && !options.meters ? " " + storage::formatNumber(*options.minutes, 0) + "分钟" : "") +
            (options.meters ? " " + storage::formatNumber(*options.meters, 0) + "米" : "");
        if (format == "pdf")
#ifdef GRIDATLAS_LEAN_CLI
            handOverToFullCli(); // (handed over before any work: see above)
#else
            coverage_support::writeCoveragePdf(*out, *data, r, title);
#endif
        else if (format == "xlsx")
            storage::writeXlsxReport(*out, storage::coverageTables(*data, r));
        else
            storage::writeCsvReport(*out, storage::coverageTables(*data, r));
    }
    if (perHousehold) storage::writeHouseholdCoverageCsv(*perHousehold, *data, r);

    const auto n = static_cast<std::int64_t>(data->households.size());
    std::printf("%s (%s), %s, standard %s: %lld of %lld households covered (%.1f%%) by %zu posts\n", options.postType.c_str(),
                type->nameZh.c_str(), mode.c_str(), standard.c_str(), static_cast<long long>(r.coveredCount),
                static_cast<long long>(n), n ? 100.0 * static_cast<double>(r.coveredCount) / static_cast<double>(n) : 0.0,
                r.posts.size());
    for (const auto& c : r.byCategory)
        std::printf("  %-22s %9lld of %9lld  %5.1f%%\n", c.code.c_str(), static_cast<long long>(c.covered),
                    static_cast<long long>(c.households), c.percent());
    std::array<std::int64_t, 5> reasons{};
    for (auto x : r.reason) ++reasons[static_cast<std::size_t>(x)];
    for (auto reason : {storage::UncoveredReason::NoPostOfType, storage::UncoveredReason::NoPostInCommunity,
                        storage::UncoveredReason::NoWalkablePath, storage::UncoveredReason::BeyondStandard})
        if (reasons[static_cast<std::size_t>(reason)])
            std::printf("  uncovered, %s: %lld\n", storage::reasonCode(reason),
                        static_cast<long long>(reasons[static_cast<std::size_t>(reason)]));
    std::printf("  gap buildings: %zu\n", r.gaps.size());
    if (out) std::printf("wrote %s\n", out->c_str());
    if (perHousehold) std::printf("wrote %s\n", perHousehold->c_str());
    if (areasPath) std::printf("wrote %s\n", areasPath->c_str());
    std::fprintf(stderr, "coverage: %.3f s (analysis %.3f s)\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), r.seconds);
    return 0;
}

GRIDATLAS_CLI_COMMAND("coverage", R"(  coverage --atlas FILE --type POST_TYPE [--minutes N | --meters M] [--network|--euclid]
           [--speed KMH] [--out report.csv|xlsx|pdf] [--per-household households.csv]
           [--service-areas areas.geojson]
          who the posts of one type reach: straight line (default) or walking along the streets
          from each unit's door; by category, community and grid, gap buildings, reasons
)",
                      runCoverage, 60);

} // namespace gridatlas::cli
