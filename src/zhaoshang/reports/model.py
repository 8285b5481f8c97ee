"""The bulletin as renderer-neutral tables: what the period is, and sections of columns and rows.

A section is one sheet of the workbook and one table on the terminal. Values stay exact
(int, Decimal 万元, Fraction rates, date); each column says how its values read (`format`),
and a row may flag cells (a failure, a leading or lagging unit) for the renderer to colour.
The xlsx writer (`reports.xlsx`) and the CLI render the same sections; `Bulletin.to_json`
gives the figures to other programs under stable English keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from zhaoshang.errors import InputError
from zhaoshang.parsing import YUAN_PER_WAN, format_wan, month_bounds, normalize_text, parse_month, parse_year
from zhaoshang.rules.results import json_number, json_number_text, progress_text

DISTRICT = "相山区"

# --- the period ------------------------------------------------------------------------------

_CHINESE_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_QUARTER_RES = (
    re.compile(r"^(?P<y>\d{4})[-/]?[Qq](?P<q>\d)$"),
    re.compile(r"^(?P<y>\d{4})年第?(?P<q>[一二三四\d])季度?$"),
)
_YEARS = range(2000, 2101)


@dataclass(frozen=True)
class Period:
    """The months a bulletin covers, judged as of its last day.

    kind: month (每月通报), quarter (季度考评) or year (年终考核)."""

    kind: str
    year: int
    first: date
    last: date
    label: str  # 2024年10月, 2024年第三季度, 2024年度

    @property
    def as_of(self) -> date:
        return self.last

    @property
    def whole_year(self) -> bool:
        """The period is the year: its own figures are the year's, shown once."""
        return self.first == date(self.year, 1, 1) and self.last == date(self.year, 12, 31)

    @property
    def word(self) -> str:
        """How a column names the period: 本月, 本季, 本年."""
        return {"month": "本月", "quarter": "本季", "year": "本年"}[self.kind]

    @property
    def document(self) -> str:
        return {"month": "每月通报", "quarter": "季度考评", "year": "年终考核"}[self.kind]

    @property
    def months(self) -> list[str]:
        """The period's months as 'YYYY-MM'."""
        return [f"{self.year}-{number:02d}" for number in range(self.first.month, self.last.month + 1)]

    @property
    def key(self) -> str:
        """The period as its command takes it: 2024-10 (--month), 2024-Q3 (--quarter), 2024 (--year)."""
        if self.kind == "month":
            return f"{self.year}-{self.first.month:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{(self.first.month + 2) // 3}"
        return str(self.year)

    def to_json(self) -> dict:
        return {"kind": self.kind, "year": self.year, "label": self.label, "first": self.first, "last": self.last}


def month_period(value: str, field: str = "月份（--month）") -> Period:
    """`2024-10` (or 2024/10, 2024年10月): that month, as of its last day."""
    year, month = parse_month(value, field)
    if year not in _YEARS:
        raise InputError(f"{field}：'{value}' 不是有效月份", "月份写作 2024-03 或 2024年3月")
    first, last = month_bounds(year, month)
    return Period("month", year, first, last, f"{year}年{month}月")


def quarter_period(value: str, field: str = "季度（--quarter）") -> Period:
    """`2024-Q3` (or 2024Q3, 2024年第三季度): July to September, as of 30 September."""
    text = normalize_text(str(value)).replace(" ", "")
    for pattern in _QUARTER_RES:
        match = pattern.match(text)
        if match:
            number = _CHINESE_QUARTERS.get(match["q"]) or int(match["q"])
            year = int(match["y"])
            if 1 <= number <= 4 and year in _YEARS:
                first = month_bounds(year, 3 * number - 2)[0]
                last = month_bounds(year, 3 * number)[1]
                return Period("quarter", year, first, last, f"{year}年第{'一二三四'[number - 1]}季度")
    raise InputError(
        f"{field}：'{value}' 不是有效季度", "季度写作 2024-Q3（第三季度），例如 zs report quarterly --quarter 2024-Q3"
    )


def year_period(value: str | int, field: str = "年度（--year）") -> Period:
    year = parse_year(value, field)
    return Period("year", year, date(year, 1, 1), date(year, 12, 31), f"{year}年度")


