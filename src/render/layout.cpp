// Layout templates: reading and checking the JSON (docs/layouts.md). Painting is layout_paint.cpp.
#include "render/layout.h"

#include <QRegularExpression>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "model/json.h"
#include "model/support/error.h"
#include "render/json_object.h"
#include "render/units.h"

namespace gridatlas::render {

namespace fs = std::filesystem;
using detail::failAt;
using detail::JsonObject;

namespace {

struct KindName {
    LayoutItemKind kind;
    const char* name;
};
constexpr KindName kKinds[] = {
    {LayoutItemKind::Map, "map"},           {LayoutItemKind::Text, "text"},
    {LayoutItemKind::Legend, "legend"},     {LayoutItemKind::ScaleBar, "scale_bar"},
    {LayoutItemKind::NorthArrow, "north_arrow"}, {LayoutItemKind::Overview, "overview"},
    {LayoutItemKind::Table, "table"},       {LayoutItemKind::BarChart, "bar_chart"},
    {LayoutItemKind::Image, "image"},       {LayoutItemKind::Footer, "footer"},
    {LayoutItemKind::FloorPlans, "floor_plans"}, {LayoutItemKind::Box, "box"},
};

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

/// The {field} names a text uses.
std::vector<std::string> fieldsIn(const std::string& text) {
    static const QRegularExpression re(QStringLiteral("\\{([a-z_]+)\\}"));
    std::vector<std::string> out;
    auto it = re.globalMatch(QString::fromStdString(text));
    while (it.hasNext()) out.push_back(it.next().captured(1).toStdString());
    return out;
}

std::vector<std::string> stringList(const JsonObject& o, std::string_view key) {
    std::vector<std::string> out;
    const auto* v = o.find(key);
    if (!v) return out;
    if (!v->isArray()) o.fail(*v, "'" + std::string(key) + "' must be a list of strings");
    for (const auto& e : v->array()) {
        if (!e.isString()) o.fail(e, "'" + std::string(key) + "' must be a list of strings");
        out.push_back(e.string());
    }
    return out;
}

std::vector<double> numberList(const JsonObject& o, const model::JsonValue& v, std::string_view key, std::size_t n) {
    if (!v.isArray() || v.array().size() != n)
        o.fail(v, "'" + std::string(key) + "' must be a list of " + std::to_string(n) + " numbers");
    std::vector<double> out;
    for (const auto& e : v.array()) {
        if (!e.isNumber()) o.fail(e, "'" + std::string(key) + "' must be a list of " + std::to_string(n) + " numbers");
        out.push_back(e.number());
    }
    return out;
}

/// A file named in the template: its folder first, then the project's maps/ (../maps).
std::string resolveBeside(const std::string& origin, const std::string& file) {
    const fs::path p(file);
    if (p.is_absolute()) return file;
    const fs::path dir = fs::path(origin).parent_path();
    for (const fs::path& candidate : {dir / p, dir / ".." / "maps" / p})
        if (std::error_code ec; fs::exists(candidate, ec)) return candidate.lexically_normal().string();
    return {};
}

LayoutItem parseItem(const model::JsonValue& v, const std::string& origin, std::size_t index, const QSizeF& pageMm) {
    const std::string context = "layout item " + std::to_string(index + 1);
    JsonObject o(v, origin, context,
                 {"type", "id", "rect", "map", "frame", "extent", "margin", "scale", "highlight", "text", "size", "bold", "align",
                  "color", "fill", "stroke", "stroke_width", "table", "columns", "headings", "title", "label", "values", "blocks",
                  "file", "comment"});
    LayoutItem item;
    item.line = o.line();
    const std::string type = o.requiredString("type");
    const auto kind = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindName& k) { return type == k.name; });
    if (kind == std::end(kKinds)) {
        std::vector<std::string> names;
        for (const auto& k : kKinds) names.push_back(k.name);
        o.fail("unknown item type '" + type + "' (known: " + joined(names) + ")");
    }
    item.kind = kind->kind;
    item.id = o.string("id").value_or("");
    const auto* rect = o.find("rect");
    if (!rect) o.fail("'rect' [x, y, width, height] in mm is required");
    const auto r = numberList(o, *rect, "rect", 4);
    item.rectMm = QRectF(r[0], r[1], r[2], r[3]);
    if (!(r[2] > 0 && r[3] > 0)) o.fail(*rect, "'rect' needs a positive width and height");
    if (r[0] < -0.01 || r[1] < -0.01 || r[0] + r[2] > pageMm.width() + 0.01 || r[1] + r[3] > pageMm.height() + 0.01)
        o.fail(*rect, "'rect' runs off the " + std::to_string(static_cast<int>(pageMm.width())) + "x" +
                          std::to_string(static_cast<int>(pageMm.height())) + " mm page");

