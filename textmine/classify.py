"""The theme classifier: a probability per theme for each Danish answer.

One logistic regression per theme over hashed lemma and character n-grams
plus keyword hits; for single-label frames the per-theme probabilities are
normalised to sum to one. The code frame itself is training data too: each theme's
examples, keywords and description are short labelled documents, so a frame
with no coded answers still gives suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from .codebook import Codebook
from .features import Featurizer
from .nlp import Token, load_analyzer
from .rules import KeywordMatcher

THRESHOLD = 0.5            # a theme is suggested from this probability (multi-label)
UNSURE_BAND = (0.3, 0.7)   # a probability in here means the model cannot tell
SINGLE_MIN_P = 0.6         # single-label: below this the top theme needs review
SINGLE_MIN_MARGIN = 0.2    # single-label: top two themes closer than this need review
FRAME_WEIGHT = {"example": 1.0, "keyword": 0.5, "description": 0.5}


def frame_documents(codebook: Codebook) -> tuple[list[str], list[list[str]], list[float]]:
    """The code frame as labelled documents: examples, keywords and descriptions."""
    texts, labels, weights = [], [], []
    for theme in codebook.themes:
        for kind, items in (("example", theme.examples), ("keyword", theme.keywords),
                            ("description", (theme.description,) if theme.description else ())):
            for item in items:
                texts.append(item)
                labels.append([theme.id])
                weights.append(FRAME_WEIGHT[kind])
    return texts, labels, weights


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Probability of each theme of a code frame for Danish answers.

    Parameters
    ----------
    codebook : Codebook
        The frame whose themes are learned; ``classes_`` follows its order.
    C : float
        Inverse regularisation strength of the logistic regressions.
    use_frame : bool
        Learn from the frame's examples, keywords and descriptions as well.

    Examples
    --------
    >>> clf = ThemeClassifier(codebook_q8).fit(["Tak for hjælpen"], [["generel_ros"]])  # doctest: +SKIP
    >>> clf.predict(["Super ordning, tusind tak"])  # doctest: +SKIP
    [['generel_ros']]
    """

    def __init__(self, codebook: Codebook, C: float = 8.0, use_frame: bool = True):
        self.codebook = codebook
        self.C = C
        self.use_frame = use_frame

    # -- features -----------------------------------------------------------------
    def _featurizer(self) -> Featurizer:
        cached = getattr(self, "_featurizer_cache", None)
        if cached is None or cached.matcher.codebook is not self.codebook:
            cached = Featurizer(KeywordMatcher.from_codebook(self.codebook, load_analyzer()))
            self._featurizer_cache = cached
        return cached

    def transform_docs(self, docs: Sequence[Sequence[Token]]) -> sp.csr_matrix:
        return self._featurizer().transform(docs)

    # -- learning -----------------------------------------------------------------
    def fit(self, X: Sequence[str], y: Sequence[Sequence[str]], sample_weight=None):
        """Learn from answers ``X`` and their theme ids ``y`` (a list of ids per answer)."""
        texts, labels = list(X), [list(ids) for ids in y]
        weights = list(sample_weight) if sample_weight is not None else [1.0] * len(texts)
        if self.use_frame:
            ft, fl, fw = frame_documents(self.codebook)
            texts, labels, weights = texts + ft, labels + fl, weights + fw
        for ids in labels:
            self.codebook.check_ids(ids, "træningsdata")
        docs = load_analyzer().analyze(texts)
        return self.fit_docs(docs, labels, np.asarray(weights, dtype=float))

    def fit_docs(self, docs, labels, sample_weight):
        X = self.transform_docs(docs)
        ids = self.codebook.ids
        Y = np.array([[t in row for t in ids] for row in labels], dtype=int)
        # One-vs-rest for both kinds: liblinear is fast and lean on 500k hashed features,
        # where a multinomial lbfgs fit took a GB; single-label rows are normalised below.
        self.coef_, self.intercept_ = self._fit_binary(X, Y, sample_weight)
        self.classes_ = np.array(ids)
        self.n_train_ = len(docs)
        return self

    def _fit_binary(self, X, Y, w):
        coef = np.zeros((Y.shape[1], X.shape[1]))
        intercept = np.full(Y.shape[1], -6.0)   # a theme nobody used stays improbable
        for j in range(Y.shape[1]):
            if 0 < Y[:, j].sum() < len(Y):
                lr = LogisticRegression(C=self.C, solver="liblinear", max_iter=1000)
                lr.fit(X, Y[:, j], sample_weight=w)
                coef[j], intercept[j] = lr.coef_[0], lr.intercept_[0]
        return sp.csr_matrix(coef), intercept

    # -- prediction ---------------------------------------------------------------
    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Probabilities, one column per theme in ``classes_`` order."""
        return self.predict_proba_docs(load_analyzer().analyze(list(X)))

    def predict_proba_docs(self, docs) -> np.ndarray:
        check_is_fitted(self, ["coef_", "intercept_"])
        scores = (self.transform_docs(docs) @ self.coef_.T).toarray() + self.intercept_
        proba = 1.0 / (1.0 + np.exp(-scores))
        if self.codebook.multi_label:
            return proba
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X: Sequence[str]) -> list[list[str]]:
        return [d.themes for d in decide(self.predict_proba(X), self.codebook)]


@dataclass(frozen=True)
class Decision:
    themes: list[str]
    needs_review: bool
    reasons: tuple[str, ...]


def decide(proba: np.ndarray, codebook: Codebook, keyword_hits: Sequence[dict] | None = None) -> list[Decision]:
    """Themes and review flags from probabilities, following the frame's rules.

    Single-label frames get exactly one theme. In multi-label frames every
    theme from ``THRESHOLD`` is suggested (the best one when none reaches it),
    and an exclusive theme ("ingen_kommentar") never stands with another.
    """
    ids = codebook.ids
    exclusive = [i for i, t in enumerate(ids) if t in codebook.exclusive_ids]
    out = []
    for row_i, p in enumerate(proba):
        order = np.argsort(-p)
        reasons = []
        if not codebook.multi_label:
            chosen = [order[0]]
            if p[order[0]] < SINGLE_MIN_P:
                reasons.append("low_confidence")
            if len(order) > 1 and p[order[0]] - p[order[1]] < SINGLE_MIN_MARGIN:
                reasons.append("close_call")
        else:
            chosen = [i for i in order if p[i] >= THRESHOLD]
            if not chosen:
                chosen = [order[0]]
                reasons.append("no_theme_sure")
            if any(UNSURE_BAND[0] <= p[i] < UNSURE_BAND[1] for i in range(len(ids))):
                reasons.append("low_confidence")
            if exclusive and len(chosen) > 1:
                top = chosen[0]
                chosen = [top] if top in exclusive else [i for i in chosen if i not in exclusive]
        if keyword_hits is not None:
            hit = keyword_hits[row_i]
            if any(len(words) >= 2 and p[ids.index(t)] < UNSURE_BAND[0] for t, words in hit.items()):
                reasons.append("rules_disagree")
        out.append(Decision(themes=[ids[i] for i in sorted(chosen, key=lambda i: -p[i])],
                            needs_review=bool(reasons), reasons=tuple(reasons)))
    return out
