"""The bulletin's casework sheets (design §5.4): 问题协调 (problems blocking projects, （十七）) and
企业诉求 (enterprise requests with their satisfaction, （十二）), as of the period's last day.

Each lists what is still open at the day — overdue first, the longest overdue first — then what was
closed in the period; the cells ZS405 and ZS406 flag are red, so the sheets and the quota check
never disagree. Rows are streamed: a city's register may hold hundreds of thousands.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from zhaoshang.db import driver_cursor
from zhaoshang.reports.model import BAD, Column, Period, QueryRows, Row, Section
from zhaoshang.rules import CheckReport
from zhaoshang.rules.results import percent_text
from zhaoshang.services.casework import problem_view, request_view, requests_changed_after
from zhaoshang.services.status import LIVE_SQL

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# A table printed on the terminal holds at most this many rows; a longer sheet is summed up in a line.
TERMINAL_ROWS = 30


def _flagged_items(report: CheckReport, code: str) -> set[int]:
    return {item for result in report.results if result.code == code for item in result.keys.get("items", ())}


class _Rows:
    """How a section's values become rows: ISO days as dates, the cells named red flagged."""

    def __init__(self, columns: list[Column]):
        self.keys = [column.key for column in columns]
        self.dates = frozenset(column.key for column in columns if column.format == "date")

    def row(self, values: dict, red: tuple[str, ...] = ()) -> Row:
        dates = self.dates
        cells = [values[key] for key in self.keys]
        for index, key in enumerate(self.keys):
            if key in dates and cells[index]:
                cells[index] = date.fromisoformat(cells[index])
        return Row(tuple(cells), {self.keys.index(key): BAD for key in red} or None)


def _dicts(connection: Connection, sql: str, params: dict) -> Iterator[dict]:
    """A query's rows as dicts, read through the driver's cursor (a city's register: SQLAlchemy's
    result rows would cost more than SQLite)."""
    # closed when a renderer stops early, too (the column widths read the first rows)
    with driver_cursor(connection) as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        while batch := cursor.fetchmany(1000):
            for values in batch:
                yield dict(zip(names, values, strict=True))


def _streamed(connection: Connection, sql: str, params: dict, make_row) -> QueryRows:
    """Rows made afresh by each iteration from a query."""

    def rows() -> Iterator[Row]:
        return (make_row(values) for values in _dicts(connection, sql, params))

    def count() -> int:
        return connection.exec_driver_sql(f"SELECT count(*) FROM ({sql}) AS listed", params).scalar_one()

    return QueryRows(rows, count)


# --- 问题协调 ------------------------------------------------------------------------------------

_PROBLEM_COLUMNS = [
    Column("state", None),
    Column("state_label", "状态"),
    Column("id", "编号"),
    Column("project", "项目编号"),
    Column("project_name", "项目名称"),
    Column("unit", "责任单位"),
    Column("text", "问题", wrap=True),
    Column("raised_on", "提出日期", "date"),
    Column("due_on", "办结时限", "date"),
    Column("resolved_on", "解决日期", "date"),
    Column("overdue_days", "逾期天数", "days"),
    Column("note", "解决情况", terminal=False, wrap=True),
]
# Open at the day (overdue, the longest first; then by due day) — of a project not terminated by then,
# as ZS405 counts them — then solved in the period. Written so that SQLite reads only the cases
# not solved before the period, through the index on the day solved.
_OPEN = "(problem.resolved_on IS NULL OR problem.resolved_on > :as_of)"
_SOLVED_IN_PERIOD = "problem.resolved_on BETWEEN :first AND :as_of"
_PROBLEM_SQL = (
    "SELECT problem.id, project.code AS project, project.name AS project_name, unit.name AS unit, problem.text, "
    "problem.raised_on, problem.due_on, problem.resolved_on, problem.note FROM problem "
    "JOIN project ON project.id = problem.project_id JOIN unit ON unit.id = problem.unit_id "
    "WHERE problem.raised_on <= :as_of AND (problem.resolved_on IS NULL OR problem.resolved_on >= :first) "
    f"AND ({_SOLVED_IN_PERIOD} OR {LIVE_SQL}) "
    "ORDER BY CASE WHEN problem.resolved_on IS NOT NULL AND problem.resolved_on <= :as_of THEN 1 ELSE 0 END, "
    "problem.due_on, problem.resolved_on, problem.id"
)


