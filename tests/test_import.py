"""`zs import projects`: workbooks shaped as bureaus keep them, built here with openpyxl."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import assert_rejected, dump
from zhaoshang.db import Ledger
from zhaoshang.transfer.headers import detect_header
from zhaoshang.transfer.importer import import_projects

TITLE = "2024年招商引资项目台账"
SIMPLE_HEADER = ["序号", "项目名称", "投资方", "总投资（万元）", "责任单位", "包保领导", "专人", "签约时间", "开工时间"]


def write_book(
    path: Path, rows: list[list], merges: tuple[str, ...] = (), title: str = "台账", more: dict | None = None
) -> Path:
    """A workbook whose first sheet holds `rows` from A1, with `merges` (e.g. 'A1:I1'); `more`: other sheets."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    for name, other_rows in (more or {}).items():
        other = workbook.create_sheet(name)
        for row in other_rows:
            other.append(row)
    workbook.save(path)
    return path


def simple_book(path: Path, data: list[list], header: list[str] = SIMPLE_HEADER) -> Path:
    """A title row merged across the sheet, then a one-row header, then the data from row 3."""
    return write_book(path, [[TITLE], header, *data], merges=(f"A1:{chr(64 + len(header))}1",))


def projects(zs) -> list[dict]:
    return json.loads(zs.ok("project", "list", "--format", "json"))


def by_name(zs) -> dict[str, dict]:
    return {project["name"]: project for project in projects(zs)}


@pytest.fixture
def people(zs):
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "区发改委", "--role", "deputy")
    return zs


def test_title_rows_a_two_row_merged_header_and_units_in_the_header(people, tmp_path):
    zs = people
    book = write_book(
        tmp_path / "台账.xlsx",
        [
            [TITLE],
            ["填报单位：区投资促进局          单位：万元"],
            [],
            ["序号", "项目名称", "投资方", "投资额", None, "责任单位", "包保领导", "专人", "签约时间", "开工时间"],
            [None, None, None, "总投资（亿元）", "固投"],
            [1, "新能源电池项目", "甲公司", 1.2, 8000, "开发区", "李四", "张三", datetime(2024, 3, 1), "2024/4/1"],
            [2, "光伏组件项目", "乙公司", "0.5", 3000.5, "渠沟镇", None, None, "2024年5月6日", "—"],  # — : not yet
            ["合计", None, None, 1.7, 11000.5],
        ],
        merges=("A1:J1", "D4:E4", *(f"{column}4:{column}5" for column in "ABCFGHIJ")),
    )
    out = zs.ok("import", "projects", str(book))
    assert "表头在第4–5行，项目 2 行" in out
    assert "第8行 合计行「合计」" in out
    assert "A列「序号」" in out  # recognised and left out knowingly, and said so
    found = by_name(zs)
    battery, solar = found["新能源电池项目"], found["光伏组件项目"]
    # 1.2 in the 亿元 column = 12,000万元; 固投 has no unit of its own, so the note's 万元 applies.
    assert (battery["amount"], battery["fixed_amount"]) == (12000, 8000)
    assert (solar["amount"], solar["fixed_amount"]) == (5000, 3000.5)
    assert (battery["investor"], battery["unit"], battery["leader"], battery["handler"]) == (
        "甲公司",
        "开发区",
        "李四",
        "张三",
    )
    assert (battery["signed"], battery["started"], battery["stage"]) == ("2024-03-01", "2024-04-01", "started")
    assert (solar["signed"], solar["started"], solar["leader"]) == ("2024-05-06", None, None)


def test_a_unit_note_above_the_header_applies_to_amount_columns_without_a_unit(zs, tmp_path):
    book = write_book(
        tmp_path / "a.xlsx",
        [
            ["项目台账（单位：亿元）"],
            ["项目名称", "责任单位", "计划总投资", "固定资产投资（万元）"],
            ["甲项目", "开发区", 0.3, 1500],
        ],
    )
    zs.ok("import", "projects", str(book))
    project = projects(zs)[0]
    assert (project["amount"], project["fixed_amount"]) == (3000, 1500)


def test_amounts_stay_exact_whatever_float_excel_stores(zs, tmp_path):
    book = simple_book(
        tmp_path / "a.xlsx",
        [[1, "甲项目", None, 0.1 + 0.2, "开发区"], [2, "乙项目", None, 1234.5678, "开发区"]],
        header=["序号", "项目名称", "投资方", "总投资（亿元）", "责任单位"],
    )
    zs.ok("import", "projects", str(book))
    found = by_name(zs)
    # 0.1 + 0.2 is 0.30000000000000004 as a float; Excel shows 0.3 (15 digits) → 3,000万元.
    assert found["甲项目"]["amount"] == 3000
    assert found["乙项目"]["amount"] == 12345678  # 1234.5678亿 = 12,345,678万元


