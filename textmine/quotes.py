"""Quotes for the report: starred answers first, then the most typical ones, always masked.

A quote never comes from a respondent in a group smaller than the report's
minimum cell size, and every quote is masked for names, phone numbers,
e-mails and CPR numbers before it leaves this module.
"""

from __future__ import annotations

import pandas as pd

from . import columns as C
from .redact import mask_text
from .safe import clean_text

MIN_CHARS, MAX_CHARS = 40, 300      # shorter says too little, longer is not a quote
MAX_QUOTES = 3

QUOTE = "quote"
STARRED = "starred"
GROUP = "group"
PROBABILITY = "p"
QUOTE_COLUMNS = (C.RESPONDENT_ID, C.COLUMN, "theme", GROUP, PROBABILITY, STARRED, QUOTE)


def small_group_respondents(respondents: pd.DataFrame, columns, min_cell: int) -> set[str]:
    """Respondents whose answer to any of ``columns`` is shared by fewer than ``min_cell`` respondents."""
    ids = respondents[C.RESPONDENT_ID].astype(str)
    out: set[str] = set()
    for col in columns:
        values = respondents[col]
        sizes = values.map(values.value_counts())
        out |= set(ids[values.notna() & (sizes < min_cell)])
    return out


def pick_quotes(answers: pd.DataFrame, column: str, theme_id: str, *, starred=(), exclude=frozenset(),
                used=frozenset(), k: int = MAX_QUOTES, group_of: dict[str, str] | None = None) -> pd.DataFrame:
    """Up to ``k`` masked quotes for one theme of one text field.

    Starred answers (``(respondent_id, column)`` pairs from the review app)
    come first; then answers of 40-300 characters with the highest
    probability for the theme, preferring answers not already quoted
    (``used``). Respondents in ``exclude`` are never quoted.

    Examples
    --------
    >>> pick_quotes(coded, "q8_kommentar", "tilgaengelighed")  # doctest: +SKIP
    """
    part = answers[(answers[C.COLUMN] == column)
                   & answers[C.THEMES].map(lambda ts: theme_id in C.split_themes(ts))]
    ids = part[C.RESPONDENT_ID].astype(str)
    part = part[~ids.isin({str(r) for r in exclude})]
    ids = part[C.RESPONDENT_ID].astype(str)
    texts = part[C.TEXT].fillna("").astype(str).str.strip()
    pcol = C.p_column(theme_id)
    prob = pd.to_numeric(part[pcol], errors="coerce") if pcol in part else pd.Series(float("nan"), index=part.index)
    stars = {(str(r), c) for r, c in starred}
    frame = pd.DataFrame({
        C.RESPONDENT_ID: ids, C.COLUMN: column, "theme": theme_id, PROBABILITY: prob,
        STARRED: [(r, column) in stars for r in ids], "text": texts,
        "fits": texts.str.len().between(MIN_CHARS, MAX_CHARS),
        "fresh": ~ids.isin({str(r) for r in used}),
    })
    chosen = pd.concat([
        frame[frame[STARRED]],
        frame[~frame[STARRED] & frame["fits"]].sort_values(
            ["fresh", PROBABILITY, C.RESPONDENT_ID], ascending=[False, False, True], na_position="last"),
    ]).head(k)
    groups = group_of or {}
    return pd.DataFrame({
        C.RESPONDENT_ID: chosen[C.RESPONDENT_ID], C.COLUMN: column, "theme": theme_id,
        GROUP: chosen[C.RESPONDENT_ID].map(lambda r: groups.get(r, "")),
        PROBABILITY: chosen[PROBABILITY], STARRED: chosen[STARRED],
        QUOTE: chosen["text"].map(lambda t: clean_text(mask_text(t))),
    }, columns=list(QUOTE_COLUMNS)).reset_index(drop=True)
