// The viewer on a shared PostGIS atlas: another user's committed edit reaches it (LISTEN/NOTIFY,
// app/change_watcher.h) and the map is redrawn with it, without the user doing anything.
#include <QDateTime>
#include <QListWidget>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include <memory>

#include "app/attribute_table.h"
#include "app/change_watcher.h"
#include "app/main_window.h"
#include "app/map_canvas.h"
#include "app/history_panel.h"
#include "app/identify_panel.h"
#include "pg/pg_server.h"
#include "storage/access_pg.h"
#include "storage/atlas.h"
#include "storage/connection.h"
#include "storage/demo_generator.h"
#include "storage/fixture_atlas.h"
#include "storage/layer_cache.h"
#include "storage/publish_pg.h"

using namespace gridatlas;

class ViewerChangesTest : public QObject {
    Q_OBJECT
    bool waitForFrame(app::MainWindow& w, int timeoutMs = 20000) {
        QTest::qWait(30);
        auto* c = w.canvas();
        return QTest::qWaitFor([c] { return !c->isRendering() && c->shownGeneration() == c->requestedGeneration() && c->requestedGeneration() > 0; },
                               timeoutMs);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void othersEditsRedrawTheMap() {
        std::string whyNot;
        const auto server = testing::pgServerUrl(whyNot);
        if (!server) QSKIP(("PostGIS tests skipped: " + whyNot).c_str());
        testing::PgDatabase db(*server);
        testing::TempDir dir;
        const std::string file = dir.file("demo.sqlite");
        storage::generateDemo(file, storage::DemoOptions{});
        storage::publishCommunity(file, db.url(), "湖西社区");

        app::MainWindow window;
        window.resize(1000, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openAtlas(QString::fromStdString(db.url()),
                                 QString::fromStdString(testing::sourcePath("maps/member-residence.json"))));
        QVERIFY(waitForFrame(window));
        QVERIFY(window.changeWatcher() != nullptr);
        window.changeWatcher()->setBatchDelay(50);
        QTRY_VERIFY_WITH_TIMEOUT(window.changeWatcher()->isListening(), 10000);
        const auto postsBefore = window.canvas()->layerCache()->layer("service_posts")->size();
        const QImage before = window.canvas()->frame().copy();

        // Another user, on another connection, adds a pioneer post in the middle of the view.
        const auto centre = window.canvas()->visibleExtent().center();
        {
            auto other = storage::Atlas::open(db.url(), storage::OpenMode::ReadWrite);
            auto& c = other->connection();
            c.exec("SET gridatlas.actor = '街道党建办王五'");
            storage::Statement st(c, "INSERT INTO service_posts (community_id, name, type, geom) "
                                     "VALUES ((SELECT min(id) FROM communities), '党员先锋岗·测试', 'pioneer_post', ST_SetSRID(ST_MakePoint(?, ?), 4548))");
            st.bind(1, centre.x).bind(2, centre.y);
            st.run();
        }
        QTRY_COMPARE_WITH_TIMEOUT(window.remoteRefreshes(), 1, 10000);
        QVERIFY(window.lastMessage().contains(QStringLiteral("街道党建办王五")));
        QVERIFY(window.lastMessage().contains(QStringLiteral("service_posts")));
        QVERIFY(waitForFrame(window));
        QCOMPARE(window.canvas()->layerCache()->layer("service_posts")->size(), postsBefore + 1);
        QVERIFY(window.canvas()->frame() != before); // the new post is drawn

        // A rolled-back edit refreshes nothing.
        {
            auto other = storage::Atlas::open(db.url(), storage::OpenMode::ReadWrite);
            storage::Transaction tx(other->connection());
            other->connection().exec("DELETE FROM service_posts WHERE name = '党员先锋岗·测试'");
        }
        QTest::qWait(1000);
        QCOMPARE(window.remoteRefreshes(), 1);
    }

    // A city too big to hold is read view by view: the same picture as from the in-memory layers,
    // and households, units and buildings only from 1:25,000 in.
    void aCityIsReadViewByViewAndLooksTheSame() {
        std::string whyNot;
        const auto server = testing::pgServerUrl(whyNot);
        if (!server) QSKIP(("PostGIS tests skipped: " + whyNot).c_str());
        testing::PgDatabase db(*server);
        testing::TempDir dir;
        const std::string file = dir.file("demo.sqlite");
        storage::generateDemo(file, storage::DemoOptions{});
        for (const char* c : {"湖西社区", "东湖社区"}) storage::publishCommunity(file, db.url(), c);
        const QString map = QString::fromStdString(testing::sourcePath("maps/member-residence.json"));

        auto frameOf = [&](std::int64_t threshold, bool& byView, int& households) {
            app::MapCanvas::setReadByViewThreshold(threshold);
            app::MainWindow window;
            window.resize(1000, 700);
            window.show();
            if (!QTest::qWaitForWindowExposed(&window) || !window.openAtlas(QString::fromStdString(db.url()), map) || !waitForFrame(window))
                return QImage();
            byView = window.canvas()->readsByView();
            const QImage near = window.canvas()->frame().copy();
            if (byView) {
                // The attribute table lists what lies in the view and follows the map.
                auto* table = window.attributeTable();
                table->show();
                table->setCurrentLayer("grids");
                if (!QTest::qWaitFor([table] { return !table->isBusy() && table->totalRowCount() == 7; }, 20000)) return QImage();
                const auto grid = window.canvas()->visibleExtent();
                window.canvas()->setView(app::View{{grid.xmin + grid.width() * 0.2, grid.ymin + grid.height() * 0.8},
                                                   window.canvas()->view().metresPerPixel / 8});
                if (!QTest::qWaitFor([table] { return !table->isBusy() && table->totalRowCount() > 0 && table->totalRowCount() < 7; }, 20000))
                    return QImage();
                if (!waitForFrame(window)) return QImage();
                window.canvas()->setView(app::View{grid.center(), window.canvas()->view().metresPerPixel * 8});
                if (!waitForFrame(window)) return QImage();
            }
            window.canvas()->setScaleDenominator(60000); // zoomed out beyond 1:25,000
            if (!waitForFrame(window)) return QImage();
            households = 0; // legend groups of household layers that drew something
            for (const auto& g : window.canvas()->legend())
                if (g.title.contains(QStringLiteral("住户")) || g.title.contains(QStringLiteral("党员户"))) ++households;
            return near;
        };
        bool cachedByView = true, byView = false;
        int householdsFarCached = 0, householdsFarByView = 0;
        const QImage cached = frameOf(storage::kReadByViewHouseholds, cachedByView, householdsFarCached);
        const QImage viewed = frameOf(-1, byView, householdsFarByView);
        app::MapCanvas::setReadByViewThreshold(storage::kReadByViewHouseholds);
        QVERIFY(!cached.isNull() && !viewed.isNull());
        QVERIFY(!cachedByView);
        QVERIFY(byView);
        QCOMPARE(viewed.size(), cached.size());
        // Same features, same styles: the pictures match but for antialiasing noise.
        qint64 differing = 0;
        for (int y = 0; y < cached.height(); ++y)
            for (int x = 0; x < cached.width(); ++x)
                if (qAbs(qGray(cached.pixel(x, y)) - qGray(viewed.pixel(x, y))) > 40) ++differing;
        qInfo("by view vs in memory: %lld of %d pixels differ", differing, cached.width() * cached.height());
        if (qEnvironmentVariableIsSet("GRIDATLAS_KEEP_IMAGES")) {
            cached.save(qEnvironmentVariable("GRIDATLAS_KEEP_IMAGES") + "/in_memory.png");
            viewed.save(qEnvironmentVariable("GRIDATLAS_KEEP_IMAGES") + "/by_view.png");
        }
        QVERIFY2(differing < cached.width() * cached.height() / 500, qPrintable(QString::number(differing) + " pixels differ"));
        QVERIFY(householdsFarCached > 0);
        QCOMPARE(householdsFarByView, 0);
    }

    // A community's worker (row-level security, storage/access_pg.h) opens the shared atlas: the
    // map, the attribute table, search and identify show its community only, its residents'
    // phones not at all (no key), and the history says who keeps it.
    void aCommunityWorkerSeesOnlyItsCommunity() {
        std::string whyNot;
        const auto server = testing::pgServerUrl(whyNot);
        if (!server) QSKIP(("PostGIS tests skipped: " + whyNot).c_str());
        auto db = std::make_unique<testing::PgDatabase>(*server);
        testing::TempDir dir;
        const std::string file = dir.file("demo.sqlite");
        storage::generateDemo(file, storage::DemoOptions{});
        for (const char* c : {"湖西社区", "东湖社区"}) storage::publishCommunity(file, db->url(), c);
        const std::string role = "t_viewer_worker_" + std::to_string(QDateTime::currentMSecsSinceEpoch() % 100000000);
        std::int64_t householdsA = 0;
        double hx = 0, hy = 0;
        {
            storage::Connection admin(*server, storage::OpenMode::ReadWrite);
            admin.exec("CREATE ROLE " + role + " LOGIN");
            auto owner = storage::Atlas::open(db->url());
            auto& c = owner->connection();
            storage::grantAccess(c, {role, std::string("湖西社区"), std::nullopt, false});
            const std::string inA = "u.building_id IN (SELECT b.id FROM buildings b JOIN communities k ON k.id = b.community_id WHERE k.name = '湖西社区')";
            householdsA = *c.queryInt("SELECT count(*) FROM households h JOIN units u ON u.id = h.unit_id WHERE " + inA);
            // A household of A with a resident who has a phone.
            storage::Statement st(c, "SELECT ST_X(h.geom), ST_Y(h.geom) FROM households h JOIN units u ON u.id = h.unit_id WHERE " + inA +
                                         " AND EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.phone IS NOT NULL) "
                                         "ORDER BY h.id LIMIT 1");
            QVERIFY(st.step());
            hx = st.columnDouble(0), hy = st.columnDouble(1);
        }
        std::string url = db->url();
        url.replace(url.find("postgres@"), std::string("postgres").size(), role);
        {
            app::MainWindow window;
            window.resize(1000, 700);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.openAtlas(QString::fromStdString(url), QString::fromStdString(testing::sourcePath("maps/member-residence.json"))));
            QVERIFY(waitForFrame(window));
            QCOMPARE(static_cast<std::int64_t>(window.canvas()->layerCache()->layer("households")->size()), householdsA);
            QCOMPARE(window.canvas()->layerCache()->layer("communities")->size(), std::size_t{1});
            auto* table = window.attributeTable();
            table->show();
            table->setCurrentLayer("households");
            QTRY_VERIFY_WITH_TIMEOUT(!table->isBusy() && table->totalRowCount() > 0, 20000);
            QCOMPARE(static_cast<std::int64_t>(table->totalRowCount()), householdsA);
            QVERIFY(window.search(QStringLiteral("湖西社区")) > 0);
            window.search(QStringLiteral("东湖社区"));
            for (int i = 0; i < window.searchResults()->count(); ++i)
                QVERIFY2(!window.searchResults()->item(i)->text().contains(QStringLiteral("东湖社区")),
                         qPrintable(window.searchResults()->item(i)->text()));
            window.identifyAt(hx, hy);
            bool household = false;
            for (const auto& r : window.identifyPanel()->results()) {
                if (r.layer != "households") continue;
                household = true;
                QVERIFY(!r.children.empty());
                for (const auto& p : r.children) {
                    QVERIFY(p.find("resident_name") != nullptr);
                    QVERIFY(p.find("phone") == nullptr);
                    QVERIFY(p.find("id_number") == nullptr);
                }
            }
            QVERIFY(household);
            window.historyPanel()->setAtlas(QString::fromStdString(url));
            window.historyPanel()->refresh();
            QTRY_VERIFY_WITH_TIMEOUT(!window.historyPanel()->isLoading(), 10000);
            QVERIFY(window.historyPanel()->entries().empty());
        }
        db.reset(); // the database goes before its role
        storage::Connection admin(*server, storage::OpenMode::ReadWrite);
        admin.exec("DROP ROLE IF EXISTS " + role);
    }
};

QTEST_MAIN(ViewerChangesTest)
#include "viewer_changes_test.moc"
