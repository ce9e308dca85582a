// gridatlas-cli render from a PostGIS atlas draws the same chart as from the SpatiaLite file it
// was published from (the layer cache reads both engines).
#include <gtest/gtest.h>

#include <QImage>

#include <cstdlib>
#include <set>

#include "pg/pg_server.h"
#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"
#include "storage/publish_pg.h"

namespace gridatlas::testing {
namespace {

// Share of pixels whose colour differs by more than `tolerance` in any channel.
double differingShare(const QImage& a, const QImage& b, int tolerance) {
    long differing = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
            if (std::abs(qRed(p) - qRed(q)) > tolerance || std::abs(qGreen(p) - qGreen(q)) > tolerance ||
                std::abs(qBlue(p) - qBlue(q)) > tolerance)
                ++differing;
        }
    return static_cast<double>(differing) / (static_cast<double>(a.width()) * a.height());
}

TEST(RenderFromPostgis, DrawsTheSameChartAsTheSpatialiteFile) {
    GRIDATLAS_REQUIRE_PG(server);
    PgDatabase db(server);
    TempDir dir;
    const std::string file = dir.file("demo.sqlite");
    storage::generateDemo(file, storage::DemoOptions{});
    for (const char* c : {"湖西社区", "东湖社区"}) storage::publishCommunity(file, db.url(), c);
    for (const std::string map : {"member-residence", "grids", "posts"}) {
        const std::string lite = dir.file(map + "-lite.png"), pg = dir.file(map + "-pg.png");
        std::string out;
        const std::string args = " --map " + sourcePath("maps/" + map + ".json") + " --dpi 60 --out ";
        ASSERT_EQ(runCommand(cliPath() + " render --atlas " + file + args + lite, &out), 0) << out;
        ASSERT_EQ(runCommand(cliPath() + " render --atlas " + db.url() + args + pg, &out), 0) << out;
        const QImage a(QString::fromStdString(lite)), b(QString::fromStdString(pg));
        ASSERT_FALSE(a.isNull());
        ASSERT_EQ(a.size(), b.size());
        EXPECT_GT(a.width(), 900);
        // Something is drawn (not a blank page): many colours.
        std::set<QRgb> colours;
        for (int y = 0; y < a.height(); y += 7)
            for (int x = 0; x < a.width(); x += 7) colours.insert(a.pixel(x, y));
        EXPECT_GT(colours.size(), 50u) << map;
        EXPECT_LE(differingShare(a, b, 8), 0.0005) << map << ": " << lite << " vs " << pg;
    }
}

} // namespace
} // namespace gridatlas::testing
