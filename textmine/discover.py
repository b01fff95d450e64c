"""Theme discovery: cluster the answers no theme of the code frame fits and propose new themes.

The answers are coded with the frame first; those whose best theme is
improbable are described by their lemmas (compound parts included, so
"tolkebistand" counts as "tolk" too), weighted with TF-IDF, reduced with
TruncatedSVD when there are many words, and grouped by agglomerative
clustering on cosine distance; answers like no other are left out. SVD is
seeded and the clustering has no randomness, so a run can be repeated exactly.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from . import columns as C
from .codebook import Codebook
from .coding import Coder
from .nlp import Token, load_analyzer

log = logging.getLogger(__name__)

THRESHOLD = 0.5          # below this best-theme probability an answer fits no theme
MIN_SIZE = 2             # smallest group proposed: one answer is not a theme
DISTANCE = 0.7           # cosine distance below which groups of answers are joined
SVD_FROM = 50            # reduce with SVD from this many distinct lemmas
SVD_COMPONENTS = 30
N_LEMMAS = 8
N_EXAMPLES = 3

# Words every comment on the scheme uses: they say nothing about what a new theme is about.
_SURVEY_STOP = """konsulent sikkerhedskonsulent ordning sag gang rigtig god godt få fik være have kunne skulle ville
måtte bruge gerne når nå mere meget lidt tak svar ja nej brug behov altid ofte også bare egentlig kun selv hel
helt hele hjælp hjælpe vide give finde synes tro tænke gøre komme sige inden år ung unge"""

ID, LABEL, SIZE, LEMMAS = "id", "label", "size", "lemmas"
EXAMPLE_COLUMNS = tuple(f"example_{i + 1}" for i in range(N_EXAMPLES))


@dataclass(frozen=True)
class Candidate:
    """A proposed theme: a group of answers that no theme fits, with what sets them apart."""

    id: str                        # suggested theme id, e.g. "ny_tolk_tolkebistand"
    label: str                     # suggested label for the analyst to rewrite
    size: int
    lemmas: tuple[str, ...]        # characteristic lemmas, most telling first
    examples: tuple[str, ...]      # representative answers, closest to the centre first
    members: tuple[int, ...]       # positions of the answers in the input


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's Danish stop words and the words every comment on the scheme uses."""
    from spacy.lang.da.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | frozenset(_SURVEY_STOP.split())


def unfit_answers(texts, codebook: Codebook, *, threshold: float = THRESHOLD, coder: Coder | None = None) -> list[int]:
    """Positions of the non-empty answers whose best theme is below ``threshold``.

    Answers flagged for review without any theme count too. A confident "ingen_kommentar" fits.
    """
    texts = _as_texts(texts)
    if not texts:
        return []
    coded = (coder or Coder.for_codebook(codebook)).code(texts)
    p = coded[[C.p_column(t) for t in codebook.ids]].max(axis=1).fillna(0.0).to_numpy()
    themes = coded[C.THEMES].map(C.split_themes)
    review = coded[C.NEEDS_REVIEW].to_numpy()
    return [i for i, t in enumerate(texts) if t.strip() and (p[i] < threshold or (review[i] and not themes[i]))]


def discover(texts, codebook: Codebook, *, seed: int = 0, threshold: float = THRESHOLD,
             coder: Coder | None = None) -> list[Candidate]:
    """Candidate themes among the answers the code frame does not cover, largest first.

    Answers that resemble no other unfit answer are left out: one answer is not a theme.

    Examples
    --------
    >>> for c in discover(answers, load_codebook("sikkerhedskonsulent-q8.yaml")):  # doctest: +SKIP
    ...     print(c.id, c.size, c.lemmas[:3])
    ny_tolk_bistand 6 ('tolk', 'bistand', 'tolkebistand')
    """
    texts = _as_texts(texts)
    unfit = unfit_answers(texts, codebook, threshold=threshold, coder=coder)
    log.info("%d of %d answers fit no theme", len(unfit), len(texts))
    if len(unfit) < MIN_SIZE:
        return []
    analysed = load_analyzer().analyze([texts[i] for i in unfit])
    # Groups are made from words that several answers use, a compound counting as its parts
    # ("tolkebistand" is near "tolk"); with many answers, a word in only one of them is ignored.
    X, _ = _tfidf([_lemmas(tokens, whole=False) for tokens in analysed], min_df=2 if len(unfit) >= 10 else 1)
    keep = np.flatnonzero(X.getnnz(axis=1)) if X.shape[1] else np.arange(0)
    if len(keep) < MIN_SIZE:
        return []
    unfit, X = [unfit[i] for i in keep], X[keep]
    Z = _reduce(X, seed)
    groups = _cluster(Z)
    # Every word, compounds whole and in parts, may describe a group.
    W, vocabulary = _tfidf([_lemmas(analysed[i]) for i in keep], min_df=1)
    W = W.toarray()
    candidates = [_candidate(groups == g, W, Z, vocabulary, unfit, texts) for g in np.unique(groups) if g >= 0]
    return _unique_ids(sorted(candidates, key=lambda c: (-c.size, c.id)), codebook)


def candidates_frame(candidates: list[Candidate]) -> pd.DataFrame:
    """One row per candidate theme: id, label, size, lemmas and representative answers."""
    rows = []
    for c in candidates:
        examples = list(c.examples) + [""] * (N_EXAMPLES - len(c.examples))
        rows.append({ID: c.id, LABEL: c.label, SIZE: c.size, LEMMAS: ", ".join(c.lemmas),
                     **dict(zip(EXAMPLE_COLUMNS, examples))})
    return pd.DataFrame(rows, columns=[ID, LABEL, SIZE, LEMMAS, *EXAMPLE_COLUMNS])


