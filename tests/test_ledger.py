"""The ledger of rows and money (issue 15, points 1 and 5): every input row ends in a delivery
line, an exclusion by a mapping rule, or a skipped row counted with its reason and money; an
export's own total lines are checked against the postings; an input without postings is never
a delivery."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exports import Export, read_back
from siu.adapters import ReadInfo, Source
from siu.check.ledger import TotalsCheck

BASE = ["-s", "csv", "-k", "101", "-y", "2025"]
HEADER = "CPR;Beløb;Fra;Til;Kontostreng;Tekst"
OK = "5.38.50.1.001.4.0"


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def codes(report: Path) -> dict[str, int]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return {c["code"]: c["count"] for c in data["summary"]["by_code"]}


# --- a posting without CPR, account or document is not a subtotal --------------------------------


def test_a_posting_without_keys_reaches_the_rules_and_fails_them(siu, tmp_path):
    """The issue: amount, period and text but no CPR, account or document was classed as a
    subtotal and skipped as info only; 25.000 kr. vanished and the verdict was KLAR."""
    src = write(
        tmp_path / "x.csv",
        f"0101601235;10.000,00;01.01.2025;31.01.2025;{OK};jan",
        ";25.000,00;01.02.2025;28.02.2025;;Ophold februar",
    )
    run = siu("convert", src, *BASE, "--report-json", tmp_path / "r.json", "--out", tmp_path / "out")
    assert run.exit_code == 1, run.output
    found = codes(tmp_path / "r.json")
    assert found.get("SIU101") == 1, found  # the CPR is missing: an error, never a silent skip
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["inputs"][0]["postings"] == 2 and report["inputs"][0]["rows_skipped"] == 0
    assert report["totals"]["net"] == "35000.00"
    assert "KLAR TIL INDBERETNING" not in run.stdout


def test_total_words_and_marks_are_total_lines_but_a_citizen_row_is_a_posting(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "Tildeling;Finanskonto;Beløb i lokal valuta;Tekst;Bogf.dato\n"
        "0101601234;53850104;1.000,00;Saldo jan;15.01.2025\n"  # a citizen's posting whose text says Saldo
        ";;1.000,00;I alt 53850104;\n"
        ";;1.000,00;Total;\n",
        encoding="utf-8",
    )
    result = read_back(Export(path=path, source="sap", layout="own", lines=[], rows=[]), period="posting_month")
    assert [p.amount for p in result.postings] == [1000]
    assert result.info.skipped_rows == {"sumlinjer": 2}
    assert "SIU031" in [f.code for f in result.findings] and "SIU030" not in [f.code for f in result.findings]


def test_an_amount_alone_is_an_unlabelled_total_and_is_checked(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "Tildeling;Finanskonto;Beløb i lokal valuta;Valuta\n"
        "0101601234;53850104;1.000,00;DKK\n"
        "0101601234;53850104;500,00;DKK\n"
        ";;9.500,00;DKK\n",  # 8.000 more than the postings: a lost posting shows here
        encoding="utf-8",
    )
    result = read_back(Export(path=path, source="sap", layout="own", lines=[], rows=[]), period="posting_month")
    assert result.info.skipped_rows == {"sumlinjer": 1}
    [mismatch] = [f for f in result.findings if f.code == "SIU030"]
    assert mismatch.severity.value == "error" and mismatch.location.row == 4
    assert "9.500,00" in mismatch.message_da and "1.500,00" in mismatch.message_da and "8.000,00" in mismatch.message_da


# --- total lines checked against the postings read ----------------------------------------------


def test_an_i_alt_higher_than_the_postings_is_an_error_giving_both_figures(siu, tmp_path):
    """The issue: an "I alt" 24.000 kr. higher than the postings passed without a word."""
    src = write(
        tmp_path / "x.csv",
        f"0101601235;10.000,00;01.01.2025;31.01.2025;{OK};jan",
        f"0101601235;25.000,00;01.02.2025;28.02.2025;{OK};feb",
        ";59.000,00;;;;I alt",
    )
    run = siu("convert", src, *BASE, "--out", tmp_path / "out", "--lang", "en")
    assert run.exit_code == 1, run.output
    assert "SIU030" in run.stdout
    assert (
        "The total line shows 59,000.00 DKK, but the postings read sum to 35,000.00 DKK (difference 24,000.00 DKK"
        in run.stdout
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_i_alt_that_agrees_is_reported_and_the_delivery_is_written(siu, tmp_path):
    src = write(
        tmp_path / "x.csv",
        f"0101601235;10.000,00;01.01.2025;31.01.2025;{OK};jan",
        f"0101601235;25.000,40;01.02.2025;28.02.2025;{OK};feb",
        ";35.000;;;;I alt",  # printed in whole kroner: within rounding
    )
    run = siu("convert", src, *BASE, "--out", tmp_path / "out", "--report-json", tmp_path / "r.json")
    assert run.exit_code == 0, run.output
    assert codes(tmp_path / "r.json").get("SIU031") == 1


def test_nested_subtotals_a_grand_total_and_a_leading_total_all_agree(tmp_path):
    path = tmp_path / "alv.txt"
    path.write_text(
        "Tildeling;Finanskonto;Beløb i lokal valuta;Tekst\n"
        ";;6.000,00-;Saldo\n"  # a summary line at the top: checked against the whole file
        "0101601234;1;1.000,00-;a\n"
        "0101601234;1;2.000,00-;b\n"
        "*;1;3.000,00-;\n"
        "0101601234;2;1.000,00-;c\n"
        "*;2;1.000,00-;\n"
        "**;;4.000,00-;\n"  # the two accounts above
        "0101601234;3;2.000,00-;d\n"
        "*;3;2.000,00-;\n"
        "***;;6.000,00-;\n",
        encoding="utf-8",
    )
    result = read_back(Export(path=path, source="sap", layout="own", lines=[], rows=[]), period="posting_month")
    assert len(result.postings) == 4 and result.info.skipped_rows == {"sumlinjer": 6}
    assert [f.code for f in result.findings if f.code.startswith("SIU03")] == ["SIU031"]
    [agree] = [f for f in result.findings if f.code == "SIU031"]
    assert "6 sumlinjer" in agree.message_da and result.info.details["total_lines"] == "6/6"


def test_an_unsigned_total_without_its_debit_credit_mark_agrees_either_sign(tmp_path):
    path = tmp_path / "fbl3n.txt"
    path.write_text(
        "ZUONR;HKONT;DMBTR;SHKZG\n0101601234;53850104;100,00;H\n0101601234;53850104;50,00;H\n;;150,00;\n",
        encoding="utf-8",
    )
    result = read_back(Export(path=path, source="sap", layout="own", lines=[], rows=[]), period="posting_month")
    assert [f.code for f in result.findings if f.code.startswith("SIU03")] == ["SIU031"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(-(10**7), 10**7), min_size=1, max_size=6), min_size=1, max_size=6),
    st.integers(2, 10**6),
)
def test_totals_check_agrees_with_every_block_and_catches_any_gap_over_rounding(blocks, gap):
    check = TotalsCheck(file="x")
    row = 1
    for block in blocks:
        for cents in block:
            check.posting(Decimal(cents) / 100)
            row += 1
        assert check.total(row, sum((Decimal(c) / 100 for c in block), Decimal(0))) is None
        row += 1
    grand = sum((Decimal(c) for b in blocks for c in b), Decimal(0)) / 100
    assert check.total(row, grand) is None
    # a total off by more than a krone from every candidate sum is an error
    off = grand + Decimal(gap) / 100 + 1
    candidates = {grand - m for m in check.marks()}
    if all(abs(off - c) > 1 for c in candidates):
        finding = check.total(row + 1, off)
        assert finding is not None and finding.code == "SIU030"


# --- skipped rows that carry money ---------------------------------------------------------------


class _Skipper(Source):
    """An adapter that skips one row with money (as a third-party adapter may)."""

    name, description = "skipper", "test"

    def sniff(self, path):  # pragma: no cover - not called
        raise NotImplementedError

    def read(self, path, options, info: ReadInfo):
        from siu.models import Location, new_posting

        info.rows_read += 2
        info.skip("forkert valuta", Decimal("1234.50"))
        yield new_posting(
            source=self.name,
            location=Location(file=path.name, row=2),
            amount=Decimal(100),
            cpr="0101601235",
            start=None,
            end=None,
            posting_date=None,
            document=None,
            text=None,
            dims={"kontostreng": OK},
            anonymous=None,
            birth_date=None,
            sex=None,
            sign_explicit=True,
            period_derived=None,
            columns={},
            invalid=(),
            raw=[],
            headers=[],
        )


class _Loser(_Skipper):
    """An adapter that reads three rows, yields one posting and accounts for one skipped row."""

    name = "loser"

    def read(self, path, options, info: ReadInfo):
        info.rows_read += 1
        yield from super().read(path, options, info)


def _run_skipper(tmp_path: Path, strict: bool, source: Source | None = None):
    from siu.base.config import Settings
    from siu.context import Context
    from siu.convert.pipeline import Converter
    from siu.findings import FindingSink
    from siu.host.plugins import load_plugins
    from siu.host.specs_registry import SpecRegistry
    from siu.report.result import InputSpec

    host = load_plugins(no_plugins=True)
    source = source or _Skipper()
    host.sources[source.name] = source
    ctx = Context(
        settings=Settings(), spec=SpecRegistry.from_host(host).get(2025), kommune="101", year=2025, area="voksen"
    )
    sink = FindingSink(strict=strict)
    path = tmp_path / "in.txt"
    path.write_text("x", encoding="utf-8")
    return Converter(host, ctx, sink).run([InputSpec(source.name, path)], None, None), sink


def test_a_skipped_row_with_money_is_a_warning_naming_the_amount(tmp_path):
    result, sink = _run_skipper(tmp_path, strict=False)
    [warning] = [f for f in sink.kept if f.code == "SIU032"]
    assert (
        warning.severity.value == "warning"
        and "1.234,50" in warning.message_da
        and "forkert valuta" in warning.message_da
    )
    report = result.inputs[0]
    assert report.read_amount == Decimal("1334.50") and report.skipped_amount == Decimal("1234.50")
    assert report.delivered_amount == Decimal(100) and result.balanced


def test_a_skipped_row_with_money_fails_under_strict(tmp_path):
    _, sink = _run_skipper(tmp_path, strict=True)
    assert sink.count("SIU032") == 1 and not sink.ok


def test_rows_an_adapter_read_but_did_not_account_for_are_an_error(tmp_path):
    _, sink = _run_skipper(tmp_path, strict=False, source=_Loser())
    [error] = [f for f in sink.kept if f.code == "SIU033"]
    assert error.severity.value == "error" and "3 rækker læst, men kun 2" in error.message_da
    _, sink = _run_skipper(tmp_path, strict=False)
    assert sink.count("SIU033") == 0


# --- an input without postings is never a delivery -----------------------------------------------


def test_a_header_only_export_is_an_error_and_writes_nothing(siu, tmp_path):
    """The issue: an export holding only its header row ended in KLAR and wrote an empty full load."""
    src = write(tmp_path / "x.csv")
    run = siu("convert", src, *BASE, "--out", tmp_path / "out", "--report-json", tmp_path / "r.json")
    assert run.exit_code == 1, run.output
    assert codes(tmp_path / "r.json") == {"SIU034": 1}
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert "IKKE KLAR" in run.stdout


def test_an_export_of_only_totals_and_blank_rows_is_an_error(siu, tmp_path):
    src = write(tmp_path / "x.csv", "", ";0,00;;;;I alt", "")
    run = siu("validate", src, *BASE, "--report-json", tmp_path / "r.json")
    assert run.exit_code == 1, run.output
    assert codes(tmp_path / "r.json").get("SIU034") == 1


def test_an_empty_file_is_never_ready(siu, tmp_path):
    src = tmp_path / "x.csv"
    src.write_bytes(b"")
    run = siu("convert", src, *BASE, "--out", tmp_path / "out")
    assert run.exit_code in (1, 2) and "KLAR TIL INDBERETNING" not in run.stdout
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_empty_input_beside_a_full_one_is_still_an_error(siu, tmp_path):
    full = write(tmp_path / "a.csv", f"0101601235;10.000,00;01.01.2025;31.01.2025;{OK};jan")
    empty = write(tmp_path / "b.csv")
    run = siu("validate", full, empty, *BASE, "--report-json", tmp_path / "r.json")
    assert run.exit_code == 1 and codes(tmp_path / "r.json").get("SIU034") == 1


# --- accounts outside SIU excluded on purpose by a mapping rule -----------------------------------

OUTSIDE = [
    "900001;05.02.2025;XG-5600000001-0001;;40110000;010160-1235;1.000,00;01.01.2025;31.01.2025;Administration jan;;",
    "900002;05.03.2025;XG-5600000001-0002;;40110000;150372-2468;2.500,25;01.02.2025;28.02.2025;Administration feb;;",
]
EXCLUDE_TOML = """
[[rule]]
name = "Administration"
psp = "XG-56*"
exclude = true
reason = "Administration, ikke SIU"
"""


def _demo_with_outside_accounts(
    demo_dir: Path, tmp_path: Path, rule: str | None, csv_mapping: bool = False
) -> tuple[Path, Path]:
    data = (demo_dir / "opus-udtraek-2025.csv").read_bytes().rstrip(b"\r\n") + b"\r\n"
    export = tmp_path / "udtraek.csv"
    export.write_bytes(data + "\r\n".join(OUTSIDE).encode("cp1252") + b"\r\n")
    mapping = (demo_dir / "mapping.toml").read_text(encoding="utf-8")
    if csv_mapping:
        mapping_path = tmp_path / "mapping.csv"
        mapping_path.write_text(  # only the exclusion: the other postings stay unmapped here
            "navn;psp;funktion;gruppering;udelad;begrundelse\nAdministration;XG-56*;;;ja;Administration, ikke SIU\n",
            encoding="utf-8",
        )
    else:
        mapping_path = tmp_path / "mapping.toml"
        mapping_path.write_text((rule or "") + "\n" + mapping, encoding="utf-8")
    config = tmp_path / "siu.toml"
    config.write_text(
        (demo_dir / "siu.toml")
        .read_text(encoding="utf-8")
        .replace('mapping = "mapping.toml"', f'mapping = "{mapping_path.name}"'),
        encoding="utf-8",
    )
    return export, config


def test_accounts_outside_siu_without_a_rule_are_unmapped_errors(siu, demo_dir, tmp_path):
    export, config = _demo_with_outside_accounts(demo_dir, tmp_path, rule=None)
    run = siu("validate", "-s", "opus", export, "--config", config, "--report-json", tmp_path / "r.json")
    assert run.exit_code == 1 and codes(tmp_path / "r.json").get("SIU201") == 2


def test_an_exclude_rule_leaves_accounts_out_and_the_report_counts_them(siu, demo_dir, tmp_path):
    export, config = _demo_with_outside_accounts(demo_dir, tmp_path, rule=EXCLUDE_TOML)
    run = siu(
        "convert",
        "-s",
        "opus",
        export,
        "--config",
        config,
        "--out",
        tmp_path / "out",
        "--report-json",
        tmp_path / "r.json",
    )
    assert run.exit_code == 0, run.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert codes(tmp_path / "r.json").get("SIU208") == 1
    [finding] = [f for f in report["findings"] if f["code"] == "SIU208"]
    assert (
        finding["message_da"]
        == "2 posteringer med i alt 3.500,25 kr. er udeladt efter regel 1 (Administration): Administration, ikke SIU"
    )
    assert report["excluded"] == [
        {
            "rule": "regel 1 (Administration)",
            "rule_en": "rule 1 (Administration)",
            "reason": "Administration, ikke SIU",
            "rows": 2,
            "amount": "3500.25",
        }
    ]
    ledger = report["inputs"][0]["ledger"]
    assert (ledger["rows_read"], ledger["rows_delivered"], ledger["rows_excluded"], ledger["rows_skipped"]) == (
        22,
        19,
        2,
        1,
    )  # the demo's own Sum line is skipped (and agrees)
    assert (
        ledger["amount_read"] == "314540.50"
        and ledger["amount_delivered"] == "311040.25"
        and ledger["amount_excluded"] == "3500.25"
    )
    assert report["totals"]["net"] == "311040.25" and report["totals"]["balanced"] is True
    assert "Pengene stemmer: input 314.540,50 = leverance 311.040,25 + udeladt 3.500,25" in run.stdout
    assert "udeladt efter regel 1 (Administration): 2 posteringer, 3.500,25" in run.stdout


def test_an_exclude_rule_in_a_csv_mapping_file(siu, demo_dir, tmp_path):
    export, config = _demo_with_outside_accounts(demo_dir, tmp_path, rule=None, csv_mapping=True)
    run = siu(
        "validate", "-s", "opus", export, "--config", config, "--report-json", tmp_path / "r.json", "--lang", "en"
    )
    assert codes(tmp_path / "r.json").get("SIU208") == 1, run.output
    assert "excluded by line 2 (Administration): 2 postings, 3,500.25" in run.stdout  # --lang en: English amounts


def test_mapping_check_lists_what_an_exclude_rule_leaves_out(siu, demo_dir, tmp_path):
    export, config = _demo_with_outside_accounts(demo_dir, tmp_path, rule=EXCLUDE_TOML)
    run = siu("mapping", "check", "-s", "opus", export, "--config", config)
    assert run.exit_code == 0, run.output
    assert "Posteringer udeladt efter regel" in run.stdout and "Administration, ikke SIU" in run.stdout
    assert "2 udeladt" in run.stdout


def test_mapping_init_counts_excluded_accounts_as_covered(siu, demo_dir, tmp_path):
    export, config = _demo_with_outside_accounts(demo_dir, tmp_path, rule=EXCLUDE_TOML)
    run = siu(
        "mapping",
        "init",
        "-s",
        "opus",
        export,
        "--config",
        config,
        "--mapping",
        tmp_path / "mapping.toml",
        "--out",
        tmp_path / "new.toml",
    )
    assert run.exit_code == 0, run.output
    assert "Alle posteringer er dækket" in run.stdout


def test_an_exclude_rule_needs_a_reason_and_nothing_to_map_to(tmp_path):
    import pytest

    from siu.mapping import MappingError, load_mapping

    path = tmp_path / "m.toml"
    path.write_text('[[rule]]\npsp = "X*"\nexclude = true\n', encoding="utf-8")
    with pytest.raises(MappingError, match="reason"):
        load_mapping(path)
    path.write_text(
        '[[rule]]\npsp = "X*"\nexclude = true\nreason = "r"\nfunction = "5.38.50"\ngrouping = "001"\n', encoding="utf-8"
    )
    with pytest.raises(MappingError, match="function, grouping"):
        load_mapping(path)
    path.write_text('[[rule]]\npsp = "X*"\nexclude = "måske"\nreason = "r"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="exclude"):
        load_mapping(path)
    path.write_text('[[rule]]\npsp = "X*"\nexclude = true\nreason = "r"\n', encoding="utf-8")
    [rule] = load_mapping(path).rules
    assert rule.exclude and rule.reason == "r"


EVERYTHING = (
    '[[rule]]\npsp = "*"\nexclude = true\nreason = "alt"\n[[rule]]\ncost_centre = "*"\nexclude = true\nreason = "alt"\n'
)


def test_everything_excluded_is_an_empty_delivery_error(siu, demo_dir, tmp_path):
    export, config = _demo_with_outside_accounts(demo_dir, tmp_path, rule=EVERYTHING)
    run = siu(
        "convert",
        "-s",
        "opus",
        export,
        "--config",
        config,
        "--out",
        tmp_path / "out",
        "--report-json",
        tmp_path / "r.json",
    )
    assert run.exit_code == 1, run.output
    assert codes(tmp_path / "r.json").get("SIU035") == 1


def test_the_workbook_overview_holds_the_ledger_per_input(siu, demo_dir, tmp_path):
    from openpyxl import load_workbook

    export, config = _demo_with_outside_accounts(demo_dir, tmp_path, rule=EXCLUDE_TOML)
    run = siu("validate", "-s", "opus", export, "--config", config, "--report-xlsx", tmp_path / "r.xlsx")
    assert run.exit_code == 0, run.output
    ws = load_workbook(tmp_path / "r.xlsx")["Oversigt"]
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    [line] = [r for r in rows if r[0] == "udtraek.csv"]
    assert [float(x) for x in line[1:9]] == [22, 19, 2, 1, 314540.50, 311040.25, 3500.25, 0]
    assert any(r[0] == "regel 1 (Administration)" and r[3] == 2 for r in rows)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["I alt", "i alt", "IALT", "Total", "TOTAL", "Sum", "sum", "Saldo", "Subtotal", "Totalt"]),
    st.sampled_from(["", " 2025", ": konto 4011", " DKK", "  "]),
    st.text(alphabet="0123456789.,- ", max_size=30),
)
def test_total_labels_are_recognised_and_numbers_never_are(word, tail, number):
    from siu.tabular import is_total_word

    assert is_total_word((word + tail).strip())
    assert not is_total_word(number.strip() or "0")
    assert not is_total_word("Summer" + tail) and not is_total_word("Bakkehuset " + word)


_CELLS = st.sampled_from(
    [
        "",
        " ",
        "0101601234",
        "010160-1234",
        "*",
        "**",
        "I alt",
        "Total",
        "Saldo",
        "Sum konto 4011",
        "1.000,00",
        "500,00-",
        "-2.500,50",
        "(3,00)",
        "*  1.000,00",
        "abc",
        "15.01.2025",
        "31.02.2025",
        "DKK",
        "S",
        "H",
        "53850104",
        "1e308",
        "--5",
        "NaN",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELLS, min_size=0, max_size=6), max_size=25))
def test_every_row_of_any_export_ends_in_exactly_one_place(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "fbl3n.txt"
    header = "Tildeling;Finanskonto;Beløb i lokal valuta;S/H;Tekst;Bogf.dato"
    path.write_text("\n".join([header, *(";".join(r) for r in rows)]) + "\n", encoding="utf-8")
    result = read_back(Export(path=path, source="sap", layout="own", lines=[], rows=[]), period="posting_month")
    info = result.info
    assert info.rows_read == len(result.postings) + info.rows_skipped
    assert sum(info.skipped_rows.values()) == info.rows_skipped
    for finding in result.findings:
        if finding.code == "SIU030":
            assert finding.severity.value == "error" and finding.location.row is not None


def test_totals_check_with_a_subtotal_per_citizen():
    """An ALV list with a subtotal per citizen: every subtotal agrees and is kept as a mark (the
    marks are bucketed by krone, so the lookup does not grow with their number)."""
    check = TotalsCheck(file="x")
    for i in range(20000):
        check.posting(Decimal(i % 997) + Decimal("0.25"))
        assert check.total(i, Decimal(i % 997) + Decimal("0.25")) is None
    assert check.agreed == 20000 and len(check.marks()) == 20001
    zero = TotalsCheck(file="x")  # blocks that sum to nothing repeat one mark, kept once
    for i in range(1000):
        zero.posting(Decimal(5))
        zero.posting(Decimal(-5))
        assert zero.total(i, Decimal(0)) is None
    assert zero.marks() == [Decimal(0)]
