"""Importing a ledger workbook into the ledger.

Every row is validated as `zs project add` validates it (`resolve_fields`, `stage_problems`), and
every problem of every row is listed at once, by row and column. Only a workbook without problems
is written, in one transaction that makes one audit entry (`project.import`). A row that matches a
project already in the ledger (by code, or by investor and name) updates it, so that importing the
same workbook again adds nothing twice.

How status travels: a `状态` column (正常 / 停滞 / 终止) with `原因` and `终止时间`. Without a 状态
column, new projects are 正常 and existing ones keep their status.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError, NotFoundError
from zhaoshang.files import output_path
from zhaoshang.parsing import STAGE_LABELS, STAGES, format_wan, normalize_text, parse_reason
from zhaoshang.services.lookup import find_unit
from zhaoshang.services.projects import (
    STAGE_COLUMNS,
    STATUS_LABELS,
    ProjectFields,
    free_codes,
    resolve_fields,
    stage_problems,
)
from zhaoshang.services.status import record_imported_status
from zhaoshang.sheets import CELL_LIMIT
from zhaoshang.transfer.cells import amount_text, cell_text, read_date, read_status
from zhaoshang.transfer.headers import AMOUNT_FIELDS, DATE_FIELDS, FIELD_BY_KEY, parse_mapping
from zhaoshang.transfer.reader import PROGRESS_EVERY, LedgerSheet, Progress, SheetRow, read_ledger_sheet

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from zhaoshang.audit import Writer

REQUIRED = ("name", "unit", "amount")
_STATUS_FIELDS = ("status", "reason", "terminated")
# project column -> the field (and so the Chinese name) that sets it, to describe an update
_COLUMN_FIELDS = {
    "code": "code",
    "name": "name",
    "unit_id": "unit",
    "amount": "amount",
    "fixed_amount": "fixed_amount",
    "investor": "investor",
    "industry": "industry",
    "channel": "channel",
    "origin": "origin",
    "note": "note",
    "leader_id": "leader",
    "handler_id": "handler",
    **{column: stage for stage, column in STAGE_COLUMNS.items()},
    "status": "status",
    "status_reason": "reason",
    "terminated_on": "terminated",
}
_REQUIRED_HINT = "每个项目都要填写项目名称、责任单位和总投资"
_STAGE_HINT = "项目先签约，再开工，然后纳统、竣工、投产：后一阶段的日期不能早于前一阶段"
_DUPLICATE_HINT = "删去重复的一行，或在「项目编号」列给两行填上不同的编号"


@dataclass
class Problem:
    row: int | None  # None: about the whole sheet
    message: str
    hint: str | None = None
    field: str | None = None  # the field whose cell is wrong, to mark it in the --errors workbook
    file: str | None = None  # set when several files are imported at once

    def __str__(self) -> str:
        where = f"{self.file} " if self.file else ""
        return f"{where}第{self.row}行 {self.message}" if self.row else f"{where}{self.message}"

    @property
    def kind(self) -> str:
        """The problem without its value: how the rest are counted (`包保领导：不存在`)."""
        return re.sub(r"\s*'[^']*'\s*", "", self.message).replace("（", "(").split("(")[0][:40]


@dataclass(slots=True)
class RowInput:
    """One sheet row as typed fields (what `zs project add` would be given), and what reading it found."""

    number: int
    fields: ProjectFields
    labels: dict[str, str]  # field -> the sheet's column header, to name it in messages
    status: dict | None  # status, status_reason, terminated_on; None when the sheet has no 状态 column
    problems: list[Problem] = field(default_factory=list)
    month_only: list[str] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # fields whose cell could not be read


@dataclass(slots=True)
class PlannedRow:
    row: int
    name: str
    code: str | None  # None: a new project that gets the next free code
    project_id: int | None  # None: a new project
    values: dict  # the columns to insert, or the changed columns to update
    changes: list[str] = field(default_factory=list)  # an update, as people read it


@dataclass
class ImportReport:
    file: str
    sheet: LedgerSheet
    rows: int
    month_only: list[str]
    added: list[PlannedRow] = field(default_factory=list)
    updated: list[PlannedRow] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False
    added_count: int | None = None  # once written, the added rows are let go and only counted

    @property
    def new_projects(self) -> int:
        return len(self.added) if self.added_count is None else self.added_count


# --- reading a row's cells ----------------------------------------------------------------


class _CellReader:
    """Cells of one sheet as the text `zs project add` accepts: dates as ISO, amounts with the
    column's unit. A ledger repeats its dates: each distinct date cell is read once."""

    def __init__(self, sheet: LedgerSheet):
        self.sheet = sheet
        self.dates: dict[tuple[type, object], tuple[str | None, bool] | InputError] = {}

    def typed(self, key: str, column, value: object, row: RowInput) -> str | None:
        if key in DATE_FIELDS:
            cached = self.dates.get((value.__class__, value))
            if cached is None:
                try:
                    on, month_only = read_date(value, column.label, self.sheet.epoch)
                    cached = (on.isoformat() if on else None, month_only)
                except InputError as error:
                    cached = error
                self.dates[(value.__class__, value)] = cached
            if isinstance(cached, InputError):
                raise InputError(cached.message, cached.hint)
            text, month_only = cached
            if month_only:
                row.month_only.append(f"第{row.number}行 {column.label} '{cell_text(value)}' → {text}")
            return text
        if key in AMOUNT_FIELDS:
            return amount_text(value, column.unit or self.sheet.unit)
        return cell_text(value)


