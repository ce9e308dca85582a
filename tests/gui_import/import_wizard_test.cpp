// The import wizard driven as a user drives it: pick a file, see the preview and the detected
// mapping, dry run (nothing written), import, read the report; bad files and cancelling.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <fstream>

#include "app/import_wizard.h"
#include "storage/backup.h"
#include "storage/connection.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;
using gridatlas::app::ImportWizard;
using gridatlas::testing::SmallWorld;

namespace {

std::string buildingsGeoJson(int n) {
    std::string s =
        R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},"features":[)";
    for (int i = 0; i < n; ++i) {
        const double x = SmallWorld::kX0 + 250 + (i % 10) * 12, y = SmallWorld::kY0 + 10 + (i / 10) * 12;
        char poly[300];
        std::snprintf(poly, sizeof poly, "[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f]]]", x, y, x + 10, y,
                      x + 10, y + 8, x, y + 8, x, y);
        s += (i ? "," : "") + std::string(R"({"type":"Feature","id":)") + std::to_string(i + 1) + R"(,"properties":{"楼号":"新)" +
             std::to_string(i + 1) + R"(栋","层数":6,"地址":"湖西路)" + std::to_string(i + 1) +
             R"(号"},"geometry":{"type":"Polygon","coordinates":)" + poly + "}}";
    }
    return s + "]}";
}

std::int64_t buildings(const std::string& path) {
    auto atlas = storage::Atlas::open(path, storage::OpenMode::ReadOnly);
    return atlas->connection().queryInt("SELECT COUNT(*) FROM buildings").value_or(-1);
}

} // namespace

class ImportWizardTest : public QObject {
    Q_OBJECT
private slots:
    void previewShowsRowsAndDetectedMapping() {
        SmallWorld w;
        const std::string file = w.dir.file("new.geojson");
        std::ofstream(file) << buildingsGeoJson(12);
        ImportWizard wizard(QString::fromStdString(w.path));
        wizard.setSourceFile(QString::fromStdString(file));
        QCOMPARE(wizard.findChild<QComboBox*>("layer")->currentText(), QString("new"));
        QCOMPARE(wizard.previewRowCount(), 10);
        QVERIFY(wizard.mappingLines().contains(QString("number <- 楼号")));
        QVERIFY(wizard.mappingLines().contains(QString("floors <- 层数")));
        QVERIFY(wizard.findChild<QLabel*>("sourceInfo")->text().contains("EPSG:4548"));
        QVERIFY(wizard.page(ImportWizard::SourcePageId)->isComplete());
    }

    void dryRunWritesNothingThenImportStores() {
        SmallWorld w;
        const std::string file = w.dir.file("new.geojson");
        std::ofstream(file) << buildingsGeoJson(12);
        w.atlas.reset();
        ImportWizard wizard(QString::fromStdString(w.path));
        wizard.show();
        wizard.setSourceFile(QString::fromStdString(file));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(ImportWizard::MappingPageId));
        QSignalSpy finished(&wizard, &ImportWizard::runFinished);
        QTest::mouseClick(wizard.findChild<QPushButton*>("dryRun"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), false);
        QVERIFY(wizard.findChild<QPlainTextEdit*>("dryRunReport")->toPlainText().contains("dry run"));
        QVERIFY(wizard.findChild<QPlainTextEdit*>("dryRunReport")->toPlainText().contains("added 12"));
        QCOMPARE(buildings(w.path), std::int64_t{2});

