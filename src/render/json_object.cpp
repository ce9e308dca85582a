#include "render/json_object.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "model/support/error.h"

namespace gridatlas::render::detail {

namespace {

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

void failAt(const std::string& origin, int line, const std::string& what) {
    throw InputError(origin + ", line " + std::to_string(line) + ": " + what);
}

std::optional<QColor> parseColor(std::string_view text) {
    if (text == "none" || text == "transparent") return QColor(0, 0, 0, 0);
    if (text.size() < 2 || text[0] != '#') return std::nullopt;
    std::vector<int> digits;
    for (char c : text.substr(1)) {
        const int d = hexDigit(c);
        if (d < 0) return std::nullopt;
        digits.push_back(d);
    }
    if (digits.size() == 3) return QColor(digits[0] * 17, digits[1] * 17, digits[2] * 17);
    if (digits.size() == 6 || digits.size() == 8) {
        QColor c(digits[0] * 16 + digits[1], digits[2] * 16 + digits[3], digits[4] * 16 + digits[5]);
        if (digits.size() == 8) c.setAlpha(digits[6] * 16 + digits[7]);
        return c;
    }
    return std::nullopt;
}

JsonObject::JsonObject(const model::JsonValue& value, const std::string& origin, std::string context,
                       std::initializer_list<std::string_view> known)
    : m_value(value), m_origin(origin), m_context(std::move(context)) {
    if (!value.isObject())
        failAt(m_origin, value.line(),
               m_context + " must be an object, not " + model::JsonValue::kindName(value.kind()));
    std::set<std::string_view> seen;
    for (const auto& m : value.members()) {
        if (!seen.insert(m.key).second) failAt(m_origin, m.keyLine, "duplicate key '" + m.key + "' in " + m_context);
        if (std::find(known.begin(), known.end(), m.key) != known.end()) continue;
        std::string list, suggestion;
        std::size_t best = 3;
        for (auto k : known) {
            list += (list.empty() ? "" : ", ") + std::string(k);
            // Typos (edit distance <= 2) and cut-off keys ("fil" for "filter") get a suggestion.
            const auto d = m.key.size() >= 3 && k.substr(0, m.key.size()) == m.key ? 1 : editDistance(m.key, k);
            if (d < best) {
                best = d;
                suggestion = k;
            }
        }
        std::string msg = "unknown key '" + m.key + "' in " + m_context;
        if (!suggestion.empty()) msg += ": did you mean '" + suggestion + "'?";
        msg += " (known: " + list + ")";
        failAt(m_origin, m.keyLine, msg);
    }
}

void JsonObject::fail(const model::JsonValue& at, const std::string& what) const {
    failAt(m_origin, at.line(), what + " in " + m_context);
}

const model::JsonValue& JsonObject::require(std::string_view key) const {
    const auto* v = find(key);
    if (!v) failAt(m_origin, m_value.line(), m_context + " needs the key '" + std::string(key) + "'");
    return *v;
}

std::string JsonObject::requiredString(std::string_view key) const {
    const auto& v = require(key);
    if (!v.isString() || v.string().empty())
        fail(v, "'" + std::string(key) + "' must be a non-empty string");
    return v.string();
}

std::optional<std::string> JsonObject::string(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->isString()) fail(*v, "'" + std::string(key) + "' must be a string, not " + model::JsonValue::kindName(v->kind()));
    return v->string();
}

std::optional<double> JsonObject::number(std::string_view key, double min, double max) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->isNumber()) fail(*v, "'" + std::string(key) + "' must be a number, not " + model::JsonValue::kindName(v->kind()));
    const double d = v->number();
    if (!std::isfinite(d) || d < min || d > max) {
        auto fmt = [](double x) {
            if (!(std::fabs(x) < 1e9)) { // huge (or not finite): "1e+300", not 300 digits
                char buf[32];
                std::snprintf(buf, sizeof buf, "%g", x);
                return std::string(buf);
            }
            std::string s = std::to_string(x);
            s.erase(s.find_last_not_of('0') + 1);
            if (!s.empty() && s.back() == '.') s.pop_back();
            return s;
        };
        fail(*v, "'" + std::string(key) + "' = " + fmt(d) + " is out of range (" + fmt(min) + " to " + fmt(max) + ")");
    }
    return d;
}

std::optional<bool> JsonObject::boolean(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->isBool()) fail(*v, "'" + std::string(key) + "' must be true or false");
    return v->boolean();
}

std::optional<QColor> JsonObject::color(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->isString()) fail(*v, "'" + std::string(key) + "' must be a colour string like \"#d7191c\"");
    auto c = parseColor(v->string());
    if (!c) fail(*v, "'" + std::string(key) + "' = \"" + v->string() + "\" is not a colour (use \"#rrggbb\", \"#rrggbbaa\" or \"none\")");
    return c;
}

std::optional<std::string> JsonObject::choice(std::string_view key, std::initializer_list<std::string_view> choices) const {
    auto s = string(key);
    if (!s) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
    std::string list;
    for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    fail(*find(key), "'" + std::string(key) + "' = \"" + *s + "\" is not one of: " + list);
}

} // namespace gridatlas::render::detail
