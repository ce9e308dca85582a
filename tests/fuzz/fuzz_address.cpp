// libFuzzer target: the Chinese address parser (model/address.h) on arbitrary bytes.
// parseAddress promises never to throw; buildingKey and normalizeAddressText take the same text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/address.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = gridatlas::model::parseAddress(text);
    (void)parsed.level();
    (void)gridatlas::model::confidenceName(parsed.confidence);
    (void)gridatlas::model::buildingKey(text);
    (void)gridatlas::model::normalizeAddressText(text);
    return 0;
}
