"""The columns of a project ledger (台账): their usual Chinese names, and finding the header row.

Ledgers kept in Excel put title rows, blank rows and notes (`单位：万元`) above the header, and
often a two-row header whose upper cells are merged: `投资额` over `总投资` and `固投`, while
`项目名称` is merged down over both rows. `detect_header` looks at the first rows of a sheet with
its merged ranges filled in and picks the row (or pair of rows) that names the most known columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from zhaoshang.errors import InputError
from zhaoshang.parsing import normalize_text

HEADER_SEARCH_ROWS = 30
IGNORE = "ignore"  # a --map target: the column is read knowingly and not imported


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str  # the exported header, and the name a --map may use
    synonyms: tuple[str, ...] = ()
    imported: bool = True  # 序号 and 阶段 are recognised and left out knowingly (阶段 follows from the dates)


# In the order the export writes them.
FIELDS = (
    FieldSpec("seq", "序号", ("编号序号",), imported=False),
    FieldSpec("code", "项目编号", ("编号", "项目代码", "项目编码", "项目序号")),
    FieldSpec("name", "项目名称", ("项目", "名称", "项目名")),
    FieldSpec(
        "investor",
        "投资方",
        (
            "投资主体",
            "外来投资方",
            "外来投资方名称",
            "投资方名称",
            "投资企业",
            "投资单位",
            "投资商",
            "签约企业",
            "签约主体",
            "投资企业名称",
            "客商名称",
            "外来投资主体",
        ),
    ),
    FieldSpec(
        "amount",
        "总投资",
        (
            "计划总投资",
            "投资额",
            "总投资额",
            "投资总额",
            "项目总投资",
            "协议投资额",
            "计划投资",
            "估算投资",
            "估算总投资",
        ),
    ),
    FieldSpec("fixed_amount", "固投", ("固定资产投资", "固定资产投资额", "固投额", "其中固投")),
    FieldSpec(
        "industry",
        "产业类别",
        ("行业", "产业", "所属行业", "行业类别", "产业类型", "所属产业", "行业分类", "行业大类", "产业分类"),
    ),
    FieldSpec(
        "unit",
        "责任单位",
        ("承办单位", "牵头单位", "招引单位", "责任主体", "单位名称", "上报部门", "推进部门", "上报单位"),
    ),
    FieldSpec("channel", "招商方式", ("招商模式", "招引方式")),
    FieldSpec("origin", "来源地", ("投资方来源地", "来源", "客商来源地", "投资来源地")),
    FieldSpec(
        "leader", "包保领导", ("包抓领导", "联系领导", "包联领导", "分包领导", "挂钩领导", "挂点领导", "挂钩/挂点领导")
    ),
    FieldSpec("handler", "专人", ("跟踪人", "责任人", "推进专人", "跟踪专人", "项目专人")),
    FieldSpec("signed", "签约时间", ("签约日期", "签约", "合同签约时间", "合同签约日期", "签约时间(合同)")),
    FieldSpec("started", "开工时间", ("开工日期", "开工")),
    FieldSpec("included", "纳统时间", ("入库时间", "入库日期", "纳统日期", "入库纳统时间", "纳统", "入库")),
    FieldSpec("completed", "竣工时间", ("竣工日期", "竣工")),
    FieldSpec("producing", "投产时间", ("投产日期", "投产")),
    FieldSpec("stage", "阶段", ("当前阶段", "项目阶段", "进展阶段"), imported=False),
    FieldSpec("status", "状态", ("项目状态",)),
    FieldSpec("reason", "原因", ("状态原因", "停滞原因", "终止原因", "停滞或终止原因", "停滞/终止原因")),
    FieldSpec("terminated", "终止时间", ("终止日期",)),
    FieldSpec("note", "备注", ("说明",)),
)
# Recognised but not exported: a local partner (本地投资方) is kept in the note, beside the investor.
LOCAL_INVESTOR = FieldSpec("local_investor", "本地投资方", ("本地投资方名称", "本地合作方", "本地投资主体", "本地企业"))
FIELD_BY_KEY = {spec.key: spec for spec in (*FIELDS, LOCAL_INVESTOR)}
AMOUNT_FIELDS = ("amount", "fixed_amount")
DATE_FIELDS = ("signed", "started", "included", "completed", "producing", "terminated")
UNIT_WORDS = {"亿元": "亿", "亿": "亿", "万元": "万", "万": "万", "元": "元"}

_BRACKETS = str.maketrans("（）【】［］", "()[][]")
_UNIT_IN_HEADER = re.compile(r"[(\[](?:单位[:：]?)?(亿元|亿|万元|万|元)[)\]]")
_UNIT_IN_NOTE = re.compile(r"单位[:：]\s*(亿元|万元|元)")


def column_letter(index: int) -> str:
    """`A` for 0, `AA` for 26: how Excel names a column."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_header(text: object) -> str:
    """A header cell's text without spaces, line breaks or full-width brackets."""
    return re.sub(r"\s+", "", normalize_text(str(text)).translate(_BRACKETS))


