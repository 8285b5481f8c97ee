"""What a rule returns, how a figure is judged against its target, and the report of a run.

Figures are exact: counts are int, amounts Decimal, rates and the progress (序时进度)
Fraction; they are rounded only when written out (JSON: progress and rates to 4 decimals,
expected figures to 2).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from zhaoshang.parsing import month_bounds
from zhaoshang.policy import METRICS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

STATUS_LABELS = {
    "met": "达标",
    "on_track": "超序时",
    "behind": "落后序时",
    "missed": "未完成",
    "in_progress": "进行中",
    "no_data": "无数据",
}
FAILING = frozenset({"behind", "missed"})
# How people read the two severities (the opinion's words): 约束性, a plain or 确保 target, fails the
# check; 预期性, a 力争 target, only warns. JSON keeps `error` and `warning`.
SEVERITY_LABELS = {"error": "约束性", "warning": "预期性"}

Number = int | Decimal | Fraction  # exact; Python compares the three with one another exactly


def status_label(status: str, against_progress: bool) -> str:
    """The Chinese status: 落后序时 only where a progress target (序时) exists; a rate, a
    month's minimum or a flagged project that falls short is 未达标."""
    if status == "behind" and not against_progress:
        return "未达标"
    return STATUS_LABELS[status]


def progress(as_of: date) -> Fraction:
    """序时进度 at a date: (m − 1 + d / days_in_month) / 12; at a month's last day m / 12 (design §2)."""
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    return (as_of.month - 1 + Fraction(as_of.day, days_in_month)) / 12


def year_over(as_of: date) -> bool:
    """Whether as_of is the last day of its year: the year's figures are final."""
    return (as_of.month, as_of.day) == (12, 31)


@dataclass(frozen=True)
class Month:
    """A month of the year up to as_of; `over` when its last day is on or before as_of."""

    first: date
    last: date
    over: bool
    key: str = ""  # 'YYYY-MM', read for every person of every month: computed once

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.first.isoformat()[:7])


def months_until(as_of: date) -> list[Month]:
    """The months of as_of's year from January to the month holding as_of."""
    months = []
    for number in range(1, as_of.month + 1):
        first, last = month_bounds(as_of.year, number)
        months.append(Month(first, last, last <= as_of))
    return months


@dataclass
class Result:
    """One judged figure. The JSON fields of design §3, plus `kind` (how the numbers read),
    `metric` (the target row it was judged against) and `facts` (the rows behind it, for
    the monthly report); these three are not part of the JSON contract. `keys` are JSON keys a
    rule adds to its results (design §5.1: `person_id` and `unit` of a person's result,
    `projects` of ZS403 and ZS404)."""

    subject: str | None
    period: str
    actual: Number | None
    target: Number | None
    expected: Fraction | None
    status: str
    message: str
    kind: str = "count"
    metric: str | None = None
    title: str | None = None
    facts: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    code: str = ""
    clause: str = ""
    severity: str = ""

    @property
    def passed(self) -> bool:
        return self.status not in FAILING

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.expected is not None)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "clause": self.clause,
            "severity": self.severity,
            "subject": self.subject,
            "period": self.period,
            "actual": json_number(self.actual, 4 if self.kind == "rate" else None),
            "target": json_number(self.target),
            "expected": json_number(self.expected, 2),
            "status": self.status,
            "passed": self.passed,
            "message": self.message,
            **self.keys,
        }


@dataclass
class CheckReport:
    """The results of one run of the rules at a date."""

    as_of: date
    year: int
    progress: Fraction
    results: list[Result]
    verified_starts: bool = False  # ZS102, ZS104, ZS105 counted only verified starts

    @property
    def failures(self) -> list[Result]:
        return [result for result in self.results if not result.passed]

    @property
    def errors(self) -> int:
        return sum(1 for result in self.failures if result.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for result in self.failures if result.severity == "warning")

    @property
    def ok(self) -> bool:
        """False when any error-severity result has not passed (exit code 1)."""
        return self.errors == 0

    def to_json(self) -> dict:
        """Design §3's object; plain JSON types only."""
        errors, warnings = self.errors, self.warnings  # each a pass over thousands of results: once
        return {
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "progress": json_number(self.progress, 4),
            "ok": errors == 0,
            "results": [result.to_json() for result in self.results],
            "summary": {"errors": errors, "warnings": warnings},
            **({"verified_starts": True} if self.verified_starts else {}),
        }


def json_number(value: Number | None, places: int | None = None) -> int | float | None:
    """An exact figure as a JSON number: whole numbers as int, others rounded half up to `places`."""
    if value is None or type(value) is int:  # most figures are counts: the quick way out
        return value
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


# --- how figures read in messages -----------------------------------------------------------

_UNIT_WORD = re.compile(r"（([^（）%]+)）$")


def unit_word(metric: str) -> str:
    """The counting word of a metric from its label: 个 for ZS101, 家 for ZS301, 万元 for ZS303."""
    match = _UNIT_WORD.search(METRICS.get(metric, ("", ""))[0])
    return match[1] if match else ""


