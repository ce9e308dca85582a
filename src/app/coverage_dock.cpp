#include "app/coverage_dock.h"

#include "app/result_tables.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMetaObject>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <map>

#include "model/support/error.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/coverage_data.h"
#include "storage/isochrones.h"
#include "storage/layer_cache.h"
#include "storage/street_network.h"

namespace gridatlas::app {

namespace {

/// Rows in the given order; `sortable` tables then sort by name (the click on a header re-sorts).
void fillRows(QTableWidget* t, const std::vector<storage::CoverageRow>& rows, bool sortable) {
    t->setSortingEnabled(false);
    t->setRowCount(static_cast<int>(rows.size()));
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const auto& r = rows[static_cast<std::size_t>(i)];
        t->setItem(i, 0, new QTableWidgetItem(qs(r.name)));
        t->setItem(i, 1, numberItem(static_cast<double>(r.households)));
        t->setItem(i, 2, numberItem(static_cast<double>(r.covered)));
        t->setItem(i, 3, numberItem(r.percent(), 1));
        t->setItem(i, 4, numberItem(static_cast<double>(r.vulnerable)));
        t->setItem(i, 5, numberItem(static_cast<double>(r.vulnerableCovered)));
    }
    if (sortable) {
        t->setSortingEnabled(true);
        t->sortByColumn(0, Qt::AscendingOrder);
    }
}

} // namespace

CoverageDock::CoverageDock(QWidget* parent) : QDockWidget(tr("Coverage"), parent) {
    setObjectName(QStringLiteral("coverageDock"));
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    auto* form = new QFormLayout;
    m_type = new QComboBox(body);
    form->addRow(tr("Post type"), m_type);
    auto* standardRow = new QHBoxLayout;
    m_standard = new QComboBox(body);
    m_standard->addItem(tr("Post type's standard"));
    m_standard->addItem(tr("Minutes"));
    m_standard->addItem(tr("Metres"));
    m_value = new QDoubleSpinBox(body);
    m_value->setRange(0.1, 100000);
    m_value->setDecimals(1);
    m_value->setValue(15);
    standardRow->addWidget(m_standard);
    standardRow->addWidget(m_value);
    form->addRow(tr("Standard"), standardRow);
    auto* modeRow = new QHBoxLayout;
    m_network = new QRadioButton(tr("Walking along streets"), body);
    m_euclid = new QRadioButton(tr("Straight line"), body);
    m_network->setChecked(true);
    modeRow->addWidget(m_network);
    modeRow->addWidget(m_euclid);
    form->addRow(tr("Distance"), modeRow);
    m_areas = new QCheckBox(tr("Draw service areas"), body);
    m_areas->setChecked(true);
    form->addRow(QString(), m_areas);
    layout->addLayout(form);
    auto* buttons = new QHBoxLayout;
    m_runButton = new QPushButton(tr("Run"), body);
    m_cancelButton = new QPushButton(tr("Cancel"), body);
    m_cancelButton->setEnabled(false);
    m_progress = new QProgressBar(body);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_progress, 1);
    layout->addLayout(buttons);
    m_summary = new QLabel(tr("Open an atlas, choose a post type and run."), body);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_tabs = new QTabWidget(body);
    const QStringList cols{tr("Name"),      tr("Households"), tr("Covered"),
                           tr("Covered %"), tr("Vulnerable"), tr("Vulnerable covered")};
    m_categories = makeResultTable(cols, m_tabs);
    m_communities = makeResultTable(cols, m_tabs);
    m_grids = makeResultTable(cols, m_tabs);
    m_gaps = makeResultTable(
        {tr("Building"), tr("Households"), tr("Uncovered"), tr("Vulnerable uncovered"), tr("Weight"), tr("Nearest (m)")}, m_tabs);
    m_tabs->addTab(m_categories, tr("By category"));
    m_tabs->addTab(m_communities, tr("By community"));
    m_tabs->addTab(m_grids, tr("By grid"));
    m_tabs->addTab(m_gaps, tr("Gap buildings"));
    layout->addWidget(m_tabs, 1);
    setWidget(body);

    connect(m_runButton, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancelButton, &QPushButton::clicked, this, &CoverageDock::cancel);
    connect(m_standard, &QComboBox::currentIndexChanged, this, [this] { updateStandardControls(); });
    connect(m_gaps, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (auto* item = m_gaps->item(row, 0)) emit buildingActivated(item->data(Qt::UserRole).toLongLong());
    });
    updateStandardControls();
    m_runButton->setEnabled(false);
}

CoverageDock::~CoverageDock() {
    if (m_feedback) m_feedback->cancel();
    reapWorkers(true);
}

void CoverageDock::reapWorkers(bool all) {
    for (auto it = m_workers.begin(); it != m_workers.end();) {
        if (all || it->done->load()) {
            if (it->thread.joinable()) it->thread.join();
            it = m_workers.erase(it);
        } else {
            ++it;
        }
    }
}

