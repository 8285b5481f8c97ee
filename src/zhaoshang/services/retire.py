"""Projects that leave the ledger, and look-alikes that stay (design §5.1).

    zs project delete CODE --reason TEXT [--unlink]     a mistaken entry (never a real project)
    zs project merge KEEP DUP --reason TEXT [--unit]    DUP is folded into KEEP and removed
    zs project distinct A B --reason TEXT               ZS404 stops pairing A and B

What links a project is table-driven: `PROJECT_LINKS` lists every table whose rows point at a
project: trips, and the full cycle's monthly investment, problems and inspections. `delete`
refuses while any of them does (unless --unlink removes those rows), `merge` moves them to KEEP.
A project's own rows (its status events and distinct pairs) go with it. Each removed project
leaves a `retired_project` row with the reason, so its code still says where it went.

Monthly investment on merge: DUP is the same project entered twice, so a month both records
report is the same money reported twice — adding the two would count it twice (the opposite of
（十六） 求真务实). The larger of the two is kept, as the larger total investment is; a month
only DUP reports moves to KEEP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhaoshang.audit import COLUMN_LABELS, key_columns
from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.parsing import STAGES, require_text, yuan_to_wan
from zhaoshang.services.alike import INVESTOR_KEY_SQL, names_alike, pair_key
from zhaoshang.services.lookup import find_project, find_unit
from zhaoshang.services.projects import STAGE_COLUMNS, check_stages

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from zhaoshang.audit import Writer


@dataclass(frozen=True)
class ProjectLink:
    """A table whose rows link a project through `column`.

    `label` says in Chinese what a row is (外出招商行程); `shown` is the column that names a row
    in a message (a trip's id). `same` are the columns that, with `column`, make two rows one
    link: when KEEP already has a row with DUP's values in them, DUP's row is dropped on merge
    instead of moved (a trip that followed up both records links KEEP once) — after KEEP's row
    takes the `larger` column's value of the two, where one is named (a month's investment).
    `owned`: the rows are the project's own record (its problems), deleted with it on --unlink,
    not a link to something that stays (a trip); `marker` is written before a row's `shown` value."""

    table: str
    column: str
    label: str
    shown: str
    same: tuple[str, ...] = ()
    larger: str | None = None
    owned: bool = False
    marker: str = "#"


PROJECT_LINKS: list[ProjectLink] = [
    ProjectLink("trip_project", "project_id", "外出招商行程", shown="trip_id", same=("trip_id",)),
    ProjectLink("investment", "project_id", "月度完成投资", shown="month", same=("month",), larger="invested",
                owned=True, marker=""),
    ProjectLink("problem", "project_id", "项目问题", shown="id", owned=True),
    ProjectLink("inspection", "project_id", "现场查看记录", shown="id", owned=True),
]  # fmt: skip

# A project's own rows: they are part of it, and go where it goes.
_OWN_EVENTS = ("project_status", "project_id")
_PAIR_COLUMNS = ("first_id", "second_id")


def _rows(connection: Connection, table: str, column: str, project_id: int) -> list[dict]:
    return [
        dict(row)
        for row in connection.exec_driver_sql(
            f"SELECT * FROM {table} WHERE {column} = :id ORDER BY rowid", {"id": project_id}
        ).mappings()
    ]


def _key(table: str, row: dict) -> dict:
    return {column: row[column] for column in key_columns(table)}


def _drop_own_rows(writer: Writer, project_id: int) -> None:
    """Delete a project's status events and distinct pairs."""
    table, column = _OWN_EVENTS
    for row in _rows(writer.connection, table, column, project_id):
        writer.delete(table, _key(table, row))
    for column in _PAIR_COLUMNS:
        for row in _rows(writer.connection, "project_distinct", column, project_id):
            writer.delete("project_distinct", _key("project_distinct", row))


def _retire(writer: Writer, project: dict, reason: str, merged_into: str | None = None) -> None:
    _drop_own_rows(writer, project["id"])
    writer.delete("project", {"id": project["id"]})
    writer.insert(
        "retired_project",
        {"code": project["code"], "name": project["name"], "reason": reason, "merged_into": merged_into},
    )


def project_links(connection: Connection, project_id: int) -> list[tuple[ProjectLink, list[dict]]]:
    """The rows of every link table that point at a project (tables without any left out)."""
    found = []
    for link in PROJECT_LINKS:
        rows = _rows(connection, link.table, link.column, project_id)
        if rows:
            found.append((link, rows))
    return found


def _shown(link: ProjectLink, rows: list[dict]) -> str:
    named = "、".join(f"{link.marker}{row[link.shown]}" for row in rows[:10])
    return f"{len(rows)}条{link.label}（{named}{'等' if len(rows) > 10 else ''}）"


