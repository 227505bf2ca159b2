"""The municipal account string (kontostreng) of the authorised chart of accounts.

An account is hovedkonto (1 digit), hovedfunktion (2), funktion (2), dranst (1), gruppering (3),
hovedart (1) and art (1): ``5.38.50.1.003.4.7``. :func:`parse` reads the forms municipalities
write; :meth:`Kontostreng.render` writes the form a spec pack asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from siu.models import Kind
from siu.parsing import ParseError

_SEP = re.compile(r"[.\-/ ]+")

# Parts of a dotted account with their widths, in order; art may be written "4.7" or "47".
_WIDTHS = (("hovedkonto", 1), ("hovedfunktion", 2), ("funktion", 2), ("dranst", 1), ("gruppering", 3))


@dataclass(frozen=True, slots=True)
class Kontostreng:
    """One official account. ``art`` is two digits (hovedart + art) or None when not known."""

    hovedkonto: str
    hovedfunktion: str
    funktion: str
    dranst: str
    gruppering: str
    art: str | None = None

    @property
    def function(self) -> str:
        """The function as the chart writes it: ``5.38.50``."""
        return f"{self.hovedkonto}.{self.hovedfunktion}.{self.funktion}"

    @property
    def hovedart(self) -> str | None:
        return self.art[0] if self.art else None

    @property
    def art_dotted(self) -> str | None:
        return f"{self.art[0]}.{self.art[1]}" if self.art else None

    @property
    def kind(self) -> Kind | None:
        return classify_art(self.art) if self.art else None

    def with_art(self, art: str | None) -> Kontostreng:
        return Kontostreng(self.hovedkonto, self.hovedfunktion, self.funktion, self.dranst, self.gruppering, art)

    def render(self, pattern: str) -> str:
        """Format with ``pattern``'s fields (``{hovedkonto}``, ``{hovedfunktion}``, ``{funktion}``,
        ``{dranst}``, ``{gruppering}``, ``{hovedart}``, ``{art}`` (the second art digit), ``{art2}``
        (both art digits))."""
        art = self.art or "00"
        return pattern.format(
            hovedkonto=self.hovedkonto,
            hovedfunktion=self.hovedfunktion,
            funktion=self.funktion,
            dranst=self.dranst,
            gruppering=self.gruppering,
            hovedart=art[0],
            art=art[1],
            art2=art,
        )

    def __str__(self) -> str:
        base = f"{self.function}.{self.dranst}.{self.gruppering}"
        return f"{base}.{self.art_dotted}" if self.art else base


def classify_art(art: str) -> Kind:
    """Expenditure (hovedart 0–6), revenue (7–8) or internal (9) by the first art digit."""
    if not art or not art[0].isdigit():
        raise ParseError("art", art, "expected digits")
    first = art[0]
    if first in "78":
        return Kind.REVENUE
    if first == "9":
        return Kind.INTERNAL
    return Kind.EXPENDITURE


@lru_cache(maxsize=65536)
def parse(text: str) -> Kontostreng:
    """Read an account in any form municipalities use.

    - dotted ``5.38.50.1.003`` or ``5.38.50.1.003.4.7`` / ``5.38.50.1.003.47`` (``-``, ``/`` and
      spaces work as separators too);
    - packed digits: 9 (``538501003``), 10 (+ hovedart) or 11 (``53850100347``);
    - 16 digits: the 9 digits above followed by a 7-digit artskonto whose first two digits are
      the art (``5385010034711000``). This form is [provisional]: it is how siu reads long
      Opus account strings, not a DST definition.

    Results are cached: ledgers repeat few accounts many times.
    """
    raw = text.strip()
    if not raw:
        raise ParseError("kontostreng", text, "empty")
    parts = [p for p in _SEP.split(raw) if p]
    if len(parts) > 1:
        return _from_parts(parts, text)
    digits = parts[0]
    if not digits.isdigit():
        raise ParseError("kontostreng", text, "expected digits")
    if len(digits) == 16:
        return _from_digits(digits[:9], digits[9:11], text)
    if len(digits) in (9, 10, 11):
        return _from_digits(digits[:9], digits[9:] or None, text)
    raise ParseError("kontostreng", text, f"{len(digits)} digits; expected 9, 11 or 16")


def _from_digits(base: str, art: str | None, original: str) -> Kontostreng:
    if art is not None and len(art) == 1:
        raise ParseError("kontostreng", original, "art needs two digits")
    return Kontostreng(base[0], base[1:3], base[3:5], base[5], base[6:9], art)


def _from_parts(parts: list[str], original: str) -> Kontostreng:
    if any(not p.isdigit() for p in parts):
        raise ParseError("kontostreng", original, "expected digits between the separators")
    if len(parts) < 5:
        raise ParseError("kontostreng", original, "expected at least hovedkonto.hovedfunktion.funktion.dranst.gruppering")
    values = []
    for (name, width), part in zip(_WIDTHS, parts[:5]):
        if len(part) > width:
            raise ParseError("kontostreng", original, f"{name} has more than {width} digits")
        values.append(part.zfill(width))
    rest = parts[5:]
    art: str | None
    if not rest:
        art = None
    elif len(rest) == 1 and len(rest[0]) == 2:
        art = rest[0]
    elif len(rest) == 2 and len(rest[0]) == 1 and len(rest[1]) == 1:
        art = rest[0] + rest[1]
    else:
        raise ParseError("kontostreng", original, "art must be written 4.7 or 47")
    return Kontostreng(*values, art)
