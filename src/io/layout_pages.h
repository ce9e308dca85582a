#pragma once
// The pages of a layout from an atlas: one per community, grid or building (or one for the
// whole atlas), each with its fields ({community}, {grid}, counts, staff), tables (grids,
// buildings, staff, households, gaps), feature outline and, for buildings, the building table
// and drawn floors. Everything personal goes through model/masking.h unless `reveal`.
//
// The atlas is read once up front (statistics, staff, households of interest, coverage when the
// layout asks for it); a page is then assembled from memory, so a 600-page batch spends its
// time drawing maps.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "render/floor_plan_chart.h"
#include "render/layout.h"
#include "render/layout_writer.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {
class Atlas;
struct BuildingTable;
struct FloorPlan;
} // namespace gridatlas::storage

namespace gridatlas::io {

struct AtlasLayoutPagesOptions {
    render::LayoutEach each = render::LayoutEach::Grid;
    bool reveal = false;
    /// Only pages whose community name/code, grid code/name or building number equals this.
    std::optional<std::string> only;
    std::string dateText; ///< {date}; empty = today
};

class AtlasLayoutPages : public render::LayoutPageSource {
public:
    /// Reads what `layout` needs from `atlas`. Throws InputError when `only` matches nothing.
    AtlasLayoutPages(storage::Atlas& atlas, const render::Layout& layout, const AtlasLayoutPagesOptions& options,
                     Feedback* feedback = nullptr);
    ~AtlasLayoutPages() override;
    AtlasLayoutPages(const AtlasLayoutPages&) = delete;
    AtlasLayoutPages& operator=(const AtlasLayoutPages&) = delete;

    [[nodiscard]] std::size_t count() const override;
    render::LayoutPageData page(std::size_t index) override;
    /// The pages' names (grid codes and names, building numbers, community names), cheaply.
    [[nodiscard]] std::vector<std::string> pageNames() const;

private:
    struct Data;
    std::unique_ptr<Data> m_d;
};

/// The building member plan's data (title, table cells, drawn floors at the floor with the most
/// member households, or `onlyFloor`) from storage, masked unless `reveal`. Used by
/// `gridatlas-cli plan` and the building pages of layouts.
render::FloorPlanChartData floorPlanChartData(const std::string& atlasName, const storage::BuildingTable& table,
                                              const storage::FloorPlan& plan, std::optional<int> onlyFloor, bool reveal);

} // namespace gridatlas::io
