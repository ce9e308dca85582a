#include "render/style.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/support/error.h"
#include "render/json_object.h"

namespace gridatlas::render {

using detail::JsonObject;
using model::JsonValue;

namespace {

constexpr double kMaxMm = 100.0;
constexpr double kMaxScale = 1e9;

const char* const kShapeNames[] = {"circle", "square", "triangle", "diamond", "star", "cross", "pin", "heart"};
const char* const kStrokeNames[] = {"solid", "dash", "dot", "dashdot"};

Symbol parseSymbol(const JsonValue& json, const std::string& origin, const std::string& context, const Symbol& base) {
    const JsonObject o(json, origin, context,
                       {"fill", "stroke", "stroke_width_mm", "stroke_style", "marker", "size_mm", "opacity", "casing",
                        "casing_width_mm"});
    Symbol s = base;
    if (auto c = o.color("fill")) s.fill = *c;
    if (auto c = o.color("stroke")) s.stroke = *c;
    if (auto w = o.number("stroke_width_mm", 0, kMaxMm)) s.strokeWidthMm = *w;
    if (auto st = o.choice("stroke_style", {"solid", "dash", "dot", "dashdot"}))
        for (int i = 0; i < 4; ++i)
            if (*st == kStrokeNames[i]) s.strokeStyle = static_cast<StrokeStyle>(i);
    if (auto m = o.choice("marker", {"circle", "square", "triangle", "diamond", "star", "cross", "pin", "heart"}))
        for (int i = 0; i < 8; ++i)
            if (*m == kShapeNames[i]) s.marker = static_cast<MarkerShape>(i);
    if (auto sz = o.number("size_mm", 0.1, kMaxMm)) s.sizeMm = *sz;
    if (auto op = o.number("opacity", 0, 1)) s.opacity = *op;
    if (auto c = o.color("casing")) s.casing = *c;
    if (auto w = o.number("casing_width_mm", 0, kMaxMm)) s.casingWidthMm = *w;
    return s;
}

std::string valueText(const JsonObject& o, const JsonValue& v) {
    switch (v.kind()) {
    case JsonValue::Kind::String: return v.string();
    case JsonValue::Kind::Bool: return v.boolean() ? "1" : "0";
    case JsonValue::Kind::Number: return model::toText(model::Value{v.number()});
    default: o.fail(v, "a category 'value' must be a string, a number or a boolean");
    }
}

SymbolClass parseClass(const JsonValue& json, const std::string& origin, const std::string& context, const Symbol& base,
                       RendererType type) {
    SymbolClass c;
    if (type == RendererType::Categorized) {
        const JsonObject o(json, origin, context, {"value", "label", "symbol"});
        const auto* v = o.find("value");
        if (!v) o.fail("a category needs a 'value'");
        c.value = valueText(o, *v);
        c.label = o.string("label").value_or(c.value);
        c.symbol = o.has("symbol") ? parseSymbol(*o.find("symbol"), origin, "the symbol of " + context, base) : base;
    } else if (type == RendererType::Graduated) {
        const JsonObject o(json, origin, context, {"min", "max", "label", "symbol"});
        constexpr double big = std::numeric_limits<double>::max();
        c.min = o.number("min", -big, big).value_or(-std::numeric_limits<double>::infinity());
        c.max = o.number("max", -big, big).value_or(std::numeric_limits<double>::infinity());
        if (c.min > c.max) o.fail("'min' is larger than 'max'");
        c.label = o.string("label").value_or("");
        c.symbol = o.has("symbol") ? parseSymbol(*o.find("symbol"), origin, "the symbol of " + context, base) : base;
    } else {
        const JsonObject o(json, origin, context, {"label", "symbol"});
        c.label = o.string("label").value_or("");
        c.symbol = o.has("symbol") ? parseSymbol(*o.find("symbol"), origin, "the symbol of " + context, base) : base;
    }
    return c;
}

std::vector<RampStop> parseRamp(const JsonObject& o, const JsonValue& v) {
    const std::string usage = "'ramp' must be a list of colours (evenly spaced) or of {\"at\": 0..1, \"color\": ...} in ascending order";
    if (!v.isArray() || v.array().size() < 2) o.fail(v, usage + ", at least two");
    std::vector<RampStop> out;
    const auto& items = v.array();
    for (std::size_t i = 0; i < items.size(); ++i) {
        RampStop stop;
        if (items[i].isString()) {
            auto c = detail::parseColor(items[i].string());
            if (!c) o.fail(items[i], "\"" + items[i].string() + "\" is not a colour like \"#fdae61\"");
            stop.at = static_cast<double>(i) / static_cast<double>(items.size() - 1);
            stop.color = *c;
        } else {
            const JsonObject so(items[i], o.origin(), "ramp stop " + std::to_string(i + 1) + " of " + o.context(), {"at", "color"});
            const auto at = so.number("at", 0, 1);
            const auto c = so.color("color");
            if (!at || !c) so.fail("a ramp stop needs 'at' (0..1) and 'color'");
            stop.at = *at;
            stop.color = *c;
        }
        if (!out.empty() && stop.at < out.back().at) o.fail(items[i], usage);
        out.push_back(stop);
    }
    if (out.front().at != 0.0 || out.back().at != 1.0) o.fail(v, "a ramp must run from 'at' 0 to 'at' 1");
    return out;
}

Renderer parseHeatmap(const JsonValue& json, const std::string& origin, const Symbol& base, std::vector<FieldRef>& refs) {
    const JsonObject o(json, origin, "the heatmap renderer", {"type", "radius_mm", "radius_m", "weight", "max", "ramp", "label"});
    Renderer r;
    r.type = RendererType::Heatmap;
    r.base = base;
    auto& h = r.heatmap;
    if (o.has("radius_mm") == o.has("radius_m")) o.fail("a heatmap needs 'radius_mm' (paper) or 'radius_m' (ground), one of them");
    h.radiusMm = o.number("radius_mm", 0.1, kMaxMm).value_or(0.0);
    h.radiusM = o.number("radius_m", 0.1, 1e6).value_or(0.0);
    if (auto w = o.string("weight")) {
        if (w->empty()) o.fail(*o.find("weight"), "'weight' must name a numeric field");
        h.weight = *w;
        refs.push_back({*w, o.find("weight")->line()});
    }
    h.max = o.number("max", 1e-9, 1e12).value_or(0.0);
    const auto* ramp = o.find("ramp");
    if (!ramp) o.fail("a heatmap needs a colour 'ramp', e.g. [\"#2c7bb600\", \"#abd9e9\", \"#fdae61\", \"#d7191c\"]");
    h.ramp = parseRamp(o, *ramp);
    r.classes.push_back(SymbolClass{o.string("label").value_or(""), base, "", 0, 0});
    return r;
}

Renderer parseRenderer(const JsonValue& json, const std::string& origin, const Symbol& base, std::vector<FieldRef>& refs) {
    if (json.isObject())
        if (const auto* t = json.find("type"); t && t->isString() && t->string() == "heatmap") return parseHeatmap(json, origin, base, refs);
    Renderer r;
    r.base = base;
    if (json.isString()) {
        if (json.string() != "single")
            detail::failAt(origin, json.line(), "renderer \"" + json.string() +
                                                    "\" needs an object with its field and classes (only \"single\" stands alone)");
        r.classes.push_back(SymbolClass{"", base, "", 0, 0});
        return r;
    }
    const JsonObject o(json, origin, "the renderer", {"type", "field", "categories", "ranges", "default", "palette", "label"});
    const std::string type = o.choice("type", {"single", "categorized", "graduated", "heatmap"}).value_or("single");
    r.type = type == "single" ? RendererType::Single : type == "categorized" ? RendererType::Categorized : RendererType::Graduated;
    if (r.type == RendererType::Single) {
        if (o.has("field") || o.has("categories") || o.has("ranges") || o.has("palette") || o.has("default"))
            o.fail("a \"single\" renderer takes only 'label'");
        r.classes.push_back(SymbolClass{o.string("label").value_or(""), base, "", 0, 0});
        return r;
    }
    if (o.has("label")) o.fail(*o.find("label"), "'label' belongs to a \"single\" renderer; classes have their own labels");
    r.field = o.requiredString("field");
    refs.push_back({r.field, o.find("field")->line()});
    const char* listKey = r.type == RendererType::Categorized ? "categories" : "ranges";
    const char* wrongKey = r.type == RendererType::Categorized ? "ranges" : "categories";
    if (o.has(wrongKey)) o.fail(*o.find(wrongKey), std::string("'") + wrongKey + "' does not belong to a \"" + type + "\" renderer");
    if (const auto* list = o.find(listKey)) {
        if (!list->isArray()) o.fail(*list, std::string("'") + listKey + "' must be an array");
        int i = 0;
        for (const auto& item : list->array()) {
            r.classes.push_back(parseClass(item, origin, std::string(r.type == RendererType::Categorized ? "category" : "range") + " " +
                                                             std::to_string(++i),
                                           base, r.type));
        }
    }
    if (const auto* p = o.find("palette")) {
        if (r.type != RendererType::Categorized) o.fail(*p, "'palette' belongs to a \"categorized\" renderer");
        if (!p->isArray() || p->array().empty()) o.fail(*p, "'palette' must be a non-empty array of colours");
        for (const auto& c : p->array()) {
            auto col = c.isString() ? detail::parseColor(c.string()) : std::nullopt;
            if (!col) o.fail(c, "palette entries must be colours like \"#a6cee3\"");
            r.palette.push_back(*col);
        }
    }
    if (const auto* d = o.find("default")) r.other = parseClass(*d, origin, "the renderer's default", base, RendererType::Single);
    if (r.classes.empty() && r.palette.empty() && !r.other)
        o.fail(std::string("a \"") + type + "\" renderer needs '" + listKey + "'" +
               (r.type == RendererType::Categorized ? ", a 'palette'" : "") + " or a 'default'");
    return r;
}

LabelStyle parseLabel(const JsonValue& json, const std::string& origin, const std::string& context,
                      std::vector<FieldRef>& refs) {
    const JsonObject o(json, origin, context,
                       {"field", "template", "size_pt", "color", "bold", "halo", "halo_width_mm", "background",
                        "background_stroke", "padding_mm", "placement", "offset_mm", "priority", "min_scale", "max_scale",
                        "skip_empty", "fit_inside", "repeat_mm", "attach", "legend"});
    LabelStyle l;
    const auto field = o.string("field");
    const auto tmpl = o.string("template");
    if (field && tmpl) o.fail(*o.find("template"), "give either 'field' or 'template', not both");
    if (!field && !tmpl) o.fail("a label needs a 'field' or a 'template'");
    if (field) {
        if (field->empty()) o.fail(*o.find("field"), "'field' must not be empty");
        l.text.parts.push_back({"", *field});
    } else {
        try {
            l.text = LabelTemplate::parse(*tmpl);
        } catch (const InputError& e) {
            o.fail(*o.find("template"), e.what());
        }
    }
    for (const auto& f : l.text.fields()) refs.push_back({f, (field ? o.find("field") : o.find("template"))->line()});
    if (auto v = o.number("size_pt", 2, 200)) l.sizePt = *v;
    if (auto c = o.color("color")) l.color = *c;
    if (auto b = o.boolean("bold")) l.bold = *b;
    if (auto c = o.color("halo")) l.halo = *c;
    if (auto v = o.number("halo_width_mm", 0, 10)) l.haloWidthMm = *v;
    if (auto c = o.color("background")) l.background = *c;
    if (auto c = o.color("background_stroke")) l.backgroundStroke = *c;
    if (auto v = o.number("padding_mm", 0, 20)) l.paddingMm = *v;
    if (auto p = o.choice("placement", {"center", "around", "below", "above", "line"})) {
        l.placement = *p == "center" ? LabelPlacement::Center
                      : *p == "around" ? LabelPlacement::Around
                      : *p == "below"  ? LabelPlacement::Below
                      : *p == "above"  ? LabelPlacement::Above
                                       : LabelPlacement::Line;
    }
    if (auto v = o.number("offset_mm", 0, kMaxMm)) l.offsetMm = *v;
    if (auto v = o.number("priority", 0, 1000)) l.priority = static_cast<int>(*v);
    if (auto v = o.number("min_scale", 0, kMaxScale)) l.minScale = *v;
    if (auto v = o.number("max_scale", 0, kMaxScale)) l.maxScale = *v;
    if (auto b = o.boolean("skip_empty")) l.skipEmpty = *b;
    if (auto b = o.boolean("fit_inside")) l.fitInside = *b;
    if (auto v = o.number("repeat_mm", 0, 10000)) l.repeatMm = *v;
    if (auto a = o.choice("attach", {"previous"})) l.attachToPrevious = true;
    if (const auto* lg = o.find("legend")) {
        const JsonObject leg(*lg, origin, "the legend of " + context, {"label", "sample"});
        l.legendLabel = leg.requiredString("label");
        l.legendSample = leg.requiredString("sample");
    }
    return l;
}

AggregateStyle parseAggregate(const JsonValue& json, const std::string& origin, const std::string& context, const Symbol& base,
                              std::vector<FieldRef>& refs) {
    const JsonObject o(json, origin, context,
                       {"beyond_scale", "by", "cell_mm", "cell_m", "sum", "symbol", "min_mm", "max_mm", "max_value", "label", "labels",
                        "legend", "description"});
    AggregateStyle a;
    a.line = o.line();
    (void)o.string("description");
    const auto beyond = o.number("beyond_scale", 1, kMaxScale);
    if (!beyond) o.fail("an aggregate needs 'beyond_scale': the scale denominator beyond which features are aggregated");
    a.beyondScale = *beyond;
    const std::string by = o.requiredString("by");
    if (by.empty()) o.fail(*o.find("by"), "'by' must name a field or be \"cell\"");
    if (by != "cell") {
        a.by = by;
        refs.push_back({by, o.find("by")->line()});
    }
    if (o.has("cell_mm") && o.has("cell_m")) o.fail(*o.find("cell_m"), "give either 'cell_mm' (paper) or 'cell_m' (ground), not both");
    if (auto v = o.number("cell_mm", 1, kMaxMm)) a.cellMm = *v;
    if (auto v = o.number("cell_m", 1, 1e6)) a.cellM = *v;
    if (auto f = o.string("sum")) {
        if (f->empty()) o.fail(*o.find("sum"), "'sum' must name a numeric field");
        a.sum = *f;
        refs.push_back({*f, o.find("sum")->line()});
    }
    Symbol sym = base;
    sym.marker = MarkerShape::Circle;
    a.symbol = o.has("symbol") ? parseSymbol(*o.find("symbol"), origin, "the symbol of " + context, sym) : sym;
    if (auto v = o.number("min_mm", 0.1, kMaxMm)) a.minMm = *v;
    if (auto v = o.number("max_mm", 0.1, kMaxMm)) a.maxMm = *v;
    if (a.minMm > a.maxMm) o.fail("'min_mm' is larger than 'max_mm'");
    if (auto v = o.number("max_value", 1e-9, 1e12)) a.maxValue = *v;
    // Labels read the group's {count} and {sum}, not the source's fields.
    std::vector<FieldRef> labelRefs;
    if (o.has("label") && o.has("labels")) o.fail(*o.find("labels"), "give either 'label' or 'labels', not both");
    if (const auto* l = o.find("label")) a.labels.push_back(parseLabel(*l, origin, "the label of " + context, labelRefs));
    if (const auto* ls = o.find("labels")) {
        if (!ls->isArray()) o.fail(*ls, "'labels' must be an array of labels");
        int i = 0;
        for (const auto& l : ls->array())
            a.labels.push_back(parseLabel(l, origin, "label " + std::to_string(++i) + " of " + context, labelRefs));
    }
    for (const auto& ref : labelRefs) {
        if (ref.name == "count" || (ref.name == "sum" && !a.sum.empty())) continue;
        detail::failAt(origin, ref.line, "an aggregate's label can use {count}" + std::string(a.sum.empty() ? "" : " and {sum}") +
                                             ", not {" + ref.name + "}" +
                                             (ref.name == "sum" ? " (set the aggregate's 'sum' to a field first)" : ""));
    }
    for (const auto& l : a.labels) {
        if (l.placement == LabelPlacement::Line) o.fail("an aggregate's labels cannot use placement \"line\"");
        if (l.attachToPrevious) o.fail("an aggregate's labels cannot \"attach\"");
    }
    if (const auto* lg = o.find("legend")) {
        const JsonObject leg(*lg, origin, "the legend of " + context, {"label", "values"});
        a.legendLabel = leg.requiredString("label");
        if (const auto* vals = leg.find("values")) {
            if (!vals->isArray() || vals->array().empty()) leg.fail(*vals, "'values' must be a non-empty array of numbers");
            for (const auto& v : vals->array()) {
                if (!v.isNumber() || v.number() <= 0) leg.fail(v, "legend values must be positive numbers");
                a.legendValues.push_back(v.number());
            }
        }
    }
    return a;
}

} // namespace

double AggregateStyle::sizeMm(double value) const {
    if (!(value > 0)) return 0.0;
    return std::clamp(maxMm * std::sqrt(value / maxValue), minMm, maxMm);
}

const AggregateStyle* Style::aggregateAt(double scaleDenominator) const {
    const AggregateStyle* found = nullptr;
    for (const auto& a : aggregates)
        if (scaleDenominator > a.beyondScale) found = &a;
    return found;
}

const char* geometryKindName(GeometryKind k) {
    switch (k) {
    case GeometryKind::Point: return "point";
    case GeometryKind::Line: return "line";
    case GeometryKind::Polygon: return "polygon";
    }
    return "?";
}

std::optional<GeometryKind> geometryKindOf(model::GeomType t) {
    switch (t) {
    case model::GeomType::Point:
    case model::GeomType::MultiPoint: return GeometryKind::Point;
    case model::GeomType::LineString:
    case model::GeomType::MultiLineString: return GeometryKind::Line;
    case model::GeomType::Polygon:
    case model::GeomType::MultiPolygon: return GeometryKind::Polygon;
    case model::GeomType::None: break;
    }
    return std::nullopt;
}

std::vector<std::string> LabelTemplate::fields() const {
    std::vector<std::string> out;
    for (const auto& p : parts)
        if (!p.field.empty() && std::find(out.begin(), out.end(), p.field) == out.end()) out.push_back(p.field);
    return out;
}

LabelTemplate LabelTemplate::parse(const std::string& text) {
    LabelTemplate t;
    std::string literal;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{') {
            const auto close = text.find('}', i + 1);
            if (close == std::string::npos) throw InputError("template \"" + text + "\": '{' without '}'");
            std::string field = text.substr(i + 1, close - i - 1);
            if (field.empty() || field.find_first_of("{ ") != std::string::npos)
                throw InputError("template \"" + text + "\": \"{" + field + "}\" is not a field reference like {number}");
            if (!literal.empty()) t.parts.push_back({std::move(literal), ""});
            literal.clear();
            t.parts.push_back({"", std::move(field)});
            i = close;
        } else if (c == '}') {
            throw InputError("template \"" + text + "\": '}' without '{'");
        } else {
            literal += c;
        }
    }
    if (!literal.empty()) t.parts.push_back({std::move(literal), ""});
    return t;
}

