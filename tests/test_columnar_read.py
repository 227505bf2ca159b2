"""The columnar reader against the per-row reader (the oracle): the same postings, findings,
order and ReadInfo for every export layout and for generated messy files."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import siu.read.columnar as columnar
from exports import OPUS_LAYOUTS, SAP_LAYOUTS, generate
from siu.adapters import ReadInfo, ReadOptions
from siu.host.plugins import load_plugins
from siu.models import Posting
from siu.tabular import TabularSource, read_scalar

SOURCES = load_plugins(no_plugins=True).sources


def _plain(items: list[Any]) -> list[Any]:
    # The batch schema keeps neither a row's raw cells nor how a period was derived (SIU022/SIU028
    # say that per file), so the oracle's postings are compared without them.
    return [i.model_copy(update={"raw": None, "period_derived": None}) if isinstance(i, Posting) else i for i in items]


def both(source: TabularSource, path: Path, options: ReadOptions | None = None) -> tuple[Any, Any]:
    options = options or ReadOptions()
    new_info, old_info = ReadInfo(), ReadInfo()
    new = list(source.read(path, options, new_info))
    old = _plain(list(read_scalar(source, path, options, old_info)))
    return (new, new_info), (old, old_info)


def assert_same(source: TabularSource, path: Path, options: ReadOptions | None = None) -> list[Any]:
    (new, new_info), (old, old_info) = both(source, path, options)
    assert [type(i).__name__ for i in new] == [type(i).__name__ for i in old]
    for a, b in zip(new, old, strict=True):
        assert a == b
    assert new_info == old_info
    return new


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many tables were read column-wise."""
    calls: list[int] = []
    original = columnar.read_columnar

    def counting(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr("siu.tabular.read_columnar", counting)
    return calls


@pytest.mark.parametrize(
    ("source", "layout"), [("opus", name) for name in OPUS_LAYOUTS] + [("sap", name) for name in SAP_LAYOUTS]
)
def test_every_export_layout_reads_as_the_per_row_reader_does(tmp_path: Path, source: str, layout: str) -> None:
    export = generate(source, layout, tmp_path, count=400, seed=7)
    assert_same(SOURCES[source], export.path, ReadOptions(**export.read_options))


def test_a_plain_opus_export_is_read_column_wise(tmp_path: Path, spy: list[int]) -> None:
    export = generate("opus", "danish", tmp_path, count=500, seed=3)
    items = assert_same(SOURCES["opus"], export.path)
    assert spy == [1] and sum(isinstance(i, Posting) for i in items) == 500


def test_rows_across_many_blocks_keep_their_line_numbers(
    tmp_path: Path, spy: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 2048)  # many blocks, odd rows in several of them
    monkeypatch.setattr(columnar, "BATCH_ROWS", 7)  # and several batches a block
    export = generate("opus", "danish", tmp_path, count=300, seed=5)
    text = export.path.read_text("cp1252").splitlines()
    text[40:40] = ["", "* Subtotal;;;;;;1,00;;;", "kort;linje"]
    text[200:200] = ["Bilagsnr;x;y;z;a;b;c;d;e;f;g;h", ""]
    export.path.write_text("\r\n".join(text) + "\r\n", "cp1252")
    items = assert_same(SOURCES["opus"], export.path)
    assert spy == [1] and any(not isinstance(i, Posting) for i in items)


_HEADER = ["Bilagsnr", "Bogføringsdato", "PSP-element", "Artskonto", "CPR-nr", "Beløb", "Periode fra", "Periode til"]
_AMOUNTS = ["1.234,56", "12,5-", "-3", "7", "(12,00)", "1,234.56", "abc", "", " ", "12.345", "99.999.999.999.999,00"]
_DATES = ["01.02.2025", "31.02.2025", "2025-02-01", "1/2/2025", "", "x", "00.00.0000", "20250201"]
_CPRS = ["010190-1234", "0101901234", "", "abc", "*", "0101 90 1234", "010190-1234 "]
_DOCS = ["123", "", "*", "Bilagsnr", "Sum", " 77", "A-1"]
_TEXTS = ["Ophold", "I alt", "Saldo", "", "Æblehaven ø", "-----"]


@st.composite
def messy_rows(draw: st.DrawFn) -> list[str]:
    rows = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["row", "row", "row", "blank", "short", "long", "total", "header"]))
        if kind == "blank":
            rows.append("")
        elif kind == "short":
            rows.append(";".join(draw(st.sampled_from(_AMOUNTS)) for _ in range(3)))
        elif kind == "header":
            rows.append(";".join(_HEADER))
        elif kind == "total":
            rows.append(f"*;;;;;{draw(st.sampled_from(_AMOUNTS))};;")
        else:
            cells = [
                draw(st.sampled_from(_DOCS)),
                draw(st.sampled_from(_DATES)),
                draw(st.sampled_from(["XG-1", "", " XG-2 "])),
                draw(st.sampled_from(["40110000", ""])),
                draw(st.sampled_from(_CPRS)),
                draw(st.sampled_from(_AMOUNTS)),
                draw(st.sampled_from(_DATES)),
                draw(st.sampled_from(_TEXTS if kind == "row" else _DATES)),
            ]
            rows.append(";".join(cells + (["extra"] if kind == "long" else [])))
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=messy_rows(), encoding=st.sampled_from(["cp1252", "utf-8-sig", "utf-8"]), small=st.booleans())
def test_messy_files_read_as_the_per_row_reader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[str], encoding: str, small: bool
) -> None:
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 256 if small else 1 << 20)
    path = tmp_path / "messy.csv"
    data = "\r\n".join([";".join(_HEADER), *rows]) + "\r\n"
    path.write_bytes(data.encode(encoding) if encoding != "utf-8-sig" else codecs.BOM_UTF8 + data.encode("utf-8"))
    assert_same(SOURCES["csv"], path)
    assert_same(SOURCES["opus"], path)


def test_a_byte_the_encoding_lacks_is_said_as_the_per_row_reader_says_it(tmp_path: Path) -> None:
    export = generate("opus", "danish", tmp_path, count=200, seed=2)
    data = export.path.read_bytes()
    export.path.write_bytes(data + b"1;01.02.2025;XG;4011;010190-1234;1,00;01.02.2025;28.02.2025;\x81\r\n")
    items = assert_same(SOURCES["opus"], export.path, ReadOptions(encoding="cp1252"))
    assert any(getattr(i, "code", None) == "SIU003" for i in items)


def test_the_written_out_whitespace_is_what_python_strips() -> None:
    from siu.read.column_cells import WHITESPACE

    assert WHITESPACE == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
