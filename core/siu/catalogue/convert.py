"""Finding codes of the convert stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import define

# --- convert/aggregate.py ----------------------------------------------------------------------

SUMMED = define(
    "SIU701",
    "info",
    ("Fakturaer summeret", "Invoices summed"),
    (
        "{postings} {postings|postering|posteringer} blev til {lines} {lines|linje|linjer} (--aggregate); {single} "
        "{single|postering|posteringer} står på egen linje "
        "(mangler CPR, kontostreng eller dato, periode hen over et årsskifte, eller anonymt § 109-ophold)",
        "{postings} {postings|posting|postings} became {lines} {lines|line|lines} (--aggregate); {single} "
        "{single|posting stands on its|postings stand on their} own line "
        "(no CPR, account string or date, a period crossing New Year, or an anonymous § 109 stay)",
    ),
    (
        "Med --aggregate summeres posteringer for samme borger, paragraf og kontostreng, hvis perioderne "
        "overlapper eller støder op til hinanden; linjen går fra første start- til sidste slutdato. Et hul i "
        "perioden holder linjerne adskilt, og udgifter og indtægter lægges aldrig sammen. Anonyme § 109-linjer "
        "summeres ikke, fordi det fiktive CPR-nummer deles af flere personer, og en postering, hvis periode går "
        "hen over et årsskifte (fx en forsikring 1/7-30/6), beholder præcis sine egne datoer. Regler og dubletkontrol "
        "kører på "
        "posteringerne før summeringen, så fund peger på rækken i kilden.",
        "With --aggregate, postings of one citizen, paragraph and account string are summed when their periods "
        "overlap or touch; the line runs from the first start to the last end date. A gap keeps lines apart, and "
        "expenditure and revenue are never netted. Anonymous § 109 lines are not summed because the fictitious "
        "CPR number is shared by several people, and a posting whose period crosses New Year (e.g. an insurance "
        "1/7-30/6) keeps exactly its own dates. Rules and the duplicate check run on the postings before "
        "summing, so findings point at the row in the source.",
    ),
)

# --- convert/pipeline.py -----------------------------------------------------------------------

SKIPPED_ROWS = define(
    "SIU010",
    "info",
    ("Rækker sprunget over", "Rows skipped"),
    (
        "{count} {count|række|rækker} i {file} blev sprunget over ({reason})",
        "{count} {count|row|rows} in {file} {count|was|were} skipped ({reason})",
    ),
    (
        "Tomme rækker, sumlinjer og overskrifter, som SAP og Opus skriver i udtræk, indgår ikke i "
        "leverancen. De tælles og vises, så ingen række forsvinder i stilhed.",
        "Blank rows, subtotal lines and repeated headers that SAP and Opus print in exports are not part of "
        "the delivery. They are counted and shown so that no row disappears silently.",
    ),
)

ADAPTER_FAILED = define(
    "SIU009",
    "error",
    ("Kilden kunne ikke læses færdig", "Input could not be read to the end"),
    (
        "Adapteren '{source}' stoppede i {file} efter {rows} {rows|række|rækker}: {error}",
        "The adapter '{source}' stopped in {file} after {rows} {rows|row|rows}: {error}",
    ),
    (
        "En adapter fejlede uventet. Rækkerne efter fejlen er ikke læst, så leverancen skrives ikke. "
        "Meld fejlen til adapterens udvikler med fejlteksten (CPR-numre er maskerede).",
        "An adapter failed unexpectedly. The rows after the failure were not read, so no delivery is written. "
        "Report it to the adapter's developer with the error text (CPR numbers are masked).",
    ),
)

WRITER_STOPPED = define(
    "SIU902",
    "error",
    ("Skriveren stoppede før tid", "Writer stopped early"),
    (
        "Formatet '{writer}' skrev ikke alle linjer; filen gemmes ikke",
        "The format '{writer}' did not write every line; the file is not kept",
    ),
    (
        "En skriver (fx et plugin-format) holdt op med at læse linjer, før leverancen var færdig. En fil, der "
        "mangler linjer, er ikke en fuld leverance, så den gemmes ikke. Meld fejlen til skriverens udvikler.",
        "A writer (e.g. a plugin's format) stopped reading lines before the delivery was complete. A file missing "
        "lines is not a full load, so it is not kept. Report it to the writer's developer.",
    ),
    group="output",
)

YEAR_MISMATCH = define(
    "SIU011",
    "warning",
    ("Data passer ikke til regnskabsåret", "Data does not match the reporting year"),
    (
        "Regnskabsåret er {year}, men de fleste perioder i data ligger i {data_year} ({share} af {total} "
        "{total|postering|posteringer}; {in_year} i {year})",
        "The reporting year is {year}, but most periods in the data lie in {data_year} ({share} of {total} "
        "{total|posting|postings}; {in_year} in {year})",
    ),
    (
        "Året tages fra --year, siu.toml eller data og vælger årets specifikationspakke. Hver periode tælles "
        "for det år, den mest ligger i (dens midterste dag). Når det angivne år ikke er det år, data handler "
        "om, er det ofte et forkert udtræk eller en forkert indstilling.",
        "The year comes from --year, siu.toml or the data and chooses the year's spec pack. Each period counts "
        "for the year it mostly lies in (its middle day). When the year given is not the year the data is "
        "about, the extract or the setting is usually wrong.",
    ),
)
