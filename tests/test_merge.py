"""Duplicates and mistakes (design §5.1): an unmerged ZS404 group counts once in ZS101–ZS105; `project
merge`, `project distinct` and `project delete` resolve them. Figures worked out by hand."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import Zs
from test_rules_support import book, seeded_ledger  # noqa: F401  (fixtures)


def test_a_group_counts_once_with_its_earliest_dates_and_largest_amount(book):  # noqa: F811
    # The earlier record is below 1亿 and never started; the later one holds the amount and the start.
    book.project("新能源电池项目", amount="9000万", unit="开发区", signed="2024-02-01", investor="甲公司")
    book.project(
        "新能源电池", amount="2亿", unit="渠沟镇", signed="2024-03-01", started="2024-03-20", investor="甲公司"
    )
    book.target("ZS101", "4", unit="开发区")
    book.target("ZS101", "4", unit="渠沟镇")
    # one project: signed 2024-02-01 (the earliest), 2亿 (the largest), started 2024-03-20, counted for 开发区
    district = book.result("ZS101", "2024-03-31")
    assert (district.actual, district.facts["duplicates"]) == (1, 1)  # the later signing (2亿) left out
    assert book.result("ZS101", "2024-03-31", "开发区").actual == 1
    town = book.result("ZS101", "2024-03-31", "渠沟镇")
    assert (town.actual, town.facts["duplicates"]) == (0, 1)
    assert book.result("ZS102", "2024-03-31").actual == 1
    assert book.result("ZS104", "2024-03-31").facts == {"cohort": 1, "reached": 1, "duplicates": 1}
    # before the second signing there is no group: the first record alone is below 1亿
    assert book.result("ZS101", "2024-02-29").actual == 0


@pytest.fixture
def pair(tmp_path) -> Zs:
    """P1 and P2: one project entered twice by two units; P3 another investor's; trips linking them."""
    zs = Zs(tmp_path / "ledger.sqlite")
    zs.ok("init")
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "渠沟镇", "--role", "staff")
    zs.ok("project", "add", "新能源电池项目", "--code", "P1", "--unit", "开发区", "--amount", "9000万",
          "--signed", "2024-02-01", "--investor", "甲公司")  # fmt: skip
    zs.ok("project", "add", "新能源电池", "--code", "P2", "--unit", "渠沟镇", "--amount", "2亿", "--signed", "2024-03-01",
          "--started", "2024-03-20", "--investor", "甲公司", "--industry", "新能源", "--handler", "李四")  # fmt: skip
    zs.ok("project", "add", "冷链仓储", "--code", "P3", "--unit", "开发区", "--amount", "1亿", "--investor", "乙公司")
    log = ("trip", "log", "--person", "张三", "--dest", "上海")
    zs.ok(*log, "--from", "2024-03-02", "--to", "2024-03-03", "--project", "P2")
    zs.ok(*log, "--from", "2024-03-05", "--to", "2024-03-06", "--project", "P1", "--project", "P2")
    zs.ok(*log, "--from", "2024-03-08", "--to", "2024-03-08", "--project", "P3")
    return zs


def _entries(zs: Zs) -> int:
    connection = sqlite3.connect(zs.db)
    try:
        return connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        connection.close()


def _check(zs: Zs, code: str) -> list[dict]:
    report = json.loads(zs("check", "quotas", "--as-of", "2024-03-31", "--select", code, "--format", "json").stdout)
    return report["results"]


