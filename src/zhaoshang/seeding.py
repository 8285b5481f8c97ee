"""The opinion's data written into a ledger: at `zs init`, and the rows a new schema version
needs after an upgrade.

It depends on nothing but the policy, the audit log and how a request's steps fold (the Writer it is handed, and the entries
it reads), so that `db` (which runs the upgrade) and `services.setup` (which creates ledgers on
top of `db`) both use it and imports run one way: services.setup → db → seeding → policy, audit, request_history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.audit import inserted_days, iter_entries
from zhaoshang.policy import SEED_TARGETS, SEED_YEAR, SERVICE_THRESHOLDS
from zhaoshang.request_history import fold_request_events

if TYPE_CHECKING:
    from zhaoshang.audit import Writer


def seed_targets(writer: Writer, year: int, unit_ids: dict[str, int]) -> None:
    """The opinion's targets for `year`: the district's, and the units' own where the unit exists."""
    for metric, value, unit_name in SEED_TARGETS:
        unit_id = unit_ids.get(unit_name) if unit_name else None
        if unit_name and unit_id is None:
            continue  # a ledger whose units were renamed: the district target still applies
        writer.insert("target", {"year": year, "metric": metric, "unit_id": unit_id, "value": value})


def after_upgrade(writer: Writer, from_version: int) -> None:
    """Data that a new schema version needs and an old ledger lacks, written in the upgrade's transaction."""
    if from_version < 2:
        # Revision 0002 brought the target table: give it the opinion's figures, audited.
        unit_ids = {row[1]: row[0] for row in writer.connection.exec_driver_sql("SELECT id, name FROM unit")}
        seed_targets(writer, SEED_YEAR, unit_ids)
    if from_version < 3:
        # Revision 0003 brought posts and dated statuses.
        first_posts(writer)
        dated_statuses(writer)
    if from_version < 4:
        # Revision 0004 brought the full cycle of service: the thresholds of ZS406 and ZS407, and
        # the lead date of every project.
        service_thresholds(writer)
        lead_dates(writer)
    if from_version < 5:
        # Revision 0005 brought the dated steps of enterprise requests.
        request_events(writer)


def service_thresholds(writer: Writer) -> None:
    """ZS406's and ZS407's thresholds for every year that has targets (the opinion's year when
    none has), where the year lacks them: what `zs init` of that year now seeds."""
    connection = writer.connection
    years = [row[0] for row in connection.exec_driver_sql("SELECT DISTINCT year FROM target ORDER BY year")]
    for year in years or [SEED_YEAR]:
        for metric, value in SERVICE_THRESHOLDS:
            held = connection.exec_driver_sql(
                "SELECT 1 FROM target WHERE year = :year AND metric = :metric AND unit_id IS NULL",
                {"year": year, "metric": metric},
            ).first()
            if held is None:
                writer.insert("target", {"year": year, "metric": metric, "unit_id": None, "value": value})


def lead_dates(writer: Writer) -> None:
    """Each project's lead date is the day it entered the ledger: the day of the audit entry that
    inserted its row (`project.add`, `project.import`). A row no entry explains (written behind
    zs's back) gets the last entry's day."""
    connection = writer.connection
    entered = inserted_days(connection, "project")
    last = connection.exec_driver_sql("SELECT at FROM audit_log ORDER BY seq DESC LIMIT 1").first()
    fallback = last[0][:10] if last else f"{SEED_YEAR}-01-01"
    for (project_id,) in connection.exec_driver_sql("SELECT id FROM project WHERE lead_on IS NULL ORDER BY id").all():
        writer.update("project", {"id": project_id}, {"lead_on": entered.get(project_id, fallback)})


def first_posts(writer: Writer) -> None:
    """Each person's record becomes their first post (the person row is left as it is: it repeats
    the latest post, which this one is)."""
    rows = writer.connection.exec_driver_sql("SELECT id, unit_id, role, since, until FROM person ORDER BY id").all()
    for person_id, unit_id, role, since, until in rows:
        writer.insert(
            "person_post", {"person_id": person_id, "unit_id": unit_id, "role": role, "since": since, "until": until}
        )


def dated_statuses(writer: Writer) -> None:
    """Every change of a project's status the audit log recorded becomes a dated event: the day
    of its entry (a termination: its own date, where one was given). A termination stays the
    last event; a terminated project without a date gets its event's day as `terminated_on`."""
    connection = writer.connection
    changes: dict[int, list[tuple[str, str, str | None]]] = {}
    last_day = None
    for record in iter_entries(connection):
        last_day = record.at[:10]
        for change in record.changes:
            after = change["after"]
            if change["table"] != "project" or after is None:
                continue
            status = after.get("status") or "active"
            if status == ((change["before"] or {}).get("status") or "active"):
                continue
            since = after["terminated_on"] if status == "terminated" and after.get("terminated_on") else last_day
            changes.setdefault(change["key"], []).append((status, str(since), after.get("status_reason")))
    rows = connection.exec_driver_sql("SELECT id, status, status_reason, terminated_on FROM project ORDER BY id").all()
    for project_id, status, reason, terminated_on in rows:
        events = changes.get(project_id, [])
        if status != (events[-1][0] if events else "active"):  # a row the log does not explain: its state now
            events.append((status, str(terminated_on or last_day or f"{SEED_YEAR}-01-01"), reason))
        if events and events[-1][0] == "terminated":
            ended = events[-1][1]  # nothing after a termination: an earlier entry dated later moves back to it
            events = [(event, min(since, ended), why) for event, since, why in events]
        for event, since, why in events:
            writer.insert("project_status", {"project_id": project_id, "status": event, "since": since, "reason": why})
        if status == "terminated" and str(terminated_on) != events[-1][1]:
            writer.update("project", {"id": project_id}, {"terminated_on": events[-1][1]})


