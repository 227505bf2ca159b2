"""``siu specs list|show|diff``, the 2025 and 2026 demo deliveries against their own XSDs, the
year mismatch finding, and ``--aggregate`` end to end."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from lxml import etree

from siu.specpack import BUILTIN_DIR

DEMO_CSV = "opus-udtraek-2025.csv"

# Children's-area postings for the 2026 demo (Opus layout; fictitious CPR numbers of children).
CHILD_ROWS = [
    "200001;05.02.2026;XG-5282210001-0001;;40110000;120315-4122;18.000,00;01.01.2026;31.01.2026;Plejefamilie jan "
    "2026;;",
    "200002;05.03.2026;XG-5282210001-0001;;40110000;120315-4122;18.000,00;01.02.2026;28.02.2026;Plejefamilie feb "
    "2026;;",
    "200003;10.04.2026;XG-5282310001-0001;;40120000;050510-4567;65.000,00;01.03.2026;31.03.2026;Døgninstitution "
    "mar "
    "2026;;",
    "200004;15.05.2026;XG-5282110001-0001;;40150000;221108-4010;4.500,00;01.04.2026;30.04.2026;Familiebehandling "
    "apr "
    "2026;;",
]
CHILD_RULES = """
[[rule]]
name = "Plejefamilier (barnets lov § 43)"
psp = "XG-5282210001-*"
function = "5.28.22"
grouping = "001"

[[rule]]
name = "Døgninstitution (barnets lov § 43)"
psp = "XG-5282310001-*"
function = "5.28.23"
grouping = "001"

[[rule]]
name = "Familiebehandling (barnets lov § 32)"
psp = "XG-5282110001-*"
function = "5.28.21"
grouping = "001"
"""


def make_2026_demo(demo_dir: Path, folder: Path) -> tuple[Path, Path]:
    """The 2025 demo shifted a year, plus children's-area lines; returns (input, siu.toml)."""
    text = (demo_dir / DEMO_CSV).read_text(encoding="cp1252")
    shifted = re.sub(r"(\d\d\.\d\d\.)(20\d\d)", lambda m: m.group(1) + str(int(m.group(2)) + 1), text)
    rows = [line for line in shifted.splitlines() if line and not line.startswith(";")]  # the Sum row no longer adds up
    source = folder / "opus-udtraek-2026.csv"
    source.write_text("\n".join(rows + CHILD_ROWS) + "\n", encoding="cp1252")
    mapping = folder / "mapping.toml"
    mapping.write_text((demo_dir / "mapping.toml").read_text(encoding="utf-8") + CHILD_RULES, encoding="utf-8")
    config = folder / "siu.toml"
    config.write_text(
        (demo_dir / "siu.toml")
        .read_text(encoding="utf-8")
        .replace("year = 2025", "year = 2026")
        .replace('area = "voksen"', 'area = "begge"'),
        encoding="utf-8",
    )
    return source, config


def parse(path: Path, year: int) -> etree._ElementTree:
    """Parse a delivery and validate it against the year's own XSD."""
    tree = etree.parse(str(path))
    schema = etree.XMLSchema(etree.parse(str(BUILTIN_DIR / str(year) / "siu.xsd")))
    schema.assertValid(tree)
    return tree


def ns(year: int) -> dict[str, str]:
    return {"s": f"urn:dst:siu:{year}"}


# --- siu specs -------------------------------------------------------------------------------


def test_specs_list_shows_both_years(siu) -> None:
    run = siu("specs", "list", "--json")
    assert run.exit_code == 0, run.output
    rows = json.loads(run.stdout)
    assert {(r["year"], r["version"], r["active"]) for r in rows} >= {(2025, "2025.1", True), (2026, "2026.1", True)}
    table = siu("specs", "list")
    assert "2025.1" in table.stdout and "2026.1" in table.stdout


def test_specs_show_2026_marks_the_childrens_area_provisional(siu) -> None:
    run = siu("specs", "show", "2026")
    assert run.exit_code == 0, run.output
    assert "boern" in run.stdout and "[foreløbig]" in run.stdout
    assert "BL43" in run.stdout and "Foreløbigt" in run.stdout
    en = siu("specs", "show", "2026", "--lang", "en")
    assert "Children's area" in en.stdout and "[provisional]" in en.stdout
    data = json.loads(siu("specs", "show", "2026", "--json").stdout)
    assert data["paragraphs"]["BL32"]["area"] == "boern" and data["paragraphs"]["BL32"]["provisional"]
    assert any("boern" in fact for fact in data["provisional"])


def test_specs_diff_2025_2026(siu) -> None:
    run = siu("specs", "diff", "2025", "2026")
    assert run.exit_code == 0, run.output
    assert "+ boern" in run.stdout and "+ BL32" in run.stdout and "+ 5.28.22.1.*" in run.stdout
    data = json.loads(siu("specs", "diff", "2025", "2026", "--json").stdout)
    assert set(data["paragraphs"]["added"]) == {"BL32", "BL43"}


