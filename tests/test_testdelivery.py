"""Test deliveries: --test (issue 17, point 3)."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from siu.specpack import BUILTIN_DIR, SpecPack
from siu.write.testdelivery import is_test_delivery


def _demo(demo_dir: Path, *extra: str) -> list[str]:
    return ["--source", "opus", str(demo_dir / "opus-udtraek-2025.csv"), "--config", str(demo_dir / "siu.toml"), *extra]


def test_last_years_data_in_next_years_format_gives_one_summary(siu, demo_dir, tmp_path) -> None:
    run = siu(
        "convert",
        *_demo(demo_dir, "--year", "2026", "--test", "--out", tmp_path / "out", "--report-json", tmp_path / "r.json"),
    )
    assert run.exit_code == 0, run.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    codes = [f["code"] for f in doc["findings"]]
    assert "SIU113" not in codes and "SIU011" not in codes and codes.count("SIU445") == 1
    [summary] = [f for f in doc["findings"] if f["code"] == "SIU445"]
    assert "2025: 19" in summary["message_da"] and "19 lines" in summary["message_en"]
    assert doc["verdict"]["test"] is True and doc["delivery"]["test"] is True
    assert doc["verdict"]["text_da"].startswith("KLAR SOM TESTLEVERANCE — ikke til indberetning")
    written = tmp_path / "out" / "TEST_SIU_101_2026_voksen.xml"
    assert written.exists() and not (tmp_path / "out" / "SIU_101_2026_voksen.xml").exists()
    tree = etree.parse(str(written))
    ns = {"s": "urn:dst:siu:2026"}
    assert tree.findtext("s:Leverance/s:Testleverance", namespaces=ns) == "true"
    assert etree.XMLSchema(etree.parse(str(BUILTIN_DIR / "2026" / "siu.xsd"))).validate(tree)
    assert is_test_delivery(written, SpecPack.load(BUILTIN_DIR / "2026"))


def test_without_test_every_line_is_reported(siu, demo_dir, tmp_path) -> None:
    run = siu("validate", *_demo(demo_dir, "--year", "2026", "--report-json", tmp_path / "r.json"))
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    codes = [f["code"] for f in doc["findings"]]
    assert codes.count("SIU113") >= 18 and "SIU011" in codes and "SIU445" not in codes, run.output


def test_a_test_is_named_as_one_whatever_out_says(siu, demo_dir, tmp_path) -> None:
    real_name = tmp_path / "SIU_101_2025_voksen.xlsx"
    run = siu("convert", *_demo(demo_dir, "--test", "--format", "xlsx", "--out", real_name))
    assert run.exit_code == 0, run.output
    assert not real_name.exists() and (tmp_path / "TEST_SIU_101_2025_voksen.xlsx").exists()
    assert "KLAR SOM TESTLEVERANCE" in run.stdout


def test_a_real_delivery_is_not_taken_for_a_test(siu, demo_dir, tmp_path) -> None:
    run = siu("convert", *_demo(demo_dir, "--out", tmp_path))
    assert run.exit_code == 0, run.output
    path = tmp_path / "SIU_101_2025_voksen.xml"
    spec = SpecPack.load(BUILTIN_DIR / "2025")
    assert not is_test_delivery(path, spec)
    renamed = tmp_path / "TEST_copy.xml"
    renamed.write_bytes(path.read_bytes())
    assert is_test_delivery(renamed, spec)  # the name alone marks it
