// Masking in every output path: the demo's ID numbers and phone numbers never appear in full in a
// chart, plan, layout page (PDF, SVG), export or report, unless --reveal asked for them (and then
// the page footer says so).
#include <gtest/gtest.h>

#include <QRegularExpression>

#include <filesystem>
#include <set>

#include "layout/layout_test_support.h"
#include "render/render_test_support.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::render {
namespace {

namespace fs = std::filesystem;
using testing::cliPath;
using testing::demoAtlasPath;
using testing::readFile;
using testing::runCommand;

struct Secrets {
    std::set<std::string> ids, phones;
};

const Secrets& secrets() {
    static const Secrets s = [] {
        Secrets out;
        storage::Connection conn(demoAtlasPath(), storage::OpenMode::ReadOnly);
        storage::Statement r(conn, "SELECT COALESCE(id_number, ''), COALESCE(phone, '') FROM residents");
        while (r.step()) {
            if (!r.columnText(0).empty()) out.ids.insert(r.columnText(0));
            if (!r.columnText(1).empty()) out.phones.insert(r.columnText(1));
        }
        storage::Statement s(conn, "SELECT phone FROM grid_staff WHERE phone IS NOT NULL");
        while (s.step()) out.phones.insert(s.columnText(0));
        return out;
    }();
    return s;
}

/// The full ID numbers and phones of the demo data found in `text`.
std::vector<std::string> leaks(const std::string& text) {
    static const QRegularExpression digits(QStringLiteral("[0-9]{11}[0-9Xx]{0,7}"));
    std::vector<std::string> found;
    auto it = digits.globalMatch(QString::fromStdString(text));
    while (it.hasNext()) {
        const std::string m = it.next().captured(0).toStdString();
        if (secrets().ids.count(m) || secrets().phones.count(m) || secrets().phones.count(m.substr(0, 11))) found.push_back(m);
    }
    return found;
}

/// The text of an output: pdftotext for PDFs, the bytes of everything else (SVG, CSV, GeoJSON).
std::string textOf(const std::string& path) {
    if (fs::path(path).extension() == ".pdf") return testing::pdfText(path);
    return readFile(path);
}

class Masking : public ::testing::Test {
protected:
    void SetUp() override {
        if (!testing::havePoppler()) GTEST_SKIP() << "poppler-utils missing";
        ASSERT_FALSE(secrets().phones.empty());
        ASSERT_FALSE(secrets().ids.empty());
        dir = testing::layoutOutDir() + "/masking";
        fs::create_directories(dir);
    }
    std::string run(const std::string& args) {
        std::string out;
        const int rc = runCommand("'" + cliPath() + "' " + args + " --atlas '" + demoAtlasPath() + "' 2>&1", &out);
        EXPECT_EQ(rc, 0) << args << "\n" << out;
        return out;
    }
    std::string map(const std::string& name) { return "'" + testing::sourcePath("maps/" + name) + "'"; }
    std::string dir;
};

TEST_F(Masking, NoOutputPathPrintsFullIdNumbersOrPhones) {
    std::vector<std::string> outputs;
    auto add = [&](const std::string& name) {
        outputs.push_back(dir + "/" + name);
        return "'" + outputs.back() + "'";
    };
    run("render --map " + map("member-residence.json") + " --out " + add("render.pdf"));
    run("render --map " + map("grids.json") + " --out " + add("render.svg"));
    {
        storage::Connection conn(demoAtlasPath(), storage::OpenMode::ReadOnly);
        const auto number = conn.queryText("SELECT b.number FROM buildings b JOIN units u ON u.building_id = b.id "
                                           "JOIN households h ON h.unit_id = u.id GROUP BY b.id, b.number ORDER BY COUNT(*) DESC, b.id LIMIT 1");
        const auto community = conn.queryText("SELECT c.name FROM buildings b JOIN communities c ON c.id = b.community_id "
                                              "JOIN units u ON u.building_id = b.id JOIN households h ON h.unit_id = u.id "
                                              "GROUP BY b.id, c.name ORDER BY COUNT(*) DESC, b.id LIMIT 1");
        ASSERT_TRUE(number && community);
        run("plan --building '" + *number + "' --community '" + *community + "' --out " + add("plan.pdf"));
        run("atlas --layout " + map("building-sheet.json") + " --only '" + *number + "' --out " + add("building.pdf"));
    }
    run("atlas --layout " + map("grid-sheet.json") + " --out " + add("grids.pdf"));
    run("atlas --layout " + map("community-plan.json") + " --out " + add("communities.pdf"));
    run("atlas --layout " + map("coverage-report.json") + " --out " + add("coverage.pdf"));
    run("atlas --layout " + map("grid-sheet.json") + " --format svg --out '" + dir + "/svg/'");
    for (const auto& e : fs::directory_iterator(dir + "/svg")) outputs.push_back(e.path().string());
    run("render --layout " + map("grid-sheet.json") + " --only " +
        *storage::Connection(demoAtlasPath(), storage::OpenMode::ReadOnly).queryText("SELECT MIN(code) FROM grids") + " --out " +
        add("one-grid.svg"));
    run("export --layer grids --out " + add("grids.csv"));
    run("export --layer households --out " + add("households.geojson"));
    run("grids stats --out " + add("stats.csv"));
    run("coverage --type health_station --out " + add("coverage.csv") + " --per-household " + add("coverage-households.csv"));

    ASSERT_GT(outputs.size(), 12u);
    for (const auto& path : outputs) {
        SCOPED_TRACE(path);
        ASSERT_TRUE(fs::exists(path));
        const std::string text = textOf(path);
        ASSERT_FALSE(text.empty());
        const auto found = leaks(text);
        EXPECT_TRUE(found.empty()) << found.size() << " unmasked, e.g. " << (found.empty() ? "" : found.front());
    }
    // The layout pages do show masked phones (the staff table): masking, not omission.
    EXPECT_NE(textOf(dir + "/grids.pdf").find("****"), std::string::npos);
}

TEST_F(Masking, RevealPrintsThemAndTheFooterSaysSo) {
    const std::string out = dir + "/grids-revealed.pdf";
    run("atlas --layout " + map("grid-sheet.json") + " --reveal --out '" + out + "'");
    const std::string text = textOf(out);
    EXPECT_FALSE(leaks(text).empty());
    EXPECT_NE(text.find("含未脱敏个人信息"), std::string::npos);
    EXPECT_EQ(text.find("个人信息已脱敏"), std::string::npos);
}

} // namespace
} // namespace gridatlas::render