std::vector<std::string> Style::fields() const {
    std::vector<std::string> out;
    auto add = [&](const std::string& f) {
        if (!f.empty() && std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
    };
    add(renderer.field);
    add(renderer.heatmap.weight);
    for (const auto& l : labels)
        for (const auto& f : l.text.fields()) add(f);
    for (const auto& a : aggregates) {
        add(a.by);
        add(a.sum);
    }
    return out;
}

bool inScaleRange(double denominator, double min, double max) {
    if (min > 0 && denominator < min) return false;
    if (max > 0 && denominator > max) return false;
    return true;
}

Style parseStyle(const JsonValue& json, const std::string& origin) {
    const JsonObject o(json, origin, "the style",
                       {"geometry", "title", "symbol", "renderer", "label", "labels", "min_scale", "max_scale", "obstacle",
                        "legend_counts", "aggregate", "description"});
    Style s;
    s.origin = origin;
    const auto kind = o.choice("geometry", {"point", "line", "polygon"});
    if (!kind) o.fail("a style needs 'geometry' (point, line or polygon)");
    s.geometry = *kind == "point" ? GeometryKind::Point : *kind == "line" ? GeometryKind::Line : GeometryKind::Polygon;
    (void)o.string("description");
    s.title = o.string("title").value_or("");
    Symbol base;
    if (s.geometry == GeometryKind::Polygon) {
        base.fill = QColor(0xdd, 0xdd, 0xdd);
        base.stroke = QColor(0x66, 0x66, 0x66);
    } else if (s.geometry == GeometryKind::Point) {
        base.fill = QColor(0x66, 0x66, 0x66);
        base.stroke = QColor(255, 255, 255);
        base.strokeWidthMm = 0.2;
    }
    if (const auto* sym = o.find("symbol")) base = parseSymbol(*sym, origin, "the symbol", base);
    if (const auto* r = o.find("renderer")) {
        s.renderer = parseRenderer(*r, origin, base, s.fieldRefs);
    } else {
        s.renderer.base = base;
        s.renderer.classes.push_back(SymbolClass{"", base, "", 0, 0});
    }
    if (o.has("label") && o.has("labels")) o.fail(*o.find("labels"), "give either 'label' or 'labels', not both");
    if (const auto* l = o.find("label")) s.labels.push_back(parseLabel(*l, origin, "the label", s.fieldRefs));
    if (const auto* ls = o.find("labels")) {
        if (!ls->isArray()) o.fail(*ls, "'labels' must be an array of labels");
        int i = 0;
        for (const auto& l : ls->array()) s.labels.push_back(parseLabel(l, origin, "label " + std::to_string(++i), s.fieldRefs));
    }
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
        if (s.labels[i].placement == LabelPlacement::Line && s.geometry != GeometryKind::Line)
            o.fail("placement \"line\" needs a line style");
        if (s.labels[i].attachToPrevious && i == 0) o.fail("the first label cannot \"attach\": \"previous\"");
    }
    if (auto v = o.number("min_scale", 0, kMaxScale)) s.minScale = *v;
    if (auto v = o.number("max_scale", 0, kMaxScale)) s.maxScale = *v;
    if (s.minScale > 0 && s.maxScale > 0 && s.minScale > s.maxScale) o.fail("'min_scale' is larger than 'max_scale'");
    if (auto b = o.boolean("obstacle")) s.obstacle = *b;
    if (auto b = o.boolean("legend_counts")) s.legendCounts = *b;
    if (const auto* ag = o.find("aggregate")) {
        if (ag->isArray()) {
            if (ag->array().empty()) o.fail(*ag, "'aggregate' must be an aggregate or a non-empty array of them");
            int i = 0;
            for (const auto& a : ag->array())
                s.aggregates.push_back(parseAggregate(a, origin, "aggregate " + std::to_string(++i), base, s.fieldRefs));
        } else {
            s.aggregates.push_back(parseAggregate(*ag, origin, "the aggregate", base, s.fieldRefs));
        }
        std::stable_sort(s.aggregates.begin(), s.aggregates.end(),
                         [](const AggregateStyle& a, const AggregateStyle& b) { return a.beyondScale < b.beyondScale; });
        for (std::size_t i = 1; i < s.aggregates.size(); ++i)
            if (s.aggregates[i].beyondScale == s.aggregates[i - 1].beyondScale)
                detail::failAt(origin, s.aggregates[i].line, "two aggregates start beyond the same scale");
    }
    if (s.renderer.type == RendererType::Heatmap) {
        if (s.geometry != GeometryKind::Point) o.fail(*o.find("renderer"), "a heatmap draws points: the style's geometry must be \"point\"");
        if (!s.labels.empty()) o.fail(*o.find(o.has("label") ? "label" : "labels"), "a heatmap draws no labels");
        if (!s.aggregates.empty()) o.fail(*o.find("aggregate"), "a heatmap is already a summary: it takes no 'aggregate'");
    }
    return s;
}

