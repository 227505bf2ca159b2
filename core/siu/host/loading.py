"""Loading plugins one at a time, each guarded: entry points, local files, registration checked
(private; used by :func:`siu.host.plugins.load_plugins`)."""

from __future__ import annotations

import difflib
import importlib.util
import sys
from collections.abc import Sequence
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from siu import SIU_API
from siu.adapters import Source
from siu.catalogue.host import (
    API_REFUSED,
    IMPORT_FAILED,
    LOCAL_MISSING,
    NAME_TAKEN,
    REGISTRATION_FAILED,
    UNKNOWN_DISABLED,
    UNKNOWN_HOOK,
)
from siu.host.plugin_info import PIPELINE_HOOKS, REGISTRATION_HOOKS, PluginInfo, error_text
from siu.models import Finding
from siu.rules import BatchRule, DeliveryRule, RecordRule
from siu.writers import Writer

API_VERSION = SIU_API
SUPPORTED_APIS = (1, 2)  # API 1 (per-row sources, rules and writers) works through an adapter layer
GROUP = "siu"
SIU_DIST = "siu"
LOCAL_FILE = "siu_local.py"


def _dist_of(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "?", "?"
    return dist.metadata["Name"] or "?", dist.version or "?"


def check_api(plugin: Any) -> tuple[str | None, str | None]:
    """The API a plugin declares (``SIU_API``) and, when siu cannot use it, why (English)."""
    declared = getattr(plugin, "SIU_API", None)
    if declared is None:
        return None, None
    text = str(declared)
    try:
        major = int(text.split(".")[0])
    except ValueError:
        return text, f"SIU_API = {declared!r} is not a version number"
    if major not in SUPPORTED_APIS:
        return text, f"targets siu plugin API {declared}, this siu provides API {API_VERSION} (and API 1)"
    return text, None


def load_entry_points(pm: pluggy.PluginManager, infos: list[PluginInfo], disabled: set[str], no_plugins: bool) -> None:
    """The plugins of the ``siu`` entry-point group, one at a time: a broken one is reported."""
    owners: dict[str, str] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        package, version = _dist_of(ep)
        info = PluginInfo(
            name=ep.name, package=package, version=version, kind="builtin" if package == SIU_DIST else "installed"
        )
        if ep.name in owners:
            # the same name from a second package: the first one stays, this one is reported
            if owners[ep.name] != package:
                infos.append(info)
                info.status, info.error = "failed", f"name already used by {owners[ep.name]}"
                info.problem = NAME_TAKEN.make(plugin=ep.name, package=package, other=owners[ep.name])
            continue
        owners[ep.name] = package
        infos.append(info)
        if ep.name in disabled or (no_plugins and not info.builtin):
            info.status = "disabled"
            continue
        try:
            plugin = ep.load()
        except (Exception, SystemExit) as exc:  # a broken plugin must not break siu
            info.fail("failed", IMPORT_FAILED, error_text(exc))
            continue
        register(pm, plugin, info)


def load_local_files(
    pm: pluggy.PluginManager, infos: list[PluginInfo], local_files: Sequence[Path], disabled: set[str], no_plugins: bool
) -> None:
    """The local plugin files named in siu.toml, one at a time."""
    for path in local_files:
        info = PluginInfo(name=f"local:{path.name}", package=str(path), version="local", kind="local")
        infos.append(info)
        if no_plugins or {info.name, path.name, path.stem} & disabled:
            info.status = "disabled"
            continue
        if not path.is_file():
            info.status, info.error = "failed", f"no such file: {path}"
            info.problem = LOCAL_MISSING.make(path=str(path))
            continue
        try:
            plugin = _import_file(path)
        except (Exception, SystemExit) as exc:
            info.fail("failed", IMPORT_FAILED, error_text(exc))
            continue
        register(pm, plugin, info)


def unknown_disabled(infos: list[PluginInfo], disabled: set[str]) -> list[Finding]:
    """SIU807 for every name in SIU_DISABLE_PLUGINS that names no plugin."""
    notices = []
    known = sorted(i.name for i in infos if i.disable_as)
    for name in sorted(disabled):
        if not any(name in (i.name, Path(i.package).name, Path(i.package).stem) for i in infos if i.disable_as):
            notices.append(UNKNOWN_DISABLED.make(name=name, known=", ".join(known) or "-"))

    return notices


def _import_file(path: Path) -> ModuleType:
    name = f"siu_local_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def register(pm: pluggy.PluginManager, plugin: Any, info: PluginInfo) -> None:
    declared, refusal = check_api(plugin)
    info.api = declared
    if refusal:
        info.fail("refused", API_REFUSED, refusal, declared=declared, api=API_VERSION)
        return
    try:
        pm.register(plugin, name=info.name)
    except pluggy.PluginValidationError as exc:  # hook arguments that are not in the spec
        info.fail("refused", UNKNOWN_HOOK, error_text(exc))
        return
    except Exception as exc:  # e.g. the same module behind two entry points
        info.fail("failed", REGISTRATION_FAILED, error_text(exc), hook="register")
        return
    unknown = [hc.name for hc in pm.get_hookcallers(plugin) or [] if hc.spec is None]
    if unknown:
        pm.unregister(name=info.name)
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, [*REGISTRATION_HOOKS, *PIPELINE_HOOKS], n=1)
            hints.append(f"{name}" + (f" (did you mean {close[0]}?)" if close else ""))
        info.fail("refused", UNKNOWN_HOOK, "unknown hook " + ", ".join(hints))


_EXPECTED: dict[str, tuple[type | tuple[type, ...], str]] = {
    "register_sources": (Source, "siu.adapters.Source"),
    "register_writers": (Writer, "siu.writers.Writer"),
    "register_rules": ((RecordRule, DeliveryRule, BatchRule), "a rule made with record_rule/batch_rule/delivery_rule"),
    "register_spec_packs": ((str, Path), "a folder path"),
}


def registered(info: PluginInfo, hook_name: str, result: Any) -> list[Any]:
    """Check what one registration hook returned; raise ValueError saying what is wrong."""
    if result is None:
        return []
    if isinstance(result, (str, Path)) or not isinstance(result, (list, tuple)):
        raise ValueError(f"returned {type(result).__name__}, expected a list")
    kind, described = _EXPECTED[hook_name]
    items = list(result)
    for item in items:
        if not isinstance(item, kind):
            raise ValueError(f"returned an item of type {type(item).__name__}, expected {described}")
        if hook_name in ("register_sources", "register_writers") and not getattr(item, "name", ""):
            raise ValueError(f"{type(item).__name__} has no name")
        if hook_name == "register_spec_packs" and not (Path(str(item)) / "manifest.toml").is_file():  # str or Path
            raise ValueError(f"{item} is not a spec pack folder (no manifest.toml)")
    return items
