"""Units (责任单位) and persons (人员) with their posts (任职).

A person is one identity with a history of posts (design §5.1): unit and role from a day to a
day. `person move` ends a post and starts the next, `person leave` ends the last one, `person
edit` corrects the latest. The person row repeats its latest post, kept in step by `_sync_person`.

How a month is judged for the trip-day rules (ZS201–ZS203) is here too (`judge_month`), since it
is a question about posts: a person is judged for a month when they held judged posts (principal,
deputy, head) on every day of it, against the smallest minimum of those posts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.parsing import (
    KIND_LABELS,
    PERSON_NAME_MAX,
    ROLE_LABELS,
    UNIT_NAME_MAX,
    normalize_text,
    parse_date,
    parse_kind,
    parse_role,
    require_text,
)
from zhaoshang.services.lookup import find_person, find_unit, ids_named, unit_named

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from zhaoshang.audit import Writer

# The rule whose yearly target holds a role's monthly minimum of trip days.
ROLE_METRICS = {"principal": "ZS201", "deputy": "ZS202", "head": "ZS203"}


def add_unit(ledger: Ledger, actor: str, name: str, kind: str) -> dict:
    name = require_text(name, "单位名称", UNIT_NAME_MAX)
    kind = parse_kind(kind)
    with ledger.write(actor, "unit.add", subject=name) as writer:
        if unit_named(writer.connection, name) is not None:
            raise InputError(f"单位名称：'{name}' 已存在", "查看全部单位：zs unit list")
        unit_id = writer.insert("unit", {"name": name, "kind": kind})
    return {"id": unit_id, "name": name, "kind": kind}


def list_units(ledger: Ledger) -> list[dict]:
    with ledger.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT unit.id, unit.name, unit.kind, group_concat(unit_alias.alias, '、') AS aliases, "
            "(SELECT count(*) FROM person WHERE person.unit_id = unit.id) AS persons "
            "FROM unit LEFT JOIN unit_alias ON unit_alias.unit_id = unit.id GROUP BY unit.id ORDER BY unit.id"
        ).mappings()
        return [
            {
                "name": row["name"],
                "kind": row["kind"],
                "kind_label": KIND_LABELS[row["kind"]],
                "aliases": row["aliases"].split("、") if row["aliases"] else [],
                "persons": row["persons"],
            }
            for row in rows
        ]


# --- posts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A post a person held: unit and role from `since` to `until`, both inclusive (None: open)."""

    id: int
    person_id: int
    name: str  # the person's
    unit_id: int
    unit: str
    role: str
    since: str | None  # ISO dates
    until: str | None

    def holds_on(self, day: str) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or self.until >= day)

    def overlaps(self, first: str, last: str) -> bool:
        return (self.since is None or self.since <= last) and (self.until is None or self.until >= first)

    def as_json(self) -> dict:
        return {"unit": self.unit, "role": self.role, "role_label": ROLE_LABELS[self.role], "since": self.since,
                "until": self.until}  # fmt: skip


_POSTS_SQL = (
    "SELECT person_post.id, person_post.person_id, person.name, person_post.unit_id, unit.name, person_post.role, "
    "person_post.since, person_post.until FROM person_post JOIN person ON person.id = person_post.person_id "
    "JOIN unit ON unit.id = person_post.unit_id"
)
# The persons holding a post on :as_of (a handler without one is no 专人, design §5.1).
ON_POST_SQL = "(SELECT person_id FROM person_post WHERE (since IS NULL OR since <= :as_of) AND (until IS NULL OR until >= :as_of))"
# Posts do not overlap, so their start orders them; an open start is the earliest.
_POST_ORDER = "person_post.since IS NOT NULL, person_post.since, person_post.id"


def _post(row) -> Post:
    post_id, person_id, name, unit_id, unit, role, since, until = row
    return Post(post_id, person_id, name, unit_id, unit, role,
                None if since is None else str(since), None if until is None else str(until))  # fmt: skip


