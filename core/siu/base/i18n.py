"""One bilingual source for the texts siu shows people outside the finding catalogue (private).

Danish by default, English with ``--lang en``: every text here has both forms, and a text is
rendered in one language at a time. Counts are written with the one number formatter
(:func:`siu.parsing.group_digits`) and the noun that agrees with them (``1 række``, ``2 rækker``;
``1 row``, ``2 rows``); amounts with :func:`money` (``1.234,56``; ``1,234.56``). The finding
catalogue (:mod:`siu.catalogue`) keeps its own templates and uses :func:`apply_plurals` for the
counts they print, and :class:`Text` for parameters (such as a parse reason) that differ by language.

Reasons that :mod:`siu.parsing` gives (``ParseError.reason``, e.g. ``"not a number"``) and the
reasons adapters skip rows for (``"tomme rækker"``) are stable keys: plugins may read and raise
them, so they stay as they are and are translated here, not renamed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from siu.parsing import group_digits

LANGS = ("da", "en")


class Text(NamedTuple):
    """A text in both languages. As a finding parameter it fills the Danish template with
    ``da`` and the English one with ``en``."""

    da: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.da


# --- amounts ---------------------------------------------------------------------------------


def money(amount: Decimal | float | int, lang: str = "da", decimals: int = 2) -> str:
    """An amount of kroner as a person reads it in ``lang``: ``-1.234,56`` in Danish, ``-1,234.56``
    in English (the unit, ``kr.``/``DKK``, is the text's). The one formatter for every amount a
    report or a finding shows; the delivery and the JSON report keep their machine forms
    (``-1234.56``). The Danish form is :func:`siu.parsing.format_amount_danish`'s."""
    if amount < 0:
        return f"-{group_digits(-amount, decimals, lang)}"
    return group_digits(amount, decimals, lang)


def kroner(amount: Decimal | float | int, decimals: int = 2) -> Text:
    """An amount for a finding's message, in both languages (``Code.make`` fills each template
    with its own): ``1.234,56`` in the Danish message, ``1,234.56`` in the English."""
    return Text(money(amount, "da", decimals), money(amount, "en", decimals))


def kroner_with_unit(amount: Decimal | float | int) -> Text:
    """An amount with its unit, as each language writes it: ``1.234,56 kr.`` / ``1,234.56 DKK``."""
    return Text(f"{money(amount)} kr.", f"{money(amount, 'en')} DKK")


# --- plurals ---------------------------------------------------------------------------------

# Nouns that report lines count, per language as (singular, plural).
NOUNS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "row": (("række", "rækker"), ("row", "rows")),
    "line": (("linje", "linjer"), ("line", "lines")),
    "posting": (("postering", "posteringer"), ("posting", "postings")),
    "error": (("fejl", "fejl"), ("error", "errors")),
    "warning": (("advarsel", "advarsler"), ("warning", "warnings")),
    "citizen": (("borger", "borgere"), ("citizen", "citizens")),
    "file": (("fil", "filer"), ("file", "files")),
    "code": (("kode", "koder"), ("code", "codes")),
}


def is_one(n: Any) -> bool:
    """Whether ``n`` (a number, or a number as reports write it: ``1``, ``-1``, ``1,00``) takes
    the singular. Only exactly one does, in Danish and English alike (``0 rækker``, ``0 rows``)."""
    if isinstance(n, bool):
        return False
    if isinstance(n, int | float):
        return abs(n) == 1
    text = str(n).strip().lstrip("-+").replace("\u00a0", "")
    return text in ("1", "1,00", "1.00", "1,0", "1.0")


def plural(n: Any, one: str, many: str) -> str:
    """``one`` when ``n`` is exactly one, else ``many``."""
    return one if is_one(n) else many


def noun(n: int, noun: str, lang: str = "da") -> str:
    """The noun of :data:`NOUNS` that agrees with ``n`` (without the number): ``noun(1, "line")``
    → ``linje``; for a page that writes the number itself."""
    da, en = NOUNS[noun]
    one, many = en if lang == "en" else da
    return plural(n, one, many)


def count(n: int, noun_key: str, lang: str = "da") -> str:
    """``n`` and the noun that agrees with it, the number grouped the run's way:
    ``count(1, "row")`` → ``1 række``; ``count(1234, "row", "en")`` → ``1,234 rows``."""
    return f"{group_digits(n, 0, lang)} {noun(n, noun_key, lang)}"


