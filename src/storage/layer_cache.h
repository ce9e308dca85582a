#pragma once
// In-memory layers for the viewer: each layer of an atlas read once, in bulk, into an immutable
// snapshot with a grid index, then shared by every render worker. A frame then costs no SQL, and
// the summary layers (households, buildings, grids) are computed with a few table scans instead
// of the views' per-row subqueries. Values equal the views' (tests compare them row by row).
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/feature.h"

namespace gridatlas::storage {

class Atlas;
struct LayerCensus;

/// One layer in memory. Immutable after construction; safe to read from many threads.
class LayerSnapshot {
public:
    struct Column {
        model::Field field;
        std::vector<std::int64_t> ints;    ///< FieldType::Integer (unless narrow)
        std::vector<double> reals;         ///< FieldType::Real
        std::vector<std::string> texts;    ///< FieldType::Text
        /// One per feature, or empty: the column has no nulls (the households layer's columns
        /// are NOT NULL; a million bytes less each).
        std::vector<std::uint8_t> isNull;
        /// FieldType::Integer values 0..255 (flags) kept in `bytes` instead of `ints`: an eighth
        /// of the memory for the households layer's flag columns.
        bool narrow = false;
        std::vector<std::uint8_t> bytes;
    };

    /// Point layers pass `points` and no geometries; other layers the reverse.
    LayerSnapshot(std::string name, model::GeomType type, std::vector<Column> columns, std::vector<std::int64_t> ids,
                  std::vector<model::Vec2> points, std::vector<model::Geometry> geometries);

    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] model::GeomType geometryType() const { return m_type; }
    [[nodiscard]] std::size_t size() const { return m_ids.size(); }
    [[nodiscard]] const model::Rect& extent() const { return m_extent; }
    [[nodiscard]] std::vector<model::Field> fields() const;
    /// The column index that stands for the feature id.
    static constexpr int kIdColumn = -2;
    /// Column index of a field (kIdColumn for "id"), or -1.
    [[nodiscard]] int columnIndex(const std::string& name) const;
    [[nodiscard]] model::Value value(std::size_t feature, int column) const;
    [[nodiscard]] std::int64_t id(std::size_t feature) const { return m_ids[feature]; }
    /// Writes feature `i`'s geometry into `out`, reusing its buffers.
    void geometry(std::size_t feature, model::Geometry& out) const;
    [[nodiscard]] model::Rect bounds(std::size_t feature) const;
    /// Indices of features whose bounds intersect `r`, in storage order (grid-cell order).
    void query(const model::Rect& r, std::vector<std::uint32_t>& out) const;
    [[nodiscard]] std::size_t memoryBytes() const;

private:
    void buildIndex();
    std::string m_name;
    model::GeomType m_type;
    std::vector<Column> m_columns;
    std::vector<std::int64_t> m_ids;
    std::vector<model::Vec2> m_points;
    std::vector<model::Geometry> m_geometries;
    std::vector<model::Rect> m_bounds; ///< empty for point layers (a point is its own box)
    model::Rect m_extent;
    // Uniform grid: features sorted by the cell of their bounds' centre; cellStart[c]..[c+1].
    int m_nx = 1, m_ny = 1;
    double m_cellW = 1, m_cellH = 1;
    double m_maxHalfW = 0, m_maxHalfH = 0; ///< how far a feature reaches beyond its cell
    std::vector<std::uint32_t> m_order;
    std::vector<std::uint32_t> m_cellStart;
};

/// A FeatureSource over a snapshot.
std::unique_ptr<model::FeatureSource> makeSnapshotSource(std::shared_ptr<const LayerSnapshot> snapshot);

/// Loads layers on first use and keeps them. Thread-safe: workers share one cache.
class LayerCache {
public:
    explicit LayerCache(std::string atlasPath);
    LayerCache(const LayerCache&) = delete;
    LayerCache& operator=(const LayerCache&) = delete;
    LayerCache(LayerCache&&) = delete;
    LayerCache& operator=(LayerCache&&) = delete;
    ~LayerCache();

