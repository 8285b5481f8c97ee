"""Rules on the full cycle of service (design §5.4): problems solved in time (ZS405), enterprise
requests closed and rated (ZS406), starts seen on site (ZS407).

Each is a standing duty: every case open at as_of counts, whatever year it was raised in; the
thresholds (`ZS406.unrated_days`, `ZS407.inspection_days`) are data, the latest earlier year's when
the year has none. ZS405 and ZS406 give one result per responsible unit, with the case ids in the
added key `items`; ZS407 one per project, with its code in `projects` as ZS403 does.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from zhaoshang.db import driver_cursor, unindexed
from zhaoshang.rules.projects import LISTED, LIVE, PROJECT_COLUMNS, dict_rows, standing_duty
from zhaoshang.rules.registry import rule
from zhaoshang.rules.results import Result, missing_target, year_over
from zhaoshang.services.casework import requests_changed_after
from zhaoshang.services.inspections import RESULT_LABELS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _tuples(connection: Connection, sql: str, params: dict) -> list[tuple]:
    """Rows as plain tuples through the driver's cursor: a city's register may flag tens of thousands."""
    with driver_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _details(connection: Connection, sql: str, ids: list[int]) -> dict[int, tuple]:
    """The columns `sql` selects (the id first) of the few cases a message names, by id."""
    if not ids:
        return {}
    listed = ", ".join(str(int(case_id)) for case_id in ids)  # the ledger's own integers
    return {row[0]: row[1:] for row in _tuples(connection, sql.format(ids=listed), {})}


def _by_unit_order(table: str) -> str:
    """How the queries below order their (unit_id, day, id) rows: `+unit_id` keeps SQLite on the
    index that finds the few open cases rather than on the unit's, which would read every case."""
    return f" ORDER BY {unindexed(table + '.unit_id')}, 2, {table}.id"


def _by_unit(rows: list[tuple]) -> dict[int, list[tuple]]:
    """(unit_id, day, id) rows, as `_by_unit_order` orders them, grouped by unit."""
    units: dict[int, list[tuple]] = {}
    for row in rows:
        units.setdefault(row[0], []).append(row)
    return units


def _unit_names(connection: Connection) -> dict[int, str]:
    return dict(_tuples(connection, "SELECT id, name FROM unit", {}))


def _listed(cases: list, describe) -> str:
    """The first cases as a message names them, and how many there are in all."""
    return "、".join(describe(case) for case in cases[:LISTED]) + (f"等{len(cases)}件" if len(cases) > LISTED else "")


def _days(as_of: date, day: str) -> int:
    return (as_of - date.fromisoformat(str(day))).days


def _flagged(year: int, as_of: date, unit: str, count: int, message: str, metric: str, ids: list) -> Result:
    status = "missed" if year_over(as_of) else "behind"
    return Result(unit, str(year), count, 0, None, status, message, metric=metric, keys={"items": ids})


# Open at :as_of after the due day (the due day itself is in time). The OR on the resolution day
# is two searches of its index: only the open cases are read, however long the register.
_OVERDUE = "(resolved_on IS NULL OR resolved_on > :as_of) AND due_on < :as_of"


