#include "render/map_document.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "model/support/error.h"
#include "render/json_object.h"

namespace gridatlas::render {

namespace fs = std::filesystem;
using detail::failAt;
using detail::JsonObject;
using model::JsonValue;

namespace {

constexpr double kMaxScale = 1e9;

std::string joined(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

TitleTemplate titleAt(const JsonObject& o, const char* key) {
    TitleTemplate t;
    const auto text = o.string(key);
    if (!text) return t;
    try {
        t = parseTitleTemplate(*text);
    } catch (const InputError& e) {
        o.fail(*o.find(key), e.what());
    }
    t.line = o.find(key)->line();
    return t;
}

ExtentSpec parseExtent(const JsonValue& v, const std::string& origin) {
    ExtentSpec e;
    e.line = v.line();
    if (v.isString()) {
        if (v.string() != "auto")
            failAt(origin, v.line(), "extent \"" + v.string() + "\" is not \"auto\", [xmin, ymin, xmax, ymax] or {\"layer\": ...}");
        return e;
    }
    auto parseBox = [&](const JsonValue& arr) {
        if (!arr.isArray() || arr.array().size() != 4 || !std::all_of(arr.array().begin(), arr.array().end(), [](const JsonValue& x) { return x.isNumber(); }))
            failAt(origin, arr.line(), "an extent box must be four numbers [xmin, ymin, xmax, ymax] in the atlas CRS (metres)");
        const auto& a = arr.array();
        if (!(a[0].number() < a[2].number() && a[1].number() < a[3].number()))
            failAt(origin, arr.line(), "extent box: xmin must be below xmax and ymin below ymax");
        e.kind = ExtentSpec::Kind::Fixed;
        e.rect = model::Rect{a[0].number(), a[1].number(), a[2].number(), a[3].number()};
        e.margin = 0.0;
    };
    if (v.isArray()) {
        parseBox(v);
        return e;
    }
    const JsonObject o(v, origin, "the extent", {"layer", "box", "margin"});
    if (o.has("layer") && o.has("box")) o.fail("give either 'layer' or 'box', not both");
    if (const auto* b = o.find("box")) parseBox(*b);
    if (o.has("layer")) {
        e.kind = ExtentSpec::Kind::Layer;
        e.layer = o.requiredString("layer");
    }
    if (auto m = o.number("margin", 0, 1)) e.margin = *m;
    return e;
}

PageSpec parsePage(const JsonValue& v, const std::string& origin) {
    const JsonObject o(v, origin, "the page", {"size", "orientation", "dpi", "scale"});
    PageSpec p;
    if (auto s = o.choice("size", {"A4", "A3"})) p.size = *s == "A4" ? PageSize::A4 : PageSize::A3;
    if (auto s = o.choice("orientation", {"landscape", "portrait"}))
        p.orientation = *s == "landscape" ? PageOrientation::Landscape : PageOrientation::Portrait;
    p.dpi = o.number("dpi", 36, 1200);
    p.scale = o.number("scale", 50, kMaxScale);
    return p;
}

std::vector<FilterTerm> parseFilter(const JsonValue& v, const std::string& origin, const std::string& context) {
    const std::string hint = " (a filter is {\"field\": value} or {\"field\": [value, ...]}; all terms must hold)";
    if (!v.isObject()) failAt(origin, v.line(), "the filter of " + context + " must be an object" + hint);
    std::vector<FilterTerm> out;
    auto text = [&](const JsonValue& x) -> std::string {
        if (x.isString()) return x.string();
        if (x.isNumber()) return model::toText(model::Value{x.number()});
        if (x.isBool()) return x.boolean() ? "1" : "0";
        failAt(origin, x.line(), "filter values must be strings, numbers or booleans" + hint);
    };
    for (const auto& m : v.members()) {
        FilterTerm t;
        t.field = m.key;
        t.line = m.keyLine;
        if (m.value.isArray()) {
            if (m.value.array().empty()) failAt(origin, m.value.line(), "filter on '" + m.key + "' lists no values");
            for (const auto& x : m.value.array()) t.values.push_back(text(x));
        } else {
            t.values.push_back(text(m.value));
        }
        out.push_back(std::move(t));
    }
    return out;
}

std::string resolveStyle(const std::string& name, const std::string& mapPath, const MapLoadOptions& options,
                         std::vector<std::string>& tried) {
    std::string file = name;
    if (fs::path(file).extension() != ".json") file += ".json";
    const fs::path mapDir = fs::path(mapPath).parent_path();
    std::vector<fs::path> candidates;
    if (fs::path(file).is_absolute()) {
        candidates.emplace_back(file);
    } else if (file.find('/') != std::string::npos) {
        candidates.push_back(mapDir / file);
    } else {
        candidates.push_back(mapDir / ".." / "styles" / file);
        candidates.push_back(mapDir / file);
        for (const auto& d : options.styleDirs) candidates.push_back(fs::path(d) / file);
    }
    for (const auto& c : candidates) {
        const auto p = c.lexically_normal();
        tried.push_back(p.string());
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return {};
}

LayerSpec parseLayer(const JsonValue& v, const std::string& origin, const MapLoadOptions& options, int index,
                     std::vector<std::string>& warnings) {
    std::string context = "layer " + std::to_string(index);
    if (v.isObject())
        if (const auto* n = v.find("name"); n && n->isString()) context = "layer '" + n->string() + "'";
    const JsonObject o(v, origin, context,
                       {"name", "title", "source", "style", "visible", "opacity", "min_scale", "max_scale", "filter", "legend",
                        "legend_group"});
    LayerSpec l;
    l.line = v.line();
    l.name = o.requiredString("name");
    l.source = o.string("source").value_or(l.name);
    l.sourceLine = o.has("source") ? o.find("source")->line() : l.line;
    l.title = o.string("title").value_or("");
    l.visible = o.boolean("visible").value_or(true);
    l.opacity = o.number("opacity", 0, 1).value_or(1.0);
    l.minScale = o.number("min_scale", 0, kMaxScale).value_or(0.0);
    l.maxScale = o.number("max_scale", 0, kMaxScale).value_or(0.0);
    if (l.minScale > 0 && l.maxScale > 0 && l.minScale > l.maxScale) o.fail("'min_scale' is larger than 'max_scale'");
    l.legend = o.boolean("legend").value_or(true);
    l.legendGroup = o.string("legend_group").value_or("");
    if (const auto* f = o.find("filter")) l.filter = parseFilter(*f, origin, context);
    l.styleName = o.requiredString("style");
    std::vector<std::string> tried;
    l.stylePath = resolveStyle(l.styleName, origin, options, tried);
    if (l.stylePath.empty()) {
        const std::string msg = "style '" + l.styleName + "' of " + context + " not found (looked in: " + joined(tried) + ")";
        if (!options.fallbackForMissingStyles) failAt(origin, o.find("style")->line(), msg);
        warnings.push_back(origin + ", line " + std::to_string(o.find("style")->line()) + ": " + msg + "; drawing it plainly");
    } else {
        l.style = loadStyle(l.stylePath);
    }
    return l;
}

} // namespace

std::string LayerSpec::displayTitle() const {
    if (!title.empty()) return title;
    if (style && !style->title.empty()) return style->title;
    return name;
}

const LayerSpec* MapDocument::findLayer(const std::string& name) const {
    for (const auto& l : layers)
        if (l.name == name) return &l;
    return nullptr;
}

TitleTemplate parseTitleTemplate(const std::string& text) {
    TitleTemplate t;
    std::string literal;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '}') throw InputError("\"" + text + "\": '}' without '{'");
        if (text[i] != '{') {
            literal += text[i];
            continue;
        }
        const auto close = text.find('}', i + 1);
        if (close == std::string::npos) throw InputError("\"" + text + "\": '{' without '}'");
        const std::string ref = text.substr(i + 1, close - i - 1);
        const auto dot = ref.find('.');
        const std::string usage = "\"{" + ref + "}\" is not an aggregate like {grids.count}, {buildings.sum:members} or {communities.values:name}";
        if (dot == std::string::npos || dot == 0) throw InputError(usage);
        Aggregate a;
        a.layer = ref.substr(0, dot);
        const std::string opText = ref.substr(dot + 1);
        const auto colon = opText.find(':');
        const std::string op = opText.substr(0, colon);
        if (op == "count" && colon == std::string::npos) {
            a.op = Aggregate::Op::Count;
        } else if ((op == "sum" || op == "values") && colon != std::string::npos && colon + 1 < opText.size()) {
            a.op = op == "sum" ? Aggregate::Op::Sum : Aggregate::Op::Values;
            a.field = opText.substr(colon + 1);
        } else {
            throw InputError(usage);
        }
        if (!literal.empty()) t.parts.push_back({std::move(literal), std::nullopt});
        literal.clear();
        t.parts.push_back({"", a});
        i = close;
    }
    if (!literal.empty()) t.parts.push_back({std::move(literal), std::nullopt});
    return t;
}

MapDocument parseMapDocument(const JsonValue& json, const std::string& origin, const MapLoadOptions& options) {
    const JsonObject o(json, origin, "the map document",
                       {"title", "subtitle", "description", "extent", "page", "background", "layers"});
    MapDocument doc;
    doc.path = origin;
    doc.title = titleAt(o, "title");
    doc.subtitle = titleAt(o, "subtitle");
    doc.description = o.string("description").value_or("");
    if (const auto* e = o.find("extent")) doc.extent = parseExtent(*e, origin);
    if (const auto* p = o.find("page")) doc.page = parsePage(*p, origin);
    if (auto c = o.color("background")) doc.background = *c;
    const auto* layers = o.find("layers");
    if (!layers) o.fail("a map document needs 'layers' (an array, in draw order)");
    if (!layers->isArray() || layers->array().empty()) o.fail(*layers, "'layers' must be a non-empty array");
    int i = 0;
    for (const auto& lv : layers->array()) {
        LayerSpec l = parseLayer(lv, origin, options, ++i, doc.warnings);
        if (doc.findLayer(l.name)) failAt(origin, l.line, "layer name '" + l.name + "' is used twice");
        doc.layers.push_back(std::move(l));
    }
    return doc;
}

MapDocument loadMapDocument(const std::string& path, const MapLoadOptions& options) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError("map document '" + path + "' does not exist");
    return parseMapDocument(model::parseJsonFile(path), path, options);
}

