"""The `zs` command line: parses, calls the core, renders. The only package that imports typer.

One module per command group; `app` (in `app.py`) holds the global options and turns the
core's errors into exit codes, `render.py` the output helpers shared by every group. Heavy
imports (SQLAlchemy through the core, XlsxWriter, python-calamine, rich) happen inside the commands, so that
`zs --help` stays fast.
"""

from __future__ import annotations

import os
import sys

from zhaoshang.cli import checks, ledger, people, projects, reports, service, targets, transfer, trips
from zhaoshang.cli.app import app
from zhaoshang.cli.app import run as _run_app

# In the order `zs --help` lists them.
app.add_typer(people.unit_app, name="unit")
app.add_typer(people.person_app, name="person")
app.add_typer(projects.project_app, name="project")
app.add_typer(service.problem_app, name="problem")
app.add_typer(service.request_app, name="request")
app.add_typer(trips.trip_app, name="trip")
app.add_typer(targets.target_app, name="target")
app.add_typer(targets.indicator_app, name="indicator")
app.add_typer(targets.fund_app, name="fund")
app.add_typer(targets.building_app, name="building")
app.add_typer(targets.meeting_app, name="meeting")
app.add_typer(checks.check_app, name="check")
app.add_typer(reports.report_app, name="report")
app.add_typer(transfer.import_app, name="import")
app.add_typer(transfer.export_app, name="export")
app.add_typer(transfer.template_app, name="template")
app.add_typer(ledger.audit_app, name="audit")
app.add_typer(ledger.db_app, name="db")

__all__ = ["app", "run"]

_GLOBAL_OPTIONS_WITH_VALUES = ("--db", "--actor")


def invoked_group(args: list[str]) -> str | None:
    """The command group the arguments run (`check` of `zs --db x check quotas`); None where they ask
    for `zs` itself (--help, --version, `init`, a mistyped name that wants suggestions)."""
    position = 0
    while position < len(args) and args[position].startswith("--"):
        option, equals, _ = args[position].partition("=")
        if option not in _GLOBAL_OPTIONS_WITH_VALUES:
            return None
        position += 1 if equals else 2
    if position >= len(args):
        return None
    return args[position] if any(group.name == args[position] for group in app.registered_groups) else None


def run() -> None:
    """`zs` and `python -m zhaoshang`: Typer builds the Click commands of the one group invoked,
    not of all eighteen (0.06 s of every start, the nightly `check quotas` included). Shell
    completion needs them all."""
    group = invoked_group(sys.argv[1:])
    every_group = app.registered_groups
    if group is not None and not any(name.endswith("_COMPLETE") for name in os.environ):
        app.registered_groups = [info for info in every_group if info.name == group]
    try:
        _run_app()
    finally:  # for a caller that goes on (a test that runs `run()`, then the whole `app`)
        app.registered_groups = every_group
