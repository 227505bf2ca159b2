"""Characterisation cases, part 3: what reading makes of awkward inputs (SIU0xx), the cells the
columnar reader of issue 14 must hand back to the scalar parser, and --split's own findings."""

from __future__ import annotations

from pathlib import Path

from characterisation_kit import (
    BASE,
    CSV_HEADER,
    OUT,
    REPORT,
    SEL108,
    amount,
    case,
    config,
    cprs,
    month,
    table,
    workbook,
    write,
    year_of_stays,
)


@case("Signed amount and a debit/credit column that disagree (SIU026)")
def read_sign_and_dc(folder: Path) -> list[str]:
    header = [*CSV_HEADER, "S/H"]
    rows = [[*r, "S"] for r in year_of_stays(81, citizens=2)]
    rows[1][1] = "-" + rows[1][1]  # a minus on a debit line
    rows[2][6] = "H"  # a credit without a minus
    name = table(folder, "ophold.csv", header, rows)
    return ["convert", "--source", "csv", name, *BASE, *OUT, *REPORT]


@case("CPR numbers inside an assignment text (Tildeling, SIU027) and amounts as Danish text forms")
def read_cpr_in_text(folder: Path) -> list[str]:
    header = ["Tildeling", "Beløb", "Fra", "Til", "Kontostreng"]
    styles = ("{}", "{}-", "({})", "kr. {}", " {} ")
    rows = []
    for i, (cpr, value, start, end, account, _) in enumerate(year_of_stays(82, citizens=2)):
        text = f"Ophold {cpr[:6]}-{cpr[6:]} md {i % 12 + 1}" if i % 3 else cpr
        shown = styles[i % len(styles)].format(value) if i % 4 == 0 else value
        rows.append([text, shown, start, end, account])
    name = table(folder, "tildeling.csv", header, rows)
    return ["convert", "--source", "csv", name, *BASE, *OUT, *REPORT]


OPUS_NO_PERIOD = ["Bilagsnr", "Bogføringsdato", "PSP-element", "Artskonto", "CPR-nr", "Beløb", "Tekst"]


def _opus_no_period(seed: int) -> list[list[str]]:
    # Amounts differ from month to month: lines without a period that were equal would be
    # duplicates (SIU401), reported in an order that varies from process to process (hash(None)).
    rows = []
    for i, cpr in enumerate(cprs(2, seed)):
        for m in range(1, 13):
            text = f"Bakkehuset {('jan', 'feb', 'mar', 'apr', 'maj', 'jun')[m - 1]}" if m <= 6 else "Bakkehuset"
            rows.append(
                [f"{i}{m:03d}", f"15.{m:02d}.2025", "XG-5385010001-0001", "40110000", cpr, amount(30_000 + m), text]
            )
    return rows


@case("Opus without period columns and no period rule (SIU024)")
def read_no_period(folder: Path) -> list[str]:
    name = table(folder, "opus.csv", OPUS_NO_PERIOD, _opus_no_period(83))
    write(folder, "mapping.toml", '[[rule]]\npsp = "XG-5385010001-*"\nfunction = "5.38.50"\ngrouping = "001"\n')
    return ["convert", "--source", "opus", name, *BASE, "-m", "mapping.toml", *OUT, *REPORT]


@case("Opus, period from the text's month where half the texts name none (SIU025)")
def read_period_from_text(folder: Path) -> list[str]:
    name = table(folder, "opus.csv", OPUS_NO_PERIOD, _opus_no_period(84))
    write(folder, "mapping.toml", '[[rule]]\npsp = "XG-5385010001-*"\nfunction = "5.38.50"\ngrouping = "001"\n')
    config(folder, '[source.opus]\nperiod = "text_month"\n')
    return ["convert", "--source", "opus", name, *BASE, "-m", "mapping.toml", *OUT, *REPORT]


@case("Last year's extract run as this year's (SIU011 and the period findings)")
def read_wrong_year(folder: Path) -> list[str]:
    rows = [
        [c, a, s.replace("2025", "2024"), e.replace("2025", "2024"), k, t] for c, a, s, e, k, t in year_of_stays(85)
    ]
    name = table(folder, "ophold.csv", CSV_HEADER, rows[:20])
    return ["validate", "--source", "csv", name, *BASE, *REPORT]


