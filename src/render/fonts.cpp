#include "render/fonts.h"

#include <QFontDatabase>
#include <QString>
#include <QStringList>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>

#include "model/support/error.h"

namespace gridatlas::render {

namespace {

std::string fontDir() {
    if (const char* dir = std::getenv("GRIDATLAS_FONT_DIR"); dir && *dir) return dir;
    return "/usr/share/fonts/opentype/noto";
}

void loadOne(const std::string& path) {
    if (!std::filesystem::exists(path))
        throw RenderError("font '" + path + "' is missing (install the Debian package fonts-noto-cjk)");
    const int id = QFontDatabase::addApplicationFont(QString::fromStdString(path));
    if (id < 0) throw RenderError("font '" + path + "' could not be loaded");
    if (!QFontDatabase::applicationFontFamilies(id).contains(QString::fromLatin1(kFontFamily)))
        throw RenderError("font '" + path + "' does not hold the family '" + kFontFamily + "'");
}

} // namespace

void ensureFontsLoaded() {
    static std::once_flag once;
    static std::string failure;
    std::call_once(once, [] {
        try {
            const std::string dir = fontDir();
            loadOne(dir + "/NotoSansCJK-Regular.ttc");
            loadOne(dir + "/NotoSansCJK-Bold.ttc");
        } catch (const Error& e) {
            failure = e.what();
        }
    });
    if (!failure.empty()) throw RenderError(failure);
}

} // namespace gridatlas::render
