// gridatlas-cli import-plan and plan as a user runs them: charts compared with control images,
// masking by default, clear errors that leave nothing behind.
#include <QImage>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/entities.h"
#include "plan/plan_test_support.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using gridatlas::testing::cliPath;
using gridatlas::testing::runCommand;
using gridatlas::testing::SmallWorld;

namespace {

std::string cli(const std::string& args, int* code = nullptr) {
    std::string out;
    const int rc = runCommand(cliPath() + " " + args, &out);
    if (code) *code = rc;
    return out;
}

std::string q(const std::string& s) {
    return "'" + s + "'";
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// SmallWorld with a second community that also has a "1栋", closed for the CLI.
struct CliWorld : SmallWorld {
    CliWorld() {
        {
            storage::Transaction tx(atlas->connection());
            storage::AtlasWriter w(*atlas);
            using namespace model;
            w.add(
                Community{2, "150781001002", "东湖社区", "兴华街道", Geometry::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}})});
            Building b;
            b.id = 3;
            b.communityId = 2;
            b.number = "1栋";
            b.floors = 3;
            b.footprint = Geometry::polygon({{{1, 1}, {5, 1}, {5, 5}, {1, 5}}});
            w.add(b);
            tx.commit();
        }
        atlas.reset();
    }
};

} // namespace

TEST(PlanCli, GeneratedPlanChartMatchesTheControlImage) {
    CliWorld w;
    int rc = 0;
    std::string out = cli("import-plan --atlas " + q(w.path) + " --building 1栋 --community 湖西社区 --generate", &rc);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("6 rooms, 4 flats on floors 1-6; 4 flats with households (24 households)"), std::string::npos) << out;
    const std::string png = w.dir.file("plan.png");
    out =
        cli("plan --atlas " + q(w.path) + " --building 1栋 --community 湖西社区 --out " + q(png) + " --dpi 72 --date 2024-06-01",
            &rc);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("personal data masked"), std::string::npos) << out;
    QImage image;
    ASSERT_TRUE(image.load(QString::fromStdString(png))) << out;
    EXPECT_EQ(image.size(), QSize(1191, 842)); // A3 landscape at 72 dpi
    const std::string report = gridatlas::testing::compareWithPlanControl(image, "smallworld_1_generated", 16, 40);
    EXPECT_TRUE(report.empty()) << report;
}

TEST(PlanCli, TowerTableWithoutPlanMatchesTheControlImage) {
    CliWorld w;
    const std::string png = w.dir.file("tower.png");
    int rc = 0;
    const std::string out =
        cli("plan --atlas " + q(w.path) + " --building 2号楼 --out " + q(png) + " --dpi 72 --date 2024-06-01 --reveal", &rc);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("personal data REVEALED"), std::string::npos) << out;
    QImage image;
    ASSERT_TRUE(image.load(QString::fromStdString(png)));
    EXPECT_GT(image.height(), image.width()); // a tall table without drawings goes portrait
    const std::string report = gridatlas::testing::compareWithPlanControl(image, "smallworld_2_reveal", 16, 40);
    EXPECT_TRUE(report.empty()) << report;
}

TEST(PlanCli, VectorOutputsSayWhetherPersonalDetailsAreMasked) {
    CliWorld w;
    int rc = 0;
    const std::string svg = w.dir.file("plan.svg"), svgReveal = w.dir.file("reveal.svg"), pdf = w.dir.file("plan.pdf");
    cli("plan --atlas " + q(w.path) + " --building 1栋 --community 湖西社区 --out " + q(svg), &rc);
    ASSERT_EQ(rc, 0);
    cli("plan --atlas " + q(w.path) + " --building 1栋 --community 湖西社区 --out " + q(svgReveal) + " --reveal", &rc);
    ASSERT_EQ(rc, 0);
    const std::string masked = readAll(svg), revealed = readAll(svgReveal);
    EXPECT_NE(masked.find("党员居住平面图"), std::string::npos);
    EXPECT_NE(masked.find("个人信息已脱敏"), std::string::npos);
    EXPECT_NE(masked.find("重点关爱户"), std::string::npos);
    EXPECT_EQ(masked.find("独居老人"), std::string::npos); // the detail stays out of a masked chart
    EXPECT_NE(revealed.find("独居老人"), std::string::npos);
    EXPECT_NE(revealed.find("含未脱敏个人信息"), std::string::npos);
    cli("plan --atlas " + q(w.path) + " --building 1栋 --community 湖西社区 --out " + q(pdf) + " --page A4 --date 2024-06-01",
        &rc);
    ASSERT_EQ(rc, 0);
    const std::string bytes = readAll(pdf);
    EXPECT_EQ(bytes.rfind("%PDF", 0), 0u);
    EXPECT_EQ(bytes.find("/Subtype /Image"), std::string::npos) << "the chart must be vector";
    if (runCommand("command -v pdftotext && command -v pdffonts") != 0) GTEST_SKIP() << "poppler-utils not installed";
    std::string fonts, text;
    ASSERT_EQ(runCommand("pdffonts " + q(pdf), &fonts), 0);
    EXPECT_NE(fonts.find("NotoSansCJKsc"), std::string::npos) << fonts;
    ASSERT_EQ(runCommand("pdftotext " + q(pdf) + " -", &text), 0);
    for (const char* expected : {"湖西社区 1栋 党员居住平面图", "楼层", "1单元", "重点关爱户", "个人信息已脱敏", "2024年6月1日"})
        EXPECT_NE(text.find(expected), std::string::npos) << "pdftotext misses " << expected << ":\n" << text;
    EXPECT_EQ(text.find("⾯"), std::string::npos) << "Kangxi radicals instead of ideographs";
}

