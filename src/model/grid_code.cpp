#include "model/grid_code.h"

#include <algorithm>
#include <cstdio>

#include "model/support/error.h"

namespace gridatlas::model {

namespace {

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::string Cjt349Code::text() const {
    char seq[4];
    std::snprintf(seq, sizeof seq, "%02d", sequence);
    return object + county + street + community + seq;
}

std::optional<Cjt349Code> parseCjt349(std::string_view code, std::string* why) {
    auto fail = [why](std::string message) -> std::optional<Cjt349Code> {
        if (why) *why = std::move(message);
        return std::nullopt;
    };
    if (code.size() != 20) return fail("a CJ/T 349-2010 grid code has 20 digits, this one has " + std::to_string(code.size()) + " characters");
    if (!allDigits(code)) return fail("a CJ/T 349-2010 grid code has digits only");
    Cjt349Code c;
    c.object = std::string(code.substr(0, 6));
    c.county = std::string(code.substr(6, 6));
    c.street = std::string(code.substr(12, 3));
    c.community = std::string(code.substr(15, 3));
    c.sequence = (code[18] - '0') * 10 + (code[19] - '0');
    if (c.county.substr(0, 2) == "00") return fail("digits 7-12 (administrative division, GB/T 2260) cannot start with 00");
    return c;
}

std::string makeCjt349(std::string_view object, std::string_view communityCode, int sequence) {
    if (object.size() != 6 || !allDigits(object))
        throw InputError("CJ/T 349-2010: the management object code (digits 1-6, CJ/T 348-2010) must be 6 digits, got '" +
                         std::string(object) + "'");
    if (communityCode.size() != 12 || !allDigits(communityCode))
        throw InputError("CJ/T 349-2010: the community code must be 12 digits (division 6 + street 3 + community 3), got '" +
                         std::string(communityCode) + "'");
    if (sequence < 0 || sequence > 99)
        throw InputError("CJ/T 349-2010: a community holds at most 99 grids (sequence 01-99), asked for " + std::to_string(sequence));
    Cjt349Code c;
    c.object = std::string(object);
    c.county = std::string(communityCode.substr(0, 6));
    c.street = std::string(communityCode.substr(6, 3));
    c.community = std::string(communityCode.substr(9, 3));
    c.sequence = sequence;
    return c.text();
}

std::vector<std::size_t> readingOrder(const std::vector<Vec2>& points, double rowHeight) {
    std::vector<std::size_t> byTop(points.size());
    for (std::size_t i = 0; i < byTop.size(); ++i) byTop[i] = i;
    std::stable_sort(byTop.begin(), byTop.end(), [&](std::size_t a, std::size_t b) { return points[a].y > points[b].y; });
    std::vector<std::size_t> out;
    out.reserve(points.size());
    std::size_t start = 0;
    while (start < byTop.size()) {
        const double top = points[byTop[start]].y;
        std::size_t end = start;
        while (end < byTop.size() && top - points[byTop[end]].y < rowHeight) ++end;
        std::vector<std::size_t> row(byTop.begin() + static_cast<std::ptrdiff_t>(start), byTop.begin() + static_cast<std::ptrdiff_t>(end));
        std::stable_sort(row.begin(), row.end(), [&](std::size_t a, std::size_t b) { return points[a].x < points[b].x; });
        out.insert(out.end(), row.begin(), row.end());
        start = end;
    }
    return out;
}

} // namespace gridatlas::model
