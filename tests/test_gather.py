"""One gatherer turns per-row postings into batches (siu.read.gather): the tabular reader's
per-row rows and an API 1 source alike. Placed with siu.adapters.place_findings, as the engine
places a batch source's findings, the findings come back where they stood among the postings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from siu.adapters import ReadInfo, ReadOptions, Sniff, Source, place_findings
from siu.batches import BatchInfo, info_of
from siu.convert.stream import chunks
from siu.models import Finding, Location, Posting
from siu.read import gather as gather_module
from siu.read.gather import gather

INFO = BatchInfo(source="test", file="a.csv")


def posting(n: int, row: int | None, file: str = "a.csv") -> Posting:
    """A posting told apart by its amount ``n``."""
    return Posting(source="test", location=Location(file=file, row=row), amount=Decimal(n))


def finding(n: int, row: int | None) -> Finding:
    return Finding(
        code="SIU010", severity="info", message_da=f"f{n}", message_en=f"f{n}", location=Location(file="a.csv", row=row)
    )


def _own_info(p: Posting) -> BatchInfo:
    return BatchInfo(source="test", file=p.location.file)


def _token(item: Posting | Finding) -> str:
    return item.message_en if isinstance(item, Finding) else f"p{int(item.amount)}"


def replayed(stream: Iterable[pa.RecordBatch | Finding]) -> tuple[list[str], list[pa.RecordBatch]]:
    """The items in the order the engine reports them: each finding placed in the batch after it
    by place_findings; findings after the last batch at the end."""
    out: list[str] = []
    batches = []
    pending: list[Finding] = []
    for item in stream:
        if isinstance(item, Finding):
            pending.append(item)
            continue
        assert item.num_rows > 0
        batches.append(item)
        placed, pending = place_findings(pending, item), []
        amounts = [f"p{int(a)}" for a in item.column("amount").to_pylist()]
        k = 0
        for i, token in enumerate(amounts):
            while k < len(placed) and placed[k][0] <= i:
                out.append(placed[k][1].message_en)
                k += 1
            out.append(token)
        out += [f.message_en for _, f in placed[k:]]
    return out + [f.message_en for f in pending], batches


rows = st.none() | st.integers(1, 12)
items = st.lists(
    st.tuples(st.booleans(), rows, st.sampled_from(["a.csv", "a.csv", "b.csv"])),
    max_size=30,
).map(
    lambda drawn: [
        posting(i, row, file) if is_posting else finding(i, row) for i, (is_posting, row, file) in enumerate(drawn)
    ]
)


def moved(original: list[Posting | Finding], finding_: Finding) -> bool:
    """Whether ``finding_`` is one rows cannot place: the next posting after it has a smaller row."""
    after = original[original.index(finding_) + 1 :]
    following = next((p for p in after if isinstance(p, Posting)), None)
    row = finding_.location.row if finding_.location else None
    return (
        row is not None
        and following is not None
        and following.location.row is not None
        and following.location.row < row
    )


@settings(max_examples=400, deadline=None)
@given(items, st.sampled_from([2, 3, 4096]))
def test_any_interleaving_comes_back_in_order_but_what_rows_cannot_say(original, size):
    with mock.patch.object(gather_module, "GATHERED_ROWS", size):
        got, batches = replayed(gather(original, _own_info))
    postings = [_token(i) for i in original if isinstance(i, Posting)]
    assert [t for t in got if t.startswith("p")] == postings, "postings keep their order"
    assert sorted(got) == sorted(_token(i) for i in original), "every item once"
    assert all(b.num_rows <= size for b in batches)
    by_token = {_token(i): i for i in original if isinstance(i, Posting)}
    for b in batches:  # a batch holds the postings of one file, the one its BatchInfo names
        assert {by_token[f"p{int(a)}"].location.file for a in b.column("amount").to_pylist()} == {info_of(b).file}
    displaced = [i for i in original if isinstance(i, Finding) and _before(got, _token(i)) != _before_in(original, i)]
    for f in displaced:
        assert moved(original, f), f"{f.message_en} moved though its rows could say its place"
        assert _before(got, _token(f)) == _before_in(original, f) + 1, "one place later at most"
    if not any(moved(original, i) for i in original if isinstance(i, Finding)):
        assert got == [_token(i) for i in original]


def _before(tokens: list[str], token: str) -> int:
    """Postings before ``token``."""
    return sum(1 for t in tokens[: tokens.index(token)] if t.startswith("p"))


def _before_in(original: list[Posting | Finding], item: Finding) -> int:
    return sum(1 for i in original[: original.index(item)] if isinstance(i, Posting))


@st.composite
def table_rows(draw: st.DrawFn) -> list[Posting | Finding]:
    """What the per-row reader of a table yields: rows in file order, each a posting (with findings
    about it before it), a skipped row (a finding about it, or nothing) or a refused row (a finding);
    now and then a finding without a row (a file that stops being readable)."""
    out: list[Posting | Finding] = []
    for row in range(2, draw(st.integers(2, 40))):
        kind = draw(st.sampled_from(["posting", "posting", "problems", "skipped", "refused", "rowless"]))
        n = len(out)
        if kind == "problems":
            out += [finding(n, row), finding(n + 1, row), posting(n + 2, row)]
        elif kind == "posting":
            out.append(posting(n, row))
        elif kind in ("skipped", "refused"):
            out.append(finding(n, row))
        else:
            out.append(finding(n, None))
    return out


@settings(max_examples=200, deadline=None)
@given(table_rows(), st.sampled_from([3, 4096]))
def test_a_tables_rows_come_back_exactly(original, size):
    with mock.patch.object(gather_module, "GATHERED_ROWS", size):
        got, batches = replayed(gather(original, INFO))
    assert got == [_token(i) for i in original]
    if size == 4096:  # a finding about a row ends no batch: only one without a row does
        rowless = sum(1 for i in original if isinstance(i, Finding) and i.location.row is None)
        assert len(batches) <= rowless + 1


def test_a_finding_about_a_row_before_it_ends_the_batch():
    got = list(gather([posting(0, 5), finding(1, 3), posting(2, 6)], INFO))
    assert [type(i).__name__ for i in got] == ["RecordBatch", "Finding", "RecordBatch"]
    assert replayed(got)[0] == ["p0", "f1", "p2"]


def test_a_finding_at_the_start_before_a_smaller_row_goes_one_place_later():
    got, _ = replayed(gather([finding(0, 9), posting(1, 2), posting(2, 3), posting(3, 10)], INFO))
    assert got == ["p1", "f0", "p2", "p3"]


class _PerRow(Source):
    """An API 1 source yielding what it is given."""

    name = "perrow"

    def __init__(self, items: list[Posting | Finding]) -> None:
        self.items = items

    def sniff(self, path: Path) -> Sniff:
        return Sniff(0.0, "")

    def read(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[Posting | Finding]:
        yield from self.items


def test_an_api1_source_is_gathered_with_its_findings_in_place():
    original = [
        finding(0, None),
        posting(1, 2),
        finding(2, 3),
        posting(3, 3),
        posting(4, 4, file="b.csv"),
        finding(5, 1),
        posting(6, None),
        finding(7, 9),
    ]
    got: list[str] = []
    files = []
    for chunk in chunks(_PerRow(original), Path("a.csv"), ReadOptions(), ReadInfo(), 3):
        placed = iter(chunk.findings)
        amounts = chunk.batch.column("amount").to_pylist() if chunk.batch is not None else []
        if chunk.batch is not None:
            files.append((info_of(chunk.batch).file, info_of(chunk.batch).input))
        nxt = next(placed, None)
        for i, amount in enumerate([*amounts, None]):
            while nxt is not None and nxt[0] <= i:
                got.append(nxt[1].message_en)
                nxt = next(placed, None)
            if amount is not None:
                got.append(f"p{int(amount)}")
    assert got == [_token(i) for i in original]
    assert files == [("a.csv", 3), ("b.csv", 3), ("a.csv", 3)]
