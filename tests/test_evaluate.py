"""Evaluation, calibration, abstaining and the review queue, on the gold sets in data/gold/."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from textmine import ThemeClassifier
from textmine.cli import main
from textmine.coding import Coder
from textmine.evaluate import cross_validate, evaluate_model
from textmine.queue import review_queue
from textmine.training import read_labelled

GOLD = ROOT / "data" / "gold"


@pytest.fixture(scope="module")
def gold_q8(codebook_q8):
    return read_labelled(GOLD / "sikkerhedskonsulent-2024-q8.csv", codebook_q8, empty_means_none=True)


@pytest.fixture(scope="module")
def shipped_on_gold_q8(codebook_q8, gold_q8):
    """The shipped q8 model coding 465 gold answers it never saw."""
    return evaluate_model(Coder.for_codebook(codebook_q8).model, *gold_q8, codebook_q8)


def test_gold_sets_are_big_enough_and_separate_from_training(codebook_q8, codebook_q4, codebook_q1, gold_q8):
    assert len(gold_q8[0]) >= 300
    for name, cb in (("q4-andet", codebook_q4), ("q1-andet", codebook_q1)):
        assert len(read_labelled(GOLD / f"sikkerhedskonsulent-2024-{name}.csv", cb)[0]) >= 60
    training = {t.casefold() for t in read_labelled(ROOT / "data/training/sikkerhedskonsulent-2024-q8.csv",
                                                        codebook_q8)[0]}
    overlap = [t for t in gold_q8[0] if t.casefold() in training and len(t) > 12]
    assert overlap == []


@pytest.mark.parametrize("name", ["q8", "q4-andet", "q1-andet"])
def test_no_training_answer_is_a_near_copy_of_a_gold_answer(name):
    """Gold measures comments the model never saw: no training answer within 0.85 character-n-gram cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    gold, training = (pd.read_csv(folder / f"sikkerhedskonsulent-2024-{name}.csv", dtype=str,
                                  keep_default_na=False)["text"].tolist() for folder in (GOLD, ROOT / "data/training"))
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(gold + training)
    similarity = cosine_similarity(vectors.transform(gold), vectors.transform(training))
    near = [(gold[i], training[similarity[i].argmax()]) for i in range(len(gold))
            if len(gold[i]) > 25 and similarity[i].max() >= 0.85]
    assert near == []


def test_shipped_model_generalises_to_unseen_gold_answers(shipped_on_gold_q8):
    s = shipped_on_gold_q8.summary()
    assert s["macro_f1"] >= 0.70          # from the shipped examples and the frame alone


def test_probabilities_are_calibrated_on_unseen_answers(shipped_on_gold_q8):
    """0.8 means right about 8 in 10: every bin within sampling error (3 binomial SEs) of its observed rate."""
    assert shipped_on_gold_q8.expected_calibration_error() <= 0.05
    table = shipped_on_gold_q8.calibration()
    big = table[table["n"] >= 40]
    tolerance = np.maximum(3 * np.sqrt(big["mean_p"] * (1 - big["mean_p"]) / big["n"]), 0.05)
    assert ((big["mean_p"] - big["observed"]).abs() <= tolerance).all()


def test_flagged_answers_are_the_unsure_ones(shipped_on_gold_q8):
    s = shipped_on_gold_q8.summary()
    assert s["exact_match_unflagged"] >= s["exact_match"] + 0.15
    ev = shipped_on_gold_q8
    assert ev.exact[~ev.flagged].mean() > ev.exact[ev.flagged].mean() + 0.3


def test_shipped_model_keeps_the_review_promise_on_unseen_answers(shipped_on_gold_q8):
    """Unflagged suggestions exactly right 90% of the time or more, flagging well under half (40.4% with the
    blank pipeline; the target of 40% is met in cross-validation, bench/quality.py)."""
    s = shipped_on_gold_q8.summary()
    assert s["exact_match_unflagged"] >= 0.90
    assert s["needs_review_share"] <= 0.45