@case("A cp1252 file read with --encoding utf-8 (SIU003)")
def read_wrong_encoding(folder: Path) -> list[str]:
    rows = year_of_stays(86, citizens=1)
    text = "\n".join(";".join(r) for r in [CSV_HEADER, *rows]).replace("ophold", "Bakkehuset, Ærø") + "\n"
    name = write(folder, "ophold.csv", text, encoding="cp1252")
    return ["convert", "--source", "csv", name, "--encoding", "utf-8", *BASE, *OUT, *REPORT]


@case("An xlsx read with --sheet naming a sheet it does not have (SIU004)")
def read_sheet_missing(folder: Path) -> list[str]:
    name = workbook(folder, "ophold.xlsx", {"Data": [CSV_HEADER, *year_of_stays(87, citizens=1)]})
    return ["convert", "--source", "csv", name, "--sheet", "Ark2", *BASE, *OUT, *REPORT]


@case("Amounts of more digits than a delivery can hold, and long decimals (SIU044, SIU020)")
def read_long_amounts(folder: Path) -> list[str]:
    rows = year_of_stays(88, citizens=1)
    cpr = rows[0][0]
    rows += [
        [cpr, "123456789012345678,00", *month(2), SEL108, "for mange cifre"],
        [cpr, "1.000,123456", *month(3), SEL108, "mange decimaler"],
        [cpr, "1,000.50", *month(4), SEL108, "engelsk form"],
        [cpr, "1e5", *month(5), SEL108, "eksponent"],
    ]
    name = table(folder, "ophold.csv", CSV_HEADER, rows)
    return ["convert", "--source", "csv", name, *BASE, *OUT, *REPORT]


@case("2026 --split with area in siu.toml (SIU036), a line without a paragraph (SIU620), no children (SIU621)")
def split_defects_2026(folder: Path) -> list[str]:
    config(folder, 'area = "voksen"\n')
    rows = [
        [c, a, s.replace("2025", "2026"), e.replace("2025", "2026"), k, t] for c, a, s, e, k, t in year_of_stays(89)
    ]
    rows.append([rows[0][0], amount(5_000), "01.02.2026", "28.02.2026", "5.38.45.1.001.4.0", "ingen paragraf"])
    name = table(folder, "voksen.csv", CSV_HEADER, rows)
    return ["convert", "--source", "csv", name, "-k", "101", "-y", "2026", "--no-plugins", "--split", *OUT, *REPORT]


@case("--accounts with an unreadable row (SIU503), a revenue difference and an xlsx trial balance")
def accounts_defects(folder: Path) -> list[str]:
    rows = year_of_stays(91, citizens=2)
    rows += [[rows[0][0], "-6.000,00", *month(3), "5.38.50.1.001.7.7", "refusion"]]
    name = table(folder, "ophold.csv", CSV_HEADER, rows)
    balance = [
        ["Funktion", "Art", "Regnskab"],
        ["5.38.50", "4.0", 700_000],
        ["5.38.50", "7.7", -5_000],
        ["5.38.50", "4.0", "mange penge"],
        ["6.45.51", "4.0", 1_000],
    ]
    accounts = workbook(folder, "regnskab.xlsx", {"Saldobalance": balance})
    return ["convert", "--source", "csv", name, *BASE, "--accounts", accounts, *OUT, *REPORT]


@case("--accounts naming a file that is no trial balance (SIU502)")
def accounts_unreadable(folder: Path) -> list[str]:
    name = table(folder, "ophold.csv", CSV_HEADER, year_of_stays(92, citizens=1))
    accounts = table(folder, "noter.csv", ["Note", "Dato"], [["husk at afstemme", "01.02.2026"]])
    return ["convert", "--source", "csv", name, *BASE, "--accounts", accounts, *OUT, *REPORT]


@case("Hostile inputs: a cell past Excel's limit (SIU040), a corrupt xlsx (SIU002)")
def read_hostile(folder: Path) -> list[str]:
    rows = year_of_stays(93, citizens=1)
    rows[2][5] = "x" * 40_000
    long_cell = table(folder, "lang.csv", CSV_HEADER, rows)
    broken = write(folder, "itu.xlsx", "PK\x03\x04 ikke en projektmappe")
    return ["validate", f"csv:{long_cell}", f"csv:{broken}", *BASE, *REPORT]


@case("An unknown --decimal: the reading option is refused (SIU023)")
def read_bad_option(folder: Path) -> list[str]:
    name = table(folder, "ophold.csv", CSV_HEADER, year_of_stays(94, citizens=1))
    return ["validate", "--source", "csv", name, "--decimal", ";", *BASE, *REPORT]
