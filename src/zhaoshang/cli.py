"""The `zs` command line: parses, calls the core, renders. The only module that imports typer.

Heavy imports (SQLAlchemy through the core, openpyxl, rich) happen inside the commands,
so that `zs --help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from zhaoshang.db import Ledger


class ZsGroup(TyperGroup):
    """Turns the core's typed errors into `错误：…` / `提示：…` on stderr and exit code 2."""

    def invoke(self, ctx):
        from zhaoshang.errors import ZsError

        try:
            return super().invoke(ctx)
        except ZsError as error:
            _fail(error.message, error.hint, error.exit_code)
        except Exception as error:  # a locked or broken file is the user's situation, not a bug
            if type(error).__module__.startswith(("sqlalchemy", "sqlite3")) and "locked" in str(error):
                _fail("账本正被其他人写入，等待超时", "稍后再试一次", 2)
            raise


def _fail(message: str, hint: str | None, code: int) -> None:
    typer.echo(f"错误：{message}", err=True)
    if hint:
        typer.echo(f"提示：{hint}", err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=ZsGroup,
    name="zs",
    help="区投资促进局招商引资台账：项目、外出招商、每月通报与考核指标检查。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rich's help renderer costs ~0.1 s at every `--help`
    context_settings={"help_option_names": ["-h", "--help"]},
)
unit_app = typer.Typer(help="责任单位。", no_args_is_help=True)
person_app = typer.Typer(help="人员（领导、单位负责人、工作人员）。", no_args_is_help=True)
project_app = typer.Typer(help="招商引资项目：从在谈到投产。", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志：谁在何时改了什么。", no_args_is_help=True)
db_app = typer.Typer(help="账本文件：备份与检查。", no_args_is_help=True)
app.add_typer(unit_app, name="unit")
app.add_typer(person_app, name="person")
app.add_typer(project_app, name="project")
trip_app = typer.Typer(help="外出招商：行程与每月天数。", no_args_is_help=True)
target_app = typer.Typer(help="年度目标与每月外出天数下限（任务分解）。", no_args_is_help=True)
indicator_app = typer.Typer(help="统计局发布的月度累计指标。", no_args_is_help=True)
fund_app = typer.Typer(help="产业引导基金、天使基金。", no_args_is_help=True)
building_app = typer.Typer(help="镇街总部经济楼宇。", no_args_is_help=True)
meeting_app = typer.Typer(help="调度会、推进会。", no_args_is_help=True)
check_app = typer.Typer(help="对照意见检查考核指标（供 cron 每晚运行）。", no_args_is_help=True)
report_app = typer.Typer(help="每月通报、季度考评、年终考核。", no_args_is_help=True)
import_app = typer.Typer(help="从 Excel 台账导入。", no_args_is_help=True)
export_app = typer.Typer(help="导出为 Excel 台账。", no_args_is_help=True)
app.add_typer(trip_app, name="trip")
app.add_typer(target_app, name="target")
app.add_typer(indicator_app, name="indicator")
app.add_typer(fund_app, name="fund")
app.add_typer(building_app, name="building")
app.add_typer(meeting_app, name="meeting")
app.add_typer(check_app, name="check")
app.add_typer(report_app, name="report")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")


class State:
    def __init__(self, db: str, actor: str):
        self.db = db
        self.actor = actor


def _default_actor() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return "unknown"


@app.callback()
def main(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", envvar="ZS_DB", help="账本文件；默认 $ZS_DB，否则 ./zs.sqlite"),
    actor: str = typer.Option(None, "--actor", envvar="ZS_ACTOR", help="写入审计日志的操作人；默认 $ZS_ACTOR，否则登录名"),
) -> None:
    ctx.obj = State(db or "zs.sqlite", actor or _default_actor())


def _state(ctx: typer.Context) -> State:
    return ctx.find_root().obj


def _ledger(ctx: typer.Context) -> "Ledger":
    from zhaoshang.db import Ledger

    state = _state(ctx)
    return Ledger.open(state.db, actor=state.actor)


# --- output -------------------------------------------------------------------------------

FORMAT_HELP = "输出格式：table 或 json"


def _check_format(value: str, allowed: tuple[str, ...] = ("table", "json")) -> str:
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


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# --- init, units, persons ---------------------------------------------------------------


@app.command("init")
def init_command(ctx: typer.Context, year: str = typer.Option("2024", "--year", help="首个考核年度")) -> None:
    """新建账本，载入意见中的单位和年度目标。已存在的文件不会被覆盖。"""
    from zhaoshang.parsing import parse_year
    from zhaoshang.services.setup import init_ledger

    state = _state(ctx)
    ledger = init_ledger(state.db, state.actor, parse_year(year))
    with ledger.read() as connection:
        units = connection.exec_driver_sql("SELECT count(*) FROM unit").scalar()
        targets = connection.exec_driver_sql("SELECT count(*) FROM target").scalar()
    typer.echo(f"已新建账本 {state.db}：{units}个单位，{parse_year(year)}年目标{targets}项。")


@unit_app.command("add")
def unit_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="单位名称"),
    kind: str = typer.Option(..., "--kind", help="leadership|department|town|street|zone|enterprise（或 四大班子|部门|镇|街道|开发区|国企）"),
) -> None:
    """新增责任单位。"""
    from zhaoshang.parsing import KIND_LABELS
    from zhaoshang.services.units import add_unit

    unit = add_unit(_ledger(ctx), _state(ctx).actor, name, kind)
    typer.echo(f"已新增单位：{unit['name']}（{KIND_LABELS[unit['kind']]}）")


