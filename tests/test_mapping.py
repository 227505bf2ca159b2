"""The mapping file: loading and its errors, first match, overlap detection, the map_account hook."""

from __future__ import annotations

import fnmatch
import itertools
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu import hookimpl
from siu import kontostreng as ks
from siu.base.config import Settings
from siu.context import Context
from siu.host.plugins import load_plugins
from siu.mapping import (
    BAD_ACCOUNT,
    NO_ART,
    OVERLAP,
    SHADOWED,
    MappingError,
    _glob_covers,
    globs_intersect,
    load_mapping,
    map_account,
)
from siu.models import AccountMapping, Finding, Location, Posting
from siu.specpack import BUILTIN_DIR, SpecPack


def write(tmp_path: Path, text: str, name: str = "mapping.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def context(mapping: Path | None) -> Context:
    spec = SpecPack.load(BUILTIN_DIR / "2025")
    return Context(settings=Settings(mapping=mapping), spec=spec, kommune="101", year=2025, area="voksen")


def posting(row: int = 2, **dims: str) -> Posting:
    columns = {d: d.upper() for d in dims}
    return Posting(
        source="test", location=Location(file="in.csv", row=row), amount=Decimal(100), dims=dims, columns=columns
    )


RULES = """
    [[rule]]
    name = "Special case first"
    psp = "XG-5385010001-0007"
    function = "5.38.52"
    grouping = "002"

    [[rule]]
    name = "Bakkehuset"
    psp = "XG-5385010001-*"
    function = "5.38.50"
    grouping = "1"

    [[rule]]
    cost_centre = ["5384200200", "53842003??"]
    function = "5.38.42"
    dranst = 1
    grouping = "002"
    paragraph = "SEL110"

    [[rule]]
    name = "starter rule not filled in yet"
    psp = "XG-9999"
    function = ""
    grouping = ""

    [[rule]]
    gl_account = "4711"
    artskonto = "5*"
    function = "5.38.45"
    grouping = "003"
    art = "4.0"
"""


@pytest.mark.parametrize(
    ("dims", "account", "paragraph", "rule"),
    [
        ({"psp": "XG-5385010001-0001", "artskonto": "40110000"}, "5.38.50.1.001.4.0", None, 2),
        ({"psp": "xg-5385010001-0001", "artskonto": "40110000"}, "5.38.50.1.001.4.0", None, 2),  # case-insensitive
        ({"psp": "XG-5385010001-0007", "artskonto": "77100000"}, "5.38.52.1.002.7.7", None, 1),  # first match wins
        ({"cost_centre": "5384200200", "artskonto": "40130000"}, "5.38.42.1.002.4.0", "SEL110", 3),
        ({"cost_centre": "5384200317", "artskonto": "40130000"}, "5.38.42.1.002.4.0", "SEL110", 3),  # list + pattern
        ({"gl_account": "4711", "artskonto": "51000000"}, "5.38.45.1.003.4.0", None, 5),  # art from the rule
    ],
)
def test_first_matching_rule_decides_the_account(tmp_path, dims, account, paragraph, rule):
    ctx = context(write(tmp_path, RULES))
    result = map_account(posting(**dims), ctx)
    assert isinstance(result, AccountMapping)
    assert str(result.kontostreng) == account
    assert result.paragraph == paragraph
    assert result.rule is not None and result.rule.startswith(f"regel {rule}")


@pytest.mark.parametrize(
    "dims",
    [
        {"psp": "XG-5385010002-0001", "artskonto": "40110000"},
        {"psp": "XG-9999", "artskonto": "40110000"},  # only a starter rule without function matches
        {"cost_centre": "5384200400", "artskonto": "40130000"},
        {"gl_account": "4711", "artskonto": "40000000"},  # all conditions must match
        {},
    ],
)
def test_unmapped_postings_get_no_answer(tmp_path, dims):
    assert map_account(posting(**dims), context(write(tmp_path, RULES))) is None


def test_without_mapping_file_only_given_accounts_are_mapped():
    ctx = context(None)
    assert map_account(posting(psp="XG-1"), ctx) is None
    result = map_account(posting(kontostreng="5.38.50.1.001.4.0"), ctx)
    assert isinstance(result, AccountMapping) and result.rule == "kontostreng"


def test_given_kontostreng_and_paragraph_win_over_the_rules(tmp_path):
    ctx = context(write(tmp_path, RULES))
    result = map_account(
        posting(kontostreng="538421001", artskonto="40140000", paragraph="SEL109", psp="XG-5385010001-1"), ctx
    )
    assert isinstance(result, AccountMapping)
    assert str(result.kontostreng) == "5.38.42.1.001.4.0"  # art from the artskonto
    assert result.paragraph == "SEL109"


def test_bad_given_kontostreng_is_a_finding_at_its_cell(tmp_path):
    ctx = context(None)
    result = map_account(posting(row=7, kontostreng="5.38.50.1"), ctx)
    assert isinstance(result, Finding) and result.code == BAD_ACCOUNT.code
    assert result.location == Location(file="in.csv", row=7, column="KONTOSTRENG")
    assert "hovedkonto.hovedfunktion" in result.message_da


@pytest.mark.parametrize("artskonto", [None, "4", "X1100000"])
def test_missing_art_is_a_finding(tmp_path, artskonto):
    ctx = context(write(tmp_path, RULES))
    dims = {"psp": "XG-5385010001-0001"} | ({"artskonto": artskonto} if artskonto else {})
    result = map_account(posting(**dims), ctx)
    assert isinstance(result, Finding) and result.code == NO_ART.code


def test_findings_point_at_each_posting(tmp_path):
    ctx = context(write(tmp_path, RULES))
    first = map_account(posting(row=3, psp="XG-5385010001-0001", artskonto="4"), ctx)
    second = map_account(posting(row=9, psp="XG-5385010001-0001", artskonto="4"), ctx)
    assert isinstance(first, Finding) and isinstance(second, Finding)
    assert (first.location.row, second.location.row) == (3, 9)
    assert second.location.column == "ARTSKONTO"


def test_starter_rules_are_counted_not_used(tmp_path):
    mapping = load_mapping(write(tmp_path, RULES))
    assert [r.number for r in mapping.rules] == [1, 2, 3, 5]
    assert mapping.skipped == 1


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[[rule]]\npsp = 'A'\nfunction = '5.38.50'\ngrouping = '001'\ncolour = 'red'\n", "ukendte felter: colour"),
        ("[[rule]]\nfunction = '5.38.50'\ngrouping = '001'\n", "ingen betingelse"),
        ("[[rule]]\npsp = ''\nfunction = '5.38.50'\ngrouping = '001'\n", "ingen betingelse"),
        ("[[rule]]\npsp = 'A'\nfunction = '5.38.50'\n", "grouping mangler"),
        ("[[rule]]\npsp = 'A'\nfunction = '5.38'\ngrouping = '001'\n", "ugyldig konto"),
        ("[[rule]]\npsp = 'A'\nfunction = '5.38.50'\ngrouping = '0001'\n", "gruppering har mere end 3 cifre"),
        ("[[rule]]\npsp = 'A'\nfunction = '5.38.50'\ngrouping = '001'\nart = '4'\n", "arten skal være to cifre"),
        ("[[rule]]\npsp = true\nfunction = '5.38.50'\ngrouping = '001'\n", "psp skal være tekst"),
        ("[[rules]]\npsp = 'A'\n", "ukendte felter øverst i filen: rules"),
        ("rule = 'x'\n", "[[rule]]-tabeller"),
        ("[[rule]\n", "ikke gyldig TOML"),
    ],
)
def test_load_errors_name_the_rule_and_the_problem(tmp_path, text, needle):
    with pytest.raises(MappingError) as info:
        load_mapping(write(tmp_path, text))
    assert needle in info.value.message_da
    assert info.value.message_en


