"""``siu diff``: two deliveries that differ in every way the diff reports, XML and xlsx read back,
years, unreadable files; and a property: a delivery compared with itself has no changes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siu.deliver.diff import compare
from siu.models import DeliveryHeader, Totals, new_record
from siu.specpack import BUILTIN_DIR, SpecPack
from siu.write.xml import XmlWriter

GOLDEN = Path(__file__).parent / "golden" / "demo-2025.xml"
NEW_LINE = (
    "    <Udgiftslinje><PsrID>0505805555</PsrID><KONTOSTRENG>53845100140</KONTOSTRENG><Paragraf>SEL110</Paragraf>"
    "<Omraade>voksen</Omraade><Beloeb>30000.00</Beloeb><StartDato>2025-05-01</StartDato><SlutDato>2025-05-31</SlutDato></Udgiftslinje>\n"
)


def changed_copy(tmp_path: Path) -> tuple[Path, Path]:
    """OLD = the demo delivery; NEW = one citizen's rate raised (3 lines changed), one citizen removed
    (1 line), one new citizen on a new function (1 line added)."""
    old = tmp_path / "old.xml"
    old.write_bytes(GOLDEN.read_bytes())
    text = GOLDEN.read_text(encoding="utf-8")
    text = text.replace("<Beloeb>42500.00</Beloeb>", "<Beloeb>52500.00</Beloeb>")
    text = "".join(line for line in text.splitlines(keepends=True) if "0202952221" not in line)
    text = text.replace("  </Udgiftslinjer>", NEW_LINE + "  </Udgiftslinjer>")
    new = tmp_path / "new.xml"
    new.write_text(text, encoding="utf-8")
    return old, new


def test_diff_reports_every_kind_of_change(tmp_path: Path) -> None:
    old, new = changed_copy(tmp_path)
    data = compare(old, new)
    assert (data["old"]["lines"], data["new"]["lines"]) == (19, 19)
    assert data["citizens"]["added"] == 1 and data["citizens"]["removed"] == 1
    assert data["citizens"]["added_sample"] == ["050580-xxxx"] and data["citizens"]["removed_sample"] == ["020295-xxxx"]
    assert {k: data["lines"][k] for k in ("added", "removed", "changed", "unchanged")} == {
        "added": 1,
        "removed": 1,
        "changed": 3,
        "unchanged": 15,
    }
    changed = data["lines"]["samples"]["changed"][0]
    assert changed["citizen"] == "010160-xxxx" and (changed["old_amount"], changed["new_amount"]) == (
        "42500.00",
        "52500.00",
    )
    par = {p["paragraph"]: p for p in data["paragraphs"]}
    assert par["SEL108"]["change_net"] == "30000.00"
    assert par["SEL110"]["change_net"] == f"{Decimal('30000') - Decimal('4650'):.2f}"
    fn = {f["function"]: f for f in data["functions"]}
    assert fn["5.38.45"]["old"] is None and fn["5.38.45"]["new"]["net"] == "30000.00", (
        "a function only in the new delivery"
    )
    top = data["annualised"]
    # new citizen 30,000 over 31 days; 10,000 more a month over 90 days; removed 4,650 over 16 days
    assert [(r["citizen"], r["paragraph"]) for r in top] == [
        ("050580-xxxx", "SEL110"),
        ("010160-xxxx", "SEL108"),
        ("020295-xxxx", "SEL110"),
    ]
    assert top[0]["old"] is None and top[0]["change"] == f"{30000 * 365 / 31:.2f}"
    assert top[1]["change"] == f"{30000 * 365 / 90:.2f}", (
        "annualised: expenditure × 365 / days from first start to last end"
    )
    assert top[2]["new"] is None and top[2]["change"] == f"{-4650 * 365 / 16:.2f}"
    assert all(r["change"] != "0.00" for r in top), "unchanged citizens are not listed"
    assert "0101601235" not in json.dumps(data), "CPR numbers only masked"


def test_diff_cli_console_json_and_workbook(siu, tmp_path: Path) -> None:
    old, new = changed_copy(tmp_path)
    run = siu("diff", old, new, "--report-json", tmp_path / "d.json", "--report-xlsx", tmp_path / "d.xlsx")
    assert run.exit_code == 0, run.output
    assert "Borgere: 1 tilføjet, 1 fjernet. Linjer: 1 tilføjet, 1 fjernet, 3 ændret" in run.stdout.replace("\n", " ")
    assert "020295-xxxx" in run.stdout and "0202952221" not in run.stdout
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["schema"] == "siu-diff/1"
    wb = openpyxl.load_workbook(tmp_path / "d.xlsx")
    assert wb.sheetnames == ["Oversigt", "Paragraffer", "Funktioner", "Borgere", "Linjer", "Årsudgift"]
    assert [c.value for c in wb["Borgere"]["B"]][1:] == ["050580-xxxx", "020295-xxxx"]
    assert "30.000,00" in run.stdout and "30,000.00" not in run.stdout  # SEL108's change, the Danish way
    run = siu("diff", old, new, "--lang", "en")
    assert "Citizens: 1 added, 1 removed" in run.stdout.replace("\n", " ")
    assert "30,000.00" in run.stdout and "30.000,00" not in run.stdout


def test_xml_and_xlsx_of_one_delivery_have_no_differences(siu, tmp_path: Path) -> None:
    assert siu("demo", "--out", tmp_path / "x").exit_code == 0
    assert siu("demo", "--out", tmp_path / "y", "--format", "xlsx").exit_code == 0
    data = compare(tmp_path / "x" / "SIU_101_2025_voksen.xml", tmp_path / "y" / "SIU_101_2025_voksen.xlsx")
    assert data["new"]["format"] == "xlsx" and data["new"]["year"] == 2025
    # The IDEP template is in whole kroner (the pack's channel): the three demo lines with øre are
    # the only changes, and each paragraph's total moves by less than a krone (largest remainder).
    assert data["lines"]["unchanged"] == 16 and data["lines"]["changed"] == 3
    assert data["lines"]["added"] == data["lines"]["removed"] == 0
    assert all(abs(Decimal(p["change_net"])) < 1 for p in data["paragraphs"])
    assert {p["paragraph"] for p in data["paragraphs"] if Decimal(p["change_net"])} == {"SEL107"}


def test_years_must_be_the_same_or_consecutive(siu, tmp_path: Path) -> None:
    far = tmp_path / "far.xml"
    far.write_text(
        GOLDEN.read_text(encoding="utf-8").replace(
            "<Regnskabsaar>2025</Regnskabsaar>", "<Regnskabsaar>2023</Regnskabsaar>"
        ),
        encoding="utf-8",
    )
    run = siu("diff", far, GOLDEN)
    assert run.exit_code == 2 and "SIU971" in run.stderr and "2023" in run.stderr
    near = tmp_path / "near.xml"
    near.write_text(
        GOLDEN.read_text(encoding="utf-8").replace(
            "<Regnskabsaar>2025</Regnskabsaar>", "<Regnskabsaar>2024</Regnskabsaar>"
        ),
        encoding="utf-8",
    )
    assert siu("diff", near, GOLDEN).exit_code == 0


@pytest.mark.parametrize("content", [b"<not xml", b"", b"PsrID;Beloeb\n"])
def test_unreadable_files_are_a_finding_not_a_traceback(siu, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / ("bad.csv" if content.startswith(b"PsrID") else "bad.xml")
    bad.write_bytes(content)
    run = siu("diff", bad, GOLDEN)
    assert run.exit_code == 2 and "SIU970" in run.stderr and "Traceback" not in run.output


_lines = st.lists(
    st.tuples(
        st.sampled_from(["0101601235", "1503722468", "2308913579", "1234569998"]),
        st.sampled_from(["SEL107", "SEL108", "SEL110"]),
        st.decimals(min_value=-100000, max_value=100000, places=2, allow_nan=False, allow_infinity=False),
        st.integers(min_value=0, max_value=300),
        st.integers(min_value=0, max_value=90),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_lines)
def test_a_delivery_compared_with_itself_has_no_changes(tmp_path: Path, lines: list) -> None:
    spec = SpecPack.load(BUILTIN_DIR / "2025")
    header = DeliveryHeader(
        kommune="101",
        year=2025,
        area="voksen",
        spec_version=spec.version,
        created=dt.datetime(2026, 1, 1),
        totals=Totals(),
    )
    records = []
    for psr, paragraph, amount, offset, length in lines:
        start = dt.date(2025, 1, 1) + dt.timedelta(days=offset)
        records.append(
            new_record(
                psr_id=psr,
                kontostreng="53850100140",
                paragraph=paragraph,
                area="voksen",
                amount=amount,
                start=start,
                end=start + dt.timedelta(days=length),
            )
        )
    path = tmp_path / "same.xml"
    with path.open("wb") as fh:
        XmlWriter().write(records, header, spec, fh)
    data = compare(path, path)
    assert data["old"]["lines"] == data["new"]["lines"] == len(lines)
    assert data["lines"]["unchanged"] == len(lines) and data["lines"]["changed"] == 0
    assert data["citizens"]["added"] == data["citizens"]["removed"] == 0
    assert all(p["change_net"] == "0.00" for p in data["paragraphs"])
    total = sum((Decimal(a) for _, _, a, _, _ in lines), Decimal(0))
    assert Decimal(data["new"]["net"]) == total


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amount_text_is_read_as_exact_ore(amount: Decimal) -> None:
    from siu.deliver.diff_read import cents as _cents

    for text in (f"{amount:.2f}", f"{amount:.1f}" if amount == round(amount, 1) else f"{amount:.2f}", str(amount)):
        assert _cents(text) == int(Decimal(text) * 100)
