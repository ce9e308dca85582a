#include "app/map_canvas.h"

#include "app/map_tool.h"

#include <QElapsedTimer>
#include <QThread>
#include <QKeyEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>

#include "model/support/error.h"
#include "render/map_renderer.h"
#include "render/map_settings.h"
#include "storage/atlas.h"
#include "storage/engine.h"
#include "storage/gdal_raster.h"
#include "storage/layer_cache.h"

namespace gridatlas::app {

namespace {

constexpr double kMinMetresPerPixel = 0.005;
constexpr double kMaxMetresPerPixel = 5000.0;

} // namespace

namespace {
std::atomic<std::int64_t> g_readByViewThreshold{storage::kReadByViewHouseholds};
}

MapCanvas::MapCanvas(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
    // One worker: a new render cancels the old one, so more threads would only contend.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(0);
    connect(&m_renderTimer, &QTimer::timeout, this, &MapCanvas::startRender);
}

MapCanvas::~MapCanvas() {
    if (m_feedback) m_feedback->cancel();
    m_pool.waitForDone();
}

void MapCanvas::setMap(const std::string& atlasPath, std::shared_ptr<const render::MapDocument> doc,
                       const model::Rect& fullExtent, const std::string& datasetName, int srid) {
    m_atlasPath = atlasPath;
    m_datasetName = datasetName;
    m_srid = srid;
    // Layers are read once into memory, on the worker, and shared by every later frame; a city
    // on PostGIS is read view by view instead.
    m_cache = std::make_shared<storage::LayerCache>(atlasPath);
    m_byView = false;
    m_providers.reset();
    if (storage::isPostgresLocation(atlasPath)) {
        auto probe = std::make_unique<storage::AtlasProvider>(atlasPath);
        m_byView = storage::readByView(probe->atlas(), g_readByViewThreshold.load());
        m_providers = std::make_shared<storage::ProviderPool>(atlasPath);
        m_providers->release(std::move(probe)); // the first frame reuses its connection
    }
    // Every visible layer starts loading at once, in parallel with the census; the first frame
    // then waits only for the slowest of them.
    if (doc && !m_byView) m_cache->prefetch(doc->visibleSources());
    m_doc = std::move(doc);
    m_fullExtent = fullExtent;
    m_back.clear();
    m_forward.clear();
    m_frame = QImage();
    emit documentChanged();
    zoomToRect(fullExtent);
}

void MapCanvas::setReadByViewThreshold(std::int64_t households) { g_readByViewThreshold = households; }

void MapCanvas::reloadData() {
    if (m_cache) m_cache->clear(); // (by view: only what docks loaded; frames read afresh anyway)
    scheduleRender();
}

void MapCanvas::setDocument(std::shared_ptr<const render::MapDocument> doc) {
    m_doc = std::move(doc);
    emit documentChanged();
    scheduleRender();
}

model::Rect MapCanvas::visibleExtent() const {
    const double hw = width() * m_view.metresPerPixel / 2, hh = height() * m_view.metresPerPixel / 2;
    return model::Rect{m_view.center.x - hw, m_view.center.y - hh, m_view.center.x + hw, m_view.center.y + hh};
}

model::Vec2 MapCanvas::toMap(QPointF px) const {
    return {m_view.center.x + (px.x() - width() / 2.0) * m_view.metresPerPixel,
            m_view.center.y - (px.y() - height() / 2.0) * m_view.metresPerPixel};
}

QPointF MapCanvas::toPixel(model::Vec2 p) const {
    return {width() / 2.0 + (p.x - m_view.center.x) / m_view.metresPerPixel,
            height() / 2.0 - (p.y - m_view.center.y) / m_view.metresPerPixel};
}

void MapCanvas::setView(const View& v, bool recordHistory) {
    View clamped = v;
    clamped.metresPerPixel = std::clamp(v.metresPerPixel, kMinMetresPerPixel, kMaxMetresPerPixel);
    if (clamped == m_view) return;
    if (recordHistory) {
        m_back.push_back(m_view);
        if (m_back.size() > 100) m_back.erase(m_back.begin());
        m_forward.clear();
    }
    m_view = clamped;
    emit viewChanged();
    update();
    scheduleRender();
}

void MapCanvas::zoomToRect(const model::Rect& r) {
    if (r.isEmpty() || width() <= 0 || height() <= 0) return;
    const double mpp = std::max(r.width() / std::max(1, width()), r.height() / std::max(1, height()));
    setView(View{r.center(), mpp > 0 ? mpp : 1.0});
}

void MapCanvas::zoomFull() { zoomToRect(m_fullExtent); }

void MapCanvas::zoomBy(double factor, QPointF anchor) {
    // Keep the map point under the anchor fixed.
    const model::Vec2 at = toMap(anchor);
    View v = m_view;
    v.metresPerPixel = std::clamp(m_view.metresPerPixel * factor, kMinMetresPerPixel, kMaxMetresPerPixel);
    const double k = v.metresPerPixel / m_view.metresPerPixel;
    v.center = {at.x + (m_view.center.x - at.x) * k, at.y + (m_view.center.y - at.y) * k};
    setView(v);
}

void MapCanvas::panByPixels(QPointF delta) {
    View v = m_view;
    v.center.x -= delta.x() * m_view.metresPerPixel;
    v.center.y += delta.y() * m_view.metresPerPixel;
    setView(v);
}

bool MapCanvas::previousView() {
    if (m_back.empty()) return false;
    m_forward.push_back(m_view);
    const View v = m_back.back();
    m_back.pop_back();
    setView(v, false);
    return true;
}

bool MapCanvas::nextView() {
    if (m_forward.empty()) return false;
    m_back.push_back(m_view);
    const View v = m_forward.back();
    m_forward.pop_back();
    setView(v, false);
    return true;
}

double MapCanvas::scaleDenominator() const {
    const double dpi = logicalDpiX() > 0 ? logicalDpiX() : 96.0;
    return m_view.metresPerPixel * dpi / 0.0254;
}

void MapCanvas::setScaleDenominator(double n) {
    if (!(n > 0)) return;
    const double dpi = logicalDpiX() > 0 ? logicalDpiX() : 96.0;
    View v = m_view;
    v.metresPerPixel = n * 0.0254 / dpi;
    setView(v);
}

void MapCanvas::scheduleRender() {
    if (!m_doc || m_atlasPath.empty()) return;
    // A new view supersedes the running render at once.
    if (m_feedback) m_feedback->cancel();
    m_renderTimer.start();
}

void MapCanvas::startRender() {
    if (!m_doc || width() <= 0 || height() <= 0) return;
    if (m_feedback) m_feedback->cancel();
    auto feedback = std::make_shared<Feedback>();
    m_feedback = feedback;
    const quint64 generation = ++m_generation;
    const double dpr = devicePixelRatioF();
    const QSize pixels(static_cast<int>(width() * dpr), static_cast<int>(height() * dpr));
    const double dpi = (logicalDpiX() > 0 ? logicalDpiX() : 96.0) * dpr;
    render::MapSettings made = render::makeMapSettings(*m_doc, visibleExtent(), pixels, dpi, /*reveal=*/false, &storage::openGdalRaster);
    if (m_byView) {
        for (auto& l : made.layers)
            if ((l.source == "households" || l.source == "units" || l.source == "buildings") && (l.maxScale <= 0 || l.maxScale > kDetailScale))
                l.maxScale = kDetailScale;
            else if (l.source == "grids" && (l.maxScale <= 0 || l.maxScale > kGridScale))
                l.maxScale = kGridScale;
    }
    auto settings = std::make_shared<const render::MapSettings>(std::move(made));
    const View view = m_view;
    const QSize size = this->size();
    const auto cache = m_cache;
    const auto providers = m_byView ? m_providers : nullptr;
    const std::string name = m_datasetName;
    const int srid = m_srid;
    ++m_running;
    emit renderStarted();
    const int delayMs = m_testDelayMs.load();
    m_pool.start([this, settings, feedback, generation, view, size, cache, providers, name, srid, dpr, delayMs]() {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < delayMs && !feedback->isCancelled()) QThread::msleep(5);
        auto frame = std::make_shared<Frame>();
        frame->settings = settings;
        frame->image = QImage(settings->outputSize, QImage::Format_ARGB32_Premultiplied);
        frame->image.setDevicePixelRatio(dpr);
        QStringList errors;
        bool cancelled = false;
        std::unique_ptr<storage::AtlasProvider> direct;
        try {
            if (feedback->isCancelled()) throw CancelledError();
            frame->image.fill(Qt::white);
            QPainter painter(&frame->image);
            painter.scale(1.0 / dpr, 1.0 / dpr); // the renderer works in device pixels
            std::unique_ptr<storage::CachedAtlasProvider> cached;
            model::SourceProvider* provider = nullptr;
            if (providers) {
                direct = providers->acquire();
                provider = direct.get();
            } else {
                cached = std::make_unique<storage::CachedAtlasProvider>(cache, name, srid);
                provider = cached.get();
            }
            const render::RenderResult result = render::renderMap(*settings, *provider, painter, feedback.get());
            if (direct) providers->release(std::move(direct)); // (dropped after an exception: it may be broken)
            for (const auto& e : result.errors) errors << QString::fromStdString(e.layer + ": " + e.message);
            frame->legend = render::buildLegend(*settings, result.layers);
            frame->labels = result.labels;
            for (auto& l : frame->labels) l.box = QRectF(l.box.topLeft() / dpr, l.box.size() / dpr);
        } catch (const CancelledError&) {
            cancelled = true;
            if (direct) providers->release(std::move(direct)); // a cancelled read leaves its connection usable
        } catch (const std::exception& e) {
            // Exceptions never die in a worker: the message goes to the status bar.
            errors << QString::fromUtf8(e.what());
        }
        const int ms = static_cast<int>(timer.elapsed());
        // The canvas waits for its pool in its destructor, so `this` outlives this call.
        QMetaObject::invokeMethod(
            this, [this, generation, frame, view, size, ms, errors, cancelled]() {
                onRenderDone(generation, frame, view, size, ms, errors, cancelled);
            },
            Qt::QueuedConnection);
    });
}

