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

import errno
import os
import re
import sys
import unicodedata
from typing import Any, TextIO

MONEY_FORMAT = "#,##0.00"  # the format of siu's own amounts in a workbook (siu.xlsx_cells)

_RUNS = re.compile(r"\d{2,}")
_LONG_RUNS = re.compile(r"\d{5,}")
_DIGITS_AT = re.compile(r"\d+")
_THREE = re.compile(r"\d{3}")
_DATE_FORM = re.compile(r"\d\d[-./ ]\d\d[-./ ]\d\d")
_DAY_MONTH = re.compile(r"(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])")
_LOST_ZERO = re.compile(r"[1-9](?:0[1-9]|1[0-2])")  # a day 1-9 whose leading zero a spreadsheet dropped
# DD.MM.YY (one separator each) not followed by a further digit
_DATE_AT = re.compile(r"(\d\d)[-./ ](\d\d)[-./ ](\d\d)(?!\d)")
# separators people type inside a CPR (the forms siu.base.cpr masks too), NBSP included
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015_/. \u00a0")
_SPACES = " \u00a0"
_HEX = frozenset("0123456789abcdef")

# C0 and C1 control characters, DEL, and the bidirectional overrides that can reorder what a
# terminal shows (a fake verdict written backwards).
_CONTROL_CODES = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPE_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROL_CODES}
_CONTROL_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROL_CODES) + "]")
# in the terminal stream: newline, tab and carriage return are layout, not data
_STREAM_TABLE = {c: v for c, v in _ESCAPE_TABLE.items() if chr(c) not in "\n\t\r"}
_STREAM_CONTROLS = re.compile("[" + "".join(re.escape(chr(c)) for c in _STREAM_TABLE) + "]")
# rich's own output: colours (SGR), erase in line (the live progress line), cursor show/hide
_CSI = re.compile(r"\x1b\[([0-9;]{0,32})([mK])|\x1b\[\?25[lh]")


def _ascii(digits: str) -> str:
    return digits if digits.isascii() else "".join(str(unicodedata.decimal(ch, 0)) for ch in digits)


def could_be_cpr(digits: str) -> bool:
    """Whether a run of digits (9 or more) could hold a CPR number (see the module docstring)."""
    d = _ascii(digits)
    n = len(d)
    if n < 9:
        return False
    # endpos n - 6: a day-and-month found there starts early enough for a whole 10 (or 9) digit window
    return bool(_DAY_MONTH.search(d, 0, n - 6) or (n <= 11 and _LOST_ZERO.search(d, 0, n - 6)))


def _hash_token(text: str, start: int, end: int) -> bool:
    """Whether the digits at ``start:end`` lie inside a 64-character lowercase hex token."""
    left = start
    while left > 0 and start - left < 64 and text[left - 1] in _HEX:
        left -= 1
    right = end
    while right < len(text) and right - end < 64 and text[right] in _HEX:
        right += 1
    if right - left != 64:
        return False
    before = text[left - 1] if left > 0 else " "
    after = text[right] if right < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _gap(text: str) -> bool:
    """Whether ``text`` (between two digit runs) is how people separate a CPR's parts."""
    if not text or len(text) > 3:
        return False
    core = text.strip(_SPACES)
    return len(core) <= 1 and (not core or core in _SEPARATORS)


def _masked(kept: str, hidden: int) -> str:
    return f"{kept}-{'x' * hidden}"


def mask_text(text: str) -> str:
    """``text`` with everything that could be a CPR number masked (``DDMMYY-xxxx``)."""
    if not text or not _THREE.search(text):
        return text
    # Only a "DD.MM.YY" form needs the two-digit runs; otherwise runs of five or more suffice.
    runs = _RUNS if _DATE_FORM.search(text) else _LONG_RUNS
    out: list[str] = []
    pos = 0  # text before pos is done
    for m in runs.finditer(text):
        s, e = m.span()
        if s < pos:  # part of a form masked already
            continue
        n = e - s
        if n == 2:  # DD.MM.YY then three to five digits
            tail = _DATE_AT.match(text, s)
            if tail is not None and not (s > 0 and text[s - 1].isdecimal()):
                rest = _after_gap(text, tail.end(), 3, 5)
                if rest is not None:
                    out.append(text[pos:s])
                    out.append(
                        _masked(tail.group(1) + tail.group(2) + tail.group(3), rest - _gap_end(text, tail.end()))
                    )
                    pos = rest
            continue
        if 5 <= n <= 6:  # six (or five) digits, a separator, three to five digits
            rest = _after_gap(text, e, 3, 5)
            if rest is not None and 9 <= n + rest - _gap_end(text, e) <= 11:
                out.append(text[pos:s])
                out.append(_masked(text[s:e], rest - _gap_end(text, e)))
                pos = rest
                continue
        if n > 6:  # the same glued to digits before it: the run's last six digits, when they are a date
            rest = _after_gap(text, e, 3, 5)
            if rest is not None and _DAY_MONTH.match(_ascii(text[e - 6 : e])):
                out.append(text[pos : e - 6])
                out.append(_masked(text[e - 6 : e], rest - _gap_end(text, e)))
                pos = rest
                continue
        if n >= 9 and could_be_cpr(text[s:e]) and not _hash_token(text, s, e):
            keep = 5 if n == 9 else 6
            out.append(text[pos:s])
            out.append(_masked(text[s : s + keep], n - keep))
            pos = e
    if pos == 0:
        return text
    out.append(text[pos:])
    return "".join(out)


