#include "render/render_test_support.h"

#include <QDir>
#include <QGuiApplication>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/support/error.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

namespace {

/// Rendering needs a QGuiApplication; one for the whole test program, on the offscreen platform.
class QtEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
        // gtest_discover_tests passes only the first ENVIRONMENT entry of the shared helper
        // (the list is not escaped), so fall back to the paths this binary was built with.
        if (!std::getenv("GRIDATLAS_SOURCE_DIR")) setenv("GRIDATLAS_SOURCE_DIR", GRIDATLAS_DEFAULT_SOURCE_DIR, 1);
        if (!std::getenv("GRIDATLAS_CLI")) setenv("GRIDATLAS_CLI", GRIDATLAS_DEFAULT_CLI, 1);
        static int argc = 1;
        static char name[] = "render_tests";
        static char* argv[] = {name, nullptr};
        m_app = std::make_unique<QGuiApplication>(argc, argv);
    }
    void TearDown() override { m_app.reset(); }

private:
    std::unique_ptr<QGuiApplication> m_app;
};

[[maybe_unused]] const auto* const kQtEnvironment = ::testing::AddGlobalTestEnvironment(new QtEnvironment);

class MemoryCursor : public model::FeatureCursor {
public:
    MemoryCursor(std::shared_ptr<MemoryLayer> layer, model::FeatureRequest req, std::vector<std::size_t> columns)
        : m_layer(std::move(layer)), m_req(std::move(req)), m_columns(std::move(columns)) {}
    bool next(model::Feature& out) override {
        while (m_pos < m_layer->features.size()) {
            const auto& f = m_layer->features[m_pos++];
            if (m_req.bbox && !m_req.bbox->intersects(f.geometry.bounds())) continue;
            out.id = f.id;
            out.geometry = m_req.withGeometry ? f.geometry : model::Geometry{};
            out.values.resize(m_columns.size());
            for (std::size_t i = 0; i < m_columns.size(); ++i) out.values[i] = f.values[m_columns[i]];
            return true;
        }
        return false;
    }

private:
    std::shared_ptr<MemoryLayer> m_layer;
    model::FeatureRequest m_req;
    std::vector<std::size_t> m_columns;
    std::size_t m_pos = 0;
};

class MemorySource : public model::FeatureSource {
public:
    explicit MemorySource(std::shared_ptr<MemoryLayer> layer) : m_layer(std::move(layer)) {}
    std::string name() const override { return m_layer->name; }
    model::GeomType geometryType() const override { return m_layer->type; }
    std::vector<model::Field> fields() const override { return m_layer->fields; }
    model::Rect extent() const override {
        model::Rect r;
        for (const auto& f : m_layer->features) r.expand(f.geometry.bounds());
        return r;
    }
    std::unique_ptr<model::FeatureCursor> features(const model::FeatureRequest& req) override {
        std::vector<std::size_t> columns;
        for (const auto& name : req.fields) {
            std::size_t i = 0;
            while (i < m_layer->fields.size() && m_layer->fields[i].name != name) ++i;
            if (i == m_layer->fields.size()) throw InputError("layer '" + m_layer->name + "' has no field '" + name + "'");
            columns.push_back(i);
        }
        return std::make_unique<MemoryCursor>(m_layer, req, std::move(columns));
    }

private:
    std::shared_ptr<MemoryLayer> m_layer;
};

std::string buildDir() {
    // The test binary runs in <build>/tests/render (ctest) or wherever; keep outputs together.
    if (const char* d = std::getenv("GRIDATLAS_RENDER_CHECK_DIR")) return d;
    return (std::filesystem::current_path() / "render_check").string();
}

} // namespace

std::vector<std::string> MemoryProvider::layerNames() const {
    std::vector<std::string> out;
    for (const auto& [name, layer] : m_layers) out.push_back(name);
    return out;
}

std::unique_ptr<model::FeatureSource> MemoryProvider::open(const std::string& layer) {
    auto it = m_layers.find(layer);
    if (it == m_layers.end()) throw InputError("unknown layer '" + layer + "'");
    return std::make_unique<MemorySource>(it->second);
}

std::string controlImagePath(const std::string& name) { return sourcePath("tests/render/control_images/" + name + "/expected.png"); }

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string compareWithControl(const QImage& actual, const std::string& name, int tolerance, int maxMismatched,
                               const std::string& outputName) {
    return compareWithReference(actual, controlImagePath(name), name, tolerance, maxMismatched, outputName);
}

std::string compareWithReference(const QImage& actualIn, const std::string& expectedPath, const std::string& name, int tolerance,
                                 int maxMismatched, const std::string& outputName) {
    const QImage actual = actualIn.convertToFormat(QImage::Format_ARGB32);
    const char* update = std::getenv("UPDATE_REFERENCES");
    if (update && std::string(update) == "1") {
        std::filesystem::create_directories(std::filesystem::path(expectedPath).parent_path());
        if (!actual.save(QString::fromStdString(expectedPath), "PNG")) return "cannot write the reference " + expectedPath;
        return {};
    }
    const std::string outDir = buildDir() + "/" + (outputName.empty() ? name : outputName);
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
        os << name << ": size " << actual.width() << "x" << actual.height() << " differs from the reference's " << expected.width()
           << "x" << expected.height() << " (actual: " << actualPath << ")";
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
            const int dr = std::abs(qRed(a[x]) - qRed(e[x])), dg = std::abs(qGreen(a[x]) - qGreen(e[x]));
            const int db = std::abs(qBlue(a[x]) - qBlue(e[x])), da = std::abs(qAlpha(a[x]) - qAlpha(e[x]));
            const int m = std::max({dr, dg, db, da});
            worst = std::max(worst, m);
            if (m > tolerance) {
                ++mismatched;
                d[x] = qRgb(255, 0, 0);
            } else {
                const int g = 200 + qGray(e[x]) / 5; // faint copy of the reference for orientation
                d[x] = qRgb(g, g, g);
            }
        }
    }
    if (mismatched <= maxMismatched) {
        std::error_code ec; // a pass clears what an earlier failure left
        std::filesystem::remove(outDir + "/diff.png", ec);
        std::filesystem::remove(outDir + "/report.txt", ec);
        return {};
    }
    diff.save(QString::fromStdString(outDir + "/diff.png"), "PNG");
    std::ostringstream os;
    os << name << ": " << mismatched << " pixels differ by more than " << tolerance << " (budget " << maxMismatched
       << ", worst channel difference " << worst << "); actual " << actualPath << ", diff " << outDir << "/diff.png, reference "
       << expectedPath;
    std::ofstream(outDir + "/report.txt") << os.str() << "\n";
    return os.str();
}

} // namespace gridatlas::testing
