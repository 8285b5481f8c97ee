"""Limits checked at input, the same in every command (issue 11): text within its length,
no control or bidi characters (line breaks and tabs only in notes), zero-width characters
dropped and codes and names compared after NFKC, integers within int64, dates within
1990–2100, arguments the locale cannot read. Each bad case exits 2 with a Chinese message,
no traceback, and the ledger byte for byte as it was."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Zs, assert_rejected, dump
from zhaoshang.cli import app
from zhaoshang.parsing import CODE_MAX, NAME_MAX, NOTE_MAX, PERSON_NAME_MAX, REASON_MAX, UNIT_NAME_MAX


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Persons, a unit with Latin letters in its name, two projects, a trip, a fund, a building."""
    zs = Zs(tmp_path_factory.mktemp("limits") / "ledger.sqlite")
    zs.ok("init")
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "渠沟镇", "--role", "member")
    zs.ok("unit", "add", "ABC产业园", "--kind", "zone")
    zs.ok("project", "add", "电池项目", "--unit", "开发区", "--amount", "1.2亿", "--code", "XM000001")
    zs.ok("project", "advance", "XM000001", "signed", "--on", "2024-03-01")
    zs.ok("project", "add", "物流园", "--unit", "渠沟镇", "--amount", "2亿", "--code", "P3")
    zs.ok("trip", "log", "--person", "张三", "--from", "2024-03-01", "--to", "2024-03-03", "--dest", "上海")
    zs.ok("fund", "add", "产业基金A", "--kind", "guidance", "--on", "2024-05-01")
    zs.ok("building", "set", "总部大厦", "--unit", "渠沟镇", "--year", "2024", "--revenue", "1亿", "--tax", "1000万")
    return zs.db


