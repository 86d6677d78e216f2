"""ZN002 cname-and-other-data: a name with a CNAME has other records, or several CNAMEs.

RFC 1034 3.6.2 and RFC 2181 10.1: a CNAME is the only record at its name (DNSSEC's RRSIG, NSEC
and KEY excepted), and there is at most one. BIND refuses such a zone ("CNAME and other data",
"multiple RRs of singleton type"); dnspython keeps one side and silently drops the other, so the
conflict is found on the raw records, in file order.
"""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.zone.model import ZoneUnit, rdata
from halint.rules.base import rule
from halint.rules.zone.common import CNAME_NEUTRAL, checked, place

MAX_RELATED = 5


@rule("ZN002")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone):
        return
    owners: dict[str, None] = {}
    for record in zone.records:
        if record.rdtype == rdata.CNAME:
            owners.setdefault(record.owner, None)
    for owner in owners:
        records = zone.by_owner[owner]
        cnames = [r for r in records if r.rdtype == rdata.CNAME]
        others = [r for r in records if r.rdtype != rdata.CNAME and r.rdtype not in CNAME_NEUTRAL]
        if others:
            first_cname, first_other = cnames[0], others[0]
            at = max(first_cname, first_other, key=lambda r: (zone.sources.index(r.source), r.start))
            kinds = sorted({r.type_name for r in others})
            target = first_cname.target or first_cname.rdata
            related = [Related(r.span, f"{r.type_name} record for {owner}") for r in others[:MAX_RELATED] if r is not at]
            if at is not first_cname:
                related.insert(0, Related(first_cname.span, f"the CNAME for {owner}"))
            where = ", ".join(f"{r.type_name} at {place(r.span, at.span)}" for r in others[:MAX_RELATED])
            ctx.report(
                f"{owner} has a CNAME (to {target}) and other data ({'/'.join(kinds)}: {where})",
                at.span,
                related=tuple(related),
                note=(
                    "a name with a CNAME can have no other records (RFC 1034 3.6.2), BIND refuses the zone "
                    "(\"CNAME and other data\") and dnspython keeps only one of them"
                ),
            )
        distinct = {}
        for r in cnames:
            distinct.setdefault(r.target or r.rdata, r)
        if len(distinct) > 1:
            first = cnames[0]
            for target, r in list(distinct.items())[1:]:
                ctx.report(
                    f"{owner} has a second CNAME (to {target}; the first, at {place(first.span, r.span)}, points "
                    f"to {first.target or first.rdata})",
                    r.span,
                    related=(Related(first.span, f"the first CNAME for {owner}"),),
                    note=(
                        "a name has at most one CNAME (RFC 2181 10.1), BIND refuses the zone (\"multiple RRs of "
                        "singleton type\") and dnspython keeps only the last"
                    ),
                )
