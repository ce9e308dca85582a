// Roster import against the SmallWorld fixture (湖西社区: 1栋 with 2 units x 6 floors x 2 flats,
// 2栋 with 1 unit x 18 floors x 2 flats; one resident per household; 住户3 in 1栋1单元201 is 刘党员).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "io/roster_import.h"
#include "io/text_encoding.h"
#include "model/id_number.h"
#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"
#include "storage/household_points.h"

extern char** environ;

using namespace gridatlas;
using gridatlas::testing::SmallWorld;

namespace {

constexpr int kYear = 2026;

const char* kHeader = "序号,姓名,性别,出生日期,身份证号,联系电话,住址,与户主关系,是否党员,党员类型,所在支部,残疾,低保";

// Five rows: two new residents in existing flats, one in a flat the roster creates (1栋2单元602
// is deleted from the fixture first), the existing member updated by name in its household, and one matched
// by name only (住户10 lives in 1栋1单元502).
const std::vector<std::string> kRows = {
    "1,王小明,男,1990-05-01,42011119900501123X,13800001111,湖西社区1栋1单元101室,子女,否,,,否,是",
    "2,李 红,女,,11010519491231002X,,湖西社区2-1-1202,户主,是,预备党员,湖西社区第一支部,否,",
    "3,赵新,男,1985/6/15,420111198506151236,139-0000-2222,湖西社区1栋2单元602,户主,否,,,是,否",
    "4,刘党员,男,,,13600009999,湖西社区1栋1单元201,户主,是,正式党员,湖西社区第一支部,,",
    "5,住户10,,,,,湖西社区一栋一单元五〇二,户主,,,,,",
};

std::string csv(const std::vector<std::string>& rows) {
    std::string s = std::string(kHeader) + "\r\n";
    for (const auto& r : rows) s += r + "\r\n";
    return s;
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

std::vector<std::string> splitComma(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) out.push_back(cell);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
}

/// The same roster as an Excel workbook, written with GDAL's XLSX driver (all cells text).
void writeXlsx(const std::string& path, const std::vector<std::string>& rows) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
    ASSERT_NE(drv, nullptr);
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->CreateLayer("名册", nullptr, wkbNone, nullptr);
    ASSERT_NE(layer, nullptr);
    for (const auto& h : splitComma(kHeader)) {
        OGRFieldDefn f(h.c_str(), OFTString);
        ASSERT_EQ(layer->CreateField(&f), OGRERR_NONE);
    }
    for (const auto& r : rows) {
        OGRFeature feat(layer->GetLayerDefn());
        const auto cells = splitComma(r);
        for (std::size_t i = 0; i < cells.size(); ++i)
            if (!cells[i].empty()) feat.SetField(static_cast<int>(i), cells[i].c_str());
        ASSERT_EQ(layer->CreateFeature(&feat), OGRERR_NONE);
    }
}

/// Everything the import may touch, as text (households and residents, ordered).
std::string fingerprint(const std::string& atlasPath) {
    storage::Connection c(atlasPath, storage::OpenMode::ReadOnly);
    std::string out;
    storage::Statement h(c, "SELECT id, unit_id, floor, room, hardship, minimum_income, elderly_alone, left_behind_children, "
                            "geom IS NOT NULL FROM households ORDER BY id");
    while (h.step())
        for (int i = 0; i < h.columnCount(); ++i) out += h.columnText(i) + (i + 1 < h.columnCount() ? "|" : "\n");
    storage::Statement r(c, "SELECT id, household_id, name, relation, gender, birth_year, phone, id_number, disability, "
                            "is_member, member_type, branch, joined_year FROM residents ORDER BY id");
    while (r.step())
        for (int i = 0; i < r.columnCount(); ++i) out += r.columnText(i) + (i + 1 < r.columnCount() ? "|" : "\n");
    return out;
}

std::int64_t count(storage::Atlas& a, const std::string& sql) {
    return a.connection().queryInt(sql).value_or(-1);
}

struct RosterWorld : SmallWorld {
    RosterWorld() {
        // A flat without its household: the roster creates it.
        atlas->connection().exec("DELETE FROM households WHERE unit_id = 2 AND room = '602'");
    }
    io::RosterImportResult import(const std::string& roster, bool dryRun = false, bool partial = false,
                                  const io::MappingFile* mapping = nullptr) {
        const io::RosterTable table = io::readRoster(roster, "", mapping);
        const io::ColumnMapping m = io::detectMapping(table.headers(), mapping);
        io::RosterImportOptions o;
        o.dryRun = dryRun;
        o.partial = partial;
        o.currentYear = kYear;
        return io::importRoster(*atlas, table, m, o);
    }
};

} // namespace