        QSignalSpy imported(&wizard, &ImportWizard::importFinished);
        wizard.next(); // the run page starts the import
        QCOMPARE(wizard.currentId(), int(ImportWizard::RunPageId));
        QVERIFY(imported.wait(10000));
        QVERIFY(wizard.currentPage()->isComplete());
        QVERIFY(wizard.findChild<QPlainTextEdit*>("report")->toPlainText().contains("stored as import"));
        QCOMPARE(buildings(w.path), std::int64_t{14});
        QVERIFY(wizard.lastSummary().has_value());
        QCOMPARE(wizard.lastSummary()->added, std::int64_t{12});
    }

    void reimportWithDeletionsRemovesWhatTheFileNoLongerHas() {
        SmallWorld w;
        const std::string file = w.dir.file("new.geojson");
        std::ofstream(file) << buildingsGeoJson(12);
        w.atlas.reset();
        auto importOnce = [&](bool deleteMissing) -> std::int64_t {
            ImportWizard wizard(QString::fromStdString(w.path));
            wizard.show();
            wizard.setSourceFile(QString::fromStdString(file));
            wizard.next();
            wizard.findChild<QCheckBox*>("deleteMissing")->setChecked(deleteMissing);
            QSignalSpy imported(&wizard, &ImportWizard::importFinished);
            wizard.next();
            if (!imported.wait(10000) || !wizard.lastSummary()) return -1; // fails the comparisons below
            return wizard.lastSummary()->deleted;
        };
        QCOMPARE(importOnce(false), std::int64_t{0});
        QCOMPARE(buildings(w.path), std::int64_t{14});
        std::ofstream(file, std::ios::trunc) << buildingsGeoJson(9); // three buildings pulled down
        QCOMPARE(importOnce(true), std::int64_t{3});
        QCOMPARE(buildings(w.path), std::int64_t{11});
        QCOMPARE(static_cast<int>(storage::listBackups(w.path).size()), 1);
    }

    void fileWithoutCrsNeedsOne() {
        SmallWorld w;
        const std::string file = w.dir.file("posts.csv");
        std::ofstream(file) << "名称,类型,x,y\n湖西卫生站,health_station,560150,5495120\n";
        w.atlas.reset();
        ImportWizard wizard(QString::fromStdString(w.path));
        wizard.setSourceFile(QString::fromStdString(file));
        wizard.setTarget("service_posts");
        QVERIFY(wizard.findChild<QLabel*>("sourceInfo")->text().contains("states no coordinate system"));
        QSignalSpy finished(&wizard, &ImportWizard::runFinished);
        wizard.startDryRun();
        QVERIFY(finished.wait(10000));
        QVERIFY(wizard.lastError().contains("--srs"));
        wizard.setSrs("EPSG:4548");
        wizard.startDryRun();
        QVERIFY(finished.wait(10000));
        QVERIFY2(wizard.lastSummary().has_value(), qPrintable(wizard.lastError()));
        QCOMPARE(wizard.lastSummary()->added, std::int64_t{1});
    }

    void unreadableFileIsReportedAndBlocksNext() {
        SmallWorld w;
        const std::string file = w.dir.file("broken.geojson");
        std::ofstream(file) << "{ this is not json";
        ImportWizard wizard(QString::fromStdString(w.path));
        wizard.setSourceFile(QString::fromStdString(file));
        QVERIFY(wizard.findChild<QLabel*>("sourceInfo")->text().contains("broken.geojson"));
        QVERIFY(!wizard.page(ImportWizard::SourcePageId)->isComplete());
    }

    void cancelledImportLeavesTheAtlasUnchanged() {
        SmallWorld w;
        const std::string file = w.dir.file("many.geojson");
        std::ofstream(file) << buildingsGeoJson(400);
        w.atlas.reset();
        ImportWizard wizard(QString::fromStdString(w.path));
        wizard.setSourceFile(QString::fromStdString(file));
        wizard.show();
        QSignalSpy finished(&wizard, &ImportWizard::runFinished);
        wizard.cancelRun(); // nothing running: harmless
        wizard.next();
        wizard.next(); // starts the import
        QVERIFY(wizard.isRunning());
        wizard.cancelRun(); // long before the commit: the import checks before committing
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), false);
        QVERIFY2(wizard.lastError().contains("Cancelled"), qPrintable(wizard.lastError()));
        QVERIFY(wizard.findChild<QPlainTextEdit*>("report")->toPlainText().contains("nothing was written"));
        QCOMPARE(buildings(w.path), std::int64_t{2});
    }
};

QTEST_MAIN(ImportWizardTest)
#include "import_wizard_test.moc"
