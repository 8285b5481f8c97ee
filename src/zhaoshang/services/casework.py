"""Casework (design §5.4): problems that block a project (项目问题, （十七） 协调解决项目推进难题,
（十三） 要素保障) and enterprise requests (企业诉求, （十二） 闭环处理机制).

    zs problem add CODE --text TEXT --unit UNIT --due DATE [--on DATE]     prints its id
    zs problem resolve ID --on DATE [--note TEXT]
    zs request add --enterprise NAME --text TEXT --unit UNIT --due DATE [--received DATE]   prints its id
    zs request assign ID --unit UNIT [--due DATE]          转办 to another unit
    zs request resolve ID --on DATE [--note TEXT]
    zs request rate ID 满意|基本满意|不满意 [--due DATE] [--on DATE]   不满意 reopens it (重办)

Each is given to a responsible unit and due by a day. At a day D a case is open when it was
raised by D and not resolved by D, and overdue when open after its due day. A request, once
resolved, waits for the enterprise's rating (事后跟踪评价); rated 不满意 it is reopened with a new
due day, as the 12345 hotline does. Each step is a dated event (`request_event`, written in the
step's own transaction); the `enterprise_request` row is the fold of them all, the state now, and
the state at an earlier day D is the fold of the events dated by D (`requests_changed_after`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError, NotFoundError
from zhaoshang.parsing import (
    NOTE_MAX,
    TEXT_MAX,
    optional_text,
    parse_choice,
    parse_date,
    parse_id,
    require_text,
)
from zhaoshang.request_history import REQUEST_EVENTS, fold_request_events
from zhaoshang.services.lookup import find_project, find_unit

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from zhaoshang.audit import Writer

RATING_LABELS = {"satisfied": "满意", "fair": "基本满意", "unsatisfied": "不满意"}
_RATING_CHOICES = {code: code for code in RATING_LABELS} | {label: code for code, label in RATING_LABELS.items()}
PROBLEM_STATES = {"open": "未解决", "overdue": "逾期未解决", "resolved": "已解决"}
REQUEST_STATES = {"open": "办理中", "overdue": "逾期未办结", "unrated": "待评价", "rated": "已评价"}


@dataclass(frozen=True)
class CaseKind:
    """What differs between a problem and a request: its table, the words people read, how to list it."""

    table: str
    label: str  # 问题, 诉求
    command: str  # problem, request

    @property
    def id_field(self) -> str:
        return f"{self.label}编号"

    def subject(self, case_id: int) -> str:
        return f"{self.label}#{case_id}"

    def find(self, connection: Connection, value: str | int) -> dict:
        """A case by its number (`12` or `#12`)."""
        hint = f"查看{self.label}编号：zs {self.command} list"
        case_id = parse_id(value, self.id_field, hint)
        row = (
            connection.exec_driver_sql(f"SELECT * FROM {self.table} WHERE id = :id", {"id": case_id}).mappings().first()
        )
        if row is None:
            raise NotFoundError(f"{self.id_field}：'#{case_id}' 不存在", hint)
        return dict(row)


PROBLEM = CaseKind("problem", "问题", "problem")
REQUEST = CaseKind("enterprise_request", "诉求", "request")


def case_state(due_on: str, resolved_on: str | None, as_of: str) -> tuple[str, int | None]:
    """(open | overdue | resolved, days overdue) at as_of (ISO days) of a case raised by then:
    overdue after its due day."""
    if resolved_on is not None and str(resolved_on) <= as_of:
        return "resolved", None
    if str(due_on) < as_of:
        return "overdue", (date.fromisoformat(as_of) - date.fromisoformat(str(due_on))).days
    return "open", None


def _check_due(due: str, start: str, start_label: str) -> None:
    if due < start:
        raise InputError(f"办结时限（--due）：'{due}' 早于{start_label} {start}", "办结时限应不早于这一天，请核对日期")


def _default_day(ledger: Ledger, value: str | None, field: str) -> str:
    return parse_date(value, field).isoformat() if value is not None else ledger.clock().date().isoformat()


# --- problems ---------------------------------------------------------------------------------


def add_problem(ledger: Ledger, actor: str, code: str, text: str, unit: str, due: str, on: str | None = None) -> dict:
    """A problem blocking a project, given to a unit, raised on `on` (default today); returns it with its id."""
    problem_text = require_text(text, "问题（--text）", TEXT_MAX, multiline=True)
    due_day = parse_date(due, "办结时限（--due）").isoformat()
    raised = _default_day(ledger, on, "提出日期（--on）")
    _check_due(due_day, raised, "提出日期")
    with ledger.write(actor, "problem.add", subject=code) as writer:
        project = find_project(writer.connection, code)
        writer.subject = project["code"]
        if project["terminated_on"] is not None and str(project["terminated_on"]) <= raised:
            raise InputError(
                f"项目：'{project['code']}' 已于 {project['terminated_on']} 终止，不再协调推进问题",
                "终止的项目只能查看",
            )
        unit_row = find_unit(writer.connection, unit, "责任单位（--unit）")
        values = {"project_id": project["id"], "unit_id": unit_row["id"], "text": problem_text,
                  "raised_on": raised, "due_on": due_day, "resolved_on": None, "note": None}  # fmt: skip
        problem_id = writer.insert("problem", values)
    return values | {"id": problem_id, "code": project["code"], "unit": unit_row["name"]}


def resolve_problem(ledger: Ledger, actor: str, problem_id: str, on: str, note: str | None = None) -> dict:
    """A problem solved on a day, with what was done."""
    resolved = parse_date(on, "解决日期（--on）").isoformat()
    note_text = optional_text(note, "备注（--note）", NOTE_MAX, multiline=True)
    with ledger.write(actor, "problem.resolve") as writer:
        problem = PROBLEM.find(writer.connection, problem_id)
        code = writer.connection.exec_driver_sql(
            "SELECT code FROM project WHERE id = :id", {"id": problem["project_id"]}
        ).scalar_one()
        writer.subject = code
        number = f"#{problem['id']}"
        if problem["resolved_on"] is not None:
            raise InputError(
                f"问题编号：'{number}' 已于 {problem['resolved_on']} 解决", f"查看：zs problem list --project {code}"
            )
        if resolved < str(problem["raised_on"]):
            raise InputError(
                f"解决日期（--on）：'{resolved}' 早于问题 {number} 的提出日期 {problem['raised_on']}",
                "解决日期应不早于提出日期，请核对日期",
            )
        return writer.update("problem", {"id": problem["id"]}, {"resolved_on": resolved, "note": note_text}) | {
            "code": code
        }


_PROBLEM_SQL = (
    "SELECT problem.id, project.code AS project, project.name AS project_name, unit.name AS unit, problem.text, "
    "problem.raised_on, problem.due_on, problem.resolved_on, problem.note FROM problem "
    "JOIN project ON project.id = problem.project_id JOIN unit ON unit.id = problem.unit_id"
)


def list_problems(
    ledger: Ledger,
    as_of: date,
    open_only: bool = False,
    unit: str | None = None,
    project: str | None = None,
) -> list[dict]:
    """Problems raised by as_of, in the order entered, each with its state at as_of."""
    with ledger.read() as connection:
        clauses, params = ["problem.raised_on <= :as_of"], {"as_of": as_of.isoformat()}
        if unit is not None:
            clauses.append("problem.unit_id = :unit_id")
            params["unit_id"] = find_unit(connection, unit, "责任单位（--unit）")["id"]
        if project is not None:
            clauses.append("problem.project_id = :project_id")
            params["project_id"] = find_project(connection, project)["id"]
        if open_only:  # what still needs doing: not the problems of a project terminated by then (as ZS405)
            clauses.append("(project.terminated_on IS NULL OR project.terminated_on > :as_of)")
        sql = f"{_PROBLEM_SQL} WHERE {' AND '.join(clauses)} ORDER BY problem.id"
        rows = [dict(row) for row in connection.exec_driver_sql(sql, params).mappings()]
    problems = [problem_view(row, as_of.isoformat()) for row in rows]
    return [problem for problem in problems if not open_only or problem["state"] != "resolved"]


def problems_of(connection: Connection, project_id: int) -> list[dict]:
    """A project's problems in the order raised."""
    sql = f"{_PROBLEM_SQL} WHERE problem.project_id = :id ORDER BY problem.raised_on, problem.id"
    return [
        {key: row[key] for key in ("id", "unit", "text", "raised_on", "due_on", "resolved_on", "note")}
        for row in connection.exec_driver_sql(sql, {"id": project_id}).mappings()
    ]


