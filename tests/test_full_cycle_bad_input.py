"""Bad input to the full-cycle commands (design §5.4): exit 2, a Chinese message naming the field and
the value with a hint, and the ledger byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Zs, assert_rejected, dump


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Zs:
    """P0 a lead; P1 signed 2024-03-01, started 2024-04-01; P2 terminated 2024-05-01. Problem #1 raised
    2024-04-10, #2 solved. Request #1 open (区人社局, received 2024-04-01), #2 rated 满意 on 2024-04-15,
    #3 resolved 2024-04-12 and not rated."""
    zs = Zs(Path(tmp_path_factory.mktemp("bad")) / "ledger.sqlite")
    zs.ok("init")
    zs.ok("project", "add", "在谈项目", "--code", "P0", "--unit", "开发区", "--amount", "1亿")
    zs.ok("project", "add", "甲项目", "--code", "P1", "--unit", "开发区", "--amount", "2亿", "--signed", "2024-03-01",
          "--started", "2024-04-01")  # fmt: skip
    zs.ok("project", "add", "乙项目", "--code", "P2", "--unit", "开发区", "--amount", "2亿", "--signed", "2024-03-01")
    zs.ok("project", "terminate", "P2", "--reason", "撤资", "--on", "2024-05-01")
    zs.ok(
        "problem", "add", "P1", "--text", "电力增容", "--unit", "区发改委", "--due", "2024-05-01", "--on", "2024-04-10"
    )
    zs.ok("problem", "add", "P1", "--text", "用地", "--unit", "区发改委", "--due", "2024-05-01", "--on", "2024-04-10")
    zs.ok("problem", "resolve", "2", "--on", "2024-04-20")
    for due in ("2024-04-20", "2024-04-30", "2024-04-30"):
        zs.ok("request", "add", "--enterprise", "甲公司", "--text", "人才公寓", "--unit", "区人社局", "--due", due,
              "--received", "2024-04-01")  # fmt: skip
    zs.ok("request", "resolve", "2", "--on", "2024-04-10")
    zs.ok("request", "rate", "2", "满意", "--on", "2024-04-15")
    zs.ok("request", "resolve", "3", "--on", "2024-04-12")
    return zs


INVEST = ("project", "invest")
INSPECT = ("project", "inspect", "P1", "--by", "王敏")
PROBLEM = ("problem", "add", "P1", "--text", "电力增容", "--unit", "区发改委")
REQUEST = ("request", "add", "--enterprise", "甲公司", "--text", "用电报装", "--unit", "区发改委")


