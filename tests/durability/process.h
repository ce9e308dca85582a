#pragma once
// Child processes for the durability tests: the real gridatlas-cli, started with posix_spawn so a
// test can run it next to its own connections, wait for it, or kill it with SIGKILL.
#include <sys/types.h>

#include <string>
#include <vector>

namespace gridatlas::testing {

class ChildProcess {
public:
    /// Starts `args` (args[0] is the program); stdout and stderr go to the given files ("" = /dev/null).
    ChildProcess(const std::vector<std::string>& args, const std::string& stdoutFile = {},
                 const std::string& stderrFile = {}, const std::vector<std::string>& extraEnv = {});
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ChildProcess(ChildProcess&&) = delete;
    ChildProcess& operator=(ChildProcess&&) = delete;
    /// Kills and reaps a child still running (a failed test must not leave one behind).
    ~ChildProcess();

    [[nodiscard]] pid_t pid() const { return m_pid; }
    /// Waits for the exit; returns the exit code, or -signal when killed by a signal.
    int wait();
    /// Whether it is still running (reaps it when it has ended).
    bool running();
    /// SIGKILL, then wait(); returns wait()'s value.
    int kill();

private:
    pid_t m_pid = 0;
    bool m_done = false;
    int m_result = 0;
};

/// The whole content of a file ("" when missing).
std::string readText(const std::string& path);

} // namespace gridatlas::testing
