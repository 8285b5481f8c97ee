"""What XlsxWriter itself needs on this machine to write a city's workbook: the floor under
`export projects` and `report monthly --xlsx` (issue 13).

    python benchmarks/bench_xlsxwriter_floor.py [--rows 100000] [--runs 3]

Writes rows with nothing of zs's in the loop, in constant_memory mode as zs does, each kind of
row in a child process (its own peak memory), and prints the median CPU time of each:

- 18 numbers a row: the issue's yardstick ("100,000 × 18 cells in about 9 s of CPU");
- 18 cells a row of the export's kinds: text (names, units, investors), amounts, dates;
- 13 cells a row, text and numbers in the proportion `export projects` writes them
  (827,495 strings and 488,545 numbers for 100,000 projects: blank cells are not written).

The export's target (12 s) and the bulletin's (12 s) can be judged against these: a target
below the floor cannot be met by any code around XlsxWriter.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

KINDS = ("numbers18", "mixed18", "export13")


def write(path: Path, kind: str, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("项目")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    for row in range(rows):
        if kind == "numbers18":
            sheet.write_row(row, 0, range(row, row + 18))
            continue
        texts = (f"B{row:06d}", f"新能源项目{row}", "第3街道", f"投资方{row}", "新能源", f"人员{row % 2000}", "在建")
        for column, text in enumerate(texts):
            sheet.write_string(row, column, text)
        if kind == "export13":  # 8 strings and 5 numbers, as the export's average row
            sheet.write_string(row, 7, "资金未到位")
            sheet.write_number(row, 8, 12345.67, money)
            for column in range(9, 13):
                sheet.write_datetime(row, column, date(2024, 1 + row % 12, 1 + row % 28), day)
            continue
        sheet.write_number(row, 7, 12345.67, money)
        for column in range(8, 13):
            sheet.write_datetime(row, column, date(2024, 1 + row % 12, 1 + row % 28), day)
        for column, text in enumerate(("上海", "张三", "备注", "以商招商", "长三角"), start=13):
            sheet.write_string(row, column, text)
    workbook.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        started = time.process_time()
        write(Path(arguments.path), arguments.child, arguments.rows)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{time.process_time() - started:.3f} {peak:.0f}")
        return
    with tempfile.TemporaryDirectory() as folder:
        for kind in KINDS:
            seconds, peaks = [], []
            for _ in range(arguments.runs):
                command = [sys.executable, __file__, "--child", kind, "--rows", str(arguments.rows)]
                finished = subprocess.run([*command, "--path", str(Path(folder) / f"{kind}.xlsx")], capture_output=True, text=True, check=True)  # fmt: skip
                cpu, peak = finished.stdout.split()
                seconds.append(float(cpu))
                peaks.append(float(peak))
            print(
                f"{kind}: {arguments.rows} rows, median {statistics.median(seconds):.1f} s CPU of {arguments.runs} "
                f"(min {min(seconds):.1f} s), peak {max(peaks):.0f} MB"
            )


if __name__ == "__main__":
    main()
