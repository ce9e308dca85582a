#pragma once
// MapSettings: the immutable snapshot one render gets (view extent, output size, dpi, layers with
// their parsed styles, reveal flag). Build it on the GUI thread, hand a copy (or a
// shared_ptr<const MapSettings>) to a worker, and never change it afterwards: styles are shared,
// immutable objects.
#include <QColor>
#include <QPointF>
#include <QSize>

#include <memory>
#include <string>
#include <vector>

#include "model/feature.h"
#include "model/raster.h"
#include "render/map_document.h"
#include "render/style.h"

namespace gridatlas::render {

/// One layer as the renderer draws it.
struct MapLayer {
    std::string name;
    std::string title;  ///< legend heading
    std::string source; ///< the SourceProvider layer it reads
    std::shared_ptr<const Style> style;
    double opacity = 1.0;
    double minScale = 0.0; ///< scale denominators; 0 = unbounded
    double maxScale = 0.0;
    std::vector<FilterTerm> filter;
    bool legend = true;
    std::string legendGroup; ///< legend heading shared with neighbouring layers of the same group
    LayerKind kind = LayerKind::Vector;
    std::string file; ///< raster: the resolved file
};

struct MapSettings {
    model::Rect extent;         ///< wanted area (atlas CRS metres); centred and widened to the output's aspect
    QSize outputSize{800, 600}; ///< pixels of the map on the device
    double dpi = 96.0;          ///< device pixels per inch on paper (styles are in mm and pt)
    QColor background{255, 255, 255}; ///< transparent = leave the device as it is
    std::vector<MapLayer> layers;      ///< in draw order
    bool reveal = false;        ///< draw sensitive fields unmasked
    bool antialiasing = true;   ///< image tests turn it off for stable lines
    bool labels = true;
    /// Opens raster layers' files on the rendering thread (storage::openGdalRaster); null: a
    /// raster layer fails with a message, the others draw.
    model::RasterOpener rasterOpener = nullptr;

    /// The extent actually drawn: `extent` widened to the aspect of outputSize, same centre.
    [[nodiscard]] model::Rect visibleExtent() const;
    [[nodiscard]] double metresPerPixel() const;
    /// Ground metres per paper metre (1:N) at `dpi`.
    [[nodiscard]] double scaleDenominator() const;
};

/// Converts atlas coordinates to device pixels of a MapSettings (y grows downwards).
class MapToPixel {
public:
    explicit MapToPixel(const MapSettings& settings);
    [[nodiscard]] QPointF operator()(model::Vec2 p) const { return {(p.x - m_x0) * m_k, (m_y0 - p.y) * m_k}; }
    [[nodiscard]] double pixelsPerMetre() const { return m_k; }
    [[nodiscard]] model::Vec2 toMap(QPointF px) const { return {m_x0 + px.x() / m_k, m_y0 - px.y() / m_k}; }

private:
    double m_x0;
    double m_y0;
    double m_k;
};

/// The extent a document asks for, with its margin: the union of the visible layers' extents
/// ("auto"), a layer's (filtered) extent, or a fixed box. Throws RenderError when it is empty.
model::Rect resolveExtent(const MapDocument& doc, model::SourceProvider& provider);

/// Settings for drawing the document's visible layers over `extent` on `size` pixels at `dpi`.
/// `rasterOpener` reads raster layers (null: they report an error when drawn).
MapSettings makeMapSettings(const MapDocument& doc, const model::Rect& extent, QSize size, double dpi, bool reveal,
                            model::RasterOpener rasterOpener = nullptr);

} // namespace gridatlas::render
