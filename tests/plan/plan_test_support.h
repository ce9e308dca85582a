#pragma once
// Helpers for the floor-plan tests: a QGuiApplication for the test program, DXF drawings written
// with GDAL's DXF writer, and image comparison against tests/plan/control_images.
#include <QImage>

#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::testing {

/// A closed shape of a test drawing: a polyline (LWPOLYLINE) or a hatch (HATCH).
struct DxfShape {
    std::vector<model::Vec2> ring;
    std::string layer = "ROOMS";
    bool hatch = false;
};
/// A text (MTEXT) of a test drawing.
struct DxfText {
    model::Vec2 at;
    std::string text;
    std::string layer = "TEXT";
    double angleDeg = 0.0;
};
/// Writes a DXF with GDAL's DXF writer; `openLines` are written as open polylines (walls).
void writeDxf(const std::string& path, const std::vector<DxfShape>& shapes, const std::vector<DxfText>& texts,
              const std::vector<std::vector<model::Vec2>>& openLines = {});

/// A rectangle ring (counter-clockwise) from two corners.
std::vector<model::Vec2> rectRing(double x0, double y0, double x1, double y1);
/// `ring` turned by `deg` about the origin, scaled by `scale`, then moved by (dx, dy).
std::vector<model::Vec2> placed(const std::vector<model::Vec2>& ring, double scale, double deg, double dx, double dy);

/// Compares `actual` with tests/plan/control_images/<name>/expected.png: a pixel mismatches when a
/// channel differs by more than `tolerance`; at most `maxMismatched` may. On failure writes
/// actual.png, diff.png and report.txt into <cwd>/plan_check/<name>/ and returns a report; ""
/// on success. UPDATE_REFERENCES=1 writes the reference instead; a missing one is a failure.
std::string compareWithPlanControl(const QImage& actual, const std::string& name, int tolerance, int maxMismatched);

} // namespace gridatlas::testing
