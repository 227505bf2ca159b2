"""One language at a time (issue 19, point 3).

Every message of the finding catalogue and every text of siu's bilingual table (siu.base.i18n)
is rendered in Danish and in English, with counts of 1 and 2; a Danish text holding English words,
an English text holding Danish words, or a count whose noun does not agree with it (``1 rækker``,
``2 række``, ``1 warnings``) fails. Real runs through the CLI are checked the same way, in their
console report and their JSON report.

The check (tests/language_check.py) is a word list per language; its :func:`check_pairs` takes
any (where, Danish, English) texts: the CLI's help table (siu.cli.texts) is checked with it too.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import siu.parsing
from language_check import check_pairs, problems
from siu.base import i18n, i18n_specs
from siu.cli import app
from siu.findings import CATALOGUE, define
from siu.specpack import SpecPack

DEMO = Path(siu.parsing.__file__).parent / "demo"

# --- the catalogue -----------------------------------------------------------------------------


def _fields(template: str) -> set[str]:
    names = set()
    for _, name, _, _ in string.Formatter().parse(i18n.apply_plurals(template, {})):
        if name:
            names.add(name.split(".")[0].split("[")[0])
    return names | {m.group(1) for m in re.finditer(r"\{(\w+)\|", template)}


def _sample(name: str, n: int) -> object:
    """A neutral sample for a placeholder: a number for counts (every placeholder may be one),
    a word in the template's own language for the ``_da``/``_en`` texts callers pass."""
    if name.endswith("_da"):
        return "værdien"
    if name.endswith("_en"):
        return "the value"
    return n


def catalogue_texts() -> list[tuple[str, str, str]]:
    """siu's codes and its built-in plugins' (other tests define codes of their own)."""
    import siu_csv  # noqa: F401  (the built-in plugins define their codes on import)
    import siu_excel.writer  # noqa: F401

    pairs = []
    for code in [c for c in CATALOGUE.values() if c.code.startswith("SIU")]:
        pairs.append((f"{code.code} title", code.title_da, code.title_en))
        pairs.append((f"{code.code} doc", code.doc_da, code.doc_en))
        names = _fields(code.template_da) | _fields(code.template_en)
        for n in (1, 2):
            params = {name: _sample(name, n) for name in names if name != "value"}
            found = code.make(value="X1" if "value" in names else None, **params)
            pairs.append((f"{code.code} message ({n})", found.message_da, found.message_en))
    return pairs


def test_catalogue_speaks_one_language_at_a_time() -> None:
    texts = catalogue_texts()
    assert {"SIU020", "SIU601", "SIU611"} <= {where.split()[0] for where, _, _ in texts}
    assert not check_pairs(texts)


# --- the table of texts ------------------------------------------------------------------------


def table_texts() -> list[tuple[str, str, str]]:
    pairs = []
    for key in i18n.TEXTS:
        names = _fields(i18n.TEXTS[key][0]) | _fields(i18n.TEXTS[key][1])
        for n in (1, 2):
            params = {name: n for name in names}
            pairs.append((f"{key} ({n})", i18n.text(key, "da", **params), i18n.text(key, "en", **params)))
    for reason, da in i18n.PARSE_REASONS.items():
        pairs.append((f"parse reason {reason!r}", da, reason))
    for kind, da in i18n.PARSE_KINDS.items():
        pairs.append((f"parse kind {kind!r}", da, kind))
    for noun in i18n.NOUNS:
        for n in (1, 2):
            pairs.append((f"noun {noun} ({n})", i18n.count(n, noun, "da"), i18n.count(n, noun, "en")))
    for n in (1, 2):
        rows = {reason: n for reason in i18n.SKIP_REASONS}
        da, en = i18n.skipped_summary(rows)
        pairs.append((f"skip reasons ({n})", da, en))
    return pairs


def test_table_speaks_one_language_at_a_time() -> None:
    assert not check_pairs(table_texts())


