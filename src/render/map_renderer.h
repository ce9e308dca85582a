#pragma once
// The one renderer: draws the layers of a MapSettings onto any QPainter (QImage, QPdfWriter,
// QSvgGenerator). The CLI's charts and the viewer's canvas both come from here.
//
// Thread use: call it on a worker with a QImage (Format_ARGB32_Premultiplied) and the worker's
// own SourceProvider; MapSettings is an immutable snapshot. Cancellation: Feedback::cancel()
// from any thread; renderMap() then throws CancelledError within a few hundred features.
#include <QString>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/feature.h"
#include "model/support/feedback.h"
#include "render/label_engine.h"
#include "render/map_settings.h"

class QPainter;

namespace gridatlas::render {

/// A layer that failed; the others are still drawn.
struct LayerError {
    std::string layer;
    std::string message;
};

/// What one layer drew.
struct LayerStats {
    std::string layer;
    bool inScale = true;     ///< false: skipped by its scale range
    std::size_t drawn = 0;   ///< features drawn
    std::vector<std::size_t> slotCounts; ///< per ClassMatcher slot of the layer's renderer
    /// Drawn as aggregates: the index of the style's AggregateStyle used (drawn then counts the
    /// features aggregated, groups the circles).
    std::optional<std::size_t> aggregate;
    std::size_t groups = 0;
};

struct RenderResult {
    std::vector<LayerError> errors;
    std::vector<LayerStats> layers;   ///< one per MapSettings::layers entry
    std::vector<PlacedLabel> labels;  ///< boxes in map pixels (0,0 = the map's top-left)
    std::vector<QString> labelTexts;  ///< parallel to labels
    double scaleDenominator = 0.0;
    [[nodiscard]] bool ok() const { return errors.empty(); }
};

/// Paints the map into the rectangle (0, 0, outputSize) of the painter's current coordinate
/// system (translate the painter to place it on a page). Layer failures are returned, not
/// thrown; CancelledError is thrown.
RenderResult renderMap(const MapSettings& settings, model::SourceProvider& provider, QPainter& painter,
                       Feedback* feedback = nullptr);

/// Counts, without drawing, the features each layer would draw in the visible extent, per
/// class slot (for legends before or without a render). Reads only the classifying and filter
/// fields, no geometry. Layer errors are returned like renderMap's.
std::vector<LayerStats> countFeatures(const MapSettings& settings, model::SourceProvider& provider,
                                      std::vector<LayerError>* errors = nullptr, Feedback* feedback = nullptr);

} // namespace gridatlas::render
