"""The ledger as it stood after an audit entry, rebuilt from the audit log alone (design §5.2).

Every write of the ledger appends one audit entry holding each row it touched, before and after,
so replaying the entries 1…N into an empty schema gives the ledger exactly as it stood after
entry N, whatever has been changed since. A bulletin names that state (`LedgerState`: the number
and hash of the last entry, and the version of zs that made it), so it can be made again, and
`zs audit verify --head` can tell whether the history still passes through it.

    state = resolve_ref(connection, "#120")          # or a hash prefix, or 2024-03-31
    with recorded_state(ledger, state) as replayed:  # a read connection on the rebuilt ledger
        run_checks(replayed, state.as_of)

The rebuilt ledger lives in memory in SQLite whatever the ledger's own backend; what is
SQLite-specific about it (sqlite_master, the driver's executemany) is kept here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from operator import itemgetter
from typing import TYPE_CHECKING

from zhaoshang import __version__
from zhaoshang.audit import GENESIS_HASH
from zhaoshang.errors import InputError
from zhaoshang.parsing import normalize_text, parse_date

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from zhaoshang.db import Ledger

VERSION = f"zs {__version__}"
_HASH_PREFIX = re.compile(r"^[0-9a-f]{8,64}$")
_MIN_PREFIX = 8
_REF_HINT = "写作条目序号（120 或 #120）、哈希前缀（至少8位，如 3f9a1c2e）或日期时间（2024-03-31、2024-03-31 18:00）；查看：zs audit log"


@dataclass(frozen=True)
class LedgerState:
    """A state of the ledger: after entry `entries` (0: before any), whose hash is `head`."""

    entries: int
    head: str
    at: str | None = None  # when the entry was written (ISO, with the writer's offset)

    @property
    def on(self) -> date | None:
        """The day the entry was written, in the writer's own time zone (as recorded)."""
        return datetime.fromisoformat(self.at).date() if self.at else None

    def to_json(self, version: str = VERSION) -> dict:
        return {"entries": self.entries, "head": self.head, "version": version}


def current_state(connection: Connection) -> LedgerState:
    """The state the ledger is in now: its last audit entry."""
    row = connection.exec_driver_sql("SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1").first()
    return LedgerState(row[0], row[1], row[2]) if row else LedgerState(0, GENESIS_HASH)


def _entry(connection: Connection, sql: str, params: dict) -> LedgerState | None:
    row = connection.exec_driver_sql(sql, params).first()
    return LedgerState(row[0], row[1], row[2]) if row else None


def resolve_ref(connection: Connection, ref: str, field: str = "账本状态（--as-recorded）") -> LedgerState:
    """The state a REF names: `N` or `#N` (after entry N), a hash prefix of 8+ hex digits, or a
    local date or date-time (the last entry at or before it; a bare date is the end of that day).

    All digits is an entry number; where no entry has that number, an 8+ digit string may still
    be a hash prefix (hashes are hex).
    """
    text = normalize_text(str(ref)).strip()
    last = current_state(connection)
    number_text = text.removeprefix("#")
    if number_text.isdigit() and (text.startswith("#") or int(number_text) <= last.entries or len(text) < _MIN_PREFIX):
        number = int(number_text)
        if not 1 <= number <= last.entries:
            raise InputError(
                f"{field}：'{ref}' 超出审计记录范围（共{last.entries}条）",
                f"条目序号为 1 到 {last.entries}；查看：zs audit head" if last.entries else "账本还没有审计记录",
            )
        state = _entry(connection, "SELECT seq, hash, at FROM audit_log WHERE seq = :seq", {"seq": number})
        assert state is not None  # the chain has no gaps below its last entry (audit verify checks it)
        return state
    if _HASH_PREFIX.match(text.lower()):
        return _by_hash_prefix(connection, text.lower(), ref, field)
    return _by_time(connection, text, ref, field)


