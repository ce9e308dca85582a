#include "io/roster_table.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "model/support/error.h"
#include "model/support/feedback.h"

namespace gridatlas::io {

namespace fs = std::filesystem;

namespace {

std::string lowerExtension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Rows of cells (offset/length into one arena) before the header is known.
struct RawRows {
    std::string arena;
    std::vector<std::uint32_t> cellOffset, cellLength;
    std::vector<std::uint32_t> rowFirstCell; ///< index of each row's first cell; one extra at the end
    std::vector<int> rowNumber;

    [[nodiscard]] std::size_t rows() const { return rowNumber.size(); }
    [[nodiscard]] std::size_t cellsIn(std::size_t r) const { return rowFirstCell[r + 1] - rowFirstCell[r]; }
    [[nodiscard]] std::string_view cell(std::size_t r, std::size_t c) const {
        const std::size_t i = rowFirstCell[r] + c;
        return std::string_view(arena).substr(cellOffset[i], cellLength[i]);
    }
    /// Adds a cell, trimmed, whose text is at [offset, offset+length) in the arena.
    void addCell(std::size_t offset, std::size_t length) {
        while (length > 0 && isBlank(arena[offset])) ++offset, --length;
        while (length > 0 && isBlank(arena[offset + length - 1])) --length;
        cellOffset.push_back(static_cast<std::uint32_t>(offset));
        cellLength.push_back(static_cast<std::uint32_t>(length));
    }
    /// Ends a row; drops it when every cell is empty (the row number still counts).
    void endRow(int number) {
        const std::uint32_t first = rowFirstCell.empty() ? 0 : rowFirstCell.back();
        bool any = false;
        for (std::size_t i = first; i < cellLength.size(); ++i) any = any || cellLength[i] > 0;
        if (!any) {
            cellOffset.resize(first);
            cellLength.resize(first);
            return;
        }
        if (rowFirstCell.empty()) rowFirstCell.push_back(0);
        rowFirstCell.push_back(static_cast<std::uint32_t>(cellLength.size()));
        rowNumber.push_back(number);
    }
};

/// RFC 4180 CSV, in place: quoted fields are unescaped by compacting the arena (unescaped text is
/// never longer than the raw text), so no cell is copied out.
void parseCsv(RawRows& out, const std::string& fileName, Feedback* feedback) {
    std::string& t = out.arena;
    const std::size_t n = t.size();
    std::size_t r = 0, w = 0;
    int record = 1;
    // The delimiter: a comma, unless the first line has tabs and no commas (Excel's "Unicode text").
    char delim = ',';
    {
        const std::size_t eol = t.find('\n');
        const std::string_view first = std::string_view(t).substr(0, eol);
        if (first.find('\t') != std::string_view::npos && first.find(',') == std::string_view::npos) delim = '\t';
    }
    {
        // Reserve for the whole file (lines x the first line's cells) rather than grow a 16M-cell
        // vector by doubling.
        const std::size_t eol = t.find('\n');
        const std::size_t lines = static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n')) + 1;
        const std::size_t cols =
            static_cast<std::size_t>(
                std::count(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(eol == std::string::npos ? n : eol), delim)) +
            1;
        out.cellOffset.reserve(lines * cols);
        out.cellLength.reserve(lines * cols);
        out.rowFirstCell.reserve(lines + 1);
        out.rowNumber.reserve(lines);
    }
    out.rowFirstCell.push_back(0);
    std::size_t nextReport = 1 << 22;
    while (r < n) {
        // One field.
        const std::size_t start = w;
        if (t[r] == '"') {
            const int quoteRecord = record;
            ++r;
            for (;;) {
                if (r >= n)
                    throw InputError("'" + fileName + "', row " + std::to_string(quoteRecord) +
                                     ": a quoted cell is never closed (a \" without its closing \")");
                const char c = t[r];
                if (c == '"') {
                    if (r + 1 < n && t[r + 1] == '"') {
                        t[w++] = '"';
                        r += 2;
                        continue;
                    }
                    ++r;
                    break;
                }
                t[w++] = c;
                ++r;
            }
            // Text after the closing quote up to the delimiter belongs to the cell (lenient, as Excel).
            while (r < n && t[r] != delim && t[r] != '\n' && t[r] != '\r') t[w++] = t[r++];
        } else {
            if (w == r) {
                // Fast path: find the end of an unquoted field without copying.
                std::size_t e = r;
                while (e < n && t[e] != delim && t[e] != '\n' && t[e] != '\r') ++e;
                w = r = e;
            } else {
                while (r < n && t[r] != delim && t[r] != '\n' && t[r] != '\r') t[w++] = t[r++];
            }
        }
        out.addCell(start, w - start);
        if (r >= n) {
            out.endRow(record);
            break;
        }
        if (t[r] == delim) {
            ++r;
            t[w++] = delim; // keep offsets monotone; the delimiter byte is never part of a cell
            if (r >= n) {
                out.addCell(w, 0);
                out.endRow(record);
            }
            continue;
        }
        // End of record: \n, \r\n or a lone \r.
        if (t[r] == '\r') ++r;
        if (r < n && t[r] == '\n') ++r;
        t[w++] = '\n';
        out.endRow(record);
        ++record;
        if (feedback && r > nextReport) {
            feedback->throwIfCancelled();
            feedback->setProgress(5 + 10.0 * static_cast<double>(r) / static_cast<double>(n), "reading the roster");
            nextReport = r + (1 << 22);
        }
    }
    t.resize(w);
    if (t.size() > std::numeric_limits<std::uint32_t>::max())
        throw InputError("'" + fileName + "' is larger than 4 GB: split the roster");
}

/// Thread-local GDAL config options for one read: every cell as text, no header guessing (we find
/// the header ourselves; GDAL 3.6 ignores -oo HEADERS and misses headers on all-text sheets).
class XlsxTextMode {
public:
    XlsxTextMode() {
        CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "DISABLE");
        CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", "STRING");
    }
    XlsxTextMode(const XlsxTextMode&) = delete;
    XlsxTextMode& operator=(const XlsxTextMode&) = delete;
    XlsxTextMode(XlsxTextMode&&) = delete;
    XlsxTextMode& operator=(XlsxTextMode&&) = delete;
    ~XlsxTextMode() {
        CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", nullptr);
        CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", nullptr);
    }
};

GDALDatasetUniquePtr openXlsx(const std::string& path) {
    GDALAllRegister();
    CPLErrorReset();
    CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
    const char* drivers[] = {"XLSX", nullptr};
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
    if (!ds) {
        const std::string why = CPLGetLastErrorMsg();
        throw InputError("roster '" + path + "' cannot be opened as an Excel workbook (.xlsx)" +
                         (why.empty() ? std::string() : ": " + why));
    }
    return ds;
}

void readLayer(OGRLayer& layer, RawRows& out, Feedback* feedback) {
    layer.ResetReading();
    const int fields = layer.GetLayerDefn()->GetFieldCount();
    const GIntBig total = layer.GetFeatureCount(FALSE);
    out.rowFirstCell.push_back(0);
    GIntBig done = 0;
    int lastRow = 0;
    for (auto& f : layer) {
        // XLSX FIDs are sheet row numbers.
        const int row = f->GetFID() > 0 ? static_cast<int>(f->GetFID()) : lastRow + 1;
        lastRow = row;
        for (int i = 0; i < fields; ++i) {
            const std::size_t off = out.arena.size();
            if (f->IsFieldSetAndNotNull(i)) out.arena += f->GetFieldAsString(i);
            out.addCell(off, out.arena.size() - off);
        }
        out.endRow(row);
        if (feedback && (++done & 1023) == 0) {
            feedback->throwIfCancelled();
            if (total > 0)
                feedback->setProgress(5 + 10.0 * static_cast<double>(done) / static_cast<double>(total), "reading the workbook");
        }
    }
}

} // namespace

