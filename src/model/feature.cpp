#include "model/feature.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace gridatlas::model {

std::string toText(const Value& v) {
    struct Visitor {
        std::string operator()(std::monostate) const { return {}; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const {
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.6g", d);
            return buf;
        }
        std::string operator()(const std::string& s) const { return s; }
    };
    return std::visit(Visitor{}, v);
}

std::optional<double> toNumber(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* s = std::get_if<std::string>(&v)) {
        double d = 0;
        const char* b = s->data();
        const char* e = b + s->size();
        auto [p, ec] = std::from_chars(b, e, d);
        if (ec == std::errc() && p == e && b != e) return d;
    }
    return std::nullopt;
}

} // namespace gridatlas::model
