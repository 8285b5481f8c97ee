"""Rule on the monthly meetings (ZS401)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from zhaoshang.rules.registry import rule
from zhaoshang.rules.results import Result, as_number, by_year_end, missing_target, months_until
from zhaoshang.services.quota_data import MEETING_KINDS, target_value

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_TITLES = {"dispatch": "每月招商引资工作调度会", "project": "每月项目推进会"}


@rule("ZS401", "monthly-meetings", "每月调度会、推进会", "（十七）", "error")
def monthly_meetings(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：每月召开招商引资工作调度会和项目推进会。
    依据：（十七）“每月召开招商引资工作调度会和项目推进会”。
    计算：当年1月至检查日所在月，逐月按类型统计会议日期在该月的会议（`zs meeting add`），
    对照 ZS401.dispatch、ZS401.project（各1次），每月每类一条结果：达到为达标，
    月已过完仍未达到为未完成；检查日所在月如未到月末，为进行中（已达到的为达标），不判未通过。
    """
    counts = {
        (month, kind): count
        for month, kind, count in connection.exec_driver_sql(
            "SELECT substr(held_on, 1, 7), kind, count(*) FROM meeting WHERE held_on BETWEEN :first AND :as_of GROUP BY 1, 2",
            {"first": date(year, 1, 1).isoformat(), "as_of": as_of.isoformat()},
        )
    }
    targets = {kind: target_value(connection, f"ZS401.{kind}", year) for kind in MEETING_KINDS}
    results = [missing_target(f"ZS401.{kind}", year) for kind, target in targets.items() if target is None]
    for month in months_until(as_of):
        for kind, label in MEETING_KINDS.items():
            if targets[kind] is None:
                continue
            target = as_number(targets[kind])
            actual = counts.get((month.key, kind), 0)
            status = by_year_end(actual, target, month.over)
            so_far = "" if month.over else f"（截至{as_of.isoformat()}）"
            message = f"{month.first.month}月召开{label}{actual}次{so_far}，每月不少于{target}次"
            results.append(
                Result(
                    None, month.key, actual, target, None, status, message, metric=f"ZS401.{kind}", title=_TITLES[kind]
                )
            )
    return results
