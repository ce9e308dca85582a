#pragma once
// Which roster column holds what: detected from the Chinese (or English) header names rosters
// use, or given in a mapping file (docs/roster-import.md):
//
//     # header = field
//     居民姓名 = name
//     现住址   = address
//     备注     = ignore
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridatlas::io {

enum class RosterField {
    Ignore,
    Name,
    Gender,
    BirthDate,
    IdNumber,
    Phone,
    Address,
    Community,
    Compound,
    Building,
    Unit,
    Floor,
    Room,
    IsMember,
    PoliticalStatus, ///< 政治面貌: 中共党员 / 中共预备党员 / 群众 ...
    MemberType,
    Branch,
    JoinedYear,
    Relation,
    Disability,
    MinimumIncome,
    Hardship,
    ElderlyAlone,
    LeftBehindChildren,
};

/// The field's code as written in mapping files ("name", "id_number", ...).
const char* fieldCode(RosterField f);
/// The field's Chinese label (姓名, 身份证号, ...).
const char* fieldLabelZh(RosterField f);
/// All fields but Ignore, in display order.
const std::vector<RosterField>& allRosterFields();
std::optional<RosterField> fieldFromCode(std::string_view code);

/// The field a header names, by the aliases rosters use (姓名, 身份证号码, 现住址, 是否党员, ...);
/// nullopt when unknown. Spaces, full-width letters, "*" and bracketed notes ("（必填）") are ignored.
std::optional<RosterField> fieldForHeader(std::string_view header);

/// A mapping file: header text -> field. Throws InputError naming the file and line.
struct MappingFile {
    std::vector<std::pair<std::string, RosterField>> entries; ///< normalised header -> field
    [[nodiscard]] std::optional<RosterField> find(std::string_view header) const;
};
MappingFile loadMappingFile(const std::string& path);

/// Normalised header text (for comparisons): trimmed, full-width folded, notes and '*' dropped.
std::string normalizeHeader(std::string_view header);

/// One field per column.
struct ColumnMapping {
    std::vector<RosterField> columns;
    std::vector<std::string> duplicates; ///< "columns 'A' and 'B' both hold 住址" (found by detectMapping)
    [[nodiscard]] bool has(RosterField f) const;
    /// The column of a field, or -1.
    [[nodiscard]] int columnOf(RosterField f) const;
};

/// Maps headers by the mapping file first (when given), then by the known aliases. A field named
/// by two columns keeps the first and ignores the second (reported by validateMapping).
ColumnMapping detectMapping(const std::vector<std::string>& headers, const MappingFile* file = nullptr);

/// Problems that make an import impossible ("no name column", "no address column"), empty if none.
std::vector<std::string> validateMapping(const ColumnMapping& m);

/// How many cells of a row are known headers (for the header-row search).
int headerScore(const std::vector<std::string>& cells, const MappingFile* file = nullptr);

} // namespace gridatlas::io
