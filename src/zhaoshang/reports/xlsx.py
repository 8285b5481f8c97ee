"""The bulletin as an Excel workbook, one sheet per section, made to be printed and passed around.

Each sheet: a title row (district, bulletin, period, sheet), a row with the day of the figures
and the day it was made, a header row, the data, then the notes. Chinese headers; column widths
that fit Chinese text (a CJK character counts 2); the header rows and the first columns frozen;
万元 with thousands separators, rates as 0.0%; failures in red; landscape A4, one page wide,
the header row repeated on every printed page. Text is always text: a project named
`=HYPERLINK(…)` is stored as that string, never as a formula.

Written with XlsxWriter in constant_memory mode (`zhaoshang.sheets`): each row goes to disk as it
is written, so the 1.8 million cells of a city's 100,000 projects cost the memory of one row.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang.files import output_path
from zhaoshang.reports.model import BAD, GOOD, HONOR, SHAME, Bulletin, Chart, Section, display_text
from zhaoshang.sheets import Formats, fit_text, is_formula_like, print_landscape, quoted, write_value, xlsx_workbook

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

FIELD = "通报文件（--xlsx）"
HEADER_ROW = 5  # title, the day of the figures, the day of making, the ledger's state, header: data from row 6
# The row of what `zs report verify` skips (zero-based): the day the bulletin was made (in column A)
# and, on a bulletin made again, 据第N条记录重制 (from the middle column on).
MADE_ROW = 2
# The document properties that name what a workbook is, for `zs report verify` and `zs audit verify --bulletin`.
PROPERTY_PREFIX = "zs."
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
    BAD: ("#9C0006", "#FFC7CE"),
    GOOD: ("#006100", "#C6EFCE"),
    HONOR: ("#C00000", None),
    SHAME: ("#FFFFFF", "#404040"),
}
_MAX_WIDTH = 50
_WRAP_WIDTH = 40  # a wrapped column (a rule's message) is no wider
_HEADER_WIDTH = 12  # a longer header wraps onto two lines rather than widen its column
_WIDTH_SAMPLE = 1000  # rows measured for the column widths
_CHART_ROWS = 22  # rows under a 10 cm high chart
_LINE_HEIGHT = 15  # points a line of 11-point text takes


def check_output(path: str | Path, force: bool = False) -> Path:
    """The workbook's path: an .xlsx in a folder that exists, not an existing file unless forced."""
    return output_path(path, FIELD, "--xlsx 2024年10月通报.xlsx", force)


def write_xlsx(bulletin: Bulletin, path: str | Path, force: bool = False) -> Path:
    """Write the bulletin to a new workbook at `path`, atomically: a failure leaves no file."""
    path = check_output(path, force)
    with xlsx_workbook(path, FIELD) as book:
        book.set_properties(
            {
                "title": f"{bulletin.title}　{bulletin.period.label}",
                "author": "zs",
                "comments": bulletin.ledger_line or "",
            }
        )
        for name, value in bulletin_properties(bulletin).items():
            book.set_custom_property(PROPERTY_PREFIX + name, value)
        styles = _Styles(Formats(book))
        for section in bulletin.sections:
            _write_section(book, book.add_worksheet(section.title), bulletin, section, styles)
    return path


def bulletin_properties(bulletin: Bulletin) -> dict[str, str | int]:
    """What a bulletin is, as document properties: its kind and period, the day of its figures and of
    its making, and the state of the ledger it was computed from (design §5.2)."""
    properties: dict[str, str | int] = {
        "kind": bulletin.period.kind,
        "period": bulletin.period.key,
        "as_of": bulletin.period.as_of.isoformat(),
        "made_on": bulletin.made_on.isoformat(),
    }
    if bulletin.ledger is not None:
        properties |= {
            "entries": bulletin.ledger["entries"],
            "head": bulletin.ledger["head"],
            "version": bulletin.ledger["version"],
        }
    if bulletin.remade:
        properties["remade"] = 1
    return properties