def _status(cells: dict, sheet: LedgerSheet, row: RowInput, reader: _CellReader) -> dict | None:
    """Status, reason and termination date from the 状态, 原因 and 终止时间 columns."""
    status_column = sheet.column("status")
    if status_column is None:
        return None
    reason_column, terminated_column = sheet.column("reason"), sheet.column("terminated")
    try:
        status = read_status(cells.get("status"), status_column.label)
        reason = cell_text(cells.get("reason"))
        terminated_on = (
            reader.typed("terminated", terminated_column, cells.get("terminated"), row) if terminated_column else None
        )
        if status != "active":
            label = reason_column.label if reason_column else "原因"
            if reason is None:
                raise InputError(
                    f"{label}：项目{STATUS_LABELS[status]}，必须写明原因", "在「原因」列写明停滞或终止的原因"
                )
            reason = parse_reason(reason, label)
        if terminated_on is not None and status != "terminated":
            assert terminated_column is not None  # a termination date is only read from its column
            raise InputError(
                f"{terminated_column.label}：'{terminated_on}' 只能填在状态为终止的项目上",
                f"把「{status_column.label}」写作 终止，或清空终止时间",
            )
    except InputError as error:
        row.problems.append(Problem(row.number, error.message, error.hint, "status"))
        return None
    return {
        "status": status,
        "status_reason": reason if status != "active" else None,
        "terminated_on": terminated_on,
    }


