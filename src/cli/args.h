#pragma once
// Command-line options: "--name value" and "--flag", plus positional arguments.
// Unknown options are errors that name the option and the command.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gridatlas::cli {

class Args {
public:
    /// Parses argv after the command word. `valued` lists options that take a value, `flags`
    /// those that do not. Throws InputError on an unknown option or a missing value.
    Args(const std::string& command, const std::vector<std::string>& argv, const std::set<std::string>& valued,
         const std::set<std::string>& flags);

    [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
    /// Throws InputError "gridatlas-cli <command>: --name is required" when absent.
    [[nodiscard]] std::string required(const std::string& name) const;
    [[nodiscard]] bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    [[nodiscard]] const std::vector<std::string>& positional() const { return m_positional; }
    /// Integer option with a range check.
    [[nodiscard]] std::optional<long long> integer(const std::string& name, long long min, long long max) const;
    [[nodiscard]] const std::string& command() const { return m_command; }

private:
    std::string m_command;
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positional;
};

} // namespace gridatlas::cli
