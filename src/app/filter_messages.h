#pragma once
// The filter parser's messages in the user's language: the parser keeps templates and
// arguments apart (model::FilterMessage); this fills the translated template.
#include <QString>
#include <QStringList>

#include "model/filter.h"

namespace gridatlas::app {

/// The message translated (context "FilterMessage"), arguments filled; literal parts (field
/// names, what the user typed) stay as they are.
QString translateFilterMessage(const model::FilterMessage& message);
/// The templates this file lists for translation (must equal model::filterMessageTemplates()).
QStringList filterMessageSources();

} // namespace gridatlas::app
