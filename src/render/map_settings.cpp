#include "render/map_settings.h"

#include <algorithm>

#include "model/support/error.h"
#include "render/feature_filter.h"
#include "render/units.h"

namespace gridatlas::render {

model::Rect MapSettings::visibleExtent() const {
    if (extent.isEmpty() || outputSize.isEmpty()) return extent;
    const double w = std::max(extent.width(), 1e-6);
    const double h = std::max(extent.height(), 1e-6);
    const double aspect = static_cast<double>(outputSize.width()) / outputSize.height();
    const auto c = extent.center();
    double vw = w, vh = h;
    if (w / h > aspect)
        vh = w / aspect;
    else
        vw = h * aspect;
    return model::Rect{c.x - vw / 2, c.y - vh / 2, c.x + vw / 2, c.y + vh / 2};
}

double MapSettings::metresPerPixel() const {
    if (outputSize.width() <= 0) return 1.0;
    return visibleExtent().width() / outputSize.width();
}

double MapSettings::scaleDenominator() const {
    // metres on the ground per metre on paper
    return metresPerPixel() * dpi / (kMmPerInch / 1000.0);
}

MapToPixel::MapToPixel(const MapSettings& settings) {
    const auto v = settings.visibleExtent();
    m_x0 = v.xmin;
    m_y0 = v.ymax;
    m_k = 1.0 / settings.metresPerPixel();
}

model::Rect resolveExtent(const MapDocument& doc, model::SourceProvider& provider) {
    model::Rect r;
    auto rasterExtent = [&](const LayerSpec& l) -> model::Rect {
        throw RenderError(doc.path + ", line " + std::to_string(l.line) + ": the extent cannot come from raster layer '" + l.name +
                          "' (give a vector layer or a box)");
    };
    auto layerExtent = [&](const std::string& source, const std::vector<FilterTerm>& filter) {
        auto src = provider.open(source);
        if (filter.empty()) return src->extent();
        FeatureFilter f(filter);
        model::FeatureRequest req;
        req.fields = f.fields();
        auto cursor = src->features(req);
        model::Feature feat;
        model::Rect out;
        while (cursor->next(feat))
            if (f.accepts(feat.values, 0)) out.expand(feat.geometry.bounds());
        return out;
    };
    switch (doc.extent.kind) {
    case ExtentSpec::Kind::Fixed: r = doc.extent.rect; break;
    case ExtentSpec::Kind::Layer:
        if (const auto* l = doc.findLayer(doc.extent.layer))
            r = l->kind == LayerKind::Raster ? rasterExtent(*l) : layerExtent(l->source, l->filter);
        else
            r = layerExtent(doc.extent.layer, {});
        break;
    case ExtentSpec::Kind::Auto:
        for (const auto& l : doc.layers) // a basemap is the background, not what the map is about
            if (l.visible && l.kind == LayerKind::Vector) r.expand(layerExtent(l.source, l.filter));
        break;
    }
    if (r.isEmpty())
        throw RenderError(doc.path + ": the map's extent is empty (its layers hold no features" +
                          (doc.extent.kind == ExtentSpec::Kind::Layer ? " in '" + doc.extent.layer + "'" : std::string()) + ")");
    const double pad = doc.extent.margin * std::max({r.width(), r.height(), 1.0});
    return r.buffered(pad);
}

MapSettings makeMapSettings(const MapDocument& doc, const model::Rect& extent, QSize size, double dpi, bool reveal,
                            model::RasterOpener rasterOpener) {
    MapSettings s;
    s.rasterOpener = rasterOpener;
    s.extent = extent;
    s.outputSize = size;
    s.dpi = dpi;
    s.background = doc.background;
    s.reveal = reveal;
    for (const auto& l : doc.layers) {
        if (!l.visible) continue;
        MapLayer m;
        m.name = l.name;
        m.kind = l.kind;
        m.file = l.filePath;
        m.title = l.displayTitle();
        m.source = l.source;
        m.style = l.style;
        m.opacity = l.opacity;
        m.minScale = l.minScale;
        m.maxScale = l.maxScale;
        m.filter = l.filter;
        m.legend = l.legend;
        m.legendGroup = l.legendGroup;
        s.layers.push_back(std::move(m));
    }
    return s;
}

} // namespace gridatlas::render
