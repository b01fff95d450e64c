"""Features for the theme classifier: hashed lemma n-grams, character n-grams, keyword hits.

Hashing keeps the feature space fixed and stateless: no vocabulary to fit or
ship, and features of a text are the same whichever model reads them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from .nlp import PER_TOKEN_LIMIT, Token
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


# The definition of the two hashed blocks; _blocks makes the same matrices faster
# (tests/test_classify.py compares them).
_WORDS = HashingVectorizer(analyzer=_word_ngrams, n_features=N_WORD_FEATURES, alternate_sign=False, norm="l2")
_CHARS = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=N_CHAR_FEATURES,
                           alternate_sign=False, norm="l2", lowercase=False)


_CHAR_COUNTS = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=N_CHAR_FEATURES,
                                 alternate_sign=False, norm=None, lowercase=False)


def _column(ngram: str) -> int:
    """The word-block column HashingVectorizer gives ``ngram`` (sklearn's murmurhash rule)."""
    h = murmurhash3_32(ngram, seed=0)
    return (2**31 - 1 - (N_WORD_FEATURES - 1)) % N_WORD_FEATURES if h == -2**31 else abs(h) % N_WORD_FEATURES


class _Grow:
    """A numpy array that grows by doubling, for per-token tables."""

    def __init__(self, dtype):
        self.array, self.n = np.zeros(1024, dtype=dtype), 0

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=self.array.dtype)
        while self.n + len(values) > len(self.array):
            self.array = np.concatenate([self.array, np.zeros_like(self.array)])
        self.array[self.n:self.n + len(values)] = values
        self.n += len(values)

    @property
    def values(self) -> np.ndarray:
        return self.array[:self.n]


