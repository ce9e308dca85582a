// gridatlas-cli export: atlas layers to GeoPackage, Shapefile, GeoJSON, KML, CSV, XLSX or
// FlatGeobuf, personal fields masked unless --reveal (see docs/import-export.md).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "io/vector_export.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"

namespace gridatlas::cli {

int runExport(const ArgList& argv) {
    const Args args("export", argv, {"atlas", "layer", "out", "srs", "where"}, {"reveal", "force"});
    if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional().front() + "' (use --out FILE)");
    io::ExportOptions options;
    options.out = args.required("out");
    options.layer = args.value("layer").value_or("");
    if (const auto srs = args.value("srs")) options.srs = io::parseCrsOption(*srs);
    options.where = args.value("where").value_or("");
    options.reveal = args.flag("reveal");
    options.overwrite = args.flag("force");
    if (options.reveal)
        authorizeReveal(args.required("atlas"), "export", "export " + (options.layer.empty() ? "every layer" : options.layer) + " to " + options.out);
    auto atlas = storage::Atlas::open(args.required("atlas"), storage::OpenMode::ReadOnly);
    Feedback feedback;
    int lastDecile = -1;
    feedback.setProgressCallback([&lastDecile](double p, const std::string& stage) {
        const int d = static_cast<int>(std::floor(p / 10));
        if (d == lastDecile) return;
        lastDecile = d;
        std::fprintf(stderr, "[%3d%%] %s\n", static_cast<int>(p), stage.c_str());
    });
    const auto summary = io::exportAtlas(*atlas, options, &feedback);
    std::cout << "'" << options.out << "': " << summary.report();
    return 0;
}

GRIDATLAS_CLI_COMMAND("export", R"(  export  --atlas FILE --out x.gpkg|shp|geojson|kml|csv|xlsx|fgb [--layer L|all]
          [--srs EPSG:N|gcj02] [--where FILTER] [--reveal] [--force]
          export one layer (or, to .gpkg, every layer); personal fields masked unless --reveal
)",
                      runExport, 45);

} // namespace gridatlas::cli
