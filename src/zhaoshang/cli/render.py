"""How commands show what they found: JSON for programs, tables for people.

Tables fit the terminal (or `COLUMNS`, also when the output is piped): codes, dates and amounts
are never broken inside, a short name (a unit, a person) stays on one line, long text folds;
where even that is too wide, a listing leaves out the columns it names as optional, and says so
(`--wide` shows them all). The layout is worked out and the table drawn here, line by line: rich
would break any cell, a code or a date included, to fit, and needs minutes and a gigabyte for a
city's 100,000 projects.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import typer

FORMAT_HELP = "输出格式：table 或 json"
AS_RECORDED_HELP = (
    "按账本在某条审计记录之后的状态重制：条目序号（120 或 '#120'）、哈希前缀（至少8位）或日期时间（2024-03-31 18:00）"
)
WIDE_HELP = "显示全部列，不因终端太窄而省略（行可能比终端宽）"
PIPE_WIDTH = 200  # piped output (cron mail, `| less`) without COLUMNS: a wide page rather than 80 columns
SHORT_TEXT = 14  # display columns of a text kept whole: a unit's or a person's name (seven characters)
TEXT_MIN = 16  # a folding column is not made narrower than this (eight characters a line)
HEADER_MIN = 4  # nor is a header folded to less (two characters a line)
_CELL_FRAME = 3  # a space either side of a cell and the border on its right
# What folds as one piece: a run of letters, digits and the marks of codes, dates and amounts
# (XS2024001, 2024-03-01, 12,345.6, 93.5%, +1.3); a short bracketed word (（万元）); a run of
# spaces (a place to break); any other character, with the punctuation that may not start a line
# (，。）) or end one (（「) kept beside it — a Chinese character may otherwise end a line anywhere.
_TOKENS = re.compile(
    r"[0-9A-Za-z_.,:/%+\-@#&=~'\"()\[\]<>|\\]+[，。、；：！？）」』》】”]*"
    r"|（[^（）\s]{1,6}）[，。、；：！？]?"
    r"|[ \t]+"
    r"|[（「『《【“]*.[，。、；：！？）」』》】”]*",
    re.DOTALL,
)


def check_format(value: str, allowed: tuple[str, ...] = ("table", "json")) -> str:
    from zhaoshang.errors import InputError

    if value not in allowed:
        raise InputError(f"输出格式（--format）：'{value}' 不可用", f"可用：{'、'.join(allowed)}")
    return value


def emit_json(data: Any) -> None:
    from zhaoshang.reports.model import json_default

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=json_default))


def emit_warnings(ledger, notice, subject) -> None:
    """What `notice(connection, subject)` finds after a command has done its work (a likely slip,
    not an error): `注意：…` and `提示：…` on stderr."""
    with ledger.read() as connection:
        for message, hint in notice(connection, subject):
            typer.echo(f"注意：{message}", err=True)
            typer.echo(f"提示：{hint}", err=True)


# --- text as a terminal shows it -------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a text takes on a terminal: a wide (CJK, full-width) character counts 2."""
    if text.isascii():
        return len(text)
    return sum(
        2 if unicodedata.east_asian_width(char) in "WF" else 0 if unicodedata.combining(char) else 1 for char in text
    )


def _cut(token: str, width: int) -> str:
    """The longest start of a token that fits in width (at least one character)."""
    used = 0
    for index, char in enumerate(token):
        used += display_width(char)
        if used > width:
            return token[: max(index, 1)]
    return token


def fold(text: str, width: int) -> list[str]:
    """Text cut into lines of at most `width` columns, between pieces (see `_TOKENS`): at a space,
    or between two Chinese characters; a code, date or amount moves to the next line whole."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if display_width(paragraph) <= width:
            lines.append(paragraph)
            continue
        line, used = "", 0
        for token in _TOKENS.findall(paragraph):
            size = display_width(token)
            if token.isspace():
                if used and used + size < width:
                    line, used = line + token, used + size
                elif used:
                    lines.append(line.rstrip())
                    line, used = "", 0
                continue
            if used and used + size > width:
                lines.append(line.rstrip())
                line, used = "", 0
            while size > width:  # longer than a whole line: cut where the line ends
                head = _cut(token, width)
                lines.append(head)
                token = token[len(head) :]
                size = display_width(token)
            line, used = line + token, used + size
        lines.append(line.rstrip())
    return lines


def unbreakable_width(text: str, whole_up_to: int = SHORT_TEXT) -> int:
    """The narrowest a text folds to: a short text (a name) whole, else its widest piece."""
    if "\n" in text:
        return max(unbreakable_width(line, whole_up_to) for line in text.split("\n"))
    width = display_width(text)
    if width <= whole_up_to:
        return width
    return max((display_width(token) for token in _TOKENS.findall(text) if not token.isspace()), default=0)


def terminal_width() -> int:
    """Columns to fill: `COLUMNS` when set (also for piped output), else the terminal's, else PIPE_WIDTH."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return PIPE_WIDTH


