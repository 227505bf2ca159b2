"""Characterisation cases, part 2: defects that trigger the record rules (SIU1xx), the account
mapping (SIU2xx), anonymisation (SIU3xx), the delivery rules (SIU4xx) and some of the reading
findings (SIU0xx). Each case is a clean year (:func:`year_of_stays`) plus the defect rows, so a
golden shows the defect's findings and little else.

Codes of SIU1xx/2xx/4xx no case reaches, and why (``UNREACHABLE`` in test_characterisation.py):
SIU190 and SIU490 need a rule that raises (a plugin's), though ``rules-dates`` reaches SIU490
through a bug of today's SIU430 rule (OverflowError on an end date of 9999-12-31); SIU404 needs a
source that states the reporting year per posting, which no built-in adapter reads. SIU123 is
reached in ``area-adult-2026`` (part 1).
"""

from __future__ import annotations

from pathlib import Path

from characterisation_kit import (
    BASE,
    CSV_HEADER,
    OPUS_MAPPING,
    OUT,
    REFUND,
    REPORT,
    SEL107,
    SEL108,
    SEL109,
    SEL110,
    amount,
    case,
    config,
    cprs,
    month,
    table,
    write,
    year_of_stays,
)


def _csv(folder: Path, rows: list[list[str]], *extra: str, header: list[str] = CSV_HEADER) -> list[str]:
    name = table(folder, "ophold.csv", header, rows)
    return ["convert", "--source", "csv", name, *BASE, *OUT, *REPORT, *extra]


# --- record rules -------------------------------------------------------------------------------


@case("CPR defects: missing, unreadable, impossible date, fictitious outside § 109, placeholder (SIU101-106)")
def rules_cpr(folder: Path) -> list[str]:
    rows = year_of_stays(61)
    jan = month(1)
    rows += [
        ["", "1.000,00", *jan, SEL108, "intet CPR"],
        ["12345-6789", "1.000,00", *jan, SEL108, "for få cifre"],
        ["01016O-1235", "1.000,00", *jan, SEL108, "bogstav O"],
        ["3102601235", "1.000,00", *jan, SEL108, "31. februar"],
        ["1234569998", "1.000,00", *jan, SEL108, "fiktivt uden for § 109"],
        ["0101010000", "1.000,00", *jan, SEL108, "pladsholder, født 1901"],
        ["0101301234", "1.000,00", *jan, SEL108, "født 1930: ingen pladsholder"],
        ["0101304321", "1.000,00", *jan, SEL108, "født 2030, efter perioden"],
    ]
    return _csv(folder, rows)


@case(
    "Date defects: missing, swapped, outside the year, open-ended, too long, unreadable (SIU110-117, SIU020),"
    " with --report-xlsx"
)
def rules_dates(folder: Path) -> list[str]:
    rows = year_of_stays(62)
    cpr = cprs(1, 620)[0]
    rows += [
        [cpr, "1.000,00", "", "31.01.2025", SEL108, "ingen start"],
        [cpr, "1.001,00", "01.02.2025", "", SEL108, "ingen slut"],
        [cpr, "1.002,00", "31.03.2025", "01.03.2025", SEL108, "byttet om"],
        [cpr, "1.003,00", "01.03.2024", "31.12.2024", SEL108, "sidste år"],
        [cpr, "1.004,00", "01.01.2023", "31.12.2023", SEL108, "to år før"],
        [cpr, "1.005,00", "01.01.2052", "31.01.2052", SEL108, "tastefejl i år"],
        [cpr, "1.006,00", "01.04.2025", "31.12.9999", SEL108, "åben slutdato"],
        [cpr, "1.007,00", "01.01.1900", "30.04.2025", SEL108, "åben startdato"],
        [cpr, "1.008,00", "01.03.2019", "31.01.2025", SEL108, "hele opholdet"],
        [cpr, "1.009,00", "20.12.2023", "05.01.2025", SEL108, "rækker langt ud"],
        [cpr, "1.010,00", "32.13.2025", "31.05.2025", SEL108, "ulæselig dato"],
        [cpr, "1.011,00", "01.06.2025", "30.06.2025", SEL108, "i orden"],
    ]
    return _csv(folder, rows, "--report-xlsx", "report.xlsx")


