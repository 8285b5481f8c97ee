"""Trips (外出招商) in workbooks: `zs export trips`, `zs import trips`, `zs template trips`.

A trip a row: 出发日期, 返回日期, 人员 (names separated by 、 or ，; `姓名@单位` for namesakes), 目的地,
地区, 事由, 拜访企业, 关联项目 (codes). The same persons, dates and destination are the same trip:
a re-import adds nothing, and changes only what differs (地区, 事由, 拜访企业, 关联项目). Every row
is checked as `zs trip log` checks it, all problems are listed at once, and only a clean file is
written, in one transaction with one audit entry (`trip.import`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.files import output_path
from zhaoshang.parsing import normalize_text
from zhaoshang.services.lookup import find_person, find_project
from zhaoshang.services.trips import TripFields, _link, _relink, _text_values, check_dates
from zhaoshang.sheets import Formats, check_text, print_landscape, xlsx_workbook
from zhaoshang.transfer.cells import cell_text, read_date
from zhaoshang.transfer.headers import FieldSpec, Vocabulary, parse_mapping
from zhaoshang.transfer.reader import PROGRESS_EVERY, LedgerSheet, Progress, read_ledger_sheet
from zhaoshang.transfer.template import (
    _PROTECTION,
    BLANK_ROWS,
    TemplateTarget,
    _Lists,
    validate_dates,
    validate_list,
    write_guide,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from xlsxwriter.worksheet import Worksheet

    from zhaoshang.audit import Writer
    from zhaoshang.transfer.importer import Problem

TRIP_FIELDS = (
    FieldSpec("id", "编号", ("行程编号", "批次编号"), imported=False),
    FieldSpec(
        "date_from", "出发日期", ("出发时间", "开始日期", "起始日期", "出发", "外出时间", "开始时间", "起始时间")
    ),
    FieldSpec("date_to", "返回日期", ("返回时间", "结束日期", "返回", "结束时间", "截止时间")),
    FieldSpec("days", "天数", ("外出天数",), imported=False),
    FieldSpec("persons", "人员", ("出行人员", "外出人员", "参加人员", "带队领导", "姓名", "参加领导", "出行领导")),
    FieldSpec("dest", "目的地", ("地点", "前往地", "目的城市", "外出地点", "前往地点")),
    FieldSpec("region", "地区", ("区域", "所在地区", "重点区域")),
    FieldSpec("purpose", "事由", ("外出事由", "目的", "任务", "主要事由", "事项")),
    FieldSpec("companies", "拜访企业", ("走访企业", "对接企业", "拜访对象", "洽谈企业")),
    FieldSpec("projects", "关联项目", ("关联项目编号", "项目编号")),
)
TRIPS = Vocabulary("外出招商", TRIP_FIELDS, "persons", "出行领导=persons")
SHEET_TITLE = "外出招商"
FIELD = "外出招商文件"
REGIONS = ("长三角", "珠三角", "京津冀", "成渝", "其他")
_SEPARATORS = re.compile(r"[、，,；;\s]+")
_REQUIRED = ("date_from", "date_to", "persons", "dest")
_WIDTHS = {"persons": 24, "dest": 16, "purpose": 30, "companies": 30, "projects": 20}
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_OPTION_FIELDS = {"dest": "dest", "region": "region", "purpose": "purpose", "companies": "companies"}

# Persons as `姓名`, or `姓名@单位` where two share the name.
_PERSON_NAME = (
    "CASE WHEN (SELECT count(*) FROM person AS twin WHERE twin.name = person.name) > 1 "
    "THEN person.name || '@' || unit.name ELSE person.name END"
)


# --- export and template --------------------------------------------------------------------


def _trip_rows(connection: Connection, where: str = "", params: dict | None = None) -> list[list[Any]]:
    """Each trip as the values of TRIP_FIELDS, by start date."""
    params = params or {}
    trips = connection.exec_driver_sql(
        f"SELECT id, date_from, date_to, dest, region, purpose, companies FROM trip {where} ORDER BY date_from, id",
        params,
    ).fetchall()
    persons: dict[int, list[str]] = {}
    for trip_id, name in connection.exec_driver_sql(
        f"SELECT trip_person.trip_id, {_PERSON_NAME} FROM trip_person JOIN person ON person.id = trip_person.person_id "
        "JOIN unit ON unit.id = person.unit_id ORDER BY trip_person.trip_id, person.id"
    ):
        persons.setdefault(trip_id, []).append(name)
    projects: dict[int, list[str]] = {}
    for trip_id, code in connection.exec_driver_sql(
        "SELECT trip_project.trip_id, project.code FROM trip_project JOIN project ON project.id = trip_project.project_id "
        "ORDER BY trip_project.trip_id, project.code"
    ):
        projects.setdefault(trip_id, []).append(code)
    rows = []
    for trip_id, date_from, date_to, dest, region, purpose, companies in trips:
        days = (date.fromisoformat(date_to) - date.fromisoformat(date_from)).days + 1
        rows.append([
            trip_id, date_from, date_to, days, "、".join(persons.get(trip_id, [])), dest, region, purpose, companies,
            "、".join(projects.get(trip_id, [])) or None,
        ])  # fmt: skip
    return rows


class _TripSheet:
    def __init__(self, formats: Formats, sheet: Worksheet, title: str, template: bool):
        self.sheet = sheet
        self.row = 2
        unlock = {"locked": False} if template else {}
        self.text = formats.get(text_wrap=True, valign="top", **unlock)
        self.date = formats.get(num_format="yyyy-mm-dd", valign="top", **unlock)
        self.fixed = formats.get(valign="top", **({"bg_color": "#F2F2F2", "pattern": 1} if template else {}))
        self.template = template
        header = formats.get(bold=True, align="center", valign="vcenter", pattern=1, bg_color="#D9E1F2", border=1)
        for index, spec in enumerate(TRIP_FIELDS):
            kind = self._kind(spec.key)
            column_format = self.fixed if kind == "fixed" else self.date if kind == "date" else self.text
            sheet.set_column(index, index, _WIDTHS.get(spec.key, 12), column_format if template else None)
        sheet.set_row(0, 30)
        sheet.merge_range(0, 0, 0, len(TRIP_FIELDS) - 1, title, formats.get(bold=True, font_size=16, align="center"))
        for index, spec in enumerate(TRIP_FIELDS):
            sheet.write_string(1, index, spec.label, header)
        sheet.freeze_panes(2, 3)

    @staticmethod
    def _kind(key: str) -> str:
        return "fixed" if key in ("id", "days") else "date" if key in ("date_from", "date_to") else "text"

    def write(self, values: list[Any]) -> None:
        for index, (spec, value) in enumerate(zip(TRIP_FIELDS, values, strict=True)):
            if value is None:
                continue
            kind = self._kind(spec.key)
            if kind == "date":
                self.sheet.write_number(
                    self.row, index, date.fromisoformat(value).toordinal() - _EXCEL_EPOCH, self.date
                )
            elif isinstance(value, str):
                check_text(value, f"行程#{values[0]} 的「{spec.label}」")
                self.sheet.write_string(self.row, index, value, self.fixed if kind == "fixed" else self.text)
            else:
                self.sheet.write_number(self.row, index, value, self.fixed if kind == "fixed" else None)
        self.row += 1

    def finish(self, last_row: int) -> None:
        last_row = max(last_row, self.row - 1, 1)
        self.sheet.autofilter(1, 0, last_row, len(TRIP_FIELDS) - 1)
        self.sheet.hide_gridlines(0)
        print_landscape(self.sheet, 1, last_row, len(TRIP_FIELDS) - 1)


def export_trips(ledger: Ledger, path: str | Path, year: int | None = None, force: bool = False) -> int:
    """Every trip (or those with a day in `year`) to a new workbook; returns how many."""
    path = output_path(path, FIELD, "zs export trips 外出招商.xlsx", force)
    where, params = "", {}
    if year is not None:
        where, params = (
            "WHERE date_from <= :last AND date_to >= :first",
            {"first": f"{year}-01-01", "last": f"{year}-12-31"},
        )
    with ledger.read() as connection, xlsx_workbook(path, FIELD) as book:
        title = f"{year}年外出招商台账" if year else "外出招商台账"
        book.set_properties({"title": title, "author": "zs"})
        table = _TripSheet(Formats(book), book.add_worksheet(SHEET_TITLE), title, template=False)
        rows = _trip_rows(connection, where, params)
        for values in rows:
            table.write(values)
        table.finish(table.row - 1)
    return len(rows)


def write_trip_template(ledger: Ledger, path: str | Path, unit: str, force: bool = False) -> tuple[str, int]:
    """The trips of a unit's persons and blank rows to add to; returns (unit, trips written)."""
    target = TemplateTarget.of(ledger, path, unit, "trips", force)
    unit_row, own = target.unit, target.own
    name = unit_row["name"]
    with ledger.read() as connection, xlsx_workbook(target.path, FIELD) as book:
        title = f"{name}外出招商台账（报送模板）"
        book.set_properties({"title": title, "author": "zs"})
        formats = Formats(book)
        sheet = book.add_worksheet(SHEET_TITLE)
        lists = _Lists(book)
        table = _TripSheet(formats, sheet, title, template=True)
        rows = _trip_rows(
            connection,
            "WHERE EXISTS (SELECT 1 FROM trip_person JOIN person ON person.id = trip_person.person_id "
            "WHERE trip_person.trip_id = trip.id AND person.unit_id = :unit_id)",
            {"unit_id": unit_row["id"]},
        )
        for values in rows:
            table.write(values)
        codes = [
            code
            for (code,) in connection.exec_driver_sql(
                "SELECT code FROM project WHERE unit_id = :unit_id ORDER BY id", {"unit_id": unit_row["id"]}
            )
        ]
        first, last = 2, table.row + BLANK_ROWS - 1
        positions = {spec.key: index for index, spec in enumerate(TRIP_FIELDS)}
        for key in ("date_from", "date_to"):
            validate_dates(sheet, first, last, positions[key], TRIPS.by_key[key].label)
        if own:
            validate_list(sheet, first, last, positions["persons"], lists.source(own), False, "人员")
        validate_list(sheet, first, last, positions["region"], lists.source(list(REGIONS)), False, "地区")
        if codes:
            validate_list(sheet, first, last, positions["projects"], lists.source(codes), False, "关联项目")
        table.finish(last)
        sheet.protect("", _PROTECTION)
        write_guide(book, formats, f"{name}外出招商填报说明", _trip_guide(name))
    return name, len(rows)


