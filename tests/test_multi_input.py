"""Several inputs and sources in one delivery, and one file per area (`--split`).

Inputs: the demo's Opus ledger plus a spreadsheet of revenues in DST's Excel template (2025), and
a case-system extract through the CSV adapter holding both the adult and the children's area (2026).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pyarrow as pa
import pytest
from lxml import etree

from siu.batches import BatchInfo, batch_of_records
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Location, Record, Totals
from siu.specpack import BUILTIN_DIR, SpecPack
from siu.write.split import BATCHES_WAITING, write_per_area_batches
from siu.writers import Writer

GOLDEN = Path(__file__).parent / "golden" / "split"
EPOCH = "1768435200"
REVENUES = [  # PsrID, KONTOSTRENG, Paragraf, Beløb, Startdato, Slutdato: sales of places the ledger lacks
    ("0101601235", "53850100171", "SEL108", -2500, dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31)),
    ("0101601235", "53850100171", "SEL108", -2500, dt.datetime(2025, 2, 1), dt.datetime(2025, 2, 28)),
    ("1503722468", "53850100171", "SEL108", "-1.750,50", "01.03.2025", "31.03.2025"),
]
LEDGER_NET = Decimal("311040.25")  # the demo export's postings (tests/golden/excel/demo-2025-voksen.xml)


@pytest.fixture(autouse=True)
def _fixed_creation_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _revenues(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indberetning"
    ws.append(["PsrID", "KONTOSTRENG", "Paragraf", "Beløb", "Startdato", "Slutdato"])
    for row in REVENUES:
        ws.append(list(row))
    wb.save(path)
    return path


def _lines(path: Path) -> list[dict[str, str]]:
    root = etree.parse(str(path)).getroot()
    ns = root.nsmap[None]
    return [{etree.QName(c).localname: c.text for c in line} for line in root.iter(f"{{{ns}}}Udgiftslinje")]


def _valid(path: Path, year: int) -> bool:
    schema = etree.XMLSchema(etree.parse(str(BUILTIN_DIR / str(year) / "siu.xsd")))
    return schema.validate(etree.parse(str(path)))


# --- several inputs, several sources -----------------------------------------------------------


def test_one_source_per_input_in_order_merges_into_one_delivery(siu, demo_dir, tmp_path):
    revenues = _revenues(tmp_path / "salg.xlsx")
    run = siu(
        "convert",
        "--source",
        "opus",
        str(demo_dir / "opus-udtraek-2025.csv"),
        "--source",
        "excel",
        str(revenues),
        "--config",
        str(demo_dir / "siu.toml"),
        "--out",
        str(tmp_path / "ud"),
    )
    assert run.exit_code == 0, run.output
    delivery = tmp_path / "ud" / "SIU_101_2025_voksen.xml"
    assert _valid(delivery, 2025)
    lines = _lines(delivery)
    golden_ledger = _lines(Path(__file__).parent / "golden" / "excel" / "demo-2025-voksen.xml")
    assert lines[: len(golden_ledger)] == golden_ledger, "the ledger's lines come first, unchanged"
    assert [(x["PsrID"], x["Beloeb"], x["StartDato"]) for x in lines[len(golden_ledger) :]] == [
        ("0101601235", "-2500.00", "2025-01-01"),
        ("0101601235", "-2500.00", "2025-02-01"),
        ("1503722468", "-1750.50", "2025-03-01"),
    ]
    net = sum(Decimal(x["Beloeb"]) for x in lines)
    assert net == LEDGER_NET - Decimal("6750.50")
    # the report says what came from where: per input and per source
    out = run.stdout
    assert "Input pr. fil og kilde" in out
    assert "opus i alt" in out and "excel i alt" in out
    row = next(line for line in out.splitlines() if "excel i alt" in line)
    assert "3" in row and "-6.750,50" in row and "0,00" in row
    row = next(line for line in out.splitlines() if "opus i alt" in line)
    assert "311.040,25" in row and "-79.751,00" in row
    assert "Pengene stemmer: input 304.289,75 = leverance 304.289,75" in out


def test_source_prefixes_give_the_same_delivery(siu, demo_dir, tmp_path):
    revenues = _revenues(tmp_path / "salg.xlsx")
    ledger = demo_dir / "opus-udtraek-2025.csv"
    config = ["--config", str(demo_dir / "siu.toml")]
    assert (
        siu(
            "convert",
            "--source",
            "opus",
            str(ledger),
            "--source",
            "excel",
            str(revenues),
            *config,
            "-o",
            str(tmp_path / "a"),
        ).exit_code
        == 0
    )
    assert siu("convert", f"opus:{ledger}", f"excel:{revenues}", *config, "-o", str(tmp_path / "b")).exit_code == 0
    assert (
        siu(
            "convert", f"opus:{ledger}", str(revenues), "--source", "excel", *config, "-o", str(tmp_path / "c")
        ).exit_code
        == 0
    )
    name = "SIU_101_2025_voksen.xml"
    assert (
        (tmp_path / "a" / name).read_bytes()
        == (tmp_path / "b" / name).read_bytes()
        == (tmp_path / "c" / name).read_bytes()
    )


def test_english_report_names_sources(siu, demo_dir, tmp_path):
    revenues = _revenues(tmp_path / "salg.xlsx")
    run = siu(
        "validate",
        f"opus:{demo_dir / 'opus-udtraek-2025.csv'}",
        f"excel:{revenues}",
        "--config",
        str(demo_dir / "siu.toml"),
        "--lang",
        "en",
    )
    assert run.exit_code == 0, run.output
    assert "Input per file and source" in run.stdout and "excel total" in run.stdout


def test_a_source_count_that_fits_neither_rule_is_a_usage_error(siu, demo_dir, tmp_path):
    revenues = _revenues(tmp_path / "salg.xlsx")
    run = siu(
        "validate",
        "-s",
        "opus",
        "-s",
        "excel",
        "-s",
        "csv",
        str(demo_dir / "opus-udtraek-2025.csv"),
        str(revenues),
        "-k",
        "101",
        "-y",
        "2025",
    )
    assert run.exit_code == 2 and "én --source for alle filer eller én pr. fil" in run.output


def test_invalid_source_date_epoch_is_a_usage_error(siu, demo_dir, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "i går")
    run = siu(
        "validate", "--source", "opus", str(demo_dir / "opus-udtraek-2025.csv"), "--config", str(demo_dir / "siu.toml")
    )
    assert run.exit_code == 2 and "SOURCE_DATE_EPOCH" in run.output and run.exception is None


# --- areas and --split (2026: the children's area joins) ---------------------------------------

ADULT = [
    ("0101601235", "5.38.50.1.001.4.0", "42.500,00", "01.01.2026", "31.01.2026"),
    ("1503722468", "5.38.52.1.001.4.0", "18.250,00", "13.01.2026", "09.02.2026"),
]
CHILD = [
    ("0202124234", "5.28.20.1.001.4.0", "61.000,00", "01.01.2026", "31.03.2026"),
    ("0202124234", "5.28.20.1.001.7.1", "-4.000,00", "01.01.2026", "31.03.2026"),
    ("1106154321", "5.28.21.1.001.4.0", "7.125,50", "01.02.2026", "28.02.2026"),
]


def _case_extract(tmp_path: Path, rows: Iterable[tuple[str, ...]], name: str = "sagssystem.csv") -> list[str]:
    """A case-system extract (CSV) and the arguments that read it through the CSV adapter."""
    path = tmp_path / name
    path.write_text("Cpr;Kontostreng;Beløb;Fra;Til\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    columns = tmp_path / "kolonner.toml"
    columns.write_text(
        '[columns]\ncpr = "Cpr"\nkontostreng = "Kontostreng"\namount = "Beløb"\nstart = "Fra"\nend = "Til"\n',
        encoding="utf-8",
    )
    return ["--source", "csv", str(path), "--columns", str(columns), "--kommune", "101", "--year", "2026"]


def test_split_writes_one_valid_full_load_per_area(siu, tmp_path):
    run = siu("convert", *_case_extract(tmp_path, ADULT + CHILD), "--split", "--out", str(tmp_path / "ud"))
    assert run.exit_code == 0, run.output
    files = {p.name for p in (tmp_path / "ud").iterdir()}
    assert files == {
        "SIU_101_2026_voksen.xml",
        "SIU_101_2026_boern.xml",
        "SIU_101_2026_voksen.xml.siu.json",
        "SIU_101_2026_boern.xml.siu.json",
    }, "one file per area, each with its sidecar, and nothing else"
    for area, count, net in (("voksen", 2, "60750.00"), ("boern", 3, "64125.50")):
        path = tmp_path / "ud" / f"SIU_101_2026_{area}.xml"
        assert _valid(path, 2026)
        root = etree.parse(str(path)).getroot()
        ns = {"s": root.nsmap[None]}
        assert root.findtext("s:Leverance/s:Omraade", namespaces=ns) == area
        assert root.findtext("s:Leverance/s:FuldLeverance", namespaces=ns) == "true"
        assert root.findtext("s:Kontrol/s:AntalLinjer", namespaces=ns) == str(count)
        assert root.findtext("s:Kontrol/s:Netto", namespaces=ns) == net
        assert {line["Omraade"] for line in _lines(path)} == {area}
        golden = GOLDEN / path.name
        if os.environ.get("SIU_UPDATE_GOLDEN") == "1":
            golden.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, golden)
        assert path.read_bytes() == golden.read_bytes()
    assert "Filer pr. område" in run.stdout
    assert "SIU_101_2026_boern.xml" in run.stdout and "64.125,50" in run.stdout


def test_split_as_excel_templates(siu, tmp_path):
    run = siu(
        "convert", *_case_extract(tmp_path, ADULT + CHILD), "--split", "--format", "xlsx", "--out", str(tmp_path / "ud")
    )
    assert run.exit_code == 0, run.output
    for area, count in (("voksen", 2), ("boern", 3)):
        ws = openpyxl.load_workbook(tmp_path / "ud" / f"SIU_101_2026_{area}.xlsx", read_only=True).worksheets[0]
        assert len(list(ws.iter_rows(min_row=2, values_only=True))) == count


def test_split_with_an_error_writes_no_file_at_all(siu, tmp_path):
    broken = [*ADULT, ("0202124234", "5.28.20.1.001.4.0", "1,00", "01.01.2026", "")]  # no end date: an error
    run = siu("convert", *_case_extract(tmp_path, broken + CHILD), "--split", "--out", str(tmp_path / "ud"))
    assert run.exit_code == 1
    assert not (tmp_path / "ud").exists() or list((tmp_path / "ud").iterdir()) == [], "no file, no temporary file"
    assert "Ingen leverance skrevet" in run.stdout


def test_split_with_an_empty_area_warns_and_writes_an_empty_full_load(siu, tmp_path):
    run = siu("convert", *_case_extract(tmp_path, ADULT), "--split", "--out", str(tmp_path / "ud"))
    assert run.exit_code == 0, run.output
    assert "SIU621" in run.stdout
    empty = tmp_path / "ud" / "SIU_101_2026_boern.xml"
    assert _valid(empty, 2026) and _lines(empty) == []
    run = siu("convert", *_case_extract(tmp_path, ADULT), "--split", "--strict", "--out", str(tmp_path / "strict"))
    assert run.exit_code == 1, "under --strict the warning stops the delivery"
    assert not (tmp_path / "strict").exists() or list((tmp_path / "strict").iterdir()) == []


def test_one_area_with_the_other_areas_lines_is_an_error(siu, tmp_path):
    run = siu("convert", *_case_extract(tmp_path, ADULT + CHILD), "--area", "voksen", "--out", str(tmp_path / "ud"))
    assert run.exit_code == 1 and "SIU123" in run.stdout
    assert not (tmp_path / "ud").exists() or list((tmp_path / "ud").iterdir()) == []


def test_both_areas_in_one_file(siu, tmp_path):
    run = siu("convert", *_case_extract(tmp_path, ADULT + CHILD), "--area", "begge", "--out", str(tmp_path / "ud"))
    assert run.exit_code == 0, run.output
    [path] = (tmp_path / "ud").glob("*.xml")
    assert path.name == "SIU_101_2026_begge.xml" and _valid(path, 2026)
    assert [line["Omraade"] for line in _lines(path)] == ["voksen"] * 2 + ["boern"] * 3


def test_split_needs_a_folder(siu, tmp_path):
    run = siu("convert", *_case_extract(tmp_path, ADULT + CHILD), "--split", "--out", str(tmp_path / "leverance.xml"))
    assert run.exit_code == 2 and "--out skal være en mappe" in run.output


def test_both_areas_in_a_one_area_year_is_that_area(siu, demo_dir, tmp_path):
    run = siu(
        "convert",
        "--source",
        "opus",
        str(demo_dir / "opus-udtraek-2025.csv"),
        "--config",
        str(demo_dir / "siu.toml"),
        "--area",
        "begge",
        "--split",
        "--out",
        str(tmp_path / "ud"),
    )
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in (tmp_path / "ud").iterdir()) == [
        "SIU_101_2025_voksen.xml",
        "SIU_101_2025_voksen.xml.siu.json",
    ]
    assert (tmp_path / "ud" / "SIU_101_2025_voksen.xml").read_bytes() == (
        Path(__file__).parent / "golden" / "excel" / "demo-2025-voksen.xml"
    ).read_bytes()


# --- the per-area writer itself ------------------------------------------------------------------


class _Lines(Writer):
    """A minimal writer: one line per record, the header's totals at the end; may fail on purpose."""

    name, suffix = "lines", ".txt"

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after

    def write(self, records: Iterable[Record], header: DeliveryHeader, spec: SpecPack, out: BinaryIO) -> None:
        for n, rec in enumerate(records, start=1):
            if self.fail_after is not None and n > self.fail_after:
                raise RuntimeError("disk full")
            out.write(f"{rec.psr_id};{rec.amount}\n".encode())
        out.write(f"total;{header.totals.records};{header.totals.net}\n".encode())


