"""The opinion's quotas as rules (design §2), and the engine that runs them.

    from zhaoshang.rules import run_checks
    with ledger.read() as connection:
        report = run_checks(connection, date(2024, 3, 31), select="ZS1,ZS2", ignore="ZS203")
    report.ok, report.results, report.to_json()

Every rule is a plain function `(connection, year, as_of) -> list[Result]` registered with
its code, name, Chinese title, clause and severity (see `registry`); it reads its targets
from the ledger's `target` table and never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

# Importing the rule modules registers their rules, in code order.
from zhaoshang.rules import economy, meetings, projects, service, trips  # noqa: F401
from zhaoshang.rules.registry import REGISTRY, DuplicateRuleError, Registry, Rule, rule
from zhaoshang.rules.results import STATUS_LABELS, CheckReport, Result, progress

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

__all__ = [
    "REGISTRY",
    "STATUS_LABELS",
    "CheckReport",
    "DuplicateRuleError",
    "Registry",
    "Result",
    "Rule",
    "progress",
    "rule",
    "run_checks",
]


def run_checks(
    connection: Connection,
    as_of: date,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    verified_starts: bool = False,
) -> CheckReport:
    """Run the rules chosen by code prefix (see `Registry.select`) for as_of's year at as_of;
    `verified_starts`: ZS102, ZS104 and ZS105 count only starts an inspection found 属实."""
    rules = REGISTRY.select(select, ignore)
    connection.info["zs_rules_cache"] = {}  # figures shared by rules, valid for this run only
    connection.info["zs_rules_options"] = {"verified_starts": verified_starts}
    try:
        results = [result for chosen in rules for result in chosen.run(connection, as_of.year, as_of)]
    finally:
        connection.info.pop("zs_rules_cache", None)
        connection.info.pop("zs_rules_options", None)
    return CheckReport(
        as_of=as_of, year=as_of.year, progress=progress(as_of), results=results, verified_starts=verified_starts
    )
