"""A progress line for long conversions: rows read, rate and elapsed time, on stderr.

The pipeline calls a ``progress(rows)`` callable every few thousand records
(:class:`siu.convert.pipeline.Converter`). :func:`conversion_progress` gives one that draws a rich
progress line, but only when stderr is a terminal, not with ``--quiet``, and only once the
run has lasted a second (short runs stay as quiet as before). The line disappears when the
run ends, so the report is printed as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TaskID, TextColumn
from rich.text import Text

from siu.base.i18n import count
from siu.parsing import group_digits

_LABELS = {"da": ("Læser", "rækker/s"), "en": ("Reading", "rows/s")}


def _number(n: float, lang: str) -> str:
    return group_digits(n, 0, "en" if lang == "en" else "da")


class _Column(ProgressColumn):
    """A column computed from the conversion's own start, not from when the line appeared."""

    def __init__(self, owner: ConversionProgress) -> None:
        super().__init__()
        self.owner = owner


class _RowsColumn(_Column):
    def render(self, task: Task) -> Text:
        o = self.owner
        return Text(count(o.rows, "row", o.lang))


class _RateColumn(_Column):
    def render(self, task: Task) -> Text:
        o = self.owner
        elapsed = o.clock() - o.started
        rate = o.rows / elapsed if elapsed > 0 else 0.0
        return Text(f"{_number(rate, o.lang)} {_LABELS[o.lang][1]}", style="progress.data.speed")


class _ElapsedColumn(_Column):
    def render(self, task: Task) -> Text:
        seconds = int(self.owner.clock() - self.owner.started)
        return Text(f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}", style="progress.elapsed")


class ConversionProgress:
    """The ``progress(rows)`` callable for a conversion. Draws nothing until ``delay`` seconds
    have passed; call :meth:`close` (or use :func:`conversion_progress`) to remove the line."""

    def __init__(
        self,
        console: Console,
        *,
        lang: str = "da",
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.lang = lang if lang in _LABELS else "da"
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.rows = 0
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def __call__(self, rows: int) -> None:
        self.rows = rows
        if self._progress is None:
            if self.clock() - self.started < self.delay:
                return
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn(_LABELS[self.lang][0]),
                _RowsColumn(self),
                _RateColumn(self),
                _ElapsedColumn(self),
                console=self.console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(_LABELS[self.lang][0], total=None)
        assert self._task is not None
        self._progress.update(self._task, completed=rows)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


@contextmanager
def conversion_progress(
    *, enabled: bool = True, lang: str = "da", console: Console | None = None
) -> Iterator[ConversionProgress | None]:
    """A progress callable for a conversion, or None when no progress line should be drawn:
    when ``enabled`` is false (``--quiet``) or stderr is not a terminal (piped, CI, tests)."""
    console = console or Console(stderr=True, highlight=False)
    if not enabled or not console.is_terminal:
        yield None
        return
    progress = ConversionProgress(console, lang=lang)
    try:
        yield progress
    finally:
        progress.close()
