"""Reconciliation with the municipality's accounts (``--accounts FILE``, codes ``SIU50x``).

DST checks that a delivery agrees with the municipality's accounts before the municipality
approves it; this rule does the same check first. The accounts file is a trial balance
(*saldobalance*) as CSV or xlsx, one row per account, columns found by header in any order:

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
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from siu import kontostreng
from siu.base.i18n import parse_problem
from siu.catalogue.check import ACCOUNTS_ROW_UNREADABLE, ACCOUNTS_UNREADABLE, RECONCILED
from siu.context import Context
from siu.models import Kind, Location, Record
from siu.parsing import ParseError, clean_text, debit_minus_credit, is_blank, parse_amount
from siu.parsing import format_amount_danish as _kr
from siu.rules import Hit, delivery_rule
from siu.tables import HeaderMatcher, MissingColumns, TableError, open_table

ACCOUNT_ALIASES: dict[str, list[str]] = {
    "function": [
        "Funktion",
        "Function",
        "Funktionsnr",
        "Funktionsnummer",
        "Kontostreng",
        "Konto",
        "Kontonr",
        "Kontonummer",
        "Account",
    ],
    "dranst": ["Dranst", "Dranst nr", "Dranstnr"],
    "art": ["Art", "Artskonto", "Art nr", "Artsnr", "Hovedart"],
    "amount": ["Beløb", "Saldo", "Regnskab", "Amount", "Balance", "Netto", "Bevægelse", "Forbrug", "Beløb i DKK"],
    "debit": ["Debet", "Debit"],
    "credit": ["Kredit", "Credit"],
}

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
    """The rows of a trial balance, and hits for what cannot be read. Raises TableError/MissingColumns."""
    table, rows = open_table(path)
    matcher = HeaderMatcher(ACCOUNT_ALIASES, ("function",), (("amount", "debit", "credit"),))
    match, pending = matcher.find(rows)
    file, sheet = path.name, table.sheet
    get = match.get

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
            raw_dranst = clean_text(get(cells, "dranst"))
            dranst = raw_dranst if raw_dranst is not None else dranst
            raw_art = get(cells, "art")
            kind = _kind_of(raw_art if not is_blank(raw_art) else art or "")
            if "amount" in match.index:
                amount = parse_amount(get(cells, "amount"))
            else:
                debit, credit = get(cells, "debit"), get(cells, "credit")
                amount = debit_minus_credit(
                    Decimal(0) if is_blank(debit) else parse_amount(debit),
                    Decimal(0) if is_blank(credit) else parse_amount(credit),
                )
        except ParseError as exc:
            yield Hit(
                location=location,
                code=ACCOUNTS_ROW_UNREADABLE,
                reason=parse_problem(exc.kind, str(exc.value)[:40], exc.reason),
            )
            continue
        yield AccountRow(function, dranst, kind, amount, location)


@delivery_rule("SIU501")
def reconciliation(ctx: Context) -> ReconciliationCheck | None:
    """The check for this run; None without ``--accounts``, so the rule costs nothing per line."""
    return ReconciliationCheck(ctx) if ctx.settings.validation.accounts is not None else None


class ReconciliationCheck:
    """Sums the delivery per function and kind; compares with the accounts file at the end."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.path = ctx.settings.resolve(ctx.settings.validation.accounts)
        self.totals: dict[tuple[str, Kind], Decimal] = {}
        self.in_scope = ctx.spec.in_scope

    def observe(self, record: Record) -> None:
        function, kind = record.function, record.kind
        if function is None or (kind is not Kind.EXPENDITURE and kind is not Kind.REVENUE):
            return
        if not self.in_scope(function, record.dranst or ""):
            return  # SIU120 reports the line; the accounts side leaves such rows out too
        key = (function, kind)
        self.totals[key] = self.totals.get(key, Decimal(0)) + record.amount

    def finish(self) -> Iterator[Hit]:
        spec = self.ctx.spec
        assert self.path is not None
        file = self.path.name
        in_chart = {c.function for c in spec.chart}
        booked: dict[tuple[str, Kind], Decimal] = {}
        first_row: dict[str, Location] = {}
        ignored = 0
        try:
            for item in read_accounts(self.path):
                if isinstance(item, Hit):
                    yield item
                    continue
                if (
                    item.kind not in _KIND_NAMES
                    or item.function not in in_chart
                    or (item.dranst is not None and not spec.in_scope(item.function, item.dranst))
                ):
                    ignored += 1
                    continue
                key = (item.function, item.kind)
                booked[key] = booked.get(key, Decimal(0)) + item.amount
                first_row.setdefault(item.function, item.location)
        except (TableError, MissingColumns, OSError) as exc:
            da = getattr(exc, "message_da", None) or f"{file}: {exc}"
            en = getattr(exc, "message_en", None) or f"{file}: {exc}"
            yield Hit(location=Location(file=file), code=ACCOUNTS_UNREADABLE, detail_da=da, detail_en=en)
            return
        tolerance = Decimal(str(self.ctx.settings.validation.tolerance))
        functions = sorted({f for f, _ in booked} | {f for f, _ in self.totals})
        differences = 0
        for function in functions:
            for kind in (Kind.EXPENDITURE, Kind.REVENUE):
                delivered = self.totals.get((function, kind), Decimal(0))
                expected = booked.get((function, kind), Decimal(0))
                diff = delivered - expected
                if abs(diff) > tolerance:
                    differences += 1
                    kind_da, kind_en = _KIND_NAMES[kind]
                    yield Hit(
                        location=first_row.get(function, Location(file=file)),
                        function=function,
                        kind_da=kind_da,
                        kind_en=kind_en,
                        delivered=_kr(delivered),
                        booked=_kr(expected),
                        difference=_kr(diff),
                    )
        yield Hit(
            location=Location(file=file),
            code=RECONCILED,
            file=file,
            functions=len(functions),
            differences=differences,
            tolerance=_kr(tolerance),
            ignored=ignored,
        )
