import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from textmine import ModelError, ThemeClassifier, decide, load_model, save_model
from textmine.coding import Coder


@pytest.fixture(scope="module")
def frame_only_q8(codebook_q8):
    """Cold start: the code frame's own examples, keywords and descriptions only."""
    return ThemeClassifier(codebook_q8).fit([], [])


@pytest.fixture(scope="module")
def fitted_model(codebook_q8):
    return Coder.for_codebook(codebook_q8).model


def test_fit_returns_self_and_classes_follow_the_frame(codebook_q8):
    clf = ThemeClassifier(codebook_q8)
    with pytest.raises(NotFittedError):
        clf.predict_proba(["Tak"])
    assert clf.fit(["Tusind tak for hjælpen"], [["generel_ros"]]) is clf
    assert list(clf.classes_) == list(codebook_q8.ids)
    proba = clf.predict_proba(["Tak", "Svært at få fat i dem"])
    assert proba.shape == (2, len(codebook_q8.ids)) and ((proba >= 0) & (proba <= 1)).all()


@pytest.mark.parametrize("text, theme", [
    ("Vi manglede viden om lovgivningen i udlandet", "lovgivning_udland"),
    ("Et kursus for hele afdelingen ville være godt", "kurser_oplaeg"),
    ("Nej", "ingen_kommentar"),
    ("Ordningen må ikke lukke, den skal gøres permanent", "ordningens_fremtid"),
])
def test_frame_alone_gives_useful_suggestions(frame_only_q8, text, theme):
    assert theme in frame_only_q8.predict([text])[0]


@pytest.mark.parametrize("text, theme", [
    ("De tog telefonen kl. 22 en søndag", "tilgaengelighed"),
    ("Vores kolleger på skolerne har aldrig hørt om jer", "kendskab"),
    ("Det ville være godt med en skabelon til sikkerhedsplanen", "materialer"),
    ("Konsulenten fik politiet, skolen og familieafdelingen til at sidde ved samme bord", "tvaerfagligt_netvaerk"),
])
def test_shipped_model_codes_comments_it_has_not_seen(fitted_model, text, theme):
    assert theme in fitted_model.predict([text])[0]


def test_no_comment_never_combines_with_another_theme(codebook_q8, fitted_model):
    ids = list(codebook_q8.ids)
    proba = np.full((1, len(ids)), 0.05)
    proba[0, ids.index("ingen_kommentar")] = 0.9
    proba[0, ids.index("generel_ros")] = 0.8
    assert decide(proba, codebook_q8)[0].themes == ["ingen_kommentar"]
    proba[0, ids.index("generel_ros")] = 0.95
    assert decide(proba, codebook_q8)[0].themes == ["generel_ros"]
    for themes in fitted_model.predict(["Nej tak", "-", "Intet at tilføje", "Nej, ellers tak for hjælpen"]):
        assert "ingen_kommentar" not in themes or themes == ["ingen_kommentar"]


def test_single_label_frame_gives_exactly_one_theme(codebook_q1):
    coder = Coder.for_codebook(codebook_q1)
    texts = ["Jobcentret", "Psykiatrien i Region Syddanmark", "Kriminalforsorgen", "SSP og politiet", "vil ikke oplyse"]
    proba = coder.model.predict_proba(texts)
    assert np.allclose(proba.sum(axis=1), 1.0)
    predicted = coder.model.predict(texts)
    assert all(len(themes) == 1 for themes in predicted)
    assert predicted[0] == ["bc_kommune"] and predicted[2] == ["statslig"]


def test_multi_label_answers_can_carry_two_themes(fitted_model):
    themes = fitted_model.predict(["Hurtigt svar og en meget kompetent vurdering af sagen"])[0]
    assert {"faglig_sparring", "tilgaengelighed"} <= set(themes)


def test_unrelated_text_is_flagged_for_review(codebook_q8):
    coded = Coder.for_codebook(codebook_q8).code(["Bananer er gule og kantinen lukker kl. 14"])
    assert bool(coded["needs_review"].iat[0])


def test_saved_model_predicts_the_same_and_checks_its_frame(tmp_path, fitted_model, codebook_q8, codebook_q4):
    save_model(fitted_model, tmp_path / "m", training={"n": 1}, metrics={}, nlp="test")
    loaded, meta = load_model(tmp_path / "m", codebook_q8)
    texts = ["Tak for hjælpen", "Svært at komme igennem i ferien"]
    assert np.allclose(loaded.predict_proba(texts), fitted_model.predict_proba(texts))
    assert meta["codebook"]["codebook"] == "sikkerhedskonsulent-2024-q8"
    assert {"scikit-learn", "spacy"} <= set(meta["versions"])
    with pytest.raises(ModelError, match="sikkerhedskonsulent-2024-q8.*sikkerhedskonsulent-2024-q4-andet"):
        load_model(tmp_path / "m", codebook_q4)


