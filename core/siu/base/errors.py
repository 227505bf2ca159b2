"""The one shape of siu's own errors (private): a Danish and an English message.

Usage errors, unusable settings, mapping files, spec packs and plugins, and tables that cannot be
read all carry both messages; the command line prints the one for ``--lang``.
"""

from __future__ import annotations


class BilingualError(Exception):
    """An error with a Danish and an English message; ``str()`` gives the English one."""

    def __init__(self, message_da: str, message_en: str | None = None) -> None:
        self.message_da = message_da
        self.message_en = message_en if message_en is not None else message_da
        super().__init__(self.message_en)

    def message(self, lang: str = "da") -> str:
        """The message in ``lang`` (``da`` or ``en``)."""
        return self.message_en if lang == "en" else self.message_da


class TableError(BilingualError):
    """A file cannot be read as a table. ``code`` is the finding code to report it under
    (re-exported as :class:`siu.tables.TableError`)."""

    def __init__(self, code: str, message_da: str, message_en: str) -> None:
        self.code = code
        super().__init__(message_da, message_en)
