"""Loading plugins, one at a time and guarded, and collecting what they provide.

siu's own hook implementations (XML writer, mapping file, § 109 anonymisation, core rules)
are registered first; then every entry point in the ``siu`` group (the built-in adapters and
any installed third-party package), then local one-file plugins named in ``siu.toml``.
A plugin that fails to import, targets another plugin API or raises in a registration hook
is reported with its name, version and error, and skipped.

``SIU_DISABLE_PLUGINS=name,...`` skips plugins by name before they are imported, so a broken
plugin can always be switched off; ``--no-plugins`` loads only what ships with siu.
``SIU_TRACE_PLUGINS=1`` logs every hook call and its duration to stderr.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from siu import hookspecs
from siu.adapters import Source
from siu.rules import Rule
from siu.writers import Writer

API_VERSION = 1
GROUP = "siu"
SIU_DIST = "siu"


class PluginError(Exception):
    """A plugin problem that stops siu (e.g. two plugins claim one source name)."""

    def __init__(self, message_da: str, message_en: str) -> None:
        self.message_da = message_da
        self.message_en = message_en
        super().__init__(message_en)


@dataclass
class PluginInfo:
    """One plugin as ``siu plugins`` shows it."""

    name: str
    package: str
    version: str
    builtin: bool
    status: str = "loaded"  # loaded | failed | disabled | refused
    error: str | None = None
    hooks: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    spec_packs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class PluginHost:
    """The loaded plugins and everything they registered."""

    pm: pluggy.PluginManager
    plugins: list[PluginInfo]
    sources: dict[str, Source]
    writers: dict[str, Writer]
    rules: list[Rule]
    spec_pack_dirs: list[tuple[Path, str]]

    @property
    def hook(self) -> Any:
        return self.pm.hook

    @property
    def problems(self) -> list[PluginInfo]:
        return [p for p in self.plugins if p.status in ("failed", "refused")]

    def provider_of(self, kind: str, name: str) -> str:
        for p in self.plugins:
            if name in getattr(p, kind):
                return p.name
        return "?"


def _disabled_names(extra: set[str] | None = None) -> set[str]:
    names = {n.strip() for n in os.environ.get("SIU_DISABLE_PLUGINS", "").split(",") if n.strip()}
    return names | (extra or set())


def _dist_of(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "?", "?"
    return dist.metadata["Name"] or "?", dist.version or "?"


def _check_api(module: Any) -> str | None:
    declared = getattr(module, "SIU_API", None)
    if declared is None:
        return None
    try:
        major = int(str(declared).split(".")[0])
    except ValueError:
        return f"SIU_API = {declared!r} is not a version number"
    if major != API_VERSION:
        return f"targets siu plugin API {declared}, this siu provides API {API_VERSION}"
    return None


def _core_modules() -> list[tuple[str, ModuleType]]:
    from siu import anonymise, mapping, rules_builtin, xml_writer

    return [("siu.xml", xml_writer), ("siu.mapping", mapping), ("siu.anonymise", anonymise), ("siu.rules", rules_builtin)]


def load_plugins(
    *,
    no_plugins: bool = False,
    disable: set[str] | None = None,
    local_files: list[Path] | None = None,
    trace: bool | None = None,
) -> PluginHost:
    """Load siu's core, the entry-point plugins and local plugin files; never raises for a
    broken plugin (it is reported in ``host.plugins``), raises :class:`PluginError` for conflicts."""
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    from siu import __version__

    for name, module in _core_modules():
        pm.register(module, name=name)
        infos.append(PluginInfo(name=name, package=SIU_DIST, version=__version__, builtin=True))

    disabled = _disabled_names(disable)
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        package, version = _dist_of(ep)
        builtin = package == SIU_DIST
        info = PluginInfo(name=ep.name, package=package, version=version, builtin=builtin)
        infos.append(info)
        if ep.name in disabled or (no_plugins and not builtin):
            info.status = "disabled"
            continue
        if pm.has_plugin(ep.name):
            info.status, info.error = "failed", f"a plugin named {ep.name} is already loaded"
            continue
        try:
            module = ep.load()
        except Exception as exc:  # a broken plugin must not break siu
            info.status, info.error = "failed", f"{exc.__class__.__name__}: {exc}"
            continue
        _register(pm, module, info)

    if not no_plugins:
        for path in local_files or []:
            info = PluginInfo(name=f"local:{path.name}", package=str(path), version="local", builtin=False)
            infos.append(info)
            if info.name in disabled or path.stem in disabled:
                info.status = "disabled"
                continue
            try:
                module = _import_file(path)
            except Exception as exc:
                info.status, info.error = "failed", f"{exc.__class__.__name__}: {exc}"
                continue
            _register(pm, module, info)

    if trace if trace is not None else os.environ.get("SIU_TRACE_PLUGINS") == "1":
        _enable_tracing(pm)
    return _collect(pm, infos)


def _import_file(path: Path) -> ModuleType:
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    name = f"siu_local_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _register(pm: pluggy.PluginManager, module: Any, info: PluginInfo) -> None:
    refusal = _check_api(module)
    if refusal:
        info.status, info.error = "refused", refusal
        return
    try:
        pm.register(module, name=info.name)
    except Exception as exc:  # pluggy validates hook names and signatures here
        info.status, info.error = "failed", f"{exc.__class__.__name__}: {exc}"


def _collect(pm: pluggy.PluginManager, infos: list[PluginInfo]) -> PluginHost:
    by_name = {i.name: i for i in infos}
    sources: dict[str, Source] = {}
    writers: dict[str, Writer] = {}
    rules: list[Rule] = []
    packs: list[tuple[Path, str]] = []
    owners: dict[tuple[str, str], PluginInfo] = {}

    for info in infos:
        if info.status != "loaded":
            continue
        plugin = pm.get_plugin(info.name)
        info.hooks = sorted(
            hc.name for hc in (pm.get_hookcallers(plugin) or []) if not hc.name.startswith("_")
        )

    def call(hook_name: str) -> list[tuple[PluginInfo, list[Any]]]:
        out = []
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            info = by_name[impl.plugin_name]
            try:
                result = impl.function() or []
            except Exception as exc:
                info.status, info.error = "failed", f"{hook_name}: {exc.__class__.__name__}: {exc}"
                pm.unregister(name=impl.plugin_name)
                continue
            out.append((info, list(result)))
        return out

    for info, items in call("register_sources"):
        for src in items:
            other = owners.get(("source", src.name))
            if other is not None:
                raise PluginError(
                    f"To plugins registrerer kilden '{src.name}': {other.name} (pakke {other.package} {other.version}) "
                    f"og {info.name} (pakke {info.package} {info.version}). Slå den ene fra med SIU_DISABLE_PLUGINS={info.name}",
                    f"Two plugins register the source '{src.name}': {other.name} (package {other.package} {other.version}) "
                    f"and {info.name} (package {info.package} {info.version}). Disable one with SIU_DISABLE_PLUGINS={info.name}",
                )
            owners[("source", src.name)] = info
            sources[src.name] = src
            info.sources.append(src.name)
    for info, items in call("register_writers"):
        for w in items:
            other = owners.get(("writer", w.name))
            if other is not None:
                raise PluginError(
                    f"To plugins registrerer formatet '{w.name}': {other.name} ({other.package}) og {info.name} ({info.package})",
                    f"Two plugins register the format '{w.name}': {other.name} ({other.package}) and {info.name} ({info.package})",
                )
            owners[("writer", w.name)] = info
            writers[w.name] = w
            info.writers.append(w.name)
    for info, items in call("register_rules"):
        for r in items:
            rules.append(r)
            info.rules.append(r.code.code)
    for info, items in call("register_spec_packs"):
        for path in items:
            packs.append((Path(path), info.name))
            info.spec_packs.append(str(path))
    return PluginHost(pm=pm, plugins=infos, sources=sources, writers=writers, rules=rules, spec_pack_dirs=packs)


def _enable_tracing(pm: pluggy.PluginManager) -> None:
    def before(hook_name: str, hook_impls: list[Any], kwargs: dict[str, Any]) -> None:
        _starts[hook_name] = time.perf_counter()

    def after(outcome: Any, hook_name: str, hook_impls: list[Any], kwargs: dict[str, Any]) -> None:
        elapsed = (time.perf_counter() - _starts.pop(hook_name, time.perf_counter())) * 1000
        names = ",".join(i.plugin_name for i in hook_impls)
        print(f"siu-trace: {hook_name} [{names}] {elapsed:.3f} ms", file=sys.stderr)

    _starts: dict[str, float] = {}
    pm.add_hookcall_monitoring(before, after)