@unit_app.command("list")
def unit_list(ctx: typer.Context, format: str = typer.Option("table", "--format", help=FORMAT_HELP)) -> None:
    """列出全部单位。"""
    from zhaoshang.services.units import list_units

    _check_format(format)
    units = list_units(_ledger(ctx))
    if format == "json":
        emit_json(units)
        return
    emit_table(
        "单位",
        ["单位", "类型", "别名", "人员数"],
        [[unit["name"], unit["kind_label"], "、".join(unit["aliases"]), unit["persons"]] for unit in units],
    )


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="姓名"),
    unit: str = typer.Option(..., "--unit", help="所在单位"),
    role: str = typer.Option(..., "--role", help="principal|deputy|head|member|staff（或中文）"),
    since: Optional[str] = typer.Option(None, "--since", help="任职起始日期"),
    until: Optional[str] = typer.Option(None, "--until", help="任职截止日期"),
) -> None:
    """新增人员。"""
    from zhaoshang.parsing import ROLE_LABELS
    from zhaoshang.services.units import add_person

    person = add_person(_ledger(ctx), _state(ctx).actor, name, unit, role, since, until)
    typer.echo(f"已新增人员：{person['name']}（{person['unit']}，{ROLE_LABELS[person['role']]}）")


@person_app.command("list")
def person_list(ctx: typer.Context, format: str = typer.Option("table", "--format", help=FORMAT_HELP)) -> None:
    """列出全部人员。"""
    from zhaoshang.services.units import list_persons

    _check_format(format)
    persons = list_persons(_ledger(ctx))
    if format == "json":
        emit_json(persons)
        return
    emit_table(
        "人员",
        ["姓名", "单位", "职务类别", "任职起", "任职止"],
        [[p["name"], p["unit"], p["role_label"], p["since"], p["until"]] for p in persons],
    )


# --- projects ---------------------------------------------------------------------------

_STAGE_HELP = "signed|started|included|completed|producing（或 签约|开工|纳统|竣工|投产）"


