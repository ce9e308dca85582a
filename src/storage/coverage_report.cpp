#include "storage/coverage_report.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "model/support/error.h"
#include "storage/coverage.h"
#include "storage/crs.h"
#include "storage/isochrones.h"

namespace gridatlas::storage {

std::string formatNumber(double v, int decimals) {
    if (!std::isfinite(v)) return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const fs::path temp = folder / ("." + target.filename().string() + ".tmp-" + std::to_string(getpid()));
    std::FILE* f = std::fopen(temp.c_str(), "wb");
    if (!f) throw InputError("cannot write '" + path + "': " + std::strerror(errno));
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    const bool closed = std::fclose(f) == 0;
    std::error_code ec;
    if (!ok || !closed) {
        fs::remove(temp, ec);
        throw InputError("cannot write '" + path + "': disk full or not writable");
    }
    fs::rename(temp, target, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw InputError("cannot write '" + path + "': " + ec.message());
    }
}

namespace {

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void appendCsvRow(std::string& out, const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        out += csvField(cells[i]);
    }
    out += "\n";
}

std::string percent(std::int64_t part, std::int64_t whole) {
    return whole ? formatNumber(100.0 * static_cast<double>(part) / static_cast<double>(whole), 1) : std::string("0.0");
}

ReportTable rowsTable(std::string title, const char* keyName, const std::vector<CoverageRow>& rows) {
    ReportTable t{std::move(title),
                  {keyName, "name", "households", "covered", "covered_pct", "vulnerable", "vulnerable_covered", "vulnerable_pct"},
                  {}};
    for (const auto& r : rows)
        t.rows.push_back({r.code, r.name, std::to_string(r.households), std::to_string(r.covered),
                          percent(r.covered, r.households), std::to_string(r.vulnerable), std::to_string(r.vulnerableCovered),
                          percent(r.vulnerableCovered, r.vulnerable)});
    return t;
}

// ---- XLSX: a stored (uncompressed) ZIP of the few XML parts Excel needs ----

std::uint32_t crc32(const std::string& data) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void put16(std::string& o, std::uint16_t v) {
    o += static_cast<char>(v & 0xFF);
    o += static_cast<char>(v >> 8);
}
void put32(std::string& o, std::uint32_t v) {
    put16(o, static_cast<std::uint16_t>(v & 0xFFFF));
    put16(o, static_cast<std::uint16_t>(v >> 16));
}

std::string zipStored(const std::vector<std::pair<std::string, std::string>>& files) {
    std::string out, central;
    constexpr std::uint16_t kTime = 0, kDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01: deterministic files
    for (const auto& [name, data] : files) {
        const auto offset = static_cast<std::uint32_t>(out.size());
        const std::uint32_t crc = crc32(data);
        const auto size = static_cast<std::uint32_t>(data.size());
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, 0x0800); // UTF-8 names
        put16(out, 0);      // stored
        put16(out, kTime);
        put16(out, kDate);
        put32(out, crc);
        put32(out, size);
        put32(out, size);
        put16(out, static_cast<std::uint16_t>(name.size()));
        put16(out, 0);
        out += name;
        out += data;
        put32(central, 0x02014b50);
        put16(central, 20);
        put16(central, 20);
        put16(central, 0x0800);
        put16(central, 0);
        put16(central, kTime);
        put16(central, kDate);
        put32(central, crc);
        put32(central, size);
        put32(central, size);
        put16(central, static_cast<std::uint16_t>(name.size()));
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put32(central, 0);
        put32(central, offset);
        central += name;
    }
    const auto centralOffset = static_cast<std::uint32_t>(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint16_t>(files.size()));
    put16(out, static_cast<std::uint16_t>(files.size()));
    put32(out, static_cast<std::uint32_t>(central.size()));
    put32(out, centralOffset);
    put16(out, 0);
    return out;
}

std::string xmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break; // not allowed in XML 1.0
            out += c;
        }
    }
    return out;
}

bool isNumber(const std::string& s) {
    if (s.empty() || s.size() > 15) return false;
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

std::string columnName(std::size_t c) {
    std::string n;
    ++c;
    while (c) {
        n.insert(n.begin(), static_cast<char>('A' + (c - 1) % 26));
        c = (c - 1) / 26;
    }
    return n;
}

std::string sheetXml(const ReportTable& t) {
    std::string x = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                    "\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
    auto row = [&](std::size_t r, const std::vector<std::string>& cells, bool header) {
        x += "<row r=\"" + std::to_string(r) + "\">";
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string ref = columnName(c) + std::to_string(r);
            if (!header && isNumber(cells[c]))
                x += "<c r=\"" + ref + "\"><v>" + cells[c] + "</v></c>";
            else
                x += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + xmlEscape(cells[c]) + "</t></is></c>";
        }
        x += "</row>";
    };
    row(1, t.header, true);
    for (std::size_t r = 0; r < t.rows.size(); ++r) row(r + 2, t.rows[r], false);
    return x + "</sheetData></worksheet>";
}

