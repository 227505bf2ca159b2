"""The catalogue itself: :class:`Code`, ``CATALOGUE`` and :func:`define` (private; use :mod:`siu.findings`)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from siu.base.caching import parsed
from siu.base.i18n import Text, apply_plurals, has_plurals
from siu.base.masking import escape_controls, safe_text
from siu.models import Finding, Location, Severity, safe_value

_SAFE_PARAMS: dict[str, str] = {}  # parameter text → masked: the same account or file recurs on many findings


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Code:
    """One kind of finding: stable code, default severity, messages and documentation."""

    code: str
    severity: Severity
    title_da: str
    title_en: str
    template_da: str
    template_en: str
    doc_da: str = ""
    doc_en: str = ""
    group: str = "input"  # input | record | delivery | mapping | output

    # Templates that make a word agree with a count ({count|linje|linjer}) are rare: only they pay
    # for the substitution in make().
    plurals: bool = dc_field(init=False, repr=False, compare=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plurals", has_plurals(self.template_da) or has_plurals(self.template_en))

    @property
    def locked(self) -> bool:
        """Errors about reading the input or writing the output cannot be made milder in
        ``[severity]``: rows would be lost or an invalid file kept."""
        return self.severity is Severity.ERROR and self.group in ("input", "output")

    def allows(self, severity: Severity) -> bool:
        """Whether ``[severity]`` may set this code to ``severity``."""
        return not self.locked or severity.rank <= self.severity.rank

    def make(
        self,
        location: Location | None = None,
        field: str | None = None,
        value: Any = None,
        **params: Any,
    ) -> Finding:
        """A finding of this code. ``value`` is masked; ``params`` fill the templates and must
        not hold personal data (pass CPRs only as ``value``). A ``Text`` parameter fills the
        Danish template with its Danish and the English with its English; ``{name|one|many}``
        becomes the form agreeing with ``params[name]``."""
        masked = safe_value(value)
        if masked is not None:  # the sink's filter too: near-CPRs (9 or 11 digits) that mask_cpr leaves
            masked = parsed(_SAFE_PARAMS, masked, safe_text)
        # parameters quote data too (a local account, a paragraph code, a file name): masked and
        # with control characters escaped, so no message can carry a CPR or a terminal escape
        safe = {k: parsed(_SAFE_PARAMS, v, safe_text) if isinstance(v, str) else v for k, v in params.items()}
        worded = False  # a parameter worded per language (rare: checked only when one is given)
        for k, v in safe.items():
            if type(v) is Text:
                safe[k] = Text(parsed(_SAFE_PARAMS, v.da, safe_text) or "", parsed(_SAFE_PARAMS, v.en, safe_text) or "")
                worded = True
        shown = escape_controls(masked) if masked is not None else ""
        template_da, template_en = self.template_da, self.template_en
        if self.plurals:
            template_da, template_en = apply_plurals(template_da, safe), apply_plurals(template_en, safe)
        if worded:
            fill_da = _SafeDict({k: v.da if type(v) is Text else v for k, v in safe.items()}, value=shown)
            fill_en = _SafeDict({k: v.en if type(v) is Text else v for k, v in safe.items()}, value=shown)
        else:
            fill_da = fill_en = _SafeDict(safe, value=shown)
        return Finding.model_construct(
            code=self.code,
            severity=self.severity,
            message_da=template_da.format_map(fill_da),
            message_en=template_en.format_map(fill_en),
            location=location,
            field=field,
            value=escape_controls(masked) if masked is not None else None,
        )


CATALOGUE: dict[str, Code] = {}


def define(
    code: str,
    severity: Severity | str,
    title: tuple[str, str],
    template: tuple[str, str],
    doc: tuple[str, str] = ("", ""),
    group: str = "input",
) -> Code:
    """Add a code to the catalogue (plugins use this for their own codes, e.g. ``PRISME001``).

    A template prints a count with the word that agrees with it: ``{count} {count|linje|linjer}``
    (``1 linje``, ``2 linjer``); a parameter worded per language is passed as
    ``siu.base.i18n.Text(da, en)``."""
    if code in CATALOGUE:
        existing = CATALOGUE[code]
        if (existing.title_da, existing.template_da) != (title[0], template[0]):
            raise ValueError(f"finding code {code} is already defined differently")
        return existing
    entry = Code(code, Severity(severity), title[0], title[1], template[0], template[1], doc[0], doc[1], group)
    CATALOGUE[code] = entry
    return entry


def get(code: str) -> Code:
    return CATALOGUE[code]
