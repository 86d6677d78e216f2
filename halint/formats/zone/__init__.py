"""DNS zone files (RFC 1035 master files, BIND's extensions), read with positions, and their model."""
from __future__ import annotations

import re
from pathlib import Path

from halint.core.comments import anywhere
from halint.formats.declaration import Claim, Format, Kind


def _claims(path: Path, head: bytes) -> bool:
    from halint.formats.zone.reader import zone_sniff

    return zone_sniff(path.name, head)


def _load(project, entries) -> None:
    if not (entries or project.zone_origins):
        return  # nothing to read (and no file a named.conf names): its code is not even imported
    from halint.formats.zone.load import load

    load(project, entries)


def _after_fix(projects, originals, fixed, today, same):
    from halint.formats.zone.fixes import serial_bumps

    return serial_bumps(projects, originals, fixed, today, same)


def _sources(project):
    for unit in project.zones:
        yield from unit.zone.sources


FORMAT = Format(
    name="zone",
    kinds=(Kind("zone", (Claim(80, _claims),), hint=lambda path: bool(re.search(r"^db\.|\.zone$", path.name)), hint_rank=70),),
    comments=anywhere(";"),  # RFC 1035 5.1: `;` outside quotes, `\;` literal
    load=_load,
    units=lambda project: project.zones,
    sources=_sources,
    syntax_code="ZN001",
    after_fix=_after_fix,
)
