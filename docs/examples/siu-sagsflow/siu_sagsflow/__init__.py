"""The payment export of a (made-up) case-management system, Sagsflow, as a siu plugin written
against plugin API 2: ``--source sagsflow``, the rules SAGSFLOW101-102, ``--format sagsflow-csv``.

Sagsflow exports its payments as JSON Lines (UTF-8, one object per line)::

    {"sag": "S-2025-0412", "cpr": "0101601235", "kontostreng": "5.38.50.1.001.4.0",
     "beloeb": "42500.00", "fra": "2025-01-01", "til": "2025-01-31", "tekst": "Bakkehuset, januar"}

Amounts are text with a decimal point, so they are exact; dates are ISO dates. The lines carry
the official account string already, so no mapping file is needed.

Everything works on whole columns: pyarrow reads the file, pyarrow.compute converts the values,
and Python runs per row only for a row with a problem (a line that is not JSON, an amount or a
date that cannot be read), to say what is wrong with it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.json as pj

from siu import hookimpl
from siu.adapters import BatchSource, ReadInfo, ReadOptions, Sniff, Source
from siu.batches import AMOUNT, BATCH_ROWS, POSTING_SCHEMA, BatchInfo, with_info
from siu.context import Context
from siu.findings import Text, define
from siu.models import DeliveryHeader, Finding, Location, Record
from siu.rules import Hit, Rule, batch_rule
from siu.specpack import SpecPack
from siu.writers import Writer

SIU_API = 2  # the siu plugin API this package is written for: batch sources, rules and writers

KEYS = ("sag", "cpr", "kontostreng", "beloeb", "fra", "til", "tekst")  # the export's fields
COLUMNS = {
    "document": "sag",
    "cpr": "cpr",
    "kontostreng": "kontostreng",
    "amount": "beloeb",
    "start": "fra",
    "end": "til",
    "text": "tekst",
}  # siu's field → the name a finding points at
RAW = pa.schema([(key, pa.string()) for key in KEYS])  # every field read as text: amounts stay exact
AMOUNT_FORM = r"^-?\d{1,15}(\.\d{1,18})?$"

UNREADABLE_FILE = define(
    "SAGSFLOW001",
    "error",
    ("Filen kan ikke læses", "The file cannot be read"),
    ("{file} kan ikke læses: {why}", "{file} cannot be read: {why}"),
    ("Dan udtrækket igen i Sagsflow.", "Export the payments from Sagsflow again."),
)
BAD_LINE = define(
    "SAGSFLOW002",
    "error",
    ("Linjen er ikke en udbetaling", "The line is not a payment"),
    ("Linjen er ikke et JSON-objekt og springes over", "The line is not a JSON object and is skipped"),
    ("Ret linjen, eller dan udtrækket igen i Sagsflow.", "Correct the line, or export the payments again."),
)
BAD_VALUE = define(
    "SAGSFLOW003",
    "error",
    ("Feltet kan ikke læses", "The field cannot be read"),
    ("{column} kan ikke læses: '{value}'", "{column} cannot be read: '{value}'"),
    ("Ret værdien i Sagsflow.", "Correct the value in Sagsflow."),
)


class SagsflowSource(BatchSource):
    """Sagsflow's payment export (see the module docstring)."""

    name = "sagsflow"
    description = "Sagsflow: udbetalinger som JSON-linjer / payments as JSON Lines"
    file_types = (".jsonl", ".json")

    def sniff(self, path: Path) -> Sniff:
        try:
            with path.open("rb") as f:
                keys = set(json.loads(f.readline(65536).decode("utf-8-sig")))
        except (OSError, UnicodeDecodeError, ValueError, TypeError, RecursionError):
            keys = set()
        if {"sag", "cpr", "beloeb"} <= keys:
            return Sniff(0.9, "linjerne er Sagsflows udbetalinger", "the lines are Sagsflow's payments")
        return Sniff(0.0, "ikke Sagsflows JSON-linjer", "not Sagsflow's JSON lines")

    def read_batches(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[pa.RecordBatch | Finding]:
        file = path.name
        try:
            data = path.read_bytes()  # an example's export is small; a large one is read in blocks
            raw, rows, bad = _text_columns(data)
        except (OSError, UnicodeDecodeError) as exc:
            why = (
                Text("filen kan ikke åbnes", "the file cannot be opened")
                if isinstance(exc, OSError)
                else Text("filen er ikke UTF-8-tekst", "the file is not UTF-8 text")
            )
            yield UNREADABLE_FILE.make(location=Location(file=file), file=file, why=why)
            return
        if not len(rows) and not bad:
            yield UNREADABLE_FILE.make(location=Location(file=file), file=file, why=Text("filen er tom", "it is empty"))
            return
        info.note("format", "JSON Lines")
        info.rows_read += len(rows) + len(bad)  # the adapter counts rows; siu counts the postings
        for _ in bad:
            info.skip("ulæselige rækker")
        batch, problems = _postings(raw, rows, file, info)
        problems += [BAD_LINE.make(location=Location(file=file, row=number)) for number in bad]
        yield from sorted(problems, key=_row)  # before the batch: siu reports each at its own row
        where = BatchInfo(source=self.name, file=file, columns=COLUMNS, headers=KEYS)
        for start in range(0, batch.num_rows, BATCH_ROWS):
            yield with_info(batch.slice(start, BATCH_ROWS), where)


def _text_columns(data: bytes) -> tuple[pa.Table, pa.Array, list[int]]:
    """The export's fields as text columns, each row's line number, and the lines that are not
    JSON objects. pyarrow reads the file in one go; where it cannot (a broken line, a number
    where text belongs) or skipped blank lines (the line numbers would be lost), Python reads
    it line by line, to say which line is wrong."""
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    try:
        table = pj.read_json(io.BytesIO(data), parse_options=pj.ParseOptions(explicit_schema=RAW))
        if table.num_rows == lines:
            return table.select(KEYS), pa.array(range(1, lines + 1), pa.int64()), []
    except pa.ArrowInvalid:
        pass
    rows: list[dict[str, str | None]] = []
    numbers: list[int] = []
    bad: list[int] = []
    for number, line in enumerate(data.decode("utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_float=str, parse_int=str)  # numbers as written, never floats
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict):
            rows.append({key: None if obj.get(key) is None else str(obj[key]) for key in KEYS})
            numbers.append(number)
        else:
            bad.append(number)
    return pa.Table.from_pylist(rows, schema=RAW), pa.array(numbers, pa.int64()), bad


def _text(column: pa.ChunkedArray) -> pa.Array:
    """Trimmed text; an empty cell is missing."""
    trimmed = pc.utf8_trim_whitespace(column.combine_chunks())
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _iso_dates(cells: pa.Array) -> pa.Array:
    """ISO dates, parsed once per distinct text and broadcast to the rows (an export repeats a few
    hundred dates on a million lines); a text that is not a real date is null."""
    encoded = pc.dictionary_encode(cells)
    texts = encoded.dictionary
    parsed = pc.strptime(texts, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2025-02-30 over to 2025-03-02: a date counts only if it reads back as written
    exact = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), texts)
    return pc.take(pc.cast(pc.if_else(exact, parsed, pa.scalar(None, parsed.type)), pa.date32()), encoded.indices)


def _rows_where(mask: pa.Array) -> list[int]:
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def _postings(raw: pa.Table, rows: pa.Array, file: str, info: ReadInfo) -> tuple[pa.RecordBatch, list[Finding]]:
    """The postings of the text columns, and a finding for each value that cannot be read."""
    text = {key: _text(raw.column(key)) for key in KEYS}
    amount_ok = pc.fill_null(pc.match_substring_regex(text["beloeb"], AMOUNT_FORM), False)
    problems: list[Finding] = []
    for i in _rows_where(pc.invert(amount_ok)):  # no amount, no posting: counted, and said why
        amount = text["beloeb"][i].as_py() or ""
        info.skip("ulæselige rækker")
        problems.append(_bad_value(file, rows[i].as_py(), "amount", amount))
    amounts = pc.cast(pc.if_else(amount_ok, text["beloeb"], "0"), AMOUNT)
    point = pc.find_substring(text["beloeb"], ".")
    scale = pc.if_else(
        pc.greater_equal(point, 0), pc.subtract(pc.subtract(pc.utf8_length(text["beloeb"]), point), 1), 0
    )
    dates: dict[str, pa.Array] = {}
    invalid: list[list[str] | None] = [None] * len(rows)  # the fields of each row that could not be read
    for name in ("start", "end"):
        cells = text[COLUMNS[name]]
        dates[name] = _iso_dates(cells)
        for i in _rows_where(pc.and_(pc.is_valid(cells), pc.is_null(dates[name]))):
            problems.append(_bad_value(file, rows[i].as_py(), name, cells[i].as_py()))
            invalid[i] = [*(invalid[i] or []), name]  # reported here, so siu does not report it missing too
    columns = {
        "row": rows,
        "amount": amounts,
        "amount_scale": pc.cast(pc.fill_null(scale, 0), pa.int8()),
        "cpr": text["cpr"],
        "start": dates["start"],
        "end": dates["end"],
        "document": text["sag"],
        "text": text["tekst"],
        "dim_kontostreng": text["kontostreng"],
        "sign_explicit": pa.repeat(False, len(rows)),
        "invalid": pa.array(invalid, pa.list_(pa.string())),
    }
    arrays = [columns.get(f.name, pa.nulls(len(rows), f.type)) for f in POSTING_SCHEMA]
    batch = pa.RecordBatch.from_arrays(arrays, schema=POSTING_SCHEMA).filter(amount_ok)
    return batch, problems


def _row(finding: Finding) -> int:
    return (finding.location.row or 0) if finding.location else 0


def _bad_value(file: str, row: int, field: str, value: str) -> Finding:
    column = COLUMNS[field]
    return BAD_VALUE.make(location=Location(file=file, row=row, column=column), field=field, value=value, column=column)


# --- a rule on columns -----------------------------------------------------------------------


def _long_period(record: Record, ctx: Context) -> Hit | None:
    """Decides one row the mask picked, and words its finding."""
    if record.start is None or record.end is None:
        return None
    days = (record.end - record.start).days + 1
    return Hit(field="end", days=days) if days > 31 else None


@batch_rule(
    "SAGSFLOW101",
    "warning",
    title=("Periode over en måned", "Period over a month"),
    template=(
        "Perioden er {days} dage; Sagsflow udbetaler månedsvis",
        "The period is {days} days; Sagsflow pays monthly",
    ),
    doc=(
        "Sagsflow udbetaler en måned ad gangen; en længere periode er som regel to udbetalinger lagt sammen.",
        "Sagsflow pays one month at a time; a longer period is usually two payments joined.",
    ),
    check=_long_period,
)
def long_period(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    """The rows whose period is over 31 days (``_long_period`` words each)."""
    return pc.fill_null(pc.greater(pc.days_between(batch.column("start"), batch.column("end")), 30), False)


@batch_rule(
    "SAGSFLOW102",
    "info",
    title=("Tilbagebetaling", "Refund"),
    template=("Linjen er en tilbagebetaling (et negativt beløb)", "The line is a refund (a negative amount)"),
    doc=(
        "Tilbagebetalinger indberettes med minus; tjek at de hører til sagen.",
        "Refunds are reported as negative amounts; check that they belong to the case.",
    ),
    field="amount",
)
def refund(batch: pa.RecordBatch, ctx: Context) -> pa.Array:
    """The rows with a negative amount: no check needed, the mask says it all."""
    return pc.less(batch.column("amount"), pa.scalar(Decimal(0), AMOUNT))


# --- a writer on columns ---------------------------------------------------------------------


class PreviewWriter(Writer):
    """The delivery as a CSV overview for the caseworkers, CPR numbers masked (``DDMMYY-xxxx``)."""

    name, suffix = "sagsflow-csv", ".csv"
    description = "Leverancen som CSV-oversigt med maskerede CPR-numre / the delivery as CSV, CPR masked"

    def write_batches(
        self, batches: Iterable[pa.RecordBatch], header: DeliveryHeader, spec: SpecPack, out: BinaryIO
    ) -> None:
        first = True
        for batch in batches:
            table = pa.table(
                {
                    "PsrID": pc.binary_join_element_wise(
                        pc.utf8_slice_codeunits(batch.column("psr_id"), 0, 6), "-xxxx", ""
                    ),
                    "Kontostreng": batch.column("kontostreng"),
                    "Beloeb": pc.cast(pc.round(batch.column("amount"), 2), pa.decimal128(38, 2)),
                    "Start": batch.column("start"),
                    "Slut": batch.column("end"),
                }
            )
            pcsv.write_csv(table, out, pcsv.WriteOptions(include_header=first, delimiter=";"))
            first = False


@hookimpl
def register_sources() -> list[Source]:
    return [SagsflowSource()]


@hookimpl
def register_rules() -> list[Rule]:
    return [long_period, refund]


@hookimpl
def register_writers() -> list[Writer]:
    return [PreviewWriter()]
