"""ZS405–ZS407 and `--verified-starts` (design §5.4) on small ledgers, each figure worked out by hand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from test_rules_support import ACTOR, Book, book, seeded_ledger  # noqa: F401  (fixtures)
from zhaoshang.rules import run_checks
from zhaoshang.services.casework import (
    add_problem,
    add_request,
    assign_request,
    rate_request,
    resolve_problem,
    resolve_request,
)
from zhaoshang.services.inspections import inspect_project


def _flagged(book: Book, code: str, as_of: str) -> list[tuple]:  # noqa: F811
    """(subject, items or projects, actual, status) of a rule's results."""
    return [
        (r.subject, r.keys.get("items", r.keys.get("projects")), r.actual, r.status) for r in book.results(code, as_of)
    ]


# --- ZS405 --------------------------------------------------------------------------------------


def test_zs405_flags_problems_open_after_their_due_day_per_unit(book):  # noqa: F811
    code = book.project("甲项目", signed="2023-11-01")
    problems = [
        ("区发改委", "2024-03-01", "2024-03-20"),  # #1 open: at 04-01 overdue 12 days
        ("区发改委", "2024-03-05", "2024-03-31"),  # #2 solved 04-02: at 04-01 overdue 1 day
        ("区住建局", "2024-03-10", "2024-04-01"),  # #3 due on the day itself: still in time
        ("区住建局", "2023-12-01", "2023-12-31"),  # #4 raised last year: 92 days overdue at 04-01 (31+29+31+1)
        ("区财政局", "2024-04-05", "2024-04-06"),  # #5 not yet raised on 04-01
    ]
    for unit, raised, due in problems:
        add_problem(book.ledger, ACTOR, code, "电力增容未批复", unit, due, raised)
    resolve_problem(book.ledger, ACTOR, "#2", "2024-04-02", "已协调")
    # 区发改委 (unit 6) before 区住建局 (unit 10); within a unit the earliest due first
    assert _flagged(book, "ZS405", "2024-04-01") == [("区发改委", [1, 2], 2, "behind"), ("区住建局", [4], 1, "behind")]
    [first, _] = book.results("ZS405", "2024-04-01")
    assert "#1 " in first.message and "（逾期12天）" in first.message and "（逾期1天）" in first.message
    assert "（逾期92天）" in book.results("ZS405", "2024-04-01")[1].message
    assert _flagged(book, "ZS405", "2024-04-02")[0] == ("区发改委", [1], 1, "behind")  # #2 solved that day
    assert [r[0] for r in _flagged(book, "ZS405", "2024-04-07")] == [
        "区发改委",
        "区住建局",
        "区财政局",
    ]  # #3 and #5 late
    assert {r[3] for r in _flagged(book, "ZS405", "2024-12-31")} == {"missed"}
    for number in ("1", "3", "4", "5"):
        resolve_problem(book.ledger, ACTOR, number, "2024-05-01")
    assert _flagged(book, "ZS405", "2024-05-01") == [(None, [], 0, "met")]
    # the problems of a project terminated by the day are not pushed any more
    gone = book.project("乙项目", signed="2024-01-01", terminated="2024-06-01")
    add_problem(book.ledger, ACTOR, gone, "用地", "区财政局", "2024-05-10", "2024-05-02")
    assert _flagged(book, "ZS405", "2024-05-31") == [("区财政局", [6], 1, "behind")]
    assert _flagged(book, "ZS405", "2024-06-01") == [(None, [], 0, "met")]


# --- ZS406 --------------------------------------------------------------------------------------


def _request(book: Book, unit: str, received: str, due: str) -> str:  # noqa: F811
    return str(add_request(book.ledger, ACTOR, "甲公司", "人才公寓", unit, due, received)["id"])


