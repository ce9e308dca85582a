#pragma once
// A small JSON reader that remembers the line of every value and key, so map documents and
// styles can report "maps/x.json, line 12: unknown key 'fil'". Strict RFC 8259 plus // comments.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gridatlas::model {

class JsonValue {
public:
    enum class Kind : std::uint8_t { Null, Bool, Number, String, Array, Object };
    struct Member;

    JsonValue() = default;

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] int line() const { return m_line; }
    [[nodiscard]] bool isNull() const { return m_kind == Kind::Null; }
    [[nodiscard]] bool isObject() const { return m_kind == Kind::Object; }
    [[nodiscard]] bool isArray() const { return m_kind == Kind::Array; }
    [[nodiscard]] bool isString() const { return m_kind == Kind::String; }
    [[nodiscard]] bool isNumber() const { return m_kind == Kind::Number; }
    [[nodiscard]] bool isBool() const { return m_kind == Kind::Bool; }

    [[nodiscard]] bool boolean() const { return m_bool; }
    [[nodiscard]] double number() const { return m_number; }
    [[nodiscard]] const std::string& string() const { return m_string; }
    [[nodiscard]] const std::vector<JsonValue>& array() const { return m_array; }
    [[nodiscard]] const std::vector<Member>& members() const { return m_members; }
    /// Member by key, or nullptr.
    [[nodiscard]] const JsonValue* find(std::string_view key) const;

    [[nodiscard]] static const char* kindName(Kind k);

private:
    friend class JsonParser;
    Kind m_kind = Kind::Null;
    int m_line = 0;
    bool m_bool = false;
    double m_number = 0.0;
    std::string m_string;
    std::vector<JsonValue> m_array;
    std::vector<Member> m_members;
};

struct JsonValue::Member {
    std::string key;
    int keyLine = 0;
    JsonValue value;
};

/// Parses `text`; throws InputError "<origin>, line L, column C: <what>" on malformed input.
/// Nesting deeper than 64 levels is refused (a hostile file must not blow the stack).
JsonValue parseJson(std::string_view text, const std::string& origin);

/// Reads and parses a file; throws InputError naming the file when it cannot be read.
JsonValue parseJsonFile(const std::string& path);

} // namespace gridatlas::model
