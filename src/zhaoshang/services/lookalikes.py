"""Entries that look like one already in the ledger: the same trip logged twice, a project entered
again under a slightly different name. They are warned about after the write, never refused (two
trips can be alike, and so can two projects); each warning says how to undo it if it was a slip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.parsing import normalize_text
from zhaoshang.rules.projects import names_alike
from zhaoshang.services.names import namesake_labels

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

Notice = tuple[str, str]  # what looks wrong, and how to proceed


def _place_key(text: str) -> str:
    return normalize_text(text).replace(" ", "").replace("\u3000", "").lower()


def same_trip_warnings(connection: Connection, trip_id: int) -> list[Notice]:
    """Other trips with the same persons, dates and destination as this one: likely logged twice."""
    trip = connection.exec_driver_sql("SELECT * FROM trip WHERE id = :id", {"id": trip_id}).mappings().one()
    persons_sql = "SELECT person_id FROM trip_person WHERE trip_id = :id"
    persons = {row[0] for row in connection.exec_driver_sql(persons_sql, {"id": trip_id})}
    others = connection.exec_driver_sql(
        "SELECT id, dest FROM trip WHERE date_from = :date_from AND date_to = :date_to AND id <> :id ORDER BY id",
        {"date_from": trip["date_from"], "date_to": trip["date_to"], "id": trip_id},
    ).all()
    same = [
        other_id
        for other_id, dest in others
        if _place_key(dest) == _place_key(trip["dest"])
        and {row[0] for row in connection.exec_driver_sql(persons_sql, {"id": other_id})} == persons
    ]
    if not same:
        return []
    namesakes = namesake_labels(connection)
    names = "、".join(
        namesakes.get(person_id, name)
        for person_id, name in connection.exec_driver_sql(
            "SELECT person.id, person.name FROM trip_person JOIN person ON person.id = trip_person.person_id "
            "WHERE trip_person.trip_id = :id ORDER BY person.id",
            {"id": trip_id},
        )
    )
    listed = "、".join(str(other) for other in same)
    return [
        (
            f"行程 {trip_id} 与已登记的行程 {listed} 人员、日期、目的地都相同"
            f"（{names}，{trip['date_from']} 至 {trip['date_to']} 赴{trip['dest']}），可能重复登记",
            f"如确属重复，删除这一条：zs trip delete {trip_id}；如是两次外出，无需处理",
        )
    ]


def alike_project_warnings(connection: Connection, code: str) -> list[Notice]:
    """Projects of the same unit named alike (as ZS404 compares names): likely entered twice."""
    project = connection.exec_driver_sql("SELECT * FROM project WHERE code = :code", {"code": code}).mappings().one()
    others = connection.exec_driver_sql(
        "SELECT project.code, project.name, unit.name AS unit FROM project JOIN unit ON unit.id = project.unit_id "
        "WHERE project.unit_id = :unit_id AND project.id <> :id AND project.status <> 'terminated' ORDER BY project.id",
        {"unit_id": project["unit_id"], "id": project["id"]},
    ).mappings()
    alike = [other for other in others if names_alike(project["name"], other["name"])]
    if not alike:
        return []
    listed = "、".join(f"{other['code']} {other['name']}" for other in alike[:5]) + ("等" if len(alike) > 5 else "")
    first = alike[0]["code"]
    return [
        (
            f"{alike[0]['unit']}已有名称相近的项目 {listed}，新增的 {code} {project['name']} 可能是重复登记",
            f"如是同一项目，合并：zs project merge {first} {code} --reason 重复登记；如是两个项目，无需处理",
        )
    ]
