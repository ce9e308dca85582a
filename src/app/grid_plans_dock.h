#pragma once
// Grid plan versions in the viewer (网格方案): the saved plans and proposals of the atlas; save the
// current layout as a named plan; propose grids for a community (target, tolerance, streets,
// keep current) with progress and cancel; show a plan on the map; compare two plans side by side
// (two maps drawn by the shared renderer, households per grid before and after, the buildings that
// move); restore or delete a plan. Every database job runs on a worker thread with its own
// connection; the window never waits for it.
#include <QDockWidget>
#include <QImage>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/grid_plans.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableWidget;

namespace gridatlas {
class Feedback;
}
namespace gridatlas::storage {
class Atlas;
class LayerCache;
class LayerSnapshot;
} // namespace gridatlas::storage

namespace gridatlas::app {

/// One side of the compare view: a plan drawn as an image, redrawn when resized.
class PlanMapView;

class GridPlansDock : public QDockWidget {
    Q_OBJECT
public:
    explicit GridPlansDock(QWidget* parent = nullptr);
    ~GridPlansDock() override;
    GridPlansDock(const GridPlansDock&) = delete;
    GridPlansDock& operator=(const GridPlansDock&) = delete;
    GridPlansDock(GridPlansDock&&) = delete;
    GridPlansDock& operator=(GridPlansDock&&) = delete;

    /// The atlas, the map's layer cache (its buildings are drawn under the plans) and the styles folder.
    void setAtlas(const QString& atlasPath, std::shared_ptr<storage::LayerCache> cache, const QString& stylesDir);
    /// Called before a job changes the grids; returns false (and has said why) to refuse, e.g.
    /// while grid edits are unsaved.
    void setWriteGuard(std::function<bool()> guard) { m_writeGuard = std::move(guard); }
    /// Asks for names and confirmations in dialogs (off in tests, which call the slots directly).
    void setAskQuestions(bool ask) { m_ask = ask; }

    // The actions, also used by tests and by the window's menu. Each starts a job and returns
    // false when another job runs or there is no atlas.
    bool refreshPlans();
    bool saveCurrent(const QString& name, const QString& note = {});
    struct ProposalRequest {
        QString community; ///< name or code
        QString plan;
        int target = 400;
        double tolerance = 0.2;
        bool respectStreets = false;
        bool keepCurrent = false;
    };
    bool propose(const ProposalRequest& request);
    bool compare(const QString& planA, const QString& planB);
    bool showOnMap(const QString& plan);
    bool restore(const QString& plan);
    bool deletePlan(const QString& plan);
    void cancel();

    [[nodiscard]] bool isBusy() const { return m_busy; }
    [[nodiscard]] const std::vector<storage::PlanInfo>& plans() const { return m_plans; }
    [[nodiscard]] const storage::PlanComparison& comparison() const { return m_comparison; }
    [[nodiscard]] QString summaryText() const;
    [[nodiscard]] QTableWidget* plansTable() const { return m_plansTable; }
    [[nodiscard]] QTableWidget* gridsTable() const { return m_gridsTable; }
    [[nodiscard]] QTableWidget* movesTable() const { return m_movesTable; }
    /// The two maps of the compare view as last drawn (null images before a comparison).
    [[nodiscard]] QImage compareImage(int side) const;
    /// The plan the user selected in the list ("" = none).
    [[nodiscard]] QString selectedPlan() const;

signals:
    /// A job ended (ok = false with its message on failure or cancel).
    void jobFinished(bool ok, const QString& message);
    /// The current grids changed (a plan was restored): reload the map.
    void gridsChanged();
    /// Draw these plan layers (plan_grids with plan-grids.json, plan_moves with plan-moves.json) on the map.
    void planLayersReady(std::shared_ptr<const storage::LayerSnapshot> grids, std::shared_ptr<const storage::LayerSnapshot> moves);
    /// Zoom the map to a building that moves.
    void zoomRequested(double minX, double minY, double maxX, double maxY);

private:
    using Continuation = std::function<void()>;
    using Job = std::function<Continuation(storage::Atlas& atlas, Feedback& feedback)>;
    bool startJob(const QString& what, bool writes, Job job);
    void finishJob(Continuation done, const QString& error, bool cancelled);
    void join();
    void fillPlans();
    void fillComparison(const QString& a, const QString& b);
    void askAndSave();
    void askAndPropose();
    void askAndCompare();
    void askAndRestore();
    void askAndDelete();
    void updateButtons();
    [[nodiscard]] QString planLabel(const std::string& name) const;

    QString m_atlasPath;
    QString m_stylesDir;
    std::shared_ptr<storage::LayerCache> m_cache;
    std::function<bool()> m_writeGuard;
    bool m_ask = true;
    QTableWidget* m_plansTable = nullptr;
    QTableWidget* m_gridsTable = nullptr;
    QTableWidget* m_movesTable = nullptr;
    QComboBox* m_planA = nullptr;
    QComboBox* m_planB = nullptr;
    PlanMapView* m_mapA = nullptr;
    PlanMapView* m_mapB = nullptr;
    QLabel* m_summary = nullptr;
    QProgressBar* m_progress = nullptr;
    std::vector<QPushButton*> m_actions;
    QPushButton* m_cancel = nullptr;
    std::vector<storage::PlanInfo> m_plans;
    storage::PlanComparison m_comparison;
    std::shared_ptr<Feedback> m_feedback;
    std::thread m_worker;
    bool m_busy = false;
    quint64 m_generation = 0;
};

} // namespace gridatlas::app
