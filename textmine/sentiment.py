"""Sentiment of survey comments: positiv, negativ, blandet or neutral, from asent's Danish lexicon.

asent ships its Danish lexicons inside the package (AFINN word forms, Sentida
lemmas, emoji), so nothing is downloaded. The scoring follows asent/VADER
(negation flips and dampens a word, intensifiers strengthen it) but runs on
textmine's own tokens, so ae/oe/aa spellings and lemmas are handled as in
coding. A survey supplement tunes the lexicon to caseworkers' comments: words
that describe the case ("vold", "risiko", "politi") say nothing about the
scheme, and survey phrases ("svær at få fat i", "for generel") do. Answers are
split into clauses at sentence ends and contrast words ("men", "dog"), so
praise and critique in one answer give "blandet".
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from typing import NamedTuple
from dataclasses import asdict, dataclass
from functools import lru_cache

import pandas as pd

from .cache import rules_digest
from .nlp import Token, load_analyzer

POSITIV, NEGATIV, BLANDET, NEUTRAL = "positiv", "negativ", "blandet", "neutral"
LABELS = (POSITIV, NEGATIV, BLANDET, NEUTRAL)
POS, NEG, LABEL = "pos", "neg", "label"
SENTIMENT = "sentiment"    # the column's name where sentiment is added to coded answers

THRESHOLD = 1.0          # a clause counts as positive/negative from this net score
NEGATION_SCALAR, NEGATION_LOOKBACK = -0.74, 3   # asent/VADER: "ikke god" is weaker than "dårlig"
HYPOTHETICAL_SCALAR, AFTER_CONTRAST_SCALAR = 0.3, 1.5
LOOKBACK = (1.0, 0.95, 0.9)   # an intensifier's weight by its distance to the word (asent)
MIN_SENTIDA = 1.0        # Sentida's weaker lemmas are mostly noise for comments ("vi" +1)
B_INCR = 0.293

_CLAUSE_END = frozenset(".!?;:")
_BARRIER = frozenset(",()\"'–-")
_DIGRAPHS = (("ae", "æ"), ("oe", "ø"), ("aa", "å"))
_SCORED = re.compile(r"(.+?)\s+([+-]?\d+(?:\.\d+)?)$")

# Survey supplement: phrases and words with the weight they carry in comments on the scheme.
_SURVEY = """
tak +2, tusind tak +3, mange tak +3, stor tak +3, ok +1.5, fin +2, fint +2, super +2.5, glad for +2.5, hurtig +2,
kompetent +2.5, brugbar +2, dygtig +2.5, professionel +2, kyndig +2, fagkyndig +2, vidende +2, erfaren +1.5,
relevant +1.5, nyttig +2, værdifuld +2.5, givende +2, uundværlig +3, guld værd +3, anbefale +2, anbefales +2,
flink +2, venlig +2, imødekommende +2, hjælpsom +2, lyttende +1.5, engageret +2, grundig +1.5, velforberedt +2,
konstruktiv +2, tryg +2, tryghed +2, skarp +1.5, tilgængelig +1.5, let +1.5, nem +1.5, hjælp +1.5, hjælpe +1.5,
hjalp +1.5, hjulpet +1.5, god hjælp +3, stor hjælp +2.5, kæmpe hjælp +2.5, god sparring +3, stor viden +2,
forskel +1.5, forskel på 0, med det samme +1.5, få svar +1.5, fik svar +1.5, noget ud af +1.5, meget ud af +2,
noget nyt ud af +1.5, bedre end +1.5, tog tid -1.5, tog lang tid -2, tog lidt tid -1.5, tager tid -1.5,
svær at -1.5, svær at nå -2, få fat +1.5, følge op +1.5, fulgte op +1.5, vende tilbage +1.5, opfølgning +1,
bruge jer igen +2, bruge dem igen +2, bruge ordningen igen +2, svær at få fat -2.5, svær at komme igennem -2.5,
svær at finde -2, svær at bruge -2, svær at gennemskue -2, ventetid -1.5, vente -1.5, lang tid -1.5, forfra -1.5,
ukendt -1.5, ikke nok -1.5, tynd -1.5, tung -1.5, standardsvar -1.5, for generel -2, for overordnet -2, for lang -2,
for sen -2, for sent -2, for langsom -2, for teoretisk -2, for abstrakt -2, for lidt -1.5, for få -1.5,
for kort -1.5, alene med -1.5, generel -1.5, overordnet -1.5, bekymrende -2, savne -2, mangle -2, savner -1,
mangler -1, desværre -2, ærgerlig -2, frustrerende -2.5, skuffende -2.5, skuffet -2.5, langsom -1.5,
utilgængelig -2.5, ubrugelig -3, overfladisk -2, uklar -2, forvirrende -2, tilbageslag -2, spild -2.5, forgæves -2,
i stå -1.5, negativ social kontrol 0, for guds skyld 0, 👍 +2, ⭐ +2, 👏 +2, 🙏 +1.5, 🙂 +2, 😊 +2, 😀 +2, ❤ +2.5, ❤️ +2.5,
👎 -2, 😡 -3, 😠 -3, 🙁 -2, ☹ -2, 😞 -2, 😕 -1.5
"""
# Words that describe the case or the organisation, not how the answer feels about the scheme.
_NEUTRAL = """
alvorlig vold tvang trussel true truet bange frygt kontrol social æresrelateret ær tvangsægteskab drab mistanke
udsat udsætte risiko risikere fare farlig konflikt kriminalitet offer forurette anholdelse bortføre flygte
tilbageholde skilsmisse skilt ufrivillig alene familie far mor barn pige dreng ung unge kvinde mand politi kommune
elev vagt bo fri efterlade svær rodet uoverskuelig led leder le vi bekymring bekymre bekymret fik få får når nå ved
vide viden megen mangen tilbage lille lav ude ende føre først første sammen samarbejde give gav tag tage bruge del
dele dansk finde tro tænke ønske håbe gerne lige hele direkte fælles plan input overhoved slette slet halv kort
længe fast faste bevare ring ringe fat fatte penge hjem sikkerhed sikker sikre mulighed akut gælde dør nej ja kun
bare sommerferie ferie forår ny nye tilbud tilbyde starte begynde faktisk klare love lovet håb sørge gift giftes
sommer vilje ressource sparre faglig kulturel aftale bed bort rejse skære fange sidst konsulent ordning bedre
"""
_NEGATIONS = "ikke ik ikk aldrig ingen intet ingenting hverken uden"
_NOT_NEGATING = frozenset({"mindst", "kun", "bare", "blot", "alene"})   # "ikke mindst", "ikke kun"
_CONTRASTS = "men dog ellers derimod alligevel gengæld selvom omend skønt bortset"
_HYPOTHETICAL = "ville gerne burde bør ønsker ønske ønskede kunne_være kunne_godt håber savner"
_INTENSIFIERS = {"meget": B_INCR, "rigtig": B_INCR, "virkelig": B_INCR, "super": B_INCR, "utrolig": 0.3,
                 "vildt": B_INCR, "særdeles": B_INCR, "kæmpe": B_INCR, "mega": 0.4, "stor": B_INCR,
                 "lidt": -0.2}
_NO_CONTENT = frozenset("""nej ingen intet ikke noget nogen tak ved vide det jeg synes syne yderligere kommentar
kommentarer bemærkning bemærkninger umiddelbart særlig særligt andet mere at tilføje har have nope nix n/a na
x til pt p.t. nu ok okay ellers herfra var være hele - ... .""".split())
_REFUSALS = frozenset({"nej", "ingen", "intet", "ikke", "nope", "nix", "-", "n/a", "na", "x"})


@dataclass(frozen=True)
class Lexicon:
    """Valences for word forms and lemmas, weighted phrases and the words that modify them."""

    name: str
    words: Mapping[str, float]
    overrides: Mapping[str, float]   # checked first, for every form of a token
    phrases: tuple[tuple[tuple[str, ...], float], ...]   # longest first
    negations: frozenset[str]
    contrasts: frozenset[str]
    intensifiers: Mapping[str, float]
    hypothetical: frozenset[str] = frozenset()


def _asent():
    """asent's Danish module and its lexicon registry (imported late: it pulls in spaCy components)."""
    with warnings.catch_warnings():   # asent's pydantic models warn about pydantic 2 on import
        warnings.simplefilter("ignore", DeprecationWarning)
        from asent.lang import da
        from asent.utils import lexicons
    return da, lexicons


