// libFuzzer target: the roster CSV reader (io/roster_table.h) with encoding detection and GB18030
// decoding (io/text_encoding.h), finding the header row with the real column aliases.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/roster_mapping.h"
#include "io/roster_table.h"
#include "io/text_encoding.h"
#include "model/support/error.h"

namespace {

int knownColumns(const std::vector<std::string>& cells) {
    int n = 0;
    for (const auto& c : cells)
        if (gridatlas::io::fieldForHeader(c)) ++n;
    return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    gridatlas::io::RosterReadOptions options;
    options.scorer = knownColumns;
    try {
        const auto table = gridatlas::io::parseRosterCsv(bytes, "fuzz.csv", options);
        const auto mapping = gridatlas::io::detectMapping(table.headers());
        (void)gridatlas::io::validateMapping(mapping);
        for (std::size_t r = 0; r < table.rowCount(); ++r) {
            (void)table.rowNumber(r);
            for (std::size_t c = 0; c <= table.columnCount(); ++c) (void)table.cell(r, c);
        }
    } catch (const gridatlas::InputError&) {
    }
    // The encoder is the decoder's inverse on valid UTF-8.
    try {
        (void)gridatlas::io::encodeGb18030(bytes);
    } catch (const gridatlas::InputError&) {
    }
    return 0;
}
