#pragma once
// Strict reading of JSON objects for map documents and styles: every key must be known, every
// value of the right kind, and every complaint names the file and the line.
#include <QColor>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/json.h"

namespace gridatlas::render::detail {

/// "<origin>, line <line>: <what>" as an InputError.
[[noreturn]] void failAt(const std::string& origin, int line, const std::string& what);

/// A view on one JSON object. The constructor refuses a non-object, duplicate keys and unknown
/// keys: "maps/x.json, line 12: unknown key 'fil' in layer 'buildings' (known: ...)".
class JsonObject {
public:
    JsonObject(const model::JsonValue& value, const std::string& origin, std::string context,
               std::initializer_list<std::string_view> known);

    [[nodiscard]] const model::JsonValue* find(std::string_view key) const { return m_value.find(key); }
    [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }
    [[nodiscard]] int line() const { return m_value.line(); }
    [[nodiscard]] const std::string& origin() const { return m_origin; }
    [[nodiscard]] const std::string& context() const { return m_context; }

    [[nodiscard]] std::string requiredString(std::string_view key) const;
    [[nodiscard]] std::optional<std::string> string(std::string_view key) const;
    [[nodiscard]] std::optional<double> number(std::string_view key, double min, double max) const;
    [[nodiscard]] std::optional<bool> boolean(std::string_view key) const;
    /// "#rrggbb", "#rrggbbaa" or "none" (transparent).
    [[nodiscard]] std::optional<QColor> color(std::string_view key) const;
    /// One of `choices`; the message lists them.
    [[nodiscard]] std::optional<std::string> choice(std::string_view key, std::initializer_list<std::string_view> choices) const;

    /// Fails at `at`'s line with "<what> in <context>".
    [[noreturn]] void fail(const model::JsonValue& at, const std::string& what) const;
    [[noreturn]] void fail(const std::string& what) const { fail(m_value, what); }

private:
    const model::JsonValue& require(std::string_view key) const;
    const model::JsonValue& m_value;
    std::string m_origin;
    std::string m_context;
};

/// Parses a colour string; nullopt when it is not "#rgb", "#rrggbb", "#rrggbbaa" or "none".
std::optional<QColor> parseColor(std::string_view text);

} // namespace gridatlas::render::detail
