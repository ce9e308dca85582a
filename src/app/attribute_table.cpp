#include "app/attribute_table.h"

#include <QBrush>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelection>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalBlocker>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include "app/identify_panel.h"
#include "app/map_canvas.h"
#include "app/filter_messages.h"
#include "model/filter.h"
#include "model/support/error.h"
#include "storage/atlas.h"
#include "storage/layer_cache.h"

namespace gridatlas::app {

namespace {

bool isNumeric(model::FieldType t) { return t == model::FieldType::Integer || t == model::FieldType::Real; }

QString formatValue(const model::Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return QString::number(*i);
    if (const auto* d = std::get_if<double>(&v)) return QString::number(*d, 'g', 12);
    if (const auto* s = std::get_if<std::string>(&v)) return QString::fromStdString(*s);
    return {};
}

/// Text order with digit runs compared as numbers: "2栋" < "10栋", room "501" < "1201".
bool naturalLess(const std::string& a, const std::string& b) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ia = i, jb = j;
            while (ia < a.size() && a[ia] == '0') ++ia; // leading zeros do not count
            while (jb < b.size() && b[jb] == '0') ++jb;
            std::size_t ie = ia, je = jb;
            while (ie < a.size() && digit(a[ie])) ++ie;
            while (je < b.size() && digit(b[je])) ++je;
            if (ie - ia != je - jb) return ie - ia < je - jb;
            const int c = a.compare(ia, ie - ia, b, jb, je - jb);
            if (c != 0) return c < 0;
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
    return a < b; // equal up to leading zeros: "01" before "1", deterministically
}

struct RowsJob {
    std::shared_ptr<const storage::LayerSnapshot> snapshot;
    std::shared_ptr<const model::Filter> filter; ///< null: every feature
    std::vector<int> columns;                    ///< snapshot column per model column
    std::vector<model::Field> fields;
    std::vector<ColumnMasking> masking;
    std::optional<std::vector<std::uint32_t>> base; ///< set: sort these rows, do not filter
    int sortColumn = -1;                           ///< model column; -1: storage order
    bool ascending = true;
    std::shared_ptr<std::atomic<bool>> cancel;
};

template <class K> struct SortItem {
    K key{};
    std::uint32_t feature = 0;
    bool null = false;
};

/// Stable: rows with equal keys keep their current order, so sorting by one column and then
/// another sorts by both. NULLs first ascending, last descending (as SQLite).
template <class K, class Less>
void sortItems(std::vector<std::uint32_t>& rows, std::vector<SortItem<K>>& items, bool ascending, Less less) {
    std::stable_sort(items.begin(), items.end(), [&](const SortItem<K>& a, const SortItem<K>& b) {
        if (a.null != b.null) return ascending ? a.null : b.null;
        if (a.null) return false;
        return ascending ? less(a.key, b.key) : less(b.key, a.key);
    });
    for (std::size_t i = 0; i < items.size(); ++i) rows[i] = items[i].feature;
}

void sortRows(std::vector<std::uint32_t>& rows, const RowsJob& job) {
    const auto& s = *job.snapshot;
    const auto col = static_cast<std::size_t>(job.sortColumn);
    const int scol = job.columns[col];
    const model::Field& field = job.fields[col];
    const ColumnMasking& m = job.masking[col];
    auto checkCancel = [&](std::size_t i) {
        if ((i & 0xFFFF) == 0 && job.cancel->load()) throw CancelledError();
    };
    if (field.type == model::FieldType::Integer && !m.masked) {
        std::vector<SortItem<std::int64_t>> items(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            checkCancel(i);
            const model::Value v = s.value(rows[i], scol);
            const auto* x = std::get_if<std::int64_t>(&v);
            items[i] = {x ? *x : 0, rows[i], x == nullptr};
        }
        sortItems(rows, items, job.ascending, std::less<>());
    } else if (field.type == model::FieldType::Real && !m.masked) {
        std::vector<SortItem<double>> items(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            checkCancel(i);
            const auto x = model::toNumber(s.value(rows[i], scol));
            const bool null = !x || std::isnan(*x);
            items[i] = {null ? 0.0 : *x, rows[i], null};
        }
        sortItems(rows, items, job.ascending, std::less<>());
    } else {
        // Personal columns sort by the masked text: the order must not reveal hidden names.
        std::vector<SortItem<std::string>> items(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            checkCancel(i);
            const model::Value v = s.value(rows[i], scol);
            items[i].feature = rows[i];
            items[i].null = model::isNull(v);
            if (!items[i].null) items[i].key = m.masked ? model::mask(model::toText(v), m.kind) : model::toText(v);
        }
        sortItems(rows, items, job.ascending, naturalLess);
    }
}

std::vector<std::uint32_t> computeRows(RowsJob& job) {
    const auto& s = *job.snapshot;
    const std::size_t n = s.size();
    std::vector<std::uint32_t> rows;
    if (job.base) {
        rows = std::move(*job.base);
        if (job.sortColumn < 0) std::sort(rows.begin(), rows.end()); // back to storage order
    } else if (!job.filter) {
        rows.resize(n);
        std::iota(rows.begin(), rows.end(), std::uint32_t{0});
    } else {
        // Only the fields the filter reads are filled; personal ones as shown (masked), so a
        // filter cannot probe hidden names ("manager = '王建国'" matches nothing).
        std::vector<model::Value> row(job.fields.size());
        const auto& used = job.filter->usedFields();
        for (std::size_t i = 0; i < n; ++i) {
            if ((i & 0xFFFF) == 0 && job.cancel->load()) throw CancelledError();
            for (const std::size_t f : used) {
                row[f] = s.value(i, job.columns[f]);
                const ColumnMasking& m = job.masking[f];
                if (m.masked && !model::isNull(row[f])) row[f] = model::mask(model::toText(row[f]), m.kind);
            }
            if (job.filter->matches(row)) rows.push_back(static_cast<std::uint32_t>(i));
        }
    }
    if (job.sortColumn >= 0) sortRows(rows, job);
    return rows;
}

} // namespace

