"""What the quota rules read besides projects and trips: targets, the statistics bureau's
indicators, funds, headquarters buildings and meetings (（四）（七）（十）（十七）).

Targets and indicators are stored as exact decimal text (`0.75`, `38.8`); amounts of a
target or an indicator in 万元, amounts of a fund or a building in whole 元 like projects.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.parsing import (
    INT64_MAX,
    KIND_LABELS,
    normalize_text,
    optional_text,
    parse_amount,
    parse_amount_or_zero,
    parse_choice,
    parse_date,
    parse_month,
    parse_year,
    require_text,
    yuan_to_wan,
)
from zhaoshang.policy import METRICS
from zhaoshang.services.lookup import find_unit, ids_named

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# Targets a unit may carry for itself (任务分解): the rules that read a unit's own row.
UNIT_METRICS = frozenset({"ZS101", "ZS102", "ZS103", "ZS104", "ZS105", "ZS201", "ZS202", "ZS203", "ZS306.buildings"})

# The statistics bureau's year-to-date figures: name -> (Chinese label, kind, Chinese names accepted).
INDICATORS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "output": ("规上工业总产值（万元）", "amount", ("规上工业总产值", "工业总产值")),
    "value_added_growth": (
        "规上制造业增加值增速（%）",
        "percent",
        ("规上制造业增加值增速", "规上制造业增加值增长", "增加值增速"),
    ),
    "new_enterprises": ("新增规上工业企业（家）", "count", ("新增规上工业企业", "培育规上工业企业")),
    "investment_pull": ("拉动制造业投资增长（个百分点）", "points", ("拉动制造业投资增长",)),
}

FUND_KINDS = {"guidance": "产业引导基金", "angel": "天使基金"}
_FUND_CHOICES = {
    "guidance": "guidance",
    "angel": "angel",
    "产业引导基金": "guidance",
    "引导基金": "guidance",
    "天使基金": "angel",
    "天使": "angel",
}
MEETING_KINDS = {"dispatch": "调度会", "project": "推进会"}
_MEETING_CHOICES = {
    "dispatch": "dispatch",
    "project": "project",
    "调度会": "dispatch",
    "招商引资工作调度会": "dispatch",
    "推进会": "project",
    "项目推进会": "project",
}
BUILDING_UNIT_KINDS = ("town", "street")

_DECIMAL_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_VALUE_SUFFIXES = {
    "count": ("个", "家", "支", "栋", "次"),
    "days": ("天", "日"),
    "percent": ("%",),
    "points": ("个百分点", "百分点"),
    "rate": (),
    "amount": (),
}


def decimal_text(value: Decimal) -> str:
    """Exact decimal text without exponent or trailing zeros: 0.75, 38.8, 3300000."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimal(text: str, field: str, hint: str) -> Decimal:
    if not _DECIMAL_RE.match(text):
        raise InputError(f"{field}：'{text}' 不是有效数值", hint)
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise InputError(f"{field}：'{text}' 不是有效数值", hint) from None
    # No quota or statistic needs more: beyond it is a typing slip (and beyond any database integer).
    if len(text) > 30 or abs(number) > INT64_MAX:
        raise InputError(f"{field}：'{text[:30]}' 超出可记录的范围", hint)
    return number


# A number of days a rule counts with (a monthly minimum, a warning's threshold): ten years at most,
# so a date plus it stays a date (a typo of 99999999 would stop every nightly check).
DAYS_MAX = 3660


def parse_metric_value(kind: str, value: str, field: str) -> str:
    """A target's or indicator's value, checked by the metric's kind, as exact decimal text.

    count and days: whole ≥ 0 (`117`, `117个`); rate: a fraction 0–1 (`0.75` or `75%`);
    percent: % (`10`, `10%`, `-2.5`); points: 个百分点 (`38.8`); amount: an AMOUNT, stored in 万元.
    """
    text = normalize_text(str(value)).replace(",", "").replace(" ", "")
    if kind == "amount":
        return decimal_text(yuan_to_wan(parse_amount_or_zero(text, field)))
    for suffix in _VALUE_SUFFIXES[kind]:
        text = text.removesuffix(suffix)
    if kind == "rate":
        percent = text.endswith("%")
        number = _decimal(text.removesuffix("%"), field, "比率写作 0.75 或 75%")
        number = number / 100 if percent else number
        if not 0 <= number <= 1:
            raise InputError(f"{field}：'{value}' 不在 0 到 1（0% 到 100%）之间", "比率写作 0.75 或 75%")
        return decimal_text(number)
    if kind in ("count", "days"):
        number = _decimal(text, field, "写作不小于 0 的整数，例如 117")
        if number < 0 or number != number.to_integral_value():
            raise InputError(f"{field}：'{value}' 应为不小于 0 的整数", "写作不小于 0 的整数，例如 117")
        if kind == "days" and number > DAYS_MAX:
            raise InputError(f"{field}：'{value}' 天超过了{DAYS_MAX}天（十年）", "天数写作 0 到 3660 的整数，例如 30")
        return decimal_text(number)
    hint = "写作数字，例如 10（即10%）" if kind == "percent" else "写作数字，例如 38.8（个百分点）"
    return decimal_text(_decimal(text, field, hint))


