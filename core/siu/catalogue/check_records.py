"""Finding codes of the check stage: siu's record rules (SIU1xx), defined in check/builtin.py and its families.

Part of siu's one catalogue; see :mod:`siu.catalogue`.
"""

from __future__ import annotations

from siu.catalogue._code import define

# --- check/builtin.py --------------------------------------------------------------------------

define(
    "SIU101",
    "error",
    ("CPR-nummer mangler", "CPR number missing"),
    ("Linjen har intet CPR-nummer (PsrID)", "The line has no CPR number (PsrID)"),
    (
        "Hver linje skal have borgerens CPR-nummer i PsrID, eller et fiktivt CPR-nummer for anonyme § 109-ophold.",
        "Every line needs the citizen's CPR number in PsrID, or a fictitious one for anonymous § 109 stays.",
    ),
    group="record",
)

define(
    "SIU102",
    "error",
    ("CPR-nummer kan ikke læses", "CPR number unreadable"),
    (
        "'{value}' er ikke et CPR-nummer (10 cifre, DDMMÅÅ-NNNN)",
        "'{value}' is not a CPR number (10 digits, DDMMYY-NNNN)",
    ),
    (
        "Et CPR-nummer er 10 cifre, evt. med bindestreg efter de første seks. Bogstaver, for få eller for mange cifre "
        "afvises.",
        "A CPR number is 10 digits, optionally with a hyphen after the first six. Letters, too few or too many digits "
        "are rejected.",
    ),
    group="record",
)

define(
    "SIU103",
    "error",
    ("CPR-nummer med umulig dato", "CPR number with an impossible date"),
    ("CPR-nummeret {value} indeholder ikke en gyldig fødselsdato", "The CPR number {value} holds no valid birth date"),
    (
        "De første seks cifre skal være en rigtig dato (DDMMÅÅ). Undtaget er DST's fiktive § 109-numre "
        "(fødselsdato eller 123456 + 9998/9999), som kun er gyldige på § 109-linjer (se SIU104). "
        "Modulus 11 kontrolleres aldrig: siden 2007 findes gyldige numre, der ikke opfylder den.",
        "The first six digits must be a real date (DDMMYY). The exception is DST's fictitious § 109 numbers "
        "(birth date or 123456 + 9998/9999), valid only on § 109 lines (see SIU104). Modulus 11 is never checked: "
        "valid numbers failing it exist since 2007.",
    ),
    group="record",
)

define(
    "SIU104",
    "error",
    ("Fiktivt CPR-nummer uden for § 109", "Fictitious CPR number outside § 109"),
    (
        "Det fiktive CPR-nummer {value} må kun bruges på § 109-linjer, men linjen hører under {paragraph}",
        "The fictitious CPR number {value} is allowed on § 109 lines only, but the line belongs to {paragraph}",
    ),
    (
        "Fiktive CPR-numre uden fødselsdato (123456 + 9998/9999) er kun for anonyme ophold på krisecentre efter "
        "§ 109. Fiktive numre med fødselsdato kan ikke skelnes fra rigtige CPR-numre og kontrolleres derfor ikke "
        "her.",
        "Fictitious CPR numbers without a birth date (123456 + 9998/9999) are only for anonymous stays at § 109 "
        "crisis shelters. Fictitious numbers with a birth date cannot be told from real CPR numbers, so they are "
        "not checked here.",
    ),
    group="record",
)

define(
    "SIU110",
    "error",
    ("Startdato mangler", "Start date missing"),
    ("Linjen har ingen startdato for udgiftsperioden", "The line has no start date for the expenditure period"),
    (
        "Start- og slutdato er obligatoriske på alle linjer og skal beskrive den periode, udgiften dækker "
        "(udgiftsperioden), ikke aktivitetsperioden. En dato, der står i kilden men ikke kan læses, "
        "meldes som SIU020 i stedet.",
        "Start and end dates are mandatory on every line and describe the period the expenditure covers, "
        "not the period of the activity. A date present in the source but unreadable is reported as SIU020 "
        "instead.",
    ),
    group="record",
)

