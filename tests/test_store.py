"""The review store: decisions survive restarts, concurrent analysts and killed processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import socket
import sqlite3
import time

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from textmine.errors import TextmineError
from textmine.store import (
    ConflictError,
    Decision,
    Store,
    StoreError,
    answer_key,
    default_store_path,
    open_store,
)
from textmine.store_schema import database_url

SURVEY = "sikkerhedskonsulent-2024"
KEY = answer_key(SURVEY, 17, "q8_kommentar")
CTX = mp.get_context("fork")   # fork: the children need no re-import of the test module


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """A new, empty store: a SQLite file, or a database of its own on the test PostgreSQL server."""
    if request.param == "sqlite":
        return tmp_path / "svar_2024.xlsx.textmine.sqlite"
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "svar_2024.xlsx.textmine.sqlite"


def query(target, sql: str, **params) -> list[tuple]:
    engine = create_engine(database_url(target))
    try:
        with engine.begin() as db:
            result = db.execute(text(sql), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def versions_and_counts(target) -> list[tuple[str, int, int]]:
    return query(target, "SELECT a.key, a.version, count(d.id) FROM answers a LEFT JOIN decisions d "
                         "ON d.key = a.key AND d.lane = a.lane GROUP BY a.key, a.lane, a.version")


def integrity(target) -> str:
    """"ok", or what is wrong: SQLite's own check, decisions without an answer, answers never decided."""
    problems = []
    if not str(target).startswith("postgresql"):
        with sqlite3.connect(target) as db:
            problems += [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [f"foreign key {r}" for r in db.execute("PRAGMA foreign_key_check")]
    orphans = query(target, "SELECT count(*) FROM decisions d LEFT JOIN answers a ON a.key = d.key "
                            "AND a.lane = d.lane WHERE a.key IS NULL")[0][0]
    undecided = query(target, "SELECT count(*) FROM answers WHERE version = 0")[0][0]
    problems += [f"{orphans} decisions without an answer"] * bool(orphans)
    problems += [f"{undecided} answers at version 0"] * bool(undecided)
    return "; ".join(problems) or "ok"


def test_record_current_history_round_trip_and_restart(target):
    with Store(target) as store:
        assert store.current(KEY) is None
        first = store.record(KEY, ["tilgaengelighed"], coder="model-q8", source="model", expected_version=0)
        second = store.record(KEY, "tilgaengelighed|faglig_sparring", coder="Søren", source="human",
                              expected_version=1, note="Åse og jeg var enige 👍")
        assert first.version == 1 and second.version == 2
        assert store.current(KEY) == second
    # app restart: a fresh Store on the same file sees everything
    with Store(target) as store:
        now = store.current(KEY)
        assert now.themes == ("tilgaengelighed", "faglig_sparring")
        assert (now.coder, now.source, now.version) == ("Søren", "human", 2)
        trail = store.history(KEY)
    assert [(e.version, e.coder, e.previous, e.themes) for e in trail] == [
        (1, "model-q8", (), ("tilgaengelighed",)),
        (2, "Søren", ("tilgaengelighed",), ("tilgaengelighed", "faglig_sparring")),
    ]
    assert trail[1].note == "Åse og jeg var enige 👍"
    assert trail[1].at.endswith("+00:00")   # UTC, ISO


def test_empty_theme_set_is_a_decision_too(target):
    with Store(target) as store:
        store.record(KEY, ["ledelse"], coder="Mette", source="human", expected_version=0)
        d = store.record(KEY, [], coder="Mette", source="human", expected_version=1, note="ikke relevant")
        assert d.themes == () and store.history(KEY)[-1].previous == ("ledelse",)


def test_later_writer_is_told_and_sees_the_newer_decision(target):
    with Store(target) as setup:
        setup.record(KEY, ["tilgaengelighed"], coder="model-q8", source="model", expected_version=0)
    with Store(target) as a, Store(target) as b:
        seen_a, seen_b = a.current(KEY), b.current(KEY)
        assert seen_a.version == seen_b.version == 1
        a_decision = a.record(KEY, ["faglig_sparring"], coder="Mette", source="human",
                              expected_version=seen_a.version)
        with pytest.raises(ConflictError) as info:
            b.record(KEY, ["ledelse"], coder="Jonas", source="human", expected_version=seen_b.version)
        assert "Mette" in str(info.value) and "version 2" in str(info.value)
        assert info.value.current == a_decision
        assert b.current(KEY).themes == ("faglig_sparring",)   # B's attempt left no trace
        b.record(KEY, ["ledelse"], coder="Jonas", source="human", expected_version=info.value.current.version)
        trail = b.history(KEY)
    assert [(e.coder, e.previous, e.themes) for e in trail] == [
        ("model-q8", (), ("tilgaengelighed",)),
        ("Mette", ("tilgaengelighed",), ("faglig_sparring",)),
        ("Jonas", ("faglig_sparring",), ("ledelse",)),
    ]


def test_first_write_races_are_conflicts_too(target):
    with Store(target) as a, Store(target) as b:
        a.record(KEY, ["ledelse"], coder="Mette", source="human", expected_version=0)
        with pytest.raises(ConflictError, match="Mette"):
            b.record(KEY, ["ledelse"], coder="Jonas", source="human", expected_version=0)


def _fight(target, name, shared, start, results):
    rng = random.Random(name)
    ok = conflicts = 0
    start.wait()
    with Store(target) as store:
        for i in range(300):
            if i % 2:   # this process's own answers: 30 answers x 5 writes
                key = answer_key(SURVEY, f"{name}-{i // 2 % 30}", "q8_kommentar")
            else:
                key = rng.choice(shared)
            while True:
                seen = store.current(key)
                time.sleep(rng.random() / 1000)   # an analyst's moment between seeing and saving
                try:
                    store.record(key, [rng.choice(["tilgaengelighed", "faglig_sparring", "løn"])],
                                 coder=name, source="human", expected_version=seen.version if seen else 0)
                    ok += 1
                    break
                except ConflictError:
                    conflicts += 1
    results.put((name, ok, conflicts))


def test_two_processes_lose_no_decision(target):
    Store(target).close()
    shared = [answer_key(SURVEY, n, "q12_andet") for n in range(20)]
    start, results = CTX.Event(), CTX.Queue()
    procs = [CTX.Process(target=_fight, args=(target, name, shared, start, results)) for name in ("Mette", "Jonas")]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    start.set()
    reports = [results.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(timeout=10)
        assert p.exitcode == 0
    assert time.monotonic() - t0 < 30
    assert sum(ok for _, ok, _ in reports) == 600
    assert sum(conflicts for _, _, conflicts in reports) > 0   # they really did fight
    rows = versions_and_counts(target)
    assert sum(count for _, _, count in rows) == 600
    assert all(version == count for _, version, count in rows)
    assert len(rows) == 2 * 30 + 20
    assert integrity(target) == "ok"


def _write_forever(target, started):
    with Store(target) as store:
        i = 0
        while True:
            key = answer_key(SURVEY, i % 50, "q8_kommentar")
            seen = store.current(key)
            store.record(key, ["tilgaengelighed"] if i % 2 else ["faglig_sparring", "løn"], coder="model-q8",
                         source="model", expected_version=seen.version if seen else 0, note=f"kørsel {i}")
            started.set()
            i += 1


def test_killed_writer_leaves_a_consistent_store(target):
    started = CTX.Event()
    child = CTX.Process(target=_write_forever, args=(target, started))
    child.start()
    assert started.wait(timeout=10)
    time.sleep(0.5)
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)
    assert child.exitcode == -signal.SIGKILL
    assert integrity(target) == "ok"
    rows = versions_and_counts(target)
    assert sum(count for _, _, count in rows) > 0
    assert all(version == count for _, version, count in rows)
    with Store(target) as store:   # no lock left behind: the next analyst can write at once
        seen = store.current(answer_key(SURVEY, 0, "q8_kommentar"))
        store.record(seen.key, ["ledelse"], coder="Mette", source="human", expected_version=seen.version)


def test_seed_is_idempotent_and_never_overwrites_a_human(target):
    other = answer_key(SURVEY, 18, "q8_kommentar")
    with Store(target) as store:
        assert store.seed([(KEY, ["tilgaengelighed"]), (other, "faglig_sparring")]) == 2
        human = store.record(KEY, ["ledelse"], coder="Mette", source="human", expected_version=1)
        new = answer_key(SURVEY, 19, "q8_kommentar")
        rerun = [(KEY, ["tilgaengelighed"]), (other, ["løn"]), (new, [])]
        assert store.seed(rerun) == 1
        assert store.seed(rerun) == 0
        assert store.current(KEY) == human
        assert store.current(other).themes == ("faglig_sparring",) and store.current(other).source == "model"
        assert len(store.history(KEY)) == 2 and len(store.history(new)) == 1


@pytest.mark.parametrize("source", ["menneske", "Human", "", None])
def test_unknown_source_is_refused_and_nothing_written(target, source):
    with Store(target) as store:
        with pytest.raises(StoreError, match="ukendt kilde.*human"):
            store.record(KEY, ["løn"], coder="Mette", source=source, expected_version=0)
        assert store.current(KEY) is None


def test_empty_coder_is_refused(target):
    with Store(target) as store, pytest.raises(StoreError, match="koder"):
        store.record(KEY, ["løn"], coder="  ", source="human", expected_version=0)


def test_missing_directory_names_the_path(tmp_path):
    path = tmp_path / "findes_ikke" / "kodning.sqlite"
    with pytest.raises(TextmineError, match="findes_ikke"):
        Store(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "svar.xlsx.textmine.sqlite"
    path.write_text("respondent_id;q8_kommentar\n17;Godt arbejdsmiljø\n" * 50, encoding="utf-8")
    with pytest.raises(StoreError, match="svar.xlsx.textmine.sqlite"):
        Store(path)


def test_default_store_path_beside_export_or_from_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("TEXTMINE_STORE", raising=False)
    assert default_store_path(tmp_path / "svar_2024.xlsx") == tmp_path / "svar_2024.xlsx.textmine.sqlite"
    monkeypatch.setenv("TEXTMINE_STORE", str(tmp_path / "fælles.sqlite"))
    assert default_store_path(tmp_path / "svar_2024.xlsx") == tmp_path / "fælles.sqlite"


def test_decision_is_frozen(target):
    with Store(target) as store:
        d = store.record(KEY, ["løn"], coder="Mette", source="human", expected_version=0)
    assert isinstance(d, Decision)
    with pytest.raises(AttributeError):
        d.version = 5