BATCH = 100  # lines per batch in these tests: many batches, so the bounded queues fill up


def _batches(records: Iterable[Record]) -> Iterator[pa.RecordBatch]:
    """Records as batches of BATCH lines, a new batch where the file changes."""
    chunk: list[Record] = []
    for record in records:
        if chunk and (len(chunk) == BATCH or record.location.file != chunk[0].location.file):
            yield batch_of_records(chunk, BatchInfo(source="test", file=chunk[0].location.file))
            chunk = []
        chunk.append(record)
    if chunk:
        yield batch_of_records(chunk, BatchInfo(source="test", file=chunk[0].location.file))


def write_per_area(records: Iterable[Record], *args) -> dict[str, tuple[Path, DeliveryHeader]]:
    return write_per_area_batches(_batches(records), *args)


def _records(count: int) -> Iterator[Record]:
    for i in range(count):
        area = "voksen" if i % 3 else "boern"
        yield Record(
            psr_id=f"{i:010d}",
            kontostreng=None,
            paragraph="P",
            area=area,
            amount=Decimal(i),
            start=None,
            end=None,
            locations=(Location(file="x", row=i + 2),),
        )


@pytest.fixture(scope="module")
def spec2026() -> SpecPack:
    return SpecPack.load(BUILTIN_DIR / "2026")