@case("Account defects: outside the statistic, no paragraph, unknown paragraph, internal art (SIU120-133)")
def rules_accounts(folder: Path) -> list[str]:
    header = [*CSV_HEADER, "Paragraf"]
    rows = [[*r, ""] for r in year_of_stays(63)]
    cpr = cprs(1, 630)[0]
    jan = month(1)
    rows += [
        [cpr, "1.000,00", *jan, "5.22.07.1.001.4.0", "forkert funktion", ""],
        [cpr, "1.001,00", *jan, "5.38.45.1.001.4.0", "funktion uden paragraf", ""],
        [cpr, "1.002,00", *jan, SEL108, "ukendt paragraf", "SEL999"],
        [cpr, "1.003,00", *jan, "5.38.50.1.001.9.1", "intern postering", ""],
        [cpr, "1.004,00", *jan, "5.38.50.2.001.4.0", "dranst 2", ""],
        [cpr, "1.005,00", *jan, "5.38.5X.1.001.4.0", "ugyldig kontostreng", ""],
        [cpr, "1.006,00", *jan, "5.38.50.1.001", "ingen art", ""],
    ]
    return _csv(folder, rows, header=header)


@case("Amount defects: zero, sign against the art, more decimals than the unit (SIU130-132, SIU020)")
def rules_amounts(folder: Path) -> list[str]:
    rows = year_of_stays(64)
    cpr = cprs(1, 640)[0]
    feb = month(2)
    rows += [
        [cpr, "0,00", *feb, SEL108, "nul"],
        [cpr, "-2.500,00", *feb, SEL108, "negativ udgift"],
        [cpr, "2.500,00", *feb, REFUND, "positiv indtægt"],
        [cpr, "1.000,005", *feb, SEL108, "tre decimaler"],
        [cpr, "tusind", *feb, SEL108, "ulæseligt beløb"],
        [cpr, "", *feb, SEL108, "intet beløb"],
    ]
    return _csv(folder, rows)


@case("[severity] in siu.toml: an unknown code (SIU191), an error lowered (SIU192), a warning raised")
def severity_config(folder: Path) -> list[str]:
    severity = 'SIU999 = "info"\nSIU101 = "info"\nSIU020 = "warning"\nSIU130 = "error"\nSIU113 = "info"\n'
    config(folder, "[severity]\n" + severity)
    rows = year_of_stays(65)
    cpr = cprs(1, 650)[0]
    rows += [
        ["", "1.000,00", *month(1), SEL108, "intet CPR"],
        [cpr, "0,00", *month(2), SEL108, "nul"],
        [cpr, "1.000,00", "01.03.2024", "31.03.2024", SEL108, "sidste år"],
        [cpr, "1.000,0O", *month(4), SEL108, "ulæseligt beløb"],
    ]
    return _csv(folder, rows)


# --- mapping ------------------------------------------------------------------------------------

MAPPING_DEFECTS = """\
[[rule]]
name = "Bakkehuset (§ 108)"
psp = "XG-5385010001-*"
function = "5.38.50"
grouping = "001"

[[rule]]
name = "Bakkehuset igen (overlapper)"
psp = "XG-538501*"
function = "5.38.50"
grouping = "001"

[[rule]]
name = "Bakkehuset, én PSP (skygges af den første)"
psp = "XG-5385010001-0001"
function = "5.38.50"
grouping = "001"

[[rule]]
name = "Fjordly, forkert paragraf"
psp = "XG-5385210001-*"
function = "5.38.52"
grouping = "001"
paragraph = "SEL108"

[[rule]]
name = "Aldrig brugt"
psp = "XG-9999*"
function = "5.38.50"
grouping = "001"

[[rule]]
name = "Administration"
psp = "XG-5600*"
exclude = true
reason = "Administration, ikke SIU"
"""


def _opus_rows(psp: str, artskonto: str, cpr: str, value: float, months: range, text: str) -> list[list[str]]:
    return [[f"{i:06d}", psp, "", artskonto, cpr, amount(value), *month(m), text] for i, m in enumerate(months, 1)]


OPUS_HEADER = ["Bilagsnr", "PSP-element", "Omkostningssted", "Artskonto", "CPR-nr", "Beløb", "Periode fra"]
OPUS_HEADER += ["Periode til", "Tekst"]


