"""`zs target|indicator|fund|building|meeting …`: what the quota rules read besides projects and trips."""

from __future__ import annotations

from decimal import Decimal

import typer

from zhaoshang.cli.app import ZsTyper, global_options, open_ledger
from zhaoshang.cli.render import (
    FORMAT_HELP,
    amount_cell,
    cell_text,
    check_format,
    emit_listing,
)

target_app = ZsTyper(help="年度目标与每月外出天数下限（任务分解）。", no_args_is_help=True)
indicator_app = ZsTyper(help="统计局发布的月度累计指标。", no_args_is_help=True)
fund_app = ZsTyper(help="产业引导基金、天使基金。", no_args_is_help=True)
building_app = ZsTyper(help="镇街总部经济楼宇。", no_args_is_help=True)
meeting_app = ZsTyper(help="调度会、推进会。", no_args_is_help=True)


_YEAR_FILTER_HELP = "只看这一年度"


def _money_cell(wan: Decimal | None) -> str | None:
    return None if wan is None else amount_cell(wan)


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

    target = set_target(open_ledger(ctx), global_options(ctx).actor, metric, value, year, unit)
    whom = f"{target['unit']}的" if target["unit"] else "全区"
    was = "" if target["previous"] is None else f"（原为 {cell_text(target['previous'])}）"
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

    copied = copy_targets(open_ledger(ctx), global_options(ctx).actor, source, destination, overwrite)
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

    check_format(format)
    emit_listing(
        format, list_targets(open_ledger(ctx), year), ("year", "metric", "label", "unit", "value"),
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

    indicator = set_indicator(open_ledger(ctx), global_options(ctx).actor, metric, value, month)
    typer.echo(f"已登记 {indicator['month']} {indicator['label']}：{indicator['display']}")


@indicator_app.command("list")
def indicator_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出统计指标。"""
    from zhaoshang.services.quota_data import list_indicators

    check_format(format)
    emit_listing(
        format, list_indicators(open_ledger(ctx), year), ("month", "metric", "label", "value"),
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

    fund = add_fund(open_ledger(ctx), global_options(ctx).actor, name, kind, on, unit, amount)
    typer.echo(f"已登记{fund['kind_label']}：{fund['name']}（{fund['set_up_on']} 组建）")


@fund_app.command("list")
def fund_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出基金。"""
    from zhaoshang.services.quota_data import list_funds

    check_format(format)
    emit_listing(
        format, list_funds(open_ledger(ctx), year), ("name", "kind", "set_up_on", "unit", "amount"),
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

    building = set_building(open_ledger(ctx), global_options(ctx).actor, name, unit, year, revenue, tax)
    typer.echo(
        f"已登记总部经济楼宇：{building['name']}（{building['unit']}，{building['year']}年，"
        f"营业收入{amount_cell(building['revenue'])}万元，税收{amount_cell(building['tax'])}万元）"
    )


@building_app.command("list")
def building_list(
    ctx: typer.Context,
    year: str | None = typer.Option(None, "--year", help=_YEAR_FILTER_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
) -> None:
    """列出总部经济楼宇。"""
    from zhaoshang.services.quota_data import list_buildings

    check_format(format)
    emit_listing(
        format, list_buildings(open_ledger(ctx), year), ("name", "unit", "year", "revenue", "tax"),
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

    meeting = add_meeting(open_ledger(ctx), global_options(ctx).actor, kind, on, title)
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

    check_format(format)
    emit_listing(
        format, list_meetings(open_ledger(ctx), year), ("held_on", "kind", "title"),
        "会议", ["日期", "类型", "名称"], lambda m: [m["held_on"], m["kind_label"], m["title"]],
    )  # fmt: skip