def test_single_label_calibration_weighs_every_theme_and_survives_saving(tmp_path, codebook_q1):
    """Competing themes: one theme's probability depends on the others' scores (k x k+1 calibration)."""
    model = Coder.for_codebook(codebook_q1).model
    k = len(codebook_q1.ids)
    assert model.calibration_.shape == (k, k + 1)
    off_diagonal = model.calibration_[:, :k][~np.eye(k, dtype=bool)]
    assert np.abs(off_diagonal).max() > 0.05
    save_model(model, tmp_path / "q1", training={"n": 1}, metrics={}, nlp="test")
    loaded, _ = load_model(tmp_path / "q1", codebook_q1)
    texts = ["Kommunens SSP-konsulent", "Politiet i Østjylland", "Krisecenter for kvinder"]
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts))
    assert loaded.predict(texts) == model.predict(texts)


def test_damaged_model_directory_is_a_clear_error(tmp_path, codebook_q8):
    (tmp_path / "m").mkdir()
    with pytest.raises(ModelError, match="meta.json mangler"):
        load_model(tmp_path / "m", codebook_q8)


def test_answers_without_words_are_not_given_content_themes(fitted_model):
    """A dot or a question mark once came out as praise or legislation abroad, sure of it."""
    coded = Coder.for_codebook(fitted_model.codebook).code([".", "?", "-", "👍"])
    assert coded["themes"].tolist()[:3] == ["ingen_kommentar"] * 3
    assert coded["needs_review"].tolist() == [False, False, False, True]


def test_idf_weighs_rare_ngrams_up_and_survives_saving(tmp_path, fitted_model, codebook_q8):
    """The same hashed features, weighted by inverse document frequency learned in training."""
    from textmine.classify import _idf, _reweighted
    from textmine.features import N_CHAR_FEATURES, N_WORD_FEATURES

    # Hand-computed on three documents: column 0 in all, column 1 in one, keyword column untouched.
    kw = N_WORD_FEATURES + N_CHAR_FEATURES
    X = sp.csr_matrix(([1.0, 1.0, 1.0, 1.0, 0.3], ([0, 0, 1, 2, 0], [0, 1, 0, 0, kw])), shape=(3, kw + 4))
    idf = _idf(X)
    assert idf[0] == pytest.approx(np.log(4 / 4) + 1) and idf[1] == pytest.approx(np.log(4 / 2) + 1)
    assert idf[2] == pytest.approx(np.log(4 / 1) + 1) and idf[kw] == 1.0
    row = _reweighted(X, idf).toarray()[0]
    word_block = row[:N_WORD_FEATURES]
    assert np.linalg.norm(word_block) == pytest.approx(1.0)          # l2-normalised again per block
    assert row[1] / row[0] == pytest.approx(idf[1] / idf[0])          # the rarer n-gram weighs more
    assert row[kw] == pytest.approx(0.3)                              # keyword hits keep their scale

    assert fitted_model.idf_ is not None
    save_model(fitted_model, tmp_path / "m", training={"n": 1}, metrics={}, nlp="test")
    loaded, meta = load_model(tmp_path / "m", codebook_q8)
    assert meta["params"]["idf"] is True
    assert np.allclose(loaded.idf_, fitted_model.idf_)
    assert (tmp_path / "m" / "weights.npz").stat().st_size < 1_000_000   # not the dense 500k vector


def test_model_saved_before_idf_still_loads_and_predicts_unweighted(tmp_path, codebook_q8):
    texts = ["Tak for hjælpen", "Svært at komme igennem i ferien", "Mere om lovgivningen i Pakistan"]
    labels = [["generel_ros"], ["tilgaengelighed"], ["lovgivning_udland"]]
    old = ThemeClassifier(codebook_q8, idf=False).fit(texts, labels)
    assert old.idf_ is None
    save_model(old, tmp_path / "old", training={"n": 3}, metrics={}, nlp="test")
    loaded, _ = load_model(tmp_path / "old", codebook_q8)
    assert loaded.idf_ is None
    assert np.allclose(loaded.predict_proba(texts), old.predict_proba(texts))


