"""The `zs` command line: parses, calls the core, renders. The only module that imports typer.

Heavy imports (SQLAlchemy through the core, openpyxl, rich) happen inside the commands,
so that `zs --help` stays fast.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

# click's UsageError, whether typer vendors click (0.2x) or depends on it: BadParameter's base.
UsageError = typer.BadParameter.__mro__[1]

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
        except UsageError as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # `zs project` alone: its help, as asked
                typer.echo(error.format_message())
                raise typer.Exit(2) from None
            command = error.ctx.command_path if error.ctx else "zs"
            _fail(_usage_in_chinese(error.format_message()), f"查看用法：{command} --help", 2)
        except Exception as error:  # a locked or damaged file is the user's situation, not a bug
            if type(error).__name__ not in ("OperationalError", "DatabaseError", "IntegrityError"):
                raise
            if not type(error).__module__.startswith(("sqlalchemy", "sqlite3")):
                raise
            if "locked" in str(error):
                _fail("账本正被其他人写入，等待超时", "稍后再试一次", 2)
            detail = str(getattr(error, "orig", None) or error).splitlines()[0]
            _fail(f"账本无法读写：{detail}", "检查账本：zs db check；必要时用 zs db backup 留存的备份恢复", 2)


_USAGE_PATTERNS = (
    (re.compile(r"Missing option '([^']+)'.*"), r"缺少选项 \1"),
    (re.compile(r"Missing argument '([^']+)'.*"), r"缺少参数 \1"),
    (re.compile(r"No such option: (\S+?)\.?( Did you mean (\S+?)\?)?$"), r"没有这个选项：\1"),
    (re.compile(r"No such command '([^']+)'.*"), r"没有这个命令：\1"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), r"多余的参数：\1"),
    (re.compile(r"Option '([^']+)' requires an argument\."), r"选项 \1 后面需要一个值"),
)


def _usage_in_chinese(message: str) -> str:
    """Click's usage errors, said in Chinese (the unknown ones are kept as click says them)."""
    for pattern, replacement in _USAGE_PATTERNS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


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
    except (KeyError, OSError):  # no login name in some containers and services
        return "unknown"


@app.callback()
def main(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", envvar="ZS_DB", help="账本文件；默认 $ZS_DB，否则 ./zs.sqlite"),
    actor: str = typer.Option(
        None, "--actor", envvar="ZS_ACTOR", help="写入审计日志的操作人；默认 $ZS_ACTOR，否则登录名"
    ),
) -> None:
    ctx.obj = State(db or "zs.sqlite", actor or _default_actor())


def _state(ctx: typer.Context) -> State:
    return ctx.find_root().obj


def _ledger(ctx: typer.Context) -> Ledger:
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


def _emit_listing(format: str, rows: list[dict], keys: tuple[str, ...], title: str, headers: list[str], cells) -> None:
    """A listing as JSON (these keys of each row) or as a table (cells(row) for each row)."""
    if format == "json":
        emit_json([{key: row[key] for key in keys} for row in rows])
    else:
        emit_table(title, headers, [cells(row) for row in rows])


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _csv_text(value: Any) -> str:
    """A CSV cell Excel will not run: text starting like a formula gets a leading apostrophe."""
    text = _text(value)
    return f"'{text}" if isinstance(value, str) and text.startswith(("=", "+", "-", "@")) else text


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
    kind: str = typer.Option(
        ..., "--kind", help="leadership|department|town|street|zone|enterprise（或 四大班子|部门|镇|街道|开发区|国企）"
    ),
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
    _emit_listing(
        format, list_units(_ledger(ctx)), ("name", "kind", "kind_label", "aliases", "persons"),
        "单位", ["单位", "类型", "别名", "人员数"], lambda u: [u["name"], u["kind_label"], "、".join(u["aliases"]), u["persons"]],
    )  # fmt: skip


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="姓名"),
    unit: str = typer.Option(..., "--unit", help="所在单位"),
    role: str = typer.Option(..., "--role", help="principal|deputy|head|member|staff（或中文）"),
    since: str | None = typer.Option(None, "--since", help="任职起始日期"),
    until: str | None = typer.Option(None, "--until", help="任职截止日期"),
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
    _emit_listing(
        format, list_persons(_ledger(ctx)), ("name", "unit", "role", "role_label", "since", "until"),
        "人员", ["姓名", "单位", "职务类别", "任职起", "任职止"], lambda p: [p["name"], p["unit"], p["role_label"], p["since"], p["until"]],
    )  # fmt: skip


