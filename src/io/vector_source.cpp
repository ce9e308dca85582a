#include "io/vector_source.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <iconv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>

#include "io/gdal_dataset.h"
#include "model/support/error.h"

namespace gridatlas::io {

namespace fs = std::filesystem;

namespace {

std::string lowerAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// OSM tags the import understands, unpacked from the driver's other_tags column when the
// default osmconf.ini does not give them a column of their own.
constexpr const char* kOsmTags[] = {
    "building",   "building:levels", "addr:housenumber", "addr:street",   "addr:city", "addr:full", "amenity",
    "healthcare", "social_facility", "highway",          "opening_hours", "width",     "name:zh",   "ref"};

/// Parses the OSM driver's HSTORE text: "key"=>"value","k2"=>"v2" (with \" and \\ escapes).
std::map<std::string, std::string> parseHstore(std::string_view s) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    const auto readQuoted = [&](std::string& into) -> bool {
        while (i < s.size() && s[i] != '"') ++i;
        if (i >= s.size()) return false;
        ++i;
        while (i < s.size() && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < s.size()) ++i;
            into += s[i++];
        }
        if (i >= s.size()) return false;
        ++i;
        return true;
    };
    while (i < s.size()) {
        std::string key, value;
        if (!readQuoted(key)) break;
        while (i < s.size() && s[i] != '"') ++i; // "=>"
        if (!readQuoted(value)) break;
        out[key] = value;
    }
    return out;
}

struct LayerColumns {
    std::vector<int> index; // per union field: the layer's field index, or -1
};

int findField(const std::vector<std::string>& fields, std::initializer_list<const char*> names) {
    for (const char* n : names)
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (lowerAscii(fields[i]) == n || fields[i] == n) return static_cast<int>(i);
    return -1;
}

} // namespace

bool isWellFormedUtf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int n = 0;
        if (c < 0x80)
            n = 0;
        else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
            n = 1;
        else if ((c & 0xF0) == 0xE0)
            n = 2;
        else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
            n = 3;
        else
            return false;
        if (n > 0 && i + static_cast<std::size_t>(n) >= s.size()) return false;
        for (int k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        if (n == 2) { // overlongs and surrogates
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return false;
        }
        if (n == 3) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return false;
        }
        i += static_cast<std::size_t>(n) + 1;
    }
    return true;
}

std::optional<std::string> decodeGb18030Strict(std::string_view bytes) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    std::string out(bytes.size() * 4 + 4, '\0');
    char* in = const_cast<char*>(bytes.data());
    std::size_t inLeft = bytes.size();
    char* o = out.data();
    std::size_t outLeft = out.size();
    const std::size_t rc = iconv(cd, &in, &inLeft, &o, &outLeft);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1) || inLeft != 0) return std::nullopt;
    out.resize(out.size() - outLeft);
    return out;
}

struct VectorSource::Options {
    std::vector<std::unique_ptr<CPLConfigOptionSetter>> setters;
    std::vector<LayerColumns> columns; // per layer in m_layers
};

