// gridatlas-bench-render: times the viewer's renderer on an atlas as the viewer uses it
// (in-memory layer cache, one worker, a QImage at screen size). Prints one JSON object.
//
//   gridatlas-bench-render ATLAS MAP [--size 1920x1080] [--repeat 5] [--out DIR] [--only full|km1|pan]
//
// open_to_first_frame_s: cache creation, extent, and the first full-extent frame (cold);
// full_s / km1_s / pan_s: medians over --repeat warm renders of the full extent, a 1 km wide
// view at the centre, and that view shifted by 10% (a pan step); peak_rss_mib: whole process.
// --only VIEW repeats just that view (for profiling one view: perf record, callgrind); the
// other views then report 0.
//
//   gridatlas-bench-render ATLAS MAP --direct --view XMIN,YMIN,XMAX,YMAX [--size WxH] [--repeat 5] [--out DIR]
//
// --direct renders one view as the viewer does on an atlas too big to hold in memory (a city on
// PostGIS): every frame reads its features from the database by bounding box (AtlasProvider, the
// summary views, GiST / R*Tree), with no layer cache, one read per source and box in a frame
// (AtlasProvider::setViewMemo; GRIDATLAS_BENCH_NO_MEMO=1: one per layer). view_first_s is the first frame (cold
// statements), view_s / view_min_s the median / fastest of --repeat more; drawn counts features.
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/map_settings.h"
#include "storage/atlas.h"
#include "storage/layer_cache.h"

using namespace gridatlas;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

std::size_t g_drawn = 0; // features drawn by the last render (diagnostics)