std::shared_ptr<const Style> loadStyle(const std::string& path) {
    return std::make_shared<const Style>(parseStyle(model::parseJsonFile(path), path));
}

std::shared_ptr<const Style> fallbackStyle(GeometryKind kind) {
    Style s;
    s.origin = "(fallback)";
    s.geometry = kind;
    Symbol sym;
    sym.stroke = QColor(0x55, 0x55, 0x55);
    if (kind == GeometryKind::Polygon) sym.fill = QColor(0xcc, 0xcc, 0xcc, 0x99);
    if (kind == GeometryKind::Point) sym.fill = QColor(0x55, 0x55, 0x55);
    if (kind == GeometryKind::Point) sym.stroke = QColor(255, 255, 255);
    s.renderer.base = sym;
    s.renderer.classes.push_back(SymbolClass{"", sym, "", 0, 0});
    return std::make_shared<const Style>(std::move(s));
}

ClassMatcher::ClassMatcher(const Renderer& renderer) : m_renderer(renderer) {
    for (const auto& c : renderer.classes) m_symbols.push_back(c.symbol);
    m_classCount = static_cast<int>(renderer.classes.size());
    if (renderer.other) {
        m_otherSlot = static_cast<int>(m_symbols.size());
        m_symbols.push_back(renderer.other->symbol);
    }
    m_paletteStart = static_cast<int>(m_symbols.size());
    for (const auto& c : renderer.palette) {
        Symbol s = renderer.base;
        s.fill = c;
        m_symbols.push_back(s);
    }
    if (renderer.type == RendererType::Categorized) {
        for (int i = 0; i < m_classCount; ++i) {
            const auto& v = renderer.classes[static_cast<std::size_t>(i)].value;
            m_byText.emplace(v, i);
            if (auto n = model::toNumber(model::Value{v}); n && *n == std::floor(*n) && std::fabs(*n) < 9e15)
                m_byInt.emplace(static_cast<std::int64_t>(*n), i);
        }
    }
}

