"""The monthly bulletin (issue 5) on a small ledger whose figures are worked out by hand.

The ledger (report for 2024-10, as of 2024-10-31, 序时进度 p = 10/12):

    project                       unit      amount     signed      started     included   other
    P1 甲新能源项目               开发区    10,000万   2024-10-08  2024-10-20  —          exactly 1亿: major
    P2 乙物流项目                 开发区     9,999万   2024-10-09  —           —          not major; no handler (ZS402)
    P3 丙新材料产业园项目         开发区    20,000万   2024-03-01  2024-04-01  2024-05-10 investor 丙公司
    P4 丁食品项目                 渠沟镇  15,000.5万   2024-02-01  —           —          unstarted 273 days > 180 (ZS403)
    P5 戊装备项目                 渠沟镇    30,000万   2023-11-01  2024-06-03  —          uncounted by ZS101; unincluded 150 days > 90
    P6 =HYPERLINK("http://x","y") 东城街道  12,000万   2024-09-15  —           —
    P7 己项目                     东城街道  50,000万   2024-10-02  —           —          terminated (reason "-投资方撤资"): never counted
    P8 庚商贸项目                 开发区     5,000万   2024-06-01  2024-07-01  2024-08-01 marked stalled on 2024-09-01
    P9 丙新材料产业园     开发区    10,000万   2024-10-25  —           —          investor 丙公司: signed twice with P3 (ZS404)

    major and live: P1, P3, P4, P5, P6, P9; P9 is the later signing of P3's group: not counted.
    ZS101 (signed in 2024 by 10-31): P1, P3, P4, P6 = 4; in October: P1 = 1.
    ZS102 (started in 2024 by 10-31): P1, P3, P5 = 3; in October: P1 = 1.
    per unit (targets ZS101/ZS102): 开发区 2/2, 渠沟镇 2/2, 东城街道 3/—
      开发区   signed 2 (P1, P3), started 2 (P1, P3), included 1 (P3): 100%, 100% → 100%, +16.7 → rank 1, 红榜
      渠沟镇   signed 1 (P4), started 1 (P5): 50%, 50% → 50%, −33.3 → rank 2
      东城街道 signed 1 (P6): 33.3% → 33.3%, −50.0 → rank 3, 黑榜 (3 ranked units: one each)

Trips (minimums: principal 7, deputy 14, head 5, head of 开发区 and 渠沟镇 10):
    李书记 principal: 09-28→10-02, 10-08→10-12, 10-11→10-14: September 3 days, October 2 + 5 + 2 (overlap once) = 9
    赵区长 deputy: no trips: October 0, short 14
    张主任 head of 开发区: 10-15→10-20 = 6 days, short 4
    钱主任 head of 渠沟镇 since 2024-10-10: 10-12→10-14 = 3 days, October not judged
"""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Zs, assert_rejected
from zhaoshang.db import Ledger
from zhaoshang.reports.figures import build_bulletin
from zhaoshang.reports.model import month_period, quarter_period, year_period
from zhaoshang.reports.xlsx import display_width, write_xlsx
from zhaoshang.services.projects import set_status