def display_width(text: str) -> int:
    """Columns a text takes: a CJK (wide or full-width) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


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


class _Styles:
    """The formats of a bulletin: titles, header, and the data cells by number format × flag × bold
    (a total row), and for text also × wrapped × quote prefix (text that looks like a formula)."""

    def __init__(self, formats: Formats):
        self.formats = formats
        self.title = formats.get(bold=True, font_size=16, align="center", valign="vcenter")
        self.subtitle = formats.get(font_size=10, font_color="#595959", align="center", valign="vcenter")
        self.header = formats.get(
            bold=True, bg_color="#D9E1F2", pattern=1, align="center", valign="vcenter", text_wrap=True,
            border=1, border_color="#808080",
        )  # fmt: skip
        self.note = formats.get(font_size=9, font_color="#595959")
        self.ledger = formats.get(font_size=8, font_color="#7F7F7F", align="center", valign="vcenter")
        self._made: dict[tuple, Any] = {}

    def of(self, value: Any, format: str, flag: str | None, bold: bool, wrapped: bool):
        """The format of a data cell; None for plain text (the printed gridlines frame every cell, and
        a cell without a format is the cheapest XlsxWriter writes: a city's sheet has two million)."""
        number_format = _NUMBER_FORMATS[format]
        if format in ("wan", "decimal") and _whole(value):
            number_format = _WHOLE_FORMAT
        text = number_format == _NUMBER_FORMATS["text"]
        quoted = text and is_formula_like(value)
        key = (number_format, flag, bold, text and wrapped, quoted)
        if key in self._made:
            return self._made[key]
        properties: dict[str, Any] = {"valign": "vcenter"}
        if not text:
            properties["num_format"] = number_format
        if bold or flag in (HONOR, SHAME):
            properties["bold"] = True
        if flag is not None:
            font, fill = _FLAG_COLOURS[flag]
            properties["font_color"] = font
            if fill:
                properties |= {"pattern": 1, "bg_color": fill}
        if text and wrapped:
            properties["text_wrap"] = True
        if quoted:
            properties["quote_prefix"] = True
        plain = properties == {"valign": "vcenter"}
        made = self._made[key] = None if plain else self.formats.get(**properties)
        return made


def _whole(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, (Decimal, Fraction)) and value == int(value))


def _write_section(book: Workbook, sheet: Worksheet, bulletin: Bulletin, section: Section, styles: _Styles) -> None:
    shown = [index for index, column in enumerate(section.columns) if column.header]
    widths = _widths(section, shown)
    layout = _Layout(
        section, section.title, shown, widths, len(section.rows), _note_lines(section.notes, int(sum(widths)) - 2)
    )
    last_column = len(shown) - 1
    for position, width in enumerate(widths):
        sheet.set_column(position, position, width)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, last_column, f"{bulletin.title}　{bulletin.period.label}　{section.title}", styles.title)
    _title_block(sheet, bulletin, last_column, styles)
    sheet.set_row(HEADER_ROW - 1, 32)
    for position, index in enumerate(shown):
        sheet.write_string(HEADER_ROW - 1, position, section.columns[index].header or "", styles.header)
    _write_rows(sheet, layout, styles)
    sheet.freeze_panes(HEADER_ROW, min(section.frozen_columns, len(shown)))
    last_printed = layout.last_row
    if section.chart:
        _chart(book, sheet, layout, section.chart, anchor_row=layout.last_row + 2)
        last_printed += _CHART_ROWS + 2
    sheet.hide_gridlines(0)  # the data cells have no borders: the gridlines show and print instead
    print_landscape(sheet, HEADER_ROW - 1, last_printed - 1, last_column)


def _title_block(sheet: Worksheet, bulletin: Bulletin, last_column: int, styles: _Styles) -> None:
    """Rows 2 to 4: the day of the figures; the day of making in a cell of its own, with 据第N条记录重制
    beside it on a bulletin made again; the state of the ledger the figures come from."""
    middle = made_again_column(last_column)
    _merged(sheet, MADE_ROW - 1, 0, last_column, bulletin.as_of_line, styles.subtitle)
    _merged(sheet, MADE_ROW, 0, middle - 1, bulletin.made_line, styles.subtitle)
    _merged(sheet, MADE_ROW, middle, last_column, bulletin.remade_line or "", styles.subtitle)
    _merged(sheet, MADE_ROW + 1, 0, last_column, bulletin.ledger_line or "", styles.ledger)


def made_again_column(last_column: int) -> int:
    """The column of 据第N条记录重制 in the title block: the middle of the table."""
    return max(1, (last_column + 1) // 2)


def _merged(sheet: Worksheet, row: int, first: int, last: int, text: str, style: Any) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, style)
    else:
        sheet.write_string(row, first, text, style)


