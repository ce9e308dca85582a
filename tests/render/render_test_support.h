#pragma once
// Helpers for render tests: a QGuiApplication for the whole test program (offscreen), an
// in-memory SourceProvider for synthetic cases, and image comparison against control images.
#include <QImage>
#include <QString>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/feature.h"

namespace gridatlas::testing {

/// One in-memory layer: fields and features (values in field order).
struct MemoryLayer {
    std::string name;
    model::GeomType type = model::GeomType::Point;
    std::vector<model::Field> fields;
    std::vector<model::Feature> features;
};

/// A SourceProvider over MemoryLayers; features come in insertion order, bbox-filtered.
class MemoryProvider : public model::SourceProvider {
public:
    void add(MemoryLayer layer) {
        const std::string name = layer.name;
        m_layers[name] = std::make_shared<MemoryLayer>(std::move(layer));
    }
    [[nodiscard]] std::vector<std::string> layerNames() const override;
    [[nodiscard]] std::unique_ptr<model::FeatureSource> open(const std::string& layer) override;
    [[nodiscard]] std::string datasetName() const override { return "合成测试数据"; }
    [[nodiscard]] int srid() const override { return 4548; }

private:
    std::map<std::string, std::shared_ptr<MemoryLayer>> m_layers;
};

/// Compares `actual` with tests/render/control_images/<name>/expected.png: a pixel mismatches
/// when a channel differs by more than `tolerance`; at most `maxMismatched` may. On failure
/// writes actual.png, diff.png and report.txt into <build>/render_check/<name>/ and returns a
/// one-line report; "" on success. With UPDATE_REFERENCES=1 it writes the reference instead.
/// A missing reference is a failure that says how to create it.
/// `outputName` names the output folder when it differs from the case (the harness's own test).
std::string compareWithControl(const QImage& actual, const std::string& name, int tolerance, int maxMismatched,
                               const std::string& outputName = {});

/// The same comparison against any reference image (e.g. tests/layout/reference/x.png); `name`
/// names the case in messages and the output folder.
std::string compareWithReference(const QImage& actual, const std::string& referencePath, const std::string& name, int tolerance,
                                 int maxMismatched, const std::string& outputName = {});

/// Path of a file in the source tree's tests/render/control_images.
std::string controlImagePath(const std::string& name);

/// Loads a file as bytes ("" when missing).
std::string readFile(const std::string& path);

} // namespace gridatlas::testing