define(
    "SIU111",
    "error",
    ("Slutdato mangler", "End date missing"),
    ("Linjen har ingen slutdato for udgiftsperioden", "The line has no end date for the expenditure period"),
    (
        "DST kræver slutdato på alle udgifter, så datoerne afspejler udgiftsperioden. Også for løbende "
        "ophold skal slutdatoen være den sidste dag, udgiften dækker. En ulæselig dato meldes som SIU020.",
        "DST requires an end date on every expenditure so the dates describe the expenditure period. For "
        "ongoing stays too, the end date is the last day the expenditure covers. An unreadable date is "
        "reported as SIU020.",
    ),
    group="record",
)

define(
    "SIU112",
    "error",
    ("Startdato efter slutdato", "Start date after end date"),
    ("Startdatoen {start} ligger efter slutdatoen {end}", "The start date {start} is after the end date {end}"),
    (
        "Udgiftsperioden skal begynde før eller samme dag, som den slutter. Ofte er start og slut byttet om.",
        "The expenditure period must start on or before the day it ends. Often start and end are swapped.",
    ),
    group="record",
)

define(
    "SIU113",
    "warning",
    ("Periode uden for regnskabsåret", "Period outside the reporting year"),
    (
        "Perioden {start}–{end} berører ikke regnskabsåret {year}",
        "The period {start}–{end} does not touch the reporting year {year}",
    ),
    (
        "En udgift kan dække en periode, der krydser et årsskifte, men perioden bør berøre regnskabsåret. "
        "Tjek at datoerne er udgiftsperioden og ikke fx bogføringsdatoen. Ligger perioden mere end et år "
        "uden for (specifikationspakkens `dates.max_years_outside`), er det fejlen SIU114 i stedet.",
        "An expenditure may cover a period crossing a year boundary, but the period should touch the reporting "
        "year. Check that the dates are the expenditure period and not, say, the posting date. A period more than "
        "a year outside (the spec pack's `dates.max_years_outside`) is the error SIU114 instead.",
    ),
    group="record",
)

define(
    "SIU114",
    "error",
    ("Periode langt uden for regnskabsåret", "Period far outside the reporting year"),
    (
        "Perioden {start}–{end} ligger mere end et år uden for regnskabsåret {year}",
        "The period {start}–{end} lies more than a year outside the reporting year {year}",
    ),
    (
        "En periode, der ligger helt mere end et år før eller efter regnskabsåret, er næsten altid en tastefejl "
        "(fx 2052 for 2025).",
        "A period lying entirely more than a year before or after the reporting year is almost always a typo "
        "(e.g. 2052 for 2025).",
    ),
    group="record",
)

define(
    "SIU120",
    "error",
    ("Konto uden for statistikken", "Account outside the statistic"),
    (
        "Funktionen {function} (dranst {dranst}) er ikke med i SIU for {year}",
        "The function {function} (dranst {dranst}) is not part of SIU for {year}",
    ),
    (
        "Kun de funktioner og dranst, årets specifikationspakke lister (chart.csv), indgår i statistikken. Ret "
        "tilknytningen, eller udelad posteringen fra udtrækket.",
        "Only the functions and dranst the year's spec pack lists (chart.csv) are part of the statistic. Fix the "
        "mapping, or leave the posting out of the extract.",
    ),
    group="record",
)

define(
    "SIU121",
    "error",
    ("Paragraf kan ikke udledes", "No paragraph derivable"),
    (
        "Paragraffen kan ikke udledes af kontoen {value}; angiv den i tilknytningsfilen",
        "The paragraph cannot be derived from the account {value}; give it in the mapping file",
    ),
    (
        "Paragraffen findes ud fra funktion og gruppering i årets kontoplan. Hvor én funktion dækker flere "
        "paragraffer (fx §§ 109 og 110), skal tilknytningsfilen angive `paragraph`.",
        "The paragraph is derived from function and grouping in the year's chart. Where one function covers "
        "several paragraphs (e.g. §§ 109 and 110), the mapping file must give `paragraph`.",
    ),
    group="record",
)

