#include "layout/layout_test_support.h"

#include <filesystem>
#include <memory>
#include <sstream>

#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

namespace fs = std::filesystem;

namespace {

TempDir& sharedDir() {
    static TempDir dir; // removed when the program exits
    return dir;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

} // namespace

const std::string& demoAtlasPath() {
    // Scale S, the fixed seed: the same atlas every run (on PostGIS in the PostGIS run).
    return demoAtlas(sharedDir().file("demo.sqlite"), storage::DemoOptions{});
}

const std::string& layoutOutDir() {
    static const std::string dir = [] {
        const std::string d = sharedDir().file("out");
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

bool havePoppler() { return runCommand("command -v pdftotext && command -v pdfinfo && command -v pdftoppm") == 0; }

std::string pdfText(const std::string& pdf) {
    std::string out;
    if (runCommand("pdftotext -layout " + quoted(pdf) + " -", &out) != 0) return {};
    return out;
}

int pdfPages(const std::string& pdf) {
    std::string out;
    if (runCommand("pdfinfo " + quoted(pdf), &out) != 0) return -1;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pages:", 0) == 0) return std::stoi(line.substr(6));
    return -1;
}

QImage pdfPageImage(const std::string& pdf, int dpi) {
    const std::string base = pdf + "-raster";
    if (runCommand("pdftoppm -png -singlefile -f 1 -l 1 -r " + std::to_string(dpi) + " " + quoted(pdf) + " " + quoted(base)) != 0) return {};
    QImage img(QString::fromStdString(base + ".png"));
    std::error_code ec;
    fs::remove(base + ".png", ec);
    return img;
}

std::string layoutReference(const std::string& name) { return sourcePath("tests/layout/reference/" + name + ".png"); }

} // namespace gridatlas::testing
