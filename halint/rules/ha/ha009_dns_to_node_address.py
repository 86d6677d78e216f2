"""HA009 dns-to-node-address: an A/AAAA record of a zone in the tree points at a cluster node's
own address instead of the VIP that node serves, so clients of that name do not follow a
failover.

A node's own name pointing at its own address is normal (``web1 A 10.0.0.11``), so a record is
reported only when its name is a service name: the zone apex, a name that NS, MX, SRV or CNAME
records of the zone point at, a conventional service label (www, ns1, mail, ftp, ...), or a
name that another copy of the data already points at the VIP. A name whose first label is a
host of the tree (``web``, ``web2``, ``web-mgmt``) is never reported."""
from __future__ import annotations

import re

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.formats.zone.model import rdata
from halint.rules.base import rule
from halint.rules.ha.common_exposure import node_related, one_vip, owners, peers, typo_note
from halint.rules.phrases import and_list, or_list

#: first labels that name a service rather than a machine
SERVICE_LABEL = re.compile(
    r"^(www\d*|ns\d*|dns\d*|mail\d*|mx\d*|smtp|imap|imaps|pop|pop3|ftp|sftp|api|app|portal|vpn|proxy|"
    r"intranet|extranet|webmail|autodiscover|ldap|db|sql|git|cloud|files|shop|blog|cdn|static)$"
)
_POINTING = (rdata.NS, rdata.MX, rdata.SRV, rdata.CNAME)


def _short(name: str | None) -> str:
    return (name or "").split(".", 1)[0].lower()


def _names_a_host(label: str, hosts: set[str]) -> bool:
    return any(label == h or label.startswith(h + "-") for h in hosts if h)


def _targets(zone) -> set[str]:
    out = set()
    for record in zone.records:
        if record.rdtype in _POINTING:
            target = record.target
            if target:
                out.add(target.lower())
    return out


def _shown(name: str) -> str:
    return name[:-1] if name.endswith(".") and name != "." else name


@rule("HA009")
def check(inv, ctx):
    hosts = {_short(h) for h in inv.hosts if h}
    targets: dict[int, set[str]] = {}
    # names that some zone already points at a VIP: (owner, rdtype) -> [(host, record)]
    at_vip: dict[tuple[str, int], list] = {}
    for vip in inv.by_vip:
        for host, unit, record in inv.records.get(vip, ()):
            at_vip.setdefault((record.owner.lower(), record.rdtype), []).append((host, record, vip))
    for ip in sorted(ip for ip in inv.records if ip in inv.node_addresses):  # owners() needs one
        found = owners(inv, ip)
        if not found:
            continue
        first = found[0]
        node = first.node
        cluster_vips = first.cluster.vips
        vip = one_vip(found)
        for host, unit, record in inv.records[ip]:
            owner = record.owner.lower()
            if _names_a_host(owner.split(".", 1)[0], hosts):
                continue
            zone = unit.zone
            if id(zone) not in targets:
                targets[id(zone)] = _targets(zone)
            elsewhere = [item for item in at_vip.get((owner, record.rdtype), ()) if item[2] in cluster_vips]
            service_name = (
                owner == (zone.origin or "").lower()
                or owner in targets[id(zone)]
                or bool(SERVICE_LABEL.match(owner.split(".", 1)[0]))
            )
            if not service_name and not elsewhere:
                continue
            instead = ", not the VIP " + str(vip) if vip is not None else " instead of its VIP " + or_list(
                [str(v) for v in sorted(v for v, _ in node.vips)])
            others = peers(first.cluster, node)
            shared = f" of the VIP{'' if vip is not None else 's'} that {node.name} shares with {and_list(others)}" if others else ""
            copy = f"{host}'s copy of {_shown(zone.origin or '?')}; " if host else ""
            message = f"{_shown(record.owner)} {record.type_name} {ip} points at {node.name}'s own address{instead}"
            note = (
                f"{copy}after a failover{shared}, clients of {_shown(record.owner)} still go to {node.name}"
                f"{typo_note(node)}"
            )
            related = list(node_related(first, vip))
            for other_host, other, other_vip in elsewhere[:2]:
                where = f"{other_host}'s copy" if other_host else "another zone"
                related.append(Related(other.span, f"{where} points {_shown(other.owner)} at the VIP {other_vip}"))
            fix = None
            spans = record.field_spans()
            if vip is not None and spans and len(spans) == 1:
                fix = Fix((Edit(spans[0], str(vip)),), Safety.SAFE, f"point {_shown(record.owner)} at the VIP {vip}")
            ctx.report(message, spans[0] if spans else record.span, related=tuple(related), fix=fix, note=note)
