"""Training models from coded answers (``text`` + ``themes``) and the shipped examples."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from . import columns as C
from .classify import ThemeClassifier
from .codebook import Codebook
from .errors import InputError
from .evaluate import cross_validate
from .io import read_table
from .models import save_model, shipped_training_path
from .nlp import load_analyzer

log = logging.getLogger(__name__)


def read_labelled(path, codebook: Codebook, *, drop_unknown: bool = False,
                  empty_means_none: bool = False) -> tuple[list[str], list[list[str]]]:
    """Coded answers from a CSV/XLSX file with columns ``text`` and ``themes``.

    Rows with empty text are skipped (they are not answers). An empty
    ``themes`` cell means "not coded yet" and the row is skipped, unless
    ``empty_means_none`` (gold files, where it means "no theme fits"; only
    for multi-label frames). An unknown theme id is an error naming the row,
    unless ``drop_unknown`` (used for shipped examples of an older frame).
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
        keep_empty = empty_means_none and codebook.multi_label and not C.split_themes(themes)
        if not str(text).strip() or not (ids or keep_empty):
            continue
        if not codebook.multi_label and len(ids) > 1:
            raise InputError(
                f"fil '{path}', række {i + 2}, kolonne '{C.THEMES}', værdi {themes!r}: kodearket "
                f"'{codebook.codebook}' giver præcis ét tema pr. svar"
            )
        texts.append(str(text).strip())
        labels.append(ids)
    return texts, labels


def read_shipped(path, codebook: Codebook) -> tuple[list[str], list[list[str]]]:
    """The shipped coded examples of a frame: themes of an older frame dropped, an empty cell means no theme fits."""
    return read_labelled(path, codebook, drop_unknown=True, empty_means_none=True)


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
        shipped = read_shipped(shipped_path, codebook)
        sources.append({"file": f"data/training/{shipped_path.name}", "n": len(shipped[0])})
    texts, labels = combine(analyst, shipped)
    if not texts:
        raise InputError(f"ingen kodede svar at træne på for kodearket '{codebook.codebook}'")
    model = ThemeClassifier(codebook).fit(texts, labels)
    metrics = {}
    if cv and len(texts) >= 2 * cv:
        metrics = {"cv_folds": cv, **cross_validate(texts, labels, codebook, k=cv).summary()}
    training = {"n": len(texts), "sources": sources, "sha256": _data_hash(texts, labels)}
    save_model(model, out, training=training, metrics=metrics, nlp=load_analyzer().name)
    log.info("trained %s on %d answers: %s", codebook.codebook, len(texts), metrics)
    return {"training": training, "metrics": metrics}


def _data_hash(texts, labels) -> str:
    h = hashlib.sha256()
    for t, ids in zip(texts, labels):
        h.update(f"{t}\t{C.join_themes(sorted(ids))}\n".encode())
    return h.hexdigest()[:16]
