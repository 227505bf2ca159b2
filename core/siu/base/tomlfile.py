"""Reading a TOML file with siu's bilingual errors (private): the one place a file that is missing
or not valid TOML becomes a message (siu.toml, mapping files, column maps, spec pack manifests)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

INVALID = ("{path} er ikke gyldig TOML: {exc}", "{path} is not valid TOML: {exc}")


def read_toml(
    path: Path,
    error: Callable[[str, str], Exception],
    missing: tuple[str, str],
    invalid: tuple[str, str] = INVALID,
) -> dict[str, Any]:
    """The TOML file at ``path``. A missing file raises ``error(*missing)``, an unreadable one
    ``error(*invalid)``; ``{path}`` and ``{exc}`` in the messages are filled in."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(*(m.format(path=path) for m in missing)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(*(m.format(path=path, exc=exc) for m in invalid)) from None
