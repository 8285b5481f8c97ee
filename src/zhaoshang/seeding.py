"""The opinion's data written into a ledger: at `zs init`, and the rows a new schema version
needs after an upgrade.

It depends on nothing but the policy and the audit Writer it is handed, so that `db` (which
runs the upgrade) and `services.setup` (which creates ledgers on top of `db`) both use it and
imports run one way: services.setup → db → seeding → policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhaoshang.policy import SEED_TARGETS, SEED_YEAR

if TYPE_CHECKING:
    from zhaoshang.audit import Writer


def seed_targets(writer: Writer, year: int, unit_ids: dict[str, int]) -> None:
    """The opinion's targets for `year`: the district's, and the units' own where the unit exists."""
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