def split_unit(text: object) -> tuple[str, str | None]:
    """`总投资（亿元）` → (`总投资`, `亿`); also drops the `*` that marks required columns."""
    cleaned = clean_header(text)
    match = _UNIT_IN_HEADER.search(cleaned)
    unit = UNIT_WORDS[match[1]] if match else None
    if match:
        cleaned = cleaned[: match.start()] + cleaned[match.end() :]
    return cleaned.strip("*＊:："), unit


@dataclass(frozen=True)
class Vocabulary:
    """The columns a kind of sheet may have (projects, trips) and the one it must have."""

    what: str  # 项目, 外出招商: how messages name a row
    fields: tuple[FieldSpec, ...]
    required: str  # a header without this field is not such a sheet
    map_example: str  # a --map that names the required column

    @cached_property
    def by_key(self) -> dict[str, FieldSpec]:
        return {spec.key: spec for spec in self.fields}

    @cached_property
    def synonyms(self) -> dict[str, str]:
        return {split_unit(name)[0]: spec.key for spec in self.fields for name in (spec.label, *spec.synonyms)}


PROJECTS = Vocabulary("项目", (*FIELDS, LOCAL_INVESTOR), "name", "项目全称=name")


@dataclass
class Column:
    index: int  # 0-based position in the row
    label: str  # the header as the sheet writes it (the part that was recognised)
    field: str | None  # None: not recognised
    unit: str | None = None  # amount columns: 亿 | 万 | 元

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Header:
    first_row: int  # 1-based, as Excel numbers rows
    last_row: int
    columns: list[Column]
    mapped: set[str] = field(default_factory=set)  # the --map entries that named a column

    @cached_property
    def fields(self) -> dict[str, Column]:
        return {column.field: column for column in self.columns if column.field not in (None, IGNORE)}

    @property
    def score(self) -> int:
        """Distinct known fields: a group label merged over two columns counts once."""
        return len({column.field for column in self.columns if column.field is not None})


def field_named(text: str, vocabulary: Vocabulary = PROJECTS) -> str:
    """A --map target: a field's code (`investor`), its Chinese name or a synonym (`投资方`), or `ignore`."""
    cleaned = split_unit(text)[0]
    if cleaned.lower() in (IGNORE, "忽略"):
        return IGNORE
    by_key = vocabulary.by_key
    key = cleaned.lower() if cleaned.lower() in by_key else vocabulary.synonyms.get(cleaned)
    if key is None:
        listed = "、".join(f"{spec.key}（{spec.label}）" for spec in by_key.values() if spec.imported)
        raise InputError(f"列映射（--map）：'{text}' 不是可用的字段", f"可用字段：{listed}、ignore（忽略这一列）")
    return key if by_key[key].imported else IGNORE


def parse_mapping(options: Sequence[str], vocabulary: Vocabulary = PROJECTS) -> dict[str, str]:
    """`--map '招引企业=investor'` options as {cleaned column name: field}."""
    mapping: dict[str, str] = {}
    for option in options:
        column, separator, target = option.rpartition("=")
        if not separator or not column.strip() or not target.strip():
            raise InputError(
                f"列映射（--map）：'{option}' 应写作 列名=字段",
                "例如：--map '招引企业=investor' 或 --map '联系电话=ignore'",
            )
        mapping[clean_header(column)] = field_named(target, vocabulary)
    return mapping


def _lookup(part: str, mapping: dict[str, str], vocabulary: Vocabulary) -> tuple[str | None, str | None, str | None]:
    """(field, unit, the --map entry used) of one header cell."""
    cleaned = clean_header(part)
    key, unit = split_unit(part)
    for candidate in (cleaned, key):
        if candidate in mapping:
            return mapping[candidate], unit, candidate
    return vocabulary.synonyms.get(key), unit, None


def _shown(part: str) -> str:
    """A header as the sheet writes it, without line breaks: how messages name its column."""
    return re.sub(r"\s+", "", part)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fill_merges(rows: Sequence[Sequence[object]], merges: Sequence[tuple[int, int, int, int]]) -> list[list[object]]:
    """The rows with every merged range showing its top-left value, as a reader sees the sheet."""
    width = max(
        [len(row) for row in rows] + [max_col for min_row, _, _, max_col in merges if min_row <= len(rows)], default=0
    )
    grid = [list(row) + [None] * (width - len(row)) for row in rows]
    for min_row, min_col, max_row, max_col in merges:
        if min_row > len(grid):
            continue
        value = grid[min_row - 1][min_col - 1]
        for row in range(min_row, min(max_row, len(grid)) + 1):
            for col in range(min_col, max_col + 1):
                grid[row - 1][col - 1] = value
    return grid


