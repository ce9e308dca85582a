// Grid editing in the viewer, driven with the mouse on the offscreen canvas: vertex drags that
// snap and move shared boundaries, drawing and splitting grids, painting buildings into a grid,
// and undo/redo restoring the atlas exactly.
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QSignalSpy>
#include <QTableWidget>
#include <QStandardPaths>
#include <QtTest>

#include "app/grid_editing.h"
#include "app/grid_panel.h"
#include "app/grid_properties_dialog.h"
#include "app/main_window.h"
#include "app/map_canvas.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::app;
using gridatlas::testing::SmallWorld;

class GridEditingTest : public QObject {
    Q_OBJECT
    std::unique_ptr<SmallWorld> m_world;
    std::unique_ptr<MainWindow> m_window;
    MapCanvas* canvas() { return m_window->canvas(); }
    bool waitForFrame(int timeoutMs = 10000) {
        QTest::qWait(30);
        return QTest::qWaitFor([this] { return !canvas()->isRendering() && canvas()->shownGeneration() == canvas()->requestedGeneration() &&
                                               canvas()->requestedGeneration() > 0; },
                               timeoutMs);
    }
    QPoint at(double dx, double dy) { return canvas()->toPixel({SmallWorld::kX0 + dx, SmallWorld::kY0 + dy}).toPoint(); }
    // Reads the atlas through its own connection, as another program would.
    std::int64_t queryInt(const std::string& sql) {
        storage::Connection c(m_world->path, storage::OpenMode::ReadOnly);
        return c.queryInt(sql).value_or(-1);
    }
    std::string queryText(const std::string& sql) {
        storage::Connection c(m_world->path, storage::OpenMode::ReadOnly);
        return c.queryText(sql).value_or("");
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void init() {
        m_world = std::make_unique<SmallWorld>();
        m_world->atlas.reset();
        m_window = std::make_unique<MainWindow>();
        m_window->setAskQuestions(false);
        m_window->resize(1000, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        const QString map = QString::fromStdString(testing::sourcePath("maps/member-residence.json"));
        QVERIFY2(m_window->openAtlas(QString::fromStdString(m_world->path), map), qPrintable(m_window->lastMessage()));
        canvas()->zoomToRect({SmallWorld::kX0 - 20, SmallWorld::kY0 - 20, SmallWorld::kX0 + 420, SmallWorld::kY0 + 320});
        QVERIFY(waitForFrame());
    }
    void cleanup() {
        m_window.reset();
        m_world.reset();
    }

    void draggingACornerMovesItSnapsAndUndoesExactly() {
        const std::string before = queryText("SELECT hex(geom) FROM grids WHERE id = 1");
        QVERIFY(m_window->setGridTool(MainWindow::GridTool::Vertex));
        // Drag the grid's north-east corner onto building 2's north-east corner (x0+225, y0+170),
        // releasing a few pixels off: the snap puts it exactly there.
        QTest::mousePress(canvas(), Qt::LeftButton, {}, at(400, 300));
        QTest::mouseMove(canvas(), at(226, 171));
        QTest::mouseRelease(canvas(), Qt::LeftButton, {}, at(226, 171));
        QCOMPARE(m_window->gridEditSession()->undoStack()->count(), 1);
        QCOMPARE(queryInt("SELECT ST_Intersects(geom, MakePoint(" + std::to_string(SmallWorld::kX0 + 225) + ", " +
                          std::to_string(SmallWorld::kY0 + 170) + ", 4548)) FROM grids WHERE id = 1"), 1);
        QCOMPARE(queryInt("SELECT ST_NPoints(geom) FROM grids WHERE id = 1"), 5);
        QVERIFY(queryText("SELECT hex(geom) FROM grids WHERE id = 1") != before);
        m_window->gridEditSession()->undoStack()->undo();
        QCOMPARE(queryText("SELECT hex(geom) FROM grids WHERE id = 1"), before); // bit-identical
        m_window->gridEditSession()->undoStack()->redo();
        QVERIFY(queryText("SELECT hex(geom) FROM grids WHERE id = 1") != before);
    }

    void drawingAGridTakesItsAreaAndBuildingsAndUndoes() {
        QVERIFY(m_window->setGridTool(MainWindow::GridTool::Draw));
        auto* draw = static_cast<PolylineTool*>(m_window->gridToolObject(MainWindow::GridTool::Draw));
        // Around building 2 (x0+200..225, y0+150..170).
        for (const auto& [x, y] : {std::pair{180.0, 130.0}, {250.0, 130.0}, {250.0, 190.0}, {180.0, 190.0}}) {
            QTest::mouseClick(canvas(), Qt::LeftButton, {}, at(x, y));
        }
        QCOMPARE(draw->points().size(), std::size_t{4});
        QTest::keyClick(canvas(), Qt::Key_Return);
        QCOMPARE(queryInt("SELECT COUNT(*) FROM grids"), 2);
        const std::int64_t newGrid = queryInt("SELECT MAX(id) FROM grids");
        QCOMPARE(queryInt("SELECT grid_id FROM buildings WHERE id = 2"), newGrid);
        QCOMPARE(queryInt("SELECT grid_id FROM buildings WHERE id = 1"), 1);
        // The two grids share the boundary exactly: no overlap, no gap.
        QVERIFY(queryInt("SELECT CAST(ST_Area(ST_Intersection(a.geom, b.geom)) * 1000 AS INTEGER) FROM grids a, grids b "
                         "WHERE a.id = 1 AND b.id = " + std::to_string(newGrid)) <= 10);
        QCOMPARE(queryInt("SELECT CAST(ROUND(SUM(ST_Area(geom))) AS INTEGER) FROM grids"), 400 * 300);
        m_window->gridEditSession()->undoStack()->undo();
        QCOMPARE(queryInt("SELECT COUNT(*) FROM grids"), 1);
        QCOMPARE(queryInt("SELECT grid_id FROM buildings WHERE id = 2"), 1);
    }

    void splittingAGridCutsItAlongTheLine() {
        QVERIFY(m_window->setGridTool(MainWindow::GridTool::Split));
        // A north-south line at x0+150 across the whole grid.
        QTest::mouseClick(canvas(), Qt::LeftButton, {}, at(150, -10));
        QTest::mouseClick(canvas(), Qt::LeftButton, {}, at(150, 310));
        QTest::keyClick(canvas(), Qt::Key_Return);
        QCOMPARE(queryInt("SELECT COUNT(*) FROM grids"), 2);
        const std::int64_t east = queryInt("SELECT id FROM grids WHERE ST_Contains(geom, MakePoint(" + std::to_string(SmallWorld::kX0 + 300) +
                                           ", " + std::to_string(SmallWorld::kY0 + 100) + ", 4548))");
        QCOMPARE(queryInt("SELECT grid_id FROM buildings WHERE id = 2"), east);
        QVERIFY(queryInt("SELECT grid_id FROM buildings WHERE id = 1") != east);
        QCOMPARE(queryInt("SELECT CAST(ROUND(SUM(ST_Area(geom))) AS INTEGER) FROM grids"), 400 * 300);
        // The line lies where the clicks were, to within a pixel.
        const double area = static_cast<double>(queryInt("SELECT CAST(ROUND(ST_Area(geom)) AS INTEGER) FROM grids WHERE id = " + std::to_string(east)));
        QVERIFY2(std::abs(area - 250.0 * 300.0) <= 300.0 * canvas()->view().metresPerPixel, qPrintable(QString::number(area)));
    }

    void paintingMovesABuildingWithLiveTotals() {
        // The demo community: many buildings per grid, so a grid keeps some after one leaves.
        testing::TempDir dir;
        const std::string path = dir.file("demo.sqlite");
        std::string out;
        QCOMPARE(testing::runCommand(testing::cliPath() + " demo --scale S --out " + path, &out), 0);
        const QString map = QString::fromStdString(testing::sourcePath("maps/member-residence.json"));
        QVERIFY2(m_window->openAtlas(QString::fromStdString(path), map), qPrintable(m_window->lastMessage()));
        storage::Connection c(path, storage::OpenMode::ReadOnly);
        // A building of grid 1 next to grid 2, and a point inside it.
        const std::int64_t building = *c.queryInt(
            "SELECT b.id FROM buildings b, grids g WHERE b.grid_id = 1 AND g.id = 2 ORDER BY ST_Distance(b.geom, g.geom) LIMIT 1");
        const double bx = std::stod(*c.queryText("SELECT ST_X(ST_PointOnSurface(geom)) FROM buildings WHERE id = " + std::to_string(building)));
        const double by = std::stod(*c.queryText("SELECT ST_Y(ST_PointOnSurface(geom)) FROM buildings WHERE id = " + std::to_string(building)));
        const double gx = std::stod(*c.queryText("SELECT ST_X(ST_PointOnSurface(geom)) FROM grids WHERE id = 2"));
        const double gy = std::stod(*c.queryText("SELECT ST_Y(ST_PointOnSurface(geom)) FROM grids WHERE id = 2"));
        canvas()->zoomToRect({std::min(bx, gx) - 100, std::min(by, gy) - 100, std::max(bx, gx) + 100, std::max(by, gy) + 100});
        QVERIFY(waitForFrame());
        QVERIFY(m_window->setGridTool(MainWindow::GridTool::Paint));
        const QPoint target = canvas()->toPixel({gx, gy}).toPoint();
        QTest::mousePress(canvas(), Qt::RightButton, {}, target);
        QTest::mouseRelease(canvas(), Qt::RightButton, {}, target);
        auto* label = m_window->findChild<QLabel*>("PaintTotals");
        QVERIFY(label);
        const QString beforeText = label->text();
        QVERIFY2(!beforeText.isEmpty(), "the target grid's totals show");
        const QPoint p = canvas()->toPixel({bx, by}).toPoint();
        QTest::mousePress(canvas(), Qt::LeftButton, {}, p);
        QVERIFY2(label->text() != beforeText, qPrintable(label->text())); // live totals while painting
        QTest::mouseRelease(canvas(), Qt::LeftButton, {}, p);
        QVERIFY2(m_window->lastMessage().isEmpty() || !m_window->lastMessage().contains("rror"), qPrintable(m_window->lastMessage()));
        storage::Connection after(path, storage::OpenMode::ReadOnly);
        QCOMPARE(after.queryInt("SELECT grid_id FROM buildings WHERE id = " + std::to_string(building)).value_or(0), std::int64_t{2});
        m_window->gridEditSession()->undoStack()->undo();
        storage::Connection undone(path, storage::OpenMode::ReadOnly);
        QCOMPARE(undone.queryInt("SELECT grid_id FROM buildings WHERE id = " + std::to_string(building)).value_or(0), std::int64_t{1});
    }

    void theCheckPanelListsAPlantedFaultAndZoomsToIt() {
        GridPanel* panel = m_window->gridPanel();
        QVERIFY(panel);
        panel->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 20000);
        for (const auto& p : panel->problems()) QVERIFY2(p.kind != storage::GridProblemKind::MissingStaff, p.message.c_str());
        QCOMPARE(panel->stats().grids.size(), std::size_t{1});
        QCOMPARE(panel->statsTable()->rowCount(), 1);
        {
            storage::Connection c(m_world->path, storage::OpenMode::ReadWrite);
            c.exec("DELETE FROM grid_staff WHERE role = 'supervisor'");
        }
        panel->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 20000);
        int row = -1;
        for (std::size_t i = 0; i < panel->problems().size(); ++i)
            if (panel->problems()[i].kind == storage::GridProblemKind::MissingStaff) row = static_cast<int>(i);
        QVERIFY(row >= 0);
        QCOMPARE(panel->problemTable()->item(row, 0)->text(), GridPanel::kindText(storage::GridProblemKind::MissingStaff));
        QSignalSpy zoom(panel, &GridPanel::zoomRequested);
        emit panel->problemTable()->cellActivated(row, 0);
        QCOMPARE(zoom.count(), 1);
        const auto bounds = zoom.front().front().value<model::Rect>();
        QVERIFY(bounds.intersects(model::Rect{SmallWorld::kX0, SmallWorld::kY0, SmallWorld::kX0 + 400, SmallWorld::kY0 + 300}));
    }

