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

import ftplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from siu.base.config import Settings
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
from siu.findings import Code
from siu.models import Finding, Location
from siu.specpack import SpecPack

# --- finding codes (SIU950–SIU969: delivering) ----------------------------------------------


class DeliveryError(Exception):
    """A delivery stopped (exit code 2); ``finding`` says why, in Danish and English."""

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        super().__init__(finding.message_en)


class _Transient(Exception):
    """A failure worth another try (dropped connection, timeout, 4xx reply, size mismatch)."""


def _fail(code: Code, file: str | None = None, **params: Any) -> DeliveryError:
    return DeliveryError(code.make(location=Location(file=file) if file else None, **params))


# --- the channel ---------------------------------------------------------------------------


@dataclass
class Channel:
    """Where a delivery goes: the merged ``[delivery]`` of spec pack and ``siu.toml``."""

    protocol: str
    host: str
    port: int
    user: str
    folder: str
    temp_suffix: str
    timeout: float
    attempts: int
    backoff: float
    max_seconds: float
    ca_file: Path | None = None
    known_hosts: Path | None = None
    provisional: list[str] = field(default_factory=list)

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    def remote(self, name: str) -> str:
        return (self.folder.rstrip("/") + "/" + name) if self.folder not in ("", ".") else name


def channel(settings: Settings, spec: SpecPack) -> Channel:
    """The channel from ``siu.toml`` over the pack's defaults; raises :class:`DeliveryError` (SIU955)."""
    d, pack = settings.delivery, spec.manifest.delivery
    protocol = (d.protocol or pack.protocol or "").lower()
    missing = []
    if protocol not in ("sftp", "ftps"):
        missing.append('protocol = "sftp" | "ftps"')
    host = d.host or pack.host
    if not host:
        missing.append("host")
    if not d.user:
        missing.append("user")
    if missing:
        raise _fail(NO_CHANNEL, missing=", ".join(missing))
    if d.port:
        port = d.port
    elif pack.port and protocol == pack.protocol:
        port = pack.port
    else:
        port = 22 if protocol == "sftp" else 21
    provisional = [] if (d.host and d.folder is not None) else list(pack.provisional)
    return Channel(
        protocol=protocol,
        host=str(host),
        port=int(port),
        user=str(d.user),
        folder=d.folder if d.folder is not None else pack.folder,
        temp_suffix=pack.temp_suffix,
        timeout=d.timeout,
        attempts=d.attempts,
        backoff=d.backoff,
        max_seconds=d.max_seconds,
        ca_file=settings.resolve(d.ca_file),
        known_hosts=settings.resolve(d.known_hosts),
        provisional=provisional,
    )


def secret(settings: Settings, ch: Channel, environ: dict[str, str] | None = None) -> str:
    """The password: from the environment variable ``secret_env`` or the OS keyring. Never from a file."""
    import os

    env = os.environ if environ is None else environ
    d = settings.delivery
    if d.secret_env:
        value = env.get(d.secret_env)
        if value:
            return value
        if not d.keyring:
            raise _fail(
                NO_SECRET,
                where_da=f"miljøvariablen {d.secret_env} er ikke sat",
                where_en=f"the environment variable {d.secret_env} is not set",
            )
    if d.keyring:
        try:
            import keyring  # optional: pip install siu[keyring]
            import keyring.errors
        except ImportError:
            raise _fail(
                NO_KEYRING,
                reason_da="pakken keyring er ikke installeret (pip install siu[keyring])",
                reason_en="the keyring package is not installed (pip install siu[keyring])",
            ) from None
        try:
            value = keyring.get_password("siu", f"{ch.user}@{ch.host}")
        except keyring.errors.KeyringError as exc:  # e.g. NoKeyringError: no backend on this machine
            reason = f"{exc.__class__.__name__}: {exc}"[:200]
            raise _fail(NO_KEYRING, reason_da=reason, reason_en=reason) from None
        if value:
            return value
        who = f"{ch.user}@{ch.host}"
        raise _fail(
            NO_SECRET,
            where_da=f"nøgleringen har intet for tjenesten 'siu', brugeren '{who}'",
            where_en=f"the keyring has nothing for service 'siu', user '{who}'",
        )
    raise _fail(
        NO_SECRET,
        where_da="[delivery] har hverken secret_env eller keyring = true",
        where_en="[delivery] has neither secret_env nor keyring = true",
    )


# --- transports ----------------------------------------------------------------------------


class Transport(Protocol):
    def exists(self, path: str) -> bool: ...
    def size(self, path: str) -> int | None: ...
    def sha256(self, path: str) -> str | None: ...
    def put(self, local: Path, path: str) -> None: ...
    def rename(self, src: str, dst: str, replace: bool) -> None: ...
    def delete(self, path: str) -> None: ...
    def close(self) -> None: ...


