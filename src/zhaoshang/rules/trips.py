"""Rules on trip days (外出招商): each leader's days a month against their minimum (ZS201–ZS203).

The days come from `services.trips` (union of a person's trips, split at month ends), counted
once for January to as_of and shared by the three rules; how each person's month is judged comes
from their posts (`services.units.judge_month`), worked out once too. A month belongs to the rule
of the role held on its last day.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from zhaoshang.parsing import ROLE_LABELS, month_bounds
from zhaoshang.rules.registry import rule
from zhaoshang.rules.results import Month, Result, by_year_end, months_until, shared, unjudged
from zhaoshang.services.trips import trip_days_by_month
from zhaoshang.services.units import ROLE_METRICS, MonthJudgement, judge_month, posts_by_person, trip_minimums

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class PersonMonth(NamedTuple):
    person_id: int
    month: Month
    judgement: MonthJudgement


def person_months(connection: Connection, year: int, as_of: date) -> dict[str, list[PersonMonth]]:
    """The months of the year up to as_of's month that are judged for someone (judged posts every
    day), by the role held on the month's last day; a role anyone held in that time is a key even
    if none of its months is judged. Computed once per run of the rules."""

    def compute() -> dict[str, list[PersonMonth]]:
        months = months_until(as_of)
        # The whole of as_of's month: a post ending before its last day means the month is not judged.
        posts = posts_by_person(connection, date(year, 1, 1), month_bounds(as_of.year, as_of.month)[1])
        minimums = trip_minimums(connection, year)
        by_role: dict[str, list[PersonMonth]] = {
            post.role: [] for person_posts in posts.values() for post in person_posts
        }
        # Most people hold one post all year: judged alike every month, worked out once.
        steady = {
            person_id: judge_month(person_posts, months[0].first, months[0].last, minimums)
            for person_id, person_posts in posts.items()
            if len(person_posts) == 1 and person_posts[0].since is None and person_posts[0].until is None
        }
        for month in months:
            for person_id, person_posts in posts.items():
                judgement = (
                    steady[person_id]
                    if person_id in steady
                    else judge_month(person_posts, month.first, month.last, minimums)
                )
                if judgement is not None and judgement.judged:
                    by_role[judgement.post.role].append(PersonMonth(person_id, month, judgement))
        return by_role

    return shared(connection, ("person_months", year, as_of), compute)


def _trip_days_results(connection: Connection, year: int, as_of: date, role: str) -> list[Result]:
    """Per month of the year up to as_of and per person who held judged posts every day of it,
    the last day's post being of `role`: days on trips against the smallest minimum of the month's
    posts; the month holding as_of (unless it is its last day) is in progress and does not fail."""
    metric = ROLE_METRICS[role]
    first = date(year, 1, 1)
    days = shared(
        connection,
        ("trip_days", first, as_of),
        lambda: trip_days_by_month(connection, first, as_of, roles=ROLE_METRICS),
    )
    months = person_months(connection, year, as_of)
    role_label = ROLE_LABELS[role]
    if role not in months:
        return [
            unjudged(
                year, f"没有登记{role_label}：zs person add 姓名 --unit 单位 --role {role}", kind="days", metric=metric
            )
        ]
    results: list[Result] = []
    unset: dict[int, str] = {}
    for person_id, month, judgement in months[role]:
        post, minimum = judgement.post, judgement.minimum
        if minimum is None:
            unset.setdefault(person_id, post.name)
            continue
        actual = days.get((person_id, month.key), 0)
        so_far = "" if month.over else f"（截至{as_of.isoformat()}）"
        moved = "，本月任职有变动，按其中较小的最低天数" if judgement.changed else ""
        message = (
            f"{post.name}（{post.unit}，{role_label}）{month.first.year}年{month.first.month}月外出招商{actual}天"
            f"{so_far}，每月不少于{minimum}天{moved}"
        )
        results.append(
            Result(
                post.name,
                month.key,
                actual,
                minimum,
                None,
                by_year_end(actual, minimum, month.over),
                message,
                kind="days",
                metric=metric,
                facts={"person_id": person_id, "unit": post.unit, "role": role},
                keys={"person_id": person_id, "unit": post.unit},
            )
        )
    if unset:
        message = f"{'、'.join(unset.values())}：未设定{year}年每月外出招商天数下限：zs target set {metric} 天数 --year {year}"
        results.insert(0, unjudged(year, message, kind="days", metric=metric))
    return results


@rule("ZS201", "principal-trip-days", "四大班子主要负责同志每月外出招商", "（二）", "error")
def principal_trip_days(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：四大班子主要负责同志每人每月外出招商天数。
    依据：（二）“区四大班子主要负责同志每月分别外出招商不少于一周”。
    计算：当年1月至检查日所在月，逐月、逐人判定当月每一天都担任考核职务（四大班子主要负责同志、区政府分管领导、
    单位主要负责同志）的人；月末最后一天的职务是四大班子主要负责同志的，归本规则判定。
    天数按日历天计，出发、返回当天都算；同一人几次行程重叠的日子只算一次，跨月的行程分别计入各月。
    达到最低天数（ZS201，7天；本单位另设 ZS201 目标的以本单位为准，非整数向上取整）为达标，否则为未完成；
    当月任职有变动（调任、换岗）的，取当月所任各职务最低天数中较小的一个，不因调动而不达标。
    检查日所在月如未到月末，只计到检查日，为进行中（已达到的为达标），不判未通过。
    当年未设定目标的人员为无数据。
    """
    return _trip_days_results(connection, year, as_of, "principal")


@rule("ZS202", "deputy-trip-days", "区政府分管领导每月外出招商", "（二）", "error")
def deputy_trip_days(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：区政府分管领导每人每月外出招商天数。
    依据：（二）“区政府分管领导每月外出招商累计不少于两周”。
    计算：同 ZS201，对象为月末担任区政府分管领导的人员，最低天数为 ZS202（14天）。
    逐月判定当月每天都担任考核职务的人；检查日所在月未到月末为进行中，不判未通过。
    """
    return _trip_days_results(connection, year, as_of, "deputy")


@rule("ZS203", "head-trip-days", "单位主要负责同志每月外出招商", "（十一）", "error")
def head_trip_days(connection: Connection, year: int, as_of: date) -> list[Result]:
    """检查：各责任单位主要负责同志每人每月外出招商天数。
    依据：（十一）“各责任单位主要负责同志每月外出招商分别不少于1批次（5天）”，
    “渠沟镇主要负责同志每月外出招商分别不少于10天”，开发区“主要负责同志每月外出招商分别不少于10天”。
    计算：同 ZS201，对象为月末担任单位主要负责同志的人员；最低天数取所在单位的 ZS203 目标（渠沟镇、开发区10天），
    没有本单位目标的取全区的 ZS203（5天）。
    """
    return _trip_days_results(connection, year, as_of, "head")
