"""Reviewing the model's codes: the answers with their decisions, what to code next, retraining.

The coded answers (``coded.csv``) hold the model's suggestions; the review store holds every
decision. ``review_state`` lays the newest decision over each suggestion, so what the app shows,
the reports count and retraining learns from is always the newest human (or adjudicated) code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import columns as C
from .codebook import Codebook
from .coding import Coder, code_survey, coded_workbook, user_cache
from .classify import binarize
from .evaluate import Evaluation, cross_validate, evaluate_model
from .models import shipped_training_path
from .projects import Project
from .queue import review_queue
from .redact import redact_table
from .safe import write_csv, xlsx_bytes
from .store import Decision, Store
from .survey import load_survey
from .training import read_labelled, train
from .ui import load_coded

MODEL_CODER = "model"


def with_keys(coded: pd.DataFrame, survey_id: str) -> pd.DataFrame:
    """Coded answers with their store key, ``survey:respondent:column``."""
    keys = survey_id + ":" + coded[C.RESPONDENT_ID].astype(str) + ":" + coded[C.COLUMN].astype(str)
    return coded.assign(**{C.KEY: keys.to_numpy()})


def review_state(coded: pd.DataFrame, current: Mapping[str, Decision] | pd.DataFrame) -> pd.DataFrame:
    """Each answer's final themes, their source, version and coder; the suggestion where nobody decided.

    ``current`` is ``Store.current_all`` or, faster for many answers, ``Store.current_frame``.

    Examples
    --------
    >>> review_state(with_keys(coded, "demo-2024"), store.current_frame("demo-2024"))[C.FINAL][0]  # doctest: +SKIP
    'tilgaengelighed'
    """
    state = coded.assign(**{C.FINAL: coded[C.THEMES].fillna("").astype(str).to_numpy(), C.SOURCE: MODEL_CODER,
                            C.VERSION: np.zeros(len(coded), dtype=np.int64), C.CODER: ""})
    return update_state(state, current)


def update_state(state: pd.DataFrame, changed: Mapping[str, Decision] | pd.DataFrame) -> pd.DataFrame:
    """``state`` with the decisions in ``changed`` laid over it (a new frame; ``state`` is not touched).

    The app keeps one state in memory and brings it up to date with the few decisions made
    since (``Store.current_frame(since=...)``) instead of rebuilding it on every rerun.
    """
    table = changed if isinstance(changed, pd.DataFrame) else _decision_table(changed)
    table = table.drop_duplicates("key", keep="last")
    # For each answer the row of its decision in ``table`` (NaN: none); one hash join, no loop per answer.
    where = state[C.KEY].map(pd.Series(np.arange(len(table)), index=table["key"].to_numpy())).to_numpy(dtype=float)
    hit = ~np.isnan(where)
    if not hit.any():
        return state.copy(deep=False)
    rows, picks = np.flatnonzero(hit), where[hit].astype(np.int64)
    updates = {}
    for column, values in ((C.FINAL, table["themes"]), (C.SOURCE, table["source"]),
                           (C.VERSION, table["version"].astype(np.int64)), (C.CODER, table["coder"])):
        merged = state[column].to_numpy(copy=True)
        merged[rows] = values.to_numpy()[picks]
        updates[column] = merged
    return state.assign(**updates)


def _decision_table(current: Mapping[str, Decision]) -> pd.DataFrame:
    return pd.DataFrame({"key": list(current), "version": [d.version for d in current.values()],
                         "themes": [C.join_themes(d.themes) for d in current.values()],
                         "source": [d.source for d in current.values()],
                         "coder": [d.coder for d in current.values()]})


def is_coded(state: pd.DataFrame) -> pd.Series:
    """True where a person has decided the answer's themes."""
    return state[C.SOURCE].isin(C.HUMAN_SOURCES)


