#include <gtest/gtest.h>

#include "badinput/badinput_support.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

namespace fs = std::filesystem;

std::string shellQuote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

CliRun runCli(const std::string& args, int timeoutSeconds) {
    CliRun r;
    r.code = runCommand("timeout " + std::to_string(timeoutSeconds) + " " + shellQuote(cliPath()) + " " + args, &r.output);
    return r;
}

namespace {
std::uint64_t fnv1a(const std::string& path, std::uint64_t h) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return h ^ 0x9e3779b97f4a7c15ULL; // absent
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            h ^= static_cast<unsigned char>(buf[i]);
            h *= 1099511628211ULL;
        }
    }
    return h;
}
} // namespace

std::string fileChecksum(const std::string& path) {
    std::string out;
    for (const char* suffix : {"", "-wal", "-journal"}) {
        const std::string p = path + suffix;
        std::error_code ec;
        const auto size = fs::exists(p, ec) ? static_cast<long long>(fs::file_size(p, ec)) : -1LL;
        // An empty -wal left by a clean close is the same state as none.
        const bool absent = size <= 0 && *suffix != '\0';
        out += std::to_string(absent ? -1 : size) + ":" +
               std::to_string(absent ? 0 : fnv1a(p, 1469598103934665603ULL)) + " ";
    }
    return out;
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << path;
}

::testing::AssertionResult failedCleanly(const CliRun& run, const std::string& mustName) {
    if (run.code == -1) return ::testing::AssertionFailure() << "killed by a signal (crash):\n" << run.output;
    if (run.code == 124) return ::testing::AssertionFailure() << "hit the time limit:\n" << run.output;
    if (run.code == 0) return ::testing::AssertionFailure() << "exit 0 for bad input:\n" << run.output;
    for (const char* bad : {"terminate called", "Segmentation", "Aborted", "AddressSanitizer", "runtime error:",
                            "std::bad_alloc", "basic_string"})
        if (run.output.find(bad) != std::string::npos)
            return ::testing::AssertionFailure() << "output shows '" << bad << "':\n" << run.output;
    if (run.output.find(mustName) == std::string::npos)
        return ::testing::AssertionFailure() << "message does not name '" << mustName << "':\n" << run.output;
    return ::testing::AssertionSuccess();
}

} // namespace gridatlas::testing
