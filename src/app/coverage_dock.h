#pragma once
// The coverage dock: choose a post type, the standard (the type's own, N minutes or M metres),
// walking along streets or straight line, and run. The analysis runs on a worker thread with its
// own read-only connection (the GUI never waits; Cancel stops it within milliseconds; a new run
// supersedes the old one). Results: a summary line, tables by category, community and grid, the
// gap buildings, and in-memory layers the map can draw (layersReady): gap buildings weighted by
// their uncovered vulnerable households, service areas of the posts, households coloured by
// coverage.
#include <QDockWidget>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "storage/coverage.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QTableWidget;
class QTabWidget;

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {
class LayerCache;
class LayerSnapshot;
struct CoverageData;
} // namespace gridatlas::storage

namespace gridatlas::app {

/// What a finished run hands back (shared, immutable).
struct CoverageRun {
    std::shared_ptr<const storage::CoverageData> data;
    storage::CoverageResult result;
    std::shared_ptr<const storage::LayerSnapshot> gaps;         ///< "coverage_gaps": polygons
    std::shared_ptr<const storage::LayerSnapshot> serviceAreas; ///< "service_areas": polygons (may be null)
    std::shared_ptr<const storage::LayerSnapshot> households;   ///< "coverage_households": points
    std::shared_ptr<const storage::LayerSnapshot> grids;        ///< "coverage_grids": polygons (choropleth)
};

class CoverageDock : public QDockWidget {
    Q_OBJECT
public:
    enum class Standard { PostType, Minutes, Meters };

    explicit CoverageDock(QWidget* parent = nullptr);
    CoverageDock(const CoverageDock&) = delete;
    CoverageDock& operator=(const CoverageDock&) = delete;
    CoverageDock(CoverageDock&&) = delete;
    CoverageDock& operator=(CoverageDock&&) = delete;
    /// Cancels a run in flight and waits for its thread.
    ~CoverageDock() override;

    /// Shows the post types of the atlas at `path` (read on the GUI thread: one small table).
    /// With `cache`, runs reuse its households layer instead of reading the households again.
    /// Clears results; an open failure shows the message and disables Run.
    void setAtlas(const QString& path, std::shared_ptr<storage::LayerCache> cache = nullptr);
    [[nodiscard]] const QString& atlasPath() const { return m_path; }

    // The controls, for the window's own shortcuts and for tests.
    void setPostType(const QString& type);
    void setStandard(Standard standard, double value = 0);
    void setDistanceMode(storage::DistanceMode mode);
    void setServiceAreasEnabled(bool on);

    /// Starts a run (cancelling one in flight). Returns false when no atlas or post type is set.
    bool run();
    /// Cancels the run in flight (never blocks).
    void cancel();
    [[nodiscard]] bool isRunning() const { return m_running; }
    /// The last finished run (null before the first).
    [[nodiscard]] std::shared_ptr<const CoverageRun> lastRun() const { return m_last; }

    [[nodiscard]] QTableWidget* categoryTable() const { return m_categories; }
    [[nodiscard]] QTableWidget* communityTable() const { return m_communities; }
    [[nodiscard]] QTableWidget* gridTable() const { return m_grids; }
    [[nodiscard]] QTableWidget* gapTable() const { return m_gaps; }
    [[nodiscard]] QString summaryText() const;

signals:
    void runStarted();
    void progressChanged(int percent, const QString& stage);
    /// A run ended: ok, or the error / "cancelled" message.
    void runFinished(bool ok, const QString& message);
    /// In-memory layers to draw over the map (the canvas adds them as temporary layers; null
    /// serviceAreas when not asked for). Emitted on the GUI thread after runFinished(true).
    /// Styles: styles/coverage-gaps.json, coverage-service-areas.json, coverage-households.json,
    /// coverage-grids.json.
    void layersReady(std::shared_ptr<const gridatlas::storage::LayerSnapshot> gaps,
                     std::shared_ptr<const gridatlas::storage::LayerSnapshot> serviceAreas,
                     std::shared_ptr<const gridatlas::storage::LayerSnapshot> households,
                     std::shared_ptr<const gridatlas::storage::LayerSnapshot> grids);
    /// A gap building row was activated (double-click): zoom the map to it.
    void buildingActivated(qint64 buildingId);

private:
    void finishRun(std::uint64_t generation, std::shared_ptr<const CoverageRun> run, const QString& error, bool cancelled);
    void showRun(const CoverageRun& run);
    void reapWorkers(bool all);
    void updateStandardControls();

    QString m_path;
    std::shared_ptr<storage::LayerCache> m_cache;
    QComboBox* m_type = nullptr;
    QComboBox* m_standard = nullptr;
    QDoubleSpinBox* m_value = nullptr;
    QRadioButton* m_network = nullptr;
    QRadioButton* m_euclid = nullptr;
    QCheckBox* m_areas = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTableWidget* m_categories = nullptr;
    QTableWidget* m_communities = nullptr;
    QTableWidget* m_grids = nullptr;
    QTableWidget* m_gaps = nullptr;

    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Worker> m_workers; ///< a superseded run finishes on its own; joined when done or at exit
    std::shared_ptr<Feedback> m_feedback;
    std::uint64_t m_generation = 0;
    bool m_running = false;
    std::shared_ptr<const CoverageRun> m_last;
};

} // namespace gridatlas::app
