"""`zs check quotas|explain|rules` driven as cron and people drive them: output and exit codes."""

import json
from datetime import date

import pytest

from conftest import assert_rejected, dump

RESULT_KEYS = {
    "code",
    "title",
    "clause",
    "severity",
    "subject",
    "period",
    "actual",
    "target",
    "expected",
    "status",
    "passed",
    "message",
}


@pytest.fixture
def behind(zs):
    """One major project signed by 2024-03-31: ZS101 is 1 against 117 × 3/12 = 29.25, behind (an error)."""
    zs.ok("project", "add", "新能源电池项目", "--unit", "开发区", "--amount", "1.2亿", "--signed", "2024-03-01")
    return zs


def _json(zs, *args):
    return json.loads(zs("check", "quotas", "--format", "json", *args).stdout)


def test_json_is_design_section_3(behind):
    report = _json(behind, "--as-of", "2024-03-31")
    # design §5.2 adds `ledger`: the state of the ledger the check was made from
    assert set(report) == {"as_of", "year", "progress", "ok", "results", "summary", "ledger"}
    assert (report["as_of"], report["year"], report["progress"], report["ok"]) == ("2024-03-31", 2024, 0.25, False)
    # design §5.1 adds `projects` to ZS403 and ZS404, `person_id` and `unit` to each person's result;
    # §5.4 `items` to ZS405 and ZS406, `projects` to ZS407
    added = {
        "ZS403": {"projects"},
        "ZS404": {"projects"},
        "ZS405": {"items"},
        "ZS406": {"items"},
        "ZS407": {"projects"},
    }
    assert all(set(result) == RESULT_KEYS | added.get(result["code"], set()) for result in report["results"])
    zs101 = next(result for result in report["results"] if result["code"] == "ZS101")
    assert {key: zs101[key] for key in ("title", "clause", "severity", "subject", "period", "actual", "target", "expected", "status", "passed")} == {
        "title": "签约亿元以上项目", "clause": "（四）", "severity": "error", "subject": None, "period": "2024",
        "actual": 1, "target": 117, "expected": 29.25, "status": "behind", "passed": False,
    }  # fmt: skip
    failed = [result for result in report["results"] if not result["passed"]]
    assert report["summary"] == {
        "errors": sum(1 for result in failed if result["severity"] == "error"),
        "warnings": sum(1 for result in failed if result["severity"] == "warning"),
    }
    assert all(result["status"] in ("behind", "missed") for result in failed)


def test_as_of_defaults_to_today(zs):
    assert _json(zs, "--select", "ZS103")["as_of"] == date.today().isoformat()


@pytest.mark.parametrize(
    "args, exit_code",
    [
        (["--as-of", "2024-03-31"], 1),  # ZS101 behind: an error fails
        (["--as-of", "2024-03-31", "--exit-zero"], 0),
        (["--as-of", "2024-03-31", "--select", "ZS103,ZS104,ZS105"], 0),  # warnings and no_data only
        (["--as-of", "2024-03-31", "--select", "ZS1", "--ignore", "ZS101,ZS102"], 0),
        (["--as-of", "2024-03-31", "--select", "ZS9"], 2),  # an unknown code
        (["--as-of", "2024-03-31", "--ignore", "ZS5"], 2),
        (["--as-of", "2024-02-30"], 2),  # no such day
        (["--as-of", "2024-03-31", "--format", "xml"], 2),
    ],
)
def test_exit_codes(behind, args, exit_code):
    result = behind("check", "quotas", *args)
    assert result.exit_code == exit_code, result.stdout + result.stderr
    if exit_code == 2:
        assert_rejected(result)


def test_an_unknown_code_names_itself(behind):
    assert_rejected(behind("check", "quotas", "--select", "ZS1,ZS77"), "ZS77", "不匹配任何规则")


def test_warnings_alone_do_not_fail(behind):
    # ZS104: 1 signed, 0 started → 0% < 75%, a warning
    report = _json(behind, "--as-of", "2024-03-31", "--select", "ZS104")
    assert report["ok"] is True and report["summary"] == {"errors": 0, "warnings": 1}


