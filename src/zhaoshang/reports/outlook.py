"""The year-end outlook of ZS101 and ZS102 by the cohort method (design §5.4): "will we reach 117?"

At the day D of year Y, the **pipeline** of ZS101 is the major leads (在谈: not signed by D), of
ZS102 the major signed projects not started by D; each is put in an age band by the days since its
lead date (ZS101) or its signing (ZS102). For each **earlier year** Y′ of the ledger — a year in
which the ledger already held a project (a lead date) on the same day D′ — the cohort is the
pipeline as it stood at D′, and each band's share is the part of it that reached the counted stage
(signed, started) by 31 December of Y′ and was still live then (counted by the rule at year end).
Y′'s outcome is Σ over bands of (projects in the band now × Y′'s share of the band); a band Y′ had
no project of takes Y′'s share over all its pipeline. The likely value is the figure so far plus
the average of the outcomes, the range the figure so far plus the smallest and the largest. A
pipeline counts only projects the ledger knew then (lead date on or before the day): a project
entered later with its history does not enlarge an earlier year's cohort, which would only hold
the ones that made it. No earlier year: 无法预测.

A lead date is the project's `--lead`, else the day it entered the ledger. A project imported
without one has its lead date read from the audit entry that entered it.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from zhaoshang.audit import inserted_days
from zhaoshang.db import driver_cursor
from zhaoshang.reports.model import BAD, GOOD, Column, Period, Row, Section
from zhaoshang.rules import REGISTRY, CheckReport
from zhaoshang.rules.projects import MAJOR_YUAN
from zhaoshang.rules.results import json_number_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# (fewest days, more than the band's last day: None for the open end, label)
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 90, "不足3个月"),
    (90, 180, "3至6个月"),
    (180, 365, "6至12个月"),
    (365, None, "1年以上"),
)


@dataclass(frozen=True)
class Stream:
    """What a rule's pipeline is: projects dated by `since` (lead_on, signed_on) that have not yet
    reached `stage` (signed_on, started_on)."""

    code: str
    since: str
    stage: str
    pipeline_word: str  # 在谈, 签约未开工
    reached_word: str  # 签约, 开工


STREAMS = (
    Stream("ZS101", "lead_on", "signed_on", "在谈", "签约"),
    Stream("ZS102", "signed_on", "started_on", "签约未开工", "开工"),
)


@dataclass
class Outlook:
    code: str
    actual: int | None
    pipeline: int  # projects in the pipeline at D
    likely: Fraction | None  # None: 无法预测
    low: Fraction | None
    high: Fraction | None
    outcomes: dict[int, Fraction]  # earlier year -> what its shares make of the pipeline (without the actual)
    reason: str | None = None  # why 无法预测


def same_day(day: date, year: int) -> date:
    """The day of the same month and day in another year (29 February: the 28th)."""
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


_BAND_STARTS = [low for low, _, _ in AGE_BANDS[1:]]


def _band(age: int) -> int:
    """The index of the age band of `age` days."""
    return bisect_right(_BAND_STARTS, age)


def _projects(connection: Connection) -> list[dict]:
    """Every major project's lead, stage and termination dates (ISO text); lead dates missing
    (an import that did not set one) read from the audit log."""
    with driver_cursor(connection) as cursor:
        cursor.execute(
            "SELECT id, lead_on, signed_on, started_on, terminated_on FROM project WHERE amount >= :major",
            {"major": MAJOR_YUAN},
        )
        rows = [
            {"id": row[0], "lead_on": row[1], "signed_on": row[2], "started_on": row[3], "terminated_on": row[4]}
            for row in cursor.fetchall()
        ]
    if any(row["lead_on"] is None for row in rows):
        entered = inserted_days(connection, "project")
        for row in rows:
            row["lead_on"] = row["lead_on"] or entered.get(row["id"])
    return [row for row in rows if row["lead_on"] is not None]


def _tallies(projects: list[dict], stream: Stream, years: list[int], as_of: date) -> dict[int, list[list[int]]]:
    """Per year of `years` (consecutive, ending with as_of's), per age band: [projects in the
    stream's pipeline at the year's day, of them those that reached the counted stage by 31 December
    and were still live then]. A project is in the pipeline at a day X when it is known to the
    ledger (lead date ≤ X), dated `since` ≤ X, not at the stage by X and not terminated by X: the
    days X it is in form one run of years, found from its dates, so each project is read once."""
    days = {year: same_day(as_of, year) for year in years}
    iso = {year: day.isoformat() for year, day in days.items()}
    tallies = {year: [[0, 0] for _ in AGE_BANDS] for year in years}
    low, high = years[0], years[-1]
    for project in projects:
        since = project[stream.since]
        if since is None:
            continue
        start = max(project["lead_on"], since)
        first = int(start[:4])
        if first > high:
            continue
        first = low if first < low else first + (start > iso[first])
        stage, terminated = project[stream.stage], project["terminated_on"]
        ends = [day for day in (stage, terminated) if day is not None]
        last = high  # the last year whose day is before the stage and the termination
        if ends:
            end = min(ends)
            year = int(end[:4])
            if year < low:
                continue
            if year <= high:
                last = year if iso[year] < end else year - 1
        since_day = date.fromisoformat(since)
        for year in range(first, last + 1):
            year_end = f"{year}-12-31"
            reached = stage is not None and stage <= year_end and (terminated is None or terminated > year_end)
            band = tallies[year][_band((days[year] - since_day).days)]
            band[0] += 1
            band[1] += reached
    return tallies


def _outcome(now: list[int], cohort: list[list[int]]) -> Fraction:
    """Σ over bands of (projects in the band now × the cohort's share of the band that reached the
    stage); a band the cohort has no project in takes the cohort's share over all its bands."""
    overall = Fraction(sum(reached for _, reached in cohort), sum(members for members, _ in cohort))
    return sum(
        (
            count * (Fraction(reached, members) if members else overall)
            for count, (members, reached) in zip(now, cohort, strict=True)
        ),
        Fraction(0),
    )


