"""The workbook of a refused import (`--errors OUT.xlsx`): the clerk fixes the problems where they are.

A 问题清单 sheet lists every problem (file, sheet, row, column, what is wrong, how to fix it); then
each imported sheet comes back as it was read, values in their cells, with each bad cell filled red
and a comment saying what is wrong. A problem of a whole row (no column of its own) marks the row's
first cell; a problem of the whole sheet is only in the list.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from zhaoshang.sheets import Formats, fit_text, sheet_name, write_value, xlsx_workbook
from zhaoshang.transfer.book import Book

if TYPE_CHECKING:
    from zhaoshang.transfer.importer import Problem
    from zhaoshang.transfer.reader import LedgerSheet

LIST_TITLE = "问题清单"
_FIELD = "问题工作簿（--errors）"
_COMMENT_LIMIT = 1000  # characters of one comment; Excel shows a few lines


def write_error_workbook(path: Path, sources: list[tuple[Path, LedgerSheet]], problems: list[Problem]) -> None:
    several = len(sources) > 1
    by_file: dict[str | None, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    with xlsx_workbook(path, _FIELD) as book:
        formats = Formats(book)
        bold = formats.get(bold=True, pattern=1, bg_color="#D9E1F2", border=1)
        wrap = formats.get(text_wrap=True, valign="top")
        red = formats.get(pattern=1, bg_color="#FF9999", font_color="#9C0006")
        red_date = formats.get(pattern=1, bg_color="#FF9999", font_color="#9C0006", num_format="yyyy-mm-dd")
        plain_date = formats.get(num_format="yyyy-mm-dd")
        taken = {LIST_TITLE}
        listing = book.add_worksheet(LIST_TITLE)
        titles = {
            path.name: sheet_name(f"{path.stem}-{sheet.title}" if several else sheet.title, taken)
            for path, sheet in sources
        }
        for column, (header, width) in enumerate(
            (("文件", 18), ("工作表", 16), ("行", 6), ("列", 16), ("问题", 60), ("如何改正", 60))
        ):
            listing.set_column(column, column, width)
            listing.write_string(0, column, header, bold)
        listing.freeze_panes(1, 0)
        for number, problem in enumerate(problems, start=1):
            path, sheet = _source_of(problem, sources)
            marked = sheet.header.fields.get(problem.field) if problem.field else None
            cells = (
                path.name,
                titles[path.name],
                problem.row,
                f"{marked.letter}列「{marked.label}」" if marked else "",
                problem.message,
                problem.hint or "",
            )
            for index, value in enumerate(cells):
                write_value(listing, number, index, value, wrap if index >= 4 else None)
        for path, sheet in sources:
            marks = _marks(by_file.get(path.name if several else None, []), sheet)
            target = book.add_worksheet(titles[path.name])
            source = Book(path)
            try:
                data = source.sheet(sheet.title)
                widths: dict[int, int] = {}
                for row_number, row in enumerate(data.rows(), start=1):
                    for index, value in enumerate(row):
                        mark = marks.get((row_number, index))
                        if value is None and mark is None:
                            continue
                        shown = _cell(value)
                        dated = isinstance(shown, date)
                        style = (red_date if dated else red) if mark else (plain_date if dated else None)
                        write_value(target, row_number - 1, index, shown, style)
                        if mark:
                            target.write_comment(
                                row_number - 1, index, mark[:_COMMENT_LIMIT], {"x_scale": 2, "y_scale": 2}
                            )
                        if row_number <= 50 and value is not None:
                            widths[index] = max(widths.get(index, 8), min(len(str(shown)) * 2, 40))
            finally:
                source.close()
            for index, width in widths.items():
                target.set_column(index, index, width)
            target.freeze_panes(sheet.header.last_row, 0)


def _source_of(problem: Problem, sources: list[tuple[Path, LedgerSheet]]) -> tuple[Path, LedgerSheet]:
    if problem.file is None:
        return sources[0]
    return next(source for source in sources if source[0].name == problem.file)


def _marks(problems: list[Problem], sheet: LedgerSheet) -> dict[tuple[int, int], str]:
    """(row, 0-based column) → the comment of that cell: every problem found in it."""
    marks: dict[tuple[int, int], list[str]] = defaultdict(list)
    for problem in problems:
        if problem.row is None:
            continue
        column = sheet.header.fields.get(problem.field) if problem.field else None
        index = column.index if column else (sheet.header.columns[0].index if sheet.header.columns else 0)
        text = problem.message + (f"\n提示：{problem.hint}" if problem.hint else "")
        if text not in marks[(problem.row, index)]:
            marks[(problem.row, index)].append(text)
    return {key: "\n".join(texts) for key, texts in marks.items()}


def _cell(value: object) -> object:
    """A value as it goes back into a cell: text cut visibly at Excel's limit, times as text."""
    if isinstance(value, str):
        return fit_text(value)
    if isinstance(value, datetime):
        return value if value.time() != time() else value.date()
    if isinstance(value, (time, timedelta)):
        return str(value)
    return value
