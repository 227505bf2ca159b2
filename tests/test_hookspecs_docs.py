"""Meta-tests of the plugin contract: every hook has a docstring, a test and an entry in
docs/plugins.md; the generated hook reference and the tutorial's files match their sources;
the code snippets in the guide load as plugins.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import pytest

import test_plugins
from siu import hookspecs
from siu.findings import CATALOGUE
from siu.host.plugins import HOOK_REFERENCE_END, HOOK_REFERENCE_START, hook_reference, load_plugins

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
EXAMPLE = ROOT / "docs" / "examples" / "siu-prisme"

# Hook → the tests in tests/test_plugins.py that exercise it end to end. A new hook needs an
# entry here (and a test named test_hook_<hook>...), or test_every_hook_has_a_test fails.
HOOK_TESTS: dict[str, list[str]] = {
    "register_sources": [
        "test_hook_register_sources_local_adapter",
        "test_an_installed_adapter_is_used_by_convert_and_shown_by_plugins",
        "test_subprocess_convert_with_an_installed_adapter_and_a_broken_one",
    ],
    "register_writers": ["test_hook_register_writers_adds_a_format"],
    "register_rules": ["test_hook_register_rules_adds_a_rule_with_its_own_code"],
    "register_spec_packs": ["test_hook_register_spec_packs_replaces_the_builtin_pack"],
    "map_account": [
        "test_hook_map_account_answers_before_the_mapping_file",
        "test_a_pipeline_hook_that_raises_becomes_a_finding_not_a_traceback",
    ],
    "anonymise": ["test_hook_anonymise_decides_the_psr_id"],
}


def hook_names() -> list[str]:
    return [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "siu_spec")]


def test_the_hookspecs_are_found():
    assert set(hook_names()) >= {"register_sources", "map_account"}


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_docstring_with_arguments_return_and_an_example(name):
    fn = getattr(hookspecs, name)
    doc = inspect.getdoc(fn) or ""
    assert len(doc.splitlines()) >= 5, f"{name} needs a docstring"
    assert "Example::" in doc and "@hookimpl" in doc, f"{name}'s docstring needs an example implementation"
    assert re.search(r"\bReturns?\b", doc), f"{name}'s docstring must say what to return"
    for arg in inspect.signature(fn).parameters:
        assert f"``{arg}``" in doc, f"{name}'s docstring must describe its argument {arg!r}"


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_test(name):
    tests = HOOK_TESTS.get(name)
    assert tests, f"add {name} to HOOK_TESTS with the tests that exercise it"
    for test in tests:
        assert callable(getattr(test_plugins, test, None)), (
            f"HOOK_TESTS names {test}, which is not in tests/test_plugins.py"
        )
    assert any(t.startswith(f"test_hook_{name}") for t in tests), f"{name} needs a test named test_hook_{name}..."


def test_hook_tests_names_no_hook_that_does_not_exist():
    assert set(HOOK_TESTS) == set(hook_names())


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_in_the_guide(name):
    assert f"### `{name}`" in GUIDE.read_text(encoding="utf-8")


def test_the_guides_hook_reference_is_generated_from_the_hookspecs():
    text = GUIDE.read_text(encoding="utf-8")
    assert HOOK_REFERENCE_START in text and HOOK_REFERENCE_END in text
    current = text.split(HOOK_REFERENCE_START, 1)[1].split(HOOK_REFERENCE_END, 1)[0].strip()
    assert current == hook_reference().strip(), (
        "docs/plugins.md's hook reference differs from core/siu/hookspecs.py; regenerate it with "
        'python -c "from pathlib import Path; from siu.host.plugins import write_hook_reference; '
        "write_hook_reference(Path('docs/plugins.md'))\""
    )


def guide_files() -> list[tuple[str, str, str]]:
    """(package, path, code) of every block in the guide marked ``<!-- file: package/path -->``."""
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(r"<!-- file: ([\w.-]+)/(\S+) -->\n```\w*\n(.*?)\n```", text, flags=re.S)


@pytest.mark.parametrize("package", ["siu-prisme", "siu-botilbud", "siu-sagsflow"])
def test_the_tutorial_shows_every_file_of_the_example_package_exactly(package):
    example = EXAMPLE.parent / package
    shown = {path: code for pkg, path, code in guide_files() if pkg == package}
    files = {
        p.relative_to(example).as_posix() for p in example.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    assert set(shown) == files, f"the tutorial must show every file of docs/examples/{package} (and only those)"
    for rel, code in shown.items():
        actual = (example / rel).read_bytes().decode("utf-8-sig").replace("\r\n", "\n").rstrip()
        assert code == actual, f"docs/plugins.md shows {rel} differently from docs/examples/{package}/{rel}"


def guide_snippets() -> list[str]:
    """Python blocks of the guide that are plugins (outside the tutorial and the generated reference)."""
    text = GUIDE.read_text(encoding="utf-8")
    text = text.split(HOOK_REFERENCE_START)[0] + text.split(HOOK_REFERENCE_END)[1]
    blocks = re.findall(r"(<!-- file: \S+ -->\n)?```python\n(.*?)\n```", text, flags=re.S)
    return [code for marker, code in blocks if not marker and "@hookimpl" in code]


def test_the_guide_has_snippets_for_writers_rules_spec_packs_and_local_plugins():
    joined = "\n".join(guide_snippets())
    for hook in ("register_writers", "register_rules", "register_spec_packs", "map_account"):
        assert f"def {hook}(" in joined


@pytest.mark.parametrize("number", range(len(guide_snippets())))
def test_every_snippet_in_the_guide_loads_as_a_plugin(number, tmp_path):
    code = guide_snippets()[number]
    path = tmp_path / f"snippet_{number}.py"
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    host = load_plugins(discover=False, local_files=[path])
    info = host.get(f"local:{path.name}")
    assert info is not None and info.api in ("1", "2"), "every snippet declares SIU_API"
    if (
        "register_spec_packs" in info.hooks
        or info.error
        and "register_spec_packs" in (info.problem.message_en if info.problem else "")
    ):
        # the snippet names a folder of the package that does not exist here: it ran and returned it
        assert info.error and "is not a spec pack folder" in info.error
        return
    assert info.status == "loaded", info.error
    assert info.sources or info.writers or info.rules or info.hooks


def test_every_plugin_code_is_documented_in_both_languages_and_in_the_guide():
    codes = sorted(c for c in CATALOGUE if c.startswith("SIU8"))
    assert codes, "the SIU8xx codes are defined in siu.host.plugins"
    text = GUIDE.read_text(encoding="utf-8")
    for code in codes:
        entry = CATALOGUE[code]
        assert entry.doc_da and entry.doc_en and entry.title_da and entry.title_en, code
        assert f"| {code} |" in text, f"docs/plugins.md's table lacks {code}"