def test_missing_file(tmp_path):
    with pytest.raises(MappingError, match="not found"):
        load_mapping(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("x", "y", "meet"),
    [
        ("A", "A", True),
        ("A", "a", True),
        ("A", "B", False),
        ("XG-538*", "XG-5385010001-*", True),
        ("XG-5385010001-*", "XG-5385210001-*", False),
        ("*1", "*2", False),
        ("A*B", "A*C", False),
        ("A*", "*B", True),
        ("A?C", "AB*", True),
        ("A?C", "ABCD", False),
        ("*", "anything", True),
        ("538420[0-2]*", "5384203*", False),
        ("538420[0-2]*", "5384201*", True),
        ("538420[!0-2]*", "5384201*", False),
    ],
)
def test_glob_intersection(x, y, meet):
    assert globs_intersect(x, y) is meet
    assert globs_intersect(y, x) is meet


def _rule(n: int, **conditions: str | list[str]) -> str:
    lines = [f"[[rule]]\nname = 'r{n}'"]
    lines += [f"{d} = {v!r}" if isinstance(v, str) else f"{d} = {v}" for d, v in conditions.items()]
    lines.append("function = '5.38.50'\ngrouping = '001'\n")
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ({"psp": "XG-1-*"}, {"psp": "XG-2-*"}, None),
        ({"psp": "XG-1-*"}, {"psp": "XG-1-0001"}, "shadowed"),  # special case after the broad rule
        ({"psp": "XG-1-0001"}, {"psp": "XG-1-*"}, "overlap"),  # special case first: intended, but reported
        ({"psp": "XG-1-*"}, {"psp": "XG-1-*", "artskonto": "77*"}, "shadowed"),
        ({"psp": "XG-1-*", "artskonto": "77*"}, {"psp": "XG-1-*"}, "overlap"),
        ({"psp": "XG-1-*", "artskonto": "77*"}, {"psp": "XG-1-*", "artskonto": "40*"}, None),
        ({"psp": "XG-1-0001"}, {"cost_centre": "4711"}, None),  # disjoint dimensions
        ({"psp": ["A", "B"]}, {"psp": ["C", "b"]}, "overlap"),
        ({"psp": ["A", "B"]}, {"psp": ["b"]}, "shadowed"),
        ({"psp": "*"}, {"psp": "X*"}, "shadowed"),
        ({"psp": "XG-*"}, {"psp": "XG-53*"}, "shadowed"),
        ({"psp": "XG-53*"}, {"psp": "XG-*"}, "overlap"),
        ({"psp": "XG-*1"}, {"psp": "XG-5*1"}, "overlap"),  # covered in fact, but only prefix patterns are compared
    ],
)
def test_overlap_detection(tmp_path, first, second, expected):
    mapping = load_mapping(write(tmp_path, _rule(1, **first) + "\n" + _rule(2, **second)))
    found = {"overlap": mapping.overlaps, "shadowed": mapping.shadowed}
    for kind, pairs in found.items():
        assert [(a.number, b.number) for a, b in pairs] == ([(1, 2)] if kind == expected else [])
    findings = list(mapping.findings())
    assert [f.code for f in findings] == (
        [] if expected is None else [(SHADOWED if expected == "shadowed" else OVERLAP).code]
    )
    for f in findings:
        assert "regel 2 (r2)" in f.message_da and "regel 1 (r1)" in f.message_da
        assert "rule 2 (r2)" in f.message_en
        assert f.location == Location(file="mapping.toml")


