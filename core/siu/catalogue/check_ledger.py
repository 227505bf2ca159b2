"""Finding codes of the check stage: rows and money (check/ledger.py).

Part of siu's one catalogue; see :mod:`siu.catalogue`.
"""

from __future__ import annotations

from siu.catalogue._code import define

# --- check/ledger.py ---------------------------------------------------------------------------

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
        'Udtræk fra SAP og Opus har ofte egne sumlinjer ("I alt", "Total", "Sum", "Saldo", `*` og `**`). '
        "siu læser dem ikke som posteringer, men sammenligner deres beløb med summen af de posteringer, der er "
        "læst siden en tidligere sumlinje eller fra filens start. Stemmer ingen af dem (med mere end 1 kr.), "
        "mangler der posteringer i det, siu har læst, eller sumlinjen dækker mere end udtrækket. Sammenlign med "
        "kildesystemet; find fx de rækker, der er sprunget over (SIU010). Beløbet i fundet er det nærmeste bud "
        "(blokken siden sidste sumlinje).",
        'SAP and Opus exports often carry their own total lines ("I alt", "Total", "Sum", "Saldo", `*` '
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
        "{count} {count|sumlinje|sumlinjer} i {file} stemmer med de læste posteringer (inden for 1 kr.)",
        "{count} {count|total line|total lines} in {file} {count|agrees|agree} with the postings read (within 1 DKK)",
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
        "{count} {count|række|rækker} i {file} med i alt {amount} kr. blev sprunget over ({reason}); beløbet kommer "
        "ikke med i leverancen",
        "{count} {count|row|rows} in {file} holding {amount} DKK in all {count|was|were} skipped ({reason}); the "
        "money is not in the delivery",
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
        "{file}: {rows} {rows|række|rækker} læst, men kun {accounted} {accounted|er en postering|er posteringer} eller "
        "sprunget over; {missing} {missing|række|rækker} er forsvundet",
        "{file}: {rows} {rows|row|rows} read, but only {accounted} {accounted|is a posting|are postings} or skipped; "
        "{missing} {missing|row|rows} disappeared",
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
        "{file} gav ingen posteringer ({rows} {rows|række|rækker} læst); en tom fuld leverance ville erstatte hele "
        "årets data hos DST",
        "{file} yielded no postings ({rows} {rows|row|rows} read); an empty full load would replace the whole year's "
        "data at DST",
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
        "Leverancen har ingen linjer ({postings} {postings|postering|posteringer} læst, {excluded} udeladt); en tom "
        "fuld leverance ville erstatte hele årets data hos DST",
        "The delivery has no lines ({postings} {postings|posting|postings} read, {excluded} excluded); an empty full "
        "load would replace the whole year's data at DST",
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
        'siu.toml angiver area = "{area}", men --split på kommandolinjen skriver én fil pr. område; --split gælder',
        'siu.toml sets area = "{area}", but --split on the command line writes one file per area; --split applies',
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
        "{count} {count|postering|posteringer} med i alt {amount} kr. er udeladt efter {rule}: {reason}",
        "{count} {count|posting|postings} holding {amount} DKK in all {count|was|were} excluded by {rule_en}: {reason}",
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