void validateMapDocument(const MapDocument& doc, model::SourceProvider& provider) {
    const auto names = provider.layerNames();
    auto known = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    std::map<std::string, std::vector<model::Field>> fieldsOf;
    std::map<std::string, model::GeomType> typeOf;
    auto openSource = [&](const std::string& source) -> const std::vector<model::Field>& {
        auto it = fieldsOf.find(source);
        if (it == fieldsOf.end()) {
            auto src = provider.open(source);
            typeOf[source] = src->geometryType();
            it = fieldsOf.emplace(source, src->fields()).first;
        }
        return it->second;
    };
    auto fieldList = [](const std::vector<model::Field>& fields) {
        std::vector<std::string> n;
        for (const auto& f : fields) n.push_back(f.name);
        return joined(n);
    };
    auto hasField = [](const std::vector<model::Field>& fields, const std::string& name) {
        return std::any_of(fields.begin(), fields.end(), [&](const model::Field& f) { return f.name == name; });
    };

    for (const auto& l : doc.layers) {
        if (!known(l.source))
            failAt(doc.path, l.sourceLine, "layer source '" + l.source + "' does not exist in the atlas (layers: " + joined(names) + ")");
        const auto& fields = openSource(l.source);
        if (!l.style) continue;
        const auto kind = geometryKindOf(typeOf[l.source]);
        if (kind && *kind != l.style->geometry)
            failAt(doc.path, l.line, "layer '" + l.name + "': style '" + l.stylePath + "' draws " +
                                         geometryKindName(l.style->geometry) + "s but source '" + l.source + "' holds " +
                                         geometryKindName(*kind) + "s");
        for (const auto& ref : l.style->fieldRefs)
            if (!hasField(fields, ref.name))
                failAt(l.style->origin, ref.line, "field '" + ref.name + "' does not exist in source '" + l.source +
                                                      "' (drawn by layer '" + l.name + "' of " + doc.path +
                                                      "; fields: " + fieldList(fields) + ")");
        for (const auto& t : l.filter)
            if (!hasField(fields, t.field))
                failAt(doc.path, t.line, "filter field '" + t.field + "' of layer '" + l.name + "' does not exist in source '" +
                                             l.source + "' (fields: " + fieldList(fields) + ")");
    }
    if (doc.extent.kind == ExtentSpec::Kind::Layer && !doc.findLayer(doc.extent.layer) && !known(doc.extent.layer))
        failAt(doc.path, doc.extent.line, "extent layer '" + doc.extent.layer + "' is neither a layer of the map nor of the atlas (atlas layers: " +
                                              joined(names) + ")");
    for (const TitleTemplate* t : {&doc.title, &doc.subtitle}) {
        for (const auto& p : t->parts) {
            if (!p.aggregate) continue;
            const auto& a = *p.aggregate;
            if (!known(a.layer))
                failAt(doc.path, t->line, "title aggregate {" + a.layer + "...}: layer '" + a.layer + "' does not exist in the atlas (layers: " +
                                              joined(names) + ")");
            const auto& fields = openSource(a.layer);
            if (!a.field.empty() && !hasField(fields, a.field))
                failAt(doc.path, t->line, "title aggregate: field '" + a.field + "' does not exist in layer '" + a.layer + "' (fields: " +
                                              fieldList(fields) + ")");
        }
    }
}

} // namespace gridatlas::render
