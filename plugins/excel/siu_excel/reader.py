"""Reading a filled DST Excel template: the municipality's own, or one siu wrote.

The template's headers come from the spec packs' ``[excel]`` sections (every built-in pack, so a
file siu wrote for any year always reads back), followed by the usual Danish header names for
templates filled by hand. Cells are read as they are stored (no type guessing): a date may be an
Excel date or text (``31.01.2025``, ``2025-01-31``), an amount a number or Danish text
(``1.234,56``), a CPR number text or a number that lost its leading zero. Row numbers are the
ones Excel shows. When the workbook has a sheet named as the template's sheet, that sheet is read
(unless ``--sheet`` says otherwise); otherwise the first sheet whose headers the reader finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from siu.adapters import ReadInfo, ReadOptions
from siu.models import Finding
from siu.specpack import ExcelSpec, SpecError, SpecPack, builtin_pack_dirs
from siu.tables import XLSX_SUFFIXES, sheet_names
from siu.tabular import COMMON_ALIASES, TabularSource

# Delivery-line fields (the template's ``field``) → the posting fields the reader fills.
FIELD_TO_POSTING = {
    "psr_id": "cpr",
    "kontostreng": "kontostreng",
    "paragraph": "paragraph",
    "amount": "amount",
    "start": "start",
    "end": "end",
}


@lru_cache(maxsize=1)
def builtin_templates() -> tuple[ExcelSpec, ...]:
    """The ``[excel]`` sections of siu's built-in spec packs, newest year first."""
    templates: list[tuple[int, ExcelSpec]] = []
    for folder in builtin_pack_dirs():
        try:
            pack = SpecPack.load(folder)
        except SpecError:
            continue  # a broken pack is reported where packs are chosen, not here
        templates.append((pack.year, pack.manifest.excel))
    return tuple(t for _, t in sorted(templates, key=lambda item: -item[0]))


def template_aliases(templates: tuple[ExcelSpec, ...]) -> dict[str, list[str]]:
    """Posting field → header texts: the templates' headers first, then the common names."""
    aliases: dict[str, list[str]] = {}
    for template in templates:
        for col in template.columns:
            name = FIELD_TO_POSTING.get(col.field)
            if name is not None and col.header not in aliases.setdefault(name, []):
                aliases[name].append(col.header)
    for name, names in COMMON_ALIASES.items():
        aliases.setdefault(name, [])
        aliases[name] += [n for n in names if n not in aliases[name]]
    return aliases


class ExcelTemplateSource(TabularSource):
    name = "excel"
    description = "DST's Excel-skabelon (IDEP.web) / DST's Excel template (IDEP.web)"
    required = ("cpr", "kontostreng")
    one_of = (("amount",),)
    signature = ("PsrID", "KONTOSTRENG")
    file_types = (".xlsx",)
    explicit_sign = False

    @property
    def aliases(self) -> dict[str, list[str]]:  # type: ignore[override]
        return template_aliases(builtin_templates())

    def read_batches(self, path: Path, options: ReadOptions, info: ReadInfo) -> Iterator[pa.RecordBatch | Finding]:
        if options.sheet is None and path.suffix.lower() in XLSX_SUFFIXES:
            names = sheet_names(path)
            wanted = [t.sheet for t in builtin_templates() if t.sheet in names]
            if wanted and names and names[0] != wanted[0]:
                options = replace(options, sheet=wanted[0])
        yield from super().read_batches(path, options, info)
