"""The plugin contract: the hooks a siu plugin can implement.

A plugin is a Python module (or object) registered under the ``siu`` entry-point group::

    # pyproject.toml of your package
    [project.entry-points.siu]
    prisme = "siu_prisme"

and implementing any of the hooks below with ``@siu.hookimpl``. Built-in adapters register
the same way. A plugin may declare the plugin API it targets with a module-level
``SIU_API = 1``; an incompatible major version is refused with a clear message.

Registration hooks (``register_*``) are called once when siu starts and return lists of
named objects. Pipeline hooks (``map_account``, ``anonymise``) are called for every posting;
the first plugin that answers (not ``None``) wins, and siu's own implementation answers last.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from siu.adapters import Source
    from siu.context import Context
    from siu.models import AccountMapping, Finding, Posting, Record
    from siu.rules import Rule
    from siu.writers import Writer

hookspec = pluggy.HookspecMarker("siu")
hookimpl = pluggy.HookimplMarker("siu")


@hookspec
def register_sources() -> list[Source]:
    """Return the source adapters this plugin provides.

    Each is a :class:`siu.adapters.Source` with a unique ``name`` (what users pass to
    ``--source``). Two plugins providing the same name is an error naming both.

    Example::

        @hookimpl
        def register_sources():
            return [PrismeSource()]
    """


@hookspec
def register_writers() -> list[Writer]:
    """Return the delivery writers this plugin provides.

    Each is a :class:`siu.writers.Writer` with a unique ``name`` (what users pass to
    ``--format``), e.g. ``xml`` (siu's own) or ``xlsx`` (the DST Excel template).

    Example::

        @hookimpl
        def register_writers():
            return [CsvPreviewWriter()]
    """


@hookspec
def register_rules() -> list[Rule]:
    """Return extra validation rules: record rules and delivery rules.

    Build them with :func:`siu.rules.record_rule` and :func:`siu.rules.delivery_rule`; give
    codes a prefix of your own (``PRISME101``) so they never clash with siu's ``SIU`` codes.

    Example::

        @record_rule("AARHUS001", "warning", title=("Stor udgift", "Large amount"),
                     template=("Beløbet {value} er over 1 mio.", "Amount {value} is over 1m"))
        def large(record, ctx):
            if record.amount > 1_000_000:
                yield Hit(field="amount", value=record.amount)

        @hookimpl
        def register_rules():
            return [large]
    """


@hookspec
def register_spec_packs() -> list[Path]:
    """Return folders holding spec packs (``manifest.toml``, ``paragraphs.csv``, ``chart.csv``,
    the XSD) this plugin ships, e.g. a corrected specification published by DST before a new
    siu release. A plugin's pack for a year replaces siu's built-in pack for that year.

    Example::

        @hookimpl
        def register_spec_packs():
            return [Path(__file__).parent / "specs" / "2026"]
    """


@hookspec(firstresult=True)
def map_account(posting: Posting, context: Context) -> AccountMapping | Finding | None:
    """Map a posting's local account dimensions to the official kontostreng (and paragraph).

    Return an :class:`siu.models.AccountMapping`, a :class:`siu.models.Finding` when the
    posting's account is wrong in a way the user must fix, or ``None`` to let the next plugin
    (finally siu's mapping file) decide. ``posting.dims`` holds ``psp``, ``cost_centre``,
    ``gl_account``, ``artskonto``, ``kontostreng``, ``paragraph`` where the source has them.

    Example::

        @hookimpl
        def map_account(posting, context):
            if posting.dims.get("cost_centre") == "4711":
                return AccountMapping(kontostreng=kontostreng.parse("5.38.50.1.001.4.0"))
    """


@hookspec(firstresult=True)
def anonymise(record: Record, posting: Posting, context: Context) -> str | Finding | None:
    """Decide the PsrID of a record that may be an anonymous § 109 stay.

    Return the fictitious CPR to use, a :class:`siu.models.Finding` when it cannot be decided
    (e.g. unknown sex), or ``None`` to keep ``record.psr_id``. Called for every record; must
    never anonymise outside the paragraphs the spec pack allows (§ 109).

    Example::

        @hookimpl
        def anonymise(record, posting, context):
            if posting.text and "ANONYM" in posting.text and record.paragraph == "SEL109":
                return "1234569998"
    """