def _header() -> DeliveryHeader:
    return DeliveryHeader(
        kommune="101", year=2026, area="begge", spec_version="t", created=dt.datetime(2026, 1, 1), totals=Totals()
    )


def test_per_area_writer_streams_many_records_with_own_totals(tmp_path, spec2026):
    count = BATCH * BATCHES_WAITING * 40 + 7  # far more than the queues hold, so the lanes must run concurrently
    targets = {"voksen": tmp_path / "v.txt", "boern": tmp_path / "b.txt"}
    sink = FindingSink()
    files = write_per_area(_records(count), _Lines(), _header(), spec2026, targets, sink)
    for area, (tmp, head) in files.items():
        lines = tmp.read_text().splitlines()
        expected = [i for i in range(count) if (area == "boern") == (i % 3 == 0)]
        assert lines[:-1] == [f"{i:010d};{i}" for i in expected], "every record once, in order, in its area's file"
        assert lines[-1] == f"total;{len(expected)};{sum(expected)}"
        assert head.area == area and head.totals.records == len(expected)
        assert not targets[area].exists(), "nothing is in place until the caller commits"
    assert sink.ok


def test_per_area_writer_failure_propagates_and_leaves_no_file(tmp_path, spec2026):
    targets = {"voksen": tmp_path / "v.txt", "boern": tmp_path / "b.txt"}
    with pytest.raises(RuntimeError, match="disk full"):
        write_per_area(_records(BATCH * 30), _Lines(fail_after=10), _header(), spec2026, targets, FindingSink())
    assert list(tmp_path.iterdir()) == []