VectorSource::VectorSource(const std::string& path, const std::string& layer, std::optional<ImportTarget> target)
    : m_path(path), m_options(std::make_unique<Options>()) {
    ensureGdalRegistered();
    const std::string ext = lowerAscii(fs::path(path).extension().string());
    std::vector<std::string> openOptions;
    if (ext == ".xlsx" || ext == ".xls" || ext == ".ods") {
        // GDAL 3.6 ignores -oo HEADERS for XLSX (PITFALLS.md): the config options do it. A GIS point
        // list has its header in the first row.
        m_options->setters.push_back(std::make_unique<CPLConfigOptionSetter>("OGR_XLSX_HEADERS", "FORCE", true));
        m_options->setters.push_back(std::make_unique<CPLConfigOptionSetter>("OGR_XLSX_FIELD_TYPES", "AUTO", true));
        m_options->setters.push_back(std::make_unique<CPLConfigOptionSetter>("OGR_ODS_HEADERS", "FORCE", true));
    }
    if (ext == ".shp" || ext == ".dbf") {
        // Without a .cpg and without a code page byte in the DBF header, GDAL would assume
        // ISO-8859-1 and mangle Chinese text: read the bytes raw and detect.
        const fs::path p(path);
        bool hasCpg = false;
        for (const char* e : {".cpg", ".CPG", ".Cpg"}) hasCpg = hasCpg || fs::exists(fs::path(p).replace_extension(e));
        unsigned char ldid = 0;
        for (const char* e : {".dbf", ".DBF"}) {
            std::ifstream dbf(fs::path(p).replace_extension(e), std::ios::binary);
            if (dbf) {
                dbf.seekg(29);
                ldid = static_cast<unsigned char>(dbf.get());
                break;
            }
        }
        if (!hasCpg && ldid == 0) {
            openOptions.emplace_back("ENCODING=");
            m_rawText = true;
        }
    }
    if (ext == ".csv" || ext == ".tsv" || ext == ".txt") {
        m_rawText = true; // CSV has no code page: Excel on Chinese Windows writes GBK
        openOptions.emplace_back("KEEP_GEOM_COLUMNS=NO");
    }
    m_ds = openVectorDataset(path, openOptions);
    m_osm = driverName() == "OSM";

    std::vector<std::string> wanted;
    if (!layer.empty()) {
        wanted.push_back(layer);
    } else if (m_osm) {
        if (target == ImportTarget::Streets)
            wanted = {"lines"};
        else if (target == ImportTarget::ServicePosts)
            wanted = {"points", "multipolygons"};
        else if (target == ImportTarget::Units || target == ImportTarget::Households)
            wanted = {"points"};
        else
            wanted = {"multipolygons"};
    } else {
        const int n = m_ds->GetLayerCount();
        if (n == 0) throw InputError("'" + path + "' holds no vector layer");
        if (n > 1) {
            // DXF and KML have one useful layer; otherwise the user must say which.
            std::string list;
            for (const auto& l : layerNames()) list += (list.empty() ? "" : ", ") + l;
            throw InputError("'" + path + "' has several layers (" + list + "): choose one with --layer");
        }
        wanted.push_back(m_ds->GetLayer(0)->GetName());
    }
    for (const auto& name : wanted) {
        OGRLayer* l = m_ds->GetLayerByName(name.c_str());
        if (!l) {
            std::string list;
            for (const auto& ln : layerNames()) list += (list.empty() ? "" : ", ") + ln;
            throw InputError("'" + path + "' has no layer '" + name + "' (layers: " + list + ")");
        }
        m_layers.push_back(l);
    }

    // The union of the layers' fields (OSM reads several), then the OSM tags.
    for (OGRLayer* l : m_layers) {
        OGRFeatureDefn* defn = l->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const std::string name = defn->GetFieldDefn(i)->GetNameRef();
            if (m_osm && name == "other_tags") continue;
            if (std::find(m_fields.begin(), m_fields.end(), name) == m_fields.end()) m_fields.push_back(name);
        }
    }
    if (m_osm) {
        for (const char* tag : kOsmTags)
            if (std::find(m_fields.begin(), m_fields.end(), tag) == m_fields.end()) {
                m_fields.emplace_back(tag);
                m_osmTags.emplace_back(tag);
            }
    }
    for (OGRLayer* l : m_layers) {
        LayerColumns cols;
        for (const auto& f : m_fields) cols.index.push_back(l->GetLayerDefn()->GetFieldIndex(f.c_str()));
        m_options->columns.push_back(std::move(cols));
    }
    m_crs = crsFromOgr(m_layers.front()->GetSpatialRef());
    if (m_osm && !m_crs.isKnown()) m_crs = CrsSpec::epsg(4326);
    setupGeometryColumns();
    if (m_rawText) detectEncoding();
}

VectorSource::~VectorSource() {
    m_ds.reset(); // before the config options go
}

std::string VectorSource::driverName() const {
    return m_ds->GetDriver() ? m_ds->GetDriver()->GetDescription() : "";
}

std::vector<std::string> VectorSource::layerNames() const {
    std::vector<std::string> out;
    for (int i = 0; i < m_ds->GetLayerCount(); ++i) out.emplace_back(m_ds->GetLayer(i)->GetName());
    return out;
}