# --- projects ---------------------------------------------------------------------------

_STAGE_HELP = "signed|started|included|completed|producing（或 签约|开工|纳统|竣工|投产）"


def _project_options(
    name: str | None,
    unit: str | None,
    amount: str | None,
    code: str | None,
    investor: str | None,
    industry: str | None,
    channel: str | None,
    origin: str | None,
    leader: str | None,
    handler: str | None,
    signed: str | None,
    started: str | None,
    included: str | None,
    completed: str | None,
    producing: str | None,
    note: str | None,
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
    code: str | None = typer.Option(None, "--code", help="项目编号；不写则自动编号"),
    investor: str | None = typer.Option(None, "--investor", help="投资方"),
    industry: str | None = typer.Option(None, "--industry", help="产业类别"),
    channel: str | None = typer.Option(None, "--channel", help="招商方式"),
    origin: str | None = typer.Option(None, "--origin", help="来源地"),
    leader: str | None = typer.Option(None, "--leader", help="包保领导（姓名，或 姓名@单位）"),
    handler: str | None = typer.Option(None, "--handler", help="专人（姓名，或 姓名@单位）"),
    signed: str | None = typer.Option(None, "--signed", help="签约日期"),
    started: str | None = typer.Option(None, "--started", help="开工日期"),
    included: str | None = typer.Option(None, "--included", help="纳统日期"),
    completed: str | None = typer.Option(None, "--completed", help="竣工日期"),
    producing: str | None = typer.Option(None, "--producing", help="投产日期"),
    note: str | None = typer.Option(None, "--note", help="备注"),
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
    note: str | None = typer.Option(None, "--note", help="备注"),
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
    name: str | None = typer.Option(None, "--name", help="项目名称"),
    unit: str | None = typer.Option(None, "--unit", help="责任单位"),
    amount: str | None = typer.Option(None, "--amount", help="总投资"),
    new_code: str | None = typer.Option(None, "--code", help="新的项目编号"),
    investor: str | None = typer.Option(None, "--investor", help="投资方"),
    industry: str | None = typer.Option(None, "--industry", help="产业类别"),
    channel: str | None = typer.Option(None, "--channel", help="招商方式"),
    origin: str | None = typer.Option(None, "--origin", help="来源地"),
    leader: str | None = typer.Option(None, "--leader", help="包保领导；空字符串表示清除"),
    handler: str | None = typer.Option(None, "--handler", help="专人；空字符串表示清除"),
    signed: str | None = typer.Option(None, "--signed", help="签约日期"),
    started: str | None = typer.Option(None, "--started", help="开工日期"),
    included: str | None = typer.Option(None, "--included", help="纳统日期"),
    completed: str | None = typer.Option(None, "--completed", help="竣工日期"),
    producing: str | None = typer.Option(None, "--producing", help="投产日期"),
    note: str | None = typer.Option(None, "--note", help="备注"),
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
    on: str | None = typer.Option(None, "--on", help="终止日期"),
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
_TABLE_PROJECT_KEYS = (
    "code",
    "name",
    "unit",
    "amount",
    "signed",
    "started",
    "included",
    "completed",
    "producing",
    "stage_label",
    "status_label",
)


def _amount_cell(value: Decimal) -> str:
    return f"{value:,}"


@project_app.command("list")
def project_list(
    ctx: typer.Context,
    stage: str | None = typer.Option(None, "--stage", help="当前阶段：lead|" + _STAGE_HELP),
    unit: str | None = typer.Option(None, "--unit", help="责任单位"),
    year: str | None = typer.Option(None, "--year", help="签约年度"),
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
            out.writerow([_csv_text(project[key]) for key, _ in PROJECT_COLUMNS])
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

_REGION_HELP = "区域：长三角、珠三角、京津冀或其他"


def _trip_fields(persons, date_from, date_to, dest, region, purpose, companies, projects, long):
    from zhaoshang.services.trips import TripFields

    return TripFields(
        persons=persons, date_from=date_from, date_to=date_to, dest=dest, region=region,
        purpose=purpose, companies=companies, projects=projects, long=long,
    )  # fmt: skip


@trip_app.command("log")
def trip_log(
    ctx: typer.Context,
    persons: list[str] | None = typer.Option(
        None, "--person", metavar="<str>", help="外出人员（姓名，或 姓名@单位）；同一批次多人写多次"
    ),
    date_from: str | None = typer.Option(None, "--from", help="出发日期"),
    date_to: str | None = typer.Option(None, "--to", help="返回日期（含当天）"),
    dest: str | None = typer.Option(None, "--dest", help="目的地"),
    region: str | None = typer.Option(None, "--region", help=_REGION_HELP),
    purpose: str | None = typer.Option(None, "--purpose", help="事由"),
    companies: str | None = typer.Option(None, "--companies", help="走访企业"),
    projects: list[str] | None = typer.Option(None, "--project", metavar="<str>", help="关联项目编号；可写多次"),
    long: bool = typer.Option(False, "--long", help="允许超过62天的行程（长期驻点招商）"),
) -> None:
    """登记一次外出招商（一个批次，可多人）；最后一行输出行程编号。"""
    from zhaoshang.services.trips import log_trip

    fields = _trip_fields(persons, date_from, date_to, dest, region, purpose, companies, projects, long)
    trip_id = log_trip(_ledger(ctx), _state(ctx).actor, fields)
    typer.echo(f"已登记外出招商：{'、'.join(persons or [])} {date_from} 至 {date_to} 赴{dest.strip()}")
    typer.echo(trip_id)


@trip_app.command("list")
def trip_list(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="只看这个月有外出的行程（YYYY-MM）"),
    person: str | None = typer.Option(None, "--person", help="只看这个人的行程"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出外出招商行程。"""
    from zhaoshang.services.trips import list_trips

    _check_format(format)
    trips = list_trips(_ledger(ctx), month=month, person=person)
    if format == "json":
        emit_json(trips)
        return
    emit_table(
        "外出招商",
        ["编号", "出发", "返回", "天数", "人员", "目的地", "区域", "事由", "走访企业", "关联项目"],
        [
            [
                t["id"],
                t["from"],
                t["to"],
                t["days"],
                "、".join(t["persons"]),
                t["dest"],
                t["region"],
                t["purpose"],
                t["companies"],
                "、".join(t["projects"]),
            ]
            for t in trips
        ],
        caption=f"共 {len(trips)} 次行程",
    )


@trip_app.command("edit")
def trip_edit(
    ctx: typer.Context,
    trip_id: str = typer.Argument(..., help="行程编号"),
    persons: list[str] | None = typer.Option(None, "--person", metavar="<str>", help="外出人员；给出则替换原名单"),
    date_from: str | None = typer.Option(None, "--from", help="出发日期"),
    date_to: str | None = typer.Option(None, "--to", help="返回日期"),
    dest: str | None = typer.Option(None, "--dest", help="目的地"),
    region: str | None = typer.Option(None, "--region", help=_REGION_HELP + "；空字符串表示清除"),
    purpose: str | None = typer.Option(None, "--purpose", help="事由；空字符串表示清除"),
    companies: str | None = typer.Option(None, "--companies", help="走访企业；空字符串表示清除"),
    projects: list[str] | None = typer.Option(
        None, "--project", metavar="<str>", help='关联项目；给出则替换原列表，--project "" 清除'
    ),
    long: bool = typer.Option(False, "--long", help="允许超过62天的行程"),
) -> None:
    """修改外出招商行程（只改给出的字段）。"""
    from zhaoshang.services.trips import edit_trip

    fields = _trip_fields(persons, date_from, date_to, dest, region, purpose, companies, projects, long)
    row = edit_trip(_ledger(ctx), _state(ctx).actor, trip_id, fields)
    typer.echo(f"行程 {row['id']} 已修改。")


@trip_app.command("delete")
def trip_delete(ctx: typer.Context, trip_id: str = typer.Argument(..., help="行程编号")) -> None:
    """删除外出招商行程（删除记入审计日志，可追溯）。"""
    from zhaoshang.services.trips import delete_trip

    row = delete_trip(_ledger(ctx), _state(ctx).actor, trip_id)
    typer.echo(f"行程 {row['id']}（{row['date_from']} 至 {row['date_to']} 赴{row['dest']}）已删除。")


def _trip_days_outcome(row) -> str:
    if row.passed is False:
        return f"未达标（差{row.shortfall}天）"
    if row.passed:
        return "达标"
    if row.minimum is None:
        return "未设定目标" if row.target_unset else "无天数要求"
    if not row.held_throughout:
        return "不考核（未全月任职）"
    return "进行中（已满最低天数）" if row.days >= row.minimum else f"进行中（还需{row.minimum - row.days}天）"


def _trip_days_caption(rows) -> str:
    counts = [("未达标", sum(row.passed is False for row in rows)), ("达标", sum(row.passed is True for row in rows))]
    in_progress = sum(row.in_progress and row.minimum is not None and row.held_throughout for row in rows)
    counts += [("进行中", in_progress)] if in_progress else []
    caption = f"共 {len(rows)} 人：" + "，".join(f"{label} {count} 人" for label, count in counts)
    return caption + "，其余不考核"


def _unset_trip_targets_hint(ledger, rows, year: int) -> str | None:
    """How to set the year's missing minimums (a line of its own: a caption would wrap the command)."""
    from zhaoshang.services.quota_data import target_years
    from zhaoshang.services.trips import ROLE_METRICS

    unset = sorted({ROLE_METRICS[row.role] for row in rows if row.target_unset})
    if not unset:
        return None
    hint = f"提示：{year}年未设定每月外出招商天数下限（{'、'.join(unset)}），设定：zs target set {unset[0]} 天数 --year {year}"
    earlier = [other for other in target_years(ledger) if other < year]
    if earlier:
        hint += f"；或沿用{earlier[-1]}年的全部目标：zs target copy --from {earlier[-1]} --to {year}"
    return hint


@trip_app.command("days")
def trip_days(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="月份（YYYY-MM）"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="截至日期；默认今天。当月未过完（或尚未开始）显示为进行中，不判未达标"
    ),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """每人当月外出招商天数、最低天数及是否达标；按单位分组，未达标者排在前面。

    天数只计到截至日期；月末晚于截至日期的月份为进行中，不判未达标。
    JSON 的 passed：无天数要求（班子成员、工作人员）、未设定目标、当月未全月任职或进行中时为 null。
    """
    from zhaoshang.errors import InputError
    from zhaoshang.parsing import ROLE_LABELS, parse_date, parse_month
    from zhaoshang.services.trips import month_trip_days

    _check_format(format)
    if month is None:
        raise InputError("月份（--month）：必须填写", "例如：zs trip days --month 2024-03")
    as_of_date = parse_date(as_of, "截至日期（--as-of）") if as_of else date.today()
    ledger = _ledger(ctx)
    rows = month_trip_days(ledger, month, as_of_date)
    if format == "json":
        emit_json([row.as_json() for row in rows])
        return
    year, month_number = parse_month(month)
    table_rows, previous_unit = [], None
    for row in rows:
        # The unit is written once per group, so that the table reads unit by unit.
        unit = row.unit if row.unit != previous_unit else ""
        previous_unit = row.unit
        table_rows.append([unit, row.person, ROLE_LABELS[row.role], row.days, row.minimum, _trip_days_outcome(row)])
    in_progress = any(row.in_progress for row in rows)
    emit_table(
        f"{year}年{month_number}月外出招商天数" + (f"（截至{as_of_date.isoformat()}，进行中）" if in_progress else ""),
        ["单位", "姓名", "职务类别", "外出天数", "最低天数", "结果"],
        table_rows,
        caption=_trip_days_caption(rows),
    )
    hint = _unset_trip_targets_hint(ledger, rows, year)
    if hint:
        typer.echo(hint)


# --- targets, indicators, funds, buildings, meetings, checks (issue 4) -------------------


_YEAR_FILTER_HELP = "只看这一年度"


def _money_cell(wan: Decimal | None) -> str | None:
    return None if wan is None else _amount_cell(wan)


# ignore_unknown_options: a negative figure (-2.5) is a value, not an option.
@target_app.command("set", context_settings={"ignore_unknown_options": True})
def target_set(
    ctx: typer.Context,
    metric: str = typer.Argument(..., help="规则代码，如 ZS101；或 代码.部分，如 ZS305.guidance、ZS403.unstarted_days"),
    value: str = typer.Argument(..., help="数值：个数/天数为整数，比率写 0.75 或 75%，金额写 330亿"),
    year: str = typer.Option(..., "--year", help="年度"),
    unit: str | None = typer.Option(None, "--unit", help="单位（任务分解）；不写为全区目标"),
) -> None:
    """设定年度目标或每月外出天数下限（可分解到单位）。"""
    from zhaoshang.services.quota_data import set_target

    target = set_target(_ledger(ctx), _state(ctx).actor, metric, value, year, unit)
    whom = f"{target['unit']}的" if target["unit"] else "全区"
    was = "" if target["previous"] is None else f"（原为 {_text(target['previous'])}）"
    typer.echo(f"已设定{target['year']}年{whom}目标 {target['metric']} {target['label']}：{target['display']}{was}")


@target_app.command("copy")
def target_copy(
    ctx: typer.Context,
    source: str = typer.Option(..., "--from", help="从这一年度复制，如 2024"),
    destination: str = typer.Option(..., "--to", help="复制到这一年度，如 2025"),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="目标年度已有的同一指标（同一单位）也改为源年度的值；默认保留"
    ),
) -> None:
    """把一个年度的全部目标（全区及分解到单位的）复制到另一年度；已有的默认保留。"""
    from zhaoshang.services.quota_data import copy_targets

    copied = copy_targets(_ledger(ctx), _state(ctx).actor, source, destination, overwrite)
    text = f"已将{copied['from']}年目标复制到{copied['to']}年：新增{copied['copied']}项，保留已有{copied['kept']}项"
    if overwrite:
        text += f"，覆盖{copied['overwritten']}项"
    elif copied["kept"]:
        text += f"（要改为{copied['from']}年的值，加 --overwrite）"
    typer.echo(text)


@target_app.command("list")
def target_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出年度目标。"""
    from zhaoshang.services.quota_data import list_targets

    _check_format(format)
    _emit_listing(
        format, list_targets(_ledger(ctx), year), ("year", "metric", "label", "unit", "value"),
        "年度目标", ["年度", "指标", "名称", "单位", "目标"], lambda t: [t["year"], t["metric"], t["label"], t["unit"] or "全区", t["display"]],
    )  # fmt: skip


@indicator_app.command("set", context_settings={"ignore_unknown_options": True})
def indicator_set(
    ctx: typer.Context,
    metric: str = typer.Argument(..., help="output|value_added_growth|new_enterprises|investment_pull"),
    value: str = typer.Argument(
        ...,
        help="年初至该月累计：output 为金额（如 260亿），value_added_growth 为 %，new_enterprises 为家数，investment_pull 为个百分点",
    ),
    month: str = typer.Option(..., "--month", help="月份，如 2024-09"),
) -> None:
    """登记统计局发布的月度累计指标（同月同指标再登记即更正）。"""
    from zhaoshang.services.quota_data import set_indicator

    indicator = set_indicator(_ledger(ctx), _state(ctx).actor, metric, value, month)
    typer.echo(f"已登记 {indicator['month']} {indicator['label']}：{indicator['display']}")


@indicator_app.command("list")
def indicator_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出统计指标。"""
    from zhaoshang.services.quota_data import list_indicators

    _check_format(format)
    _emit_listing(
        format, list_indicators(_ledger(ctx), year), ("month", "metric", "label", "value"),
        "统计指标（年初至当月累计）", ["月份", "指标", "名称", "数值"], lambda r: [r["month"], r["metric"], r["label"], r["display"]],
    )  # fmt: skip


@fund_app.command("add")
def fund_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="基金名称"),
    kind: str = typer.Option(..., "--kind", help="guidance|angel（或 产业引导基金|天使基金）"),
    on: str = typer.Option(..., "--on", help="组建日期"),
    unit: str | None = typer.Option(None, "--unit", help="牵头单位"),
    amount: str | None = typer.Option(None, "--amount", help="基金规模，如 5亿"),
) -> None:
    """登记组建的产业引导基金或天使基金。"""
    from zhaoshang.services.quota_data import add_fund

    fund = add_fund(_ledger(ctx), _state(ctx).actor, name, kind, on, unit, amount)
    typer.echo(f"已登记{fund['kind_label']}：{fund['name']}（{fund['set_up_on']} 组建）")