# ``{name|one|many}`` in a template: the word that agrees with the parameter ``name``.
_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def apply_plurals(template: str, params: Mapping[str, Any]) -> str:
    """Replace every ``{name|one|many}`` in ``template`` by the form agreeing with
    ``params[name]`` (left as it is when the parameter is missing)."""

    def word(m: re.Match[str]) -> str:
        name, one, many = m.groups()
        if name not in params:
            return m.group(0)
        return plural(params[name], one, many)

    return _PLURAL.sub(word, template)


def as_plural(template: str) -> str:
    """``template`` with every ``{name|one|many}`` written as ``many``: how documentation shows it."""
    return _PLURAL.sub(lambda m: m.group(3), template)


def has_plurals(template: str) -> bool:
    return _PLURAL.search(template) is not None


# --- reasons from siu.parsing ----------------------------------------------------------------

# ParseError.reason (English, stable: plugins raise and read them) → Danish.
PARSE_REASONS: dict[str, str] = {
    "not a number": "ikke et tal",
    "not finite": "ikke et endeligt tal",
    "empty": "tom",
    "more than one sign": "mere end ét fortegn",
    "expected ',' or '.'": "forventede ',' eller '.'",
    "misplaced separator": "skilletegn på forkert plads",
    "misplaced thousands separator": "tusindtalsskilletegn på forkert plads",
    "expected S/H, D/K or Debet/Kredit": "forventede S/H, D/K eller Debet/Kredit",
    "not an Excel serial number": "ikke et Excel-serienummer",
    "Excel serial number out of range": "Excel-serienummer uden for det mulige",
    "Excel's 1900-02-29 does not exist": "Excels 29.02.1900 findes ikke",
    "unknown date form": "ukendt datoform",
    "no such date": "datoen findes ikke",
}

# ParseError.kind (English, stable) → Danish.
PARSE_KINDS: dict[str, str] = {
    "amount": "beløb",
    "date": "dato",
    "debit/credit indicator": "debet/kredit-markering",
    "decimal separator": "decimaltegn",
}


# Reasons that carry a number: pattern → Danish template.
_PARSE_REASON_PATTERNS = ((re.compile(r"too long \((\d+) characters\)"), "for lang ({0} tegn)"),)


def parse_reason(reason: str) -> Text:
    """A reason from :mod:`siu.parsing` in both languages. A reason siu does not know (a
    plugin's own) is shown as given in both."""
    da = PARSE_REASONS.get(reason)
    if da is None:
        for pattern, template in _PARSE_REASON_PATTERNS:
            m = pattern.fullmatch(reason)
            if m is not None:
                return Text(template.format(*m.groups()), reason)
    return Text(da if da is not None else reason, reason)


def parse_kind(kind: str) -> Text:
    """What a :class:`~siu.parsing.ParseError` expected (``amount``, ``date``) in both languages."""
    return Text(PARSE_KINDS.get(kind, kind), kind)


def parse_problem(kind: str, value: str, reason: str) -> Text:
    """A value that could not be read, in both languages: ``beløb 'abc' (ikke et tal)``."""
    k, r = parse_kind(kind), parse_reason(reason)
    return Text(f"{k.da} '{value}' ({r.da})", f"{k.en} '{value}' ({r.en})")


# --- reasons adapters skip rows for --------------------------------------------------------

# The ledger's skip reasons (Danish plural, the keys adapters count under; see
# siu.adapters.ReadInfo.skip) → (Danish singular, Danish plural, English singular, English plural).
SKIP_REASONS: dict[str, tuple[str, str, str, str]] = {
    "tomme rækker": ("tom række", "tomme rækker", "blank row", "blank rows"),
    "skillelinjer": ("skillelinje", "skillelinjer", "separator line", "separator lines"),
    "gentagne overskrifter": ("gentagen overskrift", "gentagne overskrifter", "repeated header", "repeated headers"),
    "sumlinjer": ("sumlinje", "sumlinjer", "total line", "total lines"),
    "tekstlinjer": ("tekstlinje", "tekstlinjer", "text line", "text lines"),
    "ulæselige rækker": ("ulæselig række", "ulæselige rækker", "unreadable row", "unreadable rows"),
}


