// The roster wizard on the SmallWorld fixture: file -> preview (masked) -> mapping (detected,
// editable, blocking problems) -> dry run (writes nothing) -> import -> result with rejects;
// cancelling a large import leaves the atlas as it was.
#include <QCheckBox>
#include <QProgressDialog>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTimer>
#include <QtTest>

#include <fstream>

#include "app/roster_wizard.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using app::RosterWizard;

namespace {

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

const char* kRoster = "序号,姓名,身份证号,联系电话,住址,是否党员\n"
                      "1,王小明,42011119900501123X,13800001111,湖西社区1栋1单元101室,否\n"
                      "2,赵新,,13900002222,湖西社区1栋2单元602,是\n"
                      "3,错楼,,,湖西社区9栋1单元101室,否\n";

std::int64_t residents(const std::string& path) {
    storage::Connection c(path, storage::OpenMode::ReadOnly);
    return c.queryInt("SELECT COUNT(*) FROM residents").value_or(-1);
}

bool waitDone(RosterWizard& w) {
    for (int i = 0; i < 3000 && w.isRunning(); ++i) QTest::qWait(10);
    return !w.isRunning();
}

} // namespace

class RosterWizardTest : public QObject {
    Q_OBJECT
private slots:
    void walksThroughPreviewMappingDryRunAndImport() {
        testing::SmallWorld world;
        world.atlas.reset(); // the wizard opens the file itself
        const std::string roster = world.dir.file("r.csv");
        writeFile(roster, kRoster);
        const auto before = residents(world.path);

        RosterWizard w(QString::fromStdString(world.path));
        w.show();
        w.setRosterPath(QString::fromStdString(roster));
        QVERIFY(w.currentPage()->isComplete());
        w.next(); // reads the roster
        QCOMPARE(w.currentId(), int(RosterWizard::PreviewPageId));
        QVERIFY(w.table());
        QCOMPARE(int(w.table()->rowCount()), 3);
        // Preview: names, ID numbers and phones masked until asked for.
        QCOMPARE(w.previewTable()->rowCount(), 3);
        QCOMPARE(w.previewTable()->item(0, 1)->text(), QString("王**"));
        QCOMPARE(w.previewTable()->item(0, 3)->text(), QString("138****1111"));
        QVERIFY(!w.previewTable()->item(0, 2)->text().contains("19900501"));
        w.setRevealPersonalData(true);
        QCOMPARE(w.previewTable()->item(0, 1)->text(), QString("王小明"));
        QCOMPARE(w.previewTable()->verticalHeaderItem(0)->text(), QString("2")); // Excel row numbers

        w.next();
        QCOMPARE(w.currentId(), int(RosterWizard::MappingPageId));
        const auto m = w.mapping();
        QCOMPARE(m.columnOf(io::RosterField::Name), 1);
        QCOMPARE(m.columnOf(io::RosterField::IdNumber), 2);
        QCOMPARE(m.columnOf(io::RosterField::Address), 4);
        QCOMPARE(m.columnOf(io::RosterField::IsMember), 5);
        QVERIFY(w.currentPage()->isComplete());
        // Unmapping the address blocks the import, with the reason shown.
        w.setColumnField(4, io::RosterField::Ignore);
        QVERIFY(!w.currentPage()->isComplete());
        QVERIFY(w.mappingProblems().join(" ").contains("address"));
        w.setColumnField(4, io::RosterField::Address);
        QVERIFY(w.currentPage()->isComplete());

        w.next();
        QCOMPARE(w.currentId(), int(RosterWizard::ImportPageId));
        QVERIFY(!w.currentPage()->isComplete()); // nothing imported yet
        QSignalSpy finished(&w, &RosterWizard::importFinished);
        w.startImport(/*dryRun=*/true);
        QVERIFY(waitDone(w));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(w.lastResult());
        QCOMPARE(int(w.lastResult()->rejected), 1);
        QVERIFY(w.summaryText().contains("Dry run"));
        QCOMPARE(residents(world.path), before);

        // Without partial the bad row stops everything; with it the two good rows land.
        w.startImport(false);
        QVERIFY(waitDone(w));
        QVERIFY(!w.lastResult()->written);
        QCOMPARE(residents(world.path), before);
        w.setPartial(true);
        w.startImport(false);
        QVERIFY(waitDone(w));
        QVERIFY(w.lastResult()->written);
        QCOMPARE(finished.last().at(0).toBool(), true);
        QCOMPARE(residents(world.path), before + 2);
        QVERIFY(w.currentPage()->isComplete());

        w.next();
        QCOMPARE(w.currentId(), int(RosterWizard::ResultPageId));
        QCOMPARE(w.rejectsTable()->rowCount(), 1);
        QCOMPARE(w.rejectsTable()->item(0, 0)->text(), QString("4"));
        QVERIFY(w.rejectsTable()->item(0, 2)->text().contains("no building 9"));
    }

