"""`zs import …` and `zs export …`: Excel ledgers in and out."""

from __future__ import annotations

from typing import Any

import typer

from zhaoshang.cli.app import ZsTyper, collector_paused, global_options, open_ledger

import_app = ZsTyper(help="从 Excel 台账导入。", no_args_is_help=True)
export_app = ZsTyper(help="导出为 Excel 台账。", no_args_is_help=True)
template_app = ZsTyper(help="生成各单位报送用的 Excel 模板。", no_args_is_help=True)


PROGRESS_MIN_ROWS = 300  # a smaller workbook is read before a bar would be worth drawing
_LISTED_MAX = 20


class _ImportProgress:
    """A rich progress bar on stderr, drawn only for workbooks of more than a few hundred rows."""

    def __init__(self):
        self.bar = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total <= PROGRESS_MIN_ROWS:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(phase, total=total)
        self.bar.update(self.tasks[phase], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _echo_listed(title: str, lines: list[str], most: int = _LISTED_MAX) -> None:
    if not lines:
        return
    typer.echo(title)
    for line in lines[:most]:
        typer.echo(f"  {line}")
    if len(lines) > most:
        typer.echo(f"  ……共 {len(lines)} 条")


_CHANGES_MAX = 200  # projects whose changes are listed; the count says the rest


@import_app.command("projects")
def import_projects_command(
    ctx: typer.Context,
    files: list[str] = typer.Argument(..., help="Excel 台账（.xlsx、.xls 或 .ods），可给多个文件，一并导入"),
    sheet: str | None = typer.Option(None, "--sheet", help="工作表名称；默认第一个认得出表头的工作表"),
    unit: str | None = typer.Option(
        None,
        "--unit",
        help="报送单位：只接受这个单位的项目，别的单位的行算作问题（表中没有责任单位列时，每行都是这个单位的）",
    ),
    errors: str | None = typer.Option(
        None,
        "--errors",
        metavar="问题.xlsx",
        help="导入被拒时，把工作簿连同问题写到这个文件：问题单元格标红并附批注，另有「问题清单」",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查，列出将新增和更新的项目，不写入"),
    mapping: list[str] | None = typer.Option(
        None,
        "--map",
        metavar="'列名=字段'",
        help="指明一列的含义（字段如 investor、amount、leader，或 ignore 忽略这一列），可多次使用",
    ),
) -> None:
    """从 Excel 台账导入项目：自动找表头，逐行校验，全部无误才写入（多个文件一次写入）；再次导入同一项目时更新而不重复。"""
    from zhaoshang.transfer.importer import import_projects

    progress = _ImportProgress()
    try:
        with collector_paused():
            reports = import_projects(
                open_ledger(ctx),
                global_options(ctx).actor,
                files,
                sheet=sheet,
                dry_run=dry_run,
                mapping=mapping or [],
                progress=progress,
                unit=unit,
                errors=errors,
            )
    finally:
        progress.close()
    for report in reports:
        _echo_sheet(report)
    added = sum(report.new_projects for report in reports)
    updated = [row for report in reports for row in report.updated]
    unchanged = sum(report.unchanged for report in reports)
    several = len(reports) > 1
    if dry_run:
        _echo_listed(
            "将新增：",
            [
                f"{report.file + ' ' if several else ''}第{row.row}行 {row.code or '（自动编号）'} {row.name}"
                for report in reports
                for row in report.added
            ],
        )
    changes = [
        f"{report.file + ' ' if several else ''}第{row.row}行 {row.code} {row.name}：{'；'.join(row.changes)}"
        for report in reports
        for row in report.updated
    ]
    _echo_listed("将更新：" if dry_run else "已更新：", changes, _CHANGES_MAX)
    counts = f"新增 {added} 个项目，更新 {len(updated)} 个，未变 {unchanged} 个"
    files_note = f"（{len(reports)} 个文件）" if several else ""
    typer.echo(f"试运行{files_note}：将{counts}；没有写入。" if dry_run else f"已导入{files_note}：{counts}。")


def _echo_sheet(report) -> None:
    """What was read of one file: where the header is, what was left out, what looks amiss."""
    sheet_read, header = report.sheet, report.sheet.header
    rows = (
        f"第{header.first_row}行"
        if header.first_row == header.last_row
        else f"第{header.first_row}–{header.last_row}行"
    )
    typer.echo(f"读取 {report.file} 工作表「{sheet_read.title}」：表头在{rows}，项目 {report.rows} 行。")
    if sheet_read.unknown:
        typer.echo(
            f"未识别的列（没有导入）：{'、'.join(sheet_read.unknown)}；"
            "用 --map '列名=字段' 指明含义，或 --map '列名=ignore' 忽略"
        )
    if sheet_read.ignored:
        typer.echo(f"不导入的列：{'、'.join(sheet_read.ignored)}")
    if sheet_read.other_sheets:
        typer.echo(f"其他工作表没有导入：{'、'.join(sheet_read.other_sheets)}（用 --sheet 指定）")
    for warning in sheet_read.warnings:
        typer.echo(f"注意：{warning}")
    _echo_listed("只填了月份的日期，按当月1日登记：", report.month_only)
    if sheet_read.skipped_kinds:
        kinds = "，".join(f"{kind} {count} 行" for kind, count in sheet_read.skipped_kinds.items())
        _echo_listed(f"跳过的行（{kinds}）：", sheet_read.skipped)


@export_app.command("projects")
def export_projects_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="导出的 Excel 文件（.xlsx）"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
) -> None:
    """把项目台账导出为 Excel：标题行、中文表头、每个项目一行，可原样导入。"""
    from zhaoshang.transfer.exporter import export_projects

    count = export_projects(open_ledger(ctx), file, force=force)
    typer.echo(f"已导出 {count} 个项目到 {file}")


@export_app.command("ledger")
def export_ledger_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="导出的 Excel 文件（.xlsx）"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
) -> None:
    """把整本账本（单位、人员、项目、外出招商、目标、指标……每张表一个工作表）导出为 Excel，可导入新账本。"""
    from zhaoshang.transfer.ledgerbook import export_ledger

    counts = export_ledger(open_ledger(ctx), file, force=force)
    typer.echo(f"已导出整本账本到 {file}：{_table_counts(counts)}")
    typer.echo("提示：整本导入会开始新的审计历史；要连同历史迁移账本，请用 zs db backup")


