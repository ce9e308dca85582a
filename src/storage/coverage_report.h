#pragma once
// Coverage reports as plain tables: CSV (UTF-8 with BOM so Excel on Chinese Windows reads it) and
// XLSX (a minimal Office Open XML workbook, one sheet per table, written without any library),
// plus the per-household CSV. Every file is written to a temp name and renamed into place, so a
// failed run leaves nothing behind.
#include <string>
#include <vector>

namespace gridatlas::storage {

struct CoverageData;
struct CoverageResult;
struct Isochrone;

/// A titled table of text cells; cells that parse as numbers are written as numbers in XLSX.
struct ReportTable {
    std::string title; ///< sheet name (XLSX) / section name (CSV)
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

/// The coverage tables: summary, categories, communities, grids, gap buildings, reasons.
std::vector<ReportTable> coverageTables(const CoverageData& data, const CoverageResult& result);

/// Writes tables as one CSV: a first column "table" names the table of each row.
void writeCsvReport(const std::string& path, const std::vector<ReportTable>& tables);
/// Writes tables as an XLSX workbook, one sheet each.
void writeXlsxReport(const std::string& path, const std::vector<ReportTable>& tables);
/// Writes one CSV table (header + rows).
void writeCsvTable(const std::string& path, const ReportTable& table);

/// The per-household CSV: household_id,nearest_post_id,distance_m,covered (one row each, by id;
/// distance in metres to the millimetre, empty when no post is reachable).
void writeHouseholdCoverageCsv(const std::string& path, const CoverageData& data, const CoverageResult& result);

/// Writes service areas as GeoJSON (RFC 7946: WGS84 longitude/latitude, transformed from the
/// atlas CRS with PROJ), one feature per area with post_id, post_name, type, meters, street_m.
void writeServiceAreasGeoJson(const std::string& path, const CoverageData& data, const std::vector<Isochrone>& areas);

/// Writes `bytes` to `path` through a temp file and rename; InputError naming the file on failure.
void writeFileAtomically(const std::string& path, const std::string& bytes);

/// Formats a number with `decimals` digits ("12.5"); "" for infinity/NaN.
std::string formatNumber(double v, int decimals);

} // namespace gridatlas::storage