def problem_section(connection: Connection, period: Period, report: CheckReport) -> Section:
    """问题协调: the problems open at the day and those solved in the period."""
    as_of = period.as_of.isoformat()
    params = {"as_of": as_of, "first": period.first.isoformat()}
    flagged = _flagged_items(report, "ZS405")
    made = _Rows(_PROBLEM_COLUMNS)

    def make_row(row: dict) -> Row:
        # a resolution after the day had not happened yet: left out
        row["resolved_on"] = row["resolved_on"] if row["resolved_on"] and row["resolved_on"] <= as_of else None
        red = ("state_label", "overdue_days") if row["id"] in flagged else ()
        return made.row(problem_view(row, as_of), red)

    rows = _streamed(connection, _PROBLEM_SQL, params, make_row)
    counts = connection.exec_driver_sql(
        f"SELECT count(CASE WHEN {_OPEN} AND {LIVE_SQL} THEN 1 END), "
        f"count(CASE WHEN {_OPEN} AND {LIVE_SQL} AND problem.due_on < :as_of THEN 1 END), "
        "count(CASE WHEN problem.resolved_on BETWEEN :first AND :as_of THEN 1 END), "
        "count(CASE WHEN problem.raised_on >= :year_first THEN 1 END), "
        "count(CASE WHEN problem.resolved_on BETWEEN :year_first AND :as_of THEN 1 END) "
        "FROM problem JOIN project ON project.id = problem.project_id WHERE problem.raised_on <= :as_of",
        params | {"year_first": f"{period.year}-01-01"},
    ).one()
    open_now, overdue, solved, raised_year, solved_year = counts
    line = (
        f"截至{as_of}未解决的问题{open_now}个（其中逾期{overdue}个），{period.word}解决{solved}个；"
        f"本年登记{raised_year}个、解决{solved_year}个。"
    )
    notes = [
        line,
        "列出截至日仍未解决的问题（逾期的在前，按办结时限先后；项目已终止的不列）和本期解决的问题；逾期天数＝截至日－办结时限。红色为 ZS405 预警。",
    ]
    return Section("problems", "问题协调", _PROBLEM_COLUMNS, rows, notes,
                   summary=line if len(rows) > TERMINAL_ROWS else None, frozen_columns=2)  # fmt: skip


# --- 企业诉求 ------------------------------------------------------------------------------------

_REQUEST_COLUMNS = [
    Column("state", None),
    Column("state_label", "状态"),
    Column("id", "编号"),
    Column("enterprise", "企业"),
    Column("text", "诉求", wrap=True),
    Column("unit", "承办单位"),
    Column("received_on", "受理日期", "date"),
    Column("due_on", "办结时限", "date"),
    Column("resolved_on", "办结日期", "date"),
    Column("rating", None),
    Column("rating_label", "满意度"),
    Column("reopened", "重办次数", "count"),
    Column("overdue_days", "逾期天数", "days"),
    Column("unrated_days", "待评价天数", "days"),
    Column("note", "办理结果", terminal=False, wrap=True),
]
# Open at the day, then resolved and waiting for a rating, then closed (resolved or rated) in the period;
# `_request_order` is the same order. The rows hold the requests as they stand now: those with a step
# after the day are left out and listed as they stood on it (`requests_changed_after`).
_REQUEST_COLUMNS_SQL = (
    "SELECT enterprise_request.id, enterprise_request.enterprise, enterprise_request.text, unit.name AS unit, "
    "enterprise_request.received_on, enterprise_request.due_on, enterprise_request.resolved_on, "
    "enterprise_request.note, enterprise_request.rating, enterprise_request.rated_on, enterprise_request.reopened "
    "FROM enterprise_request JOIN unit ON unit.id = enterprise_request.unit_id "
)
_REQUEST_SQL = (
    _REQUEST_COLUMNS_SQL + "WHERE enterprise_request.received_on <= :as_of AND (enterprise_request.resolved_on IS NULL "
    " OR enterprise_request.resolved_on >= :first OR enterprise_request.rated_on IS NULL "
    " OR enterprise_request.rated_on >= :first) "
    "ORDER BY CASE WHEN enterprise_request.resolved_on IS NULL OR enterprise_request.resolved_on > :as_of THEN 0 "
    " WHEN enterprise_request.rated_on IS NULL OR enterprise_request.rated_on > :as_of THEN 1 ELSE 2 END, "
    "enterprise_request.due_on, enterprise_request.resolved_on, enterprise_request.id"
)


def _request_order(row: dict) -> tuple:
    """`_REQUEST_SQL`'s order of a request as it stood at the day (open ones have no resolution day)."""
    group = 0 if row["resolved_on"] is None else 1 if row["rated_on"] is None else 2
    return group, str(row["due_on"]), str(row["resolved_on"] or ""), row["id"]


def _changed_rows(connection: Connection, changed: dict[int, dict]) -> tuple[list[dict], list[dict]]:
    """The rows now of the requests that changed after the day, and the same as they stood on it."""
    ids = sorted(changed)
    now: list[dict] = []
    for start in range(0, len(ids), 500):
        listed = ", ".join(str(int(request_id)) for request_id in ids[start : start + 500])  # the ledger's integers
        now.extend(_dicts(connection, f"{_REQUEST_COLUMNS_SQL}WHERE enterprise_request.id IN ({listed})", {}))
    names: dict[int, str] = dict(connection.exec_driver_sql("SELECT id, name FROM unit").all())
    then = [row | changed[row["id"]] | {"unit": names[changed[row["id"]]["unit_id"]]} for row in now]
    return now, then


