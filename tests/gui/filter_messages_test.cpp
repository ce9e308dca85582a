// The filter parser's messages reach the viewer translated: the viewer lists every template the
// parser has, the Chinese translation file translates each, and arguments fill in.
#include <QFile>
#include <QMap>
#include <QXmlStreamReader>
#include <QtTest>

#include "app/filter_messages.h"
#include "model/filter.h"
#include "storage/fixture_atlas.h"

using namespace gridatlas;

class FilterMessagesTest : public QObject {
    Q_OBJECT
private slots:
    void theViewerListsEveryTemplateOfTheParser() {
        QStringList model;
        for (const auto& t : model::filterMessageTemplates()) model << QString::fromStdString(t);
        QCOMPARE(app::filterMessageSources(), model);
    }

    void everyTemplateHasAChineseTranslation() {
        QFile ts(QString::fromStdString(testing::sourcePath("src/app/translations/gridatlas_zh_CN.ts")));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&ts);
        QMap<QString, QString> translated; // source -> finished translation, context FilterMessage
        QString context, source;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement()) continue;
            if (xml.name() == QLatin1String("name")) context = xml.readElementText();
            if (xml.name() == QLatin1String("source")) source = xml.readElementText();
            if (xml.name() == QLatin1String("translation") && context == QLatin1String("FilterMessage")) {
                const bool unfinished = xml.attributes().value("type") == QLatin1String("unfinished");
                const QString text = xml.readElementText();
                if (!unfinished && !text.isEmpty()) translated.insert(source, text);
            }
        }
        QVERIFY(!xml.hasError());
        for (const QString& t : app::filterMessageSources()) {
            QVERIFY2(translated.contains(t), qPrintable("untranslated (run lupdate and scripts/translate_zh.py): " + t));
            // The translation fills the same arguments.
            for (int k = 1; k <= 9; ++k)
                QCOMPARE(translated[t].contains(QString("%%1").arg(k)), t.contains(QString("%%1").arg(k)));
        }
    }

    void argumentsFillTheTemplateAndLiteralsStayAsTyped() {
        try {
            (void)model::Filter::parse("floors = '三楼'", {{"floors", model::FieldType::Integer}});
            QFAIL("parsed");
        } catch (const model::FilterError& e) {
            const QString s = app::translateFilterMessage(e.message());
            QVERIFY2(s.contains("'三楼'"), qPrintable(s)); // the user's word, untouched
            QVERIFY2(s.contains("floors"), qPrintable(s));
            QVERIFY2(!s.contains("%1") && !s.contains("%2"), qPrintable(s));
            QCOMPARE(s, QString::fromStdString(e.detail())); // no translator loaded: English
        }
    }
};

QTEST_MAIN(FilterMessagesTest)
#include "filter_messages_test.moc"