def test_dates_in_every_form_ledgers_hold(zs, tmp_path):
    forms = [
        datetime(2024, 3, 1),
        date(2024, 3, 1),
        45352,
        "2024-03-01",
        "2024/3/1",
        "2024.3.1",
        "2024年3月1日",
        "20240301",
        202403,
        "2024年3月",
        "2024-03",
    ]
    book = simple_book(
        tmp_path / "dates.xlsx",
        [[index, f"项目{index}", None, 1000, "开发区", None, None, form] for index, form in enumerate(forms, start=1)],
    )
    out = zs.ok("import", "projects", str(book))
    assert {project["signed"] for project in projects(zs)} == {"2024-03-01"}
    assert len(projects(zs)) == len(forms)
    # The month-only ones (rows 11, 12, 13 = data rows 9, 10, 11) are said to be taken as the 1st.
    assert "只填了月份的日期，按当月1日登记" in out
    for row, shown in ((11, "202403"), (12, "2024年3月"), (13, "2024-03")):
        assert f"第{row}行 签约时间 '{shown}' → 2024-03-01" in out
    assert "第10行" not in out  # 20240301 is a whole date


def test_every_problem_is_listed_at_once_and_nothing_is_written(people, tmp_path):
    zs = people
    zs.ok("project", "add", "已有项目", "--unit", "开发区", "--amount", "1亿")
    good = [0, "好项目", "甲公司", 1000, "开发区", "李四", "张三", "2024-02-01", "2024-03-01"]
    data = [list(good) for _ in range(10)]
    for index, row in enumerate(data):
        row[0], row[1] = index + 1, f"好项目{index + 1}"
    # Data start at row 3: data[k] is row k + 3.
    data[2][4], data[2][7] = "东城区", "2024-02-30"  # row 5: two problems in one row
    data[3][5] = "赵六"  # row 6: a leader nobody added
    data[4][3] = "abc"  # row 7
    data[5][8] = "2024-01-01"  # row 8: started before signed
    data[6][1] = None  # row 9: no name
    data[9][7] = "2024-13-01"  # row 12
    book = simple_book(tmp_path / "bad.xlsx", data)
    before = dump(zs.db)
    result = zs("import", "projects", str(book))
    assert_rejected(
        result,
        "工作表「台账」有7处问题，没有导入任何内容",  # row 5 has two
        "第5行 责任单位：'东城区' 不存在",
        "第5行 签约时间：'2024-02-30' 不是有效日期",
        "第6行 包保领导：'赵六' 不存在",
        "第7行 总投资（万元）：'abc' 不是有效金额",
        "第8行 开工日期：'2024-01-01' 早于签约日期 2024-02-01",
        "第9行 项目名称：必须填写",
        "第12行 签约时间：'2024-13-01' 不是有效日期",
        "zs person add 赵六",
    )
    assert "第3行" not in result.stderr and "第4行" not in result.stderr
    assert dump(zs.db) == before


def test_reimporting_updates_the_projects_instead_of_adding_them_twice(people, tmp_path):
    zs = people
    rows = [
        [1, "新能源电池项目", "甲公司", 12000, "开发区", "李四", "张三", "2024-03-01", None],
        [2, "光伏组件项目", "乙公司", 5000, "渠沟镇", None, None, None, None],
    ]
    book = simple_book(tmp_path / "a.xlsx", rows)
    zs.ok("import", "projects", str(book))
    first = by_name(zs)
    assert "已导入：新增 0 个项目，更新 0 个，未变 2 个" in zs.ok("import", "projects", str(book))
    rows[0][3], rows[0][8] = 15000, "2024-04-01"
    simple_book(book, rows)
    out = zs.ok("import", "projects", str(book))
    assert "新增 0 个项目，更新 1 个，未变 1 个" in out
    assert (
        f"第3行 {first['新能源电池项目']['code']} 新能源电池项目：总投资：12,000 → 15,000；开工时间：空 → 2024-04-01"
        in out
    )
    after = by_name(zs)
    assert len(after) == 2
    assert after["新能源电池项目"]["code"] == first["新能源电池项目"]["code"]
    assert (after["新能源电池项目"]["amount"], after["新能源电池项目"]["started"]) == (15000, "2024-04-01")
    log = json.loads(zs.ok("audit", "log", "--format", "json"))
    assert [entry["action"] for entry in log].count("project.import") == 2  # the unchanged import wrote nothing
    assert "审计核对通过" in zs.ok("audit", "verify")