QColor HeatmapSpec::colorAt(double t) const {
    if (ramp.empty()) return QColor(0, 0, 0, 0);
    t = std::clamp(t, 0.0, 1.0);
    std::size_t i = 1;
    while (i < ramp.size() && ramp[i].at < t) ++i;
    if (i >= ramp.size()) return ramp.back().color;
    const RampStop &a = ramp[i - 1], &b = ramp[i];
    const double f = b.at > a.at ? (t - a.at) / (b.at - a.at) : 1.0;
    // Premultiplied: a transparent end fades in its neighbour's colour, not grey.
    const double aa = a.color.alphaF(), ba = b.color.alphaF();
    const double alpha = aa + (ba - aa) * f;
    auto channel = [&](double ca, double cb) { return alpha > 0 ? (ca * aa + (cb * ba - ca * aa) * f) / alpha : cb; };
    QColor c;
    c.setRgbF(static_cast<float>(channel(a.color.redF(), b.color.redF())), static_cast<float>(channel(a.color.greenF(), b.color.greenF())),
              static_cast<float>(channel(a.color.blueF(), b.color.blueF())), static_cast<float>(alpha));
    return c;
}

int ClassMatcher::classify(const model::Value& v) const {
    switch (m_renderer.type) {
    case RendererType::Single:
    case RendererType::Heatmap: return 0;
    case RendererType::Graduated: {
        if (auto n = model::toNumber(v)) {
            for (int i = 0; i < m_classCount; ++i) {
                const auto& c = m_renderer.classes[static_cast<std::size_t>(i)];
                if (*n >= c.min && *n <= c.max) return i;
            }
        }
        return m_otherSlot;
    }
    case RendererType::Categorized: break;
    }
    const int paletteSize = static_cast<int>(m_renderer.palette.size());
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
        if (auto it = m_byInt.find(*i); it != m_byInt.end()) return it->second;
        if (paletteSize > 0)
            return m_paletteStart + static_cast<int>(((*i % paletteSize) + paletteSize) % paletteSize);
        return m_otherSlot;
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto it = m_byText.find(*s); it != m_byText.end()) return it->second;
        if (paletteSize > 0) {
            std::uint32_t h = 2166136261u; // FNV-1a: stable across runs and platforms
            for (unsigned char c : *s) h = (h ^ c) * 16777619u;
            return m_paletteStart + static_cast<int>(h % static_cast<std::uint32_t>(paletteSize));
        }
        return m_otherSlot;
    }
    if (const auto* d = std::get_if<double>(&v)) {
        if (*d == std::floor(*d) && std::fabs(*d) < 9e15) return classify(model::Value{static_cast<std::int64_t>(*d)});
        if (auto it = m_byText.find(model::toText(v)); it != m_byText.end()) return it->second;
    }
    return m_otherSlot;
}

} // namespace gridatlas::render