@fund_app.command("list")
def fund_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出基金。"""
    from zhaoshang.services.quota_data import list_funds

    _check_format(format)
    _emit_listing(
        format, list_funds(_ledger(ctx), year), ("name", "kind", "set_up_on", "unit", "amount"),
        "基金", ["名称", "类型", "组建日期", "牵头单位", "规模（万元）"],
        lambda f: [f["name"], f["kind_label"], f["set_up_on"], f["unit"], _money_cell(f["amount"])],
    )  # fmt: skip


@building_app.command("set")
def building_set(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="楼宇名称"),
    unit: str = typer.Option(..., "--unit", help="所在镇、街道"),
    year: str = typer.Option(..., "--year", help="年度"),
    revenue: str = typer.Option(..., "--revenue", help="全年营业收入，如 1.2亿"),
    tax: str = typer.Option(..., "--tax", help="全年税收，如 1500万"),
) -> None:
    """登记镇街总部经济楼宇某年度的营业收入和税收（同名同年再登记即更正）。"""
    from zhaoshang.services.quota_data import set_building

    building = set_building(_ledger(ctx), _state(ctx).actor, name, unit, year, revenue, tax)
    typer.echo(
        f"已登记总部经济楼宇：{building['name']}（{building['unit']}，{building['year']}年，"
        f"营业收入{_amount_cell(building['revenue'])}万元，税收{_amount_cell(building['tax'])}万元）"
    )


@building_app.command("list")
def building_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出总部经济楼宇。"""
    from zhaoshang.services.quota_data import list_buildings

    _check_format(format)
    _emit_listing(
        format, list_buildings(_ledger(ctx), year), ("name", "unit", "year", "revenue", "tax"),
        "总部经济楼宇", ["年度", "镇街", "楼宇", "营业收入（万元）", "税收（万元）"],
        lambda b: [b["year"], b["unit"], b["name"], _money_cell(b["revenue"]), _money_cell(b["tax"])],
    )  # fmt: skip


