"""Projects (招商引资项目): add, advance through the stages, edit, stall, resume, terminate, list.

Stall, resume and terminate are dated events (`services.status`); deleting and merging projects
are in `services.retire`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.parsing import (
    NAME_MAX,
    NOTE_MAX,
    STAGE_LABELS,
    STAGES,
    normalize_text,
    optional_text,
    parse_amount,
    parse_channel,
    parse_date,
    parse_reason,
    parse_stage,
    parse_year,
    require_code,
    require_text,
    yuan_to_wan,
)
from zhaoshang.services.casework import problems_of
from zhaoshang.services.inspections import inspections_of
from zhaoshang.services.investment import investment_of
from zhaoshang.services.lookup import find_person, find_project, find_unit
from zhaoshang.services.names import namesake_labels, person_label
from zhaoshang.services.status import (
    EVENT_LABELS,
    STATUS_ACTIONS,
    STATUS_LABELS,
    events_of,
    record_event,
    status_on,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

STAGE_COLUMNS = {stage: f"{stage}_on" for stage in STAGES}
# The stage each stage needs first (（三） 招落分离: signed, then started, then the rest).
PREREQUISITE = {"started": "signed", "included": "started", "completed": "started", "producing": "started"}
TEXT_FIELDS = {"investor": "投资方", "industry": "产业类别", "origin": "来源地", "note": "备注"}
# field -> (longest, may hold line breaks): a note is free text up to what an Excel cell holds.
_TEXT_LIMITS = {"investor": (NAME_MAX, False), "industry": (NAME_MAX, False), "origin": (NAME_MAX, False),
                "note": (NOTE_MAX, True)}  # fmt: skip
CODE_PREFIX = "XM"


@dataclass
class ProjectFields:
    """What a user may give for a project, as typed; every field optional (for edit)."""

    name: str | None = None
    unit: str | None = None
    amount: str | None = None
    code: str | None = None
    investor: str | None = None
    industry: str | None = None
    channel: str | None = None
    origin: str | None = None
    note: str | None = None
    leader: str | None = None
    handler: str | None = None
    lead: str | None = None
    signed: str | None = None
    started: str | None = None
    included: str | None = None
    completed: str | None = None
    producing: str | None = None
    fixed_amount: str | None = None


# How each field is named in messages when the caller does not name it (an import names it by its column).
FIELD_LABELS = {
    "name": "项目名称",
    "code": "项目编号",
    "unit": "责任单位",
    "amount": "总投资",
    "fixed_amount": "固投",
    **TEXT_FIELDS,
    "channel": "招商方式",
    "leader": "包保领导",
    "handler": "专人",
    "lead": "在谈日期（--lead）",
    **{stage: f"{STAGE_LABELS[stage]}日期（--{stage}）" for stage in STAGES},
}


def _blank_is_none(resolve):
    """A resolver for an optional field: an empty value clears it."""
    return lambda connection, value, label: resolve(connection, value, label) if value.strip() else None


def _text(attribute: str):
    max_length, multiline = _TEXT_LIMITS[attribute]
    return lambda connection, value, label: optional_text(value, label, max_length, multiline)


# field -> (column, resolver(connection, typed value, label) -> column value), in the order they are checked.
_RESOLVERS = {
    "name": ("name", lambda connection, value, label: require_text(value, label)),
    "code": ("code", lambda connection, value, label: require_code(value, label)),
    "unit": ("unit_id", lambda connection, value, label: find_unit(connection, value, label)["id"]),
    "amount": ("amount", lambda connection, value, label: parse_amount(value, label)),
    "fixed_amount": ("fixed_amount", _blank_is_none(lambda connection, value, label: parse_amount(value, label))),
    **{attribute: (attribute, _text(attribute)) for attribute in TEXT_FIELDS},
    "channel": ("channel", _blank_is_none(lambda connection, value, label: parse_channel(value))),
    "leader": (
        "leader_id",
        _blank_is_none(lambda connection, value, label: find_person(connection, value, label)["id"]),
    ),
    "handler": (
        "handler_id",
        _blank_is_none(lambda connection, value, label: find_person(connection, value, label)["id"]),
    ),
    "lead": ("lead_on", lambda connection, value, label: parse_date(value, label).isoformat()),
    **{
        stage: (
            STAGE_COLUMNS[stage],
            _blank_is_none(lambda connection, value, label: parse_date(value, label).isoformat()),
        )
        for stage in STAGES
    },
}


# What `lookups` remembers, per (field, value, label): the names found by a query, and the values a
# ledger repeats row after row whose reading needs nothing else (dates, closed lists, short texts).
# An import of 100,000 rows read its 260,000 date cells each time, where it holds about 3,600 days.
_REMEMBERED = frozenset({"unit", "leader", "handler", "channel", "industry", "origin", "lead", *STAGES})


def resolve_fields(
    connection: Connection,
    fields: ProjectFields,
    labels: dict[str, str] | None = None,
    problems: list[tuple[str, InputError]] | None = None,
    lookups: dict | None = None,
) -> dict:
    """Turn typed fields into column values, validating each; only the fields given.

    `labels` names fields as the user knows them (an imported sheet's column headers). Given a
    `problems` list, a field's error is appended as (field, error) and the other fields are still
    resolved, so that an import can list every problem at once; otherwise the first error is raised.
    A `lookups` dict, kept across calls, remembers units and persons already found (or not found)
    and the readings of values a ledger repeats (`_REMEMBERED`),
    so that an import of many rows asks the ledger once per name.
    """
    values: dict = {}
    for attribute, (column, resolve) in _RESOLVERS.items():
        value = getattr(fields, attribute)
        if value is None:
            continue
        label = (labels or {}).get(attribute) or FIELD_LABELS[attribute]
        try:
            if lookups is not None and attribute in _REMEMBERED:
                key = (attribute, value, label)
                found = lookups.get(key)
                if found is None:  # first met: resolved, or its error kept to be raised afresh
                    found = _remembered(lookups, key, partial(resolve, connection, value, label))
                values[column] = _result(found)
            else:
                values[column] = resolve(connection, value, label)
        except InputError as error:
            if problems is None:
                raise
            problems.append((attribute, error))
    return values


def _remembered(lookups: dict, key: tuple, find) -> tuple:
    """What `find()` gives for `key`, or the error it raises, kept in `lookups`."""
    try:
        lookups[key] = (find(), None)
    except InputError as error:
        lookups[key] = (None, (type(error), error.message, error.hint))
    return lookups[key]


def _result(found: tuple):
    """A remembered result, or its error raised afresh."""
    value, failure = found
    if failure is not None:
        error_type, message, hint = failure
        raise error_type(message, hint)
    return value


def stage_problems(record: dict) -> list[InputError]:
    """Stage order (（三）): each stage needs the one it follows, dated no earlier."""
    problems = []
    for stage, needed in PREREQUISITE.items():
        on = record.get(STAGE_COLUMNS[stage])
        if on is None:
            continue
        before = record.get(STAGE_COLUMNS[needed])
        label, needed_label = STAGE_LABELS[stage], STAGE_LABELS[needed]
        if before is None:
            problems.append(
                InputError(
                    f"{label}日期：'{on}' 无效，项目还没有{needed_label}",
                    f"先登记{needed_label}：zs project advance {record.get('code') or '编号'} {needed} --on 日期",
                )
            )
        elif str(on) < str(before):
            problems.append(
                InputError(
                    f"{label}日期：'{on}' 早于{needed_label}日期 {before}", f"{label}不能早于{needed_label}，请核对日期"
                )
            )
    return problems


def check_stages(record: dict) -> None:
    """Raise the first stage-order problem of a project's record, if any."""
    problems = stage_problems(record)
    if problems:
        raise problems[0]


def check_lead(record: dict) -> None:
    """A lead date given (`--lead`) is when talks began: not after the signing."""
    lead, signed = record.get("lead_on"), record.get("signed_on")
    if lead is not None and signed is not None and str(lead) > str(signed):
        raise InputError(
            f"在谈日期（--lead）：'{lead}' 晚于签约日期 {signed}",
            "在谈日期是开始洽谈的日子，应不晚于签约日期，例如 --lead 2024-01-15",
        )


def _code(number: int) -> str:
    return f"{CODE_PREFIX}{number:06d}"


def _next_code(connection: Connection) -> str:
    number: int = connection.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM project").scalar_one()
    while connection.exec_driver_sql("SELECT 1 FROM project WHERE code = :code", {"code": _code(number)}).first():
        number += 1
    return _code(number)


def free_codes(connection: Connection, reserved: Iterable[str] = ()) -> Iterator[str]:
    """Free project codes in order, for adding many projects in one transaction (an import);
    `reserved` holds codes the same transaction is about to use."""
    taken = {row[0] for row in connection.exec_driver_sql("SELECT code FROM project")} | set(reserved)
    number: int = connection.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM project").scalar_one()
    while True:
        if _code(number) not in taken:
            yield _code(number)
        number += 1


def _check_code_free(connection: Connection, code: str) -> None:
    if connection.exec_driver_sql("SELECT 1 FROM project WHERE code = :code", {"code": code}).first():
        raise InputError(f"项目编号：'{code}' 已存在", "换一个编号，或不写 --code 让 zs 自动编号")


def add_project(ledger: Ledger, actor: str, fields: ProjectFields) -> str:
    """Add a project; returns its code."""
    for attribute, label in (("name", "项目名称"), ("unit", "责任单位（--unit）"), ("amount", "总投资（--amount）")):
        if getattr(fields, attribute) is None:
            raise InputError(f"{label}：必须填写", "例如：zs project add 某某项目 --unit 开发区 --amount 1.2亿")
    with ledger.write(actor, "project.add") as writer:
        values = resolve_fields(writer.connection, fields)
        check_stages(values)  # before a code is given: a refused project must not be named by one
        check_lead(values)
        # Without --lead, the day it enters the ledger (a project entered already signed keeps
        # this later day: the ledger did not follow it before, see the year-end outlook).
        values.setdefault("lead_on", ledger.clock().date().isoformat())
        if "code" in values:
            _check_code_free(writer.connection, values["code"])
        else:
            values["code"] = _next_code(writer.connection)
        writer.insert("project", values | {"status": "active"})
        writer.subject = values["code"]
    return values["code"]


def _require_open(project: dict, verb: str) -> None:
    if project["status"] == "terminated":
        raise InputError(f"项目：'{project['code']}' 已终止，不能{verb}", "终止的项目只能查看")


def advance_project(ledger: Ledger, actor: str, code: str, stage: str, on: str, note: str | None = None) -> dict:
    """Record that a project reached a stage on a date."""
    stage = parse_stage(stage)
    on_date = parse_date(on, "日期（--on）")
    with ledger.write(actor, "project.advance", subject=code) as writer:
        project = find_project(writer.connection, code)
        writer.subject = project["code"]
        _require_open(project, "推进")
        status, stall = status_on(events_of(writer.connection, project["id"]), on_date.isoformat())
        if status == "stalled":
            assert stall is not None  # stalled only by an event
            raise InputError(
                f"项目：'{project['code']}' 在 {on_date.isoformat()} 处于停滞状态（{stall.since} 起）",
                f"先恢复：zs project resume {project['code']} --on 日期",
            )
        column = STAGE_COLUMNS[stage]
        if project[column] is not None:
            raise InputError(
                f"阶段：项目 '{project['code']}' 已于 {project[column]} {STAGE_LABELS[stage]}",
                f"更正日期：zs project edit {project['code']} --{stage} 日期",
            )
        changes = {column: on_date.isoformat()}
        note_text = optional_text(note, "备注（--note）", NOTE_MAX, multiline=True)
        if note_text:
            changes["note"] = note_text
        check_stages(project | changes)
        return writer.update("project", {"id": project["id"]}, changes)


def edit_project(ledger: Ledger, actor: str, code: str, fields: ProjectFields) -> dict:
    with ledger.write(actor, "project.edit", subject=code) as writer:
        project = find_project(writer.connection, code)
        writer.subject = project["code"]
        _require_open(project, "修改")
        values = resolve_fields(writer.connection, fields)
        if not values:
            raise InputError("修改项目：没有给出要修改的字段", "例如：zs project edit 编号 --amount 2亿")
        renamed = values.get("code", project["code"]) != project["code"]
        if renamed:
            _check_code_free(writer.connection, values["code"])
        check_stages(project | values)
        if "lead_on" in values:
            check_lead(project | values)
        if renamed:  # the codes merged into it still say where they went
            for (retired_id,) in writer.connection.exec_driver_sql(
                "SELECT id FROM retired_project WHERE merged_into = :code", {"code": project["code"]}
            ).all():
                writer.update("retired_project", {"id": retired_id}, {"merged_into": values["code"]})
        return writer.update("project", {"id": project["id"]}, values)


def set_status(
    ledger: Ledger, actor: str, code: str, status: str, reason: str | None = None, on: str | None = None
) -> dict:
    """Stall, resume or terminate a project on a day (default: today); returns the project row after."""
    label = {"stalled": "停滞日期（--on）", "active": "恢复日期（--on）", "terminated": "终止日期（--on）"}[status]
    on_date = parse_date(on, label) if on else ledger.clock().date()
    if status in ("stalled", "terminated"):
        reason = parse_reason(reason, "原因（--reason）")
    with ledger.write(actor, STATUS_ACTIONS[status], subject=code) as writer:
        project = find_project(writer.connection, code)
        writer.subject = project["code"]
        return record_event(writer, project, status, on_date, reason if status != "active" else None)


def current_stage(row: dict) -> str:
    """The furthest stage reached; `lead` (在谈) before signing."""
    reached = [stage for stage in STAGES if row.get(STAGE_COLUMNS[stage])]
    return reached[-1] if reached else "lead"


_VIEW_SQL = (
    "SELECT project.*, unit.name AS unit_name, leader.name AS leader_name, handler.name AS handler_name "
    "FROM project JOIN unit ON unit.id = project.unit_id "
    "LEFT JOIN person AS leader ON leader.id = project.leader_id "
    "LEFT JOIN person AS handler ON handler.id = project.handler_id"
)


def project_view(row: dict) -> dict:
    """A project as the contract shows it: names instead of ids, amount in 万元."""
    stage = current_stage(row)
    return {
        "code": row["code"],
        "name": row["name"],
        "unit": row["unit_name"],
        "amount": yuan_to_wan(row["amount"]),
        "fixed_amount": yuan_to_wan(row["fixed_amount"]) if row["fixed_amount"] is not None else None,
        "investor": row["investor"],
        "industry": row["industry"],
        "channel": row["channel"],
        "origin": row["origin"],
        "leader": row["leader_name"],
        "handler": row["handler_name"],
        "lead": row["lead_on"],
        **{stage_name: row[STAGE_COLUMNS[stage_name]] for stage_name in STAGES},
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "status": row["status"],
        "status_label": STATUS_LABELS[row["status"]],
        "status_reason": row["status_reason"],
        "terminated": row["terminated_on"],
        "note": row["note"],
    }


def _status_history(connection: Connection, project_id: int) -> list[dict]:
    return [
        {"status": event.status, "label": EVENT_LABELS[event.status], "since": event.since, "reason": event.reason}
        for event in events_of(connection, project_id)
    ]


def list_projects(
    ledger: Ledger, stage: str | None = None, unit: str | None = None, year: str | None = None
) -> list[dict]:
    """Projects, optionally of a current stage, a unit, or signed in a year."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    stage_code = None
    if stage is not None:
        stage_code = "lead" if normalize_text(stage) in ("lead", "在谈") else parse_stage(stage)
    if year is not None:
        year_number = parse_year(year)
        clauses.append("project.signed_on BETWEEN :first AND :last")
        params |= {"first": f"{year_number}-01-01", "last": f"{year_number}-12-31"}
    with ledger.read() as connection:
        if unit is not None:
            clauses.append("project.unit_id = :unit_id")
            params["unit_id"] = find_unit(connection, unit)["id"]
        sql = _VIEW_SQL + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY project.id"
        namesakes = namesake_labels(connection)
        views = [
            project_view(_namesakes_told_apart(dict(row), namesakes))
            for row in connection.exec_driver_sql(sql, params).mappings()
        ]
    if stage_code is not None:
        views = [view for view in views if view["stage"] == stage_code]
    return views


def show_project(ledger: Ledger, code: str) -> dict:
    with ledger.read() as connection:
        project = find_project(connection, code)
        row = connection.exec_driver_sql(_VIEW_SQL + " WHERE project.id = :id", {"id": project["id"]}).mappings().one()
        view = project_view(_namesakes_told_apart(dict(row), namesake_labels(connection)))
        return view | {
            "status_history": _status_history(connection, project["id"]),
            "investment": investment_of(connection, project["id"]),
            "inspections": inspections_of(connection, project["id"]),
            "problems": problems_of(connection, project["id"]),
        }


def _namesakes_told_apart(row: dict, namesakes: dict[int, str]) -> dict:
    """The leader and handler as `姓名@单位` where they share their name with another person."""
    return row | {
        "leader_name": person_label(row["leader_id"], row["leader_name"], namesakes),
        "handler_name": person_label(row["handler_id"], row["handler_name"], namesakes),
    }
