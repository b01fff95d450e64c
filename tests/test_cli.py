"""The three commands end to end, as an analyst runs them."""

import json
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from conftest import DATA, ROOT, SURVEY_2024, shared_path

from textmine import read_table
from textmine.cli import main


def run(*args) -> int:
    return main([str(a) for a in args])


@pytest.fixture()
def comments_csv(tmp_path):
    """Comments with their own id column name, as an analyst might export them."""
    df = read_table(DATA / "labelled-q8.csv").rename(columns={"text": "kommentar"})
    df.insert(0, "svar_id", [f"K{i:03d}" for i in range(len(df))])
    df.loc[len(df)] = ["K999", "", ""]       # an empty answer is kept, not coded
    path = tmp_path / "kommentarer.csv"
    df.drop(columns=["themes"]).to_csv(path, index=False, sep=";", encoding="utf-8-sig")
    return path


def test_classify_writes_the_contract_columns(tmp_path, comments_csv, capsys):
    codebook = shared_path("codebooks", "sikkerhedskonsulent-q8.yaml")
    out = tmp_path / "ud.csv"
    assert run("classify", comments_csv, "--codebook", codebook, "--out", out,
               "--text-column", "kommentar", "--id-column", "svar_id") == 0
    df = read_table(out)
    ids = ["faglig_sparring", "generel_ros", "tilgaengelighed", "kendskab", "kurser_oplaeg", "materialer",
           "konkret_handling", "opfoelgning", "lovgivning_udland", "tvaerfagligt_netvaerk", "ordningens_fremtid",
           "ingen_kommentar"]
    assert list(df.columns[:3]) == ["svar_id", "kommentar", "themes"]
    assert {f"p_{t}" for t in ids} <= set(df.columns) and "needs_review" in df.columns
    assert len(df) == 14 and df["svar_id"].iloc[0] == "K000"
    by_id = df.set_index("svar_id")
    assert by_id.loc["K999", "themes"] == "" and by_id.loc["K999", "p_generel_ros"] == ""
    assert by_id.loc["K011", "themes"] == "ingen_kommentar"                   # "Intet"
    assert "lovgivning_udland" in by_id.loc["K008", "themes"].split("|")      # Irak, forældremyndighed
    assert "14 svar kodet" in capsys.readouterr().out


def test_code_on_the_shared_sample_export(tmp_path):
    sample = shared_path("samples", "sikkerhedskonsulent-2024-eksport.csv")
    assert run("code", sample, "--survey", SURVEY_2024, "--out", tmp_path) == 0
    coded = read_table(tmp_path / "coded.csv")
    assert set(coded["column"]) == {"q1_andet", "q4_andet_tekst", "q8_kommentar"}
    assert len(coded[coded["column"] == "q8_kommentar"]) == 11     # 12 respondents, the partial one wrote none
    row = coded.set_index(["respondent_id", "column"])
    assert row.loc[("1004", "q1_andet"), "themes"] == "bc_kommune"
    assert row.loc[("1004", "q1_andet"), "backcode"] == "Kommune"          # Jobcentret belongs under Kommune
    assert row.loc[("1004", "q8_kommentar"), "q1_organisation"] == "Andet"  # closed answers joined
    assert row.loc[("1002", "q8_kommentar"), "themes"] == "ingen_kommentar"
    assert row.loc[("1005", "q4_andet_tekst"), "themes"] == "lovgivning_udland"
    assert coded["nlp"].str.contains("spacy").all()
    sheets = openpyxl.load_workbook(tmp_path / "coded.xlsx").sheetnames
    assert sheets[0] == "Alle svar" and len(sheets) == 4


def test_code_analyses_an_answer_once_across_runs_unless_told_not_to(tmp_path, monkeypatch):
    """Re-coding a survey (after a code-frame change) reads its answers' analyses back from the cache."""
    from textmine.nlp import Analyzer, normalise_text

    analysed: list[str] = []        # every text spaCy runs on: answers, and the frames' keywords
    spacy_run = Analyzer._run

    def counting(self, cleaned, batch_size):
        analysed.extend(cleaned)
        return spacy_run(self, cleaned, batch_size)

    monkeypatch.setattr(Analyzer, "_run", counting)
    export, cache = DATA / "eksport-lille.csv", tmp_path / "cache"

    def code(name, *flags):
        analysed.clear()
        assert run("code", export, "--survey", SURVEY_2024, "--out", tmp_path / name, "--no-mask",
                   "--cache-dir", cache, *flags) == 0
        return read_table(tmp_path / name / "coded.csv")

    first = code("first")
    answers = {normalise_text(t) for t in first["text"] if t.strip()}
    assert len(answers & set(analysed)) == len(answers) > 5
    pd.testing.assert_frame_equal(code("second"), first)
    assert answers & set(analysed) == set()
    pd.testing.assert_frame_equal(code("without", "--no-cache"), first)
    assert answers <= set(analysed)


