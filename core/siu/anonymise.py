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


def is_anonymous(record: Record, posting: Posting, context: Context) -> bool:
    """True when the line must be reported with a fictitious CPR (before the § 109 check)."""
    settings = context.settings.anonymisation
    if posting.anonymous:
        return True
    real = cpr.normalise(record.cpr_raw)
    if real and real in _placeholders(context):
        return True
    return settings.anonymise_all_109 and context.spec.anonymous_allowed(record.paragraph)


def _placeholders(context: Context) -> frozenset[str]:
    cached = context.state.get("siu.anonymise.placeholders")
    if cached is None:
        values = (cpr.normalise(p) or p for p in context.settings.anonymisation.placeholders)
        cached = context.state["siu.anonymise.placeholders"] = frozenset(values)
    return cached


@hookimpl(trylast=True)
def anonymise(record: Record, posting: Posting, context: Context) -> str | Finding | None:
    if not is_anonymous(record, posting, context):
        return None
    spec = context.spec
    if not spec.anonymous_allowed(record.paragraph):
        if posting.anonymous:
            return ANONYMOUS_OUTSIDE_109.make(location=posting.location, field="anonymous", paragraph=record.paragraph or "?")
        return None
    c = spec.manifest.cpr
    real = cpr.normalise(record.cpr_raw)
    is_placeholder = real is not None and real in _placeholders(context)
    if real and cpr.is_fictitious(real, c.female_suffix, c.male_suffix, c.no_birth_date):
        return real  # already DST's form
    birth = posting.birth_date
    sex = posting.sex
    if real and not is_placeholder:
        birth = birth or cpr.birth_date(real)
        sex = sex or cpr.sex(real)
    if sex not in ("F", "M"):
        return UNKNOWN_SEX.make(location=posting.location.at_column(posting.column("sex")), field="sex")
    return cpr.fictitious(birth, sex, c.female_suffix, c.male_suffix, c.no_birth_date)