def posts_of(connection: Connection, person_id: int) -> list[Post]:
    """A person's posts, earliest first."""
    rows = connection.exec_driver_sql(
        f"{_POSTS_SQL} WHERE person_post.person_id = :id ORDER BY {_POST_ORDER}", {"id": person_id}
    )
    return [_post(row) for row in rows]


def posts_by_person(connection: Connection, first: date, last: date) -> dict[int, list[Post]]:
    """Every person's posts that overlap [first, last], earliest first; persons in the order of
    their latest unit, then entry."""
    rows = connection.exec_driver_sql(
        f"{_POSTS_SQL} WHERE (person_post.since IS NULL OR person_post.since <= :last) "
        "AND (person_post.until IS NULL OR person_post.until >= :first) "
        f"ORDER BY person.unit_id, person.id, {_POST_ORDER}",
        {"first": first.isoformat(), "last": last.isoformat()},
    )
    posts: dict[int, list[Post]] = {}
    for row in rows:
        post = _post(row)
        posts.setdefault(post.person_id, []).append(post)
    return posts


# --- how a month is judged ------------------------------------------------------------------


def trip_minimums(connection: Connection, year: int) -> dict[tuple[str, int | None], int]:
    """The year's monthly minimums of trip days by (metric, unit_id): the district's rows under
    unit None. A fractional target is rounded up: days are whole, and 7.5 days are reached only with 8."""
    rows = connection.exec_driver_sql(
        f"SELECT metric, unit_id, value FROM target WHERE year = :year AND metric IN "
        f"({', '.join(repr(metric) for metric in ROLE_METRICS.values())})",
        {"year": year},
    )
    return {(metric, unit_id): math.ceil(Decimal(value)) for metric, unit_id, value in rows}


def minimum_of(minimums: dict[tuple[str, int | None], int], role: str, unit_id: int) -> int | None:
    """A post's monthly minimum: the unit's own target of the role's rule wins over the district's."""
    metric = ROLE_METRICS.get(role)
    if metric is None:
        return None
    own = minimums.get((metric, unit_id))
    return own if own is not None else minimums.get((metric, None))


class MonthJudgement(NamedTuple):
    """How a person's month is judged (ZS201–ZS203). A tuple: a city's year has tens of thousands."""

    post: Post  # held on the month's last day; else the last one held in the month
    judged: bool  # judged posts (principal, deputy, head) were held on every day of the month
    minimum: int | None  # the smallest minimum of the month's judged posts; None: no target
    changed: bool  # the post changed within the month


def judge_month(posts: list[Post], first: date, last: date, minimums: dict) -> MonthJudgement | None:
    """The judgement of a month for a person's posts (earliest first); None when they held none in it.

    A month is judged when posts of judged roles cover every day of it; where the post changed
    within the month, the minimum is the smallest of the posts' minimums (unit overrides
    included), so that no one fails because they were moved."""
    if len(posts) == 1 and posts[0].since is None and posts[0].until is None:  # most people: one open post
        post = posts[0]
        judged = post.role in ROLE_METRICS
        return MonthJudgement(post, judged, minimum_of(minimums, post.role, post.unit_id) if judged else None, False)
    first_day, last_day = first.isoformat(), last.isoformat()
    held = [post for post in posts if post.overlaps(first_day, last_day)]
    if not held:
        return None
    post = next((post for post in held if post.holds_on(last_day)), held[-1])
    covered = first  # the first day not yet known to be covered
    for judged_post in held:
        if judged_post.role not in ROLE_METRICS:
            continue
        if judged_post.since is not None and judged_post.since > covered.isoformat():
            break  # a gap
        if judged_post.until is None:
            covered = last + timedelta(days=1)
            break
        covered = max(covered, date.fromisoformat(judged_post.until) + timedelta(days=1))
    minimums_held = [
        value for judged_post in held if (value := minimum_of(minimums, judged_post.role, judged_post.unit_id))
        is not None
    ]  # fmt: skip
    minimum = min(minimums_held) if minimums_held and post.role in ROLE_METRICS else None
    return MonthJudgement(post, covered > last, minimum, len(held) > 1)


