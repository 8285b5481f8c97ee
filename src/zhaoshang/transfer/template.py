"""Templates a unit fills in and sends back (报送): `zs template projects|trips FILE --unit UNIT`.

The first sheet is the unit's rows as the export writes them (so that what comes back imports
without --map), then blank rows to add to. Closed lists are dropdowns (data validation): stage,
status, channel, the unit's persons, its project codes; a list longer than Excel's 255-character
inline limit is drawn from a hidden sheet (下拉选项). Dates and amounts have their formats and a
validation that warns of a value out of range. The columns zs fills itself (编号, 序号) are locked
by sheet protection without a password: it hides nothing and anyone may lift it (审阅 → 撤消工作表
保护); it only keeps a slip of the hand from changing a code. A 填报说明 sheet says how to fill it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang.db import Ledger
from zhaoshang.files import output_path
from zhaoshang.parsing import CHANNELS, STAGE_LABELS
from zhaoshang.services.lookup import find_unit
from zhaoshang.services.projects import STATUS_LABELS
from zhaoshang.sheets import Formats, quoted, xlsx_workbook
from zhaoshang.transfer.exporter import SHEET_TITLE, ProjectSheet, iter_project_rows, project_cells
from zhaoshang.transfer.headers import AMOUNT_FIELDS, DATE_FIELDS, FIELDS
from zhaoshang.transfer.reader import TEMPLATE_TITLE

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

FIELD = "模板文件"
BLANK_ROWS = 200  # rows ready for new entries (more can be inserted: the protection allows it)
LISTS_TITLE = "下拉选项"
GUIDE_TITLE = "填报说明"
INLINE_LIMIT = 255  # characters of a dropdown list written into the validation itself
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2100, 12, 31)
# Columns zs fills: locked. Everything else may be typed over.
_LOCKED = {"seq", "code"}
_PROTECTION = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "delete_rows": True,
    "sort": True,
    "autofilter": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


@dataclass
class TemplateSummary:
    unit: str
    rows: int  # the unit's rows written
    blank: int


class _Lists:
    """Dropdown sources: inline when short, else a column of the hidden 下拉选项 sheet."""

    def __init__(self, book: Workbook):
        self.book = book
        self.sheet: Worksheet | None = None
        self.columns = 0

    def source(self, values: list[str]) -> Any:
        if len(",".join(values)) <= INLINE_LIMIT and not any("," in value for value in values):
            return values
        if self.sheet is None:
            self.sheet = self.book.add_worksheet(LISTS_TITLE)
            self.sheet.hide()
        column = self.columns
        self.columns += 1
        for row, value in enumerate(values):
            self.sheet.write_string(row, column, value)
        from xlsxwriter.utility import xl_rowcol_to_cell

        first = xl_rowcol_to_cell(0, column, True, True)
        last = xl_rowcol_to_cell(max(len(values) - 1, 0), column, True, True)
        return f"={quoted(LISTS_TITLE)}!{first}:{last}"


def validate_list(sheet: Worksheet, first: int, last: int, column: int, source: Any, strict: bool, what: str) -> None:
    sheet.data_validation(
        first,
        column,
        last,
        column,
        {
            "validate": "list",
            "source": source,
            "error_type": "stop" if strict else "warning",
            "error_title": f"{what}不在列表中",
            "error_message": f"请从下拉列表中选择{what}" + ("" if strict else "；确需填写列表外的值，点「是」"),
            "input_title": what,
            "input_message": "从下拉列表中选择",
        },
    )


def validate_dates(sheet: Worksheet, first: int, last: int, column: int, what: str) -> None:
    sheet.data_validation(
        first,
        column,
        last,
        column,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": FIRST_DAY,
            "maximum": LAST_DAY,
            "error_type": "warning",
            "error_title": f"{what}不是有效日期",
            "error_message": "日期写作 2024-03-01（1990年至2100年之间）",
            "input_title": what,
            "input_message": "写作 2024-03-01",
        },
    )


def validate_amounts(sheet: Worksheet, first: int, last: int, column: int, what: str) -> None:
    sheet.data_validation(
        first,
        column,
        last,
        column,
        {
            "validate": "decimal",
            "criteria": ">",
            "value": 0,
            "error_type": "warning",
            "error_title": f"{what}不是有效金额",
            "error_message": "金额以万元为单位，写数字，例如 12000（即1.2亿元）",
            "input_title": what,
            "input_message": "单位：万元",
        },
    )


def write_guide(book: Workbook, formats: Formats, title: str, lines: list[str]) -> None:
    guide = book.add_worksheet(GUIDE_TITLE)
    guide.set_column(0, 0, 100, formats.get(text_wrap=True, valign="top"))
    guide.write_string(0, 0, title, formats.get(bold=True, font_size=14))
    for row, line in enumerate(lines, start=2):
        guide.write_string(row, 0, line, formats.get(text_wrap=True, valign="top"))


def unit_persons(ledger: Ledger, unit: str) -> tuple[list[str], list[str]]:
    """(the unit's persons, the leaders a project may have: district leaders and the unit's own),
    as `姓名` or `姓名@单位` where two persons share a name."""
    from zhaoshang.services.units import list_persons

    persons = list_persons(ledger)
    counts: dict[str, int] = {}
    for person in persons:
        counts[person["name"]] = counts.get(person["name"], 0) + 1

    def shown(person: dict) -> str:
        return f"{person['name']}@{person['unit']}" if counts[person["name"]] > 1 else person["name"]

    own = [shown(person) for person in persons if person["unit"] == unit]
    leaders = [shown(person) for person in persons if person["role"] in ("principal", "deputy")]
    return own, list(dict.fromkeys(leaders + own))


@dataclass
class TemplateTarget:
    """Where a template goes and whose it is: the checked path, the unit, its persons, the leaders."""

    path: Path
    unit: dict
    own: list[str]
    leaders: list[str]

    @classmethod
    def of(cls, ledger: Ledger, path: str | Path, unit: str, kind: str, force: bool) -> TemplateTarget:
        checked = output_path(path, FIELD, f"zs template {kind} 渠沟镇.xlsx --unit 渠沟镇", force)
        with ledger.read() as connection:
            unit_row = find_unit(connection, unit, "单位（--unit）")
        own, leaders = unit_persons(ledger, unit_row["name"])
        return cls(checked, unit_row, own, leaders)


def write_project_template(ledger: Ledger, path: str | Path, unit: str, force: bool = False) -> TemplateSummary:
    target = TemplateTarget.of(ledger, path, unit, "projects", force)
    path, unit_row, own, leaders = target.path, target.unit, target.own, target.leaders
    name = unit_row["name"]
    with ledger.read() as connection, xlsx_workbook(path, FIELD) as book:
        title = TEMPLATE_TITLE.format(unit=name)  # the title row also tells the import whose file it is
        book.set_properties({"title": title, "author": "zs"})
        formats = Formats(book)
        sheet = book.add_worksheet(SHEET_TITLE)
        lists = _Lists(book)
        table = ProjectSheet(formats, sheet, title, locked=_LOCKED)
        codes = []
        for number, row in enumerate(
            iter_project_rows(connection, "WHERE project.unit_id = :unit_id", {"unit_id": unit_row["id"]}), start=1
        ):
            table.write(project_cells(row, number))
            codes.append(row["code"])
        written = table.row - table.first_data_row
        first, last = table.first_data_row, table.row + BLANK_ROWS - 1
        choices = {
            "unit": ([name], True),
            "channel": (list(CHANNELS), True),
            "stage": ([STAGE_LABELS[stage] for stage in STAGE_LABELS], True),
            "status": (list(STATUS_LABELS.values()), True),
            "leader": (leaders, False),
            "handler": (own, False),
        }
        for index, spec in enumerate(FIELDS):
            if spec.key in choices and choices[spec.key][0]:
                values, strict = choices[spec.key]
                validate_list(sheet, first, last, index, lists.source(values), strict, spec.label)
            elif spec.key in DATE_FIELDS:
                validate_dates(sheet, first, last, index, spec.label)
            elif spec.key in AMOUNT_FIELDS:
                validate_amounts(sheet, first, last, index, spec.label)
        table.finish(last)
        sheet.protect("", _PROTECTION)
        write_guide(book, formats, f"{name}项目台账填报说明", _project_guide(name))
    return TemplateSummary(name, written, BLANK_ROWS)


def _project_guide(unit: str) -> list[str]:
    return [
        f"1. 本表是{unit}的招商引资项目台账。已有的项目逐行列出；新项目填在下面的空行中（不够时可插入行）。",
        "2. 「项目编号」由 zs 编定，已锁定，请勿改动；新项目不填编号，导入时自动编号。",
        "3. 项目名称、总投资（万元）必须填写；责任单位不填时按报送单位。金额以万元为单位，只写数字，例如 12000 即1.2亿元。",
        "4. 日期写作 2024-03-01。项目先签约，再开工，然后纳统、竣工、投产：后一阶段的日期不能早于前一阶段。",
        "5. 「阶段」由各阶段的日期得出，导入时不读这一列；推进到新阶段时请填写该阶段的日期。",
        "6. 招商方式、状态、包保领导、专人从下拉列表中选择。状态为停滞或终止时，须在「原因」列写明原因；终止的项目填写终止时间。",
        "7. 不要改动表头（第2行）和列的顺序；可以调整列宽、行高和字体。",
        f"8. 填好后交区投资促进局，由其导入：zs import projects 本文件.xlsx --unit {unit}。"
        "有问题时整个文件不会导入，问题会标红返回（--errors），改正后再交。",
        "9. 本表的保护没有密码，只为防止误改编号；如需解除：审阅 → 撤消工作表保护。",
    ]
