"""`zs check …`: the opinion's quotas at a date (the nightly cron job), and the rules."""

from __future__ import annotations

import codecs
import sys
from datetime import date
from typing import Any

import typer

from zhaoshang.cli.app import ZsTyper, collector_paused, open_ledger
from zhaoshang.cli.render import (
    AS_RECORDED_HELP,
    FORMAT_HELP,
    WIDE_HELP,
    check_format,
    emit_json,
    emit_table,
    fold,
    terminal_width,
)

check_app = ZsTyper(help="对照意见检查考核指标（供 cron 每晚运行）。", no_args_is_help=True)


DISTRICT_SUBJECT = "全区"  # what a result with no subject (JSON null) is about


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
        f"未通过的约束性指标{report.errors}项、预期性指标{report.warnings}项"
        + (f"；约束性指标无数据{unjudged}项（未判定，请补录数据或目标）" if unjudged else "")
        + f" —— {verdict}"
    )


def _unjudged_error(result) -> bool:
    """An error-severity result with no data (no target for the year, no figures yet): not judged,
    so it cannot fail — and a cron job that heard nothing would take silence for a pass."""
    return result.status == "no_data" and result.severity == "error"


def _emit_report_json(data: dict) -> None:
    """Design §3's object, one result per line, written by orjson as bytes: the standard library's
    encoder takes 0.2 s over a city's 17,000 results (ten times orjson), where the whole nightly
    check has 2 s, and as text the 6 MB of Chinese would be copied three times over at two bytes a
    character. Keys that are not text are written as text, as the standard library does."""
    import orjson

    def encode(item: Any) -> bytes:
        return orjson.dumps(item, option=orjson.OPT_NON_STR_KEYS)

    def value(key: str, item: Any) -> bytes:
        if key != "results" or not item:
            return encode(item)
        # One encode of the whole list, cut between results: every result object begins with its
        # "code" key, and inside a JSON string a quote is escaped, so `},{"code":` is only a boundary.
        return b"[\n    " + encode(item)[1:-1].replace(b'},{"code":', b'},\n    {"code":') + b"\n  ]"

    text = b"{\n" + b",\n".join(b"  " + encode(key) + b": " + value(key, item) for key, item in data.items()) + b"\n}"
    # Bytes go out as UTF-8 untouched; a terminal or pipe in another encoding (GBK) gets text in its
    # own, as every other output of zs.
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    typer.echo(text if codecs.lookup(encoding).name == "utf-8" else text.decode("utf-8"))


@check_app.command("quotas")
def check_quotas(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="检查日期；默认今天"),
    select: str | None = typer.Option(None, "--select", help="只检查这些规则：逗号分隔的代码前缀，如 ZS1,ZS201"),
    ignore: str | None = typer.Option(None, "--ignore", help="不检查这些规则：逗号分隔的代码前缀；最长的前缀优先"),
    format: str = typer.Option("table", "--format", help=FORMAT_HELP),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="有约束性指标未通过也以 0 退出"),
    quiet: bool = typer.Option(
        False,
        "-q",
        "--quiet",
        help="表格只输出未通过的项和无数据（未判定）的约束性项；全部通过时什么也不输出（供 cron 发邮件）。--format json 不受影响，总是输出完整结果",
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
    as_recorded: str | None = typer.Option(None, "--as-recorded", help=AS_RECORDED_HELP),
    verified_starts: bool = typer.Option(
        False, "--verified-starts", help="ZS102、ZS104、ZS105 只计经现场查看属实的开工（zs project inspect）"
    ),
) -> None:
    """对照意见检查考核指标。退出码：0 通过，1 有约束性指标未通过，2 输入有误。"""
    from zhaoshang.parsing import parse_date
    from zhaoshang.replay import ledger_at
    from zhaoshang.rules import REGISTRY, run_checks

    check_format(format)
    as_of_date = parse_date(as_of, "检查日期（--as-of）") if as_of else None
    REGISTRY.select(select, ignore)  # a bad code is exit 2 before the ledger is opened
    with collector_paused():
        with ledger_at(open_ledger(ctx), as_recorded) as (connection, state):
            # Rebuilt as recorded, the check is judged on the day of that entry unless told otherwise.
            as_of_date = as_of_date or (state.on if as_recorded and state.on else date.today())
            report = run_checks(connection, as_of_date, select, ignore, verified_starts)
        _show_report(report, state, format, quiet, wide, as_recorded)  # the read is over: a slow pipe holds nothing
    if not report.ok and not exit_zero:
        raise typer.Exit(1)


def _show_report(report, state, format: str, quiet: bool, wide: bool, as_recorded: str | None) -> None:
    from zhaoshang.rules.results import SEVERITY_LABELS, progress_text

    if format == "json":  # a stable interface: one whole object, whatever -q says
        data = report.to_json() | {"ledger": state.to_json()}
        if as_recorded is not None:
            data["as_recorded"] = state.entries
        _emit_report_json(data)
    elif quiet:
        shown = [result for result in report.results if not result.passed or _unjudged_error(result)]
        for result in _failures_first(shown):
            subject = f"（{result.subject or DISTRICT_SUBJECT}）"
            typer.echo(
                f"{result.code} {SEVERITY_LABELS[result.severity]} {result.title}{subject} {result.period} {result.status_label}：{result.message}"
            )
        if shown:
            typer.echo(_summary_line(report))
    else:
        emit_table(
            f"考核指标检查：截至 {report.as_of}，序时进度 {progress_text(report.progress)}",
            ["代码", "级别", "规则", "对象", "期间", "实际", "目标", "序时目标", "状态", "说明"],
            [[r.code, SEVERITY_LABELS[r.severity], r.title, r.subject or DISTRICT_SUBJECT, r.period, *_result_cells(r),
              r.status_label, r.message] for r in _failures_first(report.results)],
            optional=["序时目标", "期间", "目标", "实际", "级别"],
            wide=wide,
        )  # fmt: skip
        typer.echo("\n".join(fold(_summary_line(report), terminal_width())))


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

    check_format(format)
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
