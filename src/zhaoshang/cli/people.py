"""`zs unit …` and `zs person …`: responsible units and the persons in them."""

from __future__ import annotations

import typer

from zhaoshang.cli.app import ZsTyper, global_options, open_ledger
from zhaoshang.cli.render import (
    FORMAT_HELP,
    check_format,
    emit_listing,
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
    """列出全部人员。"""
    from zhaoshang.services.units import list_persons

    check_format(format)
    emit_listing(
        format, list_persons(open_ledger(ctx)), ("name", "unit", "role", "role_label", "since", "until"),
        "人员", ["姓名", "单位", "职务类别", "任职起", "任职止"], lambda p: [p["name"], p["unit"], p["role_label"], p["since"], p["until"]],
    )  # fmt: skip
