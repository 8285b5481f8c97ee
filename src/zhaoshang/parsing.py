"""Parsing of what users type or paste: text, amounts, dates, months, whole numbers, stages, roles, kinds.

Every command and the Excel import read their values through these functions, so a limit is
the same wherever a value comes in. Amounts are exact: they become whole 元 (yuan) as int,
never a float. The ledger stores yuan; the contract speaks 万元, so `format_wan` turns yuan
back into an exact 万元 figure.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext

from zhaoshang.errors import InputError

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000

# Thousands separators only where they belong (1,200万; 12,345.6): `1,20万` is a typo, not 120万.
_AMOUNT_RE = re.compile(r"^(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>亿元|亿|万元|万|元)?$")
# No project, fund or statistic reaches 1000万亿元; a larger figure is a typing slip (and no SQLite integer).
MAX_YUAN = 10**15


# --- text ---------------------------------------------------------------------------------

# Longest text a field takes, in characters (after invisible characters are dropped). Excel
# holds at most 32,767 characters in a cell, so a note exported and imported comes back whole;
# names and codes are far shorter: they head tables, the bulletin and audit entries.
EXCEL_CELL_MAX = 32_767
NOTE_MAX = EXCEL_CELL_MAX  # 备注
REASON_MAX = 500  # 停滞、终止的原因
NAME_MAX = 200  # 项目、基金、楼宇、会议的名称，投资方、产业类别、来源地、目的地
UNIT_NAME_MAX = 60
PERSON_NAME_MAX = 40
CODE_MAX = 40  # 项目编号
TEXT_MAX = 2000  # 走访企业，项目问题和企业诉求的内容
ACTOR_MAX = 60  # 操作人（--actor）

# Zero-width characters are dropped: they only ever arrive by accident (a paste from a web page
# or Word) and would make `XM000001` and `XM000001\u200b` two codes that look the same.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]")  # faster than str.translate on CJK text (an import reads many)
# Bidi controls reorder what is shown (an RTL override makes `1.2亿` display as something else):
# refused, never silently kept or dropped.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Excel's Alt+Enter gives line breaks; tabs come with pasted cells. Only multi-line fields keep them.
_LINE_CONTROLS = frozenset("\n\t")


def strip_invisible(value: str) -> str:
    """The text without zero-width characters (U+200B–200D, U+2060, U+FEFF)."""
    return _ZERO_WIDTH_RE.sub("", value)


def normalize_text(value: str) -> str:
    """Text as codes and names are compared: NFKC (full-width digits, letters and punctuation, as a
    Chinese input method or a pasted Excel cell gives them, become ASCII), zero-width characters
    dropped, surrounding space trimmed."""
    return unicodedata.normalize("NFKC", strip_invisible(value)).strip()


def _is_refused_character(char: str, multiline: bool) -> bool:
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):
        return not (multiline and char in _LINE_CONTROLS)
    code_point = ord(char)
    # Format characters (soft hyphen, tags, …), lone surrogates and XML's non-characters.
    return category in ("Cf", "Cs") or 0xFDD0 <= code_point <= 0xFDEF or (code_point & 0xFFFE) == 0xFFFE


def shown(value: str, limit: int = 40) -> str:
    """A value as an error message quotes it: invisible characters written as \\u202e, long text cut."""
    text = "".join(
        (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        if _is_refused_character(char, multiline=False) or char in _ZERO_WIDTH
        else char
        for char in value[:limit]
    )
    return text + ("…" if len(value) > limit else "")


def clean_text(value: str, field: str, max_length: int = NAME_MAX, multiline: bool = False) -> str:
    """Free text as it is stored: zero-width characters dropped, surrounding space trimmed,
    Windows line ends made `\\n`; refused when it holds a control or bidi character (line breaks
    and tabs only where `multiline`) or is longer than `max_length` characters. May be empty."""
    text = strip_invisible(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if not text.isprintable():  # the common case, plain text, needs no look at each character
        _refuse_invisible(text, field, multiline)
    if len(text) > max_length:
        raise InputError(f"{field}：'{shown(text, 20)}' 共{len(text)}个字，超过{max_length}个字", f"请缩短{field}")
    return text


def _refuse_invisible(text: str, field: str, multiline: bool) -> None:
    for char in text:
        if char in BIDI_CONTROLS:
            raise InputError(
                f"{field}：'{shown(text)}' 含改变文字方向的控制字符 U+{ord(char):04X}，显示的文字会与实际不同",
                "删去这个看不见的字符后重新输入（从网页或其他软件粘贴时常会带上）",
            )
        if not _is_refused_character(char, multiline):
            continue
        if char in "\n\t\u2028\u2029":
            raise InputError(
                f"{field}：'{shown(text)}' 含换行或制表符", f"{field}只能写一行；备注、原因、事由、走访企业可以换行"
            )
        raise InputError(f"{field}：'{shown(text)}' 含控制字符 U+{ord(char):04X}", "删去这个看不见的字符后重新输入")


def parse_amount(value: str | int | Decimal, field: str = "总投资") -> int:
    """Parse `1.2亿`, `1.2亿元`, `12000万`, `12000万元` or a bare number (万元) into whole yuan."""
    text = normalize_text(str(value))
    hint = "金额写作 1.2亿、12000万 或 12000（单位万元），例如 --amount 1.2亿"

    def refused(reason: str, fix: str = hint) -> InputError:
        return InputError(f"{field}：'{shown(str(value))}' {reason}", fix)

    # 40 characters hold any amount below MAX_YUAN to the 元 with room to spare; a longer one is
    # no amount, and its digits would exceed the precision the scaling below is exact to.
    match = _AMOUNT_RE.match(text) if len(text) <= 40 else None
    if not match:
        raise refused("不是有效金额")
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise refused("不是有效金额") from None
    scale = {"亿元": YUAN_PER_YI, "亿": YUAN_PER_YI, "元": 1}.get(match["unit"] or "", YUAN_PER_WAN)
    with localcontext() as context:
        context.prec = 60  # exact for every 40-character number
        yuan = number * scale
    if yuan != yuan.to_integral_value():
        raise refused("精确到元以下，无法精确记录", "金额最小单位为元（0.0001万元）")
    if yuan <= 0:
        raise refused("必须大于零")
    if yuan >= MAX_YUAN:
        raise refused("超过1000万亿元，应是输入有误")
    return int(yuan)


# Zero with a unit or not, as a clerk or Excel writes it: 0, 00, 0.0, 0.00万 …
_ZERO = re.compile(r"0+(\.0*)?(万元|万|亿元|亿|元)?")


def parse_amount_or_zero(value: str | int | Decimal, field: str) -> int:
    """An AMOUNT as `parse_amount` reads it, or zero written as `0` (`0万`, `0元` …): a building's
    tax, a month in which nothing was invested."""
    text = normalize_text(str(value)).replace(" ", "")
    return 0 if _ZERO.fullmatch(text) else parse_amount(text, field)


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


# Every form the Excel import reads as a day, typed as text: the command line takes the same.
_DATE_RES = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
DATE_HINT = "日期写作 2024-03-01、2024/3/1、2024.3.1、20240301 或 2024年3月1日"
# A ledger's dates: nothing of the bureau's is older, and a later year is a typing slip (2204 for 2024).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def _check_year(year: int, value: object, field: str, hint: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"{field}：'{shown(str(value))}' 不在{FIRST_YEAR}–{LAST_YEAR}年之间", f"请核对年份；{hint}")


def parse_date(value: str | date, field: str = "日期") -> date:
    """Parse `2024-03-01`, `2024/3/1`, `2024.3.1`, `20240301` or `2024年3月1日`, between 1990 and
    2100; an impossible day is an error."""
    if isinstance(value, date):
        _check_year(value.year, value, field, DATE_HINT)
        return value
    text = normalize_text(str(value)).replace(" ", "")
    for pattern in _DATE_RES:
        match = pattern.match(text)
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            try:
                on = date(year, month, day)
            except ValueError:
                raise InputError(
                    f"{field}：'{shown(str(value))}' 不是有效日期（{year}年{month}月没有{day}日）", DATE_HINT
                ) from None
            _check_year(year, value, field, DATE_HINT)
            return on
    raise InputError(f"{field}：'{shown(str(value))}' 不是有效日期", DATE_HINT)


_MONTH_RE = re.compile(r"^(?P<y>\d{4})(?:-|/|\.|年)(?P<m>\d{1,2})月?$")
MONTH_HINT = "月份写作 2024-03 或 2024年3月"


def parse_month(value: str, field: str = "月份") -> tuple[int, int]:
    """Parse `2024-03`, `2024/3`, `2024.3` or `2024年3月` into (year, month), between 1990 and 2100."""
    text = normalize_text(str(value)).replace(" ", "")
    match = _MONTH_RE.match(text)
    if match and 1 <= int(match["m"]) <= 12:
        _check_year(int(match["y"]), value, field, MONTH_HINT)
        return int(match["y"]), int(match["m"])
    raise InputError(f"{field}：'{shown(str(value))}' 不是有效月份", MONTH_HINT)


# SQLite's (and PostgreSQL's bigint) largest integer: a larger number cannot be stored as one.
INT64_MAX = 2**63 - 1


def parse_whole(value: str | int, field: str, hint: str, minimum: int = 0) -> int:
    """A whole number typed as digits (full-width too), from `minimum` up to INT64_MAX."""
    text = normalize_text(str(value))
    if not re.fullmatch(r"[0-9]+", text):
        raise InputError(f"{field}：'{shown(str(value))}' 不是整数", hint)
    # Compared as text first: int() of a 10,000-digit string is refused by Python itself.
    if len(text.lstrip("0")) > len(str(INT64_MAX)) or int(text) > INT64_MAX:
        raise InputError(f"{field}：'{shown(str(value))}' 超出可记录的范围（最大 {INT64_MAX}）", hint)
    number = int(text)
    if number < minimum:
        raise InputError(f"{field}：'{shown(str(value))}' 应不小于 {minimum}", hint)
    return number


def parse_id(value: str | int, field: str, hint: str) -> int:
    """A record's number as a listing shows it: `12` or `#12` (a trip, a problem, a request)."""
    text = normalize_text(str(value)).removeprefix("#")
    if not text.isdigit():
        raise InputError(f"{field}：'{shown(str(value))}' 不是有效编号", hint)
    return parse_whole(text, field, hint, minimum=1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_year(value: str | int, field: str = "年度") -> int:
    """An assessment year, 2000–2100: `2024` or `2024年`."""
    text = normalize_text(str(value)).removesuffix("年")
    if re.fullmatch(r"[0-9]{4}", text) and 2000 <= int(text) <= 2100:
        return int(text)
    raise InputError(f"{field}：'{shown(str(value))}' 不是有效年度", "年度写作四位数字，例如 --year 2024")


def parse_choice(value: str, field: str, choices: dict[str, str], labels: dict[str, str]) -> str:
    """Map an English code or one of its Chinese names (`choices`) to the code; an unknown
    value lists the codes with their `labels`."""
    text = normalize_text(str(value)).replace(" ", "")
    key = choices.get(text) or choices.get(text.lower())
    if key:
        return key
    listed = "、".join(f"{labels[code]}（{code}）" for code in labels)  # the Chinese first: what a clerk types
    raise InputError(f"{field}：'{shown(str(value))}' 不是可用的取值", f"可用取值：{listed}")


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


def require_text(value: str | None, field: str, max_length: int = NAME_MAX, multiline: bool = False) -> str:
    """A name or other text that must be given: cleaned as `clean_text`, not empty (a name made
    only of spaces or zero-width characters is empty)."""
    text = clean_text(value or "", field, max_length, multiline)
    if not text:
        raise InputError(f"{field}：不能为空", f"请填写{field}")
    return text


def optional_text(value: str | None, field: str, max_length: int = NAME_MAX, multiline: bool = False) -> str | None:
    """Text that may be left out: cleaned as `clean_text`; blank is None (clears the field)."""
    return clean_text(value or "", field, max_length, multiline) or None


def parse_reason(value: str | None, field: str = "原因") -> str:
    """Why a project stalled or ended: required, up to REASON_MAX characters, line breaks allowed."""
    return require_text(value, field, REASON_MAX, multiline=True)


def require_code(value: str | None, field: str = "项目编号") -> str:
    """A project code: compared and stored in its NFKC form, so `ＸＭ０００００１` and
    `XM000001` followed by a zero-width space are the code `XM000001`."""
    return require_text(unicodedata.normalize("NFKC", value or ""), field, CODE_MAX)


CHANNELS = ("委托招商", "以商招商", "基金招商", "外出招商", "驻点招商", "产业链招商", "其他")


def parse_channel(value: str) -> str:
    """One of the opinion's channels (招商方式); `委托` is taken for `委托招商`."""
    text = normalize_text(value).replace(" ", "")
    for channel in CHANNELS:
        if text in (channel, channel.removesuffix("招商")):
            return channel
    raise InputError(f"招商方式：'{shown(value)}' 不是可用的取值", f"可用取值：{'、'.join(CHANNELS)}")