std::string sheetName(const std::string& title, std::size_t index) {
    std::string n;
    for (char c : title)
        if (!std::strchr("[]:*?/\\", c)) n += c;
    if (n.empty()) n = "Sheet" + std::to_string(index + 1);
    // Excel allows 31 characters (UTF-16 units); stay well under by cutting at a UTF-8 boundary.
    if (n.size() > 31) {
        std::size_t cut = 31;
        while (cut > 0 && (static_cast<unsigned char>(n[cut]) & 0xC0) == 0x80) --cut;
        n.resize(cut);
    }
    return n;
}

} // namespace

std::vector<ReportTable> coverageTables(const CoverageData& data, const CoverageResult& r) {
    std::vector<ReportTable> out;
    const auto* type = data.postType(r.options.postType);
    ReportTable summary{"summary", {"item", "value"}, {}};
    summary.rows.push_back({"atlas", data.atlasName});
    summary.rows.push_back({"post_type", r.options.postType});
    summary.rows.push_back({"post_type_name", type ? type->nameZh : ""});
    summary.rows.push_back({"distance", r.options.mode == DistanceMode::Network ? "network" : "euclidean"});
    if (r.options.meters)
        summary.rows.push_back({"standard_m", formatNumber(*r.options.meters, 1)});
    else if (r.options.minutes)
        summary.rows.push_back({"standard_minutes", formatNumber(*r.options.minutes, 1)});
    else
        summary.rows.push_back({"standard", "post_types / service_posts"});
    summary.rows.push_back({"walk_speed_kmh", formatNumber(r.options.walkSpeedKmh, 2)});
    summary.rows.push_back({"posts", std::to_string(r.posts.size())});
    summary.rows.push_back({"households", std::to_string(data.households.size())});
    summary.rows.push_back({"covered", std::to_string(r.coveredCount)});
    summary.rows.push_back({"covered_pct", percent(r.coveredCount, static_cast<std::int64_t>(data.households.size()))});
    out.push_back(std::move(summary));
    out.push_back(rowsTable("categories", "category", r.byCategory));
    out.push_back(rowsTable("communities", "community", r.byCommunity));
    out.push_back(rowsTable("grids", "grid", r.byGrid));
    ReportTable reasons{"reasons", {"reason", "households"}, {}};
    std::array<std::int64_t, 5> counts{};
    for (auto x : r.reason) ++counts[static_cast<std::size_t>(x)];
    for (auto reason : {UncoveredReason::NoPostOfType, UncoveredReason::NoPostInCommunity, UncoveredReason::NoWalkablePath,
                        UncoveredReason::BeyondStandard})
        reasons.rows.push_back({reasonCode(reason), std::to_string(counts[static_cast<std::size_t>(reason)])});
    out.push_back(std::move(reasons));
    ReportTable gaps{
        "gaps",
        {"building_id", "number", "compound", "grid", "households", "uncovered", "vulnerable_uncovered", "weight", "nearest_m"},
        {}};
    for (const auto& g : r.gaps) {
        const auto& b = data.buildings[static_cast<std::size_t>(g.building)];
        std::string grid;
        for (const auto& gr : data.grids)
            if (gr.id == b.gridId) grid = gr.code;
        gaps.rows.push_back({std::to_string(b.id), b.number, b.compound, grid, std::to_string(g.households),
                             std::to_string(g.uncovered), std::to_string(g.vulnerableUncovered), formatNumber(g.weight(), 0),
                             formatNumber(g.nearestDistanceM, 1)});
    }
    out.push_back(std::move(gaps));
    return out;
}

void writeCsvReport(const std::string& path, const std::vector<ReportTable>& tables) {
    std::string out = "\xEF\xBB\xBF"; // BOM: Excel then reads UTF-8
    for (const auto& t : tables) {
        std::vector<std::string> header{"table"};
        header.insert(header.end(), t.header.begin(), t.header.end());
        appendCsvRow(out, header);
        for (const auto& r : t.rows) {
            std::vector<std::string> cells{t.title};
            cells.insert(cells.end(), r.begin(), r.end());
            appendCsvRow(out, cells);
        }
    }
    writeFileAtomically(path, out);
}

void writeCsvTable(const std::string& path, const ReportTable& t) {
    std::string out;
    appendCsvRow(out, t.header);
    for (const auto& r : t.rows) appendCsvRow(out, r);
    writeFileAtomically(path, out);
}

