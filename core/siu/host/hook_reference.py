"""The hook reference of ``docs/plugins.md``, generated from :mod:`siu.hookspecs` (private; public
through :mod:`siu.host.plugins`)."""

from __future__ import annotations

import re
from pathlib import Path

from siu import hookspecs
from siu.host.plugin_info import PIPELINE_HOOKS, REGISTRATION_HOOKS


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
            "Pipeline hook, called once per distinct value and broadcast"
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
