"""From theme probabilities to a suggested theme set, its confidence and review flags.

The confidence of a suggestion is the estimated probability that the whole
theme SET is exactly right. A fitted classifier learns it as a small second
stage: a logistic regression over out-of-fold features of each decision (the
product of per-theme certainties, the margin to the nearest threshold, the top
probability, how many themes were chosen, keywords agreeing and disagreeing,
length and the share of unseen words). Without that model the product of the
per-theme certainties stands in for it.
"""

from __future__ import annotations

import unicodedata
from itertools import chain
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from .codebook import Codebook
from .nlp import per_token

THRESHOLD = 0.5              # default probability from which a theme is suggested
DEFAULT_TAU = 0.6            # default confidence below which an answer needs review
UNFAMILIAR = 0.5             # share of an answer's lemma n-grams never seen in training ...
UNFAMILIAR_MIN_TERMS = 4     # ... in an answer with at least this many, and it needs review
SET_FEATURES = ("log_product", "margin", "top_p", "second_p", "n_themes", "fallback",
                "keywords_agree", "keywords_disagree", "log_terms", "unseen_share",
                "min_certainty", "n_uncertain", "second_certainty")


def wordless(tokens) -> str | None:
    """``"marks"`` for an answer of punctuation only (".", "-", "?"), ``"symbols"`` for one of emoji
    or other signs without a letter or digit, None for an answer with words (tokens or a string)."""
    if not isinstance(tokens, str) and any(per_token(_WORDY, t, _has_letter_or_digit) for t in tokens):
        return None    # the usual answer, settled once per distinct token
    text = tokens if isinstance(tokens, str) else "".join(t.text for t in tokens)
    chars = [c for c in text if not c.isspace()]
    if any(c.isalnum() for c in chars):
        return None
    if all(unicodedata.category(c)[0] == "P" or unicodedata.category(c) in ("Sm", "Sk", "Sc") for c in chars):
        return "marks"
    return "symbols"


_WORDY: dict = {}


def _has_letter_or_digit(token) -> bool:
    return any(c.isalnum() for c in token.text)


@dataclass(frozen=True)
class Decision:
    themes: list[str]
    needs_review: bool
    reasons: tuple[str, ...]
    confidence: float          # estimated probability that the theme set is exactly right


def choose(proba: np.ndarray, codebook: Codebook, thresholds=None, *, empty_below: float | None = 0.0):
    """Chosen theme indices per answer, and whether the choice fell back to the likeliest theme.

    In a multi-label frame every theme from its threshold is chosen. When none
    reaches it, the likeliest theme is suggested if its probability is at least
    ``empty_below``, else no theme (``None``: never a theme then). An exclusive
    theme ("ingen_kommentar") never stands with another.
    """
    ids = codebook.ids
    thr = np.full(len(ids), THRESHOLD) if thresholds is None else np.asarray(thresholds)
    exclusive = {i for i, t in enumerate(ids) if t in codebook.exclusive_ids}
    chosen_all, fallback = [], []
    proba = np.asarray(proba)
    # Sorted once for all answers; plain lists make the per-answer loop several times faster.
    orders = np.argsort(-proba, axis=1, kind="stable").tolist()
    thr = thr.tolist()
    for p, order in zip(proba.tolist(), orders):
        if not codebook.multi_label:
            chosen_all.append([order[0]])
            fallback.append(False)
            continue
        chosen = [i for i in order if p[i] >= thr[i]]
        fell_back = not chosen
        if fell_back and empty_below is not None and p[order[0]] >= empty_below:
            chosen = [order[0]]
        if exclusive and len(chosen) > 1:
            chosen = [chosen[0]] if chosen[0] in exclusive else [i for i in chosen if i not in exclusive]
        chosen_all.append(chosen)
        fallback.append(fell_back)
    return chosen_all, np.array(fallback, dtype=bool)


def set_features(proba: np.ndarray, chosen: Sequence[Sequence[int]], fallback: np.ndarray, thresholds,
                 codebook: Codebook, keyword_hits=None, unseen=None) -> np.ndarray:
    """One row of ``SET_FEATURES`` per answer: what the set confidence model learns from."""
    proba = np.asarray(proba, dtype=float)
    n, k = proba.shape
    thr = np.full(k, THRESHOLD) if thresholds is None else np.asarray(thresholds)
    inside = np.zeros((n, k), dtype=bool)
    lengths = [len(c) for c in chosen]
    inside[np.repeat(np.arange(n), lengths), np.fromiter(chain.from_iterable(chosen), dtype=int, count=sum(lengths))] = True
    certainty = np.where(inside, proba, 1 - proba)
    top = np.sort(proba, axis=1)
    hit = np.zeros((n, k), dtype=bool)
    if keyword_hits is not None:
        index = {t: j for j, t in enumerate(codebook.ids)}
        pairs = [(i, index[t]) for i, h in enumerate(keyword_hits) if h for t in h if t in index]
        if pairs:
            rows, columns = zip(*pairs)
            hit[list(rows), list(columns)] = True
    terms, unseen_share = (np.zeros(n), np.zeros(n)) if unseen is None else map(np.asarray, unseen)
    return np.column_stack([
        np.log(np.clip(certainty, 1e-6, 1)).sum(axis=1),
        np.abs(proba - thr).min(axis=1),
        top[:, -1], top[:, -2] if k > 1 else np.zeros(n),
        inside.sum(axis=1), fallback.astype(float),
        (hit & inside).sum(axis=1), (hit & ~inside).sum(axis=1),
        np.log1p(terms), unseen_share,
        certainty.min(axis=1), ((proba > 0.1) & (proba < 0.9)).sum(axis=1),
        np.sort(certainty, axis=1)[:, 1] if k > 1 else np.ones(n),
    ])


