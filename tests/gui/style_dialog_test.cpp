// The style dialog edits classes on a copy: colours, labels, values and ranges, adding and
// removing classes, one class per value found in the layer, and palette-only styles.
#include <QtTest>

#include "app/style_dialog.h"
#include "render/style.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;

namespace {
std::shared_ptr<const render::Style> style(const std::string& file) {
    return render::loadStyle(testing::sourcePath("styles/" + file));
}
} // namespace

class StyleDialogTest : public QObject {
    Q_OBJECT
private slots:
    void categorizedClassesAreAddedEditedAndRemovedOnACopy() {
        const auto original = style("buildings-plain.json");
        render::Style categorized = *original;
        categorized.renderer.type = render::RendererType::Categorized;
        categorized.renderer.field = "use";
        categorized.renderer.classes = {render::SymbolClass{"住宅", {}, "residential", 0, 0}};
        auto base = std::make_shared<const render::Style>(categorized);
        app::StyleDialog dialog(base, "b", nullptr, [] { return std::vector<std::string>{"public", "residential", "commercial"}; });
        QCOMPARE(dialog.classCount(), 1);
        QCOMPARE(dialog.addClass("mixed", "混合"), 1);
        QCOMPARE(dialog.addClass("mixed"), -1); // a value has one class
        QCOMPARE(dialog.addClass(""), -1);
        QCOMPARE(dialog.addAllValues(), 2); // commercial and public; residential had one
        QCOMPARE(dialog.classCount(), 4);
        const auto& classes = dialog.style()->renderer.classes;
        QCOMPARE(classes[1].label, std::string("混合"));
        QCOMPARE(classes[2].value, std::string("commercial"));
        QCOMPARE(classes[3].value, std::string("public"));
        QVERIFY(classes[2].symbol.fill != classes[3].symbol.fill); // new classes get distinct colours
        QVERIFY(dialog.setClassValue(2, "shop"));
        QCOMPARE(dialog.style()->renderer.classes[2].label, std::string("shop")); // the label followed its value
        QVERIFY(!dialog.setClassValue(2, "public")); // taken
        QVERIFY(dialog.setClassLabel(2, "商铺"));
        QVERIFY(dialog.removeRow(0));
        QCOMPARE(dialog.style()->renderer.classes.front().value, std::string("mixed"));
        QCOMPARE(base->renderer.classes.size(), std::size_t{1}); // the original is untouched
    }

    void graduatedRangesContinueAndParse() {
        const auto original = style("buildings-members.json");
        QCOMPARE(original->renderer.type, render::RendererType::Graduated);
        app::StyleDialog dialog(original, "b");
        const int before = dialog.classCount();
        // The last range is open ("6 and more"): a new class takes over the open end.
        const double lastMin = original->renderer.classes.back().min;
        QVERIFY(std::isinf(original->renderer.classes.back().max));
        const int row = dialog.addClass();
        QVERIFY(row >= 0);
        const auto& classes = dialog.style()->renderer.classes;
        QCOMPARE(classes[classes.size() - 2].min, lastMin);
        QCOMPARE(classes[classes.size() - 2].max, classes.back().min);
        QVERIFY(classes.back().min > lastMin);
        QVERIFY(std::isinf(classes.back().max));
        QVERIFY(dialog.setClassValue(row, "9+"));
        QCOMPARE(dialog.style()->renderer.classes.back().min, 9.0);
        QVERIFY(dialog.setClassValue(row, "100 - 250"));
        QCOMPARE(dialog.style()->renderer.classes.back().min, 100.0);
        QCOMPARE(dialog.style()->renderer.classes.back().max, 250.0);
        QVERIFY(!dialog.setClassValue(row, "250 - 100"));
        QVERIFY(!dialog.setClassValue(row, "many"));
        QCOMPARE(dialog.classCount(), before + 1);
    }

    void paletteOnlyStylesShowTheirColours() {
        const auto original = style("grid-fill.json");
        QVERIFY(original->renderer.classes.empty());
        QVERIFY(!original->renderer.palette.empty());
        app::StyleDialog dialog(original, "g");
        QCOMPARE(dialog.classCount(), static_cast<int>(original->renderer.palette.size()));
        dialog.setClassColor(0, true, QColor(10, 20, 30));
        QCOMPARE(dialog.style()->renderer.palette[0], QColor(10, 20, 30));
        QVERIFY(dialog.removeRow(1));
        QCOMPARE(dialog.style()->renderer.palette.size(), original->renderer.palette.size() - 1);
    }

    void singleSymbolStylesKeepTheirOneClass() {
        const auto original = style("households.json");
        app::StyleDialog dialog(original, "h");
        QCOMPARE(dialog.classCount(), 1);
        QCOMPARE(dialog.addClass("x"), -1);
        QVERIFY(!dialog.removeRow(0));
        dialog.setClassColor(0, true, QColor(1, 2, 3));
        QCOMPARE(dialog.style()->renderer.classes[0].symbol.fill, QColor(1, 2, 3));
    }
};

QTEST_MAIN(StyleDialogTest)
#include "style_dialog_test.moc"
