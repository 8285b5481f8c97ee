"""The `zs` application: global options, the ledger they name, and how errors reach the user.

The command groups live beside this module, one per group; `zhaoshang.cli` puts them together.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from zhaoshang.cli.chinese import ChineseGroup, ZsTyper, click_errors, install, usage_message

__all__ = ["ZsTyper", "app", "global_options", "open_ledger", "run"]

if TYPE_CHECKING:
    from zhaoshang.db import Ledger

install()  # Click's and Typer's own words (Usage, Options, [required]…) in Chinese


@contextmanager
def _errors_for_people():
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
    except Exception as error:  # a locked or damaged file is the user's situation, not a bug
        if type(error).__name__ not in ("OperationalError", "DatabaseError", "IntegrityError"):
            raise
        if not type(error).__module__.startswith(("sqlalchemy", "sqlite3")):
            raise
        if "locked" in str(error):
            _fail("账本正被其他人写入，等待超时", "稍后再试一次", 2)
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        _fail(f"账本无法读写：{detail}", "检查账本：zs db check；必要时用 zs db backup 留存的备份恢复", 2)


class ZsGroup(ChineseGroup):
    """The `zs` command: errors in its own options (`zs --nosuch`) and in any command below it reach
    the user the same way (see `_errors_for_people`)."""

    def make_context(self, info_name, args, parent=None, **extra):
        with _errors_for_people():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        with _errors_for_people():
            return super().invoke(ctx)

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None):
        """Shell completion (`eval "$(_ZS_COMPLETE=source_bash zs)"`, README): the shells are
        registered only when a shell asks, so that `--help` and every command stay light."""
        import os

        if os.environ.get(complete_var or f"_{prog_name.replace('-', '_').upper()}_COMPLETE"):
            from typer._completion_classes import completion_init

            completion_init()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


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
    """What the global options say: the ledger file and who is written into the audit log."""

    def __init__(self, db: str, actor: str):
        self.db = db
        self.actor = actor


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
    ctx.obj = GlobalOptions(db or "zs.sqlite", actor or _default_actor())


def global_options(ctx: typer.Context) -> GlobalOptions:
    return ctx.find_root().obj


def open_ledger(ctx: typer.Context) -> Ledger:
    from zhaoshang.db import Ledger

    state = global_options(ctx)
    return Ledger.open(state.db, actor=state.actor)


def run() -> None:
    """`zs` and `python -m zhaoshang`. A reader that stops early (`zs report monthly | head -1`) ends
    the program as it ends cat or grep: quietly, by SIGPIPE, not with exit code 1 (a failed check)."""
    import signal

    if hasattr(signal, "SIGPIPE"):  # not on Windows
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app(prog_name="zs")