@meeting_app.command("add")
def meeting_add(
    ctx: typer.Context,
    kind: str = typer.Option(..., "--kind", help="dispatch|project（或 调度会|推进会）"),
    on: str = typer.Option(..., "--on", help="会议日期"),
    title: str | None = typer.Option(None, "--title", help="会议名称"),
) -> None:
    """登记召开的招商引资工作调度会或项目推进会。"""
    from zhaoshang.services.quota_data import add_meeting

    meeting = add_meeting(_ledger(ctx), _state(ctx).actor, kind, on, title)
    typer.echo(
        f"已登记{meeting['kind_label']}：{meeting['held_on']}" + (f" {meeting['title']}" if meeting["title"] else "")
    )


@meeting_app.command("list")
def meeting_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出会议。"""
    from zhaoshang.services.quota_data import list_meetings

    _check_format(format)
    _emit_listing(
        format, list_meetings(_ledger(ctx), year), ("held_on", "kind", "title"),
        "会议", ["日期", "类型", "名称"], lambda m: [m["held_on"], m["kind_label"], m["title"]],
    )  # fmt: skip


def _failures_first(results: list) -> list:
    """Grouped by rule: rules with a failure first (errors before warnings), then the others,
    each in code order; within a rule its failures first."""
    order: dict[str, int] = {}
    for result in results:
        order.setdefault(result.code, len(order))
    failing = {result.code: 0 if result.severity == "error" else 1 for result in results if not result.passed}
    return sorted(results, key=lambda result: (failing.get(result.code, 2), order[result.code], result.passed))


def _result_cells(result) -> list[str]:
    from zhaoshang.rules.results import figure, unit_word

    word = unit_word(result.metric or result.code)
    return [figure(result.kind, result.actual, word), figure(result.kind, result.target, word),
            figure(result.kind, result.expected, word) if result.expected is not None else ""]  # fmt: skip


def _summary_line(report) -> str:
    from collections import Counter

    from zhaoshang.rules import STATUS_LABELS
    from zhaoshang.rules.results import progress_text

    counts = Counter(result.status for result in report.results)
    statuses = "、".join(f"{label}{counts[status]}" for status, label in STATUS_LABELS.items() if counts[status])
    unjudged = sum(map(_unjudged_error, report.results))
    verdict = "通过" if report.ok else "未通过"
    return (
        f"{report.as_of}（序时进度{progress_text(report.progress)}）检查{len(report.results)}项：{statuses or '无'}；"
        f"未通过的错误{report.errors}项、警告{report.warnings}项"
        + (f"；错误级无数据{unjudged}项（未判定，请补录数据或目标）" if unjudged else "")
        + f" —— {verdict}"
    )


def _unjudged_error(result) -> bool:
    """An error-severity result with no data (no target for the year, no figures yet): not judged,
    so it cannot fail — and a cron job that heard nothing would take silence for a pass."""
    return result.status == "no_data" and result.severity == "error"


def _emit_report_json(data: dict) -> None:
    """Design §3's object, one result per line: as readable as `emit_json`, and written by json's
    C encoder (indent= falls back to the pure-Python one, seconds on a city's ledger)."""

    encode = json.JSONEncoder(ensure_ascii=False).encode

    def value(key: str, item: Any) -> str:
        if key != "results" or not item:
            return encode(item)
        return "[\n" + ",\n".join("    " + encode(result) for result in item) + "\n  ]"

    typer.echo("{\n" + ",\n".join(f"  {json.dumps(key)}: {value(key, item)}" for key, item in data.items()) + "\n}")


@check_app.command("quotas")
def check_quotas(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="检查日期；默认今天"),
    select: str | None = typer.Option(None, "--select", help="只检查这些规则：逗号分隔的代码前缀，如 ZS1,ZS201"),
    ignore: str | None = typer.Option(None, "--ignore", help="不检查这些规则：逗号分隔的代码前缀；最长的前缀优先"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="有未通过的错误也以 0 退出"),
    quiet: bool = typer.Option(
        False,
        "-q",
        "--quiet",
        help="表格只输出未通过的项和无数据（未判定）的错误级项；全部通过时什么也不输出（供 cron 发邮件）。--format json 不受影响，总是输出完整结果",
    ),
) -> None:
    """对照意见检查考核指标。退出码：0 通过，1 有错误级未通过，2 输入有误。"""
    from zhaoshang.parsing import parse_date
    from zhaoshang.rules import REGISTRY, run_checks
    from zhaoshang.rules.results import SEVERITY_LABELS, progress_text

    _check_format(format)
    as_of_date = parse_date(as_of, "检查日期（--as-of）") if as_of else date.today()
    REGISTRY.select(select, ignore)  # a bad code is exit 2 before the ledger is opened
    with _ledger(ctx).read() as connection:
        report = run_checks(connection, as_of_date, select, ignore)
    if format == "json":  # a stable interface: one whole object, whatever -q says
        _emit_report_json(report.to_json())
    elif quiet:
        shown = [result for result in report.results if not result.passed or _unjudged_error(result)]
        for result in _failures_first(shown):
            subject = f"（{result.subject}）" if result.subject else ""
            typer.echo(
                f"{result.code} {SEVERITY_LABELS[result.severity]} {result.title}{subject} {result.period} {result.status_label}：{result.message}"
            )
        if shown:
            typer.echo(_summary_line(report))
    else:
        emit_table(
            f"考核指标检查：截至 {report.as_of}，序时进度 {progress_text(report.progress)}",
            ["代码", "级别", "规则", "对象", "期间", "实际", "目标", "序时目标", "状态", "说明"],
            [[r.code, SEVERITY_LABELS[r.severity], r.title, r.subject, r.period, *_result_cells(r), r.status_label, r.message]
             for r in _failures_first(report.results)],
        )  # fmt: skip
        typer.echo(_summary_line(report))
    if not report.ok and not exit_zero:
        raise typer.Exit(1)