# --- tables ----------------------------------------------------------------------------------


class Styled(NamedTuple):  # a NamedTuple, not a dataclass: `zs --help` would import dataclasses
    """A cell with a style ("red", "bold green"): the bulletin's flagged figures."""

    text: str
    style: str = ""


class _Column(NamedTuple):
    header: str
    natural: int  # as wide as its widest cell
    minimum: int  # the narrowest it folds to: names whole, long text at least TEXT_MIN wide
    whole: int  # the narrowest with names whole, long text as narrow as it goes
    tightest: int  # the narrowest it can be at all: only codes, dates and amounts whole


def _measure(headers: Sequence[str], rows: list[list[Styled]]) -> list[_Column]:
    measured: dict[str, tuple[int, int, int]] = {}  # the same value recurs (units, dates, statuses): measured once
    columns = []
    for index, header in enumerate(headers):
        natural, whole, piece = 0, 0, 0
        for row in rows:
            text = row[index].text
            if text not in measured:
                widest_line = max(display_width(line) for line in text.split("\n"))
                measured[text] = (widest_line, unbreakable_width(text), unbreakable_width(text, 0))
            width, longest_whole, longest_piece = measured[text]
            natural, whole, piece = max(natural, width), max(whole, longest_whole), max(piece, longest_piece)
        # A header folds to two characters a line, its bracketed words (（万元）) whole.
        header_piece = min(display_width(header), max(HEADER_MIN, unbreakable_width(header, 0)))
        tightest = max(piece, min(natural, HEADER_MIN), header_piece)
        widths = (max(whole, min(natural, TEXT_MIN), header_piece), max(whole, tightest), tightest)
        natural = max(natural, display_width(header))
        columns.append(_Column(header, natural, *(min(width, natural) for width in widths)))
    return columns


def _table_width(widths: Sequence[int]) -> int:
    return sum(widths) + _CELL_FRAME * len(widths) + 1


def _narrowest(columns: list[_Column], shown: list[int], available: int) -> list[int]:
    """The shown columns at their minimum; where that is too wide, at their tightest, then as many
    names made whole again as fit, the cheapest first."""
    widths = [columns[index].minimum for index in shown]
    if _table_width(widths) <= available:
        return widths
    widths = [columns[index].tightest for index in shown]
    for position in sorted(range(len(shown)), key=lambda position: columns[shown[position]].whole - widths[position]):
        whole = columns[shown[position]].whole
        if _table_width(widths) + whole - widths[position] <= available:
            widths[position] = whole
    return widths