def test_code_keeps_formulas_as_text_in_every_output(tmp_path):
    assert run("code", DATA / "eksport-lille.csv", "--survey", SURVEY_2024, "--out", tmp_path, "--no-mask") == 0
    wb = openpyxl.load_workbook(tmp_path / "coded.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert any(c.value == '=HYPERLINK("http://example.invalid";"klik")' for c in cells)
    assert all(c.data_type != "f" for c in cells)
    raw = (tmp_path / "coded.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw                     # spreadsheets show it as text
    assert read_table(tmp_path / "coded.csv")["text"].str.startswith("=HYPERLINK").sum() == 1


def test_code_masks_personal_data_in_its_files_unless_told_not_to(tmp_path):
    demo = ROOT / "data" / "demo" / "sikkerhedskonsulent-2024-eksport.csv"
    assert run("code", demo, "--survey", SURVEY_2024, "--out", tmp_path / "maskeret") == 0
    masked = read_table(tmp_path / "maskeret" / "coded.csv").set_index(["respondent_id", "column"])
    comment = masked.loc[("2055", "q8_kommentar"), "text"]          # "ring til ... Mette på 22 33 44 55"
    assert "22 33 44 55" not in comment and "[TELEFON]" in comment and "Mette" not in comment
    xlsx = [c.value for ws in openpyxl.load_workbook(tmp_path / "maskeret" / "coded.xlsx") for row in ws.iter_rows()
            for c in row]
    assert not any(isinstance(v, str) and "22 33 44 55" in v for v in xlsx)
    assert json.loads((tmp_path / "maskeret" / "run.json").read_text(encoding="utf-8"))["masked"] is True
    assert run("code", demo, "--survey", SURVEY_2024, "--out", tmp_path / "aaben", "--no-mask") == 0
    plain = read_table(tmp_path / "aaben" / "coded.csv").set_index(["respondent_id", "column"])
    assert "22 33 44 55" in plain.loc[("2055", "q8_kommentar"), "text"]


def test_train_then_classify_with_the_model(tmp_path, comments_csv):
    codebook = ROOT / "data" / "codebooks" / "sikkerhedskonsulent-q8.yaml"
    model = tmp_path / "model"
    assert run("train", DATA / "labelled-q8.csv", "--codebook", codebook, "--out", model) == 0
    assert (model / "meta.json").exists()
    out = tmp_path / "ud.csv"
    assert run("classify", comments_csv, "--codebook", codebook, "--out", out, "--text-column", "kommentar",
               "--id-column", "svar_id", "--model", model) == 0
    assert (read_table(out)["model"] == "model").all()


def test_model_for_another_frame_is_refused_in_one_line(tmp_path, comments_csv, capsys):
    model = tmp_path / "model"
    assert run("train", DATA / "labelled-q8.csv", "--codebook", ROOT / "data" / "codebooks" /
               "sikkerhedskonsulent-q8.yaml", "--out", model) == 0
    q4 = ROOT / "data" / "codebooks" / "sikkerhedskonsulent-q4-andet.yaml"
    assert run("classify", comments_csv, "--codebook", q4, "--out", tmp_path / "x.csv",
               "--text-column", "kommentar", "--id-column", "svar_id", "--model", model) == 2
    err = capsys.readouterr().err
    assert err.startswith("textmine: fejl: modellen i") and err.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["classify", DATA / "labelled-q8.csv", "--codebook", ROOT / "data/codebooks/sikkerhedskonsulent-q8.yaml",
      "--out", "x.csv"], "kolonnen 'id' mangler"),
    (["train", DATA / "eksport-lille.csv", "--codebook", ROOT / "data/codebooks/sikkerhedskonsulent-q8.yaml",
      "--out", "m"], "kolonnen 'text' mangler"),
    (["code", DATA / "eksport-lille.csv", "--survey", ROOT / "findes-ikke.yaml", "--out", "x"], "findes ikke"),
])
def test_bad_input_fails_with_one_line_naming_the_problem(tmp_path, capsys, args, message):
    assert run(*args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_theme_in_training_file_names_row_and_value(tmp_path, capsys):
    bad = tmp_path / "kodet.csv"
    pd.DataFrame({"text": ["Tak", "Hurtigt svar"], "themes": ["generel_ros", "hurtighed"]}).to_csv(bad, index=False)
    assert run("train", bad, "--codebook", ROOT / "data/codebooks/sikkerhedskonsulent-q8.yaml",
               "--out", tmp_path / "m") == 2
    err = capsys.readouterr().err
    assert "række 3" in err and "'hurtighed'" in err and "kolonne 'themes'" in err


def test_console_script_is_installed():
    done = subprocess.run([sys.executable, "-m", "textmine.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "classify" in done.stdout and "code" in done.stdout


def test_an_unexpected_error_is_one_line_and_a_log_file(monkeypatch, capsys, tmp_path):
    import textmine.cli as cli

    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "cmd_classify", broken)
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    assert run("classify", "x.csv", "--codebook", "y.yaml", "--out", "z.csv") == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "ZeroDivisionError" in err
    assert "Traceback" in (tmp_path / "textmine-fejl.log").read_text(encoding="utf-8")


def test_classify_caches_analyses_unless_told_not_to(tmp_path, comments_csv):
    """Analyses are kept by default and reused by the next run; --no-cache keeps none. Output is the
    same either way."""
    codebook = ROOT / "data/codebooks/sikkerhedskonsulent-q8.yaml"
    common = ("--codebook", codebook, "--text-column", "kommentar", "--id-column", "svar_id")

    def classify(name, *flags, folder=None):
        folder = folder or tmp_path / f"cache-{name}"
        assert run("classify", comments_csv, *common, "--out", tmp_path / f"{name}.csv",
                   "--cache-dir", folder, *flags) == 0
        return sorted(folder.glob("nlp-*.sqlite")) if folder.exists() else []

    assert len(classify("cached")) == 1
    assert len(classify("again", folder=tmp_path / "cache-cached")) == 1
    assert classify("plain", "--no-cache") == []
    assert (tmp_path / "plain.csv").read_bytes() == (tmp_path / "cached.csv").read_bytes()
    assert (tmp_path / "plain.csv").read_bytes() == (tmp_path / "again.csv").read_bytes()