def _project_options(
    name: Optional[str],
    unit: Optional[str],
    amount: Optional[str],
    code: Optional[str],
    investor: Optional[str],
    industry: Optional[str],
    channel: Optional[str],
    origin: Optional[str],
    leader: Optional[str],
    handler: Optional[str],
    signed: Optional[str],
    started: Optional[str],
    included: Optional[str],
    completed: Optional[str],
    producing: Optional[str],
    note: Optional[str],
):
    from zhaoshang.services.projects import ProjectFields

    return ProjectFields(
        name=name, unit=unit, amount=amount, code=code, investor=investor, industry=industry, channel=channel,
        origin=origin, leader=leader, handler=handler, signed=signed, started=started, included=included,
        completed=completed, producing=producing, note=note,
    )  # fmt: skip


@project_app.command("add")
def project_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="项目名称"),
    unit: str = typer.Option(..., "--unit", help="责任单位"),
    amount: str = typer.Option(..., "--amount", help="总投资：1.2亿、12000万 或 12000（万元）"),
    code: Optional[str] = typer.Option(None, "--code", help="项目编号；不写则自动编号"),
    investor: Optional[str] = typer.Option(None, "--investor", help="投资方"),
    industry: Optional[str] = typer.Option(None, "--industry", help="产业类别"),
    channel: Optional[str] = typer.Option(None, "--channel", help="招商方式"),
    origin: Optional[str] = typer.Option(None, "--origin", help="来源地"),
    leader: Optional[str] = typer.Option(None, "--leader", help="包保领导（姓名，或 姓名@单位）"),
    handler: Optional[str] = typer.Option(None, "--handler", help="专人（姓名，或 姓名@单位）"),
    signed: Optional[str] = typer.Option(None, "--signed", help="签约日期"),
    started: Optional[str] = typer.Option(None, "--started", help="开工日期"),
    included: Optional[str] = typer.Option(None, "--included", help="纳统日期"),
    completed: Optional[str] = typer.Option(None, "--completed", help="竣工日期"),
    producing: Optional[str] = typer.Option(None, "--producing", help="投产日期"),
    note: Optional[str] = typer.Option(None, "--note", help="备注"),
) -> None:
    """新增项目；最后一行输出项目编号。"""
    from zhaoshang.services.projects import add_project

    fields = _project_options(
        name, unit, amount, code, investor, industry, channel, origin, leader, handler,
        signed, started, included, completed, producing, note,
    )  # fmt: skip
    project_code = add_project(_ledger(ctx), _state(ctx).actor, fields)
    typer.echo(f"已新增项目：{name.strip()}")
    typer.echo(project_code)


@project_app.command("advance")
def project_advance(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    stage: str = typer.Argument(..., help=_STAGE_HELP),
    on: str = typer.Option(..., "--on", help="日期"),
    note: Optional[str] = typer.Option(None, "--note", help="备注"),
) -> None:
    """推进项目到下一阶段：签约、开工、纳统、竣工、投产。"""
    from zhaoshang.parsing import STAGE_LABELS, parse_stage
    from zhaoshang.services.projects import STAGE_COLUMNS, advance_project

    row = advance_project(_ledger(ctx), _state(ctx).actor, code, stage, on, note)
    stage_code = parse_stage(stage)
    typer.echo(f"项目 {row['code']} 已于 {row[STAGE_COLUMNS[stage_code]]} {STAGE_LABELS[stage_code]}。")