def _gap_end(text: str, start: int) -> int:
    """Where the digits after a separator gap starting at ``start`` begin (at most three characters on)."""
    j = start
    while j < len(text) and j - start < 3 and not text[j].isdecimal():
        j += 1
    return j


def _after_gap(text: str, start: int, shortest: int, longest: int) -> int | None:
    """The end of a run of ``shortest``–``longest`` digits that follows a CPR separator gap at
    ``start``, or None."""
    j = _gap_end(text, start)
    if j == start or not _gap(text[start:j]):
        return None
    run = _DIGITS_AT.match(text, j)
    if run is None or not shortest <= run.end() - j <= longest:
        return None
    return run.end()


_KEEP_NEWLINES = {c: v for c, v in _ESCAPE_TABLE.items() if c != 0x0A}


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """``text`` with control characters (newlines too, unless ``keep_newlines``) shown as
    escapes, e.g. ``\\x1b``."""
    if not _CONTROL_CHARS.search(text):
        return text
    return text.translate(_KEEP_NEWLINES if keep_newlines else _ESCAPE_TABLE)


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


def _stream_escape(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if len(token) > 1 else _STREAM_TABLE[ord(token)]


_STREAM_TOKENS = re.compile(_CSI.pattern + "|" + _STREAM_CONTROLS.pattern)


def neutralise_stream(text: str) -> str:
    """Terminal text with every control character but rich's own sequences escaped."""
    if not _STREAM_CONTROLS.search(text):
        return text
    return _STREAM_TOKENS.sub(_stream_escape, text)


def _tail(text: str) -> int:
    """Where the trailing digits and separators of ``text`` begin (``len(text)`` when none): a
    write ending in them is held back until the next write or flush, so a number split over two
    writes is still masked whole."""
    i = len(text)
    while i > 0 and (text[i - 1].isdigit() or text[i - 1] in _SEPARATORS):
        i -= 1
    return i


class SinkStream:
    """A text stream that masks and neutralises everything written through it, and never fails
    on a closed pipe: once the reader has gone (``| head``), output is dropped and siu carries on
    (writing its report files and exiting with the code the run deserves)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw
        self.broken = False
        self._held = ""

    def _emit(self, text: str) -> None:
        if self.broken or not text:
            return
        try:
            self.raw.write(neutralise_stream(mask_text(text)))
        except BrokenPipeError:
            self._gone()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            self._gone()

    def _gone(self) -> None:
        """The reader closed the pipe: drop all further output, also Python's flush at exit."""
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.raw.fileno())
            os.close(devnull)
        except (OSError, AttributeError, ValueError):
            pass

    def write(self, text: str) -> int:
        data = self._held + text
        cut = _tail(data)
        self._held = data[cut:]
        self._emit(data[:cut])
        return len(text)

    def flush(self) -> None:
        held, self._held = self._held, ""
        self._emit(held)
        if self.broken:
            return
        try:
            self.raw.flush()
        except BrokenPipeError:
            self._gone()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            self._gone()

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def isatty(self) -> bool:
        try:
            return bool(self.raw.isatty())
        except (ValueError, OSError):
            return False

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return getattr(self.raw, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self.raw, "errors", None) or "strict"

    @property
    def closed(self) -> bool:
        return bool(getattr(self.raw, "closed", False))

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # nobody may write around the filter
            raise AttributeError(name)
        return getattr(self.raw, name)


def install_streams() -> None:
    """Put the filter in front of ``sys.stdout`` and ``sys.stderr`` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, SinkStream):
            setattr(sys, name, SinkStream(stream))


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
