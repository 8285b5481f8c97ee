"""`zs report …`: the monthly bulletin, quarterly and annual assessments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import typer

from zhaoshang.cli.app import ZsTyper, open_ledger
from zhaoshang.cli.render import (
    AS_RECORDED_HELP,
    FORMAT_HELP,
    WIDE_HELP,
    check_format,
    emit_json,
    emit_table,
    fold,
    terminal_width,
)

if TYPE_CHECKING:
    from zhaoshang.reports.model import Period

report_app = ZsTyper(help="每月通报、季度考评、年终考核。", no_args_is_help=True)


# The options every report takes (typer reads an option's declaration; one serves the three commands).
_XLSX_OPTION = typer.Option(None, "--xlsx", help="写入 Excel 通报（.xlsx）；不写则在终端显示")
_HTML_OPTION = typer.Option(None, "--html", help="写入网页通报（.html）：单个文件，手机上直接打开，可按A4横向打印")
_FORCE_OPTION = typer.Option(False, "--force", help="覆盖已存在的 --xlsx、--html 文件")
_REPORT_FORMAT_OPTION = typer.Option("table", "--format", help=FORMAT_HELP)
_WIDE_OPTION = typer.Option(False, "--wide", help=WIDE_HELP)
_AS_RECORDED_OPTION = typer.Option(None, "--as-recorded", help=AS_RECORDED_HELP)
# How the terminal colours a flagged cell (the workbook colours it the same way).
_FLAG_STYLES = {"bad": "red", "good": "green", "honor": "bold red", "shame": "reverse"}
# The columns a narrow terminal leaves out of each section, the first first (a key ending in `*`
# stands for its columns in order: the earliest months go before the latest).
_NARROW_DROPS = {
    "overall": ("clause", "expected", "progress_points", "this_period", "severity_label"),
    "units": ("period.*", "verified.period", "invested.period", "year.producing", "year.completed", "year.included", "signed_target", "started_target",
              "progress_points", "signed_completion", "started_completion"),
    "trips": ("role_label", "months.*", "months_short", "minimum"),
    "warnings": ("code", "limit", "since", "note", "unit"),
    "outlook": ("basis", "pipeline", "low", "high"),
    "problems": ("raised_on", "resolved_on", "project_name", "id"),
    "requests": ("received_on", "resolved_on", "unrated_days", "reopened", "id"),
}  # fmt: skip
# The columns a narrow terminal leaves out rather than fold every row onto two lines (the code names the project).
_NARROW_UNFOLDED = {"warnings": ("name", "note")}


def _style(flag: str | None, bold: bool) -> str:
    return " ".join(part for part in (_FLAG_STYLES.get(flag or ""), "bold" if bold else None) if part)


def _narrow_drops(section, shown: list[int]) -> list[str]:
    """The headers of the section's shown columns a narrow terminal may leave out, in order."""
    headers = []
    for pattern in _NARROW_DROPS.get(section.key, ()):
        headers += [
            section.columns[index].header
            for index in shown
            if section.columns[index].key == pattern
            or (pattern.endswith("*") and section.columns[index].key.startswith(pattern[:-1]))
        ]
    return headers


# What the terminal lists of a long section: what still needs doing, the rest counted in a line
# (the workbook, the page and the JSON list every row).
_FULL_LIST = "（完整清单：--xlsx、--html 文件或 --format json）"
_OPEN_CASES = {"problems": {"open", "overdue"}, "requests": {"open", "overdue", "unrated"}}
_WARNINGS_PER_KIND = 3  # the longest-waiting of each kind


def _column_values(section, key: str) -> list:
    index = next(index for index, column in enumerate(section.columns) if column.key == key)
    return [row.values[index] for row in section.rows]


def _terminal_summary(section) -> str | None:
    """One line for a section the terminal does not tabulate: the project list (too long), and an
    outlook that predicts nothing (its method note would explain an empty table)."""
    if section.summary is not None:
        return f"{section.title}：{section.summary}（完整台账：--xlsx、--html 文件或 --format json）"
    if section.key == "outlook" and not any(_column_values(section, "likely")):
        titles = "、".join(_column_values(section, "title"))
        reasons = "；".join(dict.fromkeys(_column_values(section, "note")))
        return f"{section.title}：{titles}——{reasons}"
    return None