def _header_at(
    grid: list[list[object]], top: int, height: int, mapping: dict[str, str], vocabulary: Vocabulary
) -> Header:
    """The columns named by grid rows top..top+height-1 (0-based).

    A column is named by its own lowest cell: under a merged `投资方`, the columns `本地投资方` and
    `外来投资方` are those two, not two investors. Only where the lower cell names nothing known do
    the cells together name it (`签约` over `时间`); a cell merged down over both rows names its column
    alone. The unit may sit in the upper cell (`投资额（亿元）` over `总投资`)."""
    columns = []
    mapped = set()
    for index in range(len(grid[top])):
        parts: list[str] = []
        for row in range(top + height - 1, top - 1, -1):
            value = grid[row][index]
            if not _is_blank(value) and clean_header(value) not in [clean_header(part) for part in parts]:
                parts.append(str(value))
        if not parts:
            continue
        looked_up = [(part, *_lookup(part, mapping, vocabulary)) for part in parts]
        units = [entry[2] for entry in looked_up if entry[2]]
        unit = units[0] if units else None
        lowest = looked_up[0]
        if lowest[1] is None and len(parts) > 1:
            joined = "".join(clean_header(part) for part in reversed(parts))
            combined = _lookup(joined, mapping, vocabulary)
            if combined[0] is not None:
                lowest = (joined, *combined)
        part, field_key, _, mapped_by = lowest
        if mapped_by:
            mapped.add(mapped_by)
        if field_key is None:
            # Unknown: named as the sheet shows it, the group above first (`投资方/联系人`).
            columns.append(Column(index, "/".join(_shown(part) for part in reversed(parts)), None))
            continue
        columns.append(Column(index, _shown(part), field_key, unit))
    return Header(top + 1, top + height, columns, mapped)


def _two_row_evidence(
    grid: list[list[object]], top: int, merges: Sequence[tuple[int, int, int, int]], vocabulary: Vocabulary
) -> bool:
    """Whether rows top and top+1 (0-based) look like one two-row header rather than a header and data."""
    excel_row = top + 1
    for min_row, min_col, max_row, max_col in merges:
        if min_row == excel_row and (max_row > min_row or max_col > min_col):
            return True
    lower = [value for value in grid[top + 1] if not _is_blank(value)]
    return (
        bool(lower)
        and all(isinstance(value, str) for value in lower)
        and sum(split_unit(value)[0] in vocabulary.synonyms for value in lower) >= 2
    )


def detect_header(
    rows: Sequence[Sequence[object]],
    merges: Sequence[tuple[int, int, int, int]] = (),
    mapping: dict[str, str] | None = None,
    vocabulary: Vocabulary = PROJECTS,
) -> Header | None:
    """The header among a sheet's first rows, or None when no row names two known columns.

    A pair of rows is taken as one header when the upper row names a known column itself, the
    pair names more columns than either row alone would, and the rows are merged or the lower one
    holds only header-like text (a data row under a header must not be mistaken for its second row).
    """
    mapping = mapping or {}
    grid = fill_merges(rows[:HEADER_SEARCH_ROWS], merges)
    if not grid or not grid[0]:
        return None
    singles = [_header_at(grid, top, 1, mapping, vocabulary) for top in range(len(grid))]
    best: Header | None = None
    for top, single in enumerate(singles):
        candidate = single
        if top + 1 < len(grid) and single.score >= 1 and _two_row_evidence(grid, top, merges, vocabulary):
            pair = _header_at(grid, top, 2, mapping, vocabulary)
            if pair.score > single.score and pair.score >= singles[top + 1].score:
                candidate = pair
        if best is None or candidate.score > best.score:
            best = candidate
    return best if best is not None and best.score >= 2 else None


def default_unit(rows: Sequence[Sequence[object]], header: Header) -> str | None:
    """A unit stated above or in the header (`单位：亿元`), for amount columns that state none."""
    for row in rows[: header.last_row]:
        for value in row:
            if isinstance(value, str):
                match = _UNIT_IN_NOTE.search(clean_header(value))
                if match:
                    return UNIT_WORDS[match[1]]
    return None


def check_header(header: Header, mapping: dict[str, str], sheet: str, vocabulary: Vocabulary = PROJECTS) -> None:
    """Refuse a header without its required column (project names), one field named by two columns,
    or a --map naming no column."""
    by_key = vocabulary.by_key
    unused = [column for column in mapping if column not in header.mapped]
    if unused:
        listed = "、".join(column.label for column in header.columns)
        raise InputError(f"列映射（--map）：工作表「{sheet}」的表头中没有列 '{unused[0]}'", f"表头中的列：{listed}")
    seen: dict[str, Column] = {}
    for column in header.columns:
        if column.field in (None, IGNORE) or not by_key[column.field].imported:
            continue
        if column.field in seen:
            first = seen[column.field]
            raise InputError(
                f"工作表「{sheet}」：{first.letter}列「{first.label}」和{column.letter}列「{column.label}」"
                f"都是{by_key[column.field].label}",
                f"用 --map 忽略其中一列，例如 --map '{column.label}=ignore'",
            )
        seen[column.field] = column
    if vocabulary.required not in seen:
        label = by_key[vocabulary.required].label
        raise InputError(
            f"工作表「{sheet}」第{header.first_row}行的表头中没有「{label}」列",
            f"用 --map 指明哪一列是{label}，例如 --map '{vocabulary.map_example}'",
        )
