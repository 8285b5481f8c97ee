"""ZS201–ZS203: trip days per person per judged month, on a small inline ledger."""

import pytest

from test_rules_support import book, seeded_ledger  # noqa: F401  (fixtures)


@pytest.fixture
def travels(book):  # noqa: F811
    book.person("王一", "principal", unit="区委办公室")
    book.person("李二", "deputy", unit="区政府办公室")
    book.person("赵三", "head", unit="开发区")  # 开发区 head: 10 days (the unit's own target)
    book.person("钱四", "head", unit="区发改委")  # 5 days
    book.person("孙五", "head", unit="区科技局", since="2024-02-10")  # head only from 10 February
    book.person("周六", "member", unit="区发改委")  # no minimum: never judged
    # 王一: January 29–31 = 3 days; February 1–3, 2–6 (overlap, union 1–6) and 20 = 7 days; March 1–7 = 7 days
    book.trip("王一", "2024-01-29", "2024-02-03")
    book.trip("王一", "2024-02-02", "2024-02-06")
    book.trip("王一", "2024-02-20", "2024-02-20")
    book.trip("王一", "2024-03-01", "2024-03-07")
    book.trip("李二", "2024-03-10", "2024-03-20")  # 11 days in March, 6 of them by 03-15
    book.trip("赵三", "2024-02-01", "2024-02-09")  # 9 days < 10
    book.trip("钱四", "2024-02-01", "2024-02-05")  # 5 days = 5
    book.trip("周六", "2024-02-01", "2024-02-02")
    return book


def _by_period(results):
    return {(r.subject, r.period): (r.actual, r.target, r.status) for r in results}


def test_zs201_judges_each_finished_month_and_shows_the_current_one_in_progress(travels):
    results = travels.results("ZS201", "2024-03-15")
    assert _by_period(results) == {
        ("王一", "2024-01"): (3, 7, "missed"),
        ("王一", "2024-02"): (7, 7, "met"),  # overlapping trips counted once
        ("王一", "2024-03"): (7, 7, "met"),  # met already, though March is not over
    }


def test_a_trip_month_still_in_progress_does_not_fail(travels):
    [march] = [r for r in travels.results("ZS202", "2024-03-15") if r.period == "2024-03"]
    # 10–15 March counted so far (the trip runs to the 20th): 6 of 14
    assert (march.subject, march.actual, march.target, march.status, march.passed) == (
        "李二",
        6,
        14,
        "in_progress",
        True,
    )
    assert "截至2024-03-15" in march.message
    # on the month's last day it is judged: 11 < 14
    assert travels.result("ZS202", "2024-03-31", "李二", "2024-03").status == "missed"


def test_zs203_unit_minimum_wins_and_only_whole_months_in_the_role_are_judged(travels):
    results = _by_period(travels.results("ZS203", "2024-03-31"))
    assert results[("赵三", "2024-02")] == (9, 10, "missed")  # 开发区: 10 days
    assert results[("钱四", "2024-02")] == (5, 5, "met")  # district: 5 days
    assert ("孙五", "2024-02") not in results  # head from 10 February: not the whole month
    assert results[("孙五", "2024-03")] == (0, 5, "missed")
    assert {subject for subject, _ in results} == {"赵三", "钱四", "孙五"}  # heads only; 周六 is a member


def test_a_person_who_left_mid_month_is_not_judged_for_that_month(book):  # noqa: F811
    book.person("吴七", "principal", until="2024-02-20")
    periods = [r.period for r in book.results("ZS201", "2024-03-31")]
    assert periods == ["2024-01"]


def test_no_person_in_a_role_is_no_data(book):  # noqa: F811
    [result] = book.results("ZS202", "2024-03-31")
    assert (result.subject, result.status, result.passed) == (None, "no_data", True)