def _as_texts(texts) -> list[str]:
    return ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t) for t in texts]


def format_candidates(candidates: list[Candidate], n_answers: int, codebook: Codebook) -> str:
    """The candidates as the analyst reads them in a terminal (Danish)."""
    n_unfit = sum(c.size for c in candidates)
    if not candidates:
        return (f"Ingen forslag til nye temaer: blandt {n_answers} svar er der ikke flere svar uden et "
                f"passende tema i '{codebook.codebook}', som ligner hinanden.")
    lines = [(f"{len(candidates)} forslag til nye temaer ud fra {n_unfit} svar, som intet tema i "
              f"'{codebook.codebook}' passer til (af {n_answers} svar):")]
    for n, c in enumerate(candidates, start=1):
        lines += ["", f"{n}. {c.id}: \"{c.label}\" ({c.size} svar)",
                  f"   Kendetegnende ord: {', '.join(c.lemmas) or '-'}",
                  "   Typiske svar:"]
        lines += [f"   - {' '.join(e.split())}" for e in c.examples]
    return "\n".join(lines)


def _lemmas(tokens: list[Token], whole: bool = True) -> list[str]:
    """Content lemmas; compounds as the whole word and its parts, or (``whole=False``) its parts only."""
    stop = stop_words()
    out = []
    for t in tokens:
        # The lookup lemmatizer maps some function words to rare lemmas ("med" -> "mede"): check the word too.
        if t.text.lower() in stop:
            continue
        for form in t.forms if whole or not t.parts else t.parts:
            if len(form) > 1 and any(c.isalpha() for c in form) and form not in stop:
                out.append(form)
    return out


def _tfidf(docs: list[list[str]], min_df: int):
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=min_df, sublinear_tf=True)
    try:
        return vectorizer.fit_transform(docs).tocsr(), vectorizer.get_feature_names_out()
    except ValueError:      # no word left
        return sp.csr_matrix((len(docs), 0)), np.array([], dtype=object)


def _reduce(X, seed: int) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    if X.shape[1] >= SVD_FROM and X.shape[0] > 3:
        n = min(SVD_COMPONENTS, X.shape[0] - 1, X.shape[1] - 1)
        Z = TruncatedSVD(n_components=n, random_state=seed).fit_transform(X)
        if np.linalg.norm(Z, axis=1).all():   # an answer outside every component would have no direction
            return normalize(Z)
    return normalize(X.toarray())


def _cluster(Z: np.ndarray) -> np.ndarray:
    """A group number per answer, -1 for answers in no group of at least MIN_SIZE."""
    from sklearn.cluster import AgglomerativeClustering

    # Average linkage on cosine distance joins answers about the same thing and, unlike KMeans,
    # leaves the odd answer out instead of forcing it into the nearest group.
    labels = AgglomerativeClustering(n_clusters=None, distance_threshold=DISTANCE, metric="cosine",
                                     linkage="average").fit_predict(Z)
    sizes = np.bincount(labels)
    return np.where(sizes[labels] >= MIN_SIZE, labels, -1)


def _candidate(inside, X, Z, vocabulary, unfit, texts) -> Candidate:
    """Size, the lemmas weighing most more inside than outside, and the answers nearest the centre."""
    mean_in = X[inside].mean(axis=0)
    mean_out = X[~inside].mean(axis=0) if (~inside).any() else np.zeros_like(mean_in)
    contrast = mean_in - mean_out
    order = sorted(range(len(contrast)), key=lambda j: (-contrast[j], vocabulary[j]))
    lemmas = tuple(str(vocabulary[j]) for j in order[:N_LEMMAS] if contrast[j] > 0 and mean_in[j] > 0)
    members = np.flatnonzero(inside)
    centre = Z[members].mean(axis=0)
    distance = np.linalg.norm(Z[members] - centre, axis=1)
    closest = [int(members[j]) for j in sorted(range(len(members)), key=lambda j: (distance[j], members[j]))]
    positions = tuple(unfit[j] for j in members)
    return Candidate(
        id=suggest_id(lemmas), label=suggest_label(lemmas), size=int(inside.sum()),
        lemmas=lemmas, examples=tuple(texts[unfit[j]] for j in closest[:N_EXAMPLES]), members=positions,
    )


def _unique_ids(candidates: list[Candidate], codebook: Codebook) -> list[Candidate]:
    """Number ids that repeat, or that the frame already uses, so each candidate can become a theme."""
    taken, out = set(codebook.ids), []
    for c in candidates:
        new_id, n = c.id, 1
        while new_id in taken:
            n += 1
            new_id = f"{c.id}_{n}"
        taken.add(new_id)
        out.append(dataclasses.replace(c, id=new_id))
    return out


def suggest_id(lemmas) -> str:
    """A theme id in the frame's style (ascii, underscores) from the top two lemmas."""
    words = [w for w in (_ascii(w) for w in lemmas[:2]) if w]
    return "ny_" + "_".join(words) if words else "ny_gruppe"


def suggest_label(lemmas) -> str:
    return ", ".join(lemmas[:3]).capitalize() if lemmas else "Uden fælles ord"


def _ascii(word: str) -> str:
    for letter, digraph in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        word = word.replace(letter, digraph)
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in word).strip("_")
