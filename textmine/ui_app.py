"""The app's shared Streamlit layer: the chosen survey, its coded answers, the review store, caches.

Pages call ``current()`` for everything they show. Large tables are cached with
``st.cache_resource`` (no copy per rerun; the library functions never mutate their input),
keyed by file modification times so a survey coded again is read again.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from . import columns as C
from . import review, ui
from .codebook import Codebook, load_codebook
from .coding import Coder, code_survey, user_cache
from .io import read_export
from .nlp import load_analyzer
from .projects import Project, list_projects
from .redact import mask_series
from .safe import uncsv_cell, write_json
from .store import Store
from .survey import Survey, load_survey

ROOT = Path(__file__).resolve().parent.parent
PROJECT_KEY = "project"
CODER_KEY = "coder"
NEXT_PROJECT_KEY = "project_next"
# Above this many answers the model and spaCy runs (review queue, search index) go to a worker
# process, so no page waits for them; below it they take a moment and are done at once.
BACKGROUND_ABOVE = 5000
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="textmine-work")
_PROCESS_POOL: ProcessPoolExecutor | None = None
_PROCESS_LOCK = threading.Lock()
# spaCy does not promise that one pipeline can be used from two threads at once, and the app's
# sessions share one (load_analyzer): whoever runs it holds this lock. A small survey's search
# index takes it a chunk of answers at a time; a large survey's index and review queue are
# computed in the worker process, with its own pipeline.
NLP_LOCK = threading.Lock()
# How far below the newest decision id an update looks again (ids handed out, not yet committed).
LATE_COMMITS = 1000
NLP_CHUNK = 1000


@dataclass(frozen=True)
class Current:
    """What every page works on: one survey's coded answers with the newest decisions laid over them."""

    project: Project
    survey: Survey
    store: Store
    state: pd.DataFrame        # coded answers + key, final themes, source, version, coder
    coder: str                 # the person using the app ("" until they give their name)
    memo: dict                 # tables derived from ``state``, shared until a decision changes it

    def answers(self, column: str) -> pd.DataFrame:
        """``ui.answers_for(state, column)``, computed once per state."""
        return self.once(("answers", column), lambda: ui.answers_for(self.state, column))

    def closed_options(self, column: str) -> list:
        """``ui.closed_options`` of the whole survey for one closed question, computed once per state."""
        return self.once(("closed", column), lambda: ui.closed_options(self.state, self.survey, column))

    def once(self, key, compute):
        """``compute()`` once per state: the first session to ask computes it, the others reuse it."""
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = compute()   # two sessions may both compute it; both get the same
        return found

    def codebook(self, column: str) -> Codebook | None:
        field = self.survey.text_field(column)
        return get_codebook(str(field.codebook), mtime(field.codebook)) if field.codebook else None

    def coded_columns(self) -> list[str]:
        """Text columns that have a code frame, in the survey's order."""
        return [f.column for f in self.survey.text_fields if f.codebook]


def question_picker(cur: Current, key: str) -> str:
    """A picker of the survey's coded open questions, opening on the main comment question."""
    columns = cur.coded_columns()
    main = cur.survey.text_fields[ui.default_field(cur.survey)].column
    return st.selectbox("Åbent spørgsmål", columns, index=columns.index(main) if main in columns else 0,
                        format_func=lambda c: ui.field_label(cur.survey, c), key=key)


def mtime(path) -> float:
    path = Path(path) if path else None
    return path.stat().st_mtime if path is not None and path.exists() else 0.0


@st.cache_resource(show_spinner=False)
def get_survey(path: str, stamp: float) -> Survey:
    return load_survey(path)


@st.cache_resource(show_spinner=False)
def get_codebook(path: str, stamp: float) -> Codebook:
    return load_codebook(path)


@st.cache_resource(show_spinner=False)
def get_store(target: str) -> Store:
    if "://" not in target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    return Store(target)


@st.cache_resource(show_spinner=False, max_entries=8)
def get_coded(project: Project, stamp: float, survey_stamp: float) -> pd.DataFrame:
    return review.with_keys(ui.load_coded(project.coded, get_survey(str(project.survey), survey_stamp)),
                            project.slug)