/// Turns raw rows into a table below the detected header row.
class RosterTableBuilder {
public:
    static RosterTable build(RawRows& raw, const RosterReadOptions& options, const std::string& source, const std::string& sheet,
                             const std::string& encoding, bool throwWhenNoHeader) {
        RosterTable t;
        t.m_source = source;
        t.m_sheet = sheet;
        t.m_encoding = encoding;
        std::size_t header = raw.rows();
        const std::size_t search = std::min<std::size_t>(raw.rows(), static_cast<std::size_t>(options.maxHeaderSearchRows));
        for (std::size_t r = 0; r < search; ++r) {
            std::vector<std::string> cells;
            for (std::size_t c = 0; c < raw.cellsIn(r); ++c) cells.emplace_back(raw.cell(r, c));
            if (options.scorer(cells) >= 2) {
                header = r;
                break;
            }
        }
        if (header == raw.rows()) {
            if (!throwWhenNoHeader) return t;
            throw InputError("roster '" + source + "'" + (sheet.empty() ? "" : ", sheet '" + sheet + "'") +
                             ": no header row in the first " + std::to_string(options.maxHeaderSearchRows) +
                             " rows (expected column names such as 姓名, 身份证号, 住址; or give a mapping file)");
        }
        std::size_t cols = raw.cellsIn(header);
        while (cols > 0 && raw.cell(header, cols - 1).empty()) --cols;
        // A roster has tens of columns; thousands mean a broken or hostile file (and would cost
        // rows x columns cells).
        constexpr std::size_t kMaxColumns = 1000;
        if (cols > kMaxColumns)
            throw InputError("roster '" + source + "'" + (sheet.empty() ? "" : ", sheet '" + sheet + "'") + ", row " +
                             std::to_string(raw.rowNumber[header]) + ": the header row has " + std::to_string(cols) +
                             " columns, more than the " + std::to_string(kMaxColumns) + " a roster may have");
        for (std::size_t c = 0; c < cols; ++c) t.m_headers.emplace_back(raw.cell(header, c));
        t.m_headerRow = raw.rowNumber[header];
        t.m_columns = cols;
        const std::size_t rows = raw.rows() - header - 1;
        t.m_cells.resize(rows * cols);
        t.m_rowNumbers.reserve(rows);
        for (std::size_t r = header + 1; r < raw.rows(); ++r) {
            const std::size_t have = std::min(cols, raw.cellsIn(r));
            RosterTable::Cell* dst = &t.m_cells[(r - header - 1) * cols];
            const std::size_t first = raw.rowFirstCell[r];
            for (std::size_t c = 0; c < have; ++c) dst[c] = {raw.cellOffset[first + c], raw.cellLength[first + c]};
            t.m_rowNumbers.push_back(raw.rowNumber[r]);
        }
        t.m_arena = std::move(raw.arena);
        return t;
    }
};