class _Login(Exception):
    pass


class _Untrusted(Exception):
    pass


class _Refused(Exception):
    def __init__(self, operation: str, error: str) -> None:
        self.operation, self.error = operation, error
        super().__init__(error)


class FtpsTransport:
    """Explicit FTPS (AUTH TLS, then PROT P) with the standard library's ftplib."""

    def __init__(self, ch: Channel, password: str) -> None:
        context = ssl.create_default_context(cafile=str(ch.ca_file) if ch.ca_file else None)
        self.ftp = ftplib.FTP_TLS(context=context, timeout=ch.timeout)
        try:
            self.ftp.connect(ch.host, ch.port, timeout=ch.timeout)
            self.ftp.auth()
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise _Untrusted(str(exc.verify_message or exc)) from None
        except ftplib.error_perm as exc:  # no AUTH TLS: the server does not speak FTPS
            self.close()
            raise _Untrusted(f"no TLS: {exc}") from None
        try:
            self.ftp.login(ch.user, password)
        except ftplib.error_perm as exc:
            self.close()
            if str(exc).startswith("530"):
                raise _Login() from None
            raise _Refused("login", str(exc)) from None
        self.ftp.prot_p()
        self.ftp.voidcmd("TYPE I")

    def _perm(self, operation: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ftplib.error_perm as exc:
            raise _Refused(operation, str(exc)) from None

    def size(self, path: str) -> int | None:
        try:
            return self.ftp.size(path)
        except ftplib.error_perm:  # 550: no such file
            return None

    def exists(self, path: str) -> bool:
        return self.size(path) is not None

    def sha256(self, path: str) -> str | None:
        """The server's SHA-256 of ``path`` when it offers one (XSHA256, or HASH after OPTS HASH SHA-256)."""
        for command in (f"XSHA256 {path}", f"HASH {path}"):
            try:
                reply = self.ftp.sendcmd(command)
            except (ftplib.error_perm, ftplib.error_reply, ftplib.error_temp):
                continue
            for word in reply.split():
                if len(word) == 64 and all(c in "0123456789abcdefABCDEF" for c in word):
                    return word.lower()
        return None

    def put(self, local: Path, path: str) -> None:
        with local.open("rb") as fh:
            self._perm(f"STOR {path}", lambda: self.ftp.storbinary(f"STOR {path}", fh, blocksize=64 * 1024))

    def rename(self, src: str, dst: str, replace: bool) -> None:
        if replace and self.exists(dst):
            self._perm(f"DELE {dst}", lambda: self.ftp.delete(dst))
        self._perm(f"RNFR {src} / RNTO {dst}", lambda: self.ftp.rename(src, dst))

    def delete(self, path: str) -> None:
        try:
            self.ftp.delete(path)
        except ftplib.all_errors:
            pass

    def close(self) -> None:
        try:
            self.ftp.quit()
        except Exception:
            try:
                self.ftp.close()
            except Exception:
                pass


class SftpTransport:
    """SFTP with paramiko; an unknown host key is refused (never accepted silently)."""

    def __init__(self, ch: Channel, password: str) -> None:
        import paramiko

        class Refuse(paramiko.MissingHostKeyPolicy):
            def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
                raise _Untrusted(f"host key {key.get_name()} {key.fingerprint} is not in known_hosts")

        self.client = paramiko.SSHClient()
        known = ch.known_hosts or Path.home() / ".ssh" / "known_hosts"
        try:
            if known.is_file():
                self.client.load_host_keys(str(known))
        except OSError:
            pass
        self.client.set_missing_host_key_policy(Refuse())
        try:
            self.client.connect(
                ch.host,
                port=ch.port,
                username=ch.user,
                password=password,
                timeout=ch.timeout,
                banner_timeout=ch.timeout,
                auth_timeout=ch.timeout,
                allow_agent=False,
                look_for_keys=False,
            )
        except paramiko.AuthenticationException:
            self.client.close()
            raise _Login() from None
        except paramiko.BadHostKeyException as exc:
            self.client.close()
            raise _Untrusted(f"the host key differs from known_hosts ({exc.key.get_name()})") from None
        except _Untrusted:
            self.client.close()
            raise
        except paramiko.SSHException as exc:
            self.client.close()
            raise _Transient(str(exc)) from None
        self.sftp = self.client.open_sftp()
        self.sftp.get_channel().settimeout(ch.timeout)

    def size(self, path: str) -> int | None:
        try:
            return self.sftp.stat(path).st_size
        except FileNotFoundError:
            return None

    def exists(self, path: str) -> bool:
        return self.size(path) is not None

    def sha256(self, path: str) -> str | None:
        return None  # SFTP v3 has no standard checksum; the size is compared

    def put(self, local: Path, path: str) -> None:
        try:
            with local.open("rb") as fh:
                self.sftp.putfo(fh, path, confirm=False)
        except PermissionError as exc:
            raise _Refused(f"write {path}", str(exc)) from None

    def rename(self, src: str, dst: str, replace: bool) -> None:
        try:
            if replace:
                self.sftp.posix_rename(src, dst)
            else:
                self.sftp.rename(src, dst)
        except PermissionError as exc:
            raise _Refused(f"rename {src} → {dst}", str(exc)) from None
        except OSError as exc:
            if replace and self.exists(dst):  # a server without posix-rename: remove, then rename
                self.sftp.remove(dst)
                self.sftp.rename(src, dst)
            else:
                raise _Refused(f"rename {src} → {dst}", str(exc)) from None

    def delete(self, path: str) -> None:
        try:
            self.sftp.remove(path)
        except Exception:
            pass

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass


def open_transport(ch: Channel, password: str) -> Transport:
    return FtpsTransport(ch, password) if ch.protocol == "ftps" else SftpTransport(ch, password)


# --- one delivery --------------------------------------------------------------------------


@dataclass
class Upload:
    """What an upload did: where the file is, how many tries it took, whether a checksum was compared."""

    remote: str
    attempts: int
    checksum_verified: bool
    replaced: bool


TRANSIENT = (
    _Transient,
    socket.timeout,
    TimeoutError,
    ConnectionError,
    EOFError,
    ftplib.error_temp,
    ftplib.error_reply,
    ssl.SSLError,
)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT):
        return True
    try:
        import paramiko

        if isinstance(exc, paramiko.SSHException) and not isinstance(exc, paramiko.AuthenticationException):
            return True
    except ImportError:  # pragma: no cover - paramiko is a dependency
        pass
    return isinstance(exc, OSError) and not isinstance(exc, (FileNotFoundError, PermissionError))