def test_index_keeps_first_match_order_across_exact_and_pattern_rules(tmp_path):
    text = "\n".join(
        [
            _rule(1, psp="XG-*", artskonto="9*"),  # pattern rule scanned
            *(_rule(n, psp=f"XG-{n}") for n in range(2, 400)),  # exact rules indexed
            _rule(400, psp="XG-*"),
        ]
    )
    mapping = load_mapping(write(tmp_path, text))
    assert mapping.find({"psp": "XG-7", "artskonto": "91"}).number == 1
    assert mapping.find({"psp": "XG-7", "artskonto": "40"}).number == 7
    assert mapping.find({"psp": "xg-399"}).number == 399
    assert mapping.find({"psp": "XG-1000"}).number == 400
    assert [r.number for r in mapping.find_all({"psp": "XG-7", "artskonto": "91"})] == [1, 7, 400]


class _Replacement:
    """A throw-away plugin that maps one cost centre and leaves the rest to siu."""

    @hookimpl
    def map_account(self, posting, context):
        if posting.dims.get("cost_centre") == "4711":
            return AccountMapping(kontostreng=ks.parse("5.38.52.1.001.4.0"), paragraph="SEL107", rule="plugin")
        return None


def test_a_plugin_answers_before_the_mapping_file(tmp_path):
    host = load_plugins(no_plugins=True)
    host.pm.register(_Replacement(), name="replacement")
    ctx = context(write(tmp_path, RULES))
    mine = host.hook.map_account(posting=posting(cost_centre="4711", artskonto="40"), context=ctx)
    assert mine.rule == "plugin" and mine.paragraph == "SEL107"
    theirs = host.hook.map_account(posting=posting(cost_centre="5384200200", artskonto="40"), context=ctx)
    assert theirs.rule.startswith("regel 3")


