"""Help in one language at a time (private): the texts of :mod:`siu.cli.texts` put on every command
and option before the command line is parsed, and typer's and click's own texts in Danish.

The language of the help is, in this order: ``--lang`` anywhere on the command line (``siu
validate --lang en --help``), the environment variable ``SIU_LANG``, ``lang`` in ``siu.toml`` (the
one ``--config`` names, else the one in the current folder), else Danish.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from typer import rich_utils
from typer._click.core import Context  # typer's own copy of click, where its commands live
from typer._click.exceptions import ClickException
from typer._click.formatting import HelpFormatter
from typer.core import TyperArgument, TyperGroup, TyperOption

from siu.cli.texts import COMMAND_HELP, ERRORS_DA, FRAMEWORK_DA, METAVARS, OPTION_HELP, Texts

LANGS = ("da", "en")
# the language chosen for this command line, for texts written before a command runs (a bad value)
current = {"lang": "da"}
_USAGE_WORDS = {"options": ("[TILVALG]", "[OPTIONS]"), "commands": ("KOMMANDO [ARGUMENTER]...", "COMMAND [ARGS]...")}
# typer's English texts as typer has them, to put back for English
_FRAMEWORK_NAMES = {
    "Arguments": "ARGUMENTS_PANEL_TITLE",
    "Options": "OPTIONS_PANEL_TITLE",
    "Commands": "COMMANDS_PANEL_TITLE",
    "Error": "ERRORS_PANEL_TITLE",
    "Aborted.": "ABORTED_TEXT",
    "[default: {}]": "DEFAULT_STRING",
    "[required]": "REQUIRED_LONG_STRING",
    "[env var: {}]": "ENVVAR_STRING",
    "(deprecated) ": "DEPRECATED_STRING",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "RICH_HELP",
}


def _option_value(args: Sequence[str], names: tuple[str, ...]) -> str | None:
    """The value of the last of ``names`` on the command line (``--lang en`` or ``--lang=en``)."""
    found = None
    for i, arg in enumerate(args):
        if arg in names and i + 1 < len(args):
            found = args[i + 1]
        elif any(arg.startswith(f"{name}=") for name in names if name.startswith("--")):
            found = arg.split("=", 1)[1]
    return found


def help_language(args: Sequence[str]) -> str:
    """The language of the help and of typer's texts for this command line (see the module's doc)."""
    for value in (_option_value(args, ("--lang",)), os.environ.get("SIU_LANG")):
        if value in LANGS:
            return value
    config = Path(_option_value(args, ("--config", "-c")) or "siu.toml")
    try:
        with config.open("rb") as fh:
            value = tomllib.load(fh).get("lang")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        value = None  # the command reports a bad siu.toml itself
    return value if value in LANGS else "da"


def _without_lang(args: list[str]) -> list[str]:
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("--lang="):
            kept.append(arg)
    return kept


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every command under ``command`` (itself first), with its path (``"mapping init"``)."""
    yield " ".join(path), command
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def param_name(param: Any) -> str:
    """The key of a parameter in the tables: an option's first long name, an argument's name."""
    if isinstance(param, TyperArgument):
        return str(param.name)
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return longs[0] if longs else param.opts[0]


def lookup(table: dict[str, Texts], command: str, name: str) -> Texts | None:
    """The texts for ``name`` in ``command``: the command's own entry, else the plain one."""
    return table.get(f"{command}|{name}") or table.get(name)


def params_of(command: Any) -> list[Any]:
    """The command's parameters and its ``--help`` option."""
    params = list(command.params)
    help_option = command.get_help_option(Context(command))
    if help_option is not None:
        params.append(help_option)
    return params


def localise(root: Any, lang: str) -> None:
    """Put the texts of ``lang`` on every command and parameter under ``root`` and on typer's own."""
    en = int(lang == "en")
    for path, command in walk(root):
        texts = COMMAND_HELP.get(path)
        if texts is not None:
            command.help = texts[en]
            command.short_help = None
        command.context_class = _DanishContext if lang == "da" else Context
        command.options_metavar = _USAGE_WORDS["options"][en]
        if isinstance(command, TyperGroup):
            command.subcommand_metavar = _USAGE_WORDS["commands"][en]
        for param in params_of(command):
            name = param_name(param)
            help_texts = lookup(OPTION_HELP, path, name)
            if help_texts is not None:
                param.help = help_texts[en]
            if isinstance(param, TyperOption) and param.is_flag:
                param.metavar = ""  # a flag takes no value: no placeholder
            elif isinstance(param, TyperArgument):
                param.metavar = (lookup(METAVARS, path, name) or ("VÆRDI", "VALUE"))[en]
                # the name column shows the placeholder already; typer would add a Python type (<list[str]>)
                param.display_type_rich = _no_type  # type: ignore[method-assign]
            else:
                words = lookup(METAVARS, path, name) or ("VÆRDI", "VALUE")
                param.metavar = words[en]
    for english, attribute in _FRAMEWORK_NAMES.items():
        setattr(rich_utils, attribute, english if en else FRAMEWORK_DA[english])


def _no_type(ctx: Any) -> None:
    return None


def translate_error(message: str) -> str:
    """click's English error message in Danish."""
    for pattern, replacement in ERRORS_DA:
        message = re.sub(pattern, replacement, message)
    return message


def _danish_errors(exc: Exception) -> None:
    text = translate_error(exc.format_message())  # type: ignore[attr-defined]
    exc.format_message = lambda: text  # type: ignore[attr-defined]


class _DanishFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, FRAMEWORK_DA["Usage: "] if prefix is None else prefix)


class _DanishContext(Context):
    formatter_class = _DanishFormatter


class SiuGroup(TyperGroup):
    """The ``siu`` group: picks the language of the help before the command line is parsed, and
    gives click's errors in Danish unless the language is English."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        import sys

        given = list(args) if args is not None else sys.argv[1:]
        self._siu_lang = current["lang"] = help_language(given)
        localise(self, self._siu_lang)
        if "--help" in given:
            # the language is chosen: a group (siu, siu specs) has no --lang of its own to accept it
            given = _without_lang(given)
        return super().main(given, *rest, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except ClickException as exc:
            if getattr(self, "_siu_lang", "da") == "da":
                _danish_errors(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClickException as exc:
            if getattr(self, "_siu_lang", "da") == "da":
                _danish_errors(exc)
            raise
