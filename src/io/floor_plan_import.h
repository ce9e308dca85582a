#pragma once
// Floor plans into the atlas: room polygons of one building from a CAD drawing (DXF, through
// GDAL's DXF driver), from GeoJSON, or generated from its floors, units and flats per floor.
//
// Rooms are stored in building-local metres (rooms.geom, SRID -1) and the building's
// floor_plans row says where that frame lies on the map (world = origin + R(rotation) * local).
// A drawing in arbitrary CAD units and origin is placed with a given scale, rotation and anchor,
// or fitted to the footprint: the oriented bounding box of the drawing is matched to the
// footprint's. A typical floor is drawn once and stored with repeat_on (OSM syntax, "2-18;20"),
// so the building table follows from it; rooms are linked to households by unit and room label.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"
#include "model/support/feedback.h"
#include "storage/building_table.h"

namespace gridatlas::storage {
class Atlas;
}

namespace gridatlas::io {

// ---- reading drawings ----------------------------------------------------------------------

/// A closed shape of a drawing, in drawing units, with what the drawing says about it.
struct DrawnRoom {
    model::Geometry polygon; ///< one polygon (exterior ring, holes if any)
    std::string layer;       ///< DXF layer / GeoJSON "layer"
    std::string label;       ///< flat label ("01", "1-01", "501") or room name ("楼梯")
    std::string kind;        ///< flat | room | stair | common | outline ("" until classified)
    std::string floors;      ///< floors the drawing gives (GeoJSON repeat_on/floor, DXF layer "2-18F"), "" none
    int unit = 0;            ///< unit the drawing gives (label "1-01", GeoJSON "unit"), 0 none
    std::string sourceKey;   ///< DXF entity handle / GeoJSON feature id
};

/// A text of a drawing (DXF TEXT/MTEXT), in drawing units.
struct DrawnText {
    model::Vec2 at;
    std::string text;
    std::string layer;
    std::string floors;    ///< floors its layer names ("1F"), "" for texts on every floor
    double angleDeg = 0.0; ///< text rotation: CAD texts stand upright in the drawing's own orientation
};

struct Drawing {
    std::string path;
    std::string format; ///< DXF | GeoJSON
    std::vector<DrawnRoom> rooms;
    std::vector<DrawnText> texts;
    int openShapes = 0;      ///< open polylines and lines (walls, doors): not rooms, skipped
    int duplicateShapes = 0; ///< a hatch over its own polyline, dropped
    [[nodiscard]] model::Rect bounds() const;
};

struct DrawingOptions {
    std::vector<std::string> layers; ///< DXF layers holding rooms; empty: every layer
    std::string encoding;            ///< DXF text encoding override (GDAL DXF_ENCODING, e.g. "CP936")
};

/// Reads the closed shapes and texts of a DXF (closed LWPOLYLINE/POLYLINE, HATCH, shapes of
/// inserted blocks, each where it is inserted) or a GeoJSON file (Polygon/MultiPolygon features; properties label|name|ref, kind,
/// unit, repeat_on|floors|floor|level). Labels from TEXT/MTEXT are attached by classifyRooms().
/// Throws InputError naming the file (and the feature) on unreadable input or no closed shapes.
Drawing readDrawing(const std::string& path, const DrawingOptions& options = {}, Feedback* feedback = nullptr);

/// Gives each room its label (the texts inside it: a flat label goes to the largest shape that
/// holds no other flat label) and kind: shapes around several flats are outlines, shapes inside a
/// flat are its rooms, "楼梯"/"电梯" stairs, other unlabelled shapes common parts. A label is a
/// flat only if its flat number is plausible (not above max(flatsPerFloor, flats drawn)).
void classifyRooms(Drawing& drawing, std::optional<int> flatsPerFloor);

// ---- placing drawings -----------------------------------------------------------------------

/// The minimum-area rectangle around points: centre, direction of its long side (degrees in
/// (-90, 90]) and its sides (length >= width).
struct OrientedBox {
    model::Vec2 center;
    double angleDeg = 0.0;
    double length = 0.0;
    double width = 0.0;
};
OrientedBox orientedBoundingBox(const std::vector<model::Vec2>& points);

/// A placement of drawing units on the map: world = anchor + R(rotation) * scale * p.
struct DrawingPlacement {
    double scale = 1.0;
    double rotationDeg = 0.0;
    model::Vec2 anchor; ///< where the drawing's (0,0) lands
    [[nodiscard]] model::Vec2 toWorld(model::Vec2 p) const;
};

/// Fits a drawing's box onto a footprint's box: scale from the areas (or `scale` when given),
/// rotation from the long sides, centre on centre. Of the two (four when nearly square)
/// rotations that fit, `prefer` chooses (lower is better); the default prefers the smallest turn.
/// importDrawing prefers the turn that puts each drawn unit by its entrance on the map, else the
/// one that leaves the drawing's texts upright.
DrawingPlacement fitPlacement(const OrientedBox& drawing, const OrientedBox& footprint, std::optional<double> scale,
                              const std::function<double(const DrawingPlacement&)>& prefer = {});

// ---- importing into the atlas ---------------------------------------------------------------

struct PlanImportOptions {
    std::string floors;          ///< --floors: the floors the drawing is on ("2-18;20"); "" from the drawing, else all
    std::optional<double> scale; ///< drawing units -> metres
    std::optional<double> rotationDeg;
    std::optional<model::Vec2> anchor; ///< map position of the drawing's (0,0)
    bool fit = false;                  ///< fit to the footprint (scale too unless given)
    bool dryRun = false;               ///< do everything but write
    DrawingOptions drawing;
};

struct PlanImportResult {
    std::int64_t buildingId = 0;
    storage::FloorPlanPlacement placement; ///< as saved in floor_plans
    int rooms = 0;                         ///< rooms stored
    int flats = 0;                         ///< of them flats
    int linkedFlats = 0;                   ///< flats whose household is in the atlas on at least one of their floors
    int households = 0;                    ///< households the plan's flats cover (over all floors)
    int replacedRooms = 0;                 ///< earlier rooms removed or trimmed to other floors
    std::vector<int> floors;               ///< floors the new rooms are on
    double fitMismatch = 0.0;              ///< fitted: relative difference of the boxes' aspect ratios
    std::vector<std::string> warnings;
    std::int64_t importId = 0; ///< imports row (0 on a dry run)
};

/// Imports a drawing as the floor plan of `buildingId` in one transaction. Earlier rooms on the
/// same floors are replaced (a typical floor "1-18" re-imported for "2-18" keeps floor 1). Needs
/// --scale/--rotation/--anchor (rotation defaults to 0) or fit. Throws InputError naming the file,
/// feature or option that is wrong, CancelledError; then nothing is written.
PlanImportResult importFloorPlan(storage::Atlas& atlas, std::int64_t buildingId, const std::string& path,
                                 const PlanImportOptions& options, Feedback* feedback = nullptr);

/// Stores already-read rooms (drawing units) as the plan of a building; importFloorPlan's second half.
PlanImportResult importDrawing(storage::Atlas& atlas, std::int64_t buildingId, Drawing drawing, const PlanImportOptions& options,
                               Feedback* feedback = nullptr);

struct GenerateOptions {
    std::string floors;               ///< the floors to draw; "" the floors with households, else all
    std::optional<int> flatsPerFloor; ///< per unit; default buildings.flats_per_floor, else the table's
    bool dryRun = false;
};

/// Generates a typical floor from the footprint: its oriented box split into the units, each with
/// a stairwell in the middle and its flats on both sides (labels "01", "02", ...), stored once with
/// repeat_on. Throws InputError when the building has no units.
PlanImportResult generateFloorPlan(storage::Atlas& atlas, std::int64_t buildingId, const GenerateOptions& options,
                                   Feedback* feedback = nullptr);

} // namespace gridatlas::io
