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

import difflib
import importlib.util
import os
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from siu import SIU_API, hookspecs
from siu.adapters import Source
from siu.base.cpr import mask_cpr
from siu.base.errors import BilingualError
from siu.catalogue.host import (
    API_REFUSED,
    CONFLICT,
    HOOK_FAILED,
    IMPORT_FAILED,
    LOCAL_MISSING,
    NAME_TAKEN,
    REGISTRATION_FAILED,
    UNKNOWN_DISABLED,
    UNKNOWN_HOOK,
)
from siu.findings import Code
from siu.models import Finding, Location
from siu.rules import DeliveryRule, RecordRule, Rule
from siu.writers import Writer

if TYPE_CHECKING:
    from siu.base.config import Settings

API_VERSION = SIU_API
GROUP = "siu"
SIU_DIST = "siu"
LOCAL_FILE = "siu_local.py"
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

    def first_result(self, hook_name: str) -> Callable[..., Any]:
        """A caller for a ``firstresult`` pipeline hook that skips pluggy's per-call dispatch.

        The caller takes the hook's arguments positionally, in the hookspec's order. It calls the
        implementations in pluggy's order (registered last and ``tryfirst`` first, ``trylast``
        last) and returns the first answer that is not None, exactly as the hook would; with hook
        wrappers present it falls back to the hook itself. Per posting this saves several
        microseconds, which is seconds at a million postings.
        """
        hook = getattr(self.pm.hook, hook_name)
        spec_names = tuple(hook.spec.argnames)
        impls = list(reversed(hook.get_hookimpls()))
        if self.tracing or any(i.hookwrapper or i.wrapper for i in impls):
            return lambda *args: hook(**dict(zip(spec_names, args)))
        calls = []
        for impl in impls:
            names = tuple(impl.argnames)
            if names == spec_names:
                calls.append(impl.function)
            else:  # an implementation may take a subset of the arguments, in any order
                positions = [spec_names.index(n) for n in names]
                calls.append(lambda *args, _fn=impl.function, _pos=positions: _fn(*[args[i] for i in _pos]))
        if len(calls) == 1:
            return calls[0]

        def call(*args: Any) -> Any:
            for fn in calls:
                result = fn(*args)
                if result is not None:
                    return result
            return None

        return call

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
    if major != API_VERSION:
        return text, f"targets siu plugin API {declared}, this siu provides API {API_VERSION}"
    return text, None


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


def _error_text(exc: BaseException) -> str:
    return mask_cpr(f"{exc.__class__.__name__}: {exc}")


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
        _load_entry_points(pm, infos, disabled, no_plugins)
    _load_local_files(pm, infos, local_files, disabled, no_plugins)
    for name, plugin in extra:
        info = PluginInfo(name=name, package=getattr(plugin, "__name__", name), version="?", kind="installed")
        infos.append(info)
        if no_plugins or name in disabled:
            info.status = "disabled"
            continue
        _register(pm, plugin, info)

    notices = _unknown_disabled(infos, disabled)
    tracing = trace if trace is not None else os.environ.get("SIU_TRACE_PLUGINS") == "1"
    _wrap_impls(pm, infos, tracing)
    host = _collect(pm, infos, tracing)
    host.notices.extend(notices)
    if host.conflicts and raise_conflicts:
        raise host.conflicts[0]
    return host


def _load_entry_points(pm: pluggy.PluginManager, infos: list[PluginInfo], disabled: set[str], no_plugins: bool) -> None:
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
            info.fail("failed", IMPORT_FAILED, _error_text(exc))
            continue
        _register(pm, plugin, info)


def _load_local_files(
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
            info.fail("failed", IMPORT_FAILED, _error_text(exc))
            continue
        _register(pm, plugin, info)


def _unknown_disabled(infos: list[PluginInfo], disabled: set[str]) -> list[Finding]:
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


def _register(pm: pluggy.PluginManager, plugin: Any, info: PluginInfo) -> None:
    declared, refusal = check_api(plugin)
    info.api = declared
    if refusal:
        info.fail("refused", API_REFUSED, refusal, declared=declared, api=API_VERSION)
        return
    try:
        pm.register(plugin, name=info.name)
    except pluggy.PluginValidationError as exc:  # hook arguments that are not in the spec
        info.fail("refused", UNKNOWN_HOOK, _error_text(exc))
        return
    except Exception as exc:  # e.g. the same module behind two entry points
        info.fail("failed", REGISTRATION_FAILED, _error_text(exc), hook="register")
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
    "register_rules": ((RecordRule, DeliveryRule), "a rule made with record_rule/delivery_rule"),
    "register_spec_packs": ((str, Path), "a folder path"),
}


def _registered(info: PluginInfo, hook_name: str, result: Any) -> list[Any]:
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
                results[hc.name] = _registered(info, hc.name, _call_one(pm, hc.name, plugin, impl, tracing))
            except (Exception, SystemExit) as exc:
                if info.kind == "core":
                    raise  # siu without its own rules or writer must not run: a bug, not a plugin problem
                info.fail("failed", REGISTRATION_FAILED, _error_text(exc), hook=hc.name)
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


