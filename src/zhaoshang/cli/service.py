"""`zs problem …` and `zs request …`: problems blocking projects and enterprise requests (design §5.4)."""

from __future__ import annotations

from datetime import date

import typer

from zhaoshang.cli.app import ZsTyper, global_options, open_ledger
from zhaoshang.cli.render import FORMAT_HELP, WIDE_HELP, check_format, emit_listing

problem_app = ZsTyper(help="项目推进中的问题：登记、交办、解决（（十七）（十三））。", no_args_is_help=True)
request_app = ZsTyper(help="企业诉求：受理、交办（转办）、办结、评价（（十二））。", no_args_is_help=True)

_AS_OF_HELP = "按这一天判断是否逾期；默认今天"
_OPEN_HELP = "只列未办结的"
_UNIT_FILTER_HELP = "只看这一责任单位"


def _as_of(value: str | None) -> date:
    from zhaoshang.parsing import parse_date

    return parse_date(value, "日期（--as-of）") if value else date.today()


# --- problems -----------------------------------------------------------------------------------


@problem_app.command("add")
def problem_add(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="项目编号"),
    text: str = typer.Option(..., "--text", help="问题：如 土地指标未落实、电力增容未批复"),
    unit: str = typer.Option(..., "--unit", help="负责协调解决的单位"),
    due: str = typer.Option(..., "--due", help="办结时限（日期）"),
    on: str | None = typer.Option(None, "--on", help="提出日期；默认今天"),
) -> None:
    """登记阻碍项目推进的问题，交由责任单位限期解决；最后一行输出问题编号。"""
    from zhaoshang.services.casework import add_problem

    problem = add_problem(open_ledger(ctx), global_options(ctx).actor, code, text, unit, due, on)
    typer.echo(f"已登记项目 {problem['code']} 的问题，交{problem['unit']}于 {problem['due_on']} 前解决")
    typer.echo(str(problem["id"]))


@problem_app.command("resolve")
def problem_resolve(
    ctx: typer.Context,
    problem_id: str = typer.Argument(..., metavar="编号", help="问题编号（12 或 #12）"),
    on: str = typer.Option(..., "--on", help="解决日期"),
    note: str | None = typer.Option(None, "--note", help="怎样解决的"),
) -> None:
    """问题已解决。"""
    from zhaoshang.services.casework import resolve_problem

    problem = resolve_problem(open_ledger(ctx), global_options(ctx).actor, problem_id, on, note)
    typer.echo(f"问题 #{problem['id']}（项目 {problem['code']}）已于 {problem['resolved_on']} 解决。")


