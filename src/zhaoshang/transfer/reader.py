"""Opening a workbook and streaming one sheet of a ledger, row by row.

openpyxl's read-only mode keeps memory flat on large files but does not give merged ranges,
which a two-row header (and a unit cell merged down over several projects) needs. So the
sheet's XML is scanned once for its `<mergeCell ref="A3:A4"/>` elements: a byte search,
much cheaper than loading the sheet in normal mode.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from zhaoshang.errors import InputError
from zhaoshang.transfer.cells import is_blank
from zhaoshang.transfer.headers import (
    FIELD_BY_KEY,
    HEADER_SEARCH_ROWS,
    Column,
    Header,
    check_header,
    clean_header,
    default_unit,
    detect_header,
)

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PROGRESS_EVERY = 500

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a Compound File: an .xls, or an .xlsx encrypted with a password
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
_TOTAL_WORDS = ("合计", "总计", "小计")
_IMPORT_HINT = "导入的文件须是 Excel 工作簿（*.xlsx）：在 Excel 中选 另存为 → Excel 工作簿"


def _contains(path: Path, needle: bytes) -> bool:
    overlap = len(needle) - 1
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def _refuse_unreadable(path: Path) -> None:
    """Clear Chinese refusals for what openpyxl cannot read, before it tries."""
    if not path.exists():
        raise InputError(f"文件不存在：{path}", "检查文件名，例如：zs import projects 项目台账.xlsx")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是 Excel 工作簿：{path}", "请给出 .xlsx 文件的路径")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == _OLE_MAGIC:
        if _contains(path, _ENCRYPTED_STREAM):
            raise InputError(
                f"文件设有打开密码（已加密），无法读取：{path.name}",
                "在 Excel 中打开，选 文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码并保存后再导入",
            )
        raise InputError(f"不是 .xlsx 工作簿：{path.name} 是旧版 Excel（.xls）文件", _IMPORT_HINT)
    if magic != _ZIP_MAGIC:
        raise InputError(f"不是 Excel 工作簿（.xlsx）：{path.name}", _IMPORT_HINT + "；CSV 文件也请先另存为 .xlsx")


@contextmanager
def open_workbook(path: Path) -> Iterator[Workbook]:
    """The workbook in read-only mode (formulas as their last computed values)."""
    _refuse_unreadable(path)
    from openpyxl import load_workbook

    # A file object, so that openpyxl does not judge the file by its extension.
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        # openpyxl raises whatever its zip and XML layers raise on a damaged or foreign file (.docx, .zip)
        except Exception as error:  # noqa: BLE001
            raise InputError(f"无法读取 Excel 工作簿：{path.name}（{type(error).__name__}）", _IMPORT_HINT) from None
        try:
            yield workbook
        finally:
            workbook.close()


def sheet_merges(workbook: Workbook, worksheet) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a read-only sheet as (min_row, min_col, max_row, max_col), 1-based."""
    from openpyxl.utils.cell import range_boundaries

    part = getattr(worksheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if part is None or archive is None:  # pragma: no cover - an openpyxl without these: headers without merges
        return []
    refs: set[bytes] = set()
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            buffer = tail + chunk
            if b"mergeCell" in buffer:
                refs.update(match[1] for match in _MERGE_CELL.finditer(buffer))
            tail = buffer[-256:]
    merges = []
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        # a merge's ref starts at a cell, never at a whole row or column
        assert min_col is not None and min_row is not None
        merges.append((min_row, min_col, max_row or min_row, max_col or min_col))
    return sorted(merges)


@dataclass
class SheetRow:
    number: int  # as Excel numbers rows
    cells: dict[str, object]  # field -> the cell's value


@dataclass
class LedgerSheet:
    """One sheet of a ledger: its header and its project rows, raw."""

    title: str
    header: Header
    unit: str | None  # the unit stated above the header (`单位：亿元`), for amount columns without one
    epoch: date
    rows: list[SheetRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # totals, headings, notes: what was left out and why
    unknown: list[str] = field(default_factory=list)  # columns not imported, as `G列「联系电话」`
    ignored: list[str] = field(default_factory=list)  # columns recognised and left out knowingly
    other_sheets: list[str] = field(default_factory=list)

    def column(self, key: str) -> Column | None:
        return self.header.fields.get(key)


def _describe(column: Column) -> str:
    return f"{column.letter}列「{column.label}」"


def _data_fills(merges, header: Header) -> tuple[dict[int, list[tuple[int, tuple[int, int]]]], dict[int, list[int]]]:
    """For merged ranges below the header: which cells of which rows show which top-left cell,
    and the top-left cells (anchors) by row."""
    fills: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    anchors: dict[int, list[int]] = {}
    for min_row, min_col, max_row, max_col in merges:
        if min_row <= header.last_row:
            continue
        anchors.setdefault(min_row, []).append(min_col)
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                if (row, col) != (min_row, min_col):
                    fills.setdefault(row, []).append((col - 1, (min_row, min_col)))
    return fills, anchors


def _read_rows(sheet: LedgerSheet, rows: Iterator[tuple], merges, estimate: int, progress: Progress | None) -> None:
    """Project rows below the header; totals, headings and notes are skipped and said so."""
    header = sheet.header
    fills, anchors = _data_fills(merges, header)
    anchor_values: dict[tuple[int, int], object] = {}
    imported = [
        column for column in header.columns if column.field in FIELD_BY_KEY and FIELD_BY_KEY[column.field].imported
    ]
    left_out = {column.index for column in header.columns if column.field is not None and column not in imported}
    # (field, index) of each imported column; the `is not None` only narrows: FIELD_BY_KEY knows each field
    imported_at = [(column.field, column.index) for column in imported if column.field is not None]
    named = {column.index for column in header.columns}
    unnamed_with_data: set[int] = set()
    number = header.last_row
    for number, row in enumerate(rows, start=header.last_row + 1):
        if progress and number % PROGRESS_EVERY == 0:
            progress("读取", number, estimate)
        for col in anchors.get(number, ()):
            anchor_values[(number, col)] = row[col - 1] if col <= len(row) else None
        filled = list(row)
        for index, anchor in fills.get(number, ()):
            if index >= len(filled):
                filled.extend([None] * (index + 1 - len(filled)))
            filled[index] = anchor_values.get(anchor)
        present = [(index, value) for index, value in enumerate(row) if not is_blank(value)]
        if not present:
            continue
        total = next(
            (clean_header(value) for _, value in present[:2] if clean_header(value).startswith(_TOTAL_WORDS)), None
        )
        if total:
            sheet.skipped.append(f"第{number}行 合计行「{total}」")
            continue
        data = [(index, value) for index, value in present if index not in left_out]
        if not data or (len(data) == 1 and isinstance(data[0][1], str)):
            texts = [str(value).strip() for _, value in present if isinstance(value, str)]
            if texts:
                sheet.skipped.append(f"第{number}行 只有一格文字「{texts[0][:30]}」，视为标题或注释")
            continue
        unnamed_with_data.update(index for index, _ in data if index not in named)
        sheet.rows.append(
            SheetRow(
                number,
                {key: filled[index] if index < len(filled) else None for key, index in imported_at},
            )
        )
    if progress:
        progress("读取", number, max(estimate, number))
    from openpyxl.utils import get_column_letter

    sheet.unknown = [_describe(column) for column in header.columns if column.field is None]
    sheet.unknown += [f"{get_column_letter(index + 1)}列（无表头）" for index in sorted(unnamed_with_data)]
    sheet.ignored = [
        _describe(column) + ("（阶段由各阶段的日期得出）" if column.field == "stage" else "")
        for column in header.columns
        if column.index in left_out
    ]


def _is_empty(rows: Iterator[tuple]) -> bool:
    return all(is_blank(value) for row in rows for value in row)


def _no_header(titles: list[str]) -> InputError:
    return InputError(
        f"工作表「{'」「'.join(titles)}」前{HEADER_SEARCH_ROWS}行中找不到表头（至少要认出两列，例如 项目名称、责任单位、总投资）",
        "表头写作 项目名称、责任单位、总投资（万元）、签约时间 等；"
        "别的列名用 --map 指明含义，例如 --map '项目全称=name' --map '主管部门=unit'"
        + ("；或用 --sheet 指定工作表" if len(titles) > 1 else ""),
    )


def read_ledger_sheet(
    path: str | Path,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> LedgerSheet:
    """The named sheet, or else the first sheet whose header can be recognised, read in full."""
    path = Path(path)
    mapping = mapping or {}
    with open_workbook(path) as workbook:
        titles = workbook.sheetnames
        if sheet is not None and sheet.strip() not in titles:
            raise InputError(f"工作表（--sheet）：'{sheet}' 不存在", f"这个工作簿中的工作表：{'、'.join(titles)}")
        candidates = [sheet.strip()] if sheet is not None else titles
        empty = []
        for title in candidates:
            worksheet = workbook[title]
            if not hasattr(worksheet, "iter_rows"):  # a chart sheet holds no cells
                empty.append(title)
                continue
            estimate = worksheet.max_row or 0
            worksheet.reset_dimensions()  # a wrong <dimension> (some programs write A1) must not cut rows
            rows = worksheet.iter_rows(values_only=True)
            first = list(islice(rows, HEADER_SEARCH_ROWS))
            merges = sheet_merges(workbook, worksheet)
            header = detect_header(first, merges, mapping)
            if header is None:
                if _is_empty(chain(first, rows)):
                    empty.append(title)
                continue
            check_header(header, mapping, title)
            found = LedgerSheet(
                title,
                header,
                default_unit(first, header),
                workbook.epoch.date(),  # 1900 or 1904 date system, for serial numbers in General cells
                other_sheets=[other for other in titles if other != title] if sheet is None else [],
            )
            _read_rows(found, chain(first[header.last_row :], rows), merges, estimate, progress)
            return found
    if len(empty) == len(candidates):
        where = f"工作表「{candidates[0]}」是空的" if len(candidates) == 1 else "工作簿中的工作表都是空的"
        raise InputError(f"{where}：{path.name}", "请选有数据的工作表，例如 --sheet 项目台账")
    raise _no_header([title for title in candidates if title not in empty])