def test_zs406_flags_requests_overdue_or_left_unrated(book):  # noqa: F811
    _request(book, "区营商办", "2024-04-01", "2024-04-20")  # #1 open: 11 days overdue on 05-01
    unrated = _request(book, "区营商办", "2024-04-01", "2024-04-30")  # #2 resolved 04-10: unrated 21 days
    resolve_request(book.ledger, ACTOR, unrated, "2024-04-10")
    fifteen = _request(book, "区财政局", "2024-04-01", "2024-04-30")  # #3 resolved 04-16: 15 days, not more
    resolve_request(book.ledger, ACTOR, fifteen, "2024-04-16")
    closed = _request(book, "区财政局", "2024-04-01", "2024-04-10")  # #4 resolved and rated: closed
    resolve_request(book.ledger, ACTOR, closed, "2024-04-05")
    rate_request(book.ledger, ACTOR, closed, "满意", on="2024-04-06")
    redone = _request(book, "区人社局", "2024-03-01", "2024-03-20")  # #5 rated 不满意: redone, due 04-15
    resolve_request(book.ledger, ACTOR, redone, "2024-03-15")
    rate_request(book.ledger, ACTOR, redone, "不满意", due="2024-04-15", on="2024-03-18")
    assign_request(book.ledger, ACTOR, redone, "区住建局", on="2024-03-20")  # 转办: now the housing bureau's
    # 05-01: #5 overdue 16 days (区住建局, unit 10); #1 overdue 11 days and #2 unrated 21 days (区营商办, unit 14)
    assert _flagged(book, "ZS406", "2024-05-01") == [("区住建局", [5], 1, "behind"), ("区营商办", [1, 2], 2, "behind")]
    message = book.results("ZS406", "2024-05-01")[1].message
    assert (
        "逾期未办结1件：#1 甲公司：人才公寓（逾期11天）" in message
        and "办结超过15天未评价1件：#2 甲公司（办结已21天）" in message
    )
    assert ("区财政局", [3], 1, "behind") in _flagged(book, "ZS406", "2024-05-02")  # 16 days
    # On 04-12 #5 was open and in time (new due 04-15), #1 open in time: only nothing yet
    assert _flagged(book, "ZS406", "2024-04-12") == [(None, [], 0, "met")]
    # The threshold is data: 30 days leaves #2 (22 days) and #3 (16) alone on 05-02.
    book.target("ZS406.unrated_days", "30")
    assert _flagged(book, "ZS406", "2024-05-02") == [("区住建局", [5], 1, "behind"), ("区营商办", [1], 1, "behind")]
    # A standing duty: 2025 has no threshold of its own and uses 2024's, saying so.
    [first, *_] = book.results("ZS406", "2025-06-01")
    assert "沿用2024年" in first.message


# --- ZS407 --------------------------------------------------------------------------------------


def test_zs407_flags_starts_not_seen_on_site_in_time_and_untrue_ones_at_once(book):  # noqa: F811
    def started(name: str, on: str, *seen: tuple[str, str], **extra: str) -> str:
        code = book.project(name, signed="2023-12-01", started=on, **extra)
        for day, result in seen:
            inspect_project(book.ledger, ACTOR, code, day, "王敏、李强", result)
        return code

    in_time = started("S1", "2024-03-01", ("2024-03-31", "属实"))  # the 30th day: in time
    late = started("S2", "2024-03-01", ("2024-04-01", "属实"))  # the 31st day: late, and stays flagged
    never = started("S3", "2024-03-01")
    untrue = started("S4", "2024-03-20", ("2024-03-25", "不属实"))
    corrected = started("S5", "2024-03-20", ("2024-03-25", "不属实"), ("2024-04-10", "属实"))
    partly = started("S6", "2024-03-01", ("2024-03-10", "部分属实"), amount="5000")  # verifies nothing; any amount
    started("S7", "2024-03-01", terminated="2024-03-25")  # terminated by the day: not counted
    book.project("S8", signed="2023-06-01", started="2023-12-01")  # started last year: not this year's
    assert in_time
    # 03-26: only the 不属实 findings (S4 and S5), at once; nothing is 30 days old yet
    assert _flagged(book, "ZS407", "2024-03-26") == [
        ("开发区", [untrue], 6, "behind"),
        ("开发区", [corrected], 6, "behind"),
    ]
    # 03-31: the 30th day after 03-01 — still in time for S2, S3 and S6
    assert [r[1] for r in _flagged(book, "ZS407", "2024-03-31")] == [[untrue], [corrected]]
    # 04-15: S2, S3, S6 (45 days, in start order), S4 (26 days); S5's latest finding is 属实, on the 21st day
    flagged = book.results("ZS407", "2024-04-15")
    assert [(r.keys["projects"][0], r.actual, r.target) for r in flagged] == [
        (late, 45, 30), (never, 45, 30), (partly, 45, 30), (untrue, 26, 30)
    ]  # fmt: skip
    assert "（2024-04-01才查看属实）" in flagged[0].message and f"zs project inspect {never}" in flagged[1].message
    assert "2024-03-25现场查看不属实" in flagged[3].message
    book.target("ZS407.inspection_days", "45")  # a laxer limit: 45 days, not more, is in time
    assert [r[1] for r in _flagged(book, "ZS407", "2024-04-15")] == [[untrue]]