def test_counts_agree_and_are_grouped() -> None:
    assert i18n.count(1, "row") == "1 række"
    assert i18n.count(2, "row") == "2 rækker"
    assert i18n.count(1, "warning", "en") == "1 warning"
    assert i18n.count(1234, "row", "en") == "1,234 rows"
    assert i18n.count(1234, "row") == "1.234 rækker"
    assert i18n.count(0, "warning") == "0 advarsler"
    assert i18n.text("verdict.counts", "da", errors=1, warnings=1) == "1 fejl, 1 advarsel"
    assert i18n.text("verdict.counts", "en", errors=1, warnings=2) == "1 error, 2 warnings"


def test_amounts_are_written_the_way_each_language_reads_them() -> None:
    assert i18n.money(Decimal("-1234567.8")) == "-1.234.567,80"
    assert i18n.money(Decimal("-1234567.8"), "en") == "-1,234,567.80"
    assert (i18n.money(Decimal("0.5"), "en"), i18n.money(0, "en")) == ("0.50", "0.00")
    assert i18n.money(Decimal("999.995"), "en") == "1,000.00"  # rounded to øre, then grouped


@given(st.decimals(min_value=-(10**13), max_value=10**13, places=2, allow_nan=False, allow_infinity=False))
def test_one_amount_reads_back_the_same_in_both_languages(amount: Decimal) -> None:
    da, en = i18n.money(amount, "da"), i18n.money(amount, "en")
    assert da == siu.parsing.format_amount_danish(amount)  # the Danish form is the exports' form
    assert siu.parsing.parse_amount(da, decimal=",") == amount
    assert siu.parsing.parse_amount(en, decimal=".") == amount
    assert en == da.translate(str.maketrans(",.", ".,"))


def test_plural_templates_pick_the_form_that_agrees() -> None:
    code = define(
        "TEST950",
        "info",
        ("Prøve", "Sample"),
        ("{n} {n|række|rækker} i {file}", "{n} {n|row was|rows were} read from {file}"),
    )
    one, two = code.make(n=1, file="a.csv"), code.make(n=2, file="a.csv")
    assert (one.message_da, one.message_en) == ("1 række i a.csv", "1 row was read from a.csv")
    assert (two.message_da, two.message_en) == ("2 rækker i a.csv", "2 rows were read from a.csv")
    assert code.make(n=0, file="a.csv").message_en == "0 rows were read from a.csv"
    assert code.make(n="1,00", file="a.csv").message_da == "1,00 række i a.csv"  # counts as reports write them
    # a parameter's text cannot add a plural form: only the template's are read
    assert code.make(n=2, file="{n|x|y}").message_da == "2 rækker i {n|x|y}"
    # without the count the form is left as written, like any missing parameter
    assert code.make(file="a.csv").message_da == "{n} {n|række|rækker} i a.csv"


def test_a_text_parameter_fills_each_language_and_is_masked() -> None:
    code = define("TEST951", "info", ("Prøve", "Sample"), ("kan ikke læses: {reason}", "cannot be read: {reason}"))
    found = code.make(reason=i18n.parse_reason("not a number"))
    assert (found.message_da, found.message_en) == ("kan ikke læses: ikke et tal", "cannot be read: not a number")
    leaky = code.make(reason=i18n.Text("CPR 010160-1235\x1b[2J", "CPR 010160-1235"))
    assert "1235" not in leaky.message_da + leaky.message_en and "\x1b" not in leaky.message_da


@given(st.text(alphabet=st.characters(blacklist_characters="{}|"), max_size=40), st.integers(-3, 3))
def test_templates_without_forms_pass_unchanged(text: str, n: int) -> None:
    assert i18n.apply_plurals(text, {"n": n}) == text
    assert i18n.apply_plurals(f"{text}{{n|a|b}}", {"n": n}) == text + ("a" if abs(n) == 1 else "b")


