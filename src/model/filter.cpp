#include "model/filter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "model/masking.h"

namespace gridatlas::model {

// Every message of the parser, in English, as a template (%1... filled from its arguments). The
// viewer translates them (src/app/filter_messages.cpp lists the same texts for Qt Linguist).
#define GRIDATLAS_FILTER_MESSAGES(X)                                                                                     \
    X(LexerStuck, "internal error: the lexer did not advance")                                                           \
    X(InvalidUtf8, "the text is not valid UTF-8 (byte %1)")                                                              \
    X(UnexpectedAmp, "unexpected character '&' (did you mean '&&' or 'and'?)")                                          \
    X(UnexpectedBar, "unexpected character '|' (did you mean '||' or 'or'?)")                                            \
    X(UnexpectedCharQuote, "unexpected character %1 (text goes in quotes, e.g. '湖西')")                                 \
    X(UnexpectedControl, "unexpected control character %1")                                                              \
    X(UnexpectedChar, "unexpected character %1")                                                                         \
    X(UnclosedQuote, "the text starting here has no closing quote")                                                      \
    X(NotANumber, "%1 is not a number (text goes in quotes: %1)")                                                        \
    X(NumberOutOfRange, "the number %1 is out of range")                                                                 \
    X(ExpectedEnd, "expected 'and', 'or' or end of text but found %1")                                                   \
    X(TooDeep, "nested too deeply (at most %1 levels of parentheses and 'not')")                                         \
    X(ExpectedClose, "expected 'and', 'or' or ')' to close the '(' at column %1 but found %2")                           \
    X(ExpectedField, "expected a field name, 'not' or '(' but found %1")                                                 \
    X(UnknownField, "unknown field %1 (fields: %2)")                                                                     \
    X(UnknownFieldDidYouMean, "unknown field %1; did you mean %2? (fields: %3)")                                         \
    X(UnknownFieldNoFields, "unknown field %1 (no fields)")                                                              \
    X(ExpectedNumberAfterMinus, "expected a number after '-' but found %1")                                              \
    X(FieldHoldsNumbers, "field %1 holds numbers, but %2 is not a number")                                               \
    X(NullNotAValue, "NULL is not a value to compare with; use 'is null' or 'is not null'")                              \
    X(ExpectedValueQuote, "expected a value after %1 but found %2 (text goes in quotes: %3)")                            \
    X(ExpectedValue, "expected a value after %1 but found %2")                                                           \
    X(ExpectedText, "expected a text in quotes after %1 but found %2")                                                   \
    X(NullEqualsUseIsNull, "nothing equals NULL, not even NULL; use '%1 is null'")                                       \
    X(NullEqualsUseIsNotNull, "nothing equals NULL, not even NULL; use '%1 is not null'")                                \
    X(NullCompare, "nothing equals NULL, not even NULL; use 'is null' or 'is not null'")                                 \
    X(ExpectedAfterNot, "expected 'like', 'in' or 'contains' after '%1 not' but found %2")                               \
    X(ExpectedParenAfterIn, "expected '(' after 'in' but found %1")                                                      \
    X(NullInList, "NULL cannot be in a list after 'in'; use 'is null'")                                                  \
    X(ExpectedCommaInList, "expected ',' or ')' in the list after 'in' but found %1")                                    \
    X(ExpectedNullAfterIs, "expected 'null' after 'is' but found %1")                                                    \
    X(ExpectedNullAfterIsNot, "expected 'null' after 'is not' but found %1")                                             \
    X(ExpectedOperator, "expected an operator after %1 (=, !=, <, <=, >, >=, like, in, contains, is null) but found %2") \
    X(TooLong, "too long (%1 characters; at most %2)")                                                                   \
    X(TokEnd, "end of text")                                                                                             \
    X(TokWord, "the word %1")                                                                                            \
    X(TokNumber, "the number %1")                                                                                        \
    X(TokText, "the text %1")

namespace {

enum class M {
#define GRIDATLAS_FILTER_ID(id, text) id,
    GRIDATLAS_FILTER_MESSAGES(GRIDATLAS_FILTER_ID)
#undef GRIDATLAS_FILTER_ID
};

FilterMessage plain(std::string text) { return FilterMessage{std::move(text), {}, true}; }
FilterMessage msg(M id, std::vector<FilterMessage> args = {}) {
    return FilterMessage{filterMessageTemplates()[static_cast<std::size_t>(id)], std::move(args), false};
}

} // namespace


namespace {

// ---- UTF-8 -------------------------------------------------------------------------------------

/// Decodes the code point at `i`; `len` is 0 for an invalid sequence (including one cut short).
char32_t decode(std::string_view s, std::size_t i, std::size_t& len) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
        len = 1;
        return b0;
    }
    if ((b0 >> 5) == 0x6) n = 2, cp = b0 & 0x1F;
    else if ((b0 >> 4) == 0xE) n = 3, cp = b0 & 0x0F;
    else if ((b0 >> 3) == 0x1E) n = 4, cp = b0 & 0x07;
    else {
        len = 0;
        return 0;
    }
    if (s.size() - i < n) {
        len = 0;
        return 0;
    }
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b >> 6) != 0x2) {
            len = 0;
            return 0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms ("\xE0\x81\x96" for 'V'), surrogates and code points past U+10FFFF are
    // invalid: an overlong ASCII letter would otherwise start a word the byte scanner cannot read.
    constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        len = 0;
        return 0;
    }
    len = n;
    return cp;
}

