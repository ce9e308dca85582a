// The print dialog on the small fixture world: the built-in templates are offered, the preview
// is drawn on a worker, the current view can be the map frame, export writes the page.
#include <QComboBox>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include "app/print_dialog.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;

class PrintDialogTest : public QObject {
    Q_OBJECT

private:
    testing::SmallWorld m_world;

    static bool waitPreview(app::PrintDialog& d) {
        QSignalSpy ready(&d, &app::PrintDialog::previewReady);
        for (int i = 0; i < 200 && (d.isBusy() || d.previewImage().isNull()); ++i) QTest::qWait(100);
        return !d.isBusy() && !d.previewImage().isNull();
    }

    /// Share of pixels that differ between two images of the same size.
    static double difference(const QImage& a, const QImage& b) {
        if (a.size() != b.size()) return 1.0;
        long long n = 0;
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x) n += a.pixel(x, y) != b.pixel(x, y);
        return static_cast<double>(n) / (a.width() * a.height());
    }

private slots:
    void offersTheBuiltInTemplates() {
        const QStringList files = app::PrintDialog::templateFiles();
        for (const char* name : {"community-plan.json", "grid-sheet.json", "building-sheet.json", "coverage-report.json"})
            QVERIFY2(std::any_of(files.begin(), files.end(), [&](const QString& f) { return f.endsWith(QString::fromLatin1(name)); }), name);
        // Map documents are not layouts.
        QVERIFY(std::none_of(files.begin(), files.end(), [](const QString& f) { return f.endsWith(QStringLiteral("member-residence.json")); }));
    }

    void previewsTheChosenTemplate() {
        app::PrintDialog d(QString::fromStdString(m_world.path), model::Rect{});
        QVERIFY(d.setTemplate(QString::fromStdString(testing::sourcePath("maps/grid-sheet.json"))));
        QVERIFY2(waitPreview(d), qPrintable(d.lastError()));
        QCOMPARE(d.pageCount(), 1); // the small world has one grid
        const QImage img = d.previewImage();
        QVERIFY(img.height() > img.width()); // A4 portrait
        // Something is drawn: the title band and the map are far from blank.
        long long dark = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) dark += qGray(img.pixel(x, y)) < 160;
        QVERIFY(dark > img.width() * img.height() / 200);
        QVERIFY(!d.setTemplate(QString::fromStdString(testing::sourcePath("maps/member-residence.json"))));
    }

    void currentViewBecomesTheMapFrame() {
        const double x0 = testing::SmallWorld::kX0, y0 = testing::SmallWorld::kY0;
        app::PrintDialog d(QString::fromStdString(m_world.path), model::Rect{x0 + 180, y0 + 130, x0 + 250, y0 + 190});
        QVERIFY(d.setTemplate(QString::fromStdString(testing::sourcePath("maps/grid-sheet.json"))));
        QVERIFY(waitPreview(d));
        const QImage feature = d.previewImage();
        d.setUseCurrentView(true);
        QTest::qWait(50);
        QVERIFY(waitPreview(d));
        QVERIFY(difference(feature, d.previewImage()) > 0.02);
    }

    void exportsThePage() {
        app::PrintDialog d(QString::fromStdString(m_world.path), model::Rect{});
        QVERIFY(d.setTemplate(QString::fromStdString(testing::sourcePath("maps/grid-sheet.json"))));
        QVERIFY(waitPreview(d));
        const QString out = QString::fromStdString(m_world.dir.file("sheet.pdf"));
        QSignalSpy finished(&d, &app::PrintDialog::exportFinished);
        d.exportTo(out, false);
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
    }
};

QTEST_MAIN(PrintDialogTest)
#include "print_dialog_test.moc"
