"""ZS301–ZS306 and ZS401 on small inline ledgers; every figure worked out by hand."""

from decimal import Decimal

from test_rules_support import book, seeded_ledger  # noqa: F401  (fixtures)


def test_zs301_latest_month_no_later_than_as_of_against_that_months_share(book):  # noqa: F811
    book.indicator("new_enterprises", "4", "2024-03")
    book.indicator("new_enterprises", "6", "2024-04")
    march = book.result("ZS301", "2024-03-31")
    # April's figure is later than March: March's 4 against 20 × 3/12 = 5
    assert (march.period, march.actual, march.expected, march.status) == ("2024-03", 4, 5, "behind")
    april = book.result("ZS301", "2024-05-20")
    # April's 6 against 20 × 4/12 = 6.67 (the figure covers January–April)
    assert (april.period, april.actual, april.to_json()["expected"], april.status) == ("2024-04", 6, 6.67, "behind")
    book.indicator("new_enterprises", "7", "2024-04")  # a correction replaces the figure
    assert book.result("ZS301", "2024-05-20").status == "on_track"


def test_zs303_output_in_wan_on_progress(book):  # noqa: F811
    book.indicator("output", "110亿", "2024-04")
    result = book.result("ZS303", "2024-04-30")
    # 110亿 = 1,100,000万 against 3,300,000 × 4/12 = 1,100,000
    assert (result.actual, result.expected, result.status) == (1_100_000, 1_100_000, "on_track")
    assert result.to_json()["actual"] == 1100000 and result.severity == "error"


def test_zs302_growth_is_judged_as_it_stands(book):  # noqa: F811
    book.indicator("value_added_growth", "9.5%", "2024-03")
    result = book.result("ZS302", "2024-03-31")
    assert (result.actual, result.target, result.expected, result.status) == (Decimal("9.5"), 10, None, "behind")
    book.indicator("value_added_growth", "10", "2024-06")
    assert book.result("ZS302", "2024-06-30").status == "met"
    book.indicator("value_added_growth", "9.9", "2024-12")  # December's figure is the year's
    assert book.result("ZS302", "2024-12-31").status == "missed"


def test_an_indicator_without_a_figure_this_year_is_no_data(book):  # noqa: F811
    book.indicator("investment_pull", "40", "2023-12")  # last year's
    # 1–2月 comes out around 20 March: by April its absence is a gap (before April: in progress, design §5.1)
    result = book.result("ZS304", "2024-04-30")
    assert (result.status, result.passed, result.actual) == ("no_data", True, None)


def test_zs305_funds_per_kind_by_year_end(book):  # noqa: F811
    book.fund("去年的引导基金", "guidance", "2023-12-01")
    book.fund("相山产业引导基金", "产业引导基金", "2024-02-01")
    guidance = book.result("ZS305", "2024-06-30", title="组建产业引导基金")
    angel = book.result("ZS305", "2024-06-30", title="组建天使基金")
    assert (guidance.actual, guidance.target, guidance.status) == (1, 2, "in_progress")  # last year's not counted
    assert (angel.actual, angel.target, angel.status) == (0, 1, "in_progress")
    book.fund("第二支引导基金", "guidance", "2024-11-01")
    assert book.result("ZS305", "2024-12-31", title="组建产业引导基金").status == "met"
    assert book.result("ZS305", "2024-12-31", title="组建天使基金").status == "missed"


def test_zs306_one_qualifying_building_per_town_and_street(book):  # noqa: F811
    book.unit("东城街道", "street")
    book.building("金融大厦", "渠沟镇", revenue="1亿", tax="1000万")  # exactly 亿元 and 千万元: qualifies
    book.building("商务中心", "东城街道", revenue="9999万", tax="2000万")  # revenue short by 1万
    book.building("旧楼", "东城街道", revenue="5亿", tax="5000万", year=2023)  # last year's figures
    results = {r.subject: (r.actual, r.target, r.status) for r in book.results("ZS306", "2024-06-30")}
    assert results == {"渠沟镇": (1, 1, "met"), "东城街道": (0, 1, "in_progress")}
    assert book.result("ZS306", "2024-12-31", "东城街道").status == "missed"


def test_zs401_both_meetings_every_finished_month(book):  # noqa: F811
    book.meeting("调度会", "2024-01-10")
    book.meeting("推进会", "2024-01-20")
    book.meeting("dispatch", "2024-02-05")
    book.meeting("project", "2024-03-05")
    results = {(r.period, r.metric): r.status for r in book.results("ZS401", "2024-03-15")}
    assert results == {
        ("2024-01", "ZS401.dispatch"): "met",
        ("2024-01", "ZS401.project"): "met",
        ("2024-02", "ZS401.dispatch"): "met",
        ("2024-02", "ZS401.project"): "missed",  # no project meeting in February
        ("2024-03", "ZS401.dispatch"): "in_progress",  # March is not over
        ("2024-03", "ZS401.project"): "met",
    }


# --- judged at the data month (design §5.1) ----------------------------------------------------


def test_january_and_february_come_as_one_figure_stored_as_february(book):  # noqa: F811
    book.indicator("output", "50亿", "2024-02")
    result = book.result("ZS303", "2024-03-31")
    # 500,000万 against 3,300,000 × 2/12 = 550,000: behind, judged at its own month
    assert (result.period, result.actual, result.expected, result.status) == ("2024-02", 500_000, 550_000, "behind")
    assert result.message.startswith("规上工业总产值1–2月累计")


def test_before_the_first_figure_is_due_none_is_in_progress(book):  # noqa: F811
    # 1–2月 comes out around 20 March: through March, no figure is not yet a gap
    march = book.result("ZS301", "2024-03-31")
    assert (march.status, march.passed) == ("in_progress", True)
    assert book.result("ZS301", "2024-04-01").status == "no_data"


def test_a_figure_more_than_two_months_old_is_stale(book):  # noqa: F811
    book.indicator("new_enterprises", "9", "2024-04")
    # July − April = 3 months: stale, named; June − April = 2: still judged (9 ≥ 20 × 4/12 = 6.67)
    stale = book.result("ZS301", "2024-07-31")
    assert (stale.status, stale.passed, stale.period) == ("no_data", True, "2024-04")
    assert "数据只到2024年4月" in stale.message
    assert book.result("ZS301", "2024-06-30").status == "on_track"


def test_a_year_ends_in_progress_without_december_and_never_met(book):  # noqa: F811
    book.indicator("output", "400亿", "2024-10")  # above the year's 330亿 already
    year_end = book.result("ZS303", "2024-12-31")
    assert (year_end.status, year_end.passed, year_end.period) == ("in_progress", True, "2024-10")
    assert "12月数据尚未登记" in year_end.message
    book.indicator("output", "400亿", "2024-12")
    assert book.result("ZS303", "2024-12-31").status == "met"  # December's figure is the year's
    # with only September's growth (December − September = 3 months) the year end is stale, not judged
    book.indicator("value_added_growth", "12", "2024-09")
    assert book.result("ZS302", "2024-12-31").status == "no_data"
