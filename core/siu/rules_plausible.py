"""Rules for values that look like placeholders rather than facts: open-ended marker dates,
periods longer than one invoice can cover or reaching far outside the year, and CPR numbers
that cannot be one living citizen's (an implausible age, or many § 109 stays at once).

Registered with siu's own rules (``siu.rules_builtin.RULES``). Bounds are data: the spec pack's
``[dates]`` (``open_end_year``, ``open_start_year``, ``max_period_months``, ``max_years_outside``)
and ``[validation]`` in siu.toml (``max_age``, ``placeholder_overlaps``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from siu import cpr, periods
from siu.context import Context
from siu.models import Location, Record
from siu.rules import Hit, Rule, delivery_rule, record_rule


@dataclass(frozen=True)
class _Bounds:
    """What the rules look up on every line, worked out once per run (kept in ``ctx.state``)."""

    first: dt.date  # the reporting year's first and last day
    last: dt.date
    outer_first: dt.date  # beyond these, a period reaches far outside the year
    outer_last: dt.date
    open_start_year: int
    open_end_year: int
    max_months: int
    max_age: int
    suffixes: tuple[str, str]


_KEY = "siu.rules_plausible"


def _bounds(ctx: Context) -> _Bounds:
    bounds = ctx.state.get(_KEY)
    if bounds is None:
        m = ctx.spec.manifest
        dates = m.dates
        years = dates.get("max_years_outside", 1)
        bounds = ctx.state[_KEY] = _Bounds(
            dt.date(ctx.year, 1, 1),
            dt.date(ctx.year, 12, 31),
            dt.date(ctx.year - years, 1, 1),
            dt.date(ctx.year + years, 12, 31),
            dates.get("open_start_year", periods.OPEN_START_YEAR),
            dates.get("open_end_year", periods.OPEN_END_YEAR),
            dates.get("max_period_months", periods.MAX_PERIOD_MONTHS),
            ctx.settings.validation.max_age,
            (m.cpr.female_suffix, m.cpr.male_suffix),
        )
    return bounds


def _open(day: dt.date | None, b: _Bounds) -> bool:
    return day is not None and (day.year >= b.open_end_year or day.year <= b.open_start_year)


def _danish(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


# --- dates -----------------------------------------------------------------------------------


@record_rule(
    "SIU115",
    "error",
    title=("Åben dato i stedet for en periode", "Open-ended date instead of a period"),
    template=(
        "{field_da} {date} er en markering for 'ingen dato', ikke den sidste (første) dag, udgiften dækker",
        "{field_en} {date} is a marker for 'no date', not the last (first) day the expenditure covers",
    ),
    doc=(
        "Kildesystemer skriver ofte 31.12.9999, 2099-12-31 eller 01.01.1900, når et ophold ikke har en slutdato "
        "(eller startdato). DST skal have den periode, udgiften dækker: for en månedlig betaling fx "
        "01.03.2025–31.03.2025. En slutdato i specifikationspakkens `dates.open_end_year` (2099) eller senere, "
        "eller en startdato i `dates.open_start_year` (1900) eller tidligere, er en sådan markering. Ret datoen "
        "i kilden. Sådanne datoer tæller heller ikke med, når siu ser efter, hvilket år data handler om (SIU011).",
        "Source systems often write 31.12.9999, 2099-12-31 or 01.01.1900 when a stay has no end (or start) date. "
        "DST needs the period the expenditure covers: for a monthly payment e.g. 2025-03-01..2025-03-31. An end "
        "date in the spec pack's `dates.open_end_year` (2099) or later, or a start date in `dates.open_start_year` "
        "(1900) or earlier, is such a marker. Fix the date in the source. Such dates also do not count when siu "
        "looks at which year the data is about (SIU011).",
    ),
)
def open_ended_date(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None and end is None:
        return None
    if start is not None and end is not None and start.year == end.year == ctx.year:
        return None  # most lines: a period within the year holds no marker
    b = _bounds(ctx)
    if _open(end, b):
        return Hit(field="end", date=_danish(end), field_da="Slutdatoen", field_en="The end date")  # type: ignore[arg-type]
    if _open(start, b):
        return Hit(field="start", date=_danish(start), field_da="Startdatoen", field_en="The start date")  # type: ignore[arg-type]
    return None


@record_rule(
    "SIU116",
    "error",
    title=("Periode for lang til én udgift", "Period too long for one expenditure"),
    template=(
        "Perioden {start}–{end} er {months} måneder; én udgift dækker højst {max} måneder",
        "The period {start}–{end} is {months} months; one expenditure covers at most {max} months",
    ),
    doc=(
        "En linje er én udgift (fx én regning), og dens periode er den, udgiften dækker. En periode på flere år "
        "(fx 01.03.2019–31.01.2025) er næsten altid opholdets samlede periode eller en sagsperiode, ikke "
        "udgiftens, og DST's årsudgift pr. borger bliver forkert. Grænsen er specifikationspakkens "
        "`dates.max_period_months` (13 måneder: en årlig udgift over et årsskifte er 12). Ret perioden i "
        "kilden; er en lang periode rigtig, kan fundet gøres til en advarsel med `[severity] SIU116 = \"warning\"`.",
        "A line is one expenditure (e.g. one invoice) and its period is the one the expenditure covers. A period "
        "of several years (e.g. 2019-03-01..2025-01-31) is almost always the stay's whole period or a case period, "
        "not the expenditure's, and DST's annualised expenditure per citizen comes out wrong. The bound is the spec "
        "pack's `dates.max_period_months` (13 months: a yearly expenditure across New Year is 12). Fix the period in "
        "the source; when a long period is right, make the finding a warning with `[severity] SIU116 = \"warning\"`.",
    ),
)
def period_too_long(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end or end.year - start.year < 1:
        return None
    b = _bounds(ctx)
    if _open(start, b) or _open(end, b) or not periods.too_long(start, end, b.max_months):
        return None
    return Hit(field="start", start=start.isoformat(), end=end.isoformat(), months=periods.months_between(start, end), max=b.max_months)


@record_rule(
    "SIU117",
    "warning",
    title=("Periode rækker langt uden for regnskabsåret", "Period reaches far outside the reporting year"),
    template=(
        "Perioden {start}–{end} berører regnskabsåret {year}, men rækker mere end {years} år ud over det",
        "The period {start}–{end} touches the reporting year {year} but reaches more than {years} year(s) beyond it",
    ),
    doc=(
        "SIU113 og SIU114 ser på perioder, der ligger helt uden for regnskabsåret. En periode, der berører året, "
        "men begynder eller slutter mere end specifikationspakkens `dates.max_years_outside` år uden for det, er "
        "også mistænkelig: tjek at datoerne er udgiftsperioden. Perioder, der er for lange til én udgift "
        "(SIU116), eller som har en åben dato (SIU115), meldes kun der.",
        "SIU113 and SIU114 look at periods lying wholly outside the reporting year. A period that touches the year "
        "but starts or ends more than the spec pack's `dates.max_years_outside` years outside it is suspicious too: "
        "check that the dates are the expenditure period. Periods too long for one expenditure (SIU116) or with an "
        "open-ended date (SIU115) are reported there only.",
    ),
)
def period_reaches_far(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end or start.year == end.year:
        return None  # a period within one calendar year cannot touch the year and reach beyond it
    b = _bounds(ctx)
    if not (start < b.outer_first or end > b.outer_last) or end < b.first or start > b.last:
        return None
    if _open(start, b) or _open(end, b) or periods.too_long(start, end, b.max_months):
        return None
    return Hit(field="start", start=start.isoformat(), end=end.isoformat(), year=ctx.year, years=ctx.spec.manifest.dates.get("max_years_outside", 1))


# --- CPR numbers that are probably placeholders ----------------------------------------------

# Birth date per CPR (None: not a date): ledgers repeat each citizen on many lines. Bounded.
_BIRTH: dict[str, dt.date | None] = {}
_BIRTH_MAX = 200_000


def _birth(psr: str) -> dt.date | None:
    try:
        return _BIRTH[psr]
    except KeyError:
        if len(_BIRTH) >= _BIRTH_MAX:
            _BIRTH.clear()
        born = _BIRTH[psr] = cpr.birth_date(psr)
        return born


@record_rule(
    "SIU106",
    "error",
    title=("Sandsynligvis et pladsholder-CPR-nummer", "Probably a placeholder CPR number"),
    template=(
        "CPR-nummeret {value} er sandsynligvis en pladsholder: {reason_da}",
        "The CPR number {value} is probably a placeholder: {reason_en}",
    ),
    doc=(
        "Et CPR-nummer, hvis fødselsdato ligger efter udgiftsperioden, eller som ville gøre borgeren ældre end "
        "`[validation] max_age` år (standard 110) ved periodens start, er næppe en rigtig borgers. Ofte er det "
        "et fælles nummer, kommunen bruger for anonyme ophold (fx 0101010000, født 1901). Er det en pladsholder "
        "for anonyme § 109-ophold, så angiv den i `[anonymisation] placeholders` i siu.toml; så indberettes "
        "DST's fiktive CPR-nummer. Ellers ret CPR-nummeret i kilden. DST's fiktive numre og anonymiserede "
        "linjer kontrolleres ikke her.",
        "A CPR number whose birth date lies after the expenditure period, or that would make the citizen older "
        "than `[validation] max_age` years (default 110) at the period's start, is hardly a real citizen's. Often "
        "it is a shared number the municipality uses for anonymous stays (e.g. 0101010000, born 1901). If it is a "
        "placeholder for anonymous § 109 stays, list it in `[anonymisation] placeholders` in siu.toml, and DST's "
        "fictitious CPR is reported instead. Otherwise fix the CPR number in the source. DST's fictitious numbers "
        "and anonymised lines are not checked here.",
    ),
)
def implausible_age(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or record.anonymised:
        return None
    born = _birth(psr)
    if born is None:
        return None  # no date at all: SIU103 or DST's no-birth-date form
    start, end = record.start, record.end
    if end is not None and born > end:
        b = _bounds(ctx)
        if psr[6:] in b.suffixes:
            return None  # DST's fictitious form: its date part carries no century
        return Hit(
            field="cpr", value=psr,
            reason_da=f"fødselsdatoen {_danish(born)} ligger efter periodens slut {_danish(end)}",
            reason_en=f"the birth date {born.isoformat()} is after the period's end {end.isoformat()}",
        )
    if start is not None and start.year - born.year > 100:
        b = _bounds(ctx)
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        if age > b.max_age and psr[6:] not in b.suffixes:
            return Hit(
                field="cpr", value=psr,
                reason_da=f"borgeren ville være {age} år ved periodens start (grænse {b.max_age})",
                reason_en=f"the citizen would be {age} years old at the period's start (limit {b.max_age})",
            )
    return None


def _where(loc: Location, lang: str) -> str:
    row = "row" if lang == "en" else "række"
    return f"{loc.file}, {row} {loc.row}" if loc.row is not None else loc.file


@delivery_rule(
    "SIU407",
    "error",
    title=("CPR-nummer på mange samtidige § 109-ophold", "CPR number on many simultaneous § 109 stays"),
    template=(
        "CPR-nummeret {value} står på {depth} forskellige § 109-perioder, der dækker samme dag ({day}); det er sandsynligvis en "
        "fælles pladsholder for anonyme ophold, ikke én borger ({count} linjer i alt, første {first_da})",
        "The CPR number {value} is on {depth} different § 109 periods covering the same day ({day}); it is probably a shared "
        "placeholder for anonymous stays, not one citizen ({count} lines in all, first {first_en})",
    ),
    doc=(
        "Én borger kan ikke bo på flere krisecentre ad gangen. Når ét CPR-nummer står på mindst "
        "`[validation] placeholder_overlaps` (standard 5) forskellige udgiftsperioder under § 109, der dækker "
        "samme dag, er det næsten altid et nummer, kommunen registrerer alle anonyme beboere under. Uden indstilling "
        "ville det blive indberettet til DST som en rigtig borger. Angiv nummeret i `[anonymisation] "
        "placeholders` i siu.toml, så bliver linjerne anonymiseret med DST's fiktive CPR-numre. Flere linjer "
        "med samme periode (fx husleje og kost for samme måned) er ét ophold. Anonymiserede linjer og indtægter "
        "tælles ikke. Pr. borger gemmes højst 256 perioder ad gangen (de senest sluttende), "
        "så hukommelsen er begrænset.",
        "One citizen cannot stay at several crisis shelters at once. When one CPR number is on at least "
        "`[validation] placeholder_overlaps` (default 5) different expenditure periods under § 109 covering the "
        "same day, it is almost always a number the municipality registers every anonymous resident under. Without a "
        "setting it would be reported to DST as a real citizen. List the number in `[anonymisation] placeholders` "
        "in siu.toml, and the lines are anonymised with DST's fictitious CPR numbers. Several lines with the "
        "same period (e.g. rent and board for one month) are one stay. Anonymised lines and revenue do not count. At most 256 periods per citizen are kept at a time (those ending last), so memory is "
        "bounded.",
    ),
)
class SharedPlaceholder:
    """Per citizen with § 109 expenditure: the distinct periods as day numbers (at most
    :attr:`KEEP`), the line count and the first line; a citizen found is kept as found.

    Distinct periods, not lines: one stay invoiced as several lines for the same period (rent,
    food, a child's share) is one stay. A shared placeholder holds many residents' stays, whose
    periods differ and overlap."""

    KEEP = 256

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.threshold = ctx.settings.validation.placeholder_overlaps
        # psr -> [distinct periods {(start, end)}, lines, (first location, cpr column), found (depth, day) or None]
        self.per: dict[str, list] = {}
        self.allowed: dict[str | None, bool] = {}

    def observe(self, record: Record) -> None:
        psr, start, end = record.psr_id, record.start, record.end
        if psr is None or start is None or end is None or start > end or record.anonymised or record.amount <= 0:
            return
        allowed = self.allowed.get(record.paragraph)
        if allowed is None:
            allowed = self.allowed[record.paragraph] = self.ctx.spec.anonymous_allowed(record.paragraph)
        if not allowed:
            return
        b = _bounds(self.ctx)
        if _open(start, b) or _open(end, b) or psr[6:] in b.suffixes:
            return
        entry = self.per.get(psr)
        if entry is None:
            entry = self.per[psr] = [set(), 0, (record.location, record.columns.get("cpr")), None]
        entry[1] += 1
        if entry[3] is not None:
            return  # already found: nothing more to keep
        spans: set[tuple[int, int]] = entry[0]
        spans.add((start.toordinal(), end.toordinal()))
        if len(spans) >= self.KEEP:
            entry[3] = self._depth(spans)
            # found: keep nothing more; else keep the half that ends last (later lines overlap those, if any)
            entry[0] = set() if entry[3] is not None else set(sorted(spans, key=lambda p: p[1])[self.KEEP // 2 :])

    def _depth(self, spans: set[tuple[int, int]]) -> tuple[int, int] | None:
        """The most distinct periods covering one day and that day, when at least the threshold."""
        events = sorted([(s, 0) for s, _ in spans] + [(e, 1) for _, e in spans])
        depth = best = day = 0
        for ordinal, kind in events:  # starts (0) sort before ends (1) on the same day: both days count
            if kind == 0:
                depth += 1
                if depth > best:
                    best, day = depth, ordinal
            else:
                depth -= 1
        return (best, day) if best >= self.threshold else None

    def finish(self) -> Iterator[Hit]:
        for psr, (spans, lines, loc, found) in self.per.items():
            found = found or (self._depth(spans) if len(spans) >= self.threshold else None)
            if found is None:
                continue
            depth, day = found
            where = loc[0].at_column(loc[1])
            yield Hit(
                location=where, field="cpr", value=psr, depth=depth, day=_danish(dt.date.fromordinal(day)),
                count=lines, first_da=_where(where, "da"), first_en=_where(where, "en"),
            )


RULES: list[Rule] = [open_ended_date, period_too_long, period_reaches_far, implausible_age, SharedPlaceholder]
