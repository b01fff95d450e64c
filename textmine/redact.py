"""Masking personal data in respondents' text: CPR and phone numbers, e-mails, URLs, addresses, names.

Numbers and addresses are found by patterns. A name is a capitalised word that is neither a known
Danish word (spaCy's lookup table, via ``load_analyzer``) nor a known organisation or place
(``places``), or a common first name or surname; ``da_core_news_sm``'s PER entities are added where
that pipeline is installed (never downloaded). "Ring til Mette på 22 33 44 55" -> "Ring til [NAVN] på [TELEFON]".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from . import places
from .cache import rules_digest, text_key
from .nlp import TRAINED_MODEL, load_analyzer
from .places import (
    ALLOWED,
    FIRST_NAMES_LOWER,
    INSTITUTION_WORDS,
    NAMES,
    SUBJECT_VERBS,
    WORDS_FIRST,
)

log = logging.getLogger(__name__)

KINDS = ("CPR", "TELEFON", "EMAIL", "URL", "ADRESSE", "NAVN")
MASKS = {kind: f"[{kind}]" for kind in KINDS}


@dataclass(frozen=True)
class Span:
    """One piece of personal data: its kind, where it is in the text, and the text itself."""

    kind: str
    start: int
    end: int
    text: str


# Each pattern has a lookbehind so it is not retried inside a run of letters or digits:
# a 1 MB answer without spaces takes linear time.
_NOT_IN_NUMBER = r"(?<!\d)(?<!\d[.,/-])"
_CPR = re.compile(_NOT_IN_NUMBER + r"(?P<date>\d{6})[- ]?\d{4}(?!\d|[.,/-]\d)")
_PHONE = re.compile(
    _NOT_IN_NUMBER + r"(?<!\+)(?P<prefix>(?:\+|00)45 ?|\(\+?45\) ?)?"
    r"(?P<body>\d{2}(?P<sep>[ .-]?)\d{2}(?P=sep)\d{2}(?P=sep)\d{2}|(?P<a>\d{4}) (?P<b>\d{4}))(?!\d|[.,/-]\d)")
# After these a bare 8-digit number is a case, journal or company number, not a phone number.
_CASE_BEFORE = re.compile(rf"\b(?:{'|'.join(places.CASE_NUMBER_WORDS)})\.?\s*(?:er\s*)?[:.#]?\s*$")
_PHONE_WORD = re.compile(r"tlf|telefon|mobil|ring|sms")
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_URL = re.compile(r"(?:\bhttps?://|(?<![\w.-])www\.)[^\s<>\"]+|(?<![\w.@/-])(?:[\w-]+\.)+"
                  r"(?:dk|com|org|net|se|no|de|eu|info|io|me)/[^\s<>\"]*", re.IGNORECASE)

_UP = "A-ZÆØÅÄÖÜÉ"
_SUFFIX = "|".join(places.STREET_SUFFIXES)
_PREFIX = rf"(?:(?:{'|'.join(places.STREET_PREFIXES)})\s+)?"
_NUMBER = r"\s+\d{1,4}(?:[A-Za-z]|\s[A-Z])?(?!\w)"
_FLOOR = r"(?:,?\s*(?:(?:st|kld|\d{1,2})\.?\s*(?:sal|(?:th|tv|mf)\.?)(?!\w)|st\.|kld\.))?"
_POSTCODE = rf",?\s*\d{{4}}\s+[{_UP}][\w-]+(?:\s+(?:NV|NØ|SV|SØ|N|S|V|Ø|C|K)(?!\w))?"
_STREET = (rf"(?<![\w.-])(?:{_PREFIX}[{_UP}]\w*(?:-\w+)?(?i:{_SUFFIX})(?!\w)"
           rf"|(?:[{_UP}][\w.]*\s+){{1,3}}(?:Vej|Gade|Allé|Alle|Plads|Torv|Boulevard|Stræde|Vænge|Park|Passage))")
_ADDRESS = re.compile(rf"{_STREET}{_NUMBER}{_FLOOR}(?:{_POSTCODE})?"
                      # any capitalised street name with a house number, a postcode and a town
                      rf"|(?<![\w.-])[{_UP}][\w.-]+(?:\s[{_UP}][\w.-]+){{0,2}}{_NUMBER}{_FLOOR}{_POSTCODE}")
_PATTERNS = {"URL": _URL, "EMAIL": _EMAIL, "CPR": _CPR, "TELEFON": _PHONE, "ADRESSE": _ADDRESS}   # in priority order
# What each pattern cannot match without, checked first: most answers hold no digit, "@" or "/",
# and scanning them with every pattern was most of the time masking took.
_DIGIT = re.compile(r"\d")   # the patterns' own \d: any Unicode digit
_CAN_MATCH = {
    "URL": lambda text, digit: "/" in text or "www." in text.lower(),   # "://", "www." (any case) or ".dk/"
    "EMAIL": lambda text, digit: "@" in text,
    "CPR": lambda text, digit: digit,
    "TELEFON": lambda text, digit: digit,
    "ADRESSE": lambda text, digit: digit,   # a house number
}
_TAILS = {"URL": ".,;:!?)]}'\u2019\u201d", "ADRESSE": " ,"}   # punctuation after a link or an address
_STREET_WORD = re.compile(rf"\w+(?:{_SUFFIX})")   # a street without a house number is a place

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n…])[\s\"'«»“”„(\[{*•–-]*$")
_NAME_GAP = re.compile(rf"[ \t]+(?:[{_UP}]\.[ \t]*)?")   # between parts of a name: "Karina Ø. Frandsen"
_DIGRAPHS, _RESPELL = re.compile("aa|ae|oe"), {"aa": "å", "ae": "æ", "oe": "ø"}


def find_pii(text: str) -> list[Span]:
    """The personal data in ``text``, in order, without overlaps.

    Examples
    --------
    >>> [(s.kind, s.text) for s in find_pii("Mette Hansen har cpr 120307-4432")]  # doctest: +SKIP
    [('NAVN', 'Mette Hansen'), ('CPR', '120307-4432')]
    """
    if not isinstance(text, str) or not text.strip():
        return []
    spans: list[Span] = []
    digit = _DIGIT.search(text) is not None
    # Earlier kinds win where spans overlap: a name inside an e-mail address belongs to the address.
    for kind in _PATTERNS:
        if _CAN_MATCH[kind](text, digit):
            spans = _merge(spans, kind, _pattern_spans(kind, text), text)
    for finder in (_names, _ner_names):
        spans = _merge(spans, "NAVN", finder(text), text)
    return spans


def mask_text(text: str) -> str:
    """``text`` with each piece of personal data replaced by its mask, e.g. [NAVN] or [CPR].

    Examples
    --------
    >>> mask_text("Ring til Mette på 22 33 44 55")  # doctest: +SKIP
    'Ring til [NAVN] på [TELEFON]'
    """
    return _masked(text)[0]


def mask_series(texts: pd.Series) -> pd.Series:
    """A new Series with every text masked; missing values stay missing."""
    return texts.map(lambda t: t if pd.isna(t) else mask_text(str(t)))


def redact_table(df: pd.DataFrame, text_column: str, cache=None) -> pd.DataFrame:
    """A copy of ``df`` with ``text_column`` masked and every other column as it was.

    ``out.attrs["masks"]`` holds the number of pieces of personal data masked. With ``cache`` (a
    ``cache.NlpCache``) a text masked before by the same rules is read back, not masked again.

    Examples
    --------
    >>> redact_table(pd.DataFrame({"id": [7], "text": ["Tak til Fatima"]}), "text")["text"][0]  # doctest: +SKIP
    'Tak til [NAVN]'
    """
    texts = df[text_column].tolist()
    results = _masked_many(texts, cache) if cache is not None else \
        [(t, 0) if pd.isna(t) else _masked(str(t)) for t in texts]
    out = df.assign(**{text_column: pd.Series([r[0] for r in results], index=df.index, dtype=object)})
    out.attrs["masks"] = sum(r[1] for r in results)
    return out


def fingerprint() -> str:
    """What masking depends on besides the text: this file's and ``places``' rules and lists (the
    lemma table and a trained pipeline's names are the cache file's own version)."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = "mask:" + rules_digest([__file__, places.__file__])
    return _FINGERPRINT


