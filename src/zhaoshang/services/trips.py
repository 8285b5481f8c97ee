"""Outbound investment trips (外出招商) and the monthly trip days of leaders (（二）, （十一）).

Counting (design §2): calendar days, both ends inclusive; a person's days in a month are
the union of their trips' days, so overlapping trips count a shared day once, and a trip
across a month's end is split between the months. SQL selects and clips the trips; the
union is a per-person bitmask of days (see `trip_days_by_month`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from zhaoshang.db import Ledger, driver_cursor
from zhaoshang.errors import InputError, NotFoundError
from zhaoshang.parsing import (
    TEXT_MAX,
    month_bounds,
    optional_text,
    parse_date,
    parse_id,
    parse_month,
    require_text,
)
from zhaoshang.services.lookup import find_person, find_project
from zhaoshang.services.names import namesake_labels
from zhaoshang.services.units import ROLE_METRICS, judge_month, posts_by_person, trip_minimums

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from zhaoshang.audit import Writer

# Longer trips are almost always a typing slip (2024-03-01 to 2024-13-01 …); a real
# posting (驻点招商) is logged with --long.
MAX_TRIP_DAYS = 62
TRIP_LOG_HINT = "例如：zs trip log --person 张三 --from 2024-03-01 --to 2024-03-05 --dest 上海 --region 长三角"


def trip_subject(trip_id: int) -> str:
    """What a trip's audit entries are about, as `zs audit log` shows it."""
    return f"行程#{trip_id}"


# --- input --------------------------------------------------------------------------------


@dataclass
class TripFields:
    """What a user may give for a trip, as typed; every field optional (for edit).

    A list given (persons, projects) replaces the trip's list. Empty text clears an
    optional field; `projects=[""]` clears the linked projects. `region` is free text:
    the opinion's key regions (（十一） 长三角、珠三角、京津冀) or any other.
    """

    persons: list[str] | None = None
    date_from: str | None = None
    date_to: str | None = None
    dest: str | None = None
    region: str | None = None
    purpose: str | None = None
    companies: str | None = None
    projects: list[str] | None = None
    long: bool = False


# column -> (label, longest, may hold line breaks)
_OPTIONAL_TEXT = {
    "region": ("区域（--region）", 40, False),
    "purpose": ("事由（--purpose）", 500, True),
    "companies": ("走访企业（--companies）", TEXT_MAX, True),
}


def parse_trip_id(value: str | int) -> int:
    """A trip's number as `zs trip list` shows it: `12` or `#12`."""
    return parse_id(value, "行程编号", "行程编号是整数，查看：zs trip list")


def _unique_ids(rows: list[dict], typed: list[str], field: str) -> list[int]:
    """The ids of the rows found for what was typed, refusing the same row named twice."""
    seen: dict[int, str] = {}
    for row, text in zip(rows, typed, strict=True):
        if row["id"] in seen:
            raise InputError(f"{field}：'{text}' 重复填写（与 '{seen[row['id']]}' 是同一个）", "同一行程中每项只写一次")
        seen[row["id"]] = text
    return list(seen)


def resolve_persons(connection: Connection, names: list[str]) -> list[int]:
    field = "人员（--person）"
    if not names:
        raise InputError(f"{field}：必须至少填写一人", TRIP_LOG_HINT)
    return _unique_ids([find_person(connection, name, field) for name in names], names, field)


def resolve_projects(connection: Connection, codes: list[str]) -> list[int]:
    codes = [code for code in codes if code.strip()]  # `--project ""` clears the list
    return _unique_ids([find_project(connection, code) for code in codes], codes, "关联项目（--project）")


def check_dates(date_from: date, date_to: date, long: bool) -> None:
    """Both ends inclusive; the end not before the start; a long trip only when asked for."""
    if date_to < date_from:
        raise InputError(
            f"返回日期（--to）：'{date_to}' 早于出发日期 '{date_from}'",
            "返回日期应不早于出发日期；当天往返写同一天，例如 --from 2024-03-01 --to 2024-03-01",
        )
    days = (date_to - date_from).days + 1
    if days > MAX_TRIP_DAYS and not long:
        raise InputError(
            f"返回日期（--to）：'{date_to}' 距出发日期 '{date_from}' 共{days}天，超过{MAX_TRIP_DAYS}天",
            "请核对日期；如确为长期驻点招商，加 --long",
        )


