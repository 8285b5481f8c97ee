"""Reading one sheet of a ledger, row by row: its header, its project rows, what was left out.

The workbook is opened by `book.Book` (python-calamine, after the package's safety checks), which
gives merged ranges too: a two-row header, and a unit cell merged down over several projects.
Rows that are not projects are skipped and counted: totals (合计, 龙海市合计14个), section rows
(一、工业 · （一）装备制造 · 其中：…), a lone title or note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Any

from zhaoshang.errors import InputError
from zhaoshang.transfer.book import Book
from zhaoshang.transfer.cells import is_blank, read_date
from zhaoshang.transfer.headers import (
    HEADER_SEARCH_ROWS,
    PROJECTS,
    Column,
    Header,
    Vocabulary,
    check_header,
    clean_header,
    column_letter,
    default_unit,
    detect_header,
)

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PROGRESS_EVERY = 500

_TOTAL = re.compile(r"^.{0,12}?(?:合计|总计|小计)")
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|其中[:：]?|第[一二三四五六七八九十]+[部分类批])"
)
_INVESTOR_WORDS = ("投资方", "投资人", "投资企业", "客商", "企业名称", "公司")
_COMPANY_ENDINGS = ("公司", "集团", "有限公司", "企业", "厂", "合伙)", "合伙）")
_EPOCH = date(1899, 12, 30)  # calamine gives dates as dates; a serial in a General cell counts from here
_SAMPLES = 20  # values kept of each unrecognised column, to say what it looks like


@dataclass(slots=True)
class SheetRow:
    number: int  # as Excel numbers rows
    cells: dict[str, object]  # field -> the cell's value


@dataclass
class LedgerSheet:
    """One sheet of a ledger: its header and its project rows, raw."""

    title: str
    header: Header
    unit: str | None  # the unit stated above the header (`单位：亿元`), for amount columns without one
    epoch: date
    rows: list[SheetRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # totals, headings, notes: what was left out and why
    skipped_kinds: Counter = field(default_factory=Counter)  # 合计行, 分节标题, 标题或注释 → rows
    warnings: list[str] = field(default_factory=list)  # what the sheet seems to hold that is not imported
    unknown: list[str] = field(default_factory=list)  # columns not imported, as `G列「联系电话」`
    ignored: list[str] = field(default_factory=list)  # columns recognised and left out knowingly
    other_sheets: list[str] = field(default_factory=list)
    vocabulary: Vocabulary = PROJECTS
    template_unit: str | None = None  # the unit a `zs template` was made for, from its title row
    convert: Callable[[SheetRow], Any] | None = None  # applied to each row as it is read (rows stay small)

    def column(self, key: str) -> Column | None:
        return self.header.fields.get(key)


def _describe(column: Column) -> str:
    return f"{column.letter}列「{column.label}」"


def _data_fills(merges, header: Header) -> tuple[dict[int, list[tuple[int, tuple[int, int]]]], dict[int, list[int]]]:
    """For merged ranges below the header: which cells of which rows show which top-left cell,
    and the top-left cells (anchors) by row."""
    fills: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    anchors: dict[int, list[int]] = {}
    for min_row, min_col, max_row, max_col in merges:
        if min_row <= header.last_row:
            continue
        anchors.setdefault(min_row, []).append(min_col)
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                if (row, col) != (min_row, min_col):
                    fills.setdefault(row, []).append((col - 1, (min_row, min_col)))
    return fills, anchors


_SECTION_STARTS = tuple("一二三四五六七八九十（(其第")


def _skip_kind(present: list[tuple[int, object]], data: list[tuple[int, object]]) -> tuple[str, str] | None:
    """Why a row is not a project: (kind, its text), or None for a project row."""
    first = [value for _, value in present[:3] if value.__class__ is str]
    if any("计" in value for value in first):  # 合计, 总计, 小计: only then is the text cleaned and matched
        total = next((text for text in map(clean_header, first) if len(text) <= 20 and _TOTAL.match(text)), None)
        if total:
            return "合计行", total
    if not data or (len(data) == 1 and isinstance(data[0][1], str)):
        lone = [str(value).strip() for _, value in present if isinstance(value, str)]
        return ("标题或注释", lone[0][:30]) if lone else ("空行", "")
    starts = [value for value in first[:2] if value.lstrip().startswith(_SECTION_STARTS)]
    section = next((text for text in map(clean_header, starts) if _SECTION.match(text)), None)
    if section:
        return "分节标题", section[:30]
    return None


def _read_rows(sheet: LedgerSheet, rows: Iterator[list], merges, estimate: int, progress: Progress | None) -> None:
    """Project rows below the header; totals, section rows, headings and notes are skipped and said so."""
    header = sheet.header
    fills, anchors = _data_fills(merges, header)
    anchor_values: dict[tuple[int, int], object] = {}
    by_key = sheet.vocabulary.by_key
    imported = [column for column in header.columns if column.field in by_key and by_key[column.field].imported]
    left_out = {column.index for column in header.columns if column.field is not None and column not in imported}
    # (field, index) of each imported column; the `is not None` only narrows: FIELD_BY_KEY knows each field
    imported_at = [(column.field, column.index) for column in imported if column.field is not None]
    named = {column.index for column in header.columns}
    unknown_at = [column.index for column in header.columns if column.field is None]
    samples: dict[int, list[object]] = {index: [] for index in unknown_at}
    unnamed_with_data: set[int] = set()
    number = header.last_row
    for number, row in enumerate(rows, start=header.last_row + 1):
        if progress and number % PROGRESS_EVERY == 0:
            progress("读取", number, estimate)
        for col in anchors.get(number, ()):
            anchor_values[(number, col)] = row[col - 1] if col <= len(row) else None
        filled = row
        if number in fills:
            filled = list(row)
            for index, anchor in fills[number]:
                if index >= len(filled):
                    filled.extend([None] * (index + 1 - len(filled)))
                filled[index] = anchor_values.get(anchor)
        present = [
            (index, value)
            for index, value in enumerate(row)
            if value is not None and (value.__class__ is not str or value.strip())
        ]
        if not present:
            continue
        data = [(index, value) for index, value in present if index not in left_out]
        skipped = _skip_kind(present, data)
        if skipped:
            kind, text = skipped
            if kind != "空行":
                sheet.skipped_kinds[kind] += 1
                shown = f"合计行「{text}」" if kind == "合计行" else (
                    f"只有一格文字「{text}」，视为标题或注释" if kind == "标题或注释" else f"分节标题「{text}」"
                )  # fmt: skip
                sheet.skipped.append(f"第{number}行 {shown}")
            continue
        unnamed_with_data.update(index for index, _ in data if index not in named)
        for index in unknown_at:
            if index < len(row) and row[index] is not None and len(samples[index]) < _SAMPLES:
                samples[index].append(row[index])
        width = len(filled)
        item = SheetRow(number, {key: filled[index] if index < width else None for key, index in imported_at})
        sheet.rows.append(sheet.convert(item) if sheet.convert else item)
    if progress:
        progress("读取", number, max(estimate, number))
    sheet.unknown = [_describe(column) for column in header.columns if column.field is None]
    sheet.unknown += [f"{column_letter(index)}列（无表头）" for index in sorted(unnamed_with_data)]
    sheet.ignored = [
        _describe(column) + ("（阶段由各阶段的日期得出）" if column.field == "stage" else "")
        for column in header.columns
        if column.index in left_out
    ]
    if sheet.vocabulary is PROJECTS:
        sheet.warnings = _warnings(sheet, samples)


def _looks_like_dates(values: list[object], epoch: date) -> bool:
    readable = 0
    for value in values:
        try:
            on, _ = read_date(value, "", epoch)
        except InputError:
            continue
        if on is not None and not (isinstance(value, (int, float)) and not isinstance(value, bool) and value < 20000):
            readable += 1
    return len(values) >= 1 and readable * 5 >= len(values) * 3


def _warnings(sheet: LedgerSheet, samples: dict[int, list[object]]) -> list[str]:
    """What the sheet seems to say that the import would miss: no stage dates, a date or investor
    column under a name not recognised."""
    warnings = []
    if not any(sheet.column(stage) for stage in ("signed", "started", "included", "completed", "producing")):
        warnings.append(
            "没有认出任何阶段日期列（签约时间、开工时间、纳统时间、竣工时间、投产时间）：新增的项目都将是「在谈」；"
            "如有这样的列，用 --map '列名=signed' 等指明"
        )
    for column in sheet.header.columns:
        if column.field is not None:
            continue
        values = samples.get(column.index, [])
        label = column.label.rsplit("/", 1)[-1]
        if _looks_like_dates(values, sheet.epoch):
            warnings.append(
                f"{_describe(column)}看起来是日期，没有导入；如是某一阶段的日期，用 --map '{label}=signed'（或 started、included…）指明"
            )
        elif sheet.column("investor") is None and (
            any(word in column.label for word in _INVESTOR_WORDS)
            or (values and sum(str(value).strip().endswith(_COMPANY_ENDINGS) for value in values) * 2 >= len(values))
        ):
            warnings.append(f"{_describe(column)}看起来是投资方，没有导入；如是，用 --map '{label}=investor' 指明")
    return warnings


TEMPLATE_TITLE = "{unit}招商引资项目台账（报送模板）"
_TEMPLATE_TITLE = re.compile(r"^(?P<unit>.+)招商引资项目台账（报送模板）$")


def _template_unit(above: list[list]) -> str | None:
    for row in above:
        for value in row:
            match = _TEMPLATE_TITLE.match(value.strip()) if isinstance(value, str) else None
            if match:
                return match["unit"]
    return None


def _is_empty(rows: Iterator[list]) -> bool:
    return all(is_blank(value) for row in rows for value in row)


def _no_header(titles: list[str], vocabulary: Vocabulary) -> InputError:
    named = [spec.label for spec in vocabulary.fields if spec.imported][:4]
    if vocabulary is PROJECTS:
        named = ["项目名称", "责任单位", "总投资", "签约时间"]
    return InputError(
        f"工作表「{'」「'.join(titles)}」前{HEADER_SEARCH_ROWS}行中找不到表头（至少要认出两列，例如 {'、'.join(named[:3])}）",
        f"表头写作 {'、'.join(named)} 等；"
        f"别的列名用 --map 指明含义，例如 --map '{vocabulary.map_example}'"
        + ("；或用 --sheet 指定工作表" if len(titles) > 1 else ""),
    )


def read_ledger_sheet(
    path: str | Path,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    vocabulary: Vocabulary = PROJECTS,
    converter: Callable[[LedgerSheet], Callable[[SheetRow], Any]] | None = None,
) -> LedgerSheet:
    """The named sheet, or else the first sheet whose header can be recognised, read in full."""
    path = Path(path)
    mapping = mapping or {}
    book = Book(path)
    try:
        titles = book.sheet_names
        if sheet is not None and sheet.strip() not in titles:
            raise InputError(f"工作表（--sheet）：'{sheet}' 不存在", f"这个工作簿中的工作表：{'、'.join(titles)}")
        candidates = [sheet.strip()] if sheet is not None else titles
        empty = []
        for title in candidates:
            if title in book.chart_sheets:  # a chart sheet holds no cells
                empty.append(title)
                continue
            data = book.sheet(title)
            rows = data.rows()
            first = list(islice(rows, HEADER_SEARCH_ROWS))
            header = detect_header(first, data.merges, mapping, vocabulary)
            if header is None:
                if _is_empty(chain(first, rows)):
                    empty.append(title)
                continue
            check_header(header, mapping, title, vocabulary)
            found = LedgerSheet(
                title,
                header,
                default_unit(first, header),
                _EPOCH,
                other_sheets=[other for other in titles if other != title] if sheet is None else [],
                vocabulary=vocabulary,
            )
            found.template_unit = _template_unit(first[: header.first_row - 1])
            if converter is not None:
                found.convert = converter(found)
            _read_rows(found, chain(first[header.last_row :], rows), data.merges, data.height, progress)
            return found
    finally:
        book.close()
    if len(empty) == len(candidates):
        where = f"工作表「{candidates[0]}」是空的" if len(candidates) == 1 else "工作簿中的工作表都是空的"
        raise InputError(f"{where}：{path.name}", "请选有数据的工作表，例如 --sheet 项目台账")
    raise _no_header([title for title in candidates if title not in empty], vocabulary)
