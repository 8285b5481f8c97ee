"""The bulletin as an Excel workbook, one sheet per section, made to be printed and passed around.

Each sheet: a title row (district, bulletin, period, sheet), a row with the day of the figures
and the day it was made, a header row, the data, then the notes. Chinese headers; column widths
that fit Chinese text (a CJK character counts 2); the header rows and the first columns frozen;
万元 with thousands separators, rates as 0.0%; failures in red; landscape A4, one page wide,
the header row repeated on every printed page. Text is always text: a project named
`=HYPERLINK(…)` is stored as that string, never as a formula.

openpyxl draws the frame of each sheet (title rows, header, widths, print set-up, chart) and
saves it; the data rows are then streamed into the saved package as SpreadsheetML, because
openpyxl's own writer needs about half a minute for the 1.8 million cells of a city's 100,000
projects, and this takes a few seconds. The styles of those rows are registered with openpyxl
before it saves, so the package is one consistent workbook.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import islice
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from zhaoshang.errors import InputError
from zhaoshang.reports.model import BAD, GOOD, HONOR, SHAME, Bulletin, Chart, Section, display_text

FIELD = "通报文件（--xlsx）"
HEADER_ROW = 3  # title, subtitle, header: the data from row 4
_FORMULA_STARTS = ("=", "+", "-", "@")
_NUMBER_FORMATS = {
    "text": "General",
    "count": "#,##0",
    "days": "0",
    "wan": "#,##0.####",
    "rate": "0.0%",
    "percent": '0.0"%"',
    "decimal": "#,##0.##",
    "pp": "+0.0;-0.0;0.0",
    "date": "yyyy-mm-dd",
}
_WHOLE_FORMAT = "#,##0"  # a whole 万元 or plain number, without the trailing dot of #,##0.####
_FLAG_COLOURS = {  # font, fill: Excel's 差 and 好 cell styles; 红榜 in red, 黑榜 reversed
    BAD: ("9C0006", "FFC7CE"),
    GOOD: ("006100", "C6EFCE"),
    HONOR: ("C00000", None),
    SHAME: ("FFFFFF", "404040"),
}
_MAX_WIDTH = 50
_WRAP_WIDTH = 40  # a wrapped column (a rule's message) is no wider
_HEADER_WIDTH = 12  # a longer header wraps onto two lines rather than widen its column
_WIDTH_SAMPLE = 1000  # rows measured for the column widths
_CHART_ROWS = 22  # rows under a 10 cm high chart
_LINE_HEIGHT = 15  # points a line of 11-point text takes
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_NAMESPACES = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pkg": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def check_output(path: str | Path, force: bool = False) -> Path:
    """The workbook's path: an .xlsx in a folder that exists, not an existing file unless forced."""
    path = Path(path)
    hint = "例如：--xlsx 2024年10月通报.xlsx"
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"{FIELD}：'{path.name}' 不是 .xlsx 文件名", hint)
    if path.is_dir():
        raise InputError(f"{FIELD}：'{path}' 是一个文件夹", hint)
    if path.exists() and not force:
        raise InputError(f"{FIELD}：文件已存在，不会覆盖：{path}", "换一个文件名，或加 --force 覆盖")
    if not path.parent.exists():
        raise InputError(f"{FIELD}：文件夹不存在：{path.parent}", "先建好文件夹，或换一个路径")
    return path