def skip_reason(reason: str, n: int, lang: str = "da") -> str:
    """One skip reason agreeing with ``n`` rows (without the number): ``1 tom række``."""
    forms = SKIP_REASONS.get(reason)
    if forms is None:  # a plugin's own reason: as given
        return reason
    da_one, da_many, en_one, en_many = forms
    return plural(n, en_one, en_many) if lang == "en" else plural(n, da_one, da_many)


def skip_reasons(reason: str, n: int) -> Text:
    """One skip reason agreeing with ``n`` rows, in both languages."""
    return Text(skip_reason(reason, n, "da"), skip_reason(reason, n, "en"))


# What an adapter that skipped rows without saying why skipped.
SKIPPED_UNKNOWN = Text("tomme rækker/sumlinjer", "blank rows/total lines")


def skipped_summary(rows: Mapping[str, int]) -> Text:
    """The rows skipped per reason, in both languages: ``1 tom række, 2 sumlinjer``."""
    da = ", ".join(f"{group_digits(n, 0, 'da')} {skip_reason(r, n, 'da')}" for r, n in rows.items())
    en = ", ".join(f"{group_digits(n, 0, 'en')} {skip_reason(r, n, 'en')}" for r, n in rows.items())
    return Text(da, en)


# --- report lines ----------------------------------------------------------------------------

# key → (Danish, English); ``{name}`` fills from keyword arguments, ``{name|one|many}`` agrees.
TEXTS: dict[str, tuple[str, str]] = {
    "verdict.counts": (
        "{errors} fejl, {warnings} {warnings|advarsel|advarsler}",
        "{errors} {errors|error|errors}, {warnings} {warnings|warning|warnings}",
    ),
    "verdict.provisional": (
        "{count} {count|foreløbigt faktum|foreløbige fakta} om formatet, se siu specs show {year}",
        "{count} provisional format {count|fact|facts}, see siu specs show {year}",
    ),
    "report.read_as": ("læst som", "read as"),
    "report.read_counts": (
        "{rows} {rows|række|rækker}, {postings} {postings|postering|posteringer}, beløb {amount}",
        "{rows} {rows|row|rows}, {postings} {postings|posting|postings}, amount {amount}",
    ),
    "report.ledger": (
        "regnskab: {rows} {rows|række|rækker} = {delivered} til leverancen + {excluded} udeladt + {skipped} "
        "sprunget over · {amount} = {amount_delivered} til leverancen + {amount_excluded} udeladt + "
        "{amount_skipped} sprunget over",
        "ledger: {rows} {rows|row|rows} = {delivered} to the delivery + {excluded} excluded + {skipped} "
        "skipped · {amount} = {amount_delivered} to the delivery + {amount_excluded} excluded + "
        "{amount_skipped} skipped",
    ),
    "report.excluded": (
        "udeladt efter {rule}: {rows} {rows|postering|posteringer}, {amount} ({reason})",
        "excluded by {rule}: {rows} {rows|posting|postings}, {amount} ({reason})",
    ),
    "report.anonymised": ("Anonymiserede § 109-linjer: {count}", "Anonymised § 109 lines: {count}"),
    "report.skipped_rows": (
        "{skipped} {skipped|række|rækker} sprunget over",
        "{skipped} {skipped|row|rows} skipped",
    ),
    "report.more": (
        "… og {more} {more|mere|flere} (se --report-json eller --report-xlsx)",
        "… and {more} more (see --report-json or --report-xlsx)",
    ),
    "web.more": ("… og {more} {more|mere|flere} (se JSON-rapporten)", "… and {more} more (see the JSON report)"),
    "xlsx.more_in_json": (
        "{more} fund mere står i JSON-rapporten",
        "{more} more {more|finding is|findings are} in the JSON report",
    ),
    "xlsx.more_not_marked": (
        "{more} fund mere er ikke markeret her; se arket Fejl",
        "{more} more {more|finding is|findings are} not marked here; see the Findings sheet",
    ),
    "report.rounding": (
        "{changed} af {lines} {lines|linje|linjer} ændret, {zeroed} afrundet til nul (SIU442); hver borgers sum pr. "
        "paragraf afviger højst {most} fra den eksakte ({groups} {groups|sum|summer} pr. borger og paragraf).",
        "{changed} of {lines} {lines|line|lines} changed, {zeroed} rounded to zero (SIU442); each citizen's total per "
        "paragraph is within {most} of the exact one ({groups} citizen/paragraph {groups|total|totals}).",
    ),
    # siu mapping init / check
    "mapping.wrote": (
        "Skrev {out}: {combos} {combos|kontokombination|kontokombinationer} uden regel "
        "({postings} {postings|postering|posteringer})",
        "Wrote {out}: {combos} account {combos|combination|combinations} without a rule "
        "({postings} {postings|posting|postings})",
    ),
    "mapping.nameless": (
        "{postings} {postings|postering|posteringer} har slet ingen lokal konto (intet PSP, omk.sted, finanskonto "
        "eller artskonto)",
        "{postings} {postings|posting has|postings have} no local account at all (no PSP, cost centre, G/L account "
        "or artskonto)",
    ),
    "mapping.rules": (
        "{rules} {rules|regel|regler}, {skipped} ikke udfyldt",
        "{rules} {rules|rule|rules}, {skipped} not filled in",
    ),
    "mapping.summary": (
        "{postings} {postings|postering|posteringer}: {mapped} med konto, {unmapped} uden tilknytning, "
        "{ambiguous} tvetydige, {problems} med ugyldig konto",
        "{postings} {postings|posting|postings}: {mapped} mapped, {unmapped} unmapped, {ambiguous} ambiguous, "
        "{problems} with an invalid account",
    ),
    "mapping.excluded": (", {excluded} udeladt", ", {excluded} excluded"),
    # a plugin's status (siu.host.plugins.PluginInfo.status), as `siu plugins` shows it
    "plugin.status.loaded": ("indlæst", "loaded"),
    "plugin.status.failed": ("fejlede", "failed"),
    "plugin.status.disabled": ("slået fra", "disabled"),
    "plugin.status.refused": ("afvist", "refused"),
    # an executive order's status in a spec pack (siu.specpack.VERSION_STATUSES)
    "order.status.varslet": ("varslet", "announced"),
    "order.status.gældende": ("gældende", "in force"),
    "order.status.historisk": ("historisk", "superseded"),
}