def _terminal_rows(section) -> tuple[list, str | None]:
    """The rows the terminal shows of a section, and a line saying what it leaves out."""
    rows = list(section.rows)
    if section.key in _OPEN_CASES:
        keep = [state in _OPEN_CASES[section.key] for state in _column_values(section, "state")]
        left_out = f"另有{keep.count(False)}" + ("个已解决" if section.key == "problems" else "件已办结")
    elif section.key == "trips":
        keep = [bool(shortfall) for shortfall in _column_values(section, "shortfall")]
        left_out = f"另有{keep.count(False)}人已达到最低天数"
    elif section.key == "warnings":
        seen: dict[str, int] = {}
        keep = []
        for kind in _column_values(section, "kind"):
            seen[kind] = seen.get(kind, 0) + 1
            keep.append(seen[kind] <= _WARNINGS_PER_KIND)
        left_out = f"每类只列等待最久的{_WARNINGS_PER_KIND}条，另有{keep.count(False)}条"
    else:
        return rows, None
    shown = [row for row, kept in zip(rows, keep, strict=True) if kept]
    return shown, (left_out + _FULL_LIST if len(shown) < len(rows) else None)


def _emit_bulletin(bulletin, wide: bool) -> None:
    """The bulletin as tables, section by section; a section too long to print (the project
    list) as its one-line summary, others as what still needs doing (`_terminal_rows`)."""
    from zhaoshang.cli.render import Styled
    from zhaoshang.reports.model import display_text

    typer.echo(f"{bulletin.title}　{bulletin.period.label}")
    typer.echo(bulletin.subtitle)
    for section in bulletin.sections:
        line = _terminal_summary(section)
        if line is not None:
            typer.echo("\n" + "\n".join(fold(line, terminal_width())))
            continue
        shown = [index for index, column in enumerate(section.columns) if column.header and column.terminal]
        listed, left_out = _terminal_rows(section)
        # A column blank in every row listed says nothing (the ratings of cases still open).
        shown = [index for index in shown if any(row.values[index] not in (None, "") for row in listed)] or shown
        notes = [*section.notes, left_out] if left_out else section.notes
        rows = [
            [
                Styled(
                    display_text(row.values[index], row.format(index, section.columns)),
                    _style(row.flag(index), row.total),
                )
                for index in shown
            ]
            for row in listed
        ]
        emit_table(
            section.title,
            [section.columns[index].header or "" for index in shown],
            rows,
            caption="\n".join(notes),
            optional=_narrow_drops(section, shown),
            unfolded=[
                column.header for column in section.columns if column.key in _NARROW_UNFOLDED.get(section.key, ())
            ],
            wide=wide,
        )
    for line in (bulletin.remade_line, bulletin.ledger_line):
        if line:
            typer.echo("\n".join(fold(line, terminal_width())))


def _report(
    ctx: typer.Context,
    period_on: Callable[[date], Period],
    xlsx: str | None,
    html: str | None,
    force: bool,
    format: str,
    wide: bool,
    as_recorded: str | None,
) -> None:
    """Build the bulletin of a period and show it, write it as a workbook or a page, or print its
    figures as JSON. `period_on(day)` is the period asked for, or the default one on that day: today,
    or the day of the recorded state (`--as-recorded`), so a bulletin made again is the one of then."""
    from zhaoshang.replay import ledger_at
    from zhaoshang.reports.figures import build_bulletin

    check_format(format)
    period_on(date.today())  # a bad period is refused before the ledger is opened
    if xlsx is not None:  # a bad path is refused before the figures are computed
        from zhaoshang.reports.xlsx import check_output

        check_output(xlsx, force)
    if html is not None:
        from zhaoshang.reports.html import check_output as check_html_output

        check_html_output(html, force)
    written = []
    with ledger_at(open_ledger(ctx), as_recorded) as (connection, state):
        period = period_on(state.on if as_recorded is not None and state.on else date.today())
        bulletin = build_bulletin(connection, period, date.today(), state, remade=as_recorded is not None)
        sections = "、".join(section.title for section in bulletin.sections)
        if xlsx is not None:
            from zhaoshang.reports.xlsx import write_xlsx

            written.append(f"{write_xlsx(bulletin, xlsx, force)}（工作表：{sections}）")
        if html is not None:
            from zhaoshang.reports.html import write_html

            written.append(f"{write_html(bulletin, html, force)}（网页：{sections}）")
        if format == "json":
            emit_json(bulletin.to_json())
        elif not written:
            _emit_bulletin(bulletin, wide)
    for path in written:
        typer.echo(f"已生成{bulletin.title}（{period.label}）：{path}", err=format == "json")


