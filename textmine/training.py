"""Training models from coded answers (``text`` + ``themes``) and the shipped examples."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold

from . import columns as C
from .classify import ThemeClassifier, decide
from .codebook import Codebook
from .errors import InputError
from .io import read_table
from .models import save_model, shipped_training_path
from .nlp import load_analyzer

log = logging.getLogger(__name__)


def read_labelled(path, codebook: Codebook, *, drop_unknown: bool = False) -> tuple[list[str], list[list[str]]]:
    """Coded answers from a CSV/XLSX file with columns ``text`` and ``themes``.

    Rows with empty text are skipped (they are not answers). An unknown theme
    id is an error naming the row, unless ``drop_unknown`` (used for shipped
    examples of an older version of a frame).
    """
    path = Path(path)
    df = read_table(path, required=(C.TEXT, C.THEMES))
    texts, labels = [], []
    for i, (text, themes) in enumerate(zip(df[C.TEXT], df[C.THEMES])):
        ids = C.split_themes(themes)
        unknown = [t for t in ids if t not in codebook.ids]
        if unknown and not drop_unknown:
            raise InputError(
                f"fil '{path}', række {i + 2}, kolonne '{C.THEMES}', værdi {themes!r}: temaet '{unknown[0]}' "
                f"findes ikke i kodearket '{codebook.codebook}'; temaer: {list(codebook.ids)}"
            )
        ids = [t for t in ids if t in codebook.ids]
        if not str(text).strip() or not ids:
            continue
        if not codebook.multi_label and len(ids) > 1:
            raise InputError(
                f"fil '{path}', række {i + 2}, kolonne '{C.THEMES}', værdi {themes!r}: kodearket "
                f"'{codebook.codebook}' giver præcis ét tema pr. svar"
            )
        texts.append(str(text).strip())
        labels.append(ids)
    return texts, labels


def combine(analyst: tuple[list, list], shipped: tuple[list, list]) -> tuple[list[str], list[list[str]]]:
    """Analysts' coding first; a shipped example with the same text is left out."""
    seen = {t.casefold() for t in analyst[0]}
    texts, labels = list(analyst[0]), list(analyst[1])
    for t, ids in zip(*shipped):
        if t.casefold() not in seen:
            texts.append(t)
            labels.append(ids)
            seen.add(t.casefold())
    return texts, labels


def train(labelled, codebook: Codebook, out, *, use_shipped: bool = True, cv: int = 5) -> dict:
    """Train a model for ``codebook`` from ``labelled`` (None for shipped examples only) and save it to ``out``.

    Returns the model's meta data, including cross-validated figures.
    """
    sources = []
    analyst = ([], [])
    if labelled is not None:
        analyst = read_labelled(labelled, codebook)
        sources.append({"file": Path(labelled).name, "n": len(analyst[0])})
    shipped = ([], [])
    shipped_path = shipped_training_path(codebook) if use_shipped else None
    if shipped_path is not None:
        shipped = read_labelled(shipped_path, codebook, drop_unknown=True)
        sources.append({"file": f"data/training/{shipped_path.name}", "n": len(shipped[0])})
    texts, labels = combine(analyst, shipped)
    if not texts:
        raise InputError(f"ingen kodede svar at træne på for kodearket '{codebook.codebook}'")
    model = ThemeClassifier(codebook).fit(texts, labels)
    metrics = cross_validate(texts, labels, codebook, k=cv) if cv and len(texts) >= 2 * cv else {}
    training = {"n": len(texts), "sources": sources, "sha256": _data_hash(texts, labels)}
    save_model(model, out, training=training, metrics=metrics, nlp=load_analyzer().name)
    log.info("trained %s on %d answers: %s", codebook.codebook, len(texts), metrics)
    return {"training": training, "metrics": metrics}


def cross_validate(texts, labels, codebook: Codebook, k: int = 5, seed: int = 0) -> dict:
    """K-fold figures on coded answers: macro and micro F1, exact-match ratio, share flagged."""
    docs = load_analyzer().analyze(texts)
    ids = codebook.ids
    Y = np.array([[t in row for t in ids] for row in labels], dtype=int)
    pred = np.zeros_like(Y)
    flagged = np.zeros(len(texts), dtype=bool)
    from .classify import frame_documents

    ft, fl, fw = frame_documents(codebook)
    fdocs = load_analyzer().analyze(ft)
    for train_idx, test_idx in KFold(k, shuffle=True, random_state=seed).split(texts):
        model = ThemeClassifier(codebook)
        model.fit_docs([docs[i] for i in train_idx] + fdocs, [labels[i] for i in train_idx] + fl,
                       np.array([1.0] * len(train_idx) + fw))
        decisions = decide(model.predict_proba_docs([docs[i] for i in test_idx]), codebook)
        for i, d in zip(test_idx, decisions):
            pred[i] = [t in d.themes for t in ids]
            flagged[i] = d.needs_review
    present = Y.sum(axis=0) > 0
    exact = (pred == Y).all(axis=1)
    return {
        "cv_folds": k,
        "macro_f1": round(float(f1_score(Y[:, present], pred[:, present], average="macro", zero_division=0)), 3),
        "micro_f1": round(float(f1_score(Y, pred, average="micro", zero_division=0)), 3),
        "exact_match": round(float(exact.mean()), 3),
        "needs_review_share": round(float(flagged.mean()), 3),
        "exact_match_unflagged": round(float(exact[~flagged].mean()), 3) if (~flagged).any() else None,
    }


def _data_hash(texts, labels) -> str:
    h = hashlib.sha256()
    for t, ids in zip(texts, labels):
        h.update(f"{t}\t{C.join_themes(sorted(ids))}\n".encode())
    return h.hexdigest()[:16]
