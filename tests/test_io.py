import re
import shutil

import pandas as pd
import pytest
from conftest import DATA, shared_path

from textmine import ExportError, InputError, read_export, read_table

VARIANTS = ["eksport-lille.csv", "eksport-lille-cp1252.csv", "eksport-lille-komma.csv", "eksport-lille.xlsx"]


@pytest.mark.parametrize("name", VARIANTS)
def test_every_flavour_reads_to_the_same_tables(name, survey_2024):
    ex = read_export(DATA / name, survey_2024)
    assert ex.n_read == 7 and ex.n_kept == 7 and not ex.problems
    r = ex.respondents.set_index("respondent_id")
    assert r.loc["502", "q1_organisation"] == "Krisecenter"
    assert r.loc["502", "region"] == "Region Hovedstaden"
    assert r.loc["501", "q4_samarbejdspartnere"] == 1
    assert r.loc["504", "q5_akut"] == "Jeg har ikke været i kontakt om akutte sager"
    texts = ex.answers.set_index(["respondent_id", "column"])["text"]
    assert texts[("501", "q8_kommentar")].startswith("Konsulenten kendte reglerne for ægteskaber")
    assert texts[("504", "q1_andet")] == "Børne- og ungdomspsykiatrien"


def test_answers_table_keeps_na_and_formulas_as_text_and_drops_empty(survey_2024, export_csv):
    ex = read_export(export_csv, survey_2024)
    q8 = ex.answers[ex.answers["column"] == "q8_kommentar"].set_index("respondent_id")["text"]
    assert q8["504"] == "NA"                       # a comment reading "NA" is text
    assert q8["506"].startswith("=HYPERLINK(")     # kept verbatim; writers protect it
    assert "503" not in q8.index                   # empty text is not an answer
    assert set(ex.answers.columns) >= {"respondent_id", "question", "column", "text", "row"}
    assert ex.answers.set_index(["respondent_id", "column"]).loc[("504", "q4_andet_tekst"), "question"] == 4


def test_partial_responses_are_kept(survey_2024, export_csv):
    ex = read_export(export_csv, survey_2024)
    partial = ex.respondents.set_index("respondent_id").loc["503"]
    assert partial["status"] == "Delvist gennemført"
    assert pd.isna(partial["q5_akut"]) and pd.isna(partial["q4_sikkerhed"])


def test_shared_sample_export_reads(survey_2024):
    ex = read_export(shared_path("samples", "sikkerhedskonsulent-2024-eksport.csv"), survey_2024)
    assert ex.n_kept == 12
    assert (ex.respondents["status"] == "Delvist gennemført").sum() == 1
    assert len(ex.answers[ex.answers["column"] == "q4_andet_tekst"]) == 2


def _edit(tmp_path, old, new, count=1):
    text = (DATA / "eksport-lille.csv").read_text(encoding="utf-8-sig")
    assert old in text
    path = tmp_path / "eksport.csv"
    path.write_text(text.replace(old, new, count), encoding="utf-8-sig")
    return path


def test_unknown_label_names_file_row_column_and_value(tmp_path, survey_2024):
    path = _edit(tmp_path, "502;Gennemført;Region Hovedstaden;Krisecenter", "502;Gennemført;Region Hovedstaden;Krisecentret")
    with pytest.raises(ExportError) as err:
        read_export(path, survey_2024)
    message = str(err.value)
    assert "eksport.csv" in message and "række 3" in message
    assert "'q1_organisation'" in message and "'Krisecentret'" in message
    assert "Krisecenter" in message   # says what is allowed


def test_duplicated_respondent_id_points_at_both_rows(tmp_path, survey_2024):
    path = _edit(tmp_path, "\n507;", "\n501;")
    with pytest.raises(ExportError, match=r"række 8, kolonne 'respondent_id', værdi '501'.*række 2"):
        read_export(path, survey_2024)


def test_missing_column_lists_the_columns_found(tmp_path, survey_2024):
    path = _edit(tmp_path, ";q3_boern;", ";q3_born;")
    with pytest.raises(ExportError, match=r"kolonne 'q3_boern'.*Kolonner fundet: \[.*'q3_born'"):
        read_export(path, survey_2024)


def test_reject_mode_keeps_valid_rows_and_lists_rejected(tmp_path, survey_2024):
    path = _edit(tmp_path, ";2-5 sager;Nej;", ";2 til 5;Nej;")
    ex = read_export(path, survey_2024, on_error="reject")
    assert ex.n_read == 7 and ex.n_kept == 6 and ex.rejected_rows == [8]
    assert ex.problems[0].column == "q2_antal_sager" and ex.problems[0].value == "2 til 5"
    assert "507" not in set(ex.answers["respondent_id"])


