"""The contract test kit for source adapters: import it in your plugin's pytest suite.

Subclass :class:`AdapterContract`, say which plugin and source to test and give sample files
with their expected totals; pytest then runs every contract check as a test of your class::

    # tests/test_contract.py of your plugin
    from pathlib import Path
    import siu_prisme
    from siu.testing import AdapterContract, Sample

    HERE = Path(__file__).parent

    class TestPrismeContract(AdapterContract):
        plugin = siu_prisme
        source_name = "prisme"
        entry_point = "prisme"          # optional: also check the installed entry point
        samples = [Sample(HERE / "samples" / "prisme-2025.csv", total="123456.78", postings=12)]

The checks (each also a plain function raising :class:`ContractFailure`, for use outside pytest):

- the plugin registers: compatible ``SIU_API``, only known hooks, exactly one source of that name;
- the adapter sniffs its own samples with confidence ≥ 0.5 (what ``siu`` needs to pick it
  without ``--source``) and never raises or claims empty, binary or missing files;
- every posting has a location (the sample's file name and a row), the adapter's name as
  ``source``, a Decimal amount, and text or ``None`` in its fields;
- the sum of amounts (and the number of postings) is the sample's, and every row read is a
  posting or counted as skipped (``ReadInfo.rows_read == postings + rows_skipped``); the adapter
  leaves ``ReadInfo.postings`` alone (siu counts what it yields; counting too doubles the count);
- text samples give the same postings when saved as UTF-8, UTF-8 with BOM and cp1252;
- unreadable input (empty, binary, truncated, a missing file, a garbage row) gives findings with
  a code, Danish and English messages and a location, never an exception, and findings never
  show a CPR number in clear text;
- a batch source (:class:`~siu.adapters.BatchSource`, plugin API 2) yields record batches with
  exactly :data:`siu.batches.POSTING_SCHEMA` and a :class:`~siu.batches.BatchInfo` naming it and
  the file, no nulls where the schema allows none; it leaves counting the rows of its batches to
  siu; its ``read()`` gives the same postings, findings and counts as ``read_batches``; and
  ``read_batches`` meets bad input with findings, never an exception (``check_batches``).

Needs pytest only for :class:`AdapterContract`; the functions need nothing but siu.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from siu.adapters import BatchSource, ReadInfo, ReadOptions, Source
from siu.models import Finding, Posting
from siu.testing_kit import files as kit
from siu.testing_kit.batches import check_batches
from siu.testing_kit.common import ContractFailure, check_findings
from siu.testing_kit.common import fail as _fail

SNIFF_THRESHOLD = 0.5  # the confidence the CLI needs to pick an adapter by itself
TEXT_SUFFIXES, ENCODINGS = kit.TEXT_SUFFIXES, kit.ENCODINGS  # which samples are re-encoded, and as what


@dataclass
class Sample:
    """A sample input and what reading it must give: the sum of amounts (exactly, as text or
    Decimal) and, optionally, the number of postings. ``options`` are passed to ``read``."""

    path: Path
    total: Decimal | str | int
    postings: int | None = None
    options: ReadOptions = field(default_factory=ReadOptions)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.total = Decimal(str(self.total))


@dataclass
class ReadResult:
    """Everything one ``read`` produced."""

    postings: list[Posting]
    findings: list[Finding]
    info: ReadInfo
    error: BaseException | None = None

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.postings), Decimal(0))


def read_all(source: Source, path: Path, options: ReadOptions | None = None) -> ReadResult:
    """Run ``source.read`` to the end, keeping what it yielded and the exception it raised."""
    info = ReadInfo()
    postings: list[Posting] = []
    findings: list[Finding] = []
    try:
        for item in source.read(path, options or ReadOptions(), info):
            if isinstance(item, Posting):
                postings.append(item)
            elif isinstance(item, Finding):
                findings.append(item)
            else:
                _fail(f"{source.name}.read yielded a {type(item).__name__}; only Posting and Finding are allowed")
    except ContractFailure:
        raise
    except Exception as exc:  # recorded: the checks decide whether that breaks the contract
        return ReadResult(postings, findings, info, exc)
    return ReadResult(postings, findings, info)


# --- the checks ---------------------------------------------------------------------------------


def check_registers(plugin: Any, source_name: str, entry_point: str | None = None) -> Source:
    """The plugin loads under siu's guard (API, known hooks, registration hooks return lists of
    the right objects) and provides exactly one source named ``source_name``; returns it."""
    from siu.host.plugins import load_plugins

    host = load_plugins(discover=False, extra=[("plugin-under-test", plugin)], raise_conflicts=False)
    info = host.get("plugin-under-test")
    assert info is not None
    if info.status != "loaded":
        _fail(f"the plugin was not loaded: {info.problem.message_en if info.problem else info.error}")
    if host.conflicts:
        _fail(host.conflicts[0].message_en)
    if info.sources.count(source_name) != 1:
        _fail(f"the plugin's register_sources gives {info.sources or 'nothing'}, not one source named {source_name!r}")
    source = host.sources[source_name]
    if not source.description:
        _fail(f"the source {source_name!r} has no description (shown by `siu plugins`)")
    if entry_point is not None:
        installed = load_plugins(raise_conflicts=False)
        ep = installed.get(entry_point)
        if ep is None:
            _fail(f"no entry point named {entry_point!r} in the 'siu' group; is the package installed?")
        elif ep.status != "loaded" or source_name not in ep.sources:
            reason = ep.problem.message_en if ep.problem else ep.status
            _fail(f"the installed entry point {entry_point!r} does not provide {source_name!r}: {reason}")
    return source


def check_sniffs(
    source: Source, samples: Sequence[Sample], workdir: Path, min_confidence: float = SNIFF_THRESHOLD
) -> None:
    """Own samples are recognised (≥ ``min_confidence``, by default the 0.5 the CLI needs to pick
    the adapter by itself); empty, binary and missing files are not (< 0.5), and sniff never raises."""
    for sample in samples:
        sniff = _sniff(source, sample.path)
        if sniff.confidence < min_confidence:
            _fail(
                f"{source.name} sniffs its own sample {sample.path.name} at {sniff.confidence:.2f} (< "
                f"{min_confidence}): {sniff.reason('en')}"
            )
        if not sniff.reason_da:
            _fail(f"{source.name}.sniff gives no Danish reason for {sample.path.name}")
    for path in kit.foreign_files([s.path.suffix for s in samples], workdir):
        sniff = _sniff(source, path)
        if sniff.confidence >= SNIFF_THRESHOLD:
            _fail(
                f"{source.name} claims {path.name} ({kit.describe_foreign(path)}) with confidence "
                f"{sniff.confidence:.2f}"
            )


def _sniff(source: Source, path: Path) -> Any:
    try:
        return source.sniff(path)
    except Exception as exc:
        raise ContractFailure(f"{source.name}.sniff raised on {path.name}: {exc.__class__.__name__}: {exc}") from exc


def check_postings(source: Source, samples: Sequence[Sample]) -> None:
    """Every posting has a location in the sample, the adapter's name and well-typed fields."""
    for sample in samples:
        result = _read_sample(source, sample)
        if not result.postings:
            _fail(f"{source.name} read no postings from {sample.path.name}")
        for p in result.postings:
            where = f"{sample.path.name}, posting at {p.location}"
            if p.location.file != sample.path.name:
                _fail(f"{where}: location.file is {p.location.file!r}, expected the file name {sample.path.name!r}")
            if p.location.row is None or p.location.row < 1:
                _fail(f"{where}: location.row must be the row number users see (1-based), got {p.location.row!r}")
            if p.source != source.name:
                _fail(f"{where}: posting.source is {p.source!r}, expected {source.name!r}")
            if not isinstance(p.amount, Decimal):
                _fail(f"{where}: amount is a {type(p.amount).__name__}, expected Decimal (money is never a float)")
            if p.cpr is not None and not isinstance(p.cpr, str):
                _fail(f"{where}: cpr is a {type(p.cpr).__name__}, expected text (leading zeros matter)")
            for key, value in p.dims.items():
                if not isinstance(value, str):
                    _fail(f"{where}: dims[{key!r}] is a {type(value).__name__}, expected text")