TEST(RosterImport, AddsUpdatesMatchesAndCreatesHouseholds) {
    RosterWorld w;
    const std::string roster = w.dir.file("r.csv");
    writeFile(roster, csv(kRows));
    const auto before = count(*w.atlas, "SELECT COUNT(*) FROM residents");
    storage::refreshHouseholdPoints(w.atlas->connection());
    const auto r = w.import(roster);
    EXPECT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.rows, 5u);
    EXPECT_EQ(r.added, 3u) << r.summary();
    EXPECT_EQ(r.updated, 1u) << r.summary();   // 刘党员's phone
    EXPECT_EQ(r.unchanged, 1u) << r.summary(); // 住户10 by name
    EXPECT_EQ(r.rejected, 0u);
    EXPECT_EQ(r.householdsCreated, 1u);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM residents"), before + 3);
    auto& c = w.atlas->connection();
    // 王小明 in 1栋1单元101 with his data; the household now on minimum income.
    EXPECT_EQ(c.queryText("SELECT r.phone || '|' || r.gender || '|' || r.birth_year || '|' || h.room || '|' || h.minimum_income "
                          "FROM residents r JOIN households h ON h.id = r.household_id WHERE r.name = '王小明'"),
              "13800001111|M|1990|101|1");
    // 李红 (name padding dropped): gender and birth year from the ID number, a probationary member in 2栋 1202.
    EXPECT_EQ(
        c.queryText("SELECT r.gender || '|' || r.birth_year || '|' || r.member_type || '|' || h.room || '|' || u.building_id "
                    "FROM residents r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id "
                    "WHERE r.name = '李红'"),
        "F|1949|probationary|1202|2");
    // 赵新 in the created household 1栋2单元602 (floor 6 from the room), phone without dashes, disability.
    EXPECT_EQ(c.queryText("SELECT h.floor || '|' || h.unit_id || '|' || r.phone || '|' || r.disability FROM residents r "
                          "JOIN households h ON h.id = r.household_id WHERE r.name = '赵新'"),
              "6|2|13900002222|1");
    EXPECT_EQ(c.queryText("SELECT phone FROM residents WHERE name = '刘党员'"), "13600009999");
    // The connection is left as it was.
    EXPECT_EQ(c.queryInt("PRAGMA foreign_keys"), 1);
    EXPECT_EQ(c.queryInt("PRAGMA synchronous"), 2);
    EXPECT_EQ(c.queryInt("PRAGMA threads"), 0);
    // household_points was brought up to date in the import's transaction: its one block holds
    // every placed household, the created one and the new minimum-income flag included.
    ASSERT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM household_points"), 1);
    storage::HouseholdPointRows points;
    {
        storage::Statement st(c, "SELECT block, data FROM household_points");
        ASSERT_TRUE(st.step());
        ASSERT_TRUE(storage::decodeHouseholdPoints(st.columnBlob(1), st.columnInt(0), points));
    }
    EXPECT_EQ(static_cast<std::int64_t>(points.size()), count(*w.atlas, "SELECT COUNT(*) FROM households WHERE geom IS NOT NULL"));
    std::int64_t minimumIncome = 0;
    for (auto f : points.flags) minimumIncome += (f & storage::kPointMinimumIncome) ? 1 : 0;
    EXPECT_EQ(minimumIncome, count(*w.atlas, "SELECT COUNT(*) FROM households WHERE minimum_income = 1 AND geom IS NOT NULL"));
    EXPECT_GT(minimumIncome, 0);
    // The run is recorded.
    EXPECT_EQ(c.queryText("SELECT kind || '|' || added || '|' || updated || '|' || unchanged || '|' || rejected FROM imports"),
              "roster|3|1|1|0");
}