MADE_ON = date(2024, 11, 5)
HYPERLINK = '=HYPERLINK("http://x","y")'
SHEETS = ["总体进度", "单位排名", "全年预测", "项目台账", "外出招商", "预警", "问题协调", "企业诉求"]
RED_FONT = "9C0006"  # the colour without its alpha byte (openpyxl writes 00, XlsxWriter FF)


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory) -> Path:
    zs = Zs(tmp_path_factory.mktemp("report") / "ledger.sqlite")
    zs.ok("init")
    zs.ok("unit", "add", "东城街道", "--kind", "street")
    for name, unit, role, *since in (
        ("李书记", "区委办公室", "principal"),
        ("赵区长", "区政府办公室", "deputy"),
        ("张主任", "开发区", "head"),
        ("钱主任", "渠沟镇", "head", "2024-10-10"),
        ("王专员", "开发区", "staff"),
    ):
        zs.ok("person", "add", name, "--unit", unit, "--role", role, *(["--since", since[0]] if since else []))
    for unit, signed, started in (("开发区", "2", "2"), ("渠沟镇", "2", "2"), ("东城街道", "3", None)):
        zs.ok("target", "set", "ZS101", signed, "--year", "2024", "--unit", unit)
        if started:
            zs.ok("target", "set", "ZS102", started, "--year", "2024", "--unit", unit)
    projects = (
        ("P1", "甲新能源项目", "开发区", "10000", ["--signed", "2024-10-08", "--started", "2024-10-20"]),
        ("P2", "乙物流项目", "开发区", "9999", ["--signed", "2024-10-09"]),
        (
            "P3",
            "丙新材料产业园项目",
            "开发区",
            "2亿",
            ["--signed", "2024-03-01", "--started", "2024-04-01", "--included", "2024-05-10", "--investor", "丙公司"],
        ),
        ("P4", "丁食品项目", "渠沟镇", "15000.5万", ["--signed", "2024-02-01"]),
        ("P5", "戊装备项目", "渠沟镇", "3亿", ["--signed", "2023-11-01", "--started", "2024-06-03"]),
        ("P6", HYPERLINK, "东城街道", "1.2亿", ["--signed", "2024-09-15"]),
        ("P7", "己项目", "东城街道", "5亿", ["--signed", "2024-10-02"]),
        (
            "P8",
            "庚商贸项目",
            "开发区",
            "5000",
            ["--signed", "2024-06-01", "--started", "2024-07-01", "--included", "2024-08-01"],
        ),
        ("P9", "丙新材料产业园", "开发区", "1亿", ["--signed", "2024-10-25", "--investor", "丙公司"]),
    )
    for code, name, unit, amount, options in projects:
        handler = [] if code == "P2" else ["--handler", "王专员"]
        zs.ok(
            "project",
            "add",
            name,
            "--code",
            code,
            "--unit",
            unit,
            "--amount",
            amount,
            "--leader",
            "赵区长",
            *handler,
            *options,
        )
    zs.ok("project", "terminate", "P7", "--reason=-投资方撤资", "--on", "2024-10-20")  # text that starts with '-'
    for person, first, last in (("李书记", "2024-09-28", "2024-10-02"), ("李书记", "2024-10-08", "2024-10-12"), ("李书记", "2024-10-11", "2024-10-14"),
                                ("张主任", "2024-10-15", "2024-10-20"), ("钱主任", "2024-10-12", "2024-10-14")):  # fmt: skip
        zs.ok("trip", "log", "--person", person, "--from", first, "--to", last, "--dest", "上海")
    # The stall is stamped with the day it is entered: entered on 2024-09-01 through the core.
    ledger = Ledger.open(zs.db)
    ledger.clock = lambda: datetime(2024, 9, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    set_status(ledger, "测试员", "P8", "stalled", "资金未到位")
    ledger.close()
    return zs.db


@pytest.fixture(scope="module")
def zs(ledger_path: Path) -> Zs:
    return Zs(ledger_path)


@pytest.fixture(scope="module")
def figures(zs: Zs) -> dict:
    return json.loads(zs.ok("report", "monthly", "--month", "2024-10", "--format", "json"))


@pytest.fixture(scope="module")
def workbook(ledger_path: Path, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "通报.xlsx"
    ledger = Ledger.open(ledger_path)
    with ledger.read() as connection:
        write_xlsx(build_bulletin(connection, month_period("2024-10"), MADE_ON), path)
    ledger.close()
    return load_workbook(path)


def _by(rows: list[dict], key: str, value) -> dict:
    return next(row for row in rows if row[key] == value)


def _font(cell) -> str | None:
    colour = cell.font.color
    return colour.rgb[-6:] if colour is not None and isinstance(colour.rgb, str) else None  # a theme colour: None


def _header(sheet) -> list[str]:
    return [cell.value for cell in sheet[5]]  # under the title block (design §5.2 added rows 3–4)


def _data(sheet) -> list[dict]:
    """The data rows of a sheet as dicts by header (up to the blank row before the notes)."""
    headers = _header(sheet)
    rows = []
    for cells in sheet.iter_rows(min_row=6):
        if cells[0].value is None:
            break
        rows.append(dict(zip(headers, cells, strict=False)))
    return rows


# --- figures (JSON) --------------------------------------------------------------------------


def test_the_overall_figures_are_the_quota_rules_for_the_month_and_the_year(figures: dict):
    assert figures["period"] == {
        "kind": "month",
        "year": 2024,
        "label": "2024年10月",
        "first": "2024-10-01",
        "last": "2024-10-31",
    }
    assert figures["as_of"] == "2024-10-31" and figures["progress"] == pytest.approx(0.8333)
    signed = _by(figures["overall"], "code", "ZS101")
    # 4 signed in the year, 1 in October; 117 × 10/12 = 97.5; 4/117 = 0.0342; (4 − 97.5)/117 × 100 = −79.91.
    assert (signed["this_period"], signed["year_to_date"], signed["target"], signed["expected"]) == (1, 4, 117, 97.5)
    assert signed["completion"] == 0.0342 and signed["progress_points"] == -79.91
    assert (signed["status"], signed["status_label"]) == ("behind", "落后序时")
    started = _by(figures["overall"], "code", "ZS102")
    assert (started["this_period"], started["year_to_date"]) == (
        1,
        3,
    )  # P1 in October; P1, P3, P5 (signed 2023) in the year
    principal = _by(figures["overall"], "code", "ZS201")
    # 李书记 judged January–October: only October met (9 ≥ 7).
    assert (principal["this_period"], principal["year_to_date"], principal["target"], principal["status"]) == (
        1,
        1,
        10,
        "met",
    )
    assert "年内累计未达标9项" in principal["note"]
    stalled = _by(figures["overall"], "code", "ZS403")
    assert (stalled["year_to_date"], stalled["status"]) == (2, "behind")  # P4 unstarted, P5 unincluded


def test_units_are_ranked_with_their_own_targets_and_marked_red_and_black(figures: dict):
    units = figures["units"]
    assert [unit["unit"] for unit in units] == ["开发区", "渠沟镇", "东城街道", "全区合计"]
    zone, town, street, total = units
    assert zone["period"] == {"signed": 1, "started": 1, "included": 0, "completed": 0, "producing": 0}
    assert zone["year"] == {"signed": 2, "started": 2, "included": 1, "completed": 0, "producing": 0}
    assert (zone["signed_target"], zone["signed_completion"], zone["completion"], zone["progress_points"]) == (
        2,
        1,
        1,
        16.67,
    )
    assert (zone["rank"], zone["board"], zone["board_label"]) == (1, "red", "红榜")
    assert (town["year"]["signed"], town["year"]["started"], town["completion"], town["rank"], town["board"]) == (
        1,
        1,
        0.5,
        2,
        None,
    )
    assert (street["started_target"], street["completion"], street["progress_points"], street["board"]) == (
        None,
        0.3333,
        -50,
        "black",
    )
    # The district: 4 signed, 3 started (the terminated 5亿 P7 and the 9,999万 P2 are not counted).
    assert (total["year"]["signed"], total["year"]["started"], total["signed_target"], total["rank"]) == (
        4,
        3,
        117,
        None,
    )


def test_the_project_list_has_every_project_with_exact_amounts_in_wan(figures: dict):
    projects = {project["code"]: project for project in figures["projects"]}
    assert list(projects) == [f"P{number}" for number in range(1, 10)]
    assert (projects["P1"]["amount"], projects["P2"]["amount"], projects["P4"]["amount"]) == (10000, 9999, 15000.5)
    assert projects["P6"]["name"] == HYPERLINK
    assert (projects["P3"]["signed"], projects["P3"]["included"], projects["P3"]["stage_label"]) == (
        "2024-03-01",
        "2024-05-10",
        "纳统",
    )
    assert (projects["P7"]["status"], projects["P8"]["status_label"], projects["P2"]["handler"]) == (
        "terminated",
        "停滞",
        None,
    )


def test_trip_days_per_person_with_the_month_by_month_row(figures: dict):
    trips = {row["person"]: row for row in figures["trips"]}
    assert list(trips) == ["李书记", "赵区长", "钱主任", "张主任"]  # by role, then unit (渠沟镇 before 开发区)
    secretary = trips["李书记"]
    assert (secretary["minimum"], secretary["period_days"], secretary["shortfall"]) == (7, 9, 0)
    assert (
        secretary["months"]["2024-09"] == 3 and secretary["months"]["2024-01"] == 0 and secretary["months_short"] == 9
    )
    assert (trips["赵区长"]["minimum"], trips["赵区长"]["shortfall"], trips["赵区长"]["months_short"]) == (14, 14, 10)
    assert (trips["张主任"]["minimum"], trips["张主任"]["period_days"], trips["张主任"]["shortfall"]) == (10, 6, 4)
    # Took office on 10-10: October is not judged.
    assert (trips["钱主任"]["period_days"], trips["钱主任"]["shortfall"], trips["钱主任"]["months_short"]) == (3, 0, 0)


def test_warnings_list_what_zs4xx_flags_with_the_days_waited(figures: dict):
    warnings = [(w["kind"], w["project"], w["since"], w["days"], w["limit"]) for w in figures["warnings"]]
    assert warnings == [
        ("meeting", None, None, None, None),  # no dispatch meeting in October
        ("meeting", None, None, None, None),  # no project meeting
        ("no_handler", "P2", "2024-10-09", 22, None),
        ("unstarted", "P4", "2024-02-01", 273, 180),
        ("unincluded", "P5", "2024-06-03", 150, 90),
        ("signed_twice", "P3、P9", "2024-10-25", 6, None),
        # ZS407: started more than 30 days before and never seen on site (P1 started 11 days before: in time)
        ("unverified_start", "P3", "2024-04-01", 213, 30),
        ("unverified_start", "P5", "2024-06-03", 150, 30),
        ("unverified_start", "P8", "2024-07-01", 122, 30),
        ("stalled", "P8", "2024-09-01", 60, None),
    ]


def test_a_quarter_counts_its_three_months_as_of_its_last_day(zs: Zs):
    figures = json.loads(zs.ok("report", "quarterly", "--quarter", "2024Q3", "--format", "json"))
    assert figures["period"]["label"] == "2024年第三季度" and figures["as_of"] == "2024-09-30"
    signed = _by(figures["overall"], "code", "ZS101")
    assert (signed["this_period"], signed["year_to_date"]) == (1, 3)  # P6 in September; P3, P4, P6 by 09-30
    zone = _by(figures["units"], "unit", "开发区")
    assert zone["period"]["included"] == 0 and zone["year"]["included"] == 1
    secretary = _by(figures["trips"], "person", "李书记")
    assert secretary["period_days"] == 3 and secretary["shortfall"] == 7 + 7 + 4  # July 0, August 0, September 3
    assert "2024-10" not in secretary["months"]


def test_a_year_has_no_separate_period_columns(zs: Zs):
    figures = json.loads(zs.ok("report", "annual", "--year", "2024", "--format", "json"))
    signed = _by(figures["overall"], "code", "ZS101")
    assert "this_period" not in signed and signed["year_to_date"] == 4 and signed["status"] == "missed"
    assert "period" not in figures["units"][0]


# --- the workbook ----------------------------------------------------------------------------


def test_the_workbook_has_the_five_sheets_with_titles_and_chinese_headers(workbook):
    assert workbook.sheetnames == SHEETS
    for sheet in workbook:
        assert sheet["A1"].value == f"相山区招商引资工作每月通报　2024年10月　{sheet.title}"
        assert sheet["A2"].value == "截至2024年10月31日（序时进度83.33%）"
        # design §5.2: the day of making in a cell of its own (report verify skips it), then the state
        assert sheet["A3"].value == "制表日期：2024年11月5日"
        assert sheet["A4"].value.startswith("账本状态：第")
    assert _header(workbook["总体进度"]) == [
        "代码",
        "指标",
        "条款",
        "级别",
        "本月",
        "年累计",
        "年度目标",
        "序时目标",
        "完成率",
        "超/欠序时",
        "状态",
        "说明",
    ]
    assert _header(workbook["项目台账"])[:4] == ["编号", "项目名称", "责任单位", "总投资（万元）"]
    assert _header(workbook["外出招商"])[-3:] == ["10月", "年累计天数", "年内未达标月数"]
    assert _header(workbook["预警"]) == [
        "类型",
        "规则",
        "项目编号",
        "项目名称",
        "责任单位",
        "起算日期",
        "已等待天数",
        "时限（天）",
        "说明",
    ]


def test_the_workbook_figures_match_the_ledger(workbook):
    overall = {
        row["代码"].value + (row["指标"].value if row["代码"].value == "ZS401" else ""): row
        for row in _data(workbook["总体进度"])
    }
    assert (overall["ZS101"]["本月"].value, overall["ZS101"]["年累计"].value, overall["ZS101"]["年度目标"].value) == (
        1,
        4,
        117,
    )
    assert overall["ZS101"]["序时目标"].value == 97.5 and overall["ZS101"]["状态"].value == "落后序时"
    units = {row["单位"].value: row for row in _data(workbook["单位排名"])}
    assert (
        units["开发区"]["累计签约"].value,
        units["开发区"]["签约完成率"].value,
        units["开发区"]["红黑榜"].value,
    ) == (2, 1, "红榜")
    assert units["东城街道"]["红黑榜"].value == "黑榜" and units["全区合计"]["累计开工"].value == 3
    assert units["全区合计"]["单位"].font.bold
    projects = {row["编号"].value: row for row in _data(workbook["项目台账"])}
    assert (
        projects["P1"]["总投资（万元）"].value,
        projects["P2"]["总投资（万元）"].value,
        projects["P4"]["总投资（万元）"].value,
    ) == (10000, 9999, 15000.5)
    assert projects["P3"]["签约"].value == datetime(2024, 3, 1) and projects["P3"]["竣工"].value is None
    trips = {row["姓名"].value: row for row in _data(workbook["外出招商"])}
    assert (
        trips["张主任"]["本月天数"].value,
        trips["张主任"]["本月差额（天）"].value,
        trips["李书记"]["9月"].value,
    ) == (6, 4, 3)
    warnings = _data(workbook["预警"])
    assert [(row["项目编号"].value, row["已等待天数"].value) for row in warnings if row["项目编号"].value] == [
        ("P2", 22), ("P4", 273), ("P5", 150), ("P3、P9", 6), ("P3", 213), ("P5", 150), ("P8", 122), ("P8", 60)
    ]  # fmt: skip


def test_text_that_looks_like_a_formula_is_stored_as_text(workbook):
    projects = {row["编号"].value: row for row in _data(workbook["项目台账"])}
    name, reason = projects["P6"]["项目名称"], projects["P7"]["原因"]
    assert name.value == HYPERLINK and name.data_type == "s" and name.quotePrefix
    assert reason.value == "-投资方撤资" and reason.data_type == "s" and reason.quotePrefix
    assert not projects["P1"]["项目名称"].quotePrefix


def test_number_formats_and_red_failures(workbook):
    overall = {row["代码"].value: row for row in _data(workbook["总体进度"])}
    assert overall["ZS101"]["完成率"].number_format == "0.0%"
    assert overall["ZS101"]["超/欠序时"].number_format == "+0.0;-0.0;0.0"
    assert _font(overall["ZS101"]["状态"]) == RED_FONT  # behind: red
    assert _font(overall["ZS404"]["状态"]) == RED_FONT  # P3 and P9 signed twice
    assert _font(overall["ZS103"]["状态"]) != RED_FONT  # in progress: not a failure
    projects = {row["编号"].value: row for row in _data(workbook["项目台账"])}
    assert projects["P1"]["总投资（万元）"].number_format == "#,##0"
    assert projects["P4"]["总投资（万元）"].number_format == "#,##0.####"
    assert projects["P3"]["签约"].number_format == "yyyy-mm-dd"
    assert (
        projects["P2"]["专人"].fill.fgColor.rgb[-6:] == "FFC7CE"
        and projects["P1"]["专人"].fill.fgColor.rgb[-6:] != "FFC7CE"
    )
    assert _font(projects["P8"]["状态"]) == RED_FONT  # stalled
    trips = {row["姓名"].value: row for row in _data(workbook["外出招商"])}
    assert _font(trips["张主任"]["10月"]) == RED_FONT and _font(trips["李书记"]["10月"]) != RED_FONT
    assert _font(trips["钱主任"]["10月"]) != RED_FONT  # not judged in October
    units = {row["单位"].value: row for row in _data(workbook["单位排名"])}
    assert _font(units["渠沟镇"]["签约完成率"]) == RED_FONT and _font(units["开发区"]["签约完成率"]) != RED_FONT


def test_frozen_headers_print_setup_and_widths(workbook):
    for sheet in workbook:
        assert sheet.freeze_panes in ("B6", "C6")
        assert sheet.print_title_rows == "$5:$5"
        assert sheet.page_setup.orientation == "landscape"
        # one page wide: fitToWidth absent means 1 (the OOXML default, which XlsxWriter leaves out)
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # The print area is the table and its notes: 5 rows above, 23 rules (ZS305 and ZS401 in two rows each),
    # a blank row, 3 note lines; long text overflowing to the right does not shrink the page.
    assert workbook["总体进度"].print_area == "'总体进度'!$A$1:$L$32"
    projects = workbook["项目台账"]
    assert projects.freeze_panes == "C6"  # the code and the name stay in view
    # 东城街道 is 4 CJK characters: 8 columns wide, plus a margin; a date column fits 2024-03-01.
    assert projects.column_dimensions["C"].width >= display_width("东城街道") == 8
    assert projects.column_dimensions["J"].width >= 10


def test_the_unit_sheet_has_a_bar_chart_of_signings_against_targets(workbook):
    charts = workbook["单位排名"]._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == "barChart" and len(chart.series) == 2
    # The three ranked units (rows 4–6): 累计签约 (column H: after 单位 and six 本月 columns, 本月核实开工 among
    # them) and 签约目标 (column P: after the six 累计 columns and the two of 完成投资).
    references = [series.val.numRef.f for series in chart.series]
    assert references == ["'单位排名'!$H$6:$H$8", "'单位排名'!$P$6:$P$8"]
    assert (
        chart.series[0].cat.numRef.f == "'单位排名'!$A$6:$A$8" or chart.series[0].cat.strRef.f == "'单位排名'!$A$6:$A$8"
    )


def test_every_format_has_a_number_format_and_a_text_form():
    from zhaoshang.reports.model import FORMATS, display_text
    from zhaoshang.reports.xlsx import _NUMBER_FORMATS

    assert set(_NUMBER_FORMATS) == set(FORMATS)
    assert [display_text(value, format) for value, format in (
        (Decimal("15000.5"), "wan"), (10000, "wan"), (Fraction(4, 117), "rate"), (Fraction(-1, 30), "pp"),
        (Fraction(-2, 3), "pp"), (Fraction(195, 2), "decimal"), (Decimal("10.5"), "percent"), (date(2024, 3, 1), "date"),
    )] == ["15,000.5", "10,000", "3.4%", "+0.0", "-0.7", "97.5", "10.5%", "2024-03-01"]  # fmt: skip


def test_display_width_counts_cjk_as_two():
    assert (display_width("ZS101"), display_width("签约"), display_width("（四）")) == (5, 4, 6)


# --- the command -----------------------------------------------------------------------------


def test_the_terminal_bulletin_is_readable(zs: Zs):
    output = zs.ok("report", "monthly", "--month", "2024-10")
    assert output.startswith("相山区招商引资工作每月通报　2024年10月\n")
    for title in ("总体进度", "单位排名", "外出招商", "预警"):
        assert title in output
    assert "红榜" in output and "黑榜" in output and "签约亿元以上项目" in output
    assert "项目台账：共9个项目" in output  # the list itself is in the workbook


def test_xlsx_is_written_and_an_existing_file_needs_force(zs: Zs, tmp_path: Path):
    path = tmp_path / "十月.xlsx"
    output = zs.ok("report", "monthly", "--month", "2024-10", "--xlsx", str(path))
    assert "已生成" in output and path.exists()
    today = date.today()
    assert load_workbook(path, read_only=True)["总体进度"]["A3"].value.endswith(
        f"制表日期：{today.year}年{today.month}月{today.day}日"
    )
    before = path.read_bytes()
    assert_rejected(
        zs("report", "monthly", "--month", "2024-10", "--xlsx", str(path)), "通报文件（--xlsx）", "已存在", "--force"
    )
    assert path.read_bytes() == before
    zs.ok("report", "monthly", "--month", "2024-09", "--xlsx", str(path), "--force")
    assert "2024年9月" in load_workbook(path, read_only=True)["预警"]["A1"].value
    assert sorted(item.name for item in tmp_path.iterdir()) == ["十月.xlsx"]  # no temporary files left behind


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["monthly", "--month", "2024-13"], ["月份（--month）", "'2024-13'"]),
        (["monthly", "--month", "0000-01"], ["月份（--month）", "'0000-01'"]),
        (["quarterly", "--quarter", "2024-Q5"], ["季度（--quarter）", "'2024-Q5'"]),
        (["quarterly", "--quarter", "Q3"], ["季度（--quarter）"]),
        (["annual", "--year", "24"], ["年度（--year）", "'24'"]),
        (["monthly", "--month", "2024-10", "--format", "xml"], ["输出格式（--format）", "'xml'"]),
        (["monthly", "--month", "2024-10", "--xlsx", "通报.csv"], ["通报文件（--xlsx）", ".xlsx"]),
    ],
)
def test_bad_input_is_refused_in_chinese(zs: Zs, args: list[str], fragments: list[str]):
    assert_rejected(zs("report", *args), *fragments)