def check_conserves(source: Source, samples: Sequence[Sample]) -> None:
    """The sum of amounts and the number of postings are the sample's; every row is accounted for."""
    for sample in samples:
        result = _read_sample(source, sample)
        if result.total != sample.total:
            _fail(f"{source.name} reads {sample.path.name} as {result.total} in all, expected {sample.total}")
        if sample.postings is not None and len(result.postings) != sample.postings:
            _fail(
                f"{source.name} reads {len(result.postings)} postings from {sample.path.name}, expected "
                f"{sample.postings}"
            )
        _check_rows_accounted(source, sample.path.name, result)


def _check_rows_accounted(source: Source, name: str, result: ReadResult) -> None:
    info = result.info
    if info.postings:  # the host adds one per Posting yielded; an adapter that counts too doubles it
        _fail(
            f"{source.name} on {name} sets ReadInfo.postings to {info.postings}; siu counts the postings an adapter "
            "yields itself, so the report would show them twice. Count only rows_read and info.skip(...)"
        )
    if info.rows_read != len(result.postings) + info.rows_skipped:
        _fail(
            f"{source.name} on {name}: {info.rows_read} rows read, but {len(result.postings)} postings + "
            f"{info.rows_skipped} skipped; every row must be a posting or counted in ReadInfo.rows_skipped"
        )


