// The atlas and its GeoPackage export open in ogrinfo with every layer, geometry type, CRS and
// count right (QGIS: bench/interop_qgis.py when python3-qgis is installed).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "io/io_test_util.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::testing;

namespace {

struct LayerInfo {
    std::string geometry;
    std::int64_t count = -1;
    std::string crs;
};

/// Parses `ogrinfo -ro -so -al FILE` into layer -> info.
std::map<std::string, LayerInfo> ogrinfo(const std::string& path) {
    std::string out;
    EXPECT_EQ(runCommand("ogrinfo -ro -so -al " + q(path), &out), 0) << out;
    std::map<std::string, LayerInfo> layers;
    std::istringstream in(out);
    std::string line, current;
    const std::regex id(R"re(^\s*ID\["EPSG",(\d+)\]\]$)re");
    while (std::getline(in, line)) {
        if (line.rfind("Layer name: ", 0) == 0)
            current = line.substr(12);
        else if (line.rfind("Geometry: ", 0) == 0)
            layers[current].geometry = line.substr(10);
        else if (line.rfind("Feature Count: ", 0) == 0)
            layers[current].count = std::stoll(line.substr(15));
        std::smatch m;
        if (!current.empty() && std::regex_match(line, m, id)) layers[current].crs = "EPSG:" + m[1].str();
    }
    return layers;
}

const std::map<std::string, std::pair<std::string, std::int64_t>> kExpected{
    {"communities", {"Multi Polygon", 1}}, {"grids", {"Polygon", 1}},
    {"buildings", {"Polygon", 2}},         {"units", {"Point", 3}},
    {"households", {"Point", 60}},         {"service_posts", {"Point", 1}},
    {"streets", {"Line String", 1}},
};

bool hasOgrinfo() {
    return runCommand("command -v ogrinfo") == 0;
}

} // namespace

TEST(Interop, AtlasOpensInOgrinfoWithEveryLayer) {
    if (!hasOgrinfo()) GTEST_SKIP() << "ogrinfo (gdal-bin) is not installed";
    SmallWorld w;
    w.atlas->updateStatistics();
    w.atlas.reset();
    const auto layers = ogrinfo(w.path);
    for (const auto& [name, want] : kExpected) {
        auto it = layers.find(name);
        ASSERT_NE(it, layers.end()) << "ogrinfo does not list " << name;
        EXPECT_EQ(it->second.geometry, want.first) << name;
        EXPECT_EQ(it->second.count, want.second) << name;
        EXPECT_EQ(it->second.crs, "EPSG:4548") << name;
    }
    // The summary views are layers too (QGIS styles read them).
    EXPECT_EQ(layers.count("building_summary"), 1u);
    EXPECT_EQ(layers.at("building_summary").count, 2);
}

TEST(Interop, WholeAtlasGeoPackageHasEveryLayer) {
    if (!hasOgrinfo()) GTEST_SKIP() << "ogrinfo (gdal-bin) is not installed";
    SmallWorld w;
    w.atlas.reset();
    const std::string gpkg = w.dir.file("atlas.gpkg");
    std::string out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --out " + q(gpkg), &out), 0) << out;
    const auto layers = ogrinfo(gpkg);
    EXPECT_EQ(layers.size(), kExpected.size());
    for (const auto& [name, want] : kExpected) {
        auto it = layers.find(name);
        ASSERT_NE(it, layers.end()) << "the GeoPackage lacks " << name;
        EXPECT_EQ(it->second.geometry, want.first) << name;
        EXPECT_EQ(it->second.count, want.second) << name;
        EXPECT_EQ(it->second.crs, "EPSG:4548") << name;
    }
}

namespace {

/// Runs tests/io/qgis_interop.py under Debian's python3 (python3-qgis lives there, not in a
/// pyenv or venv python). Returns false when QGIS is not installed.
bool qgisLayers(const std::string& path, std::map<std::string, std::vector<std::string>>& out) {
    std::string layers;
    for (const auto& [name, want] : kExpected) layers += " " + name;
    std::string text;
    const int rc = runCommand("QT_QPA_PLATFORM=offscreen /usr/bin/python3 " + q(sourcePath("tests/io/qgis_interop.py")) + " " +
                                  q(path) + layers,
                              &text);
    if (rc == 3 || rc == 127) return false;
    EXPECT_EQ(rc, 0) << text;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> parts;
        std::stringstream ls(line);
        std::string part;
        while (std::getline(ls, part, '|')) parts.push_back(part);
        if (parts.size() == 5) out[parts[0]] = parts;
    }
    return true;
}

const std::map<std::string, std::string> kQgisTypes{
    {"communities", "MultiPolygon"}, {"grids", "Polygon"},       {"buildings", "Polygon"}, {"units", "Point"},
    {"households", "Point"},         {"service_posts", "Point"}, {"streets", "LineString"}};

void expectQgisSeesEveryLayer(const std::string& path) {
    std::map<std::string, std::vector<std::string>> layers;
    if (!qgisLayers(path, layers)) GTEST_SKIP() << "python3-qgis is not installed (apt-get install python3-qgis)";
    for (const auto& [name, want] : kExpected) {
        auto it = layers.find(name);
        ASSERT_NE(it, layers.end()) << "QGIS did not list " << name;
        EXPECT_EQ(it->second[1], kQgisTypes.at(name)) << name;
        EXPECT_EQ(it->second[2], "EPSG:4548") << name;
        EXPECT_EQ(it->second[3], std::to_string(want.second)) << name;
        EXPECT_EQ(it->second[4], "valid") << name;
    }
}

} // namespace

TEST(Interop, QgisOpensTheAtlasWithEveryLayer) {
    SmallWorld w;
    w.atlas->updateStatistics();
    w.atlas.reset();
    expectQgisSeesEveryLayer(w.path);
}

TEST(Interop, QgisOpensTheGeoPackageExport) {
    SmallWorld w;
    w.atlas.reset();
    const std::string gpkg = w.dir.file("atlas.gpkg");
    std::string out;
    ASSERT_EQ(cli("export --atlas " + q(w.path) + " --out " + q(gpkg), &out), 0) << out;
    expectQgisSeesEveryLayer(gpkg);
}