def _layout(
    columns: list[_Column], optional: Sequence[str], available: int, wide: bool, unfolded: Sequence[str] = ()
) -> tuple[list[int], list[int]]:
    """Which columns to show and how wide: all at their natural width when wide; else leaving out
    the `unfolded` columns if the table does not fit at its natural width (text better left out than
    folded line by line), then the optional columns (in the order given) while even their minimum is too wide, then giving
    each column its narrowest and sharing what is left in proportion to what each lacks (long text
    gets the most)."""
    shown = list(range(len(columns)))
    if wide:
        return shown, [column.natural for column in columns]
    if _table_width([column.natural for column in columns]) > available:
        shown = [index for index in shown if columns[index].header not in unfolded]
    for header in optional:
        if _table_width([columns[index].minimum for index in shown]) <= available:
            break
        shown = [index for index in shown if columns[index].header != header]
    widths = _narrowest(columns, shown, available)
    lacking = [columns[index].natural - width for index, width in zip(shown, widths, strict=True)]
    spare = available - _table_width(widths)
    if spare >= sum(lacking):
        return shown, [columns[index].natural for index in shown]
    if spare > 0:
        shares = [spare * lack // sum(lacking) for lack in lacking]
        for position in sorted(range(len(shown)), key=lambda position: -(lacking[position] - shares[position])):
            if sum(shares) == spare:
                break
            shares[position] += 1
        widths = [width + share for width, share in zip(widths, shares, strict=True)]
    return shown, widths


def emit_table(
    title: str | None,
    headers: list[str],
    rows: list[list[Any]],
    caption: str | None = None,
    *,
    optional: Sequence[str] = (),
    unfolded: Sequence[str] = (),
    wide: bool = False,
) -> None:
    """A table that fits the terminal: cells are text (None is blank) or `Styled`; `optional` names
    the headers that may be left out when the terminal is too narrow, the first named first, and
    `unfolded` those left out rather than folded (the command then offers `--wide`)."""
    cells = [[cell if isinstance(cell, Styled) else Styled(cell_text(cell)) for cell in row] for row in rows]
    available = terminal_width()
    columns = _measure(headers, cells)
    shown, widths = _layout(columns, optional, available, wide, unfolded)
    dropped = [column.header for index, column in enumerate(columns) if index not in shown]
    notes = [caption] if caption else []
    if dropped:
        notes.append(f"终端较窄，未显示：{'、'.join(dropped)}（加 --wide 显示全部列）")
    width = _table_width(widths)
    out, batch = sys.stdout, []
    for line in _drawn(title, [columns[index].header for index in shown], cells, shown, widths, _use_colour()):
        batch.append(line)
        if len(batch) >= 1000:  # a city's 100,000 projects: written as they are drawn
            out.write("\n".join(batch) + "\n")
            batch.clear()
    batch += [line for note in notes for line in fold(note, min(width, available))]
    out.write("\n".join(batch) + "\n")
    out.flush()


# The frame, as rich draws its default tables (a heavy head).
# Each: the left edge, the line, the join between two columns, the right edge.
_TOP, _HEAD, _RULE, _BODY, _BOTTOM = (tuple(frame) for frame in ("┏━┳┓", "┃ ┃┃", "┡━╇┩", "│ ││", "└─┴┘"))
_SGR = {"bold": "1", "reverse": "7", "red": "31", "green": "32"}


def _use_colour() -> bool:
    """Colours on a terminal only (not in a pipe, a file or cron's mail); NO_COLOR and FORCE_COLOR as everywhere."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _painted(text: str, style: str, colour: bool) -> str:
    codes = ";".join(_SGR[word] for word in style.split() if word in _SGR) if colour else ""
    return f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text


def _border(pattern: tuple[str, ...], widths: list[int]) -> str:
    left, line, middle, right = pattern
    return left + middle.join(line * (width + 2) for width in widths) + right


def _lines(cells: list[Styled], widths: list[int], pattern: tuple[str, ...], colour: bool) -> Iterator[str]:
    """One row of the table: each cell folded to its column, padded, the row as tall as its tallest cell."""
    left, _, middle, right = pattern
    folded = [fold(cell.text, width) for cell, width in zip(cells, widths, strict=True)]
    for number in range(max(len(lines) for lines in folded)):
        parts = []
        for cell, lines, width in zip(cells, folded, widths, strict=True):
            text = lines[number] if number < len(lines) else ""
            parts.append(" " + _painted(text, cell.style, colour) + " " * (width - display_width(text) + 1))
        yield left + middle.join(parts) + right


def _drawn(
    title: str | None, headers: list[str], rows: list[list[Styled]], shown: list[int], widths: list[int], colour: bool
) -> Iterator[str]:
    width = _table_width(widths)
    for line in fold(title, width) if title else []:
        yield " " * ((width - display_width(line)) // 2) + line
    yield _border(_TOP, widths)
    yield from _lines([Styled(header, "bold") for header in headers], widths, _HEAD, colour)
    yield _border(_RULE, widths)
    for row in rows:
        yield from _lines([row[index] for index in shown], widths, _BODY, colour)
    yield _border(_BOTTOM, widths)


def emit_listing(
    format: str,
    rows: list[dict],
    keys: tuple[str, ...],
    title: str,
    headers: list[str],
    cells,
    optional: Sequence[str] = (),
    wide: bool = False,
) -> None:
    """A listing as JSON (these keys of each row) or as a table (cells(row) for each row; the
    `optional` headers left out first where the terminal is narrow, unless `wide`)."""
    if format == "json":
        emit_json([{key: row[key] for key in keys} for row in rows])
    else:
        emit_table(title, headers, [cells(row) for row in rows], optional=optional, wide=wide)


def cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def csv_text(value: Any) -> str:
    """A CSV cell Excel will not run: text starting like a formula gets a leading apostrophe."""
    text = cell_text(value)
    return f"'{text}" if isinstance(value, str) and text.startswith(("=", "+", "-", "@")) else text


def amount_cell(value: Decimal) -> str:
    """An amount in 万元 with thousands separators: 12,345.6."""
    return f"{value:,}"
