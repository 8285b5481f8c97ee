"""Bad input to the commands of design §5.1 (posts, dated statuses, merge, delete, distinct,
indicators): each exits 2 with a Chinese 错误 naming the field and value, a 提示, and the ledger
exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import Zs, assert_rejected, dump


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """张三 head of 开发区 since 2024-03-01; 李四 a deputy who left on 2024-06-30; 王五 head of
    区发改委 who became a deputy on 2024-07-15. P1 and P3: one investor, alike names (ZS404 pairs
    them), P1 stalled from 2024-06-01; P2 terminated on 2024-05-01; P4 linked by a trip; P5 of P1's
    investor under another name."""
    zs = Zs(tmp_path_factory.mktemp("template") / "ledger.sqlite")
    zs.ok("init")
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head", "--since", "2024-03-01")
    zs.ok("person", "add", "李四", "--unit", "区政府办公室", "--role", "deputy")
    zs.ok("person", "leave", "李四", "--on", "2024-06-30")
    zs.ok("person", "add", "王五", "--unit", "区发改委", "--role", "head")
    zs.ok("person", "move", "王五", "--role", "deputy", "--unit", "区政府办公室", "--on", "2024-07-15")
    add = ("project", "add", "--unit", "开发区", "--amount", "2亿")
    zs.ok(*add, "新能源电池项目", "--code", "P1", "--signed", "2024-03-01", "--investor", "甲公司")
    zs.ok(*add, "物流园", "--code", "P2", "--signed", "2024-02-01", "--investor", "乙公司")
    zs.ok(*add, "新能源电池", "--code", "P3", "--signed", "2024-04-01", "--investor", "甲公司")
    zs.ok(*add, "冷链仓储", "--code", "P4", "--investor", "丙公司")
    zs.ok(*add, "汽车零部件", "--code", "P5", "--signed", "2024-04-02", "--investor", "甲公司")
    zs.ok("project", "terminate", "P2", "--reason", "企业撤资", "--on", "2024-05-01")
    zs.ok("project", "stall", "P1", "--reason", "资金未到位", "--on", "2024-06-01")
    zs.ok(
        "trip",
        "log",
        "--person",
        "张三",
        "--from",
        "2024-04-01",
        "--to",
        "2024-04-03",
        "--dest",
        "上海",
        "--project",
        "P4",
    )
    return zs.db


@pytest.fixture
def zs(template: Path, tmp_path: Path) -> Zs:
    db = tmp_path / "ledger.sqlite"
    shutil.copy(template, db)
    return Zs(db)


CASES = [
    # posts
    ("move on the day the post began", ("person", "move", "张三", "--role", "deputy", "--on", "2024-03-01"),
     ("调动日期（--on）", "2024-03-01")),
    ("move before the post began", ("person", "move", "张三", "--role", "deputy", "--on", "2024-02-10"), ("2024-02-10",)),
    ("move to the post held", ("person", "move", "张三", "--role", "head", "--on", "2024-05-01"), ("职务（--role）", "已是")),
    ("move to an unknown unit", ("person", "move", "张三", "--role", "head", "--unit", "火星局", "--on", "2024-05-01"),
     ("火星局", "不存在")),
    ("move with a bad date", ("person", "move", "张三", "--role", "deputy", "--on", "2024-13-01"), ("调动日期（--on）",)),
    ("leave before since", ("person", "leave", "张三", "--on", "2024-02-01"), ("离任日期（--on）", "2024-02-01", "早于")),
    ("leave twice", ("person", "leave", "李四", "--on", "2024-07-01"), ("李四", "已于 2024-06-30 离任")),
    ("edit overlapping the earlier post", ("person", "edit", "王五", "--since", "2024-07-01"), ("重叠", "2024-07-14")),
    ("edit until before since", ("person", "edit", "张三", "--until", "2024-01-01"), ("--until", "2024-01-01")),
    ("edit with nothing to change", ("person", "edit", "张三"), ("没有给出",)),
    ("edit a name with @", ("person", "edit", "张三", "--name", "张三@开发区"), ("--name", "@")),
    ("a namesake in a unit the person held", ("person", "add", "王五", "--unit", "区发改委", "--role", "staff"),
     ("王五", "区发改委", "已登记")),
    ("show an unknown person", ("person", "show", "赵六"), ("赵六", "不存在")),
    # dated statuses
    ("stall while stalled", ("project", "stall", "P1", "--reason", "再停", "--on", "2024-07-01"), ("P1", "已处于停滞")),
    ("resume before the stall", ("project", "resume", "P1", "--on", "2024-05-01"), ("P1", "并未停滞")),
    ("terminate before a later stall", ("project", "terminate", "P1", "--reason", "撤资", "--on", "2024-05-15"),
     ("终止日期（--on）", "2024-05-15", "2024-06-01")),
    ("stall after the termination", ("project", "stall", "P2", "--reason", "停工", "--on", "2024-06-01"),
     ("P2", "2024-05-01 终止")),
    ("stall with a bad date", ("project", "stall", "P3", "--reason", "停工", "--on", "2024/6/31"), ("停滞日期（--on）",)),
    ("advance while stalled", ("project", "advance", "P1", "started", "--on", "2024-06-15"), ("P1", "停滞")),
    # merge, delete, distinct
    ("merge into itself", ("project", "merge", "P1", "P1", "--reason", "重复"), ("P1", "同一个项目")),
    ("merge into a terminated project", ("project", "merge", "P2", "P1", "--reason", "重复"), ("P2", "已终止")),
    ("merge an unknown project", ("project", "merge", "P1", "P9", "--reason", "重复"), ("P9", "不存在")),
    ("merge without a reason", ("project", "merge", "P1", "P3", "--reason", " "), ("原因",)),
    ("distinct of other investors", ("project", "distinct", "P1", "P4", "--reason", "两个"), ("P1", "P4", "投资方不同")),
    ("distinct of names not alike", ("project", "distinct", "P1", "P5", "--reason", "两个"), ("名称并不相近",)),
    ("distinct of one project", ("project", "distinct", "P1", "P1", "--reason", "两个"), ("同一个项目",)),
    ("delete a project a trip links", ("project", "delete", "P4", "--reason", "误录"), ("P4", "外出招商行程", "--unlink")),
    ("delete without a reason", ("project", "delete", "P5", "--reason", ""), ("原因",)),
    # indicators
    ("a January figure", ("indicator", "set", "output", "20亿", "--month", "2024-01"), ("2024-01", "1–2月", "2024-02")),
]  # fmt: skip


@pytest.mark.parametrize("args, fragments", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_refused_and_changes_nothing(zs: Zs, args, fragments):
    before = dump(zs.db)
    result = zs(*args)
    assert_rejected(result, *fragments)
    assert [line[:3] for line in result.stderr.splitlines()] == ["错误：", "提示："]
    assert dump(zs.db) == before


def test_the_template_is_what_the_cases_assume(zs: Zs):
    # the refusals above are refusals, not accidents of a template that failed to build
    assert "审计核对通过" in zs.ok("audit", "verify")
    assert zs("project", "delete", "P4", "--reason", "误录", "--unlink").exit_code == 0
    assert zs("project", "merge", "P1", "P3", "--reason", "重复登记").exit_code == 0
