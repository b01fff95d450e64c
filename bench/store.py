"""How fast the review store answers the app's per-rerun queries with many answers, on SQLite and PostgreSQL.

    python bench/store.py [--answers 100000] [--repeat 5] [--postgres URL]

Seeds ``--answers`` model suggestions (one survey, plus as many in a second survey), codes 2% by
hand and double-codes 1% in a second coder's lane, then times ``current_all`` (the app calls it on
every rerun), ``coded_count`` and ``judgements``: the median of ``--repeat`` calls. Without
``--postgres`` a throwaway server is started as in the tests (tests/pg.py); target: current_all
under 0.5 s at 100,000 answers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from textmine.store import Store, answer_key  # noqa: E402

SURVEY, OTHER = "bench-2024", "bench-2023"
THEMES = ["tilgaengelighed", "faglig_sparring", "generel_ros", "kurser_oplaeg", "ingen_kommentar"]


def fill(store: Store, n: int) -> float:
    t0 = time.perf_counter()
    for survey in (SURVEY, OTHER):
        store.seed((answer_key(survey, rid, "q8_kommentar"), "|".join(THEMES[rid % 5: rid % 5 + 1 + rid % 2]))
                   for rid in range(n))
    current = store.current_all(SURVEY)
    for rid in range(0, n, 50):
        key = answer_key(SURVEY, rid, "q8_kommentar")
        store.record(key, THEMES[rid % 3], coder="Mette", source="human", expected_version=current[key].version)
    for rid in range(0, n, 100):
        store.record(answer_key(SURVEY, rid, "q8_kommentar"), THEMES[rid % 4], coder="Ali", source="human",
                     expected_version=0, lane="Ali")
    return time.perf_counter() - t0


def timed(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench(name: str, target, n: int, repeat: int) -> None:
    with Store(target) as store:
        filled = fill(store, n)
        assert len(store.current_all(SURVEY)) == n
        rows = {
            "current_all(survey)": timed(lambda: store.current_all(SURVEY), repeat),
            "current_all(survey, lane)": timed(lambda: store.current_all(SURVEY, lane="Ali"), repeat),
            "coded_count(survey)": timed(lambda: store.coded_count(SURVEY), repeat),
            "judgements(survey)": timed(lambda: store.judgements(SURVEY), repeat),
        }
    print(f"{name}: {n:,} answers per survey, 2 surveys, filled in {filled:.1f} s")
    for what, seconds in rows.items():
        print(f"  {what:<28} {seconds * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="postgresql+psycopg://... of an empty database (else a throwaway server)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", Path(tmp) / "bench.sqlite", args.answers, args.repeat)
    if args.postgres:
        bench("PostgreSQL", args.postgres, args.answers, args.repeat)
        return
    import pg

    server = pg.start()
    if isinstance(server, str):
        print(f"PostgreSQL: sprunget over ({server})")
        return
    try:
        bench(f"PostgreSQL ({server.bindir.parent.name}, local)", server.new_database(), args.answers, args.repeat)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