def _write_rows(sheet: Worksheet, layout: _Layout, styles: _Styles) -> None:
    """The data rows, then the notes after a blank row."""
    section = layout.section
    columns = [
        (position, index, section.columns[index].format, section.columns[index].wrap, width)
        for position, (index, width) in enumerate(zip(layout.shown, layout.widths, strict=True))
    ]
    number = HEADER_ROW
    for number, row in enumerate(section.rows, start=HEADER_ROW + 1):
        values, formats, flags, bold = row.values, row.formats, row.flags, row.total
        lines = 1
        for _, index, _, wrapped, width in columns:
            value = values[index]
            if wrapped and isinstance(value, str):
                lines = max(lines, math.ceil(display_width(value) / (width - 2)))
        if lines > 1:  # spreadsheets do not grow a row for wrapped text on opening: the height is given
            sheet.set_row(number - 1, lines * _LINE_HEIGHT)
        for position, index, format, wrapped, _ in columns:  # the hot loop of 1.8 million cells: kept plain
            value = values[index]
            if formats:
                format = formats.get(index, format)
            flag = flags.get(index) if flags else None
            if value is None and flag is None and not bold:
                continue  # an empty cell: nothing to write
            style = styles.of(value, format, flag, bold, wrapped)
            if isinstance(value, str):
                sheet.write_string(number - 1, position, fit_text(value), style)
            elif isinstance(
                value, Fraction
            ):  # a rate or a share (money is int or Decimal): a double, as Excel holds it
                sheet.write_number(number - 1, position, float(value), style)
            else:
                write_value(sheet, number - 1, position, value, style)
    if number != layout.last_data_row:  # pragma: no cover - the rows are counted in the same read transaction
        raise RuntimeError(f"sheet {layout.title}: {number - HEADER_ROW} rows written, {layout.rows} counted")
    for number, note in enumerate(layout.notes, start=layout.last_data_row + 2):
        sheet.write_string(number - 1, 0, note, styles.note)


def _chart(book: Workbook, sheet: Worksheet, layout: _Layout, spec: Chart, anchor_row: int) -> None:
    """A bar chart of some columns over the first rows, below the table and its notes."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    section = layout.section
    positions = {section.columns[index].key: position for position, index in enumerate(layout.shown)}
    first, last = HEADER_ROW, HEADER_ROW + spec.rows - 1  # 0-based rows of the data
    name = quoted(layout.title)

    def area(column: int, top: int, bottom: int) -> str:
        return f"={name}!{xl_rowcol_to_cell(top, column, True, True)}:{xl_rowcol_to_cell(bottom, column, True, True)}"

    chart = book.add_chart({"type": "column"})
    for key in spec.series:  # the header cell names each series
        column = positions[key]
        chart.add_series(
            {
                "name": f"={name}!{xl_rowcol_to_cell(HEADER_ROW - 1, column, True, True)}",
                "categories": area(positions[spec.category], first, last),
                "values": area(column, first, last),
            }
        )
    chart.set_title({"name": spec.title})
    chart.set_size({"x_scale": 28 / 12.7, "y_scale": 10 / 7.62})  # 28 × 10 cm (the default is 12.7 × 7.62)
    sheet.insert_chart(anchor_row - 1, 0, chart)


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
    """Notes cut into lines no wider than the table, so that they print within its width.

    A line breaks at the last space or punctuation mark that fits, never inside a word or number."""
    lines = []
    for note in notes:
        rest = note
        while display_width(rest) > width:
            fits = 0
            while fits < len(rest) and display_width(rest[: fits + 1]) <= width:
                fits += 1
            cut = _break_at(rest, fits)
            lines.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
        lines.append(rest)
    return lines


_BREAK_AFTER = set(" ，。；：、）】」』,.;:)!?！？")


def _break_at(text: str, fits: int) -> int:
    """Where to end a line of `text` of which `fits` characters fit: after the last punctuation mark or
    space (unless the line would be left under a quarter full), else at the last place not inside a
    run of Latin letters or digits (a code such as ZS203 or a number never splits), else where it is full.
    Chinese has no spaces: the punctuation is where a reader expects a line to end."""
    for position in range(fits, fits // 4, -1):
        if text[position - 1] in _BREAK_AFTER:
            return position
    for position in range(fits, fits // 4, -1):
        before, after = text[position - 1], text[position] if position < len(text) else ""
        if not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()):
            return position
    return max(fits, 1)
