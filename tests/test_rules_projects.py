"""ZS101–ZS105 and ZS402–ZS404 on small inline ledgers; every figure worked out by hand."""

from fractions import Fraction

import pytest

from test_rules_support import book, seeded_ledger  # noqa: F401  (fixtures)
from zhaoshang.rules.projects import name_key, names_alike
from zhaoshang.services.projects import set_status


@pytest.fixture
def signings(book):  # noqa: F811
    """Projects around the edges of ZS101 (as of 2024-03-31 it counts A and F)."""
    book.project("A 恰好一亿", amount="10000万", signed="2024-02-10")  # exactly 10,000万: counts
    book.project("B 差一万", amount="9999万", signed="2024-02-11")  # 9,999万: does not
    book.project("C 去年签约", amount="1亿", signed="2023-12-31")  # previous year
    book.project("D 四月签约", amount="2亿", signed="2024-04-01")  # after 2024-03-31
    book.project("E 已终止", amount="3亿", signed="2024-03-01", terminated="2024-03-15")  # terminated: not counted
    book.project("F 当天签约", amount="1.5亿", signed="2024-03-31")  # on as_of
    book.target("ZS101", "8")
    return book


def test_zs101_counts_major_projects_signed_up_to_as_of(signings):
    result = signings.result("ZS101", "2024-03-31")
    # A and F; target 8 × progress 3/12 = 2 → exactly on progress
    assert (result.actual, result.target, result.expected) == (2, 8, 2)
    assert result.status == "on_track" and result.passed
    assert result.to_json()["expected"] == 2


def test_zs101_behind_progress_mid_month(signings):
    result = signings.result("ZS101", "2024-03-30")
    # F is not yet signed: 1 project; expected = 8 × (2 + 30/31)/12 = 8 × 92/372 = 1.978…
    assert result.actual == 1
    assert result.expected == 8 * (2 + Fraction(30, 31)) / 12
    assert result.to_json()["expected"] == 1.98
    assert result.status == "behind" and not result.passed
    assert "落后序时" in result.message


def test_zs101_at_year_end_is_met_or_missed(signings):
    # by 2024-12-31: A, D, F = 3
    assert signings.result("ZS101", "2024-12-31").status == "missed"
    signings.target("ZS101", "3")
    year_end = signings.result("ZS101", "2024-12-31")
    assert (year_end.actual, year_end.status) == (3, "met")


def test_zs101_per_unit_result_for_a_unit_with_its_own_target(signings):
    signings.project("G 渠沟镇项目", amount="1亿", unit="渠沟镇", signed="2024-03-01")
    signings.target("ZS101", "4", unit="开发区")
    results = signings.results("ZS101", "2024-03-31")
    assert [r.subject for r in results] == [None, "开发区"]  # 渠沟镇 has no own target: no result
    district, zone = results
    assert district.actual == 3  # A, F, G
    # 开发区: A and F; 4 × 3/12 = 1 expected
    assert (zone.actual, zone.target, zone.expected, zone.status) == (2, 4, 1, "on_track")


@pytest.fixture
def starts(book):  # noqa: F811
    """Projects for ZS102, ZS104 and ZS105, as of 2024-03-31."""
    book.project("P1 去年签约今年开工", amount="1亿", signed="2023-11-01", started="2024-01-15", included="2024-03-10")
    book.project("P2 今年签约今年开工", amount="2亿", signed="2024-01-10", started="2024-02-01")
    book.project("P3 今年签约四月开工", amount="1亿", signed="2024-01-20", started="2024-04-10")
    book.project("P4 去年开工", amount="1亿", signed="2023-05-01", started="2023-06-01")
    book.project("P5 不足一亿", amount="9999万", signed="2024-01-05", started="2024-03-01")
    book.project("P6 已终止", amount="5亿", signed="2024-02-01", started="2024-02-15", terminated="2024-03-01")
    return book


def test_zs102_counts_starts_of_the_year_whatever_the_signing_year(starts):
    result = starts.result("ZS102", "2024-03-31")
    assert result.actual == 2  # P1 (signed 2023) and P2; not P3 (April), P4 (2023), P5 (small), P6 (terminated)
    assert result.expected == Fraction(79, 4)  # 79 × 3/12 = 19.75
    assert result.status == "behind"


