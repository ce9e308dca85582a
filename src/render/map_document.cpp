#include "render/map_document.h"

#include <QSaveFile>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
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
        // Atlas coordinates are projected metres: anything beyond a million kilometres is a typo
        // or hostile, and a width that overflows to infinity would give the chart no scale.
        constexpr double kMaxCoordinate = 1e9;
        if (!std::all_of(a.begin(), a.end(), [](const JsonValue& x) { return std::fabs(x.number()) <= kMaxCoordinate; }))
            failAt(origin, arr.line(), "extent box: coordinates must lie within ±1e9 (metres in the atlas CRS)");
        if (!(a[0].number() < a[2].number() && a[1].number() < a[3].number()))
            failAt(origin, arr.line(), "extent box: xmin must be below xmax and ymin below ymax");
        if (a[2].number() - a[0].number() < 0.1 || a[3].number() - a[1].number() < 0.1)
            failAt(origin, arr.line(), "extent box: it must be at least 0.1 m wide and high");
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
    // The keys depend on the kind: a raster layer is a file, a vector layer an atlas source with a style.
    const JsonValue* kindValue = v.isObject() ? v.find("kind") : nullptr;
    const bool raster = kindValue && kindValue->isString() && kindValue->string() == "raster";
    if (v.isObject()) {
        if (raster) {
            for (const char* key : {"source", "style", "filter", "legend_group"})
                if (const auto* x = v.find(key)) failAt(origin, x->line(), std::string("a raster layer takes 'file', not '") + key + "'");
        } else if (const auto* f = v.find("file")) {
            failAt(origin, f->line(), "'file' belongs to raster layers (\"kind\": \"raster\")");
        }
    }
    const JsonObject o = raster ? JsonObject(v, origin, context,
                                             {"name", "kind", "file", "title", "visible", "opacity", "min_scale", "max_scale", "legend"})
                                : JsonObject(v, origin, context,
                                             {"name", "title", "source", "style", "visible", "opacity", "min_scale", "max_scale", "filter",
                                              "legend", "legend_group", "kind"});
    LayerSpec l;
    l.line = v.line();
    l.name = o.requiredString("name");
    l.title = o.string("title").value_or("");
    l.visible = o.boolean("visible").value_or(true);
    l.opacity = o.number("opacity", 0, 1).value_or(1.0);
    l.minScale = o.number("min_scale", 0, kMaxScale).value_or(0.0);
    l.maxScale = o.number("max_scale", 0, kMaxScale).value_or(0.0);
    if (l.minScale > 0 && l.maxScale > 0 && l.minScale > l.maxScale) o.fail("'min_scale' is larger than 'max_scale'");
    l.legend = o.boolean("legend").value_or(true);
    (void)o.choice("kind", {"vector", "raster"});
    if (raster) {
        // A basemap file under the vector layers.
        l.kind = LayerKind::Raster;
        l.file = o.requiredString("file");
        const fs::path file(l.file);
        const fs::path resolved = (file.is_absolute() ? file : fs::path(origin).parent_path() / file).lexically_normal();
        std::error_code ec;
        if (fs::is_regular_file(resolved, ec)) {
            l.filePath = resolved.string();
        } else {
            const std::string msg = "raster file '" + l.file + "' of " + context + " not found (looked for " + resolved.string() + ")";
            if (!options.fallbackForMissingStyles) failAt(origin, o.find("file")->line(), msg);
            warnings.push_back(origin + ", line " + std::to_string(o.find("file")->line()) + ": " + msg + "; the layer stays empty");
        }
        return l;
    }
    l.source = o.string("source").value_or(l.name);
    l.sourceLine = o.has("source") ? o.find("source")->line() : l.line;
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

// --- Writing ----------------------------------------------------------------------------------

std::string jsonString(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            } else {
                out += c; // UTF-8 passes through: the files stay readable Chinese
            }
        }
    }
    return out + "\"";
}

/// The shortest text that reads back as the same double.
std::string jsonNumber(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string jsonColor(const QColor& c) {
    char buf[16];
    if (c.alpha() == 255)
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.red(), c.green(), c.blue());
    else
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x%02x", c.red(), c.green(), c.blue(), c.alpha());
    return buf;
}

