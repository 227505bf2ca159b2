"""Reconciliation with the accounts (--accounts): totals per function and kind against a trial
balance in CSV or xlsx, with a tolerance."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from siu.models import Kind
from test_rules import context, line, run

REVENUE = dict(kind=Kind.REVENUE, art="7.7")


def delivery() -> list:
    """§ 108 (5.38.50): 1.000 + 2.000 expenditure, -500 revenue; § 107 (5.38.52): 700."""
    return [
        line(row=2, amount=Decimal("1000.00")),
        line(row=3, amount=Decimal("2000.00"), psr_id="0202602468"),
        line(row=4, amount=Decimal("-500.00"), **REVENUE),
        line(row=5, amount=Decimal("700.00"), function="5.38.52", paragraph="SEL107", kontostreng="53852100140"),
    ]


def write_csv(path: Path, rows: list[str], header: str = "Funktion;Dranst;Art;Beløb") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def reconcile(tmp_path: Path, rows: list[str], header: str = "Funktion;Dranst;Art;Beløb", **validation):
    accounts = write_csv(tmp_path / "saldobalance.csv", rows, header)
    return run(delivery(), context(accounts=accounts, **validation))


def by_code(findings):
    return Counter(f.code for f in findings)


MATCHING = ["5.38.50;1;4.0;3.000,00", "5.38.50;1;7.7;-500,00", "5.38.52;1;4.0;700,00"]


def test_matching_accounts_give_only_the_summary(tmp_path):
    found = reconcile(tmp_path, MATCHING)
    assert by_code(found) == {"SIU500": 1}
    (summary,) = found
    assert (
        "saldobalance.csv" in summary.message_da
        and "2 funktioner" in summary.message_da
        and "0 afvigelser" in summary.message_da
    )


def test_a_difference_above_the_tolerance_is_a_finding_at_the_accounts_row(tmp_path):
    rows = ["5.38.50;1;4.0;3.250,00", "5.38.50;1;7.7;-500,00", "5.38.52;1;4.0;700,00"]
    found = reconcile(tmp_path, rows)
    (diff,) = [f for f in found if f.code == "SIU501"]
    assert diff.location.file == "saldobalance.csv" and diff.location.row == 2
    assert "5.38.50" in diff.message_da and "udgifter" in diff.message_da
    assert "3.000,00" in diff.message_da and "3.250,00" in diff.message_da and "-250,00" in diff.message_da
    assert "expenditure" in diff.message_en
    assert by_code(reconcile(tmp_path, rows, tolerance=250))["SIU501"] == 0
    assert by_code(reconcile(tmp_path, rows, tolerance=249.99))["SIU501"] == 1


def test_revenue_is_compared_on_its_own(tmp_path):
    rows = ["5.38.50;1;4.0;3.000,00", "5.38.50;1;7.7;-900,00", "5.38.52;1;4.0;700,00"]
    (diff,) = [f for f in reconcile(tmp_path, rows) if f.code == "SIU501"]
    assert "indtægter" in diff.message_da and "-900,00" in diff.message_da


def test_functions_missing_on_either_side(tmp_path):
    only_accounts = [*MATCHING, "5.38.51;1;4.0;100,00"]
    assert by_code(reconcile(tmp_path, only_accounts))["SIU501"] == 1
    only_delivery = MATCHING[:2]  # 5.38.52 is delivered but not booked
    assert by_code(reconcile(tmp_path, only_delivery))["SIU501"] == 1


def test_rows_outside_siu_are_ignored(tmp_path):
    rows = [*MATCHING, "5.22.07;1;4.0;999,00", "5.38.50;2;8.6;-123,00", "5.38.50;1;9.1;55,00"]
    found = reconcile(tmp_path, rows)
    assert by_code(found) == {"SIU500": 1}
    assert "3 rækker uden for SIU ignoreret" in found[0].message_da


def test_delivery_lines_outside_siu_are_left_to_siu120(tmp_path):
    accounts = write_csv(tmp_path / "sb.csv", MATCHING)
    found = run([*delivery(), line(row=9, function="5.22.07", kontostreng="52207100140")], context(accounts=accounts))
    assert by_code(found)["SIU501"] == 0 and by_code(found)["SIU120"] == 1


def test_account_strings_and_debit_credit(tmp_path):
    rows = ["5.38.50.1.001.4.0;3000;", "538501001.77;;500", "53852100140;700;"]
    found = reconcile(tmp_path, rows, header="Kontostreng;Debet;Kredit")
    assert by_code(found) == {"SIU500": 1}, [f.message_en for f in found]


def test_unreadable_rows_and_files(tmp_path):
    found = reconcile(tmp_path, [*MATCHING, "5.38.50;1;4.0;mange penge", "I alt;;;"])
    (bad,) = [f for f in found if f.code == "SIU503"]
    assert bad.location.row == 5
    assert by_code(found)["SIU501"] == 0
    no_columns = reconcile(tmp_path, ["x;y"], header="Noget;Andet")
    assert by_code(no_columns) == {"SIU502": 1}
    missing = run(delivery(), context(accounts=tmp_path / "findes-ikke.csv"))
    assert by_code(missing) == {"SIU502": 1}


def test_xlsx_accounts(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Saldobalance 2025"])
    ws.append(["Funktion", "Art", "Regnskab"])
    ws.append(["5.38.50", "4.0", 3000])
    ws.append(["5.38.50", "7.7", -500])
    ws.append(["5.38.52", "4.0", 600.5])
    wb.save(tmp_path / "regnskab.xlsx")
    found = run(delivery(), context(accounts=tmp_path / "regnskab.xlsx"))
    (diff,) = [f for f in found if f.code == "SIU501"]
    assert diff.location.row == 5 and "99,50" in diff.message_da


def test_without_accounts_nothing_is_reconciled():
    assert by_code(run(delivery()))["SIU500"] == 0


def test_cli_accounts_and_tolerance(siu, tmp_path):
    (tmp_path / "in.csv").write_text(
        "CPR;Beløb;Fra;Til;Kontostreng\n0101601235;1000,00;01.01.2025;31.01.2025;5.38.50.1.001.4.0\n", encoding="utf-8"
    )
    write_csv(tmp_path / "sb.csv", ["5.38.50;1;4.0;1.100,00"])
    args = [
        "validate",
        str(tmp_path / "in.csv"),
        "-s",
        "csv",
        "-k",
        "101",
        "-y",
        "2025",
        "--accounts",
        str(tmp_path / "sb.csv"),
    ]
    run_ = siu(*args)
    assert run_.exit_code == 0 and "SIU501" in run_.stdout and "SIU500" in run_.stdout
    assert "SIU501" not in siu(*args, "--tolerance", "100").stdout
    assert siu(*args, "--strict").exit_code == 1
    missing = siu(
        "validate",
        str(tmp_path / "in.csv"),
        "-s",
        "csv",
        "-k",
        "101",
        "-y",
        "2025",
        "--accounts",
        str(tmp_path / "nej.csv"),
    )
    assert missing.exit_code == 2 and "nej.csv" in missing.output


# --- properties ----------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from siu.parsing import format_amount_danish  # noqa: E402

FUNCTIONS = {"5.38.50": "SEL108", "5.38.52": "SEL107", "5.38.51": "SEL85-ABL105"}
FORMS = [lambda f: f, lambda f: f.replace(".", ""), lambda f: f + ".1.001"]  # 5.38.50, 53850, 5.38.50.1.001
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines_=st.lists(st.tuples(st.sampled_from(sorted(FUNCTIONS)), st.booleans(), money), min_size=1, max_size=15),
    form=st.sampled_from(range(len(FORMS))),
    trailing_minus=st.booleans(),
    off=st.sampled_from([None, "expenditure", "revenue"]),
)
def test_accounts_written_from_the_delivery_reconcile(tmp_path_factory, lines_, form, trailing_minus, off):
    """Accounts summed from the delivery's own lines, in any function form and amount style,
    agree; moving one total by more than the tolerance gives exactly one difference."""
    records, totals = [], Counter()
    for i, (function, revenue, amount) in enumerate(lines_):
        signed = -amount if revenue else amount
        extra = dict(REVENUE) if revenue else {}
        records.append(line(row=i + 2, amount=signed, function=function, paragraph=FUNCTIONS[function], **extra))
        totals[(function, "7.7" if revenue else "4.0")] += signed
    if off is not None:
        key = next(iter(sorted(k for k in totals if (k[1] == "7.7") == (off == "revenue"))), None)
        if key is None:
            off = None
        else:
            totals[key] += Decimal("1.50")
    rows = [
        f"{FORMS[form](f)};{art};{format_amount_danish(total, trailing_minus)}"
        for (f, art), total in sorted(totals.items())
    ]
    folder = tmp_path_factory.mktemp("sb")
    accounts = write_csv(folder / "sb.csv", rows, header="Funktion;Art;Saldo")
    found = by_code(run(records, context(accounts=accounts)))
    assert found["SIU501"] == (0 if off is None else 1)
    assert found["SIU500"] == 1 and found["SIU503"] == 0


def test_accounts_and_tolerance_from_siu_toml(siu, tmp_path):
    (tmp_path / "in.csv").write_text(
        "CPR;Beløb;Fra;Til;Kontostreng\n0101601235;1000,00;01.01.2025;31.01.2025;5.38.50.1.001.4.0\n", encoding="utf-8"
    )
    write_csv(tmp_path / "sb.csv", ["5.38.50;1;4.0;1.100,00"])
    (tmp_path / "siu.toml").write_text(
        'kommune = "101"\nyear = 2025\n[validation]\naccounts = "sb.csv"\ntolerance = 100\n', encoding="utf-8"
    )
    run_ = siu("validate", tmp_path / "in.csv", "-s", "csv", "--config", tmp_path / "siu.toml")
    assert "SIU500" in run_.stdout and "SIU501" not in run_.stdout
    assert (
        "SIU501"
        in siu(
            "validate", tmp_path / "in.csv", "-s", "csv", "--config", tmp_path / "siu.toml", "--tolerance", "99"
        ).stdout
    )


# --- the columns a trial balance needs (issue 19) ------------------------------------------------

from siu.check.reconcile import ACCOUNT_COLUMNS, AMOUNT, OPTIONAL, account_columns  # noqa: E402

COMPLETE = {"Funktion": ["5.38.50", "5.38.50", "5.38.52"], "Dranst": ["1"] * 3, "Art": ["4.0", "7.7", "4.0"]}
COMPLETE["Beløb"] = ["3.000,00", "-500,00", "700,00"]


def balance(tmp_path: Path, columns: dict[str, list[str]]) -> Path:
    """A trial balance generated from columns (header → cells), written as CSV."""
    rows = [";".join(cells) for cells in zip(*columns.values())]
    return write_csv(tmp_path / "saldobalance.csv", rows, header=";".join(columns))


def test_a_trial_balance_without_art_is_siu502_naming_art_and_claims_no_reconciliation(tmp_path):
    without_art = {k: v for k, v in COMPLETE.items() if k != "Art"}
    found = run(delivery(), context(accounts=balance(tmp_path, without_art)))
    assert by_code(found) == {"SIU502": 1}, [f.message_en for f in found]
    (unreadable,) = found
    assert "Art" in unreadable.message_da and "Art" in unreadable.message_en
    assert "Funktion, Dranst, Beløb" in unreadable.message_da  # the headers that were found
    assert by_code(run(delivery(), context(accounts=balance(tmp_path, COMPLETE)))) == {"SIU500": 1}


def test_every_needed_column_missing_is_siu502_naming_it(tmp_path):
    """The needed columns come from ACCOUNT_COLUMNS: leaving out any of them (the amount with
    Debet/Kredit) is SIU502 naming it; leaving out an optional one still reconciles."""
    for column in ACCOUNT_COLUMNS:
        if column.headers[0] not in COMPLETE:
            continue
        kept = {k: v for k, v in COMPLETE.items() if k != column.headers[0]}
        found = run(delivery(), context(accounts=balance(tmp_path, kept)))
        if column.need == OPTIONAL:
            assert by_code(found) == {"SIU500": 1}, column
        else:
            assert by_code(found) == {"SIU502": 1}, column
            assert column.headers[0] in found[0].message_da, (column, found[0].message_da)
    needed = [c.headers[0] for c in ACCOUNT_COLUMNS if c.need != OPTIONAL]
    assert needed == ["Funktion", "Art", "Beløb", "Debet", "Kredit"]
    assert [c.key for c in ACCOUNT_COLUMNS if c.need == AMOUNT] == ["amount", "debit", "credit"]


def test_account_strings_need_no_art_column(tmp_path):
    strings = {"Kontostreng": ["5.38.50.1.001.4.0", "5.38.50.1.001.7.7", "5.38.52.1.001.4.0"]}
    strings["Beløb"] = COMPLETE["Beløb"]
    assert by_code(run(delivery(), context(accounts=balance(tmp_path, strings)))) == {"SIU500": 1}
    mixed = {"Kontostreng": ["5.38.50.1.001.4.0", "5.38.50", "5.38.52.1.001.4.0"], "Beløb": COMPLETE["Beløb"]}
    found = run(delivery(), context(accounts=balance(tmp_path, mixed)))
    assert by_code(found) == {"SIU502": 1} and "Art" in found[0].message_en


def test_no_readable_row_is_siu502_not_a_reconciliation(tmp_path):
    unreadable = {**COMPLETE, "Beløb": ["mange", "penge", "?"]}
    found = run(delivery(), context(accounts=balance(tmp_path, unreadable)))
    assert by_code(found) == {"SIU503": 3, "SIU502": 1}
    (summary,) = [f for f in found if f.code == "SIU502"]
    assert "no reconciliation was made" in summary.message_en and "ikke foretaget" in summary.message_da
    header_only = write_csv(tmp_path / "tom.csv", [])
    assert by_code(run(delivery(), context(accounts=header_only))) == {"SIU502": 1}


def test_account_columns_list_every_column_in_both_languages():
    da, en = account_columns("da"), account_columns("en")
    assert len(da) == len(en) == len(ACCOUNT_COLUMNS)
    for line_da, line_en, column in zip(da, en, ACCOUNT_COLUMNS):
        assert line_da.startswith(column.headers[0]) and line_en.startswith(column.headers[0])
        assert all(h in line_da for h in column.headers)
    assert "medmindre" in da[1] and "unless" in en[1]


def test_cli_without_art_claims_no_reconciliation_in_console_or_json(siu, tmp_path):
    (tmp_path / "in.csv").write_text(
        "CPR;Beløb;Fra;Til;Kontostreng\n0101601235;1000,00;01.01.2025;31.01.2025;5.38.50.1.001.4.0\n", encoding="utf-8"
    )
    report = tmp_path / "r.json"
    args = ["validate", str(tmp_path / "in.csv"), "-s", "csv", "-k", "101", "-y", "2025", "--report-json", str(report)]
    write_csv(tmp_path / "sb.csv", ["5.38.50;1.000,00"], header="Funktion;Beløb")
    for lang in ("da", "en"):
        out = siu(*args, "--accounts", str(tmp_path / "sb.csv"), "--lang", lang)
        assert out.exit_code == 1, out.output
        assert "SIU502" in out.stdout and "Art" in out.stdout
        assert "SIU500" not in out.stdout and "fstemt" not in out.stdout and "Reconciled" not in out.stdout
        data = json.loads(report.read_text(encoding="utf-8"))
        codes = [f["code"] for f in data["findings"]]
        assert "SIU502" in codes and "SIU500" not in codes and "SIU501" not in codes
        assert "fstemt" not in report.read_text(encoding="utf-8") and "Reconciled" not in report.read_text("utf-8")
    write_csv(tmp_path / "sb.csv", ["5.38.50;4.0;1.000,00"], header="Funktion;Art;Beløb")
    out = siu(*args, "--accounts", str(tmp_path / "sb.csv"))
    assert out.exit_code == 0 and "SIU500" in out.stdout and "Afstemt med sb.csv" in out.stdout
    assert "SIU500" in [f["code"] for f in json.loads(report.read_text(encoding="utf-8"))["findings"]]


def test_siu_explain_lists_the_trial_balances_columns_from_the_reader(siu):
    for lang, heading in (("da", "Saldobalancens kolonner:"), ("en", "The trial balance's columns:")):
        shown = siu("explain", "SIU502", "--lang", lang)
        assert shown.exit_code == 0, shown.output
        assert heading in shown.output
        for column in ACCOUNT_COLUMNS:  # every header the reader looks for, with its aliases, on one line
            assert f"• {column.headers[0]} (" in shown.output
        assert all(line in shown.output for line in account_columns(lang))
    assert "Saldobalancens kolonner" not in siu("explain", "SIU101").output
