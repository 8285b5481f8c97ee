"""`zs init`, `zs audit …` and `zs db …`: the ledger file and its history."""

from __future__ import annotations

import typer

from zhaoshang.cli.app import ZsTyper, app, global_options, open_ledger
from zhaoshang.cli.render import (
    FORMAT_HELP,
    WIDE_HELP,
    check_format,
    emit_json,
    emit_table,
)
from zhaoshang.errors import InputError

audit_app = ZsTyper(help="审计日志：谁在何时改了什么。", no_args_is_help=True)
db_app = ZsTyper(help="账本文件：备份与检查。", no_args_is_help=True)


@app.command("init")
def init_command(ctx: typer.Context, year: str = typer.Option("2024", "--year", help="首个考核年度")) -> None:
    """新建账本，载入意见中的单位和年度目标。已存在的文件不会被覆盖。"""
    from zhaoshang.parsing import parse_year
    from zhaoshang.services.setup import init_ledger

    state = global_options(ctx)
    ledger = init_ledger(state.db, state.actor, parse_year(year))
    with ledger.read() as connection:
        units = connection.exec_driver_sql("SELECT count(*) FROM unit").scalar()
        targets = connection.exec_driver_sql("SELECT count(*) FROM target").scalar()
    typer.echo(f"已新建账本 {state.db}：{units}个单位，{parse_year(year)}年目标{targets}项。")


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    project: str | None = typer.Option(None, "--project", help="只看这个项目的记录"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """查看审计日志：谁在何时（本地时间，按 TZ）改了什么；人员、单位、项目以名称显示，金额以万元计。"""
    from zhaoshang.services.history import audit_history

    check_format(format)
    entries = audit_history(open_ledger(ctx), project)
    if format == "json":
        emit_json(entries)
        return
    emit_table(
        "审计日志" + (f"：项目 {project}" if project else ""),
        ["序号", "时间", "操作人", "操作", "对象", "变更"],
        [
            [e["seq"], e["local_time"], e["actor"], e["action_label"], e["subject"], "\n".join(e["summary"])]
            for e in entries
        ],
        optional=["对象", "操作人"],
        wide=wide,
    )


@audit_app.command("head")
def audit_head(ctx: typer.Context, format: str = typer.Option("table", "--format", help=FORMAT_HELP)) -> None:
    """账本当前的链头：最后一条审计记录的序号和哈希。发出去（邮件、打印）留存，日后可证明历史未被改写。"""
    from zhaoshang.replay import current_state

    check_format(format)
    with open_ledger(ctx).read() as connection:
        state = current_state(connection)
    if format == "json":
        emit_json({"entries": state.entries, "head": state.head})
        return
    typer.echo(f"第{state.entries}条记录（{state.at or '—'}）链头哈希 {state.head}")


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    head: str | None = typer.Option(None, "--head", help="另核对历史仍经过这个链头（zs audit head 的哈希）"),
    bulletin: str | None = typer.Option(
        None, "--bulletin", help="另核对历史仍经过这份通报（zs report … --xlsx）记下的链头，且在同一条记录"
    ),
) -> None:
    """重新核对审计日志的哈希链，以及每一行数据是否与审计记录相符；--head 另核对历史仍经过留存的链头。"""
    from zhaoshang.audit import verify
    from zhaoshang.replay import HeadCheck, check_head

    if head is not None and bulletin is not None:
        raise InputError("--head 和 --bulletin 只能用一个", "例如：zs audit verify --bulletin 2024年10月通报.xlsx")
    recorded = None
    if bulletin is not None:
        from zhaoshang.reports.verify import read_bulletin

        recorded = read_bulletin(bulletin).state
    with open_ledger(ctx).read() as connection:
        result = verify(connection)
        through: HeadCheck | None = None
        if recorded is not None:
            through = check_head(connection, recorded.head, recorded.entries)
        elif head is not None:
            through = check_head(connection, head)
    if not result.ok:
        typer.echo(f"审计核对未通过：{result.problem}", err=True)
        typer.echo("提示：有人绕过 zs 改动了账本；用 zs audit log 查看记录，并用备份核对", err=True)
        raise typer.Exit(1)
    if through is not None and not through.ok:
        at = f"第{through.entries}条记录的" if through.entries is not None else ""
        typer.echo(
            f"审计核对未通过：账本的历史不再经过{at}链头 {through.head}："
            f"历史已被改写、截断，或账本被换成了更早的副本（现有{result.entries}条记录）",
            err=True,
        )
        typer.echo("提示：用留存的备份（zs db backup）和通报核对，找出改动发生在哪一条之前", err=True)
        raise typer.Exit(1)
    typer.echo(f"审计核对通过：{result.entries} 条记录，链头哈希 {result.head_hash}")
    if through is not None and through.found is not None:
        typer.echo(f"历史经过留存的链头：第{through.found.entries}条记录（{through.found.at}）")


@db_app.command("backup")
def db_backup(ctx: typer.Context, path: str = typer.Argument(..., help="备份文件路径")) -> None:
    """在线备份账本（写入中也能得到一致的副本）。"""
    target = open_ledger(ctx).backup(path)
    typer.echo(f"已备份到 {target}")


@db_app.command("check")
def db_check(ctx: typer.Context) -> None:
    """检查账本文件的完整性、外键和数据表。"""
    from zhaoshang.db import missing_tables

    ledger = open_ledger(ctx)
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
