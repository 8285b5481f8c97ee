"""Benchmark: openpyxl's read-only mode against python-calamine on a ledger workbook (issue 13).

    python benchmarks/bench_readers.py [--rows 100000]

Writes a workbook with what ledgers hold (text, whole and decimal numbers, dates as dates and as
serials, blank cells, a two-row merged header), reads it with both, checks that they give the same
values (a float of openpyxl equals calamine's; calamine gives dates as dates where the cell has a
date format, as openpyxl gives datetimes; blanks are None in one and '' in the other) and the same
merged ranges, and prints the CPU time and peak memory of each, measured in a child process.
zs keeps the faster: calamine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

READ_OPENPYXL = """
import sys, time
from openpyxl import load_workbook
started = time.process_time()
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
sheet = book.worksheets[0]
rows = [list(row) for row in sheet.iter_rows(values_only=True)]
print(len(rows), time.process_time() - started)
"""
READ_CALAMINE = """
import sys, time
from python_calamine import CalamineWorkbook
started = time.process_time()
sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)
rows = list(sheet.to_python(skip_empty_area=False))
print(len(rows), time.process_time() - started)
"""


def build(path: Path, rows: int) -> None:
    from xlsxwriter import Workbook

    book = Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, 1, "项目")
    sheet.write_row(1, 0, ["名称", "编号", "总投资", "签约时间", "开工时间", "备注"])
    for number in range(rows):
        row = number + 2
        sheet.write_string(row, 0, f"示范项目{number}")
        sheet.write_string(row, 1, f"XM{number:06d}")
        sheet.write_number(row, 2, 1234.5678 + number)
        sheet.write_datetime(row, 3, datetime(2024, 1 + number % 12, 1 + number % 28), dated)
        sheet.write_number(row, 4, 45352 + number % 300)
        if number % 3:
            sheet.write_string(row, 5, "备注")
    book.close()


def same_values(path: Path) -> None:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    book = load_workbook(path, read_only=True, data_only=True)
    expected = [list(row) for row in book.worksheets[0].iter_rows(values_only=True, max_row=2000)]
    merges_openpyxl = [str(merged) for merged in load_workbook(path).worksheets[0].merged_cells.ranges]
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    got = sheet.to_python(skip_empty_area=False, nrows=2000)
    for want, have in zip(expected, got, strict=False):
        for a, b in zip(want, have, strict=False):
            a = a.date() if isinstance(a, datetime) else a
            assert (a if a is not None else "") == b or (isinstance(b, date) and a == b), (want, have)
    assert merges_openpyxl == ["A1:B1"] and sheet.merged_cell_ranges == [((0, 0), (0, 1))]
    print("same values (2,000 rows compared) and the same merged range")


def child(code: str, path: Path) -> tuple[float, float]:
    """(CPU seconds of the read, peak MB of the child that read)."""
    measure = f"{code}\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", measure, str(path)], capture_output=True, text=True, check=True)
    _, seconds, peak_kb = out.stdout.split()
    return float(seconds), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        build(path, arguments.rows)
        same_values(path)
        for name, code in (("openpyxl read-only", READ_OPENPYXL), ("python-calamine", READ_CALAMINE)):
            seconds, peak = child(code, path)
            print(f"{name}: {arguments.rows} rows in {seconds:.1f} s CPU, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
