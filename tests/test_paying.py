"""The paying municipality (issue 17, point 7): a municipality column read by alias (SIU403 on
real inputs) and payments to and from other municipalities explained per counterpart (SIU446)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from siu.accounts.paying import kommune_code

HEAD = (
    "Bilagsnr;Bogføringsdato;PSP-element;Omkostningssted;Artskonto;CPR-nr;Beløb;Periode fra;Periode til;Tekst;{extra}\n"
)
ROWS = [
    # document, psp, artskonto, cpr, amount, kommune, counterpart
    ("1", "XG-5385010001-0001", "40110000", "010160-1235", "42.500,00", "101", ""),
    ("2", "XG-5385010001-0001", "47100000", "150372-2468", "39.875,50", "0101", "Gladsaxe"),
    ("3", "XG-5385010001-0001", "47100000", "230891-3579", "10.000,00", "København", "159"),
    ("4", "XG-5385010001-0001", "40110000", "150372-2468", "39.875,50", "101", ""),
    ("5", "XG-5385010001-0001", "77100000", "150372-2468", "79.751,00-", "101", "147"),
    ("6", "XG-5385010001-0001", "40110000", "010160-1235", "1.000,00", "147", ""),
]


def _export(tmp_path: Path, extra: str = "Kommunekode;Modpart", rows: list[tuple[str, ...]] = ROWS) -> Path:
    lines = [HEAD.format(extra=extra)]
    for doc, psp, art, cpr, amount, kommune, other in rows:
        lines.append(f"{doc};05.02.2025;{psp};;{art};{cpr};{amount};01.01.2025;31.01.2025;tekst;{kommune};{other}\n")
    path = tmp_path / "opus.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _config(demo_dir: Path, tmp_path: Path) -> Path:
    shutil.copy(demo_dir / "mapping.toml", tmp_path / "mapping.toml")
    config = tmp_path / "siu.toml"
    config.write_text('kommune = "101"\nyear = 2025\nmapping = "mapping.toml"\n', encoding="utf-8")
    return config


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("101", "101"),
        ("0101", "101"),
        ("København", "101"),
        ("Københavns Kommune", "101"),
        ("frederiksberg", "147"),
        ("", None),
        ("X1", "X1"),
    ],
)
def test_kommune_code_reads_codes_and_names(text: str, code: str | None) -> None:
    assert kommune_code(text) == code


def test_a_foreign_municipality_column_fires_siu403(siu, demo_dir, tmp_path) -> None:
    run = siu(
        "validate",
        "--source",
        "opus",
        _export(tmp_path),
        "--config",
        _config(demo_dir, tmp_path),
        "--report-json",
        tmp_path / "r.json",
    )
    assert run.exit_code == 1, run.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    [hit] = [f for f in doc["findings"] if f["code"] == "SIU403"]
    # 0101 and "København" are the municipality's own code; only the 147 line is foreign
    assert "147" in hit["message_da"] and "1 linje;" in hit["message_da"] and hit["location"]["row"] == 7


def test_payments_to_and_from_other_municipalities_per_counterpart(siu, demo_dir, tmp_path) -> None:
    rows = [r for r in ROWS if r[5] != "147"]
    run = siu(
        "validate",
        "--source",
        "opus",
        _export(tmp_path, rows=rows),
        "--config",
        _config(demo_dir, tmp_path),
        "--report-json",
        tmp_path / "r.json",
    )
    assert run.exit_code == 0, run.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    hits = {f["message_en"].split(":")[0]: f for f in doc["findings"] if f["code"] == "SIU446"}
    # "Gladsaxe" and "159" are one counterpart
    assert set(hits) == {
        "Art 4.7 (payment to other municipalities), counterpart 159 Gladsaxe",
        "Art 7.7 (payment from other municipalities), counterpart 147 Frederiksberg",
    }
    assert (
        "2 lines, 2 citizens"
        in hits["Art 4.7 (payment to other municipalities), counterpart 159 Gladsaxe"]["message_en"]
    )
    texts = " | ".join(f["message_da"] for f in doc["findings"] if f["code"] == "SIU446")
    assert "159 Gladsaxe" in texts and "147 Frederiksberg" in texts and "-79.751,00" in texts
    assert "udgiften er modpartens" in texts and "udgiften er kommunens egen" in texts
    assert "SIU446" in run.stdout


def test_without_a_counterpart_column_the_counterpart_is_unknown(siu, demo_dir, tmp_path) -> None:
    rows = [r[:5] + ("101", "") for r in ROWS if r[5] != "147"]
    path = _export(tmp_path, extra="Kommunekode;Ekstra", rows=rows)
    run = siu("validate", "--source", "opus", path, "--config", _config(demo_dir, tmp_path), "--lang", "en")
    assert run.exit_code == 0, run.output
    assert "counterpart unknown (no counterpart column)" in run.stdout
