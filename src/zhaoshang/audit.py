"""The append-only, hash-chained audit log, and the Writer through which every change goes.

Each write transaction produces one entry: who, when, what, and for every row it touched
the row before and after (as stored). `hash = sha256(previous hash + canonical JSON of the
entry)`, so an entry edited behind the program's back breaks the chain, and replaying the
entries gives the state every audited row must be in, so an edited row shows too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

GENESIS_HASH = "0" * 64

# Tables whose rows the audit log must explain (every table of `models` but the log itself),
# in the order verify walks them. A test keeps this list and the models in step.
AUDITED_TABLES = (
    "unit",
    "unit_alias",
    "person",
    "project",
    "trip",
    "trip_person",
    "trip_project",
    "target",
    "indicator",
    "fund",
    "hq_building",
    "meeting",
    "person_post",
    "project_status",
    "project_distinct",
    "retired_project",
    "investment",
    "problem",
    "enterprise_request",
    "request_event",
    "inspection",
)

# Primary key columns of tables that have no `id`.
_KEYS = {"unit_alias": ("alias",), "trip_person": ("trip_id", "person_id"), "trip_project": ("trip_id", "project_id")}


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, entry: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(entry)).encode("utf-8")).hexdigest()


def key_columns(table: str) -> tuple[str, ...]:
    return _KEYS.get(table, ("id",))


def _key_of(table: str, row: dict) -> Any:
    columns = key_columns(table)
    return row[columns[0]] if len(columns) == 1 else [row[column] for column in columns]


class Writer:
    """Writes rows inside one transaction and collects the changes for its audit entry."""

    def __init__(self, connection: Connection, subject: str | None = None):
        self.connection = connection
        self.subject = subject  # what the entry is about (a project's code), for `zs audit log`
        # The changes as the canonical JSON of their list (UTF-8), each encoded when it is made: an
        # import of 100,000 rows holds one buffer rather than 100,000 dicts of a row before and after.
        self.changes = bytearray(b"[")
        self.change_count = 0

    def _one(self, sql: str, params: dict) -> dict | None:
        """One row as a dict, through the driver's own cursor: an import writes thousands of rows,
        and SQLAlchemy's result objects would cost more than SQLite itself. Same connection,
        same transaction."""
        driver = self.connection.connection.driver_connection
        assert driver is not None  # None only once the connection is closed or detached
        cursor = driver.execute(sql, params)
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description] if cursor.description else []
        cursor.close()
        return dict(zip(names, row, strict=True)) if row is not None else None

    def _row(self, table: str, key: dict) -> dict | None:
        where = " AND ".join(f"{column} = :{column}" for column in key)
        return self._one(f"SELECT * FROM {table} WHERE {where}", key)

    def _record(self, table: str, before: dict | None, after: dict | None) -> None:
        row = after if after is not None else before
        assert row is not None  # a change has a row before it, after it, or both
        key = _key_of(table, row)
        change = {"table": table, "key": key, "before": before, "after": after}
        if self.change_count:
            self.changes += b","
        self.changes += canonical_json(change).encode("utf-8")
        self.change_count += 1

    def insert(self, table: str, values: dict) -> int:
        """Insert a row; returns its rowid (its `id` where it has one)."""
        columns = ", ".join(values)
        params = ", ".join(f":{column}" for column in values)
        # RETURNING gives the row as stored (defaults and affinity applied) without a second query.
        after = self._one(
            f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING rowid AS _rowid_, *", _plain(values)
        )
        assert after is not None  # INSERT ... RETURNING gives the row it inserted
        rowid = after.pop("_rowid_")
        self._record(table, None, after)
        return rowid

    def insert_many(self, table: str, columns: list[str], rows: Iterable[dict]) -> list[int]:
        """Insert rows of the same `columns`, in order, as one statement run many times (an import of
        100,000 rows; `rows` may be a generator); each row is then read back as stored and recorded.
        Returns their rowids in order."""
        driver = self.connection.connection.driver_connection
        assert driver is not None  # None only once the connection is closed or detached
        last = driver.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        names = ", ".join(columns)
        params = ", ".join(f":{column}" for column in columns)
        driver.executemany(f"INSERT INTO {table} ({names}) VALUES ({params})", (_plain(row) for row in rows))
        # Under the write lock, rows inserted without a rowid of their own take the next ones in order.
        cursor = driver.execute(f"SELECT rowid AS _rowid_, * FROM {table} WHERE rowid > ? ORDER BY rowid", (last,))
        stored = [column[0] for column in cursor.description]
        rowids = []
        for values in cursor:
            after = dict(zip(stored, values, strict=True))
            rowids.append(after.pop("_rowid_"))
            self._record(table, None, after)
        return rowids

    def update(self, table: str, key: dict, values: dict) -> dict:
        """Update one row found by its key; returns the row after."""
        before = self._row(table, key)
        if before is None:
            raise LookupError(f"{table} {key}")
        assignments = ", ".join(f"{column} = :v_{column}" for column in values)
        where = " AND ".join(f"{column} = :k_{column}" for column in key)
        params = {f"v_{column}": value for column, value in _plain(values).items()}
        params |= {f"k_{column}": value for column, value in key.items()}
        after = self._one(f"UPDATE {table} SET {assignments} WHERE {where} RETURNING *", params)
        assert after is not None  # the row was just found in this same transaction
        if after != before:
            self._record(table, before, after)
        return after

    def delete(self, table: str, key: dict) -> None:
        before = self._row(table, key)
        if before is None:
            raise LookupError(f"{table} {key}")
        where = " AND ".join(f"{column} = :{column}" for column in key)
        self.connection.exec_driver_sql(f"DELETE FROM {table} WHERE {where}", key)
        self._record(table, before, None)

    def finish(self, actor: str, action: str, at: datetime) -> None:
        """Append the audit entry of this transaction (nothing if nothing changed)."""
        if not self.change_count:
            return
        last = self.connection.exec_driver_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        entry = {"seq": seq, "at": at.isoformat(timespec="seconds"), "actor": actor, "action": action}
        entry |= {"subject": self.subject, "prev_hash": prev_hash}
        # canonical_json of the list is its items' canonical JSON joined by commas; SQLite turns the
        # UTF-8 bytes into the TEXT column itself, so no second copy is made as a Python str.
        self.changes += b"]"
        changes, self.changes, self.change_count = self.changes, bytearray(b"["), 0
        digest = _chained_hash(prev_hash, entry, changes)
        self.connection.exec_driver_sql(
            "INSERT INTO audit_log (seq, at, actor, action, subject, changes, prev_hash, hash) "
            "VALUES (:seq, :at, :actor, :action, :subject, CAST(:changes AS TEXT), :prev_hash, :hash)",
            entry | {"changes": changes, "hash": digest},
        )


_CHANGES_SLOT = '"changes":0'


def _chained_hash(prev_hash: str, entry: dict, changes: bytes | bytearray) -> str:
    """entry_hash(prev_hash, entry with `changes`), given the changes already as canonical JSON (UTF-8).

    The slot is found as the key outside any string: inside one its quotes would be escaped."""
    before, slot, after = canonical_json(entry | {"changes": 0}).partition(_CHANGES_SLOT)
    assert slot, "the entry has a changes key"
    digest = hashlib.sha256((prev_hash + before + '"changes":').encode("utf-8"))
    digest.update(changes)
    digest.update(after.encode("utf-8"))
    return digest.hexdigest()


def _plain(values: dict) -> dict:
    """Values as SQLite stores them: dates as ISO text."""
    return {column: value.isoformat() if hasattr(value, "isoformat") else value for column, value in values.items()}


@dataclass
class AuditRecord:
    seq: int
    at: str
    actor: str
    action: str
    subject: str | None
    changes: list[dict]
    prev_hash: str
    hash: str


def iter_entries(
    connection: Connection, subject: str | None = None, table_key: tuple[str, Any] | None = None
) -> Iterator[AuditRecord]:
    """Entries in order; optionally those about a subject or touching one row."""
    sql = "SELECT seq, at, actor, action, subject, changes, prev_hash, hash FROM audit_log"
    params: dict = {}
    if table_key is not None:
        sql += (
            " WHERE subject = :subject OR EXISTS (SELECT 1 FROM json_each(audit_log.changes) AS c"
            " WHERE json_extract(c.value, '$.table') = :table AND json_extract(c.value, '$.key') = :key"
            # a link row (trip_project) names the row as the last part of its key
            " OR json_extract(c.value, '$.table') = :link_table AND json_extract(c.value, '$.key[1]') = :key)"
        )
        params = {"subject": subject, "table": table_key[0], "key": table_key[1], "link_table": f"trip_{table_key[0]}"}
    elif subject is not None:
        sql += " WHERE subject = :subject"
        params = {"subject": subject}
    for row in connection.exec_driver_sql(sql + " ORDER BY seq", params):
        yield AuditRecord(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7])


def inserted_days(connection: Connection, table: str) -> dict[Any, str]:
    """The local day (YYYY-MM-DD) of the entry that inserted each row of a table, by key: when the
    row entered the ledger (the latest insert, should a key have been used again after a delete).
    Reads the whole log: for an upgrade, or for the few rows a figure needs that carry no date."""
    days: dict[Any, str] = {}
    for record in iter_entries(connection):
        for change in record.changes:
            if change["table"] == table and change["before"] is None and change["after"] is not None:
                days[_hashable(change["key"])] = record.at[:10]
    return days


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    head_hash: str
    problem: str | None = None


def verify(connection: Connection) -> VerifyResult:
    """Re-walk the chain, then compare every audited row with the state the entries imply."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    state: dict[tuple[str, str], dict | None] = {}
    count = 0
    for record in iter_entries(connection):
        count += 1
        if record.seq != expected_seq:
            return VerifyResult(
                False, count, expected_prev, f"第{expected_seq}条审计记录缺失（下一条是第{record.seq}条）"
            )
        entry = {
            "seq": record.seq,
            "at": record.at,
            "actor": record.actor,
            "action": record.action,
            "subject": record.subject,
            "changes": record.changes,
            "prev_hash": record.prev_hash,
        }
        if record.prev_hash != expected_prev or entry_hash(record.prev_hash, entry) != record.hash:
            return VerifyResult(
                False,
                count,
                expected_prev,
                f"第{record.seq}条审计记录（{record.at} {record.actor} {record.action}）被改动，哈希链断开",
            )
        for change in record.changes:
            state[(change["table"], canonical_json(change["key"]))] = change["after"]
        expected_prev = record.hash
        expected_seq += 1
    for table in AUDITED_TABLES:
        seen: set[str] = set()
        for mapping in connection.exec_driver_sql(f"SELECT * FROM {table}").mappings():
            row = dict(mapping)
            key = canonical_json(_key_of(table, row))
            seen.add(key)
            if (table, key) not in state:
                return VerifyResult(
                    False, count, expected_prev, f"{_describe(table, row)} 没有审计记录，是绕过 zs 写入的"
                )
            expected = state[(table, key)]
            if expected is None:
                return VerifyResult(
                    False, count, expected_prev, f"{_describe(table, row)} 按审计记录已删除，却仍在账本中"
                )
            # A column added by a later migration is absent from older entries: it must still be empty.
            changed = [column for column in row if expected.get(column) != row[column]]
            if changed:
                return VerifyResult(
                    False,
                    count,
                    expected_prev,
                    f"{_describe(table, row)} 与审计记录不符（被改动的字段：{'、'.join(COLUMN_LABELS.get(c, c) for c in changed)}）",
                )
        for (state_table, key), after in state.items():
            if state_table == table and after is not None and key not in seen:
                return VerifyResult(False, count, expected_prev, f"{_describe(table, after)} 被绕过 zs 删除")
    return VerifyResult(True, count, expected_prev)