def status(kind: str, value: str, lang: str = "da") -> str:
    """A status word (``kind`` ``plugin`` or ``order``) in ``lang``; one siu does not know as given."""
    key = f"{kind}.status.{value}"
    return text(key, lang) if key in TEXTS else value


# The notes of ReadInfo.details (the "read as" line): key → (Danish, English) label.
DETAILS: dict[str, tuple[str, str]] = {
    "format": ("format", "format"),
    "encoding": ("tegnsæt", "encoding"),
    "delimiter": ("skilletegn", "delimiter"),
    "decimal": ("decimaltegn", "decimal"),
    "header_row": ("overskriftsrække", "header_row"),
    "total_lines": ("sumlinjer", "total_lines"),
    "sheet": ("ark", "sheet"),
    "sheet_chosen": ("ark valgt", "sheet_chosen"),
    "art_from": ("art fra", "art_from"),
    "period": ("periode", "period"),
}
# Danish values adapters note → English.
DETAIL_VALUES: dict[str, str] = {
    "det første ark med kolonnerne": "the first sheet with the columns",
    "bogføringsdatoens måned": "the posting date's month",
    "måneden i teksten": "the month in the text",
}


def details_text(details: Mapping[str, Any], lang: str = "da") -> str:
    """An input's reading notes as the report shows them: ``tegnsæt=cp1252, skilletegn=;``
    (the skipped rows are shown in the ledger, not here). A plugin's own notes are shown as given."""
    parts = []
    for key, value in details.items():
        if key == "skipped":
            continue
        label = DETAILS.get(key, (key, key))[lang == "en"]
        shown = str(value)
        if lang == "en":
            chosen = shown.endswith(" (valgt)")
            shown = DETAIL_VALUES.get(shown.removesuffix(" (valgt)"), shown.removesuffix(" (valgt)"))
            shown += " (chosen)" if chosen else ""
        parts.append(f"{label}={shown}")
    return ", ".join(parts)


def text(key: str, lang: str = "da", **params: Any) -> str:
    """The text ``key`` of :data:`TEXTS` in ``lang``, its placeholders filled and its counts
    agreeing. Numbers passed as ``int`` are grouped the run's way (``1.234`` / ``1,234``)."""
    da, en = TEXTS[key]
    template = en if lang == "en" else da
    if params:
        template = apply_plurals(template, params)
        shown = {k: group_digits(v, 0, lang) if type(v) is int else v for k, v in params.items()}
        return template.format_map(shown)
    return template
