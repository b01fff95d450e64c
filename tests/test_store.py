"""The review store: decisions survive restarts, concurrent analysts and killed processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import socket
import sqlite3
import time

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
    with Store(target) as store:     # connected before the start, so both begin writing at once
        start.wait()
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


# --- several coders: lanes, samples, judgements --------------------------------------------------

ALI, OTHER = "Ali Hassan", answer_key("sikkerhedskonsulent-2023", 17, "q8_kommentar")


def test_a_second_coder_writes_in_a_lane_of_their_own(target):
    with Store(target) as store:
        store.seed([(KEY, "tilgaengelighed")])
        primary = store.record(KEY, ["ledelse"], coder="Mette", source="human", expected_version=1)
        blind = store.record(KEY, ["løn"], coder=ALI, source="human", expected_version=0, lane=ALI)
        assert (blind.version, blind.lane) == (1, ALI)
        with pytest.raises(ConflictError, match=ALI):   # the version is per lane
            store.record(KEY, ["ledelse"], coder=ALI, source="human", expected_version=0, lane=ALI)
    with Store(target) as store:
        assert store.current(KEY) == primary and store.current(KEY, lane=ALI) == blind
        assert store.current_all() == {KEY: primary} and store.current_all(lane=ALI) == {KEY: blind}
        trail = store.history(KEY)
    assert [(e.lane, e.version, e.coder, e.previous, e.themes) for e in trail] == [
        ("", 1, "model", (), ("tilgaengelighed",)),
        ("", 2, "Mette", ("tilgaengelighed",), ("ledelse",)),
        (ALI, 1, ALI, (), ("løn",)),
    ]


def test_current_all_is_current_of_every_decided_answer_of_one_survey(target):
    keys = [answer_key(SURVEY, rid, col) for rid in range(1, 40) for col in ("q8_kommentar", "q12_andet")]
    with Store(target) as store:
        assert store.current_all(SURVEY) == {}
        store.seed([(k, "faglig_sparring|løn" if i % 3 else "") for i, k in enumerate(keys)] + [(OTHER, "løn")])
        store.record(keys[5], ["ledelse"], coder="Mette", source="human", expected_version=1)
        store.record(keys[6], [], coder=ALI, source="human", expected_version=0, lane=ALI)
        with pytest.raises(ConflictError):   # a refused write leaves no undecided row behind
            store.record(keys[7], ["løn"], coder="Mette", source="human", expected_version=1, lane="Mette")
        found = store.current_all(SURVEY)
        assert found == {k: store.current(k) for k in keys}
        assert found[keys[5]].themes == ("ledelse",) and found[keys[1]].themes == ("faglig_sparring", "løn")
        assert set(store.current_all()) == {*keys, OTHER}
        assert store.current_all(SURVEY, lane=ALI) == {keys[6]: store.current(keys[6], lane=ALI)}
        assert store.current_all("ukendt-undersøgelse") == {}
    assert integrity(target) == "ok"


def test_seed_of_many_answers_keeps_the_first_suggestion_of_a_repeated_key(target):
    keys = [answer_key(SURVEY, rid, "q8_kommentar") for rid in range(12_000)]   # more than one batch
    with Store(target) as store:
        store.record(keys[7_500], ["ledelse"], coder="Mette", source="human", expected_version=0)
        rows = [(k, ["tilgaengelighed"]) for k in keys] + [(keys[3], ["løn"])]
        assert store.seed(rows) == len(keys) - 1
        assert store.seed(rows) == 0
        found = store.current_all(SURVEY)
    assert len(found) == len(keys) and found[keys[3]].themes == ("tilgaengelighed",)
    assert (found[keys[7_500]].coder, found[keys[11_999]].source) == ("Mette", "model")
    assert sorted({count for _, _, count in versions_and_counts(target)}) == [1]


def test_judgements_hold_each_coders_newest_themes_over_all_lanes(target):
    a, b, c = (answer_key(SURVEY, rid, "q8_kommentar") for rid in (1, 2, 3))
    with Store(target) as store:
        assert list(store.judgements()) == ["key", "coder", "source", "lane", "themes", "at"]
        store.seed([(a, "tilgaengelighed"), (b, "løn|ledelse"), (c, ""), (OTHER, "løn")])
        store.record(a, ["ledelse"], coder="Mette", source="human", expected_version=1)
        store.record(a, ["ledelse", "løn"], coder="Mette", source="human", expected_version=2)
        store.record(b, ["løn"], coder=ALI, source="human", expected_version=0, lane=ALI)
        store.record(b, ["ledelse"], coder=ALI, source="adjudicated", expected_version=1, note="vi blev enige")
        store.record(c, ["tilgaengelighed"], coder=ALI, source="human", expected_version=0, lane=ALI)
        got = store.judgements(SURVEY)
    assert [tuple(r) for r in got.drop(columns="at").itertuples(index=False)] == [
        (a, "Mette", "human", "", "ledelse|løn"),
        (a, "model", "model", "", "tilgaengelighed"),
        (b, ALI, "adjudicated", "", "ledelse"),
        (b, "model", "model", "", "løn|ledelse"),
        (c, ALI, "human", ALI, "tilgaengelighed"),
        (c, "model", "model", "", ""),
    ]
    assert got["at"].str.endswith("+00:00").all()


def test_judgements_leave_out_answers_only_the_model_has_coded(target):
    a, b = (answer_key(SURVEY, rid, "q8_kommentar") for rid in (1, 2))
    with Store(target) as store:
        store.seed([(a, "løn"), (b, "ledelse")])
        assert store.judgements(SURVEY).empty
        store.record(b, ["løn"], coder=ALI, source="human", expected_version=0, lane=ALI)
        got = store.judgements(SURVEY)
    assert sorted(zip(got["key"], got["coder"])) == [(b, ALI), (b, "model")]


def test_current_frame_and_last_change_bring_a_table_up_to_date(target):
    a, b, c = (answer_key(SURVEY, rid, "q8_kommentar") for rid in (1, 2, 3))
    with Store(target) as store:
        assert store.last_change() == 0 and store.current_frame(SURVEY).empty
        store.seed([(a, "løn"), (b, "ledelse"), (OTHER, "løn")])
        first = store.last_change()
        table = store.current_frame(SURVEY)
        assert list(table.columns) == ["key", "version", "themes", "source", "coder"]
        assert sorted(table["key"]) == [a, b]
        assert store.current_frame(SURVEY, since=first).empty
        store.record(b, ["løn", "ledelse"], coder="Mette", source="human", expected_version=1)
        store.record(c, ["løn"], coder=ALI, source="human", expected_version=0, lane=ALI)   # another lane
        assert store.last_change() > first
        assert store.change_mark() == (store.last_change(), 5)
        changed = store.current_frame(SURVEY, since=first)
        assert changed.values.tolist() == [[b, 2, "løn|ledelse", "human", "Mette"]]
        assert store.current_frame(SURVEY, lane=ALI, since=first)["key"].tolist() == [c]
        whole = store.current_frame(SURVEY).set_index("key")
        current = store.current_all(SURVEY)
    assert {k: (v, tuple(t.split("|")), s, co) for k, v, t, s, co in whole.reset_index().values} == {
        k: (d.version, d.themes, d.source, d.coder) for k, d in current.items()}


def test_coded_count_counts_human_decisions_in_one_lane(target):
    keys = [answer_key(SURVEY, rid, "q8_kommentar") for rid in range(6)]
    with Store(target) as store:
        store.seed([(k, "løn") for k in keys] + [(OTHER, "løn")])
        assert store.coded_count(SURVEY) == 0
        store.record(keys[0], ["ledelse"], coder="Mette", source="human", expected_version=1)
        store.record(keys[1], ["ledelse"], coder="Mette", source="adjudicated", expected_version=1)
        store.record(keys[2], ["løn"], coder="regel", source="rule", expected_version=1)
        store.record(keys[3], ["løn"], coder=ALI, source="human", expected_version=0, lane=ALI)
        store.record(OTHER, [], coder="Mette", source="human", expected_version=1)
        assert (store.coded_count(SURVEY), store.coded_count(), store.coded_count(SURVEY, lane=ALI)) == (2, 3, 1)


def test_a_sample_is_assigned_once_in_the_order_it_was_drawn(target):
    drawn = [answer_key(SURVEY, rid, "q8_kommentar") for rid in (12, 3, 7)]
    with Store(target) as store:
        assert store.assigned(ALI) == [] and store.assignees() == []
        assert store.assign([*drawn, drawn[0]], ALI, by="Mette") == 3
        assert store.assign([drawn[1], answer_key(SURVEY, 1, "q8_kommentar"), OTHER], ALI, by="Mette") == 2
        assert store.assign([drawn[2]], "Åse", by="Mette") == 1
        assert store.assign([], ALI, by="Mette") == 0
        assert store.assigned(ALI, SURVEY) == [*drawn, answer_key(SURVEY, 1, "q8_kommentar")]
        assert store.assigned(ALI)[-1] == OTHER and store.assigned("Mette") == []
        assert store.assignees(SURVEY) == [ALI, "Åse"] and store.assignees("sikkerhedskonsulent-2023") == [ALI]
        with pytest.raises(StoreError, match="anden koder"):
            store.assign(drawn, " ", by="Mette")
        with pytest.raises(StoreError, match="dit eget navn"):
            store.assign(drawn, ALI, by="")


def test_starred_quotes_are_kept_per_survey(target):
    with Store(target) as store:
        assert store.star(KEY, True, coder="Mette") and not store.star(KEY, True, coder=ALI)
        store.star(OTHER, coder="Mette")
    with Store(target) as store:
        assert store.starred(SURVEY) == {KEY} and store.starred() == {KEY, OTHER}
        assert store.star(KEY, False, coder="Mette") and not store.star(KEY, False, coder="Mette")
        assert store.starred(SURVEY) == set()


# --- where the store lives ----------------------------------------------------------------------

def test_open_store_takes_the_environment_first(tmp_path, monkeypatch, target):
    monkeypatch.setenv("TEXTMINE_STORE", str(target))
    with open_store(tmp_path / "svar_2024.xlsx") as store:
        store.record(KEY, ["løn"], coder="Mette", source="human", expected_version=0)
        url = store.url
    assert url == (str(target) if str(target).startswith("postgresql") else f"sqlite:///{target}")
    with Store(url) as again:   # the URL opens the same store
        assert again.current(KEY).coder == "Mette"


def test_open_store_beside_the_export_without_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("TEXTMINE_STORE", raising=False)
    with open_store(tmp_path / "svar_2024.xlsx") as store:
        assert store.path == tmp_path / "svar_2024.xlsx.textmine.sqlite" and store.path.exists()
    with pytest.raises(StoreError, match="TEXTMINE_STORE"):
        open_store()


def test_a_newer_schema_is_refused_with_advice(target):
    Store(target).close()
    query(target, "UPDATE schema_version SET version = 3")
    with pytest.raises(StoreError, match="skemaversion 3.*Opdater textmine"):
        Store(target)


def test_an_unreachable_server_is_named_without_its_password():
    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError, match=f"127.0.0.1:{port}/textmine' kan ikke nås") as info:
        Store(f"postgresql+psycopg://mette:hemmeligt-kodeord@127.0.0.1:{port}/textmine")
    assert "hemmeligt" not in str(info.value)


@pytest.mark.parametrize("url", ["mysql://mette@server/textmine", "mongodb://server:27017"])
def test_an_unsupported_database_is_refused(url):
    with pytest.raises(StoreError, match="understøttes ikke"):
        Store(url)


# --- upgrading a store written by the first textmine (schema 1, no lanes) ------------------------

V1_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY, survey TEXT, respondent_id TEXT, column_name TEXT,
    version INTEGER NOT NULL DEFAULT 0, themes TEXT NOT NULL DEFAULT '',
    source TEXT, coder TEXT, updated TEXT);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL REFERENCES answers(key),
    version INTEGER NOT NULL, themes TEXT NOT NULL, previous TEXT NOT NULL,
    source TEXT NOT NULL CHECK(source IN ('rule', 'model', 'human', 'adjudicated')),
    coder TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', at TEXT NOT NULL,
    UNIQUE (key, version));
CREATE INDEX IF NOT EXISTS decisions_key ON decisions(key, version);
INSERT INTO schema_version VALUES (1);
"""