def year_end_outlook(connection: Connection, as_of: date, actuals: dict[str, int | None]) -> list[Outlook]:
    """The outlook of ZS101 and ZS102 at as_of; `actuals` their district figures so far (the rules')."""
    projects = _projects(connection)
    first = min((project["lead_on"] for project in projects), default=None)
    years = (
        [year for year in range(int(first[:4]), as_of.year) if first <= same_day(as_of, year).isoformat()]
        if first
        else []
    )
    outlooks = []
    for stream in STREAMS:
        actual = actuals.get(stream.code)
        tallies = _tallies(projects, stream, [*years, as_of.year], as_of)
        now = [members for members, _ in tallies[as_of.year]]
        outcomes = {
            year: _outcome(now, tallies[year]) for year in years if any(members for members, _ in tallies[year])
        }
        outlook = Outlook(stream.code, actual, sum(now), None, None, None, outcomes)
        if actual is None:
            outlook.reason = "未设定年度目标，没有年累计数"
        elif not years:
            outlook.reason = f"台账中没有{as_of.year}年以前{as_of.month}月{as_of.day}日已有项目的年份可作对照"
        elif not outcomes:
            outlook.reason = f"此前各年{as_of.month}月{as_of.day}日都没有{stream.pipeline_word}的亿元以上项目可作对照"
        else:
            values = list(outcomes.values())
            outlook.likely = actual + sum(values, Fraction(0)) / len(values)
            outlook.low, outlook.high = actual + min(values), actual + max(values)
        outlooks.append(outlook)
    return outlooks


# --- 全年预测: the section of the bulletin -----------------------------------------------------

_COLUMNS = [
    Column("code", "代码"),
    Column("title", "指标"),
    Column("target", "年度目标", "count"),
    Column("actual", "年累计", "count"),
    Column("pipeline", "在途项目", "count"),
    Column("likely", "预计全年", "decimal"),
    Column("low", "预计下限", "decimal"),
    Column("high", "预计上限", "decimal"),
    Column("likely_completion", "预计完成率", "rate"),
    Column("basis", "对照年份"),
    Column("note", "说明", wrap=True),
]


def outlook_section(connection: Connection, period: Period, report: CheckReport) -> Section:
    """全年预测: for ZS101 and ZS102, the figure so far, the pipeline, the likely year-end figure and
    its range by the cohort method, against the year's target."""
    district = {
        result.code: result for result in report.results if result.code in ("ZS101", "ZS102") and result.subject is None
    }
    actuals = {code: _whole(result.actual) for code, result in district.items()}
    keys = [column.key for column in _COLUMNS]
    rows = []
    for outlook, stream in zip(year_end_outlook(connection, period.as_of, actuals), STREAMS, strict=True):
        result = district.get(stream.code)
        target = result.target if result is not None else None
        completion = outlook.likely / Fraction(target) if outlook.likely is not None and target else None
        values = {
            "code": stream.code, "title": REGISTRY.get(stream.code).title, "target": target, "actual": outlook.actual,
            "pipeline": outlook.pipeline, "likely": outlook.likely, "low": outlook.low, "high": outlook.high,
            "likely_completion": completion, "basis": "、".join(f"{year}年" for year in outlook.outcomes) or None,
            "note": _note(outlook, stream),
        }  # fmt: skip
        flags = {}
        if target is not None and outlook.high is not None and outlook.high < target:
            flags[keys.index("likely")] = BAD  # even the best earlier year falls short
        elif target is not None and outlook.low is not None and outlook.low >= target:
            flags[keys.index("likely")] = GOOD
        rows.append(Row(tuple(values[key] for key in keys), flags or None))
    bands = "、".join(label for _, _, label in AGE_BANDS)
    notes = [
        f"预测方法（队列法）：在途项目——签约亿元以上项目为截至{period.as_of.isoformat()}的在谈项目，按在谈时长分组；"
        f"新开工亿元以上项目为签约未开工的项目，按签约后的时长分组（{bands}）。",
        f"台账中此前每一年（当年{period.as_of.month}月{period.as_of.day}日台账中已有项目的年份）同一日同组的项目，到当年12月31日签约（开工）"
        "且未终止的比例，乘以现在各组的项目数相加，为按该年推算的全年增量；预计全年＝年累计＋各年推算的平均，"
        "预计下限、上限＝年累计＋其中最小、最大的。某年同组没有项目的，用该年全部在途项目的比例。",
        "只计总投资1亿元以上、未终止、当时已录入台账（在谈日期不晚于当日）的项目；在谈日期为 --lead 所填，"
        "不填为录入台账之日。没有可对照的年份时为“无法预测”。预计全年是推算，不是考核数字。",
    ]
    return Section("outlook", "全年预测", _COLUMNS, rows, notes, frozen_columns=2)


def _whole(value) -> int | None:
    return None if value is None else int(value)


def _note(outlook: Outlook, stream: Stream) -> str:
    if outlook.likely is None:
        return f"无法预测：{outlook.reason}"
    shown = "、".join(f"{year}年{_figure(value)}个" for year, value in outlook.outcomes.items())
    return (
        f"年累计{outlook.actual}个，{stream.pipeline_word}的亿元以上项目{outlook.pipeline}个；"
        f"按此前各年同期到年底{stream.reached_word}的比例，全年还可增加：{shown}"
    )


def _figure(value: Fraction) -> str:
    return json_number_text(value, 1).removesuffix(".0")