def _by_hash_prefix(connection: Connection, prefix: str, ref: str, field: str) -> LedgerState:
    rows = connection.exec_driver_sql(
        "SELECT seq, hash, at FROM audit_log WHERE hash >= :low AND hash < :high ORDER BY seq LIMIT 2",
        {"low": prefix, "high": prefix + "g"},  # 'g' sorts after every hex digit: the prefix's range
    ).all()
    if not rows:
        raise InputError(
            f"{field}：'{ref}' 不是本账本任何审计记录的哈希", "账本的历史可能已被改写或替换；核对：zs audit verify"
        )
    if len(rows) > 1:
        raise InputError(f"{field}：哈希前缀 '{ref}' 对应多条记录（第{rows[0][0]}、{rows[1][0]}条）", "多写几位哈希")
    return LedgerState(rows[0][0], rows[0][1], rows[0][2])


def _by_time(connection: Connection, text: str, ref: str, field: str) -> LedgerState:
    moment = _parse_moment(text, ref, field)
    # Entries carry the writer's offset: compare instants, not text.
    best: LedgerState | None = None
    for seq, digest, at in connection.exec_driver_sql("SELECT seq, hash, at FROM audit_log ORDER BY seq"):
        if datetime.fromisoformat(at) <= moment:
            best = LedgerState(seq, digest, at)
    if best is None:
        raise InputError(f"{field}：'{ref}' 早于账本的第一条审计记录", "查看审计记录的时间：zs audit log")
    return best


def _parse_moment(text: str, ref: str, field: str) -> datetime:
    """A local date (its end) or date-time, as an aware datetime in the local time zone."""
    day_text, _, clock = text.replace("T", " ").partition(" ")
    try:
        day = parse_date(day_text, field)
    except InputError:
        raise InputError(f"{field}：'{ref}' 不是条目序号、哈希前缀或日期时间", _REF_HINT) from None
    if not clock.strip():
        return datetime.combine(day, time(23, 59, 59, 999999)).astimezone()
    try:
        moment = time.fromisoformat(clock.strip())
    except ValueError:
        raise InputError(f"{field}：'{ref}' 的时间部分 '{clock.strip()}' 无效", _REF_HINT) from None
    if moment.tzinfo is not None:
        return datetime.combine(day, moment)
    return datetime.combine(day, moment).astimezone()


# --- the rebuild ------------------------------------------------------------------------------


def _empty_ledger_engine():
    """An in-memory SQLite database with the head schema's tables; one connection that stays open."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from zhaoshang.models import metadata

    engine = create_engine("sqlite://", poolclass=StaticPool)
    metadata.create_all(engine)
    return engine


def _latest_rows(source: Connection, entries: int, columns_by_table: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Per table, the rows as the entries 1…`entries` leave them, as tuples of the table's columns.

    Read newest first: the first change met for a row is its last, so each row is decoded into a
    tuple once and a row deleted at the end is never written. A column added by a later migration
    is absent from older entries and stays empty, as `audit verify` expects; a column a later
    migration removed, or a table it dropped, is left out."""
    seen: set[tuple] = set()
    rows: dict[str, list[tuple]] = {table: [] for table in columns_by_table}
    # itemgetter picks a row's values in C; an older entry lacking a later column takes the slow way.
    getters = {table: itemgetter(*columns) for table, columns in columns_by_table.items()}
    unled: set[int] = set()  # projects whose last state has no lead date: entered before the column was
    entered: dict[int, str] = {}
    for at, changes in source.exec_driver_sql(
        "SELECT at, changes FROM audit_log WHERE seq <= :seq ORDER BY seq DESC", {"seq": entries}
    ):
        for change in reversed(json.loads(changes)):
            table, key = change["table"], change["key"]
            marker = (table, tuple(key) if isinstance(key, list) else key)
            if marker not in seen:
                seen.add(marker)
                after = change["after"]
                if after is not None and table in rows:
                    try:
                        rows[table].append(getters[table](after))
                    except KeyError:
                        rows[table].append(tuple(after.get(column) for column in columns_by_table[table]))
                    if table == "project" and after.get("lead_on") is None:
                        unled.add(key)
            if table == "project" and change["before"] is None and key in unled:
                entered.setdefault(key, str(at)[:10])  # the latest insert, as `audit.inserted_days` reads it
    if entered:
        rows["project"] = _with_lead_days(rows["project"], columns_by_table["project"], entered)
    return rows