@st.cache_resource(show_spinner=False, max_entries=8)
def seeded(project: Project, stamp: float) -> int:
    """Model suggestions put in the store once per coding run, for the answers it has no decision on.

    Only those answers are written: after the first start that is none, so a restart does not
    rewrite 100,000 suggestions.
    """
    store = get_store(project.store)
    state, _ = decided_state(project, stamp, store)
    missing = state[state[C.VERSION] == 0]
    return review.seed_suggestions(store, missing) if len(missing) else 0


@st.cache_resource(show_spinner=False, max_entries=8)
def masked_texts(project: Project, stamp: float) -> pd.Series:
    """Every answer with personal data masked, by store key.

    ``textmine code`` masks the files it writes (run.json says so); only a file coded with
    ``--no-mask`` is masked here.
    """
    coded = get_coded(project, stamp, mtime(project.survey))
    texts = coded[C.TEXT].astype(str)
    run = project.coded_dir / "run.json"
    masked = run.exists() and json.loads(run.read_text(encoding="utf-8")).get("masked") is True
    return pd.Series((texts if masked else mask_series(texts)).to_numpy(), index=coded[C.KEY].to_numpy())


@st.cache_resource(show_spinner=False, max_entries=4)
def raw_texts(project: Project, stamp: float) -> pd.Series:
    """The answers as the respondents wrote them, from the export, by store key (empty without an export)."""
    if project.export is None:
        return pd.Series(dtype=object)
    answers = validation(project, stamp).answers
    keys = review.with_keys(answers, project.slug)[C.KEY]
    return pd.Series(answers[C.TEXT].astype(str).to_numpy(), index=keys.to_numpy())


@st.cache_resource(show_spinner="Lemmatiserer svarene til søgning …", max_entries=8)
def lemma_job(project: Project, stamp: float) -> Future:
    """Each answer's lemmas and compound parts (lower case), by store key, as a future.

    Lemmatising runs spaCy over every answer. Above ``BACKGROUND_ABOVE`` answers it runs in a
    worker process (started when Læs first opens): on a thread it would hold the interpreter
    lock long enough to slow every page to a second. The search uses ``ui.search_text`` until then.
    """
    coded = get_coded(project, stamp, mtime(project.survey))
    keys, texts = coded[C.KEY].to_numpy(), coded[C.TEXT].astype(str).tolist()
    if len(texts) <= BACKGROUND_ABOVE:
        forms = []
        for start in range(0, len(texts), NLP_CHUNK):
            with NLP_LOCK:
                forms.extend(ui.word_forms(texts[start:start + NLP_CHUNK]))
        return _done(pd.Series(forms, index=keys, dtype=object))
    indexed: Future = Future()

    def finished(job: Future) -> None:
        if job.exception() is not None:
            indexed.set_exception(job.exception())
        else:
            indexed.set_result(pd.Series(job.result(), index=keys, dtype=object))

    _processes().submit(ui.word_forms, texts).add_done_callback(finished)
    _POOL.submit(load_analyzer)    # loaded now, so the first search does not wait for spaCy to load
    return indexed


def _processes() -> ProcessPoolExecutor:
    """The one worker process (not a Streamlit cache: clearing the caches must not start another)."""
    global _PROCESS_POOL
    with _PROCESS_LOCK:
        if _PROCESS_POOL is None:
            # "spawn": a fresh interpreter, not a fork of a server running threads.
            _PROCESS_POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _PROCESS_POOL


def wait_for_background(timeout: float = 1800) -> None:
    """Block until the worker thread and process have finished what they were given (bench/app.py)."""
    _POOL.submit(int).result(timeout)
    _processes().submit(int).result(timeout)


def lemma_index(project: Project, stamp: float) -> pd.Series | None:
    """The word index for search, or None while it is being computed."""
    job = lemma_job(project, stamp)
    if not job.done():
        return None
    if job.exception() is not None:
        logging.getLogger("textmine.app").error("lemma index failed", exc_info=job.exception())
        return None
    return job.result()


