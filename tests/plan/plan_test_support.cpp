#include "plan/plan_test_support.h"

#include <QGuiApplication>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

namespace {

/// Rendering needs a QGuiApplication; one for the whole test program, on the offscreen platform.
class QtEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
        // gtest_discover_tests passes only the first ENVIRONMENT entry; fall back to build paths.
        if (!std::getenv("GRIDATLAS_SOURCE_DIR")) setenv("GRIDATLAS_SOURCE_DIR", GRIDATLAS_DEFAULT_SOURCE_DIR, 1);
        if (!std::getenv("GRIDATLAS_CLI")) setenv("GRIDATLAS_CLI", GRIDATLAS_DEFAULT_CLI, 1);
        static int argc = 1;
        static char name[] = "plan_tests";
        static char* argv[] = {name, nullptr};
        m_app = std::make_unique<QGuiApplication>(argc, argv);
        GDALAllRegister();
    }
    void TearDown() override { m_app.reset(); }

private:
    std::unique_ptr<QGuiApplication> m_app;
};

[[maybe_unused]] const auto* const kQtEnvironment = ::testing::AddGlobalTestEnvironment(new QtEnvironment);

void setLayer(OGRFeature& f, const std::string& layer) {
    const int i = f.GetFieldIndex("Layer");
    if (i >= 0) f.SetField(i, layer.c_str());
}

} // namespace

void writeDxf(const std::string& path, const std::vector<DxfShape>& shapes, const std::vector<DxfText>& texts,
              const std::vector<std::vector<model::Vec2>>& openLines) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("DXF");
    if (!driver) throw std::runtime_error("GDAL has no DXF driver");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw std::runtime_error("cannot create " + path);
    OGRLayer* layer = ds->CreateLayer("entities", nullptr, wkbUnknown, nullptr);
    if (!layer) throw std::runtime_error("cannot create the DXF layer in " + path);
    auto add = [&](std::unique_ptr<OGRGeometry> g, const std::string& layerName, const std::string& style) {
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        setLayer(*f, layerName);
        f->SetGeometry(g.get());
        if (!style.empty()) f->SetStyleString(style.c_str());
        if (layer->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error("cannot write a DXF entity to " + path);
    };
    for (const auto& s : shapes) {
        auto line = std::make_unique<OGRLinearRing>();
        for (const auto& p : s.ring) line->addPoint(p.x, p.y);
        if (!(s.ring.front() == s.ring.back())) line->addPoint(s.ring.front().x, s.ring.front().y);
        if (s.hatch) {
            auto poly = std::make_unique<OGRPolygon>();
            poly->addRingDirectly(line.release());
            add(std::move(poly), s.layer, "BRUSH(fc:#c0c0c0)");
        } else {
            auto ls = std::make_unique<OGRLineString>();
            for (int i = 0; i < line->getNumPoints(); ++i) ls->addPoint(line->getX(i), line->getY(i));
            add(std::move(ls), s.layer, "PEN(c:#000000)");
        }
    }
    for (const auto& l : openLines) {
        auto ls = std::make_unique<OGRLineString>();
        for (const auto& p : l) ls->addPoint(p.x, p.y);
        add(std::move(ls), "WALLS", "PEN(c:#000000)");
    }
    for (const auto& t : texts) {
        std::string escaped;
        for (char c : t.text) {
            if (c == '"' || c == '\\') escaped += '\\';
            escaped += c;
        }
        add(std::make_unique<OGRPoint>(t.at.x, t.at.y), t.layer,
            "LABEL(f:\"Arial\",t:\"" + escaped + "\",s:300g,p:5,a:" + std::to_string(t.angleDeg) + ")");
    }
}

std::vector<model::Vec2> rectRing(double x0, double y0, double x1, double y1) {
    return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

std::vector<model::Vec2> placed(const std::vector<model::Vec2>& ring, double scale, double deg, double dx, double dy) {
    const double a = deg * std::numbers::pi / 180.0, c = std::cos(a), s = std::sin(a);
    std::vector<model::Vec2> out;
    for (const auto& p : ring) out.push_back({dx + scale * (c * p.x - s * p.y), dy + scale * (s * p.x + c * p.y)});
    return out;
}

std::string compareWithPlanControl(const QImage& actualIn, const std::string& name, int tolerance, int maxMismatched) {
    const QImage actual = actualIn.convertToFormat(QImage::Format_ARGB32);
    const std::string expectedPath = sourcePath("tests/plan/control_images/" + name + "/expected.png");
    if (const char* update = std::getenv("UPDATE_REFERENCES"); update && std::string(update) == "1") {
        std::filesystem::create_directories(std::filesystem::path(expectedPath).parent_path());
        if (!actual.save(QString::fromStdString(expectedPath), "PNG")) return "cannot write the reference " + expectedPath;
        return {};
    }
    const std::string outDir = (std::filesystem::current_path() / "plan_check" / name).string();
    std::filesystem::create_directories(outDir);
    const std::string actualPath = outDir + "/actual.png";
    actual.save(QString::fromStdString(actualPath), "PNG");
    QImage expected;
    if (!expected.load(QString::fromStdString(expectedPath)))
        return "no reference image " + expectedPath + " (actual written to " + actualPath +
               "; look at it, then create the reference with UPDATE_REFERENCES=1)";
    expected = expected.convertToFormat(QImage::Format_ARGB32);
    if (expected.size() != actual.size()) {
        std::ostringstream os;
        os << name << ": size " << actual.width() << "x" << actual.height() << " differs from the reference's "
           << expected.width() << "x" << expected.height() << " (actual: " << actualPath << ")";
        return os.str();
    }
    QImage diff(actual.size(), QImage::Format_ARGB32);
    diff.fill(Qt::white);
    int mismatched = 0, worst = 0;
    for (int y = 0; y < actual.height(); ++y) {
        const auto* a = reinterpret_cast<const QRgb*>(actual.constScanLine(y));
        const auto* e = reinterpret_cast<const QRgb*>(expected.constScanLine(y));
        auto* d = reinterpret_cast<QRgb*>(diff.scanLine(y));
        for (int x = 0; x < actual.width(); ++x) {
            const int m = std::max({std::abs(qRed(a[x]) - qRed(e[x])), std::abs(qGreen(a[x]) - qGreen(e[x])),
                                    std::abs(qBlue(a[x]) - qBlue(e[x])), std::abs(qAlpha(a[x]) - qAlpha(e[x]))});
            worst = std::max(worst, m);
            if (m > tolerance) {
                ++mismatched;
                d[x] = qRgb(255, 0, 0);
            } else {
                const int g = 200 + qGray(e[x]) / 5;
                d[x] = qRgb(g, g, g);
            }
        }
    }
    if (mismatched <= maxMismatched) return {};
    diff.save(QString::fromStdString(outDir + "/diff.png"), "PNG");
    std::ostringstream os;
    os << name << ": " << mismatched << " pixels differ by more than " << tolerance << " (budget " << maxMismatched
       << ", worst channel difference " << worst << "); actual " << actualPath << ", diff " << outDir << "/diff.png, reference "
       << expectedPath;
    std::ofstream(outDir + "/report.txt") << os.str() << "\n";
    return os.str();
}

} // namespace gridatlas::testing