double renderOnce(const render::MapDocument& doc, model::SourceProvider& provider, const model::Rect& extent, QSize size,
                  const std::string& savePng, bool labels = true) {
    const auto t0 = Clock::now();
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        render::MapSettings settings = render::makeMapSettings(doc, extent, size, 96.0, false);
        settings.labels = labels;
        const render::RenderResult r = render::renderMap(settings, provider, painter, nullptr);
        for (const auto& e : r.errors) std::fprintf(stderr, "layer %s: %s\n", e.layer.c_str(), e.message.c_str());
        g_drawn = 0;
        for (const auto& l : r.layers) g_drawn += l.drawn;
    }
    const double s = seconds(t0, Clock::now());
    if (!savePng.empty()) image.save(QString::fromStdString(savePng));
    return s;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s ATLAS MAP [--size WxH] [--repeat N] [--out DIR] [--only full|km1|pan]\n", argv[0]);
        return 2;
    }
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
    int qargc = 1;
    QGuiApplication app(qargc, argv);
    const std::string atlasPath = argv[1], mapPath = argv[2];
    QSize size(1920, 1080);
    int repeat = 5;
    std::string outDir, only;
    bool direct = false;
    std::optional<model::Rect> view;
    for (int i = 3; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--direct")) {
            direct = true;
            continue;
        }
        if (i + 1 >= argc) break;
        if (!std::strcmp(argv[i], "--view")) {
            model::Rect r;
            if (std::sscanf(argv[i + 1], "%lf,%lf,%lf,%lf", &r.xmin, &r.ymin, &r.xmax, &r.ymax) == 4) view = r;
        } else if (!std::strcmp(argv[i], "--size")) std::sscanf(argv[i + 1], "%dx%d", &size.rwidth(), &size.rheight());
        else if (!std::strcmp(argv[i], "--repeat")) repeat = std::max(1, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--out")) outDir = argv[i + 1];
        else if (!std::strcmp(argv[i], "--only")) only = argv[i + 1];
        ++i;
    }
    try {
        const render::MapDocument doc = render::loadMapDocument(mapPath);
        if (direct) {
            if (!view) throw std::runtime_error("--direct needs --view XMIN,YMIN,XMAX,YMAX");
            const auto t0 = Clock::now();
            storage::AtlasProvider provider(atlasPath);
            // As the viewer's frames: one read per source and box (GRIDATLAS_BENCH_NO_MEMO: one per layer).
            provider.setViewMemo(!std::getenv("GRIDATLAS_BENCH_NO_MEMO"));
            const double open = seconds(t0, Clock::now());
            auto frame = [&](const render::MapDocument& d, const std::string& png) {
                provider.beginFrame();
                return renderOnce(d, provider, *view, size, png);
            };
            const double first = frame(doc, outDir.empty() ? "" : outDir + "/view.png");
            if (std::getenv("GRIDATLAS_BENCH_PER_LAYER")) {
                for (const auto& l : doc.layers) {
                    render::MapDocument one = doc;
                    one.layers.assign(1, l);
                    std::vector<double> t;
                    for (int i = 0; i < repeat; ++i) t.push_back(frame(one, ""));
                    std::fprintf(stderr, "layer %-18s %6zu drawn %7.2f ms\n", l.name.c_str(), g_drawn, median(t) * 1e3);
                }
            }
            std::vector<double> t;
            for (int i = 0; i < repeat; ++i) t.push_back(frame(doc, ""));
            rusage ru{};
            getrusage(RUSAGE_SELF, &ru);
            std::printf("{\"atlas\": \"%s\", \"size\": \"%dx%d\", \"open_s\": %.4f, \"view_first_s\": %.4f, \"view_s\": %.4f, "
                        "\"view_min_s\": %.4f, \"drawn\": %zu, \"peak_rss_mib\": %.1f}\n",
                        atlasPath.c_str(), size.width(), size.height(), open, first, median(t), *std::min_element(t.begin(), t.end()),
                        g_drawn, ru.ru_maxrss / 1024.0);
            return 0;
        }
        if (std::getenv("GRIDATLAS_BENCH_LAYERS")) {
            // Diagnostics: each layer's load on its own.
            auto atlas = storage::Atlas::open(atlasPath, storage::OpenMode::ReadOnly);
            for (const auto& layer : storage::Atlas::layerNames()) {
                const auto a = Clock::now();
                auto snap = storage::loadLayerSnapshot(*atlas, layer);
                std::fprintf(stderr, "load %-14s %8zu features %7.3f s %7.1f MiB\n", layer.c_str(), snap->size(), seconds(a, Clock::now()),
                             snap->memoryBytes() / 1048576.0);
            }
        }
        const auto t0 = Clock::now();
        auto cache = std::make_shared<storage::LayerCache>(atlasPath);
        if (!std::getenv("GRIDATLAS_NO_PREFETCH")) cache->prefetch(doc.visibleSources()); // as the viewer does
        int srid = 0;
        std::string name;
        model::Rect full;
        {
            storage::AtlasProvider direct(atlasPath);
            srid = direct.srid();
            name = direct.datasetName();
            storage::CachedAtlasProvider cached(cache, name, srid);
            full = render::resolveExtent(doc, cached);
        }
        storage::CachedAtlasProvider provider(cache, name, srid);
        renderOnce(doc, provider, full, size, outDir.empty() ? "" : outDir + "/full.png");
        const double openToFirst = seconds(t0, Clock::now());

        const model::Vec2 c = full.center();
        const double halfW = 500.0, halfH = 500.0 * size.height() / size.width();
        const model::Rect km1{c.x - halfW, c.y - halfH, c.x + halfW, c.y + halfH};
        const model::Rect panned{km1.xmin + 100, km1.ymin, km1.xmax + 100, km1.ymax};
        if (std::getenv("GRIDATLAS_BENCH_PER_LAYER")) {
            // Diagnostics: the 1 km view with one layer at a time (labels included), medians.
            for (const auto& l : doc.layers) {
                render::MapDocument one = doc;
                one.layers.clear();
                one.layers.push_back(l);
                std::vector<double> t, u;
                for (int i = 0; i < repeat; ++i) {
                    t.push_back(renderOnce(one, provider, km1, size, ""));
                    u.push_back(renderOnce(one, provider, km1, size, "", false));
                }
                std::fprintf(stderr, "km1 layer %-18s %6zu drawn %7.2f ms (min %.2f), without labels %7.2f ms (min %.2f)\n",
                             l.name.c_str(), g_drawn, median(t) * 1e3, *std::min_element(t.begin(), t.end()) * 1e3, median(u) * 1e3,
                             *std::min_element(u.begin(), u.end()) * 1e3);
            }
            render::MapDocument none = doc;
            none.layers.clear();
            std::vector<double> t;
            for (int i = 0; i < repeat; ++i) t.push_back(renderOnce(none, provider, km1, size, ""));
            std::fprintf(stderr, "km1 no layers          %7.2f ms (min %.2f)\n", median(t) * 1e3, *std::min_element(t.begin(), t.end()) * 1e3);
        }
        std::vector<double> fullT, kmT, panT;
        renderOnce(doc, provider, km1, size, outDir.empty() ? "" : outDir + "/km1.png");
        for (int i = 0; i < repeat; ++i) {
            if (only.empty() || only == "full") fullT.push_back(renderOnce(doc, provider, full, size, ""));
            if (only.empty() || only == "km1") kmT.push_back(renderOnce(doc, provider, km1, size, ""));
            if (only.empty() || only == "pan") panT.push_back(renderOnce(doc, provider, panned, size, ""));
        }
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        auto minOf = [](const std::vector<double>& v) { return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end()); };
        std::printf("{\"atlas\": \"%s\", \"size\": \"%dx%d\", \"open_to_first_frame_s\": %.3f, \"full_s\": %.4f, \"km1_s\": %.4f, "
                    "\"pan_s\": %.4f, \"pan_fps\": %.1f, \"full_min_s\": %.4f, \"km1_min_s\": %.4f, \"pan_min_s\": %.4f, "
                    "\"cache_mib\": %.1f, \"peak_rss_mib\": %.1f}\n",
                    atlasPath.c_str(), size.width(), size.height(), openToFirst, median(fullT), median(kmT), median(panT),
                    1.0 / std::max(1e-9, median(panT)), minOf(fullT), minOf(kmT), minOf(panT), cache->memoryBytes() / 1048576.0,
                    ru.ru_maxrss / 1024.0);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gridatlas-bench-render: %s\n", e.what());
        return 1;
    }
}
