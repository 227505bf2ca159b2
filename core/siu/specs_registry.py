"""Finding the spec pack for a year: siu's built-in packs, packs from plugins, and ``--spec-dir``.

Later sources win for the same year: a plugin's pack replaces the built-in one, and a folder
given with ``--spec-dir`` replaces both.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from siu.specpack import SpecError, SpecPack, builtin_pack_dirs

if TYPE_CHECKING:
    from siu.plugins import PluginHost


class SpecRegistry:
    """The spec packs available to a run, by reporting year."""

    def __init__(self) -> None:
        self._dirs: dict[int, tuple[Path, str]] = {}
        self._loaded: dict[int, SpecPack] = {}

    def add(self, folder: Path, origin: str) -> None:
        pack = SpecPack.load(folder, origin=origin)
        self._dirs[pack.year] = (folder, origin)
        self._loaded[pack.year] = pack

    @classmethod
    def from_host(cls, host: PluginHost | None, extra: list[Path] | None = None) -> SpecRegistry:
        reg = cls()
        for folder in builtin_pack_dirs():
            reg.add(folder, "siu")
        for folder, plugin in host.spec_pack_dirs if host else []:
            reg.add(folder, plugin)
        for folder in extra or []:
            reg.add(folder, str(folder))
        return reg

    def years(self) -> list[int]:
        return sorted(self._loaded)

    def get(self, year: int) -> SpecPack:
        try:
            return self._loaded[year]
        except KeyError:
            have = ", ".join(str(y) for y in self.years()) or "-"
            raise SpecError(
                f"Ingen specifikationspakke for regnskabsåret {year} (findes for: {have})"
            ) from None
