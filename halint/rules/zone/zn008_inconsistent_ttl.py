"""ZN008 inconsistent-ttl: records of one RRset (owner, type; for RRSIG also the covered type)
with different TTLs.

RFC 2181 5.2: all records of an RRset have the same TTL; a set whose TTLs differ is treated as
an error by resolvers, and servers pick one (BIND warns "TTL set to prior TTL" and uses the
first). A TTL differs here when it is written differently, or when a record without a TTL takes
$TTL (or the previous record's TTL) while its sibling states one.
"""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.zone.model import ZoneUnit, rdata
from halint.rules.base import rule
from halint.rules.zone.common import checked, place


@rule("ZN008")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone):
        return
    for owner, records in zone.by_owner.items():
        if len(records) < 2:
            continue
        first_of: dict = {}
        reported: set = set()
        for record in records:
            key = (record.rdtype, record.covers) if record.rdtype == rdata.RRSIG else record.rdtype
            first = first_of.setdefault(key, record)
            if first is record or first.ttl == record.ttl or key in reported:
                continue
            reported.add(key)
            what = record.type_name if record.rdtype != rdata.RRSIG else f"RRSIG({rdata.type_name(record.covers or 0)})"
            ctx.report(
                f"{owner} {what} records have different TTLs: {record.ttl} here, {first.ttl} at "
                f"{place(first.span, record.span)}",
                record.span,
                related=(Related(first.span, f"{owner} {what} with TTL {first.ttl}"),),
                note="all records of an RRset share one TTL (RFC 2181 5.2)",
            )