def test_every_parse_reason_has_a_translation() -> None:
    """The reasons and kinds siu.parsing raises are keys of the table: a new one without a
    Danish text fails here."""
    tree = ast.parse(Path(siu.parsing.__file__).read_text(encoding="utf-8"))
    raised = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ParseError"
    ]
    assert len(raised) > 10
    for call in raised:
        kind, reason = call.args[0], call.args[2] if len(call.args) > 2 else None
        assert isinstance(kind, ast.Constant) and kind.value in i18n.PARSE_KINDS, ast.unparse(call)
        if isinstance(reason, ast.JoinedStr):  # a reason with a number in it: rendered with 12
            example = "".join(v.value if isinstance(v, ast.Constant) else "12" for v in reason.values)
            da, en = i18n.parse_reason(example)
            assert en == example and da != example and "12" in da, ast.unparse(call)
        elif reason is not None:
            assert isinstance(reason, ast.Constant) and reason.value in i18n.PARSE_REASONS, ast.unparse(call)


def test_checker_catches_mixed_and_mispluralised_texts() -> None:
    """The checks themselves: each kind of fault found today on main is caught."""
    assert problems("Beløbet 'abc' kan ikke læses: not a number", "da")
    assert problems("4 rows in x.csv were skipped (1 ulæselige rækker, 2 tomme rækker)", "en")
    assert problems("IKKE KLAR (9 fejl, 1 advarsler)", "da")
    assert problems("NOT READY (9 errors, 1 warnings)", "en")
    assert problems("2 række", "da")
    assert not problems("Beløbet 'not a number' kan ikke læses: ikke et tal", "da")
    assert not problems("1 tom række, 2 sumlinjer", "da")


# --- real runs ---------------------------------------------------------------------------------


def _broken_export(folder: Path) -> Path:
    """The demo export with rows that cannot be read (an amount, a date that does not exist, a
    date in no known form), a blank row and a total line that does not agree."""
    raw = (DEMO / "opus-udtraek-2025.csv").read_bytes()
    nl = b"\r\n" if b"\r\n" in raw else b"\n"
    lines = raw.split(nl)
    cells = lines[1].split(b";")

    def row(**change: bytes) -> bytes:
        out = list(cells)
        for index, value in change.items():
            out[int(index[1:])] = value
        return b";".join(out)

    total = [b""] * len(cells)
    total[0], total[6] = b"I alt", b"1,00"
    extra = [row(c0=b"999001", c6=b"abc"), row(c0=b"999002", c1=b"31.02.2025"), row(c0=b"999003", c7=b"xx.01.2025")]
    path = folder / "broken.csv"
    path.write_bytes(nl.join([*lines[:2], *extra, b"", b";".join(total), *lines[2:]]))
    return path


