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


def _trip_days_results(connection: "Connection", year: int, as_of: date, role: str) -> list[Result]:
    """Per month of the year up to as_of and per person holding `role` that whole month:
    days on trips against the person's minimum; the month holding as_of (unless it is its
    last day) is in progress and does not fail."""
    metric = ROLE_METRICS[role]
    first = date(year, 1, 1)
    days = shared(connection, ("trip_days", first, as_of), lambda: trip_days_by_month(connection, first, as_of, roles=ROLE_METRICS))
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
        return [Result(None, str(year), None, None, None, "no_data", f"没有登记{role_label}：zs person add 姓名 --unit 单位 --role {role}", kind="days", metric=metric)]
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
            message = f"{person['name']}（{person['unit']}，{role_label}）{when}{actual}天{so_far}，每月不少于{minimum}天"
            facts = {"person_id": person["id"], "unit": person["unit"], "role": role}
            results.append(Result(person["name"], key, actual, minimum, None, by_year_end(actual, minimum, over), message, kind="days", metric=metric, facts=facts))
    return results


@rule("ZS201", "principal-trip-days", "四大班子主要负责同志每月外出招商", "（二）", "error")
def principal_trip_days(connection: "Connection", year: int, as_of: date) -> list[Result]:
    """Trip days a month of each principal of the four leading bodies (四大班子主要负责同志).

    Why: （二） “区四大班子主要负责同志每月分别外出招商不少于一周”.

    How: for each month of the year whose last day is on or before as_of, and each person
    with role principal who held it the whole month (since ≤ the 1st, until ≥ the last day):
    the calendar days of their trips in the month, start and end inclusive, overlapping trips
    counted once, a trip across a month's end split between the months. Met at ≥ the minimum
    (ZS201, 7 days; a unit's own ZS201 target wins), else missed. The month holding as_of, if
    as_of is not its last day, counts the days up to as_of and is in_progress (met once
    reached); it does not fail.
    """
    return _trip_days_results(connection, year, as_of, "principal")


@rule("ZS202", "deputy-trip-days", "区政府分管领导每月外出招商", "（二）", "error")
def deputy_trip_days(connection: "Connection", year: int, as_of: date) -> list[Result]:
    """Trip days a month of each deputy district head (区政府分管领导).

    Why: （二） “区政府分管领导每月外出招商累计不少于两周”.

    How: as ZS201, for the persons with role deputy, against the ZS202 minimum (14 days).
    """
    return _trip_days_results(connection, year, as_of, "deputy")


@rule("ZS203", "head-trip-days", "单位主要负责同志每月外出招商", "（十一）", "error")
def head_trip_days(connection: "Connection", year: int, as_of: date) -> list[Result]:
    """Trip days a month of each head of a responsible unit (各责任单位主要负责同志).

    Why: （十一） “各责任单位主要负责同志每月外出招商分别不少于1批次(5天)，渠沟镇主要负责
    同志每月外出招商分别不少于10天……开发区……主要负责同志每月外出招商分别不少于10天”.

    How: as ZS201, for the persons with role head, against the ZS203 minimum of their unit:
    the unit's own ZS203 target (渠沟镇, 开发区: 10 days) wins over the district's (5 days).
    """
    return _trip_days_results(connection, year, as_of, "head")