/// Bytes of the code point at `i` (at least 1, never past the end): for stepping through text
/// that may hold invalid bytes.
std::size_t stepAt(std::string_view s, std::size_t i) {
    std::size_t len = 0;
    decode(s, i, len);
    return len == 0 ? 1 : len;
}

char foldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return foldAscii(x) == foldAscii(y); });
}

/// Full-width punctuation an input method produces, read as its ASCII twin (0: none).
char asciiTwin(char32_t cp) {
    switch (cp) {
    case 0x3000: // ideographic space
    case 0x00A0: return ' ';
    case 0xFF08: return '(';
    case 0xFF09: return ')';
    case 0xFF0C: // ，
    case 0x3001: return ','; // 、
    case 0xFF1D: return '=';
    case 0xFF1C: return '<';
    case 0xFF1E: return '>';
    case 0xFF01: return '!';
    default: return 0;
    }
}

std::string quoteForMessage(std::string_view s) {
    constexpr std::size_t kMax = 24;
    if (utf8Length(s) <= kMax) return "'" + std::string(s) + "'";
    return "'" + utf8Prefix(s, kMax) + "…'";
}

std::string numberText(double d) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", d);
    return buf;
}

/// Reads all of `s` as a number: an integer when it is one and fits, else a double.
std::optional<Value> readNumber(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::int64_t i = 0;
    auto [pi, ei] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (ei == std::errc() && pi == s.data() + s.size()) return Value{i};
    double d = 0;
    auto [pd, ed] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ed == std::errc() && pd == s.data() + s.size() && std::isfinite(d)) return Value{d};
    return std::nullopt;
}

// ---- Tokens ------------------------------------------------------------------------------------

enum class Tok : std::uint8_t {
    End, Ident, Number, String, LParen, RParen, Comma, Minus,
    Eq, Ne, Lt, Le, Gt, Ge,
    And, Or, Not, Like, In, Is, Null, Contains, True, False
};

struct Token {
    Tok kind = Tok::End;
    std::size_t offset = 0; ///< bytes into the text
    std::size_t length = 0;
    std::string text;       ///< String: the unquoted value; Ident: the name
    Value number;           ///< Number
};

struct Keyword {
    std::string_view spelling;
    Tok kind;
};
constexpr Keyword kKeywords[] = {
    {"and", Tok::And},   {"or", Tok::Or},       {"not", Tok::Not},   {"like", Tok::Like},   {"in", Tok::In},
    {"is", Tok::Is},     {"null", Tok::Null},   {"contains", Tok::Contains}, {"true", Tok::True}, {"false", Tok::False},
};

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::size_t columnOf(std::string_view text, std::size_t offset) { return utf8Length(text.substr(0, offset)) + 1; }

class Lexer {
public:
    explicit Lexer(std::string_view text) : m_text(text) {}

    std::vector<Token> run() {
        std::vector<Token> out;
        while (true) {
            skipSpace();
            if (m_pos >= m_text.size()) break;
            const std::size_t before = m_pos;
            out.push_back(next());
            if (m_pos <= before) fail(before, msg(M::LexerStuck)); // never loop forever
        }
        Token end;
        end.kind = Tok::End;
        end.offset = m_text.size();
        out.push_back(std::move(end));
        return out;
    }

private:
    [[noreturn]] void fail(std::size_t offset, FilterMessage message) const {
        throw FilterError(columnOf(m_text, offset), std::move(message));
    }

