#pragma once
// Writing layout pages to files: one multi-page PDF, or one PDF/PNG/SVG per page (a {name} or
// {n} pattern, or a folder). PDF and SVG are vector with the CJK text as text; PNG is drawn at
// the asked dpi, in bands of rows streamed to the file when the page is large (A0 at 600 dpi
// is 560 million pixels), so memory stays at a few hundred MB. Files go through QSaveFile:
// a failed or cancelled run leaves no partial file behind.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/feature.h"
#include "model/support/feedback.h"
#include "render/chart_writer.h"
#include "render/layout.h"

namespace gridatlas::render {

/// The pages of a batch, made on demand (an atlas may have hundreds).
class LayoutPageSource {
public:
    virtual ~LayoutPageSource() = default;
    [[nodiscard]] virtual std::size_t count() const = 0;
    /// Page `index` (0-based) of count().
    virtual LayoutPageData page(std::size_t index) = 0;
};

/// A fixed list of pages.
class LayoutPageList : public LayoutPageSource {
public:
    explicit LayoutPageList(std::vector<LayoutPageData> pages) : m_pages(std::move(pages)) {}
    [[nodiscard]] std::size_t count() const override { return m_pages.size(); }
    LayoutPageData page(std::size_t index) override { return m_pages.at(index); }

private:
    std::vector<LayoutPageData> m_pages;
};

struct LayoutWriteResult {
    LayoutPage page;
    std::size_t pages = 0;
    std::vector<std::string> files;      ///< written, in page order
    std::vector<LayoutPageResult> first; ///< the first page's result (tests, messages)
    std::size_t bands = 1;               ///< PNG: bands the (last) page was drawn in
};

/// Where pages go: "out.pdf" (all pages in one PDF), "dir/{name}.png" or "dir/{n}.svg" (one file
/// per page; {n} is the 1-based page number, zero-padded), or a folder ("dir/" or an existing
/// folder: "<n>-<name>.<format>" inside it). Throws InputError for a PNG or SVG path without a
/// pattern when there is more than one page, or an unknown extension.
struct LayoutOutput {
    std::string path;
    OutputFormat folderFormat = OutputFormat::Pdf; ///< the format of files in a folder
};

/// Renders every page of `pages` into `out`. Progress: per page ("page 3/600 G003"); cancel with
/// feedback->cancel() (CancelledError, nothing written). Throws RenderError when a layer fails
/// (unless options.allowLayerErrors).
LayoutWriteResult writeLayout(const Layout& layout, LayoutPageSource& pages, model::SourceProvider& provider,
                              const LayoutOutput& out, const LayoutOptions& options, Feedback* feedback = nullptr);

/// The file a page goes to under `out` (for messages and tests).
std::string layoutPagePath(const LayoutOutput& out, std::size_t index, std::size_t count, const std::string& name);

/// Largest PNG drawn in one piece (pixels); larger pages are drawn in bands.
inline constexpr long long kLayoutPngBandPixels = 48LL * 1024 * 1024;

} // namespace gridatlas::render
