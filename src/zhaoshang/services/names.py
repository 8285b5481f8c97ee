"""Persons as people tell them apart: `姓名@单位` where two persons share a name, the name alone elsewhere.

The same form `zs` accepts on the command line and in workbooks, so what a listing shows can be
typed back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_NAMESAKES_SQL = (
    "SELECT person.id, person.name || '@' || unit.name FROM person JOIN unit ON unit.id = person.unit_id "
    "WHERE person.name IN (SELECT name FROM person GROUP BY name HAVING count(*) > 1)"
)


def namesake_labels(connection: Connection) -> dict[int, str]:
    """`姓名@单位` of every person who shares a name with another, by id (namesakes are few)."""
    return dict(connection.exec_driver_sql(_NAMESAKES_SQL).all())


def person_label(person_id: int | None, name: str | None, namesakes: dict[int, str]) -> str | None:
    """The person's name, or `姓名@单位` for a namesake."""
    return namesakes.get(person_id, name) if person_id is not None else name
