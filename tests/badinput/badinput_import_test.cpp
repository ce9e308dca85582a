// Hostile import sources: NaN, infinite and huge coordinates, self-intersecting and empty
// polygons, a 10 MB address, a roster with 100k columns, wrong encodings, a DXF with a million
// entities. Each gets a message naming the file (and feature/row/field), a non-zero exit, no
// crash, no hang, and the atlas file stays byte for byte as it was.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "badinput/badinput_support.h"
#include "model/address.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::testing;

namespace {

/// A SmallWorld atlas, closed, for the CLI to work on.
struct ClosedWorld {
    ClosedWorld() { world.atlas.reset(); }
    SmallWorld world;
    [[nodiscard]] std::string atlas() const { return shellQuote(world.path); }
    [[nodiscard]] std::string file(const std::string& name) const { return world.dir.file(name); }
};

/// SmallWorld coordinates (EPSG:4548) inside its community.
std::string ring(double x0, double y0, double w, double h) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%.1f %.1f, %.1f %.1f, %.1f %.1f, %.1f %.1f, %.1f %.1f", x0, y0, x0 + w, y0, x0 + w, y0 + h, x0,
                  y0 + h, x0, y0);
    return buf;
}

/// Imports `source` as `target` and checks the run failed cleanly, naming `mustName`, with the
/// atlas untouched.
void expectRefused(const ClosedWorld& w, const std::string& source, const std::string& target, const std::string& mustName,
                   const std::string& extra = "--srs EPSG:4548") {
    const std::string before = fileChecksum(w.world.path);
    const CliRun r = runCli("import --atlas " + w.atlas() + " " + shellQuote(source) + " --as " + target + " " + extra);
    EXPECT_TRUE(failedCleanly(r, mustName)) << source;
    EXPECT_EQ(fileChecksum(w.world.path), before) << r.output;
}

} // namespace

TEST(BadImport, NanInfiniteAndHugeCoordinatesAreRejectedByFeature) {
    ClosedWorld w;
    const double x0 = SmallWorld::kX0 + 300, y0 = SmallWorld::kY0 + 200;
    const std::string good = ring(x0, y0, 10, 10);
    // WKT in CSV: the one common format that can spell NaN and infinity.
    const std::string csv = w.file("coords.csv");
    writeFile(csv, "number,WKT\n"
                   "91栋,\"POLYGON ((nan nan, 1 1, 1 0, nan nan))\"\n"
                   "92栋,\"POLYGON ((inf 0, 1 1, 1 0, inf 0))\"\n"
                   "93栋,\"POLYGON ((-inf -inf, 1 1, 1 0, -inf -inf))\"\n"
                   "94栋,\"POLYGON ((1e300 1e300, 1e300 -1e300, -1e300 0, 1e300 1e300))\"\n"
                   "95栋,\"POLYGON ((" + good + "))\"\n");
    expectRefused(w, csv, "buildings", "coords.csv");
    const CliRun r = runCli("import --atlas " + w.atlas() + " " + shellQuote(csv) + " --as buildings --srs EPSG:4548");
    for (const char* feature : {"feature 1", "feature 2", "feature 3", "feature 4"})
        EXPECT_NE(r.output.find(feature), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("coordinate (1e+300, 1e+300) is beyond"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("feature 5,"), std::string::npos) << "the good row is not rejected\n" << r.output;
    // With --partial only the good row is stored: no huge coordinate reaches the atlas.
    const CliRun partial = runCli("import --atlas " + w.atlas() + " " + shellQuote(csv) + " --as buildings --srs EPSG:4548 --partial");
    EXPECT_EQ(partial.code, 0) << partial.output;
    EXPECT_NE(partial.output.find("added 1,"), std::string::npos) << partial.output;
    // Geographic coordinates beyond the CRS's area: the transformation refuses them.
    const std::string gj = w.file("huge.geojson");
    writeFile(gj, R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"number":"99栋"},)"
                  R"("geometry":{"type":"Polygon","coordinates":[[[1e308,1e308],[1e308,-1e308],[-1e308,-1e308],[1e308,1e308]]]}}]})");
    expectRefused(w, gj, "buildings", "huge.geojson", "");
    // Points too: a service post at infinity.
    const std::string posts = w.file("posts.csv");
    writeFile(posts, "name,type,WKT\n卫生站,health,\"POINT (inf nan)\"\n");
    expectRefused(w, posts, "service_posts", "posts.csv");
}

