"""Agreement between coders, and between each coder and the model: Cohen's kappa and Krippendorff's alpha.

Input is the store's ``judgements`` table: the newest themes each coder (or the model, coder
"model") gave each answer. Kappa is computed per theme (was the theme given or not?), alpha
(nominal) on the whole theme set of an answer, so "a|b" against "a" is a disagreement.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from . import columns as C

COLUMNS = ["coder_a", "coder_b", "n", "alpha", "kappa_mean", "exact"]


def coder_table(judgements: pd.DataFrame, coders=None) -> pd.DataFrame:
    """Answers x coders: the theme set each coder gave (sorted, ``|``-joined), missing where none.

    Examples
    --------
    >>> coder_table(store.judgements("demo-2024"))  # doctest: +SKIP
    coder                      Mette   Ali   model
    demo-2024:3001:q8_kommentar  a|b     a     a|b
    """
    if judgements.empty:
        return pd.DataFrame()
    themes = judgements[C.THEMES].map(lambda t: C.join_themes(sorted(C.split_themes(t))))
    wide = judgements.assign(**{C.THEMES: themes}).pivot_table(
        index=C.KEY, columns=C.CODER, values=C.THEMES, aggfunc="last")
    wide.columns.name = C.CODER
    if coders is not None:
        wide = wide.reindex(columns=list(coders))
    return wide


def kappa(a, b, theme: str) -> float:
    """Cohen's kappa of two coders on whether ``theme`` was given; NaN when neither coder varies."""
    x = np.array([theme in C.split_themes(t) for t in a], dtype=bool)
    y = np.array([theme in C.split_themes(t) for t in b], dtype=bool)
    if len(set(x.tolist()) | set(y.tolist())) < 2:
        return float("nan")   # both always (or never) gave it: agreement by chance cannot be told apart
    # Cohen's kappa for two labels, as sklearn's cohen_kappa_score computes it, without its
    # per-call checks (a table of themes x coder pairs is dozens of calls on every rerun).
    observed = float(np.mean(x == y))
    px, py = float(x.mean()), float(y.mean())
    chance = px * py + (1 - px) * (1 - py)
    return (observed - chance) / (1 - chance)


def alpha(table: pd.DataFrame) -> float:
    """Krippendorff's alpha (nominal) over the coders' theme sets; NaN when it cannot be computed.

    ``table`` is answers x coders with missing values where a coder did not code an answer;
    answers coded by fewer than two coders do not count.
    """
    cells = table.to_numpy().ravel()
    values = pd.unique(cells[pd.notna(cells)])
    if len(values) < 2:
        return float("nan") if len(values) == 0 else 1.0
    # Krippendorff's nominal alpha from its coincidences, one group-by instead of the krippendorff
    # package's value-by-value matrices (seconds at a thousand double-coded answers, on every rerun).
    long = table.stack().dropna().rename("value").reset_index()
    unit = long.columns[0]
    m = long.groupby(unit)["value"].transform("size")
    long = long[m >= 2]
    if long.empty:
        return float("nan")
    per_unit = long.groupby([unit, "value"]).size()            # n_uc
    m_u = per_unit.groupby(level=0).sum()
    squares = (per_unit ** 2).groupby(level=0).sum()
    observed = float(((m_u ** 2 - squares) / (m_u - 1)).sum())   # sum over c != k of o_ck
    n_c = per_unit.groupby(level=1).sum()
    n = float(n_c.sum())
    expected = (n ** 2 - float((n_c ** 2).sum())) / (n - 1)
    if expected == 0:
        return float("nan")
    return 1 - observed / expected


def pairwise(judgements: pd.DataFrame, theme_ids, coders=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement for every pair of coders on the answers both coded.

    Returns (pairs, per_theme): pairs has coder_a, coder_b, n, alpha, kappa_mean (over themes where
    kappa is defined) and exact (share with identical theme sets); per_theme has one kappa column
    per pair, a row per theme.
    """
    wide = coder_table(_shared(judgements, coders), coders)
    rows, per_theme = [], {}
    for a, b in combinations(list(wide.columns), 2):
        both = wide[[a, b]].dropna()
        if both.empty:
            continue
        kappas = {t: kappa(both[a], both[b], t) for t in theme_ids}
        defined = [k for k in kappas.values() if not np.isnan(k)]
        rows.append({"coder_a": a, "coder_b": b, "n": len(both), "alpha": alpha(both),
                     "kappa_mean": float(np.mean(defined)) if defined else float("nan"),
                     "exact": float((both[a] == both[b]).mean())})
        per_theme[f"{a} / {b}"] = kappas
    return pd.DataFrame(rows, columns=COLUMNS), pd.DataFrame(per_theme, index=list(theme_ids))


def _shared(judgements: pd.DataFrame, coders) -> pd.DataFrame:
    """The judgements of ``coders`` on answers at least two of them coded (the model codes every answer,
    so this keeps the pivot to the double-coded sample)."""
    if coders is not None:
        judgements = judgements[judgements[C.CODER].isin(list(coders))]
    per_key = judgements.drop_duplicates([C.KEY, C.CODER])[C.KEY].value_counts()
    return judgements[judgements[C.KEY].isin(per_key.index[per_key >= 2])]


def disagreements(judgements: pd.DataFrame, coders) -> pd.DataFrame:
    """Answers that two or more of ``coders`` coded differently: one row per answer, a column per coder."""
    wide = coder_table(_shared(judgements, coders), coders)
    if wide.empty:
        return wide
    coded = wide[wide.notna().sum(axis=1) >= 2]
    # Distinct theme sets per answer, counted in one pass (a row-wise apply takes seconds at 20,000 answers).
    distinct = coded.stack().groupby(level=0).nunique()
    return coded[distinct.reindex(coded.index).to_numpy() > 1]
