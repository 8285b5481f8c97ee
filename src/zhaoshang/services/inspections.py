"""On-site inspections (现场查看, （十八）): whether a claimed start is real.

    zs project inspect CODE --on DATE --by NAMES --result 属实|部分属实|不属实 [--note TEXT]

A start is **verified** at D by an inspection dated from the start date to D that found 属实
(`VERIFIED_START_SQL`); `check quotas --verified-starts` counts only those in ZS102, ZS104, ZS105.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.parsing import NOTE_MAX, optional_text, parse_choice, parse_date, require_text
from zhaoshang.services.lookup import find_project

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

RESULT_LABELS = {"confirmed": "属实", "partly": "部分属实", "refuted": "不属实"}
_RESULT_CHOICES = {code: code for code in RESULT_LABELS} | {label: code for code, label in RESULT_LABELS.items()}

# The start date of a project whose start an inspection found 属实 by :as_of, else NULL.
VERIFIED_START_SQL = (
    "CASE WHEN project.started_on IS NOT NULL AND EXISTS (SELECT 1 FROM inspection "
    "WHERE inspection.project_id = project.id AND inspection.result = 'confirmed' "
    "AND inspection.inspected_on >= project.started_on AND inspection.inspected_on <= :as_of) "
    "THEN project.started_on END"
)


def inspect_project(
    ledger: Ledger, actor: str, code: str, on: str, by: str, result: str, note: str | None = None
) -> dict:
    """Record an on-site inspection of a started project; returns it with its id."""
    on_date = parse_date(on, "查看日期（--on）").isoformat()
    inspectors = require_text(by, "查看人员（--by）")
    result_code = parse_choice(result, "查看结果（--result）", _RESULT_CHOICES, RESULT_LABELS)
    note_text = optional_text(note, "备注（--note）", NOTE_MAX, multiline=True)
    with ledger.write(actor, "project.inspect", subject=code) as writer:
        project = find_project(writer.connection, code)
        writer.subject = project["code"]
        if project["started_on"] is None:
            raise InputError(
                f"项目：'{project['code']}' 尚未开工，现场查看核实的是已开工、在建的项目",
                f"先登记开工：zs project advance {project['code']} started --on 日期",
            )
        started, terminated = str(project["started_on"]), project["terminated_on"]
        if on_date < started:
            raise InputError(
                f"查看日期（--on）：'{on_date}' 早于项目开工日期 {started}",
                f"现场查看核实的是开工以后的建设情况；若开工日期有误，先更正：zs project edit {project['code']} --started 日期",
            )
        if terminated is not None and on_date >= str(terminated):
            raise InputError(
                f"查看日期（--on）：'{on_date}' 项目已于 {terminated} 终止", "终止的项目不再现场查看；请核对日期"
            )
        values = {"project_id": project["id"], "inspected_on": on_date, "inspectors": inspectors,
                  "result": result_code, "note": note_text}  # fmt: skip
        inspection_id = writer.insert("inspection", values)
    return values | {"id": inspection_id, "code": project["code"], "result_label": RESULT_LABELS[result_code]}


def inspections_of(connection: Connection, project_id: int) -> list[dict]:
    """A project's inspections in date order."""
    rows = connection.exec_driver_sql(
        "SELECT id, inspected_on, inspectors, result, note FROM inspection WHERE project_id = :id "
        "ORDER BY inspected_on, id",
        {"id": project_id},
    )
    return [
        {"id": row_id, "on": str(on), "by": by, "result": result, "result_label": RESULT_LABELS[result], "note": note}
        for row_id, on, by, result, note in rows
    ]