ColumnMasking maskingOf(const model::Field& field) {
    const model::Sensitivity kind = model::sensitivityOfField(field.name);
    if (field.sensitive) return {true, kind == model::Sensitivity::None ? model::Sensitivity::Detail : kind};
    // A layer's plain "name" names a place (grid, building, post, street, community); layers
    // that carry people's names flag them, or name them so (manager, staff_name, ...).
    if (kind == model::Sensitivity::None || (kind == model::Sensitivity::Name && field.name == "name")) return {};
    return {true, kind};
}

// ---- AttributeTableModel -----------------------------------------------------------------------

AttributeTableModel::AttributeTableModel(QObject* parent) : QAbstractTableModel(parent) {}

QString AttributeTableModel::columnLabel(const std::string& key) {
    const QString shared = IdentifyPanel::fieldLabel(key);
    if (shared != QString::fromStdString(key)) return shared;
    // Fields of the map layers the identify panel does not show.
    static const std::vector<std::pair<std::string, const char*>> kLabels{
        {"id", QT_TR_NOOP("ID")},
        {"unit_id", QT_TR_NOOP("Unit ID")},
        {"building_id", QT_TR_NOOP("Building ID")},
        {"community_id", QT_TR_NOOP("Community ID")},
        {"grid_id", QT_TR_NOOP("Grid ID")},
        {"hardship", QT_TR_NOOP("Hardship")},
        {"minimum_income", QT_TR_NOOP("Minimum income")},
        {"elderly_alone", QT_TR_NOOP("Elderly living alone")},
        {"left_behind_children", QT_TR_NOOP("Left-behind children")},
        {"vacant", QT_TR_NOOP("Vacant")},
        {"has_member", QT_TR_NOOP("Has party member")},
        {"has_disability", QT_TR_NOOP("Disability")},
        {"vulnerable", QT_TR_NOOP("Needs attention")},
        {"flats_per_floor", QT_TR_NOOP("Flats per floor")},
        {"street_office", QT_TR_NOOP("Street office")},
        {"class", QT_TR_NOOP("Street class")},
        {"width_m", QT_TR_NOOP("Width (m)")},
    };
    for (const auto& [k, label] : kLabels)
        if (k == key) return tr(label);
    return QString::fromStdString(key);
}