    /// The snapshot of `layer`, loading it (with its own read-only connection) when needed.
    /// Different layers load concurrently; callers asking for one being loaded wait for it.
    /// A failed load is not kept: the next request tries again.
    std::shared_ptr<const LayerSnapshot> layer(const std::string& layer);
    /// Starts loading `layers` on background threads, all at once, and returns at once: the
    /// layers' own tables are read while the census (the households scan the summary layers
    /// share) runs. Errors surface when the layer is asked for.
    void prefetch(const std::vector<std::string>& layers);
    /// Drops everything (after an edit); the next request reloads. Loads in flight finish on
    /// their own and are not kept.
    void clear();
    [[nodiscard]] const std::string& atlasPath() const { return m_path; }
    /// A layer computed by an analysis (coverage gaps, service areas...), served under its name
    /// like the atlas's own and kept across clear(); null removes it.
    void setExtraLayer(const std::string& name, std::shared_ptr<const LayerSnapshot> snapshot);
    [[nodiscard]] std::shared_ptr<const LayerSnapshot> extraLayer(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> extraLayerNames() const;
    /// Bytes held by the layers loaded so far (loads in flight are not counted).
    [[nodiscard]] std::size_t memoryBytes() const;

private:
    using SnapshotFuture = std::shared_future<std::shared_ptr<const LayerSnapshot>>;
    std::shared_ptr<const LayerCensus> census(std::uint64_t forGeneration);
    /// layer(), or nothing when `onlyInGeneration` is given and clear() came since.
    std::shared_ptr<const LayerSnapshot> load(const std::string& name, std::optional<std::uint64_t> onlyInGeneration);

    std::string m_path;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, SnapshotFuture> m_layers;
    std::shared_future<std::shared_ptr<const LayerCensus>> m_census;
    std::vector<std::future<void>> m_prefetches; ///< joined by the destructor
    std::uint64_t m_generation = 0;              ///< bumped by clear(): failed old loads leave no trace
    std::unordered_map<std::string, std::shared_ptr<const LayerSnapshot>> m_extra;
};

/// Per-household and per-building totals (residents, members, vulnerable) the summary layers share.
struct LayerCensus;
std::shared_ptr<const LayerCensus> computeLayerCensus(Atlas& atlas);

/// Loads one layer directly (the cache's loader; exposed for tests and benchmarks). The census
/// is computed when needed and not given.
std::shared_ptr<const LayerSnapshot> loadLayerSnapshot(Atlas& atlas, const std::string& layer,
                                                       std::shared_ptr<const LayerCensus> census = nullptr);
/// The same, asking for the census only once the layer's own table has been read (so that a
/// cache can compute the census on another thread meanwhile).
std::shared_ptr<const LayerSnapshot> loadLayerSnapshot(Atlas& atlas, const std::string& layer,
                                                       const std::function<std::shared_ptr<const LayerCensus>()>& census);

/// The features of `layer` whose boxes meet `view`, with every field, read from the database
/// through its spatial index (the summary views compute their counts for those rows only): what
/// an attribute table lists for a city atlas read by view (storage::readByView), where the whole
/// layer is not held.
std::shared_ptr<const LayerSnapshot> loadLayerSnapshotInView(Atlas& atlas, const std::string& layer, const model::Rect& view);

/// A SourceProvider whose sources come from a shared LayerCache.
class CachedAtlasProvider : public model::SourceProvider {
public:
    CachedAtlasProvider(std::shared_ptr<LayerCache> cache, std::string datasetName, int srid);
    [[nodiscard]] std::vector<std::string> layerNames() const override;
    [[nodiscard]] std::unique_ptr<model::FeatureSource> open(const std::string& layer) override;
    [[nodiscard]] std::string datasetName() const override { return m_name; }
    [[nodiscard]] int srid() const override { return m_srid; }

private:
    std::shared_ptr<LayerCache> m_cache;
    std::string m_name;
    int m_srid;
};

} // namespace gridatlas::storage
