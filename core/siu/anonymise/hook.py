"""§ 109 anonymisation: anonymous crisis-shelter stays get DST's fictitious CPR in PsrID.

A line is anonymous when the source flags it, when its CPR is one of the municipality's
placeholder numbers (``[anonymisation] placeholders``), or when ``anonymise_all_109 = true``.
Its PsrID becomes the birth date (DDMMYY) + 9998 for a woman / 9999 for a man, taken from the
real CPR or from the source's birth date and sex columns; without a birth date ``123456``
stands for the date. The suffixes come from the spec pack. Never outside § 109; an unknown
sex is a finding, never a guess.
"""

from __future__ import annotations

from siu.base import cpr
from siu.catalogue.anonymise import ANONYMOUS_OUTSIDE_109, PLACEHOLDER_OUTSIDE_109, UNKNOWN_SEX
from siu.context import Context
from siu.hookspecs import hookimpl
from siu.models import Finding, Posting, Record


def placeholders(context: Context) -> frozenset[str]:
    """The configured placeholders, as ten digits where they are CPR-shaped, else as written."""
    cached = context.state.get("siu.anonymise.hook.placeholders")
    if cached is None:
        values = (cpr.normalise(p) or p.strip().casefold() for p in context.settings.anonymisation.placeholders)
        cached = context.state["siu.anonymise.hook.placeholders"] = frozenset(values)
    return cached


def is_placeholder(raw: str | None, context: Context) -> bool:
    """True when the source's CPR cell holds one of the municipality's placeholder numbers."""
    if not raw:
        return False
    configured = placeholders(context)
    if not configured:
        return False
    if raw in configured:
        return True
    if len(raw) == 10 and raw.isascii() and raw.isdigit():
        return False  # already normalised and not a placeholder: skip the regex (once per line)
    return (cpr.normalise(raw) or raw.strip().casefold()) in configured


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
                location=posting.location.at_column(posting.column("cpr")),
                field="cpr",
                value=record.cpr_raw,
                paragraph=record.paragraph,
            )
        if posting.anonymous:
            return ANONYMOUS_OUTSIDE_109.make(
                location=posting.location.at_column(posting.column("anonymous")),
                field="anonymous",
                paragraph=record.paragraph,
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