void AttributeTableModel::setSnapshot(std::shared_ptr<const storage::LayerSnapshot> snapshot) {
    beginResetModel();
    m_snapshot = std::move(snapshot);
    m_fields.clear();
    m_columns.clear();
    m_masking.clear();
    m_rows.clear();
    if (m_snapshot) {
        m_fields = m_snapshot->fields();
        for (const auto& f : m_fields) {
            m_columns.push_back(m_snapshot->columnIndex(f.name));
            m_masking.push_back(maskingOf(f));
        }
        m_rows.resize(m_snapshot->size());
        std::iota(m_rows.begin(), m_rows.end(), std::uint32_t{0});
    }
    endResetModel();
}

void AttributeTableModel::setRows(std::vector<std::uint32_t> rows) {
    assert(!m_snapshot || std::all_of(rows.begin(), rows.end(), [&](std::uint32_t r) { return r < m_snapshot->size(); }));
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int AttributeTableModel::rowOfFeature(std::uint32_t feature) const {
    const auto it = std::find(m_rows.begin(), m_rows.end(), feature);
    return it == m_rows.end() ? -1 : static_cast<int>(it - m_rows.begin());
}

int AttributeTableModel::columnOf(const std::string& field) const {
    for (std::size_t i = 0; i < m_fields.size(); ++i)
        if (m_fields[i].name == field) return static_cast<int>(i);
    return -1;
}

QString AttributeTableModel::displayText(int row, int column) const {
    if (!m_snapshot || row < 0 || column < 0 || row >= rowCount() || column >= columnCount()) return {};
    const model::Value v = m_snapshot->value(featureAt(row), snapshotColumn(column));
    const ColumnMasking& m = masking(column);
    if (m.masked && !model::isNull(v)) return QString::fromStdString(model::mask(model::toText(v), m.kind));
    return formatValue(v);
}

int AttributeTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AttributeTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_fields.size());
}

QVariant AttributeTableModel::data(const QModelIndex& index, int role) const {
    if (!m_snapshot || !index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
    const auto col = static_cast<std::size_t>(index.column());
    switch (role) {
    case Qt::DisplayRole: {
        const model::Value v = m_snapshot->value(featureAt(index.row()), m_columns[col]);
        if (model::isNull(v)) return tr("NULL");
        const ColumnMasking& m = m_masking[col];
        return m.masked ? QString::fromStdString(model::mask(model::toText(v), m.kind)) : formatValue(v);
    }
    case Qt::ToolTipRole: {
        // Codes (use, member type) by their names; the cell keeps the code the filter uses.
        if (m_masking[col].masked) return {};
        const model::Value v = m_snapshot->value(featureAt(index.row()), m_columns[col]);
        if (model::isNull(v)) return {};
        const QString raw = formatValue(v);
        const QString shown = IdentifyPanel::displayValue(m_fields[col].name, raw);
        return shown != raw ? shown : QVariant();
    }
    case Qt::TextAlignmentRole:
        return isNumeric(m_fields[col].type) ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (model::isNull(m_snapshot->value(featureAt(index.row()), m_columns[col]))) return QBrush(Qt::gray);
        return {};
    case Qt::UserRole: return QVariant::fromValue<qint64>(m_snapshot->id(featureAt(index.row())));
    default: return {};
    }
}

QVariant AttributeTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole) return section + 1;
        return {};
    }
    if (section < 0 || section >= columnCount()) return {};
    const std::string& key = m_fields[static_cast<std::size_t>(section)].name;
    if (role == Qt::DisplayRole) return columnLabel(key);
    if (role == Qt::ToolTipRole) {
        QString tip = tr("In filters: %1").arg(QString::fromStdString(key));
        if (m_masking[static_cast<std::size_t>(section)].masked) tip += "\n" + tr("Personal data: shown masked");
        return tip;
    }
    return {};
}

void AttributeTableModel::sort(int column, Qt::SortOrder order) { emit sortRequested(column, order); }

// ---- AttributeTableDock ------------------------------------------------------------------------

struct AttributeTableDock::RowsResult {
    std::vector<std::uint32_t> rows;
    QString error;
    bool cancelled = false;
};