def test_joined_blocks_and_reweighting_match_the_plain_scipy_route():
    """hstack_csr and _reweighted are the fast forms of sp.hstack and of idf + per-block l2 norms."""
    from sklearn.preprocessing import normalize

    from textmine.classify import _reweighted
    from textmine.features import N_CHAR_FEATURES, N_WORD_FEATURES, hstack_csr

    rng = np.random.default_rng(7)

    def block(rows, cols, per_row):
        entries = [(r, c) for r in range(rows) if r != 3 for c in rng.choice(cols, per_row, replace=False)]
        r, c = zip(*entries)
        return sp.csr_matrix((rng.integers(1, 4, len(r)).astype(float), (r, c)), shape=(rows, cols))

    words, chars = block(6, N_WORD_FEATURES, 5), block(6, N_CHAR_FEATURES, 9)   # row 3 has no words at all
    hits = sp.csr_matrix(np.array([[0, 0.1], [0.2, 0], [0, 0], [0, 0], [0.3, 0.3], [0, 0]], dtype=np.float32))
    for blocks in ([words, chars, hits], [words, sp.csr_matrix((6, N_CHAR_FEATURES)), hits]):
        joined, plain = hstack_csr(blocks), sp.hstack(blocks, format="csr")
        assert joined.shape == plain.shape and joined.dtype == plain.dtype
        assert np.array_equal(joined.indptr, plain.indptr) and np.array_equal(joined.indices, plain.indices)
        assert np.array_equal(joined.data, plain.data)

    X = hstack_csr([words, chars, hits])
    idf = rng.uniform(1, 5, X.shape[1]).astype(np.float32)
    weighted = X.multiply(idf[None, :]).tocsr()
    kw = N_WORD_FEATURES + N_CHAR_FEATURES
    expected = sp.hstack([normalize(weighted[:, :N_WORD_FEATURES]), normalize(weighted[:, N_WORD_FEATURES:kw]),
                          weighted[:, kw:]]).toarray()
    assert np.allclose(_reweighted(X, idf).toarray(), expected)
    assert np.array_equal(X.toarray(), sp.hstack([words, chars, hits]).toarray())   # X itself is left as it was


def test_hashed_blocks_are_the_vectorizers_they_stand_for(nlp_da):
    """_blocks builds the word and character blocks per token; they must be _WORDS and _CHARS exactly."""
    from textmine import features as F

    texts = ["Rigtig god rådgivning om udlandslovgivning - tak!", "", ".", "- ?", "👍👍", "Hej hej hej hej",
             "Konsulenten kendte lovgivningen i Pakistan, og sagsbehandlerne fik en handleplan",
             "Svært at få fat i dem i ferien ... svært at få fat i dem", "raadgivning oeh aa 2024 #12"]
    docs = nlp_da.analyze(texts * 2)
    F._TABLE = None
    words, chars = F._blocks(docs[:4])      # some tokens met before the rest ...
    words, chars = F._blocks(docs)          # ... and some for the first time
    lemmas = [[t.lemma for t in d if any(c.isalnum() for c in t.lemma) or t.lemma in ("-", "?")] for d in docs]
    parts = [[p for t in d for p in t.parts] for d in docs]
    expected_words = F._WORDS.transform(list(zip(lemmas, parts)))
    expected_chars = F._CHARS.transform([" ".join(t.lemma for t in d) for d in docs])
    assert any(parts) and words.nnz and chars.nnz
    for got, expected in ((words, expected_words), (chars, expected_chars)):
        assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data)


def test_hashed_blocks_stay_the_same_when_the_token_table_starts_afresh(nlp_da, monkeypatch):
    from textmine import features as F

    docs = nlp_da.analyze(["Rigtig god rådgivning om udlandslovgivning", "god rådgivning, god sparring og god tid",
                           "Svært at få fat i dem i ferien", "Konsulenten kendte lovgivningen i Pakistan"] * 3)
    F._TABLE = None
    expected = F._blocks(docs)
    monkeypatch.setattr(F, "PER_TOKEN_LIMIT", 5)        # a new table, and bigrams forgotten, every few tokens
    for chunk in (docs, docs[:5], docs):
        got = F._blocks(chunk)
        for g, e in zip(got, expected):
            assert (g != e[:len(chunk)]).nnz == 0


def test_hashed_blocks_made_in_threads_at_once_are_the_same(nlp_da):
    """The app codes in threads; the token table's arrays must grow together."""
    from concurrent.futures import ThreadPoolExecutor

    from textmine import features as F

    batches = [nlp_da.analyze([f"Ord{k}x{i} og ord{k}y{i}, {'god' if i % 2 else 'svær'} hjælp nr{i}{k}"
                               for i in range(300)]) for k in range(6)]
    F._TABLE = None
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(F._blocks, batches))
    F._TABLE = None
    for batch, (words, chars) in zip(batches, together):
        alone = F._blocks(batch)
        assert (words != alone[0]).nnz == 0 and (chars != alone[1]).nnz == 0