def previous_month(today: date) -> str:
    """The month before today's, as `--month` takes it: the last month whose figures are complete."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def previous_quarter(today: date) -> str:
    quarter = (today.month - 1) // 3
    return f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"


# --- tables -------------------------------------------------------------------------------

# How a column's values read. Values stay exact; a renderer picks the number format.
FORMATS = (
    "text",
    "count",  # whole number: 12
    "days",  # whole number of days
    "wan",  # an amount in 万元, exact Decimal: 12,345.6
    "rate",  # a fraction shown as a percentage: 0.935 → 93.5%
    "percent",  # a number that is already in %: 10.5 → 10.5%
    "decimal",  # a plain number: 38.8 (个百分点 of ZS304), 97.5 (a 序时 target)
    "pp",  # percentage points over (+) or under (−) progress: +2.1
    "date",
)
# Cell flags, coloured by the renderers.
BAD, GOOD, HONOR, SHAME = "bad", "good", "honor", "shame"


@dataclass(frozen=True)
class Column:
    """key: the JSON key ('a.b' nests: {"a": {"b": …}}); header: Chinese, None for a JSON-only
    column; terminal: False for a long column left out of the terminal table."""

    key: str
    header: str | None
    format: str = "text"
    terminal: bool = True
    wrap: bool = False  # long text (a rule's message): wrapped in a narrower column of the workbook


@dataclass
class Row:
    values: tuple
    flags: dict[int, str] | None = None  # column index -> BAD, GOOD, HONOR or SHAME
    formats: dict[int, str] | None = None  # column index -> format, where it differs from the column's
    total: bool = False  # a sum row, set in bold

    def flag(self, index: int) -> str | None:
        return self.flags.get(index) if self.flags else None

    def format(self, index: int, columns: list[Column]) -> str:
        return (self.formats or {}).get(index) or columns[index].format


class QueryRows:
    """Rows produced afresh by each iteration (a query streamed from the ledger), so that a
    table of 100,000 projects never sits in memory; use only inside the read transaction.
    `count` gives their number without producing them."""

    def __init__(self, produce: Callable[[], Iterator[Row]], count: Callable[[], int]):
        self._produce = produce
        self._count = count

    def __iter__(self) -> Iterator[Row]:
        return self._produce()

    def __len__(self) -> int:
        return self._count()


@dataclass(frozen=True)
class Chart:
    """A bar chart of some columns (`series`, by key) over the first `rows` rows, labelled by `category`."""

    title: str
    category: str
    series: tuple[str, ...]
    rows: int


@dataclass
class Section:
    key: str  # JSON key: overall, units, projects, trips, warnings
    title: str  # sheet name and table title
    columns: list[Column]
    rows: Sequence[Row] | QueryRows
    notes: list[str] = field(default_factory=list)
    chart: Chart | None = None
    summary: str | None = None  # one line for the terminal where the rows are too many to print
    frozen_columns: int = 1  # columns kept in view when scrolling right

    def to_json(self) -> list[dict]:
        return [_row_json(self.columns, row) for row in self.rows]


def json_value(value: Any, format: str) -> Any:
    """A value as JSON holds it: rates to 4 decimals, other fractions to 2; Decimal 万元 and dates
    stay exact for the CLI's encoder."""
    if isinstance(value, Fraction):
        return json_number(value, 4 if format == "rate" else 2)
    return value


def json_default(value: Any) -> Any:
    """What `json.dumps` cannot write by itself: an exact Decimal as its shortest number, a date as ISO text."""
    if isinstance(value, Decimal):
        # JSON has one number type; an exact decimal's shortest text survives the round trip.
        return int(value) if value == value.to_integral_value() else float(str(value))
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _row_json(columns: list[Column], row: Row) -> dict:
    data: dict = {}
    for index, (column, value) in enumerate(zip(columns, row.values, strict=True)):
        target = data
        *parents, key = column.key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[key] = json_value(value, row.format(index, columns))
    return data


@dataclass
class Bulletin:
    """The figures of one bulletin: the period, when it was made, the sections, and the state of
    the ledger they were computed from (design §5.2): `ledger` is {"entries", "head", "version"};
    `remade` when the bulletin was made again from that state (`--as-recorded`), not from the
    ledger as it stood when it was made."""

    period: Period
    made_on: date
    progress: Fraction
    sections: list[Section]
    ledger: dict | None = None
    remade: bool = False

    @property
    def title(self) -> str:
        return f"{DISTRICT}招商引资工作{self.period.document}"

    @property
    def as_of_line(self) -> str:
        return f"截至{_chinese_date(self.period.as_of)}（序时进度{progress_text(self.progress)}）"

    @property
    def made_line(self) -> str:
        return f"制表日期：{_chinese_date(self.made_on)}"

    @property
    def subtitle(self) -> str:
        return f"{self.as_of_line}　{self.made_line}"

    @property
    def remade_line(self) -> str | None:
        """据第N条记录重制: a bulletin made again from a recorded state says so."""
        return f"据第{self.ledger['entries']}条记录重制" if self.remade and self.ledger else None

    @property
    def ledger_line(self) -> str | None:
        """Which state of the ledger the figures come from, as a reader can check it:
        `zs audit verify --head HASH`, `zs report verify FILE`."""
        if self.ledger is None:
            return None
        return f"账本状态：第{self.ledger['entries']}条记录　链头 {self.ledger['head']}　{self.ledger['version']}"

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def to_json(self) -> dict:
        data = {
            "title": self.title,
            "period": self.period.to_json(),
            "as_of": self.period.as_of,
            "made_on": self.made_on,
            "progress": json_number(self.progress, 4),
            **{section.key: section.to_json() for section in self.sections},
        }
        if self.ledger is not None:
            data["ledger"] = self.ledger
        if self.remade and self.ledger is not None:
            data["as_recorded"] = self.ledger["entries"]
        return data


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- text forms -------------------------------------------------------------------------------


def display_text(value: Any, format: str) -> str:
    """A value as people read it in a table cell: 12,345.6 · 93.5% · +2.1 · 2024-03-01."""
    if value is None:
        return ""
    if format == "rate":
        return f"{json_number_text(Fraction(value) * 100, 1)}%"
    if format == "pp":
        points = json_number_text(abs(Fraction(value)), 1)
        return f"{'-' if value < 0 and points != '0.0' else '+'}{points}"
    if format == "wan":
        return format_wan(int(Decimal(value) * YUAN_PER_WAN))  # 万元 to the yuan: exact
    if format in ("percent", "decimal", "count", "days") and not isinstance(value, str):
        exact = Fraction(value)
        text = f"{exact.numerator:,}" if exact.denominator == 1 else json_number_text(exact, 2).rstrip("0").rstrip(".")
        return text + ("%" if format == "percent" else "")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
