"""The bulletin's figures (（十八） 每月通报、季度考评、年终考核), as renderer-neutral sections.

    with ledger.read() as connection:
        bulletin = build_bulletin(connection, month_period("2024-10"), made_on=date(2024, 11, 5))

Everything is judged as of the period's last day. The year's figures, targets and statuses
come from the quota rules (`run_checks`), so the bulletin and `zs check quotas` never
disagree; what the rules do not give (the period's own counts, per-unit stage counts, the
project list, the month-by-month trip days) comes from SQL aggregates and streamed queries.
Nothing here reads the clock: the day the bulletin is made is passed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from zhaoshang.parsing import ROLE_LABELS, STAGE_LABELS, STAGES, YUAN_PER_WAN, format_wan, month_bounds, yuan_to_wan
from zhaoshang.replay import LedgerState, current_state
from zhaoshang.reports.casework import problem_section, request_section
from zhaoshang.reports.model import (
    BAD,
    GOOD,
    HONOR,
    SHAME,
    Bulletin,
    Chart,
    Column,
    Period,
    QueryRows,
    Row,
    Section,
)
from zhaoshang.reports.outlook import outlook_section
from zhaoshang.rules import REGISTRY, CheckReport, Result, progress, run_checks
from zhaoshang.rules.projects import LIVE, MAJOR_YUAN, MEGA_YUAN, VERIFIED_COLUMN, CountedOnce, counted_once
from zhaoshang.rules.results import FAILING, SEVERITY_LABELS, as_number, status_label
from zhaoshang.services.inspections import VERIFIED_START_SQL
from zhaoshang.services.investment import invested_by_unit
from zhaoshang.services.projects import STATUS_LABELS as PROJECT_STATUS_LABELS
from zhaoshang.services.projects import current_stage
from zhaoshang.services.quota_data import FUND_KINDS, unit_targets
from zhaoshang.services.status import STATUS_AT_CTE, StatusEvent, stall_spans
from zhaoshang.services.trips import trip_days_by_month
from zhaoshang.services.units import (
    ON_POST_SQL,
    ROLE_METRICS,
    judge_month,
    minimum_of,
    posts_by_person,
    trip_minimums,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

BOARD_SIZE = 3  # 红榜 and 黑榜: the first and the last three ranked units
# Rules judged per person-month or per unit: the overview shows how many of those met their target.
SHARE_RULES = frozenset({"ZS201", "ZS202", "ZS203", "ZS306", "ZS401"})
# Rules that flag projects (or cases) one by one: the overview counts them; a sheet lists them.
FLAG_RULES = frozenset({"ZS403", "ZS404", "ZS405", "ZS406", "ZS407"})
# The sheet that lists what a flag rule flags, where it is not 预警; those rules count their `items`.
_FLAG_SHEETS = {"ZS405": "问题协调", "ZS406": "企业诉求"}
# Rules with a result per unit that has its own target (任务分解): those go to 单位排名.
UNIT_RULES = frozenset({"ZS101", "ZS102", "ZS103", "ZS104", "ZS105"})
_KIND_FORMATS = {
    "count": "count",
    "days": "days",
    "amount": "wan",
    "rate": "rate",
    "percent": "percent",
    "points": "decimal",
}
_STATUS_ORDER = ("missed", "behind", "in_progress", "on_track", "met", "no_data")  # worst first


def build_bulletin(
    connection: Connection, period: Period, made_on: date, state: LedgerState | None = None, remade: bool = False
) -> Bulletin:
    """The bulletin of a month, quarter or year; the project rows are streamed, so use the
    bulletin inside the read transaction of `connection`. `state` is the ledger's state the figures
    come from (default: the connection's last audit entry); `remade` when that is a recorded state
    rebuilt from the log (`--as-recorded`)."""
    report = run_checks(connection, period.as_of)
    units = unit_section(connection, period, report)
    sections = [
        overall_section(connection, period, report, units.district_counts),
        units.section,
        outlook_section(connection, period, report),
        project_section(connection, period),
        trip_section(connection, period),
        warning_section(connection, period, report),
        problem_section(connection, period, report),
        request_section(connection, period, report),
    ]
    state = state or current_state(connection)
    return Bulletin(period, made_on, report.progress, sections, ledger=state.to_json(), remade=remade)


def _status_flag(status: str) -> str | None:
    if status in FAILING:
        return BAD
    return GOOD if status in ("met", "on_track") else None


def _worst(statuses: list[str]) -> str:
    """The status that speaks for several results: a failure over progress over success; no_data
    only when nothing was judged."""
    judged = [status for status in statuses if status != "no_data"] or statuses or ["no_data"]
    return min(judged, key=_STATUS_ORDER.index)


def _completion(actual, target) -> Fraction | None:
    if actual is None or not target:
        return None
    return Fraction(actual) / Fraction(target)


def _points(actual, target, expected) -> Fraction | None:
    """Percentage points over (+) or under (−) progress: (actual − expected) ÷ target × 100,
    which is actual ÷ target − 序时进度 (design §2)."""
    if actual is None or expected is None or not target:
        return None
    return (Fraction(actual) - Fraction(expected)) / Fraction(target) * 100


def _exact(value, format: str):
    """A figure a renderer can write: an expected amount in 万元 as a Decimal to the yuan."""
    if isinstance(value, Fraction) and format == "wan":
        return yuan_to_wan(round(value * YUAN_PER_WAN))
    return value


# --- 总体进度 ----------------------------------------------------------------------------------


def _overall_columns(period: Period) -> list[Column]:
    columns = [
        Column("code", "代码"),
        Column("title", "指标"),
        Column("clause", "条款"),
        Column("severity", None),
        Column("severity_label", "级别"),
    ]
    if not period.whole_year:
        columns.append(Column("this_period", period.word, "count"))
    return [
        *columns,
        Column("year_to_date", "年累计", "count"),
        Column("target", "年度目标", "count"),
        Column("expected", "序时目标", "decimal"),
        Column("completion", "完成率", "rate"),
        Column("progress_points", "超/欠序时", "pp"),
        Column("status", None),
        Column("status_label", "状态"),
        Column("note", "说明", terminal=False, wrap=True),
    ]


def _overall_row(columns: list[Column], values: dict, kind: str = "count", span: str = "") -> Row:
    """A row of 总体进度 from named values; figures read by the rule's kind (个, 万元, %); `span`
    names the period the status is about where it is not the year's (本月达标 beside a year's 33.3%)."""
    format = _KIND_FORMATS.get(kind, "count")
    keys = [column.key for column in columns]
    formats = {keys.index(key): format for key in ("this_period", "year_to_date", "target") if key in keys}
    if "expected" in keys and format in ("wan", "rate", "percent"):
        formats[keys.index("expected")] = format
    status = values["status"]
    flags = {keys.index("status_label"): _status_flag(status)}
    if status in FAILING:
        flags[keys.index("completion")] = BAD
    if values.get("progress_points") is not None and values["progress_points"] < 0:
        flags[keys.index("progress_points")] = BAD
    values = values | {
        "status_label": span + status_label(status, values.get("expected") is not None),
        "expected": _exact(values.get("expected"), formats.get(keys.index("expected"), "decimal")),
    }
    return Row(tuple(values.get(key) for key in keys), {index: flag for index, flag in flags.items() if flag}, formats)


def _rule_values(result: Result) -> dict:
    rule = REGISTRY.get(result.code)
    return {"code": rule.code, "title": result.title or rule.title, "clause": rule.clause, "severity": rule.severity,
            "severity_label": SEVERITY_LABELS[rule.severity]}  # fmt: skip


def _direct_row(columns: list[Column], result: Result, this_period: int | None) -> Row:
    """A rule judged once for the district: its figure, target and status as the rule gives them."""
    values = _rule_values(result) | {
        "this_period": this_period,
        "year_to_date": result.actual,
        "target": result.target,
        "expected": result.expected,
        "completion": _completion(result.actual, result.target),
        "progress_points": _points(result.actual, result.target, result.expected),
        "status": result.status,
        "note": result.message,
    }
    return _overall_row(columns, values, result.kind)


def _share_row(columns: list[Column], results: list[Result], period: Period) -> Row:
    """A rule judged per person-month, per month or per unit: how many of those met the target,
    in the period and in the year; failing in the period is failing."""
    judged = [result for result in results if result.status != "no_data"]
    monthly = any(len(result.period) == 7 for result in judged)  # YYYY-MM: judged month by month
    in_period = [result for result in judged if result.period in period.months] if monthly else judged
    met = [result for result in judged if result.status == "met"]
    short = (
        [result for result in in_period if result.status in FAILING]
        if monthly
        else [result for result in judged if result.status != "met"]
    )
    notes = []
    if short:
        named = "、".join(_failure_name(result, period) for result in short[:10]) + ("等" if len(short) > 10 else "")
        notes.append(f"{period.word}未达标{len(short)}项：{named}" if monthly else f"尚未达标{len(short)}项：{named}")
    elif in_period:
        notes.append(f"{period.word if monthly else ''}应考核{len(in_period)}项，均达标")
    year_failing = sum(1 for result in judged if result.status in FAILING)
    if monthly and year_failing:
        notes.append(f"年内累计未达标{year_failing}项")
    notes += [result.message for result in results if result.status == "no_data"]
    values = _rule_values(results[0]) | {
        "this_period": sum(1 for result in in_period if result.status == "met") if monthly else None,
        "year_to_date": len(met) if judged else None,
        "target": len(judged) or None,
        "completion": _completion(len(met), len(judged)),
        "status": _worst([result.status for result in in_period] or [result.status for result in results]),
        "note": "；".join(notes),
    }
    return _overall_row(columns, values, span=period.word if monthly and not period.whole_year else "")


def _failure_name(result: Result, period: Period) -> str:
    """Who or what failed, with its figure against the target: 张三（3/7）, or 8月（0/1） for a
    meeting; the month is named when the period has several."""
    month = f"{int(result.period[5:7])}月" if len(result.period) == 7 and len(period.months) > 1 else ""
    figures = f"{result.actual}/{result.target}"
    return f"{result.subject}{month}（{figures}）" if result.subject else f"{month or result.period}（{figures}）"


def _flag_row(columns: list[Column], results: list[Result]) -> Row:
    """A rule that flags projects or cases: how many it flags (none is the target); a sheet lists them."""
    flagged = [result for result in results if result.status in FAILING]
    code = results[0].code
    count = sum(len(result.keys["items"]) for result in flagged) if code in _FLAG_SHEETS else len(flagged)
    note = f"共{count}项，详见「{_FLAG_SHEETS.get(code, '预警')}」" if flagged else results[0].message
    values = _rule_values(results[0]) | {
        "year_to_date": count,
        "target": 0,
        "status": _worst([result.status for result in results]),
        "note": note,
    }
    return _overall_row(columns, values)


def overall_section(
    connection: Connection, period: Period, report: CheckReport, district_counts: dict[str, int]
) -> Section:
    """总体进度: a row per rule (per part for ZS305, ZS401) for the district."""
    columns = _overall_columns(period)
    this_period = district_counts | _period_counts(connection, period)
    by_rule: dict[str, dict[str, list[Result]]] = {}
    for result in report.results:
        if result.code in UNIT_RULES and result.subject is not None:
            continue  # a unit's own target: 单位排名
        by_rule.setdefault(result.code, {}).setdefault(result.metric or result.code, []).append(result)
    rows = []
    for code, by_metric in by_rule.items():
        if code in SHARE_RULES:
            rows += [_share_row(columns, results, period) for results in by_metric.values()]
        elif code in FLAG_RULES:
            rows.append(_flag_row(columns, [result for results in by_metric.values() for result in results]))
        else:
            rows += [
                _direct_row(columns, result, this_period.get(metric))
                for metric, results in by_metric.items()
                for result in results
            ]
    notes = [
        "年累计：自1月1日至截止日；完成率＝年累计÷年度目标；超/欠序时＝完成率－序时进度，单位为百分点，负数为落后序时。",
        "外出招商、会议、总部楼宇三项按人次（月、单位）计：年累计为达标人次，年度目标为应考核人次。",
        "统计局指标按已登记的最近月份累计数考核。",
    ]
    return Section("overall", "总体进度", columns, rows, notes, frozen_columns=2)


def _period_counts(connection: Connection, period: Period) -> dict[str, int]:
    """The period's own counts of the rules that count dated rows: mega projects signed, funds set up."""
    params = {"first": period.first.isoformat(), "last": period.last.isoformat(), "as_of": period.as_of.isoformat()}
    once = _once(connection, period)
    mega = connection.exec_driver_sql(
        f"SELECT count(*) FROM project WHERE signed_on BETWEEN :first AND :last AND amount >= :mega AND {LIVE} AND {once.excluding_sql()}",
        params | {"mega": MEGA_YUAN},
    ).scalar_one()
    mega += sum(
        1
        for project in once.combined
        if project["amount"] >= MEGA_YUAN and _within(project["signed_on"], params["first"], params["last"])
    )
    funds: dict[str, int] = dict(
        connection.exec_driver_sql(
            "SELECT kind, count(*) FROM fund WHERE set_up_on BETWEEN :first AND :last GROUP BY kind", params
        ).all()
    )
    return {"ZS103": mega} | {f"ZS305.{kind}": funds.get(kind, 0) for kind in FUND_KINDS}


