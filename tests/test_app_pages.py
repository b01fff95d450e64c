"""The app's pages with AppTest: decisions kept across runs, conflicts told, agreement, stars, export."""

import pandas as pd
import pytest
from conftest import ROOT, coded_frame, write_coded
from streamlit.testing.v1 import AppTest

from textmine import load_codebook
from textmine.redact import mask_text
from textmine.store import Store, answer_key

APP = str(ROOT / "app.py")
PAGES = "textmine/ui_pages"
Q8 = "q8_kommentar"
Q8_FRAME = ROOT / "data" / "codebooks" / "sikkerhedskonsulent-q8.yaml"


@pytest.fixture()
def env(tmp_path, monkeypatch):
    """The six coded q8 comments of conftest opened on their own, with a store beside them."""
    coded = write_coded(tmp_path / "kodet" / "coded.csv")
    monkeypatch.setenv("TEXTMINE_CODED", str(coded))
    monkeypatch.delenv("TEXTMINE_SURVEY", raising=False)
    monkeypatch.setenv("TEXTMINE_WORKSPACE", str(tmp_path / "arbejde"))
    monkeypatch.setenv("TEXTMINE_STORE", str(tmp_path / "kodning.sqlite"))
    monkeypatch.setenv("TEXTMINE_CODER", "")
    return tmp_path


def key(rid: str) -> str:
    return answer_key("kodet", rid, Q8)


