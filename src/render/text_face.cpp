#include "render/text_face.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

#include "render/fonts.h"
#include "render/units.h"

namespace gridatlas::render {

namespace {

QFont pixelFont(double px, bool bold) {
    QFont font(QString::fromLatin1(kFontFamily));
    font.setStyleStrategy(QFont::NoFontMerging);
    font.setHintingPreference(QFont::PreferNoHinting);
    font.setBold(bold);
    font.setPixelSize(std::max(1, static_cast<int>(std::ceil(px))));
    return font;
}

} // namespace

TextFace::TextFace(double pt, bool bold, double dpi, const QPaintDevice* device)
    : m_font(pixelFont(ptToPx(pt, dpi), bold)),
      m_scale(ptToPx(pt, dpi) / m_font.pixelSize()),
      m_em(ptToPx(pt, dpi)),
      m_fm(m_font, device) {}

void TextFace::draw(QPainter& painter, QPointF origin, const QString& text) const {
    painter.save();
    painter.translate(origin);
    if (m_scale != 1.0) painter.scale(m_scale, m_scale);
    painter.setFont(m_font);
    painter.drawText(QPointF(0, 0), text);
    painter.restore();
}

void TextFace::drawHalo(QPainter& painter, QPointF origin, const QString& text, const QPen& pen) const {
    QPainterPath path;
    path.addText(QPointF(0, 0), m_font, text);
    painter.save();
    painter.translate(origin);
    if (m_scale != 1.0) painter.scale(m_scale, m_scale);
    QPen scaled = pen;
    scaled.setWidthF(pen.widthF() / m_scale);
    painter.strokePath(path, scaled);
    painter.restore();
}

} // namespace gridatlas::render