def test_a_line_without_an_area_is_reported_and_written_nowhere(tmp_path, spec2026):
    stray = Record(
        psr_id="0101601235",
        kontostreng=None,
        paragraph=None,
        area=None,
        amount=Decimal(5),
        start=None,
        end=None,
        locations=(Location(file="in.csv", row=7),),
    )
    sink = FindingSink()
    files = write_per_area(
        [*_records(4), stray], _Lines(), _header(), spec2026, {"voksen": tmp_path / "v", "boern": tmp_path / "b"}, sink
    )
    assert sink.count("SIU620") == 1 and not sink.ok
    assert sum(head.totals.records for _, head in files.values()) == 4
    [finding] = [f for f in sink.kept if f.code == "SIU620"]
    assert finding.location == Location(file="in.csv", row=7)
    for tmp, _ in files.values():
        tmp.unlink()


def test_a_failure_while_reading_stops_every_area_and_leaves_no_file(tmp_path, spec2026):
    def failing() -> Iterator[Record]:
        yield from _records(BATCH * 20)
        raise ValueError("adapter broke")

    with pytest.raises(ValueError, match="adapter broke"):
        write_per_area(
            failing(), _Lines(), _header(), spec2026, {"voksen": tmp_path / "v", "boern": tmp_path / "b"}, FindingSink()
        )
    assert list(tmp_path.iterdir()) == []


