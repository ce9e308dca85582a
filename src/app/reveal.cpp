#include "app/reveal.h"

#include <QCoreApplication>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>

#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/crypto.h"

namespace gridatlas::app {

std::function<std::optional<QString>(const QString& atlasPath, bool retry)> passphrasePromptHook;

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("gridatlas::app::Reveal", text);
}

std::optional<QString> askPassphrase(QWidget* parent, const QString& atlasPath, bool retry) {
    if (passphrasePromptHook) return passphrasePromptHook(atlasPath, retry);
    bool ok = false;
    const QString label = (retry ? tr("Wrong passphrase. ") : QString()) +
                          tr("This atlas keeps ID numbers and phones encrypted. Passphrase of %1:").arg(atlasPath);
    const QString text = QInputDialog::getText(parent, tr("Reveal personal data"), label, QLineEdit::Password, QString(), &ok);
    if (!ok) return std::nullopt;
    return text;
}

/// Asks until the passphrase is right or the user cancels (false).
bool unlockAsking(QWidget* parent, const std::string& atlasPath) {
    storage::Connection c(atlasPath, storage::OpenMode::ReadOnly);
    if (!storage::crypto::isEncrypted(c) || storage::crypto::isUnlocked(atlasPath)) return true;
    for (bool retry = false;; retry = true) {
        auto pass = askPassphrase(parent, QString::fromStdString(atlasPath), retry);
        if (!pass) return false;
        QByteArray bytes = pass->toUtf8();
        try {
            storage::crypto::unlock(c, std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
            bytes.fill('\0');
            return true;
        } catch (const storage::crypto::WrongPassphrase&) {
            bytes.fill('\0');
        }
    }
}

} // namespace

bool ensureUnlocked(QWidget* parent, const std::string& atlasPath) {
    try {
        return unlockAsking(parent, atlasPath);
    } catch (const Error& e) {
        if (!passphrasePromptHook) QMessageBox::warning(parent, tr("Reveal personal data"), QString::fromUtf8(e.what()));
        return false;
    }
}

bool authorizeReveal(QWidget* parent, const std::string& atlasPath, const QString& what) {
    try {
        if (!unlockAsking(parent, atlasPath)) return false;
        storage::crypto::recordReveal(atlasPath, "gridatlas", what.toStdString());
        return true;
    } catch (const Error& e) {
        if (!passphrasePromptHook) QMessageBox::warning(parent, tr("Reveal personal data"), QString::fromUtf8(e.what()));
        return false;
    }
}

} // namespace gridatlas::app
