"""Writing workbooks with XlsxWriter: what every workbook zs writes shares.

XlsxWriter in constant_memory mode streams each row to disk as it is written, so a sheet of
100,000 projects costs the memory of one row. Rows must then be written in order, top to bottom.
Text is always written as text (a name such as `=HYPERLINK(…)` or `-项目` never becomes a formula:
the quote prefix keeps it text in Excel when the cell is edited, too); control characters are kept
as OOXML escapes by XlsxWriter, so a stored `\\x01` never breaks a workbook.

Text longer than a cell can hold (32,767 characters) is never cut silently: `check_text` refuses it
for workbooks meant to be imported back (exports, templates), and `fit_text` cuts it visibly, with
a note saying so, where the workbook is only read (the bulletin).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang import __version__
from zhaoshang.errors import InputError
from zhaoshang.files import atomic_output

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

CELL_LIMIT = 32_767  # characters an Excel cell holds
SHEET_NAME_LIMIT = 31
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "yyyy-mm-dd"
CUT_MARK = "……（超过Excel单元格上限32767字，以下从略；全文见账本）"
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


@contextmanager
def xlsx_workbook(path: Path, field: str) -> Iterator[Workbook]:
    """A new XlsxWriter workbook (constant memory) written atomically to `path`.

    `path` has been checked with `files.output_path`; `field` names the output in error messages."""
    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import FileCreateError

    with atomic_output(path, field) as temporary:
        book = Workbook(
            str(temporary),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": DATE_FORMAT,
            },
        )
        book.set_properties({"author": "zs", "comments": f"zs {__version__}"})
        try:
            yield book
        finally:
            try:
                book.close()
            except FileCreateError as error:  # XlsxWriter wraps the OSError of creating the file
                cause = error.args[0] if error.args else error
                raise cause if isinstance(cause, OSError) else OSError(str(cause)) from None


class Formats:
    """XlsxWriter formats made once per distinct set of properties (a workbook keeps each)."""

    def __init__(self, book: Workbook):
        self.book = book
        self._made: dict[tuple, Format] = {}

    def get(self, **properties: Any) -> Format:
        key = tuple(sorted(properties.items()))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self.book.add_format(properties)
        return made


def check_text(text: str, where: str) -> str:
    """Text that fits a cell; longer text is refused, naming where it is (`项目 XM000001 的备注`)."""
    if len(text) > CELL_LIMIT:
        raise InputError(
            f"{where}有{len(text)}个字，超过Excel单元格上限{CELL_LIMIT}字，写入工作簿会被截断",
            "先缩短这段文字（例如 zs project edit 编号 --note …），再导出",
        )
    return text


def fit_text(text: str) -> str:
    """Text cut visibly to a cell's limit, for workbooks that are read and never imported back."""
    if len(text) <= CELL_LIMIT:
        return text
    return text[: CELL_LIMIT - len(CUT_MARK)] + CUT_MARK


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def excel_serial(value: date) -> int | float:
    """A date (or date-time) as Excel's serial day number (1900 date system)."""
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return value.toordinal() - _EXCEL_EPOCH + seconds / 86400
    return value.toordinal() - _EXCEL_EPOCH


def write_value(sheet: Worksheet, row: int, column: int, value: Any, cell_format: Format | None = None) -> None:
    """One cell: text as text, numbers as numbers, dates as serials (the format gives them a date form)."""
    if value is None:
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, str):
        sheet.write_string(row, column, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, date):
        sheet.write_number(row, column, excel_serial(value), cell_format)
    else:
        sheet.write_number(row, column, value, cell_format)


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unused sheet name: without []:*?/\\, at most 31 characters."""
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in text).strip("'") or "工作表"
    name = cleaned[:SHEET_NAME_LIMIT]
    number = 2
    while name.lower() in {other.lower() for other in taken}:
        suffix = f"({number})"
        name = cleaned[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def quoted(sheet: str) -> str:
    """A sheet name as a reference writes it: always quoted (Excel and LibreOffice accept that)."""
    return "'" + sheet.replace("'", "''") + "'"


def print_landscape(sheet: Worksheet, header_row: int, last_row: int, last_column: int) -> None:
    """Landscape A4, one page wide (as many pages long as needed), the header row on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.print_area(0, 0, last_row, last_column)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4)
    sheet.set_footer("&C第 &P 页，共 &N 页")