def write_xlsx(bulletin: Bulletin, path: str | Path, force: bool = False) -> Path:
    """Write the bulletin to a new workbook at `path`, atomically: a failure leaves no file."""
    from openpyxl import Workbook

    path = check_output(path, force)
    workbook = Workbook()
    blank = workbook.active
    assert blank is not None  # a new workbook comes with one blank sheet
    workbook.remove(blank)
    styles = _Styles(workbook)
    layouts = [_frame(workbook, bulletin, section) for section in bulletin.sections]
    folder = Path(tempfile.mkdtemp(prefix=".zs-report-", dir=path.parent))
    try:
        frame, finished = folder / "frame.xlsx", folder / "bulletin.xlsx"
        workbook.save(frame)
        _fill(frame, finished, layouts, styles)
        os.replace(finished, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return path


def display_width(text: str) -> int:
    """Columns a text takes: a CJK (wide or full-width) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


# --- the frame: what openpyxl draws ---------------------------------------------------------


@dataclass
class _Layout:
    """Where a section goes on its sheet: the shown columns, the data rows, the note lines."""

    section: Section
    title: str
    shown: list[int]  # indexes of the section's columns that the sheet shows
    widths: list[float]  # of the shown columns
    rows: int
    notes: list[str]  # the notes cut into lines as wide as the table

    @property
    def last_data_row(self) -> int:
        return HEADER_ROW + self.rows

    @property
    def last_row(self) -> int:
        return self.last_data_row + (len(self.notes) + 1 if self.notes else 0)


def _frame(workbook, bulletin: Bulletin, section: Section) -> _Layout:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(section.title)
    shown = [index for index, column in enumerate(section.columns) if column.header]
    last = get_column_letter(len(shown))
    for row, text, font, height in (
        (1, f"{bulletin.title}　{bulletin.period.label}　{section.title}", Font(bold=True, size=16), 30),
        (2, bulletin.subtitle, Font(size=10, color="595959"), 20),
    ):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.row_dimensions[row].height = height
    thin = Side(style="thin", color="808080")
    for position, index in enumerate(shown, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=position, value=section.columns[index].header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.row_dimensions[HEADER_ROW].height = 32
    widths = _widths(section, shown)
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    layout = _Layout(
        section, sheet.title, shown, widths, len(section.rows), _note_lines(section.notes, int(sum(widths)) - 2)
    )
    sheet.freeze_panes = f"{get_column_letter(min(section.frozen_columns, len(shown)) + 1)}{HEADER_ROW + 1}"
    last_printed = layout.last_row
    if section.chart:
        _chart(sheet, layout, section.chart, anchor_row=layout.last_row + 2)
        last_printed += _CHART_ROWS + 2
    _print_setup(sheet, f"A1:{last}{last_printed}")
    return layout


def _print_setup(sheet, area: str) -> None:
    """Landscape A4, one page wide (as many pages long as needed), the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = area
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _chart(sheet, layout: _Layout, spec: Chart, anchor_row: int) -> None:
    """A bar chart of some columns over the first rows, below the table and its notes."""
    from openpyxl.chart import BarChart, Reference

    section = layout.section
    positions = {section.columns[index].key: position for position, index in enumerate(layout.shown, start=1)}
    last = HEADER_ROW + spec.rows
    chart = BarChart()
    chart.type = "col"
    chart.title = spec.title
    chart.y_axis.delete = chart.x_axis.delete = False
    for key in spec.series:  # the header cell names each series
        chart.add_data(
            Reference(sheet, min_col=positions[key], min_row=HEADER_ROW, max_row=last), titles_from_data=True
        )
    chart.set_categories(Reference(sheet, min_col=positions[spec.category], min_row=HEADER_ROW + 1, max_row=last))
    chart.width, chart.height = 28, 10
    sheet.add_chart(chart, f"A{anchor_row}")


def _widths(section: Section, shown: list[int]) -> list[float]:
    """Each shown column as wide as its header (on up to two lines) and its widest value in the first rows."""
    # `or ""` only for the type: every shown column has a header.
    widths = [min(display_width(section.columns[index].header or ""), _HEADER_WIDTH) for index in shown]
    for row in islice(section.rows, _WIDTH_SAMPLE):
        for position, index in enumerate(shown):
            text = display_text(row.values[index], row.format(index, section.columns))
            widths[position] = max(widths[position], display_width(text))
    limits = [_WRAP_WIDTH if section.columns[index].wrap else _MAX_WIDTH for index in shown]
    return [min(width, limit) + 2 for width, limit in zip(widths, limits, strict=True)]


def _note_lines(notes: list[str], width: int) -> list[str]:
    """Notes cut into lines no wider than the table, so that they print within its width."""
    lines = []
    for note in notes:
        line = ""
        for char in note:
            if line and display_width(line + char) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


class _Styles:
    """Style ids of the data cells, registered with openpyxl before it saves: every number
    format × flag × bold (a total row), and for text also × wrapped × quote prefix (text that
    looks like a formula)."""

    def __init__(self, workbook):
        from openpyxl.cell import Cell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        probe = workbook.create_sheet("styles")
        thin = Side(style="thin", color="BFBFBF")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.ids: dict[tuple, int] = {}
        for number_format in {*_NUMBER_FORMATS.values(), _WHOLE_FORMAT}:
            text = number_format == _NUMBER_FORMATS["text"]
            for flag in (None, *_FLAG_COLOURS):
                for bold in (False, True):
                    for wrapped in (False, True) if text else (False,):
                        for quoted in (False, True) if text else (False,):
                            cell = Cell(probe, row=1, column=1)  # never placed: only its style id is read
                            font, fill = _FLAG_COLOURS[flag] if flag is not None else (None, None)
                            cell.font = Font(bold=bold or flag in (HONOR, SHAME), color=font)
                            if fill:
                                cell.fill = PatternFill("solid", fgColor=fill)
                            cell.border = border
                            cell.number_format = number_format
                            cell.alignment = Alignment(vertical="center", wrap_text=wrapped)
                            cell.quotePrefix = quoted
                            self.ids[(number_format, flag, bold, wrapped, quoted)] = cell.style_id
        note = Cell(probe, row=1, column=1)
        note.font = Font(size=9, color="595959")
        self.note = note.style_id
        workbook.remove(probe)

    def of(self, value: Any, format: str, flag: str | None, bold: bool, wrapped: bool) -> int:
        number_format = _NUMBER_FORMATS[format]
        if format in ("wan", "decimal") and _whole(value):
            number_format = _WHOLE_FORMAT
        text = number_format == _NUMBER_FORMATS["text"]
        quoted = isinstance(value, str) and value.startswith(_FORMULA_STARTS)
        return self.ids[(number_format, flag, bold, wrapped and text, quoted and text)]


def _whole(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, (Decimal, Fraction)) and value == int(value))


