"""The settings a table adapter reads a file with, checked before the first row (private; used by
:class:`siu.tabular.TabularSource`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from siu.adapters import ReadInfo, ReadOptions
from siu.catalogue.read import TABLE_ERRORS
from siu.models import Finding, Location
from siu.parsing import ParseError, check_decimal_separator
from siu.read.headers import MissingColumns

BAD_OPTION = TABLE_ERRORS["SIU023"]
PERIOD_RULES = {
    "posting_month": ("bogføringsdatoens måned", "the posting date's month"),
    "text_month": ("måneden i teksten", "the month in the text"),
}
ART_SOURCES = ("artskonto", "gl_account")


@dataclass
class TableSettings:
    """What ``--decimal`` and ``[source.NAME]`` in siu.toml ask of a table adapter, checked."""

    decimal: str | None
    derive: str | None  # how to derive a missing expenditure period: a key of PERIOD_RULES
    art_from: str


def valid_aliases(extra: Any) -> bool:
    """Whether ``aliases`` from siu.toml maps fields to a header text or a list of them."""
    return isinstance(extra, dict) and all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in extra.values()
    )


def table_settings(
    source: str, art_from_default: str, options: ReadOptions, info: ReadInfo, file: str
) -> TableSettings | Finding:
    """The checked settings, or the finding (SIU023) for the first one that is wrong."""
    where = Location(file=file)
    decimal = None
    if options.decimal:
        try:
            decimal = check_decimal_separator(options.decimal)
        except ParseError:
            return BAD_OPTION.make(
                location=where,
                detail_da=f"Ukendt decimaltegn {options.decimal!r}; brug ',' eller '.'",
                detail_en=f"Unknown decimal separator {options.decimal!r}; use ',' or '.'",
            )
        info.note("decimal", f"{decimal} (valgt)")
    derive = options.settings.get("period")
    if derive is not None and derive not in PERIOD_RULES:
        return BAD_OPTION.make(
            location=where,
            detail_da=f"Ukendt regel for perioden: period = {derive!r}; brug {' eller '.join(PERIOD_RULES)}",
            detail_en=f"Unknown period rule: period = {derive!r}; use {' or '.join(PERIOD_RULES)}",
        )
    extra = options.settings.get("aliases")
    if extra is not None and not valid_aliases(extra):
        return BAD_OPTION.make(
            location=where,
            detail_da=f'[source.{source}] aliases skal angive overskrifter som tekst, fx cpr = "Personnr" '
            'eller cpr = ["A", "B"]',
            detail_en=f'[source.{source}] aliases must give headers as text, e.g. cpr = "Personnr" or cpr = ["A", "B"]',
        )
    art_from = options.settings.get("art_from", art_from_default)
    if art_from not in ART_SOURCES:
        return BAD_OPTION.make(
            location=where,
            detail_da=f"Ukendt kilde til arten: art_from = {art_from!r}; brug {' eller '.join(ART_SOURCES)}",
            detail_en=f"Unknown source of the art: art_from = {art_from!r}; use {' or '.join(ART_SOURCES)}",
        )
    return TableSettings(decimal=decimal, derive=derive, art_from=art_from)


def aliases_line(extra: dict[str, str], configured: Any) -> str:
    """The ``aliases`` line of ``[source.NAME]`` in siu.toml that adds ``extra`` (field → header)
    to what is ``configured`` there already, e.g. ``aliases = { amount = ["Beløb (kr.)"] }``."""
    merged: dict[str, list[str]] = {}
    if valid_aliases(configured):
        for name, value in configured.items():
            merged[name] = [value] if isinstance(value, str) else list(value)
    for name, header in extra.items():
        if header not in merged.setdefault(name, []):
            merged[name].append(header)
    # a JSON string is a valid TOML basic string: quotes, backslashes and controls escaped
    fields = ", ".join(
        f"{name} = [{', '.join(json.dumps(h, ensure_ascii=False) for h in hs)}]" for name, hs in merged.items()
    )
    return f"aliases = {{ {fields} }}"


def missing_columns_detail(exc: MissingColumns, source: str, configured: Any) -> tuple[str, str]:
    """What SIU005 says (Danish, English): the columns missing, the headers found, the closest
    of them, and the ``aliases`` line for ``[source.NAME]`` in siu.toml that reads the closest as
    the missing columns (merged with the aliases ``configured`` there already)."""
    da, en = exc.message_da, exc.message_en
    extra = {near[0][1]: near[0][0] for near in exc.closest.values()}
    if not extra:
        return da, en
    line = aliases_line(extra, configured)
    section = f"[source.{source}]"
    if configured:
        da += f". Er det de rette kolonner, så ret aliases-linjen under {section} i siu.toml til: {line}"
        en += f". If these are the right columns, change the aliases line under {section} in siu.toml to: {line}"
    else:
        da += f". Er det de rette kolonner, så tilføj i siu.toml under {section}: {line}"
        en += f". If these are the right columns, add to siu.toml under {section}: {line}"
    return da, en