# --- --verified-starts ------------------------------------------------------------------------------


def _verified(book: Book, code: str, as_of: str, verified: bool = True):  # noqa: F811
    with book.ledger.read() as connection:
        report = run_checks(connection, date.fromisoformat(as_of), code, verified_starts=verified)
    [result] = [result for result in report.results if result.code == code and result.subject is None]
    return result


def test_verified_starts_count_only_starts_an_inspection_found_true(book):  # noqa: F811
    v1 = book.project("V1", amount="2亿", signed="2024-01-10", started="2024-02-01", included="2024-03-01")
    v2 = book.project("V2", amount="2亿", signed="2024-01-10", started="2024-02-01")
    v3 = book.project("V3", amount="2亿", signed="2024-01-10", started="2024-02-01", included="2024-03-01")
    book.project("V4", amount="2亿", signed="2024-01-10")
    v5 = book.project("V5", amount="2亿", signed="2023-10-01", started="2024-02-15")
    for code, day, result in ((v1, "2024-02-10", "属实"), (v2, "2024-02-10", "不属实"), (v3, "2024-04-05", "属实"),
                              (v5, "2024-02-20", "属实")):  # fmt: skip
        inspect_project(book.ledger, ACTOR, code, day, "王敏", result)
    # Claimed at 03-31: ZS102 V1, V2, V3, V5 = 4; ZS104 cohort V1–V4, started 3 → 0.75; ZS105 cohort 4, included 2 → 0.5.
    claimed = [_verified(book, code, "2024-03-31", verified=False) for code in ("ZS102", "ZS104", "ZS105")]
    assert [(r.actual, r.facts.get("cohort")) for r in claimed] == [(4, None), (0.75, 4), (0.5, 4)]
    # Verified at 03-31: V1 and V5 (V2 不属实, V3 not yet seen): ZS102 2; ZS104 1/4; ZS105 cohort V1, V5, included V1: 1/2.
    verified = [_verified(book, code, "2024-03-31") for code in ("ZS102", "ZS104", "ZS105")]
    assert [(r.actual, r.facts.get("cohort")) for r in verified] == [(2, None), (0.25, 4), (0.5, 2)]
    assert all(r.message.endswith("（只计现场查看属实的开工）") for r in verified)
    # 04-30: V3 seen on 04-05 → ZS102 3; ZS104 2/4; ZS105 cohort 3, included V1, V3 → 2/3.
    later = [_verified(book, code, "2024-04-30") for code in ("ZS102", "ZS104", "ZS105")]
    assert [r.actual for r in later] == [3, Fraction(1, 2), Fraction(2, 3)]
    assert (later[2].facts["cohort"], later[2].facts["reached"]) == (3, 2)
    assert _verified(book, "ZS101", "2024-03-31").actual == 4  # signings are not touched


def test_a_duplicate_group_counts_its_earliest_verified_start(book):  # noqa: F811
    book.project("光伏组件项目", amount="2亿", signed="2024-01-05", started="2024-01-20", investor="甲公司")
    second = book.project("光伏组件", amount="2亿", signed="2024-02-01", started="2024-02-20", investor="甲公司")
    # claimed: one project (ZS404), started 01-20; verified: the first start was never seen, the second was
    assert _verified(book, "ZS102", "2024-03-31", verified=False).actual == 1
    assert _verified(book, "ZS102", "2024-03-31").actual == 0
    inspect_project(book.ledger, ACTOR, second, "2024-02-25", "王敏", "属实")
    assert _verified(book, "ZS102", "2024-03-31").actual == 1
    assert _verified(book, "ZS102", "2024-03-31").facts["duplicates"] == 1