std::string VectorSource::layerLabel() const {
    std::string s;
    for (OGRLayer* l : m_layers) s += (s.empty() ? "" : "+") + std::string(l->GetName());
    return s;
}

std::int64_t VectorSource::featureCount() const {
    if (m_osm) return -1;
    std::int64_t n = 0;
    for (OGRLayer* l : m_layers) {
        const GIntBig c = l->GetFeatureCount(FALSE);
        if (c < 0) return -1;
        n += c;
    }
    return n;
}

void VectorSource::setupGeometryColumns() {
    if (m_layers.size() != 1 || m_layers.front()->GetLayerDefn()->GetGeomFieldCount() > 0) return;
    m_wktField = findField(m_fields, {"wkt", "geometry", "geom", "the_geom", "shape", "几何", "坐标串"});
    if (m_wktField >= 0) {
        m_geometryOrigin = "WKT column '" + m_fields[static_cast<std::size_t>(m_wktField)] + "'";
        return;
    }
    m_lonField = findField(m_fields, {"lon", "lng", "long", "longitude", "x", "经度", "东经", "point_x"});
    m_latField = findField(m_fields, {"lat", "latitude", "y", "纬度", "北纬", "point_y"});
    if (m_lonField >= 0 && m_latField >= 0)
        m_geometryOrigin =
            "columns " + m_fields[static_cast<std::size_t>(m_lonField)] + "/" + m_fields[static_cast<std::size_t>(m_latField)];
    else
        m_lonField = m_latField = -1;
}

