#pragma once
// The grid panel (网格检查与统计): the checks of the grid layout (overlaps, gaps, cut buildings,
// empty grids, missing staff, grids outside their community, invalid polygons, stale
// assignments) as a list where each problem zooms to its place, and the per-grid statistics
// (buildings, households, members, households in care by kind, posts, staff workload,
// deviation from the target). Both run on a worker thread with their own read-only connection,
// with progress and cancel; the window never waits for them.
#include <QDockWidget>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "model/geometry.h"
#include "model/support/feedback.h"
#include "storage/grid_checks.h"
#include "storage/grid_stats.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace gridatlas::app {

class GridPanel : public QDockWidget {
    Q_OBJECT
public:
    explicit GridPanel(QWidget* parent = nullptr);
    ~GridPanel() override;
    GridPanel(const GridPanel&) = delete;
    GridPanel& operator=(const GridPanel&) = delete;
    GridPanel(GridPanel&&) = delete;
    GridPanel& operator=(GridPanel&&) = delete;

    void setAtlas(const QString& atlasPath);
    /// Starts the checks (and the statistics) on the worker; results arrive later.
    void refresh();
    void cancel();
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] const std::vector<storage::GridProblem>& problems() const { return m_problems; }
    [[nodiscard]] const storage::GridStatsResult& stats() const { return m_stats; }
    [[nodiscard]] QTableWidget* problemTable() const { return m_problemTable; }
    [[nodiscard]] QTableWidget* statsTable() const { return m_statsTable; }
    /// The problem's kind in the user's language.
    static QString kindText(storage::GridProblemKind kind);

signals:
    /// The user picked a problem (or a grid): zoom there and outline it.
    void zoomRequested(model::Rect bounds);
    /// Checks and statistics are in (also after a failure; see the panel's message).
    void finished();

private:
    void showResults(std::vector<storage::GridProblem> problems, storage::GridStatsResult stats, QString error);
    void join();
    QString m_atlasPath;
    QTabWidget* m_tabs = nullptr;
    QTableWidget* m_problemTable = nullptr;
    QTableWidget* m_statsTable = nullptr;
    QLabel* m_summary = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    std::vector<storage::GridProblem> m_problems;
    storage::GridStatsResult m_stats;
    std::unique_ptr<Feedback> m_feedback;
    std::thread m_worker;
    bool m_running = false;
};

} // namespace gridatlas::app
