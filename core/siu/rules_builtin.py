"""siu's own validation rules (codes ``SIU1xx`` for lines, ``SIU4xx`` for the whole delivery).

Each rule documents itself; ``siu explain CODE`` and ``docs/rules.md`` are generated from here.
Record checks return ``None`` or a :class:`~siu.rules.Hit` (not generators): they run once per
line for every line, so each one does the least work that decides it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
import statistics
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from siu import cpr
from siu.context import Context
from siu.findings import define
from siu.hookspecs import hookimpl
from siu.models import Kind, Location, Record
from siu.parsing import format_amount_danish
from siu.reconcile import reconciliation
from siu.rules import Hit, Rule, delivery_rule, record_rule

# --- per-run constants ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """What the record rules look up on every line, computed once per run (kept in ``ctx.state``)."""

    first: dt.date  # the reporting year's first and last day
    last: dt.date
    outer_first: dt.date  # more than this far outside the year is an error (SIU114)
    outer_last: dt.date
    suffixes: tuple[str, str]  # fictitious CPR suffixes (woman, man)
    no_birth_date: str
    decimals: int


_RUN_KEY = "siu.rules_builtin"


def _run(ctx: Context) -> _Run:
    run = ctx.state.get(_RUN_KEY)
    if run is None:
        m = ctx.spec.manifest
        years = m.dates.get("max_years_outside", 1)
        run = ctx.state[_RUN_KEY] = _Run(
            dt.date(ctx.year, 1, 1),
            dt.date(ctx.year, 12, 31),
            dt.date(ctx.year - years, 1, 1),
            dt.date(ctx.year + years, 12, 31),
            (m.cpr.female_suffix, m.cpr.male_suffix),
            m.cpr.no_birth_date,
            m.amount.decimals,
        )
    return run


# Whether a CPR's first six digits are a birth date, per CPR: ledgers repeat each citizen on many
# lines, and building a date is the costliest part of the CPR check. Bounded; in process only.
_BIRTH_DATE_OK: dict[str, bool] = {}
_BIRTH_DATE_CACHE_MAX = 200_000


def _has_birth_date(psr: str) -> bool:
    ok = _BIRTH_DATE_OK.get(psr)
    if ok is None:
        if len(_BIRTH_DATE_OK) >= _BIRTH_DATE_CACHE_MAX:
            _BIRTH_DATE_OK.clear()
        ok = _BIRTH_DATE_OK[psr] = cpr.birth_date(psr) is not None
    return ok


# --- CPR -----------------------------------------------------------------------------------


@record_rule(
    "SIU101",
    "error",
    title=("CPR-nummer mangler", "CPR number missing"),
    template=("Linjen har intet CPR-nummer (PsrID)", "The line has no CPR number (PsrID)"),
    doc=(
        "Hver linje skal have borgerens CPR-nummer i PsrID, eller et fiktivt CPR-nummer for anonyme § 109-ophold.",
        "Every line needs the citizen's CPR number in PsrID, or a fictitious one for anonymous § 109 stays.",
    ),
)
def missing_cpr(record: Record, ctx: Context) -> Hit | None:
    if not record.psr_id and not record.cpr_raw:
        return Hit(field="cpr")
    return None


@record_rule(
    "SIU102",
    "error",
    title=("CPR-nummer kan ikke læses", "CPR number unreadable"),
    template=("'{value}' er ikke et CPR-nummer (10 cifre, DDMMÅÅ-NNNN)", "'{value}' is not a CPR number (10 digits, DDMMYY-NNNN)"),
    doc=(
        "Et CPR-nummer er 10 cifre, evt. med bindestreg efter de første seks. Bogstaver, for få eller for mange cifre afvises.",
        "A CPR number is 10 digits, optionally with a hyphen after the first six. Letters, too few or too many digits are rejected.",
    ),
)
def unreadable_cpr(record: Record, ctx: Context) -> Hit | None:
    if record.psr_id is None and record.cpr_raw:
        return Hit(field="cpr", value=record.cpr_raw)
    return None


@record_rule(
    "SIU103",
    "error",
    title=("CPR-nummer med umulig dato", "CPR number with an impossible date"),
    template=("CPR-nummeret {value} indeholder ikke en gyldig fødselsdato", "The CPR number {value} holds no valid birth date"),
    doc=(
        "De første seks cifre skal være en rigtig dato (DDMMÅÅ). Undtaget er DST's fiktive § 109-numre "
        "(fødselsdato eller 123456 + 9998/9999), som kun er gyldige på § 109-linjer (se SIU104). "
        "Modulus 11 kontrolleres aldrig: siden 2007 findes gyldige numre, der ikke opfylder den.",
        "The first six digits must be a real date (DDMMYY). The exception is DST's fictitious § 109 numbers "
        "(birth date or 123456 + 9998/9999), valid only on § 109 lines (see SIU104). Modulus 11 is never checked: "
        "valid numbers failing it exist since 2007.",
    ),
)
def impossible_cpr_date(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or _has_birth_date(psr):
        return None
    run = _run(ctx)
    if psr[6:] in run.suffixes:
        if psr[:6] == run.no_birth_date:
            return None  # DST's form without a birth date: SIU104 judges where it may stand
        if ctx.spec.anonymous_allowed(record.paragraph) and cpr.is_fictitious(psr, *run.suffixes, run.no_birth_date):
            return None
    return Hit(field="cpr", value=psr)


@record_rule(
    "SIU104",
    "error",
    title=("Fiktivt CPR-nummer uden for § 109", "Fictitious CPR number outside § 109"),
    template=(
        "Det fiktive CPR-nummer {value} må kun bruges på § 109-linjer, men linjen hører under {paragraph}",
        "The fictitious CPR number {value} is allowed on § 109 lines only, but the line belongs to {paragraph}",
    ),
    doc=(
        "Fiktive CPR-numre uden fødselsdato (123456 + 9998/9999) er kun for anonyme ophold på krisecentre efter "
        "§ 109. Fiktive numre med fødselsdato kan ikke skelnes fra rigtige CPR-numre og kontrolleres derfor ikke "
        "her.",
        "Fictitious CPR numbers without a birth date (123456 + 9998/9999) are only for anonymous stays at § 109 "
        "crisis shelters. Fictitious numbers with a birth date cannot be told from real CPR numbers, so they are "
        "not checked here.",
    ),
)
def fictitious_outside_109(record: Record, ctx: Context) -> Hit | None:
    psr = record.psr_id
    if psr is None or record.paragraph is None:
        return None
    run = _run(ctx)
    if psr.startswith(run.no_birth_date) and psr[6:] in run.suffixes and not ctx.spec.anonymous_allowed(record.paragraph):
        return Hit(field="cpr", value=psr, paragraph=record.paragraph)
    return None


# --- dates ---------------------------------------------------------------------------------


@record_rule(
    "SIU110",
    "error",
    title=("Startdato mangler", "Start date missing"),
    template=("Linjen har ingen startdato for udgiftsperioden", "The line has no start date for the expenditure period"),
    doc=(
        "Start- og slutdato er obligatoriske på alle linjer og skal beskrive den periode, udgiften dækker "
        "(udgiftsperioden), ikke aktivitetsperioden. En dato, der står i kilden men ikke kan læses, "
        "meldes som SIU020 i stedet.",
        "Start and end dates are mandatory on every line and describe the period the expenditure covers, "
        "not the period of the activity. A date present in the source but unreadable is reported as SIU020 "
        "instead.",
    ),
)
def missing_start(record: Record, ctx: Context) -> Hit | None:
    if record.start is None and "start" not in record.invalid:
        return Hit(field="start")
    return None


@record_rule(
    "SIU111",
    "error",
    title=("Slutdato mangler", "End date missing"),
    template=("Linjen har ingen slutdato for udgiftsperioden", "The line has no end date for the expenditure period"),
    doc=(
        "DST kræver slutdato på alle udgifter, så datoerne afspejler udgiftsperioden. Også for løbende "
        "ophold skal slutdatoen være den sidste dag, udgiften dækker. En ulæselig dato meldes som SIU020.",
        "DST requires an end date on every expenditure so the dates describe the expenditure period. For "
        "ongoing stays too, the end date is the last day the expenditure covers. An unreadable date is "
        "reported as SIU020.",
    ),
)
def missing_end(record: Record, ctx: Context) -> Hit | None:
    if record.end is None and "end" not in record.invalid:
        return Hit(field="end")
    return None


@record_rule(
    "SIU112",
    "error",
    title=("Startdato efter slutdato", "Start date after end date"),
    template=("Startdatoen {start} ligger efter slutdatoen {end}", "The start date {start} is after the end date {end}"),
    doc=(
        "Udgiftsperioden skal begynde før eller samme dag, som den slutter. Ofte er start og slut byttet om.",
        "The expenditure period must start on or before the day it ends. Often start and end are swapped.",
    ),
)
def start_after_end(record: Record, ctx: Context) -> Hit | None:
    if record.start and record.end and record.start > record.end:
        return Hit(field="start", start=record.start.isoformat(), end=record.end.isoformat())
    return None


@record_rule(
    "SIU113",
    "warning",
    title=("Periode uden for regnskabsåret", "Period outside the reporting year"),
    template=(
        "Perioden {start}–{end} berører ikke regnskabsåret {year}",
        "The period {start}–{end} does not touch the reporting year {year}",
    ),
    doc=(
        "En udgift kan dække en periode, der krydser et årsskifte, men perioden bør berøre regnskabsåret. "
        "Tjek at datoerne er udgiftsperioden og ikke fx bogføringsdatoen. Ligger perioden mere end et år "
        "uden for (specifikationspakkens `dates.max_years_outside`), er det fejlen SIU114 i stedet.",
        "An expenditure may cover a period crossing a year boundary, but the period should touch the reporting "
        "year. Check that the dates are the expenditure period and not, say, the posting date. A period more than "
        "a year outside (the spec pack's `dates.max_years_outside`) is the error SIU114 instead.",
    ),
)
def period_outside_year(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end:
        return None
    run = _run(ctx)
    if (end < run.first or start > run.last) and not (end < run.outer_first or start > run.outer_last):
        return Hit(field="start", start=start.isoformat(), end=end.isoformat(), year=ctx.year)
    return None


@record_rule(
    "SIU114",
    "error",
    title=("Periode langt uden for regnskabsåret", "Period far outside the reporting year"),
    template=(
        "Perioden {start}–{end} ligger mere end et år uden for regnskabsåret {year}",
        "The period {start}–{end} lies more than a year outside the reporting year {year}",
    ),
    doc=(
        "En periode, der ligger helt mere end et år før eller efter regnskabsåret, er næsten altid en tastefejl "
        "(fx 2052 for 2025).",
        "A period lying entirely more than a year before or after the reporting year is almost always a typo "
        "(e.g. 2052 for 2025).",
    ),
)
def period_far_outside(record: Record, ctx: Context) -> Hit | None:
    start, end = record.start, record.end
    if start is None or end is None or start > end:
        return None
    run = _run(ctx)
    if end < run.outer_first or start > run.outer_last:
        return Hit(field="start", start=start.isoformat(), end=end.isoformat(), year=ctx.year)
    return None


# --- account and paragraph -------------------------------------------------------------------


@record_rule(
    "SIU120",
    "error",
    title=("Konto uden for statistikken", "Account outside the statistic"),
    template=(
        "Funktionen {function} (dranst {dranst}) er ikke med i SIU for {year}",
        "The function {function} (dranst {dranst}) is not part of SIU for {year}",
    ),
    doc=(
        "Kun de funktioner og dranst, årets specifikationspakke lister (chart.csv), indgår i statistikken. Ret "
        "tilknytningen, eller udelad posteringen fra udtrækket.",
        "Only the functions and dranst the year's spec pack lists (chart.csv) are part of the statistic. Fix the "
        "mapping, or leave the posting out of the extract.",
    ),
)
def account_out_of_scope(record: Record, ctx: Context) -> Hit | None:
    if record.function and record.kontostreng and not ctx.spec.in_scope(record.function, record.dranst or ""):
        return Hit(field="kontostreng", function=record.function, dranst=record.dranst or "?", year=ctx.year)
    return None


@record_rule(
    "SIU121",
    "error",
    title=("Paragraf kan ikke udledes", "No paragraph derivable"),
    template=(
        "Paragraffen kan ikke udledes af kontoen {value}; angiv den i tilknytningsfilen",
        "The paragraph cannot be derived from the account {value}; give it in the mapping file",
    ),
    doc=(
        "Paragraffen findes ud fra funktion og gruppering i årets kontoplan. Hvor én funktion dækker flere "
        "paragraffer (fx §§ 109 og 110), skal tilknytningsfilen angive `paragraph`.",
        "The paragraph is derived from function and grouping in the year's chart. Where one function covers "
        "several paragraphs (e.g. §§ 109 and 110), the mapping file must give `paragraph`.",
    ),
)
def no_paragraph(record: Record, ctx: Context) -> Hit | None:
    if record.kontostreng and record.paragraph is None and record.function and ctx.spec.in_scope(record.function, record.dranst or ""):
        return Hit(field="kontostreng", value=record.account_text)
    return None


@record_rule(
    "SIU122",
    "error",
    title=("Ukendt paragraf", "Unknown paragraph"),
    template=(
        "Paragraffen '{value}' findes ikke i specifikationen for {year}",
        "The paragraph '{value}' is not in the specification for {year}",
    ),
    doc=(
        "Paragraffen skal være en af dem, årets specifikationspakke lister (`siu specs show ÅR`).",
        "The paragraph must be one the year's spec pack lists (`siu specs show YEAR`).",
    ),
)
def unknown_paragraph(record: Record, ctx: Context) -> Hit | None:
    if record.paragraph is not None and record.paragraph not in ctx.spec.paragraphs:
        return Hit(field="paragraph", value=record.paragraph, year=ctx.year)
    return None


@record_rule(
    "SIU123",
    "error",
    title=("Paragraf uden for området", "Paragraph outside the area"),
    template=(
        "Paragraffen {value} hører til området {area}, men leverancen er for {delivery_area}",
        "The paragraph {value} belongs to the area {area}, but the delivery is for {delivery_area}",
    ),
    doc=(
        "En fil er en fuld leverance for sit område. Vælg `--area begge` eller `--split` for at levere begge områder.",
        "A file is a full load for its area. Use `--area begge` or `--split` to deliver both areas.",
    ),
)
def paragraph_outside_area(record: Record, ctx: Context) -> Hit | None:
    if record.area and ctx.area != "begge" and record.area != ctx.area:
        return Hit(field="paragraph", value=record.paragraph, area=record.area, delivery_area=ctx.area)
    return None


# --- amounts -------------------------------------------------------------------------------


@record_rule(
    "SIU130",
    "warning",
    title=("Beløb er nul", "Zero amount"),
    template=("Beløbet er 0", "The amount is 0"),
    doc=("Linjer med beløbet 0 bidrager ikke til statistikken og bør udelades.", "Lines with amount 0 add nothing and should be left out."),
)
def zero_amount(record: Record, ctx: Context) -> Hit | None:
    if not record.amount:
        return Hit(field="amount")
    return None


_INTERNAL = Kind.INTERNAL
_KIND_NAMES = {Kind.EXPENDITURE: ("en udgift", "expenditure"), Kind.REVENUE: ("en indtægt", "revenue")}


@record_rule(
    "SIU131",
    "warning",
    title=("Fortegn passer ikke til arten", "Sign does not match the art"),
    template=(
        "Beløbet {value} har fortegn som {sign_da}, men arten {art} er {kind_da}",
        "The amount {value} has the sign of {sign_en}, but the art {art} is {kind_en}",
    ),
    doc=(
        "Udgifter (art 0–6) er positive og indtægter (art 7–8) negative. Når kilden angiver fortegnet "
        "(debet/kredit, et fortegn i en bogføringsliste), afsløres fejlkonteringer som en indtægt på en "
        "udgiftsart. Kilder uden eget fortegn kontrolleres ikke. Tilbageførsler kan være korrekte: tjek "
        "posteringen.",
        "Expenditure (art 0–6) is positive and revenue (art 7–8) negative. When the source states the sign "
        "(debit/credit, a sign in a ledger), mispostings such as revenue on an expenditure art show up. Sources "
        "without a sign of their own are not checked. Reversals can be correct: check the posting.",
    ),
)
def sign_against_art(record: Record, ctx: Context) -> Hit | None:
    kind = record.kind
    if not record.sign_explicit or kind not in _KIND_NAMES or not record.amount:
        return None
    sign_kind = Kind.EXPENDITURE if record.amount > 0 else Kind.REVENUE
    if sign_kind is kind:
        return None
    (sign_da, sign_en), (kind_da, kind_en) = _KIND_NAMES[sign_kind], _KIND_NAMES[kind]
    return Hit(field="amount", value=record.amount, art=record.art or "?", sign_da=sign_da, sign_en=sign_en, kind_da=kind_da, kind_en=kind_en)


@record_rule(
    "SIU132",
    "error",
    title=("Beløb kan ikke angives i leverancens enhed", "Amount not representable in the delivery's unit"),
    template=(
        "Beløbet {value} har flere decimaler end specifikationen tillader ({decimals})",
        "The amount {value} has more decimals than the specification allows ({decimals})",
    ),
    doc=(
        "Specifikationspakken fastlægger, hvor mange decimaler beløb må have (`amount.decimals`: 0 for hele "
        "kroner, 2 for øre). siu afrunder aldrig af sig selv, så pengene altid stemmer med kilden.",
        "The spec pack sets how many decimals amounts may have (`amount.decimals`: 0 for whole kroner, 2 for "
        "øre). siu never rounds by itself, so the money always agrees with the source.",
    ),
)
def amount_unit(record: Record, ctx: Context) -> Hit | None:
    # On the decimal text: cheaper than Decimal.as_tuple() on every line. "1000.50" with
    # decimals=2 passes; "1000.505" or, with decimals=0, "1000.50" does not; "1000.00" always passes.
    text = str(record.amount)
    if "E" in text:
        text = f"{record.amount:f}"
    dot = text.find(".")
    if dot < 0:
        return None
    decimals = _run(ctx).decimals
    if text[dot + 1 + decimals :].strip("0"):
        return Hit(field="amount", value=record.amount, decimals=decimals)
    return None


@record_rule(
    "SIU133",
    "warning",
    title=("Intern postering", "Internal posting"),
    template=("Arten {art} er en intern postering (art 9), som normalt ikke indberettes", "The art {art} is an internal posting (art 9), usually not reported"),
    doc=(
        "Art 9 (interne udgifter og indtægter) er omposteringer i kommunen og hører normalt ikke til en borger.",
        "Art 9 (internal expenditure and revenue) are transfers inside the municipality and usually not tied to a citizen.",
    ),
)
def internal_art(record: Record, ctx: Context) -> Hit | None:
    if record.kind is _INTERNAL:
        return Hit(field="kontostreng", art=record.art or "9")
    return None


# --- delivery rules ------------------------------------------------------------------------

ANONYMOUS_DUPLICATE = define(
    "SIU406",
    "warning",
    ("Ens anonyme linjer", "Identical anonymous lines"),
    (
        "Linjen er identisk med {count_other} andre anonymiserede linjer (første forekomst {first_da})",
        "The line is identical to {count_other} other anonymised lines (first occurrence {first_en})",
    ),
    (
        "Anonyme § 109-ophold deler fiktive CPR-numre (fx 1234569998 for alle kvinder uden kendt fødselsdato), "
        "så to forskellige ophold med samme takst og periode giver ens linjer. Det er derfor kun en advarsel: "
        "tjek at det er forskellige ophold. Er hele filen læst to gange, melder SIU401 også de øvrige linjer.",
        "Anonymous § 109 stays share fictitious CPR numbers (e.g. 1234569998 for every woman with no known "
        "birth date), so two different stays with the same rate and period make identical lines. That is why "
        "this is only a warning: check that the stays are different. If a whole file was read twice, SIU401 "
        "reports the other lines as well.",
    ),
    group="delivery",
)


def _where(loc: Location, lang: str) -> str:
    """A location as a message names it: ``in.csv, række 2`` (``in.csv, row 2``)."""
    sheet, row = ("sheet", "row") if lang == "en" else ("ark", "række")
    parts = [loc.file] + ([f"{sheet} {loc.sheet}"] if loc.sheet else []) + ([f"{row} {loc.row}"] if loc.row is not None else [])
    return ", ".join(parts)


def _at(record: Record, field: str) -> tuple[Location, str | None]:
    """The record's first location and the column of ``field``; narrowed by :func:`_narrow` only for
    the few lines a delivery rule reports (building a Location for every citizen costs)."""
    return record.location, record.columns.get(field)


def _narrow(where: tuple[Location, str | None]) -> Location:
    return where[0].at_column(where[1])


@delivery_rule(
    "SIU401",
    "error",
    title=("Dublet", "Duplicate line"),
    template=(
        "Linjen er en nøjagtig dublet ({count} ens linjer i alt; første forekomst {first_da})",
        "The line is an exact duplicate ({count} identical lines; first occurrence {first_en})",
    ),
    doc=(
        "To linjer med samme PsrID, kontostreng, paragraf, beløb, start- og slutdato er næsten altid den samme "
        "postering læst to gange (fx samme fil to gange, eller overlappende udtræk). Den første forekomst "
        "meldes ikke; hver af de følgende gør. Ens anonymiserede § 109-linjer er kun en advarsel (SIU406).",
        "Two lines with the same PsrID, account, paragraph, amount, start and end date are almost always one "
        "posting read twice (e.g. the same file twice, or overlapping extracts). The first occurrence is not "
        "reported; each following one is. Identical anonymised § 109 lines are only a warning (SIU406).",
    ),
)
class DuplicateLines:
    """Keeps 12 bytes per line (a 64-bit hash of the line and its reading position), not the lines.

    Lines are kept in 256 buckets by hash, so that finish() sorts one bucket at a time: sorting
    all lines at once builds two Python ints per line, some 230 MB at three million lines.
    Locations are kept as runs of consecutive rows (a file's rows follow each other, so a run
    is usually a whole file), found again from the reading position when a duplicate is reported.
    Two different lines share a 64-bit hash with a probability of about n²/2⁶⁵ (3·10⁻⁸ for a
    million lines), an accepted risk for a check whose finding the user verifies anyway."""

    BUCKETS = 256
    _ANONYMISED = 1 << 31  # flag bit beside the reading position (positions stay below 2³¹)

    def __init__(self, ctx: Context) -> None:
        self.hashes = [array("q") for _ in range(self.BUCKETS)]
        self.positions = [array("L" if array("L").itemsize == 4 else "I") for _ in range(self.BUCKETS)]
        self.count = 0
        self.run_starts = array("q")  # reading position where a run of consecutive rows starts
        self.run_where = array("q")  # packed location (file index, row) of that first line
        self._expected = -1  # packed location the next line has if it continues the run
        self.files: list[tuple[str, str | None]] = []
        self.file_index: dict[tuple[str, str | None], int] = {}

    def observe(self, record: Record) -> None:
        locs = record.locations
        if locs:
            loc = locs[0]
            fkey = (loc.file, loc.sheet)
            row = loc.row or 0
        else:
            fkey, row = ("?", None), 0
        idx = self.file_index.get(fkey)
        if idx is None:
            idx = self.file_index[fkey] = len(self.files)
            self.files.append(fkey)
        packed = (idx << 32) | (row & 0xFFFFFFFF)
        position = self.count
        self.count = position + 1
        if packed != self._expected:
            self.run_starts.append(position)
            self.run_where.append(packed)
        self._expected = packed + 1
        h = hash(record.key())
        bucket = h % self.BUCKETS
        self.hashes[bucket].append(h)
        self.positions[bucket].append(position | self._ANONYMISED if record.anonymised else position)

    def _packed(self, position: int) -> int:
        k = bisect_right(self.run_starts, position) - 1
        return self.run_where[k] + (position - self.run_starts[k])

    def _loc(self, packed: int) -> Location:
        file, sheet = self.files[packed >> 32]
        return Location(file=file, sheet=sheet, row=packed & 0xFFFFFFFF or None)

    def finish(self) -> Iterator[Hit]:
        for bucket in range(self.BUCKETS):
            yield from self._finish_bucket(self.hashes[bucket], self.positions[bucket])

    def _finish_bucket(self, hashes: array, positions: array) -> Iterator[Hit]:
        # Equal lines share a hash, hence a bucket; within a bucket lines keep their reading order.
        flag = self._ANONYMISED
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        i, n = 0, len(order)
        while i < n:
            j = i
            h = hashes[order[i]]
            while j + 1 < n and hashes[order[j + 1]] == h:
                j += 1
            if j > i:
                group = sorted(order[i : j + 1])
                first = self._loc(self._packed(positions[group[0]] & ~flag))
                where = {"first_da": _where(first, "da"), "first_en": _where(first, "en")}
                if all(positions[k] & flag for k in group):
                    for k in group[1:]:
                        loc = self._loc(self._packed(positions[k] & ~flag))
                        yield Hit(location=loc, code=ANONYMOUS_DUPLICATE, count_other=len(group) - 1, **where)
                else:
                    for k in group[1:]:
                        yield Hit(location=self._loc(self._packed(positions[k] & ~flag)), count=len(group), **where)
            i = j + 1


@delivery_rule(
    "SIU402",
    "warning",
    title=("Indtægt uden udgift", "Revenue without expenditure"),
    template=(
        "Borgeren {value} har indtægter ({revenue} kr.) under {paragraph}, men ingen udgifter",
        "The citizen {value} has revenue ({revenue} DKK) under {paragraph} but no expenditure",
    ),
    doc=(
        "En indtægt (fx betaling fra en anden kommune) uden nogen udgift for samme borger og paragraf tyder på, "
        "at udgiften mangler i udtrækket eller er konteret på en anden paragraf. Fundet peger på borgerens "
        "første indtægtslinje.",
        "Revenue (e.g. payment from another municipality) with no expenditure for the same citizen and paragraph "
        "suggests the expenditure is missing from the extract or booked under another paragraph. The finding "
        "points at the citizen's first revenue line.",
    ),
)
class RevenueWithoutExpenditure:
    """Keeps one set entry per citizen and paragraph with expenditure, and a total per pair with revenue."""

    def __init__(self, ctx: Context) -> None:
        self.expenditure: set[tuple[str, str]] = set()
        self.revenue: dict[tuple[str, str], list] = {}

    def observe(self, record: Record) -> None:
        amount = record.amount
        if not amount or not record.psr_id or not record.paragraph:
            return
        key = (record.psr_id, record.paragraph)
        if amount > 0:
            self.expenditure.add(key)
        else:
            entry = self.revenue.get(key)
            if entry is None:
                self.revenue[key] = [amount, _at(record, "cpr")]
            else:
                entry[0] += amount

    def finish(self) -> Iterator[Hit]:
        for (psr, paragraph), (total, loc) in self.revenue.items():
            if (psr, paragraph) not in self.expenditure:
                yield Hit(location=_narrow(loc), field="cpr", value=psr, revenue=format_amount_danish(total), paragraph=paragraph)


@delivery_rule(
    "SIU403",
    "error",
    title=("Flere kommuner i én leverance", "Several municipalities in one delivery"),
    template=(
        "Input nævner kommunekoden {other} på {count} linjer; leverancen er for kommune {kommune}",
        "The inputs name the municipality code {other} on {count} lines; the delivery is for municipality {kommune}",
    ),
    doc=(
        "Hver leverance dækker én kommune og ét regnskabsår. Kommunen er den, der er angivet med --kommune "
        "eller i siu.toml; kilder, der selv oplyser en kommunekode for hver postering (dimensionen `kommune`), "
        "kontrolleres mod den. Fundet peger på den første linje med den fremmede kode. Kør siu én gang pr. kommune.",
        "Every delivery covers one municipality and one reporting year. The municipality is the one given with "
        "--kommune or in siu.toml; sources that state a municipality code per posting (the `kommune` dimension) "
        "are checked against it. The finding points at the first line with the foreign code. Run siu once per "
        "municipality.",
    ),
)
class SeveralMunicipalities:
    def __init__(self, ctx: Context) -> None:
        self.kommune = ctx.kommune
        self.other: dict[str, list] = {}

    def observe(self, record: Record) -> None:
        dims = record.dims
        if not dims:
            return
        code = dims.get("kommune")
        if not code or code == self.kommune:
            return
        code = code.strip()
        code = code.zfill(3) if code.isascii() and code.isdigit() else code
        if code == self.kommune:
            return
        entry = self.other.get(code)
        if entry is None:
            self.other[code] = [1, record.location]
        else:
            entry[0] += 1

    def finish(self) -> Iterator[Hit]:
        for code, (count, loc) in sorted(self.other.items()):
            yield Hit(location=loc, other=code, count=count, kommune=self.kommune)


SEVERAL_YEARS_SPREAD = define(
    "SIU405",
    "warning",
    ("Perioder samlet i et andet år", "Periods concentrated in another year"),
    (
        "{count} af {total} linjer har en periode helt i {other}, ikke i regnskabsåret {year}",
        "{count} of {total} lines have a period wholly in {other}, not in the reporting year {year}",
    ),
    (
        "Når mindst 10 linjer og mindst 10 % af leverancen har perioder, der ligger helt i ét andet kalenderår, "
        "er udtrækket sandsynligvis for flere regnskabsår (fx to årsudtræk lagt sammen). Linjerne meldes "
        "også enkeltvis (SIU113/SIU114).",
        "When at least 10 lines and at least 10 % of the delivery have periods lying wholly in one other calendar "
        "year, the extract probably covers several reporting years (e.g. two yearly extracts put together). The "
        "lines are also reported one by one (SIU113/SIU114).",
    ),
    group="delivery",
)
SPREAD_MIN_LINES, SPREAD_MIN_SHARE = 10, 0.10


@delivery_rule(
    "SIU404",
    "error",
    title=("Flere regnskabsår i én leverance", "Several reporting years in one delivery"),
    template=(
        "Kilden angiver regnskabsåret {other} på {count} linjer; leverancen er for {year}",
        "The source states the reporting year {other} on {count} lines; the delivery is for {year}",
    ),
    doc=(
        "Hver leverance dækker ét regnskabsår. Kilder, der oplyser regnskabsåret for hver postering "
        "(dimensionen `year`), kontrolleres mod leverancens år. For kilder uden det ses på perioderne: se SIU405.",
        "Every delivery covers one reporting year. Sources that state the reporting year per posting (the `year` "
        "dimension) are checked against the delivery's year. For sources without it the periods are examined: "
        "see SIU405.",
    ),
)
class SeveralYears:
    def __init__(self, ctx: Context) -> None:
        self.year = ctx.year
        self.stated: dict[str, list] = {}
        self.period_years: Counter[int] = Counter()
        self.first_in: dict[int, Location] = {}
        self.total = 0

    def observe(self, record: Record) -> None:
        self.total += 1
        start, end = record.start, record.end
        if start is not None and end is not None and start.year == end.year != self.year:
            y = end.year
            self.period_years[y] += 1
            if y not in self.first_in:
                self.first_in[y] = record.location
        dims = record.dims
        if dims:
            stated = dims.get("year")
            if stated and stated.strip() != str(self.year):
                entry = self.stated.get(stated.strip())
                if entry is None:
                    self.stated[stated.strip()] = [1, record.location]
                else:
                    entry[0] += 1

    def finish(self) -> Iterator[Hit]:
        for other, (count, loc) in sorted(self.stated.items()):
            yield Hit(location=loc, other=other, count=count, year=self.year)
        for other, count in sorted(self.period_years.items()):
            if count >= SPREAD_MIN_LINES and count >= SPREAD_MIN_SHARE * self.total:
                yield Hit(location=self.first_in[other], code=SEVERAL_YEARS_SPREAD, other=other, count=count, total=self.total, year=self.year)


ABOVE_CEILING = define(
    "SIU421",
    "error",
    ("Årsudgift over loftet", "Annualised expenditure above the ceiling"),
    (
        "Årsudgiften for borgeren {value} under {paragraph} er {annual} kr., over loftet på {ceiling} kr.",
        "The annualised expenditure for the citizen {value} under {paragraph} is {annual} DKK, above the ceiling of {ceiling} DKK",
    ),
    (
        "Kommunen kan sætte et fast loft over årsudgiften pr. borger for hver paragraf i siu.toml "
        "(`[validation.ceilings]`, fx `SEL108 = 3000000`). En borger over loftet er en fejl: beløb eller "
        "periode er næsten sikkert forkert. Uden lofter kontrolleres kun de robuste grænser (SIU420).",
        "A municipality can set a hard ceiling on the annualised expenditure per citizen for each paragraph in "
        "siu.toml (`[validation.ceilings]`, e.g. `SEL108 = 3000000`). A citizen above it is an error: amount or "
        "period is almost certainly wrong. Without ceilings only the robust bounds are checked (SIU420).",
    ),
    group="delivery",
)
MIN_CITIZENS_FOR_BOUNDS = 5


@delivery_rule(
    "SIU420",
    "warning",
    title=("Ekstrem årsudgift", "Extreme annualised expenditure"),
    template=(
        "Årsudgiften for borgeren {value} under {paragraph} er {annual} kr., uden for det normale interval {low}–{high} kr.",
        "The annualised expenditure for the citizen {value} under {paragraph} is {annual} DKK, outside the usual range {low}–{high} DKK",
    ),
    doc=(
        "DST beregner årsudgiften pr. borger og paragraf (udgift × 365 / dage i perioden, fra borgerens første "
        "startdato til sidste slutdato) og undersøger ekstreme værdier. siu markerer borgere uden for "
        "median ± k·MAD for paragraffen (MAD = medianen af de absolutte afvigelser fra medianen, uskaleret; k "
        "sættes med `--mad-k` eller `[validation] mad_k`, standard 5). Grænserne beregnes kun for paragraffer "
        "med mindst 5 borgere; er MAD 0 (de fleste har samme takst), bruges den gennemsnitlige absolutte "
        "afvigelse. Anonymiserede § 109-linjer indgår ikke: de deler fiktive CPR-numre, så en sum pr. nummer "
        "er ikke én borgers udgift. Tjek beløb og periode.",
        "DST computes the annualised expenditure per citizen and paragraph (expenditure × 365 / days in the "
        "period, from the citizen's first start date to the last end date) and examines extreme values. siu flags "
        "citizens outside median ± k·MAD for the paragraph (MAD = the median absolute deviation from the median, "
        "unscaled; k from `--mad-k` or `[validation] mad_k`, default 5). Bounds are computed only for paragraphs "
        "with at least 5 citizens; when MAD is 0 (most have the same rate), the mean absolute deviation is used. "
        "Anonymised § 109 lines are left out: they share fictitious CPR numbers, so a sum per number is not one "
        "citizen's expenditure. Check amount and period.",
    ),
)
class ExtremeValues:
    """Keeps one small list per citizen and paragraph: expenditure, first start, last end, first line."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.per: dict[tuple[str, str], list] = {}

    def observe(self, record: Record) -> None:
        amount, start, end = record.amount, record.start, record.end
        if amount <= 0 or start is None or end is None or start > end or not record.psr_id or not record.paragraph or record.anonymised:
            return
        key = (record.psr_id, record.paragraph)
        entry = self.per.get(key)
        if entry is None:
            self.per[key] = [amount, start, end, _at(record, "amount")]
            return
        entry[0] += amount
        if start < entry[1]:
            entry[1] = start
        if end > entry[2]:
            entry[2] = end

    def finish(self) -> Iterator[Hit]:
        settings = self.ctx.settings.validation
        # Floats: the bounds are a screening statistic, not money, and float arithmetic keeps the
        # end of a run with hundreds of thousands of citizens fast. Amounts in messages are rounded.
        k = float(settings.mad_k)
        ceilings = {p: float(c) for p, c in settings.ceilings.items()}
        by_paragraph: dict[str, list[tuple[float, str, tuple[Location, str | None]]]] = defaultdict(list)
        for (psr, paragraph), (amount, start, end, loc) in self.per.items():
            days = (end - start).days + 1
            by_paragraph[paragraph].append((float(amount) * 365 / days, psr, loc))
        for paragraph in sorted(by_paragraph):
            values = by_paragraph[paragraph]
            low = high = None
            if len(values) >= MIN_CITIZENS_FOR_BOUNDS:
                annual = [v for v, _, _ in values]
                med = statistics.median(annual)
                deviations = [abs(a - med) for a in annual]
                spread = statistics.median(deviations) or sum(deviations) / len(deviations)
                if spread:
                    low, high = med - k * spread, med + k * spread
            ceiling = ceilings.get(paragraph)
            for value, psr, loc in values:
                if ceiling is not None and value > ceiling:
                    yield Hit(location=_narrow(loc), field="amount", value=psr, code=ABOVE_CEILING, paragraph=paragraph, annual=_kr(value), ceiling=_kr(ceiling))
                elif low is not None and high is not None and not (low <= value <= high):
                    yield Hit(location=_narrow(loc), field="amount", value=psr, paragraph=paragraph, annual=_kr(value), low=_kr(max(low, 0.0)), high=_kr(high))


def _kr(amount: float) -> str:
    """Whole kroner with Danish thousands separators: 1.234.567."""
    return f"{amount:,.0f}".replace(",", ".")


RULES: list[Rule] = [
    missing_cpr,
    unreadable_cpr,
    impossible_cpr_date,
    fictitious_outside_109,
    missing_start,
    missing_end,
    start_after_end,
    period_outside_year,
    period_far_outside,
    account_out_of_scope,
    no_paragraph,
    unknown_paragraph,
    paragraph_outside_area,
    zero_amount,
    sign_against_art,
    amount_unit,
    internal_art,
    DuplicateLines,
    RevenueWithoutExpenditure,
    SeveralMunicipalities,
    SeveralYears,
    ExtremeValues,
    reconciliation,
]


@hookimpl
def register_rules() -> list[Rule]:
    return RULES