@check_app.command("explain")
def check_explain(ctx: typer.Context, code: str = typer.Argument(..., help="规则代码，如 ZS101")) -> None:
    """说明一条规则：检查什么、依据意见哪一条、怎样计算。"""
    from zhaoshang.rules import REGISTRY
    from zhaoshang.rules.results import SEVERITY_LABELS

    rule = REGISTRY.get(code)
    typer.echo(f"{rule.code} {rule.title}（{rule.name}）")
    typer.echo(f"条款：{rule.clause}　级别：{SEVERITY_LABELS[rule.severity]}（{rule.severity}）")
    typer.echo("")
    typer.echo(rule.doc)


@check_app.command("rules")
def check_rules(ctx: typer.Context, format: str = typer.Option("table", "--format", help=FORMAT_HELP)) -> None:
    """列出全部规则。"""
    from zhaoshang.rules import REGISTRY
    from zhaoshang.rules.results import SEVERITY_LABELS

    _check_format(format)
    rules = [
        {"code": r.code, "name": r.name, "title": r.title, "clause": r.clause, "severity": r.severity} for r in REGISTRY
    ]
    if format == "json":
        emit_json(rules)
        return
    emit_table(
        "规则",
        ["代码", "名称", "规则", "条款", "级别"],
        [[r["code"], r["name"], r["title"], r["clause"], SEVERITY_LABELS[r["severity"]]] for r in rules],
    )


