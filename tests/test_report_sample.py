"""The bulletin of the sample ledger (October 2024) agrees with `zs check quotas` at 2024-10-31."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Zs
from zhaoshang.sample import generate

AS_OF = "2024-10-31"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Zs:
    return Zs(generate(tmp_path_factory.mktemp("sample") / "sample.sqlite"))


@pytest.fixture(scope="module")
def bulletin(sample: Zs) -> dict:
    return json.loads(sample.ok("report", "monthly", "--month", "2024-10", "--format", "json"))


@pytest.fixture(scope="module")
def check(sample: Zs) -> dict:
    result = sample("check", "quotas", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _district(check: dict, code: str) -> dict:
    return next(result for result in check["results"] if result["code"] == code and result["subject"] is None)


def test_the_overall_figures_are_those_of_the_quota_check(bulletin: dict, check: dict):
    assert bulletin["as_of"] == check["as_of"] == AS_OF and bulletin["progress"] == check["progress"]
    overall = {row["code"]: row for row in bulletin["overall"] if row["code"] != "ZS305" and row["code"] != "ZS401"}
    for code in ("ZS101", "ZS102", "ZS103", "ZS104", "ZS105", "ZS301", "ZS302", "ZS303", "ZS304", "ZS402"):
        result = _district(check, code)
        row = overall[code]
        assert (row["year_to_date"], row["target"], row["status"]) == (
            result["actual"],
            result["target"],
            result["status"],
        ), code
    assert overall["ZS101"]["expected"] == _district(check, "ZS101")["expected"]


def test_each_unit_row_is_its_own_quota_result(bulletin: dict, check: dict):
    units = {row["unit"]: row for row in bulletin["units"]}
    per_unit = [result for result in check["results"] if result["code"] in ("ZS101", "ZS102") and result["subject"]]
    assert per_unit, "the sample gives units their own targets"
    for result in per_unit:
        row = units[result["subject"]]
        stage, target = ("signed", "signed_target") if result["code"] == "ZS101" else ("started", "started_target")
        assert (row["year"][stage], row[target]) == (result["actual"], result["target"]), result
    total = units["全区合计"]
    assert total["year"]["signed"] == _district(check, "ZS101")["actual"]
    assert (
        sum(row["period"]["signed"] for row in bulletin["units"] if row["unit"] != "全区合计")
        == total["period"]["signed"]
    )
    boards = [row["board"] for row in bulletin["units"]]
    assert boards.count("red") <= 3 and boards.count("black") <= 3 and "black" in boards


def test_every_trip_shortfall_of_october_is_a_failed_trip_rule(bulletin: dict, check: dict):
    failed = {
        result["subject"]
        for result in check["results"]
        if result["code"] in ("ZS201", "ZS202", "ZS203") and result["period"] == "2024-10" and not result["passed"]
    }
    short = {row["person"] for row in bulletin["trips"] if row["shortfall"]}
    assert failed and short == failed


def test_the_warnings_are_what_zs402_and_zs403_flag(bulletin: dict, check: dict):
    stalled = {
        code
        for result in check["results"]
        if result["code"] == "ZS403" and not result["passed"]
        for code in result["projects"]
    }
    assert {w["project"] for w in bulletin["warnings"] if w["code"] == "ZS403"} == stalled
    without_handler = [w for w in bulletin["warnings"] if w["kind"] == "no_handler"]
    assert len(without_handler) == _district(check, "ZS402")["message"].count("XS2024")
    assert any(w["kind"] == "stalled" for w in bulletin["warnings"])


def test_the_sample_workbook_opens_with_every_project(sample: Zs, bulletin: dict, tmp_path: Path):
    path = tmp_path / "2024年10月通报.xlsx"
    sample.ok("report", "monthly", "--month", "2024-10", "--xlsx", str(path))
    workbook = load_workbook(path, read_only=True)
    codes = [row[0] for row in workbook["项目台账"].iter_rows(min_row=6, values_only=True) if row[0]]
    assert codes == [project["code"] for project in bulletin["projects"]]
    overall = {row[0]: row for row in workbook["总体进度"].iter_rows(min_row=6, values_only=True) if row[0]}
    assert overall["ZS101"][5] == bulletin["overall"][0]["year_to_date"]  # 年累计


def test_the_terminal_bulletin_of_the_sample(sample: Zs):
    output = sample.ok("report", "monthly", "--month", "2024-10")
    assert output.startswith("相山区招商引资工作每月通报　2024年10月\n截至2024年10月31日（序时进度83.33%）")
    for title in ("总体进度", "单位排名", "外出招商", "预警", "项目台账：共"):
        assert title in output
