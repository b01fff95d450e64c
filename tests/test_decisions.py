"""From probabilities to theme sets, their confidence and the review cut-off (textmine.decisions)."""

import numpy as np
import pytest

from textmine.decisions import SET_FEATURES, choose, decide, fit_set_confidence, review_cutoff, set_confidence, \
    set_features, wilson_lower, wordless


def test_review_cutoff_is_the_lowest_confidence_keeping_the_target_by_hand():
    # Sorted by confidence the running accuracy is 1, 1, 2/3, 3/4, 3/5: 90% holds down to 0.8.
    confidence = np.array([0.6, 0.9, 0.7, 0.8, 0.5])
    right = np.array([1, 1, 0, 1, 0], dtype=bool)
    assert review_cutoff(confidence, right, 0.9) == pytest.approx(0.8)
    assert review_cutoff(confidence, right, 0.7) == pytest.approx(0.6)
    assert review_cutoff(confidence, np.zeros(5, dtype=bool), 0.9) == 0.99   # never right: flag everything


def test_wilson_lower_bound_by_hand():
    # 9 of 10 right, z = 1: centre (0.9 + 0.05) / 1.1, spread sqrt(0.009 + 0.0025) / 1.1
    assert wilson_lower(np.array([0.9]), np.array([10]), 1.0)[0] == pytest.approx((0.95 - np.sqrt(0.0115)) / 1.1)
    assert wilson_lower(np.array([0.9]), np.array([10]), 0.0)[0] == 0.9


def test_review_cutoff_with_certainty_asks_more_of_few_answers():
    """The same 95% share is enough in 400 answers but not in 20, when 90% must hold with z = 1.645."""
    rng = np.random.default_rng(0)
    for n, passes in ((20, False), (400, True)):
        confidence = np.concatenate([np.linspace(0.99, 0.6, n), np.linspace(0.59, 0.3, n)])
        right = np.concatenate([np.arange(n) % 20 != 7, rng.random(n) < 0.3])   # 95% right, then 30%
        cut = review_cutoff(confidence, right, 0.9, z=1.645)
        assert (cut <= 0.6) == passes
        assert cut >= review_cutoff(confidence, right, 0.9)       # never laxer than the plain share


def test_choose_follows_thresholds_exclusive_theme_and_fallback(codebook_q8):
    ids = codebook_q8.ids
    k = len(ids)
    p = np.full((3, k), 0.05)
    p[0, ids.index("tilgaengelighed")] = p[0, ids.index("lovgivning_udland")] = 0.8
    p[1, ids.index("ingen_kommentar")], p[1, ids.index("generel_ros")] = 0.9, 0.6
    p[2, ids.index("generel_ros")] = 0.3                     # nothing reaches the threshold
    chosen, fallback = choose(p, codebook_q8, empty_below=0.25)
    assert [sorted(ids[j] for j in c) for c in chosen] == [
        ["lovgivning_udland", "tilgaengelighed"], ["ingen_kommentar"], ["generel_ros"]]
    assert fallback.tolist() == [False, False, True]
    assert choose(p[2:], codebook_q8, empty_below=0.35)[0] == [[]]      # too unsure: no theme
    assert choose(p[2:], codebook_q8, empty_below=None)[0] == [[]]


def test_single_label_frame_always_gets_its_top_theme(codebook_q1):
    k = len(codebook_q1.ids)
    p = np.full((2, k), 1.0 / k)
    p[1, 3] = 0.4
    chosen, fallback = choose(p, codebook_q1)
    assert [len(c) for c in chosen] == [1, 1] and chosen[1] == [3] and not fallback.any()


def test_set_confidence_learns_which_decisions_are_right(codebook_q8):
    """A second stage on decision features separates sets that tend to be right from those that do not."""
    rng = np.random.default_rng(0)
    k = len(codebook_q8.ids)
    n = 600
    proba = rng.uniform(0, 0.2, (n, k))
    top = rng.uniform(0.3, 1.0, n)
    proba[np.arange(n), rng.integers(0, k, n)] = top
    chosen, fallback = choose(proba, codebook_q8, empty_below=0.0)
    features = set_features(proba, chosen, fallback, None, codebook_q8)
    assert features.shape == (n, len(SET_FEATURES))
    right = rng.uniform(size=n) < top              # the surer the top theme, the likelier right
    coef = fit_set_confidence(features, right)
    confidence = set_confidence(features, coef)
    assert confidence[top > 0.85].mean() > confidence[top < 0.45].mean() + 0.3
    # Calibrated in the large: on average as sure as it is right.
    assert abs(confidence.mean() - right.mean()) < 0.03
    assert fit_set_confidence(features, np.ones(n, dtype=bool)) is None


def test_decide_names_every_reason_it_flags(codebook_q8):
    ids = codebook_q8.ids
    k = len(ids)
    p = np.full((2, k), 0.02)
    p[0, ids.index("tilgaengelighed")] = 0.97
    p[1, ids.index("generel_ros")] = 0.55
    hits = [{}, {"lovgivning_udland": ["lovgivning", "udland"]}]
    sure, unsure = decide(p, codebook_q8, hits, tau=0.6)
    assert sure.themes == ["tilgaengelighed"] and not sure.needs_review and sure.reasons == ()
    assert unsure.needs_review and {"low_confidence", "rules_disagree"} <= set(unsure.reasons)
    unfamiliar = decide(p[:1], codebook_q8, unseen=(np.array([6]), np.array([0.8])), tau=0.6)[0]
    assert unfamiliar.reasons == ("unfamiliar_text",)


@pytest.mark.parametrize("text, kind", [(".", "marks"), (" - ", "marks"), ("?!", "marks"), ("...", "marks"),
                                        ("👍", "symbols"), ("😊😊", "symbols"), ("ok", None), ("nej.", None),
                                        ("5", None), ("", "marks")])
def test_wordless_tells_punctuation_from_emoji_and_words(text, kind):
    assert wordless(text) == kind


def test_punctuation_alone_is_no_comment_and_emoji_alone_needs_review(codebook_q8, codebook_q4):
    for codebook in (codebook_q8, codebook_q4):
        k = len(codebook.ids)
        p = np.full((2, k), 0.02)
        p[:, 0] = 0.97                         # whatever the model says about an answer without words
        marks, emoji = decide(p, codebook, wordless=["marks", "symbols"], tau=0.6)
        assert emoji.needs_review and "no_words" in emoji.reasons
        if codebook.exclusive_ids:
            assert marks.themes == ["ingen_kommentar"] and not marks.needs_review
        else:                                  # no no-content theme in the frame: an analyst decides
            assert marks.needs_review and "no_words" in marks.reasons
