// The C++ blob codec agrees with SpatiaLite's own geometry functions, both ways.
#include <gtest/gtest.h>

#include "model/support/error.h"
#include "storage/fixture_atlas.h"
#include "storage/spatialite_blob.h"

#include <cstring>

using namespace gridatlas;
using namespace gridatlas::model;

namespace {

Geometry fromSpatialite(storage::Connection& c, const std::string& wkt) {
    storage::Statement st(c, "SELECT GeomFromText(?, 4548)");
    st.bind(1, wkt);
    EXPECT_TRUE(st.step());
    Geometry g;
    storage::decodeSpatialiteBlob(st.columnBlob(0), g);
    return g;
}

std::string toSpatialiteWkt(storage::Connection& c, const Geometry& g) {
    const std::string blob = storage::encodeSpatialiteBlob(g, 4548);
    storage::Statement st(c, "SELECT AsText(?), ST_Srid(?), ST_IsValid(?)");
    st.bindBlob(1, blob.data(), blob.size()).bindBlob(2, blob.data(), blob.size()).bindBlob(3, blob.data(), blob.size());
    EXPECT_TRUE(st.step());
    EXPECT_EQ(st.columnInt(1), 4548);
    return st.columnText(0);
}

class Blob : public ::testing::Test {
protected:
    void SetUp() override { GRIDATLAS_SPATIALITE_ONLY("the SpatiaLite geometry blob codec (PostGIS: WKB, tests/pg/backend_test.cpp)"); }
protected:
    gridatlas::testing::FixtureAtlas fx;
    storage::Connection& c = fx.atlas->connection();
};

} // namespace

TEST_F(Blob, DecodesWhatSpatialiteEncodes) {
    const Geometry p = fromSpatialite(c, "POINT(531000.25 5494500.75)");
    EXPECT_EQ(p.type, GeomType::Point);
    ASSERT_EQ(p.coords.size(), 1u);
    EXPECT_DOUBLE_EQ(p.coords[0].x, 531000.25);
    EXPECT_DOUBLE_EQ(p.coords[0].y, 5494500.75);

    const Geometry poly = fromSpatialite(c, "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 2))");
    EXPECT_EQ(poly.type, GeomType::Polygon);
    EXPECT_EQ(poly.ringEnds, (std::vector<std::uint32_t>{5, 9}));
    EXPECT_NEAR(area(poly), 100 - 2, 1e-9);

    const Geometry mp = fromSpatialite(c, "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))");
    EXPECT_EQ(mp.type, GeomType::MultiPolygon);
    EXPECT_EQ(mp.partEnds, (std::vector<std::uint32_t>{1, 2}));

    const Geometry ls = fromSpatialite(c, "LINESTRING(0 0, 3 4, 6 0)");
    EXPECT_EQ(ls.type, GeomType::LineString);
    EXPECT_EQ(ls.coords.size(), 3u);
}

TEST_F(Blob, DecodesCompressedAndThreeDimensionalBlobs) {
    storage::Statement st(c, "SELECT CompressGeometry(GeomFromText('LINESTRING(0 0, 1.5 2.5, 3 4, 10 10)', 4548)), "
                             "GeomFromText('POINT Z(1 2 3)', 4548), "
                             "CompressGeometry(GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))', 4548))");
    ASSERT_TRUE(st.step());
    Geometry g;
    storage::decodeSpatialiteBlob(st.columnBlob(0), g);
    ASSERT_EQ(g.coords.size(), 4u);
    EXPECT_NEAR(g.coords[1].x, 1.5, 1e-6);
    EXPECT_NEAR(g.coords[2].y, 4.0, 1e-6);
    EXPECT_DOUBLE_EQ(g.coords[3].x, 10.0);
    storage::decodeSpatialiteBlob(st.columnBlob(1), g);
    EXPECT_EQ(g.coords[0], (Vec2{1, 2}));
    storage::decodeSpatialiteBlob(st.columnBlob(2), g);
    EXPECT_NEAR(area(g), 100.0, 1e-4);
}

TEST_F(Blob, SpatialiteReadsWhatWeEncode) {
    EXPECT_EQ(toSpatialiteWkt(c, Geometry::point({531000.5, 5494500.25})), "POINT(531000.5 5494500.25)");
    EXPECT_EQ(toSpatialiteWkt(c, Geometry::lineString({{0, 0}, {3, 4}})), "LINESTRING(0 0, 3 4)");
    EXPECT_EQ(toSpatialiteWkt(c, Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}})),
              "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))");
    EXPECT_EQ(toSpatialiteWkt(c, Geometry::multiPolygon({{{{0, 0}, {1, 0}, {1, 1}}}, {{{5, 5}, {6, 5}, {6, 6}}}})),
              "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))");
    // The MBR in the header is what the R*Tree and blobBounds read.
    const std::string blob = storage::encodeSpatialiteBlob(Geometry::lineString({{3, 9}, {-1, 4}}), 4548);
    EXPECT_EQ(storage::blobBounds(blob), (Rect{-1, 4, 3, 9}));
}

TEST_F(Blob, MalformedBlobsAreErrorsNotCrashes) {
    Geometry g;
    EXPECT_THROW(storage::decodeSpatialiteBlob("", g), StorageError);
    EXPECT_THROW(storage::decodeSpatialiteBlob(std::string(50, '\0'), g), StorageError);
    std::string blob = storage::encodeSpatialiteBlob(Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}}}), 4548);
    // Claim a huge vertex count: must be refused before allocating.
    std::string huge = blob;
    const std::uint32_t n = 0x7fffffff;
    std::memcpy(huge.data() + 47, &n, 4);
    EXPECT_THROW(storage::decodeSpatialiteBlob(huge, g), StorageError);
    // Every truncation is refused.
    for (std::size_t len = 0; len < blob.size(); ++len) {
        std::string cut = blob.substr(0, len);
        if (!cut.empty()) cut.back() = static_cast<char>(0xFE);
        EXPECT_THROW(storage::decodeSpatialiteBlob(cut, g), StorageError) << "length " << len;
    }
}
