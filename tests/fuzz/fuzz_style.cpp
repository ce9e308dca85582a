// libFuzzer target: the style parser (render/style.h) behind the JSON reader (model/json.h).
// Anything either parses or throws InputError with a place.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/json.h"
#include "model/support/error.h"
#include "render/style.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto json = gridatlas::model::parseJson(text, "fuzz-style.json");
        (void)gridatlas::render::parseStyle(json, "fuzz-style.json");
    } catch (const gridatlas::InputError&) {
    }
    return 0;
}
