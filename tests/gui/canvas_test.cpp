// The viewer driven as a user drives it: zoom, pan, history, render cancel, identify.
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QListWidget>
#include <QTreeWidget>

#include <QTableView>

#include "app/floor_plan_view.h"
#include "app/coverage_dock.h"
#include "app/identify_panel.h"
#include "app/import_wizard.h"
#include "app/roster_wizard.h"
#include "app/main_window.h"
#include "app/style_dialog.h"
#include "app/map_canvas.h"
#include "render/fonts.h"
#include "storage/fixture_atlas.h"
#include "storage/schema.h"

using namespace gridatlas;
using gridatlas::app::MainWindow;
using gridatlas::app::MapCanvas;
using gridatlas::app::View;
using gridatlas::testing::SmallWorld;

class CanvasTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<SmallWorld> m_world;
    std::unique_ptr<MainWindow> m_window;

    MapCanvas* canvas() { return m_window->canvas(); }
    // Waits until the newest requested frame is on screen.
    bool waitForFrame(int timeoutMs = 10000) {
        QTest::qWait(30); // let a scheduled render start (it waits for the event loop)
        return QTest::qWaitFor([this] { return !canvas()->isRendering() && canvas()->shownGeneration() == canvas()->requestedGeneration() &&
                                               canvas()->requestedGeneration() > 0; },
                               timeoutMs);
    }