def problem_view(row: dict, as_of: str) -> dict:
    """A problem as it stood at as_of: a resolution after that day is not yet there."""
    state, overdue = case_state(row["due_on"], row["resolved_on"], as_of)
    label = PROBLEM_STATES[state]
    return row | {
        "resolved_on": row["resolved_on"] if state == "resolved" else None,
        "state": state,
        "state_label": label,
        "overdue_days": overdue,
    }


# --- enterprise requests ------------------------------------------------------------------------


def add_request(
    ledger: Ledger, actor: str, enterprise: str, text: str, unit: str, due: str, received: str | None = None
) -> dict:
    """An enterprise's request, received on a day (default today) and given to a unit; returns it with its id."""
    enterprise_name = require_text(enterprise, "企业（--enterprise）")
    request_text = require_text(text, "诉求（--text）", TEXT_MAX, multiline=True)
    due_day = parse_date(due, "办结时限（--due）").isoformat()
    received_day = _default_day(ledger, received, "受理日期（--received）")
    _check_due(due_day, received_day, "受理日期")
    with ledger.write(actor, "request.add") as writer:
        unit_row = find_unit(writer.connection, unit, "责任单位（--unit）")
        values = {"enterprise": enterprise_name, "text": request_text, "unit_id": unit_row["id"],
                  "received_on": received_day, "due_on": due_day, "resolved_on": None, "note": None,
                  "rating": None, "rated_on": None, "reopened": 0}  # fmt: skip
        request_id = writer.insert("enterprise_request", values)
        writer.subject = REQUEST.subject(request_id)
        _record_event(writer, request_id, "received", received_day, unit_id=unit_row["id"], due_on=due_day)
    return values | {"id": request_id, "unit": unit_row["name"]}


