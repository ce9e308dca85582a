#include "cli/commands.h"
#include "model/support/error.h"
namespace gridatlas::cli {
int runDemo(const ArgList&) { throw Error("not implemented yet"); }
}
