#include "app/floor_plan_view.h"
#include "app/reveal.h"

#include <QCheckBox>
#include <QSignalBlocker>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

#include "model/domain.h"
#include "model/support/error.h"
#include "render/fonts.h"
#include "storage/atlas.h"

namespace gridatlas::app {

namespace {

render::PlanStatus planStatus(storage::CellStatus s) {
    return static_cast<render::PlanStatus>(static_cast<int>(s));
}
static_assert(static_cast<int>(storage::CellStatus::Member) == static_cast<int>(render::PlanStatus::Member) &&
                  static_cast<int>(storage::CellStatus::Care) == static_cast<int>(render::PlanStatus::Care),
              "storage::CellStatus and render::PlanStatus list the statuses in the same order");

QString statusName(render::PlanStatus s) {
    switch (s) {
    case render::PlanStatus::Member:
        return FloorPlanDock::tr("Member household");
    case render::PlanStatus::Hardship:
        return FloorPlanDock::tr("Hardship or minimum income");
    case render::PlanStatus::ElderlyAlone:
        return FloorPlanDock::tr("Elderly living alone");
    case render::PlanStatus::Disability:
        return FloorPlanDock::tr("Resident with a disability");
    case render::PlanStatus::LeftBehindChildren:
        return FloorPlanDock::tr("Left-behind children");
    case render::PlanStatus::Care:
        return FloorPlanDock::tr("Household in care");
    case render::PlanStatus::Ordinary:
        return FloorPlanDock::tr("Ordinary household");
    case render::PlanStatus::Vacant:
        return FloorPlanDock::tr("Vacant");
    case render::PlanStatus::NoHousehold:
        return FloorPlanDock::tr("No household on record");
    }
    return {};
}

QString floorName(int floor) {
    return floor < 0 ? FloorPlanDock::tr("Basement %1").arg(-floor) : FloorPlanDock::tr("Floor %1").arg(floor);
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QPainterPath pathOf(const model::Geometry& g, const std::function<QPointF(model::Vec2)>& toPx) {
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill);
    for (std::size_t r = 0; r < g.ringEnds.size(); ++r) {
        const std::uint32_t begin = g.ringBegin(r), end = g.ringEnds[r];
        if (end <= begin) continue;
        path.moveTo(toPx(g.coords[begin]));
        for (std::uint32_t i = begin + 1; i < end; ++i) path.lineTo(toPx(g.coords[i]));
        path.closeSubpath();
    }
    return path;
}

} // namespace

// ---- BuildingTableModel --------------------------------------------------------------------

BuildingTableModel::BuildingTableModel(QObject* parent) : QAbstractTableModel(parent) {
}

void BuildingTableModel::setTable(storage::BuildingTable table, bool reveal) {
    beginResetModel();
    m_table = std::move(table);
    m_reveal = reveal;
    endResetModel();
}

void BuildingTableModel::setReveal(bool reveal) {
    if (reveal == m_reveal) return;
    m_reveal = reveal;
    if (rowCount() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int BuildingTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || m_table.floorNumbers.empty() ? 0 : static_cast<int>(m_table.floorNumbers.size()) + 1;
}

int BuildingTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || m_table.columns == 0 ? 0 : m_table.columns + 1;
}

const storage::BuildingTableCell* BuildingTableModel::cellAt(const QModelIndex& index) const {
    if (!index.isValid() || index.row() >= static_cast<int>(m_table.floorNumbers.size()) || index.column() >= m_table.columns)
        return nullptr;
    return &m_table.cell(static_cast<std::size_t>(index.row()), static_cast<std::size_t>(index.column()));
}

render::PlanStatus BuildingTableModel::statusAt(const QModelIndex& index) const {
    const auto* c = cellAt(index);
    return c ? planStatus(c->status(m_reveal)) : render::PlanStatus::NoHousehold;
}

QModelIndex BuildingTableModel::indexOfHousehold(qint64 householdId) const {
    if (householdId == 0) return {};
    for (std::size_t r = 0; r < m_table.floorNumbers.size(); ++r)
        for (int c = 0; c < m_table.columns; ++c)
            if (m_table.cell(r, static_cast<std::size_t>(c)).householdId == householdId) return index(static_cast<int>(r), c);
    return {};
}

QVariant BuildingTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const int floors = static_cast<int>(m_table.floorNumbers.size());
    if (const auto* c = cellAt(index)) {
        const render::PlanStatus s = planStatus(c->status(m_reveal));
        switch (role) {
        case Qt::DisplayRole:
            return c->members > 0 ? q(c->room) + QStringLiteral(" ★%1").arg(c->members) : q(c->room);
        case Qt::BackgroundRole:
            return QBrush(render::planStatusColor(s));
        case Qt::ForegroundRole:
            return QBrush(s == render::PlanStatus::NoHousehold ? QColor(0x99, 0x99, 0x99) : QColor(0x22, 0x22, 0x22));
        case Qt::TextAlignmentRole:
            return int(Qt::AlignCenter);
        case Qt::ToolTipRole: {
            QString tip = q(c->room) + QStringLiteral(" · ") + statusName(s);
            if (c->hasHousehold())
                tip += QStringLiteral(" · ") + tr("%1 residents, %2 members").arg(c->residents).arg(c->members);
            return tip;
        }
        case Qt::UserRole:
            return QVariant::fromValue<qint64>(c->householdId);
        default:
            return {};
        }
    }
    if (role == Qt::UserRole) return QVariant::fromValue<qint64>(0);
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignCenter);
    if (role == Qt::BackgroundRole) return QBrush(QColor(0xf3, 0xf1, 0xec));
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    auto counts = [&](const storage::BuildingTableCount& n) { return tr("%1 hh / %2 members").arg(n.households).arg(n.members); };
    if (index.column() == m_table.columns) {
        if (index.row() < floors) return counts(m_table.floorCounts[static_cast<std::size_t>(index.row())]);
        return counts(m_table.total);
    }
    // Totals row: each unit's counts under its first flat.
    for (const auto& u : m_table.units)
        if (index.column() == u.firstColumn) return counts(u.count);
    return {};
}

