"""Rules on trip days (外出招商): each leader's days a month against their minimum (ZS201–ZS203).

The days come from `services.trips` (union of a person's trips, split at month ends), counted
once for January to as_of and shared by the three rules.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from zhaoshang.parsing import ROLE_LABELS
from zhaoshang.rules.registry import rule
from zhaoshang.rules.results import Result, by_year_end, months_until, shared
from zhaoshang.services.trips import ROLE_METRICS, minimums_for_year, trip_days_by_month
from zhaoshang.services.units import held_throughout

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _trip_days_results(connection: Connection, year: int, as_of: date, role: str) -> list[Result]:
    """Per month of the year up to as_of and per person holding `role` that whole month:
    days on trips against the person's minimum; the month holding as_of (unless it is its
    last day) is in progress and does not fail."""
    metric = ROLE_METRICS[role]
    first = date(year, 1, 1)
    days = shared(
        connection,
        ("trip_days", first, as_of),
        lambda: trip_days_by_month(connection, first, as_of, roles=ROLE_METRICS),
    )
    minimums = shared(connection, ("trip_minimums", year), lambda: minimums_for_year(connection, year))
    persons = [
        dict(row)
        for row in connection.exec_driver_sql(
            "SELECT person.id, person.name, person.since, person.until, unit.name AS unit FROM person "
            "JOIN unit ON unit.id = person.unit_id WHERE person.role = :role ORDER BY unit.id, person.id",
            {"role": role},
        ).mappings()
    ]
    role_label = ROLE_LABELS[role]
    if not persons:
        return [
            Result(
                None,
                str(year),
                None,
                None,
                None,
                "no_data",
                f"没有登记{role_label}：zs person add 姓名 --unit 单位 --role {role}",
                kind="days",
                metric=metric,
            )
        ]
    results: list[Result] = []
    unset = [person["name"] for person in persons if minimums.get(person["id"]) is None]
    if unset:
        message = f"{'、'.join(unset)}：未设定{year}年每月外出招商天数下限：zs target set {metric} 天数 --year {year}"
        results.append(Result(None, str(year), None, None, None, "no_data", message, kind="days", metric=metric))
    judged = [(person, minimums[person["id"]]) for person in persons if minimums.get(person["id"]) is not None]
    for month in months_until(as_of):  # a city has thousands of leaders: what is per month is computed once
        key, over = month.key, month.over
        when = f"{month.first.year}年{month.first.month}月外出招商"
        so_far = "" if over else f"（截至{as_of.isoformat()}）"
        for person, minimum in judged:
            if not held_throughout(person, month.first, month.last):
                continue
            actual = days.get((person["id"], key), 0)
            message = (
                f"{person['name']}（{person['unit']}，{role_label}）{when}{actual}天{so_far}，每月不少于{minimum}天"
            )
            facts = {"person_id": person["id"], "unit": person["unit"], "role": role}
            results.append(
                Result(
                    person["name"],
                    key,
                    actual,
                    minimum,
                    None,
                    by_year_end(actual, minimum, over),
                    message,
                    kind="days",
                    metric=metric,
                    facts=facts,
                )
            )
    return results


@rule("ZS201", "principal-trip-days", "四大班子主要负责同志每月外出招商", "（二）", "error")
def principal_trip_days(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：四大班子主要负责同志每人每月外出招商天数。
    依据：（二）“区四大班子主要负责同志每月分别外出招商不少于一周”。
    计算：当年1月至检查日所在月，逐月、逐人判定当月整月在任的人（任职起始不晚于1日、终止不早于月末）。
    天数按日历天计，出发、返回当天都算；同一人几次行程重叠的日子只算一次，跨月的行程分别计入各月。
    达到最低天数（ZS201，7天；本单位另设 ZS201 目标的以本单位为准，非整数向上取整）为达标，否则为未完成。
    检查日所在月如未到月末，只计到检查日，为进行中（已达到的为达标），不判未通过。
    当年未设定目标的人员为无数据。
    """
    return _trip_days_results(connection, year, as_of, "principal")


@rule("ZS202", "deputy-trip-days", "区政府分管领导每月外出招商", "（二）", "error")
def deputy_trip_days(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：区政府分管领导每人每月外出招商天数。
    依据：（二）“区政府分管领导每月外出招商累计不少于两周”。
    计算：同 ZS201，对象为职务类别是区政府分管领导的人员，最低天数为 ZS202（14天）。
    逐月判定整月在任的人；检查日所在月未到月末为进行中，不判未通过。
    """
    return _trip_days_results(connection, year, as_of, "deputy")


@rule("ZS203", "head-trip-days", "单位主要负责同志每月外出招商", "（十一）", "error")
def head_trip_days(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：各责任单位主要负责同志每人每月外出招商天数。
    依据：（十一）“各责任单位主要负责同志每月外出招商分别不少于1批次（5天）”，
    “渠沟镇主要负责同志每月外出招商分别不少于10天”，开发区“主要负责同志每月外出招商分别不少于10天”。
    计算：同 ZS201，对象为单位主要负责同志；最低天数取本单位的 ZS203 目标（渠沟镇、开发区10天），
    没有本单位目标的取全区的 ZS203（5天）。
    """
    return _trip_days_results(connection, year, as_of, "head")
