"""The ledger file: opening, checking, upgrading, transactions, backup.

A ledger is a SQLite file with our `application_id` and a `user_version` equal to the
number of the last migration applied. Opening reads both with the stdlib `sqlite3` so
that nothing heavy (Alembic) is imported unless an upgrade is due.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from zhaoshang.errors import LedgerError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from zhaoshang.audit import Writer

APPLICATION_ID = 0x5A534C47  # "ZSLG": marks a SQLite file as a zs ledger
SCHEMA_VERSION = 3  # == the last migration's number; tests check it against Alembic's head
BUSY_TIMEOUT_MS = 10_000
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _configure_connection(dbapi_connection) -> None:
    # pysqlite's own transaction handling would send BEGIN (deferred) behind our back;
    # switch it off so that `begin` below decides between BEGIN and BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def make_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        _configure_connection(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A write takes the write lock at once, so two clerks and cron never meet
        # "database is locked" half-way through; reads stay deferred and never block writers (WAL).
        mode = "BEGIN IMMEDIATE" if connection.get_execution_options().get("zs_write") else "BEGIN"
        connection.exec_driver_sql(mode)

    return engine


def read_header(path: Path) -> tuple[int, int]:
    """(application_id, user_version) of a ledger file, refusing what is not a SQLite file."""
    if not path.exists():
        raise LedgerError(f"账本文件不存在：{path}", f"新建账本：zs --db {path} init")
    if path.is_dir():
        raise LedgerError(f"账本路径是一个文件夹：{path}", "请用 --db 指定账本文件，例如 --db zs.sqlite")
    with path.open("rb") as handle:
        magic = handle.read(len(_SQLITE_MAGIC))
    if magic != _SQLITE_MAGIC:
        raise LedgerError(f"不是 SQLite 账本文件：{path}", "请检查 --db 或环境变量 ZS_DB 指向的文件")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            user_version = connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise LedgerError(f"账本文件已损坏，无法读取：{path}（{error}）", "用 zs db backup 留存的备份恢复") from None
    return application_id, user_version


def run_migrations(engine: Engine, revision: str = "head") -> None:
    """Apply the package's Alembic migrations up to `revision` on a new connection."""
    with engine.connect() as connection:
        migrate(connection, revision)
        connection.commit()


def migrate(connection: Connection, revision: str = "head") -> None:
    """Apply the migrations on an open connection, inside its transaction if it has one
    (imports Alembic: only when needed)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


class Ledger:
    """An open ledger file: one engine per command."""

    def __init__(self, path: Path, engine: Engine):
        self.path = path
        self.engine = engine
        # When audit entries are stamped; the sample generator replaces it to be reproducible.
        self.clock: Callable[[], datetime] = lambda: datetime.now().astimezone()

    @classmethod
    def open(cls, path: str | Path, actor: str = "zs") -> Ledger:
        """Open an existing ledger, upgrading one written by an older zs (after keeping a copy)."""
        path = Path(path)
        application_id, version = read_header(path)
        if application_id != APPLICATION_ID:
            raise LedgerError(f"这个 SQLite 文件不是 zs 账本：{path}", "新建账本：zs --db 新文件.sqlite init")
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"账本由更新版本的 zs 写入（结构版本 {version}，本程序只认识到 {SCHEMA_VERSION}）：{path}",
                "请升级 zs：pip install --upgrade zhaoshang",
            )
        ledger = cls(path, make_engine(path))
        if version < SCHEMA_VERSION:
            ledger._upgrade(actor)
        return ledger

    @classmethod
    def create(cls, path: str | Path) -> Ledger:
        """A new, empty ledger at the head schema. Refuses a path that exists."""
        path = Path(path)
        if path.exists():
            raise LedgerError(f"文件已存在，不会覆盖：{path}", "换一个文件名，或先把旧文件移走")
        if not path.parent.exists():
            raise LedgerError(f"文件夹不存在：{path.parent}", "先建好文件夹，或换一个路径")
        engine = make_engine(path)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.commit()
            run_migrations(engine)
        except Exception:
            engine.dispose()
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        return cls(path, engine)

    def _upgrade(self, actor: str) -> None:
        """Upgrade under the write lock, so that of several zs started at once (cron, two clerks)
        one keeps a copy and upgrades while the others wait, then find the work done."""
        from zhaoshang.audit import Writer
        from zhaoshang.seeding import after_upgrade

        with self.engine.connect().execution_options(zs_write=True) as connection, connection.begin():
            version: int = connection.exec_driver_sql("PRAGMA user_version").scalar_one()  # always one row
            if version >= SCHEMA_VERSION:
                return
            self._keep_copy(version)
            migrate(connection)
            writer = Writer(connection, f"v{version}→v{SCHEMA_VERSION}")
            after_upgrade(writer, from_version=version)
            writer.finish(actor=actor, action="upgrade", at=self.clock())

    def _keep_copy(self, version: int) -> Path:
        """A copy of the ledger as it was, beside it: NAME.vN.bak (NAME.vN.2.bak … if taken)."""
        copy = self.path.with_name(f"{self.path.name}.v{version}.bak")
        number = 2
        while copy.exists():
            copy = self.path.with_name(f"{self.path.name}.v{version}.{number}.bak")
            number += 1
        # A reader beside our write lock sees the file as it is (WAL): no writer can change it meanwhile.
        return self.backup(copy)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (deferred BEGIN): sees one consistent snapshot, blocks no writer."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def write(self, actor: str, action: str, subject: str | None = None) -> Iterator[Writer]:
        """One write transaction (BEGIN IMMEDIATE) that ends with exactly one audit entry."""
        from zhaoshang.audit import Writer

        with self.engine.connect().execution_options(zs_write=True) as connection, connection.begin():
            writer = Writer(connection, subject)
            yield writer
            writer.finish(actor=actor, action=action, at=self.clock())

    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the ledger, taken with SQLite's online backup API."""
        target = Path(target)
        if not str(target).strip() or target.is_dir():
            raise LedgerError(f"备份文件路径：'{target}' 不是文件", "例如：zs db backup 备份/招商-2024-10-31.sqlite")
        if target.exists():
            raise LedgerError(f"备份文件已存在，不会覆盖：{target}", "换一个备份文件名")
        if not target.parent.exists():
            raise LedgerError(f"文件夹不存在：{target.parent}", "先建好文件夹，或换一个路径")
        source = sqlite3.connect(self.path)
        try:
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
        except sqlite3.Error as error:
            target.unlink(missing_ok=True)
            raise LedgerError(f"无法写入备份文件：{target}（{error}）", "检查文件夹是否可写、磁盘是否已满") from None
        finally:
            source.close()
        return target

    def close(self) -> None:
        self.engine.dispose()


def missing_tables(ledger: Ledger) -> list[str]:
    """Tables of the current schema that the file lacks (a ledger damaged by hand)."""
    from zhaoshang.audit import AUDITED_TABLES

    with ledger.read() as connection:
        present = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [table for table in (*AUDITED_TABLES, "audit_log") if table not in present]