def _headers() -> set[str]:
    """The demo export's headers: data the English report quotes as locations."""
    first = (DEMO / "opus-udtraek-2025.csv").read_bytes().split(b"\n")[0].decode("cp1252").strip()
    return set(first.split(";"))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_runs_report_in_one_language(lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("siu.toml", "mapping.toml"):
        (tmp_path / name).write_bytes((DEMO / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "300")
    broken = _broken_export(tmp_path)
    runner = CliRunner()
    out = []
    for args, code in (
        (["validate", "--source", "opus", str(DEMO / "opus-udtraek-2025.csv")], 0),
        (["validate", "--source", "opus", str(broken)], 1),
    ):
        result = runner.invoke(app, [*args, "--lang", lang, "--report-json", "r.json"])
        assert result.exit_code == code, result.output
        report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        out.append(result.output)
        out += [f["message_" + lang] for f in report["findings"]]
    mapping = runner.invoke(app, ["mapping", "check", "--source", "opus", str(broken), "--lang", lang])
    assert mapping.exit_code == 1 and "SIU201" in mapping.output, mapping.output
    out.append(mapping.output)
    text = "\n".join(out)
    assert "SIU020" in text and "SIU010" in text  # parse reasons and the ledger of skipped rows
    for header in sorted(_headers(), key=len, reverse=True):  # data, not words of the report
        text = text.replace(header, " ")
    assert not [f"[{lang}] {p}" for p in problems(text, lang)]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_plugins_and_spec_packs_are_listed_in_one_language(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`siu plugins` (a plugin's status) and `siu specs list` (an executive order's status)."""
    monkeypatch.setenv("COLUMNS", "300")
    runner = CliRunner()
    out = []
    for args in (["plugins"], ["specs", "list"]):
        result = runner.invoke(app, [*args, "--lang", lang])
        assert result.exit_code == 0, result.output
        out.append(result.output)
    text = "\n".join(out)
    assert ("indlæst" if lang == "da" else "loaded") in text
    assert ("gældende" if lang == "da" else "in force") in text
    assert not [f"[{lang}] {p}" for p in problems(text, lang)]


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _pack_data(year: int) -> set[str]:
    """What a bundled spec pack quotes rather than says: DST's Danish names (the chart's, the
    executive order's, the Excel template's headers), XML element names, the law's words, the file
    name pattern and the sources it cites."""
    summary = SpecPack.load(DEMO.parent / "specs" / str(year)).summary()
    data = {row["name_da"] for row in summary["chart"]} | {v["order"] for v in summary["versions"]}
    data |= set(_strings(summary["xml"])) | set(_strings(summary["excel"]))
    data |= {f"{p['section']} ({p['law']})" for p in summary["paragraphs"].values()}
    data |= {p["name_da"] for p in summary["paragraphs"].values()} | {summary["kontostreng"], summary["file_name"]}
    data |= set(summary["provenance"].get("links", []))  # sources cited as they are titled
    return {d for d in data if d}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_spec_packs_are_shown_in_one_language(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`siu specs show`: the packs' provenance (written in English in manifest.toml) in Danish too."""
    monkeypatch.setenv("COLUMNS", "400")
    runner = CliRunner()
    for year in (2025, 2026):
        result = runner.invoke(app, ["specs", "show", str(year), "--lang", lang])
        assert result.exit_code == 0, result.output
        text = result.output
        for quoted in sorted(_pack_data(year), key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(quoted)}(?!\w)", " ", text)
        assert not [f"[{lang}] {year} {p}" for p in problems(text, lang)]


def test_every_fact_of_the_bundled_packs_has_its_danish() -> None:
    for year in (2025, 2026):
        pack = SpecPack.load(DEMO.parent / "specs" / str(year))
        facts = [*pack.manifest.provenance.get("verified", []), *pack.provisional()]
        facts += [p.source for p in pack.paragraphs.values()]
        for fact in facts:
            assert i18n_specs.fact(fact, "da") != fact, fact
    assert i18n_specs.fact("A sentence of a pack siu does not know.", "da") == "A sentence of a pack siu does not know."


# --- the command line's help (siu.cli.texts) --------------------------------------------------


def test_help_texts_speak_one_language_at_a_time() -> None:
    from siu.cli import texts

    pairs = [
        (f"{table}[{key}]", da, en)
        for table in ("OPTION_HELP", "METAVARS", "COMMAND_HELP")
        for key, (da, en) in getattr(texts, table).items()
    ]
    pairs += [(f"FRAMEWORK_DA[{en!r}]", da, en) for en, da in texts.FRAMEWORK_DA.items()]
    assert len(pairs) > 100
    assert not check_pairs(pairs)
    # click's errors in Danish: the replacement (the English is click's pattern)
    assert not [(pattern, p) for pattern, da in texts.ERRORS_DA for p in problems(da, "da")]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_help_is_shown_in_one_language(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    runner = CliRunner()
    out = []
    for command in ([], ["convert"], ["validate"], ["init"], ["plugins"], ["specs", "show"], ["mapping", "check"]):
        result = runner.invoke(app, [*command, "--help", "--lang", lang])
        assert result.exit_code == 0, result.output
        out.append(result.output)
    assert ("Usage:" if lang == "en" else "Brug:") in out[0]
    assert not [f"[{lang}] {p}" for p in problems("\n".join(out), lang)]