def test_a_path_in_a_missing_folder_is_refused(zs: Zs, tmp_path: Path):
    assert_rejected(zs("report", "monthly", "--xlsx", str(tmp_path / "没有" / "通报.xlsx")), "文件夹不存在")
    assert not (tmp_path / "没有").exists()


def test_periods_parse_as_people_write_them():
    assert quarter_period("2024年第三季度") == quarter_period("2024-Q3") == quarter_period("2024q3")
    assert quarter_period("2024-Q1").last == date(2024, 3, 31)
    assert month_period("2024年2月").last == date(2024, 2, 29)
    assert year_period("2024年").whole_year and not quarter_period("2024-Q4").whole_year


def test_the_default_month_is_the_one_before_today():
    from zhaoshang.reports.model import previous_month, previous_quarter

    assert previous_month(date(2024, 11, 5)) == "2024-10" and previous_month(date(2025, 1, 2)) == "2024-12"
    assert previous_quarter(date(2024, 11, 5)) == "2024-Q3" and previous_quarter(date(2025, 2, 1)) == "2024-Q4"


def test_decimal_amounts_survive_exactly(ledger_path: Path):
    ledger = Ledger.open(ledger_path)
    with ledger.read() as connection:
        rows = build_bulletin(connection, month_period("2024-10"), MADE_ON).section("projects").to_json()
    ledger.close()
    assert next(row["amount"] for row in rows if row["code"] == "P4") == Decimal("15000.5")


def test_notes_break_between_words_not_inside_them():
    from zhaoshang.reports.xlsx import _note_lines

    note = (
        "按（十一）要求，各责任单位主要负责同志每月外出招商不少于5天；渠沟镇、开发区主要负责同志不少于10天（ZS203）。"
    )
    lines = _note_lines([note], 40)
    assert "".join(lines) == note  # nothing lost
    assert all(display_width(line) <= 40 for line in lines)
    # A line ends at punctuation where the line has one (Chinese has no spaces to break at) ...
    assert lines[0] == "按（十一）要求，" and lines[2].endswith("、")
    # ... and never inside a code or a number.
    for before, after in itertools.pairwise(lines):
        assert not (before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum())
    assert _note_lines(["甲" * 30 + "ZS2031234567"], 72) == ["甲" * 30 + "ZS2031234567"]  # 60 + 12: fits
    long_code = _note_lines(["甲" * 18 + "ZS203 说明"], 40)
    assert long_code[0].endswith("甲") and long_code[1].startswith("ZS203")
