<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.cpp" line="38"/>
        <source>GridAtlas</source>
        <translation>网格地图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="52"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="66"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="67"/>
        <source>&amp;Open Atlas...</source>
        <translation>打开地图集(&amp;O)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="69"/>
        <source>Open &amp;Map Document...</source>
        <translation>打开地图文档(&amp;M)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="70"/>
        <source>Recent Atlases</source>
        <translation>最近打开的地图集</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="73"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="76"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="77"/>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="85"/>
        <source>Zoom to Full Extent</source>
        <translation>全图显示</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="86"/>
        <source>Zoom In</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="87"/>
        <source>Zoom Out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="88"/>
        <source>Previous View</source>
        <translation>上一视图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="89"/>
        <source>Next View</source>
        <translation>下一视图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="91"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="101"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="102"/>
        <source>&amp;About GridAtlas</source>
        <translation>关于网格地图(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="103"/>
        <source>About GridAtlas</source>
        <translation>关于网格地图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="104"/>
        <source>GridAtlas %1: buildings, households, members, grids and service posts of a community, on one map.</source>
        <translation>网格地图 %1：社区的楼栋、住户、党员、网格与服务站点，尽在一张图上。</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="111"/>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="126"/>
        <source>Map scale: type a number and press Enter</source>
        <translation>地图比例尺：输入数值后按回车</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="141"/>
        <source>Scale</source>
        <translation>比例尺</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="173"/>
        <source>GridAtlas - %1</source>
        <translation>网格地图 - %1</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="181"/>
        <source>Opened %1 (EPSG:%2)</source>
        <translation>已打开 %1（EPSG:%2）</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="186"/>
        <source>Cannot open the atlas</source>
        <translation>无法打开地图集</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="263"/>
        <source>Error: </source>
        <translation>错误：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="267"/>
        <source>Open Atlas</source>
        <translation>打开地图集</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="267"/>
        <source>Atlas (*.sqlite *.db);;All files (*)</source>
        <translation>地图集 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="272"/>
        <source>Open Map Document</source>
        <translation>打开地图文档</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="273"/>
        <source>Map documents (*.json)</source>
        <translation>地图文档 (*.json)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="279"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="279"/>
        <source>The language changes when GridAtlas starts next time.</source>
        <translation>界面语言将在下次启动网格地图时生效。</translation>
    </message>
</context>
<context>
    <name>MapCanvas</name>
    <message>
        <location filename="../map_canvas.cpp" line="248"/>
        <source>Open an atlas (File &gt; Open Atlas) or drop a .sqlite file here</source>
        <translation>请打开地图集（文件 &gt; 打开地图集），或将 .sqlite 文件拖到此处</translation>
    </message>
</context>
</TS>
