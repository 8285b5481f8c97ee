"""`zs unit …` and `zs person …`: responsible units and the persons in them."""

from __future__ import annotations

import typer

from zhaoshang.cli.app import ZsTyper, global_options, open_ledger
from zhaoshang.cli.render import (
    FORMAT_HELP,
    check_format,
    emit_json,
    emit_listing,
    emit_table,
)

unit_app = ZsTyper(help="责任单位。", no_args_is_help=True)
person_app = ZsTyper(help="人员（领导、单位负责人、工作人员）。", no_args_is_help=True)


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

    unit = add_unit(open_ledger(ctx), global_options(ctx).actor, name, kind)
    typer.echo(f"已新增单位：{unit['name']}（{KIND_LABELS[unit['kind']]}）")


@unit_app.command("list")
def unit_list(ctx: typer.Context, format: str = typer.Option("table", "--format", help=FORMAT_HELP)) -> None:
    """列出全部单位。"""
    from zhaoshang.services.units import list_units

    check_format(format)
    emit_listing(
        format, list_units(open_ledger(ctx)), ("name", "kind", "kind_label", "aliases", "persons"),
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

    person = add_person(open_ledger(ctx), global_options(ctx).actor, name, unit, role, since, until)
    typer.echo(f"已新增人员：{person['name']}（{person['unit']}，{ROLE_LABELS[person['role']]}）")


@person_app.command("list")
def person_list(ctx: typer.Context, format: str = typer.Option("table", "--format", help=FORMAT_HELP)) -> None:
    """列出全部人员及其最近的任职。"""
    from zhaoshang.services.units import list_persons

    check_format(format)
    emit_listing(
        format, list_persons(open_ledger(ctx)), ("id", "name", "unit", "role", "role_label", "since", "until"),
        "人员", ["姓名", "单位", "职务类别", "任职起", "任职止"], lambda p: [p["name"], p["unit"], p["role_label"], p["since"], p["until"]],
    )  # fmt: skip


_PERSON_HELP = "姓名，同名时写 姓名@单位（曾任职的单位均可）"


@person_app.command("show")
def person_show(
    ctx: typer.Context,
    person: str = typer.Argument(..., help=_PERSON_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """查看一个人员及其历任职务（单位、职务类别、起止日期）。"""
    from zhaoshang.services.units import show_person

    check_format(format)
    shown = show_person(open_ledger(ctx), person)
    if format == "json":
        emit_json(shown)
        return
    emit_table(
        f"{shown['name']}（#{shown['id']}）的任职",
        ["单位", "职务类别", "任职起", "任职止"],
        [[post["unit"], post["role_label"], post["since"] or "—", post["until"] or "至今"] for post in shown["posts"]],
    )


@person_app.command("edit")
def person_edit(
    ctx: typer.Context,
    person: str = typer.Argument(..., help=_PERSON_HELP),
    name: str | None = typer.Option(None, "--name", help="更正姓名"),
    unit: str | None = typer.Option(None, "--unit", help="更正最近任职的单位"),
    role: str | None = typer.Option(None, "--role", help="更正最近任职的职务类别"),
    since: str | None = typer.Option(None, "--since", help="更正最近任职的起始日期；空字符串表示不限"),
    until: str | None = typer.Option(None, "--until", help="更正最近任职的截止日期；空字符串表示仍在任"),
) -> None:
    """更正人员姓名或最近一次任职（录入错误）；列出因此考核方式变化的月份。

    换岗、调任用 zs person move，离任用 zs person leave：它们保留原来的任职记录。
    """
    from zhaoshang.services.units import PersonEdit, edit_person

    edited = edit_person(
        open_ledger(ctx), global_options(ctx).actor, person, PersonEdit(name, unit, role, since, until)
    )
    post = edited["post"]
    span = f"{post['since'] or '—'} 至 {post['until'] or '今'}"
    typer.echo(f"已修改：{edited['name']}（{post['unit']}，{post['role_label']}，{span}）")
    if not edited["months"]:
        typer.echo("外出招商考核的月份没有变化。")
        return
    typer.echo("外出招商考核方式变化的月份：")
    for run in edited["months"]:
        months = run["from"] if run["from"] == run["to"] else f"{run['from']} 至 {run['to']}"
        typer.echo(f"  {months}：{run['before']} → {run['after']}")


@person_app.command("move")
def person_move(
    ctx: typer.Context,
    person: str = typer.Argument(..., help=_PERSON_HELP),
    role: str = typer.Option(..., "--role", help="新职务类别：principal|deputy|head|member|staff（或中文）"),
    unit: str | None = typer.Option(None, "--unit", help="新单位；不写则在原单位"),
    on: str = typer.Option(..., "--on", help="新职务的起始日期；原职务到前一天为止"),
) -> None:
    """人员调动、换岗：原任职到 --on 的前一天为止，新任职从 --on 开始。"""
    from zhaoshang.parsing import ROLE_LABELS
    from zhaoshang.services.units import move_person

    moved = move_person(open_ledger(ctx), global_options(ctx).actor, person, role, on, unit)
    previous = moved["previous"]
    typer.echo(
        f"{moved['name']}：{previous.unit}{ROLE_LABELS[previous.role]} → {moved['unit']}{ROLE_LABELS[moved['role']]}，"
        f"自 {moved['since']} 起。"
    )


@person_app.command("leave")
def person_leave(
    ctx: typer.Context,
    person: str = typer.Argument(..., help=_PERSON_HELP),
    on: str = typer.Option(..., "--on", help="离任日期（任职的最后一天）"),
) -> None:
    """人员离任：最近一次任职到 --on 为止（含当天）。"""
    from zhaoshang.parsing import ROLE_LABELS
    from zhaoshang.services.units import leave_person

    left = leave_person(open_ledger(ctx), global_options(ctx).actor, person, on)
    typer.echo(f"{left['name']}：{left['unit']}{ROLE_LABELS[left['role']]}任职至 {left['until']} 止。")
