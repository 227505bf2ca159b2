"""The two ways ``siu deliver`` talks to DST's server: explicit FTPS (ftplib) and SFTP (paramiko),
behind one small :class:`Transport` protocol; and which of their failures are worth another try."""

from __future__ import annotations

import ftplib
import socket
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from siu.deliver.channel import Channel


class Transient(Exception):
    """A failure worth another try (dropped connection, timeout, 4xx reply, size mismatch)."""


class Transport(Protocol):
    def exists(self, path: str) -> bool: ...
    def size(self, path: str) -> int | None: ...
    def sha256(self, path: str) -> str | None: ...
    def put(self, local: Path, path: str) -> None: ...
    def rename(self, src: str, dst: str, replace: bool) -> None: ...
    def delete(self, path: str) -> None: ...
    def close(self) -> None: ...


class Login(Exception):
    pass


class Untrusted(Exception):
    pass


class Refused(Exception):
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
            raise Untrusted(str(exc.verify_message or exc)) from None
        except ftplib.error_perm as exc:  # no AUTH TLS: the server does not speak FTPS
            self.close()
            raise Untrusted(f"no TLS: {exc}") from None
        try:
            self.ftp.login(ch.user, password)
        except ftplib.error_perm as exc:
            self.close()
            if str(exc).startswith("530"):
                raise Login() from None
            raise Refused("login", str(exc)) from None
        self.ftp.prot_p()
        self.ftp.voidcmd("TYPE I")

    def _perm(self, operation: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ftplib.error_perm as exc:
            raise Refused(operation, str(exc)) from None

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
                raise Untrusted(f"host key {key.get_name()} {key.fingerprint} is not in known_hosts")

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
            raise Login() from None
        except paramiko.BadHostKeyException as exc:
            self.client.close()
            raise Untrusted(f"the host key differs from known_hosts ({exc.key.get_name()})") from None
        except Untrusted:
            self.client.close()
            raise
        except paramiko.SSHException as exc:
            self.client.close()
            raise Transient(str(exc)) from None
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
            raise Refused(f"write {path}", str(exc)) from None

    def rename(self, src: str, dst: str, replace: bool) -> None:
        try:
            if replace:
                self.sftp.posix_rename(src, dst)
            else:
                self.sftp.rename(src, dst)
        except PermissionError as exc:
            raise Refused(f"rename {src} → {dst}", str(exc)) from None
        except OSError as exc:
            if replace and self.exists(dst):  # a server without posix-rename: remove, then rename
                self.sftp.remove(dst)
                self.sftp.rename(src, dst)
            else:
                raise Refused(f"rename {src} → {dst}", str(exc)) from None

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


TRANSIENT = (
    Transient,
    socket.timeout,
    TimeoutError,
    ConnectionError,
    EOFError,
    ftplib.error_temp,
    ftplib.error_reply,
    ssl.SSLError,
)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT):
        return True
    try:
        import paramiko

        if isinstance(exc, paramiko.SSHException) and not isinstance(exc, paramiko.AuthenticationException):
            return True
    except ImportError:  # pragma: no cover - paramiko is a dependency
        pass
    return isinstance(exc, OSError) and not isinstance(exc, (FileNotFoundError, PermissionError))