def _text_values(fields: TripFields) -> dict:
    """Column values of the text fields given; empty optional text clears the column."""
    values: dict = {}
    if fields.dest is not None:
        values["dest"] = require_text(fields.dest, "目的地（--dest）")
    for column, (label, max_length, multiline) in _OPTIONAL_TEXT.items():
        value = getattr(fields, column)
        if value is not None:
            values[column] = optional_text(value, label, max_length, multiline)
    return values


def _linked_ids(connection: Connection, trip_id: int, table: str, column: str) -> list[int]:
    return [
        row[0]
        for row in connection.exec_driver_sql(
            f"SELECT {column} FROM {table} WHERE trip_id = :trip_id", {"trip_id": trip_id}
        )
    ]


def _link(writer: Writer, trip_id: int, table: str, column: str, ids: list[int]) -> None:
    for row_id in ids:
        writer.insert(table, {"trip_id": trip_id, column: row_id})


def _relink(writer: Writer, trip_id: int, table: str, column: str, ids: list[int]) -> None:
    """Make the trip's link rows exactly `ids`: delete those gone, insert those new."""
    current = _linked_ids(writer.connection, trip_id, table, column)
    for row_id in current:
        if row_id not in ids:
            writer.delete(table, {"trip_id": trip_id, column: row_id})
    _link(writer, trip_id, table, column, [row_id for row_id in ids if row_id not in current])


# --- writes -------------------------------------------------------------------------------


def log_trip(ledger: Ledger, actor: str, fields: TripFields) -> int:
    """Log one trip of one or more persons (a batch, 批次); returns its id."""
    for value, label in (
        (fields.date_from, "出发日期（--from）"),
        (fields.date_to, "返回日期（--to）"),
        (fields.dest, "目的地（--dest）"),
    ):
        if value is None:
            raise InputError(f"{label}：必须填写", TRIP_LOG_HINT)
    assert fields.date_from is not None and fields.date_to is not None  # checked just above
    date_from = parse_date(fields.date_from, "出发日期（--from）")
    date_to = parse_date(fields.date_to, "返回日期（--to）")
    check_dates(date_from, date_to, fields.long)
    values = _text_values(fields)
    with ledger.write(actor, "trip.log") as writer:
        person_ids = resolve_persons(writer.connection, fields.persons or [])
        project_ids = resolve_projects(writer.connection, fields.projects or [])
        trip_id = writer.insert("trip", {"date_from": date_from, "date_to": date_to} | values)
        _link(writer, trip_id, "trip_person", "person_id", person_ids)
        _link(writer, trip_id, "trip_project", "project_id", project_ids)
        writer.subject = trip_subject(trip_id)
    return trip_id


def _find_trip(connection: Connection, trip_id: str | int) -> dict:
    row = (
        connection.exec_driver_sql("SELECT * FROM trip WHERE id = :id", {"id": parse_trip_id(trip_id)})
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"行程编号：'{trip_id}' 不存在", "查看行程编号：zs trip list")
    return dict(row)


def edit_trip(ledger: Ledger, actor: str, trip_id: str | int, fields: TripFields) -> dict:
    """Change the fields given; `persons`/`projects` replace the trip's lists. Returns the trip row."""
    if fields == TripFields(long=fields.long):
        raise InputError("修改行程：没有给出要修改的字段", "例如：zs trip edit 12 --to 2024-03-06")
    date_from = parse_date(fields.date_from, "出发日期（--from）") if fields.date_from is not None else None
    date_to = parse_date(fields.date_to, "返回日期（--to）") if fields.date_to is not None else None
    values = _text_values(fields)
    with ledger.write(actor, "trip.edit", subject=trip_subject(parse_trip_id(trip_id))) as writer:
        trip = _find_trip(writer.connection, trip_id)
        if date_from or date_to:
            # Only a change of dates is checked for length: a posting logged with --long stays editable.
            date_from = date_from or date.fromisoformat(trip["date_from"])
            date_to = date_to or date.fromisoformat(trip["date_to"])
            check_dates(date_from, date_to, fields.long)
            values |= {"date_from": date_from, "date_to": date_to}
        person_ids = resolve_persons(writer.connection, fields.persons) if fields.persons is not None else None
        project_ids = resolve_projects(writer.connection, fields.projects) if fields.projects is not None else None
        row = writer.update("trip", {"id": trip["id"]}, values) if values else trip
        if person_ids is not None:
            _relink(writer, trip["id"], "trip_person", "person_id", person_ids)
        if project_ids is not None:
            _relink(writer, trip["id"], "trip_project", "project_id", project_ids)
    return row


