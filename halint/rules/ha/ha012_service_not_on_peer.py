"""HA012 service-not-on-peer: a service the cluster serves through its VIP is not provided the
same way on every peer that can hold the VIP.

What halint can see is DNS: when a cluster serves DNS (a node tracks named, unbound, ... or an
NS record of a zone in the tree names a host whose address is a VIP of the cluster), every
authoritative zone one node holds must be on every node, with the same data:

- a node that has neither a copy of the zone nor a named.conf zone statement for it cannot
  answer for it after a failover (the finding is on that node's vrrp_instance, or its
  named.conf when it has one);
- a copy whose data differs from the reference copy answers differently after a failover. The
  reference is the copy that points most names at the VIP (rather than at node addresses), and
  on a tie the MASTER by design (``state MASTER``, then the highest priority). The finding is on
  the first record of the stale copy that the reference does not have. A node that declares the
  zone as a secondary gets it by zone transfer and is not compared.
"""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.zone.model import data_change, rdata
from halint.rules.base import rule
from halint.rules.phrases import and_list, plural
from halint.core.source import Span

DNS_DAEMONS = frozenset({"named", "unbound", "pdns_server", "knotd", "nsd", "dnsmasq"})
SECONDARY = frozenset({"secondary", "slave", "mirror", "stub"})


def _shown(name: str | None) -> str:
    if not name:
        return "?"
    return name[:-1] if name.endswith(".") and name != "." else name


def _name_servers(inv) -> dict[str, tuple[int, str | None]]:
    """NS target (lower case) -> (where the first NS record naming it is, in the order of hosts,
    zones and records; the origin of its zone). Built once per run, not once per cluster."""
    first: dict[str, tuple[int, str | None]] = {}
    position = 0
    for host in inv.hosts.values():
        for unit in host.zones:
            for record in unit.zone.records:
                if record.rdtype == rdata.NS and record.target:
                    first.setdefault(record.target.lower(), (position, unit.zone.origin))
                position += 1
    return first


def _dns_reason(inv, cluster, name_servers) -> str | None:
    """Why the cluster serves DNS, or None."""
    for node in cluster.nodes:
        for tracked in node.tracked:
            if tracked.service is not None and tracked.script is not None and tracked.service.name in DNS_DAEMONS:
                return f"{tracked.service.name} is tracked ({tracked.name} on {node.name})"
    addresses: dict[str, object] = {}
    for vip in cluster.vips:
        for _, _, record in inv.records.get(vip, ()):
            addresses[record.owner.lower()] = vip
    named = [(name_servers[name], name) for name in addresses if name in name_servers]
    if not named:
        return None
    (_, origin), target = min(named)
    return f"{_shown(target)}, a name server of {_shown(origin)}, is on the VIP {addresses[target]}"


def _declared(host) -> dict[str, object]:
    """origin (lower case) -> zone statement, from the host's named.conf files."""
    out = {}
    for conf in host.named if host is not None else ():
        for zone in conf.zones:
            out.setdefault(zone.origin.lower(), zone)
    return out


def _master_rank(node) -> tuple:
    inst = node.instance
    return (inst.state_value == "MASTER", inst.base_priority)


def _score(unit, cluster, node_addresses) -> int:
    score = 0
    for record in unit.zone.records:
        if record.rdtype in (rdata.A, rdata.AAAA):
            text = record.rdata.strip().lower()
            if any(text == str(v) for v in cluster.vips):
                score += 1
            elif text in node_addresses:
                score -= 1
    return score


