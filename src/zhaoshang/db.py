"""The ledger file: opening, checking, upgrading, transactions, backup.

A ledger is a SQLite file with our `application_id` and a `user_version` equal to the
number of the last migration applied. Opening reads both with the stdlib `sqlite3` so
that nothing heavy (Alembic) is imported unless an upgrade is due.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang.errors import LedgerError, LedgerMissingError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from zhaoshang.audit import Writer

APPLICATION_ID = 0x5A534C47  # "ZSLG": marks a SQLite file as a zs ledger
SCHEMA_VERSION = 6  # == the last migration's number; tests check it against Alembic's head
BUSY_TIMEOUT_MS = 10_000
_SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLite keeps beside a ledger NAME-wal and NAME-shm (WAL mode), and would take a NAME-journal
# for the log of an unfinished write: a file of one of these names is part of the ledger.
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")


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


# --- SQL of SQLite's own, in one place: another database says these its way here -------------


# The pages a read may keep: 32 MiB, taken only as pages are read. The nightly check reads the
# project table a dozen times; with SQLite's default 2 MiB it read 400 MB from the file (97,000
# system calls, a sixth of its time) for a ledger of 170 MB.
READ_CACHE_PRAGMA = "PRAGMA cache_size = -32768"


def unindexed(column: str) -> str:
    """A column as a condition or an order reads it without its index (SQLite's unary `+`): where a
    range covers most of the history (signed on or before the day), a plain scan is ten times faster
    than the index. A database that plans by statistics takes the column as it is."""
    return f"+{column}"


@contextmanager
def driver_cursor(connection: Connection) -> Iterator[Any]:
    """The driver's own cursor on a connection, closed after: SQLAlchemy's result rows cost more than
    the query where a rule or a sheet reads tens of thousands of rows. Parameters are `:name`, as
    SQLAlchemy's text takes them (sqlite3's named style; a driver of another style converts here)."""
    cursor = connection.connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def make_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import NullPool

    # URL.create: a path holding `?` or `#` is a file name, not a query string.
    engine = create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool)

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


def ledger_path(value: str | Path) -> Path:
    """The ledger's path as given; an empty one is refused (it would mean the current folder)."""
    if not str(value).strip():
        raise LedgerError(
            "账本路径（--db）：不能为空", "写出账本文件，例如 --db 招商.sqlite；不写 --db 时用环境变量 ZS_DB"
        )
    return Path(value)


_FILE_KINDS = {stat.S_IFIFO: "命名管道", stat.S_IFCHR: "字符设备", stat.S_IFBLK: "块设备", stat.S_IFSOCK: "套接字"}


def _read_only_uri(path: Path) -> str:
    # as_uri() escapes `?`, `#` and `%`, which a bare `file:` URI would read as its own syntax.
    return path.absolute().as_uri() + "?mode=ro"


def read_header(path: Path) -> tuple[int, int]:
    """(application_id, user_version) of a ledger file, refusing what is not a SQLite file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise LedgerMissingError(
            f"账本文件不存在：{path}" + ("" if path.is_absolute() else f"（即 {path.absolute()}）"),
            f"新建账本：zs --db {path} init",
            str(path),
        ) from None
    except OSError as error:
        raise LedgerError(f"无法访问账本文件：{path}（{error.strerror}）", "检查路径上各文件夹的权限") from None
    if stat.S_ISDIR(mode):
        raise LedgerError(f"账本路径是一个文件夹：{path}", "请用 --db 指定账本文件，例如 --db zs.sqlite")
    if not stat.S_ISREG(mode):  # reading a pipe or a device would wait for ever, or read nonsense
        kind = _FILE_KINDS.get(stat.S_IFMT(mode), "特殊文件")
        raise LedgerError(f"账本路径不是普通文件（是{kind}）：{path}", "请用 --db 指定账本文件，例如 --db zs.sqlite")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise LedgerError(f"无法读取账本文件：{path}（{error.strerror}）", "检查文件的读权限") from None
    if magic != _SQLITE_MAGIC:
        raise LedgerError(f"不是 SQLite 账本文件：{path}", "请检查 --db 或环境变量 ZS_DB 指向的文件")
    try:
        connection = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            user_version = connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise sqlite_problem(path, error) from None
    return application_id, user_version


def _fails_integrity_check(path: Path) -> bool:
    """Whether SQLite's own check finds the file damaged (or cannot even run on it)."""
    try:
        connection = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            return connection.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
        finally:
            connection.close()
    except sqlite3.Error:
        return True