def request_section(connection: Connection, period: Period, report: CheckReport) -> Section:
    """企业诉求: the requests open at the day, those waiting for a rating, and those closed in the
    period, each as it stood at the day; the year's satisfaction in the notes."""
    as_of = period.as_of.isoformat()
    first = period.first.isoformat()
    params = {"as_of": as_of, "first": first}
    flagged = _flagged_items(report, "ZS406")
    made = _Rows(_REQUEST_COLUMNS)
    changed = requests_changed_after(connection, as_of)
    now, then = _changed_rows(connection, changed) if changed else ([], [])
    listed_then = sorted(
        (
            row
            for row in then
            if row["resolved_on"] is None
            or row["resolved_on"] >= first
            or row["rated_on"] is None
            or row["rated_on"] >= first
        ),
        key=_request_order,
    )

    def make_row(row: dict) -> Row:
        values = request_view(row, as_of)
        days = "overdue_days" if values["state"] == "overdue" else "unrated_days"
        return made.row(values, ("state_label", days) if row["id"] in flagged else ())

    def produce() -> Iterator[Row]:
        standing = (row for row in _dicts(connection, _REQUEST_SQL, params) if row["id"] not in changed)
        return (make_row(row) for row in heapq.merge(standing, listed_then, key=_request_order))

    def count() -> int:
        listed = connection.exec_driver_sql(f"SELECT count(*) FROM ({_REQUEST_SQL}) AS listed", params).scalar_one()
        if changed:  # those rows are listed as they stood at the day instead
            ids = connection.exec_driver_sql(f"SELECT id FROM ({_REQUEST_SQL}) AS listed", params).scalars()
            listed += len(listed_then) - sum(1 for request_id in ids if request_id in changed)
        return listed

    rows = QueryRows(produce, count)
    notes = _request_notes(connection, period, params, now, then)
    return Section("requests", "企业诉求", _REQUEST_COLUMNS, rows, notes,
                   summary=" ".join(notes[:2]) if len(rows) > TERMINAL_ROWS else None, frozen_columns=2)  # fmt: skip


def _open_counts(rows: list[dict], as_of: str) -> tuple[int, int]:
    """How many of the requests, as the rows hold them, are open at as_of, and how many overdue."""
    still_open = [row for row in rows if row["resolved_on"] is None or row["resolved_on"] > as_of]
    return len(still_open), sum(1 for row in still_open if str(row["due_on"]) < as_of)


def _request_notes(
    connection: Connection, period: Period, params: dict, now: list[dict], then: list[dict]
) -> list[str]:
    """The year's figures: requests received, open and overdue at the day (the requests that
    changed after it counted as they stood on it), and the ratings given from 1 January to the day,
    one per rating event (a request rated 不满意, redone and rated again counts twice)."""
    year = params | {"year_first": f"{period.year}-01-01"}
    received, open_now, overdue = connection.exec_driver_sql(
        "SELECT count(CASE WHEN received_on >= :year_first THEN 1 END), "
        "count(CASE WHEN resolved_on IS NULL OR resolved_on > :as_of THEN 1 END), "
        "count(CASE WHEN (resolved_on IS NULL OR resolved_on > :as_of) AND due_on < :as_of THEN 1 END) "
        "FROM enterprise_request WHERE received_on <= :as_of",
        year,
    ).one()
    (open_now_rows, overdue_rows), (open_then, overdue_then) = (_open_counts(now, params["as_of"]),
                                                                _open_counts(then, params["as_of"]))  # fmt: skip
    open_now += open_then - open_now_rows
    overdue += overdue_then - overdue_rows
    ratings: dict[str, int] = dict(
        connection.exec_driver_sql(
            "SELECT rating, count(*) FROM request_event WHERE kind = 'rated' "
            "AND happened_on BETWEEN :year_first AND :as_of GROUP BY rating",
            year,
        ).all()
    )
    satisfied, fair, unsatisfied = (ratings.get(code, 0) for code in ("satisfied", "fair", "unsatisfied"))
    rated = satisfied + fair + unsatisfied
    rate = f"，满意率（满意和基本满意）{percent_text(Fraction(satisfied + fair, rated))}" if rated else ""
    return [
        f"本年受理{received}件；截至{params['as_of']}未办结{open_now}件（其中逾期{overdue}件）。",
        f"本年评价{rated}次：满意{satisfied}、基本满意{fair}、不满意{unsatisfied}（不满意的均已重办）{rate}。",
        "列出截至日未办结的诉求（逾期的在前）、已办结待评价的，和本期办结或评价的；红色为 ZS406 预警"
        "（逾期未办结，或办结超过规定天数未评价）。各诉求按截至日的办理情况列出，承办单位为截至日的（转办后的）单位。",
    ]