@rule("HA012")
def check(inv, ctx):
    name_servers = _name_servers(inv)
    for cluster in inv.clusters:
        hosts = []
        for node in sorted(cluster.nodes, key=_master_rank, reverse=True):
            # a configuration outside the hosts/<host>/ layout has no host files to compare
            if node.host is not None and node.host not in [h for h, _ in hosts]:
                hosts.append((node.host, node))
        if len(hosts) < 2:
            continue
        reason = _dns_reason(inv, cluster, name_servers)
        if reason is None:
            continue
        node_addresses = {str(a) for a, owners in inv.node_addresses.items() if any(h in cluster.hosts for h, _ in owners)}
        copies: dict[str, dict] = {}  # origin -> host -> unit
        declared = {h: _declared(inv.hosts.get(h)) for h, _ in hosts}
        for host, _ in hosts:
            entry = inv.hosts.get(host)
            for unit in entry.zones if entry is not None else ():
                if unit.zone.origin:
                    copies.setdefault(unit.zone.origin.lower(), {}).setdefault(host, unit)
        vips = cluster.held()
        for origin in sorted(copies):
            held = copies[origin]
            for host, node in hosts:
                if host not in held and origin not in declared[host]:
                    _missing(inv, cluster, origin, held, host, node, reason, vips, ctx)
            compared = {h: u for h, u in held.items() if getattr(declared[h].get(origin), "type", None) not in SECONDARY}
            if len(compared) < 2:
                continue
            order = [h for h, _ in hosts]
            ref_host = max(compared, key=lambda h: (_score(compared[h], cluster, node_addresses), -order.index(h)))
            ref = compared[ref_host]
            for host in order:
                if host == ref_host or host not in compared:
                    continue
                _stale(compared[host], host, ref, ref_host, origin, reason, vips, ctx)


def _missing(inv, cluster, origin, held, host, node, reason, vips, ctx):
    have = sorted(h for h in held)
    entry = inv.hosts.get(host)
    confs = entry.named if entry is not None else []
    span = Span(confs[0].source, 0, 0) if confs else node.instance.name.span
    where = "its named.conf has no zone statement for it" if confs else "it has no named configuration for it"
    message = f"zone {_shown(origin)} is served only by {and_list(have)}, not by {host}, which can hold {vips}"
    note = (
        f"{host} has no copy of it ({where}); {reason}: after a failover to {host}, queries for {_shown(origin)} fail"
    )
    related = tuple(Related(Span(held[h].zone.source, 0, 0), f"{h}'s copy of {_shown(origin)}") for h in have[:3])
    ctx.report(message, span, related=related, note=note)


def _stale(unit, host, ref, ref_host, origin, reason, vips, ctx):
    change = data_change(ref.zone, unit.zone)
    if not change:
        return
    stale = sorted(change.added, key=lambda r: r.start)
    missing = sorted(change.removed, key=lambda r: r.start)
    by_key = {}
    for record in ref.zone.records:
        by_key.setdefault((record.owner, record.rdtype), record)
    examples = []
    for record in stale[:3]:
        other = by_key.get((record.owner, record.rdtype))
        name = _shown(record.owner)
        if other is not None:
            examples.append(f"{name} {record.type_name} {record.rdata} where {ref_host} has {other.rdata}")
        else:
            examples.append(f"{name} {record.type_name} {record.rdata} that {ref_host} does not have")
    if not stale:
        examples = [f"no {_shown(r.owner)} {r.type_name} {r.rdata}" for r in missing[:3]]
    mine, theirs = unit.zone.soa, ref.zone.soa
    if mine is not None and theirs is not None and mine.serial == theirs.serial:
        serial = f" with the same serial {mine.serial}"
    elif mine is not None and theirs is not None:
        serial = f" (serial {mine.serial}, {ref_host}'s {theirs.serial})"
    else:
        serial = ""
    count = len(stale) + len([r for r in missing if (r.owner, r.rdtype) not in {(s.owner, s.rdtype) for s in stale}])
    differ = f"{plural(count, 'record')} {'differs' if count == 1 else 'differ'}"
    message = f"{host}'s copy of {_shown(origin)} differs from {ref_host}'s{serial}: {differ}"
    note = f"{reason}: after a failover of {vips} to {host}, DNS answers with this copy's data ({'; '.join(examples)})"
    if stale:
        span = stale[0].span
    elif mine is not None:
        span = mine.record.span
    else:
        span = Span(unit.zone.source, 0, 0)
    related = []
    first = stale[0] if stale else None
    other = by_key.get((first.owner, first.rdtype)) if first is not None else None
    if other is not None:
        related.append(Related(other.span, f"{ref_host}'s copy: {_shown(other.owner)} {other.type_name} {other.rdata}"))
    elif theirs is not None:
        related.append(Related(theirs.record.span, f"{ref_host}'s copy of {_shown(origin)}"))
    ctx.report(message, span, related=related, note=note)
