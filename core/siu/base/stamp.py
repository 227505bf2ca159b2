"""Stamps on what a run writes (private): its creation time and a file's size and SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path


def creation_time() -> dt.datetime:
    """When the delivery was made: now, or ``SOURCE_DATE_EPOCH`` (seconds, UTC) for reproducible output.

    Raises ValueError for a ``SOURCE_DATE_EPOCH`` that is not a whole number of seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now().replace(microsecond=0)
    if not epoch.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch[:20]!r}")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)


def file_digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()
