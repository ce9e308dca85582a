#include "render/chart_writer.h"

#include <QBuffer>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "model/support/error.h"
#include "render/pdf_text_fix.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

constexpr double kVectorDpi = 300.0;

void checkLayers(const ChartResult& r, const ChartOptions& options) {
    if (options.allowLayerErrors || r.map.errors.empty()) return;
    std::string msg = "the chart is incomplete: ";
    for (std::size_t i = 0; i < r.map.errors.size(); ++i)
        msg += (i ? "; " : "") + std::string("layer '") + r.map.errors[i].layer + "': " + r.map.errors[i].message;
    throw RenderError(msg);
}

std::string describe(const QSaveFile& f) { return f.errorString().toStdString(); }

} // namespace

OutputFormat outputFormatOf(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".png") return OutputFormat::Png;
    if (ext == ".pdf") return OutputFormat::Pdf;
    if (ext == ".svg") return OutputFormat::Svg;
    throw InputError("output '" + path + "': unknown format '" + (ext.empty() ? std::string("(no extension)") : ext) +
                     "' (use .pdf, .png or .svg)");
}

ChartResult writeChart(const MapDocument& doc, model::SourceProvider& provider, const std::string& path,
                       const ChartOptions& options, Feedback* feedback) {
    const OutputFormat format = outputFormatOf(path);
    {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) throw RenderError("output '" + path + "' is a folder");
    }
    // Opened first so an unwritable place fails before the work; committed only at the end.
    QSaveFile out(QString::fromStdString(path));
    if (!out.open(QIODevice::WriteOnly)) throw RenderError("cannot write '" + path + "': " + describe(out));

    ChartPage page = resolvePage(doc, options);
    ChartResult result;
    QByteArray bytes;
    switch (format) {
    case OutputFormat::Png: {
        const QSize size = page.sizePx();
        // Opaque paper: RGB32 saves as-is, without a second full-page copy for the PNG.
        QImage image(size, QImage::Format_RGB32);
        if (image.isNull())
            throw RenderError("cannot allocate a " + std::to_string(size.width()) + "x" + std::to_string(size.height()) +
                              " pixel image for '" + path + "' (lower --dpi)");
        const int dpm = static_cast<int>(std::lround(page.dpi / kMmPerInch * 1000.0));
        image.setDotsPerMeterX(dpm);
        image.setDotsPerMeterY(dpm);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            result = renderChart(doc, provider, painter, page, options, feedback);
        }
        checkLayers(result, options);
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        if (!image.save(&buffer, "PNG"))
            throw RenderError("cannot encode the PNG for '" + path + "'");
        break;
    }
    case OutputFormat::Pdf: {
        page.dpi = kVectorDpi;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        {
            QPdfWriter pdf(&buffer);
            pdf.setCreator(QStringLiteral("GridAtlas"));
            const QPageSize size(page.size == PageSize::A4 ? QPageSize::A4 : QPageSize::A3);
            pdf.setPageLayout(QPageLayout(size, page.orientation == PageOrientation::Landscape ? QPageLayout::Landscape : QPageLayout::Portrait,
                                          QMarginsF(0, 0, 0, 0)));
            pdf.setResolution(static_cast<int>(kVectorDpi));
            QPainter painter;
            if (!painter.begin(&pdf)) throw RenderError("cannot start the PDF for '" + path + "'");
            result = renderChart(doc, provider, painter, page, options, feedback);
            pdf.setTitle(result.title);
            painter.end();
        }
        checkLayers(result, options);
        fixPdfToUnicode(bytes);
        break;
    }
    case OutputFormat::Svg: {
        page.dpi = kVectorDpi;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        {
            QSvgGenerator svg;
            svg.setOutputDevice(&buffer);
            svg.setResolution(static_cast<int>(kVectorDpi));
            svg.setSize(page.sizePx());
            svg.setViewBox(QRect(QPoint(0, 0), page.sizePx()));
            svg.setTitle(QString::fromStdString(doc.path));
            svg.setDescription(QStringLiteral("GridAtlas chart"));
            QPainter painter;
            if (!painter.begin(&svg)) throw RenderError("cannot start the SVG for '" + path + "'");
            result = renderChart(doc, provider, painter, page, options, feedback);
            painter.end();
        }
        checkLayers(result, options);
        break;
    }
    }
    if (out.write(bytes) != bytes.size()) throw RenderError("cannot write '" + path + "': " + describe(out));
    if (!out.commit()) throw RenderError("cannot write '" + path + "': " + describe(out));
    return result;
}

} // namespace gridatlas::render
