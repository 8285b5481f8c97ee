"""Time `trip_days_by_month` over a whole year: 2,000 persons, 200,000 trips.

    python benchmarks/bench_trip_days.py [--persons 2000] [--trips 200000] [--repeat 5]

Builds a temporary ledger (`zs init`, then bulk inserts inside one write transaction:
the rows are generated, not typed, so they bypass the per-row audit of the Writer) and
prints the best of several timings of the year's count, and of the year's posts judged month
by month (`judge_month`, what ZS201–ZS203 do for every person).
It also times the all-SQL way this count was first made (a sweep with a window function,
`SWEEP_SQL` below) and checks that both give the same figures: the bitmask in Python was
kept because it was about three times faster.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from zhaoshang.parsing import month_bounds
from zhaoshang.services.setup import init_ledger
from zhaoshang.services.trips import trip_days_by_month
from zhaoshang.services.units import judge_month, posts_by_person, trip_minimums

YEAR = 2024

# The union of days in SQL alone: per person, the days of a trip after the latest end among
# the person's earlier trips are fresh; fresh intervals never overlap, so cutting them at
# month ends and summing gives the union. Sorting ~350,000 rows for the window is the cost.
SWEEP_SQL = """
WITH RECURSIVE
spans AS MATERIALIZED (
    SELECT trip_person.person_id, julianday(max(trip.date_from, :first)) AS start, julianday(min(trip.date_to, :last)) AS finish
    FROM trip_person CROSS JOIN trip ON trip.id = trip_person.trip_id
    WHERE trip.date_from <= :last AND trip.date_to >= :first
),
swept AS (
    SELECT person_id, start, finish,
           max(finish) OVER (PARTITION BY person_id ORDER BY start, finish
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS counted_until
    FROM spans
),
fresh AS (
    SELECT person_id, CASE WHEN counted_until >= start THEN counted_until + 1 ELSE start END AS start, finish
    FROM swept WHERE counted_until IS NULL OR finish > counted_until
),
months(first_day) AS (
    SELECT date(:first, 'start of month')
    UNION ALL
    SELECT date(first_day, '+1 month') FROM months WHERE date(first_day, '+1 month') <= :last
),
month_spans AS MATERIALIZED (
    SELECT substr(first_day, 1, 7) AS month, julianday(max(first_day, :first)) AS start,
           julianday(min(date(first_day, '+1 month', '-1 day'), :last)) AS finish
    FROM months
)
SELECT fresh.person_id, month_spans.month,
       CAST(sum(min(fresh.finish, month_spans.finish) - max(fresh.start, month_spans.start) + 1) AS INTEGER)
FROM fresh JOIN month_spans ON fresh.start <= month_spans.finish AND fresh.finish >= month_spans.start
GROUP BY fresh.person_id, month_spans.month
"""
ROLES = ("principal", "deputy", "head", "head", "head", "member", "staff")


def build(path: Path, persons: int, trips: int, seed: int = 2024) -> None:
    rng = random.Random(seed)
    ledger = init_ledger(path, "bench", YEAR)
    with ledger.write("bench", "bench.load") as writer:
        connection = writer.connection
        unit_ids = [row[0] for row in connection.exec_driver_sql("SELECT id FROM unit")]
        people = [
            (number, f"人员{number}", rng.choice(unit_ids), rng.choice(ROLES)) for number in range(1, persons + 1)
        ]
        connection.exec_driver_sql("INSERT INTO person (id, name, unit_id, role) VALUES (?, ?, ?, ?)", people)
        connection.exec_driver_sql(
            "INSERT INTO person_post (person_id, unit_id, role) VALUES (?, ?, ?)", [row[:1] + row[2:] for row in people]
        )
        trip_rows, link_rows = [], []
        for trip_id in range(1, trips + 1):
            start = date(YEAR, 1, 1) + timedelta(days=rng.randrange(-10, 366))
            end = start + timedelta(days=rng.choice((0, 1, 2, 3, 4, 4, 6, 9)))
            trip_rows.append((trip_id, start.isoformat(), end.isoformat(), "上海", "长三角"))
            link_rows.extend(
                (trip_id, person_id) for person_id in rng.sample(range(1, persons + 1), rng.choice((1, 1, 2, 3)))
            )
        connection.exec_driver_sql(
            "INSERT INTO trip (id, date_from, date_to, dest, region) VALUES (?, ?, ?, ?, ?)", trip_rows
        )
        connection.exec_driver_sql("INSERT INTO trip_person (trip_id, person_id) VALUES (?, ?)", link_rows)
    ledger.close()


def best_of(repeat: int, function) -> tuple[float, float, object]:
    """Best wall-clock and best CPU seconds of several runs (CPU time is steadier on a busy machine)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--trips", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    from zhaoshang.db import Ledger

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        began = time.perf_counter()
        build(path, options.persons, options.trips)
        print(f"built {options.persons} persons, {options.trips} trips in {time.perf_counter() - began:.1f} s")
        ledger = Ledger.open(path)
        with ledger.read() as connection:
            wall, cpu, days = best_of(
                options.repeat, lambda: trip_days_by_month(connection, date(YEAR, 1, 1), date(YEAR, 12, 31))
            )
            print(f"trip_days_by_month {YEAR}: {wall:.3f} s wall, {cpu:.3f} s CPU (best of {options.repeat}); "
                  f"{len(days)} person-months, {sum(days.values())} days")  # fmt: skip
            params = {"first": f"{YEAR}-01-01", "last": f"{YEAR}-12-31"}
            wall, cpu, swept = best_of(
                options.repeat, lambda: {(p, m): d for p, m, d in connection.exec_driver_sql(SWEEP_SQL, params)}
            )
            print(f"the same in SQL alone (sweep with a window function): {wall:.3f} s wall, {cpu:.3f} s CPU; "
                  f"same figures: {swept == days}")  # fmt: skip

            def judge_year() -> int:
                posts = posts_by_person(connection, date(YEAR, 1, 1), date(YEAR, 12, 31))
                minimums = trip_minimums(connection, YEAR)
                return sum(
                    1
                    for month in range(1, 13)
                    for person_posts in posts.values()
                    if (judged := judge_month(person_posts, *month_bounds(YEAR, month), minimums)) and judged.judged
                )

            wall, cpu, judged = best_of(options.repeat, judge_year)
            print(f"posts judged month by month {YEAR}: {wall:.3f} s wall; {judged} person-months judged")
        ledger.close()


if __name__ == "__main__":
    main()
