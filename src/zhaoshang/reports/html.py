"""The bulletin as one self-contained web page, to send to the leadership's phones and to print.

One file, nothing fetched: the style sheet is inline and the charts are inline SVG, so the page
reads the same offline, in a mail attachment or in a chat app. The sections, their columns and
figures are the workbook's (`reports.model`). A column's header names its JSON key
(`data-key`); a cell whose text is not its JSON value as such (a number, a rate: `--format
json`'s) carries that value as `data-value`; an empty cell is null. On a phone (narrower than
720 px) each table row becomes a card of label–value lines, so the page never scrolls sideways;
printed, it is A4 landscape with the header row repeated on every page. What differs by column
(the card's labels, numbers set right, long text wrapped) is said once per column in the style
sheet, so that a city's 100,000 projects do not repeat it in every cell.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from zhaoshang.files import atomic_output, output_path
from zhaoshang.reports.model import BAD, Bulletin, Chart, Row, Section, display_text, json_default, json_value

FIELD = "网页通报（--html）"
_NUMERIC = frozenset({"count", "days", "wan", "rate", "percent", "decimal", "pp"})
_SERIES_COLOURS = ("#2f5597", "#a9b8d6", "#c55a11")
_CHART_WIDTH = 480  # SVG user units; the chart scales to the page's width
_LABEL_WIDTH = 150
# Text columns that wrap besides those the model marks (`Column.wrap`): names and lists of any length.
_WRAPPED_KEYS = frozenset({"title", "name", "note", "project", "unit", "investor", "status_reason"})

_STYLE = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --head: #d9e1f2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 16px; color: var(--ink); line-height: 1.5;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--head); }
.subtitle, .notes, footer { color: var(--muted); font-size: 0.875rem; }
footer p { overflow-wrap: anywhere; }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 12px 0; }
nav a { color: #2f5597; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.875rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; }
td.bad { color: #9c0006; background: #ffc7ce; }
td.good { color: #006100; background: #c6efce; }
td.honor { color: #c00000; font-weight: 700; }
td.shame { color: #fff; background: #404040; font-weight: 700; }
.notes { padding-left: 1.2em; }
svg.chart { display: block; width: 100%; max-width: 720px; height: auto; margin: 8px 0; }
svg.chart text { font-size: 11px; fill: var(--ink); }
details > summary { cursor: pointer; margin: 8px 0; }
@media (max-width: 720px) {
  body { padding: 10px; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 10px; padding: 4px 8px; }
  td { border: 0; border-bottom: 1px dashed var(--line); display: flex; justify-content: space-between; gap: 12px;
    padding: 3px 0; min-width: 0 !important; text-align: right !important; white-space: normal !important;
    overflow-wrap: anywhere; }
  td:last-child { border-bottom: 0; }
  td::before { color: var(--muted); text-align: left; flex: 0 0 auto; max-width: 45%; }
  td:empty { display: none; }
}
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  nav { display: none; }
  .scroll { overflow: visible; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  td.bad, td.good, td.shame, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def check_output(path: str | Path, force: bool = False) -> Path:
    """The page's path: an .html in a folder that exists, not an existing file unless forced."""
    return output_path(path, FIELD, "--html 2024年10月通报.html", force, suffix=(".html", ".htm"))


def write_html(bulletin: Bulletin, path: str | Path, force: bool = False) -> Path:
    """Write the bulletin's page at `path`, atomically: a failure leaves no file and no half page."""
    path = check_output(path, force)
    with atomic_output(path, FIELD) as temporary, temporary.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(page(bulletin))
    return path


# --- the page --------------------------------------------------------------------------------


def page(bulletin: Bulletin) -> Iterator[str]:
    """The page as pieces of text, the project rows streamed (use inside the read transaction)."""
    title = f"{bulletin.title}　{bulletin.period.label}"
    yield (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>{_STYLE}{_column_style(bulletin)}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{_text(title)}</h1>\n"
        f'<p class="subtitle">{_text(bulletin.subtitle)}</p>\n</header>\n'
    )
    links = "".join(f'<a href="#{section.key}">{_text(section.title)}</a>' for section in bulletin.sections)
    yield f"<nav>{links}</nav>\n"
    for section in bulletin.sections:
        yield from _section(section, bulletin)
    state = "".join(f"<p>{_text(line)}</p>" for line in (bulletin.remade_line, bulletin.ledger_line) if line)
    yield (
        f"<footer><p>{_text(bulletin.title)}（{_text(bulletin.period.label)}），由 zs 生成。</p>{state}</footer>\n"
        "</body>\n</html>\n"
    )


def _section(section: Section, bulletin: Bulletin) -> Iterator[str]:
    yield f'<section id="{section.key}">\n<h2>{_text(section.title)}</h2>\n'
    if section.key == "overall":
        yield _completion_chart(section, bulletin.progress)
    if section.chart is not None:
        yield _bar_chart(section, section.chart)
    shown = [index for index, column in enumerate(section.columns) if column.header]
    if section.summary is not None:  # the project list: long, folded away until asked for
        yield f"<p>{_text(section.summary)}</p>\n<details>\n<summary>展开{_text(section.title)}</summary>\n"
    head = "".join(
        f'<th scope="col" data-key="{_attribute(section.columns[index].key)}">{_text(section.columns[index].header or "")}</th>'
        for index in shown
    )
    yield f'<div class="scroll">\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
    batch: list[str] = []
    for row in section.rows:
        batch.append(_row(section, row, shown))
        if len(batch) >= 1000:
            yield "".join(batch)
            batch.clear()
    yield "".join(batch)
    yield "</tbody>\n</table>\n</div>\n"
    if section.summary is not None:
        yield "</details>\n"
    if section.notes:
        yield '<ul class="notes">' + "".join(f"<li>{_text(note)}</li>" for note in section.notes) + "</ul>\n"
    yield "</section>\n"