def delete_trip(ledger: Ledger, actor: str, trip_id: str | int) -> dict:
    """Delete a trip and its link rows: one audited change, the rows kept in the log."""
    with ledger.write(actor, "trip.delete", subject=trip_subject(parse_trip_id(trip_id))) as writer:
        trip = _find_trip(writer.connection, trip_id)
        for table, column in (("trip_project", "project_id"), ("trip_person", "person_id")):
            _relink(writer, trip["id"], table, column, [])
        writer.delete("trip", {"id": trip["id"]})
    return trip


# --- reads --------------------------------------------------------------------------------


def list_trips(ledger: Ledger, month: str | None = None, person: str | None = None) -> list[dict]:
    """Trips, optionally those with a day in a month, or those of a person; by start date."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if month is not None:
        first, last = month_bounds(*parse_month(month, "月份（--month）"))
        clauses.append("trip.date_from <= :last AND trip.date_to >= :first")
        params |= {"first": first.isoformat(), "last": last.isoformat()}
    with ledger.read() as connection:
        if person is not None:
            clauses.append("EXISTS (SELECT 1 FROM trip_person WHERE trip_id = trip.id AND person_id = :person_id)")
            params["person_id"] = find_person(connection, person, "人员（--person）")["id"]
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        trips = [
            dict(row)
            for row in connection.exec_driver_sql(
                f"SELECT * FROM trip{where} ORDER BY date_from, id", params
            ).mappings()
        ]
        listed = f"SELECT trip.id FROM trip{where}"
        persons = _persons_by_trip(connection, _TRIP_PERSONS_SQL.format(listed=listed), params)
        projects = _names_by_trip(connection, _TRIP_PROJECTS_SQL.format(listed=listed), params)
    return [
        {
            "id": trip["id"],
            "from": trip["date_from"],
            "to": trip["date_to"],
            "days": (date.fromisoformat(trip["date_to"]) - date.fromisoformat(trip["date_from"])).days + 1,
            "persons": persons.get(trip["id"], []),
            "dest": trip["dest"],
            "region": trip["region"],
            "purpose": trip["purpose"],
            "companies": trip["companies"],
            "projects": projects.get(trip["id"], []),
        }
        for trip in trips
    ]


_TRIP_PERSONS_SQL = (
    "SELECT trip_person.trip_id, person.id, person.name FROM trip_person JOIN person ON person.id = trip_person.person_id "
    "WHERE trip_person.trip_id IN ({listed}) ORDER BY trip_person.trip_id, person.id"
)
_TRIP_PROJECTS_SQL = (
    "SELECT trip_project.trip_id, project.code FROM trip_project JOIN project ON project.id = trip_project.project_id "
    "WHERE trip_project.trip_id IN ({listed}) ORDER BY trip_project.trip_id, project.code"
)


def _persons_by_trip(connection: Connection, sql: str, params: dict) -> dict[int, list[str]]:
    """The persons of the listed trips, per trip id; namesakes as `姓名@单位`."""
    namesakes = namesake_labels(connection)
    persons: dict[int, list[str]] = {}
    for trip_id, person_id, name in connection.exec_driver_sql(sql, params):
        persons.setdefault(trip_id, []).append(namesakes.get(person_id, name))
    return persons


def _names_by_trip(connection: Connection, sql: str, params: dict) -> dict[int, list[str]]:
    """Names linked to the listed trips, per trip id, in one query."""
    names: dict[int, list[str]] = {}
    for trip_id, name in connection.exec_driver_sql(sql, params):
        names.setdefault(trip_id, []).append(name)
    return names


# --- days ---------------------------------------------------------------------------------

# Each person's trips overlapping the window, clipped to it; no order is needed (see below).
# The trips are found by their last day (ix_trip_ends): a year's trips are read, not ten years',
# and their persons through trip_person's key. CROSS JOIN keeps that order; through the person
# index SQLite would read `trip` at random. The persons of chosen roles (`{persons}`) are joined
# last, so that only the rows in the window look them up.
_TRIP_SPANS_SQL = """
{chosen}SELECT trip_person.person_id, max(trip.date_from, :first) || '/' || min(trip.date_to, :last)
FROM trip CROSS JOIN trip_person ON trip_person.trip_id = trip.id{persons}
WHERE trip.date_to >= :first AND trip.date_from <= :last
"""


class _SpanMasks(dict):
    """The bitmask of a span of days 'FROM/TO' (ISO dates, inclusive) within a window: bit k is
    the window's first day + k days. Computed once per distinct span (a year has a few thousand)."""

    def __init__(self, first: date):
        super().__init__()
        self.base = first.toordinal()

    def __missing__(self, span: str) -> int:
        start, _, end = span.partition("/")
        offset = date.fromisoformat(start[:10]).toordinal() - self.base
        mask = self[span] = ((1 << (date.fromisoformat(end[:10]).toordinal() - self.base - offset + 1)) - 1) << offset
        return mask