def _trip_guide(unit: str) -> list[str]:
    return [
        f"1. 本表是{unit}人员的外出招商台账：已登记的行程逐行列出，新的行程填在下面的空行中。",
        "2. 「编号」「天数」由 zs 给出，已锁定；新行程不填。",
        "3. 出发日期、返回日期写作 2024-03-01，当天往返写同一天；天数按日历天计，首尾都算。",
        "4. 人员：同一批次的人写在一格中，用 、 分隔，例如 张三、李四；有同名的人写作 姓名@单位。",
        "5. 目的地必须填写；地区写 长三角、珠三角、京津冀 等；关联项目写项目编号，多个用 、 分隔。",
        "6. 同一批人员、同样的起止日期和目的地是同一次行程：再次导入不会重复登记，只更新有变化的地区、事由、拜访企业和关联项目。",
        "7. 填好后交区投资促进局导入：zs import trips 本文件.xlsx（有问题时整个文件不会导入，可加 --errors 把问题标红返回）。",
        "8. 本表的保护没有密码，只为防止误改编号；如需解除：审阅 → 撤消工作表保护。",
    ]


# --- import ---------------------------------------------------------------------------------


@dataclass
class TripImportReport:
    file: str
    sheet: LedgerSheet
    rows: int
    added: list[str] = field(default_factory=list)  # 第N行 …: what is added
    updated: list[str] = field(default_factory=list)  # 第N行 行程#id：字段：旧 → 新
    unchanged: int = 0
    dry_run: bool = False