    /// The character at `i` as ASCII (full-width punctuation mapped), its code point and length.
    char charAt(std::size_t i, char32_t* cpOut = nullptr, std::size_t* lenOut = nullptr) const {
        if (i >= m_text.size()) return 0;
        std::size_t len = 0;
        const char32_t cp = decode(m_text, i, len);
        if (len == 0) fail(i, msg(M::InvalidUtf8, {plain(hexByte(m_text[i]))}));
        if (cpOut) *cpOut = cp;
        if (lenOut) *lenOut = len;
        if (cp < 0x80) return static_cast<char>(cp);
        return asciiTwin(cp);
    }

    static std::string hexByte(char c) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
        return buf;
    }

    void skipSpace() {
        while (m_pos < m_text.size()) {
            std::size_t len = 1;
            const char c = charAt(m_pos, nullptr, &len);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return;
            m_pos += len;
        }
    }

    Token make(Tok kind, std::size_t start) const {
        Token t;
        t.kind = kind;
        t.offset = start;
        t.length = m_pos - start;
        return t;
    }

    Token next() {
        const std::size_t start = m_pos;
        char32_t cp = 0;
        std::size_t len = 1;
        const char c = charAt(m_pos, &cp, &len);
        // Two-character operators: the second character may be full-width too.
        auto follows = [&](char second) {
            std::size_t len2 = 1;
            if (charAt(m_pos + len, nullptr, &len2) != second) return false;
            m_pos += len + len2;
            return true;
        };
        switch (c) {
        case '(': m_pos += len; return make(Tok::LParen, start);
        case ')': m_pos += len; return make(Tok::RParen, start);
        case ',': m_pos += len; return make(Tok::Comma, start);
        case '-': m_pos += len; return make(Tok::Minus, start);
        case '=':
            if (!follows('=')) m_pos += len;
            return make(Tok::Eq, start);
        case '!':
            if (follows('=')) return make(Tok::Ne, start);
            m_pos += len;
            return make(Tok::Not, start);
        case '<':
            if (follows('=')) return make(Tok::Le, start);
            if (follows('>')) return make(Tok::Ne, start);
            m_pos += len;
            return make(Tok::Lt, start);
        case '>':
            if (follows('=')) return make(Tok::Ge, start);
            m_pos += len;
            return make(Tok::Gt, start);
        case '&':
            if (follows('&')) return make(Tok::And, start);
            fail(start, msg(M::UnexpectedAmp));
        case '|':
            if (follows('|')) return make(Tok::Or, start);
            fail(start, msg(M::UnexpectedBar));
        case '\'':
        case '"': return quoted(c, c);
        default: break;
        }
        if (cp == U'‘') return quoted('\'', U'’');
        if (cp == U'“') return quoted('"', U'”');
        if (cp == U'且' || cp == U'或' || cp == U'非') {
            m_pos += len;
            return make(cp == U'且' ? Tok::And : cp == U'或' ? Tok::Or : Tok::Not, start);
        }
        if (isDigit(c) || (c == '.' && isDigit(charAt(m_pos + 1)))) return number();
        if (isIdentStart(c)) return word();
        if (cp >= 0x80)
            fail(start, msg(M::UnexpectedCharQuote, {plain("'" + std::string(m_text.substr(start, len)) + "'")}));
        if (cp < 0x20 || cp == 0x7F) fail(start, msg(M::UnexpectedControl, {plain(hexByte(m_text[start]))}));
        fail(start, msg(M::UnexpectedChar, {plain("'" + std::string(1, c) + "'")}));
    }

    /// A quoted text; a doubled quote inside stands for one (SQL style). Curly quotes close with
    /// their partner and have no escape.
    Token quoted(char straight, char32_t closer) {
        const std::size_t start = m_pos;
        std::size_t openLen = 1;
        charAt(m_pos, nullptr, &openLen);
        m_pos += openLen;
        std::string value;
        while (true) {
            if (m_pos >= m_text.size())
                fail(start, msg(M::UnclosedQuote));
            char32_t cp = 0;
            std::size_t len = 1;
            charAt(m_pos, &cp, &len);
            if (cp == closer) {
                if (closer < 0x80 && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == straight) {
                    value += straight; // '' -> '
                    m_pos += 2;
                    continue;
                }
                m_pos += len;
                break;
            }
            value.append(m_text.substr(m_pos, len));
            m_pos += len;
        }
        Token t = make(Tok::String, start);
        t.text = std::move(value);
        return t;
    }

    Token number() {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && isDigit(m_text[m_pos])) ++m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            while (m_pos < m_text.size() && isDigit(m_text[m_pos])) ++m_pos;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            std::size_t p = m_pos + 1;
            if (p < m_text.size() && (m_text[p] == '+' || m_text[p] == '-')) ++p;
            if (p < m_text.size() && isDigit(m_text[p])) {
                m_pos = p;
                while (m_pos < m_text.size() && isDigit(m_text[m_pos])) ++m_pos;
            }
        }
        // "5O1", "3.4.5", "12abc": a word that starts like a number but is not one.
        if (m_pos < m_text.size() && (isIdentChar(m_text[m_pos]) || m_text[m_pos] == '.')) {
            std::size_t end = m_pos;
            while (end < m_text.size() && (isIdentChar(m_text[end]) || m_text[end] == '.')) ++end;
            const std::string word(m_text.substr(start, end - start));
            fail(start, msg(M::NotANumber, {plain(quoteForMessage(word))}));
        }
        const std::string_view lexeme = m_text.substr(start, m_pos - start);
        Token t = make(Tok::Number, start);
        // from_chars does not take a leading '.'.
        const std::string digits = lexeme.front() == '.' ? "0" + std::string(lexeme) : std::string(lexeme);
        const auto value = readNumber(digits);
        if (!value) fail(start, msg(M::NumberOutOfRange, {plain(quoteForMessage(lexeme))}));
        t.number = *value;
        return t;
    }

    Token word() {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && isIdentChar(m_text[m_pos])) ++m_pos;
        const std::string_view w = m_text.substr(start, m_pos - start);
        for (const auto& k : kKeywords)
            if (equalsIgnoringAsciiCase(w, k.spelling)) return make(k.kind, start);
        Token t = make(Tok::Ident, start);
        t.text = std::string(w);
        return t;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (foldAscii(a[i - 1]) == foldAscii(b[j - 1]) ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

} // namespace

