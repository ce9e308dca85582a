#include "app/filter_messages.h"

#include <QCoreApplication>

namespace gridatlas::app {

namespace {
// The parser's message templates (model::filterMessageTemplates(), same order), listed here so
// that Qt Linguist finds them; a test checks the two lists agree.
const char* const kTemplates[] = {
    QT_TRANSLATE_NOOP("FilterMessage", "internal error: the lexer did not advance"),
    QT_TRANSLATE_NOOP("FilterMessage", "the text is not valid UTF-8 (byte %1)"),
    QT_TRANSLATE_NOOP("FilterMessage", "unexpected character '&' (did you mean '&&' or 'and'?)"),
    QT_TRANSLATE_NOOP("FilterMessage", "unexpected character '|' (did you mean '||' or 'or'?)"),
    QT_TRANSLATE_NOOP("FilterMessage", "unexpected character %1 (text goes in quotes, e.g. '湖西')"),
    QT_TRANSLATE_NOOP("FilterMessage", "unexpected control character %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "unexpected character %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "the text starting here has no closing quote"),
    QT_TRANSLATE_NOOP("FilterMessage", "%1 is not a number (text goes in quotes: %1)"),
    QT_TRANSLATE_NOOP("FilterMessage", "the number %1 is out of range"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected 'and', 'or' or end of text but found %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "nested too deeply (at most %1 levels of parentheses and 'not')"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected 'and', 'or' or ')' to close the '(' at column %1 but found %2"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected a field name, 'not' or '(' but found %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "unknown field %1 (fields: %2)"),
    QT_TRANSLATE_NOOP("FilterMessage", "unknown field %1; did you mean %2? (fields: %3)"),
    QT_TRANSLATE_NOOP("FilterMessage", "unknown field %1 (no fields)"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected a number after '-' but found %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "field %1 holds numbers, but %2 is not a number"),
    QT_TRANSLATE_NOOP("FilterMessage", "NULL is not a value to compare with; use 'is null' or 'is not null'"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected a value after %1 but found %2 (text goes in quotes: %3)"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected a value after %1 but found %2"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected a text in quotes after %1 but found %2"),
    QT_TRANSLATE_NOOP("FilterMessage", "nothing equals NULL, not even NULL; use '%1 is null'"),
    QT_TRANSLATE_NOOP("FilterMessage", "nothing equals NULL, not even NULL; use '%1 is not null'"),
    QT_TRANSLATE_NOOP("FilterMessage", "nothing equals NULL, not even NULL; use 'is null' or 'is not null'"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected 'like', 'in' or 'contains' after '%1 not' but found %2"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected '(' after 'in' but found %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "NULL cannot be in a list after 'in'; use 'is null'"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected ',' or ')' in the list after 'in' but found %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected 'null' after 'is' but found %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected 'null' after 'is not' but found %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "expected an operator after %1 (=, !=, <, <=, >, >=, like, in, contains, is null) but found %2"),
    QT_TRANSLATE_NOOP("FilterMessage", "too long (%1 characters; at most %2)"),
    QT_TRANSLATE_NOOP("FilterMessage", "end of text"),
    QT_TRANSLATE_NOOP("FilterMessage", "the word %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "the number %1"),
    QT_TRANSLATE_NOOP("FilterMessage", "the text %1"),
};
} // namespace

QStringList filterMessageSources() {
    QStringList out;
    for (const char* t : kTemplates) out << QString::fromUtf8(t);
    return out;
}

QString translateFilterMessage(const model::FilterMessage& m) {
    if (m.literal) return QString::fromStdString(m.text);
    QString text = QCoreApplication::translate("FilterMessage", m.text.c_str());
    // Fill %1..%9 in one pass, so that an argument holding "%2" is not filled again.
    QString out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == QLatin1Char('%') && i + 1 < text.size() && text[i + 1] >= QLatin1Char('1') && text[i + 1] <= QLatin1Char('9')) {
            const auto k = static_cast<std::size_t>(text[i + 1].unicode() - '1');
            if (k < m.args.size()) out += translateFilterMessage(m.args[k]);
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

} // namespace gridatlas::app
