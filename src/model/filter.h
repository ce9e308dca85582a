#pragma once
// The filter language of the attribute table and the viewer:
//     floors >= 18 and use = 'residential'      name like '王%'      not has_member
//     room in ('501', '502')      grid_id is null      address contains '湖西'
// Text is parsed by a recursive-descent parser into a small AST that is evaluated in C++ against
// rows of values: filter text never reaches SQL. NULL behaves as in SQL (three-valued logic: a
// comparison with NULL is unknown, and only rows where the filter is true match).
//
// The parser takes untrusted text (it gets a fuzz target): its input length and nesting depth are
// bounded, it never reads past the text, and every failure is a FilterError with a column.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/feature.h"
#include "model/support/error.h"

namespace gridatlas::model {

/// A filter that does not parse or names an unknown field:
/// "filter, column 12: expected a value after '>=' but found end of text".
/// A filter message with its parts kept apart, so the viewer can translate it: `text` is an
/// English template with %1, %2... filled from `args`, or, when `literal`, text shown as it is
/// (a field name, a value the user typed).
struct FilterMessage {
    std::string text;
    std::vector<FilterMessage> args;
    bool literal = false;
    /// The message in English, templates filled.
    [[nodiscard]] std::string english() const;
};

/// Every template the parser uses, each once (translation tables list them all; a test checks).
const std::vector<std::string>& filterMessageTemplates();

class FilterError : public InputError {
public:
    /// `column` is 1-based in characters (code points); 0 when the error is about the whole text.
    FilterError(std::size_t column, FilterMessage message);
    [[nodiscard]] std::size_t column() const { return m_column; }
    /// The message in English without the "filter, column N: " prefix (for a label beside the input).
    [[nodiscard]] const std::string& detail() const { return m_detail; }
    /// The message in parts, for translation.
    [[nodiscard]] const FilterMessage& message() const { return m_message; }

private:
    std::size_t m_column;
    FilterMessage m_message;
    std::string m_detail;
};

struct FilterLimits {
    std::size_t maxLength = 2000; ///< characters of filter text
    int maxDepth = 50;            ///< nested parentheses and 'not's
};

/// SQL's three truth values.
enum class Truth : std::uint8_t { False, True, Unknown };

/// A parsed filter, bound to a field list. Immutable, cheap to evaluate, safe to share between
/// threads once built.
class Filter {
public:
    /// Parses `text` against `fields`; a row given to evaluate() holds the values of these fields
    /// in this order. Field names match exactly, else ignoring ASCII case.
    /// Throws FilterError on any syntax error, unknown field, over-long or over-deep text.
    static Filter parse(std::string_view text, const std::vector<Field>& fields, const FilterLimits& limits = {});

    /// Truth of the filter for one row; fields beyond the row's end read as NULL.
    [[nodiscard]] Truth evaluate(const std::vector<Value>& row) const;
    /// True only when the filter is true (not false, not unknown), as SQL's WHERE.
    [[nodiscard]] bool matches(const std::vector<Value>& row) const { return evaluate(row) == Truth::True; }
    /// Indices (into the parse's field list) of the fields the filter reads, ascending: a caller
    /// with many rows fills only these.
    [[nodiscard]] const std::vector<std::size_t>& usedFields() const { return m_usedFields; }
    /// The AST as an S-expression, e.g. "(and (>= floors 18) (= use 'residential'))" (tests, logs).
    [[nodiscard]] std::string describe() const;

private:
    enum class Kind : std::uint8_t { And, Or, Not, Compare, Like, In, Contains, IsNull, Truthy };
    enum class Op : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge };
    struct Literal {
        Value value;                  ///< integer, real or text (never NULL)
        std::optional<double> number; ///< numeric reading (a number, or text that reads as one)
        std::string text;             ///< text reading
    };
    struct Node {
        Kind kind = Kind::Truthy;
        Op op = Op::Eq;
        bool negated = false; ///< NOT LIKE, NOT IN, NOT CONTAINS, IS NOT NULL
        std::size_t field = 0;
        std::vector<Literal> values;          ///< Compare/Like/Contains: one; In: the list
        std::vector<std::uint32_t> children;  ///< And/Or: two or more; Not: one
    };
    class Parser;

    Filter() = default;
    [[nodiscard]] Truth eval(std::uint32_t node, const std::vector<Value>& row) const;
    void describe(std::uint32_t node, std::string& out) const;

    std::vector<Node> m_nodes; ///< children before parents; the root is last
    std::vector<std::string> m_fieldNames;
    std::vector<std::size_t> m_usedFields;
};

/// SQL LIKE: '%' any run of characters, '_' one character (a code point), ASCII case ignored.
bool likeMatch(std::string_view text, std::string_view pattern);

} // namespace gridatlas::model