@import_app.command("ledger")
def import_ledger_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="zs export ledger 导出的 Excel 文件"),
) -> None:
    """把 zs export ledger 导出的整本账本导入一个新账本（zs init 之后，还没有项目和人员）；zs init 预置的单位和目标被替换。"""
    from zhaoshang.transfer.ledgerbook import import_ledger

    result = import_ledger(open_ledger(ctx), global_options(ctx).actor, file)
    if any(result.replaced.values()):
        typer.echo(f"替换了 zs init 预置的：{_table_counts(result.replaced)}")
    typer.echo(f"已导入整本账本 {result.file}：{_table_counts(result.rows)}")
    typer.echo(f"源账本：第{result.entries}条审计记录，哈希 {result.head}（{result.version}）；已记入审计日志")


def _table_counts(counts: dict[str, int]) -> str:
    from zhaoshang.audit import table_label

    shown = [f"{table_label(table)} {count:,}" for table, count in counts.items() if count]
    return "、".join(shown) or "没有数据"


@template_app.command("projects")
def template_projects_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="模板文件（.xlsx）"),
    unit: str = typer.Option(..., "--unit", help="报送单位，例如 渠沟镇"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
) -> None:
    """生成单位报送项目用的模板：列出该单位的项目并留出空行，下拉选项、日期和金额格式、编号列锁定、附填报说明。"""
    from zhaoshang.transfer.template import write_project_template

    summary = write_project_template(open_ledger(ctx), file, unit, force=force)
    typer.echo(f"已生成{summary.unit}的项目报送模板 {file}：已有项目 {summary.rows} 个，空行 {summary.blank} 行。")
    typer.echo(f"收回后导入：zs import projects {file} --unit {summary.unit}")


@template_app.command("trips")
def template_trips_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="模板文件（.xlsx）"),
    unit: str = typer.Option(..., "--unit", help="报送单位，例如 渠沟镇"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
) -> None:
    """生成单位报送外出招商用的模板：列出该单位人员的行程并留出空行，附填报说明。"""
    from zhaoshang.transfer.template import BLANK_ROWS
    from zhaoshang.transfer.trips import write_trip_template

    name, count = write_trip_template(open_ledger(ctx), file, unit, force=force)
    typer.echo(f"已生成{name}的外出招商报送模板 {file}：已有行程 {count} 次，空行 {BLANK_ROWS} 行。")
    typer.echo(f"收回后导入：zs import trips {file}")


@export_app.command("trips")
def export_trips_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="导出的 Excel 文件（.xlsx）"),
    year: str | None = typer.Option(None, "--year", help="只导出这一年有外出天数的行程，例如 2024"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
) -> None:
    """把外出招商行程导出为 Excel：每次行程一行，可原样导入。"""
    from zhaoshang.parsing import parse_year
    from zhaoshang.transfer.trips import export_trips

    year_number = parse_year(year, "年度（--year）") if year is not None else None
    count = export_trips(open_ledger(ctx), file, year=year_number, force=force)
    typer.echo(f"已导出 {count} 次行程到 {file}")


@import_app.command("trips")
def import_trips_command(
    ctx: typer.Context,
    files: list[str] = typer.Argument(..., help="Excel 文件（.xlsx、.xls 或 .ods），可给多个"),
    errors: str | None = typer.Option(
        None, "--errors", metavar="问题.xlsx", help="导入被拒时，把工作簿连同问题写到这个文件（问题单元格标红并附批注）"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查，列出将新增和更新的行程，不写入"),
    mapping: list[str] | None = typer.Option(
        None, "--map", metavar="'列名=字段'", help="指明一列的含义（字段如 persons、dest、date_from），可多次使用"
    ),
) -> None:
    """从 Excel 导入外出招商行程：人员、日期、目的地相同的是同一次行程，再次导入不重复登记。"""
    from zhaoshang.transfer.trips import import_trips

    progress = _ImportProgress()
    try:
        reports = import_trips(
            open_ledger(ctx), global_options(ctx).actor, files, dry_run=dry_run, errors=errors,
            mapping=mapping or [], progress=progress,
        )  # fmt: skip
    finally:
        progress.close()
    for report in reports:
        header = report.sheet.header
        typer.echo(
            f"读取 {report.file} 工作表「{report.sheet.title}」：表头在第{header.last_row}行，行程 {report.rows} 行。"
        )
        if report.sheet.unknown:
            typer.echo(f"未识别的列（没有导入）：{'、'.join(report.sheet.unknown)}")
        _echo_listed("将新增：" if dry_run else "已新增：", report.added)
        _echo_listed("将更新：" if dry_run else "已更新：", report.updated, _CHANGES_MAX)
    added = sum(len(report.added) for report in reports)
    updated = sum(len(report.updated) for report in reports)
    unchanged = sum(report.unchanged for report in reports)
    counts = f"新增 {added} 次行程，更新 {updated} 次，未变 {unchanged} 次"
    typer.echo(f"试运行：将{counts}；没有写入。" if dry_run else f"已导入：{counts}。")
