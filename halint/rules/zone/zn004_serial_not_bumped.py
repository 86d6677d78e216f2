"""ZN004 serial-not-bumped: the zone's data changed since the git base but its SOA serial did
not increase, or the serial went backwards.

Secondaries poll the primary's SOA and transfer the zone only when the serial is greater than
theirs in RFC 1982 serial arithmetic (RFC 1034 4.3.5, RFC 1996): a change without a serial
increase never reaches them, and a serial that went backwards makes them ignore every change
until it passes their copy's. "Changed" compares the record sets with the SOA serial left out
(halint.formats.zone.model.data_change): comments, blanks and reordering are not changes.

Fix (safe): the serial becomes max(old + 1, today as YYYYMMDD00) when the base serial is in
date form, else old + 1 (mod 2^32).
"""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Safety
from halint.formats.zone.model import Record, ZoneUnit, data_change, next_serial, serial_compare
from halint.rules.base import rule
from halint.rules.zone.common import checked


def _example(added: tuple[Record, ...], removed: tuple[Record, ...]) -> str:
    """One change, concretely: "www.example.com. A 10.0.0.1 -> 10.0.0.2"."""
    for new in added:
        for old in removed:
            if (old.owner, old.rdtype) == (new.owner, new.rdtype):
                if old.rdata != new.rdata:
                    return f"{new.owner} {new.type_name} {old.rdata} -> {new.rdata}"
                return f"{new.owner} {new.type_name} TTL {old.ttl} -> {new.ttl}"
    if added:
        r = added[0]
        return f"added {r.owner} {r.type_name} {r.rdata}"
    r = removed[0]
    return f"removed {r.owner} {r.type_name} {r.rdata}"


@rule("ZN004")
def check(unit: ZoneUnit, ctx):
    zone, base = unit.zone, unit.base
    if base is None or not checked(zone) or base.origin != zone.origin:
        return
    new, old = zone.soa, base.soa
    if new is None or old is None:
        return
    label = unit.base_label or "the git base"
    order = serial_compare(new.serial, old.serial)
    if order == 1:
        return
    span = new.span_of("serial")
    value = next_serial(old.serial, ctx.today)
    fix = None
    if span != new.record.span and span.text.isdigit():
        fix = Fix((Edit(span, str(value)),), Safety.SAFE, f"set the serial to {value}")
    if order == 0:
        if not (zone.complete and base.complete):
            return  # an $INCLUDE not read on either side: the data comparison would be wrong
        change = data_change(base, zone)
        if not change:
            return
        count = len({(r.owner, r.rdtype) for r in change.added + change.removed})
        more = f" and {count - 1} more changed record set{'s' if count > 2 else ''}" if count > 1 else ""
        ctx.report(
            f"the zone data differs from {label} ({_example(change.added, change.removed)}{more}) but the SOA "
            f"serial is still {new.serial}",
            span,
            fix=fix,
            note=(
                f"secondaries transfer the zone only when the serial increases (RFC 1996, RFC 1982), so they keep "
                f"serving the old data; use {value}"
            ),
        )
        return
    how = "is lower than" if order == -1 else "cannot be compared with (2^31 apart from)"
    ctx.report(
        f"the SOA serial went backwards: {new.serial} {how} {old.serial} in {label}",
        span,
        fix=fix,
        note=(
            f"compared in RFC 1982 serial arithmetic; secondaries holding {old.serial} ignore this zone until the serial "
            f"passes theirs; use {value}"
        ),
    )
