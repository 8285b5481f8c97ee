"""`zs project …`: projects from first lead to production."""

from __future__ import annotations

import sys
from decimal import Decimal

import typer

from zhaoshang.cli.app import ZsTyper, global_options, open_ledger
from zhaoshang.cli.render import (
    FORMAT_HELP,
    WIDE_HELP,
    amount_cell,
    check_format,
    csv_text,
    emit_json,
    emit_table,
    emit_warnings,
)

project_app = ZsTyper(help="招商引资项目：从在谈到投产。", no_args_is_help=True)


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
    lead: str | None,
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
        origin=origin, leader=leader, handler=handler, lead=lead, signed=signed, started=started, included=included,
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
    lead: str | None = typer.Option(None, "--lead", help="在谈日期（开始洽谈之日）；不写为录入之日"),
    signed: str | None = typer.Option(None, "--signed", help="签约日期"),
    started: str | None = typer.Option(None, "--started", help="开工日期"),
    included: str | None = typer.Option(None, "--included", help="纳统日期"),
    completed: str | None = typer.Option(None, "--completed", help="竣工日期"),
    producing: str | None = typer.Option(None, "--producing", help="投产日期"),
    note: str | None = typer.Option(None, "--note", help="备注"),
) -> None:
    """新增项目；最后一行输出项目编号。"""
    from zhaoshang.services.lookalikes import alike_project_warnings
    from zhaoshang.services.projects import add_project

    fields = _project_options(
        name, unit, amount, code, investor, industry, channel, origin, leader, handler,
        lead, signed, started, included, completed, producing, note,
    )  # fmt: skip
    ledger = open_ledger(ctx)
    project_code = add_project(ledger, global_options(ctx).actor, fields)
    typer.echo(f"已新增项目：{name.strip()}")
    typer.echo(project_code)
    emit_warnings(ledger, alike_project_warnings, project_code)


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

    row = advance_project(open_ledger(ctx), global_options(ctx).actor, code, stage, on, note)
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
    lead: str | None = typer.Option(None, "--lead", help="在谈日期（开始洽谈之日）"),
    signed: str | None = typer.Option(None, "--signed", help="签约日期"),
    started: str | None = typer.Option(None, "--started", help="开工日期"),
    included: str | None = typer.Option(None, "--included", help="纳统日期"),
    completed: str | None = typer.Option(None, "--completed", help="竣工日期"),
    producing: str | None = typer.Option(None, "--producing", help="投产日期"),
    note: str | None = typer.Option(None, "--note", help="备注"),
) -> None:
    """修改项目的字段（只改给出的字段）。"""
    from zhaoshang.services.linked_dates import linked_rows_out_of_dates
    from zhaoshang.services.projects import edit_project

    fields = _project_options(
        name, unit, amount, new_code, investor, industry, channel, origin, leader, handler,
        lead, signed, started, included, completed, producing, note,
    )  # fmt: skip
    ledger = open_ledger(ctx)
    row = edit_project(ledger, global_options(ctx).actor, code, fields)
    typer.echo(f"项目 {row['code']} 已修改。")
    emit_warnings(ledger, linked_rows_out_of_dates, row["code"])


def _status_change(ctx: typer.Context, code: str, status: str, reason: str | None, on: str | None) -> None:
    from zhaoshang.services.projects import set_status
    from zhaoshang.services.status import EVENT_LABELS

    ledger = open_ledger(ctx)
    row = set_status(ledger, global_options(ctx).actor, code, status, reason, on)
    events = {"stalled": "停滞", "active": "恢复推进", "terminated": "终止"}
    day = on.strip() if on else "今天"
    typer.echo(f"项目 {row['code']} 已记录{EVENT_LABELS[status]}：自 {day} 起{events[status]}。")
    if status == "terminated":
        from zhaoshang.services.linked_dates import linked_rows_out_of_dates

        emit_warnings(ledger, linked_rows_out_of_dates, row["code"])


@project_app.command("stall")
def project_stall(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    reason: str = typer.Option(..., "--reason", help="停滞原因"),
    on: str | None = typer.Option(None, "--on", help="停滞开始日期；默认今天"),
) -> None:
    """标记项目停滞（自 --on 起；补记以往的停滞写当时的日期）。"""
    _status_change(ctx, code, "stalled", reason, on)