def write_v1(path, decisions: list[tuple[str, str, str, str, str]]) -> None:
    """A store as the first textmine wrote it, one decision at a time: (key, themes, source, coder, note)."""
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
        for n, (key, themes, source, coder, note) in enumerate(decisions):
            survey, rid, column = key.rsplit(":", 2)
            at = f"2024-05-0{1 + n // 10}T10:{n % 60:02d}:00.000+00:00"
            db.execute("INSERT INTO answers (key, survey, respondent_id, column_name) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(key) DO NOTHING", (key, survey, rid, column))
            version, previous = db.execute("SELECT version, themes FROM answers WHERE key = ?", (key,)).fetchone()
            db.execute("INSERT INTO decisions (key, version, themes, previous, source, coder, note, at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (key, version + 1, themes, previous, source, coder, note, at))
            db.execute("UPDATE answers SET version = ?, themes = ?, source = ?, coder = ?, updated = ? "
                       "WHERE key = ?", (version + 1, themes, source, coder, at, key))
    db.close()


def test_a_version_1_file_is_upgraded_in_place_without_losing_a_decision(tmp_path):
    path = tmp_path / "svar_2024.xlsx.textmine.sqlite"
    old = [(KEY, "tilgaengelighed", "model", "model", ""), (KEY, "ledelse", "human", "Søren", "Åse var enig 👍"),
           (OTHER, "løn", "model", "model", ""), (KEY, "", "adjudicated", "Mette", "ikke relevant")]
    write_v1(path, old)
    before = query(path, "SELECT id, key, version, themes, previous, source, coder, note, at FROM decisions ORDER BY id")
    with Store(path) as store:
        assert [(e.version, e.coder, e.themes, e.note, e.lane) for e in store.history(KEY)] == [
            (1, "model", ("tilgaengelighed",), "", ""), (2, "Søren", ("ledelse",), "Åse var enig 👍", ""),
            (3, "Mette", (), "ikke relevant", "")]
        assert store.current_all(SURVEY) == {KEY: Decision(KEY, 3, (), "adjudicated", "Mette", before[3][-1])}
        assert store.current(OTHER).themes == ("løn",)
        store.record(KEY, ["løn"], coder="Mette", source="human", expected_version=3)
        store.record(KEY, ["løn"], coder=ALI, source="human", expected_version=0, lane=ALI)
        assert store.assign([KEY], ALI, by="Mette") == 1
    assert query(path, "SELECT id, key, version, themes, previous, source, coder, note, at FROM decisions "
                       "WHERE id <= 4 ORDER BY id") == before
    assert query(path, "SELECT version FROM schema_version") == [(2,)]
    assert query(path, "SELECT max(id) FROM decisions") == [(6,)]   # new ids continue after the old ones
    assert integrity(path) == "ok"
    with Store(path) as again:   # opening an upgraded file changes nothing
        assert [e.version for e in again.history(KEY)] == [1, 2, 3, 4, 1]
