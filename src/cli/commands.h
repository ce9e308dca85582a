#pragma once
// One function per gridatlas-cli command; each returns the process exit code and throws
// gridatlas::Error (printed by main) on failure.
#include <string>
#include <vector>

namespace gridatlas::cli {

using ArgList = std::vector<std::string>;

int runDemo(const ArgList& args);   // cmd_demo.cpp
int runRender(const ArgList& args); // cmd_render.cpp
int runInfo(const ArgList& args);   // cmd_info.cpp

} // namespace gridatlas::cli