TEST(RosterImport, Utf8GbkAndXlsxRostersGiveTheSameAtlas) {
    RosterWorld a, b, c;
    const std::string utf8 = a.dir.file("r.csv"), gbk = b.dir.file("r_gbk.csv"), xlsx = c.dir.file("r.xlsx");
    writeFile(utf8, "\xEF\xBB\xBF" + csv(kRows));
    writeFile(gbk, io::encodeGb18030(csv(kRows)));
    writeXlsx(xlsx, kRows);
    const io::RosterTable tg = io::readRoster(gbk, "", nullptr);
    EXPECT_EQ(tg.encoding(), "GB18030");
    EXPECT_EQ(tg.cell(0, 1), "王小明");
    const auto ra = a.import(utf8), rb = b.import(gbk), rc = c.import(xlsx);
    EXPECT_TRUE(ra.written && rb.written && rc.written) << ra.summary() << " / " << rb.summary() << " / " << rc.summary();
    EXPECT_EQ(ra.added, 3u);
    EXPECT_EQ(ra.summary(), rb.summary());
    EXPECT_EQ(ra.summary(), rc.summary());
    const std::string fa = fingerprint(a.path);
    EXPECT_EQ(fa, fingerprint(b.path));
    EXPECT_EQ(fa, fingerprint(c.path));
}

TEST(RosterImport, DryRunWritesNothing) {
    RosterWorld w;
    const std::string roster = w.dir.file("r.csv");
    writeFile(roster, csv(kRows));
    const std::string before = fingerprint(w.path);
    const auto r = w.import(roster, /*dryRun=*/true);
    EXPECT_FALSE(r.written);
    EXPECT_EQ(r.added, 3u) << "a dry run reports what it would do";
    EXPECT_EQ(fingerprint(w.path), before);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM imports"), 0);
}

TEST(RosterImport, ReimportChangesNothingAndAnUpdatedRosterUpdates) {
    RosterWorld w;
    const std::string roster = w.dir.file("r.csv");
    writeFile(roster, csv(kRows));
    ASSERT_TRUE(w.import(roster).written);
    const std::string after1 = fingerprint(w.path);
    const auto again = w.import(roster);
    EXPECT_TRUE(again.written);
    EXPECT_EQ(again.added, 0u) << again.summary();
    EXPECT_EQ(again.updated, 0u) << again.summary();
    EXPECT_EQ(again.unchanged, 5u) << again.summary();
    EXPECT_EQ(again.householdsCreated, 0u);
    EXPECT_EQ(fingerprint(w.path), after1);
    // A new phone for 王小明 and 赵新 no longer disabled: two updates, nothing added.
    auto rows = kRows;
    rows[0] = "1,王小明,男,1990-05-01,42011119900501123X,13800002222,湖西社区1栋1单元101室,子女,否,,,否,是";
    rows[2] = "3,赵新,男,1985/6/15,420111198506151236,139-0000-2222,湖西社区1栋2单元602,户主,否,,,否,否";
    writeFile(roster, csv(rows));
    const auto upd = w.import(roster);
    EXPECT_EQ(upd.updated, 2u) << upd.summary();
    EXPECT_EQ(upd.added, 0u);
    EXPECT_EQ(w.atlas->connection().queryText("SELECT phone FROM residents WHERE name = '王小明'"), "13800002222");
}

TEST(RosterImport, OneBadRowWritesNothingUnlessPartial) {
    RosterWorld w;
    auto rows = kRows;
    rows.push_back("6,错楼,男,,,,湖西社区9栋1单元101室,户主,否,,,,");
    const std::string roster = w.dir.file("r.csv");
    writeFile(roster, csv(rows));
    const std::string before = fingerprint(w.path);
    const auto r = w.import(roster);
    EXPECT_FALSE(r.written);
    EXPECT_EQ(r.rejected, 1u);
    ASSERT_EQ(r.rejects.size(), 1u);
    EXPECT_EQ(r.rejects[0].row, 7); // header is row 1
    EXPECT_EQ(r.rejects[0].address, "湖西社区9栋1单元101室");
    EXPECT_NE(r.rejects[0].reason.find("no building 9"), std::string::npos) << r.rejects[0].reason;
    EXPECT_NE(r.summary().find("nothing written"), std::string::npos);
    EXPECT_EQ(fingerprint(w.path), before);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM imports"), 0);

    const auto p = w.import(roster, false, /*partial=*/true);
    EXPECT_TRUE(p.written);
    EXPECT_EQ(p.added, 3u);
    EXPECT_EQ(p.rejected, 1u);
    EXPECT_NE(fingerprint(w.path), before);
    EXPECT_EQ(count(*w.atlas, "SELECT COUNT(*) FROM residents WHERE name = '错楼'"), 0);
    EXPECT_EQ(count(*w.atlas, "SELECT rejected FROM imports"), 1);
}