def _with_lead_days(projects: list[tuple], columns: list[str], entered: dict[int, str]) -> list[tuple]:
    """Projects of a state recorded before lead dates were kept (migration 0004) get the day they
    were entered, as the upgrade gave them: the outlook reads it, and the rebuilt ledger has no log
    to read it from."""
    id_at, lead_at = columns.index("id"), columns.index("lead_on")
    return [
        (*row[:lead_at], entered.get(row[id_at]), *row[lead_at + 1 :]) if row[lead_at] is None else row
        for row in projects
    ]


@contextmanager
def recorded_state(ledger: Ledger, state: LedgerState) -> Iterator[Connection]:
    """A read connection on the ledger as it stood after entry `state.entries`, rebuilt in memory
    from the audit log alone."""
    from zhaoshang.audit import AUDITED_TABLES
    from zhaoshang.models import metadata

    columns_by_table = {name: [column.name for column in metadata.tables[name].columns] for name in AUDITED_TABLES}
    with ledger.read() as source:
        rows = _latest_rows(source, state.entries, columns_by_table)
    engine = _empty_ledger_engine()
    try:
        with engine.connect() as target:
            driver = target.connection.driver_connection
            assert driver is not None  # an open connection has its driver's
            # No secondary index: built after the rows they cost more than the one run of the rules
            # they serve saves (the rules scan the year's rows); unique constraints stay.
            for (name,) in driver.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchall():
                driver.execute(f"DROP INDEX {name}")
            for table, columns in columns_by_table.items():
                if rows[table]:
                    marks = ", ".join("?" * len(columns))
                    driver.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows[table])
            driver.commit()
            yield target
    finally:
        engine.dispose()


@contextmanager
def ledger_at(ledger: Ledger, ref: str | None) -> Iterator[tuple[Connection, LedgerState]]:
    """A read connection on the ledger now (ref None) or as it stood at `ref`, with that state."""
    if ref is None:
        with ledger.read() as connection:
            yield connection, current_state(connection)
        return
    with ledger.read() as connection:
        state = resolve_ref(connection, ref)
    with recorded_state(ledger, state) as connection:
        yield connection, state


@dataclass(frozen=True)
class HeadCheck:
    """Whether the ledger's history still passes through a head that left the machine."""

    found: LedgerState | None
    head: str
    entries: int | None = None  # the entry the head was recorded at, where known

    @property
    def ok(self) -> bool:
        return self.found is not None and (self.entries is None or self.found.entries == self.entries)


MIN_HEAD_DIGITS = 16  # a shorter prefix could be matched by a rewritten history with modest effort


def check_head(connection: Connection, head: str, entries: int | None = None) -> HeadCheck:
    """Look for the entry whose hash is `head` (or starts with it: 16 hex digits at least)."""
    text = normalize_text(head).lower()
    if not re.fullmatch(r"[0-9a-f]+", text) or not MIN_HEAD_DIGITS <= len(text) <= 64:
        raise InputError(
            f"链头哈希（--head）：'{head}' 不是哈希",
            f"写作 zs audit head 输出的64位十六进制哈希（至少前{MIN_HEAD_DIGITS}位）",
        )
    row = connection.exec_driver_sql(
        "SELECT seq, hash, at FROM audit_log WHERE hash >= :low AND hash < :high ORDER BY seq LIMIT 1",
        {"low": text, "high": text + "g"},
    ).first()
    found = LedgerState(row[0], row[1], row[2]) if row else None
    return HeadCheck(found, text, entries)
