"""ZN005 bad-serial-format: a serial written as YYYYMMDDnn whose date is not a calendar date, or
is later than today.

The date convention (RFC 1912 2.2) only works while the date is real: a serial dated in the
future (a typo such as 2052 for 2025, or a bump past nn = 99 that rolled into tomorrow) leaves
the next real dates lower than it, so later edits have to keep bumping that number. A counter nn over 99 cannot be written in
ten digits (and a serial over 4294967295 does not load: ZN001).
"""
from __future__ import annotations

from halint.formats.zone.model import ZoneUnit, date_form
from halint.rules.base import rule
from halint.rules.zone.common import checked


@rule("ZN005")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone) or zone.soa is None:
        return
    soa = zone.soa
    form = date_form(soa.serial)
    if form is None:
        return
    day, _count = form  # ten digits leave two for nn: a counter over 99 cannot be written
    text = str(soa.serial)
    span = soa.span_of("serial")
    if day is None:
        ctx.report(
            f"the SOA serial {text} looks like YYYYMMDDnn, but {text[:4]}-{text[4:6]}-{text[6:8]} is not a date",
            span,
        )
    elif day > ctx.today:
        ctx.report(
            f"the SOA serial {text} is dated {day.isoformat()}, later than today ({ctx.today.isoformat()})",
            span,
            note=f"until that date, every change must bump it past {text} rather than use the date",
        )
