"""The per-citizen view (annualised expenditure per citizen and paragraph with siu's flags) in
``--report-json`` and ``--report-xlsx``, and SIU430 (a delivery whose months do not cover the year)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from siu.check.citizens import _merge, annualised

BASE = ["-s", "csv", "-k", "101", "-y", "2025"]
HEADER = "CPR;Beløb;Fra;Til;Kontostreng;Tekst"
SEL108 = "5.38.50.1.001.4.0"
SEL107 = "5.38.52.1.001.4.0"
SEL107_REVENUE = "5.38.52.1.001.7.7"


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def year_of_months(cpr: str, amount: str, account: str = SEL108, months: range = range(1, 13)) -> list[str]:
    rows = []
    for m in months:
        last = (dt.date(2025, m % 12 + 1, 1) if m < 12 else dt.date(2026, 1, 1)) - dt.timedelta(days=1)
        rows.append(f"{cpr};{amount};01.{m:02d}.2025;{last:%d.%m.%Y};{account};")
    return rows


def test_annualised_is_expenditure_times_365_over_the_days_from_first_start_to_last_end() -> None:
    assert annualised(31000, dt.date(2025, 1, 1), dt.date(2025, 1, 31)) == pytest.approx(365000)
    assert annualised(10, dt.date(2025, 3, 1), dt.date(2025, 3, 1)) == 3650


def test_periods_join_when_they_touch_and_stay_apart_with_a_gap() -> None:
    periods: list[list[dt.date]] = []
    _merge(periods, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    _merge(periods, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    _merge(periods, dt.date(2025, 2, 1), dt.date(2025, 2, 28))  # bridges January and March
    _merge(periods, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert periods == [[dt.date(2025, 1, 1), dt.date(2025, 3, 31)], [dt.date(2025, 6, 1), dt.date(2025, 6, 30)]]


@pytest.fixture
def report(siu, tmp_path: Path) -> tuple[dict, Path]:
    rows = []
    for i in range(6):  # six citizens at the usual rate, one at ten times it (SIU420)
        rows += year_of_months(f"{10 + i}01601235", "40.000,00")  # distinct birth dates: masked CPRs stay apart
    rows += year_of_months("0202701238", "400.000,00")
    rows.append(f"1503722468;-2.000,00;01.03.2025;31.03.2025;{SEL107_REVENUE};")  # SIU402
    # two stays at the same time: § 108 all year and § 107 in May
    rows.append(f"1001601235;20.000,00;01.05.2025;31.05.2025;{SEL107};")
    src = write(tmp_path / "in.csv", rows)
    run = siu(
        "convert",
        src,
        *BASE,
        "--out",
        tmp_path / "ud",
        "--report-json",
        tmp_path / "r.json",
        "--report-xlsx",
        tmp_path / "r.xlsx",
    )
    assert run.exit_code == 0, run.output
    return json.loads((tmp_path / "r.json").read_text(encoding="utf-8")), tmp_path


def test_the_view_holds_annualised_figures_and_flags(report) -> None:
    data, _ = report
    rows = {(r["citizen"], r["paragraph"]): r for r in data["citizens"]}
    extreme = rows[("020270-xxxx", "SEL108")]
    assert extreme["flags"] == ["SIU420"] and extreme["annualised"] == "4800000.00" and extreme["days"] == 365
    assert (
        rows[("150372-xxxx", "SEL107")]["flags"] == ["SIU402"] and rows[("150372-xxxx", "SEL107")]["annualised"] is None
    )
    assert rows[("100160-xxxx", "SEL108")]["flags"] == ["overlap"] and rows[("100160-xxxx", "SEL107")]["flags"] == [
        "overlap"
    ]
    assert rows[("110160-xxxx", "SEL108")]["flags"] == []
    assert rows[("100160-xxxx", "SEL107")]["annualised"] == f"{20000 * 365 / 31:.2f}"
    assert rows[("100160-xxxx", "SEL108")]["days_covered"] == 365 and rows[("100160-xxxx", "SEL108")]["lines"] == 12
    assert rows[("100160-xxxx", "SEL108")]["expenditure"] == "480000.00"
    assert not any("0202701238" in json.dumps(r) for r in data["citizens"]), "CPR masked"
    sel108 = [r["citizen"] for r in data["citizens"] if r["paragraph"] == "SEL108"]
    assert sel108[0] == "020270-xxxx", "highest annualised first within a paragraph"


def test_the_view_is_a_sheet_in_the_workbook(report) -> None:
    _, tmp_path = report
    wb = load_workbook(tmp_path / "r.xlsx")
    ws = wb["Borgere"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Borger", "Paragraf"] and "Årsudgift" in header and "Markeringer" in header
    by = {(r[0], r[1]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert by[("020270-xxxx", "SEL108")][header.index("Årsudgift")] == 4800000
    assert by[("020270-xxxx", "SEL108")][header.index("Markeringer")] == "SIU420 ekstrem årsudgift"
    assert by[("100160-xxxx", "SEL107")][header.index("Markeringer")] == "overlappende ophold"


def test_anonymised_lines_have_no_annualised_figure(siu, demo_dir: Path, tmp_path: Path) -> None:
    run = siu(
        "convert",
        "--source",
        "opus",
        demo_dir / "opus-udtraek-2025.csv",
        "--config",
        demo_dir / "siu.toml",
        "--out",
        tmp_path / "ud",
        "--report-json",
        tmp_path / "r.json",
    )
    assert run.exit_code == 0, run.output
    rows = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["citizens"]
    anonymous = [r for r in rows if r["anonymised"]]
    assert anonymous and all(r["annualised"] is None for r in anonymous)


# --- SIU430: the months of the year ----------------------------------------------------------------


def test_a_january_to_june_extract_gets_a_warning_with_figures(siu, tmp_path: Path) -> None:
    src = write(tmp_path / "in.csv", year_of_months("0101601235", "40.000,00", months=range(1, 7)))
    run = siu("convert", src, *BASE, "--out", tmp_path / "ud")
    assert run.exit_code == 0, run.output
    out = " ".join(run.stdout.split())
    assert "SIU430" in out and "Perioderne dækker kun 6 af årets 12 måneder i 2025" in out
    assert "ingen linjer for juli–december" in out and "6 linjer og 240.000,00 kr. i udgifter" in out
    run = siu("convert", src, *BASE, "--out", tmp_path / "ud2", "--strict")
    assert run.exit_code == 1, "--strict: a warning stops the delivery"


def test_a_whole_year_gets_no_warning_and_a_yearly_insurance_does_not_fill_the_gap(siu, tmp_path: Path) -> None:
    src = write(tmp_path / "in.csv", year_of_months("0101601235", "40.000,00"))
    run = siu("validate", src, *BASE)
    assert "SIU430" not in run.stdout
    rows = year_of_months("0101601235", "40.000,00", months=range(1, 4)) + [
        f"0101601235;3.600,00;01.01.2025;31.12.2025;{SEL108};forsikring"
    ]
    run = siu("validate", write(tmp_path / "in2.csv", rows), *BASE, "--lang", "en")
    out = " ".join(run.stdout.split())
    assert "cover only 3 of the 12 months" in out and "April–December" in out


def test_an_open_end_of_31_12_9999_joins_periods_without_overflow() -> None:
    # 31.12.9999 is how some systems write "no end"; the day after it does not exist (found by
    # the characterisation goldens: SIU430 failed as SIU490 with OverflowError)
    periods: list[list[dt.date]] = []
    _merge(periods, dt.date(2025, 3, 1), dt.date.max)
    _merge(periods, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    _merge(periods, dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert periods == [[dt.date(2025, 1, 1), dt.date.max]]