/// A filter value as the file had it: a number when the text is one in canonical form
/// ({"vulnerable": 1}), else a string ("pioneer_post", "007"). Both read back to the same text.
std::string jsonFilterValue(const std::string& text) {
    const auto n = model::toNumber(model::Value{text});
    if (n && std::isfinite(*n) && model::toText(model::Value{*n}) == text) return jsonNumber(*n);
    return jsonString(text);
}

std::string extentJson(const ExtentSpec& e) {
    const auto box = [&] {
        return "[" + jsonNumber(e.rect.xmin) + ", " + jsonNumber(e.rect.ymin) + ", " + jsonNumber(e.rect.xmax) + ", " +
               jsonNumber(e.rect.ymax) + "]";
    };
    switch (e.kind) {
    case ExtentSpec::Kind::Auto: return "\"auto\"";
    case ExtentSpec::Kind::Fixed:
        if (e.margin == 0.0) return box();
        return "{\"box\": " + box() + ", \"margin\": " + jsonNumber(e.margin) + "}";
    case ExtentSpec::Kind::Layer: return "{\"layer\": " + jsonString(e.layer) + ", \"margin\": " + jsonNumber(e.margin) + "}";
    }
    return "\"auto\"";
}

std::string pageJson(const PageSpec& p) {
    std::vector<std::string> items;
    if (p.size) items.push_back(std::string("\"size\": ") + (*p.size == PageSize::A4 ? "\"A4\"" : "\"A3\""));
    if (p.orientation)
        items.push_back(std::string("\"orientation\": ") + (*p.orientation == PageOrientation::Landscape ? "\"landscape\"" : "\"portrait\""));
    if (p.dpi) items.push_back("\"dpi\": " + jsonNumber(*p.dpi));
    if (p.scale) items.push_back("\"scale\": " + jsonNumber(*p.scale));
    return "{" + joined(items) + "}";
}

/// How the saved map names a style: as loaded while that still finds the same file from the
/// new place, else a path relative to the new map's folder.
std::string styleReference(const LayerSpec& l, const std::string& newPath) {
    if (l.stylePath.empty()) return l.styleName; // a missing style stays as it was written
    std::vector<std::string> tried;
    std::error_code ec;
    const std::string found = resolveStyle(l.styleName, newPath, MapLoadOptions{}, tried);
    if (!found.empty() && fs::equivalent(found, l.stylePath, ec)) return l.styleName;
    const fs::path target = fs::absolute(l.stylePath, ec).lexically_normal();
    const fs::path dir = fs::absolute(fs::path(newPath).parent_path(), ec).lexically_normal();
    std::string rel = target.lexically_relative(dir).generic_string();
    // Relative within a project folder (maps/ beside styles/), absolute across unrelated places.
    if (rel.empty() || rel.rfind("../../", 0) == 0) return target.generic_string();
    if (rel.find('/') == std::string::npos) rel = "./" + rel; // a bare name would be looked up in ../styles first
    return rel;
}

/// A raster layer's file: as written while it finds the same file from the new place.
std::string fileReference(const LayerSpec& l, const std::string& newPath) {
    if (l.filePath.empty()) return l.file;
    const fs::path written(l.file);
    const fs::path again = written.is_absolute() ? written : fs::path(newPath).parent_path() / written;
    std::error_code ec;
    if (fs::equivalent(again, l.filePath, ec)) return l.file;
    const fs::path target = fs::absolute(l.filePath, ec).lexically_normal();
    const std::string rel = target.lexically_relative(fs::absolute(fs::path(newPath).parent_path(), ec).lexically_normal()).generic_string();
    if (rel.empty() || rel.rfind("../../", 0) == 0) return target.generic_string();
    return rel;
}

