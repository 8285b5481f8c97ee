"""Shared fixtures: a ledger in a temp folder, driven through the CLI as a user drives it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhaoshang.cli import app


@dataclass
class Zs:
    """Runs `zs --db <ledger> ARGS…` in-process and returns click's result."""

    db: Path
    actor: str = "测试员"

    def __call__(self, *args: str, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(app, ["--db", str(self.db), "--actor", self.actor, *args], input=input)

    def ok(self, *args: str) -> str:
        """Run a command that must succeed; returns its stdout."""
        result = self(*args)
        assert result.exit_code == 0, f"zs {' '.join(args)} → {result.exit_code}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def last_line(self, *args: str) -> str:
        return self.ok(*args).strip().splitlines()[-1]


def dump(path: Path) -> list[str]:
    """The whole content of a ledger as SQL text, to compare before and after a command."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def assert_rejected(result, *fragments: str) -> None:
    """Exit 2 with a Chinese message on stderr naming what was wrong, and no traceback."""
    assert result.exit_code == 2, (
        f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
    )
    assert result.stderr.startswith("错误："), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in {result.stderr!r}"


@pytest.fixture
def zs(tmp_path: Path) -> Zs:
    """A new ledger seeded from the opinion (year 2024)."""
    runner = Zs(tmp_path / "ledger.sqlite")
    runner.ok("init")
    return runner


@pytest.fixture
def no_ledger(tmp_path: Path) -> Zs:
    """A runner whose ledger file does not exist yet."""
    return Zs(tmp_path / "ledger.sqlite")