def check_encodings(source: Source, samples: Sequence[Sample], workdir: Path) -> int:
    """Text samples give the same postings as UTF-8, UTF-8 with BOM and cp1252; returns how many
    samples were checked (binary samples such as .xlsx are not re-encoded)."""
    checked = 0
    for sample in samples:
        if sample.path.suffix.lower() not in kit.TEXT_SUFFIXES:
            continue
        text = kit.decode(sample.path)
        if text.isascii():
            _fail(
                f"{sample.path.name} is plain ASCII; put æ, ø or å in it (a header or a text) so the encoding check "
                "means something"
            )
        baseline = _read_sample(source, sample)
        for encoding in kit.ENCODINGS:
            try:
                data = text.encode(encoding)
            except UnicodeEncodeError:
                continue
            copy = workdir / f"enc-{encoding}" / sample.path.name
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(data)
            result = read_all(source, copy, sample.options)
            if result.error is not None:
                _fail(f"{source.name} raised on {sample.path.name} saved as {encoding}: {result.error!r}")
            if kit.signature(result.postings) != kit.signature(baseline.postings):
                _fail(
                    f"{source.name} reads {sample.path.name} saved as {encoding} differently from the original "
                    f"({kit.first_difference(baseline.postings, result.postings)})"
                )
        checked += 1
    return checked