class RowReader:
    """Sheet rows as typed fields (what `zs project add` would be given); problems of their cells
    are collected, not raised. With `unit` (a unit's submission), a blank unit cell means that unit.
    What is the same for every row (the columns, their labels) is worked out once."""

    def __init__(self, sheet: LedgerSheet, unit: str | None = None):
        self.sheet = sheet
        self.unit = unit
        self.cells = _CellReader(sheet)
        self.columns = [
            (key, column, "date" if key in DATE_FIELDS else "amount" if key in AMOUNT_FIELDS else "text")
            for key, column in sheet.header.fields.items()
            if key not in _STATUS_FIELDS and key != "local_investor" and FIELD_BY_KEY[key].imported
        ]
        self.labels = {key: column.label for key, column, _ in self.columns}
        self.local = sheet.column("local_investor")
        # A unit's own sheet may leave its name out: every row is then the unit's.
        self.fill_unit = unit is not None and sheet.column("unit") is None
        self.has_status = sheet.column("status") is not None
        if self.fill_unit:
            self.labels["unit"] = "报送单位（--unit）"

    def read(self, source: SheetRow) -> RowInput:
        row = RowInput(source.number, ProjectFields(), self.labels, None)  # the labels are shared: read only
        cells = source.cells
        fields = row.fields
        if self.fill_unit:
            fields.unit = self.unit
        for key, column, kind in self.columns:  # the hot loop of an import: plain text is read inline
            value = cells.get(key)
            try:
                if value is None:
                    text = None
                elif value.__class__ is str and len(value) > CELL_LIMIT:  # no spreadsheet writes it: a crafted file
                    raise InputError(f"{column.label}：有{len(value):,}个字，超过Excel单元格上限{CELL_LIMIT}字")
                elif kind == "text" and value.__class__ is str:
                    text = value.strip() or None
                else:
                    text = self.cells.typed(key, column, value, row)
            except InputError as error:
                row.problems.append(Problem(row.number, error.message, error.hint, key))
                row.unreadable.add(key)
                continue
            if text is None and key == "unit" and self.unit is not None:
                text = self.unit
            if text is None:
                if key in REQUIRED:  # a blank name, unit or amount never clears one
                    row.problems.append(Problem(row.number, f"{column.label}：必须填写", _REQUIRED_HINT, key))
                    continue
                if key == "code":  # a blank code: the project keeps its code, or gets the next free one
                    continue
                text = ""  # a blank optional cell clears the field
            setattr(fields, key, text)
        partner = cell_text(cells.get("local_investor")) if self.local else None
        if self.local and partner:
            # 招商引资 counts the outside investor; a local partner is kept in the note, said so.
            mention = f"{self.local.label}：{partner}"
            if mention not in (fields.note or ""):
                fields.note = "；".join(text for text in (fields.note, mention) if text)
        row.status = _status(cells, self.sheet, row, self.cells) if self.has_status else None
        return row


def row_input(source: SheetRow, sheet: LedgerSheet, unit: str | None = None) -> RowInput:
    """One sheet row as typed fields (see `RowReader`)."""
    return RowReader(sheet, unit).read(source)


# --- matching and validating against the ledger -------------------------------------------


@dataclass
class _LedgerIndex:
    """What the plan needs to know of the ledger, read once rather than queried row by row."""

    connection: Connection
    by_code: dict[str, dict]
    by_key: dict[tuple[str, str], list[dict]]
    names: dict[str, dict[int, str]]
    lookups: dict = field(default_factory=dict)  # units and persons found, repeated values read, for `resolve_fields`

    @classmethod
    def read(cls, connection: Connection) -> _LedgerIndex:
        by_code: dict[str, dict] = {}
        by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in connection.exec_driver_sql("SELECT * FROM project ORDER BY id").mappings():
            project = dict(row)
            by_code[project["code"]] = project
            by_key[(project["investor"] or "", project["name"])].append(project)
        names: dict[str, dict[int, str]] = {
            table: dict(connection.exec_driver_sql(f"SELECT id, name FROM {table}").fetchall())
            for table in ("unit", "person")
        }
        return cls(connection, by_code, by_key, names)

    def match(self, number: int, values: dict) -> tuple[dict | None, Problem | None]:
        """The project a row updates: the one with its code, else the one with its investor and name."""
        code = values.get("code")
        if code in self.by_code:
            return self.by_code[code], None
        name = values.get("name")  # every project has a name: a row without one matches none
        candidates = self.by_key.get((values.get("investor") or "", name), []) if name is not None else []
        if len(candidates) > 1:
            codes = "、".join(project["code"] for project in candidates)
            return None, Problem(
                number,
                f"账本中有{len(candidates)}个投资方和名称都相同的项目（{codes}），无法确定更新哪一个",
                "在「项目编号」列写明编号",
                "name",
            )
        return (candidates[0] if candidates else None), None

    def describe(self, column: str, before, after) -> str:
        """One changed field as people read it: `总投资：12,000 → 15,000`."""

        def shown(value):
            if value is None:
                return "空"
            if column in ("amount", "fixed_amount"):
                return format_wan(value)
            if column == "unit_id":
                return self.names["unit"].get(value, value)
            if column in ("leader_id", "handler_id"):
                return self.names["person"].get(value, value)
            if column == "status":
                return STATUS_LABELS[value]
            return value

        return f"{FIELD_BY_KEY[_COLUMN_FIELDS[column]].label}：{shown(before)} → {shown(after)}"