@case("Mapping defects: unmapped, overlapping, never used, against the chart, excluded, no art (SIU201-208)")
def mapping_defects(folder: Path) -> list[str]:
    people = cprs(4, 66)
    rows = _opus_rows("XG-5385010001-0001", "40110000", people[0], 30_000, range(1, 13), "Bakkehuset")
    rows += _opus_rows("XG-5385210001-0001", "40110000", people[1], 20_000, range(1, 4), "Fjordly")
    rows += _opus_rows("XG-5385990001-0001", "40110000", people[2], 5_000, range(1, 3), "ukendt PSP")
    rows += _opus_rows("XG-5600000001-0001", "40110000", people[3], 4_000, range(1, 3), "administration")
    rows += _opus_rows("XG-5385010001-0001", "", people[3], 3_000, range(5, 6), "ingen artskonto")
    name = table(folder, "opus.csv", OPUS_HEADER, rows)
    write(folder, "mapping.toml", MAPPING_DEFECTS)
    return ["convert", "--source", "opus", name, *BASE, "-m", "mapping.toml", *OUT, *REPORT]


@case("No mapping file for local accounts (SIU207, SIU201)")
def mapping_missing(folder: Path) -> list[str]:
    people = cprs(2, 67)
    rows = _opus_rows("XG-5385010001-0001", "40110000", people[0], 30_000, range(1, 13), "Bakkehuset")
    rows += _opus_rows("XG-5385210001-0001", "40110000", people[1], 20_000, range(1, 4), "Fjordly")
    name = table(folder, "opus.csv", OPUS_HEADER, rows)
    return ["convert", "--source", "opus", name, *BASE, *OUT, *REPORT]


# --- anonymisation ------------------------------------------------------------------------------


@case("Anonymisation defects: sex unknown, flag outside § 109, placeholder outside § 109 (SIU301-303)")
def anonymise_defects(folder: Path) -> list[str]:
    config(folder, '[anonymisation]\nplaceholders = ["0101010000"]\n')
    header = [*CSV_HEADER, "Anonym", "Køn"]
    rows = [[*r, "", ""] for r in year_of_stays(68)]
    people = cprs(3, 680)
    rows += [
        [people[0], "9.000,00", *month(3), SEL109, "anonym, køn ukendt", "Ja", ""],
        [people[1], "9.000,00", *month(4), SEL108, "anonym på § 108", "Ja", "K"],
        ["0101010000", "9.000,00", *month(5), SEL108, "pladsholder på § 108", "", "M"],
        ["0101010000", "9.000,00", *month(5), SEL109, "pladsholder på § 109", "", "M"],
        [people[2], "9.000,00", *month(6), SEL109, "anonym kvinde", "Ja", "K"],
        ["", "9.000,00", *month(7), SEL109, "anonym uden CPR og køn", "Ja", ""],
    ]
    return _csv(folder, rows, header=header)


# --- delivery rules -----------------------------------------------------------------------------


@case("Duplicates (SIU401), identical anonymous lines (SIU406), revenue without expenditure (SIU402)")
def rules_duplicates(folder: Path) -> list[str]:
    header = [*CSV_HEADER, "Anonym", "Køn"]
    rows = [[*r, "", ""] for r in year_of_stays(69)]
    people = cprs(3, 690)
    rows += [rows[0], rows[5], rows[5]]  # the same lines again
    rows += [[people[0], "8.000,00", *month(2), SEL109, "anonym", "Ja", "K"]] * 2
    rows += [[people[1], "-5.000,00", *month(3), REFUND, "refusion uden udgift", "", ""]]
    rows += [[people[2], "-5.000,00", *month(3), "5.38.52.1.001.7.7", "refusion, udgift på § 108", "", ""]]
    rows += [[people[2], "7.000,00", *month(3), SEL108, "udgift", "", ""]]
    return _csv(folder, rows, header=header)


@case("Several municipalities (SIU403) and payments between municipalities with a counterpart (SIU446)")
def rules_kommune(folder: Path) -> list[str]:
    header = [*CSV_HEADER, "Kommune", "Modpart"]
    rows = [[*r, "101", ""] for r in year_of_stays(70)]
    people = cprs(2, 700)
    rows += [[people[0], "3.000,00", *month(m), SEL108, "anden kommune", "147", ""] for m in (1, 2)]
    rows += [[people[1], "-4.000,00", *month(m), REFUND, "fra Frederiksberg", "101", "147"] for m in (1, 2)]
    rows += [[people[1], "9.000,00", *month(m), SEL108, "udgift", "101", ""] for m in (1, 2)]
    rows += [[people[1], "2.000,00", *month(3), "5.38.50.1.001.4.7", "til Gentofte", "101", "Gentofte"]]
    return _csv(folder, rows, header=header)


