#pragma once
// Edits the colours of a layer's style: one row per class (category, range, or the single
// symbol) with its fill and outline colour. Works on a copy; the caller swaps it in.
#include <QDialog>

#include <memory>

#include "render/style.h"

class QTableWidget;

namespace gridatlas::app {

class StyleDialog : public QDialog {
    Q_OBJECT
public:
    StyleDialog(std::shared_ptr<const render::Style> style, const QString& layerTitle, QWidget* parent = nullptr);
    /// The edited style (a new object; the original is untouched).
    [[nodiscard]] std::shared_ptr<const render::Style> style() const { return m_style; }
    /// Sets a class's fill or outline colour, as the colour buttons do (tests call it directly).
    void setClassColor(int row, bool fill, const QColor& color);
    [[nodiscard]] int classCount() const;

private:
    void rebuild();
    std::shared_ptr<render::Style> m_style;
    QTableWidget* m_table = nullptr;
};

} // namespace gridatlas::app
