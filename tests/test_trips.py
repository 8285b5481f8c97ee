"""Trips (外出招商): logging, listing, editing, deleting, and the monthly trip days (design §2)."""

import json
import re
from datetime import date

import pytest

from zhaoshang.db import Ledger
from zhaoshang.services.trips import PersonTripDays, shortfalls_first, trip_days_by_month
from zhaoshang.services.units import minimum_of, trip_minimums


def days_of(zs, month, *options):
    """`zs trip days --format json` as {person: row}."""
    return {
        row["person"]: row for row in json.loads(zs.ok("trip", "days", "--month", month, "--format", "json", *options))
    }


def trip(zs, *persons, start, end, extra=()):
    args = ["trip", "log", "--from", start, "--to", end, "--dest", "上海", *extra]
    for person in persons:
        args += ["--person", person]
    return int(zs.last_line(*args))


@pytest.fixture
def leaders(zs):
    """One person of each role with a minimum, in units with and without their own target."""
    zs.ok("person", "add", "王书记", "--unit", "区委办公室", "--role", "principal")  # ZS201: 7
    zs.ok("person", "add", "李区长", "--unit", "区政府办公室", "--role", "deputy")  # ZS202: 14
    zs.ok("person", "add", "张镇长", "--unit", "渠沟镇", "--role", "head")  # ZS203, 渠沟镇's own row: 10
    zs.ok("person", "add", "赵主任", "--unit", "区发改委", "--role", "head")  # ZS203, district row: 5
    zs.ok("person", "add", "钱主任", "--unit", "开发区", "--role", "head")  # ZS203, 开发区's own row: 10
    zs.ok("person", "add", "孙科员", "--unit", "区发改委", "--role", "staff")  # no minimum
    return zs


def test_overlapping_trips_of_one_person_count_shared_days_once(leaders):
    trip(leaders, "赵主任", start="2024-03-01", end="2024-03-05")
    trip(leaders, "赵主任", start="2024-03-04", end="2024-03-08")
    trip(leaders, "赵主任", start="2024-03-02", end="2024-03-03")  # wholly inside the first
    trip(leaders, "赵主任", start="2024-03-20", end="2024-03-20")
    # 1–5 ∪ 4–8 ∪ 2–3 = 1–8 = 8 days (not 5 + 5 + 2), plus the 20th: 9
    assert days_of(leaders, "2024-03")["赵主任"]["days"] == 9


def test_a_trip_across_a_month_end_is_split_between_the_months(leaders):
    trip(leaders, "赵主任", start="2024-03-28", end="2024-04-03")
    # March 28, 29, 30, 31 = 4; April 1, 2, 3 = 3
    assert days_of(leaders, "2024-03")["赵主任"]["days"] == 4
    assert days_of(leaders, "2024-04")["赵主任"]["days"] == 3


def test_leap_year_february(leaders):
    trip(leaders, "赵主任", start="2024-02-28", end="2024-03-01")
    trip(leaders, "李区长", start="2023-02-28", end="2023-03-01")
    # 2024 is a leap year: February 28, 29 = 2; March 1 = 1
    assert days_of(leaders, "2024-02")["赵主任"]["days"] == 2
    assert days_of(leaders, "2024-03")["赵主任"]["days"] == 1
    # 2023 is not: February 28 = 1; March 1 = 1; and the ledger has no 2023 targets
    february_2023 = days_of(leaders, "2023-02")["李区长"]
    assert (february_2023["days"], february_2023["minimum"], february_2023["passed"]) == (1, None, None)


def test_several_persons_on_one_trip_each_get_its_days(leaders):
    trip_id = trip(leaders, "王书记", "李区长", "赵主任", start="2024-03-01", end="2024-03-07")
    # 1–7 March = 7 days each
    days = days_of(leaders, "2024-03")
    assert [days[name]["days"] for name in ("王书记", "李区长", "赵主任")] == [7, 7, 7]
    [listed] = json.loads(leaders.ok("trip", "list", "--format", "json"))
    assert (listed["id"], listed["persons"], listed["days"]) == (trip_id, ["王书记", "李区长", "赵主任"], 7)


