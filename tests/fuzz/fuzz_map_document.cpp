// libFuzzer target: the map document parser (render/map_document.h) behind the JSON reader.
// The document claims to live in a folder that does not exist, so relative styles and rasters
// fall back (with warnings) instead of reading files; absolute ones the input names are read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/json.h"
#include "model/support/error.h"
#include "render/map_document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const char* origin = "/nonexistent-gridatlas-fuzz/maps/fuzz.json";
    try {
        const auto json = gridatlas::model::parseJson(text, origin);
        gridatlas::render::MapLoadOptions options;
        options.fallbackForMissingStyles = true;
        const auto doc = gridatlas::render::parseMapDocument(json, origin, options);
        (void)doc.visibleSources();
        (void)gridatlas::render::titleTemplateText(doc.title);
        for (const auto& l : doc.layers) (void)l.displayTitle();
    } catch (const gridatlas::InputError&) {
    }
    return 0;
}