def test_zs104_cohort_is_what_zs101_counts(starts):
    assert starts.result("ZS101", "2024-03-31").actual == 2  # P2, P3
    result = starts.result("ZS104", "2024-03-31")
    # cohort P2, P3 (P1 was signed last year); started by 03-31: P2 → 1/2
    assert result.facts == {"cohort": 2, "reached": 1, "duplicates": 0}
    assert result.actual == Fraction(1, 2)
    assert result.to_json()["actual"] == 0.5
    assert result.status == "behind" and result.severity == "warning"
    # by 2024-04-30 P3 has started too: 2/2
    assert starts.result("ZS104", "2024-04-30").status == "met"


def test_zs105_cohort_is_what_zs102_counts(starts):
    result = starts.result("ZS105", "2024-03-31")
    # cohort P1, P2; included by 03-31: P1 → 1/2 < 0.80
    assert result.facts == {"cohort": 2, "reached": 1, "duplicates": 0}
    assert result.actual == Fraction(1, 2) and result.status == "behind"
    # before P1's inclusion (2024-03-10) and after both starts: 0/2
    assert starts.result("ZS105", "2024-03-09").actual == 0


def test_a_rate_with_an_empty_cohort_is_no_data_and_does_not_fail(book):  # noqa: F811
    book.project("去年签约", amount="1亿", signed="2023-06-01")
    for code in ("ZS104", "ZS105"):
        result = book.result(code, "2024-03-31")
        assert result.status == "no_data" and result.passed
        assert result.to_json()["actual"] is None
        assert "无数据" in result.message


@pytest.mark.parametrize("signed, started, expected_percent", [(46, 43, "93.5"), (52, 39, "75.0")])
def test_start_rate_reproduces_published_bulletins(book, signed, started, expected_percent):  # noqa: F811
    # 43/46 = 0.93478… → 93.5%; 39/52 = 0.75 → 75.0%
    book.projects(started, signed="2024-02-01", started="2024-03-01")
    book.projects(signed - started, signed="2024-02-01")
    result = book.result("ZS104", "2024-06-30")
    assert result.facts == {"cohort": signed, "reached": started, "duplicates": 0}
    assert f"{result.to_json()['actual'] * 100:.1f}" == expected_percent
    assert f"开工率{expected_percent}%" in result.message
    assert result.status == "met"  # both reach 75%


def test_zs103_a_mega_project_does_not_fail_before_year_end(book):  # noqa: F811
    book.project("大项目差一点", amount="499999万", signed="2024-02-01")
    result = book.result("ZS103", "2024-06-30")
    assert (result.actual, result.status, result.passed, result.expected) == (0, "in_progress", True, None)
    assert book.result("ZS103", "2024-12-31").status == "missed"
    book.project("五十亿项目", amount="50亿", signed="2024-05-01")
    assert book.result("ZS103", "2024-06-30").status == "met"


def test_zs402_every_signed_project_until_it_produces_has_a_handler(book):  # noqa: F811
    book.person("张三", "head", unit="开发区")
    book.project("有专人", signed="2024-01-10", handler="张三")
    missing = book.project("无专人", signed="2024-01-11")
    book.project("在谈无专人")  # not signed: not counted
    book.project("终止无专人", signed="2024-01-12", terminated="2024-02-01")
    book.project("已投产无专人", signed="2023-01-12", started="2023-03-01", producing="2024-01-01")
    result = book.result("ZS402", "2024-03-31")
    assert result.actual == Fraction(1, 2)
    assert [p["code"] for p in result.facts["projects"]] == [missing]
    assert missing in result.message and "在谈无专人" not in result.message
    assert result.status == "behind" and result.severity == "error"


def test_zs403_stalled_projects_with_the_days_they_waited(book):  # noqa: F811
    # as of 2024-07-01: 2024-01-02 is 181 days before, 2024-01-03 is 180; 2024-04-01 is 91, 2024-04-02 is 90
    unstarted = book.project("签约181天未开工", signed="2024-01-02")
    book.project("签约180天未开工", signed="2024-01-03")
    unincluded = book.project("开工91天未纳统", signed="2024-03-01", started="2024-04-01")
    book.project("开工90天未纳统", signed="2024-03-01", started="2024-04-02")
    book.project("已纳统", signed="2024-01-01", started="2024-03-01", included="2024-05-01")
    book.project("已终止", signed="2023-01-01", terminated="2023-06-01")
    results = book.results("ZS403", "2024-07-01")
    # subject: the responsible unit; the project's code under `projects` (design §5.1)
    assert [(r.subject, r.to_json()["projects"], r.actual, r.target, r.facts["waiting"]) for r in results] == [
        ("开发区", [unstarted], 181, 180, "unstarted"),
        ("开发区", [unincluded], 91, 90, "unincluded"),
    ]
    assert all(r.status == "behind" and r.severity == "warning" for r in results)
    assert "已181天" in results[0].message


