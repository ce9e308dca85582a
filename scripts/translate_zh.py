#!/usr/bin/env python3
"""Fills src/app/translations/gridatlas_zh_CN.ts from the glossary below (after lupdate).

Usage: /usr/lib/qt6/bin/lupdate src/app -ts src/app/translations/gridatlas_zh_CN.ts -no-obsolete
       python3 scripts/translate_zh.py
Sources without an entry stay 'unfinished' and are listed, so nothing is silently left English.
"""
import html
import re
import sys
from pathlib import Path

ZH = {
    "GridAtlas": "网格地图",
    "%1 ms": "%1 毫秒",
    "&File": "文件(&F)",
    "&Open Atlas...": "打开地图集(&O)...",
    "Open &Map Document...": "打开地图文档(&M)...",
    "Recent Atlases": "最近打开的地图集",
    "&Quit": "退出(&Q)",
    "&View": "视图(&V)",
    "Navigation": "导航",
    "Zoom to Full Extent": "全图显示",
    "Zoom In": "放大",
    "Zoom Out": "缩小",
    "Previous View": "上一视图",
    "Next View": "下一视图",
    "&Language": "语言(&L)",
    "&Help": "帮助(&H)",
    "&About GridAtlas": "关于网格地图(&A)",
    "About GridAtlas": "关于网格地图",
    "GridAtlas %1: buildings, households, members, grids and service posts of a community, on one map.":
        "网格地图 %1：社区的楼栋、住户、党员、网格与服务站点，尽在一张图上。",
    "Layers": "图层",
    "Map scale: type a number and press Enter": "地图比例尺：输入数值后按回车",
    "Scale": "比例尺",
    "GridAtlas - %1": "网格地图 - %1",
    "Opened %1 (EPSG:%2)": "已打开 %1（EPSG:%2）",
    "Cannot open the atlas": "无法打开地图集",
    "Error: ": "错误：",
    "Open Atlas": "打开地图集",
    "Atlas (*.sqlite *.db);;All files (*)": "地图集 (*.sqlite *.db);;所有文件 (*)",
    "Open Map Document": "打开地图文档",
    "Map documents (*.json)": "地图文档 (*.json)",
    "Language": "语言",
    "The language changes when GridAtlas starts next time.": "界面语言将在下次启动网格地图时生效。",
    "Open an atlas (File > Open Atlas) or drop a .sqlite file here": "请打开地图集（文件 > 打开地图集），或将 .sqlite 文件拖到此处",
}

path = Path(__file__).resolve().parent.parent / "src/app/translations/gridatlas_zh_CN.ts"
text = path.read_text(encoding="utf-8")
missing = []


def fill(m):
    source = html.unescape(m.group(1))
    zh = ZH.get(source)
    if zh is None:
        missing.append(source)
        return m.group(0)
    return "<source>%s</source>%s<translation>%s</translation>" % (m.group(1), m.group(2), html.escape(zh, quote=False))


text = re.sub(r"<source>(.*?)</source>(\s*(?:<comment>.*?</comment>\s*)?)<translation[^>]*?(?:/>|>.*?</translation>)",
              fill, text, flags=re.S)
path.write_text(text, encoding="utf-8")
if missing:
    print("untranslated:", *missing, sep="\n  ")
    sys.exit(1)
