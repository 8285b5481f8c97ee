"""Unit submissions (报送, design §5.3): templates a unit fills in, imports of several files, --unit,
--errors, and ledgers as other bureaus' systems publish them."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import Zs, assert_rejected, dump


def projects(zs: Zs) -> dict[str, dict]:
    return {project["name"]: project for project in json.loads(zs.ok("project", "list", "--format", "json"))}


@pytest.fixture
def district(zs: Zs) -> Zs:
    """Two units with projects and persons: 渠沟镇 (2 projects) and 开发区 (1)."""
    zs.ok("person", "add", "王镇长", "--unit", "渠沟镇", "--role", "head")
    zs.ok("person", "add", "赵专员", "--unit", "渠沟镇", "--role", "staff")
    zs.ok("person", "add", "刘区长", "--unit", "区政府办公室", "--role", "deputy")
    zs.ok("project", "add", "渠沟光伏项目", "--unit", "渠沟镇", "--amount", "5000", "--investor", "甲能源有限公司")
    zs.ok("project", "add", "渠沟食品项目", "--unit", "渠沟镇", "--amount", "8000", "--signed", "2024-02-01")
    zs.ok("project", "add", "开发区电池项目", "--unit", "开发区", "--amount", "2亿", "--signed", "2024-01-05")
    return zs


def _header(sheet) -> dict[str, int]:
    """Column numbers (1-based) by header text, from the template's header row (row 2)."""
    return {cell.value: cell.column for cell in sheet[2] if cell.value}


def _fill(path: Path, rows: list[dict[str, object]], changes: dict[str, dict[str, object]] | None = None) -> Path:
    """Fill a template as a clerk would, with openpyxl: change cells of named projects, add rows."""
    workbook = load_workbook(path)
    sheet = workbook["项目台账"]
    columns = _header(sheet)
    by_name = {sheet.cell(row, columns["项目名称"]).value: row for row in range(3, sheet.max_row + 1)}
    for name, values in (changes or {}).items():
        for header, value in values.items():
            sheet.cell(by_name[name], columns[header]).value = value
    first_blank = next(row for row in range(3, 1000) if sheet.cell(row, columns["项目名称"]).value is None)
    for offset, values in enumerate(rows):
        for header, value in values.items():
            sheet.cell(first_blank + offset, columns[header]).value = value
    workbook.save(path)
    return path


def test_a_template_filled_by_the_unit_imports_exactly_its_changes(district: Zs, tmp_path: Path):
    zs = district
    book = tmp_path / "渠沟镇.xlsx"
    out = zs.ok("template", "projects", str(book), "--unit", "渠沟镇")
    assert "已有项目 2 个" in out
    workbook = load_workbook(book)
    assert workbook.sheetnames[:2] == ["项目台账", "填报说明"]
    sheet = workbook["项目台账"]
    columns = _header(sheet)
    assert [sheet.cell(row, columns["项目名称"]).value for row in (3, 4)] == ["渠沟光伏项目", "渠沟食品项目"]
    # The code column is locked under a protection without a password; the rest is open to typing.
    assert sheet.protection.sheet and not sheet.protection.password
    code, name = sheet.cell(3, columns["项目编号"]), sheet.cell(3, columns["项目名称"])
    assert code.protection.locked and not name.protection.locked
    assert sheet.cell(3, columns["总投资（万元）"]).number_format == "#,##0"
    assert sheet.column_dimensions["M"].width  # the sheet carries its widths
    lists = {
        str(validation.sqref).split(":")[0][:1]: validation for validation in sheet.data_validations.dataValidation
    }
    letter = {header: sheet.cell(2, column).column_letter for header, column in columns.items()}
    assert lists[letter["招商方式"]].type == "list" and "以商招商" in lists[letter["招商方式"]].formula1
    assert "王镇长" in lists[letter["专人"]].formula1 and "赵专员" in lists[letter["专人"]].formula1
    assert "刘区长" in lists[letter["包保领导"]].formula1  # a district leader may lead the unit's project
    assert lists[letter["签约时间"]].type == "date"

    before = projects(zs)
    _fill(
        book,
        [
            {
                "项目名称": "渠沟物流园项目",
                "投资方": "乙物流有限公司",
                "总投资（万元）": 12000,
                "签约时间": datetime(2024, 9, 1),
            }
        ],
        {"渠沟光伏项目": {"总投资（万元）": 6500}, "渠沟食品项目": {"开工时间": datetime(2024, 3, 15)}},
    )
    out = zs.ok("import", "projects", str(book), "--unit", "渠沟镇")
    assert "新增 1 个项目，更新 2 个，未变 0 个" in out
    assert "渠沟光伏项目：总投资：5,000 → 6,500" in out and "渠沟食品项目：开工时间：空 → 2024-03-15" in out
    after = projects(zs)
    assert set(after) == set(before) | {"渠沟物流园项目"}
    new = after["渠沟物流园项目"]
    assert (new["unit"], new["amount"], new["signed"], new["investor"]) == (
        "渠沟镇",
        12000,
        "2024-09-01",
        "乙物流有限公司",
    )
    assert after["渠沟光伏项目"]["amount"] == 6500 and after["渠沟食品项目"]["started"] == "2024-03-15"
    changed = {"渠沟光伏项目": {"amount"}, "渠沟食品项目": {"started", "stage", "stage_label"}}
    for name, project in before.items():  # nothing else moved
        differing = {key for key in project if project[key] != after[name][key]}
        assert differing == changed.get(name, set()), name
    assert "审计核对通过" in zs.ok("audit", "verify")


