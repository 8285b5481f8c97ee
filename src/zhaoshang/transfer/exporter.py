"""Exporting the project ledger as a workbook in the layout the importer reads back.

One sheet: a title row, then one header row with the names of `headers.FIELDS`, then a project a
row. Amounts are numbers in 万元 (#,##0.####), dates are real dates (yyyy-mm-dd); the header is
frozen and repeated on every printed page (landscape A4, one page wide). Text is always written as
text: a name such as `=HYPERLINK(…)` or `-项目` must not become a formula when the file is opened;
text longer than a cell holds is refused rather than cut (it would not import back whole).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang.db import Ledger
from zhaoshang.files import output_path
from zhaoshang.parsing import STAGE_LABELS, STAGES
from zhaoshang.services.projects import STATUS_LABELS, current_stage
from zhaoshang.sheets import CELL_LIMIT, FORMULA_STARTS, Formats, check_text, print_landscape, xlsx_workbook
from zhaoshang.transfer.headers import AMOUNT_FIELDS, DATE_FIELDS, FIELDS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from xlsxwriter.worksheet import Worksheet

TITLE = "招商引资项目台账"
SHEET_TITLE = "项目台账"
FIELD = "导出文件"
WIDE_COLUMNS = {"name": 30, "investor": 24, "unit": 14, "note": 30, "reason": 20, "code": 12}
AMOUNT_FORMAT = "#,##0.####"
_WHOLE_FORMAT = "#,##0"
_YUAN_PER_WAN = 10_000
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()

# The project's columns as the export reads them: persons as 姓名, or 姓名@单位 where two share the name.
_EXPORT_SQL = (
    "SELECT project.*, unit.name AS unit_name, "
    "CASE WHEN (SELECT count(*) FROM person AS twin WHERE twin.name = leader.name) > 1 "
    "THEN leader.name || '@' || leader_unit.name ELSE leader.name END AS leader_name, "
    "CASE WHEN (SELECT count(*) FROM person AS twin WHERE twin.name = handler.name) > 1 "
    "THEN handler.name || '@' || handler_unit.name ELSE handler.name END AS handler_name "
    "FROM project JOIN unit ON unit.id = project.unit_id "
    "LEFT JOIN person AS leader ON leader.id = project.leader_id "
    "LEFT JOIN unit AS leader_unit ON leader_unit.id = leader.unit_id "
    "LEFT JOIN person AS handler ON handler.id = project.handler_id "
    "LEFT JOIN unit AS handler_unit ON handler_unit.id = handler.unit_id"
)


def header_label(spec) -> str:
    return f"{spec.label}（万元）" if spec.key in AMOUNT_FIELDS else spec.label


def _wan(yuan: int | None) -> int | float | None:
    """元 as a 万元 number for the cell: an int when whole, else a float that shows the exact 万元
    (at most 4 decimals and 15 significant digits, which a double holds exactly as Excel shows it)."""
    if yuan is None:
        return None
    whole, rest = divmod(yuan, _YUAN_PER_WAN)
    return whole if rest == 0 else yuan / _YUAN_PER_WAN


def project_cells(row: dict, number: int) -> list[Any]:
    """One project as the values of `FIELDS`, in order."""
    values: dict[str, Any] = {
        "seq": number,
        "code": row["code"],
        "name": row["name"],
        "investor": row["investor"],
        "amount": _wan(row["amount"]),
        "fixed_amount": _wan(row["fixed_amount"]),
        "industry": row["industry"],
        "unit": row["unit_name"],
        "channel": row["channel"],
        "origin": row["origin"],
        "leader": row["leader_name"],
        "handler": row["handler_name"],
        **{stage: row[f"{stage}_on"] for stage in STAGES},
        "stage": STAGE_LABELS[current_stage(row)],
        "status": STATUS_LABELS[row["status"]],
        "reason": row["status_reason"],
        "terminated": row["terminated_on"],
        "note": row["note"],
    }
    return [values[spec.key] for spec in FIELDS]


class ProjectSheet:
    """The 项目台账 sheet: its title, header and formats; rows written one at a time, in order.

    Cells carry no borders (the gridlines are printed instead) and blank cells are not written:
    XlsxWriter's time goes by the cell, and a city's ledger has two million of them."""

    def __init__(self, formats: Formats, sheet: Worksheet, title: str | None = TITLE, locked: set[str] | None = None):
        """`locked`: the fields a template locks (the sheet is then protected); every other cell,
        blank ones included, is left unlocked to be filled in."""
        self.sheet = sheet
        self.first_data_row = 2 if title else 1  # 0-based
        self.row = self.first_data_row  # the next row to write
        unlock = {} if locked is None else {"locked": False}
        self.quoted = formats.get(quote_prefix=True, **unlock)
        self.date = formats.get(num_format="yyyy-mm-dd", **unlock)
        self.amount = formats.get(num_format=AMOUNT_FORMAT, **unlock)
        self.whole = formats.get(num_format=_WHOLE_FORMAT, **unlock)
        self.text = formats.get(**unlock) if unlock else None
        self._kinds = [
            "date" if spec.key in DATE_FIELDS else "amount" if spec.key in AMOUNT_FIELDS else "other" for spec in FIELDS
        ]
        self._locked_at = {index for index, spec in enumerate(FIELDS) if locked and spec.key in locked}
        self._locked = formats.get(locked=True, bg_color="#F2F2F2", pattern=1) if locked else None
        last = len(FIELDS) - 1
        for index, spec in enumerate(FIELDS):
            width = WIDE_COLUMNS.get(spec.key, 14 if spec.key in AMOUNT_FIELDS else 12)
            column_format = None
            if locked is not None:  # blank cells take the column's format: unlocked, dated, in 万元
                kind = self._kinds[index]
                column_format = (
                    self._locked
                    if index in self._locked_at
                    else self.date
                    if kind == "date"
                    else self.amount
                    if kind == "amount"
                    else self.text
                )
            sheet.set_column(index, index, width, column_format)
        if title:
            sheet.set_row(0, 30)
            sheet.merge_range(0, 0, 0, last, title, formats.get(bold=True, font_size=16, align="center"))
        header = formats.get(
            bold=True, align="center", valign="vcenter", text_wrap=True, pattern=1, bg_color="#D9E1F2",
            border=1, border_color="#808080",
        )  # fmt: skip
        for index, spec in enumerate(FIELDS):
            sheet.write_string(self.first_data_row - 1, index, header_label(spec), header)
        sheet.freeze_panes(self.first_data_row, 3)  # the code and the name stay in view

    def write(self, cells: list[Any]) -> None:
        sheet, row, locked_at = self.sheet, self.row, self._locked_at
        for index, (kind, value) in enumerate(zip(self._kinds, cells, strict=True)):  # the hot loop: kept plain
            if value is None:
                continue
            if index in locked_at:
                if isinstance(value, str):
                    sheet.write_string(row, index, value, self._locked)
                else:
                    sheet.write_number(row, index, value, self._locked)
            elif kind == "date":
                sheet.write_number(row, index, date.fromisoformat(value).toordinal() - _EXCEL_EPOCH, self.date)
            elif isinstance(value, str):
                if len(value) > CELL_LIMIT:
                    check_text(value, f"项目 {cells[1]} 的「{FIELDS[index].label}」")
                sheet.write_string(row, index, value, self.quoted if value.startswith(FORMULA_STARTS) else self.text)
            elif kind == "amount":
                sheet.write_number(row, index, value, self.whole if isinstance(value, int) else self.amount)
            else:
                sheet.write_number(row, index, value, self.text)
        self.row += 1

    def finish(self, last_row: int | None = None) -> None:
        """Filter buttons, printed gridlines and print set-up over the rows written (or up to `last_row`)."""
        last_row = max(self.row - 1, self.first_data_row - 1, last_row or 0)
        last = len(FIELDS) - 1
        self.sheet.autofilter(self.first_data_row - 1, 0, last_row, last)
        self.sheet.hide_gridlines(0)  # shown on screen and printed: the cells have no borders
        print_landscape(self.sheet, self.first_data_row - 1, last_row, last)


def iter_project_rows(connection: Connection, where: str = "", params: dict | None = None):
    """Projects as dicts with unit and person names, in the order of their ids, streamed."""
    result = connection.exec_driver_sql(f"{_EXPORT_SQL} {where} ORDER BY project.id", params or {})
    names = list(result.keys())
    for values in result:
        yield dict(zip(names, values, strict=True))


def export_projects(ledger: Ledger, path: str | Path, force: bool = False) -> int:
    """Write every project to a new workbook; returns how many. Refuses to overwrite unless forced."""
    path = output_path(path, FIELD, "zs export projects 项目台账.xlsx", force)
    with ledger.read() as connection, xlsx_workbook(path, FIELD) as book:
        book.set_properties({"title": TITLE, "author": "zs"})
        table = ProjectSheet(Formats(book), book.add_worksheet(SHEET_TITLE))
        for number, row in enumerate(iter_project_rows(connection), start=1):
            table.write(project_cells(row, number))
        table.finish()
    return table.row - table.first_data_row
