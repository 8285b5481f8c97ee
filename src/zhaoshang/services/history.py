"""The audit log as people read it: who, when, what, and each field's old and new value."""

from __future__ import annotations

from zhaoshang.audit import COLUMN_LABELS, iter_entries, table_label
from zhaoshang.db import Ledger
from zhaoshang.services.lookup import find_project

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


def _summarize(change: dict) -> str:
    label = table_label(change["table"])
    before, after = change["before"], change["after"]
    if before is None:
        name = after.get("code") or after.get("name") or after.get("alias") or after.get("metric") or change["key"]
        return f"新增{label} {name}"
    if after is None:
        name = before.get("code") or before.get("name") or change["key"]
        return f"删除{label} {name}"
    fields = [
        f"{COLUMN_LABELS.get(column, column)}：{before.get(column) or '空'} → {after[column] or '空'}"
        for column in after
        if before.get(column) != after[column]
    ]
    return f"{label} " + "；".join(fields)


def _summary_lines(changes: list[dict]) -> list[str]:
    lines = [_summarize(change) for change in changes[:_MAX_SUMMARY_LINES]]
    if len(changes) > _MAX_SUMMARY_LINES:
        lines.append(f"……共 {len(changes)} 项变更")
    return lines


def audit_history(ledger: Ledger, project_code: str | None = None) -> list[dict]:
    with ledger.read() as connection:
        if project_code is None:
            records = iter_entries(connection)
        else:
            project = find_project(connection, project_code)
            records = iter_entries(connection, subject=project["code"], table_key=("project", project["id"]))
        return [
            {
                "seq": record.seq,
                "at": record.at,
                "actor": record.actor,
                "action": record.action,
                "action_label": ACTION_LABELS.get(record.action, record.action),
                "subject": record.subject,
                "summary": _summary_lines(record.changes),
                "changes": len(record.changes),
                "hash": record.hash,
            }
            for record in records
        ]