std::string layerJson(const LayerSpec& l, const std::string& newPath) {
    std::vector<std::string> items;
    items.push_back("\"name\": " + jsonString(l.name));
    if (l.kind == LayerKind::Raster) {
        items.push_back("\"kind\": \"raster\"");
        items.push_back("\"file\": " + jsonString(fileReference(l, newPath)));
        if (!l.title.empty()) items.push_back("\"title\": " + jsonString(l.title));
        if (!l.visible) items.push_back("\"visible\": false");
        if (l.opacity != 1.0) items.push_back("\"opacity\": " + jsonNumber(l.opacity));
        if (l.minScale > 0) items.push_back("\"min_scale\": " + jsonNumber(l.minScale));
        if (l.maxScale > 0) items.push_back("\"max_scale\": " + jsonNumber(l.maxScale));
        if (!l.legend) items.push_back("\"legend\": false");
        return "{" + joined(items) + "}";
    }
    if (!l.title.empty()) items.push_back("\"title\": " + jsonString(l.title));
    items.push_back("\"source\": " + jsonString(l.source));
    items.push_back("\"style\": " + jsonString(styleReference(l, newPath)));
    if (!l.visible) items.push_back("\"visible\": false");
    if (l.opacity != 1.0) items.push_back("\"opacity\": " + jsonNumber(l.opacity));
    if (l.minScale > 0) items.push_back("\"min_scale\": " + jsonNumber(l.minScale));
    if (l.maxScale > 0) items.push_back("\"max_scale\": " + jsonNumber(l.maxScale));
    if (!l.filter.empty()) {
        std::vector<std::string> terms;
        for (const auto& t : l.filter) {
            std::vector<std::string> values;
            for (const auto& v : t.values) values.push_back(jsonFilterValue(v));
            terms.push_back(jsonString(t.field) + ": " + (values.size() == 1 ? values.front() : "[" + joined(values) + "]"));
        }
        items.push_back("\"filter\": {" + joined(terms) + "}");
    }
    if (!l.legend) items.push_back("\"legend\": false");
    if (!l.legendGroup.empty()) items.push_back("\"legend_group\": " + jsonString(l.legendGroup));
    return "{" + joined(items) + "}";
}

} // namespace

std::string LayerSpec::displayTitle() const {
    if (!title.empty()) return title;
    if (style && !style->title.empty()) return style->title;
    return name;
}

std::vector<std::string> MapDocument::visibleSources() const {
    std::vector<std::string> out;
    for (const auto& l : layers) {
        if (l.kind != LayerKind::Vector || !l.visible || l.source.empty()) continue;
        if (std::find(out.begin(), out.end(), l.source) == out.end()) out.push_back(l.source);
    }
    return out;
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
        if (l.kind == LayerKind::Raster) continue; // its file was found when the map loaded
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

namespace gridatlas::render {

std::string titleTemplateText(const TitleTemplate& t) {
    std::string out;
    for (const auto& p : t.parts) {
        if (!p.aggregate) {
            out += p.literal;
            continue;
        }
        const auto& a = *p.aggregate;
        switch (a.op) {
        case Aggregate::Op::Count: out += "{" + a.layer + ".count}"; break;
        case Aggregate::Op::Sum: out += "{" + a.layer + ".sum:" + a.field + "}"; break;
        case Aggregate::Op::Values: out += "{" + a.layer + ".values:" + a.field + "}"; break;
        }
    }
    return out;
}

void saveMapDocument(const MapDocument& doc, const std::string& path) {
    std::string text = "{\n";
    auto member = [&](const std::string& key, const std::string& value) { text += "  " + jsonString(key) + ": " + value + ",\n"; };
    if (!doc.title.isEmpty()) member("title", jsonString(titleTemplateText(doc.title)));
    if (!doc.subtitle.isEmpty()) member("subtitle", jsonString(titleTemplateText(doc.subtitle)));
    if (!doc.description.empty()) member("description", jsonString(doc.description));
    if (doc.extent.kind != ExtentSpec::Kind::Auto) member("extent", extentJson(doc.extent));
    if (doc.page.size || doc.page.orientation || doc.page.dpi || doc.page.scale) member("page", pageJson(doc.page));
    member("background", jsonString(jsonColor(doc.background)));
    text += "  \"layers\": [\n";
    for (std::size_t i = 0; i < doc.layers.size(); ++i)
        text += "    " + layerJson(doc.layers[i], path) + (i + 1 < doc.layers.size() ? ",\n" : "\n");
    text += "  ]\n}\n";

    std::error_code ec;
    if (fs::is_directory(path, ec)) throw RenderError("cannot save the map as '" + path + "': it is a folder");
    QSaveFile out(QString::fromStdString(path));
    if (!out.open(QIODevice::WriteOnly)) throw RenderError("cannot save the map as '" + path + "': " + out.errorString().toStdString());
    const QByteArray bytes = QByteArray::fromStdString(text);
    if (out.write(bytes) != bytes.size() || !out.commit())
        throw RenderError("cannot save the map as '" + path + "': " + out.errorString().toStdString());
}

} // namespace gridatlas::render
