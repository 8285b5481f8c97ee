"""Finding units, persons and projects by what users type: names, aliases, codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.errors import NotFoundError
from zhaoshang.parsing import ROLE_LABELS, normalize_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def find_unit(connection: Connection, name: str, field: str = "单位") -> dict:
    """A unit by its name or an alias; an unknown name suggests near matches."""
    text = normalize_text(name or "")
    row = (
        connection.exec_driver_sql(
            "SELECT * FROM unit WHERE name = :name "
            "UNION SELECT unit.* FROM unit JOIN unit_alias ON unit_alias.unit_id = unit.id WHERE unit_alias.alias = :name",
            {"name": text},
        )
        .mappings()
        .first()
    )
    if row is not None:
        return dict(row)
    names = [r[0] for r in connection.exec_driver_sql("SELECT name FROM unit ORDER BY id")]
    near = [candidate for candidate in names if text and (text in candidate or candidate in text)]
    hint = (
        f"是否指：{'、'.join(near)}？" if near else "查看全部单位：zs unit list；新增单位：zs unit add 名称 --kind 部门"
    )
    raise NotFoundError(f"{field}：'{name}' 不存在", hint)


def find_person(connection: Connection, name: str, field: str = "人员") -> dict:
    """A person by name, or `姓名@单位` where two persons share a name."""
    text = normalize_text(name or "")
    person_name, _, unit_name = text.partition("@")
    sql = "SELECT person.*, unit.name AS unit_name FROM person JOIN unit ON unit.id = person.unit_id WHERE person.name = :name"
    params = {"name": person_name}
    if unit_name:
        unit = find_unit(connection, unit_name)
        sql += " AND person.unit_id = :unit_id"
        params["unit_id"] = unit["id"]
    rows = [dict(row) for row in connection.exec_driver_sql(sql + " ORDER BY person.id", params).mappings()]
    if not rows:
        raise NotFoundError(
            f"{field}：'{name}' 不存在",
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
    text = normalize_text(code or "")
    row = connection.exec_driver_sql("SELECT * FROM project WHERE code = :code", {"code": text}).mappings().first()
    if row is None:
        raise NotFoundError(f"项目编号：'{code}' 不存在", "查看项目编号：zs project list")
    return dict(row)