@rule("ZS405", "overdue-problems", "项目问题限期解决", "（十七）", "warning")
def overdue_problems(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：交办的项目推进问题是否在办结时限内解决。
    依据：（十七）“梳理调度项目推进情况，协调解决项目推进难题”；（十三）“着力打破要素瓶颈”。
    计算：提出日期不晚于检查日、办结时限早于检查日、到检查日仍未解决（没有解决日期，或解决日期晚于检查日）
    的问题（`zs problem add`），不论哪一年提出；项目在检查日前已终止的不计。逾期天数 = 检查日 − 办结时限。按责任单位各一条结果：
    对象为单位，`items` 列出问题编号，实际为逾期问题个数，目标为0，为落后（12月31日为未完成）；
    没有逾期的问题时为一条达标结果。
    """
    rows = _tuples(
        connection,
        "SELECT problem.unit_id, problem.due_on, problem.id FROM problem JOIN project ON project.id = problem.project_id "
        f"WHERE {_OVERDUE} AND problem.raised_on <= :as_of AND {LIVE}{_by_unit_order('problem')}",
        {"as_of": as_of.isoformat()},
    )
    units = _by_unit(rows)
    names = _unit_names(connection) if units else {}
    shown = _details(
        connection,
        "SELECT problem.id, project.code, project.name, problem.text FROM problem "
        "JOIN project ON project.id = problem.project_id WHERE problem.id IN ({ids})",
        [row[2] for problems in units.values() for row in problems[:LISTED]],
    )

    def describe(row: tuple) -> str:
        code, name, text = shown[row[2]]
        return f"#{row[2]} {code} {name}：{text}（逾期{_days(as_of, row[1])}天）"

    results = []
    for unit_id, problems in units.items():
        unit = names[unit_id]
        message = f"{unit}逾期未解决的项目问题{len(problems)}个：{_listed(problems, describe)}；解决后登记：zs problem resolve 编号 --on 日期"
        results.append(_flagged(year, as_of, unit, len(problems), message, "ZS405", [row[2] for row in problems]))
    if not results:
        results.append(
            Result(None, str(year), 0, 0, None, "met", "没有逾期未解决的项目问题", metric="ZS405", keys={"items": []})
        )
    return results


def _judged_at(
    overdue: list[tuple], unrated: list[tuple], changed: dict[int, dict], params: dict
) -> tuple[list[tuple], list[tuple]]:
    """The (unit_id, day, id) rows of the overdue and the long unrated requests, the rows of those
    that changed after the day replaced by how they stood on it, in `_by_unit_order`'s order."""
    overdue = [row for row in overdue if row[2] not in changed]
    unrated = [row for row in unrated if row[2] not in changed]
    for request_id, state in changed.items():
        resolved, rated = state["resolved_on"], state["rated_on"]
        if resolved is None and state["due_on"] < params["as_of"]:
            overdue.append((state["unit_id"], state["due_on"], request_id))
        elif resolved is not None and resolved <= params["resolved_before"] and rated is None:
            unrated.append((state["unit_id"], resolved, request_id))
    return sorted(overdue), sorted(unrated)


@rule("ZS406", "open-requests", "企业诉求闭环办理", "（十二）", "warning")
def open_requests(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：企业诉求是否按时办结、办结后是否及时跟踪评价（闭环）。
    依据：（十二）“建立健全企业诉求闭环处理机制，形成事前收集梳理、事中研究交办、事后跟踪评价的工作流程”。
    计算：受理日期不晚于检查日的诉求，按检查日当天的办理情况（此后的转办、办结、评价不计）：办结时限早于检查日而仍未办结的
    （评价为不满意重办的，按新的时限），和办结已超过 ZS406.unrated_days（15天）而仍未评价的，不论哪一年受理。
    按检查日的承办单位各一条结果：
    对象为单位，`items` 列出诉求编号，实际为件数，目标为0，为落后（12月31日为未完成）；没有则为一条达标结果。
    这是常设要求：当年未设定天数的，沿用此前最近一年的设定，并在说明中写明。
    """
    limit, carried = standing_duty(connection, "ZS406.unrated_days", year)
    if limit is None:
        return [missing_target("ZS406.unrated_days", year)]
    days = int(limit)
    params = {"as_of": as_of.isoformat(), "resolved_before": (as_of - timedelta(days=days + 1)).isoformat()}
    received, by_unit = "received_on <= :as_of", _by_unit_order("enterprise_request")
    # The rows are the requests as they stand now; those with a step after the day are judged as
    # they stood on it instead (few for a recent day).
    changed = requests_changed_after(connection, params["as_of"])
    overdue_rows = _tuples(
        connection,
        f"SELECT unit_id, due_on, id FROM enterprise_request WHERE {_OVERDUE} AND {received}{by_unit}",
        params,
    )
    # resolved more than the limit before and not rated by the day: searched by the rating day (few are unrated)
    unrated_rows = _tuples(
        connection,
        f"SELECT unit_id, resolved_on, id FROM enterprise_request WHERE {unindexed('resolved_on')} <= :resolved_before "
        f"AND (rated_on IS NULL OR rated_on > :as_of) AND {received}{by_unit}",
        params,
    )
    if changed:
        overdue_rows, unrated_rows = _judged_at(overdue_rows, unrated_rows, changed, params)
    overdue, unrated = _by_unit(overdue_rows), _by_unit(unrated_rows)
    names = _unit_names(connection) if overdue or unrated else {}
    shown = _details(
        connection,
        "SELECT id, enterprise, text FROM enterprise_request WHERE id IN ({ids})",
        [row[2] for cases in (*overdue.values(), *unrated.values()) for row in cases[:LISTED]],
    )
    results = []
    for unit_id in sorted(overdue.keys() | unrated.keys()):
        late, waiting = overdue.get(unit_id, []), unrated.get(unit_id, [])
        parts = []
        if late:
            listed = _listed(
                late, lambda r: f"#{r[2]} {shown[r[2]][0]}：{shown[r[2]][1]}（逾期{_days(as_of, r[1])}天）"
            )
            parts.append(f"逾期未办结{len(late)}件：{listed}")
        if waiting:
            listed = _listed(waiting, lambda r: f"#{r[2]} {shown[r[2]][0]}（办结已{_days(as_of, r[1])}天）")
            parts.append(f"办结超过{days}天未评价{len(waiting)}件：{listed}")
        unit = names[unit_id]
        message = (
            f"{unit}的企业诉求"
            + "；".join(parts)
            + f"；办结：zs request resolve 编号，评价：zs request rate 编号 满意{carried}"
        )
        ids = [row[2] for row in late + waiting]
        results.append(_flagged(year, as_of, unit, len(ids), message, "ZS406", ids))
    if not results:
        message = f"没有逾期未办结、办结超过{days}天未评价的企业诉求{carried}"
        results.append(Result(None, str(year), 0, 0, None, "met", message, metric="ZS406", keys={"items": []}))
    return results


@rule("ZS407", "starts-inspected", "开工项目现场查看", "（十八）", "warning")
def starts_inspected(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：当年开工的项目是否经现场查看核实（开工属实）。
    依据：（十八）“会同相关部门现场查看已开工和在建项目建设进展情况”；（十六）“引导求真务实，避免包装项目”。
    计算：开工日期在当年1月1日至检查日（含）、检查日未终止的项目，开工已超过 ZS407.inspection_days（30天）
    而开工当日至第30天没有查看属实的记录（`zs project inspect`）的；或开工以后到检查日最近一次查看为不属实的
    （立即预警，不等30天）。每个项目一条结果：对象为责任单位，`projects` 为项目编号，实际为开工天数，
    目标为时限天数，为落后（12月31日为未完成）；没有则为一条达标结果。当年未设定天数的，沿用此前最近一年的。
    """
    limit, carried = standing_duty(connection, "ZS407.inspection_days", year)
    if limit is None:
        return [missing_target("ZS407.inspection_days", year)]
    days = int(limit)
    seen = "inspection.project_id = project.id AND inspection.inspected_on >= project.started_on AND inspection.inspected_on <= :as_of"
    rows = dict_rows(
        connection,
        f"SELECT {PROJECT_COLUMNS}, "
        f"(SELECT min(inspected_on) FROM inspection WHERE {seen} AND inspection.result = 'confirmed') AS confirmed_on, "
        f"(SELECT inspected_on || ' ' || result FROM inspection WHERE {seen} "
        " ORDER BY inspected_on DESC, inspection.id DESC LIMIT 1) AS latest "
        f"FROM project JOIN unit ON unit.id = project.unit_id WHERE project.started_on BETWEEN :first AND :as_of AND {LIVE} "
        f"ORDER BY {unindexed('project.started_on')}, project.id",
        {"first": date(year, 1, 1).isoformat(), "as_of": as_of.isoformat()},
    )
    status = "missed" if year_over(as_of) else "behind"
    hint = "zs project inspect {code} --on 日期 --by 查看人员 --result 属实"
    results = []
    day = as_of.isoformat()
    deadlines: dict[str, str] = {}  # start day -> the last day to see it on site (the year's starts share few days)
    for row in rows:
        start = str(row["started_on"])
        if start not in deadlines:
            deadlines[start] = (date.fromisoformat(start) + timedelta(days=days)).isoformat()
        deadline = deadlines[start]
        latest_on, _, latest_result = (row["latest"] or "").partition(" ")  # the latest inspection since the start
        refuted = latest_result == "refuted"
        late = day > deadline and (row["confirmed_on"] is None or str(row["confirmed_on"]) > deadline)
        if not (refuted or late):
            continue
        started = date.fromisoformat(start)
        waited = (as_of - started).days
        head = f"{row['code']} {row['name']}（{row['unit']}）{started.isoformat()}开工"
        if refuted:
            message = f"{head}，{latest_on}现场查看{RESULT_LABELS['refuted']}：开工未经核实，请核实开工日期"
        else:
            after = (
                f"（{row['confirmed_on']}才查看属实）"
                if row["confirmed_on"]
                else f"；登记：{hint.format(code=row['code'])}"
            )
            message = f"{head}已{waited}天，开工后{days}天内没有现场查看属实的记录{after}"
        facts = {"project": row, "refuted": refuted, "latest_on": latest_on or None, "days": waited, "limit": days}
        results.append(
            Result(row["unit"], str(year), waited, days, None, status, message + carried, kind="days",
                   metric="ZS407.inspection_days", facts=facts, keys={"projects": [row["code"]]})
        )  # fmt: skip
    if not results:
        message = f"没有开工超过{days}天未经现场查看属实的项目，也没有查看不属实的{carried}"
        results.append(
            Result(None, str(year), 0, 0, None, "met", message, metric="ZS407.inspection_days", keys={"projects": []})
        )
    return results
