"""The columnar engine (siu.convert.pipeline on siu.batches): hooks once per distinct key, API 1
sources gathered into batches with their findings in place, findings of a batch in row order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from siu import hookimpl
from siu.adapters import BatchSource, ReadInfo, ReadOptions, Sniff, Source, place_findings
from siu.base.config import Settings
from siu.batches import BatchInfo, batch_of_postings, money
from siu.context import Context
from siu.convert.pipeline import Converter
from siu.convert.stream import Chunk, chunks
from siu.findings import FindingSink
from siu.host.plugins import load_plugins
from siu.host.specs_registry import SpecRegistry
from siu.models import Finding, Location, Posting
from siu.report.result import InputSpec

ACCOUNT = "5.38.50.1.001.4.0"  # § 108 in the 2025 chart


def posting(row: int, *, cpr: str = "0101601235", amount: str = "100.00", **dims: str) -> Posting:
    return Posting(
        source="fake",
        location=Location(file="in.txt", row=row),
        amount=Decimal(amount),
        cpr=cpr,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 1, 31),
        dims={"kontostreng": ACCOUNT, **dims},
        sign_explicit=True,
    )


class FakeSource(Source):
    """An API 1 source yielding what it is given."""

    name, description = "fake", "test"

    def __init__(self, items: list[Posting | Finding]) -> None:
        self.items = items

    def sniff(self, path: Path) -> Sniff:  # pragma: no cover - not called
        raise NotImplementedError

    def read(self, path: Path, options: ReadOptions, info: ReadInfo):
        info.rows_read += len(self.items)
        yield from self.items


class CountingPlugin:
    """Counts the pipeline hook calls; answers nothing, so siu's own hooks decide."""

    def __init__(self) -> None:
        self.mapped: list[dict[str, str]] = []
        self.anonymised = 0

    @hookimpl
    def map_account(self, posting, context):
        self.mapped.append(dict(posting.dims))

    @hookimpl
    def anonymise(self, record, posting, context):
        self.anonymised += 1


def run(tmp_path: Path, source: Source, plugin: object | None = None) -> tuple[Converter, FindingSink]:
    host = load_plugins(no_plugins=True)
    host.sources[source.name] = source
    if plugin is not None:
        host.pm.register(plugin)
    ctx = Context(
        settings=Settings(), spec=SpecRegistry.from_host(host).get(2025), kommune="101", year=2025, area="voksen"
    )
    sink = FindingSink()
    path = tmp_path / "in.txt"
    path.write_text("x", encoding="utf-8")
    converter = Converter(host, ctx, sink)
    converter.run([InputSpec(source.name, path)], None, None)
    return converter, sink


def test_map_account_is_called_once_per_distinct_account_and_anonymise_once_per_distinct_input(tmp_path):
    items: list[Posting | Finding] = [
        posting(2, psp="A"),
        posting(3, psp="B"),
        posting(4, psp="A"),
        posting(5, psp="A", cpr="0202602346"),
    ]
    plugin = CountingPlugin()
    converter, sink = run(tmp_path, FakeSource(items), plugin)
    assert [d["psp"] for d in plugin.mapped] == ["A", "B"]
    assert plugin.anonymised == 3  # rows 2 and 4 show the hook the same values
    result = converter.result
    assert result is not None and result.header.totals.records == 4
    assert {f.code for f in sink.kept if f.severity == "error"} == {"SIU401"}  # rows 2 and 4 are one line twice


def test_unmapped_rows_each_get_a_finding_at_their_own_row(tmp_path):
    items: list[Posting | Finding] = [
        posting(2, psp="A"),
        Posting(source="fake", location=Location(file="in.txt", row=3), amount=Decimal(5), dims={"psp": "X"}),
        Posting(source="fake", location=Location(file="in.txt", row=4), amount=Decimal(6), dims={"psp": "X"}),
    ]
    _, sink = run(tmp_path, FakeSource(items))
    unmapped = [f for f in sink.kept if f.code == "SIU201"]
    assert [f.location.row for f in unmapped if f.location] == [3, 4]