@project_app.command("edit")
def project_edit(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    name: Optional[str] = typer.Option(None, "--name", help="项目名称"),
    unit: Optional[str] = typer.Option(None, "--unit", help="责任单位"),
    amount: Optional[str] = typer.Option(None, "--amount", help="总投资"),
    new_code: Optional[str] = typer.Option(None, "--code", help="新的项目编号"),
    investor: Optional[str] = typer.Option(None, "--investor", help="投资方"),
    industry: Optional[str] = typer.Option(None, "--industry", help="产业类别"),
    channel: Optional[str] = typer.Option(None, "--channel", help="招商方式"),
    origin: Optional[str] = typer.Option(None, "--origin", help="来源地"),
    leader: Optional[str] = typer.Option(None, "--leader", help="包保领导；空字符串表示清除"),
    handler: Optional[str] = typer.Option(None, "--handler", help="专人；空字符串表示清除"),
    signed: Optional[str] = typer.Option(None, "--signed", help="签约日期"),
    started: Optional[str] = typer.Option(None, "--started", help="开工日期"),
    included: Optional[str] = typer.Option(None, "--included", help="纳统日期"),
    completed: Optional[str] = typer.Option(None, "--completed", help="竣工日期"),
    producing: Optional[str] = typer.Option(None, "--producing", help="投产日期"),
    note: Optional[str] = typer.Option(None, "--note", help="备注"),
) -> None:
    """修改项目的字段（只改给出的字段）。"""
    from zhaoshang.services.projects import edit_project

    fields = _project_options(
        name, unit, amount, new_code, investor, industry, channel, origin, leader, handler,
        signed, started, included, completed, producing, note,
    )  # fmt: skip
    row = edit_project(_ledger(ctx), _state(ctx).actor, code, fields)
    typer.echo(f"项目 {row['code']} 已修改。")


@project_app.command("stall")
def project_stall(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    reason: str = typer.Option(..., "--reason", help="停滞原因"),
) -> None:
    """标记项目停滞。"""
    from zhaoshang.services.projects import set_status

    row = set_status(_ledger(ctx), _state(ctx).actor, code, "stalled", reason)
    typer.echo(f"项目 {row['code']} 已标记为停滞。")


@project_app.command("resume")
def project_resume(ctx: typer.Context, code: str = typer.Argument(..., help="项目编号")) -> None:
    """恢复停滞的项目。"""
    from zhaoshang.services.projects import set_status

    row = set_status(_ledger(ctx), _state(ctx).actor, code, "active")
    typer.echo(f"项目 {row['code']} 已恢复推进。")


@project_app.command("terminate")
def project_terminate(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    reason: str = typer.Option(..., "--reason", help="终止原因"),
    on: Optional[str] = typer.Option(None, "--on", help="终止日期"),
) -> None:
    """终止项目（不再计入考核）。"""
    from zhaoshang.services.projects import set_status

    row = set_status(_ledger(ctx), _state(ctx).actor, code, "terminated", reason, on)
    typer.echo(f"项目 {row['code']} 已终止。")


PROJECT_COLUMNS = (
    ("code", "编号"),
    ("name", "项目名称"),
    ("unit", "责任单位"),
    ("amount", "总投资（万元）"),
    ("investor", "投资方"),
    ("industry", "产业类别"),
    ("channel", "招商方式"),
    ("origin", "来源地"),
    ("leader", "包保领导"),
    ("handler", "专人"),
    ("signed", "签约"),
    ("started", "开工"),
    ("included", "纳统"),
    ("completed", "竣工"),
    ("producing", "投产"),
    ("stage_label", "阶段"),
    ("status_label", "状态"),
    ("status_reason", "原因"),
    ("note", "备注"),
)
_TABLE_PROJECT_KEYS = ("code", "name", "unit", "amount", "signed", "started", "included", "completed", "producing", "stage_label", "status_label")


def _amount_cell(value: Decimal) -> str:
    return f"{value:,}"