define(
    "SIU122",
    "error",
    ("Ukendt paragraf", "Unknown paragraph"),
    (
        "Paragraffen '{value}' findes ikke i specifikationen for {year}",
        "The paragraph '{value}' is not in the specification for {year}",
    ),
    (
        "Paragraffen skal være en af dem, årets specifikationspakke lister (`siu specs show ÅR`).",
        "The paragraph must be one the year's spec pack lists (`siu specs show YEAR`).",
    ),
    group="record",
)

define(
    "SIU123",
    "error",
    ("Paragraf uden for området", "Paragraph outside the area"),
    (
        "Paragraffen {value} hører til området {area}, men leverancen er for {delivery_area}",
        "The paragraph {value} belongs to the area {area}, but the delivery is for {delivery_area}",
    ),
    (
        "En fil er en fuld leverance for sit område. Vælg `--area begge` eller `--split` for at levere begge områder.",
        "A file is a full load for its area. Use `--area begge` or `--split` to deliver both areas.",
    ),
    group="record",
)

define(
    "SIU130",
    "warning",
    ("Beløb er nul", "Zero amount"),
    ("Beløbet er 0", "The amount is 0"),
    (
        "Linjer med beløbet 0 bidrager ikke til statistikken og bør udelades.",
        "Lines with amount 0 add nothing and should be left out.",
    ),
    group="record",
)

define(
    "SIU131",
    "warning",
    ("Fortegn passer ikke til arten", "Sign does not match the art"),
    (
        "Beløbet {value} har fortegn som {sign_da}, men arten {art} er {kind_da}",
        "The amount {value} has the sign of {sign_en}, but the art {art} is {kind_en}",
    ),
    (
        "Udgifter (art 0–6) er positive og indtægter (art 7–8) negative. Når kilden angiver fortegnet "
        "(debet/kredit, et fortegn i en bogføringsliste), afsløres fejlkonteringer som en indtægt på en "
        "udgiftsart. Kilder uden eget fortegn kontrolleres ikke. Tilbageførsler kan være korrekte: tjek "
        "posteringen.",
        "Expenditure (art 0–6) is positive and revenue (art 7–8) negative. When the source states the sign "
        "(debit/credit, a sign in a ledger), mispostings such as revenue on an expenditure art show up. Sources "
        "without a sign of their own are not checked. Reversals can be correct: check the posting.",
    ),
    group="record",
)

define(
    "SIU132",
    "error",
    ("Beløb kan ikke angives i leverancens enhed", "Amount not representable in the delivery's unit"),
    (
        "Beløbet {value} har flere decimaler end specifikationen tillader ({decimals})",
        "The amount {value} has more decimals than the specification allows ({decimals})",
    ),
    (
        "Specifikationspakken fastlægger, hvor mange decimaler beløb må have (`amount.decimals`: 0 for hele "
        "kroner, 2 for øre). siu afrunder aldrig af sig selv, så pengene altid stemmer med kilden.",
        "The spec pack sets how many decimals amounts may have (`amount.decimals`: 0 for whole kroner, 2 for "
        "øre). siu never rounds by itself, so the money always agrees with the source.",
    ),
    group="record",
)

define(
    "SIU133",
    "warning",
    ("Intern postering", "Internal posting"),
    (
        "Arten {art} er en intern postering (art 9), som normalt ikke indberettes",
        "The art {art} is an internal posting (art 9), usually not reported",
    ),
    (
        "Art 9 (interne udgifter og indtægter) er omposteringer i kommunen og hører normalt ikke til en borger.",
        "Art 9 (internal expenditure and revenue) are transfers inside the municipality and usually not tied to a "
        "citizen.",
    ),
    group="record",
)
