// gridatlas-cli site: where k new posts of a type would help most (MCLP), the fewest posts that
// cover every household (LSCP), or the k posts that shorten the average walk most (p-median).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/args.h"
#include "cli/cmd_coverage_support.h"
#include "cli/commands.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/coverage_data.h"
#include "storage/coverage_report.h"
#include "storage/siting.h"

namespace gridatlas::cli {

namespace {

/// Candidate points from a CSV with x and y columns (atlas CRS metres).
std::vector<model::Vec2> readCandidates(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError("cannot read candidates '" + path + "'");
    std::string line;
    if (!std::getline(in, line)) throw InputError("candidates '" + path + "' is empty (expected a header with x,y)");
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    std::vector<std::string> header;
    {
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) {
            while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
            header.push_back(cell);
        }
    }
    int xi = -1, yi = -1;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == "x") xi = static_cast<int>(i);
        if (header[i] == "y") yi = static_cast<int>(i);
    }
    if (xi < 0 || yi < 0) throw InputError("candidates '" + path + "', line 1: no 'x' and 'y' columns");
    std::vector<model::Vec2> out;
    int row = 1;
    while (std::getline(in, line)) {
        ++row;
        if (line.empty() || line == "\r") continue;
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) cells.push_back(cell);
        auto num = [&](int col, const char* name) {
            if (col >= static_cast<int>(cells.size()))
                throw InputError("candidates '" + path + "', line " + std::to_string(row) + ": no value in column " + name);
            try {
                std::size_t used = 0;
                const double v = std::stod(cells[static_cast<std::size_t>(col)], &used);
                if (std::isfinite(v)) return v;
            } catch (const std::exception&) {
            }
            throw InputError("candidates '" + path + "', line " + std::to_string(row) + ", column " + name + ": '" +
                             cells[static_cast<std::size_t>(col)] + "' is not a number");
        };
        out.push_back({num(xi, "x"), num(yi, "y")});
    }
    return out;
}

} // namespace