def test_zs403_none_stalled_is_one_met_result(book):  # noqa: F811
    book.project("刚签约", signed="2024-06-01")
    [result] = book.results("ZS403", "2024-07-01")
    assert (result.subject, result.status, result.to_json()["projects"]) == (None, "met", [])


@pytest.mark.parametrize(
    "first, second, alike",
    [
        ("新能源电池项目", "新能源电池", True),  # suffix 项目 dropped
        ("新能源电池项目", "（新能源）电池 项目", True),  # punctuation and spaces dropped
        ("ＡＢＣ新材料项目", "abc新材料", True),  # full-width folded, case ignored
        ("智能装备产业园", "智能装备产业园区项目", True),  # one inside the other
        ("众诚电池项目", "众诚电池生产基地项目", True),  # 众诚电池 (4 characters) inside the other
        ("年产10万吨新材料项目一期", "年产10万吨新材料项目二期", False),  # two phases
        # a later phase is another project: a phase against none is not alike …
        ("众诚集团新能源电池项目", "众诚集团新能源电池二期项目", False),
        ("智能装备产业园", "智能装备产业园二期项目", False),
        ("丙新材料产业园", "丙新材料产业园（一期）", False),
        ("众诚电池二期项目", "众诚电池三期项目", False),
        ("众诚电池2期", "众诚电池第3期", False),
        # … while the same phase, however written, is still alike
        ("众诚集团新能源电池二期项目", "众诚集团新能源电池二期项目", True),
        ("众诚电池（二期）", "众诚电池项目2期", True),  # 二 = 2; the phase may stand anywhere
        ("众诚电池第十二期", "众诚电池１２期项目", True),  # 十二 = 12, full-width digits folded
        ("众诚电池二期", "众诚电池生产基地二期项目", True),  # same phase, one name inside the other
        ("电池项目", "锂电池材料", False),  # 电池 is too short to count as contained
        ("汽车零部件", "新能源电池", False),
    ],
)
def test_alike_names(first, second, alike):
    assert names_alike(first, second) is alike
    assert names_alike(second, first) is alike


def test_name_key_strips_stacked_suffixes():
    assert name_key("新能源电池生产线建设项目") == "新能源电池生产线"


def test_two_phases_of_one_investor_are_both_counted(book):  # noqa: F811
    # 众诚集团's first phase and second phase: two projects, not one signed twice
    book.project("众诚集团新能源电池项目", amount="5亿", signed="2024-01-10", investor="众诚集团")
    book.project("众诚集团新能源电池二期项目", amount="3亿", signed="2024-03-01", investor="众诚集团")
    result = book.result("ZS101", "2024-03-31")
    assert (result.actual, result.facts) == (2, {"duplicates": 0})
    assert book.result("ZS404", "2024-03-31").status == "met"


def test_zs404_the_same_project_signed_twice(book):  # noqa: F811
    first = book.project("新能源电池项目", signed="2023-06-01", investor="甲公司")
    second = book.project("新能源 电池", signed="2024-03-01", investor=" 甲公司")
    book.project("年产10万吨新材料项目一期", signed="2024-01-01", investor="乙公司")
    book.project("年产10万吨新材料项目二期", signed="2024-02-01", investor="乙公司")
    book.project("智能装备产业园", signed="2024-01-01", investor="丙公司")
    book.project("智能装备产业园", signed="2024-02-01", investor="丁公司")  # another investor
    book.project("汽车零部件项目", signed="2024-01-01", investor="戊公司")
    book.project("汽车零部件", signed="2024-02-01", investor="戊公司", terminated="2024-02-15")  # terminated
    book.project("老项目", signed="2022-01-01", investor="己公司")
    book.project("老项目", signed="2023-01-01", investor="己公司")  # neither signing in 2024
    results = book.results("ZS404", "2024-03-31")
    # subject: the unit of the earliest signing; the codes, in signing order, under `projects` (design §5.1)
    assert [(r.subject, r.to_json()["projects"], r.actual, r.status) for r in results] == [
        ("开发区", [first, second], 2, "behind")
    ]
    assert "按一个项目计入开发区" in results[0].message
    assert f"zs project merge {first} {second}" in results[0].message


def test_zs404_none_is_one_met_result(book):  # noqa: F811
    book.project("新能源电池项目", signed="2024-01-01", investor="甲公司")
    [result] = book.results("ZS404", "2024-03-31")
    assert (result.subject, result.status, result.to_json()["projects"]) == (None, "met", [])