QVariant BuildingTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
    if (orientation == Qt::Horizontal) {
        if (section == m_table.columns) return tr("Households / members");
        if (section < 0 || section > m_table.columns) return {};
        const auto& u = m_table.unitOfColumn(section);
        return tr("Unit %1 · %2").arg(u.number).arg(section - u.firstColumn + 1, 2, 10, QLatin1Char('0'));
    }
    if (section < static_cast<int>(m_table.floorNumbers.size()))
        return floorName(m_table.floorNumbers[static_cast<std::size_t>(section)]);
    return tr("Total");
}

// ---- FloorDrawingWidget --------------------------------------------------------------------

FloorDrawingWidget::FloorDrawingWidget(QWidget* parent) : QWidget(parent) {
    setMinimumSize(160, 100);
    setMouseTracking(false);
}

void FloorDrawingWidget::setDrawing(render::PlanDrawing drawing, std::vector<qint64> households) {
    m_drawing = std::move(drawing);
    m_households = std::move(households);
    m_bounds = {};
    for (const auto& r : m_drawing.rooms) m_bounds.expand(r.polygon.bounds());
    update();
}

void FloorDrawingWidget::setSelectedHousehold(qint64 householdId) {
    m_selected = householdId;
    update();
}

QRectF FloorDrawingWidget::drawingRect() const {
    return QRectF(rect()).adjusted(8, 8, -8, -8);
}

QPointF FloorDrawingWidget::toWidget(model::Vec2 p) const {
    const QRectF r = drawingRect();
    const double s = std::min(r.width() / std::max(m_bounds.width(), 1e-9), r.height() / std::max(m_bounds.height(), 1e-9));
    const model::Vec2 c = m_bounds.center();
    return {r.center().x() + (p.x - c.x) * s, r.center().y() - (p.y - c.y) * s};
}

model::Vec2 FloorDrawingWidget::toDrawing(QPointF p) const {
    const QRectF r = drawingRect();
    const double s = std::min(r.width() / std::max(m_bounds.width(), 1e-9), r.height() / std::max(m_bounds.height(), 1e-9));
    const model::Vec2 c = m_bounds.center();
    return {c.x + (p.x() - r.center().x()) / s, c.y - (p.y() - r.center().y()) / s};
}

