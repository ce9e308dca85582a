#!/usr/bin/env python3
"""The QGIS side of bench_layout.sh: QGIS 3.22's print layout atlas over the grids of a GridAtlas
atlas, one A4 portrait page per grid into one PDF: a map frame following the grid (auto scale,
8 % margin) with grids, buildings, households and member households, a title with the grid's
name, a scale bar and a legend. Prints one JSON object: seconds for the export (layout set up
beforehand), pages and file size.
Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 layout_qgis_atlas.py ATLAS OUT.pdf
"""
import json
import os
import sys
import time

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from qgis.core import (QgsApplication, QgsDataSourceUri, QgsFillSymbol, QgsLayoutExporter, QgsLayoutItemLabel,  # noqa: E402
                       QgsLayoutItemLegend, QgsLayoutItemMap, QgsLayoutItemPage, QgsLayoutItemScaleBar, QgsLayoutPoint,
                       QgsLayoutSize, QgsMarkerSymbol, QgsPrintLayout, QgsProject, QgsSingleSymbolRenderer,
                       QgsUnitTypes, QgsVectorLayer)
from qgis.PyQt.QtGui import QFont  # noqa: E402

LAYERS = [  # name, table, subset, symbol class, properties (bottom to top)
    ('grids', 'grids', '', QgsFillSymbol, {'color': '0,0,0,0', 'outline_color': '40,90,200', 'outline_width': '0.4'}),
    ('buildings', 'buildings', '', QgsFillSymbol, {'color': '210,205,195', 'outline_color': '120,110,100', 'outline_width': '0.1'}),
    ('households', 'households', '', QgsMarkerSymbol, {'name': 'circle', 'color': '60,60,60', 'size': '0.5', 'outline_style': 'no'}),
    ('members', 'households', 'id IN (SELECT household_id FROM residents WHERE is_member = 1)', QgsMarkerSymbol,
     {'name': 'circle', 'color': '220,30,30', 'size': '1.4', 'outline_color': '255,255,255', 'outline_width': '0.1'}),
]


def main():
    db, out = sys.argv[1], sys.argv[2]
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    layers = []
    for name, table, subset, cls, props in LAYERS:
        uri = QgsDataSourceUri()
        uri.setDatabase(db)
        uri.setDataSource('', table, 'geom', subset)
        layer = QgsVectorLayer(uri.uri(), name, 'spatialite')
        if not layer.isValid():
            raise SystemExit('layer %s is not valid' % name)
        layer.setRenderer(QgsSingleSymbolRenderer(cls.createSimple(props)))
        project.addMapLayer(layer)
        layers.append(layer)
    grids = layers[0]

    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize('A4', QgsLayoutItemPage.Portrait)
    title = QgsLayoutItemLabel(layout)
    title.setText('[% "name" %] 工作图')
    title.setFont(QFont('Noto Sans CJK SC', 20))
    layout.addLayoutItem(title)
    title.attemptMove(QgsLayoutPoint(12, 9, QgsUnitTypes.LayoutMillimeters))
    title.attemptResize(QgsLayoutSize(186, 11, QgsUnitTypes.LayoutMillimeters))
    frame = QgsLayoutItemMap(layout)
    layout.addLayoutItem(frame)
    frame.attemptMove(QgsLayoutPoint(12, 30, QgsUnitTypes.LayoutMillimeters))
    frame.attemptResize(QgsLayoutSize(186, 122, QgsUnitTypes.LayoutMillimeters))
    frame.setLayers(list(reversed(layers)))
    frame.setExtent(grids.extent())
    frame.setAtlasDriven(True)
    frame.setAtlasScalingMode(QgsLayoutItemMap.Auto)
    frame.setAtlasMargin(0.08)
    frame.setFrameEnabled(True)
    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle('Single Box')
    bar.setLinkedMap(frame)
    bar.applyDefaultSize()
    layout.addLayoutItem(bar)
    bar.attemptMove(QgsLayoutPoint(115, 155, QgsUnitTypes.LayoutMillimeters))
    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(frame)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(12, 155, QgsUnitTypes.LayoutMillimeters))

    atlas = layout.atlas()
    atlas.setCoverageLayer(grids)
    atlas.setEnabled(True)
    settings = QgsLayoutExporter.PdfExportSettings()
    t0 = time.perf_counter()
    result, error = QgsLayoutExporter.exportToPdf(atlas, out, settings)
    seconds = time.perf_counter() - t0
    if result != QgsLayoutExporter.Success:
        raise SystemExit('QGIS export failed: %s' % error)
    print(json.dumps({'seconds': round(seconds, 3), 'pages': grids.featureCount(), 'mb': round(os.path.getsize(out) / 1e6, 1)}))
    sys.stdout.flush()
    os._exit(0)  # QGIS may crash while exiting


if __name__ == '__main__':
    main()