def test_cold_start_frame_alone_beats_chance(codebook_q8, gold_q8):
    frame_only = ThemeClassifier(codebook_q8).fit([], [])
    ev = evaluate_model(frame_only, *gold_q8, codebook_q8)
    assert ev.summary()["macro_f1"] >= 0.45
    for answer in ("Nej", "nej tak", "-", "Intet at tilføje", "Ingen kommentarer"):
        assert frame_only.predict([answer])[0] == ["ingen_kommentar"]


def test_cross_validation_learns_from_gold_folds(codebook_q4):
    texts, labels = read_labelled(GOLD / "sikkerhedskonsulent-2024-q4-andet.csv", codebook_q4)
    ev = cross_validate(texts, labels, codebook_q4, k=3)
    s = ev.summary()
    assert s["n"] == len(texts) and 0.5 <= s["macro_f1"] <= 1.0
    assert set(ev.per_theme()["theme"]) == set(codebook_q4.ids)


def test_evaluate_command_reports_per_theme_kappa_and_calibration(capsys):
    gold = GOLD / "sikkerhedskonsulent-2024-q1-andet.csv"
    assert main(["evaluate", str(gold), "--codebook", str(ROOT / "data/codebooks/sikkerhedskonsulent-q1-andet.yaml")]) == 0
    out = capsys.readouterr().out
    for word in ("macro-F1", "kappa", "support", "markeret til gennemsyn", "Kalibrering", "bc_politi"):
        assert word in out


def test_evaluate_command_cross_validates_and_curves_as_json(capsys):
    # q8 (465 answers): its curve rises clearly (about 0.65 at 10 % of the folds, 0.75 at all of them).
    # The q1 "Andet" gold set is too small for a curve: with 57 answers per training fold the frame
    # alone already gives about 0.85 and the four points differ by noise only.
    gold = GOLD / "sikkerhedskonsulent-2024-q8.csv"
    assert main(["evaluate", str(gold), "--codebook", str(ROOT / "data/codebooks/sikkerhedskonsulent-q8.yaml"),
                 "--cv", "3", "--curve", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert "3-fold" in result["title"]
    assert {"macro_f1", "micro_f1", "exact_match", "needs_review_share", "exact_match_unflagged"} <= set(result["summary"])
    assert [row["fraction"] for row in result["curve"]] == [0.1, 0.25, 0.5, 1.0]
    assert result["curve"][-1]["macro_f1"] >= result["curve"][0]["macro_f1"] + 0.05


def test_review_queue_puts_unsure_and_disagreeing_answers_first(codebook_q8):
    model = Coder.for_codebook(codebook_q8).model
    texts = ["Nej", "Tusind tak for hjælpen", "Lovgivningen kender vi godt, det er ikke det",
             "Det var sådan set fint, men måske lidt for meget"]
    queue = review_queue(texts, model, coded_counts={t: 50 for t in codebook_q8.ids})
    assert list(queue.columns[:3]) == ["position", "text", "score"]
    assert {"low_confidence", "uncertain_themes", "rules_disagree", "rare_theme"} <= set(queue.columns)
    assert queue["score"].is_monotonic_decreasing
    assert queue["position"].iloc[-1] in (0, 1)          # the clear answers come last
    again = review_queue(texts, model, coded_counts={t: 50 for t in codebook_q8.ids})
    assert queue.equals(again)


def test_review_queue_favours_themes_analysts_have_coded_little(codebook_q8):
    model = Coder.for_codebook(codebook_q8).model
    texts = ["Vi manglede viden om reglerne for ægteskab i Pakistan", "Et kursus for hele afdelingen ville være godt"]
    rare_law = {t: 100 for t in codebook_q8.ids} | {"lovgivning_udland": 0}
    queue = review_queue(texts, model, coded_counts=rare_law)
    by_pos = queue.set_index("position")
    assert by_pos.loc[0, "rare_theme"] > by_pos.loc[1, "rare_theme"]


def test_backcode_names_the_option_an_andet_answer_belongs_to(codebook_q4):
    coded = Coder.for_codebook(codebook_q4).code(["Hjælp til at vurdere hvor farlig faderen var", ""])
    assert coded["backcode"].iat[0] == "Rådgivning om at vurdere risiko i en konkret sag"
    assert coded["backcode"].iat[1] == "" and np.isnan(coded["p_bc_risiko"].iat[1])
