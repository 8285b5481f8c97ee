"""Proof (design §5.2): the ledger rebuilt as it stood after an entry, and heads that left the machine."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import Zs, assert_rejected, dump
from zhaoshang.audit import entry_hash


@pytest.fixture
def year(zs: Zs) -> Zs:
    """A small 2024: two heads, three major projects, trips; the state after it is what March printed."""
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "渠沟镇", "--role", "head")
    zs.ok("project", "add", "电池项目", "--unit", "开发区", "--amount", "1.2亿", "--code", "P1", "--handler", "张三")
    zs.ok("project", "advance", "P1", "signed", "--on", "2024-02-01")
    zs.ok("project", "add", "光伏项目", "--unit", "渠沟镇", "--amount", "3亿", "--code", "P2", "--signed", "2024-03-05")
    zs.ok("project", "edit", "P2", "--handler", "李四")
    zs.ok("project", "advance", "P2", "started", "--on", "2024-03-20")
    zs.ok("trip", "log", "--person", "张三", "--from", "2024-03-04", "--to", "2024-03-08", "--dest", "上海")
    return zs


def _head(zs: Zs) -> dict:
    return json.loads(zs.ok("audit", "head", "--format", "json"))


def _quotas(zs: Zs, *args: str) -> dict:
    result = zs("check", "quotas", "--format", "json", "--exit-zero", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _later_changes(zs: Zs) -> None:
    """What happens after the March bulletin: a project ends, an amount is corrected, more trips."""
    zs.ok("project", "terminate", "P2", "--reason", "企业撤资", "--on", "2024-03-10")
    zs.ok("project", "edit", "P1", "--amount", "8000万")
    zs.ok(
        "project", "add", "回溯项目", "--unit", "开发区", "--amount", "50亿", "--code", "P3", "--signed", "2024-03-02"
    )
    zs.ok("trip", "log", "--person", "李四", "--from", "2024-03-11", "--to", "2024-03-25", "--dest", "深圳")


def test_audit_head_names_the_last_entry(year: Zs):
    head = _head(year)
    connection = sqlite3.connect(year.db)
    last = connection.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    connection.close()
    assert head == {"entries": last[0], "head": last[1]}
    assert f"第{last[0]}条记录" in year.ok("audit", "head") and last[1] in year.ok("audit", "head")


def test_check_quotas_carries_the_ledger_state(year: Zs):
    data = _quotas(year, "--as-of", "2024-03-31")
    head = _head(year)
    assert data["ledger"]["entries"] == head["entries"] and data["ledger"]["head"] == head["head"]
    assert data["ledger"]["version"].startswith("zs ")
    assert "as_recorded" not in data


def test_as_recorded_reproduces_the_check_printed_before_later_changes(year: Zs):
    printed = _quotas(year, "--as-of", "2024-03-31")
    entries = printed["ledger"]["entries"]
    _later_changes(year)
    assert _quotas(year, "--as-of", "2024-03-31") != printed  # the ledger moved on
    for ref in (str(entries), f"#{entries}", printed["ledger"]["head"][:12]):
        again = _quotas(year, "--as-of", "2024-03-31", "--as-recorded", ref)
        assert again.pop("as_recorded") == entries
        assert again == printed


def test_as_recorded_defaults_as_of_to_the_entry_date_and_takes_a_date(year: Zs):
    entries = _head(year)["entries"]
    connection = sqlite3.connect(year.db)
    at = connection.execute("SELECT at FROM audit_log WHERE seq = ?", (entries,)).fetchone()[0]
    connection.close()
    data = _quotas(year, "--as-recorded", str(entries))
    assert data["as_of"] == at[:10]
    _later_changes(year)
    # Entries written today: the end of today names the last of them.
    by_date = _quotas(year, "--as-recorded", at[:10], "--as-of", "2024-03-31")
    assert by_date["ledger"]["entries"] == _head(year)["entries"]


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("999", "超出审计记录范围"),
        ("#0", "超出审计记录范围"),
        ("zzzz", "不是条目序号、哈希前缀或日期时间"),
        ("1999-01-01", "早于账本的第一条审计记录"),
        ("abcdef0123456789", "不是本账本任何审计记录的哈希"),
        ("2024-03-31 25:00", "时间部分"),
    ],
)
def test_a_ref_the_ledger_does_not_hold_is_refused(year: Zs, ref: str, fragment: str):
    before = dump(year.db)
    assert_rejected(year("check", "quotas", "--as-recorded", ref), "--as-recorded", fragment)
    assert dump(year.db) == before


def _rewrite_history(zs: Zs, seq: int, amount_yuan: int) -> None:
    """What someone holding the file can do with plain sqlite3 and sha256: change an amount in the
    row and in its audit entry, and recompute every hash from there on. `audit verify` alone passes."""
    connection = sqlite3.connect(zs.db)
    connection.execute("DROP TRIGGER audit_log_no_update")
    rows = connection.execute(
        "SELECT seq, at, actor, action, subject, changes, prev_hash FROM audit_log WHERE seq >= ? ORDER BY seq", (seq,)
    ).fetchall()
    prev_hash = rows[0][6]
    project_id = json.loads(rows[0][5])[0]["key"]
    connection.execute("UPDATE project SET amount = ? WHERE id = ?", (amount_yuan, project_id))
    for number, at, actor, action, subject, changes_text, _ in rows:
        changes = json.loads(changes_text)
        for change in changes:  # the project's row in this entry and in every later one that touched it
            if change["table"] == "project" and change["key"] == project_id:
                for side in ("before", "after"):
                    if change[side] is not None:
                        change[side]["amount"] = amount_yuan
        entry = {"seq": number, "at": at, "actor": actor, "action": action, "subject": subject, "changes": changes}
        digest = entry_hash(prev_hash, entry | {"prev_hash": prev_hash})
        connection.execute(
            "UPDATE audit_log SET changes = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (json.dumps(changes, ensure_ascii=False, sort_keys=True, separators=(",", ":")), prev_hash, digest, number),
        )
        prev_hash = digest
    connection.commit()
    connection.close()


def test_verify_head_catches_a_rewritten_history_that_verify_alone_passes(year: Zs):
    head = _head(year)["head"]
    connection = sqlite3.connect(year.db)
    added = connection.execute("SELECT seq FROM audit_log WHERE action = 'project.add' ORDER BY seq LIMIT 1").fetchone()
    connection.close()
    _rewrite_history(year, added[0], 5_000_000_000)
    assert year("audit", "verify").exit_code == 0  # the chain alone cannot tell
    result = year("audit", "verify", "--head", head)
    assert result.exit_code == 1
    assert head in result.stderr and "不再经过链头" in result.stderr


def test_verify_head_catches_an_older_backup_put_in_place(year: Zs, tmp_path):
    backup = tmp_path / "backup.sqlite"
    year.ok("db", "backup", str(backup))
    _later_changes(year)
    head = _head(year)["head"]
    assert year.ok("audit", "verify", "--head", head)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"ledger.sqlite{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, year.db)
    assert year("audit", "verify").exit_code == 0
    result = year("audit", "verify", "--head", head)
    assert result.exit_code == 1 and "不再经过链头" in result.stderr


def test_verify_head_refuses_what_is_not_a_hash(year: Zs):
    assert_rejected(year("audit", "verify", "--head", "1234"), "--head", "'1234'")


def test_an_upgraded_ledger_rebuilds_as_it_is(tmp_path):
    """The upgrade writes what it creates into its audit entry: replaying the log gives the ledger as it is."""
    from test_migrations import _ledger_at

    db = tmp_path / "v2.sqlite"
    old = _ledger_at(db, "0002")
    with old.write("老版本", "init") as writer:
        zone = writer.insert("unit", {"name": "开发区", "kind": "zone"})
        writer.insert("target", {"year": 2024, "metric": "ZS203", "unit_id": None, "value": "5"})
        writer.insert("person", {"name": "张三", "unit_id": zone, "role": "head", "since": "2024-01-01"})
        writer.insert("project", {"code": "P1", "name": "项目1", "unit_id": zone, "amount": 200_000_000,
                                  "signed_on": "2024-01-10", "status": "stalled", "status_reason": "资金"})  # fmt: skip
    old.close()
    zs = Zs(db)
    now = _quotas(zs, "--as-of", "2024-03-31")
    again = _quotas(zs, "--as-of", "2024-03-31", "--as-recorded", str(now["ledger"]["entries"]))
    assert again.pop("as_recorded") == now["ledger"]["entries"]
    assert again == now
    assert any(result["code"] == "ZS203" and result["subject"] == "张三" for result in now["results"])


def _bulletin(zs: Zs, *args: str) -> dict:
    return json.loads(zs.ok("report", "monthly", "--month", "2024-03", "--format", "json", *args))


def test_as_recorded_reproduces_the_bulletin_printed_before_later_changes(year: Zs):
    printed = _bulletin(year)
    assert printed["ledger"] == {**_head(year), "version": printed["ledger"]["version"]}
    _later_changes(year)
    assert _bulletin(year)["units"] != printed["units"]  # the ledger moved on
    again = _bulletin(year, "--as-recorded", str(printed["ledger"]["entries"]))
    assert again.pop("as_recorded") == printed["ledger"]["entries"]
    for made in (again, printed):
        made.pop("made_on")
    assert again == printed


def test_the_terminal_and_the_page_name_the_state(year: Zs, tmp_path):
    head = _head(year)
    shown = year.ok("report", "monthly", "--month", "2024-03")
    assert f"账本状态：第{head['entries']}条记录" in shown and head["head"] in shown
    again = year.ok("report", "monthly", "--month", "2024-03", "--as-recorded", str(head["entries"] - 1))
    assert f"据第{head['entries'] - 1}条记录重制" in again
    page = tmp_path / "通报.html"
    year.ok("report", "monthly", "--month", "2024-03", "--html", str(page))
    assert head["head"] in page.read_text(encoding="utf-8")


# --- bulletins that can be proven ------------------------------------------------------------------


@pytest.fixture
def march_workbook(year: Zs, tmp_path) -> Path:
    path = tmp_path / "3月通报.xlsx"
    year.ok("report", "monthly", "--month", "2024-03", "--xlsx", str(path))
    return path


def _edit_cell(path: Path, sheet: str, cell: str, change) -> Path:
    """The workbook with one cell changed, as someone with Excel (here openpyxl) would change it."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    book[sheet][cell] = change(book[sheet][cell].value)
    edited = path.with_name("改过的通报.xlsx")
    book.save(edited)
    return edited