_FINGERPRINT: str | None = None


def _masked_many(texts: list, cache) -> list[tuple[object, int]]:
    """``_masked`` of each text, read from ``cache`` where it has them and stored there where not.

    Stored per exact text (not the normalised one: masking keeps the respondent's spacing) as "0"
    for a text with nothing to mask, else "<number of masks>\t<masked text>".
    """
    rules = fingerprint()
    keys = [None if pd.isna(t) else text_key(str(t)) for t in texts]
    known = cache.get_labels([k for k in keys if k is not None], rules)
    new: dict[bytes, str] = {}
    out = []
    for t, k in zip(texts, keys):
        if k is None:
            out.append((t, 0))
            continue
        stored = known.get(k) or new.get(k)
        if stored is None:
            masked, n = _masked(str(t))
            stored = new[k] = f"{n}\t{masked}" if n else "0"
        n, _, masked = stored.partition("\t")
        out.append((masked, int(n)) if n != "0" else (str(t), 0))
    if new:
        cache.put_labels(new.items(), rules)
    return out


def _masked(text) -> tuple[str, int]:
    text = "" if text is None else str(text)
    spans = find_pii(text)
    parts, last = [], 0
    for span in spans:
        parts += [text[last:span.start], MASKS[span.kind]]
        last = span.end
    return "".join(parts + [text[last:]]), len(spans)