def test_per_area_templates_read_back_together_give_the_golden_split(siu, tmp_path):
    """Both areas' xlsx files, read back as two excel inputs, split again: the golden XML files."""
    # The built-in IDEP channel takes whole kroner (tests/test_channels.py); a round trip keeps
    # øre only with a pack whose IDEP channel keeps them.
    pack = tmp_path / "pack"
    shutil.copytree(BUILTIN_DIR / "2026", pack)
    text = (pack / "manifest.toml").read_text(encoding="utf-8")
    (pack / "manifest.toml").write_text(
        text.replace('decimals = 0\nrounding = "largest_remainder"', 'decimals = 2\nrounding = "none"'),
        encoding="utf-8",
    )
    run = siu(
        "convert",
        *_case_extract(tmp_path, ADULT + CHILD),
        "--split",
        "--format",
        "xlsx",
        "--spec-dir",
        pack,
        "--out",
        str(tmp_path / "xlsx"),
    )
    assert run.exit_code == 0, run.output
    files = [str(tmp_path / "xlsx" / f"SIU_101_2026_{area}.xlsx") for area in ("voksen", "boern")]
    run = siu(
        "convert",
        "--source",
        "excel",
        *files,
        "--kommune",
        "101",
        "--year",
        "2026",
        "--split",
        "--spec-dir",
        pack,
        "--out",
        str(tmp_path / "xml"),
    )
    assert run.exit_code == 0, run.output
    for area in ("voksen", "boern"):
        name = f"SIU_101_2026_{area}.xml"
        assert (tmp_path / "xml" / name).read_bytes() == (GOLDEN / name).read_bytes()
    assert "excel i alt" in run.stdout


class _Quitter(_Lines):
    """A broken writer that stops after a few records without saying so."""

    def write(self, records: Iterable[Record], header: DeliveryHeader, spec: SpecPack, out: BinaryIO) -> None:
        for n, _ in enumerate(records):
            if n == 3:
                return


def test_a_writer_that_stops_early_is_an_error_not_a_short_file(tmp_path, spec2026):
    with pytest.raises(RuntimeError, match="stopped before the last line"):
        write_per_area(
            _records(BATCH * 20),
            _Quitter(),
            _header(),
            spec2026,
            {"voksen": tmp_path / "v", "boern": tmp_path / "b"},
            FindingSink(),
        )
    assert list(tmp_path.iterdir()) == []


def test_split_areas_checked_in_helper_processes_are_each_checked(siu, tmp_path, monkeypatch):
    from siu.write.xsd_stream import StreamCheck

    monkeypatch.setattr(StreamCheck, "THRESHOLD", 0)
    verdicts: list[object] = []
    result = StreamCheck.result
    monkeypatch.setattr(StreamCheck, "result", lambda self: verdicts.append(result(self)) or verdicts[-1])
    run = siu("convert", *_case_extract(tmp_path, ADULT + CHILD), "--split", "--out", str(tmp_path / "ud"))
    assert run.exit_code == 0, run.output
    assert verdicts == [[], []], "each area's file was checked beside its writer"
    for area in ("voksen", "boern"):
        assert (tmp_path / "ud" / f"SIU_101_2026_{area}.xml").read_bytes() == (
            GOLDEN / f"SIU_101_2026_{area}.xml"
        ).read_bytes()
