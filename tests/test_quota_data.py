"""`zs target|indicator|fund|building|meeting`: audited writes, validation, listings."""

import json

import pytest

from conftest import assert_rejected, dump


def _targets(zs, metric):
    return [
        t for t in json.loads(zs.ok("target", "list", "--year", "2024", "--format", "json")) if t["metric"] == metric
    ]


def test_target_set_replaces_the_years_value(zs):
    assert _targets(zs, "ZS101") == [
        {"year": 2024, "metric": "ZS101", "label": "签约亿元以上项目（个）", "unit": None, "value": 117}
    ]
    out = zs.ok("target", "set", "ZS101", "120", "--year", "2024")
    assert "120" in out and "原为 117" in out
    assert [t["value"] for t in _targets(zs, "ZS101")] == [120]


@pytest.mark.parametrize(
    "typed, value, metric, stored",
    [
        ("ZS104", "75%", "ZS104", 0.75),
        ("zs105", "0.8", "ZS105", 0.8),
        ("ZS303", "330亿", "ZS303", 3300000),  # 万元
        ("ZS302", "10%", "ZS302", 10),
        ("ZS304", "38.8个百分点", "ZS304", 38.8),
        ("ZS305.Guidance", "3", "ZS305.guidance", 3),
        ("ZS403.unstarted_days", "120天", "ZS403.unstarted_days", 120),
        ("ZS407.inspection_days", "3660", "ZS407.inspection_days", 3660),  # ten years: the most a threshold takes
    ],
)
def test_target_values_by_metric_kind(zs, typed, value, metric, stored):
    zs.ok("target", "set", typed, value, "--year", "2025")
    listed = json.loads(zs.ok("target", "list", "--year", "2025", "--format", "json"))
    assert [(t["metric"], t["value"]) for t in listed] == [(metric, stored)]


def test_a_unit_target_sits_beside_the_districts(zs):
    zs.ok("target", "set", "ZS101", "30", "--year", "2024", "--unit", "开发区")
    assert [(t["unit"], t["value"]) for t in _targets(zs, "ZS101")] == [(None, 117), ("开发区", 30)]
    # the unit's own ZS101 gives a per-unit result in the check
    report = json.loads(zs("check", "quotas", "--as-of", "2024-03-31", "--select", "ZS101", "--format", "json").stdout)
    assert [(r["subject"], r["target"], r["expected"]) for r in report["results"]] == [
        (None, 117, 29.25),
        ("开发区", 30, 7.5),
    ]


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["ZS104", "1.5"], ["签约项目开工率", "'1.5'", "0 到 1"]),
        (["ZS101", "-1"], ["'-1'"]),
        (["ZS101", "2.5"], ["'2.5'", "整数"]),
        (["ZS101", "很多"], ["'很多'"]),
        (["ZS999", "1"], ["'ZS999'"]),
        (["ZS305", "2"], ["'ZS305'"]),  # it has parts
        (["ZS302", "12", "--unit", "开发区"], ["只有全区目标"]),
        (["ZS101", "12", "--unit", "不存在的单位"], ["不存在的单位"]),
        (["ZS101", "12", "--year", "24"], ["'24'"]),
        # a typo of days would overflow every date the rule adds it to: the nightly check would stop
        (["ZS407.inspection_days", "99999999"], ["开工后现场查看时限", "'99999999'", "3660"]),
        (["ZS406.unrated_days", "3661"], ["'3661'"]),
    ],
)
def test_bad_targets_are_rejected_and_nothing_is_written(zs, args, fragments):
    before = dump(zs.db)
    if "--year" not in args:
        args = [*args, "--year", "2024"]
    assert_rejected(zs("target", "set", *args), *fragments)
    assert dump(zs.db) == before


