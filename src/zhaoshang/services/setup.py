"""Creating a ledger seeded from the opinion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from zhaoshang.db import Ledger
from zhaoshang.policy import SEED_UNITS, SEED_YEAR, UNIT_ALIASES
from zhaoshang.seeding import seed_targets


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
