"""Click's and Typer's own words in Chinese: help pages, usage lines and usage errors.

Typer (which vendors Click as `typer._click`) passes some of its words through gettext (`_()` in
`typer.core`: Options, Arguments, Commands, required, default: …): `install()` gives that `_` a
catalogue. The words Click writes without gettext are said where Click lets a program say them:
the help formatter (用法：, headings), the context that makes it, the command classes (the help
option's text, `[选项]`, the names of values, extra arguments), and `usage_message`, which words a
usage error from its type and the parameter it names rather than from Click's English sentence.
`ZsTyper` is `typer.Typer` with these classes: every command group of `zs` is one.
"""

from __future__ import annotations

import gettext
import re
from difflib import get_close_matches
from typing import Any

import typer
import typer.core
from typer import _click
from typer._click import exceptions as click_errors
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

try:  # Typer's pass-through coercion (see `_text_as_parsed`), where this Typer has it
    from typer._coercion import PassThroughRuntimeParam as _PassThrough
except ImportError:  # pragma: no cover - another Typer: its own coercion throughout
    _PassThrough = None  # type: ignore[assignment,misc]

from zhaoshang.cli.render import display_width, fold

# Typer's gettext messages (msgid → Chinese); `{…}` fields are filled in after translation.
CATALOGUE = {
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（运行时决定）",
    "Missing command.": "缺少命令",
    "No such command {name!r}.": "没有这个命令：{name}",
    "Aborted!": "已中止",
}
HELP_OPTION_TEXT = "显示本帮助并退出"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."

_DATE_OPTIONS = [
    "on",
    "signed",
    "started",
    "included",
    "completed",
    "producing",
    "from",
    "to",
    "since",
    "until",
    "as-of",
    "due",
    "received",
]
# The name a value goes by in help and usage lines, by option (without dashes) or argument.
_VALUE_NAMES = {
    **dict.fromkeys(_DATE_OPTIONS, "日期"),
    **dict.fromkeys(("amount", "revenue", "tax"), "金额"),
    **dict.fromkeys(("person", "leader", "handler", "by", "actor"), "姓名"),
    **dict.fromkeys(("code", "project", "trip_id", "keep", "dup", "id"), "编号"),
    **dict.fromkeys(("db", "xlsx", "html", "errors", "file", "files", "path"), "文件"),
    **dict.fromkeys(("select", "ignore"), "代码"),
    "month": "年月",
    "quarter": "季度",
    "year": "年度",
    "format": "格式",
    "unit": "单位",
    "kind": "类型",
    "role": "职务",
    "stage": "阶段",
    "metric": "指标",
    "value": "数值",
    "name": "名称",
    "sheet": "工作表",
    "map": "列名=字段",
    "region": "区域",
    "dest": "目的地",
}
_DEFAULT_VALUE_NAME = "文字"


class Catalogue(gettext.NullTranslations):
    """A gettext translation from a dict: what typer.core's `_()` returns."""

    def __init__(self, messages: dict[str, str]):
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)


def install() -> None:
    """Give typer.core's gettext function (`from gettext import gettext as _`) the Chinese catalogue."""
    typer.core._ = Catalogue(CATALOGUE).gettext


# --- the help page ---------------------------------------------------------------------------


def _join_lines(lines: list[str]) -> str:
    """The lines of a paragraph as one: no space between two Chinese characters."""
    text = ""
    for line in (line.strip() for line in lines):
        if text and line and (text[-1].isascii() or line[0].isascii()):
            text += " "
        text += line
    return text


class ChineseHelpFormatter(HelpFormatter):
    """Click's help formatter with Chinese words, measuring text as the terminal shows it (a
    Chinese character takes two columns) and folding it between characters, not only at spaces."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        start = f"{'':>{self.current_indent}}{prefix or '用法：'}{prog} "
        lines = fold(args, max(self.width - display_width(start), 20))
        indent = " " * display_width(start)
        self.write(start + f"\n{indent}".join(lines) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = re.split(r"\n\s*\n", text)
        for number, paragraph in enumerate(paragraphs):
            if number:
                self.write("\n")
            for line in fold(_join_lines(paragraph.splitlines()), max(self.width - self.current_indent, 20)):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        text_width = max(self.width - self.current_indent - first_width, 20)
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            lines = fold(second, text_width) if second else []
            if display_width(first) > first_width - col_spacing:  # too long: the text starts below
                self.write("\n" + " " * (self.current_indent + first_width) if lines else "")
            else:
                self.write(" " * (first_width - display_width(first)))
            self.write(f"\n{indent}{' ' * first_width}".join(lines) + "\n")


class ChineseContext(_click.Context):
    formatter_class = ChineseHelpFormatter


def _value_name(param: Any) -> str:
    """A Chinese name for the value of an option or argument, for help and usage lines."""
    if param.metavar and not param.metavar.startswith("<"):  # `<str>` is typer's own type name
        return param.metavar
    names = [opt.lstrip("-") for opt in getattr(param, "opts", ()) if opt.startswith("--")] or [param.name or ""]
    return next((_VALUE_NAMES[name] for name in names if name in _VALUE_NAMES), _DEFAULT_VALUE_NAME)


class _ChineseHelp(_click.Command):
    """What a command and a group share: Chinese value names, help option, usage line, arguments
    (put before TyperCommand or TyperGroup among the bases)."""

    context_class: type[_click.Context] = ChineseContext

    def _name_values(self) -> None:
        self.options_metavar = OPTIONS_METAVAR
        for param in self.params:
            param.metavar = _value_name(param)
            _text_as_parsed(param)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click_errors.UsageError as error:
            if error.ctx is None:  # the option parser raises without one: the message needs the command
                error.ctx, error.cmd = ctx, ctx.command
            raise

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
            _text_as_parsed(option)
        return option

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.params:
            if param.param_type_name == "argument":
                name = f"{param.metavar}{'...' if param.nargs != 1 else ''}"
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx, formatter) -> None:
        """Arguments by their Chinese names (typer would add its `<str>`), then the options as typer
        writes them, in the catalogue's words."""
        params: list[Any] = self.get_params(ctx)
        arguments = [param for param in params if param.param_type_name == "argument" and not param.hidden]
        if arguments:
            with formatter.section(typer.core._("Arguments")):
                formatter.write_dl([(param.metavar, _argument_help(param)) for param in arguments])
        options = [
            record
            for param in params
            if param.param_type_name == "option" and (record := param.get_help_record(ctx)) is not None
        ]
        if options:
            with formatter.section(typer.core._("Options")):
                formatter.write_dl(options)


