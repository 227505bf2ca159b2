"""A base for adapters that read rows of a table (CSV/TXT/xlsx) with headers.

Subclass :class:`TabularSource`, give ``aliases`` (field → header texts), ``required`` and
``one_of``, and the base does the rest with the core toolkit: opening the file, finding the
header row, skipping blank and subtotal rows (counted), reading amounts, signs, dates, CPRs and
flags, and turning every unreadable cell into a finding that points at it.

Fields an adapter may map (all optional except what it requires):

``amount`` (signed) · ``amount_unsigned`` with ``dc`` (S/H, D/K) · ``debit`` and ``credit``
columns · ``cpr`` · ``start``/``end`` (expenditure period) · ``posting_date`` · ``document`` ·
``text`` · ``psp`` · ``cost_centre`` · ``gl_account`` · ``artskonto`` · ``kontostreng`` ·
``paragraph`` · ``anonymous`` · ``birth_date`` · ``sex``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from siu.adapters import BatchSource, ReadInfo, ReadOptions, Sniff
from siu.catalogue.read import MISSING_COLUMNS, SIGN_CONFLICT
from siu.check.ledger import TotalsCheck
from siu.models import Finding, Location, Posting, new_posting
from siu.parsing import ParseError, clean_text, is_blank, parse_amount
from siu.read.aliases import ASSIGNMENT_HEADERS, COMMON_ALIASES
from siu.read.cells import (
    cpr_alone,
    cpr_from_cell,
    is_total_word,
    month_in_text,
    month_period,
    parse_flag,
    parse_sex,
)
from siu.read.columnar import columnar_plan, read_columnar
from siu.read.gather import gather
from siu.read.options import (
    ART_SOURCES,
    BAD_OPTION,
    PERIOD_RULES,
    TableSettings,
    missing_columns_detail,
    table_settings,
    valid_aliases,
)
from siu.read.rows import (
    AMOUNT_LIMIT,
    DIM_FIELDS,
    FIELD_NAMES,
    UNREADABLE_ROWS,
    FieldError,
    read_dates,
    read_dims,
    read_flags,
    signed_amount,
    skip_reason,
    too_large,
    unreadable,
)
from siu.read.scalar import RowReader, table_error
from siu.read.sniffing import close_rows, other_sheet, sniff_table
from siu.read.tally import ReadTally
from siu.read.xlsx_columns import read_sheet, sheet_plan
from siu.tables import (
    HeaderMatch,
    HeaderMatcher,
    MissingColumns,
    Row,
    TableError,
    TableInfo,
    normalise_header,
    open_table,
)

__all__ = [
    "ART_SOURCES",
    "ASSIGNMENT_HEADERS",
    "BAD_OPTION",
    "COMMON_ALIASES",
    "DIM_FIELDS",
    "FIELD_NAMES",
    "PERIOD_RULES",
    "UNREADABLE_ROWS",
    "TabularSource",
    "cpr_from_cell",
    "is_total_word",
    "month_in_text",
    "month_period",
    "parse_flag",
    "parse_sex",
    "read_scalar",
    "table_error",
]

Rows = Iterator[Row]
_ASSIGNMENT = frozenset(normalise_header(h) for h in ASSIGNMENT_HEADERS)


class TabularSource(BatchSource):
    """A source adapter for tables with a header row. See the module docstring."""

    aliases: dict[str, list[str]] = COMMON_ALIASES
    required: Sequence[str] = ("cpr",)
    one_of: Sequence[Sequence[str]] = (("amount", "amount_unsigned", "debit"),)
    # Headers that make a file look like this adapter's format in particular (for sniffing).
    signature: Sequence[str] = ()
    # Whether a signed amount column states debit/credit (true for ledgers, where a minus is a credit).
    explicit_sign: bool = True
    # Where the art comes from when the export has no artskonto column (``art_from`` in siu.toml
    # overrides): "artskonto" (only from such a column) or "gl_account" (the G/L account, as in SAP).
    art_from: str = "artskonto"

    def cpr_in_text(self, match: HeaderMatch, options: ReadOptions) -> bool:
        """Whether the CPR column is an assignment field, where a CPR may stand among other
        words (``Tildeling``/ZUONR); a proper CPR column must hold the number alone."""
        label = match.labels.get("cpr")
        return label is not None and normalise_header(label) in _ASSIGNMENT

    def matcher(self, options: ReadOptions) -> HeaderMatcher:
        aliases = {k: list(v) for k, v in self.aliases.items()}
        for name, extra in (options.settings.get("aliases") or {}).items():
            aliases.setdefault(name, [])
            aliases[name] = [*([extra] if isinstance(extra, str) else extra), *aliases[name]]
        return HeaderMatcher(aliases, self.required, self.one_of)

    # --- sniffing ------------------------------------------------------------------------
    def sniff(self, path: Path) -> Sniff:
        """How sure this adapter is that ``path`` is its format (see :meth:`sniff_with`)."""
        return self.sniff_with(path, ReadOptions())

    def sniff_with(self, path: Path, options: ReadOptions) -> Sniff:
        """How sure this adapter is that ``path`` is its format, with the headers ``[source.NAME]
        aliases`` in siu.toml adds (``options.settings``).

        0 for a file type it does not read; at most 0.2 when its required columns are missing;
        0.3-0.4 when it can read the file but nothing marks the format as its own (below the 0.5
        ``siu convert`` needs to pick an adapter by itself); each ``signature`` header found adds
        0.15 (at most three count) and each layout clue from :meth:`clues` adds 0.1.
        """
        if type(self).sniff is not TabularSource.sniff:
            return self.sniff(path)  # a subclass that sniffs its own way keeps its way
        if not valid_aliases(options.settings.get("aliases") or {}):
            options = ReadOptions()  # reading reports the bad setting (SIU023); sniff without it
        return sniff_table(path, self.file_types, self.matcher(options), self.signature, self.clues)

    def clues(self, rows: list[list[Any]], header: int) -> list[tuple[str, str]]:
        """Layout clues that a file is this adapter's format (Danish, English); none by default.

        ``rows`` are the file's first rows, ``header`` the index of the header row among them.
        """
        return []

    # --- reading -------------------------------------------------------------------------
    def read_batches(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[pa.RecordBatch | Finding]:
        """The file's postings in batches: plain rows of a text file or of an xlsx sheet python-calamine
        read column-wise, every other row by the per-row reader, with the same findings in the same places."""
        opened = self._open(path, options, info)
        if isinstance(opened, Finding):
            yield opened
            return
        table, rows, reader = opened
        yield from reader.start()
        standard = all(
            getattr(type(self), m) is getattr(TabularSource, m) for m in ("posting", "amount", "skip_reason")
        )
        plan = columnar_plan(table, reader, standard)
        sheet = sheet_plan(table, rows.rest, reader, standard)
        if plan is not None:
            close_rows(rows)
            yield from read_columnar(plan, reader)
        elif sheet is not None:  # an xlsx sheet python-calamine read: the rows after the header's scan column-wise
            yield from gather(reader.rows(rows.pending), reader.batch_info())
            yield from read_sheet(sheet, reader)
        else:
            yield from gather(reader.rows(rows), reader.batch_info())
        yield from reader.finish()

    def _open(self, path: Path, options: ReadOptions, info: ReadInfo) -> Finding | tuple[TableInfo, _Chain, RowReader]:
        """The table opened and its header found, and the reader of its rows; or why not."""
        file = path.name
        try:
            table, rows = open_table(path, encoding=options.encoding, delimiter=options.delimiter, sheet=options.sheet)
        except TableError as exc:
            return table_error(exc, Location(file=file))
        info.details.update(table.describe())
        settings = table_settings(self.name, self.art_from, options, info, file)
        if isinstance(settings, Finding):
            return settings
        matcher = self.matcher(options)
        try:
            match, pending = matcher.find(rows)
        except MissingColumns as exc:
            other = other_sheet(path, matcher) if table.format == "xlsx" and options.sheet is None else None
            if other is None:
                return self.missing_columns(exc, options, Location(file=file, sheet=table.sheet))
            close_rows(rows)
            table, rows, match, pending = other
            info.note("sheet", table.sheet)
            info.note("sheet_chosen", "det første ark med kolonnerne")
        except TableError as exc:
            return table_error(exc, Location(file=file, sheet=table.sheet))
        info.note("header_row", match.row)
        reader = self.row_reader(match, options, settings, info, file, table.sheet)
        return table, _Chain(pending, rows), reader

    def missing_columns(self, exc: MissingColumns, options: ReadOptions, location: Location) -> Finding:
        """The finding for a file without the columns this adapter needs (SIU005): what is missing,
        the headers found, the closest of them, and the ``aliases`` line for siu.toml that makes
        siu read the closest as the missing column."""
        da, en = missing_columns_detail(exc, self.name, options.settings.get("aliases"))
        return MISSING_COLUMNS.make(location=location, detail_da=da, detail_en=en)

    def row_reader(
        self,
        match: HeaderMatch,
        options: ReadOptions,
        settings: TableSettings,
        info: ReadInfo,
        file: str,
        sheet: str | None,
    ) -> RowReader:
        """The per-row reader of the rows after the header row."""
        has_period = "start" in match.index or "end" in match.index
        derive = None if has_period else settings.derive
        tally = self._tally(match, options, settings, info, dict(match.labels), derive, file, sheet)
        column = tally.columns.get("amount") or tally.columns.get("amount_unsigned")
        totals = TotalsCheck(file=file, sheet=sheet, column=column)
        return RowReader(self, match, options, settings, info, tally, totals, file, sheet, has_period)

    def _tally(
        self,
        match: HeaderMatch,
        options: ReadOptions,
        settings: TableSettings,
        info: ReadInfo,
        columns: dict[str, str],
        derive: str | None,
        file: str,
        sheet: str | None,
    ) -> ReadTally:
        """What the pass over the rows completes itself: the period by ``derive``, the art from the
        G/L account, the CPR out of an assignment text."""
        # In municipal SAP the G/L account is the artskonto: without an artskonto column, copy it.
        art_from_gl = (
            settings.art_from == "gl_account" and "gl_account" in match.index and "artskonto" not in match.index
        )
        if art_from_gl:
            columns["artskonto"] = columns["gl_account"]
            info.note("art_from", columns["gl_account"])
        in_text = self.cpr_in_text(match, options)
        return ReadTally(file, sheet, columns, derive, art_from_gl, match.index.get("cpr"), in_text)

    def skip_reason(self, cells: list[Any], match: HeaderMatch) -> str | None:
        """Why a row is not a posting, or None when it is one (see :func:`siu.read.rows.skip_reason`):
        ``tomme rækker``, ``skillelinjer``, ``gentagne overskrifter``, ``sumlinjer`` (:data:`TOTAL_LINES`)
        or ``tekstlinjer``. A row with an amount and a text or a date but no key is a posting with
        missing fields, so its money cannot vanish."""
        return skip_reason(cells, match)

    def readable_amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> Decimal | None:
        """The row's signed amount, or None when it has none that can be read."""
        try:
            return self.amount(cells, match, decimal)[0]
        except FieldError:
            return None

    def total_amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> tuple[Decimal, bool] | None:
        """The amount of a total line and whether its sign is stated, or None when it has none
        that can be read (ALV marks the amount cell with ``*``, which is ignored here)."""
        stripped = [c.strip().strip("*").strip() if isinstance(c, str) else c for c in cells]
        try:
            amount, _ = self.amount(stripped, match, decimal)
            return amount, True
        except FieldError as exc:
            if exc.name != "dc" or "amount_unsigned" not in match.index:
                return None
        try:  # an unsigned amount without its debit/credit mark: either sign may agree
            return parse_amount(match.get(stripped, "amount_unsigned"), decimal), False
        except ParseError:
            return None

    def posting(
        self,
        cells: list[Any],
        match: HeaderMatch,
        location: Location,
        columns: dict[str, str],
        decimal: str | None,
        options: ReadOptions,
    ) -> tuple[Posting, list[Finding]] | Finding:
        """Build one posting from a row; a row whose amount cannot be read becomes a Finding."""
        raw_amount, dc = match.get(cells, "amount"), match.get(cells, "dc")
        problems: list[Finding] = []
        invalid: list[str] = []
        try:
            amount, explicit = self.amount(cells, match, decimal)
        except FieldError as exc:
            return unreadable(exc.name, exc.error, location, columns)
        if not -AMOUNT_LIMIT < amount < AMOUNT_LIMIT:  # beyond 15 digits: the delivery would round it
            return too_large(amount, match, location, columns)
        if amount > 0 and raw_amount is not None and not is_blank(dc):
            try:
                conflict = parse_amount(raw_amount, decimal) < 0  # a minus beside a debit mark
            except ParseError:
                conflict = False
            if conflict:
                problems.append(
                    SIGN_CONFLICT.make(
                        location=location.at_column(columns.get("dc")), field="dc", value=dc, amount=raw_amount
                    )
                )
        start, end, posting_date, birth_date = read_dates(match, cells, location, columns, problems, invalid)
        anonymous, sex = read_flags(match.get(cells, "anonymous"), match.get(cells, "sex"), location, columns, problems)
        dims = read_dims(match, cells)
        raw_cpr = match.get(cells, "cpr")
        cpr = cpr_from_cell(raw_cpr) if self.cpr_in_text(match, options) else cpr_alone(raw_cpr)
        posting = new_posting(
            source=self.name,
            location=location,
            amount=amount,
            cpr=cpr,
            start=start,
            end=end,
            posting_date=posting_date,
            document=clean_text(match.get(cells, "document")),
            text=clean_text(match.get(cells, "text")),
            dims=dims,
            anonymous=anonymous,
            birth_date=birth_date,
            sex=sex,
            sign_explicit=explicit,
            period_derived=None,
            columns=columns,
            invalid=tuple(invalid),
            raw=cells,
            headers=match.headers,
        )
        return posting, problems

    def amount(self, cells: list[Any], match: HeaderMatch, decimal: str | None) -> tuple[Decimal, bool]:
        """The signed amount and whether the source stated the sign explicitly (debit/credit)."""
        return signed_amount(cells, match, decimal, self.explicit_sign)

    def derive_period(self, posting: Posting, how: str) -> bool:
        day = (
            posting.posting_date
            if how == "posting_month"
            else month_in_text(posting.text)
            if how == "text_month"
            else None
        )
        if day is None:
            return False
        posting.start, posting.end = month_period(day)
        posting.period_derived = how
        return True


def read_scalar(source: TabularSource, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[Posting | Finding]:
    """``source``'s postings and findings read one row at a time, as siu read every table before
    the columnar reader: the oracle the columnar reader is tested against."""
    opened = source._open(path, options, info)
    if isinstance(opened, Finding):
        yield opened
        return
    _, rows, reader = opened
    yield from reader.start()
    yield from reader.rows(rows)
    yield from reader.finish()


class _Chain(Iterator[Row]):
    """The rows read past the header row (``pending``), then the ``rest`` of the table."""

    def __init__(self, pending: list[Row], rest: Iterator[Row]) -> None:
        self.pending, self.rest = pending, rest
        self._rows = itertools.chain(pending, rest)

    def __next__(self) -> Row:
        return next(self._rows)

    def close(self) -> None:
        close_rows(self.rest)
