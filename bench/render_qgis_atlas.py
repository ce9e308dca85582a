#!/usr/bin/env python3
"""The QGIS side of bench_render.sh: QGIS 3.22 renders a GridAtlas atlas headless at 1920x1080
with the same layers and simple symbols as maps/bench-simple.json (grids outline, buildings,
households as 0.5 mm dots, member households as 1.4 mm red dots), no labels, antialiasing on.
Views: the full extent of the grids and a 1 km wide view at its centre. Prints one JSON object
with the median render-only seconds (job.start() .. waitForFinished()).

Written after ../shared/peers/render_qgis.py (same symbols and timing), for the atlas schema:
member households are `households` filtered by a subset string instead of a members table.
Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 render_qgis_atlas.py ATLAS [--repeat 5]
"""
import argparse
import json
import os
import statistics
import time

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from qgis.core import (QgsApplication, QgsDataSourceUri, QgsFillSymbol, QgsMapRendererSequentialJob,  # noqa: E402
                       QgsMapSettings, QgsMarkerSymbol, QgsRectangle, QgsSingleSymbolRenderer, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

LAYERS = [  # name, table, subset, symbol class, properties (bottom to top)
    ('grids', 'grids', '', QgsFillSymbol, {'color': '0,0,0,0', 'outline_color': '40,90,200', 'outline_width': '0.4'}),
    ('buildings', 'buildings', '', QgsFillSymbol, {'color': '210,205,195', 'outline_color': '120,110,100', 'outline_width': '0.1'}),
    ('households', 'households', '', QgsMarkerSymbol, {'name': 'circle', 'color': '60,60,60', 'size': '0.5', 'outline_style': 'no'}),
    ('members', 'households', 'id IN (SELECT household_id FROM residents WHERE is_member = 1)', QgsMarkerSymbol,
     {'name': 'circle', 'color': '220,30,30', 'size': '1.4', 'outline_color': '255,255,255', 'outline_width': '0.1'}),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('db')
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--out', default='')
    a = ap.parse_args()
    app = QgsApplication([], False)
    app.initQgis()
    layers = []
    for name, table, subset, symcls, props in LAYERS:
        uri = QgsDataSourceUri()
        uri.setDatabase(os.path.abspath(a.db))
        uri.setDataSource('', table, 'geom', subset)
        lyr = QgsVectorLayer(uri.uri(), name, 'spatialite')
        assert lyr.isValid(), 'cannot open %s' % name
        lyr.setRenderer(QgsSingleSymbolRenderer(symcls.createSimple(props)))
        layers.append(lyr)
    full = QgsRectangle(layers[0].extent())
    c = full.center()
    km = QgsRectangle(c.x() - 500, c.y() - 281.25, c.x() + 500, c.y() + 281.25)
    out = {}
    for view, extent in (('full', full), ('km1', km)):
        s = QgsMapSettings()
        s.setLayers(list(reversed(layers)))
        s.setOutputSize(QSize(1920, 1080))
        s.setExtent(extent)
        s.setBackgroundColor(QColor(255, 255, 255))
        s.setFlag(QgsMapSettings.Antialiasing, True)
        times = []
        for i in range(a.repeat + 1):
            job = QgsMapRendererSequentialJob(s)
            t = time.perf_counter()
            job.start()
            job.waitForFinished()
            if i > 0:  # the first render warms the provider
                times.append(time.perf_counter() - t)
            if a.out and i == 0:
                job.renderedImage().save(os.path.join(a.out, 'qgis_%s.png' % view))
        out[view + '_s'] = statistics.median(times)
    print(json.dumps(out))
    app.exitQgis()


if __name__ == '__main__':
    main()