// ---- FilterError -------------------------------------------------------------------------------

std::string FilterMessage::english() const {
    if (literal) return text;
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 1 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9') {
            const auto k = static_cast<std::size_t>(text[i + 1] - '1');
            if (k < args.size()) out += args[k].english();
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

const std::vector<std::string>& filterMessageTemplates() {
    static const std::vector<std::string> all{
#define GRIDATLAS_FILTER_TEMPLATE(id, text) text,
        GRIDATLAS_FILTER_MESSAGES(GRIDATLAS_FILTER_TEMPLATE)
#undef GRIDATLAS_FILTER_TEMPLATE
    };
    return all;
}

FilterError::FilterError(std::size_t column, FilterMessage message)
    : InputError(column > 0 ? "filter, column " + std::to_string(column) + ": " + message.english() : "filter: " + message.english()),
      m_column(column), m_message(std::move(message)), m_detail(m_message.english()) {}

// ---- Parser ------------------------------------------------------------------------------------

class Filter::Parser {
public:
    Parser(std::string_view text, const std::vector<Field>& fields, const FilterLimits& limits, Filter& out)
        : m_text(text), m_fields(fields), m_limits(limits), m_out(out) {}

    void run() {
        m_tokens = Lexer(m_text).run();
        parseOr(0);
        if (peek().kind != Tok::End) fail(peek(), msg(M::ExpectedEnd, {describeToken(peek())}));
    }

private:
    [[noreturn]] void fail(const Token& at, FilterMessage message) const {
        throw FilterError(columnOf(m_text, at.offset), std::move(message));
    }

    const Token& peek() const { return m_tokens[m_pos]; }
    const Token& take() {
        const Token& t = m_tokens[m_pos];
        if (t.kind != Tok::End) ++m_pos;
        return t;
    }
    std::string spelling(const Token& t) const { return std::string(m_text.substr(t.offset, t.length)); }

    FilterMessage describeToken(const Token& t) const {
        switch (t.kind) {
        case Tok::End: return msg(M::TokEnd);
        case Tok::Ident: return msg(M::TokWord, {plain(quoteForMessage(t.text))});
        case Tok::Number: return msg(M::TokNumber, {plain(spelling(t))});
        case Tok::String: return msg(M::TokText, {plain(quoteForMessage(t.text))});
        default: return plain("'" + spelling(t) + "'");
        }
    }

    std::uint32_t add(Node node) {
        m_out.m_nodes.push_back(std::move(node));
        return static_cast<std::uint32_t>(m_out.m_nodes.size() - 1);
    }

    void enter(const Token& at, int depth) const {
        if (depth > m_limits.maxDepth)
            fail(at, msg(M::TooDeep, {plain(std::to_string(m_limits.maxDepth))}));
    }

    std::uint32_t parseOr(int depth) {
        std::vector<std::uint32_t> parts{parseAnd(depth)};
        while (peek().kind == Tok::Or) {
            take();
            parts.push_back(parseAnd(depth));
        }
        if (parts.size() == 1) return parts.front();
        Node n;
        n.kind = Kind::Or;
        n.children = std::move(parts);
        return add(std::move(n));
    }

    std::uint32_t parseAnd(int depth) {
        std::vector<std::uint32_t> parts{parseUnary(depth)};
        while (peek().kind == Tok::And) {
            take();
            parts.push_back(parseUnary(depth));
        }
        if (parts.size() == 1) return parts.front();
        Node n;
        n.kind = Kind::And;
        n.children = std::move(parts);
        return add(std::move(n));
    }

    std::uint32_t parseUnary(int depth) {
        if (peek().kind == Tok::Not) {
            const Token& notTok = take();
            enter(notTok, depth + 1);
            const std::uint32_t child = parseUnary(depth + 1);
            Node n;
            n.kind = Kind::Not;
            n.children = {child};
            return add(std::move(n));
        }
        return parsePrimary(depth);
    }

    std::uint32_t parsePrimary(int depth) {
        const Token& t = peek();
        if (t.kind == Tok::LParen) {
            const Token& open = take();
            enter(open, depth + 1);
            const std::uint32_t inner = parseOr(depth + 1);
            if (peek().kind != Tok::RParen)
                fail(peek(), msg(M::ExpectedClose, {plain(std::to_string(columnOf(m_text, open.offset))), describeToken(peek())}));
            take();
            return inner;
        }
        if (t.kind == Tok::Ident) return parsePredicate();
        fail(t, msg(M::ExpectedField, {describeToken(t)}));
    }

    std::size_t lookupField(const Token& t) const {
        for (std::size_t i = 0; i < m_fields.size(); ++i)
            if (m_fields[i].name == t.text) return i;
        for (std::size_t i = 0; i < m_fields.size(); ++i)
            if (equalsIgnoringAsciiCase(m_fields[i].name, t.text)) return i;
        std::string list;
        std::string best;
        std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
        for (const auto& f : m_fields) {
            list += (list.empty() ? "" : ", ") + f.name;
            const std::size_t d = editDistance(t.text, f.name);
            if (d < bestDistance) bestDistance = d, best = f.name;
        }
        if (list.empty()) fail(t, msg(M::UnknownFieldNoFields, {plain(quoteForMessage(t.text))}));
        if (!best.empty() && bestDistance <= std::max<std::size_t>(1, best.size() / 3))
            fail(t, msg(M::UnknownFieldDidYouMean, {plain(quoteForMessage(t.text)), plain("'" + best + "'"), plain(list)}));
        fail(t, msg(M::UnknownField, {plain(quoteForMessage(t.text)), plain(list)}));
    }

    bool isNumeric(std::size_t field) const {
        return m_fields[field].type == FieldType::Integer || m_fields[field].type == FieldType::Real;
    }

    /// A value after `after` (an operator, 'in (' or ','), checked against the field's type.
    Literal parseValue(const Token& after, std::size_t field) {
        const Token& t = take();
        Literal lit;
        switch (t.kind) {
        case Tok::Number: lit.value = t.number; break;
        case Tok::True: lit.value = std::int64_t{1}; break;
        case Tok::False: lit.value = std::int64_t{0}; break;
        case Tok::Minus: {
            const Token& n = take();
            if (n.kind != Tok::Number) fail(n, msg(M::ExpectedNumberAfterMinus, {describeToken(n)}));
            if (const auto* i = std::get_if<std::int64_t>(&n.number)) lit.value = -*i; // |i| <= INT64_MAX: no overflow
            else lit.value = -std::get<double>(n.number);
            break;
        }
        case Tok::String:
            lit.value = t.text;
            if (isNumeric(field)) {
                const auto n = readNumber(t.text);
                if (!n)
                    fail(t, msg(M::FieldHoldsNumbers, {plain("'" + m_fields[field].name + "'"), plain(quoteForMessage(t.text))}));
                lit.value = *n;
            }
            break;
        case Tok::Null:
            fail(t, msg(M::NullNotAValue));
        case Tok::Ident:
            fail(t, msg(M::ExpectedValueQuote, {plain("'" + spelling(after) + "'"), describeToken(t), plain(quoteForMessage(t.text))}));
        default: fail(t, msg(M::ExpectedValue, {plain("'" + spelling(after) + "'"), describeToken(t)}));
        }
        if (const auto* s = std::get_if<std::string>(&lit.value)) {
            lit.text = *s;
            if (const auto n = readNumber(*s)) lit.number = toNumber(*n);
        } else {
            lit.number = toNumber(lit.value);
            lit.text = std::holds_alternative<std::int64_t>(lit.value) ? toText(lit.value) : numberText(*lit.number);
        }
        return lit;
    }

    Literal parsePattern(const Token& after) {
        const Token& t = take();
        if (t.kind != Tok::String)
            fail(t, msg(M::ExpectedText, {plain("'" + spelling(after) + "'"), describeToken(t)}));
        Literal lit;
        lit.value = t.text;
        lit.text = t.text;
        return lit;
    }

    std::uint32_t parsePredicate() {
        const Token& fieldTok = take();
        const std::size_t field = lookupField(fieldTok);
        if (std::find(m_out.m_usedFields.begin(), m_out.m_usedFields.end(), field) == m_out.m_usedFields.end())
            m_out.m_usedFields.push_back(field);
        Node n;
        n.field = field;
        const Token& t = peek();
        switch (t.kind) {
        case Tok::Eq:
        case Tok::Ne:
        case Tok::Lt:
        case Tok::Le:
        case Tok::Gt:
        case Tok::Ge: {
            const Token& opTok = take();
            n.kind = Kind::Compare;
            n.op = opTok.kind == Tok::Eq ? Op::Eq : opTok.kind == Tok::Ne ? Op::Ne : opTok.kind == Tok::Lt ? Op::Lt
                 : opTok.kind == Tok::Le ? Op::Le : opTok.kind == Tok::Gt ? Op::Gt : Op::Ge;
            if (peek().kind == Tok::Null) {
                if (n.op == Op::Eq) fail(peek(), msg(M::NullEqualsUseIsNull, {plain(fieldTok.text)}));
                if (n.op == Op::Ne) fail(peek(), msg(M::NullEqualsUseIsNotNull, {plain(fieldTok.text)}));
                fail(peek(), msg(M::NullCompare));
            }
            n.values.push_back(parseValue(opTok, field));
            break;
        }
        case Tok::Not:
        case Tok::Like:
        case Tok::In:
        case Tok::Contains: {
            if (t.kind == Tok::Not) {
                take();
                n.negated = true;
                const Tok k = peek().kind;
                if (k != Tok::Like && k != Tok::In && k != Tok::Contains)
                    fail(peek(), msg(M::ExpectedAfterNot, {plain(fieldTok.text), describeToken(peek())}));
            }
            const Token& opTok = take();
            if (opTok.kind == Tok::Like) {
                n.kind = Kind::Like;
                n.values.push_back(parsePattern(opTok));
            } else if (opTok.kind == Tok::Contains) {
                n.kind = Kind::Contains;
                n.values.push_back(parsePattern(opTok));
            } else {
                n.kind = Kind::In;
                if (peek().kind != Tok::LParen) fail(peek(), msg(M::ExpectedParenAfterIn, {describeToken(peek())}));
                const Token* after = &take();
                while (true) {
                    if (peek().kind == Tok::Null) fail(peek(), msg(M::NullInList));
                    n.values.push_back(parseValue(*after, field));
                    if (peek().kind == Tok::RParen) break;
                    if (peek().kind != Tok::Comma) fail(peek(), msg(M::ExpectedCommaInList, {describeToken(peek())}));
                    after = &take();
                }
                take();
            }
            break;
        }
        case Tok::Is: {
            take();
            n.kind = Kind::IsNull;
            if (peek().kind == Tok::Not) {
                take();
                n.negated = true;
            }
            if (peek().kind != Tok::Null)
                fail(peek(), msg(n.negated ? M::ExpectedNullAfterIsNot : M::ExpectedNullAfterIs, {describeToken(peek())}));
            take();
            break;
        }
        case Tok::Ident:
        case Tok::Number:
        case Tok::String:
        case Tok::Minus:
        case Tok::LParen:
        case Tok::True:
        case Tok::False:
            fail(t, msg(M::ExpectedOperator, {plain("'" + fieldTok.text + "'"), describeToken(t)}));
        default:
            n.kind = Kind::Truthy; // a bare field: true when not zero and not empty
            break;
        }
        return add(std::move(n));
    }

    std::string_view m_text;
    const std::vector<Field>& m_fields;
    const FilterLimits& m_limits;
    Filter& m_out;
    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
};

Filter Filter::parse(std::string_view text, const std::vector<Field>& fields, const FilterLimits& limits) {
    // Checked before lexing so a huge paste costs one pass; four bytes per character at most.
    if (text.size() > 4 * limits.maxLength || utf8Length(text) > limits.maxLength)
        throw FilterError(0, msg(M::TooLong, {plain(std::to_string(utf8Length(text))), plain(std::to_string(limits.maxLength))}));
    Filter f;
    for (const auto& field : fields) f.m_fieldNames.push_back(field.name);
    Parser(text, fields, limits, f).run();
    std::sort(f.m_usedFields.begin(), f.m_usedFields.end());
    return f;
}

// ---- Evaluation --------------------------------------------------------------------------------

namespace {

template <class T> int threeWay(const T& a, const T& b) { return a < b ? -1 : (b < a ? 1 : 0); }

int compareTexts(std::string_view a, std::string_view b) {
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool containsIgnoringAsciiCase(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                       [](char x, char y) { return foldAscii(x) == foldAscii(y); }) != hay.end();
}

Truth fromBool(bool b) { return b ? Truth::True : Truth::False; }
Truth negate(Truth t) { return t == Truth::Unknown ? t : fromBool(t == Truth::False); }

const Value& nullValue() {
    static const Value kNull;
    return kNull;
}

} // namespace

bool likeMatch(std::string_view text, std::string_view pattern) {
    // Greedy matching with one backtrack point (the last '%'): linear memory, no recursion.
    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    std::size_t t = 0, p = 0, starP = kNone, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '%') {
            while (p < pattern.size() && pattern[p] == '%') ++p;
            starP = p;
            starT = t;
            continue;
        }
        if (p < pattern.size() && pattern[p] == '_') {
            t += stepAt(text, t);
            ++p;
            continue;
        }
        if (p < pattern.size() && foldAscii(pattern[p]) == foldAscii(text[t])) {
            ++p;
            ++t;
            continue;
        }
        if (starP == kNone) return false;
        starT += stepAt(text, starT); // '%' swallows one more character
        t = starT;
        p = starP;
    }
    while (p < pattern.size() && pattern[p] == '%') ++p;
    return p == pattern.size();
}

