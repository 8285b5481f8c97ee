"""`zs export projects`: the ledger as a workbook that `zs import projects` reads back unchanged."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from conftest import Zs, assert_rejected
from zhaoshang.transfer.exporter import SHEET_TITLE, TITLE

SAMPLE = Path(__file__).parent.parent / "data" / "sample.sqlite"
SEEDED_UNITS = 21  # the units `zs init` seeds from the opinion


def listed(zs: Zs) -> list[dict]:
    """The projects as `project list` shows them, all but their lead date (`lead`, issue 12): the projects
    workbook has no 在谈日期 column, and a project imported without one entered the ledger on the import's day."""
    return [
        {key: value for key, value in project.items() if key != "lead"}
        for project in json.loads(zs.ok("project", "list", "--format", "json"))
    ]


def clone_people(source: Zs, target: Zs) -> None:
    """The units and persons of one ledger added to a new one: an import names them and they must exist."""
    seeded = {unit["name"] for unit in json.loads(target.ok("unit", "list", "--format", "json"))}
    for unit in json.loads(source.ok("unit", "list", "--format", "json")):
        if unit["name"] not in seeded:
            target.ok("unit", "add", unit["name"], "--kind", unit["kind"])
    for person in json.loads(source.ok("person", "list", "--format", "json")):
        dates = [option for key in ("since", "until") if person.get(key) for option in (f"--{key}", person[key])]
        target.ok("person", "add", person["name"], "--unit", person["unit"], "--role", person["role"], *dates)


def round_trip(source: Zs, folder: Path) -> tuple[list[dict], list[dict], Zs]:
    """Export `source`, import the workbook into a new ledger; both ledgers' project lists."""
    book = folder / "export.xlsx"
    source.ok("export", "projects", str(book))
    target = Zs(folder / "target.sqlite")
    target.ok("init")
    clone_people(source, target)
    target.ok("import", "projects", str(book))
    return listed(source), listed(target), target


def test_a_ledger_in_every_stage_and_status_survives_export_and_import(zs, tmp_path):
    zs.ok("unit", "add", "东城街道", "--kind", "街道")
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "区发改委", "--role", "deputy")
    zs.ok("person", "add", "王芳", "--unit", "开发区", "--role", "staff")
    zs.ok(
        "person", "add", "王芳", "--unit", "渠沟镇", "--role", "staff", "--since", "2024-01-01"
    )  # same name: 王芳@渠沟镇
    stages = [
        ("signed", "2024-01-10"),
        ("started", "2024-02-20"),
        ("included", "2024-03-05"),
        ("completed", "2024-08-31"),
        ("producing", "2024-09-15"),
    ]
    for count in range(len(stages) + 1):  # lead, signed, started, included, completed, producing
        dates = [option for stage, day in stages[:count] for option in (f"--{stage}", day)]
        zs.ok("project", "add", f"阶段{count}项目", "--unit", "开发区", "--amount", f"{count + 1}.25亿", *dates)
    full = zs.last_line(
        "project", "add", "新能源电池项目", "--unit", "东城街道", "--amount", "12345.6789", "--code", "DC-001",
        "--investor", "甲公司", "--industry", "新能源", "--channel", "以商招商", "--origin", "上海",
        "--leader", "李四", "--handler", "王芳@渠沟镇", "--signed", "2024-03-01", "--note", "第一批",
    )  # fmt: skip
    stalled = zs.last_line(
        "project",
        "add",
        "停滞项目",
        "--unit",
        "渠沟镇",
        "--amount",
        "5000",
        "--signed",
        "2024-01-05",
        "--handler",
        "张三",
    )
    zs.ok("project", "stall", stalled, "--reason", "资金未到位")
    ended = zs.last_line("project", "add", "终止项目", "--unit", "渠沟镇", "--amount", "800", "--signed", "2023-12-01")
    zs.ok("project", "terminate", ended, "--reason", "企业撤资", "--on", "2024-05-31")
    quiet_end = zs.last_line("project", "add", "无日期终止项目", "--unit", "渠沟镇", "--amount", "900")
    zs.ok("project", "terminate", quiet_end, "--reason", "重复登记")
    # 固投 is set by import only (no option of `project add`): put one in through a workbook.
    source_book = tmp_path / "fixed.xlsx"
    zs.ok("export", "projects", str(source_book))
    workbook = load_workbook(source_book)
    workbook.active["F3"] = 4321.5  # 固投（万元） of the first project
    workbook.save(source_book)
    zs.ok("import", "projects", str(source_book))

    before, after, target = round_trip(zs, tmp_path)
    assert before == after
    assert before[0]["fixed_amount"] == 4321.5
    shown = {project["code"]: project for project in after}
    # 王芳 has a namesake: shown as she is typed, 姓名@单位 (issue 14)
    assert (shown[full]["handler"], shown[full]["amount"]) == ("王芳@渠沟镇", 12345.6789)
    assert (shown[stalled]["status"], shown[ended]["status"], shown[ended]["terminated"]) == (
        "stalled",
        "terminated",
        "2024-05-31",
    )
    assert {project["stage"] for project in after} >= {
        "lead",
        "signed",
        "started",
        "included",
        "completed",
        "producing",
    }
    # Importing the export into the ledger it came from changes nothing and writes no audit entry.
    entries = len(json.loads(zs.ok("audit", "log", "--format", "json")))
    assert f"未变 {len(before)} 个" in zs.ok("import", "projects", str(tmp_path / "export.xlsx"))
    assert len(json.loads(zs.ok("audit", "log", "--format", "json"))) == entries
    assert "审计核对通过" in target.ok("audit", "verify")


