"""The data that flows through siu: postings in, records out, findings beside them.

Adapters yield :class:`Posting`; mapping and anonymisation turn each into a :class:`Record`
(one delivery line); rules produce :class:`Finding`. All models are pydantic v2 models.
Hot paths build them with :func:`builder` (a faster ``model_construct``) after the parser has
checked every value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticUndefined

from siu.base.cpr import mask_cpr
from siu.base.limits import shorten


class Severity(str, Enum):
    """How bad a finding is. Errors stop the delivery; warnings do not (unless ``--strict``)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Kind(str, Enum):
    """Classification of an account's art."""

    EXPENDITURE = "expenditure"
    REVENUE = "revenue"
    INTERNAL = "internal"


class Location(BaseModel):
    """Where something is in an input, as the user sees it (Excel's or an editor's row number)."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def at_column(self, column: str | None) -> Location:
        """This location narrowed to one column (header name or letter)."""
        if column is None or column == self.column:
            return self
        return new_location(file=self.file, sheet=self.sheet, row=self.row, column=column)

    def describe(self, lang: str = "da", *, sheet: bool = True, column: bool = True, mask: bool = True) -> str:
        """The location as messages name it, the one way siu writes it: ``in.xlsx, ark Data,
        række 2, kolonne C`` (``sheet``, ``row``, ``column`` with ``lang="en"``). ``mask`` masks
        CPR numbers in the file and sheet names."""
        words = ("sheet", "row", "column") if lang == "en" else ("ark", "række", "kolonne")
        shown = mask_cpr if mask else str
        parts = [shown(self.file)]
        if sheet and self.sheet:
            parts.append(f"{words[0]} {shown(self.sheet)}")
        if self.row is not None:
            parts.append(f"{words[1]} {self.row}")
        if column and self.column:
            parts.append(f"{words[2]} {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.describe(mask=False)


class Posting(BaseModel):
    """One posting as a source adapter read it: normalised values plus where it came from.

    ``dims`` holds the local account dimensions the mapping works on, under these keys where
    the source has them: ``psp`` (PSP element / WBS), ``cost_centre``, ``gl_account``,
    ``artskonto`` (Opus omkostningsart), ``kontostreng`` (an official account the source
    already gives), ``paragraph`` (a paragraph the source already gives); and, for the
    delivery rules, ``kommune`` (a municipality code the source states, SIU403) and ``year``
    (a reporting year the source states, SIU404).
    ``columns`` maps field names (``cpr``, ``amount``, ``start``, ...) to the column label the
    user sees, so findings can point at the cell.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str
    location: Location
    amount: Decimal
    cpr: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    posting_date: dt.date | None = None
    document: str | None = None
    text: str | None = None
    dims: dict[str, str] = Field(default_factory=dict)
    anonymous: bool | None = None
    birth_date: dt.date | None = None
    sex: str | None = None  # "F" or "M" when the source states it
    sign_explicit: bool = False  # the source stated debit/credit or a sign of its own
    period_derived: str | None = None  # how start/end were derived when the source had none
    columns: dict[str, str] = Field(default_factory=dict)
    invalid: tuple[str, ...] = ()  # fields whose cells held text that could not be read
    raw: list[Any] | None = None  # the row's cells as read, in file order
    headers: list[str] | None = None  # the file's headers (shared by all postings of a file)

    def column(self, field: str) -> str | None:
        return self.columns.get(field)