int runSite(const ArgList& argv) {
    const Args args("site", argv,
                    {"atlas", "type", "k", "minutes", "meters", "model", "candidates", "vulnerable-weight", "capacity", "out",
                     "speed", "exact-limit"},
                    {"network", "euclid"});
    if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional().front() + "'");
    if (args.flag("network") && args.flag("euclid")) throw InputError("gridatlas-cli site: give --network or --euclid, not both");
    storage::SitingOptions o;
    o.postType = args.required("type");
    o.mode = args.flag("network") ? storage::DistanceMode::Network : storage::DistanceMode::Euclidean;
    const std::string model = args.value("model").value_or("mclp");
    if (model == "mclp")
        o.model = storage::SitingModel::Mclp;
    else if (model == "lscp")
        o.model = storage::SitingModel::Lscp;
    else if (model == "pmedian")
        o.model = storage::SitingModel::PMedian;
    else
        throw InputError("gridatlas-cli site: --model '" + model + "' is not mclp, lscp or pmedian");
    if (const auto k = args.integer("k", 1, 10000))
        o.k = static_cast<int>(*k);
    else if (o.model != storage::SitingModel::Lscp)
        throw InputError("gridatlas-cli site: --k is required for --model " + model);
    o.minutes = coverage_support::positiveNumber(args, "minutes");
    o.meters = coverage_support::positiveNumber(args, "meters");
    if (const auto s = coverage_support::positiveNumber(args, "speed")) o.walkSpeedKmh = *s;
    if (const auto w = args.value("vulnerable-weight")) {
        try {
            o.vulnerableWeight = std::stod(*w);
        } catch (const std::exception&) {
            throw InputError("gridatlas-cli site: --vulnerable-weight '" + *w + "' is not a number");
        }
        if (!(o.vulnerableWeight >= 0)) throw InputError("gridatlas-cli site: --vulnerable-weight must be 0 or more");
    }
    if (const auto c = args.integer("capacity", 1, 100000000)) o.capacity = static_cast<int>(*c);
    if (const auto e = args.integer("exact-limit", 0, 200)) o.exactLimit = static_cast<int>(*e);
    const std::string candidates = args.value("candidates").value_or("entrances");
    if (candidates == "entrances")
        o.candidates = storage::CandidateSource::Entrances;
    else if (candidates == "buildings")
        o.candidates = storage::CandidateSource::Buildings;
    else {
        o.candidates = storage::CandidateSource::Points;
        o.candidatePoints = readCandidates(candidates);
    }

    Feedback feedback;
    coverage_support::attachProgress(feedback, "site");
    coverage_support::InterruptScope interrupts(feedback);
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    storage::CoverageLoadOptions load;
    load.footprints = false;
    load.streets = true; // gates are candidates too
    load.residents = o.vulnerableWeight > 0;
    const auto data = storage::loadCoverageData(*atlas, load, &feedback);
    if (!data->postType(o.postType))
        throw InputError("gridatlas-cli site: --type '" + o.postType + "' is not a post type of '" + atlas->path() + "'");
    const auto r = storage::proposeSites(*data, o, nullptr, &feedback);
    feedback.throwIfCancelled();

    storage::ReportTable table{
        "proposals", {"rank", "candidate", "x", "y", "newly_covered", "coverage_pct_after", "avg_distance_m_after"}, {}};
    for (std::size_t i = 0; i < r.proposals.size(); ++i) {
        const auto& p = r.proposals[i];
        const auto& c = r.candidates[static_cast<std::size_t>(p.candidate)];
        table.rows.push_back({std::to_string(i + 1), c.label, storage::formatNumber(c.point.x, 2),
                              storage::formatNumber(c.point.y, 2), std::to_string(p.newlyCovered),
                              storage::formatNumber(p.coveragePctAfter, 2),
                              o.model == storage::SitingModel::PMedian ? storage::formatNumber(p.averageDistanceAfter, 1) : ""});
    }
    if (const auto out = args.value("out")) storage::writeCsvTable(*out, table);

    std::printf("%s, %s, %s, %zu candidates: %lld of %lld households covered now (%.1f%%)\n", o.postType.c_str(), model.c_str(),
                o.mode == storage::DistanceMode::Network ? "walking" : "straight-line", r.candidates.size(),
                static_cast<long long>(r.coveredBefore), static_cast<long long>(r.households), r.coveragePctBefore);
    if (o.model == storage::SitingModel::PMedian) std::printf("  average distance now: %.1f m\n", r.averageDistanceBefore);
    for (std::size_t i = 0; i < r.proposals.size(); ++i) {
        const auto& p = r.proposals[i];
        const auto& c = r.candidates[static_cast<std::size_t>(p.candidate)];
        if (o.model == storage::SitingModel::PMedian)
            std::printf("  %2zu. %s (%.1f, %.1f): average distance %.1f m\n", i + 1, c.label.c_str(), c.point.x, c.point.y,
                        p.averageDistanceAfter);
        else
            std::printf("  %2zu. %s (%.1f, %.1f): +%lld households, %.1f%% covered\n", i + 1, c.label.c_str(), c.point.x,
                        c.point.y, static_cast<long long>(p.newlyCovered), p.coveragePctAfter);
    }
    if (o.model == storage::SitingModel::Lscp && r.uncoverable)
        std::printf("  %lld households no candidate can cover\n", static_cast<long long>(r.uncoverable));
    if (o.model == storage::SitingModel::PMedian && o.capacity)
        std::printf("  capacity %d: %lld households left without a post\n", *o.capacity, static_cast<long long>(r.unserved));
    if (r.exactRan) {
        if (o.model == storage::SitingModel::Mclp)
            std::printf("  greedy covers weight %.1f, the optimum %.1f%s: gap %.2f%%\n", r.greedyObjective, r.exactObjective,
                        r.exactProven ? "" : " (best found, not proven)", r.gapPercent());
        else
            std::printf("  greedy needs %.0f posts, the optimum %.0f%s: gap %.2f%%\n", r.greedyObjective, r.exactObjective,
                        r.exactProven ? "" : " (best found, not proven)", r.gapPercent());
    }
    if (const auto out = args.value("out")) std::printf("wrote %s\n", out->c_str());
    std::fprintf(stderr, "site: %.3f s\n", r.seconds);
    return 0;
}

GRIDATLAS_CLI_COMMAND("site",
                      R"(  site    --atlas FILE --type POST_TYPE [--model mclp|lscp|pmedian] [--k N] [--minutes N | --meters M]
          [--network|--euclid] [--candidates entrances|buildings|points.csv] [--vulnerable-weight W]
          [--capacity N] [--out proposals.csv]
          propose new post sites: most households newly covered (mclp), fewest posts covering
          everyone (lscp), or shortest average distance (pmedian); greedy vs exact on small cases
)",
                      runSite, 62);

} // namespace gridatlas::cli