@pytest.mark.parametrize(
    "args, fragments",
    [
        # monthly investment
        ((*INVEST, "P0", "--month", "2024-05", "--amount", "100"), ["项目：'P0' 尚未签约", "zs project advance P0 signed"]),
        ((*INVEST, "P1", "--month", "2024-02", "--amount", "100"), ["月份（--month）：'2024-02' 早于项目签约的月份 2024-03"]),
        ((*INVEST, "P2", "--month", "2024-06", "--amount", "100"), ["月份（--month）：'2024-06' 在项目终止（2024-05-01）之后"]),
        ((*INVEST, "P1", "--month", "2024-13", "--amount", "100"), ["月份（--month）", "'2024-13'", "2024-03"]),
        ((*INVEST, "P1", "--month", "2024-05", "--amount", "三千万"), ["完成投资（--amount）", "'三千万'", "1.2亿"]),
        ((*INVEST, "P1", "--month", "2024-05", "--amount", "0.00001"), ["完成投资（--amount）", "精确到元以下"]),
        ((*INVEST, "P9", "--month", "2024-05", "--amount", "100"), ["项目编号：'P9' 不存在", "zs project list"]),
        # on-site inspections
        ((*INSPECT, "--on", "2024-03-15", "--result", "属实"), ["查看日期（--on）：'2024-03-15' 早于项目开工日期 2024-04-01"]),
        (("project", "inspect", "P0", "--on", "2024-05-01", "--by", "王敏", "--result", "属实"), ["项目：'P0' 尚未开工"]),
        ((*INSPECT, "--on", "2024-05-01", "--result", "真的"), ["查看结果（--result）：'真的'", "属实", "不属实"]),
        (("project", "inspect", "P1", "--on", "2024-05-01", "--by", " ", "--result", "属实"), ["查看人员（--by）：不能为空"]),
        ((*INSPECT, "--on", "2024/2/30", "--result", "属实"), ["查看日期（--on）", "2024年2月没有30日"]),
        # problems
        ((*PROBLEM, "--due", "2024-04-01", "--on", "2024-04-05"), ["办结时限（--due）：'2024-04-01' 早于提出日期 2024-04-05"]),
        (("problem", "add", "P1", "--text", "x", "--unit", "发改", "--due", "2024-05-01", "--on", "2024-04-01"), ["责任单位（--unit）：'发改' 不存在", "区发改委"]),
        (("problem", "add", "P1", "--text", "\u200b", "--unit", "区发改委", "--due", "2024-05-01"), ["问题（--text）：不能为空"]),
        ((*PROBLEM[:2], "P2", *PROBLEM[3:], "--due", "2024-06-01", "--on", "2024-05-02"), ["项目：'P2' 已于 2024-05-01 终止"]),
        (("problem", "resolve", "1", "--on", "2024-04-01"), ["解决日期（--on）：'2024-04-01' 早于问题 #1 的提出日期 2024-04-10"]),
        (("problem", "resolve", "#9", "--on", "2024-05-01"), ["问题编号：'#9' 不存在", "zs problem list"]),
        (("problem", "resolve", "一", "--on", "2024-05-01"), ["问题编号：'一' 不是有效编号"]),
        (("problem", "resolve", "2", "--on", "2024-05-01"), ["问题编号：'#2' 已于 2024-04-20 解决"]),
        (("problem", "list", "--as-of", "昨天"), ["日期（--as-of）：'昨天' 不是有效日期"]),
        (("problem", "list", "--project", "P9"), ["项目编号：'P9' 不存在"]),
        # enterprise requests
        ((*REQUEST, "--due", "2024-03-31", "--received", "2024-04-01"), ["办结时限（--due）：'2024-03-31' 早于受理日期 2024-04-01"]),
        (("request", "add", "--enterprise", "", "--text", "x", "--unit", "区发改委", "--due", "2024-05-01"), ["企业（--enterprise）：不能为空"]),
        (("request", "rate", "1", "满意"), ["诉求编号：'#1' 尚未办结，不能评价", "zs request resolve 1"]),
        (("request", "rate", "3", "不满意"), ["办结时限（--due）：评价为不满意须重办，必须给出新的办结时限"]),
        (("request", "rate", "3", "满意", "--due", "2024-06-01"), ["办结时限（--due）：评价为满意的诉求已闭环"]),
        (("request", "rate", "3", "满意", "--on", "2024-04-11"), ["评价日期（--on）：'2024-04-11' 早于诉求 #3 的办结日期 2024-04-12"]),
        (("request", "rate", "3", "不满意", "--due", "2024-04-20", "--on", "2024-04-25"), ["办结时限（--due）：'2024-04-20' 早于评价日期 2024-04-25"]),
        (("request", "rate", "2", "满意"), ["诉求编号：'#2' 已于 2024-04-15 评价为满意"]),
        (("request", "rate", "3", "还行"), ["满意度：'还行' 不是可用的取值", "基本满意"]),
        (("request", "assign", "1", "--unit", "区人社局"), ["责任单位（--unit）：诉求 #1 已由 区人社局 办理"]),
        (("request", "assign", "2", "--unit", "区住建局"), ["诉求编号：'#2' 已于 2024-04-10 办结，不能转办", "不满意"]),
        (("request", "assign", "1", "--unit", "区住建局", "--due", "2024-03-01"), ["办结时限（--due）：'2024-03-01' 早于受理日期"]),
        (("request", "resolve", "1", "--on", "2024-03-31"), ["办结日期（--on）：'2024-03-31' 早于诉求 #1 的受理日期 2024-04-01"]),
        (("request", "resolve", "3", "--on", "2024-05-01"), ["诉求编号：'#3' 已于 2024-04-12 办结"]),
        (("request", "resolve", "0", "--on", "2024-05-01"), ["诉求编号：'0' 应不小于 1"]),
        (("request", "list", "--format", "xml"), ["输出格式（--format）：'xml' 不可用"]),
        # the thresholds are targets
        (("target", "set", "ZS406.unrated_days", "-1", "--year", "2024"), ["诉求办结后未评价预警天数（VALUE）"]),
        (("target", "set", "ZS407.days", "30", "--year", "2024"), ["指标（METRIC）：'ZS407.days'", "ZS407.inspection_days"]),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_written(ledger: Zs, args: tuple, fragments: list[str]):
    before = dump(ledger.db)
    result = ledger(*args)
    assert_rejected(result, *fragments)
    assert "提示：" in result.stderr
    assert dump(ledger.db) == before
