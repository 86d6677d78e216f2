"""ZN001 zone-syntax-error: what makes BIND refuse to load the zone, at the record or directive
that causes it (the reader's problems: syntax, bad record data, unknown types, no TTL, a
missing $INCLUDE file, no SOA or an SOA away from the origin)."""
from __future__ import annotations

from halint.formats.zone.model import ZoneUnit
from halint.rules.base import rule
from halint.rules.zone.common import checked


@rule("ZN001")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone):
        return
    for problem in zone.problems:
        ctx.report(problem.message, problem.span)