def test_minimums_by_role_with_a_unit_override(leaders):
    trip(leaders, "王书记", start="2024-03-01", end="2024-03-07")  # 7 ≥ 7
    trip(leaders, "李区长", start="2024-03-01", end="2024-03-13")  # 13 < 14
    trip(leaders, "张镇长", start="2024-03-01", end="2024-03-09")  # 9 < 10 (渠沟镇's own minimum)
    trip(leaders, "赵主任", start="2024-03-01", end="2024-03-05")  # 5 ≥ 5
    trip(leaders, "钱主任", start="2024-03-01", end="2024-03-10")  # 10 ≥ 10 (开发区's own minimum)
    rows = json.loads(leaders.ok("trip", "days", "--month", "2024-03", "--format", "json"))
    # person_id tells namesakes apart (design §5.1)
    assert all(set(row) == {"person", "person_id", "unit", "role", "days", "minimum", "passed"} for row in rows)
    outcome = {row["person"]: (row["unit"], row["role"], row["days"], row["minimum"], row["passed"]) for row in rows}
    assert outcome == {
        "王书记": ("区委办公室", "principal", 7, 7, True),
        "李区长": ("区政府办公室", "deputy", 13, 14, False),
        "张镇长": ("渠沟镇", "head", 9, 10, False),
        "赵主任": ("区发改委", "head", 5, 5, True),
        "钱主任": ("开发区", "head", 10, 10, True),
        "孙科员": ("区发改委", "staff", 0, None, None),  # staff have no minimum: not judged
    }


def test_minimums_come_from_the_years_targets_and_a_unit_row_wins(leaders):
    ledger = Ledger.open(leaders.db)
    with ledger.write("测试员", "target.set") as writer:
        # 区发改委's own ZS203 row for 2024 wins over the district's 5; 2025 has only a district row.
        unit_id = writer.connection.exec_driver_sql("SELECT id FROM unit WHERE name = '区发改委'").scalar()
        writer.insert("target", {"year": 2024, "metric": "ZS203", "unit_id": unit_id, "value": "6"})
        writer.insert("target", {"year": 2025, "metric": "ZS203", "unit_id": None, "value": "4.5"})
    with ledger.read() as connection:
        # each person's only post: their role in their unit
        posts = {name: (role, unit_id) for name, role, unit_id in connection.exec_driver_sql(
            "SELECT person.name, person_post.role, person_post.unit_id FROM person JOIN person_post ON person_id = person.id")}  # fmt: skip
        in_2024 = {name: minimum_of(trip_minimums(connection, 2024), *post) for name, post in posts.items()}
        in_2025 = {name: minimum_of(trip_minimums(connection, 2025), *post) for name, post in posts.items()}
    assert in_2024 == {
        "王书记": 7, "李区长": 14, "张镇长": 10, "赵主任": 6, "钱主任": 10, "孙科员": None,
    }  # fmt: skip
    # 2025: heads get the district's 4.5 rounded up to whole days (5); no ZS201/ZS202 row: None
    assert in_2025 == {
        "王书记": None, "李区长": None, "张镇长": 5, "赵主任": 5, "钱主任": 5, "孙科员": None,
    }  # fmt: skip
    ledger.close()


def test_a_person_who_joined_mid_month_is_judged_from_the_next_month(zs):
    zs.ok("person", "add", "周主任", "--unit", "区科技局", "--role", "head", "--since", "2024-03-10")
    zs.ok("person", "add", "吴主任", "--unit", "区财政局", "--role", "head", "--until", "2024-04-15")
    trip(zs, "周主任", start="2024-03-11", end="2024-03-12")  # 2 < 5, but head only from 10 March
    trip(zs, "周主任", start="2024-04-01", end="2024-04-02")  # 2 < 5 in April: judged
    march, april = days_of(zs, "2024-03"), days_of(zs, "2024-04")
    assert (march["周主任"]["days"], march["周主任"]["minimum"], march["周主任"]["passed"]) == (2, 5, None)
    assert (april["周主任"]["days"], april["周主任"]["minimum"], april["周主任"]["passed"]) == (2, 5, False)
    # 吴主任 left on 15 April: judged in March (0 < 5), not in April
    assert (march["吴主任"]["passed"], april["吴主任"]["passed"]) == (False, None)
    table = zs.ok("trip", "days", "--month", "2024-03")
    assert "不考核（未全月任职）" in table


def test_the_table_groups_units_and_puts_shortfalls_first(leaders):
    leaders.ok("person", "add", "郑副主任", "--unit", "区发改委", "--role", "head")
    trip(leaders, "王书记", "李区长", "张镇长", "钱主任", start="2024-03-01", end="2024-03-14")  # all reach theirs
    trip(leaders, "郑副主任", start="2024-03-01", end="2024-03-02")  # 2 < 5
    trip(leaders, "赵主任", start="2024-03-01", end="2024-03-05")  # 5 ≥ 5
    table = leaders.ok("trip", "days", "--month", "2024-03")
    # 区发改委 holds the only shortfall, so it comes first though the ledger lists it after 区委办公室;
    # inside it the shortfall (郑副主任) before the pass (赵主任) before the unjudged staff (孙科员).
    order = ["区发改委", "郑副主任", "赵主任", "孙科员", "区委办公室", "王书记"]
    positions = [table.index(text) for text in order]
    assert positions == sorted(positions), table
    assert "未达标（差3天）" in table
    assert "共 7 人：未达标 1 人，达标 5 人" in table


