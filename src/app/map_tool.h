#pragma once
// A map tool takes the canvas's mouse and keys while it is active (drawing, vertex editing,
// painting buildings into grids) and draws its own overlay above the map. Events it does not
// take (returns false) keep their usual meaning: drag pans, wheel zooms.
#include <QObject>

class QKeyEvent;
class QMouseEvent;
class QPainter;

namespace gridatlas::app {

class MapCanvas;

class MapTool : public QObject {
    Q_OBJECT
public:
    explicit MapTool(QObject* parent = nullptr) : QObject(parent) {}
    virtual bool mousePress(MapCanvas&, QMouseEvent*) { return false; }
    virtual bool mouseMove(MapCanvas&, QMouseEvent*) { return false; }
    virtual bool mouseRelease(MapCanvas&, QMouseEvent*) { return false; }
    virtual bool mouseDoubleClick(MapCanvas&, QMouseEvent*) { return false; }
    virtual bool keyPress(MapCanvas&, QKeyEvent*) { return false; }
    /// Draws the tool's overlay (rubber lines, vertices, snap marker) in widget pixels.
    virtual void paint(MapCanvas&, QPainter&) {}
    /// Called when the canvas stops using the tool (another tool, or none).
    virtual void deactivated(MapCanvas&) {}
};

} // namespace gridatlas::app