void MapCanvas::onRenderDone(quint64 generation, std::shared_ptr<Frame> frame, View view, QSize size, int ms, QStringList errors,
                             bool cancelled) {
    --m_running;
    if (cancelled) {
        ++m_cancelledRenders;
        emit renderCancelled();
        return;
    }
    if (generation < m_shownGeneration) return; // an older frame than the one shown
    m_frame = std::move(frame->image);
    m_frameSettings = frame->settings;
    m_legend = std::move(frame->legend);
    m_labels = std::move(frame->labels);
    m_frameView = view;
    m_frameSize = size;
    m_shownGeneration = generation;
    update();
    emit legendChanged();
    emit renderFinished(ms, errors);
}

void MapCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), m_doc ? QColor(m_doc->background) : palette().window().color());
    if (!m_frame.isNull()) {
        // Place the last frame where its view lies in the current one (pan shift and zoom scale).
        const double k = m_frameView.metresPerPixel / m_view.metresPerPixel;
        const model::Vec2 frameTopLeft{m_frameView.center.x - m_frameSize.width() / 2.0 * m_frameView.metresPerPixel,
                                       m_frameView.center.y + m_frameSize.height() / 2.0 * m_frameView.metresPerPixel};
        const QPointF topLeft = toPixel(frameTopLeft);
        const QRectF target(topLeft, QSizeF(m_frameSize.width() * k, m_frameSize.height() * k));
        p.setRenderHint(QPainter::SmoothPixmapTransform, k != 1.0);
        p.drawImage(target, m_frame);
    } else if (!m_doc) {
        p.setPen(palette().text().color());
        p.drawText(rect(), Qt::AlignCenter, tr("Open an atlas (File > Open Atlas) or drop a .sqlite file here"));
    }
    if (!m_highlight.isEmpty()) {
        const QRectF box = QRectF(toPixel({m_highlight.xmin, m_highlight.ymax}), toPixel({m_highlight.xmax, m_highlight.ymin}))
                               .adjusted(-4, -4, 4, 4);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(QColor(0, 200, 255), 3));
        p.setBrush(QColor(0, 200, 255, 40));
        p.drawRoundedRect(box, 3, 3);
    }
    if (m_tool) {
        p.save();
        m_tool->paint(*this, p);
        p.restore();
    }
    if (m_drag == Drag::RubberBand) {
        p.setPen(QPen(QColor(0, 90, 200), 1, Qt::DashLine));
        p.setBrush(QColor(0, 90, 200, 40));
        p.drawRect(m_rubberBand);
    }
}

