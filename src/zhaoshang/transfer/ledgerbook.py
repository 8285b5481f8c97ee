"""The whole ledger as one workbook, and back: `zs export ledger` / `zs import ledger`.

Made from the schema, not from a list of tables: every table of the models but the audit log, in
foreign-key order (`metadata.sorted_tables`), one sheet each, rows by key with their ids kept, so
that a table added by a later issue is carried without more code. A sheet's first row gives the
columns' Chinese names, its second (hidden) row the columns themselves; values are as stored
(amounts in 元, dates as text, decimal figures as text). The first sheet, 目录, names each sheet's
table and the source ledger's last audit entry (number and hash) and zs version.

`import ledger` rebuilds the ledger in an empty one: a ledger made by `zs init`, whose seeded units,
aliases and targets it replaces, or one with nothing in it yet. A ledger that holds anything else
(persons, projects, trips…) is refused. It writes one audit entry (`ledger.import`) whose subject
names the file and the source's head, so the new history starts by saying where it came from.
The old history stays in the old file only: to move a ledger and keep its history, `zs db backup`.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang import __version__
from zhaoshang.audit import COLUMN_LABELS, key_columns, table_label
from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.files import output_path
from zhaoshang.sheets import Formats, check_text, sheet_name, write_value, xlsx_workbook
from zhaoshang.transfer.book import Book
from zhaoshang.transfer.cells import number_text

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from zhaoshang.audit import Writer

CONTENTS = "目录"
FIELD = "账本工作簿"
_CONTENTS_HEADER = ("工作表", "数据表", "行数")
_SOURCE_KEYS = {"源账本记录数": "entries", "源账本哈希": "head", "导出程序": "version"}
# What `zs init` puts in a ledger: an import of a whole ledger replaces these.
SEEDED_TABLES = ("unit", "unit_alias", "target")
_OWN_LABELS = {"id": "内部编号", "alias": "别名", "trip_id": "行程", "unit_id": "单位"}
IMPORT_HINT = "在新账本中导入：zs --db 新账本.sqlite init && zs --db 新账本.sqlite import ledger 账本.xlsx"


def _column_label(column: str) -> str:
    return _OWN_LABELS.get(column) or COLUMN_LABELS.get(column, column)


def _tables() -> list[Table]:
    """Every table of the head schema but the audit log, parents before children."""
    from zhaoshang.models import metadata

    return [table for table in metadata.sorted_tables if table.name != "audit_log"]


def _head(connection: Connection) -> tuple[int, str]:
    row = connection.exec_driver_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first()
    return (row[0], row[1]) if row else (0, "")


def _order(table: Table) -> str:
    return ", ".join(key_columns(table.name))


def export_ledger(ledger: Ledger, path: str | Path, force: bool = False) -> dict[str, int]:
    """Write every table to a new workbook; returns the rows per table."""
    path = output_path(path, FIELD, "zs export ledger 账本.xlsx", force)
    counts: dict[str, int] = {}
    tables = _tables()
    with ledger.read() as connection, xlsx_workbook(path, FIELD) as book:
        book.set_properties({"title": "招商引资台账（整本）", "author": "zs"})
        formats = Formats(book)
        bold = formats.get(bold=True, pattern=1, bg_color="#D9E1F2", border=1)
        quiet = formats.get(font_color="#808080", font_size=9)
        entries, head = _head(connection)
        taken = {CONTENTS}
        names = {table.name: sheet_name(table_label(table.name), taken) for table in tables}
        for table in tables:
            counts[table.name] = connection.exec_driver_sql(f"SELECT count(*) FROM {table.name}").scalar_one()
        contents = book.add_worksheet(CONTENTS)
        contents.set_column(0, 0, 16)
        contents.set_column(1, 1, 66)
        for column, text in enumerate(_CONTENTS_HEADER):
            contents.write_string(0, column, text, bold)
        for row, table in enumerate(tables, start=1):
            for column, value in enumerate((names[table.name], table.name, counts[table.name])):
                write_value(contents, row, column, value)
        source = {"源账本记录数": entries, "源账本哈希": head, "导出程序": f"zs {__version__}"}
        for row, (label, value) in enumerate(source.items(), start=len(tables) + 2):
            contents.write_string(row, 0, label, bold)
            write_value(contents, row, 1, value)
        for table in tables:
            sheet = book.add_worksheet(names[table.name])
            columns = [column.name for column in table.columns]
            for index, name in enumerate(columns):
                sheet.set_column(index, index, 14)
                sheet.write_string(0, index, _column_label(name), bold)
            sheet.set_row(1, None, None, {"hidden": True})
            for index, name in enumerate(columns):
                sheet.write_string(1, index, name, quiet)
            sheet.freeze_panes(2, 0)
            rows = connection.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table.name} ORDER BY {_order(table)}")
            for number, values in enumerate(rows, start=2):
                for index, value in enumerate(values):
                    if isinstance(value, str):
                        where = f"{table_label(table.name)}（{table.name}）第{number + 1}行「{_column_label(columns[index])}」"
                        sheet.write_string(number, index, check_text(value, where))
                    elif value is not None:
                        write_value(sheet, number, index, value)
    return counts


@dataclass
class LedgerImport:
    file: str
    entries: int  # of the source ledger
    head: str
    version: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows imported
    replaced: dict[str, int] = field(default_factory=dict)  # table -> seeded rows replaced


def _refuse(path: Path, message: str, hint: str = "这个工作簿须是 zs export ledger 导出的，未经改动") -> InputError:
    return InputError(f"账本工作簿 {path.name}：{message}", hint)


def _read_contents(book: Book, path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """{table: sheet} and the source's entries, head and version, from the 目录 sheet."""
    if CONTENTS not in book.sheet_names:
        raise _refuse(path, f"没有「{CONTENTS}」工作表，不是 zs export ledger 导出的整本账本")
    sheets: dict[str, str] = {}
    source: dict[str, Any] = {}
    for row in book.sheet(CONTENTS).rows():
        cells = [*row, None, None, None][:3]
        label = cells[0]
        if isinstance(label, str) and label in _SOURCE_KEYS:
            source[_SOURCE_KEYS[label]] = cells[1]
        elif isinstance(label, str) and isinstance(cells[1], str) and label != _CONTENTS_HEADER[0]:
            sheets[cells[1]] = label
    return sheets, source