def format_metric_value(kind: str, value: Decimal | None) -> str:
    """A stored value as people read it: 75%, 10%, 38.8个百分点, 3,300,000万元, 117."""
    if value is None:
        return ""
    if kind == "rate":
        return f"{decimal_text(value * 100)}%"
    if kind == "percent":
        return f"{decimal_text(value)}%"
    if kind == "points":
        return f"{decimal_text(value)}个百分点"
    if kind == "amount":
        return f"{value:,}万元"
    if kind == "days":
        return f"{decimal_text(value)}天"
    return decimal_text(value)


# --- targets ------------------------------------------------------------------------------


def parse_metric(value: str) -> str:
    """A rule's code or CODE.PART as METRICS names it (`zs101` is taken for ZS101)."""
    text = normalize_text(str(value)).replace(" ", "")
    code, dot, part = text.partition(".")
    metric = code.upper() + dot + part.lower()
    if metric in METRICS:
        return metric
    parts = sorted(name for name in METRICS if name.startswith(code.upper() + "."))
    hint = f"{code.upper()} 分为：{'、'.join(parts)}" if parts else f"可用指标：{'、'.join(METRICS)}"
    raise InputError(f"指标（METRIC）：'{value}' 不是可用的指标", hint)


def set_target(ledger: Ledger, actor: str, metric: str, value: str, year: str | int, unit: str | None = None) -> dict:
    """Set the district's target of a metric for a year, or a unit's own share (任务分解)."""
    metric = parse_metric(metric)
    label, kind = METRICS[metric]
    text = parse_metric_value(kind, value, f"{label}（VALUE）")
    year_number = parse_year(year, "年度（--year）")
    if unit is not None and metric not in UNIT_METRICS:
        raise InputError(
            f"单位（--unit）：{metric}（{label}）只有全区目标，不分解到单位",
            f"可分解到单位的指标：{'、'.join(sorted(UNIT_METRICS))}",
        )
    subject = f"{metric} {year_number}"
    with ledger.write(actor, "target.set", subject=subject) as writer:
        unit_row = find_unit(writer.connection, unit, "单位（--unit）") if unit is not None else None
        unit_id = unit_row["id"] if unit_row else None
        if unit_row:
            writer.subject = f"{subject} {unit_row['name']}"
        existing = writer.connection.exec_driver_sql(
            "SELECT id, value FROM target WHERE year = :year AND metric = :metric AND ifnull(unit_id, 0) = ifnull(:unit_id, 0)",
            {"year": year_number, "metric": metric, "unit_id": unit_id},
        ).first()
        if existing is None:
            writer.insert("target", {"year": year_number, "metric": metric, "unit_id": unit_id, "value": text})
        else:
            writer.update("target", {"id": existing[0]}, {"value": text})
    return {
        "year": year_number,
        "metric": metric,
        "label": label,
        "unit": unit_row["name"] if unit_row else None,
        "value": Decimal(text),
        "previous": Decimal(existing[1]) if existing is not None else None,
        "display": format_metric_value(kind, Decimal(text)),
    }


