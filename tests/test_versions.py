"""Half-yearly versions of a spec pack (issue 17, point 4)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from siu.specpack import BUILTIN_DIR, SpecError, SpecPack

SECOND = """
[[versions]]
id = "2026.2"
order = "BEK nr 9999 af 20/12/2025 (invented for the test)"
date = 2025-12-20
valid_from = 2026-07-01
status = "varslet"
"""


def _pack(tmp_path: Path, extra: str = SECOND) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(BUILTIN_DIR / "2026", pack)
    with (pack / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write(extra)
    return pack


def test_the_version_in_force_on_the_delivery_date(tmp_path: Path) -> None:
    spec = SpecPack.load(_pack(tmp_path))
    assert spec.version_on(dt.date(2026, 3, 1)).id == "2026.1"
    assert spec.version_on(dt.date(2026, 7, 1)).id == "2026.2"
    assert spec.version_on(dt.date(2027, 4, 15)).id == "2026.2"  # delivered in spring after the year
    assert spec.version_on(dt.date(2025, 10, 1)).id == "2026.1"  # an early test: the first version
    assert spec.version == "2026.1"  # nothing selected yet: the manifest's version
    spec.select_version(dt.date(2027, 4, 15))
    assert spec.version == "2026.2"


@pytest.mark.parametrize(
    ("bad", "message"),
    [("valid_from = 2026-07-01", "valid_from = 2026-03-01"), ('status = "varslet"', 'status = "maybe"')],
)
def test_a_version_must_start_1_january_or_1_july_with_a_known_status(tmp_path: Path, bad: str, message: str) -> None:
    with pytest.raises(SpecError) as err:
        SpecPack.load(_pack(tmp_path, SECOND.replace(bad, message)))
    assert "2026.2" in err.value.message("en")


def test_the_delivery_carries_the_version_in_force(siu, demo_dir, tmp_path, monkeypatch) -> None:
    pack = _pack(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(calendar.timegm(dt.datetime(2027, 4, 15).timetuple())))
    run = siu(
        "convert",
        "--source",
        "opus",
        demo_dir / "opus-udtraek-2025.csv",
        "--config",
        demo_dir / "siu.toml",
        "--year",
        "2026",
        "--test",
        "--spec-dir",
        pack,
        "--out",
        tmp_path / "out",
    )
    assert run.exit_code == 0, run.output
    text = (tmp_path / "out" / "TEST_SIU_101_2026_voksen.xml").read_text(encoding="utf-8")
    assert "<Specifikationsversion>2026.2</Specifikationsversion>" in text
    assert "2026.2 (foreløbig)" in run.stdout


def test_specs_list_shows_the_versions(siu, tmp_path) -> None:
    run = siu("specs", "list", "--json", "--spec-dir", _pack(tmp_path))
    assert run.exit_code == 0, run.output
    rows = [r for r in json.loads(run.stdout) if r["origin"].startswith("--spec-dir")]
    assert [(v["id"], v["status"], v["valid_from"]) for v in rows[0]["versions"]] == [
        ("2026.1", "gældende", "2026-01-01"),
        ("2026.2", "varslet", "2026-07-01"),
    ]
    table = siu("specs", "list", "--spec-dir", tmp_path / "pack", "--lang", "en")
    assert "2026.2 announced from 2026-07-01" in table.stdout
