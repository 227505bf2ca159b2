"""The report files a run can write besides the console report (``--report-json``,
``--report-xlsx``), and the spool that lets them hold every finding with bounded memory.

The sink streams each finding (already masked) as one JSON line into an anonymous temporary
file; the reports read it back once the run is over. The spool is removed when closed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from siu.base.errors import BilingualError
from siu.findings import read_spool

if TYPE_CHECKING:
    from siu.host.plugins import PluginHost
    from siu.report.result import RunResult


class ReportWriteError(BilingualError):
    """A report file could not be written (a usage problem: exit code 2, message in both languages)."""

    def __init__(self, path: Path, exc: OSError) -> None:
        reason = exc.strerror or exc.__class__.__name__
        super().__init__(
            f"Rapporten {path} kan ikke skrives: {reason}", f"The report {path} cannot be written: {reason}"
        )


@dataclass
class ReportFiles:
    """Where to write the report files; None for a report that was not asked for."""

    json_path: Path | None = None
    xlsx_path: Path | None = None
    spool: IO[str] | None = field(default=None, repr=False)

    @property
    def wanted(self) -> bool:
        return self.json_path is not None or self.xlsx_path is not None

    def paths(self) -> list[Path]:
        """The report files asked for."""
        return [p for p in (self.json_path, self.xlsx_path) if p is not None]

    def open_spool(self) -> IO[str] | None:
        """The file the sink streams findings into (None when no report file is wanted)."""
        if self.wanted and self.spool is None:
            self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", prefix="siu-findings-")
        return self.spool

    def findings(self) -> Iterator[dict[str, Any]]:
        """Every finding of the run, in the order found, as JSON data."""
        assert self.spool is not None
        yield from read_spool(self.spool)

    def write(self, result: RunResult, host: PluginHost | None, lang: str, kommune_name: str | None = None) -> None:
        """Write the requested reports, then drop the spool."""
        from siu.base.safeio import private_tempdir
        from siu.report.json_report import write_json_report
        from siu.report.xlsx import write_xlsx_report

        try:
            if self.json_path is not None:
                try:
                    write_json_report(self.json_path, result, host, self.findings(), kommune_name)
                except OSError as exc:
                    raise ReportWriteError(self.json_path, exc) from None
            if self.xlsx_path is not None:
                try:
                    # openpyxl spills each sheet to a temporary file: beside the report, where siu removes it
                    with private_tempdir(self.xlsx_path.parent):
                        write_xlsx_report(self.xlsx_path, result, self.findings(), lang, marks_source=self.findings())
                except OSError as exc:
                    raise ReportWriteError(self.xlsx_path, exc) from None
        finally:
            if self.spool is not None:
                self.spool.close()
                self.spool = None
