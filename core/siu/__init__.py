"""siu: turn municipal accounting exports into Danmarks Statistik's SIU delivery.

Public API for plugin authors: :data:`hookimpl`, the models in :mod:`siu.models`, the parsing
toolkit in :mod:`siu.parsing` and :mod:`siu.tables`, :class:`siu.adapters.Source`,
:class:`siu.writers.Writer` and the rule helpers in :mod:`siu.rules`.
"""

from siu.hookspecs import hookimpl

__version__ = "0.1.0"
SIU_API = 2  # plugins written against API 1 keep working (siu.host.loading.SUPPORTED_APIS)

__all__ = ["hookimpl", "__version__", "SIU_API"]
