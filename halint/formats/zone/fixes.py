"""The zone format's follow-up to the fix loop: a zone whose records the fixes changed while its
SOA serial did not increase gets the serial bump ZN004 asks for (secondaries only transfer a zone
whose serial increased), also when there is no git base to compare with."""
from __future__ import annotations

import datetime
from pathlib import Path

from halint.core.diagnostic import Edit
from halint.core.fsview import SourceCache, TreeView
from halint.core.source import Source


def serial_bumps(projects, originals: dict[Path, Source], fixed: dict[Path, Source], today: datetime.date,
                 same) -> list[tuple[str, Path, Source, Edit, str]]:
    """(code, path, the source as fixed, the edit, its description) for each zone to bump."""
    from halint.formats.zone.model import data_change, next_serial, serial_increased
    from halint.formats.zone.reader import read_zone

    bumps = []
    for project in projects:
        for unit in project.zones:
            zone = unit.zone
            path = same(zone.source.path)
            if path not in fixed or path not in originals or zone.soa is None or zone.origin is None:
                continue
            view = TreeView(project.tree.root, project.tree.root)
            old = read_zone(originals[path], view, SourceCache(), origin=zone.origin, origin_from=zone.origin_from)
            if old.soa is None or serial_increased(old.soa.serial, zone.soa.serial) or not data_change(old, zone):
                continue
            span = zone.soa.span_of("serial")
            if span.source is not zone.source or not span.text.isdigit():
                continue
            value = next_serial(old.soa.serial, today)
            bumps.append(("ZN004", path, zone.source, Edit(span, str(value)),
                          f"set the serial to {value}: the fixes changed this zone's records"))
    return bumps
