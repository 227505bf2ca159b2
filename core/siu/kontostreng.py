"""The municipal account string (kontostreng) of the authorised chart of accounts.

An account is hovedkonto (1 digit), hovedfunktion (2), funktion (2), dranst (1), gruppering (3),
hovedart (1) and art (1): ``5.38.50.1.003.4.7``. :func:`parse` reads the forms municipalities
write; :meth:`Kontostreng.render` writes the form a spec pack asks for (``[kontostreng] render``
in the pack's manifest); ``str()`` gives the dotted form users read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from siu.models import Kind
from siu.parsing import ParseError

_SEP = re.compile(r"[.\-/ ]+")
_DIGITS = re.compile(r"[0-9]+\Z")  # ASCII digits only (str.isdigit also takes "²" and "٣")

# Parts of a dotted account with their widths, in order; art may be written "4.7" or "47".
_WIDTHS = (("hovedkonto", 1), ("hovedfunktion", 2), ("funktion", 2), ("dranst", 1), ("gruppering", 3))
_BASE_DIGITS = 9  # hovedkonto .. gruppering, packed

# Hovedart → kind. 1 wages, 2 goods, 4 services, 5 transfers, 6 financial expenses are
# expenditure; 7 revenue and 8 financial revenue are revenue; 9 internal. 0 and 3 are the
# chart's capital arts (land and buildings, acquisitions): expenditure.
_KIND_BY_HOVEDART = {
    "0": Kind.EXPENDITURE,
    "1": Kind.EXPENDITURE,
    "2": Kind.EXPENDITURE,
    "3": Kind.EXPENDITURE,
    "4": Kind.EXPENDITURE,
    "5": Kind.EXPENDITURE,
    "6": Kind.EXPENDITURE,
    "7": Kind.REVENUE,
    "8": Kind.REVENUE,
    "9": Kind.INTERNAL,
}


class KontostrengError(ParseError):
    """An account string that cannot be read; ``reason`` in English, ``reason_da`` in Danish."""

    def __init__(self, value: str, reason_da: str, reason_en: str) -> None:
        super().__init__("kontostreng", value, reason_en)
        self.reason_da = reason_da


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
        """The art as the chart writes it: ``4.7``."""
        return f"{self.art[0]}.{self.art[1]}" if self.art else None

    @property
    def packed(self) -> str:
        """All digits without separators: ``53850100347`` (9 digits without an art)."""
        return f"{self.hovedkonto}{self.hovedfunktion}{self.funktion}{self.dranst}{self.gruppering}{self.art or ''}"

    @property
    def kind(self) -> Kind | None:
        return classify_art(self.art) if self.art else None

    def with_art(self, art: str | None) -> Kontostreng:
        """The same account with another art (two digits, or ``4.7``)."""
        if art is not None:
            art = art.replace(".", "")
            if len(art) != 2 or not _DIGITS.match(art):
                raise KontostrengError(art, "arten skal være to cifre, fx 4.7", "the art must be two digits, e.g. 4.7")
        return Kontostreng(self.hovedkonto, self.hovedfunktion, self.funktion, self.dranst, self.gruppering, art)

    def render(self, pattern: str) -> str:
        """Format with ``pattern``'s fields (``{hovedkonto}``, ``{hovedfunktion}``, ``{funktion}``,
        ``{dranst}``, ``{gruppering}``, ``{hovedart}``, ``{art}`` (the second art digit), ``{art2}``
        (both art digits)). An account without an art cannot be rendered."""
        if not self.art:
            raise KontostrengError(str(self), "kontoen har ingen art", "the account has no art")
        return pattern.format(
            hovedkonto=self.hovedkonto,
            hovedfunktion=self.hovedfunktion,
            funktion=self.funktion,
            dranst=self.dranst,
            gruppering=self.gruppering,
            hovedart=self.art[0],
            art=self.art[1],
            art2=self.art,
        )

    def __str__(self) -> str:
        base = f"{self.function}.{self.dranst}.{self.gruppering}"
        return f"{base}.{self.art_dotted}" if self.art else base


def classify_art(art: str) -> Kind:
    """Expenditure (hovedart 0–6), revenue (7–8) or internal (9), by the first of the art's two digits."""
    kind = _KIND_BY_HOVEDART.get(art[:1]) if art and len(art) == 2 else None
    if kind is None:
        raise KontostrengError(art, "arten skal begynde med et ciffer", "the art must start with a digit")
    return kind


