"""Enterprise requests judged at a day D as they stood on D (design §5.1 over §5.4): every step of a
request is a dated event, so a later 转办, 办结, 评价 or 重办 never changes an earlier day's figures."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Zs, assert_rejected, dump


@pytest.fixture
def story(zs: Zs) -> Zs:
    """#1 is the sample's request #8: received 04-10 by 区财政局 (due 05-08), handed to 区人社局 on
    04-11, resolved 05-15, rated 不满意 on 05-17 (重办, due 06-01), resolved again 06-02, rated
    满意 06-05. #2: received 04-01 by 区财政局 (due 04-05), handed to 区住建局 on 04-20 with a new
    due day 04-30, never resolved."""
    add = ("request", "add", "--enterprise", "甲公司", "--text", "申请兑现招商引资奖励政策", "--unit", "区财政局")
    assert zs.last_line(*add, "--due", "2024-05-08", "--received", "2024-04-10") == "1"
    zs.ok("request", "assign", "1", "--unit", "区人社局", "--on", "2024-04-11")
    zs.ok("request", "resolve", "1", "--on", "2024-05-15", "--note", "已兑现")
    zs.ok("request", "rate", "1", "不满意", "--due", "2024-06-01", "--on", "2024-05-17")
    zs.ok("request", "resolve", "1", "--on", "2024-06-02", "--note", "补足差额")
    zs.ok("request", "rate", "1", "满意", "--on", "2024-06-05")
    assert zs.last_line(*add, "--due", "2024-04-05", "--received", "2024-04-01") == "2"
    zs.ok("request", "assign", "2", "--unit", "区住建局", "--due", "2024-04-30", "--on", "2024-04-20")
    return zs


def _listed(zs: Zs, as_of: str) -> dict[int, tuple]:
    rows = json.loads(zs.ok("request", "list", "--as-of", as_of, "--format", "json"))
    return {
        row["id"]: (row["unit"], row["due_on"], row["resolved_on"], row["state"], row["rating"], row["reopened"])
        for row in rows
    }


def _zs406(zs: Zs, as_of: str) -> list[tuple]:
    report = json.loads(zs("check", "quotas", "--as-of", as_of, "--select", "ZS406", "--format", "json").stdout)
    return sorted((result["subject"], result["items"]) for result in report["results"] if result["status"] != "met")


# What request #1 was on each day between its steps (unit, due, resolved, state, rating, times redone):
# the due day itself is in time; 05-09…05-14 it is overdue; resolved 05-15 it waits for the rating; the
# 不满意 of 05-17 reopens it with due 06-01; resolved again 06-02; rated 满意 06-05.
STORY_OF_1 = [
    ("2024-04-10", ("区财政局", "2024-05-08", None, "open", None, 0)),
    ("2024-04-11", ("区人社局", "2024-05-08", None, "open", None, 0)),
    ("2024-05-08", ("区人社局", "2024-05-08", None, "open", None, 0)),
    ("2024-05-12", ("区人社局", "2024-05-08", None, "overdue", None, 0)),
    ("2024-05-16", ("区人社局", "2024-05-08", "2024-05-15", "unrated", None, 0)),
    ("2024-05-17", ("区人社局", "2024-06-01", None, "open", "unsatisfied", 1)),
    ("2024-06-01", ("区人社局", "2024-06-01", None, "open", "unsatisfied", 1)),
    ("2024-06-02", ("区人社局", "2024-06-01", "2024-06-02", "unrated", None, 1)),
    ("2024-06-05", ("区人社局", "2024-06-01", "2024-06-02", "rated", "satisfied", 1)),
]


def test_request_list_shows_each_day_as_it_stood(story: Zs):
    assert _listed(story, "2024-03-31") == {}
    for as_of, expected in STORY_OF_1:
        assert _listed(story, as_of)[1] == expected, as_of
    # #2 before its 转办 is 区财政局's, overdue since 04-05; after it 区住建局's with the new due day
    assert _listed(story, "2024-04-19")[2] == ("区财政局", "2024-04-05", None, "overdue", None, 0)
    assert _listed(story, "2024-04-20")[2] == ("区住建局", "2024-04-30", None, "open", None, 0)
    # --unit is the unit handling it on the day
    before = json.loads(story.ok("request", "list", "--as-of", "2024-04-10", "--unit", "区财政局", "--format", "json"))
    assert [row["id"] for row in before] == [1, 2]
    after = json.loads(story.ok("request", "list", "--as-of", "2024-04-11", "--unit", "区财政局", "--format", "json"))
    assert [row["id"] for row in after] == [2]
    # --open on a day: #1 was open on 05-12, not on 05-16
    assert [row["id"] for row in json.loads(story.ok("request", "list", "--open", "--as-of", "2024-05-16",
                                                      "--format", "json"))] == [2]  # fmt: skip


def test_zs406_charges_the_unit_responsible_on_the_day(story: Zs):
    # 04-10: #2 is 5 days overdue at 区财政局 (its 转办 comes on 04-20); #1 is in time
    assert _zs406(story, "2024-04-10") == [("区财政局", [2])]
    # 05-12: #1 is 4 days overdue at 区人社局 (it was resolved only on 05-15); #2 12 days at 区住建局
    assert _zs406(story, "2024-05-12") == sorted([("区人社局", [1]), ("区住建局", [2])])
    # 05-16: #1 waits 1 day for its rating (not more than 15): not flagged
    assert _zs406(story, "2024-05-16") == [("区住建局", [2])]
    # 06-01: reopened #1 is due that day, in time; 06-20: rated 满意 on 06-05, closed
    assert _zs406(story, "2024-06-01") == [("区住建局", [2])]
    assert _zs406(story, "2024-06-20") == [("区住建局", [2])]


def test_the_bulletin_lists_and_counts_requests_as_they_stood(story: Zs):
    def requests(month: str) -> dict[int, tuple]:
        bulletin = json.loads(story.ok("report", "monthly", "--month", month, "--format", "json"))
        return {row["id"]: (row["unit"], row["due_on"], row["resolved_on"], row["state"], row["rating"],
                            row["reopened"]) for row in bulletin["requests"]}  # fmt: skip

    # April (as of 04-30): #1 open at 区人社局; #2 at 区住建局 due that day, in time
    assert requests("2024-04") == {
        1: ("区人社局", "2024-05-08", None, "open", None, 0),
        2: ("区住建局", "2024-04-30", None, "open", None, 0),
    }
    # May (as of 05-31): #1 reopened (resolved 05-15 within May, but redone since 05-17)
    assert requests("2024-05")[1] == ("区人社局", "2024-06-01", None, "open", "unsatisfied", 1)
    assert requests("2024-06")[1] == ("区人社局", "2024-06-01", "2024-06-02", "rated", "satisfied", 1)

    def satisfaction(month: str) -> str:
        [line] = [line for line in story.ok("report", "monthly", "--month", month).splitlines() if "本年评价" in line]
        return line.strip()

    # ratings given 1 January … the day: none in April; the 不满意 of 05-17 in May; and the 满意 of 06-05 in June
    assert "本年评价0次" in satisfaction("2024-04")
    assert "本年评价1次：满意0、基本满意0、不满意1" in satisfaction("2024-05")
    assert "满意率（满意和基本满意）0.0%" in satisfaction("2024-05")
    assert "本年评价2次：满意1、基本满意0、不满意1" in satisfaction("2024-06")
    assert "满意率（满意和基本满意）50.0%" in satisfaction("2024-06")


def test_request_steps_are_entered_in_the_order_of_their_days(story: Zs):
    add = ("request", "add", "--enterprise", "乙公司", "--text", "用电报装", "--unit", "区发改委")
    assert story.last_line(*add, "--due", "2024-04-30", "--received", "2024-04-01") == "3"
    story.ok("request", "assign", "3", "--unit", "区住建局", "--on", "2024-04-10")
    before = dump(story.db)
    assert_rejected(
        story("request", "resolve", "3", "--on", "2024-04-09"),
        "办结日期（--on）：'2024-04-09' 早于诉求 #3 上一步（转办）的日期 2024-04-10",
    )
    assert_rejected(
        story("request", "assign", "3", "--unit", "区财政局", "--on", "2024-04-09"),
        "转办日期（--on）：'2024-04-09' 早于诉求 #3 上一步（转办）的日期 2024-04-10",
    )
    assert dump(story.db) == before
    # a reopened request's new due day is checked against the day it was reopened, not the day received
    story.ok("request", "resolve", "3", "--on", "2024-04-12")
    story.ok("request", "rate", "3", "不满意", "--due", "2024-05-20", "--on", "2024-04-15")
    before = dump(story.db)
    assert_rejected(
        story("request", "assign", "3", "--unit", "区财政局", "--due", "2024-04-14", "--on", "2024-04-16"),
        "办结时限（--due）：'2024-04-14' 早于重办日期（评价为不满意之日） 2024-04-15",
    )
    result = story("request", "assign", "3", "--unit", "区住建局")
    assert_rejected(result, "责任单位（--unit）：诉求 #3 已由 区住建局 办理")
    assert "zs request assign 3 --unit" in result.stderr
    assert dump(story.db) == before
    assert "审计核对通过" in story.ok("audit", "verify")


def test_a_ledger_of_schema_4_gets_the_steps_of_its_requests_from_its_audit_log(tmp_path: Path):
    from test_migrations import _ledger_at, written_on

    db = tmp_path / "v4.sqlite"
    old = _ledger_at(db, "0004")  # the release before dated request steps

    written_on(old, "2024-04-01")
    with old.write("老版本", "init") as writer:
        finance = writer.insert("unit", {"name": "区财政局", "kind": "department"})
        labour = writer.insert("unit", {"name": "区人社局", "kind": "department"})
        writer.insert("target", {"year": 2024, "metric": "ZS406.unrated_days", "unit_id": None, "value": "15"})
    request = {"enterprise": "甲公司", "text": "申请兑现奖励", "note": None, "rating": None, "rated_on": None,
               "reopened": 0, "resolved_on": None}  # fmt: skip
    # what the release of schema 4 wrote, one row per request: #1 the sample's #8; #2 received and resolved
    for day, action, key, values in (
        ("2024-04-10", "request.add", None, request | {"unit_id": finance, "received_on": "2024-04-10",
                                                      "due_on": "2024-05-08"}),
        ("2024-04-10", "request.add", None, request | {"unit_id": labour, "received_on": "2024-04-02",
                                                      "due_on": "2024-04-30"}),
        ("2024-04-11", "request.assign", 1, {"unit_id": labour}),
        ("2024-05-15", "request.resolve", 1, {"resolved_on": "2024-05-15", "note": "已兑现"}),
        ("2024-05-17", "request.rate", 1, {"rating": "unsatisfied", "rated_on": "2024-05-17", "resolved_on": None,
                                           "due_on": "2024-06-01", "reopened": 1}),
        ("2024-06-03", "request.resolve", 1, {"resolved_on": "2024-06-02", "note": "补足差额", "rating": None,
                                              "rated_on": None}),
        ("2024-06-20", "request.resolve", 2, {"resolved_on": "2024-04-20"}),  # entered late, dated
    ):  # fmt: skip
        written_on(old, day)
        with old.write("老版本", action, subject=f"诉求#{key or 'new'}") as writer:
            if key is None:
                writer.insert("enterprise_request", values)
            else:
                writer.update("enterprise_request", {"id": key}, values)
    old.close()

    zs = Zs(db)
    assert "审计核对通过" in zs.ok("audit", "verify")  # the upgrade explains every step it wrote
    for as_of, expected in STORY_OF_1[:-1]:  # (it is not rated again in this ledger)
        assert _listed(zs, as_of)[1] == expected, as_of
    assert _listed(zs, "2024-04-19")[2] == ("区人社局", "2024-04-30", None, "open", None, 0)
    assert _listed(zs, "2024-04-20")[2] == ("区人社局", "2024-04-30", "2024-04-20", "unrated", None, 0)
    assert _zs406(zs, "2024-05-12") == [("区人社局", [1, 2])]  # #2 resolved 04-20: 22 days unrated
    connection = sqlite3.connect(db)
    action, changes = connection.execute("SELECT action, changes FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    steps = connection.execute(
        "SELECT request_id, kind, happened_on, unit_id, due_on, rating, note FROM request_event ORDER BY id"
    ).fetchall()
    connection.close()
    assert action == "upgrade"
    assert sorted({change["table"] for change in json.loads(changes)}) == ["request_event"]
    assert steps == [
        (1, "received", "2024-04-10", finance, "2024-05-08", None, None),
        (1, "assigned", "2024-04-11", labour, None, None, None),  # dated by its entry
        (1, "resolved", "2024-05-15", None, None, None, "已兑现"),
        (1, "rated", "2024-05-17", None, "2024-06-01", "unsatisfied", None),
        (1, "resolved", "2024-06-02", None, None, None, "补足差额"),
        (2, "received", "2024-04-02", labour, "2024-04-30", None, None),
        (2, "resolved", "2024-04-20", None, None, None, None),
    ]
    # the new steps go on from there
    zs.ok("request", "rate", "1", "满意", "--on", "2024-06-05")
    assert _listed(zs, "2024-06-05")[1] == STORY_OF_1[-1][1]