def test_a_month_not_over_at_the_as_of_date_is_in_progress_and_fails_nobody(leaders):
    trip(leaders, "赵主任", start="2024-03-01", end="2024-03-02")  # 2 of 5 so far
    trip(leaders, "钱主任", start="2024-03-01", end="2024-03-12")  # 12 ≥ 10 already
    trip(leaders, "李区长", start="2024-03-10", end="2024-03-20")  # runs past the as-of date: 10–15 March = 6 so far
    trip(leaders, "赵主任", start="2024-04-08", end="2024-04-09")  # in April, wholly after the as-of date
    march = days_of(leaders, "2024-03", "--as-of", "2024-03-15")
    outcome = {name: (row["days"], row["minimum"], row["passed"]) for name, row in march.items()}
    assert outcome == {
        "王书记": (0, 7, None), "李区长": (6, 14, None), "张镇长": (0, 10, None),
        "赵主任": (2, 5, None), "钱主任": (12, 10, None), "孙科员": (0, None, None),
    }  # fmt: skip
    table = leaders.ok("trip", "days", "--month", "2024-03", "--as-of", "2024-03-15")
    assert "未达标" not in table.replace("未达标 0 人", "")
    assert "进行中（还需3天）" in table and "进行中（已满最低天数）" in table and "截至2024-03-15" in table
    # a month wholly after the as-of date: nothing counted yet, nobody judged
    april = days_of(leaders, "2024-04", "--as-of", "2024-03-15")
    assert (april["赵主任"]["days"], april["赵主任"]["minimum"], april["赵主任"]["passed"]) == (0, 5, None)
    # on the month's last day it is judged: 赵主任 2 < 5, 李区长 11 < 14, 钱主任 12 ≥ 10
    final = days_of(leaders, "2024-03", "--as-of", "2024-03-31")
    assert [final[name]["passed"] for name in ("赵主任", "李区长", "钱主任")] == [False, False, True]


def test_as_of_defaults_to_today(zs):
    """Run on any day, the month after today has not begun: in progress, though it has a target."""
    today = date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    zs.ok("person", "add", "褚主任", "--unit", "区科技局", "--role", "head")
    zs.ok("target", "set", "ZS203", "5", "--year", str(year))
    row = days_of(zs, f"{year}-{month:02d}")["褚主任"]
    assert (row["days"], row["minimum"], row["passed"]) == (0, 5, None)


def test_a_year_without_trip_targets_says_so_and_how_to_set_them(leaders):
    trip(leaders, "赵主任", start="2025-03-01", end="2025-03-02")
    rows = days_of(leaders, "2025-03", "--as-of", "2025-04-30")
    assert (rows["赵主任"]["days"], rows["赵主任"]["minimum"], rows["赵主任"]["passed"]) == (2, None, None)
    table = leaders.ok("trip", "days", "--month", "2025-03", "--as-of", "2025-04-30")
    # the leaders' roles have a minimum by the opinion, only not set for 2025; staff have none
    outcomes = re.findall(r"│ (未设定目标|无天数要求) +│", table)
    assert sorted(outcomes) == ["无天数要求"] + ["未设定目标"] * 5
    assert "zs target set ZS201 天数 --year 2025" in table and "zs target copy --from 2024 --to 2025" in table


def test_shortfalls_first_ranks_the_largest_shortfall_first():
    def row(person, unit_rank, days, minimum, held=True):
        return PersonTripDays(person, unit_rank, f"单位{unit_rank}", "head", days, minimum, held, unit_rank)

    rows = [
        row("甲", 1, 5, 5),  # passed, in a unit with no shortfall
        row("乙", 2, 4, 5),  # short by 1
        row("丙", 2, 0, 5, held=False),  # not judged
        row("丁", 2, 1, 5),  # short by 4
        row("戊", 2, 9, 5),  # passed
    ]
    assert [r.person for r in shortfalls_first(rows)] == ["丁", "乙", "戊", "丙", "甲"]


