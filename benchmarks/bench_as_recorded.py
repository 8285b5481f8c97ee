"""Time `zs check quotas --as-recorded N` on a ledger whose audit log is a city's (issue 15).

    python benchmarks/bench_as_recorded.py [--projects 100000] [--edits 10000] [--runs 5]

Builds a temporary ledger in which every project is created by its own audited write (one
audit entry each, through the Writer as `zs project add` does) and then `--edits` projects are
edited one entry at a time (amount, handler, a stage date). Then runs, as a subprocess,

    zs check quotas --format json --as-recorded N --as-of 2024-10-31

where N is the last entry (the whole log replayed), several times, and prints the median wall
time, the CPU time and the peak resident memory of the runs, against the target: under 10 s.
Also the live `check quotas` on the same ledger, for comparison.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from zhaoshang.audit import Writer
from zhaoshang.services.setup import init_ledger

sys.path.insert(0, str(Path(__file__).parent))
from bench_quotas import _project_rows, compile_package  # the same believable projects as the quota benchmark

COLUMNS = (
    "id", "code", "name", "unit_id", "amount", "investor", "industry", "handler_id",
    "signed_on", "started_on", "included_on", "producing_on",
)  # fmt: skip


def build(path: Path, projects: int, edits: int, seed: int = 2024) -> int:
    """The ledger; returns the number of its last audit entry."""
    rng = random.Random(seed)
    ledger = init_ledger(path, "bench", 2024)
    clock = datetime(2024, 1, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    with ledger.engine.connect().execution_options(zs_write=True) as connection, connection.begin():
        writer = Writer(connection, "units")
        for number in range(1, 6):
            writer.insert("unit", {"name": f"第{number}街道", "kind": "street"})
        persons = [writer.insert("person", {"name": f"人员{n}", "unit_id": 1, "role": "staff"}) for n in range(1, 201)]
        for person_id in persons:
            writer.insert("person_post", {"person_id": person_id, "unit_id": 1, "role": "staff"})
        writer.finish(actor="bench", action="unit.add", at=clock)
        unit_ids = [row[0] for row in connection.exec_driver_sql("SELECT id FROM unit")]
        for row in _project_rows(rng, projects, unit_ids, persons):
            writer = Writer(connection, row[1])
            writer.insert("project", dict(zip(COLUMNS, row[:12], strict=True)) | {"status": "active"})
            clock += timedelta(minutes=3)
            writer.finish(actor="bench", action="project.add", at=clock)
        for _ in range(edits):
            project_id = rng.randrange(1, projects + 1)
            writer = Writer(connection, f"B{project_id:06d}")
            change = rng.choice(({"amount": rng.randrange(1, 60) * 100_000_000}, {"handler_id": rng.choice(persons)}))
            writer.update("project", {"id": project_id}, change)
            clock += timedelta(minutes=3)
            writer.finish(actor="bench", action="project.edit", at=clock)
        last = connection.exec_driver_sql("SELECT max(seq) FROM audit_log").scalar_one()
    ledger.close()
    return last


def run(db: Path, *args: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident KB of one `zs` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "zhaoshang", "--db", str(db), *args],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr[-2000:])
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, int(result.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "city.sqlite"
        started = time.perf_counter()
        last = build(db, options.projects, options.edits)
        compile_package()
        print(f"ledger: {options.projects} projects and {options.edits} edits, {last} audit entries, "
              f"built in {time.perf_counter() - started:.0f} s, {db.stat().st_size / 2**20:.0f} MB")  # fmt: skip
        as_of = ("--as-of", str(date(2024, 10, 31)))
        for label, args in (
            ("check quotas (live)", ("check", "quotas", "--format", "json", *as_of)),
            (f"check quotas --as-recorded {last}", ("check", "quotas", "--format", "json", "--as-recorded", str(last), *as_of)),
        ):  # fmt: skip
            runs = [run(db, *args) for _ in range(options.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs) / 1024
            print(f"{label}: median {wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.0f} MB ({options.runs} runs)")


if __name__ == "__main__":
    main()