def delete_project(ledger: Ledger, actor: str, code: str, reason: str, unlink: bool = False) -> dict:
    """Remove a mistaken entry. Refused while anything links it, unless `unlink` removes the links."""
    reason = require_text(reason, "原因（--reason）")
    with ledger.write(actor, "project.delete", subject=code) as writer:
        project = find_project(writer.connection, code)
        writer.subject = project["code"]
        links = project_links(writer.connection, project["id"])
        if links and not unlink:
            raise InputError(
                f"项目：'{project['code']}' 仍关联{'，'.join(_shown(link, rows) for link, rows in links)}，不能删除",
                f"连同这些关联一并删除：zs project delete {project['code']} --reason {reason} --unlink；"
                f"若是重复登记，应合并：zs project merge 保留的编号 {project['code']} --reason 重复登记",
            )
        for link, rows in links:
            for row in rows:
                writer.delete(link.table, _key(link.table, row))
        _retire(writer, project, reason)
    return {
        "code": project["code"],
        "name": project["name"],
        "unlinked": [(link.label, len(rows), link.owned) for link, rows in links],
    }


# --- merge ------------------------------------------------------------------------------------

# Fields KEEP takes from DUP when its own is empty.
_FILLED = ("investor", "industry", "channel", "origin", "leader_id", "handler_id", "note", "fixed_amount")


def merged_values(keep: dict, dup: dict, unit_id: int | None = None) -> dict:
    """KEEP's columns after folding DUP in (only those that change): the lead date and each stage
    date the earlier of the two non-empty ones, the larger amount, KEEP's empty fields filled from
    DUP, the unit of the earlier signing (a tie, or neither signed: KEEP's) unless `unit_id` says otherwise."""
    values: dict = {}
    for column in ("lead_on", *(STAGE_COLUMNS[stage] for stage in STAGES)):
        dates = [str(day) for day in (keep[column], dup[column]) if day]
        values[column] = min(dates) if dates else None
    values["amount"] = max(keep["amount"], dup["amount"])
    for column in _FILLED:
        values[column] = keep[column] if keep[column] is not None else dup[column]
    if unit_id is None:
        dup_first = dup["signed_on"] and (not keep["signed_on"] or str(dup["signed_on"]) < str(keep["signed_on"]))
        unit_id = dup["unit_id"] if dup_first else keep["unit_id"]
    values["unit_id"] = unit_id
    return {column: value for column, value in values.items() if value != keep[column]}


def _move_links(writer: Writer, keep_id: int, dup_id: int) -> list[dict]:
    """Point DUP's link rows at KEEP (dropping those KEEP already has, after KEEP's row takes the
    larger value where the link says so); returns per link table {label, moved: rows moved or
    folded, folded: of those the ones KEEP had already, larger: whether the larger value was kept}."""
    moved = []
    for link, rows in project_links(writer.connection, dup_id):
        keys = key_columns(link.table)
        folded = 0
        for row in rows:
            same = {column: row[column] for column in link.same} | {link.column: keep_id}
            where = " AND ".join(f"{column} = :{column}" for column in same)
            kept = (
                writer.connection.exec_driver_sql(f"SELECT * FROM {link.table} WHERE {where}", same).mappings().first()
                if link.same
                else None
            )
            if kept is not None:
                folded += 1
                if link.larger and row[link.larger] > kept[link.larger]:
                    writer.update(link.table, _key(link.table, dict(kept)), {link.larger: row[link.larger]})
                writer.delete(link.table, _key(link.table, row))
            elif link.column in keys:  # the link is its key: a new row under the new key
                writer.delete(link.table, _key(link.table, row))
                writer.insert(link.table, row | {link.column: keep_id})
            else:
                writer.update(link.table, _key(link.table, row), {link.column: keep_id})
        moved.append({"label": link.label, "moved": len(rows), "folded": folded, "larger": link.larger is not None})
    return moved


def _carry_distinct_pairs(writer: Writer, keep_id: int, dup_id: int) -> None:
    """DUP said to be distinct from C: so is KEEP, the same project (a pair with KEEP itself goes)."""
    for column in _PAIR_COLUMNS:
        for row in _rows(writer.connection, "project_distinct", column, dup_id):
            other = row["second_id"] if column == "first_id" else row["first_id"]
            if other == keep_id:
                continue
            first, second = pair_key(keep_id, other)
            exists = writer.connection.exec_driver_sql(
                "SELECT 1 FROM project_distinct WHERE first_id = :first AND second_id = :second",
                {"first": first, "second": second},
            ).first()
            if not exists:
                writer.insert("project_distinct", {"first_id": first, "second_id": second, "reason": row["reason"]})


