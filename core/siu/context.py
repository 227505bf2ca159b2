"""The run context every hook and rule receives: settings, spec pack and run-wide helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from siu.base.config import Settings
from siu.specpack import SpecPack


@dataclass
class Context:
    """What a conversion knows while it runs.

    ``state`` is a scratch space keyed by plugin name for plugins that need to keep something
    for the length of one run (e.g. a loaded mapping file).
    """

    settings: Settings
    spec: SpecPack
    kommune: str
    year: int
    area: str  # voksen | boern | begge
    lang: str = "da"
    state: dict[str, Any] = field(default_factory=dict)
    test: bool = False  # a test delivery (siu convert --test)

    def t(self, da: str, en: str) -> str:
        """Pick the message for the run's language."""
        return en if self.lang == "en" else da
