// Recoding grids after CJ/T 349-2010: codes from the object code, the community's code and the
// reading order; applied in one transaction, swaps allowed, conflicts refused with nothing changed;
// and the CLI's grids recode with --dry-run.
#include <gtest/gtest.h>

#include "grids/grid_test_support.h"
#include "model/grid_code.h"
#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/grid_codes.h"

namespace gridatlas::testing {
namespace {

std::map<std::int64_t, std::string> codes(storage::Connection& c) {
    std::map<std::int64_t, std::string> out;
    storage::Statement st(c, "SELECT id, code FROM grids ORDER BY id");
    while (st.step()) out[st.columnInt(0)] = st.columnText(1);
    return out;
}

TEST(GridCodes, NumbersGridsLeftToRightAfterTheCommunityCode) {
    TwoGrids w;
    const auto recodes = storage::planCjt349Codes(*w.atlas, "湖西社区", "100000");
    ASSERT_EQ(recodes.size(), 2u);
    // Grid A (west) before grid B (east).
    EXPECT_EQ(recodes[0].gridId, 1);
    EXPECT_EQ(recodes[0].oldCode, "150781001001-01");
    EXPECT_EQ(recodes[0].newCode, "10000015078100100101");
    EXPECT_EQ(recodes[1].gridId, 2);
    EXPECT_EQ(recodes[1].newCode, "10000015078100100102");
    for (const auto& r : recodes) EXPECT_TRUE(model::parseCjt349(r.newCode));

    auto& c = w.atlas->connection();
    const auto blobs = gridBlobs(c);
    storage::applyGridCodes(*w.atlas, recodes);
    EXPECT_EQ(codes(c), (std::map<std::int64_t, std::string>{{1, "10000015078100100101"}, {2, "10000015078100100102"}}));
    EXPECT_EQ(gridBlobs(c), blobs); // only the codes change

    // Swapping two codes works inside the one transaction.
    auto swapped = recodes;
    std::swap(swapped[0].newCode, swapped[1].newCode);
    storage::applyGridCodes(*w.atlas, swapped);
    EXPECT_EQ(codes(c).at(1), "10000015078100100102");
    EXPECT_EQ(codes(c).at(2), "10000015078100100101");
}

TEST(GridCodes, ACodeTakenByAnotherGridIsRefusedAndNothingChanges) {
    TwoGrids w;
    auto& c = w.atlas->connection();
    const auto before = codes(c);
    // Only grid 1 recoded, onto grid 2's code.
    std::vector<storage::GridRecode> recodes{{1, "湖西一网格", "150781001001-01", "150781001001-02"}};
    try {
        storage::applyGridCodes(*w.atlas, recodes);
        FAIL() << "expected a refusal";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("湖西二网格"), std::string::npos) << e.what();
    }
    EXPECT_EQ(codes(c), before);
    EXPECT_THROW(storage::planCjt349Codes(*w.atlas, "湖西社区", "10000"), InputError);
    EXPECT_THROW(storage::planCjt349Codes(*w.atlas, "no such community", "100000"), InputError);
}

TEST(GridCodes, CliRecodesOrOnlyShowsWithDryRun) {
    TwoGrids w;
    const std::string path = w.path;
    w.atlas.reset();
    std::string out;
    ASSERT_EQ(runCommand(cliPath() + " grids recode --atlas " + path + " --community 湖西社区 --object 100000 --dry-run", &out), 0)
        << out;
    EXPECT_NE(out.find("150781001001-01 -> 10000015078100100101"), std::string::npos) << out;
    {
        storage::Connection c(path, storage::OpenMode::ReadOnly);
        EXPECT_EQ(codes(c).at(1), "150781001001-01");
    }
    ASSERT_EQ(runCommand(cliPath() + " grids recode --atlas " + path + " --community 湖西社区 --object 100000", &out), 0) << out;
    storage::Connection c(path, storage::OpenMode::ReadOnly);
    EXPECT_EQ(codes(c).at(1), "10000015078100100101");
    EXPECT_NE(runCommand(cliPath() + " grids recode --atlas " + path + " --community 湖西社区 --object 12", &out), 0);
    EXPECT_NE(out.find("6 digits"), std::string::npos) << out;
}

} // namespace
} // namespace gridatlas::testing
