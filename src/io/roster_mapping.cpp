#include "io/roster_mapping.h"

#include <array>
#include <fstream>

#include "model/address.h"
#include "model/support/error.h"

namespace gridatlas::io {

namespace {

struct FieldInfo {
    RosterField field;
    const char* code;
    const char* labelZh;
};
constexpr std::array<FieldInfo, 24> kFields{{
    {RosterField::Ignore, "ignore", "（不导入）"},
    {RosterField::Name, "name", "姓名"},
    {RosterField::Gender, "gender", "性别"},
    {RosterField::BirthDate, "birth_date", "出生日期"},
    {RosterField::IdNumber, "id_number", "身份证号"},
    {RosterField::Phone, "phone", "联系电话"},
    {RosterField::Address, "address", "住址"},
    {RosterField::Community, "community", "社区"},
    {RosterField::Compound, "compound", "小区"},
    {RosterField::Building, "building", "楼栋"},
    {RosterField::Unit, "unit", "单元"},
    {RosterField::Floor, "floor", "楼层"},
    {RosterField::Room, "room", "房号"},
    {RosterField::IsMember, "is_member", "是否党员"},
    {RosterField::PoliticalStatus, "political_status", "政治面貌"},
    {RosterField::MemberType, "member_type", "党员类型"},
    {RosterField::Branch, "branch", "所在支部"},
    {RosterField::JoinedYear, "joined_year", "入党时间"},
    {RosterField::Relation, "relation", "与户主关系"},
    {RosterField::Disability, "disability", "残疾"},
    {RosterField::MinimumIncome, "minimum_income", "低保"},
    {RosterField::Hardship, "hardship", "困难"},
    {RosterField::ElderlyAlone, "elderly_alone", "独居老人"},
    {RosterField::LeftBehindChildren, "left_behind_children", "留守儿童"},
}};

struct Alias {
    std::string_view text;
    RosterField field;
};
// Normalised (see normalizeHeader) header names seen in community rosters.
constexpr std::array<Alias, 86> kAliases{{
    {"姓名", RosterField::Name},
    {"名字", RosterField::Name},
    {"居民姓名", RosterField::Name},
    {"党员姓名", RosterField::Name},
    {"人员姓名", RosterField::Name},
    {"NAME", RosterField::Name},
    {"性别", RosterField::Gender},
    {"SEX", RosterField::Gender},
    {"GENDER", RosterField::Gender},
    {"出生日期", RosterField::BirthDate},
    {"出生年月", RosterField::BirthDate},
    {"出生年月日", RosterField::BirthDate},
    {"出生年份", RosterField::BirthDate},
    {"生日", RosterField::BirthDate},
    {"出生时间", RosterField::BirthDate},
    {"身份证号", RosterField::IdNumber},
    {"身份证号码", RosterField::IdNumber},
    {"公民身份号码", RosterField::IdNumber},
    {"身份证", RosterField::IdNumber},
    {"证件号码", RosterField::IdNumber},
    {"身份证件号码", RosterField::IdNumber},
    {"联系电话", RosterField::Phone},
    {"电话", RosterField::Phone},
    {"手机", RosterField::Phone},
    {"手机号", RosterField::Phone},
    {"手机号码", RosterField::Phone},
    {"联系方式", RosterField::Phone},
    {"电话号码", RosterField::Phone},
    {"PHONE", RosterField::Phone},
    {"住址", RosterField::Address},
    {"地址", RosterField::Address},
    {"现住址", RosterField::Address},
    {"居住地址", RosterField::Address},
    {"家庭住址", RosterField::Address},
    {"详细地址", RosterField::Address},
    {"现居住地址", RosterField::Address},
    {"家庭地址", RosterField::Address},
    {"居住地", RosterField::Address},
    {"ADDRESS", RosterField::Address},
    {"社区", RosterField::Community},
    {"所属社区", RosterField::Community},
    {"所在社区", RosterField::Community},
    {"社区名称", RosterField::Community},
    {"小区", RosterField::Compound},
    {"小区名称", RosterField::Compound},
    {"所在小区", RosterField::Compound},
    {"楼栋", RosterField::Building},
    {"楼号", RosterField::Building},
    {"楼栋号", RosterField::Building},
    {"栋", RosterField::Building},
    {"幢", RosterField::Building},
    {"楼栋号码", RosterField::Building},
    {"单元", RosterField::Unit},
    {"单元号", RosterField::Unit},
    {"楼层", RosterField::Floor},
    {"层", RosterField::Floor},
    {"所在楼层", RosterField::Floor},
    {"房号", RosterField::Room},
    {"门牌号", RosterField::Room},
    {"房间号", RosterField::Room},
    {"室", RosterField::Room},
    {"户号", RosterField::Room},
    {"是否党员", RosterField::IsMember},
    {"党员", RosterField::IsMember},
    {"政治面貌", RosterField::PoliticalStatus},
    {"党员类型", RosterField::MemberType},
    {"党员身份", RosterField::MemberType},
    {"党员类别", RosterField::MemberType},
    {"所在支部", RosterField::Branch},
    {"支部", RosterField::Branch},
    {"党支部", RosterField::Branch},
    {"所属支部", RosterField::Branch},
    {"所在党支部", RosterField::Branch},
    {"入党时间", RosterField::JoinedYear},
    {"入党日期", RosterField::JoinedYear},
    {"入党年份", RosterField::JoinedYear},
    {"与户主关系", RosterField::Relation},
    {"户主关系", RosterField::Relation},
    {"关系", RosterField::Relation},
    {"残疾", RosterField::Disability},
    {"是否残疾", RosterField::Disability},
    {"残疾人", RosterField::Disability},
    {"低保", RosterField::MinimumIncome},
    {"是否低保", RosterField::MinimumIncome},
    {"低保户", RosterField::MinimumIncome},
    {"困难", RosterField::Hardship},
}};
constexpr std::array<Alias, 8> kMoreAliases{{
    {"困难户", RosterField::Hardship},
    {"是否困难", RosterField::Hardship},
    {"困难群众", RosterField::Hardship},
    {"独居老人", RosterField::ElderlyAlone},
    {"是否独居", RosterField::ElderlyAlone},
    {"独居", RosterField::ElderlyAlone},
    {"留守儿童", RosterField::LeftBehindChildren},
    {"是否留守儿童", RosterField::LeftBehindChildren},
}};
// Columns rosters often have that are not imported, recognised so the header search counts them.
constexpr std::array<std::string_view, 8> kKnownIgnored{"序号", "编号", "备注", "年龄", "民族", "文化程度", "NO", "职业"};

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

} // namespace

const char* fieldCode(RosterField f) {
    for (const auto& i : kFields)
        if (i.field == f) return i.code;
    return "?";
}
const char* fieldLabelZh(RosterField f) {
    for (const auto& i : kFields)
        if (i.field == f) return i.labelZh;
    return "?";
}
const std::vector<RosterField>& allRosterFields() {
    static const std::vector<RosterField> all = [] {
        std::vector<RosterField> v;
        for (const auto& i : kFields)
            if (i.field != RosterField::Ignore) v.push_back(i.field);
        return v;
    }();
    return all;
}
std::optional<RosterField> fieldFromCode(std::string_view code) {
    for (const auto& i : kFields)
        if (code == i.code) return i.field;
    return std::nullopt;
}

std::string normalizeHeader(std::string_view header) {
    const std::string folded = model::normalizeAddressText(header); // full-width folded, upper-cased
    std::string out;
    int depth = 0;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        const char c = folded[i];
        if (c == '(')
            ++depth;
        else if (c == ')')
            depth = depth > 0 ? depth - 1 : 0;
        else if (depth == 0 && c != ' ' && c != '*' && c != ':' && c != '_')
            out += c;
    }
    return out;
}

