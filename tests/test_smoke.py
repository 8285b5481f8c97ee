import json


def test_readme_walkthrough(zs):
    zs.ok("unit", "add", "东城街道", "--kind", "街道")
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "区发改委", "--role", "区政府分管领导")
    code = zs.last_line(
        "project",
        "add",
        "新能源电池项目",
        "--unit",
        "开发区",
        "--amount",
        "1.2亿",
        "--handler",
        "张三",
        "--leader",
        "李四",
    )
    for stage, day in [
        ("signed", "2024-03-01"),
        ("开工", "2024/4/1"),
        ("纳统", "2024年5月1日"),
        ("completed", "2024-09-30"),
        ("producing", "2024-10-08"),
    ]:
        zs.ok("project", "advance", code, stage, "--on", day)
    shown = json.loads(zs.ok("project", "show", code, "--format", "json"))
    assert shown["amount"] == 12000
    assert shown["stage"] == "producing"
    assert shown["included"] == "2024-05-01"
    listed = json.loads(zs.ok("project", "list", "--format", "json"))
    assert [p["code"] for p in listed] == [code]
    assert "新能源电池项目" in zs.ok("project", "list")
    assert "审计核对通过" in zs.ok("audit", "verify")


def test_csv_for_excel_keeps_formula_like_text_as_text(zs):
    zs.ok(
        "project", "add", '=HYPERLINK("http://x","y")', "--unit", "开发区", "--amount", "1亿", "--investor", "@SUM(1)"
    )
    text = zs.ok("project", "list", "--format", "csv")
    assert text.startswith("\ufeff编号,项目名称")
    row = text.splitlines()[1]
    assert "'=HYPERLINK" in row and "'@SUM(1)" in row