TEST(BadImport, SelfIntersectingPolygonIsRepairedAndEmptyOneRejected) {
    ClosedWorld w;
    const double x = SmallWorld::kX0 + 300, y = SmallWorld::kY0 + 200;
    char bowtie[256];
    std::snprintf(bowtie, sizeof bowtie, "POLYGON ((%.0f %.0f, %.0f %.0f, %.0f %.0f, %.0f %.0f, %.0f %.0f))", x, y, x + 20, y + 20, x + 20, y,
                  x, y + 20, x, y);
    const std::string csv = w.file("polygons.csv");
    writeFile(csv, std::string("number,WKT\n") + "81栋,\"" + bowtie + "\"\n" + "82栋,\"POLYGON EMPTY\"\n" +
                       "83栋,\"POLYGON ((" + ring(x, y, 0, 0) + "))\"\n");
    const std::string before = fileChecksum(w.world.path);
    const CliRun r = runCli("import --atlas " + w.atlas() + " " + shellQuote(csv) + " --as buildings --srs EPSG:4548");
    EXPECT_TRUE(failedCleanly(r, "polygons.csv"));
    EXPECT_NE(r.output.find("Self-intersection"), std::string::npos) << "the repair is reported\n" << r.output;
    EXPECT_NE(r.output.find("feature 2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("feature 3"), std::string::npos) << r.output;
    EXPECT_EQ(fileChecksum(w.world.path), before);
}

TEST(BadImport, TenMegabyteAddressIsRejectedQuicklyAndNotEchoedWhole) {
    // The parser itself: linear, no throw.
    std::string huge;
    while (huge.size() < 10u << 20) huge += "湖西社区3栋2单元501室";
    const auto t0 = std::chrono::steady_clock::now();
    const auto parsed = model::parseAddress(huge);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
    EXPECT_FALSE(parsed.usable());
    EXPECT_FALSE(parsed.reason.empty());

    ClosedWorld w;
    const std::string roster = w.file("long-address.csv");
    writeFile(roster, "姓名,住址\n张三," + huge + "\n");
    const std::string before = fileChecksum(w.world.path);
    const CliRun r = runCli("import-roster --atlas " + w.atlas() + " " + shellQuote(roster));
    EXPECT_TRUE(failedCleanly(r, "long-address.csv', row 2"));
    EXPECT_LT(r.output.size(), 20000u) << "the 10 MB cell is not echoed to the terminal";
    EXPECT_EQ(fileChecksum(w.world.path), before);
}

TEST(BadImport, RosterWithHundredThousandColumnsIsRefused) {
    ClosedWorld w;
    std::string header = "姓名,住址", row = "张三,湖西社区1栋1单元101室";
    for (int i = 0; i < 100000; ++i) {
        header += ",列" + std::to_string(i);
        row += ",x";
    }
    const std::string roster = w.file("wide.csv");
    writeFile(roster, header + "\n" + row + "\n");
    const std::string before = fileChecksum(w.world.path);
    const auto t0 = std::chrono::steady_clock::now();
    const CliRun r = runCli("import-roster --atlas " + w.atlas() + " " + shellQuote(roster));
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 60.0);
    EXPECT_TRUE(failedCleanly(r, "wide.csv', row 1: the header row has 100002 columns"));
    EXPECT_EQ(fileChecksum(w.world.path), before);
}

TEST(BadImport, WrongEncodingsNameFileAndLine) {
    ClosedWorld w;
    struct Case {
        std::string name, bytes, mustName;
    };
    const std::vector<Case> cases = {
        // Neither UTF-8 nor GB18030 on line 3.
        {"bad-bytes.csv", "姓名,住址\n张三,湖西社区1栋1单元101室\n\xFF\xFE\x80,x\n", "bad-bytes.csv', line 3"},
        // UTF-16 with BOM (Excel's "Unicode text").
        {"utf16.csv", std::string("\xFF\xFE\xD3\x59\x0D\x54,\0", 8), "utf16.csv' is UTF-16"},
        // A UTF-8 text cut in the middle of a character, then more text.
        {"cut-utf8.csv", "姓名,住址\n张三,湖西\xE7\xA4\n", "cut-utf8.csv', line 2"},
    };
    for (const auto& c : cases) {
        const std::string path = w.file(c.name);
        writeFile(path, c.bytes);
        const std::string before = fileChecksum(w.world.path);
        const CliRun r = runCli("import-roster --atlas " + w.atlas() + " " + shellQuote(path));
        EXPECT_TRUE(failedCleanly(r, c.mustName)) << c.name;
        EXPECT_EQ(fileChecksum(w.world.path), before) << c.name;
    }
    // A GeoJSON with a property that is not UTF-8.
    const std::string gj = w.file("latin1.geojson");
    writeFile(gj, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"number\":\"\xE9\xFF\"},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1e400,0]}}]}");
    expectRefused(w, gj, "service_posts", "latin1.geojson", "");
}

TEST(BadImport, DxfWithAMillionEntitiesIsRefusedInSaneTime) {
    ClosedWorld w;
    const std::string dxf = w.file("million.dxf");
    {
        std::ofstream out(dxf, std::ios::binary);
        out << "0\nSECTION\n2\nENTITIES\n";
        const long x0 = static_cast<long>(SmallWorld::kX0), y0 = static_cast<long>(SmallWorld::kY0);
        for (int i = 0; i < 1000000; ++i)
            out << "0\nLINE\n8\n0\n10\n" << x0 + i % 400 << "\n20\n" << y0 + i / 4000 << "\n11\n" << x0 + i % 400 + 1 << "\n21\n"
                << y0 + i / 4000 + 1 << "\n";
        out << "0\nENDSEC\n0\nEOF\n";
    }
    const std::string before = fileChecksum(w.world.path);
    const auto t0 = std::chrono::steady_clock::now();
    const CliRun r = runCli("import --atlas " + w.atlas() + " " + shellQuote(dxf) + " --as streets --srs EPSG:4548", 300);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_TRUE(failedCleanly(r, "million.dxf"));
    EXPECT_NE(r.output.find("more than 200000 street features"), std::string::npos) << r.output;
    EXPECT_EQ(fileChecksum(w.world.path), before);
    EXPECT_LT(seconds, 150.0);
}