    const bool drawsMap = item.kind == LayoutItemKind::Map || item.kind == LayoutItemKind::Overview;
    if (drawsMap) {
        const std::string mapFile = o.requiredString("map");
        const std::string resolved = resolveBeside(origin, mapFile);
        if (resolved.empty()) o.fail(*o.find("map"), "map document '" + mapFile + "' does not exist (looked beside the template and in ../maps)");
        item.map = std::make_shared<const MapDocument>(loadMapDocument(resolved));
    } else if (o.has("map")) {
        o.fail(*o.find("map"), "'map' is for map and overview items; legend and scale bar name their map item with 'frame'");
    }
    if (const auto* e = o.find("extent")) {
        if (e->isString() && e->string() == "feature")
            item.extent = LayoutItem::Extent::Feature;
        else if (e->isString() && e->string() == "document")
            item.extent = LayoutItem::Extent::Document;
        else if (e->isArray()) {
            const auto b = numberList(o, *e, "extent", 4);
            item.extent = LayoutItem::Extent::Fixed;
            item.fixedExtent = model::Rect::of(b[0], b[1], b[2], b[3]);
            if (item.fixedExtent.width() <= 0 || item.fixedExtent.height() <= 0) o.fail(*e, "'extent' box is empty");
        } else {
            o.fail(*e, "'extent' must be \"feature\", \"document\" or [xmin, ymin, xmax, ymax]");
        }
    } else if (item.kind == LayoutItemKind::Overview) {
        item.extent = LayoutItem::Extent::Document;
    }
    if (auto m = o.number("margin", 0.0, 2.0)) item.extentMargin = *m;
    if (const auto* s = o.find("scale")) {
        if (s->isString() && s->string() == "fit") {
        } else if (s->isNumber() && s->number() >= 1 && s->number() <= 1e8) {
            item.scale = s->number();
        } else {
            o.fail(*s, "'scale' must be \"fit\" or a scale denominator (e.g. 2000 for 1:2000)");
        }
    }
    item.highlight = o.boolean("highlight").value_or(item.kind == LayoutItemKind::Map);
    item.mapRef = o.string("frame").value_or("");
    item.text = o.string("text").value_or("");
    if (item.kind == LayoutItemKind::Text && item.text.empty()) o.fail("a text item needs 'text'");
    item.fontPt = o.number("size", 3.0, 200.0).value_or(item.kind == LayoutItemKind::Text ? 12.0 : 8.0);
    item.bold = o.boolean("bold").value_or(false);
    if (auto a = o.choice("align", {"left", "centre", "center", "right"}))
        item.align = *a == "left" ? LayoutItem::Align::Left : *a == "right" ? LayoutItem::Align::Right : LayoutItem::Align::Centre;
    if (auto c = o.color("color")) item.color = *c;
    if (auto c = o.color("fill")) item.fill = *c;
    if (auto c = o.color("stroke")) item.stroke = *c;
    if (auto w = o.number("stroke_width", 0.0, 10.0)) item.strokeMm = *w;
    item.title = o.string("title").value_or("");
    item.labelColumn = o.string("label").value_or("");
    item.values = stringList(o, "values");
    item.columns = stringList(o, "columns");
    item.headings = stringList(o, "headings");
    if (auto b = o.number("blocks", 0, 6)) item.blocks = static_cast<int>(*b);