void VectorSource::detectEncoding() {
    // One decision per file: GBK byte pairs can happen to be valid UTF-8, so a file with any
    // invalid UTF-8 is GB18030 throughout. Looks at the first 5000 features.
    bool anyNonAscii = false;
    bool invalidUtf8 = false;
    int seen = 0;
    for (OGRLayer* l : m_layers) {
        l->ResetReading();
        OGRFeatureDefn* defn = l->GetLayerDefn();
        for (auto& f : *l) {
            for (int i = 0; i < defn->GetFieldCount(); ++i) {
                if (defn->GetFieldDefn(i)->GetType() != OFTString || !f->IsFieldSetAndNotNull(i)) continue;
                const std::string_view s = f->GetFieldAsString(i);
                if (std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
                    anyNonAscii = true;
                if (!isWellFormedUtf8(s)) invalidUtf8 = true;
            }
            if (++seen >= 5000 || invalidUtf8) break;
        }
        l->ResetReading();
    }
    const std::string why = driverName() == "CSV" ? "CSV has no code page" : "DBF without .cpg or code page";
    if (invalidUtf8) {
        m_gb18030 = true;
        m_encoding = "GB18030/GBK (detected: " + why + ")";
    } else {
        m_encoding = anyNonAscii ? "UTF-8 (detected: " + why + ")" : "ASCII";
    }
    // Field names can be Chinese too (a GBK DBF header).
    for (auto& f : m_fields) {
        if (isWellFormedUtf8(f) && !m_gb18030) continue;
        if (auto d = decodeGb18030Strict(f)) f = *d;
    }
}

std::string VectorSource::decode(const char* raw, bool* ok) const {
    *ok = true;
    const std::string_view s(raw);
    if (!m_rawText) return std::string(s);
    if (m_gb18030) {
        if (auto d = decodeGb18030Strict(s)) return *d;
        *ok = false;
        return {};
    }
    if (isWellFormedUtf8(s)) return std::string(s);
    if (auto d = decodeGb18030Strict(s)) return *d; // past the detection sample
    *ok = false;
    return {};
}

void VectorSource::rewind() {
    for (OGRLayer* l : m_layers) l->ResetReading();
    m_current = 0;
}

bool VectorSource::next(SourceRecord& out) {
    while (m_current < m_layers.size()) {
        OGRLayer* layer = m_layers[m_current];
        CPLErrorReset();
        OGRFeatureUniquePtr f(layer->GetNextFeature());
        if (!f) {
            // The end, or a broken file: a read error must not look like a shorter layer.
            if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
                throw InputError("'" + m_path + "', layer '" + layer->GetName() + "': reading stopped after feature " +
                                 (out.key.empty() ? std::string("(none)") : out.key) + ": " + CPLGetLastErrorMsg());
            ++m_current;
            continue;
        }
        const auto& cols = m_options->columns[m_current].index;
        out.layer = layer->GetName();
        out.problems.clear();
        out.values.assign(m_fields.size(), model::Value{});
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (std::size_t i = 0; i < m_fields.size(); ++i) {
            const int idx = cols[i];
            if (idx < 0 || !f->IsFieldSetAndNotNull(idx)) continue;
            switch (defn->GetFieldDefn(idx)->GetType()) {
            case OFTInteger:
            case OFTInteger64:
                out.values[i] = static_cast<std::int64_t>(f->GetFieldAsInteger64(idx));
                break;
            case OFTReal:
                out.values[i] = f->GetFieldAsDouble(idx);
                break;
            default: {
                bool ok = true;
                std::string text = decode(f->GetFieldAsString(idx), &ok);
                if (!ok)
                    out.problems.push_back("field " + m_fields[i] + ": bytes that are neither UTF-8 nor GB18030/GBK");
                else
                    out.values[i] = std::move(text);
            }
            }
        }
        if (m_osm) {
            const int tagsIdx = defn->GetFieldIndex("other_tags");
            if (tagsIdx >= 0 && f->IsFieldSetAndNotNull(tagsIdx)) {
                const auto tags = parseHstore(f->GetFieldAsString(tagsIdx));
                for (std::size_t i = 0; i < m_fields.size(); ++i) {
                    if (cols[i] >= 0) continue;
                    if (auto it = tags.find(m_fields[i]); it != tags.end()) out.values[i] = it->second;
                }
            }
            const int wayIdx = defn->GetFieldIndex("osm_way_id");
            const int idIdx = defn->GetFieldIndex("osm_id");
            const std::string layerName = layer->GetName();
            if (wayIdx >= 0 && f->IsFieldSetAndNotNull(wayIdx))
                out.key = std::string("w") + f->GetFieldAsString(wayIdx);
            else if (idIdx >= 0 && f->IsFieldSetAndNotNull(idIdx))
                out.key = (layerName == "points"          ? "n"
                           : layerName == "multipolygons" ? "r"
                                                          : "w") +
                          std::string(f->GetFieldAsString(idIdx));
            else
                out.key = std::to_string(f->GetFID());
        } else {
            const int handle = defn->GetFieldIndex("EntityHandle");
            if (driverName() == "DXF" && handle >= 0 && f->IsFieldSetAndNotNull(handle))
                out.key = f->GetFieldAsString(handle);
            else
                out.key = std::to_string(f->GetFID());
        }

        out.geometry.reset();
        if (const OGRGeometry* g = f->GetGeometryRef()) {
            out.geometry.reset(g->clone());
        } else if (m_wktField >= 0) {
            const auto& v = out.values[static_cast<std::size_t>(m_wktField)];
            if (std::holds_alternative<std::string>(v) && !std::get<std::string>(v).empty()) {
                OGRGeometry* parsed = nullptr;
                const std::string wkt = std::get<std::string>(v);
                if (OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &parsed) != OGRERR_NONE || !parsed)
                    out.problems.push_back("field " + m_fields[static_cast<std::size_t>(m_wktField)] + ": not WKT geometry");
                out.geometry.reset(parsed);
            }
        } else if (m_lonField >= 0) {
            const auto x = model::toNumber(out.values[static_cast<std::size_t>(m_lonField)]);
            const auto y = model::toNumber(out.values[static_cast<std::size_t>(m_latField)]);
            if (x && y)
                out.geometry = std::make_unique<OGRPoint>(*x, *y);
            else if (!model::isNull(out.values[static_cast<std::size_t>(m_lonField)]) ||
                     !model::isNull(out.values[static_cast<std::size_t>(m_latField)]))
                out.problems.push_back("fields " + m_fields[static_cast<std::size_t>(m_lonField)] + "/" +
                                       m_fields[static_cast<std::size_t>(m_latField)] + ": not numbers");
        }
        return true;
    }
    return false;
}

} // namespace gridatlas::io