_REQUEST_STATE = ("unit_id", "received_on", "due_on", "resolved_on", "note", "rating", "rated_on", "reopened")


def _steps_of_change(before: dict | None, after: dict, day: str) -> list[dict]:
    """The steps (request_event rows less the request) one audited change of a request's row made:
    its insert (受理), a new unit or due day while open (转办, dated by its entry), a resolution, a rating."""
    step = {"unit_id": None, "due_on": None, "rating": None, "note": None}
    if before is None:
        steps = [step | {"kind": "received", "happened_on": after["received_on"], "unit_id": after["unit_id"],
                         "due_on": after["due_on"]}]  # fmt: skip
        before = {"resolved_on": None, "rated_on": None, "unit_id": after["unit_id"], "due_on": after["due_on"]}
    else:
        steps = []
    reopened = after.get("rating") == "unsatisfied" and after.get("rated_on") != before.get("rated_on")
    if after["unit_id"] != before["unit_id"] or (after["due_on"] != before["due_on"] and not reopened):
        new_due = after["due_on"] if after["due_on"] != before["due_on"] else None
        steps.append(step | {"kind": "assigned", "happened_on": day, "unit_id": after["unit_id"], "due_on": new_due})
    if after["resolved_on"] is not None and after["resolved_on"] != before["resolved_on"]:
        steps.append(step | {"kind": "resolved", "happened_on": after["resolved_on"], "note": after["note"]})
    if after["rated_on"] is not None and after["rated_on"] != before["rated_on"]:
        due = after["due_on"] if after["rating"] == "unsatisfied" else None
        steps.append(
            step | {"kind": "rated", "happened_on": after["rated_on"], "rating": after["rating"], "due_on": due}
        )
    return steps


def _steps_of_row(row: dict) -> list[dict]:
    """Steps that leave a request's row as it is, where the audit log does not explain it: received
    with its unit and due day now; the rounds redone (重办) before the last on the day received,
    the last on its rating's day; then its resolution and rating now."""
    step = {"unit_id": None, "due_on": None, "rating": None, "note": None}
    steps = [step | {"kind": "received", "happened_on": row["received_on"], "unit_id": row["unit_id"],
                     "due_on": row["due_on"]}]  # fmt: skip
    reopened_now = row["rating"] == "unsatisfied"
    for number in range(row["reopened"]):
        last = number == row["reopened"] - 1 and reopened_now
        day = row["rated_on"] if last else row["received_on"]
        steps.append(step | {"kind": "resolved", "happened_on": day, "note": row["note"] if last else None})
        steps.append(step | {"kind": "rated", "happened_on": day, "rating": "unsatisfied", "due_on": row["due_on"]})
    if row["resolved_on"] is not None:
        steps.append(step | {"kind": "resolved", "happened_on": row["resolved_on"], "note": row["note"]})
        if row["rated_on"] is not None:
            steps.append(step | {"kind": "rated", "happened_on": row["rated_on"], "rating": row["rating"]})
    return steps


def request_events(writer: Writer) -> None:
    """Every enterprise request's steps as dated events, from the audit entries that wrote its row
    (the rounds before a 不满意 rating, a 转办 dated by its entry's day). A request whose row the
    entries do not lead to (written behind zs's back) gets steps from its row as it is."""
    connection = writer.connection
    steps: dict[int, list[dict]] = {}
    for record in iter_entries(connection):
        for change in record.changes:
            if change["table"] != "enterprise_request":
                continue
            if change["after"] is None:
                steps.pop(change["key"], None)
                continue
            changed = _steps_of_change(change["before"], change["after"], record.at[:10])
            steps.setdefault(change["key"], []).extend(changed)
    rows = connection.exec_driver_sql("SELECT * FROM enterprise_request ORDER BY id").mappings().all()
    for row in (dict(mapping) for mapping in rows):
        events = _in_order(steps.get(row["id"], []))
        folded = fold_request_events(events)
        if folded is None or any(folded[column] != _text(row[column]) for column in _REQUEST_STATE):
            events = _steps_of_row(row)
        for event in events:
            writer.insert("request_event", {"request_id": row["id"]} | event)


def _text(value: object) -> object:
    return str(value) if value is not None and not isinstance(value, (int, str)) else value


def _in_order(events: list[dict]) -> list[dict]:
    """Steps as entered, a 转办 (dated by its entry) moved no later than the dated step after it,
    and no step before the one before it: a request's days never go back."""
    for index in range(len(events) - 2, -1, -1):
        if events[index]["kind"] == "assigned":
            events[index]["happened_on"] = min(events[index]["happened_on"], events[index + 1]["happened_on"])
    for index in range(1, len(events)):
        events[index]["happened_on"] = max(events[index]["happened_on"], events[index - 1]["happened_on"])
    return events
