"""Benchmark: import a 10,000-row ledger workbook, then import it again (every row matched, nothing changed).

Goal (issue 13): under 3 s for the 10,000-row import (issue 6 asked 10 s and 400 MB).
The workbook has what real ledgers have: a title row, a unit note, a two-row header with merged
cells, amounts in 亿元, dates in several forms, and a 合计 row at the end.

    python benchmarks/bench_import.py [--rows 10000]

Each import runs as `python -m zhaoshang … import projects` in a child process, timed from outside;
peak memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

UNITS = ("开发区", "渠沟镇", "区发改委", "区经信局", "区科技局", "相山城投", "相山工投")
PERSONS = (
    ("王建国", "开发区", "head"),
    ("刘明", "区政府办公室", "deputy"),
    ("陈静", "渠沟镇", "head"),
    ("赵磊", "区投资促进局", "staff"),
)
CHANNELS = ("委托招商", "以商招商", "基金招商", "外出招商", "驻点招商", "产业链招商")
HEADER = ["序号", "项目名称", "投资方", "投资额（亿元）", None, "产业类别", "责任单位", "招商方式", "来源地",
          "包保领导", "专人", "签约时间", "开工时间", "入库时间", "竣工时间", "投产时间", "备注"]  # fmt: skip


def _date_forms(day: date, index: int):
    """The same day as a ledger may hold it: a real date, a serial number, or text in three forms."""
    forms = (
        day,
        (day - date(1899, 12, 30)).days,
        day.isoformat(),
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    )
    return forms[index % len(forms)]


def build_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "项目台账"
    sheet.append(["2024年招商引资项目台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(["填报单位：区投资促进局        单位：亿元"])
    sheet.append(HEADER)
    sheet.append([None, None, None, "总投资", "固投"])
    for column in range(1, len(HEADER) + 1):
        if column not in (4, 5):
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    sheet.merge_cells(start_row=3, start_column=4, end_row=3, end_column=5)
    first = date(2023, 1, 2)
    for index in range(rows):
        signed = first + timedelta(days=index % 600)
        started = signed + timedelta(days=30) if index % 3 else None
        included = started + timedelta(days=20) if started and index % 5 == 0 else None
        leader, _, _ = PERSONS[1]
        handler = PERSONS[index % len(PERSONS)][0]
        sheet.append([
            index + 1, f"示范项目{index + 1:05d}", f"投资企业{index % 700:03d}有限公司",
            round(0.05 + (index % 400) * 0.25, 2), round(0.03 + (index % 400) * 0.1, 2),
            "新能源汽车" if index % 2 else "高端装备", UNITS[index % len(UNITS)], CHANNELS[index % len(CHANNELS)], "上海",
            leader, handler, _date_forms(signed, index), _date_forms(started, index + 1) if started else None,
            _date_forms(included, index + 2) if included else None, None, None, f"第{index + 1}个项目",
        ])  # fmt: skip
    sheet.append(["合计"])
    workbook.save(path)


def zs(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", "--db", str(db), "--actor", "bench", *args], capture_output=True, text=True
    )


def timed_import(db: Path, workbook: Path) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak MB of the child, last line of its output).

    CPU time is what the import costs whatever else the machine runs; wall time is what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = zs(db, "import", "projects", str(workbook))
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"import failed ({result.returncode}):\n{result.stderr[:2000]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak_mb = after.ru_maxrss / 1024  # kB on Linux
    return seconds, cpu, peak_mb, result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workbook, db = Path(folder) / "ledger.xlsx", Path(folder) / "zs.sqlite"
        started = time.perf_counter()
        build_workbook(workbook, arguments.rows)
        print(
            f"workbook: {arguments.rows} rows, {workbook.stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s"
        )
        zs(db, "init")
        for name, unit, role in PERSONS:
            zs(db, "person", "add", name, "--unit", unit, "--role", role)
        for label in ("first import (all new)", "second import (all matched, unchanged)"):
            seconds, cpu, peak_mb, line = timed_import(db, workbook)
            verdict = "ok" if seconds < 3 and peak_mb < 400 else "OVER BUDGET"
            print(f"{label}: {seconds:.2f} s ({cpu:.2f} s CPU), peak {peak_mb:.0f} MB [{verdict}] — {line}")


if __name__ == "__main__":
    main()
