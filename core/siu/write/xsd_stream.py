"""Check a delivery against its XSD while it is being written, on the machine's other core.

Validating a million-line delivery costs a fifth of the whole conversion, and lxml holds the GIL
while it parses, so a thread would not help. :class:`StreamCheck` hands every byte the writer
writes to a child process (``python -m siu.write.xsd_stream XSD TAG``) that runs the same streaming
pass as :func:`xsd_errors` over them, and collects its verdict once the file is complete.

Small deliveries are validated in-process after writing, because starting a process costs more
than checking them. When the child cannot start, dies or answers nonsense, :meth:`result` says
so (``None``) and the caller validates the finished file in-process: the check is never skipped.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from lxml import etree

XsdError = tuple[int | None, str]


def xsd_errors(
    source: str | IO[bytes], schema: etree.XMLSchema, record_tag: str, max_errors: int = 20
) -> list[XsdError]:
    """The XSD errors (line, message) of the XML in ``source`` (a path or a binary stream), in
    one streaming pass whose memory stays flat; an empty list when it is valid. Messages are
    raw: they may quote a value, so mask them before they reach a user."""
    etree.clear_error_log()  # iterparse reports the thread's log, which may hold earlier, unrelated errors
    try:
        # Only records are handed to Python (the parser still checks every element against the
        # schema), and each is removed from the tree once read: clearing alone leaves an empty
        # element per line behind, ~120 MB for a million lines.
        for _, elem in etree.iterparse(source, events=("end",), tag=record_tag, schema=schema, huge_tree=True):
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except etree.XMLSyntaxError as exc:
        entries = list(exc.error_log) if getattr(exc, "error_log", None) else []
        if not entries:
            return [(None, str(exc))]
        # A stream's error log can hold an entry twice; a path's does not.
        unique = dict.fromkeys((entry.line, entry.message) for entry in entries)
        return list(unique)[:max_errors]
    return []


class StreamCheck:
    """Validates the bytes fed to it in a child process, once more than :attr:`THRESHOLD` bytes
    have come (they are kept until then, then handed over)."""

    THRESHOLD = 4 << 20  # ~25,000 lines; below it the in-process check after writing is cheaper

    def __init__(self, xsd: Path, record_tag: str) -> None:
        self.xsd = xsd
        self.record_tag = record_tag
        self._head: list[bytes] = []
        self._size = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._broken = False
        # Writes to the pipe happen on a thread (a blocked write releases the GIL), so the writer
        # never waits while the child starts up or is briefly behind; the queue bounds the backlog.
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)  # ≤ ~5 MB waiting
        self._feeder: threading.Thread | None = None
        self._closed = False

    @property
    def started(self) -> bool:
        return self._proc is not None

    def feed(self, data: bytes) -> None:
        if self._broken:
            return
        if self._proc is None:
            self._head.append(data)
            self._size += len(data)
            if self._size >= self.THRESHOLD:
                self._start()
            return
        self._send(data)

    def command(self) -> list[str]:
        """The child's command line: this module run by the same Python."""
        return [sys.executable, "-m", "siu.write.xsd_stream", str(self.xsd), self.record_tag]

    def _start(self) -> None:
        head, self._head = self._head, []
        try:
            self._proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._broken = True
            return
        self._feeder = threading.Thread(target=self._feed_child, name="siu-xsd-feeder", daemon=True)
        self._feeder.start()
        for data in head:
            self._send(data)

    def _send(self, data: bytes) -> None:
        self._queue.put(data)

    def _feed_child(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None  # started with a pipe before this thread
        stdin = proc.stdin
        while (data := self._queue.get()) is not None:
            if self._broken:
                continue  # keep taking, so the writer is never blocked by a dead child
            try:
                stdin.write(data)
            except OSError:  # the child died: result() says so and the file is validated in-process
                self._broken = True
        try:
            stdin.close()
        except OSError:
            self._broken = True

    def close(self) -> None:
        """No more bytes: the child finishes on its own while the caller goes on."""
        self._head = []
        if self._feeder is not None and not self._closed:
            self._closed = True
            self._queue.put(None)

    def result(self) -> list[XsdError] | None:
        """The child's errors (empty when valid), or None when the stream was not checked to the
        end here (too small, or the child failed) and the caller must validate the file itself."""
        self.close()
        if self._feeder is not None:
            self._feeder.join()
        proc = self._proc
        if proc is None:
            return None
        out = b""
        if proc.stdout:
            out = proc.stdout.read()  # the child ends once it has read everything
            proc.stdout.close()
        if proc.wait() != 0 or self._broken:
            return None
        try:
            answer = json.loads(out)
            return [(line, str(message)) for line, message in answer["errors"]]
        except (ValueError, KeyError, TypeError):
            return None

    def abandon(self) -> None:
        """Stop the child without waiting for its verdict."""
        self.close()
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()


def main(argv: list[str] | None = None) -> int:
    """The child: validate standard input against the XSD ``argv[0]``; print the errors as JSON."""
    xsd, record_tag = argv if argv is not None else sys.argv[1:3]
    schema = etree.XMLSchema(etree.parse(xsd))
    stdin = sys.stdin.buffer
    errors = xsd_errors(stdin, schema, record_tag)
    while stdin.read(1 << 20):  # after an error, take the rest so the writer is never blocked
        pass
    answer: dict[str, Any] = {"errors": errors}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
