"""Broken exports from tests/data/bad/ (written by make_bad.py): each reads or fails with one clear message."""

import sys

import pytest
from conftest import DATA

from textmine import ExportError, InputError, read_export, read_table
from textmine.encoding import repair_mojibake

BAD = DATA / "bad"
sys.path.insert(0, str(BAD))
from make_bad import long_answer, replaced  # noqa: E402


def _read(name, survey, **kw):
    ex = read_export(BAD / name, survey, on_error="reject", **kw)
    assert ex.n_read == ex.n_kept + len(ex.rejected_rows)   # rows read = kept + rejected
    return ex


def _q8(ex):
    return ex.answers[ex.answers["column"] == "q8_kommentar"].set_index("respondent_id")["text"]


@pytest.mark.parametrize("name", ["cp1252-blandet.csv", "mojibake.csv", "utf16-tab.csv", "ekstra-kolonner.csv",
                                  "titelraekke.xlsx", "flere-ark.xlsx"])
def test_repairable_exports_read_like_the_valid_one(name, survey_2024):
    ex = _read(name, survey_2024)
    assert (ex.n_read, ex.n_kept, ex.rejected_rows) == (7, 7, [])
    r = ex.respondents.set_index("respondent_id")
    assert r.loc["501", "status"] == "Gennemført" and r.loc["505", "region"] == "Region Sjælland"
    assert r.loc["504", "q5_akut"] == "Jeg har ikke været i kontakt om akutte sager"
    q8 = _q8(ex)
    assert q8["501"].startswith("Konsulenten kendte reglerne for ægteskaber indgået")
    assert q8["507"].endswith("den unge – og et kursus for nye kolleger.")
    assert q8["506"] == '=HYPERLINK("http://example.invalid";"klik")'
    assert list(ex.respondents["row"]) == ([3, 4, 5, 6, 7, 8, 9] if name == "titelraekke.xlsx" else list(range(2, 9)))


def test_extra_columns_are_ignored_and_empty_trailing_column_dropped():
    df = read_table(BAD / "ekstra-kolonner.csv")
    assert "browser" in df.columns and not any(c.startswith("Unnamed") for c in df.columns)


@pytest.mark.parametrize("text, fixed", [
    ("GennemfÃ¸rt", "Gennemført"),
    ("Ã†blegrÃ¸d pÃ¥ Ã…rhus Ã˜", "Æblegrød på Århus Ø"),
    ("god â€“ tak ðŸ‘\x8d", "god – tak 👍"),
    ("blandet: sÃ¦rlig og særlig", "blandet: særlig og særlig"),
    ("Ã and Â alone stay", "Ã and Â alone stay"),
    ("æøå ÆØÅ ae oe aa", "æøå ÆØÅ ae oe aa"),
    ("", ""),
])
def test_mojibake_is_repaired_only_where_it_decodes(text, fixed):
    assert repair_mojibake(text) == fixed


def test_header_only_reads_zero_rows(survey_2024):
    ex = _read("kun-overskrift.csv", survey_2024)
    assert (ex.n_read, ex.n_kept, ex.rejected_rows) == (0, 0, [])
    assert ex.respondents.empty and ex.answers.empty


def test_duplicated_respondent_id_is_rejected_with_both_rows(survey_2024):
    with pytest.raises(ExportError, match=r"dublet-id.csv', række 8, kolonne 'respondent_id', værdi '501'.*række 2"):
        read_export(BAD / "dublet-id.csv", survey_2024)
    ex = _read("dublet-id.csv", survey_2024)
    assert (ex.n_read, ex.n_kept, ex.rejected_rows) == (7, 6, [8])
    assert list(ex.respondents["respondent_id"]).count("501") == 1


def test_unknown_label_names_the_value_and_the_allowed_ones(survey_2024):
    pattern = r"ukendt-svar.csv', række 3, kolonne 'q1_organisation', værdi 'Krisecentret': .*'Krisecenter'"
    with pytest.raises(ExportError, match=pattern):
        read_export(BAD / "ukendt-svar.csv", survey_2024)
    ex = _read("ukendt-svar.csv", survey_2024)
    assert ex.rejected_rows == [3] and "502" not in set(ex.respondents["respondent_id"])