def test_a_row_of_another_unit_refuses_the_whole_file_and_errors_marks_its_cell(district: Zs, tmp_path: Path):
    zs = district
    book = tmp_path / "渠沟镇.xlsx"
    zs.ok("template", "projects", str(book), "--unit", "渠沟镇")
    _fill(
        book,
        [
            {"项目名称": "好项目", "总投资（万元）": 100},
            {"项目名称": "别人的项目", "总投资（万元）": 300, "责任单位": "开发区"},
        ],
    )
    errors = tmp_path / "问题.xlsx"
    before = dump(zs.db)
    result = zs("import", "projects", str(book), "--unit", "渠沟镇", "--errors", str(errors))
    assert_rejected(result, "有1处问题，没有导入任何内容", "第6行 责任单位：'开发区' 不是渠沟镇", str(errors))
    assert dump(zs.db) == before
    marked = load_workbook(errors)
    assert marked.sheetnames[0] == "问题清单"
    listing = [[cell.value for cell in row] for row in marked["问题清单"].iter_rows(min_row=2)]
    assert listing == [
        ["渠沟镇.xlsx", "项目台账", 6, "H列「责任单位」", "责任单位：'开发区' 不是渠沟镇", listing[0][5]]
    ]
    sheet = marked["项目台账"]
    cell = sheet["H6"]
    assert cell.value == "开发区" and cell.fill.fgColor.rgb[-6:] == "FF9999"
    assert cell.comment is not None and "不是渠沟镇" in cell.comment.text
    assert sheet["C5"].value == "好项目" and sheet["C5"].fill.fgColor.rgb[-6:] != "FF9999"
    # A project of another unit cannot be edited through this unit's file either.
    other = tmp_path / "改别人的.xlsx"
    zs.ok("export", "projects", str(other))
    assert_rejected(zs("import", "projects", str(other), "--unit", "渠沟镇"), "责任单位：'开发区' 不是渠沟镇")


def test_two_units_files_import_in_one_command_and_one_transaction(district: Zs, tmp_path: Path):
    zs = district
    town, zone = tmp_path / "渠沟镇.xlsx", tmp_path / "开发区.xlsx"
    zs.ok("template", "projects", str(town), "--unit", "渠沟镇")
    zs.ok("template", "projects", str(zone), "--unit", "开发区")
    _fill(town, [{"项目名称": "镇新项目", "总投资（万元）": 700}])
    _fill(zone, [{"项目名称": "区新项目", "总投资（万元）": 900}])
    entries = len(json.loads(zs.ok("audit", "log", "--format", "json")))
    out = zs.ok("import", "projects", str(town), str(zone))
    assert "已导入（2 个文件）：新增 2 个项目" in out
    found = projects(zs)
    assert (found["镇新项目"]["unit"], found["区新项目"]["unit"]) == ("渠沟镇", "开发区")
    log = json.loads(zs.ok("audit", "log", "--format", "json"))
    assert len(log) == entries + 1 and log[-1]["subject"] == "渠沟镇.xlsx 等2个文件"
    # One bad file refuses both, and the problem names its file.
    _fill(zone, [{"项目名称": "坏项目", "总投资（万元）": "很多"}])
    before = dump(zs.db)
    assert_rejected(zs("import", "projects", str(town), str(zone)), "开发区.xlsx 第", "不是有效金额")
    assert dump(zs.db) == before