def test_findings_of_an_api1_source_stay_where_it_put_them(tmp_path):
    note = Finding(code="SIU010", severity="info", message_da="x", message_en="x", location=Location(file="in.txt"))
    items: list[Posting | Finding] = [posting(2), note, posting(3)]
    parts = list(chunks(FakeSource(items), tmp_path / "in.txt", ReadOptions(), ReadInfo(), 0))
    assert [(c.batch.num_rows if c.batch is not None else None, [i for i, _ in c.findings]) for c in parts] == [
        (1, []),
        (1, [0]),
    ]


def _finding(row: int | None) -> Finding:
    loc = Location(file="in.txt", row=row)
    return Finding(code="SIU020", severity="error", message_da="x", message_en="x", location=loc)


@given(
    rows=st.lists(st.integers(2, 200), min_size=1, max_size=30, unique=True).map(sorted),
    at=st.lists(st.one_of(st.none(), st.integers(0, 210)), max_size=10),
)
def test_a_batch_sources_findings_go_before_the_first_row_not_smaller_than_their_own(rows, at):
    batch = batch_of_postings([posting(r) for r in rows], BatchInfo(source="fake", file="in.txt"))
    placed = place_findings([_finding(r) for r in at], batch)
    assert [f.location.row for _, f in placed if f.location] == [
        r for r in sorted(at, key=lambda r: 0 if r is None else sum(1 for x in rows if x < r))
    ]
    for i, f in placed:
        row = f.location.row if f.location else None
        assert i == (0 if row is None else sum(1 for x in rows if x < row))


class Batches(BatchSource):
    """An API 2 source: one finding about row 3, then a batch of rows 2 and 4 (zero amounts: SIU130)."""

    name, description = "batches", "test"

    def sniff(self, path: Path) -> Sniff:  # pragma: no cover - not called
        raise NotImplementedError

    def read_batches(self, path: Path, options: ReadOptions, info: ReadInfo):
        info.rows_read += 3
        info.skip("tomme rækker")
        yield _finding(3)
        rows = [posting(2, amount="0"), posting(4, amount="0", cpr="0202602346")]
        yield batch_of_postings(rows, BatchInfo(source="batches", file="in.txt"))


def test_a_batch_source_converts_and_its_finding_stands_between_the_rows(tmp_path):
    converter, sink = run(tmp_path, Batches())
    assert converter.result is not None and converter.result.header.totals.records == 2
    assert [(f.code, f.location.row) for f in sink.kept if f.location and f.location.row] == [
        ("SIU130", 2),
        ("SIU020", 3),
        ("SIU130", 4),
    ]
    [chunk] = list(chunks(Batches(), tmp_path / "in.txt", ReadOptions(), ReadInfo(), 0))
    assert isinstance(chunk, Chunk) and [i for i, _ in chunk.findings] == [1]


@given(st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False), min_size=1, max_size=20))
def test_money_of_a_batch_is_the_sum_of_its_decimals(amounts):
    postings = [posting(i + 2, amount=str(a)) for i, a in enumerate(amounts)]
    batch = batch_of_postings(postings, BatchInfo(source="fake", file="in.txt"))
    total = sum(amounts, Decimal(0))
    assert money(batch) == total and str(money(batch)) == str(total)
    spent = pa.array([a >= 0 for a in amounts])
    assert money(batch, spent) == sum((a for a in amounts if a >= 0), Decimal(0))


CPR_CELLS = st.one_of(
    st.none(),
    st.from_regex(r"[0-9]{6}-?[0-9]{4}", fullmatch=True),
    st.from_regex(r"\s*[0-9]{6}[- ]?[0-9]{4}\s*", fullmatch=True),
    st.text(alphabet="0123456789- xX\u00a0", max_size=14),
    st.sampled_from(["ukendt", "UKENDT ", "0101010000", "010101-0000"]),
)


