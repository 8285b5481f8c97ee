"""The `zs` application: global options, the ledger they name, and how errors reach the user.

The command groups live beside this module, one per group; `zhaoshang.cli` puts them together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from zhaoshang.cli.chinese import ChineseGroup, ZsTyper, click_errors, install, usage_message

__all__ = ["ZsTyper", "app", "collector_paused", "global_options", "open_ledger", "run"]

if TYPE_CHECKING:
    from zhaoshang.db import Ledger
    from zhaoshang.errors import LedgerMissingError

install()  # Click's and Typer's own words (Usage, Options, [required]…) in Chinese


@contextmanager
def _errors_for_people(ctx: typer.Context | None = None) -> Iterator[None]:
    """The core's typed errors, usage errors and an unusable ledger file as `错误：…` / `提示：…`
    on stderr with exit code 2."""
    from zhaoshang.errors import ZsError

    try:
        yield
    except ZsError as error:
        _fail(error.message, error.hint, error.exit_code)
    except click_errors.NoArgsIsHelpError as asked:  # `zs project` alone: its help, as asked
        typer.echo(asked.format_message())
        raise typer.Exit(2) from None
    except click_errors.UsageError as usage:
        command = usage.ctx.command_path if usage.ctx else "zs"
        _fail(usage_message(usage), f"查看用法：{command} --help", 2)
    except Exception as error:  # a locked, unwritable or damaged file is the user's situation, not a bug
        if type(error).__name__ not in ("OperationalError", "DatabaseError", "IntegrityError"):
            raise
        if not type(error).__module__.startswith(("sqlalchemy", "sqlite3")):
            raise
        from pathlib import Path

        from zhaoshang.db import sqlite_problem

        ledger_path = getattr(ctx.find_root().obj, "db", None) if ctx is not None else None
        problem = sqlite_problem(Path(ledger_path or "zs.sqlite"), error)
        _fail(problem.message, problem.hint, problem.exit_code)


class ZsGroup(ChineseGroup):
    """The `zs` command: errors in its own options (`zs --nosuch`) and in any command below it reach
    the user the same way (see `_errors_for_people`)."""

    def make_context(self, info_name, args, parent=None, **extra):
        with _errors_for_people():
            return super().make_context(info_name, args, parent, **extra)

    def parse_args(self, ctx, args):
        refuse_undecodable_arguments(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        with _errors_for_people(ctx):
            return super().invoke(ctx)

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None):
        """Shell completion (`eval "$(_ZS_COMPLETE=source_bash zs)"`, README): the shells are
        registered only when a shell asks, so that `--help` and every command stay light."""
        import os

        if os.environ.get(complete_var or f"_{prog_name.replace('-', '_').upper()}_COMPLETE"):
            from typer._completion_classes import completion_init

            completion_init()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


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


def _fail(message: str, hint: str | None, code: int) -> None:
    typer.echo(f"错误：{message}", err=True)
    if hint:
        typer.echo(f"提示：{hint}", err=True)
    raise typer.Exit(code)


def _show_version(value: bool) -> None:
    if value:
        from zhaoshang import __version__

        typer.echo(f"zs {__version__}")
        raise typer.Exit()


app = ZsTyper(
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
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_show_version, help="显示 zs 的版本号并退出"
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for a command that builds a city's worth of rows, results
    or audit records, a million objects and no cycles: its passes over them (and over SQLAlchemy's
    classes) took 0.25 s of the nightly check's 2, and 1.8 s of an import of 100,000 projects. It runs
    again when the command ends: a cycle made meanwhile is freed by its next pass, or at the process's
    end."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def run() -> None:
    """`zs` and `python -m zhaoshang`. A reader that stops early (`zs report monthly | head -1`) ends
    the program as it ends cat or grep: quietly, by SIGPIPE, not with exit code 1 (a failed check)."""
    import signal

    if hasattr(signal, "SIGPIPE"):  # not on Windows
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app(prog_name="zs")
