// Charts as files: vector PDF with the CJK font embedded and selectable text, valid SVG with
// paths and CJK text, PNG at the asked dpi; masking; per-layer errors; nothing left on failure.
#include <gtest/gtest.h>

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QXmlStreamReader>

#include <filesystem>
#include <sstream>
#include <fstream>
#include <thread>

#include "model/support/error.h"
#include "render/chart_writer.h"
#include "render/legend.h"
#include "render/map_renderer.h"
#include "render/pdf_text_fix.h"
#include "render/render_test_support.h"
#include "storage/atlas.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

namespace fs = std::filesystem;
using testing::MemoryLayer;
using testing::MemoryProvider;
using testing::readFile;
using testing::runCommand;
using testing::SmallWorld;
using testing::sourcePath;
using testing::TempDir;

bool havePoppler() { return runCommand("command -v pdftotext && command -v pdffonts && command -v pdfimages") == 0; }

ChartOptions fixedOptions() {
    ChartOptions o;
    o.date = QDate(2024, 6, 1);
    return o;
}

/// Inflates every FlateDecode stream of a PDF (zlib, as qUncompress reads it after a size prefix).
std::string inflatedStreams(const std::string& pdf) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = pdf.find("stream", pos)) != std::string::npos) {
        std::size_t begin = pos + 6;
        if (begin < pdf.size() && pdf[begin] == '\r') ++begin;
        if (begin < pdf.size() && pdf[begin] == '\n') ++begin;
        const std::size_t end = pdf.find("endstream", begin);
        if (end == std::string::npos) break;
        const std::size_t dict = pdf.rfind("<<", pos);
        const bool flate = dict != std::string::npos && pdf.substr(dict, pos - dict).find("FlateDecode") != std::string::npos;
        if (flate) {
            QByteArray data = QByteArray::fromRawData(pdf.data() + begin, static_cast<qsizetype>(end - begin)).trimmed();
            data.prepend(QByteArray("\x00\x10\x00\x00", 4)); // expected size hint (1 MiB); qUncompress grows as needed
            out += qUncompress(data).toStdString();
        } else {
            out += pdf.substr(begin, end - begin);
        }
        pos = end + 9;
    }
    return out;
}

TEST(ChartOutput, PdfIsVectorWithEmbeddedCjkFontAndSelectableText) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    const std::string out = world.dir.file("chart.pdf");
    const ChartResult r = writeChart(doc, provider, out, fixedOptions());
    ASSERT_TRUE(fs::exists(out));
    const std::string pdf = readFile(out);
    ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);

    // Vector: the page content draws paths (re = rectangle, l = line, c = curve, f = fill, S = stroke)
    // and text (BT/Tj), and holds no raster image.
    const std::string content = inflatedStreams(pdf);
    EXPECT_NE(content.find(" re\n"), std::string::npos);
    EXPECT_NE(content.find(" l\n"), std::string::npos);
    EXPECT_NE(content.find("BT\n"), std::string::npos);
    EXPECT_EQ(pdf.find("/Subtype /Image"), std::string::npos) << "the chart must not contain raster images";

    if (!havePoppler()) GTEST_SKIP() << "poppler-utils (pdffonts, pdftotext) not installed";
    std::string fonts, text, images;
    ASSERT_EQ(runCommand("pdffonts '" + out + "'", &fonts), 0);
    EXPECT_NE(fonts.find("NotoSansCJKsc-Regular"), std::string::npos) << fonts;
    EXPECT_NE(fonts.find("NotoSansCJKsc-Bold"), std::string::npos) << fonts;
    // Columns: name type encoding emb sub uni object ID; every font is embedded.
    std::istringstream lines(fonts);
    std::string line;
    int fontLines = 0;
    while (std::getline(lines, line)) {
        if (line.rfind("NotoSans", 0) != 0) continue;
        ++fontLines;
        std::istringstream cols(line);
        std::string name, type1, type2, encoding, emb;
        cols >> name >> type1 >> type2 >> encoding >> emb;
        EXPECT_EQ(emb, "yes") << line;
    }
    EXPECT_EQ(fontLines, 2) << fonts;
    ASSERT_EQ(runCommand("pdftotext '" + out + "' -", &text), 0);
    for (const char* expected : {"湖西社区党员居住平面图", "湖西一网格", "兴华街道", "图例", "社区卫生服务站", "个人信息已脱敏", "比例尺 1:", "2024年6月1日"})
        EXPECT_NE(text.find(expected), std::string::npos) << "pdftotext misses " << expected << ":\n" << text;
    EXPECT_EQ(text.find("⾯"), std::string::npos) << "Kangxi radicals instead of ideographs";
    ASSERT_EQ(runCommand("pdfimages -list '" + out + "'", &images), 0);
    EXPECT_EQ(images.find("image"), images.rfind("image")) << images; // only the header line
    EXPECT_EQ(r.title, QStringLiteral("湖西社区党员居住平面图"));
}