def _check_temp(transport: Transport, temp: str, size: int, digest: str) -> str | None:
    """The uploaded temporary file against the local one: its size, and its SHA-256 where the
    server can tell it (returned; None when it cannot). A difference is a transient failure."""
    remote_size = transport.size(temp)
    if remote_size != size:
        transport.delete(temp)
        raise _Transient(
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
        raise _Transient(
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
    final = ch.remote(local.name)
    temp = final + ch.temp_suffix
    began = clock()
    attempt = 0
    while True:
        attempt += 1
        transport: Transport | None = None
        try:
            transport = opener(ch, password)
            existed = transport.exists(final)
            if existed and not replace:
                raise _fail(EXISTS, file=local.name, remote=final, server=ch.server)
            transport.delete(temp)  # a temporary file left by a dropped try
            transport.put(local, temp)
            remote_digest = _check_temp(transport, temp, size, digest)
            transport.rename(temp, final, replace)
            if transport.size(final) != size:
                raise _fail(
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
        except _Login:
            raise _fail(LOGIN, file=local.name, server=ch.server, user=ch.user) from None
        except _Untrusted as exc:
            raise _fail(UNTRUSTED, file=local.name, server=ch.server, reason=str(exc)[:300]) from None
        except _Refused as exc:
            if transport is not None:
                transport.delete(temp)
            raise _fail(
                REFUSED, file=local.name, server=ch.server, operation=exc.operation, error=exc.error[:300]
            ) from None
        except Exception as exc:
            if not _is_transient(exc):
                raise
            if transport is not None:
                transport.delete(temp)  # best effort: never leave a partial file behind
            elapsed = clock() - began
            pause = ch.backoff * (2 ** (attempt - 1))
            if attempt >= ch.attempts or elapsed + pause > ch.max_seconds:
                error = f"{exc.__class__.__name__}: {exc}"[:300]
                raise _fail(
                    UNREACHABLE,
                    file=local.name,
                    server=ch.server,
                    attempts=attempt,
                    seconds=f"{elapsed:.1f}",
                    error=error,
                ) from None
            sleep(pause)
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
        raise _fail(NOT_FOUND, file=name)
    data = sidecar.read(delivery)
    if data is None:
        raise _fail(NO_SIDECAR, file=name, sidecar=mask_cpr(sidecar.sidecar_path(delivery).name))
    size, digest = file_digest(delivery)
    if size != data.get("size") or digest != data.get("sha256"):
        raise _fail(EDITED, file=name)
    if data.get("test"):
        raise _fail(TEST_DELIVERY, file=name)
    if data.get("verdict") != sidecar.READY:
        raise _fail(NOT_READY, file=name, verdict=data.get("verdict"))
    spec = data.get("spec") or {}
    year = spec.get("year") or data.get("year")
    now = "-"  # no year, or no pack for that year any more
    if year is not None:
        try:
            now = current_version(int(year))
        except Exception:
            pass
    if spec.get("version") != now:
        raise _fail(OLD_SPEC, file=name, old=spec.get("version"), new=now, year=year)
    return data