AttributeTableDock::AttributeTableDock(MapCanvas* canvas, QWidget* parent)
    : QDockWidget(tr("Attribute table"), parent), m_canvas(canvas) {
    setObjectName("AttributeTableDock");
    // Two workers: a sort of one layer need not wait behind the load of another.
    m_pool.setMaxThreadCount(2);
    m_model = new AttributeTableModel(this);
    buildUi();
    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(400);
    connect(&m_filterTimer, &QTimer::timeout, this, &AttributeTableDock::applyFilter);
    connect(m_model, &AttributeTableModel::sortRequested, this, &AttributeTableDock::onSortRequested);
    // On a city read by view the table lists the rows in the map view, and follows it.
    m_viewTimer.setSingleShot(true);
    m_viewTimer.setInterval(600);
    connect(&m_viewTimer, &QTimer::timeout, this, [this] {
        if (isVisible() && m_canvas && m_canvas->readsByView()) reload();
    });
    if (m_canvas) {
        connect(m_canvas, &MapCanvas::viewChanged, this, [this] {
            if (m_canvas->readsByView()) m_viewTimer.start();
        });
        setDocument(m_canvas->document());
    }
}

AttributeTableDock::~AttributeTableDock() {
    if (m_cancelRows) m_cancelRows->store(true);
    m_pool.waitForDone();
}

void AttributeTableDock::buildUi() {
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* bar = new QHBoxLayout;
    m_layerCombo = new QComboBox(body);
    m_layerCombo->setObjectName("LayerCombo");
    m_layerCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_filterEdit = new QLineEdit(body);
    m_filterEdit->setObjectName("FilterEdit");
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setPlaceholderText(tr("Filter, e.g. floor >= 10 and has_member"));
    m_filterEdit->setToolTip(tr("Compare fields with = != < <= > >=, like '王%', in ('501', '502'), contains '湖西', "
                                "is null, is not null; combine with and, or, not and parentheses. Text goes in quotes. "
                                "Hover over a column header for its name in filters."));
    m_filterError = new QLabel(body);
    m_filterError->setObjectName("FilterError");
    m_filterError->setStyleSheet("color: #c62828;");
    m_filterError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_filterError->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // a long message must not widen the dock
    m_count = new QLabel(body);
    m_count->setObjectName("RowCount");
    m_count->setToolTip(tr("Rows shown / rows in the layer"));
    bar->addWidget(m_layerCombo);
    bar->addWidget(m_filterEdit, 3);
    bar->addWidget(m_filterError, 2);
    bar->addWidget(m_count);
    layout->addLayout(bar);

    m_view = new QTableView(body);
    m_view->setObjectName("AttributeTable");
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    // Fixed row heights: a million rows must not be measured one by one.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setSortIndicatorShown(true);
    {
        m_resettingSort = true;
        m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
        m_view->setSortingEnabled(true);
        m_resettingSort = false;
    }
    layout->addWidget(m_view);
    setWidget(body);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AttributeTableDock::onSelectionChanged);
    connect(m_view, &QTableView::doubleClicked, this, &AttributeTableDock::onDoubleClicked);
    connect(m_layerCombo, &QComboBox::currentIndexChanged, this,
            [this](int i) { setCurrentLayer(m_layerCombo->itemData(i).toString()); });
    connect(m_filterEdit, &QLineEdit::textEdited, this, [this] { m_filterTimer.start(); });
    connect(m_filterEdit, &QLineEdit::returnPressed, this, [this] {
        applyFilter();
        // Put the cursor where the parser stopped.
        if (m_errorColumn > 0) {
            const QString text = m_filterEdit->text();
            int pos = 0;
            for (std::size_t c = 1; c < m_errorColumn && pos < text.size(); ++c) pos += text.at(pos).isHighSurrogate() ? 2 : 1;
            m_filterEdit->setCursorPosition(pos);
        }
    });
}

QString AttributeTableDock::layerTitle(const QString& source) const {
    if (source == "households") return tr("Households");
    if (source == "buildings") return tr("Buildings");
    if (source == "grids") return tr("Grids");
    if (source == "service_posts") return tr("Service posts");
    if (source == "streets") return tr("Streets");
    if (source == "units") return tr("Units");
    if (source == "communities") return tr("Communities");
    return source;
}

