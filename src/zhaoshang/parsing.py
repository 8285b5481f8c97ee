"""Parsing of what users type or paste: amounts, dates, months, stages, roles, kinds.

Amounts are exact: they become whole 元 (yuan) as int, never a float. The ledger stores
yuan; the contract speaks 万元, so `format_wan` turns yuan back into an exact 万元 figure.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from zhaoshang.errors import InputError

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－／　：", "0123456789.,-/ :")

# Thousands separators only where they belong (1,200万; 12,345.6): `1,20万` is a typo, not 120万.
_AMOUNT_RE = re.compile(r"^(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>亿元|亿|万元|万|元)?$")
# No project, fund or statistic reaches 1000万亿元; a larger figure is a typing slip (and no SQLite integer).
MAX_YUAN = 10**15


def normalize_text(value: str) -> str:
    """Full-width digits and punctuation (common when pasting from Chinese Excel) to ASCII."""
    return value.translate(_FULLWIDTH).strip()


def parse_amount(value: str | int | Decimal, field: str = "总投资") -> int:
    """Parse `1.2亿`, `1.2亿元`, `12000万`, `12000万元` or a bare number (万元) into whole yuan."""
    text = normalize_text(str(value))
    match = _AMOUNT_RE.match(text)
    hint = "金额写作 1.2亿、12000万 或 12000（单位万元），例如 --amount 1.2亿"
    if not match:
        raise InputError(f"{field}：'{value}' 不是有效金额", hint)
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise InputError(f"{field}：'{value}' 不是有效金额", hint) from None
    scale = {"亿元": YUAN_PER_YI, "亿": YUAN_PER_YI, "元": 1}.get(match["unit"] or "", YUAN_PER_WAN)
    yuan = number * scale
    if yuan != yuan.to_integral_value():
        raise InputError(f"{field}：'{value}' 精确到元以下，无法精确记录", "金额最小单位为元（0.0001万元）")
    if yuan <= 0:
        raise InputError(f"{field}：'{value}' 必须大于零", hint)
    if yuan >= MAX_YUAN:
        raise InputError(f"{field}：'{value}' 超过1000万亿元，应是输入有误", hint)
    return int(yuan)


def yuan_to_wan(yuan: int) -> Decimal:
    """Exact 万元 figure of a yuan amount, without trailing zeros (12000, 12345.6)."""
    wan = Decimal(yuan) / YUAN_PER_WAN
    return wan.quantize(Decimal(1)) if wan == wan.to_integral_value() else wan.normalize()


def format_wan(yuan: int | None) -> str:
    """Human form in 万元 with thousands separators: 12,345.6."""
    if yuan is None:
        return ""
    wan = yuan_to_wan(yuan)
    return f"{wan:,}" if wan == wan.to_integral_value() else f"{wan:,f}"


_DATE_RES = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
)


def parse_date(value: str | date, field: str = "日期") -> date:
    """Parse `2024-03-01`, `2024/3/1` or `2024年3月1日`; an impossible day is an error."""
    if isinstance(value, date):
        return value
    text = normalize_text(str(value)).replace(" ", "")
    hint = "日期写作 2024-03-01、2024/3/1 或 2024年3月1日"
    for pattern in _DATE_RES:
        match = pattern.match(text)
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            try:
                return date(year, month, day)
            except ValueError:
                raise InputError(f"{field}：'{value}' 不是有效日期（{year}年{month}月没有{day}日）", hint) from None
    raise InputError(f"{field}：'{value}' 不是有效日期", hint)


_MONTH_RE = re.compile(r"^(?P<y>\d{4})(?:-|/|年)(?P<m>\d{1,2})月?$")


def parse_month(value: str, field: str = "月份") -> tuple[int, int]:
    """Parse `2024-03`, `2024/3` or `2024年3月` into (year, month)."""
    text = normalize_text(str(value)).replace(" ", "")
    match = _MONTH_RE.match(text)
    if match and 1 <= int(match["m"]) <= 12:
        return int(match["y"]), int(match["m"])
    raise InputError(f"{field}：'{value}' 不是有效月份", "月份写作 2024-03 或 2024年3月")


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_year(value: str | int, field: str = "年度") -> int:
    text = normalize_text(str(value)).removesuffix("年")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    raise InputError(f"{field}：'{value}' 不是有效年度", "年度写作四位数字，例如 --year 2024")


def parse_choice(value: str, field: str, choices: dict[str, str], labels: dict[str, str]) -> str:
    """Map an English code or one of its Chinese names (`choices`) to the code; an unknown
    value lists the codes with their `labels`."""
    text = normalize_text(str(value)).replace(" ", "")
    key = choices.get(text) or choices.get(text.lower())
    if key:
        return key
    listed = "、".join(f"{labels[code]}（{code}）" for code in labels)  # the Chinese first: what a clerk types
    raise InputError(f"{field}：'{value}' 不是可用的取值", f"可用取值：{listed}")


STAGES = ("signed", "started", "included", "completed", "producing")
STAGE_LABELS = {
    "lead": "在谈",
    "signed": "签约",
    "started": "开工",
    "included": "纳统",
    "completed": "竣工",
    "producing": "投产",
}
_STAGE_CHOICES = (
    {code: code for code in STAGES}
    | {STAGE_LABELS[code]: code for code in STAGES}
    | {
        "入库": "included",
        "入库纳统": "included",
        "达产": "producing",
    }
)

ROLES = ("principal", "deputy", "head", "member", "staff")
ROLE_LABELS = {
    "principal": "四大班子主要负责同志",
    "deputy": "区政府分管领导",
    "head": "单位主要负责同志",
    "member": "班子成员",
    "staff": "工作人员",
}
_ROLE_CHOICES = {code: code for code in ROLES} | {label: code for code, label in ROLE_LABELS.items()}

KINDS = ("leadership", "department", "town", "street", "zone", "enterprise")
KIND_LABELS = {
    "leadership": "四大班子",
    "department": "部门",
    "town": "镇",
    "street": "街道",
    "zone": "开发区",
    "enterprise": "国企",
}
_KIND_CHOICES = {code: code for code in KINDS} | {label: code for code, label in KIND_LABELS.items()}


def parse_stage(value: str) -> str:
    return parse_choice(value, "阶段", _STAGE_CHOICES, {code: STAGE_LABELS[code] for code in STAGES})


def parse_role(value: str) -> str:
    return parse_choice(value, "职务类别", _ROLE_CHOICES, ROLE_LABELS)


def parse_kind(value: str) -> str:
    return parse_choice(value, "单位类型", _KIND_CHOICES, KIND_LABELS)


def require_text(value: str | None, field: str, max_length: int = 200) -> str:
    """A name or other free text: stripped, not empty, not absurdly long."""
    text = (value or "").strip()
    if not text:
        raise InputError(f"{field}：不能为空", f"请填写{field}")
    if len(text) > max_length:
        raise InputError(f"{field}：'{text[:20]}…' 超过{max_length}个字", f"请缩短{field}")
    return text


CHANNELS = ("委托招商", "以商招商", "基金招商", "外出招商", "驻点招商", "产业链招商", "其他")


def parse_channel(value: str) -> str:
    """One of the opinion's channels (招商方式); `委托` is taken for `委托招商`."""
    text = normalize_text(value).replace(" ", "")
    for channel in CHANNELS:
        if text in (channel, channel.removesuffix("招商")):
            return channel
    raise InputError(f"招商方式：'{value}' 不是可用的取值", f"可用取值：{'、'.join(CHANNELS)}")