def test_trip_days_by_month_counts_only_days_within_the_window(zs):
    zs.ok("person", "add", "冯主任", "--unit", "区统计局", "--role", "head")
    trip(zs, "冯主任", start="2024-03-10", end="2024-04-10")
    trip(zs, "冯主任", start="2024-04-01", end="2024-04-05")  # inside the first trip
    trip(zs, "冯主任", start="2024-05-01", end="2024-05-03")  # after the window
    ledger = Ledger.open(zs.db)
    with ledger.read() as connection:
        person_id = connection.exec_driver_sql("SELECT id FROM person WHERE name = '冯主任'").scalar()
        counted = trip_days_by_month(connection, date(2024, 3, 15), date(2024, 4, 2))
    ledger.close()
    # 15–31 March = 17 days; 1–2 April = 2 days; May is outside the window
    assert counted == {(person_id, "2024-03"): 17, (person_id, "2024-04"): 2}


def _insert_trips(zs, trips: list[tuple[list[str], str, str]]) -> dict[str, int]:
    """Trips (persons, from, to) written in one transaction; returns person name -> id."""
    ledger = Ledger.open(zs.db)
    with ledger.write("测试员", "trip.log") as writer:
        ids = dict(writer.connection.exec_driver_sql("SELECT name, id FROM person").all())
        for persons, start, end in trips:
            trip_id = writer.insert("trip", {"date_from": start, "date_to": end, "dest": "上海"})
            for name in persons:
                writer.insert("trip_person", {"trip_id": trip_id, "person_id": ids[name]})
    ledger.close()
    return ids


def _counted(zs, first: date, last: date, roles=None) -> dict:
    ledger = Ledger.open(zs.db)
    with ledger.read() as connection:
        counted = trip_days_by_month(connection, first, last, roles)
    ledger.close()
    return counted


def test_trip_days_over_a_window_of_several_months_is_the_union_split_at_month_ends(zs):
    zs.ok("person", "add", "甲", "--unit", "区统计局", "--role", "head")
    zs.ok("person", "add", "乙", "--unit", "区统计局", "--role", "deputy")
    ids = _insert_trips(zs, [
        (["甲"], "2023-12-20", "2024-01-02"),  # starts before the window: 1–2 January only
        (["甲", "乙"], "2024-01-31", "2024-03-01"),  # 31 January, all of leap February (29), 1 March
        (["甲"], "2024-02-10", "2024-02-12"),  # inside the one above: adds nothing
        (["甲"], "2024-02-29", "2024-03-03"),  # overlaps its end: adds 2–3 March
        (["乙"], "2024-03-03", "2024-03-03"),
        (["乙"], "2024-03-03", "2024-03-03"),  # the same day logged twice: once
        (["乙"], "2024-03-05", "2024-04-02"),  # runs past the window's end: 5–10 March
    ])  # fmt: skip
    counted = _counted(zs, date(2024, 1, 1), date(2024, 3, 10))
    jia, yi = ids["甲"], ids["乙"]
    assert counted == {
        (jia, "2024-01"): 3,  # 1, 2, 31 January
        (jia, "2024-02"): 29,  # 1–29 February once, though three trips cover parts of it
        (jia, "2024-03"): 3,  # 1, 2, 3 March
        (yi, "2024-01"): 1,  # 31 January
        (yi, "2024-02"): 29,
        (yi, "2024-03"): 8,  # 1, 3 and 5–10 March
    }  # fmt: skip
    # only the persons of the roles asked for (the rules ask for those with a minimum)
    assert _counted(zs, date(2024, 1, 1), date(2024, 3, 10), roles=["deputy"]) == {
        key: days for key, days in counted.items() if key[0] == yi
    }
    assert _counted(zs, date(2024, 1, 1), date(2024, 3, 10), roles=[]) == {}


def test_trip_days_agree_with_counting_each_day(zs):
    """Random trips of three persons against the plain definition: the set of days per person and month."""
    import random
    from datetime import timedelta

    rng = random.Random(7)
    names = ["甲", "乙", "丙"]
    for name in names:
        zs.ok("person", "add", name, "--unit", "区统计局", "--role", "head")
    trips = []
    for _ in range(60):
        start = date(2023, 11, 1) + timedelta(days=rng.randrange(200))
        trips.append(
            (
                rng.sample(names, rng.choice((1, 1, 2, 3))),
                start.isoformat(),
                (start + timedelta(days=rng.randrange(12))).isoformat(),
            )
        )
    ids = _insert_trips(zs, trips)
    first, last = date(2024, 1, 10), date(2024, 4, 20)
    expected: dict = {}
    for persons, start, end in trips:
        for offset in range((date.fromisoformat(end) - date.fromisoformat(start)).days + 1):
            day = date.fromisoformat(start) + timedelta(days=offset)
            if first <= day <= last:
                for name in persons:
                    expected.setdefault((ids[name], day.isoformat()[:7]), set()).add(day)
    assert _counted(zs, first, last) == {key: len(days) for key, days in expected.items()}
    assert _counted(zs, date(2024, 5, 1), date(2024, 4, 30)) == {}  # an empty window


