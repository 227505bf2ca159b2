"""``siu demo``: converts the bundled Opus export to a valid delivery, byte for byte the golden one.

The golden file is tests/golden/demo-2025.xml; regenerate it after an intended change with
``SIU_UPDATE_GOLDEN=1 pytest tests/test_demo.py`` and review the diff. The creation time is fixed
with ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from siu.convert import pipeline
from siu.specpack import BUILTIN_DIR

GOLDEN = Path(__file__).parent / "golden" / "demo-2025.xml"
EPOCH = 1767225600  # 2026-01-01T00:00:00Z
DANNET = re.compile(r"<Dannet>[^<]*</Dannet>")


@pytest.fixture
def demo_run(siu, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.delenv("SIU_DISABLE_PLUGINS", raising=False)
    run = siu("demo", "--out", str(tmp_path / "demo"))
    return run, tmp_path / "demo" / "SIU_101_2025_voksen.xml"


def test_demo_is_ready_for_submission_and_valid_against_the_2025_xsd(demo_run):
    run, delivery = demo_run
    assert run.exit_code == 0, run.output
    assert "KLAR — men formatet er foreløbigt" in run.stdout
    assert "Traceback" not in run.output
    schema = etree.XMLSchema(etree.parse(str(BUILTIN_DIR / "2025" / "siu.xsd")))
    tree = etree.parse(str(delivery))
    assert schema.validate(tree), schema.error_log
    assert not list(delivery.parent.glob("*.tmp"))


def test_demo_delivery_conserves_the_input_amount(demo_run, demo_dir):
    _, delivery = demo_run
    from siu.parsing import parse_amount

    lines = (demo_dir / "opus-udtraek-2025.csv").read_text(encoding="cp1252").splitlines()
    header = lines[0].split(";")
    cpr, amount = header.index("CPR-nr"), header.index("Beløb")
    expected = sum(
        (parse_amount(c[amount]) for c in (line.split(";") for line in lines[1:]) if len(c) > cpr and c[cpr]),
        Decimal(0),
    )
    written = sum((Decimal(e.text) for e in etree.parse(str(delivery)).iter("{*}Beloeb")), Decimal(0))
    assert written == expected


def test_demo_delivery_is_the_golden_file(demo_run):
    run, delivery = demo_run
    assert run.exit_code == 0, run.output
    produced = delivery.read_text(encoding="utf-8")
    if os.environ.get("SIU_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(produced, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if hasattr(pipeline, "creation_time"):  # SOURCE_DATE_EPOCH is honoured: the file is reproducible
        stamp = dt.datetime.fromtimestamp(EPOCH, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        assert f"<Dannet>{stamp}</Dannet>" in produced
    assert DANNET.sub("<Dannet/>", produced) == DANNET.sub("<Dannet/>", expected), (
        "the demo delivery differs from tests/golden/demo-2025.xml; if intended, regenerate with "
        "SIU_UPDATE_GOLDEN=1 pytest tests/test_demo.py and review the diff"
    )
