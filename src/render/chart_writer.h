#pragma once
// Writing charts to files: PNG (raster, --dpi), PDF and SVG (vector; the PDF embeds the CJK font
// and its text is selectable). Files are written through QSaveFile: a failed or cancelled
// render leaves no file, and an existing file is replaced only on success.
#include <string>

#include "model/feature.h"
#include "model/support/feedback.h"
#include "render/chart.h"
#include "render/map_document.h"

namespace gridatlas::render {

enum class OutputFormat { Png, Pdf, Svg };

/// The format of an output path by its extension (.png, .pdf, .svg, any case); throws
/// InputError naming the path and the known extensions otherwise.
OutputFormat outputFormatOf(const std::string& path);

/// Renders `doc` as a chart into `path`. Vector outputs are drawn at 300 device units per inch
/// (the dpi option only sets the PNG's resolution). Throws RenderError (e.g. a layer failed,
/// unless options.allowLayerErrors), InputError or CancelledError, and then writes nothing.
ChartResult writeChart(const MapDocument& doc, model::SourceProvider& provider, const std::string& path,
                       const ChartOptions& options, Feedback* feedback = nullptr);

} // namespace gridatlas::render
