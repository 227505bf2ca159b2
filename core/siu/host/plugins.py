"""Loading plugins, one at a time and guarded, and collecting what they provide.

siu's own hook implementations (XML writer, mapping file, § 109 anonymisation, core rules)
are registered first; then every entry point in the ``siu`` group (the built-in adapters and
any installed third-party package), then local one-file plugins (``siu_local.py`` beside
``siu.toml``, or files listed in its ``plugins = [...]``).

Each plugin is guarded on its own: one that fails to import (SIU801), targets another plugin
API (SIU802), raises or returns nonsense from a registration hook (SIU803) or implements a hook
siu does not know (SIU805) is reported with its name, package and version, and skipped; the
rest of siu keeps working. When one of its pipeline hooks raises during a run, the posting gets
a finding (SIU808) instead of a traceback. Two plugins providing the same source or writer
name is an error naming both packages (SIU804).

``SIU_DISABLE_PLUGINS=name,...`` skips plugins by name before they are imported, so a broken
plugin can always be switched off; ``--no-plugins`` loads only what ships with siu.
``SIU_TRACE_PLUGINS=1`` logs every hook call (plugin, duration, kind of answer) to stderr.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from siu import hookspecs
from siu.adapters import Source
from siu.catalogue.host import (
    CONFLICT,
    REGISTRATION_FAILED,
)
from siu.host.calls import call_one, wrap_impls
from siu.host.hook_reference import HOOK_REFERENCE_END, HOOK_REFERENCE_START, hook_reference, write_hook_reference
from siu.host.loading import (
    API_VERSION,
    GROUP,
    LOCAL_FILE,
    SIU_DIST,
    check_api,
    load_entry_points,
    load_local_files,
    register,
    registered,
    unknown_disabled,
)
from siu.host.plugin_info import PIPELINE_HOOKS, REGISTRATION_HOOKS, PluginError, PluginInfo, error_text
from siu.models import Finding
from siu.rules import Rule
from siu.writers import Writer

if TYPE_CHECKING:
    from siu.base.config import Settings

__all__ = [
    "API_VERSION",
    "GROUP",
    "HOOK_REFERENCE_END",
    "HOOK_REFERENCE_START",
    "LOCAL_FILE",
    "PIPELINE_HOOKS",
    "REGISTRATION_HOOKS",
    "SIU_DIST",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "check_api",
    "disabled_names",
    "hook_reference",
    "load_plugins",
    "local_plugin_files",
    "write_hook_reference",
]


@dataclass
class PluginHost:
    """The loaded plugins and everything they registered."""

    pm: pluggy.PluginManager
    plugins: list[PluginInfo]
    sources: dict[str, Source]
    writers: dict[str, Writer]
    rules: list[Rule]
    spec_pack_dirs: list[tuple[Path, str]]
    notices: list[Finding] = field(default_factory=list)  # problems not tied to one loaded plugin
    conflicts: list[PluginError] = field(default_factory=list)
    tracing: bool = False  # hook calls go through pluggy's dispatch, so its monitoring sees them

    @property
    def hook(self) -> Any:
        return self.pm.hook

    @property
    def problems(self) -> list[PluginInfo]:
        """Plugins that were skipped because something is wrong with them."""
        return [p for p in self.plugins if p.status in ("failed", "refused")]

    def warnings(self) -> list[Finding]:
        """Every plugin problem to show the user, as findings (code, Danish and English message)."""
        return [p.problem for p in self.problems if p.problem is not None] + list(self.notices)

    def get(self, name: str) -> PluginInfo | None:
        return next((p for p in self.plugins if p.name == name), None)

    def provider_of(self, kind: str, name: str) -> str:
        for p in self.plugins:
            if name in getattr(p, kind):
                return p.name
        return "?"


def disabled_names(extra: set[str] | None = None) -> set[str]:
    """The plugin names in ``SIU_DISABLE_PLUGINS`` (comma-separated) plus ``extra``."""
    names = {n.strip() for n in os.environ.get("SIU_DISABLE_PLUGINS", "").split(",") if n.strip()}
    return names | (extra or set())


def local_plugin_files(settings: Settings) -> list[Path]:
    """The local one-file plugins of a municipality: ``plugins = [...]`` in siu.toml (relative to
    it) and ``siu_local.py`` beside it. Without a siu.toml no local file is loaded, so running siu
    in an arbitrary folder never executes a ``siu_local.py`` lying there."""
    files = [p for p in (settings.resolve(p) for p in settings.plugins) if p is not None]
    if settings.base_dir.is_absolute():  # set only when settings came from a siu.toml
        default = settings.base_dir / LOCAL_FILE
        if default.exists() and all(default.resolve() != f.resolve() for f in files):
            files.append(default)
    return files


def _core_modules() -> list[tuple[str, ModuleType]]:
    from siu import mapping
    from siu.anonymise import hook as anonymise
    from siu.check import builtin as rules_builtin
    from siu.check import history as history_rules
    from siu.write import xml as xml_writer

    return [
        ("siu.xml", xml_writer),
        ("siu.mapping", mapping),
        ("siu.anonymise", anonymise),
        ("siu.rules", rules_builtin),
        ("siu.history", history_rules),
    ]


def load_plugins(
    *,
    no_plugins: bool = False,
    disable: set[str] | None = None,
    local_files: Sequence[Path] = (),
    extra: Sequence[tuple[str, Any]] = (),
    discover: bool = True,
    trace: bool | None = None,
    raise_conflicts: bool = True,
) -> PluginHost:
    """Load siu's core, the entry-point plugins, local plugin files and ``extra`` plugin objects.

    Never raises for a broken plugin (it is reported in ``host.plugins`` and
    ``host.warnings()``). Raises :class:`PluginError` when two plugins claim one source or writer
    name, unless ``raise_conflicts`` is false (then they are in ``host.conflicts``).
    ``discover=False`` skips entry points (tests and :mod:`siu.testing` use it with ``extra``).
    """
    from siu import __version__

    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    for name, module in _core_modules():
        pm.register(module, name=name)
        infos.append(PluginInfo(name=name, package=SIU_DIST, version=__version__, kind="core", api=str(API_VERSION)))

    disabled = disabled_names(disable)
    if discover:
        load_entry_points(pm, infos, disabled, no_plugins)
    load_local_files(pm, infos, local_files, disabled, no_plugins)
    for name, plugin in extra:
        info = PluginInfo(name=name, package=getattr(plugin, "__name__", name), version="?", kind="installed")
        infos.append(info)
        if no_plugins or name in disabled:
            info.status = "disabled"
            continue
        register(pm, plugin, info)

    notices = unknown_disabled(infos, disabled)
    tracing = trace if trace is not None else os.environ.get("SIU_TRACE_PLUGINS") == "1"
    wrap_impls(pm, infos, tracing)
    host = _collect(pm, infos, tracing)
    host.notices.extend(notices)
    if host.conflicts and raise_conflicts:
        raise host.conflicts[0]
    return host


def _collect(pm: pluggy.PluginManager, infos: list[PluginInfo], tracing: bool = False) -> PluginHost:
    """Call every loaded plugin's registration hooks, one plugin at a time, then merge.

    A plugin whose hook fails contributes nothing at all (not half its sources)."""
    provided: list[tuple[PluginInfo, dict[str, list[Any]]]] = []
    for info in infos:
        if info.status != "loaded":
            continue
        plugin = pm.get_plugin(info.name)
        callers = pm.get_hookcallers(plugin) or []
        info.hooks = sorted(hc.name for hc in callers)
        results: dict[str, list[Any]] = {}
        for hc in callers:
            if hc.name not in REGISTRATION_HOOKS:
                continue
            impl = next(i for i in hc.get_hookimpls() if i.plugin_name == info.name)
            try:
                results[hc.name] = registered(info, hc.name, call_one(pm, hc.name, plugin, impl, tracing))
            except (Exception, SystemExit) as exc:
                if info.kind == "core":
                    raise  # siu without its own rules or writer must not run: a bug, not a plugin problem
                info.fail("failed", REGISTRATION_FAILED, error_text(exc), hook=hc.name)
                pm.unregister(name=info.name)
                info.hooks = []
                break
        else:
            provided.append((info, results))

    host = PluginHost(pm=pm, plugins=infos, sources={}, writers={}, rules=[], spec_pack_dirs=[], tracing=tracing)
    owner: dict[tuple[str, str], PluginInfo] = {}
    for info, results in provided:
        for kind, hook_name, target, names in (
            ("source", "register_sources", host.sources, info.sources),
            ("writer", "register_writers", host.writers, info.writers),
        ):
            for item in results.get(hook_name, []):
                first = owner.get((kind, item.name))
                if first is not None:
                    host.conflicts.append(_conflict(kind, item.name, first, info))
                    continue
                owner[(kind, item.name)] = info
                target[item.name] = item
                names.append(item.name)
        for rule in results.get("register_rules", []):
            host.rules.append(rule)
            info.rules.append(rule.code.code)
        for path in results.get("register_spec_packs", []):
            host.spec_pack_dirs.append((Path(path), info.name))
            info.spec_packs.append(str(path))
    return host


def _conflict(kind: str, name: str, first: PluginInfo, second: PluginInfo) -> PluginError:
    kind_da = {"source": "kilden", "writer": "formatet"}[kind]
    kind_en = {"source": "source", "writer": "format"}[kind]
    finding = CONFLICT.make(
        kind_da=kind_da,
        kind_en=kind_en,
        name=name,
        first=first.name,
        first_package=f"{first.package} {first.version}",
        second=second.name,
        second_package=f"{second.package} {second.version}",
    )
    return PluginError(f"{finding.code} {finding.message_da}", f"{finding.code} {finding.message_en}", finding)
