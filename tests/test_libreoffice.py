"""Real clients: LibreOffice opens every kind of workbook zs writes (converted to PDF, headless).

Skipped only where LibreOffice (`soffice`) is not installed; `.ci/run` installs it on a fresh machine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Zs

SAMPLE = Path(__file__).parent.parent / "data" / "sample.sqlite"

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def test_libreoffice_opens_the_bulletin_a_template_and_the_exports(tmp_path: Path):
    shutil.copyfile(SAMPLE, tmp_path / "sample.sqlite")
    zs = Zs(tmp_path / "sample.sqlite")
    books = {
        "通报.xlsx": ("report", "monthly", "--month", "2024-10", "--xlsx"),
        "模板.xlsx": ("template", "projects", "--unit", "渠沟镇"),
        "台账.xlsx": ("export", "projects"),
        "行程.xlsx": ("export", "trips"),
        "整本.xlsx": ("export", "ledger"),
    }
    for name, args in books.items():
        if args[0] == "template":
            zs.ok(args[0], args[1], str(tmp_path / name), *args[2:])
        else:
            zs.ok(*args, str(tmp_path / name))
    out = tmp_path / "pdf"
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(out), *(str(tmp_path / name) for name in books)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in books:
        pdf = out / name.replace(".xlsx", ".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), (name, result.stdout, result.stderr)
    # The bulletin prints its five sheets, each on at least one page.
    pages = re.findall(rb"/Type\s*/Page[^s]", (out / "通报.pdf").read_bytes())
    assert len(pages) >= 5