def merge_projects(
    ledger: Ledger, actor: str, keep_code: str, dup_code: str, reason: str, unit: str | None = None
) -> dict:
    """Fold DUP into KEEP (one audit entry): KEEP's fields as `merged_values` gives them, DUP's
    links moved to KEEP, DUP removed. Returns what changed on KEEP."""
    reason = require_text(reason, "原因（--reason）")
    with ledger.write(actor, "project.merge", subject=keep_code) as writer:
        connection = writer.connection
        keep, dup = find_project(connection, keep_code), find_project(connection, dup_code)
        writer.subject = keep["code"]
        if keep["id"] == dup["id"]:
            raise InputError(
                f"项目：'{dup_code}' 与 '{keep_code}' 是同一个项目，不能合并到自身",
                "例如：zs project merge 保留的编号 重复的编号 --reason 重复登记",
            )
        if keep["status"] == "terminated":
            raise InputError(
                f"项目：'{keep['code']}' 已终止，不能把其他项目并入",
                f"保留仍在推进的那一个：zs project merge {dup['code']} {keep['code']} --reason {reason}",
            )
        unit_id = find_unit(connection, unit, "单位（--unit）")["id"] if unit is not None else None
        values = merged_values(keep, dup, unit_id)
        check_stages(keep | values)
        moved = _move_links(writer, keep["id"], dup["id"])
        _carry_distinct_pairs(writer, keep["id"], dup["id"])
        _retire(writer, dup, reason, merged_into=keep["code"])
        after = writer.update("project", {"id": keep["id"]}, values) if values else keep
        changes = [_described(connection, column, keep[column], after[column]) for column in values]
    return {"keep": keep["code"], "dup": dup["code"], "changes": changes, "moved": moved}


# As the audit log names the columns; amounts are shown in 万元 here.
_CHANGE_LABELS = COLUMN_LABELS | {"amount": "总投资（万元）", "fixed_amount": "固投（万元）"}
_NAMES_SQL = {"unit_id": "SELECT name FROM unit WHERE id = :id", "leader_id": "SELECT name FROM person WHERE id = :id",
              "handler_id": "SELECT name FROM person WHERE id = :id"}  # fmt: skip


def _described(connection: Connection, column: str, before, after) -> dict:
    """A field's change as people read it: names for ids, 万元 for amounts."""

    def shown(value):
        if value is None:
            return None
        if column in _NAMES_SQL:
            return connection.exec_driver_sql(_NAMES_SQL[column], {"id": value}).scalar_one()
        return yuan_to_wan(value) if column in ("amount", "fixed_amount") else value

    return {
        "field": column,
        "label": _CHANGE_LABELS.get(column, column),
        "before": shown(before),
        "after": shown(after),
    }


# --- distinct ---------------------------------------------------------------------------------


def distinct_projects(ledger: Ledger, actor: str, first_code: str, second_code: str, reason: str) -> dict:
    """Record that two projects ZS404 pairs (one investor, alike names) are two projects."""
    reason = require_text(reason, "原因（--reason）")
    with ledger.write(actor, "project.distinct", subject=first_code) as writer:
        connection = writer.connection
        first, second = find_project(connection, first_code), find_project(connection, second_code)
        writer.subject = f"{first['code']}、{second['code']}"
        if first["id"] == second["id"]:
            raise InputError(f"项目：'{second_code}' 与 '{first_code}' 是同一个项目", "写出两个不同的项目编号")
        keys: dict[int, str | None] = dict(
            connection.exec_driver_sql(
                f"SELECT id, {INVESTOR_KEY_SQL} FROM project WHERE id IN (:first, :second)",
                {"first": first["id"], "second": second["id"]},
            ).all()
        )
        same_investor = keys[first["id"]] and keys[first["id"]] == keys[second["id"]]
        if not (same_investor and names_alike(first["name"], second["name"])):
            why = "投资方不同" if not same_investor else "名称并不相近"
            raise InputError(
                f"项目：'{first['code']}' 与 '{second['code']}' {why}，ZS404 不会把它们当作重复签约，无需说明",
                "查看疑似重复签约的项目：zs check quotas --select ZS404",
            )
        pair = pair_key(first["id"], second["id"])
        if connection.exec_driver_sql(
            "SELECT 1 FROM project_distinct WHERE first_id = :first AND second_id = :second",
            {"first": pair[0], "second": pair[1]},
        ).first():
            raise InputError(f"项目：'{first['code']}' 与 '{second['code']}' 已说明是两个项目", "查看：zs audit log")
        writer.insert("project_distinct", {"first_id": pair[0], "second_id": pair[1], "reason": reason})
    return {"first": first["code"], "second": second["code"]}
