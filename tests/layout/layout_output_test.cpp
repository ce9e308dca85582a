// Layout output: every built-in template as PNG (against its reference image) and as PDF (text
// extractable in Chinese); batch page counts; the scale bar measured in the PDF; banded PNGs.
#include <gtest/gtest.h>

#include <QImage>
#include <QImageReader>

#include <filesystem>
#include <fstream>

#include "io/layout_pages.h"
#include "layout/layout_test_support.h"
#include "model/support/error.h"
#include "render/layout.h"
#include "render/layout_writer.h"
#include "render/render_test_support.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

namespace fs = std::filesystem;
using testing::demoAtlasPath;
using testing::havePoppler;
using testing::layoutOutDir;
using testing::sourcePath;

LayoutOptions fixedOptions() {
    LayoutOptions o;
    o.date = QDate(2024, 6, 1);
    o.antialiasing = false; // stable pixels for the reference images
    return o;
}

io::AtlasLayoutPagesOptions pageOptions(LayoutEach each, std::optional<std::string> only = std::nullopt, bool reveal = false) {
    io::AtlasLayoutPagesOptions o;
    o.each = each;
    o.only = std::move(only);
    o.reveal = reveal;
    o.dateText = "2024年6月1日";
    return o;
}

/// Writes the first page of a template (or the page `only`) and returns the result.
LayoutWriteResult writeFirst(const std::string& templ, const std::string& out, std::optional<std::string> only = std::nullopt,
                             LayoutOptions options = fixedOptions()) {
    const Layout layout = loadLayout(sourcePath(templ));
    storage::AtlasProvider provider(demoAtlasPath());
    io::AtlasLayoutPages pages(provider.atlas(), layout, pageOptions(layout.each, std::move(only), options.reveal));
    struct First : LayoutPageSource {
        LayoutPageSource& all;
        explicit First(LayoutPageSource& a) : all(a) {}
        [[nodiscard]] std::size_t count() const override { return 1; }
        LayoutPageData page(std::size_t) override { return all.page(0); }
    } first(pages);
    return writeLayout(layout, first, provider, LayoutOutput{out}, options);
}

std::vector<std::string> column(const std::string& sql) {
    storage::Connection conn(demoAtlasPath(), storage::OpenMode::ReadOnly);
    storage::Statement st(conn, sql);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.columnText(0));
    return out;
}

struct Case {
    const char* name;
    const char* file;
};
const Case kTemplates[] = {{"community-plan", "maps/community-plan.json"},
                           {"grid-sheet", "maps/grid-sheet.json"},
                           {"building-sheet", "maps/building-sheet.json"},
                           {"coverage-report", "maps/coverage-report.json"}};

TEST(LayoutOutput, EachTemplateMatchesItsReferenceImage) {
    for (const auto& c : kTemplates) {
        SCOPED_TRACE(c.name);
        LayoutOptions o = fixedOptions();
        o.dpi = 60;
        const std::string out = layoutOutDir() + "/" + c.name + ".png";
        const auto r = writeFirst(c.file, out, std::nullopt, o);
        ASSERT_EQ(r.files.size(), 1u);
        QImage img(QString::fromStdString(out));
        ASSERT_FALSE(img.isNull());
        EXPECT_EQ(img.size(), r.page.sizePx());
        EXPECT_NEAR(img.dotsPerMeterX(), 60 / 0.0254, 1.0);
        // Fonts and antialiasing of small text vary a little between machines: 3 % of the pixels may differ.
        const int budget = img.width() * img.height() * 3 / 100;
        const std::string report = testing::compareWithReference(img, testing::layoutReference(c.name), std::string("layout_") + c.name, 40, budget);
        EXPECT_TRUE(report.empty()) << report;
    }
}

TEST(LayoutOutput, PdfTextIsExtractableChinese) {
    if (!havePoppler()) GTEST_SKIP() << "poppler-utils missing";
    const auto communities = column("SELECT name FROM communities ORDER BY code");
    const auto grids = column("SELECT g.name FROM grids g JOIN communities c ON c.id = g.community_id WHERE c.code = "
                              "(SELECT MIN(code) FROM communities) ORDER BY g.code");
    ASSERT_FALSE(communities.empty());
    ASSERT_FALSE(grids.empty());
    {
        const std::string out = layoutOutDir() + "/community-plan.pdf";
        writeFirst("maps/community-plan.json", out);
        const std::string text = testing::pdfText(out);
        EXPECT_NE(text.find(communities.front() + "党员居住平面图"), std::string::npos) << text.substr(0, 400);
        // The bar chart names every grid of the community.
        for (const auto& g : grids) EXPECT_NE(text.find(g), std::string::npos) << g;
        EXPECT_NE(text.find("个人信息已脱敏"), std::string::npos);
        EXPECT_NE(text.find("比例尺 1:"), std::string::npos);
    }
    for (const auto& c : kTemplates) {
        SCOPED_TRACE(c.name);
        const std::string out = layoutOutDir() + "/" + c.name + ".pdf";
        const auto r = writeFirst(c.file, out);
        const std::string text = testing::pdfText(out);
        ASSERT_FALSE(r.first.empty());
        const std::string title = r.first.front().title.toStdString();
        ASSERT_FALSE(title.empty());
        // pdftotext may break a long title into runs; its first words are there as written.
        EXPECT_NE(text.find(title.substr(0, std::min<std::size_t>(title.size(), 12))), std::string::npos) << title;
        // Vector: no page-sized raster image in the PDF.
        std::string images;
        testing::runCommand("pdfimages -list '" + out + "'", &images);
        EXPECT_EQ(std::count(images.begin(), images.end(), '\n'), 2) << images; // header lines only
    }
}

