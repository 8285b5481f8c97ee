"""What a person reads (issue 14): Chinese help and usage errors, tables that fit 80 columns, a
readable audit log, the severities' Chinese words, namesakes told apart, warnings on likely
duplicates, a reader that stops early."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer.main

from conftest import Zs, dump
from zhaoshang import __version__
from zhaoshang.cli import app
from zhaoshang.cli.render import display_width, fold

SAMPLE = Path(__file__).parent.parent / "data" / "sample.sqlite"
ENGLISH = ("Usage:", "Options:", "Arguments:", "Commands:", "[required]", "[default:", "Show this message", "<str>")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Zs:
    """A copy of the bundled sample ledger (reading it must not leave WAL files in data/)."""
    copy = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    shutil.copyfile(SAMPLE, copy)
    return Zs(copy)


# --- help, usage errors, version ---------------------------------------------------------------


def _command_paths(command, path=()) -> list[tuple[str, ...]]:
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _command_paths(sub, (*path, name))
    return paths


def test_the_help_of_every_command_is_chinese(no_ledger: Zs):
    paths = _command_paths(typer.main.get_command(app))
    assert len(paths) > 40 and ("project", "add") in paths and ("report", "monthly") in paths
    for path in paths:
        result = no_ledger(*path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        assert result.stdout.startswith(f"用法：zs{''.join(' ' + part for part in path)} [选项]"), path
        for word in ENGLISH:
            assert word not in result.stdout, (path, word)
    add = no_ledger("project", "add", "--help").stdout
    assert "参数：\n  名称  项目名称  [必填]" in add and "--signed 日期" in add and "显示本帮助并退出" in add
    assert "[默认：table]" in no_ledger("project", "list", "--help").stdout
    assert "[环境变量：ZS_DB]" in no_ledger("--help").stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--nosuch",), "没有这个选项：--nosuch"),
        (("--db",), "选项 --db 后面缺少值"),
        (("-x",), "没有这个选项：-x"),
        (("projct",), "没有这个命令：projct（是否指 project？）"),
        (("project", "add"), "缺少参数 名称"),
        (("project", "show", "A", "B"), "多余的参数：B"),
        (("check", "quotas", "--exit-zero=1"), "选项 --exit-zero 不带值"),
        (("project", "list", "--frmat", "json"), "没有这个选项：--frmat（是否指 --format？）"),
    ],
)
def test_usage_errors_are_chinese_with_a_hint(no_ledger: Zs, args, said):
    result = no_ledger(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：{said}\n提示：查看用法：zs"), result.stderr
    assert "Error" not in result.stderr and "Try" not in result.stderr and not no_ledger.db.exists()


def test_version():
    result = subprocess.run(
        [sys.executable, "-m", "zhaoshang", "--version"], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"zs {__version__}\n", "")


def test_shell_completion_lists_commands_and_options(no_ledger: Zs, monkeypatch):
    monkeypatch.setenv("_ZS_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "zs project li")
    monkeypatch.setenv("COMP_CWORD", "2")
    assert no_ledger("project").stdout.split() == ["list"]  # the completion answers before any parsing
    monkeypatch.setenv("_ZS_COMPLETE", "source_bash")
    assert "complete -o default -F _zs_completion zs" in no_ledger().stdout


def test_a_reader_that_stops_early_ends_zs_quietly(sample: Zs):
    """`zs report monthly | head -1`: no traceback, nothing on stderr, and not exit 1 (a failed check)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zhaoshang", "--db", str(sample.db), "report", "monthly", "--month", "2024-10",
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().strip() == b"{"
    process.stdout.close()  # ~200 kB left to write: more than a pipe holds
    error = process.stderr.read()
    assert (process.wait(timeout=60), error) == (-signal.SIGPIPE, b"")


# --- tables at 80 columns --------------------------------------------------------------------------