private slots:
    void initTestCase() {
        // Keep QSettings (recent files, window state) out of the user's real configuration.
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void init() {
        m_world = std::make_unique<SmallWorld>();
        m_world->atlas.reset();
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1000, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        const QString map = QString::fromStdString(testing::sourcePath("maps/member-residence.json"));
        QVERIFY2(m_window->openAtlas(QString::fromStdString(m_world->path), map), qPrintable(m_window->lastMessage()));
        QVERIFY(waitForFrame());
    }
    void cleanup() {
        m_window.reset();
        m_world.reset();
    }

    void opensAtFullExtentAndDrawsTheMap() {
        const model::Rect vis = canvas()->visibleExtent();
        // The community (400 x 300 m at kX0, kY0) is in view.
        QVERIFY(vis.xmin <= SmallWorld::kX0 + 50 && vis.xmax >= SmallWorld::kX0 + 225);
        const QImage frame = canvas()->frame().convertToFormat(QImage::Format_RGB32);
        int nonWhite = 0;
        for (int y = 0; y < frame.height(); y += 2)
            for (int x = 0; x < frame.width(); x += 2)
                if (frame.pixel(x, y) != qRgb(255, 255, 255)) ++nonWhite;
        QVERIFY2(nonWhite > 1000, qPrintable(QString("only %1 drawn pixels").arg(nonWhite)));
    }

    void wheelZoomKeepsThePointUnderTheCursorFixed() {
        const QPointF anchor(300, 200);
        const model::Vec2 before = canvas()->toMap(anchor);
        const double mpp = canvas()->view().metresPerPixel;
        canvas()->zoomBy(0.5, anchor);
        const model::Vec2 after = canvas()->toMap(anchor);
        QCOMPARE(canvas()->view().metresPerPixel, mpp * 0.5);
        QVERIFY(std::abs(after.x - before.x) < 1e-6 && std::abs(after.y - before.y) < 1e-6);
        // A real wheel event does the same, one notch = 0.8x.
        QWheelEvent wheel(anchor, canvas()->mapToGlobal(anchor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(canvas(), &wheel);
        QVERIFY(std::abs(canvas()->view().metresPerPixel - mpp * 0.5 * 0.8) < 1e-9);
        const model::Vec2 after2 = canvas()->toMap(anchor);
        QVERIFY(std::abs(after2.x - before.x) < 1e-6);
    }

    void dragAndArrowKeysPanByTheRightDistance() {
        const View v0 = canvas()->view();
        QTest::mousePress(canvas(), Qt::LeftButton, Qt::NoModifier, QPoint(400, 300));
        QTest::mouseMove(canvas(), QPoint(450, 320));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::NoModifier, QPoint(450, 320));
        const View v1 = canvas()->view();
        QVERIFY(std::abs((v0.center.x - v1.center.x) - 50 * v0.metresPerPixel) < 1e-6);
        QVERIFY(std::abs((v1.center.y - v0.center.y) - 20 * v0.metresPerPixel) < 1e-6);
        QTest::keyClick(canvas(), Qt::Key_Right);
        QVERIFY(canvas()->view().center.x > v1.center.x);
        // Previous view goes back through the key pan, then the drag.
        QVERIFY(canvas()->previousView());
        QCOMPARE(canvas()->view().center.x, v1.center.x);
        QVERIFY(canvas()->previousView());
        QCOMPARE(canvas()->view().center.x, v0.center.x);
        QVERIFY(canvas()->nextView());
        QCOMPARE(canvas()->view().center.x, v1.center.x);
    }

    void rubberBandZoomsToTheBox() {
        QTest::mousePress(canvas(), Qt::LeftButton, Qt::ShiftModifier, QPoint(100, 100));
        QTest::mouseMove(canvas(), QPoint(300, 250));
        const model::Vec2 a = canvas()->toMap(QPointF(100, 100));
        const model::Vec2 b = canvas()->toMap(QPointF(300, 250));
        QTest::mouseRelease(canvas(), Qt::LeftButton, Qt::ShiftModifier, QPoint(300, 250));
        const model::Rect vis = canvas()->visibleExtent();
        QVERIFY(vis.xmin <= a.x + 1e-6 && vis.xmax >= b.x - 1e-6);
        QVERIFY(vis.ymin <= b.y + 1e-6 && vis.ymax >= a.y - 1e-6);
        QVERIFY(vis.width() < 1.2 * (b.x - a.x) || vis.height() < 1.2 * (a.y - b.y));
    }

    void scaleFieldSetsTheScale() {
        canvas()->setScaleDenominator(2000);
        QVERIFY(std::abs(canvas()->scaleDenominator() - 2000) < 1e-6);
    }

    void aNewViewCancelsTheRunningRender() {
        QVERIFY(waitForFrame());
        const int cancelledBefore = canvas()->cancelledRenders();
        const quint64 genBefore = canvas()->requestedGeneration();
        // Slow every render down so the first one is surely still running when the view changes.
        canvas()->setRenderDelayForTesting(3000);
        canvas()->zoomBy(0.5, QPointF(500, 350));
        QVERIFY(QTest::qWaitFor([this, genBefore] { return canvas()->requestedGeneration() > genBefore && canvas()->isRendering(); }, 5000));
        const quint64 firstGen = canvas()->requestedGeneration();
        canvas()->setRenderDelayForTesting(0);
        canvas()->panByPixels(QPointF(40, 0));
        QVERIFY(waitForFrame());
        QVERIFY(canvas()->cancelledRenders() > cancelledBefore);
        QVERIFY(canvas()->shownGeneration() > firstGen);
    }

    void clickOnABuildingIdentifiesItsMembersMasked() {
        const QPointF px = canvas()->toPixel({SmallWorld::kX0 + 52, SmallWorld::kY0 + 51});
        QTest::mouseClick(canvas(), Qt::LeftButton, Qt::NoModifier, px.toPoint());
        const auto& results = m_window->identifyPanel()->results();
        const storage::IdentifyResult* building = nullptr;
        for (const auto& r : results)
            if (r.layer == "buildings") building = &r;
        QVERIFY(building != nullptr);
        QCOMPARE(building->id, 1);
        // The member's name shows masked in the tree.
        QTreeWidget* tree = m_window->identifyPanel()->tree();
        const QList<QTreeWidgetItem*> found = tree->findItems(QString::fromUtf8("刘**"), Qt::MatchRecursive, 1);
        QVERIFY(!found.isEmpty());
        QVERIFY(tree->findItems(QString::fromUtf8("刘党员"), Qt::MatchRecursive, 1).isEmpty());
    }

    void searchFindsABuildingAndZoomsToIt() {
        QVERIFY(m_window->search(QString::fromUtf8("2号楼")) >= 1);
        const model::Rect vis = canvas()->visibleExtent();
        // Building 2 is at x0+200..225, y0+150..170; the view is a close-up around it.
        QVERIFY(vis.contains({SmallWorld::kX0 + 212, SmallWorld::kY0 + 160}));
        QVERIFY(vis.width() < 400);
        QCOMPARE(m_window->searchResults()->count() >= 1, true);
        // A person's name is masked in the result list.
        QVERIFY(m_window->search(QString::fromUtf8("刘党员")) >= 1);
        QVERIFY(m_window->searchResults()->item(0)->text().startsWith(QString::fromUtf8("刘**")));
        QCOMPARE(m_window->search("' OR 1=1 --"), 0);
    }

    void labelsOnScreenNeverOverlap() {
        canvas()->zoomToRect(model::Rect{SmallWorld::kX0 + 40, SmallWorld::kY0 + 40, SmallWorld::kX0 + 240, SmallWorld::kY0 + 180});
        QVERIFY(waitForFrame());
        const auto& labels = canvas()->placedLabels();
        QVERIFY2(labels.size() >= 3, qPrintable(QString("only %1 labels").arg(labels.size())));
        for (std::size_t i = 0; i < labels.size(); ++i)
            for (std::size_t j = i + 1; j < labels.size(); ++j)
                QVERIFY2(!labels[i].box.intersects(labels[j].box),
                         qPrintable(QString("labels %1 and %2 overlap").arg(i).arg(j)));
    }

    void legendFollowsTheLayersShown() {
        QVERIFY(waitForFrame());
        auto titles = [this] {
            QStringList t;
            for (const auto& g : canvas()->legend()) t << g.title;
            return t.join("|");
        };
        const QString before = titles();
        QVERIFY2(before.contains(QString::fromUtf8("服务阵地")), qPrintable(before));
        QVERIFY(!m_window->findChild<QLabel*>("Legend")->pixmap().isNull());
        // Untick the posts layer: it leaves the map and the legend.
        QListWidget* list = m_window->layerList();
        QListWidgetItem* posts = nullptr;
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->data(Qt::UserRole).toString() == "posts") posts = list->item(i);
        QVERIFY(posts != nullptr);
        posts->setCheckState(Qt::Unchecked);
        QVERIFY(waitForFrame());
        QVERIFY2(!titles().contains(QString::fromUtf8("服务阵地")), qPrintable(titles()));
    }

    void zoomToLayerShowsTheWholeLayer() {
        canvas()->zoomBy(0.05, QPointF(10, 10));
        m_window->zoomToLayer("buildings");
        const model::Rect vis = canvas()->visibleExtent();
        QVERIFY(vis.contains({SmallWorld::kX0 + 50, SmallWorld::kY0 + 50}));
        QVERIFY(vis.contains({SmallWorld::kX0 + 225, SmallWorld::kY0 + 170}));
        QVERIFY(vis.width() < 400);
    }

    void aReadOnlyAtlasOpensAndShows() {
        testing::TempDir dir;
        const QString copy = QString::fromStdString(dir.file("readonly.sqlite"));
        QVERIFY(QFile::copy(QString::fromStdString(m_world->path), copy));
        QFile::setPermissions(copy, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        const QString map = QString::fromStdString(testing::sourcePath("maps/member-residence.json"));
        QVERIFY2(m_window->openAtlas(copy, map), qPrintable(m_window->lastMessage()));
        QVERIFY(waitForFrame());
        QVERIFY(m_window->search(QString::fromUtf8("2栋")) >= 1);
    }

    void aNewerSchemaIsRefusedWithItsVersion() {
        testing::FixtureAtlas newer;
        const std::string future = std::to_string(storage::kSchemaVersion + 1);
        newer.atlas->connection().exec("UPDATE atlas_meta SET value = '" + future + "' WHERE key = 'schema_version'");
        newer.atlas.reset();
        QVERIFY(!m_window->openAtlas(QString::fromStdString(newer.path)));
        QVERIFY2(m_window->lastMessage().contains(QString::fromStdString("schema version " + future)),
                 qPrintable(m_window->lastMessage()));
        // The atlas shown before stays shown.
        QCOMPARE(m_window->atlasPath(), QString::fromStdString(m_world->path));
    }

    void aMissingStyleFallsBackWithAWarning() {
        testing::TempDir dir;
        const QString mapPath = QString::fromStdString(dir.file("map.json"));
        QFile f(mapPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"title": "t", "layers": [{"name": "b", "source": "buildings", "style": "no-such-style.json"}]})");
        f.close();
        QVERIFY2(m_window->openAtlas(QString::fromStdString(m_world->path), mapPath), qPrintable(m_window->lastMessage()));
        QVERIFY2(m_window->lastMessage().contains("no-such-style.json"), qPrintable(m_window->lastMessage()));
        QVERIFY(waitForFrame());
        QVERIFY(!canvas()->frame().isNull());
    }

    void savedMapDocumentReopensAsShown() {
        // Hide the posts, move the households to the top, then save and reopen.
        QListWidget* list = m_window->layerList();
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->data(Qt::UserRole).toString() == "posts") list->item(i)->setCheckState(Qt::Unchecked);
        testing::TempDir dir;
        const QString saved = QString::fromStdString(dir.file("my-map.json"));
        QVERIFY2(m_window->saveMap(saved), qPrintable(m_window->lastMessage()));
        const auto before = canvas()->document();
        QVERIFY2(m_window->openAtlas(QString::fromStdString(m_world->path), saved), qPrintable(m_window->lastMessage()));
        const auto after = canvas()->document();
        QCOMPARE(after->layers.size(), before->layers.size());
        for (std::size_t i = 0; i < after->layers.size(); ++i) {
            QCOMPARE(after->layers[i].name, before->layers[i].name);
            QCOMPARE(after->layers[i].visible, before->layers[i].visible);
        }
        QVERIFY(!after->findLayer("posts")->visible);
    }

    void aRasterBasemapDrawsUnderTheMap() {
        if (testing::runCommand("command -v gdal_translate") != 0) QSKIP("gdal_translate (gdal-bin) is not installed");
        testing::TempDir dir;
        // A solid green image covering the community, georeferenced in the atlas CRS.
        QImage green(64, 48, QImage::Format_RGB32);
        green.fill(QColor(0, 160, 0));
        const std::string png = dir.file("green.png"), tif = dir.file("green.tif");
        QVERIFY(green.save(QString::fromStdString(png)));
        std::string out;
        const std::string cmd = "gdal_translate -q -of GTiff -a_srs EPSG:4548 -a_ullr " + std::to_string(SmallWorld::kX0) + " " +
                                std::to_string(SmallWorld::kY0 + 300) + " " + std::to_string(SmallWorld::kX0 + 400) + " " +
                                std::to_string(SmallWorld::kY0) + " " + png + " " + tif;
        QVERIFY2(testing::runCommand(cmd, &out) == 0, out.c_str());
        QVERIFY(!m_window->addRasterBasemap(QString::fromStdString(dir.file("missing.tif"))));
        // Grid fills cover the basemap on this map: hide them to see it.
        QListWidget* list = m_window->layerList();
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->data(Qt::UserRole).toString() == "grid_fill") list->item(i)->setCheckState(Qt::Unchecked);
        QVERIFY2(m_window->addRasterBasemap(QString::fromStdString(tif), 1.0), qPrintable(m_window->lastMessage()));
        QCOMPARE(canvas()->document()->layers.front().kind, render::LayerKind::Raster);
        QVERIFY(waitForFrame());
        // A point inside the community away from buildings and streets is green now.
        const QPointF px = canvas()->toPixel({SmallWorld::kX0 + 350, SmallWorld::kY0 + 260});
        const QImage frame = canvas()->frame();
        const QColor c = frame.pixelColor(QPoint(static_cast<int>(px.x() * frame.devicePixelRatio()),
                                                 static_cast<int>(px.y() * frame.devicePixelRatio())));
        QVERIFY2(c.green() > 120 && c.red() < 80 && c.blue() < 80, qPrintable(c.name()));
    }

    void styleDialogRecoloursAClassOnACopy() {
        const auto* buildings = canvas()->document()->findLayer("buildings");
        QVERIFY(buildings && buildings->style);
        app::StyleDialog dialog(buildings->style, "b");
        QVERIFY(dialog.classCount() >= 2);
        dialog.setClassColor(0, true, QColor(1, 2, 3));
        QCOMPARE(dialog.style()->renderer.classes[0].symbol.fill, QColor(1, 2, 3));
        QVERIFY(buildings->style->renderer.classes[0].symbol.fill != QColor(1, 2, 3)); // the original is untouched
    }

    void doubleClickOnABuildingOpensItsFloorPlanAndSelectionsFollow() {
        // Building 2 ("2栋", an 18-floor tower with 1 unit x 2 flats) at x0+200..225, y0+150..170.
        MapCanvas* c = canvas();
        c->zoomToRect({SmallWorld::kX0 + 150, SmallWorld::kY0 + 120, SmallWorld::kX0 + 280, SmallWorld::kY0 + 200});
        QVERIFY(waitForFrame());
        QTest::mouseDClick(c, Qt::LeftButton, {}, c->toPixel({SmallWorld::kX0 + 212, SmallWorld::kY0 + 152}).toPoint());
        app::FloorPlanDock* plan = m_window->floorPlan();
        QVERIFY(plan->isVisible());
        QCOMPARE(plan->buildingId(), qint64{2});
        QCOMPARE(plan->tableModel()->table().floors, 18);
        // Double-clicking where there is no building zooms in as before.
        const double before = c->view().metresPerPixel;
        QTest::mouseDClick(c, Qt::LeftButton, {}, c->toPixel({SmallWorld::kX0 + 160, SmallWorld::kY0 + 125}).toPoint());
        QVERIFY(c->view().metresPerPixel < before);
        QCOMPARE(plan->buildingId(), qint64{2});
        // A household picked in the plan is highlighted on the map (inside building 2) and identified.
        c->setHighlight({});
        const QModelIndex cell = plan->tableModel()->index(0, 0);
        const qint64 household = plan->tableModel()->data(cell, Qt::UserRole).toLongLong();
        QVERIFY(household > 0);
        plan->tableView()->setCurrentIndex(cell);
        const model::Vec2 h = c->highlight().center();
        QVERIFY2(h.x >= SmallWorld::kX0 + 200 && h.x <= SmallWorld::kX0 + 225 && h.y >= SmallWorld::kY0 + 150 &&
                     h.y <= SmallWorld::kY0 + 170,
                 qPrintable(QString("%1 %2").arg(h.x).arg(h.y)));
        QCOMPARE(m_window->identifyPanel()->results().size(), std::size_t{1});
        QCOMPARE(m_window->identifyPanel()->results().front().id, std::int64_t{household});
    }

    void theFileMenuOpensTheImportWizardsOnTheOpenAtlas() {
        for (const QString& text : {QString("Import &Roster (Excel/CSV)..."),
                                    QString("&Import Layer (Shapefile, GeoJSON, GeoPackage, KML, DXF, OSM, CSV)...")}) {
            QAction* action = nullptr;
            for (QAction* a : m_window->findChildren<QAction*>())
                if (a->text() == text) action = a;
            QVERIFY2(action, qPrintable(text));
            action->trigger();
        }
        QTRY_VERIFY(m_window->findChild<app::RosterWizard*>() && m_window->findChild<app::RosterWizard*>()->isVisible());
        QTRY_VERIFY(m_window->findChild<app::ImportWizard*>() && m_window->findChild<app::ImportWizard*>()->isVisible());
        m_window->findChild<app::RosterWizard*>()->close();
        m_window->findChild<app::ImportWizard*>()->close();
    }

    void coverageResultsAreDrawnAsMapLayers() {
        app::CoverageDock* dock = m_window->coverageDock();
        QVERIFY(dock);
        dock->setPostType("health_station");
        dock->setStandard(app::CoverageDock::Standard::Meters, 100);
        QVERIFY(dock->run());
        QTRY_VERIFY_WITH_TIMEOUT(!dock->isRunning() && dock->lastRun(), 20000);
        // The gap buildings, households by coverage and grids by coverage are now layers of the map.
        const auto doc = canvas()->document();
        for (const char* name : {"coverage_gaps", "coverage_households", "coverage_grids"}) {
            const auto* layer = doc->findLayer(name);
            QVERIFY2(layer && layer->style, name);
        }
        // Below the service posts, which stay on top.
        const auto index = [&doc](const std::string& source) {
            for (std::size_t i = 0; i < doc->layers.size(); ++i)
                if (doc->layers[i].source == source) return static_cast<int>(i);
            return -1;
        };
        QVERIFY(index("coverage_gaps") < index("service_posts"));
        QVERIFY(waitForFrame());
        QVERIFY2(canvas()->frame().width() > 0, "the map still draws with the analysis layers");
        // A second run replaces the layers instead of adding more.
        QVERIFY(dock->run());
        QTRY_VERIFY_WITH_TIMEOUT(!dock->isRunning(), 20000);
        int gaps = 0;
        for (const auto& l : canvas()->document()->layers) gaps += l.source == "coverage_gaps" ? 1 : 0;
        QCOMPARE(gaps, 1);
    }

    void aForeignFileOpensWithAClearMessage() {
        testing::TempDir dir;
        const QString bad = QString::fromStdString(dir.file("bad.sqlite"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database at all");
        f.close();
        QVERIFY(!m_window->openAtlas(bad)); // the message box does not block
        QVERIFY(m_window->findChild<QMessageBox*>() != nullptr);
        QVERIFY2(m_window->lastMessage().contains("not a SQLite/SpatiaLite database"), qPrintable(m_window->lastMessage()));
    }
};

QTEST_MAIN(CanvasTest)
#include "canvas_test.moc"
