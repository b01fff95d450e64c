"""How well a model codes answers it has not seen: per-theme figures, abstention, calibration.

``evaluate_model`` scores a trained model on a gold file; ``cross_validate``
trains on K-1 folds of the gold file (plus the shipped examples and the frame)
and scores the held-out fold, so every answer is predicted by a model that
never saw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.metrics import cohen_kappa_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import KFold

from .classify import ThemeClassifier, binarize
from .codebook import Codebook
from .decisions import wordless
from .nlp import load_analyzer

CURVE_FRACTIONS = (0.10, 0.25, 0.50, 1.00)
CALIBRATION_BINS = np.linspace(0.0, 1.0, 11)


@dataclass
class Evaluation:
    """Predictions for coded answers next to the analysts' codes."""

    codebook: Codebook
    Y: np.ndarray            # analysts' themes, answers x themes (0/1)
    P: np.ndarray            # suggested themes (0/1)
    proba: np.ndarray        # probabilities
    flagged: np.ndarray      # needs_review

    @property
    def exact(self) -> np.ndarray:
        return (self.P == self.Y).all(axis=1)

    def per_theme(self) -> pd.DataFrame:
        p, r, f, s = precision_recall_fscore_support(self.Y, self.P, average=None, zero_division=0)
        kappa = [_kappa(self.Y[:, j], self.P[:, j]) for j in range(self.Y.shape[1])]
        return pd.DataFrame({"theme": self.codebook.ids, "precision": p, "recall": r, "f1": f, "support": s,
                             "kappa": kappa}).round(3)

    def summary(self) -> dict:
        present = self.Y.sum(axis=0) > 0
        unflagged = ~self.flagged
        return {
            "n": int(len(self.Y)),
            "macro_f1": round(float(f1_score(self.Y[:, present], self.P[:, present], average="macro",
                                             zero_division=0)), 3),
            "micro_f1": round(float(f1_score(self.Y, self.P, average="micro", zero_division=0)), 3),
            "exact_match": round(float(self.exact.mean()), 3),
            "needs_review_share": round(float(self.flagged.mean()), 3),
            "exact_match_unflagged": round(float(self.exact[unflagged].mean()), 3) if unflagged.any() else None,
            "ece": round(self.expected_calibration_error(), 3),
        }

    def calibration(self) -> pd.DataFrame:
        """Predicted probability in bins against how often the theme was really there."""
        p, y = self.proba.ravel(), self.Y.ravel()
        bins = np.clip(np.digitize(p, CALIBRATION_BINS[1:-1]), 0, len(CALIBRATION_BINS) - 2)
        rows = []
        for b in range(len(CALIBRATION_BINS) - 1):
            mask = bins == b
            rows.append({"bin": f"{CALIBRATION_BINS[b]:.1f}-{CALIBRATION_BINS[b + 1]:.1f}", "n": int(mask.sum()),
                         "mean_p": round(float(p[mask].mean()), 3) if mask.any() else None,
                         "observed": round(float(y[mask].mean()), 3) if mask.any() else None})
        return pd.DataFrame(rows)

    def expected_calibration_error(self) -> float:
        table = self.calibration().dropna()
        return float((table["n"] * (table["mean_p"] - table["observed"]).abs()).sum() / max(table["n"].sum(), 1))

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "per_theme": self.per_theme().to_dict("records"),
                "calibration": self.calibration().to_dict("records")}


def _kappa(y: np.ndarray, p: np.ndarray) -> float:
    if len(set(y) | set(p)) < 2:
        return 1.0
    k = cohen_kappa_score(y, p)
    return float(k) if np.isfinite(k) else 0.0


def evaluate_model(model: ThemeClassifier, texts: Sequence[str], labels, codebook: Codebook) -> Evaluation:
    """Score a trained model on coded answers it was not trained on."""
    proba, decisions, _ = model.code_docs(load_analyzer().analyze(list(texts)))
    P = binarize([d.themes for d in decisions], codebook)
    return Evaluation(codebook, binarize(labels, codebook), P, proba, np.array([d.needs_review for d in decisions]))