class _Claims:
    """Rows of one workbook that are one project: the same ledger project, the same code, or the same
    investor and name where either row has no code (importing again could not tell them apart)."""

    def __init__(self):
        self.rows: dict[tuple, str] = {}
        self.file: str | None = None  # the file being read, when several are imported

    def claim(self, number: int, values: dict, project: dict | None) -> Problem | None:
        named = (values.get("investor") or "", values.get("name"))
        code = values.get("code")
        mine: list[tuple] = [("project", project["id"])] if project else []
        mine += [("code", code), ("coded", *named)] if code else [("named", *named)]
        # a coded row meets an earlier codeless one of the same name, and a codeless row any earlier one
        checks = [claim for claim in mine if claim[0] != "coded"] + [("named", *named) if code else ("coded", *named)]
        earlier = next((self.rows[claim] for claim in checks if claim in self.rows), None)
        label = f"{self.file} 第{number}行" if self.file else f"第{number}行"
        for claim in mine:
            self.rows.setdefault(claim, label)
        if earlier is None:
            return None
        return Problem(
            number, f"与{earlier}是同一个项目（项目编号相同，或投资方和项目名称相同）", _DUPLICATE_HINT, "name"
        )


@dataclass
class _RowPlan:
    planned: PlannedRow | None  # None: nothing to write
    problems: list[Problem]
    new: bool


_STAGE_BY_LABEL = {STAGE_LABELS[stage]: stage for stage in STAGES}


def _plan_row(
    row: RowInput, index: _LedgerIndex, claims: _Claims, unknown_persons: set[str], unit: dict | None = None
) -> _RowPlan:
    """What one row adds or changes, and its problems. With `unit` (a unit's submission), the row
    must be that unit's project, and may not touch another unit's."""
    errors: list[tuple[str, InputError]] = []
    values = resolve_fields(index.connection, row.fields, row.labels, errors, index.lookups)
    problems = list(row.problems)
    for attribute, error in errors:
        if attribute in ("leader", "handler") and isinstance(error, NotFoundError) and error.message.endswith("不存在"):
            unknown_persons.add(getattr(row.fields, attribute).strip())
            problems.append(Problem(row.number, error.message, None, attribute))  # one hint names them all
        else:
            problems.append(Problem(row.number, error.message, error.hint, attribute))
    if row.status is not None:
        values |= row.status
    project, ambiguous = index.match(row.number, values)
    if ambiguous:
        problems.append(ambiguous)
    if unit is not None:
        problems += _other_unit(row, values, project, unit, index)
    if "name" in values:
        duplicate = claims.claim(row.number, values, project)
        if duplicate:
            problems.append(duplicate)
    record = (project or {"status": "active"}) | values
    if not row.unreadable.intersection(STAGES):  # an unreadable date is reported once, not again as out of order
        for error in stage_problems(record):
            stage = _STAGE_BY_LABEL.get(error.message[:2])
            problems.append(Problem(row.number, error.message, _STAGE_HINT, stage))
    if project is None:
        planned = PlannedRow(row.number, values.get("name", ""), values.get("code"), None, record)
        return _RowPlan(None if problems else planned, problems, True)
    changed = {column: value for column, value in values.items() if project[column] != value}
    if changed and project["status"] == "terminated":
        problems.append(
            Problem(
                row.number,
                f"项目 {project['code']} 已终止，不能修改",
                "终止的项目只能查看：恢复这一行的原值，或从表中删去这一行",
                "code" if "code" in row.labels else "name",
            )
        )
    if problems or not changed:
        return _RowPlan(None, problems, False)
    changes = [index.describe(column, project[column], value) for column, value in changed.items()]
    return _RowPlan(
        PlannedRow(row.number, project["name"], project["code"], project["id"], changed, changes), [], False
    )