std::optional<QPointF> FloorDrawingWidget::positionOf(qint64 householdId) const {
    for (std::size_t i = 0; i < m_drawing.rooms.size() && i < m_households.size(); ++i)
        if (householdId != 0 && m_households[i] == householdId) return toWidget(model::interiorPoint(m_drawing.rooms[i].polygon));
    return std::nullopt;
}

void FloorDrawingWidget::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (m_drawing.rooms.empty() || m_bounds.isEmpty()) return;
    painter.setRenderHint(QPainter::Antialiasing, true);
    render::paintPlanDrawing(painter, m_drawing, drawingRect(), logicalDpiX(), 8.0);
    for (std::size_t i = 0; i < m_drawing.rooms.size() && i < m_households.size(); ++i) {
        if (m_selected == 0 || m_households[i] != m_selected) continue;
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(0x1f, 0x6f, 0xd1), 3));
        painter.drawPath(pathOf(m_drawing.rooms[i].polygon, [this](model::Vec2 p) { return toWidget(p); }));
    }
}

void FloorDrawingWidget::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || m_bounds.isEmpty()) return;
    const model::Vec2 p = toDrawing(event->position());
    // The smallest flat under the click.
    std::optional<std::size_t> hit;
    for (std::size_t i = 0; i < m_drawing.rooms.size() && i < m_households.size(); ++i) {
        const auto& r = m_drawing.rooms[i];
        if (r.kind != "flat" || !model::contains(r.polygon, p)) continue;
        if (!hit || std::abs(model::area(r.polygon)) < std::abs(model::area(m_drawing.rooms[*hit].polygon))) hit = i;
    }
    if (hit && m_households[*hit] != 0) emit householdClicked(m_households[*hit]);
}

// ---- FloorPlanDock -------------------------------------------------------------------------

FloorPlanDock::FloorPlanDock(QWidget* parent) : QDockWidget(tr("Building table and floor plan"), parent) {
    setObjectName(QStringLiteral("floorPlanDock"));
    render::ensureFontsLoaded();
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* head = new QHBoxLayout;
    m_title = new QLabel(tr("No building"), body);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_reveal = new QCheckBox(tr("Show personal data"), body);
    m_reveal->setToolTip(tr("Names, phones, ID numbers and hardship or health details are masked until this is ticked"));
    head->addWidget(m_title, 1);
    head->addWidget(m_reveal);
    layout->addLayout(head);
    m_summary = new QLabel(body);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_legend = new QLabel(body);
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    layout->addWidget(m_legend);
    updateLegend();

    auto* split = new QSplitter(Qt::Vertical, body);
    m_model = new BuildingTableModel(this);
    m_view = new QTableView(split);
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Fixed widths: measuring every cell of a 33-floor tower would cost more than loading it.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setDefaultSectionSize(84);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(22);
    m_view->setStyleSheet(QStringLiteral("QTableView::item:selected { border: 2px solid #1f6fd1; color: #000; }"));
    split->addWidget(m_view);

    m_tabs = new QTabWidget(split);
    m_residents = new QTableWidget(0, 9, m_tabs);
    m_residents->setHorizontalHeaderLabels({tr("Name of resident"), tr("Relation"), tr("Gender"), tr("Birth year"), tr("Phone"),
                                            tr("ID number"), tr("Party member"), tr("Branch"), tr("Disability")});
    m_residents->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_residents->verticalHeader()->hide();
    m_residents->horizontalHeader()->setStretchLastSection(true);
    m_tabs->addTab(m_residents, tr("Residents of the household"));
    auto* planPage = new QWidget(m_tabs);
    auto* planLayout = new QVBoxLayout(planPage);
    planLayout->setContentsMargins(0, 4, 0, 0);
    auto* floorRow = new QHBoxLayout;
    floorRow->addWidget(new QLabel(tr("Floor:"), planPage));
    m_floors = new QComboBox(planPage);
    floorRow->addWidget(m_floors, 1);
    planLayout->addLayout(floorRow);
    m_drawing = new FloorDrawingWidget(planPage);
    planLayout->addWidget(m_drawing, 1);
    m_tabs->addTab(planPage, tr("Drawn floor plan"));
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    setWidget(body);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        if (m_syncing) return;
        const auto* cell = m_model->cellAt(current);
        select(cell ? cell->householdId : 0, true);
    });
    connect(m_drawing, &FloorDrawingWidget::householdClicked, this, [this](qint64 id) { select(id, true); });
    connect(m_floors, &QComboBox::currentIndexChanged, this, [this](int) { updateDrawing(); });
    connect(m_reveal, &QCheckBox::toggled, this, [this](bool on) {
        // Shown in full: an encrypted atlas needs its passphrase, and the reveal is logged.
        if (on && m_atlas && !authorizeReveal(this, m_atlas->path(), QStringLiteral("floor plan: building %1").arg(m_buildingId))) {
            const QSignalBlocker block(m_reveal);
            m_reveal->setChecked(false);
            return;
        }
        setReveal(on);
    });
}

