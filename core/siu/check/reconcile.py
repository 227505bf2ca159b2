"""Reconciliation with the municipality's accounts (``--accounts FILE``, codes ``SIU50x``).

DST checks that a delivery agrees with the municipality's accounts before the municipality
approves it; this rule does the same check first. The accounts file is a trial balance
(*saldobalance*) as CSV or xlsx, one row per account, columns found by header in any order
(:data:`ACCOUNT_COLUMNS`; a column the reconciliation needs that is missing is SIU502, and then no
reconciliation is claimed):

- ``Funktion`` (also ``Function``, ``Konto``, ``Kontonr``, ``Kontostreng``): the function
  (``5.38.50`` or ``53850``) or a whole account string (``5.38.50.1.003.4.7``), from which
  dranst and art are taken when their own columns are missing;
- ``Dranst`` (optional): rows with a dranst outside SIU's scope for the function are ignored;
- ``Art`` (also ``Artskonto``, ``Hovedart``): the art (``4.7``, ``47``, ``4``, or an artskonto
  whose first digit is the hovedart) deciding expenditure (0–6), revenue (7–8) or internal (9,
  ignored);
- ``Beløb`` (also ``Saldo``, ``Regnskab``, ``Amount``, ``Balance``, ``Netto``, ``Forbrug``) or
  ``Debet``/``Kredit``: the amount, revenue negative as in the municipal accounts.

Totals per function and kind (expenditure/revenue) of the functions in the spec pack's chart
are compared with the delivery's; a difference above the tolerance (``--tolerance`` or
``[validation] tolerance``, kroner) is a finding (SIU501). Accounts also hold costs that belong
to no citizen (e.g. staff), so differences are warnings the municipality explains, not errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from siu import kontostreng
from siu.base.i18n import kroner, parse_problem
from siu.catalogue.check_reconcile import ACCOUNTS_ROW_UNREADABLE, ACCOUNTS_UNREADABLE, RECONCILED
from siu.check.grouped import BatchCheck, rows_of
from siu.context import Context
from siu.models import Kind, Location
from siu.parsing import ParseError, clean_text, debit_minus_credit, is_blank, parse_amount
from siu.rules import Hit, delivery_rule
from siu.tables import HeaderMatch, HeaderMatcher, MissingColumns, TableError, open_table

# What the reconciliation needs of a column of the trial balance.
REQUIRED, UNLESS_ACCOUNT_STRINGS, AMOUNT, OPTIONAL = "required", "unless account strings", "amount", "optional"
_NEED_TEXT = {
    REQUIRED: ("skal findes", "required"),
    UNLESS_ACCOUNT_STRINGS: (
        "skal findes, medmindre funktionskolonnen rummer hele kontostrenge",
        "required unless the function column holds whole account strings",
    ),
    AMOUNT: ("Beløb eller Debet/Kredit skal findes", "Beløb or Debet/Kredit required"),
    OPTIONAL: ("valgfri", "optional"),
}


@dataclass(frozen=True)
class AccountColumn:
    """A column of the trial balance: its key, the headers that name it (the first is the name
    siu asks for), what the reconciliation needs of it, and what it holds (Danish, English)."""

    key: str
    headers: tuple[str, ...]
    need: str
    holds: tuple[str, str]


# The columns of a trial balance, in one place (issue 19): the header aliases, the check for a
# missing column (SIU502) and the list for the guides and `siu explain` all come from here.
ACCOUNT_COLUMNS: tuple[AccountColumn, ...] = (
    AccountColumn(
        "function",
        ("Funktion", "Function", "Funktionsnr", "Funktionsnummer", "Kontostreng", "Konto", "Kontonr", "Kontonummer"),
        REQUIRED,
        (
            "funktionen (5.38.50 eller 53850) eller hele kontostrengen (5.38.50.1.003.4.7)",
            "the function (5.38.50 or 53850) or the whole account string (5.38.50.1.003.4.7)",
        ),
    ),
    AccountColumn(
        "art",
        ("Art", "Artskonto", "Art nr", "Artsnr", "Hovedart"),
        UNLESS_ACCOUNT_STRINGS,
        (
            "arten (4.7, 47, 4 eller en artskonto): udgift (0-6), indtægt (7-8), intern (9, indgår ikke)",
            "the art (4.7, 47, 4 or an artskonto): expenditure (0-6), revenue (7-8), internal (9, left out)",
        ),
    ),
    AccountColumn(
        "amount",
        ("Beløb", "Saldo", "Regnskab", "Amount", "Balance", "Netto", "Bevægelse", "Forbrug", "Beløb i DKK"),
        AMOUNT,
        ("beløbet, indtægter negative", "the amount, revenue negative"),
    ),
    AccountColumn("debit", ("Debet", "Debit"), AMOUNT, ("debet", "debit")),
    AccountColumn("credit", ("Kredit", "Credit"), AMOUNT, ("kredit", "credit")),
    AccountColumn(
        "dranst",
        ("Dranst", "Dranst nr", "Dranstnr"),
        OPTIONAL,
        (
            "dranst; rækker med en dranst uden for SIU indgår ikke",
            "dranst; rows with a dranst outside SIU are left out",
        ),
    ),
)
ACCOUNT_ALIASES: dict[str, list[str]] = {c.key: list(c.headers) for c in ACCOUNT_COLUMNS}
_MATCHER = HeaderMatcher(
    ACCOUNT_ALIASES,
    tuple(c.key for c in ACCOUNT_COLUMNS if c.need == REQUIRED),
    (tuple(c.key for c in ACCOUNT_COLUMNS if c.need == AMOUNT),),
)


def account_columns(lang: str = "da") -> list[str]:
    """The trial balance's columns for people, one line each: ``Art (Artskonto, ...): need; holds``."""
    i = 1 if lang == "en" else 0
    also = ("også", "also")[i]
    return [
        f"{c.headers[0]} ({also} {', '.join(c.headers[1:])}): {_NEED_TEXT[c.need][i]}; {c.holds[i]}"
        for c in ACCOUNT_COLUMNS
    ]