def test_table_puts_failures_first_and_ends_with_a_summary(behind):
    result = behind("check", "quotas", "--as-of", "2024-03-31", "--select", "ZS1")
    assert result.exit_code == 1
    out = result.stdout
    # ZS101, ZS102 (errors, behind) before ZS104 (warning, behind) before ZS103 (in progress) and ZS105 (no data)
    positions = [out.index(code) for code in ("ZS101", "ZS102", "ZS104", "ZS103", "ZS105")]
    assert positions == sorted(positions)
    for label in ("落后序时", "进行中", "无数据", "29.25"):
        assert label in out
    last = out.strip().splitlines()[-1]
    assert (
        last.startswith("2024-03-31（序时进度25%）检查5项")
        and "约束性指标2项、预期性指标1项" in last
        and last.endswith("未通过")
    )


def test_quiet_prints_only_failures_and_nothing_when_all_is_well(behind):
    quiet = behind("check", "quotas", "--as-of", "2024-03-31", "--select", "ZS1", "-q")
    lines = quiet.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["ZS101", "ZS102", "ZS104"]
    assert "ZS103" not in quiet.stdout
    silent = behind("check", "quotas", "--as-of", "2024-03-31", "--select", "ZS103,ZS105", "--quiet")
    assert (silent.exit_code, silent.stdout) == (0, "")


