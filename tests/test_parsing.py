"""Amounts and dates as users type and paste them: exact, or refused with the field and value named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.errors import InputError
from zhaoshang.parsing import (
    format_wan,
    parse_amount,
    parse_amount_or_zero,
    parse_channel,
    parse_date,
    parse_month,
    parse_role,
    parse_stage,
    yuan_to_wan,
)


@pytest.mark.parametrize(
    "text, yuan",
    [
        ("1.2亿", 120_000_000),
        ("1.2亿元", 120_000_000),
        ("12000万", 120_000_000),
        ("12000万元", 120_000_000),
        ("12000", 120_000_000),  # bare number: 万元
        ("0.0001", 1),  # one yuan
        ("12,345.6万", 123_456_000),  # thousands separators pasted from Excel
        ("1,200,000", 12_000_000_000),
        ("１，２００万", 12_000_000),  # full-width comma from a Chinese input method
        ("１．５亿", 150_000_000),  # full-width digits
        ("50亿", 5_000_000_000),
        ("0.1", 1_000),
        ("123456789.1234", 1_234_567_891_234),  # no float would keep this
    ],
)
def test_amounts_are_exact_yuan(text, yuan):
    assert parse_amount(text) == yuan
    assert isinstance(parse_amount(text), int)


@pytest.mark.parametrize(
    "text",
    ["abc", "-5", "1.2.3亿", "0", "0.00001", "", "1e5", "亿", "1.2 亿 元 元", "nan",
     "1,20万", "1.200,5", ",100", "1,,200", "12,0000", "100000000000000000000000", "1000万亿"],
)  # fmt: skip
def test_bad_amounts_name_the_field_and_value(text):
    with pytest.raises(InputError) as caught:
        parse_amount(text, "总投资")
    assert caught.value.message.startswith("总投资：") and f"'{text}'" in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize("text", ["0", "00", "0.0", "0.00万", "0亿元", "0元", "０"])
def test_zero_is_read_however_written_where_zero_is_a_figure(text):
    assert parse_amount_or_zero(text, "完成投资") == 0
    assert parse_amount_or_zero("0.5万", "完成投资") == 5_000


def test_wan_figures_round_trip_exactly():
    assert yuan_to_wan(1_234_567_891_234) == Decimal("123456789.1234")
    assert yuan_to_wan(120_000_000) == Decimal("12000")
    assert format_wan(1_234_567_891_234) == "123,456,789.1234"
    assert format_wan(120_000_000) == "12,000"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024/3/1", date(2024, 3, 1)),
        ("2024年3月1日", date(2024, 3, 1)),
        ("2024年3月1", date(2024, 3, 1)),
        ("2024-2-29", date(2024, 2, 29)),
        (" 2024 - 03 - 01 ", date(2024, 3, 1)),
        # The forms an Excel import reads, typed on the command line (issue 14).
        ("2024.3.1", date(2024, 3, 1)),
        ("20240301", date(2024, 3, 1)),
        ("２０２４．３．１", date(2024, 3, 1)),
        ("1990-01-01", date(1990, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
    ],
)
def test_dates_in_the_accepted_forms(text, expected):
    assert parse_date(text) == expected


# Impossible days, unknown forms, and years outside 1990–2100.
BAD_DATES = ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "03/01/2024", "明天", "2024031", "20240230",
             "0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01", "2024.13.1"]  # fmt: skip


@pytest.mark.parametrize("text", BAD_DATES)
def test_bad_dates_are_refused(text):
    with pytest.raises(InputError) as caught:
        parse_date(text, "签约日期")
    assert caught.value.message.startswith("签约日期：") and f"'{text}'" in caught.value.message


def test_months_and_choices():
    assert parse_month("2024-03") == (2024, 3)
    assert parse_month("2024年3月") == (2024, 3)
    with pytest.raises(InputError):
        parse_month("2024-13")
    assert parse_stage("纳统") == parse_stage("入库") == "included"
    assert parse_role("区政府分管领导") == "deputy"
    assert parse_channel("委托") == "委托招商"
