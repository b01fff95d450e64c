"""Features for the theme classifier: hashed lemma n-grams, character n-grams, keyword hits.

Hashing keeps the feature space fixed and stateless: no vocabulary to fit or
ship, and features of a text are the same whichever model reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from .nlp import PER_TOKEN_LIMIT, Token, per_token
from .rules import KeywordMatcher

N_WORD_FEATURES = 2**18
N_CHAR_FEATURES = 2**18
CHAR_WEIGHT = 1.0
KEYWORD_WEIGHT = 0.15  # keywords are hints: strong enough to help, too weak to decide alone (0.3 before the
                       # idf weighting; 0.15 then flags 51% of q8 gold answers instead of 55%, 3 CV splits)


def _word_ngrams(doc: tuple[list[str], list[str]]) -> list[str]:
    """Lemma unigrams and bigrams, then compound parts as unigrams."""
    lemmas, parts = doc
    return lemmas + [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:])] + parts


# The definition of the two hashed blocks; _word_block and _char_block make the same matrices faster
# (tests/test_classify.py compares them).
_WORDS = HashingVectorizer(analyzer=_word_ngrams, n_features=N_WORD_FEATURES, alternate_sign=False, norm="l2")
_CHARS = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=N_CHAR_FEATURES,
                           alternate_sign=False, norm="l2", lowercase=False)


_CHAR_COUNTS = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=N_CHAR_FEATURES,
                                 alternate_sign=False, norm=None, lowercase=False)


class _Columns(NamedTuple):
    """One token's share of the hashed blocks, worked out once per token."""

    lemma: str | None            # None: punctuation, which carries no theme
    column: int                  # the lemma's column in the word block
    parts: tuple[int, ...]       # its compound parts' columns
    words: tuple[str, ...]       # the lemma's words, whose character n-grams it adds


_TOKENS: dict = {}
_BIGRAMS: dict = {}


def _column(ngram: str) -> int:
    """The word-block column HashingVectorizer gives ``ngram`` (sklearn's murmurhash rule)."""
    h = murmurhash3_32(ngram, seed=0)
    return (2**31 - 1 - (N_WORD_FEATURES - 1)) % N_WORD_FEATURES if h == -2**31 else abs(h) % N_WORD_FEATURES


def _columns(token: Token) -> _Columns:
    # Punctuation carries no theme, except a lone "-" or "?" that means "no comment".
    kept = any(c.isalnum() for c in token.lemma) or token.lemma in ("-", "?")
    return _Columns(token.lemma if kept else None, _column(token.lemma) if kept else -1,
                    tuple(_column(p) for p in token.parts), tuple(token.lemma.split()))


def _blocks(docs: Sequence[Sequence[Token]]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """``_WORDS.transform`` and ``_CHARS.transform`` of the answers' lemmas, in one pass over the
    tokens with each token's columns worked out once per process (``_columns``) and each bigram's once
    per run of ``_BIGRAMS``. Character n-grams never cross a space, so an answer's counts are the sum
    of its words' counts, computed once per distinct word of the chunk."""
    word_cols: list[int] = []
    word_ptr = [0]
    vocabulary: dict[str, int] = {}
    char_words: list[int] = []
    char_ptr = [0]
    bigrams = _BIGRAMS
    if len(bigrams) >= PER_TOKEN_LIMIT:
        bigrams.clear()
    for d in docs:
        previous = None
        for t in d:
            c = per_token(_TOKENS, t, _columns)
            if c.lemma is not None:
                word_cols.append(c.column)
                if previous is not None:
                    pair = (previous, c.lemma)
                    column = bigrams.get(pair)
                    if column is None:
                        column = bigrams[pair] = _column(f"{previous} {c.lemma}")
                    word_cols.append(column)
                previous = c.lemma
            if c.parts:
                word_cols.extend(c.parts)
            for w in c.words:
                char_words.append(vocabulary.setdefault(w, len(vocabulary)))
        word_ptr.append(len(word_cols))
        char_ptr.append(len(char_words))
    n = len(docs)
    words = sp.csr_matrix((np.ones(len(word_cols)), np.asarray(word_cols, dtype=np.int32), word_ptr),
                          shape=(n, N_WORD_FEATURES))
    words.sum_duplicates()
    words = normalize(words, norm="l2", copy=False)
    if not vocabulary:
        return words, sp.csr_matrix((n, N_CHAR_FEATURES))
    per_word = sp.csr_matrix((np.ones(len(char_words)), char_words, char_ptr), shape=(n, len(vocabulary)))
    counts = (per_word @ _CHAR_COUNTS.transform(list(vocabulary))).tocsr()
    counts.sort_indices()
    return words, normalize(counts, norm="l2", copy=False)


@dataclass(frozen=True)
class Featurizer:
    """Maps analysed answers to one sparse row each; the keyword block depends on the code frame."""

    matcher: KeywordMatcher

    @property
    def n_features(self) -> int:
        return N_WORD_FEATURES + N_CHAR_FEATURES + 2 * len(self.matcher.codebook.ids)

    def transform(self, docs: Sequence[Sequence[Token]], hits: Sequence[dict] | None = None) -> sp.csr_matrix:
        words, chars = _blocks(docs)
        hits = self.matcher.matrix(docs, hits)
        # Both "any hit" and a damped count, so one strong keyword and several weak ones differ.
        kw = np.hstack([(hits > 0).astype(np.float32), np.log1p(hits)]) * KEYWORD_WEIGHT
        return hstack_csr([words, chars * CHAR_WEIGHT, sp.csr_matrix(kw)])


def hstack_csr(blocks: Sequence[sp.csr_matrix]) -> sp.csr_matrix:
    """``sp.hstack(blocks, format="csr")`` for CSR blocks with sorted indices, without the detour
    through COO that scipy takes (a tenth of the time on 200 features per answer): each entry is
    put straight at its place in the joined rows, and the rows stay sorted."""
    n = blocks[0].shape[0]
    lengths = np.stack([np.diff(b.indptr) for b in blocks])             # entries per block and row
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths.sum(axis=0), out=indptr[1:])
    starts = indptr[:-1] + np.cumsum(lengths, axis=0) - lengths          # where each block's part of a row begins
    indices = np.empty(indptr[-1], dtype=np.int64)
    data = np.empty(indptr[-1], dtype=np.result_type(*(b.dtype for b in blocks)))
    column = 0
    for b, start, length in zip(blocks, starts, lengths):
        if b.nnz:
            shift = np.repeat(start - b.indptr[:-1], length)             # from the block's position to the joined one
            where = np.arange(b.nnz) + shift
            indices[where] = b.indices + column
            data[where] = b.data
        column += b.shape[1]
    out = sp.csr_matrix((data, indices, indptr), shape=(n, column))
    out.has_sorted_indices = all(b.has_sorted_indices for b in blocks)
    return out
