"""siu's own validation rules (codes ``SIU1xx`` for lines, ``SIU4xx`` for the whole delivery).

Each rule documents itself; ``siu explain CODE`` and ``docs/rules.md`` are generated from here.
"""

from __future__ import annotations

import datetime as dt
import statistics
from array import array
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from siu import cpr
from siu.context import Context
from siu.hookspecs import hookimpl
from siu.models import Kind, Location, Record
from siu.rules import Hit, Rule, delivery_rule, record_rule

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
def missing_cpr(record: Record, ctx: Context) -> Iterator[Hit]:
    if not record.psr_id and not record.cpr_raw:
        yield Hit(field="cpr")


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
def unreadable_cpr(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.psr_id is None and record.cpr_raw:
        yield Hit(field="cpr", value=record.cpr_raw)


@record_rule(
    "SIU103",
    "error",
    title=("CPR-nummer med umulig dato", "CPR number with an impossible date"),
    template=("CPR-nummeret {value} indeholder ikke en gyldig fødselsdato", "The CPR number {value} holds no valid birth date"),
    doc=(
        "De første seks cifre skal være en rigtig dato (DDMMÅÅ). Undtaget er DST's fiktive § 109-numre "
        "(fødselsdato eller 123456 + 9998/9999), som kun er gyldige på § 109-linjer. "
        "Modulus 11 kontrolleres aldrig: siden 2007 findes gyldige numre, der ikke opfylder den.",
        "The first six digits must be a real date (DDMMYY). The exception is DST's fictitious § 109 numbers "
        "(birth date or 123456 + 9998/9999), valid only on § 109 lines. Modulus 11 is never checked: "
        "valid numbers failing it exist since 2007.",
    ),
)
def impossible_cpr_date(record: Record, ctx: Context) -> Iterator[Hit]:
    psr = record.psr_id
    if psr is None:
        return
    c = ctx.spec.manifest.cpr
    if ctx.spec.anonymous_allowed(record.paragraph) and cpr.is_fictitious(psr, c.female_suffix, c.male_suffix, c.no_birth_date):
        return
    if cpr.birth_date(psr) is None:
        yield Hit(field="cpr", value=psr)


@record_rule(
    "SIU104",
    "error",
    title=("Fiktivt CPR-nummer uden for § 109", "Fictitious CPR number outside § 109"),
    template=(
        "Det fiktive CPR-nummer {value} må kun bruges på § 109-linjer, men linjen hører under {paragraph}",
        "The fictitious CPR number {value} is allowed on § 109 lines only, but the line belongs to {paragraph}",
    ),
    doc=(
        "Fiktive CPR-numre (slutter på 9998/9999 eller starter med 123456) er kun for anonyme ophold på krisecentre efter § 109.",
        "Fictitious CPR numbers (ending 9998/9999 or starting 123456) are only for anonymous stays at § 109 crisis shelters.",
    ),
)
def fictitious_outside_109(record: Record, ctx: Context) -> Iterator[Hit]:
    psr = record.psr_id
    if psr is None or ctx.spec.anonymous_allowed(record.paragraph) or record.paragraph is None:
        return
    c = ctx.spec.manifest.cpr
    if psr[:6] == c.no_birth_date and psr[6:] in (c.female_suffix, c.male_suffix):
        yield Hit(field="cpr", value=psr, paragraph=record.paragraph)


# --- dates ---------------------------------------------------------------------------------


@record_rule(
    "SIU110",
    "error",
    title=("Startdato mangler", "Start date missing"),
    template=("Linjen har ingen startdato for udgiftsperioden", "The line has no start date for the expenditure period"),
    doc=(
        "Start- og slutdato er obligatoriske på alle linjer og skal beskrive den periode, udgiften dækker "
        "(udgiftsperioden), ikke aktivitetsperioden.",
        "Start and end dates are mandatory on every line and describe the period the expenditure covers, "
        "not the period of the activity.",
    ),
)
def missing_start(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.start is None:
        yield Hit(field="start")


@record_rule(
    "SIU111",
    "error",
    title=("Slutdato mangler", "End date missing"),
    template=("Linjen har ingen slutdato for udgiftsperioden", "The line has no end date for the expenditure period"),
    doc=(
        "DST kræver slutdato på alle udgifter, så datoerne afspejler udgiftsperioden. Også for løbende "
        "ophold skal slutdatoen være den sidste dag, udgiften dækker.",
        "DST requires an end date on every expenditure so the dates describe the expenditure period. For "
        "ongoing stays too, the end date is the last day the expenditure covers.",
    ),
)
def missing_end(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.end is None:
        yield Hit(field="end")


@record_rule(
    "SIU112",
    "error",
    title=("Startdato efter slutdato", "Start date after end date"),
    template=("Startdatoen {start} ligger efter slutdatoen {end}", "The start date {start} is after the end date {end}"),
    doc=("Perioden skal starte før eller samme dag, som den slutter.", "The period must start on or before the day it ends."),
)
def start_after_end(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.start and record.end and record.start > record.end:
        yield Hit(field="start", start=record.start.isoformat(), end=record.end.isoformat())


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
        "Tjek at datoerne er udgiftsperioden og ikke fx bogføringsdatoen.",
        "An expenditure may cover a period crossing a year boundary, but the period should touch the reporting "
        "year. Check that the dates are the expenditure period and not, say, the posting date.",
    ),
)
def period_outside_year(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.start and record.end and record.start <= record.end:
        first, last = dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 31)
        if (record.end < first or record.start > last) and not _far_outside(record, ctx):
            yield Hit(field="start", start=record.start.isoformat(), end=record.end.isoformat(), year=ctx.year)


def _far_outside(record: Record, ctx: Context) -> bool:
    years = ctx.spec.manifest.dates.get("max_years_outside", 1)
    first, last = dt.date(ctx.year - years, 1, 1), dt.date(ctx.year + years, 12, 31)
    start, end = record.start, record.end
    return bool(start and end and (end < first or start > last))


@record_rule(
    "SIU114",
    "error",
    title=("Periode langt uden for regnskabsåret", "Period far outside the reporting year"),
    template=(
        "Perioden {start}–{end} ligger mere end et år uden for regnskabsåret {year}",
        "The period {start}–{end} lies more than a year outside the reporting year {year}",
    ),
    doc=(
        "En periode, der ligger helt mere end et år før eller efter regnskabsåret, er næsten altid en tastefejl.",
        "A period lying entirely more than a year before or after the reporting year is almost always a typo.",
    ),
)
def period_far_outside(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.start and record.end and record.start <= record.end and _far_outside(record, ctx):
        yield Hit(field="start", start=record.start.isoformat(), end=record.end.isoformat(), year=ctx.year)


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
        "Kun de funktioner, årets specifikationspakke lister (chart.csv), indgår i statistikken. Ret "
        "tilknytningen, eller udelad posteringen fra udtrækket.",
        "Only the functions the year's spec pack lists (chart.csv) are part of the statistic. Fix the mapping, "
        "or leave the posting out of the extract.",
    ),
)
def account_out_of_scope(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.function and record.kontostreng and not ctx.spec.in_scope(record.function, record.dranst or ""):
        yield Hit(field="kontostreng", function=record.function, dranst=record.dranst or "?", year=ctx.year)


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
def no_paragraph(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.kontostreng and record.paragraph is None and (record.function and ctx.spec.in_scope(record.function, record.dranst or "")):
        yield Hit(field="kontostreng", value=record.account_text)


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
def unknown_paragraph(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.paragraph is not None and record.paragraph not in ctx.spec.paragraphs:
        yield Hit(field="paragraph", value=record.paragraph, year=ctx.year)


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
def paragraph_outside_area(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.area and ctx.area != "begge" and record.area != ctx.area:
        yield Hit(field="paragraph", value=record.paragraph, area=record.area, delivery_area=ctx.area)


# --- amounts -------------------------------------------------------------------------------


@record_rule(
    "SIU130",
    "warning",
    title=("Beløb er nul", "Zero amount"),
    template=("Beløbet er 0", "The amount is 0"),
    doc=("Linjer med beløbet 0 bidrager ikke til statistikken og bør udelades.", "Lines with amount 0 add nothing and should be left out."),
)
def zero_amount(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.amount == 0:
        yield Hit(field="amount")


@record_rule(
    "SIU131",
    "warning",
    title=("Fortegn passer ikke til arten", "Sign does not match the art"),
    template=(
        "Beløbet {value} har fortegn som {sign_kind}, men arten {art} er {art_kind}",
        "The amount {value} has the sign of {sign_kind}, but the art {art} is {art_kind}",
    ),
    doc=(
        "Udgifter (art 0–6) er positive og indtægter (art 7–8) negative. Når kilden angiver fortegnet "
        "(debet/kredit), afsløres fejlkonteringer som en indtægt på en udgiftsart. Tilbageførsler kan "
        "være korrekte: tjek posteringen.",
        "Expenditure (art 0–6) is positive and revenue (art 7–8) negative. When the source states the sign "
        "(debit/credit), mispostings such as revenue on an expenditure art show up. Reversals can be correct: "
        "check the posting.",
    ),
)
def sign_against_art(record: Record, ctx: Context) -> Iterator[Hit]:
    if not record.sign_explicit or record.kind is None or record.amount == 0:
        return
    names = {Kind.EXPENDITURE: ("udgift", "expenditure"), Kind.REVENUE: ("indtægt", "revenue")}
    if record.kind not in names:
        return
    sign_kind = Kind.EXPENDITURE if record.amount > 0 else Kind.REVENUE
    if sign_kind != record.kind:
        i = 1 if ctx.lang == "en" else 0
        yield Hit(field="amount", value=record.amount, sign_kind=names[sign_kind][i], art=record.art or "?", art_kind=names[record.kind][i])


@record_rule(
    "SIU132",
    "error",
    title=("Beløb kan ikke angives i leverancens enhed", "Amount not representable in the delivery's unit"),
    template=(
        "Beløbet {value} har flere decimaler end specifikationen tillader ({decimals})",
        "The amount {value} has more decimals than the specification allows ({decimals})",
    ),
    doc=(
        "Specifikationspakken fastlægger, hvor mange decimaler beløb må have (fx hele kroner eller øre). "
        "siu afrunder aldrig af sig selv, så pengene altid stemmer med kilden.",
        "The spec pack sets how many decimals amounts may have (e.g. whole kroner or øre). siu never rounds "
        "by itself, so the money always agrees with the source.",
    ),
)
def amount_unit(record: Record, ctx: Context) -> Iterator[Hit]:
    decimals = ctx.spec.manifest.amount.decimals
    exponent = record.amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals and record.amount != record.amount.quantize(Decimal(1).scaleb(-decimals)):
        yield Hit(field="amount", value=record.amount, decimals=decimals)


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
def internal_art(record: Record, ctx: Context) -> Iterator[Hit]:
    if record.kind is Kind.INTERNAL:
        yield Hit(field="kontostreng", art=record.art or "9")


# --- delivery rules ------------------------------------------------------------------------


@delivery_rule(
    "SIU401",
    "error",
    title=("Dublet", "Duplicate line"),
    template=(
        "Linjen er en nøjagtig dublet ({count} ens linjer i alt; første forekomst {first})",
        "The line is an exact duplicate ({count} identical lines; first occurrence {first})",
    ),
    doc=(
        "To linjer med samme PsrID, kontostreng, paragraf, beløb, start- og slutdato er næsten altid den samme "
        "postering læst to gange (fx samme fil to gange, eller overlappende udtræk).",
        "Two lines with the same PsrID, account, paragraph, amount, start and end date are almost always one "
        "posting read twice (e.g. the same file twice, or overlapping extracts).",
    ),
)
class DuplicateLines:
    """Keeps 16 bytes per line (a 64-bit hash of the line and a packed location), not the lines."""

    def __init__(self, ctx: Context) -> None:
        self.hashes = array("q")
        self.where = array("q")
        self.files: list[tuple[str, str | None]] = []
        self.file_index: dict[tuple[str, str | None], int] = {}

    def observe(self, record: Record) -> None:
        loc = record.locations[0] if record.locations else Location(file="?")
        fkey = (loc.file, loc.sheet)
        idx = self.file_index.get(fkey)
        if idx is None:
            idx = self.file_index[fkey] = len(self.files)
            self.files.append(fkey)
        self.hashes.append(hash(record.key()))
        self.where.append((idx << 32) | (loc.row or 0))

    def _loc(self, packed: int) -> Location:
        file, sheet = self.files[packed >> 32]
        return Location(file=file, sheet=sheet, row=packed & 0xFFFFFFFF or None)

    def finish(self) -> Iterator[Hit]:
        order = sorted(range(len(self.hashes)), key=self.hashes.__getitem__)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and self.hashes[order[j + 1]] == self.hashes[order[i]]:
                j += 1
            if j > i:
                group = sorted(order[i : j + 1])
                first = self._loc(self.where[group[0]])
                for k in group[1:]:
                    yield Hit(location=self._loc(self.where[k]), count=len(group), first=str(first))
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
        "at udgiften mangler i udtrækket eller er konteret på en anden paragraf.",
        "Revenue (e.g. payment from another municipality) with no expenditure for the same citizen and paragraph "
        "suggests the expenditure is missing from the extract or booked under another paragraph.",
    ),
)
class RevenueWithoutExpenditure:
    def __init__(self, ctx: Context) -> None:
        self.expenditure: set[tuple[str, str]] = set()
        self.revenue: dict[tuple[str, str], tuple[Decimal, Location]] = {}

    def observe(self, record: Record) -> None:
        if not record.psr_id or not record.paragraph:
            return
        key = (record.psr_id, record.paragraph)
        if record.amount > 0:
            self.expenditure.add(key)
        elif record.amount < 0:
            total, loc = self.revenue.get(key, (Decimal(0), record.location))
            self.revenue[key] = (total + record.amount, loc)

    def finish(self) -> Iterator[Hit]:
        for (psr, paragraph), (total, loc) in self.revenue.items():
            if (psr, paragraph) not in self.expenditure:
                yield Hit(location=loc, field="cpr", value=psr, revenue=f"{total:.2f}", paragraph=paragraph)


@delivery_rule(
    "SIU420",
    "warning",
    title=("Ekstrem årsudgift", "Extreme annualised expenditure"),
    template=(
        "Årsudgiften for borgeren {value} under {paragraph} er {annual} kr., uden for det normale interval {low}–{high} kr.",
        "The annualised expenditure for the citizen {value} under {paragraph} is {annual} DKK, outside the usual range {low}–{high} DKK",
    ),
    doc=(
        "DST beregner årsudgiften pr. borger (udgift × 365 / dage i perioden) og undersøger ekstreme værdier. "
        "siu markerer borgere uden for median ± k·MAD for paragraffen (k sættes med `[validation] mad_k`, "
        "standard 5) og over loftet i `[validation] ceilings`. Tjek beløb og periode.",
        "DST computes the annualised expenditure per citizen (amount × 365 / days in the period) and examines "
        "extreme values. siu flags citizens outside median ± k·MAD for the paragraph (k from `[validation] mad_k`, "
        "default 5) and above the ceiling in `[validation] ceilings`. Check amount and period.",
    ),
)
class ExtremeValues:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.per: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), None, None, None])

    def observe(self, record: Record) -> None:
        if not record.psr_id or not record.paragraph or not record.start or not record.end or record.amount <= 0:
            return
        entry = self.per[(record.psr_id, record.paragraph)]
        entry[0] += record.amount
        entry[1] = record.start if entry[1] is None else min(entry[1], record.start)
        entry[2] = record.end if entry[2] is None else max(entry[2], record.end)
        if entry[3] is None:
            entry[3] = record.location

    def finish(self) -> Iterator[Hit]:
        k = Decimal(str(self.ctx.settings.validation.mad_k))
        ceilings = self.ctx.settings.validation.ceilings
        by_paragraph: dict[str, list[tuple[Decimal, str, Location]]] = defaultdict(list)
        for (psr, paragraph), (amount, start, end, loc) in self.per.items():
            days = max((end - start).days + 1, 1)
            by_paragraph[paragraph].append((amount * 365 / days, psr, loc))
        for paragraph, values in by_paragraph.items():
            annual = [v for v, _, _ in values]
            ceiling = ceilings.get(paragraph)
            if len(annual) >= 5:
                med = statistics.median(annual)
                mad = statistics.median(abs(a - med) for a in annual)
                low, high = med - k * mad, med + k * mad
            else:
                low = high = None
            for value, psr, loc in values:
                outside = low is not None and mad > 0 and not (low <= value <= high)
                above = ceiling is not None and value > Decimal(str(ceiling))
                if outside or above:
                    yield Hit(
                        location=loc,
                        field="amount",
                        value=psr,
                        paragraph=paragraph,
                        annual=f"{value:.0f}",
                        low=f"{max(low, Decimal(0)):.0f}" if low is not None else "0",
                        high=f"{high:.0f}" if high is not None else f"{ceiling:.0f}",
                    )


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
    ExtremeValues,
]


@hookimpl
def register_rules() -> list[Rule]:
    return RULES
