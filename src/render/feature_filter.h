#pragma once
// Layer filters: field = value equality terms (any of a term's values), all terms must hold.
// No SQL text ever reaches a source: filters are applied to the values read.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/feature.h"
#include "render/map_document.h"

namespace gridatlas::render {

class FeatureFilter {
public:
    explicit FeatureFilter(const std::vector<FilterTerm>& terms);
    /// Fields the filter reads, one per term, in term order.
    [[nodiscard]] std::vector<std::string> fields() const;
    /// `values[offset + i]` holds the field of term i.
    [[nodiscard]] bool accepts(const std::vector<model::Value>& values, std::size_t offset) const;
    [[nodiscard]] bool isEmpty() const { return m_terms.empty(); }

private:
    struct Term {
        std::string field;
        std::vector<std::string> texts;
        std::vector<std::int64_t> ints; ///< the values that are integers
        std::vector<double> reals;      ///< the values that are numbers
    };
    std::vector<Term> m_terms;
};

} // namespace gridatlas::render
