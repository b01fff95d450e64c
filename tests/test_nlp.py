import pytest

from textmine.rules import KeywordMatcher


def lemmas(nlp, text):
    return [t.lemma for t in nlp.analyze([text])[0]]


def test_pipeline_is_named(nlp_da):
    assert nlp_da.name.startswith(("blank:da+lookups", "da_core_news_sm"))
    assert "spacy" in nlp_da.name


@pytest.mark.parametrize("text, lemma", [
    ("Lovgivningen", "lovgivning"),
    ("myndighederne", "myndighed"),
    ("Konsulenterne", "konsulent"),
    ("kurser", "kursus"),
    ("hjaelp", "hjælp"),          # ae for æ
    ("moedet", "møde"),           # oe for ø
    ("paa", "på"),                # aa for å
])
def test_lemmas_are_lowercase_dictionary_forms(nlp_da, text, lemma):
    assert lemmas(nlp_da, text) == [lemma]


@pytest.mark.parametrize("word, parts", [
    ("udlandslovgivning", {"udland", "lovgivning"}),
    ("sikkerhedskonsulenterne", {"sikkerhed", "konsulent"}),
    ("risikovurderingen", {"risiko", "vurdering"}),
    ("netværkssamarbejde", {"netværk", "samarbejde"}),
])
def test_compounds_give_their_parts(nlp_da, word, parts):
    token = nlp_da.analyze([word])[0][0]
    assert parts <= set(token.parts)


def test_known_words_are_not_cut_into_nonsense(nlp_da):
    for word in ("lovgivning", "konsulenterne", "samarbejde"):
        assert nlp_da.analyze([word])[0][0].parts == ()


@pytest.mark.parametrize("text", ["", "   ", "😀👍", "\x00\x07 tak", "<script>alert(1)</script>", "a" * 5000])
def test_odd_text_does_not_break_analysis(nlp_da, text):
    assert isinstance(nlp_da.analyze([text])[0], list)


@pytest.fixture(scope="module")
def matcher_q8(nlp_da, codebook_q8):
    return KeywordMatcher.from_codebook(codebook_q8, nlp_da)


@pytest.mark.parametrize("text", [
    "Vi manglede viden om lovgivningen i Pakistan",
    "Rådgivning om udlandslovgivning var det vi havde brug for",
])
def test_keywords_match_inflected_forms_and_compounds(nlp_da, matcher_q8, text):
    assert "lovgivning_udland" in matcher_q8.hits(nlp_da.analyze([text])[0])


def test_keyword_in_another_sense_does_not_match(nlp_da, matcher_q8):
    hits = matcher_q8.hits(nlp_da.analyze(["Jeg har lovet kollegerne at anbefale jer"])[0])
    assert "lovgivning_udland" not in hits


def test_multiword_keywords_need_their_words_in_order(nlp_da, codebook_q4):
    matcher = KeywordMatcher.from_codebook(codebook_q4, nlp_da)
    analysed = nlp_da.analyze(["Hun skulle have skjult adresse med det samme", "Adressen var ikke skjult"])
    assert "bc_sikkerhed" in matcher.hits(analysed[0])
    assert "skjult adresse" not in " ".join(matcher.hits(analysed[1]).get("bc_sikkerhed", []))
