#include "editors_sim.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/row_versions.h"

namespace gridatlas::bench {

namespace {

struct Attempt {
    std::int64_t row = 0;
    std::int64_t baseVersion = 0;
    std::int64_t newVersion = 0; ///< 0: refused
    std::string name;
};

} // namespace

std::string EditorsReport::summary() const {
    std::ostringstream out;
    out << attempted << " edits in " << seconds << " s (" << (seconds > 0 ? static_cast<double>(attempted) / seconds : 0.0)
        << "/s): " << accepted << " accepted, " << refused << " refused and reported, " << failed << " failed; lost " << lost
        << ", rows not in their last accepted state " << wrongFinal;
    for (const auto& p : problems) out << "\n  " << p;
    return out.str();
}

EditorsReport runEditors(const EditorsOptions& options) {
    std::vector<std::int64_t> rows;
    std::map<std::int64_t, std::int64_t> firstVersion;
    {
        auto atlas = storage::Atlas::open(options.location, storage::OpenMode::ReadWrite);
        storage::Statement st(atlas->connection(), "SELECT id, row_version FROM buildings ORDER BY id LIMIT ?");
        st.bind(1, options.hotRows);
        while (st.step()) {
            rows.push_back(st.columnInt(0));
            firstVersion[st.columnInt(0)] = st.columnInt(1);
        }
    }
    EditorsReport report;
    if (rows.empty()) {
        report.problems.push_back("the atlas has no buildings to edit");
        return report;
    }
    std::mutex mutex;
    std::vector<Attempt> log;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options.seconds));
    std::vector<std::thread> threads;
    for (int e = 0; e < options.editors; ++e) {
        threads.emplace_back([&, e] {
            std::mt19937 rng(options.seed * 1000 + static_cast<unsigned>(e));
            std::vector<Attempt> mine;
            std::int64_t failed = 0;
            std::vector<std::string> errors;
            try {
                auto atlas = storage::Atlas::open(options.location, storage::OpenMode::ReadWrite);
                auto& c = atlas->connection();
                storage::Statement read(c, "SELECT name, row_version FROM buildings WHERE id = ?");
                for (int n = 0; std::chrono::steady_clock::now() < deadline; ++n) {
                    Attempt a;
                    a.row = rows[rng() % rows.size()];
                    a.name = "编辑" + std::to_string(e) + "-" + std::to_string(n);
                    read.reset();
                    read.bind(1, a.row);
                    if (!read.step()) {
                        ++failed;
                        errors.push_back("building " + std::to_string(a.row) + " vanished");
                        continue;
                    }
                    const model::Value seen = read.columnValue(0);
                    a.baseVersion = read.columnInt(1);
                    read.reset();
                    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000)); // the editor thinks
                    try {
                        storage::Transaction tx(c);
                        if (options.blind) {
                            storage::Statement w(c, "UPDATE buildings SET name = ? WHERE id = ?");
                            w.bind(1, a.name).bind(2, a.row);
                            w.run();
                            a.newVersion = *storage::rowVersion(c, "buildings", a.row);
                        } else {
                            a.newVersion = storage::updateRow(c, "buildings", a.row, a.baseVersion, {{"name", a.name}}, {{"name", seen}});
                        }
                        tx.commit();
                    } catch (const storage::StaleEditError&) {
                        a.newVersion = 0; // refused, and the editor was told
                    }
                    mine.push_back(std::move(a));
                }
            } catch (const std::exception& ex) {
                ++failed;
                errors.push_back(std::string("editor ") + std::to_string(e) + ": " + ex.what());
            }
            std::lock_guard lock(mutex);
            log.insert(log.end(), mine.begin(), mine.end());
            report.failed += failed;
            report.problems.insert(report.problems.end(), errors.begin(), errors.end());
        });
    }
    for (auto& t : threads) t.join();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Verify against what the database holds now.
    report.attempted = static_cast<std::int64_t>(log.size());
    std::map<std::int64_t, std::vector<const Attempt*>> acceptedByRow;
    std::map<std::string, bool> refusedNames;
    for (const auto& a : log) {
        if (a.newVersion > 0) {
            ++report.accepted;
            acceptedByRow[a.row].push_back(&a);
        } else {
            ++report.refused;
            refusedNames[a.name] = true;
        }
    }
    auto atlas = storage::Atlas::open(options.location, storage::OpenMode::ReadOnly);
    storage::Statement st(atlas->connection(), "SELECT name, row_version FROM buildings WHERE id = ?");
    for (const auto row : rows) {
        auto& chain = acceptedByRow[row];
        std::sort(chain.begin(), chain.end(), [](const Attempt* a, const Attempt* b) { return a->newVersion < b->newVersion; });
        std::int64_t expected = firstVersion[row];
        for (const auto* a : chain) {
            // Each accepted edit was based on the version the previous one made: none was
            // overwritten by an edit that had not seen it.
            if (a->baseVersion != expected || a->newVersion != expected + 1) {
                ++report.lost;
                report.problems.push_back("building " + std::to_string(row) + ": edit '" + a->name + "' based on version " +
                                          std::to_string(a->baseVersion) + " made " + std::to_string(a->newVersion) + ", expected " +
                                          std::to_string(expected) + " -> " + std::to_string(expected + 1));
            }
            expected = a->newVersion;
        }
        st.reset();
        st.bind(1, row);
        if (!st.step()) {
            ++report.wrongFinal;
            continue;
        }
        const std::string finalName = st.columnText(0);
        const std::int64_t finalVersion = st.columnInt(1);
        const bool right = chain.empty() ? finalVersion == firstVersion[row]
                                         : finalName == chain.back()->name && finalVersion == chain.back()->newVersion;
        if (!right || refusedNames.count(finalName)) {
            ++report.wrongFinal;
            report.problems.push_back("building " + std::to_string(row) + " holds '" + finalName + "' at version " +
                                      std::to_string(finalVersion) + (chain.empty() ? "" : ", last accepted '" + chain.back()->name + "'"));
        }
    }
    return report;
}

} // namespace gridatlas::bench
