// gridatlas-bench-editors ATLAS [--editors 20] [--seconds 120] [--rows 12]: simulated concurrent
// editors (bench/editors_sim.h); prints the figures and exits 1 when an update was lost.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "editors_sim.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s ATLAS [--editors 20] [--seconds 120] [--rows 12]\n", argv[0]);
        return 2;
    }
    gridatlas::bench::EditorsOptions o;
    o.location = argv[1];
    o.seconds = 120;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--editors")) o.editors = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--seconds")) o.seconds = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--rows")) o.hotRows = std::atoi(argv[i + 1]);
    }
    try {
        const auto r = gridatlas::bench::runEditors(o);
        std::printf("%d editors on %d buildings: %s\n", o.editors, o.hotRows, r.summary().c_str());
        return r.ok() ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gridatlas-bench-editors: %s\n", e.what());
        return 2;
    }
}
