"""The opinion as data: the units it names and the 2024 figures that `zs init` seeds.

Nothing here is read by a rule directly: `zs init` copies it into the ledger, where
`zs target set` may change it per year and per unit.
"""

from zhaoshang.policy.opinion2024 import (
    METRICS,
    SEED_TARGETS,
    SEED_UNITS,
    SEED_YEAR,
    SERVICE_THRESHOLDS,
    UNIT_ALIASES,
)

__all__ = ["METRICS", "SEED_TARGETS", "SEED_UNITS", "SEED_YEAR", "SERVICE_THRESHOLDS", "UNIT_ALIASES"]
