"""Bad input to the trip commands: exit 2, a Chinese message naming the field and the value, nothing written."""

import pytest

from conftest import assert_rejected, dump


@pytest.fixture
def ledger_with_a_trip(zs):
    zs.ok("person", "add", "张三", "--unit", "渠沟镇", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "区发改委", "--role", "head")
    zs.ok("person", "add", "王五", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "王五", "--unit", "区科技局", "--role", "staff")  # a namesake: needs 王五@单位
    zs.ok("project", "add", "储能项目", "--unit", "渠沟镇", "--amount", "2亿", "--code", "XM1")
    assert (
        zs.last_line("trip", "log", "--person", "张三", "--from", "2024-03-01", "--to", "2024-03-05", "--dest", "上海")
        == "1"
    )
    return zs


LOG = ("trip", "log", "--dest", "上海")

CASES = [
    # pytest.param(command, fragments the message must hold, id=...)
    pytest.param(
        (*LOG, "--person", "张三", "--from", "2024-03-05", "--to", "2024-03-01"),
        ("返回日期（--to）", "2024-03-01", "早于", "2024-03-05"),
        id="to-before-from",
    ),
    # 1 March to 2 May = 63 days > 62
    pytest.param(
        (*LOG, "--person", "张三", "--from", "2024-03-01", "--to", "2024-05-02"),
        ("返回日期（--to）", "2024-05-02", "63天", "--long"),
        id="longer-than-62-days",
    ),
    pytest.param(
        (*LOG, "--person", "赵六", "--from", "2024-03-01", "--to", "2024-03-02"),
        ("人员（--person）", "赵六", "不存在"),
        id="unknown-person",
    ),
    pytest.param(
        (*LOG, "--person", "王五", "--from", "2024-03-01", "--to", "2024-03-02"),
        ("人员（--person）", "王五", "同名"),
        id="ambiguous-person",
    ),
    pytest.param(
        (*LOG, "--person", "张三", "--person", "张三", "--from", "2024-03-01", "--to", "2024-03-02"),
        ("人员（--person）", "张三", "重复"),
        id="same-person-twice",
    ),
    pytest.param(
        (*LOG, "--person", "张三", "--person", "张三@渠沟镇", "--from", "2024-03-01", "--to", "2024-03-02"),
        ("人员（--person）", "张三@渠沟镇", "重复"),
        id="same-person-by-two-names",
    ),
    pytest.param(
        (*LOG, "--person", "张三", "--from", "2024-02-30", "--to", "2024-03-02"),
        ("出发日期（--from）", "2024-02-30", "不是有效日期"),
        id="from-not-a-date",
    ),
    pytest.param(
        (*LOG, "--person", "张三", "--from", "2023-02-28", "--to", "2023-02-29"),
        ("返回日期（--to）", "2023-02-29", "不是有效日期"),
        id="to-not-a-date-non-leap",
    ),
    pytest.param(
        (*LOG, "--person", "张三", "--from", "2024-03-01", "--to", "2024-03-02", "--project", "XM404"),
        ("项目编号", "XM404", "不存在"),
        id="unknown-project",
    ),
    pytest.param(
        (
            *LOG,
            "--person",
            "张三",
            "--from",
            "2024-03-01",
            "--to",
            "2024-03-02",
            "--project",
            "XM1",
            "--project",
            "XM1",
        ),
        ("关联项目（--project）", "XM1", "重复"),
        id="same-project-twice",
    ),
    pytest.param((*LOG, "--from", "2024-03-01", "--to", "2024-03-02"), ("人员（--person）", "至少"), id="no-person"),
    pytest.param(
        ("trip", "log", "--person", "张三", "--to", "2024-03-02", "--dest", "上海"),
        ("出发日期（--from）", "必须填写"),
        id="no-from",
    ),
    pytest.param(
        ("trip", "log", "--person", "张三", "--from", "2024-03-01", "--to", "2024-03-02", "--dest", " "),
        ("目的地（--dest）", "不能为空"),
        id="blank-dest",
    ),
    pytest.param(("trip", "edit", "99", "--dest", "北京"), ("行程编号", "99", "不存在"), id="edit-unknown-id"),
    pytest.param(
        ("trip", "edit", "abc", "--dest", "北京"), ("行程编号", "abc", "不是有效编号"), id="edit-id-not-a-number"
    ),
    pytest.param(("trip", "edit", "1"), ("没有给出要修改的字段",), id="edit-nothing"),
    pytest.param(
        ("trip", "edit", "1", "--to", "2024-02-28"),
        ("返回日期（--to）", "2024-02-28", "早于", "2024-03-01"),
        id="edit-to-before-from",
    ),
    pytest.param(
        ("trip", "edit", "1", "--to", "2024-06-30"),
        ("返回日期（--to）", "2024-06-30", "122天", "--long"),
        id="edit-too-long",
    ),
    pytest.param(
        ("trip", "edit", "1", "--person", "李四", "--person", "赵六"),
        ("人员（--person）", "赵六", "不存在"),
        id="edit-unknown-person",
    ),
    pytest.param(("trip", "delete", "99"), ("行程编号", "99", "不存在"), id="delete-unknown-id"),
    pytest.param(
        ("trip", "days", "--month", "2024-13"), ("月份（--month）", "2024-13", "不是有效月份"), id="days-bad-month"
    ),
    pytest.param(("trip", "days"), ("月份（--month）", "必须填写"), id="days-no-month"),
    pytest.param(
        ("trip", "days", "--month", "2024-03", "--format", "xml"), ("输出格式（--format）", "xml"), id="days-bad-format"
    ),
    pytest.param(
        ("trip", "days", "--month", "2024-03", "--as-of", "2024-02-30"),
        ("截至日期（--as-of）", "2024-02-30", "不是有效日期"),
        id="days-bad-as-of",
    ),
    pytest.param(("trip", "list", "--month", "三月"), ("月份（--month）", "三月"), id="list-bad-month"),
    pytest.param(
        ("trip", "list", "--person", "赵六"), ("人员（--person）", "赵六", "不存在"), id="list-unknown-person"
    ),
]


@pytest.mark.parametrize("args, fragments", CASES)
def test_bad_trip_input_is_rejected_and_writes_nothing(ledger_with_a_trip, args, fragments):
    before = dump(ledger_with_a_trip.db)
    result = ledger_with_a_trip(*args)
    assert_rejected(result, *fragments)
    assert "提示：" in result.stderr
    assert dump(ledger_with_a_trip.db) == before
