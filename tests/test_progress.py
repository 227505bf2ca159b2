"""The progress line for long conversions: shown only on a terminal, after a second, not with --quiet."""

from __future__ import annotations

import io

from rich.console import Console

from siu.report.progress import ConversionProgress, conversion_progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def terminal() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=120), buf


def test_nothing_is_drawn_during_the_first_second() -> None:
    console, buf = terminal()
    clock = FakeClock()
    progress = ConversionProgress(console, clock=clock)
    progress(4096)
    clock.now += 0.9
    progress(8192)
    progress.close()
    assert not progress.shown
    assert buf.getvalue() == ""


def test_after_a_second_rows_rate_and_elapsed_are_shown_and_removed_at_the_end() -> None:
    console, buf = terminal()
    clock = FakeClock()
    progress = ConversionProgress(console, clock=clock)
    progress(4096)
    clock.now += 61.0
    progress(1_220_000)
    assert progress.shown
    progress.close()
    out = buf.getvalue()
    assert "1.220.000 rækker" in out  # Danish thousands separator
    assert "20.000 rækker/s" in out  # rows over the time since the conversion started
    assert "0:01:01" in out
    assert not progress.shown
    assert out.rstrip().endswith("\x1b[2K")  # transient: the line is erased


def test_english_labels() -> None:
    console, buf = terminal()
    clock = FakeClock()
    progress = ConversionProgress(console, lang="en", clock=clock)
    clock.now += 2.0
    progress(50_000)
    progress.close()
    assert "50,000 rows" in buf.getvalue()


def test_off_with_quiet_and_when_stderr_is_not_a_terminal() -> None:
    console, _ = terminal()
    with conversion_progress(enabled=False, console=console) as progress:
        assert progress is None
    piped = Console(file=io.StringIO(), force_terminal=False)
    with conversion_progress(console=piped) as progress:
        assert progress is None
    with conversion_progress(console=console) as progress:
        assert isinstance(progress, ConversionProgress)


def test_cli_conversion_prints_no_progress_when_not_on_a_terminal(siu, demo_dir) -> None:  # type: ignore[no-untyped-def]
    result = siu(
        "convert", str(demo_dir / "opus-udtraek-2025.csv"), "--source", "opus", "--config", str(demo_dir / "siu.toml")
    )
    assert result.exit_code == 0, result.output
    assert "Læser" not in result.stderr and "rækker/s" not in result.output


def test_one_row_is_one_row() -> None:
    for lang, shown in (("da", "1 række "), ("en", "1 row ")):
        console, buf = terminal()
        clock = FakeClock()
        progress = ConversionProgress(console, lang=lang, clock=clock)
        clock.now += 2.0
        progress(1)
        progress.close()
        assert shown in buf.getvalue()
