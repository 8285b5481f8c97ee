"""The bundled sample ledger is exactly what the generator makes, and it is believable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Zs, dump
from zhaoshang.sample import generate

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample.sqlite"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "sample.sqlite")


def test_the_committed_sample_is_what_the_generator_makes(regenerated: Path):
    # If this fails after a deliberate change: python -m zhaoshang.sample data/sample.sqlite (after removing it).
    assert dump(regenerated) == dump(SAMPLE)


def test_the_sample_is_a_believable_year(regenerated: Path, tmp_path: Path):
    zs = Zs(regenerated)
    assert "审计核对通过" in zs.ok("audit", "verify")
    projects = json.loads(zs.ok("project", "list", "--format", "json"))
    assert 140 <= len(projects) <= 160
    stages = {p["stage"] for p in projects}
    assert stages == {"lead", "signed", "started", "included", "completed", "producing"}
    statuses = [p["status"] for p in projects]
    assert statuses.count("terminated") == 1 and statuses.count("stalled") >= 1
    assert len({p["channel"] for p in projects}) >= 6 and len({p["industry"] for p in projects}) >= 7
    persons = json.loads(zs.ok("person", "list", "--format", "json"))
    assert 35 <= len(persons) <= 50
    assert {p["role"] for p in persons} == {"principal", "deputy", "head", "member", "staff"}
    units = json.loads(zs.ok("unit", "list", "--format", "json"))
    assert sum(1 for unit in units if unit["kind"] == "street") >= 3
    # Nothing in the sample happens after the day it stops.
    assert (
        max(p[stage] or "" for p in projects for stage in ("signed", "started", "included", "completed", "producing"))
        <= "2024-10-31"
    )


def test_the_same_seed_gives_the_same_ledger_and_another_seed_another(regenerated: Path, tmp_path: Path):
    other = generate(tmp_path / "other.sqlite", seed=7)
    assert dump(other) != dump(regenerated)
