"""`zs --help` stays light: no SQLAlchemy, no openpyxl; the core never imports typer or rich."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import zhaoshang

PACKAGE = Path(zhaoshang.__file__).parent


def _imported_modules(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "zhaoshang", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("args", [("--help",), ("project", "--help"), ("project", "add", "--help")])
def test_help_imports_neither_sqlalchemy_nor_openpyxl(args):
    modules = _imported_modules(*args)
    assert "typer" in modules  # the probe works
    assert not {m for m in modules if m.split(".")[0] in ("sqlalchemy", "openpyxl", "alembic", "sqlmodel")}


def test_the_nightly_check_starts_without_pydantic(zs):
    """Text options and flags reach a command as Click parsed them (cli/chinese.py `_text_as_parsed`):
    Typer's pydantic coercion cost every start 0.2 s of CPU. The values still arrive: the date is read."""
    args = ("--db", str(zs.db), "check", "quotas", "--as-of", "2024-04-15", "--select", "ZS3", "--exit-zero")
    modules = _imported_modules(*args, "--format", "json")
    assert "sqlalchemy" in modules  # the probe works: the check ran
    assert not {m for m in modules if m.split(".")[0] == "pydantic"}
    result = subprocess.run([sys.executable, "-m", "zhaoshang", *args, "-q"], capture_output=True, text=True)
    assert result.returncode == 0 and "2024-04-15（序时进度29.17%）" in result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "group"),
    [
        (["check", "quotas"], "check"),
        (["--db", "x.sqlite", "--actor=张三", "project", "add"], "project"),
        (["--db=x.sqlite", "report", "monthly"], "report"),
        (["--help", "check"], None),  # `zs --help` lists every group
        (["-h"], None),
        (["--version"], None),
        (["init"], None),  # a command of zs itself
        (["chek", "quotas"], None),  # a slip, suggested among all the groups
        (["--db"], None),
        ([], None),
    ],
)
def test_only_the_invoked_group_is_built(args, group):
    from zhaoshang.cli import invoked_group

    assert invoked_group(args) == group


def test_a_mistyped_group_is_still_suggested():
    result = subprocess.run([sys.executable, "-m", "zhaoshang", "chek"], capture_output=True, text=True)
    assert result.returncode == 2 and "是否指 check" in result.stderr, result.stderr


def test_the_core_never_imports_typer_or_rich():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "cli":  # the command line is where typer and rich belong
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("typer", "rich")]
    assert offenders == []


def test_opening_a_current_ledger_does_not_import_alembic(zs):
    code = f"import sys; from zhaoshang.db import Ledger; Ledger.open({str(zs.db)!r}); print('alembic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def _zhaoshang_imports(path: Path) -> set[str]:
    """Every zhaoshang module a file imports, at top level or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {name for name in names if name.startswith("zhaoshang.")}


@pytest.mark.parametrize("module", ["db.py", "seeding.py", "audit.py", "errors.py", "parsing.py"])
def test_the_ledger_layer_never_imports_services_or_the_cli(module):
    """Imports run one way: the command line → services → the ledger file (db, seeding, audit)."""
    upward = {
        name
        for name in _zhaoshang_imports(PACKAGE / module)
        if name.startswith(("zhaoshang.services", "zhaoshang.cli"))
    }
    assert upward == set()
