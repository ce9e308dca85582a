#include "cli/passphrase.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/crypto.h"

namespace gridatlas::cli {

namespace {

/// Reads one line from the controlling terminal with echo off; nullopt without a terminal.
std::optional<std::string> askTerminal(const std::string& prompt) {
    std::FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty) return std::nullopt;
    const int fd = fileno(tty);
    termios old{};
    const bool isTerminal = tcgetattr(fd, &old) == 0;
    if (isTerminal) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::fputs(prompt.c_str(), tty);
    std::fflush(tty);
    std::string line;
    int ch = 0;
    while ((ch = std::fgetc(tty)) != EOF && ch != '\n') line.push_back(static_cast<char>(ch));
    if (isTerminal) tcsetattr(fd, TCSAFLUSH, &old);
    std::fclose(tty);
    if (ch == EOF && line.empty()) return std::nullopt;
    return line;
}

std::optional<std::string> fromEnvironment(const char* variable) {
    const char* v = std::getenv(variable);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

} // namespace

std::optional<std::string> existingPassphrase(const std::string& prompt) {
    if (auto v = fromEnvironment("GRIDATLAS_PASSPHRASE")) return v;
    return askTerminal(prompt);
}

std::string newPassphrase(const std::string& variable, const std::string& what) {
    if (auto v = fromEnvironment(variable.c_str())) return *v;
    auto first = askTerminal("New passphrase for " + what + ": ");
    if (!first)
        throw InputError("a passphrase for " + what + " is needed: set " + variable + " or run on a terminal to be asked");
    if (first->empty()) throw InputError("an empty passphrase does not protect anything");
    auto again = askTerminal("Repeat it: ");
    if (!again || *again != *first) throw InputError("the two passphrases differ; nothing was changed");
    return *first;
}

void installPassphraseProvider() {
    storage::crypto::setPassphraseProvider([](const std::string& atlasPath, const std::string& why) {
        static std::mutex asking; // workers may ask at once; one prompt at a time
        std::lock_guard lock(asking);
        return existingPassphrase("Passphrase of '" + atlasPath + "' (to " + why + "): ");
    });
}

void authorizeReveal(const std::string& atlasPath, const std::string& command, const std::string& what) {
    {
        storage::Connection c(atlasPath, storage::OpenMode::ReadOnly);
        storage::crypto::requireKey(c, "reveal personal data");
    }
    storage::crypto::recordReveal(atlasPath, "gridatlas-cli " + command, what);
}

} // namespace gridatlas::cli