# --- reports (issue 5) ------------------------------------------------------------------

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

    _check_format(format)
    if xlsx is not None:
        from zhaoshang.reports.xlsx import check_output

        check_output(xlsx, force)  # a bad path is refused before the figures are computed
    with _ledger(ctx).read() as connection:
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


# --- import and export (issue 6) --------------------------------------------------------

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


def _echo_listed(title: str, lines: list[str]) -> None:
    if not lines:
        return
    typer.echo(title)
    for line in lines[:_LISTED_MAX]:
        typer.echo(f"  {line}")
    if len(lines) > _LISTED_MAX:
        typer.echo(f"  ……共 {len(lines)} 条")


@import_app.command("projects")
def import_projects_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="Excel 台账（.xlsx）"),
    sheet: str | None = typer.Option(None, "--sheet", help="工作表名称；默认第一个认得出表头的工作表"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查，列出将新增和更新的项目，不写入"),
    mapping: list[str] | None = typer.Option(
        None,
        "--map",
        metavar="'列名=字段'",
        help="指明一列的含义（字段如 investor、amount、leader，或 ignore 忽略这一列），可多次使用",
    ),
) -> None:
    """从 Excel 台账导入项目：自动找表头，逐行校验，全部无误才写入；再次导入同一项目时更新而不重复。"""
    from zhaoshang.transfer.importer import import_projects

    progress = _ImportProgress()
    try:
        report = import_projects(
            _ledger(ctx),
            _state(ctx).actor,
            file,
            sheet=sheet,
            dry_run=dry_run,
            mapping=mapping or [],
            progress=progress,
        )
    finally:
        progress.close()
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
    _echo_listed("只填了月份的日期，按当月1日登记：", report.month_only)
    _echo_listed("跳过的行：", sheet_read.skipped)
    if report.dry_run:
        _echo_listed("将新增：", [f"第{row.row}行 {row.code or '（自动编号）'} {row.name}" for row in report.added])
    _echo_listed(
        "将更新：" if report.dry_run else "已更新：",
        [f"第{row.row}行 {row.code} {row.name}：{'；'.join(row.changes)}" for row in report.updated],
    )
    counts = f"新增 {len(report.added)} 个项目，更新 {len(report.updated)} 个，未变 {report.unchanged} 个"
    typer.echo(f"试运行：将{counts}；没有写入。" if report.dry_run else f"已导入：{counts}。")