_TABLE_LABELS = {
    "unit": "单位",
    "unit_alias": "单位别名",
    "person": "人员",
    "project": "项目",
    "trip": "外出招商",
    "trip_person": "外出招商人员",
    "trip_project": "外出招商关联项目",
    "target": "目标",
    "indicator": "统计指标",
    "fund": "基金",
    "hq_building": "总部经济楼宇",
    "meeting": "会议",
    "person_post": "任职",
    "project_status": "项目状态",
    "project_distinct": "非重复项目",
    "retired_project": "已移除项目",
    "investment": "完成投资",
    "problem": "项目问题",
    "enterprise_request": "企业诉求",
    "request_event": "企业诉求办理记录",
    "inspection": "现场查看",
}


# Chinese names of columns, for the log and for verify's findings.
COLUMN_LABELS = {
    "name": "名称",
    "code": "编号",
    "kind": "类型",
    "unit_id": "单位",
    "role": "职务类别",
    "since": "起始日期",
    "until": "截止日期",
    "amount": "总投资（元）",
    "fixed_amount": "固投（元）",
    "investor": "投资方",
    "industry": "产业类别",
    "channel": "招商方式",
    "origin": "来源地",
    "leader_id": "包保领导",
    "handler_id": "专人",
    "signed_on": "签约",
    "started_on": "开工",
    "included_on": "纳统",
    "completed_on": "竣工",
    "producing_on": "投产",
    "status": "状态",
    "status_reason": "原因",
    "terminated_on": "终止日期",
    "note": "备注",
    "value": "数值",
    "date_from": "出发",
    "date_to": "返回",
    "dest": "目的地",
    "region": "区域",
    "purpose": "事由",
    "companies": "走访企业",
    "person_id": "人员",
    "project_id": "项目",
    "year": "年度",
    "metric": "指标",
    "month": "月份",
    "set_up_on": "组建日期",
    "held_on": "会议日期",
    "title": "标题",
    "revenue": "营业收入（元）",
    "tax": "税收（元）",
    "reason": "原因",
    "first_id": "项目",
    "second_id": "项目",
    "merged_into": "并入项目",
    "lead_on": "在谈日期",
    "invested": "完成投资（元）",
    "text": "内容",
    "raised_on": "提出日期",
    "due_on": "办结时限",
    "resolved_on": "解决日期",
    "enterprise": "企业",
    "received_on": "受理日期",
    "rating": "满意度",
    "rated_on": "评价日期",
    "reopened": "重办次数",
    "request_id": "诉求",
    "happened_on": "日期",
    "inspected_on": "查看日期",
    "inspectors": "查看人员",
    "result": "查看结果",
}


def _describe(table: str, row: dict) -> str:
    label = _TABLE_LABELS.get(table, table)
    name = row.get("code") or row.get("name") or row.get("alias") or _key_of(table, row)
    return f"{label}「{name}」"


def table_label(table: str) -> str:
    return _TABLE_LABELS.get(table, table)
