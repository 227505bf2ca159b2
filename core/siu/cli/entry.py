"""The ``siu`` command line (typer + rich): the app, its commands, and the entry point.
Danish by default, ``--lang en`` for English.

Exit codes: 0 delivery written (or input valid), 1 validation errors (nothing written),
2 usage or input error. No user error ends in a Python traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from siu import __version__
from siu.base import masking, safeio
from siu.cli.common import NO_DELIVERY, _stderr
from siu.cli.convert import convert, validate
from siu.cli.deliver import register_delivery_commands
from siu.cli.demo import demo
from siu.cli.info import explain, plugins, web
from siu.cli.init import init
from siu.cli.language import SiuGroup, help_language
from siu.cli.mapping import mapping_app
from siu.cli.specs import specs_app

app = typer.Typer(
    name="siu",
    cls=SiuGroup,
    help="siu: indberetning af individhenførbare udgifter (SIU) til Danmarks Statistik.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"siu {__version__}")
        raise typer.Exit(0)


@app.callback()
def _sink(
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_show_version)] = False,
) -> None:
    # Every command's output passes the masking filter (siu.base.masking), whoever writes it.
    masking.install_streams()


app.command()(convert)
app.command()(validate)
app.command()(init)
app.command()(demo)
app.command()(web)
app.add_typer(specs_app, name="specs")
app.add_typer(mapping_app, name="mapping")
register_delivery_commands(app)
app.command()(plugins)
app.command()(explain)


def main() -> None:
    """Entry point: run the app behind the masking filter; SIGINT/SIGTERM stop it cleanly (no
    temporary file left, exit 128 + signal); an unexpected internal error prints a masked,
    escaped message, no locals (exit 70)."""
    masking.install_streams()
    if os.environ.get("SIU_DEBUG") != "1":
        # errors Python can only report (a library's generator collected half-way): never a traceback
        sys.unraisablehook = lambda unraisable: None
    lang = help_language(sys.argv[1:])  # for the messages of an interruption or an internal error
    with safeio.signal_handlers(until_exit=True):  # around the clean-up too: a second Ctrl-C is only noted
        try:
            app()
        except SystemExit:
            raise
        except safeio.Interrupted as exc:
            safeio.cleanup()
            name = signal_name(exc.signum)
            _stderr().print(f"Interrupted ({name})." if lang == "en" else f"Afbrudt ({name}).", highlight=False)
            _stderr().print(_written_line(lang), highlight=False)
            sys.exit(exc.exit_code)
        except Exception as exc:  # the last guard against leaking personal data
            safeio.cleanup()
            # console_text: the message may quote data, e.g. "[/]" that rich would read as markup
            msg = masking.console_text(f"{exc.__class__.__name__}: {exc}")
            _stderr().print(
                ("Internal error in siu: " if lang == "en" else "Intern fejl i siu: ") + msg, highlight=False
            )
            if os.environ.get("SIU_DEBUG") == "1":
                import traceback

                _stderr().print(masking.console_text(traceback.format_exc(), keep_newlines=True), highlight=False)
            _stderr().print(_written_line(lang), highlight=False)
            sys.exit(70)
        finally:
            safeio.cleanup()


def signal_name(signum: int) -> str:
    import signal

    return signal.Signals(signum).name


def _written_line(lang: str) -> str:
    """The last line after an interruption or an internal error: whether a file was published."""
    if not safeio.committed:
        return NO_DELIVERY["en" if lang == "en" else "da"]
    names = ", ".join(str(p) for p in safeio.committed)
    return f"Files written before the stop: {names}" if lang == "en" else f"Filer skrevet før stoppet: {names}"
