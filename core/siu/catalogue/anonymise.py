"""Finding codes of the anonymise stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import define

# --- anonymise/hook.py -------------------------------------------------------------------------

UNKNOWN_SEX = define(
    "SIU301",
    "error",
    ("Køn ukendt for anonymt ophold", "Sex unknown for an anonymous stay"),
    (
        "Linjen er et anonymt § 109-ophold, men kønnet kan ikke afgøres (intet rigtigt CPR-nummer og ingen "
        "kønskolonne)",
        "The line is an anonymous § 109 stay, but the sex cannot be determined (no real CPR and no sex column)",
    ),
    (
        "Et fiktivt CPR-nummer ender på 9998 for kvinder og 9999 for mænd. siu gætter aldrig: tilføj en "
        "kønskolonne (K/M) i kilden eller brug borgerens rigtige CPR-nummer i kilden.",
        "A fictitious CPR ends in 9998 for women and 9999 for men. siu never guesses: add a sex column "
        "(F/M) to the source or keep the citizen's real CPR in the source.",
    ),
    group="record",
)

ANONYMOUS_OUTSIDE_109 = define(
    "SIU302",
    "warning",
    ("Anonym markering uden for § 109", "Anonymous flag outside § 109"),
    (
        "Linjen er markeret anonym, men hører under {paragraph}; anonymisering gælder kun § 109, så CPR-nummeret "
        "beholdes",
        "The line is flagged anonymous but belongs to {paragraph}; anonymisation applies to § 109 only, so the "
        "CPR is "
        "kept",
    ),
    (
        "DST tillader kun fiktive CPR-numre for anonyme ophold på krisecentre efter § 109. Andre linjer "
        "indberettes med borgerens CPR-nummer.",
        "DST allows fictitious CPR numbers only for anonymous stays at § 109 crisis shelters. Other lines are "
        "reported with the citizen's CPR number.",
    ),
    group="record",
)

PLACEHOLDER_OUTSIDE_109 = define(
    "SIU303",
    "error",
    ("Pladsholder-CPR uden for § 109", "Placeholder CPR outside § 109"),
    (
        "Linjen har et af kommunens pladsholder-CPR-numre ({value}), men hører under {paragraph}, hvor "
        "anonymisering "
        "ikke er tilladt",
        "The line has one of the municipality's placeholder CPR numbers ({value}) but belongs to {paragraph}, "
        "where "
        "anonymisation is not allowed",
    ),
    (
        "Pladsholder-numrene i `[anonymisation] placeholders` står for anonyme § 109-ophold og erstattes af DST's "
        "fiktive CPR-nummer. På andre paragraffer ville pladsholderen blive indberettet som en rigtig borger. "
        "Ret CPR-nummeret i kilden, eller ret kontoen, hvis linjen i virkeligheden er et § 109-ophold.",
        "The placeholder numbers in `[anonymisation] placeholders` stand for anonymous § 109 stays and are "
        "replaced "
        "by DST's fictitious CPR number. On other paragraphs the placeholder would be reported as a real citizen. "
        "Fix the CPR number in the source, or the account if the line really is a § 109 stay.",
    ),
    group="record",
)
