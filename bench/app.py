"""How fast each page of the app renders with many answers loaded (AppTest timings).

    python bench/app.py [--answers 20000] [--repeat 5] [--workdir DIR]

Builds a synthetic export of the 2024 survey with ``--answers`` open answers (closed answers from
the demo, comments recombined from our own training sentences), codes it once with
``textmine code`` (kept in ``--workdir`` for the next run), has two coders double-code 1% of them,
then opens every page headless three ways: cold (every cache emptied, as for the first visitor
after the app starts), in a new session with the caches warm (another analyst, a browser refresh),
and ``--repeat`` rounds of interactions afterwards (filters and a word search, a decision saved and
a skip, a rerun). Prints one row per page; targets: under 1 s after the first load, and a first
load under 5 s at 100,000 answers. AppTest runs the script in this process without a browser, so
the times are the server's work; the browser adds drawing the first screenful of rows.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import streamlit as st  # noqa: E402

from textmine import ui_app  # noqa: E402
from textmine.coding import code_survey  # noqa: E402
from textmine.io import read_table  # noqa: E402
from textmine.store import Store  # noqa: E402

DEMO = ROOT / "data" / "demo" / "sikkerhedskonsulent-2024-eksport.csv"
SURVEY = ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml"
TRAINING = ROOT / "data" / "training"
SLUG = "bench"


def synthetic_export(n_answers: int, path: Path, seed: int = 0) -> None:
    """Respondents cloned from the demo with new ids; q8 comments recombined from training sentences."""
    rng = np.random.default_rng(seed)
    demo = read_table(DEMO)
    q8 = [t for t in read_table(TRAINING / "sikkerhedskonsulent-2024-q8.csv")["text"] if t.strip()]
    rows = demo.iloc[rng.integers(0, len(demo), n_answers)].reset_index(drop=True)
    rows["respondent_id"] = [str(100000 + i) for i in range(n_answers)]
    # One to three training sentences per comment: realistic lengths, few exact duplicates.
    picks = rng.integers(0, len(q8), (n_answers, 3))
    lengths = rng.choice([1, 1, 1, 2, 2, 3], n_answers)
    rows["q8_kommentar"] = [" ".join(q8[j] for j in picks[i, :lengths[i]]) for i in range(n_answers)]
    rows.to_csv(path, sep=";", index=False, quoting=csv.QUOTE_MINIMAL, encoding="utf-8")


def prepare(workdir: Path, n_answers: int) -> Path:
    """A workspace with one coded project of ``n_answers`` comments (reused when it exists)."""
    space = workdir / f"arbejde-{n_answers}"
    folder = space / SLUG
    if (folder / "coded" / "coded.csv").exists():
        return space
    folder.mkdir(parents=True, exist_ok=True)
    synthetic_export(n_answers, folder / "eksport.csv")
    started = time.perf_counter()
    code_survey(folder / "eksport.csv", SURVEY, folder / "coded", on_error="reject")
    print(f"kodede {n_answers} svar på {time.perf_counter() - started:.1f} s (engangsforberedelse)")
    (folder / "project.yaml").write_text(yaml.safe_dump(
        {"title": f"Benchmark {n_answers}", "export": "eksport.csv", "survey": str(SURVEY),
         "created": "2026-01-01T00:00:00+00:00"}), encoding="utf-8")
    return space


def timed(action) -> float:
    started = time.perf_counter()
    at = action()
    seconds = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"appen fejlede: {at.exception}")
    return seconds


def open_app(page: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["project"] = SLUG
    at.session_state["coder"] = "Benchmark"
    if page:   # straight to the page, as a link or a refresh opens it
        at.switch_page(f"textmine/ui_pages/{page}.py")
    return at.run()


def interactions(page: str, at: AppTest, repeat: int):
    """The interactions timed after the first load of each page."""
    for i in range(repeat):
        if page == "laes":
            actions = [lambda: at.multiselect(key="filter_themes_q8_kommentar").set_value(["tilgaengelighed"]).run(),
                       lambda: at.multiselect(key="filter_q1_organisation").set_value(["Kommune"]).run(),
                       lambda: at.text_input(key="search").input("lovgivning").run(),
                       lambda: at.text_input(key="search").input("").run()]
            yield from (timed(a) for a in actions)
        elif page == "kod":
            themes = next(m for m in at.multiselect if m.key and m.key.startswith("kod_themes_"))
            themes.set_value(["tilgaengelighed"])
            yield timed(lambda: next(b for b in at.button if b.label == "Gem og næste").click().run())
            yield timed(lambda: next(b for b in at.button if b.label == "Spring over").click().run())
        else:
            yield timed(lambda: at.run())


def double_code(space: Path, share: float = 0.01) -> int:
    """Mette codes ``share`` of the q8 answers and Ali double-codes them blind, so Enighed has figures."""
    with Store(space / SLUG / "store.sqlite") as store:
        current = store.current_all(SLUG)
        keys = sorted(k for k in current if k.endswith(":q8_kommentar"))[:: int(1 / share)]
        store.assign(keys, "Ali", by="Mette")
        themes = ["tilgaengelighed", "faglig_sparring", "generel_ros"]
        for i, key in enumerate(keys):
            store.record(key, [themes[i % 3]], coder="Mette", source="human", expected_version=current[key].version)
            store.record(key, [themes[i % 3 if i % 5 else (i + 1) % 3]], coder="Ali", source="human",
                         expected_version=0, lane="Ali")
    return len(keys)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "textmine-bench-app")
    parser.add_argument("--pages", default="laes,kod,enighed,traen,eksport,data")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)   # AppTest's bare-mode warnings

    space = prepare(args.workdir, args.answers)
    os.environ["TEXTMINE_WORKSPACE"] = str(space)
    for name in ("TEXTMINE_CODED", "TEXTMINE_STORE", "TEXTMINE_SURVEY"):
        os.environ.pop(name, None)
    for store in space.glob(f"{SLUG}/store.sqlite*"):
        store.unlink()   # each run starts from the model's suggestions
    open_app(None)       # seeds the store with the model's suggestions
    pairs = double_code(space)

    rows = []
    for page in args.pages.split(","):
        target = page if page != "laes" else None
        # The previous page's background work (search index, review queue) finishes first, so a
        # cold start is timed as the first visitor after a restart meets it.
        ui_app.wait_for_background()
        st.cache_data.clear()
        st.cache_resource.clear()
        cold = timed(lambda: open_app(target))
        warm = timed(lambda: open_app(target))
        at = open_app(target)
        later = list(interactions(page, at, args.repeat))
        rows.append({"side": page, "kold (s)": round(cold, 2), "ny session (s)": round(warm, 2),
                     "senere, median (s)": round(statistics.median(later), 3),
                     "senere, maks (s)": round(max(later), 3), "målinger": len(later)})
    table = pd.DataFrame(rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{args.answers} åbne svar ({pairs} dobbeltkodet), {os.cpu_count()} kerner, belastning {load}\n")
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
