"""Schema versions: the migrations make what the models describe, and old ledgers upgrade without loss."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Zs
from zhaoshang.db import APPLICATION_ID, SCHEMA_VERSION, Ledger, make_engine, run_migrations


def _ledger_at_first_migration(path: Path) -> Ledger:
    engine = make_engine(path)
    with engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.commit()
    run_migrations(engine, "0001")
    return Ledger(path, engine)


def test_schema_version_is_the_alembic_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__import__("zhaoshang").__file__).parent / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head == f"{SCHEMA_VERSION:04d}"


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrations_build_what_the_models_describe(zs: Zs):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zhaoshang.models import metadata

    engine = make_engine(zs.db)
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert diffs == []
    # SQLite cannot reflect the expression index that keeps one target per year, metric and unit.
    connection = sqlite3.connect(zs.db)
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("INSERT INTO target (year, metric, unit_id, value) VALUES (2024, 'ZS101', NULL, '1')")
    connection.close()


def test_audited_tables_are_every_table_but_the_log():
    from zhaoshang.audit import AUDITED_TABLES
    from zhaoshang.models import metadata

    assert set(AUDITED_TABLES) == set(metadata.tables) - {"audit_log"}


def test_a_ledger_from_the_first_migration_upgrades_without_losing_a_row(tmp_path: Path):
    db = tmp_path / "old.sqlite"
    old = _ledger_at_first_migration(db)
    with old.write("老版本", "init") as writer:
        unit = writer.insert("unit", {"name": "开发区", "kind": "zone"})
        person = writer.insert("person", {"name": "张三", "unit_id": unit, "role": "head"})
        for number in range(1, 4):
            writer.insert("project", {"code": f"P{number}", "name": f"项目{number}", "unit_id": unit,
                                      "amount": number * 100_000_000, "handler_id": person,
                                      "signed_on": f"2024-0{number}-01", "status": "active"})  # fmt: skip
    old.close()
    before = sqlite3.connect(db)
    assert before.execute("PRAGMA user_version").fetchone()[0] == 1
    before.close()

    zs = Zs(db)
    projects = json.loads(zs.ok("project", "list", "--format", "json"))
    assert [(p["code"], p["amount"], p["handler"], p["signed"]) for p in projects] == [
        ("P1", 10000, "张三", "2024-01-01"),
        ("P2", 20000, "张三", "2024-02-01"),
        ("P3", 30000, "张三", "2024-03-01"),
    ]
    after = sqlite3.connect(db)
    assert after.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert after.execute("SELECT count(*) FROM target WHERE year = 2024").fetchone()[0] > 0  # seeded on upgrade
    after.close()
    backup = tmp_path / "old.sqlite.v1.bak"
    kept = sqlite3.connect(backup)
    assert kept.execute("PRAGMA user_version").fetchone()[0] == 1
    assert kept.execute("SELECT count(*) FROM project").fetchone()[0] == 3
    kept.close()
    # The upgrade is itself audited, and the old entries still explain every row.
    assert "审计核对通过" in zs.ok("audit", "verify")
    zs.ok("project", "advance", "P1", "started", "--on", "2024-02-01")


def test_several_commands_meeting_an_old_ledger_upgrade_it_once(tmp_path: Path):
    import threading

    db = tmp_path / "old.sqlite"
    _ledger_at_first_migration(db).close()
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Ledger.open(db, actor="cron").close()
        except BaseException as error:  # noqa: BLE001 - a thread's failure is reported below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".bak") == ["old.sqlite.v1.bak"]
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT count(*) FROM audit_log WHERE action = 'upgrade'").fetchone()[0] == 1
    connection.close()


def test_a_restored_old_copy_upgrades_again_keeping_both_copies(tmp_path: Path):
    import shutil

    db = tmp_path / "old.sqlite"
    _ledger_at_first_migration(db).close()
    Ledger.open(db).close()
    shutil.copy(tmp_path / "old.sqlite.v1.bak", db)  # a clerk restores the copy
    Ledger.open(db).close()
    assert (tmp_path / "old.sqlite.v1.2.bak").exists()
    assert "审计核对通过" in Zs(db).ok("audit", "verify")
