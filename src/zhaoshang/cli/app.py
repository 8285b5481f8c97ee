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


class ZsGroup(TyperGroup):
    """Turns the core's typed errors into `错误：…` / `提示：…` on stderr and exit code 2."""

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
        except Exception as error:  # a locked or damaged file is the user's situation, not a bug
            if type(error).__name__ not in ("OperationalError", "DatabaseError", "IntegrityError"):
                raise
            if not type(error).__module__.startswith(("sqlalchemy", "sqlite3")):
                raise
            if "locked" in str(error):
                _fail("账本正被其他人写入，等待超时", "稍后再试一次", 2)
            detail = str(getattr(error, "orig", None) or error).splitlines()[0]
            _fail(f"账本无法读写：{detail}", "检查账本：zs db check；必要时用 zs db backup 留存的备份恢复", 2)


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
) -> None:
    ctx.obj = GlobalOptions(db or "zs.sqlite", actor or _default_actor())


def global_options(ctx: typer.Context) -> GlobalOptions:
    return ctx.find_root().obj


def open_ledger(ctx: typer.Context) -> Ledger:
    from zhaoshang.db import Ledger

    state = global_options(ctx)
    return Ledger.open(state.db, actor=state.actor)


def run() -> None:  # pragma: no cover - `python -m zhaoshang` and the console script
    app(prog_name="zs")
