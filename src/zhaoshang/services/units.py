"""Units (责任单位) and persons (人员)."""

from __future__ import annotations

from datetime import date

from zhaoshang.db import Ledger
from zhaoshang.errors import InputError
from zhaoshang.parsing import (
    KIND_LABELS,
    PERSON_NAME_MAX,
    ROLE_LABELS,
    UNIT_NAME_MAX,
    normalize_text,
    parse_date,
    parse_kind,
    parse_role,
    require_text,
)
from zhaoshang.services.lookup import find_unit, ids_named, unit_named


def add_unit(ledger: Ledger, actor: str, name: str, kind: str) -> dict:
    name = require_text(name, "单位名称", UNIT_NAME_MAX)
    kind = parse_kind(kind)
    with ledger.write(actor, "unit.add", subject=name) as writer:
        if unit_named(writer.connection, name) is not None:
            raise InputError(f"单位名称：'{name}' 已存在", "查看全部单位：zs unit list")
        unit_id = writer.insert("unit", {"name": name, "kind": kind})
    return {"id": unit_id, "name": name, "kind": kind}


def list_units(ledger: Ledger) -> list[dict]:
    with ledger.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT unit.id, unit.name, unit.kind, group_concat(unit_alias.alias, '、') AS aliases, "
            "(SELECT count(*) FROM person WHERE person.unit_id = unit.id) AS persons "
            "FROM unit LEFT JOIN unit_alias ON unit_alias.unit_id = unit.id GROUP BY unit.id ORDER BY unit.id"
        ).mappings()
        return [
            {
                "name": row["name"],
                "kind": row["kind"],
                "kind_label": KIND_LABELS[row["kind"]],
                "aliases": row["aliases"].split("、") if row["aliases"] else [],
                "persons": row["persons"],
            }
            for row in rows
        ]


def add_person(
    ledger: Ledger,
    actor: str,
    name: str,
    unit: str,
    role: str,
    since: str | None = None,
    until: str | None = None,
) -> dict:
    name = require_text(name, "姓名", PERSON_NAME_MAX)
    if "@" in normalize_text(name):  # ＠ too: a lookup reads it as @
        raise InputError(f"姓名：'{name}' 不能含 @", "@ 用来写 姓名@单位 以区分同名人员")
    role = parse_role(role)
    since_date = parse_date(since, "任职起始日期（--since）") if since else None
    until_date = parse_date(until, "任职截止日期（--until）") if until else None
    if since_date and until_date and until_date < since_date:
        raise InputError(f"任职截止日期（--until）：'{until}' 早于起始日期 '{since}'", "截止日期应不早于起始日期")
    with ledger.write(actor, "person.add", subject=name) as writer:
        unit_row = find_unit(writer.connection, unit)
        in_unit = "SELECT id, name FROM person WHERE unit_id = :unit_id"
        if ids_named(writer.connection, in_unit, name, {"unit_id": unit_row["id"]}):
            raise InputError(f"姓名：'{name}' 在{unit_row['name']}已登记", "查看人员：zs person list")
        person_id = writer.insert(
            "person",
            {"name": name, "unit_id": unit_row["id"], "role": role, "since": since_date, "until": until_date},
        )
    return {"id": person_id, "name": name, "unit": unit_row["name"], "role": role}


def person_view(row: dict) -> dict:
    return {
        "name": row["name"],
        "unit": row["unit"],
        "role": row["role"],
        "role_label": ROLE_LABELS[row["role"]],
        "since": row["since"],
        "until": row["until"],
    }


def list_persons(ledger: Ledger) -> list[dict]:
    with ledger.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT person.name, unit.name AS unit, person.role, person.since, person.until "
            "FROM person JOIN unit ON unit.id = person.unit_id ORDER BY unit.id, person.id"
        ).mappings()
        return [person_view(dict(row)) for row in rows]


def held_throughout(row: dict, first: date, last: date) -> bool:
    """Whether a person held their role for the whole period [first, last]."""
    since = row.get("since")
    until = row.get("until")
    return (since is None or str(since) <= first.isoformat()) and (until is None or str(until) >= last.isoformat())