# --- persons --------------------------------------------------------------------------------

_DATE_FIELDS = {"since": "任职起始日期（--since）", "until": "任职截止日期（--until）"}


def _optional_date(value: str | None, field: str) -> date | None:
    return parse_date(value, _DATE_FIELDS[field]) if value and value.strip() else None


def _date_text(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _check_span(since: date | str | None, until: date | str | None) -> None:
    if since is not None and until is not None and str(until) < str(since):
        raise InputError(f"任职截止日期（--until）：'{until}' 早于起始日期 '{since}'", "截止日期应不早于起始日期")


def _check_no_namesake_in(connection: Connection, name: str, unit_id: int, unit: str, person_id: int | None) -> None:
    """`姓名@单位` must name one person: another person of the name who held a post in the unit is refused."""
    held_a_post_there = (
        "SELECT DISTINCT person.id, person.name FROM person JOIN person_post ON person_post.person_id = person.id "
        "WHERE person_post.unit_id = :unit_id AND person.id != ifnull(:person_id, 0)"
    )
    if ids_named(connection, held_a_post_there, name, {"unit_id": unit_id, "person_id": person_id}):
        raise InputError(
            f"姓名：'{name}' 在{unit}已登记",
            f"同一人换岗：zs person move {name}@{unit} --role 职务 --unit 新单位 --on 日期；查看人员：zs person list",
        )


def _sync_person(writer: Writer, person_id: int) -> None:
    """Repeat the person's latest post on the person row."""
    latest = posts_of(writer.connection, person_id)[-1]
    writer.update(
        "person",
        {"id": person_id},
        {"unit_id": latest.unit_id, "role": latest.role, "since": latest.since, "until": latest.until},
    )


def add_person(
    ledger: Ledger,
    actor: str,
    name: str,
    unit: str,
    role: str,
    since: str | None = None,
    until: str | None = None,
) -> dict:
    """A new person with their first post."""
    name = require_text(name, "姓名", PERSON_NAME_MAX)
    if "@" in normalize_text(name):  # ＠ too: a lookup reads it as @
        raise InputError(f"姓名：'{name}' 不能含 @", "@ 用来写 姓名@单位 以区分同名人员")
    role = parse_role(role)
    since_date = _optional_date(since, "since")
    until_date = _optional_date(until, "until")
    _check_span(since_date, until_date)
    with ledger.write(actor, "person.add", subject=name) as writer:
        unit_row = find_unit(writer.connection, unit)
        _check_no_namesake_in(writer.connection, name, unit_row["id"], unit_row["name"], None)
        post = {"unit_id": unit_row["id"], "role": role, "since": since_date, "until": until_date}
        person_id = writer.insert("person", {"name": name} | post)
        writer.insert("person_post", {"person_id": person_id} | post)
    return {"id": person_id, "name": name, "unit": unit_row["name"], "role": role}


def person_view(row: dict) -> dict:
    return {
        "id": row["id"],
        "name": row["name"],
        "unit": row["unit"],
        "role": row["role"],
        "role_label": ROLE_LABELS[row["role"]],
        "since": row["since"],
        "until": row["until"],
    }


def list_persons(ledger: Ledger) -> list[dict]:
    """Every person with their latest post."""
    with ledger.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT person.id, person.name, unit.name AS unit, person.role, person.since, person.until "
            "FROM person JOIN unit ON unit.id = person.unit_id ORDER BY unit.id, person.id"
        ).mappings()
        return [person_view(dict(row)) for row in rows]


def show_person(ledger: Ledger, person: str) -> dict:
    """A person and every post they held, earliest first."""
    with ledger.read() as connection:
        row = find_person(connection, person, "人员（PERSON）")
        posts = posts_of(connection, row["id"])
    return {"id": row["id"], "name": row["name"], "posts": [post.as_json() for post in posts]}


def _subject(row: dict) -> str:
    return f"{row['name']}（#{row['id']}）"


