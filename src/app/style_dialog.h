#pragma once
// Edits a layer's style classes: one row per class (category, range or the single symbol), then
// the "other" class and the palette colours of a categorized style, each with its label, value
// (categorized) or range (graduated), fill and outline. Classes can be added and removed, and a
// categorized style can get one class per value found in the layer. Works on a copy; the caller
// swaps it in.
#include <QDialog>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "render/style.h"

class QTableWidget;
class QPushButton;

namespace gridatlas::app {

class StyleDialog : public QDialog {
    Q_OBJECT
public:
    /// `distinctValues`, when given, lists the values of the renderer's field in the layer (for
    /// "Add all values").
    StyleDialog(std::shared_ptr<const render::Style> style, const QString& layerTitle, QWidget* parent = nullptr,
                std::function<std::vector<std::string>()> distinctValues = {});
    /// The edited style (a new object; the original is untouched).
    [[nodiscard]] std::shared_ptr<const render::Style> style() const { return m_style; }

    // What the buttons and cells do (tests call them directly).
    /// Sets a row's fill or outline colour.
    void setClassColor(int row, bool fill, const QColor& color);
    /// Rows: classes, then "other" (when the style has one), then palette colours.
    [[nodiscard]] int classCount() const;
    /// Adds a class after the others: categorized `value` (label = value when `label` is empty),
    /// graduated the next range of the same width (value ignored). Returns its row, or -1 when
    /// the style takes no more classes (single symbol, heat map) or the value already has one.
    int addClass(const std::string& value = {}, const std::string& label = {});
    /// Removes a class, the "other" class or a palette colour; the last drawing row of a style
    /// is kept (a style must draw something). Returns false when nothing was removed.
    bool removeRow(int row);
    /// Categorized: one class per value of `distinctValues` that has none yet. Returns how many.
    int addAllValues();
    /// Edits a class's label, or its value (categorized) / "min - max" range (graduated).
    /// Returns false (and changes nothing) when the text is not a valid value or range.
    bool setClassLabel(int row, const std::string& label);
    bool setClassValue(int row, const std::string& text);

private:
    enum class RowKind { Class, Other, Palette };
    [[nodiscard]] RowKind kindOf(int row, std::size_t* index) const;
    void rebuild();
    void updateButtons();
    std::shared_ptr<render::Style> m_style;
    std::function<std::vector<std::string>()> m_distinctValues;
    QTableWidget* m_table = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_addAll = nullptr;
    bool m_rebuilding = false;
};

} // namespace gridatlas::app