def progress(state: pd.DataFrame) -> pd.DataFrame:
    """Coded and total answers per text column, in the order the columns first appear."""
    done = is_coded(state)
    table = pd.DataFrame({"coded": done.groupby(state[C.COLUMN], sort=False).sum(),
                          "total": state.groupby(C.COLUMN, sort=False).size()})
    return table.astype(int)


def seed_suggestions(store: Store, coded: pd.DataFrame) -> int:
    """Put the model's suggestions in the store for answers nobody has decided; returns how many."""
    return store.seed(zip(coded[C.KEY], coded[C.THEMES].fillna("")), source="model", coder=MODEL_CODER)


def queue_order(answers: pd.DataFrame, coder: Coder) -> list[str]:
    """The keys of one question's answers, most useful to code first (``review_queue``)."""
    if answers.empty:
        return []
    queue = review_queue(answers[C.TEXT].astype(str).tolist(), coder.model)
    return answers[C.KEY].to_numpy()[queue["position"].to_numpy()].tolist()


def queue_keys(texts: list[str], keys: list[str], codebook: Codebook, model: Path | None) -> list[str]:
    """``queue_order`` from plain values, loading the model itself: the app runs it in a worker process."""
    coder = Coder.for_codebook(codebook, model)
    return queue_order(pd.DataFrame({C.TEXT: texts, C.KEY: keys}), coder)


def quick_order(answers: pd.DataFrame) -> list[str]:
    """A stand-in for the review queue while it is computed: flagged answers first, then those whose
    theme probabilities lie closest to a coin toss (read from the coded file, no model run)."""
    columns = [c for c in answers.columns if c.startswith(C.P_PREFIX)]
    if answers.empty or not columns:
        return answers[C.KEY].tolist()
    doubt = (answers[columns].astype(float) - 0.5).abs().min(axis=1).fillna(0.5)
    order = pd.DataFrame({"flag": ~answers[C.NEEDS_REVIEW].astype(bool), "doubt": doubt.to_numpy()})
    return answers[C.KEY].to_numpy()[order.sort_values(["flag", "doubt"], kind="stable").index].tolist()


def next_key(order: Sequence[str], state: pd.DataFrame, skipped=()) -> str | None:
    """The first key in ``order`` that nobody has coded and that was not skipped."""
    done = set(state.loc[is_coded(state), C.KEY]) | set(skipped)
    return next((k for k in order if k not in done), None)


def training_set(state: pd.DataFrame, column: str) -> tuple[list[str], list[list[str]]]:
    """The human-coded answers of one text column as (texts, theme lists)."""
    rows = state[(state[C.COLUMN] == column) & is_coded(state)]
    return rows[C.TEXT].astype(str).tolist(), [C.split_themes(t) for t in rows[C.FINAL]]


@dataclass(frozen=True)
class Retrained:
    """Before and after figures of a retrain, on the human-coded answers."""

    n: int
    before: dict
    after: dict
    model: Path
    resuggested: int


def retrain(project: Project, column: str, codebook: Codebook, state: pd.DataFrame, store: Store,
            *, k: int = 5) -> Retrained:
    """Train a model from the human-coded answers of ``column`` (and the shipped examples) and use it.

    ``before`` scores the model in use on those answers; ``after`` is the new model's
    ``k``-fold cross-validation on them, with the shipped examples in every training fold,
    so it is never scored on answers it learned from. The new model is saved under the
    project's ``models/`` and every answer still carrying a model suggestion gets a new one.
    """
    texts, labels = training_set(state, column)
    if len(texts) < 2 * k:
        raise ValueError(f"kod mindst {2 * k} svar, før modellen trænes igen (der er {len(texts)})")
    current = Coder.for_codebook(codebook, project_model(project, codebook))
    before = evaluate_model(current.model, texts, labels, codebook).summary()
    shipped = ([], [])
    examples = shipped_training_path(codebook)
    if examples is not None:
        shipped = read_labelled(examples, codebook, drop_unknown=True)
    after = cross_validate(texts, labels, codebook, k=k, extra=shipped).summary()

    labelled = project.models / f"{codebook.codebook}-kodet.csv"
    write_csv(pd.DataFrame({C.TEXT: texts, C.THEMES: [C.join_themes(t) for t in labels]}), labelled)
    out = project.models / codebook.codebook
    train(labelled, codebook, out, cv=0)
    # The answers' tokens, sentiment and masking are read from the cache; only the new model runs.
    code_survey(project.export, project.survey, project.coded_dir, model_dir=project.models, on_error="reject",
                cache=user_cache())
    return Retrained(len(texts), before, after, out, resuggest(store, project))


