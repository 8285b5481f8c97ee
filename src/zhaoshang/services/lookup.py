"""Finding units, persons and projects by what users type: names, aliases, codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.errors import NotFoundError
from zhaoshang.parsing import ROLE_LABELS, normalize_text, shown

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_UNIT_NAMES_SQL = "SELECT id, name FROM unit UNION ALL SELECT unit_id, alias FROM unit_alias"


def ids_named(connection: Connection, sql: str, name: str, params: dict | None = None) -> list[int]:
    """Ids of the rows `sql` selects as (id, name) whose name reads as `name` once both are
    compared after NFKC: `ＡＢＣ` is `ABC`. Names keep the form they were typed in (（集团）),
    so the comparison is made here rather than by SQL's `=`."""
    key = normalize_text(name)
    return sorted(
        {row_id for row_id, stored in connection.exec_driver_sql(sql, params or {}) if normalize_text(stored) == key}
    )


def unit_named(connection: Connection, name: str) -> dict | None:
    """The unit whose name or alias is `name` (after NFKC), or None."""
    text = normalize_text(name)
    row = (
        connection.exec_driver_sql(
            "SELECT * FROM unit WHERE name = :name "
            "UNION SELECT unit.* FROM unit JOIN unit_alias ON unit_alias.unit_id = unit.id WHERE unit_alias.alias = :name",
            {"name": text},
        )
        .mappings()
        .first()
    )
    if row is None:  # a name stored in another form than NFKC's (full-width brackets)
        row = _first_row(connection, "unit", ids_named(connection, _UNIT_NAMES_SQL, text))
    return dict(row) if row is not None else None


def _first_row(connection: Connection, table: str, ids: list[int]):
    """The row of `table` with the first of `ids`, or None when there is none."""
    if not ids:
        return None
    return connection.exec_driver_sql(f"SELECT * FROM {table} WHERE id = :id", {"id": ids[0]}).mappings().first()


def find_unit(connection: Connection, name: str, field: str = "单位") -> dict:
    """A unit by its name or an alias; an unknown name suggests near matches."""
    text = normalize_text(name or "")
    unit = unit_named(connection, text)
    if unit is not None:
        return unit
    names = [r[0] for r in connection.exec_driver_sql("SELECT name FROM unit ORDER BY id")]
    near = [candidate for candidate in names if text and (text in candidate or candidate in text)]
    hint = (
        f"是否指：{'、'.join(near)}？" if near else "查看全部单位：zs unit list；新增单位：zs unit add 名称 --kind 部门"
    )
    raise NotFoundError(f"{field}：'{shown(name)}' 不存在", hint)


def _persons(connection: Connection, condition: str, params: dict, unit_id: int | None) -> list[dict]:
    sql = "SELECT person.*, unit.name AS unit_name FROM person JOIN unit ON unit.id = person.unit_id WHERE " + condition
    if unit_id is not None:  # any post the person ever held there (a head moved elsewhere is still found)
        sql += " AND EXISTS (SELECT 1 FROM person_post WHERE person_post.person_id = person.id AND person_post.unit_id = :unit_id)"
        params = params | {"unit_id": unit_id}
    return [dict(row) for row in connection.exec_driver_sql(sql + " ORDER BY person.id", params).mappings()]


def find_person(connection: Connection, name: str, field: str = "人员") -> dict:
    """A person by name, or `姓名@单位` where two persons share a name: the person who ever held
    a post in that unit (a head moved elsewhere is still found by their former unit)."""
    text = normalize_text(name or "")
    person_name, _, unit_name = text.partition("@")
    unit_id = find_unit(connection, unit_name)["id"] if unit_name else None
    rows = _persons(connection, "person.name = :name", {"name": person_name}, unit_id)
    if not rows:  # a name stored in another form than NFKC's
        ids = ids_named(connection, "SELECT id, name FROM person", person_name)
        rows = [row for person_id in ids for row in _persons(connection, "person.id = :id", {"id": person_id}, unit_id)]
    if not rows:
        raise NotFoundError(
            f"{field}：'{shown(name)}' 不存在",
            "查看人员：zs person list；新增人员：zs person add 姓名 --unit 单位 --role 单位主要负责同志",
        )
    if len(rows) > 1:
        candidates = "；".join(f"{row['name']}@{row['unit_name']}（{ROLE_LABELS[row['role']]}）" for row in rows)
        raise NotFoundError(
            f"{field}：'{name}' 有{len(rows)}人同名：{candidates}",
            f"用 姓名@单位 指明，例如 {rows[0]['name']}@{rows[0]['unit_name']}",
        )
    person = rows[0]
    person.pop("unit_name")
    return person


def find_project(connection: Connection, code: str) -> dict:
    """A project by its code; the code of one merged or deleted says where it went."""
    text = normalize_text(code or "")
    row = connection.exec_driver_sql("SELECT * FROM project WHERE code = :code", {"code": text}).mappings().first()
    if row is None:  # a code stored before codes were kept in their NFKC form
        row = _first_row(connection, "project", ids_named(connection, "SELECT id, code FROM project", text))
    if row is not None:
        return dict(row)
    retired = connection.exec_driver_sql(
        "SELECT merged_into, reason FROM retired_project WHERE code = :code ORDER BY id DESC LIMIT 1", {"code": text}
    ).first()
    if retired is not None and retired[0]:
        raise NotFoundError(
            f"项目编号：'{shown(code)}' 已并入项目 {retired[0]}（{retired[1]}）", f"查看：zs project show {retired[0]}"
        )
    if retired is not None:
        raise NotFoundError(f"项目编号：'{shown(code)}' 已删除（{retired[1]}）", "查看删除记录：zs audit log")
    raise NotFoundError(f"项目编号：'{shown(code)}' 不存在", "查看项目编号：zs project list")
