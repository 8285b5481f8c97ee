"""Creating a ledger seeded from the opinion, and the data steps that follow an upgrade."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from zhaoshang.db import Ledger
from zhaoshang.policy import SEED_TARGETS, SEED_UNITS, SEED_YEAR, UNIT_ALIASES

if TYPE_CHECKING:
    from zhaoshang.audit import Writer


def init_ledger(
    path: str | Path, actor: str, year: int = SEED_YEAR, clock: Callable[[], datetime] | None = None
) -> Ledger:
    """A new ledger with the opinion's units and its targets for `year`."""
    ledger = Ledger.create(path)
    if clock is not None:
        ledger.clock = clock
    with ledger.write(actor, "init", subject=f"{year}") as writer:
        unit_ids = {name: writer.insert("unit", {"name": name, "kind": kind}) for name, kind in SEED_UNITS}
        for alias, name in UNIT_ALIASES.items():
            writer.insert("unit_alias", {"alias": alias, "unit_id": unit_ids[name]})
        seed_targets(writer, year, unit_ids)
    return ledger


def seed_targets(writer: Writer, year: int, unit_ids: dict[str, int]) -> None:
    for metric, value, unit_name in SEED_TARGETS:
        unit_id = unit_ids.get(unit_name) if unit_name else None
        if unit_name and unit_id is None:
            continue  # a ledger whose units were renamed: the district target still applies
        writer.insert("target", {"year": year, "metric": metric, "unit_id": unit_id, "value": value})


def after_upgrade(writer: Writer, from_version: int) -> None:
    """Data that a new schema version needs and an old ledger lacks, written in the upgrade's transaction."""
    if from_version < 2:
        # Revision 0002 brought the target table: give it the opinion's figures, audited.
        unit_ids = {row[1]: row[0] for row in writer.connection.exec_driver_sql("SELECT id, name FROM unit")}
        seed_targets(writer, SEED_YEAR, unit_ids)
