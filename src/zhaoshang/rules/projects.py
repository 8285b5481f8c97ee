"""Rules on projects: the year's major projects (ZS101–ZS105) and how they are pushed (ZS402–ZS404).

A terminated project (终止) is never counted, and a project signed twice (ZS404) is counted
once. Money is compared in whole 元 in SQL.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from zhaoshang.rules.registry import rule
from zhaoshang.rules.results import (
    Result,
    Scope,
    against_level,
    against_progress,
    as_number,
    by_year_end,
    figure,
    missing_target,
    progress,
    progress_message,
    shared,
    unit_word,
    year_over,
)
from zhaoshang.services.quota_data import target_value, unit_targets

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MAJOR_YUAN = 100_000_000  # 亿元以上项目: amount ≥ 1亿元 = 10,000万元 (design §1)
MEGA_YUAN = 5_000_000_000  # 50亿元以上项目: amount ≥ 500,000万元
LIVE = "project.status != 'terminated'"
# `+column` keeps SQLite off the date index where a range or an order covers the whole history
# (signed on or before as_of): it matches most rows, and a plain scan is ten times faster.
_LISTED = 10  # projects named in one message; the rest are counted


def scopes(connection: Connection, metric: str, year: int) -> list[Scope]:
    """The district, then every unit with its own target of the metric for the year (任务分解)."""
    district = Scope(None, None, target_value(connection, metric, year))
    return [district] + [Scope(unit_id, name, value) for unit_id, name, value in unit_targets(connection, metric, year)]


class Tally(NamedTuple):
    """One unit's figures of a counting rule: the projects counted, those of them that reached
    the next stage, and the later signings of duplicate groups left out (ZS404)."""

    counted: int = 0  # not `count`, which would hide tuple.count
    reached: int = 0
    duplicates: int = 0


# The tallies of ZS101–ZS105: (date column, least amount, column of the next stage).
_TALLIES = {
    "signed": ("signed_on", MAJOR_YUAN, "started_on"),  # ZS101; ZS104: of those, started
    "mega": ("signed_on", MEGA_YUAN, "NULL"),  # ZS103
    "started": ("started_on", MAJOR_YUAN, "included_on"),  # ZS102; ZS105: of those, included
}


def _tallies(connection: Connection, year: int, as_of: date) -> dict[str, dict[int, Tally]]:
    """Per tally of `_TALLIES` and unit: the live projects whose date falls in [1 January, as_of]
    with the least amount, and of those the ones that reached the next stage on or before as_of;
    the later signing of a project signed twice (ZS404) is not counted but tallied as a
    duplicate. One scan of the year's projects for the five rules, once per run."""

    def compute() -> dict[str, dict[int, Tally]]:
        later = later_signings(connection, year, as_of)
        # ids come from the ledger as int: written into the SQL as numbers, they cannot inject anything
        duplicate = (
            f"project.id IN ({', '.join(str(int(project_id)) for project_id in sorted(later))})" if later else "0"
        )
        columns = []
        for column, least, reached in _TALLIES.values():
            counted = f"{column} BETWEEN :first AND :as_of AND amount >= {least:d}"
            columns += [
                f"count(CASE WHEN {counted} THEN 1 END)",
                f"count(CASE WHEN {counted} AND {reached} <= :as_of THEN 1 END)",
            ]
        rows = connection.exec_driver_sql(
            f"SELECT unit_id, {duplicate} AS duplicate, {', '.join(columns)} FROM project "
            f"WHERE amount >= {min(least for _, least, _ in _TALLIES.values()):d} AND {LIVE} "
            "AND (signed_on BETWEEN :first AND :as_of OR started_on BETWEEN :first AND :as_of) GROUP BY unit_id, duplicate",
            {"first": date(year, 1, 1).isoformat(), "as_of": as_of.isoformat()},
        )
        tallies: dict[str, dict[int, Tally]] = {name: {} for name in _TALLIES}
        for unit_id, is_duplicate, *figures in rows:
            for index, name in enumerate(_TALLIES):
                count, reached = figures[2 * index], figures[2 * index + 1]
                tally = tallies[name].get(unit_id, Tally())
                tallies[name][unit_id] = (
                    tally._replace(duplicates=count) if is_duplicate else tally._replace(counted=count, reached=reached)
                )
        return tallies

    return shared(connection, ("project_tallies", year, as_of), compute)


