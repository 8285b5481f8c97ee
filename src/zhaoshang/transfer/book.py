"""Opening a workbook to read: .xlsx, .xls or .ods, safely, through python-calamine.

calamine (a Rust reader) loads a whole sheet at once, about ten times faster than openpyxl's
read-only mode and with the same values (dates as dates, numbers, merged ranges). A whole-sheet
reader must never meet a bomb, so the package is checked first, before calamine opens it:
- the file is not larger than `MAX_FILE_BYTES`, and is a zip package (xlsx, ods) or a Compound
  File (xls); an encrypted one is refused with how to remove the password;
- a zip package: at most `MAX_MEMBERS` parts, no part expanding more than `MAX_RATIO` times
  (a 1 MB file that unpacks to a gigabyte is refused at once, from the zip's directory), and
  `MAX_UNPACKED` bytes in all; the sheets are then streamed through Python's zipfile, which holds
  each part to its declared size and checksum, and their cells counted: no sheet may span more than
  `MAX_CELLS` cells (calamine allocates a sheet's whole rectangle: two cells at A1 and XFD1048576
  would ask for 17 billion) or hold more than `MAX_ROWS` rows.
XML entities are never resolved (calamine's parser has no DTD support); damaged, truncated or
foreign files are refused in Chinese. A cell holding INF or NaN reads as the text `#NUM!`.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhaoshang.errors import InputError

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # real sheets compress 5 to 30 times; a bomb thousands of times
MAX_UNPACKED = 1024 * 1024 * 1024
MAX_CELLS = 8_000_000  # 200,000 projects of 40 columns
MAX_ROWS = 300_000
_RATIO_FLOOR = 1024 * 1024
_MAX_FILLED_REPEAT = 16_384  # columns of a sheet  # small parts (styles, a tiny sheet) may compress as they like

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a Compound File: an .xls, or an .xlsx encrypted with a password
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# A cell's reference (` r="AB12"`: only cells carry letters in an r attribute), split in two so that
# each search yields few distinct values, which a set keeps.
_CELL_COLUMN = re.compile(rb' r="([A-Z]{1,4})[0-9]')
_CELL_ROW = re.compile(rb' r="[A-Z]{1,4}([0-9]{1,8})"')
_ODS_REPEAT = re.compile(rb"number-(?:columns|rows)-repeated=\"([0-9]+)\"")
IMPORT_HINT = "导入的文件须是 Excel 工作簿（.xlsx、.xls）或 WPS/LibreOffice 表格（.ods）"


def _damaged(path: Path, detail: str) -> InputError:
    return InputError(
        f"无法读取 Excel 工作簿：{path.name}（{detail}）",
        "文件可能已损坏或不完整：在 Excel 中打开后另存为 .xlsx 再导入",
    )


def _too_big(path: Path, what: str) -> InputError:
    return InputError(
        f"工作簿过大，拒绝读取：{path.name}（{what}）",
        f"一个工作表最多 {MAX_ROWS:,} 行、{MAX_CELLS:,} 个单元格；请把台账拆成几个文件，一次导入多个文件",
    )


def _contains(path: Path, needle: bytes) -> bool:
    overlap = len(needle) - 1
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def workbook_kind(path: Path) -> str:
    """xlsx, xls or ods, from the file's content (not its name); anything else is refused."""
    if not path.exists():
        raise InputError(f"文件不存在：{path}", "检查文件名，例如：zs import projects 项目台账.xlsx")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是工作簿：{path}", "请给出 .xlsx 文件的路径")
    if not path.is_file():
        raise InputError(f"不是普通文件（设备、管道等）：{path}", IMPORT_HINT)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _too_big(path, f"文件 {size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == _OLE_MAGIC:
        if _contains(path, _ENCRYPTED_STREAM):
            raise InputError(
                f"文件设有打开密码（已加密），无法读取：{path.name}",
                "在 Excel 中打开，选 文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码并保存后再导入",
            )
        return "xls"
    if magic != _ZIP_MAGIC:
        raise InputError(
            f"不是 Excel 工作簿（.xlsx）：{path.name}", IMPORT_HINT + "；CSV 文件请先在 Excel 中另存为 .xlsx"
        )
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.read("mimetype").startswith(_ODS_MIME):
                return "ods"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise _damaged(path, f"压缩包损坏：{error}") from None
    if "xl/workbook.xml" not in names:
        raise InputError(f"无法读取 Excel 工作簿：{path.name}（压缩包中没有工作簿）", IMPORT_HINT)
    return "xlsx"


def check_package(path: Path, kind: str) -> None:
    """Refuse a zip package that would unpack beyond the budgets, before any reader opens it."""
    if kind == "xls":
        return  # a Compound File holds no compression; its size is bounded by MAX_FILE_BYTES
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            if len(members) > MAX_MEMBERS:
                raise _too_big(path, f"压缩包有 {len(members):,} 个部件")
            total = 0
            for member in members:
                total += member.file_size
                if member.file_size > _RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                    raise _too_big(
                        path,
                        f"部件 {member.filename} 压缩比 {member.file_size // max(member.compress_size, 1):,}:1，"
                        "是压缩炸弹",
                    )
            if total > MAX_UNPACKED:
                raise _too_big(path, f"解压后 {total / 1024 / 1024:.0f} MB")
            for member in members:
                if kind == "xlsx" and member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                    _check_sheet_cells(path, package, member)
                elif kind == "ods" and member.filename == "content.xml":
                    _check_ods_repeats(path, package, member)
                elif member.filename.endswith(".xml"):
                    _stream(path, package, member, lambda chunk: None)
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise _damaged(path, f"压缩包损坏：{error}") from None


def _stream(path: Path, package: zipfile.ZipFile, member: zipfile.ZipInfo, look) -> None:
    """Unpack a part in chunks (zipfile holds it to its declared size and checksum), showing each
    chunk, cut at a tag's start, to `look`. A part that declares XML entities is refused: no
    spreadsheet program writes them, and they are how XXE and billion-laughs files work."""
    tail = b""
    with package.open(member) as stream:
        while chunk := stream.read(1 << 20):
            buffer = tail + chunk
            if b"<!DOCTYPE" in buffer or b"<!ENTITY" in buffer:
                raise InputError(
                    f"工作簿含有 XML 实体声明（{member.filename}），拒绝读取：{path.name}",
                    "正常的工作簿不含实体声明：在 Excel 中打开后另存为新的 .xlsx 再导入",
                )
            cut = buffer.rfind(b"<")
            if cut <= 0 or len(buffer) - cut > 4096:  # no tag start, or a huge text: look at it all
                cut = len(buffer)
            look(buffer[:cut])
            tail = buffer[cut:]
    look(tail)


def _check_sheet_cells(path: Path, package: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """The rectangle calamine would allocate for this sheet, bounded by its cells' references."""
    widest = highest = cells = rows = 0

    def look(chunk: bytes) -> None:
        nonlocal widest, highest, cells, rows
        cells += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b":c ")
        rows += chunk.count(b"<row") + chunk.count(b":row ")
        letters = set(_CELL_COLUMN.findall(chunk))
        if letters:
            widest = max(widest, max(_column_number(text) for text in letters))
        numbers = set(_CELL_ROW.findall(chunk))  # calamine places cells by their own references
        if numbers:
            highest = max(highest, max(int(number) for number in numbers))
        if cells > MAX_CELLS or max(highest, rows) > MAX_ROWS or widest * highest > MAX_CELLS:
            raise _too_big(path, f"工作表 {member.filename} 跨 {highest:,} 行 × {widest:,} 列")

    _stream(path, package, member, look)


def _check_ods_repeats(path: Path, package: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """An .ods repeats a cell or row by a count. Trailing blank rows and columns come as one empty
    element repeated a million times, which readers skip; a count on an element that holds a value
    would be unpacked, so it is held to what a real sheet has."""
    cells = 0

    def look(chunk: bytes) -> None:
        nonlocal cells
        cells += chunk.count(b"<table:table-cell")
        for match in _ODS_REPEAT.finditer(chunk):
            if int(match[1]) <= _MAX_FILLED_REPEAT:
                continue
            end = chunk.find(b">", match.end())
            if end > 0 and chunk[end - 1 : end] == b"/":
                continue  # an empty element
            closing = chunk.find(b"</table:table-row>", end)
            inside = chunk[end : closing if closing > 0 else len(chunk)]
            if b"value-type" in inside or b"<text:" in inside:
                raise _too_big(path, f"content.xml 中一个有内容的单元格重复 {int(match[1]):,} 次")
        if cells > MAX_CELLS:
            raise _too_big(path, f"content.xml 有 {cells:,} 个以上单元格")

    _stream(path, package, member, look)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class SheetData:
    """One sheet as read: its rows from row 1 (blank cells None) and merged ranges
    as (min_row, min_col, max_row, max_col), 1-based."""

    title: str
    merges: list[tuple[int, int, int, int]]
    height: int  # rows, as the sheet's last row number
    _sheet: Any

    def rows(self) -> Iterator[list]:
        start = self._sheet.start if self.height else None
        start_row, start_col = start if start is not None else (0, 0)
        for _ in range(start_row):
            yield []
        lead = [None] * start_col
        for row in self._sheet.iter_rows():
            # Blank cells as None; INF and NaN as the text Excel shows for a number it cannot hold.
            yield lead + [
                None if value == "" else value if value.__class__ is not float or _FINITE(value) else "#NUM!"
                for value in row
            ]


_FINITE = math.isfinite


class Book:
    """An open workbook: the sheets' names, and each sheet read on request."""

    def __init__(self, path: Path):
        self.path = path
        self.kind = workbook_kind(path)
        check_package(path, self.kind)
        from python_calamine import CalamineWorkbook, SheetTypeEnum

        try:
            self._book = CalamineWorkbook.from_path(str(path))
            metadata = self._book.sheets_metadata
        except Exception as error:  # noqa: BLE001 - calamine's own errors (Xml, Zip, Calamine, Password…)
            raise self._error(error) from None
        self.sheet_names = [sheet.name for sheet in metadata]
        self.chart_sheets = {sheet.name for sheet in metadata if sheet.typ != SheetTypeEnum.WorkSheet}

    def _error(self, error: Exception) -> InputError:
        if type(error).__name__ == "PasswordError":
            return InputError(f"文件设有密码，无法读取：{self.path.name}", "清空密码并保存后再导入")
        detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        return _damaged(self.path, detail)

    def sheet(self, title: str) -> SheetData:
        try:
            sheet = self._book.get_sheet_by_name(title)
            merges = [
                (first[0] + 1, first[1] + 1, last[0] + 1, last[1] + 1) for first, last in sheet.merged_cell_ranges or ()
            ]
            end = sheet.end
            height = end[0] + 1 if end is not None and sheet.height else 0
        except Exception as error:  # noqa: BLE001 - as above: a damaged sheet
            raise self._error(error) from None
        if height > MAX_ROWS:
            raise _too_big(self.path, f"工作表「{title}」有 {height:,} 行")
        return SheetData(title, sorted(merges), height, sheet)

    def close(self) -> None:
        self._book.close()