# --- a project signed twice is counted once in ZS101–ZS105 (（十六） 避免包装项目) -------------


def test_zs101_counts_two_alike_signings_of_one_investor_once(book):  # noqa: F811
    first = book.project("新能源电池项目", amount="2亿", signed="2024-02-01", investor="甲公司")
    book.project("新能源电池", amount="2亿", signed="2024-03-01", investor="甲公司")  # the same, signed again
    book.project("汽车零部件项目", amount="1亿", signed="2024-03-05", investor="乙公司")
    result = book.result("ZS101", "2024-03-31")
    # three signings, the second of 甲公司's is left out: 2
    assert (result.actual, result.facts) == (2, {"duplicates": 1})
    assert result.message.startswith("完成2个（已剔除重复签约1个），年度目标117个")
    # ZS404 still flags the pair, the earliest signing first
    [flag] = book.results("ZS404", "2024-03-31")
    assert flag.status == "behind" and flag.to_json()["projects"][0] == first


def test_the_same_name_signed_by_different_investors_counts_twice(book):  # noqa: F811
    book.project("智能装备产业园", signed="2024-01-10", investor="丙公司")
    book.project("智能装备产业园", signed="2024-02-10", investor="丁公司")
    result = book.result("ZS101", "2024-03-31")
    assert (result.actual, result.facts) == (2, {"duplicates": 0})
    assert "剔除" not in result.message
    assert book.result("ZS404", "2024-03-31").status == "met"


def test_a_duplicate_signed_in_another_unit_is_counted_by_the_unit_that_signed_first(book):  # noqa: F811
    book.project("丙新材料产业园", unit="开发区", signed="2024-01-15", started="2024-02-01", investor="丙公司")
    book.project("丙新材料产业园项目", unit="渠沟镇", signed="2024-02-20", started="2024-03-01", investor="丙公司")
    book.project("渠沟镇自有项目", unit="渠沟镇", signed="2024-03-10", investor="戊公司")
    book.target("ZS101", "4", unit="开发区")
    book.target("ZS101", "4", unit="渠沟镇")
    book.target("ZS104", "0.75", unit="渠沟镇")
    results = {r.subject: r for r in book.results("ZS101", "2024-03-31")}
    district, zone, town = results[None], results["开发区"], results["渠沟镇"]
    # 开发区 signed first: its signing counts; 渠沟镇's later signing of the same project does not
    assert (zone.actual, zone.facts["duplicates"]) == (1, 0)
    assert (town.actual, town.facts["duplicates"]) == (1, 1)  # only 渠沟镇自有项目
    assert "已剔除重复签约1个" in town.message and "剔除" not in zone.message
    assert (district.actual, district.facts["duplicates"]) == (2, 1)  # 丙新材料产业园, 渠沟镇自有项目
    # 渠沟镇's start-rate cohort is its own project alone, not started: 0 of 1
    town_rate = book.result("ZS104", "2024-03-31", "渠沟镇")
    assert town_rate.facts == {"cohort": 1, "reached": 0, "duplicates": 1}
    assert town_rate.message.startswith("2024年签约亿元以上项目1个（已剔除重复签约1个），已开工0个")
    # ZS102 counts the project's start once too: 开发区's (1 February), not 渠沟镇's (1 March)
    assert book.result("ZS102", "2024-03-31").actual == 1


def test_a_resigning_of_last_years_project_is_left_out_and_a_tie_keeps_the_first_entered(book):  # noqa: F811
    last_year = book.project("光伏组件项目", signed="2023-11-01", investor="己公司")  # counted in 2023
    again = book.project("光伏组件", signed="2024-01-20", investor="己公司")  # signed again in 2024
    kept = book.project("储能电站项目", signed="2024-02-02", investor="庚公司")
    twin = book.project("储能电站", signed="2024-02-02", investor="庚公司")  # the same day, entered later
    result = book.result("ZS101", "2024-03-31")
    # 2024 signings: 光伏组件, 储能电站项目, 储能电站; the first and the last are later signings: 1 counted
    assert (result.actual, result.facts["duplicates"]) == (1, 2)
    assert sorted(r.to_json()["projects"] for r in book.results("ZS404", "2024-03-31")) == sorted(
        [[last_year, again], [kept, twin]]
    )
    # the bureau terminates the old entry before the new signing: the 2024 signing now counts on its own
    set_status(book.ledger, "测试员", last_year, "terminated", "与2024年签约合并", "2024-01-19")
    assert book.result("ZS101", "2024-03-31").actual == 2
