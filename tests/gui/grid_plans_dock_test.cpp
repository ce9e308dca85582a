// Grid plan versions in the viewer: save the current grids, propose grids for a community (saved as
// a plan, never over the current grids, drawn on the map), compare two plans side by side, restore
// one and restore back, and cancel a proposal, all on the demo community through the plans dock.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QtTest>

#include "app/grid_plans_dock.h"
#include "app/main_window.h"
#include "app/map_canvas.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"
#include "storage/grid_plans.h"
#include "storage/layer_cache.h"

using namespace gridatlas;
using namespace gridatlas::app;

class GridPlansDockTest : public QObject {
    Q_OBJECT
    std::unique_ptr<testing::TempDir> m_dir;
    std::string m_path;
    std::unique_ptr<MainWindow> m_window;

    GridPlansDock* dock() { return m_window->gridPlansDock(); }
    bool waitIdle(int timeoutMs = 60000) {
        QTest::qWait(20);
        return QTest::qWaitFor([this] { return !dock()->isBusy(); }, timeoutMs);
    }
    std::string queryText(const std::string& sql) {
        storage::Connection c(m_path, storage::OpenMode::ReadOnly);
        return c.queryText(sql).value_or("");
    }
    std::int64_t queryInt(const std::string& sql) {
        storage::Connection c(m_path, storage::OpenMode::ReadOnly);
        return c.queryInt(sql).value_or(-1);
    }
    std::string gridsFingerprint() {
        return queryText("SELECT group_concat(code || ':' || name || ':' || hex(geom), '|') FROM (SELECT * FROM grids ORDER BY code)") +
               "#" + queryText("SELECT group_concat(id || '>' || ifnull(grid_id, ''), ',') FROM (SELECT * FROM buildings ORDER BY id)");
    }
    /// Share of pixels that are not the white background: the plan's fills, outlines and buildings.
    static double drawnShare(const QImage& image) {
        int drawn = 0;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                if (image.pixel(x, y) != qRgb(255, 255, 255)) ++drawn;
        return static_cast<double>(drawn) / ((image.width() / 2) * (image.height() / 2));
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void init() {
        m_dir = std::make_unique<testing::TempDir>();
        m_path = m_dir->file("demo.sqlite");
        std::string out;
        QCOMPARE(testing::runCommand(testing::cliPath() + " demo --scale S --out " + m_path, &out), 0);
        m_window = std::make_unique<MainWindow>();
        m_window->setAskQuestions(false);
        dock()->setAskQuestions(false);
        m_window->resize(1200, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        const QString map = QString::fromStdString(testing::sourcePath("maps/grids.json"));
        QVERIFY2(m_window->openAtlas(QString::fromStdString(m_path), map), qPrintable(m_window->lastMessage()));
        QVERIFY(waitIdle());
    }
    void cleanup() {
        m_window.reset();
        m_dir.reset();
    }

    void saveProposeCompareRestoreAndBack() {
        QVERIFY(dock()->plans().empty());
        const std::string original = gridsFingerprint();
        const auto grids = queryInt("SELECT COUNT(*) FROM grids");
        QVERIFY(grids > 1);

        // Save the current layout.
        QVERIFY(dock()->saveCurrent("今天的网格", "before the proposal"));
        QVERIFY(waitIdle());
        QCOMPARE(dock()->plans().size(), std::size_t{1});
        QCOMPARE(dock()->plans()[0].grids, static_cast<int>(grids));
        QCOMPARE(dock()->plansTable()->rowCount(), 1);

        // Propose: saved as a plan, drawn on the map, the current grids untouched.
        GridPlansDock::ProposalRequest request;
        request.community = QString::fromStdString(queryText("SELECT name FROM communities ORDER BY id LIMIT 1"));
        request.plan = "建议方案";
        request.target = 300;
        QSignalSpy layers(dock(), &GridPlansDock::planLayersReady);
        QVERIFY(dock()->propose(request));
        QVERIFY(!dock()->propose(request)); // one job at a time
        QVERIFY(waitIdle());
        QVERIFY2(dock()->plans().size() == 2, qPrintable(dock()->summaryText()));
        QCOMPARE(layers.count(), 1);
        QCOMPARE(gridsFingerprint(), original);
        auto planLayer = m_window->canvas()->layerCache()->extraLayer("plan_grids");
        QVERIFY(planLayer);
        const auto planInfo = std::find_if(dock()->plans().begin(), dock()->plans().end(),
                                           [](const storage::PlanInfo& p) { return p.name == "建议方案"; });
        QVERIFY(planInfo != dock()->plans().end());
        QCOMPARE(planInfo->kind, std::string("proposal"));
        QCOMPARE(static_cast<int>(planLayer->size()), planInfo->grids);
        // Households drawn per proposed grid add up to the community's households.
        const int hh = planLayer->columnIndex("households");
        std::int64_t drawn = 0;
        for (std::size_t i = 0; i < planLayer->size(); ++i) drawn += std::get<std::int64_t>(planLayer->value(i, hh));
        const auto communityHouseholds = queryInt(
            "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id "
            "WHERE b.community_id = (SELECT id FROM communities ORDER BY id LIMIT 1)");
        QVERIFY(drawn > 0);
        QVERIFY(drawn <= communityHouseholds);
        bool drawnOnMap = false;
        for (const auto& l : m_window->canvas()->document()->layers) drawnOnMap |= l.source == "plan_grids";
        QVERIFY(drawnOnMap);

        // Side by side: the dock's numbers are the storage comparison's; both maps are drawn.
        QVERIFY(dock()->compare(QString::fromLatin1(storage::kCurrentPlanName), "建议方案"));
        QVERIFY(waitIdle());
        storage::PlanComparison expected;
        {
            auto atlas = storage::Atlas::open(m_path, storage::OpenMode::ReadOnly);
            expected = storage::comparePlans(*atlas, storage::kCurrentPlanName, "建议方案");
        }
        QCOMPARE(dock()->comparison().householdsMoved, expected.householdsMoved);
        QCOMPARE(dock()->comparison().moves.size(), expected.moves.size());
        QCOMPARE(dock()->gridsTable()->rowCount(), static_cast<int>(expected.grids.size()));
        QCOMPARE(dock()->movesTable()->rowCount(), static_cast<int>(expected.moves.size()));
        const QImage a = dock()->compareImage(0);
        const QImage b = dock()->compareImage(1);
        QVERIFY(!a.isNull() && !b.isNull());
        if (qEnvironmentVariableIsSet("GRIDATLAS_KEEP_IMAGES")) {
            b.save("/tmp/plans-compare-b.png");
            a.save("/tmp/plans-compare-a.png");
        }

        QCOMPARE(a.size(), b.size());
        QVERIFY2(drawnShare(a) > 0.3, "plan A is drawn");
        QVERIFY2(drawnShare(b) > 0.3, "plan B is drawn");
        QVERIFY(a != b);

        // Restore the proposal: the current grids become its grids; then restore back exactly.
        QSignalSpy changed(dock(), &GridPlansDock::gridsChanged);
        QVERIFY(dock()->restore("建议方案"));
        QVERIFY(waitIdle());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(queryInt("SELECT COUNT(*) FROM grids WHERE community_id = (SELECT id FROM communities ORDER BY id LIMIT 1)"),
                 static_cast<std::int64_t>(planInfo->grids));
        QVERIFY(gridsFingerprint() != original);
        QVERIFY(dock()->restore("今天的网格"));
        QVERIFY(waitIdle());
        QCOMPARE(changed.count(), 2);
        QCOMPARE(gridsFingerprint(), original);

        // Delete a plan.
        QVERIFY(dock()->deletePlan("建议方案"));
        QVERIFY(waitIdle());
        QCOMPARE(dock()->plans().size(), std::size_t{1});
    }

    void cancelledProposalSavesNothing() {
        GridPlansDock::ProposalRequest request;
        request.community = QString::fromStdString(queryText("SELECT name FROM communities ORDER BY id LIMIT 1"));
        request.plan = "cancelled";
        QSignalSpy finished(dock(), &GridPlansDock::jobFinished);
        QVERIFY(dock()->propose(request));
        dock()->cancel();
        QVERIFY(waitIdle());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(queryInt("SELECT COUNT(*) FROM grid_plans WHERE name = 'cancelled'"), std::int64_t{0});
    }

    void existingNameIsRefusedWithAMessage() {
        QVERIFY(dock()->saveCurrent("A"));
        QVERIFY(waitIdle());
        QSignalSpy finished(dock(), &GridPlansDock::jobFinished);
        QVERIFY(dock()->saveCurrent("A"));
        QVERIFY(waitIdle());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(finished.at(0).at(1).toString().contains("A"), qPrintable(finished.at(0).at(1).toString()));
        QCOMPARE(dock()->plans().size(), std::size_t{1});
    }
};

QTEST_MAIN(GridPlansDockTest)
#include "grid_plans_dock_test.moc"
