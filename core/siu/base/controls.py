"""Control characters from data, shown as escapes (private; public as ``siu.base.masking.escape_controls``)."""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, and the bidirectional overrides that can reorder what a
# terminal shows (a fake verdict written backwards).
_CONTROL_CODES = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPE_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROL_CODES}
_CONTROL_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROL_CODES) + "]")
# in the terminal stream: newline, tab and carriage return are layout, not data
STREAM_TABLE = {c: v for c, v in _ESCAPE_TABLE.items() if chr(c) not in "\n\t\r"}
STREAM_CONTROLS = re.compile("[" + "".join(re.escape(chr(c)) for c in STREAM_TABLE) + "]")
# rich's own output: colours (SGR), erase in line (the live progress line), cursor show/hide
CSI = re.compile(r"\x1b\[([0-9;]{0,32})([mK])|\x1b\[\?25[lh]")

_KEEP_NEWLINES = {c: v for c, v in _ESCAPE_TABLE.items() if c != 0x0A}


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """``text`` with control characters (newlines too, unless ``keep_newlines``) shown as
    escapes, e.g. ``\\x1b``."""
    if not _CONTROL_CHARS.search(text):
        return text
    return text.translate(_KEEP_NEWLINES if keep_newlines else _ESCAPE_TABLE)
