#!/usr/bin/env python3
"""Opens an atlas (SpatiaLite) or a GeoPackage export in QGIS (python3-qgis, headless) and prints
one line per layer: name|geometry type|CRS authid|feature count|valid. Used by
tests/io/interop_test.cpp; exits 3 when QGIS cannot be imported so the test can skip."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    from qgis.core import QgsApplication, QgsVectorLayer, QgsWkbTypes
except ImportError:
    sys.exit(3)


def main(path, layers):
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    try:
        for name in layers:
            layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
            print("|".join([name, QgsWkbTypes.displayString(layer.wkbType()), layer.crs().authid(),
                            str(layer.featureCount()), "valid" if layer.isValid() else "invalid"]))
            del layer  # layers must go before exitQgis()
    finally:
        sys.stdout.flush()
        app.exitQgis()
    # PyQGIS 3.22 can crash while tearing down the application object at interpreter exit;
    # everything is printed and flushed by now.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