def test_report_verify_passes_on_the_untouched_workbook_after_later_changes(year: Zs, march_workbook: Path):
    _later_changes(year)
    out = year.ok("report", "verify", str(march_workbook))
    assert "通报核对一致" in out and "2024年3月每月通报" in out


def test_report_verify_names_the_cell_edited(year: Zs, march_workbook: Path):
    from openpyxl import load_workbook

    units = load_workbook(march_workbook)["单位排名"]
    header = [cell.value for cell in units[5]]
    column = header.index("累计签约")
    cell = units.cell(6, column + 1)
    edited = _edit_cell(march_workbook, "单位排名", cell.coordinate, lambda value: value + 1)
    result = year("report", "verify", str(edited))
    assert result.exit_code == 1
    assert f"工作表「单位排名」{cell.coordinate}：文件中 {cell.value + 1}，重算为 {cell.value}" in result.stderr
    assert "通报与账本不符" in result.stderr and "口径已变" not in result.stderr


def test_report_verify_says_the_method_changed_for_another_version(year: Zs, march_workbook: Path):
    from openpyxl import load_workbook
    from openpyxl.packaging.custom import StringProperty

    book = load_workbook(march_workbook)
    del book.custom_doc_props["zs.version"]
    book.custom_doc_props.append(StringProperty(name="zs.version", value="zs 0.0.1"))
    book["单位排名"]["A6"] = "别的单位"
    old = march_workbook.with_name("旧版本通报.xlsx")
    book.save(old)
    result = year("report", "verify", str(old))
    assert result.exit_code == 1 and "口径已变" in result.stderr and "zs 0.0.1" in result.stderr


