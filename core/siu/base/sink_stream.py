"""stdout and stderr behind the masking filter: every write masked, control characters
neutralised, a closed pipe survived (private; public through :mod:`siu.base.masking`)."""

from __future__ import annotations

import errno
import os
import re
import sys
from typing import Any, TextIO

from siu.base.controls import CSI, STREAM_CONTROLS, STREAM_TABLE
from siu.base.cpr_text import SEPARATORS, mask_text


def _stream_escape(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if len(token) > 1 else STREAM_TABLE[ord(token)]


_STREAM_TOKENS = re.compile(CSI.pattern + "|" + STREAM_CONTROLS.pattern)


def neutralise_stream(text: str) -> str:
    """Terminal text with every control character but rich's own sequences escaped."""
    if not STREAM_CONTROLS.search(text):
        return text
    return _STREAM_TOKENS.sub(_stream_escape, text)


def _tail(text: str) -> int:
    """Where the trailing digits and separators of ``text`` begin (``len(text)`` when none): a
    write ending in them is held back until the next write or flush, so a number split over two
    writes is still masked whole."""
    i = len(text)
    while i > 0 and (text[i - 1].isdigit() or text[i - 1] in SEPARATORS):
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
