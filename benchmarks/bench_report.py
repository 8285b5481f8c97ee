"""Time `zs report monthly --xlsx` on a city-sized ledger (issue 5).

    python benchmarks/bench_report.py [--projects 100000] [--persons 2000] [--trips 200000] [--runs 3]

Builds the ledger of the quota benchmark (`bench_quotas.build`: 100,000 projects over
2015–2024, 2,000 persons, 200,000 trips), then runs, as a subprocess,

    zs --db LEDGER report monthly --month 2024-10 --xlsx OUT.xlsx

several times and prints the median wall time and the peak resident memory of the runs
(`/usr/bin/time -f %M`), against the targets of issue 13: under 12 s and under 200 MB. Then checks the
workbook (the rows each sheet declares, and its XML parsed in full), and prints where the
time of one run goes, in-process: the figures, and the workbook (frame and streamed rows).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_quotas import build

MONTH = "2024-10"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--trips", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        build(db, args.projects, args.persons, args.trips)
        print(
            f"ledger: {args.projects} projects, {args.persons} persons, {args.trips} trips, built in {time.perf_counter() - started:.1f} s"
        )
        out = Path(folder) / "report.xlsx"
        command = [
            sys.executable,
            "-m",
            "zhaoshang",
            "--db",
            str(db),
            "report",
            "monthly",
            "--month",
            MONTH,
            "--xlsx",
            str(out),
            "--force",
        ]
        timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
        timings, peaks = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            finished = subprocess.run(timer + command, capture_output=True, text=True)
            timings.append(time.perf_counter() - started)
            assert finished.returncode == 0, finished.stderr
            if timer:
                peaks.append(int(finished.stderr.split()[-1]) / 1024)
        wall = statistics.median(timings)
        print(
            f"zs report monthly --month {MONTH} --xlsx: median {wall:.1f} s of {args.runs} (min {min(timings):.1f} s), target < 12 s: {'ok' if wall < 12 else 'MISSED'}"
        )
        if peaks:
            peak = max(peaks)
            print(f"peak memory {peak:.0f} MB, target < 200 MB: {'ok' if peak < 200 else 'MISSED'}")
        print(f"workbook {out.stat().st_size / 1e6:.1f} MB")
        _sheets(out)
        _phases(db, Path(folder) / "phases.xlsx")


def _sheets(path: Path) -> None:
    """The rows of each sheet as the workbook declares them (read by openpyxl), and as its XML holds
    them (parsed in full: the streamed rows are well-formed)."""
    import zipfile
    from xml.etree import ElementTree

    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    declared = {sheet.title: sheet.max_row for sheet in workbook}
    workbook.close()
    started = time.perf_counter()
    with zipfile.ZipFile(path) as package:
        parts = sorted(name for name in package.namelist() if name.startswith("xl/worksheets/sheet"))
        parsed = []
        for part in parts:
            with package.open(part) as stream:
                parsed.append(sum(1 for _, element in ElementTree.iterparse(stream) if element.tag.endswith("}row")))
    print(f"rows declared {declared}; rows parsed {parsed} in {time.perf_counter() - started:.1f} s")


def _phases(db: Path, out: Path) -> None:
    """Where the time of one report goes, in-process."""
    from zhaoshang.db import Ledger
    from zhaoshang.reports import xlsx
    from zhaoshang.reports.figures import build_bulletin
    from zhaoshang.reports.model import month_period

    ledger = Ledger.open(db)
    with ledger.read() as connection:
        started = time.perf_counter()
        bulletin = build_bulletin(connection, month_period(MONTH), date.today())
        figures = time.perf_counter() - started
        started = time.perf_counter()
        xlsx.write_xlsx(bulletin, out)
        written = time.perf_counter() - started
    ledger.close()
    print(
        f"in-process: figures (rules + aggregates) {figures:.1f} s; workbook (XlsxWriter, constant memory) {written:.1f} s"
    )


if __name__ == "__main__":
    main()
