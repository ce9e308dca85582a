// The floor-plan dock driven as a user drives it: open a building, click a flat in the table or on
// the drawn floor, follow a selection from the map, tick "show personal data".
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include <algorithm>
#include <cstdlib>

#include "app/floor_plan_view.h"
#include "io/floor_plan_import.h"
#include "model/entities.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using gridatlas::app::FloorPlanDock;
using gridatlas::testing::SmallWorld;

class FloorPlanDockTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<SmallWorld> m_world;
    std::unique_ptr<FloorPlanDock> m_dock;

    QModelIndex cellOf(qint64 household) { return m_dock->tableModel()->indexOfHousehold(household); }
    QString residentName(int row) {
        auto* item = m_dock->residentsView()->item(row, 0);
        return item ? item->text() : QString();
    }
    void saveScreenshot(const QString& name) {
        if (const char* dir = std::getenv("GRIDATLAS_SCREENSHOT_DIR"))
            m_dock->grab().save(QString::fromLocal8Bit(dir) + "/" + name);
    }

private slots:
    void init() {
        m_world = std::make_unique<SmallWorld>();
        io::generateFloorPlan(*m_world->atlas, 1, {});
        m_world->atlas.reset();
        m_dock = std::make_unique<FloorPlanDock>();
        m_dock->resize(900, 760);
        m_dock->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_dock.get()));
        QVERIFY2(m_dock->showBuilding(QString::fromStdString(m_world->path), 1), qPrintable(m_dock->errorText()));
    }
    void cleanup() {
        m_dock.reset();
        m_world.reset();
    }

    void showsTheBuildingTable() {
        auto* model = m_dock->tableModel();
        QCOMPARE(model->rowCount(), 7);    // floors 6..1 and the totals row
        QCOMPARE(model->columnCount(), 5); // 2 units x 2 flats and the counts
        QCOMPARE(model->headerData(0, Qt::Vertical).toString(), QStringLiteral("Floor 6"));
        QCOMPARE(model->headerData(2, Qt::Horizontal).toString(), QStringLiteral("Unit 2 · 01"));
        const QModelIndex member = cellOf(3);
        QCOMPARE(member.row(), 4); // floor 2
        QCOMPARE(member.column(), 0);
        QCOMPARE(model->data(member).toString(), QStringLiteral("201 ★1"));
        QCOMPARE(model->data(member, Qt::BackgroundRole).value<QBrush>().color(),
                 render::planStatusColor(render::PlanStatus::Member));
        // Household 7 (room 401) is elderly alone: "in care" until revealed.
        QCOMPARE(model->statusAt(cellOf(7)), render::PlanStatus::Care);
        QCOMPARE(model->data(model->index(4, 4)).toString(), QStringLiteral("4 hh / 1 members"));
        QCOMPARE(model->data(model->index(6, 0)).toString(), QStringLiteral("12 hh / 1 members"));
        QCOMPARE(m_dock->floorSelector()->count(), 6);
        QCOMPARE(m_dock->currentFloor(), 1);
        saveScreenshot("floor_plan_dock_table.png");
    }

    void clickingACellSelectsItsHouseholdAndShowsMaskedResidents() {
        QSignalSpy spy(m_dock.get(), &FloorPlanDock::householdSelected);
        auto* view = m_dock->tableView();
        view->scrollTo(cellOf(3));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, view->visualRect(cellOf(3)).center());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<qint64>(), 3);
        QCOMPARE(m_dock->selectedHousehold(), 3);
        QCOMPARE(m_dock->residentsView()->rowCount(), 1);
        QCOMPARE(residentName(0), QStringLiteral("刘**"));
        QCOMPARE(m_dock->residentsView()->item(0, 4)->text(), QStringLiteral("136****1111"));
        QCOMPARE(m_dock->residentsView()->item(0, 8)->text(), QStringLiteral("***"));
        // The drawn floor went to floor 2, where the household lives.
        QCOMPARE(m_dock->currentFloor(), 2);
        QVERIFY(m_dock->legend()->text().contains(QStringLiteral("Household in care")));
        QVERIFY(!m_dock->legend()->text().contains(QStringLiteral("Elderly living alone")));
        m_dock->revealCheck()->setChecked(true);
        QVERIFY(m_dock->legend()->text().contains(QStringLiteral("Elderly living alone")));
        QCOMPARE(residentName(0), QStringLiteral("刘党员"));
        QCOMPARE(m_dock->residentsView()->item(0, 5)->text(), QStringLiteral("150781195001011234"));
        QCOMPARE(m_dock->tableModel()->statusAt(cellOf(7)), render::PlanStatus::ElderlyAlone);
        // An empty-handed click (the totals row) selects nothing and says nothing.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier,
                          view->visualRect(m_dock->tableModel()->index(6, 4)).center());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(m_dock->residentsView()->rowCount(), 0);
    }

    void selectHouseholdFollowsTheMapWithoutEchoing() {
        QSignalSpy spy(m_dock.get(), &FloorPlanDock::householdSelected);
        m_dock->selectHousehold(7);
        QCOMPARE(spy.count(), 0);
        QCOMPARE(m_dock->tableView()->currentIndex(), cellOf(7));
        QCOMPARE(m_dock->currentFloor(), 4);
        QCOMPARE(residentName(0), QStringLiteral("住**"));
        m_dock->selectHousehold(999); // not in this building
        QCOMPARE(m_dock->selectedHousehold(), 999);
        QCOMPARE(m_dock->residentsView()->rowCount(), 0);
        QCOMPARE(spy.count(), 0);
    }

    void clickOnTheDrawnFloorSelectsTheFlat() {
        QSignalSpy spy(m_dock.get(), &FloorPlanDock::householdSelected);
        m_dock->showFloor(5);
        QCOMPARE(m_dock->currentFloor(), 5);
        auto* drawing = m_dock->drawingWidget();
        QCOMPARE(static_cast<int>(drawing->drawing().rooms.size()), 6);
        // Unit 2's flat 02 on floor 5 is room 502 of unit 2: household 13 + 9 = 22.
        const qint64 household = m_dock->tableModel()->table().find(5, 2, 2)->householdId;
        QCOMPARE(household, 22);
        m_dock->tabs()->setCurrentIndex(1);
        QVERIFY(QTest::qWaitForWindowExposed(m_dock.get()));
        const auto at = drawing->positionOf(household);
        QVERIFY(at.has_value());
        QTest::mouseClick(drawing, Qt::LeftButton, Qt::NoModifier, at->toPoint());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<qint64>(), household);
        QCOMPARE(m_dock->tableView()->currentIndex(), cellOf(household));
        // The member's flat on floor 2 is drawn in the member colour.
        m_dock->showFloor(2);
        bool memberDrawn = false;
        for (const auto& r : drawing->drawing().rooms)
            memberDrawn = memberDrawn || (r.status == render::PlanStatus::Member && r.members == 1);
        QVERIFY(memberDrawn);
        saveScreenshot("floor_plan_dock_drawing.png");
    }

    void aBuildingThatIsNotThereSaysSo() {
        QVERIFY(!m_dock->showBuilding(QString::fromStdString(m_world->path), 42));
        QVERIFY(m_dock->errorText().contains(QStringLiteral("42")));
        QCOMPARE(m_dock->tableModel()->rowCount(), 0);
        QVERIFY(!m_dock->showBuilding(QStringLiteral("/nonexistent/atlas.sqlite"), 1));
        QVERIFY(m_dock->errorText().contains(QStringLiteral("/nonexistent/atlas.sqlite")));
        // And it recovers.
        QVERIFY(m_dock->showBuilding(QString::fromStdString(m_world->path), 2));
        QCOMPARE(m_dock->tableModel()->rowCount(), 19);
        QVERIFY(!m_dock->floorSelector()->isEnabled()); // building 2 has no drawn plan
    }

    void towerOf33FloorsAndSixUnitsShowsEveryFloorAndUnit() {
        gridatlas::testing::FixtureAtlas f;
        {
            storage::Transaction tx(f.atlas->connection());
            storage::AtlasWriter w(*f.atlas);
            using namespace model;
            w.add(Community{1, "c1", "测试社区", "测试街道", Geometry::polygon({{{0, 0}, {200, 0}, {200, 200}, {0, 200}}})});
            Building b;
            b.id = 1;
            b.communityId = 1;
            b.number = "1栋";
            b.floors = 33;
            b.unitCount = 6;
            b.flatsPerFloor = 4;
            b.footprint = Geometry::polygon({{{10, 10}, {106, 10}, {106, 28}, {10, 28}}});
            w.add(b);
            std::int64_t hid = 0, rid = 0;
            for (int u = 1; u <= 6; ++u) {
                w.add(Unit{u, 1, u, std::nullopt});
                for (int floor = 1; floor <= 33; ++floor)
                    for (int k = 1; k <= 4; ++k) {
                        Household h;
                        h.id = ++hid;
                        h.unitId = u;
                        h.floor = floor;
                        h.room = std::to_string(floor * 100 + k);
                        w.add(h);
                        for (int p = 0; p < 3; ++p) {
                            Resident r;
                            r.id = ++rid;
                            r.householdId = hid;
                            r.name = "居民" + std::to_string(rid);
                            w.add(r);
                        }
                    }
            }
            tx.commit();
            io::generateFloorPlan(*f.atlas, 1, {});
        }
        f.atlas.reset();
        std::vector<qint64> ms;
        for (int run = 0; run < 3; ++run) {
            FloorPlanDock dock;
            dock.resize(900, 760);
            dock.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dock));
            QElapsedTimer timer;
            timer.start();
            QVERIFY(dock.showBuilding(QString::fromStdString(f.path), 1));
            dock.repaint();
            ms.push_back(timer.elapsed());
            QCOMPARE(dock.tableModel()->rowCount(), 34);
            QCOMPARE(dock.tableModel()->columnCount(), 25);
        }
        std::sort(ms.begin(), ms.end());
        qInfo("33-floor, 6-unit tower: showBuilding + paint in %lld ms (median of 3)", static_cast<long long>(ms[1]));
        // The 100 ms target is measured by bench/bench_building_table.cpp, not asserted here:
        // a timed test fails on a loaded machine for reasons that have nothing to do with the code.
    }
};

QTEST_MAIN(FloorPlanDockTest)
#include "floor_plan_dock_test.moc"