def project_model(project: Project, codebook: Codebook) -> Path | None:
    """The model retrained for this project's code frame, or None (the shipped one is used)."""
    path = project.models / codebook.codebook
    return path if (path / "meta.json").exists() else None


def resuggest(store: Store, project: Project) -> int:
    """Replace the model suggestions in the store by the newly coded ones; human codes stay."""
    coded = with_keys(load_coded(project.coded, load_survey(project.survey)), project.slug)
    current = store.current_all(project.slug)
    changed = 0
    for key, themes in zip(coded[C.KEY], coded[C.THEMES].fillna("")):
        decision = current.get(key)
        if decision is None:
            changed += store.seed([(key, themes)])
        elif decision.source not in C.HUMAN_SOURCES and C.join_themes(decision.themes) != themes:
            store.record(key, themes, coder=MODEL_CODER, source="model", expected_version=decision.version,
                         note="ny model")
            changed += 1
    return changed


def human_evaluation(state: pd.DataFrame, codebook: Codebook, column: str) -> Evaluation | None:
    """The model's suggestions scored against the human codes of one column, or None before any."""
    rows = state[(state[C.COLUMN] == column) & is_coded(state)]
    if rows.empty:
        return None
    P = binarize([C.split_themes(t) for t in rows[C.THEMES]], codebook)
    Y = binarize([C.split_themes(t) for t in rows[C.FINAL]], codebook)
    proba = rows[[C.p_column(t) for t in codebook.ids]].to_numpy(dtype=float)
    return Evaluation(codebook, Y, P, np.nan_to_num(proba), rows[C.NEEDS_REVIEW].astype(bool).to_numpy())


def final_coded(state: pd.DataFrame) -> pd.DataFrame:
    """The coded answers as reports and downloads use them: ``themes`` holds the final themes.

    The model's suggestion stays beside them (``suggested_themes``) with who decided (``source``, ``coder``).
    """
    out = state.assign(**{"suggested_themes": state[C.THEMES], C.THEMES: state[C.FINAL]})
    return out.drop(columns=[C.KEY, C.FINAL, C.VERSION])


def coded_download(state: pd.DataFrame, survey, masked: pd.Series | None = None) -> bytes:
    """The coded Excel file as the app offers it: the final codes, personal data masked.

    ``masked`` holds the answers already masked, by store key (the app computes them once);
    without it the answers are masked here. Downloads leave the app and reach other readers.

    Examples
    --------
    >>> Path("kodede-svar.xlsx").write_bytes(coded_download(state, survey))  # doctest: +SKIP
    """
    final = final_coded(state)
    if masked is None:
        final = redact_table(final, C.TEXT)
    else:
        final = final.assign(**{C.TEXT: masked.reindex(state[C.KEY].to_numpy()).to_numpy()})
    return xlsx_bytes(coded_workbook(final, survey))


def starred_pairs(state: pd.DataFrame, starred) -> list[tuple[str, str]]:
    """(respondent id, column) of the starred answers, as ``build_report`` takes quotes."""
    rows = state[state[C.KEY].isin(set(starred))]
    return list(zip(rows[C.RESPONDENT_ID].astype(str), rows[C.COLUMN]))
