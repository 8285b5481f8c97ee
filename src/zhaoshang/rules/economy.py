"""Rules on the economy: the statistics bureau's indicators (ZS301–ZS304), funds (ZS305) and
headquarters buildings (ZS306).

An indicator is the year-to-date figure of a month as the bureau publishes it (around the 20th
of the next month; January and February together as 1–2月, stored as month 02); the latest
month of the year no later than as_of's month is judged, at its own month. A cumulative figure
(enterprises, output) is held against target × that month's share of the year (month / 12),
since the figure covers the year up to that month's end; a growth figure against the target
itself. A figure more than two months older than as_of's month is stale: no_data, naming the
month it stops at. Before the year's first figure is due (as_of before April) with none in, and
at the year's end without December's, the result is in_progress.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from math import ceil
from typing import TYPE_CHECKING

from zhaoshang.parsing import YUAN_PER_WAN
from zhaoshang.policy import METRICS
from zhaoshang.rules.registry import rule
from zhaoshang.rules.results import (
    Result,
    against_level,
    against_progress,
    as_number,
    by_year_end,
    figure,
    missing_target,
    progress_message,
    unit_word,
    unjudged,
    year_over,
)
from zhaoshang.services.quota_data import FUND_KINDS, INDICATORS, latest_indicator, target_value

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

FIRST_FIGURE_DUE = 4  # 1–2月 comes out around 20 March: before April, none in is not yet a gap
STALE_AFTER_MONTHS = 2  # a figure older than this many months before as_of's month is not judged


def _indicator_result(
    connection: Connection, year: int, as_of: date, metric: str, indicator: str, cumulative: bool
) -> list[Result]:
    kind = METRICS[metric][1]
    stored = target_value(connection, metric, year)
    if stored is None:
        return [missing_target(metric, year)]
    target = as_number(stored)
    latest = latest_indicator(connection, indicator, as_of)
    enter = f"zs indicator set {indicator} 数值 --month {year}-MM"
    if latest is None:
        if as_of.month < FIRST_FIGURE_DUE:
            message = f"统计局{year}年1–2月数据约于3月20日前后发布，尚未登记：{enter}"
            return [Result(None, str(year), None, target, None, "in_progress", message, kind=kind, metric=metric)]
        message = f"统计局{year}年数据尚未登记：{enter}"
        return [unjudged(year, message, target=target, kind=kind, metric=metric)]
    month, value = latest
    actual = as_number(value)
    month_number = int(month[5:7])
    label = INDICATORS[indicator][0].split("（")[0]
    if as_of.month - month_number > STALE_AFTER_MONTHS:
        message = f"统计局{label}数据只到{year}年{month_label(month_number)}，已超过两个月未更新，不作判定：{enter}"
        return [unjudged(year, message, period=month, actual=actual, target=target, kind=kind, metric=metric)]
    final = month_number == 12  # the December figure is the year's
    if cumulative:
        share = Fraction(month_number, 12)
        status, expected = against_progress(actual, target, share, final)
        message = f"{label}{month_label(month_number)}累计：" + progress_message(
            actual, target, share, status, kind, unit_word(metric), done=""
        )
    else:
        status, expected = against_level(actual, target, final), None
        comparison = "达到" if status == "met" else "低于"
        message = (
            f"{label}{month_label(month_number)}累计{figure(kind, actual)}，{comparison}目标{figure(kind, target)}"
        )
    if year_over(as_of) and not final:
        status = "in_progress"  # the year is judged by December's figure, not by an earlier one
        message += f"；12月数据尚未登记，全年结果待12月数据：{enter.replace('MM', '12')}"
    return [Result(None, month, actual, target, expected, status, message, kind=kind, metric=metric)]


def month_label(month_number: int) -> str:
    """How the bureau names a month's figure: 1–2月 for the first (stored as 02), else 3月…"""
    return "1–2月" if month_number == 2 else f"{month_number}月"