void AttributeTableDock::setDocument(std::shared_ptr<const render::MapDocument> doc) {
    m_doc = std::move(doc);
    QStringList sources;
    if (m_doc)
        for (const auto& layer : m_doc->layers) {
            const QString s = QString::fromStdString(layer.source);
            if (!s.isEmpty() && !sources.contains(s)) sources << s;
        }
    {
        const QSignalBlocker block(m_layerCombo);
        m_layerCombo->clear();
        for (const auto& s : sources) m_layerCombo->addItem(layerTitle(s), s);
    }
    const auto cache = m_canvas ? m_canvas->layerCache() : nullptr;
    if (sources.isEmpty() || !cache) {
        if (!m_layer.isEmpty()) m_filterTexts[m_layer] = m_filterEdit->text();
        m_layer.clear();
        m_cache.reset();
        m_pendingSelection.reset();
        startLoad(); // clears the table
        return;
    }
    setCurrentLayer(sources.contains(m_layer) ? m_layer : sources.front());
}

QString AttributeTableDock::currentLayer() const { return m_layer; }

void AttributeTableDock::setCurrentLayer(const QString& source) {
    const int i = m_layerCombo->findData(source);
    if (i < 0) return;
    if (m_layerCombo->currentIndex() != i) {
        const QSignalBlocker block(m_layerCombo);
        m_layerCombo->setCurrentIndex(i);
    }
    const auto cache = m_canvas ? m_canvas->layerCache() : nullptr;
    if (source == m_layer && cache == m_cache && (m_model->snapshot() || m_loading)) return;
    // Each layer keeps its own filter line (a households filter means nothing to streets).
    if (!m_layer.isEmpty()) m_filterTexts[m_layer] = m_filterEdit->text();
    m_layer = source;
    m_cache = cache;
    m_filterTimer.stop();
    m_filterEdit->setText(m_filterTexts.value(source));
    startLoad();
}

void AttributeTableDock::reload() {
    m_cache = m_canvas ? m_canvas->layerCache() : nullptr;
    startLoad();
}

