"""What a writer is, and the safe way every writer's output reaches disk.

A writer streams records into a file in one of DST's formats. The pipeline hands it a
temporary file next to the target; the file is renamed into place only when the writer has
finished, the writer's own check (e.g. the XSD) passed and no rule found an error.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from siu.base import safeio
from siu.models import DeliveryHeader, Finding, Record
from siu.specpack import SpecPack


class Writer(ABC):
    """A delivery format. Subclass it, set ``name``, ``suffix`` and ``description``, and return an
    instance from the ``register_writers`` hook."""

    name: str = ""
    suffix: str = ""
    description: str = ""

    @abstractmethod
    def write(self, records: Iterable[Record], header: DeliveryHeader, spec: SpecPack, out: BinaryIO) -> None:
        """Write the delivery. ``header.totals`` is final only after ``records`` is exhausted, so
        totals belong at the end of the file (a trailer), or the writer must buffer."""

    def check(self, path: Path, spec: SpecPack) -> Iterator[Finding]:
        """Check a finished file (e.g. against the spec pack's XSD); yield findings for problems."""
        return iter(())


@contextmanager
def atomic_output(target: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A temporary file beside ``target``; the caller renames it with :func:`commit` or it is removed.

    The temporary file is owner-only and named by :mod:`siu.base.safeio` (``.siu-tmp-<pid>-….tmp``,
    no personal data), so a later run recognises it if this one is killed.
    """
    fd, tmp_path = safeio.temp_file(target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, tmp_path
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename, so a crash never leaves a short delivery
    except BaseException:
        safeio.discard(tmp_path)
        raise


def commit(tmp_path: Path, target: Path) -> None:
    """Move a finished temporary file into place in one step (inside a
    :func:`siu.base.safeio.transaction`, at its end together with the run's other files)."""
    if not safeio.queue_commit(tmp_path, target):
        safeio.publish(tmp_path, target)
