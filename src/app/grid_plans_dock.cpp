#include "app/grid_plans_dock.h"

#include "app/result_tables.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMetaObject>
#include <QPainter>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "render/map_document.h"
#include "render/map_renderer.h"
#include "render/map_settings.h"
#include "render/style.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/grid_plan_layers.h"
#include "storage/grid_propose.h"
#include "storage/layer_cache.h"

namespace gridatlas::app {

namespace {

QTableWidget* makeTable(const QStringList& header, QWidget* parent) {
    auto* t = makeResultTable(header, parent);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    return t;
}

/// A count, with a sign when `signedValue` and positive (+12).
QTableWidgetItem* number(long long v, bool signedValue = false) {
    auto* item = numberItem(static_cast<double>(v));
    if (signedValue && v > 0) item->setData(Qt::DisplayRole, QStringLiteral("+%1").arg(v));
    return item;
}

/// The compare maps' pixels: the largest image of the compared area's shape that fits the view
/// (`box`), so labels keep their size on screen.
QSize compareImageSize(const model::Rect& extent, QSize box) {
    box = box.expandedTo(QSize(160, 160));
    const double aspect = extent.height() > 0 ? std::clamp(extent.width() / extent.height(), 0.25, 4.0) : 1.0;
    QSize size(box.width(), static_cast<int>(box.width() / aspect));
    if (size.height() > box.height()) size = QSize(static_cast<int>(box.height() * aspect), box.height());
    return size.expandedTo(QSize(32, 32));
}

} // namespace

/// One side of the compare view: the image a worker drew, scaled to the widget.
class PlanMapView : public QWidget {
public:
    explicit PlanMapView(QWidget* parent) : QWidget(parent) { setMinimumSize(160, 200); }
    void setImage(QImage image, QString title) {
        m_image = std::move(image);
        m_title = std::move(title);
        update();
    }
    [[nodiscard]] const QImage& image() const { return m_image; }
    /// Where the image goes: below the title.
    [[nodiscard]] QSize imageArea() const { return {width(), height() - titleHeight()}; }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.fillRect(rect(), palette().base());
        p.drawText(QRect(0, 0, width(), titleHeight()), Qt::AlignCenter, m_title);
        if (m_image.isNull()) return;
        const QRect area(0, titleHeight(), width(), height() - titleHeight());
        QSize s = m_image.size().scaled(area.size(), Qt::KeepAspectRatio);
        const QRect target(area.x() + (area.width() - s.width()) / 2, area.y() + (area.height() - s.height()) / 2, s.width(),
                           s.height());
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(target, m_image);
        p.setPen(QColor(180, 180, 180));
        p.drawRect(target.adjusted(0, 0, -1, -1));
    }

private:
    [[nodiscard]] int titleHeight() const { return fontMetrics().height() + 6; }
    QImage m_image;
    QString m_title;
};