@lru_cache(maxsize=65536)
def parse(text: str) -> Kontostreng:
    """Read an account in any form municipalities use; raises :class:`KontostrengError`.

    - dotted ``5.38.50.1.003``, ``5.38.50.1.003.4.7`` or ``5.38.50.1.003.47`` (``-``, ``/`` and
      spaces work as separators too; short parts are zero-padded: ``5.38.50.1.3`` is grouping 003);
    - packed digits: 9 (``538501003``, no art) or 11 (``53850100347``), also with the art apart
      (``538501003.4.7``, ``538501003 47``);
    - 16 digits: the 9 digits above, 5 local digits and the art as the last two digits
      (``5385010030000047``). This form is [provisional]: it is siu's reading of the long account
      strings some systems export, not a DST definition; the 5 middle digits are ignored.

    Results are cached: ledgers repeat few accounts many times.
    """
    parts = [p for p in _SEP.split(text.strip()) if p]
    if not parts:
        raise KontostrengError(text, "tom", "empty")
    if any(not _DIGITS.match(p) for p in parts):
        raise KontostrengError(
            text,
            "kun cifre og skilletegn (. - / mellemrum) er tilladt",
            "only digits and separators (. - / space) are allowed",
        )
    if len(parts) == 1:
        return _from_digits(parts[0], text)
    if len(parts[0]) == _BASE_DIGITS:  # packed base, art written apart
        return _from_digits(parts[0], text, art=_art_of(parts[1:], text))
    return _from_parts(parts, text)


def _from_digits(digits: str, original: str, art: str | None = None) -> Kontostreng:
    n = len(digits)
    if n == 16:
        base, art = digits[:_BASE_DIGITS], digits[14:]
    elif n in (_BASE_DIGITS, 11):
        base, art = digits[:_BASE_DIGITS], art or digits[_BASE_DIGITS:] or None
    else:
        raise KontostrengError(original, f"{n} cifre; forventer 9, 11 eller 16", f"{n} digits; expected 9, 11 or 16")
    return Kontostreng(base[0], base[1:3], base[3:5], base[5], base[6:9], art)


def _art_of(rest: list[str], original: str) -> str | None:
    if not rest:
        return None
    if len(rest) == 1 and len(rest[0]) == 2:
        return rest[0]
    if len(rest) == 2 and len(rest[0]) == 1 and len(rest[1]) == 1:
        return rest[0] + rest[1]
    raise KontostrengError(original, "arten skrives 4.7 eller 47", "the art must be written 4.7 or 47")


def _from_parts(parts: list[str], original: str) -> Kontostreng:
    if len(parts) < len(_WIDTHS):
        raise KontostrengError(
            original,
            "forventer mindst hovedkonto.hovedfunktion.funktion.dranst.gruppering, fx 5.38.50.1.003",
            "expected at least hovedkonto.hovedfunktion.funktion.dranst.gruppering, e.g. 5.38.50.1.003",
        )
    values = []
    for (name, width), part in zip(_WIDTHS, parts):
        if len(part) > width:
            raise KontostrengError(
                original, f"{name} har mere end {width} cifre", f"{name} has more than {width} digits"
            )
        values.append(part.zfill(width))
    return Kontostreng(*values, _art_of(parts[len(_WIDTHS) :], original))  # type: ignore[call-arg]  # five parts + art