def _wrap_impls(pm: pluggy.PluginManager, infos: list[PluginInfo], tracing: bool) -> None:
    """Guard third-party pipeline hooks (an exception becomes an SIU808 finding) and, when
    tracing, log every hook call through pluggy's own monitoring API. The guard replaces
    ``HookImpl.function``, which is what pluggy calls, so the hooks' behaviour (firstresult,
    ordering) is pluggy's own."""
    kinds = {i.name: i.kind for i in infos}
    for name in PIPELINE_HOOKS:
        for impl in getattr(pm.hook, name).get_hookimpls():
            if kinds.get(impl.plugin_name) != "core":
                impl.function = _guarded(impl.function, name, impl.plugin_name, impl.argnames)
    if tracing:
        _trace_calls(pm)


def _guarded(fn: Callable[..., Any], hook_name: str, plugin: str, argnames: Sequence[str]) -> Callable[..., Any]:
    position = list(argnames).index("posting") if "posting" in argnames else None

    def guarded(*args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:
            posting = args[position] if position is not None else None
            location = getattr(posting, "location", None)
            return HOOK_FAILED.make(
                location=location if isinstance(location, Location) else None,
                plugin=plugin,
                hook=hook_name,
                error=_error_text(exc),
            )

    return guarded


def _call_one(pm: pluggy.PluginManager, hook_name: str, plugin: Any, impl: Any, tracing: bool) -> Any:
    """One plugin's answer to a registration hook. Called directly, except when tracing: then
    through pluggy's dispatch (a caller for this plugin alone), which its monitoring sees."""
    if not tracing:
        return impl.function()
    others = [p for p in pm.get_plugins() if p is not plugin]
    answers = pm.subset_hook_caller(hook_name, remove_plugins=others)()
    return answers[0] if answers else None


def _trace_calls(pm: pluggy.PluginManager) -> Callable[[], None]:
    """One stderr line per hook call: the hook, the plugins implementing it in the order pluggy
    calls them, the duration and the kind of answer. Returns pluggy's undo."""
    started: list[float] = []  # a stack: a hook may be called while another runs

    def before(hook_name: str, hook_impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        started.append(time.perf_counter())

    def after(outcome: Any, hook_name: str, hook_impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        elapsed = (time.perf_counter() - started.pop()) * 1000
        plugins = "+".join(impl.plugin_name for impl in reversed(hook_impls)) or "-"
        answer = "raised" if outcome.exception is not None else _describe(outcome.get_result())
        # never the arguments or values: they may hold CPR numbers
        sys.stderr.write(f"siu-trace: {hook_name} · {plugins} · {elapsed:.3f} ms · {answer}\n")

    return pm.add_hookcall_monitoring(before, after)


def _describe(result: Any) -> str:
    if result is None:
        return "None"
    if isinstance(result, (list, tuple)):
        return f"{len(result)} item(s)"
    if isinstance(result, Finding):
        return f"Finding {result.code}"
    if isinstance(result, str):
        return "str"
    return type(result).__name__


def hook_reference() -> str:
    """The hook reference of ``docs/plugins.md`` (Markdown), generated from :mod:`siu.hookspecs`."""
    import inspect

    lines = []
    for name in (*REGISTRATION_HOOKS, *PIPELINE_HOOKS):
        fn = getattr(hookspecs, name)
        opts = getattr(fn, "siu_spec", None) or {}
        signature = str(inspect.signature(fn)).replace("'", "")
        answer = (
            "the first answer that is not None wins" if opts.get("firstresult") else "every plugin's answer is used"
        )
        stage = (
            "Pipeline hook, called for every posting"
            if name in PIPELINE_HOOKS
            else "Registration hook, called once at start"
        )
        lines += [f"### `{name}`", "", "```python", f"def {name}{signature}", "```", "", f"*{stage}; {answer}.*", ""]
        lines += [_markdown(inspect.cleandoc(fn.__doc__ or "")), ""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown(doc: str) -> str:
    """A docstring in Markdown: ``::`` literal blocks fenced, reST roles and double backticks plain."""
    out: list[str] = []
    in_block = False
    for line in doc.splitlines():
        if in_block and line.strip() and not line.startswith("    "):
            out += ["```", ""] if out[-1] else ["```"]
            in_block = False
        if in_block:
            out.append(line[4:])
            continue
        if line.rstrip().endswith("::"):
            out += [line.rstrip()[:-1], "", "```python"]
            in_block = True
            continue
        line = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", line)
        out.append(line.replace("``", "`"))
    if in_block:
        while out and not out[-1].strip():
            out.pop()
        out.append("```")
    # drop the blank line the docstring puts right after "Example::"
    text = "\n".join(out)
    return text.replace("```python\n\n", "```python\n")


HOOK_REFERENCE_START = "<!-- hook-reference:start (generated from core/siu/hookspecs.py) -->"
HOOK_REFERENCE_END = "<!-- hook-reference:end -->"


def write_hook_reference(doc: Path) -> bool:
    """Rewrite the generated hook reference inside ``doc``; True when it changed."""
    text = doc.read_text(encoding="utf-8")
    head, _, rest = text.partition(HOOK_REFERENCE_START)
    _, _, tail = rest.partition(HOOK_REFERENCE_END)
    new = f"{head}{HOOK_REFERENCE_START}\n\n{hook_reference()}\n{HOOK_REFERENCE_END}{tail}"
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text