def test_merge_folds_the_duplicate_into_the_project_kept(pair: Zs):
    [flag] = _check(pair, "ZS404")
    assert (flag["subject"], flag["projects"]) == ("开发区", ["P1", "P2"])
    before = _entries(pair)
    out = pair.ok("project", "merge", "P1", "P2", "--reason", "重复登记")
    assert _entries(pair) == before + 1  # one audit entry
    assert "总投资（万元）：9,000 → 20,000" in out and "开工：空 → 2024-03-20" in out
    kept = json.loads(pair.ok("project", "show", "P1", "--format", "json"))
    assert (kept["signed"], kept["started"], kept["amount"], kept["unit"]) == (
        "2024-02-01",
        "2024-03-20",
        20000,
        "开发区",
    )
    assert (kept["industry"], kept["handler"], kept["investor"]) == ("新能源", "李四", "甲公司")  # P1's empty fields
    # the trips of P2 now follow P1; the trip that linked both links P1 once
    trips = json.loads(pair.ok("trip", "list", "--format", "json"))
    assert [trip["projects"] for trip in trips] == [["P1"], ["P1"], ["P3"]]
    gone = pair("project", "show", "P2")
    assert gone.exit_code == 2 and "已并入项目 P1（重复登记）" in gone.stderr
    assert _check(pair, "ZS404")[0]["status"] == "met"
    [signed] = [r for r in _check(pair, "ZS101") if r["subject"] is None]
    assert (signed["actual"], "剔除" in signed["message"]) == (1, False)
    assert "审计核对通过" in pair.ok("audit", "verify")
    assert "合并重复项目" in pair.ok("audit", "log", "--project", "P1")
    pair.ok("project", "edit", "P1", "--code", "XM2024001")  # a new code: the merged one follows it
    assert "已并入项目 XM2024001" in pair("project", "show", "P2").stderr


def test_merge_takes_the_unit_of_the_earlier_signing_unless_told(pair: Zs, tmp_path):
    pair.ok("project", "merge", "P2", "P1", "--reason", "重复登记")  # P1 (开发区) signed first
    assert json.loads(pair.ok("project", "show", "P2", "--format", "json"))["unit"] == "开发区"
    other = Zs(tmp_path / "other.sqlite")
    other.ok("init")
    for code, unit, signed in (("A", "开发区", "2024-02-01"), ("B", "渠沟镇", "2024-03-01")):
        other.ok("project", "add", "光伏组件", "--code", code, "--unit", unit, "--amount", "1亿", "--signed", signed,
                 "--investor", "丙公司")  # fmt: skip
    other.ok("project", "merge", "B", "A", "--reason", "重复登记", "--unit", "渠沟镇")
    merged = json.loads(other.ok("project", "show", "B", "--format", "json"))
    assert (merged["unit"], merged["signed"]) == ("渠沟镇", "2024-02-01")


def test_distinct_stops_zs404_pairing_two_projects(pair: Zs):
    pair.ok("project", "distinct", "P2", "P1", "--reason", "一期、二期分别立项")
    assert _check(pair, "ZS404")[0]["status"] == "met"
    [signed] = [r for r in _check(pair, "ZS101") if r["subject"] is None]
    assert signed["actual"] == 1  # two projects now: P2 (2亿) counts, P1 (9,000万) is below 1亿
    again = pair("project", "distinct", "P1", "P2", "--reason", "再说一次")
    assert again.exit_code == 2 and "已说明是两个项目" in again.stderr
    assert "审计核对通过" in pair.ok("audit", "verify")


def test_delete_removes_a_mistaken_entry_with_its_links_when_asked(pair: Zs):
    refused = pair("project", "delete", "P3", "--reason", "误录")
    assert refused.exit_code == 2 and "1条外出招商行程（#3）" in refused.stderr
    out = pair.ok("project", "delete", "P3", "--reason", "误录", "--unlink")
    assert "已删除" in out and "解除1条外出招商行程的关联" in out
    trips = json.loads(pair.ok("trip", "list", "--format", "json"))
    assert len(trips) == 3 and trips[2]["projects"] == []  # the trip stays, without the link
    gone = pair("project", "show", "P3")
    assert gone.exit_code == 2 and "已删除（误录）" in gone.stderr
    assert [p["code"] for p in json.loads(pair.ok("project", "list", "--format", "json"))] == ["P1", "P2"]
    assert "审计核对通过" in pair.ok("audit", "verify")
