#include "io/io_test_util.h"

#include <cstdlib>
#include <filesystem>

#include "model/entities.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

namespace gridatlas::testing {

std::string q(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

int cli(const std::string& args, std::string* output) {
    return runCommand(q(cliPath()) + " " + args, output);
}

std::int64_t countRows(storage::Atlas& atlas, const std::string& table, const std::string& where) {
    return atlas.connection().queryInt("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where)).value_or(-1);
}

void addCommunity(storage::Atlas& atlas, const model::Rect& r, const std::string& code) {
    storage::Transaction tx(atlas.connection());
    storage::AtlasWriter w(atlas);
    w.add(model::Community{0, code, "测试社区", "测试街道",
                           model::Geometry::polygon({{{r.xmin, r.ymin}, {r.xmax, r.ymin}, {r.xmax, r.ymax}, {r.xmin, r.ymax}}})});
    tx.commit();
}

std::string realdataPath(const std::string& name) {
    const char* env = std::getenv("GRIDATLAS_REALDATA");
    const std::filesystem::path root = env ? env : "/work/shared/realdata";
    const auto p = root / name;
    return std::filesystem::exists(p) ? p.string() : std::string();
}

} // namespace gridatlas::testing
