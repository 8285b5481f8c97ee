"""`zs trip …`: outbound investment trips and monthly trip days."""

from __future__ import annotations

from datetime import date

import typer

from zhaoshang.cli.app import ZsTyper, global_options, open_ledger
from zhaoshang.cli.render import (
    FORMAT_HELP,
    WIDE_HELP,
    check_format,
    emit_json,
    emit_table,
    emit_warnings,
)

trip_app = ZsTyper(help="外出招商：行程与每月天数。", no_args_is_help=True)


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
    from zhaoshang.services.lookalikes import same_trip_warnings
    from zhaoshang.services.trips import log_trip

    fields = _trip_fields(persons, date_from, date_to, dest, region, purpose, companies, projects, long)
    ledger = open_ledger(ctx)
    trip_id = log_trip(ledger, global_options(ctx).actor, fields)
    typer.echo(f"已登记外出招商：{'、'.join(persons or [])} {date_from} 至 {date_to} 赴{(dest or '').strip()}")
    typer.echo(trip_id)
    emit_warnings(ledger, same_trip_warnings, trip_id)


@trip_app.command("list")
def trip_list(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="只看这个月有外出的行程（YYYY-MM）"),
    person: str | None = typer.Option(None, "--person", help="只看这个人的行程"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出外出招商行程。终端较窄时先省略走访企业、事由等列，--wide 列出全部。"""
    from zhaoshang.services.trips import list_trips

    check_format(format)
    trips = list_trips(open_ledger(ctx), month=month, person=person)
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
        optional=["走访企业", "事由", "区域", "关联项目", "天数"],
        wide=wide,
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
    row = edit_trip(open_ledger(ctx), global_options(ctx).actor, trip_id, fields)
    typer.echo(f"行程 {row['id']} 已修改。")


@trip_app.command("delete")
def trip_delete(ctx: typer.Context, trip_id: str = typer.Argument(..., help="行程编号")) -> None:
    """删除外出招商行程（删除记入审计日志，可追溯）。"""
    from zhaoshang.services.trips import delete_trip

    row = delete_trip(open_ledger(ctx), global_options(ctx).actor, trip_id)
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

    check_format(format)
    if month is None:
        raise InputError("月份（--month）：必须填写", "例如：zs trip days --month 2024-03")
    as_of_date = parse_date(as_of, "截至日期（--as-of）") if as_of else date.today()
    ledger = open_ledger(ctx)
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
