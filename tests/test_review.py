"""Decisions laid over suggestions, what to code next, and retraining from the human codes."""

import pandas as pd
import pytest
from conftest import ROOT, SURVEY_2024, coded_frame

from textmine import columns as C
from textmine.projects import create_project
from textmine.review import (final_coded, next_key, progress, retrain, review_state, seed_suggestions,
                             starred_pairs, training_set, with_keys)
from textmine.store import Store

DEMO_EXPORT = ROOT / "data" / "demo" / "sikkerhedskonsulent-2024-eksport.csv"
ANSWER_KEY = ROOT / "data" / "demo" / "answer_key.csv"


@pytest.fixture()
def coded():
    return with_keys(coded_frame(), "s24")


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "kodning.sqlite") as s:
        yield s


def test_keys_name_survey_respondent_and_column(coded):
    assert coded[C.KEY].tolist()[:2] == ["s24:3001:q8_kommentar", "s24:3002:q8_kommentar"]
    assert coded[C.KEY].tolist()[-1] == "s24:3007:q1_andet"


def test_the_newest_decision_wins_over_the_suggestion(coded, store):
    seed_suggestions(store, coded)
    store.record("s24:3003:q8_kommentar", ["faglig_sparring"], coder="Mette", source="human", expected_version=1)
    state = review_state(coded, store.current_all("s24"))
    row = state.set_index(C.KEY).loc["s24:3003:q8_kommentar"]
    assert (row[C.FINAL], row[C.THEMES], row[C.SOURCE], row[C.CODER], row[C.VERSION]) == (
        "faglig_sparring", "kurser_oplaeg", "human", "Mette", 2)
    untouched = state.set_index(C.KEY).loc["s24:3001:q8_kommentar"]
    assert (untouched[C.FINAL], untouched[C.SOURCE]) == ("tilgaengelighed|faglig_sparring", "model")


def test_progress_and_next_answer_skip_what_is_coded_or_skipped(coded, store):
    seed_suggestions(store, coded)
    store.record("s24:3001:q8_kommentar", ["generel_ros"], coder="Mette", source="human", expected_version=1)
    state = review_state(coded, store.current_all("s24"))
    assert progress(state).loc["q8_kommentar"].tolist() == [1, 6]
    order = state.loc[state[C.COLUMN] == "q8_kommentar", C.KEY].tolist()
    assert next_key(order, state) == "s24:3002:q8_kommentar"
    assert next_key(order, state, skipped={"s24:3002:q8_kommentar"}) == "s24:3003:q8_kommentar"


def test_reports_and_training_use_the_final_codes(coded, store):
    seed_suggestions(store, coded)
    store.record("s24:3004:q8_kommentar", ["generel_ros"], coder="Mette", source="human", expected_version=1)
    state = review_state(coded, store.current_all("s24"))
    final = final_coded(state).set_index(C.RESPONDENT_ID)
    assert (final.loc["3004", C.THEMES], final.loc["3004", "suggested_themes"]) == ("generel_ros", "")
    assert training_set(state, "q8_kommentar") == ([coded_frame().loc[3, "text"]], [["generel_ros"]])
    assert starred_pairs(state, {"s24:3004:q8_kommentar"}) == [("3004", "q8_kommentar")]


def test_retrain_learns_from_human_codes_and_keeps_them(tmp_path, monkeypatch):
    env = {"TEXTMINE_WORKSPACE": str(tmp_path)}
    project, _ = create_project(ROOT, "Demo kopi", "eksport.csv", DEMO_EXPORT.read_bytes(),
                                survey_path=SURVEY_2024, environ=env)
    from textmine.coding import code_survey, user_cache
    from textmine.nlp import Analyzer, normalise_text
    from textmine.ui import load_coded
    from textmine import load_codebook, load_survey

    code_survey(project.export, project.survey, project.coded_dir, cache=user_cache())   # as the app does
    coded = with_keys(load_coded(project.coded, load_survey(SURVEY_2024)), project.slug)
    truth = pd.read_csv(ANSWER_KEY, dtype=str).fillna("")
    truth = truth[truth["column"] == "q8_kommentar"].head(20)
    with Store(tmp_path / "kodning.sqlite") as store:
        seed_suggestions(store, coded)
        for rid, themes in zip(truth["respondent_id"], truth["themes"]):
            key = f"{project.slug}:{rid}:q8_kommentar"
            store.record(key, C.split_themes(themes), coder="Mette", source="human",
                         expected_version=store.current(key).version)
        state = review_state(coded, store.current_all(project.slug))
        codebook = load_codebook(ROOT / "data" / "codebooks" / "sikkerhedskonsulent-q8.yaml")
        analysed: set[str] = set()
        run = Analyzer._run

        def counting(self, cleaned, batch_size):
            analysed.update(cleaned)
            return run(self, cleaned, batch_size)

        monkeypatch.setattr(Analyzer, "_run", counting)
        result = retrain(project, "q8_kommentar", codebook, state, store)
        monkeypatch.undo()
        # Coding the survey again read its answers' analyses back: spaCy ran on the texts the new
        # model learned from (or was checked on), not on the survey's other answers ("ingen" is in
        # the frame as well as among the answers).
        labelled = set(coded.loc[coded[C.RESPONDENT_ID].isin(truth["respondent_id"])
                                 & (coded[C.COLUMN] == "q8_kommentar"), C.TEXT].map(normalise_text))
        others = set(coded[C.TEXT].map(normalise_text)) - labelled - {""}
        assert len(others) > 30 and not analysed & (others - learned_from(codebook))

        assert result.n == 20 and (result.model / "meta.json").exists()
        assert {"macro_f1", "exact_match"} <= set(result.before) & set(result.after)
        after = store.current_all(project.slug)
        for rid, themes in zip(truth["respondent_id"], truth["themes"]):
            decision = after[f"{project.slug}:{rid}:q8_kommentar"]
            assert (decision.source, list(decision.themes)) == ("human", C.split_themes(themes))
        # The survey was coded again with the new model, which the app now suggests from.
        recoded = load_coded(project.coded, load_survey(SURVEY_2024))
        assert set(recoded.loc[recoded[C.COLUMN] == "q8_kommentar", C.MODEL]) == {codebook.codebook}


def learned_from(codebook) -> set[str]:
    """The frame's own documents and the shipped examples, as the analyser reads them."""
    from textmine.classify import frame_documents
    from textmine.models import shipped_training_path
    from textmine.nlp import normalise_text
    from textmine.training import read_labelled

    texts = frame_documents(codebook)[0] + read_labelled(shipped_training_path(codebook), codebook, drop_unknown=True)[0]
    return {normalise_text(t) for t in texts}