TEST(ChartOutput, PdfToUnicodeFixMapsRadicalsToIdeographs) {
    QByteArray pdf = "1 0 obj\n<< /ToUnicode 2 0 R >>\nendobj\n2 0 obj\n<< /Length 60 >>\nstream\n"
                     "2 beginbfrange\n<0001> <0001> <2FAF>\n<0002> <0003> [<2F00> <0041> ]\nendbfrange\nendstream\nendobj\n";
    const qsizetype size = pdf.size();
    EXPECT_EQ(fixPdfToUnicode(pdf), 2);
    EXPECT_EQ(pdf.size(), size) << "fixed in place: no offsets move";
    EXPECT_TRUE(pdf.contains("<0001> <0001> <9762>")); // 面
    EXPECT_TRUE(pdf.contains("[<4E00> <0041> ]"));     // 一, A untouched
}

TEST(ChartOutput, SvgIsValidXmlWithPathsAndCjkText) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    const std::string out = world.dir.file("chart.svg");
    writeChart(doc, provider, out, fixedOptions());
    QFile file(QString::fromStdString(out));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int paths = 0, images = 0;
    QStringList texts;
    QString width;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) continue;
        if (xml.name() == QLatin1String("svg")) width = xml.attributes().value("width").toString();
        if (xml.name() == QLatin1String("path")) ++paths;
        if (xml.name() == QLatin1String("image")) ++images;
        if (xml.name() == QLatin1String("text")) texts << xml.readElementText();
    }
    ASSERT_FALSE(xml.hasError()) << xml.errorString().toStdString() << " at line " << xml.lineNumber();
    EXPECT_GT(paths, 10);
    EXPECT_EQ(images, 0);
    EXPECT_TRUE(texts.contains(QStringLiteral("湖西社区党员居住平面图"))) << texts.join('|').toStdString();
    EXPECT_TRUE(texts.contains(QStringLiteral("湖西一网格")));
    ASSERT_TRUE(width.endsWith(QStringLiteral("mm"))) << width.toStdString();
    EXPECT_NEAR(width.chopped(2).toDouble(), 420.0, 0.1); // A3 landscape, physical size
}

TEST(ChartOutput, PngHasThePageSizeAtTheAskedDpi) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    const std::string out = world.dir.file("chart.png");
    ChartOptions o = fixedOptions();
    o.dpi = 50;
    o.page = PageSize::A4;
    o.orientation = PageOrientation::Portrait;
    writeChart(doc, provider, out, o);
    QImage image;
    ASSERT_TRUE(image.load(QString::fromStdString(out)));
    EXPECT_EQ(image.width(), 413); // 210 mm at 50 dpi
    EXPECT_EQ(image.height(), 585); // 297 mm
    EXPECT_NEAR(image.dotsPerMeterX(), 50 / 0.0254, 1.0);
}