TEST(RosterImport, RejectReasonsNameTheProblem) {
    RosterWorld w;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"1,甲,男,,,,湖西社区1栋3单元101,,,,,,", "no unit 3"},
        {"1,乙,男,,,,湖西社区1栋101,,,,,,", "no unit given"},
        {"1,丙,男,,,,湖西社区2栋1单元1901,,,,,,", "floor 19 is above"},
        {"1,丁,男,,420111198506151235,,湖西社区1栋1单元101,,,,,,", "check digit"},
        {"1,戊,女,,420111198506151236,,湖西社区1栋1单元101,,,,,,", "ID number says 男"},
        {"1,己,男,1970-01-01,420111198506151236,,湖西社区1栋1单元101,,,,,,", "ID number says 1985"},
        {"1,庚,男,,,,东湖社区1栋1单元101,,,,,,", "community '东湖社区' is not in the atlas"},
        {"1,辛,男,,,,湖西社区32501,,,,,,", "address not understood"},
        {"1,壬,男,,,,湖西社区1栋1单元101,,否,预备党员,,,", "not a Party member"},
        {"1,癸,男,,,,湖西社区1栋1单元101,,,,第一支部,,", "not marked as a Party member"},
        {"1,子,男,,,abc,湖西社区1栋1单元101,,,,,,", "not one phone number"},
        {"1,,男,,,,湖西社区1栋1单元101,,,,,,", "姓名 is empty"},
        {"1,丑,男,,,,,,,,,,", "address is empty"},
        {"1,寅,未知,,,,湖西社区1栋1单元101,,,,,,", "not 男 or 女"},
    };
    for (const auto& [row, why] : cases) {
        const std::string roster = w.dir.file("bad.csv");
        writeFile(roster, csv({row}));
        const auto r = w.import(roster);
        ASSERT_EQ(r.rejects.size(), 1u) << row;
        EXPECT_NE(r.rejects[0].reason.find(why), std::string::npos) << row << " -> " << r.rejects[0].reason;
        EXPECT_EQ(r.rejects[0].reason.find("420111198506151235"), std::string::npos) << "ID numbers are masked in reasons";
    }
    // Duplicates within one roster.
    const std::string roster = w.dir.file("dup.csv");
    writeFile(roster, csv({kRows[0], "2,王小明二,男,1990-05-01,42011119900501123X,,湖西社区1栋1单元102,,,,,,",
                           "3,张三,男,,,,湖西社区1栋1单元103,,,,,,", "4,张三,男,,,,湖西社区1栋1单元103室,,,,,,"}));
    const auto r = w.import(roster);
    ASSERT_EQ(r.rejects.size(), 2u);
    EXPECT_NE(r.rejects[0].reason.find("same ID number as row 2"), std::string::npos) << r.rejects[0].reason;
    EXPECT_NE(r.rejects[1].reason.find("same person as row 4"), std::string::npos) << r.rejects[1].reason;
}

// A small roster in an atlas with many residents looks residents up row by row instead of
// loading them all: the same answers.
TEST(RosterImport, SmallRosterInALargeAtlasLooksResidentsUp) {
    RosterWorld w;
    auto& c = w.atlas->connection();
    c.exec("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1500) "
           "INSERT INTO residents (household_id, name) SELECT h.id, '邻居' || k.i FROM k JOIN households h ON h.id = 1 + k.i % 59");
    c.exec("INSERT INTO residents (household_id, name) VALUES (5, '重名'), (5, '重名')"); // 1栋1单元301 twice
    const std::string roster = w.dir.file("r.csv");
    writeFile(roster, csv(kRows));
    const auto r = w.import(roster);
    EXPECT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.added, 3u) << r.summary();
    EXPECT_EQ(r.updated, 1u) << r.summary();
    EXPECT_EQ(r.unchanged, 1u) << r.summary();
    const auto again = w.import(roster);
    EXPECT_EQ(again.unchanged, 5u) << again.summary();
    writeFile(roster, csv({"1,重名,男,,,,湖西社区1栋1单元301,,,,,,"}));
    const auto dup = w.import(roster);
    ASSERT_EQ(dup.rejects.size(), 1u) << dup.summary();
    EXPECT_NE(dup.rejects[0].reason.find("several residents named"), std::string::npos) << dup.rejects[0].reason;
}

