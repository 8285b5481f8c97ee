"""The audit log as people read it: who, when (local time), what, and each field's old and new value
— with names instead of ids, amounts in 万元, and stages, statuses, roles and kinds in Chinese."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from zhaoshang.audit import COLUMN_LABELS, iter_entries, table_label
from zhaoshang.db import Ledger
from zhaoshang.parsing import KIND_LABELS, ROLE_LABELS, format_wan
from zhaoshang.request_history import REQUEST_EVENTS
from zhaoshang.services.casework import RATING_LABELS
from zhaoshang.services.inspections import RESULT_LABELS
from zhaoshang.services.lookup import find_project
from zhaoshang.services.projects import STATUS_LABELS
from zhaoshang.services.quota_data import FUND_KINDS, MEETING_KINDS
from zhaoshang.services.status import EVENT_LABELS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

ACTION_LABELS = {
    "init": "新建账本",
    "upgrade": "升级账本",
    "unit.add": "新增单位",
    "person.add": "新增人员",
    "person.edit": "修改人员任职",  # issue 10
    "person.move": "人员调动",
    "person.leave": "人员离任",
    "project.add": "新增项目",
    "project.advance": "推进项目",
    "project.edit": "修改项目",
    "project.stall": "项目停滞",
    "project.resume": "项目恢复",
    "project.terminate": "终止项目",
    "project.delete": "删除项目",  # issue 10
    "project.merge": "合并重复项目",
    "project.distinct": "确认非重复项目",
    "trip.log": "登记外出招商",  # issue 3
    "trip.edit": "修改外出招商",
    "trip.delete": "删除外出招商",
    "project.import": "导入项目",  # issue 6
    "trip.import": "导入外出招商",  # issue 13
    "ledger.import": "整本导入账本",
    "target.set": "设定目标",  # issue 4
    "target.copy": "复制年度目标",
    "indicator.set": "登记统计指标",
    "fund.add": "登记基金",
    "building.set": "登记总部经济楼宇",
    "meeting.add": "登记会议",
    "project.invest": "登记完成投资",  # issue 12
    "project.inspect": "现场查看项目",
    "problem.add": "登记项目问题",
    "problem.resolve": "项目问题解决",
    "request.add": "受理企业诉求",
    "request.assign": "转办企业诉求",
    "request.resolve": "办结企业诉求",
    "request.rate": "评价企业诉求",
}

_MAX_SUMMARY_LINES = 20
_AMOUNT_COLUMNS = {
    "amount": "总投资",
    "fixed_amount": "固投",
    "revenue": "营业收入",
    "tax": "税收",
    "invested": "完成投资",
}
# A column a table's own word names better than COLUMN_LABELS: a request is 办结, not 解决.
_TABLE_COLUMN_LABELS = {("enterprise_request", "resolved_on"): "办结日期"}
_GIST_MAX = 30  # characters of free text (a problem, a request) that name its row in a summary line
_PERSON_COLUMNS = frozenset({"leader_id", "handler_id", "person_id"})
_CHOICE_LABELS = {  # (table, column) → the Chinese of its stored codes
    ("unit", "kind"): KIND_LABELS,
    ("person", "role"): ROLE_LABELS,
    ("project", "status"): STATUS_LABELS,
    ("fund", "kind"): FUND_KINDS,
    ("meeting", "kind"): MEETING_KINDS,
    ("enterprise_request", "rating"): RATING_LABELS,
    ("request_event", "rating"): RATING_LABELS,
    ("request_event", "kind"): REQUEST_EVENTS,
    ("inspection", "result"): RESULT_LABELS,
}
# Tables whose row holds one figure: a row added or removed is named with it (XS2024122 2024-01：300万元),
# a row changed by its name alone, the figure then shown changing.
_ROW_FIGURES = {"investment": "invested"}


class _Names:
    """Names of the rows ids point to: as the ledger has them now, then as each entry read in
    order left them (so a row deleted since, or renamed, is named as it was)."""

    def __init__(self, connection: Connection):
        self.units: dict[Any, str] = dict(connection.exec_driver_sql("SELECT id, name FROM unit").all())
        self.projects: dict[Any, str] = dict(connection.exec_driver_sql("SELECT id, code FROM project").all())
        self.persons: dict[Any, tuple[str, Any]] = {
            person_id: (name, unit_id)
            for person_id, name, unit_id in connection.exec_driver_sql("SELECT id, name, unit_id FROM person")
        }
        self.namesakes = {
            name for (name,) in connection.exec_driver_sql("SELECT name FROM person GROUP BY name HAVING count(*) > 1")
        }

    def learn(self, changes: list[dict]) -> None:
        for change in changes:
            row = change["after"] or change["before"]
            if change["table"] == "unit":
                self.units[row["id"]] = row["name"]
            elif change["table"] == "project":
                self.projects[row["id"]] = row["code"]
            elif change["table"] == "person":
                self.persons[row["id"]] = (row["name"], row["unit_id"])

    def unit(self, unit_id: Any) -> str:
        return self.units.get(unit_id, f"#{unit_id}")

    def person(self, person_id: Any) -> str:
        """The name; `姓名@单位` where another person has the same name."""
        if person_id not in self.persons:
            return f"#{person_id}"
        name, unit_id = self.persons[person_id]
        return f"{name}@{self.unit(unit_id)}" if name in self.namesakes else name

    def project(self, project_id: Any) -> str:
        return self.projects.get(project_id, f"#{project_id}")


def _value(table: str, column: str, value: Any, names: _Names) -> str:
    """A stored value as people read it: names for ids, 万元 for yuan, Chinese for codes."""
    if value is None or value == "":
        return "空"
    if column == "unit_id":
        return names.unit(value)
    if column in _PERSON_COLUMNS:
        return names.person(value)
    if column == "project_id":
        return names.project(value)
    if column in _AMOUNT_COLUMNS and isinstance(value, int):
        return f"{format_wan(value)}万元"
    labels = _CHOICE_LABELS.get((table, column))
    return labels.get(value, str(value)) if labels else str(value)


def _label(table: str, column: str) -> str:
    return _TABLE_COLUMN_LABELS.get((table, column)) or _AMOUNT_COLUMNS.get(column) or COLUMN_LABELS.get(column, column)


def _gist(text: str) -> str:
    """Free text as one short line: its first line, cut at _GIST_MAX characters."""
    lines = text.strip().splitlines() or [""]
    cut = len(lines[0]) > _GIST_MAX or len(lines) > 1
    return lines[0][:_GIST_MAX] + ("…" if cut else "")


def _request_step(row: dict, names: _Names) -> str:
    """诉求#8 2024-05-17 评价：不满意（重办，时限 2024-06-01）."""
    kind = row["kind"]
    name = f"诉求#{row['request_id']} {row['happened_on']} {REQUEST_EVENTS.get(kind, kind)}"
    if row.get("unit_id") is not None:
        name += f"：{names.unit(row['unit_id'])}"
    if row.get("rating") is not None:
        name += f"：{RATING_LABELS.get(row['rating'], row['rating'])}"
    if row.get("due_on") is not None:
        name += f"（{'重办，' if kind == 'rated' else ''}时限 {row['due_on']}）"
    return name


