"""Example data shipped with siu for ``siu demo``: an Opus export, a mapping file and siu.toml."""

from pathlib import Path

DEMO_DIR = Path(__file__).parent