TEST(LayoutOutput, BatchHasOnePagePerGrid) {
    if (!havePoppler()) GTEST_SKIP() << "poppler-utils missing";
    const Layout layout = loadLayout(sourcePath("maps/grid-sheet.json"));
    storage::AtlasProvider provider(demoAtlasPath());
    io::AtlasLayoutPages pages(provider.atlas(), layout, pageOptions(LayoutEach::Grid));
    const auto grids = column("SELECT code FROM grids ORDER BY code");
    ASSERT_GT(grids.size(), 3u);
    EXPECT_EQ(pages.count(), grids.size());
    const std::string out = layoutOutDir() + "/grids.pdf";
    Feedback feedback;
    std::vector<std::string> stages;
    feedback.setProgressCallback([&](double, const std::string& s) { stages.push_back(s); });
    const auto r = writeLayout(layout, pages, provider, LayoutOutput{out}, fixedOptions(), &feedback);
    EXPECT_EQ(r.pages, grids.size());
    EXPECT_EQ(testing::pdfPages(out), static_cast<int>(grids.size()));
    EXPECT_EQ(std::count_if(stages.begin(), stages.end(), [](const std::string& s) { return s.rfind("page ", 0) == 0; }),
              static_cast<long>(grids.size()));
    // Every grid's page names its grid code.
    const std::string text = testing::pdfText(out);
    for (const auto& code : grids) EXPECT_NE(text.find(code), std::string::npos) << code;
}

TEST(LayoutOutput, OneFilePerPageWithAPatternOrAFolder) {
    const Layout layout = loadLayout(sourcePath("maps/grid-sheet.json"));
    storage::AtlasProvider provider(demoAtlasPath());
    io::AtlasLayoutPages pages(provider.atlas(), layout, pageOptions(LayoutEach::Grid));
    LayoutOptions o = fixedOptions();
    o.dpi = 40;
    const std::string dir = layoutOutDir() + "/per-page";
    const auto r = writeLayout(layout, pages, provider, LayoutOutput{dir + "/{n}-{name}.png"}, o);
    ASSERT_EQ(r.files.size(), pages.count());
    for (const auto& f : r.files) EXPECT_FALSE(QImage(QString::fromStdString(f)).isNull()) << f;
    const auto svg = writeLayout(layout, pages, provider, LayoutOutput{dir + "/svg/", OutputFormat::Svg}, o);
    ASSERT_EQ(svg.files.size(), pages.count());
    EXPECT_EQ(fs::path(svg.files.front()).extension(), ".svg");
    // A single PNG cannot hold them all: the error says what to do, and nothing is written.
    try {
        writeLayout(layout, pages, provider, LayoutOutput{dir + "/all.png"}, o);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("{name}"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir + "/all.png"));
}

TEST(LayoutOutput, CancelledBatchWritesNothing) {
    const Layout layout = loadLayout(sourcePath("maps/grid-sheet.json"));
    storage::AtlasProvider provider(demoAtlasPath());
    io::AtlasLayoutPages pages(provider.atlas(), layout, pageOptions(LayoutEach::Grid));
    Feedback feedback;
    feedback.setProgressCallback([&](double, const std::string& s) {
        if (s.rfind("page 2/", 0) == 0) feedback.cancel();
    });
    const std::string out = layoutOutDir() + "/cancelled.pdf";
    EXPECT_THROW(writeLayout(layout, pages, provider, LayoutOutput{out}, fixedOptions(), &feedback), CancelledError);
    EXPECT_FALSE(fs::exists(out));
}

/// Left edges of the dark runs along row `y` between x0 and x1 (a run: pixels darker than 100).
std::vector<int> darkRunStarts(const QImage& img, int y, int x0, int x1) {
    std::vector<int> starts;
    bool inRun = false;
    for (int x = std::max(0, x0); x < std::min(img.width(), x1); ++x) {
        const bool dark = qGray(img.pixel(x, y)) < 100;
        if (dark && !inRun) starts.push_back(x);
        inRun = dark;
    }
    return starts;
}