def _open_request(writer: Writer, request_id: str, verb: str) -> dict:
    """A request still being handled (not resolved), for `verb` (转办, 办结)."""
    request = REQUEST.find(writer.connection, request_id)
    writer.subject = REQUEST.subject(request["id"])
    if request["resolved_on"] is not None:
        raise InputError(
            f"诉求编号：'#{request['id']}' 已于 {request['resolved_on']} 办结，不能{verb}",
            f"企业不满意的，评价为不满意即重办：zs request rate {request['id']} 不满意 --due 日期",
        )
    return request


def assign_request(
    ledger: Ledger, actor: str, request_id: str, unit: str, due: str | None = None, on: str | None = None
) -> dict:
    """转办: hand a request still open to another unit on a day (default today), optionally with a
    new due day."""
    due_day = parse_date(due, "办结时限（--due）").isoformat() if due is not None else None
    assigned = _default_day(ledger, on, "转办日期（--on）")
    with ledger.write(actor, "request.assign") as writer:
        request = _open_request(writer, request_id, "转办")
        unit_row = find_unit(writer.connection, unit, "责任单位（--unit）")
        if unit_row["id"] == request["unit_id"]:
            raise InputError(
                f"责任单位（--unit）：诉求 #{request['id']} 已由 {unit_row['name']} 办理",
                f"转办写另一个单位，例如：zs request assign {request['id']} --unit 区营商办；查看单位：zs unit list",
            )
        _check_not_before_last(writer.connection, request["id"], assigned, "转办日期（--on）")
        values: dict = {"unit_id": unit_row["id"]}
        if due_day is not None:
            since, since_label = _round_start(request)
            _check_due(due_day, since, since_label)
            values["due_on"] = due_day
        after = writer.update("enterprise_request", {"id": request["id"]}, values)
        _record_event(writer, request["id"], "assigned", assigned, unit_id=unit_row["id"], due_on=due_day)
        before_unit = writer.connection.exec_driver_sql(
            "SELECT name FROM unit WHERE id = :id", {"id": request["unit_id"]}
        ).scalar_one()
    return after | {"unit": unit_row["name"], "from_unit": before_unit}


def _round_start(request: dict) -> tuple[str, str]:
    """The day the request's current round began, and its name: received, or reopened (the day of
    the 不满意 rating that reopened it)."""
    if request["rated_on"] is not None:
        return str(request["rated_on"]), "重办日期（评价为不满意之日）"
    return str(request["received_on"]), "受理日期"


def _record_event(writer: Writer, request_id: int, kind: str, day: str, **values: str | int | None) -> None:
    """The step as a dated event beside the row it changed (kind: received | assigned | resolved | rated)."""
    columns = {"unit_id": None, "due_on": None, "rating": None, "note": None} | values
    writer.insert("request_event", {"request_id": request_id, "kind": kind, "happened_on": day} | columns)