def _text_as_parsed(param: Any) -> None:
    """A plain text option or argument reaches the command as Click parsed it, a str, and a flag as
    a bool. Typer would run each through a pydantic TypeAdapter built at first use (which would turn
    bytes or a number into text: Click gives neither here), and importing pydantic and building them
    costs about 0.2 s of CPU at every start — of the nightly `check quotas` too. Typer's own
    pass-through for types it cannot adapt takes a value that already is a str (a bool) as it is. A
    parameter with a parser, a path's checks, an environment variable (a flag's would be text), a
    list or a tuple keeps Typer's coercion, as does every parameter under a Typer whose internals
    differ (tests/test_startup.py notices)."""
    descriptor = getattr(param, "type_descriptor", None)
    if _PassThrough is None or descriptor is None or getattr(param, "_runtime_param", False) is not None:
        return  # another Typer, or a coercion already built
    plain = descriptor.annotation is str or (descriptor.annotation is bool and getattr(param, "is_flag", False))
    if (
        not plain
        or descriptor.parameter_info.parser is not None
        or descriptor.is_path
        or descriptor.is_file
        or (descriptor.annotation is bool and param.envvar)
        or param.nargs != 1
        or param.multiple
    ):
        return
    try:
        param._runtime_param = _PassThrough(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
    except TypeError:  # pragma: no cover - another Typer's pass-through: its own coercion then
        return


def _argument_help(param: Any) -> str:
    extra = f"[{typer.core._('required')}]" if param.required else ""
    return "  ".join(part for part in (param.help or "", extra) if part)


class ChineseCommand(_ChineseHelp, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._name_values()

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Click's parsing, with extra arguments refused in Chinese."""
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            ctx.fail(f"多余的参数：{' '.join(rest)}")
        return rest


class ChineseGroup(_ChineseHelp, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._name_values()
        self.subcommand_metavar = SUBCOMMAND_METAVAR
        self.suggest_commands = False  # typer's suggestion is English: `resolve_command` gives one in Chinese

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def resolve_command(self, ctx, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click_errors.UsageError as error:
            if type(error) is click_errors.UsageError and args:  # an unknown command, not an option
                near = get_close_matches(args[0], list(self.commands))
                if near:
                    error.message += f"（是否指 {'、'.join(near)}？）"
            raise


class ZsTyper(typer.Typer):
    """typer.Typer whose groups and commands speak Chinese (`ChineseGroup`, `ChineseCommand`)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("cls", ChineseGroup)
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any):
        return super().command(name, cls=cls or ChineseCommand, **kwargs)


# --- usage errors ----------------------------------------------------------------------------


def _option_named(ctx: Any, name: str) -> Any:
    command = ctx.command if ctx is not None else None
    for param in getattr(command, "params", ()):
        if name in (*param.opts, *getattr(param, "secondary_opts", ())):
            return param
    return None


def _param_name(param: Any) -> str:
    if param.param_type_name == "option":
        return "/".join(param.opts)
    return param.metavar or param.name


def usage_message(error: Exception) -> str:
    """A usage error in Chinese, from what it is and the parameter it names."""
    usage: Any = error
    if isinstance(error, click_errors.NoSuchOption):
        near = f"（是否指 {'、'.join(sorted(usage.possibilities))}？）" if usage.possibilities else ""
        return f"没有这个选项：{usage.option_name}{near}"
    if isinstance(error, click_errors.BadOptionUsage):
        option = _option_named(usage.ctx, usage.option_name)
        if option is not None and (option.is_flag or option.count):
            return f"选项 {usage.option_name} 不带值"
        return f"选项 {usage.option_name} 后面缺少值"
    if isinstance(error, click_errors.MissingParameter) and usage.param is not None:
        kind = "选项" if usage.param.param_type_name == "option" else "参数"
        return f"缺少{kind} {_param_name(usage.param)}"
    if isinstance(error, click_errors.BadParameter) and usage.param is not None:
        return f"{_param_name(usage.param)} 的值不可用：{usage.message}"
    if isinstance(error, click_errors.BadArgumentUsage):
        return f"参数的个数不对：{usage.message}"
    return usage.format_message()