def check_unreadable(source: Source, samples: Sequence[Sample], workdir: Path) -> None:
    """Bad input gives findings (code, both languages, a location), never an exception."""
    sample = samples[0]
    cases = [
        (path, kit.describe_foreign(path), True)
        for path in kit.foreign_files([s.path.suffix for s in samples], workdir)
    ]
    truncated = workdir / "truncated" / sample.path.name
    truncated.parent.mkdir(parents=True, exist_ok=True)
    data = sample.path.read_bytes()
    truncated.write_bytes(data[: max(len(data) // 2, 1)])
    cases.append((truncated, "cut off halfway", False))
    garbage = kit.with_garbage_row(sample.path, workdir / "garbage-row" / sample.path.name)
    for path, what, must_find in cases:
        result = read_all(source, path, sample.options)
        if result.error is not None:
            _fail(
                f"{source.name} raised on {what} input ({path.name}): {result.error.__class__.__name__}: {result.error}"
            )
        if must_find and (result.postings or not result.findings):
            _fail(f"{source.name} gives {len(result.postings)} postings and no finding for {what} input ({path.name})")
        _check_findings(source, result.findings, what)
    result = read_all(source, garbage, sample.options)
    if result.error is not None:
        _fail(f"{source.name} raised on a sample with a garbage row: {result.error.__class__.__name__}: {result.error}")
    if result.total != sample.total:
        _fail(f"{source.name}: a garbage row changed the total from {sample.total} to {result.total}")
    if not result.findings:
        _fail(f"{source.name} says nothing about a row of garbage (expected a finding pointing at it)")
    _check_findings(source, result.findings, "a garbage row")
    _check_rows_accounted(source, garbage.name, result)


def check_findings_masked(source: Source, samples: Sequence[Sample]) -> None:
    """No finding about a sample shows a CPR number in clear text."""
    for sample in samples:
        _check_findings(source, _read_sample(source, sample).findings, sample.path.name)


def _check_findings(source: Source, findings: Iterable[Finding], what: str) -> None:
    check_findings(source.name, findings, what)


def check_adapter(
    plugin: Any, source_name: str, samples: Sequence[Sample], workdir: Path, entry_point: str | None = None
) -> None:
    """Every check above, in order (for use outside pytest)."""
    source = check_registers(plugin, source_name, entry_point)
    check_sniffs(source, samples, workdir / "sniff")
    check_postings(source, samples)
    check_conserves(source, samples)
    check_encodings(source, samples, workdir / "encodings")
    check_unreadable(source, samples, workdir / "unreadable")
    check_findings_masked(source, samples)
    if isinstance(source, BatchSource):
        check_batches(source, samples, workdir / "batches")


# --- helpers ------------------------------------------------------------------------------------


def _read_sample(source: Source, sample: Sample) -> ReadResult:
    if not sample.path.is_file():
        _fail(f"sample not found: {sample.path}")
    result = read_all(source, sample.path, sample.options)
    if result.error is not None:
        raise ContractFailure(
            f"{source.name} raised on its own sample {sample.path.name}: {result.error!r}"
        ) from result.error
    return result


# --- pytest -------------------------------------------------------------------------------------


class AdapterContract:
    """Subclass as ``TestSomething`` in your test suite; pytest runs each contract check.

    Set ``plugin`` (the module or object your entry point names), ``source_name`` and
    ``samples`` (or override :meth:`make_samples` to generate them into a folder), and
    optionally ``entry_point`` to check the installed entry point too. A generic adapter that
    should never be picked without ``--source`` may lower ``min_confidence``.
    """

    plugin: Any = None
    source_name: str = ""
    samples: Sequence[Sample] = ()
    entry_point: str | None = None
    # Lower only for a generic adapter that deliberately leaves auto-detection to specific ones
    # (siu's own ``csv`` adapter is chosen with ``--source csv``).
    min_confidence: float = SNIFF_THRESHOLD

    def make_samples(self, folder: Path) -> Sequence[Sample]:
        """The samples to check; by default ``samples``. ``folder`` is an empty temporary folder."""
        return list(self.samples)

    def _setup(self, tmp_path: Path) -> tuple[Source, Sequence[Sample]]:
        folder = tmp_path / "samples"
        folder.mkdir(exist_ok=True)
        samples = self.make_samples(folder)
        if not samples:
            _fail("no samples: set `samples` or override `make_samples`")
        return check_registers(self.plugin, self.source_name), samples

    def test_registers(self) -> None:
        check_registers(self.plugin, self.source_name, self.entry_point)

    def test_sniffs_own_samples_only(self, tmp_path: Path) -> None:
        source, samples = self._setup(tmp_path)
        check_sniffs(source, samples, tmp_path / "sniff", self.min_confidence)

    def test_postings_have_locations(self, tmp_path: Path) -> None:
        source, samples = self._setup(tmp_path)
        check_postings(source, samples)

    def test_conserves_amounts_and_rows(self, tmp_path: Path) -> None:
        source, samples = self._setup(tmp_path)
        check_conserves(source, samples)

    def test_survives_utf8_bom_and_cp1252(self, tmp_path: Path) -> None:
        import pytest  # only here: the check functions need nothing but siu

        source, samples = self._setup(tmp_path)
        if not check_encodings(source, samples, tmp_path / "encodings"):
            pytest.skip("no text samples (only binary files such as .xlsx)")

    def test_unreadable_input_gives_findings(self, tmp_path: Path) -> None:
        source, samples = self._setup(tmp_path)
        check_unreadable(source, samples, tmp_path / "unreadable")

    def test_findings_never_show_a_cpr(self, tmp_path: Path) -> None:
        source, samples = self._setup(tmp_path)
        check_findings_masked(source, samples)

    def test_batches_follow_the_schema(self, tmp_path: Path) -> None:
        import pytest

        source, samples = self._setup(tmp_path)
        if not isinstance(source, BatchSource):
            pytest.skip("a per-row source (plugin API 1): siu gathers its postings into batches itself")
        check_batches(source, samples, tmp_path / "batches")
