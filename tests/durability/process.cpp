#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace gridatlas::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& args, const std::string& stdoutFile,
                           const std::string& stderrFile, const std::vector<std::string>& extraEnv) {
    std::vector<std::string> a = args;
    std::vector<char*> argv;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    env.insert(env.end(), extraEnv.begin(), extraEnv.end());
    std::vector<char*> envp;
    for (auto& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, stdoutFile.empty() ? "/dev/null" : stdoutFile.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, stderrFile.empty() ? "/dev/null" : stderrFile.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&m_pid, argv[0], &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + args.front());
}

ChildProcess::~ChildProcess() {
    if (!m_done) kill();
}

int ChildProcess::wait() {
    if (m_done) return m_result;
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_done = true;
    m_result = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    return m_result;
}

bool ChildProcess::running() {
    if (m_done) return false;
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == 0) return true;
    m_done = true;
    m_result = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    return false;
}

int ChildProcess::kill() {
    if (!m_done) ::kill(m_pid, SIGKILL);
    return wait();
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace gridatlas::testing