TEST(PlanCli, ErrorsNameTheProblemAndLeaveNothingBehind) {
    CliWorld w;
    int rc = 0;
    std::string out = cli("plan --atlas " + q(w.path) + " --building 1栋 --out " + q(w.dir.file("x.png")), &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("东湖社区"), std::string::npos) << out;
    EXPECT_NE(out.find("湖西社区"), std::string::npos) << out;
    EXPECT_NE(out.find("--community"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(w.dir.file("x.png")));

    out = cli("plan --atlas " + q(w.path) + " --building 2栋 --out " + q(w.dir.file("x.bmp")), &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find(".bmp"), std::string::npos) << out;
    out = cli("plan --atlas " + q(w.path) + " --building 2栋 --floor 3 --out " + q(w.dir.file("x.png")), &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("no drawn plan"), std::string::npos) << out;
    out = cli("plan --atlas " + q(w.dir.file("none.sqlite")) + " --building 2栋 --out " + q(w.dir.file("x.png")), &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_FALSE(std::filesystem::exists(w.dir.file("x.png")));
    EXPECT_FALSE(std::filesystem::exists(w.dir.file("none.sqlite")));

    const std::string dxf = w.dir.file("plan.dxf");
    gridatlas::testing::writeDxf(dxf, {{gridatlas::testing::rectRing(0, 0, 25000, 20000)}}, {{{12500, 10000}, "01"}});
    out = cli("import-plan --atlas " + q(w.path) + " --building 2栋 " + q(dxf), &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("--anchor"), std::string::npos) << out;
    out = cli("import-plan --atlas " + q(w.path) + " --building 2栋 " + q(dxf) + " --fit --anchor 1,2", &rc);
    EXPECT_EQ(rc, 1);
    out = cli("import-plan --atlas " + q(w.path) + " --building 2栋 " + q(dxf) + " --scale abc --anchor 1,2", &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("--scale 'abc'"), std::string::npos) << out;
    out = cli("import-plan --atlas " + q(w.path) + " --building 2栋 " + q(dxf) + " --fit --floors 30", &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("above the top floor"), std::string::npos) << out;
    out = cli("import-plan --atlas " + q(w.path) + " --building 2栋 " + q(dxf) + " --fit --dry-run", &rc);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("dry run (nothing written)"), std::string::npos) << out;
    out = cli("info --atlas " + q(w.path), &rc);
    EXPECT_NE(out.find("rooms: 0"), std::string::npos) << out;

    // Given scale and anchor, then fitted with a given scale: the chart shows the drawn floor.
    out = cli("import-plan --atlas " + q(w.path) + " --building 2栋 " + q(dxf) +
                  " --scale 0.001 --rotation 0 --anchor 560200,5495150 --floors 2-18",
              &rc);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("1 rooms, 1 flats on floors 2-18; 1 flats with households (17 households)"), std::string::npos) << out;
    out = cli("plan --atlas " + q(w.path) + " --building 2栋 --floor 5 --out " + q(w.dir.file("f5.svg")), &rc);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(readAll(w.dir.file("f5.svg")).find("5层平面图"), std::string::npos);
}

TEST(PlanCli, RealDxfDrawingsImportAndRender) {
    struct Case {
        const char* file;
        const char* control;
        const char* floors;
    };
    for (const Case& c : {Case{"dxf_cadastral_hatch_libspatialite.dxf", "cadastral_fitted", "1"},
                          Case{"dxf_citymap_22_libspatialite.dxf", "citymap_fitted", "2-18"}}) {
        SCOPED_TRACE(c.file);
        const std::filesystem::path real = gridatlas::testing::sourcePath(std::string("../shared/realdata/") + c.file);
        if (!std::filesystem::exists(real)) GTEST_SKIP() << "no " << real.string();
        CliWorld w;
        const std::string dxf = w.dir.file(c.file);
        std::filesystem::copy_file(real, dxf);
        int rc = 0;
        std::string out =
            cli("import-plan --atlas " + q(w.path) + " --building 2栋 " + q(dxf) + " --fit --floors " + c.floors, &rc);
        ASSERT_EQ(rc, 0) << out;
        EXPECT_NE(out.find("fitted to the footprint"), std::string::npos) << out;
        const std::string png = w.dir.file("plan.png");
        out = cli("plan --atlas " + q(w.path) + " --building 2栋 --out " + q(png) + " --dpi 72 --date 2024-06-01", &rc);
        ASSERT_EQ(rc, 0) << out;
        EXPECT_NE(out.find("1 drawn floors"), std::string::npos) << out;
        QImage image;
        ASSERT_TRUE(image.load(QString::fromStdString(png)));
        const std::string report = gridatlas::testing::compareWithPlanControl(image, c.control, 16, 40);
        EXPECT_TRUE(report.empty()) << report;
    }
}