RosterTable readRosterTable(const std::string& path, const RosterReadOptions& options, Feedback* feedback) {
    if (!options.scorer) throw Error("readRosterTable: no header scorer given");
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError("roster '" + path + "' does not exist");
    if (fs::is_directory(path, ec)) throw InputError("roster '" + path + "' is a folder, not a file");
    const std::string ext = lowerExtension(path);
    if (ext == ".xlsx") {
        XlsxTextMode textMode;
        auto ds = openXlsx(path);
        if (!options.sheet.empty()) {
            OGRLayer* layer = ds->GetLayerByName(options.sheet.c_str());
            if (!layer) {
                std::string names;
                for (auto* l : ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
                throw InputError("roster '" + path + "' has no sheet '" + options.sheet + "' (sheets: " + names + ")");
            }
            RawRows raw;
            readLayer(*layer, raw, feedback);
            return RosterTableBuilder::build(raw, options, path, options.sheet, "XLSX", true);
        }
        for (auto* layer : ds->GetLayers()) {
            RawRows raw;
            readLayer(*layer, raw, feedback);
            RosterTable t = RosterTableBuilder::build(raw, options, path, layer->GetName(), "XLSX", false);
            if (t.columnCount() > 0) return t;
        }
        throw InputError("roster '" + path + "': no sheet has a header row in its first " +
                         std::to_string(options.maxHeaderSearchRows) +
                         " rows (expected column names such as 姓名, 身份证号, 住址; or give a mapping file)");
    }
    if (ext == ".xls") throw InputError("roster '" + path + "' is an old Excel .xls file: save it as .xlsx or CSV");
    if (ext != ".csv" && ext != ".txt" && ext != ".tsv")
        throw InputError("roster '" + path + "': unknown file type '" + ext + "' (expected .csv or .xlsx)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("roster '" + path + "' cannot be read");
    std::string bytes;
    in.seekg(0, std::ios::end);
    bytes.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return parseRosterCsv(std::move(bytes), path, options, feedback);
}

RosterTable parseRosterCsv(std::string bytes, const std::string& path, const RosterReadOptions& options, Feedback* feedback) {
    if (!options.scorer) throw Error("parseRosterCsv: no header scorer given");
    if (feedback) feedback->setProgress(2, "decoding the roster");
    RawRows raw;
    TextEncoding enc{};
    const TextEncoding detected = detectEncoding(bytes);
    if (detected == TextEncoding::Gb18030) {
        raw.arena = decodeAuto(bytes, path, &enc);
    } else {
        // Valid UTF-8: only the BOM goes, no copy of a large file.
        enc = detected;
        if (enc == TextEncoding::Utf8Bom) bytes.erase(0, 3);
        raw.arena = std::move(bytes);
    }
    parseCsv(raw, path, feedback);
    return RosterTableBuilder::build(raw, options, path, {}, encodingName(enc), true);
}

std::vector<std::string> rosterSheetNames(const std::string& path) {
    if (lowerExtension(path) != ".xlsx") return {};
    XlsxTextMode textMode;
    auto ds = openXlsx(path);
    std::vector<std::string> out;
    for (auto* l : ds->GetLayers()) out.emplace_back(l->GetName());
    return out;
}

} // namespace gridatlas::io