@project_app.command("list")
def project_list(
    ctx: typer.Context,
    stage: Optional[str] = typer.Option(None, "--stage", help="当前阶段：lead|" + _STAGE_HELP),
    unit: Optional[str] = typer.Option(None, "--unit", help="责任单位"),
    year: Optional[str] = typer.Option(None, "--year", help="签约年度"),
    format: str = typer.Option("table", "--format", help="输出格式：table、json 或 csv"),
) -> None:
    """列出项目。"""
    from zhaoshang.services.projects import list_projects

    _check_format(format, ("table", "json", "csv"))
    projects = list_projects(_ledger(ctx), stage=stage, unit=unit, year=year)
    if format == "json":
        emit_json(projects)
    elif format == "csv":
        import csv

        # A BOM so that Excel opens the Chinese text correctly.
        sys.stdout.write("\ufeff")
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow([label for _, label in PROJECT_COLUMNS])
        for project in projects:
            out.writerow([_text(project[key]) for key, _ in PROJECT_COLUMNS])
    else:
        labels = dict(PROJECT_COLUMNS)
        total = sum((p["amount"] for p in projects), Decimal(0))
        emit_table(
            "项目",
            [labels[key] for key in _TABLE_PROJECT_KEYS],
            [[_amount_cell(p[key]) if key == "amount" else p[key] for key in _TABLE_PROJECT_KEYS] for p in projects],
            caption=f"共 {len(projects)} 个项目，总投资 {_amount_cell(total)} 万元",
        )


@project_app.command("show")
def project_show(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """查看一个项目。"""
    from zhaoshang.services.projects import show_project

    _check_format(format)
    project = show_project(_ledger(ctx), code)
    if format == "json":
        emit_json(project)
        return
    rows = [[label, _amount_cell(project[key]) if key == "amount" else project[key]] for key, label in PROJECT_COLUMNS]
    emit_table(f"项目 {project['code']}", ["字段", "内容"], rows)


# --- trips (issue 3) --------------------------------------------------------------------

# --- targets, indicators, funds, buildings, meetings, checks (issue 4) -------------------

# --- reports (issue 5) ------------------------------------------------------------------

# --- import and export (issue 6) --------------------------------------------------------

# --- audit and the file -----------------------------------------------------------------


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    project: Optional[str] = typer.Option(None, "--project", help="只看这个项目的记录"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """查看审计日志。"""
    from zhaoshang.services.history import audit_history

    _check_format(format)
    entries = audit_history(_ledger(ctx), project)
    if format == "json":
        emit_json(entries)
        return
    emit_table(
        "审计日志" + (f"：项目 {project}" if project else ""),
        ["序号", "时间", "操作人", "操作", "对象", "变更"],
        [[e["seq"], e["at"], e["actor"], e["action_label"], e["subject"], "\n".join(e["summary"])] for e in entries],
    )


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """重新核对审计日志的哈希链，以及每一行数据是否与审计记录相符。"""
    from zhaoshang.audit import verify

    with _ledger(ctx).read() as connection:
        result = verify(connection)
    if not result.ok:
        typer.echo(f"审计核对未通过：{result.problem}", err=True)
        typer.echo("提示：有人绕过 zs 改动了账本；用 zs audit log 查看记录，并用备份核对", err=True)
        raise typer.Exit(1)
    typer.echo(f"审计核对通过：{result.entries} 条记录，链头哈希 {result.head_hash}")


@db_app.command("backup")
def db_backup(ctx: typer.Context, path: str = typer.Argument(..., help="备份文件路径")) -> None:
    """在线备份账本（写入中也能得到一致的副本）。"""
    target = _ledger(ctx).backup(path)
    typer.echo(f"已备份到 {target}")


@db_app.command("check")
def db_check(ctx: typer.Context) -> None:
    """检查账本文件的完整性和外键。"""
    ledger = _ledger(ctx)
    with ledger.read() as connection:
        integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        foreign = list(connection.exec_driver_sql("PRAGMA foreign_key_check"))
    problems = [line for line in integrity if line != "ok"] + [f"{row[0]} 第{row[1]}行引用了不存在的 {row[2]}" for row in foreign]
    if problems:
        for problem in problems:
            typer.echo(f"问题：{problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"账本完好：{ledger.path}")


def run() -> None:  # pragma: no cover - `python -m zhaoshang` and the console script
    app(prog_name="zs")


if __name__ == "__main__":  # pragma: no cover
    run()
