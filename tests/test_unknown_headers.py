"""A header siu does not know (issue 19, point 4): the finding names the closest headers and the
``aliases`` line for siu.toml, and with that line siu reads and detects the export by itself."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import siu
from exports import Export, generate
from siu.adapters import ReadOptions
from siu.host.plugins import load_plugins
from siu.read.headers import closest_headers
from siu.read.options import aliases_line, missing_columns_detail
from siu.tables import HeaderMatcher, MissingColumns

DEMO_MAPPING = Path(siu.__file__).parent / "demo" / "mapping.toml"
HEADER = "Beløb (kr.)"
ALIASES_LINE = 'aliases = { amount = ["Beløb (kr.)"] }'


def renamed_amount_header(tmp_path: Path) -> Export:
    """A generated Opus export (cp1252, ``;``) whose amount column is headed ``Beløb (kr.)``."""
    export = generate("opus", "danish", tmp_path, count=120, seed=19)
    lines = export.path.read_bytes().split(b"\r\n")
    at = next(i for i, line in enumerate(lines) if b"CPR-nr" in line)
    cells = lines[at].split(b";")
    cells[cells.index("Beløb".encode("cp1252"))] = HEADER.encode("cp1252")
    lines[at] = b";".join(cells)
    export.path.write_bytes(b"\r\n".join(lines))
    return export


def delivered_total(xml: Path) -> Decimal:
    doc = etree.parse(str(xml))
    ns = {"d": doc.getroot().nsmap[None]}
    return sum((Decimal(a) for a in doc.xpath("//d:Udgiftslinje/d:Beloeb/text()", namespaces=ns)), Decimal(0))


def convert_args(export: Export, tmp_path: Path) -> list[object]:
    return ["convert", export.path, "--kommune", "101", "--year", "2025", "--mapping", DEMO_MAPPING]


def test_closest_headers_folds_case_accents_and_punctuation() -> None:
    near = closest_headers(["CPR-nr", "Beløb (kr.)", "Tekst", "Bilagsnr"], {"amount": ["Beløb", "Beløb i DKK"]})
    assert near[0] == ("Beløb (kr.)", "amount")
    assert all(header != "Tekst" for header, _ in near)
    assert closest_headers(["Tekst", "Dato"], {"amount": ["Beløb"]}) == []


@given(
    st.lists(st.text(max_size=30), max_size=40),
    st.dictionaries(st.sampled_from(["amount", "cpr", "debit"]), st.lists(st.text(max_size=20), max_size=4)),
)
def test_closest_headers_only_names_headers_it_was_given(headers: list[str], aliases: dict[str, list[str]]) -> None:
    near = closest_headers(headers, aliases)
    assert len(near) <= 3
    stripped = {h.strip() for h in headers}
    assert all(header in stripped and field in aliases for header, field in near)


def test_missing_columns_name_the_closest_header_found() -> None:
    matcher = HeaderMatcher({"cpr": ["CPR-nr"], "amount": ["Beløb"]}, ["cpr"], [["amount"]])
    with pytest.raises(MissingColumns) as caught:
        matcher.find(iter([(1, ["CPR-nr", HEADER, "Tekst"]), (2, ["0101601234", "1,00", "x"])]))
    exc = caught.value
    assert exc.closest == {"Beløb": [(HEADER, "amount")]}
    assert "Nærmeste: Beløb → 'Beløb (kr.)'" in exc.message_da
    assert "Closest: Beløb → 'Beløb (kr.)'" in exc.message_en


def test_no_closest_header_leaves_the_message_as_it_was() -> None:
    matcher = HeaderMatcher({"cpr": ["CPR-nr"]}, ["cpr"])
    with pytest.raises(MissingColumns) as caught:
        matcher.find(iter([(1, ["Bilagsnr", "Tekst"])]))
    assert caught.value.closest == {}
    assert caught.value.message_da.endswith("Fundne overskrifter: Bilagsnr, Tekst")


def test_the_aliases_line_is_toml_and_keeps_what_is_configured() -> None:
    assert aliases_line({"amount": HEADER}, None) == ALIASES_LINE
    line = aliases_line({"amount": 'Beløb "netto"'}, {"cpr": "Borger", "amount": ["Udgift"]})
    assert tomllib.loads(line)["aliases"] == {"cpr": ["Borger"], "amount": ["Udgift", 'Beløb "netto"']}


def test_with_aliases_configured_the_advice_is_to_change_that_line() -> None:
    matcher = HeaderMatcher({"cpr": ["CPR-nr", "Borger"], "amount": ["Beløb"]}, ["cpr"], [["amount"]])
    with pytest.raises(MissingColumns) as caught:
        matcher.find(iter([(1, ["Borger", HEADER])]))
    da, en = missing_columns_detail(caught.value, "opus", {"cpr": "Borger"})
    line = 'aliases = { cpr = ["Borger"], amount = ["Beløb (kr.)"] }'
    assert da.endswith(f"ret aliases-linjen under [source.opus] i siu.toml til: {line}")
    assert en.endswith(f"change the aliases line under [source.opus] in siu.toml to: {line}")


def test_detection_counts_the_configured_aliases(tmp_path: Path) -> None:
    export = renamed_amount_header(tmp_path)
    opus = load_plugins(no_plugins=True).sources["opus"]
    assert opus.sniff(export.path).confidence < 0.5
    configured = ReadOptions(settings={"aliases": {"amount": [HEADER]}})
    assert opus.sniff_with(export.path, configured).confidence >= 0.5
    bad = ReadOptions(settings={"aliases": {"amount": 5}})  # read reports it (SIU023); sniffing ignores it
    assert opus.sniff_with(export.path, bad).confidence == opus.sniff(export.path).confidence


def test_without_aliases_the_finding_gives_the_closest_header_and_the_line(tmp_path: Path, siu) -> None:
    export = renamed_amount_header(tmp_path)
    run = siu(*convert_args(export, tmp_path), "--source", "opus", "--out", tmp_path / "out")
    assert run.exit_code != 0
    output = " ".join(run.output.split())  # the console wraps long messages
    assert "SIU005" in output
    assert f"Nærmeste: Beløb / DMBTR / Debet → '{HEADER}'" in output
    assert f"tilføj i siu.toml under [source.opus]: {ALIASES_LINE}" in output
    assert not (tmp_path / "out" / "SIU_101_2025_voksen.xml").exists()


def test_with_the_aliases_line_the_export_converts_without_source(tmp_path: Path, siu) -> None:
    export = renamed_amount_header(tmp_path)
    (tmp_path / "siu.toml").write_text(f"[source.opus]\n{ALIASES_LINE}\n", encoding="utf-8")
    run = siu(*convert_args(export, tmp_path), "--out", tmp_path / "out")
    assert run.exit_code == 0, run.output
    assert "læses som 'opus'" in run.output
    assert delivered_total(tmp_path / "out" / "SIU_101_2025_voksen.xml") == export.total
