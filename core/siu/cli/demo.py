"""``siu demo``: a conversion of the bundled example data (private)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from siu.adapters import ReadOptions
from siu.base import masking
from siu.cli.common import EXIT_INVALID, EXIT_OK, Lang, _load_host, _settings, fail
from siu.convert.run import UsageError, run_conversion
from siu.report.console import report_console
from siu.report.files import ReportWriteError


def demo(
    out: Annotated[Path, typer.Option("--out", "-o")] = Path("siu-demo"),
    fmt: Annotated[str, typer.Option("--format", "-f")] = "xml",
    lang: Lang = "da",
) -> None:
    """Kør en konvertering på medfølgende eksempeldata / Run a conversion on bundled example data."""
    from siu.demo import DEMO_DIR

    settings = _settings(DEMO_DIR / "siu.toml", lang)
    host = _load_host(settings, False, lang)
    console = report_console()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # e.g. --out names an existing file
        fail(
            lang,
            UsageError(
                f"Kan ikke bruge {out} som mappe til demoen: {exc.strerror}",
                f"Cannot use {out} as the demo's folder: {exc.strerror}",
            ),
            no_delivery=True,
        )
    try:
        result = run_conversion(
            [str(DEMO_DIR / "opus-udtraek-2025.csv")],
            ["opus"],
            settings=settings,
            host=host,
            lang=lang,
            write=True,
            out=out,
            fmt=fmt,
            strict=False,
            spec_dir=None,
            read=ReadOptions(),
            quiet=False,
            console=console,
        )
    except (UsageError, ReportWriteError) as exc:
        fail(lang, exc, no_delivery=True)
    if result.written:
        from siu.cli.deliver import write_sidecars

        write_sidecars(result, lang, None, None)
        console.print(
            ("Demo delivery written: " if lang == "en" else "Demo-leverance skrevet: ")
            + masking.console_text(str(result.output.resolve() if result.output else ""))
        )
    console.print(
        (
            f"The demo's export, mapping and siu.toml are in {DEMO_DIR}; `siu init --demo` copies them into this "
            "folder."
            if lang == "en"
            else f"Demoens udtræk, tilknytningsfil og siu.toml ligger i {DEMO_DIR}; `siu init --demo` kopierer dem "
            "til denne mappe."
        ),
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_OK if result.ok else EXIT_INVALID)
