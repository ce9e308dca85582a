// Layout templates: the built-in ones load; mistakes are errors that name the file, the line
// and what is wrong.
#include <gtest/gtest.h>

#include <fstream>

#include "model/support/error.h"
#include "render/layout.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

using testing::sourcePath;
using testing::TempDir;

TEST(LayoutTemplate, BuiltInTemplatesLoad) {
    struct Expect {
        const char* file;
        LayoutEach each;
        double w, h;
    };
    for (const auto& e : {Expect{"maps/community-plan.json", LayoutEach::Community, 420, 297},
                          Expect{"maps/grid-sheet.json", LayoutEach::Grid, 210, 297},
                          Expect{"maps/building-sheet.json", LayoutEach::Building, 210, 297},
                          Expect{"maps/coverage-report.json", LayoutEach::Community, 210, 297}}) {
        SCOPED_TRACE(e.file);
        const Layout l = loadLayout(sourcePath(e.file));
        EXPECT_EQ(l.each, e.each);
        EXPECT_DOUBLE_EQ(l.pageMm.width(), e.w);
        EXPECT_DOUBLE_EQ(l.pageMm.height(), e.h);
        EXPECT_NE(l.findMap(""), nullptr);
        EXPECT_TRUE(isLayoutFile(sourcePath(e.file)));
    }
    // Map documents stay map documents.
    EXPECT_FALSE(isLayoutFile(sourcePath("maps/member-residence.json")));
    EXPECT_EQ(loadLayout(sourcePath("maps/coverage-report.json")).coveragePostType, "convenience_service");
}

class BadTemplate : public ::testing::Test {
protected:
    std::string write(const std::string& items, const std::string& page = R"({"size": "A4"})") {
        const std::string path = dir.file("t.json");
        std::ofstream(path) << "{\n  \"layout\": {\n    \"page\": " << page << ",\n    \"items\": [\n" << items << "\n    ]\n  }\n}\n";
        return path;
    }
    std::string errorOf(const std::string& path) {
        try {
            (void)loadLayout(path);
        } catch (const InputError& e) {
            return e.what();
        }
        return "(no error)";
    }
    TempDir dir;
};

TEST_F(BadTemplate, ErrorsNameFileLineAndProblem) {
    const std::string path = write(R"(      {"type": "text", "rect": [10, 10, 100, 10], "text": "x", "colour": "#ff0000"})");
    const std::string e = errorOf(path);
    EXPECT_NE(e.find(path), std::string::npos) << e;
    EXPECT_NE(e.find("line 5"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown key 'colour'"), std::string::npos) << e;
}

TEST_F(BadTemplate, UnknownFieldTableColumnTypeAndMap) {
    EXPECT_NE(errorOf(write(R"(      {"type": "text", "rect": [10, 10, 100, 10], "text": "{gird} 网格"})")).find("unknown field {gird}"),
              std::string::npos);
    EXPECT_NE(errorOf(write(R"(      {"type": "table", "rect": [10, 10, 100, 50], "table": "people"})")).find("unknown table 'people'"),
              std::string::npos);
    EXPECT_NE(errorOf(write(R"(      {"type": "table", "rect": [10, 10, 100, 50], "table": "staff", "columns": ["id_number"]})"))
                  .find("table 'staff' has no column 'id_number'"),
              std::string::npos);
    EXPECT_NE(errorOf(write(R"(      {"type": "circle", "rect": [10, 10, 10, 10]})")).find("unknown item type 'circle'"), std::string::npos);
    EXPECT_NE(errorOf(write(R"(      {"type": "map", "rect": [10, 10, 100, 100], "map": "nowhere.json"})"))
                  .find("map document 'nowhere.json' does not exist"),
              std::string::npos);
    EXPECT_NE(errorOf(write(R"(      {"type": "legend", "rect": [10, 10, 50, 50]})")).find("legend needs a map item"), std::string::npos);
}

TEST_F(BadTemplate, AMapDocumentIsNotALayout) {
    const std::string e = errorOf(sourcePath("maps/member-residence.json"));
    EXPECT_NE(e.find("not a layout template"), std::string::npos) << e;
    EXPECT_NE(e.find("render --map"), std::string::npos) << e;
}

TEST_F(BadTemplate, ItemsMustStayOnThePage) {
    const std::string e = errorOf(write(R"(      {"type": "text", "rect": [150, 10, 100, 10], "text": "x"})"));
    EXPECT_NE(e.find("runs off the 210x297 mm page"), std::string::npos) << e;
    // The same item fits an A3 landscape page.
    EXPECT_EQ(errorOf(write(R"(      {"type": "text", "rect": [150, 10, 100, 10], "text": "x"})", R"({"size": "A3", "orientation": "landscape"})")),
              "(no error)");
    EXPECT_NE(errorOf(write(R"(      {"type": "text", "rect": [1, 1, 10, 10], "text": "x"})", R"({"size": "B5"})")).find("page size 'B5'"),
              std::string::npos);
}

TEST(LayoutTemplate, PageScalesToOtherPaperSizes) {
    Layout l;
    l.pageMm = QSizeF(297, 420);
    LayoutOptions o;
    o.pageName = "A1";
    const LayoutPage p = resolveLayoutPage(l, o);
    EXPECT_DOUBLE_EQ(p.sizeMm.width(), 594);
    EXPECT_DOUBLE_EQ(p.sizeMm.height(), 841);
    EXPECT_NEAR(p.scale, 2.0, 0.003);
    o.landscape = true;
    EXPECT_DOUBLE_EQ(resolveLayoutPage(l, o).sizeMm.width(), 841);
}

TEST(LayoutTemplate, FieldsExpand) {
    LayoutPageData d;
    d.fields["community"] = "湖西社区";
    d.fields["grid"] = "一网格";
    EXPECT_EQ(expandLayoutText("{community}{grid}网格工作图 {unknown}", d), QStringLiteral("湖西社区一网格网格工作图 {unknown}"));
}

} // namespace
} // namespace gridatlas::render
