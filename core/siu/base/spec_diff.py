"""What changed between two spec packs, for ``siu specs diff`` (private; public as
``siu.specpack.diff_packs``)."""

from __future__ import annotations

from typing import Any

from siu.base.spec_models import PackView


def diff_packs(old: PackView, new: PackView) -> dict[str, Any]:
    """What changed from ``old`` to ``new``: added/removed/changed areas, paragraphs, chart rows
    (keyed by function, dranst, grouping), changed settings, XSD and provisional facts."""
    a, b = old.summary(), new.summary()
    out: dict[str, Any] = {
        "from": {"year": old.year, "version": old.version},
        "to": {"year": new.year, "version": new.version},
    }
    out["areas"] = _keyed_diff(a["areas"], b["areas"])
    out["paragraphs"] = _keyed_diff(a["paragraphs"], b["paragraphs"])

    def chart_key(c: dict[str, Any]) -> str:
        return f"{c['function']}.{c['dranst']}.{c['grouping']}"

    out["chart"] = _keyed_diff({chart_key(c): c for c in a["chart"]}, {chart_key(c): c for c in b["chart"]})
    settings = {}
    for key in (
        "valid_from",
        "valid_to",
        "default_area",
        "xml",
        "file_name",
        "amount",
        "kontostreng",
        "cpr",
        "dates",
        "excel",
        "channels",
        "source_channels",
        "test",
        "versions",
    ):
        for path, (x, y) in _flat_diff(a[key], b[key], key).items():
            settings[path] = {"from": x, "to": y}
    out["settings"] = settings
    out["xsd_changed"] = (old.root / old.manifest.xml.schema_file).read_bytes() != (
        new.root / new.manifest.xml.schema_file
    ).read_bytes()
    out["provisional"] = {
        "added": [p for p in b["provisional"] if p not in a["provisional"]],
        "removed": [p for p in a["provisional"] if p not in b["provisional"]],
    }
    return out


def _keyed_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {
        "added": {k: b[k] for k in b if k not in a},
        "removed": {k: a[k] for k in a if k not in b},
        "changed": {
            k: {f: {"from": x, "to": y} for f, (x, y) in _flat_diff(a[k], b[k], "").items()}
            for k in a
            if k in b and a[k] != b[k]
        },
    }


def _flat_diff(x: Any, y: Any, prefix: str) -> dict[str, tuple[Any, Any]]:
    if isinstance(x, dict) and isinstance(y, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for k in list(x) + [k for k in y if k not in x]:
            out.update(_flat_diff(x.get(k), y.get(k), f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {} if x == y else {prefix: (x, y)}