Truth Filter::evaluate(const std::vector<Value>& row) const {
    if (m_nodes.empty()) return Truth::False;
    return eval(static_cast<std::uint32_t>(m_nodes.size() - 1), row);
}

Truth Filter::eval(std::uint32_t index, const std::vector<Value>& row) const {
    const Node& n = m_nodes[index];
    switch (n.kind) {
    case Kind::And: {
        Truth result = Truth::True;
        for (const auto c : n.children) {
            const Truth t = eval(c, row);
            if (t == Truth::False) return Truth::False;
            if (t == Truth::Unknown) result = Truth::Unknown;
        }
        return result;
    }
    case Kind::Or: {
        Truth result = Truth::False;
        for (const auto c : n.children) {
            const Truth t = eval(c, row);
            if (t == Truth::True) return Truth::True;
            if (t == Truth::Unknown) result = Truth::Unknown;
        }
        return result;
    }
    case Kind::Not: return negate(eval(n.children.front(), row));
    default: break;
    }

    const Value& v = n.field < row.size() ? row[n.field] : nullValue();
    const auto* real = std::get_if<double>(&v);
    const bool unknown = isNull(v) || (real && std::isnan(*real));

    // -1/0/1 of v against a literal; nullopt when either side is NULL/NaN.
    auto order = [&](const Literal& lit) -> std::optional<int> {
        if (unknown) return std::nullopt;
        if (const auto* i = std::get_if<std::int64_t>(&v)) {
            if (const auto* li = std::get_if<std::int64_t>(&lit.value)) return threeWay(*i, *li);
            if (lit.number) return threeWay(static_cast<double>(*i), *lit.number);
            return compareTexts(toText(v), lit.text);
        }
        if (real) {
            if (lit.number) return threeWay(*real, *lit.number);
            return compareTexts(toText(v), lit.text);
        }
        const auto& s = std::get<std::string>(v);
        if (std::holds_alternative<std::string>(lit.value)) return compareTexts(s, lit.text);
        // Text field against a number: numerically when the text reads as a number ("501" = 501).
        if (const auto num = toNumber(v); num && !std::isnan(*num)) return threeWay(*num, *lit.number);
        return compareTexts(s, lit.text);
    };
    auto text = [&]() -> std::string { return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : toText(v); };

    switch (n.kind) {
    case Kind::And:
    case Kind::Or:
    case Kind::Not: break; // handled above
    case Kind::Compare: {
        const auto o = order(n.values.front());
        if (!o) return Truth::Unknown;
        switch (n.op) {
        case Op::Eq: return fromBool(*o == 0);
        case Op::Ne: return fromBool(*o != 0);
        case Op::Lt: return fromBool(*o < 0);
        case Op::Le: return fromBool(*o <= 0);
        case Op::Gt: return fromBool(*o > 0);
        case Op::Ge: return fromBool(*o >= 0);
        }
        return Truth::Unknown;
    }
    case Kind::Like: {
        if (unknown) return Truth::Unknown;
        const bool m = likeMatch(text(), n.values.front().text);
        return fromBool(m != n.negated);
    }
    case Kind::Contains: {
        if (unknown) return Truth::Unknown;
        const bool m = containsIgnoringAsciiCase(text(), n.values.front().text);
        return fromBool(m != n.negated);
    }
    case Kind::In: {
        if (unknown) return Truth::Unknown;
        bool m = false;
        for (const auto& lit : n.values)
            if (order(lit) == 0) {
                m = true;
                break;
            }
        return fromBool(m != n.negated);
    }
    case Kind::IsNull: return fromBool(unknown != n.negated);
    case Kind::Truthy: {
        if (unknown) return Truth::Unknown;
        if (const auto* i = std::get_if<std::int64_t>(&v)) return fromBool(*i != 0);
        if (real) return fromBool(*real != 0);
        const auto& s = std::get<std::string>(v);
        if (const auto num = toNumber(v); num && !std::isnan(*num)) return fromBool(*num != 0);
        return fromBool(!s.empty());
    }
    }
    return Truth::Unknown;
}

