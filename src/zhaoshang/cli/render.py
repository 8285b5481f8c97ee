"""How commands show what they found: JSON for programs, rich tables for people."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from typing import Any

import typer

FORMAT_HELP = "输出格式：table 或 json"


def check_format(value: str, allowed: tuple[str, ...] = ("table", "json")) -> str:
    from zhaoshang.errors import InputError

    if value not in allowed:
        raise InputError(f"输出格式（--format）：'{value}' 不可用", f"可用：{'、'.join(allowed)}")
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # JSON has one number type; an exact decimal's shortest text survives the round trip.
        return int(value) if value == value.to_integral_value() else float(str(value))
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _console():
    from rich.console import Console

    # Piped output (cron mail, `| less`) gets a wide page rather than rich's 80 columns.
    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)


def emit_table(title: str | None, headers: list[str], rows: list[list[Any]], caption: str | None = None) -> None:
    from rich.table import Table

    table = Table(title=title, caption=caption, show_lines=False, header_style="bold")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*["" if cell is None else str(cell) for cell in row])
    _console().print(table)


def emit_listing(format: str, rows: list[dict], keys: tuple[str, ...], title: str, headers: list[str], cells) -> None:
    """A listing as JSON (these keys of each row) or as a table (cells(row) for each row)."""
    if format == "json":
        emit_json([{key: row[key] for key in keys} for row in rows])
    else:
        emit_table(title, headers, [cells(row) for row in rows])


def cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def csv_text(value: Any) -> str:
    """A CSV cell Excel will not run: text starting like a formula gets a leading apostrophe."""
    text = cell_text(value)
    return f"'{text}" if isinstance(value, str) and text.startswith(("=", "+", "-", "@")) else text


def amount_cell(value: Decimal) -> str:
    """An amount in 万元 with thousands separators: 12,345.6."""
    return f"{value:,}"