def test_indicator_set_and_list(zs):
    zs.ok("indicator", "set", "output", "80亿", "--month", "2024-03")
    zs.ok("indicator", "set", "规上制造业增加值增速", "-2.5%", "--month", "2024年3月")
    zs.ok("indicator", "set", "output", "81亿", "--month", "2024-03")  # a correction replaces the figure
    listed = json.loads(zs.ok("indicator", "list", "--format", "json"))
    assert [(i["month"], i["metric"], i["value"]) for i in listed] == [
        ("2024-03", "output", 810000),
        ("2024-03", "value_added_growth", -2.5),
    ]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["gdp", "1", "--month", "2024-03"], "'gdp'"),
        (["output", "1亿", "--month", "2024-13"], "'2024-13'"),
        (["new_enterprises", "3.5", "--month", "2024-03"], "'3.5'"),
        (["output", "多", "--month", "2024-03"], "'多'"),
    ],
)
def test_bad_indicators_are_rejected(zs, args, fragment):
    before = dump(zs.db)
    assert_rejected(zs("indicator", "set", *args), fragment)
    assert dump(zs.db) == before


def test_funds(zs):
    zs.ok(
        "fund",
        "add",
        "相山产业引导基金",
        "--kind",
        "产业引导基金",
        "--on",
        "2024/2/1",
        "--unit",
        "相山城投",
        "--amount",
        "5亿",
    )
    zs.ok("fund", "add", "相山天使基金", "--kind", "angel", "--on", "2024-05-01")
    listed = json.loads(zs.ok("fund", "list", "--format", "json"))
    assert [(f["name"], f["kind"], f["set_up_on"], f["unit"], f["amount"]) for f in listed] == [
        ("相山产业引导基金", "guidance", "2024-02-01", "相山城投", 50000),
        ("相山天使基金", "angel", "2024-05-01", None, None),
    ]
    before = dump(zs.db)
    assert_rejected(zs("fund", "add", "相山天使基金", "--kind", "angel", "--on", "2024-06-01"), "已登记")
    assert_rejected(zs("fund", "add", "另一支", "--kind", "风投", "--on", "2024-06-01"), "'风投'")
    assert dump(zs.db) == before


def test_buildings_belong_to_towns_and_streets(zs):
    zs.ok("building", "set", "金融大厦", "--unit", "渠沟镇", "--year", "2024", "--revenue", "1.2亿", "--tax", "1000万")
    zs.ok(
        "building", "set", "金融大厦", "--unit", "渠沟镇", "--year", "2024", "--revenue", "1.5亿", "--tax", "0"
    )  # corrected
    assert json.loads(zs.ok("building", "list", "--format", "json")) == [
        {"name": "金融大厦", "unit": "渠沟镇", "year": 2024, "revenue": 15000, "tax": 0}
    ]
    before = dump(zs.db)
    assert_rejected(
        zs("building", "set", "科创中心", "--unit", "开发区", "--year", "2024", "--revenue", "2亿", "--tax", "1亿"),
        "开发区",
        "镇、街道",
    )
    assert dump(zs.db) == before


def test_meetings(zs):
    zs.ok("meeting", "add", "--kind", "调度会", "--on", "2024-03-05", "--title", "三月招商调度会")
    zs.ok("meeting", "add", "--kind", "project", "--on", "2024-03-20")
    assert json.loads(zs.ok("meeting", "list", "--year", "2024", "--format", "json")) == [
        {"held_on": "2024-03-05", "kind": "dispatch", "title": "三月招商调度会"},
        {"held_on": "2024-03-20", "kind": "project", "title": None},
    ]
    assert_rejected(zs("meeting", "add", "--kind", "座谈会", "--on", "2024-03-20"), "'座谈会'")


def test_every_write_is_audited_with_a_chinese_label(zs):
    zs.ok("target", "set", "ZS101", "120", "--year", "2024")
    zs.ok("indicator", "set", "output", "80亿", "--month", "2024-03")
    zs.ok("fund", "add", "天使基金一号", "--kind", "天使基金", "--on", "2024-05-01")
    zs.ok("building", "set", "金融大厦", "--unit", "渠沟镇", "--year", "2024", "--revenue", "1亿", "--tax", "1000万")
    zs.ok("meeting", "add", "--kind", "推进会", "--on", "2024-03-20")
    entries = json.loads(zs.ok("audit", "log", "--format", "json"))[1:]
    assert [(e["action"], e["action_label"]) for e in entries] == [
        ("target.set", "设定目标"),
        ("indicator.set", "登记统计指标"),
        ("fund.add", "登记基金"),
        ("building.set", "登记总部经济楼宇"),
        ("meeting.add", "登记会议"),
    ]
    assert "审计核对通过" in zs.ok("audit", "verify")
