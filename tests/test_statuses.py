"""Dated statuses (design §5.1): every figure at D uses the status held on D, whenever it is computed.

Stalls, resumes and terminations happen on a day; same-day events count in the order entered. The
预警 sheet lists a stall in every month it lasted. Figures worked out by hand in the comments."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import Zs
from test_import import write_book
from test_rules_support import book, seeded_ledger  # noqa: F401  (fixtures)
from zhaoshang.services.projects import set_status


@pytest.fixture
def year(tmp_path) -> Zs:
    """Three major projects signed in the first quarter; P2 started, P3 waiting."""
    zs = Zs(tmp_path / "ledger.sqlite")
    zs.ok("init")
    zs.ok("person", "add", "王专员", "--unit", "开发区", "--role", "staff")
    for code, signed, extra in (
        ("P1", "2024-01-15", []),
        ("P2", "2024-02-01", ["--started", "2024-03-01"]),
        ("P3", "2024-03-10", []),
    ):
        zs.ok("project", "add", f"项目{code}", "--code", code, "--unit", "开发区", "--amount", "2亿",
              "--handler", "王专员", "--signed", signed, *extra)  # fmt: skip
    return zs


def _check(zs: Zs, as_of: str) -> dict:
    """The figures of a check; without its `ledger` key (design §5.2), the state it was made from,
    which every later write moves on."""
    report = json.loads(zs("check", "quotas", "--as-of", as_of, "--format", "json").stdout)
    report.pop("ledger")
    return report


def _result(report: dict, code: str) -> dict:
    return next(r for r in report["results"] if r["code"] == code and r["subject"] is None)


def test_a_later_termination_does_not_rewrite_an_earlier_check(year: Zs):
    march = _check(year, "2024-03-31")
    assert _result(march, "ZS101")["actual"] == 3
    year.ok("project", "terminate", "P1", "--reason", "投资方撤资", "--on", "2024-05-01")
    assert _check(year, "2024-03-31") == march  # the March bulletin stays what it was
    # from 1 May P1 is not counted: P2 and P3 are
    assert _result(_check(year, "2024-05-31"), "ZS101")["actual"] == 2
    assert _result(_check(year, "2024-04-30"), "ZS101")["actual"] == 3


def test_a_project_terminated_on_d_is_not_counted_at_d_one_terminated_after_is(book):  # noqa: F811
    code = book.project("甲项目", amount="2亿", signed="2024-02-01", started="2024-02-20")
    set_status(book.ledger, "测试员", code, "terminated", "撤资", "2024-03-31")
    assert book.result("ZS101", "2024-03-30").actual == 1  # terminated the next day: still counted
    assert book.result("ZS102", "2024-03-30").actual == 1
    assert book.result("ZS101", "2024-03-31").actual == 0  # terminated on the day: not counted
    assert book.result("ZS102", "2024-03-31").actual == 0


def test_a_stall_and_a_resume_of_one_day_leave_the_project_not_stalled(book):  # noqa: F811
    code = book.project("乙项目", signed="2023-06-01")  # 2024-07-01 is 396 days later: ZS403 flags it
    set_status(book.ledger, "测试员", code, "stalled", "误标", "2024-05-10")
    set_status(book.ledger, "测试员", code, "active", None, "2024-05-10")
    [flag] = book.results("ZS403", "2024-07-01")
    assert flag.facts["project"]["status"] == "active" and "停滞" not in flag.message
    set_status(book.ledger, "测试员", code, "stalled", "资金未到位", "2024-06-01")
    [flag] = book.results("ZS403", "2024-07-01")
    assert "已标记停滞：资金未到位" in flag.message
    [earlier] = book.results("ZS403", "2024-05-31")  # before the stall
    assert "停滞" not in earlier.message


def test_a_stall_shows_in_the_warnings_of_each_month_it_lasted(year: Zs):
    # P2 stalled from 2024-03-20 to 2024-05-10, entered late (in June): March, April and May list it
    year.ok("project", "stall", "P2", "--reason", "土地未交付", "--on", "2024-03-20")
    year.ok("project", "resume", "P2", "--on", "2024-05-10")

    def stalls(month: str) -> list[tuple]:
        bulletin = json.loads(year.ok("report", "monthly", "--month", month, "--format", "json"))
        return [
            (w["project"], w["since"], w["days"], w["note"]) for w in bulletin["warnings"] if w["kind"] == "stalled"
        ]

    assert stalls("2024-02") == []
    # 20 March to 31 March: 11 days; still stalled at the month's end
    assert stalls("2024-03") == [("P2", "2024-03-20", 11, "土地未交付；停滞于2024年3月，截至2024-03-31未恢复")]
    assert stalls("2024-04")[0][2] == 41  # 20 March to 30 April
    # ended on 10 May: 51 days, its months named
    assert stalls("2024-05") == [("P2", "2024-03-20", 51, "土地未交付；停滞于2024年3月至2024年5月，2024-05-10恢复")]
    assert stalls("2024-06") == []
    # the project list of the bulletin shows the status held on its day
    april = json.loads(year.ok("report", "monthly", "--month", "2024-04", "--format", "json"))
    assert next(p for p in april["projects"] if p["code"] == "P2")["status"] == "stalled"
    june = json.loads(year.ok("report", "monthly", "--month", "2024-06", "--format", "json"))
    assert next(p for p in june["projects"] if p["code"] == "P2")["status"] == "active"


def test_a_project_may_advance_before_its_stall_not_during_it(year: Zs):
    year.ok("project", "stall", "P3", "--reason", "资金未到位", "--on", "2024-06-01")
    year.ok("project", "advance", "P3", "started", "--on", "2024-05-20")  # before the stall: recorded late
    result = year("project", "advance", "P3", "included", "--on", "2024-06-10")
    assert result.exit_code == 2 and "停滞" in result.stderr
    history = json.loads(year.ok("project", "show", "P3", "--format", "json"))["status_history"]
    assert history == [{"status": "stalled", "label": "停滞", "since": "2024-06-01", "reason": "资金未到位"}]


def test_stall_resume_and_terminate_default_to_today(year: Zs):
    year.ok("project", "stall", "P1", "--reason", "资金未到位")
    show = json.loads(year.ok("project", "show", "P1", "--format", "json"))
    assert show["status"] == "stalled" and show["status_history"][0]["since"] == date.today().isoformat()


def test_an_imported_status_becomes_a_dated_event(year: Zs, tmp_path):
    header = ["项目编号", "项目名称", "责任单位", "总投资", "状态", "原因", "终止时间"]
    rows = [
        ["P1", "项目P1", "开发区", 20000, "终止", "企业撤资", "2024-02-20"],
        ["P3", "项目P3", "开发区", 20000, "终止", "企业撤资", None],  # no date: the day of the import
    ]
    year.ok("import", "projects", str(write_book(tmp_path / "a.xlsx", [header, *rows])))
    p1 = json.loads(year.ok("project", "show", "P1", "--format", "json"))
    assert (p1["terminated"], p1["status_history"][0]["since"]) == ("2024-02-20", "2024-02-20")
    p3 = json.loads(year.ok("project", "show", "P3", "--format", "json"))
    assert p3["terminated"] == date.today().isoformat()
    # P1 terminated on 20 February: counted in January, not in March
    assert _result(_check(year, "2024-01-31"), "ZS101")["actual"] == 1
    assert _result(_check(year, "2024-03-31"), "ZS101")["actual"] == 2  # P2, and P3 (terminated only today)
    assert "审计核对通过" in year.ok("audit", "verify")
