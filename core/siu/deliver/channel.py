"""Where ``siu deliver`` sends a delivery: the channel (``siu.toml`` ``[delivery]`` over the spec
pack's defaults), the secret for it (an environment variable or the OS keyring, never a file), and
:class:`DeliveryError`, the one way a delivery stops."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siu.base.config import Settings
from siu.catalogue.deliver import NO_CHANNEL, NO_KEYRING, NO_SECRET
from siu.findings import Code
from siu.models import Finding, Location
from siu.specpack import SpecPack


class DeliveryError(Exception):
    """A delivery stopped (exit code 2); ``finding`` says why, in Danish and English."""

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        super().__init__(finding.message_en)


def fail(code: Code, file: str | None = None, **params: Any) -> DeliveryError:
    """The error that stops a delivery with finding ``code``, located on ``file``."""
    return DeliveryError(code.make(location=Location(file=file) if file else None, **params))


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
        raise fail(NO_CHANNEL, missing=", ".join(missing))
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
            raise fail(
                NO_SECRET,
                where_da=f"miljøvariablen {d.secret_env} er ikke sat",
                where_en=f"the environment variable {d.secret_env} is not set",
            )
    if d.keyring:
        try:
            import keyring  # optional: pip install siu[keyring]
            import keyring.errors
        except ImportError:
            raise fail(
                NO_KEYRING,
                reason_da="pakken keyring er ikke installeret (pip install siu[keyring])",
                reason_en="the keyring package is not installed (pip install siu[keyring])",
            ) from None
        try:
            value = keyring.get_password("siu", f"{ch.user}@{ch.host}")
        except keyring.errors.KeyringError as exc:  # e.g. NoKeyringError: no backend on this machine
            reason = f"{exc.__class__.__name__}: {exc}"[:200]
            raise fail(NO_KEYRING, reason_da=reason, reason_en=reason) from None
        if value:
            return value
        who = f"{ch.user}@{ch.host}"
        raise fail(
            NO_SECRET,
            where_da=f"nøgleringen har intet for tjenesten 'siu', brugeren '{who}'",
            where_en=f"the keyring has nothing for service 'siu', user '{who}'",
        )
    raise fail(
        NO_SECRET,
        where_da="[delivery] har hverken secret_env eller keyring = true",
        where_en="[delivery] has neither secret_env nor keyring = true",
    )
