"""The Data and Træn model pages with AppTest: uploads checked row by row, surveys switched, the model retrained.

Every survey lives in a throwaway workspace; nothing is written under ``data/``.
"""

import pandas as pd
import pytest
from conftest import DATA, ROOT
from streamlit.testing.v1 import AppTest

from textmine import columns as C
from textmine import load_codebook, load_survey, review, ui
from textmine.coding import code_survey
from textmine.projects import Project, create_project, list_projects
from textmine.store import Store

APP = str(ROOT / "app.py")
SURVEY_2024 = ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml"
SURVEY_2023 = ROOT / "data" / "surveys" / "brugerundersoegelse-2023.yaml"
CODEBOOKS = ROOT / "data" / "codebooks"
DEMO_EXPORT = ROOT / "data" / "demo" / "sikkerhedskonsulent-2024-eksport.csv"
Q8 = "q8_kommentar"
CSV = "text/csv"


@pytest.fixture()
def space(tmp_path, monkeypatch):
    """An empty workspace; the demo is never opened (each test chooses its own survey)."""
    for name in ("TEXTMINE_CODED", "TEXTMINE_SURVEY", "TEXTMINE_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTMINE_WORKSPACE", str(tmp_path / "arbejde"))
    monkeypatch.setenv("TEXTMINE_CODER", "")
    return tmp_path


def made(title: str, export, survey=SURVEY_2024) -> Project:
    """A survey created and coded the way the Data page does it."""
    export = export if isinstance(export, bytes) else export.read_bytes()
    project, _ = create_project(ROOT, title, "eksport.csv", export, survey_path=survey)
    code_survey(project.export, project.survey, project.coded_dir, on_error="reject")
    return project


