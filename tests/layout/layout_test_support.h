#pragma once
// Layout tests share one demo atlas (scale S, generated once per test program) and helpers to
// read PDFs back (pdftotext, pdfinfo, pdftoppm from poppler-utils).
#include <QImage>

#include <string>

namespace gridatlas::testing {

/// The demo community atlas (gridatlas-cli demo --scale S), generated on first use into a temp
/// folder that lives as long as the test program.
const std::string& demoAtlasPath();
/// A temp folder for the program's outputs.
const std::string& layoutOutDir();

bool havePoppler();
/// pdftotext -layout of a PDF ("" when it fails).
std::string pdfText(const std::string& pdf);
/// Page count by pdfinfo (-1 when it fails).
int pdfPages(const std::string& pdf);
/// The first page rasterised at `dpi` (null image when it fails).
QImage pdfPageImage(const std::string& pdf, int dpi);

/// A reference image path: tests/layout/reference/<name>.png.
std::string layoutReference(const std::string& name);

} // namespace gridatlas::testing
