#include "app/grid_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "model/support/error.h"
#include "storage/atlas.h"

namespace gridatlas::app {

namespace {

QTableWidgetItem* numberItem(double value, int decimals = 0) {
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, decimals ? QVariant(QString::number(value, 'f', decimals)) : QVariant(static_cast<qlonglong>(value)));
    item->setData(Qt::UserRole, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidgetItem* textItem(const QString& text) { return new QTableWidgetItem(text); }

// The problem in the user's language, from its parts (the library's message is English).
QString detailText(const storage::GridProblem& p) {
    QStringList codes;
    for (const auto& c : p.gridCodes) codes << QString::fromStdString(c);
    const QString grids = codes.join(QStringLiteral("、"));
    const QString area = QString::number(p.area, 'f', 1);
    const QString building = p.buildingId ? QString::number(*p.buildingId) : QString();
    switch (p.kind) {
    case storage::GridProblemKind::InvalidPolygon: return GridPanel::tr("The boundary of grid %1 crosses itself or is broken").arg(grids);
    case storage::GridProblemKind::Overlap: return GridPanel::tr("Grids %1 overlap by %2 m²").arg(grids, area);
    case storage::GridProblemKind::Gap: return GridPanel::tr("%1 m² of the community lie in no grid").arg(area);
    case storage::GridProblemKind::OutsideCommunity: return GridPanel::tr("%1 m² of grid %2 lie outside its community").arg(area, grids);
    case storage::GridProblemKind::CutBuilding: return GridPanel::tr("The boundary of grid %1 cuts building %2").arg(grids, building);
    case storage::GridProblemKind::EmptyGrid: return GridPanel::tr("Grid %1 holds no building").arg(grids);
    case storage::GridProblemKind::MissingStaff: return GridPanel::tr("Grid %1 lacks one of its three staff").arg(grids);
    case storage::GridProblemKind::StaleAssignment:
        return GridPanel::tr("Building %1 is recorded in another grid than the one holding most of it (%2)").arg(building, grids);
    }
    return QString::fromStdString(p.message);
}

} // namespace

QString GridPanel::kindText(storage::GridProblemKind kind) {
    switch (kind) {
    case storage::GridProblemKind::InvalidPolygon: return tr("Invalid polygon");
    case storage::GridProblemKind::Overlap: return tr("Grids overlap");
    case storage::GridProblemKind::Gap: return tr("Gap between grids");
    case storage::GridProblemKind::OutsideCommunity: return tr("Outside its community");
    case storage::GridProblemKind::CutBuilding: return tr("Boundary cuts a building");
    case storage::GridProblemKind::EmptyGrid: return tr("Grid without buildings");
    case storage::GridProblemKind::MissingStaff: return tr("Staff missing");
    case storage::GridProblemKind::StaleAssignment: return tr("Building in the wrong grid");
    }
    return {};
}

GridPanel::GridPanel(QWidget* parent) : QDockWidget(tr("Grid Checks and Statistics"), parent) {
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    auto* bar = new QHBoxLayout;
    m_run = new QPushButton(tr("Check Grids"), body);
    m_cancel = new QPushButton(tr("Cancel"), body);
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(body);
    m_progress->setRange(0, 100);
    m_progress->setVisible(false);
    m_summary = new QLabel(body);
    m_summary->setWordWrap(true);
    bar->addWidget(m_run);
    bar->addWidget(m_cancel);
    bar->addWidget(m_progress, 1);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    m_tabs = new QTabWidget(body);
    m_problemTable = new QTableWidget(0, 4, body);
    m_problemTable->setHorizontalHeaderLabels({tr("Problem"), tr("Grids"), tr("Area (m²)"), tr("Details")});
    m_problemTable->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_problemTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_problemTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_statsTable = new QTableWidget(0, 12, body);
    m_statsTable->setHorizontalHeaderLabels({tr("Code"), tr("Grid"), tr("Community"), tr("Buildings"), tr("Households"),
                                             tr("Target"), tr("Deviation (%)"), tr("Residents"), tr("Members"),
                                             tr("Households in care"), tr("Posts"), tr("Households per staff")});
    m_statsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_statsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_statsTable->setSortingEnabled(true);
    m_tabs->addTab(m_problemTable, tr("Checks"));
    m_tabs->addTab(m_statsTable, tr("Statistics"));
    layout->addWidget(m_tabs, 1);
    setWidget(body);

    connect(m_run, &QPushButton::clicked, this, &GridPanel::refresh);
    connect(m_cancel, &QPushButton::clicked, this, &GridPanel::cancel);
    connect(m_problemTable, &QTableWidget::cellActivated, this, [this](int row, int) {
        const int i = m_problemTable->item(row, 0)->data(Qt::UserRole).toInt();
        if (i >= 0 && i < static_cast<int>(m_problems.size())) {
            model::Rect r = m_problems[static_cast<std::size_t>(i)].bounds;
            if (r.isEmpty()) {
                const model::Vec2 p = m_problems[static_cast<std::size_t>(i)].location;
                r = model::Rect{p.x - 50, p.y - 50, p.x + 50, p.y + 50};
            }
            emit zoomRequested(r);
        }
    });
}

GridPanel::~GridPanel() {
    cancel();
    join();
}

void GridPanel::setAtlas(const QString& atlasPath) {
    cancel();
    join();
    m_atlasPath = atlasPath;
    m_problems.clear();
    m_stats = {};
    m_problemTable->setRowCount(0);
    m_statsTable->setRowCount(0);
    m_summary->clear();
}

void GridPanel::cancel() {
    if (m_feedback) m_feedback->cancel();
}

void GridPanel::join() {
    if (m_worker.joinable()) m_worker.join();
}

void GridPanel::refresh() {
    if (m_atlasPath.isEmpty() || m_running) return;
    join();
    m_running = true;
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_summary->setText(tr("Checking the grids..."));
    m_feedback = std::make_unique<Feedback>();
    QPointer<GridPanel> self(this);
    m_feedback->setProgressCallback([self](double percent, const std::string&) {
        QMetaObject::invokeMethod(
            self, [self, percent] {
                if (self) self->m_progress->setValue(static_cast<int>(percent / 2));
            },
            Qt::QueuedConnection);
    });
    m_worker = std::thread([self, path = m_atlasPath.toStdString(), feedback = m_feedback.get()] {
        std::vector<storage::GridProblem> problems;
        storage::GridStatsResult stats;
        QString error;
        try {
            auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
            problems = storage::checkGrids(*atlas, {}, feedback);
            feedback->throwIfCancelled();
            stats = storage::computeGridStats(*atlas, nullptr);
        } catch (const CancelledError&) {
            error = tr("Cancelled");
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            self,
            [self, problems = std::move(problems), stats = std::move(stats), error]() mutable {
                if (self) self->showResults(std::move(problems), std::move(stats), error);
            },
            Qt::QueuedConnection);
    });
}

void GridPanel::showResults(std::vector<storage::GridProblem> problems, storage::GridStatsResult stats, QString error) {
    join();
    m_running = false;
    m_run->setEnabled(true);
    m_cancel->setEnabled(false);
    m_progress->setVisible(false);
    if (!error.isEmpty()) {
        m_summary->setText(error);
        emit finished();
        return;
    }
    m_problems = std::move(problems);
    m_stats = std::move(stats);
    m_problemTable->setRowCount(static_cast<int>(m_problems.size()));
    for (std::size_t i = 0; i < m_problems.size(); ++i) {
        const auto& p = m_problems[i];
        const int row = static_cast<int>(i);
        auto* kind = textItem(kindText(p.kind));
        kind->setData(Qt::UserRole, row);
        m_problemTable->setItem(row, 0, kind);
        QStringList codes;
        for (const auto& c : p.gridCodes) codes << QString::fromStdString(c);
        m_problemTable->setItem(row, 1, textItem(codes.join(", ")));
        m_problemTable->setItem(row, 2, p.area > 0 ? numberItem(p.area, 1) : textItem(QString()));
        auto* detail = textItem(detailText(p));
        detail->setToolTip(QString::fromStdString(p.message));
        m_problemTable->setItem(row, 3, detail);
    }
    m_statsTable->setSortingEnabled(false);
    m_statsTable->setRowCount(static_cast<int>(m_stats.grids.size()));
    for (std::size_t i = 0; i < m_stats.grids.size(); ++i) {
        const auto& g = m_stats.grids[i];
        const int row = static_cast<int>(i);
        m_statsTable->setItem(row, 0, textItem(QString::fromStdString(g.code)));
        m_statsTable->setItem(row, 1, textItem(QString::fromStdString(g.name)));
        m_statsTable->setItem(row, 2, textItem(QString::fromStdString(g.community)));
        m_statsTable->setItem(row, 3, numberItem(g.buildings));
        m_statsTable->setItem(row, 4, numberItem(g.households));
        m_statsTable->setItem(row, 5, g.targetHouseholds ? numberItem(*g.targetHouseholds) : textItem(QString()));
        m_statsTable->setItem(row, 6, g.deviation() ? numberItem(*g.deviation() * 100.0, 1) : textItem(QString()));
        m_statsTable->setItem(row, 7, numberItem(g.residents));
        m_statsTable->setItem(row, 8, numberItem(g.members));
        m_statsTable->setItem(row, 9, numberItem(g.vulnerableHouseholds));
        m_statsTable->setItem(row, 10, numberItem(g.servicePosts));
        m_statsTable->setItem(row, 11, g.householdsPerStaff() ? numberItem(*g.householdsPerStaff(), 0) : textItem(tr("no staff")));
    }
    m_statsTable->setSortingEnabled(true);
    m_summary->setText(m_problems.empty() ? tr("No problems in %1 grids.").arg(m_stats.grids.size())
                                          : tr("%1 problems in %2 grids; double-click one to go there.")
                                                .arg(m_problems.size())
                                                .arg(m_stats.grids.size()));
    emit finished();
}

} // namespace gridatlas::app
