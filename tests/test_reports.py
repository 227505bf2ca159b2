"""Reports: the console report's order and wording, exit codes, the JSON report (golden file),
the xlsx workbook, `siu explain`, docs/rules.md, and that no full CPR number leaks anywhere."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from siu.findings import CATALOGUE, FindingSink
from siu.models import Location
from siu.report import rules_doc
from siu.report.files import ReportFiles

GOLDEN = Path(__file__).parent / "golden"
BASE = ["-s", "csv", "-k", "101", "-y", "2025"]
HEADER = ["CPR", "Beløb", "Fra", "Til", "Kontostreng", "Tekst"]
OK_ACCOUNT = "5.38.50.1.001.4.0"

# Made-up CPR numbers used by the inputs below; none may appear unmasked in any report.
CPRS = ["0101601235", "1503722468", "2002851113", "0707074707", "3102601235", "1234569998", "1111114118"]

BROKEN_ROWS = [
    # a clean line, and the same line again (SIU401)
    ["010160-1235", "42.500,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, "Bakkehuset jan"],
    ["010160-1235", "42.500,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, "Bakkehuset jan"],
    ["150372-2468", "39.875,50", "01.02.2025", "", OK_ACCOUNT, "mangler slutdato"],  # SIU111
    ["2002851113", "12.000,00", "31.03.2025", "01.03.2025", OK_ACCOUNT, "byttet om"],  # SIU112
    ["0707074707", "0,00", "01.04.2025", "30.04.2025", OK_ACCOUNT, "nul"],  # SIU130
    ["310260-1235", "1.000,00", "01.05.2025", "31.05.2025", OK_ACCOUNT, "umulig dato"],  # SIU103
    ["12345-6789", "1.000,00", "01.05.2025", "31.05.2025", OK_ACCOUNT, "ikke et CPR"],  # SIU102
    ["1234569998", "8.000,00", "01.06.2025", "30.06.2025", OK_ACCOUNT, "fiktivt uden for § 109"],  # SIU104
    ["1111114118", "5.000,00", "01.01.2052", "31.01.2052", OK_ACCOUNT, "tastefejl i år"],  # SIU114
    ["1111114118", "5.000,00", "01.01.2025", "31.01.2025", "5.22.07.1.001.4.0", "forkert funktion"],  # SIU120
    ["1503722468", "-2.000,00", "01.03.2025", "31.03.2025", "5.38.52.1.001.7.7", "refusion uden udgift"],  # SIU402
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(";".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Udtræk"
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def good_rows(n: int = 3) -> list[list[str]]:
    return [[f"0101601{235 + i:03d}", f"{1000 + i},00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""] for i in range(n)]


def stable(report: dict) -> dict:
    """The report without what changes between runs and machines."""
    report = dict(report)
    for key in ("created", "siu_version", "plugins"):
        report.pop(key)
    return report


# --- the golden JSON report ----------------------------------------------------------------------


def test_json_report_of_a_broken_delivery_matches_the_golden_file(siu, tmp_path):
    src = write_csv(tmp_path / "broken.csv", BROKEN_ROWS)
    run = siu("convert", src, *BASE, "--report-json", tmp_path / "report.json", "--out", tmp_path / "out")
    assert run.exit_code == 1, run.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir()), "no delivery with errors"
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "siu-report/1"
    assert {p["name"] for p in report["plugins"]} >= {"csv", "siu.rules"}
    golden = GOLDEN / "report-broken.json"
    if os.environ.get("SIU_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(stable(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert stable(report) == expected, (
        "JSON report changed; if intended, rerun with SIU_UPDATE_GOLDEN=1 and review the diff"
    )


def test_golden_report_covers_the_intended_rules():
    expected = json.loads((GOLDEN / "report-broken.json").read_text(encoding="utf-8"))
    found = {f["code"] for f in expected["findings"]}
    assert found >= {"SIU401", "SIU111", "SIU112", "SIU130", "SIU103", "SIU102", "SIU104", "SIU114", "SIU120", "SIU402"}
    assert expected["verdict"]["ready"] is False
    assert sum(c["count"] for c in expected["summary"]["by_code"]) == len(expected["findings"])


def test_json_report_holds_every_finding_beyond_the_console_cap(tmp_path):
    reports = ReportFiles(json_path=tmp_path / "r.json")
    sink = FindingSink(keep_per_code=2, spool=reports.open_spool())
    for row in range(2, 30):
        sink.add(CATALOGUE["SIU130"].make(location=Location(file="x.csv", row=row), field="amount"))
    assert len(sink.kept) == 2
    findings = list(reports.findings())
    assert len(findings) == 28 and findings[-1]["location"]["row"] == 29


# --- console report and exit codes ----------------------------------------------------------------


def test_console_report_order_caps_and_verdict(siu, tmp_path):
    rows = good_rows(2) + [
        [f"0101601{300 + i:03d}", "0,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""] for i in range(13)
    ]
    run = siu("validate", write_csv(tmp_path / "nul.csv", rows), *BASE)
    assert run.exit_code == 0, run.output
    out = run.stdout
    sha = re.search(r"SHA-256 ([0-9a-f]{64})", out)
    assert sha and "tegnsæt=utf-8" in out and "skilletegn=;" in out and "2025.1" in out
    positions = [
        out.index(s)
        for s in (
            "SHA-256",
            "Fund",
            "SIU130 · advarsel",
            "… og 3 flere",
            "Totaler pr. paragraf",
            "KLAR — men formatet er foreløbigt",
        )
    ]
    assert positions == sorted(positions)
    assert out.rstrip().splitlines()[-1].startswith("KLAR — men formatet er foreløbigt")
    assert re.search(r"SEL108\s*│\s*15\s*│\s*15\s*│\s*2\.001,00", out), out  # paragraph, citizens, lines, expenditure
    en = siu("validate", tmp_path / "nul.csv", *BASE, "--lang", "en").stdout
    assert "… and 3 more" in en and en.rstrip().splitlines()[-1].startswith("READY — but the format is provisional")


def test_errors_exit_1_and_write_no_delivery(siu, tmp_path):
    src = write_csv(
        tmp_path / "fejl.csv", good_rows() + [["3102601235", "1,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""]]
    )
    run = siu("convert", src, *BASE, "--out", tmp_path / "out")
    assert run.exit_code == 1 and "IKKE KLAR" in run.stdout
    assert not list(tmp_path.rglob("*.xml"))


def test_warnings_exit_0_and_1_with_strict(siu, tmp_path):
    src = write_csv(
        tmp_path / "adv.csv", good_rows() + [["0707074707", "0,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""]]
    )
    run = siu("convert", src, *BASE, "--out", tmp_path / "out")
    assert run.exit_code == 0, run.output
    assert len(list((tmp_path / "out").glob("*.xml"))) == 1
    strict = siu("convert", src, *BASE, "--out", tmp_path / "strict", "--strict")
    assert strict.exit_code == 1 and "IKKE KLAR" in strict.stdout
    assert not list((tmp_path / "strict").glob("*.xml")) if (tmp_path / "strict").exists() else True


def test_severity_override_in_siu_toml(siu, tmp_path):
    src = write_csv(
        tmp_path / "adv.csv", good_rows() + [["0707074707", "0,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""]]
    )
    (tmp_path / "siu.toml").write_text('[severity]\nSIU130 = "error"\n', encoding="utf-8")
    run = siu("validate", src, *BASE, "--config", tmp_path / "siu.toml")
    assert run.exit_code == 1 and "SIU130 · fejl" in run.stdout


# --- the xlsx report ---------------------------------------------------------------------------------


def test_xlsx_report_lists_every_finding_and_marks_the_input(siu, tmp_path):
    src = write_xlsx(tmp_path / "udtraek.xlsx", BROKEN_ROWS)
    run = siu("validate", src, *BASE, "--report-xlsx", tmp_path / "r.xlsx", "--report-json", tmp_path / "r.json")
    assert run.exit_code == 1, run.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[:2] == ["Fejl", "Oversigt"]
    fejl = wb["Fejl"]
    rows = list(fejl.iter_rows(values_only=True))
    assert rows[0] == ("Kode", "Alvor", "Meddelelse", "Fil", "Ark", "Række", "Kolonne", "Værdi")
    assert len(rows) - 1 == len(report["findings"])
    assert fejl.auto_filter.ref == f"A1:H{len(rows)}"
    assert {r[0] for r in rows[1:]} == {f["code"] for f in report["findings"]}
    impossible = next(r for r in rows if r[0] == "SIU103")
    assert impossible[3:8] == ("udtraek.xlsx", "Udtræk", 7, "CPR", "310260-xxxx")
    copy = wb[[n for n in wb.sheetnames if n.startswith("Input 1")][0]]
    cell = copy["A7"]  # the impossible CPR sits in column A (CPR), Excel row 7
    assert cell.comment is not None and "SIU103" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert copy["A7"].value == "310260-xxxx"
    end_cell = copy["D4"]  # the missing end date (Til) on row 4
    assert end_cell.comment is not None and "SIU111" in end_cell.comment.text
    assert copy["B2"].value == "42.500,00" and copy["B2"].comment is None


def test_xlsx_report_in_english(siu, tmp_path):
    src = write_csv(tmp_path / "in.csv", BROKEN_ROWS)
    siu("validate", src, *BASE, "--report-xlsx", tmp_path / "r.xlsx", "--lang", "en")
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["Findings", "Summary", "Citizens"]  # a CSV input is not copied
    assert wb["Summary"]["A1"].value == "NOT READY"


@pytest.mark.parametrize(("lang", "total"), [("da", "3.003,00"), ("en", "3,003.00")])
def test_the_console_report_writes_amounts_in_its_language(siu, tmp_path, lang, total):
    src = write_csv(tmp_path / "in.csv", good_rows(3))  # 1.000,00 + 1.001,00 + 1.002,00
    run = siu("validate", src, *BASE, "--lang", lang)
    assert run.exit_code == 0, run.stdout
    lines = run.stdout.splitlines()
    ledger = next(line for line in lines if line.strip().startswith(("regnskab:", "ledger:")))
    money = next(line for line in lines if line.startswith(("Pengene stemmer", "Money conserved")))
    totals = next(line for line in lines if re.match(r"│ (I alt|Total) ", line))
    zero = "0,00" if lang == "da" else "0.00"
    assert f"· {total} = {total} " in ledger and f"+ {zero} " in ledger
    assert f"input {total} = " in money
    assert [cell.strip() for cell in totals.split("│")[4:7]] == [total, zero, total]


@pytest.mark.parametrize(("lang", "lines"), [("da", "1.200"), ("en", "1,200")])
def test_the_console_report_groups_counts_in_its_language(siu, tmp_path, lang, lines):
    rows = [["010160-1235", f"{1000 + i},00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""] for i in range(1200)]
    run = siu("validate", write_csv(tmp_path / "in.csv", rows), *BASE, "--lang", lang)
    totals = next(line for line in run.stdout.splitlines() if re.match(r"│ (I alt|Total) ", line))
    assert [cell.strip() for cell in totals.split("│")[2:4]] == ["", lines]


def test_the_rounding_table_escapes_a_pack_s_channel_name_and_writes_english_amounts():
    from decimal import Decimal
    from types import SimpleNamespace

    from rich.console import Console

    from siu.report.console import print_rounding

    rounding = SimpleNamespace(
        lines=3,
        decimals=0,
        channel="[red]idep[/]",  # a --spec-dir pack's own channel: text, not markup
        paragraphs={"SEL108": (Decimal("1234.4"), Decimal("1234"))},
        exact=Decimal("1234.4"),
        delivered=Decimal("1234"),
        difference=Decimal("-0.4"),
        max_citizen_difference=Decimal("0.4"),
        changed=1,
        zeroed=0,
        citizen_groups=1,
    )
    console = Console(record=True, width=200, highlight=False)
    print_rounding(console, SimpleNamespace(rounding=rounding), "en")
    out = console.export_text()
    assert "Amounts rounded to whole kroner ([red]idep[/])" in out
    assert "1,234.40" in out and "-0.40" in out and "within 0.40 of the exact one" in out


# --- no full CPR number anywhere ----------------------------------------------------------------------


def _xlsx_text(path: Path) -> str:
    wb = load_workbook(path)
    parts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                parts.append(str(c.value))
                if c.comment is not None:
                    parts.append(c.comment.text)
    return "\n".join(parts)


def _leaks(text: str) -> list[str]:
    return [c for c in CPRS if c in text or f"{c[:6]}-{c[6:]}" in text or (c.startswith("0") and c[1:] in text)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_no_full_cpr_in_console_json_or_xlsx(siu, tmp_path, kind):
    rows = [*BROKEN_ROWS, ["3102601235", "1,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, "CPR 0101601235 i teksten"]]
    src = write_csv(tmp_path / "in.csv", rows) if kind == "csv" else write_xlsx(tmp_path / "in.xlsx", rows)
    if kind == "xlsx":  # spreadsheets often hold CPRs as numbers, without the leading zero
        wb = load_workbook(src)
        wb.active["A2"] = 101601235
        wb.save(src)
    outputs = []
    for lang in ("da", "en"):
        run = siu(
            "convert",
            src,
            *BASE,
            "--lang",
            lang,
            "--report-json",
            tmp_path / f"r-{lang}.json",
            "--report-xlsx",
            tmp_path / f"r-{lang}.xlsx",
        )
        outputs += [
            run.stdout,
            run.stderr,
            (tmp_path / f"r-{lang}.json").read_text(encoding="utf-8"),
            _xlsx_text(tmp_path / f"r-{lang}.xlsx"),
        ]
    text = "\n".join(outputs)
    assert "xxxx" in text  # the CPRs are there, masked
    assert _leaks(text) == []


def test_a_file_named_after_a_citizen_is_masked_in_reports(siu, tmp_path):
    src = write_csv(
        tmp_path / "0101601235.csv", good_rows() + [["0707074707", "0,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""]]
    )
    run = siu("validate", src, *BASE, "--report-json", tmp_path / "r.json", "--report-xlsx", tmp_path / "r.xlsx")
    text = run.stdout + (tmp_path / "r.json").read_text(encoding="utf-8") + _xlsx_text(tmp_path / "r.xlsx")
    assert "010160-xxxx.csv" in text and _leaks(text) == []


# --- explain and docs/rules.md -------------------------------------------------------------------------


def test_explain_prints_the_documentation(siu):
    run = siu("explain", "siu420")
    assert run.exit_code == 0 and "SIU420" in run.stdout and "MAD" in run.stdout
    en = siu("explain", "SIU501", "--lang", "en")
    assert "trial balance" in en.stdout
    assert siu("explain", "SIU000").exit_code == 2


def test_docs_rules_md_is_up_to_date():
    current = rules_doc.DOC_PATH.read_text(encoding="utf-8")
    assert current == rules_doc.render(), "docs/rules.md is out of date: run `python -m siu.report.rules_doc`"


def test_docs_cover_codes_defined_outside_the_rules():
    text = rules_doc.render()
    for code in ("SIU010", "SIU020", "SIU101", "SIU201", "SIU401", "SIU501", "SIU901"):
        assert f"### {code} " in text
    assert "TEST901" not in text  # codes of throw-away test plugins are not siu's


def test_xlsx_report_never_turns_text_into_formulas(siu, tmp_path):
    src = write_xlsx(
        tmp_path / "in.xlsx", [*good_rows(), ["x", "1,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, "tekst"]]
    )
    wb = load_workbook(src)
    for ref, text in (("A5", "=2+2"), ("F5", '=HYPERLINK("http://x")')):
        wb.active[ref] = text
        wb.active[ref].data_type = "s"  # text in the input, as a user typed it with a leading quote
    wb.save(src)
    siu("validate", src, *BASE, "--report-xlsx", tmp_path / "r.xlsx")
    report = load_workbook(tmp_path / "r.xlsx")
    value_cell = next(row[7] for row in report["Fejl"].iter_rows(min_row=2) if row[0].value == "SIU102")
    assert value_cell.value == "=2+2" and value_cell.data_type == "s"
    copy = report[[n for n in report.sheetnames if n.startswith("Input 1")][0]]
    for ref in ("A5", "F5"):
        assert copy[ref].data_type == "s" and copy[ref].value.startswith("=")
    assert "SIU102" in copy["A5"].comment.text


@pytest.mark.parametrize(
    ("source", "layout"), [("opus", "danish"), ("opus", "xlsx"), ("sap", "fbl3n_xlsx"), ("sap", "unconverted")]
)
def test_no_full_cpr_in_reports_of_generated_exports(siu, tmp_path, demo_dir, source, layout):
    from exports import generate, write_sap_mapping

    export = generate(source, layout, tmp_path, count=120, seed=7)
    mapping = demo_dir / "mapping.toml" if source == "opus" else write_sap_mapping(tmp_path)
    toml = f'kommune = "101"\nyear = 2025\nmapping = "{mapping.as_posix()}"\n'
    if export.period:
        toml += f'\n[source.{source}]\nperiod = "{export.period}"\n'
    (tmp_path / "siu.toml").write_text(toml, encoding="utf-8")
    run = siu(
        "validate",
        export.path,
        "-s",
        source,
        "--config",
        tmp_path / "siu.toml",
        "--report-json",
        tmp_path / "r.json",
        "--report-xlsx",
        tmp_path / "r.xlsx",
    )
    assert run.exit_code in (0, 1), run.output
    text = "\n".join(
        [run.stdout, run.stderr, (tmp_path / "r.json").read_text(encoding="utf-8"), _xlsx_text(tmp_path / "r.xlsx")]
    )
    cprs = {line.cpr.replace("-", "") for line in export.lines}
    leaks = [c for c in cprs if c in text or f"{c[:6]}-{c[6:]}" in text or (c.startswith("0") and c[1:] in text)]
    assert leaks == []


def test_input_copy_marks_are_capped_with_a_note(siu, tmp_path, monkeypatch):
    import siu.report.xlsx_marks as report_xlsx

    monkeypatch.setattr(report_xlsx, "MAX_MARKS", 2)
    src = write_xlsx(
        tmp_path / "in.xlsx",
        [[f"0101601{300 + i:03d}", "0,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""] for i in range(5)],
    )
    siu("validate", src, *BASE, "--report-xlsx", tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    assert len([r for r in wb["Fejl"].iter_rows(min_row=2) if r[0].value != "SIU430"]) == 5  # SIU430: January only
    copy = wb[[n for n in wb.sheetnames if n.startswith("Input 1")][0]]
    assert sum(1 for row in copy.iter_rows() for c in row if c.comment is not None) == 2
    assert copy.cell(row=copy.max_row, column=1).value == "3 fund mere er ikke markeret her; se arket Fejl"


LOCAL_RULES = """
from siu import hookimpl
from siu.rules import Hit, record_rule