def _row(section: Section, row: Row, shown: list[int]) -> str:
    cells = []
    for index in shown:
        format = row.format(index, section.columns)
        value = row.values[index]
        text = display_text(value, format)
        known = json_value(value, format)
        shown_as_is = known is None or (known.isoformat() if isinstance(known, date) else known) == text
        attributes = "" if shown_as_is else f' data-value="{_attribute(_json_text(known))}"'
        if row.flag(index):
            attributes += f' class="{row.flag(index)}"'
        cells.append(f"<td{attributes}>{_text(text)}</td>")
    return ('<tr class="total">' if row.total else "<tr>") + "".join(cells) + "</tr>\n"


def _column_style(bulletin: Bulletin) -> str:
    """What differs by column, once per column: its label on a phone's card, numbers set right,
    long text wrapped (a rule's message, a project's name; the rest stays on one line)."""
    rules = []
    for section in bulletin.sections:
        shown = [column for column in section.columns if column.header]
        for position, column in enumerate(shown, start=1):
            cell = f"#{section.key} td:nth-child({position})"
            rules.append(
                f'@media (max-width: 720px) {{ {cell}::before {{ content: "{_css_text(column.header or "")}"; }} }}'
            )
            if column.format in _NUMERIC:
                rules.append(f"{cell} {{ text-align: right; }}")
            elif column.wrap or column.key in _WRAPPED_KEYS:
                rules.append(f"{cell} {{ white-space: normal; min-width: 12em; }}")
                rules.append(f"@media (max-width: 720px) {{ {cell} {{ text-align: left !important; }} }}")
    return "\n".join(rules) + "\n"


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# --- charts ----------------------------------------------------------------------------------


def _completion_chart(section: Section, progress: Fraction) -> str:
    """总体进度 at a glance: each figure's completion rate as a bar, the year's progress (序时进度) as a line."""
    keys = [column.key for column in section.columns]
    completion, title = keys.index("completion"), keys.index("title")
    rows = [row for row in section.rows if row.values[completion] is not None]
    if not rows:
        return ""
    scale = max([Fraction(3, 2), *(min(Fraction(row.values[completion]), Fraction(2)) for row in rows)])
    area = _CHART_WIDTH - _LABEL_WIDTH - 50
    height = 24 + 18 * len(rows)
    parts = [
        f'<svg class="chart" viewBox="0 0 {_CHART_WIDTH} {height + 6}" role="img" aria-label="完成率与序时进度">',
        f"<title>完成率与序时进度（{display_text(progress, 'rate')}）</title>",
    ]
    for number, row in enumerate(rows):
        y = 20 + 18 * number
        share = min(Fraction(row.values[completion]), scale)
        colour = "#c00000" if row.flag(completion) == BAD else "#2f5597"
        width = float(share / scale * area)
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 11}" text-anchor="end">{_text(_short(str(row.values[title])))}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="13" fill="{colour}"/>'
            f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + 11}">{display_text(row.values[completion], "rate")}</text>'
        )
    line = _LABEL_WIDTH + float(progress / scale * area)
    parts.append(
        f'<line x1="{line:.1f}" y1="14" x2="{line:.1f}" y2="{height}" stroke="#c55a11" stroke-dasharray="4 3"/>'
        f'<text x="{line:.1f}" y="10" text-anchor="middle">序时进度 {display_text(progress, "rate")}</text>'
    )
    return "".join(parts) + "</svg>\n"


def _bar_chart(section: Section, chart: Chart) -> str:
    """The section's chart (as the workbook draws it), as horizontal bars: a group of bars for each
    of the first rows, one bar a series."""
    keys = [column.key for column in section.columns]
    rows = list(section.rows)[: chart.rows]
    series = [keys.index(key) for key in chart.series]
    values = [[row.values[index] or 0 for index in series] for row in rows]
    if not rows:
        return ""
    largest = max([1, *(value for group in values for value in group)])
    area = _CHART_WIDTH - _LABEL_WIDTH - 40
    group = 12 * len(series) + 8
    top = 30
    height = top + group * len(rows)
    parts = [
        f'<svg class="chart" viewBox="0 0 {_CHART_WIDTH} {height}" role="img" aria-label="{_attribute(chart.title)}">'
    ]
    parts.append(f'<text x="0" y="12">{_text(chart.title)}</text>')
    for number, index in enumerate(series):  # the legend
        x = _LABEL_WIDTH + 110 * number
        parts.append(
            f'<rect x="{x}" y="18" width="10" height="8" fill="{_SERIES_COLOURS[number % len(_SERIES_COLOURS)]}"/>'
            f'<text x="{x + 14}" y="26">{_text(section.columns[index].header or "")}</text>'
        )
    category = keys.index(chart.category)
    for number, (row, group_values) in enumerate(zip(rows, values, strict=True)):
        y = top + group * number
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 6 * len(series) + 4}" text-anchor="end">'
            f"{_text(_short(str(row.values[category])))}</text>"
        )
        for position, value in enumerate(group_values):
            width = float(Fraction(value) / largest * area)
            bar_y = y + 12 * position
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{bar_y}" width="{width:.1f}" height="10"'
                f' fill="{_SERIES_COLOURS[position % len(_SERIES_COLOURS)]}"/>'
                f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{bar_y + 9}">{display_text(value, "count")}</text>'
            )
    return "".join(parts) + "</svg>\n"


def _short(label: str, length: int = 12) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


# --- text ------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attribute(value: str) -> str:
    return html.escape(value, quote=True)


def _json_text(value: Any) -> str:
    """A cell's value as `--format json` writes it."""
    return json.dumps(value, ensure_ascii=False, default=json_default)
