"""Surveys side by side in a workspace: created from an upload, listed, checked."""

import pytest
from conftest import DATA, ROOT, SURVEY_2024

from textmine.errors import ExportError, InputError
from textmine.projects import DEMO_SLUG, create_project, list_projects, save_uploaded_survey, slugify


@pytest.fixture()
def env(tmp_path):
    return {"TEXTMINE_WORKSPACE": str(tmp_path / "arbejde")}


def test_demo_is_listed_first_with_its_store_in_the_workspace(env, tmp_path):
    demo = list_projects(ROOT, env)[0]
    assert demo.slug == DEMO_SLUG
    assert demo.export.name == "sikkerhedskonsulent-2024-eksport.csv"
    assert demo.store == str(tmp_path / "arbejde" / DEMO_SLUG / "store.sqlite")


def test_a_created_survey_keeps_its_export_and_is_listed(env):
    data = (DATA / "eksport-lille.csv").read_bytes()
    made, export = create_project(ROOT, "Sikkerhedskonsulent 2025 – kommuner", "svar.csv", data,
                                  survey_path=SURVEY_2024, environ=env)
    assert made.slug == "sikkerhedskonsulent-2025-kommuner"
    assert made.export.read_bytes() == data
    assert export.n_read == export.n_kept == 7
    assert [p.slug for p in list_projects(ROOT, env)] == [DEMO_SLUG, made.slug]
    again, _ = create_project(ROOT, "Sikkerhedskonsulent 2025 – kommuner", "svar.csv", data,
                              survey_path=SURVEY_2024, environ=env)
    assert again.slug == f"{made.slug}-2"   # same title: a new folder, the first survey untouched


def test_a_team_database_url_is_used_for_every_survey(env):
    env = {**env, "TEXTMINE_STORE": "postgresql+psycopg://textmine@db.siri.local/kodning"}
    assert {p.store for p in list_projects(ROOT, env)} == {"postgresql+psycopg://textmine@db.siri.local/kodning"}


def test_an_export_that_does_not_fit_leaves_nothing_behind(env, tmp_path):
    bad = b"id;noget\n1;2\n"
    with pytest.raises((ExportError, InputError)) as err:
        create_project(ROOT, "Forkert fil", "forkert.csv", bad, survey_path=SURVEY_2024, environ=env)
    assert "forkert" in str(err.value) or "eksport" in str(err.value)
    assert not (tmp_path / "arbejde" / "forkert-fil").exists()


def test_rows_with_problems_are_kept_out_and_listed(env):
    lines = (DATA / "eksport-lille.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace("Krisecenter", "Rumskib")
    made, export = create_project(ROOT, "Med fejl", "svar.csv", "\n".join(lines).encode(),
                                  survey_path=SURVEY_2024, environ=env)
    assert (export.n_read, export.n_kept) == (7, 6)
    problem = export.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "q1_organisation", "Rumskib")


def test_not_an_export_file_is_refused_with_its_name(env):
    with pytest.raises(InputError, match="rapport.pdf"):
        create_project(ROOT, "PDF", "rapport.pdf", b"%PDF-1.7", survey_path=SURVEY_2024, environ=env)


def test_an_uploaded_definition_finds_its_code_frames_beside_it(tmp_path):
    files = {"skema.yaml": SURVEY_2024.read_bytes()}
    files.update({p.name: p.read_bytes() for p in (ROOT / "data" / "codebooks").glob("sikkerhedskonsulent-*.yaml")})
    path = save_uploaded_survey(files, tmp_path / "skema")
    from textmine import load_survey
    survey = load_survey(path)
    assert {f.codebook.name for f in survey.text_fields if f.codebook} == {
        "sikkerhedskonsulent-q1-andet.yaml", "sikkerhedskonsulent-q4-andet.yaml", "sikkerhedskonsulent-q8.yaml"}


def test_an_uploaded_definition_without_its_code_frame_is_refused(tmp_path):
    with pytest.raises(InputError, match="sikkerhedskonsulent-q8.yaml"):
        save_uploaded_survey({"skema.yaml": SURVEY_2024.read_bytes()}, tmp_path / "skema")


@pytest.mark.parametrize("title, slug", [("Brugerundersøgelse 2025", "brugerundersoegelse-2025"),
                                         ("  Ærlig   snak  ", "aerlig-snak"), ("!!!", "undersoegelse")])
def test_slugs_are_readable_ascii(title, slug):
    assert slugify(title) == slug


def test_a_coded_file_named_in_the_environment_is_opened_alone(tmp_path):
    env = {"TEXTMINE_CODED": str(tmp_path / "runde2" / "coded.csv"), "TEXTMINE_SURVEY": str(SURVEY_2024)}
    (only,) = list_projects(ROOT, env)
    assert (only.slug, only.export, only.survey) == ("runde2", None, SURVEY_2024)
    assert only.store == str(tmp_path / "runde2" / "coded.csv.textmine.sqlite")
