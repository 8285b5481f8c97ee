"""Benchmark: `zs export projects` and `zs import projects` of a city's 100,000 projects (issue 13).

Targets: export under 12 s and 150 MB peak; import of that workbook into a ledger with its units
and persons under 20 s and 400 MB peak.

    python benchmarks/bench_transfer.py [--projects 100000] [--runs 3]

Builds the ledger of the quota benchmark (`bench_quotas.build`: 100,000 projects over 2015–2024,
2,000 persons), gives its stalled and terminated projects a reason (the generator leaves none, and
an import refuses a stall without one), then runs each command as `python -m zhaoshang …` in a child
process, several times, and prints the medians of wall and CPU time and the largest peak resident
set (`/usr/bin/time -f %M`). Each import goes into a fresh copy of a ledger that holds the units and
persons and no project. CPU time is the steadier figure on a machine that runs other work.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_quotas import build  # a sibling script: benchmarks/ is on sys.path when this one runs

TIME = ["/usr/bin/time", "-f", "%e %U %S %M"]


def zs(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "zhaoshang", "--db", str(db), "--actor", "bench", *args]


def measured(command: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak MB, last line of stdout) of one child."""
    finished = subprocess.run(TIME + command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(command[3:])} failed:\n{finished.stderr[-3000:]}")
    wall, user, system, peak_kb = finished.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(peak_kb) / 1024, finished.stdout.strip().splitlines()[-1]


def report(label: str, runs: list[tuple[float, float, float, str]], seconds: float, megabytes: float) -> None:
    wall = statistics.median(run[0] for run in runs)
    cpu = statistics.median(run[1] for run in runs)
    peak = max(run[2] for run in runs)
    verdict = "ok" if wall < seconds and peak < megabytes else "MISSED"
    print(
        f"{label}: median {wall:.1f} s wall, {cpu:.1f} s CPU of {len(runs)} runs; peak {peak:.0f} MB "
        f"(target < {seconds:.0f} s, < {megabytes:.0f} MB: {verdict}) — {runs[-1][3]}"
    )


def people_only(source: Path, target: Path) -> None:
    """A new ledger with the units and persons of `source` (through zs, audited) and no project."""
    subprocess.run(zs(target, "init"), check=True, capture_output=True)
    from zhaoshang.db import Ledger

    with sqlite3.connect(source) as connection:
        units = connection.execute("SELECT name, kind FROM unit ORDER BY id").fetchall()
        persons = connection.execute(
            "SELECT person.name, unit.name, person.role FROM person JOIN unit ON unit.id = person.unit_id ORDER BY person.id"
        ).fetchall()
    ledger = Ledger.open(target)
    with ledger.write("bench", "unit.add") as writer:
        ids = dict(writer.connection.exec_driver_sql("SELECT name, id FROM unit").fetchall())
        for name, kind in units:
            if name not in ids:
                ids[name] = writer.insert("unit", {"name": name, "kind": kind})
        for name, unit, role in persons:
            writer.insert("person", {"name": name, "unit_id": ids[unit], "role": role})
    ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source, book = folder / "city.sqlite", folder / "projects.xlsx"
        started = time.perf_counter()
        build(source, arguments.projects, 2000, 1000)  # trips do not enter the project workbook
        with sqlite3.connect(source) as connection:
            connection.execute("UPDATE project SET status_reason = '资金未到位' WHERE status != 'active'")
        print(f"ledger: {arguments.projects} projects, built in {time.perf_counter() - started:.1f} s")
        exports = [measured(zs(source, "export", "projects", str(book), "--force")) for _ in range(arguments.runs)]
        report("export projects", exports, 12, 150)
        print(f"workbook {book.stat().st_size / 1e6:.1f} MB")
        empty = folder / "people.sqlite"
        people_only(source, empty)
        imports = []
        for _ in range(arguments.runs):
            target = folder / "target.sqlite"
            for leftover in folder.glob("target.sqlite*"):
                leftover.unlink()
            shutil.copyfile(empty, target)
            imports.append(measured(zs(target, "import", "projects", str(book))))
        report("import projects (all new)", imports, 20, 400)
        again = [measured(zs(target, "import", "projects", str(book))) for _ in range(arguments.runs)]
        report("import projects again (all unchanged)", again, 20, 400)


if __name__ == "__main__":
    main()