def move_person(ledger: Ledger, actor: str, person: str, role: str, on: str, unit: str | None = None) -> dict:
    """A change of post: the latest post's last day is the day before `on`, the new post starts on `on`."""
    role = parse_role(role)
    on_date = parse_date(on, "调动日期（--on）")
    with ledger.write(actor, "person.move", subject=person) as writer:
        row = find_person(writer.connection, person, "人员（PERSON）")
        writer.subject = _subject(row)
        latest = posts_of(writer.connection, row["id"])[-1]
        if latest.since is not None and on_date.isoformat() <= latest.since:
            raise InputError(
                f"调动日期（--on）：'{on_date}' 不晚于现任职务的起始日期 {latest.since}",
                f"新职务应在现任职务开始之后；更正现任职务：zs person edit {row['name']} --unit 单位 --role 职务",
            )
        unit_row: dict = (
            find_unit(writer.connection, unit, "单位（--unit）")
            if unit
            else {"id": latest.unit_id, "name": latest.unit}
        )
        continuing = latest.until is None or latest.until >= (on_date - timedelta(days=1)).isoformat()
        if continuing and (unit_row["id"], role) == (latest.unit_id, latest.role):
            raise InputError(
                f"职务（--role）：{row['name']} 已是{latest.unit}{ROLE_LABELS[role]}",
                f"换到另一单位加 --unit，例如 zs person move {row['name']} --role {role} --unit 开发区 --on {on_date}",
            )
        if unit_row["id"] != latest.unit_id:
            _check_no_namesake_in(writer.connection, row["name"], unit_row["id"], unit_row["name"], row["id"])
        if continuing:
            writer.update("person_post", {"id": latest.id}, {"until": on_date - timedelta(days=1)})
        writer.insert(
            "person_post",
            {"person_id": row["id"], "unit_id": unit_row["id"], "role": role, "since": on_date, "until": None},
        )
        _sync_person(writer, row["id"])
    return {"id": row["id"], "name": row["name"], "unit": unit_row["name"], "role": role, "since": on_date,
            "previous": latest}  # fmt: skip


def leave_person(ledger: Ledger, actor: str, person: str, on: str) -> dict:
    """The latest post ends: `on` is its last day."""
    on_date = parse_date(on, "离任日期（--on）")
    with ledger.write(actor, "person.leave", subject=person) as writer:
        row = find_person(writer.connection, person, "人员（PERSON）")
        writer.subject = _subject(row)
        latest = posts_of(writer.connection, row["id"])[-1]
        if latest.until is not None:
            raise InputError(
                f"人员：{row['name']} 已于 {latest.until} 离任（{latest.unit}{ROLE_LABELS[latest.role]}）",
                f"更正离任日期：zs person edit {row['name']} --until 日期",
            )
        if latest.since is not None and on_date.isoformat() < latest.since:
            raise InputError(
                f"离任日期（--on）：'{on_date}' 早于任职起始日期 {latest.since}",
                f"离任日期应不早于起始日期；查看任职：zs person show {row['name']}",
            )
        writer.update("person_post", {"id": latest.id}, {"until": on_date})
        _sync_person(writer, row["id"])
    return {"id": row["id"], "name": row["name"], "unit": latest.unit, "role": latest.role, "until": on_date}


@dataclass
class PersonEdit:
    """What `person edit` may change, as typed; None: unchanged, empty text: clear (a date)."""

    name: str | None = None
    unit: str | None = None
    role: str | None = None
    since: str | None = None
    until: str | None = None


