"""siu's one catalogue of finding codes, complete on import (private; read it through :mod:`siu.findings`).

One module per stage of the flow holds the codes that stage emits; the modules that emit them
import their codes from here. Plugins add their own codes with :func:`siu.findings.define` when they
are imported. ``docs/rules.md`` (``python -m siu.report.rules_doc``) and ``siu explain`` read it.
"""

from siu.catalogue import (  # noqa: F401  (importing defines the codes)
    accounts,
    anonymise,
    check_delivery,
    check_engine,
    check_ledger,
    check_plausible,
    check_reconcile,
    check_records,
    convert,
    deliver,
    host,
    read,
    web,
    write,
)