TEST(ChartOutput, ScaleBarOnThePngMeasuresItsLengthAtThePrintedScale) {
    // Measure the bar in the image and convert with the page geometry alone: frame pixels over
    // the ground width it shows. Must agree with the bar's label to 0.5 %.
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    ChartOptions o = fixedOptions();
    o.antialiasing = false;
    ChartPage page;
    page.dpi = 150;
    QImage image(page.sizePx(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    const ChartResult r = renderChart(doc, provider, painter, page, o);
    painter.end();
    const double pxPerMm = page.dpi / 25.4;
    const int y = static_cast<int>(std::lround((r.scaleBarMm.top() + r.scaleBarMm.height() / 2) * pxPerMm));
    const int x0 = static_cast<int>(std::lround(r.scaleBarMm.left() * pxPerMm));
    auto dark = [&](int x) { return qGray(image.pixel(x, y)) < 100; };
    int left = x0 - 5;
    while (left < x0 + 5 && !dark(left)) ++left;
    int right = left;
    for (int x = left; x < left + static_cast<int>(r.scaleBarMm.width() * pxPerMm) + 10; ++x)
        if (dark(x)) right = x;
    const double barPx = right - left; // outline centre to outline centre
    const double groundPerPx = r.settings.visibleExtent().width() / r.settings.outputSize.width();
    const double pageScale = groundPerPx * pxPerMm * 1000.0; // ground mm per paper mm
    EXPECT_NEAR(pageScale, r.scaleDenominator, r.scaleDenominator * 1e-9);
    EXPECT_NEAR(barPx * groundPerPx, r.scaleBar.lengthM, r.scaleBar.lengthM * 0.005)
        << "bar " << barPx << " px at 1:" << r.scaleDenominator;
}

TEST(ChartOutput, StaffNamesAreMaskedUnlessRevealedAndTheFooterSaysSo) {
    if (!havePoppler()) GTEST_SKIP() << "poppler-utils not installed";
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    const MapDocument doc = loadMapDocument(sourcePath("maps/grids.json"));
    const std::string masked = world.dir.file("masked.pdf"), revealed = world.dir.file("revealed.pdf");
    writeChart(doc, provider, masked, fixedOptions());
    ChartOptions o = fixedOptions();
    o.reveal = true;
    writeChart(doc, provider, revealed, o);
    std::string a, b;
    ASSERT_EQ(runCommand("pdftotext '" + masked + "' -", &a), 0);
    ASSERT_EQ(runCommand("pdftotext '" + revealed + "' -", &b), 0);
    EXPECT_EQ(a.find("王建国"), std::string::npos) << a;
    EXPECT_NE(a.find("王**"), std::string::npos) << a;
    EXPECT_NE(a.find("个人信息已脱敏"), std::string::npos);
    EXPECT_NE(b.find("王建国"), std::string::npos) << b;
    EXPECT_NE(b.find("含未脱敏个人信息"), std::string::npos);
}

MemoryLayer pointsLayer() {
    MemoryLayer l{"points", model::GeomType::Point, {model::Field{"kind", model::FieldType::Integer, false}}, {}};
    for (int i = 0; i < 1000; ++i) l.features.push_back({i + 1, model::Geometry::point({double(i % 40), double(i / 40)}), {std::int64_t{i % 3}}});
    return l;
}

std::shared_ptr<const Style> pointStyle(const std::string& field) {
    return std::make_shared<const Style>(parseStyle(model::parseJson(
        R"({"geometry": "point", "renderer": {"type": "categorized", "field": ")" + field + R"(", "categories": [
            {"value": 0, "symbol": {"fill": "#ff0000"}}, {"value": 1, "symbol": {"fill": "#00ff00"}}]}})", "t"), "t"));
}

TEST(ChartOutput, OneBadLayerDoesNotBlankTheMap) {
    MemoryProvider provider;
    provider.add(pointsLayer());
    MapSettings s;
    s.extent = model::Rect{0, 0, 40, 25};
    s.outputSize = QSize(200, 125);
    s.layers.push_back(MapLayer{"bad", "坏图层", "points", pointStyle("no_such_field"), 1.0, 0, 0, {}, true});
    s.layers.push_back(MapLayer{"missing", "缺失", "no_such_source", pointStyle("kind"), 1.0, 0, 0, {}, true});
    s.layers.push_back(MapLayer{"good", "好图层", "points", pointStyle("kind"), 1.0, 0, 0, {}, true});
    QImage image(s.outputSize, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    const RenderResult r = renderMap(s, provider, painter);
    painter.end();
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].layer, "bad");
    EXPECT_NE(r.errors[0].message.find("no_such_field"), std::string::npos);
    EXPECT_EQ(r.errors[1].layer, "missing");
    ASSERT_EQ(r.layers.size(), 3u);
    EXPECT_EQ(r.layers[2].drawn, 667u); // kinds 0 and 1 of 1000; kind 2 has no class
    EXPECT_EQ(r.layers[2].slotCounts, (std::vector<std::size_t>{334, 333}));
}

TEST(ChartOutput, FilterKeepsOnlyMatchingFeatures) {
    MemoryProvider provider;
    provider.add(pointsLayer());
    MapSettings s;
    s.extent = model::Rect{0, 0, 40, 25};
    s.outputSize = QSize(200, 125);
    s.layers.push_back(MapLayer{"only1", "", "points", pointStyle("kind"), 1.0, 0, 0, {FilterTerm{"kind", {"1"}, 0}}, true});
    QImage image(s.outputSize, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    const RenderResult r = renderMap(s, provider, painter);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.layers[0].drawn, 333u);
    const auto counted = countFeatures(s, provider);
    EXPECT_EQ(counted[0].slotCounts, r.layers[0].slotCounts);
}