@export_app.command("projects")
def export_projects_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="导出的 Excel 文件（.xlsx）"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
) -> None:
    """把项目台账导出为 Excel：标题行、中文表头、每个项目一行，可原样导入。"""
    from zhaoshang.transfer.exporter import export_projects

    count = export_projects(_ledger(ctx), file, force=force)
    typer.echo(f"已导出 {count} 个项目到 {file}")


# --- audit and the file -----------------------------------------------------------------


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    project: str | None = typer.Option(None, "--project", help="只看这个项目的记录"),
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
    """检查账本文件的完整性、外键和数据表。"""
    from zhaoshang.db import missing_tables

    ledger = _ledger(ctx)
    with ledger.read() as connection:
        integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        foreign = list(connection.exec_driver_sql("PRAGMA foreign_key_check"))
    problems = [line for line in integrity if line != "ok"] + [
        f"{row[0]} 第{row[1]}行引用了不存在的 {row[2]}" for row in foreign
    ]
    problems += [f"缺少数据表 {table}" for table in missing_tables(ledger)]
    if problems:
        for problem in problems:
            typer.echo(f"问题：{problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"账本完好：{ledger.path}")


def run() -> None:  # pragma: no cover - `python -m zhaoshang` and the console script
    app(prog_name="zs")


if __name__ == "__main__":  # pragma: no cover
    run()
