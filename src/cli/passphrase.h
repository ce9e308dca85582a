#pragma once
// Passphrases for encrypted atlases (storage/crypto.h) on the command line: from the
// GRIDATLAS_PASSPHRASE environment variable, else asked on the terminal without echo.
#include <optional>
#include <string>

namespace gridatlas::cli {

/// The passphrase of an existing atlas: GRIDATLAS_PASSPHRASE, else asked on the terminal
/// (`prompt`); nullopt when neither is available (no variable, no terminal).
std::optional<std::string> existingPassphrase(const std::string& prompt);
/// A new passphrase: `variable` (GRIDATLAS_PASSPHRASE or GRIDATLAS_NEW_PASSPHRASE), else asked
/// twice on the terminal. Throws InputError when there is none or the two differ.
std::string newPassphrase(const std::string& variable, const std::string& what);
/// Lets the storage layer ask for a passphrase when a command meets an encrypted atlas.
void installPassphraseProvider();
/// Before personal data is revealed: an encrypted atlas needs its passphrase (asked as above;
/// a wrong one is refused), and the reveal is recorded in the atlas's reveal_log.
void authorizeReveal(const std::string& atlasPath, const std::string& command, const std::string& what);

} // namespace gridatlas::cli
