#include "render/feature_filter.h"

#include <algorithm>
#include <cmath>

namespace gridatlas::render {

FeatureFilter::FeatureFilter(const std::vector<FilterTerm>& terms) {
    for (const auto& t : terms) {
        Term term;
        term.field = t.field;
        term.texts = t.values;
        for (const auto& v : t.values) {
            if (auto n = model::toNumber(model::Value{v})) {
                term.reals.push_back(*n);
                if (*n == std::floor(*n) && std::fabs(*n) < 9e15) term.ints.push_back(static_cast<std::int64_t>(*n));
            }
        }
        m_terms.push_back(std::move(term));
    }
}

std::vector<std::string> FeatureFilter::fields() const {
    std::vector<std::string> out;
    for (const auto& t : m_terms) out.push_back(t.field);
    return out;
}

bool FeatureFilter::accepts(const std::vector<model::Value>& values, std::size_t offset) const {
    for (std::size_t i = 0; i < m_terms.size(); ++i) {
        const auto& t = m_terms[i];
        const auto& v = values[offset + i];
        bool ok = false;
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
            ok = std::find(t.ints.begin(), t.ints.end(), *n) != t.ints.end();
        } else if (const auto* d = std::get_if<double>(&v)) {
            ok = std::find(t.reals.begin(), t.reals.end(), *d) != t.reals.end();
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            ok = std::find(t.texts.begin(), t.texts.end(), *s) != t.texts.end();
        }
        if (!ok) return false;
    }
    return true;
}

} // namespace gridatlas::render
