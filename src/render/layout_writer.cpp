#include "render/layout_writer.h"

#include <QBuffer>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <png.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "model/support/error.h"
#include "render/pdf_text_fix.h"
#include "render/units.h"

namespace gridatlas::render {

namespace fs = std::filesystem;

namespace {

constexpr double kVectorDpi = 300.0;

bool isFolder(const std::string& path) {
    std::error_code ec;
    return (!path.empty() && path.back() == '/') || fs::is_directory(path, ec);
}

bool hasPattern(const std::string& path) {
    return path.find("{name}") != std::string::npos || path.find("{n}") != std::string::npos;
}

const char* extensionOf(OutputFormat f) {
    switch (f) {
    case OutputFormat::Png: return "png";
    case OutputFormat::Pdf: return "pdf";
    case OutputFormat::Svg: return "svg";
    }
    return "pdf";
}

/// A page name safe as a file name (no folders, no control characters).
std::string safeName(const std::string& name) {
    std::string out;
    for (unsigned char c : name) out += (c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?') ? '_' : static_cast<char>(c);
    return out.empty() ? "page" : out;
}

void checkLayers(const LayoutPageResult& r, const LayoutOptions& options, const std::string& pageName) {
    if (options.allowLayerErrors || r.errors.empty()) return;
    std::string msg = "page '" + pageName + "' is incomplete: ";
    for (std::size_t i = 0; i < r.errors.size(); ++i)
        msg += (i ? "; " : "") + std::string("layer '") + r.errors[i].layer + "': " + r.errors[i].message;
    throw RenderError(msg);
}

void commit(QSaveFile& out, const QByteArray& bytes, const std::string& path) {
    if (out.write(bytes) != bytes.size() || !out.commit()) throw RenderError("cannot write '" + path + "': " + out.errorString().toStdString());
}

QSaveFile& openOut(QSaveFile& out, const std::string& path) {
    out.setFileName(QString::fromStdString(path));
    if (const auto dir = fs::path(path).parent_path(); !dir.empty()) {
        std::error_code ec;
        fs::create_directories(dir, ec);
    }
    if (!out.open(QIODevice::WriteOnly)) throw RenderError("cannot write '" + path + "': " + out.errorString().toStdString());
    return out;
}

void setupPdf(QPdfWriter& pdf, const LayoutPage& page) {
    pdf.setCreator(QStringLiteral("GridAtlas"));
    pdf.setResolution(static_cast<int>(kVectorDpi));
    pdf.setPageLayout(QPageLayout(QPageSize(page.sizeMm, QPageSize::Millimeter), QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
}

/// libpng writing into a QIODevice, row by row.
class PngStream {
public:
    PngStream(QIODevice& out, const QSize& size, double dpi) : m_out(out) {
        m_png = png_create_write_struct(PNG_LIBPNG_VER_STRING, this, &PngStream::onError, nullptr);
        if (!m_png) throw RenderError("cannot start a PNG encoder");
        m_info = png_create_info_struct(m_png);
        png_set_write_fn(m_png, this, &PngStream::onWrite, &PngStream::onFlush);
        if (setjmp(png_jmpbuf(m_png))) throw RenderError("PNG encoder failed: " + m_error);
        png_set_IHDR(m_png, m_info, static_cast<png_uint_32>(size.width()), static_cast<png_uint_32>(size.height()), 8, PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        const auto dpm = static_cast<png_uint_32>(std::lround(dpi / kMmPerInch * 1000.0));
        png_set_pHYs(m_png, m_info, dpm, dpm, PNG_RESOLUTION_METER);
        png_set_compression_level(m_png, 6);
        png_write_info(m_png, m_info);
        m_row.resize(static_cast<std::size_t>(size.width()) * 3);
    }
    PngStream(const PngStream&) = delete;
    PngStream& operator=(const PngStream&) = delete;
    ~PngStream() { png_destroy_write_struct(&m_png, &m_info); }

    void writeRows(const QImage& band, int rows) {
        if (setjmp(png_jmpbuf(m_png))) throw RenderError("PNG encoder failed: " + m_error);
        for (int y = 0; y < rows; ++y) {
            const auto* src = reinterpret_cast<const QRgb*>(band.constScanLine(y));
            for (int x = 0; x < band.width(); ++x) {
                m_row[static_cast<std::size_t>(x) * 3] = static_cast<png_byte>(qRed(src[x]));
                m_row[static_cast<std::size_t>(x) * 3 + 1] = static_cast<png_byte>(qGreen(src[x]));
                m_row[static_cast<std::size_t>(x) * 3 + 2] = static_cast<png_byte>(qBlue(src[x]));
            }
            png_write_row(m_png, m_row.data());
        }
    }
    void finish() {
        if (setjmp(png_jmpbuf(m_png))) throw RenderError("PNG encoder failed: " + m_error);
        png_write_end(m_png, nullptr);
        if (m_failed) throw RenderError("cannot write the PNG");
    }

private:
    static void onError(png_structp png, png_const_charp msg) {
        static_cast<PngStream*>(png_get_error_ptr(png))->m_error = msg;
        png_longjmp(png, 1);
    }
    static void onWrite(png_structp png, png_bytep data, png_size_t n) {
        auto* self = static_cast<PngStream*>(png_get_io_ptr(png));
        if (self->m_out.write(reinterpret_cast<const char*>(data), static_cast<qint64>(n)) != static_cast<qint64>(n)) self->m_failed = true;
    }
    static void onFlush(png_structp) {}

    QIODevice& m_out;
    png_structp m_png = nullptr;
    png_infop m_info = nullptr;
    std::vector<png_byte> m_row;
    std::string m_error;
    bool m_failed = false;
};

/// A page feedback that follows the batch's cancel and leaves the batch's progress alone.
class PageFeedback {
public:
    explicit PageFeedback(Feedback* outer) {
        if (!outer) return;
        m_inner.setProgressCallback([this, outer](double, const std::string&) {
            if (outer->isCancelled()) m_inner.cancel();
        });
        if (outer->isCancelled()) m_inner.cancel();
    }
    Feedback* get() { return &m_inner; }

private:
    Feedback m_inner;
};

class Writer {
public:
    Writer(const Layout& layout, LayoutPageSource& pages, model::SourceProvider& provider, const LayoutOutput& out,
           const LayoutOptions& options, Feedback* feedback)
        : m_layout(layout), m_pages(pages), m_provider(provider), m_out(out), m_options(options), m_feedback(feedback) {}

    LayoutWriteResult run() {
        const std::size_t n = m_pages.count();
        if (n == 0) throw InputError("the layout has no pages to print (no " + std::string(layoutEachName(m_layout.each)) + " in the atlas)");
        m_result.page = resolveLayoutPage(m_layout, m_options);
        m_result.pages = n;
        const bool perPage = isFolder(m_out.path) || hasPattern(m_out.path);
        if (!perPage) {
            const OutputFormat f = outputFormatOf(m_out.path);
            if (f != OutputFormat::Pdf && n > 1)
                throw InputError("output '" + m_out.path + "': a " + extensionOf(f) + " file holds one page, the layout has " +
                                 std::to_string(n) + " (use a .pdf, a {name} pattern such as out/{name}." + extensionOf(f) + ", or a folder)");
            if (f == OutputFormat::Pdf) {
                writePdf(m_out.path, 0, n);
                return std::move(m_result);
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            const std::string path = perPage ? std::string() : m_out.path;
            writeOne(path, i, n);
        }
        return std::move(m_result);
    }

private:
    LayoutPageData pageData(std::size_t i, std::size_t n) {
        if (m_feedback) m_feedback->throwIfCancelled();
        LayoutPageData d = m_pages.page(i);
        d.fields["page"] = std::to_string(i + 1);
        d.fields["pages"] = std::to_string(n);
        if (m_feedback) m_feedback->setProgress(100.0 * static_cast<double>(i) / static_cast<double>(n), "page " + std::to_string(i + 1) + "/" + std::to_string(n) + " " + d.name);
        return d;
    }

    LayoutPageResult paint(const LayoutPageData& d, QPainter& painter, const LayoutPage& page) {
        PageFeedback pf(m_feedback);
        auto r = paintLayoutPage(m_layout, d, m_provider, painter, page, m_options, m_feedback ? pf.get() : nullptr);
        checkLayers(r, m_options, d.name);
        return r;
    }

    void keep(LayoutPageResult r) {
        if (m_result.first.empty()) m_result.first.push_back(std::move(r));
    }

    void writePdf(const std::string& path, std::size_t from, std::size_t to) {
        QSaveFile file;
        openOut(file, path);
        LayoutPage page = m_result.page;
        page.dpi = kVectorDpi;
        QByteArray bytes;
        {
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            QPdfWriter pdf(&buffer);
            setupPdf(pdf, page);
            QPainter painter;
            if (!painter.begin(&pdf)) throw RenderError("cannot start the PDF for '" + path + "'");
            for (std::size_t i = from; i < to; ++i) {
                const LayoutPageData d = pageData(i, m_result.pages);
                if (i > from) pdf.newPage();
                auto r = paint(d, painter, page);
                if (i == from) pdf.setTitle(r.title);
                keep(std::move(r));
            }
            painter.end();
        }
        fixPdfToUnicode(bytes);
        commit(file, bytes, path);
        m_result.files.push_back(path);
    }

    void writeOne(std::string path, std::size_t i, std::size_t n) {
        const LayoutPageData d = pageData(i, n);
        if (path.empty()) path = layoutPagePath(m_out, i, n, d.name);
        const OutputFormat format = outputFormatOf(path);
        QSaveFile file;
        openOut(file, path);
        QByteArray bytes;
        if (format == OutputFormat::Png) {
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            writePng(d, buffer, path);
        } else if (format == OutputFormat::Pdf) {
            LayoutPage page = m_result.page;
            page.dpi = kVectorDpi;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            {
                QPdfWriter pdf(&buffer);
                setupPdf(pdf, page);
                QPainter painter;
                if (!painter.begin(&pdf)) throw RenderError("cannot start the PDF for '" + path + "'");
                auto r = paint(d, painter, page);
                pdf.setTitle(r.title);
                keep(std::move(r));
                painter.end();
            }
            fixPdfToUnicode(bytes);
        } else {
            LayoutPage page = m_result.page;
            page.dpi = kVectorDpi;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            QSvgGenerator svg;
            svg.setOutputDevice(&buffer);
            svg.setResolution(static_cast<int>(kVectorDpi));
            svg.setSize(page.sizePx());
            svg.setViewBox(QRect(QPoint(0, 0), page.sizePx()));
            svg.setTitle(QString::fromStdString(d.name));
            svg.setDescription(QStringLiteral("GridAtlas layout ") + QString::fromStdString(m_layout.name));
            QPainter painter;
            if (!painter.begin(&svg)) throw RenderError("cannot start the SVG for '" + path + "'");
            keep(paint(d, painter, page));
            painter.end();
        }
        commit(file, bytes, path);
        m_result.files.push_back(path);
    }

    void writePng(const LayoutPageData& d, QIODevice& out, const std::string& path) {
        const LayoutPage& page = m_result.page;
        const QSize size = page.sizePx();
        const int dpm = static_cast<int>(std::lround(page.dpi / kMmPerInch * 1000.0));
        const long long pixels = static_cast<long long>(size.width()) * size.height();
        const int bandH = pixels <= kLayoutPngBandPixels ? size.height()
                                                          : std::max(64, static_cast<int>(kLayoutPngBandPixels / std::max(1, size.width())));
        m_result.bands = static_cast<std::size_t>((size.height() + bandH - 1) / bandH);
        QImage band(size.width(), bandH, QImage::Format_RGB32);
        if (band.isNull())
            throw RenderError("cannot allocate a " + std::to_string(size.width()) + "x" + std::to_string(bandH) + " pixel image for '" + path +
                              "' (lower --dpi)");
        band.setDotsPerMeterX(dpm);
        band.setDotsPerMeterY(dpm);
        if (m_result.bands == 1) {
            band.fill(Qt::white);
            {
                QPainter painter(&band);
                keep(paint(d, painter, page));
            }
            if (!band.save(&out, "PNG")) throw RenderError("cannot encode the PNG for '" + path + "'");
            return;
        }
        PngStream png(out, size, page.dpi);
        for (int top = 0; top < size.height(); top += bandH) {
            band.fill(Qt::white);
            {
                QPainter painter(&band);
                painter.translate(0, -top);
                painter.setClipRect(QRect(0, top, size.width(), bandH));
                keep(paint(d, painter, page));
            }
            png.writeRows(band, std::min(bandH, size.height() - top));
        }
        png.finish();
    }

    const Layout& m_layout;
    LayoutPageSource& m_pages;
    model::SourceProvider& m_provider;
    const LayoutOutput& m_out;
    const LayoutOptions& m_options;
    Feedback* m_feedback;
    LayoutWriteResult m_result;
};

} // namespace

std::string layoutPagePath(const LayoutOutput& out, std::size_t index, std::size_t count, const std::string& name) {
    const int digits = std::max(2, static_cast<int>(std::to_string(count).size()));
    std::string number = std::to_string(index + 1);
    number.insert(0, static_cast<std::size_t>(std::max(0, digits - static_cast<int>(number.size()))), '0');
    if (hasPattern(out.path)) {
        std::string p = out.path;
        for (const auto& [key, value] : {std::pair<std::string, std::string>{"{name}", safeName(name)}, {"{n}", number}})
            for (std::size_t at; (at = p.find(key)) != std::string::npos;) p.replace(at, key.size(), value);
        return p;
    }
    return (fs::path(out.path) / (number + "-" + safeName(name) + "." + extensionOf(out.folderFormat))).string();
}

LayoutWriteResult writeLayout(const Layout& layout, LayoutPageSource& pages, model::SourceProvider& provider, const LayoutOutput& out,
                              const LayoutOptions& options, Feedback* feedback) {
    return Writer(layout, pages, provider, out, options, feedback).run();
}

} // namespace gridatlas::render