GridPlansDock::GridPlansDock(QWidget* parent) : QDockWidget(tr("Grid Plans"), parent) {
    setObjectName(QStringLiteral("gridPlansDock"));
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);

    m_plansTable = makeTable({tr("Plan"), tr("Kind"), tr("Saved"), tr("Grids"), tr("Buildings"), tr("Note")}, body);
    m_plansTable->setMaximumHeight(120);
    layout->addWidget(m_plansTable, 1);

    auto* buttons = new QHBoxLayout;
    auto addAction = [&](const QString& text, auto slot) {
        auto* b = new QPushButton(text, body);
        connect(b, &QPushButton::clicked, this, slot);
        buttons->addWidget(b);
        m_actions.push_back(b);
        return b;
    };
    addAction(tr("Save Current..."), [this] { askAndSave(); });
    addAction(tr("Propose..."), [this] { askAndPropose(); });
    addAction(tr("Show on Map"), [this] {
        if (!selectedPlan().isEmpty()) showOnMap(selectedPlan());
    });
    addAction(tr("Restore..."), [this] { askAndRestore(); });
    addAction(tr("Delete..."), [this] { askAndDelete(); });
    buttons->addStretch(1);
    layout->addLayout(buttons);

    auto* compareRow = new QHBoxLayout;
    m_planA = new QComboBox(body);
    m_planB = new QComboBox(body);
    compareRow->addWidget(new QLabel(tr("Compare"), body));
    compareRow->addWidget(m_planA, 1);
    compareRow->addWidget(new QLabel(tr("with"), body));
    compareRow->addWidget(m_planB, 1);
    auto* compareButton = new QPushButton(tr("Compare"), body);
    connect(compareButton, &QPushButton::clicked, this, [this] { askAndCompare(); });
    m_actions.push_back(compareButton);
    compareRow->addWidget(compareButton);
    layout->addLayout(compareRow);

    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(body);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_cancel = new QPushButton(tr("Cancel"), body);
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, &GridPlansDock::cancel);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    layout->addLayout(progressRow);
    m_summary = new QLabel(tr("Open an atlas to see its grid plans."), body);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    // Side by side: plan A and plan B drawn by the map's renderer, then the numbers.
    auto* maps = new QSplitter(Qt::Horizontal, body);
    m_mapA = new PlanMapView(maps);
    m_mapB = new PlanMapView(maps);
    maps->addWidget(m_mapA);
    maps->addWidget(m_mapB);
    auto* tabs = new QTabWidget(body);
    m_gridsTable = makeTable({tr("Grid"), tr("Name"), tr("Households before"), tr("Households after"), tr("Change"),
                              tr("Buildings before"), tr("Buildings after")},
                             tabs);
    m_movesTable = makeTable({tr("Building"), tr("From grid"), tr("To grid"), tr("Households")}, tabs);
    tabs->addTab(m_gridsTable, tr("Households per grid"));
    tabs->addTab(m_movesTable, tr("Buildings that move"));
    auto* split = new QSplitter(Qt::Vertical, body);
    split->addWidget(maps);
    split->addWidget(tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({600, 200});
    layout->addWidget(split, 5);
    setWidget(body);

    connect(m_plansTable, &QTableWidget::itemSelectionChanged, this, [this] { updateButtons(); });
    connect(m_plansTable, &QTableWidget::cellDoubleClicked, this, [this](int, int) {
        if (!selectedPlan().isEmpty()) showOnMap(selectedPlan());
    });
    connect(m_movesTable, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        auto* item = m_movesTable->item(row, 0);
        if (!item) return;
        const QRectF r = item->data(Qt::UserRole).toRectF();
        if (!r.isNull()) emit zoomRequested(r.left(), r.top(), r.right(), r.bottom());
    });
    updateButtons();
}

GridPlansDock::~GridPlansDock() {
    cancel();
    join();
}

void GridPlansDock::setAtlas(const QString& atlasPath, std::shared_ptr<storage::LayerCache> cache, const QString& stylesDir) {
    cancel();
    join();
    m_busy = false;
    ++m_generation;
    m_atlasPath = atlasPath;
    m_cache = std::move(cache);
    m_stylesDir = stylesDir;
    m_plans.clear();
    m_comparison = {};
    m_gridsTable->setRowCount(0);
    m_movesTable->setRowCount(0);
    m_mapA->setImage({}, {});
    m_mapB->setImage({}, {});
    fillPlans();
    if (!m_atlasPath.isEmpty()) refreshPlans();
}

void GridPlansDock::join() {
    if (m_worker.joinable()) m_worker.join();
}

QString GridPlansDock::selectedPlan() const {
    const auto rows = m_plansTable->selectionModel() ? m_plansTable->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty()) return {};
    auto* item = m_plansTable->item(rows.front().row(), 0);
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QString GridPlansDock::summaryText() const {
    return m_summary->text();
}

QImage GridPlansDock::compareImage(int side) const {
    return side == 0 ? m_mapA->image() : m_mapB->image();
}

QString GridPlansDock::planLabel(const std::string& name) const {
    return name == storage::kCurrentPlanName ? tr("Current grids") : qs(name);
}

void GridPlansDock::updateButtons() {
    const bool ready = !m_atlasPath.isEmpty() && !m_busy;
    const bool selected = ready && !selectedPlan().isEmpty();
    // Save, Propose, Show, Restore, Delete, Compare.
    for (std::size_t i = 0; i < m_actions.size(); ++i) {
        const bool needsSelection = i >= 2 && i <= 4;
        m_actions[i]->setEnabled(needsSelection ? selected : ready);
    }
    m_cancel->setEnabled(m_busy);
}