// A thousand new residents: written in batches of several rows per statement; every column must
// land where it belongs (a re-import then finds them all unchanged).
TEST(RosterImport, ManyRowsLandColumnByColumn) {
    RosterWorld w;
    std::vector<std::string> rows;
    const char* rooms[] = {"101", "202", "303", "404", "501", "602"};
    for (int i = 0; i < 1000; ++i) {
        char first17[18];
        std::snprintf(first17, sizeof first17, "420111198%d%02d%02d%03d", i % 10, 1 + i % 12, 1 + i % 28, i % 1000);
        const std::string id = std::string(first17) + model::idCheckCharacterOf(first17);
        const bool male = (i % 1000) % 2 == 1;
        const bool member = i % 7 == 0;
        rows.push_back(std::to_string(i + 1) + ",居民" + std::to_string(i) + "," + (male ? "男" : "女") + ",," + id + ",1380000" +
                       std::to_string(1000 + i) + ",湖西社区1栋" + std::to_string(1 + i % 2) + "单元" + rooms[(i / 2) % 6] + ",子女," +
                       (member ? "是,预备党员,第" + std::to_string(i % 3 + 1) + "支部" : "否,,") + "," + (i % 5 == 0 ? "是" : "否") + ",");
    }
    const std::string roster = w.dir.file("many.csv");
    writeFile(roster, csv(rows));
    const auto r = w.import(roster);
    EXPECT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.added, 1000u) << r.summary() << (r.rejects.empty() ? "" : " first reject: " + r.rejects[0].reason);
    EXPECT_EQ(w.atlas->connection().queryText(
                  "SELECT r.gender || '|' || r.birth_year || '|' || r.phone || '|' || r.is_member || '|' || "
                  "ifnull(r.member_type, '-') || '|' || ifnull(r.branch, '-') || '|' || r.disability || '|' || h.room || '|' || h.unit_id "
                  "FROM residents r JOIN households h ON h.id = r.household_id WHERE r.name = '居民42'"),
              "F|1982|13800001042|1|probationary|第1支部|0|404|1");
    EXPECT_EQ(w.atlas->connection().queryText("SELECT r.gender || '|' || r.disability || '|' || r.relation FROM residents r WHERE r.name = '居民45'"),
              "M|1|子女");
    const auto again = w.import(roster);
    EXPECT_EQ(again.unchanged, 1000u) << again.summary();
    EXPECT_EQ(again.updated, 0u);
}

TEST(RosterImport, HeaderRowFoundBelowTitleRows) {
    RosterWorld w;
    const std::string roster = w.dir.file("titled.csv");
    writeFile(roster, "湖西社区居民花名册,,,\r\n制表日期：2024年5月,,,\r\n,,,\r\n" + csv({kRows[0]}));
    const auto t = io::readRoster(roster, "", nullptr);
    EXPECT_EQ(t.headerRow(), 4);
    EXPECT_EQ(t.rowCount(), 1u);
    EXPECT_EQ(t.rowNumber(0), 5);
    const auto r = w.import(roster);
    EXPECT_EQ(r.added, 1u) << r.summary();
}

TEST(RosterImport, MessyRealWorkbookNeedsItsMappingAndSaysWhy) {
    const std::string real = "/work/shared/realdata/xlsx_deaths_readxl.xlsx";
    if (!std::ifstream(real)) GTEST_SKIP() << real << " is not on this machine";
    gridatlas::testing::TempDir dir;
    const std::string copy = dir.file("deaths.xlsx");
    std::filesystem::copy_file(real, copy);
    // English headers: no known column names, so no header row without a mapping.
    try {
        io::readRoster(copy, "", nullptr);
        FAIL() << "expected no header row";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("no sheet has a header row"), std::string::npos) << e.what();
    }
    const std::string mapping = dir.file("deaths.map");
    writeFile(mapping, "# the readxl sample\nName = name\nDate of birth = birth_date\nProfession = ignore\n");
    const io::MappingFile m = io::loadMappingFile(mapping);
    const auto t = io::readRoster(copy, "arts", &m);
    EXPECT_EQ(t.headerRow(), 5);
    EXPECT_EQ(t.cell(0, 0), "David Bowie");
    EXPECT_GE(t.rowCount(), 10u);
    const auto cm = io::detectMapping(t.headers(), &m);
    EXPECT_EQ(cm.columnOf(io::RosterField::Name), 0);
    const auto problems = io::validateMapping(cm);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("address"), std::string::npos);
    EXPECT_THROW(io::readRoster(copy, "no such sheet", &m), InputError);
}

