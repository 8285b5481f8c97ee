"""Schema versions: the migrations make what the models describe, and old ledgers upgrade without loss."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Zs
from zhaoshang.db import APPLICATION_ID, SCHEMA_VERSION, Ledger, make_engine, run_migrations


def _ledger_at(path: Path, revision: str = "0001") -> Ledger:
    """A ledger as the release of that schema left it (by default the first)."""
    engine = make_engine(path)
    with engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.commit()
    run_migrations(engine, revision)
    return Ledger(path, engine)


def written_on(ledger: Ledger, day: str) -> None:
    """The old release writes its next entries on `day` (10:00, Beijing time)."""
    from datetime import datetime, timedelta, timezone

    ledger.clock = lambda: datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=timezone(timedelta(hours=8)))


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


def test_the_investor_key_zs404_compares_is_the_indexed_expression(zs: Zs):
    from zhaoshang.services.alike import INVESTOR_KEY_EXPRESSION, INVESTOR_KEY_SQL

    connection = sqlite3.connect(zs.db)
    sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_project_investor_key'").fetchone()[0]
    plan = connection.execute(f"EXPLAIN QUERY PLAN SELECT id FROM project WHERE {INVESTOR_KEY_SQL} = 'x'").fetchall()
    connection.close()
    assert INVESTOR_KEY_EXPRESSION in sql
    assert any("ix_project_investor_key" in row[3] for row in plan)


def test_audited_tables_are_every_table_but_the_log():
    from zhaoshang.audit import AUDITED_TABLES
    from zhaoshang.models import metadata

    assert set(AUDITED_TABLES) == set(metadata.tables) - {"audit_log"}


def test_a_ledger_from_the_first_migration_upgrades_without_losing_a_row(tmp_path: Path):
    db = tmp_path / "old.sqlite"
    old = _ledger_at(db)
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
    _ledger_at(db).close()
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
    _ledger_at(db).close()
    Ledger.open(db).close()
    shutil.copy(tmp_path / "old.sqlite.v1.bak", db)  # a clerk restores the copy
    Ledger.open(db).close()
    assert (tmp_path / "old.sqlite.v1.2.bak").exists()
    assert "审计核对通过" in Zs(db).ok("audit", "verify")


def test_a_ledger_of_schema_2_gets_posts_and_dated_statuses_from_its_audit_log(tmp_path: Path):
    db = tmp_path / "v2.sqlite"
    old = _ledger_at(db, "0002")  # the release before posts and dated statuses

    def on(day: str) -> None:  # the day the old release wrote the next entry
        written_on(old, day)

    # What the release of schema 2 wrote: persons with their one post, statuses on the project row.
    on("2024-01-02")
    with old.write("老版本", "init") as writer:
        zone = writer.insert("unit", {"name": "开发区", "kind": "zone"})
        office = writer.insert("unit", {"name": "区政府办公室", "kind": "leadership"})
        for year_target in (("ZS101", "117"), ("ZS102", "79"), ("ZS104", "0.75"), ("ZS105", "0.8")):
            writer.insert("target", {"year": 2024, "metric": year_target[0], "unit_id": None, "value": year_target[1]})
        writer.insert("person", {"name": "张三", "unit_id": zone, "role": "head", "since": "2024-02-01"})
        writer.insert("person", {"name": "李四", "unit_id": office, "role": "deputy", "until": "2024-05-31"})
        for number in range(1, 6):
            writer.insert("project", {"code": f"P{number}", "name": f"项目{number}", "unit_id": zone,
                                      "amount": 200_000_000, "signed_on": "2024-01-10", "status": "active"})  # fmt: skip
    for day, action, code, values in (
        ("2024-03-01", "project.stall", "P5", {"status": "stalled", "status_reason": "资金未到位"}),
        ("2024-04-01", "project.resume", "P5", {"status": "active", "status_reason": None}),
        ("2024-04-02", "project.stall", "P1", {"status": "stalled", "status_reason": "土地未交付"}),
        ("2024-06-15", "project.terminate", "P2", {"status": "terminated", "status_reason": "撤资"}),  # no date given
        ("2024-07-01", "project.terminate", "P3", {"status": "terminated", "status_reason": "撤资",
                                                   "terminated_on": "2024-03-01"}),  # entered late, dated
        ("2024-05-05", "project.import", "台账.xlsx", {"status": "stalled", "status_reason": "停工"}),  # P4 by import
    ):  # fmt: skip
        on(day)
        target = "P4" if action == "project.import" else code
        with old.write("老版本", action, subject=code) as writer:
            project_id = writer.connection.exec_driver_sql(
                "SELECT id FROM project WHERE code = :c", {"c": target}
            ).scalar()
            writer.update("project", {"id": project_id}, values)
    old.close()

    zs = Zs(db)
    assert "审计核对通过" in zs.ok("audit", "verify")  # the upgrade explains every row it made
    posts = json.loads(zs.ok("person", "show", "张三", "--format", "json"))["posts"]
    assert posts == [
        {"unit": "开发区", "role": "head", "role_label": "单位主要负责同志", "since": "2024-02-01", "until": None}
    ]
    assert json.loads(zs.ok("person", "show", "李四", "--format", "json"))["posts"][0]["until"] == "2024-05-31"

    def history(code: str) -> list[tuple]:
        shown = json.loads(zs.ok("project", "show", code, "--format", "json"))
        return [(event["status"], event["since"]) for event in shown["status_history"]]

    assert history("P1") == [("stalled", "2024-04-02")]
    assert history("P2") == [("terminated", "2024-06-15")]  # dated by its entry
    assert json.loads(zs.ok("project", "show", "P2", "--format", "json"))["terminated"] == "2024-06-15"
    assert history("P3") == [("terminated", "2024-03-01")]  # its own date
    assert history("P4") == [("stalled", "2024-05-05")]
    assert history("P5") == [("stalled", "2024-03-01"), ("active", "2024-04-01")]

    def signed(as_of: str) -> int:
        report = json.loads(zs("check", "quotas", "--as-of", as_of, "--select", "ZS101", "--format", "json").stdout)
        return report["results"][0]["actual"]

    assert (signed("2024-02-29"), signed("2024-06-14"), signed("2024-06-15")) == (5, 4, 3)  # P3 from 03-01, P2 06-15
    march = json.loads(zs.ok("report", "monthly", "--month", "2024-03", "--format", "json"))
    assert [(w["project"], w["since"]) for w in march["warnings"] if w["kind"] == "stalled"] == [("P5", "2024-03-01")]
    # one upgrade entry holds what it created and changed
    connection = sqlite3.connect(db)
    action, changes = connection.execute("SELECT action, changes FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    connection.close()
    tables = sorted({change["table"] for change in json.loads(changes)})
    # (and, from revision 0004, the lead dates on `project` and the thresholds of ZS406 and ZS407 in `target`)
    assert (action, tables) == ("upgrade", ["person_post", "project", "project_status", "target"])


def test_a_ledger_of_schema_3_gets_lead_dates_from_its_audit_log_and_the_new_thresholds(tmp_path: Path):
    db = tmp_path / "v3.sqlite"
    old = _ledger_at(db, "0003")  # the release before the full cycle of service

    def on(day: str) -> None:  # the day the old release wrote the next entry
        written_on(old, day)

    on("2024-01-02")
    with old.write("老版本", "init") as writer:
        zone = writer.insert("unit", {"name": "开发区", "kind": "zone"})
        for year, metric, value in (
            (2024, "ZS101", "117"),
            (2025, "ZS101", "120"),
            (2025, "ZS407.inspection_days", "20"),
        ):
            writer.insert("target", {"year": year, "metric": metric, "unit_id": None, "value": value})
    project = {"unit_id": zone, "amount": 200_000_000, "status": "active"}
    for day, action, code, signed in (("2024-01-02", "project.add", "P1", None),
                                      ("2024-02-03", "project.import", "P2", "2023-11-01"),  # entered already signed
                                      ("2024-03-04", "project.add", "P3", "2024-03-01")):  # fmt: skip
        on(day)
        with old.write("老版本", action, subject=code) as writer:
            writer.insert("project", project | {"code": code, "name": f"{code}项目", "signed_on": signed})
    on("2024-03-05")
    with old.write("老版本", "project.edit", subject="P1") as writer:  # a later edit is not when it entered
        writer.update("project", {"id": 1}, {"name": "甲项目"})
    old.close()

    zs = Zs(db)
    assert "审计核对通过" in zs.ok("audit", "verify")  # the upgrade explains every row it filled in
    leads = {p["code"]: p["lead"] for p in json.loads(zs.ok("project", "list", "--format", "json"))}
    assert leads == {"P1": "2024-01-02", "P2": "2024-02-03", "P3": "2024-03-04"}
    targets = {(t["year"], t["metric"]): t["value"] for t in json.loads(zs.ok("target", "list", "--format", "json"))}
    # seeded for every year that has targets; 2025's own ZS407 threshold is kept
    assert (targets[(2024, "ZS406.unrated_days")], targets[(2024, "ZS407.inspection_days")]) == (15, 30)
    assert (targets[(2025, "ZS406.unrated_days")], targets[(2025, "ZS407.inspection_days")]) == (15, 20)
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    action, changes = connection.execute("SELECT action, changes FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    connection.close()
    changes = json.loads(changes)
    assert action == "upgrade" and sorted({change["table"] for change in changes}) == ["project", "target"]
    filled = [(c["key"], c["before"]["lead_on"], c["after"]["lead_on"]) for c in changes if c["table"] == "project"]
    assert filled == [(1, None, "2024-01-02"), (2, None, "2024-02-03"), (3, None, "2024-03-04")]
    # the new commands work on the upgraded ledger
    zs.ok("project", "invest", "P3", "--month", "2024-03", "--amount", "100")
    assert (
        zs.last_line(
            "problem", "add", "P3", "--text", "用地", "--unit", "开发区", "--due", "2024-04-01", "--on", "2024-03-10"
        )
        == "1"
    )

    # a state recorded before the upgrade, rebuilt from the log, gets the same lead dates the upgrade gave:
    # the outlook's pipeline (P1 in talks; P2, P3 signed, not started) is the same before and after it
    def pipelines(entry: str) -> list[int]:
        bulletin = zs.ok("report", "monthly", "--month", "2024-03", "--format", "json", "--as-recorded", entry)
        return [row["pipeline"] for row in json.loads(bulletin)["outlook"]]

    assert pipelines("5") == pipelines("6") == [1, 2]
