"""The theme classifier: a calibrated probability per theme for each Danish answer.

One logistic regression per theme over hashed lemma and character n-grams
plus keyword hits. The code frame itself is training data too: each theme's
examples, keywords and description are short labelled documents, so a frame
with no coded answers still gives suggestions. With enough coded answers,
out-of-fold scores calibrate the probabilities (Platt scaling per theme), pick
each theme's threshold and the confidence below which an answer is flagged
for review. Single-label frames normalise the probabilities to sum to one.
The review cut-off applies to the confidence of the whole theme set, a second
stage learned on the same out-of-fold predictions (see ``decisions``).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted

from .codebook import Codebook
from .decisions import (DEFAULT_TAU, THRESHOLD, Decision, choose, decide, fit_set_confidence, review_cutoff,
                        set_confidence, set_features, wordless)
from .features import N_CHAR_FEATURES, N_WORD_FEATURES, Featurizer
from .nlp import load_analyzer
from .rules import KeywordMatcher

TARGET_ACCURACY = 0.90       # exact-match promised on the unflagged answers, aimed at on the out-of-fold answers
CERTAINTY_Z = 0.5            # with this many standard errors to spare (one-sided Wilson bound), so a frame with few
                             # coded answers gets a stricter cut-off than one with many. Chosen on the gold sets'
                             # cross-validation (3 splits): z 0 / 0.5 / 1.0 / 1.28 flag 38.2 / 39.1 / 40.4 / 41.4% of
                             # q8 with 0.918 / 0.923 / 0.923 / 0.925 exact among the rest; at 0 one q4 split
                             # drops to 0.897, at 0.5 every split of every frame keeps 0.909 or more.
MIN_CALIBRATION = 30         # coded answers needed before calibrating
MIN_POSITIVES = 5            # per theme, for its own calibration and threshold
THRESHOLD_GRID = np.round(np.arange(0.25, 0.71, 0.05), 2)
EMPTY_GRID = np.round(np.arange(0.0, 0.51, 0.05), 2)
JOINT_C = 10.0               # regularisation of the joint calibration of single-label frames
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


def binarize(labels: Sequence[Sequence[str]], codebook: Codebook) -> np.ndarray:
    return np.array([[t in row for t in codebook.ids] for row in labels], dtype=int).reshape(-1, len(codebook.ids))


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
    calibrate : bool
        Calibrate probabilities, thresholds and the review cut-off on
        out-of-fold predictions (needs at least ``MIN_CALIBRATION`` answers).
    idf : bool
        Weight the hashed n-grams by their inverse document frequency in the
        training answers and frame (rare, telling n-grams count more than "god"
        or "sag"); on the 2024 q8 gold set macro-F1 0.860 without, 0.883 with.

    Examples
    --------
    >>> clf = ThemeClassifier(codebook_q8).fit(["Tak for hjælpen"], [["generel_ros"]])  # doctest: +SKIP
    >>> clf.predict(["Super ordning, tusind tak"])  # doctest: +SKIP
    [['generel_ros']]
    """

    def __init__(self, codebook: Codebook, C: float = 32.0, use_frame: bool = True, calibrate: bool = True,
                 idf: bool = True):
        self.codebook = codebook
        self.C = C
        self.use_frame = use_frame
        self.calibrate = calibrate
        self.idf = idf

    # -- features -----------------------------------------------------------------
    def featurizer(self) -> Featurizer:
        cached = getattr(self, "_featurizer_cache", None)
        if cached is None or cached.matcher.codebook is not self.codebook:
            cached = Featurizer(KeywordMatcher.from_codebook(self.codebook, load_analyzer()))
            self._featurizer_cache = cached
        return cached

    def frame_matrix(self):
        """Features, labels and weights of the frame's own documents (empty without ``use_frame``)."""
        texts, labels, weights = frame_documents(self.codebook) if self.use_frame else ([], [], [])
        X = self.featurizer().transform(load_analyzer().analyze(texts)) if texts else None
        return X, binarize(labels, self.codebook), np.asarray(weights, dtype=float)

    # -- learning -----------------------------------------------------------------
    def fit(self, X: Sequence[str], y: Sequence[Sequence[str]], sample_weight=None):
        """Learn from answers ``X`` and their theme ids ``y`` (a list of ids per answer)."""
        labels = [list(ids) for ids in y]
        for ids in labels:
            self.codebook.check_ids(ids, "træningsdata")
        return self.fit_docs(load_analyzer().analyze(list(X)), labels, sample_weight)

    def fit_docs(self, docs, labels, sample_weight=None):
        X = self.featurizer().transform(docs) if len(docs) else None
        w = np.ones(len(docs)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        return self.fit_matrix(X, binarize(labels, self.codebook), w, *self.frame_matrix())

    def fit_matrix(self, X, Y, w, Xf=None, Yf=None, wf=None):
        """Fit on answer features ``X`` (may be None) plus frame features ``Xf``; calibrate on ``X`` only."""
        n = 0 if X is None else X.shape[0]
        if n == 0 and Xf is None:
            raise ValueError("nothing to learn from: no answers and no code frame documents")
        self.idf_ = _idf(_stack(X, Xf)) if self.idf else None
        X = None if X is None else self.reweight(X)
        Xf = None if Xf is None else self.reweight(Xf)
        self.coef_, self.intercept_ = self._fit_weights(_stack(X, Xf), _stack(Y, Yf), _stack(w, wf))
        k = len(self.codebook.ids)
        self.calibration_ = np.tile([1.0, 0.0], (k, 1))
        self.thresholds_ = np.full(k, THRESHOLD)
        self.review_tau_ = DEFAULT_TAU
        self.empty_below_ = None
        self.confidence_coef_ = None
        self.calibrated_ = bool(self.calibrate and n >= MIN_CALIBRATION)
        if self.calibrated_:
            oof, unseen = np.zeros((n, k)), (np.zeros(n), np.zeros(n))
            for train, test in KFold(5, shuffle=True, random_state=0).split(np.arange(n)):
                coef, intercept = self._fit_weights(_stack(X[train], Xf), _stack(Y[train], Yf), _stack(w[train], wf))
                oof[test] = (X[test] @ coef.T).toarray() + intercept
                for part, values in zip(unseen, _unseen_share(coef, X[test])):
                    part[test] = values
            self.calibration_ = _platt(oof, Y) if self.codebook.multi_label else _joint_platt(oof, Y)
            proba = self._normalise(_sigmoid(oof, self.calibration_))
            if self.codebook.multi_label:
                self.thresholds_ = _thresholds(proba, Y)
                self.empty_below_ = _empty_cutoff(proba, Y, self.codebook, self.thresholds_)
            self._fit_review(proba, Y, _hits_from_matrix(X, self.codebook), unseen)
        self.classes_ = np.array(self.codebook.ids)
        self.n_train_ = n
        return self

    def _fit_review(self, proba, Y, hits, unseen):
        """Learn the set confidence and the review cut-off from out-of-fold decisions."""
        chosen, fallback = choose(proba, self.codebook, self.thresholds_, empty_below=self.empty_below_)
        right = _exact(chosen, Y)
        features = set_features(proba, chosen, fallback, self.thresholds_, self.codebook, hits, unseen)
        self.confidence_coef_ = fit_set_confidence(features, right)
        confidence = np.exp(features[:, 0]) if self.confidence_coef_ is None else \
            set_confidence(features, self.confidence_coef_)
        self.review_tau_ = review_cutoff(confidence, right, TARGET_ACCURACY, CERTAINTY_Z)

    def _fit_weights(self, X, Y, w):
        # liblinear's cost grows with the width of X; only the hashed columns in use can get
        # a weight, so fit on those (a few thousand of 500k) and put the weights back in place.
        X = sp.csr_matrix(X)
        used = np.unique(X.indices)
        Xu = X[:, used]
        coef = np.zeros((Y.shape[1], X.shape[1]))
        intercept = np.full(Y.shape[1], -6.0)   # a theme nobody used stays improbable
        for j in range(Y.shape[1]):
            if 0 < Y[:, j].sum() < len(Y):
                lr = LogisticRegression(C=self.C, solver="liblinear", max_iter=1000)
                lr.fit(Xu, Y[:, j], sample_weight=w)
                coef[j, used], intercept[j] = lr.coef_[0], lr.intercept_[0]
        return sp.csr_matrix(coef), intercept

    # -- prediction ---------------------------------------------------------------
    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one column per theme in ``classes_`` order."""
        return self.predict_proba_docs(load_analyzer().analyze(list(X)))

    def predict_proba_docs(self, docs) -> np.ndarray:
        return self.predict_proba_matrix(self.featurizer().transform(docs))

    def reweight(self, X) -> sp.csr_matrix:
        """Features weighted by the inverse document frequency learned in ``fit`` (unchanged without)."""
        idf = getattr(self, "idf_", None)
        return X if idf is None else _reweighted(X, idf)

    def predict_proba_matrix(self, X) -> np.ndarray:
        check_is_fitted(self, ["coef_", "intercept_"])
        scores = self.reweight(X) @ _weights(self.coef_)[0] + self.intercept_
        return self._normalise(_sigmoid(scores, self.calibration_))

    def ready(self) -> "ThemeClassifier":
        """Make what predicting needs now (the dense weights), e.g. once before forking workers."""
        check_is_fitted(self, ["coef_"])
        _weights(self.coef_)
        return self

    def unseen_share(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Per answer: how many lemma n-grams it has, and the share the model never saw in training."""
        check_is_fitted(self, ["coef_"])
        return _unseen_share(self.coef_, X)

    def code_docs(self, docs, timer=None) -> tuple[np.ndarray, list["Decision"], list[dict]]:
        """Probabilities, decisions (with every review reason) and keyword hits for analysed answers.

        Keyword hits are found once and serve both the features and the ``rules_disagree`` reason.
        ``timer`` (a ``coding.Stopwatch``) adds up the seconds of "features" and "predict".
        """
        timer = timer or _untimed
        featurizer = self.featurizer()
        with timer("features"):
            hits = [featurizer.matcher.hits(d) for d in docs]
            X = featurizer.transform(docs, hits)
        with timer("predict"):
            proba = self.predict_proba_matrix(X)
            decisions = self.decide(proba, hits, unseen=self.unseen_share(X), wordless=[wordless(d) for d in docs])
        return proba, decisions, hits

    def _normalise(self, proba: np.ndarray) -> np.ndarray:
        return proba if self.codebook.multi_label else proba / proba.sum(axis=1, keepdims=True)

    def decide(self, proba: np.ndarray, keyword_hits=None, unseen=None, wordless=None) -> list["Decision"]:
        check_is_fitted(self, ["thresholds_"])
        return decide(proba, self.codebook, keyword_hits, thresholds=self.thresholds_, tau=self.review_tau_,
                      allow_empty=getattr(self, "calibrated_", False), unseen=unseen,
                      empty_below=getattr(self, "empty_below_", None),
                      confidence_coef=getattr(self, "confidence_coef_", None), wordless=wordless)

    def predict(self, X: Sequence[str]) -> list[list[str]]:
        return [d.themes for d in self.code_docs(load_analyzer().analyze(list(X)))[1]]


def _untimed(stage: str):
    return nullcontext()


def _stack(a, b):
    if a is None or (hasattr(a, "shape") and a.shape[0] == 0):
        return b
    if b is None or (hasattr(b, "shape") and b.shape[0] == 0):
        return a
    return sp.vstack([a, b], format="csr") if sp.issparse(a) else np.concatenate([a, b])


def _idf(X) -> np.ndarray:
    """Smoothed inverse document frequency per hashed n-gram column; 1 for the keyword block.

    As scikit-learn's ``TfidfTransformer(smooth_idf=True)``: log((1 + n) / (1 + df)) + 1. An
    n-gram never seen in training gets the largest weight, so an answer made mostly of
    unknown words leans less on the few words the model knows.
    """
    X = sp.csr_matrix(X)
    df = np.bincount(X.indices, minlength=X.shape[1])
    idf = (np.log((1.0 + X.shape[0]) / (1.0 + df)) + 1.0).astype(np.float32)
    idf[N_WORD_FEATURES + N_CHAR_FEATURES:] = 1.0
    return idf


def _reweighted(X, idf: np.ndarray) -> sp.csr_matrix:
    """``X`` times ``idf`` per column, the word and character blocks l2-normalised again per row."""
    X = sp.csr_matrix(X)
    data = X.data * idf[X.indices]                     # a new array: X itself is left as it was
    n = X.shape[0]
    # Each entry's (row, block): blocks are column ranges, so two comparisons find the block.
    key = np.repeat(np.arange(0, 3 * n, 3), np.diff(X.indptr))
    key += X.indices >= N_WORD_FEATURES
    key += X.indices >= N_WORD_FEATURES + N_CHAR_FEATURES
    norms = np.sqrt(np.bincount(key, weights=data * data, minlength=3 * n))
    norms[norms == 0] = 1.0
    norms[2::3] = 1.0     # keyword hits keep their scale
    data /= norms[key]
    return sp.csr_matrix((data, X.indices, X.indptr), shape=X.shape)


_WEIGHTS: dict = {}


def _weights(coef) -> tuple[np.ndarray, np.ndarray]:
    """``coef.T`` as a dense array, and which word-block columns the model uses, made once per
    model: answers times a dense matrix is faster than times a sparse one (predict_proba on 50,000
    answers of q8: 0.30 s instead of 0.74 s). Kept for the last few models only (50 MB each for a
    frame of 12 themes)."""
    hit = _WEIGHTS.get(id(coef))
    if hit is None or hit[0] is not coef:
        if len(_WEIGHTS) >= 4:
            _WEIGHTS.clear()
        coef_csr = sp.csr_matrix(coef)
        used = np.unique(coef_csr.indices)
        seen = np.zeros(N_WORD_FEATURES, dtype=bool)
        seen[used[used < N_WORD_FEATURES]] = True
        hit = _WEIGHTS[id(coef)] = (coef, np.ascontiguousarray(coef_csr.T.toarray()), seen)
    return hit[1], hit[2]


def _sigmoid(scores: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Calibrated probabilities: per theme from its own score (k x 2) or from every theme's (k x k+1)."""
    k = scores.shape[1]
    if calibration.shape[1] == k + 1 and k != 1:
        z = scores @ calibration[:, :k].T + calibration[:, k]
    else:
        z = scores * calibration[:, 0] + calibration[:, 1]
    return 1.0 / (1.0 + np.exp(-z))


def _platt(scores: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-theme Platt scaling of out-of-fold scores; themes with few examples share one pooled fit."""
    pooled = _platt_1d(scores.ravel(), Y.ravel())
    out = np.tile(pooled, (Y.shape[1], 1))
    for j in range(Y.shape[1]):
        if min(Y[:, j].sum(), (1 - Y[:, j]).sum()) >= MIN_POSITIVES:
            out[j] = _platt_1d(scores[:, j], Y[:, j])
    return out


def _joint_platt(scores: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Single-label frames: each theme's probability from the out-of-fold scores of every theme.

    The themes compete for one answer, so "bc_kommune" should grow less sure when "bc_politi"
    scores high as well; a logistic regression per theme over all scores learns that (on the
    2024 q1 gold set, accuracy 0.895 with per-theme Platt scaling, 0.94 with this). Themes with
    few examples keep their own Platt scaling, written in the same k x (k+1) form.
    """
    k = Y.shape[1]
    own = _platt(scores, Y)
    out = np.zeros((k, k + 1))
    out[np.arange(k), np.arange(k)], out[:, k] = own[:, 0], own[:, 1]
    for j in range(k):
        if min(Y[:, j].sum(), (1 - Y[:, j]).sum()) >= MIN_POSITIVES:
            lr = LogisticRegression(C=JOINT_C, max_iter=2000).fit(scores, Y[:, j])
            out[j, :k], out[j, k] = lr.coef_[0], lr.intercept_[0]
    return out


def _platt_1d(s: np.ndarray, y: np.ndarray) -> np.ndarray:
    if y.min() == y.max():
        return np.array([1.0, 0.0])
    lr = LogisticRegression(C=100.0).fit(s.reshape(-1, 1), y)
    return np.array([lr.coef_[0, 0], lr.intercept_[0]])


def _thresholds(proba: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per theme, the threshold with the best out-of-fold F1 (0.5 for themes with few examples)."""
    out = np.full(Y.shape[1], THRESHOLD)
    for j in range(Y.shape[1]):
        if Y[:, j].sum() < MIN_POSITIVES:
            continue
        f1 = [_f1(proba[:, j] >= t, Y[:, j]) for t in THRESHOLD_GRID]
        out[j] = THRESHOLD_GRID[int(np.argmax(f1))]
    return out


def _f1(pred: np.ndarray, y: np.ndarray) -> float:
    tp = float((pred & (y == 1)).sum())
    return 2 * tp / max(pred.sum() + y.sum(), 1)


def _unseen_share(coef, X) -> tuple[np.ndarray, np.ndarray]:
    seen = _weights(coef)[1]
    words = sp.csr_matrix(X)[:, :N_WORD_FEATURES].copy()
    counts = np.diff(words.indptr)
    words.data = seen[words.indices].astype(float)
    known = np.asarray(words.sum(axis=1)).ravel()
    return counts, np.where(counts > 0, 1 - known / np.maximum(counts, 1), 0.0)


def _hits_from_matrix(X, codebook: Codebook) -> list[dict]:
    """Which themes' keywords an answer hits, read back from the keyword block of its features."""
    k = len(codebook.ids)
    block = sp.csr_matrix(X)[:, -2 * k:-k].toarray() > 0
    return [{codebook.ids[j]: [] for j in np.flatnonzero(row)} for row in block]


def _exact(chosen, Y: np.ndarray) -> np.ndarray:
    return np.array([set(c) == set(np.flatnonzero(Y[i])) for i, c in enumerate(chosen)])


def _empty_cutoff(proba: np.ndarray, Y: np.ndarray, codebook: Codebook, thresholds) -> float:
    """Top probability below which no theme beats the likeliest one, chosen for out-of-fold exact match."""
    scores = [_exact(choose(proba, codebook, thresholds, empty_below=t)[0], Y).mean() for t in EMPTY_GRID]
    return float(EMPTY_GRID[int(np.argmax(scores))])
