"""Sentiment of survey comments: the four labels, negation, spellings, emoji, and accuracy on the gold set."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from textmine.sentiment import (
    BLANDET,
    LABELS,
    NEG,
    NEGATIV,
    NEUTRAL,
    POS,
    POSITIV,
    base_lexicon,
    sentiment,
    sentiment_scores,
)

GOLD = ROOT / "data" / "gold" / "sikkerhedskonsulent-2024-q8.csv"

# Written for these tests (not taken from the gold set), labelled by the gold set's rules:
# praise + a wish stays positiv, a wish alone is neutral, praise + criticism is blandet.
LABELLED = [
    ("Tusind tak for hjælpen!", POSITIV),
    ("Hurtig og kompetent rådgivning i en svær sag.", POSITIV),
    ("Meget brugbar sparring, vi blev klogere på familiens dynamik.", POSITIV),
    ("Konsulenten var rolig og dygtig og gav os et nyt perspektiv.", POSITIV),
    ("Super ordning 👍", POSITIV),
    ("Kan varmt anbefales til andre kommuner.", POSITIV),
    ("Det var ikke svært at få fat i dem, selv en fredag eftermiddag.", POSITIV),
    ("Glad for hjælpen. Det kunne være godt med en pjece vi kan dele ud.", POSITIV),
    ("Rigtig god opfoelgning, hun ringede selv dagen efter.", POSITIV),
    ("Ingen kritik herfra", POSITIV),
    ("Nej, men tak for hjælpen", POSITIV),
    ("Jeg er ikke tilfreds med den rådgivning vi fik.", NEGATIV),
    ("Svært at få fat i dem i sommerferien, vi ventede fire dage.", NEGATIV),
    ("Rådene var for generelle til at vi kunne bruge dem.", NEGATIV),
    ("Lang ventetid og ingen vendte tilbage som lovet.", NEGATIV),
    ("Desværre fik vi ikke noget ud af samtalen.", NEGATIV),
    ("Skuffende at vi skulle forklare sagen forfra hver gang 👎", NEGATIV),
    ("Raadene var alt for overordnede", NEGATIV),
    ("Politiet tog slet ikke vores anmeldelse alvorligt, det var frustrerende.", NEGATIV),
    ("Søde og kompetente folk, men rådene var for generelle.", BLANDET),
    ("Hurtigt svar, men jeg savnede en klar anbefaling.", BLANDET),
    ("God sparring. Desværre var der lang ventetid i juli.", BLANDET),
    ("Fin ordning, dog svær at få fat i om aftenen.", BLANDET),
    ("Konsulenten var dygtig, men vi stod alene med resten af sagen bagefter.", BLANDET),
    ("Nej", NEUTRAL),
    ("nej tak", NEUTRAL),
    ("-", NEUTRAL),
    ("Intet yderligere", NEUTRAL),
    ("Nej, ellers tak", NEUTRAL),
    ("", NEUTRAL),
    ("Vi vil gerne have et oplæg for hele personalegruppen.", NEUTRAL),
    ("Det ville være godt med en skabelon til sikkerhedsplanen.", NEUTRAL),
    ("Håber ordningen bliver gjort permanent.", NEUTRAL),
    ("Pigen var bange for at blive sendt til Pakistan og udsat for vold.", NEUTRAL),
    ("Vi havde en sag om negativ social kontrol på skolen.", NEUTRAL),
    ("Hvad gælder der, når en ung bliver efterladt i hjemlandet?", NEUTRAL),
]


@pytest.mark.parametrize("text,label", LABELLED)
def test_label(text, label):
    assert sentiment([text]) == [label]


@pytest.mark.parametrize("text,label", [
    ("tilfreds", POSITIV),
    ("ikke tilfreds", NEGATIV),
    ("svært at få fat i dem", NEGATIV),
    ("ikke svært at få fat i dem", POSITIV),
    ("Det hjalp ikke", NEGATIV),               # the negation after the verb
    ("Vi manglede ikke noget", POSITIV),
    ("Aldrig problemer med at komme igennem", POSITIV),
])
def test_negation_flips_the_word_it_governs(text, label):
    assert sentiment([text]) == [label]


@pytest.mark.parametrize("aeoeaa,danish", [
    ("Det var svaert at faa fat i dem", "Det var svært at få fat i dem"),
    ("Vi er rigtig glade for ordningen, tusind tak", "Vi er rigtig glade for ordningen, tusind tak"),
    ("Aergerligt at raadene var saa generelle", "Ærgerligt at rådene var så generelle"),
    ("Fin opfoelgning", "Fin opfølgning"),
])
def test_ae_oe_aa_spelling_scores_as_the_danish_letters(aeoeaa, danish):
    assert sentiment([aeoeaa]) == sentiment([danish])
    assert sentiment([aeoeaa])[0] != NEUTRAL


@pytest.mark.parametrize("text,label", [("👍", POSITIV), ("👎", NEGATIV), ("Tak 🙏", POSITIV),
                                        ("Ventetiden 😡", NEGATIV), ("🤷", NEUTRAL)])
def test_emoji(text, label):
    assert sentiment([text]) == [label]


def test_scores_frame_keeps_order_length_and_empty_answers():
    texts = ["", None, "Tak for god hjælp", "   ", "Rådene var for generelle", float("nan")]
    scores = sentiment_scores(texts)
    assert list(scores.columns) == [POS, NEG, "label"] and len(scores) == len(texts)
    assert scores["label"].tolist() == [NEUTRAL, NEUTRAL, POSITIV, NEUTRAL, NEGATIV, NEUTRAL]
    assert scores.loc[2, POS] > 0 and scores.loc[2, NEG] == 0 and scores.loc[4, NEG] > 0
    assert set(scores["label"]) <= set(LABELS)


def test_mixed_answer_has_both_weights():
    row = sentiment_scores(["Super flinke folk, men rådene var alt for overordnede"]).iloc[0]
    assert row["label"] == BLANDET and row[POS] >= 1.4 and row[NEG] >= 1.4


def test_survey_supplement_beats_asent_alone_on_our_list():
    texts, gold = zip(*LABELLED)
    tuned = sum(p == g for p, g in zip(sentiment(texts), gold))
    plain = sum(p == g for p, g in zip(sentiment(texts, lexicon=base_lexicon()), gold))
    assert tuned > plain


def test_accuracy_on_the_gold_set():
    if not GOLD.exists():
        pytest.skip(f"{GOLD} findes ikke endnu; guldsættet med en sentiment-kolonne skrives separat")
    gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)
    predicted = sentiment(gold["text"].tolist())
    accuracy = (pd.Series(predicted) == gold["sentiment"]).mean()
    assert accuracy >= 0.7, f"sentiment accuracy {accuracy:.3f} on {len(gold)} gold answers"
