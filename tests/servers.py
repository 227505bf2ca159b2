"""Loopback FTPS and SFTP servers for ``siu deliver``'s tests, started by the tests themselves.

Both listen on 127.0.0.1 on a free port, serve one folder, run in a daemon thread and are
stopped by their fixture. ``drops`` makes the next N uploads fail half-way: the server keeps
what it received so far under the name being written and closes the connection, as a network
failure would.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

USER, PASSWORD = "kommune101", "hemmelig-adgang"


# --- a self-signed certificate (cryptography) --------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to ``folder``; the certificate is its own CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "siu test server")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server-cert.pem", folder / "server-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Server:
    """A running test server: where it listens, the folder it serves, and how many uploads to drop."""

    port: int
    root: Path
    trust: Path  # ca_file (FTPS) or known_hosts (SFTP)
    drops: list[int] = field(default_factory=lambda: [0])
    stop: Any = None

    def files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.root.iterdir() if p.is_file()}


# --- FTPS (pyftpdlib) --------------------------------------------------------------------------


def start_ftps(root: Path, certs: Path) -> Server:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import TLS_FTPHandler
    from pyftpdlib.servers import FTPServer

    cert, key = self_signed(certs)
    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, PASSWORD, str(root), perm="elradfmwMT")
    drops = [0]

    class Handler(TLS_FTPHandler):
        def ftp_STOR(self, file: str, mode: str = "w") -> Any:
            if drops[0] > 0:  # the network fails half-way: part of the file arrives, then nothing
                drops[0] -= 1
                with open(file, "wb") as fh:
                    fh.write(b"<?xml version")
                self.close()
                return None
            return super().ftp_STOR(file, mode)

    Handler.authorizer = authorizer
    Handler.certfile = str(cert)
    Handler.keyfile = str(key)
    Handler.tls_control_required = True
    Handler.tls_data_required = True
    Handler.passive_ports = None
    Handler.banner = "siu test FTPS"
    Handler.auth_failed_timeout = 0.1  # pyftpdlib waits 3 s after a wrong password by default
    server = FTPServer(("127.0.0.1", 0), Handler)
    server.max_cons = 16
    port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.05, "blocking": True}, daemon=True)
    thread.start()

    def stop() -> None:
        server.close_all()
        thread.join(timeout=5)

    return Server(port=port, root=root, trust=cert, drops=drops, stop=stop)


# --- SFTP (paramiko) ---------------------------------------------------------------------------


def start_sftp(root: Path, keys: Path) -> Server:
    import paramiko

    host_key = paramiko.ECDSAKey.generate()
    drops = [0]

    class Auth(paramiko.ServerInterface):
        def __init__(self, transport: paramiko.Transport) -> None:
            self.transport = transport

        def check_auth_password(self, username: str, password: str) -> int:
            return paramiko.AUTH_SUCCESSFUL if (username, password) == (USER, PASSWORD) else paramiko.AUTH_FAILED

        def get_allowed_auths(self, username: str) -> str:
            return "password"

        def check_channel_request(self, kind: str, chanid: int) -> int:
            return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def local(path: str) -> Path:
        return root / path.lstrip("/")

    class Handle(paramiko.SFTPHandle):
        def write(self, offset: int, data: bytes) -> int:
            result = super().write(offset, data)
            if drops[0] > 0 and offset == 0:  # the network fails after the first block
                drops[0] -= 1
                self.filehandle.flush()
                self.transport.close()
            return result

    class Files(paramiko.SFTPServerInterface):
        def __init__(self, server: Auth, *args: Any, **kwargs: Any) -> None:
            self.transport = server.transport
            super().__init__(server, *args, **kwargs)

        def _err(self, exc: OSError) -> int:
            return paramiko.SFTPServer.convert_errno(exc.errno)

        def stat(self, path: str) -> Any:
            try:
                return paramiko.SFTPAttributes.from_stat(os.stat(local(path)))
            except OSError as exc:
                return self._err(exc)

        lstat = stat

        def list_folder(self, path: str) -> Any:
            try:
                return [paramiko.SFTPAttributes.from_stat(os.stat(p), p.name) for p in local(path).iterdir()]
            except OSError as exc:
                return self._err(exc)

        def open(self, path: str, flags: int, attr: Any) -> Any:
            try:
                fd = os.open(local(path), flags | getattr(os, "O_BINARY", 0), 0o644)
                mode = "r+b" if flags & (os.O_WRONLY | os.O_RDWR) else "rb"
                fh = os.fdopen(fd, mode)
            except OSError as exc:
                return self._err(exc)
            handle = Handle(flags)
            handle.filename = str(local(path))
            handle.readfile = handle.writefile = fh
            handle.filehandle = fh
            handle.transport = self.transport
            return handle

        def remove(self, path: str) -> int:
            try:
                os.remove(local(path))
            except OSError as exc:
                return self._err(exc)
            return paramiko.SFTP_OK

        def rename(self, old: str, new: str) -> int:
            if local(new).exists():  # SFTP v3: rename does not overwrite
                return paramiko.SFTP_FAILURE
            try:
                os.rename(local(old), local(new))
            except OSError as exc:
                return self._err(exc)
            return paramiko.SFTP_OK

        def posix_rename(self, old: str, new: str) -> int:
            try:
                os.replace(local(old), local(new))
            except OSError as exc:
                return self._err(exc)
            return paramiko.SFTP_OK

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    port = sock.getsockname()[1]
    running = [True]
    transports: list[paramiko.Transport] = []

    def serve() -> None:
        while running[0]:
            try:
                conn, _ = sock.accept()
            except (socket.timeout, OSError):
                continue
            transport = paramiko.Transport(conn)
            transport.add_server_key(host_key)
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, Files)
            transports.append(transport)
            try:
                transport.start_server(server=Auth(transport))
            except Exception:
                transport.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    known = keys / "known_hosts"
    hosts = paramiko.HostKeys()
    hosts.add(f"[127.0.0.1]:{port}", host_key.get_name(), host_key)
    hosts.save(str(known))

    def stop() -> None:
        running[0] = False
        thread.join(timeout=5)
        for t in transports:
            t.close()
        sock.close()

    return Server(port=port, root=root, trust=known, drops=drops, stop=stop)
