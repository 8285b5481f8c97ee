"""Dated project statuses (design §5.1): a stall, a resume, a termination each happen on a day.

At D a project has the status of its last event dated on or before D, events of one day in the
order they were entered; before its first event it is active. So a stall and a resume entered for
the same day leave it not stalled, and a project terminated after D still counts at D. A
termination is final: it is always the last event, and nothing is dated after it.

The project row repeats its last event (status, reason, and the termination's day), so that
"live at D" is a plain column test (`LIVE_SQL`) on a city's hundred thousand projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from zhaoshang.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from zhaoshang.audit import Writer

STATUS_LABELS = {"active": "正常", "stalled": "停滞", "terminated": "终止"}
# What an event of each status is called: a stall, a resume, a termination.
EVENT_LABELS = {"stalled": "停滞", "active": "恢复", "terminated": "终止"}
STATUS_ACTIONS = {"stalled": "project.stall", "active": "project.resume", "terminated": "project.terminate"}

# A project counts at :as_of unless it was terminated on or before that day.
LIVE_SQL = "(project.terminated_on IS NULL OR project.terminated_on > :as_of)"


# A CTE for a scan of many projects: each project's last event on or before :as_of (projects
# without one are absent: active). The events are few, so this is one pass over them.
STATUS_AT_CTE = (
    "status_at(project_id, status, reason) AS (SELECT project_id, status, reason FROM ("
    "SELECT project_id, status, reason, row_number() OVER (PARTITION BY project_id ORDER BY since DESC, id DESC) AS n "
    "FROM project_status WHERE since <= :as_of) AS ranked WHERE n = 1)"
)


def stalled_at(connection: Connection, as_of: date) -> dict[int, str | None]:
    """The projects stalled at as_of, with the reason: {project id: reason} — the stalls on or
    before as_of with no later event by then (looked up per stall: terminations far outnumber them)."""
    return dict(
        connection.exec_driver_sql(
            "SELECT stall.project_id, stall.reason FROM project_status AS stall "
            "WHERE stall.status = 'stalled' AND stall.since <= :as_of AND NOT EXISTS ("
            " SELECT 1 FROM project_status AS later WHERE later.project_id = stall.project_id"
            " AND later.since <= :as_of AND (later.since > stall.since OR (later.since = stall.since AND later.id > stall.id)))",
            {"as_of": as_of.isoformat()},
        ).all()
    )


@dataclass(frozen=True)
class StatusEvent:
    status: str
    since: str  # ISO date
    reason: str | None = None
    id: int | None = None  # None: not written yet (it will be entered last)

    @property
    def order(self) -> tuple[str, float]:
        return (self.since, self.id if self.id is not None else float("inf"))


def events_of(connection: Connection, project_id: int) -> list[StatusEvent]:
    """A project's status events in the order they take effect."""
    rows = connection.exec_driver_sql(
        "SELECT status, since, reason, id FROM project_status WHERE project_id = :id ORDER BY since, id",
        {"id": project_id},
    )
    return [StatusEvent(status, str(since), reason, event_id) for status, since, reason, event_id in rows]


def status_on(events: list[StatusEvent], day: str) -> tuple[str, StatusEvent | None]:
    """The status held on `day` (ISO), and the event that set it (None: active from the start)."""
    current = None
    for event in events:
        if event.since > day:
            break
        current = event
    return (current.status if current else "active"), current


def stall_spans(events: list[StatusEvent]) -> list[tuple[str, str | None, str | None]]:
    """(first day, day it ended or None, reason) of each stall: from a stall to the next event; a
    stall resumed the same day lasted no day and is left out."""
    spans = []
    for index, event in enumerate(events):
        if event.status == "stalled":
            following = events[index + 1] if index + 1 < len(events) else None
            if following is None or following.since > event.since:
                spans.append((event.since, following.since if following else None, event.reason))
    return spans


def check_event(code: str, events: list[StatusEvent], new: StatusEvent) -> None:
    """Refuse an event that does not fit the project's history where its date puts it: a stall
    while stalled, a resume while not stalled, anything on or after a termination, a termination
    with later events."""
    day = new.since
    before, setting = status_on(events, day)
    after = [event for event in events if event.since > day]
    verb = EVENT_LABELS[new.status]
    show = f"查看项目：zs project show {code}"
    if before == "terminated":
        assert setting is not None  # terminated only by an event
        raise InputError(f"项目：'{code}' 已于 {setting.since} 终止，{day} 不能再{verb}", "终止的项目只能查看")
    if new.status == before:
        if new.status == "stalled":
            assert setting is not None  # stalled only by an event
            raise InputError(f"项目：'{code}' 在 {day} 已处于停滞状态（{setting.since} 起）", show)
        raise InputError(
            f"项目：'{code}' 在 {day} 状态正常（并未停滞），无需恢复",
            "查看状态记录：zs project show " + code + "；恢复日期应晚于停滞日期",
        )
    if after and new.status == "terminated":
        raise InputError(
            f"终止日期（--on）：'{day}' 之后项目还有状态记录（{after[0].since} {EVENT_LABELS[after[0].status]}）",
            "终止应是项目最后的状态变化：把终止日期写在这之后",
        )
    if after and after[0].status == new.status:
        raise InputError(
            f"日期（--on）：项目 '{code}' {after[0].since} 起{EVENT_LABELS[after[0].status]}，{day} 的{verb}与之冲突",
            show,
        )


def record_event(writer: Writer, project: dict, status: str, on: date, reason: str | None) -> dict:
    """Check and write one status event of a project, and bring its row in step; returns the row after."""
    events = events_of(writer.connection, project["id"])
    new = StatusEvent(status, on.isoformat(), reason)
    check_event(project["code"], events, new)
    writer.insert("project_status", {"project_id": project["id"], "status": status, "since": on, "reason": reason})
    return sync_project(writer, project["id"])


def sync_project(writer: Writer, project_id: int) -> dict:
    """Repeat a project's last status event on its row (status, reason, termination day)."""
    events = events_of(writer.connection, project_id)
    last = events[-1] if events else None
    status = last.status if last else "active"
    return writer.update(
        "project",
        {"id": project_id},
        {
            "status": status,
            "status_reason": last.reason if last and status != "active" else None,
            "terminated_on": last.since if last and status == "terminated" else None,
        },
    )


def record_imported_status(writer: Writer, project_id: int, values: dict, on: date) -> None:
    """An imported row that sets a project's status (a 状态 column): the change becomes an event,
    dated by the sheet's 终止时间 for a termination, else by the day of the import."""
    status = values.get("status")
    if status is None:
        return
    events = events_of(writer.connection, project_id)
    if status == (events[-1].status if events else "active"):
        return
    since = values.get("terminated_on") if status == "terminated" and values.get("terminated_on") else on
    code = writer.connection.exec_driver_sql("SELECT code FROM project WHERE id = :id", {"id": project_id}).scalar_one()
    project = {"id": project_id, "code": code}
    record_event(writer, project, status, date.fromisoformat(str(since)), values.get("status_reason"))
