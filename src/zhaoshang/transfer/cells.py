"""Cell values as ledgers hold them, turned into what `zs project add` accepts.

Excel gives numbers as floats (`1.2`), dates as datetimes, or, in cells formatted General,
as serial numbers (`45352`); people type `2024.3.1`, `2024年3月1日`, or only a month
(`202403`, `2024年3月`). Amounts stay exact: a float is read as the 15 significant digits Excel shows.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeGuard

from zhaoshang.errors import InputError
from zhaoshang.parsing import normalize_text, parse_date

WINDOWS_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, for serials after 1900-02-28
DATE_HINT = "日期写作 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日；只知道月份时写 2024年3月（取当月1日）"
_YEARS = range(1980, 2101)  # a serial number or yyyymm outside these years is not a ledger's date

_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_MONTH_ONLY = re.compile(r"^(?P<y>\d{4})(?:(?:[-/.]|年)(?P<m>\d{1,2})月?|(?P<mm>\d{2}))$")
_TIME_OF_DAY = re.compile(r"(?:[ T]+|(?<=日))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_COMPACT_DAY = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")

STATUS_WORDS = {
    "正常": "active",
    "推进中": "active",
    "active": "active",
    "停滞": "stalled",
    "停工": "stalled",
    "stalled": "stalled",
    "终止": "terminated",
    "已终止": "terminated",
    "terminated": "terminated",
}


# What ledgers write in a date or amount cell that has none yet.
PLACEHOLDERS = frozenset({"/", "-", "--", "—", "——", "无", "暂无", "待定"})


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_placeholder(value: object) -> bool:
    """Blank, or `—`, `/`, `无`…: how a ledger says that a date or amount is not there yet."""
    return is_blank(value) or (isinstance(value, str) and normalize_text(value).replace(" ", "") in PLACEHOLDERS)


def _is_number(value: object) -> TypeGuard[int | float | Decimal]:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def number_text(value: int | float | Decimal) -> str:
    """A number as Excel shows it: a float to 15 significant digits (1.2, not 1.2000000000000002)."""
    number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
    return format(number.normalize(), "f")


def cell_text(value: object) -> str | None:
    """A text cell's content; a number typed into a text column keeps the form Excel shows."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if _is_number(value):
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def amount_text(value: object, unit: str | None) -> str | None:
    """An amount cell as `parse_amount` reads it: a bare number in a 亿元 column becomes `<n>亿`.

    A cell that writes its own unit (`1.2亿` in a 万元 column) keeps it; a bare number in a column
    without a unit means 万元, as everywhere in zs.
    """
    if _is_number(value):  # a number cell: no unit of its own, no separators to check
        number = number_text(value)
        return number + unit if unit in ("亿", "元") else number
    if is_placeholder(value):
        return None
    text = cell_text(value)
    assert text is not None  # only a blank cell has no text, and blanks are placeholders
    if unit in ("亿", "元") and _BARE_NUMBER.match(normalize_text(text).replace(",", "")):
        return text + unit
    return text


def _invalid_date(label: str, value: object) -> InputError:
    return InputError(f"{label}：'{value}' 不是有效日期", DATE_HINT)


def _from_number(number: int | float | Decimal, label: str, raw: object, epoch: date) -> tuple[date, bool]:
    """A number in a date column: yyyymm, yyyymmdd, or an Excel serial day number."""
    if number == int(number):
        text = str(int(number))
        compact = _COMPACT_DAY.match(text)
        if len(text) == 6 and int(text[:4]) in _YEARS and 1 <= int(text[4:]) <= 12:
            return date(int(text[:4]), int(text[4:]), 1), True
        if compact and int(compact["y"]) in _YEARS:
            try:
                return date(int(compact["y"]), int(compact["m"]), int(compact["d"])), False
            except ValueError:
                raise _invalid_date(label, raw) from None
    if 0 < number < 100_000:
        on = epoch + timedelta(days=int(number))
        if on.year in _YEARS:
            return on, False
    raise _invalid_date(label, raw)


def read_date(value: object, label: str, epoch: date = WINDOWS_EPOCH) -> tuple[date | None, bool]:
    """(date, whether only its month was given) of a date cell; (None, False) when blank or `—`.

    A month alone (`202403`, `2024年3月`, `2024-03`) is taken as the month's first day.
    """
    if is_placeholder(value):
        return None, False
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value.year not in _YEARS:  # a serial of −5 or 1 in a date cell: 1899, 1900
            raise _invalid_date(label, value.isoformat())
        return value, False
    if _is_number(value):
        return _from_number(value, label, value, epoch)
    raw = str(value).strip()
    # A date-time typed as text (`2024-08-30 00:00:00`, `2024/08/30 00:00`, `2024-08-30T00:00`): its day.
    text = _TIME_OF_DAY.sub("", normalize_text(raw)).strip()
    if text.isdigit():
        return _from_number(int(text), label, raw, epoch)
    month = _MONTH_ONLY.match(text)
    if month:
        number = int(month["m"] or month["mm"])
        if 1 <= number <= 12:
            return date(int(month["y"]), number, 1), True
        raise _invalid_date(label, raw)
    try:
        return parse_date(text, label), False
    except InputError as error:
        raise InputError(error.message, DATE_HINT) from None


def read_status(value: object, label: str) -> str:
    """正常 / 停滞 / 终止 (or the English codes); blank is 正常."""
    text = cell_text(value)
    if text is None:
        return "active"
    status = STATUS_WORDS.get(normalize_text(text).replace(" ", "").lower())
    if status is None:
        raise InputError(
            f"{label}：'{text}' 不是可用的取值", "状态写作 正常、停滞 或 终止（停滞、终止须在「原因」列写明原因）"
        )
    return status
