"""The bulletin as a web page (`zs report … --html`): one self-contained file whose figures are the
JSON's, readable on a 375 px phone without scrolling sideways, printing on A4 landscape."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Zs, assert_rejected, dump

SAMPLE = Path(__file__).parent.parent / "data" / "sample.sqlite"
# the bulletin's sections (issue 12 added the outlook, problems and requests)
SECTIONS = ["overall", "units", "outlook", "projects", "trips", "warnings", "problems", "requests"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed here (.ci/run installs it)")


class _Cells(HTMLParser):
    """The page's table cells: per section, rows of {key: (value, text)}, the key from the
    column's header (`data-key`), the value its `data-value`, else the text (null when empty)."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, list[dict]] = {}
        self.section: str | None = None
        self.keys: list[str] = []
        self.cell: dict | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section":
            self.section = attributes["id"]
            self.sections[self.section] = []
        elif tag == "thead":
            self.keys = []
        elif tag == "th" and "data-key" in attributes:
            self.keys.append(attributes["data-key"])
        elif tag == "tr" and self.section:
            self.sections[self.section].append({})
        elif tag == "td":
            self.cell, self.text = attributes, ""

    def handle_data(self, data):
        if self.cell is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None and self.section:
            row = self.sections[self.section][-1]
            value = json.loads(self.cell["data-value"]) if "data-value" in self.cell else self.text or None
            row[self.keys[len(row)]] = (value, self.text)
            self.cell = None


def cells(page: str) -> dict[str, list[dict]]:
    parser = _Cells()
    parser.feed(page)
    return {key: [row for row in rows if row] for key, rows in parser.sections.items()}


