"""Whole-ledger and trip workbooks (design §5.3): `export|import ledger`, `export|import|template trips`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Zs, assert_rejected, dump

SAMPLE = Path(__file__).parent.parent / "data" / "sample.sqlite"


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> tuple[Zs, Zs, Path]:
    """The sample ledger exported whole and imported into a new `zs init` ledger."""
    folder = tmp_path_factory.mktemp("moved")
    shutil.copyfile(SAMPLE, folder / "source.sqlite")  # a copy: opening a ledger switches it to WAL
    source, target = Zs(folder / "source.sqlite"), Zs(folder / "target.sqlite")
    book = folder / "账本.xlsx"
    source.ok("export", "ledger", str(book))
    target.ok("init")
    target.ok("import", "ledger", str(book))
    return source, target, book


def _status_events_table() -> bool:
    """Whether stalls and terminations are dated in a table of their own (design §5.1) rather than
    read from the audit log, which a whole-ledger import starts afresh."""
    from zhaoshang.models import metadata

    return any(table.name != "project" and "status" in table.columns for table in metadata.sorted_tables)


def _report(zs: Zs) -> dict:
    report = json.loads(zs.ok("report", "monthly", "--month", "2024-10", "--format", "json"))
    for key in ("made_on", "ledger"):
        report.pop(key, None)
    if not _status_events_table():
        # Until stalls are dated events, the day a project was marked 停滞 comes from the audit log.
        for warning in report["warnings"]:
            if warning["kind"] == "stalled":
                warning.pop("since"), warning.pop("days")
    return report


def _quotas(zs: Zs) -> dict:
    result = zs("check", "quotas", "--as-of", "2024-10-31", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    figures = json.loads(result.stdout)
    figures.pop("ledger", None)
    return figures


def test_every_figure_of_the_moved_ledger_is_equal(moved):
    source, target, _ = moved
    assert _quotas(target) == _quotas(source)
    assert _report(target) == _report(source)
    for listing in (("project", "list"), ("unit", "list"), ("person", "list"), ("target", "list"), ("trip", "list")):
        assert target.ok(*listing, "--format", "json") == source.ok(*listing, "--format", "json"), listing
    assert "审计核对通过" in target.ok("audit", "verify")


def test_the_import_is_one_audit_entry_naming_the_source_head(moved):
    source, target, book = moved
    head = json.loads(source.ok("audit", "log", "--format", "json"))[-1]
    log = json.loads(target.ok("audit", "log", "--format", "json"))
    assert [entry["action"] for entry in log] == ["init", "ledger.import"]
    assert log[-1]["action_label"] == "整本导入账本"
    assert log[-1]["subject"] == f"{book.name}（源账本第{head['seq']}条记录 {head['hash']}）"


def test_the_workbook_has_a_sheet_per_table_with_chinese_headers(moved):
    from zhaoshang.audit import AUDITED_TABLES

    _, _, book = moved
    workbook = load_workbook(book, read_only=True)
    contents = [row for row in workbook["目录"].iter_rows(values_only=True) if row[0]]
    tables = {
        row[1]: row[0] for row in contents[1:] if row[1] and row[0] not in ("源账本记录数", "源账本哈希", "导出程序")
    }
    assert set(AUDITED_TABLES) <= set(tables)
    projects = workbook[tables["project"]]
    header, names = (
        next(projects.iter_rows(max_row=2, values_only=True)),
        list(projects.iter_rows(max_row=2, values_only=True))[1],
    )
    assert header[:3] == ("内部编号", "编号", "名称") and names[:3] == ("id", "code", "name")


def test_a_ledger_that_holds_projects_is_not_overwritten(moved, zs: Zs):
    _, _, book = moved
    zs.ok("project", "add", "甲项目", "--unit", "开发区", "--amount", "100")
    before = dump(zs.db)
    assert_rejected(zs("import", "ledger", str(book)), "账本中已有数据（项目）", "init")
    assert dump(zs.db) == before


def test_a_workbook_whose_rows_do_not_agree_is_refused(moved, tmp_path: Path):
    _, _, book = moved
    edited = tmp_path / "改过的.xlsx"
    workbook = load_workbook(book)
    contents = {row[1].value: row[0].value for row in workbook["目录"].iter_rows(min_row=2) if row[1].value}
    projects = workbook[contents["project"]]
    unit_column = next(cell.column for cell in projects[2] if cell.value == "unit_id")
    projects.cell(3, unit_column).value = 9999  # a unit that is not in the workbook
    workbook.save(edited)
    target = Zs(tmp_path / "new.sqlite")
    target.ok("init")
    before = dump(target.db)
    assert_rejected(target("import", "ledger", str(edited)), "的数据互不相符", "FOREIGN KEY")
    assert dump(target.db) == before


def test_a_workbook_that_is_no_ledger_is_refused(zs: Zs, tmp_path: Path):
    book = tmp_path / "projects.xlsx"
    zs.ok("export", "projects", str(book))
    assert_rejected(zs("import", "ledger", str(book)), "没有「目录」工作表")


def test_trips_export_and_import_into_another_ledger(zs: Zs, tmp_path: Path):
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "张三", "--unit", "渠沟镇", "--role", "head")  # a namesake: 张三@渠沟镇
    zs.ok("person", "add", "李四", "--unit", "渠沟镇", "--role", "staff")
    code = zs.last_line("project", "add", "甲项目", "--unit", "渠沟镇", "--amount", "100", "--code", "QG-1")
    zs.ok("trip", "log", "--person", "张三@开发区", "--from", "2024-03-01", "--to", "2024-03-05", "--dest", "上海",
          "--region", "长三角", "--purpose", "洽谈")  # fmt: skip
    zs.ok("trip", "log", "--person", "张三@渠沟镇", "--person", "李四", "--from", "2024-04-01", "--to", "2024-04-02",
          "--dest", "深圳", "--companies", "甲公司，乙公司", "--project", code)  # fmt: skip
    book = tmp_path / "外出招商.xlsx"
    assert "已导出 2 次行程" in zs.ok("export", "trips", str(book), "--year", "2024")
    sheet = load_workbook(book).active
    assert [cell.value for cell in sheet[2]][:5] == ["编号", "出发日期", "返回日期", "天数", "人员"]
    assert sheet["E4"].value == "张三@渠沟镇、李四" and sheet["D3"].value == 5

    target = Zs(tmp_path / "other.sqlite")
    target.ok("init")
    for name, unit, role in (("张三", "开发区", "head"), ("张三", "渠沟镇", "head"), ("李四", "渠沟镇", "staff")):
        target.ok("person", "add", name, "--unit", unit, "--role", role)
    target.ok("project", "add", "甲项目", "--unit", "渠沟镇", "--amount", "100", "--code", "QG-1")
    assert "新增 2 次行程" in target.ok("import", "trips", str(book))
    assert target.ok("trip", "list", "--format", "json") == zs.ok("trip", "list", "--format", "json")
    # The same trips again add nothing; a changed purpose is an update of that trip.
    entries = len(json.loads(target.ok("audit", "log", "--format", "json")))
    assert "新增 0 次行程，更新 0 次，未变 2 次" in target.ok("import", "trips", str(book))
    assert len(json.loads(target.ok("audit", "log", "--format", "json"))) == entries
    workbook = load_workbook(book)
    workbook.active["H3"] = "签约"
    workbook.save(book)
    out = target.ok("import", "trips", str(book))
    assert "更新 1 次" in out and "事由：洽谈 → 签约" in out


def test_bad_trip_rows_are_all_listed_and_nothing_is_written(zs: Zs, tmp_path: Path):
    from openpyxl import Workbook

    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["出发日期", "返回日期", "人员", "目的地"])
    sheet.append(["2024-03-05", "2024-03-01", "张三", "上海"])
    sheet.append(["2024-03-01", "2024-03-02", "王五", "上海"])
    sheet.append(["2024-03-01", "2024-03-02", "张三", None])
    sheet.append(["2024年3月", "2024-03-02", "张三", "北京"])
    book = tmp_path / "a.xlsx"
    workbook.save(book)
    before = dump(zs.db)
    assert_rejected(
        zs("import", "trips", str(book), "--errors", str(tmp_path / "问题.xlsx")),
        "有4处问题",
        "第2行 返回日期：'2024-03-01' 早于出发日期",
        "第3行 人员：'王五' 不存在",
        "第4行 目的地：不能为空",
        "第5行 出发日期：'2024年3月' 只有月份",
    )
    assert dump(zs.db) == before
    marked = load_workbook(tmp_path / "问题.xlsx")["Sheet"]
    assert marked["C3"].comment is not None and "王五" in marked["C3"].comment.text


def test_a_trip_template_lists_the_units_trips_and_imports_back(zs: Zs, tmp_path: Path):
    zs.ok("person", "add", "王镇长", "--unit", "渠沟镇", "--role", "head")
    zs.ok("person", "add", "张主任", "--unit", "开发区", "--role", "head")
    zs.ok("trip", "log", "--person", "王镇长", "--from", "2024-05-06", "--to", "2024-05-08", "--dest", "苏州")
    zs.ok("trip", "log", "--person", "张主任", "--from", "2024-05-06", "--to", "2024-05-08", "--dest", "杭州")
    book = tmp_path / "渠沟镇-外出.xlsx"
    assert "已有行程 1 次" in zs.ok("template", "trips", str(book), "--unit", "渠沟镇")
    workbook = load_workbook(book)
    sheet = workbook["外出招商"]
    assert sheet["F3"].value == "苏州" and sheet.protection.sheet and sheet["A3"].protection.locked
    sheet["B4"], sheet["C4"], sheet["E4"], sheet["F4"] = "2024-06-03", "2024-06-07", "王镇长", "南京"
    workbook.save(book)
    assert "新增 1 次行程，更新 0 次，未变 1 次" in zs.ok("import", "trips", str(book))
    days = {
        row["person"]: row["days"]
        for row in json.loads(zs.ok("trip", "days", "--month", "2024-06", "--as-of", "2024-06-30", "--format", "json"))
    }
    assert days["王镇长"] == 5