def _target_name(row: dict, names: _Names) -> str:
    whom = names.unit(row["unit_id"]) if row.get("unit_id") is not None else "全区"
    return f"{row['year']}年 {row['metric']}（{whom}）：{row['value']}"


# What a row of each table is called in a summary line.
_ROW_NAMES: dict[str, Callable[[dict, _Names], str]] = {
    "project": lambda row, names: f"{row['code']} {row['name']}",
    "person": lambda row, names: (
        f"{row['name']}（{names.unit(row['unit_id'])}，{ROLE_LABELS.get(row['role'], row['role'])}）"
    ),
    "unit_alias": lambda row, names: f"{row['alias']}（{names.unit(row['unit_id'])}）",
    "trip": lambda row, names: f"{row['date_from']} 至 {row['date_to']} 赴{row['dest']}",
    "trip_person": lambda row, names: names.person(row["person_id"]),
    "trip_project": lambda row, names: names.project(row["project_id"]),
    "target": _target_name,
    "indicator": lambda row, names: f"{row['month']} {row['metric']}：{row['value']}",
    "meeting": lambda row, names: f"{row['held_on']} {MEETING_KINDS.get(row['kind'], row['kind'])}",
    "hq_building": lambda row, names: f"{row['name']} {row['year']}年",
    "person_post": lambda row, names: (
        f"{names.person(row['person_id'])}：{names.unit(row['unit_id'])}{ROLE_LABELS.get(row['role'], row['role'])}"
        f"（{row['since'] or '…'} 至 {row['until'] or '今'}）"
    ),
    "project_status": lambda row, names: (
        f"{names.project(row['project_id'])} {row['since']} {EVENT_LABELS.get(row['status'], row['status'])}"
        + (f"（{row['reason']}）" if row.get("reason") else "")
    ),
    "project_distinct": lambda row, names: (
        f"{names.project(row['first_id'])} 与 {names.project(row['second_id'])}（{row['reason']}）"
    ),
    "retired_project": lambda row, names: (
        f"{row['code']} {row['name']}" + (f" 并入 {row['merged_into']}" if row.get("merged_into") else "")
    ),
    "investment": lambda row, names: f"{names.project(row['project_id'])} {row['month']}",
    "problem": lambda row, names: f"{names.project(row['project_id'])}：{_gist(row['text'])}",
    "enterprise_request": lambda row, names: f"#{row['id']} {row['enterprise']}：{_gist(row['text'])}",
    "request_event": lambda row, names: _request_step(row, names),
    "inspection": lambda row, names: (
        f"{names.project(row['project_id'])} {row['inspected_on']} {RESULT_LABELS.get(row['result'], row['result'])}"
    ),
}


