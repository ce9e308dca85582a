#pragma once
// Test fixtures built by code: temporary atlases with exactly the rows a test describes.
// Set GRIDATLAS_KEEP_TEMP=1 to keep the files for debugging.
#include <filesystem>
#include <memory>
#include <string>

#include "storage/atlas.h"
#include "storage/demo_generator.h"

namespace gridatlas::testing {

/// A temporary folder removed at destruction (unless GRIDATLAS_KEEP_TEMP is set).
class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;
    ~TempDir();
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

/// Whether this run puts the fixtures on PostGIS: the test executables built with BOTH_ENGINES
/// (tests/CMakeLists.txt) run a second time with GRIDATLAS_TEST_ENGINE=postgis, as ctest tests
/// named PostGIS/<suite>.<test> (label pg). Their FixtureAtlas is then a throw-away PostGIS
/// database, `path` its URL, and the same test asserts the same things on the other engine. A test
/// that made no fixture there is reported skipped (it ran on SpatiaLite only).
[[nodiscard]] bool fixturesOnPostgis();

/// An empty atlas in EPSG:4548 in a temp folder (or a PostGIS database, fixturesOnPostgis()).
struct FixtureAtlas {
    explicit FixtureAtlas(int srid = 4548);
    TempDir dir;
    std::shared_ptr<void> database; ///< the PostGIS database, dropped after the atlas closes
    std::string path;               ///< the file, or the database's URL
    std::unique_ptr<storage::Atlas> atlas;
};

/// The demo district (storage::generateDemo) at `path`, generated once per process; in the
/// PostGIS run a throw-away PostGIS database holding the same rows (generateDemoOnServer), made
/// once too. Returns its location; call it in every test that uses it (it notes the engine).
const std::string& demoAtlas(const std::string& path, const storage::DemoOptions& options);

/// A demo district of the test's own (to write to): a copy of `demoFile` (generated with
/// `options`) at `dir`/`name`, or in the PostGIS run a new PostGIS database with the same rows.
std::string demoCopyLocation(const TempDir& dir, const std::string& name, const std::string& demoFile,
                             const storage::DemoOptions& options);

/// Skips a test in the PostGIS run when what it checks is SpatiaLite's own (file, pragma, blob).
#define GRIDATLAS_SPATIALITE_ONLY(why)                                                                \
    do {                                                                                             \
        if (::gridatlas::testing::fixturesOnPostgis()) GTEST_SKIP() << "SpatiaLite only: " << (why); \
    } while (false)

/// The small world most tests want: one community, one grid with three staff, two buildings
/// (a 6-floor walk-up with 2 units x 2 flats, and an 18-floor tower with 1 unit x 2 flats),
/// households on every floor, one member household, one health station, one street.
/// Ids: community 1, grid 1, buildings 1 ("1栋") and 2 ("2栋"), units 1-2 (building 1), 3 (building 2).
struct SmallWorld : FixtureAtlas {
    SmallWorld();
    static constexpr double kX0 = 560000.0; ///< south-west corner of the community
    static constexpr double kY0 = 5495000.0;
};

/// Path of a file in the source tree (GRIDATLAS_SOURCE_DIR), e.g. "maps/demo.json".
std::string sourcePath(const std::string& relative);

/// Undoes migration step `version` (schema.cpp's migrationSql) on a SpatiaLite atlas: drops the
/// tables, indexes and triggers it creates and the columns it adds (tests fake older atlases).
void undoMigrationStep(storage::Connection& c, int version);
/// Path of gridatlas-cli (GRIDATLAS_CLI).
std::string cliPath();

/// Runs a command through /bin/sh; returns the exit code and fills stdout+stderr.
int runCommand(const std::string& command, std::string* output = nullptr);

} // namespace gridatlas::testing
