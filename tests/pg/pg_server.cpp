#include "pg/pg_server.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "storage/connection.h"

namespace gridatlas::testing {

namespace {
// Reads NAME=value lines written by pg_cluster.sh (values %q-quoted; ours need no unquoting
// except the reason, whose backslashes before spaces are dropped).
std::optional<std::string> stateValue(const std::string& file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + "=", 0) != 0) continue;
        std::string v = line.substr(key.size() + 1);
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] == '\\' && i + 1 < v.size()) ++i;
            else if (v[i] == '\'' || (v[i] == '$' && i + 1 < v.size() && v[i + 1] == '\'')) continue;
            out.push_back(v[i]);
        }
        return out;
    }
    return std::nullopt;
}
} // namespace

std::optional<std::string> pgServerUrl(std::string& whyNot) {
    if (const char* env = std::getenv("GRIDATLAS_PG_URL"); env && *env) return std::string(env);
    const std::string state = GRIDATLAS_PG_STATE;
    if (const auto missing = stateValue(state, "GRIDATLAS_PG_MISSING")) {
        whyNot = *missing;
        return std::nullopt;
    }
    if (auto url = stateValue(state, "GRIDATLAS_PG_URL")) return url;
    whyNot = "no test cluster running (" + state +
             " missing): run the tests through ctest, which starts scripts/pg_cluster.sh, or set GRIDATLAS_PG_URL";
    return std::nullopt;
}

PgDatabase::PgDatabase(const std::string& serverUrl) : m_server(serverUrl) {
    static std::atomic<int> counter{0};
    m_name = "ga_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    storage::Connection admin(m_server, storage::OpenMode::ReadWrite);
    admin.exec("DROP DATABASE IF EXISTS " + m_name);
    admin.exec("CREATE DATABASE " + m_name);
    const auto slash = m_server.rfind('/');
    m_url = m_server.substr(0, slash + 1) + m_name;
}

PgDatabase::~PgDatabase() {
    try {
        storage::Connection admin(m_server, storage::OpenMode::ReadWrite);
        admin.exec("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (...) {
        // The cluster is thrown away at the end anyway.
    }
}

} // namespace gridatlas::testing
