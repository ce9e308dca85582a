#include "model/json.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "model/support/error.h"

namespace gridatlas::model {

const JsonValue* JsonValue::find(std::string_view key) const {
    for (const auto& m : m_members)
        if (m.key == key) return &m.value;
    return nullptr;
}

const char* JsonValue::kindName(Kind k) {
    switch (k) {
    case Kind::Null: return "null";
    case Kind::Bool: return "a boolean";
    case Kind::Number: return "a number";
    case Kind::String: return "a string";
    case Kind::Array: return "an array";
    case Kind::Object: return "an object";
    }
    return "?";
}

class JsonParser {
public:
    JsonParser(std::string_view text, const std::string& origin) : m_text(text), m_origin(origin) {}

    JsonValue parseDocument() {
        skipSpace();
        JsonValue v = parseValue(0);
        skipSpace();
        if (m_pos != m_text.size()) fail("unexpected text after the end of the document");
        return v;
    }

private:
    static constexpr int kMaxDepth = 64;
    std::string_view m_text;
    const std::string& m_origin;
    std::size_t m_pos = 0;
    int m_line = 1;
    std::size_t m_lineStart = 0;

    [[noreturn]] void fail(const std::string& what) const {
        std::ostringstream os;
        os << m_origin << ", line " << m_line << ", column " << (m_pos - m_lineStart + 1) << ": " << what;
        throw InputError(os.str());
    }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    void advance() {
        if (m_text[m_pos] == '\n') {
            ++m_line;
            m_lineStart = m_pos + 1;
        }
        ++m_pos;
    }
    void skipSpace() {
        while (!atEnd()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                advance();
            } else if (c == '/' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '/') {
                while (!atEnd() && peek() != '\n') advance();
            } else {
                break;
            }
        }
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'" + describeHere());
        advance();
    }
    std::string describeHere() const {
        if (atEnd()) return " but the document ends";
        return std::string(" but found '") + m_text[m_pos] + "'";
    }

    JsonValue parseValue(int depth) {
        if (depth > kMaxDepth) fail("nesting deeper than 64 levels");
        JsonValue v;
        v.m_line = m_line;
        const char c = peek();
        if (c == '{') {
            v.m_kind = JsonValue::Kind::Object;
            advance();
            skipSpace();
            if (peek() == '}') {
                advance();
                return v;
            }
            for (;;) {
                skipSpace();
                if (peek() != '"') fail("expected a key in double quotes" + describeHere());
                JsonValue::Member m;
                m.keyLine = m_line;
                m.key = parseString();
                for (const auto& other : v.m_members)
                    if (other.key == m.key) fail("duplicate key '" + m.key + "'");
                skipSpace();
                expect(':');
                skipSpace();
                m.value = parseValue(depth + 1);
                v.m_members.push_back(std::move(m));
                skipSpace();
                if (peek() == ',') {
                    advance();
                    continue;
                }
                expect('}');
                break;
            }
        } else if (c == '[') {
            v.m_kind = JsonValue::Kind::Array;
            advance();
            skipSpace();
            if (peek() == ']') {
                advance();
                return v;
            }
            for (;;) {
                skipSpace();
                v.m_array.push_back(parseValue(depth + 1));
                skipSpace();
                if (peek() == ',') {
                    advance();
                    continue;
                }
                expect(']');
                break;
            }
        } else if (c == '"') {
            v.m_kind = JsonValue::Kind::String;
            v.m_string = parseString();
        } else if (c == 't' || c == 'f' || c == 'n') {
            const std::string_view rest = m_text.substr(m_pos);
            auto word = [&](std::string_view w) { return rest.substr(0, w.size()) == w; };
            if (word("true")) {
                v.m_kind = JsonValue::Kind::Bool;
                v.m_bool = true;
                m_pos += 4;
            } else if (word("false")) {
                v.m_kind = JsonValue::Kind::Bool;
                m_pos += 5;
            } else if (word("null")) {
                m_pos += 4;
            } else {
                fail("unknown word (expected true, false or null)");
            }
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.m_kind = JsonValue::Kind::Number;
            const std::size_t start = m_pos;
            while (!atEnd() && (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '+' ||
                                peek() == '.' || peek() == 'e' || peek() == 'E'))
                ++m_pos;
            const std::string_view num = m_text.substr(start, m_pos - start);
            auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v.m_number);
            if (ec != std::errc() || p != num.data() + num.size() || !std::isfinite(v.m_number))
                fail("'" + std::string(num) + "' is not a valid number");
        } else {
            fail("expected a value" + describeHere());
        }
        return v;
    }

    static void appendUtf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    unsigned parseHex4() {
        if (m_pos + 4 > m_text.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = m_text[m_pos++];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
            else fail("bad hex digit in \\u escape");
        }
        return v;
    }

    std::string parseString() {
        expect('"');
        std::string out;
        for (;;) {
            if (atEnd()) fail("unterminated string");
            const char c = m_text[m_pos];
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (c == '\n') fail("line break inside a string");
            if (static_cast<unsigned char>(c) < 0x20) fail("control character inside a string");
            if (c == '\\') {
                ++m_pos;
                if (atEnd()) fail("unterminated escape");
                const char e = m_text[m_pos++];
                switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = parseHex4();
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        if (m_pos + 2 > m_text.size() || m_text[m_pos] != '\\' || m_text[m_pos + 1] != 'u')
                            fail("lone surrogate in \\u escape");
                        m_pos += 2;
                        const unsigned lo = parseHex4();
                        if (lo < 0xDC00 || lo > 0xDFFF) fail("bad low surrogate in \\u escape");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        fail("lone surrogate in \\u escape");
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default: fail(std::string("unknown escape '\\") + e + "'");
                }
            } else {
                out += c;
                ++m_pos;
            }
        }
    }
};

JsonValue parseJson(std::string_view text, const std::string& origin) {
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
        static_cast<unsigned char>(text[2]) == 0xBF)
        text.remove_prefix(3);
    JsonParser p(text, origin);
    return p.parseDocument();
}

JsonValue parseJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read '" + path + "': " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return parseJson(ss.str(), path);
}

} // namespace gridatlas::model