_FUNCTION = re.compile(r"^\s*(\d)[.\- ]?(\d{2})[.\- ]?(\d{2})\s*$")


_KIND_NAMES = {Kind.EXPENDITURE: ("udgifter", "expenditure"), Kind.REVENUE: ("indtægter", "revenue")}


@dataclass
class AccountRow:
    function: str
    dranst: str | None
    kind: Kind
    amount: Decimal
    location: Location


def _function_of(text: str) -> tuple[str, str | None, str | None]:
    """Function, dranst and art from a function or account cell; raises ParseError."""
    m = _FUNCTION.match(text)
    if m:
        return f"{m.group(1)}.{m.group(2)}.{m.group(3)}", None, None
    account = kontostreng.parse(text)
    return account.function, account.dranst, account.art


def _kind_of(art: Any) -> Kind:
    text = re.sub(r"\D", "", str(art))
    if not text:
        raise ParseError("art", art, "expected digits")
    return kontostreng.classify_art((text + "0")[:2])  # "4", "4.7" and an artskonto "40110000" alike


def read_accounts(path: Path) -> Iterator[AccountRow | Hit]:
    """The rows of a trial balance, and hits for what cannot be read. Raises TableError, or
    MissingColumns for a column the reconciliation needs (see :data:`ACCOUNT_COLUMNS`)."""
    table, rows = open_table(path)
    match, pending = _MATCHER.find(rows)
    file, sheet = path.name, table.sheet
    get = match.get
    has_art = "art" in match.index

    def chained() -> Iterator[tuple[int, list[Any]]]:
        yield from pending
        yield from rows

    for number, cells in chained():
        raw_function = get(cells, "function")
        if is_blank(raw_function) or not any(ch.isdigit() for ch in str(raw_function)):
            continue  # blank, heading or subtotal row ("I alt")
        location = Location(file=file, sheet=sheet, row=number)
        try:
            function, dranst, art = _function_of(str(raw_function))
            if art is None and not has_art:  # a plain function, and no column to say its art
                raise _missing_art(match)
            raw_dranst = clean_text(get(cells, "dranst"))
            dranst = raw_dranst if raw_dranst is not None else dranst
            raw_art = get(cells, "art")
            kind = _kind_of(raw_art if not is_blank(raw_art) else art or "")
            amount = _amount_of(cells, match)
        except ParseError as exc:
            yield Hit(
                location=location,
                code=ACCOUNTS_ROW_UNREADABLE,
                reason=parse_problem(exc.kind, str(exc.value)[:40], exc.reason),
            )
            continue
        yield AccountRow(function, dranst, kind, amount, location)


class _MissingArt(MissingColumns):
    """The Art column as missing: the function column holds functions, not whole account strings."""

    @property
    def message_da(self) -> str:
        return f"{super().message_da}. Funktionskolonnen har funktioner, ikke hele kontostrenge, så arten mangler"

    @property
    def message_en(self) -> str:
        return f"{super().message_en}. The function column holds functions, not whole account strings: no art"


def _missing_art(match: HeaderMatch) -> MissingColumns:
    label = _MATCHER.label("art")
    return _MissingArt([label], [h for h in match.headers if h], {label: ACCOUNT_ALIASES["art"]})


def _amount_of(cells: list[Any], match: HeaderMatch) -> Decimal:
    if "amount" in match.index:
        return parse_amount(match.get(cells, "amount"))
    debit, credit = match.get(cells, "debit"), match.get(cells, "credit")
    return debit_minus_credit(
        Decimal(0) if is_blank(debit) else parse_amount(debit),
        Decimal(0) if is_blank(credit) else parse_amount(credit),
    )