std::optional<RosterField> fieldForHeader(std::string_view header) {
    const std::string h = normalizeHeader(header);
    if (h.empty()) return std::nullopt;
    for (const auto& a : kAliases)
        if (h == a.text) return a.field;
    for (const auto& a : kMoreAliases)
        if (h == a.text) return a.field;
    for (const auto& i : kFields)
        if (h == normalizeHeader(i.code)) return i.field; // "ID_NUMBER" after upper-casing
    return std::nullopt;
}

std::optional<RosterField> MappingFile::find(std::string_view header) const {
    const std::string h = normalizeHeader(header);
    for (const auto& [text, field] : entries)
        if (text == h) return field;
    return std::nullopt;
}

MappingFile loadMappingFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("mapping file '" + path + "' cannot be read");
    MappingFile m;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (lineNo == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const auto eq = t.find('=');
        if (eq == std::string::npos)
            throw InputError("mapping file '" + path + "', line " + std::to_string(lineNo) +
                             ": expected 'column header = field', e.g. '现住址 = address'");
        const std::string header = trim(std::string_view(t).substr(0, eq));
        const std::string code = trim(std::string_view(t).substr(eq + 1));
        const auto field = fieldFromCode(code);
        if (!field) {
            std::string known;
            for (const auto& i : kFields) known += (known.empty() ? "" : ", ") + std::string(i.code);
            throw InputError("mapping file '" + path + "', line " + std::to_string(lineNo) + ": unknown field '" + code +
                             "' (known: " + known + ")");
        }
        if (header.empty())
            throw InputError("mapping file '" + path + "', line " + std::to_string(lineNo) + ": the column header is empty");
        m.entries.emplace_back(normalizeHeader(header), *field);
    }
    if (m.entries.empty()) throw InputError("mapping file '" + path + "' maps no columns");
    return m;
}

