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

``docs/plugins.md`` builds a complete adapter package step by step and holds the reference
generated from the docstrings below; :mod:`siu.testing` is the contract test kit for adapters.
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
    """Return the source adapters (input formats) this plugin provides.

    Called once when siu starts. Returns a list of :class:`siu.adapters.Source` instances, each
    with a unique ``name`` (what users pass to ``--source``) and a ``description``. A source
    name that another plugin also provides is an error naming both packages (SIU804). Raising,
    or returning anything but a list of sources, skips the whole plugin (SIU803).

    Example::

        from siu import hookimpl
        from siu.tabular import TabularSource

        class PrismeSource(TabularSource):
            name = "prisme"
            description = "Fujitsu Prisme: posteringsudtræk"

        @hookimpl
        def register_sources():
            return [PrismeSource()]
    """


@hookspec
def register_writers() -> list[Writer]:
    """Return the delivery writers (output formats) this plugin provides.

    Called once when siu starts. Returns a list of :class:`siu.writers.Writer` instances, each
    with a unique ``name`` (what users pass to ``--format``), a file ``suffix`` and a
    ``description``; siu's own are ``xml`` and ``xlsx``. The writer streams records into a
    temporary file that siu renames only when the delivery is complete and valid.

    Example::

        from siu import hookimpl
        from siu.writers import Writer

        class CsvPreviewWriter(Writer):
            name, suffix, description = "csv-preview", ".csv", "Preview as CSV"

            def write(self, records, header, spec, out):
                for r in records:
                    out.write(f"{r.kontostreng};{r.amount}\\n".encode())

        @hookimpl
        def register_writers():
            return [CsvPreviewWriter()]
    """


@hookspec
def register_rules() -> list[Rule]:
    """Return extra validation rules: record rules and delivery rules.

    Called once when siu starts. Returns a list of rules built with
    :func:`siu.rules.record_rule` (checks one record at a time) and
    :func:`siu.rules.delivery_rule` (observes every record, reports at the end). Every rule
    of every plugin runs. Give codes a prefix of your own (``PRISME101``) so they never clash
    with siu's ``SIU`` codes; the severity can be overridden in ``[severity]`` of siu.toml.

    Example::

        from siu import hookimpl
        from siu.rules import Hit, record_rule

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
    """Return folders holding spec packs this plugin ships.

    Called once when siu starts. Returns a list of folder paths, each holding a spec pack
    (``manifest.toml``, ``paragraphs.csv``, ``chart.csv`` and the XSD), e.g. a corrected
    specification DST published before a new siu release. A plugin's pack for a year replaces
    siu's built-in pack for that year; ``--spec-dir`` replaces both.

    Example::

        from pathlib import Path
        from siu import hookimpl

        @hookimpl
        def register_spec_packs():
            return [Path(__file__).parent / "specs" / "2026"]
    """


@hookspec(firstresult=True)
def map_account(posting: Posting, context: Context) -> AccountMapping | Finding | None:
    """Map a posting's local account dimensions to the official kontostreng (and paragraph).

    Called for every posting. ``posting`` is the :class:`siu.models.Posting` an adapter read;
    ``posting.dims`` holds ``psp``, ``cost_centre``, ``gl_account``, ``artskonto``,
    ``kontostreng`` and ``paragraph`` where the source has them. ``context`` is the run's
    :class:`siu.context.Context` (settings, spec pack, kommune, year, ``state`` for caches).
    Return an :class:`siu.models.AccountMapping`, a :class:`siu.models.Finding` when the
    account is wrong in a way the user must fix, or ``None`` to let the next plugin (finally
    siu's mapping file) decide. If it raises, the posting gets an SIU808 error instead.

    Example::

        from siu import hookimpl, kontostreng
        from siu.models import AccountMapping

        @hookimpl
        def map_account(posting, context):
            if posting.dims.get("cost_centre") == "4711":
                return AccountMapping(kontostreng=kontostreng.parse("5.38.50.1.001.4.0"))
            return None
    """


@hookspec(firstresult=True)
def anonymise(record: Record, posting: Posting, context: Context) -> str | Finding | None:
    """Decide the PsrID of a record that may be an anonymous § 109 stay.

    Called for every record after mapping. ``record`` is the :class:`siu.models.Record` about
    to be delivered (``record.paragraph`` is known), ``posting`` the posting it came from and
    ``context`` the run's :class:`siu.context.Context`. Return the fictitious CPR to use, a
    :class:`siu.models.Finding` when it cannot be decided (e.g. unknown sex), or ``None`` to
    keep ``record.psr_id``. Must never anonymise outside the paragraphs the spec pack allows
    (``context.spec.anonymous_allowed(record.paragraph)``). If it raises, the record gets an
    SIU808 error instead.

    Example::

        from siu import hookimpl

        @hookimpl
        def anonymise(record, posting, context):
            if posting.text and "ANONYM" in posting.text and context.spec.anonymous_allowed(record.paragraph):
                return "1234569998"
            return None
    """
