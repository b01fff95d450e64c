"""Keyword rules from a code frame, matched on lemmas and compound parts.

A keyword hits when its lemma is the lemma of a word in the answer or one of
the parts of a compound, so "lovgivning" finds "lovgivningen" and
"udlandslovgivning". Multi-word keywords ("skjult adresse") must appear in
order. The code frame says keywords are hints, not rules: the classifier
weighs them; here they are only found.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from .codebook import Codebook
from .nlp import Analyzer, Token


@dataclass(frozen=True)
class KeywordMatcher:
    codebook: Codebook
    patterns: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]   # (theme id, keyword lemma sequences)

    @classmethod
    def from_codebook(cls, codebook: Codebook, analyzer: Analyzer) -> "KeywordMatcher":
        per_theme = []
        for theme in codebook.themes:
            if not theme.keywords:
                per_theme.append((theme.id, ()))
                continue
            analysed = analyzer.analyze(theme.keywords)
            seqs = tuple(tuple(t.lemma for t in toks) for toks in analysed if toks)
            per_theme.append((theme.id, seqs))
        return cls(codebook=codebook, patterns=tuple(per_theme))

    def hits(self, tokens: Sequence[Token]) -> dict[str, list[str]]:
        """Keywords found in one answer, by theme id (themes without hits left out).

        Examples
        --------
        >>> m.hits(analyzer.analyze(["Vi manglede viden om udlandslovgivning"])[0])  # doctest: +SKIP
        {'lovgivning_udland': ['lovgivning', 'udland']}
        """
        forms = [t.forms for t in tokens]
        matched = set()
        for i, token_forms in enumerate(forms):
            for form in token_forms:
                for theme_n, seq_n, seq in self._first_words.get(form, ()):
                    if (theme_n, seq_n) not in matched and _at(forms, seq, i):
                        matched.add((theme_n, seq_n))
        found: dict[str, list[str]] = {}
        for theme_n, seq_n in sorted(matched):
            theme_id, seqs = self.patterns[theme_n]
            found.setdefault(theme_id, []).append(" ".join(seqs[seq_n]))
        return found

    @cached_property
    def _first_words(self) -> dict[str, list[tuple[int, int, tuple[str, ...]]]]:
        """Keyword sequences by their first lemma: each word of an answer is tried against few."""
        index: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {}
        for theme_n, (_, seqs) in enumerate(self.patterns):
            for seq_n, seq in enumerate(seqs):
                index.setdefault(seq[0], []).append((theme_n, seq_n, seq))
        return index

    def matrix(self, docs: Sequence[Sequence[Token]], hits: Sequence[dict] | None = None) -> np.ndarray:
        """Number of distinct keywords hit, one column per theme in code frame order.

        ``hits`` (from ``hits`` per answer) saves finding them again.
        """
        index = {t: i for i, t in enumerate(self.codebook.ids)}
        out = np.zeros((len(docs), len(index)), dtype=np.float32)
        for row, found in enumerate(hits if hits is not None else map(self.hits, docs)):
            for theme_id, words in found.items():
                out[row, index[theme_id]] = len(words)
        return out


def _at(forms: list[tuple[str, ...]], seq: tuple[str, ...], i: int) -> bool:
    """Whether the keyword sequence ``seq`` starts at token ``i`` (its first lemma known to match)."""
    return i + len(seq) <= len(forms) and all(seq[j] in forms[i + j] for j in range(1, len(seq)))