FloorPlanDock::~FloorPlanDock() = default;

bool FloorPlanDock::isRevealed() const {
    return m_reveal->isChecked();
}

bool FloorPlanDock::showBuilding(const QString& atlasPath, qint64 buildingId) {
    m_error.clear();
    m_selected = 0;
    try {
        if (!m_atlas || QString::fromStdString(m_atlas->path()) != atlasPath)
            m_atlas = storage::Atlas::open(atlasPath.toStdString(), storage::OpenMode::ReadOnly);
        storage::BuildingTable table = storage::loadBuildingTable(*m_atlas, buildingId);
        m_plan = storage::loadFloorPlan(*m_atlas, buildingId);
        m_buildingId = buildingId;
        m_syncing = true;
        m_model->setTable(std::move(table), isRevealed());
        m_syncing = false;
    } catch (const Error& e) {
        m_atlas.reset();
        m_buildingId = 0;
        m_plan = {};
        m_syncing = true;
        m_model->setTable({}, isRevealed());
        m_syncing = false;
        m_error = QString::fromUtf8(e.what());
        m_title->setText(tr("Cannot show the building"));
        m_summary->setText(m_error);
        m_floors->clear();
        m_drawing->setDrawing({}, {});
        updateResidents();
        return false;
    }
    // The unit columns read best with a divider; the totals row spans each unit.
    const auto& t = m_model->table();
    m_view->clearSpans();
    m_view->setColumnWidth(t.columns, 150);
    for (const auto& u : t.units)
        if (u.flats > 1) m_view->setSpan(static_cast<int>(t.floorNumbers.size()), u.firstColumn, 1, u.flats);
    updateTitle();
    {
        const QSignalBlocker block(m_floors);
        m_floors->clear();
        const auto floors = m_plan.floors();
        for (auto it = floors.rbegin(); it != floors.rend(); ++it) m_floors->addItem(floorName(*it), *it);
        m_floors->setEnabled(!floors.empty());
        if (!floors.empty()) m_floors->setCurrentIndex(m_floors->count() - 1); // the lowest floor
    }
    m_tabs->setTabEnabled(1, !m_plan.rooms.empty());
    updateDrawing();
    updateResidents();
    return true;
}

void FloorPlanDock::updateTitle() {
    const auto& t = m_model->table();
    m_title->setText(q(t.community) + QStringLiteral(" ") +
                     (t.compound.empty() ? QString() : q(t.compound) + QStringLiteral(" ")) + q(t.number));
    m_summary->setText(tr("%1 floors, %2 units; %3 households, %4 residents, %5 members in %6 households; %7 households in care")
                           .arg(t.floors)
                           .arg(t.units.size())
                           .arg(t.total.households)
                           .arg(t.total.residents)
                           .arg(t.total.members)
                           .arg(t.total.memberHouseholds)
                           .arg(t.total.vulnerableHouseholds) +
                       (m_plan.rooms.empty() ? QStringLiteral(" · ") + tr("no drawn plan") : QString()));
}

int FloorPlanDock::currentFloor() const {
    return m_floors->count() ? m_floors->currentData().toInt() : 0;
}

void FloorPlanDock::showFloor(int floor) {
    const int i = m_floors->findData(floor);
    if (i >= 0) m_floors->setCurrentIndex(i);
}