def _cell(value: Any, column, table: str, number: int, path: Path) -> Any:
    """A cell as the column stores it: integers for integer columns, text for the rest."""
    from sqlalchemy import Integer

    if value is None:
        return None
    where = f"工作表「{table_label(table)}」第{number}行「{_column_label(column.name)}」"
    if isinstance(column.type, Integer):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                return int(value.strip())
            raise _refuse(path, f"{where}：'{value}' 不是整数")
        if value != int(value):
            raise _refuse(path, f"{where}：'{value}' 不是整数")
        return int(value)
    if isinstance(value, str):
        if len(value) > 32_767:
            raise _refuse(path, f"{where}：超过32767字")
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return number_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _occupied(connection: Connection, tables: list[Table]) -> list[str]:
    """Tables holding rows that are not what `zs init` seeds."""
    return [
        table.name
        for table in tables
        if table.name not in SEEDED_TABLES
        and connection.exec_driver_sql(f"SELECT 1 FROM {table.name} LIMIT 1").first() is not None
    ]


def _clear_seeded(writer: Writer, tables: list[Table]) -> dict[str, int]:
    """Delete the rows `zs init` seeded (children first), audited like every other change."""
    replaced: dict[str, int] = {}
    for table in reversed(tables):
        if table.name not in SEEDED_TABLES:
            continue
        keys = key_columns(table.name)
        rows = writer.connection.exec_driver_sql(f"SELECT {', '.join(keys)} FROM {table.name}").fetchall()
        for row in rows:
            writer.delete(table.name, dict(zip(keys, row, strict=True)))
        replaced[table.name] = len(rows)
    return replaced


def import_ledger(ledger: Ledger, actor: str, path: str | Path) -> LedgerImport:
    """Rebuild a ledger from an `export ledger` workbook, in one transaction with one audit entry."""
    path = Path(path)
    tables = _tables()
    book = Book(path)
    try:
        sheets, source = _read_contents(book, path)
        known = {table.name for table in tables}
        unknown = [name for name in sheets if name not in known]
        if unknown:
            raise _refuse(
                path, f"有本程序不认识的数据表：{'、'.join(unknown)}", "这个工作簿由更新版本的 zs 导出：请先升级 zs"
            )
        data: dict[str, list[dict]] = {}
        for table in tables:
            if table.name not in sheets:
                data[table.name] = []  # a table newer than the exporting zs: empty
                continue
            data[table.name] = _read_table(book, sheets[table.name], table, path)
    finally:
        book.close()
    result = LedgerImport(
        path.name, int(source.get("entries") or 0), str(source.get("head") or ""), str(source.get("version") or "")
    )
    subject = f"{path.name}（源账本第{result.entries}条记录 {result.head}）"
    with ledger.write(actor, "ledger.import", subject=subject) as writer:
        occupied = _occupied(writer.connection, tables)
        if occupied:
            labels = "、".join(table_label(name) for name in occupied)
            raise InputError(f"账本中已有数据（{labels}），整本导入只能导入新账本", IMPORT_HINT)
        result.replaced = _clear_seeded(writer, tables)
        from sqlalchemy.exc import IntegrityError

        for table in tables:
            rows = data[table.name]
            try:
                if rows:
                    writer.insert_many(table.name, list(rows[0]), rows)
            except (IntegrityError, sqlite3.IntegrityError) as error:
                cause = getattr(error, "orig", None) or error
                detail = str(cause).splitlines()[0]
                raise _refuse(path, f"工作表「{table_label(table.name)}」的数据互不相符（{detail}）") from None
            result.rows[table.name] = len(data[table.name])
    return result


def _read_table(book: Book, title: str, table: Table, path: Path) -> list[dict]:
    if title not in book.sheet_names:
        raise _refuse(path, f"目录中的工作表「{title}」不存在")
    rows = book.sheet(title).rows()
    next(rows, None)  # the Chinese header
    names = [value for value in next(rows, []) if value is not None]
    columns = {column.name: column for column in table.columns}
    strange = [name for name in names if name not in columns]
    if strange:
        raise _refuse(path, f"工作表「{title}」有数据表 {table.name} 没有的列：{'、'.join(map(str, strange))}")
    read = []
    for number, row in enumerate(rows, start=3):
        if all(value is None for value in row):
            continue
        cells = [*row, *([None] * (len(names) - len(row)))]
        read.append(
            {name: _cell(cells[index], columns[name], table.name, number, path) for index, name in enumerate(names)}
        )
    return read
