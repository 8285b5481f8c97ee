"""Actual investment completed (实际完成投资, （十六） 六个更加突出) of a project, month by month.

    zs project invest CODE --month YYYY-MM --amount AMOUNT

One row per project and month, in whole 元; setting a month again corrects it. A project invests
from the month it was signed, and not after the month it was terminated; a month recorded before
its dates moved can still be set to 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.parsing import parse_amount_or_zero, parse_month, yuan_to_wan
from zhaoshang.services.lookup import find_project

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_MONTH_FIELD = "月份（--month）"


def set_investment(ledger: Ledger, actor: str, code: str, month: str, amount: str) -> dict:
    """Record (or correct) what a project invested in a month; returns the month, the amount and
    the amount it replaced (None for a new month), in 万元."""
    year, month_number = parse_month(month, _MONTH_FIELD)
    month_text = f"{year:04d}-{month_number:02d}"
    invested = parse_amount_or_zero(amount, "完成投资（--amount）")
    with ledger.write(actor, "project.invest", subject=code) as writer:
        project = find_project(writer.connection, code)
        writer.subject = project["code"]
        existing = writer.connection.exec_driver_sql(
            "SELECT id, invested FROM investment WHERE project_id = :project_id AND month = :month",
            {"project_id": project["id"], "month": month_text},
        ).first()
        if not (existing is not None and invested == 0):  # a month the project's dates left out can be zeroed
            _check_month(project, month_text)
        if existing is None:
            writer.insert("investment", {"project_id": project["id"], "month": month_text, "invested": invested})
        else:
            writer.update("investment", {"id": existing[0]}, {"invested": invested})
    return {
        "code": project["code"],
        "name": project["name"],
        "month": month_text,
        "invested": yuan_to_wan(invested),
        "previous": yuan_to_wan(existing[1]) if existing is not None else None,
    }


def _check_month(project: dict, month: str) -> None:
    code, signed, terminated = project["code"], project["signed_on"], project["terminated_on"]
    if signed is None:
        raise InputError(
            f"项目：'{code}' 尚未签约，还没有实际完成投资",
            f"先登记签约：zs project advance {code} signed --on 日期",
        )
    if month < str(signed)[:7]:
        raise InputError(
            f"{_MONTH_FIELD}：'{month}' 早于项目签约的月份 {str(signed)[:7]}",
            f"完成投资从签约的月份记起，例如 --month {str(signed)[:7]}；若签约日期有误，先更正：zs project edit {code} --signed 日期",
        )
    if terminated is not None and month > str(terminated)[:7]:
        raise InputError(
            f"{_MONTH_FIELD}：'{month}' 在项目终止（{terminated}）之后",
            "终止的项目此后没有投资；请核对月份",
        )


def investment_of(connection: Connection, project_id: int) -> list[dict]:
    """A project's months with what it invested (万元), in order."""
    rows = connection.exec_driver_sql(
        "SELECT month, invested FROM investment WHERE project_id = :id ORDER BY month", {"id": project_id}
    )
    return [{"month": month, "invested": yuan_to_wan(invested)} for month, invested in rows]


def invested_by_unit(connection: Connection, first_month: str, last_month: str) -> dict[int, tuple[int, int]]:
    """Per unit (the project's responsible unit): yuan invested in [first_month, last_month] and in
    the year of last_month up to it: {unit_id: (period, year to date)}."""
    rows = connection.exec_driver_sql(
        "SELECT project.unit_id, sum(CASE WHEN investment.month >= :first THEN investment.invested ELSE 0 END), "
        "sum(investment.invested) FROM investment JOIN project ON project.id = investment.project_id "
        "WHERE investment.month BETWEEN :year_first AND :last GROUP BY project.unit_id",
        {"first": first_month, "last": last_month, "year_first": f"{last_month[:4]}-01"},
    )
    return {unit_id: (period, year) for unit_id, period, year in rows}
