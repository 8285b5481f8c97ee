"""`zs report …`: the monthly bulletin, quarterly and annual assessments."""

from __future__ import annotations

from datetime import date

import typer

from zhaoshang.cli.app import open_ledger
from zhaoshang.cli.render import (
    FORMAT_HELP,
    check_format,
    emit_json,
    emit_table,
)

report_app = typer.Typer(help="每月通报、季度考评、年终考核。", no_args_is_help=True)


# The options every report takes (typer reads an option's declaration; one serves the three commands).
_XLSX_OPTION = typer.Option(None, "--xlsx", help="写入 Excel 通报（.xlsx）；不写则在终端显示")
_FORCE_OPTION = typer.Option(False, "--force", help="覆盖已存在的 --xlsx 文件")
_REPORT_FORMAT_OPTION = typer.Option("table", "--format", help=FORMAT_HELP)
# How the terminal colours a flagged cell (the workbook colours it the same way).
_FLAG_MARKUP = {"bad": "red", "good": "green", "honor": "bold red", "shame": "reverse"}


def _flagged(text: str, flag: str | None, bold: bool) -> str:
    from rich.markup import escape

    style = " ".join(part for part in (_FLAG_MARKUP.get(flag or ""), "bold" if bold else None) if part)
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def _emit_bulletin(bulletin) -> None:
    """The bulletin as rich tables, section by section; a section too long to print (the project
    list) as its one-line summary."""
    from zhaoshang.reports.model import display_text

    typer.echo(f"{bulletin.title}　{bulletin.period.label}")
    typer.echo(bulletin.subtitle)
    for section in bulletin.sections:
        if section.summary is not None:
            typer.echo(f"\n{section.title}：{section.summary}（完整台账：--xlsx 文件.xlsx 或 --format json）")
            continue
        shown = [index for index, column in enumerate(section.columns) if column.header and column.terminal]
        rows = [
            [
                _flagged(
                    display_text(row.values[index], row.format(index, section.columns)), row.flag(index), row.total
                )
                for index in shown
            ]
            for row in section.rows
        ]
        emit_table(
            section.title, [section.columns[index].header for index in shown], rows, caption="\n".join(section.notes)
        )


def _report(ctx: typer.Context, period, xlsx: str | None, force: bool, format: str) -> None:
    """Build the bulletin of a period and show it, write it as a workbook, or print its figures as JSON."""
    from zhaoshang.reports.figures import build_bulletin

    check_format(format)
    if xlsx is not None:
        from zhaoshang.reports.xlsx import check_output

        check_output(xlsx, force)  # a bad path is refused before the figures are computed
    with open_ledger(ctx).read() as connection:
        bulletin = build_bulletin(connection, period, date.today())
        if xlsx is not None:
            from zhaoshang.reports.xlsx import write_xlsx

            path = write_xlsx(bulletin, xlsx, force)
        if format == "json":
            emit_json(bulletin.to_json())
        elif xlsx is None:
            _emit_bulletin(bulletin)
    if xlsx is not None:
        sheets = "、".join(section.title for section in bulletin.sections)
        typer.echo(f"已生成{bulletin.title}（{period.label}）：{path}（工作表：{sheets}）", err=format == "json")


@report_app.command("monthly")
def report_monthly(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="月份（YYYY-MM）；默认上个月"),
    xlsx: str | None = _XLSX_OPTION,
    force: bool = _FORCE_OPTION,
    format: str = _REPORT_FORMAT_OPTION,
) -> None:
    """每月通报：总体进度、单位排名（红黑榜）、项目台账、外出招商、预警，截至该月最后一天。"""
    from zhaoshang.reports.model import month_period, previous_month

    _report(ctx, month_period(month or previous_month(date.today())), xlsx, force, format)


@report_app.command("quarterly")
def report_quarterly(
    ctx: typer.Context,
    quarter: str | None = typer.Option(None, "--quarter", help="季度，如 2024-Q3；默认上一个季度"),
    xlsx: str | None = _XLSX_OPTION,
    force: bool = _FORCE_OPTION,
    format: str = _REPORT_FORMAT_OPTION,
) -> None:
    """季度考评：与每月通报相同的内容，“本季”为该季度三个月，截至季度最后一天。"""
    from zhaoshang.reports.model import previous_quarter, quarter_period

    _report(ctx, quarter_period(quarter or previous_quarter(date.today())), xlsx, force, format)


@report_app.command("annual")
def report_annual(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help="年度；默认上一年"),
    xlsx: str | None = _XLSX_OPTION,
    force: bool = _FORCE_OPTION,
    format: str = _REPORT_FORMAT_OPTION,
) -> None:
    """年终考核：全年的数字，截至12月31日。"""
    from zhaoshang.reports.model import year_period

    _report(ctx, year_period(year or str(date.today().year - 1)), xlsx, force, format)
