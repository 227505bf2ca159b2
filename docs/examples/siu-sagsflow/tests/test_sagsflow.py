"""siu's contract suite on the sample (it checks the batches too), and the plugin's rules and writer."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import siu_sagsflow
from hypothesis import example, given, settings
from hypothesis import strategies as st
from siu.adapters import ReadInfo, ReadOptions
from siu.batches import BatchInfo, batch_of_records, postings_of
from siu.models import Finding, Record
from siu.testing import AdapterContract, Sample

SAMPLE = Path(__file__).parent.parent / "samples" / "sagsflow-udbetalinger-2025.jsonl"


class TestSagsflowContract(AdapterContract):
    plugin = siu_sagsflow
    source_name = "sagsflow"
    entry_point = "sagsflow"
    samples = [Sample(SAMPLE, total="198230.75", postings=6)]


def read_batches(path: Path) -> tuple[list, list[Finding], ReadInfo]:
    info = ReadInfo()
    items = list(siu_sagsflow.SagsflowSource().read_batches(path, ReadOptions(), info))
    return [i for i in items if not isinstance(i, Finding)], [i for i in items if isinstance(i, Finding)], info


def test_an_unreadable_amount_skips_the_row_and_a_bad_date_is_marked_invalid(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        '"42500.00", "fra": "2025-02-01"', '"42.500,00", "fra": "2025-02-01"'
    )
    path = tmp_path / SAMPLE.name
    path.write_text(
        text.replace('"til": "2025-01-31", "tekst": "Fjordly', '"til": "2025-01-32", "tekst": "Fjordly'), "utf-8"
    )
    (batch,), findings, info = read_batches(path)
    assert [(f.code, f.location.row, f.location.column) for f in findings] == [
        ("SAGSFLOW003", 2, "beloeb"),
        ("SAGSFLOW003", 5, "til"),
    ]
    assert batch.num_rows == 5 and (info.rows_read, info.rows_skipped, info.postings) == (6, 1, 0)
    assert batch.column("invalid").to_pylist()[3] == ["end"] and batch.column("end").to_pylist()[3] is None


def test_amounts_written_as_json_numbers_are_read_exactly(tmp_path):
    path = tmp_path / SAMPLE.name
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace('"beloeb": "16480.25"', '"beloeb": 16480.25'), "utf-8")
    (batch,), findings, _ = read_batches(path)
    assert findings == [] and batch.column("amount").to_pylist()[-1] == Decimal("16480.25")


def test_the_long_period_rule_masks_the_rows_and_words_each():
    (batch,), _, _ = read_batches(SAMPLE)
    mask = siu_sagsflow.long_period.mask(batch, None)
    assert mask.to_pylist() == [False, False, True, False, False, False]
    record = Record(
        psr_id=None,
        kontostreng=None,
        paragraph=None,
        area=None,
        amount=Decimal(1),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 2, 28),
    )
    hit = siu_sagsflow.long_period.check(record, None)
    assert hit is not None and hit.field == "end" and hit.params == {"days": 59}


def test_the_refund_rule_needs_no_check():
    (batch,), _, _ = read_batches(SAMPLE)
    assert siu_sagsflow.refund.check is None and siu_sagsflow.refund.field == "amount"
    assert siu_sagsflow.refund.mask(batch, None).to_pylist() == [False, False, False, True, False, False]


def test_the_preview_writer_masks_cprs():
    record = Record(
        psr_id="0101601235",
        kontostreng="53850100140",
        paragraph="SEL108",
        area="voksen",
        amount=Decimal("42500.5"),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 1, 31),
    )
    out = io.BytesIO()
    batch = batch_of_records([record, record], BatchInfo(source="sagsflow", file="x.jsonl"))
    siu_sagsflow.PreviewWriter().write_batches([batch, batch], None, None, out)
    lines = out.getvalue().decode("utf-8").splitlines()
    assert lines[0] == '"PsrID";"Kontostreng";"Beloeb";"Start";"Slut"' and len(lines) == 5
    assert lines[1] == '"010160-xxxx";"53850100140";42500.50;2025-01-01;2025-01-31'


# --- the columns read as each value read by itself ------------------------------------------------

AMOUNTS = st.one_of(st.decimals(-(10**12), 10**12, places=2).map(str), st.text("0123456789-.,e ", max_size=9))
DATES = st.one_of(
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(str),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(1990, 2030), st.integers(0, 13), st.integers(0, 32)),  # 02-30
    st.text("0123456789-./ ", max_size=11),
)


def one_amount(text: str) -> Decimal | None:
    """The amount a row holds, read by itself: None when it cannot be read (the row is skipped)."""
    text = text.strip()
    if not re.fullmatch(r"-?\d{1,15}(\.\d{1,18})?", text):
        return None
    amount = Decimal(text)
    return amount.copy_abs() if amount.is_zero() else amount  # Arrow decimals know no -0: "-0.00" reads as 0.00


def one_date(text: str) -> dt.date | str | None:
    """The date a cell holds, read by itself: None when empty, "invalid" when it cannot be read."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else "invalid"
    except ValueError:
        return "invalid"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(AMOUNTS, DATES), min_size=1, max_size=12))
@example([("-0", "2025-01-01"), ("-0.00", "")])
def test_reading_whole_columns_gives_what_reading_each_value_by_itself_gives(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "udbetalinger.jsonl"
        lines = [{"sag": "S-1", "cpr": "0101601235", "beloeb": a, "fra": d, "til": "2025-01-31"} for a, d in rows]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
        batches, findings, info = read_batches(path)
    postings = [p for b in batches for p in postings_of(b)]
    kept = [(n, one_amount(a), one_date(d)) for n, (a, d) in enumerate(rows, 1) if one_amount(a) is not None]
    assert [(p.location.row, p.amount) for p in postings] == [(n, amount) for n, amount, _ in kept]
    assert [str(p.amount) for p in postings] == [str(amount) for _, amount, _ in kept]  # the decimals as written
    assert [p.start if p.start or "start" not in p.invalid else "invalid" for p in postings] == [d for *_, d in kept]
    assert info.rows_skipped == len(rows) - len(kept) and info.rows_read == len(rows)
    assert all(f.code == "SAGSFLOW003" for f in findings)
