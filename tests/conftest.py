"""Shared fixtures, named for their state."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so CI cannot fail on a lucky draw.
settings.register_profile("textmine", derandomize=True, print_blob=True)
settings.load_profile("textmine")

from textmine import load_analyzer, load_codebook, load_survey
from textmine.safe import write_csv

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
SURVEY_2024 = ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml"
CODEBOOKS = ROOT / "data" / "codebooks"


@pytest.fixture(autouse=True, scope="session")
def nlp_cache_dir(tmp_path_factory):
    """The NLP cache of every ``textmine classify`` in the tests goes to a temp folder, not ~/.cache."""
    folder = tmp_path_factory.mktemp("nlp-cache")
    old, os.environ["TEXTMINE_CACHE"] = os.environ.get("TEXTMINE_CACHE"), str(folder)
    yield folder
    if old is None:
        os.environ.pop("TEXTMINE_CACHE", None)
    else:
        os.environ["TEXTMINE_CACHE"] = old


def shared_path(*parts) -> Path:
    """A file in ../shared/, or a skip where a user's clone has no shared/ beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} findes ikke: ../shared/ ligger kun ved siden af projektet på udviklernes maskiner og i CI")
    return path


@pytest.fixture(scope="session")
def nlp_da():
    return load_analyzer()


@pytest.fixture(scope="session")
def survey_2024():
    return load_survey(SURVEY_2024)


@pytest.fixture(scope="session")
def codebook_q8():
    return load_codebook(CODEBOOKS / "sikkerhedskonsulent-q8.yaml")


@pytest.fixture(scope="session")
def codebook_q4():
    return load_codebook(CODEBOOKS / "sikkerhedskonsulent-q4-andet.yaml")


@pytest.fixture(scope="session")
def codebook_q1():
    return load_codebook(CODEBOOKS / "sikkerhedskonsulent-q1-andet.yaml")


@pytest.fixture()
def export_csv() -> Path:
    return DATA / "eksport-lille.csv"


# A coded survey as `textmine code` writes it, for the app and its helpers.
Q8_THEMES = ("faglig_sparring", "generel_ros", "tilgaengelighed", "kurser_oplaeg", "ingen_kommentar")
Q4_FLAGS = ("q4_opmaerksomhed", "q4_risiko", "q4_sikkerhed", "q4_genopdragelse", "q4_samarbejdspartnere", "q4_andet")
MARKUP = "<script>alert(1)</script> Det var **fed** rådgivning, tak!"
DASH = "- mere undervisning til lærerne, tak"   # formula-like: written with an apostrophe in CSV

# respondent, organisation, q4 flags, q5, text, themes, probabilities, needs review
_ANSWERS = [
    ("3001", "Kommune", "110010", "I høj grad", "Konsulenten ringede tilbage samme dag – virkelig god sparring.",
     "tilgaengelighed|faglig_sparring", {"tilgaengelighed": 0.91, "faglig_sparring": 0.83}, False),
    ("3002", "Politi", "011000", "I lav grad", "Svært at få fat i dem i sommerferien, vi ventede 3 dage på svar.",
     "tilgaengelighed", {"tilgaengelighed": 0.88}, False),
    ("3003", "Krisecenter", "100000", "I meget høj grad",
     "Vi kunne godt bruge et oplæg for hele personalegruppen om negativ social kontrol 🙏",
     "kurser_oplaeg", {"kurser_oplaeg": 0.95}, False),
    ("3004", "Kommune", "010100", "", MARKUP, "", {"generel_ros": 0.31}, True),
    ("3005", "Skole eller uddannelsesinstitution", "000001", "Jeg har ikke været i kontakt om akutte sager", DASH,
     "kurser_oplaeg", {"kurser_oplaeg": 0.55}, True),
    ("3006", "Kommune", "011010", "I meget høj grad", "Kompetent og rolig raadgivning i en akut sag om æresrelateret vold.",
     "faglig_sparring", {"faglig_sparring": 0.97}, False),
]


def coded_frame() -> pd.DataFrame:
    """Six coded q8 comments and one 'Andet' organisation, laid out as `textmine code` writes them."""
    rows = []
    for rid, org, flags, q5, text, themes, probs, review in _ANSWERS:
        row = {"respondent_id": rid, "question": 8, "column": "q8_kommentar", "text": text, "themes": themes,
               "backcode": "", "needs_review": review}
        row.update({f"p_{t}": probs.get(t, 0.02) for t in Q8_THEMES})
        row.update(_closed(org, flags, q5))
        rows.append(row)
    andet = {"respondent_id": "3007", "question": 1, "column": "q1_andet", "text": "Børne- og ungdomspsykiatrien",
             "themes": "sundhed", "backcode": "", "needs_review": False, "p_sundhed": 0.97}
    rows.append({**andet, **_closed("Andet", "010000", "I høj grad")})
    df = pd.DataFrame(rows)
    return df.assign(codebook="sikkerhedskonsulent-2024-q8", nlp="blank:da", model="koderamme", row=range(2, 9))


def _closed(org: str, flags: str, q5: str) -> dict:
    return {"status": "Gennemført", "region": "Region Syddanmark", "q1_organisation": org,
            "q2_antal_sager": "2-5 sager", "q3_boern": "Ja", **{c: int(f) for c, f in zip(Q4_FLAGS, flags)},
            "q5_akut": q5, "q6_hjulpet": "I høj grad", "q7_anbefale": "I meget høj grad"}


def write_coded(path):
    return write_csv(coded_frame(), path)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the session (tests/pg.py), or a skip that says why there is none."""
    import pg

    server = pg.start()
    if isinstance(server, str):
        pytest.skip(f"PostgreSQL-testene springes over: {server}")
    yield server
    server.stop()
