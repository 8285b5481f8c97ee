"""docs/ holds to the code: the rules table of docs/rules.md is what `zs check rules` prints.

A rule added to the registry fails here until docs/rules.md has its row (with the registry's
exact code, name, title, clause and severity) and its `### CODE title` section; a row or
section of a rule the registry lacks fails as well.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhaoshang.cli import app

DOCS = Path(__file__).resolve().parent.parent / "docs"
RULES_MD = DOCS / "rules.md"
COLUMNS = ["code", "name", "title", "clause", "severity"]
SECTION_RE = re.compile(r"^###\s+(ZS\d{3})\b\s*(.*?)\s*$")
LINK_RE = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.fixture(scope="module")
def registered(tmp_path_factory) -> list[dict]:
    """`zs check rules --format json` on a fresh ledger, as a user runs it."""
    ledger = tmp_path_factory.mktemp("docs") / "ledger.sqlite"
    runner = CliRunner()
    for args in (["init"], ["check", "rules", "--format", "json"]):
        result = runner.invoke(app, ["--db", str(ledger), "--actor", "测试员", *args])
        assert result.exit_code == 0, f"zs {' '.join(args)} → {result.exit_code}\n{result.stdout}\n{result.stderr}"
    rules = json.loads(result.stdout)
    assert rules, "zs check rules printed no rule"
    return rules


def _cells(line: str) -> list[str]:
    """The cells of a markdown table row, stripped (and unwrapped from `code` marks)."""
    return [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]


def _is_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def rules_table(text: str) -> list[dict]:
    """The rows of every table headed `| code | name | title | clause | severity |` (one, or the
    first and a later one that a new group of rules may add)."""
    lines = text.splitlines()
    headers = [index for index, line in enumerate(lines) if _is_row(line) and _cells(line) == COLUMNS]
    assert headers, f"docs/rules.md has no table headed | {' | '.join(COLUMNS)} |"
    rows = []
    for header in headers:
        for line in lines[header + 2 :]:  # after the header and its |---| line
            if not _is_row(line):
                break
            cells = _cells(line)
            assert len(cells) == len(COLUMNS), f"docs/rules.md: a rules table row has {len(cells)} cells: {line!r}"
            rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


def rule_sections(text: str) -> dict[str, list[str]]:
    """`### ZS101 签约亿元以上项目` headings: the titles written after each code."""
    sections: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = SECTION_RE.match(line)
        if match:
            sections.setdefault(match[1], []).append(match[2])
    return sections


def test_rules_table_is_the_registry(registered):
    rows = rules_table(RULES_MD.read_text(encoding="utf-8"))
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)), f"docs/rules.md lists a rule twice: {sorted(codes)}"
    documented = {row["code"]: row for row in rows}
    expected = {rule["code"]: {key: rule[key] for key in COLUMNS} for rule in registered}
    missing = sorted(set(expected) - set(documented))
    assert not missing, f"rules registered but not in the table of docs/rules.md: {missing}"
    unknown = sorted(set(documented) - set(expected))
    assert not unknown, f"docs/rules.md lists rules the registry lacks: {unknown}"
    for code, rule in expected.items():
        assert documented[code] == rule, f"docs/rules.md row of {code} differs from `zs check rules`"


def test_every_rule_has_its_section(registered):
    sections = rule_sections(RULES_MD.read_text(encoding="utf-8"))
    titles = {rule["code"]: rule["title"] for rule in registered}
    missing = sorted(set(titles) - set(sections))
    assert not missing, f"docs/rules.md has no `### CODE title` section for: {missing}"
    unknown = sorted(set(sections) - set(titles))
    assert not unknown, f"docs/rules.md has sections for rules the registry lacks: {unknown}"
    for code, title in titles.items():
        assert sections[code] == [title], f"docs/rules.md: the section of {code} should be headed `### {code} {title}`"


def test_links_between_docs_lead_somewhere():
    for page in sorted(DOCS.glob("*.md")):
        for target in LINK_RE.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"
