#include "app/style_dialog.h"

#include <QColorDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gridatlas::app {

namespace {
render::Symbol& symbolOf(render::Style& style, int row) {
    auto& classes = style.renderer.classes;
    if (row < static_cast<int>(classes.size())) return classes[static_cast<std::size_t>(row)].symbol;
    return style.renderer.other->symbol; // the last row is "other" when the renderer has one
}
void paintButton(QPushButton* b, const QColor& c) {
    b->setText(c.alpha() == 0 ? QObject::tr("none") : c.name(c.alpha() < 255 ? QColor::HexArgb : QColor::HexRgb));
    b->setStyleSheet(QString("background-color: %1; color: %2").arg(c.name(QColor::HexArgb), c.lightness() < 128 ? "white" : "black"));
}
} // namespace

StyleDialog::StyleDialog(std::shared_ptr<const render::Style> style, const QString& layerTitle, QWidget* parent)
    : QDialog(parent), m_style(std::make_shared<render::Style>(*style)) {
    setWindowTitle(tr("Style of %1").arg(layerTitle));
    auto* layout = new QVBoxLayout(this);
    m_table = new QTableWidget(this);
    m_table->setColumnCount(3);
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Fill"), tr("Outline")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    layout->addWidget(m_table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(460, 360);
    rebuild();
}

int StyleDialog::classCount() const {
    return static_cast<int>(m_style->renderer.classes.size()) + (m_style->renderer.other ? 1 : 0);
}

void StyleDialog::setClassColor(int row, bool fill, const QColor& color) {
    if (row < 0 || row >= classCount()) return;
    render::Symbol& s = symbolOf(*m_style, row);
    (fill ? s.fill : s.stroke) = color;
    rebuild();
}

void StyleDialog::rebuild() {
    m_table->setRowCount(classCount());
    for (int row = 0; row < classCount(); ++row) {
        const bool isOther = row >= static_cast<int>(m_style->renderer.classes.size());
        const std::string label = isOther ? m_style->renderer.other->label : m_style->renderer.classes[static_cast<std::size_t>(row)].label;
        m_table->setItem(row, 0, new QTableWidgetItem(label.empty() ? tr("(all features)") : QString::fromStdString(label)));
        const render::Symbol& s = symbolOf(*m_style, row);
        for (int col = 1; col <= 2; ++col) {
            auto* b = new QPushButton(m_table);
            const bool fill = col == 1;
            paintButton(b, fill ? s.fill : s.stroke);
            connect(b, &QPushButton::clicked, this, [this, row, fill] {
                const render::Symbol& cur = symbolOf(*m_style, row);
                const QColor c = QColorDialog::getColor(fill ? cur.fill : cur.stroke, this, tr("Colour"), QColorDialog::ShowAlphaChannel);
                if (c.isValid()) setClassColor(row, fill, c);
            });
            m_table->setCellWidget(row, col, b);
        }
    }
}

} // namespace gridatlas::app