def _other_unit(row: RowInput, values: dict, project: dict | None, unit: dict, index: _LedgerIndex) -> list[Problem]:
    """A unit's submission touches only its own projects: a row of another unit, or one that would
    take over another unit's project, is a problem."""
    hint = f"本次导入的是{unit['name']}报送的台账（--unit {unit['name']}）：删去这一行，或由该单位自行报送"
    problems = []
    if values.get("unit_id", unit["id"]) != unit["id"]:
        shown = index.names["unit"].get(values["unit_id"], values["unit_id"])
        problems.append(
            Problem(row.number, f"{row.labels.get('unit', '责任单位')}：'{shown}' 不是{unit['name']}", hint, "unit")
        )
    elif project is not None and project["unit_id"] != unit["id"]:
        owner = index.names["unit"].get(project["unit_id"], project["unit_id"])
        field = "code" if "code" in row.labels else "name"
        problems.append(Problem(row.number, f"项目 {project['code']} 属于{owner}，不是{unit['name']}", hint, field))
    return problems


MAX_LISTED_PROBLEMS = 50  # the terminal lists this many; the rest are counted by kind (all are in --errors)
_MAX_NAMED_PERSONS = 10


def refusal(
    sources: Sequence[tuple[str, str]], problems: list[Problem], unknown_persons: set[str], errors: Path | None
) -> InputError:
    """The error of a refused import of `sources` (file, sheet title): at most 50 problems, then the
    rest counted by kind, and hints."""
    if len(sources) == 1:
        where = f"工作表「{sources[0][1]}」"
    else:
        where = f"{len(sources)}个文件（{'、'.join(file for file, _ in sources)}）"
    lines = [f"  {problem}" for problem in problems[:MAX_LISTED_PROBLEMS]]
    rest = problems[MAX_LISTED_PROBLEMS:]
    if rest:
        kinds = Counter(problem.kind for problem in rest).most_common()
        counted = "；".join(f"{kind} {count:,}处" for kind, count in kinds[:10])
        more = f"；另有{len(kinds) - 10}类" if len(kinds) > 10 else ""
        lines.append(f"  ……另有 {len(rest):,} 处问题：{counted}{more}")
    hints: list[str] = []
    if errors is not None:
        hints.append(f"问题已标在工作簿 {errors} 中（红色单元格附批注，另有「问题清单」工作表）")
    if unknown_persons:
        names = sorted(unknown_persons)
        shown = "、".join(names[:_MAX_NAMED_PERSONS]) + (
            f"等{len(names):,}人" if len(names) > _MAX_NAMED_PERSONS else ""
        )
        hints.append(
            f"未登记的人员（{shown}）先用 zs person add 登记，例如 zs person add {names[0]} --unit 单位 --role head"
        )
    for problem in problems:
        if problem.hint and problem.hint not in hints and len(hints) < 4:
            hints.append(problem.hint)
    if errors is None and len(problems) > MAX_LISTED_PROBLEMS:
        hints.append("加 --errors 问题.xlsx 可把全部问题标在工作簿中")
    hints.append("改正后重新导入（可先加 --dry-run 检查）")
    body = "\n".join(lines)
    return InputError(f"{where}有{len(problems):,}处问题，没有导入任何内容：\n{body}", "；".join(hints))


def _missing_columns(sheet: LedgerSheet, new_rows: list[int]) -> Problem | None:
    """New projects need a name, a unit and an amount: a sheet that lacks such a column says so once."""
    missing = [FIELD_BY_KEY[key].label for key in REQUIRED if sheet.column(key) is None]
    if not missing or not new_rows:
        return None
    rows = "、".join(str(number) for number in new_rows[:10]) + (
        "行" if len(new_rows) <= 10 else f"行等{len(new_rows)}行"
    )
    return Problem(
        None,
        f"表中没有「{'」「'.join(missing)}」列，账本中没有的项目（第{rows}）无法新增",
        "加上这些列，或用 --map 指明哪一列是它们，例如 --map '主管部门=unit'",
    )