def sqlite_problem(path: Path, error: BaseException) -> LedgerError:
    """What a SQLite error met on the ledger at `path` means, said truthfully.

    Only a file that fails `PRAGMA integrity_check` is called damaged and sent to its backups:
    a locked ledger, a folder or file one may not write, a full disk and a stray `-journal`
    beside the ledger leave the ledger whole, and restoring an older copy over it would lose data.
    """
    cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps the sqlite3 error
    name: str = getattr(cause, "sqlite_errorname", "") or ""
    detail = (str(cause).splitlines() or [name])[0]
    unharmed = "账本本身没有损坏，"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in detail:
        return LedgerError("账本正被其他人写入，等待超时", "稍后再试一次")
    journal = Path(f"{path}-journal")
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) and journal.is_file():
        return _stray_journal(journal)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        folder = path.absolute().parent
        if not os.access(folder, os.W_OK):
            return LedgerError(
                f"账本所在的文件夹不可写：{folder}（SQLite 读写账本都要在它旁边建立 {path.name}-wal、{path.name}-shm）",
                unharmed + "请给这个文件夹写权限，或把账本复制到可写的文件夹后用 --db 指向它",
            )
        if path.exists() and not os.access(path, os.W_OK):
            return LedgerError(f"账本文件是只读的，不能写入：{path}", unharmed + "要修改账本，请给这个文件写权限")
        return LedgerError(f"无法打开账本：{path}（{detail}）", "检查文件和所在文件夹的权限")
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
        return LedgerError(
            f"读写账本时磁盘出错（磁盘已满、超出文件大小限制或存储故障）：{path}（{detail}）",
            "这次没有写入任何修改，" + unharmed + "腾出磁盘空间后重试（df -h 查看剩余空间）",
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) and _fails_integrity_check(path):
        return LedgerError(
            f"账本文件已损坏：{path}（{detail}）", "先把损坏的文件另存一份，再用 zs db backup 留存的备份恢复"
        )
    return LedgerError(f"账本无法读写：{detail}（{path}）", "检查账本：zs db check")


def _stray_journal(journal: Path) -> LedgerError:
    """A `-journal` beside a WAL ledger (which never writes one): SQLite would take it for the
    log of an unfinished write, roll the ledger 'back' and delete the file."""
    try:
        with journal.open("rb") as handle:
            is_database = handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:  # unreadable: still in the way, whatever it holds
        is_database = False
    what = "它本身是一个 SQLite 数据库（可能是起错了名字的备份），" if is_database else ""
    return LedgerError(
        f"账本旁有一个多余的文件 {journal}：SQLite 会把它当作一次未完成写入的日志，因此没有打开账本",
        f"账本本身没有损坏（zs 的账本从不使用 -journal 文件）。{what}"
        f"确认没有 zs 在运行后把它改名移开，例如：mv '{journal}' '{journal.with_name(journal.name + '.移开')}'",
    )


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
        path = ledger_path(path)
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
        path = ledger_path(path)
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
            connection.exec_driver_sql(READ_CACHE_PRAGMA)
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
        example = "例如：zs db backup 备份/招商-2024-10-31.sqlite"
        if not str(target).strip() or Path(target).is_dir():
            raise LedgerError(f"备份文件路径：'{target}' 不是文件", example)
        target = Path(target)
        own = self.path.resolve()
        if target.resolve() in {own, *(Path(f"{own}{suffix}") for suffix in SIDECAR_SUFFIXES)}:
            # Written there, SQLite would take the copy for part of the ledger (a `-journal` makes
            # every later command fail, and is then deleted as a finished log).
            raise LedgerError(f"备份文件路径：'{target}' 是账本本身或 SQLite 为它保留的文件名", example)
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