def test_rows_match_projects_by_code_or_by_investor_and_name(zs, tmp_path):
    by_cli = zs.last_line("project", "add", "电池项目", "--unit", "开发区", "--amount", "1亿", "--investor", "甲公司")
    zs.ok("project", "add", "光伏项目", "--unit", "渠沟镇", "--amount", "5000", "--code", "ZS-2")
    book = simple_book(
        tmp_path / "a.xlsx",
        [
            [1, None, "电池项目", "甲公司", 20000, "开发区"],  # no code: found by investor and name
            [2, "ZS-2", "光伏项目二期", None, 5000, "渠沟镇"],  # found by code: renamed
            [3, "ZS-3", "新项目", None, 800, "开发区"],  # new, keeps its code
            [4, None, "电池项目", "丙公司", 900, "开发区"],  # same name, another investor: new
        ],
        header=["序号", "项目编号", "项目名称", "投资方", "总投资", "责任单位"],
    )
    assert "新增 2 个项目，更新 2 个，未变 0 个" in zs.ok("import", "projects", str(book))
    found = {(p["code"] if p["code"] in (by_cli, "ZS-2", "ZS-3") else "auto"): p for p in projects(zs)}
    assert found[by_cli]["amount"] == 20000
    assert found["ZS-2"]["name"] == "光伏项目二期"
    assert found["ZS-3"]["amount"] == 800
    assert (found["auto"]["investor"], found["auto"]["amount"]) == ("丙公司", 900)


def test_the_import_is_one_transaction_with_one_audit_entry(people, tmp_path):
    zs = people
    book = simple_book(tmp_path / "a.xlsx", [[n, f"项目{n}", None, 1000 * n, "开发区"] for n in (1, 2, 3)])
    zs.ok("import", "projects", str(book))
    last = json.loads(zs.ok("audit", "log", "--format", "json"))[-1]
    assert (last["action"], last["action_label"], last["subject"], last["changes"]) == (
        "project.import",
        "导入项目",
        "a.xlsx",
        3,
    )
    assert [p["code"] for p in projects(zs)] == ["XM000001", "XM000002", "XM000003"]


def test_new_projects_get_the_import_day_as_their_lead_date(people, tmp_path):
    zs = people
    rows = [
        [1, "新能源电池项目", "甲公司", 12000, "开发区", "李四", "张三", "2024-03-01", None],  # entered already signed
        [2, "光伏组件项目", "乙公司", 5000, "渠沟镇", None, None, None, None],  # still in talks
    ]
    book = simple_book(tmp_path / "a.xlsx", rows)
    zs.ok("import", "projects", str(book))
    entry = json.loads(zs.ok("audit", "log", "--format", "json"))[-1]
    import_day = datetime.fromisoformat(entry["at"]).date().isoformat()  # the day on the ledger's clock
    codes = [project["code"] for project in projects(zs)]
    # as `project add` without --lead: the day the project entered the ledger (signed or not)
    for code in codes:
        assert json.loads(zs.ok("project", "show", code, "--format", "json"))["lead"] == import_day
    rows[1][7] = "2024-05-06"  # signed later: an update leaves the lead date alone
    simple_book(book, rows)
    zs.ok("import", "projects", str(book))
    assert json.loads(zs.ok("project", "show", codes[1], "--format", "json"))["lead"] == import_day
    assert "审计核对通过" in zs.ok("audit", "verify")


def test_dry_run_shows_what_would_change_and_writes_nothing(people, tmp_path):
    zs = people
    existing = zs.last_line("project", "add", "电池项目", "--unit", "开发区", "--amount", "1亿", "--investor", "甲公司")
    book = simple_book(
        tmp_path / "a.xlsx",
        [[1, "电池项目", "甲公司", 12000, "开发区", "李四"], [2, "光伏项目", None, 800, "渠沟镇"]],
    )
    before = dump(zs.db)
    out = zs.ok("import", "projects", str(book), "--dry-run")
    assert "将新增：\n  第4行 （自动编号） 光伏项目" in out
    assert f"将更新：\n  第3行 {existing} 电池项目：总投资：10,000 → 12,000；包保领导：空 → 李四" in out
    assert "试运行：将新增 1 个项目，更新 1 个，未变 0 个；没有写入。" in out
    assert dump(zs.db) == before