@dataclass
class _Source:
    """One file to import: where it is, its sheet as read, and its rows typed."""

    path: Path
    report: ImportReport
    rows: list[RowInput]
    unit: str | None  # the submitting unit: --unit, or the unit a zs template was made for


def plan_import(
    connection: Connection,
    sources: Sequence[_Source],
    errors: Path | None = None,
    progress: Progress | None = None,
) -> None:
    """Fill the reports with what to add and update; raise the list of every problem if there is any."""
    index = _LedgerIndex.read(connection)
    units = {
        source.unit: find_unit(connection, source.unit, "报送单位（--unit）")
        for source in sources
        if source.unit is not None
    }
    claims = _Claims()
    problems: list[Problem] = []
    unknown_persons: set[str] = set()
    several = len(sources) > 1
    total = sum(len(source.rows) for source in sources)
    done = 0
    for source in sources:
        report, sheet = source.report, source.report.sheet
        claims.file = source.path.name if several else None
        found: list[Problem] = []
        new_rows: list[int] = []
        rows, source.rows = source.rows, []
        for position in range(len(rows)):
            row, rows[position] = rows[position], None  # type: ignore[call-overload]  # let each row go once planned
            plan = _plan_row(row, index, claims, unknown_persons, units[source.unit] if source.unit else None)
            found += plan.problems
            if plan.new:
                new_rows.append(row.number)
            if plan.planned is not None:
                (report.added if plan.new else report.updated).append(plan.planned)
            elif not plan.new and not plan.problems:
                report.unchanged += 1
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress("校验", done, total)
        missing = _missing_columns(sheet, new_rows)
        if missing:
            found.insert(0, missing)
        for problem in found:
            problem.file = source.path.name if several else None
        problems += found
    if problems:
        if errors is not None:
            from zhaoshang.transfer.errorbook import write_error_workbook

            write_error_workbook(errors, [(source.path, source.report.sheet) for source in sources], problems)
        raise refusal(
            [(source.report.file, source.report.sheet.title) for source in sources], problems, unknown_persons, errors
        )


def apply_import(writer: Writer, reports: Sequence[ImportReport], on: date, progress: Progress | None = None) -> None:
    """Write the planned rows, file by file in sheet order; new projects without a code get the next free ones,
    and `on`, the import's day, as their lead date (as `project add` without --lead: the day a project enters
    the ledger). A status the sheet changes becomes a dated event (on `on`, or the sheet's 终止时间)."""
    planned = [row for report in reports for row in sorted(report.added + report.updated, key=lambda row: row.row)]
    codes = free_codes(writer.connection, reserved=[row.values["code"] for row in planned if row.values.get("code")])
    # New projects go in as one statement run many times: the same columns for each (a column a row
    # does not give is NULL, as it would be left out), ids in sheet order.
    added = [row for row in planned if row.project_id is None]
    updated = [row for row in planned if row.project_id is not None]
    lead_day = on.isoformat()
    # A new project's status other than 正常 is its one status event: the row goes in as that event
    # leaves it (a termination dated by 终止时间, else the import's day), the events in one statement.
    first_events: dict[int, dict] = {}  # position in `added` -> the event
    for position, row in enumerate(added):
        status = row.values.get("status")
        if status not in (None, "active"):
            since = (row.values.get("terminated_on") or lead_day) if status == "terminated" else lead_day
            first_events[position] = {"status": status, "since": since, "reason": row.values.get("status_reason")}
            row.values["terminated_on"] = since if status == "terminated" else None  # as `status.sync_project` sets it
    columns = list(dict.fromkeys([*(column for row in added for column in row.values), "code", "lead_on"]))

    def new_rows():
        for row in added:
            row.code = row.values.get("code") or next(codes)
            values, row.values = row.values, {}  # written, and kept in the audit entry: not held twice
            yield {column: values.get(column) for column in columns} | {"code": row.code, "lead_on": lead_day}

    for row, project_id in zip(added, writer.insert_many("project", columns, new_rows()), strict=True):
        row.project_id = project_id
    writer.insert_many(
        "project_status",
        ["project_id", "status", "since", "reason"],
        ({"project_id": added[position].project_id} | event for position, event in first_events.items()),
    )
    for done, row in enumerate(updated, start=1):
        assert row.project_id is not None  # an update is of a project the ledger holds
        writer.update("project", {"id": row.project_id}, row.values)
        row.code = row.values.get("code", row.code)
        record_imported_status(writer, row.project_id, row.values, on)
        row.values = {}  # written (and kept in the audit entry): not held twice
        if progress and done % PROGRESS_EVERY == 0:
            progress("写入", done, len(updated))
    for report in reports:  # the audit entry is yet to be written: what is done is let go
        report.added_count, report.added = len(report.added), []