def _month_windows(first: date, last: date) -> list[tuple[str, int, int]]:
    """('YYYY-MM', offset of its first day in the window, its days in the window) per month of [first, last]."""
    windows = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        month_first, month_last = month_bounds(year, month)
        start, end = max(month_first, first), min(month_last, last)
        windows.append((f"{year:04d}-{month:02d}", (start - first).days, (end - start).days + 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return windows


def trip_days_by_month(
    connection: Connection, first: date, last: date, roles: Iterable[str] | None = None
) -> dict[tuple[int, str], int]:
    """Days on trips per (person_id, 'YYYY-MM') counting only days within [first, last] (union of a person's trips).

    Calendar days, both ends of a trip inclusive; overlapping trips of a person count a shared
    day once; a trip across a month's end counts in both months. Persons and months without a
    day on a trip are absent (read a missing key as 0). With `roles`, only the persons who held
    a post of one of those roles within the window are counted (the rules need only the roles
    with a minimum; trips belong to the person, so their days count across a change of post).

    How: SQL picks each person's trips overlapping the window, clipped to it (one row per
    person and trip, unsorted); Python keeps one integer per person as a bitmask of the
    window's days (bit k = first + k days) and ORs each trip's run of days into it, so a day
    on two trips is one bit. A month's days are then the bits set in the month's slice of the
    mask. One pass over the rows, no sort: on 200,000 trips in one year two to three times
    faster than a sweep with a window function in SQLite (benchmarks/bench_trip_days.py).
    A mask has a bit per day of the window, so the rules ask for a year at most.
    """
    if last < first:
        return {}
    spans = _SpanMasks(first)
    masks: dict[int, int] = {}
    mask_of = masks.get
    params: dict = {"first": first.isoformat(), "last": last.isoformat()}
    chosen = persons = ""
    if roles is not None:
        role_params = {f"role_{index}": role for index, role in enumerate(roles)}
        params |= role_params
        chosen = (
            "WITH chosen(person_id) AS (SELECT DISTINCT person_id FROM person_post"
            f" WHERE role IN ({', '.join(':' + name for name in role_params) or 'NULL'})"
            " AND (since IS NULL OR since <= :last) AND (until IS NULL OR until >= :first))\n"
        )
        persons = " CROSS JOIN chosen ON chosen.person_id = trip_person.person_id"
    # The DBAPI cursor: SQLAlchemy's Row objects would cost more than the counting itself.
    with driver_cursor(connection) as cursor:
        for person_id, span in cursor.execute(_TRIP_SPANS_SQL.format(chosen=chosen, persons=persons), params):
            masks[person_id] = mask_of(person_id, 0) | spans[span]
    days: dict[tuple[int, str], int] = {}
    for key, offset, length in _month_windows(first, last):
        month_mask = (1 << length) - 1
        for person_id, mask in masks.items():
            count = ((mask >> offset) & month_mask).bit_count()
            if count:
                days[person_id, key] = count
    return days


@dataclass
class PersonTripDays:
    """One person's trip days in a month against their minimum."""

    person: str
    person_id: int
    unit: str  # of the post held on the month's last day (else the last post held in it)
    role: str
    days: int
    minimum: int | None  # the smallest minimum of the month's judged posts
    held_throughout: bool  # held judged posts on every day of the month; otherwise not judged
    unit_rank: int  # the unit's place in the ledger, to group the table
    in_progress: bool = False  # the month is not over at the as-of date: days so far, not judged

    @property
    def passed(self) -> bool | None:
        """Reached the minimum; None when not judged (no minimum, not in a judged post all
        month, or the month still in progress)."""
        if self.minimum is None or not self.held_throughout or self.in_progress:
            return None
        return self.days >= self.minimum

    @property
    def target_unset(self) -> bool:
        """The role has a minimum by the opinion (ZS201–ZS203) but the year has no target row for it."""
        return self.minimum is None and self.role in ROLE_METRICS

    @property
    def shortfall(self) -> int:
        if self.minimum is None or self.passed is not False:  # passed is None whenever minimum is
            return 0
        return self.minimum - self.days

    def as_json(self) -> dict:
        """The contract's shape (design §3)."""
        return {
            "person": self.person,
            "person_id": self.person_id,
            "unit": self.unit,
            "role": self.role,
            "days": self.days,
            "minimum": self.minimum,
            "passed": self.passed,
        }


def shortfalls_first(rows: list[PersonTripDays]) -> list[PersonTripDays]:
    """Grouped per unit, units with a shortfall first; in a unit the largest shortfall first,
    then those who passed, then those not judged; ledger order otherwise."""
    failing_units = {row.unit_rank for row in rows if row.passed is False}
    outcome_rank = {False: 0, True: 1, None: 2}
    return sorted(
        rows,
        key=lambda row: (row.unit_rank not in failing_units, row.unit_rank, outcome_rank[row.passed], -row.shortfall),
    )


def month_trip_days(ledger: Ledger, month: str, as_of: date) -> list[PersonTripDays]:
    """Every person who held a post in a month (or travelled in it): trip days, minimum and whether
    they reached it (shortfalls first).

    As the rules judge it (design §5.1): days are counted up to as_of; a month whose last day
    is after as_of (the current one, or one wholly ahead) is in progress and nobody fails it; the
    unit and role shown are those of the post held on the month's last day.
    """
    year, month_number = parse_month(month, "月份（--month）")
    first, last = month_bounds(year, month_number)
    key = first.isoformat()[:7]
    with ledger.read() as connection:
        days = trip_days_by_month(connection, first, min(last, as_of))  # empty before the month starts
        minimums = trip_minimums(connection, year)
        posts = posts_by_person(connection, first, last)
        travelled = [person_id for person_id, month_key in days if month_key == key and person_id not in posts]
        if travelled:  # trips of someone with no post that month: shown under their latest post, not judged
            latest = posts_by_person(connection, date.min, date.max)
            posts |= {person_id: latest[person_id] for person_id in travelled if person_id in latest}
    rows = []
    for person_id, person_posts in posts.items():
        judgement = judge_month(person_posts, first, last, minimums)
        post = judgement.post if judgement else person_posts[-1]
        rows.append(
            PersonTripDays(
                person=post.name,
                person_id=person_id,
                unit=post.unit,
                role=post.role,
                days=days.get((person_id, key), 0),
                minimum=judgement.minimum if judgement else None,
                held_throughout=judgement.judged if judgement else False,
                unit_rank=post.unit_id,
                in_progress=last > as_of,
            )
        )
    rows.sort(key=lambda row: (row.unit_rank, row.person_id))
    return shortfalls_first(rows)
