"""classify_file: a file coded chunk by chunk is byte for byte the file coded whole."""

import pytest
from conftest import DATA

from textmine import InputError, classify_table, read_table
from textmine.coding import Stopwatch
from textmine.redact import redact_table
from textmine.safe import write_csv
from textmine.stream import classify_file

ANSWERS = [
    "Konsulenten var meget hjælpsom og hurtig til at svare",
    "Ring til Mette Hansen på 22 33 44 55 hvis I vil vide mere",
    "=HYPERLINK(\"http://example.com\",\"klik\")",
    "+45 22334455 virker ikke",
    "@konsulenten var god",
    "-",
    "",
    "   ",
    "mail: jens.hansen@firma.dk, cpr 120307-4432",
    "Bor på Nørregade 12, 2. th, 1165 København K",
    "\tTabulator først",
    "'=allerede citeret",
    "Ærø og Åbenrå ødelagde ænderne 😀",
    "svært at faa fat i dem i ferien, lovgivningen i udlandet er uklar",
    "linje et\r\nlinje to",
    "Intet",
    "citat \"her\"; og semikolon",
]


@pytest.fixture(scope="module")
def answers_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("stream") / "svar.csv"
    rows = [(f"S{i:03d}", ANSWERS[i % len(ANSWERS)]) for i in range(3 * len(ANSWERS) + 2)]
    import pandas as pd

    pd.DataFrame(rows, columns=["svar_id", "kommentar"]).to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


@pytest.mark.parametrize("mask", [True, False])
@pytest.mark.parametrize("workers", [1, 2])
def test_streamed_output_is_byte_for_byte_the_whole_tables(tmp_path, answers_csv, codebook_q8, mask, workers):
    whole = classify_table(read_table(answers_csv, required=("kommentar", "svar_id")), codebook_q8,
                           text_column="kommentar", id_column="svar_id")
    if mask:
        whole = redact_table(whole, "kommentar")
    expected = write_csv(whole, tmp_path / "hel.csv").read_bytes()
    timer = Stopwatch()
    run = classify_file(answers_csv, codebook_q8, tmp_path / "strøm.csv", text_column="kommentar",
                        id_column="svar_id", mask=mask, workers=workers, rows=4, timer=timer)
    assert (tmp_path / "strøm.csv").read_bytes() == expected
    assert run["answers"] == len(whole) and run["needs_review"] == int(whole["needs_review"].sum())
    assert {"read", "nlp", "features", "predict", "sentiment", "write"} <= set(timer.seconds)
    assert ("mask" in timer.seconds) == mask
    text = expected.decode("utf-8")
    assert "'=HYPERLINK(" in text and "'@konsulenten" in text and ",-," in text   # formulas escaped, "-" not
    assert ("'+45 22334455" in text) != mask                      # a formula-like phone number, or its mask
    assert ("Mette Hansen" in text) != mask and ("[TELEFON]" in text) == mask


def test_a_file_with_a_header_only_gives_a_header_only(tmp_path, codebook_q8):
    path = tmp_path / "tom.csv"
    path.write_text("id;text\n", encoding="utf-8")
    run = classify_file(path, codebook_q8, tmp_path / "ud.csv", rows=4)
    whole = classify_table(read_table(path, required=("text", "id")), codebook_q8)
    assert run["answers"] == 0
    assert (tmp_path / "ud.csv").read_bytes() == write_csv(whole, tmp_path / "hel.csv").read_bytes()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_row_late_in_the_file_names_row_and_value_and_leaves_no_file(tmp_path, codebook_q8, workers):
    path = tmp_path / "svar.csv"
    path.write_text("id;text\n" + "".join(f"{i};God hjælp\n" for i in range(20)) + "21;Hej;med;semikolon\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"svar.csv', række 22, værdi 'med': rækken har 4 felter"):
        classify_file(path, codebook_q8, tmp_path / "ud.csv", workers=workers, rows=4)
    assert list(tmp_path.iterdir()) == [path]


def test_a_missing_column_is_named_before_anything_is_coded(tmp_path, codebook_q8):
    with pytest.raises(InputError, match=r"kolonnen 'kommentar' mangler"):
        classify_file(DATA / "labelled-q8.csv", codebook_q8, tmp_path / "ud.csv", text_column="kommentar")
    assert not (tmp_path / "ud.csv").exists()