ERRORS_FIELD = "问题工作簿（--errors）"


def _read_source(path: Path, sheet: str | None, mapping: dict[str, str], unit: str | None, dry_run: bool, progress):
    submitter: list[str | None] = [unit]

    def converter(ledger_sheet: LedgerSheet):
        """Rows become typed as they are read: a big sheet is never held twice."""
        made_for = ledger_sheet.template_unit
        if unit is not None and made_for is not None and normalize_text(unit) != made_for:
            raise InputError(
                f"{path.name} 是{made_for}的报送模板，不是 --unit {unit} 的",
                f"核对文件，或按模板的单位导入：zs import projects {path.name} --unit {made_for}",
            )
        submitter[0] = unit if unit is not None else made_for  # a zs template says whose it is
        return RowReader(ledger_sheet, submitter[0]).read

    ledger_sheet = read_ledger_sheet(path, sheet, mapping, progress, converter=converter)
    rows: list[RowInput] = ledger_sheet.rows  # type: ignore[assignment]  # converted as read
    ledger_sheet.rows = []
    unit = submitter[0]
    report = ImportReport(
        path.name, ledger_sheet, len(rows), [note for row in rows for note in row.month_only], dry_run=dry_run
    )
    return _Source(path, report, rows, unit)


def import_projects(
    ledger: Ledger,
    actor: str,
    paths: str | Path | Sequence[str | Path],
    sheet: str | None = None,
    dry_run: bool = False,
    mapping: Sequence[str] = (),
    progress: Progress | None = None,
    unit: str | None = None,
    errors: str | Path | None = None,
) -> list[ImportReport]:
    """Import one or more ledger workbooks in one transaction; with `dry_run`, only report what would be
    added and updated. With `unit`, every row must be that unit's; with `errors`, a refused import
    writes the workbooks back there with each bad cell marked."""
    files = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(path) for path in paths]
    if not files:
        raise InputError("导入文件：至少给出一个文件", "例如：zs import projects 渠沟镇.xlsx --unit 渠沟镇")
    seen: set[Path] = set()
    for path in files:
        if path.resolve() in seen:
            raise InputError(f"导入文件：'{path}' 给了两次", "每个文件只写一次")
        seen.add(path.resolve())
    errors_path = None
    if errors is not None:
        errors_path = output_path(errors, ERRORS_FIELD, "--errors 问题.xlsx", force=True)
        if errors_path.resolve() in seen:
            raise InputError(
                f"{ERRORS_FIELD}：'{errors}' 是要导入的文件本身，不能覆盖", "换一个文件名，例如 --errors 问题.xlsx"
            )
    parsed = parse_mapping(mapping)
    sources = [_read_source(path, sheet, parsed, unit, dry_run, progress) for path in files]
    reports = [source.report for source in sources]
    if dry_run:
        with ledger.read() as connection:
            plan_import(connection, sources, errors_path, progress)
        return reports
    subject = files[0].name if len(files) == 1 else f"{files[0].name} 等{len(files)}个文件"
    with ledger.write(actor, "project.import", subject=subject) as writer:
        plan_import(writer.connection, sources, errors_path, progress)
        apply_import(writer, reports, ledger.clock().date(), progress)
    return reports