def test_specs_show_unknown_year_is_a_usage_error_in_both_languages(siu) -> None:
    da = siu("specs", "show", "2019")
    assert da.exit_code == 2 and "Ingen specifikationspakke for regnskabsåret 2019" in da.output
    en = siu("specs", "show", "2019", "--lang", "en")
    assert en.exit_code == 2 and "No spec pack for the reporting year 2019" in en.output


# --- demo deliveries against their own XSDs --------------------------------------------------


def test_2025_demo_validates_against_the_2025_xsd_and_states_a_full_load(siu, demo_dir: Path, tmp_path: Path) -> None:
    run = siu(
        "convert", str(demo_dir / DEMO_CSV), "-s", "opus", "-c", str(demo_dir / "siu.toml"), "-o", str(tmp_path / "out")
    )
    assert run.exit_code == 0, run.output
    tree = parse(tmp_path / "out" / "SIU_101_2025_voksen.xml", 2025)
    head = tree.find("s:Leverance", ns(2025))
    assert [
        head.findtext(f"s:{t}", namespaces=ns(2025))
        for t in ("Kommunekode", "Regnskabsaar", "Omraade", "FuldLeverance")
    ] == ["101", "2025", "voksen", "true"]


def test_2026_demo_with_childrens_area_validates_against_the_2026_xsd(siu, demo_dir: Path, tmp_path: Path) -> None:
    source, config = make_2026_demo(demo_dir, tmp_path)
    run = siu("convert", str(source), "-s", "opus", "-c", str(config), "-o", str(tmp_path / "out"))
    assert run.exit_code == 0, run.output
    tree = parse(tmp_path / "out" / "SIU_101_2026_begge.xml", 2026)
    n = ns(2026)
    head = tree.find("s:Leverance", n)
    assert [
        head.findtext(f"s:{t}", namespaces=n) for t in ("Kommunekode", "Regnskabsaar", "Omraade", "FuldLeverance")
    ] == ["101", "2026", "begge", "true"]
    lines = tree.findall("s:Udgiftslinjer/s:Udgiftslinje", n)
    children = [
        (l.findtext("s:Paragraf", namespaces=n), l.findtext("s:Omraade", namespaces=n))
        for l in lines
        if l.findtext("s:Omraade", namespaces=n) == "boern"
    ]
    assert sorted(children) == [("BL32", "boern"), ("BL43", "boern"), ("BL43", "boern"), ("BL43", "boern")]
    assert len(lines) == 19 + len(CHILD_ROWS)
    # the same 2026 input declared as 2025 data is refused by the 2025 pack (no children's area)
    wrong = siu("validate", str(source), "-s", "opus", "-c", str(config), "--year", "2025", "--area", "voksen")
    assert wrong.exit_code == 1 and "SIU011" in wrong.output


def test_a_given_year_that_differs_from_the_data_is_a_warning(siu, demo_dir: Path) -> None:
    run = siu("validate", str(demo_dir / DEMO_CSV), "-s", "opus", "-c", str(demo_dir / "siu.toml"), "--year", "2026")
    assert "SIU011" in run.output
    assert "men de fleste perioder i data ligger i 2025 (19 af 19 posteringer; 0 i 2026)" in " ".join(
        run.output.split()
    )
    same = siu("validate", str(demo_dir / DEMO_CSV), "-s", "opus", "-c", str(demo_dir / "siu.toml"), "--year", "2025")
    assert same.exit_code == 0 and "SIU011" not in same.output


def test_spec_dir_for_another_year_is_a_usage_error(siu, demo_dir: Path) -> None:
    run = siu(
        "validate",
        str(demo_dir / DEMO_CSV),
        "-s",
        "opus",
        "-c",
        str(demo_dir / "siu.toml"),
        "--spec-dir",
        str(BUILTIN_DIR / "2026"),
    )
    assert run.exit_code == 2
    assert "--year 2026" in run.output


# --- --aggregate end to end ---------------------------------------------------------------


def amounts(tree: etree._ElementTree, year: int) -> list[tuple[str, str, str, str]]:
    n = ns(year)
    return [
        tuple(l.findtext(f"s:{t}", namespaces=n) for t in ("PsrID", "Beloeb", "StartDato", "SlutDato"))  # type: ignore[misc]
        for l in tree.findall("s:Udgiftslinjer/s:Udgiftslinje", n)
    ]