def test_missing_column_cannot_be_rejected_row_by_row(survey_2024):
    for on_error in ("raise", "reject"):
        with pytest.raises(ExportError, match=r"mangler-kolonne.csv', række 1, kolonne 'q3_boern'.*Kolonner fundet: "
                                              r"\[.*'q2_antal_sager'.*Tjek at eksporten passer"):
            read_export(BAD / "mangler-kolonne.csv", survey_2024, on_error=on_error)


def test_renamed_column_suggests_the_rename(tmp_path, survey_2024):
    path = tmp_path / "eksport.csv"
    path.write_text(replaced(";q3_boern;", ";q3_born;"), encoding="utf-8")
    with pytest.raises(ExportError, match=r"kolonne 'q3_boern'.*Omdøb kolonnen 'q3_born' til 'q3_boern'"):
        read_export(path, survey_2024)


@pytest.mark.parametrize("name, pattern", [
    ("skilletegn-lodret-streg.csv", r"skilletegn-lodret-streg.csv', række 1, værdi 'respondent_id\|status.*"
                                    r"semikolon \(;\), komma \(,\) eller tabulator; den ser ud til at bruge '\|'.*Gem"),
    ("tom.csv", r"tom.csv', række 1: filen er tom.*Eksportér"),
    ("billede.csv", r"billede.csv', række 1: ligner ikke en tekstfil.*binære data.*Eksportér"),
])
def test_unreadable_files_fail_with_one_message(name, pattern, survey_2024):
    with pytest.raises(InputError, match=pattern):
        read_export(BAD / name, survey_2024)


def test_a_one_column_table_needs_no_delimiter(tmp_path):
    path = tmp_path / "tekster.csv"
    path.write_text("text\nGod hjælp\nFor langsom sagsbehandling\n", encoding="utf-8")
    assert read_table(path, required=("text",))["text"].tolist() == ["God hjælp", "For langsom sagsbehandling"]


def test_a_row_with_too_many_fields_names_the_row_and_value(tmp_path, survey_2024):
    path = tmp_path / "eksport.csv"
    path.write_text(replaced(";Nej tak\n", ";Nej; tak\n"), encoding="utf-8")
    with pytest.raises(InputError, match=r"eksport.csv', række 6, værdi ' tak': rækken har 19 felter.*anførselstegn"):
        read_export(path, survey_2024)


def test_a_one_megabyte_answer_is_kept_whole(tmp_path, survey_2024):
    answer = long_answer()
    path = tmp_path / "langt-svar.csv"
    path.write_text(replaced(";Nej tak\n", f";{answer}\n"), encoding="utf-8")
    ex = read_export(path, survey_2024)
    assert ex.n_kept == 7 and _q8(ex)["505"] == answer and len(answer) == 1_000_000


def test_dangerous_answers_stay_text_without_control_characters(survey_2024):
    ex = _read("farlige-svar.csv", survey_2024)
    assert (ex.n_read, ex.n_kept, ex.rejected_rows) == (8, 8, [])
    q8 = _q8(ex)
    assert q8["501"] == "=1+1" and q8["502"] == "+45 12 34 56 78" and q8["503"] == "@SUM(A1:A2)"
    assert q8["504"] == "<script>alert('hej')</script><b>Fed</b> tekst"
    assert q8["505"].startswith("![billede](http://example.invalid/spor.png)")
    assert q8["506"] == "Super hjælp 👍🏽 ❤️ 🇩🇰"
    assert q8["507"] == "Førefter NUL"
    assert q8["508"] == "Klokke og escape[31m rød og backspace og lodrettab"
    assert not ex.answers["text"].str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]").any()


def test_workbook_without_the_id_column_lists_columns_of_the_first_sheet(tmp_path, survey_2024):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Undersøgelse", "Sikkerhedskonsulentordningen 2024"])
    wb.save(tmp_path / "forside.xlsx")
    with pytest.raises(ExportError, match=r"forside.xlsx', række 1, kolonne 'respondent_id'.*'Undersøgelse'"):
        read_export(tmp_path / "forside.xlsx", survey_2024)


def test_stored_bad_files_are_what_the_generator_writes(tmp_path):
    import make_bad

    make_bad.main(tmp_path)
    csvs = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert len(csvs) == 12 and not list(tmp_path.glob("langt*"))
    assert {n: (tmp_path / n).read_bytes() for n in csvs} == {n: (BAD / n).read_bytes() for n in csvs}
