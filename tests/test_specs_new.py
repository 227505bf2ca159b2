"""Adopting DST's own format: siu specs new --from-xsd/--template and siu specs check (issue 17, point 6).

The "DST" XSD and template here are invented and differ from siu's own pack in element names,
order, namespace, types (whole kroner as xs:long, dates as yyyymmdd text), a fixed header value,
and the template's sheet, header row, texts and column order.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import Workbook, load_workbook

from siu.cli.specs_new import RECORD_NAMES, derive, fold, match
from siu.specpack import BUILTIN_DIR, SpecPack

DST_XSD = r"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:d="http://dst.dk/siu/test/v3"
           targetNamespace="http://dst.dk/siu/test/v3" elementFormDefault="qualified">
  <xs:simpleType name="DatoTekst"><xs:restriction base="xs:string"><xs:pattern value="\d{8}"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="HeleKroner"><xs:restriction base="xs:long"/></xs:simpleType>
  <xs:simpleType name="Ydelse"><xs:restriction base="xs:string">
    <xs:enumeration value="SEL107"/><xs:enumeration value="SEL108"/><xs:enumeration value="SEL109"/>
    <xs:enumeration value="SEL110"/><xs:enumeration value="SEL85-ABL105"/></xs:restriction></xs:simpleType>
  <xs:complexType name="Post">
    <xs:sequence>
      <xs:element name="Fradato" type="d:DatoTekst"/>
      <xs:element name="Tildato" type="d:DatoTekst"/>
      <xs:element name="CPRnummer"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="\d{10}"/></xs:restriction></xs:simpleType></xs:element>
      <xs:element name="Kontonummer" type="xs:string"/>
      <xs:element name="Ydelsesparagraf" type="d:Ydelse"/>
      <xs:element name="BeloebKr" type="d:HeleKroner"/>
      <xs:element name="Note" type="xs:string" minOccurs="0"/>
      EXTRA
    </xs:sequence>
  </xs:complexType>
  <xs:element name="IndividudgiftAflevering">
    <xs:complexType><xs:sequence>
      <xs:element name="Hoved"><xs:complexType><xs:sequence>
        <xs:element name="Formatversion" type="xs:string" fixed="3.0"/>
        <xs:element name="KommuneNr" type="xs:string"/>
        <xs:element name="Aar" type="xs:gYear"/>
        <xs:element name="Oprettet" type="xs:dateTime"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="Poster"><xs:complexType><xs:sequence>
        <xs:element name="Post" type="d:Post" maxOccurs="unbounded"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="Afstemning"><xs:complexType><xs:sequence>
        <xs:element name="AntalPoster" type="xs:integer"/>
        <xs:element name="SumNetto" type="xs:long"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
"""
HEADERS = ["CPR-nr.", "Paragraf", "Fra dato", "Til dato", "Konto", "Beløb (kr.)"]