def open_page(page: str | None = None, coder: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if coder:
        at.session_state["coder"] = coder
    at.run()
    if page:
        at.switch_page(f"{PAGES}/{page}.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def table(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def save_button(at: AppTest):
    return next(b for b in at.button if b.label == "Gem og næste")


def themes_widget(at: AppTest):
    return next(m for m in at.multiselect if m.key and m.key.startswith("kod_themes_"))


def store(env) -> Store:
    return Store(env / "kodning.sqlite")


def test_kod_shows_the_answer_its_context_and_the_suggestions(env):
    at = open_page("kod", coder="Mette Larsen")
    rid = at.subheader[0].value.removeprefix("Respondent ")
    row = coded_frame().set_index("respondent_id").loc[rid]
    assert at.text[0].value == mask_text(row["text"])          # plain text, personal data masked
    closed = table(at, "Spørgsmål").set_index("Spørgsmål")["Svar"]
    assert row["q1_organisation"] in closed.tolist() and row["q2_antal_sager"] in closed.tolist()
    suggestions = table(at, "Sandsynlighed")
    assert suggestions["Sandsynlighed"].is_monotonic_decreasing
    assert any("0 af 6 kodet" in p.proto.text for p in at.get("progress"))


def test_a_decision_is_saved_and_read_back_in_a_fresh_run(env):
    at = open_page("kod", coder="Mette Larsen")
    rid = at.subheader[0].value.removeprefix("Respondent ")
    themes_widget(at).set_value(["generel_ros"])
    save_button(at).click().run()
    assert not at.exception, at.exception

    decision = store(env).current(key(rid))
    assert decision.themes == ("generel_ros",) and decision.coder == "Mette Larsen" and decision.source == "human"
    # A new session (a browser refresh or an app restart) sees the decision and moves on.
    again = open_page("kod", coder="Mette Larsen")
    assert again.subheader[0].value != f"Respondent {rid}"
    assert any("1 af 6 kodet" in p.proto.text for p in again.get("progress"))
    read = open_page()
    rows = table(read, "Svar").set_index("Respondent")
    assert rows.loc[rid, "Temaer"] == load_codebook(Q8_FRAME).label_of["generel_ros"]
    assert rows.loc[rid, "Kodet af"] == "Mette Larsen"


def test_the_later_of_two_coders_is_told_and_sees_the_newer_decision(env):
    mette = open_page("kod", coder="Mette")
    ali = open_page("kod", coder="Ali")
    rid = mette.subheader[0].value.removeprefix("Respondent ")
    assert ali.subheader[0].value == f"Respondent {rid}"     # both look at the same answer

    themes_widget(ali).set_value(["kurser_oplaeg"])
    save_button(ali).click().run()
    themes_widget(mette).set_value(["generel_ros"])
    save_button(mette).click().run()

    assert not mette.exception, mette.exception
    warning = " ".join(w.value for w in mette.warning)
    assert "ikke gemt" in warning and "Ali" in warning
    decision = store(env).current(key(rid))
    assert decision.themes == ("kurser_oplaeg",) and decision.coder == "Ali"
    trail = store(env).history(key(rid))
    assert [e.coder for e in trail] == ["model", "Ali"]


def test_saving_without_a_name_is_refused(env):
    at = open_page("kod")
    rid = at.subheader[0].value.removeprefix("Respondent ")
    save_button(at).click().run()
    assert "navn" in " ".join(w.value for w in at.warning)
    assert store(env).current(key(rid)).source == "model"


def test_skip_moves_on_without_a_decision(env):
    at = open_page("kod", coder="Mette")
    first = at.subheader[0].value
    next(b for b in at.button if b.label == "Spring over").click().run()
    assert at.subheader[0].value != first
    assert store(env).current(key(first.removeprefix("Respondent "))).source == "model"


def test_the_audit_trail_lists_every_decision(env):
    s = store(env)
    open_page()   # seeds the model's suggestions
    s.record(key("3002"), ["tilgaengelighed", "generel_ros"], coder="Ali", source="human", expected_version=1,
             note="også ros")
    at = open_page("kod", coder="Mette")
    at.text_input(key="kod_goto").input("3002").run()     # a coded answer, opened to correct it
    assert at.subheader[0].value == "Respondent 3002"
    assert themes_widget(at).value == ["tilgaengelighed", "generel_ros"]
    trail = table(at, "Erstattede")
    assert trail["Kodet af"].tolist() == ["model", "Ali"]
    assert trail["Temaer"].tolist() == ["tilgaengelighed", "tilgaengelighed, generel_ros"]
    assert trail["Erstattede"].tolist() == ["", "tilgaengelighed"]
    assert trail["Note"].tolist()[-1] == "også ros"


def test_read_page_filters_by_theme_closed_answer_and_word(env):
    at = open_page()
    assert table(at, "Svar")["Respondent"].tolist() == ["3001", "3002", "3003", "3004", "3005", "3006"]
    at.multiselect(key="filter_q1_organisation").select("Kommune").run()
    assert table(at, "Svar")["Respondent"].tolist() == ["3001", "3004", "3006"]
    at.text_input(key="search").input("rådgivning").run()
    # 'rådgivning' also finds 'raadgivning' (ae/oe/aa spelling) and the inflected forms.
    assert table(at, "Svar")["Respondent"].tolist() == ["3004", "3006"]
    at.text_input(key="search").input("").run()
    at.multiselect(key=f"filter_themes_{Q8}").select("faglig_sparring").run()
    assert table(at, "Svar")["Respondent"].tolist() == ["3001", "3006"]


def test_read_page_follows_human_decisions_not_the_suggestion(env):
    open_page()
    store(env).record(key("3003"), ["faglig_sparring"], coder="Mette", source="human", expected_version=1)
    at = open_page()
    at.multiselect(key=f"filter_themes_{Q8}").select("faglig_sparring").run()
    assert table(at, "Svar")["Respondent"].tolist() == ["3001", "3003", "3006"]


def test_a_starred_quote_is_kept(env):
    at = open_page(coder="Mette")
    at.selectbox(key="star_choice").set_value(key("3003"))
    next(b for b in at.button if b.label.startswith("★")).click().run()
    assert store(env).starred("kodet") == {key("3003")}
    rows = table(open_page(), "Svar").set_index("Respondent")
    assert rows.loc["3003", "Citat"] and not rows.loc["3001", "Citat"]


def test_agreement_page_reproduces_hand_computed_alpha(env):
    open_page()
    s = store(env)
    # Mette codes all six in the shared lane; Ali double-codes them in his own. They differ on 3002 only.
    mette = ["tilgaengelighed", "tilgaengelighed", "kurser_oplaeg", "kurser_oplaeg", "tilgaengelighed", "generel_ros"]
    ali = ["tilgaengelighed", "kurser_oplaeg", "kurser_oplaeg", "kurser_oplaeg", "tilgaengelighed", "generel_ros"]
    rids = ["3001", "3002", "3003", "3004", "3005", "3006"]
    s.assign([key(r) for r in rids], "Ali", by="Mette")
    for rid, m, a in zip(rids, mette, ali):
        s.record(key(rid), [m], coder="Mette", source="human", expected_version=1)
        s.record(key(rid), [a], coder="Ali", source="human", expected_version=0, lane="Ali")
    at = open_page("enighed", coder="Mette")
    pairs = table(at, "Krippendorffs alfa").set_index(["Koder A", "Koder B"])
    # Hand computation in tests/test_agreement.py: alpha = 1 - 264/1080, 5 of 6 identical.
    assert pairs.loc[("Ali", "Mette"), "Krippendorffs alfa"] == pytest.approx(1 - 264 / 1080)
    assert pairs.loc[("Ali", "Mette"), "Helt ens"] == pytest.approx(5 / 6)
    disputes = table(at, "Svar")
    assert disputes["Respondent"].tolist() == ["3002"]

    at.selectbox(key="enighed_key").set_value(key("3002"))
    at.multiselect(key="enighed_themes").set_value(["tilgaengelighed"])
    next(b for b in at.button if b.label == "Afgør").click().run()
    final = s.current(key("3002"))
    assert (final.source, final.themes, final.coder) == ("adjudicated", ("tilgaengelighed",), "Mette")


def test_second_coder_codes_blind_in_their_own_lane(env):
    open_page()
    s = store(env)
    s.assign([key("3004")], "Ali", by="Mette")
    at = open_page("kod", coder="Ali")
    at.toggle(key="kod_blind").set_value(True).run()
    assert at.subheader[0].value == "Respondent 3004"
    assert themes_widget(at).value == []                       # no suggestion to anchor on
    assert not [df for df in at.dataframe if "Sandsynlighed" in df.value.columns]
    themes_widget(at).set_value(["generel_ros"])
    save_button(at).click().run()
    assert s.current(key("3004"), lane="Ali").themes == ("generel_ros",)
    assert s.current(key("3004")).source == "model"             # the shared coding is untouched


def test_export_page_offers_the_coded_workbook(env):
    at = open_page("eksport")
    assert not at.error
    assert at.markdown[0].value.startswith("7 svar, heraf 0 kodet af en analytiker")


def write_variant(env, **texts) -> None:
    """The coded file with other texts for some respondents and a sentiment per answer."""
    from textmine.safe import write_csv
    from conftest import coded_frame

    df = coded_frame()
    for rid, text in texts.items():
        df.loc[df["respondent_id"] == rid.removeprefix("r"), "text"] = text
    df["sentiment"] = ["positiv", "negativ", "positiv", "neutral", "neutral", "positiv", "neutral"]
    write_csv(df, env / "kodet" / "coded.csv")


def test_read_page_filters_by_sentiment_and_finds_inflected_and_compound_words(env):
    write_variant(env, r3001="Kendskab til dansk lovgivning er vigtigt.",
                  r3002="Vi mangler viden om udlandslovgivningen.", r3003="Mange lovgivninger er svære.")
    at = open_page()
    at.multiselect(key="filter_sentiment").select("negativ").run()
    assert table(at, "Svar")["Respondent"].tolist() == ["3002"]
    at.multiselect(key="filter_sentiment").unselect("negativ").run()
    at.multiselect(key="filter_sentiment").select("positiv").run()
    assert table(at, "Svar")["Respondent"].tolist() == ["3001", "3003", "3006"]
    at.multiselect(key="filter_sentiment").unselect("positiv").run()
    # 'lovgivningen' finds the base form, a plural and a compound ending in the word.
    at.text_input(key="search").input("lovgivningen").run()
    assert table(at, "Svar")["Respondent"].tolist() == ["3001", "3002", "3003"]
    at.multiselect(key="filter_q1_organisation").select("Politi").run()
    assert table(at, "Svar")["Respondent"].tolist() == ["3002"]


def test_read_page_masks_personal_data(env):
    write_variant(env, r3001="Ring til Mette Hansen på 20 30 40 50 eller skriv til mette@kommune.dk")
    svar = table(open_page(), "Svar").set_index("Respondent")["Svar"]
    assert "20 30 40 50" not in svar["3001"] and "mette@kommune.dk" not in svar["3001"]
    assert "[TELEFON]" in svar["3001"] and "[EMAIL]" in svar["3001"]


def test_agreement_page_shows_hand_computed_kappa_per_theme_and_the_model(env):
    open_page()
    s = store(env)
    rids = ["3001", "3002", "3003", "3004", "3005", "3006"]
    # Mette and Ali differ on 3002 only. For 'tilgaengelighed' they give 1,1,0,0,1,0 and 1,0,0,0,1,0:
    # p_o = 5/6, p_e = (3/6)(2/6) + (3/6)(4/6) = 1/2, kappa = (5/6 - 1/2) / (1 - 1/2) = 2/3;
    # 'kurser_oplaeg' mirrors it (2/3); 'generel_ros' 0,0,0,0,0,1 for both: kappa = 1.
    mette = ["tilgaengelighed", "tilgaengelighed", "kurser_oplaeg", "kurser_oplaeg", "tilgaengelighed", "generel_ros"]
    ali = ["tilgaengelighed", "kurser_oplaeg", "kurser_oplaeg", "kurser_oplaeg", "tilgaengelighed", "generel_ros"]
    s.assign([key(r) for r in rids], "Ali", by="Mette")
    for rid, m, a in zip(rids, mette, ali):
        s.record(key(rid), [m], coder="Mette", source="human", expected_version=1)
        s.record(key(rid), [a], coder="Ali", source="human", expected_version=0, lane="Ali")
    at = open_page("enighed", coder="Mette")
    labels = load_codebook(Q8_FRAME).label_of
    kappas = next(df.value for df in at.dataframe if "Ali / Mette" in df.value.columns)
    assert kappas.loc[labels["tilgaengelighed"], "Ali / Mette"] == pytest.approx(2 / 3, abs=1e-3)
    assert kappas.loc[labels["kurser_oplaeg"], "Ali / Mette"] == pytest.approx(2 / 3, abs=1e-3)
    assert kappas.loc[labels["generel_ros"], "Ali / Mette"] == pytest.approx(1.0)
    pairs = table(at, "Krippendorffs alfa").set_index(["Koder A", "Koder B"])
    # Against the model's suggestions (conftest): Mette's set is the model's on 3002 and 3003 only.
    assert pairs.loc[("Mette", "model"), "Helt ens"] == pytest.approx(2 / 6)
    assert pairs.loc[("Mette", "model"), "Svar kodet af begge"] == 6


def test_the_adjudicated_code_is_what_downloads_and_training_use(env):
    from io import BytesIO

    from textmine import load_survey, review, ui

    open_page()
    s = store(env)
    s.assign([key("3002")], "Ali", by="Mette")
    s.record(key("3002"), ["generel_ros"], coder="Mette", source="human", expected_version=1)
    s.record(key("3002"), ["kurser_oplaeg"], coder="Ali", source="human", expected_version=0, lane="Ali")
    at = open_page("enighed", coder="Lone")
    at.selectbox(key="enighed_key").set_value(key("3002"))
    at.multiselect(key="enighed_themes").set_value(["tilgaengelighed", "kurser_oplaeg"])
    next(b for b in at.button if b.label == "Afgør").click().run()
    assert "Uenigheder (0 uafgjorte af 1)" in [h.value for h in at.subheader]

    survey = load_survey(ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml")
    coded = review.with_keys(ui.load_coded(env / "kodet" / "coded.csv", survey), "kodet")
    state = review.review_state(coded, s.current_all("kodet"))
    texts, labels = review.training_set(state, Q8)
    assert labels == [["tilgaengelighed", "kurser_oplaeg"]]
    workbook = pd.read_excel(BytesIO(review.coded_download(state, survey)), sheet_name="Alle svar", dtype=str)
    row = workbook.set_index("respondent_id").loc["3002"]
    assert (row["themes"], row["source"], row["coder"]) == ("tilgaengelighed|kurser_oplaeg", "adjudicated", "Lone")


def test_the_excel_download_is_masked(env):
    from io import BytesIO

    from textmine import load_survey, review, ui

    write_variant(env, r3003="Kontakt Jens Jensen, cpr 010203-1234, tlf. 20304050.")
    survey = load_survey(ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml")
    state = review.review_state(review.with_keys(ui.load_coded(env / "kodet" / "coded.csv", survey), "kodet"), {})
    workbook = pd.read_excel(BytesIO(review.coded_download(state, survey)), sheet_name=None, dtype=str)
    cells = " ".join(str(v) for sheet in workbook.values() for v in sheet.to_numpy().ravel())
    assert "010203-1234" not in cells and "20304050" not in cells and "Jens Jensen" not in cells
    assert "[CPR]" in cells
    at = open_page("eksport")
    assert [b.label for b in at.download_button][0] == "Hent kodede svar (Excel)"


def test_read_page_shows_many_answers_a_page_at_a_time(env):
    from conftest import coded_frame

    from textmine.safe import write_csv

    base = coded_frame()
    many = pd.concat([base.iloc[:6].assign(respondent_id=[str(5000 + 6 * i + j) for j in range(6)])
                      for i in range(50)], ignore_index=True)          # 300 answers, 150 from a kommune
    write_csv(many, env / "kodet" / "coded.csv")
    at = open_page()
    assert len(table(at, "Svar")) == 100
    at.number_input(key=f"page_{Q8}").set_value(3).run()
    assert table(at, "Svar")["Respondent"].tolist() == [str(r) for r in range(5200, 5300)]
    at.multiselect(key="filter_q1_organisation").select("Kommune").run()
    # 150 answers left: two pages, and the page shown moves back to the last one.
    assert at.number_input(key=f"page_{Q8}").value == 2
    assert len(table(at, "Svar")) == 50
    assert "150 af 300 svar" in " ".join(m.value for m in at.markdown)


def test_a_slow_review_queue_is_computed_while_the_analyst_codes(env, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from textmine import review, ui_app

    release, real = threading.Event(), review.queue_order

    def slow(answers, coder):
        release.wait(30)
        return real(answers, coder)

    monkeypatch.setattr(ui_app, "BACKGROUND_ABOVE", 0)
    monkeypatch.setattr(review, "queue_order", slow)
    # The worker process would not see the slowed function: a thread stands in for it here
    # (test_the_review_queue_is_ranked_in_a_worker_process runs the real one).
    pool = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(ui_app, "_processes", lambda: pool)
    at = open_page("kod", coder="Mette")
    # Meanwhile the flagged answers come first, the most doubtful (p = 0.55) before the other.
    assert at.subheader[0].value == "Respondent 3005"
    assert "beregnes stadig" in " ".join(c.value for c in at.caption)
    release.set()
    for _ in range(100):                        # the page picks the queue up on a later rerun
        threading.Event().wait(0.1)
        if "beregnes stadig" not in " ".join(c.value for c in at.run().caption):
            break
    assert "beregnes stadig" not in " ".join(c.value for c in at.caption)
    assert (env / "kodet" / "queue-q8_kommentar.json").exists()
    again = open_page("kod", coder="Ali")      # a new session, and after a restart, reuses the saved order
    assert not any("beregnes stadig" in c.value for c in again.caption)


def test_a_search_while_the_worker_runs_spacy_waits_briefly_then_takes_the_words_as_typed():
    from textmine import ui_app

    assert "lovgivning" in ui_app.query_forms("lovgivningen")[0]
    with ui_app.NLP_LOCK:           # the worker ranking the review queue
        assert ui_app.query_forms("lovgivningen") is None
    assert ui_app.typed_forms("Lovgivningen, tak!") == [frozenset({"lovgivningen"}), frozenset({"tak"})]


def test_the_review_queue_is_ranked_in_a_worker_process(env):
    from textmine import load_survey, review, ui, ui_app

    survey = load_survey(ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml")
    answers = ui.answers_for(review.with_keys(ui.load_coded(env / "kodet" / "coded.csv", survey), "kodet"), Q8)
    codebook = load_codebook(Q8_FRAME)
    texts, keys = answers["text"].astype(str).tolist(), answers["key"].tolist()
    in_process = ui_app._processes().submit(review.queue_keys, texts, keys, codebook, None).result(timeout=300)
    assert in_process == review.queue_keys(texts, keys, codebook, None)
    assert sorted(in_process) == sorted(keys)
