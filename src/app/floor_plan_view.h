#pragma once
// The floor-plan dock: one building as its building table (楼盘表: floors x units x flats, cells
// coloured by the household's status, member markers, counts per floor and unit), the residents
// of the selected household (masked unless "show personal data" is ticked), and the drawn floor
// plan with a floor selector. Selecting a household in the table or on the drawn floor emits
// householdSelected(); selectHousehold() follows a selection made elsewhere (the map) without
// echoing it back.
//
// The dock opens the atlas read-only on its own connection (GUI thread; a 33-floor, 6-unit tower
// opens in a few milliseconds).
#include <QAbstractTableModel>
#include <QDockWidget>
#include <QString>
#include <QWidget>

#include <memory>
#include <optional>

#include "render/floor_plan_chart.h"
#include "storage/building_table.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace gridatlas::storage {
class Atlas;
}

namespace gridatlas::app {

/// The building table as a Qt model: rows are floors (top first) and a totals row; columns the
/// flats of each unit and a "households/members" column. Qt::UserRole holds the household id
/// (0 for none); BackgroundRole the status colour.
class BuildingTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit BuildingTableModel(QObject* parent = nullptr);
    void setTable(storage::BuildingTable table, bool reveal);
    void setReveal(bool reveal);
    [[nodiscard]] const storage::BuildingTable& table() const { return m_table; }
    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// The index of a household's cell (invalid when it is not in the table).
    [[nodiscard]] QModelIndex indexOfHousehold(qint64 householdId) const;
    /// The cell at an index (nullptr for the totals row and column).
    [[nodiscard]] const storage::BuildingTableCell* cellAt(const QModelIndex& index) const;
    /// The status a cell is shown with.
    [[nodiscard]] render::PlanStatus statusAt(const QModelIndex& index) const;

private:
    storage::BuildingTable m_table;
    bool m_reveal = false;
};

/// One drawn floor, painted with render::paintPlanDrawing; a click on a flat selects it.
class FloorDrawingWidget : public QWidget {
    Q_OBJECT
public:
    explicit FloorDrawingWidget(QWidget* parent = nullptr);
    /// Shows `drawing`; `households` gives each room's household (0 none), same order as its rooms.
    void setDrawing(render::PlanDrawing drawing, std::vector<qint64> households);
    void setSelectedHousehold(qint64 householdId);
    [[nodiscard]] const render::PlanDrawing& drawing() const { return m_drawing; }
    /// Widget position of the centre of the room of `householdId` (nullopt when not drawn).
    [[nodiscard]] std::optional<QPointF> positionOf(qint64 householdId) const;
    [[nodiscard]] QSize sizeHint() const override { return {420, 220}; }

signals:
    void householdClicked(qint64 householdId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    [[nodiscard]] QRectF drawingRect() const;
    [[nodiscard]] QPointF toWidget(model::Vec2 p) const;
    [[nodiscard]] model::Vec2 toDrawing(QPointF p) const;
    render::PlanDrawing m_drawing;
    std::vector<qint64> m_households;
    qint64 m_selected = 0;
    model::Rect m_bounds;
};

class FloorPlanDock : public QDockWidget {
    Q_OBJECT
public:
    explicit FloorPlanDock(QWidget* parent = nullptr);
    ~FloorPlanDock() override;
    FloorPlanDock(const FloorPlanDock&) = delete;
    FloorPlanDock& operator=(const FloorPlanDock&) = delete;
    FloorPlanDock(FloorPlanDock&&) = delete;
    FloorPlanDock& operator=(FloorPlanDock&&) = delete;

    /// Shows building `buildingId` of the atlas at `atlasPath` (opened read-only). Returns false,
    /// and shows why in the dock, when the atlas or the building cannot be read.
    bool showBuilding(const QString& atlasPath, qint64 buildingId);
    [[nodiscard]] qint64 buildingId() const { return m_buildingId; }
    [[nodiscard]] qint64 selectedHousehold() const { return m_selected; }
    [[nodiscard]] bool isRevealed() const;
    /// The error of the last showBuilding ("" when it worked).
    [[nodiscard]] QString errorText() const { return m_error; }

    // For tests and the lead's wiring.
    [[nodiscard]] QTableView* tableView() const { return m_view; }
    [[nodiscard]] BuildingTableModel* tableModel() const { return m_model; }
    [[nodiscard]] QTableWidget* residentsView() const { return m_residents; }
    [[nodiscard]] QComboBox* floorSelector() const { return m_floors; }
    [[nodiscard]] FloorDrawingWidget* drawingWidget() const { return m_drawing; }
    [[nodiscard]] QCheckBox* revealCheck() const { return m_reveal; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] QLabel* legend() const { return m_legend; }
    /// The floor the drawing shows (0 when the building has no drawn plan).
    [[nodiscard]] int currentFloor() const;

public slots:
    /// Selects a household of the shown building (from the map): table cell, residents and
    /// drawn floor follow; householdSelected is not emitted. Unknown ids clear the selection.
    void selectHousehold(qint64 householdId);
    /// Shows the drawn plan of `floor` (if the building has one there).
    void showFloor(int floor);

signals:
    /// The user selected a household in the table or on the drawn floor.
    void householdSelected(qint64 householdId);

private:
    void select(qint64 householdId, bool fromUser);
    void updateResidents();
    void updateDrawing();
    void updateTitle();
    void updateLegend();
    void setReveal(bool reveal);
    std::unique_ptr<storage::Atlas> m_atlas;
    storage::FloorPlan m_plan;
    qint64 m_buildingId = 0;
    qint64 m_selected = 0;
    bool m_syncing = false;
    QString m_error;
    QLabel* m_title = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_legend = nullptr;
    QCheckBox* m_reveal = nullptr;
    QTableView* m_view = nullptr;
    BuildingTableModel* m_model = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTableWidget* m_residents = nullptr;
    QComboBox* m_floors = nullptr;
    FloorDrawingWidget* m_drawing = nullptr;
};

} // namespace gridatlas::app