def _flat(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat |= _flat(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _shows(text: str, value: float) -> bool:
    """Whether a figure's text shows the JSON's value, each rounded its own way: 84.6% for a rate of
    0.8462 (4 places), 10.5% for a percentage of 10.5, +1.3 for 1.33 points, 12,345.6 for 12345.6."""
    number = float(text.replace(",", "").replace("%", "").replace("+", ""))
    if text.endswith("%") and abs(number / 100 - value) <= 0.00056:
        return True
    return abs(number - value) <= 0.056


def assert_figures_equal_the_json(page: str, bulletin: dict) -> int:
    """Every cell of the page holds the JSON's value, and shows it; returns the number of cells."""
    found = cells(page)
    assert list(found) == SECTIONS
    checked = 0
    for section in SECTIONS:
        rows = [_flat(row) for row in bulletin[section]]
        assert len(found[section]) == len(rows), section
        for shown, expected in zip(found[section], rows, strict=True):
            for key, (value, text) in shown.items():
                assert value == expected[key], (section, key, value, expected[key])
                if value is None:
                    assert text == "", (section, key, text)
                elif isinstance(value, (int, float)):
                    assert _shows(text, value), (section, key, text, value)
                else:
                    assert text == str(value), (section, key, text, value)
                checked += 1
    return checked


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory) -> tuple[Path, dict, Zs]:
    folder = tmp_path_factory.mktemp("page")
    ledger = Zs(folder / "sample.sqlite")
    shutil.copyfile(SAMPLE, ledger.db)
    page = folder / "通报.html"
    out = ledger.ok("report", "monthly", "--month", "2024-10", "--html", str(page))
    assert out.startswith(f"已生成相山区招商引资工作每月通报（2024年10月）：{page}（网页：总体进度、单位排名")
    bulletin = json.loads(ledger.ok("report", "monthly", "--month", "2024-10", "--format", "json"))
    return page, bulletin, ledger


def test_the_page_is_one_file_that_fetches_nothing(sample_page):
    page, _, _ = sample_page
    text = page.read_text(encoding="utf-8")
    links = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", text, flags=re.IGNORECASE)
    assert links and all(link.startswith("#") for link in links)  # the contents' anchors only
    assert not [link for link in links if "http" in link]
    for fetching in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert fetching not in text.lower()
    assert text.count("<svg") == 2  # 总体进度's completion rates, 单位排名's signings against targets
    assert "@page { size: A4 landscape" in text and "max-width: 720px" in text
    assert [path.name for path in page.parent.iterdir() if path.name.startswith(".")] == []  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert page.stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file, not the temporary file's 0600


def test_the_figures_on_the_page_are_the_jsons(sample_page):
    page, bulletin, _ = sample_page
    assert assert_figures_equal_the_json(page.read_text(encoding="utf-8"), bulletin) > 3000


def test_text_from_the_ledger_is_escaped_and_an_existing_page_is_kept(zs: Zs, tmp_path: Path):
    zs.ok(
        "project", "add", "<script>alert(1)</script>", "--unit", "开发区", "--amount", "2亿", "--signed", "2024-03-01"
    )
    zs.ok("project", "add", '=HYPERLINK("http://x","y")', "--unit", "开发区", "--amount", "1亿")
    page = tmp_path / "page.html"
    zs.ok("report", "monthly", "--month", "2024-03", "--html", str(page), "--xlsx", str(tmp_path / "book.xlsx"))
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and html.escape("<script>alert(1)</script>", quote=False) in text
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?http""", text)
    bulletin = json.loads(zs.ok("report", "monthly", "--month", "2024-03", "--format", "json"))
    assert_figures_equal_the_json(text, bulletin)

    before, kept = dump(zs.db), page.read_bytes()
    assert_rejected(zs("report", "monthly", "--month", "2024-03", "--html", str(page)), "文件已存在", "--force")
    assert_rejected(zs("report", "monthly", "--html", str(tmp_path / "page.pdf")), "不是 .html 文件名")
    assert_rejected(zs("report", "annual", "--html", str(tmp_path / "missing" / "p.html")), "文件夹不存在")
    assert (dump(zs.db), page.read_bytes()) == (before, kept)
    zs.ok("report", "quarterly", "--quarter", "2024-Q1", "--html", str(page), "--force")
    assert "季度考评" in page.read_text(encoding="utf-8")


# --- in a browser ----------------------------------------------------------------------------------


def _chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    result = subprocess.run([CHROMIUM, *flags, *arguments], capture_output=True, timeout=120)  # type: ignore[list-item]
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@needs_chromium
def test_chromium_renders_the_figures(sample_page, tmp_path: Path):
    page, bulletin, _ = sample_page
    rendered = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.decode("utf-8")
    assert "相山区招商引资工作每月通报" in rendered
    assert assert_figures_equal_the_json(rendered, bulletin) > 3000


@needs_chromium
def test_a_phone_does_not_scroll_sideways(sample_page, tmp_path: Path):
    """The page in a 375 px wide frame (headless windows are at least 500 px wide): its scrollWidth,
    and its tables' (which scroll inside their box on a wider screen)."""
    page, _, _ = sample_page
    frame = tmp_path / "phone.html"
    frame.write_text(
        '<!DOCTYPE html><html><body style="margin:0"><iframe id="phone" style="width:375px;height:700px;border:0"'
        f' srcdoc="{html.escape(page.read_text(encoding="utf-8"), quote=True)}"></iframe><script>'
        'window.addEventListener("load", function () { var page = document.getElementById("phone").contentDocument;'
        ' document.body.setAttribute("data-width", page.documentElement.scrollWidth + " " + page.documentElement.clientWidth'
        ' + " " + page.querySelectorAll("td").length + " " + Array.from(page.querySelectorAll(".scroll"))'
        ".filter(function (box) { return box.scrollWidth > box.clientWidth; }).length); });</script></body></html>",
        encoding="utf-8",
    )
    rendered = _chromium(tmp_path, "--dump-dom", frame.as_uri()).stdout.decode("utf-8")
    found = re.search(r'data-width="(\d+) (\d+) (\d+) (\d+)"', rendered)
    assert found is not None, rendered[-500:]
    scroll_width, client_width, cells, scrolling_tables = map(int, found.groups())
    assert cells > 3000 and 350 <= client_width <= 375
    assert scroll_width <= client_width  # the page does not scroll sideways,
    assert scrolling_tables == 0  # nor does any table in it: each row is a card


@needs_chromium
def test_it_prints_on_a4_landscape(sample_page, tmp_path: Path):
    page, _, _ = sample_page
    pdf = tmp_path / "page.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    boxes = {
        tuple(round(float(number)) for number in box)
        for box in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    }
    assert boxes == {(842, 595)}  # A4 (297 × 210 mm) in points, landscape


@needs_chromium
def test_a_small_screenshot_at_phone_width(sample_page, tmp_path: Path):
    page, _, _ = sample_page
    shot = tmp_path / "phone.png"
    _chromium(tmp_path, "--hide-scrollbars", "--window-size=375,600", f"--screenshot={shot}", page.as_uri())
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")) == (375, 600)
