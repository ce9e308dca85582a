#pragma once
// The attribute table: one layer of the shown map as rows, with a filter line (model/filter.h),
// header-click sorting, masking of personal columns and selection linked with the map.
//
// It reads the canvas's in-memory layers (storage::LayerSnapshot), so it holds no copy of the
// data: the model keeps only a permutation of feature indices (the rows shown, in their order)
// and data() reads the snapshot. Loading a layer, filtering and sorting run on this dock's own
// worker pool with generation numbers, as the canvas renders: the GUI never waits for a million
// households, and a stale result is dropped.
#include <QAbstractTableModel>
#include <QDockWidget>
#include <QHash>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/feature.h"
#include "model/geometry.h"
#include "model/masking.h"
#include "render/map_document.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace gridatlas::model {
class Filter;
}
namespace gridatlas::storage {
class LayerCache;
class LayerSnapshot;
} // namespace gridatlas::storage

namespace gridatlas::app {

class MapCanvas;

/// How a column shows personal data: masked by kind, or not at all.
struct ColumnMasking {
    bool masked = false;
    model::Sensitivity kind = model::Sensitivity::None;
};
/// The masking of a layer field. Place names ("name" of a grid, building, post or street) are not
/// personal; people's names, phones, ID numbers and details are, as is any field the layer flags.
ColumnMasking maskingOf(const model::Field& field);

/// Rows of one layer snapshot in a view order; columns are the layer's fields (id first).
class AttributeTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit AttributeTableModel(QObject* parent = nullptr);

    /// Shows `snapshot` (null: nothing) with all its features in storage order.
    void setSnapshot(std::shared_ptr<const storage::LayerSnapshot> snapshot);
    /// Replaces the rows shown. \pre every index < snapshot()->size()
    void setRows(std::vector<std::uint32_t> rows);
    [[nodiscard]] const std::shared_ptr<const storage::LayerSnapshot>& snapshot() const { return m_snapshot; }
    [[nodiscard]] const std::vector<std::uint32_t>& rows() const { return m_rows; }
    [[nodiscard]] const std::vector<model::Field>& fields() const { return m_fields; }
    /// Snapshot column of a model column (LayerSnapshot::kIdColumn for the id).
    [[nodiscard]] int snapshotColumn(int column) const { return m_columns[static_cast<std::size_t>(column)]; }
    [[nodiscard]] const ColumnMasking& masking(int column) const { return m_masking[static_cast<std::size_t>(column)]; }
    /// Feature index (into the snapshot) of a row.
    [[nodiscard]] std::uint32_t featureAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
    /// The row showing `feature`, or -1 (filtered out).
    [[nodiscard]] int rowOfFeature(std::uint32_t feature) const;
    /// The column of a field by name, or -1.
    [[nodiscard]] int columnOf(const std::string& field) const;
    /// The cell's text as shown (masked where personal; empty for NULL).
    [[nodiscard]] QString displayText(int row, int column) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Header clicks arrive here; the dock sorts off the GUI thread and calls setRows().
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    /// Translated label of a field key (IdentifyPanel's labels, then this table's own).
    static QString columnLabel(const std::string& key);

signals:
    void sortRequested(int column, Qt::SortOrder order);

private:
    std::shared_ptr<const storage::LayerSnapshot> m_snapshot;
    std::vector<model::Field> m_fields;
    std::vector<int> m_columns;
    std::vector<ColumnMasking> m_masking;
    std::vector<std::uint32_t> m_rows;
};

/// A dock with the attribute table of one layer of the shown map at a time.
class AttributeTableDock : public QDockWidget {
    Q_OBJECT
public:
    AttributeTableDock(MapCanvas* canvas, QWidget* parent = nullptr);
    AttributeTableDock(const AttributeTableDock&) = delete;
    AttributeTableDock& operator=(const AttributeTableDock&) = delete;
    AttributeTableDock(AttributeTableDock&&) = delete;
    AttributeTableDock& operator=(AttributeTableDock&&) = delete;
    /// Cancels filtering and waits for the workers (a layer load cannot be cut short).
    ~AttributeTableDock() override;

    /// Lists the document's layer sources (each once, in map order) and reloads the layer shown
    /// when the canvas's atlas changed. Null clears the table.
    void setDocument(std::shared_ptr<const render::MapDocument> doc);

