"""The plugin contract: the hooks a siu plugin can implement.

A plugin is a Python module (or object) registered under the ``siu`` entry-point group::

    # pyproject.toml of your package
    [project.entry-points.siu]
    prisme = "siu_prisme"

and implementing any of the hooks below with ``@siu.hookimpl``. Built-in adapters register
the same way. A plugin declares the plugin API it targets with a module-level ``SIU_API``:

- ``SIU_API = 2`` (this siu's): postings move as Apache Arrow record batches in the schema of
  :mod:`siu.batches`; a plugin may provide batch sources (:class:`siu.adapters.BatchSource`),
  batch rules (:func:`siu.rules.batch_rule`) and batch writers (:meth:`siu.writers.Writer.write_batches`).
- ``SIU_API = 1``: per-posting sources, ``record_rule``, delivery rules that ``observe`` one
  record at a time and per-record writers keep working; siu adapts them to batches in core
  (each row becomes a ``Posting`` or a ``Record`` for them, which costs time per row, not
  correctness).

Another major version is refused with a clear message (SIU802).

Registration hooks (``register_*``) are called once when siu starts and return lists of
named objects. Pipeline hooks (``map_account``, ``anonymise``) are called once per distinct
value, not once per row: siu calls them for each distinct combination of what they can see and
broadcasts the answer to every row that shares it, so an implementation must depend only on its
arguments (and the run's settings), never on how often or in which order it is called. The first
plugin that answers (not ``None``) wins, and siu's own implementation answers last.

``docs/plugins.md`` builds complete plugin packages step by step (batch style first), gives the
batch schema and holds the reference
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
    with a unique ``name`` (what users pass to ``--source``) and a ``description``: a
    :class:`siu.adapters.BatchSource` (API 2) yields Arrow record batches from ``read_batches``;
    a per-row ``Source`` (API 1) yields one ``Posting`` at a time from ``read``, and siu gathers
    them into batches. A source name that another plugin also provides is an error naming both
    packages (SIU804). Raising, or returning anything but a list of sources, skips the whole
    plugin (SIU803).

    Example::

        from siu import hookimpl
        from siu.adapters import BatchSource

        class SagsflowSource(BatchSource):
            name = "sagsflow"
            description = "Sagsflow: udbetalinger som JSON-linjer"

            def sniff(self, path): ...
            def read_batches(self, path, options, info): ...  # pyarrow.RecordBatch and Finding

        @hookimpl
        def register_sources():
            return [SagsflowSource()]
    """


@hookspec
def register_writers() -> list[Writer]:
    """Return the delivery writers (output formats) this plugin provides.

    Called once when siu starts. Returns a list of :class:`siu.writers.Writer` instances, each
    with a unique ``name`` (what users pass to ``--format``), a file ``suffix`` and a
    ``description``; siu's own are ``xml`` and ``xlsx``. A writer implements
    ``write_batches`` (API 2: record batches in :data:`siu.batches.RECORD_SCHEMA`) or ``write``
    (API 1: one :class:`siu.models.Record` at a time) and streams into a temporary file that siu
    renames only when the delivery is complete and valid.

    Example::

        import pyarrow.csv
        from siu import hookimpl
        from siu.writers import Writer

        class CsvPreviewWriter(Writer):
            name, suffix, description = "csv-preview", ".csv", "Preview as CSV"

            def write_batches(self, batches, header, spec, out):
                for n, batch in enumerate(batches):
                    table = batch.select(["kontostreng", "amount"])
                    options = pyarrow.csv.WriteOptions(include_header=n == 0)
                    pyarrow.csv.write_csv(table, out, options)

        @hookimpl
        def register_writers():
            return [CsvPreviewWriter()]
    """


@hookspec
def register_rules() -> list[Rule]:
    """Return extra validation rules: record rules and delivery rules.

    Called once when siu starts. Returns a list of rules built with
    :func:`siu.rules.batch_rule` (API 2: a mask over a record batch's columns selects the rows
    that fail, and an optional per-row check words each), :func:`siu.rules.record_rule` (API 1:
    checks one record at a time) and :func:`siu.rules.delivery_rule` (observes every batch with
    ``observe_batch``, or every record with ``observe``, and reports at the end). Every rule of
    every plugin runs. Give codes a prefix of your own (``PRISME101``) so they never clash with
    siu's ``SIU`` codes; the severity can be overridden in ``[severity]`` of siu.toml.

    Example::

        import pyarrow as pa
        import pyarrow.compute as pc
        from decimal import Decimal
        from siu import hookimpl
        from siu.batches import AMOUNT
        from siu.rules import batch_rule

        @batch_rule("AARHUS001", "warning", title=("Stor udgift", "Large amount"),
                    template=("Beløbet er over 1 mio. kr.", "The amount is over DKK 1m"), field="amount")
        def large(batch, ctx):
            return pc.greater(batch.column("amount"), pa.scalar(Decimal(1_000_000), AMOUNT))

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

    Called once per distinct combination of account dimensions (and source), not per row: the
    answer is broadcast to every posting that has the same dimensions, so it must depend on
    ``posting.dims`` (and ``posting.source``) only. ``posting`` is a
    :class:`siu.models.Posting` standing for all of them (its other fields are one of those
    rows'; do not decide on them); ``posting.dims`` holds ``psp``,
    ``cost_centre``, ``gl_account``, ``artskonto``, ``kontostreng`` and ``paragraph`` where the
    source has them. ``context`` is the run's :class:`siu.context.Context` (settings, spec pack,
    kommune, year, ``state``). Return an :class:`siu.models.AccountMapping`, a
    :class:`siu.models.Finding` when the account is wrong in a way the user must fix (reported
    at every row it applies to), or ``None`` to let the next plugin (finally siu's mapping file)
    decide. If it raises, the rows get an SIU808 error instead.

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

    Called after mapping, once per distinct input the hook can see, not per row: rows that
    differ only in where they stand in the file share one call and its answer, so the answer
    must depend on the fields of ``record`` and ``posting`` only. ``record`` is the
    :class:`siu.models.Record` about to be delivered (``record.paragraph`` is known),
    ``posting`` the posting it came from and ``context`` the run's
    :class:`siu.context.Context`. Return the fictitious CPR to use, a
    :class:`siu.models.Finding` when it cannot be decided (e.g. unknown sex), or ``None`` to
    keep ``record.psr_id``. Must never anonymise outside the paragraphs the spec pack allows
    (``context.spec.anonymous_allowed(record.paragraph)``). If it raises, the rows get an
    SIU808 error instead.

    Example::

        from siu import hookimpl

        @hookimpl
        def anonymise(record, posting, context):
            if posting.text and "ANONYM" in posting.text and context.spec.anonymous_allowed(record.paragraph):
                return "1234569998"
            return None
    """
