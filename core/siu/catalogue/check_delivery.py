"""Finding codes of the check stage: siu's delivery rules (SIU4xx): check/builtin.py, check/dst.py, check/history.py.

Part of siu's one catalogue; see :mod:`siu.catalogue`.
"""

from __future__ import annotations

from siu.catalogue._code import define

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