def _per_scope(connection: Connection, metric: str, year: int, tallies: dict[int, Tally], judge) -> list[Result]:
    """judge(subject, target, tally) for the district, then for each unit with its own target
    for the year (任务分解); a scope without a target is no_data."""
    results = []
    for scope in scopes(connection, metric, year):
        if scope.target is None:
            results.append(missing_target(metric, year, scope.unit))
            continue
        rows = list(tallies.values()) if scope.unit_id is None else [tallies.get(scope.unit_id, Tally())]
        total = Tally(*(sum(column) for column in zip(Tally(), *rows, strict=True)))
        results.append(judge(scope.unit, as_number(scope.target), total))
    return results


def _duplicates_note(tally: Tally) -> str:
    return f"（已剔除重复签约{tally.duplicates}个）" if tally.duplicates else ""


def _count_results(
    connection: Connection, metric: str, year: int, as_of: date, tallies: dict[int, Tally], with_progress: bool
) -> list[Result]:
    share, over = progress(as_of), year_over(as_of)
    word = unit_word(metric)

    def judge(subject: str | None, target, tally: Tally) -> Result:
        actual, note = tally.counted, _duplicates_note(tally)
        if with_progress:
            status, expected = against_progress(actual, target, share, over)
            message = progress_message(actual, target, share, status, "count", word, note=note)
        else:
            status, expected = by_year_end(actual, target, over), None
            message = progress_message(actual, target, Fraction(1), status, "count", word, note=note)
            if status == "in_progress":
                message = (
                    f"完成{figure('count', actual, word)}{note}，年度目标{figure('count', target, word)}，年内完成即可"
                )
        facts = {"duplicates": tally.duplicates}
        return Result(subject, str(year), actual, target, expected, status, message, metric=metric, facts=facts)

    return _per_scope(connection, metric, year, tallies, judge)


