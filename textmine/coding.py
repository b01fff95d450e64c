"""Coding answers with a code frame: choose the model, run it, lay out the result."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from . import columns as C
from .classify import ThemeClassifier
from .cache import NlpCache, default_cache_dir
from .codebook import Codebook, load_codebook
from .decisions import wordless
from .errors import ModelError
from .io import Export, read_export
from .models import load_model, shipped_model_path, shipped_training_path
from .nlp import load_analyzer
from .redact import redact_table
from .safe import write_csv, write_json, write_xlsx
from .sentiment import SENTIMENT, fingerprint, score_tokens, survey_lexicon
from .survey import Survey, load_survey

log = logging.getLogger(__name__)

FRAME_ONLY = "koderamme"   # model name when the code frame alone was learned from
CHUNK = 20_000             # answers analysed, featurised and predicted at a time


class Stopwatch:
    """Seconds spent per named stage, added up over chunks: ``with timer("nlp"): ...``."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


@dataclass
class Coder:
    """A code frame with the model that codes it."""

    codebook: Codebook
    model: ThemeClassifier
    model_name: str
    cache: "NlpCache | None" = None   # analysed answers on disk (cache.py); None analyses every text

    @classmethod
    def for_codebook(cls, codebook: Codebook, model_path=None) -> "Coder":
        """Use ``model_path``, else the model shipped for this frame's id, else learn from the frame.

        A shipped model made for an older version of the frame (other themes) is
        not used: textmine then learns from the frame and the shipped examples.
        """
        if model_path is not None:
            model, _ = load_model(model_path, codebook)
            return cls(codebook, model, Path(model_path).name)
        shipped = shipped_model_path(codebook)
        if shipped is not None:
            try:
                model, _ = load_model(shipped, codebook)
                return cls(codebook, model, f"{shipped.name} (medfølger)")
            except ModelError as exc:
                log.warning("shipped model not used: %s", exc)
        from .training import read_labelled

        texts, labels = [], []
        examples = shipped_training_path(codebook)
        if examples is not None:
            texts, labels = read_labelled(examples, codebook, drop_unknown=True)
        model = ThemeClassifier(codebook).fit(texts, labels)
        name = FRAME_ONLY if not texts else f"{FRAME_ONLY}+{examples.name}"
        return cls(codebook, model, name)

    def code(self, texts, timer: "Stopwatch | None" = None) -> pd.DataFrame:
        """Themes, probabilities and review flag for each text ("" gives no themes).

        Answers go through in chunks of ``CHUNK``, so memory does not grow with the survey beyond
        the texts and the result; ``timer`` adds up the seconds of each stage. It runs in this
        process (the app runs threads and must not fork); ``stream.classify_file`` shares a large
        file's chunks out between forked workers.

        Examples
        --------
        >>> Coder.for_codebook(cb).code(["Svært at få fat i dem i ferien"]).themes[0]  # doctest: +SKIP
        'tilgaengelighed'
        """
        texts = ["" if t is None else str(t) for t in texts]
        timer = timer or Stopwatch()
        ids, n = self.codebook.ids, len(texts)
        themes, backcodes = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
        review, sentiment = np.zeros(n, dtype=bool), np.full(n, "", dtype=object)
        proba = np.full((n, len(ids)), np.nan)
        filled = np.flatnonzero([bool(t.strip()) for t in texts])
        chunks = [filled[start:start + CHUNK] for start in range(0, len(filled), CHUNK)]
        for rows in chunks:
            t, b, r, s, p, seconds = self._code_chunk([texts[i] for i in rows])
            themes[rows], backcodes[rows], review[rows], sentiment[rows], proba[rows] = t, b, r, s, p
            for stage, sec in seconds.items():
                timer.seconds[stage] = timer.seconds.get(stage, 0.0) + sec
        out = pd.DataFrame({C.THEMES: themes.astype(str), C.BACKCODE: backcodes.astype(str), C.NEEDS_REVIEW: review,
                            SENTIMENT: sentiment.astype(str)})
        for j, t in enumerate(ids):
            out[C.p_column(t)] = proba[:, j]
        return out.assign(**{C.NLP: load_analyzer().name, C.MODEL: self.model_name})


    def _code_chunk(self, texts: list[str]):
        timer = Stopwatch()
        with timer("nlp"):
            analyzer = load_analyzer()
            keys = analyzer.cache_keys(texts) if self.cache is not None else None
            docs = analyzer.analyze(texts, cache=self.cache, keys=keys)
        # The stages of ThemeClassifier.code_docs, one by one so each is timed.
        with timer("features"):
            featurizer = self.model.featurizer()
            hits = [featurizer.matcher.hits(d) for d in docs]
            X = featurizer.transform(docs, hits)
        with timer("predict"):
            proba = self.model.predict_proba_matrix(X)
            decisions = self.model.decide(proba, hits, unseen=self.model.unseen_share(X),
                                          wordless=[wordless(d) for d in docs])
        with timer("sentiment"):
            sentiment = self._sentiment(docs, keys)
        backcode = {t.id: t.backcode_to for t in self.codebook.themes if t.backcode_to}
        return ([C.join_themes(d.themes) for d in decisions],
                [C.join_themes(backcode[t] for t in d.themes if t in backcode) for d in decisions],
                [d.needs_review for d in decisions], sentiment, proba.round(4), timer.seconds)


    def _sentiment(self, docs, keys) -> list[str]:
        """Each answer's sentiment label; with the cache, worked out only for answers it lacks."""
        lexicon = survey_lexicon()
        if self.cache is None:
            return [score_tokens(d, lexicon)[2] for d in docs]
        rules = fingerprint(lexicon)
        known = self.cache.get_labels(keys, rules)
        new = {}
        for k, d in zip(keys, docs):
            if k not in known and k not in new:
                new[k] = score_tokens(d, lexicon)[2]
        if new:
            self.cache.put_labels(new.items(), rules)
        return [known[k] if k in known else new[k] for k in keys]