@given(st.lists(CPR_CELLS, max_size=40))
def test_cpr_numbers_on_columns_are_what_normalise_gives_per_cell(cells):
    from siu.base import cpr
    from siu.convert.pipeline import cpr_numbers

    assert cpr_numbers(pa.array(cells, pa.string())).to_pylist() == [cpr.normalise(c) for c in cells]


@given(st.lists(CPR_CELLS, max_size=40))
def test_placeholders_on_columns_are_what_is_placeholder_says_per_cell(cells):
    from siu.anonymise.columns import placeholder_mask
    from siu.anonymise.hook import is_placeholder
    from siu.convert.pipeline import cpr_numbers

    settings = Settings.model_validate({"anonymisation": {"placeholders": ["010101-0000", "Ukendt"]}})
    ctx = Context(settings=settings, spec=None, kommune="101", year=2025, area="voksen")  # type: ignore[arg-type]
    column = pa.array(cells, pa.string())
    mask = placeholder_mask(column, cpr_numbers(column), ctx)
    assert mask.tolist() == [is_placeholder(c, ctx) for c in cells]


def _records_batch(rows: list[int], cpr: str) -> pa.RecordBatch:
    from siu.batches import batch_of_records
    from siu.models import Kind, Record

    records = [
        Record(
            locations=(Location(file="in.txt", row=row),),
            sources=("fake",),
            psr_id=cpr,
            cpr_raw=cpr,
            kontostreng="53850100140",
            paragraph="SEL109",
            area="voksen",
            amount=Decimal("100.00"),
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 1, 31),
            kind=Kind.EXPENDITURE,
        )
        for row in rows
    ]
    return batch_of_records(records, BatchInfo(source="fake", file="in.txt"))


@given(answer=st.sampled_from(["new", "finding", None]))
def test_siu_s_own_hook_is_asked_once_per_citizen_for_the_run_a_plugin_s_once_per_batch(answer):
    import numpy as np

    from siu.anonymise.columns import OWN_HOOK_READS, AnonymiseStage

    asked: list[int | None] = []
    problem = _finding(None)

    def hook(record, posting, context):
        asked.append(record.location.row)
        if answer == "finding":
            return problem.model_copy(update={"location": record.location})
        return "0101010001" if answer == "new" else None

    first, second = _records_batch([2, 3], "0101601235"), _records_batch([9], "0101601235")
    for reads, calls in ((OWN_HOOK_READS, [2]), (None, [2, 9])):
        asked.clear()
        stage = AnonymiseStage(hook, None, reads)  # type: ignore[arg-type]
        results = [stage(batch, np.arange(batch.num_rows)) for batch in (first, second)]
        assert asked == calls
        ids = [sorted(new.values()) for new, _ in results]
        rows = [[f.location.row for _, f in found] for _, found in results]
        if answer == "new":
            assert ids == [["0101010001"] * 2, ["0101010001"]] and rows == [[], []]
        elif answer == "finding":
            assert ids == [[], []] and rows == [[2, 3], [9]]  # each finding at its own row
        else:
            assert ids == [[], []] and rows == [[], []]


_DAYS = st.one_of(
    st.none(),
    st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from([dt.date(9999, 12, 31), dt.date(1900, 1, 1), dt.date(2099, 1, 1)]),
)


@given(st.lists(st.tuples(_DAYS, _DAYS), min_size=1, max_size=40))
def test_the_year_of_every_line_on_columns_is_what_line_year_says_of_each(periods):
    from siu.convert.counting import line_years
    from siu.convert.years import line_year

    start = pa.array([a for a, _ in periods], pa.date32())
    end = pa.array([b for _, b in periods], pa.date32())
    assert line_years(start, end).to_pylist() == [line_year(a, b) for a, b in periods]
