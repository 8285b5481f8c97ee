"""Start-up cost of the CLI (issue 2).

Builds a ledger of 10,000 projects, then times, as subprocesses, the median of several runs of:
`zs --help` (target < 0.25 s), `zs project add` on that ledger (target < 1.5 × `import sqlmodel`),
and `python -c 'import sqlmodel'` alone.

    python benchmarks/bench_cli.py [--projects 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build_ledger(path: Path, projects: int) -> None:
    from zhaoshang.services.setup import init_ledger

    ledger = init_ledger(path, "bench")
    with ledger.write("bench", "bench.seed") as writer:
        unit_id = writer.connection.exec_driver_sql("SELECT id FROM unit WHERE name = '开发区'").scalar()
        for number in range(1, projects + 1):
            writer.insert("project", {"code": f"B{number:06d}", "name": f"基准项目{number}", "unit_id": unit_id,
                                      "amount": 100_000_000 + number, "signed_on": "2024-03-01", "status": "active"})  # fmt: skip
    ledger.close()


def median_seconds(command: list[str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        build_ledger(db, args.projects)
        print(f"ledger of {args.projects} projects built in {time.perf_counter() - started:.1f} s")
        zs = [sys.executable, "-m", "zhaoshang", "--db", str(db), "--actor", "bench"]
        import_sqlmodel = median_seconds([sys.executable, "-c", "import sqlmodel"], args.runs)
        help_time = median_seconds([*zs, "--help"], args.runs)
        counter = iter(range(10**9))
        add_timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([*zs, "project", "add", f"新项目{next(counter)}", "--unit", "开发区", "--amount", "1.2亿"],
                           check=True, capture_output=True)  # fmt: skip
            add_timings.append(time.perf_counter() - started)
        add_time = statistics.median(add_timings)
    print(f"python -c 'import sqlmodel': {import_sqlmodel:.3f} s")
    print(
        f"zs --help:                   {help_time:.3f} s   (target < 0.250 s: {'ok' if help_time < 0.25 else 'MISSED'})"
    )
    print(f"zs project add:              {add_time:.3f} s   ({add_time / import_sqlmodel:.2f} × import sqlmodel; "
          f"target < 1.5 ×: {'ok' if add_time < 1.5 * import_sqlmodel else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    main()