def _row_name(table: str, row: dict, names: _Names, with_figure: bool = True) -> str:
    if table in _ROW_NAMES:
        name = _ROW_NAMES[table](row, names)
    else:
        name = str(row.get("code") or row.get("name") or row.get("alias") or row.get("id") or "")
    figure = _ROW_FIGURES.get(table)
    if figure is not None and with_figure:
        name += f"：{_value(table, figure, row.get(figure), names)}"
    return name


def _summarize(change: dict, subject: str | None, names: _Names) -> str:
    table, before, after = change["table"], change["before"], change["after"]
    label = table_label(table)
    if before is None:
        return f"新增{label} {_row_name(table, after, names)}"
    if after is None:
        return f"删除{label} {_row_name(table, before, names)}"
    fields = "；".join(
        f"{_label(table, column)}：{_value(table, column, before.get(column), names)} → {_value(table, column, after[column], names)}"
        for column in after
        if before.get(column) != after[column]
    )
    if after.get("code") is not None and after["code"] in (subject, before.get("code")) and table == "project":
        return f"{label} {fields}"  # the entry's subject names the project
    return f"{label} {_row_name(table, after, names, with_figure=False)} {fields}"


def _summary_lines(changes: list[dict], subject: str | None, names: _Names) -> list[str]:
    lines = [_summarize(change, subject, names) for change in changes[:_MAX_SUMMARY_LINES]]
    if len(changes) > _MAX_SUMMARY_LINES:
        lines.append(f"……共 {len(changes)} 项变更")
    return lines


def _local_zone() -> tzinfo | None:
    """The zone of `TZ` (Asia/Shanghai) when it names one, else the system's (None)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # a POSIX rule (CST-8) or an unknown name: the C library's reading
        return None


def local_time(at: str, zone: tzinfo | None) -> str:
    """An entry's time (stored with its offset) in the reader's zone: 2024-03-01 09:30:00."""
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def audit_history(ledger: Ledger, project_code: str | None = None) -> list[dict]:
    zone = _local_zone()
    with ledger.read() as connection:
        if project_code is None:
            records = iter_entries(connection)
        else:
            project = find_project(connection, project_code)
            records = iter_entries(connection, subject=project["code"], table_key=("project", project["id"]))
        names = _Names(connection)
        entries = []
        for record in records:
            names.learn(record.changes)
            entries.append(
                {
                    "seq": record.seq,
                    "at": record.at,
                    "local_time": local_time(record.at, zone),
                    "actor": record.actor,
                    "action": record.action,
                    "action_label": ACTION_LABELS.get(record.action, record.action),
                    "subject": record.subject,
                    "summary": _summary_lines(record.changes, record.subject, names),
                    "changes": len(record.changes),
                    "hash": record.hash,
                }
            )
        return entries