def test_trip_log_records_every_field_and_list_filters(zs):
    zs.ok("person", "add", "陈主任", "--unit", "区经信局", "--role", "head")
    zs.ok("person", "add", "褚主任", "--unit", "区科技局", "--role", "head")
    code = zs.last_line("project", "add", "储能项目", "--unit", "区经信局", "--amount", "2亿")
    first = int(zs.last_line(
        "trip", "log", "--person", "陈主任", "--person", "褚主任", "--from", "2024/3/30", "--to", "2024年4月2日",
        "--dest", "苏州", "--region", "长三角", "--purpose", "拜访客商", "--companies", "甲科技、乙电子", "--project", code,
    ))  # fmt: skip
    second = trip(zs, "褚主任", start="2024-05-06", end="2024-05-06")
    listed = json.loads(zs.ok("trip", "list", "--format", "json"))
    assert listed[0] == {
        "id": first, "from": "2024-03-30", "to": "2024-04-02", "days": 4, "persons": ["陈主任", "褚主任"], "dest": "苏州",
        "region": "长三角", "purpose": "拜访客商", "companies": "甲科技、乙电子", "projects": [code],
    }  # fmt: skip
    assert [t["id"] for t in json.loads(zs.ok("trip", "list", "--month", "2024-04", "--format", "json"))] == [first]
    assert [t["id"] for t in json.loads(zs.ok("trip", "list", "--month", "2024-02", "--format", "json"))] == []
    assert [t["id"] for t in json.loads(zs.ok("trip", "list", "--person", "褚主任", "--format", "json"))] == [
        first,
        second,
    ]
    assert [t["id"] for t in json.loads(zs.ok("trip", "list", "--person", "陈主任", "--format", "json"))] == [first]
    assert "甲科技、乙电子" in zs.ok("trip", "list")


def test_trip_edit_and_delete_are_audited(zs):
    zs.ok("person", "add", "卫主任", "--unit", "区住建局", "--role", "head")
    zs.ok("person", "add", "蒋主任", "--unit", "区农水局", "--role", "head")
    code = zs.last_line("project", "add", "智慧农业项目", "--unit", "区农水局", "--amount", "1.5亿")
    trip_id = trip(zs, "卫主任", start="2024-03-01", end="2024-03-03", extra=("--project", code))
    zs.ok(
        "trip", "edit", str(trip_id), "--to", "2024-03-06", "--person", "蒋主任", "--region", "珠三角", "--project", ""
    )
    [edited] = json.loads(zs.ok("trip", "list", "--format", "json"))
    assert (edited["to"], edited["days"], edited["persons"], edited["region"], edited["projects"]) == (
        "2024-03-06",
        6,
        ["蒋主任"],
        "珠三角",
        [],
    )
    days = days_of(zs, "2024-03")
    assert (days["卫主任"]["days"], days["蒋主任"]["days"]) == (0, 6)  # 1–6 March now 蒋主任's only

    zs.ok("trip", "delete", f"#{trip_id}")
    assert json.loads(zs.ok("trip", "list", "--format", "json")) == []
    assert days_of(zs, "2024-03")["蒋主任"]["days"] == 0

    entries = json.loads(zs.ok("audit", "log", "--format", "json"))
    trip_entries = [
        (e["action"], e["action_label"], e["subject"], e["changes"]) for e in entries if e["action"].startswith("trip.")
    ]
    assert trip_entries == [
        ("trip.log", "登记外出招商", f"行程#{trip_id}", 3),  # trip + trip_person + trip_project
        ("trip.edit", "修改外出招商", f"行程#{trip_id}", 4),  # trip; 卫主任 out, 蒋主任 in; project unlinked
        ("trip.delete", "删除外出招商", f"行程#{trip_id}", 2),  # trip_person + trip
    ]
    assert "审计核对通过" in zs.ok("audit", "verify")


def test_a_long_trip_is_accepted_with_long(zs):
    zs.ok("person", "add", "沈主任", "--unit", "区投资促进局", "--role", "head")
    # 1 March to 2 May: 31 + 30 + 2 = 63 days, over 62: a posting (驻点招商) must say --long
    trip(zs, "沈主任", start="2024-03-01", end="2024-05-02", extra=("--long",))
    assert [days_of(zs, month)["沈主任"]["days"] for month in ("2024-03", "2024-04", "2024-05")] == [31, 30, 2]