    if (item.kind == LayoutItemKind::Table || item.kind == LayoutItemKind::BarChart) {
        item.table = o.requiredString("table");
        const auto& tables = layoutTableColumns();
        const auto t = tables.find(item.table);
        if (t == tables.end()) {
            std::vector<std::string> names;
            for (const auto& [n, c] : tables) names.push_back(n);
            o.fail(*o.find("table"), "unknown table '" + item.table + "' (known: " + joined(names) + ")");
        }
        auto checkColumn = [&](const std::string& c, std::string_view key) {
            if (std::find(t->second.begin(), t->second.end(), c) == t->second.end())
                o.fail(*o.find(key), "table '" + item.table + "' has no column '" + c + "' (columns: " + joined(t->second) + ")");
        };
        if (item.kind == LayoutItemKind::Table) {
            if (item.columns.empty()) item.columns = t->second;
            for (const auto& c : item.columns) checkColumn(c, "columns");
            if (!item.headings.empty() && item.headings.size() != item.columns.size())
                o.fail(*o.find("headings"), "'headings' must name every column (" + std::to_string(item.columns.size()) + ")");
        } else {
            if (item.labelColumn.empty()) o.fail("a bar chart needs 'label' (the column naming the bars)");
            if (item.values.empty() || item.values.size() > 3) o.fail("a bar chart needs 'values': one to three numeric columns");
            checkColumn(item.labelColumn, "label");
            for (const auto& c : item.values) checkColumn(c, "values");
        }
    }
    if (item.kind == LayoutItemKind::Image) {
        item.file = o.requiredString("file");
        item.filePath = resolveBeside(origin, item.file);
        if (item.filePath.empty()) o.fail(*o.find("file"), "image '" + item.file + "' does not exist (looked beside the template and in ../maps)");
    }
    const auto& known = layoutFieldNames();
    for (const std::string* text : {&item.text, &item.title})
        for (const auto& f : fieldsIn(*text))
            if (std::find(known.begin(), known.end(), f) == known.end())
                o.fail("unknown field {" + f + "} (fields: " + joined(known) + ")");
    return item;
}

} // namespace

const char* layoutEachName(LayoutEach each) {
    switch (each) {
    case LayoutEach::Atlas: return "atlas";
    case LayoutEach::Community: return "community";
    case LayoutEach::Grid: return "grid";
    case LayoutEach::Building: return "building";
    }
    return "grid";
}

LayoutEach parseLayoutEach(const std::string& text) {
    for (auto e : {LayoutEach::Atlas, LayoutEach::Community, LayoutEach::Grid, LayoutEach::Building})
        if (text == layoutEachName(e)) return e;
    throw InputError("--each '" + text + "' is not one of: grid, building, community, atlas");
}

const char* layoutItemKindName(LayoutItemKind kind) {
    for (const auto& k : kKinds)
        if (k.kind == kind) return k.name;
    return "?";
}

