#include "app/style_dialog.h"

#include <QColorDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gridatlas::app {

namespace {

enum Column { LabelColumn, ValueColumn, FillColumn, OutlineColumn, ColumnCount };

void paintButton(QPushButton* b, const QColor& c) {
    b->setText(c.alpha() == 0 ? QObject::tr("none") : c.name(c.alpha() < 255 ? QColor::HexArgb : QColor::HexRgb));
    b->setStyleSheet(QString("background-color: %1; color: %2").arg(c.name(QColor::HexArgb), c.lightness() < 128 ? "white" : "black"));
}

// Colours for new classes: a qualitative palette (ColorBrewer Set2-like), cycled.
QColor newClassColor(std::size_t n) {
    static const QColor kColors[] = {QColor("#66c2a5"), QColor("#fc8d62"), QColor("#8da0cb"), QColor("#e78ac3"),
                                     QColor("#a6d854"), QColor("#ffd92f"), QColor("#e5c494"), QColor("#b3b3b3")};
    return kColors[n % (sizeof(kColors) / sizeof(kColors[0]))];
}

QString formatNumber(double v) { return std::isinf(v) ? QStringLiteral("∞") : QString::number(v, 'g', 10); }

// "10 - 20", "10–20", "10 ~ 20", "10,20": two numbers, the first not above the second; "10 -",
// "10+" or "10 - ∞": from 10 up.
bool parseRange(const std::string& text, double& lo, double& hi) {
    static const QRegularExpression re(
        R"(^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(?:(?:-|–|—|~|～|,|，|to)\s*(-?[0-9]+(?:\.[0-9]+)?|∞)?|\+)\s*$)");
    const auto m = re.match(QString::fromStdString(text));
    if (!m.hasMatch()) return false;
    lo = m.captured(1).toDouble();
    const QString upper = m.captured(2);
    hi = upper.isEmpty() || upper == QStringLiteral("∞") ? std::numeric_limits<double>::infinity() : upper.toDouble();
    return lo <= hi;
}

} // namespace

StyleDialog::StyleDialog(std::shared_ptr<const render::Style> style, const QString& layerTitle, QWidget* parent,
                         std::function<std::vector<std::string>()> distinctValues)
    : QDialog(parent), m_style(std::make_shared<render::Style>(*style)), m_distinctValues(std::move(distinctValues)) {
    setWindowTitle(tr("Style of %1").arg(layerTitle));
    auto* layout = new QVBoxLayout(this);
    const auto& r = m_style->renderer;
    QString kind;
    switch (r.type) {
    case render::RendererType::Single: kind = tr("One symbol for every feature"); break;
    case render::RendererType::Categorized: kind = tr("A colour per value of “%1”").arg(QString::fromStdString(r.field)); break;
    case render::RendererType::Graduated: kind = tr("Colours by ranges of “%1”").arg(QString::fromStdString(r.field)); break;
    case render::RendererType::Heatmap: kind = tr("Heat map"); break;
    }
    layout->addWidget(new QLabel(kind, this));
    m_table = new QTableWidget(this);
    m_table->setColumnCount(ColumnCount);
    m_table->setHorizontalHeaderLabels({tr("Label"), r.type == render::RendererType::Graduated ? tr("Range") : tr("Value"),
                                        tr("Fill"), tr("Outline")});
    m_table->horizontalHeader()->setSectionResizeMode(LabelColumn, QHeaderView::Stretch);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    layout->addWidget(m_table);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (m_rebuilding) return;
        const int row = item->row();
        const std::string text = item->text().toStdString();
        const bool ok = item->column() == LabelColumn ? setClassLabel(row, text) : setClassValue(row, text);
        if (!ok) {
            QMessageBox::warning(this, tr("Style"),
                                 item->column() == ValueColumn && m_style->renderer.type == render::RendererType::Graduated
                                     ? tr("A range is two numbers, the smaller first: for example 10 - 20.")
                                     : tr("That value already has a class, or the value is empty."));
            rebuild();
        }
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] { updateButtons(); });

    auto* row = new QHBoxLayout;
    m_add = new QPushButton(tr("Add Class"), this);
    m_remove = new QPushButton(tr("Remove Class"), this);
    m_addAll = new QPushButton(tr("Add All Values"), this);
    m_addAll->setToolTip(tr("One class for every value of the field found in the layer"));
    row->addWidget(m_add);
    row->addWidget(m_remove);
    row->addWidget(m_addAll);
    row->addStretch(1);
    layout->addLayout(row);
    connect(m_add, &QPushButton::clicked, this, [this] {
        const int added = addClass(m_style->renderer.type == render::RendererType::Categorized ? tr("new").toStdString() : std::string());
        if (added >= 0) {
            m_table->selectRow(added);
            if (m_style->renderer.type == render::RendererType::Categorized) m_table->editItem(m_table->item(added, ValueColumn));
        }
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const auto rows = m_table->selectionModel()->selectedRows();
        if (!rows.isEmpty()) removeRow(rows.front().row());
    });
    connect(m_addAll, &QPushButton::clicked, this, [this] { addAllValues(); });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, 420);
    rebuild();
}

