#pragma once
// Helpers shared by the io tests: CLI runs, row counts, a community covering a test area.
#include <string>

#include "model/geometry.h"
#include "storage/atlas.h"

namespace gridatlas::testing {

/// Runs gridatlas-cli with `args` (already quoted); returns the exit code, fills `output`.
int cli(const std::string& args, std::string* output = nullptr);
/// SELECT COUNT(*) FROM `table` [WHERE ...].
std::int64_t countRows(storage::Atlas& atlas, const std::string& table, const std::string& where = {});
/// Adds a community (code "TEST01", name "测试社区") whose boundary is `area`.
void addCommunity(storage::Atlas& atlas, const model::Rect& area, const std::string& code = "TEST01");
/// Shell-quotes a path or argument.
std::string q(const std::string& s);
/// The shared real-data folder (GRIDATLAS_REALDATA or /work/shared/realdata), or "" when absent.
std::string realdataPath(const std::string& name);

} // namespace gridatlas::testing