void FloorPlanDock::updateDrawing() {
    const int floor = currentFloor();
    render::PlanDrawing d;
    std::vector<qint64> households;
    const auto& t = m_model->table();
    if (floor != 0) {
        d.title = floorName(floor).toStdString();
        for (const auto& room : m_plan.rooms) {
            if (!room.isOn(floor)) continue;
            render::PlanRoomShape s;
            s.polygon = room.geometry;
            s.label = room.label;
            s.kind = room.kind;
            qint64 household = 0;
            if (room.kind == "flat") {
                const int unit = room.unit ? room.unit : (t.units.size() == 1 ? t.units.front().number : 0);
                if (const auto* cell = t.find(floor, unit, room.flatNumber())) {
                    s.status = planStatus(cell->status(isRevealed()));
                    s.members = cell->members;
                    household = cell->householdId;
                    // The room number on this floor says more than the drawing's flat label.
                    if (cell->hasHousehold())
                        s.label = (t.units.size() > 1 ? std::to_string(unit) + "-" : std::string()) + cell->room;
                }
            }
            d.rooms.push_back(std::move(s));
            households.push_back(household);
        }
    }
    m_drawing->setDrawing(std::move(d), std::move(households));
    m_drawing->setSelectedHousehold(m_selected);
}

void FloorPlanDock::updateResidents() {
    m_residents->setRowCount(0);
    if (!m_atlas || m_selected == 0) return;
    const bool reveal = isRevealed();
    std::vector<storage::HouseholdResident> people;
    try {
        people = storage::loadHouseholdResidents(*m_atlas, m_selected, reveal);
    } catch (const Error& e) {
        m_summary->setText(QString::fromUtf8(e.what()));
        return;
    }
    m_residents->setRowCount(static_cast<int>(people.size()));
    for (int r = 0; r < static_cast<int>(people.size()); ++r) {
        const auto& p = people[static_cast<std::size_t>(r)];
        QString member;
        if (p.isMember) {
            const auto type = model::findCode(model::kMemberTypes, p.memberType);
            member = type ? q(std::string(type->nameZh)) : tr("Yes");
        }
        const QStringList cells{q(p.name),
                                q(p.relation),
                                p.gender == "M"   ? tr("Male")
                                : p.gender == "F" ? tr("Female")
                                                  : QString(),
                                p.birthYear ? QString::number(*p.birthYear) : QString(),
                                q(p.phone),
                                q(p.idNumber),
                                member,
                                q(p.branch),
                                p.disability ? (*p.disability ? tr("Yes") : tr("No")) : QStringLiteral("***")};
        for (int c = 0; c < cells.size(); ++c) m_residents->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    m_residents->resizeColumnsToContents();
}

void FloorPlanDock::select(qint64 householdId, bool fromUser) {
    m_selected = householdId;
    const QModelIndex index = m_model->indexOfHousehold(householdId);
    m_syncing = true;
    if (index.isValid()) {
        m_view->setCurrentIndex(index);
        m_view->scrollTo(index);
    } else if (!fromUser) {
        m_view->clearSelection();
    }
    // The drawn floor follows the household's floor where the plan has it.
    if (const auto* cell = m_model->cellAt(index); cell && m_floors->findData(cell->floor) >= 0) showFloor(cell->floor);
    m_syncing = false;
    m_drawing->setSelectedHousehold(householdId);
    updateResidents();
    if (fromUser && householdId != 0) emit householdSelected(householdId);
}

void FloorPlanDock::selectHousehold(qint64 householdId) {
    select(householdId, false);
}

void FloorPlanDock::updateLegend() {
    // Colour swatches as rich text: the legend wraps with the dock's width.
    QString html;
    for (render::PlanStatus s : render::planLegendStatuses(isRevealed())) {
        const QColor c = render::planStatusColor(s);
        const bool none = s == render::PlanStatus::NoHousehold; // white: an outlined square
        html += QStringLiteral("<span style=\"color:%1; font-size:large;\">%2</span>&nbsp;%3&nbsp;&nbsp;&nbsp; ")
                    .arg(none ? QStringLiteral("#999999") : c.name(), none ? QStringLiteral("□") : QStringLiteral("■"),
                         statusName(s).toHtmlEscaped());
    }
    html +=
        QStringLiteral("<span style=\"color:#c0161b;\"><b>★n</b></span>&nbsp;") + tr("members in the household").toHtmlEscaped();
    m_legend->setText(html);
}

void FloorPlanDock::setReveal(bool reveal) {
    updateLegend();
    m_model->setReveal(reveal);
    updateDrawing();
    updateResidents();
}

} // namespace gridatlas::app