@dataclass
class _Planned:
    trip_id: int | None
    values: dict
    person_ids: list[int]
    project_ids: list[int] | None  # None: the sheet has no 关联项目 column (links left as they are)
    changes: list[str] = field(default_factory=list)  # an update, as people read it


def _split(text: str | None) -> list[str]:
    return [part for part in _SEPARATORS.split(normalize_text(text or "")) if part]


class _TripIndex:
    """The ledger's trips by (persons, dates, destination), and the lookups already done."""

    def __init__(self, connection: Connection):
        self.connection = connection
        persons: dict[int, set[int]] = {}
        for trip_id, person_id in connection.exec_driver_sql("SELECT trip_id, person_id FROM trip_person"):
            persons.setdefault(trip_id, set()).add(person_id)
        self.projects: dict[int, set[int]] = {}
        for trip_id, project_id in connection.exec_driver_sql("SELECT trip_id, project_id FROM trip_project"):
            self.projects.setdefault(trip_id, set()).add(project_id)
        self.trips: dict[tuple, dict] = {}
        for row in connection.exec_driver_sql("SELECT * FROM trip").mappings():
            trip = dict(row)
            key = (trip["date_from"], trip["date_to"], trip["dest"], frozenset(persons.get(trip["id"], ())))
            self.trips.setdefault(key, trip)
        self.found: dict[tuple[str, str], Any] = {}

    def person(self, name: str, label: str) -> int:
        return self._find(("person", name), lambda: find_person(self.connection, name, label)["id"])

    def project(self, code: str) -> int:
        return self._find(("project", code), lambda: find_project(self.connection, code)["id"])

    def _find(self, key: tuple[str, str], find) -> int:
        if key not in self.found:
            try:
                self.found[key] = find()
            except InputError as error:
                self.found[key] = error
        found = self.found[key]
        if isinstance(found, InputError):
            raise InputError(found.message, found.hint)
        return found


