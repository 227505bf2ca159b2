"""Finding codes of the accounts stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import define

# --- accounts/channels.py ----------------------------------------------------------------------

FORMAT_FROM_CHANNEL = define(
    "SIU440",
    "info",
    ("Format valgt efter kildens kanal", "Format chosen by the source's channel"),
    (
        "Leverancen skrives som {format} ({channel}), fordi kilden '{source}' indberettes sådan: {why}",
        "The delivery is written as {format} ({channel}) because the source '{source}' reports that way: {why}",
    ),
    (
        "Specifikationspakken siger i `[source_channels]`, hvilke indberetningskanaler et kildesystem kan bruge. "
        "Uden --format vælger siu den første kanal, alle kilderne kan bruge, og dens format. Fx har SAP ingen "
        "system til system-løsning, så SAP-udtræk skrives som IDEP-Excel-skabelonen. Angiv --format for at "
        "vælge selv.",
        "The spec pack's `[source_channels]` says which reporting channels a source system can use. Without "
        "--format siu picks the first channel every source can use, and its format. SAP, for one, has no "
        "system-to-system solution, so SAP exports are written as the IDEP Excel template. Give --format to "
        "choose yourself.",
    ),
    group="output",
)

FORMAT_NOT_FOR_SOURCE = define(
    "SIU441",
    "warning",
    ("Formatet passer ikke til kildens kanal", "Format does not fit the source's channel"),
    (
        "Formatet {format} hører til kanalen {channel}, som kilden '{source}' ikke kan indberette gennem: {why}",
        "The format {format} belongs to the channel {channel}, which the source '{source}' cannot report through: "
        "{why}",
    ),
    (
        "Filen skrives, men DST kan ikke modtage den ad den kanal fra dette kildesystem. Fx har SAP ingen "
        "system til system-løsning (DST's svar til kommunerne), så en XML-fil fra et SAP-udtræk kan ikke "
        "leveres over FTP; brug --format xlsx og upload på IDEP.web. Er SAP en del af KMD Opus, så læs "
        "udtrækket med --source opus.",
        "The file is written, but DST cannot receive it through that channel from this source system. SAP, for "
        "one, has no system-to-system solution (DST's answers to municipalities), so an XML file from a SAP "
        "export cannot be delivered over FTP; use --format xlsx and upload it on IDEP.web. Where SAP is part of "
        "KMD Opus, read the export with --source opus.",
    ),
    group="output",
)

# --- accounts/paying.py ------------------------------------------------------------------------

define(
    "SIU446",
    "info",
    ("Betalinger til og fra andre kommuner", "Payments to and from other municipalities"),
    (
        "Art {art} ({art_text}), modpart {counterpart}: {lines} {lines|linje|linjer}, {citizens} "
        "{citizens|borger|borgere}, {amount} kr. {meaning}",
        "Art {art} ({art_text_en}), counterpart {counterpart_en}: {lines} {lines|line|lines}, {citizens} "
        "{citizens|citizen|citizens}, {amount} DKK. {meaning_en}",
    ),
    (
        "DST opgør statistikken efter betalingskommune. Art 4.7 er betalinger til andre kommuner: kommunen "
        "betaler som betalingskommune for en borger, en anden kommune (handlekommunen) har sat i gang; udgiften "
        "er kommunens egen. Art 7.7 er betalinger fra andre kommuner: en anden kommune refunderer som "
        "betalingskommune; udgiften er dens, og indtægten modregnes kommunens udgift til de samme borgere. "
        "Fundet opsummerer linjerne pr. modpart (kolonnen Modpart, Handlekommune, Betalingskommune ...), så "
        "det kan afstemmes med den anden kommune.",
        "DST compiles the statistic by paying municipality. Art 4.7 is payments to other municipalities: the "
        "municipality pays as paying municipality for a citizen another municipality (the acting municipality) "
        "arranged for; the expenditure is its own. Art 7.7 is payments from other municipalities: another "
        "municipality reimburses as paying municipality; the expenditure is theirs, and the revenue offsets the "
        "municipality's expenditure on the same citizens. The finding sums the lines up per counterpart (the "
        "column Modpart, Handlekommune, Betalingskommune ...) so they can be reconciled with the other "
        "municipality.",
    ),
    group="delivery",
)

# --- accounts/rounding.py ----------------------------------------------------------------------

ROUNDED_TO_ZERO = define(
    "SIU442",
    "warning",
    ("Linje afrundet til nul", "Line rounded to zero"),
    (
        "Beløbet {exact} blev {delivered} efter afrunding til {unit}; borgerens sum for {paragraph} er bevaret",
        "The amount {exact} became {delivered} after rounding to {unit}; the citizen's total for {paragraph} is kept",
    ),
    (
        "Kanalen tager kun hele kroner (specifikationspakkens `[channels]`). siu afrunder, så hver borgers sum "
        "pr. paragraf stemmer til kronen; en linje under én krone kan derfor blive 0. Summér småbeløb med "
        "--aggregate, eller ret kildelinjen, hvis beløbet er forkert.",
        "The channel takes whole kroner only (the spec pack's `[channels]`). siu rounds so that each citizen's "
        "total per paragraph is right to the krone; a line under one krone may therefore become 0. Sum small "
        "amounts with --aggregate, or fix the source line if the amount is wrong.",
    ),
    group="output",
)

ROUNDING_DONE = define(
    "SIU443",
    "info",
    ("Beløb afrundet for kanalen", "Amounts rounded for the channel"),
    (
        "{changed} af {lines} beløb afrundet til {unit} for {channel}; netto {exact} → {delivered} (forskel "
        "{difference})",
        "{changed} of {lines} {lines|amount|amounts} rounded to {unit} for {channel}; net {exact} → {delivered} "
        "(difference {difference})",
    ),
    (
        "Kanalen tager beløb med færre decimaler end input (fx hele kroner på IDEP.web). siu afrunder med "
        "største rest-metoden: hver paragrafs total er den eksakte total afrundet, hver borgers sum pr. paragraf "
        "afviger under én krone fra den eksakte, og ingen linje skifter fortegn. Rapporten viser totalerne før "
        "og efter.",
        "The channel takes amounts with fewer decimals than the input (e.g. whole kroner on IDEP.web). siu "
        "rounds by the largest-remainder method: each paragraph's total is its exact total rounded, each "
        "citizen's total per paragraph is within one krone of the exact one, and no line changes sign. The "
        "report shows the totals before and after.",
    ),
    group="output",
)

# --- mapping.py --------------------------------------------------------------------------------

UNMAPPED = define(
    "SIU201",
    "error",
    ("Konto uden tilknytning", "Unmapped account"),
    (
        "Ingen regel i tilknytningsfilen dækker kontoen {dims}",
        "No rule in the mapping file covers the account {dims_en}",
    ),
    (
        "Posteringens lokale konto (PSP-element, omkostningssted, finanskonto, artskonto) kunne ikke "
        "oversættes til en autoriseret kontostreng. Tilføj en regel i tilknytningsfilen; "
        "`siu mapping init` laver et udkast med alle konti, der mangler.",
        "The posting's local account (PSP element, cost centre, G/L account, artskonto) could not be "
        "translated to an official account. Add a rule to the mapping file; `siu mapping init` "
        "drafts one listing every account that is missing.",
    ),
    group="mapping",
)

BAD_ACCOUNT = define(
    "SIU202",
    "error",
    ("Ugyldig kontostreng", "Invalid account string"),
    ("Kontostrengen '{value}' kan ikke læses: {reason_da}", "The account string '{value}' cannot be read: {reason}"),
    (
        "En kontostreng skrives fx 5.38.50.1.003.4.7 eller 53850100347. Ret værdien i kilden eller i "
        "tilknytningsfilen.",
        "An account string is written e.g. 5.38.50.1.003.4.7 or 53850100347. Fix the value in the source "
        "or the mapping file.",
    ),
    group="mapping",
)

NO_ART = define(
    "SIU203",
    "error",
    ("Art mangler", "Art missing"),
    (
        "Kontoen har ingen art: artskontoen mangler eller har ikke to cifre",
        "The account has no art: the artskonto is missing or lacks two digits",
    ),
    (
        "Arten (fx 4.0 eller 7.6) tages fra artskontoens to første cifre, medmindre tilknytningsreglen angiver `art`.",
        "The art (e.g. 4.0 or 7.6) is taken from the artskonto's first two digits unless the mapping rule gives `art`.",
    ),
    group="mapping",
)

OVERLAP = define(
    "SIU204",
    "warning",
    ("Overlappende regler i tilknytningsfilen", "Overlapping rules in the mapping file"),
    (
        "{later} kan passe på de samme posteringer som {earlier}; {earlier} vinder, fordi den står først",
        "{later_en} can match the same postings as {earlier_en}; {earlier_en} wins because it comes first",
    ),
    (
        "Den første regel, der passer, bestemmer kontoen. Når to regler kan passe på samme postering, "
        "afhænger resultatet af rækkefølgen. Gør reglerne mere præcise, eller bekræft, at rækkefølgen er "
        "den ønskede (fx en særregel før en bred regel med *). `siu mapping check` viser de posteringer, "
        "der faktisk passer på flere regler.",
        "The first rule that matches decides the account. When two rules can match the same posting, the "
        "result depends on their order. Make the rules more precise, or confirm the order is intended "
        "(e.g. a special rule before a broad rule with *). `siu mapping check` lists the postings that "
        "actually match several rules.",
    ),
    group="mapping",
)

SHADOWED = define(
    "SIU205",
    "warning",
    ("Regel bruges aldrig", "Rule never used"),
    (
        "{later} bruges aldrig: {earlier} står før og dækker alt, hvad den dækker",
        "{later_en} is never used: {earlier_en} comes first and covers everything it covers",
    ),
    (
        "En regel, som en tidligere regel dækker helt, kan aldrig vinde. Flyt den særlige regel op før "
        "den brede, eller slet den.",
        "A rule fully covered by an earlier rule can never win. Move the special rule above the broad one, "
        "or delete it.",
    ),
    group="mapping",
)

CHART_CONFLICT = define(
    "SIU206",
    "warning",
    ("Regel strider mod kontoplanen", "Rule contradicts the chart"),
    (
        "{rule} angiver {paragraph}, men kontoplanen for {year} henfører {account} til {chart}; reglens paragraf "
        "bruges",
        "{rule_en} gives {paragraph}, but the {year} chart assigns {account} to {chart}; the rule's paragraph is used",
    ),
    (
        "En regels `paragraph` går forud for årets kontoplan (chart.csv). Når de er uenige, er enten "
        "reglens paragraf eller dens funktion/gruppering oftest forkert, og paragraffen afgør fx, om en "
        "linje må anonymiseres (kun § 109). Ret reglen, eller slet `paragraph`, så kontoplanen afgør den. "
        "Kontoplanen i specifikationspakken er foreløbig; meld fejl i den.",
        "A rule's `paragraph` takes precedence over the year's chart (chart.csv). When they disagree, "
        "either the rule's paragraph or its function/grouping is usually wrong, and the paragraph decides "
        "e.g. whether a line may be anonymised (§ 109 only). Fix the rule, or drop `paragraph` so the chart "
        "decides. The spec pack's chart is provisional; report errors in it.",
    ),
    group="mapping",
)

NO_MAPPING_FILE = define(
    "SIU207",
    "warning",
    ("Ingen tilknytningsfil", "No mapping file"),
    (
        "{count} {count|linje|linjer} har ingen kontostreng, og der er ikke angivet en tilknytningsfil",
        "{count} {count|line has|lines have} no account string, and no mapping file was given",
    ),
    (
        "Udtræk fra Opus og SAP har kommunens egne konti, som en tilknytningsfil oversætter til "
        'autoriserede kontostrenge. Angiv den med `mapping = "mapping.toml"` i siu.toml eller med '
        "`--mapping`; `siu mapping init` laver et udkast ud fra udtrækket.",
        "Opus and SAP exports carry the municipality's own accounts, which a mapping file translates to "
        'official account strings. Give it with `mapping = "mapping.toml"` in siu.toml or with '
        "`--mapping`; `siu mapping init` drafts one from the export.",
    ),
    group="mapping",
)