void MapCanvas::resizeEvent(QResizeEvent*) { scheduleRender(); }

void MapCanvas::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0) return;
    zoomBy(std::pow(0.8, steps), e->position());
    e->accept();
}

void MapCanvas::setTool(MapTool* tool) {
    if (tool == m_tool) return;
    if (m_tool) m_tool->deactivated(*this);
    m_tool = tool;
    if (tool) connect(tool, &QObject::destroyed, this, [this, tool] {
        if (m_tool == tool) m_tool = nullptr;
    });
    update();
}

void MapCanvas::mousePressEvent(QMouseEvent* e) {
    if (m_tool && m_tool->mousePress(*this, e)) return;
    if (e->button() != Qt::LeftButton) return;
    m_pressPos = m_lastPos = e->position();
    m_pressView = m_view;
    m_drag = (e->modifiers() & Qt::ShiftModifier) ? Drag::RubberBand : Drag::Pan;
    m_rubberBand = QRectF(m_pressPos, m_pressPos);
    if (m_drag == Drag::Pan) setCursor(Qt::ClosedHandCursor);
}

void MapCanvas::mouseMoveEvent(QMouseEvent* e) {
    const model::Vec2 at = toMap(e->position());
    emit cursorMoved(at.x, at.y);
    if (m_drag == Drag::None && m_tool && m_tool->mouseMove(*this, e)) return;
    if (m_drag == Drag::Pan) {
        // Move the view without history; the release records one step.
        View v = m_view;
        const QPointF d = e->position() - m_lastPos;
        v.center.x -= d.x() * m_view.metresPerPixel;
        v.center.y += d.y() * m_view.metresPerPixel;
        m_lastPos = e->position();
        m_view = v;
        emit viewChanged();
        update();
        scheduleRender();
    } else if (m_drag == Drag::RubberBand) {
        m_rubberBand = QRectF(m_pressPos, e->position()).normalized();
        update();
    }
}

