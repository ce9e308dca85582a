#pragma once
// The map canvas: pan, zoom and render off the GUI thread.
//
// Rendering is "snapshot, then work": on the GUI thread a MapSettings snapshot is built from the
// map document and the view; a worker of this canvas's own pool renders it onto a QImage with
// its own atlas connection; the result returns by queued call and stale generations are
// dropped. Meanwhile the last good frame is drawn shifted/scaled to the current view, so the
// window never waits for a render.
#include <QImage>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>
#include <QWidget>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/geometry.h"
#include "model/support/feedback.h"
#include "render/legend.h"
#include "render/map_document.h"
#include "render/map_settings.h"

namespace gridatlas::storage {
class LayerCache;
class ProviderPool;
}

namespace gridatlas::app {

/// A view: centre and ground metres per (logical) pixel.
struct View {
    model::Vec2 center;
    double metresPerPixel = 1.0;
    friend bool operator==(const View&, const View&) = default;
};

class MapTool;

class MapCanvas : public QWidget {
    Q_OBJECT
public:
    explicit MapCanvas(QWidget* parent = nullptr);
    MapCanvas(const MapCanvas&) = delete;
    MapCanvas& operator=(const MapCanvas&) = delete;
    MapCanvas(MapCanvas&&) = delete;
    MapCanvas& operator=(MapCanvas&&) = delete;
    ~MapCanvas() override;

    /// Shows `doc` over the atlas at `atlasPath`; zooms to the document's extent.
    void setMap(const std::string& atlasPath, std::shared_ptr<const render::MapDocument> doc, const model::Rect& fullExtent,
                const std::string& datasetName, int srid);
    /// Drops the in-memory layers (after the atlas changed) and redraws.
    void reloadData();
    /// True when frames read the atlas view by view (a city on PostGIS: storage::readByView)
    /// instead of from the in-memory layers; households, units and buildings then show from
    /// 1:kDetailScale in, grids from 1:kGridScale in (a city's ten million points are not a picture at its full extent).
    [[nodiscard]] bool readsByView() const { return m_byView; }
    static constexpr double kDetailScale = 25000.0;
    /// ... and grids from 1:kGridScale in (a city has tens of thousands).
    static constexpr double kGridScale = 100000.0;
    /// Households beyond which a PostGIS atlas is read by view (storage::kReadByViewHouseholds;
    /// tests lower it to read a small atlas so).
    static void setReadByViewThreshold(std::int64_t households);
    /// The in-memory layers of the shown atlas (shared with render workers); null before an atlas is open.
    [[nodiscard]] std::shared_ptr<storage::LayerCache> layerCache() const { return m_cache; }
    /// Replaces the document (e.g. a layer toggled) keeping the view.
    void setDocument(std::shared_ptr<const render::MapDocument> doc);
    [[nodiscard]] std::shared_ptr<const render::MapDocument> document() const { return m_doc; }
    [[nodiscard]] bool hasMap() const { return m_doc != nullptr; }

    [[nodiscard]] View view() const { return m_view; }
    void setView(const View& v, bool recordHistory = true);
    [[nodiscard]] model::Rect visibleExtent() const;
    void zoomToRect(const model::Rect& r);
    void zoomFull();
    void zoomBy(double factor, QPointF anchor);
    void zoomIn() { zoomBy(0.5, rect().center()); }
    void zoomOut() { zoomBy(2.0, rect().center()); }
    void panByPixels(QPointF delta);
    bool previousView();
    bool nextView();
    /// 1:N on screen, assuming the screen's logical DPI.
    [[nodiscard]] double scaleDenominator() const;
    void setScaleDenominator(double n);

    [[nodiscard]] model::Vec2 toMap(QPointF px) const;
    [[nodiscard]] QPointF toPixel(model::Vec2 p) const;

    /// The generation of the frame shown and of the newest render started (tests wait on them).
    [[nodiscard]] quint64 shownGeneration() const { return m_shownGeneration; }
    [[nodiscard]] quint64 requestedGeneration() const { return m_generation; }
    [[nodiscard]] int cancelledRenders() const { return m_cancelledRenders; }
    [[nodiscard]] const QImage& frame() const { return m_frame; }
    [[nodiscard]] bool isRendering() const { return m_running > 0; }
    /// Makes every render wait this long (polling its cancel flag) before drawing: lets tests
    /// change the view while a render is surely running.
    void setRenderDelayForTesting(int ms) { m_testDelayMs = ms; }
    /// The legend of the frame on screen (the styles' classes that drew something).
    [[nodiscard]] const std::vector<render::LegendGroup>& legend() const { return m_legend; }
    /// Labels placed in the frame on screen, in logical pixels of that frame.
    [[nodiscard]] const std::vector<render::PlacedLabel>& placedLabels() const { return m_labels; }
    /// The tool that takes mouse and keys first (null: pan/zoom/identify only). The canvas does
    /// not own it.
    void setTool(MapTool* tool);
    [[nodiscard]] MapTool* tool() const { return m_tool; }
    /// Outlines a selected feature's box over the map (an empty rect clears it).
    void setHighlight(const model::Rect& r);
    [[nodiscard]] const model::Rect& highlight() const { return m_highlight; }

signals:
    void viewChanged();
    void cursorMoved(double x, double y);
    void renderStarted();
    void renderFinished(int milliseconds, QStringList errors);
    void renderCancelled();
    void legendChanged();
    /// A new map or document was set (layers toggled, reordered, restyled; another atlas).
    void documentChanged();
    /// A click without a drag, in map coordinates.
    void clicked(double x, double y);
    /// A double click, in map coordinates; a receiver that acts on it sets *handled (else the
    /// map zooms in there).
    void doubleClicked(double x, double y, bool* handled);

protected:
    void paintEvent(QPaintEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    void scheduleRender();
    void startRender();
    struct Frame {
        QImage image;
        std::shared_ptr<const render::MapSettings> settings; ///< keeps the styles the legend points into
        std::vector<render::LegendGroup> legend;
        std::vector<render::PlacedLabel> labels;
    };
    void onRenderDone(quint64 generation, std::shared_ptr<Frame> frame, View view, QSize size, int ms, QStringList errors, bool cancelled);

    std::string m_atlasPath;
    MapTool* m_tool = nullptr;
    std::shared_ptr<const render::MapDocument> m_doc;
    model::Rect m_fullExtent;
    View m_view;
    std::vector<View> m_back;
    std::vector<View> m_forward;

    QImage m_frame;        ///< last good frame
    std::shared_ptr<const render::MapSettings> m_frameSettings;
    std::vector<render::LegendGroup> m_legend;
    std::vector<render::PlacedLabel> m_labels;
    View m_frameView;      ///< the view it shows
    QSize m_frameSize;     ///< in logical pixels
    QThreadPool m_pool;
    QTimer m_renderTimer;
    std::shared_ptr<Feedback> m_feedback; ///< of the running render
    quint64 m_generation = 0;
    quint64 m_shownGeneration = 0;
    int m_running = 0;
    int m_cancelledRenders = 0;
    std::string m_datasetName;
    int m_srid = 0;
    std::shared_ptr<storage::LayerCache> m_cache;
    bool m_byView = false;
    std::shared_ptr<storage::ProviderPool> m_providers; ///< by-view frames' connections
    std::atomic<int> m_testDelayMs{0};

    enum class Drag { None, Pan, RubberBand };
    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    QPointF m_lastPos;
    View m_pressView;
    QRectF m_rubberBand;
    model::Rect m_highlight;
};

} // namespace gridatlas::app