@project_app.command("resume")
def project_resume(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    on: str | None = typer.Option(None, "--on", help="恢复日期；默认今天"),
) -> None:
    """恢复停滞的项目（自 --on 起不再停滞）。"""
    _status_change(ctx, code, "active", None, on)


@project_app.command("terminate")
def project_terminate(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    reason: str = typer.Option(..., "--reason", help="终止原因"),
    on: str | None = typer.Option(None, "--on", help="终止日期；默认今天"),
) -> None:
    """终止项目：自终止日期起不再计入考核，此前的考核照计。"""
    _status_change(ctx, code, "terminated", reason, on)


@project_app.command("delete")
def project_delete(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    reason: str = typer.Option(..., "--reason", help="删除原因（如：误录）"),
    unlink: bool = typer.Option(
        False, "--unlink", help="连同关联一并删除：行程中的关联项目，项目的完成投资、问题、现场查看记录"
    ),
) -> None:
    """删除误录的项目（不是真实项目）；有行程、完成投资、问题、现场查看等关联时须加 --unlink。真实项目不再推进请用 terminate。"""
    from zhaoshang.services.retire import delete_project

    deleted = delete_project(open_ledger(ctx), global_options(ctx).actor, code, reason, unlink)
    unlinked = "，".join(
        f"一并删除{count}条{label}" if owned else f"解除{count}条{label}的关联"
        for label, count, owned in deleted["unlinked"]
    )
    typer.echo(f"项目 {deleted['code']}（{deleted['name']}）已删除{'；' + unlinked if unlinked else ''}。")


@project_app.command("merge")
def project_merge(
    ctx: typer.Context,
    keep: str = typer.Argument(..., help="保留的项目编号"),
    dup: str = typer.Argument(..., help="重复的项目编号（并入后移除）"),
    reason: str = typer.Option(..., "--reason", help="合并原因"),
    unit: str | None = typer.Option(None, "--unit", help="合并后的责任单位；默认取签约较早的一方"),
) -> None:
    """把重复登记的项目 DUP 并入 KEEP：在谈和各阶段日期取较早的，总投资取较大的，KEEP 的空字段用 DUP 的补上，
    DUP 的关联（外出招商行程、完成投资、问题、现场查看）转到 KEEP（同一月份两边都有完成投资的取较大的），DUP 移除。"""
    from zhaoshang.services.retire import merge_projects

    merged = merge_projects(open_ledger(ctx), global_options(ctx).actor, keep, dup, reason, unit)
    typer.echo(f"项目 {merged['dup']} 已并入 {merged['keep']}。")
    for change in merged["changes"]:
        typer.echo(f"  {change['label']}：{_shown(change['before'])} → {_shown(change['after'])}")
    for link in merged["moved"]:
        both = f"（其中{link['folded']}条两边都有，合为一条" + ("，取较大的数值）" if link["larger"] else "）")
        typer.echo(f"  转入{link['moved']}条{link['label']}" + (both if link["folded"] else ""))


def _shown(value) -> str:
    if isinstance(value, Decimal):
        return amount_cell(value)
    return "空" if value is None else str(value)


@project_app.command("distinct")
def project_distinct(
    ctx: typer.Context,
    first: str = typer.Argument(..., help="项目编号"),
    second: str = typer.Argument(..., help="另一个项目编号"),
    reason: str = typer.Option(..., "--reason", help="为何是两个项目"),
) -> None:
    """说明两个名称相近的项目确是两个项目：ZS404 不再把它们当作重复签约。"""
    from zhaoshang.services.retire import distinct_projects

    pair = distinct_projects(open_ledger(ctx), global_options(ctx).actor, first, second, reason)
    typer.echo(f"已记录：{pair['first']} 与 {pair['second']} 是两个项目，不再提示重复签约。")


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


# The stage dates a narrow terminal leaves out, the first first: the later stages, then the earlier.
_NARROW_DROPS = ("included", "completed", "producing", "started", "signed")