def query_forms(query: str) -> list[frozenset[str]] | None:
    """One set of acceptable forms per word of a search query ('lovgivningen' -> {'lovgivning'}).

    None when the worker has held spaCy (``NLP_LOCK``) for a second, ranking the review queue:
    the page then searches for the words as typed (``typed_forms``).
    """
    if not NLP_LOCK.acquire(timeout=1.0):
        return None
    try:
        return [frozenset(tok.forms) for doc in load_analyzer().analyze([query]) for tok in doc if tok.forms]
    finally:
        NLP_LOCK.release()


def typed_forms(query: str) -> list[frozenset[str]]:
    """The query's words in lower case, for searching inside the answers' text without spaCy."""
    return [frozenset({w}) for w in re.findall(r"\w+", query.lower())]


@st.cache_resource(show_spinner="Ordner svarene efter, hvad der lærer modellen mest …", max_entries=16)
def queue_job(project: Project, stamp: float, column: str, codebook: Codebook) -> Future:
    """One question's answer keys, most useful to code first, as a future (done at once for small surveys).

    The review queue runs the model over every answer: a minute at 100,000 answers. Above
    ``BACKGROUND_ABOVE`` answers it runs in the worker process (on a thread it would slow every
    page) and the page uses ``quick_order`` until it is done. The result is saved beside the
    coded file, so an app restart reuses it.
    """
    coded = get_coded(project, stamp, mtime(project.survey))
    answers = coded[coded[C.COLUMN] == column]
    model_stamp = mtime(project.models / codebook.codebook)
    saved = project.coded_dir / f"queue-{column}.json"
    tag = {"coded": stamp, "model": model_stamp}
    if saved.exists():
        found = json.loads(saved.read_text(encoding="utf-8"))
        if found.get("tag") == tag and len(found.get("keys", [])) == len(answers):
            return _done(found["keys"])
    model = review.project_model(project, codebook)
    texts, keys = answers[C.TEXT].astype(str).tolist(), answers[C.KEY].tolist()
    if len(answers) <= BACKGROUND_ABOVE:
        with NLP_LOCK:
            order = review.queue_keys(texts, keys, codebook, model)
        write_json({"tag": tag, "keys": order}, saved)
        return _done(order)
    ordered: Future = Future()

    def finished(job: Future) -> None:
        if job.exception() is not None:
            ordered.set_exception(job.exception())
            return
        write_json({"tag": tag, "keys": job.result()}, saved)
        ordered.set_result(job.result())

    _processes().submit(review.queue_keys, texts, keys, codebook, model).add_done_callback(finished)
    return ordered


def queue(project: Project, stamp: float, column: str, codebook: Codebook) -> list[str] | None:
    """The review queue's order, or None while it is still being computed (or failed: logged)."""
    job = queue_job(project, stamp, column, codebook)
    if not job.done():
        return None
    if job.exception() is not None:
        logging.getLogger("textmine.app").error("review queue failed", exc_info=job.exception())
        return None
    return job.result()


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


@st.cache_resource(show_spinner=False, max_entries=8)
def validation(project: Project, stamp: float):
    """The export read again in reject mode: rows read, kept and the problems with row and column."""
    return read_export(project.export, get_survey(str(project.survey), mtime(project.survey)), on_error="reject")


@dataclass(frozen=True)
class Checked:
    """What the Data page shows of an export: rows read, kept and rejected, the problems by row and column."""

    n_read: int
    n_kept: int
    n_rejected: int
    problems: pd.DataFrame     # row, column, value, message


@st.cache_resource(show_spinner=False, max_entries=8)
def export_check(project: Project, stamp: float, coded_stamp: float) -> Checked:
    """The export's validation as ``textmine code`` recorded it (run.json, rejected.csv) when it coded
    this very export; otherwise the export read again in reject mode (8 s at 100,000 rows)."""
    run = project.coded_dir / "run.json"
    found = json.loads(run.read_text(encoding="utf-8")) if run.exists() and mtime(run) >= stamp else {}
    if all(k in found for k in ("rows_read", "rows_kept", "rows_rejected")) \
            and Path(found.get("export", "")).resolve() == Path(project.export).resolve():
        rejected = project.coded_dir / "rejected.csv"
        problems = pd.DataFrame(columns=["row", "column", "value", "message"])
        if found["rows_rejected"] and rejected.exists():
            table = pd.read_csv(rejected, dtype=str, keep_default_na=False, encoding="utf-8-sig").map(uncsv_cell)
            problems = table.assign(row=pd.to_numeric(table["row"], errors="coerce").astype("Int64"))
        return Checked(found["rows_read"], found["rows_kept"], found["rows_rejected"], problems)
    export = validation(project, stamp)
    problems = pd.DataFrame([{"row": p.row, "column": p.column, "value": p.value, "message": p.message}
                             for p in export.problems], columns=["row", "column", "value", "message"])
    return Checked(export.n_read, export.n_kept, len(export.rejected_rows), problems)


