"""Example data shipped with siu for ``siu demo`` and ``siu init --demo``: an Opus export, a mapping
file, siu.toml, and a trial balance (saldobalance) that agrees with the demo's delivery."""

from pathlib import Path

DEMO_DIR = Path(__file__).parent