@case("Periods concentrated in another year (SIU405) with each line's SIU113")
def rules_other_year(folder: Path) -> list[str]:
    rows = year_of_stays(71, citizens=2)
    rows += [[c, a, s.replace("2025", "2024"), e.replace("2025", "2024"), k, t] for c, a, s, e, k, t in rows[:12]]
    return _csv(folder, rows)


@case("One CPR on many simultaneous § 109 stays: a placeholder not configured (SIU407)")
def rules_placeholder_overlaps(folder: Path) -> list[str]:
    rows = year_of_stays(72, citizens=2)
    shared = cprs(1, 720)[0]
    for i in range(6):
        rows.append([shared, amount(6_000 + 100 * i), f"{1 + i:02d}.03.2025", f"{20 + i:02d}.04.2025", SEL109, "krise"])
    return _csv(folder, rows)


@case("Extreme annualised expenditure (SIU420, --mad-k 3) and a ceiling from siu.toml (SIU421)")
def rules_extreme(folder: Path) -> list[str]:
    config(folder, "[validation.ceilings]\nSEL107 = 1000000\n")
    rows = year_of_stays(73, citizens=6)
    rows += year_of_stays(74, citizens=1, account=SEL107, rate=95_000)
    rows[0][1] = amount(410_000)  # one month of one citizen
    rows += [[cprs(1, 730)[0], "45.000,00", "01.03.2025", "03.03.2025", SEL110, "tre dage"]]
    return _csv(folder, rows, "--mad-k", "3")


@case("--format xlsx with amounts under one krone: rounded to zero (SIU442) and rounding (SIU443)")
def rules_rounding(folder: Path) -> list[str]:
    rows = year_of_stays(75, citizens=2)
    cpr = rows[0][0]
    rows += [[cpr, "0,40", *month(2), SEL108, "øreafrunding"], [cpr, "0,45", *month(3), SEL108, "øreafrunding"]]
    rows += [[cprs(1, 750)[0], "0,30", *month(m), SEL108, "30 øre to gange: 1 krone i alt"] for m in (4, 5)]
    return _csv(folder, rows, "--format", "xlsx")


# --- reading ------------------------------------------------------------------------------------


@case("Reading defects in an Opus export: unreadable amount, a lone amount and a sum line that disagree (SIU030)")
def read_defects(folder: Path) -> list[str]:
    people = cprs(2, 76)
    rows = _opus_rows("XG-5385010001-0001", "40110000", people[0], 30_000, range(1, 13), "Bakkehuset")
    rows += _opus_rows("XG-5385210001-0001", "40110000", people[1], 20_000, range(1, 7), "Fjordly")
    rows[3][5] = "30.000,0O"  # a letter O
    rows.append(["", "", "", "", "", "1.000,00", "", "", ""])  # an amount and nothing else
    rows.append(["*", "", "", "", "", amount(123_456.78), "", "", ""])  # a sum line that is wrong
    name = table(folder, "opus.csv", OPUS_HEADER, rows)
    write(folder, "mapping.toml", OPUS_MAPPING)
    return ["convert", "--source", "opus", name, *BASE, "-m", "mapping.toml", *OUT, *REPORT]


@case("A required column missing: no amount column (SIU005)")
def input_missing_column(folder: Path) -> list[str]:
    rows = [r[:1] + r[2:] for r in year_of_stays(77, citizens=1)]
    name = table(folder, "ophold.csv", ["CPR", "Fra", "Til", "Kontostreng", "Tekst"], rows)
    return ["validate", "--source", "csv", name, *BASE, *REPORT]


@case("An input file that is not there, beside one that is: a usage error (exit 2)")
def input_missing_file(folder: Path) -> list[str]:
    name = table(folder, "ophold.csv", CSV_HEADER, year_of_stays(78, citizens=1))
    return ["validate", "--source", "csv", name, "findes-ikke.csv", *BASE, *REPORT]


@case("An empty input: header only (SIU034, SIU035)")
def empty_input(folder: Path) -> list[str]:
    return _csv(folder, [])


@case("§ 107 and § 110 stays with revenue, the whole year, several citizens: a clean mixed delivery")
def mixed_paragraphs(folder: Path) -> list[str]:
    rows = year_of_stays(78, citizens=3, account=SEL107) + year_of_stays(79, citizens=2, account=SEL110)
    rows += [[rows[0][0], "-2.000,00", *month(m), "5.38.52.1.001.7.7", "refusion"] for m in (4, 8)]
    return _csv(folder, rows)
