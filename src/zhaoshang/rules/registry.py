"""The registry of rules: each a small function registered with its code, name, title,
clause and severity; selection by code prefix as flake8 and ruff do it."""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from zhaoshang.errors import InputError
from zhaoshang.parsing import normalize_text
from zhaoshang.rules.results import Result

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

RuleFunction = Callable[["Connection", int, date], list[Result]]
SEVERITIES = ("error", "warning")
_CODE_RE = re.compile(r"^ZS\d{3}$")
_SEPARATORS = re.compile("[,，、]")


class DuplicateRuleError(RuntimeError):
    """Two rules registered under one code: a programming error, raised at import."""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # short English name, for people who grep
    title: str  # the Chinese title, as reports show it
    clause: str  # the opinion's clause, e.g. （四）
    severity: str  # error (a plain or 确保 target) or warning (力争)
    function: RuleFunction

    @property
    def doc(self) -> str:
        """What the rule checks, why (the opinion's words) and how the figure is computed."""
        return inspect.cleandoc(self.function.__doc__ or "")

    def run(self, connection: Connection, year: int, as_of: date) -> list[Result]:
        """The rule's results, stamped with its code, clause, severity and (unless a result names a part) title."""
        results = self.function(connection, year, as_of)
        for result in results:  # fresh objects of this run: stamped in place, a city's ledger has thousands
            result.code, result.clause, result.severity = self.code, self.clause, self.severity
            result.title = result.title or self.title
        return results


class Registry:
    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def rule(
        self, code: str, name: str, title: str, clause: str, severity: str
    ) -> Callable[[RuleFunction], RuleFunction]:
        """Decorator registering a rule function; the function is returned unchanged."""

        def register(function: RuleFunction) -> RuleFunction:
            if code in self._rules:
                raise DuplicateRuleError(
                    f"rule {code} registered twice: {self._rules[code].function.__qualname__} and {function.__qualname__}"
                )
            if not _CODE_RE.match(code) or severity not in SEVERITIES:
                raise ValueError(f"rule {code}: code must be ZS and three digits, severity one of {SEVERITIES}")
            if not (function.__doc__ or "").strip():
                raise ValueError(f"rule {code}: a rule says in its docstring what it checks, why and how")
            self._rules[code] = Rule(code, name, title, clause, severity, function)
            return function

        return register

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda rule: rule.code))

    def __len__(self) -> int:
        return len(self._rules)

    def get(self, code: str) -> Rule:
        text = normalize_text(code or "").upper()
        if text in self._rules:
            return self._rules[text]
        raise InputError(
            f"规则代码：'{code}' 不存在", f"可用代码：{'、'.join(rule.code for rule in self)}；查看全部：zs check rules"
        )

    def prefixes(self, codes: str | Iterable[str] | None, field: str) -> list[str]:
        """Comma-separated code prefixes, each matching at least one rule. Full-width text as a
        Chinese input method types it is folded first (ＺＳ１０１), and ，、 separate as , does."""
        if codes is None:
            return []
        items = [codes] if isinstance(codes, str) else list(codes)
        folded = [normalize_text(unicodedata.normalize("NFKC", item)) for item in items]  # ＺＳ１ → ZS1
        prefixes = [part.replace(" ", "").upper() for item in folded for part in _SEPARATORS.split(item)]
        prefixes = [prefix for prefix in prefixes if prefix]
        for prefix in prefixes:
            if not any(rule.code.startswith(prefix) for rule in self):
                raise InputError(
                    f"{field}：'{prefix}' 不匹配任何规则",
                    "规则代码以 ZS 开头，例如 --select ZS1,ZS201 或 --ignore ZS4；查看全部：zs check rules",
                )
        return prefixes

    def select(
        self, select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None
    ) -> list[Rule]:
        """The rules chosen by code prefixes: for each rule the longest matching prefix decides
        (a tie goes to ignore); with no --select every rule starts selected."""
        selected = self.prefixes(select, "选择规则（--select）")
        ignored = self.prefixes(ignore, "忽略规则（--ignore）")
        chosen = []
        for rule in self:
            best_select = max((len(prefix) for prefix in selected if rule.code.startswith(prefix)), default=-1)
            best_ignore = max((len(prefix) for prefix in ignored if rule.code.startswith(prefix)), default=-1)
            if not selected:
                best_select = max(best_select, 0)
            if best_select > best_ignore:
                chosen.append(rule)
        return chosen


REGISTRY = Registry()
rule = REGISTRY.rule
