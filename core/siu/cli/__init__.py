"""The ``siu`` command line (private, except :data:`app` and :func:`main`).

One module per command group; the console script ``siu = "siu.cli:main"`` and ``python -m siu``
enter here. Nothing else in siu imports this package.
"""

from siu.cli.entry import app, main

__all__ = ["app", "main"]