def _merge(spans: list[Span], kind: str, candidates, text: str) -> list[Span]:
    """``spans`` (sorted, disjoint) and those candidates that overlap none of them, in one pass."""
    added: list[Span] = []
    i = 0
    for start, end in candidates:
        while i < len(spans) and spans[i].end <= start:
            i += 1
        if end <= start or (i < len(spans) and spans[i].start < end) or (added and added[-1].end > start):
            continue
        added.append(Span(kind, start, end, text[start:end]))
    return sorted(spans + added, key=lambda s: s.start) if added else spans


def _pattern_spans(kind: str, text: str):
    for m in _PATTERNS[kind].finditer(text):
        if (kind == "CPR" and not _plausible_date(m.group("date"))) or (kind == "TELEFON" and _not_a_phone(text, m)):
            continue
        yield m.start(), m.start() + len(m.group().rstrip(_TAILS.get(kind, "")))


def _plausible_date(ddmmyy: str) -> bool:
    try:
        return bool(datetime.strptime(ddmmyy, "%d%m%y"))   # "290200" is 29 February 2000
    except ValueError:
        return False


def _not_a_phone(text: str, m: re.Match) -> bool:
    """ "2023 2024" is two years; "sagsnr. 20231145" a case number, but "tlf. nr. 20231145" a phone number."""
    if m.group("a") and all(g.startswith(("19", "20")) for g in (m.group("a"), m.group("b"))):
        return True
    before = text[max(0, m.start() - 40):m.start()].lower()
    case = _CASE_BEFORE.search(before) if not m.group("prefix") and m.group("body").isdigit() else None
    return bool(case) and not _PHONE_WORD.search(before[max(0, case.start() - 12):case.start() + 4])


class _Word(NamedTuple):
    allowed: bool   # an organisation, a place, a platform, a weekday ... or a street
    listed: bool    # a common first name or surname
    known: bool     # a Danish word
    unknown: bool   # neither a Danish word nor a compound of Danish words


def _names(text: str):
    spans: list[list[int]] = []
    previous_end = -1
    for m in _WORD.finditer(text):
        word = m.group()
        if not word[0].isupper() and word.lower() not in FIRST_NAMES_LOWER:
            previous_end = -1   # what _is_name says of most words, without asking it
            continue
        if len(word) == 1 and word.isupper() and text[m.end():m.end() + 1] == ".":
            continue   # an initial; _NAME_GAP joins the name across it
        follows_name = previous_end >= 0 and _NAME_GAP.fullmatch(text, previous_end, m.start()) is not None
        if _is_name(word, text, m.start(), m.end(), follows_name):
            spans += [] if follows_name else [[m.start(), m.end()]]
            spans[-1][1] = previous_end = m.end()   # a new name, or the next part of the last one
        else:
            previous_end = -1
    return spans