def test_read_table_requires_columns_and_names_them(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id;tekst\n1;Hej\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"svar.csv.*kolonnen 'text' mangler.*\['id', 'tekst'\]"):
        read_table(path, required=("text",))


def test_read_table_refuses_binary_and_empty_files(tmp_path):
    binary = tmp_path / "billede.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binære data"):
        read_table(binary)
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="tom"):
        read_table(empty)


def test_xlsx_with_a_renamed_suffix_is_still_read(tmp_path, survey_2024):
    path = tmp_path / "eksport.csv"
    shutil.copy(DATA / "eksport-lille.xlsx", path)
    assert read_export(path, survey_2024).n_kept == 7


# -- read_chunks: the same cells as read_table, a chunk at a time --------------------------

def _hostile_csvs(tmp_path):
    """Files that test every turn of the CSV reader: encodings, BOM, NULs, title rows, line breaks."""
    rows = ["id;text;note", '1;"Ærlig talt\nto linjer";x', "2;=SUM(A1);", "3;'=allerede citeret;",
            "4;sÃ¦rdeles god â€“ tak;", ";;", "", "5;Tak\x00 for hjælp 😀;", '6;"semikolon; i svaret";',
            "7;kort", "8;  -  ;", "9;@bruger;"]
    files = {
        "utf8.csv": "\r\n".join(rows).encode("utf-8"),
        "bom.csv": b"\xef\xbb\xbf" + "\n".join(rows).encode("utf-8"),
        "lone-cr.csv": "\r".join(rows).encode("utf-8"),
        "titel.csv": ("Svar på spørgeskema 2024\n\n" + "\n".join(rows)).encode("utf-8"),
        # Excel's cp1252 with one pasted UTF-8 row: each byte decided on its own
        "blandet.csv": "\n".join(rows[:3]).encode("cp1252", "replace") + b"\n10;gr\xf8n \xe6ble;\n"
                       + "11;grøn æble;\n".encode("utf-8"),
        "komma.csv": "\n".join(r.replace(";", ",") for r in rows[:4]).encode("utf-8"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return [tmp_path / name for name in files]


def _whole_and_chunked(path, columns, rows):
    from textmine.io import read_chunks

    whole = read_table(path, required=columns)[list(columns)].reset_index(drop=True)
    parts = list(read_chunks(path, columns, rows=rows))
    return whole, parts


@pytest.mark.parametrize("rows", [1, 2, 20_000])
def test_read_chunks_gives_read_tables_cells_in_chunks(tmp_path, rows):
    paths = _hostile_csvs(tmp_path) + [DATA / v for v in VARIANTS] + [DATA / "bad" / "cp1252-blandet.csv",
                                                                     DATA / "bad" / "mojibake.csv",
                                                                     DATA / "bad" / "utf16-tab.csv"]
    for path in paths:
        columns = ("id", "text") if path.parent == tmp_path else ("respondent_id", "q8_kommentar")
        whole, parts = _whole_and_chunked(path, columns, rows)
        assert all(len(p) <= rows for p in parts) and len(parts) >= 1, path
        pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole, obj=str(path))
    texts = pd.concat(_whole_and_chunked(tmp_path / "blandet.csv", ("id", "text"), 1)[1])["text"].tolist()
    assert texts[-2:] == ["grøn æble", "grøn æble"]


def test_read_chunks_of_a_file_with_a_header_only_is_one_empty_frame(tmp_path):
    from textmine.io import read_chunks

    path = tmp_path / "tom.csv"
    path.write_text("id;text\n", encoding="utf-8")
    parts = list(read_chunks(path, ("id", "text")))
    assert len(parts) == 1 and parts[0].empty and list(parts[0].columns) == ["id", "text"]


@pytest.mark.parametrize("content, message", [
    ("id;tekst\n1;Hej\n", r"svar.csv.*kolonnen 'text' mangler.*\['id', 'tekst'\]"),
    ("id;text;text\n1;Hej;Hej\n", r"svar.csv.*række 1, kolonne 'text': kolonnen står flere gange"),
    ("id;text\n" + "1;Hej\n" * 5 + "7;Hej;med;semikolon\n", r"svar.csv', række 7, værdi 'med': rækken har 4 felter"),
    ("", "tom"),
])
def test_read_chunks_fails_as_read_table_does_naming_row_and_value(tmp_path, content, message):
    from textmine.io import read_chunks

    path = tmp_path / "svar.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as whole:
        read_table(path, required=("id", "text"))
    with pytest.raises(InputError) as chunked:
        list(read_chunks(path, ("id", "text"), rows=2))
    assert str(chunked.value) == str(whole.value)
    assert re.search(message, str(chunked.value))