class _Tokens:
    """Each distinct Token this process meets gets a number and, once, its share of the hashed blocks:
    whether its lemma counts, the lemma's number and column, its compound parts' columns and the
    numbers of its lemma's words (for character n-grams). An answer is then an array of numbers and
    its blocks are made with numpy; only the tokens and bigrams not met before are worked on one by
    one."""

    def __init__(self):
        self.serial: dict[int, tuple[Token, int]] = {}      # id(token) -> (token, number); keeps it alive
        self.kept, self.lemma, self.column = _Grow(np.bool_), _Grow(np.int64), _Grow(np.int64)
        self.parts_start, self.parts_len, self.parts = _Grow(np.int64), _Grow(np.int64), _Grow(np.int64)
        self.words_start, self.words_len, self.words = _Grow(np.int64), _Grow(np.int64), _Grow(np.int64)
        self.lemmas: dict[str, int] = {}                     # lemma -> number
        self.lemma_text: list[str] = []
        self.word_numbers: dict[str, int] = {}               # a lemma's word -> number
        self.word_text: list[str] = []
        self.bigrams: dict[int, int] = {}                    # pair of lemma numbers -> column
        # each word's character n-gram counts (a row of _CHAR_COUNTS), for the words numbered so far
        self.chars_start, self.chars_len = _Grow(np.int64), _Grow(np.int64)
        self.char_columns, self.char_counts = _Grow(np.int64), _Grow(np.float64)

    def numbers(self, docs: Sequence[Sequence[Token]]) -> np.ndarray:
        """Each token's number, all answers one after the other."""
        get = self.serial.get
        found = [get(id(t)) for d in docs for t in d]
        if None in found:
            flat = [t for d in docs for t in d]
            for i in [i for i, f in enumerate(found) if f is None]:
                found[i] = self.serial.get(id(flat[i])) or self._add(flat[i])
        return np.fromiter((f[1] for f in found), dtype=np.int64, count=len(found))

    def _add(self, token: Token) -> tuple[Token, int]:
        # Punctuation carries no theme, except a lone "-" or "?" that means "no comment".
        kept = any(c.isalnum() for c in token.lemma) or token.lemma in ("-", "?")
        lemma = self.lemmas.get(token.lemma)
        if lemma is None:
            lemma = self.lemmas[token.lemma] = len(self.lemma_text)
            self.lemma_text.append(token.lemma)
        words = []
        for w in token.lemma.split():
            if w not in self.word_numbers:
                self.word_numbers[w] = len(self.word_text)
                self.word_text.append(w)
            words.append(self.word_numbers[w])
        n = self.kept.n
        self.kept.extend([kept])
        self.lemma.extend([lemma])
        self.column.extend([_column(token.lemma) if kept else -1])
        self.parts_start.extend([self.parts.n])
        self.parts_len.extend([len(token.parts)])
        self.parts.extend([_column(p) for p in token.parts])
        self.words_start.extend([self.words.n])
        self.words_len.extend([len(words)])
        self.words.extend(words)
        hit = self.serial[id(token)] = (token, n)
        return hit

    def bigram_columns(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The column of each bigram of lemma numbers, hashed once per distinct bigram."""
        if len(self.bigrams) >= PER_TOKEN_LIMIT:
            self.bigrams.clear()
        keys = (first << 32) | second
        unique, inverse = np.unique(keys, return_inverse=True)
        get, columns = self.bigrams.get, []
        for key in unique.tolist():
            column = get(key)
            if column is None:
                column = self.bigrams[key] = _column(f"{self.lemma_text[key >> 32]} {self.lemma_text[key & 0xFFFFFFFF]}")
            columns.append(column)
        return np.asarray(columns, dtype=np.int64)[inverse]

    def char_rows(self, words: np.ndarray) -> sp.csr_matrix:
        """The character n-gram counts of the given word numbers, one row each; each word's are
        worked out once (the words numbered since the last call, in one go)."""
        done = self.chars_len.n
        if done < len(self.word_text):
            new = _CHAR_COUNTS.transform(self.word_text[done:])
            self.chars_start.extend(self.char_columns.n + new.indptr[:-1])
            self.chars_len.extend(np.diff(new.indptr))
            self.char_columns.extend(new.indices)
            self.char_counts.extend(new.data)
        start, length = self.chars_start.values[words], self.chars_len.values[words]
        indptr = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(length, out=indptr[1:])
        return sp.csr_matrix((_expand(start, length, self.char_counts.values),
                              _expand(start, length, self.char_columns.values), indptr),
                             shape=(len(words), N_CHAR_FEATURES))


_TABLE: _Tokens | None = None


def _table() -> _Tokens:
    global _TABLE
    if _TABLE is None or len(_TABLE.serial) >= PER_TOKEN_LIMIT:
        _TABLE = _Tokens()   # start afresh rather than grow without end
    return _TABLE


def _expand(start: np.ndarray, length: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values[start[i]:start[i] + length[i]]`` for every i, one after the other."""
    total = int(length.sum())
    if not total:
        return np.zeros(0, dtype=values.dtype)
    offsets = np.repeat(start - (np.cumsum(length) - length), length)
    return values[np.arange(total) + offsets]


def _csr(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """Counts of (row, column) pairs, rows sorted by column: what HashingVectorizer makes before normalising."""
    m = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)
    m.sum_duplicates()
    m.sort_indices()
    return m


def _blocks(docs: Sequence[Sequence[Token]]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """``_WORDS.transform`` and ``_CHARS.transform`` of the answers' lemmas, entry for entry.

    Character n-grams never cross a space, so an answer's counts are the sum of its words' counts,
    computed once per distinct word of the chunk. The app codes in threads: one at a time uses the
    table, whose arrays must grow together."""
    with _LOCK:
        return _blocks_of(_table(), docs)


_LOCK = threading.Lock()


def _blocks_of(table: _Tokens, docs: Sequence[Sequence[Token]]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    n = len(docs)
    tokens = table.numbers(docs)
    row = np.repeat(np.arange(n), [len(d) for d in docs])
    kept = table.kept.values[tokens]
    lemma_tokens, lemma_rows = tokens[kept], row[kept]
    lemmas = table.lemma.values[lemma_tokens]
    pair = lemma_rows[1:] == lemma_rows[:-1]                  # two lemmas in a row of one answer
    parts_len = table.parts_len.values[tokens]
    rows = np.concatenate([lemma_rows, lemma_rows[1:][pair], np.repeat(row, parts_len)])
    columns = np.concatenate([
        table.column.values[lemma_tokens],
        table.bigram_columns(lemmas[:-1][pair], lemmas[1:][pair]) if pair.any() else np.zeros(0, dtype=np.int64),
        _expand(table.parts_start.values[tokens], parts_len, table.parts.values)])
    words = normalize(_csr(rows, columns, (n, N_WORD_FEATURES)), norm="l2", copy=False)

    words_len = table.words_len.values[tokens]
    numbers = _expand(table.words_start.values[tokens], words_len, table.words.values)
    if not len(numbers):
        return words, sp.csr_matrix((n, N_CHAR_FEATURES))
    vocabulary, local = np.unique(numbers, return_inverse=True)
    per_word = _csr(np.repeat(row, words_len), local, (n, len(vocabulary)))
    counts = (per_word @ table.char_rows(vocabulary)).tocsr()
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
