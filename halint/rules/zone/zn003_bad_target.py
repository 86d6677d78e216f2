"""ZN003 bad-target: NS, MX and SRV records must point at a host name that has addresses.

- a target that is an IP address (``MX 10 192.0.2.1``): the data is a domain name (RFC 1035
  3.3.9 and 3.3.11, RFC 2782), so the address is read as a name below the origin;
- a target that is a CNAME in this zone (RFC 2181 10.3: NS, MX and SRV must not point at an
  alias; BIND: "is a CNAME (illegal)");
- an NS target inside the zone with no A or AAAA record: the name server's address (the glue,
  below a delegation) must be in this zone (RFC 1034 4.2.1; BIND: "has no address records",
  fatal for the apex NS). A target below another delegation is the other zone's business
  (sibling glue), one below a DNAME or covered by a wildcard is left alone;
- no NS record at the zone's origin (RFC 1034 4.2.1; BIND: "has no NS records").

When an $INCLUDE could not be read (ZN001), missing NS records and missing glue are not
reported: they may be in the file that was not read.
"""
from __future__ import annotations

import ipaddress

from halint.formats.zone.model import ZoneUnit, rdata
from halint.formats.zone.names import is_subdomain, parent_names
from halint.rules.base import rule
from halint.rules.zone.common import checked
from halint.core.source import Span

ADDRESS = (rdata.A, rdata.AAAA)
SOURCES = {rdata.NS: "RFC 1035 3.3.11", rdata.MX: "RFC 1035 3.3.9", rdata.SRV: "RFC 2782"}


def _address(word: str) -> str | None:
    text = word[:-1] if word.endswith(".") else word
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


@rule("ZN003")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone):
        return
    origin = zone.origin
    by_owner = zone.by_owner
    # what an unread $INCLUDE may hold (the NS set, glue) is not judged: ZN001 says why
    if zone.complete and not any(r.rdtype == rdata.NS for r in by_owner.get(origin, ())):
        if zone.soa is not None:
            anchor = zone.soa.record.span
        else:
            anchor = zone.records[0].span if zone.records else Span(zone.source, 0, 0)
        ctx.report(
            f"the zone {origin} has no NS record at its origin",
            anchor,
            note=(
                "every zone names its name servers at its apex (RFC 1034 4.2.1), and BIND refuses the zone "
                "(\"has no NS records\")"
            ),
        )
    delegations: set[str] = set()
    dnames: set[str] = set()
    for record in zone.records:
        if record.rdtype == rdata.NS and record.owner != origin:
            delegations.add(record.owner)
        elif record.rdtype == rdata.DNAME:
            dnames.add(record.owner)
    for record in zone.records:
        if record.rdtype not in SOURCES:
            continue
        word = rdata.target_word(record.rdtype, record.rdata)
        if word is None or word == ".":
            continue
        kind = record.type_name
        target = record.target
        address = _address(word)
        if address is not None:
            meaning = f", so it means the name {target}" if target and not word.endswith(".") else ""
            ctx.report(
                f"{kind} record for {record.owner} points at {address}, an IP address",
                record.span,
                note=f"{kind} data is a host name ({SOURCES[record.rdtype]}){meaning}; name a host that has an A/AAAA record",
            )
            continue
        if target is None or not is_subdomain(target, origin):
            continue
        at_target = by_owner.get(target, ())
        cname = next((r for r in at_target if r.rdtype == rdata.CNAME), None)
        if cname is not None:
            ctx.report(
                f"{kind} record for {record.owner} points at {target}, which is a CNAME (to {cname.target or cname.rdata})",
                record.span,
                note=(
                    f"{kind} targets must be the canonical name, not an alias (RFC 2181 10.3), and BIND reports it "
                    f"(\"is a CNAME (illegal)\")"
                ),
            )
            continue
        if record.rdtype != rdata.NS or any(r.rdtype in ADDRESS for r in at_target) or not zone.complete:
            continue
        above = parent_names(target, origin)[1:]
        if any(name in dnames for name in above):
            continue
        cut = next((name for name in [target, *above] if name in delegations), None)
        if cut is not None and cut != record.owner:
            continue  # sibling glue: the address comes from the other delegated zone
        if not at_target and any(_has_address(by_owner.get("*." + name if name != "." else "*.", ())) for name in above):
            continue  # a wildcard answers for it
        if cut is not None:
            why = (
                f"it is below the delegation {cut}, so this zone must hold its address (glue); without it "
                f"resolvers cannot reach {cut}'s name servers"
            )
        else:
            why = "resolvers cannot find this name server's address"
            if record.owner == origin:
                why += ", and BIND refuses the zone (\"has no address records\")"
        ctx.report(
            f"NS record for {record.owner} names {target}, which is in this zone but has no A or AAAA record",
            record.span,
            note=why,
        )


def _has_address(records) -> bool:
    return any(r.rdtype in ADDRESS for r in records)
