"""Finding the spec pack for a year: siu's built-in packs, packs from plugins, and ``--spec-dir``.

Later sources win for the same year: a plugin's pack replaces the built-in one, and a folder
given with ``--spec-dir`` replaces both. A built-in or plugin pack that cannot be loaded is
kept as a problem (shown by ``siu specs list``) and only stops a run that needs its year;
a folder given with ``--spec-dir`` must load, and must be for the run's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from siu.specpack import SpecError, SpecPack, builtin_pack_dirs

if TYPE_CHECKING:
    from siu.host.plugins import PluginHost


@dataclass
class PackEntry:
    """One pack a source offered: loaded, or the error that stopped it; ``active`` when it wins its year."""

    folder: Path
    origin: str
    pack: SpecPack | None = None
    error: SpecError | None = None
    active: bool = False

    @property
    def year(self) -> int | None:
        if self.pack is not None:
            return self.pack.year
        match = re.fullmatch(r"\d{4}", self.folder.name)
        return int(match.group()) if match else None


class SpecRegistry:
    """The spec packs available to a run, by reporting year."""

    def __init__(self) -> None:
        self.entries: list[PackEntry] = []
        self._active: dict[int, PackEntry] = {}
        self.explicit: PackEntry | None = None

    def add(self, folder: Path, origin: str, *, strict: bool = False) -> PackEntry:
        """Offer a pack folder; it replaces an earlier pack for its year. ``strict`` raises
        :class:`SpecError` when it cannot be loaded instead of recording the problem."""
        entry = PackEntry(Path(folder), origin)
        try:
            entry.pack = SpecPack.load(entry.folder, origin=origin)
        except SpecError as exc:
            if strict:
                raise
            entry.error = exc
        self.entries.append(entry)
        year = entry.year
        if year is not None:
            previous = self._active.get(year)
            if previous is not None:
                previous.active = False
            self._active[year] = entry
            entry.active = True
        return entry

    @classmethod
    def from_host(cls, host: PluginHost | None, extra: list[Path] | None = None) -> SpecRegistry:
        """Built-in packs, then the plugins' packs, then ``extra`` (``--spec-dir``, must load)."""
        reg = cls()
        for folder in builtin_pack_dirs():
            reg.add(folder, "siu")
        for folder, plugin in host.spec_pack_dirs if host else []:
            reg.add(folder, f"plugin {plugin}")
        for folder in extra or []:
            reg.explicit = reg.add(folder, f"--spec-dir {folder}", strict=True)
        return reg

    def years(self) -> list[int]:
        """Years with a usable pack."""
        return sorted(y for y, e in self._active.items() if e.pack is not None)

    @property
    def problems(self) -> list[PackEntry]:
        return [e for e in self.entries if e.error is not None]

    def get(self, year: int) -> SpecPack:
        """The pack for ``year``; raises :class:`SpecError` (Danish and English) when there is none."""
        explicit = self.explicit
        if explicit is not None and explicit.pack is not None and explicit.pack.year != year:
            raise SpecError(
                f"Specifikationspakken i {explicit.folder} (--spec-dir) er for {explicit.pack.year}, men "
                f"regnskabsåret er {year}; "
                f"angiv --year {explicit.pack.year} eller en pakke for {year}",
                f"The spec pack in {explicit.folder} (--spec-dir) is for {explicit.pack.year}, but the reporting year "
                f"is {year}; "
                f"give --year {explicit.pack.year} or a pack for {year}",
            )
        entry = self._active.get(year)
        if entry is not None and entry.error is not None:
            raise entry.error
        if entry is None or entry.pack is None:
            have = ", ".join(str(y) for y in self.years()) or "-"
            raise SpecError(
                f"Ingen specifikationspakke for regnskabsåret {year} (findes for: {have})",
                f"No spec pack for the reporting year {year} (available: {have})",
            )
        return entry.pack