int StyleDialog::classCount() const {
    const auto& r = m_style->renderer;
    return static_cast<int>(r.classes.size() + (r.other ? 1 : 0) + r.palette.size());
}

StyleDialog::RowKind StyleDialog::kindOf(int row, std::size_t* index) const {
    const auto& r = m_style->renderer;
    auto i = static_cast<std::size_t>(row);
    if (i < r.classes.size()) {
        *index = i;
        return RowKind::Class;
    }
    i -= r.classes.size();
    if (r.other) {
        if (i == 0) {
            *index = 0;
            return RowKind::Other;
        }
        --i;
    }
    *index = i;
    return RowKind::Palette;
}

void StyleDialog::setClassColor(int row, bool fill, const QColor& color) {
    if (row < 0 || row >= classCount()) return;
    auto& r = m_style->renderer;
    std::size_t i = 0;
    switch (kindOf(row, &i)) {
    case RowKind::Class: (fill ? r.classes[i].symbol.fill : r.classes[i].symbol.stroke) = color; break;
    case RowKind::Other: (fill ? r.other->symbol.fill : r.other->symbol.stroke) = color; break;
    case RowKind::Palette:
        if (fill)
            r.palette[i] = color;
        else
            r.base.stroke = color; // palette slots share the base symbol's outline
        break;
    }
    rebuild();
}

int StyleDialog::addClass(const std::string& value, const std::string& label) {
    auto& r = m_style->renderer;
    render::SymbolClass c;
    c.symbol = r.classes.empty() ? (r.other ? r.other->symbol : r.base) : r.classes.back().symbol;
    if (r.type == render::RendererType::Categorized) {
        if (value.empty()) return -1;
        for (const auto& k : r.classes)
            if (k.value == value) return -1;
        c.value = value;
        c.label = label.empty() ? value : label;
        c.symbol.fill = newClassColor(r.classes.size());
    } else if (r.type == render::RendererType::Graduated) {
        // The next range of the same width; after an open-ended last range ("6 and more") the
        // new one takes over the open end and the old one gets the width of the one before it.
        if (!r.classes.empty() && std::isinf(r.classes.back().max)) {
            auto& last = r.classes.back();
            const std::size_t n = r.classes.size();
            const double w = n >= 2 && !std::isinf(r.classes[n - 2].max) ? std::max(r.classes[n - 2].max - r.classes[n - 2].min, 1.0) : 1.0;
            last.max = last.min + w;
            c.min = last.max;
            c.max = std::numeric_limits<double>::infinity();
        } else {
            const double lo = r.classes.empty() ? 0.0 : r.classes.back().max;
            const double width = r.classes.empty() ? 1.0 : std::max(r.classes.back().max - r.classes.back().min, 1.0);
            c.min = lo;
            c.max = lo + width;
        }
        c.label = label.empty() ? (formatNumber(c.min) + QStringLiteral(" – ") + formatNumber(c.max)).toStdString() : label;
        if (!r.classes.empty()) c.symbol.fill = r.classes.back().symbol.fill.darker(115);
    } else {
        return -1; // single symbol and heat maps have exactly one class
    }
    r.classes.push_back(std::move(c));
    rebuild();
    return static_cast<int>(r.classes.size()) - 1;
}

bool StyleDialog::removeRow(int row) {
    if (row < 0 || row >= classCount()) return false;
    auto& r = m_style->renderer;
    if (r.type == render::RendererType::Single || r.type == render::RendererType::Heatmap) return false;
    if (classCount() <= 1) return false; // a style must still draw something
    std::size_t i = 0;
    switch (kindOf(row, &i)) {
    case RowKind::Class: r.classes.erase(r.classes.begin() + static_cast<std::ptrdiff_t>(i)); break;
    case RowKind::Other: r.other.reset(); break;
    case RowKind::Palette: r.palette.erase(r.palette.begin() + static_cast<std::ptrdiff_t>(i)); break;
    }
    rebuild();
    return true;
}

int StyleDialog::addAllValues() {
    if (m_style->renderer.type != render::RendererType::Categorized || !m_distinctValues) return 0;
    int added = 0;
    auto values = m_distinctValues();
    std::sort(values.begin(), values.end());
    for (const auto& v : values) {
        if (v.empty()) continue;
        if (addClass(v) >= 0) ++added;
    }
    return added;
}

