#pragma once
// Small helpers the analysis docks (coverage, grid plans) share for their read-only result tables.
#include <QHeaderView>
#include <QString>
#include <QStringList>
#include <QTableWidget>
#include <QVariant>

#include <cmath>
#include <string>

namespace gridatlas::app {

inline QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

/// A read-only table that selects whole rows, without row numbers.
inline QTableWidget* makeResultTable(const QStringList& header, QWidget* parent) {
    auto* t = new QTableWidget(0, static_cast<int>(header.size()), parent);
    t->setHorizontalHeaderLabels(header);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSortingEnabled(false);
    return t;
}

/// A right-aligned number cell that sorts as a number; `decimals` 0 or 1.
inline QTableWidgetItem* numberItem(double v, int decimals = 0) {
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole,
                  decimals == 0 ? QVariant(static_cast<qlonglong>(std::llround(v))) : QVariant(std::round(v * 10) / 10));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace gridatlas::app
