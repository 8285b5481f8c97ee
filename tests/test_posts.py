"""A person is one identity with a history of posts (design §5.1): moves, departures, corrections,
and how the trip rules (ZS201–ZS203), `trip days` and ZS402 read them. Figures worked out by hand."""

from __future__ import annotations

import json

import pytest

from conftest import Zs
from test_rules_support import book, seeded_ledger  # noqa: F401  (fixtures)
from zhaoshang.services.units import leave_person, move_person


def _months(results) -> dict:
    return {(r.subject, r.period): (r.actual, r.target, r.status) for r in results}


def test_a_head_moved_on_the_15th_is_judged_against_the_smaller_minimum(book):  # noqa: F811
    # 赵三 heads 开发区 (its own minimum: 10 days) until 14 March, then 区发改委 (the district's 5).
    book.person("赵三", "head", unit="开发区")
    move_person(book.ledger, "测试员", "赵三", "head", "2024-03-15", "区发改委")
    book.trip("赵三", "2024-03-04", "2024-03-09")  # 6 days in March: short of 10, enough for 5
    book.trip("赵三", "2024-02-05", "2024-02-13")  # 9 days in February, all of it at 开发区: short of 10
    results = _months(book.results("ZS203", "2024-04-30"))
    assert results[("赵三", "2024-03")] == (6, 5, "met")  # min(10, 5) = 5: nobody fails for being moved
    assert results[("赵三", "2024-02")] == (9, 10, "missed")  # a whole month at 开发区: 10
    assert results[("赵三", "2024-04")] == (0, 5, "missed")  # April at 区发改委: 5
    march = book.result("ZS203", "2024-04-30", "赵三", "2024-03")
    assert "较小的最低天数" in march.message
    # the result names the post held on the month's last day, and the person apart from namesakes
    assert {key: march.to_json()[key] for key in ("unit", "person_id")} == {"unit": "区发改委", "person_id": 1}


def test_a_month_belongs_to_the_rule_of_the_post_held_on_its_last_day(book):  # noqa: F811
    # 钱四: head of 区发改委 (5 days), a deputy district head (14 days) from 15 March
    book.person("钱四", "head", unit="区发改委")
    move_person(book.ledger, "测试员", "钱四", "deputy", "2024-03-15", "区政府办公室")
    book.trip("钱四", "2024-03-01", "2024-03-05")  # 5 days: at the head's minimum
    assert _months(book.results("ZS203", "2024-03-31")) == {("钱四", "2024-01"): (0, 5, "missed"),
                                                            ("钱四", "2024-02"): (0, 5, "missed")}  # fmt: skip
    assert _months(book.results("ZS202", "2024-04-30")) == {
        ("钱四", "2024-03"): (5, 5, "met"),  # deputy on 31 March, judged against min(5, 14)
        ("钱四", "2024-04"): (0, 14, "missed"),
    }


def test_a_month_without_a_judged_post_every_day_is_not_judged(book):  # noqa: F811
    book.person("孙五", "head", unit="区科技局")
    move_person(book.ledger, "测试员", "孙五", "member", "2024-03-20", "区科技局")  # no minimum from the 20th
    book.person("周六", "principal", unit="区委办公室")
    leave_person(book.ledger, "测试员", "周六", "2024-02-20")
    assert [r.period for r in book.results("ZS203", "2024-04-30")] == ["2024-01", "2024-02"]
    assert [r.period for r in book.results("ZS201", "2024-04-30")] == ["2024-01"]


def test_a_handler_without_a_post_on_the_day_is_no_handler(book):  # noqa: F811
    book.person("吴七", "staff", unit="开发区")
    code = book.project("有专人", signed="2024-01-10", handler="吴七")
    leave_person(book.ledger, "测试员", "吴七", "2024-05-31")
    assert book.result("ZS402", "2024-05-31").status == "met"  # in post on his last day
    after = book.result("ZS402", "2024-06-01")
    assert (after.actual, after.status) == (0, "behind")  # 0 of 1 signed projects has a handler in post
    assert code in after.message and "已不在任：吴七" in after.message