@problem_app.command("list")
def problem_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help=_OPEN_HELP),
    unit: str | None = typer.Option(None, "--unit", help=_UNIT_FILTER_HELP),
    project: str | None = typer.Option(None, "--project", help="只看这一项目"),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出项目问题及其办理情况（逾期的标明逾期天数）。"""
    from zhaoshang.services.casework import list_problems

    check_format(format)
    problems = list_problems(open_ledger(ctx), _as_of(as_of), open_only, unit, project)
    emit_listing(
        format, problems,
        ("id", "project", "project_name", "unit", "text", "raised_on", "due_on", "resolved_on", "note",
         "state", "state_label", "overdue_days"),
        "项目问题", ["编号", "项目", "责任单位", "问题", "提出", "时限", "解决", "状态"],
        lambda p: [f"#{p['id']}", f"{p['project']} {p['project_name']}", p["unit"], p["text"], p["raised_on"],
                   p["due_on"], p["resolved_on"], _state(p)],
        optional=["提出", "解决"], wide=wide,
    )  # fmt: skip


def _state(case: dict) -> str:
    """办理中 · 逾期未办结12天 · 待评价20天 · 已评价 …"""
    days = case.get("overdue_days") or case.get("unrated_days")
    return case["state_label"] + (f"{days}天" if days else "")


# --- enterprise requests ------------------------------------------------------------------------


@request_app.command("add")
def request_add(
    ctx: typer.Context,
    enterprise: str = typer.Option(..., "--enterprise", help="提出诉求的企业"),
    text: str = typer.Option(..., "--text", help="诉求内容"),
    unit: str = typer.Option(..., "--unit", help="承办单位"),
    due: str = typer.Option(..., "--due", help="办结时限（日期）"),
    received: str | None = typer.Option(None, "--received", help="受理日期；默认今天"),
) -> None:
    """受理企业诉求并交办（事前收集梳理、事中研究交办）；最后一行输出诉求编号。"""
    from zhaoshang.services.casework import add_request

    request = add_request(open_ledger(ctx), global_options(ctx).actor, enterprise, text, unit, due, received)
    typer.echo(f"已受理{request['enterprise']}的诉求，交{request['unit']}于 {request['due_on']} 前办结")
    typer.echo(str(request["id"]))


@request_app.command("assign")
def request_assign(
    ctx: typer.Context,
    request_id: str = typer.Argument(..., metavar="编号", help="诉求编号（12 或 #12）"),
    unit: str = typer.Option(..., "--unit", help="转办到的单位"),
    due: str | None = typer.Option(None, "--due", help="新的办结时限；不写则不变"),
    on: str | None = typer.Option(None, "--on", help="转办日期；默认今天"),
) -> None:
    """转办：把办理中的诉求交给另一个单位。"""
    from zhaoshang.services.casework import assign_request

    request = assign_request(open_ledger(ctx), global_options(ctx).actor, request_id, unit, due, on)
    typer.echo(f"诉求 #{request['id']} 已由{request['from_unit']}转办{request['unit']}，办结时限 {request['due_on']}。")


@request_app.command("resolve")
def request_resolve(
    ctx: typer.Context,
    request_id: str = typer.Argument(..., metavar="编号", help="诉求编号（12 或 #12）"),
    on: str = typer.Option(..., "--on", help="办结日期"),
    note: str | None = typer.Option(None, "--note", help="办理结果"),
) -> None:
    """诉求已办结，等待企业评价（事后跟踪评价）。"""
    from zhaoshang.services.casework import resolve_request

    request = resolve_request(open_ledger(ctx), global_options(ctx).actor, request_id, on, note)
    typer.echo(
        f"诉求 #{request['id']} 已于 {request['resolved_on']} 办结，请企业评价：zs request rate {request['id']} 满意"
    )


@request_app.command("rate")
def request_rate(
    ctx: typer.Context,
    request_id: str = typer.Argument(..., metavar="编号", help="诉求编号（12 或 #12）"),
    rating: str = typer.Argument(..., metavar="满意度", help="满意|基本满意|不满意（或 satisfied|fair|unsatisfied）"),
    due: str | None = typer.Option(None, "--due", help="重办的办结时限：评价为不满意时必填"),
    on: str | None = typer.Option(None, "--on", help="评价日期；默认今天"),
) -> None:
    """企业对办结诉求的评价；不满意即重办，须给出新的办结时限。"""
    from zhaoshang.services.casework import RATING_LABELS, rate_request

    request = rate_request(open_ledger(ctx), global_options(ctx).actor, request_id, rating, due, on)
    label = RATING_LABELS[request["rating"]]
    if request["rating"] == "unsatisfied":
        typer.echo(
            f"诉求 #{request['id']} 评价为不满意，已重办（第{request['reopened']}次），办结时限 {request['due_on']}。"
        )
    else:
        typer.echo(f"诉求 #{request['id']} 评价为{label}，已闭环。")


@request_app.command("list")
def request_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help=_OPEN_HELP),
    unit: str | None = typer.Option(None, "--unit", help=_UNIT_FILTER_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出企业诉求及其办理、评价情况。"""
    from zhaoshang.services.casework import list_requests

    check_format(format)
    requests = list_requests(open_ledger(ctx), _as_of(as_of), open_only, unit)
    emit_listing(
        format, requests,
        ("id", "enterprise", "text", "unit", "received_on", "due_on", "resolved_on", "note", "rating",
         "rating_label", "rated_on", "reopened", "state", "state_label", "overdue_days", "unrated_days"),
        "企业诉求", ["编号", "企业", "诉求", "承办单位", "受理", "时限", "办结", "满意度", "重办", "状态"],
        lambda r: [f"#{r['id']}", r["enterprise"], r["text"], r["unit"], r["received_on"], r["due_on"],
                   r["resolved_on"], r["rating_label"], r["reopened"] or None, _state(r)],
        optional=["重办", "满意度", "受理", "办结"], wide=wide,
    )  # fmt: skip
