// The history panel in the viewer: grid edits made in the window and changes made by another
// program show up newest first, masked as stored; undo reaches back through the session's edits
// and is itself recorded.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QtTest>

#include "app/grid_editing.h"
#include "app/history_panel.h"
#include "app/main_window.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using namespace gridatlas::app;
using gridatlas::testing::SmallWorld;

class HistoryPanelTest : public QObject {
    Q_OBJECT
    std::unique_ptr<SmallWorld> m_world;
    std::unique_ptr<MainWindow> m_window;

    QString cell(int row, int col) const {
        auto* item = m_window->historyPanel()->table()->item(row, col);
        return item ? item->text() : QString();
    }
    // Reads the log again and waits until the table shows it (a read already under way when
    // this asks finishes first, then one more runs).
    bool reload() {
        m_window->historyPanel()->refresh();
        return QTest::qWaitFor([this] { return !m_window->historyPanel()->isLoading(); }, 10000);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("GRIDATLAS_USER", "测试员");
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
    }
    void cleanup() {
        m_window.reset();
        m_world.reset();
    }

    void showsChangesNewestFirstAndMasked() {
        {
            auto atlas = storage::Atlas::open(m_world->path, storage::OpenMode::ReadWrite);
            atlas->connection().exec("UPDATE residents SET phone = '13512345678' WHERE id = 3");
            atlas->connection().exec("UPDATE streets SET name = '湖滨路' WHERE id = 1");
        }
        QSignalSpy loaded(m_window->historyPanel(), &HistoryPanel::loaded);
        m_window->historyPanel()->show(); // becoming visible reads the log
        QVERIFY(loaded.wait(10000));
        QVERIFY(QTest::qWaitFor([this] { return !m_window->historyPanel()->isLoading(); }, 10000));
        auto* table = m_window->historyPanel()->table();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(cell(0, 3), QString("streets#1.name"));
        QCOMPARE(cell(0, 4), QString("湖西路"));
        QCOMPARE(cell(0, 5), QString("湖滨路"));
        QCOMPARE(cell(1, 1), QString("测试员"));
        QCOMPARE(cell(1, 2), HistoryPanel::actionText("update"));
        QCOMPARE(cell(1, 3), QString("residents#3.phone"));
        QCOMPARE(cell(1, 4), QString("136****1111"));
        QCOMPARE(cell(1, 5), QString("135****5678"));
        for (int r = 0; r < table->rowCount(); ++r)
            for (int c = 0; c < table->columnCount(); ++c) QVERIFY(!cell(r, c).contains("13512345678"));
    }

    void gridEditsAndTheirUndoAreRecorded() {
        m_window->historyPanel()->show();
        QVERIFY(reload());
        QCOMPARE(m_window->historyPanel()->table()->rowCount(), 0);
        QVERIFY(m_window->startGridEditing());
        auto* session = m_window->gridEditSession();
        QVERIFY(session->apply("Delete grid", [](storage::GridEditor& ed) { return ed.deleteGrid(1); }));
        QVERIFY(reload());
        const auto& after = m_window->historyPanel()->entries();
        int gridDeletes = 0, staffDeletes = 0;
        for (const auto& e : after) {
            gridDeletes += e.action == "delete" && e.table == "grids";
            staffDeletes += e.action == "delete" && e.table == "grid_staff";
        }
        QCOMPARE(gridDeletes, 1);
        QCOMPARE(staffDeletes, 3);
        for (const auto& e : after) QVERIFY(!e.oldValue || e.oldValue->find("王建国") == std::string::npos);
        // Undo brings the grid back, and that is in the log too.
        session->undoStack()->undo();
        QVERIFY(reload());
        int gridInserts = 0;
        for (const auto& e : m_window->historyPanel()->entries()) gridInserts += e.action == "insert" && e.table == "grids";
        QCOMPARE(gridInserts, 1);
        storage::Connection c(m_world->path, storage::OpenMode::ReadOnly);
        QCOMPARE(c.queryInt("SELECT COUNT(*) FROM grids").value_or(-1), 1);
        QCOMPARE(c.queryInt("SELECT COUNT(*) FROM grid_staff").value_or(-1), 3);
    }
};

QTEST_MAIN(HistoryPanelTest)
#include "history_panel_test.moc"