@lru_cache(maxsize=1)
def asent_words() -> dict[str, float]:
    """asent's Danish lexicon: AFINN word forms, Sentida lemmas (|score| >= 1) and emoji."""
    da, lexicons = _asent()
    words = {w: v for w, v in da.LEXICON.items() if abs(v) >= MIN_SENTIDA}
    # asent's component adds the emoji to its AFINN dict in place; a copy keeps ours stable.
    words.update(dict(lexicons.get("lexicon_da_afinn_v1")))
    words.update({e: v for e, v in lexicons.get("emoji_v1").items() if v})
    return words


def base_lexicon() -> Lexicon:
    """asent's Danish lexicon, negations and contrast words alone, without the survey supplement."""
    da, _ = _asent()
    return Lexicon(name="asent", words=asent_words(), overrides={}, phrases=(), negations=frozenset(da.NEGATIONS),
                   contrasts=frozenset(da.CONTRASTIVE_CONJ), intensifiers=dict(da.INTENSIFIERS))


@lru_cache(maxsize=1)
def survey_lexicon() -> Lexicon:
    """asent's Danish lexicon tuned for comments on the scheme (the default)."""
    base = base_lexicon()
    # Intensifiers carry no valence of their own ("rigtig" alone is "correct"), but "Super!" does.
    words = {w: 0.0 for w in _NEUTRAL.split() + list(_INTENSIFIERS)}
    phrases = []
    for entry in filter(None, (e.strip() for e in _SURVEY.replace("\n", ",").split(","))):
        text, score = _SCORED.match(entry).groups()
        if " " in text:
            phrases.append((tuple(text.split()), float(score)))
        else:
            words[text] = float(score)
    phrases = tuple(sorted(phrases, key=lambda p: -len(p[0])))   # the longest phrase wins
    return Lexicon(
        name="asent+survey", words=base.words, overrides=words, phrases=phrases,
        negations=base.negations | set(_NEGATIONS.split()), contrasts=base.contrasts | set(_CONTRASTS.split()),
        intensifiers={**base.intensifiers, **_INTENSIFIERS},
        hypothetical=frozenset(w.replace("_", " ") for w in _HYPOTHETICAL.split()))