TEST(ChartOutput, CancelledRenderThrowsAndWritesNothing) {
    SmallWorld world;
    storage::AtlasProvider provider(world.path);
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    const std::string out = world.dir.file("cancelled.pdf");
    Feedback feedback;
    feedback.cancel();
    EXPECT_THROW(writeChart(doc, provider, out, fixedOptions(), &feedback), CancelledError);
    EXPECT_FALSE(fs::exists(out));
    for (const auto& e : fs::directory_iterator(world.dir.path()))
        EXPECT_EQ(e.path().filename().string().rfind("fixture.sqlite", 0), 0u) << "left behind: " << e.path();
}

TEST(ChartOutput, FailedLayerFailsTheChartAndKeepsAnOldFile) {
    MemoryProvider provider;
    provider.add(pointsLayer());
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "styles");
    std::ofstream(dir.path() / "styles" / "p.json") << R"({"geometry": "point", "renderer": {"type": "categorized", "field": "gone", "palette": ["#ff0000"]}})";
    std::ofstream(dir.path() / "map.json") << R"({"layers": [{"name": "p", "source": "points", "style": "styles/p.json"}]})";
    const MapDocument doc = loadMapDocument((dir.path() / "map.json").string());
    const std::string out = dir.file("x.png");
    std::ofstream(out) << "old";
    try {
        writeChart(doc, provider, out, fixedOptions());
        ADD_FAILURE() << "a failed layer must fail the chart";
    } catch (const RenderError& e) {
        EXPECT_NE(std::string(e.what()).find("layer 'p'"), std::string::npos) << e.what();
    }
    EXPECT_EQ(readFile(out), "old");
}

TEST(ChartOutput, RenderOnAWorkerThreadIntoAnImage) {
    // The viewer's use: snapshot on one thread, render on another with its own provider.
    SmallWorld world;
    const MapDocument doc = loadMapDocument(sourcePath("maps/member-residence.json"));
    std::shared_ptr<const MapSettings> settings;
    {
        storage::AtlasProvider provider(world.path);
        settings = std::make_shared<const MapSettings>(makeMapSettings(doc, resolveExtent(doc, provider), QSize(320, 240), 96, false));
    }
    RenderResult result;
    std::thread worker([&] {
        storage::AtlasProvider own(world.path);
        QImage image(settings->outputSize, QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&image);
        result = renderMap(*settings, own, painter);
    });
    worker.join();
    EXPECT_TRUE(result.ok());
    EXPECT_GT(result.layers.size(), 5u);
}

TEST(Legend, ListsTheClassesDrawnTopLayerFirstWithGroupsAndCounts) {
    MemoryProvider provider;
    provider.add(pointsLayer()); // kinds 0, 1, 2
    auto counted = std::make_shared<Style>(*pointStyle("kind"));
    counted->legendCounts = true;
    auto single = std::make_shared<const Style>(parseStyle(model::parseJson(R"({"geometry": "point"})", "t"), "t"));
    MapSettings s;
    s.extent = model::Rect{0, 0, 40, 25};
    s.outputSize = QSize(200, 125);
    s.layers.push_back(MapLayer{"kinds", "类别", "points", counted, 1.0, 0, 0, {}, true, ""});
    s.layers.push_back(MapLayer{"all", "全部点", "points", single, 1.0, 0, 0, {}, true, "点"});
    s.layers.push_back(MapLayer{"ones", "一类点", "points", single, 1.0, 0, 0, {FilterTerm{"kind", {"1"}, 0}}, true, "点"});
    s.layers.push_back(MapLayer{"hidden", "不在图例", "points", single, 1.0, 0, 0, {}, false, ""});
    const auto groups = buildLegend(s, countFeatures(s, provider));
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].title, QStringLiteral("点")); // the two grouped layers, top one first
    ASSERT_EQ(groups[0].rows.size(), 2u);
    EXPECT_EQ(groups[0].rows[0].text, QStringLiteral("一类点"));
    EXPECT_EQ(groups[0].rows[1].text, QStringLiteral("全部点"));
    EXPECT_EQ(groups[1].title, QStringLiteral("类别"));
    ASSERT_EQ(groups[1].rows.size(), 2u); // kind 2 has no class: not in the legend
    EXPECT_EQ(groups[1].rows[0].text, QStringLiteral("0（334）"));
    EXPECT_EQ(groups[1].rows[1].symbol.fill, QColor("#00ff00"));
}

} // namespace
} // namespace gridatlas::render
