#pragma once
// Grid edits (网格编辑) as atlas transactions, for the viewer's editing tools and the CLI.
//
// Every edit runs in one transaction, keeps the building-to-grid assignment up to date (a
// building belongs to the grid holding most of its footprint) and returns a GridEditUndo: the
// exact prior state of every row it touched (grid rows with their geometry blobs byte for byte,
// their staff, and the prior grid_id of every building it moved). GridEditor::undo() applies such
// a record and returns the record that redoes the edit, so undo/redo stacks hold plain values
// (which also survive saving: they refer to rows by id).
//
// Shared boundaries stay exact: vertex edits change every grid that has the vertex (or has an
// edge through it) by the same coordinates, new or replaced polygons take their area from the
// neighbours (difference), and painting recomputes only the union of the grids involved.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/geometry.h"
#include "storage/crypto.h"

namespace gridatlas::storage {

class Atlas;
class Connection;

/// A grid row as it was, byte for byte.
struct GridRowSnapshot {
    struct Staff {
        std::string role;
        std::string name;
        std::optional<std::string> phone; ///< in an encrypted atlas, the masked form unless typed anew
        /// An encrypted atlas's ciphertext of the phone (bound to the name it was sealed for).
        std::optional<crypto::SealedRef> phoneSealed = std::nullopt;
    };
    std::int64_t id = 0;
    std::string code;
    std::string name;
    std::int64_t communityId = 0;
    std::optional<std::int64_t> targetHouseholds;
    std::string geomBlob; ///< the geometry exactly as stored, in the engine's exchange format (engine.h geomSelect)
    std::vector<Staff> staff;
};

/// A grid's staff as stored (an encrypted atlas: masked phones with their ciphertexts), in the
/// form GridEditor::setProperties() writes back unchanged without the key.
std::vector<GridRowSnapshot::Staff> loadGridStaff(Connection& c, std::int64_t gridId);

/// What restores the state before an edit.
struct GridEditUndo {
    std::vector<GridRowSnapshot> grids;     ///< rows changed or deleted by the edit, as they were
    std::vector<std::int64_t> createdGrids; ///< rows the edit created (deleted by undo)
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> buildingGrids; ///< building id, grid_id before
    [[nodiscard]] bool isEmpty() const { return grids.empty() && createdGrids.empty() && buildingGrids.empty(); }
};

struct GridEditResult {
    GridEditUndo undo;
    std::vector<std::int64_t> changedGrids; ///< grids whose polygon or row changed (not deleted)
    std::vector<std::int64_t> createdGrids;
    std::vector<std::int64_t> deletedGrids;
    std::vector<std::int64_t> movedBuildings; ///< buildings whose grid changed
};

/// Properties of a grid an edit creates.
struct NewGrid {
    std::string code; ///< unique; CJ/T 349-2010 style codes are the caller's choice
    std::string name;
    std::optional<std::int64_t> communityId; ///< default: the community of the grid it comes from
    std::optional<int> targetHouseholds;
};

/// A grid's properties as the properties dialog edits them.
struct GridProperties {
    std::string code; ///< unique
    std::string name;
    std::optional<int> targetHouseholds;
    std::vector<GridRowSnapshot::Staff> staff; ///< roles manager, supervisor, assistant (each once)
    /// The grid row's version when these properties were read (storage/row_versions.h): when
    /// given, setProperties() is refused with a StaleEditError if someone changed the grid since,
    /// instead of overwriting their change.
    std::optional<std::int64_t> rowVersion = std::nullopt;
};

class GridEditor {
public:
    /// \pre the atlas is open read-write.
    explicit GridEditor(Atlas& atlas);

    /// A new grid drawn as `polygon`; the area it covers is taken from the grids it overlaps.
    GridEditResult createGrid(const NewGrid& grid, const model::Geometry& polygon);
    /// Gives grid `gridId` the polygon `polygon` (e.g. after moving its own vertices); the area it
    /// now covers is taken from its neighbours, the area it gives up is left uncovered.
    GridEditResult replacePolygon(std::int64_t gridId, const model::Geometry& polygon);
    /// Cuts grid `gridId` with a line that crosses it; the larger part keeps the grid, the other
    /// becomes `second`. Throws InputError unless the line cuts it into exactly two parts.
    GridEditResult splitGrid(std::int64_t gridId, const model::Geometry& line, const NewGrid& second);
    /// Merges `others` into `keepId` (their staff are deleted with them). The grids must touch.
    GridEditResult mergeGrids(std::int64_t keepId, const std::vector<std::int64_t>& others);
    /// Deletes a grid; its area is left uncovered and its buildings unassigned.
    GridEditResult deleteGrid(std::int64_t gridId);

    /// Moves the vertex at `from` (within `tolerance` m) to `to` in every grid that has it, and
    /// inserts it in grids whose edge passes through `from`, so neighbours keep one boundary.
    GridEditResult moveSharedVertex(model::Vec2 from, model::Vec2 to, double tolerance = 0.01);
    /// Inserts a vertex at `at` in every grid whose edge passes within `tolerance` of it.
    GridEditResult insertSharedVertex(model::Vec2 at, double tolerance = 0.01);
    /// Removes the vertex at `at` from every grid that has it.
    GridEditResult removeSharedVertex(model::Vec2 at, double tolerance = 0.01);

    /// Paint: moves `buildings` into grid `gridId`. The polygons of that grid and of the grids the
    /// buildings leave are recomputed from a building-based Voronoi tessellation of their union,
    /// so the other grids do not change. Throws InputError when a grid would fall apart or vanish.
    GridEditResult paintBuildings(const std::vector<std::int64_t>& buildings, std::int64_t gridId);

    /// Sets every building of the given communities (all when empty) to the grid holding most of
    /// its footprint.
    GridEditResult reassignBuildings(const std::vector<std::int64_t>& communityIds = {});

    /// Sets a grid's code, name, target and staff (replacing all its staff), undoably.
    GridEditResult setProperties(std::int64_t gridId, const GridProperties& properties);

    /// Applies an undo record; returns the record that redoes what it undid. Records must be
    /// applied in reverse order of the edits (a stack), as each restores the rows it touched.
    GridEditUndo undo(const GridEditUndo& record);

private:
    Atlas& m_atlas;
};

} // namespace gridatlas::storage
