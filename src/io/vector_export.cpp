#include "io/vector_export.h"

#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <sstream>

#include "io/gdal_dataset.h"
#include "model/domain.h"
#include "model/filter.h"
#include "model/masking.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/connection.h"

namespace gridatlas::io {

namespace fs = std::filesystem;

namespace {

std::string lowerAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Removes a temporary folder and everything in it unless released.
class TempFolder {
public:
    explicit TempFolder(fs::path p) : m_path(std::move(p)) {
        std::error_code ec;
        fs::remove_all(m_path, ec);
        fs::create_directories(m_path, ec);
        if (ec) throw InputError("cannot create a temporary folder '" + m_path.string() + "': " + ec.message());
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    TempFolder(TempFolder&&) = delete;
    TempFolder& operator=(TempFolder&&) = delete;
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    [[nodiscard]] const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

std::unique_ptr<OGRSpatialReference> srsFor(const CrsSpec& crs) {
    auto srs = std::make_unique<OGRSpatialReference>();
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (srs->SetFromUserInput(crs.definition.c_str()) != OGRERR_NONE)
        throw InputError("cannot describe the coordinate system " + crs.label + " for the output");
    return srs;
}

// Exports name the community, grid and building they belong to by code and number (not only by
// atlas id), so that a re-import into another atlas finds them again.
struct References {
    std::map<std::int64_t, std::string> communityCode;
    std::map<std::int64_t, std::string> gridCode;
    std::map<std::int64_t, std::pair<std::string, std::int64_t>> building; // id -> number, community
};

References loadReferences(storage::Atlas& atlas) {
    References r;
    auto& c = atlas.connection();
    {
        storage::Statement st(c, "SELECT id, code FROM communities");
        while (st.step()) r.communityCode[st.columnInt(0)] = st.columnText(1);
    }
    {
        storage::Statement st(c, "SELECT id, code FROM grids");
        while (st.step()) r.gridCode[st.columnInt(0)] = st.columnText(1);
    }
    {
        storage::Statement st(c, "SELECT id, number, community_id FROM buildings");
        while (st.step()) r.building[st.columnInt(0)] = {st.columnText(1), st.columnInt(2)};
    }
    return r;
}

struct LinkField {
    std::string name; ///< output field
    enum class Kind { CommunityOf, GridOf, BuildingNumberOf, BuildingCommunityOf } kind;
    std::size_t from; ///< index of the id field it reads
};

std::vector<LinkField> linkFieldsOf(const std::string& layer, const std::vector<model::Field>& fields) {
    const auto index = [&](const char* name) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (fields[i].name == name) return i;
        return std::nullopt;
    };
    std::vector<LinkField> out;
    using K = LinkField::Kind;
    if (layer == "buildings" || layer == "service_posts") {
        if (auto i = index("community_id")) out.push_back({"community", K::CommunityOf, *i});
    }
    if (layer == "buildings") {
        if (auto i = index("grid_id")) out.push_back({"grid", K::GridOf, *i});
    }
    if (layer == "units" || layer == "households") {
        if (auto i = index("building_id")) {
            out.push_back({"building", K::BuildingNumberOf, *i});
            out.push_back({"community", K::BuildingCommunityOf, *i});
        }
    }
    return out;
}

model::Value linkValue(const LinkField& l, const std::vector<model::Value>& values, const References& r) {
    const auto& v = values[l.from];
    if (!std::holds_alternative<std::int64_t>(v)) return {};
    const auto id = std::get<std::int64_t>(v);
    switch (l.kind) {
    case LinkField::Kind::CommunityOf:
        if (auto it = r.communityCode.find(id); it != r.communityCode.end()) return it->second;
        break;
    case LinkField::Kind::GridOf:
        if (auto it = r.gridCode.find(id); it != r.gridCode.end()) return it->second;
        break;
    case LinkField::Kind::BuildingNumberOf:
        if (auto it = r.building.find(id); it != r.building.end()) return it->second.first;
        break;
    case LinkField::Kind::BuildingCommunityOf:
        if (auto it = r.building.find(id); it != r.building.end())
            if (auto c = r.communityCode.find(it->second.second); c != r.communityCode.end()) return c->second;
        break;
    }
    return {};
}

} // namespace

bool isPersonalField(const std::string& layer, const std::string& field) {
    if (field == "manager" || field == "supervisor" || field == "assistant") return true;
    if (model::sensitivityOfField(field) != model::Sensitivity::None && field != "name") return true;
    if (layer == "households") {
        for (const auto& f : model::kHouseholdFlags)
            if (field == f.code) return true;
        if (field == "has_disability" || field == "vulnerable") return true;
    }
    return false;
}

std::string exportDriverFor(const std::string& path) {
    const std::string ext = lowerAscii(fs::path(path).extension().string());
    if (ext == ".gpkg") return "GPKG";
    if (ext == ".shp") return "ESRI Shapefile";
    if (ext == ".geojson" || ext == ".json") return "GeoJSON";
    if (ext == ".kml") return "LIBKML";
    if (ext == ".csv") return "CSV";
    if (ext == ".xlsx") return "XLSX";
    if (ext == ".fgb") return "FlatGeobuf";
    throw InputError("--out '" + path + "': unknown format '" + ext + "' (use .gpkg, .shp, .geojson, .kml, .csv, .xlsx or .fgb)");
}

std::string ExportSummary::report() const {
    std::ostringstream o;
    o << "wrote " << driver << " in " << crs << "\n";
    for (const auto& [layer, n] : layers) o << "  " << layer << ": " << n << " features\n";
    for (const auto& n : notes) o << "  note: " << n << "\n";
    return o.str();
}

ExportSummary exportAtlas(storage::Atlas& atlas, const ExportOptions& opt, Feedback* feedback) {
    ensureGdalRegistered();
    ExportSummary sum;
    std::string driverName = exportDriverFor(opt.out);
    std::vector<std::string> layers;
    if (opt.layer.empty() || opt.layer == "all") {
        if (driverName != "GPKG")
            throw InputError("--layer: only a GeoPackage (.gpkg) holds every layer; name one layer for '" + opt.out + "'");
        layers = storage::Atlas::layerNames();
    } else {
        (void)storage::Atlas::layerGeometryType(opt.layer); // unknown layer -> InputError listing the layers
        layers.push_back(opt.layer);
    }
    if (!opt.where.empty() && layers.size() > 1) throw InputError("--where needs one --layer (fields differ between layers)");

    const fs::path out(opt.out);
    const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw InputError("cannot write '" + opt.out + "': folder '" + folder.string() + "' does not exist");
    if (fs::exists(out, ec) && !opt.overwrite) throw InputError("'" + opt.out + "' already exists (use --force to replace it)");

    // Output CRS. KML is WGS84 by definition; GCJ-02 output is labelled WGS84 (it has no EPSG
    // code and the web maps that want it read it as plain longitude/latitude).
    CrsSpec target = opt.srs ? *opt.srs : CrsSpec::epsg(atlas.srid());
    if (driverName == "LIBKML") {
        if (opt.srs && opt.srs->offset == OffsetSystem::None && opt.srs->definition != "EPSG:4326")
            throw InputError("KML is always WGS84 longitude/latitude: leave out --srs or use EPSG:4326 or gcj02");
        if (!opt.srs) target = CrsSpec::epsg(4326);
    }
    if (target.offset != OffsetSystem::None)
        sum.notes.push_back(std::string("coordinates are ") + offsetSystemName(target.offset) +
                            " (labelled WGS84/EPSG:4326 in the file, as the web maps that use them expect)");
    const CoordinatePipeline pipeline(CrsSpec::epsg(atlas.srid()), target);
    sum.crs = target.label;

    // The folder name must not end in the output's extension: GDAL writes XLSX through /vsizip/,
    // which would take a folder called "x.xlsx" for the archive.
    const References refs = loadReferences(atlas);
    TempFolder temp(folder / (".gridatlas-export-" + std::to_string(getpid()) + "-" + out.stem().string() + ".tmp"));
    const fs::path tempOut = temp.path() / out.filename();

    GdalMessages messages;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driverName.c_str());
    if (!driver && driverName == "LIBKML") {
        driverName = "KML";
        driver = GetGDALDriverManager()->GetDriverByName(driverName.c_str());
    }
    if (!driver) throw InputError("this GDAL has no " + driverName + " driver");
    sum.driver = driverName;
    {
        GDALDatasetUniquePtr ds(driver->Create(tempOut.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw InputError("cannot create '" + opt.out + "': " + messages.lastError());
        const auto srs = srsFor(target.offset != OffsetSystem::None ? CrsSpec::epsg(4326) : target);
        std::size_t layerNo = 0;
        for (const auto& layerName : layers) {
            auto source = atlas.openLayer(layerName);
            auto fields = source->fields();
            const std::size_t ownFields = fields.size();
            const auto links = linkFieldsOf(layerName, fields);
            for (const auto& l : links) fields.push_back(model::Field{l.name, model::FieldType::Text, false});
            const bool wktColumn = driverName == "XLSX";
            OptionList lco;
            if (driverName == "ESRI Shapefile") lco.add("ENCODING=UTF-8");
            if (driverName == "CSV") {
                lco.add("GEOMETRY=AS_WKT");
                lco.add("CREATE_CSVT=YES");
            }
            if (driverName == "GPKG") lco.add("FID=fid");
            if (driverName == "GeoJSON") lco.add("WRITE_NAME=NO");
            const OGRwkbGeometryType gtype = wktColumn ? wkbNone : toOgrType(source->geometryType());
            OGRLayer* layer = ds->CreateLayer(layerName.c_str(), wktColumn ? nullptr : srs.get(), gtype, lco.get());
            if (!layer) throw InputError("cannot create layer '" + layerName + "' in '" + opt.out + "': " + messages.lastError());
            std::vector<std::string> names;
            for (const auto& f : fields) {
                if (names.size() < ownFields) names.push_back(f.name);
                OGRFieldType t = f.type == model::FieldType::Integer ? OFTInteger64
                                 : f.type == model::FieldType::Real  ? OFTReal
                                                                     : OFTString;
                if (isPersonalField(layerName, f.name) && f.type != model::FieldType::Text && !opt.reveal) t = OFTString;
                OGRFieldDefn def(f.name.c_str(), t);
                if (layer->CreateField(&def) != OGRERR_NONE)
                    throw InputError("cannot create field '" + f.name + "' in '" + opt.out + "': " + messages.lastError());
            }
            if (wktColumn) {
                OGRFieldDefn def("WKT", OFTString);
                layer->CreateField(&def);
            }
            std::optional<model::Filter> filter;
            if (!opt.where.empty()) filter = model::Filter::parse(opt.where, fields);

            model::FeatureRequest req;
            req.fields = names;
            auto cursor = source->features(req);
            model::Feature f;
            std::int64_t written = 0;
            std::int64_t masked = 0;
            const bool inTransaction = ds->TestCapability(ODsCTransactions) && ds->StartTransaction() == OGRERR_NONE;
            std::int64_t seen = 0;
            while (cursor->next(f)) {
                for (const auto& l : links) f.values.push_back(linkValue(l, f.values, refs));
                if (feedback && ++seen % 500 == 0) {
                    feedback->throwIfCancelled();
                    feedback->setProgress(100.0 * static_cast<double>(layerNo) / static_cast<double>(layers.size()),
                                          "exporting " + layerName);
                }
                // Mask first, then filter: the filter sees what the reader of the file would see.
                if (!opt.reveal) {
                    for (std::size_t i = 0; i < fields.size(); ++i) {
                        if (!isPersonalField(layerName, fields[i].name) || model::isNull(f.values[i])) continue;
                        const auto kind = model::sensitivityOfField(fields[i].name);
                        // A flag or figure (has_disability, vulnerable...) shows nothing of itself, whatever
                        // type the engine gives the column: SQLite's views type computed columns as text,
                        // and masking "1" like a name wrote "1*", the flag itself.
                        if (fields[i].type == model::FieldType::Text && kind != model::Sensitivity::None) {
                            f.values[i] = model::mask(model::toText(f.values[i]), kind);
                        } else {
                            f.values[i] = std::string("*");
                        }
                        ++masked;
                    }
                }
                if (filter && !filter->matches(f.values)) continue;
                OGRFeature feature(layer->GetLayerDefn());
                if (driverName == "GPKG") feature.SetFID(f.id);
                for (std::size_t i = 0; i < fields.size(); ++i) {
                    const auto& v = f.values[i];
                    const int idx = static_cast<int>(i);
                    if (model::isNull(v))
                        feature.SetFieldNull(idx);
                    else if (std::holds_alternative<std::int64_t>(v))
                        feature.SetField(idx, static_cast<GIntBig>(std::get<std::int64_t>(v)));
                    else if (std::holds_alternative<double>(v))
                        feature.SetField(idx, std::get<double>(v));
                    else
                        feature.SetField(idx, std::get<std::string>(v).c_str());
                }
                if (!f.geometry.isEmpty()) {
                    model::Geometry g = f.geometry;
                    pipeline.apply(g);
                    auto og = toOgr(g);
                    if (wktColumn) {
                        char* wkt = nullptr;
                        og->exportToWkt(&wkt);
                        feature.SetField(static_cast<int>(fields.size()), wkt);
                        CPLFree(wkt);
                    } else {
                        feature.SetGeometryDirectly(og.release());
                    }
                }
                if (layer->CreateFeature(&feature) != OGRERR_NONE)
                    throw InputError("cannot write feature " + std::to_string(f.id) + " of '" + layerName + "' to '" + opt.out +
                                     "': " + messages.lastError());
                ++written;
            }
            if (inTransaction && ds->CommitTransaction() != OGRERR_NONE)
                throw InputError("cannot write layer '" + layerName + "' to '" + opt.out + "': " + messages.lastError());
            sum.layers.emplace_back(layerName, written);
            if (masked > 0)
                sum.notes.push_back(layerName + ": " + std::to_string(masked) +
                                    " personal value(s) masked (use --reveal to write them)");
            ++layerNo;
        }
        messages.clear();
        ds.reset(); // GDAL 3.6 closes without a status: errors while flushing arrive as messages
        if (!messages.lastError().empty()) throw InputError("cannot write '" + opt.out + "': " + messages.lastError());
    } // closes the dataset: everything is on disk now
    if (feedback) feedback->throwIfCancelled();

    // Move every file the driver wrote (a Shapefile is several) next to the target.
    for (const auto& entry : fs::directory_iterator(temp.path())) {
        const fs::path dest = folder / entry.path().filename();
        fs::rename(entry.path(), dest, ec);
        if (ec) throw InputError("cannot move the export to '" + dest.string() + "': " + ec.message());
    }
    if (feedback) feedback->setProgress(100.0, "done");
    return sum;
}

} // namespace gridatlas::io
