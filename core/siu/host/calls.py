"""How siu calls plugins' hooks: third-party pipeline hooks guarded, and every call traced through
pluggy's monitoring when ``SIU_TRACE_PLUGINS=1`` (private; used by :mod:`siu.host.plugins`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pluggy

from siu.catalogue.host import HOOK_FAILED
from siu.host.plugin_info import PIPELINE_HOOKS, PluginInfo, error_text
from siu.models import Finding, Location


def wrap_impls(pm: pluggy.PluginManager, infos: list[PluginInfo], tracing: bool) -> None:
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
                error=error_text(exc),
            )

    return guarded


def call_one(pm: pluggy.PluginManager, hook_name: str, plugin: Any, impl: Any, tracing: bool) -> Any:
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