def test_unknown_columns_are_reported_and_map_names_them(zs, tmp_path):
    header = ["项目名称", "招引企业", "总投资", "责任单位", "联系电话", None]
    book = write_book(
        tmp_path / "a.xlsx", [header, ["甲项目", "甲公司", 1000, "开发区", "13800000000", "多出来的一格"]]
    )
    out = zs.ok("import", "projects", str(book), "--dry-run")
    assert "未识别的列（没有导入）：B列「招引企业」、E列「联系电话」、F列（无表头）" in out
    out = zs.ok("import", "projects", str(book), "--map", "招引企业=investor", "--map", "联系电话=ignore")
    assert "未识别的列（没有导入）：F列（无表头）；" in out
    assert "不导入的列：E列「联系电话」" in out
    assert projects(zs)[0]["investor"] == "甲公司"


def test_map_makes_an_unusual_header_readable(zs, tmp_path):
    book = write_book(tmp_path / "a.xlsx", [["项目全称", "主管部门", "金额（亿元）"], ["甲项目", "开发区", 2]])
    assert_rejected(zs("import", "projects", str(book)), "前30行中找不到表头")
    zs.ok(
        "import", "projects", str(book), "--map", "项目全称=项目名称", "--map", "主管部门=unit", "--map", "金额=amount"
    )
    project = projects(zs)[0]
    assert (project["name"], project["unit"], project["amount"]) == ("甲项目", "开发区", 20000)


def test_bad_map_options_are_refused(zs, tmp_path):
    book = simple_book(tmp_path / "a.xlsx", [[1, "甲项目", None, 1000, "开发区"]])
    assert_rejected(zs("import", "projects", str(book), "--map", "投资方"), "'投资方' 应写作 列名=字段")
    assert_rejected(
        zs("import", "projects", str(book), "--map", "投资方=老板"), "'老板' 不是可用的字段", "investor（投资方）"
    )
    assert_rejected(zs("import", "projects", str(book), "--map", "电话=ignore"), "表头中没有列 '电话'")


def test_status_reason_and_termination_travel_in_their_columns(zs, tmp_path):
    header = ["项目名称", "责任单位", "总投资", "签约时间", "状态", "原因", "终止时间"]
    rows = [
        ["正常项目", "开发区", 100, "2024-01-05", "正常", None, None],
        ["停滞项目", "开发区", 100, "2024-01-05", "停滞", "资金未到位", None],
        ["终止项目", "开发区", 100, "2024-01-05", "终止", "企业撤资", "2024-06-30"],
    ]
    zs.ok("import", "projects", str(write_book(tmp_path / "a.xlsx", [header, *rows])))
    found = by_name(zs)
    assert (found["正常项目"]["status"], found["正常项目"]["status_reason"]) == ("active", None)
    assert (found["停滞项目"]["status"], found["停滞项目"]["status_reason"]) == ("stalled", "资金未到位")
    assert (found["终止项目"]["status"], found["终止项目"]["terminated"]) == ("terminated", "2024-06-30")
    rows[0][4], rows[1][5], rows[2][3] = "暂停", None, "2024-02-01"
    result = zs("import", "projects", str(write_book(tmp_path / "b.xlsx", [header, *rows])))
    assert_rejected(
        result,
        "第2行 状态：'暂停' 不是可用的取值",
        "第3行 原因：项目停滞，必须写明原因",
        "第4行 项目 XM000003 已终止，不能修改",
    )


def test_a_unit_merged_down_over_several_projects_applies_to_each(zs, tmp_path):
    book = write_book(
        tmp_path / "a.xlsx",
        [["项目名称", "责任单位", "总投资"], ["甲项目", "渠沟镇", 100], ["乙项目", None, 200], ["丙项目", None, 300]],
        merges=("B2:B4",),
    )
    zs.ok("import", "projects", str(book))
    assert {project["unit"] for project in projects(zs)} == {"渠沟镇"}


def test_headings_and_notes_between_rows_are_skipped_and_said_so(zs, tmp_path):
    book = write_book(
        tmp_path / "a.xlsx",
        [
            ["序号", "项目名称", "责任单位", "总投资"],
            ["一、签约项目"],
            [1, "甲项目", "开发区", 100],
            [],
            ["注：金额单位为万元"],
        ],
        merges=("A2:D2",),
    )
    out = zs.ok("import", "projects", str(book))
    assert "第2行 只有一格文字「一、签约项目」" in out and "第5行 只有一格文字「注：金额单位为万元」" in out
    assert [project["name"] for project in projects(zs)] == ["甲项目"]


