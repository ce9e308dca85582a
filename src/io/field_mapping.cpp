#include "io/field_mapping.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "model/domain.h"
#include "model/json.h"
#include "model/support/error.h"

namespace gridatlas::io {

namespace {

using K = ValueKind;

// Synonyms: the atlas name first, then what planning bureaus, property companies, QGIS users and
// OpenStreetMap call the field. Compared ignoring ASCII case; Chinese as written.
const std::vector<TargetField> kCommunities{
    {"code", K::Text, true, {}, {}, {"code", "community_code", "社区编码", "社区代码", "编码", "代码", "adcode", "ref"}},
    {"name", K::Text, true, {}, {}, {"name", "community", "社区名称", "社区", "名称", "name:zh"}},
    {"street_office",
     K::Text,
     false,
     {},
     {},
     {"street_office", "street_off", "街道", "街道办", "街道办事处", "所属街道", "street"}},
};
const std::vector<TargetField> kGrids{
    {"code", K::Text, true, {}, {}, {"code", "grid_code", "网格编码", "网格编号", "网格代码", "编码", "编号"}},
    {"name", K::Text, false, {}, {}, {"name", "grid_name", "网格名称", "网格", "名称"}},
    {"community", K::Text, false, {}, {}, {"community", "community_code", "社区编码", "社区", "所属社区"}},
    {"target_households", K::Integer, false, 1.0, {}, {"target_households", "target_hou", "目标户数", "户数"}},
};
const std::vector<TargetField> kBuildings{
    {"number",
     K::Text,
     true,
     {},
     {},
     {"number", "building_number", "bldg_no", "building_no", "楼号", "楼栋号", "楼栋", "栋号", "幢号", "楼幢号", "门牌号",
      "addr:housenumber", "housenumber"}},
    {"name", K::Text, false, {}, {}, {"name", "楼名", "楼宇名称", "建筑名称", "名称", "name:zh"}},
    {"compound", K::Text, false, {}, {}, {"compound", "小区", "小区名称", "院落", "院落名称"}},
    {"address", K::Text, false, {}, {}, {"address", "addr", "地址", "详细地址", "门牌地址", "addr:full"}},
    {"floors",
     K::Integer,
     true,
     1.0,
     200.0,
     {"floors", "levels", "building:levels", "层数", "楼层数", "地上层数", "总层数", "楼层"}},
    {"unit_count", K::Integer, false, 0.0, 100.0, {"unit_count", "units", "单元数", "单元数量"}},
    {"flats_per_floor", K::Integer, false, 1.0, 50.0, {"flats_per_floor", "flats_per_", "每层户数", "梯户数"}},
    {"use", K::BuildingUse, false, {}, {}, {"use", "building_use", "用途", "类型", "性质", "建筑类型", "type", "building"}},
    {"community", K::Text, false, {}, {}, {"community", "community_code", "社区编码", "社区", "所属社区"}},
    {"grid", K::Text, false, {}, {}, {"grid", "grid_code", "网格编码", "网格"}},
};
const std::vector<TargetField> kUnits{
    {"building", K::Text, true, {}, {}, {"building", "building_number", "楼号", "楼栋号", "楼栋", "栋号"}},
    {"number", K::Integer, true, 1.0, 100.0, {"number", "unit", "unit_number", "单元号", "单元"}},
    {"community", K::Text, false, {}, {}, {"community", "community_code", "社区编码", "社区"}},
};
const std::vector<TargetField> kHouseholds{
    {"building", K::Text, true, {}, {}, {"building", "building_number", "楼号", "楼栋号", "楼栋", "栋号"}},
    {"unit", K::Integer, true, 1.0, 100.0, {"unit", "unit_number", "单元号", "单元"}},
    {"room", K::Text, true, {}, {}, {"room", "房号", "室", "门牌", "户号"}},
    {"floor", K::FloorNumber, false, -10.0, 200.0, {"floor", "楼层", "层", "所在层"}},
    {"hardship", K::Bool, false, {}, {}, {"hardship", "困难户", "困难"}},
    {"minimum_income", K::Bool, false, {}, {}, {"minimum_income", "minimum_in", "低保户", "低保"}},
    {"elderly_alone", K::Bool, false, {}, {}, {"elderly_alone", "elderly_al", "独居老人", "独居"}},
    {"left_behind_children", K::Bool, false, {}, {}, {"left_behind_children", "left_behin", "留守儿童"}},
    {"vacant", K::Bool, false, {}, {}, {"vacant", "空置", "空置房"}},
    {"community", K::Text, false, {}, {}, {"community", "community_code", "社区编码", "社区"}},
};
const std::vector<TargetField> kPosts{
    {"name", K::Text, false, {}, {}, {"name", "名称", "站点名称", "服务站名称", "name:zh"}},
    {"type",
     K::PostType,
     true,
     {},
     {},
     {"type", "post_type", "类型", "服务类型", "站点类型", "amenity", "healthcare", "social_facility"}},
    {"hours", K::Text, false, {}, {}, {"hours", "opening_hours", "开放时间", "营业时间", "服务时间"}},
    {"radius_m", K::Real, false, 0.001, 100000.0, {"radius_m", "radius", "服务半径"}},
    {"walk_minutes", K::Real, false, 0.001, 600.0, {"walk_minutes", "walk_minut", "步行分钟", "步行时间"}},
    {"community", K::Text, false, {}, {}, {"community", "community_code", "社区编码", "社区"}},
};
const std::vector<TargetField> kStreets{
    {"name", K::Text, false, {}, {}, {"name", "路名", "道路名称", "街道名称", "名称", "name:zh"}},
    {"class", K::StreetClass, false, {}, {}, {"class", "street_class", "道路等级", "等级", "类型", "highway", "type", "fclass"}},
    {"width_m", K::Real, false, 0.001, 500.0, {"width_m", "width", "宽度", "路宽", "道路宽度"}},
};

std::string lowerAscii(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    const auto isSpace = [](unsigned char c) { return std::isspace(c) != 0; };
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && isSpace(static_cast<unsigned char>(s[e - 1]))) --e;
    std::string out(s.substr(b, e - b));
    // Full-width spaces (U+3000) around Chinese text.
    while (out.rfind("\xE3\x80\x80", 0) == 0) out.erase(0, 3);
    while (out.size() >= 3 && out.compare(out.size() - 3, 3, "\xE3\x80\x80") == 0) out.erase(out.size() - 3);
    return out;
}

/// Strips a unit suffix users write after numbers: 18层, 18F, 12.5m, 12.5米, 3个.
std::string stripUnit(std::string s) {
    for (const char* suffix : {"层", "米", "个", "户", "分钟", "min", "m", "F", "f", "L"}) {
        const std::string_view sv(suffix);
        if (s.size() > sv.size() && s.compare(s.size() - sv.size(), sv.size(), sv) == 0) {
            s.erase(s.size() - sv.size());
            return trim(s);
        }
    }
    return s;
}

std::optional<double> parseNumber(const std::string& text) {
    if (text.empty()) return std::nullopt;
    std::size_t used = 0;
    try {
        const double d = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(d)) return std::nullopt;
        return d;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string describe(const model::Value& v) {
    if (model::isNull(v)) return "NULL";
    if (std::holds_alternative<std::string>(v)) return "'" + std::get<std::string>(v) + "'";
    return model::toText(v);
}

std::string allowed(const auto& table) {
    std::string s;
    for (const auto& c : table) s += (s.empty() ? "" : ", ") + std::string(c.code);
    return s;
}

} // namespace

std::optional<ImportTarget> parseImportTarget(std::string_view name) {
    const std::string n = lowerAscii(name);
    if (n == "communities") return ImportTarget::Communities;
    if (n == "grids") return ImportTarget::Grids;
    if (n == "buildings") return ImportTarget::Buildings;
    if (n == "units") return ImportTarget::Units;
    if (n == "households") return ImportTarget::Households;
    if (n == "service_posts" || n == "posts") return ImportTarget::ServicePosts;
    if (n == "streets") return ImportTarget::Streets;
    return std::nullopt;
}

const char* targetTable(ImportTarget t) {
    switch (t) {
    case ImportTarget::Communities:
        return "communities";
    case ImportTarget::Grids:
        return "grids";
    case ImportTarget::Buildings:
        return "buildings";
    case ImportTarget::Units:
        return "units";
    case ImportTarget::Households:
        return "households";
    case ImportTarget::ServicePosts:
        return "service_posts";
    case ImportTarget::Streets:
        return "streets";
    }
    return "";
}

std::string targetNames() {
    return "communities, grids, buildings, units, households, service_posts, streets";
}

const std::vector<TargetField>& targetFields(ImportTarget t) {
    switch (t) {
    case ImportTarget::Communities:
        return kCommunities;
    case ImportTarget::Grids:
        return kGrids;
    case ImportTarget::Buildings:
        return kBuildings;
    case ImportTarget::Units:
        return kUnits;
    case ImportTarget::Households:
        return kHouseholds;
    case ImportTarget::ServicePosts:
        return kPosts;
    case ImportTarget::Streets:
        return kStreets;
    }
    return kStreets;
}

const TargetField* findTargetField(ImportTarget t, std::string_view name) {
    for (const auto& f : targetFields(t))
        if (f.name == name) return &f;
    return nullptr;
}

FieldMapping detectMapping(ImportTarget target, const std::vector<std::string>& sourceFields) {
    FieldMapping mapping;
    std::set<std::string> used;
    const auto find = [&](std::string_view wanted) -> std::optional<std::string> {
        const std::string w = lowerAscii(wanted);
        for (const auto& s : sourceFields)
            if (!used.count(s) && lowerAscii(trim(s)) == w) return s;
        return std::nullopt;
    };
    // Two passes: first every field's own name, so that e.g. a source "name" goes to name and
    // not to a later synonym of another field; then the synonyms in order.
    for (const auto& f : targetFields(target)) {
        if (auto s = find(f.name)) {
            mapping.fields[std::string(f.name)] = FieldSource{*s, std::nullopt, {}};
            used.insert(*s);
        }
    }
    for (const auto& f : targetFields(target)) {
        if (mapping.fields.count(std::string(f.name))) continue;
        for (const auto& syn : f.synonyms) {
            if (auto s = find(syn)) {
                mapping.fields[std::string(f.name)] = FieldSource{*s, std::nullopt, {}};
                used.insert(*s);
                break;
            }
        }
    }
    return mapping;
}

FieldMapping readMappingFile(const std::string& path, ImportTarget target, const std::vector<std::string>& sourceFields,
                             FieldMapping mapping) {
    const model::JsonValue root = model::parseJsonFile(path);
    const auto at = [&](int line) { return "mapping file '" + path + "', line " + std::to_string(line) + ": "; };
    if (!root.isObject()) throw InputError(at(root.line()) + "expected an object {\"fields\": {...}}");
    const auto knownSource = [&](const std::string& name) {
        return std::find(sourceFields.begin(), sourceFields.end(), name) != sourceFields.end();
    };
    for (const auto& m : root.members()) {
        if (m.key == "key") {
            if (!m.value.isString()) throw InputError(at(m.value.line()) + "\"key\" must be a target field name");
            if (!findTargetField(target, m.value.string()))
                throw InputError(at(m.value.line()) + "key '" + m.value.string() + "' is not a field of " + targetTable(target));
            mapping.key = m.value.string();
        } else if (m.key == "fields") {
            if (!m.value.isObject()) throw InputError(at(m.value.line()) + "\"fields\" must be an object");
            for (const auto& f : m.value.members()) {
                if (!findTargetField(target, f.key)) {
                    std::string list;
                    for (const auto& t : targetFields(target)) list += (list.empty() ? "" : ", ") + std::string(t.name);
                    throw InputError(at(f.keyLine) + "'" + f.key + "' is not a field of " + targetTable(target) +
                                     " (fields: " + list + ")");
                }
                const auto& v = f.value;
                if (v.isNull()) {
                    mapping.fields.erase(f.key);
                } else if (v.isString()) {
                    if (!knownSource(v.string())) throw InputError(at(v.line()) + "the source has no field '" + v.string() + "'");
                    mapping.fields[f.key] = FieldSource{v.string(), std::nullopt, {}};
                } else if (v.isObject()) {
                    FieldSource src;
                    for (const auto& o : v.members()) {
                        if (o.key == "field") {
                            if (!o.value.isString() || !knownSource(o.value.string()))
                                throw InputError(at(o.value.line()) + "the source has no field '" +
                                                 (o.value.isString() ? o.value.string() : std::string("?")) + "'");
                            src.sourceField = o.value.string();
                        } else if (o.key == "value") {
                            if (o.value.isString())
                                src.constant = o.value.string();
                            else if (o.value.isNumber())
                                src.constant = model::toText(model::Value(o.value.number()));
                            else
                                throw InputError(at(o.value.line()) + "\"value\" must be text or a number");
                        } else if (o.key == "values") {
                            if (!o.value.isObject())
                                throw InputError(at(o.value.line()) + "\"values\" must map source text to atlas values");
                            for (const auto& e : o.value.members()) {
                                if (!e.value.isString())
                                    throw InputError(at(e.value.line()) + "a value table entry must be text");
                                src.values[e.key] = e.value.string();
                            }
                        } else {
                            throw InputError(at(o.keyLine) + "unknown key '" + o.key + "' (expected field, value or values)");
                        }
                    }
                    if (src.sourceField.empty() == !src.constant.has_value())
                        throw InputError(at(v.line()) + "'" + f.key + "' needs exactly one of \"field\" and \"value\"");
                    mapping.fields[f.key] = std::move(src);
                } else {
                    throw InputError(at(v.line()) + "'" + f.key + "' must be a source field name, an object or null");
                }
            }
        } else {
            throw InputError(at(m.keyLine) + "unknown key '" + m.key + "' (expected fields, key)");
        }
    }
    return mapping;
}

std::string postTypeForOsm(std::string_view a) {
    if (a == "clinic" || a == "doctors" || a == "hospital" || a == "health_post" || a == "pharmacy" || a == "dentist" ||
        a == "healthcare")
        return "health_station";
    if (a == "social_facility" || a == "shelter" || a == "refugee_site" || a == "food_bank" || a == "soup_kitchen")
        return "aid_station";
    if (a == "community_centre" || a == "social_centre" || a == "arts_centre") return "activity_room";
    if (a == "charity" || a == "give_box") return "charity_shop";
    if (a == "townhall" || a == "post_office" || a == "public_service" || a == "service_point") return "convenience_service";
    return "";
}

std::string streetClassForOsm(std::string_view h) {
    for (std::string_view a :
         {"motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link", "primary_link", "secondary_link"})
        if (h == a) return "arterial";
    for (std::string_view l : {"tertiary", "tertiary_link", "unclassified", "residential", "living_street", "road"})
        if (h == l) return "local";
    if (h == "service") return "compound_path";
    for (std::string_view f : {"footway", "path", "pedestrian", "steps", "cycleway", "track", "bridleway", "corridor"})
        if (h == f) return "footpath";
    return "";
}

model::Value convertValue(const TargetField& field, const model::Value& raw) {
    if (model::isNull(raw)) return {};
    std::string text = trim(model::toText(raw));
    if (text.empty()) return {};
    if (field.kind != K::Text && text.find_first_not_of('*') == std::string::npos)
        throw InputError("'" + text + "' is a masked value: export with --reveal to move personal data between atlases");
    switch (field.kind) {
    case K::Text:
        return text;
    case K::Integer:
    case K::Real:
    case K::FloorNumber: {
        std::optional<double> d = model::toNumber(raw);
        if (!d || std::holds_alternative<std::string>(raw)) d = parseNumber(stripUnit(text));
        if (!d) throw InputError(describe(raw) + " is not a number");
        if (field.kind != K::Real && std::fabs(*d - std::round(*d)) > 1e-9)
            throw InputError(describe(raw) + " is not a whole number");
        if (field.kind == K::FloorNumber && std::round(*d) == 0)
            throw InputError("floor 0 does not exist (floors count 1, 2, ... and -1 below ground)");
        if ((field.min && *d < *field.min) || (field.max && *d > *field.max)) {
            std::string range = field.min ? model::toText(model::Value(*field.min)) : "";
            range += "-" + (field.max ? model::toText(model::Value(*field.max)) : std::string(""));
            throw InputError(describe(raw) + " is outside the allowed range " + range);
        }
        if (field.kind == K::Real) return *d;
        return static_cast<std::int64_t>(std::llround(*d));
    }
    case K::Bool: {
        const std::string l = lowerAscii(text);
        for (const char* t : {"1", "true", "yes", "y", "t", "是", "有", "√", "✓"})
            if (l == t) return std::int64_t{1};
        for (const char* f : {"0", "false", "no", "n", "f", "否", "无", "×", "-"})
            if (l == f) return std::int64_t{0};
        throw InputError(describe(raw) + " is not yes/no (expected 1/0, 是/否, yes/no)");
    }
    case K::PostType: {
        const std::string l = lowerAscii(text);
        for (const auto& p : model::kPostTypes)
            if (l == p.code || text == p.nameZh || l == lowerAscii(p.nameEn)) return std::string(p.code);
        // Common short Chinese names.
        if (text == "卫生服务站" || text == "卫生站" || text == "社区卫生服务中心" || text == "诊所" || text == "卫生室")
            return std::string("health_station");
        if (text == "先锋岗") return std::string("pioneer_post");
        if (text == "便民服务点" || text == "便民服务中心") return std::string("convenience_service");
        if (text == "党群服务中心" || text == "活动室" || text == "活动中心") return std::string("activity_room");
        if (std::string osm = postTypeForOsm(l); !osm.empty()) return osm;
        std::string list;
        for (const auto& p : model::kPostTypes)
            list += (list.empty() ? "" : ", ") + std::string(p.code) + " (" + std::string(p.nameZh) + ")";
        throw InputError(describe(raw) + " is not a service post type (expected " + list + ")");
    }
    case K::StreetClass: {
        const std::string l = lowerAscii(text);
        for (const char* c : {"arterial", "local", "footpath", "compound_path", "gate"})
            if (l == c) return std::string(c);
        if (text == "主干道" || text == "主干路" || text == "快速路" || text == "次干路" || text == "次干道" || text == "干道")
            return std::string("arterial");
        if (text == "支路" || text == "街巷" || text == "巷道" || text == "城市道路") return std::string("local");
        if (text == "人行道" || text == "步行道" || text == "步道" || text == "小路") return std::string("footpath");
        if (text == "小区道路" || text == "内部道路" || text == "院内道路") return std::string("compound_path");
        if (text == "大门" || text == "出入口" || text == "门") return std::string("gate");
        if (std::string osm = streetClassForOsm(l); !osm.empty()) return osm;
        throw InputError(describe(raw) + " is not a street class (expected arterial, local, footpath, compound_path, gate, "
                                         "Chinese names such as 主干路/支路/人行道, or an OSM highway value)");
    }
    case K::BuildingUse: {
        const std::string l = lowerAscii(text);
        for (const auto& u : model::kBuildingUses)
            if (l == u.code || text == u.nameZh || l == lowerAscii(u.nameEn)) return std::string(u.code);
        if (text == "住宅楼" || text == "居住" || text == "民用" || l == "yes" || l == "apartments" || l == "house" ||
            l == "dormitory" || l == "detached" || l == "terrace" || l == "semidetached_house" || l == "bungalow")
            return std::string("residential");
        if (text == "商铺" || text == "商用" || text == "办公" || text == "写字楼" || l == "retail" || l == "office" ||
            l == "shop" || l == "supermarket" || l == "hotel" || l == "industrial" || l == "warehouse")
            return std::string("commercial");
        if (text == "公共" || text == "公建" || text == "学校" || text == "医院" || l == "school" || l == "hospital" ||
            l == "civic" || l == "government" || l == "public" || l == "kindergarten" || l == "university" || l == "church" ||
            l == "temple")
            return std::string("public");
        if (text == "商住" || text == "混合" || text == "综合") return std::string("mixed");
        throw InputError(describe(raw) + " is not a building use (expected " + allowed(model::kBuildingUses) +
                         ", 住宅/商业/公共建筑/商住混合, or an OSM building value)");
    }
    }
    return text;
}

} // namespace gridatlas::io