    void gridPropertiesAreEditedMaskedByDefaultAndUndone() {
        const std::string oldName = queryText("SELECT name FROM grids WHERE id = 1");
        const std::string oldPhone = queryText("SELECT phone FROM grid_staff WHERE grid_id = 1 AND role = 'supervisor'");
        bool masked = false, workload = false;
        m_window->propertiesDialogHook = [&](GridPropertiesDialog& d) -> bool {
            // Personal data is masked until revealed, and read-only while masked.
            const QString shownPhone = d.staffPhone(1)->text();
            masked = (oldPhone.empty() || shownPhone != QString::fromStdString(oldPhone)) && d.staffName(0)->isReadOnly();
            workload = d.workloadLabel()->text().contains("3");
            d.setReveal(true);
            d.nameEdit()->setText("湖西一网格（调整）");
            d.targetEdit()->setValue(350);
            d.staffPhone(1)->setText("13900001111");
            return true;
        };
        QVERIFY(m_window->setGridTool(MainWindow::GridTool::Properties));
        QTest::mouseClick(canvas(), Qt::LeftButton, {}, at(300, 250));
        QVERIFY(masked);
        QVERIFY(workload); // three staff
        QCOMPARE(queryText("SELECT name FROM grids WHERE id = 1"), std::string("湖西一网格（调整）"));
        QCOMPARE(queryInt("SELECT target_households FROM grids WHERE id = 1"), 350);
        QCOMPARE(queryText("SELECT phone FROM grid_staff WHERE grid_id = 1 AND role = 'supervisor'"), std::string("13900001111"));
        QCOMPARE(queryInt("SELECT COUNT(*) FROM grid_staff WHERE grid_id = 1"), 3); // the other staff kept
        m_window->gridEditSession()->undoStack()->undo();
        QCOMPARE(queryText("SELECT name FROM grids WHERE id = 1"), oldName);
        QCOMPARE(queryText("SELECT phone FROM grid_staff WHERE grid_id = 1 AND role = 'supervisor'"), oldPhone);
    }