bool ColumnMapping::has(RosterField f) const {
    return columnOf(f) >= 0;
}
int ColumnMapping::columnOf(RosterField f) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == f) return static_cast<int>(i);
    return -1;
}

ColumnMapping detectMapping(const std::vector<std::string>& headers, const MappingFile* file) {
    ColumnMapping m;
    for (const auto& h : headers) {
        std::optional<RosterField> f;
        if (file) f = file->find(h);
        if (!f) f = fieldForHeader(h);
        RosterField field = f.value_or(RosterField::Ignore);
        if (field != RosterField::Ignore && m.has(field)) {
            m.duplicates.push_back("columns '" + headers[static_cast<std::size_t>(m.columnOf(field))] + "' and '" + h +
                                   "' both hold " + fieldLabelZh(field) + ": map one of them to 'ignore' in a mapping file");
            field = RosterField::Ignore;
        }
        m.columns.push_back(field);
    }
    return m;
}

std::vector<std::string> validateMapping(const ColumnMapping& m) {
    std::vector<std::string> problems;
    if (!m.has(RosterField::Name)) problems.push_back("no column holds the name (姓名)");
    const bool structured = m.has(RosterField::Building) && m.has(RosterField::Room);
    if (!m.has(RosterField::Address) && !structured)
        problems.push_back("no column holds the address (住址), and there are no building (楼栋) and room (房号) columns");
    problems.insert(problems.end(), m.duplicates.begin(), m.duplicates.end());
    return problems;
}

int headerScore(const std::vector<std::string>& cells, const MappingFile* file) {
    int score = 0;
    for (const auto& c : cells) {
        if (c.empty()) continue;
        if ((file && file->find(c)) || fieldForHeader(c)) {
            ++score;
            continue;
        }
        const std::string h = normalizeHeader(c);
        for (auto k : kKnownIgnored)
            if (h == k) ++score;
    }
    return score;
}

} // namespace gridatlas::io