class Record(BaseModel):
    """One line of the delivery."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    psr_id: str | None
    kontostreng: str | None
    paragraph: str | None
    area: str | None
    amount: Decimal
    start: dt.date | None
    end: dt.date | None
    locations: tuple[Location, ...] = ()
    kind: Kind | None = None
    function: str | None = None  # "5.38.50", for reconciliation and reports
    dranst: str | None = None
    art: str | None = None  # "4.7"
    account_text: str | None = None  # the account as users write it: 5.38.50.1.003.4.7
    anonymised: bool = False
    cpr_raw: str | None = None  # the CPR as the source gave it, before anonymisation
    sign_explicit: bool = False
    columns: dict[str, str] = Field(default_factory=dict)
    invalid: tuple[str, ...] = ()
    dims: dict[str, str] = Field(default_factory=dict)  # the posting's dims; rules read "kommune", "year"
    sources: tuple[str, ...] = ()

    @property
    def location(self) -> Location:
        return self.locations[0] if self.locations else Location(file="?")

    def key(self) -> tuple[Any, ...]:
        """The values that make two lines the same line in the delivery."""
        return (self.psr_id, self.kontostreng, self.paragraph, self.amount, self.start, self.end)


class Totals(BaseModel):
    """Money and counts of a delivery or part of it."""

    records: int = 0
    expenditure: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)

    @property
    def net(self) -> Decimal:
        return self.expenditure + self.revenue

    def add(self, amount: Decimal) -> None:
        """Count one line of ``amount``."""
        self.records += 1
        if amount >= 0:
            self.expenditure += amount
        else:
            self.revenue += amount


class DeliveryHeader(BaseModel):
    """What a delivery says about itself. Every delivery is a full load for its year, kommune and area."""

    kommune: str
    year: int
    area: str
    spec_version: str
    full_load: bool = True
    created: dt.datetime
    totals: Totals = Field(default_factory=Totals)
    test: bool = False  # a test delivery (siu convert --test), marked as the spec pack's [test] says


class Finding(BaseModel):
    """One problem (or note) about the input or the delivery.

    ``value`` is always masked when it may hold a CPR number; messages are rendered from
    templates with masked values only.
    """

    code: str
    severity: Severity
    message_da: str
    message_en: str
    location: Location | None = None
    field: str | None = None
    value: str | None = None
    paragraph: str | None = None  # the paragraph of the line a record rule found it on (siu web filters by it)

    def message(self, lang: str = "da") -> str:
        return self.message_en if lang == "en" else self.message_da


def relocated(finding: Finding, location: Location) -> Finding:
    """``finding``, made for one row, for another row alike in what decided it (its column kept)."""
    if finding.location is None:
        return finding
    return finding.model_copy(update={"location": location.at_column(finding.location.column)})


def safe_value(value: Any) -> str | None:
    """A value for a finding: CPR-looking digits are masked, long text is cut."""
    if value is None:
        return None
    return shorten(mask_cpr(str(value)), 80)


class AccountMapping(BaseModel):
    """What the ``map_account`` hook answers: the official account and (when known) the paragraph.

    ``kontostreng`` is a :class:`siu.kontostreng.Kontostreng`; ``rule`` says which mapping rule
    matched (shown by ``siu mapping check``).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    kontostreng: Any
    paragraph: str | None = None
    rule: str | None = None


M = TypeVar("M", bound=BaseModel)


def builder(cls: type[M]) -> Callable[..., M]:
    """A constructor for ``cls`` that skips validation, like ``model_construct`` but without its
    per-call introspection (about ten times faster; it matters at a million postings).

    Use it only where every value has already been checked, and pass every field without a
    default. Fields not passed get their default (factories are called per object); pass
    fields in declared order so dumps list them as a validated model would.
    """
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for name, info in cls.model_fields.items():
        if info.default_factory is not None:
            factories[name] = info.default_factory  # type: ignore[assignment]
        elif info.default is not PydanticUndefined:
            defaults[name] = info.default
    order = tuple(cls.model_fields)
    every = set(order)
    new = cls.__new__
    setattr_ = object.__setattr__

    def build(**values: Any) -> M:
        if len(values) == len(order):  # every field given (hot paths pass them in declared order)
            data = values
            given = every.copy()  # cheaper than set(values): no hashing
        else:
            given = set(values)
            data = {}
            for name in order:  # field order, so dumps look the same as for validated models
                if name in values:
                    data[name] = values[name]
                elif name in defaults:
                    data[name] = defaults[name]
                elif name in factories:
                    data[name] = factories[name]()
        obj = new(cls)
        setattr_(obj, "__dict__", data)
        setattr_(obj, "__pydantic_fields_set__", given)
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        return obj

    return build


new_location = builder(Location)
new_posting = builder(Posting)
new_record = builder(Record)
