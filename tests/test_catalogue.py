"""One catalogue of finding codes: complete on ``import siu.findings``, without loading any plugin."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import siu

CORE = Path(siu.__file__).parent


def _codes_in_source() -> set[str]:
    """Every string literal in siu's own source that is exactly a finding code (``"SIU101"``)."""
    codes: set[str] = set()
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if len(text) == 6 and text.startswith("SIU") and text[3:].isdigit():
                    codes.add(text)
    return codes


def _fresh(code: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_of_findings_alone_gives_every_code_siu_uses() -> None:
    got = _fresh(
        "import json, sys; import siu.findings as f; "
        "print(json.dumps({'codes': sorted(f.CATALOGUE), "
        "'plugins': sorted(m for m in sys.modules if m.startswith(('siu_', 'siu.host', 'siu.cli')))}))"
    )
    used = _codes_in_source()
    assert len(used) > 100  # the scan finds the codes (it would pass vacuously on an empty set)
    missing = used - set(got["codes"])  # type: ignore[arg-type]
    assert not missing, f"codes used in core/siu but not in the catalogue on import: {sorted(missing)}"
    assert got["plugins"] == [], "importing siu.findings must not load plugins or the CLI"


def test_importing_every_module_adds_no_code_of_siu() -> None:
    got = _fresh(
        "import json; import siu.findings as f; before = set(f.CATALOGUE)\n"
        "import importlib, pkgutil, siu\n"
        "for i in pkgutil.walk_packages(siu.__path__, 'siu.'):\n"
        "    if not i.name.endswith('__main__'): importlib.import_module(i.name)\n"
        "print(json.dumps({'added': sorted(set(f.CATALOGUE) - before)}))"
    )
    assert got["added"] == []


def test_plugins_still_add_their_own_codes() -> None:
    from siu.findings import CATALOGUE, define

    code = define("TESTCAT001", "warning", ("Prøve", "Probe"), ("t", "t"), group="input")
    try:
        assert CATALOGUE["TESTCAT001"] is code
    finally:
        del CATALOGUE["TESTCAT001"]


def test_a_rule_naming_an_unknown_code_is_refused() -> None:
    import pytest

    from siu.rules import record_rule

    with pytest.raises(ValueError, match="SIU199 is not in the catalogue"):
        record_rule("SIU199")(lambda record, ctx: None)