void MapCanvas::mouseReleaseEvent(QMouseEvent* e) {
    if (m_drag == Drag::None && m_tool && m_tool->mouseRelease(*this, e)) return;
    if (e->button() != Qt::LeftButton) return;
    const Drag drag = m_drag;
    m_drag = Drag::None;
    unsetCursor();
    if (drag == Drag::Pan && (e->position() - m_pressPos).manhattanLength() < 4) {
        // A click, not a pan: undo the sub-threshold shift and report it.
        m_view = m_pressView;
        const model::Vec2 at = toMap(e->position());
        emit clicked(at.x, at.y);
    } else if (drag == Drag::Pan && !(m_pressView == m_view)) {
        m_back.push_back(m_pressView);
        m_forward.clear();
    } else if (drag == Drag::RubberBand) {
        update();
        if (m_rubberBand.width() > 4 && m_rubberBand.height() > 4) {
            model::Rect r;
            r.expand(toMap(m_rubberBand.topLeft()));
            r.expand(toMap(m_rubberBand.bottomRight()));
            zoomToRect(r);
        }
    }
}

void MapCanvas::setHighlight(const model::Rect& r) {
    m_highlight = r;
    update();
}

void MapCanvas::mouseDoubleClickEvent(QMouseEvent* e) {
    if (m_tool && m_tool->mouseDoubleClick(*this, e)) return;
    bool handled = false;
    const model::Vec2 p = toMap(e->position());
    emit doubleClicked(p.x, p.y, &handled);
    if (!handled) zoomBy(0.5, e->position());
}

void MapCanvas::keyPressEvent(QKeyEvent* e) {
    if (m_tool && m_tool->keyPress(*this, e)) return;
    const double step = std::min(width(), height()) / 4.0;
    switch (e->key()) {
    case Qt::Key_Left: panByPixels({step, 0}); break;
    case Qt::Key_Right: panByPixels({-step, 0}); break;
    case Qt::Key_Up: panByPixels({0, step}); break;
    case Qt::Key_Down: panByPixels({0, -step}); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); break;
    case Qt::Key_Minus: zoomOut(); break;
    default: QWidget::keyPressEvent(e);
    }
}

} // namespace gridatlas::app
