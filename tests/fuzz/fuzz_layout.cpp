// libFuzzer target: the layout template parser (render/layout.h) behind the JSON reader. The
// template claims to live in the project's maps/ folder, so relative map documents resolve to the
// real ones (grids.json, ...) and map items are parsed all the way; then the page is resolved for
// every paper size and the text items' {fields} are expanded. Anything either parses or throws
// InputError with a place.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <QDate>

#include "model/json.h"
#include "model/support/error.h"
#include "render/layout.h"

namespace {
const std::string& origin() {
    static const std::string path = std::string(GRIDATLAS_MAPS_DIR) + "/fuzz-layout.json";
    return path;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gridatlas::render;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto json = gridatlas::model::parseJson(text, origin());
        const Layout layout = parseLayout(json, origin());
        (void)layout.tablesUsed();
        (void)layout.fieldsUsed();
        LayoutPageData page;
        page.fields = {{"community", "幸福社区"}, {"grid", "G001"}, {"page", "1"}, {"pages", "2"}};
        for (const auto& item : layout.items) (void)expandLayoutText(item.text, page);
        for (const char* paper : {"A4", "A0"}) {
            LayoutOptions options;
            options.pageName = paper;
            options.landscape = true;
            const auto resolved = resolveLayoutPage(layout, options);
            (void)resolved.sizePx();
        }
    } catch (const gridatlas::InputError&) {
    }
    return 0;
}