def test_json_is_one_result_a_line_in_the_terminal_s_encoding(behind):
    """Written as UTF-8 bytes where the output is UTF-8, as text in the terminal's own encoding
    (GBK) where it is not: the same object either way, each result on a line of its own."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "zhaoshang", "--db", str(behind.db), "check", "quotas", "--as-of", "2024-03-31",
               "--format", "json", "--exit-zero"]  # fmt: skip
    outputs = {}
    for encoding in ("utf-8", "gbk"):
        finished = subprocess.run(command, capture_output=True, env=os.environ | {"PYTHONIOENCODING": encoding})
        assert finished.returncode == 0, finished.stderr.decode(encoding, "replace")
        outputs[encoding] = finished.stdout.decode(encoding)
    assert outputs["utf-8"] == outputs["gbk"]
    report = json.loads(outputs["gbk"])
    lines = outputs["gbk"].splitlines()
    assert len([line for line in lines if line.startswith('    {"code":')]) == len(report["results"]) > 20
    assert report == _json(behind, "--as-of", "2024-03-31")


def test_quiet_does_not_change_the_json_object(behind):
    # --format json is a stable interface: one whole object, with -q as without, even when all passes
    for select in ("ZS1", "ZS103,ZS105"):
        plain = _json(behind, "--as-of", "2024-03-31", "--select", select)
        assert _json(behind, "--as-of", "2024-03-31", "--select", select, "-q") == plain
    passing = _json(behind, "--as-of", "2024-03-31", "--select", "ZS103,ZS105", "-q")
    assert passing["ok"] is True and [r["code"] for r in passing["results"]] == ["ZS103", "ZS105"]


def test_quiet_speaks_up_when_error_rules_have_no_data(behind):
    # 2025 has no targets (zs init seeded 2024): nothing can fail, so exit 0 — but the nightly job
    # must not fall silent: every error-severity rule left unjudged is printed, with the summary.
    result = behind("check", "quotas", "--as-of", "2025-03-31", "-q", "--select", "ZS1,ZS2")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    # ZS101, ZS102 (error, no target); ZS201–ZS203 (error, no person in the role): five lines.
    # ZS103–ZS105 are warnings: not printed.
    assert [line.split()[0] for line in lines[:-1]] == ["ZS101", "ZS102", "ZS201", "ZS202", "ZS203"]
    assert all(" 约束性 " in line and "无数据" in line for line in lines[:-1])
    assert "zs target set ZS101 数值 --year 2025" in lines[0]
    assert "无数据8" in lines[-1] and "约束性指标无数据5项（未判定" in lines[-1]


def test_target_copy_gives_a_new_year_last_years_quotas(behind):
    behind.ok("target", "set", "ZS101", "30", "--year", "2024", "--unit", "开发区")  # a unit's own row is copied too
    behind.ok("target", "set", "ZS102", "90", "--year", "2025")  # the new year's own figure is kept
    out = behind.ok("target", "copy", "--from", "2024", "--to", "2025")
    # zs init seeded 26 rows for 2024, plus 开发区's ZS101: 27; 2025 already has ZS102: 26 copied, 1 kept
    assert "新增26项，保留已有1项" in out and "--overwrite" in out
    targets = {
        (t["metric"], t["unit"]): t["value"]
        for t in json.loads(behind.ok("target", "list", "--year", "2025", "--format", "json"))
    }
    assert (targets[("ZS101", None)], targets[("ZS101", "开发区")], targets[("ZS102", None)]) == (117, 30, 90)
    assert len(targets) == 27
    entries = [e for e in json.loads(behind.ok("audit", "log", "--format", "json")) if e["action"] == "target.copy"]
    assert [(e["action_label"], e["changes"]) for e in entries] == [("复制年度目标", 26)]  # one audited transaction

    # the 2024 project is not in 2025: ZS101 is now judged there (0 < 117 × 3/12), and -q says so, exit 1
    quiet = behind("check", "quotas", "--as-of", "2025-03-31", "-q", "--select", "ZS101")
    assert quiet.exit_code == 1 and quiet.stdout.startswith("ZS101 约束性 签约亿元以上项目（全区） 2025 落后序时")

    # again, nothing left to copy: no change, no audit entry; --overwrite brings back 2024's 79
    assert "新增0项，保留已有27项" in behind.ok("target", "copy", "--from", "2024", "--to", "2025")
    assert "新增0项，保留已有26项，覆盖1项" in behind.ok(
        "target", "copy", "--from", "2024", "--to", "2025", "--overwrite"
    )
    assert [
        t["value"]
        for t in json.loads(behind.ok("target", "list", "--year", "2025", "--format", "json"))
        if t["metric"] == "ZS102"
    ] == [79]
    actions = [e["action"] for e in json.loads(behind.ok("audit", "log", "--format", "json"))]
    assert actions.count("target.copy") == 2


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--from", "2023", "--to", "2025"], ["2023年没有设定任何目标"]),
        (["--from", "2024", "--to", "2024"], ["与源年度相同"]),
        (["--from", "2024", "--to", "25"], ["'25'"]),
    ],
)
def test_target_copy_refuses_bad_years_and_writes_nothing(behind, args, fragments):
    before = dump(behind.db)
    assert_rejected(behind("target", "copy", *args), *fragments)
    assert dump(behind.db) == before


def test_select_takes_a_full_width_comma(behind):
    report = _json(behind, "--as-of", "2024-03-31", "--select", "ZS101，ZS102")
    assert [r["code"] for r in report["results"]] == ["ZS101", "ZS102"]


def test_check_reads_without_writing(behind):
    before = behind.ok("audit", "log", "--format", "json")
    behind("check", "quotas", "--as-of", "2024-03-31")
    assert behind.ok("audit", "log", "--format", "json") == before


def test_explain_prints_clause_severity_and_docstring(zs):
    out = zs.ok("check", "explain", "zs104")
    assert out.startswith("ZS104 签约项目开工率（start-rate）")
    assert "（十六）" in out and "预期性" in out
    assert "依据：（十六）“力争签约项目开工率" in out and "基数为0时为无数据" in out


def test_explain_an_unknown_code(zs):
    assert_rejected(zs("check", "explain", "ZS999"), "ZS999")


def test_rules_lists_every_rule(zs):
    rules = json.loads(zs.ok("check", "rules", "--format", "json"))
    assert len(rules) == 21 and rules[0] == {
        "code": "ZS101",
        "name": "major-projects-signed",
        "title": "签约亿元以上项目",
        "clause": "（四）",
        "severity": "error",
    }


def test_a_year_without_targets_is_not_judged_and_says_how_to_set_them(behind):
    # zs init seeded 2024 only: in 2025 nothing but the standing duties (ZS402, ZS403: they carry
    # 2024's values over, design §5.1) has a target, so nothing else can fail
    result = behind("check", "quotas", "--as-of", "2025-03-31", "--format", "json")
    report = json.loads(result.stdout)
    standing = [r for r in report["results"] if r["code"] in ("ZS402", "ZS403")]
    assert all("沿用2024年" in r["message"] for r in standing)
    # the project signed on 2024-03-01 still has no handler (ZS402) and has waited 395 days > 180 to
    # start (ZS403): the standing duties fail, and only they
    assert [r["code"] for r in report["results"] if not r["passed"]] == ["ZS402", "ZS403"]
    assert result.exit_code == 1 and report["ok"] is False
    assert {r["status"] for r in report["results"] if r["code"] not in ("ZS402", "ZS403")} <= {
        "no_data",
        "met",
        "in_progress",  # ZS301–ZS304 before the year's first figure is due
    }
    zs101 = next(r for r in report["results"] if r["code"] == "ZS101")
    assert (
        zs101["status"] == "no_data" and "zs target set ZS101" in zs101["message"] and "--year 2025" in zs101["message"]
    )
