#pragma once
// The test cluster (scripts/pg_cluster.sh, started by ctest as the pg_cluster fixture) and one
// throw-away database per test.
#include <optional>
#include <string>

namespace gridatlas::testing {

/// The cluster's postgresql:// URL (of its `postgres` database), or nullopt with the reason in
/// `whyNot`: PostgreSQL/PostGIS not installed, or no cluster running. GRIDATLAS_PG_URL overrides.
std::optional<std::string> pgServerUrl(std::string& whyNot);

/// A new empty database (PostGIS installed) on the test cluster, dropped at destruction.
class PgDatabase {
public:
    explicit PgDatabase(const std::string& serverUrl);
    PgDatabase(const PgDatabase&) = delete;
    PgDatabase& operator=(const PgDatabase&) = delete;
    PgDatabase(PgDatabase&&) = delete;
    PgDatabase& operator=(PgDatabase&&) = delete;
    ~PgDatabase();
    /// postgresql://.../NAME
    [[nodiscard]] const std::string& url() const { return m_url; }

private:
    std::string m_server, m_name, m_url;
};

} // namespace gridatlas::testing

/// Skips the current test (with the reason) when no PostgreSQL test server is available.
#define GRIDATLAS_REQUIRE_PG(urlVar)                                                                  \
    std::string urlVar;                                                                              \
    {                                                                                                \
        std::string whyNot_;                                                                         \
        auto url_ = ::gridatlas::testing::pgServerUrl(whyNot_);                                      \
        if (!url_) GTEST_SKIP() << "PostGIS tests skipped: " << whyNot_;                             \
        urlVar = *url_;                                                                              \
    }