def test_fold_keeps_codes_dates_and_amounts_whole():
    text = "投资方「山东众诚集团有限公司」名称相近的2个项目XS2024001、XS2024151，起算2024-10-15，总投资12,345.6万元"
    for width in range(12, 40):
        lines = fold(text, width)
        assert all(display_width(line) <= width for line in lines), width
        joined = "\n".join(lines)
        for whole in ("XS2024001", "XS2024151", "2024-10-15", "12,345.6"):
            assert whole in joined, (width, lines)
        assert "".join(lines) == text.replace(" ", "")
    assert fold("总投资（万元）", 12) == ["总投资", "（万元）"]  # a bracketed word moves whole


def _broken(output: str, pattern: str) -> list[str]:
    """Cells that hold part of a code or a date: a start of one that the pattern does not match whole."""
    starts = {"code": r"\bXS\d*", "date": r"\b20\d\d-[\d-]*"}[pattern]
    whole = {"code": r"XS\d{7}", "date": r"20\d\d-\d\d-\d\d"}[pattern]
    return [piece for piece in re.findall(starts, output) if not re.fullmatch(whole, piece)]


@pytest.mark.parametrize("columns", [80, 100, 130])
def test_project_list_fits_the_terminal_without_breaking_a_code_or_a_date(sample: Zs, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    output = sample.ok("project", "list")
    codes = [project["code"] for project in json.loads(sample.ok("project", "list", "--format", "json"))]
    assert max(display_width(line) for line in output.splitlines()) <= columns
    assert sorted(re.findall(r"XS\d{7}", output)) == sorted(codes)  # every code, each on one line
    assert _broken(output, "code") == [] and _broken(output, "date") == []
    if columns == 80:
        assert "未显示：签约、开工、纳统、竣工、投产（加 --wide 显示全部列）" in output
    else:
        assert re.search(r"│ 20\d\d-\d\d-\d\d │", output)  # dates shown, whole
    wide = sample.ok("project", "list", "--wide")
    assert "投产" in wide and "未显示" not in wide and _broken(wide, "date") == []


@pytest.mark.parametrize("listing", ["problem", "request"])
def test_casework_lists_keep_ids_units_and_dates_whole_at_80_columns(sample: Zs, monkeypatch, listing):
    monkeypatch.setenv("COLUMNS", "80")
    output = sample.ok(listing, "list", "--as-of", "2024-10-31")
    cases = json.loads(sample.ok(listing, "list", "--as-of", "2024-10-31", "--format", "json"))
    assert max(display_width(line) for line in output.splitlines()) <= 80
    assert _broken(output, "date") == []
    assert sorted(int(number) for number in re.findall(r"│ #(\d+) ", output)) == sorted(case["id"] for case in cases)
    units = {case["unit"] for case in cases}
    assert all(f"│ {unit} " in output for unit in units)  # a unit's name on one line (the issue found 区财/政局)
    assert "未显示" in output and "--wide" in output
    wide = sample.ok(listing, "list", "--as-of", "2024-10-31", "--wide")  # the option the note offers
    assert "未显示" not in wide
    assert ("提出" if listing == "problem" else "满意度") in wide


def test_columns_is_honoured_when_the_output_is_piped(sample: Zs):
    result = subprocess.run(
        [sys.executable, "-m", "zhaoshang", "--db", str(sample.db), "report", "monthly", "--month", "2024-10"],
        capture_output=True, text=True, timeout=60, env={**__import__("os").environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(display_width(line) for line in lines) <= 80
    assert _broken(result.stdout, "code") == [] and _broken(result.stdout, "date") == []
    assert len(lines) < 200  # the issue found 582
    assert "项目台账：共151个项目" in result.stdout  # not 项目台账：项目台账共…


def test_the_terminal_bulletin_lists_what_still_needs_doing_and_counts_the_rest(sample: Zs):
    bulletin = json.loads(sample.ok("report", "monthly", "--month", "2024-10", "--format", "json"))
    terminal = sample.ok("report", "monthly", "--month", "2024-10")
    short = [person for person in bulletin["trips"] if person["shortfall"]]
    assert f"另有{len(bulletin['trips']) - len(short)}人已达到最低天数" in terminal
    assert all(f"│ {person['person']} " in terminal for person in short)
    solved = [problem for problem in bulletin["problems"] if problem["state"] == "resolved"]
    assert solved and f"另有{len(solved)}个已解决" in terminal
    unrated = [case for case in bulletin["requests"] if case["state"] == "unrated"]
    assert unrated and all(case["enterprise"][:4] in terminal for case in unrated)  # waiting for a rating: listed
    kinds = [warning["kind"] for warning in bulletin["warnings"]]
    beyond_three = sum(max(kinds.count(kind) - 3, 0) for kind in set(kinds))
    assert beyond_three and f"每类只列等待最久的3条，另有{beyond_three}条" in terminal
    assert "无法预测" in terminal and "预测方法" not in terminal  # nothing predicted: no method to explain


def test_check_quotas_names_the_district_and_reads_severities_in_chinese(sample: Zs):
    result = sample("check", "quotas", "--as-of", "2024-10-31", "--wide", "--select", "ZS101,ZS305")
    assert result.exit_code == 1
    rows = [line for line in result.stdout.splitlines() if line.startswith("│ ZS101") and "全区" in line]
    assert len(rows) == 1 and "约束性" in rows[0]
    assert any(line.startswith("│ ZS305") and "预期性" in line for line in result.stdout.splitlines())
    assert "错误" not in result.stdout and "警告" not in result.stdout
    as_json = json.loads(sample("check", "quotas", "--as-of", "2024-10-31", "--format", "json").stdout)
    assert {result["severity"] for result in as_json["results"]} == {"error", "warning"}
    bulletin = json.loads(sample.ok("report", "monthly", "--month", "2024-10", "--format", "json"))
    assert {row["severity_label"] for row in bulletin["overall"]} == {"约束性", "预期性"}
    assert {row["severity"] for row in bulletin["overall"]} == {"error", "warning"}


def test_a_monthly_status_says_it_is_the_months(zs: Zs):
    # 调度会 held in March only: by 31 March one month of three met (33.3%), March itself met.
    zs.ok("meeting", "add", "--kind", "dispatch", "--on", "2024-03-05")
    bulletin = json.loads(zs.ok("report", "monthly", "--month", "2024-03", "--format", "json"))
    row = next(row for row in bulletin["overall"] if row["title"] == "每月招商引资工作调度会")
    assert (row["year_to_date"], row["target"], row["completion"]) == (1, 3, 0.3333)
    assert (row["status"], row["status_label"]) == ("met", "本月达标")  # not a bare 达标 beside 33.3%


# --- the audit log ---------------------------------------------------------------------------------


def test_audit_log_names_persons_units_and_projects_in_local_time(zs: Zs, monkeypatch):
    zs.ok("person", "add", "张三", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "张三", "--unit", "渠沟镇", "--role", "head")
    zs.ok("person", "add", "李四", "--unit", "渠沟镇", "--role", "staff")
    code = zs.last_line(
        "project", "add", "电池项目", "--unit", "开发区", "--amount", "1.2亿", "--handler", "张三@开发区"
    )
    zs.ok("project", "edit", code, "--unit", "渠沟镇", "--amount", "1.5亿", "--handler", "李四")
    zs.ok("project", "stall", code, "--reason", "资金未到位")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    entries = json.loads(zs.ok("audit", "log", "--project", code, "--format", "json"))
    assert [entry["summary"] for entry in entries] == [
        [f"新增项目 {code} 电池项目"],
        ["项目 总投资：12,000万元 → 15,000万元；专人：张三@开发区 → 李四；单位：开发区 → 渠沟镇"],
        [f"新增项目状态 {code} {date.today()} 停滞（资金未到位）", "项目 状态：正常 → 停滞；原因：空 → 资金未到位"],
    ]
    stored = datetime.fromisoformat(entries[0]["at"])
    assert entries[0]["local_time"] == stored.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    table = zs.ok("audit", "log", "--wide")
    assert "新增人员 张三（渠沟镇，单位主要负责同志）" in table and "专人：张三@开发区 → 李四" in table
    assert entries[0]["local_time"] in table and entries[0]["at"] not in table


def test_audit_log_names_investment_problems_inspections_and_requests(zs: Zs):
    code = zs.last_line(
        "project", "add", "电池项目", "--unit", "开发区", "--amount", "1.2亿", "--signed", "2024-01-10",
        "--started", "2024-02-01",
    )  # fmt: skip
    zs.ok("project", "invest", code, "--month", "2024-01", "--amount", "300")
    zs.ok("project", "invest", code, "--month", "2024-01", "--amount", "350")  # corrected
    problem = zs.last_line(
        "problem", "add", code, "--text", "项目融资未到位\n需协调银行", "--unit", "开发区", "--due", "2024-03-31",
        "--on", "2024-02-05",
    )  # fmt: skip
    zs.ok("problem", "resolve", problem, "--on", "2024-03-01", "--note", "已协调解决")
    zs.ok("project", "inspect", code, "--on", "2024-02-03", "--by", "王敏", "--result", "不属实")
    request = zs.last_line(
        "request", "add", "--enterprise", "某某公司", "--text", "申请融资对接", "--unit", "区发改委",
        "--due", "2024-03-15", "--received", "2024-03-01",
    )  # fmt: skip
    zs.ok("request", "assign", request, "--unit", "开发区", "--on", "2024-03-02")
    zs.ok("request", "resolve", request, "--on", "2024-03-10")
    zs.ok("request", "rate", request, "不满意", "--due", "2024-04-10", "--on", "2024-03-12")
    zs.ok("request", "resolve", request, "--on", "2024-04-01")
    zs.ok("request", "rate", request, "基本满意", "--on", "2024-04-03")
    entries = json.loads(zs.ok("audit", "log", "--format", "json"))[2:]  # after init and project add
    the_request = "企业诉求 #1 某某公司：申请融资对接"
    assert [(entry["action"], entry["summary"]) for entry in entries] == [
        ("project.invest", [f"新增完成投资 {code} 2024-01：300万元"]),
        ("project.invest", [f"完成投资 {code} 2024-01 完成投资：300万元 → 350万元"]),
        ("problem.add", [f"新增项目问题 {code}：项目融资未到位…"]),  # its first line: one line per change
        ("problem.resolve", [f"项目问题 {code}：项目融资未到位… 备注：空 → 已协调解决；解决日期：空 → 2024-03-01"]),
        ("project.inspect", [f"新增现场查看 {code} 2024-02-03 不属实"]),
        (
            "request.add",
            [f"新增{the_request}", "新增企业诉求办理记录 诉求#1 2024-03-01 受理：区发改委（时限 2024-03-15）"],
        ),
        (
            "request.assign",
            [f"{the_request} 单位：区发改委 → 开发区", "新增企业诉求办理记录 诉求#1 2024-03-02 转办：开发区"],
        ),
        (
            "request.resolve",
            [f"{the_request} 办结日期：空 → 2024-03-10", "新增企业诉求办理记录 诉求#1 2024-03-10 办结"],
        ),
        (
            "request.rate",
            [
                f"{the_request} 办结时限：2024-03-15 → 2024-04-10；评价日期：空 → 2024-03-12；满意度：空 → 不满意；"
                "重办次数：0 → 1；办结日期：2024-03-10 → 空",
                "新增企业诉求办理记录 诉求#1 2024-03-12 评价：不满意（重办，时限 2024-04-10）",
            ],
        ),
        (
            "request.resolve",
            [
                f"{the_request} 评价日期：2024-03-12 → 空；满意度：不满意 → 空；办结日期：空 → 2024-04-01",
                "新增企业诉求办理记录 诉求#1 2024-04-01 办结",
            ],
        ),
        (
            "request.rate",
            [
                f"{the_request} 评价日期：空 → 2024-04-03；满意度：空 → 基本满意",
                "新增企业诉求办理记录 诉求#1 2024-04-03 评价：基本满意",
            ],
        ),
    ]
    table = zs.ok("audit", "log", "--wide")
    for line in (
        f"新增完成投资 {code} 2024-01：300万元",
        f"新增现场查看 {code} 2024-02-03 不属实",
        "满意度：空 → 基本满意",
    ):
        assert line in table
    assert "需协调银行" not in table and "satisfied" not in table and "refuted" not in table


# --- namesakes and likely duplicates --------------------------------------------------------------


@pytest.fixture
def namesakes(zs: Zs) -> Zs:
    zs.ok("person", "add", "王芳", "--unit", "开发区", "--role", "head")
    zs.ok("person", "add", "王芳", "--unit", "渠沟镇", "--role", "head")
    return zs


def test_namesakes_are_shown_with_their_unit(namesakes: Zs):
    code = namesakes.last_line(
        "project", "add", "甲项目", "--unit", "开发区", "--amount", "2亿", "--leader", "王芳@渠沟镇"
    )
    assert "│ 包保领导       │ 王芳@渠沟镇" in namesakes.ok("project", "show", code)
    assert ",王芳@渠沟镇," in namesakes.ok("project", "list", "--format", "csv")
    namesakes.ok(
        "trip", "log", "--person", "王芳@开发区", "--from", "2024-03-01", "--to", "2024-03-02", "--dest", "上海"
    )
    assert "王芳@开发区" in namesakes.ok("trip", "list", "--wide")
    assert json.loads(namesakes.ok("trip", "list", "--format", "json"))[0]["persons"] == ["王芳@开发区"]


def test_a_trip_logged_twice_is_warned_about_not_refused(namesakes: Zs):
    trip = ("trip", "log", "--person", "王芳@开发区", "--from", "2024-03-01", "--to", "2024-03-03", "--dest")
    assert namesakes(*trip, "上海").stderr == ""
    again = namesakes(*trip, " 上海 ")
    assert again.exit_code == 0 and again.stdout.strip().splitlines()[-1] == "2"  # logged all the same
    assert again.stderr.startswith("注意：行程 2 与已登记的行程 1 人员、日期、目的地都相同")
    assert "提示：如确属重复，删除这一条：zs trip delete 2" in again.stderr
    # another destination, or another person, is another trip
    assert namesakes(*trip, "苏州").stderr == ""
    other = ("trip", "log", "--person", "王芳@渠沟镇", "--from", "2024-03-01", "--to", "2024-03-03", "--dest", "上海")
    assert namesakes(*other).stderr == ""


def test_a_project_named_alike_in_its_unit_is_warned_about(zs: Zs):
    first = zs.last_line("project", "add", "新能源电池项目", "--unit", "开发区", "--amount", "2亿")
    before = dump(zs.db)
    result = zs("project", "add", "新能源电池", "--unit", "开发区", "--amount", "2亿")
    second = result.stdout.strip().splitlines()[-1]
    assert result.exit_code == 0 and dump(zs.db) != before  # added: a warning, not a refusal
    assert result.stderr.startswith(f"注意：开发区已有名称相近的项目 {first} 新能源电池项目")
    assert f"zs project merge {first} {second}" in result.stderr
    assert zs("project", "add", "新能源电池", "--unit", "渠沟镇", "--amount", "2亿").stderr == ""  # another unit
    assert zs("project", "add", "新能源电池二期", "--unit", "开发区", "--amount", "2亿").stderr == ""  # another phase
