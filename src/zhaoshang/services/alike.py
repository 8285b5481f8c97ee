"""When two projects look like one signed twice (ZS404): the same investor and alike names.

Pure functions over names, the SQL that compares investors, and the pairs the bureau has said
are two projects after all (`zs project distinct`). The rule (rules/projects.py) and the writes
that merge or tell projects apart (services/retire.py) both use them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_NAME_SUFFIXES = ("项目", "工程", "建设")
_MIN_CONTAINED = 4  # a shorter name inside a longer one is too weak a sign (电池 in 电池材料)

# An investor as compared for ZS404: case and spaces (half- and full-width) ignored. The project
# table has an index on this very expression (migration 0003): keep the two the same, or the
# search for a year's duplicates scans every project.
INVESTOR_KEY_EXPRESSION = "replace(replace(lower(investor), ' ', ''), '　', '')"
INVESTOR_KEY_SQL = INVESTOR_KEY_EXPRESSION.replace("(investor)", "(project.investor)")


def name_key(name: str) -> str:
    """A project name as compared for ZS404: full-width folded, lower case, only letters and
    digits kept, and common suffixes (项目, 工程, 建设) removed from the end."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    stripped = True
    while stripped:
        stripped = False
        for suffix in _NAME_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, stripped = text[: -len(suffix)], True
    return text


# A phase of a project: 一期, 二期, 2期, 第三期, （一期）, 十二期. Another phase is another project.
_PHASE_RE = re.compile(r"第?([0-9]+|[一二三四五六七八九十]+)期")
_CHINESE_DIGITS = {digit: value for value, digit in enumerate("一二三四五六七八九", start=1)}


def _phase_number(numeral: str) -> int | str:
    """2 for 2 and 二, 12 for 十二, 20 for 二十; a numeral not understood stays as text."""
    if numeral.isdigit():
        return int(numeral)
    tens, ten, ones = numeral.partition("十")
    if not ten:
        return _CHINESE_DIGITS.get(numeral, numeral)
    if (tens and tens not in _CHINESE_DIGITS) or (ones and ones not in _CHINESE_DIGITS):
        return numeral
    return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)


@lru_cache(maxsize=8192)
def phases_and_key(name: str) -> tuple[tuple, str]:
    """The phases a project name names (sorted; empty when none) and its name_key without them:
    `众诚电池二期项目` → ((2,), '众诚电池')."""
    text = unicodedata.normalize("NFKC", name)
    phases = tuple(sorted((_phase_number(match[1]) for match in _PHASE_RE.finditer(text)), key=str))
    return phases, name_key(_PHASE_RE.sub("", text))


def names_alike(first: str, second: str) -> bool:
    """The same phase (一期 and 1期 alike; 二期 and none not), and then the names without the phase
    equal after name_key, or one inside the other and the shorter at least 4 characters."""
    (first_phases, first_key), (second_phases, second_key) = phases_and_key(first), phases_and_key(second)
    if first_phases != second_phases:
        return False
    a, b = sorted((first_key, second_key), key=len)
    return a == b or (len(a) >= _MIN_CONTAINED and a in b)


def distinct_pairs(connection: Connection) -> frozenset[tuple[int, int]]:
    """The pairs of project ids said to be two projects (first id < second id)."""
    return frozenset(
        (first, second)
        for first, second in connection.exec_driver_sql("SELECT first_id, second_id FROM project_distinct")
    )


def pair_key(first_id: int, second_id: int) -> tuple[int, int]:
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def alike_groups(projects: list[dict], distinct: frozenset[tuple[int, int]] = frozenset()) -> list[list[dict]]:
    """Projects of one investor joined into groups of alike names (transitively: A alike B and B
    alike C make one group), a pair said to be distinct not joining; each group of two or more in
    signing order (a tie: the one entered first), its first the earliest signing."""
    groups: list[list[dict]] = []
    for project in projects:
        joined = [
            group
            for group in groups
            if any(
                names_alike(project["name"], other["name"]) and pair_key(project["id"], other["id"]) not in distinct
                for other in group
            )
        ]
        merged = [project] + [member for group in joined for member in group]
        groups = [group for group in groups if group not in joined] + [merged]
    return [sorted(group, key=lambda p: (p["signed_on"], p["id"])) for group in groups if len(group) > 1]
