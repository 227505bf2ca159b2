"""Characterisation cases, part 1: every adapter and layout of :mod:`exports`, DST's Excel
template, the CSV adapter with a column map, and the run options (several inputs, --aggregate,
--split, --format xlsx, --accounts, --test, --lang en, validate). Rule defects: part 2,
:mod:`characterisation_rules`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import exports
from characterisation import pin_xlsx
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
    amount,
    archive_receipt,
    case,
    config,
    cprs,
    month,
    table,
    workbook,
    write,
    year_of_stays,
)


def _opus(folder: Path, export: exports.Export, *extra: str) -> list[str]:
    write(folder, "mapping.toml", OPUS_MAPPING)
    return ["convert", "--source", "opus", export.path.name, *BASE, "-m", "mapping.toml", *OUT, *REPORT, *extra]


def _sap(folder: Path, layout: str, count: int, seed: int, *extra: str, art_from_gl: bool = False) -> list[str]:
    export = exports.generate("sap", layout, folder, count=count, seed=seed)
    if export.path.suffix == ".xlsx":
        pin_xlsx(export.path)
    mapping = exports.write_sap_mapping(folder, art_from_gl=art_from_gl)
    config(folder, f'mapping = "{mapping.name}"\n\n[source.sap]\nperiod = "{export.period}"\n')
    return ["convert", "--source", "sap", export.path.name, *BASE, *OUT, *REPORT, *extra]


# --- Opus ---------------------------------------------------------------------------------------


@case("Opus, standard layout: cp1252, ';', trailing minus, dd.mm.yyyy, sum line")
def opus_danish(folder: Path) -> list[str]:
    return _opus(folder, exports.opus_danish(folder / "opus.csv", exports.make_lines(36, 11)))


@case("Opus, UTF-8 with BOM, amounts in parentheses, ISO dates")
def opus_danish_bom_parens_iso(folder: Path) -> list[str]:
    lines = exports.make_lines(30, 12)
    export = exports.opus_danish(folder / "opus.csv", lines, "parens", "iso", "utf-8-sig")
    return _opus(folder, export)


@case("Opus, ISO-8859-1, plain amounts, ddmmyyyy dates")
def opus_danish_latin1_compact(folder: Path) -> list[str]:
    lines = exports.make_lines(30, 13)
    export = exports.opus_danish(folder / "opus.csv", lines, "danish_plain", "ddmmyyyy", "iso-8859-1")
    return _opus(folder, export)


@case("Opus, another user's layout: other labels and order, quoted ';' and line breaks, blank rows")
def opus_shuffled(folder: Path) -> list[str]:
    return _opus(folder, exports.opus_shuffled(folder / "opus.csv", exports.make_lines(40, 14)))


@case("Opus, technical names, TAB, LF, DMBTR+SHKZG, period from the text's month ([source.opus])")
def opus_technical(folder: Path) -> list[str]:
    export = exports.opus_technical(folder / "opus.txt", exports.make_lines(30, 15))
    config(folder, '[source.opus]\nperiod = "text_month"\n')
    return _opus(folder, export)


@case("Opus saved as xlsx: title row, Excel numbers and dates, a second sheet")
def opus_xlsx(folder: Path) -> list[str]:
    export = exports.opus_xlsx(folder / "opus.xlsx", exports.make_lines(30, 16))
    pin_xlsx(export.path)
    return _opus(folder, export)


@case("Opus xlsx with a cover sheet before the data sheet")
def opus_xlsx_cover(folder: Path) -> list[str]:
    export = exports.opus_xlsx(folder / "opus.xlsx", exports.make_lines(24, 17), cover_first=True)
    pin_xlsx(export.path)
    return _opus(folder, export)


@case("Opus without --source: the adapter is guessed from the header")
def opus_guessed(folder: Path) -> list[str]:
    argv = _opus(folder, exports.opus_danish(folder / "opus.csv", exports.make_lines(20, 18)))
    return [a for a in argv if a not in ("--source", "opus")]


# --- SAP ----------------------------------------------------------------------------------------


@case("SAP FBL3N as xlsx: no --format, so the channel picks the Excel template (SIU440)")
def sap_fbl3n_xlsx(folder: Path) -> list[str]:
    return _sap(folder, "fbl3n_xlsx", 30, 21)


@case("SAP unconverted list ('|', page headers, subtotals) forced to XML (SIU441)")
def sap_unconverted(folder: Path) -> list[str]:
    return _sap(folder, "unconverted", 70, 22, "--format", "xml")


@case("SAP ACDOCA: ',', international amounts, HSL with DRCRK, --decimal '.'")
def sap_acdoca(folder: Path) -> list[str]:
    return _sap(folder, "acdoca", 30, 23, "--decimal", ".", "--format", "xml")


@case("SAP BSEG: TAB, ISO-8859-1, unsigned DMBTR with SHKZG, ddmmyyyy, 'Sum' lines")
def sap_bseg(folder: Path) -> list[str]:
    return _sap(folder, "bseg", 30, 24)


@case("SAP FBL3N text with tabs, municipal SAP: art from the G/L account (SIU029)")
def sap_fbl3n_tab(folder: Path) -> list[str]:
    return _sap(folder, "fbl3n_tab", 30, 25, art_from_gl=True)


# --- DST's template and the CSV adapter -----------------------------------------------------------


def _template_rows(seed: int) -> list[list[object]]:
    rows: list[list[object]] = [["PsrID", "KONTOSTRENG", "Paragraf", "Beløb", "Startdato", "Slutdato"]]
    for i, cpr in enumerate(cprs(5, seed)):
        for m in (1, 4, 7, 10):
            start = dt.date(2025, m, 1)
            end = dt.date(2025, m + 3, 1) - dt.timedelta(days=1) if m < 10 else dt.date(2025, 12, 31)
            rows.append([cpr, "53850100140", "SEL108", 25_000 + 1_250.5 * i, start, end])
    rows.append(["1234569998", "53842100140", "SEL109", 18_000, dt.date(2025, 2, 1), dt.date(2025, 2, 28)])
    return rows


@case("DST's Excel template filled in (--source excel): dates as Excel dates, amounts as numbers")
def excel_template(folder: Path) -> list[str]:
    name = workbook(folder, "skabelon.xlsx", {"Forside": [["SIU 2025"]], "Indberetning": _template_rows(31)})
    return ["convert", "--source", "excel", name, *BASE, *OUT, *REPORT]


COLUMN_MAP = """\
[columns]
cpr = "Personnummer"
kontostreng = "Konto"
start = "Ophold fra"
end = "Ophold til"
amount = "Beløb kr."
text = ["Bemærkning", "Note"]
"""


def _mapped_rows(seed: int) -> list[list[object]]:
    header: list[object] = ["Sagsnr", "Personnummer", "Ophold fra", "Ophold til", "Konto", "Beløb kr.", "Note"]
    rows = [header]
    for i, row in enumerate(year_of_stays(seed, citizens=3, account=SEL107)):
        cpr, value, start, end, konto, text = row
        rows.append([f"S-{1000 + i}", f"{cpr[:6]}-{cpr[6:]}", start, end, konto, value, text])
    return rows


@case("CSV adapter with a column map (--columns), a CSV file")
def csv_column_map(folder: Path) -> list[str]:
    write(folder, "kolonner.toml", COLUMN_MAP)
    rows = _mapped_rows(32)
    name = table(folder, "fagsystem.csv", [str(c) for c in rows[0]], rows[1:])
    return ["convert", "--source", "csv", name, "--columns", "kolonner.toml", *BASE, *OUT, *REPORT]


@case("CSV adapter with a column map, an xlsx with a title row, a blank row and a sum line")
def csv_column_map_xlsx(folder: Path) -> list[str]:
    write(folder, "kolonner.toml", COLUMN_MAP)
    rows = _mapped_rows(33)
    total = sum(float(str(r[5]).replace(".", "").replace(",", ".")) for r in rows[1:])
    sheet = [["Ophold 2025, Socialafdelingen"], [], *rows, [], [None, None, None, None, "I alt", amount(total)]]
    name = workbook(folder, "regneark.xlsx", {"Data": sheet})
    return ["convert", "--source", "csv", name, "--columns", "kolonner.toml", *BASE, *OUT, *REPORT]


@case("CSV adapter, usual headers, no map: a clean year, the baseline of the rule cases")
def csv_clean(folder: Path) -> list[str]:
    name = table(folder, "ophold.csv", CSV_HEADER, year_of_stays(34))
    return ["convert", "--source", "csv", name, *BASE, *OUT, *REPORT]


# --- options ------------------------------------------------------------------------------------


@case("Several inputs and sources in one delivery: an Opus export and a spreadsheet of revenues")
def multi_input(folder: Path) -> list[str]:
    export = exports.opus_danish(folder / "opus.csv", exports.make_lines(24, 41))
    write(folder, "mapping.toml", OPUS_MAPPING)
    cpr = exports.make_lines(24, 41)[0].cpr.replace("-", "")
    rows = [[cpr, amount(-4_000 - 100 * m), *month(m), REFUND, f"refusion md {m}"] for m in (2, 5)]
    revenue = table(folder, "refusioner.csv", CSV_HEADER, rows)
    argv = ["convert", f"opus:{export.path.name}", f"csv:{revenue}", *BASE, "-m", "mapping.toml"]
    return [*argv, *OUT, *REPORT]


def _invoices(seed: int) -> list[list[str]]:
    """Monthly invoices of contiguous stays, one gap, and a second account per citizen."""
    rows = []
    for i, cpr in enumerate(cprs(3, seed)):
        for m in range(1, 13):
            if i == 1 and m == 6:
                continue  # a gap: the stays before and after must not be glued together
            rows.append([cpr, amount(20_000 + 10 * m), *month(m), SEL108 if i else SEL107, f"faktura {m}"])
    return rows


@case("--aggregate: contiguous monthly invoices summed into one line per stay, gaps kept")
def aggregate(folder: Path) -> list[str]:
    name = table(folder, "fakturaer.csv", CSV_HEADER, _invoices(42))
    return ["convert", "--source", "csv", name, *BASE, "--aggregate", *OUT, *REPORT]


def _both_areas(seed: int) -> list[list[str]]:
    rows = year_of_stays(seed, citizens=2)
    children = cprs(2, seed + 1000)
    for m in range(1, 13):
        for cpr, account in zip(children, ("5.28.20.1.001.4.0", "5.28.21.1.001.4.0")):
            start, end = month(m, 2026)
            rows.append([cpr, amount(15_000 + m), start, end, account, f"barn md {m}"])
    return [[c, a, s.replace("2025", "2026"), e.replace("2025", "2026"), k, t] for c, a, s, e, k, t in rows]


@case("2026, --split: one file per area (voksen, boern)")
def split_2026(folder: Path) -> list[str]:
    name = table(folder, "begge.csv", CSV_HEADER, _both_areas(43))
    return ["convert", "--source", "csv", name, "-k", "101", "-y", "2026", "--no-plugins", "--split", *OUT, *REPORT]


@case("2026, --area begge: both areas in one file")
def area_both_2026(folder: Path) -> list[str]:
    name = table(folder, "begge.csv", CSV_HEADER, _both_areas(44))
    argv = ["convert", "--source", "csv", name, "-k", "101", "-y", "2026", "--no-plugins", "--area", "begge"]
    return [*argv, *OUT, *REPORT]


@case("2026, --area voksen with children's lines (SIU123)")
def area_adult_2026(folder: Path) -> list[str]:
    name = table(folder, "begge.csv", CSV_HEADER, _both_areas(45))
    argv = ["convert", "--source", "csv", name, "-k", "101", "-y", "2026", "--no-plugins", "--area", "voksen"]
    return [*argv, *OUT, *REPORT]


@case("--format xlsx from Opus: DST's template written (whole kroner, SIU443), and --report-xlsx")
def format_xlsx(folder: Path) -> list[str]:
    export = exports.opus_danish(folder / "opus.csv", exports.make_lines(30, 46))
    return _opus(folder, export, "--format", "xlsx", "--report-xlsx", "report.xlsx")


@case("--accounts: reconciliation with a trial balance, one difference above the tolerance")
def accounts_reconcile(folder: Path) -> list[str]:
    rows = year_of_stays(47, citizens=2) + year_of_stays(48, citizens=1, account=SEL107)
    name = table(folder, "ophold.csv", CSV_HEADER, rows)
    total_108 = sum(float(r[1].replace(".", "").replace(",", ".")) for r in rows if r[4] == SEL108)
    balance = [["5.38.50", "1", "4.0", amount(total_108)], ["5.38.52", "1", "4.0", amount(300_000)]]
    accounts = table(folder, "saldobalance.csv", ["Funktion", "Dranst", "Art", "Beløb"], balance)
    argv = ["convert", "--source", "csv", name, *BASE, "--accounts", accounts, "--tolerance", "100"]
    return [*argv, *OUT, *REPORT]


@case("--test: a test delivery with last year's data (SIU445)")
def test_delivery(folder: Path) -> list[str]:
    name = table(folder, "ophold.csv", CSV_HEADER, year_of_stays(49, citizens=2))
    return ["convert", "--source", "csv", name, *BASE, "--test", *OUT, *REPORT]


@case("validate only, Opus: checks, no delivery")
def validate_opus(folder: Path) -> list[str]:
    argv = _opus(folder, exports.opus_danish(folder / "opus.csv", exports.make_lines(24, 50)))
    argv[0] = "validate"
    return [a for a in argv if a not in OUT]


@case("--lang en: the Opus standard layout reported in English")
def lang_en_opus(folder: Path) -> list[str]:
    return _opus(folder, exports.opus_danish(folder / "opus.csv", exports.make_lines(24, 51)), "--lang", "en")


@case("--lang en: a broken delivery (errors, no file) reported in English")
def lang_en_broken(folder: Path) -> list[str]:
    rows = year_of_stays(52, citizens=2)
    rows[3][3] = ""  # no end date
    rows[5][0] = "12345-6789"  # not a CPR
    rows[7][4] = "5.22.07.1.001.4.0"  # outside the statistic
    name = table(folder, "ophold.csv", CSV_HEADER, rows)
    return ["convert", "--source", "csv", name, *BASE, "--lang", "en", *OUT, *REPORT]


@case("SIU431: much less than the last archived delivery; SIU430 months missing")
def history_drop(folder: Path) -> list[str]:
    archive_receipt(folder, "voksen", "2400000.00", 10, list(range(1, 13)))
    rows = [r for r in year_of_stays(53, citizens=2) if int(r[2][3:5]) <= 6]
    name = table(folder, "halvaar.csv", CSV_HEADER, rows)
    return ["convert", "--source", "csv", name, *BASE, *OUT, *REPORT]


@case("§ 109 from Opus: anonymous flag with sex and birth date, a placeholder CPR, shelter citizens")
def opus_109(folder: Path) -> list[str]:
    header = ["Bilagsnr", "PSP-element", "Artskonto", "CPR-nr", "Beløb", "Periode fra", "Periode til"]
    header += ["Tekst", "Anonym", "Køn", "Fødselsdato"]
    psp = "XG-5384210001-0001"
    rows: list[list[object]] = []
    people = cprs(4, 54)
    for m in range(1, 13):
        start, end = month(m)
        rows.append([f"9{m:02d}01", psp, "40110000", people[0], amount(9_000), start, end, "krisecenter", "", "", ""])
        rows.append(
            [f"9{m:02d}02", "XG-5385010001-0001", "40110000", people[1], amount(31_000), start, end, "", "", "", ""]
        )
    rows.append(["99001", psp, "40110000", people[2], amount(12_000), *month(3), "anonymt", "Ja", "K", "12.05.1988"])
    rows.append(["99002", psp, "40110000", people[3], amount(11_000), *month(4), "anonymt", "Ja", "M", ""])
    rows.append(["99003", psp, "40110000", "", amount(8_000), *month(5), "anonymt, ukendt", "Ja", "K", ""])
    rows.append(["99004", psp, "40110000", "0101010000", amount(7_500), *month(6), "pladsholder", "", "K", ""])
    rows.append(["99005", psp, "40110000", "0101010000", amount(7_500), *month(7), "pladsholder", "", "M", ""])
    name = table(folder, "krisecenter.csv", header, rows)
    write(folder, "mapping.toml", OPUS_MAPPING)
    config(folder, '[anonymisation]\nplaceholders = ["0101010000"]\n')
    argv = ["convert", "--source", "opus", name, *BASE, "-m", "mapping.toml", *OUT, *REPORT]
    return argv


@case("§ 109, anonymise_all_109: every § 109 line reported with DST's fictitious CPR")
def anonymise_all_109(folder: Path) -> list[str]:
    rows = year_of_stays(55, citizens=2) + year_of_stays(56, citizens=2, account=SEL109, rate=8_000)
    header = [*CSV_HEADER, "Køn"]
    rows = [[*r, "M" if r[0][-1] in "13579" else "K"] for r in rows]
    name = table(folder, "ophold.csv", header, rows)
    config(folder, "[anonymisation]\nanonymise_all_109 = true\n")
    return ["convert", "--source", "csv", name, *BASE, *OUT, *REPORT]


@case("Three inputs, three sources: Opus CSV, Opus xlsx and DST's template; a line in two inputs (SIU401)")
def multi_input_three(folder: Path) -> list[str]:
    lines = exports.make_lines(30, 57)
    first = exports.opus_danish(folder / "opus-a.csv", lines[:18])
    second = exports.opus_xlsx(folder / "opus-b.xlsx", [lines[17], *lines[18:]])  # lines[17] twice
    pin_xlsx(second.path)
    template = workbook(folder, "salg.xlsx", {"Indberetning": _template_rows(58)[:4]})
    write(folder, "mapping.toml", OPUS_MAPPING)
    inputs = [f"opus:{first.path.name}", f"opus:{second.path.name}", f"excel:{template}"]
    return ["convert", *inputs, *BASE, "-m", "mapping.toml", *OUT, *REPORT]


@case("--strict: warnings stop the delivery (exit 1, no file)")
def strict_warnings(folder: Path) -> list[str]:
    rows = year_of_stays(59, citizens=2)
    rows.append([rows[0][0], "0,00", *month(3), SEL108, "nul"])  # SIU130, a warning
    name = table(folder, "ophold.csv", CSV_HEADER, rows)
    return ["convert", "--source", "csv", name, *BASE, "--strict", *OUT, *REPORT]