@project_app.command("list")
def project_list(
    ctx: typer.Context,
    stage: str | None = typer.Option(None, "--stage", help="当前阶段：lead|" + _STAGE_HELP),
    unit: str | None = typer.Option(None, "--unit", help="责任单位"),
    year: str | None = typer.Option(None, "--year", help="签约年度"),
    format: str = typer.Option("table", "--format", help="输出格式：table、json 或 csv"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出项目。终端较窄时只列编号、名称、单位、总投资、阶段和状态，--wide 列出全部。"""
    from zhaoshang.services.projects import list_projects

    check_format(format, ("table", "json", "csv"))
    projects = list_projects(open_ledger(ctx), stage=stage, unit=unit, year=year)
    if format == "json":
        emit_json(projects)
    elif format == "csv":
        import csv

        # A BOM so that Excel opens the Chinese text correctly.
        sys.stdout.write("\ufeff")
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow([label for _, label in PROJECT_COLUMNS])
        for project in projects:
            out.writerow([csv_text(project[key]) for key, _ in PROJECT_COLUMNS])
    else:
        labels = dict(PROJECT_COLUMNS)
        total = sum((p["amount"] for p in projects), Decimal(0))
        emit_table(
            "项目",
            [labels[key] for key in _TABLE_PROJECT_KEYS],
            [[amount_cell(p[key]) if key == "amount" else p[key] for key in _TABLE_PROJECT_KEYS] for p in projects],
            caption=f"共 {len(projects)} 个项目，总投资 {amount_cell(total)} 万元",
            optional=[labels[stage] for stage in _NARROW_DROPS],
            wide=wide,
        )


@project_app.command("show")
def project_show(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """查看一个项目。"""
    from zhaoshang.services.projects import show_project

    check_format(format)
    project = show_project(open_ledger(ctx), code)
    if format == "json":
        emit_json(project)
        return
    rows = [[label, amount_cell(project[key]) if key == "amount" else project[key]] for key, label in PROJECT_COLUMNS]
    rows.insert([key for key, _ in PROJECT_COLUMNS].index("signed"), ["在谈日期", project["lead"]])
    rows += [
        ["状态记录", f"{event['since']} {event['label']}" + (f"：{event['reason']}" if event["reason"] else "")]
        for event in project["status_history"]
    ]
    rows += [
        [f"完成投资 {month['month']}", f"{amount_cell(month['invested'])} 万元"] for month in project["investment"]
    ]
    rows += [
        ["现场查看", f"#{seen['id']} {seen['on']} {seen['result_label']}（{seen['by']}）" + (f"：{seen['note']}" if seen["note"] else "")]
        for seen in project["inspections"]
    ]  # fmt: skip
    rows += [
        ["项目问题", f"#{problem['id']} {problem['raised_on']} {problem['text']}（{problem['unit']}，时限 {problem['due_on']}，"
                    + (f"{problem['resolved_on']} 解决）" if problem["resolved_on"] else "未解决）")]
        for problem in project["problems"]
    ]  # fmt: skip
    emit_table(f"项目 {project['code']}", ["字段", "内容"], rows)


@project_app.command("invest")
def project_invest(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    month: str = typer.Option(..., "--month", help="月份（YYYY-MM）"),
    amount: str = typer.Option(
        ..., "--amount", help="当月实际完成投资：3000万、0.3亿 或 3000（万元）；0 表示当月没有投资"
    ),
) -> None:
    """登记项目某月的实际完成投资（（十六））；同一月份再次登记即更正。"""
    from zhaoshang.services.investment import set_investment

    done = set_investment(open_ledger(ctx), global_options(ctx).actor, code, month, amount)
    was = "" if done["previous"] is None else f"（原为 {amount_cell(done['previous'])} 万元）"
    typer.echo(f"已登记项目 {done['code']} {done['month']} 实际完成投资 {amount_cell(done['invested'])} 万元{was}")


@project_app.command("inspect")
def project_inspect(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    on: str = typer.Option(..., "--on", help="查看日期"),
    by: str = typer.Option(..., "--by", help="查看人员，如 王敏、李强（区住建局）"),
    result: str = typer.Option(..., "--result", help="查看结果：属实|部分属实|不属实（或 confirmed|partly|refuted）"),
    note: str | None = typer.Option(None, "--note", help="备注：看到的建设情况"),
) -> None:
    """登记对已开工项目的现场查看（（十八））；查看属实即开工经核实，不属实的由 ZS407 立即预警。"""
    from zhaoshang.services.inspections import inspect_project

    seen = inspect_project(open_ledger(ctx), global_options(ctx).actor, code, on, by, result, note)
    typer.echo(f"已登记现场查看 #{seen['id']}：项目 {seen['code']} {seen['inspected_on']} {seen['result_label']}")
