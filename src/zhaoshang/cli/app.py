"""The `zs` application: global options, the ledger they name, and how errors reach the user.

The command groups live beside this module, one per group; `zhaoshang.cli` puts them together.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import typer
from typer.core import TyperGroup

# click's UsageError, whether typer vendors click (0.2x) or depends on it: BadParameter's base.
UsageError = cast("type[Exception]", typer.BadParameter.__mro__[1])

if TYPE_CHECKING:
    from zhaoshang.db import Ledger
    from zhaoshang.errors import LedgerMissingError


class ZsGroup(TyperGroup):
    """Turns the core's typed errors into `错误：…` / `提示：…` on stderr and exit code 2."""

    def parse_args(self, ctx, args):
        refuse_undecodable_arguments(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        from zhaoshang.errors import ZsError

        try:
            return super().invoke(ctx)
        except ZsError as error:
            _fail(error.message, error.hint, error.exit_code)
        except UsageError as caught:
            usage: Any = caught  # click's UsageError: has ctx and format_message()
            if type(usage).__name__ == "NoArgsIsHelpError":  # `zs project` alone: its help, as asked
                typer.echo(usage.format_message())
                raise typer.Exit(2) from None
            command = usage.ctx.command_path if usage.ctx else "zs"
            _fail(_usage_in_chinese(usage.format_message()), f"查看用法：{command} --help", 2)
        except Exception as error:  # a locked, unwritable or damaged file is the user's situation, not a bug
            if type(error).__name__ not in ("OperationalError", "DatabaseError", "IntegrityError"):
                raise
            if not type(error).__module__.startswith(("sqlalchemy", "sqlite3")):
                raise
            from pathlib import Path

            from zhaoshang.db import sqlite_problem

            problem = sqlite_problem(Path(getattr(ctx.obj, "db", None) or "zs.sqlite"), error)
            _fail(problem.message, problem.hint, problem.exit_code)


def refuse_undecodable_arguments(args: list[str]) -> None:
    """Bytes the locale's encoding cannot read (typed in a GBK terminal on a UTF-8 system) reach
    Python as lone surrogates. Refused, naming the argument: guessing the encoding would write
    mojibake into the ledger and its chained log, and printing them would fail half-way."""
    for position, argument in enumerate(args):
        previous = args[position - 1] if position else ""
        if argument.startswith("--") and "=" in argument:
            name = argument.partition("=")[0]
        elif previous.startswith("-") and previous != "--":
            name = f"{previous} 后面的参数"
        else:
            name = f"第{position + 1}个参数"
        refuse_undecodable(argument, name)


def refuse_undecodable(value: str | None, name: str) -> None:
    """Refuse a value holding bytes the locale's encoding cannot read (see above)."""
    import os
    import sys

    if value is None or value.isprintable() or not any("\udc80" <= char <= "\udcff" for char in value):
        return
    encoding = sys.getfilesystemencoding().upper()
    raw = os.fsencode(value).decode(encoding, "backslashreplace")
    _fail(
        f"{name} '{raw}' 含本机文字编码（{encoding}）无法识别的字节",
        f"终端的文字编码与系统不一致（例如终端用 GBK、系统用 UTF-8）：把终端编码改为 {encoding} 后重新输入；"
        "zs 不猜测编码，以免把乱码写进账本和审计日志",
        2,
    )


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


class GlobalOptions:
    """What the global options say: the ledger file and who is written into the audit log.
    `db_source` says where the ledger's path came from: "option" (--db), "env" ($ZS_DB) or "default"."""

    def __init__(self, db: str, actor: str, db_source: str = "option"):
        self.db = db
        self.actor = actor
        self.db_source = db_source


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
    ctx.obj = checked_global_options(ctx, db, actor)


_SOURCES = {"COMMANDLINE": "option", "ENVIRONMENT": "env"}


def checked_global_options(ctx: typer.Context, db: str | None, actor: str | None) -> GlobalOptions:
    """The global options, refused when unusable: bytes the locale cannot read, an actor that is
    no plain line of text (it is written into every audit entry). An empty --db is kept as given,
    for the ledger to refuse: it must not quietly become ./zs.sqlite while $ZS_DB names the ledger."""
    db_source = _SOURCES.get(getattr(ctx.get_parameter_source("db"), "name", ""), "default")
    actor_source = ctx.get_parameter_source("actor")
    db_name = "环境变量 ZS_DB" if db_source == "env" else "--db"
    actor_name = "环境变量 ZS_ACTOR" if getattr(actor_source, "name", "") == "ENVIRONMENT" else "--actor"
    refuse_undecodable(db, db_name)
    refuse_undecodable(actor, actor_name)
    if actor is not None:
        from zhaoshang.parsing import ACTOR_MAX, require_text

        actor = require_text(actor, f"操作人（{actor_name}）", ACTOR_MAX)
    return GlobalOptions("zs.sqlite" if db is None else db, actor or _default_actor(), db_source)


def global_options(ctx: typer.Context) -> GlobalOptions:
    return ctx.find_root().obj


def open_ledger(ctx: typer.Context) -> Ledger:
    from zhaoshang.db import Ledger
    from zhaoshang.errors import LedgerMissingError

    state = global_options(ctx)
    try:
        return Ledger.open(state.db, actor=state.actor)
    except LedgerMissingError as missing:
        raise missing_ledger(state, missing) from None


def missing_ledger(state: GlobalOptions, missing: LedgerMissingError) -> LedgerMissingError:
    """A missing ledger, told with where its path came from: a relative $ZS_DB is read from the
    current folder, so a cron job or another folder finds nothing there — and must not be led
    to `init` an empty ledger beside the real one."""
    from pathlib import Path

    from zhaoshang.errors import LedgerMissingError

    path = Path(state.db)
    resolved = "" if path.is_absolute() else f"，按当前文件夹解析为 {path.absolute()}"
    if state.db_source == "env":
        message = f"账本文件不存在：{state.db}（路径来自环境变量 ZS_DB{resolved}）"
        hint = (
            f"ZS_DB 是相对路径，只在账本所在的文件夹里有效：请写成绝对路径，例如 export ZS_DB=/账本所在文件夹/{path.name}"
            if resolved
            else "请检查环境变量 ZS_DB 是否写对（echo $ZS_DB）；确要在这里新建空账本才运行 zs init"
        )
    elif state.db_source == "default":
        message = f"账本文件不存在：{state.db}（没有用 --db 指定账本，也没有设置环境变量 ZS_DB{resolved}）"
        hint = "指定账本：zs --db /路径/招商.sqlite …，或 export ZS_DB=/路径/招商.sqlite；新建账本：zs init"
    else:
        return missing
    return LedgerMissingError(message, hint, missing.path)


def run() -> None:  # pragma: no cover - `python -m zhaoshang` and the console script
    app(prog_name="zs")