bool StyleDialog::setClassLabel(int row, const std::string& label) {
    if (row < 0 || row >= classCount()) return false;
    auto& r = m_style->renderer;
    std::size_t i = 0;
    switch (kindOf(row, &i)) {
    case RowKind::Class: r.classes[i].label = label; break;
    case RowKind::Other: r.other->label = label; break;
    case RowKind::Palette: return false; // palette colours have no label of their own
    }
    return true;
}

bool StyleDialog::setClassValue(int row, const std::string& text) {
    if (row < 0 || row >= classCount()) return false;
    auto& r = m_style->renderer;
    std::size_t i = 0;
    if (kindOf(row, &i) != RowKind::Class) return false;
    auto& c = r.classes[i];
    if (r.type == render::RendererType::Categorized) {
        if (text.empty()) return false;
        for (std::size_t k = 0; k < r.classes.size(); ++k)
            if (k != i && r.classes[k].value == text) return false;
        if (c.label == c.value) c.label = text; // a label that only repeated the value follows it
        c.value = text;
    } else if (r.type == render::RendererType::Graduated) {
        double lo = 0, hi = 0;
        if (!parseRange(text, lo, hi)) return false;
        c.min = lo;
        c.max = hi;
    } else {
        return false;
    }
    rebuild();
    return true;
}

void StyleDialog::rebuild() {
    m_rebuilding = true;
    const auto& r = m_style->renderer;
    m_table->setRowCount(classCount());
    for (int row = 0; row < classCount(); ++row) {
        std::size_t i = 0;
        const RowKind kind = kindOf(row, &i);
        QString label, value;
        QColor fill, stroke;
        bool strokeEditable = true;
        switch (kind) {
        case RowKind::Class: {
            const auto& c = r.classes[i];
            label = c.label.empty() && r.type == render::RendererType::Single ? tr("(all features)") : QString::fromStdString(c.label);
            if (r.type == render::RendererType::Categorized) value = QString::fromStdString(c.value);
            if (r.type == render::RendererType::Graduated) value = formatNumber(c.min) + QStringLiteral(" – ") + formatNumber(c.max);
            fill = c.symbol.fill;
            stroke = c.symbol.stroke;
            break;
        }
        case RowKind::Other:
            label = r.other->label.empty() ? tr("(other values)") : QString::fromStdString(r.other->label);
            value = tr("other");
            fill = r.other->symbol.fill;
            stroke = r.other->symbol.stroke;
            break;
        case RowKind::Palette:
            label = tr("Palette colour %1 (values without a class)").arg(i + 1);
            fill = r.palette[i];
            stroke = r.base.stroke;
            strokeEditable = i == 0; // the shared outline is edited once
            break;
        }
        auto* labelItem = new QTableWidgetItem(label);
        if (kind == RowKind::Palette) labelItem->setFlags(labelItem->flags() & ~Qt::ItemIsEditable);
        m_table->setItem(row, LabelColumn, labelItem);
        auto* valueItem = new QTableWidgetItem(value);
        if (kind != RowKind::Class || r.type == render::RendererType::Single || r.type == render::RendererType::Heatmap)
            valueItem->setFlags(valueItem->flags() & ~Qt::ItemIsEditable);
        m_table->setItem(row, ValueColumn, valueItem);
        for (int col = FillColumn; col <= OutlineColumn; ++col) {
            const bool isFill = col == FillColumn;
            if (!isFill && !strokeEditable) {
                m_table->setCellWidget(row, col, nullptr);
                auto* same = new QTableWidgetItem(tr("(as above)"));
                same->setFlags(same->flags() & ~Qt::ItemIsEditable);
                m_table->setItem(row, col, same);
                continue;
            }
            auto* b = new QPushButton(m_table);
            paintButton(b, isFill ? fill : stroke);
            connect(b, &QPushButton::clicked, this, [this, row, isFill, current = isFill ? fill : stroke] {
                const QColor c = QColorDialog::getColor(current, this, tr("Colour"), QColorDialog::ShowAlphaChannel);
                if (c.isValid()) setClassColor(row, isFill, c);
            });
            m_table->setCellWidget(row, col, b);
        }
    }
    m_rebuilding = false;
    updateButtons();
}

void StyleDialog::updateButtons() {
    const auto type = m_style->renderer.type;
    const bool classes = type == render::RendererType::Categorized || type == render::RendererType::Graduated;
    m_add->setEnabled(classes);
    m_remove->setEnabled(classes && classCount() > 1 && !m_table->selectionModel()->selectedRows().isEmpty());
    m_addAll->setVisible(type == render::RendererType::Categorized);
    m_addAll->setEnabled(static_cast<bool>(m_distinctValues));
}

} // namespace gridatlas::app