def test_demo_mapping_has_no_overlaps():
    from siu.demo import DEMO_DIR

    mapping = load_mapping(DEMO_DIR / "mapping.toml")
    assert mapping.rules and not mapping.overlaps and not mapping.shadowed


_ALPHABET = "ab"
_WORDS = ["".join(w) for n in range(7) for w in itertools.product(_ALPHABET, repeat=n)]
_globs = st.text(alphabet="ab*?", max_size=3)


@given(_globs, _globs)
def test_glob_intersection_agrees_with_brute_force(x, y):
    # two globs of at most 3 tokens that share a text share one of at most 6 characters
    witness = any(fnmatch.fnmatchcase(w, x) and fnmatch.fnmatchcase(w, y) for w in _WORDS)
    assert globs_intersect(x, y) is witness


@given(_globs, _globs)
def test_rule_coverage_is_never_claimed_wrongly(x, y):
    if _glob_covers(x, y):
        assert all(fnmatch.fnmatchcase(w, x) for w in _WORDS if fnmatch.fnmatchcase(w, y))


def test_a_paragraph_contradicting_the_chart_is_reported(tmp_path):
    from siu.mapping import CHART_CONFLICT

    text = _rule(1, psp="A") + "paragraph = 'SEL109'\n" + "\n" + _rule(2, psp="B") + "paragraph = 'SEL108'\n"
    mapping = load_mapping(write(tmp_path, text))
    spec = SpecPack.load(BUILTIN_DIR / "2025")  # 5.38.50 → SEL108 in the 2025 chart
    findings = list(mapping.findings(spec))
    assert [f.code for f in findings] == [CHART_CONFLICT.code]
    assert "regel 1 (r1) angiver SEL109" in findings[0].message_da and "SEL108" in findings[0].message_da
    assert list(mapping.findings()) == []  # without a spec pack nothing to compare


CSV_RULES = (
    "Navn;PSP-element;Omkostningssted;Artskonto;Funktion;Dranst;Gruppering;Paragraf;Art\r\n"
    "Bakkehuset;XG-5385010001-*;;;5.38.50;1;001;;\r\n"
    ";;5384200200|53842003*;;5.38.42;;002;SEL110;\r\n"
    "Ikke udfyldt;XG-9999;;;;1;;;\r\n"
    "\r\n"
    "Særlig art;;4711;5*;5.38.45;1;3;;4.0\r\n"
)


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ";"), ("utf-8", ","), ("cp1252", "\t")])
def test_csv_mapping_file(tmp_path, encoding, delimiter):
    path = tmp_path / "mapping.csv"
    path.write_bytes(CSV_RULES.replace(";", delimiter).encode(encoding))
    mapping = load_mapping(path)
    assert [(r.number, r.label) for r in mapping.rules] == [
        (2, "linje 2 (Bakkehuset)"),
        (3, "linje 3"),
        (6, "linje 6 (Særlig art)"),
    ]
    assert mapping.skipped == 1
    assert mapping.find({"cost_centre": "5384200317"}).number == 3  # "|" separates values
    rule = mapping.find({"cost_centre": "4711", "artskonto": "51000000"})
    assert (str(rule.base()), rule.art) == ("5.38.45.1.003", "40")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("psp;function;grouping;farve\nA;5.38.50;001;rød\n", "ukendt kolonne 'farve'"),
        ("psp;function;grouping\nA;5.38.50;001\nB;5.38;001\n", "linje 3: ugyldig konto"),
        ("psp;function\nA;5.38.50\n", "linje 2: grouping mangler"),
    ],
)
def test_csv_mapping_errors_name_the_line(tmp_path, text, needle):
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert needle in info.value.message_da
