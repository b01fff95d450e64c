#!/usr/bin/env python3
"""Build the demo export of the 2024 survey of the security consultant scheme.

Writes, next to this script:

  sikkerhedskonsulent-2024-eksport.csv  79 invented respondents (ids 2001-2079)
      in exactly the survey tool's export layout (UTF-8 with BOM, ';'-separated,
      CRLF line endings, multiple choice as 0/1 columns, blank = unanswered).
  answer_key.csv  the themes intended for every open answer written here
      (q1_andet, q4_andet_tekst, q8_kommentar), to check the demo's coding.

Every respondent is written out by hand in RESPONDENTS below: no randomness.
The closed answers reproduce the figures of SIRI's 2024 report (n=79); after
writing, the script reads the CSV back, asserts every figure and prints a
summary table. Standard library only.

    python3 data/demo/make_demo.py
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_CSV = HERE / "sikkerhedskonsulent-2024-eksport.csv"
OUT_KEY = HERE / "answer_key.csv"
# The survey tool's sample export, when shared/ sits beside the repository.
SAMPLE = HERE.parents[2] / "shared" / "samples" / "sikkerhedskonsulent-2024-eksport.csv"

HEADER = [
    "respondent_id", "status", "region", "q1_organisation", "q1_andet",
    "q2_antal_sager", "q3_boern", "q4_opmaerksomhed", "q4_risiko",
    "q4_sikkerhed", "q4_genopdragelse", "q4_samarbejdspartnere", "q4_andet",
    "q4_andet_tekst", "q5_akut", "q6_hjulpet", "q7_anbefale", "q8_kommentar",
]

COMPLETE = "Gennemført"

REGION = {
    "HOV": "Region Hovedstaden",
    "SJA": "Region Sjælland",
    "SYD": "Region Syddanmark",
    "MID": "Region Midtjylland",
    "NOR": "Region Nordjylland",
}
ORG = {
    "K": "Kommune",
    "P": "Politi",
    "C": "Krisecenter",
    "S": "Skole eller uddannelsesinstitution",
    "V": "Private og civilsamfundsorganisationer",
    "A": "Andet",
}
CASES = {"1": "1 sag", "2-5": "2-5 sager", "6-10": "6-10 sager", ">10": "Mere end 10 sager"}
BOERN = {"J": "Ja", "N": "Nej"}
# q4: one letter per ticked advice type.
Q4 = {
    "O": "q4_opmaerksomhed",
    "R": "q4_risiko",
    "S": "q4_sikkerhed",
    "G": "q4_genopdragelse",
    "N": "q4_samarbejdspartnere",
    "A": "q4_andet",
}
Q4_COLUMNS = list(Q4.values())
SCALE = ["I meget høj grad", "I høj grad", "I nogen grad", "I lav grad", "I meget lav grad"]
NOT_ACUTE = "Jeg har ikke været i kontakt om akutte sager"
# Ratings are three digits for q5, q6, q7: 1-5 = position on SCALE,
# 0 = "Jeg har ikke været i kontakt om akutte sager" (q5 only).
LOW = set(SCALE[2:])  # below "I høj grad"

# q8 theme ids (code frame sikkerhedskonsulent-2024-q8).
FS, GR, TI, KE = "faglig_sparring", "generel_ros", "tilgaengelighed", "kendskab"
KU, MA, KH, OP = "kurser_oplaeg", "materialer", "konkret_handling", "opfoelgning"
LU, TN, OF, IK = "lovgivning_udland", "tvaerfagligt_netvaerk", "ordningens_fremtid", "ingen_kommentar"
Q8_THEMES = [FS, GR, TI, KE, KU, MA, KH, OP, LU, TN, OF, IK]

# id, region, organisation, cases, children, q4 letters, ratings q5q6q7,
# q8 comment ("" = left empty), intended q8 themes.
RESPONDENTS = [
    (2001, "HOV", "K", "1", "J", "N", "111",
     "Jeg fik hurtigt at vide hvem hos politiet jeg skulle tage fat i, og konsulenten satte os i forbindelse med hinanden. Det sparede mig for mange opkald.", [TN]),
    (2002, "MID", "K", "2-5", "J", "R", "021", "", []),
    (2003, "SJA", "P", "6-10", "J", "RSGN", "111",
     "Vi bruger konsulenterne som sparringspartner når vi laver trusselsvurderinger i æressager. De kender miljøerne og har en viden vi ikke altid har i kredsen.", [FS]),
    (2004, "NOR", "K", "2-5", "J", "ORS", "111", "Tak for god hjælp i en svær sag.", [GR]),
    (2005, "HOV", "C", "2-5", "N", "RSN", "121",
     "Konsulenten hjalp os med at lægge en sikkerhedsplan for en beboer der skulle flytte videre i egen bolig. Brugbart at få en udefra til at se på risikoen med friske øjne.", [FS]),
    (2006, "NOR", "K", "1", "J", "O", "022", "Nej tak", [IK]),
    (2007, "NOR", "K", "2-5", "J", "R", "211", "", []),
    (2008, "HOV", "P", "2-5", "N", "RSN", "211",
     "Det ville være en fordel hvis konsulenterne kunne træffes udenfor almindelig arbejdstid, mange af vores henvendelser kommer om aftenen og i weekenden.", [TI]),
    (2009, "NOR", "P", "6-10", "J", "RG", "221",
     "Stor viden om genopdragelsesrejser. Vi mangler dog stadig klarhed over hvilke regler der gælder når den unge først er udrejst, og hvordan man får ambassaden på banen.", [FS, LU]),
    (2010, "SJA", "K", "2-5", "J", "ORSN", "221",
     "Ordningen bør gøres permanent. Vi har ikke selv kompetencerne i kommunen til de her sager.", [OF]),
    (2011, "SYD", "C", "1", "J", "OSN", "232",
     "Vi havde brug for at konsulenten deltog i et møde med kvinden og hendes sagsbehandler, men det kunne ikke lade sig gøre. Rådgivningen over telefonen blev lidt overordnet i forhold til hvordan vi skulle sikre hende og børnene mens hun boede hos os.", [KH]),
    (2012, "SYD", "K", "1", "J", "R", "022", "", []),
    (2013, "SYD", "K", "1", "J", "ON", "021",
     "Det var helt tilfældigt at jeg hørte om ordningen på et netværksmøde. Jeg tror ikke ret mange af mine kollegaer i forvaltningen kender den.", [KE]),
    (2014, "MID", "C", "2-5", "J", "ORSG", "111",
     "Vores beboere er ofte meget bange for at familien finder dem. Konsulenterne har givet os rigtig brugbare råd om hvornår en beboer kan færdes alene i byen, og hvad vi gør hvis familien dukker op ved døren.", [FS]),
    (2015, "HOV", "C", "2-5", "J", "OR", "011", "-", [IK]),
    (2016, "MID", "C", "2-5", "J", "ORSN", "111",
     "Vi ville gerne have en temadag for krisecentrets personale om beboernes sikkerhed, især for de nattevagter der står alene på vagten.", [KU]),
    (2017, "MID", "K", "1", "N", "ORS", "342",
     "Det tog fire dage før jeg fik svar, og da var situationen allerede eskaleret. Det jeg fik at vide var meget generelt, og jeg stod stadig tilbage med spørgsmålet om hvad jeg helt konkret skulle stille op.", [TI, KH]),
    (2018, "MID", "K", "1", "N", "R", "111", "Hurtig og kompetent hjælp.", [TI, FS]),
    (2019, "SYD", "C", "2-5", "N", "OR", "121", "", []),
    (2020, "SYD", "C", "1", "N", "RS", "021", "", []),
    (2021, "SYD", "C", "2-5", "N", "SN", "222", "Ikke noget særligt", [IK]),
    (2022, "MID", "K", "2-5", "J", "GN", "221",
     "Vi fik rådgivning om hvad ambassaden kan hjælpe med hvis den unge bliver holdt tilbage i Irak, og hvordan reglerne om forældremyndighed er dernede.", [LU]),
    (2023, "MID", "P", "1", "J", "RS", "111",
     "Første sag af den type for mig. Godt at konsulenten kunne samle trådene mellem os og kommunens børneafdeling, så vi ikke begge to tog kontakt til familien.", [TN]),
    (2024, "NOR", "K", "1", "J", "ORN", "043",
     "Jeg synes ikke rigtig jeg fik noget ud af samtalen. Det meste vidste vi i forvejen, og konsulenten ville ikke tage stilling til om vi skulle underrette eller ej. Vi havde brug for at de gik mere ind i sagen.", [KH]),
    (2025, "SJA", "K", "2-5", "N", "R", "122", "", []),
    (2026, "SJA", "P", "2-5", "J", "RSG", "121",
     "Konsulenterne burde holde oplæg for forebyggelsesafdelingerne i kredsene, der er stor forskel på hvor meget betjentene ved om æresrelaterede konflikter.", [KU]),
    (2027, "SYD", "P", "6-10", "N", "RS", "122", "Intet yderligere", [IK]),
    (2028, "HOV", "K", "2-5", "J", "ORSGN", "111",
     "En fælles skabelon til risikovurderingen ville være en stor hjælp, så vi dokumenterer på samme måde i hele kommunen.", [MA]),
    (2029, "SJA", "K", "2-5", "N", "OSA", "111",
     "Konsulenten vidste præcis hvad en religiøs skilsmisse indebærer, og hvorfor kvinden ikke følte sig fri selvom hun var skilt efter dansk lov. Det ændrede vores forståelse af hele sagen.", [FS]),
    (2030, "HOV", "K", "1", "J", "RS", "011", "", []),
    (2031, "HOV", "K", "1", "J", "R", "021",
     "Havde aldrig hørt om sikkerhedskonsulenterne før min leder foreslog at jeg ringede. Det burde stå i vores interne vejledning om æressager.", [KE]),
    (2032, "SYD", "K", "6-10", "J", "ORSN", "211",
     "Vi har efterhånden en del sager, og det ville være godt med et fast netværksmøde med politiet og krisecentret i regionen, som konsulenterne står for.", [TN]),
    (2033, "SYD", "K", "1", "N", "O", "222", "Nej det synes jeg ikke", [IK]),
    (2034, "HOV", "K", "1", "J", "GN", "021",
     "Brugbar sparring om hvad vi skulle være opmærksomme på inden sommerferien, hvor vi var bekymrede for at pigen ikke kom hjem igen.", [FS]),
    (2035, "SYD", "K", "2-5", "N", "ORSN", "111",
     "Fantastisk ordning som vi er rigtig glade for i afdelingen. Den må ikke forsvinde!", [GR, OF]),
    (2036, "HOV", "K", "1", "J", "RN", "111", "", []),
    (2037, "MID", "C", "2-5", "N", "RS", "111",
     "Vi har kvinder boende som er truet af hele slægten. Det har været en stor tryghed for personalet at kunne ringe og få sparring om sikkerheden, også når det brænder på.", [FS, TI]),
    (2038, "SYD", "K", "1", "J", "SG", "221", "", []),
    (2039, "HOV", "C", "6-10", "J", "ORSN", "111",
     "Vi flytter jævnligt beboere til krisecentre i andre dele af landet af sikkerhedshensyn, og her har konsulenterne hjulpet med at koordinere med kommunerne og politiet på tværs.", [TN]),
    (2040, "SYD", "V", "1", "J", "OR", "022",
     "Vi er en lille forening og havde ikke kendt til tilbuddet hvis ikke en af vores frivillige havde nævnt det. Gerne mere information ud til civilsamfundet.", [KE]),
    (2041, "MID", "C", "2-5", "N", "R", "222", "Ingen kommentarer", [IK]),
    (2042, "MID", "P", ">10", "J", "RN", "221",
     "Vi ringer om mange sager, og det ville lette arbejdet hvis kredsen havde en fast konsulent, så vi ikke skal forklare baggrunden forfra hver gang.", [OP]),
    (2043, "HOV", "P", ">10", "J", "ORSGN", "111",
     "Sikkerhedskonsulenterne er blevet en fast del af kredsens arbejde med æresrelateret kriminalitet. Det vil være et alvorligt tilbageslag hvis ordningen skæres ned når midlerne udløber.", [OF]),
    (2044, "SJA", "K", "2-5", "J", "O", "221", "", []),
    (2045, "SYD", "K", "1", "N", "SG", "111",
     "Sagen drejede sig om en ung kvinde på 19 der var bange for at blive sendt til Somalia. Vi fik god hjælp til at forstå hvilke regler der gælder dernede, og hvad Udenrigsministeriet kan gøre hvis hun bliver holdt tilbage.", [LU]),
    (2046, "MID", "K", "1", "J", "ORN", "011", "", []),
    (2047, "NOR", "S", "1", "J", "O", "021",
     "Jeg er AKT-lærer og det var første gang jeg havde mistanke om negativ social kontrol hos en elev. Det kunne være rigtig godt hvis konsulenterne kom ud og underviste lærerne, så flere lærer at se tegnene.", [KU]),
    (2048, "SYD", "P", "2-5", "J", "ORSG", "111",
     "Konsulenten fulgte selv op efter anholdelsen og spurgte til hvordan det gik med forurettede. Det oplevede vi som meget professionelt.", [OP]),
    (2049, "NOR", "A", "1", "J", "RN", "021",
     "Som sundhedspersonale har vi ikke meget erfaring med de her sager, og det var svært at finde ud af hvem vi skulle kontakte i kommunen. Konsulenten hjalp os med at finde de rette. Ordningen burde være bedre kendt i psykiatrien.", [TN, KE]),
    (2050, "SJA", "K", ">10", "J", "ORSGN", "111",
     "Vi bruger konsulenterne næsten hver uge. Håber at ordningen bliver permanent og gerne med flere konsulenter, for de har travlt.", [OF]),
    (2051, "SJA", "K", "1", "J", "O", "011", "", []),
    (2052, "HOV", "K", "2-5", "J", "SGA", "211",
     "Fint at man kan få rådgivning om lovgivningen i andre lande, det har vi ikke selv viden om i kommunen.", [LU]),
    (2053, "HOV", "K", "1", "J", "ORN", "021", "", []),
    (2054, "NOR", "K", "2-5", "J", "ORG", "121", "Tak for et godt samarbejde!", [GR]),
    (2055, "SJA", "K", "2-5", "J", "ORS", "021",
     "Konsulenten vendte tilbage dagen efter som lovet med svar på det hun ikke kunne svare på med det samme. Hvis I vil høre mere om sagen så ring til min kollega Mette på 22 33 44 55, hun har overtaget den.", [OP]),
    (2056, "HOV", "K", "1", "J", "R", "011", "ingen", [IK]),
    (2057, "NOR", "K", "6-10", "N", "ORSN", "332",
     "Vi får ofte forskellige svar alt efter hvilken konsulent vi taler med, og der er ingen der følger op på om rådene virkede. Det gør ordningen svær at bruge i de lange forløb.", [OP]),
    (2058, "NOR", "K", "1", "J", "ORG", "032",
     "Jeg manglede noget på skrift at gå videre med efter samtalen, fx en kort opsummering af anbefalingerne. Det er svært at huske det hele når man står i en presset situation.", [MA]),
    (2059, "SYD", "K", "1", "J", "ORN", "222", "", []),
    (2060, "SYD", "C", "2-5", "J", "ORS", "332",
     "Når en beboer bliver opsporet af familien sker det tit om aftenen, og der har vi ikke kunnet få fat i nogen. Vi har brug for en akuttelefon der også dækker aften og weekend når det gælder beboernes sikkerhed.", [TI]),
    (2061, "MID", "K", "1", "J", "RN", "011", "", []),
    (2062, "SJA", "K", "1", "J", "RS", "121",
     "Venlige og kompetente konsulenter der gav mig et mere nuanceret billede af familiens situation.", [FS]),
    (2063, "SYD", "K", "1", "J", "ORS", "111", "Nej ikke pt", [IK]),
    (2064, "HOV", "C", "1", "J", "S", "111",
     "På kort tid fik vi lagt en plan for hvordan kvinden og hendes to børn kunne komme sikkert i skole og institution mens de boede hos os. Det var en kæmpe hjælp.", [FS]),
    (2065, "MID", "K", "1", "N", "ORN", "121", "", []),
    (2066, "HOV", "K", "1", "J", "ORSN", "211",
     "Rigtig glad for ordningen, haaber meget at den fortsaetter naar midlerne udloeber.", [GR, OF]),
    (2067, "NOR", "A", "2-5", "N", "RS", "211",
     "Vi har haft to klienter der skulle løslades til et område hvor familien havde truet dem. Konsulenterne var gode til at tænke politiet og kommunen ind i planen for løsladelsen.", [TN]),
    (2068, "SYD", "K", "1", "J", "ON", "022", "", []),
    (2069, "SYD", "K", "1", "J", "ORN", "011", "", []),
    (2070, "SYD", "K", "6-10", "J", "SNA", "111", "Tusind tak for jeres indsats, I gør en kæmpe forskel.", [GR]),
    (2071, "SYD", "K", "1", "J", "R", "222", "", []),
    (2072, "SYD", "K", "2-5", "J", "ORG", "433",
     "Vi ringede flere gange i juli uden at komme igennem, og der var ingen besked om hvem man ellers kunne kontakte. I en akut sag med en ung der skulle rejse ud dagen efter er det ikke godt nok. Der var heller ingen der ringede tilbage bagefter.", [TI, OP]),
    (2073, "HOV", "K", "1", "J", "O", "021", "", []),
    (2074, "SJA", "K", "1", "N", "ON", "211",
     "Det kunne være godt med en pjece eller en side på nettet hvor man kan se hvad konsulenterne kan hjælpe med, inden man ringer.", [MA, KE]),
    (2075, "SYD", "V", "2-5", "N", "ORSN", "111",
     "Vi i foreningen bruger jer fast når vores rådgivere er i tvivl. Vi vil gerne kunne bruge nogle af jeres skriftlige vejledninger i vores egen rådgivning.", [MA]),
    (2076, "SYD", "K", "1", "J", "ORSN", "111",
     "Bedste tilbud vi har på området. Hurtige til at ringe tilbage og altid velforberedte.", [GR, TI]),
    (2077, "NOR", "K", "2-5", "N", "RS", "131",
     "Konsulenten var nem at få fat i, men jeg savnede at hun kunne være med til mødet med kvinden og hendes familie. Det havde flyttet mere end en snak i telefonen.", [KH, TI]),
    (2078, "MID", "S", "2-5", "J", "ORGN", "211",
     "Vi har haft flere elever der ikke kom tilbage efter sommerferien. Et kursus for ledelse og vejledere i hvordan man håndterer bekymring for genopdragelsesrejser ville være relevant for os.", [KU]),
    (2079, "MID", "K", "6-10", "J", "ORSGN", "111",
     "Uvurderlig erfaring med familier hvor æren fylder meget. Den slags viden findes ikke andre steder i systemet.", [FS]),
]

# "Andet, angiv venligst" (q1) and "Andet (uddyb)" (q4): text and intended theme.
Q1_ANDET = {
    2049: ("Børne- og ungdomspsykiatrien", ["sundhed"]),
    2067: ("Kriminalforsorgen", ["statslig"]),
}
Q4_ANDET = {
    2029: ("Religiøs vielse og skilsmisse, kvinden var kun gift hos en imam", ["aegteskab"]),
    2052: ("Regler og lovgivning ift. andre lande, fx forældremyndighed og udrejse i Pakistan", ["lovgivning_udland"]),
    2070: ("Netværkssamarbejde mellem myndigheder - kommunen, politiet og krisecentret", ["tvaerfagligt_netvaerk"]),
}


def build_rows() -> list[dict[str, str]]:
    rows = []
    for rid, reg, org, cases, boern, q4, ratings, comment, _ in RESPONDENTS:
        row = {
            "respondent_id": str(rid),
            "status": COMPLETE,
            "region": REGION[reg],
            "q1_organisation": ORG[org],
            "q1_andet": Q1_ANDET[rid][0] if rid in Q1_ANDET else "",
            "q2_antal_sager": CASES[cases],
            "q3_boern": BOERN[boern],
        }
        for letter, col in Q4.items():
            row[col] = "1" if letter in q4 else "0"
        row["q4_andet_tekst"] = Q4_ANDET[rid][0] if rid in Q4_ANDET else ""
        q5, q6, q7 = (int(d) for d in ratings)
        row["q5_akut"] = NOT_ACUTE if q5 == 0 else SCALE[q5 - 1]
        row["q6_hjulpet"] = SCALE[q6 - 1]
        row["q7_anbefale"] = SCALE[q7 - 1]
        row["q8_kommentar"] = comment
        rows.append(row)
    return rows


def answer_key() -> list[tuple[str, str, str]]:
    key = []
    for rid, *_, comment, themes in RESPONDENTS:
        if rid in Q1_ANDET:
            key.append((str(rid), "q1_andet", "|".join(Q1_ANDET[rid][1])))
        if rid in Q4_ANDET:
            key.append((str(rid), "q4_andet_tekst", "|".join(Q4_ANDET[rid][1])))
        if comment:
            key.append((str(rid), "q8_kommentar", "|".join(themes)))
    return key


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


def pct(n: int, base: int) -> int:
    """Whole-number percentage, halves rounded up (as in the report)."""
    return (200 * n + base) // (2 * base)


def check(rows: list[dict[str, str]], key: list[tuple[str, str, str]]) -> list[tuple]:
    """Assert the report's figures on rows read back from the CSV; return the summary."""
    summary = []

    def fig(label, n, base, want_n=None, want_pct=None):
        if want_n is not None:
            assert n == want_n, f"{label}: {n}, want {want_n}"
        if want_pct is not None:
            assert pct(n, base) == want_pct, f"{label}: {pct(n, base)}%, want {want_pct}%"
        summary.append((label, n, base, pct(n, base), want_pct))

    raw = OUT_CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert raw.count(b"\r\n") == raw.count(b"\n") == len(rows) + 1, "not CRLF throughout"
    if SAMPLE.exists():
        sample_header = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[0]
        assert sample_header == ";".join(HEADER), "header differs from the sample"

    n = len(rows)
    assert n == 79
    assert [r["respondent_id"] for r in rows] == [str(i) for i in range(2001, 2080)]
    assert all(r["status"] == COMPLETE for r in rows)
    regions = Counter(r["region"] for r in rows)
    assert set(regions) == set(REGION.values())
    assert regions.most_common(1)[0][0] == "Region Syddanmark"
    assert regions["Region Syddanmark"] > max(v for k, v in regions.items() if k != "Region Syddanmark")
    for region, k in regions.most_common():
        summary.append((region, k, n, pct(k, n), None))

    # labels are the questionnaire's
    assert {r["q1_organisation"] for r in rows} <= set(ORG.values())
    assert {r["q2_antal_sager"] for r in rows} <= set(CASES.values())
    assert {r["q3_boern"] for r in rows} <= set(BOERN.values())
    assert {r["q5_akut"] for r in rows} <= set(SCALE) | {NOT_ACUTE}
    assert {r[c] for r in rows for c in ("q6_hjulpet", "q7_anbefale")} <= set(SCALE)
    assert {r[c] for r in rows for c in Q4_COLUMNS} <= {"0", "1"}

    # q1
    org = Counter(r["q1_organisation"] for r in rows)
    fig("q1 Kommune", org["Kommune"], n, 51, 65)
    fig("q1 Krisecenter", org["Krisecenter"], n, 13, 16)
    fig("q1 Politi", org["Politi"], n, 9, 11)
    fig("q1 Skole eller uddannelsesinstitution", org["Skole eller uddannelsesinstitution"], n, 2)
    fig("q1 Private og civilsamfundsorganisationer", org["Private og civilsamfundsorganisationer"], n, 2)
    fig("q1 Andet", org["Andet"], n, 2)
    for r in rows:
        assert bool(r["q1_andet"]) == (r["q1_organisation"] == "Andet"), r["respondent_id"]

    # q2
    cases = Counter(r["q2_antal_sager"] for r in rows)
    fig("q2 1 sag", cases["1 sag"], n, 38, 48)
    fig("q2 2-5 sager", cases["2-5 sager"], n, 30, 38)
    fig("q2 6-10 sager", cases["6-10 sager"], n, 8)
    fig("q2 Mere end 10 sager", cases["Mere end 10 sager"], n, 3, 4)
    kom = [r for r in rows if r["q1_organisation"] == "Kommune"]
    pol = [r for r in rows if r["q1_organisation"] == "Politi"]
    kc = [r for r in rows if r["q1_organisation"] == "Krisecenter"]
    fig("q2 Kommune: 1 sag", sum(r["q2_antal_sager"] == "1 sag" for r in kom), len(kom), 31, 61)
    fig("q2 Politi: 2+ sager", sum(r["q2_antal_sager"] != "1 sag" for r in pol), len(pol), 8)

    # q3
    fig("q3 Ja (sager om børn)", sum(r["q3_boern"] == "Ja" for r in rows), n, 58, 73)
    fig("q3 Nej", sum(r["q3_boern"] == "Nej" for r in rows), n, 21)

    # q4
    ticks = {c: sum(r[c] == "1" for r in rows) for c in Q4_COLUMNS}
    fig("q4 risiko", ticks["q4_risiko"], n, 59, 75)
    fig("q4 opmaerksomhed", ticks["q4_opmaerksomhed"], n, 44, 56)
    fig("q4 sikkerhed", ticks["q4_sikkerhed"], n, 40, 51)
    fig("q4 samarbejdspartnere", ticks["q4_samarbejdspartnere"], n, 36, 46)
    fig("q4 genopdragelse", ticks["q4_genopdragelse"], n)
    assert 20 <= pct(ticks["q4_genopdragelse"], n) <= 25
    fig("q4 andet", ticks["q4_andet"], n, 3)
    for r in rows:
        assert bool(r["q4_andet_tekst"]) == (r["q4_andet"] == "1"), r["respondent_id"]
    fig("q4 Krisecenter: sikkerhed", sum(r["q4_sikkerhed"] == "1" for r in kc), len(kc), 10, 77)
    fig("q4 Politi: sikkerhed", sum(r["q4_sikkerhed"] == "1" for r in pol), len(pol), 7, 78)
    fig("q4 Politi: genopdragelse", sum(r["q4_genopdragelse"] == "1" for r in pol), len(pol), 5, 56)
    # number of advice types; the same with or without "Andet" (its three
    # respondents all ticked two or more of the named types as well)
    for cols in (Q4_COLUMNS, Q4_COLUMNS[:-1]):
        types = [sum(r[c] == "1" for c in cols) for r in rows]
        assert min(types) >= 1, "someone has no advice type"
        multi = sum(t >= 2 for t in types)
        one_case = [t for t, r in zip(types, rows) if r["q2_antal_sager"] == "1 sag"]
        assert multi == 62 and pct(multi, n) == 78
        assert sum(t >= 2 for t in one_case) == 26 and pct(26, len(one_case)) == 68
    fig("q4 2+ typer", multi, n, 62, 78)
    fig("q4 1 sag: 2+ typer", sum(t >= 2 for t in one_case), len(one_case), 26, 68)

    # q5-q7
    base5 = [r for r in rows if r["q5_akut"] != NOT_ACUTE]
    fig("q5 ikke kontakt om akutte sager", n - len(base5), n, 23)
    top = set(SCALE[:2])
    fig("q5 akut: top 2 (base excl. ikke akut)", sum(r["q5_akut"] in top for r in base5), len(base5), 52, 93)
    fig("q6 hjulpet: top 2", sum(r["q6_hjulpet"] in top for r in rows), n, 71, 90)
    fig("q7 anbefale: top 2", sum(r["q7_anbefale"] in top for r in rows), n, 77, 97)
    for r in rows:
        if any(r[c] in LOW for c in ("q5_akut", "q6_hjulpet", "q7_anbefale")):
            assert r["q1_organisation"] in ("Kommune", "Krisecenter"), r["respondent_id"]

    # open answers and the key
    comments = [r for r in rows if r["q8_kommentar"]]
    assert 55 <= len(comments) <= 60
    fig("q8 kommentar skrevet", len(comments), n)
    for text in [r["q8_kommentar"] for r in comments] + [r["q1_andet"] for r in rows] + [r["q4_andet_tekst"] for r in rows]:
        assert ";" not in text and '"' not in text and "\n" not in text
    filled = {(r["respondent_id"], c) for r in rows for c in ("q1_andet", "q4_andet_tekst", "q8_kommentar") if r[c]}
    assert {(rid, col) for rid, col, _ in key} == filled and len(key) == len(filled)
    q8_key = [themes.split("|") for _, col, themes in key if col == "q8_kommentar"]
    theme_n = Counter(t for ts in q8_key for t in ts)
    assert set(theme_n) <= set(Q8_THEMES)
    assert all(theme_n[t] >= 3 for t in Q8_THEMES), theme_n
    assert all(ts == [IK] for ts in q8_key if IK in ts)
    assert 7 <= theme_n[IK] <= 9
    assert sum(len(ts) == 2 for ts in q8_key) >= 5
    return summary, theme_n


def main() -> int:
    rows = build_rows()
    key = answer_key()
    write_export(rows)
    write_key(key)
    with OUT_CSV.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.DictReader(f, delimiter=";"))
    assert back == rows, "CSV does not read back as written"
    summary, theme_n = check(back, key)

    print(f"wrote {OUT_CSV.name} ({len(rows)} respondents) and {OUT_KEY.name} ({len(key)} open answers)")
    print()
    print(f"{'figure':<45} {'n':>4} {'base':>5} {'pct':>5} {'report':>7}")
    print("-" * 70)
    for label, k, base, p, want in summary:
        print(f"{label:<45} {k:>4} {base:>5} {p:>4}% {(str(want) + '%') if want is not None else '':>7}")
    print()
    print("q8 themes in the answer key:")
    for t in Q8_THEMES:
        print(f"  {t:<24} {theme_n[t]:>3}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
