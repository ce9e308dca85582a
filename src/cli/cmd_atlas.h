#pragma once
// Shared by `gridatlas-cli atlas` (a batch, one page per feature) and `gridatlas-cli render
// --layout` (one page).
#include "cli/args.h"

namespace gridatlas::cli {

/// Runs a layout from parsed options (atlas, layout, out, each, only, dpi, page, date, format,
/// landscape, portrait, reveal). `single`: render's one page (--each defaults to the
/// template's, and more than one page is an error unless --only picks one).
int runLayoutPages(const Args& args, bool single);

} // namespace gridatlas::cli