def classify_table(df: pd.DataFrame, codebook: Codebook, *, text_column: str = C.TEXT,
                   id_column: str = "id", model_path=None, timer: Stopwatch | None = None,
                   cache: "NlpCache | None" = None) -> pd.DataFrame:
    """Code one text column of a table; keeps the id column under its own name.

    With ``cache`` spaCy runs only on answers it has not analysed before (same text, same pipeline).
    """
    coder = Coder.for_codebook(codebook, model_path)
    coder.cache = cache
    return with_answers(df, coder.code(df[text_column].tolist(), timer=timer), text_column, id_column)


def with_answers(df: pd.DataFrame, coded: pd.DataFrame, text_column: str, id_column: str) -> pd.DataFrame:
    """The coded columns after the id and text columns of the table they were coded from."""
    front = df[[c for c in (id_column, text_column) if c in df.columns]].reset_index(drop=True)
    return pd.concat([front, coded.reset_index(drop=True)], axis=1)


def code_export(export: Export, *, model_dir=None, cache: "NlpCache | None" = None) -> pd.DataFrame:
    """Code every open answer of an export with its field's code frame.

    One row per open answer: respondent id, question, column, text, themes,
    probabilities, review flag and the respondent's closed answers.
    ``model_dir`` may hold one model directory per code frame id; with ``cache`` answers analysed
    before (by any frame) are not analysed again. One thread only: the cache's connection is not shared.
    """
    parts = []
    for field in export.survey.text_fields:
        answers = export.answers[export.answers[C.COLUMN] == field.column]
        if answers.empty or field.codebook is None:
            parts.append(answers.assign(**{C.THEMES: "", C.NEEDS_REVIEW: False}))
            continue
        codebook = load_codebook(field.codebook)
        model_path = _model_in(model_dir, codebook)
        coder = Coder.for_codebook(codebook, model_path)
        coder.cache = cache
        coded = coder.code(answers[C.TEXT].tolist())
        coded.insert(0, "codebook", codebook.codebook)
        parts.append(pd.concat([answers.reset_index(drop=True), coded], axis=1))
    coded = pd.concat(parts, ignore_index=True) if parts else export.answers.copy()
    closed = export.respondents.drop(columns=[C.ROW])
    merged = coded.merge(closed, on=C.RESPONDENT_ID, how="left", validate="many_to_one")
    return _order(merged, export)


