"""`zs report verify`: is a bulletin workbook what the ledger's recorded state gives? (design §5.2)

A bulletin names, in its document properties, its kind and period, the day it was made, and the
state of the ledger it was computed from (`entries`, `head`, `version`). Verifying rebuilds that
state from the audit log alone (`replay`), makes the same bulletin again into a temporary
workbook, and compares every cell of every sheet, skipping the one row that differs by nature:
the day of making (制表日期) and 据第N条记录重制. Figures are values, never formulas, so the cells
compare as they are.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.replay import VERSION, LedgerState
from zhaoshang.reports.model import Period, month_period, quarter_period, year_period
from zhaoshang.reports.xlsx import MADE_ROW, PROPERTY_PREFIX, write_xlsx
from zhaoshang.transfer.book import Book

FIELD = "通报文件"
_CUSTOM = "docProps/custom.xml"
_NOT_A_BULLETIN_HINT = "只能核对 zs report … --xlsx 生成的通报工作簿（文件属性中记有账本状态）"
_PERIODS = {"month": month_period, "quarter": quarter_period, "year": year_period}


@dataclass(frozen=True)
class BulletinOnFile:
    """What a bulletin workbook says it is."""

    path: Path
    period: Period
    made_on: date
    state: LedgerState
    version: str
    remade: bool


@dataclass(frozen=True)
class Difference:
    sheet: str
    cell: str
    in_file: object
    recomputed: object


@dataclass(frozen=True)
class Verdict:
    bulletin: BulletinOnFile
    cells: int  # cells compared
    differences: list[Difference]

    @property
    def method_changed(self) -> bool:
        """Made by another version of zs, whose rules may count differently (口径已变)."""
        return self.bulletin.version != VERSION


def _properties(path: Path) -> dict[str, str]:
    """The zs document properties of a workbook (docProps/custom.xml), by name without the prefix."""
    try:
        with zipfile.ZipFile(path) as package:
            if _CUSTOM not in package.namelist():
                return {}
            root = ElementTree.fromstring(package.read(_CUSTOM))
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError) as error:
        raise InputError(f"{FIELD}：无法读取 {path.name} 的文件属性（{error}）", _NOT_A_BULLETIN_HINT) from None
    properties = {}
    for item in root:
        name = item.get("name", "")
        if name.startswith(PROPERTY_PREFIX) and len(item):
            properties[name.removeprefix(PROPERTY_PREFIX)] = (item[0].text or "").strip()
    return properties


def read_bulletin(path: str | Path) -> BulletinOnFile:
    """What the workbook at `path` says it is; not a zs bulletin (or unreadable) is refused."""
    path = Path(path)
    Book(path).close()  # the package checks: a damaged file or a bomb is refused before anything reads it
    properties = _properties(path)
    needed = ("kind", "period", "made_on", "entries", "head", "version")
    if any(not properties.get(name) for name in needed) or properties["kind"] not in _PERIODS:
        raise InputError(f"{FIELD}：{path.name} 不是 zs 生成的通报（文件属性中没有账本状态）", _NOT_A_BULLETIN_HINT)
    try:
        period = _PERIODS[properties["kind"]](properties["period"])
        made_on = date.fromisoformat(properties["made_on"])
        entries = int(properties["entries"])
    except (InputError, ValueError):
        raise InputError(f"{FIELD}：{path.name} 的文件属性已损坏", _NOT_A_BULLETIN_HINT) from None
    return BulletinOnFile(
        path,
        period,
        made_on,
        LedgerState(entries, properties["head"].lower()),
        properties["version"],
        properties.get("remade") == "1",
    )


def held_state(ledger: Ledger, bulletin: BulletinOnFile) -> LedgerState:
    """The ledger's entry the bulletin names, refused when the ledger does not hold it as named."""
    with ledger.read() as connection:
        row = connection.exec_driver_sql(
            "SELECT seq, hash, at FROM audit_log WHERE seq = :seq", {"seq": bulletin.state.entries}
        ).first()
    if row is None or row[1] != bulletin.state.head:
        found = "没有这一条" if row is None else f"这一条的哈希是 {row[1][:16]}…"
        raise InputError(
            f"{FIELD}：{bulletin.path.name} 据第{bulletin.state.entries}条记录（链头 {bulletin.state.head[:16]}…）"
            f"制成，账本中{found}：账本不含这一状态",
            "账本的历史已被改写、截断，或换成了别的副本：zs audit verify --bulletin 通报.xlsx 核对；用当时的备份核对",
        )
    return LedgerState(row[0], row[1], row[2])


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _sheets(path: Path) -> dict[str, list[list]]:
    book = Book(path)
    try:
        return {title: list(book.sheet(title).rows()) for title in book.sheet_names}
    finally:
        book.close()


def compare_workbooks(on_file: Path, recomputed: Path) -> tuple[int, list[Difference]]:
    """Every cell of every sheet, but the row of the day of making: (cells compared, differences)."""
    given, made = _sheets(on_file), _sheets(recomputed)
    differences = [Difference(title, "（工作表）", "有", "无") for title in given if title not in made]
    differences += [Difference(title, "（工作表）", "无", "有") for title in made if title not in given]
    cells = 0
    for title in (title for title in made if title in given):
        rows, expected = given[title], made[title]
        for number in range(max(len(rows), len(expected))):
            if number == MADE_ROW:
                continue
            row = rows[number] if number < len(rows) else []
            want = expected[number] if number < len(expected) else []
            for column in range(max(len(row), len(want))):
                value = row[column] if column < len(row) else None
                wanted = want[column] if column < len(want) else None
                cells += 1
                if value != wanted:
                    differences.append(Difference(title, f"{_column_letters(column)}{number + 1}", value, wanted))
    return cells, differences


def verify_bulletin(ledger: Ledger, path: str | Path) -> Verdict:
    """Make the bulletin again from the state it names and compare it with the file, cell by cell."""
    from zhaoshang.replay import recorded_state
    from zhaoshang.reports.figures import build_bulletin

    bulletin = read_bulletin(path)
    state = held_state(ledger, bulletin)
    with tempfile.TemporaryDirectory(prefix="zs-verify-") as folder:
        again = Path(folder) / "通报.xlsx"
        with recorded_state(ledger, state) as connection:
            made = build_bulletin(connection, bulletin.period, bulletin.made_on, state, remade=bulletin.remade)
            made.ledger = state.to_json(bulletin.version)  # the version is the file's: compared as written
            write_xlsx(made, again)
        cells, differences = compare_workbooks(bulletin.path, again)
    return Verdict(bulletin, cells, differences)
