"""Every built-in adapter passes siu.testing's contract suite, on small samples generated here.

The samples are written by code (a seeded generator): each knows its own total, so the
conservation check compares against the sum of the amounts written, not a number copied in.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from openpyxl import Workbook

import siu_csv
import siu_excel
import siu_opus
import siu_sap
from siu.adapters import BatchSource, ReadInfo, ReadOptions
from siu.batches import BatchInfo, batch_of_postings
from siu.models import Finding
from siu.testing import (
    AdapterContract,
    ContractFailure,
    Sample,
    check_batches,
    check_conserves,
    check_registers,
    check_unreadable,
)

CPRS = ["010160-1235", "150372-2468", "241290-1112", "030303-0303"]
TEXTS = ["Botilbud Ærøhuset", "Støtte i egen bolig", "Forsorgshjem Åbo", "Krisecenter Søndergård"]


def lines(seed: int, count: int = 12) -> list[dict[str, object]]:
    """Rows of a small export: CPR, signed amount, period of one month, Danish text."""
    rnd = random.Random(seed)
    rows = []
    for i in range(count):
        month = rnd.randrange(1, 13)
        start = dt.date(2025, month, 1)
        end = (start.replace(month=month % 12 + 1) if month < 12 else dt.date(2026, 1, 1)) - dt.timedelta(days=1)
        cents = rnd.randrange(-200_000, 5_000_000)
        rows.append(
            {
                "cpr": CPRS[i % len(CPRS)],
                "amount": Decimal(cents).scaleb(-2),
                "start": start,
                "end": end,
                "text": f"{TEXTS[i % len(TEXTS)]} {start:%m.%Y}",
                "document": str(100_000 + i),
            }
        )
    return rows


def danish(amount: Decimal) -> str:
    """1234.5 → 1.234,50 (Danish thousands and decimal separators)."""
    return f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def total(rows: Sequence[dict[str, object]]) -> Decimal:
    return sum((r["amount"] for r in rows), Decimal(0))  # type: ignore[misc]


def write_csv(path: Path, header: list[str], cells: list[list[str]], encoding: str = "cp1252") -> Path:
    path.write_text("\n".join(";".join(r) for r in [header, *cells]) + "\n", encoding=encoding)
    return path


class TestOpusContract(AdapterContract):
    plugin = siu_opus
    source_name = "opus"
    entry_point = "opus"

    def make_samples(self, folder: Path) -> list[Sample]:
        rows = lines(1)
        header = [
            "Bilagsnr",
            "Bogføringsdato",
            "PSP-element",
            "Artskonto",
            "CPR-nr",
            "Beløb",
            "Periode fra",
            "Periode til",
            "Tekst",
        ]
        cells = [
            [
                r["document"],
                f"{r['end']:%d.%m.%Y}",
                "XG-5385010001-0001",
                "40110000",
                r["cpr"],
                danish(r["amount"]),  # type: ignore[arg-type]
                f"{r['start']:%d.%m.%Y}",
                f"{r['end']:%d.%m.%Y}",
                r["text"],
            ]
            for r in rows
        ]
        cells.insert(5, [""] * len(header))  # a blank line: skipped and counted
        path = write_csv(folder / "opus-udtraek.csv", header, cells)  # type: ignore[arg-type]
        return [Sample(path, total=total(rows), postings=len(rows))]


class TestSapContract(AdapterContract):
    plugin = siu_sap
    source_name = "sap"
    entry_point = "sap"

    def make_samples(self, folder: Path) -> list[Sample]:
        rows = lines(2)
        header = ["BELNR", "BUDAT", "HKONT", "ZUONR", "DMBTR", "SHKZG", "SGTXT"]
        cells = [
            [
                r["document"],
                f"{r['end']:%Y%m%d}",
                "538501001",
                r["cpr"],
                danish(abs(r["amount"])),  # type: ignore[arg-type]
                "S" if r["amount"] >= 0 else "H",
                r["text"],
            ]  # type: ignore[operator]
            for r in rows
        ]
        path = write_csv(folder / "fbl3n.txt", header, cells, encoding="utf-8")  # type: ignore[arg-type]
        return [Sample(path, total=total(rows), postings=len(rows))]


class TestCsvContract(AdapterContract):
    plugin = siu_csv
    source_name = "csv"
    entry_point = "csv"
    min_confidence = 0.2  # generic by design: it yields auto-detection to the specific adapters

    def make_samples(self, folder: Path) -> list[Sample]:
        rows = lines(3)
        header = ["Personnummer", "Beløb", "Kontostreng", "Fra", "Til", "Tekst"]
        cells = [
            [
                r["cpr"],
                danish(r["amount"]),
                "5.38.50.1.001.4.0",
                f"{r['start']:%Y-%m-%d}",
                f"{r['end']:%Y-%m-%d}",
                r["text"],
            ]  # type: ignore[arg-type]
            for r in rows
        ]
        path = write_csv(folder / "eget-udtraek.csv", header, cells, encoding="utf-8-sig")  # type: ignore[arg-type]
        return [Sample(path, total=total(rows), postings=len(rows), options=ReadOptions())]


class TestExcelContract(AdapterContract):
    plugin = siu_excel
    source_name = "excel"
    entry_point = "excel"

    def make_samples(self, folder: Path) -> list[Sample]:
        rows = lines(4)
        wb = Workbook()
        ws = wb.active
        ws.title = "Indberetning"
        ws.append(["PsrID", "KONTOSTRENG", "Paragraf", "Beløb", "Startdato", "Slutdato"])
        for r in rows:
            ws.append(
                [str(r["cpr"]).replace("-", ""), "53850100140", "SEL108", float(r["amount"]), r["start"], r["end"]]
            )  # type: ignore[arg-type]
        path = folder / "skabelon.xlsx"
        wb.save(path)
        return [Sample(path, total=total(rows), postings=len(rows))]


# --- the kit itself catches broken adapters --------------------------------------------------


def test_the_kit_catches_an_adapter_that_loses_money(tmp_path):
    source = check_registers(siu_opus, "opus")
    sample = TestOpusContract().make_samples(tmp_path)[0]
    wrong = Sample(sample.path, total=sample.total + Decimal("0.01"))
    with pytest.raises(ContractFailure, match="in all, expected"):
        check_conserves(source, [wrong])


def test_the_kit_catches_an_adapter_that_raises_on_bad_input(tmp_path):
    from siu.adapters import Source

    class Fragile(Source):
        name, description = "fragile", "raises on anything"

        def sniff(self, path):  # pragma: no cover - not called here
            raise NotImplementedError

        def read(self, path, options, info):
            raise ValueError(f"cannot read {path.name}")
            yield  # pragma: no cover

    sample = TestOpusContract().make_samples(tmp_path)[0]
    with pytest.raises(ContractFailure, match="raised on (empty|binary|missing) input"):
        check_unreadable(Fragile(), [sample], tmp_path / "work")


def test_the_kit_refuses_a_plugin_without_the_source(tmp_path):
    with pytest.raises(ContractFailure, match="not one source named 'nosuch'"):
        check_registers(siu_opus, "nosuch")


def test_the_kit_catches_an_adapter_that_counts_its_postings_itself(tmp_path):
    """siu adds one to ReadInfo.postings per Posting an adapter yields; an adapter that counts
    them too doubles the number in the report, though the money and rows still add up."""
    from siu_opus import OpusSource

    class DoubleCounting(OpusSource):
        def read(self, path, options, info):
            for item in super().read(path, options, info):
                if not isinstance(item, Finding):
                    info.postings += 1  # the mistake: the host counts postings
                yield item

    sample = TestOpusContract().make_samples(tmp_path)[0]
    check_conserves(OpusSource(), [sample])  # the real adapter passes the same check
    with pytest.raises(ContractFailure, match=r"sets ReadInfo.postings to 12; siu counts the postings"):
        check_conserves(DoubleCounting(), [sample])


# --- batch sources (plugin API 2) -------------------------------------------------------------


class Batched(BatchSource):
    """opus's postings read per row and handed on as one batch, with a mistake to make if asked."""

    name, description = "batched", "opus in batches"

    def __init__(self, mistake: str | None = None) -> None:
        self.mistake = mistake

    def sniff(self, path):  # pragma: no cover - not called here
        return siu_opus.OpusSource().sniff(path)

    def read_batches(self, path, options, info):
        if self.mistake == "raises" and path.stat().st_size == 0:
            raise ValueError("empty")
        postings = []
        for item in siu_opus.OpusSource().read(path, options, info):
            if isinstance(item, Finding):
                yield item
            else:
                postings.append(item)
        if postings:
            yield self.spoil(batch_of_postings(postings, BatchInfo(source=self.name, file=path.name)), info)

    def spoil(self, batch: pa.RecordBatch, info: ReadInfo) -> pa.RecordBatch:
        if self.mistake == "counts":
            info.postings += batch.num_rows
        elif self.mistake == "float":
            i = batch.schema.get_field_index("amount")
            batch = batch.set_column(i, "amount", pc.cast(batch.column("amount"), pa.float64()))
        elif self.mistake == "no-info":
            batch = batch.replace_schema_metadata(None)
        elif self.mistake == "no-row":
            i = batch.schema.get_field_index("row")
            batch = batch.set_column(i, batch.schema.field(i), pa.nulls(batch.num_rows, pa.int64()))
        return batch