def test_the_same_project_twice_in_one_workbook_is_refused(zs, tmp_path):
    book = simple_book(
        tmp_path / "a.xlsx", [[1, "甲项目", "甲公司", 100, "开发区"], [2, "甲项目", "甲公司", 200, "开发区"]]
    )
    assert_rejected(zs("import", "projects", str(book)), "第4行 与第3行是同一个项目")


def test_the_sheet_is_found_or_named(zs, tmp_path):
    book = write_book(
        tmp_path / "a.xlsx",
        [["说明：本工作簿包含签约项目"]],
        title="说明",
        more={"签约项目": [["项目名称", "责任单位", "总投资"], ["甲项目", "开发区", 100]], "汇总": [["合计", 100]]},
    )
    out = zs.ok("import", "projects", str(book), "--dry-run")
    assert "工作表「签约项目」" in out and "其他工作表没有导入：说明、汇总" in out
    assert_rejected(
        zs("import", "projects", str(book), "--sheet", "签约"),
        "工作表（--sheet）：'签约' 不存在",
        "说明、签约项目、汇总",
    )
    assert_rejected(zs("import", "projects", str(book), "--sheet", "汇总"), "工作表「汇总」前30行中找不到表头")


def _ole_file(path: Path, stream_name: str) -> Path:
    """The first bytes of a Compound File (as .xls and password-protected .xlsx are), naming one stream."""
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64
    )
    return path


@pytest.mark.parametrize(
    "make, fragments",
    [
        (lambda folder: folder / "没有.xlsx", ("文件不存在",)),
        (
            lambda folder: _write(folder / "a.xlsx", "项目名称,责任单位\n甲项目,开发区\n"),
            ("不是 Excel 工作簿（.xlsx）：a.xlsx",),
        ),
        # .xls is read now (python-calamine); a Compound File that is no workbook is refused as damaged
        (lambda folder: _ole_file(folder / "old.xls", "Workbook"), ("无法读取 Excel 工作簿：old.xls",)),
        (lambda folder: _ole_file(folder / "secret.xlsx", "EncryptedPackage"), ("设有打开密码（已加密）",)),
        (lambda folder: _zip(folder / "a.xlsx"), ("无法读取 Excel 工作簿",)),
        (lambda folder: write_book(folder / "empty.xlsx", []), ("工作表「台账」是空的",)),
        (lambda folder: write_book(folder / "a.xlsx", [["会议纪要"], ["今天讨论了三件事"]]), ("找不到表头",)),
        (
            lambda folder: write_book(folder / "a.xlsx", [["序号", "责任单位", "总投资"], [1, "开发区", 100]]),
            ("没有「项目名称」列",),
        ),
        (
            lambda folder: write_book(folder / "a.xlsx", [["项目名称", "签约时间", "签约日期"], ["甲", None, None]]),
            ("B列「签约时间」和C列「签约日期」都是签约时间",),
        ),
    ],
)
def test_what_cannot_be_read_is_refused_clearly(zs, tmp_path, make, fragments):
    before = dump(zs.db)
    assert_rejected(zs("import", "projects", str(make(tmp_path))), *fragments)
    assert dump(zs.db) == before


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _zip(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    return path


def test_a_new_project_needs_the_columns_add_needs(zs, tmp_path):
    book = write_book(tmp_path / "a.xlsx", [["项目名称", "责任单位", "签约时间"], ["甲项目", "开发区", "2024-01-01"]])
    assert_rejected(zs("import", "projects", str(book)), "表中没有「总投资」列，账本中没有的项目（第2行）无法新增")


def test_large_workbooks_report_progress(people, tmp_path):
    zs = people
    count = 620
    book = simple_book(
        tmp_path / "big.xlsx",
        [[n, f"项目{n}", None, n, "开发区", "李四", "张三", "2024-01-02"] for n in range(1, count + 1)],
    )
    calls: list[tuple[str, int, int]] = []
    ledger = Ledger.open(zs.db)
    [report] = import_projects(ledger, "测试员", book, dry_run=True, progress=lambda *call: calls.append(call))
    ledger.close()
    assert len(report.added) == count
    assert ("读取", count + 2, count + 2) in calls  # rows 3..622, reported by their row number
    assert ("校验", 500, count) in calls
    assert "已导入：新增 620 个项目" in zs.ok("import", "projects", str(book))  # with the bar on stderr


def test_a_data_row_under_the_header_is_not_taken_for_a_second_header_row():
    rows = [["项目名称", "责任单位", "进展情况", "总投资"], ["甲项目", "开发区", "开工", 100]]
    header = detect_header(rows)
    assert (header.first_row, header.last_row) == (1, 1)
    assert [column.field for column in header.columns] == ["name", "unit", None, "amount"]
