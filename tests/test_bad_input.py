"""Bad input: each case exits 2 with a Chinese message naming the field and the value,
and leaves the ledger exactly as it was."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import Zs, assert_rejected, dump


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A ledger with two namesakes, a signed project P1 and a terminated project P2."""
    zs = Zs(tmp_path_factory.mktemp("template") / "ledger.sqlite")
    zs.ok("init")
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "张伟", "--unit", "区发改委", "--role", "head")
    zs.ok("person", "add", "张伟", "--unit", "渠沟镇", "--role", "member")
    zs.ok(
        "project", "add", "电池项目", "--unit", "开发区", "--amount", "1.2亿", "--code", "P1", "--signed", "2024-03-01"
    )
    zs.ok("project", "add", "旧项目", "--unit", "开发区", "--amount", "5000", "--code", "P2", "--signed", "2024-01-05")
    zs.ok("project", "terminate", "P2", "--reason", "企业撤资")
    zs.ok("project", "add", "物流园", "--unit", "渠沟镇", "--amount", "2亿", "--code", "P3")
    return zs.db


@pytest.fixture
def zs(template: Path, tmp_path: Path) -> Zs:
    db = tmp_path / "ledger.sqlite"
    shutil.copy(template, db)
    return Zs(db)


ADD = ("project", "add", "新项目", "--unit", "开发区", "--amount")

CASES = [
    # (case id, arguments, fragments the message must contain)
    ("unknown unit", ("project", "add", "X", "--unit", "不存在局", "--amount", "1亿"), ("责任单位", "不存在局")),
    ("unknown handler", (*ADD, "1亿", "--handler", "王五"), ("专人", "王五")),
    ("unknown leader", (*ADD, "1亿", "--leader", "赵六"), ("包保领导", "赵六")),
    ("ambiguous person", (*ADD, "1亿", "--handler", "张伟"), ("张伟", "同名", "区发改委", "渠沟镇")),
    ("amount abc", (*ADD, "abc"), ("总投资", "'abc'")),
    ("amount negative", (*ADD, "-5"), ("总投资", "'-5'")),
    ("amount 1.2.3亿", (*ADD, "1.2.3亿"), ("总投资", "'1.2.3亿'")),
    ("amount zero", (*ADD, "0"), ("总投资", "'0'")),
    ("amount below a yuan", (*ADD, "0.00001"), ("总投资", "'0.00001'")),
    ("amount with a misplaced comma", (*ADD, "1,20万"), ("总投资", "'1,20万'")),
    ("amount too large for any project", (*ADD, "100000000000000000000000"), ("总投资", "超过")),
    ("backup into a missing folder", ("db", "backup", "/nonexistent-zs-folder/copy.sqlite"), ("文件夹不存在",)),
    ("backup onto an empty path", ("db", "backup", ""), ("备份文件路径",)),
    ("impossible date", (*ADD, "1亿", "--signed", "2024-02-30"), ("签约日期", "'2024-02-30'")),
    ("month 13", (*ADD, "1亿", "--signed", "2024-13-01"), ("签约日期", "'2024-13-01'")),
    ("date gibberish", (*ADD, "1亿", "--signed", "三月一日"), ("签约日期", "'三月一日'")),
    ("started without signed", (*ADD, "1亿", "--started", "2024-04-01"), ("开工日期", "2024-04-01", "签约")),
    (
        "started before signed",
        (*ADD, "1亿", "--signed", "2024-04-01", "--started", "2024-03-01"),
        ("开工日期", "2024-03-01", "早于"),
    ),
    (
        "producing without started",
        (*ADD, "1亿", "--signed", "2024-04-01", "--producing", "2024-05-01"),
        ("投产日期", "开工"),
    ),
    ("duplicate code", (*ADD, "1亿", "--code", "P1"), ("项目编号", "'P1'", "已存在")),
    ("unknown channel", (*ADD, "1亿", "--channel", "网络招商"), ("招商方式", "网络招商")),
    ("empty name", ("project", "add", " ", "--unit", "开发区", "--amount", "1亿"), ("项目名称",)),
    ("advance unknown stage", ("project", "advance", "P1", "finished", "--on", "2024-05-01"), ("阶段", "'finished'")),
    ("advance unknown project", ("project", "advance", "P9", "started", "--on", "2024-05-01"), ("项目编号", "'P9'")),
    (
        "advance before predecessor",
        ("project", "advance", "P1", "started", "--on", "2024-02-01"),
        ("开工日期", "2024-02-01", "早于"),
    ),
    ("advance out of order", ("project", "advance", "P1", "included", "--on", "2024-05-01"), ("纳统日期", "开工")),
    ("advance reached stage", ("project", "advance", "P1", "签约", "--on", "2024-05-01"), ("P1", "签约")),
    ("advance bad date", ("project", "advance", "P1", "started", "--on", "2024-04-31"), ("'2024-04-31'",)),
    ("advance terminated", ("project", "advance", "P2", "started", "--on", "2024-05-01"), ("P2", "已终止")),
    ("edit nothing", ("project", "edit", "P1"), ("没有给出要修改的字段",)),
    ("edit bad amount", ("project", "edit", "P1", "--amount", "一亿"), ("总投资", "'一亿'")),
    ("edit signed after started", ("project", "edit", "P1", "--started", "2024-02-01"), ("开工日期", "早于")),
    ("edit to taken code", ("project", "edit", "P3", "--code", "P1"), ("项目编号", "'P1'", "已存在")),
    ("edit terminated", ("project", "edit", "P2", "--amount", "6000"), ("P2", "已终止")),
    ("stall without reason", ("project", "stall", "P1", "--reason", " "), ("原因",)),
    ("resume an active project", ("project", "resume", "P1"), ("P1", "正常")),
    ("list bad format", ("project", "list", "--format", "xml"), ("输出格式", "'xml'")),
    ("list bad stage", ("project", "list", "--stage", "done"), ("阶段", "'done'")),
    ("list bad year", ("project", "list", "--year", "24"), ("年度", "'24'")),
    ("show unknown project", ("project", "show", "NOPE"), ("项目编号", "'NOPE'")),
    ("unit add duplicate", ("unit", "add", "开发区", "--kind", "zone"), ("单位名称", "'开发区'", "已存在")),
    ("unit add alias taken", ("unit", "add", "区委督察考核办", "--kind", "部门"), ("'区委督察考核办'", "已存在")),
    ("unit add unknown kind", ("unit", "add", "东城街道", "--kind", "village"), ("单位类型", "'village'")),
    ("person unknown role", ("person", "add", "李四", "--unit", "开发区", "--role", "boss"), ("职务类别", "'boss'")),
    ("person unknown unit", ("person", "add", "李四", "--unit", "火星局", "--role", "head"), ("单位", "'火星局'")),
    (
        "person until before since",
        (
            "person",
            "add",
            "李四",
            "--unit",
            "开发区",
            "--role",
            "head",
            "--since",
            "2024-05-01",
            "--until",
            "2024-04-01",
        ),
        ("--until", "2024-04-01"),
    ),
    (
        "person duplicate in unit",
        ("person", "add", "张三", "--unit", "开发区", "--role", "staff"),
        ("张三", "开发区", "已登记"),
    ),
    (
        "person bad since",
        ("person", "add", "李四", "--unit", "开发区", "--role", "head", "--since", "2024/2/30"),
        ("--since", "'2024/2/30'"),
    ),
    ("missing option", ("project", "add", "X"), ("缺少选项", "--unit")),
    ("unknown option", ("project", "list", "--colour", "red"), ("没有这个选项", "--colour")),
    ("unknown command", ("project", "frobnicate"), ("没有这个命令", "frobnicate")),
    ("option without its value", ("project", "add", "X", "--unit"), ("--unit",)),
    ("init over an existing file", ("init",), ("已存在",)),
    ("init bad year", ("init", "--year", "二〇二四"), ("年度",)),
]