@report_app.command("monthly")
def report_monthly(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="月份（YYYY-MM）；默认上个月"),
    xlsx: str | None = _XLSX_OPTION,
    html: str | None = _HTML_OPTION,
    force: bool = _FORCE_OPTION,
    format: str = _REPORT_FORMAT_OPTION,
    wide: bool = _WIDE_OPTION,
    as_recorded: str | None = _AS_RECORDED_OPTION,
) -> None:
    """每月通报：总体进度、单位排名（红黑榜）、全年预测、项目台账、外出招商、预警、问题协调、企业诉求，截至该月最后一天。"""
    from zhaoshang.reports.model import month_period, previous_month

    _report(ctx, lambda day: month_period(month or previous_month(day)), xlsx, html, force, format, wide, as_recorded)


@report_app.command("quarterly")
def report_quarterly(
    ctx: typer.Context,
    quarter: str | None = typer.Option(None, "--quarter", help="季度，如 2024-Q3；默认上一个季度"),
    xlsx: str | None = _XLSX_OPTION,
    html: str | None = _HTML_OPTION,
    force: bool = _FORCE_OPTION,
    format: str = _REPORT_FORMAT_OPTION,
    wide: bool = _WIDE_OPTION,
    as_recorded: str | None = _AS_RECORDED_OPTION,
) -> None:
    """季度考评：与每月通报相同的内容，“本季”为该季度三个月，截至季度最后一天。"""
    from zhaoshang.reports.model import previous_quarter, quarter_period

    _report(
        ctx, lambda day: quarter_period(quarter or previous_quarter(day)), xlsx, html, force, format, wide, as_recorded
    )


@report_app.command("annual")
def report_annual(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help="年度；默认上一年"),
    xlsx: str | None = _XLSX_OPTION,
    html: str | None = _HTML_OPTION,
    force: bool = _FORCE_OPTION,
    format: str = _REPORT_FORMAT_OPTION,
    wide: bool = _WIDE_OPTION,
    as_recorded: str | None = _AS_RECORDED_OPTION,
) -> None:
    """年终考核：全年的数字，截至12月31日。"""
    from zhaoshang.reports.model import year_period

    _report(ctx, lambda day: year_period(year or str(day.year - 1)), xlsx, html, force, format, wide, as_recorded)


_DIFFERENCES_SHOWN = 50


@report_app.command("verify")
def report_verify(ctx: typer.Context, file: str = typer.Argument(..., help="zs 生成的通报工作簿（.xlsx）")) -> None:
    """核对一份通报：按它记下的账本状态（第N条记录）从审计记录重算，逐格比较。退出码：0 一致，1 有不同，2 不是通报或账本不含该状态。"""
    from zhaoshang.reports.verify import verify_bulletin

    verdict = verify_bulletin(open_ledger(ctx), file)
    bulletin = verdict.bulletin
    named = (
        f"{bulletin.path.name}（{bulletin.period.label}{_DOCUMENTS[bulletin.period.kind]}，"
        f"据第{bulletin.state.entries}条记录，{bulletin.version}）"
    )
    if not verdict.differences:
        typer.echo(f"通报核对一致：{named}，{verdict.cells}个单元格与账本重算的相同")
        return
    if verdict.method_changed:
        typer.echo(
            f"口径已变：{named} 由 {bulletin.version} 生成，本程序为 {_current_version()}，计算方法可能已改变；"
            f"按现行口径重算，有{len(verdict.differences)}处不同：",
            err=True,
        )
    else:
        typer.echo(f"通报与账本不符：{named} 有{len(verdict.differences)}处与重算的不同：", err=True)
    for difference in verdict.differences[:_DIFFERENCES_SHOWN]:
        typer.echo(
            f"  工作表「{difference.sheet}」{difference.cell}：文件中 {_cell(difference.in_file)}，"
            f"重算为 {_cell(difference.recomputed)}",
            err=True,
        )
    if len(verdict.differences) > _DIFFERENCES_SHOWN:
        typer.echo(f"  ……另有{len(verdict.differences) - _DIFFERENCES_SHOWN}处", err=True)
    raise typer.Exit(1)


_DOCUMENTS = {"month": "每月通报", "quarter": "季度考评", "year": "年终考核"}


def _current_version() -> str:
    from zhaoshang.replay import VERSION

    return VERSION


def _cell(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, float) and value.is_integer():  # a workbook holds every number as a double
        return str(int(value))
    return str(value)