def edit_person(ledger: Ledger, actor: str, person: str, fields: PersonEdit) -> dict:
    """Correct the person's name or their latest post (a typing mistake). Returns the person,
    the post after, and the months judged differently now (`judged_months` before and after)."""
    if fields == PersonEdit():
        raise InputError("修改人员：没有给出要修改的字段", "例如：zs person edit 张三 --since 2024-03-01")
    name = require_text(fields.name, "姓名（--name）", PERSON_NAME_MAX) if fields.name is not None else None
    if name is not None and "@" in name:
        raise InputError(f"姓名（--name）：'{name}' 不能含 @", "@ 用来写 姓名@单位 以区分同名人员")
    role = parse_role(fields.role) if fields.role is not None else None
    dates = {
        field: _optional_date(getattr(fields, field), field)
        for field in _DATE_FIELDS
        if getattr(fields, field) is not None
    }
    with ledger.write(actor, "person.edit", subject=person) as writer:
        connection = writer.connection
        row = find_person(connection, person, "人员（PERSON）")
        writer.subject = _subject(row)
        posts = posts_of(connection, row["id"])
        latest, previous = posts[-1], (posts[-2] if len(posts) > 1 else None)
        unit_row = find_unit(connection, fields.unit, "单位（--unit）") if fields.unit is not None else None
        values: dict = dates | ({"role": role} if role else {}) | ({"unit_id": unit_row["id"]} if unit_row else {})
        since = _date_text(dates["since"]) if "since" in dates else latest.since
        until = _date_text(dates["until"]) if "until" in dates else latest.until
        _check_span(since, until)
        if previous is not None and (since is None or (previous.until is not None and since <= previous.until)):
            raise InputError(
                f"任职起始日期（--since）：'{since or '空'}' 与上一任职（{previous.unit}{ROLE_LABELS[previous.role]}，"
                f"至 {previous.until}）重叠",
                f"起始日期应晚于 {previous.until}；查看任职：zs person show {row['name']}",
            )
        new_name = name or row["name"]
        units = {post.unit_id: post.unit for post in posts} | ({unit_row["id"]: unit_row["name"]} if unit_row else {})
        if new_name != row["name"] or unit_row:
            for unit_id, unit_name in units.items():
                _check_no_namesake_in(connection, new_name, unit_id, unit_name, row["id"])
        before = judged_months(connection, row["id"])
        if values:
            writer.update("person_post", {"id": latest.id}, values)
        if name:
            writer.update("person", {"id": row["id"]}, {"name": name})
        _sync_person(writer, row["id"])
        after = judged_months(connection, row["id"])
        post = posts_of(connection, row["id"])[-1]
    return {"id": row["id"], "name": new_name, "post": post.as_json(), "months": month_changes(before, after)}


# --- which months are judged, and how (what `person edit` reports) ---------------------------


def _month_text(judgement: MonthJudgement | None) -> str:
    if judgement is None or not judgement.judged:
        return "不考核"
    if judgement.minimum is None:
        return f"{ROLE_LABELS[judgement.post.role]}（未设定天数目标）"
    return f"{ROLE_LABELS[judgement.post.role]}，每月不少于{judgement.minimum}天"


def judged_months(connection: Connection, person_id: int) -> dict[str, str]:
    """How each month of every year with trip-day targets is judged for a person, as people read it."""
    years = [
        year
        for (year,) in connection.exec_driver_sql(
            f"SELECT DISTINCT year FROM target WHERE metric IN ({', '.join(repr(m) for m in ROLE_METRICS.values())}) "
            "ORDER BY year"
        )
    ]
    posts = posts_of(connection, person_id)
    months: dict[str, str] = {}
    for year in years:
        minimums = trip_minimums(connection, year)
        for month in range(1, 13):
            first = date(year, month, 1)
            last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
            months[f"{year:04d}-{month:02d}"] = _month_text(judge_month(posts, first, last, minimums))
    return months


def month_changes(before: dict[str, str], after: dict[str, str]) -> list[dict]:
    """Runs of consecutive months whose judgement changed: {"from", "to", "before", "after"}."""
    runs: list[dict] = []
    for month in sorted(before):
        if before[month] == after.get(month):
            continue
        last = runs[-1] if runs else None
        if (
            last
            and last["before"] == before[month]
            and last["after"] == after[month]
            and _next_month(last["to"]) == month
        ):
            last["to"] = month
        else:
            runs.append({"from": month, "to": month, "before": before[month], "after": after[month]})
    return runs


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + 1:04d}-01" if number == 12 else f"{year:04d}-{number + 1:02d}"