def _once(connection: Connection, period: Period) -> CountedOnce:
    """The duplicate groups (ZS404) as the rules count them: each group once, as one combined project."""
    return counted_once(connection, period.year, period.as_of)


def _within(day: str | None, first: str, last: str) -> bool:
    return day is not None and first <= day <= last


# --- 单位排名 ----------------------------------------------------------------------------------


@dataclass
class UnitFigures:
    """单位排名, and the district's counts of the period that 总体进度 shows for ZS101 and ZS102."""

    section: Section
    district_counts: dict[str, int]


def _stage_counts(connection: Connection, period: Period) -> dict[int, dict[str, int]]:
    """Per unit: major projects (≥ 1亿元) live at the day that reached each stage in the period and
    in the year (`period.signed` …, `year.signed` …), and the starts among them an inspection found
    属实 by the day (`verified.period`, `verified.year`); a project signed twice counts once, as in
    ZS101–ZS105 (one combined project)."""
    spans = {"period": period.first.isoformat(), "year": date(period.year, 1, 1).isoformat()}
    last = period.last.isoformat()
    params = {"period": spans["period"], "year": spans["year"], "last": last, "as_of": period.as_of.isoformat(),
              "major": MAJOR_YUAN}  # fmt: skip
    # figure -> (span, SQL date of the stage, the combined project's column)
    figures_of = {f"{span}.{stage}": (span, f"{stage}_on", f"{stage}_on") for span in spans for stage in STAGES} | {
        f"verified.{span}": (span, VERIFIED_START_SQL, VERIFIED_COLUMN) for span in spans
    }
    counts = [
        f'count(CASE WHEN {expression} BETWEEN :{span} AND :last THEN 1 END) AS "{key}"'
        for key, (span, expression, _) in figures_of.items()
    ]
    once = _once(connection, period)
    rows = connection.exec_driver_sql(
        f"SELECT unit_id, {', '.join(counts)} FROM project WHERE amount >= :major AND {LIVE} AND {once.excluding_sql()} GROUP BY unit_id",
        params,
    ).mappings()
    by_unit = {row["unit_id"]: {key: value for key, value in row.items() if key != "unit_id"} for row in rows}
    for project in once.combined:
        if project["amount"] < MAJOR_YUAN:
            continue
        figures = by_unit.setdefault(project["unit_id"], dict.fromkeys(figures_of, 0))
        for key, (span, _, column) in figures_of.items():
            figures[key] += _within(project[column], spans[span], last)
    return by_unit


