"""The opinion's data written into a ledger: at `zs init`, and the rows a new schema version
needs after an upgrade.

It depends on nothing but the policy and the audit log (the Writer it is handed, and the entries
it reads), so that `db` (which runs the upgrade) and `services.setup` (which creates ledgers on
top of `db`) both use it and imports run one way: services.setup → db → seeding → policy, audit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.audit import inserted_days, iter_entries
from zhaoshang.policy import SEED_TARGETS, SEED_YEAR, SERVICE_THRESHOLDS

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