def _plan_trip(row, sheet: LedgerSheet, index: _TripIndex, seen: dict[tuple, int], problems: list[Problem]):
    """What one row adds or changes; its problems are appended to `problems`."""
    from zhaoshang.transfer.importer import Problem

    number, cells = row.number, row.cells
    found: list[Problem] = []

    def problem(message: str, hint: str | None, key: str) -> None:
        found.append(Problem(number, message, hint, key))

    labels = {key: column.label for key, column in sheet.header.fields.items()}
    for key in _REQUIRED:
        if key not in labels:
            problem(f"表中没有「{TRIPS.by_key[key].label}」列", "出发日期、返回日期、人员、目的地四列都要有", key)
    if found:
        problems += found[:1]
        return None
    dates: dict[str, date] = {}
    for key in ("date_from", "date_to"):
        try:
            on, month_only = read_date(cells.get(key), labels[key], sheet.epoch)
        except InputError as error:
            problem(error.message, error.hint, key)
            continue
        if on is None:
            problem(f"{labels[key]}：必须填写", "出发和返回日期都要写，例如 2024-03-01", key)
        elif month_only:
            problem(f"{labels[key]}：'{cell_text(cells.get(key))}' 只有月份", "行程日期写到日，例如 2024-03-01", key)
        else:
            dates[key] = on
    if len(dates) == 2:
        try:
            check_dates(dates["date_from"], dates["date_to"], long=False)
        except InputError as error:
            hint = (error.hint or "").replace("加 --long", "用 zs trip log --long 登记")
            problem(error.message.replace("（--to）", "").replace("返回日期", labels["date_to"], 1), hint, "date_to")
    names = _split(cell_text(cells.get("persons")))
    person_ids: list[int] = []
    if not names:
        problem(f"{labels['persons']}：必须填写", "人员写作 张三、李四（同名者写作 姓名@单位）", "persons")
    for name in names:
        try:
            person_id = index.person(name, labels["persons"])
        except InputError as error:
            problem(error.message, error.hint, "persons")
            continue
        if person_id in person_ids:
            problem(f"{labels['persons']}：'{name}' 重复填写", "同一行程中每人只写一次", "persons")
        else:
            person_ids.append(person_id)
    optional = {
        key: (cell_text(cells.get(key)) or "") if key in labels else None for key in ("region", "purpose", "companies")
    }
    text = TripFields(
        dest=cell_text(cells.get("dest")) or "",
        region=optional["region"],
        purpose=optional["purpose"],
        companies=optional["companies"],
    )
    try:
        values = _text_values(text)
    except InputError as error:
        option = re.search(r"（--(\w+)）", error.message)
        key = _OPTION_FIELDS.get(option[1] if option else "", "dest")
        message = re.sub(r"^[^：]*（--\w+）", labels.get(key, TRIPS.by_key[key].label), error.message)
        problem(message, error.hint, key)
        values = {}
    project_ids: list[int] | None = None
    if "projects" in labels:
        project_ids = []
        for code in _split(cell_text(cells.get("projects"))):
            try:
                project_id = index.project(code)
            except InputError as error:
                problem(f"{labels['projects']}：{error.message}", error.hint, "projects")
                continue
            if project_id not in project_ids:
                project_ids.append(project_id)
    if found:
        problems += found
        return None
    values |= {"date_from": dates["date_from"].isoformat(), "date_to": dates["date_to"].isoformat()}
    identity = (values["date_from"], values["date_to"], values["dest"], frozenset(person_ids))
    if identity in seen:
        problems.append(
            Problem(
                number, f"与第{seen[identity]}行是同一次行程（人员、日期、目的地相同）", "删去重复的一行", "persons"
            )
        )
        return None
    seen[identity] = number
    trip = index.trips.get(identity)
    if trip is None:
        return _Planned(None, values, person_ids, project_ids)
    changed = {column: value for column, value in values.items() if trip[column] != value}
    before_links = index.projects.get(trip["id"], set())
    if project_ids is not None and set(project_ids) == before_links:
        project_ids = None
    if not changed and project_ids is None:
        return False
    changes = [
        f"{labels.get(column, TRIPS.by_key[column].label)}：{trip[column] or '空'} → {value or '空'}"
        for column, value in changed.items()
    ]
    if project_ids is not None:
        changes.append(f"{labels['projects']}：{len(before_links)}个 → {len(project_ids)}个")
    return _Planned(trip["id"], changed, person_ids, project_ids, changes)


