#include "app/map_tool.h"

// MapTool is an interface; this file gives it its meta-object (moc) and vtable.
namespace gridatlas::app {} // namespace gridatlas::app