@pytest.mark.parametrize("args, fragments", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_refused_and_changes_nothing(zs: Zs, args, fragments):
    before = dump(zs.db)
    result = zs(*args)
    assert_rejected(result, *fragments)
    assert dump(zs.db) == before


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


def _write_sqlite(path: Path, application_id: int = 0, user_version: int = 0) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.execute(f"PRAGMA application_id = {application_id}")
    connection.execute(f"PRAGMA user_version = {user_version}")
    connection.commit()
    connection.close()


def test_a_sqlite_file_that_is_not_a_ledger_is_refused(tmp_path: Path):
    db = tmp_path / "other.sqlite"
    _write_sqlite(db)
    before = db.read_bytes()
    assert_rejected(Zs(db)("project", "list"), "不是 zs 账本", str(db))
    assert db.read_bytes() == before


def test_a_text_file_as_ledger_is_refused(tmp_path: Path):
    db = tmp_path / "notes.txt"
    db.write_text("项目台账\n", encoding="utf-8")
    assert_rejected(Zs(db)("unit", "list"), "不是 SQLite", str(db))
    assert db.read_text(encoding="utf-8") == "项目台账\n"


def test_a_missing_ledger_is_refused_with_the_init_command(tmp_path: Path):
    db = tmp_path / "missing.sqlite"
    assert_rejected(Zs(db)("unit", "list"), "不存在", "init")
    assert not db.exists()


def test_a_ledger_from_a_newer_zs_is_refused(zs: Zs):
    from zhaoshang.db import SCHEMA_VERSION

    connection = sqlite3.connect(zs.db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    connection.commit()
    connection.close()
    before = dump(zs.db)
    assert_rejected(zs("project", "list"), "更新版本", str(SCHEMA_VERSION + 7))
    assert dump(zs.db) == before


def test_an_empty_file_is_refused(tmp_path: Path):
    db = tmp_path / "empty.sqlite"
    db.touch()
    assert_rejected(Zs(db)("project", "list"), "不是 SQLite")


def test_a_damaged_ledger_is_exit_2_and_db_check_names_the_damage(zs: Zs):
    connection = sqlite3.connect(zs.db)
    connection.execute("DROP TABLE trip_project")
    connection.commit()
    connection.close()
    assert_rejected(zs("audit", "verify"), "账本无法读写", "trip_project")
    result = zs("db", "check")
    assert result.exit_code == 1 and "缺少数据表 trip_project" in result.stderr