@pytest.fixture
def ledger(template: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # a stray ./zs.sqlite would land here, not in the repository
    db = tmp_path / "ledger.sqlite"
    shutil.copy(template, db)
    return db


@dataclass
class Case:
    id: str
    args: tuple[str, ...]
    fragments: tuple[str, ...]
    globals: tuple[str, ...] | None = None  # the global options; None: --db LEDGER --actor 测试员
    env: dict | None = None


def run(db: Path, case: Case):
    globals_ = ("--db", str(db), "--actor", "测试员") if case.globals is None else case.globals
    return CliRunner().invoke(app, [*globals_, *case.args], env=case.env)


# --- the table ----------------------------------------------------------------------------

ADD = ("project", "add", "新项目", "--unit", "开发区", "--amount", "1亿")
TRIP = ("trip", "log", "--person", "张三", "--from", "2024-04-01", "--to", "2024-04-02")

# Single-line fields: (case name, arguments with {} where the value goes, field named in the message).
LINE_FIELDS = [
    ("project name", ("project", "add", "{}", "--unit", "开发区", "--amount", "1亿"), "项目名称"),
    ("project code", (*ADD, "--code", "{}"), "项目编号"),
    ("project investor", (*ADD, "--investor", "{}"), "投资方"),
    ("project industry", (*ADD, "--industry", "{}"), "产业类别"),
    ("project origin", (*ADD, "--origin", "{}"), "来源地"),
    ("edit name", ("project", "edit", "XM000001", "--name", "{}"), "项目名称"),
    ("edit code", ("project", "edit", "XM000001", "--code", "{}"), "项目编号"),
    ("edit investor", ("project", "edit", "XM000001", "--investor", "{}"), "投资方"),
    ("unit name", ("unit", "add", "{}", "--kind", "部门"), "单位名称"),
    ("person name", ("person", "add", "{}", "--unit", "开发区", "--role", "staff"), "姓名"),
    ("trip dest", (*TRIP, "--dest", "{}"), "目的地"),
    ("trip region", (*TRIP, "--dest", "北京", "--region", "{}"), "区域"),
    ("trip edit dest", ("trip", "edit", "1", "--dest", "{}"), "目的地"),
    ("fund name", ("fund", "add", "{}", "--kind", "angel", "--on", "2024-06-01"), "基金名称"),
    (
        "building name",
        ("building", "set", "{}", "--unit", "渠沟镇", "--year", "2024", "--revenue", "1亿", "--tax", "0"),
        "楼宇名称",
    ),
    ("meeting title", ("meeting", "add", "--kind", "调度会", "--on", "2024-06-03", "--title", "{}"), "会议名称"),
]
# Multi-line fields (Excel's Alt+Enter): line breaks and tabs allowed, other controls not.
NOTE_FIELDS = [
    ("project note", (*ADD, "--note", "{}"), "备注"),
    ("edit note", ("project", "edit", "XM000001", "--note", "{}"), "备注"),
    ("advance note", ("project", "advance", "XM000001", "started", "--on", "2024-04-01", "--note", "{}"), "备注"),
    ("stall reason", ("project", "stall", "XM000001", "--reason", "{}"), "原因"),
    ("terminate reason", ("project", "terminate", "P3", "--reason", "{}"), "原因"),
    ("trip purpose", (*TRIP, "--dest", "北京", "--purpose", "{}"), "事由"),
    ("trip companies", (*TRIP, "--dest", "北京", "--companies", "{}"), "走访企业"),
    ("trip edit companies", ("trip", "edit", "1", "--companies", "{}"), "走访企业"),
]
# (case name, character, what the message says)
LINE_REFUSED = [
    ("SOH", "\x01", "U+0001"),
    ("ESC", "\x1b", "U+001B"),
    ("DEL", "\x7f", "U+007F"),
    ("line break", "\n", "换行"),
    ("tab", "\t", "制表符"),
    ("RTL override", "\u202e", "U+202E"),
    ("LTR mark", "\u200e", "U+200E"),
    ("isolate", "\u2066", "U+2066"),
    ("soft hyphen", "\u00ad", "U+00AD"),
]
NOTE_REFUSED = [
    ("NUL", "\x00", "U+0000"),
    ("vertical tab", "\x0b", "U+000B"),
    ("RTL mark", "\u200f", "U+200F"),
    ("Arabic letter mark", "\u061c", "U+061C"),
]


def _with(args: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(value if arg == "{}" else arg for arg in args)


CASES: list[Case] = []
for field_case, args, label in LINE_FIELDS:
    for char_case, char, said in LINE_REFUSED:
        CASES.append(Case(f"{field_case}: {char_case}", _with(args, f"甲{char}乙"), (label, said)))
for field_case, args, label in NOTE_FIELDS:
    for char_case, char, said in NOTE_REFUSED:
        CASES.append(Case(f"{field_case}: {char_case}", _with(args, f"第一行\n第二{char}行"), (label, said)))

# Lengths: one character over each field's limit.
FIELDS = {name: (args, label) for name, args, label in LINE_FIELDS + NOTE_FIELDS}
LONGEST = {
    "project name": NAME_MAX, "project code": CODE_MAX, "project investor": NAME_MAX, "project origin": NAME_MAX,
    "unit name": UNIT_NAME_MAX, "person name": PERSON_NAME_MAX, "trip dest": NAME_MAX, "trip region": 40,
    "fund name": NAME_MAX, "meeting title": NAME_MAX, "project note": NOTE_MAX, "edit note": NOTE_MAX,
    "stall reason": REASON_MAX, "trip purpose": 500, "trip companies": 2000,
}  # fmt: skip
for field_case, longest in LONGEST.items():
    args, label = FIELDS[field_case]
    CASES.append(
        Case(
            f"{field_case}: {longest + 1} characters", _with(args, "字" * (longest + 1)), (label, f"超过{longest}个字")
        )
    )
# Zero-width characters are dropped: a value made only of them is empty.
for field_case in ("project name", "project code", "unit name", "person name", "trip dest", "fund name",
                   "building name", "stall reason"):  # fmt: skip
    args, label = FIELDS[field_case]
    CASES.append(Case(f"{field_case}: only zero-width", _with(args, "\u200b\u200d\ufeff"), (label, "不能为空")))

CASES += [
    # Codes and names compared after NFKC, zero-width characters dropped: look-alikes are the same.
    Case("code with a zero-width space", (*ADD, "--code", "XM000001\u200b"), ("项目编号", "'XM000001'", "已存在")),
    Case("code with a word joiner", (*ADD, "--code", "\u2060XM000001"), ("项目编号", "已存在")),
    Case("code in full-width letters", (*ADD, "--code", "ＸＭ０００００１"), ("项目编号", "'XM000001'", "已存在")),
    Case("edit to a look-alike code", ("project", "edit", "P3", "--code", "XM000001\u200c"), ("项目编号", "已存在")),
    Case("unit with a zero-width space", ("unit", "add", "开发区\u200b", "--kind", "部门"), ("单位名称", "已存在")),
    Case("unit in full-width letters", ("unit", "add", "ＡＢＣ产业园", "--kind", "部门"), ("单位名称", "已存在")),
    Case(
        "person twin with a zero-width joiner",
        ("person", "add", "张\u200d三", "--unit", "开发区", "--role", "staff"),
        ("姓名", "张三", "已登记"),
    ),
    Case(
        "person with a full-width @", ("person", "add", "张＠三", "--unit", "开发区", "--role", "staff"), ("不能含 @",)
    ),
    Case(
        "fund in full-width letters",
        ("fund", "add", "产业基金Ａ", "--kind", "angel", "--on", "2024-06-01"),
        ("基金名称", "已登记"),
    ),
    # Integers within int64.
    Case("trip delete beyond int64", ("trip", "delete", "99999999999999999999999"), ("行程编号", "超出")),
    Case("trip edit beyond int64", ("trip", "edit", "99999999999999999999999", "--dest", "北京"), ("行程编号", "超出")),
    Case("trip delete 2**63", ("trip", "delete", str(2**63)), ("行程编号", "超出")),
    Case("trip delete 5000 digits", ("trip", "delete", "9" * 5000), ("行程编号", "超出")),
    Case("trip delete zero", ("trip", "delete", "0"), ("行程编号", "不小于 1")),
    Case("trip delete superscript", ("trip", "delete", "²²"), ("行程编号", "不存在")),
    Case(
        "trip days target beyond int64", ("target", "set", "ZS201", "99999999999999999999", "--year", "2024"), ("超出",)
    ),
    Case("count target beyond int64", ("target", "set", "ZS101", "9223372036854775808", "--year", "2024"), ("超出",)),
    Case("rate with 40 decimals", ("target", "set", "ZS104", "0." + "3" * 40, "--year", "2024"), ("超出",)),
    Case(
        "indicator beyond int64",
        ("indicator", "set", "new_enterprises", "1" + "0" * 19, "--month", "2024-03"),
        ("超出",),
    ),
    Case("percent beyond int64", ("indicator", "set", "value_added_growth", "9" * 25, "--month", "2024-03"), ("超出",)),
    Case("amount of 5000 digits", (*ADD[:-1], "9" * 5000), ("总投资", "不是有效金额")),
    Case("amount of 41 characters", (*ADD[:-1], "1." + "0" * 38 + "1"), ("总投资",)),
    Case("year of 5000 digits", ("project", "list", "--year", "2" * 5000), ("年度",)),
    Case("year in superscripts", ("project", "list", "--year", "²⁰²⁴x"), ("年度",)),
    # Backups onto the ledger's own names.
    Case("backup onto the ledger", ("db", "backup", "ledger.sqlite"), ("备份文件路径", "账本本身")),
    Case("backup onto -journal", ("db", "backup", "ledger.sqlite-journal"), ("备份文件路径", "ledger.sqlite-journal")),
    Case("backup onto -wal", ("db", "backup", "ledger.sqlite-wal"), ("备份文件路径", "ledger.sqlite-wal")),
    Case("backup onto -shm", ("db", "backup", "./ledger.sqlite-shm"), ("备份文件路径", "ledger.sqlite-shm")),
    Case("backup onto a device", ("db", "backup", "/dev/null"), ("已存在",)),
]

# Dates within 1990–2100, in every command that takes one.
DATE_OPTIONS = [
    ("project add --signed", (*ADD, "--signed", "{}"), "签约日期"),
    ("project add --started", (*ADD, "--signed", "2024-01-01", "--started", "{}"), "开工日期"),
    ("project edit --signed", ("project", "edit", "XM000001", "--signed", "{}"), "签约日期"),
    ("project advance --on", ("project", "advance", "XM000001", "started", "--on", "{}"), "日期（--on）"),
    ("project terminate --on", ("project", "terminate", "P3", "--reason", "撤资", "--on", "{}"), "终止日期"),
    ("person --since", ("person", "add", "王五", "--unit", "开发区", "--role", "staff", "--since", "{}"), "--since"),
    ("person --until", ("person", "add", "王五", "--unit", "开发区", "--role", "staff", "--until", "{}"), "--until"),
    (
        "trip --from",
        ("trip", "log", "--person", "张三", "--from", "{}", "--to", "2024-03-02", "--dest", "北京"),
        "--from",
    ),
    ("trip edit --to", ("trip", "edit", "1", "--to", "{}"), "--to"),
    ("fund --on", ("fund", "add", "天使一号", "--kind", "angel", "--on", "{}"), "组建日期"),
    ("meeting --on", ("meeting", "add", "--kind", "调度会", "--on", "{}"), "会议日期"),
    ("trip days --as-of", ("trip", "days", "--month", "2024-03", "--as-of", "{}"), "截至日期"),
    ("check quotas --as-of", ("check", "quotas", "--as-of", "{}"), "检查日期"),
]
for option_case, args, label in DATE_OPTIONS:
    for value in ("0001-01-01", "9999-12-31", "1989.12.31", "21010101"):
        CASES.append(Case(f"{option_case} {value}", _with(args, value), (label, value, "1990–2100")))
for option_case, args, label in [
    ("trip list --month", ("trip", "list", "--month", "{}"), "月份"),
    ("indicator --month", ("indicator", "set", "output", "100亿", "--month", "{}"), "月份"),
]:
    for value in ("0001-01", "9999-12", "1989年12月"):
        CASES.append(Case(f"{option_case} {value}", _with(args, value), (label, value, "1990–2100")))

# The global options.
CASES += [
    Case("--actor with a control character", ("project", "list"), ("操作人", "U+0001"), ("--actor", "张\x01三")),
    Case("--actor with a bidi override", ("unit", "list"), ("操作人", "U+202E"), ("--actor", "张\u202e三")),
    Case("--actor with a line break", ("unit", "list"), ("操作人", "换行"), ("--actor", "张三\n李四")),
    Case("--actor empty", ("unit", "list"), ("操作人", "不能为空"), ("--actor", "")),
    Case("--actor too long", ("unit", "list"), ("操作人", "超过60个字"), ("--actor", "张" * 61)),
    Case("$ZS_ACTOR with a control character", ("unit", "list"), ("ZS_ACTOR", "U+0007"), (), {"ZS_ACTOR": "a\x07b"}),
    Case("--db empty", ("project", "list"), ("账本路径", "--db", "不能为空"), ("--db", "")),
    Case("--db blank", ("project", "list"), ("账本路径", "不能为空"), ("--db", "  ")),
]
# Bytes the locale cannot read (a GBK terminal on a UTF-8 system): Python hands them over as
# lone surrogates. `张三` in GBK is d5 c5 c8 fd.
GBK = "\udcd5\udcc5\udcc8\udcfd"
CASES += [
    Case(
        "GBK project name", ("project", "add", GBK, "--unit", "开发区", "--amount", "1亿"), ("第7个参数", r"\xd5\xc5")
    ),
    Case("GBK unit filter", ("project", "list", "--unit", GBK), ("--unit", r"\xc8\xfd")),
    Case("GBK project code", ("project", "show", "XM" + GBK), ("第7个参数", r"XM\xd5")),
    Case("GBK --person", ("trip", "list", "--person", GBK), ("--person",)),
    Case("GBK --note=", ("project", "edit", "P3", "--note=" + GBK), ("--note",)),
    Case("GBK --actor", ("project", "list"), ("--actor", r"\xd5\xc5"), ("--actor", GBK)),
    Case("GBK --db", ("project", "list"), ("--db",), ("--db", GBK + ".sqlite")),
    Case("GBK $ZS_ACTOR", ("unit", "list"), ("ZS_ACTOR",), (), {"ZS_ACTOR": GBK}),
    Case("GBK unit name", ("unit", "add", GBK, "--kind", "部门"), ("第7个参数",)),
    Case("GBK trip dest", (*TRIP, "--dest", GBK), ("--dest",)),
    Case("GBK import file", ("import", "projects", GBK + ".xlsx"), ("第7个参数",)),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_in_chinese_and_changes_nothing(ledger: Path, case: Case):
    if case.env is not None:  # the ledger through $ZS_DB, as a cron job gives it
        case.env.setdefault("ZS_DB", str(ledger))
    before = dump(ledger)
    result = run(ledger, case)
    assert_rejected(result, *case.fragments)
    assert not any("\ud800" <= char <= "\udfff" for char in result.stderr)
    assert dump(ledger) == before
    assert not Path("zs.sqlite").exists()


def test_the_table_covers_every_kind_of_case():
    assert len(CASES) >= 150


# --- what is now accepted -----------------------------------------------------------------


def ok(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), "--actor", "测试员", *args])
    assert result.exit_code == 0, f"{args} → {result.exit_code}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def project(db: Path, code: str) -> dict:
    return json.loads(ok(db, "project", "show", code, "--format", "json"))


@pytest.mark.parametrize(
    "typed", ["2024.3.1", "20240301", "2024年3月1日", "2024/3/1", "2024-03-01", "２０２４．３．１"]
)
def test_the_command_line_takes_every_date_form_an_import_takes(ledger: Path, typed: str):
    code = ok(ledger, *ADD, "--signed", typed).strip().splitlines()[-1]
    assert project(ledger, code)["signed"] == "2024-03-01"


def test_the_first_and_last_days_of_the_range_are_dates(ledger: Path):
    code = ok(ledger, *ADD, "--signed", "1990-01-01", "--started", "2100-12-31").strip().splitlines()[-1]
    assert (project(ledger, code)["signed"], project(ledger, code)["started"]) == ("1990-01-01", "2100-12-31")


def test_notes_keep_line_breaks_and_tabs_and_an_excel_cell_of_text(ledger: Path):
    ok(ledger, "project", "edit", "XM000001", "--note", "第一行\r\n第二行\t续\r第三行")
    assert project(ledger, "XM000001")["note"] == "第一行\n第二行\t续\n第三行"  # Windows line ends made \n
    longest = "注" * NOTE_MAX
    ok(ledger, "project", "edit", "XM000001", "--note", longest)
    assert project(ledger, "XM000001")["note"] == longest
    ok(ledger, "project", "stall", "XM000001", "--reason", "资金未到位\n土地未摘牌")
    assert project(ledger, "XM000001")["status_reason"] == "资金未到位\n土地未摘牌"


def test_zero_width_characters_are_dropped_and_look_alikes_found(ledger: Path):
    code = ok(ledger, "project", "add", "\ufeff储能\u200b项目", "--unit", "开发区\u200b", "--amount", "1亿")
    code = code.strip().splitlines()[-1]
    assert project(ledger, code)["name"] == "储能项目"
    assert project(ledger, "ＸＭ０００００１\u200b")["code"] == "XM000001"  # full-width and zero-width: the same code
    ok(ledger, "project", "edit", "P3", "--unit", "ａｂｃ产业园".upper())  # ＡＢＣ产业园 is ABC产业园
    assert project(ledger, "P3")["unit"] == "ABC产业园"
    ok(ledger, "trip", "edit", "＃１", "--dest", "南京")  # a full-width trip number


def test_names_keep_the_form_they_were_typed_in_and_are_found_in_either(ledger: Path):
    ok(ledger, "unit", "add", "某（集团）公司", "--kind", "国企")
    ok(ledger, "person", "add", "赵六", "--unit", "某(集团)公司", "--role", "head")  # half-width brackets find it
    units = json.loads(ok(ledger, "unit", "list", "--format", "json"))
    assert "某（集团）公司" in [unit["name"] for unit in units]  # stored as typed: full-width brackets kept
    result = CliRunner().invoke(app, ["--db", str(ledger), "unit", "add", "某(集团)公司", "--kind", "国企"])
    assert_rejected(result, "单位名称", "已存在")


def test_an_int64_target_is_the_largest_accepted(ledger: Path):
    ok(ledger, "target", "set", "ZS101", str(2**63 - 1), "--year", "2024")
    targets = json.loads(ok(ledger, "target", "list", "--year", "2024", "--format", "json"))
    assert [target["value"] for target in targets if target["metric"] == "ZS101"] == [2**63 - 1]


# --- the same limits in an import ---------------------------------------------------------


def _workbook(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目编号", "项目名称", "责任单位", "总投资（万元）", "签约时间", "备注"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_an_import_checks_the_same_limits_and_lists_every_row(ledger: Path, tmp_path: Path):
    book = _workbook(
        tmp_path / "台账.xlsx",
        [
            [None, "甲\u202e项目", "开发区", 10000, None, None],
            [None, "乙项目", "开发区", 10000, "1985-03-01", None],
            [None, "丙" * (NAME_MAX + 1), "开发区", 10000, None, "备注\u2067"],
            [None, "丁项目", "开发区", 10000, "2024.3.1", "第一行\n第二行"],
        ],
    )
    before = dump(ledger)
    result = CliRunner().invoke(app, ["--db", str(ledger), "import", "projects", str(book)])
    assert_rejected(result, "第2行", "U+202E", "第3行", "1990–2100", "第4行 项目名称", f"超过{NAME_MAX}个字", "U+2067")
    assert "第5行" not in result.stderr  # Alt+Enter in a note and a dotted date are fine
    assert dump(ledger) == before


def test_an_imported_code_with_a_zero_width_space_updates_the_project(ledger: Path, tmp_path: Path):
    book = _workbook(tmp_path / "台账.xlsx", [["XM000001\u200b", "电池项目", "开发区", 15000, None, "第一行\n第二行"]])
    ok(ledger, "import", "projects", str(book))
    assert project(ledger, "XM000001")["amount"] == 15000
    assert project(ledger, "XM000001")["note"] == "第一行\n第二行"
    assert len(json.loads(ok(ledger, "project", "list", "--format", "json"))) == 2


def test_a_code_stored_in_another_form_before_is_still_found(ledger: Path):
    import sqlite3

    connection = sqlite3.connect(ledger)  # as an older zs stored it: full-width letters kept
    connection.execute("UPDATE project SET code = 'ＰＱ3' WHERE code = 'P3'")
    connection.commit()
    connection.close()
    assert project(ledger, "PQ3")["name"] == "物流园"