def copy_targets(
    ledger: Ledger, actor: str, source: str | int, destination: str | int, overwrite: bool = False
) -> dict:
    """Copy a year's targets, the district's and the units' own rows, to another year (a new
    year starts with last year's quotas until the district sets its own).

    A row the destination year already has (same metric and unit) is kept, or with `overwrite`
    takes the source's value. One transaction, one audit entry. Returns the years and how many
    rows were copied, kept and overwritten.
    """
    source_year = parse_year(source, "源年度（--from）")
    destination_year = parse_year(destination, "目标年度（--to）")
    if source_year == destination_year:
        raise InputError(
            f"目标年度（--to）：'{destination}' 与源年度相同", "例如：zs target copy --from 2024 --to 2025"
        )
    rows_sql = "SELECT id, metric, unit_id, value FROM target WHERE year = :year ORDER BY metric, ifnull(unit_id, 0)"
    counts = {"copied": 0, "kept": 0, "overwritten": 0}
    with ledger.write(actor, "target.copy", subject=f"{source_year}年目标 → {destination_year}年") as writer:
        rows = writer.connection.exec_driver_sql(rows_sql, {"year": source_year}).all()
        if not rows:
            raise InputError(f"源年度（--from）：{source_year}年没有设定任何目标", "查看各年度目标：zs target list")
        held = writer.connection.exec_driver_sql(rows_sql, {"year": destination_year})
        existing = {(metric, unit_id): (row_id, value) for row_id, metric, unit_id, value in held}
        for _, metric, unit_id, value in rows:
            current = existing.get((metric, unit_id))
            if current is None:
                writer.insert(
                    "target", {"year": destination_year, "metric": metric, "unit_id": unit_id, "value": value}
                )
                counts["copied"] += 1
            elif overwrite and Decimal(current[1]) != Decimal(value):
                writer.update("target", {"id": current[0]}, {"value": value})
                counts["overwritten"] += 1
            else:
                counts["kept"] += 1
    return {"from": source_year, "to": destination_year} | counts


def target_years(ledger: Ledger) -> list[int]:
    """The years that have any target, in order."""
    with ledger.read() as connection:
        return [year for (year,) in connection.exec_driver_sql("SELECT DISTINCT year FROM target ORDER BY year")]


def _listing(ledger: Ledger, sql: str, year: str | int | None, year_clause: str) -> list[dict]:
    """The rows of a listing; with a year, only those matching `year_clause` (:year, or :prefix for dates)."""
    where, params = "", {}
    if year is not None:
        number = parse_year(year, "年度（--year）")
        where, params = f"WHERE {year_clause}", {"year": number, "prefix": f"{number}-%"}
    with ledger.read() as connection:
        return [dict(row) for row in connection.exec_driver_sql(sql.format(where=where), params).mappings()]


def list_targets(ledger: Ledger, year: str | int | None = None) -> list[dict]:
    """Targets by year, then metric, the district's row before the units'."""
    rows = _listing(
        ledger,
        "SELECT target.year, target.metric, unit.name AS unit, target.value FROM target "
        "LEFT JOIN unit ON unit.id = target.unit_id {where} ORDER BY target.year, target.metric, ifnull(target.unit_id, 0)",
        year,
        "target.year = :year",
    )
    targets = []
    for row in rows:
        label, kind = METRICS.get(row["metric"], (row["metric"], "count"))
        value = Decimal(row["value"])
        targets.append(
            {"year": row["year"], "metric": row["metric"], "label": label, "unit": row["unit"], "kind": kind,
             "value": value, "display": format_metric_value(kind, value)}
        )  # fmt: skip
    return targets


# --- indicators ---------------------------------------------------------------------------


def parse_indicator(value: str) -> str:
    text = normalize_text(str(value)).replace(" ", "")
    for name, (_, _, chinese) in INDICATORS.items():
        if text.lower() == name or text in chinese:
            return name
    listed = "、".join(f"{name}（{label}）" for name, (label, _, _) in INDICATORS.items())
    raise InputError(f"指标（METRIC）：'{value}' 不是统计局发布的指标", f"可用指标：{listed}")


def set_indicator(ledger: Ledger, actor: str, metric: str, value: str, month: str) -> dict:
    """Record the year-to-date figure the statistics bureau published for a month (replaces an earlier one)."""
    metric = parse_indicator(metric)
    label, kind, _ = INDICATORS[metric]
    text = parse_metric_value(kind, value, f"{label}（VALUE）")
    year, month_number = parse_month(month, "月份（--month）")
    if month_number == 1:
        raise InputError(
            f"月份（--month）：'{month}' 统计局不单独发布1月数据，1–2月合并发布",
            f"1–2月数据记在2月：zs indicator set {metric} {value} --month {year:04d}-02",
        )
    month_text = f"{year:04d}-{month_number:02d}"
    with ledger.write(actor, "indicator.set", subject=f"{metric} {month_text}") as writer:
        existing = writer.connection.exec_driver_sql(
            "SELECT id, value FROM indicator WHERE month = :month AND metric = :metric",
            {"month": month_text, "metric": metric},
        ).first()
        if existing is None:
            writer.insert("indicator", {"month": month_text, "metric": metric, "value": text})
        else:
            writer.update("indicator", {"id": existing[0]}, {"value": text})
    return {
        "month": month_text,
        "metric": metric,
        "label": label,
        "value": Decimal(text),
        "display": format_metric_value(kind, Decimal(text)),
    }


