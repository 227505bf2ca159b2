"""The masking filter at the sink: every text siu shows passes it on its way out.

Masking by the author of each message (:func:`siu.base.cpr.mask_cpr`, ``Code.make``) stays, but it
is not the guarantee: this module is. It is applied where output leaves siu — stdout and
stderr (so the console report, error messages, the last-resort handler, ``warnings`` from
third-party libraries such as openpyxl, and logging all pass it), the JSON report, every cell
and sheet name of the workbook report, and the draft of ``siu mapping init``.

What it masks (anything that could be a CPR number):

- a run of 9 or more digits that holds a plausible CPR: a ten-digit window starting with a
  day 01–31 and a month 01–12, or (9–11 digits) a nine-digit window starting with a day 1–9
  and a month, i.e. a CPR whose leading zero a spreadsheet dropped; glued to a neighbouring
  digit or inside a longer run is caught by the windows;
- the typed forms regardless of the date: six digits, a separator (``-``, a dash, ``_``, ``/``,
  ``.``, a space, with spaces around it) and 3–5 digits (``050575-12345``), five digits and four
  (``50575-1234``), and ``DD.MM.YY`` followed by 3–5 digits.

Account numbers such as a PSP element ``XG-5385010001-0001`` or a kontostreng ``53850100347``
are not dates and stay readable, so ``siu mapping check`` still names them. A 64-character
hexadecimal token (a SHA-256 of an input) is left alone.

Everything here is linear in the text: one pass of ``\\d{5,}`` (``\\d{2,}`` when a ``DD.MM.YY``
form is present), no backtracking pattern, and a bounded amount of work per digit run; text
without three digits in a row is returned as is.

Control characters from data are never sent to a terminal: :func:`escape_controls` shows them
as ``\\x1b``; the stream filter lets through only the few escape sequences rich itself writes
(colours, erasing the progress line).
"""

from __future__ import annotations

import re
from typing import Any

from siu.base.controls import escape_controls
from siu.base.cpr_text import could_be_cpr, mask_text
from siu.base.sink_stream import SinkStream, install_streams, neutralise_stream

__all__ = [
    "MONEY_FORMAT",
    "MaskedSheet",
    "SinkStream",
    "console_text",
    "could_be_cpr",
    "escape_controls",
    "escape_markup",
    "install_streams",
    "mask_cell",
    "mask_data",
    "mask_number",
    "mask_text",
    "masked_sheet",
    "neutralise_stream",
    "safe_text",
    "sheet_title",
]

MONEY_FORMAT = "#,##0.00"  # the format of siu's own amounts in a workbook (siu.xlsx_cells)


def safe_text(text: str) -> str:
    """A piece of data fit to show anywhere: CPRs masked, control characters escaped."""
    return escape_controls(mask_text(text))


def escape_markup(text: str) -> str:
    """``text`` that rich shows as it is, never as markup, also when markup follows it. A ``[`` that
    opens a tag is escaped with the backslashes before it doubled (as ``rich.markup.escape`` does);
    a backslash before any other ``[`` or at the end is doubled too, since rich takes ``\\[`` for
    ``[`` and halves backslashes before a tag. Linear, unlike ``rich.markup.escape``, whose pattern
    took 35 s on a fuzzed cell quoted in a message."""
    if "[" not in text and not text.endswith("\\"):
        return text
    out = []
    pos = 0
    for m in _TAG.finditer(text):  # each scan stops at the next "[": linear
        start = m.start()
        out.append(_backslash_before_brackets(text[pos:start]))
        run = len(text[pos:start]) - len(text[pos:start].rstrip("\\"))
        out.append("\\" * run + "\\" + m.group(0))
        pos = m.end()
    rest = _backslash_before_brackets(text[pos:])
    body = rest.rstrip("\\")
    out.append(body + "\\" * (2 * (len(rest) - len(body))))  # backslashes at the end stay backslashes
    return "".join(out)


_TAG = re.compile(r"\[[a-z#/@][^[]*?]")


def _backslash_before_brackets(text: str) -> str:
    """A ``[`` that opens no tag, after backslashes: one more backslash, which rich's plain-text
    unescape (``\\[`` → ``[``) takes away again."""
    return text.replace("\\[", "\\\\[") if "\\[" in text else text


def console_text(text: str, keep_newlines: bool = False) -> str:
    """Data for a rich console: masked, control characters escaped, never read as markup."""
    return escape_markup(escape_controls(mask_text(text), keep_newlines))


def mask_number(value: Any) -> Any:
    """A number from data (a spreadsheet cell): a whole number whose digits could be a CPR
    becomes its masked text; anything else is returned unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and not value.is_integer():
        return value
    try:
        number = abs(int(value))
    except (OverflowError, ValueError):  # inf, nan
        return value
    if number < 100_000_000:
        return value
    digits = str(number)
    masked = mask_text(digits)
    return masked if masked != digits else value


def mask_cell(value: Any) -> Any:
    """A cell value safe to write: text masked and control characters escaped; numbers as
    :func:`mask_number`."""
    if isinstance(value, str):
        return safe_text(value)
    return mask_number(value)


_MASKED: dict[str, str] = {}  # text → masked, for texts that recur (one account's message on many rows)


def _mask_cached(text: str) -> str:
    out = _MASKED.get(text)
    if out is None:
        out = mask_text(text)
        if len(text) <= 500:
            if len(_MASKED) >= 20_000:
                _MASKED.clear()
            _MASKED[text] = out
    return out


def mask_data(data: Any, keep: frozenset[str] = frozenset()) -> Any:
    """JSON data with every string masked, except under the keys in ``keep`` (siu's own
    money and checksums, which are not data from the input)."""
    if isinstance(data, str):
        return _mask_cached(data)
    if isinstance(data, dict):
        return {k: (v if k in keep else mask_data(v, keep)) for k, v in data.items()}
    if isinstance(data, list):
        return [mask_data(v, keep) for v in data]
    return data


def sheet_title(title: str) -> str:
    """A worksheet name from data: masked, and only characters Excel allows, at most 31."""
    text = escape_controls(mask_text(title))
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in text)[:31] or "_"


class MaskedSheet:
    """A write-only worksheet whose every appended value passes :func:`mask_cell` (cells made
    with openpyxl's ``WriteOnlyCell`` included), so no sheet of a workbook siu writes can show
    a CPR number or a control character, whoever filled the row."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def append(self, row: Any) -> None:
        self.ws.append([self._cell(v) for v in row])

    @staticmethod
    def _cell(value: Any) -> Any:
        if hasattr(value, "data_type") and hasattr(value, "value"):  # an openpyxl cell
            if value.data_type == "n" and getattr(value, "number_format", None) == MONEY_FORMAT:
                return value  # siu's own amount (siu.xlsx_cells.money_cell), not data it quotes
            safe = mask_cell(value.value)
            if safe is not value.value and safe != value.value:
                kind = value.data_type
                value.value = safe
                if isinstance(safe, str) and kind in ("s", "n"):
                    value.data_type = "s"  # text stays text (a neutralised formula must not come back)
            return value
        return mask_cell(value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ws, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "ws":
            object.__setattr__(self, name, value)
        else:
            setattr(self.ws, name, value)


def masked_sheet(wb: Any, title: str) -> MaskedSheet:
    """``wb.create_sheet`` behind the filter, with a safe title."""
    return MaskedSheet(wb.create_sheet(sheet_title(title)))
