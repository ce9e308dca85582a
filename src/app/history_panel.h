#pragma once
// The history panel (修改记录): the atlas's audit log (storage/audit.h), newest first: when, who,
// what (table, row, field), old and new value, sensitive values masked as stored. Read on a
// worker thread with its own read-only connection; refreshed on request and after edits.
#include <QDockWidget>
#include <QString>

#include <thread>
#include <vector>

#include "storage/audit.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace gridatlas::app {

class HistoryPanel : public QDockWidget {
    Q_OBJECT
public:
    explicit HistoryPanel(QWidget* parent = nullptr);
    ~HistoryPanel() override;
    HistoryPanel(const HistoryPanel&) = delete;
    HistoryPanel& operator=(const HistoryPanel&) = delete;
    HistoryPanel(HistoryPanel&&) = delete;
    HistoryPanel& operator=(HistoryPanel&&) = delete;

    void setAtlas(const QString& atlasPath);
    /// Reads the newest records again (on the worker); the table fills when they arrive.
    void refresh();
    /// Whether a read is under way (or asked for); the table is current when false.
    [[nodiscard]] bool isLoading() const { return m_worker.joinable() || m_pending; }
    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] const std::vector<storage::AuditEntry>& entries() const { return m_entries; }
    /// The action in the user's language.
    static QString actionText(const QString& action);

    static constexpr int kLimit = 500;

signals:
    /// Records are in (also after a failure; see the panel's message).
    void loaded();

private:
    void showEntries(std::vector<storage::AuditEntry> entries, const QString& error);
    void join();
    QString m_atlasPath;
    QComboBox* m_tableFilter = nullptr;
    QPushButton* m_refresh = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    std::vector<storage::AuditEntry> m_entries;
    std::thread m_worker;
    bool m_pending = false; ///< a refresh was asked for while one ran
};

} // namespace gridatlas::app
