#pragma once
// Plan versions drawn on the map (网格方案对比): the grids of a saved plan, a proposal or the
// current layout as an in-memory polygon layer with households, target and deviation per grid,
// and the buildings that change grid between two plans. The viewer shows them over the map and
// side by side in its compare view; they are snapshots, never written to the atlas.
#include <memory>
#include <string>

#include "storage/grid_plans.h"

namespace gridatlas::storage {

class Atlas;
class LayerSnapshot;

/// The grids of `plan` (a plan name or kCurrentPlanName) as polygon layer `layerName` with the
/// fields code, name, households, buildings, target_households, deviation_pct (households against
/// the grid's target in percent; NULL without a target) and change (households gained (+) or
/// lost (-) against `baseline` (the other plan of a comparison; `comparison` = comparePlans(baseline, plan)).
std::shared_ptr<const LayerSnapshot> makePlanGridsLayer(Atlas& atlas, const std::string& plan, const PlanComparison& comparison,
                                                        const std::string& layerName = "plan_grids");

/// The footprints of the buildings that move in `comparison`, as polygon layer `layerName` with
/// the fields number, from_code, to_code, households and to_short (the part of to_code that differs
/// among the compared grids, for labels).
std::shared_ptr<const LayerSnapshot> makePlanMovesLayer(Atlas& atlas, const PlanComparison& comparison,
                                                        const std::string& layerName = "plan_moves");

} // namespace gridatlas::storage
