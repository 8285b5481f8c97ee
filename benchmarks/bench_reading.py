"""Time what a person reads on a city-sized ledger (issue 14).

    python benchmarks/bench_reading.py [--projects 100000] [--persons 2000] [--trips 200000] [--runs 3]

Builds the ledger of the quota benchmark (`bench_quotas.build`), then runs, as subprocesses,
several times each, and prints the median wall time, the peak resident memory
(`/usr/bin/time -f %M`) and the output's size:

    zs report monthly --month 2024-10 --html OUT.html     the web bulletin (every project in it)
    zs report monthly --month 2024-10 --xlsx OUT.xlsx     the workbook, for comparison
    COLUMNS=80 zs project list                            a table laid out for 80 columns
    COLUMNS=80 zs project list --wide                     the same table, every column, no folding

and, with `--help-runs`, `zs --help` (start-up: the Chinese help costs no import).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_quotas import build

MONTH = "2024-10"


def measure(command: list[str], runs: int, output: Path | None = None) -> tuple[float, int, int]:
    """Median wall seconds, largest peak RSS in MB, output size in bytes (the file's, else stdout's)."""
    timings, peaks, size = [], [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *command],
            capture_output=True,
            check=True,
            env={**os.environ, "COLUMNS": "80"},
        )
        timings.append(time.perf_counter() - started)
        peaks.append(int(result.stderr.decode().strip().splitlines()[-1]) // 1024)
        size = output.stat().st_size if output is not None else len(result.stdout)
    return statistics.median(timings), max(peaks), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--trips", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--help-runs", type=int, default=7)
    args = parser.parse_args()
    zs = [sys.executable, "-m", "zhaoshang"]
    if args.help_runs:
        seconds, peak, _ = measure([*zs, "--help"], args.help_runs)
        print(f"zs --help: {seconds:.2f} s, {peak} MB")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        build(db, args.projects, args.persons, args.trips)
        print(
            f"ledger: {args.projects} projects, {args.persons} persons, {args.trips} trips, built in {time.perf_counter() - started:.1f} s"
        )
        report = [*zs, "--db", str(db), "report", "monthly", "--month", MONTH, "--force"]
        for option, name in (("--html", "report.html"), ("--xlsx", "report.xlsx")):
            target = Path(folder) / name
            seconds, peak, size = measure([*report, option, str(target)], args.runs, target)
            print(f"report monthly {option}: {seconds:.1f} s, {peak} MB, file {size / 1e6:.1f} MB")
        for extra in ((), ("--wide",)):
            seconds, peak, size = measure([*zs, "--db", str(db), "project", "list", *extra], args.runs)
            print(f"COLUMNS=80 project list {' '.join(extra)}: {seconds:.1f} s, {peak} MB, {size / 1e6:.1f} MB printed")


if __name__ == "__main__":
    main()