def test_standing_duties_carry_the_latest_earlier_years_values_and_say_so(book):  # noqa: F811
    book.target("ZS403.unstarted_days", "100")  # 2024's own; 2025 has none
    code = book.project("久未开工", signed="2024-10-01")
    # 2025-01-10 is 101 days after signing: beyond 2024's 100, carried over to 2025
    [flag] = book.results("ZS403", "2025-01-10")
    assert (flag.to_json()["projects"], flag.actual, flag.target) == ([code], 101, 100)
    assert "2025年未设定目标，沿用2024年的" in flag.message
    book.target("ZS403.unstarted_days", "180", year=2025)
    book.target("ZS403.unincluded_days", "90", year=2025)
    [quiet] = book.results("ZS403", "2025-01-10")
    assert quiet.status == "met" and "沿用" not in quiet.message


# --- the commands ---------------------------------------------------------------------------------


@pytest.fixture
def office(tmp_path) -> Zs:
    zs = Zs(tmp_path / "ledger.sqlite")
    zs.ok("init")
    zs.ok("person", "add", "王五", "--unit", "区发改委", "--role", "head")
    zs.ok("person", "add", "王五", "--unit", "渠沟镇", "--role", "head")  # a namesake
    return zs


def test_move_keeps_the_history_and_a_former_unit_still_names_the_person(office: Zs):
    out = office.ok(
        "person", "move", "王五@区发改委", "--role", "deputy", "--unit", "区政府办公室", "--on", "2024-03-15"
    )
    assert "区发改委单位主要负责同志 → 区政府办公室区政府分管领导" in out and "2024-03-15" in out
    shown = json.loads(office.ok("person", "show", "王五@区发改委", "--format", "json"))
    assert shown["posts"] == [
        {"unit": "区发改委", "role": "head", "role_label": "单位主要负责同志", "since": None, "until": "2024-03-14"},
        {
            "unit": "区政府办公室",
            "role": "deputy",
            "role_label": "区政府分管领导",
            "since": "2024-03-15",
            "until": None,
        },
    ]
    # trips belong to the person: one across the move counts whole, whichever unit names them
    office.ok(
        "trip", "log", "--person", "王五@区发改委", "--from", "2024-03-12", "--to", "2024-03-17", "--dest", "上海"
    )
    office.ok(
        "trip", "log", "--person", "王五@区政府办公室", "--from", "2024-03-20", "--to", "2024-03-20", "--dest", "南京"
    )
    rows = json.loads(office.ok("trip", "days", "--month", "2024-03", "--as-of", "2024-04-30", "--format", "json"))
    moved = next(row for row in rows if row["person_id"] == shown["id"])
    # the post held on 31 March; 6 + 1 days; min(5, 14) = 5
    assert moved == {"person": "王五", "person_id": shown["id"], "unit": "区政府办公室", "role": "deputy", "days": 7,
                     "minimum": 5, "passed": True}  # fmt: skip
    listed = json.loads(office.ok("person", "list", "--format", "json"))
    assert {(p["id"], p["unit"], p["role"]) for p in listed} == {(1, "区政府办公室", "deputy"), (2, "渠沟镇", "head")}
    assert "审计核对通过" in office.ok("audit", "verify")


def test_namesakes_stay_apart_in_the_check(office: Zs):
    report = json.loads(
        office("check", "quotas", "--as-of", "2024-01-31", "--select", "ZS203", "--format", "json").stdout
    )
    heads = [(r["subject"], r["unit"], r["person_id"]) for r in report["results"]]
    assert heads == [("王五", "区发改委", 1), ("王五", "渠沟镇", 2)]


def test_edit_corrects_the_latest_post_and_says_which_months_change(office: Zs):
    # 王五 of 渠沟镇 was entered without --since; in fact he took office on 10 March
    out = office.ok("person", "edit", "王五@渠沟镇", "--since", "2024-03-10")
    # 渠沟镇's own minimum is 10 days
    assert "2024-01 至 2024-03：单位主要负责同志，每月不少于10天 → 不考核" in out
    report = json.loads(
        office("check", "quotas", "--as-of", "2024-04-30", "--select", "ZS203", "--format", "json").stdout
    )
    assert [r["period"] for r in report["results"] if r["unit"] == "渠沟镇"] == ["2024-04"]
    again = office.ok("person", "edit", "王五@渠沟镇", "--role", "head")
    assert "没有变化" in again
    assert "审计核对通过" in office.ok("audit", "verify")


def test_leave_ends_the_post_on_the_day(office: Zs):
    out = office.ok("person", "leave", "王五@区发改委", "--on", "2024-02-20")
    assert "任职至 2024-02-20 止" in out
    shown = json.loads(office.ok("person", "show", "王五@区发改委", "--format", "json"))
    assert shown["posts"][-1]["until"] == "2024-02-20"
    log = office.ok("audit", "log")
    assert "人员离任" in log
