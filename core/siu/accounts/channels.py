"""Reporting channels per source system, as the spec pack states them (``[channels]``,
``[source_channels]``).

DST takes SIU through IDEP.web (DST's Excel template) or system to system (XML over FTP). Some
source systems have only one of them: DST's answer is that SAP has no system-to-system solution,
so a run reading SAP writes the IDEP Excel template unless told otherwise, and says why when XML
is asked for. Everything here reads the pack; nothing about a channel is hard-coded.
"""

from __future__ import annotations

from collections.abc import Iterable

from siu.base.i18n import Text
from siu.catalogue.accounts import FORMAT_FROM_CHANNEL, FORMAT_NOT_FOR_SOURCE
from siu.models import Finding
from siu.specpack import SpecPack


def allowed_channels(spec: SpecPack, sources: Iterable[str]) -> list[str]:
    """The channels every one of ``sources`` can use, in the pack's order of ``[channels]``."""
    m = spec.manifest
    allowed = list(m.channels)
    for name in sources:
        sc = m.source_channels.get(name)
        if sc is not None:
            allowed = [c for c in allowed if c in sc.channels]
    return allowed


def _limiting(spec: SpecPack, sources: Iterable[str], channel: str | None) -> str | None:
    """The first source whose ``[source_channels]`` excludes ``channel`` (or restricts at all)."""
    for name in sources:
        sc = spec.manifest.source_channels.get(name)
        if sc is not None and (channel is None or channel not in sc.channels):
            return name
    return None


def resolve_format(spec: SpecPack, sources: list[str], fmt: str, explicit: bool) -> tuple[str, list[Finding]]:
    """The output format for a run reading ``sources``, and findings that explain the choice.

    ``fmt`` is the format from the settings; ``explicit`` says the user chose it (``--format`` or
    ``format`` in siu.toml). Without an explicit choice, when the sources cannot use every channel,
    the first allowed channel's first format wins (SIU440). An explicit format whose channel a
    source cannot use is kept, with the reason (SIU441).
    """
    m = spec.manifest
    if not m.channels:
        return fmt, []
    allowed = allowed_channels(spec, sources)
    found = spec.channel_of(fmt)
    if explicit:
        if found is not None and found[0] not in allowed:
            src = _limiting(spec, sources, found[0]) or "?"
            sc = m.source_channels[src]
            ch = found[1]
            return fmt, [
                FORMAT_NOT_FOR_SOURCE.make(
                    format=fmt, channel=Text(ch.name_da, ch.name_en), source=src, why=Text(sc.why_da, sc.why_en)
                )
            ]
        return fmt, []
    if not allowed or len(allowed) == len(m.channels):
        return fmt, []  # every channel open (or none fits): the settings' format stands
    if found is not None and found[0] in allowed:
        return fmt, []
    channel = m.channels[allowed[0]]
    chosen = channel.formats[0]
    src = _limiting(spec, sources, None) or "?"
    sc = m.source_channels[src]
    finding = FORMAT_FROM_CHANNEL.make(
        format=chosen, channel=Text(channel.name_da, channel.name_en), source=src, why=Text(sc.why_da, sc.why_en)
    )
    return chosen, [finding]