def _check_not_before_last(connection: Connection, request_id: int, day: str, field: str) -> None:
    """A request's steps are entered in the order of their days: none dated before the one before it."""
    last = connection.exec_driver_sql(
        "SELECT happened_on, kind FROM request_event WHERE request_id = :id ORDER BY happened_on DESC, id DESC",
        {"id": request_id},
    ).first()
    if last is not None and day < str(last[0]):
        raise InputError(
            f"{field}：'{day}' 早于诉求 #{request_id} 上一步（{REQUEST_EVENTS[last[1]]}）的日期 {last[0]}",
            "诉求的办理按日期先后登记，请核对日期",
        )


def resolve_request(ledger: Ledger, actor: str, request_id: str, on: str, note: str | None = None) -> dict:
    """办结: a request resolved on a day; it now waits for the enterprise's rating."""
    resolved = parse_date(on, "办结日期（--on）").isoformat()
    note_text = optional_text(note, "备注（--note）", NOTE_MAX, multiline=True)
    with ledger.write(actor, "request.resolve") as writer:
        request = _open_request(writer, request_id, "再次办结")
        since, since_label = _round_start(request)
        if resolved < since:
            raise InputError(
                f"办结日期（--on）：'{resolved}' 早于诉求 #{request['id']} 的{since_label} {since}",
                "办结日期应不早于这一天，请核对日期",
            )
        _check_not_before_last(writer.connection, request["id"], resolved, "办结日期（--on）")
        after = writer.update(
            "enterprise_request",
            {"id": request["id"]},
            {"resolved_on": resolved, "note": note_text, "rating": None, "rated_on": None},
        )
        _record_event(writer, request["id"], "resolved", resolved, note=note_text)
        return after


def rate_request(
    ledger: Ledger, actor: str, request_id: str, rating: str, due: str | None = None, on: str | None = None
) -> dict:
    """The enterprise's rating of a resolved request, on a day (default today); 不满意 reopens it
    (重办) with the new due day `due`."""
    rating_code = parse_choice(rating, "满意度", _RATING_CHOICES, RATING_LABELS)
    rated = _default_day(ledger, on, "评价日期（--on）")
    due_day = parse_date(due, "办结时限（--due）").isoformat() if due is not None else None
    if rating_code == "unsatisfied" and due_day is None:
        raise InputError(
            "办结时限（--due）：评价为不满意须重办，必须给出新的办结时限",
            f"例如：zs request rate {request_id} 不满意 --due 2024-06-30",
        )
    if rating_code != "unsatisfied" and due_day is not None:
        raise InputError(
            f"办结时限（--due）：评价为{RATING_LABELS[rating_code]}的诉求已闭环，不再有办结时限",
            "--due 只用于评价为不满意（重办）",
        )
    with ledger.write(actor, "request.rate") as writer:
        request = REQUEST.find(writer.connection, request_id)
        writer.subject = REQUEST.subject(request["id"])
        number = f"#{request['id']}"
        if request["resolved_on"] is None:
            raise InputError(
                f"诉求编号：'{number}' 尚未办结，不能评价",
                f"办结后再请企业评价：zs request resolve {request['id']} --on 日期",
            )
        if request["rating"] is not None:
            raise InputError(
                f"诉求编号：'{number}' 已于 {request['rated_on']} 评价为{RATING_LABELS[request['rating']]}",
                "每次办结只评价一次；查看：zs request list",
            )
        if rated < str(request["resolved_on"]):
            raise InputError(
                f"评价日期（--on）：'{rated}' 早于诉求 {number} 的办结日期 {request['resolved_on']}",
                "评价日期应不早于办结日期，请核对日期",
            )
        values: dict = {"rating": rating_code, "rated_on": rated}
        if due_day is not None:
            _check_due(due_day, rated, "评价日期")
            values |= {"resolved_on": None, "due_on": due_day, "reopened": request["reopened"] + 1}
        after = writer.update("enterprise_request", {"id": request["id"]}, values)
        _record_event(writer, request["id"], "rated", rated, rating=rating_code, due_on=due_day)
        return after


