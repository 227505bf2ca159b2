"""Finding codes of the check stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

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

define(
    "SIU401",
    "error",
    ("Dublet", "Duplicate line"),
    (
        "Linjen er en nøjagtig dublet ({count} ens {count|linje|linjer} i alt; første forekomst {first_da})",
        "The line is an exact duplicate ({count} identical {count|line|lines}; first occurrence {first_en})",
    ),
    (
        "To linjer med samme PsrID, kontostreng, paragraf, beløb, start- og slutdato er næsten altid den samme "
        "postering læst to gange (fx samme fil to gange, eller overlappende udtræk). Den første forekomst "
        "meldes ikke; hver af de følgende gør. Ens anonymiserede § 109-linjer er kun en advarsel (SIU406).",
        "Two lines with the same PsrID, account, paragraph, amount, start and end date are almost always one "
        "posting read twice (e.g. the same file twice, or overlapping extracts). The first occurrence is not "
        "reported; each following one is. Identical anonymised § 109 lines are only a warning (SIU406).",
    ),
    group="delivery",
)

define(
    "SIU402",
    "warning",
    ("Indtægt uden udgift", "Revenue without expenditure"),
    (
        "Borgeren {value} har indtægter ({revenue} kr.) under {paragraph}, men ingen udgifter",
        "The citizen {value} has revenue ({revenue} DKK) under {paragraph} but no expenditure",
    ),
    (
        "En indtægt (fx betaling fra en anden kommune) uden nogen udgift for samme borger og paragraf tyder på, "
        "at udgiften mangler i udtrækket eller er konteret på en anden paragraf. Fundet peger på borgerens "
        "første indtægtslinje.",
        "Revenue (e.g. payment from another municipality) with no expenditure for the same citizen and paragraph "
        "suggests the expenditure is missing from the extract or booked under another paragraph. The finding "
        "points at the citizen's first revenue line.",
    ),
    group="delivery",
)

define(
    "SIU403",
    "error",
    ("Flere kommuner i én leverance", "Several municipalities in one delivery"),
    (
        "Input nævner kommunekoden {other} på {count} {count|linje|linjer}; leverancen er for kommune {kommune}",
        "The inputs name the municipality code {other} on {count} {count|line|lines}; the delivery is for "
        "municipality {kommune}",
    ),
    (
        "Hver leverance dækker én kommune og ét regnskabsår. Kommunen er den, der er angivet med --kommune "
        "eller i siu.toml; kilder, der selv oplyser en kommunekode for hver postering (dimensionen `kommune`), "
        "kontrolleres mod den. Fundet peger på den første linje med den fremmede kode. Kør siu én gang pr. kommune.",
        "Every delivery covers one municipality and one reporting year. The municipality is the one given with "
        "--kommune or in siu.toml; sources that state a municipality code per posting (the `kommune` dimension) "
        "are checked against it. The finding points at the first line with the foreign code. Run siu once per "
        "municipality.",
    ),
    group="delivery",
)

SEVERAL_YEARS_SPREAD = define(
    "SIU405",
    "warning",
    ("Perioder samlet i et andet år", "Periods concentrated in another year"),
    (
        "{count} af {total} {total|linje|linjer} har en periode helt i {other}, ikke i regnskabsåret {year}",
        "{count} of {total} {total|line|lines} {count|has|have} a period wholly in {other}, not in the reporting "
        "year {year}",
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

define(
    "SIU404",
    "error",
    ("Flere regnskabsår i én leverance", "Several reporting years in one delivery"),
    (
        "Kilden angiver regnskabsåret {other} på {count} {count|linje|linjer}; leverancen er for {year}",
        "The source states the reporting year {other} on {count} {count|line|lines}; the delivery is for {year}",
    ),
    (
        "Hver leverance dækker ét regnskabsår. Kilder, der oplyser regnskabsåret for hver postering "
        "(dimensionen `year`), kontrolleres mod leverancens år. For kilder uden det ses på perioderne: se SIU405.",
        "Every delivery covers one reporting year. Sources that state the reporting year per posting (the `year` "
        "dimension) are checked against the delivery's year. For sources without it the periods are examined: "
        "see SIU405.",
    ),
    group="delivery",
)

ABOVE_CEILING = define(
    "SIU421",
    "error",
    ("Årsudgift over loftet", "Annualised expenditure above the ceiling"),
    (
        "Årsudgiften for borgeren {value} under {paragraph} er {annual} kr., over loftet på {ceiling} kr.",
        "The annualised expenditure for the citizen {value} under {paragraph} is {annual} DKK, above the ceiling of "
        "{ceiling} DKK",
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

define(
    "SIU420",
    "warning",
    ("Ekstrem årsudgift", "Extreme annualised expenditure"),
    (
        "Årsudgiften for borgeren {value} under {paragraph} er {annual} kr., uden for det normale interval "
        "{low}–{high} kr.",
        "The annualised expenditure for the citizen {value} under {paragraph} is {annual} DKK, outside the usual "
        "range {low}–{high} DKK",
    ),
    (
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
    group="delivery",
)

# --- check/dst.py ------------------------------------------------------------------------------

define(
    "SIU444",
    "info",
    ("Paragraf ud fra en foreløbig kontoplanrække", "Paragraph from a provisional chart row"),
    (
        "{count} {count|linje|linjer} har {paragraph} på {function} gruppering {grouping}; at {function} fordeles på "
        "{paragraphs} "
        "efter gruppering er foreløbigt (siu's antagelse, ikke DST's)",
        "{count} {count|line has|lines have} {paragraph} on {function} grouping {grouping}; that {function} is split "
        "between {paragraphs} by grouping is provisional (siu's assumption, not DST's)",
    ),
    (
        "Nogle funktioner i kontoplanen dækker flere paragraffer (fx §§ 109 og 110 på 5.38.42), og "
        "specifikationspakkens chart.csv fordeler dem efter gruppering. Er den række markeret som foreløbig, "
        "hviler paragraffen på siu's antagelse. Tjek fordelingen mod DST's kravspecifikation, og angiv "
        "`paragraph` i tilknytningsfilen, når kommunens grupperinger er andre.",
        "Some functions of the chart of accounts hold several paragraphs (e.g. §§ 109 and 110 on 5.38.42), and "
        "the spec pack's chart.csv splits them by grouping. Where that row is marked provisional, the paragraph "
        "rests on siu's assumption. Check the split against DST's specification, and give `paragraph` in the "
        "mapping file where the municipality's groupings differ.",
    ),
    group="delivery",
)

# --- check/history.py --------------------------------------------------------------------------

DROP = define(
    "SIU431",
    "warning",
    ("Meget mindre end sidste leverance", "Much less than the last delivery"),
    (
        "{what_da} falder fra {old} til {new} ({share} mindre) i forhold til leverancen af {when} ({file}); denne "
        "fulde leverance erstatter den",
        "{what_en} drop from {old} to {new} ({share} less) against the delivery of {when} ({file}); this full load "
        "replaces it",
    ),
    (
        "Hver leverance er en fuld leverance: den erstatter alt, der er leveret for året og området. siu sammenligner "
        "med den sidste leverance af samme kommune, år og område i arkivet (`siu history`) og advarer, når udgifterne, "
        "antallet af borgere eller antallet af dækkede måneder falder med mere end `[delivery] drop_share` (standard "
        "20 %). Det er ofte et ufuldstændigt udtræk. Se forskellen med `siu diff` før du sender. Slå sammenligningen "
        "fra med `[delivery] compare = false`.",
        "Every delivery is a full load: it replaces everything delivered for the year and area. siu compares with the "
        "last delivery of the same municipality, year and area in the archive (`siu history`) and warns when the "
        "expenditure, the number of citizens or the number of months covered drops by more than `[delivery] "
        "drop_share` (default 20 %). That is often an incomplete extract. See the difference with `siu diff` before "
        "sending. Switch the comparison off with `[delivery] compare = false`.",
    ),
    group="delivery",
)

define(
    "SIU430",
    "warning",
    ("Leverancen dækker ikke hele året", "The delivery does not cover the year"),
    (
        "Perioderne dækker kun {covered} af årets 12 måneder i {year}; der er ingen linjer for {missing_da}. "
        "Leverancen har {lines} {lines|linje|linjer} og {expenditure} kr. i udgifter; som fuld leverance erstatter "
        "den hele året hos DST",
        "The periods cover only {covered} of the 12 months of {year}; there are no lines for {missing_en}. "
        "The delivery has {lines} {lines|line|lines} and {expenditure} DKK of expenditure; as a full load it "
        "replaces the whole year at DST",
    ),
    (
        "En leverance er en fuld leverance for året: et udtræk for januar–juni, sendt som årets leverance, sletter "
        "resten af året hos DST. siu tæller de måneder i regnskabsåret, som linjernes perioder dækker. Perioder "
        "længere end 93 dage (fx en årlig forsikring) tæller kun, når der ingen kortere er. Mangler der måneder, "
        "vises de med antal linjer og udgifter. Tjek at udtrækket er for hele året.",
        "A delivery is a full load for the year: a January–June extract sent as the year's delivery deletes the rest "
        "of the year at DST. siu counts the months of the reporting year that the lines' periods cover. Periods "
        "longer than 93 days (e.g. a yearly insurance) count only when there are no shorter ones. When months are "
        "missing they are shown with the number of lines and the expenditure. Check that the extract covers the year.",
    ),
    group="delivery",
)

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

# --- check/reconcile.py ------------------------------------------------------------------------

RECONCILED = define(
    "SIU500",
    "info",
    ("Afstemt med regnskabet", "Reconciled with the accounts"),
    (
        "Afstemt med {file}: {functions} {functions|funktion|funktioner} sammenlignet, {differences} "
        "{differences|afvigelse|afvigelser} over {tolerance} kr.; "
        "{ignored} {ignored|række|rækker} uden for SIU ignoreret",
        "Reconciled with {file}: {functions} {functions|function|functions} compared, {differences} "
        "{differences|difference|differences} above {tolerance} DKK; {ignored} {ignored|row|rows} outside SIU ignored",
    ),
    (
        "Vises, når --accounts er givet, så det fremgår af rapporten, at afstemningen er foretaget og mod hvilken fil. "
        "Rækker for funktioner eller dranst uden for årets SIU-kontoplan og interne arter (9) indgår ikke.",
        "Shown when --accounts is given, so the report states that the reconciliation was made and against which "
        "file. Rows for functions or dranst outside the year's SIU chart and internal arts (9) are left out.",
    ),
    group="reconciliation",
)

ACCOUNTS_UNREADABLE = define(
    "SIU502",
    "error",
    ("Regnskabsfilen kan ikke læses", "Accounts file unreadable"),
    ("{detail_da}", "{detail_en}"),
    (
        "Filen givet med --accounts skal være en saldobalance som CSV eller xlsx med kolonnerne Funktion "
        "(funktion eller hele kontostrengen), Art (kan udelades, når funktionskolonnen rummer hele "
        "kontostrenge), Beløb eller Debet/Kredit (indtægter negative) og evt. Dranst. Mangler en kolonne, "
        "afstemningen kræver, eller kan ingen række læses, nævner fundet kolonnen eller årsagen; afstemningen "
        "er da ikke foretaget, og leverancen skrives ikke.",
        "The file given with --accounts must be a trial balance as CSV or xlsx with the columns Funktion (the "
        "function or the whole account string), Art (may be left out when the function column holds whole "
        "account strings), Beløb or Debet/Kredit (revenue negative) and optionally Dranst. When a column the "
        "reconciliation needs is missing, or no row can be read, the finding names the column or the reason; "
        "no reconciliation was made then, and no delivery is written.",
    ),
    group="reconciliation",
)

ACCOUNTS_ROW_UNREADABLE = define(
    "SIU503",
    "warning",
    ("Række i regnskabsfilen kan ikke læses", "Row in the accounts file unreadable"),
    ("Rækken indgår ikke i afstemningen: {reason}", "The row is left out of the reconciliation: {reason}"),
    (
        "En række i regnskabsfilen har en funktion, art eller et beløb, der ikke kan læses. Rækken indgår ikke i "
        "afstemningen, så afvigelserne for dens funktion kan være misvisende. Sumlinjer og overskrifter (uden "
        "cifre i funktionskolonnen) springes over uden fund.",
        "A row of the accounts file has a function, art or amount that cannot be read. The row is left out of the "
        "reconciliation, so the differences for its function may mislead. Subtotal and heading rows (no digits "
        "in the function column) are skipped without a finding.",
    ),
    group="reconciliation",
)

define(
    "SIU501",
    "warning",
    ("Afvigelse fra regnskabet", "Difference from the accounts"),
    (
        "Funktion {function}, {kind_da}: leverancen har {delivered} kr., regnskabet {booked} kr. (forskel "
        "{difference} kr.)",
        "Function {function}, {kind_en}: the delivery has {delivered} DKK, the accounts {booked} DKK (difference "
        "{difference} DKK)",
    ),
    (
        "Med `--accounts FIL` sammenlignes leverancens udgifter og indtægter pr. funktion med kommunens "
        "regnskab (en saldobalance som CSV eller xlsx med kolonnerne Funktion, evt. Dranst, Art og Beløb eller "
        "Debet/Kredit, indtægter negative). Hver forskel større end tolerancen (`--tolerance`, "
        "`[validation] tolerance`, standard 1 kr.) er et fund. Forskelle kan være rigtige, fx lønudgifter, der "
        "ikke hører til en borger, men de skal kunne forklares, før DST godkender tallene.",
        "With `--accounts FILE` the delivery's expenditure and revenue per function are compared with the "
        "municipality's accounts (a trial balance as CSV or xlsx with the columns Funktion, optionally Dranst, Art "
        "and Beløb or Debet/Kredit, revenue negative). Every difference larger than the tolerance (`--tolerance`, "
        "`[validation] tolerance`, default 1 DKK) is a finding. Differences can be right, e.g. wages not tied to "
        "a citizen, but they must be explained before DST approves the figures.",
    ),
    group="delivery",
)

# --- rules.py ----------------------------------------------------------------------------------

RECORD_RULE_FAILED = define(
    "SIU190",
    "error",
    ("En linjeregel fejlede", "A record rule failed"),
    (
        "Reglen {rule} ({code}) fejlede ved denne linje og er slået fra resten af kørslen: {error}",
        "The rule {rule} ({code}) failed on this line and is switched off for the rest of the run: {error}",
    ),
    (
        "En valideringsregel (typisk fra et plugin) rejste en uventet fejl. Reglen er ikke kørt på de "
        "følgende linjer, så valideringen er ufuldstændig, og leverancen skrives ikke. Meld fejlen til "
        "regelens udvikler (se `siu plugins`), eller slå pluginnet fra med SIU_DISABLE_PLUGINS.",
        "A validation rule (usually from a plugin) raised an unexpected error. The rule did not run on the "
        "following lines, so validation is incomplete and no delivery is written. Report it to the rule's "
        "developer (see `siu plugins`), or switch the plugin off with SIU_DISABLE_PLUGINS.",
    ),
    group="record",
)

DELIVERY_RULE_FAILED = define(
    "SIU490",
    "error",
    ("En leveranceregel fejlede", "A delivery rule failed"),
    (
        "Reglen {rule} ({code}) fejlede og er ikke gennemført: {error}",
        "The rule {rule} ({code}) failed and did not complete: {error}",
    ),
    (
        "En regel for hele leverancen (typisk fra et plugin) rejste en uventet fejl, så valideringen er "
        "ufuldstændig, og leverancen skrives ikke. Meld fejlen til regelens udvikler.",
        "A rule for the whole delivery (usually from a plugin) raised an unexpected error, so validation is "
        "incomplete and no delivery is written. Report it to the rule's developer.",
    ),
    group="delivery",
)

UNKNOWN_OVERRIDE = define(
    "SIU191",
    "warning",
    ("Ukendt kode i [severity]", "Unknown code in [severity]"),
    (
        "siu.toml ændrer alvoren for {value}, men den kode findes ikke; ændringen har ingen virkning",
        "siu.toml changes the severity of {value}, but no such code exists; the change has no effect",
    ),
    (
        'Afsnittet `[severity]` i siu.toml ændrer alvoren for fundkoder (fx `SIU130 = "error"`). En kode, '
        "som hverken siu eller et indlæst plugin kender, er næsten altid en stavefejl. Se `siu explain KODE` "
        "og docs/rules.md.",
        'The `[severity]` section of siu.toml changes the severity of finding codes (e.g. `SIU130 = "error"`). '
        "A code neither siu nor a loaded plugin knows is almost always a typo. See `siu explain CODE` and "
        "docs/rules.md.",
    ),
    group="record",
)

LOCKED_OVERRIDE = define(
    "SIU192",
    "warning",
    ("Alvoren kan ikke sænkes", "Severity cannot be lowered"),
    (
        "siu.toml sænker alvoren for {value} til {severity}, men fejl ved læsning og skrivning kan ikke sænkes; "
        "ændringen har ingen virkning",
        "siu.toml lowers the severity of {value} to {severity}, but errors in reading and writing cannot be lowered; "
        "the change has no effect",
    ),
    (
        "Fejl ved læsning af input (fx en række, der ikke kan læses) og ved skrivning af leverancen (fx XSD-fejl) "
        "betyder, at rækker ville gå tabt eller en ugyldig fil blive gemt. De kan derfor ikke gøres til advarsler "
        "i `[severity]`; ret årsagen i stedet.",
        "Errors in reading the input (e.g. a row that cannot be read) and in writing the delivery (e.g. an XSD "
        "error) mean rows would be lost or an invalid file kept. They cannot be made warnings in `[severity]`; "
        "fix the cause instead.",
    ),
    group="record",
)