# --- the data: streamed into the saved package -----------------------------------------------


def _cell(reference: str, value: Any, style: int) -> str:
    """One <c> element: text inline (never a formula), numbers and dates as numbers."""
    if value is None:
        return f'<c r="{reference}" s="{style}"/>'
    if isinstance(value, str):
        text = escape(_ILLEGAL_XML.sub("", value))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, date):
        number: Any = value.toordinal() - _EXCEL_EPOCH
    elif isinstance(value, Decimal):
        number = format(value, "f")
    elif isinstance(value, Fraction):  # a rate or a share (money is int or Decimal): a double, as Excel holds it
        number = repr(float(value))
    else:
        number = value
    return f'<c r="{reference}" s="{style}"><v>{number}</v></c>'


def _rows_xml(layout: _Layout, styles: _Styles) -> Iterator[str]:
    """The <row> elements of the data, then of the notes after a blank row."""
    from openpyxl.utils import get_column_letter

    section = layout.section
    columns = [
        (get_column_letter(position), index, section.columns[index].format, section.columns[index].wrap, width)
        for position, (index, width) in enumerate(zip(layout.shown, layout.widths, strict=True), start=1)
    ]
    number = HEADER_ROW
    for number, row in enumerate(section.rows, start=HEADER_ROW + 1):
        cells, lines = [], 1
        values, formats, flags, bold = row.values, row.formats, row.flags, row.total
        for letter, index, format, wrapped, width in columns:  # the hot loop of 1.8 million cells: kept plain
            value = values[index]
            if formats:
                format = formats.get(index, format)
            style = styles.of(value, format, flags.get(index) if flags else None, bold, wrapped)
            cells.append(_cell(f"{letter}{number}", value, style))
            if wrapped and isinstance(value, str):
                lines = max(lines, math.ceil(display_width(value) / (width - 2)))
        # Spreadsheets do not grow a row for wrapped text on opening: the height is given.
        height = f' ht="{lines * _LINE_HEIGHT}" customHeight="1"' if lines > 1 else ""
        yield f'<row r="{number}"{height}>{"".join(cells)}</row>'
    if number != layout.last_data_row:  # pragma: no cover - the rows are counted in the same read transaction
        raise RuntimeError(f"sheet {layout.title}: {number - HEADER_ROW} rows written, {layout.rows} counted")
    for number, note in enumerate(layout.notes, start=layout.last_data_row + 2):
        yield f'<row r="{number}">{_cell(f"A{number}", note, styles.note)}</row>'


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its part in the package, as workbook.xml and its relationships name them."""
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {
        relation.attrib["Id"]: relation.attrib["Target"]
        for relation in relations.findall("pkg:Relationship", _NAMESPACES)
    }
    parts = {}
    for sheet in workbook.iterfind("main:sheets/main:sheet", _NAMESPACES):
        target = targets[sheet.attrib[f"{{{_NAMESPACES['rel']}}}id"]]
        parts[sheet.attrib["name"]] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _fill(frame: Path, finished: Path, layouts: list[_Layout], styles: _Styles) -> None:
    """Copy the saved workbook, writing each sheet's rows into its <sheetData>."""
    with zipfile.ZipFile(frame) as source, zipfile.ZipFile(finished, "w", zipfile.ZIP_DEFLATED) as target:
        parts = _sheet_parts(source)
        by_part = {parts[layout.title]: layout for layout in layouts}
        for item in source.infolist():
            layout = by_part.get(item.filename)
            if layout is None:
                target.writestr(item, source.read(item.filename))
                continue
            head, end, tail = source.read(item.filename).decode("utf-8").partition("</sheetData>")
            if not end:  # pragma: no cover - the title and header rows are always there
                raise RuntimeError(f"sheet {layout.title}: openpyxl wrote no <sheetData> rows")
            dimension = re.search(r'<dimension ref="A1:([A-Z]+)\d+"', head)
            if dimension is None:  # pragma: no cover - openpyxl always writes the sheet's dimension
                raise RuntimeError(f"sheet {layout.title}: openpyxl wrote no <dimension>")
            last_column = dimension[1]
            head = re.sub(
                r'<dimension ref="[^"]*"', f'<dimension ref="A1:{last_column}{layout.last_row}"', head, count=1
            )
            entry = zipfile.ZipInfo(item.filename, date_time=item.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w") as stream:
                stream.write(head.encode("utf-8"))
                batch: list[str] = []
                for row in _rows_xml(layout, styles):
                    batch.append(row)
                    if len(batch) >= 1000:
                        stream.write("".join(batch).encode("utf-8"))
                        batch.clear()
                stream.write("".join(batch).encode("utf-8"))
                stream.write((end + tail).encode("utf-8"))
