"""Small inline ledgers for the rule tests, written through the core services.

Each test gets a copy of one seeded ledger (`zs init`, 2024 targets), so building a
ledger costs milliseconds. `Book` adds rows the way the commands do and runs the rules.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from zhaoshang.db import Ledger
from zhaoshang.rules import CheckReport, Result, run_checks
from zhaoshang.services import quota_data
from zhaoshang.services.projects import ProjectFields, add_project, set_status
from zhaoshang.services.setup import init_ledger
from zhaoshang.services.trips import TripFields, log_trip
from zhaoshang.services.units import add_person, add_unit

ACTOR = "测试员"


class Book:
    """A ledger under construction for one test."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def project(
        self, name: str, amount: str = "1亿", unit: str = "开发区", terminated: str | None = None, **fields: str
    ) -> str:
        """Add a project (fields: signed, started, included, producing, investor, handler …), terminated
        on the day `terminated` if given; returns its code."""
        code = add_project(self.ledger, ACTOR, ProjectFields(name=name, unit=unit, amount=amount, **fields))
        if terminated:
            set_status(self.ledger, ACTOR, code, "terminated", "测试终止", terminated)
        return code

    def projects(self, count: int, signed: str, started: str | None = None, amount_yuan: int = 100_000_000) -> None:
        """Add many alike projects in one write transaction (the bulletin tests)."""
        with self.ledger.write(ACTOR, "project.add") as writer:
            unit_id = writer.connection.exec_driver_sql("SELECT id FROM unit WHERE name = '开发区'").scalar()
            start = writer.connection.exec_driver_sql("SELECT count(*) FROM project").scalar()
            for number in range(start + 1, start + count + 1):
                writer.insert(
                    "project",
                    {"code": f"T{number:05d}", "name": f"项目{number}", "unit_id": unit_id, "amount": amount_yuan,
                     "signed_on": signed, "started_on": started, "status": "active"},
                )  # fmt: skip

    def unit(self, name: str, kind: str) -> None:
        add_unit(self.ledger, ACTOR, name, kind)

    def person(
        self, name: str, role: str, unit: str = "区委办公室", since: str | None = None, until: str | None = None
    ) -> None:
        add_person(self.ledger, ACTOR, name, unit, role, since, until)

    def trip(self, person: str, first: str, last: str) -> None:
        log_trip(self.ledger, ACTOR, TripFields(persons=[person], date_from=first, date_to=last, dest="上海"))

    def target(self, metric: str, value: str, unit: str | None = None, year: int = 2024) -> None:
        quota_data.set_target(self.ledger, ACTOR, metric, value, year, unit)

    def indicator(self, metric: str, value: str, month: str) -> None:
        quota_data.set_indicator(self.ledger, ACTOR, metric, value, month)

    def fund(self, name: str, kind: str, on: str) -> None:
        quota_data.add_fund(self.ledger, ACTOR, name, kind, on)

    def building(self, name: str, unit: str, revenue: str, tax: str, year: int = 2024) -> None:
        quota_data.set_building(self.ledger, ACTOR, name, unit, year, revenue, tax)

    def meeting(self, kind: str, on: str) -> None:
        quota_data.add_meeting(self.ledger, ACTOR, kind, on)

    def check(self, as_of: str, select: str | None = None, ignore: str | None = None) -> CheckReport:
        with self.ledger.read() as connection:
            return run_checks(connection, date.fromisoformat(as_of), select, ignore)

    def results(self, code: str, as_of: str) -> list[Result]:
        """The results of one rule (exactly that code)."""
        return [result for result in self.check(as_of, select=code).results if result.code == code]

    def result(
        self, code: str, as_of: str, subject: str | None = None, period: str | None = None, title: str | None = None
    ) -> Result:
        """The one result of a rule about a subject (None: the district), in a period, with a title."""
        found = [
            r for r in self.results(code, as_of)
            if r.subject == subject and (period is None or r.period == period) and (title is None or r.title == title)
        ]  # fmt: skip
        assert len(found) == 1, found
        return found[0]


@pytest.fixture(scope="session")
def seeded_ledger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    init_ledger(path, ACTOR).close()
    return path


@pytest.fixture
def book(seeded_ledger: Path, tmp_path: Path):
    copy = Ledger.open(seeded_ledger).backup(tmp_path / "ledger.sqlite")
    ledger = Ledger.open(copy)
    yield Book(ledger)
    ledger.close()
