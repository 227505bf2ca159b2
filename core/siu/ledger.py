"""The ledger of rows and money: every input row ends in exactly one place.

A row of an input is a delivery line, a posting excluded on purpose by a mapping rule
(``exclude = true``), or a skipped row counted with its reason and, where it has a readable
amount, its money. An export's own total lines ("I alt", "Total", "Sum", "Saldo", ALV's ``*``
and ``**`` rows) are skipped too, but their amounts are checked against the postings read
(:class:`TotalsCheck`) instead of being counted as money skipped: they restate money already
read. The report's money line is this ledger's balance per input (see :mod:`siu.report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from siu.cpr import mask_cpr
from siu.findings import define
from siu.models import Finding, Location
from siu.parsing import format_amount_danish

# Disagreement up to this many kroner is rounding (exports print totals rounded to whole kroner).
ROUNDING = Decimal(1)

TOTAL_MISMATCH = define(
    "SIU030",
    "error",
    ("Sumlinje stemmer ikke med posteringerne", "Total line does not match the postings"),
    (
        "Sumlinjen viser {total} kr., men de læste posteringer summer til {read} kr. (forskel {diff} kr.; "
        "hele filen til række {row}: {cumulative} kr.)",
        "The total line shows {total} DKK, but the postings read sum to {read} DKK (difference {diff} DKK; "
        "the whole file up to row {row}: {cumulative} DKK)",
    ),
    (
        "Udtræk fra SAP og Opus har ofte egne sumlinjer (\"I alt\", \"Total\", \"Sum\", \"Saldo\", `*` og `**`). "
        "siu læser dem ikke som posteringer, men sammenligner deres beløb med summen af de posteringer, der er "
        "læst siden en tidligere sumlinje eller fra filens start. Stemmer ingen af dem (med mere end 1 kr.), "
        "mangler der posteringer i det, siu har læst, eller sumlinjen dækker mere end udtrækket. Sammenlign med "
        "kildesystemet; find fx de rækker, der er sprunget over (SIU010). Beløbet i fundet er det nærmeste bud "
        "(blokken siden sidste sumlinje).",
        "SAP and Opus exports often carry their own total lines (\"I alt\", \"Total\", \"Sum\", \"Saldo\", `*` "
        "and `**`). siu does not read them as postings but compares their amounts with the sum of the postings "
        "read since an earlier total line or since the start of the file. When none agrees (by more than 1 DKK), "
        "postings are missing from what siu read, or the total covers more than the export. Compare with the "
        "source system; look e.g. at the rows skipped (SIU010). The amount in the finding is the nearest "
        "candidate (the block since the last total line).",
    ),
    group="delivery",
)
TOTALS_AGREE = define(
    "SIU031",
    "info",
    ("Sumlinjer stemmer", "Total lines agree"),
    (
        "{count} sumlinjer i {file} stemmer med de læste posteringer (inden for 1 kr.)",
        "{count} total lines in {file} agree with the postings read (within 1 DKK)",
    ),
    (
        "Udtrækkets egne sumlinjer er sammenlignet med summen af de læste posteringer, og de stemmer. Det "
        "bekræfter, at ingen postering er tabt ved indlæsningen.",
        "The export's own total lines were compared with the sum of the postings read, and they agree. This "
        "confirms that no posting was lost while reading.",
    ),
)
SKIPPED_MONEY = define(
    "SIU032",
    "warning",
    ("Rækker med beløb sprunget over", "Rows with money skipped"),
    (
        "{count} rækker i {file} med i alt {amount} kr. blev sprunget over ({reason}); beløbet kommer ikke med i leverancen",
        "{count} rows in {file} holding {amount} DKK in all were skipped ({reason}); the money is not in the delivery",
    ),
    (
        "En række med et beløb, som ikke er en postering (og ikke en sumlinje), indgår ikke i leverancen. Så "
        "mangler pengene hos DST. Ret rækken i udtrækket, så den kan læses som postering, eller fjern den, hvis "
        "den ikke hører til. Med --strict stopper advarslen leverancen.",
        "A row holding an amount that is not a posting (nor a total line) is not part of the delivery, so the "
        "money is missing at DST. Fix the row in the export so it reads as a posting, or remove it if it does "
        "not belong. With --strict the warning stops the delivery.",
    ),
)
ROWS_UNACCOUNTED = define(
    "SIU033",
    "error",
    ("Rækker uden regnskab", "Rows unaccounted for"),
    (
        "{file}: {rows} rækker læst, men kun {accounted} er posteringer eller sprunget over; {missing} rækker er forsvundet",
        "{file}: {rows} rows read, but only {accounted} are postings or skipped; {missing} rows disappeared",
    ),
    (
        "Hver række i et input skal ende ét sted: som postering eller som sprunget over med en årsag. Her har "
        "adapteren læst flere rækker, end den har gjort rede for, så der kan mangle penge. Det er en fejl i "
        "adapteren; meld den til dens udvikler.",
        "Every row of an input must end in one place: a posting, or skipped with a reason. Here the adapter "
        "read more rows than it accounted for, so money may be missing. It is a bug in the adapter; report it "
        "to its developer.",
    ),
)
NO_POSTINGS = define(
    "SIU034",
    "error",
    ("Ingen posteringer i input", "No postings in the input"),
    (
        "{file} gav ingen posteringer ({rows} rækker læst); en tom fuld leverance ville erstatte hele årets data hos DST",
        "{file} yielded no postings ({rows} rows read); an empty full load would replace the whole year's data at DST",
    ),
    (
        "Et input uden posteringer (en tom fil, et udtræk med kun overskriftsrækken, eller et, hvor alle rækker "
        "er sumlinjer eller tekst) er næsten altid et forkert eller afbrudt udtræk. Da hver leverance er en fuld "
        "leverance, der erstatter alt tidligere for året, skrives den ikke. Tag udtrækket igen.",
        "An input without postings (an empty file, an export with only its header row, or one whose rows are all "
        "totals or text) is almost always a wrong or broken export. Since every delivery is a full load that "
        "replaces everything earlier for the year, it is not written. Take the export again.",
    ),
)
EMPTY_DELIVERY = define(
    "SIU035",
    "error",
    ("Leverancen er tom", "The delivery is empty"),
    (
        "Leverancen har ingen linjer ({postings} posteringer læst, {excluded} udeladt); en tom fuld leverance ville erstatte hele årets data hos DST",
        "The delivery has no lines ({postings} postings read, {excluded} excluded); an empty full load would replace the whole year's data at DST",
    ),
    (
        "Hver leverance er en fuld leverance, der erstatter alt tidligere leveret for året (og området). En "
        "leverance uden linjer ville slette kommunens data hos DST, så den skrives ikke. Tjek, at "
        "tilknytningsfilens regler med `exclude = true` ikke udelader alt.",
        "Every delivery is a full load that replaces everything delivered earlier for the year (and area). A "
        "delivery without lines would erase the municipality's data at DST, so it is not written. Check that "
        "the mapping file's rules with `exclude = true` do not exclude everything.",
    ),
    group="output",
)
SPLIT_OVERRIDES_AREA = define(
    "SIU036",
    "info",
    ("--split tilsidesætter området fra siu.toml", "--split overrides the area from siu.toml"),
    (
        "siu.toml angiver area = \"{area}\", men --split på kommandolinjen skriver én fil pr. område; --split gælder",
        "siu.toml sets area = \"{area}\", but --split on the command line writes one file per area; --split applies",
    ),
    (
        "Et flag på kommandolinjen går forud for siu.toml. `--split` betyder én fil pr. område (hver en fuld "
        "leverance for sit område), så et enkelt område fra siu.toml kan ikke også gælde. Vil du kun levere ét "
        "område, så udelad --split. `--split` sammen med `--area voksen` eller `--area boern` på kommandolinjen "
        "er en fejl i kaldet.",
        "A flag on the command line takes precedence over siu.toml. `--split` means one file per area (each a "
        "full load for its area), so a single area from siu.toml cannot apply as well. To deliver one area only, "
        "leave out --split. `--split` together with `--area voksen` or `--area boern` on the command line is a "
        "usage error.",
    ),
    group="output",
)
EXCLUDED_BY_RULE = define(
    "SIU208",
    "info",
    ("Posteringer udeladt efter regel", "Postings excluded by a rule"),
    (
        "{count} posteringer med i alt {amount} kr. er udeladt efter {rule}: {reason}",
        "{count} postings holding {amount} DKK in all were excluded by {rule_en}: {reason}",
    ),
    (
        "En regel i tilknytningsfilen med `exclude = true` udelader posteringer på konti, der ikke hører til SIU "
        "(almindeligt, når udtrækket er taget pr. omkostningssted). De tælles med antal og beløb pr. regel i "
        "rapporten, så intet forsvinder i stilhed, og ingen skal rette i udtrækket i hånden.",
        "A mapping rule with `exclude = true` leaves out postings on accounts outside SIU (common when an "
        "export is cut by cost centre). They are counted with rows and money per rule in the report, so "
        "nothing disappears silently and nobody has to edit the export by hand.",
    ),
    group="mapping",
)


def _krone(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


def kr(amount: Decimal) -> str:
    return format_amount_danish(amount)


@dataclass
class TotalsCheck:
    """Checks an export's total lines against the postings read, as the rows stream past.

    A total line agrees when its amount equals, within :data:`ROUNDING`, the sum of the postings
    read since the start of the file or since some earlier total line (so per-account subtotals,
    page subtotals and the grand total all agree, nested or not). A total line before the first
    posting (a summary at the top) is checked against the whole file at the end.
    """

    file: str
    sheet: str | None = None
    column: str | None = None  # the amount column's header, for the findings' location
    cumulative: Decimal = Decimal(0)
    postings: int = 0
    checked: int = 0
    agreed: int = 0
    # the cumulative sum at the start and at every total line so far, by whole krone (floor), so
    # a lookup within ROUNDING is constant time however many (per-citizen) subtotals there are
    # (a set per bucket: zero-sum blocks repeat one value, and cents give at most 100 per krone)
    _marks: dict[int, set[Decimal]] = field(default_factory=lambda: {0: {Decimal(0)}})
    _last_mark: Decimal = Decimal(0)
    _leading: list[tuple[int, Decimal, bool]] = field(default_factory=list)

    def posting(self, amount: Decimal) -> None:
        self.cumulative += amount
        self.postings += 1

    def total(self, row: int, amount: Decimal, signed: bool = True) -> Finding | None:
        """Check one total line (``signed`` False: the sign was not stated, either sign agrees)."""
        self.checked += 1
        if self.postings == 0:
            self._leading.append((row, amount, signed))
            return None
        found = self._agrees(self.cumulative, amount, signed)
        self._marks.setdefault(_krone(self.cumulative), set()).add(self.cumulative)
        block = self.cumulative - self._last_mark
        self._last_mark = self.cumulative
        if found:
            self.agreed += 1
            return None
        return self._mismatch(row, amount, block, signed)

    def finish(self) -> list[Finding]:
        """Findings for leading total lines, then the agreement note (info) for the file."""
        out: list[Finding] = []
        for row, amount, signed in self._leading:
            if self.postings and (abs(self.cumulative - amount) <= ROUNDING or (not signed and abs(self.cumulative + amount) <= ROUNDING)):
                self.agreed += 1
            elif self.postings:
                out.append(self._mismatch(row, amount, self.cumulative, signed))
            else:
                self.checked -= 1  # no posting at all: nothing to check it against (SIU034 says why)
        if self.agreed:
            out.append(TOTALS_AGREE.make(location=Location(file=self.file, sheet=self.sheet), count=self.agreed, file=mask_cpr(self.file)))
        return out

    def _agrees(self, cumulative: Decimal, amount: Decimal, signed: bool) -> bool:
        for target in (amount,) if signed else (amount, -amount):
            want = cumulative - target  # the cumulative sum where the block would have started
            base = _krone(want)
            for key in range(base - 1, base + 2):  # ROUNDING is one krone: three buckets hold every candidate
                if any(abs(mark - want) <= ROUNDING for mark in self._marks.get(key, ())):
                    return True
        return False

    def marks(self) -> list[Decimal]:
        """The distinct cumulative sums at the start and at the total lines (for tests)."""
        return sorted(m for bucket in self._marks.values() for m in bucket)

    def _mismatch(self, row: int, amount: Decimal, block: Decimal, signed: bool) -> Finding:
        shown = amount if signed or (amount >= 0) == (block >= 0) else -amount
        return TOTAL_MISMATCH.make(
            location=Location(file=self.file, sheet=self.sheet, row=row, column=self.column),
            field="amount",
            total=kr(shown),
            read=kr(block),
            diff=kr(shown - block),
            row=row,
            cumulative=kr(self.cumulative),
        )
