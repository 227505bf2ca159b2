"""``siu deliver``: send a validated delivery over the system-to-system channel (FTPS or SFTP).

The order of one delivery:

1. **Refuse what siu did not validate.** The delivery's sidecar (see :mod:`siu.deliver.sidecar`) must
   exist, say KLAR, carry the file's current SHA-256 and size, and name the spec pack version
   siu has now for that year.
2. **Connect** with the settings of ``siu.toml`` ``[delivery]`` over the spec pack's
   ``[delivery]`` defaults (provisional); the secret comes from an environment variable or the
   OS keyring, never from a file. FTPS verifies the server's certificate (system CAs plus
   ``ca_file``); SFTP checks the host key against ``known_hosts`` and refuses an unknown one.
3. **Upload under a temporary name** (``name + .part``), compare the remote size (and a SHA-256
   where the FTP server offers ``XSHA256``/``HASH``), then **rename** to the final name. A
   connection lost on the way leaves at most the temporary file, which the next try removes:
   never a partial file under the final name.
4. **Retry transient failures** (timeouts, dropped connections, 4xx replies) with exponential
   backoff, bounded by ``attempts`` and ``max_seconds``. A refused login, an untrusted server,
   a refused operation or a file already there are not retried.

A file already under the final name is refused unless ``--replace``: DST's full load replaces the
*previous delivery* once DST has processed the new one, but a file still waiting on the server has
not been processed yet (another area's or a colleague's upload, or a delivery that is being read).
Overwriting it is a decision a person makes, not a default.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siu.base.stamp import file_digest
from siu.catalogue.deliver import (  # noqa: F401  (re-exported)
    DELIVERED,
    EDITED,
    EMPTY_ARCHIVE,
    EXISTS,
    LOGIN,
    MISMATCH,
    NO_ARCHIVE,
    NO_CHANNEL,
    NO_KEYRING,
    NO_SECRET,
    NO_SIDECAR,
    NOT_FOUND,
    NOT_READY,
    OLD_SPEC,
    REFUSED,
    TEST_DELIVERY,
    UNREACHABLE,
    UNTRUSTED,
)
from siu.deliver.channel import Channel, DeliveryError, channel, fail, secret
from siu.deliver.transports import (
    FtpsTransport,
    Login,
    Refused,
    SftpTransport,
    Transient,
    Transport,
    Untrusted,
    is_transient,
    open_transport,
)

__all__ = [
    "Channel",
    "DeliveryError",
    "FtpsTransport",
    "SftpTransport",
    "Transport",
    "Upload",
    "channel",
    "check_validated",
    "open_transport",
    "secret",
    "upload",
]


@dataclass
class Upload:
    """What an upload did: where the file is, how many tries it took, whether a checksum was compared."""

    remote: str
    attempts: int
    checksum_verified: bool
    replaced: bool


def _check_temp(transport: Transport, temp: str, size: int, digest: str) -> str | None:
    """The uploaded temporary file against the local one: its size, and its SHA-256 where the
    server can tell it (returned; None when it cannot). A difference is a transient failure."""
    remote_size = transport.size(temp)
    if remote_size != size:
        transport.delete(temp)
        raise Transient(
            MISMATCH.make(
                remote=temp,
                what_da="størrelsen",
                what_en="the size",
                remote_value=remote_size,
                local_value=size,
            ).message_en
        )
    remote_digest = transport.sha256(temp)
    if remote_digest is not None and remote_digest != digest:
        transport.delete(temp)
        raise Transient(
            MISMATCH.make(
                remote=temp,
                what_da="SHA-256",
                what_en="SHA-256",
                remote_value=remote_digest,
                local_value=digest,
            ).message_en
        )
    return remote_digest


def upload(
    local: Path,
    ch: Channel,
    password: str,
    *,
    replace: bool = False,
    opener: Callable[[Channel, str], Transport] = open_transport,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Upload:
    """Upload ``local`` to the channel's folder: temporary name, size (and checksum) check, rename.
    Retries transient failures; raises :class:`DeliveryError` with the reason."""
    size, digest = file_digest(local)
    began = clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            return _try_once(local, ch, password, opener, (size, digest), replace, attempt)
        except Exception as exc:
            if not is_transient(exc):
                raise
            elapsed = clock() - began
            pause = ch.backoff * (2 ** (attempt - 1))
            if attempt >= ch.attempts or elapsed + pause > ch.max_seconds:
                error = f"{exc.__class__.__name__}: {exc}"[:300]
                raise fail(
                    UNREACHABLE,
                    file=local.name,
                    server=ch.server,
                    attempts=attempt,
                    seconds=f"{elapsed:.1f}",
                    error=error,
                ) from None
            sleep(pause)


def _try_once(
    local: Path,
    ch: Channel,
    password: str,
    opener: Callable[[Channel, str], Transport],
    stamp: tuple[int, str],
    replace: bool,
    attempt: int,
) -> Upload:
    """One try of :func:`upload`. What is final is a :class:`DeliveryError`; a transient failure
    propagates as it is, the temporary file removed."""
    size, digest = stamp
    final = ch.remote(local.name)
    temp = final + ch.temp_suffix
    transport: Transport | None = None
    try:
        transport = opener(ch, password)
        existed = transport.exists(final)
        if existed and not replace:
            raise fail(EXISTS, file=local.name, remote=final, server=ch.server)
        transport.delete(temp)  # a temporary file left by a dropped try
        transport.put(local, temp)
        remote_digest = _check_temp(transport, temp, size, digest)
        transport.rename(temp, final, replace)
        if transport.size(final) != size:
            raise fail(
                MISMATCH,
                file=local.name,
                remote=final,
                what_da="størrelsen",
                what_en="the size",
                remote_value=transport.size(final),
                local_value=size,
            )
        return Upload(remote=final, attempts=attempt, checksum_verified=remote_digest is not None, replaced=existed)
    except DeliveryError:
        raise
    except Login:
        raise fail(LOGIN, file=local.name, server=ch.server, user=ch.user) from None
    except Untrusted as exc:
        raise fail(UNTRUSTED, file=local.name, server=ch.server, reason=str(exc)[:300]) from None
    except Refused as exc:
        if transport is not None:
            transport.delete(temp)
        raise fail(REFUSED, file=local.name, server=ch.server, operation=exc.operation, error=exc.error[:300]) from None
    except Exception as exc:
        if transport is not None and is_transient(exc):
            transport.delete(temp)  # best effort: never leave a partial file behind
        raise
    finally:
        if transport is not None:
            transport.close()


def check_validated(delivery: Path, current_version: Callable[[int], str]) -> dict[str, Any]:
    """The delivery's sidecar when siu validated this very file as KLAR with the current spec pack;
    raises :class:`DeliveryError` (SIU950–SIU954) otherwise. ``current_version(year)`` is the
    version of siu's spec pack for that year now."""
    from siu.base.cpr import mask_cpr
    from siu.deliver import sidecar

    name = mask_cpr(delivery.name)
    if not delivery.is_file():
        raise fail(NOT_FOUND, file=name)
    data = sidecar.read(delivery)
    if data is None:
        raise fail(NO_SIDECAR, file=name, sidecar=mask_cpr(sidecar.sidecar_path(delivery).name))
    size, digest = file_digest(delivery)
    if size != data.get("size") or digest != data.get("sha256"):
        raise fail(EDITED, file=name)
    if data.get("test"):
        raise fail(TEST_DELIVERY, file=name)
    if data.get("verdict") != sidecar.READY:
        raise fail(NOT_READY, file=name, verdict=data.get("verdict"))
    spec = data.get("spec") or {}
    year = spec.get("year") or data.get("year")
    now = "-"  # no year, or no pack for that year any more
    if year is not None:
        try:
            now = current_version(int(year))
        except Exception:
            pass
    if spec.get("version") != now:
        raise fail(OLD_SPEC, file=name, old=spec.get("version"), new=now, year=year)
    return data