void AttributeTableDock::startLoad() {
    ++m_loadGeneration;
    ++m_rowsGeneration; // a running filter/sort is of the old snapshot
    if (m_cancelRows) m_cancelRows->store(true);
    m_computing = false;
    m_filter.reset();
    m_appliedFilter.clear();
    setFilterError({});
    m_sortColumn = -1;
    m_sortOrder = Qt::AscendingOrder;
    m_resettingSort = true;
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_resettingSort = false;
    m_model->setSnapshot(nullptr);
    onSelectionChanged();
    if (!m_cache || m_layer.isEmpty()) {
        m_loading = false;
        updateCount();
        emit rowsChanged();
        return;
    }
    m_loading = true;
    updateCount();
    const quint64 generation = m_loadGeneration;
    auto cache = m_cache;
    const std::string name = m_layer.toStdString();
    // A city read by view: the rows in the map view, from the database (never the whole layer).
    m_inView = m_canvas && m_canvas->readsByView();
    const std::optional<model::Rect> view = m_inView ? std::optional<model::Rect>(m_canvas->visibleExtent()) : std::nullopt;
    m_pool.start([this, generation, cache, name, view] {
        std::shared_ptr<const storage::LayerSnapshot> snapshot;
        QString error;
        try {
            if (view) {
                auto atlas = storage::Atlas::open(cache->atlasPath(), storage::OpenMode::ReadOnly);
                snapshot = storage::loadLayerSnapshotInView(*atlas, name, *view);
            } else {
                snapshot = cache->layer(name);
            }
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        // The destructor waits for this pool, so `this` outlives the job; a posted call still
        // pending at destruction is discarded with the object.
        QMetaObject::invokeMethod(this, [this, generation, snapshot, error] { onLoaded(generation, snapshot, error); }, Qt::QueuedConnection);
    });
}

void AttributeTableDock::onLoaded(quint64 generation, std::shared_ptr<const storage::LayerSnapshot> snapshot, QString error) {
    if (generation != m_loadGeneration) return;
    m_loading = false;
    if (!snapshot) {
        m_count->setText(tr("Cannot load %1: %2").arg(layerTitle(m_layer), error));
        m_pendingSelection.reset();
        emit rowsChanged();
        return;
    }
    m_model->setSnapshot(std::move(snapshot));
    m_view->resizeColumnsToContents(); // measures the visible rows only
    if (!m_filterEdit->text().trimmed().isEmpty()) applyFilter();
    updateCount();
    if (!isBusy()) {
        applyPendingSelection();
        emit rowsChanged();
    }
}

void AttributeTableDock::applyFilter() {
    m_filterTimer.stop();
    if (!m_model->snapshot()) return; // applied when the layer arrives
    // Parsed untrimmed, so error columns match the line edit.
    const QString text = m_filterEdit->text().trimmed().isEmpty() ? QString() : m_filterEdit->text();
    if (text == m_appliedFilter) {
        setFilterError({});
        return;
    }
    if (text.isEmpty()) {
        m_filter.reset();
        m_appliedFilter.clear();
        setFilterError({});
        startRows(std::nullopt);
        return;
    }
    try {
        m_filter = std::make_shared<const model::Filter>(model::Filter::parse(text.toStdString(), m_model->fields()));
        m_appliedFilter = text;
        setFilterError({});
        startRows(std::nullopt);
    } catch (const model::FilterError& e) {
        // The rows keep showing the last filter that worked.
        m_errorColumn = e.column();
        const QString detail = translateFilterMessage(e.message());
        m_filterError->setText(e.column() > 0 ? tr("Column %1: %2").arg(e.column()).arg(detail) : detail);
        m_filterError->setToolTip(m_filterError->text());
    } catch (const std::exception& e) {
        setFilterError(QString::fromUtf8(e.what()));
    }
}

void AttributeTableDock::setFilterError(const QString& message) {
    m_errorColumn = 0;
    m_filterError->setText(message);
    m_filterError->setToolTip(message);
}

QString AttributeTableDock::filterError() const { return m_filterError->text(); }

void AttributeTableDock::onSortRequested(int column, Qt::SortOrder order) {
    if (m_resettingSort || !m_model->snapshot()) return;
    if (column < 0 && m_sortColumn < 0) return;
    m_sortColumn = column;
    m_sortOrder = order;
    // Sort the rows shown (stable, so earlier sorts break ties) unless a filter is still being
    // computed: then its job must filter and sort together.
    if (m_computing) startRows(std::nullopt);
    else startRows(m_model->rows());
}

void AttributeTableDock::startRows(std::optional<std::vector<std::uint32_t>> base) {
    if (!m_model->snapshot()) return;
    if (m_cancelRows) m_cancelRows->store(true);
    m_cancelRows = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++m_rowsGeneration;
    m_computing = true;
    updateCount();
    RowsJob job;
    job.snapshot = m_model->snapshot();
    job.filter = m_filter;
    job.fields = m_model->fields();
    for (int c = 0; c < m_model->columnCount(); ++c) {
        job.columns.push_back(m_model->snapshotColumn(c));
        job.masking.push_back(m_model->masking(c));
    }
    job.base = std::move(base);
    job.sortColumn = m_sortColumn < m_model->columnCount() ? m_sortColumn : -1;
    job.ascending = m_sortOrder == Qt::AscendingOrder;
    job.cancel = m_cancelRows;
    m_pool.start([this, generation, job]() mutable {
        auto result = std::make_shared<RowsResult>();
        try {
            result->rows = computeRows(job);
        } catch (const CancelledError&) {
            result->cancelled = true;
        } catch (const std::exception& e) {
            result->error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [this, generation, result] { onRows(generation, result); }, Qt::QueuedConnection);
    });
}

void AttributeTableDock::onRows(quint64 generation, std::shared_ptr<RowsResult> result) {
    if (generation != m_rowsGeneration) return;
    m_computing = false;
    if (result->cancelled) return; // only a newer job cancels, and that one changed the generation
    if (!result->error.isEmpty()) {
        setFilterError(result->error);
    } else {
        const auto selected = selectedFeatures();
        m_model->setRows(std::move(result->rows));
        restoreSelection(selected);
    }
    updateCount();
    if (!isBusy()) {
        applyPendingSelection();
        emit rowsChanged();
    }
}

std::vector<std::uint32_t> AttributeTableDock::selectedFeatures() const {
    std::vector<std::uint32_t> out;
    if (!m_model->snapshot()) return out;
    for (const auto& range : m_view->selectionModel()->selection())
        for (int row = range.top(); row <= range.bottom() && row < m_model->rowCount(); ++row) out.push_back(m_model->featureAt(row));
    return out;
}

void AttributeTableDock::restoreSelection(const std::vector<std::uint32_t>& features) {
    // The model reset cleared the selection; select the same features in their new rows.
    const auto& snapshot = m_model->snapshot();
    if (!snapshot || features.empty()) {
        onSelectionChanged();
        return;
    }
    std::vector<std::uint8_t> wanted(snapshot->size(), 0);
    for (const auto f : features) wanted[f] = 1;
    QItemSelection selection;
    const int rows = m_model->rowCount();
    const int lastColumn = m_model->columnCount() - 1;
    for (int row = 0; row < rows;) {
        if (!wanted[m_model->featureAt(row)]) {
            ++row;
            continue;
        }
        const int first = row;
        while (row < rows && wanted[m_model->featureAt(row)]) ++row;
        selection.select(m_model->index(first, 0), m_model->index(row - 1, lastColumn));
    }
    {
        const QSignalBlocker block(m_view->selectionModel());
        m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    }
    m_view->viewport()->update();
    onSelectionChanged();
}

model::Rect AttributeTableDock::selectionBounds() const {
    model::Rect r;
    const auto& snapshot = m_model->snapshot();
    if (!snapshot) return r;
    for (const auto& range : m_view->selectionModel()->selection())
        for (int row = range.top(); row <= range.bottom() && row < m_model->rowCount(); ++row)
            r.expand(snapshot->bounds(m_model->featureAt(row)));
    return r;
}

void AttributeTableDock::onSelectionChanged() {
    const model::Rect r = selectionBounds();
    if (r == m_lastBounds) return;
    m_lastBounds = r;
    if (m_canvas) m_canvas->setHighlight(r);
    emit selectionBoundsChanged(r);
}

void AttributeTableDock::onDoubleClicked(const QModelIndex& index) {
    const auto& snapshot = m_model->snapshot();
    if (!snapshot || !index.isValid()) return;
    const model::Rect r = m_view->selectionModel()->isRowSelected(index.row(), {}) ? selectionBounds()
                                                                                    : snapshot->bounds(m_model->featureAt(index.row()));
    if (!r.isEmpty()) emit zoomRequested(r);
}

void AttributeTableDock::selectFeature(const QString& layer, qint64 id) {
    if (m_layerCombo->findData(layer) < 0) return;
    m_pendingSelection = std::make_pair(layer, id);
    if (layer != m_layer || (!m_model->snapshot() && !m_loading)) setCurrentLayer(layer);
    applyPendingSelection();
}

void AttributeTableDock::applyPendingSelection() {
    if (!m_pendingSelection || isBusy()) return;
    const auto [layer, id] = *m_pendingSelection;
    m_pendingSelection.reset();
    const auto& snapshot = m_model->snapshot();
    if (layer != m_layer || !snapshot) return;
    std::size_t feature = 0;
    while (feature < snapshot->size() && snapshot->id(feature) != id) ++feature;
    if (feature == snapshot->size()) return;
    const int row = m_model->rowOfFeature(static_cast<std::uint32_t>(feature));
    if (row < 0) {
        setFilterError(tr("Feature %1 is hidden by the filter").arg(id));
        return;
    }
    const QModelIndex index = m_model->index(row, 0);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

int AttributeTableDock::shownRowCount() const { return m_model->rowCount(); }

int AttributeTableDock::totalRowCount() const {
    return m_model->snapshot() ? static_cast<int>(m_model->snapshot()->size()) : 0;
}

void AttributeTableDock::updateCount() {
    if (m_loading) {
        m_count->setText(tr("Loading %1…").arg(layerTitle(m_layer)));
        return;
    }
    if (!m_model->snapshot()) {
        m_count->clear();
        return;
    }
    const QLocale locale;
    QString text = m_inView ? tr("%1 / %2 in the map view").arg(locale.toString(shownRowCount()), locale.toString(totalRowCount()))
                            : tr("%1 / %2").arg(locale.toString(shownRowCount()), locale.toString(totalRowCount()));
    if (m_computing) text += " " + tr("(working…)");
    m_count->setText(text);
}

} // namespace gridatlas::app
