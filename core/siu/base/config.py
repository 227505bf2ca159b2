"""The municipality's settings: ``siu.toml``, overridden by command-line flags.

Example ``siu.toml``::

    kommune = "101"            # DST's 3-digit municipality code
    year = 2025                # reporting year
    area = "voksen"            # voksen | boern | begge (--split on the command line overrides it)
    lang = "da"                # da | en: the language of messages (--lang overrides it)
    mapping = "mapping.toml"   # local accounts → kontostreng (relative to this file)

    [anonymisation]
    placeholders = ["0101010000"]   # shared placeholder CPRs used for anonymous § 109 stays
    anonymise_all_109 = false

    [severity]                 # override a rule's severity
    SIU120 = "warning"

    [source.opus]              # settings for one adapter
    period = "posting_month"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from siu.base.errors import BilingualError
from siu.base.tomlfile import read_toml
from siu.models import Severity


class ConfigError(BilingualError):
    """``siu.toml`` cannot be read; the message says where and why (Danish and English)."""


class Anonymisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    placeholders: list[str] = Field(default_factory=list)
    anonymise_all_109: bool = False


class Validation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mad_k: float = Field(default=5.0, gt=0)  # extreme values: median ± k·MAD of annualised expenditure per paragraph
    ceilings: dict[str, float] = Field(default_factory=dict)  # paragraph → annualised ceiling (kr.)
    tolerance: float = Field(default=1.0, ge=0)  # reconciliation: allowed difference in kroner per function/kind
    accounts: Path | None = None  # reconciliation: trial balance (CSV/xlsx), relative to siu.toml
    max_age: int = Field(default=110, gt=0)  # SIU106: an older citizen's CPR is probably a placeholder
    placeholder_overlaps: int = Field(default=5, ge=2)  # SIU407: § 109 lines on one CPR covering the same day


class DeliverySettings(BaseModel):
    """``[delivery]``: the system-to-system channel (``siu deliver``) and the local archive.

    Host, port and folder default to the spec pack's ``[delivery]`` section (provisional until DST
    publishes them). The secret is never read from this file: ``secret_env`` names an environment
    variable, or ``keyring = true`` reads it from the operating system's keyring."""

    model_config = ConfigDict(extra="forbid")

    protocol: str | None = None  # sftp | ftps
    host: str | None = None
    port: int | None = Field(default=None, gt=0, lt=65536)
    user: str | None = None
    folder: str | None = None
    secret_env: str | None = None  # name of the environment variable holding the password
    keyring: bool = False  # read the password from the OS keyring (service "siu", the user name)
    ca_file: Path | None = None  # FTPS: certificate authority to trust besides the system's
    known_hosts: Path | None = None  # SFTP: known_hosts file (default ~/.ssh/known_hosts)
    attempts: int = Field(default=4, ge=1, le=20)  # tries per delivery for transient failures
    backoff: float = Field(default=2.0, ge=0)  # seconds before the second try; doubles per try
    max_seconds: float = Field(default=300.0, gt=0)  # give up retrying after this long
    timeout: float = Field(default=30.0, gt=0)  # seconds per network operation
    archive: Path | None = None  # archive folder (default: siu-arkiv beside siu.toml)
    compare: bool = True  # siu convert compares with the last archived delivery
    drop_share: float = Field(default=0.2, gt=0, lt=1)  # warn when money/citizens/months drop by this share


class Settings(BaseModel):
    """Everything a run is configured with. Paths are resolved relative to ``siu.toml``."""

    model_config = ConfigDict(extra="forbid")

    kommune: str | None = None
    year: int | None = None
    area: str | None = None
    mapping: Path | None = None
    format: str = "xml"
    aggregate: bool = False
    lang: str = "da"
    plugins: list[Path] = Field(default_factory=list)  # local one-file plugins
    anonymisation: Anonymisation = Field(default_factory=Anonymisation)
    validation: Validation = Field(default_factory=Validation)
    severity: dict[str, Severity] = Field(default_factory=dict)
    source: dict[str, dict[str, Any]] = Field(default_factory=dict)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    base_dir: Path = Path(".")

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, v: str) -> str:
        if v not in ("da", "en"):
            raise ValueError('lang must be "da" or "en"')
        return v

    @field_validator("kommune", mode="before")
    @classmethod
    def _kommune_text(cls, v: Any) -> Any:
        if isinstance(v, int):
            return f"{v:03d}"
        return v

    def resolve(self, path: Path | None) -> Path | None:
        if path is None:
            return None
        return path if path.is_absolute() else self.base_dir / path

    def with_overrides(self, **flags: Any) -> Settings:
        """A copy with every flag that was given (not None) applied."""
        given = {k: v for k, v in flags.items() if v is not None}
        return self.model_copy(update=given)

    def with_validation(self, **flags: Any) -> Settings:
        """A copy with every ``[validation]`` flag that was given (not None) applied."""
        given = {k: v for k, v in flags.items() if v is not None}
        return self.model_copy(update={"validation": self.validation.model_copy(update=given)}) if given else self


def load_settings(path: Path | None) -> Settings:
    """Read ``siu.toml`` (or the given file); without one, defaults. Raises :class:`ConfigError`."""
    if path is None:
        default = Path("siu.toml")
        if not default.exists():
            return Settings()
        path = default
    data = read_toml(
        path, ConfigError, ("Konfigurationsfilen findes ikke: {path}", "Configuration file not found: {path}")
    )
    try:
        settings = Settings.model_validate({**data, "base_dir": path.parent.resolve()})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(
            f"{path}: ugyldige indstillinger: {problems}", f"{path}: invalid settings: {problems}"
        ) from None
    return settings
