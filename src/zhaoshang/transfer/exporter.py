"""Exporting the project ledger as a workbook in the layout the importer reads back.

One sheet: a title row, then one header row with the names of `headers.FIELDS`, then a project a
row. Amounts are numbers in 万元, dates are real dates. Text is always written as text: a name
such as `=HYPERLINK(…)` or `-项目` must not become a formula when the file is opened.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.services.projects import list_projects
from zhaoshang.transfer.headers import AMOUNT_FIELDS, DATE_FIELDS, FIELDS

TITLE = "招商引资项目台账"
SHEET_TITLE = "项目台账"
_FORMULA_STARTS = ("=", "+", "-", "@")
# field -> the key of `project_view` that holds it
_VIEW_KEYS = {"reason": "status_reason", "stage": "stage_label", "status": "status_label"}
_WIDE_COLUMNS = {"name": 30, "investor": 24, "unit": 14, "note": 30, "reason": 20}


def header_label(spec) -> str:
    return f"{spec.label}（万元）" if spec.key in AMOUNT_FIELDS else spec.label


def _qualified_persons(ledger: Ledger) -> dict[str, dict[str, str]]:
    """Leader and handler of each project as `姓名@单位` where two persons share the name."""
    with ledger.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT project.code, role.kind, person.name || '@' || unit.name FROM project "
            "JOIN (SELECT 'leader' AS kind UNION ALL SELECT 'handler') AS role "
            "JOIN person ON person.id = CASE role.kind WHEN 'leader' THEN project.leader_id ELSE project.handler_id END "
            "JOIN unit ON unit.id = person.unit_id "
            "WHERE person.name IN (SELECT name FROM person GROUP BY name HAVING count(*) > 1)"
        ).fetchall()
    qualified: dict[str, dict[str, str]] = {}
    for code, kind, name in rows:
        qualified.setdefault(code, {})[kind] = name
    return qualified


def _value(project: dict, key: str, number: int, qualified: dict[str, dict[str, str]]):
    if key == "seq":
        return number
    if key in ("leader", "handler"):
        return qualified.get(project["code"], {}).get(key, project[key])
    value = project[_VIEW_KEYS.get(key, key)]
    if key in AMOUNT_FIELDS and value is not None:
        return int(value) if value == value.to_integral_value() else value  # exact: openpyxl writes a Decimal's digits
    if key in DATE_FIELDS and value is not None:
        return date.fromisoformat(value)
    return value


def _write_cell(cell, value) -> None:
    cell.value = value
    if isinstance(value, str) and (cell.data_type != "s" or value.startswith(_FORMULA_STARTS)):
        # openpyxl would store `=…` as a formula and `#N/A` as an error, and Excel evaluates `+…`, `-…`, `@…`
        # once the cell is edited: text stays text, and the quote prefix keeps it so in Excel too.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"


def export_projects(ledger: Ledger, path: str | Path, force: bool = False) -> int:
    """Write every project to a new workbook; returns how many. Refuses to overwrite unless forced."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"导出文件：'{path.name}' 不是 .xlsx 文件名", "例如：zs export projects 项目台账.xlsx")
    if path.is_dir() or (path.exists() and not force):
        raise InputError(
            f"文件已存在，不会覆盖：{path}", f"换一个文件名，或加 --force 覆盖：zs export projects {path} --force"
        )
    if not path.parent.exists():
        raise InputError(f"文件夹不存在：{path.parent}", "先建好文件夹，或换一个路径")
    projects = list_projects(ledger)
    qualified = _qualified_persons(ledger)

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook comes with one blank sheet
    sheet.title = SHEET_TITLE
    last = get_column_letter(len(FIELDS))
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A1:{last}1")
    for index, spec in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=2, column=index, value=header_label(spec))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = _WIDE_COLUMNS.get(spec.key, 12)
    for number, project in enumerate(projects, start=1):
        for index, spec in enumerate(FIELDS, start=1):
            _write_cell(sheet.cell(row=number + 2, column=index), _value(project, spec.key, number, qualified))
    sheet.freeze_panes = "A3"

    # Written beside the target and renamed, so that a failed export leaves no half-written file.
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(projects)