def _model_in(model_dir, codebook: Codebook):
    if model_dir is None:
        return None
    path = Path(model_dir) / codebook.codebook
    return path if path.exists() else None


def _order(df: pd.DataFrame, export: Export) -> pd.DataFrame:
    front = [C.RESPONDENT_ID, C.QUESTION, C.COLUMN, C.TEXT, C.THEMES, C.BACKCODE, C.NEEDS_REVIEW, SENTIMENT]
    probs = [c for c in df.columns if c.startswith(C.P_PREFIX)]
    closed = [c for c in export.survey.closed_columns if c in df.columns]
    tail = ["codebook", C.NLP, C.MODEL, C.ROW]
    cols = [c for c in front + probs + closed + tail if c in df.columns]
    return df[cols].sort_values([C.QUESTION, C.RESPONDENT_ID], kind="stable").reset_index(drop=True)


def coded_workbook(coded: pd.DataFrame, survey: Survey) -> dict[str, pd.DataFrame]:
    """Sheets of the coded Excel file: every answer, then one sheet per open question."""
    sheets = {"Alle svar": coded}
    for field in survey.text_fields:
        part = coded[coded[C.COLUMN] == field.column].dropna(axis=1, how="all")
        if len(part):
            sheets[f"Spm {field.question} {field.column}"] = part
    return sheets


def user_cache(folder=None) -> NlpCache:
    """The NLP cache in ``folder``, by default the user's cache folder (``cache.default_cache_dir``),
    for this pipeline.

    Open it in the thread that codes and use it there only (a SQLite connection belongs to the
    thread that made it): the app codes in threads, each with its own.
    """
    return NlpCache(folder if folder is not None else default_cache_dir(), load_analyzer().version)


def code_survey(export_path, survey_path, out_dir, *, model_dir=None, on_error: str = "raise",
                mask: bool = True, cache: "NlpCache | None" = None) -> dict:
    """Read an export, code its open answers and write ``coded.csv``, ``coded.xlsx`` and ``run.json``.

    ``coded.csv`` is written last, so its presence means the run finished.
    Rejected rows (``on_error="reject"``) are listed in ``rejected.csv``.
    Names, phone numbers, e-mails, CPR numbers and addresses in the answers
    are masked in the files unless ``mask=False``.
    Returns the run summary that ``run.json`` holds. ``cache``: see ``code_export``.
    """
    survey = load_survey(survey_path)
    export = read_export(export_path, survey, on_error=on_error)
    coded = code_export(export, model_dir=model_dir, cache=cache)
    if mask:
        coded = redact_table(coded, C.TEXT, cache=cache)
    out = Path(out_dir)
    write_xlsx(coded_workbook(coded, survey), out / "coded.xlsx")
    if export.problems:
        write_csv(pd.DataFrame([vars(p) for p in export.problems]), out / "rejected.csv")
    run = {
        "survey": survey.survey, "export": str(export_path), "nlp": load_analyzer().name,
        "models": sorted(set(coded[C.MODEL].dropna())) if C.MODEL in coded else [],
        "rows_read": export.n_read, "rows_kept": export.n_kept, "rows_rejected": len(export.rejected_rows),
        "answers": len(coded), "needs_review": int(coded[C.NEEDS_REVIEW].sum()), "masked": mask,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    write_json(run, out / "run.json")
    write_csv(coded, out / "coded.csv")
    return run
