"""The NLP cache: spaCy runs once per distinct text and pipeline version, and never changes a result."""

import logging

import pandas as pd
import pytest

from textmine.cache import NlpCache
from textmine.coding import classify_table
from textmine.nlp import Analyzer

ANSWERS = ["Svært at få fat i dem i ferien", "Rigtig god raadgivning om udlandslovgivning 👍",
           "", "Svært at få fat i dem i ferien", "Konsulenterne var hurtige og søde"]


@pytest.fixture()
def counted(nlp_da, monkeypatch):
    """The texts the spaCy pipeline is run on, call by call."""
    calls: list[list[str]] = []
    run = Analyzer._run

    def counting(self, cleaned, batch_size):
        calls.append(list(cleaned))
        return run(self, cleaned, batch_size)

    monkeypatch.setattr(Analyzer, "_run", counting)
    return calls


def _lemmas(docs):
    return [[(t.text, t.lemma, t.parts) for t in d] for d in docs]


def test_second_run_does_not_run_spacy_on_unchanged_texts(nlp_da, counted, tmp_path):
    cache = NlpCache(tmp_path, nlp_da.version)
    first = nlp_da.analyze(ANSWERS, cache=cache)
    assert sum(len(c) for c in counted) == 4          # the repeated answer analysed once
    counted.clear()
    second = nlp_da.analyze(ANSWERS, cache=NlpCache(tmp_path, nlp_da.version))
    assert counted == []
    assert _lemmas(second) == _lemmas(first)


def test_changed_text_and_changed_pipeline_version_are_recomputed(nlp_da, counted, tmp_path):
    nlp_da.analyze(ANSWERS, cache=NlpCache(tmp_path, nlp_da.version))
    counted.clear()
    nlp_da.analyze(ANSWERS[:-1] + ["Konsulenterne var hurtige og søde!"], cache=NlpCache(tmp_path, nlp_da.version))
    assert counted == [["Konsulenterne var hurtige og søde!"]]
    counted.clear()
    nlp_da.analyze(ANSWERS, cache=NlpCache(tmp_path, nlp_da.version + " (ny spaCy)"))
    assert sum(len(c) for c in counted) == 4


def test_corrupt_cache_file_warns_and_is_started_afresh(nlp_da, counted, tmp_path, caplog):
    cache = NlpCache(tmp_path, nlp_da.version)
    tmp_path.mkdir(exist_ok=True)
    cache.path.write_bytes(b"not a database at all " * 100)
    with caplog.at_level(logging.WARNING, logger="textmine"):
        docs = nlp_da.analyze(ANSWERS, cache=cache)
    assert "kunne ikke læses" in caplog.text
    assert _lemmas(docs) == _lemmas(nlp_da.analyze(ANSWERS))
    counted.clear()
    nlp_da.analyze(ANSWERS, cache=NlpCache(tmp_path, nlp_da.version))
    assert counted == []                                # the fresh file was filled


def test_coding_is_identical_with_and_without_cache(codebook_q8, tmp_path):
    df = pd.DataFrame({"id": range(len(ANSWERS)), "text": ANSWERS})
    plain = classify_table(df, codebook_q8)
    from textmine.nlp import load_analyzer

    cache = NlpCache(tmp_path, load_analyzer().version)
    cold = classify_table(df, codebook_q8, cache=cache)
    warm = classify_table(df, codebook_q8, cache=NlpCache(tmp_path, load_analyzer().version))
    pd.testing.assert_frame_equal(cold, plain)
    pd.testing.assert_frame_equal(warm, plain)


