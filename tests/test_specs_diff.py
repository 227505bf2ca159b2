"""``siu specs diff``: what changed between two packs, readably (issue: raw Python dicts), in Danish
and English, every value from a pack escaped; ``--json`` stays the machine's form.

The console text is compared with goldens in tests/golden/specs-diff/ (rerun with
SIU_UPDATE_GOLDEN=1 after an intended change and review the diff).
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from siu.cli.specs_diff import change_lines, diff_lines, value_text
from siu.specpack import BUILTIN_DIR, SpecPack, diff_packs

GOLDEN = Path(__file__).parent / "golden" / "specs-diff"

# Edits to the 2026 pack: a column renamed, one added (its header looks like rich markup), one
# removed; an announced executive order; a channel taking one more format; a paragraph now
# allowing anonymous citizens; an area's English name with brackets.
EDITS = [
    ('{ field = "amount", header = "Beløb",', '{ field = "amount", header = "Beloeb",'),
    (
        '  { field = "end", header = "Slutdato", type = "date", width = 12 },\n',
        '  { field = "note", header = "[bold]Note[/]", type = "text", width = 30 },\n',
    ),
    ('formats = ["xlsx"]', 'formats = ["xlsx", "xml"]'),
    ('name_en = "Children\'s area"', 'name_en = "Children\'s area [red]x[/]"'),
]
NEW_ORDER = """
[[versions]]
id = "2026.2"
order = "Bekendtgørelse om dataindberetninger på socialområdet"
valid_from = 2026-07-01
status = "varslet"
"""


def edited_2026(folder: Path) -> Path:
    pack = folder / "edited2026"
    shutil.copytree(BUILTIN_DIR / "2026", pack)
    manifest = pack / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert old in text, old
        text = text.replace(old, new)
    manifest.write_text(text + NEW_ORDER, encoding="utf-8")
    paragraphs = pack / "paragraphs.csv"
    rows = paragraphs.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [r.replace("Supportive measures,no,", "Supportive measures,yes,") for r in rows]
    paragraphs.write_text("".join(rows), encoding="utf-8")
    return pack


def rendered(lines: list[str]) -> str:
    out = io.StringIO()
    console = Console(file=out, width=1_000_000, highlight=False, color_system=None)
    for line in lines:
        console.print(line)
    return out.getvalue()


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("SIU_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, rerun with SIU_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_an_edited_pack_is_shown_field_by_field_and_element_by_element(tmp_path: Path, lang: str) -> None:
    old, new = SpecPack.load(BUILTIN_DIR / "2026"), SpecPack.load(edited_2026(tmp_path))
    text = rendered(diff_lines(diff_packs(old, new), lang))
    check_golden(f"edited-2026.{lang}.txt", text)
    assert "{'" not in text and "[{" not in text, "no Python dicts or lists"
    assert "[bold]Note[/]" in text and "[red]x[/]" in text, "values from the pack are shown, never read as markup"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_specs_diff_2025_2026_in_each_language(siu, lang: str) -> None:
    run = siu("specs", "diff", "2025", "2026", "--lang", lang)
    assert run.exit_code == 0, run.output
    check_golden(f"2025-2026.{lang}.txt", run.stdout)


def test_json_stays_the_machine_form(siu, tmp_path: Path) -> None:
    run = siu("specs", "diff", "2025", "2026", "--spec-dir", edited_2026(tmp_path), "--json")
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data["settings"]["channels.idep.formats"] == {"from": ["xlsx"], "to": ["xlsx", "xml"]}
    assert data["paragraphs"]["added"]["BL32"]["anonymous_allowed"] is True
    assert [v["id"] for v in data["settings"]["versions"]["to"]] == ["2026.1", "2026.2"]


def test_a_pack_compared_with_itself_has_no_changes(tmp_path: Path) -> None:
    pack = SpecPack.load(BUILTIN_DIR / "2025")
    assert rendered(diff_lines(diff_packs(pack, pack), "en")) == "No changes.\nXSD: unchanged\n"


def test_values_read_as_words_in_each_language() -> None:
    assert [value_text(v, "da") for v in (True, False, None, "", [], ["xlsx", "xml"])] == [
        "ja",
        "nej",
        "(ingen)",
        "(tom)",
        "(ingen)",
        "xlsx, xml",
    ]
    assert [value_text(v, "en") for v in (True, None, "")] == ["yes", "(none)", "(empty)"]
    assert value_text([{"a": 1, "source": "s"}, {"a": 2}], "en") == "a=1; a=2"


def test_lists_of_tables_without_a_name_are_compared_by_position() -> None:
    lines = change_lines("rows", [{"a": 1}, {"a": 2}], [{"a": 1}, {"a": 3}, {"a": 4}], "en")
    assert lines == ["  ~ rows", "      + #3: a=4", "      ~ #2", "          a: 2 → 3"]
    # two elements of the same name: their name cannot tell them apart, their position can
    same = change_lines("cols", [{"field": "x", "w": 1}, {"field": "x", "w": 2}], [{"field": "x", "w": 1}], "da")
    assert same == ["  ~ cols", "      - #2: field=x, w=2"]
