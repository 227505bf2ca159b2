"""A plugin as ``siu plugins`` shows it, and the error that stops siu (private; public through
:mod:`siu.host.plugins`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from siu.base.cpr import mask_cpr
from siu.base.errors import BilingualError
from siu.findings import Code
from siu.models import Finding

REGISTRATION_HOOKS = ("register_sources", "register_writers", "register_rules", "register_spec_packs")
PIPELINE_HOOKS = ("map_account", "anonymise")


class PluginError(BilingualError):
    """A plugin problem that stops siu (two plugins claim one source or writer name)."""

    def __init__(self, message_da: str, message_en: str, finding: Finding | None = None) -> None:
        self.finding = finding
        super().__init__(message_da, message_en)


@dataclass
class PluginInfo:
    """One plugin as ``siu plugins`` shows it.

    ``kind`` is ``core`` (siu itself; cannot be disabled), ``builtin`` (an adapter shipped with
    siu), ``installed`` (a third-party package) or ``local`` (a file named in siu.toml).
    ``disable_as`` is the exact name to put in ``SIU_DISABLE_PLUGINS`` (None for core parts).
    """

    name: str
    package: str
    version: str
    kind: str
    status: str = "loaded"  # loaded | failed | disabled | refused
    api: str | None = None
    error: str | None = None
    problem: Finding | None = None
    hooks: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    spec_packs: list[str] = field(default_factory=list)

    @property
    def builtin(self) -> bool:
        return self.kind in ("core", "builtin")

    @property
    def disable_as(self) -> str | None:
        return None if self.kind == "core" else self.name

    def fail(self, status: str, code: Code, error: str, **params: Any) -> None:
        """Mark the plugin skipped, with the user-facing finding that says why."""
        self.status, self.error = status, mask_cpr(error)
        self.problem = code.make(
            plugin=self.name, package=self.package, version=self.version, error=self.error, **params
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "disable_as": self.disable_as,
            "package": self.package,
            "version": self.version,
            "kind": self.kind,
            "builtin": self.builtin,
            "api": self.api,
            "status": self.status,
            "error": self.error,
            "code": self.problem.code if self.problem else None,
            "message_da": self.problem.message_da if self.problem else None,
            "message_en": self.problem.message_en if self.problem else None,
            "hooks": self.hooks,
            "sources": self.sources,
            "writers": self.writers,
            "rules": self.rules,
            "spec_packs": self.spec_packs,
        }


def error_text(exc: BaseException) -> str:
    """An exception as one line for a finding, CPRs masked."""
    return mask_cpr(f"{exc.__class__.__name__}: {exc}")