_REQUEST_SQL = (
    "SELECT enterprise_request.id, enterprise_request.enterprise, enterprise_request.text, "
    "enterprise_request.unit_id, unit.name AS unit, "
    "enterprise_request.received_on, enterprise_request.due_on, enterprise_request.resolved_on, "
    "enterprise_request.note, enterprise_request.rating, enterprise_request.rated_on, enterprise_request.reopened "
    "FROM enterprise_request JOIN unit ON unit.id = enterprise_request.unit_id"
)


def list_requests(ledger: Ledger, as_of: date, open_only: bool = False, unit: str | None = None) -> list[dict]:
    """Requests received by as_of, in the order entered, each as it stood at as_of (its unit, due
    day, resolution and rating then); `unit` is the unit handling it at as_of."""
    day = as_of.isoformat()
    with ledger.read() as connection:
        unit_id = find_unit(connection, unit, "责任单位（--unit）")["id"] if unit is not None else None
        sql = f"{_REQUEST_SQL} WHERE enterprise_request.received_on <= :as_of ORDER BY enterprise_request.id"
        rows = [dict(row) for row in connection.exec_driver_sql(sql, {"as_of": day}).mappings()]
        changed = requests_changed_after(connection, day)
        names: dict[int, str] = dict(connection.exec_driver_sql("SELECT id, name FROM unit").all()) if changed else {}
    for row in rows:
        if row["id"] in changed:
            row |= changed[row["id"]] | {"unit": names[changed[row["id"]]["unit_id"]]}
    requests = [request_view(row, day) for row in rows if unit_id is None or row["unit_id"] == unit_id]
    return [request for request in requests if not open_only or request["state"] in ("open", "overdue")]


# The events, dated by :as_of, of the requests with a step after it (a request received after it
# has none by then). Found through the index on the day: for a recent day only a few.
_CHANGED_AFTER_SQL = (
    "SELECT request_event.request_id, request_event.kind, request_event.happened_on, request_event.unit_id, "
    "request_event.due_on, request_event.rating, request_event.note FROM request_event "
    "WHERE request_event.happened_on <= :as_of AND request_event.request_id IN (SELECT later.request_id "
    "FROM request_event AS later WHERE later.happened_on > :as_of AND later.kind <> 'received') "
    "ORDER BY request_event.request_id, request_event.happened_on, request_event.id"
)
_EVENT_COLUMNS = ("kind", "happened_on", "unit_id", "due_on", "rating", "note")


def requests_changed_after(connection: Connection, as_of: str) -> dict[int, dict]:
    """The requests received by as_of (ISO day) that changed after it, by id, each as it stood at
    as_of (`fold_request_events` of its events dated by then, with its id). Every other request
    received by as_of stands at as_of as its row does now, so a query reads the rows for them,
    leaves these ids out and judges these instead."""
    events: dict[int, list[dict]] = {}
    for row in connection.exec_driver_sql(_CHANGED_AFTER_SQL, {"as_of": as_of}).all():
        events.setdefault(row[0], []).append(dict(zip(_EVENT_COLUMNS, row[1:], strict=True)))
    states = {request_id: fold_request_events(steps) for request_id, steps in events.items()}
    return {request_id: state | {"id": request_id} for request_id, state in states.items() if state is not None}


def request_state(row: dict, as_of: str) -> tuple[str, int | None]:
    """(open | overdue | unrated | rated, days overdue or days waiting for a rating) at as_of."""
    state, days = case_state(row["due_on"], row["resolved_on"], as_of)
    if state != "resolved":
        return state, days
    if row["rated_on"] is not None and str(row["rated_on"]) <= as_of:
        return "rated", None
    return "unrated", (date.fromisoformat(as_of) - date.fromisoformat(str(row["resolved_on"]))).days


def request_view(row: dict, as_of: str) -> dict:
    state, days = request_state(row, as_of)
    label = REQUEST_STATES[state]
    if row["reopened"] and state in ("open", "overdue"):
        label = "重办中" if state == "open" else "重办逾期"
    # the rating given by as_of: 满意 or 基本满意 once rated, 不满意 while reopened
    rating = row["rating"] if row["rated_on"] is not None and str(row["rated_on"]) <= as_of else None
    return row | {
        "rating": rating,
        "rating_label": RATING_LABELS.get(rating or ""),
        "state": state,
        "state_label": label,
        "overdue_days": days if state == "overdue" else None,
        "unrated_days": days if state == "unrated" else None,
    }