def percent_text(value: Number, places: int = 1) -> str:
    """0.935 → 93.5%, exactly rounded half up (one decimal kept: 75.0%)."""
    return f"{json_number_text(Fraction(value) * 100, places)}%"


def progress_text(share: Fraction) -> str:
    """序时进度 as people read it: 25%, 12.64%."""
    return f"{json_number_text(share * 100, 2).rstrip('0').rstrip('.')}%"


def json_number_text(value: Number, places: int) -> str:
    exact = Decimal(Fraction(value).numerator) / Decimal(Fraction(value).denominator)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:f}"


def figure(kind: str, value: Number | None, word: str = "") -> str:
    """A figure as people read it, by kind: 25个, 93.5%, 6天, 12,345万元, 10%, 38.8个百分点."""
    if value is None:
        return "—"
    if kind == "rate":
        return percent_text(value)
    exact = Fraction(value)
    text = str(exact.numerator) if exact.denominator == 1 else json_number_text(exact, 2).rstrip("0").rstrip(".")
    if kind == "amount":
        whole, _, decimals = text.partition(".")
        return f"{int(whole):,}{'.' + decimals if decimals else ''}万元"
    suffix = {"days": "天", "percent": "%", "points": "个百分点"}.get(kind, word)
    return f"{text}{suffix}"


# --- judging --------------------------------------------------------------------------------


def against_progress(actual: Number, target: Number, share: Fraction, over: bool) -> tuple[str, Fraction]:
    """A count built up over the year (ZS101, ZS102, ZS301, ZS303).

    met when the year's target is reached; else missed when the year is over; else on_track
    when actual ≥ target × share (share = 序时进度), behind below. Returns (status, expected).
    """
    expected = Fraction(target) * share
    if actual >= target:
        return "met", expected
    if over:
        return "missed", expected
    return ("on_track" if actual >= expected else "behind"), expected


def by_year_end(actual: Number, target: Number, over: bool) -> str:
    """A target with no progress meaning (ZS103, ZS305, ZS306; a month's minimum): it does
    not fail before its period's last day unless already met."""
    if actual >= target:
        return "met"
    return "missed" if over else "in_progress"


def against_level(actual: Number, target: Number, over: bool) -> str:
    """A rate or growth figure (ZS104, ZS105, ZS302, ZS304, ZS402): judged as it stands, with no
    progress scaling; below the target it is behind, or missed when the year is over."""
    if actual >= target:
        return "met"
    return "missed" if over else "behind"


def progress_message(
    actual: Number,
    target: Number,
    share: Fraction,
    status: str,
    kind: str,
    word: str,
    done: str = "完成",
    note: str = "",
) -> str:
    """完成25个，年度目标117个，序时目标29.25个（序时进度25%），落后序时3.6个百分点; `note` follows the actual figure."""
    actual_text, target_text = figure(kind, actual, word) + note, figure(kind, target, word)
    if status == "met":
        return f"{done}{actual_text}，已达年度目标{target_text}"
    if status == "missed":
        return f"全年{done}{actual_text}，未达年度目标{target_text}"
    expected = Fraction(target) * share
    text = f"{done}{actual_text}，年度目标{target_text}，序时目标{figure(kind, expected, word)}（序时进度{progress_text(share)}）"
    if target:
        points = (Fraction(actual) / Fraction(target) - share) * 100
        direction = "超序时" if points >= 0 else "落后序时"
        text += f"，{direction}{json_number_text(abs(points), 1)}个百分点"
    return text


def unjudged(year: int, message: str, *, period: str | None = None, target=None, actual=None, **fields) -> Result:
    """A result not judged (`no_data`): no target, no figures, nothing yet to count; `message` says what to enter."""
    return Result(fields.pop("subject", None), period or str(year), actual, target, None, "no_data", message, **fields)


def missing_target(metric: str, year: int, subject: str | None = None, period: str | None = None) -> Result:
    """The result of a rule whose target is not set for the year: not judged."""
    label = METRICS.get(metric, (metric, ""))[0]
    message = f"未设定{year}年目标「{label}」：zs target set {metric} 数值 --year {year}"
    return unjudged(year, message, period=period, subject=subject, metric=metric)


def shared(connection: Connection, key: tuple, compute: Callable[[], Any]) -> Any:
    """A figure computed once per run of the rules (`run_checks` sets up and drops the cache)
    and shared by the rules that need it: trip days (ZS201–ZS203), duplicate signings (ZS101–ZS105, ZS404)."""
    cache = connection.info.setdefault("zs_rules_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@dataclass
class Scope:
    """Whom a figure is about: the district (unit None) or a unit with its own target."""

    unit_id: int | None
    unit: str | None
    target: Decimal | None


def as_number(value: Any) -> Number:
    """A stored decimal target that is whole as int, to print and compare cleanly."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value