@rule("ZS101", "major-projects-signed", "签约亿元以上项目", "（四）", "error")
def major_projects_signed(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年签约的亿元以上项目个数，对照年度目标和序时进度。
    依据：（四）“2024年签约亿元以上项目117个”；（十八）“按序时进度进行通报”。
    计算：签约日期在当年1月1日至检查日（含）、总投资不少于1亿元（10,000万元）的项目个数；
    已终止的不计，同一项目重复签约（见 ZS404）只计最早签约的一条，说明中写明剔除几个。
    序时进度 p =（月份 − 1 + 日 ÷ 当月天数）÷ 12。个数不少于 目标 × p 为超序时，达到年度目标为达标，
    低于 目标 × p 为落后序时；12月31日仍未达到年度目标为未完成。当年未设定目标为无数据。
    设有本单位 ZS101 目标（任务分解）的单位，另按本单位负责的项目单独判定。
    """
    tallies = _tallies(connection, year, as_of)["signed"]
    return _count_results(connection, "ZS101", year, as_of, tallies, with_progress=True)


@rule("ZS102", "major-projects-started", "新开工亿元以上项目", "（四）", "error")
def major_projects_started(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年新开工的亿元以上项目个数，对照年度目标和序时进度。
    依据：（四）“新开工亿元以上项目79个”。
    计算：开工日期在当年1月1日至检查日（含）、总投资不少于1亿元的项目个数，不论哪一年签约
    （上年签约、今年开工的也计入）；已终止的不计，重复签约（见 ZS404）中后签约的那条不计。
    判定同 ZS101：对照 目标 × 序时进度，12月31日未达到为未完成。
    设有本单位 ZS102 目标的单位另行判定。
    """
    tallies = _tallies(connection, year, as_of)["started"]
    return _count_results(connection, "ZS102", year, as_of, tallies, with_progress=True)


@rule("ZS103", "mega-project-signed", "50亿元以上项目突破", "（四）", "warning")
def mega_project_signed(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年是否签约了50亿元以上项目（实现突破）。
    依据：（四）“力争50亿元以上项目实现突破”——“力争”，故为预期性指标。
    计算：签约日期在当年1月1日至检查日（含）、总投资不少于50亿元（500,000万元）的项目个数，
    已终止的不计，重复签约只计一次。“突破”没有序时之分：达到目标（1个）为达标；
    12月31日前未达到为进行中，不判未通过；12月31日仍未达到为未完成。
    """
    tallies = _tallies(connection, year, as_of)["mega"]
    return _count_results(connection, "ZS103", year, as_of, tallies, with_progress=False)


def _rate_results(
    connection: Connection, metric: str, year: int, as_of: date, tallies: dict[int, Tally], words: tuple[str, str, str]
) -> list[Result]:
    """Per scope: rate = reached / cohort, judged against the target as it stands; an empty cohort is no_data."""
    rate_name, cohort_name, reached_name = words
    over = year_over(as_of)

    def judge(subject: str | None, target, tally: Tally) -> Result:
        cohort, reached, note = tally.counted, tally.reached, _duplicates_note(tally)
        facts = {"cohort": cohort, "reached": reached, "duplicates": tally.duplicates}
        if cohort == 0:
            message = f"尚无{cohort_name}{note}，{rate_name}无数据"
            return Result(
                subject, str(year), None, target, None, "no_data", message, kind="rate", metric=metric, facts=facts
            )
        rate = Fraction(reached, cohort)
        status = against_level(rate, target, over)
        comparison = "达到" if status == "met" else "低于"
        message = f"{cohort_name}{cohort}个{note}，已{reached_name}{reached}个，{rate_name}{figure('rate', rate)}，{comparison}目标{figure('rate', target)}"
        return Result(subject, str(year), rate, target, None, status, message, kind="rate", metric=metric, facts=facts)

    return _per_scope(connection, metric, year, tallies, judge)


@rule("ZS104", "start-rate", "签约项目开工率", "（十六）", "warning")
def start_rate(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年签约的亿元以上项目中已开工的比例（签约项目开工率）。
    依据：（十六）“力争签约项目开工率、开工项目纳统率指标分别达到75%和80%以上”——“力争”，故为预期性指标。
    计算：基数为 ZS101 所计的项目（当年1月1日至检查日签约、总投资不少于1亿元、未终止、
    重复签约只计一次）；开工率 = 其中开工日期不晚于检查日的个数 ÷ 基数（如 0.935）。
    按当前数值对照目标（75%），不按序时折算：低于目标为落后，12月31日仍低于为未完成。
    基数为0时为无数据，不判未通过。设有本单位 ZS104 目标的单位另行计算。
    """
    tallies = _tallies(connection, year, as_of)["signed"]
    return _rate_results(connection, "ZS104", year, as_of, tallies, ("开工率", f"{year}年签约亿元以上项目", "开工"))


@rule("ZS105", "inclusion-rate", "开工项目纳统率", "（十六）", "warning")
def inclusion_rate(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年新开工的亿元以上项目中已入库纳统的比例（开工项目纳统率）。
    依据：（十六）“力争签约项目开工率、开工项目纳统率指标分别达到75%和80%以上”——“力争”，故为预期性指标。
    计算：基数为 ZS102 所计的项目（当年1月1日至检查日开工、总投资不少于1亿元、不论签约年份、
    未终止、重复签约只计一次）；纳统率 = 其中纳统日期不晚于检查日的个数 ÷ 基数。
    判定同 ZS104（目标80%）；基数为0时为无数据。设有本单位 ZS105 目标的单位另行计算。
    """
    tallies = _tallies(connection, year, as_of)["started"]
    return _rate_results(connection, "ZS105", year, as_of, tallies, ("纳统率", f"{year}年新开工亿元以上项目", "纳统"))


# --- ZS402–ZS404: how signed projects are pushed -------------------------------------------

_PROJECT_COLUMNS = (
    "project.code, project.name, unit.name AS unit, project.signed_on, project.started_on, project.included_on, "
    "project.investor, project.status, project.status_reason"
)
_PROJECT_SQL = f"SELECT {_PROJECT_COLUMNS} FROM project JOIN unit ON unit.id = project.unit_id"


def _listing(projects: list[dict]) -> str:
    named = "、".join(f"{p['code']} {p['name']}（{p['unit']}）" for p in projects[:_LISTED])
    return named + (f" 等{len(projects)}个" if len(projects) > _LISTED else "")


@rule("ZS402", "handler-assigned", "签约项目专人推进", "（三）", "error")
def handler_assigned(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：签约项目是否都有专人推进。
    依据：（三）“确保签约项目专人推进，推动签约项目早投产早见效”。
    计算：签约日期不晚于检查日、未终止、到检查日尚未投产的项目（不论哪年签约；投产后专人任务结束），
    其中已指定专人的比例，对照 ZS402（1，即全部）；说明中列出没有专人的项目。
    按当前数值判定：低于目标为落后，12月31日为未完成。没有这样的项目为无数据。
    """
    stored = target_value(connection, "ZS402", year)
    if stored is None:
        return [missing_target("ZS402", year)]
    params = {"as_of": as_of.isoformat()}
    pushing = (
        f"+project.signed_on <= :as_of AND {LIVE} AND (project.producing_on IS NULL OR project.producing_on > :as_of)"
    )
    total, with_handler = connection.exec_driver_sql(
        f"SELECT count(*), count(handler_id) FROM project WHERE {pushing}", params
    ).one()
    target = as_number(stored)
    if total == 0:
        return [
            Result(None, str(year), None, target, None, "no_data", "尚无签约未投产的项目", kind="rate", metric="ZS402")
        ]
    offenders = [
        dict(row)
        for row in connection.exec_driver_sql(
            f"{_PROJECT_SQL} WHERE {pushing} AND project.handler_id IS NULL ORDER BY +project.signed_on, project.id",
            params,
        ).mappings()
    ]
    rate = Fraction(with_handler, total)
    status = against_level(rate, target, year_over(as_of))
    if offenders:
        message = f"签约未投产项目{total}个，{len(offenders)}个没有专人：{_listing(offenders)}；指定专人：zs project edit 编号 --handler 姓名"
    else:
        message = f"签约未投产项目{total}个，均有专人推进"
    return [
        Result(
            None,
            str(year),
            rate,
            target,
            None,
            status,
            message,
            kind="rate",
            metric="ZS402",
            facts={"projects": offenders},
        )
    ]


@rule("ZS403", "stalled-projects", "停滞项目", "（十九）", "warning")
def stalled_projects(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：停滞项目——签约后久未开工，或开工后久未纳统。
    依据：（十九）“及时整治停滞项目，依法按协议果断采取措施及时止损”。
    计算：未终止的项目（已标记停滞的也在内，不论哪年签约）中，到检查日签约已超过
    ZS403.unstarted_days（180天）而检查日前未开工的，或开工已超过 ZS403.unincluded_days（90天）而
    检查日前未纳统的。等待天数 = 检查日 − 签约（或开工）日期。每个项目一条结果（对象为项目编号，
    实际为等待天数，目标为限定天数），为落后（12月31日为未完成）；没有则为一条达标结果。
    """
    unstarted = target_value(connection, "ZS403.unstarted_days", year)
    unincluded = target_value(connection, "ZS403.unincluded_days", year)
    if unstarted is None or unincluded is None:
        return [missing_target("ZS403.unstarted_days" if unstarted is None else "ZS403.unincluded_days", year)]
    limits = {"unstarted": int(unstarted), "unincluded": int(unincluded)}
    params = {
        "as_of": as_of.isoformat(),
        "signed_before": (as_of - timedelta(days=limits["unstarted"] + 1)).isoformat(),
        "started_before": (as_of - timedelta(days=limits["unincluded"] + 1)).isoformat(),
    }
    rows = connection.exec_driver_sql(
        f"{_PROJECT_SQL} WHERE {LIVE} AND ("
        "(+project.signed_on <= :signed_before AND (project.started_on IS NULL OR project.started_on > :as_of)) OR "
        "(+project.started_on <= :started_before AND (project.included_on IS NULL OR project.included_on > :as_of))) "
        "ORDER BY +project.signed_on, project.id",
        params,
    ).mappings()
    over = year_over(as_of)
    results = []
    for row in rows:
        unstarted_case = row["started_on"] is None or row["started_on"] > as_of.isoformat()
        if unstarted_case:
            kind, since, done, waiting = "unstarted", row["signed_on"], "签约", "未开工"
        else:
            kind, since, done, waiting = "unincluded", row["started_on"], "开工", "未纳统"
        days = (as_of - date.fromisoformat(since)).days
        stall = f"（已标记停滞：{row['status_reason']}）" if row["status"] == "stalled" else ""
        message = f"{row['name']}（{row['unit']}）{since}{done}，{waiting}已{days}天，超过{limits[kind]}天{stall}"
        facts = {"project": dict(row), "waiting": kind, "since": since, "days": days}
        results.append(
            Result(row["code"], str(year), days, limits[kind], None, "missed" if over else "behind", message,
                   kind="days", metric=f"ZS403.{kind}_days", facts=facts)
        )  # fmt: skip
    if not results:
        message = f"没有签约超过{limits['unstarted']}天未开工、开工超过{limits['unincluded']}天未纳统的项目"
        results.append(Result(None, str(year), 0, 0, None, "met", message, metric="ZS403.unstarted_days"))
    return results


_NAME_SUFFIXES = ("项目", "工程", "建设")
_MIN_CONTAINED = 4  # a shorter name inside a longer one is too weak a sign (电池 in 电池材料)


def name_key(name: str) -> str:
    """A project name as compared for ZS404: full-width folded, lower case, only letters and
    digits kept, and common suffixes (项目, 工程, 建设) removed from the end."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    stripped = True
    while stripped:
        stripped = False
        for suffix in _NAME_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, stripped = text[: -len(suffix)], True
    return text


# A phase of a project: 一期, 二期, 2期, 第三期, （一期）, 十二期. Another phase is another project.
_PHASE_RE = re.compile(r"第?([0-9]+|[一二三四五六七八九十]+)期")
_CHINESE_DIGITS = {digit: value for value, digit in enumerate("一二三四五六七八九", start=1)}


def _phase_number(numeral: str) -> int | str:
    """2 for 2 and 二, 12 for 十二, 20 for 二十; a numeral not understood stays as text."""
    if numeral.isdigit():
        return int(numeral)
    tens, ten, ones = numeral.partition("十")
    if not ten:
        return _CHINESE_DIGITS.get(numeral, numeral)
    if (tens and tens not in _CHINESE_DIGITS) or (ones and ones not in _CHINESE_DIGITS):
        return numeral
    return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)


@lru_cache(maxsize=8192)
def phases_and_key(name: str) -> tuple[tuple, str]:
    """The phases a project name names (sorted; empty when none) and its name_key without them:
    `众诚电池二期项目` → ((2,), '众诚电池')."""
    text = unicodedata.normalize("NFKC", name)
    phases = tuple(sorted((_phase_number(match[1]) for match in _PHASE_RE.finditer(text)), key=str))
    return phases, name_key(_PHASE_RE.sub("", text))


def names_alike(first: str, second: str) -> bool:
    """The same phase (一期 and 1期 alike; 二期 and none not), and then the names without the phase
    equal after name_key, or one inside the other and the shorter at least 4 characters."""
    (first_phases, first_key), (second_phases, second_key) = phases_and_key(first), phases_and_key(second)
    if first_phases != second_phases:
        return False
    a, b = sorted((first_key, second_key), key=len)
    return a == b or (len(a) >= _MIN_CONTAINED and a in b)


def _alike_groups(projects: list[dict]) -> list[list[dict]]:
    """Projects of one investor joined into groups of alike names (transitively); each group of
    two or more in signing order (a tie: the one entered first), its first the signing that counts."""
    groups: list[list[dict]] = []
    for project in projects:
        joined = [group for group in groups if any(names_alike(project["name"], other["name"]) for other in group)]
        merged = [project] + [member for group in joined for member in group]
        groups = [group for group in groups if group not in joined] + [merged]
    return [sorted(group, key=lambda p: (p["signed_on"], p["id"])) for group in groups if len(group) > 1]


# An investor as compared for ZS404: case and spaces (half- and full-width) ignored.
_INVESTOR_KEY = "replace(replace(lower(project.investor), ' ', ''), '　', '')"
_SIGNED_WITH_INVESTOR = f"+project.signed_on <= :as_of AND {LIVE} AND project.investor IS NOT NULL"


def duplicate_groups(connection: Connection, year: int, as_of: date) -> list[list[dict]]:
    """The projects signed twice (ZS404) that matter for the year: groups of live projects signed
    on or before as_of, of one investor (compared ignoring case and spaces), with alike names
    (`names_alike`), of which a member was signed or started in [1 January, as_of]. Each group
    is in signing order; computed once per run of the rules."""

    def compute() -> list[list[dict]]:
        params = {"as_of": as_of.isoformat(), "first": date(year, 1, 1).isoformat()}
        # Only the investors of the year's signings and starts (found through the date indexes)
        # are looked for among all signed projects: grouping every signed project by the key
        # would sort the whole history. Few rows come to Python.
        rows = connection.exec_driver_sql(
            "WITH recent(investor_key) AS ("
            f"  SELECT {_INVESTOR_KEY} FROM project WHERE signed_on BETWEEN :first AND :as_of AND {_SIGNED_WITH_INVESTOR}"
            f"  UNION SELECT {_INVESTOR_KEY} FROM project WHERE started_on BETWEEN :first AND :as_of AND {_SIGNED_WITH_INVESTOR}),"
            f" candidates AS (SELECT id, {_INVESTOR_KEY} AS investor_key FROM project"
            f"  WHERE {_SIGNED_WITH_INVESTOR} AND {_INVESTOR_KEY} IN (SELECT investor_key FROM recent WHERE investor_key != '')),"
            " repeated AS (SELECT investor_key FROM candidates GROUP BY investor_key HAVING count(*) > 1) "
            f"SELECT project.id, {_PROJECT_COLUMNS}, candidates.investor_key FROM repeated JOIN candidates USING (investor_key) "
            "JOIN project ON project.id = candidates.id JOIN unit ON unit.id = project.unit_id "
            "ORDER BY candidates.investor_key, project.signed_on, project.id",
            params,
        ).mappings()
        by_investor: dict[str, list[dict]] = {}
        for row in rows:
            by_investor.setdefault(row["investor_key"], []).append(dict(row))
        return [group for projects in by_investor.values() for group in _alike_groups(projects)]

    return shared(connection, ("duplicate_groups", year, as_of), compute)


def later_signings(connection: Connection, year: int, as_of: date) -> frozenset[int]:
    """Ids of the projects that ZS101–ZS105 leave out, counting a project signed twice once: in
    each group of `duplicate_groups` every signing but the first (the earliest; a tie: the lower id)."""
    return frozenset(project["id"] for group in duplicate_groups(connection, year, as_of) for project in group[1:])


@rule("ZS404", "signed-twice", "同一项目重复签约", "（十六）", "warning")
def signed_twice(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：同一项目重复签约（同一投资方、名称相近）。
    依据：（十六）“引导求真务实，避免包装项目、‘以次充好’”。
    计算：检查日前签约、未终止的项目中，投资方相同（不计大小写和空格）且名称相近的归为一组。
    名称相近：统一全角半角、去掉标点空格和结尾的“项目”“工程”“建设”后相同，或较短者（至少4个字）
    包含在较长者之中；但期数不同的（一期与二期，或一个标有期数、一个没有）是不同的项目，不算相近。
    组内有当年签约的，每组一条结果（对象为按签约先后排列的项目编号），为落后（12月31日为未完成），
    请合并或终止多余的登记。ZS101–ZS105 每组只计最早签约的一条（同日签约的计先登记的）。
    """
    first = date(year, 1, 1).isoformat()
    over = year_over(as_of)
    results = []
    for group in duplicate_groups(connection, year, as_of):
        if not any(p["signed_on"] >= first for p in group):
            continue  # started this year, signed in earlier years: reported in its signing year
        listed = "、".join(f"{p['code']} {p['name']}（{p['signed_on']}签约）" for p in group)
        message = (
            f"投资方「{group[0]['investor']}」的{len(group)}个项目名称相近，疑为同一项目重复签约，"
            f"只计最早签约的{group[0]['code']}一次：{listed}"
        )
        results.append(
            Result("、".join(p["code"] for p in group), str(year), len(group), 1, None, "missed" if over else "behind", message,
                   metric="ZS404", facts={"projects": group})
        )  # fmt: skip
    if not results:
        results.append(
            Result(None, str(year), 0, 0, None, "met", "没有同一投资方名称相近的重复签约项目", metric="ZS404")
        )
    return results
