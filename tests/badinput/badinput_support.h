#pragma once
// Helpers of the bad-input suite: run the CLI on hostile input and prove the atlas is untouched.
#include <gtest/gtest.h>

#include <string>

namespace gridatlas::testing {

/// What one CLI run gave.
struct CliRun {
    int code = 0;       ///< exit code; -1 when killed by a signal (a crash)
    std::string output; ///< stdout and stderr
};

/// Runs `gridatlas-cli ARGS` (ARGS already shell-quoted) under a time limit; a run that hits the
/// limit has code 124.
CliRun runCli(const std::string& args, int timeoutSeconds = 120);

/// 'text' quoted for /bin/sh.
std::string shellQuote(const std::string& text);

/// FNV-1a of the file's bytes and of its -wal and -journal companions (absent ones count as
/// empty): equal before and after means nothing was written.
std::string fileChecksum(const std::string& path);

/// Writes `bytes` to `path` (binary).
void writeFile(const std::string& path, const std::string& bytes);

/// The run failed cleanly: a non-zero exit that is neither a crash nor the time limit, a message
/// naming `mustName`, and no sign of a crash or of a C++ exception escaping.
::testing::AssertionResult failedCleanly(const CliRun& run, const std::string& mustName);

} // namespace gridatlas::testing
