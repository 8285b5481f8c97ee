"""Rules on projects: the year's major projects (ZS101–ZS105) and how they are pushed (ZS402–ZS404).

Everything is judged as it stood at as_of (design §5.1): a project terminated on or before
as_of is not counted, one terminated later still is; a stall counts where it was on as_of. A
project signed twice (ZS404) and not merged counts once, as one project with the group's earliest
stage dates, largest amount and the unit of its earliest signing. Money is compared in whole 元 in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from zhaoshang.db import driver_cursor, unindexed
from zhaoshang.rules.registry import rule
from zhaoshang.rules.results import (
    Number,
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
    unjudged,
    year_over,
)
from zhaoshang.services.alike import INVESTOR_KEY_SQL, alike_groups, distinct_pairs
from zhaoshang.services.alike import name_key as name_key  # re-exported: the tests and docs name it here
from zhaoshang.services.alike import names_alike as names_alike
from zhaoshang.services.inspections import VERIFIED_START_SQL
from zhaoshang.services.quota_data import standing_target, target_value, unit_targets
from zhaoshang.services.status import LIVE_SQL, stalled_at
from zhaoshang.services.units import ON_POST_SQL

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MAJOR_YUAN = 100_000_000  # 亿元以上项目: amount ≥ 1亿元 = 10,000万元 (design §1)
MEGA_YUAN = 5_000_000_000  # 50亿元以上项目: amount ≥ 500,000万元
LIVE = LIVE_SQL  # not terminated on or before :as_of
LISTED = 10  # projects named in one message; the rest are counted


def scopes(connection: Connection, metric: str, year: int) -> list[Scope]:
    """The district, then every unit with its own target of the metric for the year (任务分解)."""
    district = Scope(None, None, target_value(connection, metric, year))
    return [district] + [Scope(unit_id, name, value) for unit_id, name, value in unit_targets(connection, metric, year)]


class Tally(NamedTuple):
    """One unit's figures of a counting rule: the projects counted, those of them that reached
    the next stage, and the other signings of duplicate groups left out (ZS404)."""

    counted: int = 0  # not `count`, which would hide tuple.count
    reached: int = 0
    duplicates: int = 0


# The tallies of ZS101–ZS105: (date column, least amount, column of the next stage).
_TALLIES = {
    "signed": ("signed_on", MAJOR_YUAN, "started_on"),  # ZS101; ZS104: of those, started
    "mega": ("signed_on", MEGA_YUAN, None),  # ZS103
    "started": ("started_on", MAJOR_YUAN, "included_on"),  # ZS102; ZS105: of those, included
}
STAGE_DATES = ("signed_on", "started_on", "included_on", "completed_on", "producing_on")
VERIFIED_COLUMN = "verified_started_on"  # a duplicate group member's start, where an inspection verified it


@dataclass(frozen=True)
class CountedOnce:
    """How the year's counts take the ZS404 groups left unmerged: each group's first (earliest)
    signing is replaced by one combined project — the group's earliest stage dates, its largest
    amount, the unit of its earliest signing — and its other signings are left out (tallied as
    duplicates where they would have counted)."""

    firsts: frozenset[int]
    others: frozenset[int]
    combined: tuple[dict, ...]

    @property
    def members(self) -> frozenset[int]:
        return self.firsts | self.others

    def excluding_sql(self) -> str:
        """A SQL condition leaving out every member (the ids are the ledger's integers, written as numbers)."""
        return f"project.id NOT IN ({_id_list(self.members)})" if self.members else "1"


def _id_list(ids: frozenset[int]) -> str:
    return ", ".join(str(int(project_id)) for project_id in sorted(ids))


def counted_once(connection: Connection, year: int, as_of: date) -> CountedOnce:
    """The year's unmerged ZS404 groups as the counts take them (see CountedOnce); once per run."""

    def compute() -> CountedOnce:
        groups = duplicate_groups(connection, year, as_of)
        combined = []
        for group in groups:
            row = {"unit_id": group[0]["unit_id"], "unit": group[0]["unit"], "amount": max(p["amount"] for p in group)}
            for column in (*STAGE_DATES, VERIFIED_COLUMN):
                row[column] = min((p[column] for p in group if p[column]), default=None)
            combined.append(row)
        return CountedOnce(
            frozenset(group[0]["id"] for group in groups),
            frozenset(p["id"] for group in groups for p in group[1:]),
            tuple(combined),
        )

    return shared(connection, ("counted_once", year, as_of), compute)


def _in_span(day: str | None, first: str, last: str) -> bool:
    return day is not None and first <= day <= last


def verified_starts_only(connection: Connection) -> bool:
    """Whether this run counts only verified starts (`check quotas --verified-starts`)."""
    return bool(connection.info.get("zs_rules_options", {}).get("verified_starts"))


def _tallies(connection: Connection, year: int, as_of: date) -> dict[str, dict[int, Tally]]:
    """Per tally of `_TALLIES` and unit: the projects live at as_of whose date falls in
    [1 January, as_of] with the least amount, and of those the ones that reached the next stage
    on or before as_of; a duplicate group counts once (CountedOnce), its other signings tallied as
    duplicates. With only verified starts counted, a start is its date where an inspection found
    it 属实 by as_of, else no start. One scan of the year's projects for the five rules, once per run."""
    verified = verified_starts_only(connection)

    def started(column: str | None) -> str | None:
        return VERIFIED_START_SQL if verified and column == "started_on" else column

    def compute() -> dict[str, dict[int, Tally]]:
        once = counted_once(connection, year, as_of)
        # 0: counted as itself; 1: another signing of a duplicate group; 2: a group's first, replaced by the combined project
        kind = "0"
        if once.members:
            kind = f"CASE WHEN project.id IN ({_id_list(once.others) or 'NULL'}) THEN 1 WHEN project.id IN ({_id_list(once.firsts)}) THEN 2 ELSE 0 END"
        columns = []
        for column, least, reached in _TALLIES.values():
            counted = f"{started(column)} BETWEEN :first AND :as_of AND amount >= {least:d}"
            columns += [
                f"count(CASE WHEN {counted} THEN 1 END)",
                f"count(CASE WHEN {counted} AND {started(reached) or 'NULL'} <= :as_of THEN 1 END)",
            ]
        first, last = date(year, 1, 1).isoformat(), as_of.isoformat()
        rows = connection.exec_driver_sql(
            f"SELECT unit_id, {kind} AS kind, {', '.join(columns)} FROM project "
            f"WHERE amount >= {min(least for _, least, _ in _TALLIES.values()):d} AND {LIVE} "
            "AND (signed_on BETWEEN :first AND :as_of OR started_on BETWEEN :first AND :as_of) GROUP BY unit_id, kind",
            {"first": first, "as_of": last},
        )
        tallies: dict[str, dict[int, Tally]] = {name: {} for name in _TALLIES}
        for unit_id, row_kind, *figures in rows:
            for index, name in enumerate(_TALLIES):
                count, reached = figures[2 * index], figures[2 * index + 1]
                tally = tallies[name].get(unit_id, Tally())
                if row_kind == 0:
                    tallies[name][unit_id] = tally._replace(
                        counted=tally.counted + count, reached=tally.reached + reached
                    )
                elif row_kind == 1:
                    tallies[name][unit_id] = tally._replace(duplicates=tally.duplicates + count)
        for project in once.combined:
            if verified:
                project = project | {"started_on": project[VERIFIED_COLUMN]}
            for name, (column, least, reached_column) in _TALLIES.items():
                if project["amount"] >= least and _in_span(project[column], first, last):
                    tally = tallies[name].get(project["unit_id"], Tally())
                    reached_on = project[reached_column] if reached_column else None
                    tallies[name][project["unit_id"]] = tally._replace(
                        counted=tally.counted + 1,
                        reached=tally.reached + (reached_on is not None and reached_on <= last),
                    )
        return tallies

    return shared(connection, ("project_tallies", year, as_of, verified), compute)


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


def _verified_note(connection: Connection, results: list[Result]) -> list[Result]:
    """Say in the messages of ZS102, ZS104, ZS105 when only verified starts were counted."""
    if verified_starts_only(connection):
        for result in results:
            result.message += "（只计现场查看属实的开工）"
            result.facts["verified_starts"] = True
    return results


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
    检查日当天或之前已终止的不计（检查日之后才终止的照计）。同一项目重复签约（见 ZS404）而未合并的一组
    只计一个：签约、开工等日期取组内最早的，总投资取最大的，计入最早签约的单位；其余各条剔除，说明中写明剔除几个。
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
    （上年签约、今年开工的也计入）；检查日前已终止的不计；重复签约（见 ZS404）未合并的一组按一个项目计，
    开工日期取组内最早的。
    判定同 ZS101：对照 目标 × 序时进度，12月31日未达到为未完成。
    设有本单位 ZS102 目标的单位另行判定。
    """
    tallies = _tallies(connection, year, as_of)["started"]
    return _verified_note(connection, _count_results(connection, "ZS102", year, as_of, tallies, with_progress=True))


@rule("ZS103", "mega-project-signed", "50亿元以上项目突破", "（四）", "warning")
def mega_project_signed(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年是否签约了50亿元以上项目（实现突破）。
    依据：（四）“力争50亿元以上项目实现突破”——“力争”，故为预期性指标。
    计算：签约日期在当年1月1日至检查日（含）、总投资不少于50亿元（500,000万元）的项目个数，
    检查日前已终止的不计，重复签约的一组只计一次（总投资取最大的）。“突破”没有序时之分：达到目标（1个）为达标；
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
            return unjudged(year, message, subject=subject, target=target, kind="rate", metric=metric, facts=facts)
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
    计算：基数为 ZS101 所计的项目（当年1月1日至检查日签约、总投资不少于1亿元、检查日未终止、
    重复签约的一组按一个项目计）；开工率 = 其中开工日期不晚于检查日的个数 ÷ 基数（如 0.935）。
    按当前数值对照目标（75%），不按序时折算：低于目标为落后，12月31日仍低于为未完成。
    基数为0时为无数据，不判未通过。设有本单位 ZS104 目标的单位另行计算。
    """
    tallies = _tallies(connection, year, as_of)["signed"]
    results = _rate_results(connection, "ZS104", year, as_of, tallies, ("开工率", f"{year}年签约亿元以上项目", "开工"))
    return _verified_note(connection, results)


@rule("ZS105", "inclusion-rate", "开工项目纳统率", "（十六）", "warning")
def inclusion_rate(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年新开工的亿元以上项目中已入库纳统的比例（开工项目纳统率）。
    依据：（十六）“力争签约项目开工率、开工项目纳统率指标分别达到75%和80%以上”——“力争”，故为预期性指标。
    计算：基数为 ZS102 所计的项目（当年1月1日至检查日开工、总投资不少于1亿元、不论签约年份、
    检查日未终止、重复签约的一组按一个项目计）；纳统率 = 其中纳统日期不晚于检查日的个数 ÷ 基数。
    判定同 ZS104（目标80%）；基数为0时为无数据。设有本单位 ZS105 目标的单位另行计算。
    """
    tallies = _tallies(connection, year, as_of)["started"]
    results = _rate_results(
        connection, "ZS105", year, as_of, tallies, ("纳统率", f"{year}年新开工亿元以上项目", "纳统")
    )
    return _verified_note(connection, results)


# --- ZS402–ZS404: how signed projects are pushed -------------------------------------------

PROJECT_COLUMNS = (
    "project.id, project.code, project.name, project.unit_id, unit.name AS unit, project.amount, project.signed_on, "
    "project.started_on, project.included_on, project.completed_on, project.producing_on, project.investor"
)
_PROJECT_SQL = f"SELECT {PROJECT_COLUMNS} FROM project JOIN unit ON unit.id = project.unit_id"


def dict_rows(connection: Connection, sql: str, params: dict) -> list[dict]:
    """Rows as dicts through the driver's cursor: SQLAlchemy builds the keys of every mapping
    row anew, which costs more than the query where a rule flags thousands of projects."""
    with driver_cursor(connection) as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _listing(projects: list[dict]) -> str:
    named = "、".join(f"{p['code']} {p['name']}（{p['unit']}）" for p in projects[:LISTED])
    return named + (f" 等{len(projects)}个" if len(projects) > LISTED else "")


def standing_duty(connection: Connection, metric: str, year: int) -> tuple[Number | None, str]:
    """A standing duty's target (ZS402, ZS403) for the year, else the latest earlier year's; and
    the note that says it was carried over."""
    found = standing_target(connection, metric, year)
    if found is None:
        return None, ""
    value, from_year = found
    return as_number(value), ("" if from_year == year else f"（{year}年未设定目标，沿用{from_year}年的）")


@rule("ZS402", "handler-assigned", "签约项目专人推进", "（三）", "error")
def handler_assigned(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：签约项目是否都有专人推进。
    依据：（三）“确保签约项目专人推进，推动签约项目早投产早见效”。
    计算：签约日期不晚于检查日、检查日未终止、到检查日尚未投产的项目（不论哪年签约；投产后专人任务结束），
    其中专人在检查日仍在任（有任职）的比例，对照 ZS402（1，即全部）；说明中列出没有专人或专人已离任的项目。
    按当前数值判定：低于目标为落后，12月31日为未完成。没有这样的项目为无数据。
    这是常设要求：当年未设定目标的，沿用此前最近一年的目标，并在说明中写明。
    """
    target, carried = standing_duty(connection, "ZS402", year)
    if target is None:
        return [missing_target("ZS402", year)]
    params = {"as_of": as_of.isoformat()}
    pushing = (
        f"{unindexed('project.signed_on')} <= :as_of AND {LIVE} "
        "AND (project.producing_on IS NULL OR project.producing_on > :as_of)"
    )
    # One scan of the history says which projects are pushed and which of them have a handler on
    # post; the few without are then read whole by their ids.
    with driver_cursor(connection) as cursor:
        cursor.execute(f"SELECT project.id, project.handler_id IN {ON_POST_SQL} FROM project WHERE {pushing}", params)
        pushed = cursor.fetchall()
    if not pushed:
        return [unjudged(year, "尚无签约未投产的项目" + carried, target=target, kind="rate", metric="ZS402")]
    without = frozenset(project_id for project_id, on_post in pushed if not on_post)  # NULL handler: NULL, not 1
    offenders = (
        dict_rows(
            connection,
            f"SELECT {PROJECT_COLUMNS}, handler.name AS handler FROM project JOIN unit ON unit.id = project.unit_id "
            "LEFT JOIN person AS handler ON handler.id = project.handler_id "
            f"WHERE project.id IN ({_id_list(without)}) ORDER BY project.signed_on, project.id",
            {},
        )
        if without
        else []
    )
    total = len(pushed)
    rate = Fraction(total - len(without), total)
    status = against_level(rate, target, year_over(as_of))
    if offenders:
        gone = [p for p in offenders if p["handler"]]
        left = (
            f"（其中{len(gone)}个的专人已不在任：{'、'.join(dict.fromkeys(p['handler'] for p in gone))}）"
            if gone
            else ""
        )
        message = (
            f"签约未投产项目{total}个，{len(offenders)}个没有在任的专人{left}：{_listing(offenders)}；"
            f"指定专人：zs project edit 编号 --handler 姓名{carried}"
        )
    else:
        message = f"签约未投产项目{total}个，均有专人推进{carried}"
    return [
        Result(None, str(year), rate, target, None, status, message, kind="rate", metric="ZS402",
               facts={"projects": offenders})
    ]  # fmt: skip


@rule("ZS403", "stalled-projects", "停滞项目", "（十九）", "warning")
def stalled_projects(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：停滞项目——签约后久未开工，或开工后久未纳统。
    依据：（十九）“及时整治停滞项目，依法按协议果断采取措施及时止损”。
    计算：检查日未终止的项目（已标记停滞的也在内，不论哪年签约）中，到检查日签约已超过
    ZS403.unstarted_days（180天）而检查日前未开工的，或开工已超过 ZS403.unincluded_days（90天）而
    检查日前未纳统的。等待天数 = 检查日 − 签约（或开工）日期。每个项目一条结果（对象为责任单位，
    并列出项目编号，实际为等待天数，目标为限定天数），为落后（12月31日为未完成）；没有则为一条达标结果。
    检查日当天项目处于停滞状态的，说明中写明停滞原因。
    这是常设要求：当年未设定天数的，沿用此前最近一年的设定，并在说明中写明。
    """
    unstarted, unstarted_note = standing_duty(connection, "ZS403.unstarted_days", year)
    unincluded, unincluded_note = standing_duty(connection, "ZS403.unincluded_days", year)
    if unstarted is None or unincluded is None:
        return [missing_target("ZS403.unstarted_days" if unstarted is None else "ZS403.unincluded_days", year)]
    carried = unstarted_note or unincluded_note
    limits = {"unstarted": int(unstarted), "unincluded": int(unincluded)}
    params = {
        "as_of": as_of.isoformat(),
        "signed_before": (as_of - timedelta(days=limits["unstarted"] + 1)).isoformat(),
        "started_before": (as_of - timedelta(days=limits["unincluded"] + 1)).isoformat(),
    }
    rows = dict_rows(
        connection,
        f"{_PROJECT_SQL} WHERE {LIVE} AND ("
        f"({unindexed('project.signed_on')} <= :signed_before AND (project.started_on IS NULL OR project.started_on > :as_of)) OR "
        f"({unindexed('project.started_on')} <= :started_before AND (project.included_on IS NULL OR project.included_on > :as_of))) "
        f"ORDER BY {unindexed('project.signed_on')}, project.id",
        params,
    )
    stalled = stalled_at(connection, as_of)
    over = year_over(as_of)
    results = []
    for row in rows:
        unstarted_case = row["started_on"] is None or row["started_on"] > as_of.isoformat()
        if unstarted_case:
            kind, since, done, waiting = "unstarted", row["signed_on"], "签约", "未开工"
        else:
            kind, since, done, waiting = "unincluded", row["started_on"], "开工", "未纳统"
        days = (as_of - date.fromisoformat(since)).days
        row["status"], row["status_reason"] = (
            ("stalled", stalled[row["id"]]) if row["id"] in stalled else ("active", None)
        )
        stall = f"（已标记停滞：{row['status_reason']}）" if row["status"] == "stalled" else ""
        message = (
            f"{row['code']} {row['name']}（{row['unit']}）{since}{done}，{waiting}已{days}天，"
            f"超过{limits[kind]}天{stall}{carried}"
        )
        facts = {"project": row, "waiting": kind, "since": since, "days": days}
        results.append(
            Result(row["unit"], str(year), days, limits[kind], None, "missed" if over else "behind", message,
                   kind="days", metric=f"ZS403.{kind}_days", facts=facts, keys={"projects": [row["code"]]})
        )  # fmt: skip
    if not results:
        message = f"没有签约超过{limits['unstarted']}天未开工、开工超过{limits['unincluded']}天未纳统的项目{carried}"
        results.append(
            Result(None, str(year), 0, 0, None, "met", message, metric="ZS403.unstarted_days", keys={"projects": []})
        )
    return results


_SIGNED_WITH_INVESTOR = f"{unindexed('project.signed_on')} <= :as_of AND {LIVE} AND project.investor IS NOT NULL"


def duplicate_groups(connection: Connection, year: int, as_of: date) -> list[list[dict]]:
    """The projects signed twice (ZS404) that matter for the year: groups of projects live at
    as_of and signed on or before it, of one investor (compared ignoring case and spaces), with
    alike names (`names_alike`; a pair said to be distinct does not join), of which a member was
    signed or started in [1 January, as_of]. Each group is in signing order; computed once per run."""

    def compute() -> list[list[dict]]:
        params = {"as_of": as_of.isoformat(), "first": date(year, 1, 1).isoformat()}
        # Only the investors of the year's signings and starts (found through the date indexes)
        # are looked for among all signed projects: grouping every signed project by the key
        # would sort the whole history. Few rows come to Python.
        rows = dict_rows(
            connection,
            "WITH recent(investor_key) AS ("
            f"  SELECT {INVESTOR_KEY_SQL} FROM project WHERE signed_on BETWEEN :first AND :as_of AND {_SIGNED_WITH_INVESTOR}"
            f"  UNION SELECT {INVESTOR_KEY_SQL} FROM project WHERE started_on BETWEEN :first AND :as_of AND {_SIGNED_WITH_INVESTOR}),"
            f" candidates AS (SELECT id, {INVESTOR_KEY_SQL} AS investor_key FROM project"
            f"  WHERE {_SIGNED_WITH_INVESTOR} AND {INVESTOR_KEY_SQL} IN (SELECT investor_key FROM recent WHERE investor_key != '')),"
            " repeated AS (SELECT investor_key FROM candidates GROUP BY investor_key HAVING count(*) > 1) "
            f"SELECT {PROJECT_COLUMNS}, {VERIFIED_START_SQL} AS {VERIFIED_COLUMN}, candidates.investor_key "
            "FROM repeated JOIN candidates USING (investor_key) "
            "JOIN project ON project.id = candidates.id JOIN unit ON unit.id = project.unit_id "
            "ORDER BY candidates.investor_key, project.signed_on, project.id",
            params,
        )
        by_investor: dict[str, list[dict]] = {}
        for row in rows:
            by_investor.setdefault(row["investor_key"], []).append(row)
        distinct = distinct_pairs(connection) if by_investor else frozenset()
        return [group for projects in by_investor.values() for group in alike_groups(projects, distinct)]

    return shared(connection, ("duplicate_groups", year, as_of), compute)


@rule("ZS404", "signed-twice", "同一项目重复签约", "（十六）", "warning")
def signed_twice(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：同一项目重复签约（同一投资方、名称相近）。
    依据：（十六）“引导求真务实，避免包装项目、‘以次充好’”。
    计算：检查日前签约、检查日未终止的项目中，投资方相同（不计大小写和空格）且名称相近的归为一组。
    名称相近：统一全角半角、去掉标点空格和结尾的“项目”“工程”“建设”后相同，或较短者（至少4个字）
    包含在较长者之中；但期数不同的（一期与二期，或一个标有期数、一个没有）是不同的项目，不算相近；
    已用 `zs project distinct` 说明是两个项目的一对也不算相近。
    组内有当年签约的，每组一条结果（对象为最早签约的责任单位，并按签约先后列出项目编号），
    为落后（12月31日为未完成）：请合并（`zs project merge`）或说明是两个项目（`zs project distinct`）。
    未处理前，ZS101–ZS105 把一组按一个项目计：各阶段日期取组内最早的，总投资取最大的，计入最早签约的单位。
    """
    first = date(year, 1, 1).isoformat()
    over = year_over(as_of)
    results = []
    for group in duplicate_groups(connection, year, as_of):
        if not any(p["signed_on"] >= first for p in group):
            continue  # started this year, signed in earlier years: reported in its signing year
        codes = [p["code"] for p in group]
        listed = "、".join(f"{p['code']} {p['name']}（{p['unit']}，{p['signed_on']}签约）" for p in group)
        message = (
            f"投资方「{group[0]['investor']}」的{len(group)}个项目名称相近，疑为同一项目重复签约，"
            f"按一个项目计入{group[0]['unit']}（各阶段日期取最早的，总投资取最大的）：{listed}；"
            f"是同一项目：zs project merge {codes[0]} {codes[1]} --reason 重复登记；"
            f"确是两个项目：zs project distinct {codes[0]} {codes[1]} --reason 说明"
        )
        results.append(
            Result(group[0]["unit"], str(year), len(group), 1, None, "missed" if over else "behind", message,
                   metric="ZS404", facts={"projects": group}, keys={"projects": codes})
        )  # fmt: skip
    if not results:
        results.append(
            Result(None, str(year), 0, 0, None, "met", "没有同一投资方名称相近的重复签约项目", metric="ZS404",
                   keys={"projects": []})
        )  # fmt: skip
    return results