std::optional<QSizeF> namedPageSizeMm(const std::string& name) {
    std::string n = name;
    for (auto& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (n == "A4") return QSizeF(210, 297);
    if (n == "A3") return QSizeF(297, 420);
    if (n == "A2") return QSizeF(420, 594);
    if (n == "A1") return QSizeF(594, 841);
    if (n == "A0") return QSizeF(841, 1189);
    return std::nullopt;
}

const std::vector<std::string>& layoutFieldNames() {
    static const std::vector<std::string> names{
        "atlas",     "community", "street_office", "grid",     "grid_code",  "building",   "date",
        "page",      "pages",     "households",    "residents", "members",   "member_households",
        "vulnerable", "buildings", "grids",        "posts",    "coverage",   "post_type",  "manager",
        "manager_phone", "supervisor", "supervisor_phone", "assistant", "assistant_phone", "masking"};
    return names;
}

const std::map<std::string, std::vector<std::string>>& layoutTableColumns() {
    static const std::map<std::string, std::vector<std::string>> tables{
        {"grids", {"code", "name", "community", "buildings", "households", "residents", "members", "vulnerable", "posts", "staff",
                   "manager", "coverage"}},
        {"buildings", {"number", "compound", "grid", "floors", "units", "households", "residents", "members", "vulnerable"}},
        {"staff", {"role", "name", "phone", "households"}},
        {"households", {"building", "room", "head", "phone", "residents", "members", "care"}},
        {"gaps", {"building", "grid", "households", "uncovered", "vulnerable_uncovered", "nearest_m"}},
    };
    return tables;
}

QString layoutColumnHeading(const std::string& column) {
    static const std::map<std::string, const char*> headings{
        {"code", "网格编号"}, {"name", "名称"}, {"community", "社区"}, {"buildings", "楼栋"}, {"households", "住户"},
        {"residents", "居民"}, {"members", "党员"}, {"vulnerable", "关爱户"}, {"posts", "阵地"}, {"staff", "网格员"},
        {"manager", "网格长"}, {"coverage", "覆盖率"}, {"number", "楼栋"}, {"compound", "小区"}, {"grid", "网格"},
        {"floors", "层数"}, {"units", "单元"}, {"role", "职责"}, {"phone", "电话"}, {"building", "楼栋"}, {"room", "门牌"},
        {"head", "户主"}, {"care", "关爱类别"}, {"uncovered", "未覆盖户"}, {"vulnerable_uncovered", "其中关爱户"},
        {"nearest_m", "最近阵地(米)"}};
    const auto it = headings.find(column);
    return it == headings.end() ? QString::fromStdString(column) : QString::fromUtf8(it->second);
}

int LayoutTable::columnIndex(const std::string& key) const {
    const auto it = std::find(columns.begin(), columns.end(), key);
    return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
}

const LayoutItem* Layout::findMap(const std::string& id) const {
    for (const auto& i : items)
        if (i.kind == LayoutItemKind::Map && (id.empty() || i.id == id)) return &i;
    return nullptr;
}

std::vector<std::string> Layout::tablesUsed() const {
    std::set<std::string> s;
    for (const auto& i : items)
        if (!i.table.empty()) s.insert(i.table);
    return {s.begin(), s.end()};
}

std::vector<std::string> Layout::fieldsUsed() const {
    std::set<std::string> s;
    for (const auto& i : items)
        for (const std::string* t : {&i.text, &i.title})
            for (const auto& f : fieldsIn(*t)) s.insert(f);
    return {s.begin(), s.end()};
}

bool isLayoutFile(const std::string& path) {
    try {
        const auto json = model::parseJsonFile(path);
        return json.isObject() && json.find("layout") != nullptr;
    } catch (const Error&) {
        return false;
    }
}

Layout loadLayout(const std::string& path) {
    if (std::error_code ec; !fs::exists(path, ec)) throw InputError("layout template '" + path + "' does not exist");
    return parseLayout(model::parseJsonFile(path), path);
}

Layout parseLayout(const model::JsonValue& json, const std::string& path) {
    if (!json.isObject() || !json.find("layout"))
        failAt(path, json.line(), "not a layout template (no top-level \"layout\" key; a map document goes to render --map)");
    const JsonObject top(json, path, "the template", {"layout"});
    const auto* body = top.find("layout");
    const JsonObject o(*body, path, "layout", {"name", "description", "page", "each", "coverage", "items", "comment"});
    Layout layout;
    layout.path = path;
    layout.name = o.string("name").value_or(fs::path(path).stem().string());
    layout.description = o.string("description").value_or("");
    const auto* pageJson = o.find("page");
    if (!pageJson) o.fail("'page' is required");
    const JsonObject page(*pageJson, path, "page", {"size", "orientation", "margin", "dpi"});
    QSizeF size(210, 297);
    layout.pageName = "A4";
    if (const auto* s = page.find("size")) {
        if (s->isString()) {
            const auto named = namedPageSizeMm(s->string());
            if (!named) page.fail(*s, "page size '" + s->string() + "' is not A4, A3, A2, A1, A0 or [width, height] in mm");
            size = *named;
            layout.pageName = s->string();
        } else {
            const auto wh = numberList(page, *s, "size", 2);
            if (wh[0] < 50 || wh[1] < 50 || wh[0] > 5000 || wh[1] > 5000) page.fail(*s, "custom page size must be 50..5000 mm");
            size = QSizeF(wh[0], wh[1]);
            layout.pageName = "custom";
        }
    }
    const auto orientation = page.choice("orientation", {"portrait", "landscape"}).value_or("portrait");
    const bool landscape = orientation == "landscape";
    if (landscape != (size.width() > size.height()) && layout.pageName != "custom") size.transpose();
    layout.pageMm = size;
    layout.marginMm = page.number("margin", 0, 100).value_or(10.0);
    layout.dpi = page.number("dpi", 36, 1200).value_or(150.0);
    if (auto e = o.choice("each", {"atlas", "community", "grid", "building"})) layout.each = parseLayoutEach(*e);
    if (const auto* c = o.find("coverage")) {
        const JsonObject cov(*c, path, "coverage", {"post_type"});
        layout.coveragePostType = cov.requiredString("post_type");
    }
    const auto* items = o.find("items");
    if (!items || !items->isArray() || items->array().empty()) o.fail("'items' must be a non-empty list");
    for (std::size_t i = 0; i < items->array().size(); ++i) layout.items.push_back(parseItem(items->array()[i], path, i, layout.pageMm));
    // References between items.
    std::set<std::string> ids;
    for (const auto& item : layout.items) {
        if (!item.id.empty() && !ids.insert(item.id).second) failAt(path, item.line, "duplicate item id '" + item.id + "'");
    }
    for (const auto& item : layout.items) {
        const bool needsFrame = item.kind == LayoutItemKind::Legend || item.kind == LayoutItemKind::ScaleBar ||
                                item.kind == LayoutItemKind::Overview;
        if (!needsFrame) continue;
        if (!layout.findMap(item.mapRef))
            failAt(path, item.line,
                   item.mapRef.empty() ? std::string(layoutItemKindName(item.kind)) + " needs a map item on the page"
                                       : "'frame' names no map item: '" + item.mapRef + "'");
    }
    return layout;
}

QSize LayoutPage::sizePx() const {
    return QSize(static_cast<int>(std::lround(mmToPx(sizeMm.width(), dpi))), static_cast<int>(std::lround(mmToPx(sizeMm.height(), dpi))));
}

LayoutPage resolveLayoutPage(const Layout& layout, const LayoutOptions& options) {
    LayoutPage page;
    page.dpi = options.dpi.value_or(layout.dpi);
    page.sizeMm = layout.pageMm;
    if (options.pageName) {
        const auto named = namedPageSizeMm(*options.pageName);
        if (!named) throw InputError("--page '" + *options.pageName + "' is not A4, A3, A2, A1 or A0");
        QSizeF s = *named;
        const bool landscape = options.landscape.value_or(layout.pageMm.width() > layout.pageMm.height());
        if (landscape) s.transpose();
        page.sizeMm = s;
    } else if (options.landscape && *options.landscape != (layout.pageMm.width() > layout.pageMm.height())) {
        page.sizeMm.transpose();
    }
    page.scale = std::min(page.sizeMm.width() / layout.pageMm.width(), page.sizeMm.height() / layout.pageMm.height());
    page.offsetMm = QPointF((page.sizeMm.width() - layout.pageMm.width() * page.scale) / 2,
                            (page.sizeMm.height() - layout.pageMm.height() * page.scale) / 2);
    return page;
}

QString expandLayoutText(const std::string& text, const LayoutPageData& data) {
    static const QRegularExpression re(QStringLiteral("\\{([a-z_]+)\\}"));
    const QString in = QString::fromStdString(text);
    QString out;
    qsizetype last = 0;
    auto it = re.globalMatch(in);
    while (it.hasNext()) {
        const auto m = it.next();
        out += in.mid(last, m.capturedStart() - last);
        const auto f = data.fields.find(m.captured(1).toStdString());
        out += f == data.fields.end() ? m.captured(0) : QString::fromStdString(f->second);
        last = m.capturedEnd();
    }
    out += in.mid(last);
    return out;
}

} // namespace gridatlas::render
