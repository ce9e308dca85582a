#pragma once
// The viewer's gate before personal data is shown in full: an encrypted atlas asks once per
// session for its passphrase (a wrong one is refused and asked again), and every reveal is
// recorded in the atlas's reveal_log (storage/crypto.h, docs/personal-data.md).
#include <QString>

#include <functional>
#include <optional>
#include <string>

class QWidget;

namespace gridatlas::app {

/// Asks for the passphrase of an encrypted atlas if the session has no key yet, then records
/// the reveal (`what`). False when the user cancels or the reveal cannot be recorded (a message
/// says why); the caller then stays masked.
bool authorizeReveal(QWidget* parent, const std::string& atlasPath, const QString& what);

/// Makes sure the session holds the key of an encrypted atlas (asking as above) before work that
/// writes phones or ID numbers; true at once for a clear atlas. No reveal is logged.
bool ensureUnlocked(QWidget* parent, const std::string& atlasPath);

/// Widget tests answer the passphrase prompt through this (nullopt = cancel) instead of a dialog.
extern std::function<std::optional<QString>(const QString& atlasPath, bool retry)> passphrasePromptHook;

} // namespace gridatlas::app
