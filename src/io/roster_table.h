#pragma once
// A roster as read from its file: cells of text, the header row found, row numbers as the user
// sees them in Excel. CSV (UTF-8 with or without BOM, or GB18030/GBK, detected) and XLSX (GDAL's
// XLSX driver, every cell read as text so ID numbers keep their digits).
//
// Cells live in one text arena and are addressed by offsets, so a 1M-row CSV costs its own size
// plus 8 bytes a cell, not one heap string per cell.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/text_encoding.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::io {

class RosterTable {
public:
    /// Number of data rows (below the header row).
    [[nodiscard]] std::size_t rowCount() const { return m_rowNumbers.size(); }
    [[nodiscard]] std::size_t columnCount() const { return m_headers.size(); }
    [[nodiscard]] const std::vector<std::string>& headers() const { return m_headers; }
    /// The cell text (UTF-8, trimmed); empty past the end of a short row.
    [[nodiscard]] std::string_view cell(std::size_t row, std::size_t column) const {
        if (column >= m_columns) return {};
        const Cell& c = m_cells[row * m_columns + column];
        return std::string_view(m_arena).substr(c.offset, c.length);
    }
    /// The row number the user sees (1-based, as in Excel; the header row is headerRow()).
    [[nodiscard]] int rowNumber(std::size_t row) const { return m_rowNumbers[row]; }
    [[nodiscard]] int headerRow() const { return m_headerRow; }
    [[nodiscard]] const std::string& source() const { return m_source; }
    [[nodiscard]] const std::string& sheet() const { return m_sheet; }
    /// For CSV: the detected encoding ("UTF-8", "UTF-8 (BOM)", "GB18030"); "XLSX" for workbooks.
    [[nodiscard]] const std::string& encoding() const { return m_encoding; }
    /// Rows above the header (titles, notes) that were skipped.
    [[nodiscard]] int skippedTitleRows() const { return m_headerRow - 1; }

private:
    friend class RosterTableBuilder;
    struct Cell {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
    };
    std::string m_arena;
    std::vector<Cell> m_cells;
    std::size_t m_columns = 0;
    std::vector<int> m_rowNumbers;
    std::vector<std::string> m_headers;
    int m_headerRow = 0;
    std::string m_source, m_sheet, m_encoding;
};

/// How many cells of a row are known column names (roster_mapping.h): the header row is the
/// first row scoring at least 2.
using HeaderScorer = std::function<int(const std::vector<std::string>& cells)>;

struct RosterReadOptions {
    std::string sheet;            ///< XLSX sheet name; empty = the first sheet with a header
    HeaderScorer scorer;          ///< required
    int maxHeaderSearchRows = 30; ///< the header must be in the first N non-empty rows
};

/// Reads a CSV or XLSX roster (by extension: .csv/.txt, .xlsx). Throws InputError naming the file
/// (and row) when it cannot be read or holds no header row.
RosterTable readRosterTable(const std::string& path, const RosterReadOptions& options, Feedback* feedback = nullptr);

/// Reads a CSV roster already in memory (what readRosterTable does with a .csv file's bytes);
/// `source` names it in messages. Throws InputError like readRosterTable.
RosterTable parseRosterCsv(std::string bytes, const std::string& source, const RosterReadOptions& options,
                           Feedback* feedback = nullptr);

/// Names of the sheets of an XLSX workbook (for the wizard); throws InputError.
std::vector<std::string> rosterSheetNames(const std::string& path);

} // namespace gridatlas::io