def cross_validate(texts, labels, codebook: Codebook, *, k: int = 5, extra=((), ()), seed: int = 0,
                   fraction: float = 1.0, model_params: dict | None = None) -> Evaluation:
    """K-fold evaluation on coded answers; ``extra`` (shipped examples) joins every training fold.

    ``fraction`` trains on that share of each training fold (for learning curves).
    Each fold's model makes its own decisions (its thresholds and review cut-off).
    """
    model_params = model_params or {}
    probe = ThemeClassifier(codebook, **model_params)
    analyze, featurize = load_analyzer().analyze, probe.featurizer().transform
    docs = analyze(list(texts))
    hits = [probe.featurizer().matcher.hits(d) for d in docs]
    X, Y = featurize(docs, hits), binarize(labels, codebook)
    Xe = featurize(analyze(list(extra[0]))) if len(extra[0]) else None
    Ye = binarize(extra[1], codebook)
    frame = probe.frame_matrix()
    proba, P = np.zeros(Y.shape), np.zeros_like(Y)
    flagged = np.zeros(len(Y), dtype=bool)
    rng = np.random.default_rng(seed)
    for train, test in KFold(k, shuffle=True, random_state=seed).split(np.arange(len(Y))):
        if fraction < 1.0:
            train = np.sort(rng.choice(train, max(1, int(round(fraction * len(train)))), replace=False))
        Xt = X[train] if Xe is None else sp.vstack([X[train], Xe], format="csr")
        Yt = Y[train] if Xe is None else np.vstack([Y[train], Ye])
        model = ThemeClassifier(codebook, **model_params).fit_matrix(Xt, Yt, np.ones(len(Yt)), *frame)
        proba[test] = model.predict_proba_matrix(X[test])
        decisions = model.decide(proba[test], [hits[i] for i in test], unseen=model.unseen_share(X[test]),
                                 wordless=[wordless(docs[i]) for i in test])
        P[test] = binarize([d.themes for d in decisions], codebook)
        flagged[test] = [d.needs_review for d in decisions]
    return Evaluation(codebook, Y, P, proba, flagged)


def learning_curve(texts, labels, codebook: Codebook, *, k: int = 5, seed: int = 0) -> pd.DataFrame:
    """Macro-F1 when training on 10, 25, 50 and 100 % of each training fold (and the frame).

    The shipped examples are left out so the curve shows what the analysts' own coding adds.
    """
    rows = []
    for fraction in CURVE_FRACTIONS:
        ev = cross_validate(texts, labels, codebook, k=k, seed=seed, fraction=fraction)
        rows.append({"fraction": fraction, **{key: ev.summary()[key] for key in ("macro_f1", "exact_match")}})
    return pd.DataFrame(rows)


def format_evaluation(ev: Evaluation, title: str) -> str:
    """The evaluation as the plain-text report ``textmine evaluate`` prints."""
    s = ev.summary()
    lines = [title, "",
             f"svar: {s['n']}   macro-F1: {s['macro_f1']:.3f}   micro-F1: {s['micro_f1']:.3f}   "
             f"helt rigtige temasæt: {s['exact_match']:.1%}",
             f"markeret til gennemsyn: {s['needs_review_share']:.1%}   "
             f"helt rigtige blandt de umarkerede: {_pct(s['exact_match_unflagged'])}   "
             f"kalibreringsfejl (ECE): {s['ece']:.3f}", "",
             "Pr. tema:", ev.per_theme().to_string(index=False), "",
             "Kalibrering (forudsagt sandsynlighed mod observeret andel):",
             ev.calibration().to_string(index=False)]
    return "\n".join(lines)


def _pct(x) -> str:
    return "-" if x is None else f"{x:.1%}"


def evaluate_file(gold, codebook: Codebook, *, model_path=None, cv: int | None = None,
                  curve: bool = False) -> tuple[Evaluation, pd.DataFrame | None, str]:
    """Evaluate on a gold file (``text`` + ``themes``); returns the evaluation, the curve and a title.

    Without ``cv`` the model (given, shipped or the frame alone) codes the gold
    answers as unseen data. With ``cv`` the gold file is cross-validated, the
    shipped examples joining every training fold.
    """
    from .coding import Coder
    from .models import shipped_training_path
    from .training import read_labelled, read_shipped

    texts, labels = read_labelled(gold, codebook, empty_means_none=True)
    if cv or curve:
        k = cv or 5
        shipped = shipped_training_path(codebook)
        extra = read_shipped(shipped, codebook) if shipped else ((), ())
        ev = cross_validate(texts, labels, codebook, k=k, extra=extra)
        table = learning_curve(texts, labels, codebook, k=k) if curve else None
        source = f"{k}-fold krydsvalidering på {len(texts)} svar + {len(extra[0])} medfølgende eksempler"
        return ev, table, f"{codebook.codebook}: {source}"
    coder = Coder.for_codebook(codebook, model_path)
    return evaluate_model(coder.model, texts, labels, codebook), None, f"{codebook.codebook}: model {coder.model_name}"
