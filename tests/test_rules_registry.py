"""The rule registry: codes, documentation, duplicate codes, selection by prefix, progress."""

import re
from datetime import date
from fractions import Fraction

import pytest

from zhaoshang.errors import InputError
from zhaoshang.rules import REGISTRY, DuplicateRuleError, Registry, progress
from zhaoshang.rules.results import json_number

ALL_CODES = (
    [f"ZS10{n}" for n in range(1, 6)]
    + ["ZS201", "ZS202", "ZS203"]
    + [f"ZS30{n}" for n in range(1, 7)]
    + [f"ZS40{n}" for n in range(1, 8)]
)


def test_every_rule_of_the_design_is_registered_and_documented():
    assert [rule.code for rule in REGISTRY] == ALL_CODES
    for rule in REGISTRY:
        assert rule.severity in ("error", "warning")
        assert rule.clause.startswith("（") and rule.clause.endswith("）")
        # `zs check explain` shows the docstring to people who read Chinese: what, why, how
        assert [line[:3] for line in rule.doc.splitlines() if line[:3] in ("检查：", "依据：", "计算：")] == [
            "检查：",
            "依据：",
            "计算：",
        ], rule.code
        assert f"依据：{rule.clause}“" in rule.doc, rule.code  # it quotes the opinion's words of the clause it cites
        assert 4 <= len(rule.doc.splitlines()) <= 10, rule.code


def test_rule_docstrings_are_in_chinese():
    # Commands and metric names (in backticks) and rule codes are typed in ASCII; no English prose.
    for rule in REGISTRY:
        prose = re.sub(r"`[^`]*`|ZS\d{3}(\.[a-z_]+)?", "", rule.doc)
        assert re.findall(r"[A-Za-z]{2,}", prose) == [], rule.code


def test_severity_follows_the_opinions_wording():
    # 力争 (strive for) is a warning: ZS103, ZS104, ZS105, ZS305, ZS306; and ZS403–ZS407 are warnings by design.
    warnings = {rule.code for rule in REGISTRY if rule.severity == "warning"}
    assert warnings == {"ZS103", "ZS104", "ZS105", "ZS305", "ZS306", "ZS403", "ZS404", "ZS405", "ZS406", "ZS407"}


def test_registering_a_code_twice_fails_and_keeps_the_first():
    first = REGISTRY.get("ZS101")
    with pytest.raises(DuplicateRuleError, match="ZS101"):

        @REGISTRY.rule("ZS101", "again", "重复", "（四）", "error")
        def again(connection, year, as_of):
            """Why: none. How: none."""
            return []

    assert REGISTRY.get("ZS101") is first


def test_a_fresh_registry_refuses_a_second_rule_under_one_code():
    registry = Registry()

    def one(connection, year, as_of):
        """Checks one thing."""
        return []

    registry.rule("ZS901", "one", "一", "（一）", "error")(one)
    with pytest.raises(DuplicateRuleError):
        registry.rule("ZS901", "two", "二", "（一）", "warning")(one)
    with pytest.raises(ValueError):
        registry.rule("ZS902", "bad", "坏", "（一）", "fatal")(one)
    assert [rule.code for rule in registry] == ["ZS901"]


@pytest.mark.parametrize(
    "select, ignore, expected",
    [
        (None, None, ALL_CODES),
        ("ZS2", None, ["ZS201", "ZS202", "ZS203"]),
        ("ZS2", "ZS203", ["ZS201", "ZS202"]),
        ("ZS201", "ZS2", ["ZS201"]),  # the longer prefix wins
        ("ZS1,ZS201", None, ["ZS101", "ZS102", "ZS103", "ZS104", "ZS105", "ZS201"]),
        (None, "ZS2", [code for code in ALL_CODES if not code.startswith("ZS2")]),
        ("ZS", "ZS4", [code for code in ALL_CODES if not code.startswith("ZS4")]),
        ("ZS1, ZS4", "ZS40", ["ZS101", "ZS102", "ZS103", "ZS104", "ZS105"]),
        ("ZS1,ZS40", "ZS4", [*(f"ZS10{n}" for n in range(1, 6)), *(f"ZS40{n}" for n in range(1, 8))]),
        ("zs101", None, ["ZS101"]),  # lower case is taken
        ("ZS3", "ZS3", []),  # the same prefix in both: ignore wins
        (["ZS305", "ZS306"], ["ZS306"], ["ZS305"]),  # lists as well as text
        ("ZS101,", "", ["ZS101"]),  # empty items are skipped
        ("ZS101，ZS102", None, ["ZS101", "ZS102"]),  # a full-width comma, as a Chinese input method types it
        ("ZS101、ZS2", "ZS203，", ["ZS101", "ZS201", "ZS202"]),  # 、 separates too
        ("ＺＳ１０１, zs3０1", None, ["ZS101", "ZS301"]),  # full-width letters and digits folded
    ],
)
def test_select_and_ignore_by_longest_prefix(select, ignore, expected):
    assert [rule.code for rule in REGISTRY.select(select, ignore)] == expected


@pytest.mark.parametrize(
    "select, ignore", [("ZS9", None), ("XX", None), ("ZS1010", None), (None, "ZS5"), ("ZS1", "ZS1,Z9")]
)
def test_a_prefix_matching_no_rule_is_an_input_error(select, ignore):
    with pytest.raises(InputError, match="不匹配任何规则"):
        REGISTRY.select(select, ignore)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2024, 3, 31), Fraction(1, 4)),  # a month's last day: 3/12
        (date(2024, 2, 15), (1 + Fraction(15, 29)) / 12),  # mid-month in a leap February
        (date(2023, 2, 15), (1 + Fraction(15, 28)) / 12),
        (date(2024, 1, 1), Fraction(1, 31) / 12),
        (date(2024, 12, 31), Fraction(1)),
    ],
)
def test_progress_formula(day, expected):
    assert progress(day) == expected


def test_progress_is_rounded_only_when_written_out():
    # (1 + 15/29) / 12 = 44/348 = 0.126436… → 0.1264
    assert json_number(progress(date(2024, 2, 15)), 4) == 0.1264
    assert json_number(progress(date(2024, 3, 31)), 4) == 0.25