def sentiment(texts: Iterable[str], *, lexicon: Lexicon | None = None) -> list[str]:
    """One of positiv, negativ, blandet, neutral for each answer.

    Examples
    --------
    >>> sentiment(["Hurtig og kompetent hjælp", "Svært at få fat i dem", "Nej tak"])  # doctest: +SKIP
    ['positiv', 'negativ', 'neutral']
    """
    return sentiment_scores(texts, lexicon=lexicon)[LABEL].tolist()


def sentiment_scores(texts: Iterable[str], *, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Positive and negative weight (sums over clauses) and the label for each answer.

    Examples
    --------
    >>> sentiment_scores(["Super flinke folk, men rådene var for generelle"])  # doctest: +SKIP
       pos  neg    label
    0  2.0  3.0  blandet
    """
    lexicon = lexicon or survey_lexicon()
    texts = ["" if t is None or (isinstance(t, float) and pd.isna(t)) else str(t) for t in texts]
    rows = [(0.0, 0.0, NEUTRAL)] * len(texts)
    filled = [i for i, t in enumerate(texts) if t.strip()]
    for i, tokens in zip(filled, load_analyzer().analyze([texts[i] for i in filled]) if filled else ()):
        rows[i] = score_tokens(tokens, lexicon)
    return pd.DataFrame(rows, columns=[POS, NEG, LABEL])


def fingerprint(lexicon: Lexicon) -> str:
    """What a label depends on besides the tokens: the lexicon and these rules (this file's source).

    The NLP cache keeps labels under it (cache.NlpCache.get_labels), so changing a word's valence
    or a scoring rule makes every label be worked out again, with no version number to remember.
    """
    hit = _FINGERPRINTS.get(id(lexicon))
    if hit is None or hit[0] is not lexicon:
        content = json.dumps(asdict(lexicon), sort_keys=True, ensure_ascii=False, default=sorted)
        hit = _FINGERPRINTS[id(lexicon)] = (lexicon, rules_digest([__file__], content.encode()))
    return hit[1]


_FINGERPRINTS: dict = {}
CACHE_LIMIT = 500_000        # (token, lexicon) facts kept
_FACTS: dict = {}


class _Facts(NamedTuple):
    """What scoring needs to know of one token, worked out once per token and lexicon."""

    forms: tuple[str, str, str]     # lower case as written, with ae/oe/aa as æ/ø/å, and the lemma
    word: bool                      # it has a letter or a digit
    says_nothing: bool              # "nej", "tak", "kommentar" ...
    refusal: bool                   # "nej", "ingen", "-" ...
    splits: bool                    # it ends a clause: a sentence end or a contrast word
    contrast: bool                  # "men", "dog" ...
    barrier: bool                   # a comma, bracket or dash: negation and intensifiers stop here
    candidates: tuple[int, ...]     # the phrases whose first word it is
    value: float | None             # its own valence (a Danish compound takes its head's)
    negation: bool
    boost: float                    # as an intensifier


def score_tokens(tokens: list[Token], lexicon: Lexicon) -> tuple[float, float, str]:
    """(pos, neg, label) for one analysed answer: blandet when one clause praises and another criticises."""
    facts = [_token_facts(t, lexicon) for t in tokens]
    if _no_content(tokens, facts) or not any(f.candidates or f.value for f in facts):
        return 0.0, 0.0, NEUTRAL   # a refusal, or no word or phrase with a valence
    parts = [_clause_score(c, lexicon, after) for c, after in _clauses(facts)]
    pos, neg = sum(p for p, _ in parts), sum(n for _, n in parts)
    strong_pos, strong_neg = any(p >= THRESHOLD for p, _ in parts), any(n >= THRESHOLD for _, n in parts)
    if strong_pos and strong_neg:
        label = BLANDET
    elif strong_pos or strong_neg:
        label = POSITIV if strong_pos else NEGATIV
    else:   # no clause decides alone; together they may
        label = POSITIV if pos - neg >= THRESHOLD else NEGATIV if neg - pos >= THRESHOLD else NEUTRAL
    return round(pos, 3), round(neg, 3), label


def _token_facts(token: Token, lexicon: Lexicon) -> _Facts:
    # Per token and lexicon (see nlp.per_token for the token-only memos and why ids are keys).
    hit = _FACTS.get((id(token), id(lexicon)))
    if hit is not None and hit[0] is token and hit[1] is lexicon:
        return hit[2]
    facts = _facts_of(token, lexicon)
    if len(_FACTS) >= CACHE_LIMIT:
        _FACTS.clear()
    _FACTS[(id(token), id(lexicon))] = (token, lexicon, facts)
    return facts


def _facts_of(token: Token, lexicon: Lexicon) -> _Facts:
    text = respelled = token.text.lower()
    for digraph, letter in _DIGRAPHS:
        respelled = respelled.replace(digraph, letter)
    forms = (text, respelled, token.lemma)
    index = _phrase_index(lexicon.phrases)
    candidates = tuple(n for n in sorted({n for f in forms for key in {f, f[:4]} for n in index.get(key, ())})
                       if _element_matches(lexicon.phrases[n][0][0], forms))
    value = _lookup(forms, lexicon)
    if value is None and token.parts:
        value = _lookup(token.parts[-1:], lexicon)
    contrast = token.lemma in lexicon.contrasts or text in lexicon.contrasts
    return _Facts(
        forms=forms, word=any(c.isalnum() for c in token.text),
        says_nothing=bool(set(forms) & _NO_CONTENT), refusal=bool(set(forms) & _REFUSALS),
        splits=token.text in _CLAUSE_END or contrast, contrast=contrast, barrier=token.text in _BARRIER,
        candidates=candidates, value=value, negation=any(f in lexicon.negations for f in forms),
        boost=next((lexicon.intensifiers[f] for f in forms if f in lexicon.intensifiers), 0.0))


def _no_content(tokens: list[Token], facts: list[_Facts]) -> bool:
    """Nothing but punctuation, or a refusal like "nej tak", "-", "intet yderligere" (emoji or not)."""
    words = [f for f in facts if f.word]
    if not words:
        return all(unicodedata.category(c).startswith("P") or c.isspace() for t in tokens for c in t.text)
    return all(f.says_nothing for f in words) and any(f.refusal for f in words)


def _clauses(facts: list[_Facts]) -> list[tuple[list[_Facts], bool]]:
    """Clauses split at sentence ends and contrast words, each with whether a contrast word opened it."""
    clauses, current, contrasted = [], [], False
    for f in facts:
        if f.splits:
            clauses.append((current, contrasted))
            current, contrasted = [], f.contrast
        else:
            current.append(f)
    return [(c, after) for c, after in clauses + [(current, contrasted)] if c]


def _valences(forms, facts: list[_Facts], lexicon: Lexicon) -> list[float]:
    """Each token's own valence; a matched phrase puts its weight on its first word."""
    out, i = [0.0] * len(forms), 0
    while i < len(forms):
        f = facts[i]
        if f.candidates:   # phrases whose first word this token is; do the next words follow?
            phrase = next((lexicon.phrases[n] for n in f.candidates
                           if _phrase_matches(lexicon.phrases[n][0], forms, i)), None)
            if phrase:
                out[i] = phrase[1]
                i += len(phrase[0])
                continue
        if not f.negation:
            out[i] = f.value or 0.0
        i += 1
    return out


@lru_cache(maxsize=8)
def _phrase_index(phrases) -> dict[str, tuple[int, ...]]:
    """Phrase positions by what their first element needs a word to start with (all of it when
    shorter than four letters, else its first four), so each word is tried against few phrases."""
    index: dict[str, list[int]] = {}
    for n, (parts, _) in enumerate(phrases):
        index.setdefault(parts[0] if len(parts[0]) < 4 else parts[0][:4], []).append(n)
    return {key: tuple(ns) for key, ns in index.items()}


def _lookup(forms, lexicon: Lexicon) -> float | None:
    return next((d[f] for d in (lexicon.overrides, lexicon.words) for f in forms if f in d), None)  # supplement first


def _phrase_matches(parts: tuple[str, ...], forms, i: int) -> bool:
    """Whether the phrase starting at token ``i`` goes on in the next tokens (its first element
    matches token ``i``: ``_facts_of`` keeps only such candidates)."""
    return i + len(parts) <= len(forms) and all(_element_matches(p, forms[j]) for j, p in enumerate(parts[1:], i + 1))


def _element_matches(part: str, word_forms) -> bool:
    """Phrase elements of four letters or more match word forms that start with them ("svær" ~ "svært")."""
    return any(f == part or (len(part) >= 4 and f.startswith(part)) for f in word_forms)


def _clause_score(clause: list[_Facts], lexicon: Lexicon, after_contrast: bool = False) -> tuple[float, float]:
    """(pos, neg) of one clause: its net score, or both sides when praise and critique cancel out."""
    if not any(f.candidates or f.value for f in clause):
        return 0.0, 0.0    # no word or phrase with a valence: nothing below would score
    forms = [f.forms for f in clause]
    own = _valences(forms, clause, lexicon)
    boost = [f.boost for f in clause]
    # An intensifier only modifies a word with valence right after it; alone it keeps its own valence.
    valence = [0.0 if boost[i] and i + 1 < len(own) and own[i + 1] else own[i] for i in range(len(own))]
    # A wish or a condition ("det ville være godt med ...", "det ville være en katastrofe hvis ...")
    # is a suggestion, not an evaluation: it dampens what follows it. Found only when a word has a
    # valence, as the first word (or pair of words) that is one.
    first_wish = None
    scores = []
    for i, v in enumerate(valence):
        if not v:
            continue
        for k, weight in enumerate(LOOKBACK, start=1):
            if i - k < 0 or clause[i - k].barrier:
                break
            v = v + boost[i - k] * weight if v > 0 else v - boost[i - k] * weight
        v *= NEGATION_SCALAR if _negated(clause, forms, i, lexicon) else 1.0
        if first_wish is None:
            first_wish = next((j for j in range(len(forms)) if _wish(forms, j, lexicon.hypothetical)), len(forms))
        v *= HYPOTHETICAL_SCALAR if first_wish < i else 1.0
        v *= AFTER_CONTRAST_SCALAR if after_contrast else 1.0    # asent/VADER: what follows "men" weighs more
        scores.append(v)
    net = sum(scores)
    if abs(net) < THRESHOLD and max(scores, default=0) >= THRESHOLD and min(scores, default=0) <= -THRESHOLD:
        return sum(v for v in scores if v > 0), -sum(v for v in scores if v < 0)
    return max(net, 0.0), max(-net, 0.0)


def _wish(forms, j: int, hypothetical) -> bool:
    """The word at ``j``, or it and the next, written as a wish or condition ("ville", "hvis bare")."""
    word = forms[j][1]
    return word in hypothetical or (j + 1 < len(forms) and f"{word} {forms[j + 1][1]}" in hypothetical)


def _negated(clause, forms, i: int, lexicon: Lexicon) -> bool:
    """A negation among the few words before, or right after a verb ("det hjalp ikke")."""
    def negation(j):
        following = forms[j + 1][0] if j + 1 < len(forms) else ""
        return clause[j].negation and following not in _NOT_NEGATING

    for j in range(i - 1, max(i - 1 - NEGATION_LOOKBACK, -1), -1):
        if clause[j].barrier:
            break
        if negation(j):
            return True
    for j in (i + 1, i + 2):
        if j >= len(clause) or clause[j].barrier:
            break
        if forms[j][0] in ("ikke", "aldrig") and negation(j):
            return True
    return False