    void badFileStaysOnTheFirstPageWithTheReason() {
        testing::SmallWorld world;
        world.atlas.reset();
        RosterWizard w(QString::fromStdString(world.path));
        w.show();
        w.setRosterPath(QString::fromStdString(world.dir.file("missing.csv")));
        w.next();
        QCOMPARE(w.currentId(), int(RosterWizard::FilePageId));
        QVERIFY(w.errorText().contains("does not exist"));
        const std::string noHeader = world.dir.file("x.csv");
        writeFile(noHeader, "a,b,c\n1,2,3\n");
        w.setRosterPath(QString::fromStdString(noHeader));
        w.next();
        QCOMPARE(w.currentId(), int(RosterWizard::FilePageId));
        QVERIFY(w.errorText().contains("no header row"));
    }

    void cancelLeavesTheAtlasAsItWas() {
        testing::SmallWorld world;
        world.atlas.reset();
        const std::string roster = world.dir.file("big.csv");
        {
            std::ofstream out(roster, std::ios::binary);
            out << "姓名,住址\n";
            for (int i = 0; i < 300000; ++i)
                out << "居民" << i << ",湖西社区2栋1单元" << (1 + i % 18) << "0" << (1 + i % 2) << "\n";
        }
        const auto before = residents(world.path);
        RosterWizard w(QString::fromStdString(world.path));
        w.setRosterPath(QString::fromStdString(roster));
        QVERIFY(w.loadRoster());
        w.startImport(false);
        QVERIFY(w.isRunning());
        w.cancelImport();
        QVERIFY(waitDone(w));
        QVERIFY(!w.lastResult());
        QVERIFY(w.errorText().contains("Cancelled"));
        QCOMPARE(residents(world.path), before);
    }

    void readingALargeFileKeepsTheWindowAliveAndCanBeCancelled() {
        testing::SmallWorld world;
        world.atlas.reset();
        const std::string roster = world.dir.file("big.csv");
        {
            std::ofstream out(roster, std::ios::binary);
            out << "姓名,住址\n";
            for (int i = 0; i < 300000; ++i)
                out << "居民" << i << ",湖西社区2栋1单元" << (1 + i % 18) << "0" << (1 + i % 2) << "\n";
        }
        RosterWizard w(QString::fromStdString(world.path));
        w.setRosterPath(QString::fromStdString(roster));
        // The event loop runs while the file is read: timers fire.
        int ticks = 0;
        QTimer ticker;
        QObject::connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
        ticker.start(1);
        QVERIFY(w.loadRoster());
        ticker.stop();
        QVERIFY2(ticks > 0, "the window was frozen while reading");
        QCOMPARE(int(w.table()->rowCount()), 300000);

        // Cancel as soon as the read is under way: the wizard stays on the file, with the reason.
        QTimer::singleShot(0, &w, [&w] {
            if (auto* dialog = w.findChild<QProgressDialog*>()) dialog->cancel();
        });
        QVERIFY(!w.loadRoster());
        QVERIFY(!w.table());
        QVERIFY2(w.errorText().contains("cancelled"), qPrintable(w.errorText()));
    }
};

QTEST_MAIN(RosterWizardTest)
#include "roster_wizard_test.moc"