def fit_set_confidence(features: np.ndarray, right: np.ndarray) -> np.ndarray | None:
    """Coefficients (intercept last) of P(set exactly right | features); None when all right or all wrong."""
    if right.min() == right.max():
        return None
    scale = np.maximum(features.std(axis=0), 1e-6)
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(features / scale, right)
    return np.r_[lr.coef_[0] / scale, lr.intercept_[0]]


def wilson_lower(share: np.ndarray, n: np.ndarray, z: float) -> np.ndarray:
    """Wilson score interval's lower bound for a share observed in ``n`` answers (``z`` = 0: the share)."""
    if z <= 0:
        return share
    centre = share + z * z / (2 * n)
    spread = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def set_confidence(features: np.ndarray, coef: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(features @ coef[:-1] + coef[-1])))


def review_cutoff(confidence: np.ndarray, right: np.ndarray, target: float, z: float = 0.0) -> float:
    """The lowest confidence at which answers at or above it were exactly right ``target`` of the time.

    With ``z`` > 0 the share must be ``target`` or more with that much certainty: the Wilson lower
    bound of the share, ``z`` standard errors down, is compared with ``target``, so few coded answers
    give a stricter cut-off than many that show the same share.
    """
    order = np.argsort(-confidence, kind="stable")
    n = np.arange(1, len(order) + 1)
    accuracy = np.cumsum(right[order]) / n
    ok = np.flatnonzero(wilson_lower(accuracy, n, z) >= target)
    if not len(ok):
        return 0.99
    return float(np.clip(confidence[order][ok[-1]], 0.3, 0.99))


def decide(proba: np.ndarray, codebook: Codebook, keyword_hits: Sequence[dict] | None = None, *,
           thresholds=None, tau: float = DEFAULT_TAU, allow_empty: bool = True, unseen=None,
           empty_below: float | None = None, confidence_coef=None, wordless=None) -> list[Decision]:
    """Themes and review flags from probabilities, following the frame's rules.

    Single-label frames get exactly one theme. In multi-label frames every
    theme from its threshold is suggested; when none reaches it the likeliest
    is suggested if its probability is at least ``empty_below`` (learned from
    coded answers), else none and the answer needs review. Without
    ``empty_below`` the set is empty when ``allow_empty`` (calibrated
    probabilities), else the likeliest. An exclusive theme ("ingen_kommentar")
    never stands with another. Below confidence ``tau`` the answer needs review.

    ``wordless`` (per answer, from :func:`wordless`) settles answers without a word: punctuation
    alone (".", "-") is the frame's exclusive no-content theme, as the frame defines it ("en
    streg"); without such a theme, or for emoji alone, the answer needs review (``no_words``).
    """
    if empty_below is None and not allow_empty:
        empty_below = 0.0
    ids = codebook.ids
    chosen, fallback = choose(proba, codebook, thresholds, empty_below=empty_below)
    features = set_features(proba, chosen, fallback, thresholds, codebook, keyword_hits, unseen)
    if confidence_coef is not None:
        confidence = set_confidence(features, np.asarray(confidence_coef))
    else:
        confidence = np.exp(features[:, 0])
    exclusive = [j for j, t in enumerate(ids) if t in codebook.exclusive_ids]
    confidence = confidence.tolist()
    unfamiliar = (np.zeros(len(chosen), dtype=bool) if unseen is None else
                  (np.asarray(unseen[0]) >= UNFAMILIAR_MIN_TERMS) & (np.asarray(unseen[1]) >= UNFAMILIAR)).tolist()
    out = []
    for i, c in enumerate(chosen):
        kind = None if wordless is None else wordless[i]
        if kind == "marks" and exclusive:
            out.append(Decision(themes=[ids[exclusive[0]]], needs_review=False, reasons=(), confidence=0.99))
            continue
        reasons = ["no_words"] if kind else []
        if not c or (fallback[i] and confidence_coef is None):
            reasons.append("no_theme")
        if confidence[i] < tau:
            reasons.append("low_confidence")
        if unfamiliar[i]:
            reasons.append("unfamiliar_text")
        if keyword_hits is not None and keyword_hits[i]:
            if any(len(words) >= 2 and ids.index(t) not in c for t, words in keyword_hits[i].items()):
                reasons.append("rules_disagree")
        out.append(Decision(themes=[ids[j] for j in c], needs_review=bool(reasons), reasons=tuple(reasons),
                            confidence=round(confidence[i], 4)))
    return out
