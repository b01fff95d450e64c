"""The review queue: which uncoded answer to code next so the model learns most.

Small named reasons, each a score from 0 up (the doubtlab pattern), combined
in one place:

- ``low_confidence``: the model's own estimate that its theme set is wrong;
- ``uncertain_themes``: how many themes hang in the balance (summed binary entropy of the theme
  probabilities, in bits, over three; above 1 when more than three themes are in doubt);
- ``rules_disagree``: a keyword of a theme is in the answer, the model says no;
- ``rare_theme``: the answer probably carries a theme analysts have coded little.

The weights come from simulated coding on the q8 gold set (``bench/quality.py --queue``): the two
uncertainty reasons carry the order; disagreeing keywords and rare themes only break ties, as
more weight on them made the model learn more slowly than random order.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .classify import Decision, ThemeClassifier
from .nlp import load_analyzer

WEIGHTS = {"low_confidence": 0.48, "uncertain_themes": 0.48, "rules_disagree": 0.02, "rare_theme": 0.02}


def low_confidence(decisions: Sequence[Decision], **_) -> np.ndarray:
    return np.array([1.0 - d.confidence for d in decisions])


def uncertain_themes(decisions: Sequence[Decision], *, proba: np.ndarray, **_) -> np.ndarray:
    p = np.clip(proba, 1e-6, 1 - 1e-6)
    bits = -(p * np.log2(p) + (1 - p) * np.log2(1 - p)).sum(axis=1)
    return bits / 3.0


def rules_disagree(decisions: Sequence[Decision], *, hits: Sequence[Mapping[str, list]], **_) -> np.ndarray:
    return np.array([float(any(t not in d.themes for t in h)) for d, h in zip(decisions, hits)])


def rare_theme(decisions: Sequence[Decision], *, proba: np.ndarray, ids: Sequence[str],
               coded_counts: Mapping[str, int], **_) -> np.ndarray:
    # Expected rarity: probability of each theme times how little it has been coded.
    rarity = np.array([1.0 / (1.0 + coded_counts.get(t, 0)) ** 0.5 for t in ids])
    return (proba * rarity).max(axis=1)


REASONS = {"low_confidence": low_confidence, "uncertain_themes": uncertain_themes, "rules_disagree": rules_disagree, "rare_theme": rare_theme}


def review_queue(texts: Sequence[str], model: ThemeClassifier, *, coded_counts: Mapping[str, int] | None = None,
                 weights: Mapping[str, float] = WEIGHTS) -> pd.DataFrame:
    """Uncoded answers ordered so that coding them first teaches the model most.

    Returns one row per text (``position`` into ``texts``) with a column per
    reason, the combined ``score`` and the suggested ``themes``, best first.
    ``coded_counts`` is how many coded answers each theme already has.

    Examples
    --------
    >>> review_queue(["Nej", "vi manglede viden om pakistansk ret"], coder.model).position.tolist()  # doctest: +SKIP
    [1, 0]
    """
    texts = list(texts)
    if not texts:
        return pd.DataFrame(columns=["position", "text", "score", "themes", *REASONS])
    analyzer = load_analyzer()
    docs = analyzer.analyze(texts)
    proba, decisions, hits = model.code_docs(docs)
    context = {"hits": hits, "proba": proba, "ids": model.codebook.ids, "coded_counts": coded_counts or {}}
    scores = {name: fn(decisions, **context) for name, fn in REASONS.items()}
    total = sum(weights.get(name, 0.0) * s for name, s in scores.items())
    out = pd.DataFrame({"position": range(len(texts)), "text": texts, "score": total.round(4),
                        "themes": ["|".join(d.themes) for d in decisions],
                        **{name: s.round(4) for name, s in scores.items()}})
    return out.sort_values(["score", "position"], ascending=[False, True], kind="stable").reset_index(drop=True)
