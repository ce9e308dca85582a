#include "cli/args.h"

#include <charconv>

#include "model/support/error.h"

namespace gridatlas::cli {

Args::Args(const std::string& command, const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& flags)
    : m_command(command) {
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.size() > 2 && a.rfind("--", 0) == 0) {
            std::string name = a.substr(2);
            std::optional<std::string> inlineValue;
            if (const auto eq = name.find('='); eq != std::string::npos) {
                inlineValue = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            if (valued.count(name)) {
                if (inlineValue) {
                    m_values[name] = *inlineValue;
                } else {
                    if (i + 1 >= argv.size()) throw InputError("--" + name + " needs a value");
                    m_values[name] = argv[++i];
                }
            } else if (flags.count(name) && !inlineValue) {
                m_flags.insert(name);
            } else {
                std::string known;
                for (const auto& v : valued) known += " --" + v;
                for (const auto& f : flags) known += " --" + f;
                throw InputError("unknown option '" + a + "' (known:" + known + ")");
            }
        } else {
            m_positional.push_back(a);
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::string Args::required(const std::string& name) const {
    auto v = value(name);
    if (!v || v->empty()) throw InputError("--" + name + " is required");
    return *v;
}

std::optional<long long> Args::integer(const std::string& name, long long min, long long max) const {
    auto v = value(name);
    if (!v) return std::nullopt;
    long long out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || p != v->data() + v->size())
        throw InputError("--" + name + " '" + *v + "' is not a whole number");
    if (out < min || out > max)
        throw InputError("--" + name + " " + *v + " is outside " + std::to_string(min) +
                         ".." + std::to_string(max));
    return out;
}

} // namespace gridatlas::cli
