#include "app/history_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "storage/atlas.h"

namespace gridatlas::app {

namespace {
QString fromStd(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<int>(s.size())); }
QString orDash(const std::optional<std::string>& s) { return s ? fromStd(*s) : QStringLiteral("-"); }
} // namespace

HistoryPanel::HistoryPanel(QWidget* parent) : QDockWidget(tr("History"), parent) {
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    auto* bar = new QHBoxLayout;
    m_tableFilter = new QComboBox(body);
    m_tableFilter->addItem(tr("All tables"), QString());
    for (const auto& t : storage::auditedTables()) m_tableFilter->addItem(fromStd(t), fromStd(t));
    m_refresh = new QPushButton(tr("Refresh"), body);
    m_summary = new QLabel(body);
    bar->addWidget(new QLabel(tr("Table"), body));
    bar->addWidget(m_tableFilter);
    bar->addWidget(m_refresh);
    bar->addWidget(m_summary, 1);
    layout->addLayout(bar);
    m_table = new QTableWidget(0, 6, body);
    m_table->setHorizontalHeaderLabels({tr("When (UTC)"), tr("Who"), tr("Action"), tr("Where"), tr("Old value"), tr("New value")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    layout->addWidget(m_table);
    setWidget(body);
    connect(m_refresh, &QPushButton::clicked, this, &HistoryPanel::refresh);
    connect(m_tableFilter, &QComboBox::currentIndexChanged, this, &HistoryPanel::refresh);
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible) refresh();
    });
}

HistoryPanel::~HistoryPanel() { join(); }

void HistoryPanel::join() {
    if (m_worker.joinable()) m_worker.join();
}

void HistoryPanel::setAtlas(const QString& atlasPath) {
    m_atlasPath = atlasPath;
    if (isVisible()) refresh();
}

QString HistoryPanel::actionText(const QString& action) {
    if (action == "insert") return tr("added");
    if (action == "update") return tr("changed");
    if (action == "delete") return tr("deleted");
    if (action == "import") return tr("imported");
    if (action == "restore") return tr("atlas restored");
    if (action == "restore-plan") return tr("grid plan restored");
    return action;
}

void HistoryPanel::refresh() {
    if (m_atlasPath.isEmpty()) return;
    if (m_worker.joinable()) {
        m_pending = true; // the running read finishes first; then one more
        return;
    }
    m_refresh->setEnabled(false);
    m_summary->setText(tr("Reading..."));
    QPointer<HistoryPanel> self(this);
    m_worker = std::thread([self, path = m_atlasPath.toStdString(), table = m_tableFilter->currentData().toString().toStdString()] {
        std::vector<storage::AuditEntry> entries;
        QString error;
        try {
            auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
            entries = storage::readAudit(atlas->connection(), table, kLimit);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            self,
            [self, entries = std::move(entries), error]() mutable {
                if (self) self->showEntries(std::move(entries), error);
            },
            Qt::QueuedConnection);
    });
}

void HistoryPanel::showEntries(std::vector<storage::AuditEntry> entries, const QString& error) {
    join();
    m_refresh->setEnabled(true);
    if (!error.isEmpty()) {
        m_summary->setText(error);
    } else {
        m_entries = std::move(entries);
        m_table->setRowCount(static_cast<int>(m_entries.size()));
        for (std::size_t i = 0; i < m_entries.size(); ++i) {
            const auto& e = m_entries[i];
            QString where = fromStd(e.table);
            if (e.rowId) where += QString("#%1").arg(*e.rowId);
            if (!e.field.empty()) where += "." + fromStd(e.field);
            const QStringList cells{fromStd(e.at), fromStd(e.actor), actionText(fromStd(e.action)), where, orDash(e.oldValue),
                                    orDash(e.newValue)};
            for (int col = 0; col < cells.size(); ++col)
                m_table->setItem(static_cast<int>(i), col, new QTableWidgetItem(cells[col]));
        }
        m_table->resizeColumnsToContents();
        m_summary->setText(m_entries.empty() ? tr("No changes recorded") : tr("%1 newest changes").arg(m_entries.size()));
    }
    emit loaded();
    if (m_pending) {
        m_pending = false;
        refresh();
    }
}

} // namespace gridatlas::app