void writeXlsxReport(const std::string& path, const std::vector<ReportTable>& tables) {
    std::vector<std::pair<std::string, std::string>> files;
    std::string types = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                        "\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                        "<Override PartName=\"/xl/workbook.xml\" "
                        "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>";
    std::string sheets, rels;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        const std::string n = std::to_string(i + 1);
        types += "<Override PartName=\"/xl/worksheets/sheet" + n +
                 ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
        sheets +=
            "<sheet name=\"" + xmlEscape(sheetName(tables[i].title, i)) + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
        rels += "<Relationship Id=\"rId" + n +
                "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
                "Target=\"worksheets/sheet" +
                n + ".xml\"/>";
    }
    types += "</Types>";
    files.emplace_back("[Content_Types].xml", types);
    files.emplace_back(
        "_rels/.rels",
        R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
        "\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
        "Target=\"xl/workbook.xml\"/></Relationships>");
    files.emplace_back("xl/workbook.xml",
                       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                       "\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                       "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>" +
                           sheets + "</sheets></workbook>");
    files.emplace_back("xl/_rels/workbook.xml.rels",
                       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                       "\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                           rels + "</Relationships>");
    for (std::size_t i = 0; i < tables.size(); ++i)
        files.emplace_back("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml", sheetXml(tables[i]));
    writeFileAtomically(path, zipStored(files));
}

namespace {

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

} // namespace

void writeServiceAreasGeoJson(const std::string& path, const CoverageData& data, const std::vector<Isochrone>& areas) {
    if (data.srid <= 0) throw InputError("cannot write '" + path + "': the atlas has no CRS to transform from");
    const CoordinateTransform toWgs84("EPSG:" + std::to_string(data.srid), "EPSG:4326");
    std::string out = "{\"type\": \"FeatureCollection\", \"features\": [";
    bool first = true;
    char buf[64];
    for (const auto& iso : areas) {
        const auto& g = iso.area;
        if (g.isEmpty()) continue;
        const auto& post = data.posts[static_cast<std::size_t>(iso.post)];
        out += first ? "\n" : ",\n";
        first = false;
        out += "{\"type\": \"Feature\", \"properties\": {\"post_id\": " + std::to_string(post.id) +
               ", \"post_name\": " + jsonString(post.name) + ", \"type\": " + jsonString(post.type) +
               ", \"meters\": " + formatNumber(iso.meters, 1) + ", \"street_m\": " + formatNumber(iso.reachableLengthM, 1) +
               "}, \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": [";
        // Polygons from partEnds (a Polygon has one part), rings from ringEnds.
        const std::size_t parts = g.partEnds.empty() ? 1 : g.partEnds.size();
        std::size_t ring = 0;
        for (std::size_t p = 0; p < parts; ++p) {
            const std::size_t ringEnd = g.partEnds.empty() ? g.ringCount() : g.partEnds[p];
            out += p ? ", [" : "[";
            for (std::size_t r = ring; r < ringEnd; ++r) {
                out += r > ring ? ", [" : "[";
                for (auto k = g.ringBegin(r); k < g.ringEnds[r]; ++k) {
                    const auto ll = toWgs84.apply(g.coords[k]);
                    std::snprintf(buf, sizeof buf, "%s[%.7f, %.7f]", k > g.ringBegin(r) ? ", " : "", ll.x, ll.y);
                    out += buf;
                }
                out += "]";
            }
            out += "]";
            ring = ringEnd;
        }
        out += "]}}";
    }
    out += "\n]}\n";
    writeFileAtomically(path, out);
}

void writeHouseholdCoverageCsv(const std::string& path, const CoverageData& data, const CoverageResult& r) {
    std::string out;
    const auto& hh = data.households;
    out.reserve(hh.size() * 32 + 64);
    out += "household_id,nearest_post_id,distance_m,covered\n";
    char buf[96];
    for (std::size_t i = 0; i < hh.size(); ++i) {
        int n;
        if (r.nearestPost[i] >= 0 && std::isfinite(r.distanceM[i]))
            n = std::snprintf(buf, sizeof buf, "%lld,%lld,%.3f,%d\n", static_cast<long long>(hh.ids[i]),
                              static_cast<long long>(data.posts[static_cast<std::size_t>(r.nearestPost[i])].id), r.distanceM[i],
                              r.covered[i] ? 1 : 0);
        else
            n = std::snprintf(buf, sizeof buf, "%lld,,,%d\n", static_cast<long long>(hh.ids[i]), r.covered[i] ? 1 : 0);
        out.append(buf, static_cast<std::size_t>(n));
    }
    writeFileAtomically(path, out);
}

} // namespace gridatlas::storage