@record_rule("LOKAL901", "warning", title=("Stor udgift", "Large amount"),
             template=("Beløbet {value} er over 100.000 kr.", "The amount {value} is over 100,000 DKK"),
             doc=("Kommunens egen kontrol.", "The municipality's own check."))
def large(record, ctx):
    if record.amount > 100000:
        return Hit(field="amount", value=record.amount)
    return None


@hookimpl
def register_rules():
    return [large]
"""


def test_a_local_plugin_rule_runs_reports_and_can_be_made_an_error(siu, tmp_path):
    (tmp_path / "siu_local.py").write_text(LOCAL_RULES, encoding="utf-8")
    (tmp_path / "siu.toml").write_text('kommune = "101"\nyear = 2025\n', encoding="utf-8")
    src = write_csv(
        tmp_path / "in.csv", good_rows() + [["0707074707", "150.000,00", "01.01.2025", "31.01.2025", OK_ACCOUNT, ""]]
    )
    run = siu("validate", src, "-s", "csv", "--config", tmp_path / "siu.toml", "--report-json", tmp_path / "r.json")
    assert run.exit_code == 0, run.output
    assert "LOKAL901 · advarsel" in run.stdout and "in.csv, række 5, kolonne Beløb" in run.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in report["findings"] if f["code"] != "SIU430"] == ["LOKAL901"]  # SIU430: January only
    (tmp_path / "siu.toml").write_text(
        'kommune = "101"\nyear = 2025\n[severity]\nLOKAL901 = "error"\n', encoding="utf-8"
    )
    strict = siu("validate", src, "-s", "csv", "--config", tmp_path / "siu.toml")
    assert strict.exit_code == 1 and "LOKAL901 · fejl" in strict.stdout
    assert "Kommunens egen kontrol" in siu("explain", "lokal901", "--config", tmp_path / "siu.toml").stdout


def test_a_report_that_cannot_be_written_is_a_usage_error(siu, tmp_path):
    src = write_csv(tmp_path / "in.csv", good_rows())
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    run = siu("validate", src, *BASE, "--report-json", tmp_path / "blocker" / "r.json")
    assert run.exit_code == 2 and "kan ikke skrives" in run.output and run.exception is None


def test_source_date_epoch_fixes_the_report_time(siu, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    siu("validate", write_csv(tmp_path / "in.csv", good_rows()), *BASE, "--report-json", tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["created"] == "2026-01-01T00:00:00+00:00"