void CoverageDock::updateStandardControls() {
    const auto s = static_cast<Standard>(m_standard->currentIndex());
    m_value->setEnabled(s != Standard::PostType);
    m_value->setSuffix(s == Standard::Minutes ? tr(" min") : s == Standard::Meters ? tr(" m") : QString());
}

void CoverageDock::setAtlas(const QString& path, std::shared_ptr<storage::LayerCache> cache) {
    cancel();
    m_path = path;
    m_cache = std::move(cache);
    m_last.reset();
    m_type->clear();
    for (auto* t : {m_categories, m_communities, m_grids, m_gaps}) t->setRowCount(0);
    m_progress->setValue(0);
    try {
        auto atlas = storage::Atlas::open(path.toStdString(), storage::OpenMode::ReadOnly);
        storage::Statement st(atlas->connection(), "SELECT type, name_zh, name_en FROM post_types ORDER BY type");
        while (st.step()) m_type->addItem(qs(st.columnText(1)), qs(st.columnText(0)));
        m_summary->setText(tr("Choose a post type and run."));
        m_runButton->setEnabled(m_type->count() > 0);
    } catch (const Error& e) {
        m_summary->setText(qs(e.what()));
        m_runButton->setEnabled(false);
    }
}

void CoverageDock::setPostType(const QString& type) {
    const int i = m_type->findData(type);
    if (i >= 0) m_type->setCurrentIndex(i);
}

void CoverageDock::setStandard(Standard standard, double value) {
    m_standard->setCurrentIndex(static_cast<int>(standard));
    if (standard != Standard::PostType) m_value->setValue(value);
}

void CoverageDock::setDistanceMode(storage::DistanceMode mode) {
    (mode == storage::DistanceMode::Network ? m_network : m_euclid)->setChecked(true);
}

void CoverageDock::setServiceAreasEnabled(bool on) {
    m_areas->setChecked(on);
}

QString CoverageDock::summaryText() const {
    return m_summary->text();
}

bool CoverageDock::run() {
    if (m_path.isEmpty() || m_type->currentIndex() < 0) return false;
    cancel();
    reapWorkers(false);
    storage::CoverageOptions o;
    o.postType = m_type->currentData().toString().toStdString();
    o.mode = m_network->isChecked() ? storage::DistanceMode::Network : storage::DistanceMode::Euclidean;
    const auto standard = static_cast<Standard>(m_standard->currentIndex());
    if (standard == Standard::Minutes) o.minutes = m_value->value();
    if (standard == Standard::Meters) o.meters = m_value->value();
    const bool areas = m_areas->isChecked();
    const std::uint64_t generation = ++m_generation;
    auto feedback = std::make_shared<Feedback>();
    m_feedback = feedback;
    m_running = true;
    m_runButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setValue(0);
    m_summary->setText(tr("Running…"));
    emit runStarted();
    // Progress crosses to the GUI thread by queued calls; stale generations are ignored there.
    feedback->setProgressCallback([this, generation](double p, const std::string& stage) {
        QMetaObject::invokeMethod(
            this,
            [this, generation, p, stage = qs(stage)] {
                if (generation != m_generation) return;
                m_progress->setValue(static_cast<int>(p));
                emit progressChanged(static_cast<int>(p), stage);
            },
            Qt::QueuedConnection);
    });
    auto done = std::make_shared<std::atomic<bool>>(false);
    const std::string path = m_path.toStdString();
    auto cache = m_cache;
    std::thread worker([this, generation, feedback, done, path, cache, o, areas] {
        std::shared_ptr<CoverageRun> run;
        QString error;
        bool cancelled = false;
        try {
            auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
            storage::CoverageLoadOptions load;
            load.streets = o.mode == storage::DistanceMode::Network;
            auto out = std::make_shared<CoverageRun>();
            if (cache)
                out->data = storage::loadCoverageData(*atlas, *cache->layer("households"), load, feedback.get());
            else
                out->data = storage::loadCoverageData(*atlas, load, feedback.get());
            const auto& data = *out->data;
            std::optional<storage::StreetNetwork> net;
            if (o.mode == storage::DistanceMode::Network) {
                if (data.streets.empty())
                    throw InputError("the atlas has no streets: walking distances need them (choose straight line)");
                net = storage::StreetNetwork::fromStreets(data.streets);
            }
            out->result = storage::computeCoverage(data, o, net ? &*net : nullptr, feedback.get());
            out->gaps = storage::makeGapLayer(data, out->result);
            out->households = storage::makeCoverageHouseholdsLayer(data, out->result);
            out->grids = storage::makeGridCoverageLayer(data, out->result);
            if (areas && !out->result.posts.empty()) {
                // One service area per post at its own standard.
                std::map<double, std::vector<std::int32_t>> byStandard;
                for (std::size_t k = 0; k < out->result.posts.size(); ++k)
                    byStandard[out->result.postStandardM[k]].push_back(out->result.posts[k]);
                std::vector<storage::Isochrone> all;
                for (const auto& [meters, posts] : byStandard) {
                    storage::IsochroneOptions io;
                    io.mode = o.mode;
                    io.meters = meters;
                    auto part = storage::computeIsochrones(data, posts, io, net ? &*net : nullptr, feedback.get());
                    all.insert(all.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
                }
                out->serviceAreas = storage::makeIsochroneLayer(data, all);
            }
            run = std::move(out);
        } catch (const CancelledError&) {
            cancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, generation, run, error, cancelled] { finishRun(generation, run, error, cancelled); },
            Qt::QueuedConnection);
        done->store(true);
    });
    m_workers.push_back(Worker{std::move(worker), done});
    return true;
}

