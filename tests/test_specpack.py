"""Spec packs as data: loading, consistency checks, the registry, plugin packs, and that editing a
pack (a copy in a temporary folder, used with --spec-dir) changes behaviour without code changes."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from siu.host.specs_registry import SpecRegistry
from siu.specpack import BUILTIN_DIR, SpecError, SpecPack, diff_packs, xsd_enumerations

DEMO_CSV = "opus-udtraek-2025.csv"


def copy_pack(tmp_path: Path, year: int = 2025, name: str = "pack") -> Path:
    dest = tmp_path / name
    shutil.copytree(BUILTIN_DIR / str(year), dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the built-in packs ------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_builtin_packs_load_and_match_their_xsd(year: int) -> None:
    pack = SpecPack.load(BUILTIN_DIR / str(year))
    assert pack.year == year
    enums = xsd_enumerations(pack.root / pack.manifest.xml.schema_file)
    assert enums["OmraadeType"] == set(pack.areas)
    assert enums["ParagrafType"] == set(pack.paragraphs)
    pack.schema  # the XSD compiles
    assert pack.manifest.xml.record_fields["psr_id"] == "PsrID"
    assert pack.manifest.xml.record_fields["kontostreng"] == "KONTOSTRENG"
    assert pack.manifest.xml.header_fields["full_load"] == "FuldLeverance"


def test_2025_is_the_adult_area_with_its_five_paragraphs() -> None:
    pack = SpecPack.load(BUILTIN_DIR / "2025")
    assert pack.areas == ["voksen"]
    assert sorted(pack.paragraphs_for("voksen")) == ["SEL107", "SEL108", "SEL109", "SEL110", "SEL85-ABL105"]
    assert [p for p in pack.paragraphs if pack.anonymous_allowed(p)] == ["SEL109"]


def test_2026_adds_a_provisional_childrens_area() -> None:
    pack = SpecPack.load(BUILTIN_DIR / "2026")
    assert pack.areas == ["voksen", "boern"]
    children = pack.paragraphs_for("boern")
    assert children and all(pack.paragraphs[c].provisional and pack.paragraphs[c].source for c in children)
    assert pack.manifest.area_info["boern"].provisional
    entry = pack.chart_entry("5.28.22", "1", "001")
    assert entry is not None and entry.paragraph in children and entry.provisional
    assert "begge" in xsd_enumerations(pack.root / "siu.xsd")["LeveranceOmraadeType"]
    assert any("boern" in fact for fact in pack.provisional())


def test_diff_2025_2026_names_the_new_area_paragraphs_and_functions() -> None:
    d = diff_packs(SpecPack.load(BUILTIN_DIR / "2025"), SpecPack.load(BUILTIN_DIR / "2026"))
    assert list(d["areas"]["added"]) == ["boern"]
    assert set(d["paragraphs"]["added"]) == {"BL32", "BL43"}
    assert not d["paragraphs"]["removed"]
    assert all(key.startswith("5.28.") for key in d["chart"]["added"])
    assert d["settings"]["xml.namespace"] == {"from": "urn:dst:siu:2025", "to": "urn:dst:siu:2026"}
    assert d["xsd_changed"] is True


def test_digest_changes_with_any_pack_file(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    before = SpecPack.load(root).digest
    edit(root / "chart.csv", "Botilbud til længerevarende ophold", "Længerevarende botilbud")
    assert SpecPack.load(root).digest != before


# --- broken packs are SpecErrors in Danish and English -------------------------------------


@pytest.mark.parametrize(
    ("damage", "da", "en"),
    [
        (lambda r: (r / "chart.csv").unlink(), "chart.csv mangler", "chart.csv is missing"),
        (lambda r: (r / "manifest.toml").unlink(), "har ingen manifest.toml", "has no manifest.toml"),
        (lambda r: (r / "siu.xsd").unlink(), "XSD'en siu.xsd mangler", "the XSD siu.xsd is missing"),
        (lambda r: edit(r / "manifest.toml", 'root = "SIUIndberetning"\n', ""), "ufuldstændig", "incomplete"),
        (lambda r: edit(r / "manifest.toml", "year = 2025", "year = 2025 ="), "ikke gyldig TOML", "not valid TOML"),
        (lambda r: edit(r / "manifest.toml", "decimals = 2", "decimal = 0"), "amount.decimal", "amount.decimal"),
        (
            lambda r: edit(r / "manifest.toml", 'default_area = "voksen"', 'default_area = "boern"'),
            "default_area",
            "default_area",
        ),
        (lambda r: edit(r / "paragraphs.csv", "SEL110,voksen", "SEL110,boern"), "har området boern", "has area boern"),
        (lambda r: edit(r / "chart.csv", ",SEL108,", ",SEL999,"), "SEL999", "SEL999"),
        (
            lambda r: edit(r / "chart.csv", "Botilbud til længerevarende ophold (§ 108)", "Botilbud, længerevarende"),
            "linje",
            "line",
        ),
        (
            lambda r: edit(r / "siu.xsd", '<xs:enumeration value="SEL110"/>', ""),
            "ParagrafType tillader",
            "ParagrafType allows",
        ),
    ],
    ids=[
        "no-chart",
        "no-manifest",
        "no-xsd",
        "manifest-field",
        "toml",
        "misspelt-key",
        "default-area",
        "paragraph-area",
        "chart-paragraph",
        "csv-fields",
        "xsd-drift",
    ],
)
def test_broken_pack_is_a_bilingual_spec_error(
    tmp_path: Path, damage: Callable[[Path], None], da: str, en: str
) -> None:
    root = copy_pack(tmp_path)
    damage(root)
    with pytest.raises(SpecError) as info:
        SpecPack.load(root)
    assert da in info.value.message_da
    assert en in info.value.message_en
    assert str(root) in info.value.message_en


# --- the registry ---------------------------------------------------------------------------


class FakeHost:
    def __init__(self, dirs: list[tuple[Path, str]]) -> None:
        self.spec_pack_dirs = dirs


def test_plugin_pack_replaces_builtin_and_spec_dir_replaces_both(tmp_path: Path) -> None:
    plugin_pack = copy_pack(tmp_path, name="plugin2025")
    edit(plugin_pack / "manifest.toml", 'version = "2025.1"', 'version = "2025.2"')
    reg = SpecRegistry.from_host(FakeHost([(plugin_pack, "dst_fix")]))  # type: ignore[arg-type]
    assert reg.get(2025).version == "2025.2"
    assert reg.get(2025).origin == "plugin dst_fix"
    assert reg.get(2026).origin == "siu"
    mine = copy_pack(tmp_path, name="mine")
    edit(mine / "manifest.toml", 'version = "2025.1"', 'version = "2025.9"')
    reg = SpecRegistry.from_host(FakeHost([(plugin_pack, "dst_fix")]), extra=[mine])  # type: ignore[arg-type]
    assert reg.get(2025).version == "2025.9"
    assert [e.active for e in reg.entries if e.year == 2025] == [False, False, True]


def test_broken_plugin_pack_is_a_problem_only_for_its_year(tmp_path: Path) -> None:
    broken = copy_pack(tmp_path, 2026, name="2026")
    (broken / "paragraphs.csv").unlink()
    reg = SpecRegistry.from_host(FakeHost([(broken, "bad")]))  # type: ignore[arg-type]
    assert reg.get(2025).year == 2025
    assert [p.origin for p in reg.problems] == ["plugin bad"]
    with pytest.raises(SpecError, match="paragraphs.csv"):
        reg.get(2026)


def test_spec_dir_must_load_and_match_the_year(tmp_path: Path) -> None:
    broken = copy_pack(tmp_path, name="broken")
    (broken / "chart.csv").unlink()
    with pytest.raises(SpecError):
        SpecRegistry.from_host(None, extra=[broken])
    reg = SpecRegistry.from_host(None, extra=[copy_pack(tmp_path)])
    with pytest.raises(SpecError) as info:
        reg.get(2026)
    assert "--year 2025" in info.value.message_da and "--year 2025" in info.value.message_en


def test_unknown_year_names_the_years_there_are() -> None:
    with pytest.raises(SpecError) as info:
        SpecRegistry.from_host(None).get(2019)
    assert "2019" in info.value.message_da and "2025, 2026" in info.value.message_en


# --- editing a pack changes behaviour (CLI, --spec-dir) ---------------------------------------


def demo_args(demo_dir: Path, *extra: str) -> list[str]:
    return [str(demo_dir / DEMO_CSV), "--source", "opus", "--config", str(demo_dir / "siu.toml"), *extra]


def test_unmodified_copy_behaves_like_the_builtin_pack(siu, demo_dir: Path, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    run = siu("validate", *demo_args(demo_dir, "--spec-dir", str(pack)))
    assert run.exit_code == 0, run.output


def test_whole_kroner_in_the_pack_makes_oere_an_error(siu, demo_dir: Path, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    edit(pack / "manifest.toml", "decimals = 2", "decimals = 0")
    run = siu("validate", *demo_args(demo_dir, "--spec-dir", str(pack)))
    assert run.exit_code == 1
    assert "SIU132" in run.output


def test_removing_a_function_from_the_chart_puts_it_out_of_scope(siu, demo_dir: Path, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    lines = (pack / "chart.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (pack / "chart.csv").write_text("".join(l for l in lines if not l.startswith("5.38.52,")), encoding="utf-8")
    run = siu("validate", *demo_args(demo_dir, "--spec-dir", str(pack)))
    assert run.exit_code == 1
    assert "SIU120" in run.output and "5.38.52" in run.output


def test_renaming_an_element_in_pack_and_xsd_renames_it_in_the_delivery(siu, demo_dir: Path, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    edit(pack / "manifest.toml", 'amount = "Beloeb"', 'amount = "BeloebKr"')
    edit(
        pack / "siu.xsd",
        '<xs:element name="Beloeb" type="BeloebType"/>',
        '<xs:element name="BeloebKr" type="BeloebType"/>',
    )
    run = siu("convert", *demo_args(demo_dir, "--spec-dir", str(pack), "--out", str(tmp_path / "out")))
    assert run.exit_code == 0, run.output
    xml = (tmp_path / "out" / "SIU_101_2025_voksen.xml").read_text(encoding="utf-8")
    assert "<BeloebKr>42500.00</BeloebKr>" in xml and "<Beloeb>" not in xml


def test_pack_edit_the_xsd_disagrees_with_stops_the_run_with_exit_2(siu, demo_dir: Path, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    with (pack / "paragraphs.csv").open("a", encoding="utf-8") as fh:
        fh.write("SEL111,voksen,serviceloven,§ 111,Ny paragraf,New paragraph,no,code,test\n")
    run = siu("validate", *demo_args(demo_dir, "--spec-dir", str(pack)))
    assert run.exit_code == 2
    assert "ParagrafType" in run.output and "Traceback" not in run.output


def test_plugin_ships_a_spec_pack_through_the_hook(siu, demo_dir: Path, tmp_path: Path) -> None:
    pack = copy_pack(tmp_path, name="dst_2025_fix")
    edit(pack / "manifest.toml", 'version = "2025.1"', 'version = "2025.1-dst-fix"')
    (tmp_path / "dst_fix.py").write_text(
        textwrap.dedent(
            f"""
            from pathlib import Path
            from siu import hookimpl

            @hookimpl
            def register_spec_packs():
                return [Path({str(pack)!r})]
            """
        ),
        encoding="utf-8",
    )
    config = tmp_path / "siu.toml"
    config.write_text(
        (demo_dir / "siu.toml")
        .read_text(encoding="utf-8")
        .replace('mapping = "mapping.toml"', f'mapping = {str(demo_dir / "mapping.toml")!r}\nplugins = ["dst_fix.py"]'),
        encoding="utf-8",
    )
    listing = siu("specs", "list", "--json", "--config", str(config))
    assert listing.exit_code == 0, listing.output
    assert "2025.1-dst-fix" in listing.stdout
    run = siu(
        "convert", str(demo_dir / DEMO_CSV), "--source", "opus", "--config", str(config), "--out", str(tmp_path / "out")
    )
    assert run.exit_code == 0, run.output
    xml = (tmp_path / "out" / "SIU_101_2025_voksen.xml").read_bytes()
    assert b"<Specifikationsversion>2025.1-dst-fix</Specifikationsversion>" in xml
    etree.XMLSchema(etree.parse(str(pack / "siu.xsd"))).assertValid(etree.fromstring(xml))


def test_an_xsd_that_does_not_compile_is_a_spec_error_at_load(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root / "siu.xsd", 'type="BeloebType"', 'type="NoSuchType"')
    with pytest.raises(SpecError) as info:
        SpecPack.load(root)
    assert "ikke en gyldig XSD" in info.value.message_da and "not a valid XSD" in info.value.message_en


def test_2026_carries_the_2025_adult_scope_over() -> None:
    old, new = SpecPack.load(BUILTIN_DIR / "2025"), SpecPack.load(BUILTIN_DIR / "2026")
    assert {c: p.model_dump(exclude={"source"}) for c, p in old.paragraphs.items()} == {
        c: p.model_dump(exclude={"source"}) for c, p in new.paragraphs.items() if p.area == "voksen"
    }
    adult = [c.model_dump(exclude={"source"}) for c in new.chart if not c.function.startswith("5.28.")]
    assert adult == [c.model_dump(exclude={"source"}) for c in old.chart]  # edit both packs when the 2025 chart changes
    assert new.manifest.xml.record_fields == old.manifest.xml.record_fields
    assert new.manifest.excel == old.manifest.excel