def test_the_layout_is_a_title_row_then_the_chinese_header(zs, tmp_path):
    zs.ok("project", "add", "甲项目", "--unit", "开发区", "--amount", "1.5亿", "--signed", "2024-03-01")
    book = tmp_path / "台账.xlsx"
    assert "已导出 1 个项目" in zs.ok("export", "projects", str(book))
    sheet = load_workbook(book)[SHEET_TITLE]
    assert sheet["A1"].value == TITLE and "A1:V1" in {str(merged) for merged in sheet.merged_cells.ranges}
    header = [cell.value for cell in sheet[2]]
    assert header[:5] == ["序号", "项目编号", "项目名称", "投资方", "总投资（万元）"]
    assert {"签约时间", "状态", "原因", "终止时间", "备注"} <= set(header)
    row = dict(zip(header, sheet[3], strict=False))
    assert (row["总投资（万元）"].value, row["总投资（万元）"].data_type) == (15000, "n")  # a number, Excel sums it
    assert row["签约时间"].is_date and row["签约时间"].value.date().isoformat() == "2024-03-01"
    assert (row["阶段"].value, row["状态"].value) == ("签约", "正常")


def test_text_that_looks_like_a_formula_is_written_as_text(zs, tmp_path):
    texts = {
        "name": '=HYPERLINK("http://example.com","点我")',
        "investor": "+86 甲公司",
        "note": "-待定",
        "origin": "@上海",
        "industry": "#N/A",
    }
    code = zs.last_line(
        "project", "add", texts["name"], "--unit", "开发区", "--amount", "100", f"--investor={texts['investor']}",
        f"--note={texts['note']}", f"--origin={texts['origin']}", f"--industry={texts['industry']}",
    )  # fmt: skip
    book = tmp_path / "a.xlsx"
    zs.ok("export", "projects", str(book))
    sheet = load_workbook(book).active
    header = [cell.value for cell in sheet[2]]
    row = dict(zip(header, sheet[3], strict=False))
    for key, title in (
        ("name", "项目名称"),
        ("investor", "投资方"),
        ("note", "备注"),
        ("origin", "来源地"),
        ("industry", "产业类别"),
    ):
        assert (row[title].value, row[title].data_type) == (texts[key], "s"), title
    assert row["项目名称"].quotePrefix and row["投资方"].quotePrefix
    target = Zs(tmp_path / "new.sqlite")
    target.ok("init")
    target.ok("import", "projects", str(book))
    assert listed(target) == listed(zs)
    assert listed(target)[0]["code"] == code


def test_an_existing_file_is_overwritten_only_with_force(zs, tmp_path):
    book = tmp_path / "a.xlsx"
    book.write_bytes(b"keep me")
    assert_rejected(zs("export", "projects", str(book)), "文件已存在，不会覆盖", "--force")
    assert book.read_bytes() == b"keep me"
    zs.ok("project", "add", "甲项目", "--unit", "开发区", "--amount", "100")
    zs.ok("export", "projects", str(book), "--force")
    assert load_workbook(book).active["C3"].value == "甲项目"
    assert_rejected(zs("export", "projects", str(tmp_path / "a.xls")), "不是 .xlsx 文件名")
    assert_rejected(zs("export", "projects", str(tmp_path / "无此文件夹" / "a.xlsx")), "文件夹不存在")
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix == ".xlsx") == ["a.xlsx"]  # no temporary left


def test_the_sample_ledger_survives_export_and_import(tmp_path):
    copy = tmp_path / "sample.sqlite"
    shutil.copyfile(SAMPLE, copy)  # a copy: opening a ledger switches it to WAL
    (tmp_path / "round").mkdir()
    before, after, _ = round_trip(Zs(copy), tmp_path / "round")
    assert before and before == after


def test_the_help_does_not_import_openpyxl():
    code = "import sys, zhaoshang.cli; print('openpyxl' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_exported_ledger_has_number_formats_a_frozen_header_and_a_print_setup(zs, tmp_path):
    zs.ok("project", "add", "甲项目", "--unit", "开发区", "--amount", "12345.6", "--signed", "2024-03-01")
    zs.ok("project", "add", "乙项目", "--unit", "开发区", "--amount", "1亿")
    book = tmp_path / "台账.xlsx"
    zs.ok("export", "projects", str(book))
    sheet = load_workbook(book)[SHEET_TITLE]
    header = [cell.value for cell in sheet[2]]
    first, second = (dict(zip(header, sheet[row], strict=False)) for row in (3, 4))
    assert first["总投资（万元）"].number_format == "#,##0.####" and first["总投资（万元）"].value == 12345.6
    assert second["总投资（万元）"].number_format == "#,##0" and second["总投资（万元）"].value == 10000
    assert first["签约时间"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "D3" and sheet.auto_filter.ref == "A2:V4"
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (book.stat().st_mode & 0o777) == (0o666 & ~_umask())


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