void CoverageDock::cancel() {
    if (m_feedback) m_feedback->cancel();
    if (m_running) {
        m_running = false;
        ++m_generation; // whatever the old worker delivers is now stale
        m_runButton->setEnabled(m_type->count() > 0);
        m_cancelButton->setEnabled(false);
        m_progress->setValue(0);
        m_summary->setText(tr("Cancelled."));
        emit runFinished(false, tr("Cancelled."));
    }
}

void CoverageDock::finishRun(std::uint64_t generation, std::shared_ptr<const CoverageRun> run, const QString& error,
                             bool cancelled) {
    reapWorkers(false);
    if (generation != m_generation) return;
    m_running = false;
    m_runButton->setEnabled(m_type->count() > 0);
    m_cancelButton->setEnabled(false);
    if (!run) {
        const QString message = cancelled ? tr("Cancelled.") : error;
        m_summary->setText(message);
        m_progress->setValue(0);
        emit runFinished(false, message);
        return;
    }
    m_last = run;
    m_progress->setValue(100);
    showRun(*run);
    emit runFinished(true, m_summary->text());
    emit layersReady(run->gaps, run->serviceAreas, run->households, run->grids);
}

void CoverageDock::showRun(const CoverageRun& run) {
    const auto& r = run.result;
    const auto& d = *run.data;
    const auto n = static_cast<double>(d.households.size());
    const auto* type = d.postType(r.options.postType);
    QString standard;
    if (r.options.meters)
        standard = tr("%1 m").arg(*r.options.meters, 0, 'f', 0);
    else if (r.options.minutes)
        standard = tr("%1 min").arg(*r.options.minutes, 0, 'f', 0);
    else
        standard = tr("the post type's standard");
    m_summary->setText(tr("%1 (%2, %3): %4 of %5 households covered (%6%), %7 posts, %8 gap buildings.")
                           .arg(type ? qs(type->nameZh) : qs(r.options.postType))
                           .arg(r.options.mode == storage::DistanceMode::Network ? tr("walking") : tr("straight line"))
                           .arg(standard)
                           .arg(r.coveredCount)
                           .arg(static_cast<qlonglong>(n))
                           .arg(n > 0 ? 100.0 * static_cast<double>(r.coveredCount) / n : 0.0, 0, 'f', 1)
                           .arg(r.posts.size())
                           .arg(r.gaps.size()));
    fillRows(m_categories, r.byCategory, false); // the categories' own order: all, vulnerable, ...
    fillRows(m_communities, r.byCommunity, true);
    fillRows(m_grids, r.byGrid, true);
    m_gaps->setSortingEnabled(false);
    m_gaps->setRowCount(static_cast<int>(r.gaps.size()));
    for (int i = 0; i < static_cast<int>(r.gaps.size()); ++i) {
        const auto& g = r.gaps[static_cast<std::size_t>(i)];
        const auto& b = d.buildings[static_cast<std::size_t>(g.building)];
        auto* name = new QTableWidgetItem(qs(b.compound.empty() ? b.number : b.compound + " " + b.number));
        name->setData(Qt::UserRole, static_cast<qlonglong>(b.id));
        m_gaps->setItem(i, 0, name);
        m_gaps->setItem(i, 1, numberItem(static_cast<double>(g.households)));
        m_gaps->setItem(i, 2, numberItem(static_cast<double>(g.uncovered)));
        m_gaps->setItem(i, 3, numberItem(static_cast<double>(g.vulnerableUncovered)));
        m_gaps->setItem(i, 4, numberItem(g.weight()));
        m_gaps->setItem(i, 5,
                        std::isfinite(g.nearestDistanceM) ? numberItem(g.nearestDistanceM) : new QTableWidgetItem(tr("no path")));
    }
    m_gaps->setSortingEnabled(true);
    m_gaps->sortByColumn(4, Qt::DescendingOrder); // heaviest gap first
}

} // namespace gridatlas::app