def import_trips(
    ledger: Ledger,
    actor: str,
    paths: Sequence[str | Path],
    dry_run: bool = False,
    errors: str | Path | None = None,
    mapping: Sequence[str] = (),
    progress: Progress | None = None,
) -> list[TripImportReport]:
    """Import trips from one or more workbooks in one transaction; `dry_run` only reports."""
    from zhaoshang.transfer.importer import ERRORS_FIELD, refusal

    files = [Path(path) for path in paths]
    errors_path = output_path(errors, ERRORS_FIELD, "--errors 问题.xlsx", force=True) if errors is not None else None
    parsed = parse_mapping(mapping, TRIPS)
    sheets = [(path, read_ledger_sheet(path, None, parsed, progress, TRIPS)) for path in files]
    reports = [TripImportReport(path.name, sheet, len(sheet.rows), dry_run=dry_run) for path, sheet in sheets]

    def plan(connection: Connection) -> list[tuple[TripImportReport, int, _Planned]]:
        index = _TripIndex(connection)
        problems: list[Problem] = []
        planned = []
        seen: dict[tuple, int] = {}
        for (path, sheet), report in zip(sheets, reports, strict=True):
            found: list[Problem] = []
            for done, row in enumerate(sheet.rows, start=1):
                result = _plan_trip(row, sheet, index, seen, found)
                if result is False:
                    report.unchanged += 1
                elif result is not None:
                    planned.append((report, row.number, result))
                if progress and done % PROGRESS_EVERY == 0:
                    progress("校验", done, len(sheet.rows))
            for problem in found:
                problem.file = path.name if len(sheets) > 1 else None
            problems += found
            seen.clear()
        if problems:
            if errors_path is not None:
                from zhaoshang.transfer.errorbook import write_error_workbook

                write_error_workbook(errors_path, sheets, problems)
            raise refusal([(report.file, report.sheet.title) for report in reports], problems, set(), errors_path)
        for report, number, result in planned:
            shown = f"第{number}行 {result.values.get('date_from', '')}–{result.values.get('date_to', '')} {result.values.get('dest', '')}"
            if result.trip_id is None:
                report.added.append(shown.strip())
            else:
                report.updated.append(f"第{number}行 行程#{result.trip_id}：{'；'.join(result.changes)}")
        return planned

    if dry_run:
        with ledger.read() as connection:
            plan(connection)
        return reports
    subject = files[0].name if len(files) == 1 else f"{files[0].name} 等{len(files)}个文件"
    with ledger.write(actor, "trip.import", subject=subject) as writer:
        for _, _, result in plan(writer.connection):
            _write_trip(writer, result)
    return reports


def _write_trip(writer: Writer, planned: _Planned) -> None:
    if planned.trip_id is None:
        trip_id = writer.insert("trip", planned.values)
        _link(writer, trip_id, "trip_person", "person_id", planned.person_ids)
        _link(writer, trip_id, "trip_project", "project_id", planned.project_ids or [])
        return
    if planned.values:
        writer.update("trip", {"id": planned.trip_id}, planned.values)
    if planned.project_ids is not None:
        _relink(writer, planned.trip_id, "trip_project", "project_id", planned.project_ids)