def open_page(project: Project, page: str, coder: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["project"] = project.slug
    at.session_state["coder"] = coder
    at.switch_page(f"textmine/ui_pages/{page}.py").run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def upload(at: AppTest, title: str, export: tuple, *, own: list[tuple] | None = None) -> AppTest:
    at.text_input(key="data_title").input(title)
    at.file_uploader(key="data_export").set_value(export)
    if own is not None:
        at.selectbox(key="data_survey").select_index(0)   # "Upload min egen …"
        at.file_uploader(key="data_own_survey").set_value(own)
    next(b for b in at.button if b.label == "Indlæs og kod").click()
    return at.run()


def yaml_file(path) -> tuple:
    return path.name, path.read_bytes(), "application/x-yaml"


def respondents(at: AppTest) -> list[str]:
    return table(at, "Svar")["Respondent"].tolist()


def test_data_page_checks_an_upload_row_by_row_and_switches_between_surveys(space):
    first = made("Kommuner 2024", DATA / "eksport-lille.csv")
    at = open_page(first, "data")
    assert metrics(at)["Rækker læst"] == "7" and metrics(at)["Afviste rækker"] == "0"
    assert "ingen problemer" in at.success[0].value
    # The open survey's definition is offered for next year's export.
    assert at.selectbox(key="data_survey").value == SURVEY_2024

    bad = DATA / "bad" / "ukendt-svar.csv"       # row 3 answers q1 with 'Krisecentret', not an option
    upload(at, "Kommuner 2025", (bad.name, bad.read_bytes(), CSV))
    ok(at)
    assert at.selectbox(key="project").value == "kommuner-2025"
    assert "7 rækker læst, 6 respondenter, 1 afvist" in " ".join(s.value for s in at.success)
    assert metrics(at)["Afviste rækker"] == "1"
    problems = table(at, "Række")
    assert problems[["Række", "Kolonne", "Værdi"]].values.tolist() == [[3, "q1_organisation", "Krisecentret"]]
    assert "svarmulighed" in problems.loc[0, "Problem"]
    assert [p.slug for p in list_projects(ROOT)] == ["demo-2024", "kommuner-2025", "kommuner-2024"]
    # The figures come from the coding run's record; an export changed since is read again, with the same result.
    export = space / "arbejde" / "kommuner-2025" / "eksport.csv"
    export.write_bytes(export.read_bytes())
    fresh = AppTest.from_file(APP, default_timeout=300)
    fresh.session_state["project"] = "kommuner-2025"
    fresh.switch_page("textmine/ui_pages/data.py").run()
    ok(fresh)
    assert table(fresh, "Række")[["Række", "Kolonne", "Værdi"]].values.tolist() == [[3, "q1_organisation", "Krisecentret"]]

    # Each survey shows its own answers: respondent 502 was rejected in the new export only.
    at.switch_page("textmine/ui_pages/laes.py").run()
    ok(at)
    assert "502" not in respondents(at) and "501" in respondents(at)
    at.selectbox(key="project").set_value("kommuner-2024").run()
    ok(at)
    assert "502" in respondents(at)
    at.switch_page("textmine/ui_pages/data.py").run()
    assert metrics(at)["Afviste rækker"] == "0" and at.subheader[0].value == "Kommuner 2024"


def test_data_page_takes_an_uploaded_definition_with_its_code_frames(space):
    first = made("Kommuner 2024", DATA / "eksport-lille.csv")
    at = open_page(first, "data")
    export = ROOT / "data" / "demo" / "brugerundersoegelse-2023" / "eksport.csv"
    own = [yaml_file(SURVEY_2023), yaml_file(CODEBOOKS / "brugerundersoegelse-2023-andet.yaml"),
           yaml_file(CODEBOOKS / "brugerundersoegelse-2023-kommentarer.yaml")]
    upload(at, "Brugerundersøgelse 2023", ("eksport.csv", export.read_bytes(), CSV), own=own)
    ok(at)
    assert at.selectbox(key="project").value == "brugerundersoegelse-2023"
    assert load_survey(SURVEY_2023).title in at.caption[0].value
    assert int(metrics(at)["Respondenter"]) > 200
    # The definition was saved with its frames inside the survey's folder.
    saved = space / "arbejde" / "brugerundersoegelse-2023" / "survey"
    assert {p.name for p in saved.iterdir()} == {name for name, _, _ in own}


@pytest.mark.parametrize(("export", "own", "expected"), [
    ("mangler-kolonne.csv", None, "q3_boern"),
    ("eksport-lille.csv", "brugerundersoegelse-2023-kommentarer.yaml", "brugerundersoegelse-2023-andet.yaml"),
])
def test_an_upload_that_cannot_be_read_is_a_danish_error_and_creates_nothing(space, export, own, expected):
    first = made("Kommuner 2024", DATA / "eksport-lille.csv")
    at = open_page(first, "data")
    path = DATA / export if (DATA / export).exists() else DATA / "bad" / export
    files = None if own is None else [yaml_file(SURVEY_2023), yaml_file(CODEBOOKS / own)]
    upload(at, "Forkert", (path.name, path.read_bytes(), CSV), own=files)
    assert not at.exception
    message = at.error[0].value.replace("\\", "")      # markdown-escaped, as it quotes the file
    assert "Eksporten kunne ikke indlæses" in message and expected in message
    assert [p.slug for p in list_projects(ROOT)] == ["demo-2024", "kommuner-2024"]
    assert at.selectbox(key="project").value == "kommuner-2024"


def test_retraining_shows_before_and_after_and_suggests_anew_for_uncoded_answers(space):
    project = made("Demo i arbejdsmappe", DEMO_EXPORT)
    at = open_page(project, "traen", coder="Mette")
    survey = load_survey(SURVEY_2024)
    state = review.review_state(review.with_keys(ui.load_coded(project.coded, survey), project.slug),
                                Store(project.store).current_all(project.slug))
    answers = state[state[C.COLUMN] == Q8]
    # Mette codes 30 answers; the model's suggestion is kept for half and replaced for the rest.
    coded = answers.iloc[:30]
    with Store(project.store) as store:
        for i, (key, suggested, version) in enumerate(zip(coded[C.KEY], coded[C.FINAL], coded[C.VERSION])):
            other = "kurser_oplaeg" if "generel_ros" in suggested else "generel_ros"
            themes = C.split_themes(suggested) if i % 2 else [other]
            store.record(key, themes, coder="Mette", source="human", expected_version=int(version))
        human = {k: store.current(k).themes for k in coded[C.KEY]}
    at.run()
    assert metrics(at)["Kodede svar"] == "30"
    before_coded = project.coded.stat().st_mtime_ns

    # Training (five folds and the final model, with the shipped examples) takes minutes on a busy machine.
    next(b for b in at.button if b.label == "Træn modellen igen").click().run(timeout=1200)
    ok(at)
    assert "trænet på 30 kodede svar" in at.success[0].value
    figures = table(at, "Før (den hidtidige model)")
    assert list(figures.columns) == ["Før (den hidtidige model)", "Efter (krydsvalideret)"]
    assert figures.loc["Svar"].tolist() == [30, 30]
    assert figures.loc["Makro-F1"].between(0, 1).all()
    # Half the codes differ from the old model's suggestions: it had at most the other half right.
    assert figures.loc["Helt rigtige temasæt", "Før (den hidtidige model)"] <= 0.5

    frame = load_codebook(survey.text_field(Q8).codebook).codebook
    assert (project.models / frame / "meta.json").exists()
    assert project.coded.stat().st_mtime_ns > before_coded
    recoded = review.with_keys(ui.load_coded(project.coded, survey), project.slug).set_index(C.KEY)
    with Store(project.store) as store:
        now = store.current_all(project.slug)
    # Human codes stay; every other answer carries the new model's suggestion.
    assert {k: now[k].themes for k in human} == human
    assert all(now[k].source == "human" for k in human)
    uncoded = [k for k in answers[C.KEY] if k not in human]
    assert [C.join_themes(now[k].themes) for k in uncoded] == recoded.loc[uncoded, C.THEMES].fillna("").tolist()
    assert all(now[k].source == "model" for k in uncoded)
    n_new = int(at.success[0].value.split(" svar fik nye forslag")[0].rsplit(" ", 1)[1])
    # The count told is the suggestions that changed, over every coded question.
    changed = sum(C.join_themes(now[k].themes) != f for k, f in zip(state[C.KEY], state[C.FINAL]) if k not in human)
    assert n_new == changed