def projects() -> list[Project]:
    return list_projects(ROOT)


def chosen_project() -> Project:
    found = projects()
    slug = st.session_state.get(PROJECT_KEY)
    return next((p for p in found if p.slug == slug), found[0])


def ensure_coded(project: Project) -> None:
    """Code a survey's answers the first time it is opened (the demo without ``make run``)."""
    if not project.coded.exists() and project.export is not None:
        with st.spinner("Koder undersøgelsens åbne svar – det tager et øjeblik første gang …"), NLP_LOCK:
            code_survey(project.export, project.survey, project.coded_dir, model_dir=project.models,
                        on_error="reject", cache=user_cache())


@st.cache_resource(show_spinner=False, max_entries=8)
def _held_state(project: Project, stamp: float, survey_stamp: float) -> dict:
    """Where ``decided_state`` keeps one survey's state between reruns, shared by every session."""
    return {"lock": threading.Lock()}


def decided_state(project: Project, stamp: float, store: Store) -> tuple[pd.DataFrame, dict]:
    """The coded answers with the store's newest decisions laid over them, brought up to date on each rerun.

    One look-up tells whether anyone has decided anything since the last rerun (``change_mark``);
    only the answers decided since are read and laid over the state held in memory. Every session
    shares the frame, so pages must not change it (the library functions never do). Returned
    with a memo for tables derived from it, emptied whenever the state changes.
    """
    held = _held_state(project, stamp, mtime(project.survey))
    with held["lock"]:
        mark = store.change_mark()
        if "state" not in held:
            coded = get_coded(project, stamp, mtime(project.survey))
            held["state"], held["memo"] = review.review_state(coded, store.current_frame(project.slug)), {}
        elif held["mark"] != mark:
            # Read back a little before the newest id seen: a decision committed late has an older id.
            since = max(held["mark"][0] - LATE_COMMITS, 0)
            changed = store.current_frame(project.slug, since=since)
            held["state"], held["memo"] = review.update_state(held["state"], changed), {}
        held["mark"] = mark
        return held["state"], held["memo"]


def current() -> Current:
    """The chosen survey with the store's newest decisions (one small query per rerun when nothing changed)."""
    project = chosen_project()
    ensure_coded(project)
    stamp = mtime(project.coded)
    seeded(project, stamp)
    store = get_store(project.store)
    state, memo = decided_state(project, stamp, store)
    coder = " ".join(str(st.session_state.get(CODER_KEY) or "").split())
    return Current(project, get_survey(str(project.survey), mtime(project.survey)), store, state, coder, memo)


def sidebar() -> None:
    """The survey picker and the coder's name, shown on every page."""
    found = projects()
    titles = {p.slug: p.title for p in found}
    pending = st.session_state.pop(NEXT_PROJECT_KEY, None)   # a page chose a survey (e.g. one just created)
    if pending in titles:
        st.session_state[PROJECT_KEY] = pending
    if st.session_state.get(PROJECT_KEY) not in titles:
        st.session_state[PROJECT_KEY] = found[0].slug
    st.session_state.setdefault(CODER_KEY, os.environ.get("TEXTMINE_CODER", ""))
    with st.sidebar:
        st.selectbox("Undersøgelse", list(titles), format_func=titles.get, key=PROJECT_KEY)
        st.text_input("Dit navn", key=CODER_KEY, placeholder="fx Mette Larsen",
                      help="Gemmes ved hver kodning, så det kan ses, hvem der har kodet hvad.")
