<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FilterMessage</name>
    <message>
        <location filename="../filter_messages.cpp" line="11"/>
        <source>internal error: the lexer did not advance</source>
        <translation>内部错误：词法分析没有前进</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="12"/>
        <source>the text is not valid UTF-8 (byte %1)</source>
        <translation>文本不是有效的 UTF-8（字节 %1）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="13"/>
        <source>unexpected character &apos;&amp;&apos; (did you mean &apos;&amp;&amp;&apos; or &apos;and&apos;?)</source>
        <translation>意外的字符“&amp;”（是否想写“&amp;&amp;”或 and？）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="14"/>
        <source>unexpected character &apos;|&apos; (did you mean &apos;||&apos; or &apos;or&apos;?)</source>
        <translation>意外的字符“|”（是否想写“||”或 or？）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="15"/>
        <source>unexpected character %1 (text goes in quotes, e.g. &apos;湖西&apos;)</source>
        <translation>意外的字符 %1（文字请加引号，例如 '湖西'）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="16"/>
        <source>unexpected control character %1</source>
        <translation>意外的控制字符 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="17"/>
        <source>unexpected character %1</source>
        <translation>意外的字符 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="18"/>
        <source>the text starting here has no closing quote</source>
        <translation>从此处开始的文字缺少结束引号</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="19"/>
        <source>%1 is not a number (text goes in quotes: %1)</source>
        <translation>%1 不是数字（文字请加引号：%1）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="20"/>
        <source>the number %1 is out of range</source>
        <translation>数字 %1 超出范围</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="21"/>
        <source>expected &apos;and&apos;, &apos;or&apos; or end of text but found %1</source>
        <translation>此处应为 and、or 或结束，却是 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="22"/>
        <source>nested too deeply (at most %1 levels of parentheses and &apos;not&apos;)</source>
        <translation>嵌套过深（括号与 not 最多 %1 层）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="23"/>
        <source>expected &apos;and&apos;, &apos;or&apos; or &apos;)&apos; to close the &apos;(&apos; at column %1 but found %2</source>
        <translation>此处应为 and、or 或“)”以闭合第 %1 列的“(”，却是 %2</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="24"/>
        <source>expected a field name, &apos;not&apos; or &apos;(&apos; but found %1</source>
        <translation>此处应为字段名、not 或“(”，却是 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="25"/>
        <source>unknown field %1 (fields: %2)</source>
        <translation>没有字段 %1（可用字段：%2）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="26"/>
        <source>unknown field %1; did you mean %2? (fields: %3)</source>
        <translation>没有字段 %1；是否想写 %2？（可用字段：%3）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="27"/>
        <source>unknown field %1 (no fields)</source>
        <translation>没有字段 %1（该表没有字段）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="28"/>
        <source>expected a number after &apos;-&apos; but found %1</source>
        <translation>“-”后应为数字，却是 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="29"/>
        <source>field %1 holds numbers, but %2 is not a number</source>
        <translation>字段 %1 是数值，而 %2 不是数字</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="30"/>
        <source>NULL is not a value to compare with; use &apos;is null&apos; or &apos;is not null&apos;</source>
        <translation>NULL 不能用来比较；请用 is null 或 is not null</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="31"/>
        <source>expected a value after %1 but found %2 (text goes in quotes: %3)</source>
        <translation>%1 后应为取值，却是 %2（文字请加引号：%3）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="32"/>
        <source>expected a value after %1 but found %2</source>
        <translation>%1 后应为取值，却是 %2</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="33"/>
        <source>expected a text in quotes after %1 but found %2</source>
        <translation>%1 后应为带引号的文字，却是 %2</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="34"/>
        <source>nothing equals NULL, not even NULL; use &apos;%1 is null&apos;</source>
        <translation>任何值都不等于 NULL（NULL 也不例外）；请用“%1 is null”</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="35"/>
        <source>nothing equals NULL, not even NULL; use &apos;%1 is not null&apos;</source>
        <translation>任何值都不等于 NULL（NULL 也不例外）；请用“%1 is not null”</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="36"/>
        <source>nothing equals NULL, not even NULL; use &apos;is null&apos; or &apos;is not null&apos;</source>
        <translation>任何值都不等于 NULL（NULL 也不例外）；请用 is null 或 is not null</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="37"/>
        <source>expected &apos;like&apos;, &apos;in&apos; or &apos;contains&apos; after &apos;%1 not&apos; but found %2</source>
        <translation>“%1 not”后应为 like、in 或 contains，却是 %2</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="38"/>
        <source>expected &apos;(&apos; after &apos;in&apos; but found %1</source>
        <translation>in 后应为“(”，却是 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="39"/>
        <source>NULL cannot be in a list after &apos;in&apos;; use &apos;is null&apos;</source>
        <translation>in 的列表中不能有 NULL；请用 is null</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="40"/>
        <source>expected &apos;,&apos; or &apos;)&apos; in the list after &apos;in&apos; but found %1</source>
        <translation>in 的列表中应为“,”或“)”，却是 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="41"/>
        <source>expected &apos;null&apos; after &apos;is&apos; but found %1</source>
        <translation>is 后应为 null，却是 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="42"/>
        <source>expected &apos;null&apos; after &apos;is not&apos; but found %1</source>
        <translation>is not 后应为 null，却是 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="43"/>
        <source>expected an operator after %1 (=, !=, &lt;, &lt;=, &gt;, &gt;=, like, in, contains, is null) but found %2</source>
        <translation>%1 后应为运算符（=、!=、&lt;、&lt;=、&gt;、&gt;=、like、in、contains、is null），却是 %2</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="44"/>
        <source>too long (%1 characters; at most %2)</source>
        <translation>过长（%1 个字符；最多 %2 个）</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="45"/>
        <source>end of text</source>
        <translation>结尾</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="46"/>
        <source>the word %1</source>
        <translation>词 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="47"/>
        <source>the number %1</source>
        <translation>数字 %1</translation>
    </message>
    <message>
        <location filename="../filter_messages.cpp" line="48"/>
        <source>the text %1</source>
        <translation>文字 %1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../style_dialog.cpp" line="25"/>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>gridatlas::app</name>
    <message>
        <location filename="../reveal.cpp" line="25"/>
        <source>Wrong passphrase. </source>
        <translation>口令错误。</translation>
    </message>
    <message>
        <location filename="../reveal.cpp" line="26"/>
        <source>This atlas keeps ID numbers and phones encrypted. Passphrase of %1:</source>
        <translation>此图集的身份证号和电话已加密。请输入 %1 的口令：</translation>
    </message>
    <message>
        <location filename="../reveal.cpp" line="27"/>
        <location filename="../reveal.cpp" line="56"/>
        <location filename="../reveal.cpp" line="67"/>
        <source>Reveal personal data</source>
        <translation>查看个人信息</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::AttributeTableDock</name>
    <message>
        <location filename="../attribute_table.cpp" line="319"/>
        <source>Attribute table</source>
        <translation>属性表</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="348"/>
        <source>Filter, e.g. floor &gt;= 10 and has_member</source>
        <translation>筛选，例如 floor &gt;= 10 and has_member</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="349"/>
        <source>Compare fields with = != &lt; &lt;= &gt; &gt;=, like &apos;王%&apos;, in (&apos;501&apos;, &apos;502&apos;), contains &apos;湖西&apos;, is null, is not null; combine with and, or, not and parentheses. Text goes in quotes. Hover over a column header for its name in filters.</source>
        <translation>用 = != &lt; &lt;= &gt; &gt;=、like '王%'、in ('501', '502')、contains '湖西'、is null、is not null 比较字段；用 and、or、not 和括号组合。文字放在引号中。鼠标停在列标题上可看到筛选用的字段名。</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="359"/>
        <source>Rows shown / rows in the layer</source>
        <translation>显示行数 / 图层总行数</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="406"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="407"/>
        <source>Buildings</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="408"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="409"/>
        <source>Service posts</source>
        <translation>服务站点</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="410"/>
        <source>Streets</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="411"/>
        <source>Units</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="412"/>
        <source>Communities</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="510"/>
        <source>Cannot load %1: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="550"/>
        <source>Column %1: %2</source>
        <translation>第 %1 列：%2</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="707"/>
        <source>Feature %1 is hidden by the filter</source>
        <translation>要素 %1 被筛选条件隐藏</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="723"/>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="731"/>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="732"/>
        <source>(working…)</source>
        <translation>（处理中…）</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::AttributeTableModel</name>
    <message>
        <location filename="../attribute_table.cpp" line="187"/>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="188"/>
        <source>Unit ID</source>
        <translation>单元编号</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="189"/>
        <source>Building ID</source>
        <translation>楼栋编号</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="190"/>
        <source>Community ID</source>
        <translation>社区编号</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="191"/>
        <source>Grid ID</source>
        <translation>网格编号</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="192"/>
        <source>Hardship</source>
        <translation>困难户</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="193"/>
        <source>Minimum income</source>
        <translation>低保</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="194"/>
        <source>Elderly living alone</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="195"/>
        <source>Left-behind children</source>
        <translation>留守儿童</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="196"/>
        <source>Vacant</source>
        <translation>空置</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="197"/>
        <source>Has party member</source>
        <translation>家有党员</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="198"/>
        <source>Disability</source>
        <translation>残疾</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="199"/>
        <source>Needs attention</source>
        <translation>关注事项</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="200"/>
        <source>Flats per floor</source>
        <translation>每层户数</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="201"/>
        <source>Street office</source>
        <translation>街道</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="202"/>
        <source>Street class</source>
        <translation>道路等级</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="203"/>
        <source>Width (m)</source>
        <translation>宽度（米）</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="269"/>
        <source>NULL</source>
        <translation>空</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="301"/>
        <source>In filters: %1</source>
        <translation>筛选中使用：%1</translation>
    </message>
    <message>
        <location filename="../attribute_table.cpp" line="302"/>
        <source>Personal data: shown masked</source>
        <translation>个人信息：已脱敏显示</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::BuildingTableModel</name>
    <message>
        <location filename="../floor_plan_view.cpp" line="147"/>
        <source>%1 residents, %2 members</source>
        <translation>居民%1人，党员%2名</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="160"/>
        <source>%1 hh / %2 members</source>
        <translation>%1户／党员%2名</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="174"/>
        <source>Households / members</source>
        <translation>户数／党员</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="177"/>
        <source>Unit %1 · %2</source>
        <translation>%1单元 %2</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="181"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::CoverageDock</name>
    <message>
        <location filename="../coverage_dock.cpp" line="56"/>
        <source>Coverage</source>
        <translation>覆盖分析</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="62"/>
        <source>Post type</source>
        <translation>站点类型</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="65"/>
        <source>Post type&apos;s standard</source>
        <translation>站点类型的服务标准</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="66"/>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="67"/>
        <source>Metres</source>
        <translation>米</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="74"/>
        <source>Standard</source>
        <translation>服务标准</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="76"/>
        <source>Walking along streets</source>
        <translation>沿街步行</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="77"/>
        <source>Straight line</source>
        <translation>直线距离</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="81"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="82"/>
        <source>Draw service areas</source>
        <translation>绘制服务范围</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="87"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="88"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="97"/>
        <source>Open an atlas, choose a post type and run.</source>
        <translation>请打开网格地图数据库，选择站点类型并运行。</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="101"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="101"/>
        <location filename="../coverage_dock.cpp" line="107"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="101"/>
        <source>Covered</source>
        <translation>已覆盖</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="102"/>
        <source>Covered %</source>
        <translation>覆盖率 %</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="102"/>
        <source>Vulnerable</source>
        <translation>重点关爱户</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="102"/>
        <source>Vulnerable covered</source>
        <translation>重点关爱户已覆盖</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="107"/>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="107"/>
        <source>Uncovered</source>
        <translation>未覆盖</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="107"/>
        <source>Vulnerable uncovered</source>
        <translation>重点关爱户未覆盖</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="107"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="107"/>
        <source>Nearest (m)</source>
        <translation>最近站点（米）</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="108"/>
        <source>By category</source>
        <translation>按住户类别</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="109"/>
        <source>By community</source>
        <translation>按社区</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="110"/>
        <source>By grid</source>
        <translation>按网格</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="111"/>
        <source>Gap buildings</source>
        <translation>缺口楼栋</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="144"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="144"/>
        <source> m</source>
        <translation> 米</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="159"/>
        <source>Choose a post type and run.</source>
        <translation>请选择站点类型并运行。</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="207"/>
        <source>Running…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="285"/>
        <location filename="../coverage_dock.cpp" line="286"/>
        <location filename="../coverage_dock.cpp" line="298"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="318"/>
        <source>%1 m</source>
        <translation>%1 米</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="320"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="322"/>
        <source>the post type&apos;s standard</source>
        <translation>站点类型的服务标准</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="323"/>
        <source>%1 (%2, %3): %4 of %5 households covered (%6%), %7 posts, %8 gap buildings.</source>
        <translation>%1（%2，%3）：%5 户中覆盖 %4 户（%6%），站点 %7 个，缺口楼栋 %8 栋。</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="325"/>
        <source>walking</source>
        <translation>步行</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="325"/>
        <source>straight line</source>
        <translation>直线</translation>
    </message>
    <message>
        <location filename="../coverage_dock.cpp" line="348"/>
        <source>no path</source>
        <translation>无可步行路径</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::FloorPlanDock</name>
    <message>
        <location filename="../floor_plan_view.cpp" line="41"/>
        <source>Member household</source>
        <translation>党员户（家有党员）</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="43"/>
        <source>Hardship or minimum income</source>
        <translation>困难户、低保户</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="45"/>
        <source>Elderly living alone</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="47"/>
        <source>Resident with a disability</source>
        <translation>残疾人家庭</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="49"/>
        <source>Left-behind children</source>
        <translation>留守儿童</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="51"/>
        <source>Household in care</source>
        <translation>重点关爱户</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="53"/>
        <source>Ordinary household</source>
        <translation>一般住户</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="55"/>
        <source>Vacant</source>
        <translation>空置</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="57"/>
        <source>No household on record</source>
        <translation>未登记</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="63"/>
        <source>Basement %1</source>
        <translation>地下%1层</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="63"/>
        <source>Floor %1</source>
        <translation>%1层</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="257"/>
        <source>Building table and floor plan</source>
        <translation>楼盘表与平面图</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="264"/>
        <source>No building</source>
        <translation>未选择楼栋</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="268"/>
        <source>Show personal data</source>
        <translation>显示个人信息</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="269"/>
        <source>Names, phones, ID numbers and hardship or health details are masked until this is ticked</source>
        <translation>勾选前，姓名、电话、身份证号及困难、健康等情况均已脱敏</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="299"/>
        <source>Name of resident</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="299"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="299"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="299"/>
        <source>Birth year</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="299"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="300"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="300"/>
        <source>Party member</source>
        <translation>党员</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="300"/>
        <source>Branch</source>
        <translation>所在支部</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="300"/>
        <source>Disability</source>
        <translation>残疾</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="304"/>
        <source>Residents of the household</source>
        <translation>本户居民</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="309"/>
        <source>Floor:</source>
        <translation>楼层：</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="315"/>
        <source>Drawn floor plan</source>
        <translation>楼层平面图</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="366"/>
        <source>Cannot show the building</source>
        <translation>无法显示该楼栋</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="398"/>
        <source>%1 floors, %2 units; %3 households, %4 residents, %5 members in %6 households; %7 households in care</source>
        <translation>%1层，%2个单元；住户%3户，居民%4人，党员%5名（党员户%6户）；重点关爱户%7户</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="406"/>
        <source>no drawn plan</source>
        <translation>无平面图</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="468"/>
        <location filename="../floor_plan_view.cpp" line="480"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="472"/>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="473"/>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="480"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../floor_plan_view.cpp" line="519"/>
        <source>members in the household</source>
        <translation>本户党员人数</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::GridPanel</name>
    <message>
        <location filename="../grid_panel.cpp" line="38"/>
        <source>The boundary of grid %1 crosses itself or is broken</source>
        <translation>网格 %1 的边界自相交或不完整</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="39"/>
        <source>Grids %1 overlap by %2 m²</source>
        <translation>网格 %1 重叠 %2 平方米</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="40"/>
        <source>%1 m² of the community lie in no grid</source>
        <translation>社区内有 %1 平方米不属于任何网格</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="41"/>
        <source>%1 m² of grid %2 lie outside its community</source>
        <translation>网格 %2 有 %1 平方米超出所属社区</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="42"/>
        <source>The boundary of grid %1 cuts building %2</source>
        <translation>网格 %1 的边界穿过楼栋 %2</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="43"/>
        <source>Grid %1 holds no building</source>
        <translation>网格 %1 内没有楼栋</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="44"/>
        <source>Grid %1 lacks one of its three staff</source>
        <translation>网格 %1 的“一格三员”不齐</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="46"/>
        <source>Building %1 is recorded in another grid than the one holding most of it (%2)</source>
        <translation>楼栋 %1 登记的网格与其主要所在网格（%2）不符</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="55"/>
        <source>Invalid polygon</source>
        <translation>多边形无效</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="56"/>
        <source>Grids overlap</source>
        <translation>网格重叠</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="57"/>
        <source>Gap between grids</source>
        <translation>网格间有空隙</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="58"/>
        <source>Outside its community</source>
        <translation>超出所属社区</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="59"/>
        <source>Boundary cuts a building</source>
        <translation>边界切割楼栋</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="60"/>
        <source>Grid without buildings</source>
        <translation>网格内无楼栋</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="61"/>
        <source>Staff missing</source>
        <translation>“一格三员”缺员</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="62"/>
        <source>Building in the wrong grid</source>
        <translation>楼栋所属网格有误</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="67"/>
        <source>Grid Checks and Statistics</source>
        <translation>网格检查与统计</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="71"/>
        <source>Check Grids</source>
        <translation>检查网格</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="72"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="86"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="86"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="86"/>
        <source>Area (m²)</source>
        <translation>面积（平方米）</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="86"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="91"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="91"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="91"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="91"/>
        <source>Buildings</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="91"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="92"/>
        <source>Target</source>
        <translation>目标户数</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="92"/>
        <source>Deviation (%)</source>
        <translation>偏差（%）</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="92"/>
        <source>Residents</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="92"/>
        <source>Members</source>
        <translation>党员</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="93"/>
        <source>Households in care</source>
        <translation>重点关爱户</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="93"/>
        <source>Posts</source>
        <translation>服务阵地</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="93"/>
        <source>Households per staff</source>
        <translation>人均服务户数</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="97"/>
        <source>Checks</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="98"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="149"/>
        <source>Checking the grids...</source>
        <translation>正在检查网格……</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="169"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="226"/>
        <source>no staff</source>
        <translation>无网格员</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="229"/>
        <source>No problems in %1 grids.</source>
        <translation>%1 个网格均无问题。</translation>
    </message>
    <message>
        <location filename="../grid_panel.cpp" line="230"/>
        <source>%1 problems in %2 grids; double-click one to go there.</source>
        <translation>%2 个网格中发现 %1 个问题；双击可定位。</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::GridPlansDock</name>
    <message>
        <location filename="../grid_plans_dock.cpp" line="111"/>
        <source>Grid Plans</source>
        <translation>网格方案</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="116"/>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="116"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="116"/>
        <location filename="../grid_plans_dock.cpp" line="354"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="116"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="116"/>
        <source>Buildings</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="116"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="128"/>
        <source>Save Current...</source>
        <translation>保存现有网格……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="129"/>
        <source>Propose...</source>
        <translation>划分建议……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="130"/>
        <source>Show on Map</source>
        <translation>在地图上显示</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="133"/>
        <source>Restore...</source>
        <translation>恢复……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="134"/>
        <source>Delete...</source>
        <translation>删除……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="141"/>
        <location filename="../grid_plans_dock.cpp" line="145"/>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="143"/>
        <source>with</source>
        <translation>与</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="155"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="161"/>
        <source>Open an atlas to see its grid plans.</source>
        <translation>打开图集后可查看其网格方案。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="172"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="172"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="172"/>
        <source>Households before</source>
        <translation>调整前户数</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="172"/>
        <source>Households after</source>
        <translation>调整后户数</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="172"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="173"/>
        <source>Buildings before</source>
        <translation>调整前楼栋数</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="173"/>
        <source>Buildings after</source>
        <translation>调整后楼栋数</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="175"/>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="175"/>
        <source>From grid</source>
        <translation>原网格</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="175"/>
        <source>To grid</source>
        <translation>新网格</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="175"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="176"/>
        <source>Households per grid</source>
        <translation>各网格户数</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="177"/>
        <source>Buildings that move</source>
        <translation>调整网格的楼栋</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="243"/>
        <location filename="../grid_plans_dock.cpp" line="368"/>
        <source>Current grids</source>
        <translation>现有网格</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="310"/>
        <source>Cancelled; nothing was changed.</source>
        <translation>已取消，未做任何更改。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="332"/>
        <source>Reading the plans...</source>
        <translation>正在读取方案……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="339"/>
        <source>No plans saved yet: save the current grids or propose new ones.</source>
        <translation>尚未保存方案：可保存现有网格，或生成划分建议。</translation>
    </message>
    <message numerus="yes">
        <location filename="../grid_plans_dock.cpp" line="340"/>
        <source>%n plan(s) saved.</source>
        <translation>
            <numerusform>已保存 %n 个方案。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="354"/>
        <source>Proposal</source>
        <translation>划分建议</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="380"/>
        <source>Saving the current grids as plan %1...</source>
        <translation>正在将现有网格保存为方案“%1”……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="389"/>
        <source>Saved the current grids as plan %1.</source>
        <translation>已将现有网格保存为方案“%1”。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="398"/>
        <source>Proposing grids for %1...</source>
        <translation>正在为%1生成网格划分建议……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="417"/>
        <source>Plan %1: %2 households in %3 grids; %4 within ±%5% of %6; largest deviation %7%; %8 households would change grid. The current grids are unchanged.</source>
        <translation>方案“%1”：共 %2 户，%3 个网格；%4 个网格在目标 %6 户 ±%5% 以内；最大偏差 %7%；将有 %8 户调整网格。现有网格未改动。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="441"/>
        <source>Reading plan %1...</source>
        <translation>正在读取方案“%1”……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="449"/>
        <source>Plan %1 is drawn over the map: %2 buildings (%3 households) are in another grid than today.</source>
        <translation>方案“%1”已叠加显示在地图上：%2 栋楼（%3 户）所在网格与现状不同。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="461"/>
        <source>Restoring plan %1...</source>
        <translation>正在恢复方案“%1”……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="468"/>
        <source>Plan %1 is now the current grid layout (%2 households changed grid).</source>
        <translation>方案“%1”已成为现行网格划分（%2 户调整了网格）。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="476"/>
        <source>Deleting plan %1...</source>
        <translation>正在删除方案“%1”……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="484"/>
        <source>Deleted plan %1.</source>
        <translation>已删除方案“%1”。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="495"/>
        <source>Comparing %1 with %2...</source>
        <translation>正在对比 %1 与 %2……</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="580"/>
        <location filename="../grid_plans_dock.cpp" line="581"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="585"/>
        <source>%1 → %2: %3 buildings (%4 households) change grid; %5 of %6 grids change size.</source>
        <translation>%1 → %2：%3 栋楼（%4 户）调整网格；%6 个网格中有 %5 个户数变化。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="597"/>
        <location filename="../grid_plans_dock.cpp" line="600"/>
        <source>Save Current Grids</source>
        <translation>保存现有网格</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="597"/>
        <source>Name of the plan:</source>
        <translation>方案名称：</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="598"/>
        <source>Grids %1</source>
        <translation>网格 %1</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="600"/>
        <source>Note (optional):</source>
        <translation>备注（可选）：</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="617"/>
        <source>Propose Grids</source>
        <translation>生成网格划分建议</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="624"/>
        <source> households</source>
        <translation> 户</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="629"/>
        <source>Prefer streets as boundaries</source>
        <translation>优先以街道为边界</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="630"/>
        <source>Change today&apos;s grids as little as possible</source>
        <translation>尽量少改动现有网格</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="631"/>
        <source>Proposal %1</source>
        <translation>划分建议 %1</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="632"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="633"/>
        <source>Target per grid</source>
        <translation>每格目标户数</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="634"/>
        <source>Tolerance</source>
        <translation>允许偏差</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="637"/>
        <source>Save as plan</source>
        <translation>保存为方案</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="638"/>
        <source>The proposal is saved as a plan version; the current grids stay as they are until you restore it.</source>
        <translation>划分建议将保存为一个方案版本；在恢复该方案之前，现有网格保持不变。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="666"/>
        <source>Restore Plan</source>
        <translation>恢复方案</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="667"/>
        <source>Make plan %1 the current grid layout? The grids of its communities, their staff and the buildings&apos; grids are replaced in one step. Save the current grids as a plan first if you may want them back.</source>
        <translation>将方案“%1”设为现行网格划分？其所在社区的网格、网格员和楼栋归属将一次性替换。如需保留现状，请先将现有网格保存为方案。</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="678"/>
        <source>Delete Plan</source>
        <translation>删除方案</translation>
    </message>
    <message>
        <location filename="../grid_plans_dock.cpp" line="678"/>
        <source>Delete plan %1? The current grids are not affected.</source>
        <translation>删除方案“%1”？现有网格不受影响。</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::GridPropertiesDialog</name>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="26"/>
        <source>Grid Properties</source>
        <translation>网格属性</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="30"/>
        <source>Unique; e.g. an urban grid code after CJ/T 349-2010</source>
        <translation>须唯一；例如按 CJ/T 349-2010 编制的城市网格编码</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="34"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="36"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="46"/>
        <source>CJ/T 349-2010: object %1 · division %2 · street %3 · community %4 · grid %5</source>
        <translation>CJ/T 349-2010：对象 %1 · 行政区划 %2 · 街道 %3 · 社区 %4 · 网格顺序码 %5</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="51"/>
        <source>Not a 20-digit CJ/T 349-2010 code (网格 &gt; Recode Grids makes them); any unique code is accepted.</source>
        <translation>不是 20 位 CJ/T 349-2010 编码（可用“网格 &gt; 重新编码网格”生成）；任何唯一编码均可使用。</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="56"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="57"/>
        <source>Target households</source>
        <translation>目标户数</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="58"/>
        <source>Manager</source>
        <translation>网格管理员</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="58"/>
        <source>Supervisor</source>
        <translation>网格监督员</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="58"/>
        <source>Assistant</source>
        <translation>网格协管员</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="63"/>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="64"/>
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="73"/>
        <source>Show personal data</source>
        <translation>显示个人信息</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="135"/>
        <source>%1 households, no staff</source>
        <translation>住户 %1 户，暂无网格员</translation>
    </message>
    <message>
        <location filename="../grid_properties_dialog.cpp" line="136"/>
        <source>%1 households, %2 staff: %3 households per staff member</source>
        <translation>住户 %1 户，网格员 %2 名：人均服务 %3 户</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::GridVertexTool</name>
    <message>
        <location filename="../grid_editing.cpp" line="224"/>
        <location filename="../grid_editing.cpp" line="279"/>
        <source>Remove vertex</source>
        <translation>删除节点</translation>
    </message>
    <message>
        <location filename="../grid_editing.cpp" line="260"/>
        <source>Move vertex</source>
        <translation>移动节点</translation>
    </message>
    <message>
        <location filename="../grid_editing.cpp" line="272"/>
        <source>Insert vertex</source>
        <translation>插入节点</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::HistoryPanel</name>
    <message>
        <location filename="../history_panel.cpp" line="21"/>
        <source>History</source>
        <translation>修改记录</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="26"/>
        <source>All tables</source>
        <translation>全部表</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="28"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="30"/>
        <source>Table</source>
        <translation>表</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="36"/>
        <source>When (UTC)</source>
        <translation>时间（UTC）</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="36"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="36"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="36"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="36"/>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="36"/>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="62"/>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="63"/>
        <source>changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="64"/>
        <source>deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="65"/>
        <source>imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="66"/>
        <source>atlas restored</source>
        <translation>图集已恢复</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="67"/>
        <source>grid plan restored</source>
        <translation>网格方案已恢复</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="78"/>
        <source>Reading...</source>
        <translation>正在读取……</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="117"/>
        <source>No changes recorded</source>
        <translation>暂无修改记录</translation>
    </message>
    <message>
        <location filename="../history_panel.cpp" line="117"/>
        <source>%1 newest changes</source>
        <translation>最近 %1 条修改</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::IdentifyPanel</name>
    <message>
        <location filename="../identify_panel.cpp" line="20"/>
        <location filename="../identify_panel.cpp" line="32"/>
        <location filename="../identify_panel.cpp" line="73"/>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="21"/>
        <source>Household</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="22"/>
        <location filename="../identify_panel.cpp" line="58"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="23"/>
        <source>Service post</source>
        <translation>服务站点</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="24"/>
        <source>Resident</source>
        <translation>居民</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="40"/>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="40"/>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="41"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="41"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="47"/>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="48"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="49"/>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="50"/>
        <source>Building name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="51"/>
        <source>Grid name</source>
        <translation>网格名称</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="52"/>
        <source>Post name</source>
        <translation>站点名称</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="53"/>
        <source>Buildings</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="54"/>
        <source>Compound</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="55"/>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="56"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="57"/>
        <source>Grid code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="59"/>
        <source>Floors</source>
        <translation>层数</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="60"/>
        <source>Units</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="61"/>
        <source>Use</source>
        <translation>用途</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="62"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="63"/>
        <source>Residents</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="64"/>
        <source>Party members</source>
        <translation>党员数</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="65"/>
        <source>Vulnerable households</source>
        <translation>重点关注户</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="66"/>
        <source>Nearby service post</source>
        <translation>附近服务站点</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="67"/>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="68"/>
        <source>Room</source>
        <translation>房号</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="69"/>
        <source>Floor</source>
        <translation>楼层</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="70"/>
        <source>Member type</source>
        <translation>党员类型</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="71"/>
        <source>Branch</source>
        <translation>所在支部</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="72"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="74"/>
        <source>Needs attention</source>
        <translation>关注事项</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="75"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="76"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="77"/>
        <source>Birth year</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="78"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="79"/>
        <source>Party member</source>
        <translation>党员</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="80"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="81"/>
        <source>Target households</source>
        <translation>目标户数</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="82"/>
        <source>Deviation from target (%)</source>
        <translation>户数偏差（%）</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="83"/>
        <source>Grid manager</source>
        <translation>网格管理员</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="84"/>
        <source>Grid supervisor</source>
        <translation>网格监督员</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="85"/>
        <source>Grid assistant</source>
        <translation>网格协管员</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="86"/>
        <source>Manager phone</source>
        <translation>管理员电话</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="87"/>
        <source>Supervisor phone</source>
        <translation>监督员电话</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="88"/>
        <source>Assistant phone</source>
        <translation>协管员电话</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="89"/>
        <source>Type code</source>
        <translation>类型代码</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="90"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="91"/>
        <source>Opening hours</source>
        <translation>服务时间</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="92"/>
        <source>Service radius (m)</source>
        <translation>服务半径（米）</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="93"/>
        <source>Walk minutes</source>
        <translation>步行分钟</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="103"/>
        <location filename="../identify_panel.cpp" line="113"/>
        <source>Show personal data</source>
        <translation>显示个人信息</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="108"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="108"/>
        <source>Value</source>
        <translation>取值</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="114"/>
        <source>Names, phones and ID numbers will be shown in full. Continue?</source>
        <translation>将完整显示姓名、电话和身份证号。是否继续？</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="168"/>
        <source>Hardship</source>
        <translation>困难户</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="168"/>
        <source>Minimum income</source>
        <translation>低保</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="169"/>
        <source>Elderly living alone</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="169"/>
        <source>Left-behind children</source>
        <translation>留守儿童</translation>
    </message>
    <message>
        <location filename="../identify_panel.cpp" line="170"/>
        <source>Disability</source>
        <translation>残疾</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::ImportWizard</name>
    <message>
        <location filename="../import_wizard.cpp" line="52"/>
        <location filename="../import_wizard.cpp" line="92"/>
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="59"/>
        <source>Source</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="60"/>
        <source>A Shapefile, GeoJSON, GeoPackage, KML, DXF, OpenStreetMap, CSV, XLSX, FlatGeobuf or MapInfo file.</source>
        <translation>Shapefile、GeoJSON、GeoPackage、KML、DXF、OpenStreetMap、CSV、XLSX、FlatGeobuf 或 MapInfo 文件。</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="63"/>
        <location filename="../import_wizard.cpp" line="117"/>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="71"/>
        <source>Buildings</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="71"/>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="71"/>
        <source>Communities</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="71"/>
        <source>Service posts</source>
        <translation>服务站点</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="72"/>
        <source>Streets</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="72"/>
        <source>Units</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="72"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="77"/>
        <source>As stated in the file</source>
        <translation>使用文件自带的坐标系</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="78"/>
        <source>EPSG:4326 (WGS84, GPS)</source>
        <translation>EPSG:4326（WGS84，GPS）</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="79"/>
        <source>EPSG:4490 (CGCS2000)</source>
        <translation>EPSG:4490（CGCS2000 国家大地坐标系）</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="80"/>
        <source>GCJ-02 (Amap, Tencent)</source>
        <translation>GCJ-02（高德、腾讯）</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="81"/>
        <source>BD-09 (Baidu)</source>
        <translation>BD-09（百度）</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="86"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="87"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="88"/>
        <source>Import into</source>
        <translation>导入到</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="89"/>
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="93"/>
        <source>Vector data (*.shp *.geojson *.json *.gpkg *.kml *.kmz *.dxf *.osm *.pbf *.csv *.xlsx *.fgb *.tab *.mif);;All files (*)</source>
        <translation>矢量数据 (*.shp *.geojson *.json *.gpkg *.kml *.kmz *.dxf *.osm *.pbf *.csv *.xlsx *.fgb *.tab *.mif);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="104"/>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="105"/>
        <source>The first rows of the file and which atlas field each source field fills.</source>
        <translation>文件的前几行，以及每个源字段填入哪个图册字段。</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="111"/>
        <source>Atlas field</source>
        <translation>图册字段</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="111"/>
        <source>Source field</source>
        <translation>源字段</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="116"/>
        <source>optional JSON mapping file (see docs/import-export.md)</source>
        <translation>可选的 JSON 字段对应文件（见 docs/import-export.md）</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="123"/>
        <source>Store the valid features even if others are rejected</source>
        <translation>即使部分要素被拒收，也保存有效要素</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="125"/>
        <source>Delete rows an earlier import of this file brought that it no longer has (backed up first)</source>
        <translation>删除此文件早先导入、但新版本中已没有的记录（先自动备份）</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="127"/>
        <source>Dry run</source>
        <translation>试运行</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="136"/>
        <location filename="../import_wizard.cpp" line="145"/>
        <source>Mapping file</source>
        <translation>字段对应文件</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="137"/>
        <source>Match existing rows by</source>
        <translation>按此匹配已有记录</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="145"/>
        <source>Mapping files (*.json)</source>
        <translation>字段对应文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="157"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="163"/>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="226"/>
        <source>%1, layer %2, %3 features</source>
        <translation>%1，图层 %2，%3 个要素</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="228"/>
        <source>unknown number of</source>
        <translation>数量未知的</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="229"/>
        <source>The file states no coordinate system: choose one below.</source>
        <translation>文件未注明坐标系：请在下方选择。</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="230"/>
        <source>Coordinate system: %1</source>
        <translation>坐标系：%1</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="231"/>
        <source>Text encoding: %1</source>
        <translation>文本编码：%1</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="232"/>
        <source>Geometry from %1</source>
        <translation>几何取自 %1</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="250"/>
        <source>Source feature id (re-imports of the same file)</source>
        <translation>源要素编号（同一文件再次导入）</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="255"/>
        <source>Atlas field &apos;%1&apos;</source>
        <translation>图册字段“%1”</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="333"/>
        <source>Checking...</source>
        <translation>正在检查...</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="333"/>
        <source>Importing...</source>
        <translation>正在导入...</translation>
    </message>
    <message>
        <location filename="../import_wizard.cpp" line="357"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何数据。</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::MainWindow</name>
    <message>
        <location filename="../main_window.cpp" line="72"/>
        <source>GridAtlas</source>
        <translation>网格地图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="88"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="98"/>
        <source>The atlas is busy (another process is writing); waiting...</source>
        <translation>图集正忙（其他程序正在写入），等待中……</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="112"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="113"/>
        <source>&amp;Open Atlas...</source>
        <translation>打开地图集(&amp;O)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="115"/>
        <source>Open &amp;Map Document...</source>
        <translation>打开地图文档(&amp;M)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="116"/>
        <source>&amp;Save Map Document</source>
        <translation>保存地图文档(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="118"/>
        <source>Save Map Document &amp;As...</source>
        <translation>地图文档另存为(&amp;A)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="119"/>
        <source>Save Map Document</source>
        <translation>保存地图文档</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="122"/>
        <source>Add Raster &amp;Basemap...</source>
        <translation>添加栅格底图(&amp;B)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="123"/>
        <source>Add Raster Basemap</source>
        <translation>添加栅格底图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="124"/>
        <source>Rasters (*.tif *.tiff *.mbtiles *.jpg *.png *.img *.vrt);;All files (*)</source>
        <translation>栅格 (*.tif *.tiff *.mbtiles *.jpg *.png *.img *.vrt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="129"/>
        <source>&amp;Import Layer (Shapefile, GeoJSON, GeoPackage, KML, DXF, OSM, CSV)...</source>
        <translation>导入图层（Shapefile、GeoJSON、GeoPackage、KML、DXF、OSM、CSV）(&amp;I)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="136"/>
        <source>Import &amp;Roster (Excel/CSV)...</source>
        <translation>导入花名册（Excel/CSV）(&amp;R)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="146"/>
        <source>&amp;Print / Export Layout...</source>
        <translation>打印/导出版式(&amp;P)...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="149"/>
        <source>Recent Atlases</source>
        <translation>最近打开的地图集</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="152"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="155"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="156"/>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="164"/>
        <source>Zoom to Full Extent</source>
        <translation>全图显示</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="165"/>
        <source>Zoom In</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="166"/>
        <source>Zoom Out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="167"/>
        <source>Zoom to Selection</source>
        <translation>缩放至选中要素</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="168"/>
        <source>Previous View</source>
        <translation>上一视图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="169"/>
        <source>Next View</source>
        <translation>下一视图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="174"/>
        <source>Search: building (3栋), address, name, post, grid code</source>
        <translation>搜索：楼栋（3栋）、地址、姓名、站点、网格编码</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="179"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="182"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="192"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="193"/>
        <source>&amp;About GridAtlas</source>
        <translation>关于网格地图(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="194"/>
        <source>About GridAtlas</source>
        <translation>关于网格地图</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="195"/>
        <source>GridAtlas %1: buildings, households, members, grids and service posts of a community, on one map.</source>
        <translation>网格地图 %1：社区的楼栋、住户、党员、网格与服务站点，尽在一张图上。</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="202"/>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="215"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="227"/>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="243"/>
        <source>Identify</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="324"/>
        <source>Nothing found for &quot;%1&quot;</source>
        <translation>未找到“%1”</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="371"/>
        <source>Map scale: type a number and press Enter</source>
        <translation>地图比例尺：输入数值后按回车</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="386"/>
        <source>Scale</source>
        <translation>比例尺</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="406"/>
        <source>Atlas upgraded from schema version %1 to %2; the original is kept in %3</source>
        <translation>图集已从第 %1 版结构升级到第 %2 版；原文件保存在 %3</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="437"/>
        <source>GridAtlas - %1</source>
        <translation>网格地图 - %1</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="445"/>
        <source>Opened %1 (EPSG:%2)</source>
        <translation>已打开 %1（EPSG:%2）</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="452"/>
        <source>Cannot open the atlas</source>
        <translation>无法打开地图集</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="475"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="562"/>
        <source>Zoom to Layer</source>
        <translation>缩放至图层</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="563"/>
        <source>Opacity...</source>
        <translation>透明度...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="565"/>
        <source>Layer opacity</source>
        <translation>图层透明度</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="565"/>
        <source>Opacity (%):</source>
        <translation>不透明度（%）：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="569"/>
        <source>Style...</source>
        <translation>样式...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="586"/>
        <source>Layer style</source>
        <translation>图层样式</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="586"/>
        <source>Style:</source>
        <translation>样式：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="595"/>
        <source>Colours...</source>
        <translation>颜色...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="622"/>
        <source>Scale range...</source>
        <translation>比例尺范围...</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="625"/>
        <location filename="../main_window.cpp" line="628"/>
        <source>Scale range</source>
        <translation>比例尺范围</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="625"/>
        <source>Show from 1: (0 = no limit)</source>
        <translation>显示的最小比例尺 1:（0 为不限）</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="628"/>
        <source>Show up to 1: (0 = no limit)</source>
        <translation>显示的最大比例尺 1:（0 为不限）</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="726"/>
        <source>Error: </source>
        <translation>错误：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="730"/>
        <source>Open Atlas</source>
        <translation>打开地图集</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="730"/>
        <source>Atlas (*.sqlite *.db);;All files (*)</source>
        <translation>地图集 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="735"/>
        <source>Open Map Document</source>
        <translation>打开地图文档</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="772"/>
        <source>Grid Editing</source>
        <translation>网格编辑</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="774"/>
        <source>&amp;Grids</source>
        <translation>网格(&amp;G)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="778"/>
        <source>Edit Vertices</source>
        <translation>编辑节点</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="778"/>
        <source>Draw Grid</source>
        <translation>绘制网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="778"/>
        <source>Split Grid</source>
        <translation>分割网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="779"/>
        <source>Merge Grids</source>
        <translation>合并网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="779"/>
        <source>Delete Grid</source>
        <translation>删除网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="779"/>
        <source>Paint Buildings</source>
        <translation>刷楼入格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="780"/>
        <source>Grid Properties</source>
        <translation>网格属性</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="802"/>
        <source>Undo Grid Edit</source>
        <translation>撤销网格编辑</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="806"/>
        <source>Redo Grid Edit</source>
        <translation>重做网格编辑</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="812"/>
        <source>Save Grid Edits</source>
        <translation>保存网格编辑</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="815"/>
        <source>Grid edits saved</source>
        <translation>网格编辑已保存</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="817"/>
        <source>Discard Unsaved Grid Edits</source>
        <translation>放弃未保存的网格编辑</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="819"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="819"/>
        <source>Undo every grid edit since the last save?</source>
        <translation>撤销上次保存以来的全部网格编辑？</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="825"/>
        <source>Stop Editing</source>
        <translation>结束编辑</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1163"/>
        <location filename="../main_window.cpp" line="1169"/>
        <source>Print / Export Layout</source>
        <translation>打印/导出版式</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1163"/>
        <source>Open an atlas first.</source>
        <translation>请先打开一个图集。</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1169"/>
        <source>%1 is not a layout template</source>
        <translation>%1 不是版式模板</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1194"/>
        <location filename="../main_window.cpp" line="1199"/>
        <location filename="../main_window.cpp" line="1211"/>
        <source>Recode Grids</source>
        <translation>重新编码网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1194"/>
        <source>Community:</source>
        <translation>社区：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1200"/>
        <source>Management object code (digits 1-6 of a CJ/T 349-2010 grid code, after CJ/T 348-2010):</source>
        <translation>管理或服务对象代码（CJ/T 349-2010 网格编码第 1-6 位，按 CJ/T 348-2010）：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1212"/>
        <source>Give these grids their CJ/T 349-2010 codes? The layout with the old codes is saved as a plan version first.

%1</source>
        <translation>按 CJ/T 349-2010 为以下网格重新编码？原编码的网格划分将先保存为一个方案版本。

%1</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1219"/>
        <source>Before recoding %1</source>
        <translation>重新编码前 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../main_window.cpp" line="1225"/>
        <source>%n grid(s) recoded after CJ/T 349-2010; the old codes are in plan %1</source>
        <translation>
            <numerusform>已按 CJ/T 349-2010 重新编码 %n 个网格；原编码保存在方案“%1”中</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="130"/>
        <location filename="../main_window.cpp" line="137"/>
        <location filename="../main_window.cpp" line="918"/>
        <location filename="../main_window.cpp" line="1180"/>
        <source>Open an atlas first</source>
        <translation>请先打开地图集</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="834"/>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="871"/>
        <location filename="../main_window.cpp" line="1184"/>
        <source>Save or discard the grid edits first</source>
        <translation>请先保存或放弃网格编辑</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="892"/>
        <source>Grid Plans and Proposals</source>
        <translation>网格方案与划分建议</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="894"/>
        <source>Recode Grids after CJ/T 349-2010...</source>
        <translation>按 CJ/T 349-2010 重新编码网格……</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="895"/>
        <source>Check Grids and Statistics</source>
        <translation>网格检查与统计</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="924"/>
        <source>The atlas cannot be edited: %1</source>
        <translation>无法编辑该地图集：%1</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="947"/>
        <source>New grid</source>
        <translation>新网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="947"/>
        <source>Name of the new grid (code %1):</source>
        <translation>新网格名称（编码 %1）：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="948"/>
        <location filename="../main_window.cpp" line="971"/>
        <source>New grid %1</source>
        <translation>新网格 %1</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="953"/>
        <source>Draw new grids over the community&apos;s grids: their area is taken from them</source>
        <translation>请在社区现有网格范围内绘制新网格：新网格的范围从现有网格中划出</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="956"/>
        <source>Draw grid</source>
        <translation>绘制网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="965"/>
        <source>Draw the split line across one grid</source>
        <translation>请画一条穿过某个网格的分割线</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="970"/>
        <location filename="../main_window.cpp" line="974"/>
        <source>Split grid</source>
        <translation>分割网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="970"/>
        <source>Name of the new part (code %1):</source>
        <translation>新分出网格的名称（编码 %1）：</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="981"/>
        <source>Now click the grid to merge into the marked one</source>
        <translation>请点击要并入已标记网格的网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="985"/>
        <source>Merge grids</source>
        <translation>合并网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="989"/>
        <location filename="../main_window.cpp" line="992"/>
        <source>Delete grid</source>
        <translation>删除网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="989"/>
        <source>Delete this grid? Its area and buildings are left without a grid.</source>
        <translation>删除此网格？其范围和楼栋将不属于任何网格。</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1051"/>
        <source>Drag a vertex (it moves in every grid that has it); double-click an edge to add one; right-click or Delete removes one</source>
        <translation>拖动节点（共用该节点的网格一起移动）；双击边界插入节点；右键或 Delete 键删除节点</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1052"/>
        <source>Click the corners of the new grid; double-click or Enter to finish, Backspace drops a corner</source>
        <translation>依次点击新网格的拐点；双击或回车结束，退格键删除上一个拐点</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1053"/>
        <source>Click along a line across a grid; double-click or Enter to split it there</source>
        <translation>沿穿过网格的线依次点击；双击或回车即按此线分割</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1054"/>
        <source>Click the grid to keep, then the grid to merge into it</source>
        <translation>先点击保留的网格，再点击要并入的网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1055"/>
        <source>Click the grid to delete</source>
        <translation>点击要删除的网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1056"/>
        <source>Click or drag over buildings to move them into the target grid; right-click a grid to make it the target</source>
        <translation>点击或拖过楼栋，将其划入目标网格；右键点击网格设为目标网格</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1057"/>
        <source>Click a grid to edit its code, name, target and staff</source>
        <translation>点击网格以编辑其编码、名称、目标户数和“一格三员”</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1097"/>
        <source>Grid properties</source>
        <translation>网格属性</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1101"/>
        <source>%1: %2 households</source>
        <translation>%1：住户 %2 户</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1104"/>
        <source> / target %1 (%2%3%)</source>
        <translation> / 目标 %1 户（%2%3%）</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="1106"/>
        <source> · members %1 · households in care %2</source>
        <translation> · 党员 %1 名 · 重点关爱户 %2 户</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="119"/>
        <location filename="../main_window.cpp" line="736"/>
        <source>Map documents (*.json)</source>
        <translation>地图文档 (*.json)</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="742"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../main_window.cpp" line="742"/>
        <source>The language changes when GridAtlas starts next time.</source>
        <translation>界面语言将在下次启动网格地图时生效。</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::MapCanvas</name>
    <message>
        <location filename="../map_canvas.cpp" line="260"/>
        <source>Open an atlas (File &gt; Open Atlas) or drop a .sqlite file here</source>
        <translation>请打开地图集（文件 &gt; 打开地图集），或将 .sqlite 文件拖到此处</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::PaintTool</name>
    <message numerus="yes">
        <location filename="../grid_editing.cpp" line="507"/>
        <source>Paint %n building(s) into a grid</source>
        <translation>
            <numerusform>将 %n 栋楼划入网格</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gridatlas::app::PrintDialog</name>
    <message>
        <location filename="../print_dialog.cpp" line="76"/>
        <source>Print / Export Layout</source>
        <translation>打印/导出版式</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="87"/>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="89"/>
        <source>As the template says</source>
        <translation>按模板设定</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="90"/>
        <source>One page per grid</source>
        <translation>每个网格一页</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="91"/>
        <source>One page per building</source>
        <translation>每栋楼一页</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="92"/>
        <source>One page per community</source>
        <translation>每个社区一页</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="93"/>
        <source>One page for the whole atlas</source>
        <translation>整个图集一页</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="94"/>
        <source>Pages</source>
        <translation>分页</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="96"/>
        <source>Page</source>
        <translation>页面</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="98"/>
        <location filename="../print_dialog.cpp" line="102"/>
        <source>As designed</source>
        <translation>按模板设计</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="100"/>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="103"/>
        <source>Portrait</source>
        <translation>纵向</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="104"/>
        <source>Landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="105"/>
        <source>Orientation</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="106"/>
        <source>Use the current view as the map frame</source>
        <translation>以当前视图作为地图框范围</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="108"/>
        <source>Print personal data unmasked</source>
        <translation>打印未脱敏的个人信息</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="110"/>
        <source>Export every page</source>
        <translation>导出全部页面</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="113"/>
        <source>Export PDF/PNG/SVG...</source>
        <translation>导出 PDF/PNG/SVG...</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="114"/>
        <source>Print...</source>
        <translation>打印...</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="115"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="156"/>
        <source>No layout templates found in %1</source>
        <translation>在 %1 中未找到版式模板</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="206"/>
        <source>Print personal data</source>
        <translation>打印个人信息</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="207"/>
        <source>The pages will show full names, phone numbers and the kinds of hardship. Print them only for internal use and keep them safe. Continue?</source>
        <translation>页面将显示完整姓名、电话号码和困难类别。仅限内部使用，请妥善保管。是否继续？</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="249"/>
        <source>Export Layout</source>
        <translation>导出版式</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="250"/>
        <source>PDF (*.pdf);;PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PDF (*.pdf);;PNG 图像 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="270"/>
        <source>Print Layout</source>
        <translation>打印版式</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="364"/>
        <source>Wrote %1 page(s) to %2</source>
        <translation>已将 %1 页写入 %2</translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="385"/>
        <source>Sent %1 page(s) to the printer</source>
        <translation>已向打印机发送 %1 页</translation>
    </message>
    <message numerus="yes">
        <location filename="../print_dialog.cpp" line="427"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>共 %n 页</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../print_dialog.cpp" line="427"/>
        <source> · personal data unmasked</source>
        <translation> · 个人信息未脱敏</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::RosterWizard</name>
    <message>
        <location filename="../roster_wizard.cpp" line="81"/>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="83"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="85"/>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="87"/>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="89"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="91"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="93"/>
        <location filename="../roster_wizard.cpp" line="298"/>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="95"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="97"/>
        <source>Compound</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="99"/>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="101"/>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="103"/>
        <source>Floor</source>
        <translation>楼层</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="105"/>
        <source>Room</source>
        <translation>房号</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="107"/>
        <source>Party member (yes/no)</source>
        <translation>是否党员</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="109"/>
        <source>Political status</source>
        <translation>政治面貌</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="111"/>
        <source>Member type</source>
        <translation>党员类型</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="113"/>
        <source>Party branch</source>
        <translation>所在支部</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="115"/>
        <source>Joined the Party</source>
        <translation>入党时间</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="117"/>
        <source>Relation to head of household</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="119"/>
        <source>Disability</source>
        <translation>残疾</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="121"/>
        <source>Minimum income</source>
        <translation>低保</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="123"/>
        <source>Hardship</source>
        <translation>困难户</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="125"/>
        <source>Elderly living alone</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="127"/>
        <source>Left-behind children</source>
        <translation>留守儿童</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="139"/>
        <source>Import a roster</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="158"/>
        <source>Roster file</source>
        <translation>花名册文件</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="159"/>
        <source>A CSV (UTF-8 or GBK) or Excel (.xlsx) roster with a header row such as 姓名, 身份证号, 住址.</source>
        <translation>CSV（UTF-8 或 GBK）或 Excel（.xlsx）花名册，表头含姓名、身份证号、住址等列。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="164"/>
        <location filename="../roster_wizard.cpp" line="174"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="167"/>
        <source>Roster:</source>
        <translation>花名册：</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="170"/>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="173"/>
        <source>optional: a mapping file (header = field per line)</source>
        <translation>可选：列对应文件（每行“表头 = 字段”）</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="177"/>
        <source>Mapping:</source>
        <translation>列对应文件：</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="183"/>
        <source>Open a roster</source>
        <translation>打开花名册</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="184"/>
        <source>Rosters (*.csv *.xlsx *.txt);;All files (*)</source>
        <translation>花名册 (*.csv *.xlsx *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="188"/>
        <source>Open a mapping file</source>
        <translation>打开列对应文件</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="214"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="223"/>
        <source>Show personal data</source>
        <translation>显示个人信息</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="232"/>
        <source>Columns</source>
        <translation>列对应</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="233"/>
        <source>What each column holds. The choices were detected from the headers.</source>
        <translation>每列的内容。已根据表头自动识别。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="238"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="238"/>
        <source>First value</source>
        <translation>首行值</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="238"/>
        <source>Imported as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="253"/>
        <location filename="../roster_wizard.cpp" line="262"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="254"/>
        <source>One transaction: unless partial import is on, any rejected row means nothing is written. A dry run checks everything and writes nothing.</source>
        <translation>整体一次提交：未开启部分导入时，只要有一行被拒收就不写入任何数据。试运行检查全部内容但不写入。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="258"/>
        <source>Partial import: write the valid rows even if some are rejected</source>
        <translation>部分导入：即使有行被拒收，也写入有效的行</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="261"/>
        <source>Dry run</source>
        <translation>试运行</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="263"/>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="290"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="298"/>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="298"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="303"/>
        <source>Save rejected rows…</source>
        <translation>保存拒收行…</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="307"/>
        <location filename="../roster_wizard.cpp" line="312"/>
        <source>Save rejected rows</source>
        <translation>保存拒收行</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="307"/>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="351"/>
        <source>Reading %1...</source>
        <translation>正在读取 %1……</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="351"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="387"/>
        <source>Reading the roster was cancelled.</source>
        <translation>已取消读取名册。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="399"/>
        <source>%1: %2, header on row %3, %4 rows%5</source>
        <translation>%1：%2，表头在第 %3 行，共 %4 行%5</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="403"/>
        <source> (%1 title rows above it skipped)</source>
        <translation>（跳过了表头上方的 %1 行标题）</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="528"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="537"/>
        <source>Dry run…</source>
        <translation>正在试运行…</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="537"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="572"/>
        <source>%1 rows: %2 added, %3 updated, %4 unchanged, %5 rejected.</source>
        <translation>共 %1 行：新增 %2，更新 %3，未变 %4，拒收 %5。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="579"/>
        <source>Households: %1 created, %2 updated.</source>
        <translation>住户：新建 %1，更新 %2。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="581"/>
        <source>Dry run: nothing was written.</source>
        <translation>试运行：未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="583"/>
        <source>Nothing was written: some rows were rejected and partial import is off.</source>
        <translation>未写入任何数据：有被拒收的行，且未开启部分导入。</translation>
    </message>
    <message>
        <location filename="../roster_wizard.cpp" line="585"/>
        <source>Written to the atlas.</source>
        <translation>已写入图集。</translation>
    </message>
</context>
<context>
    <name>gridatlas::app::StyleDialog</name>
    <message>
        <location filename="../style_dialog.cpp" line="56"/>
        <source>Style of %1</source>
        <translation>%1 的样式</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="61"/>
        <source>One symbol for every feature</source>
        <translation>所有要素使用同一符号</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="62"/>
        <source>A colour per value of “%1”</source>
        <translation>按“%1”的取值分类着色</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="63"/>
        <source>Colours by ranges of “%1”</source>
        <translation>按“%1”的数值分级着色</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="64"/>
        <source>Heat map</source>
        <translation>热力图</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="69"/>
        <source>Label</source>
        <translation>图例文字</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="69"/>
        <source>Range</source>
        <translation>数值范围</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="69"/>
        <source>Value</source>
        <translation>取值</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="70"/>
        <source>Fill</source>
        <translation>填充</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="70"/>
        <source>Outline</source>
        <translation>边线</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="81"/>
        <source>Style</source>
        <translation>样式</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="83"/>
        <source>A range is two numbers, the smaller first: for example 10 - 20.</source>
        <translation>数值范围为两个数字，小数在前，例如 10 - 20。</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="84"/>
        <source>That value already has a class, or the value is empty.</source>
        <translation>该取值已有分类，或取值为空。</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="91"/>
        <source>Add Class</source>
        <translation>添加分类</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="92"/>
        <source>Remove Class</source>
        <translation>删除分类</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="93"/>
        <source>Add All Values</source>
        <translation>添加全部取值</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="94"/>
        <source>One class for every value of the field found in the layer</source>
        <translation>为图层中该字段的每个取值各建一个分类</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="101"/>
        <source>new</source>
        <translation>新分类</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="275"/>
        <source>(all features)</source>
        <translation>（全部要素）</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="283"/>
        <source>(other values)</source>
        <translation>（其他取值）</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="284"/>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="289"/>
        <source>Palette colour %1 (values without a class)</source>
        <translation>调色板颜色 %1（未单独分类的取值）</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="306"/>
        <source>(as above)</source>
        <translation>（同上）</translation>
    </message>
    <message>
        <location filename="../style_dialog.cpp" line="314"/>
        <source>Colour</source>
        <translation>颜色</translation>
    </message>
</context>
</TS>
