#pragma once
// Saves the painter and restores it however the scope ends (a cancelled render throws).
#include <QPainter>

namespace gridatlas::render {

class PainterState {
public:
    explicit PainterState(QPainter& p) : m_p(p) { m_p.save(); }
    PainterState(const PainterState&) = delete;
    PainterState& operator=(const PainterState&) = delete;
    PainterState(PainterState&&) = delete;
    PainterState& operator=(PainterState&&) = delete;
    ~PainterState() { m_p.restore(); }

private:
    QPainter& m_p;
};

} // namespace gridatlas::render