def test_a_local_and_an_outside_investor_under_one_merged_header(zs: Zs, tmp_path: Path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目名称", "责任单位", "投资方", None, "总投资（万元）", "合同签约时间"])
    sheet.append([None, None, "本地投资方", "外来投资方", None, None])
    sheet.append(["新材料项目", "开发区", "相山城投", "丙材料股份有限公司", 30000, "2024-08-30 00:00:00"])
    for column in "ABEF":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("C1:D1")
    book = tmp_path / "ledger.xlsx"
    workbook.save(book)
    zs.ok("import", "projects", str(book))
    project = projects(zs)["新材料项目"]
    assert (project["investor"], project["signed"]) == ("丙材料股份有限公司", "2024-08-30")
    assert project["note"] == "本地投资方：相山城投"


def _published(path: Path) -> Path:
    """A ledger as another bureau's system publishes it: section rows, subtotals, other column names."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2024年重点招商引资项目推进表"])
    sheet.append(
        ["序号", "项目名称", "外来投资方名称", "估算投资（亿元）", "行业大类", "推进部门", "挂钩/挂点领导", "签约时间"]
    )
    sheet.append(["一、工业"])
    sheet.append(["（一）装备制造", None, None, 3.5])
    sheet.append([1, "数控机床项目", "丁机械有限公司", 2, "装备制造", "开发区", None, "2024/08/30 00:00"])
    sheet.append([2, "轴承项目", "戊轴承有限公司", 1.5, "装备制造", "渠沟镇", None, 45505])
    sheet.append(["龙海市合计2个", None, None, 3.5])
    sheet.append(["合计2个", None, None, 3.5])
    workbook.save(path)
    return path


def test_a_ledger_published_by_another_system_imports_without_map(zs: Zs, tmp_path: Path):
    out = zs.ok("import", "projects", str(_published(tmp_path / "推进表.xlsx")))
    assert "跳过的行（" in out and "分节标题 1 行" in out and "合计行 2 行" in out
    found = projects(zs)
    assert set(found) == {"数控机床项目", "轴承项目"}
    assert (found["数控机床项目"]["amount"], found["数控机床项目"]["signed"]) == (20000, "2024-08-30")
    assert (found["轴承项目"]["unit"], found["轴承项目"]["investor"], found["轴承项目"]["industry"]) == (
        "渠沟镇", "戊轴承有限公司", "装备制造"
    )  # fmt: skip


def test_the_dry_run_says_when_no_stage_dates_or_a_date_or_investor_column_was_not_recognised(zs, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目名称", "责任单位", "总投资", "落地日期", "客商"])
    sheet.append(["甲项目", "开发区", 100, "2024-03-01", "甲科技有限公司"])
    book = tmp_path / "a.xlsx"
    workbook.save(book)
    out = zs.ok("import", "projects", str(book), "--dry-run")
    assert "注意：没有认出任何阶段日期列" in out
    assert "注意：D列「落地日期」看起来是日期" in out and "--map '落地日期=signed'" in out
    assert "注意：E列「客商」看起来是投资方" in out


def test_the_terminal_lists_fifty_problems_then_counts_the_rest_by_kind(zs: Zs, tmp_path: Path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目名称", "责任单位", "总投资", "专人"])
    for number in range(1, 81):
        sheet.append([f"项目{number}", "开发区", 100, f"无此人{number}"])
    for number in range(81, 101):
        sheet.append([f"项目{number}", "无此单位", 100, None])
    book = tmp_path / "a.xlsx"
    workbook.save(book)
    result = zs("import", "projects", str(book))
    assert_rejected(result, "有100处问题", "……另有 50 处问题：专人：不存在 30处；责任单位：不存在 20处")
    assert result.stderr.count("\n  第") == 50
    assert "无此人1、无此人10" in result.stderr and "等80人" in result.stderr  # not 80 names in one hint
    assert "无此人80、" not in result.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_xls_and_ods_are_read(zs: Zs, tmp_path: Path, suffix: str):
    source = _published(tmp_path / "推进表.xlsx")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", suffix,
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    zs.ok("import", "projects", str(tmp_path / f"推进表.{suffix}"))
    found = projects(zs)
    assert (found["轴承项目"]["amount"], found["轴承项目"]["signed"]) == (15000, "2024-08-01")
    assert found["数控机床项目"]["signed"] == "2024-08-30"


def test_a_long_dropdown_comes_from_a_hidden_list_sheet(zs: Zs, tmp_path: Path):
    for number in range(40):  # 40 names of 7 characters: far over 255 characters inline
        zs.ok("person", "add", f"工作人员{number:03d}", "--unit", "渠沟镇", "--role", "staff")
    book = tmp_path / "t.xlsx"
    zs.ok("template", "projects", str(book), "--unit", "渠沟镇")
    workbook = load_workbook(book)
    lists = workbook["下拉选项"]
    assert lists.sheet_state == "hidden"
    assert lists["A40"].value == "工作人员039"
    formulas = [validation.formula1 for validation in workbook["项目台账"].data_validations.dataValidation]
    assert any(formula and formula.startswith("'下拉选项'!$A$1:$A$40") for formula in formulas)
    # What the unit sends back unchanged imports as nothing new.
    assert "未变 0 个" in zs.ok("import", "projects", str(book), "--unit", "渠沟镇")