def test_the_kit_passes_a_batch_source_that_keeps_the_contract(tmp_path):
    sample = TestOpusContract().make_samples(tmp_path)[0]
    check_batches(Batched(), [sample], tmp_path / "work")


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("counts", r"sets ReadInfo.postings to 12; siu counts the rows of the batches itself"),
        ("float", r"POSTING_SCHEMA: column 'amount' is double, expected decimal128\(38, 18\) not null"),
        ("no-info", r"carries no BatchInfo"),
        ("no-row", r"every row needs its number as users see it"),
        ("raises", r"read_batches raised on empty input"),
    ],
)
def test_the_kit_catches_a_batch_source_that_breaks_the_contract(mistake, message, tmp_path):
    sample = TestOpusContract().make_samples(tmp_path)[0]
    with pytest.raises(ContractFailure, match=message):
        check_batches(Batched(mistake), [sample], tmp_path / "work")


def test_the_kit_catches_a_batch_source_whose_read_disagrees_with_its_batches(tmp_path):
    class Disagrees(Batched):
        def read(self, path, options, info):
            for item in super().read(path, options, info):
                if isinstance(item, Finding) or item.location.row != 3:
                    yield item

    sample = TestOpusContract().make_samples(tmp_path)[0]
    with pytest.raises(ContractFailure, match=r"read and read_batches give different postings"):
        check_batches(Disagrees(), [sample], tmp_path / "work")
