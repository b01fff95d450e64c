"""Theme discovery: answers the q8 frame does not cover are grouped into candidate themes."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import CODEBOOKS

from textmine import Coder
from textmine.cli import main
from textmine.discover import (
    EXAMPLE_COLUMNS,
    candidates_frame,
    discover,
    suggest_id,
    unfit_answers,
)

COVERED = [
    "Tak for en rigtig god ordning.",
    "Super flinke folk, tusind tak for hjælpen",
    "Konsulenten var meget kompetent og gav os brugbar sparring i en svær sag.",
    "Stor faglig viden om æresrelaterede konflikter, rådene kunne bruges direkte.",
    "Svært at få fat i dem i sommerferien, vi ventede tre dage på svar.",
    "De ringede tilbage samme dag, virkelig hurtigt svar.",
    "Det er et problem at der ikke er nogen at ringe til om aftenen og i weekenden.",
    "Mange af mine kolleger i jobcentret har aldrig hørt om ordningen.",
    "Ordningen bør markedsføres bedre over for skolerne, den er alt for ukendt.",
    "Jeg hørte tilfældigt om jer på et netværksmøde, mere information tak.",
    "Vi vil gerne have et oplæg for hele personalegruppen om negativ social kontrol.",
    "Ønsker en temadag eller et kursus for lærerne om tegn på kontrol.",
    "Et webinar om genopdragelsesrejser ville være godt for vores medarbejdere.",
    "En skabelon til sikkerhedsplanen ville være en stor hjælp.",
    "Vi manglede en tjekliste og en pjece på flere sprog til de unge.",
    "Det ville være rart at få rådene skriftligt bagefter i et kort resumé.",
    "Vi manglede en klar anbefaling i stedet for generelle betragtninger.",
    "Det havde været en stor hjælp, hvis konsulenten selv havde deltaget i mødet med familien.",
    "Rådene var for overordnede, vi havde brug for mere konkret hjælp i sagen.",
    "Konsulenten ringede selv for at høre hvordan mødet med familien var gået.",
    "Ærgerligt at jeg skulle forklare sagen forfra til en ny konsulent hver gang.",
    "Godt at vi kunne tale med den samme konsulent gennem hele forløbet.",
    "Vi fik god rådgivning om marokkansk lovgivning og forældremyndighed.",
    "Vi havde brug for mere viden om hvad ambassaden kan gøre i udlandet.",
    "Hvad siger reglerne i Irak om ægteskab indgået i udlandet?",
    "Konsulenten fik samlet krisecentret, politiet og kommunen om samme bord.",
    "Savner et fast forum hvor vi kan mødes med politiet og SSP om de her sager.",
    "Samarbejdet på tværs af myndigheder blev meget bedre med konsulentens hjælp.",
    "Ordningen skal gøres permanent, den er uundværlig for os.",
    "Frygter hvad der sker når bevillingen løber ud, den må ikke lukke.",
    "Håber der kommer flere midler så ordningen kan fortsætte.",
    "Nej tak",
    "Ingen kommentarer",
    "Intet yderligere",
    "-",
    "Kompetent og rolig rådgivning i en akut sag.",
    "Konsulenten kunne med det samme se mønstre i familien, som vi havde overset.",
    "Hurtig og kompetent hjælp, kan varmt anbefales.",
    "Ordningen er for lidt kendt blandt sundhedspersonalet.",
    "Vi ønsker undervisning for nye medarbejdere hvert år.",
]
TOLK = [
    "Det var svært at skaffe en tolk der talte kurdisk, og konsulenten kunne ikke hjælpe med tolkebistand.",
    "Tolken kendte familien, så vi turde ikke bruge ham i samtalen med pigen.",
    "Vi mangler adgang til uvildige tolke, når det gælder æressager.",
    "Tolkebistanden via telefon fungerede dårligt, pigen ville ikke tale med tolken.",
    "Kan konsulenterne anbefale tolke som ikke kommer fra samme miljø som familien?",
    "Vi brugte en tolk fra lokalsamfundet og fortrød det bagefter.",
    "Det er et problem at tolken ofte kender slægten, vi har brug for tolke udefra.",
    "Vores tolk oversatte ikke alt hvad moren sagde, så vi fik ikke hele billedet.",
]
GDPR = [
    "Må vi dele oplysninger om den unge med konsulenten efter GDPR?",
    "Vi er i tvivl om journalføring af samtalen med sikkerhedskonsulenten, hvad skal i journalen?",
    "Hvordan håndterer konsulenterne persondata og GDPR, når de får oplysninger fra os?",
    "Vores jurist spurgte til databeskyttelse og om konsulentens notater bliver journalført.",
    "Det er uklart om vi må sende personoplysninger på mail til konsulenterne efter GDPR.",
    "Journalføring af rådgivningen er uklar: skal det ind i journalen i vores system?",
    "Vi har brug for en databehandleraftale før vi kan dele persondata med ordningen.",
    "Hvad med tavshedspligt og GDPR, når vi drøfter en konkret sag med navn?",
]
ANSWERS = COVERED + TOLK + GDPR
TOLK_AT = set(range(len(COVERED), len(COVERED) + len(TOLK)))
GDPR_AT = set(range(len(COVERED) + len(TOLK), len(ANSWERS)))


@pytest.fixture(scope="module")
def coder_q8(codebook_q8):
    # Learning the frame can take a while without a shipped model: learn it once for this module.
    return Coder.for_codebook(codebook_q8)


@pytest.fixture(scope="module")
def candidates(codebook_q8, coder_q8):
    return discover(ANSWERS, codebook_q8, seed=0, coder=coder_q8)


@pytest.fixture(scope="module")
def unfit(codebook_q8, coder_q8):
    return set(unfit_answers(ANSWERS, codebook_q8, coder=coder_q8))


def test_the_frame_covers_the_ordinary_comments(unfit):
    assert len(unfit & TOLK_AT) >= 4 and len(unfit & GDPR_AT) >= 4
    assert len(unfit - TOLK_AT - GDPR_AT) <= 4


def test_interpreters_and_data_protection_are_separate_candidates(candidates, unfit):
    tolk = max(candidates, key=lambda c: len(TOLK_AT & set(c.members)))
    assert "tolk" in tolk.lemmas[:3] and tolk.id.startswith("ny_tolk")
    assert len(TOLK_AT & set(tolk.members)) >= 0.8 * len(TOLK_AT & unfit) and not GDPR_AT & set(tolk.members)
    gdpr = [c for c in candidates if {"gdpr", "journalføring", "journal", "persondata", "data"} & set(c.lemmas[:5])]
    assert gdpr and all(not TOLK_AT & set(c.members) for c in gdpr)
    assert len(GDPR_AT & {m for c in gdpr for m in c.members}) >= 0.8 * len(GDPR_AT & unfit)
    for c in candidates:   # no candidate mixes the two new topics
        assert not (TOLK_AT & set(c.members) and GDPR_AT & set(c.members))


def test_each_candidate_shows_up_to_three_of_its_own_answers(candidates):
    assert max(c.size for c in candidates) >= 4
    for c in candidates:
        assert c.size == len(c.members) >= 2      # one answer alone is never split off as a theme
        assert len(c.examples) == min(3, c.size) and set(c.examples) <= {ANSWERS[i] for i in c.members}
        assert c.label and c.id.startswith("ny_") and c.id.isascii()


def test_same_input_same_candidates(codebook_q8, coder_q8, candidates):
    again = discover(ANSWERS, codebook_q8, seed=0, coder=coder_q8)
    pd.testing.assert_frame_equal(candidates_frame(again), candidates_frame(candidates))
    assert again == candidates


@pytest.mark.parametrize("answers,sizes", [
    ([], []),
    (["", "   "], []),
    (["Tak for en rigtig god ordning.", "Nej tak"], []),                # everything fits
    ([TOLK[0]], []),                                                    # one answer is not a theme
    ([None, float("nan"), TOLK[0]], []),                                # missing cells are empty answers
    ([TOLK[0], "Tak for en rigtig god ordning.", GDPR[1]], []),         # two answers with nothing in common
    ([TOLK[0], "Tak for en rigtig god ordning.", TOLK[3]], [2]),        # two about the same thing
])
def test_tiny_inputs(codebook_q8, coder_q8, answers, sizes):
    found = discover(answers, codebook_q8, coder=coder_q8)
    assert [c.size for c in found] == sizes
    frame = candidates_frame(found)
    assert len(frame) == len(sizes) and list(frame.columns[:4]) == ["id", "label", "size", "lemmas"]


def test_frame_has_one_row_per_candidate_with_examples(candidates):
    frame = candidates_frame(candidates)
    assert frame["size"].tolist() == [c.size for c in candidates]
    assert frame.loc[0, EXAMPLE_COLUMNS[0]] == candidates[0].examples[0]


@pytest.mark.parametrize("lemmas,expected", [
    (("tolk", "tolkebistand"), "ny_tolk_tolkebistand"),
    (("journalføring", "gdpr"), "ny_journalfoering_gdpr"),
    (("tavshedspligt", "æresdrab"), "ny_tavshedspligt_aeresdrab"),
    ((), "ny_gruppe"),
])
def test_suggested_id_is_ascii_like_the_frame_ids(lemmas, expected):
    assert suggest_id(lemmas) == expected


def test_cli_prints_candidates_and_writes_csv(tmp_path, monkeypatch, capsys, coder_q8):
    monkeypatch.setattr(Coder, "for_codebook", classmethod(lambda cls, codebook, model_path=None: coder_q8))
    source = tmp_path / "kommentarer.csv"
    pd.DataFrame({"kommentar": ANSWERS}).to_csv(source, index=False, sep=";", encoding="utf-8-sig")
    out = tmp_path / "kandidater.csv"
    assert main(["discover", str(source), "--codebook", str(CODEBOOKS / "sikkerhedskonsulent-q8.yaml"),
                 "--text-column", "kommentar", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "forslag til nye temaer" in printed and "Kendetegnende ord" in printed and "tolk" in printed
    written = pd.read_csv(out)
    assert len(written) >= 2 and "tolk" in written.loc[0, "lemmas"] + written.loc[1, "lemmas"]


def test_cli_names_a_missing_text_column(tmp_path, capsys):
    source = tmp_path / "svar.csv"
    pd.DataFrame({"svar": ["Tolken kom for sent"]}).to_csv(source, index=False)
    assert main(["discover", str(source), "--codebook", str(CODEBOOKS / "sikkerhedskonsulent-q8.yaml")]) == 2
    assert "'text' mangler" in capsys.readouterr().err
