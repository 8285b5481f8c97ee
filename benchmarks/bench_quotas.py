"""Time `zs check quotas` on a city-sized ledger (issue 4).

    python benchmarks/bench_quotas.py [--projects 100000] [--persons 2000] [--trips 200000] [--cases 200000] [--runs 5]

Builds a temporary ledger with the project's own code: `init_ledger` (zs init), then the
generated rows go in through one `ledger.write` transaction with `executemany` — the Writer
records every row in the audit entry, which for 500,000 rows would be a log entry of
hundreds of MB, so the bulk rows bypass it (as in bench_trip_days.py). Projects and trips
span 2015 to 2024-10-31, ten years of a city (design §4), one project in a hundred entered
twice (ZS404, counted once by ZS101–ZS105); every person has a post, one in ten moved to another
post in 2024 (ZS201–ZS203 judge them by both); stalls and terminations are dated status events as
`zs project stall|terminate --on` write them; every project has a lead date; `--one-year` puts all the trips
in January–October 2024 instead, the worst case for the trip rules. The full cycle of service
(design §5.4) adds `--cases` each of problems, enterprise requests and on-site inspections, and as
many months of investment: the problems and requests over the ten years, one in eight still open
(ZS405, ZS406), the inspections of started projects, one in twenty 不属实 (ZS407). Then runs, as a subprocess,

    zs check quotas --as-of 2024-10-31 --format json

several times and prints the median wall time, the CPU time and the peak resident memory of
the runs (`/usr/bin/time -f %M`), against the targets: under 3 s (2 cores), under 2 s of CPU with
the cases (issue 12) and under 200 MB.
On a machine busy with other work the wall time grows; the CPU time is the steadier figure.
Finally the time of each rule in-process, to show where the time goes.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from zhaoshang.services.setup import init_ledger

AS_OF = date(2024, 10, 31)
ROLES = ("principal", "deputy", "head", "head", "head", "member", "staff", "staff")
INDUSTRIES = ("新能源", "新材料", "汽车零部件", "高端绿色食品", "现代物流", "数字经济")


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _project_rows(rng: random.Random, count: int, unit_ids: list[int], person_ids: list[int]) -> list[tuple]:
    rows = []
    for number in range(1, count + 1):
        signed = _day(rng, date(2015, 1, 1), AS_OF) if rng.random() < 0.9 else None  # 10% still leads
        started = included = producing = None
        if signed and rng.random() < 0.8:
            started = signed + timedelta(days=rng.randrange(20, 300))
            if rng.random() < 0.85:
                included = started + timedelta(days=rng.randrange(10, 200))
                if rng.random() < 0.6:
                    producing = included + timedelta(days=rng.randrange(100, 700))
        amount = int(10 ** rng.uniform(7, 10.8)) // 10_000 * 10_000  # 1000万 to 60亿, whole 万
        investor = f"投资方{rng.randrange(count // 2)}" if rng.random() < 0.05 else f"投资方{count + number}"
        name = f"{rng.choice(INDUSTRIES)}项目{number}"
        if rows and rng.random() < 0.01:  # the same project entered again (ZS404; counted once by ZS101–ZS105)
            earlier = rows[rng.randrange(len(rows))]
            name, investor = f"{earlier[2]}（重复录入）", earlier[5]
        status = "terminated" if rng.random() < 0.05 else ("stalled" if rng.random() < 0.03 else "active")
        waited = (started or signed or AS_OF) < date(2024, 1, 1) and not (included if started else started)
        if waited and rng.random() < 0.95:
            status = "terminated"  # the bureau cleans up what waited for years (（十九） 及时整治停滞项目)
        # the day of the stall or termination: some time after the last stage, by AS_OF (one in fifty later:
        # counted at AS_OF, as a termination after the day is)
        status_on = min(
            (started or signed or date(2015, 1, 1)) + timedelta(days=rng.randrange(30, 900)),
            date(2024, 12, 31) if rng.random() < 0.02 else AS_OF,
        )
        handler = rng.choice(person_ids) if rng.random() < 0.97 else None
        rows.append(
            (number, f"B{number:06d}", name, rng.choice(unit_ids), amount, investor,
             rng.choice(INDUSTRIES), handler, *(d.isoformat() if d else None for d in (signed, started, included, producing)), status,
             status_on.isoformat() if status == "terminated" else None, status_on.isoformat())
        )  # fmt: skip
    return rows


def _lead_days(seed: int, project_rows: list[tuple]) -> list[str]:
    """Each project's lead date (在谈日期, the year-end outlook's cohorts): up to a year and a half
    before its signing, or a day of the ten years for a lead. A generator of its own, so the rest of
    the ledger is the one the figures were measured on before lead dates existed."""
    rng = random.Random(seed + 1)
    leads = []
    for row in project_rows:
        signed = row[8]
        day = (
            date.fromisoformat(signed) - timedelta(days=rng.randrange(0, 540))
            if signed
            else _day(rng, date(2015, 1, 1), AS_OF)
        )
        leads.append(max(day, date(2014, 1, 1)).isoformat())
    return leads


def _person_rows(rng: random.Random, persons: int, unit_ids: list[int]) -> tuple[list[tuple], list[tuple]]:
    """Persons (their row repeats the latest post) and posts: one in ten moved in 2024 to another unit and role."""
    people, posts = [], []
    for number in range(1, persons + 1):
        unit, role = rng.choice(unit_ids), rng.choice(ROLES)
        if rng.random() < 0.1:
            moved = _day(rng, date(2024, 1, 2), AS_OF)
            new_unit, new_role = rng.choice(unit_ids), rng.choice(ROLES)
            posts += [
                (number, unit, role, None, (moved - timedelta(days=1)).isoformat()),
                (number, new_unit, new_role, moved.isoformat(), None),
            ]
            unit, role = new_unit, new_role
        else:
            posts.append((number, unit, role, None, None))
        people.append((number, f"人员{number}", unit, role))
    return people, posts


def _case_rows(
    rng: random.Random, count: int, unit_ids: list[int], project_rows: list[tuple]
) -> dict[str, list[tuple]]:
    """Problems, requests, inspections and months of investment, `count` of each (design §5.4)."""
    started = [(row[0], date.fromisoformat(row[9])) for row in project_rows if row[9]]
    signed = [(row[0], date.fromisoformat(row[8])) for row in project_rows if row[8]]
    problems, requests, inspections, months = [], [], [], {}

    def case(since: date) -> tuple[str, str, str | None]:
        due = since + timedelta(days=rng.randrange(10, 60))
        solved = since + timedelta(days=rng.randrange(3, 90))
        return due.isoformat(), (None if rng.random() < 0.12 or solved > AS_OF else solved.isoformat())

    for _ in range(count):
        project_id, since = rng.choice(signed)
        raised = min(since + timedelta(days=rng.randrange(1, 400)), AS_OF)
        problems.append((project_id, rng.choice(unit_ids), "用地指标未落实", raised.isoformat(), *case(raised)))
        received = _day(rng, date(2015, 1, 1), AS_OF)
        due, resolved = case(received)
        rated = None
        if resolved and rng.random() < 0.9:
            rated_on = date.fromisoformat(resolved) + timedelta(days=rng.randrange(1, 30))
            rated = rated_on.isoformat() if rated_on <= AS_OF else None
        rating = rng.choice(("satisfied", "satisfied", "fair")) if rated else None
        requests.append(
            (
                f"企业{rng.randrange(count)}",
                "用电报装",
                rng.choice(unit_ids),
                received.isoformat(),
                due,
                resolved,
                rating,
                rated,
            )
        )
        project_id, start = rng.choice(started)
        result = rng.choices(("confirmed", "partly", "refuted"), (90, 5, 5))[0]
        inspections.append((project_id, (start + timedelta(days=rng.randrange(3, 60))).isoformat(), "王敏", result))
        project_id, start = rng.choice(started)
        month = (start + timedelta(days=rng.randrange(0, 720))).isoformat()[:7]
        months[(project_id, month)] = rng.randrange(100, 10_000) * 10_000
    return {
        "problems": problems,
        "requests": requests,
        "inspections": inspections,
        "investment": [(project_id, month, invested) for (project_id, month), invested in months.items()],
    }


def _request_events(requests: list[tuple]) -> list[tuple]:
    """The dated steps of the requests `_case_rows` made (ids 1, 2, … in order): received, resolved, rated."""
    events = []
    for request_id, (_, _, unit_id, received, due, resolved, rating, rated) in enumerate(requests, start=1):
        events.append((request_id, "received", received, unit_id, due, None))
        if resolved:
            events.append((request_id, "resolved", resolved, None, None, None))
        if rated:
            events.append((request_id, "rated", rated, None, None, rating))
    return events


def build(
    path: Path, projects: int, persons: int, trips: int, one_year: bool = False, seed: int = 2024, cases: int = 200_000
) -> None:
    rng = random.Random(seed)
    ledger = init_ledger(path, "bench", 2024)
    with ledger.write("bench", "bench.load") as writer:
        sql = writer.connection.exec_driver_sql
        for number in range(1, 6):
            writer.insert("unit", {"name": f"第{number}街道", "kind": "street"})
        unit_ids = [row[0] for row in sql("SELECT id FROM unit")]
        people, posts = _person_rows(rng, persons, unit_ids)
        sql("INSERT INTO person (id, name, unit_id, role) VALUES (?, ?, ?, ?)", people)
        sql("INSERT INTO person_post (person_id, unit_id, role, since, until) VALUES (?, ?, ?, ?, ?)", posts)
        project_rows = _project_rows(rng, projects, unit_ids, list(range(1, persons + 1)))
        sql(
            "INSERT INTO project (id, code, name, unit_id, amount, investor, industry, handler_id, "
            "signed_on, started_on, included_on, producing_on, status, terminated_on, lead_on) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[:-1], lead) for row, lead in zip(project_rows, _lead_days(seed, project_rows), strict=True)],
        )
        sql(
            "INSERT INTO project_status (project_id, status, since, reason) VALUES (?, ?, ?, '基准测试')",
            [(row[0], row[12], row[14]) for row in project_rows if row[12] != "active"],
        )
        trip_rows, links = [], []
        for trip_id in range(1, trips + 1):
            start = _day(rng, date(2024 if one_year else 2015, 1, 1), AS_OF)
            trip_rows.append(
                (
                    trip_id,
                    start.isoformat(),
                    (start + timedelta(days=rng.choice((0, 1, 2, 3, 4, 6)))).isoformat(),
                    "上海",
                )
            )
            links.extend((trip_id, person) for person in rng.sample(range(1, persons + 1), rng.choice((1, 1, 2, 3))))
        sql("INSERT INTO trip (id, date_from, date_to, dest) VALUES (?, ?, ?, ?)", trip_rows)
        sql("INSERT INTO trip_person (trip_id, person_id) VALUES (?, ?)", links)
        for month in range(1, 11):
            for kind in ("dispatch", "project"):
                if rng.random() < 0.9:
                    sql(
                        "INSERT INTO meeting (kind, held_on) VALUES (?, ?)",
                        (kind, date(2024, month, rng.randrange(1, 28)).isoformat()),
                    )
            sql(
                "INSERT INTO indicator (month, metric, value) VALUES (?, 'output', ?)",
                (f"2024-{month:02d}", str(270_000 * month)),
            )
        if cases:  # an empty executemany is no statement at all
            rows = _case_rows(rng, cases, unit_ids, project_rows)
            sql(
                "INSERT INTO problem (project_id, unit_id, text, raised_on, due_on, resolved_on) VALUES (?, ?, ?, ?, ?, ?)",
                rows["problems"],
            )
            sql(
                "INSERT INTO enterprise_request (enterprise, text, unit_id, received_on, due_on, resolved_on, rating, rated_on, "
                "reopened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                rows["requests"],
            )
            sql(
                "INSERT INTO request_event (request_id, kind, happened_on, unit_id, due_on, rating) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                _request_events(rows["requests"]),
            )
            sql(
                "INSERT INTO inspection (project_id, inspected_on, inspectors, result) VALUES (?, ?, ?, ?)",
                rows["inspections"],
            )
            sql("INSERT INTO investment (project_id, month, invested) VALUES (?, ?, ?)", rows["investment"])
    ledger.close()


def compile_package() -> None:
    """Byte-compile zs's modules once, as installing a package does: with PYTHONDONTWRITEBYTECODE set
    (as on some machines), every timed run would otherwise compile them again (about 0.1 s)."""
    import compileall

    import zhaoshang

    compileall.compile_dir(Path(zhaoshang.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--trips", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=200_000, help="problems, requests, inspections (each)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one-year", action="store_true", help="all trips in 2024 (worst case for ZS201–ZS203)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        build(db, args.projects, args.persons, args.trips, args.one_year, cases=args.cases)
        compile_package()
        span = "all in 2024" if args.one_year else "over 2015–2024"
        print(
            f"ledger: {args.projects} projects, {args.persons} persons, {args.trips} trips ({span}), "
            f"{args.cases} each of problems, requests, inspections, built in {time.perf_counter() - started:.1f} s"
        )
        command = [
            sys.executable,
            "-m",
            "zhaoshang",
            "--db",
            str(db),
            "check",
            "quotas",
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            "json",
        ]
        timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
        timings, cpu, peaks, output = [], [], [], ""
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            finished = subprocess.run(timer + command, capture_output=True, text=True)
            timings.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            assert finished.returncode in (0, 1), finished.stderr
            # /usr/bin/time's %M is the check's own peak; getrusage's ru_maxrss would also count
            # the pages a forked child shares with this process before it execs.
            peaks.append(int(finished.stderr.split()[-1]) / 1024 if timer else after.ru_maxrss / 1024)
            output = finished.stdout
        peak_mb = max(peaks)
        report = json.loads(output)
        wall = statistics.median(timings)
        cpu_median = statistics.median(cpu)
        print(f"zs check quotas --as-of {AS_OF} --format json: median {wall:.2f} s of {args.runs} (min {min(timings):.2f} s), "
              f"target < 3 s: {'ok' if wall < 3 else 'MISSED'}; CPU (user + sys) median {cpu_median:.2f} s "
              f"(min {min(cpu):.2f} s), target < 2 s: {'ok' if cpu_median < 2 else 'MISSED'}")  # fmt: skip
        print(f"peak memory {peak_mb:.0f} MB, target < 200 MB: {'ok' if peak_mb < 200 else 'MISSED'}")
        print(f"{len(report['results'])} results, summary {report['summary']}, {len(output) / 1e6:.1f} MB of JSON")
        print("per rule, in-process (each alone: ZS101–ZS105 each compute the duplicate signings and tallies,")
        print("ZS201–ZS203 the trip days, that a whole run computes once):")
        from zhaoshang.db import Ledger
        from zhaoshang.rules import REGISTRY, run_checks

        ledger = Ledger.open(db)
        for rule in REGISTRY:
            with ledger.read() as connection:
                started = time.perf_counter()
                count = len(run_checks(connection, AS_OF, select=rule.code).results)
                print(f"  {rule.code} {time.perf_counter() - started:6.3f} s  {count} results")
        ledger.close()


if __name__ == "__main__":
    main()
