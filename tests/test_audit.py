"""The audit log: one entry per write, a hash chain, and verify catching edits behind zs's back."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import Zs


@pytest.fixture
def ledger(zs: Zs) -> Zs:
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("project", "add", "电池项目", "--unit", "开发区", "--amount", "1.2亿", "--code", "P1")
    zs.ok("project", "advance", "P1", "signed", "--on", "2024-03-01")
    zs.ok("project", "edit", "P1", "--handler", "张三")
    return zs


def _sql(zs: Zs, *statements: str) -> None:
    connection = sqlite3.connect(zs.db)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def test_each_write_appends_exactly_one_entry_with_actor_and_before_after(ledger: Zs):
    entries = json.loads(ledger.ok("audit", "log", "--project", "P1", "--format", "json"))
    assert [e["action"] for e in entries] == ["project.add", "project.advance", "project.edit"]
    assert {e["actor"] for e in entries} == {"测试员"}
    assert entries[1]["summary"] == ["项目 签约：空 → 2024-03-01"]
    assert "专人" in entries[2]["summary"][0]


def test_verify_passes_and_prints_the_head_hash(ledger: Zs):
    out = ledger.ok("audit", "verify")
    connection = sqlite3.connect(ledger.db)
    head = connection.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    connection.close()
    assert "审计核对通过" in out and head in out


def test_verify_catches_a_project_row_edited_with_sqlite(ledger: Zs):
    _sql(ledger, "UPDATE project SET amount = 990000000 WHERE code = 'P1'")
    result = ledger("audit", "verify")
    assert result.exit_code == 1
    assert "项目「P1」" in result.stderr and "总投资" in result.stderr


def test_verify_catches_an_audit_row_edited_with_sqlite(ledger: Zs):
    # The triggers refuse the edit; someone determined drops them first.
    _sql(ledger, "DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = '别人' WHERE seq = 3")
    result = ledger("audit", "verify")
    assert result.exit_code == 1
    assert "第3条审计记录" in result.stderr


def test_verify_catches_a_deleted_audit_entry(ledger: Zs):
    _sql(ledger, "DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE seq = 2")
    result = ledger("audit", "verify")
    assert result.exit_code == 1
    assert "第2条审计记录缺失" in result.stderr


def test_verify_catches_a_row_inserted_and_a_row_deleted_behind_its_back(ledger: Zs, tmp_path):
    _sql(ledger, "INSERT INTO unit (name, kind) VALUES ('影子单位', 'department')")
    result = ledger("audit", "verify")
    assert result.exit_code == 1 and "影子单位" in result.stderr and "没有审计记录" in result.stderr
    _sql(ledger, "DELETE FROM unit WHERE name = '影子单位'", "DELETE FROM project WHERE code = 'P1'")
    result = ledger("audit", "verify")
    assert result.exit_code == 1 and "P1" in result.stderr and "删除" in result.stderr


def test_triggers_refuse_update_and_delete_of_the_log(ledger: Zs):
    connection = sqlite3.connect(ledger.db)
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        connection.execute("UPDATE audit_log SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        connection.execute("DELETE FROM audit_log")
    connection.close()


def test_a_refused_command_writes_no_entry(ledger: Zs):
    before = len(json.loads(ledger.ok("audit", "log", "--format", "json")))
    assert ledger("project", "advance", "P1", "started", "--on", "2024-01-01").exit_code == 2
    assert len(json.loads(ledger.ok("audit", "log", "--format", "json"))) == before


def test_the_chain_links_each_entry_to_the_one_before(ledger: Zs):
    from zhaoshang.audit import GENESIS_HASH, canonical_json, entry_hash

    connection = sqlite3.connect(ledger.db)
    rows = connection.execute(
        "SELECT seq, at, actor, action, subject, changes, prev_hash, hash FROM audit_log ORDER BY seq"
    ).fetchall()
    connection.close()
    previous = GENESIS_HASH
    for seq, at, actor, action, subject, changes, prev_hash, digest in rows:
        assert prev_hash == previous
        entry = {"seq": seq, "at": at, "actor": actor, "action": action, "subject": subject,
                 "changes": json.loads(changes), "prev_hash": prev_hash}  # fmt: skip
        assert digest == entry_hash(prev_hash, entry)
        assert canonical_json(json.loads(changes)) == changes
        previous = digest


def test_a_projects_history_includes_trips_that_follow_it_up(ledger: Zs):
    ledger.ok(
        "trip",
        "log",
        "--person",
        "张三",
        "--from",
        "2024-04-01",
        "--to",
        "2024-04-03",
        "--dest",
        "上海",
        "--project",
        "P1",
    )
    entries = json.loads(ledger.ok("audit", "log", "--project", "P1", "--format", "json"))
    assert [e["action"] for e in entries] == ["project.add", "project.advance", "project.edit", "trip.log"]
