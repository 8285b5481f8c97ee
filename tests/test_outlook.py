"""The year-end outlook of ZS101 and ZS102 (design §5.4, the cohort method) on a ledger with two
earlier years whose cohorts' outcomes are known, worked out by hand.

Every project is 2亿 (major) and of 开发区 unless said; the day is D = 2024-06-30, so the earlier
years look at 2022-06-30 and 2023-06-30. Age bands: <90, 90–179, 180–364, ≥365 days.

    code lead        signed      started     other
    A1   2022-05-01  2022-09-01  —
    A2   2022-05-15  —           —                        a lead for ever
    A3   2022-01-10  2022-11-01  2023-09-01
    A4   2022-02-01  2023-02-01  2024-03-01
    B1   2023-06-01  2023-07-15  —
    B2   2023-04-01  2023-12-31  —
    B3   2023-03-01  2023-08-01  —           terminated 2023-10-01
    B4   2023-05-01  —           —           terminated 2023-06-15
    C1   2024-06-01  —  · C2 2024-05-20 — · C3 2024-02-01 — · C4 2023-12-01 — · C5 2024-06-01, 9,000万 (not major)
    D1   2024-01-10  2024-03-01  —
    D2   2023-11-01  2024-05-01  2024-06-10
    E1   2022-01-05  2022-03-01  2022-08-01
    E2   2022-01-05  2022-06-01  2023-03-01

ZS101 (leads by days since the lead date; reached = signed by 31 December, not terminated by then):
    2022-06-30: A1 60d band0 ✓, A2 46d band0 ✗, A3 171d band1 ✓, A4 149d band1 ✗ → band0 1/2, band1 1/2, all 2/4
    2023-06-30: B1 29d band0 ✓, B2 90d band1 ✓, B3 121d band1 ✗ (terminated), A2 411d band3 ✗ → 1, 1/2, (all) 1/2, 0
    now: C1, C2 band0; C3 band1; C4 band2; A2 band3 → [2, 1, 1, 1], 5 leads
    2022: 2×½ + 1×½ + 1×½ + 1×½ = 2.5 · 2023: 2×1 + 1×½ + 1×½ + 1×0 = 3 · signed so far: D1, D2 = 2
    likely 2 + (2.5 + 3)/2 = 4.75, range 4.5–5
ZS102 (signed not started, by days since signing; reached = started by 31 December):
    2022-06-30: E1 121d band1 ✓, E2 29d band0 ✗ → band0 0, band1 1, all 1/2
    2023-06-30: A1 302d band2 ✗, A3 241d band2 ✓, A4 149d band1 ✗ → band1 0, band2 1/2, all 1/3
    now: D1 121d band1; B1 351d, B2 182d band2; A1 668d band3 → [0, 1, 2, 1], 4 projects
    2022: 1×1 + 2×½ + 1×½ = 2.5 · 2023: 1×0 + 2×½ + 1×⅓ = 4/3 · started so far: A4, D2 = 2
    likely 2 + (5/2 + 4/3)/2 = 47/12 ≈ 3.92, range 10/3 ≈ 3.33 – 4.5
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from conftest import Zs, assert_rejected, dump
from test_rules_support import ACTOR, book, seeded_ledger  # noqa: F401  (fixtures)
from zhaoshang.reports.figures import build_bulletin
from zhaoshang.reports.model import month_period
from zhaoshang.reports.outlook import same_day
from zhaoshang.services.projects import ProjectFields, add_project, set_status

PROJECTS = (
    ("A1", "2022-05-01", "2022-09-01", None), ("A2", "2022-05-15", None, None),
    ("A3", "2022-01-10", "2022-11-01", "2023-09-01"), ("A4", "2022-02-01", "2023-02-01", "2024-03-01"),
    ("B1", "2023-06-01", "2023-07-15", None), ("B2", "2023-04-01", "2023-12-31", None),
    ("B3", "2023-03-01", "2023-08-01", None), ("B4", "2023-05-01", None, None),
    ("C1", "2024-06-01", None, None), ("C2", "2024-05-20", None, None), ("C3", "2024-02-01", None, None),
    ("C4", "2023-12-01", None, None), ("C5", "2024-06-01", None, None),
    ("D1", "2024-01-10", "2024-03-01", None), ("D2", "2023-11-01", "2024-05-01", "2024-06-10"),
    ("E1", "2022-01-05", "2022-03-01", "2022-08-01"), ("E2", "2022-01-05", "2022-06-01", "2023-03-01"),
)  # fmt: skip


def _outlook(ledger, month: str) -> dict:
    with ledger.read() as connection:
        rows = build_bulletin(connection, month_period(month), date(2024, 7, 5)).section("outlook").to_json()
    return {row["code"]: row for row in rows}


@pytest.fixture
def cohorts(book):  # noqa: F811
    for code, lead, signed, started in PROJECTS:
        fields = ProjectFields(name=f"{code}项目", unit="开发区", amount="9000" if code == "C5" else "2亿", code=code,
                               lead=lead, signed=signed, started=started)  # fmt: skip
        add_project(book.ledger, ACTOR, fields)
    set_status(book.ledger, ACTOR, "B3", "terminated", "撤资", "2023-10-01")
    set_status(book.ledger, ACTOR, "B4", "terminated", "撤资", "2023-06-15")
    return book


def test_the_outlook_of_two_earlier_years_cohorts(cohorts):
    outlook = _outlook(cohorts.ledger, "2024-06")
    signed, started = outlook["ZS101"], outlook["ZS102"]
    assert (signed["actual"], signed["pipeline"], signed["likely"], signed["low"], signed["high"]) == (
        2,
        5,
        4.75,
        4.5,
        5,
    )
    assert (signed["target"], signed["basis"], signed["likely_completion"]) == (117, "2022年、2023年", 0.0406)
    assert "2022年2.5个、2023年3个" in signed["note"]
    assert (started["actual"], started["pipeline"], started["likely"], started["low"], started["high"]) == (
        2, 4, 3.92, 3.33, 4.5
    )  # fmt: skip
    assert "2022年2.5个、2023年1.3个" in started["note"] and "签约未开工" in started["note"]


def test_the_outlook_is_the_figures_so_far_at_the_end_of_the_year(cohorts):
    # On 31 December nothing more can happen: every year's share of "reached by 31 December after D" is 0.
    outlook = _outlook(cohorts.ledger, "2024-12")
    assert [(row["actual"], row["likely"], row["low"], row["high"]) for row in outlook.values()] == [
        (2, 2, 2, 2),  # D1, D2 signed in 2024
        (2, 2, 2, 2),  # A4, D2 started in 2024
    ]


def test_without_an_earlier_year_the_outlook_cannot_be_made(book):  # noqa: F811
    # A ledger whose first project is led in 2023-09: on 2023-06-30 it held nothing, so 2023 is no year to compare.
    add_project(book.ledger, ACTOR, ProjectFields(name="甲", unit="开发区", amount="2亿", lead="2023-09-01"))
    add_project(
        book.ledger,
        ACTOR,
        ProjectFields(name="乙", unit="开发区", amount="2亿", lead="2024-01-01", signed="2024-02-01"),
    )
    outlook = _outlook(book.ledger, "2024-06")
    for row in outlook.values():
        assert (row["likely"], row["low"], row["high"], row["basis"]) == (None, None, None, None)
        assert row["note"] == "无法预测：台账中没有2024年以前6月30日已有项目的年份可作对照"
    assert (outlook["ZS101"]["actual"], outlook["ZS101"]["pipeline"], outlook["ZS102"]["pipeline"]) == (1, 1, 1)
    # On 2024-10-31 the ledger held the 2023-09-01 lead at 2023-10-31: 2023 is compared, its cohort of one never signed.
    october = _outlook(book.ledger, "2024-10")
    signed = october["ZS101"]
    assert (signed["basis"], signed["likely"], signed["low"], signed["high"]) == ("2023年", 1, 1, 1)
    assert signed["note"].endswith("全年还可增加：2023年0个")
    # but nothing was signed and unstarted on 2023-10-31: no cohort for ZS102
    assert october["ZS102"]["note"] == "无法预测：此前各年10月31日都没有签约未开工的亿元以上项目可作对照"


def test_a_project_without_a_lead_date_entered_the_ledger_on_the_day_of_its_entry(book):  # noqa: F811
    # An import (transfer/) that does not set the lead date: the audit entry that entered the row says when.
    def at(day: str) -> None:
        book.ledger.clock = lambda: datetime.fromisoformat(f"{day}T09:00:00").replace(
            tzinfo=timezone(timedelta(hours=8))
        )

    for day, code, signed in (
        ("2023-03-01", "I1", "2023-09-01"),
        ("2023-03-01", "I2", None),
        ("2024-05-01", "I3", None),
    ):
        at(day)
        with book.ledger.write(ACTOR, "project.import") as writer:
            unit_id = writer.connection.exec_driver_sql("SELECT id FROM unit WHERE name = '开发区'").scalar_one()
            writer.insert("project", {"code": code, "name": f"{code}项目", "unit_id": unit_id, "amount": 200_000_000,
                                      "signed_on": signed, "status": "active"})  # fmt: skip
    outlook = _outlook(book.ledger, "2024-06")["ZS101"]
    # 2023-06-30: I1 and I2 were leads of 121 days (band1); I1 signed by 31 December: ½. Now: I2 (487 days, band3,
    # no 2023 member: the year's ½) and I3 (60 days, band0: ½) → 1 more.
    assert (outlook["basis"], outlook["pipeline"], outlook["likely"]) == ("2023年", 2, 1)


def test_the_same_day_of_another_year():
    assert same_day(date(2024, 2, 29), 2023) == date(2023, 2, 28)
    assert same_day(date(2024, 6, 30), 2022) == date(2022, 6, 30)


def test_lead_dates_default_to_the_day_entered_and_a_given_one_is_checked(zs: Zs):
    zs.ok("project", "add", "甲项目", "--unit", "开发区", "--amount", "2亿", "--code", "P1")
    assert json.loads(zs.ok("project", "show", "P1", "--format", "json"))["lead"] == date.today().isoformat()
    zs.ok("project", "edit", "P1", "--lead", "2023年5月4日")
    assert json.loads(zs.ok("project", "show", "P1", "--format", "json"))["lead"] == "2023-05-04"
    zs.ok("project", "advance", "P1", "signed", "--on", "2023-06-01")
    before = dump(zs.db)
    assert_rejected(
        zs("project", "edit", "P1", "--lead", "2023-07-01"), "在谈日期（--lead）", "'2023-07-01'", "晚于签约日期"
    )
    assert_rejected(
        zs(
            "project",
            "add",
            "乙",
            "--unit",
            "开发区",
            "--amount",
            "1亿",
            "--lead",
            "2024-03-02",
            "--signed",
            "2024-03-01",
        ),
        "在谈日期（--lead）",
        "晚于签约日期",
    )
    assert_rejected(zs("project", "edit", "P1", "--lead", "2023-02-30"), "在谈日期（--lead）", "不是有效日期")
    assert dump(zs.db) == before


def test_the_years_a_project_is_in_the_pipeline_are_those_of_the_day_by_day_definition():
    """`_tallies` reads each project once; here it is checked against the definition applied day by day
    (known by X, dated by X, not at the stage by X, not terminated by X) on random projects."""
    import random

    from zhaoshang.reports import outlook

    rng = random.Random(12)

    def day(first: date, span: int) -> str:
        return (first + timedelta(days=rng.randrange(span))).isoformat()

    projects = []
    for _ in range(400):
        lead = day(date(2019, 1, 1), 2000)
        signed = day(date.fromisoformat(lead), 700) if rng.random() < 0.7 else None
        started = day(date.fromisoformat(signed), 500) if signed and rng.random() < 0.7 else None
        terminated = day(date.fromisoformat(lead), 1500) if rng.random() < 0.15 else None
        projects.append({"lead_on": lead, "signed_on": signed, "started_on": started, "terminated_on": terminated})
    for as_of in (date(2024, 2, 29), date(2024, 6, 30), date(2024, 12, 31), date(2023, 1, 1)):
        years = list(range(2019, as_of.year + 1))
        for stream in outlook.STREAMS:
            tallied = outlook._tallies(projects, stream, years, as_of)
            for year in years:
                x = outlook.same_day(as_of, year)
                expected = [[0, 0] for _ in outlook.AGE_BANDS]
                for p in projects:
                    since, stage, ended = p[stream.since], p[stream.stage], p["terminated_on"]
                    if not (p["lead_on"] <= x.isoformat() and since and since <= x.isoformat()):
                        continue
                    if (stage and stage <= x.isoformat()) or (ended and ended <= x.isoformat()):
                        continue
                    band = expected[outlook._band((x - date.fromisoformat(since)).days)]
                    band[0] += 1
                    band[1] += bool(stage and stage <= f"{year}-12-31" and not (ended and ended <= f"{year}-12-31"))
                assert tallied[year] == expected, (as_of, stream.code, year)