def _unit_columns(period: Period) -> list[Column]:
    spans = [("year", "累计")] if period.whole_year else [("period", period.word), ("year", "累计")]
    columns = [Column("unit", "单位")]
    for span, word in spans:
        for stage in STAGES:
            columns.append(Column(f"{span}.{stage}", f"{word}{STAGE_LABELS[stage]}", "count"))
            if stage == "started":  # beside the claimed starts, those seen on site (（十八）)
                columns.append(Column(f"verified.{span}", f"{word}核实开工", "count"))
    columns += [Column(f"invested.{span}", f"{word}完成投资（万元）", "wan") for span, word in spans]
    return [
        *columns,
        Column("signed_target", "签约目标", "count"),
        Column("signed_completion", "签约完成率", "rate"),
        Column("started_target", "开工目标", "count"),
        Column("started_completion", "开工完成率", "rate"),
        Column("completion", "综合完成率", "rate"),
        Column("progress_points", "超/欠序时", "pp"),
        Column("rank", "排名", "count"),
        Column("board", None),
        Column("board_label", "红黑榜"),
    ]


def _ranked(units: list[dict]) -> None:
    """Rank the units with a target by completion, then the year's signings and starts (equal
    figures share a rank); mark 红榜 and 黑榜 (see the sheet's note)."""
    ranked = sorted((unit for unit in units if unit["completion"] is not None),
                    key=lambda unit: (-unit["completion"], -unit["year.signed"], -unit["year.started"], unit["id"]))  # fmt: skip
    size = min(BOARD_SIZE, len(ranked) // 2)
    previous = None
    for position, unit in enumerate(ranked):
        key = (unit["completion"], unit["year.signed"], unit["year.started"])
        unit["rank"] = previous["rank"] if previous and key == previous["key"] else position + 1
        previous = {"rank": unit["rank"], "key": key}
        if position < size and unit["progress_points"] >= 0:
            unit["board"] = "red"
        elif position >= len(ranked) - size and unit["progress_points"] < 0:
            unit["board"] = "black"


def unit_section(connection: Connection, period: Period, report: CheckReport) -> UnitFigures:
    """单位排名: per unit, the major projects of the period and the year by stage against its own
    ZS101/ZS102 targets (任务分解); ranked, with 红榜 and 黑榜, and a 全区合计 row."""
    share = progress(period.as_of)
    counts = _stage_counts(connection, period)
    targets = {
        metric: {unit_id: value for unit_id, _, value in unit_targets(connection, metric, period.year)}
        for metric in ("ZS101", "ZS102")
    }
    statuses = {
        (result.code, result.subject): result.status for result in report.results if result.code in ("ZS101", "ZS102")
    }
    invested = invested_by_unit(connection, period.first.isoformat()[:7], period.last.isoformat()[:7])
    zero = dict.fromkeys(
        [f"{span}.{stage}" for span in ("period", "year") for stage in STAGES]
        + [f"{figure}.{span}" for figure in ("verified", "invested") for span in ("period", "year")],
        0,
    )
    units = []
    for unit_id, name in connection.exec_driver_sql("SELECT id, name FROM unit ORDER BY id"):
        in_period, in_year = invested.get(unit_id, (0, 0))
        figures = zero | counts.get(unit_id, {}) | {"invested.period": in_period, "invested.year": in_year}
        signed_target, started_target = targets["ZS101"].get(unit_id), targets["ZS102"].get(unit_id)
        if signed_target is None and started_target is None and not any(figures.values()):
            continue  # a unit with nothing to show (the leadership offices)
        units.append(_unit_figures(unit_id, name, figures, signed_target, started_target, share))
    _ranked(units)
    units.sort(key=lambda unit: (unit["rank"] is None, unit["rank"] or 0, unit["id"]))
    district = {key: sum(unit[key] for unit in units) for key in zero}
    district_targets = {
        result.code: result.target
        for result in report.results
        if result.code in ("ZS101", "ZS102") and result.subject is None
    }
    total = _unit_figures(
        None, "全区合计", district, district_targets.get("ZS101"), district_targets.get("ZS102"), share
    )

    columns = _unit_columns(period)
    rows = [_unit_row(columns, unit, statuses) for unit in units] + [_unit_row(columns, total, statuses, total=True)]
    size = BOARD_SIZE
    notes = [
        f"亿元以上项目：总投资≥{format_wan(MAJOR_YUAN)}万元，已终止的不计；{period.word}、累计（自1月1日）按各阶段日期统计；超/欠序时＝综合完成率－序时进度（百分点）。",
        "综合完成率：签约、开工完成率（年累计÷分解目标）的平均，只有一项目标的取该项；排名按综合完成率从高到低，相同时按年累计签约、开工个数。",
        f"红榜：排名前{size}且达到序时进度的单位；黑榜：排名后{size}且落后序时进度的单位（有分解目标的单位不足{size * 2}个时各取一半）。",
        "核实开工：开工后经现场查看属实（zs project inspect）的开工，截至本期末；完成投资：各项目逐月登记的实际完成投资（zs project invest），"
        "按项目的责任单位汇总，累计为本年1月至本期末。",
    ]
    ranked = sum(1 for unit in units if unit["rank"] is not None)
    chart = (
        Chart("各单位年累计签约亿元以上项目（个）与目标", "unit", ("year.signed", "signed_target"), ranked)
        if ranked
        else None
    )
    district_counts = {"ZS101": district["period.signed"], "ZS102": district["period.started"]}
    return UnitFigures(Section("units", "单位排名", columns, rows, notes, chart), district_counts)


def _unit_figures(unit_id, name: str, figures: dict, signed_target, started_target, share: Fraction) -> dict:
    completions = [
        completion
        for completion in (
            _completion(figures["year.signed"], signed_target),
            _completion(figures["year.started"], started_target),
        )
        if completion is not None
    ]
    completion = sum(completions) / len(completions) if completions else None
    return figures | {
        "id": unit_id,
        "unit": name,
        "signed_target": as_number(signed_target) if signed_target is not None else None,
        "signed_completion": _completion(figures["year.signed"], signed_target),
        "started_target": as_number(started_target) if started_target is not None else None,
        "started_completion": _completion(figures["year.started"], started_target),
        "completion": completion,
        "progress_points": (completion - share) * 100 if completion is not None else None,
        "rank": None,
        "board": None,
    }


_BOARD_LABELS = {"red": "红榜", "black": "黑榜"}


def _unit_row(columns: list[Column], unit: dict, statuses: dict, total: bool = False) -> Row:
    keys = [column.key for column in columns]
    subject = None if total else unit["unit"]
    flags = {}
    for code, key in (("ZS101", "signed_completion"), ("ZS102", "started_completion")):
        flag = _status_flag(statuses.get((code, subject), "no_data"))
        if flag and unit[key] is not None:
            flags[keys.index(key)] = flag
    if unit["progress_points"] is not None and unit["progress_points"] < 0:
        flags[keys.index("progress_points")] = BAD
    if unit["board"]:
        flags[keys.index("board_label")] = HONOR if unit["board"] == "red" else SHAME
    values = unit | {
        "board_label": _BOARD_LABELS.get(unit["board"]),
        **{f"invested.{span}": yuan_to_wan(unit[f"invested.{span}"]) for span in ("period", "year")},
    }
    return Row(tuple(values[key] for key in keys), flags, total=total)


# --- 项目台账 ----------------------------------------------------------------------------------

_PROJECT_COLUMNS = [
    Column("code", "编号"),
    Column("name", "项目名称"),
    Column("unit", "责任单位"),
    Column("amount", "总投资（万元）", "wan"),
    Column("investor", "投资方"),
    Column("industry", "产业类别"),
    Column("channel", "招商方式"),
    Column("leader", "包保领导"),
    Column("handler", "专人"),
    *(Column(stage, STAGE_LABELS[stage], "date") for stage in STAGES),
    Column("stage", None),
    Column("stage_label", "阶段"),
    Column("status", None),
    Column("status_label", "状态"),
    Column("status_reason", "原因"),
]
# A stage date after the bulletin's day had not happened yet as of that day: left out.
_STAGE_AS_OF = ", ".join(
    f"CASE WHEN project.{stage}_on <= :as_of THEN project.{stage}_on END AS {stage}_on" for stage in STAGES
)
# Status as of the day (the last event on or before it); a handler counts only while in a post (ZS402).
_PROJECT_SQL = (
    f"WITH {STATUS_AT_CTE} "
    "SELECT project.code, project.name, unit.name AS unit, project.amount, project.investor, project.industry, project.channel, "
    f"leader.name AS leader, handler.name AS handler, {_STAGE_AS_OF}, "
    "coalesce(status_at.status, 'active') AS status, status_at.reason AS status_reason, "
    f"((project.handler_id IS NULL OR project.handler_id NOT IN {ON_POST_SQL}) AND project.signed_on <= :as_of AND {LIVE} "
    " AND (project.producing_on IS NULL OR project.producing_on > :as_of)) AS needs_handler "
    "FROM project JOIN unit ON unit.id = project.unit_id "
    "LEFT JOIN status_at ON status_at.project_id = project.id "
    "LEFT JOIN person AS leader ON leader.id = project.leader_id "
    "LEFT JOIN person AS handler ON handler.id = project.handler_id ORDER BY project.id"
)
_STAGE_CASE = " ".join(f"WHEN {stage}_on <= :as_of THEN '{stage}'" for stage in reversed(STAGES))


def project_section(connection: Connection, period: Period) -> Section:
    """项目台账: every project with its stage dates as of the period's last day, streamed."""
    params = {"as_of": period.as_of.isoformat()}
    handler_index = next(index for index, column in enumerate(_PROJECT_COLUMNS) if column.key == "handler")
    status_index = next(index for index, column in enumerate(_PROJECT_COLUMNS) if column.key == "status_label")

    def rows() -> Iterator[Row]:
        result = connection.exec_driver_sql(_PROJECT_SQL, params)
        try:
            yield from _project_rows(result.mappings(), handler_index, status_index)
        finally:
            result.close()  # a renderer may stop early (the column widths read the first rows)

    def count() -> int:
        return connection.exec_driver_sql("SELECT count(*) FROM project").scalar_one()

    return Section(
        "projects",
        "项目台账",
        _PROJECT_COLUMNS,
        QueryRows(rows, count),
        summary=_project_summary(connection, period),
        frozen_columns=2,
    )


def _project_rows(rows, handler_index: int, status_index: int) -> Iterator[Row]:
    """A project a row; red: no handler where ZS402 wants one (signed, live, not producing), stalled."""
    for row in rows:
        stage = current_stage(row)
        flags = {}
        if row["needs_handler"]:
            flags[handler_index] = BAD
        if row["status"] == "stalled":
            flags[status_index] = BAD
        yield Row(
            (row["code"], row["name"], row["unit"], yuan_to_wan(row["amount"]), row["investor"], row["industry"], row["channel"],
             row["leader"], row["handler"], *(_day(row[f"{stage_name}_on"]) for stage_name in STAGES),
             stage, STAGE_LABELS[stage], row["status"], PROJECT_STATUS_LABELS[row["status"]], row["status_reason"]),
            flags or None,
        )  # fmt: skip


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _project_summary(connection: Connection, period: Period) -> str:
    """One line for the terminal: projects by stage as of the day, with their total investment."""
    rows = connection.exec_driver_sql(
        f"WITH {STATUS_AT_CTE} SELECT CASE {_STAGE_CASE} ELSE 'lead' END AS stage, count(*), sum(amount), "
        "count(CASE WHEN status_at.status = 'stalled' THEN 1 END), count(CASE WHEN status_at.status = 'terminated' THEN 1 END) "
        "FROM project LEFT JOIN status_at ON status_at.project_id = project.id GROUP BY 1",
        {"as_of": period.as_of.isoformat()},
    ).all()
    by_stage = {stage: count for stage, count, *_ in rows}
    total = sum(count for _, count, *_ in rows)
    stages = "、".join(f"{STAGE_LABELS[stage]}{by_stage[stage]}" for stage in ("lead", *STAGES) if by_stage.get(stage))
    amount = format_wan(sum(row[2] for row in rows)) if rows else "0"
    stalled, terminated = sum(row[3] for row in rows), sum(row[4] for row in rows)
    return f"共{total}个项目（{stages or '无'}），总投资{amount}万元；停滞{stalled}个，终止{terminated}个。"


# --- 外出招商 ----------------------------------------------------------------------------------


def trip_section(connection: Connection, period: Period) -> Section:
    """外出招商: every person who held a post with a monthly minimum of trip days in the year, the
    period's days and shortfall, and the year month by month; a month is judged as ZS201–ZS203 judge
    it (judged posts held every day of it, the smallest of their minimums)."""
    year_first = date(period.year, 1, 1)
    first_day, as_of_day = year_first.isoformat(), period.as_of.isoformat()
    days = trip_days_by_month(connection, year_first, period.as_of)
    minimums = trip_minimums(connection, period.year)
    role_order = {role: index for index, role in enumerate(ROLE_METRICS)}
    months = [f"{period.year}-{number:02d}" for number in range(1, period.last.month + 1)]
    bounds = {month: month_bounds(period.year, int(month[5:])) for month in months}
    persons = []
    for person_id, posts in posts_by_person(connection, year_first, period.as_of).items():
        judged_posts = [post for post in posts if post.role in ROLE_METRICS and post.overlaps(first_day, as_of_day)]
        if not judged_posts:
            continue
        shown = judged_posts[-1]  # the latest judged post of the year up to the day
        minimum = minimum_of(minimums, shown.role, shown.unit_id)
        if minimum is not None:
            persons.append((person_id, posts, shown, minimum))
    persons.sort(key=lambda person: (role_order[person[2].role], person[2].unit_id, person[0]))
    columns = [
        Column("person", "姓名"),
        Column("unit", "单位"),
        Column("role", None),
        Column("role_label", "职务类别"),
        Column("minimum", "每月最低天数", "days"),
    ]
    if not period.whole_year:
        columns.append(Column("period_days", f"{period.word}天数", "days"))
    columns += [Column("shortfall", f"{period.word}差额（天）", "days")]
    columns += [Column(f"months.{month}", f"{int(month[5:])}月", "days") for month in months]
    columns += [Column("year_days", "年累计天数", "days"), Column("months_short", "年内未达标月数", "count")]
    keys = [column.key for column in columns]

    rows = []
    for person_id, posts, shown, minimum in persons:
        by_month = {month: days.get((person_id, month), 0) for month in months}
        short = {}
        for month in months:
            judgement = judge_month(posts, *bounds[month], minimums)
            if judgement and judgement.judged and judgement.minimum is not None and by_month[month] < judgement.minimum:
                short[month] = judgement.minimum - by_month[month]
        values = {
            "person": shown.name, "unit": shown.unit, "role": shown.role, "role_label": ROLE_LABELS[shown.role],
            "minimum": minimum, "period_days": sum(by_month[month] for month in period.months),
            "shortfall": sum(gap for month, gap in short.items() if month in period.months),
            **{f"months.{month}": by_month[month] for month in months},
            "year_days": sum(by_month.values()), "months_short": len(short),
        }  # fmt: skip
        flags = {keys.index(f"months.{month}"): BAD for month in short}
        for key in ("shortfall", "months_short"):
            if values[key]:
                flags[keys.index(key)] = BAD
        rows.append(Row(tuple(values[key] for key in keys), flags or None))
    notes = [
        "天数按日历日计，起止当天都算，同一人重叠的行程只计一次，跨月的行程分别计入各月；调任的人行程天数连续计算。",
        "当月并非每天都担任考核职务的月份不考核、不标红；当月职务有变动的，按所任各职务中较小的最低天数考核。"
        "最低天数：四大班子主要负责同志7天，区政府分管领导14天，单位主要负责同志5天（渠沟镇、开发区10天），以年度目标为准；"
        "单位、职务类别为截至日所任（或年内最后所任）的考核职务。",
    ]
    return Section("trips", "外出招商", columns, rows, notes)


# --- 预警 ----------------------------------------------------------------------------------------

_WARNING_COLUMNS = [
    Column("kind", None),
    Column("kind_label", "类型"),
    Column("code", "规则"),
    Column("project", "项目编号"),
    Column("name", "项目名称"),
    Column("unit", "责任单位"),
    Column("since", "起算日期", "date"),
    Column("days", "已等待天数", "days"),
    Column("limit", "时限（天）", "days"),
    Column("note", "说明", wrap=True),
]
_WARNING_LABELS = {
    "meeting": "会议未召开",
    "no_handler": "无专人推进",
    "unstarted": "签约未开工",
    "unincluded": "开工未纳统",
    "signed_twice": "疑似重复签约",
    "untrue_start": "开工查看不属实",
    "unverified_start": "开工未核实",
    "stalled": "已标记停滞",
}


def warning_section(connection: Connection, period: Period, report: CheckReport) -> Section:
    """预警: what ZS401–ZS404 and ZS407 flag as of the day, and projects marked stalled, with the days each has waited."""
    as_of = period.as_of
    warnings: list[dict] = []
    flagged: set[str] = set()
    for result in report.results:
        if result.status not in FAILING:
            continue
        if result.code == "ZS401" and result.period in period.months:
            warnings.append({"kind": "meeting", "code": "ZS401", "note": result.message})
        elif result.code == "ZS402":
            warnings.extend(
                _project_warning(
                    "no_handler", "ZS402", project, project["signed_on"], as_of, None, "签约后未指定专人推进"
                )
                for project in result.facts.get("projects", [])
            )
        elif result.code == "ZS403":
            facts = result.facts
            flagged.add(facts["project"]["code"])
            waited = "签约后未开工" if facts["waiting"] == "unstarted" else "开工后未纳统"
            warnings.append(
                _project_warning(
                    facts["waiting"],
                    "ZS403",
                    facts["project"],
                    facts["since"],
                    as_of,
                    result.target,
                    waited + _stall_note(facts["project"]),
                )
            )
        elif result.code == "ZS404":
            group = result.facts["projects"]
            latest = max(project["signed_on"] for project in group)
            warnings.append({
                "kind": "signed_twice", "code": "ZS404", "project": "、".join(p["code"] for p in group),
                "name": "、".join(p["name"] for p in group), "unit": "、".join(dict.fromkeys(p["unit"] for p in group)),
                "since": date.fromisoformat(latest), "days": (as_of - date.fromisoformat(latest)).days,
                "note": f"投资方「{group[0]['investor']}」名称相近的{len(group)}个项目，按一个项目计入{group[0]['unit']}；"
                        f"请合并（zs project merge）或说明是两个项目（zs project distinct）",
            })  # fmt: skip
        elif result.code == "ZS407":
            facts = result.facts
            kind = "untrue_start" if facts["refuted"] else "unverified_start"
            limit = None if facts["refuted"] else facts["limit"]
            project = facts["project"]
            if facts["refuted"]:
                note = f"{facts['latest_on']}现场查看不属实，请核实开工日期"
            else:
                confirmed = f"（{project['confirmed_on']}才查看属实）" if project["confirmed_on"] else ""
                note = f"开工后{limit}天内没有现场查看属实的记录{confirmed}"
            warnings.append(_project_warning(kind, "ZS407", project, project["started_on"], as_of, limit, note))
    for project, start, end, reason in _stalls(connection, period):
        if end is None and project["code"] in flagged:
            continue  # still stalled: the ZS403 row says so
        warnings.append(_stall_warning(project, start, end, reason, as_of))
    kinds = list(_WARNING_LABELS)
    warnings.sort(
        key=lambda warning: (kinds.index(warning["kind"]), -(warning.get("days") or 0))
    )  # the longest wait first
    keys = [column.key for column in _WARNING_COLUMNS]
    days_index = keys.index("days")
    rows = []
    for warning in warnings:
        values = warning | {"kind_label": _WARNING_LABELS[warning["kind"]]}
        rows.append(
            Row(tuple(values.get(key) for key in keys), {days_index: BAD} if values.get("days") is not None else None)
        )
    notes = [
        f"已等待天数：自起算日期（签约、开工或重复签约之日）至{as_of.isoformat()}的天数；停滞为停滞的天数（已恢复的算到恢复之日）。",
        "开工未核实：开工超过时限没有现场查看属实的记录；开工查看不属实：开工后最近一次现场查看不属实（ZS407）。",
        "停滞：本期内停滞过的项目都列出，说明中写明停滞的月份。",
    ]
    return Section("warnings", "预警", _WARNING_COLUMNS, rows, notes)


def _stall_note(project: dict) -> str:
    return f"；已标记停滞：{project['status_reason']}" if project.get("status") == "stalled" else ""


def _project_warning(
    kind: str, code: str | None, project: dict, since: str | None, as_of: date, limit, note: str
) -> dict:
    since_day = date.fromisoformat(since) if since else None
    return {
        "kind": kind, "code": code, "project": project["code"], "name": project["name"], "unit": project["unit"],
        "since": since_day, "days": (as_of - since_day).days if since_day else None, "limit": limit, "note": note,
    }  # fmt: skip


def _stalls(connection: Connection, period: Period) -> list[tuple[dict, date, date | None, str | None]]:
    """The stalls that lasted into the period: (project, first day, day it ended or None, reason),
    from the projects' dated status events."""
    params = {"first": period.first.isoformat(), "as_of": period.as_of.isoformat()}
    rows = connection.exec_driver_sql(
        "SELECT project.id, project.code, project.name, unit.name AS unit, project_status.status, project_status.since, "
        "project_status.reason FROM project_status JOIN project ON project.id = project_status.project_id "
        "JOIN unit ON unit.id = project.unit_id WHERE project_status.project_id IN "
        "(SELECT project_id FROM project_status WHERE status = 'stalled' AND since <= :as_of) "
        "ORDER BY project.id, project_status.since, project_status.id",
        params,
    ).mappings()
    by_project: dict[int, tuple[dict, list[StatusEvent]]] = {}
    for row in rows:
        project, events = by_project.setdefault(
            row["id"], ({"code": row["code"], "name": row["name"], "unit": row["unit"]}, [])
        )
        events.append(StatusEvent(row["status"], str(row["since"]), row["reason"]))
    stalls = []
    for project, events in by_project.values():
        for start, end, reason in stall_spans(events):
            if start <= params["as_of"] and (end is None or end > params["first"]):
                ended = date.fromisoformat(end) if end is not None and end <= params["as_of"] else None
                stalls.append((project, date.fromisoformat(start), ended, reason))
    return stalls


def _stall_warning(project: dict, start: date, end: date | None, reason: str | None, as_of: date) -> dict:
    """A stall as 预警 lists it: the days it lasted (to its end, or to the day) and its months."""
    last = (end - timedelta(days=1)) if end else as_of
    months = f"{start.year}年{start.month}月" + (
        "" if (last.year, last.month) == (start.year, start.month) else f"至{last.year}年{last.month}月"
    )
    ended = f"，{end.isoformat()}恢复" if end else f"，截至{as_of.isoformat()}未恢复"
    return {
        "kind": "stalled", "code": None, "project": project["code"], "name": project["name"], "unit": project["unit"],
        "since": start, "days": ((end or as_of) - start).days, "limit": None,
        "note": f"{reason or '停滞'}；停滞于{months}{ended}",
    }  # fmt: skip