def list_indicators(ledger: Ledger, year: str | int | None = None) -> list[dict]:
    rows = _listing(
        ledger, "SELECT month, metric, value FROM indicator {where} ORDER BY month, metric", year, "month LIKE :prefix"
    )
    indicators = []
    for row in rows:
        label, kind, _ = INDICATORS.get(row["metric"], (row["metric"], "points", ()))
        value = Decimal(row["value"])
        indicators.append(
            {
                "month": row["month"],
                "metric": row["metric"],
                "label": label,
                "value": value,
                "display": format_metric_value(kind, value),
            }
        )
    return indicators


# --- funds --------------------------------------------------------------------------------


def add_fund(
    ledger: Ledger, actor: str, name: str, kind: str, on: str, unit: str | None = None, amount: str | None = None
) -> dict:
    """Record a fund set up on a date (（十） 产业引导基金、天使基金)."""
    name = require_text(name, "基金名称")
    kind = parse_choice(kind, "基金类型（--kind）", _FUND_CHOICES, FUND_KINDS)
    set_up_on = parse_date(on, "组建日期（--on）")
    amount_yuan = parse_amount(amount, "基金规模（--amount）") if amount is not None else None
    with ledger.write(actor, "fund.add", subject=name) as writer:
        if ids_named(writer.connection, "SELECT id, name FROM fund", name):
            raise InputError(f"基金名称：'{name}' 已登记", "查看基金：zs fund list")
        unit_row = find_unit(writer.connection, unit, "单位（--unit）") if unit is not None else None
        writer.insert(
            "fund",
            {
                "name": name,
                "kind": kind,
                "set_up_on": set_up_on,
                "unit_id": unit_row["id"] if unit_row else None,
                "amount": amount_yuan,
            },
        )
    return {"name": name, "kind": kind, "kind_label": FUND_KINDS[kind], "set_up_on": set_up_on}


def list_funds(ledger: Ledger, year: str | int | None = None) -> list[dict]:
    rows = _listing(
        ledger,
        "SELECT fund.name, fund.kind, fund.set_up_on, unit.name AS unit, fund.amount FROM fund "
        "LEFT JOIN unit ON unit.id = fund.unit_id {where} ORDER BY fund.set_up_on, fund.id",
        year,
        "fund.set_up_on LIKE :prefix",
    )
    return [
        row | {"kind_label": FUND_KINDS.get(row["kind"], row["kind"]), "amount": _wan_or_none(row["amount"])}
        for row in rows
    ]


# --- headquarters buildings ---------------------------------------------------------------


def set_building(ledger: Ledger, actor: str, name: str, unit: str, year: str | int, revenue: str, tax: str) -> dict:
    """Record a town's or street's headquarters building with its revenue and tax for a year (（七）)."""
    name = require_text(name, "楼宇名称")
    year_number = parse_year(year, "年度（--year）")
    revenue_yuan = parse_amount_or_zero(revenue, "营业收入（--revenue）")
    tax_yuan = parse_amount_or_zero(tax, "税收（--tax）")
    with ledger.write(actor, "building.set", subject=f"{name} {year_number}") as writer:
        unit_row = find_unit(writer.connection, unit, "镇街（--unit）")
        if unit_row["kind"] not in BUILDING_UNIT_KINDS:
            raise InputError(
                f"镇街（--unit）：'{unit_row['name']}' 是{KIND_LABELS[unit_row['kind']]}，总部经济楼宇只按镇、街道考核",
                "（七） 每个镇街打造一栋总部经济楼宇；新增街道：zs unit add 东城街道 --kind 街道",
            )
        values = {
            "name": name,
            "unit_id": unit_row["id"],
            "year": year_number,
            "revenue": revenue_yuan,
            "tax": tax_yuan,
        }
        existing = ids_named(
            writer.connection, "SELECT id, name FROM hq_building WHERE year = :year", name, {"year": year_number}
        )
        if not existing:
            writer.insert("hq_building", values)
        else:
            writer.update("hq_building", {"id": existing[0]}, values)
    return {
        "name": name,
        "unit": unit_row["name"],
        "year": year_number,
        "revenue": yuan_to_wan(revenue_yuan),
        "tax": yuan_to_wan(tax_yuan),
    }


