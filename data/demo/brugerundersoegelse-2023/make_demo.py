#!/usr/bin/env python3
"""Build the demo export of SIRI's user survey 2023 (brugerundersøgelse 2023).

Writes, next to this script:

  eksport.csv     237 invented respondents (ids 1001-1237) from 95 municipalities,
                  24 of them "Delvist gennemført", in the survey tool's export
                  layout (UTF-8 with BOM, ';'-separated, CRLF line endings,
                  multiple choice as 0/1 columns, blank = unanswered or not
                  asked). Columns as in data/surveys/brugerundersoegelse-2023.yaml.
  answer_key.csv  respondent_id,column,themes for every open answer written
                  here (q14_andet_tekst, q15_kommentar); themes are ids of the
                  code frames data/codebooks/brugerundersoegelse-2023-*.yaml,
                  joined with "|".

The closed answers reproduce the headline figures of SIRI's note on the 2023
survey. Percentages are whole numbers (halves rounded up) over the respondents
who answered the question; partly completed answers count where they were
given. After writing, the script reads the CSV back, asserts every figure and
prints a summary. Standard library only; no randomness: every choice that is
not written out below is made by ordering on a SHA-256 hash of fixed strings.

    python3 data/demo/brugerundersoegelse-2023/make_demo.py

Definitions used for the awareness figures (the note does not define them):

  asked      Q3-Q5 go to everyone; Q6 (sikkerhedskonsulentordningen) only to
             those who answered Ja in Q2 (they work with honour-related
             conflict and negative social control). Q6 is blank for the rest.
  base       respondents who answered at least one of Q3-Q6 (230).
  knows      answered "Ja, ..." (kender men benytter ikke / somme tider / ofte).
  mindst én  knows at least one activity it answered about.
  alle fire  answered every activity question put to it and knows all of them
             (for those not asked Q6: all three of Q3-Q5).
  ingen      answered every activity question put to it with "Nej, kender ikke".
  Two partial respondents answered "Nej, kender ikke" to Q3 and then left the
  survey; what they know of the rest is unknown, so they are in the base but in
  neither "mindst én" (80 %) nor "ingen" (19 %); that is why the two do not
  add up to 100.
  Q6 (62 %) is over those who answered Q6, i.e. those asked who got that far.
  users      "somme tider" or "ofte" for at least one of Q3-Q5; only they get Q7.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
OUT_CSV = HERE / "eksport.csv"
OUT_KEY = HERE / "answer_key.csv"
FRAME_ANDET = ROOT / "data" / "codebooks" / "brugerundersoegelse-2023-andet.yaml"
FRAME_KOMMENTARER = ROOT / "data" / "codebooks" / "brugerundersoegelse-2023-kommentarer.yaml"

COMPLETE, PARTIAL = "Gennemført", "Delvist gennemført"

# --- municipalities -----------------------------------------------------------

MUNICIPALITIES = {
    "Region Hovedstaden": [
        "Albertslund", "Allerød", "Ballerup", "Bornholm", "Brøndby", "Dragør", "Egedal", "Fredensborg",
        "Frederiksberg", "Frederikssund", "Furesø", "Gentofte", "Gladsaxe", "Glostrup", "Gribskov",
        "Halsnæs", "Helsingør", "Herlev", "Hillerød", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ishøj",
        "København", "Lyngby-Taarbæk", "Rudersdal", "Rødovre", "Tårnby", "Vallensbæk",
    ],
    "Region Sjælland": [
        "Faxe", "Greve", "Guldborgsund", "Holbæk", "Kalundborg", "Køge", "Lejre", "Lolland", "Næstved",
        "Odsherred", "Ringsted", "Roskilde", "Slagelse", "Solrød", "Sorø", "Stevns", "Vordingborg",
    ],
    "Region Syddanmark": [
        "Assens", "Billund", "Esbjerg", "Fanø", "Fredericia", "Faaborg-Midtfyn", "Haderslev", "Kerteminde",
        "Kolding", "Langeland", "Middelfart", "Nordfyns", "Nyborg", "Odense", "Svendborg", "Sønderborg",
        "Tønder", "Varde", "Vejen", "Vejle", "Ærø", "Aabenraa",
    ],
    "Region Midtjylland": [
        "Favrskov", "Hedensted", "Herning", "Holstebro", "Horsens", "Ikast-Brande", "Lemvig", "Norddjurs",
        "Odder", "Randers", "Ringkøbing-Skjern", "Samsø", "Silkeborg", "Skanderborg", "Skive", "Struer",
        "Syddjurs", "Viborg", "Aarhus",
    ],
    "Region Nordjylland": [
        "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø", "Mariagerfjord", "Morsø", "Rebild",
        "Thisted", "Vesthimmerland", "Aalborg",
    ],
}
NO_RESPONSE = {"Ringsted", "Holstebro", "Fanø"}
REGION_OF = {m: r for r, ms in MUNICIPALITIES.items() for m in ms}

# --- questionnaire labels -----------------------------------------------------

AREAS = {
    "BES": "Beskæftigelsesrettet integration",
    "BOU": "Socialområdet børn og unge",
    "VOK": "Socialområdet voksne",
    "SKO": "Skoleområdet",
}
SCREEN = {"J": "Ja", "N": "Nej"}
LEVEL = {
    "N": "Nej, kender ikke",
    "K": "Ja, kender men benytter ikke",
    "S": "Ja, kender og benytter somme tider",
    "O": "Ja, kender og benytter ofte",
}
KNOWS = {LEVEL["K"], LEVEL["S"], LEVEL["O"]}
USES = {LEVEL["S"], LEVEL["O"]}
ACTIVITY_COLUMNS = ["q3_raadgivning", "q4_kurser", "q5_netvaerksmoeder", "q6_sikkerhedskonsulenter"]
SATISFACTION = ["Meget tilfreds", "Tilfreds", "Hverken tilfreds eller utilfreds", "Utilfreds", "Meget utilfreds"]
GRAD = ["I meget høj grad", "I høj grad", "I nogen grad", "I lav grad", "I meget lav grad"]
IKKE_RELEVANT = "Ikke relevant"
RELEVANCE_COLUMNS = ["q8_fagligt_opdateret", "q9_omsaette_praksis", "q10_opgaveloesning",
                     "q11_samarbejde_afdelinger", "q12_inspiration", "q13_andre_kommuner"]
Q14 = {   # column -> label, in questionnaire order
    "q14_danskkompetencer": "Begrænsede danskkompetencer som en barriere for indtræden på arbejdsmarkedet",
    "q14_helbred": "Sundheds- og helbredsudfordringer som en barriere for indtræden på arbejdsmarkedet",
    "q14_kvinder": "Ikke-vestlige kvinder uden for arbejdsmarkedet",
    "q14_nyankomne": "Nyankomne flygtninge langt fra arbejdsmarkedet",
    "q14_foraeldre_nsk": "Forældre som udøvere af negativ social kontrol",
    "q14_nsk_komplekse": "Negativ social kontrol blandt børn og unge i familier med komplicerede problemstillinger",
    "q14_genopdragelse": "Genopdragelsesrejser og ufrivillige udlandsophold",
    "q14_krisecenter": "Borgeres behov efter krisecenterophold",
    "q14_andet": "Andet (uddyb)",
    "q14_ingen": "Ingen af ovenstående",
}
Q14_COLUMNS = list(Q14)

HEADER = (["respondent_id", "status", "region", "kommune", "q1_arbejdsomraade", "q2_aeresomraadet"]
          + ACTIVITY_COLUMNS + ["q7_tilfredshed"] + RELEVANCE_COLUMNS + Q14_COLUMNS
          + ["q14_andet_tekst", "q15_kommentar"])

# Where a respondent who left early stopped: the last question shown to it.
STAGES = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "q14", "q15"]

# --- respondents --------------------------------------------------------------
# A profile is the answer to Q2 (J/N), ":" and one letter per activity Q3-Q6
# (N kender ikke, K kender men benytter ikke, S somme tider, O ofte, "." blank).
# Q6 is only asked after Q2 = J.

COMPLETE_PROFILES = {
    # 78 answers: 71 complete + 7 partial. 48 asked about the security consultants.
    "BES": [
        (11, "J:OOOS"), (7, "J:OSOS"), (7, "J:SSSK"), (6, "J:OSSK"), (2, "J:SKSO"), (2, "J:SSKK"),
        (4, "J:OSSN"), (3, "J:SSSN"), (2, "J:SKKN"), (1, "J:SNNN"),
        (2, "N:NNN."), (6, "N:OSS."), (6, "N:SSS."), (4, "N:SKS."), (2, "N:SSK."), (3, "N:KKK."),
        (2, "N:KSK."), (1, "N:SSN."),
    ],
    # 62 answers: 56 complete + 6 partial.
    "BOU": [
        (2, "J:NNNN"), (4, "J:OSSO"), (5, "J:SSKS"), (2, "J:SSSS"), (1, "J:KSSS"), (3, "J:SKSS"),
        (1, "J:KKKS"), (2, "J:SSSK"), (1, "J:SKSK"), (2, "J:KKKK"), (1, "J:KSKK"), (3, "J:SNKS"),
        (2, "J:SNNS"), (1, "J:NNNS"), (1, "J:NNNK"), (2, "J:SSNK"), (1, "J:SSKN"), (2, "J:SKSN"),
        (2, "J:SKNN"), (2, "J:SNNN"), (1, "J:NKNN"), (1, "J:NNKN"),
        (4, "N:NNN."), (1, "N:SSS."), (1, "N:KSS."), (2, "N:KKK."), (1, "N:SKS."), (2, "N:SNS."),
        (1, "N:KNN."), (1, "N:NKN."), (1, "N:NNK."),
    ],
    # 54 answers: 48 complete + 6 partial.
    "SKO": [
        (8, "J:NNNN"), (1, "J:SSKS"), (1, "J:SSKK"), (1, "J:KKSK"), (1, "J:SSKK"), (1, "J:SNNK"),
        (1, "J:SKSN"), (1, "J:KKSN"), (2, "J:SKNN"), (1, "J:SNNN"), (1, "J:KNNN"), (1, "J:NKNN"),
        (1, "J:NNKN"),
        (12, "N:NNN."), (2, "N:KKK."), (2, "N:SSK."), (1, "N:SKS."), (1, "N:SKK."), (1, "N:SSK."),
        (2, "N:KSK."), (2, "N:SNN."), (3, "N:NKN."), (1, "N:NNK."),
    ],
    # 43 answers: 38 complete + 5 partial.
    "VOK": [
        (5, "J:NNNN"), (1, "J:SSSS"), (1, "J:SKKK"), (1, "J:SSSK"), (1, "J:KKKS"), (1, "J:NNNK"),
        (1, "J:SKSN"), (1, "J:KSKN"), (1, "J:SKNN"), (1, "J:SNNN"), (1, "J:SKSN"),
        (10, "N:NNN."), (1, "N:KKK."), (3, "N:SKK."), (1, "N:SKS."), (1, "N:KSK."), (1, "N:SSK."),
        (1, "N:SSS."),
        (2, "N:KNN."), (1, "N:SNN."), (1, "N:NKN."), (1, "N:NNK."),
    ],
}
# (profile so far, last question shown) for the 24 partly completed answers.
PARTIALS = {
    "BES": [("", "q1"), ("N", "q2"), ("J:SSSK", "q6"), ("J:OOOS", "q10"), ("N:SSS.", "q13"),
            ("J:OSOS", "q14"), ("N:KSK.", "q14")],
    "BOU": [("", "q1"), ("", "q1"), ("J:SK..", "q4"), ("J:SKKS", "q6"), ("J:SSKS", "q10"), ("N:SKS.", "q14")],
    "SKO": [("", "q1"), ("N", "q2"), ("N:N...", "q3"), ("N:KKK.", "q6"), ("N:SKK.", "q10"), ("J:KKKN", "q14")],
    "VOK": [("", "q1"), ("N:N...", "q3"), ("N:SKK.", "q10"), ("J:SKNN", "q13"), ("N:SSK.", "q13")],
}

# Q7, asked of users: answers from most to least satisfied.
SATISFACTION_COUNTS = {"Meget tilfreds": 28, "Tilfreds": 76, "Hverken tilfreds eller utilfreds": 42,
                       "Utilfreds": 3, "Meget utilfreds": 0}
# Q8-Q13: (Ikke relevant, I meget høj grad, I høj grad, I nogen grad, I lav grad, I meget lav grad)
RELEVANCE_COUNTS = {
    "q8_fagligt_opdateret": (11, 19, 59, 68, 18, 6),
    "q9_omsaette_praksis": (14, 14, 51, 78, 19, 5),
    "q10_opgaveloesning": (12, 12, 45, 69, 32, 11),
    "q11_samarbejde_afdelinger": (25, 6, 24, 61, 42, 19),
    "q12_inspiration": (10, 17, 56, 68, 20, 6),
    "q13_andre_kommuner": (18, 13, 43, 60, 30, 13),
}
# Q14 ticks per work area among those who answered it (Andet = number of texts below).
Q14_COUNTS = {
    "BES": {"q14_danskkompetencer": 57, "q14_helbred": 35, "q14_kvinder": 35, "q14_nyankomne": 34,
            "q14_foraeldre_nsk": 9, "q14_nsk_komplekse": 6, "q14_genopdragelse": 5, "q14_krisecenter": 4,
            "q14_ingen": 2},
    "BOU": {"q14_danskkompetencer": 6, "q14_helbred": 4, "q14_kvinder": 2, "q14_nyankomne": 5,
            "q14_foraeldre_nsk": 38, "q14_nsk_komplekse": 23, "q14_genopdragelse": 15, "q14_krisecenter": 6,
            "q14_ingen": 4},
    "SKO": {"q14_danskkompetencer": 9, "q14_helbred": 2, "q14_kvinder": 0, "q14_nyankomne": 8,
            "q14_foraeldre_nsk": 14, "q14_nsk_komplekse": 10, "q14_genopdragelse": 5, "q14_krisecenter": 0,
            "q14_ingen": 12},
    "VOK": {"q14_danskkompetencer": 7, "q14_helbred": 8, "q14_kvinder": 6, "q14_nyankomne": 3,
            "q14_foraeldre_nsk": 3, "q14_nsk_komplekse": 2, "q14_genopdragelse": 2, "q14_krisecenter": 26,
            "q14_ingen": 10},
}

# --- open answers -------------------------------------------------------------
# Q14 "Andet (uddyb)": per work area, (text, themes of brugerundersoegelse-2023-andet).
# A bc_* theme means the respondent did not tick the option it belongs to.
ANDET = {
    "BES": [
        ("Fordrevne ukrainere der skal over i ordinært job når særloven udløber", ["ukraine"]),
        ("Borgere med PTSD og traumer der ikke kan klare en virksomhedspraktik", ["bc_helbred"]),
        ("Kvinder der har boet her i mange år og stadig ikke taler dansk nok til at få et arbejde",
         ["bc_danskkompetencer"]),
        ("Unge kvinder der bliver gift og så melder sig ud af uddannelse og job", ["aegteskab"]),
        ("Ukrainere på korte kontrakter i landbrug og gartneri hvor sproget ikke er på plads",
         ["ukraine", "bc_danskkompetencer"]),
        ("Div. - se tidligere svar", ["uklart"]),
    ],
    "BOU": [
        ("Unge der bliver overvåget af søskende og fætre, også på de sociale medier", ["kontrol_netvaerk"]),
        ("Forlovelse af piger under 18 år med en fætter fra hjemlandet", ["aegteskab"]),
        ("Bekymring for at børn bliver sendt på længere ophold i hjemlandet i sommerferien", ["bc_genopdragelse"]),
        ("Forældre der ikke vil samarbejde, når vi har underrettet om kontrol i hjemmet", ["bc_foraeldre_nsk"]),
        ("Unge med autisme eller udviklingshæmning hvor forældrene bestemmer alt",
         ["saarbare_grupper", "bc_foraeldre_nsk"]),
    ],
    "SKO": [
        ("Elever der ikke må deltage i lejrskole, svømning og fester med klassen", ["bc_foraeldre_nsk"]),
        ("Elever der er væk i flere måneder efter sommerferien uden at vi ved hvor de er", ["bc_genopdragelse"]),
        ("Piger der bliver holdt øje med af ældre brødre og andre elever i frikvartererne", ["kontrol_netvaerk"]),
        ("Generel trivsel og fravær", ["uklart"]),
    ],
    "VOK": [
        ("Kvinder der er religiøst gift og ikke kan blive skilt", ["aegteskab"]),
        ("Borgere i psykiatrien hvor familien styrer økonomien og kontakten til os", ["saarbare_grupper"]),
        ("Mangel på boliger til kvinder der skal videre fra krisecentret", ["bc_krisecenter"]),
    ],
}
BACKCODE = {"bc_danskkompetencer": "q14_danskkompetencer", "bc_helbred": "q14_helbred",
            "bc_foraeldre_nsk": "q14_foraeldre_nsk", "bc_genopdragelse": "q14_genopdragelse",
            "bc_krisecenter": "q14_krisecenter"}

# Q15: per work area, (text, themes of brugerundersoegelse-2023-kommentarer, who may have written it).
# who: any | knows (knows an activity) | none (knows none) | satisfied (Q7 top two) | sk (uses the
# security consultants)
KOMMENTARER = {
    "BES": [
        ("Vi er rigtig glade for integrationsnetværket. Det er der, vi får inspiration fra de andre kommuner "
         "og hører om nye regler, før de træder i kraft.", ["ros", "kurser_netvaerk"], "satisfied"),
        ("Rådgiverne i SIRI er altid hurtige til at svare, når vi ringer om refusion og tolkning af "
         "integrationsloven. Stor ros herfra.", ["ros"], "satisfied"),
        ("Kurserne ligger næsten altid i København. For os, der ligger langt væk, er det en hel dag ud af "
         "kalenderen, så flere online tilbud ville hjælpe.", ["kurser_netvaerk"], "knows"),
        ("Det ville hjælpe med flere konkrete eksempler og skabeloner, fx til virksomhedsrettede forløb for "
         "kvinder, som vi kan tage direkte i brug.", ["materialer"], "knows"),
        ("Vi har svært ved at finde tid til at deltage i kurser og netværk, fordi vi er få medarbejdere og "
         "har mange borgere.", ["ressourcer", "kurser_netvaerk"], "any"),
        ("Jobcenterpakken har givet os et meget bedre grundlag for at tale med borgerne om negativ social "
         "kontrol. Tak for det.", ["ros"], "satisfied"),
        ("Vi mangler et sted at ringe hen med en konkret borger, hvor vi er i tvivl om der er tale om "
         "æresrelateret kontrol.", ["konkret_sag"], "knows"),
        ("Det er svært at omsætte viden fra kurserne til noget, kollegerne i ydelse og virksomhedsservice "
         "kan bruge. Vi arbejder stadig meget i hver vores afdeling.", ["tvaerfagligt"], "knows"),
        ("Nej tak", ["ingen_kommentar"], "any"),
        ("-", ["ingen_kommentar"], "any"),
        ("Det var svært at svare for hele afdelingen, da vi er flere teams med meget forskellig kontakt "
         "til SIRI.", ["undersoegelsen"], "any"),
    ],
    "BOU": [
        ("Vi kender ikke rigtig SIRI i vores afdeling. Det ville være godt med en introduktion til, hvad I "
         "kan hjælpe med på børneområdet.", ["kendskab"], "none"),
        ("Vi har brug for sparring i konkrete sager, når vi skal lave en risikovurdering af et barn. Det er "
         "ikke nok med generel viden.", ["konkret_sag"], "knows"),
        ("Vi er i gang med beredskabsplanen efter Barnets lov og kunne godt bruge en skabelon og eksempler "
         "fra andre kommuner.", ["materialer"], "knows"),
        ("Godt kursus om negativ social kontrol, men vi savner noget om, hvordan vi samarbejder med skolen "
         "og politiet i de konkrete sager.", ["kurser_netvaerk", "tvaerfagligt"], "knows"),
        ("Vi bruger mest sikkerhedskonsulenterne og har været lidt i tvivl om, hvad forskellen er på dem "
         "og SIRIs øvrige rådgivning.", ["kendskab"], "sk"),
        ("Vi har stor udskiftning i rådgivergruppen, så det er svært at holde fast i den viden, vi får.",
         ["ressourcer"], "any"),
        ("Meget brugbar rådgivning, og der er altid nogen, der vender tilbage.", ["ros"], "satisfied"),
        ("Ingen kommentarer", ["ingen_kommentar"], "any"),
        ("Flere af spørgsmålene var svære at svare på, fordi vi både har myndighed og udfører i samme "
         "afdeling.", ["undersoegelsen"], "any"),
    ],
    "SKO": [
        ("Vi har ikke tidligere været i kontakt med SIRI, og jeg vidste ikke, at I også rådgiver på "
         "skoleområdet.", ["kendskab"], "none"),
        ("Spørgsmålene passer ikke rigtig til skoleområdet. Det, vi møder, handler mest om trivsel og fravær "
         "og håndteres af PPR og skolesocialrådgiverne.", ["relevans_omraade", "undersoegelsen"], "none"),
        ("Vi vil gerne have materiale til lærerne om tegn på negativ social kontrol, gerne noget kort, der "
         "kan bruges på et personalemøde.", ["materialer"], "knows"),
        ("Lærerne har ikke tid til lange kurser. Korte oplæg ude på skolerne vil have større effekt.",
         ["ressourcer", "kurser_netvaerk"], "knows"),
        ("Vi mangler viden om, hvem der gør hvad i kommunen, når en lærer er bekymret for en elev. Det går "
         "tit i stå mellem skole og familieafdeling.", ["tvaerfagligt"], "any"),
        ("Nej", ["ingen_kommentar"], "any"),
        ("Svært at svare for en hel skoleforvaltning, da skolerne er meget forskellige.", ["undersoegelsen"],
         "any"),
    ],
    "VOK": [
        ("På voksenområdet har vi ikke haft mange sager af den her type, så vi har ikke haft behov for SIRI.",
         ["relevans_omraade"], "none"),
        ("Kendte ikke til SIRIs tilbud. Send gerne information til afdelingslederne.", ["kendskab"], "none"),
        ("Vi får kvinder fra krisecentret, og vi mangler rådgivning om, hvordan vi sikrer dem, når de flytter "
         "i egen bolig.", ["konkret_sag"], "knows"),
        ("Indsatsen er bygget op om jobcentret, men vi møder de samme borgere i psykiatrien og på "
         "misbrugsområdet. Det samarbejde skal styrkes.", ["tvaerfagligt", "relevans_omraade"], "knows"),
        ("Intet at tilføje.", ["ingen_kommentar"], "any"),
    ],
}

# --- helpers ------------------------------------------------------------------


def h(*parts) -> int:
    """A fixed pseudo-random number for a tuple of strings (the order key of this script)."""
    return int(hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:12], 16)


def pct(n: int, base: int) -> int:
    """Whole-number percentage, halves rounded up (as in the note)."""
    return (200 * n + base) // (2 * base)


def reached(resp: dict, stage: str) -> bool:
    return resp["stop"] is None or STAGES.index(stage) <= STAGES.index(resp["stop"])


LEVEL_SCORE = {"N": 0, "K": 1, "S": 2, "O": 3, ".": 0}
AREA_OFFSET = {"BES": 2.0, "BOU": 1.5, "VOK": 0.5, "SKO": -1.0}


def affinity(resp: dict, salt: str) -> float:
    """How well-disposed a department is to SIRI: use, work area and a fixed jitter."""
    use = sum(LEVEL_SCORE[c] for c in resp["battery"])
    return use + AREA_OFFSET[resp["area"]] + (h(salt, resp["id"]) % 1000) / 250


# --- building -----------------------------------------------------------------


def respondents() -> list[dict]:
    people = []
    for area in AREAS:
        k = 0
        for count, profile in COMPLETE_PROFILES[area]:
            for _ in range(count):
                people.append({"area": area, "key": f"{area}{k}", "profile": profile, "stop": None})
                k += 1
        for profile, stop in PARTIALS[area]:
            people.append({"area": area, "key": f"{area}{k}", "profile": profile, "stop": stop})
            k += 1
    # the order in which the survey tool received the answers
    people.sort(key=lambda p: h("order", p["key"]))
    for i, p in enumerate(people):
        p["id"] = str(1001 + i)
        screen, _, battery = p["profile"].partition(":")
        p["screen"] = screen
        p["battery"] = battery.ljust(4, ".") if screen else "...."
        check_profile(p)
    assign_municipalities(people)
    return people


def check_profile(p: dict) -> None:
    b, stop = p["battery"], p["stop"]
    assert (p["screen"] != "") == reached(p, "q2"), p
    for stage, c in zip(["q3", "q4", "q5"], b):
        assert (c != ".") == reached(p, stage), p
    assert (b[3] != ".") == (p["screen"] == "J" and reached(p, "q6")), p
    assert stop is None or stop in STAGES, p


# Larger municipalities (many refugees and MENAPT citizens) answer for more work areas.
LARGE = {"København", "Frederiksberg", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Kolding",
         "Randers", "Horsens", "Herning", "Silkeborg", "Viborg", "Roskilde", "Næstved", "Slagelse",
         "Holbæk", "Sønderborg", "Svendborg", "Gladsaxe", "Gentofte", "Høje-Taastrup", "Ishøj",
         "Albertslund", "Brøndby", "Hvidovre", "Køge", "Greve"}


def assign_municipalities(people: list[dict]) -> None:
    """Every one of the 95 municipalities answers; at most one department per work area each."""
    names = [m for m in REGION_OF if m not in NO_RESPONSE]

    def score(area, m):
        return h("kommune", area, m) % 1000 + (600 if m in LARGE else 0)

    chosen = {}
    for area in AREAS:
        size = sum(p["area"] == area for p in people)
        chosen[area] = sorted(names, key=lambda m: -score(area, m))[:size]
    # a municipality no work area picked takes the place of the least likely pick
    # of one that answers for several work areas
    for m in sorted(names, key=lambda m: h("kommune-cover", m)):
        counts = Counter(x for picks in chosen.values() for x in picks)
        if counts[m]:
            continue
        area, old = min(((a, x) for a, picks in chosen.items() for x in picks if counts[x] >= 2),
                        key=lambda ax: score(*ax))
        chosen[area][chosen[area].index(old)] = m
    for area in AREAS:
        members = sorted((p for p in people if p["area"] == area), key=lambda p: h("kommune-area", p["id"]))
        for p, m in zip(members, sorted(chosen[area])):
            p["kommune"] = m
            p["region"] = REGION_OF[m]


def knows_any(p: dict) -> bool:
    return any(c in "KSO" for c in p["battery"])


def user3(p: dict) -> bool:
    return any(c in "SO" for c in p["battery"][:3])


def build_rows(people: list[dict]) -> tuple[list[dict[str, str]], list[tuple[str, str, str]]]:
    rows = {}
    for p in people:
        row = dict.fromkeys(HEADER, "")
        row.update({
            "respondent_id": p["id"],
            "status": COMPLETE if p["stop"] is None else PARTIAL,
            "region": p["region"],
            "kommune": p["kommune"],
            "q1_arbejdsomraade": AREAS[p["area"]],
            "q2_aeresomraadet": SCREEN.get(p["screen"], ""),
        })
        for col, c in zip(ACTIVITY_COLUMNS, p["battery"]):
            row[col] = LEVEL.get(c, "")
        rows[p["id"]] = row

    # Q7: users who got that far, the most well-disposed the most satisfied
    q7 = sorted((p for p in people if user3(p) and reached(p, "q7")), key=lambda p: -affinity(p, "q7"))
    answers = [label for label in SATISFACTION for _ in range(SATISFACTION_COUNTS[label])]
    assert len(answers) == len(q7), f"Q7: {len(q7)} users answer it, counts give {len(answers)}"
    for p, a in zip(q7, answers):
        rows[p["id"]]["q7_tilfredshed"] = a

    # Q8-Q13: those who know an activity; "Ikke relevant" for the least involved
    for col, counts in RELEVANCE_COUNTS.items():
        stage = "q" + col.split("_")[0][1:]
        asked = sorted((p for p in people if knows_any(p) and reached(p, stage)), key=lambda p: -affinity(p, col))
        answers = [label for label, n in zip(GRAD, counts[1:]) for _ in range(n)] + [IKKE_RELEVANT] * counts[0]
        assert len(answers) == len(asked), f"{col}: {len(asked)} answer it, counts give {len(answers)}"
        for p, a in zip(asked, answers):
            rows[p["id"]][col] = a

    key = []
    for area in AREAS:
        assign_q14(area, [p for p in people if p["area"] == area and reached(p, "q14")], rows, key)
    for area in AREAS:
        assign_comments(area, [p for p in people if p["area"] == area and p["stop"] is None], rows, key)
    order = {c: i for i, c in enumerate(HEADER)}
    key.sort(key=lambda k: (int(k[0]), order[k[1]]))
    return [rows[p["id"]] for p in sorted(people, key=lambda p: int(p["id"]))], key


def assign_q14(area: str, answering: list[dict], rows: dict, key: list) -> None:
    counts = Q14_COUNTS[area]
    ticks = {p["id"]: set() for p in answering}
    # "Ingen af ovenstående": the departments least involved with the field
    by_involvement = sorted(answering, key=lambda p: affinity(p, "q14-ingen"))
    none_ids = {p["id"] for p in by_involvement[:counts["q14_ingen"]]}
    others = [p for p in answering if p["id"] not in none_ids]
    # "Andet (uddyb)": the texts, and the options they must not have ticked
    forbidden = {p["id"]: set() for p in answering}
    writers = sorted(others, key=lambda p: h("q14-andet", p["id"]))[:len(ANDET[area])]
    for p, (text, themes) in zip(writers, ANDET[area]):
        ticks[p["id"]].add("q14_andet")
        rows[p["id"]]["q14_andet_tekst"] = text
        forbidden[p["id"]] = {BACKCODE[t] for t in themes if t in BACKCODE}
        key.append((p["id"], "q14_andet_tekst", "|".join(themes)))
    # the named problems, the largest first, each to those with the fewest ticks so far
    for col in sorted((c for c in Q14_COLUMNS if c not in ("q14_andet", "q14_ingen")), key=lambda c: -counts[c]):
        pool = [p for p in others if col not in forbidden[p["id"]]]
        pool.sort(key=lambda p: (len(ticks[p["id"]]), h("q14", col, p["id"])))
        assert len(pool) >= counts[col], (area, col)
        for p in pool[:counts[col]]:
            ticks[p["id"]].add(col)
    for p in answering:
        chosen = {"q14_ingen"} if p["id"] in none_ids else ticks[p["id"]]
        assert chosen, f"{p['id']} ticked nothing in Q14"
        for col in Q14_COLUMNS:
            rows[p["id"]][col] = "1" if col in chosen else "0"


def assign_comments(area: str, completers: list[dict], rows: dict, key: list) -> None:
    def fits(p: dict, who: str) -> bool:
        row = rows[p["id"]]
        return {
            "any": True,
            "knows": knows_any(p),
            "none": not knows_any(p),
            "satisfied": row["q7_tilfredshed"] in SATISFACTION[:2],
            "sk": row["q6_sikkerhedskonsulenter"] in USES,
        }[who]

    free = sorted(completers, key=lambda p: h("q15", p["id"]))
    for text, themes, who in KOMMENTARER[area]:
        p = next((p for p in free if fits(p, who)), None)
        assert p is not None, f"no respondent in {area} can have written: {text}"
        free.remove(p)
        rows[p["id"]]["q15_kommentar"] = text
        key.append((p["id"], "q15_kommentar", "|".join(themes)))


# --- writing ------------------------------------------------------------------


def write_export(rows: list[dict[str, str]]) -> None:
    with OUT_CSV.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, delimiter=";", lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)


def write_key(key: list[tuple[str, str, str]]) -> None:
    with OUT_KEY.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["respondent_id", "column", "themes"])
        w.writerows(key)


def frame_ids(path: Path) -> set[str]:
    """Theme ids of a code frame, read without a YAML parser (stdlib only)."""
    return set(re.findall(r"^  - id: (\S+)\s*$", path.read_text(encoding="utf-8"), flags=re.M))


# --- checking -----------------------------------------------------------------


def check(rows: list[dict[str, str]], key: list[tuple[str, str, str]]) -> list[tuple]:
    """Assert the note's figures on rows read back from the CSV; return the summary."""
    summary = []

    def fig(label, n, base, want_pct=None, want_n=None, want_base=None):
        if want_n is not None:
            assert n == want_n, f"{label}: n={n}, want {want_n}"
        if want_base is not None:
            assert base == want_base, f"{label}: base={base}, want {want_base}"
        if want_pct is not None:
            assert pct(n, base) == want_pct, f"{label}: {pct(n, base)}% ({n}/{base}), want {want_pct}%"
        summary.append((label, n, base, pct(n, base), want_pct))

    raw = OUT_CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert raw.count(b"\r\n") == raw.count(b"\n") == len(rows) + 1, "not CRLF throughout"

    # respondents
    n = len(rows)
    assert n == 237
    assert [r["respondent_id"] for r in rows] == [str(i) for i in range(1001, 1238)]
    status = Counter(r["status"] for r in rows)
    fig("respondenter (af 368 inviterede)", n, 368, 64)
    fig("delvist gennemført", status[PARTIAL], n, want_n=24)
    kommuner = Counter(r["kommune"] for r in rows)
    assert len(kommuner) == 95 and not set(kommuner) & NO_RESPONSE and set(kommuner) <= set(REGION_OF)
    assert all(r["region"] == REGION_OF[r["kommune"]] for r in rows)
    assert max(Counter((r["kommune"], r["q1_arbejdsomraade"]) for r in rows).values()) == 1
    summary.append(("kommuner", len(kommuner), 98, None, None))
    per = Counter(kommuner.values())
    assert set(per) == {1, 2, 3, 4}
    for k in sorted(per):
        summary.append((f"  kommuner med {k} besvarelse(r)", per[k], len(kommuner), None, None))
    for region, k in Counter(r["region"] for r in rows).most_common():
        fig(region, k, n)

    # every label is the questionnaire's; blank means not asked or not reached
    assert {r["q2_aeresomraadet"] for r in rows} <= set(SCREEN.values()) | {""}
    assert {r[c] for r in rows for c in ACTIVITY_COLUMNS} <= set(LEVEL.values()) | {""}
    assert {r["q7_tilfredshed"] for r in rows} <= set(SATISFACTION) | {""}
    assert {r[c] for r in rows for c in RELEVANCE_COLUMNS} <= set(GRAD) | {IKKE_RELEVANT, ""}
    assert {r[c] for r in rows for c in Q14_COLUMNS} <= {"0", "1", ""}
    for r in rows:
        if r["status"] == COMPLETE:
            assert r["q2_aeresomraadet"] and r["q3_raadgivning"] and r["q14_andet"], r["respondent_id"]
        # Q6 only after Q2 = Ja
        assert not r["q6_sikkerhedskonsulenter"] or r["q2_aeresomraadet"] == "Ja", r["respondent_id"]
        if r["status"] == COMPLETE and r["q2_aeresomraadet"] == "Ja":
            assert r["q6_sikkerhedskonsulenter"], r["respondent_id"]

    # Q1
    area = Counter(r["q1_arbejdsomraade"] for r in rows)
    for label in AREAS.values():
        fig(f"Q1 {label}", area[label], n)
    assert area.most_common()[0][0] == AREAS["BES"] and area.most_common()[-1][0] == AREAS["VOK"]

    # Q3-Q6 awareness
    def asked_all(r):
        need = ACTIVITY_COLUMNS[:3] + (ACTIVITY_COLUMNS[3:] if r["q2_aeresomraadet"] == "Ja" else [])
        return all(r[c] for c in need)

    base = [r for r in rows if any(r[c] for c in ACTIVITY_COLUMNS)]
    some = [r for r in base if any(r[c] in KNOWS for c in ACTIVITY_COLUMNS)]
    none = [r for r in base if asked_all(r) and not any(r[c] in KNOWS for c in ACTIVITY_COLUMNS)]
    every = [r for r in base if asked_all(r) and all(r[c] in KNOWS for c in ACTIVITY_COLUMNS if r[c])]
    fig("kender mindst én af de fire aktiviteter", len(some), len(base), 80, want_base=230)
    fig("kender alle fire (alle de blev spurgt om)", len(every), len(base), 53)
    fig("kender ingen", len(none), len(base), 19)
    fig("  heraf skoleområdet eller socialområdet voksne",
        sum(r["q1_arbejdsomraade"] in (AREAS["SKO"], AREAS["VOK"]) for r in none), len(none), 81)
    for col, want in zip(ACTIVITY_COLUMNS, (74, None, None, 62)):
        answered = [r for r in rows if r[col]]
        fig(f"{col}: kender", sum(r[col] in KNOWS for r in answered), len(answered), want)
    ja = [r for r in rows if r["q2_aeresomraadet"] == "Ja"]
    fig("Q2 Ja: arbejder med æresområdet (får Q6)", len(ja), sum(bool(r["q2_aeresomraadet"]) for r in rows))
    fig("  heraf svaret på Q6 (basen for 62 %)", sum(bool(r["q6_sikkerhedskonsulenter"]) for r in ja), len(ja),
        want_n=130)
    for label, col, want in [("BES", "q3_raadgivning", None), ("BES", "q4_kurser", None),
                             ("BES", "q5_netvaerksmoeder", None), ("BES", "q6_sikkerhedskonsulenter", 79),
                             ("BOU", "q3_raadgivning", 80), ("BOU", "q6_sikkerhedskonsulenter", 75)]:
        answered = [r for r in rows if r[col] and r["q1_arbejdsomraade"] == AREAS[label]]
        k = sum(r[col] in KNOWS for r in answered)
        fig(f"  {label} {col}: kender", k, len(answered), want)
        if label == "BES" and col != "q6_sikkerhedskonsulenter":
            assert 94 <= pct(k, len(answered)) <= 100
    bes = [r for r in rows if r["q1_arbejdsomraade"] == AREAS["BES"]]
    fig("  BES svaret på Q6 (note: 48 respondenter)", sum(bool(r["q6_sikkerhedskonsulenter"]) for r in bes),
        len(bes), want_n=48)
    fig("benytter mindst én (somme tider/ofte), '2 ud af 3'",
        sum(any(r[c] in USES for c in ACTIVITY_COLUMNS) for r in base), len(base), 67)
    for code in ("BOU", "VOK", "SKO"):   # use 15-33 points below awareness outside employment
        sub = [r for r in base if r["q1_arbejdsomraade"] == AREAS[code]]
        for col in ACTIVITY_COLUMNS:
            ans = [r for r in sub if r[col]]
            gap = pct(sum(r[col] in KNOWS for r in ans), len(ans)) - pct(sum(r[col] in USES for r in ans), len(ans))
            assert 15 <= gap <= 33, (code, col, gap)

    # Q7 satisfaction, users only
    users = {r["respondent_id"] for r in rows if any(r[c] in USES for c in ACTIVITY_COLUMNS[:3])}
    q7 = [r for r in rows if r["q7_tilfredshed"]]
    assert {r["respondent_id"] for r in q7} <= users
    assert all(r["q7_tilfredshed"] for r in rows if r["status"] == COMPLETE and r["respondent_id"] in users)
    fig("Q7 besvaret (af brugere af rådgivning/kurser/netværk)", len(q7), len(users), want_n=149)
    fig("Q7 tilfreds eller meget tilfreds", sum(r["q7_tilfredshed"] in SATISFACTION[:2] for r in q7), len(q7), 70)
    fig("Q7 utilfreds", sum(r["q7_tilfredshed"] == "Utilfreds" for r in q7), len(q7), 2)

    # Q8-Q13 relevance, "Ikke relevant" out of the base
    knowers = {r["respondent_id"] for r in some}
    wants = {"q8_fagligt_opdateret": (46, None, 14), "q9_omsaette_praksis": (39, None, 14),
             "q10_opgaveloesning": (34, 41, None), "q11_samarbejde_afdelinger": (None, None, 40),
             "q12_inspiration": (None, None, None), "q13_andre_kommuner": (None, None, None)}
    for col in RELEVANCE_COLUMNS:
        answered = [r for r in rows if r[col]]
        assert {r["respondent_id"] for r in answered} <= knowers, col
        b = [r for r in answered if r[col] != IKKE_RELEVANT]
        top, mid, low = wants[col]
        fig(f"{col}: i høj/meget høj grad", sum(r[col] in GRAD[:2] for r in b), len(b), top)
        fig(f"{col}: i nogen grad", sum(r[col] == GRAD[2] for r in b), len(b), mid)
        fig(f"{col}: i lav/meget lav grad", sum(r[col] in GRAD[3:] for r in b), len(b), low)
        # the school area lies below the others
        school = [r for r in b if r["q1_arbejdsomraade"] == AREAS["SKO"]]
        rest = [r for r in b if r["q1_arbejdsomraade"] != AREAS["SKO"]]
        diff = (pct(sum(r[col] in GRAD[:2] for r in rest), len(rest))
                - pct(sum(r[col] in GRAD[:2] for r in school), len(school)))
        assert diff >= 10, (col, diff)

    # Q14 problems, per work area
    q14 = [r for r in rows if r["q14_andet"]]
    for r in q14:
        assert r["q14_ingen"] == "0" or sum(r[c] == "1" for c in Q14_COLUMNS) == 1, r["respondent_id"]
        assert any(r[c] == "1" for c in Q14_COLUMNS), r["respondent_id"]
        assert bool(r["q14_andet_tekst"]) == (r["q14_andet"] == "1"), r["respondent_id"]
    for code, col, want in [("BES", "q14_danskkompetencer", 78), ("BES", "q14_helbred", 48),
                            ("BES", "q14_kvinder", 48), ("BES", "q14_nyankomne", 47),
                            ("BOU", "q14_foraeldre_nsk", 67), ("BOU", "q14_nsk_komplekse", 40),
                            ("BOU", "q14_genopdragelse", 26), ("VOK", "q14_krisecenter", 68),
                            ("SKO", "q14_genopdragelse", 10), ("VOK", "q14_ingen", 26), ("SKO", "q14_ingen", 24)]:
        sub = [r for r in q14 if r["q1_arbejdsomraade"] == AREAS[code]]
        fig(f"Q14 {code} {col}", sum(r[col] == "1" for r in sub), len(sub), want)

    # open answers and the key
    texts = [r[c] for r in rows for c in ("q14_andet_tekst", "q15_kommentar") if r[c]]
    assert all(";" not in t and '"' not in t and "\n" not in t for t in texts)
    filled = {(r["respondent_id"], c) for r in rows for c in ("q14_andet_tekst", "q15_kommentar") if r[c]}
    assert {(rid, col) for rid, col, _ in key} == filled and len(key) == len(filled)
    assert all(r["status"] == COMPLETE for r in rows if r["q15_kommentar"])
    fig("Andet-tekster (Q14)", sum(bool(r["q14_andet_tekst"]) for r in rows), n)
    fig("kommentarer (Q15)", sum(bool(r["q15_kommentar"]) for r in rows), n)
    assert 40 <= len(filled) <= 60
    by_row = {r["respondent_id"]: r for r in rows}
    for column, frame in (("q14_andet_tekst", FRAME_ANDET), ("q15_kommentar", FRAME_KOMMENTARER)):
        ids = frame_ids(frame)
        assert 6 <= len(ids) <= 10, frame
        used = Counter(t for rid, col, themes in key if col == column for t in themes.split("|"))
        assert set(used) == ids, (column, set(used) ^ ids)
        summary.append((f"temaer i {frame.name}", len(used), len(ids), None, None))
    for rid, col, themes in key:
        if col == "q14_andet_tekst":   # a back-coded answer did not tick the option it belongs to
            for t in themes.split("|"):
                if t in BACKCODE:
                    assert by_row[rid][BACKCODE[t]] == "0", (rid, t)
        elif "ingen_kommentar" in themes:
            assert themes == "ingen_kommentar"
    return summary


def main() -> int:
    people = respondents()
    rows, key = build_rows(people)
    write_export(rows)
    write_key(key)
    with OUT_CSV.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.DictReader(f, delimiter=";"))
    assert back == rows, "CSV does not read back as written"
    summary = check(back, key)

    print(f"wrote {OUT_CSV.relative_to(ROOT)} ({len(rows)} respondents) and "
          f"{OUT_KEY.relative_to(ROOT)} ({len(key)} open answers)")
    print()
    print(f"{'figure':<62} {'n':>4} {'base':>5} {'pct':>5} {'note':>6}")
    print("-" * 86)
    for label, k, base, p, want in summary:
        shown = f"{p}%" if p is not None else ""
        print(f"{label:<62} {k:>4} {base:>5} {shown:>5} {(str(want) + '%') if want is not None else '':>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