    // Someone else saves the grid while the properties dialog is open: our save is refused with
    // what they changed, and their change stays.
    void aStalePropertiesSaveIsRefusedWithTheOtherChange() {
        m_window->propertiesDialogHook = [&](GridPropertiesDialog& d) -> bool {
            {
                storage::Connection other(m_world->path, storage::OpenMode::ReadWrite);
                other.exec("UPDATE grids SET target_households = 480 WHERE id = 1");
            }
            d.nameEdit()->setText("我的改名");
            d.targetEdit()->setValue(350);
            return true;
        };
        QVERIFY(m_window->setGridTool(MainWindow::GridTool::Properties));
        QTest::mouseClick(canvas(), Qt::LeftButton, {}, at(300, 250));
        QCOMPARE(queryInt("SELECT target_households FROM grids WHERE id = 1"), 480);
        QVERIFY(queryText("SELECT name FROM grids WHERE id = 1") != "我的改名");
        QVERIFY2(m_window->lastMessage().contains("target_households") && m_window->lastMessage().contains("480") &&
                     m_window->lastMessage().contains("not saved"),
                 qPrintable(m_window->lastMessage()));
        QVERIFY(!m_window->gridEditSession()->undoStack()->canUndo()); // nothing to undo: nothing was written
    }

    void discardUndoesEverythingSinceTheLastSave() {
        const std::string before = queryText("SELECT group_concat(hex(geom)) FROM grids");
        QVERIFY(m_window->setGridTool(MainWindow::GridTool::Vertex));
        QTest::mousePress(canvas(), Qt::LeftButton, {}, at(0, 0));
        QTest::mouseMove(canvas(), at(30, 20));
        QTest::mouseRelease(canvas(), Qt::LeftButton, {}, at(30, 20));
        m_window->gridEditSession()->markSaved();
        const std::string saved = queryText("SELECT group_concat(hex(geom)) FROM grids");
        QVERIFY(saved != before);
        QTest::mousePress(canvas(), Qt::LeftButton, {}, at(400, 0));
        QTest::mouseMove(canvas(), at(370, 30));
        QTest::mouseRelease(canvas(), Qt::LeftButton, {}, at(370, 30));
        QVERIFY(m_window->gridEditSession()->hasUnsavedEdits());
        m_window->gridEditSession()->discard();
        QCOMPARE(queryText("SELECT group_concat(hex(geom)) FROM grids"), saved);
        QVERIFY(!m_window->gridEditSession()->hasUnsavedEdits());
    }
};

QTEST_MAIN(GridEditingTest)
#include "grid_editing_test.moc"
