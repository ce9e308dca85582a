#pragma once
// Reading one layer of any vector format GDAL knows, the way the import needs it: text decoded
// to UTF-8 (a DBF or CSV without a code page is detected as UTF-8 or GB18030/GBK), OSM tags
// unpacked into fields, geometry taken from WKT or longitude/latitude columns when the format
// has none (CSV, XLSX), and a stable key per feature for idempotent re-imports.
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/coordinates.h"
#include "io/field_mapping.h"
#include "model/feature.h"

namespace gridatlas::io {

struct SourceRecord {
    std::string key;                       ///< stable id: OSM "w123", a DXF handle, else the FID
    std::string layer;                     ///< the layer it came from (OSM reads several)
    std::unique_ptr<OGRGeometry> geometry; ///< null when the feature has none
    std::vector<model::Value> values;      ///< aligned with VectorSource::fields()
    std::vector<std::string> problems;     ///< per-field reading problems ("field X: undecodable bytes ...")
};

class VectorSource {
public:
    /// Opens `path`; `layer` empty picks the only layer, or for OpenStreetMap the layer(s) that
    /// suit `target` (multipolygons for buildings, lines for streets, points and multipolygons for
    /// posts). Throws InputError naming the file and the layers it has.
    VectorSource(const std::string& path, const std::string& layer, std::optional<ImportTarget> target = std::nullopt);
    VectorSource(const VectorSource&) = delete;
    VectorSource& operator=(const VectorSource&) = delete;
    VectorSource(VectorSource&&) = delete;
    VectorSource& operator=(VectorSource&&) = delete;
    ~VectorSource();

    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] std::string driverName() const;
    [[nodiscard]] bool isOsm() const { return m_osm; }
    /// Every layer of the dataset.
    [[nodiscard]] std::vector<std::string> layerNames() const;
    /// The layer(s) read, joined with "+".
    [[nodiscard]] std::string layerLabel() const;
    [[nodiscard]] const std::vector<std::string>& fields() const { return m_fields; }
    /// The CRS stated by the file (unknown when it states none).
    [[nodiscard]] const CrsSpec& crs() const { return m_crs; }
    /// How text was decoded, for the report ("UTF-8", "GB18030 (detected: DBF without .cpg)").
    [[nodiscard]] const std::string& encoding() const { return m_encoding; }
    /// Where the geometry comes from when not from the format ("WKT column 'wkt'", "columns lon/lat").
    [[nodiscard]] const std::string& geometryOrigin() const { return m_geometryOrigin; }
    /// Features in the layer(s), or -1 when the driver cannot tell cheaply.
    [[nodiscard]] std::int64_t featureCount() const;

    /// Reads the next feature; false at the end.
    bool next(SourceRecord& out);
    void rewind();

private:
    void detectEncoding();
    void setupGeometryColumns();
    std::string decode(const char* raw, bool* ok) const;

    std::string m_path;
    struct Options;
    std::unique_ptr<Options> m_options; // config options live as long as the dataset
    GDALDatasetUniquePtr m_ds;
    std::vector<OGRLayer*> m_layers;
    std::size_t m_current = 0;
    bool m_osm = false;
    bool m_rawText = false; // strings arrive undecoded (DBF without code page, CSV)
    bool m_gb18030 = false; // decode raw text as GB18030 (else UTF-8, checked)
    std::vector<std::string> m_fields;
    std::vector<std::string> m_osmTags; // fields taken from other_tags
    CrsSpec m_crs;
    std::string m_encoding = "UTF-8";
    std::string m_geometryOrigin;
    int m_wktField = -1;
    int m_lonField = -1;
    int m_latField = -1;
};

/// True when `s` is well-formed UTF-8.
bool isWellFormedUtf8(std::string_view s);
/// Decodes GB18030 (a superset of GBK and GB2312) strictly; nullopt on bytes that are not GB18030.
std::optional<std::string> decodeGb18030Strict(std::string_view bytes);

} // namespace gridatlas::io
