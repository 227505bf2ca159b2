"""Finding codes of the check stage: placeholders passing as facts (check/plausible.py).

Part of siu's one catalogue; see :mod:`siu.catalogue`.
"""

from __future__ import annotations

from siu.catalogue._code import define

# --- check/plausible.py ------------------------------------------------------------------------

define(
    "SIU115",
    "error",
    ("Åben dato i stedet for en periode", "Open-ended date instead of a period"),
    (
        "{field_da} {date} er en markering for 'ingen dato', ikke den sidste (første) dag, udgiften dækker",
        "{field_en} {date} is a marker for 'no date', not the last (first) day the expenditure covers",
    ),
    (
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
    group="record",
)

define(
    "SIU116",
    "error",
    ("Periode for lang til én udgift", "Period too long for one expenditure"),
    (
        "Perioden {start}–{end} er {months} {months|måned|måneder}; én udgift dækker højst {max} {max|måned|måneder}",
        "The period {start}–{end} is {months} {months|month|months}; one expenditure covers at most {max} "
        "{max|month|months}",
    ),
    (
        "En linje er én udgift (fx én regning), og dens periode er den, udgiften dækker. En periode på flere år "
        "(fx 01.03.2019–31.01.2025) er næsten altid opholdets samlede periode eller en sagsperiode, ikke "
        "udgiftens, og DST's årsudgift pr. borger bliver forkert. Grænsen er specifikationspakkens "
        "`dates.max_period_months` (13 måneder: en årlig udgift over et årsskifte er 12). Ret perioden i "
        'kilden; er en lang periode rigtig, kan fundet gøres til en advarsel med `[severity] SIU116 = "warning"`.',
        "A line is one expenditure (e.g. one invoice) and its period is the one the expenditure covers. A period "
        "of several years (e.g. 2019-03-01..2025-01-31) is almost always the stay's whole period or a case period, "
        "not the expenditure's, and DST's annualised expenditure per citizen comes out wrong. The bound is the spec "
        "pack's `dates.max_period_months` (13 months: a yearly expenditure across New Year is 12). Fix the period in "
        'the source; when a long period is right, make the finding a warning with `[severity] SIU116 = "warning"`.',
    ),
    group="record",
)

define(
    "SIU117",
    "warning",
    ("Periode rækker langt uden for regnskabsåret", "Period reaches far outside the reporting year"),
    (
        "Perioden {start}–{end} berører regnskabsåret {year}, men rækker mere end {years} år ud over det",
        "The period {start}–{end} touches the reporting year {year} but reaches more than {years} {years|year|years} "
        "beyond it",
    ),
    (
        "SIU113 og SIU114 ser på perioder, der ligger helt uden for regnskabsåret. En periode, der berører året, "
        "men begynder eller slutter mere end specifikationspakkens `dates.max_years_outside` år uden for det, er "
        "også mistænkelig: tjek at datoerne er udgiftsperioden. Perioder, der er for lange til én udgift "
        "(SIU116), eller som har en åben dato (SIU115), meldes kun der.",
        "SIU113 and SIU114 look at periods lying wholly outside the reporting year. A period that touches the year "
        "but starts or ends more than the spec pack's `dates.max_years_outside` years outside it is suspicious too: "
        "check that the dates are the expenditure period. Periods too long for one expenditure (SIU116) or with an "
        "open-ended date (SIU115) are reported there only.",
    ),
    group="record",
)

define(
    "SIU106",
    "error",
    ("Sandsynligvis et pladsholder-CPR-nummer", "Probably a placeholder CPR number"),
    (
        "CPR-nummeret {value} er sandsynligvis en pladsholder: {reason_da}",
        "The CPR number {value} is probably a placeholder: {reason_en}",
    ),
    (
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
    group="record",
)

define(
    "SIU407",
    "error",
    ("CPR-nummer på mange samtidige § 109-ophold", "CPR number on many simultaneous § 109 stays"),
    (
        "CPR-nummeret {value} står på {depth} forskellige § 109-perioder, der dækker samme dag ({day}); det er "
        "sandsynligvis en "
        "fælles pladsholder for anonyme ophold, ikke én borger ({count} {count|linje|linjer} i alt, første {first_da})",
        "The CPR number {value} is on {depth} different § 109 periods covering the same day ({day}); it is probably a "
        "shared placeholder for anonymous stays, not one citizen ({count} {count|line|lines} in all, first {first_en})",
    ),
    (
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
        "same period (e.g. rent and board for one month) are one stay. Anonymised lines and revenue do not count. At "
        "most 256 periods per citizen are kept at a time (those ending last), so memory is "
        "bounded.",
    ),
    group="delivery",
)