def _files(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    xsd = tmp_path / "DST_SIU_v3.xsd"
    xsd.write_text(DST_XSD.replace("EXTRA", extra), encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "Udgifter"
    ws.append(["Danmarks Statistik — individhenførbare udgifter"])
    ws.append([])
    ws.append(HEADERS)
    ws.column_dimensions["A"].width = 15
    template = tmp_path / "DST_skabelon.xlsx"
    wb.save(template)
    return xsd, template


def _demo(demo_dir: Path, *extra: object) -> list[object]:
    return ["--source", "opus", demo_dir / "opus-udtraek-2025.csv", "--config", demo_dir / "siu.toml", *extra]


def test_names_are_matched_by_meaning() -> None:
    assert fold("Beløb (kr.)") == "beloebkr"
    assert match("CPRnummer", RECORD_NAMES, set()) == "psr_id" and match("Tildato", RECORD_NAMES, set()) == "end"
    assert match("Kontonummer", RECORD_NAMES, set()) == "kontostreng" and match("Note", RECORD_NAMES, set()) is None


def test_the_demo_converted_into_dsts_format_validates_against_dsts_xsd(siu, demo_dir, tmp_path) -> None:
    xsd, template = _files(tmp_path)
    pack = tmp_path / "pack"
    made = siu("specs", "new", "2025", "--from-xsd", xsd, "--template", template, "--out", pack, "--lang", "en")
    assert made.exit_code == 0, made.output
    assert "start → Fradato" in made.output and "Formatversion gets the fixed value 3.0" in made.output
    assert "Excel: Udgifter (row 3): " + ", ".join(HEADERS) in made.output
    checked = siu("specs", "check", pack)
    assert checked.exit_code == 0, checked.output
    run = siu("convert", *_demo(demo_dir, "--spec-dir", pack, "--format", "xml", "--out", tmp_path / "xml"))
    assert run.exit_code == 0, run.output
    delivery = tmp_path / "xml" / "SIU_101_2025_voksen.xml"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    tree = etree.parse(str(delivery))
    assert schema.validate(tree), schema.error_log
    ns = {"d": "http://dst.dk/siu/test/v3"}
    assert tree.findtext("d:Hoved/d:Formatversion", namespaces=ns) == "3.0"
    amounts = [int(a) for a in tree.xpath("//d:Post/d:BeloebKr/text()", namespaces=ns)]  # whole kroner
    assert len(amounts) == 19 and int(tree.findtext("d:Afstemning/d:SumNetto", namespaces=ns)) == sum(amounts) == 311040
    assert [e.tag.split("}")[1] for e in tree.find("d:Poster/d:Post", namespaces=ns)] == [
        "Fradato",
        "Tildato",
        "CPRnummer",
        "Kontonummer",
        "Ydelsesparagraf",
        "BeloebKr",
    ]
    assert tree.findtext("d:Poster/d:Post/d:Fradato", namespaces=ns) == "20250101"
    # and the IDEP template in DST's layout
    run = siu("convert", *_demo(demo_dir, "--spec-dir", pack, "--format", "xlsx", "--out", tmp_path / "xlsx"))
    assert run.exit_code == 0, run.output
    ws = load_workbook(tmp_path / "xlsx" / "SIU_101_2025_voksen.xlsx")["Udgifter"]
    assert [c.value for c in ws[3]] == HEADERS


def test_what_cannot_be_derived_is_listed(siu, tmp_path) -> None:
    xsd, _ = _files(tmp_path, extra='<xs:element name="Sagsbehandler" type="xs:string"/>')
    made = siu("specs", "new", "2025", "--from-xsd", xsd, "--out", tmp_path / "pack", "--lang", "en")
    assert made.exit_code == 1, made.output
    assert "the required element Sagsbehandler (string) matches no field of siu" in made.output
    checked = siu("specs", "check", tmp_path / "pack", "--lang", "en")
    assert checked.exit_code == 1 and "Sagsbehandler" in checked.output
    manifest = (tmp_path / "pack" / "manifest.toml").read_text(encoding="utf-8")
    assert "To fill in: line: the required element Sagsbehandler" in manifest


def test_not_an_xsd_is_a_clear_error(siu, tmp_path) -> None:
    bad = tmp_path / "x.xsd"
    bad.write_text("<html/>", encoding="utf-8")
    run = siu("specs", "new", "2025", "--from-xsd", bad, "--out", tmp_path / "p")
    assert run.exit_code == 2 and "ikke en XSD" in run.output and "Traceback" not in run.output


# Names DST might use for each line field; the derived pack must keep the XSD's order whatever it is.
NAMES = {
    "psr_id": ["PsrID", "CPRnummer", "Cpr", "PersonID"],
    "kontostreng": ["KONTOSTRENG", "Kontonummer", "Konto"],
    "amount": ["Beloeb", "BeloebKr", "Amount", "Udgift"],
    "start": ["StartDato", "Fradato", "PeriodeFra"],
    "end": ["SlutDato", "Tildato", "PeriodeTil"],
}


@given(st.permutations(list(NAMES)), st.data())
@settings(max_examples=40, deadline=None)
def test_any_order_and_naming_of_line_elements_is_derived(tmp_path_factory, order, data) -> None:
    names = {key: data.draw(st.sampled_from(NAMES[key])) for key in order}
    elements = "".join(f'<xs:element name="{names[k]}" type="xs:string"/>' for k in order)
    xsd = tmp_path_factory.mktemp("x") / "dst.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x" elementFormDefault="qualified">'
        '<xs:element name="R"><xs:complexType><xs:sequence>'
        '<xs:element name="H"><xs:complexType><xs:sequence><xs:element name="Kommune" '
        'type="xs:string"/></xs:sequence></xs:complexType></xs:element>'
        '<xs:element name="L"><xs:complexType><xs:sequence><xs:element name="P" '
        f'maxOccurs="unbounded"><xs:complexType><xs:sequence>{elements}'
        "</xs:sequence></xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>"
        "</xs:sequence></xs:complexType></xs:element></xs:schema>",
        encoding="utf-8",
    )
    derived = derive(2025, xsd, SpecPack.load(BUILTIN_DIR / "2025"))
    fields = derived.manifest["xml"]["record_fields"]
    assert list(fields) == list(order) and all(fields[k] == names[k] for k in order)
    assert derived.manifest["xml"]["namespace"] == "urn:x" and derived.manifest["xml"]["records"] == "L"


def test_siu_s_own_xsd_derives_a_pack_that_writes_full_and_test_deliveries_apart(siu, tmp_path) -> None:
    # FuldLeverance (required) and Testleverance (optional) both have the fixed value "true": the
    # required one is written as fixed, the optional one becomes siu's test marker, not a fixed
    # element on every delivery (the guides' "DST's own format" steps failed on this)
    derived = derive(2025, BUILTIN_DIR / "2025" / "siu.xsd", SpecPack.load(BUILTIN_DIR / "2025"))
    header = derived.manifest["xml"]["header_fields"]
    assert header.get("fixed:true") == "FuldLeverance"
    assert "Testleverance" not in header.values()
    made = siu("specs", "new", "2025", "--from-xsd", BUILTIN_DIR / "2025" / "siu.xsd", "--out", tmp_path / "pack")
    assert made.exit_code == 0, made.output
    assert siu("specs", "check", tmp_path / "pack").exit_code == 0
    assert 'header_field = "Testleverance"' in (tmp_path / "pack" / "manifest.toml").read_text(encoding="utf-8")


def test_a_folder_name_is_shown_as_written_and_decimals_agree(siu, tmp_path) -> None:
    xsd, template = _files(tmp_path)
    pack = tmp_path / "pakke[bold]2025[/]"  # a path is text, not rich markup
    made = siu("specs", "new", "2025", "--from-xsd", xsd, "--template", template, "--out", pack)
    assert made.exit_code == 0, made.output
    output = " ".join(made.output.split())
    assert f"Pakke skrevet: {pack}" in output and f"Brug den med --spec-dir {pack}" in output
    assert "Beløb i XML: 0 decimaler;" in output  # DST's invented format takes whole kroner