TEST(RosterImport, MappingFileErrorsNameTheLine) {
    gridatlas::testing::TempDir dir;
    const std::string mapping = dir.file("m.map");
    writeFile(mapping, "现住址 = address\n电话 = telephone\n");
    try {
        io::loadMappingFile(mapping);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("line 2: unknown field 'telephone'"), std::string::npos) << e.what();
    }
}

// ---- through the command line --------------------------------------------------------------------

TEST(RosterCli, ExitCodesRejectsFileAndDryRun) {
    RosterWorld w;
    w.atlas.reset(); // the CLI opens the file itself
    auto rows = kRows;
    rows.push_back("6,错楼,男,,,,湖西社区9栋1单元101室,户主,否,,,,");
    const std::string roster = w.dir.file("r.csv"), rejects = w.dir.file("rejects.csv");
    writeFile(roster, csv(rows));
    const std::string before = fingerprint(w.path);
    const std::string cmd = gridatlas::testing::cliPath() + " import-roster --atlas '" + w.path + "' '" + roster + "'";
    std::string out;
    EXPECT_EQ(gridatlas::testing::runCommand(cmd + " --rejects '" + rejects + "'", &out), 2) << out;
    EXPECT_NE(out.find("row 7: community 湖西社区 has no building 9"), std::string::npos) << out;
    EXPECT_EQ(fingerprint(w.path), before);
    std::ifstream in(rejects);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "\xEF\xBB\xBF行号,住址,原因\r\n7,\"湖西社区9栋1单元101室\",\"community 湖西社区 has no building 9\"\r\n");
    EXPECT_EQ(gridatlas::testing::runCommand(cmd + " --dry-run", &out), 2) << out;
    EXPECT_NE(out.find("dry run"), std::string::npos) << out;
    EXPECT_EQ(fingerprint(w.path), before);
    EXPECT_EQ(gridatlas::testing::runCommand(cmd + " --partial", &out), 3) << out;
    EXPECT_NE(fingerprint(w.path), before);
    rows.pop_back();
    writeFile(roster, csv(rows));
    EXPECT_EQ(gridatlas::testing::runCommand(cmd, &out), 0) << out;
    EXPECT_NE(out.find("0 added, 0 updated, 5 unchanged"), std::string::npos) << out;
    EXPECT_EQ(gridatlas::testing::runCommand(gridatlas::testing::cliPath() + " import-roster --atlas '" + w.path + "' '" +
                                                 w.dir.file("missing.csv") + "'",
                                             &out),
              1)
        << out;
    EXPECT_NE(out.find("missing.csv' does not exist"), std::string::npos) << out;
}

// A roster of 200k residents (new people in the fixture's flats) killed with SIGKILL while it
// writes: the atlas is as it was, and intact.
TEST(RosterCli, KilledImportLeavesTheAtlasAsItWas) {
    RosterWorld w;
    w.atlas.reset();
    const std::string roster = w.dir.file("big.csv"), log = w.dir.file("stderr.txt");
    {
        std::ofstream out(roster, std::ios::binary);
        out << "姓名,住址\n";
        const char* rooms[] = {"101", "202", "303", "404", "505", "606"};
        for (int i = 0; i < 200000; ++i)
            out << "居民" << i << ",湖西社区1栋" << (1 + i % 2) << "单元" << rooms[(i / 2) % 6] << "\n";
    }
    const std::string before = fingerprint(w.path);
    const std::string cli = gridatlas::testing::cliPath();
    std::vector<std::string> args = {cli, "import-roster", "--atlas", w.path, roster};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, cli.c_str(), &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    // Kill it once it has started writing residents.
    bool writing = false;
    for (int i = 0; i < 3000 && !writing; ++i) {
        std::ifstream in(log);
        std::stringstream ss;
        ss << in.rdbuf();
        writing = ss.str().find("writing residents") != std::string::npos;
        if (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(writing) << "the import never reached the writing stage";
    EXPECT_TRUE(WIFSIGNALED(status)) << "the import finished before the kill; the test proves nothing";
    EXPECT_EQ(fingerprint(w.path), before);
    storage::Connection c(w.path, storage::OpenMode::ReadWrite);
    EXPECT_EQ(c.queryText("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM imports"), 0);
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM residents WHERE name LIKE '居民%'"), 0);
}