    /// The source shown ("households", ...), empty when none.
    [[nodiscard]] QString currentLayer() const;
    /// True while a layer loads or rows are being filtered/sorted (tests wait on it).
    [[nodiscard]] bool isBusy() const { return m_loading || m_computing; }
    [[nodiscard]] int shownRowCount() const;
    [[nodiscard]] int totalRowCount() const;
    /// The message beside the filter line; empty when the filter is fine.
    [[nodiscard]] QString filterError() const;
    /// The filter the rows show (the last one that parsed), empty for none.
    [[nodiscard]] QString appliedFilter() const { return m_appliedFilter; }
    /// Union of the boxes of the selected features (empty when nothing is selected).
    [[nodiscard]] model::Rect selectionBounds() const;

    [[nodiscard]] AttributeTableModel* model() const { return m_model; }
    [[nodiscard]] QTableView* tableView() const { return m_view; }
    [[nodiscard]] QLineEdit* filterEdit() const { return m_filterEdit; }
    [[nodiscard]] QComboBox* layerCombo() const { return m_layerCombo; }

public slots:
    /// Shows `layer` (a source of the document) and selects and scrolls to feature `id`; waits
    /// for the layer to load first. Does nothing for a layer the map does not show.
    void selectFeature(const QString& layer, qint64 id);
    /// Switches to a source of the document.
    void setCurrentLayer(const QString& source);
    /// Parses the filter line now (Return does the same; typing applies it after a pause).
    void applyFilter();
    /// Reloads the layer from the canvas's cache (after the atlas changed on disk).
    void reload();

signals:
    /// Selected rows changed; `bounds` is the union of their boxes (empty: none selected).
    void selectionBoundsChanged(gridatlas::model::Rect bounds);
    /// A row was double-clicked: zoom the map to the selection's box.
    void zoomRequested(gridatlas::model::Rect bounds);
    /// Rows were loaded, filtered or sorted.
    void rowsChanged();

private:
    struct RowsResult;
    void buildUi();
    void startLoad();
    void onLoaded(quint64 generation, std::shared_ptr<const storage::LayerSnapshot> snapshot, QString error);
    /// Filters (or, with `base`, only sorts those rows) and sorts on a worker.
    void startRows(std::optional<std::vector<std::uint32_t>> base);
    void onRows(quint64 generation, std::shared_ptr<RowsResult> result);
    void onSortRequested(int column, Qt::SortOrder order);
    void onSelectionChanged();
    void onDoubleClicked(const QModelIndex& index);
    void setFilterError(const QString& message);
    void updateCount();
    void applyPendingSelection();
    void restoreSelection(const std::vector<std::uint32_t>& features);
    [[nodiscard]] std::vector<std::uint32_t> selectedFeatures() const;
    [[nodiscard]] QString layerTitle(const QString& source) const;

    QPointer<MapCanvas> m_canvas;
    std::shared_ptr<const render::MapDocument> m_doc;
    std::shared_ptr<storage::LayerCache> m_cache; ///< of the snapshot shown
    AttributeTableModel* m_model = nullptr;
    QComboBox* m_layerCombo = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QLabel* m_filterError = nullptr;
    QLabel* m_count = nullptr;
    QTableView* m_view = nullptr;
    QTimer m_filterTimer;
    QTimer m_viewTimer; ///< a city read by view: the rows follow the map view
    bool m_inView = false; ///< the rows shown are those in the map view, not the whole layer

    QString m_layer;                                  ///< source shown or loading
    QHash<QString, QString> m_filterTexts;            ///< each layer keeps its own filter line
    QString m_appliedFilter;
    std::shared_ptr<const model::Filter> m_filter;    ///< null: every row
    int m_sortColumn = -1;                            ///< -1: storage order
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    bool m_resettingSort = false;
    std::optional<std::pair<QString, qint64>> m_pendingSelection;
    std::size_t m_errorColumn = 0;                    ///< of the filter error shown, 0: none
    model::Rect m_lastBounds;                         ///< last selection box sent

    QThreadPool m_pool;
    quint64 m_loadGeneration = 0;
    quint64 m_rowsGeneration = 0;
    bool m_loading = false;
    bool m_computing = false;
    std::shared_ptr<std::atomic<bool>> m_cancelRows; ///< of the running filter/sort
};

} // namespace gridatlas::app