bool GridPlansDock::startJob(const QString& what, bool writes, Job job) {
    if (m_atlasPath.isEmpty() || m_busy) return false;
    if (writes && m_writeGuard && !m_writeGuard()) return false;
    join();
    m_busy = true;
    const quint64 generation = ++m_generation;
    m_feedback = std::make_shared<Feedback>();
    QPointer<GridPlansDock> self(this);
    m_feedback->setProgressCallback([self, generation](double percent, const std::string& stage) {
        QMetaObject::invokeMethod(
            self,
            [self, generation, percent, stage = qs(stage)] {
                if (!self || generation != self->m_generation) return;
                self->m_progress->setValue(static_cast<int>(percent));
                if (!stage.isEmpty()) self->m_progress->setFormat(stage + QStringLiteral(" %p%"));
            },
            Qt::QueuedConnection);
    });
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_summary->setText(what);
    updateButtons();
    m_worker = std::thread([self, generation, writes, job = std::move(job), feedback = m_feedback,
                            path = m_atlasPath.toStdString()] {
        Continuation done;
        QString error;
        bool cancelled = false;
        try {
            auto atlas = storage::Atlas::open(path, writes ? storage::OpenMode::ReadWrite : storage::OpenMode::ReadOnly);
            done = job(*atlas, *feedback);
            feedback->throwIfCancelled();
        } catch (const CancelledError&) {
            cancelled = true;
            done = nullptr;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
            done = nullptr;
        }
        QMetaObject::invokeMethod(
            self,
            [self, generation, done = std::move(done), error, cancelled] {
                if (self && generation == self->m_generation) self->finishJob(done, error, cancelled);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void GridPlansDock::finishJob(Continuation done, const QString& error, bool cancelled) {
    join();
    m_busy = false;
    m_progress->setFormat(QStringLiteral("%p%"));
    if (!done) {
        const QString message = cancelled ? tr("Cancelled; nothing was changed.") : error;
        m_progress->setValue(0);
        m_summary->setText(message);
        updateButtons();
        emit jobFinished(false, message);
        return;
    }
    m_progress->setValue(100);
    done(); // sets the summary
    updateButtons();
    emit jobFinished(true, m_summary->text());
}

void GridPlansDock::cancel() {
    if (m_feedback) m_feedback->cancel();
}

// ---- The plans ------------------------------------------------------------------------------------

bool GridPlansDock::refreshPlans() {
    QPointer<GridPlansDock> self(this);
    // listPlans creates the plan tables in an older atlas: that is a write.
    return startJob(tr("Reading the plans..."), true, [self](storage::Atlas& atlas, Feedback&) -> Continuation {
        auto plans = storage::listPlans(atlas);
        return [self, plans = std::move(plans)]() mutable {
            if (!self) return;
            self->m_plans = std::move(plans);
            self->fillPlans();
            self->m_summary->setText(self->m_plans.empty()
                                         ? tr("No plans saved yet: save the current grids or propose new ones.")
                                         : tr("%n plan(s) saved.", nullptr, static_cast<int>(self->m_plans.size())));
        };
    });
}

void GridPlansDock::fillPlans() {
    const QString keep = selectedPlan();
    m_plansTable->setRowCount(static_cast<int>(m_plans.size()));
    int reselect = -1;
    for (int i = 0; i < static_cast<int>(m_plans.size()); ++i) {
        const auto& p = m_plans[static_cast<std::size_t>(i)];
        auto* name = new QTableWidgetItem(qs(p.name));
        name->setData(Qt::UserRole, qs(p.name));
        m_plansTable->setItem(i, 0, name);
        m_plansTable->setItem(i, 1, new QTableWidgetItem(p.kind == "proposal" ? tr("Proposal") : tr("Saved")));
        QDateTime at = QDateTime::fromString(qs(p.createdAt), Qt::ISODate);
        m_plansTable->setItem(i, 2, new QTableWidgetItem(at.isValid() ? at.toLocalTime().toString("yyyy-MM-dd HH:mm") : qs(p.createdAt)));
        m_plansTable->setItem(i, 3, number(p.grids));
        m_plansTable->setItem(i, 4, number(p.buildings));
        m_plansTable->setItem(i, 5, new QTableWidgetItem(qs(p.note)));
        if (qs(p.name) == keep) reselect = i;
    }
    m_plansTable->resizeColumnsToContents();
    if (reselect >= 0) m_plansTable->selectRow(reselect);
    // The compare choices: the current grids, then every plan.
    for (QComboBox* box : {m_planA, m_planB}) {
        const QString current = box->currentData().toString();
        box->clear();
        box->addItem(tr("Current grids"), QString::fromLatin1(storage::kCurrentPlanName));
        for (const auto& p : m_plans) box->addItem(qs(p.name), qs(p.name));
        const int at = box->findData(current);
        if (at >= 0) box->setCurrentIndex(at);
    }
    if (m_planB->currentIndex() == 0 && m_planB->count() > 1) m_planB->setCurrentIndex(m_planB->count() - 1);
    updateButtons();
}

bool GridPlansDock::saveCurrent(const QString& name, const QString& note) {
    if (name.trimmed().isEmpty()) return false;
    QPointer<GridPlansDock> self(this);
    return startJob(tr("Saving the current grids as plan %1...").arg(name), true,
                    [self, name = name.trimmed().toStdString(), note = note.toStdString()](storage::Atlas& atlas,
                                                                                           Feedback&) -> Continuation {
                        storage::saveCurrentPlan(atlas, name, std::nullopt, false, note);
                        auto plans = storage::listPlans(atlas);
                        return [self, plans = std::move(plans), name] {
                            if (!self) return;
                            self->m_plans = plans;
                            self->fillPlans();
                            self->m_summary->setText(tr("Saved the current grids as plan %1.").arg(qs(name)));
                        };
                    });
}

bool GridPlansDock::propose(const ProposalRequest& request) {
    if (request.plan.trimmed().isEmpty() || request.community.trimmed().isEmpty()) return false;
    QPointer<GridPlansDock> self(this);
    return startJob(
        tr("Proposing grids for %1...").arg(request.community), true,
        [self, request](storage::Atlas& atlas, Feedback& feedback) -> Continuation {
            storage::ProposalOptions options;
            options.target = request.target;
            options.tolerance = request.tolerance;
            options.respectStreets = request.respectStreets;
            options.keepCurrent = request.keepCurrent;
            const std::string plan = request.plan.trimmed().toStdString();
            storage::ensurePlanTables(atlas);
            for (const auto& p : storage::listPlans(atlas))
                if (p.name == plan) throw InputError("plan '" + plan + "' exists already: choose another name");
            const auto input = storage::loadProposalInput(atlas, request.community.trimmed().toStdString());
            const auto proposal = storage::proposeGrids(input, options, &feedback);
            feedback.throwIfCancelled(); // a cancel after the last check still saves nothing
            storage::saveProposal(atlas, plan, input, proposal, options);
            auto plans = storage::listPlans(atlas);
            const auto comparison = storage::comparePlans(atlas, storage::kCurrentPlanName, plan);
            auto grids = storage::makePlanGridsLayer(atlas, plan, comparison);
            auto moves = storage::makePlanMovesLayer(atlas, comparison);
            QString summary = tr("Plan %1: %2 households in %3 grids; %4 within ±%5% of %6; largest deviation %7%; "
                                 "%8 households would change grid. The current grids are unchanged.")
                                  .arg(qs(plan))
                                  .arg(proposal.households)
                                  .arg(proposal.grids.size())
                                  .arg(proposal.gridsWithinTolerance)
                                  .arg(std::lround(options.tolerance * 100))
                                  .arg(options.target)
                                  .arg(std::round(proposal.maxDeviation * 1000) / 10)
                                  .arg(comparison.householdsMoved);
            for (const auto& g : proposal.grids)
                if (!g.withinTolerance && !g.why.empty()) summary += "\n" + qs(g.code) + ": " + qs(g.why);
            return [self, plans = std::move(plans), summary, grids, moves] {
                if (!self) return;
                self->m_plans = plans;
                self->fillPlans();
                self->m_summary->setText(summary);
                emit self->planLayersReady(grids, moves);
            };
        });
}

bool GridPlansDock::showOnMap(const QString& plan) {
    QPointer<GridPlansDock> self(this);
    return startJob(tr("Reading plan %1...").arg(plan), false,
                    [self, plan = plan.toStdString()](storage::Atlas& atlas, Feedback&) -> Continuation {
                        const auto comparison = storage::comparePlans(atlas, storage::kCurrentPlanName, plan);
                        auto grids = storage::makePlanGridsLayer(atlas, plan, comparison);
                        auto moves = storage::makePlanMovesLayer(atlas, comparison);
                        return [self, plan, grids, moves, moved = comparison.householdsMoved,
                                buildings = comparison.moves.size()] {
                            if (!self) return;
                            self->m_summary->setText(tr("Plan %1 is drawn over the map: %2 buildings (%3 households) are in "
                                                        "another grid than today.")
                                                         .arg(qs(plan))
                                                         .arg(buildings)
                                                         .arg(moved));
                            emit self->planLayersReady(grids, moves);
                        };
                    });
}

bool GridPlansDock::restore(const QString& plan) {
    QPointer<GridPlansDock> self(this);
    return startJob(tr("Restoring plan %1...").arg(plan), true,
                    [self, plan = plan.toStdString()](storage::Atlas& atlas, Feedback&) -> Continuation {
                        const auto before = storage::comparePlans(atlas, storage::kCurrentPlanName, plan);
                        storage::restorePlan(atlas, plan);
                        return [self, plan, moved = before.householdsMoved] {
                            if (!self) return;
                            self->m_summary->setText(
                                tr("Plan %1 is now the current grid layout (%2 households changed grid).").arg(qs(plan)).arg(moved));
                            emit self->gridsChanged();
                        };
                    });
}

bool GridPlansDock::deletePlan(const QString& plan) {
    QPointer<GridPlansDock> self(this);
    return startJob(tr("Deleting plan %1...").arg(plan), true,
                    [self, plan = plan.toStdString()](storage::Atlas& atlas, Feedback&) -> Continuation {
                        storage::deletePlan(atlas, plan);
                        auto plans = storage::listPlans(atlas);
                        return [self, plans = std::move(plans), plan] {
                            if (!self) return;
                            self->m_plans = plans;
                            self->fillPlans();
                            self->m_summary->setText(tr("Deleted plan %1.").arg(qs(plan)));
                        };
                    });
}

// ---- Side by side ---------------------------------------------------------------------------------

bool GridPlansDock::compare(const QString& planA, const QString& planB) {
    if (!m_cache) return false;
    QPointer<GridPlansDock> self(this);
    return startJob(
        tr("Comparing %1 with %2...").arg(planLabel(planA.toStdString()), planLabel(planB.toStdString())), false,
        [self, a = planA.toStdString(), b = planB.toStdString(), cache = m_cache, styles = m_stylesDir.toStdString(),
         box = m_mapA->imageArea()](storage::Atlas& atlas, Feedback& feedback) -> Continuation {
            auto comparison = storage::comparePlans(atlas, a, b);
            feedback.setProgress(30, "plans");
            const auto reverse = storage::comparePlans(atlas, b, a);
            auto gridsA = storage::makePlanGridsLayer(atlas, a, reverse, "plan_compare_a");
            auto gridsB = storage::makePlanGridsLayer(atlas, b, comparison, "plan_compare_b");
            auto moves = storage::makePlanMovesLayer(atlas, comparison, "plan_compare_moves");
            cache->setExtraLayer("plan_compare_a", gridsA);
            cache->setExtraLayer("plan_compare_b", gridsB);
            cache->setExtraLayer("plan_compare_moves", moves);
            // Building footprints for the zoom of each move.
            std::vector<QRectF> moveBounds;
            for (std::size_t i = 0; i < moves->size(); ++i) {
                const auto r = moves->bounds(i);
                moveBounds.emplace_back(QPointF(r.xmin, r.ymin), QPointF(r.xmax, r.ymax));
            }
            model::Rect extent = gridsA->extent();
            extent.expand(gridsB->extent());
            // Both sides at the same extent and size, so the eye can compare them line by line.
            auto draw = [&](const std::string& planLayer) {
                render::MapDocument doc;
                auto add = [&](const std::string& source, const std::string& style, double opacity) {
                    render::LayerSpec spec;
                    spec.name = source;
                    spec.source = source;
                    spec.styleName = style;
                    spec.stylePath = (std::filesystem::path(styles) / style).string();
                    spec.style = render::loadStyle(spec.stylePath);
                    spec.opacity = opacity;
                    doc.layers.push_back(std::move(spec));
                };
                add(planLayer, "plan-grids.json", 1.0);
                add("buildings", "buildings-plain.json", 0.8);
                add("plan_compare_moves", "plan-moves.json", 1.0);
                const model::Rect area = extent.buffered(std::max(extent.width(), extent.height()) * 0.03);
                const QSize size = compareImageSize(area, box);
                QImage image(size, QImage::Format_ARGB32_Premultiplied);
                image.fill(Qt::white);
                auto settings = render::makeMapSettings(doc, area, size, 96, false);
                storage::CachedAtlasProvider provider(cache, atlas.info().name, atlas.srid());
                QPainter painter(&image);
                auto result = render::renderMap(settings, provider, painter, &feedback);
                painter.end();
                if (!result.errors.empty()) throw RenderError(result.errors.front().message);
                return image;
            };
            QImage imageA = draw("plan_compare_a");
            feedback.setProgress(65, "map");
            QImage imageB = draw("plan_compare_b");
            return [self, a, b, comparison = std::move(comparison), imageA, imageB, moveBounds] {
                if (!self) return;
                self->m_comparison = comparison;
                self->m_mapA->setImage(imageA, self->planLabel(a));
                self->m_mapB->setImage(imageB, self->planLabel(b));
                self->fillComparison(qs(a), qs(b));
                for (int i = 0; i < self->m_movesTable->rowCount() && i < static_cast<int>(moveBounds.size()); ++i)
                    if (auto* item = self->m_movesTable->item(i, 0))
                        item->setData(Qt::UserRole, moveBounds[static_cast<std::size_t>(i)]);
            };
        });
}

void GridPlansDock::fillComparison(const QString& a, const QString& b) {
    const auto& c = m_comparison;
    m_gridsTable->setSortingEnabled(false);
    m_gridsTable->setRowCount(static_cast<int>(c.grids.size()));
    int changed = 0;
    for (int i = 0; i < static_cast<int>(c.grids.size()); ++i) {
        const auto& g = c.grids[static_cast<std::size_t>(i)];
        m_gridsTable->setItem(i, 0, new QTableWidgetItem(qs(g.code)));
        m_gridsTable->setItem(i, 1, new QTableWidgetItem(qs(g.name)));
        m_gridsTable->setItem(i, 2, number(g.householdsBefore));
        m_gridsTable->setItem(i, 3, number(g.householdsAfter));
        m_gridsTable->setItem(i, 4, number(g.householdsAfter - g.householdsBefore, true));
        m_gridsTable->setItem(i, 5, number(g.buildingsBefore));
        m_gridsTable->setItem(i, 6, number(g.buildingsAfter));
        if (g.householdsAfter != g.householdsBefore) ++changed;
    }
    m_gridsTable->resizeColumnsToContents();
    m_movesTable->setRowCount(static_cast<int>(c.moves.size()));
    for (int i = 0; i < static_cast<int>(c.moves.size()); ++i) {
        const auto& m = c.moves[static_cast<std::size_t>(i)];
        m_movesTable->setItem(i, 0, new QTableWidgetItem(qs(m.building)));
        m_movesTable->setItem(i, 1, new QTableWidgetItem(m.from.empty() ? tr("(none)") : qs(m.from)));
        m_movesTable->setItem(i, 2, new QTableWidgetItem(m.to.empty() ? tr("(none)") : qs(m.to)));
        m_movesTable->setItem(i, 3, number(m.households));
    }
    m_movesTable->resizeColumnsToContents();
    m_summary->setText(tr("%1 → %2: %3 buildings (%4 households) change grid; %5 of %6 grids change size.")
                           .arg(planLabel(a.toStdString()), planLabel(b.toStdString()))
                           .arg(c.moves.size())
                           .arg(c.householdsMoved)
                           .arg(changed)
                           .arg(c.grids.size()));
}

// ---- Dialogs --------------------------------------------------------------------------------------

void GridPlansDock::askAndSave() {
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save Current Grids"), tr("Name of the plan:"), QLineEdit::Normal,
                                               tr("Grids %1").arg(QDate::currentDate().toString("yyyy-MM-dd")), &ok);
    if (!ok || name.trimmed().isEmpty()) return;
    const QString note = QInputDialog::getText(this, tr("Save Current Grids"), tr("Note (optional):"), QLineEdit::Normal, {}, &ok);
    if (!ok) return;
    saveCurrent(name, note);
}

void GridPlansDock::askAndPropose() {
    // The communities of the atlas, read here: a short query on a small table.
    QStringList communities;
    try {
        auto atlas = storage::Atlas::open(m_atlasPath.toStdString(), storage::OpenMode::ReadOnly);
        storage::Statement st(atlas->connection(), "SELECT name FROM communities ORDER BY name");
        while (st.step()) communities << qs(st.columnText(0));
    } catch (const std::exception& e) {
        m_summary->setText(QString::fromUtf8(e.what()));
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Propose Grids"));
    auto* form = new QFormLayout(&dialog);
    auto* community = new QComboBox(&dialog);
    community->addItems(communities);
    auto* target = new QSpinBox(&dialog);
    target->setRange(10, 5000);
    target->setValue(400);
    target->setSuffix(tr(" households"));
    auto* tolerance = new QSpinBox(&dialog);
    tolerance->setRange(0, 90);
    tolerance->setValue(20);
    tolerance->setSuffix(QStringLiteral(" %"));
    auto* streets = new QCheckBox(tr("Prefer streets as boundaries"), &dialog);
    auto* keep = new QCheckBox(tr("Change today's grids as little as possible"), &dialog);
    auto* name = new QLineEdit(tr("Proposal %1").arg(QDateTime::currentDateTime().toString("yyyy-MM-dd HH:mm")), &dialog);
    form->addRow(tr("Community"), community);
    form->addRow(tr("Target per grid"), target);
    form->addRow(tr("Tolerance"), tolerance);
    form->addRow(QString(), streets);
    form->addRow(QString(), keep);
    form->addRow(tr("Save as plan"), name);
    form->addRow(new QLabel(tr("The proposal is saved as a plan version; the current grids stay as they are until you "
                               "restore it."),
                            &dialog));
    auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(box);
    connect(box, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return;
    ProposalRequest r;
    r.community = community->currentText();
    r.plan = name->text();
    r.target = target->value();
    r.tolerance = tolerance->value() / 100.0;
    r.respectStreets = streets->isChecked();
    r.keepCurrent = keep->isChecked();
    propose(r);
}

void GridPlansDock::askAndCompare() {
    const QString a = m_planA->currentData().toString();
    const QString b = m_planB->currentData().toString();
    if (a.isEmpty() || b.isEmpty()) return;
    compare(a, b);
}

void GridPlansDock::askAndRestore() {
    const QString plan = selectedPlan();
    if (plan.isEmpty()) return;
    if (m_ask && QMessageBox::question(this, tr("Restore Plan"),
                                       tr("Make plan %1 the current grid layout? The grids of its communities, their "
                                          "staff and the buildings' grids are replaced in one step. Save the current "
                                          "grids as a plan first if you may want them back.")
                                           .arg(plan)) != QMessageBox::Yes)
        return;
    restore(plan);
}

void GridPlansDock::askAndDelete() {
    const QString plan = selectedPlan();
    if (plan.isEmpty()) return;
    if (m_ask && QMessageBox::question(this, tr("Delete Plan"), tr("Delete plan %1? The current grids are not affected.").arg(plan)) !=
                     QMessageBox::Yes)
        return;
    deletePlan(plan);
}

} // namespace gridatlas::app