// ---- describe ----------------------------------------------------------------------------------

std::string Filter::describe() const {
    std::string out;
    if (!m_nodes.empty()) describe(static_cast<std::uint32_t>(m_nodes.size() - 1), out);
    return out;
}

void Filter::describe(std::uint32_t index, std::string& out) const {
    const Node& n = m_nodes[index];
    auto literal = [&](const Literal& lit) {
        if (std::holds_alternative<std::string>(lit.value)) {
            out += '\'';
            for (char c : lit.text) {
                if (c == '\'') out += '\'';
                out += c;
            }
            out += '\'';
        } else {
            out += lit.text;
        }
    };
    // Only leaves have a field; an empty name keeps a malformed tree from reading past the list.
    static const std::string kNoField;
    const std::string& field = n.field < m_fieldNames.size() ? m_fieldNames[n.field] : kNoField;
    switch (n.kind) {
    case Kind::And:
    case Kind::Or:
        out += n.kind == Kind::And ? "(and" : "(or";
        for (const auto c : n.children) {
            out += ' ';
            describe(c, out);
        }
        out += ')';
        return;
    case Kind::Not:
        out += "(not ";
        describe(n.children.front(), out);
        out += ')';
        return;
    case Kind::Compare: {
        static constexpr const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
        out += std::string("(") + kOps[static_cast<int>(n.op)] + " " + field + " ";
        literal(n.values.front());
        out += ')';
        return;
    }
    case Kind::Like:
    case Kind::Contains:
    case Kind::In:
        out += std::string("(") + (n.negated ? "not-" : "") + (n.kind == Kind::Like ? "like " : n.kind == Kind::In ? "in " : "contains ") + field;
        for (const auto& lit : n.values) {
            out += ' ';
            literal(lit);
        }
        out += ')';
        return;
    case Kind::IsNull: out += std::string("(") + (n.negated ? "is-not-null " : "is-null ") + field + ")"; return;
    case Kind::Truthy: out += field; return;
    }
}

} // namespace gridatlas::model