def _is_name(word: str, text: str, start: int, end: int, follows_name: bool) -> bool:
    if not 2 <= len(word) <= 40:
        return False
    lower = word.lower()
    if not word[0].isupper():
        # Names are written in lower case too; only first names that are no Danish word are safe to mask.
        return lower in FIRST_NAMES_LOWER and len(word) > 2 and not _classify(lower).known
    w = _classify(lower)
    if w.allowed or (_abbreviation(word) and (lower not in NAMES or len(word) < 3)):
        return False   # an organisation, a place, or an abbreviation such as SSP, SKK'en or KiF ("METTE" is a name)
    if text.startswith("- ", end) or _institution(_next_word(text, end)) or _institution(_previous_word(text, start)):
        return False   # "Børne- og Familieafdelingen", "Tingbjerg Skole", "Jobcenter Ravnsø"
    if follows_name:
        return True    # "Mette Lund", "Maja Ravn Christiansen"
    if _SENTENCE_START.search(text, max(0, start - 30), start) is None:
        # After "i" an unlisted word is a place: "i Kokkedal".
        return w.listed or (w.unknown and _previous_word(text, start).lower() != "i")
    # A sentence's first word is capitalised anyway, so it must look like a name on its own.
    if w.listed and (not w.known or lower not in WORDS_FIRST):
        return True
    if w.unknown and _next_word(text, end).lower() in SUBJECT_VERBS:
        return True
    nxt = _next_word(text, end)   # "Mette Hansen ringede": two name-like words
    if not (w.listed or w.unknown) or not nxt[:1].isupper() or _abbreviation(nxt):
        return False
    after = _classify(nxt.lower())
    return not after.allowed and (after.listed or after.unknown)


@lru_cache(maxsize=100_000)
def _classify(lower: str) -> _Word:
    table = load_analyzer().table
    forms = [lower] + [lower[: -len(t)] for t in ("'s", "’s", "s") if lower.endswith(t) and len(lower) > len(t) + 2]
    parts = [p for p in lower.split("-") if p]
    if len(parts) > 1:
        forms.append(parts[0])
    allowed = any(f in ALLOWED for f in forms) or _STREET_WORD.fullmatch(lower) is not None
    listed = any(f in NAMES for f in forms + parts)
    if len(parts) > 1:
        # "Mette-sagen" is judged by its first part, "Al-Khatib" by all of them.
        unknown = _classify(parts[0]).unknown if parts[-1] in table else \
            any(_classify(p).unknown for p in parts if len(p) > 2)
        return _Word(allowed, listed, not unknown, unknown)
    known = _known(lower, table)
    return _Word(allowed, listed, known, not known and not _compound(lower, table))


def _known(lower: str, table) -> bool:
    return lower in table or _DIGRAPHS.sub(lambda m: _RESPELL[m.group()], lower) in table   # "raadgivning"


def _compound(lower: str, table) -> bool:
    """Two known words ("sikkerheds|plan", "Jobcenter|pakken"), one of them long, so not a surname like
    "Sand|holm"; or anything before a long Danish word ("Haager|konventionen"): a thing, not a person."""
    for i in range(4, len(lower) - 2):
        head, modifier = lower[i:], lower[:i]
        if head in table and (len(head) >= 7 or (len(head) >= 5 or len(modifier) >= 6) and any(
                m in table or m in ALLOWED for m in (modifier, modifier[:-1] if modifier[-1] in "se" else ""))):
            return True
    return False


def _next_word(text: str, end: int) -> str:
    nxt = _WORD.match(text, end + 1) if text[end:end + 1] == " " else None
    return nxt.group() if nxt else ""


def _previous_word(text: str, start: int) -> str:
    words = _WORD.findall(text, max(0, start - 25), start - 1) if text[start - 1:start] == " " else []
    return words[-1] if words else ""


def _institution(word: str) -> bool:
    return word.lower().endswith(INSTITUTION_WORDS)


def _abbreviation(word: str) -> bool:
    head = re.split("[-'’]", word)[0]
    return sum(c.isupper() for c in head) >= 2


def _ner_names(text: str):
    nlp = _ner_pipeline()
    if nlp is None:
        return []
    spans = []
    for offset in range(0, len(text), 100_000):   # spaCy refuses texts over nlp.max_length
        for ent in nlp(text[offset:offset + 100_000]).ents:
            if ent.label_ == "PER" and any(t.text[:1].isupper() and not _classify(t.lower_).allowed for t in ent):
                spans.append((offset + ent.start_char, offset + ent.end_char))
    return spans


@lru_cache(maxsize=1)
def _ner_pipeline():
    """The trained pipeline's NER when ``da_core_news_sm`` is installed, else None (never downloaded)."""
    import spacy

    if not spacy.util.is_package(TRAINED_MODEL):
        return None
    try:
        return spacy.load(TRAINED_MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer", "tagger"])
    except (OSError, ImportError, ValueError) as exc:   # a broken install: the rules still work
        log.warning("%s could not be loaded for names (%s); using rules only", TRAINED_MODEL, exc)
        return None
