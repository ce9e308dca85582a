// Revealing personal data in the viewer on an encrypted atlas: the identify panel and the
// floor-plan dock ask for the passphrase once (a wrong one is asked again, a cancel stays masked),
// show the decrypted phone and ID number, and log the reveal.
#include <QApplication>
#include <QCheckBox>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include "app/floor_plan_view.h"
#include "app/grid_properties_dialog.h"
#include "app/main_window.h"
#include "app/map_canvas.h"
#include "app/identify_panel.h"
#include "app/reveal.h"
#include "storage/connection.h"
#include "storage/crypto.h"
#include "storage/fixture_atlas.h"
#include "storage/grid_edit.h"
#include "storage/identify.h"

using namespace gridatlas;
using gridatlas::testing::SmallWorld;

namespace {

QStringList treeTexts(QTreeWidget* tree) {
    QStringList out;
    std::function<void(QTreeWidgetItem*)> walk = [&](QTreeWidgetItem* item) {
        for (int c = 0; c < item->columnCount(); ++c) out << item->text(c);
        for (int i = 0; i < item->childCount(); ++i) walk(item->child(i));
    };
    for (int i = 0; i < tree->topLevelItemCount(); ++i) walk(tree->topLevelItem(i));
    return out;
}

QStringList tableTexts(QTableWidget* table) {
    QStringList out;
    for (int r = 0; r < table->rowCount(); ++r)
        for (int c = 0; c < table->columnCount(); ++c)
            if (auto* item = table->item(r, c)) out << item->text();
    return out;
}

/// Answers the "show personal data?" confirmation with Yes when it comes up.
void acceptConfirmation() {
    auto* timer = new QTimer;
    QObject::connect(timer, &QTimer::timeout, timer, [timer] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            box->button(QMessageBox::Yes)->click();
            timer->deleteLater();
        }
    });
    timer->start(20);
}

} // namespace

class CryptViewerTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<SmallWorld> m_world;
    std::int64_t m_household = 0, m_building = 0;
    QStringList m_prompts; // "first" / "retry" per passphrase prompt

    std::int64_t reveals() {
        storage::Connection c(m_world->path, storage::OpenMode::ReadOnly);
        return c.queryInt("SELECT COUNT(*) FROM reveal_log WHERE program = 'gridatlas'").value_or(0);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // the main window's settings, not the user's
        QSettings().clear();
    }
    void init() {
        m_world = std::make_unique<SmallWorld>();
        auto& c = m_world->atlas->connection();
        storage::crypto::encryptAtlas(c, "pw", nullptr, storage::crypto::KdfLimits::minimum());
        storage::crypto::forget();
        m_household = *c.queryInt("SELECT household_id FROM residents WHERE phone_enc IS NOT NULL LIMIT 1");
        m_building = *c.queryInt("SELECT u.building_id FROM households h JOIN units u ON u.id = h.unit_id WHERE h.id = " +
                                 std::to_string(m_household));
        m_prompts.clear();
        // Wrong first, right when asked again.
        app::passphrasePromptHook = [this](const QString&, bool retry) -> std::optional<QString> {
            m_prompts << (retry ? "retry" : "first");
            return retry ? QStringLiteral("pw") : QStringLiteral("wrong");
        };
    }
    void cleanup() {
        app::passphrasePromptHook = nullptr;
        storage::crypto::forget();
        m_world.reset();
    }

    void identifyPanelAsksOnceAndReveals() {
        app::IdentifyPanel panel;
        panel.setResults({*storage::describeHousehold(*m_world->atlas, m_household)});
        QVERIFY(treeTexts(panel.tree()).contains("136****1111"));
        QVERIFY(!treeTexts(panel.tree()).join(" ").contains("13600001111"));
        auto* reveal = panel.findChild<QCheckBox*>("RevealCheck");
        QVERIFY(reveal);
        acceptConfirmation();
        reveal->setChecked(true);
        QVERIFY(reveal->isChecked());
        QCOMPARE(m_prompts, (QStringList{"first", "retry"}));
        const QString shown = treeTexts(panel.tree()).join(" ");
        QVERIFY2(shown.contains("13600001111"), qPrintable(shown));
        QVERIFY2(shown.contains("150781195001011234"), qPrintable(shown));
        QCOMPARE(reveals(), 1);
        // Once per session: the next results need no passphrase (the reveal is still logged).
        panel.setResults({*storage::describeHousehold(*m_world->atlas, m_household)});
        QCOMPARE(m_prompts.size(), 2);
        QCOMPARE(reveals(), 2);
    }

    void cancelledPromptStaysMasked() {
        app::passphrasePromptHook = [this](const QString&, bool) -> std::optional<QString> {
            m_prompts << "cancel";
            return std::nullopt;
        };
        app::IdentifyPanel panel;
        panel.setResults({*storage::describeHousehold(*m_world->atlas, m_household)});
        auto* reveal = panel.findChild<QCheckBox*>("RevealCheck");
        acceptConfirmation();
        reveal->setChecked(true);
        QVERIFY(!reveal->isChecked());
        QCOMPARE(m_prompts, QStringList{"cancel"});
        QVERIFY(treeTexts(panel.tree()).contains("136****1111"));
        QVERIFY(!treeTexts(panel.tree()).join(" ").contains("13600001111"));
        QCOMPARE(reveals(), 0);
    }

    void floorPlanDockRevealsWithThePassphrase() {
        const std::string path = m_world->path;
        m_world->atlas.reset();
        app::FloorPlanDock dock;
        dock.resize(900, 760);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY2(dock.showBuilding(QString::fromStdString(path), m_building), qPrintable(dock.errorText()));
        dock.selectHousehold(m_household);
        QVERIFY(tableTexts(dock.residentsView()).contains("136****1111"));
        dock.revealCheck()->setChecked(true);
        QVERIFY(dock.isRevealed());
        QCOMPARE(m_prompts, (QStringList{"first", "retry"}));
        const QString shown = tableTexts(dock.residentsView()).join(" ");
        QVERIFY2(shown.contains("13600001111"), qPrintable(shown));
        QCOMPARE(reveals(), 1);
    }

    // The grid properties dialog: masked phones are saved back sealed without any passphrase;
    // revealing asks for it, shows the clear phones, and a phone typed then is sealed.
    void gridPropertiesKeepAndSealStaffPhones() {
        const std::string path = m_world->path;
        m_world->atlas.reset();
        app::MainWindow window;
        window.setAskQuestions(false);
        window.resize(1000, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString map = QString::fromStdString(testing::sourcePath("maps/member-residence.json"));
        QVERIFY2(window.openAtlas(QString::fromStdString(path), map), qPrintable(window.lastMessage()));
        auto* canvas = window.canvas();
        canvas->zoomToRect({SmallWorld::kX0 - 20, SmallWorld::kY0 - 20, SmallWorld::kX0 + 420, SmallWorld::kY0 + 320});
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !canvas->isRendering() && canvas->requestedGeneration() > 0 &&
                       canvas->shownGeneration() == canvas->requestedGeneration();
            },
            10000));
        const QPoint click = canvas->toPixel({SmallWorld::kX0 + 300, SmallWorld::kY0 + 250}).toPoint();
        auto staffPhones = [&] {
            storage::Connection c(path, storage::OpenMode::ReadOnly);
            std::vector<std::string> out;
            for (const auto& s : storage::loadGridStaff(c, 1))
                out.push_back(s.phoneSealed ? storage::crypto::openSealed(path, *s.phoneSealed) : std::string("(none)"));
            return out;
        };

        // 1. Renamed without revealing: no prompt, the phones stay sealed as they were.
        QString masked;
        window.propertiesDialogHook = [&](app::GridPropertiesDialog& d) -> bool {
            masked = d.staffPhone(0)->text();
            d.nameEdit()->setText("加密网格");
            return true;
        };
        QVERIFY(window.setGridTool(app::MainWindow::GridTool::Properties));
        QTest::mouseClick(canvas, Qt::LeftButton, {}, click);
        QCOMPARE(masked, QStringLiteral("138****5678"));
        QVERIFY(m_prompts.isEmpty());
        {
            storage::Connection c(path, storage::OpenMode::ReadOnly);
            QCOMPARE(c.queryText("SELECT name FROM grids WHERE id = 1").value_or(""), std::string("加密网格"));
            QCOMPARE(c.queryText("SELECT phone FROM grid_staff WHERE grid_id = 1 AND role = 'manager'").value_or(""),
                     std::string("138****5678"));
        }

        // 2. Revealed: passphrase asked (wrong, then right), clear phones shown, a new one sealed.
        QString shown;
        window.propertiesDialogHook = [&](app::GridPropertiesDialog& d) -> bool {
            d.setReveal(true);
            shown = d.staffPhone(0)->text();
            d.staffPhone(1)->setText("13900001111");
            return true;
        };
        QTest::mouseClick(canvas, Qt::LeftButton, {}, click);
        QCOMPARE(m_prompts, (QStringList{"first", "retry"}));
        QCOMPARE(shown, QStringLiteral("13812345678"));
        QCOMPARE(reveals(), 1);
        QCOMPARE(staffPhones(), (std::vector<std::string>{"13812345678", "13900001111", "13712345678"}));
        storage::Connection c(path, storage::OpenMode::ReadOnly);
        QCOMPARE(c.queryText("SELECT phone FROM grid_staff WHERE grid_id = 1 AND role = 'supervisor'").value_or(""),
                 std::string("139****1111"));
    }
};

QTEST_MAIN(CryptViewerTest)
#include "crypt_viewer_test.moc"
