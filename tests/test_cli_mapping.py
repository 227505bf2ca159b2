"""``siu mapping init|check`` end to end, and the mapping file's findings in convert/validate."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from lxml import etree

from siu.adapters import ReadInfo, ReadOptions
from siu.host.plugins import load_plugins
from siu.mapping import load_mapping
from siu.models import Finding
from siu.specpack import BUILTIN_DIR, SpecPack

DOCS = Path(__file__).resolve().parents[1] / "docs" / "mapping.md"
FIELDS = ("name", "function", "dranst", "grouping", "paragraph")
CONDITIONS = ("psp", "cost_centre", "gl_account", "artskonto")


def docs_example() -> list[dict[str, str]]:
    """The filled-in demo rules: the TOML block after ``<!-- demo-example -->`` in docs/mapping.md."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- demo-example -->\s*```toml\n(.*?)```", text, re.S)
    assert block, "docs/mapping.md must keep its demo example"
    return tomllib.loads(block.group(1))["rule"]


def condition(rule: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((d, str(rule[d])) for d in CONDITIONS if d in rule)


def fill(starter: str, example: list[dict[str, str]]) -> str:
    """Fill each starter rule in place, as a user would edit the file, from the docs' example."""
    by_condition = {condition(r): r for r in example}
    blocks = starter.split("\n[[rule]]\n")
    out = [blocks[0]]
    for block in blocks[1:]:
        head = tomllib.loads(block)
        values = by_condition.pop(condition(head))
        for name in FIELDS:
            block, n = re.subn(rf"(?m)^{name} = .*$", f"{name} = {values[name]!r}".replace("'", '"'), block)
            assert n == 1, f"the starter rule has no {name} line to fill"
        out.append(block)
    assert not by_condition, f"the docs fill rules the starter lacks: {list(by_condition)}"
    return "\n[[rule]]\n".join(out)


def records(path: Path) -> list[tuple[str | None, ...]]:
    xml = SpecPack.load(BUILTIN_DIR / "2025").manifest.xml
    ns = {"s": xml.namespace} if xml.namespace else {}
    prefix = "s:" if xml.namespace else ""
    tree = etree.parse(str(path))
    rows = []
    for element in tree.iterfind(f".//{prefix}{xml.record}", ns):
        rows.append(tuple(child.text for child in element))
    return sorted(rows, key=lambda r: tuple(x or "" for x in r))


def demo_input(demo_dir: Path) -> str:
    return str(demo_dir / "opus-udtraek-2025.csv")


def test_init_fill_as_documented_then_convert_without_unmapped_postings(siu, demo_dir, tmp_path):
    run = siu("mapping", "init", "--source", "opus", demo_input(demo_dir), "-o", "mapping.toml")
    assert run.exit_code == 0, run.output
    starter = (tmp_path / "mapping.toml").read_text(encoding="utf-8")

    # the starter is valid TOML, loads with no rule filled in, and lists every combination
    empty = load_mapping(tmp_path / "mapping.toml")
    assert empty.rules == [] and empty.skipped == 5
    assert [condition(r) for r in tomllib.loads(starter)["rule"]] == [
        (("psp", "XG-5385010001-0001"),),  # largest gross amount first (expenditure and revenue)
        (("psp", "XG-5385210001-0001"),),
        (("psp", "XG-5384210001-0001"),),
        (("cost_centre", "5384200200"),),
        (("psp", "XG-5385110001-0001"),),
    ]
    assert "# 6 posteringer, i alt 127.500,00 kr." in starter
    assert "# artskonti: 40110000 (5), 77100000 (1)" in starter
    assert "# 3 posteringer, i alt 22.350,00 kr." in starter

    (tmp_path / "filled.toml").write_text(fill(starter, docs_example()), encoding="utf-8")
    filled = load_mapping(tmp_path / "filled.toml")
    assert len(filled.rules) == 5 and not filled.overlaps and not filled.shadowed

    config = str(demo_dir / "siu.toml")
    run = siu(
        "convert",
        "--source",
        "opus",
        demo_input(demo_dir),
        "--config",
        config,
        "--mapping",
        "filled.toml",
        "--out",
        "ours",
    )
    assert run.exit_code == 0, run.output
    assert "SIU201" not in run.output and "SIU121" not in run.output
    reference = siu("convert", "--source", "opus", demo_input(demo_dir), "--config", config, "--out", "demo")
    assert reference.exit_code == 0, reference.output
    ours, theirs = (
        records(tmp_path / "ours" / "SIU_101_2025_voksen.xml"),
        records(tmp_path / "demo" / "SIU_101_2025_voksen.xml"),
    )
    assert len(ours) == 19 and ours == theirs

    run = siu("mapping", "check", "--source", "opus", demo_input(demo_dir), "--mapping", "filled.toml")
    assert run.exit_code == 0, run.output
    assert "19 posteringer: 19 med konto, 0 uden tilknytning, 0 tvetydige" in run.output


def test_check_lists_unmapped_postings_and_exits_1(siu, demo_dir, tmp_path):
    assert siu("mapping", "init", "-s", "opus", demo_input(demo_dir), "-o", "m.toml").exit_code == 0
    run = siu("mapping", "check", "-s", "opus", demo_input(demo_dir), "-m", "m.toml", "--lang", "en")
    assert run.exit_code == 1
    assert "PSP XG-5385010001-0001" in run.output and "cost centre 5384200200" in run.output
    assert "19 postings: 0 mapped, 19 unmapped" in run.output


def test_check_asks_the_mapping_hook_once_per_distinct_account(siu, demo_dir, monkeypatch):
    """As convert does: one call per distinct combination of account dimensions, not per posting."""
    import siu.cli.common as common

    calls: list[dict[str, str]] = []
    load_host = common._load_host

    def counting_host(*args, **kwargs):
        host = load_host(*args, **kwargs)
        hook = host.hook.map_account

        def map_account(**kw):
            calls.append(kw["posting"].dims)
            return hook(**kw)

        monkeypatch.setattr(host.hook, "map_account", map_account)
        return host

    monkeypatch.setattr(common, "_load_host", counting_host)
    run = siu("mapping", "check", "-s", "opus", demo_input(demo_dir), "--config", str(demo_dir / "siu.toml"))
    assert run.exit_code == 0, run.output
    assert "19 posteringer: 19 med konto, 0 uden tilknytning" in run.output
    postings = [
        p
        for p in load_plugins().sources["opus"].read(Path(demo_input(demo_dir)), ReadOptions(), ReadInfo())
        if not isinstance(p, Finding)
    ]
    distinct = {tuple(sorted(p.dims.items())) for p in postings}
    assert len(postings) == 19 and len(distinct) < 19
    assert sorted(tuple(sorted(d.items())) for d in calls) == sorted(distinct)


def test_check_reports_ambiguous_postings_and_overlaps(siu, demo_dir, tmp_path):
    (tmp_path / "m.toml").write_text(
        """
[[rule]]
psp = "XG-*"
function = "5.38.50"
grouping = "001"

[[rule]]
psp = "XG-5385210001-*"
function = "5.38.52"
grouping = "001"

[[rule]]
artskonto = "77*"
function = "5.38.50"
grouping = "001"

[[rule]]
cost_centre = "5384200200"
function = "5.38.42"
grouping = "002"
paragraph = "SEL110"
""",
        encoding="utf-8",
    )
    run = siu("mapping", "check", "-s", "opus", demo_input(demo_dir), "-m", "m.toml")
    assert run.exit_code == 0, run.output  # ambiguity and overlaps are warnings
    assert "SIU205" in run.output and "regel 2 bruges aldrig" in run.output
    assert "regel 1, regel 3" in run.output  # the revenue posting on XG-5385010001 matches rules 1 and 3
    assert "regel 1, regel 2" in run.output  # the never-used rule 2 matches Fjordly's 4 postings too
    assert "19 posteringer: 19 med konto, 0 uden tilknytning, 5 tvetydige" in run.output

    # the same warning reaches convert/validate as a finding
    run = siu("validate", "-s", "opus", demo_input(demo_dir), "--config", str(demo_dir / "siu.toml"), "-m", "m.toml")
    assert "SIU205" in run.output, run.output


def test_init_lists_only_what_an_existing_mapping_lacks(siu, demo_dir, tmp_path):
    run = siu(
        "mapping", "init", "-s", "opus", demo_input(demo_dir), "-m", str(demo_dir / "mapping.toml"), "-o", "new.toml"
    )
    assert run.exit_code == 0
    assert "Alle posteringer er dækket" in run.output
    assert not (tmp_path / "new.toml").exists()

    partial = tmp_path / "partial.toml"
    partial.write_text('[[rule]]\npsp = "XG-5385010001-*"\nfunction = "5.38.50"\ngrouping = "001"\n', encoding="utf-8")
    run = siu("mapping", "init", "-s", "opus", demo_input(demo_dir), "-m", str(partial), "-o", "new.toml")
    assert run.exit_code == 0, run.output
    rules = tomllib.loads((tmp_path / "new.toml").read_text(encoding="utf-8"))["rule"]
    assert len(rules) == 4 and all(r.get("psp") != "XG-5385010001-0001" for r in rules)
    assert "(6 posteringer var allerede dækket)" in (tmp_path / "new.toml").read_text(encoding="utf-8")


def test_init_never_overwrites_without_force(siu, demo_dir, tmp_path):
    (tmp_path / "mapping.toml").write_text("# mine\n", encoding="utf-8")
    run = siu("mapping", "init", "-s", "opus", demo_input(demo_dir), "-o", "mapping.toml")
    assert run.exit_code == 2 and "--force" in run.output
    assert (tmp_path / "mapping.toml").read_text(encoding="utf-8") == "# mine\n"
    assert siu("mapping", "init", "-s", "opus", demo_input(demo_dir), "-o", "mapping.toml", "--force").exit_code == 0
    assert load_mapping(tmp_path / "mapping.toml").skipped == 5


def test_starter_escapes_odd_values_and_groups_by_cost_carrier(siu, tmp_path):
    rows = [
        "Bilagsnr;PSP-element;Omkostningssted;Artskonto;CPR-nr;Beløb;Periode fra;Periode til",
        '1;XG-"quoted"\\path;;40110000;0101601235;100,00;01.01.2025;31.01.2025',
        '2;XG-"quoted"\\path;;77100000;0101601235;50,00-;01.01.2025;31.01.2025',
        "3;;4711;40110000;0101601235;1.000,00;01.01.2025;31.01.2025",
        "4;;;40110000;0101601235;10,00;01.01.2025;31.01.2025",
    ]
    (tmp_path / "in.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = siu("mapping", "init", "-s", "opus", "in.csv", "-o", "m.toml")
    assert run.exit_code == 0, run.output
    text = (tmp_path / "m.toml").read_text(encoding="utf-8")
    rules = tomllib.loads(text)["rule"]
    assert [condition(r) for r in rules] == [
        (("cost_centre", "4711"),),
        (("psp", 'XG-"quoted"\\path'),),  # both artskonti in one rule; 150 gross
        (("artskonto", "40110000"),),  # nothing but an artskonto
    ]
    assert "0101601235" not in text


def test_without_a_mapping_file_the_run_says_how_to_get_one(siu, demo_dir):
    run = siu("validate", "-s", "opus", demo_input(demo_dir), "--kommune", "101", "--year", "2025")
    assert run.exit_code == 1
    assert "SIU201" in run.output and "SIU207" in run.output
    assert "19 linjer har ingen kontostreng, og der er ikke angivet en tilknytningsfil" in run.output


def test_csv_starter_loads_empty_and_converts_once_filled(siu, demo_dir, tmp_path):
    import csv
    import io

    run = siu("mapping", "init", "-s", "opus", demo_input(demo_dir), "-o", "mapping.csv")
    assert run.exit_code == 0, run.output
    assert load_mapping(tmp_path / "mapping.csv").skipped == 5
    raw = (tmp_path / "mapping.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [(r["psp"] or r["cost_centre"], r["postings"], r["total"]) for r in rows][0] == (
        "XG-5385010001-0001",
        "6",
        "127.500,00",
    )
    by_condition = {condition(r): r for r in docs_example()}
    for row in rows:
        rule = by_condition[condition({k: v for k, v in row.items() if v})]
        row.update({name: rule[name] for name in FIELDS})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "filled.csv").write_text(buffer.getvalue(), encoding="utf-8")
    run = siu(
        "convert",
        "-s",
        "opus",
        demo_input(demo_dir),
        "--config",
        str(demo_dir / "siu.toml"),
        "-m",
        "filled.csv",
        "--out",
        "out",
    )
    assert run.exit_code == 0, run.output
    assert "SIU201" not in run.output


def test_check_counts_every_posting_of_an_invalid_account_and_shows_the_first(siu, tmp_path):
    """One hook call per account, yet each posting counted, and the sample is the first posting's."""
    (tmp_path / "siu.toml").write_text(
        'kommune = "101"\nyear = 2025\n\n[source.csv.columns]\ncpr = "Personnummer"\nkontostreng = "Konto"\n'
        'start = "Fra"\nend = "Til"\namount = "Beløb"\n',
        encoding="utf-8",
    )
    rows = [
        ("010160-1235", "5.38.42.1.002.4.0", "100,00"),
        ("150372-2468", "hej", "7,00"),
        ("010160-1235", "5.38.42.1.002", "50,00"),
        ("010160-1235", "hej", "8,00"),
        ("150372-2468", "5.38.42.1.002.4.0", "1,00"),
    ]
    lines = ["Personnummer;Konto;Fra;Til;Beløb"] + [f"{c};{k};01.01.2025;31.01.2025;{a}" for c, k, a in rows]
    (tmp_path / "liste.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "m.toml").write_text('[[rule]]\npsp = "X*"\nfunction = "5.38.50"\ngrouping = "001"\n', encoding="utf-8")
    run = siu("mapping", "check", "-s", "csv", "liste.csv", "--config", "siu.toml", "-m", "m.toml", "--lang", "en")
    assert run.exit_code == 1, run.output
    assert "SIU202 × 2: The account string 'hej' cannot be read" in run.output
    assert "(liste.csv, række 3, kolonne Konto)" in run.output  # the first of the two
    assert "SIU203 × 1" in run.output
    assert "5 postings: 2 mapped, 0 unmapped, 0 ambiguous, 3 with an invalid account" in run.output