def test_sentiment_is_kept_and_worked_out_again_when_its_rules_change(codebook_q8, tmp_path, monkeypatch):
    from textmine import coding
    from textmine.coding import Coder
    from textmine.nlp import load_analyzer

    scored = []
    score = coding.score_tokens

    def counting(tokens, lexicon):
        scored.append(tokens)
        return score(tokens, lexicon)

    monkeypatch.setattr(coding, "score_tokens", counting)
    version = load_analyzer().version

    def code():
        coder = Coder.for_codebook(codebook_q8)
        coder.cache = NlpCache(tmp_path, version)
        return coder.code(ANSWERS)

    first = code()
    assert len(scored) == 3                              # 3 distinct texts; "" is never scored
    scored.clear()
    second = code()
    assert scored == []
    pd.testing.assert_frame_equal(second, first)
    monkeypatch.setattr(coding, "fingerprint", lambda lexicon: "a changed lexicon")
    third = code()
    assert len(scored) == 3
    pd.testing.assert_frame_equal(third, first)


def test_forked_workers_share_one_cache_file(codebook_q8, tmp_path):
    """Two workers add tokens to the same file at once; a later run reads every answer back intact."""
    from textmine.stream import classify_file

    texts = [f"Svar nr. {i}: konsulent{i % 97} var {'hurtig' if i % 2 else 'svær at få fat i'} ({i % 13} gange)"
             for i in range(12_000)]
    src = tmp_path / "svar.csv"
    pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(src, index=False)
    from textmine.nlp import load_analyzer

    version = load_analyzer().version
    outs = []
    for name in ("cold", "warm"):
        out = tmp_path / f"{name}.csv"
        classify_file(src, codebook_q8, out, workers=2, rows=2_000, cache=NlpCache(tmp_path / "cache", version))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    plain = tmp_path / "plain.csv"
    classify_file(src, codebook_q8, plain, workers=1)
    assert plain.read_bytes() == outs[0]


def test_equal_tokens_that_are_distinct_objects_are_stored_once_and_read_back(tmp_path):
    """A trained pipeline can give two Token objects with the same text, lemma and parts in one batch."""
    from textmine.nlp import Token

    a, b = Token("ferien", "ferie"), Token("ferien", "ferie")
    other = Token("udlandslovgivning", "udlandslovgivning", ("udland", "lovgivning"))
    cache = NlpCache(tmp_path, "test")
    cache.put_many([(b"k1", [a, other]), (b"k2", [b, a])])
    fresh = NlpCache(tmp_path, "test")
    got = fresh.get_many([b"k1", b"k2", b"k3"], lambda text, lemma, parts: Token(text, lemma, parts))
    assert got == {b"k1": [a, other], b"k2": [a, a]}
    assert fresh._connect().execute("SELECT count(*) FROM forms").fetchone()[0] == 2


def test_masking_is_kept_per_exact_text_and_worked_out_again_when_its_rules_change(tmp_path, monkeypatch):
    from textmine import redact
    from textmine.nlp import load_analyzer
    from textmine.redact import redact_table

    masked = []
    mask = redact._masked

    def counting(text):
        masked.append(text)
        return mask(text)

    monkeypatch.setattr(redact, "_masked", counting)
    texts = ["Ring til Mette på 22 33 44 55", "Ring til  Mette på 22 33 44 55", "Tak for hjælpen", None,
             "Ring til Mette på 22 33 44 55", "Skriv til mette.hansen@kommune.dk eller Jonas"]
    df = pd.DataFrame({"id": range(len(texts)), "text": texts})
    plain = redact_table(df, "text")
    assert len(masked) == 5
    version = load_analyzer().version

    def run():
        masked.clear()
        return redact_table(df, "text", cache=NlpCache(tmp_path, version))

    cold = run()
    assert masked == texts[:3] + texts[5:]           # the repeated text once; the double space is its own text
    warm = run()
    assert masked == []
    for out in (cold, warm):
        pd.testing.assert_frame_equal(out, plain)
        assert out.attrs["masks"] == plain.attrs["masks"] == 8   # 2 + 2 + 2 + e-mail and name
    assert warm["text"][1] == "Ring til  [NAVN] på [TELEFON]"   # the respondent's spacing kept
    monkeypatch.setattr(redact, "fingerprint", lambda: "changed name lists")
    assert run()["text"].tolist() == plain["text"].tolist() and len(masked) == 4