def test_aggregate_sums_the_demo_and_keeps_the_money(siu, demo_dir: Path, tmp_path: Path) -> None:
    args = [str(demo_dir / DEMO_CSV), "-s", "opus", "-c", str(demo_dir / "siu.toml")]
    plain = siu("convert", *args, "-o", str(tmp_path / "plain"))
    summed = siu("convert", *args, "--aggregate", "-o", str(tmp_path / "summed"))
    assert plain.exit_code == 0 and summed.exit_code == 0, summed.output
    before = amounts(parse(tmp_path / "plain" / "SIU_101_2025_voksen.xml", 2025), 2025)
    after = amounts(parse(tmp_path / "summed" / "SIU_101_2025_voksen.xml", 2025), 2025)
    assert len(before) == 19  # without --aggregate every posting is its own line
    assert len(after) < len(before)
    assert sum(Decimal(a) for _, a, _, _ in after) == sum(Decimal(a) for _, a, _, _ in before)
    assert ("0101601235", "127500.00", "2025-01-01", "2025-03-31") in after  # three contiguous months
    assert ("1503722468", "79751.00", "2025-01-01", "2025-02-28") in after  # expenditure ...
    assert ("1503722468", "-79751.00", "2025-01-01", "2025-02-28") in after  # ... and revenue stay apart
    assert "SIU701" in summed.output
    trailer = etree.parse(str(tmp_path / "summed" / "SIU_101_2025_voksen.xml")).find("s:Kontrol", ns(2025))
    assert trailer.findtext("s:AntalLinjer", namespaces=ns(2025)) == str(len(after))


def test_duplicates_are_found_on_postings_before_summing(siu, demo_dir: Path, tmp_path: Path) -> None:
    raw = (demo_dir / DEMO_CSV).read_bytes().split(b"\n")
    duplicated = tmp_path / "dubletter.csv"
    duplicated.write_bytes(b"\n".join(raw[:3] + [raw[2]] + raw[3:]))  # row 100002 twice
    run = siu("validate", str(duplicated), "-s", "opus", "-c", str(demo_dir / "siu.toml"), "--aggregate")
    assert run.exit_code == 1
    assert "SIU401" in run.output


def test_a_period_counts_for_the_year_it_mostly_lies_in() -> None:
    import datetime as dt

    from siu.convert.pipeline import period_year

    assert period_year(dt.date(2025, 7, 1), dt.date(2026, 6, 30)) == 2025
    assert period_year(dt.date(2025, 11, 1), dt.date(2026, 3, 31)) == 2026
    assert period_year(dt.date(2025, 12, 31), dt.date(2025, 12, 31)) == 2025


def test_specs_diff_against_an_edited_pack_from_spec_dir(siu, tmp_path: Path) -> None:
    import shutil

    pack = tmp_path / "fix2026"
    shutil.copytree(BUILTIN_DIR / "2026", pack)
    text = (pack / "manifest.toml").read_text(encoding="utf-8")
    (pack / "manifest.toml").write_text(
        text.replace('version = "2026.1"', 'version = "2026.2"').replace("decimals = 2", "decimals = 0"),
        encoding="utf-8",
    )
    run = siu("specs", "diff", "2025", "2026", "--spec-dir", str(pack), "--json")
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data["to"]["version"] == "2026.2"
    assert data["settings"]["amount.decimals"] == {"from": 2, "to": 0}
    listing = json.loads(siu("specs", "list", "--json", "--spec-dir", str(pack)).stdout)
    assert [(r["version"], r["active"]) for r in listing if r["year"] == 2026] == [("2026.1", False), ("2026.2", True)]


def test_aggregate_from_siu_toml(siu, demo_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "siu.toml"
    config.write_text(
        (demo_dir / "siu.toml")
        .read_text(encoding="utf-8")
        .replace('mapping = "mapping.toml"', f"mapping = {str(demo_dir / 'mapping.toml')!r}\naggregate = true"),
        encoding="utf-8",
    )
    run = siu("validate", str(demo_dir / DEMO_CSV), "-s", "opus", "-c", str(config))
    assert run.exit_code == 0 and "SIU701" in run.output
    off = siu("validate", str(demo_dir / DEMO_CSV), "-s", "opus", "-c", str(config), "--no-aggregate")
    assert off.exit_code == 0 and "SIU701" not in off.output


# --- golden deliveries (regenerate with SIU_UPDATE_GOLDEN=1 and review the diff) ---------------

GOLDEN = Path(__file__).parent / "golden"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z, via SOURCE_DATE_EPOCH


def check_golden(produced: Path, name: str) -> None:
    import os

    text = produced.read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("SIU_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{produced.name} differs from tests/golden/{name}"


def test_2026_demo_delivery_is_the_golden_file(siu, demo_dir: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    source, config = make_2026_demo(demo_dir, tmp_path)
    run = siu("convert", str(source), "-s", "opus", "-c", str(config), "-o", str(tmp_path / "out"))
    assert run.exit_code == 0, run.output
    check_golden(tmp_path / "out" / "SIU_101_2026_begge.xml", "demo-2026-begge.xml")


def test_aggregated_2025_demo_delivery_is_the_golden_file(siu, demo_dir: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    run = siu(
        "convert",
        str(demo_dir / DEMO_CSV),
        "-s",
        "opus",
        "-c",
        str(demo_dir / "siu.toml"),
        "--aggregate",
        "-o",
        str(tmp_path / "out"),
    )
    assert run.exit_code == 0, run.output
    check_golden(tmp_path / "out" / "SIU_101_2025_voksen.xml", "demo-2025-aggregate.xml")