def test_the_day_of_making_is_not_compared(year: Zs, march_workbook: Path):
    edited = _edit_cell(march_workbook, "总体进度", "A3", lambda value: "制表日期：2030年1月1日")
    assert "通报核对一致" in year.ok("report", "verify", str(edited))


def test_report_verify_refuses_what_it_cannot_verify(year: Zs, march_workbook: Path, tmp_path):
    export = tmp_path / "台账.xlsx"
    year.ok("export", "projects", str(export))
    before = dump(year.db)
    assert_rejected(year("report", "verify", str(export)), "不是 zs 生成的通报")
    assert_rejected(year("report", "verify", str(tmp_path / "没有.xlsx")), "不存在")
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 not really")
    assert_rejected(year("report", "verify", str(tmp_path / "坏.xlsx")))
    connection = sqlite3.connect(year.db)
    added = connection.execute("SELECT min(seq) FROM audit_log WHERE action = 'project.add'").fetchone()[0]
    connection.close()
    _rewrite_history(year, added, 5_000_000_000)
    assert_rejected(year("report", "verify", str(march_workbook)), "账本不含这一状态")
    assert dump(year.db) != before  # rewritten by the test itself, not by zs


def test_audit_verify_bulletin_catches_a_rewritten_history(year: Zs, march_workbook: Path):
    assert "历史经过留存的链头" in year.ok("audit", "verify", "--bulletin", str(march_workbook))
    connection = sqlite3.connect(year.db)
    added = connection.execute("SELECT min(seq) FROM audit_log WHERE action = 'project.add'").fetchone()[0]
    connection.close()
    _rewrite_history(year, added, 5_000_000_000)
    assert year("audit", "verify").exit_code == 0
    result = year("audit", "verify", "--bulletin", str(march_workbook))
    assert result.exit_code == 1 and "不再经过第" in result.stderr


def test_audit_verify_bulletin_catches_an_older_backup_put_in_place(year: Zs, tmp_path):
    backup = tmp_path / "backup.sqlite"
    year.ok("db", "backup", str(backup))
    _later_changes(year)
    later = tmp_path / "后来的通报.xlsx"
    year.ok("report", "monthly", "--month", "2024-03", "--xlsx", str(later))
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"ledger.sqlite{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, year.db)
    result = year("audit", "verify", "--bulletin", str(later))
    assert result.exit_code == 1 and "不再经过第" in result.stderr


def test_a_remade_bulletin_says_so_and_verifies(year: Zs, tmp_path):
    entries = _head(year)["entries"]
    _later_changes(year)
    remade = tmp_path / "重制.xlsx"
    year.ok("report", "monthly", "--month", "2024-03", "--xlsx", str(remade), "--as-recorded", str(entries))
    from openpyxl import load_workbook

    sheet = load_workbook(remade)["总体进度"]
    assert f"据第{entries}条记录重制" in [cell.value for cell in sheet[3]]
    assert f"第{entries}条记录" in sheet["A4"].value
    assert "通报核对一致" in year.ok("report", "verify", str(remade))