@delivery_rule("SIU501")
def reconciliation(ctx: Context) -> ReconciliationCheck | None:
    """The check for this run; None without ``--accounts``, so the rule costs nothing per line."""
    return ReconciliationCheck(ctx) if ctx.settings.validation.accounts is not None else None


class ReconciliationCheck(BatchCheck):
    """Sums the delivery per function and kind; compares with the accounts file at the end."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.path = ctx.settings.resolve(ctx.settings.validation.accounts)
        self.totals: dict[tuple[str, Kind], Decimal] = {}
        self.in_scope = ctx.spec.in_scope

    def observe_lines(self, batch: pa.RecordBatch) -> None:
        function, kind = batch.column("function"), batch.column("kind")
        keep = pc.and_(pc.is_valid(function), pc.is_in(kind, _KINDS))
        lines = pa.table(
            {"function": function, "dranst": batch.column("dranst"), "kind": kind, "amount": batch.column("amount")}
        ).filter(keep)
        sums = lines.group_by(["function", "dranst", "kind"], use_threads=False).aggregate([("amount", "sum")])
        for function, dranst, kind, amount in rows_of(sums, ["function", "dranst", "kind", "amount_sum"]):
            if not self.in_scope(function, dranst or ""):
                continue  # SIU120 reports the line; the accounts side leaves such rows out too
            key = (function, Kind(kind))
            self.totals[key] = self.totals.get(key, Decimal(0)) + amount

    def finish(self) -> Iterator[Hit]:
        """The differences and the summary (SIU500); or, when the accounts cannot be read (a column
        missing, no readable row), SIU502 and nothing that claims a reconciliation."""
        assert self.path is not None
        self.flush()
        file = self.path.name
        try:
            booked = self._read_booked()
        except (TableError, MissingColumns, OSError) as exc:
            da = getattr(exc, "message_da", None) or f"{file}: {exc}"
            en = getattr(exc, "message_en", None) or f"{file}: {exc}"
            yield Hit(location=Location(file=file), code=ACCOUNTS_UNREADABLE, detail_da=da, detail_en=en)
            return
        yield from booked.unreadable
        if booked.rows == 0:  # nothing to compare with: no reconciliation was made
            yield Hit(
                location=Location(file=file),
                code=ACCOUNTS_UNREADABLE,
                detail_da=f"{file}: ingen række med funktion, art og beløb kunne læses; afstemningen er ikke foretaget",
                detail_en=f"{file}: no row with function, art and amount could be read; no reconciliation was made",
            )
            return
        yield from self._compare(booked, file)

    def _read_booked(self) -> _Booked:
        """The accounts' totals per function and kind for SIU's chart. Raises as :func:`read_accounts`."""
        assert self.path is not None
        spec = self.ctx.spec
        in_chart = {c.function for c in spec.chart}
        booked = _Booked()
        for item in read_accounts(self.path):
            if isinstance(item, Hit):
                booked.unreadable.append(item)
                continue
            booked.rows += 1
            if (
                item.kind not in _KIND_NAMES
                or item.function not in in_chart
                or (item.dranst is not None and not spec.in_scope(item.function, item.dranst))
            ):
                booked.ignored += 1
                continue
            key = (item.function, item.kind)
            booked.totals[key] = booked.totals.get(key, Decimal(0)) + item.amount
            booked.first_row.setdefault(item.function, item.location)
        return booked

    def _compare(self, booked: _Booked, file: str) -> Iterator[Hit]:
        tolerance = Decimal(str(self.ctx.settings.validation.tolerance))
        functions = sorted({f for f, _ in booked.totals} | {f for f, _ in self.totals})
        differences = 0
        for function in functions:
            for kind in (Kind.EXPENDITURE, Kind.REVENUE):
                delivered = self.totals.get((function, kind), Decimal(0))
                expected = booked.totals.get((function, kind), Decimal(0))
                diff = delivered - expected
                if abs(diff) > tolerance:
                    differences += 1
                    kind_da, kind_en = _KIND_NAMES[kind]
                    yield Hit(
                        location=booked.first_row.get(function, Location(file=file)),
                        function=function,
                        kind_da=kind_da,
                        kind_en=kind_en,
                        delivered=kroner(delivered),
                        booked=kroner(expected),
                        difference=kroner(diff),
                    )
        yield Hit(
            location=Location(file=file),
            code=RECONCILED,
            file=file,
            functions=len(functions),
            differences=differences,
            tolerance=kroner(tolerance),
            ignored=booked.ignored,
        )


_KINDS = pa.array([Kind.EXPENDITURE.value, Kind.REVENUE.value])


@dataclass
class _Booked:
    """What the accounts file holds for SIU: totals per (function, kind), each function's first row,
    the rows read and those outside SIU, and the hits for rows that cannot be read (SIU503)."""

    totals: dict[tuple[str, Kind], Decimal] = field(default_factory=dict)
    first_row: dict[str, Location] = field(default_factory=dict)
    rows: int = 0
    ignored: int = 0
    unreadable: list[Hit] = field(default_factory=list)
