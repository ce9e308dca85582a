// libFuzzer target: the filter language parser (model/filter.h). Any text either parses or throws
// FilterError; a parsed filter is evaluated against rows holding NULLs, numbers and text.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "model/filter.h"

namespace {

using gridatlas::model::Field;
using gridatlas::model::FieldType;
using gridatlas::model::Value;

const std::vector<Field>& fields() {
    static const std::vector<Field> f = {
        {"floors", FieldType::Integer}, {"area", FieldType::Real},        {"use", FieldType::Text},
        {"name", FieldType::Text, true}, {"room", FieldType::Text},       {"grid_id", FieldType::Integer},
        {"address", FieldType::Text},   {"has_member", FieldType::Integer}, {"建筑名称", FieldType::Text},
    };
    return f;
}

const std::vector<std::vector<Value>>& rows() {
    static const std::vector<std::vector<Value>> r = {
        {},
        {std::int64_t{18}, 1234.5, std::string("residential"), std::string("王小明"), std::string("501"), Value{},
         std::string("湖西社区3栋2单元501室"), std::int64_t{1}, std::string("阳光小区")},
        {std::int64_t{-3}, -0.0, std::string(""), std::string("%_'\""), std::string("1e308"), std::int64_t{INT64_MIN},
         std::string("\xe5"), std::int64_t{0}, Value{}},
    };
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto filter = gridatlas::model::Filter::parse(text, fields());
        for (const auto& row : rows()) (void)filter.evaluate(row);
        (void)filter.describe();
    } catch (const gridatlas::model::FilterError& e) {
        (void)e.message().english();
    }
    // LIKE patterns come from the same text: split it in two at the first newline.
    const auto nl = text.find('\n');
    if (nl != std::string_view::npos) (void)gridatlas::model::likeMatch(text.substr(0, nl), text.substr(nl + 1));
    return 0;
}
