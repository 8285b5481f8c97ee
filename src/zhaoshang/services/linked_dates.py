"""Rows of a project that its own dates no longer allow, after an edit of a stage date or a
termination: investment months before the signing month or after the termination's, on-site
inspections before the start or from the termination on, problems raised from the termination on.

Entering such a row is refused; a later change of the project's dates is not (the new date may
be the truth, and these rows have no command to remove them), so the clerk is told which rows
no longer fit and how to put them right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.services.lookalikes import Notice

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

LISTED = 5  # rows named in one notice; the rest are counted


def _named(items: list[str]) -> str:
    return "、".join(items[:LISTED]) + (f"等{len(items)}条" if len(items) > LISTED else "")


def linked_rows_out_of_dates(connection: Connection, code: str) -> list[Notice]:
    """What no longer fits the project's dates, each with how to proceed."""
    project = (
        connection.exec_driver_sql(
            "SELECT id, code, signed_on, started_on, terminated_on FROM project WHERE code = :code", {"code": code}
        )
        .mappings()
        .one()
    )
    signed = str(project["signed_on"]) if project["signed_on"] else None
    started = str(project["started_on"]) if project["started_on"] else None
    ended = str(project["terminated_on"]) if project["terminated_on"] else None
    params = {"id": project["id"]}
    notices: list[Notice] = []

    months = [str(month) for (month,) in connection.exec_driver_sql(
        "SELECT month FROM investment WHERE project_id = :id AND invested <> 0 ORDER BY month", params
    )]  # fmt: skip
    early = [month for month in months if signed is None or month < signed[:7]]
    late = [month for month in months if ended is not None and month > ended[:7]]
    for wrong, when in ((early, f"签约（{signed or '未签约'}）以前"), (late, f"终止（{ended}）以后")):
        if wrong:
            notices.append((
                f"项目 {code} 有{when}的月度完成投资：{_named(wrong)}",
                f"核对项目日期；月份录错的，改为0：zs project invest {code} --month {wrong[0]} --amount 0",
            ))  # fmt: skip

    seen = [(str(on), row_id) for row_id, on in connection.exec_driver_sql(
        "SELECT id, inspected_on FROM inspection WHERE project_id = :id ORDER BY inspected_on, id", params
    )]  # fmt: skip
    before = [f"#{row_id} {on}" for on, row_id in seen if started is None or on < started]
    after = [f"#{row_id} {on}" for on, row_id in seen if ended is not None and on >= ended]
    for wrong, when in ((before, f"开工（{started or '未开工'}）以前"), (after, f"终止（{ended}）以后")):
        if wrong:
            notices.append((
                f"项目 {code} 有{when}的现场查看记录：{_named(wrong)}，不再核实开工",
                f"核对开工、终止日期：zs project show {code}；开工日期有误的更正：zs project edit {code} --started 日期",
            ))  # fmt: skip

    if ended is not None:
        raised = [f"#{row_id} {on}" for row_id, on in connection.exec_driver_sql(
            "SELECT id, raised_on FROM problem WHERE project_id = :id AND raised_on >= :ended ORDER BY raised_on, id",
            params | {"ended": ended},
        )]  # fmt: skip
        if raised:
            notices.append((
                f"项目 {code} 有终止（{ended}）以后提出的问题：{_named(raised)}，不再计入问题协调",
                f"核对终止日期：zs project show {code}",
            ))  # fmt: skip
    return notices
