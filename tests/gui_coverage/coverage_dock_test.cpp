// The coverage dock on the small fixture world: post types listed, runs on a worker with the
// same answers as the library, tables and layers delivered, cancel without waiting, errors shown.
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <cstdlib>

#include "app/coverage_dock.h"
#include "storage/atlas.h"
#include "storage/coverage.h"
#include "storage/coverage_data.h"
#include "storage/fixture_atlas.h"
#include "storage/layer_cache.h"

using namespace gridatlas;

class CoverageDockTest : public QObject {
    Q_OBJECT

private:
    testing::SmallWorld m_world;

    /// Runs and waits for runFinished; returns its ok flag.
    static bool runAndWait(app::CoverageDock& dock) {
        QSignalSpy finished(&dock, &app::CoverageDock::runFinished);
        if (!dock.run()) return false;
        if (!finished.wait(20000)) return false;
        return finished.takeFirst().at(0).toBool();
    }

private slots:
    void listsThePostTypes() {
        app::CoverageDock dock;
        dock.setAtlas(QString::fromStdString(m_world.path));
        auto* type = dock.findChild<QComboBox*>();
        QVERIFY(type);
        QCOMPARE(type->count(), 6);
        QVERIFY(type->findData(QStringLiteral("health_station")) >= 0);
        QCOMPARE(type->itemText(type->findData(QStringLiteral("health_station"))), QStringLiteral("社区卫生服务站"));
    }

    void straightLineRunMatchesTheLibrary() {
        app::CoverageDock dock;
        dock.setAtlas(QString::fromStdString(m_world.path));
        dock.setPostType(QStringLiteral("health_station"));
        dock.setDistanceMode(storage::DistanceMode::Euclidean);
        dock.setStandard(app::CoverageDock::Standard::Meters, 100);
        std::shared_ptr<const storage::LayerSnapshot> gaps, areas, households, grids;
        connect(&dock, &app::CoverageDock::layersReady, this, [&](auto g, auto a, auto h, auto gr) {
            gaps = g;
            areas = a;
            households = h;
            grids = gr;
        });
        QVERIFY(runAndWait(dock));
        QVERIFY(!dock.isRunning());
        auto atlas = storage::Atlas::open(m_world.path, storage::OpenMode::ReadOnly);
        const auto data = storage::loadCoverageData(*atlas);
        storage::CoverageOptions o;
        o.postType = "health_station";
        o.meters = 100;
        const auto expected = storage::computeCoverage(*data, o);
        QVERIFY(expected.coveredCount > 0 && expected.coveredCount < static_cast<std::int64_t>(data->households.size()));
        const auto run = dock.lastRun();
        QVERIFY(run);
        QCOMPARE(run->result.coveredCount, expected.coveredCount);
        // The category table's first row is every household.
        auto* cats = dock.categoryTable();
        QVERIFY(cats->rowCount() >= 1);
        QCOMPARE(cats->item(0, 1)->data(Qt::DisplayRole).toLongLong(), static_cast<qlonglong>(data->households.size()));
        QCOMPARE(cats->item(0, 2)->data(Qt::DisplayRole).toLongLong(), static_cast<qlonglong>(expected.coveredCount));
        QCOMPARE(dock.gridTable()->rowCount(), 1);
        // Building 1 (1栋, 107 m away) is the gap; building 2 (73 m) is covered.
        QCOMPARE(dock.gapTable()->rowCount(), 1);
        QCOMPARE(dock.gapTable()->item(0, 0)->data(Qt::UserRole).toLongLong(), 1);
        QVERIFY(gaps);
        QCOMPARE(gaps->size(), std::size_t{1});
        QCOMPARE(gaps->id(0), std::int64_t{1});
        QVERIFY(areas);
        QCOMPARE(areas->size(), std::size_t{1});
        QVERIFY(households);
        QCOMPARE(households->size(), data->households.size());
        // The choropleth: the one grid, 48 of 60 households covered.
        QVERIFY(grids);
        QCOMPARE(grids->size(), std::size_t{1});
        QCOMPARE(std::get<std::int64_t>(grids->value(0, grids->columnIndex("covered"))), expected.coveredCount);
        QVERIFY(dock.summaryText().contains(QString::number(expected.coveredCount)));
        // For a look by hand: GRIDATLAS_COVERAGE_SCREENSHOT=/tmp/dock.png
        if (const char* shot = std::getenv("GRIDATLAS_COVERAGE_SCREENSHOT")) {
            dock.resize(520, 640);
            dock.show();
            QVERIFY(dock.grab().save(QString::fromLocal8Bit(shot)));
        }
    }

    void walkingRunWithTheLayerCache() {
        app::CoverageDock dock;
        auto cache = std::make_shared<storage::LayerCache>(m_world.path);
        dock.setAtlas(QString::fromStdString(m_world.path), cache);
        dock.setPostType(QStringLiteral("health_station"));
        dock.setDistanceMode(storage::DistanceMode::Network);
        dock.setStandard(app::CoverageDock::Standard::PostType);
        QSignalSpy progress(&dock, &app::CoverageDock::progressChanged);
        QVERIFY(runAndWait(dock));
        const auto run = dock.lastRun();
        QVERIFY(run);
        // 15 minutes = 1,125 m along the one street reaches every door of the small world.
        QCOMPARE(run->result.coveredCount, static_cast<std::int64_t>(run->data->households.size()));
        QVERIFY(run->serviceAreas && run->serviceAreas->size() == 1);
        QVERIFY(progress.count() > 0);
    }

    void cancelReturnsAtOnceAndDropsTheResult() {
        app::CoverageDock dock;
        dock.setAtlas(QString::fromStdString(m_world.path));
        dock.setPostType(QStringLiteral("health_station"));
        int layers = 0;
        connect(&dock, &app::CoverageDock::layersReady, this, [&] { ++layers; });
        QSignalSpy finished(&dock, &app::CoverageDock::runFinished);
        QVERIFY(dock.run());
        QVERIFY(dock.isRunning());
        dock.cancel();
        QVERIFY(!dock.isRunning());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QTest::qWait(500); // the worker ends on its own; what it delivers is stale
        QCOMPARE(layers, 0);
        QVERIFY(!dock.lastRun());
        // A new run after a cancel works.
        QVERIFY(runAndWait(dock));
        QCOMPARE(layers, 1);
    }

    void aMissingAtlasIsReportedAndRunIsOff() {
        app::CoverageDock dock;
        testing::TempDir dir;
        const QString missing = QString::fromStdString(dir.file("missing.sqlite"));
        dock.setAtlas(missing);
        QVERIFY(dock.summaryText().contains(QStringLiteral("missing.sqlite")));
        QVERIFY(!dock.run());
        const auto buttons = dock.findChildren<QPushButton*>();
        QVERIFY(!buttons.isEmpty());
        QVERIFY(!buttons.front()->isEnabled());
    }
};

QTEST_MAIN(CoverageDockTest)
#include "coverage_dock_test.moc"
