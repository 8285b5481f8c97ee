"""Workbooks read safely and written safely (issue 11, the workbook part).

Reading: bombs, entities, damaged XML and strange numbers are refused in Chinese, within a memory
budget, before anything is written. Writing: an output file appears whole or not at all, with the
mode a new file gets, only over a regular file, and with Chinese messages for the disk's refusals.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import Zs, assert_rejected, dump

HEADER = ["项目名称", "责任单位", "总投资", "签约时间", "备注"]


def _book(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    for row in [HEADER, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def _patched(source: Path, target: Path, change) -> Path:
    """A copy of a workbook whose first sheet's XML is `change(xml)`, zipped anew (valid checksums)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item.filename, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return target


def _bomb(source: Path, target: Path, text_bytes: int) -> Path:
    """One text cell of `text_bytes` spaces and letters, compressed about a thousand times."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                new.writestr(item.filename, old.read(item.filename))
                continue
            head, _, _ = old.read(item.filename).partition(b"<sheetData>")
            entry = zipfile.ZipInfo(item.filename)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with new.open(entry, "w") as stream:
                stream.write(head + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
                block = b"a " * (1 << 19)
                for _ in range(text_bytes // len(block)):
                    stream.write(block)
                stream.write(b"</t></is></c></row></sheetData></worksheet>")
    return target


def test_a_1mb_bomb_is_refused_quickly_and_within_300mb(zs: Zs, tmp_path: Path):
    bomb = _bomb(_book(tmp_path / "small.xlsx", []), tmp_path / "bomb.xlsx", 1 << 30)
    assert bomb.stat().st_size < 2_000_000  # about a megabyte that unpacks to a gigabyte
    before = dump(zs.db)
    # A fresh child runs the import as its only child, so that RUSAGE_CHILDREN is that import's peak.
    measure = (
        "import resource, subprocess, sys, time; started = time.monotonic(); "
        "result = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(result.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - started); "
        "print(result.stderr, end='')"
    )
    command = [sys.executable, "-m", "zhaoshang", "--db", str(zs.db), "import", "projects", str(bomb)]
    finished = subprocess.run([sys.executable, "-c", measure, *command], capture_output=True, text=True, timeout=120)
    first, _, stderr = finished.stdout.partition("\n")
    code, peak_kb, seconds = first.split()
    assert code == "2" and stderr.startswith("错误：工作簿过大"), finished.stdout + finished.stderr
    assert "压缩炸弹" in stderr and "Traceback" not in stderr
    assert int(peak_kb) / 1024 < 300 and float(seconds) < 30
    assert dump(zs.db) == before


def test_a_sheet_spanning_excels_whole_grid_is_refused_before_it_is_allocated(zs: Zs, tmp_path: Path):
    source = _book(tmp_path / "a.xlsx", [["甲项目", "开发区", 100]])
    far = _patched(
        source,
        tmp_path / "far.xlsx",
        lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'),
    )
    assert_rejected(zs("import", "projects", str(far)), "工作簿过大", "1,048,576 行 × 16,384 列")


@pytest.mark.parametrize(
    "change, fragments",
    [
        (  # XXE: an external entity
            lambda xml: (
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                + xml.split(b"?>", 1)[-1].replace(b"<v>100</v>", b"<v>&e;</v>")
            ),
            ("XML 实体声明",),
        ),
        (  # billion laughs
            lambda xml: (
                b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                + xml.split(b"?>", 1)[-1]
            ),
            ("XML 实体声明",),
        ),
        (lambda xml: b"\x00" * len(xml), ("无法读取 Excel 工作簿",)),
        (lambda xml: xml[: len(xml) // 2], ("无法读取 Excel 工作簿",)),
        (lambda xml: xml.replace(b"<v>100</v>", b"<v>INF</v>"), ("第2行 总投资：'#NUM!' 不是有效金额",)),
        (lambda xml: xml.replace(b"<v>100</v>", b"<v>NaN</v>"), ("第2行 总投资：'#NUM!' 不是有效金额",)),
        (lambda xml: xml.replace(b"<v>45352</v>", b"<v>-5</v>"), ("第2行 签约时间：", "不是有效日期")),
    ],
)
def test_malicious_or_damaged_sheets_are_refused_in_chinese(zs: Zs, tmp_path: Path, change, fragments):
    source = _book(tmp_path / "a.xlsx", [["甲项目", "开发区", 100, 45352]])  # 45352: 2024-03-01 as a serial
    before = dump(zs.db)
    result = zs("import", "projects", str(_patched(source, tmp_path / "bad.xlsx", change)))
    assert_rejected(result, *fragments)
    assert "root:" not in result.stderr + result.stdout and "Warning" not in result.stderr
    assert dump(zs.db) == before


def test_a_date_cell_holding_a_serial_before_1900_is_refused(zs: Zs, tmp_path: Path):
    source = _book(tmp_path / "a.xlsx", [["甲项目", "开发区", 100, None]])
    workbook = load_workbook(source)
    workbook.active["D2"] = -5
    workbook.active["D2"].number_format = "yyyy-mm-dd"
    workbook.save(source)
    assert_rejected(zs("import", "projects", str(source)), "第2行 签约时间：", "不是有效日期")


def test_a_cell_over_excels_limit_is_refused_on_import(zs: Zs, tmp_path: Path):
    source = _book(tmp_path / "a.xlsx", [["甲项目", "开发区", 100]])
    cell = b'<c r="E2" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row></sheetData>"
    huge = _patched(source, tmp_path / "huge.xlsx", lambda xml: xml.replace(b"</row></sheetData>", cell))
    assert_rejected(zs("import", "projects", str(huge)), "第2行 备注：有40,000个字，超过Excel单元格上限32767字")


def _note(zs: Zs, code: str, note: str) -> None:
    """Store a note as an older zs (or another program) might have: through the audited writer."""
    from zhaoshang.db import Ledger

    ledger = Ledger.open(zs.db)
    with ledger.write("测试员", "project.edit", subject=code) as writer:
        project_id = writer.connection.exec_driver_sql("SELECT id FROM project WHERE code = :c", {"c": code}).scalar()
        writer.update("project", {"id": project_id}, {"note": note})
    ledger.close()


def test_text_over_a_cells_limit_is_never_cut_silently(zs: Zs, tmp_path: Path):
    code = zs.last_line("project", "add", "甲项目", "--unit", "开发区", "--amount", "100", "--signed", "2024-10-08")
    _note(zs, code, "长" * 40_000)
    assert_rejected(
        zs("export", "projects", str(tmp_path / "a.xlsx")), f"项目 {code} 的「备注」有40000个字", "超过Excel单元格上限"
    )
    assert_rejected(zs("export", "ledger", str(tmp_path / "b.xlsx")), "第3行「备注」有40000个字")
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".zs-*"))
    # The bulletin is read, never imported back: the note is cut there, and says so.
    zs.ok("report", "monthly", "--month", "2024-10", "--xlsx", str(tmp_path / "通报.xlsx"))


def test_a_control_character_in_stored_text_breaks_no_workbook(zs: Zs, tmp_path: Path):
    code = zs.last_line("project", "add", "甲项目", "--unit", "开发区", "--amount", "100", "--signed", "2024-10-08")
    _note(zs, code, "第一\x01第二\x0b第三")
    zs.ok("export", "projects", str(tmp_path / "a.xlsx"))
    zs.ok("export", "ledger", str(tmp_path / "b.xlsx"))
    zs.ok("report", "monthly", "--month", "2024-10", "--xlsx", str(tmp_path / "c.xlsx"))
    # The workbook holds the note as it was; reading it back, the import applies today's input rules
    # (issue 11: control characters refused), naming the cell, rather than storing it again.
    assert_rejected(zs("import", "projects", str(tmp_path / "a.xlsx")), "第3行 备注", "U+0001")


def test_output_files_get_the_mode_a_new_file_gets(zs: Zs, tmp_path: Path):
    old = os.umask(0o022)
    try:
        for args in (("export", "projects"), ("export", "ledger"), ("export", "trips"), ("template", "projects")):
            path = tmp_path / f"{args[0]}-{args[1]}.xlsx"
            extra = ("--unit", "开发区") if args[0] == "template" else ()
            zs.ok(*args, str(path), *extra)
            assert path.stat().st_mode & 0o777 == 0o644, args
        zs.ok("report", "monthly", "--month", "2024-10", "--xlsx", str(tmp_path / "r.xlsx"))
        assert (tmp_path / "r.xlsx").stat().st_mode & 0o777 == 0o644
        os.umask(0o027)
        zs.ok("export", "projects", str(tmp_path / "g.xlsx"))
        assert (tmp_path / "g.xlsx").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_only_a_regular_file_is_overwritten(zs: Zs, tmp_path: Path):
    folder = tmp_path / "a.xlsx"
    folder.mkdir()
    assert_rejected(zs("export", "projects", str(folder), "--force"), "是一个文件夹")
    assert_rejected(zs("report", "monthly", "--xlsx", str(folder), "--force"), "是一个文件夹")
    if Path("/dev/null").exists():
        link = tmp_path / "null.xlsx"
        link.symlink_to("/dev/null")
        assert_rejected(zs("export", "projects", str(link), "--force"), "不是普通文件")
        assert link.is_symlink()


@pytest.mark.parametrize(
    "code, fragment", [(errno.ENOSPC, "磁盘空间不足"), (errno.EACCES, "没有权限写入"), (errno.EROFS, "没有权限写入")]
)
def test_a_full_or_closed_disk_is_said_in_chinese_and_leaves_no_file(zs, tmp_path, monkeypatch, code, fragment):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"the old file")

    def refuse(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refuse)
    assert_rejected(zs("export", "projects", str(target), "--force"), "导出文件：", fragment)
    assert target.read_bytes() == b"the old file"
    assert [path.name for path in tmp_path.iterdir() if path.suffix == ".xlsx"] == ["a.xlsx"]


def test_the_help_imports_neither_reader_nor_writer():
    code = "import sys, zhaoshang.cli; print(sorted({'xlsxwriter', 'python_calamine', 'openpyxl'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_compressed_block_really_is_compressible():
    """The bomb above relies on deflate's ratio; keep the test honest about what it builds."""
    assert len(zlib.compress(b"a " * (1 << 19))) * 500 < (1 << 20)
