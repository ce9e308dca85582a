#!/usr/bin/env python3
"""Fills src/app/translations/gridatlas_zh_CN.ts from the glossary below (after lupdate).

Usage: /usr/lib/qt6/bin/lupdate -I src src/app -ts src/app/translations/gridatlas_zh_CN.ts -no-obsolete
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
    "Building": "楼栋",
    "Household": "住户",
    "Grid": "网格",
    "Service post": "服务站点",
    "Resident": "居民",
    "Number": "编号",
    "Name": "名称",
    "Full name": "姓名",
    "Compound": "小区",
    "Address": "地址",
    "Community": "社区",
    "Grid code": "网格编码",
    "Floors": "层数",
    "Units": "单元数",
    "Use": "用途",
    "Households": "户数",
    "Residents": "人数",
    "Party members": "党员数",
    "Vulnerable households": "重点关注户",
    "Nearby service post": "附近服务站点",
    "Unit": "单元",
    "Room": "房号",
    "Floor": "楼层",
    "Member type": "党员类别",
    "Branch": "所在支部",
    "Phone": "联系电话",
    "Needs attention": "关注事项",
    "Relation": "与户主关系",
    "Gender": "性别",
    "Birth year": "出生年份",
    "ID number": "身份证号",
    "Party member": "党员",
    "Code": "编码",
    "Target households": "目标户数",
    "Grid manager": "网格管理员",
    "Grid supervisor": "网格监督员",
    "Grid assistant": "网格协管员",
    "Manager phone": "管理员电话",
    "Supervisor phone": "监督员电话",
    "Assistant phone": "协管员电话",
    "Type code": "类型代码",
    "Type": "类型",
    "Opening hours": "服务时间",
    "Service radius (m)": "服务半径（米）",
    "Walk minutes": "步行分钟",
    "Show personal data": "显示个人信息",
    "Field": "字段",
    "Value": "值",
    "Names, phones and ID numbers will be shown in full. Continue?": "将完整显示姓名、电话和身份证号。是否继续？",
    "Hardship": "困难户",
    "Minimum income": "低保户",
    "Elderly living alone": "独居老人",
    "Left-behind children": "留守儿童",
    "Disability": "残疾人",
    "Identify": "查询",
    "Search: building (3栋), address, name, post, grid code": "搜索：楼栋（3栋）、地址、姓名、站点、网格编码",
    "Search": "搜索",
    "Search results": "搜索结果",
    "Nothing found for \"%1\"": "未找到“%1”",
    "Legend": "图例",
    "Zoom to Layer": "缩放至图层",
    "Opacity...": "透明度...",
    "Layer opacity": "图层透明度",
    "Opacity (%):": "不透明度（%）：",
    "Style...": "样式...",
    "Layer style": "图层样式",
    "Style:": "样式：",
    "Building name": "名称",
    "Grid name": "网格名称",
    "Post name": "站点名称",
    "Buildings": "楼栋数",
    "Male": "男",
    "Female": "女",
    "Yes": "是",
    "No": "否",
    "Zoom to Selection": "缩放至选中要素",
    "Attribute table": "属性表",
    "Filter, e.g. floor >= 10 and has_member": "筛选，例如 floor >= 10 and has_member",
    "Compare fields with = != < <= > >=, like '王%', in ('501', '502'), contains '湖西', is null, is not null; combine with and, or, not and parentheses. Text goes in quotes. Hover over a column header for its name in filters.":
        "用 = != < <= > >=、like '王%'、in ('501', '502')、contains '湖西'、is null、is not null 比较字段；用 and、or、not 和括号组合。文字放在引号中。鼠标停在列标题上可看到筛选用的字段名。",
    "Rows shown / rows in the layer": "显示行数 / 图层总行数",
    "Grids": "网格",
    "Service posts": "服务站点",
    "Streets": "道路",
    "Communities": "社区",
    "Cannot load %1: %2": "无法加载 %1：%2",
    "Column %1: %2": "第 %1 列：%2",
    "Feature %1 is hidden by the filter": "要素 %1 被筛选条件隐藏",
    "Loading %1…": "正在加载 %1…",
    "%1 / %2": "%1 / %2",
    "(working…)": "（处理中…）",
    "ID": "编号",
    "Unit ID": "单元编号",
    "Building ID": "楼栋编号",
    "Community ID": "社区编号",
    "Grid ID": "网格编号",
    "Vacant": "空置",
    "Has party member": "家有党员",
    "Flats per floor": "每层户数",
    "Street office": "街道",
    "Street class": "道路等级",
    "Width (m)": "宽度（米）",
    "NULL": "空",
    "In filters: %1": "筛选中使用：%1",
    "Personal data: shown masked": "个人信息：已脱敏显示",
    "&Save Map Document": "保存地图文档(&S)",
    "Save Map Document &As...": "地图文档另存为(&A)...",
    "Save Map Document": "保存地图文档",
    "Add Raster &Basemap...": "添加栅格底图(&B)...",
    "Add Raster Basemap": "添加栅格底图",
    "Rasters (*.tif *.tiff *.mbtiles *.jpg *.png *.img *.vrt);;All files (*)": "栅格 (*.tif *.tiff *.mbtiles *.jpg *.png *.img *.vrt);;所有文件 (*)",
    "Saved %1": "已保存 %1",
    "none": "无",
    "Colours...": "颜色...",
    "Scale range...": "比例尺范围...",
    "Scale range": "比例尺范围",
    "Show from 1: (0 = no limit)": "显示的最小比例尺 1:（0 为不限）",
    "Show up to 1: (0 = no limit)": "显示的最大比例尺 1:（0 为不限）",
    "Style of %1": "%1 的样式",
    "Class": "分类",
    "Fill": "填充",
    "Outline": "边线",
    "(all features)": "（全部要素）",
    "Colour": "颜色",
    "One symbol for every feature": "所有要素使用同一符号",
    "A colour per value of “%1”": "按“%1”的取值分类着色",
    "Colours by ranges of “%1”": "按“%1”的数值分级着色",
    "Heat map": "热力图",
    "Label": "图例文字",
    "Range": "数值范围",
    "Value": "取值",
    "Style": "样式",
    "A range is two numbers, the smaller first: for example 10 - 20.": "数值范围为两个数字，小数在前，例如 10 - 20。",
    "That value already has a class, or the value is empty.": "该取值已有分类，或取值为空。",
    "Add Class": "添加分类",
    "Remove Class": "删除分类",
    "Add All Values": "添加全部取值",
    "One class for every value of the field found in the layer": "为图层中该字段的每个取值各建一个分类",
    "new": "新分类",
    "(other values)": "（其他取值）",
    "other": "其他",
    "Palette colour %1 (values without a class)": "调色板颜色 %1（未单独分类的取值）",
    "(as above)": "（同上）",
}

# Each area of the viewer may keep its own table: src/app/translations/zh/*.tsv, one
# "English<TAB>中文" per line (\n in either column stands for a line break; # starts a comment).
root = Path(__file__).resolve().parent.parent
for table in sorted((root / "src/app/translations/zh").glob("*.tsv")):
    for number, line in enumerate(table.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            sys.exit("%s:%d: expected 'English<TAB>中文'" % (table, number))
        ZH[parts[0].replace("\\n", "\n")] = parts[1].replace("\\n", "\n")

path = root / "src/app/translations/gridatlas_zh_CN.ts"
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
