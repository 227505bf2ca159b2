"""§ 109 anonymisation: anonymous crisis-shelter stays get DST's fictitious CPR in PsrID.

A line is anonymous when the source flags it, when its CPR is one of the municipality's
placeholder numbers (``[anonymisation] placeholders``), or when ``anonymise_all_109 = true``.
Its PsrID becomes the birth date (DDMMYY) + 9998 for a woman / 9999 for a man, taken from the
real CPR or from the source's birth date and sex columns; without a birth date ``123456``
stands for the date. The suffixes come from the spec pack. Never outside § 109; an unknown
sex is a finding, never a guess.
"""

from __future__ import annotations

from siu import cpr
from siu.context import Context
from siu.findings import define
from siu.hookspecs import hookimpl
from siu.models import Finding, Posting, Record

UNKNOWN_SEX = define(
    "SIU301",
    "error",
    ("Køn ukendt for anonymt ophold", "Sex unknown for an anonymous stay"),
    (
        "Linjen er et anonymt § 109-ophold, men kønnet kan ikke afgøres (intet rigtigt CPR-nummer og ingen kønskolonne)",
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
        "Linjen er markeret anonym, men hører under {paragraph}; anonymisering gælder kun § 109, så CPR-nummeret beholdes",
        "The line is flagged anonymous but belongs to {paragraph}; anonymisation applies to § 109 only, so the CPR is kept",
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
        "Linjen har et af kommunens pladsholder-CPR-numre ({value}), men hører under {paragraph}, hvor anonymisering ikke er tilladt",
        "The line has one of the municipality's placeholder CPR numbers ({value}) but belongs to {paragraph}, where anonymisation is not allowed",
    ),
    (
        "Pladsholder-numrene i `[anonymisation] placeholders` står for anonyme § 109-ophold og erstattes af DST's "
        "fiktive CPR-nummer. På andre paragraffer ville pladsholderen blive indberettet som en rigtig borger. "
        "Ret CPR-nummeret i kilden, eller ret kontoen, hvis linjen i virkeligheden er et § 109-ophold.",
        "The placeholder numbers in `[anonymisation] placeholders` stand for anonymous § 109 stays and are replaced "
        "by DST's fictitious CPR number. On other paragraphs the placeholder would be reported as a real citizen. "
        "Fix the CPR number in the source, or the account if the line really is a § 109 stay.",
    ),
    group="record",
)


def _placeholders(context: Context) -> frozenset[str]:
    """The configured placeholders, as ten digits where they are CPR-shaped, else as written."""
    cached = context.state.get("siu.anonymise.placeholders")
    if cached is None:
        values = (cpr.normalise(p) or p.strip().casefold() for p in context.settings.anonymisation.placeholders)
        cached = context.state["siu.anonymise.placeholders"] = frozenset(values)
    return cached


def is_placeholder(raw: str | None, context: Context) -> bool:
    """True when the source's CPR cell holds one of the municipality's placeholder numbers."""
    if not raw:
        return False
    placeholders = _placeholders(context)
    if not placeholders:
        return False
    if raw in placeholders:
        return True
    if len(raw) == 10 and raw.isascii() and raw.isdigit():
        return False  # already normalised and not a placeholder: skip the regex (once per line)
    return (cpr.normalise(raw) or raw.strip().casefold()) in placeholders


@hookimpl(trylast=True)
def anonymise(record: Record, posting: Posting, context: Context) -> str | Finding | None:
    placeholder = is_placeholder(record.cpr_raw, context)
    if not (posting.anonymous or placeholder or context.settings.anonymisation.anonymise_all_109):
        return None  # the common case, decided without touching the spec pack
    spec = context.spec
    if not spec.anonymous_allowed(record.paragraph):
        if record.paragraph is None:
            return None  # unmapped: the line already has an error of its own
        if placeholder:
            return PLACEHOLDER_OUTSIDE_109.make(
                location=posting.location.at_column(posting.column("cpr")), field="cpr", value=record.cpr_raw, paragraph=record.paragraph
            )
        if posting.anonymous:
            return ANONYMOUS_OUTSIDE_109.make(
                location=posting.location.at_column(posting.column("anonymous")), field="anonymous", paragraph=record.paragraph
            )
        return None
    c = spec.manifest.cpr
    real = None if placeholder else cpr.normalise(record.cpr_raw)
    if real and cpr.is_fictitious(real, c.female_suffix, c.male_suffix, c.no_birth_date):
        return real  # already DST's form
    birth, sex = posting.birth_date, posting.sex
    real_birth = cpr.birth_date(real) if real else None
    if real_birth is not None:  # a real CPR (a valid date) tells what the columns do not
        birth = birth or real_birth
        sex = sex or cpr.sex(real or "")
    if sex not in ("F", "M"):
        return UNKNOWN_SEX.make(location=posting.location.at_column(posting.column("sex")), field="sex")
    return cpr.fictitious(birth, sex, c.female_suffix, c.male_suffix, c.no_birth_date)
