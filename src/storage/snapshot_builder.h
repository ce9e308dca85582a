#pragma once
// Building in-memory layers (LayerSnapshot) column by column: analysis results and plan versions
// are drawn on the map through the same snapshots the layer cache serves.
#include <cmath>
#include <cstdint>
#include <string>

#include "storage/layer_cache.h"

namespace gridatlas::storage::snapshot {

inline LayerSnapshot::Column column(const char* name, model::FieldType type) {
    LayerSnapshot::Column c;
    c.field = model::Field{name, type, false};
    return c;
}
inline void pushInt(LayerSnapshot::Column& c, std::int64_t v) {
    c.ints.push_back(v);
    c.isNull.push_back(0);
}
/// NaN or infinity is stored as NULL.
inline void pushReal(LayerSnapshot::Column& c, double v) {
    const bool null = !std::isfinite(v);
    c.reals.push_back(null ? 0.0 : v);
    c.isNull.push_back(null ? 1 : 0);
}
inline void pushText(LayerSnapshot::Column& c, std::string v) {
    c.texts.push_back(std::move(v));
    c.isNull.push_back(0);
}
inline void pushNull(LayerSnapshot::Column& c) {
    switch (c.field.type) {
    case model::FieldType::Integer: c.ints.push_back(0); break;
    case model::FieldType::Real: c.reals.push_back(0.0); break;
    default: c.texts.emplace_back(); break;
    }
    c.isNull.push_back(1);
}

} // namespace gridatlas::storage::snapshot