@rule("ZS301", "new-enterprises", "培育规上工业企业", "（四）", "error")
def new_enterprises(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年培育（新增）规上工业企业家数。
    依据：（四）“培育规上工业企业20家以上”。
    计算：取统计局发布的年初至当月累计数（`zs indicator set new_enterprises 家数 --month YYYY-MM`）中，
    当年、不晚于检查日所在月的最近一个月 M 的数值。它累计到 M 月末，故对照 目标 × M ÷ 12：
    不少于为超序时，达到全年目标为达标，低于为落后序时；M 为12月仍未达到为未完成。
    统计局约于次月20日前后发布上月累计数，1月与2月合并为“1–2月”（记在2月）。数据所在月早于检查日所在月
    两个月以上的视为过期，为无数据，说明中写明数据只到哪个月；检查日在4月前、当年尚无数据的为进行中；
    12月31日尚无12月数据的为进行中，不判达标。
    """
    return _indicator_result(connection, year, as_of, "ZS301", "new_enterprises", cumulative=True)


@rule("ZS302", "value-added-growth", "规上制造业增加值增长", "（四）", "error")
def value_added_growth(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：规上制造业增加值增速（%）。
    依据：（四）“规上制造业增加值增长10%”。
    计算：取当年、不晚于检查日所在月的最近一个月的 `value_added_growth`（年初至该月累计增速，%）。
    增速不按序时折算，按当前数值对照目标：低于为落后，该月为12月仍低于为未完成。
    数据的发布、过期和年末判定同 ZS301。
    """
    return _indicator_result(connection, year, as_of, "ZS302", "value_added_growth", cumulative=False)


@rule("ZS303", "industrial-output", "规上工业总产值", "（四）", "error")
def industrial_output(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：规上工业总产值（万元）。
    依据：（四）“确保全年规上工业总产值达330亿元以上”——“确保”，故为约束性指标。
    计算：取当年、不晚于检查日所在月的最近一个月 M 的 `output`（年初至该月累计，万元），
    同 ZS301 对照 目标 × M ÷ 12；M 为12月仍未达到为未完成。数据的发布、过期和年末判定同 ZS301。
    """
    return _indicator_result(connection, year, as_of, "ZS303", "output", cumulative=True)


@rule("ZS304", "investment-pull", "拉动制造业投资增长", "（四）", "error")
def investment_pull(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：拉动制造业投资增长（个百分点）。
    依据：（四）“拉动制造业投资增长38.8个百分点”。
    计算：取当年、不晚于检查日所在月的最近一个月的 `investment_pull`（年初至该月累计），
    同 ZS302 按当前数值对照目标，不按序时折算。数据的发布、过期和年末判定同 ZS301。
    """
    return _indicator_result(connection, year, as_of, "ZS304", "investment_pull", cumulative=False)


@rule("ZS305", "funds-set-up", "组建产业引导基金、天使基金", "（十）", "warning")
def funds_set_up(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年组建的产业引导基金、天使基金支数。
    依据：（十）“力争组建2支产业引导基金和1支天使基金”——“力争”，故为预期性指标。
    计算：按类型统计组建日期在当年1月1日至检查日（含）的基金（`zs fund add`），
    分别对照 ZS305.guidance（2支）、ZS305.angel（1支），每类一条结果。
    没有序时之分：达到为达标；12月31日前未达到为进行中，不判未通过；12月31日仍未达到为未完成。
    """
    counts: dict[str, int] = dict(
        connection.exec_driver_sql(
            "SELECT kind, count(*) FROM fund WHERE set_up_on BETWEEN :first AND :as_of GROUP BY kind",
            {"first": date(year, 1, 1).isoformat(), "as_of": as_of.isoformat()},
        ).all()
    )
    over = year_over(as_of)
    results = []
    for kind, label in FUND_KINDS.items():
        metric = f"ZS305.{kind}"
        stored = target_value(connection, metric, year)
        if stored is None:
            results.append(missing_target(metric, year))
            continue
        actual, target = counts.get(kind, 0), as_number(stored)
        status = by_year_end(actual, target, over)
        message = f"{year}年已组建{label}{actual}支，目标{figure('count', target, '支')}" + (
            "，年内完成即可" if status == "in_progress" else ""
        )
        results.append(
            Result(None, str(year), actual, target, None, status, message, metric=metric, title=f"组建{label}")
        )
    return results


@rule("ZS306", "hq-buildings", "镇街总部经济楼宇", "（七）", "warning")
def hq_buildings(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：每个镇、街道打造一栋总部经济楼宇。
    依据：（七）“每个镇街打造一栋总部经济楼宇，力争营业收入达到亿元以上、税收千万元以上”——“力争”，故为预期性指标。
    计算：对每个镇、街道，统计登记为当年（`zs building set`）、营业收入不少于 ZS306.revenue（1亿元）
    且税收不少于 ZS306.tax（1000万元）的楼宇栋数，对照 ZS306.buildings（1栋；本单位另设的以本单位为准），
    每个镇街一条结果。判定同 ZS305：12月31日前未达到为进行中。没有登记镇、街道为无数据。
    """
    revenue, tax = target_value(connection, "ZS306.revenue", year), target_value(connection, "ZS306.tax", year)
    if revenue is None or tax is None:
        return [missing_target("ZS306.revenue" if revenue is None else "ZS306.tax", year)]
    rows = connection.exec_driver_sql(
        "SELECT unit.id, unit.name, count(hq_building.id), "
        "count(CASE WHEN hq_building.revenue >= :revenue AND hq_building.tax >= :tax THEN 1 END) "
        "FROM unit LEFT JOIN hq_building ON hq_building.unit_id = unit.id AND hq_building.year = :year "
        "WHERE unit.kind IN ('town', 'street') GROUP BY unit.id ORDER BY unit.id",
        {"year": year, "revenue": ceil(revenue * YUAN_PER_WAN), "tax": ceil(tax * YUAN_PER_WAN)},
    ).all()
    if not rows:
        return [unjudged(year, "没有登记镇、街道：zs unit add 东城街道 --kind 街道", metric="ZS306.buildings")]
    over = year_over(as_of)
    results = []
    for unit_id, unit, recorded, qualifying in rows:
        stored = target_value(connection, "ZS306.buildings", year, unit_id)
        if stored is None:
            results.append(missing_target("ZS306.buildings", year, unit))
            continue
        target = as_number(stored)
        status = by_year_end(qualifying, target, over)
        message = (
            f"{unit}{year}年登记总部经济楼宇{recorded}栋，营业收入{figure('amount', revenue)}以上且税收{figure('amount', tax)}以上的"
            f"{qualifying}栋，目标{figure('count', target, '栋')}"
            + ("，年内完成即可" if status == "in_progress" else "")
        )
        results.append(Result(unit, str(year), qualifying, target, None, status, message, metric="ZS306.buildings"))
    return results
