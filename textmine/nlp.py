"""Danish text processing with spaCy: normalise, lemmatise, split compounds.

The trained ``da_core_news_sm`` pipeline is used when it is installed. Without
it, a blank Danish pipeline with the lookup lemmatizer from
spacy-lookups-data does the work; nothing is ever downloaded.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from .cache import text_key

log = logging.getLogger(__name__)

TRAINED_MODEL = "da_core_news_sm"
# Raise when normalise_text or the Token rules (respelling, compounds) change: cached analyses
# made by the old rules are then no longer read.
NORMALISER_VERSION = 1
_DIGRAPHS = (("ae", "æ"), ("oe", "ø"), ("aa", "å"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Linking letters between the parts of a Danish compound ("udlands|lovgivning").
_LINKERS = ("s", "e", "")


@dataclass(frozen=True)
class Token:
    """One token of an answer: its lemma and, for compounds, the lemmas of its parts."""

    text: str
    lemma: str
    parts: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.lemma,) + self.parts


PER_TOKEN_LIMIT = 500_000    # entries a per-token memo keeps before it starts afresh


def per_token(memo: dict, token: Token, compute):
    """``compute(token)`` worked out once per Token object and kept in ``memo``.

    The analyzer hands out one Token object per word form, so a memo holds about one entry per
    word of the vocabulary, keyed by ``id`` (hashing the frozen dataclass would cost about as
    much as the work saved); the identity check makes a reused id harmless.
    """
    hit = memo.get(id(token))
    if hit is not None and hit[0] is token:
        return hit[1]
    value = compute(token)
    if len(memo) >= PER_TOKEN_LIMIT:
        memo.clear()
    memo[id(token)] = (token, value)
    return value


@dataclass
class Analyzer:
    """Turns Danish answers into lemma tokens; one per process, shared by coding and the app."""

    nlp: object                        # spacy.language.Language
    name: str
    table: dict                        # spacy-lookups-data's lemma table: word form -> lemma
    _cache: dict = field(default_factory=dict, repr=False)
    lookup_only: bool = False          # the blank pipeline: the tokenizer, lemmas from ``table``
    _by_orth: dict = field(default_factory=dict, repr=False)

    def analyze(self, texts: Iterable[str], batch_size: int = 256, cache=None,
                keys: list[bytes] | None = None) -> list[list[Token]]:
        """Tokens for each text, in order; with a ``cache.NlpCache`` spaCy runs only on new texts
        (``keys``: the texts' ``cache_keys``, when the caller has them already).

        Examples
        --------
        >>> [t.lemma for t in load_analyzer().analyze(["Lovgivningen i udlandet"])[0]]  # doctest: +SKIP
        ['lovgivning', 'i', 'udland']
        """
        texts = list(texts)
        if cache is None:
            return self._run([normalise_text(t) for t in texts], batch_size)
        keys = keys if keys is not None else self.cache_keys(texts)
        found = cache.get_many(keys, self._token)
        todo = {}   # each distinct uncached text once
        for i, k in enumerate(keys):
            if k not in found and k not in todo:
                todo[k] = i
        fresh = dict(zip(todo, self._run([normalise_text(texts[i]) for i in todo.values()], batch_size))) if todo else {}
        if fresh:
            cache.put_many(fresh.items())
        return [fresh[k] if k in fresh else found[k] for k in keys]

    @staticmethod
    def cache_keys(texts: Iterable[str]) -> list[bytes]:
        """Each text's key in a ``cache.NlpCache``: a hash of the text as the pipeline reads it."""
        return [text_key(normalise_text(t)) for t in texts]

    @property
    def version(self) -> str:
        """What an analysis depends on: pipeline, lookups, spaCy, and textmine's own rules."""
        return f"{self.name}; normaliser {NORMALISER_VERSION}"

    def _run(self, cleaned: list[str], batch_size: int) -> list[list[Token]]:
        """The spaCy pipeline itself (tests count its calls)."""
        if self.lookup_only:
            return self._run_lookup(cleaned, batch_size)
        return [[self._token(t.text, t.lemma_) for t in doc if not t.is_space]
                for doc in self.nlp.pipe(cleaned, batch_size=batch_size)]

    def _run_lookup(self, cleaned: list[str], batch_size: int) -> list[list[Token]]:
        """The blank pipeline's result without building a spaCy Token per word.

        Its lookup lemmatizer gives ``table.get(text, text)``, which depends on the word alone, so
        the tokenizer's word ids are mapped straight to our Tokens (one dict look-up per word);
        making a spaCy Token object per word cost more than tokenising.
        """
        from spacy.attrs import ORTH

        strings, by_orth = self.nlp.vocab.strings, self._by_orth
        out = []
        for doc in self.nlp.tokenizer.pipe(cleaned, batch_size=batch_size):
            tokens = []
            for orth in doc.to_array(ORTH).tolist():
                token = by_orth.get(orth)
                if token is None:
                    text = strings[orth]
                    token = by_orth[orth] = None if text.isspace() else self._token(text, self.table.get(text, text))
                if token is not None:
                    tokens.append(token)
            out.append(tokens)
        return out

    def _token(self, text: str, lemma: str, parts: tuple | None = None) -> Token:
        # One Token object per distinct (text, spaCy lemma): answers share their words' tokens.
        key = (text, lemma) if parts is None else (text, lemma, parts)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._make_token(text, lemma) if parts is None else Token(text, lemma, parts)
            if len(self._cache) < 2_000_000:
                self._cache[key] = cached
        return cached

    def _make_token(self, text: str, lemma: str) -> Token:
        lower = text.lower()
        word = lower if self._known(lower) else self._respell(lower)
        known = self._known(word)
        lemma = self._lemma(word) if known else (lemma.lower() or word)
        # A known word is split by its lemma, so "konsulenterne" is not cut into konsul + terne.
        base = lemma if known else word
        parts = split_compound(base, self._known, self._lemma) if base.isalpha() else ()
        return Token(text=text, lemma=lemma, parts=tuple(p for p in parts if p != lemma))

    def _known(self, word: str) -> bool:
        return word in self.table

    def _lemma(self, word: str) -> str:
        return self.table.get(word, word) if word in self.table else word

    def _respell(self, word: str) -> str:
        """ae/oe/aa written for æ/ø/å: use the spelling that is a known Danish word."""
        if not any(d in word for d, _ in _DIGRAPHS):
            return word
        for candidate in _respellings(word):
            if self._known(candidate):
                return candidate
        return word


def _respellings(word: str) -> Iterable[str]:
    spots = [(m.start(), d, r) for d, r in _DIGRAPHS for m in re.finditer(d, word)]
    spots = sorted(spots)[:4]
    for n in range(len(spots), 0, -1):
        for chosen in itertools.combinations(spots, n):
            starts = [s for s, _, _ in chosen]
            if any(b - a < 2 for a, b in zip(starts, starts[1:])):
                continue
            out, last = [], 0
            for start, digraph, repl in chosen:
                out.append(word[last:start])
                out.append(repl)
                last = start + len(digraph)
            out.append(word[last:])
            yield "".join(out)


def split_compound(word: str, known, lemma_of) -> tuple[str, ...]:
    """Lemmas of the modifier and head of a Danish compound, or () when it is not one.

    A word the dictionary does not know is split at the longest known head
    ("udlandslovgivning" -> udland + lovgivning); a known word only when both
    parts are long known words ("risikovurdering" -> risiko + vurdering), so
    "lovgivning" is not cut into nonsense.

    Examples
    --------
    >>> a = load_analyzer()  # doctest: +SKIP
    >>> split_compound("udlandslovgivning", a._known, a._lemma)  # doctest: +SKIP
    ('udland', 'lovgivning')
    """
    if len(word) < 7:
        return ()
    whole_known = known(word)
    min_part = 4 if whole_known else 3
    for i in range(min_part, len(word) - min_part + 1):
        head = word[i:]
        if not known(head):
            continue
        modifier = _modifier(word[:i], known, min_part)
        if modifier:
            return (lemma_of(modifier), lemma_of(head))
    return ()


def _modifier(prefix: str, known, min_len: int) -> str | None:
    for linker in _LINKERS:
        if linker and not prefix.endswith(linker):
            continue
        stem = prefix[: len(prefix) - len(linker)] if linker else prefix
        if len(stem) >= min_len and known(stem):
            return stem
    return None


def normalise_text(text) -> str:
    """Unicode NFC, no control characters, single spaces. Case is kept (names matter elsewhere)."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def load_analyzer() -> Analyzer:
    """The Danish pipeline this installation uses (trained model if installed, else blank + lookups)."""
    import spacy  # here, not at import time: the app's pages that need no NLP start faster

    try:
        nlp = spacy.load(TRAINED_MODEL, exclude=["parser", "ner"])
        name = f"{TRAINED_MODEL}-{nlp.meta.get('version', '?')}"
    except (OSError, ImportError):
        # The tokenizer alone: the lookup lemmatizer's lemma is table.get(word, word), which
        # Analyzer._run_lookup works out itself, so spaCy's copy of the table is never built.
        nlp = spacy.blank("da")
        name = f"blank:da+lookups-{_lookups_version()}"
    name = f"{name} (spacy {spacy.__version__})"
    log.info("Danish NLP pipeline: %s", name)
    return Analyzer(nlp=nlp, name=name, table=_lemma_table(), lookup_only=not nlp.pipe_names)


def _lemma_table() -> dict[str, str]:
    """spacy-lookups-data's Danish lemma table (word form -> lemma) as a plain dict.

    The same JSON file spaCy's lookup lemmatizer reads, without its Table (keys hashed one by one
    in Python): a third of a second instead of over one at start-up, and faster look-ups.
    """
    from spacy.util import load_language_data, registry

    return load_language_data(registry.lookups.get("da")["lemma_lookup"])


def _lookups_version() -> str:
    try:
        from importlib.metadata import version

        return version("spacy-lookups-data")
    except Exception:  # pragma: no cover - metadata missing only in odd installs
        return "?"
