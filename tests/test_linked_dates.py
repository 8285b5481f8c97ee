"""A project's dates changed after its investment, inspections and problems were entered: the
change is made (the new date may be the truth) and the rows that no longer fit are named."""

from __future__ import annotations

from conftest import Zs


def _project_with_a_year_of_service(zs: Zs) -> None:
    zs.ok(
        "project",
        "add",
        "甲项目",
        "--unit",
        "开发区",
        "--amount",
        "2亿",
        "--signed",
        "2024-02-01",
        "--started",
        "2024-03-01",
    )
    zs.ok("project", "inspect", "XM000001", "--on", "2024-06-10", "--by", "王敏", "--result", "属实")
    zs.ok("project", "invest", "XM000001", "--month", "2024-02", "--amount", "100")
    zs.ok("project", "invest", "XM000001", "--month", "2024-07", "--amount", "300")
    zs.ok(
        "problem",
        "add",
        "XM000001",
        "--text",
        "电力增容未批复",
        "--unit",
        "开发区",
        "--on",
        "2024-06-20",
        "--due",
        "2024-07-20",
    )


def test_a_backdated_termination_names_what_came_after_it(zs: Zs):
    _project_with_a_year_of_service(zs)
    result = zs("project", "terminate", "XM000001", "--reason", "撤资", "--on", "2024-05-01")
    assert result.exit_code == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if line.startswith("注意：")]
    assert notices == [
        "注意：项目 XM000001 有终止（2024-05-01）以后的月度完成投资：2024-07",  # February's is before: fine
        "注意：项目 XM000001 有终止（2024-05-01）以后的现场查看记录：#1 2024-06-10，不再核实开工",
        "注意：项目 XM000001 有终止（2024-05-01）以后提出的问题：#1 2024-06-20，不再计入问题协调",
    ]
    assert "zs project invest XM000001 --month 2024-07 --amount 0" in result.stderr


def test_later_stage_dates_leave_the_earlier_rows_named(zs: Zs):
    _project_with_a_year_of_service(zs)
    result = zs("project", "edit", "XM000001", "--signed", "2024-06-01", "--started", "2024-07-01")
    assert result.exit_code == 0, result.stderr
    assert "项目 XM000001 有签约（2024-06-01）以前的月度完成投资：2024-02" in result.stderr
    assert "项目 XM000001 有开工（2024-07-01）以前的现场查看记录：#1 2024-06-10，不再核实开工" in result.stderr
    assert "问题" not in result.stderr  # not terminated: its problem still stands
    # a month put right (set to 0) is no longer named
    zs.ok("project", "invest", "XM000001", "--month", "2024-02", "--amount", "0")
    again = zs("project", "edit", "XM000001", "--note", "日期已核对")
    assert "月度完成投资" not in again.stderr and "现场查看记录" in again.stderr


def test_an_edit_that_keeps_every_row_in_its_dates_says_nothing(zs: Zs):
    _project_with_a_year_of_service(zs)
    result = zs("project", "edit", "XM000001", "--started", "2024-02-15")
    assert result.exit_code == 0 and "注意" not in result.stderr
    terminated = zs("project", "terminate", "XM000001", "--reason", "撤资", "--on", "2024-08-01")
    assert terminated.exit_code == 0 and "注意" not in terminated.stderr
