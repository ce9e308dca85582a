// gridatlas-cli import-plan: a building's floor plan from a DXF drawing or GeoJSON rooms, placed
// on the footprint (given scale/rotation/anchor or fitted), or generated from its floors, units
// and flats per floor. One transaction: a failed or cancelled import writes nothing.
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "io/floor_plan_import.h"
#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/building_table.h"

namespace gridatlas::cli {

namespace {

// Ctrl-C cancels through the Feedback (an atomic store is async-signal-safe); a second Ctrl-C
// gets the default action, and the open transaction leaves the atlas as it was.
std::atomic<Feedback*> g_importPlanCancel{nullptr};
extern "C" void onImportPlanInterrupt(int) {
    if (Feedback* f = g_importPlanCancel.load()) f->cancel();
    std::signal(SIGINT, SIG_DFL);
}

class InterruptScope {
public:
    explicit InterruptScope(Feedback& f) {
        g_importPlanCancel.store(&f);
        m_previous = std::signal(SIGINT, onImportPlanInterrupt);
    }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
    InterruptScope(InterruptScope&&) = delete;
    InterruptScope& operator=(InterruptScope&&) = delete;
    ~InterruptScope() {
        std::signal(SIGINT, m_previous == SIG_ERR ? SIG_DFL : m_previous);
        g_importPlanCancel.store(nullptr);
    }

private:
    void (*m_previous)(int) = SIG_DFL;
};

double number(const std::string& option, const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v)) throw InputError("--" + option + " '" + text + "' is not a number");
    return v;
}

model::Vec2 point(const std::string& option, const std::string& text) {
    const auto comma = text.find(',');
    if (comma == std::string::npos)
        throw InputError("--" + option + " '" + text + "' is not X,Y (map metres, e.g. 560050,5495050)");
    return {number(option, text.substr(0, comma)), number(option, text.substr(comma + 1))};
}

std::string fixed(double v, int decimals) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(decimals);
    os << v;
    return os.str();
}

} // namespace

int runImportPlan(const ArgList& argv) {
    const Args args("import-plan", argv,
                    {"atlas", "building", "community", "floors", "scale", "rotation", "anchor", "layer", "encoding", "flats"},
                    {"fit", "generate", "dry-run"});
    const std::string atlasPath = args.required("atlas");
    const std::string buildingText = args.required("building");
    const bool generate = args.flag("generate");
    const bool fit = args.flag("fit");
    const bool given = args.value("scale") || args.value("rotation") || args.value("anchor");
    if (generate && (fit || given || args.value("layer") || args.value("encoding")))
        throw InputError("--generate draws the plan itself; it takes no drawing, placement or layer options");
    if (!generate && args.value("flats")) throw InputError("--flats goes with --generate");
    if (fit && (args.value("rotation") || args.value("anchor")))
        throw InputError("give --fit or --rotation/--anchor, not both (--scale may go with --fit)");
    std::string planPath;
    if (generate) {
        if (!args.positional().empty())
            throw InputError("--generate takes no drawing, but got '" + args.positional().front() + "'");
    } else {
        if (args.positional().size() != 1) throw InputError("give one drawing (plan.dxf or plan.geojson), or --generate");
        planPath = args.positional().front();
        if (!fit && !args.value("anchor"))
            throw InputError("place the drawing with --scale S --rotation DEG --anchor X,Y, or --fit");
    }

    auto atlas = storage::Atlas::open(atlasPath, storage::OpenMode::ReadWrite);
    const storage::BuildingRef building = storage::findBuilding(*atlas, buildingText, args.value("community"));
    std::cerr << "import-plan: building " << building.number << " (" << building.community << ", id " << building.id << ")\n";

    Feedback feedback;
    std::string lastStage;
    feedback.setProgressCallback([&](double percent, const std::string& stage) {
        if (stage == lastStage) return;
        lastStage = stage;
        std::cerr << "import-plan: " << static_cast<int>(percent) << "% " << stage << "\n";
    });
    InterruptScope interrupt(feedback);

    io::PlanImportResult r;
    if (generate) {
        io::GenerateOptions o;
        o.floors = args.value("floors").value_or("");
        if (auto flats = args.integer("flats", 1, 50)) o.flatsPerFloor = static_cast<int>(*flats);
        o.dryRun = args.flag("dry-run");
        r = io::generateFloorPlan(*atlas, building.id, o, &feedback);
    } else {
        io::PlanImportOptions o;
        o.floors = args.value("floors").value_or("");
        o.fit = fit;
        o.dryRun = args.flag("dry-run");
        if (auto s = args.value("scale")) {
            o.scale = number("scale", *s);
            if (!(*o.scale > 0)) throw InputError("--scale " + *s + " must be above 0");
        }
        if (auto rot = args.value("rotation")) o.rotationDeg = number("rotation", *rot);
        if (auto a = args.value("anchor")) o.anchor = point("anchor", *a);
        if (auto layers = args.value("layer")) {
            std::string rest = *layers;
            for (std::size_t pos; (pos = rest.find(',')) != std::string::npos; rest = rest.substr(pos + 1))
                if (pos > 0) o.drawing.layers.push_back(rest.substr(0, pos));
            if (!rest.empty()) o.drawing.layers.push_back(rest);
        }
        o.drawing.encoding = args.value("encoding").value_or("");
        r = io::importFloorPlan(*atlas, building.id, planPath, o, &feedback);
    }
    for (const auto& w : r.warnings) std::cerr << "import-plan: warning: " << w << "\n";
    const auto& p = r.placement;
    std::cout << (args.flag("dry-run") ? "dry run (nothing written): " : "") << "building " << building.number << ": " << r.rooms
              << " rooms, " << r.flats << " flats on floors " << storage::formatFloorList(r.floors) << "; " << r.linkedFlats
              << " flats with households (" << r.households << " households)";
    if (r.replacedRooms) std::cout << "; " << r.replacedRooms << " earlier rooms replaced";
    std::cout << "\nplacement: scale " << p.scale << ", rotation " << fixed(p.rotationDeg, 2) << " deg, origin "
              << fixed(p.originX, 2) << "," << fixed(p.originY, 2) << (p.fitted ? " (fitted to the footprint)" : "") << "\n";
    return 0;
}

GRIDATLAS_CLI_COMMAND("import-plan", R"(  import-plan --atlas FILE --building "3栋" [--community NAME] plan.dxf|plan.geojson
          [--floors 2-18;20] [--scale S --rotation DEG --anchor X,Y | --fit [--scale S]]
          [--layer NAME[,NAME]] [--encoding CP936] [--dry-run]
  import-plan --atlas FILE --building "3栋" [--community NAME] --generate [--floors F] [--flats N] [--dry-run]
          a building's floor plan: rooms from a CAD drawing or GeoJSON, placed on the footprint
          (the drawing's 0,0 at the anchor, or fitted), or generated from floors, units and flats
)",
                      runImportPlan, 60);

} // namespace gridatlas::cli