def list_buildings(ledger: Ledger, year: str | int | None = None) -> list[dict]:
    rows = _listing(
        ledger,
        "SELECT hq_building.name, unit.name AS unit, hq_building.year, hq_building.revenue, hq_building.tax "
        "FROM hq_building JOIN unit ON unit.id = hq_building.unit_id {where} ORDER BY hq_building.year, unit.id, hq_building.name",
        year,
        "hq_building.year = :year",
    )
    return [row | {"revenue": _wan_or_none(row["revenue"]), "tax": _wan_or_none(row["tax"])} for row in rows]


def _wan_or_none(yuan: int | None):
    return None if yuan is None else yuan_to_wan(yuan)


# --- meetings -----------------------------------------------------------------------------


def add_meeting(ledger: Ledger, actor: str, kind: str, on: str, title: str | None = None) -> dict:
    """Record a dispatch meeting (调度会) or project meeting (推进会) held on a date (（十七）)."""
    kind = parse_choice(kind, "会议类型（--kind）", _MEETING_CHOICES, MEETING_KINDS)
    held_on = parse_date(on, "会议日期（--on）")
    title_text = optional_text(title, "会议名称（--title）")
    with ledger.write(actor, "meeting.add", subject=f"{MEETING_KINDS[kind]} {held_on.isoformat()}") as writer:
        meeting_id = writer.insert("meeting", {"kind": kind, "held_on": held_on, "title": title_text})
    return {"id": meeting_id, "kind": kind, "kind_label": MEETING_KINDS[kind], "held_on": held_on, "title": title_text}


def list_meetings(ledger: Ledger, year: str | int | None = None) -> list[dict]:
    rows = _listing(
        ledger,
        "SELECT id, kind, held_on, title FROM meeting {where} ORDER BY held_on, id",
        year,
        "held_on LIKE :prefix",
    )
    return [row | {"kind_label": MEETING_KINDS.get(row["kind"], row["kind"])} for row in rows]


# --- what the rules read ------------------------------------------------------------------


def target_value(connection: Connection, metric: str, year: int, unit_id: int | None = None) -> Decimal | None:
    """A target for the year: the unit's own row when asked and present, else the district's; None if unset."""
    row = connection.exec_driver_sql(
        "SELECT value FROM target WHERE year = :year AND metric = :metric AND (unit_id IS NULL OR unit_id = :unit_id) "
        "ORDER BY unit_id IS NULL LIMIT 1",
        {"year": year, "metric": metric, "unit_id": unit_id},
    ).first()
    return Decimal(row[0]) if row is not None else None


def standing_target(connection: Connection, metric: str, year: int) -> tuple[Decimal, int] | None:
    """A standing duty's district target (ZS402, ZS403): the year's, else the latest earlier
    year's, with the year it comes from; None when no year up to `year` has one."""
    row = connection.exec_driver_sql(
        "SELECT value, year FROM target WHERE metric = :metric AND unit_id IS NULL AND year <= :year "
        "ORDER BY year DESC LIMIT 1",
        {"metric": metric, "year": year},
    ).first()
    return (Decimal(row[0]), row[1]) if row is not None else None


def unit_targets(connection: Connection, metric: str, year: int) -> list[tuple[int, str, Decimal]]:
    """(unit_id, unit name, value) of every unit with its own target of the metric for the year."""
    rows = connection.exec_driver_sql(
        "SELECT unit.id, unit.name, target.value FROM target JOIN unit ON unit.id = target.unit_id "
        "WHERE target.year = :year AND target.metric = :metric ORDER BY unit.id",
        {"year": year, "metric": metric},
    )
    return [(unit_id, name, Decimal(value)) for unit_id, name, value in rows]


def latest_indicator(connection: Connection, metric: str, as_of: date) -> tuple[str, Decimal] | None:
    """(month, value) of the latest year-to-date figure of as_of's year, for a month no later than
    as_of's (1–2月 is stored as month 02)."""
    row = connection.exec_driver_sql(
        "SELECT month, value FROM indicator WHERE metric = :metric AND month BETWEEN :first AND :last ORDER BY month DESC LIMIT 1",
        {"metric": metric, "first": f"{as_of.year:04d}-01", "last": as_of.isoformat()[:7]},
    ).first()
    return (row[0], Decimal(row[1])) if row is not None else None
