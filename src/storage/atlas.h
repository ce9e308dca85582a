#pragma once
// The atlas: one SpatiaLite file holding a street office's communities, grids, buildings,
// households, residents, posts and streets in one projected metric CRS.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/entities.h"
#include "model/feature.h"
#include "storage/connection.h"

namespace gridatlas::storage {

struct AtlasInfo {
    std::string name;
    int srid = 0;
    int schemaVersion = 0;
};

class Atlas {
public:
    /// Creates a new atlas at `path` (which must not exist) in EPSG:`srid`.
    static std::unique_ptr<Atlas> create(const std::string& path, int srid, const std::string& name);
    /// Opens an existing atlas. Refuses, with a message that says what the file is, anything that
    /// is not an atlas (missing, not SQLite, a GeoPackage, a plain SpatiaLite database) or is newer.
    static std::unique_ptr<Atlas> open(const std::string& path, OpenMode mode = OpenMode::ReadWrite);

    Atlas(const Atlas&) = delete;
    Atlas& operator=(const Atlas&) = delete;
    Atlas(Atlas&&) = delete;
    Atlas& operator=(Atlas&&) = delete;
    ~Atlas();

    [[nodiscard]] Connection& connection() { return *m_conn; }
    [[nodiscard]] const AtlasInfo& info() const { return m_info; }
    [[nodiscard]] int srid() const { return m_info.srid; }
    [[nodiscard]] const std::string& path() const { return m_conn->path(); }

    /// Layer names the renderer may ask for (communities, grids, buildings, ...).
    [[nodiscard]] static std::vector<std::string> layerNames();
    /// The geometry type of a layer, known without reading it; throws InputError for an unknown layer.
    [[nodiscard]] static model::GeomType layerGeometryType(const std::string& layer);
    /// Opens a layer as a feature source on this atlas's connection.
    [[nodiscard]] std::unique_ptr<model::FeatureSource> openLayer(const std::string& layer);

    /// Refreshes layer statistics (extents, row counts) that QGIS and ogrinfo read.
    void updateStatistics();

private:
    explicit Atlas(std::unique_ptr<Connection> conn);
    std::unique_ptr<Connection> m_conn;
    AtlasInfo m_info;
};

/// Brings an atlas written by an older GridAtlas to the current schema (a backup of it first goes
/// into F.backups/) and returns the version it had; nullopt when it is current, newer or not an
/// atlas (Atlas::open then says what it is). Throws StorageError when it cannot be written.
std::optional<int> migrateIfOlder(const std::string& path);

/// Inserts domain records; each failure names the table, the record and the broken rule.
/// The caller holds the transaction.
class AtlasWriter {
public:
    explicit AtlasWriter(Atlas& atlas);
    AtlasWriter(const AtlasWriter&) = delete;
    AtlasWriter& operator=(const AtlasWriter&) = delete;
    AtlasWriter(AtlasWriter&&) = delete;
    AtlasWriter& operator=(AtlasWriter&&) = delete;
    ~AtlasWriter();

    std::int64_t add(const model::Community& c);
    std::int64_t add(const model::Grid& g);
    std::int64_t add(const model::GridStaff& s);
    std::int64_t add(const model::Building& b);
    std::int64_t add(const model::Unit& u);
    std::int64_t add(const model::Household& h);
    std::int64_t add(const model::Resident& r);
    std::int64_t add(const model::ServicePost& p);
    std::int64_t add(const model::Street& s);
    std::int64_t add(const model::Assignment& a);
    void setMeta(const std::string& key, const std::string& value);

private:
    struct Statements;
    Atlas& m_atlas;
    std::unique_ptr<Statements> m_st;
};

/// A SourceProvider over an atlas file; each instance owns its own read-only connection, so
/// render workers each make their own.
class AtlasProvider : public model::SourceProvider {
public:
    explicit AtlasProvider(const std::string& path);
    ~AtlasProvider() override;
    /// Within one frame several layers read the same source in the same box (households, the
    /// vulnerable and the member households are three layers over household_summary): with the
    /// memo on, the first such read fetches every field once and the others are served from it.
    /// beginFrame() forgets what the last frame read (the data may have changed since).
    void setViewMemo(bool on);
    void beginFrame();
    [[nodiscard]] std::vector<std::string> layerNames() const override;
    [[nodiscard]] std::unique_ptr<model::FeatureSource> open(const std::string& layer) override;
    [[nodiscard]] std::string datasetName() const override;
    [[nodiscard]] int srid() const override;
    [[nodiscard]] Atlas& atlas() { return *m_atlas; }

private:
    std::unique_ptr<Atlas> m_atlas;
    struct ViewMemo;
    std::unique_ptr<ViewMemo> m_memo;
};

/// A factory for render workers: opens an AtlasProvider on `location` (an atlas path).
std::unique_ptr<model::SourceProvider> makeAtlasProvider(const std::string& location);

/// Households beyond which the viewer reads an atlas view by view (kReadByViewHouseholds).
inline constexpr std::int64_t kReadByViewHouseholds = 2'000'000;
/// Whether a viewer should read `location` by view (each frame asks the database for what lies in
/// it, through the spatial indexes) instead of holding its layers in memory: a PostGIS atlas of
/// a whole city (more than kReadByViewHouseholds households, by the server's statistics). A
/// SpatiaLite file is always held: it is local and a district fits in memory.
bool readByView(Atlas& atlas, std::int64_t threshold = kReadByViewHouseholds);

/// Open AtlasProviders kept for reuse by render workers: a frame takes one (opening a new one
/// when all are busy) and gives it back, so connections and their prepared statements outlive
/// frames. Thread-safe.
class ProviderPool {
public:
    explicit ProviderPool(std::string location);
    ProviderPool(const ProviderPool&) = delete;
    ProviderPool& operator=(const ProviderPool&) = delete;
    ~ProviderPool();
    std::unique_ptr<AtlasProvider> acquire();
    /// Returns a provider; one whose last use failed should be dropped instead (its connection
    /// may be broken).
    void release(std::unique_ptr<AtlasProvider> provider);

private:
    std::string m_location;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<AtlasProvider>> m_idle;
};

} // namespace gridatlas::storage
