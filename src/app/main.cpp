// gridatlas: the map viewer. A thin main over MainWindow.
#include <QApplication>
#include <QCommandLineParser>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include "app/main_window.h"
#include "render/fonts.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("GridAtlas");
    QApplication::setApplicationName("GridAtlas");
    QApplication::setApplicationVersion(GRIDATLAS_VERSION);

    // Chinese first: zh_CN unless the user chose English (Language menu or --lang en).
    QCommandLineParser parser;
    parser.setApplicationDescription("GridAtlas map viewer");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption langOption("lang", "User interface language (zh_CN or en).", "code");
    parser.addOption(langOption);
    parser.addPositionalArgument("atlas", "Atlas (.sqlite) to open.");
    parser.addPositionalArgument("map", "Map document (.json) to show.");
    parser.process(app);
    const QString lang = parser.isSet(langOption) ? parser.value(langOption) : QSettings().value("ui/language", "zh_CN").toString();
    QTranslator translator;
    if (lang != "en" && translator.load(":/i18n/gridatlas_" + lang + ".qm")) QApplication::installTranslator(&translator);

    gridatlas::render::ensureFontsLoaded();
    QFont uiFont(gridatlas::render::kFontFamily, 10);
    QApplication::setFont(uiFont);

    gridatlas::app::MainWindow window;
    window.show();
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty()) window.openAtlas(args.value(0), args.value(1));
    return QApplication::exec();
}