TEST(LayoutOutput, ScaleBarMeasuresRightInThePdf) {
    if (!havePoppler()) GTEST_SKIP() << "poppler-utils missing";
    // The small world's grid is a 400 m x 300 m rectangle: its red outline on the map is a known
    // distance. Both it and the scale bar are measured in the rasterised PDF.
    testing::SmallWorld world;
    const std::string mapPath = world.dir.file("map.json");
    std::ofstream(mapPath) << R"({"extent": "auto", "layers": [{"name": "buildings", "source": "buildings", "style": ")"
                           << sourcePath("styles/buildings-plain.json") << R"("}]})";
    const std::string layoutPath = world.dir.file("layout.json");
    std::ofstream(layoutPath) << R"({"layout": {"page": {"size": "A4", "orientation": "landscape"}, "each": "grid", "items": [
        {"type": "map", "id": "m", "rect": [20, 20, 257, 150], "map": "map.json", "margin": 0.1},
        {"type": "scale_bar", "rect": [20, 175, 120, 20], "frame": "m"}]}})";
    const Layout layout = loadLayout(layoutPath);
    storage::AtlasProvider provider(world.path);
    io::AtlasLayoutPages pages(provider.atlas(), layout, pageOptions(LayoutEach::Grid));
    const std::string out = world.dir.file("scale.pdf");
    const auto r = writeLayout(layout, pages, provider, LayoutOutput{out}, fixedOptions());
    ASSERT_FALSE(r.first.empty());
    const auto& page = r.first.front();
    ASSERT_GT(page.scaleBarDenominator, 0);
    const int dpi = 600;
    QImageReader::setAllocationLimit(1024); // MB: an A4 page at 600 dpi is 140 MB as ARGB
    const QImage img = testing::pdfPageImage(out, dpi);
    ASSERT_FALSE(img.isNull());
    auto toPx = [&](double mm) { return static_cast<int>(std::lround(mm / 25.4 * dpi)); };

    // Known distance: the grid's left and right outline (red) through the frame's middle row.
    const QRectF frame = page.maps.front().frameMm;
    const int row = toPx(frame.center().y());
    std::vector<int> red;
    for (int x = toPx(frame.left()) + 3; x < toPx(frame.right()) - 3; ++x) {
        const QRgb c = img.pixel(x, row);
        if (qRed(c) > 150 && qGreen(c) < 110 && qBlue(c) < 110) red.push_back(x);
    }
    ASSERT_GE(red.size(), 4u);
    // Centres of the first and last red line (each a few pixels wide).
    auto lineCentre = [&](bool first) {
        double sum = 0;
        int n = 0;
        const int edge = first ? red.front() : red.back();
        for (int x : red)
            if (std::abs(x - edge) <= toPx(1.0)) sum += x, ++n;
        return sum / n;
    };
    const double gridMm = (lineCentre(false) - lineCentre(true)) / dpi * 25.4;
    const double mmPerMetreMap = gridMm / 400.0;

    // The bar: the left edges of its first and last dark segment are (last dark index) segments apart.
    const QRectF bar = page.scaleBarMm;
    const auto starts = darkRunStarts(img, toPx(bar.center().y()), toPx(bar.left()) - 5, toPx(bar.right()) + 5);
    ASSERT_GE(starts.size(), 2u);
    const int segments = page.scaleBar.segments;
    const int lastDark = (segments - 1) / 2 * 2;
    const double measuredBarMm = (starts.back() - starts.front()) / static_cast<double>(dpi) * 25.4 * segments / lastDark;
    const double barMetres = page.scaleBar.lengthM;
    const double mmPerMetreBar = measuredBarMm / barMetres;
    EXPECT_NEAR(mmPerMetreBar / mmPerMetreMap, 1.0, 0.005) << "bar " << measuredBarMm << " mm for " << barMetres << " m; grid " << gridMm
                                                            << " mm for 400 m";
    // And the printed scale says the same.
    EXPECT_NEAR(mmPerMetreMap * page.scaleBarDenominator / 1000.0, 1.0, 0.005);
}

TEST(LayoutOutput, LargePngIsDrawnInBands) {
    // A3 at 600 dpi is 70 million pixels: over the one-piece limit, so it streams in bands.
    QImageReader::setAllocationLimit(1024); // MB: reading the page back for the comparison
    LayoutOptions o = fixedOptions();
    o.dpi = 600;
    const std::string out = layoutOutDir() + "/community-600.png";
    const auto r = writeFirst("maps/community-plan.json", out, std::nullopt, o);
    EXPECT_GT(r.bands, 1u);
    QImageReader reader(QString::fromStdString(out));
    EXPECT_EQ(reader.size(), r.page.sizePx());
    // The bands join: the banded page, scaled down, matches a page drawn in one piece.
    o.dpi = 75;
    const std::string small = layoutOutDir() + "/community-75.png";
    writeFirst("maps/community-plan.json", small, std::nullopt, o);
    QImage big(QString::fromStdString(out));
    ASSERT_FALSE(big.isNull());
    const QImage a = big.scaled(QImage(QString::fromStdString(small)).size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const QImage b(QString::fromStdString(small));
    long long dark = 0, darkBoth = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const bool da = qGray(a.pixel(x, y)) < 128, db = qGray(b.pixel(x, y)) < 128;
            dark += da;
            darkBoth += da && db;
        }
    ASSERT_GT(dark, 1000);
    EXPECT_GT(static_cast<double>(darkBoth) / static_cast<double>(dark), 0.6);
}

} // namespace
} // namespace gridatlas::render
